"""Public Lasso and ElasticNet estimators (dense data).

Thin scikit-learn compatible front ends: validate, hand the work to the
elastic-net engine (``_enet``), store fitted attributes.
"""

from __future__ import annotations

from typing import Self

import warnings

import numpy as np
import scipy.sparse as sp

from ._typing import ArrayLike, MatrixLike
from ._base import LinearModel
from ._dtypes import as_fit_dtype, fit_dtype, scalar_of
from ._enet import (box_design, check_bounds, lean_fit, make_design, solve_box,
                    solve_enet)
from ._out_of_core import fit_dask, is_dask_collection, with_partial_fit
from ._validation import (
    check_bool,
    check_finite_X,
    check_gram,
    check_max_iter,
    check_penalty_factor,
    check_precompute,
    check_sample_weight,
    check_scalar,
    check_selection,
    check_X_y,
)
from ._many import check_n_jobs

__all__ = ["ElasticNet", "Lasso"]


@with_partial_fit
class ElasticNet(LinearModel):
    """Linear regression with combined L1 and L2 priors (elastic net).

    Minimises, with sample weights ``s`` rescaled to sum to ``n_samples`` and
    penalty factors ``f`` (default 1)::

        1 / (2 * n_samples) * sum_i s_i (y_i - x_i.w - b)^2
        + alpha * l1_ratio * sum_j f_j |w_j|
        + 0.5 * alpha * (1 - l1_ratio) * sum_j f_j w_j^2

    (subject to ``lower_j <= w_j <= upper_j`` when bounds are given) the
    objective of :class:`sklearn.linear_model.ElasticNet`, by coordinate
    descent with active-set cycling, stopped by a duality-gap certificate.

    Parameters
    ----------
    alpha : float, default=1.0
        Overall penalty strength, >= 0. ``alpha = 0`` is ordinary least
        squares: use :class:`LinearRegression` instead.
    l1_ratio : float, default=0.5
        Mix in [0, 1]: 1 is the Lasso, 0 a ridge penalty.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (by implicit centring: ``X`` is not
        copied).
    precompute : 'auto', bool or ndarray of shape (n_features, n_features), default='auto'
        Covariance ("Gram") updates instead of residual updates. 'auto'
        uses them when ``n_samples >= n_features`` and the Gram is shared by
        enough targets to repay it (``n_features <= 40 * n_targets``). An array is taken as the
        Gram ``X^T diag(s) X`` of the data passed to ``fit`` (two of its
        columns are checked against ``X``); with ``fit_intercept=True`` and
        ``X`` not centred it cannot be used: a UserWarning says so and the
        Gram is recomputed, as in scikit-learn. Sparse ``X`` follows the
        same rule ('auto', True): its centred Gram is computed from the
        sparse matrix with implicit centring (an array is refused);
        scikit-learn ignores ``precompute`` for sparse ``X``.
    max_iter : int, default=1000
        Maximal number of coordinate passes (full or active-set).
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified either way.
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol * ||y - ybar||^2_s / n_samples``
        (scikit-learn's meaning).
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    positive : bool, default=False
        Constrain coefficients to be >= 0. Together with finite bounds it
        raises the lower bounds to ``max(lower_bounds, 0)``.
    random_state : int, RandomState, Generator or None, default=None
        Seed for ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order: in sequence, or uniformly at random.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers ``f_j >= 0`` of the penalty (0 leaves a
        feature unpenalised), as glmnet's ``penalty.factor`` but not
        rescaled.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), default=None
        Box constraints ``lower_j <= w_j <= upper_j`` on the coefficients
        (not in scikit-learn; glmnet's ``lower.limits`` / ``upper.limits``,
        a generalisation of ``positive``): a scalar for every feature or
        one value per feature, ``-inf`` / ``inf`` allowed, None for no
        bound. As in glmnet, ``lower_bounds <= 0 <= upper_bounds`` is
        required (a ValueError otherwise, and for NaN or a wrong shape).
        The intercept is not constrained; each target of a multi-target
        ``y`` gets the same bounds. With a finite bound the fit runs a
        dedicated solver: cyclic coordinate descent with clipped updates in
        float64 (a float32 ``X`` is solved as a float64 copy; ``n_jobs``
        threads over the targets as usual), with residual (naive) updates,
        or covariance (Gram) updates where ``precompute`` would give them
        to the unbounded fit (``True``, or 'auto' on a tall design with
        few features; ``False`` keeps naive updates; a given Gram matrix
        counts as ``True`` and is not read: the solver builds its own from
        ``X``), stopped by the duality gap of the constrained problem at
        the same ``tol``. Without finite bounds
        (None, or all infinite) the fit is exactly the unbounded one.
    n_jobs : int or None, default=1
        Threads over the targets of a multi-target ``fit`` (not in
        scikit-learn, whose ``ElasticNet`` has no such parameter): ``None``
        or 1 for none, -1 for one per CPU. Each target's result is the same
        for every ``n_jobs`` and equals that of fitting it alone; per-design
        work (column statistics, the Gram) is shared.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        ``(n_features,)`` also for ``y`` of shape ``(n_samples, 1)``, as in
        scikit-learn (``predict`` then returns shape ``(n_samples,)``).
    intercept_ : numpy.float64 or ndarray of shape (n_targets,)
    dual_gap_ : numpy.float64 or ndarray of shape (n_targets,)
        Final duality gap of the objective above.
    n_iter_ : int or list of int
        Coordinate passes made.
    sparse_coef_ : scipy.sparse.csr_matrix
        ``coef_`` as a sparse matrix.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import ElasticNet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ [2.0, 0.0, -1.0, 0.0, 0.0] + 0.1 * rng.standard_normal(100)
    >>> model = ElasticNet(alpha=0.05, l1_ratio=0.9).fit(X, y)
    >>> model.coef_.round(2)
    array([ 1.92,  0.  , -0.93,  0.  ,  0.  ])
    """

    _sparse_input = True
    _multi_output = True  # independent targets

    _l1_ratio_fixed = None

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True,
                 precompute="auto", max_iter=1000, copy_X=True, tol=1e-4,
                 warm_start=False, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, n_jobs=1) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.n_jobs = n_jobs

    def _effective_l1_ratio(self):
        return self.l1_ratio if self._l1_ratio_fixed is None else self._l1_ratio_fixed

    def _validate_params(self):
        name = type(self).__name__
        check_scalar(self.alpha, "alpha", low=0.0, high=np.inf, include_high=False)
        l1_ratio = self._effective_l1_ratio()
        check_scalar(l1_ratio, "l1_ratio", low=0.0, high=1.0)
        check_max_iter(self.max_iter)
        check_scalar(self.tol, "tol", low=0.0, high=np.inf, include_high=False)
        for flag in ("fit_intercept", "positive", "warm_start", "copy_X"):
            check_bool(getattr(self, flag), flag)
        check_selection(self.selection)
        n_jobs = check_n_jobs(self.n_jobs)
        if self.alpha == 0:
            warnings.warn(
                f"{name} with alpha=0 is ordinary least squares, which coordinate "
                "descent solves poorly: use shrinkage.LinearRegression instead.",
                UserWarning,
                stacklevel=3,
            )
        return l1_ratio, n_jobs

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            check_input: bool = True) -> Self:
        """Fit the model by coordinate descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (any real dtype, C or Fortran order). Sparse input
            (CSC; CSR/COO converted once) is centred implicitly, never
            densified. float32 ``X`` gives float32 ``coef_``,
            ``intercept_``, ``dual_gap_`` and predictions (scikit-learn's
            rule). It is read in float32, never copied to float64 (except
            by the box-constrained solver), while the residual, Gram and
            duality gap are float64: the result is the float64 fit of the
            same values, and ``tol`` means the same as for float64 input
            (no float32 limit on the reachable gap).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets; several targets are fitted independently.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled internally to sum to n_samples.
        check_input : bool, default=True
            Accepted for compatibility with scikit-learn; input is always
            validated.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if sample_weight is None and lean_fit(self, X, y):
            return self  # a small float64 fit, bit for bit the route below's
        if is_dask_collection(X, y, sample_weight):  # statistics by dask
            return fit_dask(self, X, y, sample_weight)
        name = type(self).__name__
        l1_ratio, n_jobs = self._validate_params()
        X_raw = X
        # A dense X is not scanned for NaN/inf here: the solve's column
        # statistics prove it finite (make_design's finite_verified), a
        # pass over X fewer; the box solver and a given Gram scan it below.
        X, y = check_X_y(X, y, estimator=name, accept_sparse=("csc",),
                         numeric_strings=("X", "y"), keep_float32=True,
                         ensure_finite=sp.issparse(X))
        n, p = X.shape
        sw = check_sample_weight(sample_weight, n)
        pf = check_penalty_factor(self.penalty_factor, p)
        Y = y.reshape(n, -1)

        precompute = check_precompute(self.precompute, p, sparse=sp.issparse(X))
        bounds = check_bounds(self.lower_bounds, self.upper_bounds, p,
                              positive=bool(self.positive))

        coef_init = None
        if self.warm_start and hasattr(self, "coef_"):
            previous = np.atleast_2d(self.coef_)
            if previous.shape == (Y.shape[1], p):
                coef_init = previous

        scanned = sp.issparse(X)
        if bounds is not None or not isinstance(precompute, (str, bool)):
            check_finite_X(X)
            scanned = True
        if bounds is not None:
            # the dedicated box-constrained solver (float64; naive or
            # covariance updates by the unbounded fits' rule)
            sol = solve_box(
                box_design(X, sw, self.fit_intercept, precompute, n_solves=Y.shape[1]),
                Y, alpha=float(self.alpha),
                l1_ratio=float(l1_ratio), penalty_factor=pf, bounds=bounds,
                tol=float(self.tol), max_iter=int(self.max_iter),
                selection=self.selection, random_state=self.random_state,
                coef_init=coef_init, estimator_name=name, n_jobs=min(n_jobs, Y.shape[1]))
        else:
            if not isinstance(precompute, (str, bool)):
                precompute = check_gram(X, sw, precompute, self.fit_intercept)
            design = make_design(X, sw, self.fit_intercept, precompute,
                                 n_solves=Y.shape[1], lazy_stats=True,
                                 finite_verified=scanned)
            sol = solve_enet(
                design, Y, alpha=float(self.alpha), l1_ratio=float(l1_ratio),
                penalty_factor=pf, positive=bool(self.positive), tol=float(self.tol),
                max_iter=int(self.max_iter), selection=self.selection,
                random_state=self.random_state, coef_init=coef_init,
                estimator_name=name, n_jobs=min(n_jobs, Y.shape[1]))

        self._record_input(X_raw, X)
        dtype = fit_dtype(X_raw)  # scikit-learn's rule: float32 X, float32 results
        if y.ndim == 1:
            self.coef_ = as_fit_dtype(sol.coef[0], dtype)
            self.intercept_ = scalar_of(sol.intercept[0], dtype)
            self.dual_gap_ = scalar_of(sol.dual_gap[0], dtype)
            self.n_iter_ = int(sol.n_iter[0])
        elif Y.shape[1] == 1:
            # y of shape (n, 1): scikit-learn's shapes, coef_ (p,) and
            # intercept_ (1,), so that predict returns (n,).
            self.coef_ = as_fit_dtype(sol.coef[0], dtype)
            self.intercept_ = as_fit_dtype(np.array(sol.intercept), dtype)
            self.dual_gap_ = scalar_of(sol.dual_gap[0], dtype)
            self.n_iter_ = int(sol.n_iter[0])
        else:
            self.coef_ = as_fit_dtype(sol.coef, dtype)
            self.intercept_ = as_fit_dtype(sol.intercept, dtype)
            self.dual_gap_ = as_fit_dtype(sol.dual_gap, dtype)
            self.n_iter_ = [int(i) for i in sol.n_iter]
        return self


class Lasso(ElasticNet):
    """Linear model with an L1 penalty (the Lasso).

    Minimises ``1 / (2 * n_samples) * sum_i s_i (y_i - x_i.w - b)^2 +
    alpha * sum_j f_j |w_j|``: :class:`ElasticNet` with ``l1_ratio = 1``,
    the objective of :class:`sklearn.linear_model.Lasso`. See
    :class:`ElasticNet` for the parameters and attributes (all but
    ``l1_ratio``).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import Lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ [2.0, 0.0, -1.0, 0.0, 0.0] + 0.1 * rng.standard_normal(100)
    >>> Lasso(alpha=0.1).fit(X, y).coef_.round(2)
    array([ 1.87,  0.  , -0.86,  0.  ,  0.  ])
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto",
                 copy_X=True, max_iter=1000, tol=1e-4, warm_start=False,
                 positive=False, random_state=None, selection="cyclic",
                 penalty_factor=None, lower_bounds=None, upper_bounds=None,
                 n_jobs=1) -> None:
        # l1_ratio is not a parameter of the Lasso (get_params follows this
        # signature) but is stored as 1.0, as scikit-learn's Lasso does.
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, precompute=precompute,
            max_iter=max_iter, copy_X=copy_X, tol=tol, warm_start=warm_start,
            positive=positive, random_state=random_state, selection=selection,
            penalty_factor=penalty_factor, lower_bounds=lower_bounds,
            upper_bounds=upper_bounds, n_jobs=n_jobs)
