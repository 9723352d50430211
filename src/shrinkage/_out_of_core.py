"""Fits from sufficient statistics: ``partial_fit`` and dask input.

The estimators' own ``fit`` runs on the equivalent rows of the statistics
(:func:`shrinkage._stats.equivalent_rows`), so every route (covariance
updates and duality gaps of the elastic net, Ridge's Cholesky / eigen
solves, CV from held-out sums) is the engine's, unchanged. The elastic
net is solved with covariance updates (``precompute=True``): a fit from
statistics has no rows for residual updates.

:func:`fit_dask` is called from the top of each estimator's ``fit`` when
a dask collection is passed; :func:`with_partial_fit` is the class
decorator that adds ``partial_fit``.
"""

import contextlib
import sys
import time

import numpy as np
import scipy.sparse as sp

from ._stats import SufficientStats, check_stats_memory, equivalent_rows
from ._validation import check_sample_weight, check_X_y

__all__ = ["fit_dask", "is_dask_collection", "partial_fit", "with_partial_fit"]

# scorers whose per-fold value is a function of the fold's first and second
# moments (so exact from the statistics); others need the rows
_MOMENT_SCORERS = (None, "r2", "neg_mean_squared_error", "neg_root_mean_squared_error")


def is_dask_collection(*objs):
    """True if any of ``objs`` is a dask array or dataframe (dask is not
    imported)."""
    return any(type(obj).__module__.partition(".")[0] in ("dask", "dask_expr")
               for obj in objs)


@contextlib.contextmanager
def _params(est, **params):
    """Set estimator attributes for the duration of a refit (the user's
    parameters are restored afterwards, as ``get_params`` reports them)."""
    missing = object()
    saved = {k: getattr(est, k, missing) for k in params}
    try:
        for k, v in params.items():
            setattr(est, k, v)
        yield
    finally:
        for k, v in saved.items():
            if v is missing:
                delattr(est, k)
            else:
                setattr(est, k, v)


def _fit_kind(est):
    from ._coordinate_descent import ElasticNet
    from ._cv import ElasticNetCV
    from ._ridge_estimators import RidgeCV
    if isinstance(est, ElasticNetCV):
        return "enet_cv"
    if isinstance(est, RidgeCV):
        return "ridge_cv"
    if isinstance(est, ElasticNet):
        return "enet"
    return "ridge"  # Ridge, LinearRegression


def _rows_of(moments, n_features, ravel):
    A, s = equivalent_rows(moments)
    Y = A[:, n_features:]
    return A[:, :n_features], (Y[:, 0] if ravel else Y), s


def refit(est, fit, stats, ravel, warm=False):
    """Run the estimator's own ``fit`` on the equivalent rows of ``stats``."""
    p, kind = stats.n_features, _fit_kind(est)
    if kind in ("enet", "enet_cv"):
        if not isinstance(est.precompute, (str, bool, np.bool_)):
            raise ValueError(
                f"{type(est).__name__} fitted from sufficient statistics computes "
                "its own Gram: precompute must be 'auto', True or False.")
    if kind in ("enet", "ridge"):
        X, y, s = _rows_of(stats.total(), p, ravel)
        extra = {"precompute": True} if kind == "enet" else {}
        if kind == "enet" and warm and hasattr(est, "coef_"):
            extra["warm_start"] = True
        with _params(est, **extra):
            return fit(est, X, y, sample_weight=s)
    # cross-validation: one block of equivalent rows per fold, in label order
    blocks = [_rows_of(stats.folds[k], p, ravel) for k in sorted(stats.folds)]
    sizes = np.cumsum([0] + [len(b[2]) for b in blocks])
    all_rows = np.arange(sizes[-1])
    folds = [(np.concatenate([all_rows[:sizes[k]], all_rows[sizes[k + 1]:]]),
              all_rows[sizes[k]:sizes[k + 1]]) for k in range(len(blocks))]
    X = np.vstack([b[0] for b in blocks])
    y = np.concatenate([b[1] for b in blocks])
    s = np.concatenate([b[2] for b in blocks])
    # verbose messages count the rows the statistics hold, not their
    # equivalent rows
    with _params(est, cv=folds, _rows_for_messages=stats.count):
        return fit(est, X, y, sample_weight=s)


def partial_fit(est, fit, X, y, sample_weight=None):
    """Add the chunk's statistics to the estimator's and refit from them.

    ``fit`` (the class's own) resets them: a ``partial_fit`` after ``fit``
    starts from no rows, as scikit-learn's proposed ``Ridge.partial_fit``
    (scikit-learn PR #34403).
    """
    name = type(est).__name__
    X_raw = X
    previous = getattr(est, "_partial_stats", None)
    # the statistics are the estimator's while coef_ is the one their last
    # refit set; a fit() in between replaced coef_ and starts afresh
    continuing = previous is not None and previous[1] is getattr(est, "coef_", None)
    if continuing:
        est._check_feature_names(X_raw)  # scikit-learn's errors and warnings
    if sp.issparse(X):
        X = X.toarray()  # one chunk, densified for its p x p statistics
    X, y = check_X_y(X, y, estimator=name)
    n, p = X.shape
    sw = check_sample_weight(sample_weight, n)
    if sw is not None and sw.ndim == 0:
        sw = np.full(n, float(sw))
    Y = y.reshape(n, -1)
    if continuing:
        stats = previous[0]
        if p != stats.n_features:
            raise ValueError(
                f"X has {p} features, but {name} is expecting "
                f"{stats.n_features} features as input.")
        if Y.shape[1] != stats.n_targets or previous[2] != (y.ndim == 1):
            raise ValueError(
                f"y has {Y.shape[1]} target(s) of ndim {y.ndim}, but {name} was "
                f"partially fitted with {stats.n_targets}.")
        stats = stats.merged(SufficientStats.of_chunk(X, Y, sw))
        warm = True
    else:
        stats, warm = SufficientStats.of_chunk(X, Y, sw), False
    names = getattr(est, "feature_names_in_", None) if continuing else None
    refit(est, fit, stats, ravel=y.ndim == 1, warm=warm)
    if continuing:
        est.n_features_in_ = p
        if names is not None:
            est.feature_names_in_ = names
    else:
        est._record_input(X_raw, X)
    est.n_samples_seen_ = stats.count
    est._partial_stats = (stats, est.coef_, y.ndim == 1)
    return est


def fit_dask(est, X, y, sample_weight):
    """``fit`` on dask input: statistics by dask, then a local solve with
    the estimator's own ``fit`` (the hook at the top of each ``fit``)."""
    fit = type(est).fit
    from ._dask import dask_stats, fold_labels  # imports dask

    name, kind = type(est).__name__, _fit_kind(est)
    if kind == "ridge_cv":
        if est.cv is None:
            raise ValueError(
                "RidgeCV on dask arrays cannot use leave-one-out (cv=None), "
                "which needs every row's leverage: pass cv=K for K-fold "
                "cross-validation from sufficient statistics.")
        if est.scoring not in _MOMENT_SCORERS:
            raise ValueError(
                f"RidgeCV on dask arrays scores from sufficient statistics: scoring "
                f"must be one of {_MOMENT_SCORERS[1:]} or None, got {est.scoring!r}.")
    verbose = int(getattr(est, "verbose", 0) or 0)
    start = time.perf_counter()
    labels = None
    if kind in ("enet_cv", "ridge_cv"):
        labels = fold_labels(est.cv if not (kind == "enet_cv" and est.cv is None) else 5,
                             X, name)
    stats, ravel = dask_stats(X, y, sample_weight, labels, name)
    if verbose:
        print(f"[{name}] sufficient statistics of {stats.count} rows in "
              f"{stats.n_chunks} chunks: {time.perf_counter() - start:.2f} s",
              file=sys.stderr, flush=True)
    check_stats_memory(stats.n_features + stats.n_targets, len(stats.folds))
    refit(est, fit, stats, ravel)
    if verbose:
        print(f"[{name}] fitted from the statistics: "
              f"{time.perf_counter() - start:.2f} s in all", file=sys.stderr, flush=True)
    return est


_PARTIAL_FIT_DOC = """Fit on one more chunk of rows, exactly.

        Adds the chunk's sufficient statistics (weight sum, means, centred
        co-moments of ``[X, y]``, accumulated in float64 with the pairwise
        update of Chan, Golub & LeVeque) to those of the chunks seen since
        the last ``fit``, and refits from them (warm-started): ``coef_``
        always reflects all rows seen and equals ``fit`` on their
        concatenation up to rounding. Memory is O(p^2), whatever the number
        of rows. ``fit`` resets the statistics.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            One chunk of training data (sparse chunks are densified).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Its targets (the same number in every chunk).
        sample_weight : float or array-like of shape (n_samples,), default=None
            Its non-negative weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """


def with_partial_fit(cls):
    """Class decorator: a ``partial_fit`` that refits with the instance's
    class's own ``fit`` on the statistics of every chunk seen."""

    def partial_fit_method(self, X, y, sample_weight=None):
        return partial_fit(self, type(self).fit, X, y, sample_weight)

    partial_fit_method.__name__ = "partial_fit"
    partial_fit_method.__qualname__ = f"{cls.__name__}.partial_fit"
    partial_fit_method.__doc__ = _PARTIAL_FIT_DOC
    cls.partial_fit = partial_fit_method
    return cls
