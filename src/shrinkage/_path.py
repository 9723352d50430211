"""Regularization paths of the elastic net: ``enet_path`` and ``lasso_path``.

The public functions validate their input and hand the path to the
elastic-net engine (:mod:`shrinkage._enet.path`: warm starts, sequential
strong rules with KKT checks, gap-safe screening, Gram reuse).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import scipy.sparse as sp

from ._typing import ArrayLike, FloatArray, MatrixLike
from ._enet import (
    alpha_grids,
    box_design,
    check_bounds,
    common_scale,
    make_design,
    seed_from,
    solve_box_path,
    solve_paths,
)
from ._dtypes import as_fit_dtype, fit_dtype
from ._exceptions import warn_not_converged
from ._validation import (
    check_alpha_grid,
    check_max_iter,
    check_penalty_factor,
    check_gram,
    check_precompute,
    check_sample_weight,
    check_scalar,
    check_selection,
    check_X_y,
)

__all__ = ["enet_path", "lasso_path"]


def _resolve_alphas(alphas, n_alphas, func_name):
    """scikit-learn 1.9's ``alphas`` (int or array) / deprecated ``n_alphas``:
    ``(count, None)`` or ``(None, grid sorted decreasingly)``."""
    if n_alphas is not None and not (isinstance(n_alphas, str) and n_alphas == "deprecated"):
        warnings.warn(
            f"{func_name}: 'n_alphas' is deprecated (as in scikit-learn 1.9); "
            "pass an integer to 'alphas' instead.",
            FutureWarning,
            stacklevel=3,
        )
        if alphas is None or (isinstance(alphas, str) and alphas == "warn"):
            alphas = n_alphas
    if alphas is None or (isinstance(alphas, str) and alphas == "warn"):
        alphas = 100
    grid = check_alpha_grid(alphas, allow_count=True, ravel=True)
    if isinstance(grid, int):
        return grid, None
    return None, np.sort(grid)[::-1]


# --------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------

def enet_path(X: MatrixLike, y: ArrayLike, *, l1_ratio=0.5, eps=1e-3, n_alphas="deprecated",
              alphas=None, precompute="auto", Xy=None, copy_X=True,
              coef_init=None, verbose=False, return_n_iter=False,
              positive=False, check_input=True, fit_intercept=False,
              sample_weight=None, penalty_factor=None, tol=1e-4,
              max_iter=1000, selection="cyclic", random_state=None,
              strong_rules=True, lower_bounds=None,
              upper_bounds=None) -> tuple[FloatArray, ...]:
    """Compute the elastic-net path with coordinate descent.

    Solves, for each alpha of a decreasing grid, the objective of
    :class:`shrinkage.ElasticNet`::

        1 / (2 * n_samples) * sum_i s_i (y_i - x_i.w - b)^2
        + alpha * l1_ratio * sum_j f_j |w_j|
        + 0.5 * alpha * (1 - l1_ratio) * sum_j f_j w_j^2

    warm-starting each solve at the previous solution, with sequential
    strong rules checked by KKT conditions (Tibshirani et al. 2012) and
    gap-safe screening. Signature and return values are those of
    :func:`sklearn.linear_model.enet_path`.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data. Sparse ``X`` (CSC; CSR and COO are converted once) is
        used through its nonzeros with naive updates and implicit centring:
        it is never densified. float32 ``X`` gives float32 coefficients
        (``alphas`` and ``dual_gaps`` stay float64, as in scikit-learn). It
        is read in float32 (no float64 copy) with float64 residuals, Gram
        and gaps, so ``tol`` means what it means for float64 input.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Targets. A 2-D ``y`` gives scikit-learn's multi-task path (the
        objective of :class:`shrinkage.MultiTaskElasticNet`, one l2,1
        penalty shared by the tasks; ``precompute``, ``Xy`` and
        ``strong_rules`` are then not used). Independent per-target fits
        are :class:`shrinkage.ElasticNet`'s ``fit(X, Y)``.
    l1_ratio : float, default=0.5
        Mix in (0, 1]: 1 is the Lasso.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the automatic grid.
    n_alphas : int, default="deprecated"
        Deprecated in scikit-learn 1.9: pass an integer to ``alphas``.
    alphas : int or array-like, default=None
        Number of alphas of the automatic grid (``None`` means 100, the
        default of scikit-learn 1.9 to 1.11), or the alphas themselves
        (sorted decreasingly).
    precompute : 'auto', bool or array-like of shape (n_features, n_features), default='auto'
        Covariance (Gram) updates. 'auto' uses them when ``n_samples >=
        n_features`` and the Gram is repaid by the path
        (``n_features <= 40 * n_alphas * n_targets``). An array is the Gram
        ``X^T diag(s) X`` of the (centred, when ``fit_intercept``) data;
        with ``check_input`` two of its columns are checked against ``X``
        (a mismatch raises scikit-learn's "did not pass validation"
        ValueError), and with ``fit_intercept`` and uncentred ``X`` it is
        recomputed after a UserWarning, as in scikit-learn's estimators.
        The Gram columns are computed once and reused along the path.
        Sparse ``X`` follows the same rule (its centred Gram is computed
        from the sparse matrix, with implicit centring); an array is
        refused for it.
    Xy : array-like of shape (n_features,) or (n_features, n_targets), default=None
        ``X^T diag(s) y`` (centred when ``fit_intercept``), used for the
        alpha grid.
    copy_X : bool, default=True
        Accepted for compatibility: ``X`` is never modified.
    coef_init : array-like of shape (n_features,) or (n_targets, n_features), default=None
        Starting point of the first solve.
    verbose : bool or int, default=False
        Truthy: one line per alpha on stderr when its solution is final
        (alpha, nonzero coefficients, duality gap, coordinate passes).
    return_n_iter : bool, default=False
        Also return the number of coordinate passes per alpha.
    positive : bool, default=False
        Constrain coefficients to be >= 0.
    check_input : bool, default=True
        Validate ``X`` and ``y``. With False they must be float64 arrays.
    fit_intercept : bool, default=False
        Fit an unpenalised intercept by implicit centring. The default
        mirrors scikit-learn's path functions, which solve the problem
        without intercept (the data are assumed centred).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, rescaled to sum to ``n_samples``.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers ``f_j >= 0`` (0: unpenalised).
    tol : float, default=1e-4
        Each alpha stops when its duality gap is below
        ``tol * ||y - ybar||^2_s / n_samples``.
    max_iter : int, default=1000
        Maximal number of coordinate passes per alpha.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    random_state : int, RandomState, Generator or None, default=None
        Seed for ``selection='random'``.
    strong_rules : bool, default=True
        Use sequential strong rules with a KKT check. False solves every
        alpha over all features (same result, for testing).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), default=None
        Box constraints ``lower_j <= w_j <= upper_j`` (not in scikit-learn;
        glmnet's ``lower.limits`` / ``upper.limits``), as in
        :class:`shrinkage.ElasticNet`: scalars or one value per feature,
        ``-inf`` / ``inf`` allowed, ``lower <= 0 <= upper`` required. With a
        finite bound every alpha is solved by the dedicated box-constrained
        solver (float64, warm-started along the path; covariance updates
        from one Gram shared by every alpha where ``precompute`` would give
        them to the unbounded path, a tall design by default, else naive
        updates; a given Gram counts as ``True`` and is not read;
        ``strong_rules`` is not used; a 2-D ``y`` is refused). The
        automatic grid's ``alpha_max`` is that of ``positive=True`` when
        every lower bound is 0, else the unbounded one (then the first
        alphas may give all-zero coefficients).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path, decreasing.
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
        Coefficients along the path (for one target in Fortran order: each
        alpha's coefficients contiguous, as the solver writes them).
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gap at the end of each solve.
    n_iters : list of int
        Coordinate passes per alpha; returned when ``return_n_iter`` is True.

    Notes
    -----
    The intercepts of a path with ``fit_intercept=True`` are
    ``y_mean - x_mean @ coefs`` (weighted means).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import enet_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> y = X @ [1.0, 0.0, -2.0, 0.0]
    >>> alphas, coefs, gaps = enet_path(X, y, l1_ratio=0.8, alphas=5)
    >>> coefs.shape
    (4, 5)
    """
    return _path(X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=n_alphas,
                 alphas=alphas, precompute=precompute, Xy=Xy,
                 coef_init=coef_init, return_n_iter=return_n_iter,
                 positive=positive, check_input=check_input,
                 fit_intercept=fit_intercept, sample_weight=sample_weight,
                 penalty_factor=penalty_factor, tol=tol, max_iter=max_iter,
                 selection=selection, random_state=random_state,
                 strong_rules=strong_rules, verbose=verbose, func_name="enet_path",
                 lower_bounds=lower_bounds, upper_bounds=upper_bounds)


def lasso_path(X: MatrixLike, y: ArrayLike, *, eps=1e-3, n_alphas="deprecated", alphas=None,
               precompute="auto", Xy=None, copy_X=True, coef_init=None,
               verbose=False, return_n_iter=False, positive=False,
               check_input=True, fit_intercept=False, sample_weight=None,
               penalty_factor=None, tol=1e-4, max_iter=1000,
               selection="cyclic", random_state=None, strong_rules=True,
               lower_bounds=None, upper_bounds=None) -> tuple[FloatArray, ...]:
    """Compute the Lasso path with coordinate descent.

    :func:`enet_path` with ``l1_ratio=1``: the objective
    ``1 / (2 * n_samples) * sum_i s_i (y_i - x_i.w - b)^2 + alpha * sum_j
    f_j |w_j|`` on a decreasing grid of alphas, with warm starts,
    sequential strong rules and KKT checks. Signature and return values are
    those of :func:`sklearn.linear_model.lasso_path`; see :func:`enet_path`
    for the parameters.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
    n_iters : list of int
        Returned when ``return_n_iter`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import lasso_path
    >>> X = np.array([[1.0, 2.0, 3.1], [2.3, 5.4, 4.3]]).T
    >>> y = np.array([1.0, 2.0, 3.1])
    >>> alphas, coefs, _ = lasso_path(X, y, alphas=[5.0, 1.0, 0.5])
    >>> coefs.round(3)
    array([[0.   , 0.   , 0.469],
           [0.216, 0.443, 0.237]])
    """
    return _path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas,
                 alphas=alphas, precompute=precompute, Xy=Xy,
                 coef_init=coef_init, return_n_iter=return_n_iter,
                 positive=positive, check_input=check_input,
                 fit_intercept=fit_intercept, sample_weight=sample_weight,
                 penalty_factor=penalty_factor, tol=tol, max_iter=max_iter,
                 selection=selection, random_state=random_state,
                 strong_rules=strong_rules, verbose=verbose, func_name="lasso_path",
                 lower_bounds=lower_bounds, upper_bounds=upper_bounds)


def _path(X, y, *, l1_ratio, eps, n_alphas, alphas, precompute, Xy,
          coef_init, return_n_iter, positive, check_input, fit_intercept,
          sample_weight, penalty_factor, tol, max_iter, selection,
          random_state, strong_rules, verbose, func_name, lower_bounds=None,
          upper_bounds=None):
    dtype = fit_dtype(X)  # scikit-learn's rule for the coefficients
    if check_input:
        X, y = check_X_y(X, y, estimator=func_name, accept_sparse=("csc",),
                         numeric_strings=("X", "y"), keep_float32=True)
    else:
        X = X.tocsc() if sp.issparse(X) else np.asarray(X, dtype=dtype)
        y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    if not (0.0 <= l1_ratio <= 1.0):
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}.")
    check_selection(selection)
    check_scalar(tol, "tol", low=0.0)
    max_iter = check_max_iter(max_iter)
    multi_output = y.ndim > 1
    Y = y.reshape(n, -1)
    n_targets = Y.shape[1]
    if multi_output and positive:
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    sw = check_sample_weight(sample_weight, n)
    pf = check_penalty_factor(penalty_factor, p)
    n_grid, grid = _resolve_alphas(alphas, n_alphas, func_name)
    bounds = check_bounds(lower_bounds, upper_bounds, p, positive=bool(positive))
    if bounds is not None:
        if multi_output:
            raise ValueError(
                f"{func_name}: lower_bounds / upper_bounds are not supported for a 2-D y "
                "(the multi-task path); fit the targets one by one, or use "
                "ElasticNet(lower_bounds=..., upper_bounds=...).fit(X, Y).")
        precompute = check_precompute(precompute, p, sparse=sp.issparse(X))
        return _box_path(X, Y, sw, pf, bounds, precompute, l1_ratio=l1_ratio, eps=eps,
                         n_grid=n_grid, grid=grid, Xy=Xy, coef_init=coef_init,
                         return_n_iter=return_n_iter, fit_intercept=fit_intercept,
                         tol=tol, max_iter=max_iter, selection=selection,
                         random_state=random_state, verbose=verbose,
                         func_name=func_name, dtype=dtype)
    if multi_output:  # scikit-learn's multi-task problem (the l2,1 penalty)
        from ._multitask import multitask_path_function
        if X.dtype == np.float32:  # the multi-task solver reads float64 X
            X = X.astype(np.float64)
        return _coefs_as(dtype, multitask_path_function(
            X, y, sw, penalty_factor, l1_ratio=float(l1_ratio), eps=eps, n_grid=n_grid,
            grid=grid, coef_init=coef_init, fit_intercept=fit_intercept, tol=float(tol),
            max_iter=max_iter, random=selection == "random", random_state=random_state,
            return_n_iter=return_n_iter, func_name=func_name))
    n_solves = (n_grid if grid is None else grid.size) * n_targets
    precompute = check_precompute(precompute, p, sparse=sp.issparse(X))
    if check_input and not isinstance(precompute, (str, bool)):
        precompute = check_gram(X, sw, precompute, fit_intercept)
        if isinstance(precompute, str):
            Xy = None  # of the uncentred X too, as scikit-learn drops it
    design = make_design(X, sw, fit_intercept, precompute, n_solves)
    _, Yc = design.center_targets(Y)
    Xy = _check_Xy(Xy, p, n_targets)
    # Extreme scales: solve for X / c and y / c (exact, c a power of two),
    # the same coefficients at alpha / c^2; the gaps are c^2 times theirs.
    c = common_scale(design, Yc, func_name)
    if c != 1.0:
        X = X / c  # dense or CSC
        design = make_design(X, sw, fit_intercept, precompute, n_solves)
        Yc = Yc / c
        if Xy is not None:
            Xy = Xy / c / c

    grid, kernel_grid = _grids(design, Yc, grid, n_grid, c, l1_ratio=l1_ratio, eps=eps,
                               pf=pf, positive=positive, Xy=Xy)
    random = selection == "random"
    seed = seed_from(random_state) if random else 1
    W0 = _initial_coefs(coef_init, n_targets, p)
    per_target, gaps, iters, n_failed = solve_paths(
        design, Yc, kernel_grid, W0, l1_ratio=float(l1_ratio), pf=pf,
        positive=bool(positive), tol=float(tol), max_iter=max_iter,
        random=random, seed=seed, strong_rules=strong_rules, coef_dtype=dtype,
        progress=_path_progress(func_name, grid, n_targets, c) if verbose else None)
    warn_not_converged(func_name, n_failed, grid.size * n_targets, max_iter, stacklevel=3)
    if c != 1.0:
        gaps = gaps * c * c
    # one target's (n_features, n_alphas) array as the solver wrote it
    # (Fortran order), without a copy
    coefs = as_fit_dtype(np.stack(per_target) if multi_output else per_target[0], dtype)
    if return_n_iter:
        return grid, coefs, gaps, [int(i) for i in iters]
    return grid, coefs, gaps


def _grids(design, Yc, grid, n_grid, c, *, l1_ratio, eps, pf, positive, Xy):
    """The user's alpha grid and the kernels' (for X / c, y / c): the given
    one, or the automatic grid down from lambda_max."""
    if grid is not None:
        return grid, grid / c / c
    if l1_ratio == 0:
        raise ValueError(
            "Automatic alpha grid generation is not supported for l1_ratio=0. "
            "Please supply a grid by providing the 'alphas' argument.")
    kernel_grid = alpha_grids(design, Yc, [l1_ratio], eps=eps, n_alphas=n_grid,
                              pf=pf, positive=positive, correlations=Xy)[0]
    return kernel_grid * c * c, kernel_grid


def _initial_coefs(coef_init, n_targets, p):
    """``coef_init`` as (n_targets, p) float64, or None."""
    if coef_init is None:
        return None
    W0 = np.asarray(coef_init, dtype=np.float64)
    if W0.size != n_targets * p or W0.ndim > 2:
        raise ValueError(
            f"coef_init must have shape ({p},) or ({n_targets}, {p}), got "
            f"shape {W0.shape}.")
    return W0.reshape(n_targets, p)


def _box_path(X, Y, sw, pf, bounds, precompute, *, l1_ratio, eps, n_grid, grid, Xy, coef_init,
              return_n_iter, fit_intercept, tol, max_iter, selection, random_state,
              verbose, func_name, dtype):
    """The path of one target under box constraints (the dedicated solver,
    :func:`shrinkage._enet.solve_box_path`; covariance updates when the
    unbounded path would take them, :func:`shrinkage._enet.box_design`)."""
    n, p = X.shape
    design = box_design(X, sw, fit_intercept, precompute,
                        n_solves=n_grid if grid is None else grid.size)
    _, Yc = design.center_targets(Y)
    grid, _ = _grids(design, Yc, grid, n_grid, 1.0, l1_ratio=l1_ratio, eps=eps, pf=pf,
                     positive=bool(np.all(bounds[0] >= 0.0)), Xy=_check_Xy(Xy, p, 1))
    random = selection == "random"
    seed = seed_from(random_state) if random else 1
    w0 = _initial_coefs(coef_init, 1, p)
    coefs, gaps, iters, n_failed = solve_box_path(
        design, np.ascontiguousarray(Yc[:, 0]), grid, l1_ratio=float(l1_ratio),
        penalty_factor=pf, bounds=bounds, tol=float(tol), max_iter=max_iter,
        random=random, seed=seed, coef_init=None if w0 is None else w0[0],
        progress=_path_progress(func_name, grid, 1, 1.0)(0) if verbose else None)
    warn_not_converged(func_name, n_failed, grid.size, max_iter, stacklevel=4)
    coefs = as_fit_dtype(coefs, dtype)
    if return_n_iter:
        return grid, coefs, gaps, [int(i) for i in iters]
    return grid, coefs, gaps


def _path_progress(func_name, grid, n_targets, scale):
    """``progress(k)`` for :func:`solve_paths`: per-alpha lines on stderr
    (gaps in the data's units: ``scale**2`` times the kernel's)."""
    def for_target(k):
        target = f" target {k + 1}/{n_targets}," if n_targets > 1 else ""

        def report(i, coef, gap, n_iter):
            print(f"{func_name}:{target} alpha {i + 1}/{grid.size} = {grid[i]:.4g}: "
                  f"{np.count_nonzero(coef)} nonzero, duality gap "
                  f"{gap * scale * scale:.3g}, {n_iter} passes",
                  file=sys.stderr, flush=True)
        return report
    return for_target


def _coefs_as(dtype, result):
    """A path function's result with its coefficients (second) in
    ``dtype``: scikit-learn's rule, the grid and gaps stay float64."""
    return (result[0], as_fit_dtype(result[1], dtype)) + tuple(result[2:])


def _check_Xy(Xy, n_features, n_targets):
    """``Xy`` (X^T S y, centred) as (p, n_targets), or None."""
    if Xy is None:
        return None
    c0 = np.asarray(Xy, dtype=np.float64)
    if c0.shape not in ((n_features,), (n_features, n_targets)):
        raise ValueError(
            f"Xy must have shape ({n_features},) or ({n_features}, {n_targets}) "
            f"(X.T @ y), got shape {c0.shape}.")
    return c0.reshape(n_features, -1)
