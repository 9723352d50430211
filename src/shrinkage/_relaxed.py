"""Relaxed Lasso: select with the Lasso, refit the support without shrinkage.

Meinshausen (2007), "Relaxed Lasso", Computational Statistics & Data
Analysis 52(1): the Lasso at ``alpha`` chooses the support ``S``; an
unpenalised least-squares fit on ``S`` removes the shrinkage of the kept
coefficients. As in glmnet's ``relax = TRUE`` (Hastie, Tibshirani & Tibshirani
2020, "Best subset, forward stepwise or Lasso?", Statistical Science 35(4)),
the two are mixed by ``gamma`` in [0, 1]::

    coef = gamma * coef_lasso + (1 - gamma) * coef_relaxed

``gamma = 1`` is the Lasso, ``gamma = 0`` the fully relaxed fit. Both parts
are linear predictors, so the held-out error of every ``gamma`` comes from the
same two predictions; :class:`RelaxedLassoCV` cross-validates (alpha, gamma)
jointly along each fold's Lasso path.
"""

from __future__ import annotations

from typing import Self


import numpy as np

from ._typing import ArrayLike, MatrixLike
from ._base import LinearModel
from ._cv import _warn_failed_fits, single_target
from ._enet import alpha_grids, make_design, path_on_rows, solve_enet
from ._dtypes import as_fit_dtype, fit_dtype, mse_dtype, scalar_of
from ._folds import check_cv_folds
from ._threads import thread_map
from ._validation import (
    check_alpha_grid,
    check_bool,
    check_max_iter,
    check_penalty_factor,
    check_precompute,
    check_sample_weight,
    check_scalar,
    check_X_y,
)

__all__ = ["RelaxedLasso", "RelaxedLassoCV"]


def _relaxed_fit(X, y, sw, support, fit_intercept):
    """Unpenalised (weighted) least squares on the columns ``support``.

    Returns (coef on the support, intercept). With more kept features than
    samples the minimum-norm solution is taken.
    """
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw
    if fit_intercept:
        total = s.sum()
        x_mean = s @ X[:, support] / total
        y_mean = s @ y / total
    else:
        x_mean = np.zeros(support.size)
        y_mean = 0.0
    if support.size == 0:
        return np.zeros(0), float(y_mean)
    root = np.sqrt(s)
    A = (X[:, support] - x_mean) * root[:, None]
    beta = np.linalg.lstsq(A, (y - y_mean) * root, rcond=None)[0]
    return beta, float(y_mean - x_mean @ beta)


def _mix(coef_lasso, b_lasso, support, beta, b_relaxed, gamma):
    coef = gamma * coef_lasso
    coef[support] += (1.0 - gamma) * beta
    return coef, gamma * b_lasso + (1.0 - gamma) * b_relaxed


def _check_gammas(gammas):
    g = np.atleast_1d(np.asarray(gammas, dtype=np.float64)).ravel()
    if g.size == 0 or np.any(~np.isfinite(g)) or np.any(g < 0) or np.any(g > 1):
        raise ValueError(f"gamma values must be in [0, 1], got {gammas!r}.")
    return g


class _RelaxedFit(LinearModel):
    """What the relaxed-Lasso estimators share: the relaxed refit of the
    support of their Lasso fit on all data, and their tags."""

    def _set_relaxed(self, X, y, sw, sol, gamma):
        """Refit the support of the Lasso solution ``sol`` (all data) on
        ``X``, ``y`` (weights ``sw``) and set the fitted attributes for
        ``gamma``."""
        coef_lasso, b_lasso = sol.coef[0], float(sol.intercept[0])
        support = np.flatnonzero(coef_lasso)
        beta, b_rel = _relaxed_fit(X, y, None if sw is None else sw * (len(y) / sw.sum()),
                                   support, self.fit_intercept)
        self.support_ = support
        self.lasso_coef_ = coef_lasso
        self.lasso_intercept_ = b_lasso
        self.relaxed_coef_ = np.zeros_like(coef_lasso)
        self.relaxed_coef_[support] = beta
        self.relaxed_intercept_ = b_rel
        self.coef_, self.intercept_ = _mix(coef_lasso.copy(), b_lasso, support, beta,
                                           b_rel, gamma)
        self.n_iter_ = int(sol.n_iter[0])
        self.dual_gap_ = float(sol.dual_gap[0])

    def _apply_dtypes(self, X_raw, y_raw, cv=False):
        """scikit-learn's dtype rules of the Lasso and LassoCV
        (:mod:`shrinkage._dtypes`): the fitted model follows ``X``, the CV
        errors ``X`` and ``y``, the grids stay float64."""
        dtype = fit_dtype(X_raw)
        for name in ("coef_", "lasso_coef_", "relaxed_coef_"):
            setattr(self, name, as_fit_dtype(getattr(self, name), dtype))
        for name in ("intercept_", "lasso_intercept_", "relaxed_intercept_", "dual_gap_"):
            setattr(self, name, scalar_of(getattr(self, name), dtype))
        if cv:
            self.mse_path_ = as_fit_dtype(self.mse_path_, mse_dtype(X_raw, y_raw))


class RelaxedLasso(_RelaxedFit):
    """Relaxed Lasso at a given ``alpha`` and mixing ``gamma``.

    Fits :class:`shrinkage.Lasso` at ``alpha``, refits its support by
    unpenalised least squares (Meinshausen 2007) and returns
    ``gamma * lasso + (1 - gamma) * relaxed`` (glmnet's ``gamma``).

    Parameters
    ----------
    alpha : float, default=1.0
        Lasso penalty that selects the support.
    gamma : float, default=0.0
        Mixing in [0, 1]: 1 is the Lasso, 0 the fully relaxed fit.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
    tol : float, default=1e-4
    positive : bool, default=False
        Constrain the Lasso; the relaxed refit is unconstrained.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers of the Lasso step.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    lasso_coef_, lasso_intercept_ : the Lasso part.
    relaxed_coef_, relaxed_intercept_ : the least-squares refit (zero
        outside the support).
    support_ : ndarray of int
        Features selected by the Lasso.
    n_iter_ : int
        Coordinate passes of the Lasso step.
    dual_gap_ : float
        Duality gap of the Lasso step.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import RelaxedLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ [2.0, 0.0, -1.0, 0.0, 0.0] + 0.1 * rng.standard_normal(100)
    >>> RelaxedLasso(alpha=0.3).fit(X, y).coef_.round(1)
    array([ 2.,  0., -1.,  0.,  0.])
    """

    def __init__(self, alpha=1.0, *, gamma=0.0, fit_intercept=True, max_iter=1000,
                 tol=1e-4, positive=False, penalty_factor=None) -> None:
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.penalty_factor = penalty_factor

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Fit the Lasso, then the relaxed refit of its support.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        name = type(self).__name__
        check_scalar(self.alpha, "alpha", low=0.0, high=np.inf, include_high=False)
        gamma = float(_check_gammas(self.gamma)[0])
        check_max_iter(self.max_iter)
        check_scalar(self.tol, "tol", low=0.0, high=np.inf, include_high=False)
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        X_raw = X
        X, y = check_X_y(X, y, estimator=name, numeric_strings=("X", "y"))
        y = single_target(y, name)
        n, p = X.shape
        sw = check_sample_weight(sample_weight, n)
        pf = check_penalty_factor(self.penalty_factor, p)
        design = make_design(X, sw, self.fit_intercept, "auto")
        sol = solve_enet(design, y.reshape(-1, 1), alpha=float(self.alpha), l1_ratio=1.0,
                         penalty_factor=pf, positive=bool(self.positive),
                         tol=float(self.tol), max_iter=int(self.max_iter),
                         selection="cyclic", random_state=None, estimator_name=name)
        self._set_relaxed(X, y, sw, sol, gamma)
        self._record_input(X_raw, X)
        self._apply_dtypes(X_raw, None)
        return self


def _fold_relaxed(X, y, sw, train, test, alphas, gammas, *, fit_intercept,
                  precompute, pf, positive, tol, max_iter):
    """Held-out MSE (n_gammas, n_alphas) of the relaxed Lasso on one fold
    (``precompute``: 'auto' or a bool, for the fold's own design), and the
    number of the fold's Lasso solves that did not reach ``tol``."""
    X_tr, y_tr = X[train], y[train]
    sw_tr = None if sw is None else sw[train] * (len(train) / sw[train].sum())
    coefs, b_lasso, n_failed = path_on_rows(X_tr, y_tr, sw_tr, alphas, fit_intercept=fit_intercept,
                                  precompute=precompute, l1_ratio=1.0, pf=pf,
                                  positive=positive, tol=tol, max_iter=max_iter,
                                  random=False, seed=1)
    X_te, y_te = X[test], y[test]
    pred_lasso = X_te @ coefs + b_lasso
    pred_relaxed = np.empty_like(pred_lasso)
    cache = {}
    for k in range(len(alphas)):
        support = np.flatnonzero(coefs[:, k])
        key = support.tobytes()
        if key not in cache:
            beta, b = _relaxed_fit(X_tr, y_tr, sw_tr, support, fit_intercept)
            cache[key] = X_te[:, support] @ beta + b
        pred_relaxed[:, k] = cache[key]
    out = np.empty((len(gammas), len(alphas)))
    w = None if sw is None else sw[test]
    for g, gamma in enumerate(gammas):
        res2 = (gamma * pred_lasso + (1.0 - gamma) * pred_relaxed - y_te[:, None]) ** 2
        out[g] = res2.mean(axis=0) if w is None else np.average(res2, weights=w, axis=0)
    return out, n_failed


class RelaxedLassoCV(_RelaxedFit):
    """Relaxed Lasso with (alpha, gamma) chosen by cross-validation.

    On each training fold, the Lasso path of :func:`shrinkage.lasso_path`
    (scikit-learn's grid from the full data) gives a support per alpha; each
    support is refitted by least squares (once per distinct support) and
    every mixture ``gamma * lasso + (1 - gamma) * relaxed`` is scored on the
    held-out rows. The pair with the smallest mean error is refitted on all
    data.

    Parameters
    ----------
    gammas : array-like of float in [0, 1], default=(0, 0.25, 0.5, 0.75, 1)
        Mixtures to cross-validate (glmnet's default grid); 1 is the Lasso.
    eps : float, default=1e-3
    alphas : int or array-like, default=100
    fit_intercept : bool, default=True
    precompute : 'auto' or bool, default='auto'
    max_iter : int, default=1000
    tol : float, default=1e-4
    cv : int, splitter or iterable, default=None
        As in :class:`shrinkage.LassoCV` (None: 5 contiguous folds).
    n_jobs : int, default=None
        Threads over folds.
    positive : bool, default=False
    penalty_factor : array-like of shape (n_features,), default=None

    Attributes
    ----------
    alpha_, gamma_ : float
        The selected pair.
    alphas_ : ndarray of shape (n_alphas,)
    gammas_ : ndarray of shape (n_gammas,)
    mse_path_ : ndarray of shape (n_gammas, n_alphas, n_folds)
    coef_, intercept_, lasso_coef_, relaxed_coef_, support_, n_iter_, dual_gap_ :
        As in :class:`RelaxedLasso`, at the selected pair.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import RelaxedLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((120, 20))
    >>> y = X[:, :3] @ [3.0, -2.0, 1.5] + 0.5 * rng.standard_normal(120)
    >>> model = RelaxedLassoCV(cv=4).fit(X, y)
    >>> model.mse_path_.shape
    (5, 100, 4)
    """

    def __init__(self, *, gammas=(0.0, 0.25, 0.5, 0.75, 1.0), eps=1e-3, alphas=100,
                 fit_intercept=True, precompute="auto", max_iter=1000, tol=1e-4,
                 cv=None, n_jobs=None, positive=False, penalty_factor=None) -> None:
        self.gammas = gammas
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.penalty_factor = penalty_factor

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Cross-validate (alpha, gamma) and refit on all data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Used to fit each fold and to weight its held-out errors.

        Returns
        -------
        self : object
        """
        name = type(self).__name__
        gammas = _check_gammas(self.gammas)
        check_scalar(self.eps, "eps", low=0.0, include_low=False, high=np.inf, include_high=False)
        max_iter = check_max_iter(self.max_iter)
        check_scalar(self.tol, "tol", low=0.0, high=np.inf, include_high=False)
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        X_raw, y_raw = X, y
        X, y = check_X_y(X, y, estimator=name, numeric_strings=("X", "y"))
        y = single_target(y, name)
        n, p = X.shape
        precompute = check_precompute(self.precompute, p)
        sw = check_sample_weight(sample_weight, n)
        pf = check_penalty_factor(self.penalty_factor, p)
        alphas = check_alpha_grid(self.alphas, allow_count=True, ravel=True)
        positive = bool(self.positive)
        design = make_design(X, sw, self.fit_intercept, "auto")
        if isinstance(alphas, int):
            _, Yc = design.center_targets(y.reshape(-1, 1))
            grid = alpha_grids(design, Yc, [1.0], eps=self.eps, n_alphas=alphas,
                               pf=pf, positive=positive)[0]
        else:
            grid = np.sort(alphas)[::-1]
        folds = check_cv_folds(self.cv, X, y, n)

        def run(fold):
            train, test = fold
            return _fold_relaxed(X, y, sw, train, test, grid, gammas,
                                 fit_intercept=self.fit_intercept,
                                 precompute=precompute, pf=pf, positive=positive,
                                 tol=float(self.tol), max_iter=max_iter)

        with thread_map(self.n_jobs, len(folds)) as map_:
            mses = list(map_(run, folds))
        mses, failed = zip(*mses)
        # as LassoCV: one ConvergenceWarning per fold solve (fold, alpha)
        # that did not converge, before the refit's own
        _warn_failed_fits(name, sum(failed), len(folds) * len(grid), max_iter)
        self.mse_path_ = np.stack(mses, axis=-1)  # (n_gammas, n_alphas, n_folds)
        mean = self.mse_path_.mean(axis=-1)
        g, k = np.unravel_index(np.argmin(mean), mean.shape)
        self.gamma_ = float(gammas[g])
        self.alpha_ = float(grid[k])
        self.alphas_ = grid
        self.gammas_ = gammas
        sol = solve_enet(design, y.reshape(-1, 1), alpha=self.alpha_, l1_ratio=1.0,
                         penalty_factor=pf, positive=positive, tol=float(self.tol),
                         max_iter=max_iter, selection="cyclic",
                         random_state=None, estimator_name=name)
        self._set_relaxed(X, y, sw, sol, self.gamma_)
        self._record_input(X_raw, X)
        self._apply_dtypes(X_raw, y_raw, cv=True)
        return self
