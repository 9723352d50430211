"""Cross-validated elastic net: ``ElasticNetCV`` and ``LassoCV``.

scikit-learn's procedure (same grid, same folds, same scoring): one alpha
grid from the full data per ``l1_ratio``; for each fold, a warm-started path
(``_path._solve_path``: strong rules, KKT checks, Gram reuse) on the
training rows, scored by the (weighted) mean squared error on the held-out
rows; the alpha (and ``l1_ratio``) of the smallest mean error over folds is
refitted on all data. Folds run in threads (the kernels release the GIL).
With covariance updates (n >> p) and folds that are complements of their
held-out rows, each fold's problem and held-out errors come from one pass
over its held-out rows (:class:`_FullGram`).

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
from ._enet import _gram
from ._folds import check_cv_folds, folds_are_complements as _complementary
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


# Largest memory (bytes) spent on keeping every fold's held-out sums so that
# the full Gram is their sum (one pass of dsyrk over the data instead of two).
_HELD_OUT_MEMORY = 1 << 29

# A held-out sum of squared errors obtained from Gram quantities is trusted
# down to this fraction of the magnitude of its terms; below it (a nearly
# perfect fit) cancellation could cost more than 1e-8 relative accuracy and
# the errors are recomputed from the held-out rows.
_SCORE_CANCELLATION = 1e-8


class _FullGram:
    """The full data's Gram problem and every fold's held-out sums, for
    cross-validation with covariance updates (n >> p).

    For each fold, one blocked dsyrk over its held-out rows ``T`` gives,
    centred at the full data's weighted means ``m`` and ``ybar``, with
    ``z_r = x_r - m`` and ``u_r = y_r - ybar``::

        H = sum_T s z z^T,  b = sum_T s z u,  zs = sum_T s z,
        uu = sum_T s u^2,   us = sum_T s u,   S_T = sum_T s

    (the Gram of the rows augmented with ``u`` and a column of ones). When
    the folds' held-out sets partition the rows (K-fold), the full Gram and
    correlations are the sums of these, so the data are read by dsyrk once
    for everything; otherwise the full Gram is built separately. Rows are
    read where they lie in ``X``: nothing is copied.
    """

    def __init__(self, design, y, folds, map_):
        n, p = design.n_samples, design.n_features
        self.design = design
        self.folds = folds
        self.y = y
        y_mean, Yc = design.center_targets(y.reshape(-1, 1))
        self.y_mean = float(y_mean[0])
        extra = np.empty((n, 2), order="F")
        extra[:, 0] = y
        extra[:, 1] = 1.0
        extra_mean = np.array([self.y_mean, 0.0])

        def held_out(fold):
            out = np.empty((p + 2, p + 2))
            _gram.centred_gram(design.X_flat, n, p, design.c_order, design.sw,
                                   design.x_mean, out, rows=fold[1], extra=extra,
                                   extra_mean=extra_mean)
            return out

        tests = np.concatenate([test for _, test in folds])
        partition = tests.size == n and np.array_equal(np.sort(tests), np.arange(n))
        if partition and len(folds) * (p + 2) ** 2 * 8 <= _HELD_OUT_MEMORY:
            self.held_out = list(map_(held_out, folds))
            total = sum(self.held_out)
            design.cache.adopt(np.ascontiguousarray(total[:p, :p]))
            design.sq_norms = np.ascontiguousarray(np.diag(total[:p, :p]))
            self.q = np.ascontiguousarray(total[:p, p])
            self.uu = float(total[p, p])
        else:
            design.cache.fill_all()
            design.sq_norms = np.ascontiguousarray(np.diag(design.cache.to_array()))
            self.q = np.empty(p)
            self.uu = _gram.gram_correlations(
                design.cache, np.ascontiguousarray(Yc[:, 0]), self.q)
            self.held_out = [None] * len(folds)
            self._held_out_sums = held_out

    def fold(self, k):
        """The training problem of fold ``k`` (a :class:`_FoldGram`)."""
        H = self.held_out[k]
        if H is None:
            H = self._held_out_sums(self.folds[k])
        return _FoldGram(self, H, self.folds[k])


class _FoldGram:
    """A training fold's Gram problem, derived from the full data's.

    With ``d = m_train - m`` and ``e = ybar_train - ybar`` (both zero
    without an intercept; ``sum_all s z = 0`` gives ``d = -zs / S_train``,
    ``e = -us / S_train``), the training rows' centred quantities are

        G_train = G - H - S_train d d^T,
        q_train = q - b - S_train e d,
        yy_train = yy - uu - S_train e^2,

    each multiplied by ``n_train / S_train`` (weights rescaled to the fold's
    size, as a fit on the training rows alone would do). Attributes are
    those ``_solve_path`` reads.
    """

    method = "gram"

    def __init__(self, full, H, fold):
        design = full.design
        n, p = design.n_samples, design.n_features
        train, test = fold
        self.test = test
        self.n_samples, self.n_features = len(train), p
        self.sw = np.empty(0)
        self.H = H[:p, :p]
        self.b = H[:p, p]
        self.zs = H[:p, p + 1]
        self.uu_test = float(H[p, p])
        self.us_test = float(H[p, p + 1])
        self.s_test = float(H[p + 1, p + 1])
        s_train = float(n) - self.s_test if design.sw.size else float(len(train))
        if design.fit_intercept:
            self.d = -self.zs / s_train
            self.e = -self.us_test / s_train
        else:
            self.d = np.zeros(p)
            self.e = 0.0
        kappa = len(train) / s_train
        self.x_mean = design.x_mean + self.d
        self.y_mean = full.y_mean + self.e
        G = design.cache.to_array()
        G -= self.H
        G -= s_train * np.outer(self.d, self.d)
        G *= kappa
        self.sq_norms = np.ascontiguousarray(np.diag(G))
        self.cache = _gram.GramCache(design.X_flat, n, p, design.c_order,
                                         design.sw, self.x_mean)
        self.cache.adopt(G)
        self.q = kappa * (full.q - self.b - s_train * self.e * self.d)
        self.yy = kappa * (full.uu - self.uu_test - s_train * self.e ** 2)

    def held_out_mse(self, coefs, X, y, sw):
        """(Weighted) mean squared held-out errors of the models ``coefs``
        (p, n_alphas) with intercepts ``y_mean - x_mean . w``.

        From the held-out sums, O(p^2) per model instead of O(n_test p);
        a model whose error is too small against the sums' terms (a nearly
        exact fit, where cancellation would cost digits) is scored from the
        held-out rows of ``X``, ``y``, ``sw`` instead.
        """
        # e_r = u_r - z_r.w + a with a = d.w - e (the intercept's shift)
        a = self.d @ coefs - self.e
        quad = np.einsum("ja,ja->a", coefs, self.H @ coefs)
        bw = self.b @ coefs
        zw = self.zs @ coefs
        sse = (self.uu_test - 2.0 * bw + quad
               + 2.0 * a * (self.us_test - zw) + a * a * self.s_test)
        size = (self.uu_test + np.abs(2.0 * bw) + np.abs(quad)
                + np.abs(2.0 * a * (self.us_test - zw)) + a * a * self.s_test)
        mse = sse / self.s_test
        untrusted = np.flatnonzero(~(sse > _SCORE_CANCELLATION * size))
        if untrusted.size:
            W = coefs[:, untrusted]
            mse[untrusted] = _held_out_mse(X, y, sw, self.test, W,
                                           self.y_mean - self.x_mean @ W)
        return mse


def _held_out_mse(X, y, sw, test, coefs, intercepts):
    """Mean (weighted) squared errors on the held-out rows, from the rows."""
    residues = X[test] @ coefs + intercepts - y[test][:, None]
    if sw is None:
        return (residues ** 2).mean(axis=0)
    return np.average(residues ** 2, weights=sw[test], axis=0)


def _fold_path(X, y, sw, train, test, alphas, *, l1_ratio, fit_intercept,
               precompute, pf, positive, tol, max_iter, random, seed,
               fold_gram=None):
    """Held-out mean squared error along the path on one fold (n_alphas,).

    ``fold_gram``: the fold's Gram problem derived from the full data's
    (:meth:`_FullGram.fold`); the held-out errors then come from its sums
    too, except for models whose error is too small for them.
    """
    if fold_gram is not None:
        design = fold_gram
        coefs, _, _, _ = _solve_path(
            design, None, alphas, l1_ratio=l1_ratio, pf=pf, positive=positive,
            tol=tol, max_iter=max_iter, random=random, seed=seed,
            q=design.q, yy=design.yy)
        return design.held_out_mse(coefs, X, y, sw)
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
    intercepts = y_means[0] - design.x_mean @ coefs if fit_intercept else 0.0
    return _held_out_mse(X, y, sw, test, coefs, intercepts)


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
        # uses covariance updates and is the complement of its held-out rows,
        # the Gram the folds' Grams derive from.
        folds = check_cv_folds(self.cv, X, y, n)
        n_alphas = (int(self.alphas) if isinstance(self.alphas, numbers.Integral)
                    else np.size(self.alphas))
        fold_grams = not sparse and _complementary(folds, n) and all(
            _fold_method(len(train), p, self.precompute, n_alphas) == "gram"
            for train, _ in folds)
        random = self.selection == "random"
        rng_seed = _seed_from(self.random_state) if random else 1
        tasks = [(i, k) for i in range(len(l1_ratios)) for k in range(len(folds))]
        seeds = [(rng_seed + 7919 * t) % (2**31 - 1) or 1 for t in range(len(tasks))]
        workers = _n_workers(self.n_jobs, len(tasks))
        pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
        map_ = pool.map if pool is not None else map
        try:
            full = None
            if sparse:
                X_rows = X.tocsr()
                design = make_design(X.tocsc(), sw, self.fit_intercept,
                                     self.precompute)
            else:
                X_rows = X
                method = "gram" if fold_grams else choose_method(
                    n, p, self.precompute if isinstance(
                        self.precompute, (str, bool, np.bool_)) else True, n_solves=1)
                design = DenseDesign(X, sw, self.fit_intercept, method,
                                     fill_gram=not fold_grams)
                if fold_grams:
                    full = _FullGram(design, y, folds, map_)
            grids = self._alpha_grids(design, full, y, l1_ratios, pf, positive)

            def run(t):
                i, k = tasks[t]
                train, test = folds[k]
                return _fold_path(
                    X_rows, y, sw, train, test, grids[i], l1_ratio=float(l1_ratios[i]),
                    fit_intercept=self.fit_intercept, precompute=self.precompute,
                    pf=pf, positive=positive, tol=float(self.tol),
                    max_iter=int(self.max_iter), random=random, seed=seeds[t],
                    fold_gram=full.fold(k) if full is not None else None)

            mses = list(map_(run, range(len(tasks))))
        finally:
            if pool is not None:
                pool.shutdown()
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
            random_state=self.random_state, estimator_name=name,
            gram_q=None if full is None else (full.q, full.uu))
        self._record_input(X_raw, X)
        self.coef_ = sol.coef[0]
        self.intercept_ = float(sol.intercept[0])
        self.dual_gap_ = float(sol.dual_gap[0])
        self.n_iter_ = int(sol.n_iter[0])
        if not self._has_l1_ratio:
            del self.l1_ratio_
        return self

    def _alpha_grids(self, design, full, y, l1_ratios, pf, positive):
        """One alpha grid per l1_ratio: the user's, or scikit-learn's from
        lambda_max of the full data."""
        if not (isinstance(self.alphas, numbers.Integral) and not isinstance(self.alphas, bool)):
            user = np.asarray(self.alphas, dtype=np.float64).ravel()
            if user.size == 0 or not np.all(np.isfinite(user)) or np.any(user < 0):
                raise ValueError("alphas must be a positive integer or an array of "
                                 "finite values >= 0.")
            return [np.sort(user)[::-1] for _ in l1_ratios]
        check_scalar(self.alphas, "alphas", kind=numbers.Integral, low=1)
        if np.any(l1_ratios == 0):
            raise ValueError(
                "Automatic alpha grid generation is not supported for l1_ratio=0. "
                "Please supply a grid by providing your estimator with the "
                "appropriate `alphas=` argument.")
        if full is not None and (pf is None or np.all(pf > 0)):
            c0 = full.q  # Xc^T S yc, already known: no pass over X
        else:
            _, Yc = design.center_targets(y.reshape(-1, 1))
            c0 = _lambda_max_correlations(design, Yc[:, 0], pf, positive)
        n = design.n_samples
        return [_alpha_grid_from(_alpha_max(c0[:, None], n, r, pf, positive),
                                 self.eps, int(self.alphas))
                for r in l1_ratios]

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
