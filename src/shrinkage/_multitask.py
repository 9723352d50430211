"""Multi-task models: ``MultiTaskElasticNet``, ``MultiTaskLasso`` and their CV.

The objective of :class:`sklearn.linear_model.MultiTaskElasticNet`, with
sample weights rescaled to sum to ``n_samples`` as for the single-task
models::

    1 / (2 n) * sum_i s_i ||y_i - x_i W - b||^2
    + alpha * l1_ratio * sum_j f_j ||W_j||_2
    + alpha * (1 - l1_ratio) / 2 * sum_j f_j ||W_j||^2

(``W_j`` the coefficients of feature ``j`` over the tasks), solved by block
coordinate descent with group soft-thresholding
(:mod:`shrinkage._enet.multitask_path`). The CV estimators follow
scikit-learn's ``LinearModelCV``: one alpha grid from the full data per
``l1_ratio``, a warm-started path per training fold scored by the held-out
mean squared error, folds in threads, a refit at the best alpha.
"""


import numpy as np
import scipy.sparse as sp

from ._base import LinearModel
from ._dtypes import as_fit_dtype, fit_dtype, mse_dtype
from ._enet import seed_from
from ._enet.multitask_path import (
    multitask_alpha_grid,
    multitask_enet_path,
    multitask_fold_mse,
    prepare_multitask,
    solve_multitask,
)
from ._exceptions import warn_not_converged
from ._folds import CVSearchMixin, best_cell, check_cv_folds, routed_split_params
from ._threads import thread_map
from ._validation import (
    check_alpha_grid,
    check_bool,
    check_max_iter,
    check_penalty_factor,
    check_sample_weight,
    check_scalar,
    check_selection,
    check_X_y,
)

__all__ = ["MultiTaskElasticNet", "MultiTaskElasticNetCV", "MultiTaskLasso",
           "MultiTaskLassoCV"]


def check_multitask_targets(y, name):
    """2-D targets, with scikit-learn's error for a 1-D ``y``."""
    if y.ndim == 1:
        base = name.replace("MultiTask", "")
        raise ValueError(f"For mono-task outputs, use {base}.")
    return y


def multitask_penalty_factor(penalty_factor, n_features):
    """Checked factors, all > 0: the gap certificate of the group problem
    here scales the residual into the dual ball, which an unpenalised
    feature (f_j = 0) does not bound."""
    pf = check_penalty_factor(penalty_factor, n_features)
    if pf is None:
        return np.ones(n_features)
    if np.any(pf <= 0):
        raise ValueError(
            "penalty_factor: the multi-task models need every factor > 0 "
            "(unpenalised features are not supported yet); use a small "
            "positive factor instead of 0.")
    return np.ascontiguousarray(pf, dtype=np.float64)


def multitask_path_function(X, Y, sw, penalty_factor, *, l1_ratio, eps, n_grid, grid,
                            coef_init, fit_intercept, tol, max_iter, random,
                            random_state, return_n_iter, func_name):
    """``enet_path`` / ``lasso_path`` for a 2-D ``y`` (validated by the
    caller): scikit-learn's multi-task path, coefficients of shape
    ``(n_tasks, n_features, n_alphas)``."""
    pf = multitask_penalty_factor(penalty_factor, X.shape[1])
    grid, coefs, gaps, passes, n_failed = multitask_enet_path(
        X, Y, sw, pf, l1_ratio=l1_ratio, eps=eps, n_grid=n_grid, grid=grid,
        coef_init=coef_init, fit_intercept=fit_intercept, tol=tol, max_iter=max_iter,
        random=random, seed=seed_from(random_state) if random else 1)
    warn_not_converged(func_name, n_failed, len(grid), max_iter, stacklevel=4)
    if return_n_iter:
        return grid, coefs, gaps, [int(i) for i in passes]
    return grid, coefs, gaps


def _fit_final(est, name, X_raw, X, Y, sw, alpha, l1_ratio, pf, max_iter, W0, random, seed):
    """Solve on all of (X, Y) and set the fitted attributes of ``est``."""
    prob = prepare_multitask(X, Y, sw, est.fit_intercept)
    W, gap, passes = solve_multitask(prob, alpha, l1_ratio, pf, float(est.tol), max_iter,
                                     W0, random, seed)
    warn_not_converged(name, int(gap > est.tol * prob.yy / X.shape[0]), 1, max_iter,
                       stacklevel=3)
    est._record_input(X_raw, X)
    # scikit-learn's dtype rules (shrinkage._dtypes): the solve is float64,
    # a float32 X gets float32 coefficients and predictions
    dtype = fit_dtype(X_raw)
    est.coef_ = as_fit_dtype(np.ascontiguousarray(W.T), dtype)
    est.intercept_ = as_fit_dtype(prob.y_mean - prob.x_mean @ W, dtype)
    est.dual_gap_ = float(gap)
    est.n_iter_ = int(passes)


class MultiTaskElasticNet(LinearModel):
    """Multi-task elastic net: an L1/L2 mixed-norm penalty that selects
    features jointly across tasks.

    Minimises ``1 / (2 * n_samples) * sum_i s_i ||y_i - x_i W - b||^2 +
    alpha * l1_ratio * sum_j f_j ||W_j||_2 + alpha * (1 - l1_ratio) / 2 *
    sum_j f_j ||W_j||^2`` by block coordinate descent (group
    soft-thresholding, active-set cycling, a duality-gap certificate).
    Parameters, attributes and objective are those of
    :class:`sklearn.linear_model.MultiTaskElasticNet`, plus
    ``penalty_factor``.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the penalty.
    l1_ratio : float, default=0.5
        Mix in [0, 1]: 1 is the multi-task Lasso.
    fit_intercept : bool, default=True
        Fit unpenalised intercepts (implicit centring: ``X`` is not copied).
    copy_X : bool, default=True
        Accepted for compatibility: ``X`` is never modified.
    max_iter : int, default=1000
        Maximal number of coordinate passes.
    tol : float, default=1e-4
        The fit stops when the duality gap is below ``tol * ||Y - Ybar||_Fro^2
        / n_samples`` (weighted), scikit-learn's meaning.
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    random_state : int, RandomState, Generator or None, default=None
        Seed for ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers ``f_j > 0``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    dual_gap_ : float
        Duality gap at the end of the fit (1/(2n)-scaled objective).
    n_iter_ : int
        Coordinate passes.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from shrinkage import MultiTaskElasticNet
    >>> model = MultiTaskElasticNet(alpha=0.1, tol=1e-8)
    >>> model = model.fit([[0, 0], [1, 1], [2, 2]], [[0, 0], [1, 1], [2, 2]])
    >>> model.coef_.round(4)
    array([[0.4564, 0.4564],
           [0.4564, 0.4564]])
    """

    _sparse_input = True
    _single_output = False  # (n_samples, n_tasks) targets only
    _multi_output = True

    _l1_ratio_fixed = None

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, random_state=None,
                 selection="cyclic", penalty_factor=None):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor

    def _l1_ratio(self):
        if self._l1_ratio_fixed is not None:
            return self._l1_ratio_fixed
        check_scalar(self.l1_ratio, "l1_ratio", low=0.0, high=1.0)
        return float(self.l1_ratio)

    def fit(self, X, y, sample_weight=None):
        """Fit the model by block coordinate descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse ``X`` (CSC; CSR/COO converted once) is
            centred implicitly, never densified.
        y : array-like of shape (n_samples, n_tasks)
            Targets.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled internally to sum to n_samples.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        name = type(self).__name__
        check_scalar(self.alpha, "alpha", low=0.0)
        l1_ratio = self._l1_ratio()
        check_scalar(self.tol, "tol", low=0.0)
        max_iter = check_max_iter(self.max_iter)
        check_bool(self.fit_intercept, "fit_intercept")
        check_selection(self.selection)
        X_raw = X
        X, y = check_X_y(X, y, estimator=name, accept_sparse=("csc",))
        Y = check_multitask_targets(y, name)
        n, p = X.shape
        sw = check_sample_weight(sample_weight, n)
        pf = multitask_penalty_factor(self.penalty_factor, p)
        W0 = None
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if self.coef_.shape == (Y.shape[1], p):
                W0 = np.asarray(self.coef_.T, dtype=np.float64)
        random = self.selection == "random"
        _fit_final(self, name, X_raw, X, Y, sw, float(self.alpha), l1_ratio, pf, max_iter,
                   W0, random, seed_from(self.random_state) if random else 1)
        return self


class MultiTaskLasso(MultiTaskElasticNet):
    """Multi-task Lasso: the L1/L2 mixed-norm (group) penalty alone.

    :class:`MultiTaskElasticNet` with ``l1_ratio = 1``: minimises ``1 / (2 *
    n_samples) * sum_i s_i ||y_i - x_i W - b||^2 + alpha * sum_j f_j
    ||W_j||_2``, the objective of :class:`sklearn.linear_model.MultiTaskLasso`.
    See :class:`MultiTaskElasticNet` for the parameters and attributes (all
    but ``l1_ratio``).

    Examples
    --------
    >>> from shrinkage import MultiTaskLasso
    >>> model = MultiTaskLasso(alpha=0.1).fit([[0, 1], [1, 2], [2, 4]],
    ...                                       [[0, 0], [1, 1], [2, 3]])
    >>> model.coef_.shape
    (2, 2)
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=1000,
                 tol=1e-4, warm_start=False, random_state=None, selection="cyclic",
                 penalty_factor=None):
        # l1_ratio is not a parameter (get_params follows this signature)
        # but is stored as 1.0, as scikit-learn's MultiTaskLasso does.
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, copy_X=copy_X,
            max_iter=max_iter, tol=tol, warm_start=warm_start, random_state=random_state,
            selection=selection, penalty_factor=penalty_factor)


class MultiTaskElasticNetCV(CVSearchMixin, LinearModel):
    """Multi-task elastic net with the penalty chosen by cross-validation.

    Parameters, attributes and results are those of
    :class:`sklearn.linear_model.MultiTaskElasticNetCV` (same grid, same
    folds, same mean squared errors), plus ``penalty_factor``. Folds run in
    ``n_jobs`` threads.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Mix(es) in [0, 1] to cross-validate.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the automatic grid.
    alphas : int or array-like, default=100
        Number of alphas of the automatic grid per ``l1_ratio``, or the
        alphas themselves.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
    tol : float, default=1e-4
    cv : int, cross-validation splitter or iterable, default=None
        None means 5 folds (scikit-learn's ``KFold`` without shuffling).
    copy_X : bool, default=True
        Accepted for compatibility: ``X`` is never modified.
    verbose : bool or int, default=0
        Accepted for compatibility; ignored.
    n_jobs : int, default=None
        Threads over (l1_ratio, fold) pairs; results do not depend on it.
    random_state : int, RandomState, Generator or None, default=None
    selection : {'cyclic', 'random'}, default='cyclic'
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers ``f_j > 0``.

    Attributes
    ----------
    alpha_ : float
    l1_ratio_ : float
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, n_folds)
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    dual_gap_ : float
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import MultiTaskElasticNetCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 6))
    >>> Y = X[:, :2] @ rng.standard_normal((2, 3))
    >>> MultiTaskElasticNetCV(cv=3, alphas=20).fit(X, Y).mse_path_.shape
    (20, 3)
    """

    _sparse_input = True
    _single_output = False  # (n_samples, n_tasks) targets only
    _multi_output = True

    _has_l1_ratio = True

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 max_iter=1000, tol=1e-4, cv=None, copy_X=True, verbose=0,
                 n_jobs=None, random_state=None, selection="cyclic",
                 penalty_factor=None):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor

    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model, choosing alpha (and l1_ratio) by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_tasks)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weights used to fit each fold (rescaled to sum to its number of
            training rows) and to average its held-out squared errors.
        **params : dict
            Metadata for the splitter of ``cv`` (e.g. ``groups`` for a
            ``GroupKFold``), routed as scikit-learn does: only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        name = type(self).__name__
        check_scalar(self.eps, "eps", low=0.0, include_low=False)
        max_iter = check_max_iter(self.max_iter)
        check_scalar(self.tol, "tol", low=0.0)
        check_bool(self.fit_intercept, "fit_intercept")
        check_selection(self.selection)
        l1_ratios = self._l1_ratios()
        X_raw, y_raw = X, y
        X, y = check_X_y(X, y, estimator=name, accept_sparse=("csr", "csc"))
        if y.ndim == 1:
            raise ValueError(f"For mono-task outputs, use {name[9:]}.")
        Y = y
        n, p = X.shape
        sw = check_sample_weight(sample_weight, n)
        pf = multitask_penalty_factor(self.penalty_factor, p)
        alphas = check_alpha_grid(self.alphas, allow_count=True, ravel=True)
        folds = check_cv_folds(self.cv, X, Y, n, routed_split_params(self, params))
        random = self.selection == "random"
        seed = seed_from(self.random_state) if random else 1
        X_rows = X.tocsr() if sp.issparse(X) else X
        if isinstance(alphas, int):
            grids = [multitask_alpha_grid(X, Y, sw, self.fit_intercept, float(r),
                                          self.eps, alphas)
                     for r in l1_ratios]
        else:
            grids = [np.sort(alphas)[::-1] for _ in l1_ratios]
        tasks = [(i, k) for i in range(len(l1_ratios)) for k in range(len(folds))]

        def run(t):
            i, k = tasks[t]
            train, test = folds[k]
            return multitask_fold_mse(
                X_rows, Y, sw, train, test, grids[i], float(l1_ratios[i]),
                self.fit_intercept, pf, float(self.tol), max_iter, random, seed)

        with thread_map(self.n_jobs, len(tasks)) as map_:
            mses = list(map_(run, range(len(tasks))))
        mse = np.reshape(mses, (len(l1_ratios), len(folds), -1))
        mean_mse = mse.mean(axis=1)
        self.mse_path_ = as_fit_dtype(np.squeeze(np.moveaxis(mse, 2, 1)),
                                      mse_dtype(X_raw, y_raw))
        best_mse, best_i, best_k = best_cell(mean_mse)
        self.alpha_ = np.float64(grids[best_i][best_k])
        self.l1_ratio_ = np.float64(l1_ratios[best_i])
        if isinstance(alphas, int) and len(l1_ratios) > 1:
            self.alphas_ = np.asarray(grids)
        else:
            self.alphas_ = grids[0]
        _fit_final(self, name, X_raw, X, Y, sw, self.alpha_, self.l1_ratio_, pf, max_iter,
                   None, random, seed)
        if not self._has_l1_ratio:
            del self.l1_ratio_
        return self



class MultiTaskLassoCV(MultiTaskElasticNetCV):
    """Multi-task Lasso with the penalty chosen by cross-validation.

    :class:`MultiTaskElasticNetCV` with ``l1_ratio = 1``: parameters,
    attributes and results of :class:`sklearn.linear_model.MultiTaskLassoCV`.
    See :class:`MultiTaskElasticNetCV` for their description.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import MultiTaskLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 6))
    >>> Y = X[:, :2] @ rng.standard_normal((2, 3))
    >>> MultiTaskLassoCV(cv=3, alphas=20).fit(X, Y).alphas_.shape
    (20,)
    """

    _has_l1_ratio = False

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, max_iter=1000,
                 tol=1e-4, copy_X=True, cv=None, verbose=False, n_jobs=None,
                 random_state=None, selection="cyclic", penalty_factor=None):
        # No super().__init__: the Lasso has no l1_ratio parameter to store.
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
