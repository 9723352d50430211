"""Ridge, RidgeCV, LinearRegression and ridge_path.

scikit-learn compatible front ends over the Ridge engine (``_ridge_engine``):
validate input, pick the computation, store fitted attributes with
scikit-learn's names, shapes and conventions (Ridge's objective is not rescaled by the number of
samples, nor are the sample weights)::

    sum_i s_i (y_i - x_i.w - b)^2 + alpha ||w||^2          (b unpenalised)

Precision follows scikit-learn: float32 ``X`` (dense or sparse) is kept
float32, never copied to float64, and gives float32 ``coef_``,
``intercept_``, predictions and per-sample CV values (``cv_results_``),
whatever the dtype of ``y`` and the sample weights; any other ``X`` gives
float64. Selected alphas and CV scores are float64.
"""

from __future__ import annotations

from typing import Any, Self

import numbers

import numpy as np
import scipy.sparse as sp

from ._typing import ArrayLike, FloatArray, MatrixLike
from ._base import LinearModel
from ._folds import check_cv_folds, cv_metadata_router, routed_split_params
from ._out_of_core import fit_dask, is_dask_collection, with_partial_fit
from ._ridge_engine import (
    NOT_REPRESENTABLE,
    RidgeProblem,
    held_out_predictor,
    leave_one_out,
    nnls_solve,
    ols_dense,
    ols_eigen,
    positive_cd,
    positive_gram,
    ridge_path_coefs,
    solve_ridge,
    use_coordinate_descent,
)
from ._scoring import accepts_sample_weight, resolve_scoring, score_predictions
from ._validation import (
    check_alpha_grid,
    check_bool,
    check_finite_X,
    check_sample_weight,
    check_scalar,
    check_X,
    check_X_y,
    check_y,
)

__all__ = ["Ridge", "RidgeCV", "LinearRegression", "ridge_path"]

_SPARSE_FORMATS = ("csr", "csc")
_RIDGE_SOLVERS = ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga", "lbfgs")


# ----------------------------------------------------------------------
# shared validation helpers
# ----------------------------------------------------------------------

def _float32_design(X):
    """X as a float32 ndarray or sparse matrix when it is 2-D float32 data
    with at least one row and column (kept float32, scikit-learn's rule),
    else None: everything else goes through ``check_X`` (float64, and its
    error messages)."""
    if sp.issparse(X):
        arr = X
    elif isinstance(X, np.ndarray):
        arr = np.asarray(X)        # a plain view of subclasses (np.matrix, memmap)
    else:
        dtypes = getattr(X, "dtypes", None)   # a DataFrame of float32 columns
        if dtypes is None or not hasattr(X, "__array__"):
            return None
        try:
            if not all(np.dtype(d) == np.float32 for d in dtypes):
                return None
        except TypeError:                      # pandas extension dtypes
            return None
        arr = np.asarray(X)
    if arr.dtype != np.float32 or arr.ndim != 2 or min(arr.shape) < 1:
        return None
    return arr


def _check_design(X, *, estimator, ensure_finite):
    """``check_X`` that keeps float32 X float32 (no float64 copy)."""
    arr = _float32_design(X)
    if arr is None:
        return check_X(X, estimator=estimator, accept_sparse=_SPARSE_FORMATS,
                       ensure_finite=ensure_finite)
    if sp.issparse(arr):
        arr = arr.asformat(arr.format if arr.format in _SPARSE_FORMATS else "csr")
    elif not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = np.asfortranarray(arr)           # one float32 copy, as check_X
    if ensure_finite:
        check_finite_X(arr)
    return arr


def _check_X_y(X, y, *, estimator, ensure_finite, numeric_strings=()):
    """``check_X_y`` for the Ridge family: float32 X stays float32;
    ``numeric_strings`` names the arguments ("X", "y") whose str/bytes
    arrays of numbers are converted, as scikit-learn's fit does."""
    if _float32_design(X) is None:
        return check_X_y(X, y, estimator=estimator, accept_sparse=_SPARSE_FORMATS,
                         ensure_finite=ensure_finite, numeric_strings=numeric_strings)
    if y is None:
        raise ValueError(
            f"{estimator} requires y to be passed, but the target y is None."
        )
    X = _check_design(X, estimator=estimator, ensure_finite=ensure_finite)
    return X, check_y(y, X.shape[0], estimator=estimator,
                      numeric_strings="y" in numeric_strings)


def _ridge_weights(sample_weight, n_samples):
    """Weights as used by Ridge (not rescaled): None or float64 (n,).

    A scalar is a weight shared by all samples; it scales the loss against
    the penalty (weight c at alpha is alpha / c at unit weights), as in
    scikit-learn.
    """
    if sample_weight is None:
        return None
    if not isinstance(sample_weight, numbers.Number):
        # array-likes (lists, pandas, objects with __array__) become arrays
        # first: np.ndim on some array-likes dispatches and fails
        sample_weight = np.asarray(sample_weight)
    if np.ndim(sample_weight) == 0:
        check_sample_weight(sample_weight, n_samples)  # validates the scalar
        value = float(sample_weight)
        return None if value == 1.0 else np.full(n_samples, value)
    return check_sample_weight(sample_weight, n_samples)


def _alphas_per_target(alpha, n_targets, estimator):
    """Ridge's ``alpha``: one value or one per target; returns (n_targets,)."""
    if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
        check_scalar(alpha, "alpha", low=0.0, high=np.inf, include_high=False)
        return np.full(n_targets, float(alpha))
    if isinstance(alpha, (bool, str)) or alpha is None:
        raise TypeError(
            f"alpha must be a non-negative float or an array of one per target, "
            f"got {alpha!r}."
        )
    try:
        arr = np.asarray(alpha, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"alpha must be a non-negative float or an array of one per target, "
            f"got {alpha!r}."
        ) from exc
    if arr.size not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{arr.size} != {n_targets}. Pass one alpha, or one per target."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"alpha values must be finite and >= 0 in {estimator}, got {arr!r}."
        )
    return np.broadcast_to(arr, (n_targets,)).copy()


def _ridge_data(name, X, y, sample_weight, numeric_strings=("X", "y")):
    """The checked data of a Ridge-family fit: ``(X, y, sw, Y, was_1d)``
    with ``Y`` the (n, n_targets) view of ``y``. NaN/inf in dense X are
    detected later from the Gram/kernel diagonal (that saves a pass over X;
    the 'svd' route scans X before copying it); sparse X is scanned here
    (only its stored values)."""
    X, y = _check_X_y(X, y, estimator=name, ensure_finite=sp.issparse(X),
                      numeric_strings=numeric_strings)
    sw = _ridge_weights(sample_weight, X.shape[0])
    Y, was_1d = _targets(y)
    return X, y, sw, Y, was_1d


def _targets(y):
    """(n, n_targets) view of y and whether y was 1-D."""
    return (y.reshape(-1, 1), True) if y.ndim == 1 else (y, False)


class _MultiOutputTags:
    _sparse_input = True
    _multi_output = True

    def _check_predict_input(self, X):
        # float32 X predicts in float32 with a float32 model (float64 with a
        # float64 one), as in scikit-learn: no float64 copy of X
        if _float32_design(X) is None:
            return super()._check_predict_input(X)
        self._check_is_fitted()
        self._check_feature_names(X)
        Xv = _check_design(X, estimator=type(self).__name__, ensure_finite=True)
        if Xv.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {Xv.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        return Xv


def _set_linear_attrs(est, W, b, was_1d, ravel_single):
    """coef_/intercept_ with scikit-learn's shapes.

    ``W`` is (p, T), ``b`` (T,), both in the problem's precision, which
    the attributes keep (a single intercept is a Python float in float64, a
    NumPy float32 scalar in float32). ``ravel_single``: Ridge-style (coef_
    1-D whenever there is one target) vs LinearRegression-style (1-D only
    for 1-D y).
    """
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise ValueError(NOT_REPRESENTABLE.format(name=type(est).__name__))
    T = W.shape[1]
    if was_1d:
        est.coef_ = np.ascontiguousarray(W[:, 0])
        # a NumPy scalar of the problem's precision, as scikit-learn's
        est.intercept_ = b[0] if est.fit_intercept else 0.0
        return
    coef = np.ascontiguousarray(W.T)
    if ravel_single and T == 1:
        coef = coef[0]
    est.coef_ = coef
    est.intercept_ = np.array(b, dtype=b.dtype) if est.fit_intercept else 0.0


# ----------------------------------------------------------------------
# Ridge
# ----------------------------------------------------------------------

@with_partial_fit
class Ridge(_MultiOutputTags, LinearModel):
    """Linear least squares with l2 regularisation (ridge regression).

    Minimises scikit-learn's Ridge objective::

        sum_i s_i (y_i - x_i.w - b)^2 + alpha * ||w||_2^2

    with sample weights ``s`` used as given and the intercept ``b`` not
    penalised, by a Cholesky factorisation (LAPACK ``potrf``/``potrs``) of
    the smaller of the primal system ``X~^T X~ + alpha I`` (n_samples >=
    n_features, Gram formed by ``syrk``) and the dual system
    ``X~ X~^T + alpha I`` (``w = X~^T c``), where ``X~`` is the weighted,
    centred design. Centring happens block by block inside the kernels:
    ``X`` is neither copied nor modified, and large column offsets cost no
    accuracy. Several targets share one factorisation.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Regularisation strength, >= 0; one value per target is allowed.
        ``alpha = 0`` is ordinary least squares (prefer
        :class:`LinearRegression`); a singular system then falls back to the
        minimum-norm least-squares solution with a warning.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (by implicit centring).
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified either way.
    max_iter : int or None, default=None
        Accepted for compatibility with scikit-learn's iterative solvers;
        unused by the direct solvers. With ``positive=True`` and more than
        256 features, the most active-set or Newton steps per target (None:
        100); a target whose result then fails the KKT check is solved by
        the NNLS route (exact, slower).
    tol : float, default=1e-4
        Accepted for compatibility; unused. The positive fits stop on an
        exact criterion (an unchanged active set), not on a tolerance.
    solver : {'auto', 'svd', 'cholesky', 'lsqr', 'sparse_cg', 'sag', 'saga', 'lbfgs'}, default='auto'
        'auto' and 'cholesky': Cholesky as described above (with an SVD
        fallback, or an eigendecomposition for sparse ``X``, on a singular
        or ill-conditioned system). 'svd': the SVD of the centred dense
        design, the most stable choice (an eigendecomposition of the Gram
        for sparse ``X``). scikit-learn's iterative solvers ('lsqr',
        'sparse_cg', 'sag', 'saga') are accepted and solve the same problem
        exactly by Cholesky. 'lbfgs' requires ``positive=True``.
    positive : bool, default=False
        Constrain the coefficients to be >= 0. Up to 256 features (or with
        an ``alpha`` of 0): non-negative least squares on the Cholesky factor
        of the regularised Gram (active set, 'nnls'). With more features and
        n_samples >= n_features: a primal-dual active-set method on the same
        Gram ('pdas', one Cholesky of the free set per step). With
        n_features > n_samples: a coordinate-descent warm start (this
        package's elastic net with ``l1_ratio=0``, ``alpha /
        sum(sample_weight)``), then a semismooth Newton method on the dual
        ('cd_newton'), whose steps solve systems of size ``min(n_samples,
        support size)``; sparse ``X`` is not densified, a float32 ``X`` is
        copied to float64 once. Every route stops on an unchanged active
        set and the two new ones check the KKT conditions (falling back to
        NNLS if they fail), so all give the same solution to rounding; the
        attributes follow ``X``'s dtype.
    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility; unused (the solvers are deterministic).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weights (1-D whenever there is a single target).
    intercept_ : float or ndarray of shape (n_targets,)
        0.0 when ``fit_intercept=False``.
    n_iter_ : None or ndarray of shape (n_targets,)
        None for the direct solvers and 'nnls'; int32 per target (as
        scikit-learn's iterative solvers report theirs) for 'pdas' (active-set
        steps) and 'cd_newton' (coordinate passes plus Newton steps).
    solver_ : str
        The computation used: 'cholesky', 'svd' (also after a fallback),
        'eigen' (sparse fallback), or with ``positive=True`` 'nnls', 'pdas'
        or 'cd_newton' (see ``positive``); 'pdas+nnls' / 'cd_newton+nnls'
        when some target failed the KKT check and was solved by NNLS.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when ``X`` was a DataFrame with string column names.

    See Also
    --------
    RidgeCV : Ridge with efficient leave-one-out or K-fold choice of alpha.
    ridge_path : Coefficients for many alphas from one eigendecomposition.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import Ridge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + 3.0
    >>> model = Ridge(alpha=1.0).fit(X, y)
    >>> np.round(model.coef_, 2), round(float(model.intercept_), 2)
    (array([ 0.98, -1.94,  0.49]), 2.99)
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True,
                 max_iter=None, tol=1e-4, solver="auto", positive=False,
                 random_state=None) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def _validate_params(self):
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.copy_X, "copy_X")
        positive = check_bool(self.positive, "positive")
        if self.max_iter is not None:
            check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0, high=np.inf, include_high=False)
        if self.solver not in _RIDGE_SOLVERS:
            raise ValueError(
                f"solver must be one of {_RIDGE_SOLVERS}, got {self.solver!r}."
            )
        if positive and self.solver not in ("auto", "lbfgs"):
            raise ValueError(
                f"solver={self.solver!r} does not support positive fitting: set "
                "solver to 'auto' or 'lbfgs', or positive=False."
            )
        if self.solver == "lbfgs" and not positive:
            raise ValueError(
                "'lbfgs' solver can be used only when positive=True: use "
                "solver='auto' or set positive=True."
            )

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Fit the ridge regression model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; sparse input is never densified. float32 ``X``
            (dense or sparse) is solved in float32 without a float64 copy,
            as in scikit-learn: the fitted attributes are float32, accurate
            to about 1e-7 times the condition number of the system solved
            (1e-16 in float64).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets; several targets share one factorisation.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, used as given (not rescaled); a float is
            one weight for all samples.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X, y, sample_weight):  # statistics by dask
            return fit_dask(self, X, y, sample_weight)
        name = type(self).__name__
        self._validate_params()
        X_raw = X
        X, y, sw, Y, was_1d = _ridge_data(name, X, y, sample_weight)
        alphas = _alphas_per_target(self.alpha, Y.shape[1], name)
        n_iter = None
        wide = X.shape[1] > X.shape[0]
        if self.positive and use_coordinate_descent(X.shape[1], alphas) and not wide:
            # many features, n >= p: active sets on the Gram (steps of
            # |F|^3 / 3 flops) instead of NNLS's per-variable iterations
            prob = RidgeProblem(X, Y, sw, self.fit_intercept, side="primal",
                                finite_checked=False)
            W, n_iter, solver_used = positive_gram(prob, alphas, self.max_iter)
        elif self.positive and use_coordinate_descent(X.shape[1], alphas):
            # p > n: the p x p NNLS would cost O(p^3) time, O(p^2) memory
            if not sp.issparse(X):
                check_finite_X(X)  # the coordinate descent has no Gram diagonal to check
            dtype = np.float32 if X.dtype == np.float32 else np.float64
            W, b, n_iter, solver_used = positive_cd(
                X, Y, sw, self.fit_intercept, alphas, self.max_iter, estimator_name=name)
            W, b = W.astype(dtype, copy=False), b.astype(dtype, copy=False)
            prob = None
        elif self.positive:
            prob = RidgeProblem(X, Y, sw, self.fit_intercept, side="primal",
                                finite_checked=False)
            W = nnls_solve(prob, alphas)
            solver_used = "nnls"
        else:
            prob = RidgeProblem(X, Y, sw, self.fit_intercept, finite_checked=False)
            W, solver_used = solve_ridge(
                prob, alphas, "svd" if self.solver == "svd" else "cholesky")
        if prob is not None:
            b = prob.intercept(W)
        self._record_input(X_raw, X)
        _set_linear_attrs(self, W, b, was_1d, ravel_single=True)
        self.n_iter_ = n_iter
        self.solver_ = solver_used
        return self


# ----------------------------------------------------------------------
# ridge_path
# ----------------------------------------------------------------------

def ridge_path(X: MatrixLike, y: ArrayLike, alphas: ArrayLike, *,
               sample_weight: ArrayLike | None = None,
               fit_intercept: bool = True) -> tuple[FloatArray, ...]:
    """Ridge coefficients for many alphas from one eigendecomposition.

    Solves scikit-learn's Ridge problem
    ``sum_i s_i (y_i - x_i.w - b)^2 + alpha ||w||^2`` for every alpha: the
    weighted, centred Gram ``G = V diag(e) V^T`` (or the kernel, when
    n_features > n_samples) is decomposed once, after which each alpha costs
    O(n_features^2) per target: ``w(alpha) = V diag(1 / (e + alpha)) V^T
    X~^T y~``. ``alpha = 0`` gives the minimum-norm least-squares solution.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        float32 ``X`` gives float32 coefficients and intercepts (solved in
        float32, no float64 copy of ``X``); any other dtype gives float64.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    alphas : array-like of shape (n_alphas,)
        Non-negative regularisation strengths, in any order (kept).
    sample_weight : float or array-like of shape (n_samples,), default=None
        Non-negative weights, used as given (Ridge's convention).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas, as float64, in the order given.
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
        Coefficients along the path (scikit-learn's ``lasso_path`` layout).
    intercepts : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        Intercepts along the path (zeros when ``fit_intercept=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import ridge_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 3))
    >>> y = X @ [1.0, 0.0, -1.0]
    >>> alphas, coefs, intercepts = ridge_path(X, y, [0.0, 1.0, 100.0])
    >>> coefs.shape
    (3, 3)
    >>> np.round(coefs[:, 0], 6)
    array([ 1.,  0., -1.])
    """
    check_bool(fit_intercept, "fit_intercept")
    alphas = check_alpha_grid(alphas)
    X, y = _check_X_y(X, y, estimator="ridge_path",
                      ensure_finite=sp.issparse(X), numeric_strings=("X", "y"))
    sw = _ridge_weights(sample_weight, X.shape[0])
    Y, was_1d = _targets(y)
    prob = RidgeProblem(X, Y, sw, fit_intercept, finite_checked=False)
    W, b = ridge_path_coefs(prob, alphas)          # (A, p, T), (A, T)
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise ValueError(NOT_REPRESENTABLE.format(name="ridge_path"))
    coefs = np.ascontiguousarray(W.transpose(2, 1, 0))   # (T, p, A)
    intercepts = np.ascontiguousarray(b.T)              # (T, A)
    if was_1d:
        return alphas, coefs[0], intercepts[0]
    return alphas, coefs, intercepts


# ----------------------------------------------------------------------
# RidgeCV
# ----------------------------------------------------------------------

class RidgeCV(_MultiOutputTags, LinearModel):
    """Ridge regression with efficient cross-validation of alpha.

    By default (``cv=None``) every alpha is scored by its exact
    leave-one-out error, computed for all alphas from one eigendecomposition
    of the weighted, centred Gram ``X~^T X~`` (n_samples > n_features) or
    kernel ``X~ X~^T`` (otherwise), intercept and sample weights included:
    ``e_i = r_i / (1 - h_ii)`` with ``r`` the residual and ``h_ii`` the
    leverage of the full fit (Golub, Heath & Wahba (1979), "Generalized
    cross-validation as a method for choosing a good ridge parameter",
    Technometrics 21(2)). On the primal side the leverages of every alpha
    come from one extra pass over ``X``; on the dual side the intercept
    direction is deflated exactly, so ``1 - h_ii`` is formed without
    cancellation. With ``cv`` given, K-fold cross-validation reuses one
    Gram: each fold's Gram is the full Gram minus the held-out rows' Gram,
    re-centred exactly, and one eigendecomposition per fold serves every
    alpha.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,) or float, default=(0.1, 1.0, 10.0)
        Regularisation strengths to try; > 0 for leave-one-out, >= 0 with
        ``cv``.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    scoring : str, callable or None, default=None
        None: negative mean squared error (weighted as ``s_i e_i^2``, as in
        scikit-learn) for leave-one-out, R^2 for K-fold. Strings
        'neg_mean_squared_error', 'neg_root_mean_squared_error',
        'neg_mean_absolute_error' and 'r2' are computed here; other names
        are looked up in scikit-learn (imported then); a callable is called
        as ``scorer(estimator, predictions, y[, sample_weight])`` with an
        identity estimator, as scikit-learn does. With leave-one-out, the
        scorer receives the sample weights.
    cv : int, cross-validation splitter, iterable or None, default=None
        None: efficient leave-one-out. An int k: scikit-learn's KFold(k)
        (contiguous folds, no shuffling). A splitter (object with ``split``)
        or an iterable of (train, test) index arrays. K-fold scores are
        weighted by the held-out samples' weights when the scorer accepts
        them, and averaged over folds (scikit-learn's GridSearchCV).
    gcv_mode : {None, 'auto', 'eigen', 'svd'}, default=None
        How leave-one-out decomposes the problem: None/'auto'/'eigen' the
        eigendecomposition of the Gram or kernel, whichever is smaller;
        'svd' the SVD of the centred dense design (more accurate for
        ill-conditioned X at tiny alphas, slower; sparse X uses 'eigen').
    store_cv_results : bool, default=False
        Keep the leave-one-out values in ``cv_results_`` (``cv=None`` only).
    alpha_per_target : bool, default=False
        Choose alpha separately for each target (``cv=None`` only).

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        Selected alpha (one per target with ``alpha_per_target``).
    best_score_ : float or ndarray of shape (n_targets,)
        Score of the selected alpha.
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        With ``store_cv_results``: squared leave-one-out errors
        ``s_i e_i^2`` (``scoring=None``) or leave-one-out predictions.
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    Ridge, ridge_path

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import RidgeCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ [1.0, 2.0, 0.0, 0.0, -1.0] + 0.5 * rng.standard_normal(100)
    >>> model = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X, y)
    >>> round(float(model.alpha_), 3)
    0.316
    """

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, scoring=None,
                 cv=None, gcv_mode=None, store_cv_results=False,
                 alpha_per_target=False) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target

    def get_metadata_routing(self):
        """Get the metadata routing of this estimator (scikit-learn's protocol).

        Needs scikit-learn. The estimator's own requests (``sample_weight``)
        and, with ``cv`` given, ``fit``'s metadata routed to the splitter's
        ``split`` (``groups``), as scikit-learn's ``RidgeCV``.

        Returns
        -------
        routing : sklearn.utils.metadata_routing.MetadataRouter
        """
        return cv_metadata_router(self, self.cv)

    def _validate_params(self):
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.store_cv_results, "store_cv_results")
        check_bool(self.alpha_per_target, "alpha_per_target")
        if self.gcv_mode not in (None, "auto", "eigen", "svd"):
            raise ValueError(
                f"gcv_mode must be None, 'auto', 'eigen' or 'svd', got {self.gcv_mode!r}."
            )
        if self.cv is not None:
            if self.store_cv_results:
                raise ValueError("cv!=None and store_cv_results=True are incompatible")
            if self.alpha_per_target:
                raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        alphas = check_alpha_grid(
            self.alphas, strictly_positive=self.cv is None,
            positive_hint=" (leave-one-out needs alpha > 0; pass cv=... to try alpha = 0)")
        return alphas, resolve_scoring(self.scoring)

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            **params: Any) -> Self:
        """Fit ridge models for all alphas and keep the best.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; sparse input is never densified. float32 ``X``
            (dense or sparse) is solved in float32 without a float64 copy,
            as in scikit-learn: the fitted attributes are float32, accurate
            to about 1e-7 times the condition number of the system solved
            (1e-16 in float64).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, used as given. They weight the fits and
            the scores (leave-one-out errors, or held-out scores with
            ``cv``).
        **params : dict
            Metadata for the splitter of ``cv`` (e.g. ``groups`` for a
            ``GroupKFold``), routed as scikit-learn does: only with
            ``sklearn.set_config(enable_metadata_routing=True)``, and not
            with ``cv=None`` (leave-one-out has no splitter).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X, y, sample_weight):  # statistics by dask
            return fit_dask(self, X, y, sample_weight)
        name = type(self).__name__
        alphas, scoring = self._validate_params()
        split_params = routed_split_params(self, params)
        X_raw = X
        X, y, sw, Y, was_1d = _ridge_data(name, X, y, sample_weight)
        n, p = X.shape
        if self.cv is None:
            W, b = self._fit_loo(X, y, Y, sw, alphas, scoring, was_1d)
        else:
            W, b = self._fit_kfold(X, y, Y, sw, alphas, scoring, split_params)
        self._record_input(X_raw, X)
        _set_linear_attrs(self, W, b, was_1d, ravel_single=True)
        return self

    # leave-one-out ------------------------------------------------------
    def _fit_loo(self, X, y, Y, sw, alphas, scoring, was_1d):
        n, p = X.shape
        if n < 2:
            raise ValueError(
                f"Leave-one-out cross-validation needs at least 2 samples, got "
                f"n_samples = {n} (1 sample); fit Ridge with a chosen alpha instead."
            )
        T = Y.shape[1]
        per_target = bool(self.alpha_per_target)
        side = "primal" if n > p else "dual"
        prob = RidgeProblem(X, Y, sw, self.fit_intercept, side=side,
                            finite_checked=False)
        errors, coef_fn = leave_one_out(prob, alphas, svd=self.gcv_mode == "svd")
        # errors: (n, A, T) on the original scale, in the problem's precision.
        # The scores that choose alpha are summed over samples in float64,
        # so float32 data are not also compared through float32 sums.
        if scoring is None:
            values = errors * errors
            if sw is not None:
                values *= sw[:, None, None]
            if per_target:
                scores = -values.mean(axis=0, dtype=np.float64)        # (A, T)
            else:
                scores = -values.mean(axis=(0, 2), dtype=np.float64)   # (A,)
        else:
            values = Y[:, None, :] - errors                  # predictions (float64 y)
            y_score = y if was_1d else Y
            scores = np.array([
                score_predictions(scoring, values[:, a, :], y_score, sw, per_target)
                for a in range(len(alphas))])
        if per_target and T > 1:
            best = np.argmax(scores, axis=0)                 # first best, per target
            alpha_best = alphas[best]
            self.alpha_ = alpha_best
            self.best_score_ = scores[best, np.arange(T)]
            W = np.empty((p, T), prob.dtype)
            for a in np.unique(best):
                cols = np.flatnonzero(best == a)
                W[:, cols] = coef_fn(a)[:, cols]
        else:
            flat = scores if scores.ndim == 1 else scores[:, 0]
            a = int(np.argmax(flat))
            self.alpha_ = float(alphas[a])
            if per_target:
                self.best_score_ = scores[a] if not was_1d else np.float64(scores[a][0])
            else:
                self.best_score_ = np.float64(scores[a])
            W = coef_fn(a)
        if self.store_cv_results:
            vals = values.transpose(0, 2, 1).astype(errors.dtype, copy=False)  # (n, T, A)
            self.cv_results_ = np.ascontiguousarray(vals[:, 0, :] if was_1d else vals)
        elif hasattr(self, "cv_results_"):
            del self.cv_results_
        return W, prob.intercept(W)

    # K-fold -------------------------------------------------------------
    def _fit_kfold(self, X, y, Y, sw, alphas, scoring, split_params):
        n, p = X.shape
        splits = check_cv_folds(self.cv, X, y, n, split_params)
        prob = RidgeProblem(X, Y, sw, self.fit_intercept, finite_checked=False)
        predict = held_out_predictor(prob)
        score_with = "r2" if scoring is None else scoring
        weighted_scores = accepts_sample_weight(score_with)
        fold_scores = np.empty((len(splits), len(alphas)))
        for f, (train, test) in enumerate(splits):
            if len(test) == 0 or len(train) == 0:
                raise ValueError("Every cross-validation fold needs training and test samples.")
            pred = predict(train, test, alphas)
            y_test = y[test]
            sw_test = sw[test] if (sw is not None and weighted_scores) else None
            for a in range(len(alphas)):
                fold_scores[f, a] = score_predictions(
                    score_with, pred[:, a, :], y_test, sw_test, per_target=False)
        mean_scores = fold_scores.mean(axis=0)
        a = int(np.argmax(mean_scores))
        # numpy floats, as scikit-learn's K-fold path (its leave-one-out
        # alpha_ is a Python float, as above)
        self.alpha_ = np.float64(alphas[a])
        self.best_score_ = np.float64(mean_scores[a])
        # alpha_ = 0 may be singular (p > n): its limit, the minimum-norm
        # least-squares fit, is what cross-validation scored; no warning
        W, _ = solve_ridge(prob, np.full(prob.T, self.alpha_), warn=False)
        return W, prob.intercept(W)


# ----------------------------------------------------------------------
# LinearRegression
# ----------------------------------------------------------------------

@with_partial_fit
class LinearRegression(_MultiOutputTags, LinearModel):
    """Ordinary least squares, with the minimum-norm solution when p > n.

    Minimises ``sum_i s_i (y_i - x_i.w - b)^2``. A well-conditioned dense
    problem is solved through the smaller of the weighted, centred Gram
    ``X~^T X~`` and kernel ``X~ X~^T`` (syrk + Cholesky, with the singular
    values from their eigenvalues); an ill-conditioned or rank-deficient one
    by LAPACK's SVD-based ``gelsd`` on a centred copy, which truncates
    singular values below ``tol`` times the largest, as scikit-learn does.
    When n_features > n_samples the minimum-norm interpolating solution
    ``w = X~^T (X~ X~^T)^+ y~`` is returned. Sparse ``X`` is centred
    implicitly and never densified (normal equations with an eigenvalue
    cut-off).

    Parameters
    ----------
    fit_intercept : bool, default=True
        Fit an intercept (by implicit centring).
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified either way.
    tol : float, default=1e-6
        Relative cut-off on singular values: those below ``tol`` times the
        largest count as zero (``rank_``); scikit-learn's ``cond``.
    n_jobs : int or None, default=None
        Accepted for compatibility; unused.
    positive : bool, default=False
        Constrain the coefficients to be >= 0 (non-negative least squares).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        1-D exactly when ``y`` is 1-D.
    intercept_ : float or ndarray of shape (n_targets,)
    rank_ : int
        Rank of the centred, weighted design (dense ``X`` only).
    singular_ : ndarray of shape (min(n_samples, n_features),)
        Its singular values, descending (dense ``X`` only). On the Gram route
        they are square roots of the Gram's eigenvalues, accurate to ~1e-8
        relative for the smallest.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import LinearRegression
    >>> X = np.array([[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 3.0]])
    >>> y = X @ [1.0, 2.0] + 3.0
    >>> model = LinearRegression().fit(X, y)
    >>> np.round(model.coef_, 6), round(float(model.intercept_), 6)
    (array([1., 2.]), 3.0)
    """

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None,
                 positive=False) -> None:
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Fit the least-squares model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 ``X`` (dense or sparse) is solved in
            float32 without a float64 copy, as in scikit-learn: the fitted
            attributes are float32, accurate to about 1e-7 times the
            condition number of the system solved (1e-16 in float64).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X, y, sample_weight):  # statistics by dask
            return fit_dask(self, X, y, sample_weight)
        name = type(self).__name__
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.copy_X, "copy_X")
        positive = check_bool(self.positive, "positive")
        check_scalar(self.tol, "tol", low=0.0, high=np.inf, include_high=False)
        X_raw = X
        X, y, sw, Y, was_1d = _ridge_data(name, X, y, sample_weight, numeric_strings=("y",))
        n, p = X.shape
        for attr in ("rank_", "singular_"):
            if hasattr(self, attr):
                delattr(self, attr)
        if positive:
            prob = RidgeProblem(X, Y, sw, self.fit_intercept, side="primal",
                                finite_checked=False)
            W = nnls_solve(prob, np.zeros(Y.shape[1]))
        elif sp.issparse(X):
            prob = RidgeProblem(X, Y, sw, self.fit_intercept, finite_checked=False)
            W = ols_eigen(prob, float(self.tol))
            if not self.fit_intercept:
                # scikit-learn solves this case by lsqr, which returns
                # float64 even for float32 X: its dtype is mirrored (the
                # solve itself stays in float32, X is not copied)
                W = W.astype(np.float64)
        else:
            prob = RidgeProblem(X, Y, sw, self.fit_intercept, finite_checked=False)
            W, self.rank_, self.singular_ = ols_dense(prob, float(self.tol))
        b = prob.intercept(W)
        self._record_input(X_raw, X)
        _set_linear_attrs(self, W, b, was_1d, ravel_single=False)
        return self
