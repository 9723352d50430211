"""Cross-validated elastic net: ``ElasticNetCV`` and ``LassoCV``.

scikit-learn's procedure (same grid, same folds, same scoring): one alpha
grid from the full data per ``l1_ratio``; for each fold, a warm-started path
on the training rows, scored by the (weighted) mean squared error on the
held-out rows; the alpha (and ``l1_ratio``) of the smallest mean error over
folds is refitted on all data. Folds run in threads (the kernels release the
GIL). The fold paths and their errors come from the engine
(:mod:`shrinkage._enet.cv`: with covariance updates and K-fold splits, each
fold's problem is derived from the full data's Gram).

In addition, glmnet's one-standard-error rule (Friedman, Hastie & Tibshirani
2010, JSS 33(1), section 6; Hastie, Tibshirani & Friedman, "The Elements of
Statistical Learning", 2nd ed., section 7.10): ``alpha_1se_`` is the largest
alpha whose mean error is within one standard error of the minimum.
"""

from __future__ import annotations

from typing import Self

import sys
import warnings

import numpy as np
import scipy.sparse as sp

from ._typing import ArrayLike, MatrixLike
from ._base import LinearModel
from ._enet import (alpha_grids, box_design, box_fold_mse_path, check_bounds, common_scale,
                    cv_design, fold_mse_path, seed_from, solve_box, solve_enet)
from ._dtypes import as_fit_dtype, fit_dtype, mse_dtype, scalar_of
from ._exceptions import convergence_warning
from ._folds import CVSearchMixin, best_cell, check_cv_folds, routed_split_params
from ._threads import thread_map
from ._path import enet_path, lasso_path
from ._out_of_core import fit_dask, is_dask_collection
from ._validation import (
    check_alpha_grid,
    check_bool,
    check_gram,
    check_max_iter,
    check_penalty_factor,
    check_precompute,
    check_sample_weight,
    check_scalar,
    check_selection,
    check_X_y,
)

__all__ = ["ElasticNetCV", "LassoCV"]


class DataConversionWarning(UserWarning):
    """Input data was converted (a column-vector y for a single target)."""


def _data_conversion_warning():
    # scikit-learn's class when scikit-learn is in use (its tooling filters
    # on it); shrinkage never imports scikit-learn itself.
    sk = sys.modules.get("sklearn.exceptions")
    return sk.DataConversionWarning if sk is not None else DataConversionWarning


def single_target(y, name):
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


def _check_test_weights(sw, folds):
    """scikit-learn's error (before any fit) for a test fold whose weights
    are all zero: its mean squared error is undefined."""
    if sw is None:
        return
    for k, (_, test) in enumerate(folds):
        if not sw[test].sum() > 0:
            raise ZeroDivisionError(
                "Weights sum to zero, can't be normalized: the sample weights "
                f"of the held-out rows of fold {k} are all zero; give each "
                "test fold a positive weight (or choose other folds).")


def _report_fold(name, k, n_folds, l1_ratios, i, grid, mse, n_failed, scale):
    """verbose: one line on stderr per finished fold path (errors and
    alphas in the data's units: ``scale**2`` times the kernel's)."""
    best = int(np.argmin(mse))
    ratio = f" (l1_ratio {l1_ratios[i]:g})" if len(l1_ratios) > 1 else ""
    failed = f", {n_failed} not converged" if n_failed else ""
    print(f"{name}: fold {k + 1}/{n_folds}{ratio}: {len(grid)} alphas, smallest "
          f"held-out MSE {mse[best] * scale * scale:.4g} at alpha "
          f"{grid[best] * scale * scale:.4g}{failed}", file=sys.stderr, flush=True)


def _warn_failed_fits(name, n_failed, n_fits, max_iter, stacklevel=3):
    """One ConvergenceWarning per fold fit (fold and alpha) that did not
    converge, as scikit-learn's paths warn once per alpha; the message is
    the same for all, so the default warning filter shows it once."""
    if not n_failed:
        return
    category = convergence_warning()
    message = (f"{name}: {n_failed} of {n_fits} fits on the training folds did "
               f"not converge within max_iter={max_iter} passes. Increase "
               "max_iter, loosen tol, or standardize the features.")
    for _ in range(n_failed):
        warnings.warn(message, category, stacklevel=stacklevel)


class ElasticNetCV(CVSearchMixin, LinearModel):
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
        An array is handled as scikit-learn does: it cannot be a training
        fold's Gram, so with ``fit_intercept=True`` (uncentred folds) a
        UserWarning says it is recomputed ('auto' is used), and with
        ``fit_intercept=False`` the "did not pass validation" ValueError is
        raised. Sparse ``X`` follows the same rule, from the centred Gram
        of its training rows.
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
        Truthy: one line per finished fold path on stderr (its smallest
        held-out error and where), then one for the refit.
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
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), default=None
        Box constraints ``lower_j <= w_j <= upper_j`` on the coefficients of
        every fit (folds and refit), as in :class:`shrinkage.ElasticNet`
        (glmnet's ``lower.limits`` / ``upper.limits``; ``lower <= 0 <=
        upper``). With a finite bound the folds' paths and the refit run the
        dedicated box-constrained solver (float64, each fold on its own
        rows, with covariance updates from the fold's own Gram where
        ``precompute`` would give them to the unbounded fits, else naive
        updates; a given Gram counts as ``True`` and is not read); the automatic
        grid is ``positive=True``'s when every lower bound is 0, else the
        unbounded one.

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

    _sparse_input = True

    path = staticmethod(enet_path)
    _has_l1_ratio = True

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, cv=None,
                 copy_X=True, verbose=0, n_jobs=None, positive=False,
                 random_state=None, selection="cyclic", penalty_factor=None,
                 selection_rule="min", lower_bounds=None, upper_bounds=None) -> None:
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
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            **params) -> Self:
        """Fit the model, choosing alpha (and l1_ratio) by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse ``X`` (CSR or CSC; COO is converted) is
            used through its nonzeros with implicit centring, never
            densified: rows are selected in CSR, each fold solved on CSC.
            float32 ``X`` gives float32 ``coef_``, ``intercept_`` and
            ``dual_gap_`` (``mse_path_`` float32 when ``y`` is float32 too;
            the grid and ``alpha_`` float64), as in scikit-learn. It is
            read in float32 (no float64 copy) with float64 residuals, Gram
            and gaps, so ``tol`` means what it means for float64 input.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weights used both to fit each fold (rescaled to sum to the
            number of training rows) and to average its held-out squared
            errors; the CV error is the unweighted mean over folds, as in
            scikit-learn.
        **params : dict
            Metadata for the CV splitter (e.g. ``groups`` for a
            ``GroupKFold``), routed as scikit-learn does: only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X, y, sample_weight):  # statistics by dask
            return fit_dask(self, X, y, sample_weight)
        name = type(self).__name__
        check_scalar(self.eps, "eps", low=0.0, include_low=False, high=np.inf, include_high=False)
        max_iter = check_max_iter(self.max_iter)
        check_scalar(self.tol, "tol", low=0.0, high=np.inf, include_high=False)
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        check_selection(self.selection)
        if self.selection_rule not in ("min", "1se"):
            raise ValueError(
                f"selection_rule must be 'min' or '1se', got {self.selection_rule!r}.")
        l1_ratios = self._l1_ratios()
        X_raw, y_raw = X, y
        X, y = check_X_y(X, y, estimator=name, accept_sparse=("csc", "csr"),
                         numeric_strings=("X", "y"), keep_float32=True)
        y = single_target(y, name)
        n, p = X.shape
        precompute = check_precompute(self.precompute, p, sparse=sp.issparse(X))
        sw = check_sample_weight(sample_weight, n)
        pf = check_penalty_factor(self.penalty_factor, p)
        alphas = check_alpha_grid(self.alphas, allow_count=True, ravel=True)
        positive = bool(self.positive)
        split_params = routed_split_params(self, params)
        folds = check_cv_folds(self.cv, X, y, n, split_params)
        _check_test_weights(sw, folds)
        bounds = check_bounds(self.lower_bounds, self.upper_bounds, p, positive=positive)
        if bounds is not None:
            return self._fit_box(X, y, X_raw, y_raw, sw, folds, alphas, l1_ratios, pf,
                                 bounds, max_iter, precompute)
        if not isinstance(precompute, (str, bool)):
            precompute = self._fold_gram_request(X, sw, precompute, folds)
        random = self.selection == "random"
        rng_seed = seed_from(self.random_state) if random else 1
        tasks = [(i, k) for i in range(len(l1_ratios)) for k in range(len(folds))]
        seeds = [(rng_seed + 7919 * t) % (2**31 - 1) or 1 for t in range(len(tasks))]
        with thread_map(self.n_jobs, len(tasks)) as map_:
            # Full-data design: the alpha grid, the refit and, when every
            # fold uses covariance updates and is the complement of its
            # held-out rows, the Gram the folds' Grams derive from.
            n_alphas = alphas if isinstance(alphas, int) else alphas.size
            design, full, X_rows = cv_design(X, y, sw, self.fit_intercept, precompute,
                                             folds, n_alphas, map_)
            # Extreme scales: cross-validate X / c and y / c (exact, c a
            # power of two): the same coefficients at alpha / c^2, errors
            # and gaps c^2 times smaller.
            c = common_scale(design, design.center_targets(y.reshape(-1, 1))[1], name)
            if c != 1.0:
                X = X / c  # dense or sparse, same format
                y = y / c
                design, full, X_rows = cv_design(X, y, sw, self.fit_intercept,
                                                 precompute, folds, n_alphas, map_)
                if not isinstance(alphas, int):
                    alphas = alphas / c / c
            grids = self._alpha_grids(design, full, y, alphas, l1_ratios, pf, positive)

            def run(t):
                i, k = tasks[t]
                train, test = folds[k]
                return fold_mse_path(
                    X_rows, y, sw, train, test, grids[i], l1_ratio=float(l1_ratios[i]),
                    fit_intercept=self.fit_intercept, precompute=precompute,
                    pf=pf, positive=positive, tol=float(self.tol),
                    max_iter=max_iter, random=random, seed=seeds[t],
                    fold_gram=full.fold(k) if full is not None else None)

            mses, failed = self._fold_results(name, map_, run, tasks, len(folds),
                                              l1_ratios, grids, c)
        alpha = self._choose(name, mses, failed, tasks, grids, l1_ratios, len(folds),
                             isinstance(alphas, int), max_iter, depth=1)
        if c != 1.0:
            self.alpha_, self.alpha_1se_ = self.alpha_ * c * c, self.alpha_1se_ * c * c
            self.alphas_ = self.alphas_ * c * c
            self.mse_path_ = self.mse_path_ * c * c
        sol = solve_enet(
            design, y.reshape(-1, 1), alpha=alpha, l1_ratio=self.l1_ratio_,
            penalty_factor=pf, positive=positive, tol=float(self.tol),
            max_iter=max_iter, selection=self.selection,
            random_state=self.random_state, estimator_name=name,
            gram_q=None if full is None else (full.q, full.uu))
        self._record_input(X_raw, X)
        if self.verbose:
            self._report_refit(name, n, alpha * c * c, sol)
        # scikit-learn's dtypes: the model follows X, the CV errors X and y,
        # the grid and the chosen penalties stay float64
        dtype = fit_dtype(X_raw)
        self.coef_ = as_fit_dtype(sol.coef[0], dtype)
        self.intercept_ = scalar_of(float(sol.intercept[0]) * c, dtype)
        self.dual_gap_ = scalar_of(float(sol.dual_gap[0]) * c * c, dtype)
        self.n_iter_ = int(sol.n_iter[0])
        self.mse_path_ = as_fit_dtype(self.mse_path_, mse_dtype(X_raw, y_raw))
        if not self._has_l1_ratio:
            del self.l1_ratio_
        return self

    def _report_refit(self, name, n, alpha, sol):
        """verbose: the refit's line on stderr. A dask fit refits from
        equivalent rows; it sets ``_rows_for_messages`` to the data's count."""
        ratio = f", l1_ratio {self.l1_ratio_:g}" if self._has_l1_ratio else ""
        rows = getattr(self, "_rows_for_messages", n)
        print(f"{name}: refit on all {rows} samples at alpha {alpha:.4g}{ratio}: "
              f"{np.count_nonzero(sol.coef[0])} nonzero, {int(sol.n_iter[0])} passes",
              file=sys.stderr, flush=True)

    def _fold_results(self, name, map_, run, tasks, n_folds, l1_ratios, grids, scale):
        """``run`` over the (l1_ratio, fold) ``tasks`` by ``map_``: their
        held-out errors and counts of failed solves, in task order; with
        ``verbose`` one line per fold as each is done (``scale``: of the
        errors and alphas, :func:`_report_fold`)."""
        results = []
        for t, result in enumerate(map_(run, range(len(tasks)))):
            results.append(result)  # in task order, as each is done
            if self.verbose:
                i, k = tasks[t]
                _report_fold(name, k, n_folds, l1_ratios, i, grids[i], *result, scale)
        return zip(*results)

    def _choose(self, name, mses, failed, tasks, grids, l1_ratios, n_folds, auto_grid,
                max_iter, depth):
        """Warn of the folds' failed solves, select alpha (and l1_ratio) from
        the held-out errors, and return the alpha to refit at (``depth``:
        calls between the user's and this one, for the warnings' location)."""
        _warn_failed_fits(name, sum(failed), len(tasks) * len(grids[0]), max_iter,
                          stacklevel=depth + 3)
        self._select(np.reshape(mses, (len(l1_ratios), n_folds, -1)), grids,
                     l1_ratios, auto_grid)
        return self.alpha_ if self.selection_rule == "min" else self.alpha_1se_

    def _fit_box(self, X, y, X_raw, y_raw, sw, folds, alphas, l1_ratios, pf, bounds,
                 max_iter, precompute):
        """:meth:`fit` under box constraints: each fold's path and the refit
        by the dedicated solver (:mod:`shrinkage._enet.box`), folds in
        threads as for unbounded fits."""
        name = type(self).__name__
        n = X.shape[0]
        X_rows = X.tocsr() if sp.issparse(X) else X
        design = box_design(X.tocsc() if sp.issparse(X) else X, sw, self.fit_intercept,
                            precompute)
        grids = self._alpha_grids(design, None, y, alphas, l1_ratios, pf,
                                  bool(np.all(bounds[0] >= 0.0)))
        random = self.selection == "random"
        rng_seed = seed_from(self.random_state) if random else 1
        tasks = [(i, k) for i in range(len(l1_ratios)) for k in range(len(folds))]
        seeds = [(rng_seed + 7919 * t) % (2**31 - 1) or 1 for t in range(len(tasks))]

        def run(t):
            i, k = tasks[t]
            train, test = folds[k]
            return box_fold_mse_path(
                X_rows, y, sw, train, test, grids[i], fit_intercept=self.fit_intercept,
                l1_ratio=float(l1_ratios[i]), penalty_factor=pf, bounds=bounds,
                tol=float(self.tol), max_iter=max_iter, random=random, seed=seeds[t],
                precompute=precompute)

        with thread_map(self.n_jobs, len(tasks)) as map_:
            mses, failed = self._fold_results(name, map_, run, tasks, len(folds),
                                              l1_ratios, grids, 1.0)
        alpha = self._choose(name, mses, failed, tasks, grids, l1_ratios, len(folds),
                             isinstance(alphas, int), max_iter, depth=2)
        sol = solve_box(
            design, y.reshape(-1, 1), alpha=float(alpha), l1_ratio=float(self.l1_ratio_),
            penalty_factor=pf, bounds=bounds, tol=float(self.tol), max_iter=max_iter,
            selection=self.selection, random_state=self.random_state, estimator_name=name)
        self._record_input(X_raw, X)
        if self.verbose:
            self._report_refit(name, n, alpha, sol)
        dtype = fit_dtype(X_raw)
        self.coef_ = as_fit_dtype(sol.coef[0], dtype)
        self.intercept_ = scalar_of(float(sol.intercept[0]), dtype)
        self.dual_gap_ = scalar_of(float(sol.dual_gap[0]), dtype)
        self.n_iter_ = int(sol.n_iter[0])
        self.mse_path_ = as_fit_dtype(self.mse_path_, mse_dtype(X_raw, y_raw))
        if not self._has_l1_ratio:
            del self.l1_ratio_
        return self

    def _fold_gram_request(self, X, sw, gram, folds):
        """What a user's Gram means for the folds: scikit-learn hands it to
        every fold's path, which warns and recomputes it when the fold's
        rows are not centred (``fit_intercept``) and raises when it is not
        the fold's Gram. The first fold decides the same way here; a Gram
        that passes (every fold's Gram equal to it) means covariance
        updates."""
        train = folds[0][0]
        decided = check_gram(X[train], None if sw is None else sw[train], gram,
                             self.fit_intercept)
        return "auto" if isinstance(decided, str) else True

    def _select(self, mse, grids, l1_ratios, automatic):
        """Set ``mse_path_``, ``alpha_``, ``l1_ratio_``, ``alpha_1se_`` and
        ``alphas_`` from the fold errors ``mse`` (n_l1_ratio, n_folds,
        n_alphas)."""
        mean_mse = mse.mean(axis=1)
        self.mse_path_ = np.squeeze(np.moveaxis(mse, 2, 1))
        best_mse, best_i, best_k = best_cell(mean_mse)
        self.alpha_ = np.float64(grids[best_i][best_k])
        self.l1_ratio_ = np.float64(l1_ratios[best_i])
        # One-standard-error rule (glmnet's lambda.1se).
        n_folds = mse.shape[1]
        se = (mse[best_i].std(axis=0, ddof=1) / np.sqrt(n_folds)
              if n_folds > 1 else np.zeros(mean_mse.shape[1]))
        within = np.flatnonzero(mean_mse[best_i] <= best_mse + se[best_k])
        self.alpha_1se_ = np.float64(grids[best_i][within.min()])
        if automatic:
            self.alphas_ = np.asarray(grids) if len(l1_ratios) > 1 else grids[0]
        else:
            self.alphas_ = grids[0]

    def _alpha_grids(self, design, full, y, alphas, l1_ratios, pf, positive):
        """One alpha grid per l1_ratio: the user's (checked ``alphas``), or
        scikit-learn's from lambda_max of the full data."""
        if not isinstance(alphas, int):
            return [np.sort(alphas)[::-1] for _ in l1_ratios]
        if np.any(l1_ratios == 0):
            raise ValueError(
                "Automatic alpha grid generation is not supported for l1_ratio=0. "
                "Please supply a grid by providing your estimator with the "
                "appropriate `alphas=` argument.")
        _, Yc = design.center_targets(y.reshape(-1, 1))
        # with fold Grams, Xc^T S yc is known: no pass over X
        return alpha_grids(design, Yc, l1_ratios, eps=self.eps, n_alphas=alphas,
                           pf=pf, positive=positive,
                           correlations=None if full is None else full.q)


class LassoCV(ElasticNetCV):
    """Lasso with the penalty chosen by cross-validation.

    :class:`ElasticNetCV` with ``l1_ratio = 1``: parameters, attributes and
    results of :class:`sklearn.linear_model.LassoCV` (same grid, folds and
    mean squared errors), plus ``penalty_factor``, ``alpha_1se_``,
    ``selection_rule`` and box constraints (``lower_bounds``,
    ``upper_bounds``). See :class:`ElasticNetCV` for their description.

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
                 selection_rule="min", lower_bounds=None, upper_bounds=None) -> None:
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
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
