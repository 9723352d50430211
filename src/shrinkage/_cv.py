"""Cross-validated elastic net: ``ElasticNetCV`` and ``LassoCV``.

scikit-learn's procedure (same grid, same folds, same scoring): one alpha
grid from the full data per ``l1_ratio``; for each fold, a warm-started path
(``_path._solve_path``: strong rules, KKT checks, Gram reuse) on the
training rows, scored by the (weighted) mean squared error on the held-out
rows; the alpha (and ``l1_ratio``) of the smallest mean error over folds is
refitted on all data. Folds run in threads (the kernels release the GIL).

In addition, glmnet's one-standard-error rule (Friedman, Hastie & Tibshirani
2010, JSS 33(1), section 6; Hastie, Tibshirani & Friedman, "The Elements of
Statistical Learning", 2nd ed., section 7.10): ``alpha_1se_`` is the largest
alpha whose mean error is within one standard error of the minimum.
"""

import numbers
import os
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from ._base import LinearModel
from . import _cd_dense
from ._path import (
    enet_path,
    lasso_path,
    _alpha_grid_from,
    _alpha_max,
    _lambda_max_correlations,
    _solve_path,
)
from ._solvers import (
    DenseDesign,
    SparseDesign,
    _seed_from,
    choose_method,
    make_design,
    solve_enet,
)
from ._validation import (
    check_bool,
    check_penalty_factor,
    check_precompute,
    check_sample_weight,
    check_scalar,
    check_X_y,
)

__all__ = ["ElasticNetCV", "LassoCV", "check_cv_folds"]


class DataConversionWarning(UserWarning):
    """Input data was converted (a column-vector y for a single target)."""


def _data_conversion_warning():
    # scikit-learn's class when scikit-learn is in use (its tooling filters
    # on it); shrinkage never imports scikit-learn itself.
    sk = sys.modules.get("sklearn.exceptions")
    return sk.DataConversionWarning if sk is not None else DataConversionWarning


def _single_target(y, name):
    """1-D targets; a column vector is raveled with scikit-learn's warning."""
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(
                f"For multi-task outputs, use MultiTask{name}: {name} fits a "
                "single target.")
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. "
            "Please change the shape of y to (n_samples, ), for example "
            "using ravel().", _data_conversion_warning(), stacklevel=3)
        y = y[:, 0]
    return y


def check_cv_folds(cv, X, y, n_samples):
    """List of (train, test) index arrays for ``cv``.

    ``None`` means 5 folds; an integer ``k`` gives contiguous folds exactly
    as scikit-learn's ``KFold(k)`` without shuffling (the first
    ``n_samples % k`` folds one sample larger); an object with a ``split``
    method (any scikit-learn splitter) is asked for ``split(X, y)``; any
    other iterable is taken as the (train, test) pairs.
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
    if hasattr(cv, "split"):
        folds = list(cv.split(X, y))
    else:
        try:
            folds = list(cv)
        except TypeError:
            raise ValueError(
                "cv must be None, an int, a splitter with a split method or an "
                f"iterable of (train, test) index pairs, got {cv!r}.") from None
    out = []
    for fold in folds:
        train, test = fold
        out.append((np.asarray(train, dtype=np.intp), np.asarray(test, dtype=np.intp)))
    if not out:
        raise ValueError("cv produced no folds.")
    return out


def _n_workers(n_jobs, n_tasks):
    if n_jobs is None:
        return 1
    n_jobs = int(n_jobs)
    cpus = os.cpu_count() or 1
    if n_jobs < 0:
        n_jobs = max(cpus + 1 + n_jobs, 1)
    elif n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, a positive count or -1.")
    return max(1, min(n_jobs, n_tasks))


def _fold_method(n_train, p, precompute, n_alphas):
    """Naive or covariance updates on a training fold (an array -> Gram)."""
    if not isinstance(precompute, (str, bool, np.bool_)):
        precompute = True
    return choose_method(n_train, p, precompute, n_solves=n_alphas)


class _FoldGram:
    """A training fold's Gram problem, derived from the full data's.

    With ``m`` the full data's weighted column means and ``G`` its centred
    Gram (computed once), a fold whose held-out rows are ``T`` has, with
    ``d = m_train - m`` and ``S_train`` its weight,

        G_train = G - sum_{r in T} s_r (x_r - m)(x_r - m)^T - S_train d d^T,
        q_train = q - sum_{r in T} s_r (x_r - m)(y_r - ybar_train),

    where ``q = sum_r s_r (x_r - m)(y_r - ybar)`` over all rows (computed
    once). Each fold then costs products with its held-out rows only (a
    fifth of the data for 5 folds) instead of a copy of its training rows
    and their Gram. Centring around ``m`` keeps the differences free of
    cancellation for columns with large means. Weights are rescaled to the
    fold's size, as a fit on the training rows alone would do. Attributes
    are those ``_solve_path`` reads, plus the held-out rows ``X_test``.
    """

    method = "gram"

    def __init__(self, full, q_full, y, train, test):
        n, p = full.n_samples, full.n_features
        s = full.sw if full.sw.size else None
        s_tr = s[train] if s is not None else None
        s_te = s[test] if s is not None else np.ones(len(test))
        S_train = float(s_tr.sum()) if s is not None else float(len(train))
        kappa = len(train) / S_train
        self.n_samples, self.n_features = len(train), p
        self.sw = np.empty(0)
        self.X_test = full.X[test]
        Xt = self.X_test - full.x_mean
        if full.fit_intercept:
            # sum_r s_r (x_r - m) = 0 over all rows gives m_train from T.
            d = -(s_te @ Xt) / S_train
            y_tr = y[train]
            self.y_mean = float(s_tr @ y_tr / S_train if s is not None else y_tr.mean())
        else:
            d = np.zeros(p)
            self.y_mean = 0.0
        self.x_mean = full.x_mean + d
        H = np.empty((p, p))
        _cd_dense.centred_gram(np.ascontiguousarray(Xt).ravel(), len(test), p,
                               True, s_te, np.zeros(p), H)
        G = full.cache.to_array()
        G -= H
        G -= S_train * np.outer(d, d)
        G *= kappa
        self.sq_norms = np.ascontiguousarray(np.diag(G))
        self.cache = _cd_dense.GramCache(full.X_flat, n, p, full.c_order,
                                         full.sw, self.x_mean)
        self.cache.adopt(G)
        r_te = s_te * (y[test] - self.y_mean)
        self.q = kappa * (q_full - Xt.T @ r_te)
        r_tr = y[train] - self.y_mean
        self.yy = kappa * float((s_tr @ (r_tr * r_tr)) if s is not None else r_tr @ r_tr)

    @staticmethod
    def full_correlations(full, y):
        """``q = sum_r s_r (x_r - m)(y_r - ybar)`` over all rows, for the folds."""
        y_mean, Yc = full.center_targets(y.reshape(-1, 1))
        q = np.empty(full.n_features)
        _cd_dense.gram_correlations(full.cache, np.ascontiguousarray(Yc[:, 0]), q)
        return q


def _fold_path(X, y, sw, train, test, alphas, *, l1_ratio, fit_intercept,
               precompute, pf, positive, tol, max_iter, random, seed,
               full=None):
    """Held-out mean squared error along the path on one fold (n_alphas,).

    ``full``: the full data's Gram design and its correlations
    (:meth:`_FoldGram.full_correlations`); the fold's Gram problem is then
    derived from them (:class:`_FoldGram`) instead of built from its rows.
    """
    if full is not None:
        design = _FoldGram(full[0], full[1], y, train, test)
        X_test = design.X_test
        coefs, _, _, _ = _solve_path(
            design, None, alphas, l1_ratio=l1_ratio, pf=pf, positive=positive,
            tol=tol, max_iter=max_iter, random=random, seed=seed,
            q=design.q, yy=design.yy)
        y_mean = design.y_mean
    else:
        # Sparse X arrives as CSR (cheap row selection), each fold's rows
        # become a CSC design.
        X_tr, y_tr = X[train], y[train]
        sw_tr = None if sw is None else sw[train]
        if sp.issparse(X):
            design = SparseDesign(X_tr.tocsc(), sw_tr, fit_intercept)
        else:
            method = _fold_method(len(train), X.shape[1], precompute, len(alphas))
            design = DenseDesign(X_tr, sw_tr, fit_intercept, method)
        y_means, Yc = design.center_targets(y_tr.reshape(-1, 1))
        coefs, _, _, _ = _solve_path(
            design, np.ascontiguousarray(Yc[:, 0]), alphas, l1_ratio=l1_ratio,
            pf=pf, positive=positive, tol=tol, max_iter=max_iter, random=random,
            seed=seed)
        y_mean = y_means[0]
        X_test = X[test]
    intercepts = y_mean - design.x_mean @ coefs if fit_intercept else 0.0
    residues = X_test @ coefs + intercepts - y[test][:, None]
    if sw is None:
        return (residues ** 2).mean(axis=0)
    return np.average(residues ** 2, weights=sw[test], axis=0)


class ElasticNetCV(LinearModel):
    """Elastic net with the penalty chosen by cross-validation.

    Fits the path of :func:`shrinkage.enet_path` on each training fold for
    every ``l1_ratio``, scores it on the held-out fold and refits
    :class:`shrinkage.ElasticNet` on all data at the best ``alpha`` (and
    ``l1_ratio``). Parameters, attributes and results are those of
    :class:`sklearn.linear_model.ElasticNetCV` (same grid, same folds, same
    mean squared errors), plus penalty factors and glmnet's
    one-standard-error rule.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Mix(es) in [0, 1] to cross-validate (1 is the Lasso). A list is
        searched jointly with alpha.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the automatic grid.
    alphas : int or array-like, default=100
        Number of alphas of the automatic grid per ``l1_ratio``, or the
        alphas themselves.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (implicit centring; ``X`` is not copied
        except for the training rows of each fold).
    precompute : 'auto', bool or array-like, default='auto'
        Covariance updates on the folds: 'auto' uses them when
        ``n_train >= n_features`` and the path repays the Gram; each fold's
        Gram is then derived from the full data's minus its held-out rows.
        An array is treated as True. Sparse ``X`` takes naive updates
        ('auto' or False).
    max_iter : int, default=1000
        Maximal number of coordinate passes per alpha.
    tol : float, default=1e-4
        Duality-gap tolerance, scikit-learn's meaning (relative to
        ``||y - ybar||^2 / n``).
    cv : int, cross-validation splitter or iterable, default=None
        None means 5 folds. An integer gives contiguous folds (scikit-learn's
        ``KFold`` without shuffling); a splitter's ``split(X, y)`` or an
        iterable of (train, test) index pairs is used as given.
    copy_X : bool, default=True
        Accepted for compatibility: ``X`` is never modified.
    verbose : bool or int, default=0
        Accepted for compatibility; ignored.
    n_jobs : int, default=None
        Threads over (l1_ratio, fold) pairs; None means 1, -1 all cores.
        Results do not depend on it.
    positive : bool, default=False
        Constrain coefficients to be >= 0.
    random_state : int, RandomState, Generator or None, default=None
        Seed for ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers ``f_j >= 0`` (0: unpenalised).
    selection_rule : {'min', '1se'}, default='min'
        Alpha refitted on all data: the minimiser of the mean CV error
        (``alpha_``, scikit-learn's choice) or the largest alpha within one
        standard error of it (``alpha_1se_``, glmnet's ``lambda.1se``).

    Attributes
    ----------
    alpha_ : float
        Alpha with the smallest mean CV error.
    alpha_1se_ : float
        Largest alpha (on the best ``l1_ratio``'s grid) whose mean CV error
        is at most the minimum plus its standard error
        (``std(ddof=1) / sqrt(n_folds)`` of the fold errors).
    l1_ratio_ : float
        Best ``l1_ratio``.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid(s).
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, n_folds)
        Held-out mean squared error of each fold along the path.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_gap_ : float
        Duality gap of the refit.
    n_iter_ : int
        Coordinate passes of the refit.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import ElasticNetCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 8))
    >>> y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.standard_normal(100)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=4).fit(X, y)
    >>> bool(model.alpha_1se_ >= model.alpha_)
    True
    """

    path = staticmethod(enet_path)
    _has_l1_ratio = True

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, cv=None,
                 copy_X=True, verbose=0, n_jobs=None, positive=False,
                 random_state=None, selection="cyclic", penalty_factor=None,
                 selection_rule="min"):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.selection_rule = selection_rule

    def _l1_ratios(self):
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError("l1_ratio must be a float or a non-empty list of floats.")
        for r in ratios:
            check_scalar(float(r), "l1_ratio", low=0.0, high=1.0)
        return ratios

    def fit(self, X, y, sample_weight=None):
        """Fit the model, choosing alpha (and l1_ratio) by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse ``X`` (CSR or CSC; COO is converted) is
            used through its nonzeros with implicit centring, never
            densified: rows are selected in CSR, each fold solved on CSC.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weights used both to fit each fold (rescaled to sum to the
            number of training rows) and to average its held-out squared
            errors; the CV error is the unweighted mean over folds, as in
            scikit-learn.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        name = type(self).__name__
        check_scalar(self.eps, "eps", low=0.0, include_low=False)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        if self.selection not in ("cyclic", "random"):
            raise ValueError(
                f"selection should be either 'random' or 'cyclic', got {self.selection!r}.")
        if self.selection_rule not in ("min", "1se"):
            raise ValueError(
                f"selection_rule must be 'min' or '1se', got {self.selection_rule!r}.")
        l1_ratios = self._l1_ratios()
        X_raw = X
        X, y = check_X_y(X, y, estimator=name, accept_sparse=("csc", "csr"))
        sparse = sp.issparse(X)
        y = _single_target(y, name)
        n, p = X.shape
        check_precompute(self.precompute, p)
        sw = check_sample_weight(sample_weight, n)
        pf = check_penalty_factor(self.penalty_factor, p)
        positive = bool(self.positive)

        # Full-data design: the alpha grid, the refit and, when every fold
        # uses covariance updates, the Gram the folds' Grams derive from.
        folds = check_cv_folds(self.cv, X, y, n)
        n_alphas = (int(self.alphas) if isinstance(self.alphas, numbers.Integral)
                    else np.size(self.alphas))
        fold_grams = not sparse and all(
            _fold_method(len(train), p, self.precompute, n_alphas) == "gram"
            for train, _ in folds)
        if sparse:
            X_rows = X.tocsr()
            design = make_design(X.tocsc(), sw, self.fit_intercept,
                                 self.precompute)
        else:
            X_rows = X
            method = "gram" if fold_grams else choose_method(
                n, p, self.precompute if isinstance(
                    self.precompute, (str, bool, np.bool_)) else True, n_solves=1)
            design = DenseDesign(X, sw, self.fit_intercept, method)
        full = (design, _FoldGram.full_correlations(design, y)) if fold_grams else None
        if isinstance(self.alphas, numbers.Integral) and not isinstance(self.alphas, bool):
            check_scalar(self.alphas, "alphas", kind=numbers.Integral, low=1)
            if np.any(l1_ratios == 0):
                raise ValueError(
                    "Automatic alpha grid generation is not supported for l1_ratio=0. "
                    "Please supply a grid by providing your estimator with the "
                    "appropriate `alphas=` argument.")
            _, Yc = design.center_targets(y.reshape(-1, 1))
            c0 = _lambda_max_correlations(design, Yc[:, 0], pf, positive)
            grids = [_alpha_grid_from(_alpha_max(c0[:, None], n, r, pf, positive),
                                      self.eps, int(self.alphas))
                     for r in l1_ratios]
        else:
            user = np.asarray(self.alphas, dtype=np.float64).ravel()
            if user.size == 0 or not np.all(np.isfinite(user)) or np.any(user < 0):
                raise ValueError("alphas must be a positive integer or an array of "
                                 "finite values >= 0.")
            grids = [np.sort(user)[::-1] for _ in l1_ratios]

        random = self.selection == "random"
        rng_seed = _seed_from(self.random_state) if random else 1
        tasks = [(i, train, test) for i in range(len(l1_ratios)) for train, test in folds]
        seeds = [(rng_seed + 7919 * t) % (2**31 - 1) or 1 for t in range(len(tasks))]

        def run(t):
            i, train, test = tasks[t]
            return _fold_path(
                X_rows, y, sw, train, test, grids[i], l1_ratio=float(l1_ratios[i]),
                fit_intercept=self.fit_intercept, precompute=self.precompute,
                pf=pf, positive=positive, tol=float(self.tol),
                max_iter=int(self.max_iter), random=random, seed=seeds[t],
                full=full)

        workers = _n_workers(self.n_jobs, len(tasks))
        if workers == 1:
            mses = [run(t) for t in range(len(tasks))]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                mses = list(pool.map(run, range(len(tasks))))
        mse = np.reshape(mses, (len(l1_ratios), len(folds), -1))
        mean_mse = mse.mean(axis=1)
        self.mse_path_ = np.squeeze(np.moveaxis(mse, 2, 1))

        best_mse, best_i, best_k = np.inf, 0, 0
        for i in range(len(l1_ratios)):
            k = int(np.argmin(mean_mse[i]))
            if mean_mse[i, k] < best_mse:
                best_mse, best_i, best_k = mean_mse[i, k], i, k
        self.alpha_ = float(grids[best_i][best_k])
        self.l1_ratio_ = float(l1_ratios[best_i])
        # One-standard-error rule (glmnet's lambda.1se).
        n_folds = len(folds)
        se = (mse[best_i].std(axis=0, ddof=1) / np.sqrt(n_folds)
              if n_folds > 1 else np.zeros(mean_mse.shape[1]))
        within = np.flatnonzero(mean_mse[best_i] <= best_mse + se[best_k])
        self.alpha_1se_ = float(grids[best_i][within.min()])
        if isinstance(self.alphas, numbers.Integral) and not isinstance(self.alphas, bool):
            self.alphas_ = np.asarray(grids) if len(l1_ratios) > 1 else grids[0]
        else:
            self.alphas_ = grids[0]

        alpha = self.alpha_ if self.selection_rule == "min" else self.alpha_1se_
        sol = solve_enet(
            design, y.reshape(-1, 1), alpha=alpha, l1_ratio=self.l1_ratio_,
            penalty_factor=pf, positive=positive, tol=float(self.tol),
            max_iter=int(self.max_iter), selection=self.selection,
            random_state=self.random_state, estimator_name=name)
        self._record_input(X_raw, X)
        self.coef_ = sol.coef[0]
        self.intercept_ = float(sol.intercept[0])
        self.dual_gap_ = float(sol.dual_gap[0])
        self.n_iter_ = int(sol.n_iter[0])
        if not self._has_l1_ratio:
            del self.l1_ratio_
        return self

    def _accepts_sparse(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = False
        return tags


class LassoCV(ElasticNetCV):
    """Lasso with the penalty chosen by cross-validation.

    :class:`ElasticNetCV` with ``l1_ratio = 1``: parameters, attributes and
    results of :class:`sklearn.linear_model.LassoCV` (same grid, folds and
    mean squared errors), plus ``penalty_factor``, ``alpha_1se_`` and
    ``selection_rule``. See :class:`ElasticNetCV` for their description.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import LassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 8))
    >>> y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.standard_normal(100)
    >>> model = LassoCV(cv=5).fit(X, y)
    >>> model.mse_path_.shape
    (100, 5)
    """

    path = staticmethod(lasso_path)
    _has_l1_ratio = False

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, copy_X=True,
                 cv=None, verbose=False, n_jobs=None, positive=False,
                 random_state=None, selection="cyclic", penalty_factor=None,
                 selection_rule="min"):
        # No super().__init__: the Lasso has no l1_ratio parameter to store.
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.selection_rule = selection_rule

    def _l1_ratios(self):
        return np.array([1.0])
