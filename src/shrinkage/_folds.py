"""Cross-validation folds shared by every CV estimator.

One splitter (:func:`check_cv_folds`) turns a ``cv`` argument into explicit
(train, test) index arrays, the same for the elastic-net, relaxed-lasso and
ridge cross-validation; :func:`folds_are_complements` tells whether each
fold trains on exactly the rows it does not hold out, the condition under
which a fold's problem can be derived from the full data's (full minus
held-out sums).
"""

import numbers
import sys

import numpy as np

from ._validation import check_scalar

__all__ = ["CVSearchMixin", "best_cell", "check_cv_folds", "cv_metadata_router",
           "folds_are_complements", "routed_split_params"]


class CVSearchMixin:
    """What the cross-validated elastic nets (single- and multi-task) share:
    the checked list of l1_ratios (``[1.0]`` for the Lasso variants, which
    set ``_has_l1_ratio = False``) and the splitter's metadata routing."""

    _has_l1_ratio = True

    def _l1_ratios(self):
        if not self._has_l1_ratio:
            return np.array([1.0])
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError("l1_ratio must be a float or a non-empty list of floats.")
        for r in ratios:
            check_scalar(float(r), "l1_ratio", low=0.0, high=1.0)
        return ratios

    def get_metadata_routing(self):
        """Get the metadata routing of this estimator (scikit-learn's protocol).

        Needs scikit-learn. As scikit-learn's: the estimator's own requests
        (``sample_weight``) and ``fit``'s metadata routed to the splitter's
        ``split`` (``groups``).

        Returns
        -------
        routing : sklearn.utils.metadata_routing.MetadataRouter
        """
        return cv_metadata_router(self, 5 if self.cv is None else self.cv)


def best_cell(mean_mse):
    """``(value, i, k)`` of the least mean error over (l1_ratio i, alpha k),
    the first l1_ratio winning ties (scikit-learn's choice)."""
    best_mse, best_i, best_k = np.inf, 0, 0
    for i in range(mean_mse.shape[0]):
        k = int(np.argmin(mean_mse[i]))
        if mean_mse[i, k] < best_mse:
            best_mse, best_i, best_k = mean_mse[i, k], i, k
    return best_mse, best_i, best_k


def cv_metadata_router(estimator, cv):
    """scikit-learn's routing of a CV estimator: its own requests, and
    ``fit``'s metadata routed to ``cv.split`` (``groups`` to a
    ``GroupKFold``). ``cv=None``: no splitter (leave-one-out)."""
    from sklearn.model_selection import check_cv
    from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

    router = MetadataRouter(owner=estimator).add_self_request(
        estimator._get_metadata_request())
    if cv is not None:
        router.add(splitter=check_cv(cv),
                   method_mapping=MethodMapping().add(caller="fit", callee="split"))
    return router


def routed_split_params(estimator, params):
    """The keyword arguments of ``cv.split`` from ``fit``'s ``**params``,
    routed as scikit-learn's CV estimators route them: only with metadata
    routing enabled (otherwise scikit-learn's ValueError), and only what
    the splitter requests (otherwise scikit-learn's TypeError)."""
    if not params:
        return {}
    sk = sys.modules.get("sklearn")
    if sk is None or not sk.get_config().get("enable_metadata_routing", False):
        raise ValueError(
            f"Passing extra keyword arguments to {type(estimator).__name__}.fit "
            "is only supported if enable_metadata_routing=True, which you can "
            "set using `sklearn.set_config`. See the User Guide "
            "<https://scikit-learn.org/stable/metadata_routing.html> for more "
            f"details. Extra parameters passed are: {set(params)}")
    from sklearn.utils.metadata_routing import process_routing

    routed = process_routing(estimator, "fit", **params)
    splitter = routed.get("splitter")
    return dict(splitter.split) if splitter is not None else {}


def check_cv_folds(cv, X, y, n_samples, split_params=None):
    """List of (train, test) index arrays for ``cv``.

    ``None`` means 5 folds; an integer ``k`` gives contiguous folds exactly
    as scikit-learn's ``KFold(k)`` without shuffling (the first
    ``n_samples % k`` folds one sample larger); an object with a ``split``
    method (any scikit-learn splitter) is asked for ``split(X, y,
    **split_params)`` (e.g. ``groups``); any
    other iterable is taken as the (train, test) pairs. Indices are returned
    as ``np.intp`` arrays; a boolean mask of length ``n_samples`` (which
    scikit-learn accepts) is read as the rows it selects.
    """
    if cv is None:
        cv = 5
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        k = int(cv)
        if k < 2:
            raise ValueError(f"cv must be at least 2 folds, got {k}.")
        if k > n_samples:
            raise ValueError(
                f"Cannot have number of splits n_splits={k} greater than the "
                f"number of samples: n_samples={n_samples}.")
        sizes = np.full(k, n_samples // k, dtype=np.intp)
        sizes[: n_samples % k] += 1
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        idx = np.arange(n_samples)
        return [(np.concatenate([idx[:a], idx[b:]]), idx[a:b])
                for a, b in zip(bounds[:-1], bounds[1:])]
    if isinstance(cv, (str, bytes)):  # has a split method, and iterates
        raise ValueError(
            "cv must be None, an int, a splitter with a split method or an "
            f"iterable of (train, test) index pairs, got {cv!r}.")
    if hasattr(cv, "split"):
        folds = list(cv.split(X, y, **(split_params or {})))
    else:
        try:
            folds = list(cv)
        except TypeError:
            raise ValueError(
                "cv must be None, an int, a splitter with a split method or an "
                f"iterable of (train, test) index pairs, got {cv!r}.") from None
    out = []
    for fold in folds:
        try:
            train, test = fold
        except (TypeError, ValueError):
            raise ValueError(
                f"cv: each fold must be a (train, test) pair, got {fold!r}.") from None
        out.append((_fold_rows(train, n_samples), _fold_rows(test, n_samples)))
    if not out:
        raise ValueError("cv produced no folds.")
    return out


def _fold_rows(rows, n_samples):
    """Row indices of one side of a fold given as indices or, as scikit-learn
    accepts, a boolean mask of length n_samples."""
    rows = np.asarray(rows)
    if rows.dtype == bool:
        if rows.shape != (n_samples,):
            raise ValueError(
                f"cv: a boolean mask must have shape ({n_samples},), got {rows.shape}.")
        return np.flatnonzero(rows)
    if rows.size == 0:
        return np.empty(0, dtype=np.intp)
    if rows.ndim != 1 or rows.dtype.kind not in "iu":
        raise ValueError(
            "cv: fold rows must be a 1-d array of integer indices or a boolean "
            f"mask, got an array of dtype {rows.dtype} and shape {rows.shape}.")
    if rows.min() < -n_samples or rows.max() >= n_samples:
        raise ValueError(f"cv: fold indices out of range for {n_samples} samples.")
    return rows.astype(np.intp, copy=False)


def folds_are_complements(folds, n_samples):
    """Whether each fold's training rows are exactly the complement of the
    rows it holds out (K-fold and the like; not, e.g., time-series splits)."""
    for train, test in folds:
        if len(train) + len(test) != n_samples:
            return False
        seen = np.zeros(n_samples, dtype=np.intp)
        np.add.at(seen, train, 1)
        np.add.at(seen, test, 1)
        if not np.all(seen == 1):
            return False
    return True
