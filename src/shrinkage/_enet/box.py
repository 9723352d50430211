"""Box constraints ``lower_j <= w_j <= upper_j`` on the elastic net: the policy.

glmnet's ``lower.limits`` / ``upper.limits``, a generalisation of
``positive``. Validates and broadcasts the bounds (:func:`check_bounds`),
turns alpha into the kernels' n-scaled penalties and ``tol`` into an
absolute gap tolerance exactly as :mod:`.solve` does, and runs the
dedicated kernel :mod:`._box` (clipped coordinate updates, residual updates,
the duality gap of the constrained problem) for single fits
(:func:`solve_box`) and along a path (:func:`solve_box_path`).

Bounds use naive (residual) updates on float64 data, whatever
``precompute`` says (a float32 ``X`` is solved as a float64 copy); the
unbounded solvers are not involved, so fits without finite bounds are
exactly what they were.
"""

import math
import warnings

import numpy as np
import scipy.sparse as sp

from . import _box
from .design import make_design
from .solve import EnetSolution, _not_converged_message, kernel_penalties, seed_from
from .._exceptions import convergence_warning

__all__ = ["check_bounds", "box_design", "solve_box", "solve_box_path"]


def _bound_array(value, name, n_features, default):
    if value is None:
        return np.full(n_features, default)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a float or an array of floats, got {value!r}.") from exc
    if arr.ndim == 0:
        arr = np.full(n_features, float(arr))
    if arr.shape != (n_features,):
        raise ValueError(
            f"{name} must be a scalar or have one entry per feature ({n_features}), "
            f"got shape {arr.shape}.")
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN.")
    return np.array(arr, dtype=np.float64, copy=True)


def check_bounds(lower_bounds, upper_bounds, n_features, positive=False):
    """The bounds as float64 arrays ``(lower, upper)`` of shape (n_features,),
    or None when no bound is finite (then the unbounded solvers run, with
    their own ``positive``).

    Each bound is None, a scalar or an array of shape (n_features,); -inf
    and inf are allowed. As in glmnet, ``lower <= 0 <= upper`` is required
    (w = 0 is feasible). With ``positive=True`` and finite bounds, the
    lower bounds become ``max(lower, 0)``. The caller's arrays are not
    modified (copies are returned)."""
    lower = _bound_array(lower_bounds, "lower_bounds", n_features, -np.inf)
    upper = _bound_array(upper_bounds, "upper_bounds", n_features, np.inf)
    if np.any(lower > 0):
        raise ValueError(
            "lower_bounds must be <= 0 (as glmnet's lower.limits: w = 0 must be "
            f"feasible), got max {lower.max()!r}.")
    if np.any(upper < 0):
        raise ValueError(
            "upper_bounds must be >= 0 (as glmnet's upper.limits: w = 0 must be "
            f"feasible), got min {upper.min()!r}.")
    if np.all(lower == -np.inf) and np.all(upper == np.inf):
        return None
    if positive:
        lower = np.maximum(lower, 0.0)
    return lower, upper


def box_design(X, sample_weight, fit_intercept):
    """The naive-update float64 design the box kernel reads (dense
    column-major or CSC); a float32 ``X`` is converted to float64 here."""
    if sp.issparse(X):
        if X.dtype != np.float64:
            X = X.astype(np.float64)
    elif X.dtype != np.float64:
        X = np.asarray(X, dtype=np.float64, order="F")
    design = make_design(X, sample_weight, fit_intercept, False)
    design.ensure_stats()
    return design


def _solve_one(design, yc, pf, lower, upper, w, residual, l1, l2, tol_abs,
               max_iter, random, seed):
    """One kernel solve for the centred target ``yc`` (in place on ``w``)."""
    if sp.issparse(design.X):
        return _box.enet_box_csc(
            design.data, design.indices, design.indptr, design.n_samples, yc,
            design.sw, design.x_mean, design.sq_norms, pf, lower, upper, w,
            residual, l1, l2, tol_abs, max_iter, random, seed)
    return _box.enet_box(
        design.X, yc, design.sw, design.x_mean, design.sq_norms, pf, lower,
        upper, w, residual, l1, l2, tol_abs, max_iter, random, seed)


def _intercepts(design, y_mean, coef):
    if not design.fit_intercept:
        return np.zeros(coef.shape[0])
    return np.array([y_mean[k] - (coef[k:k + 1] @ design.x_mean)[0]
                     for k in range(coef.shape[0])])


def solve_box(design, Y, *, alpha, l1_ratio, penalty_factor, bounds, tol,
              max_iter, selection, random_state, coef_init=None,
              estimator_name="ElasticNet"):
    """Fit the box-constrained elastic net for each column of ``Y`` on a
    :func:`box_design`; ``bounds`` is :func:`check_bounds`' pair. A warm
    start ``coef_init`` (n_targets, p) is projected onto the box. Emits a
    ConvergenceWarning per target whose gap did not reach ``tol``."""
    lower, upper = bounds
    n, p = design.n_samples, design.n_features
    n_targets = Y.shape[1]
    l1, l2, pf = kernel_penalties(alpha, l1_ratio, penalty_factor, n, p)
    y_mean, Yc = design.center_targets(Y)
    random = selection == "random"
    seed = seed_from(random_state) if random else 1
    coef = np.zeros((n_targets, p))
    if coef_init is not None:
        coef[:] = np.clip(coef_init, lower, upper)
    gaps = np.empty(n_targets)
    n_iters = np.zeros(n_targets, dtype=np.intp)
    residual = np.empty(n)
    messages = []
    for k in range(n_targets):
        yc = np.ascontiguousarray(Yc[:, k])
        yy = design.weighted_sq_norm(yc)
        gap, it = _solve_one(design, yc, pf, lower, upper, coef[k], residual,
                             l1, l2, tol * yy, max_iter, random, seed)
        gaps[k] = gap / n
        n_iters[k] = it
        if not gap <= tol * yy:  # NaN never certifies
            messages.append(_not_converged_message(
                estimator_name, max_iter, gap, tol * yy, yy, alpha, n, k, n_targets))
    if not (np.all(np.isfinite(coef))):
        raise ValueError(
            f"{estimator_name}: the coefficients overflow float64: rescale X or y first.")
    for message in messages:
        warnings.warn(message, convergence_warning(), stacklevel=3)
    return EnetSolution(coef=coef, intercept=_intercepts(design, y_mean, coef),
                        dual_gap=gaps, n_iter=n_iters, method="box",
                        warnings=messages)


def solve_box_path(design, yc, alphas, *, l1_ratio, penalty_factor, bounds, tol,
                   max_iter, random, seed, coef_init=None, progress=None):
    """The box-constrained path for one centred target ``yc``: each alpha
    (decreasing) warm-started at the previous solution (the first at
    ``coef_init`` projected onto the box). Returns ``coefs`` (p, n_alphas,
    Fortran order), ``gaps`` (n_alphas,) in the 1/(2n)-scaled objective,
    the passes per alpha and the number of solves that did not converge."""
    lower, upper = bounds
    n, p = design.n_samples, design.n_features
    alphas = np.asarray(alphas, dtype=np.float64)
    l1s, l2s, pf = kernel_penalties(alphas, l1_ratio, penalty_factor, n, p)
    yy = design.weighted_sq_norm(yc)
    tol_abs = tol * yy
    w = np.zeros(p)
    if coef_init is not None:
        w[:] = np.clip(coef_init, lower, upper)
    residual = np.empty(n)
    coefs = np.empty((p, alphas.size), order="F")
    gaps = np.empty(alphas.size)
    n_iters = np.zeros(alphas.size, dtype=np.intp)
    n_failed = 0
    for i in range(alphas.size):
        gap, it = _solve_one(design, yc, pf, lower, upper, w, residual,
                             float(l1s[i]), float(l2s[i]), tol_abs, max_iter,
                             random, seed)
        coefs[:, i] = w
        gaps[i] = gap / n
        n_iters[i] = it
        if not gap <= tol_abs:
            n_failed += 1
        if progress is not None:
            progress(i, coefs[:, i], gaps[i], it)
    if not math.isfinite(float(coefs.sum())):
        raise ValueError("the coefficients overflow float64: rescale X or y first.")
    return coefs, gaps, n_iters, n_failed
