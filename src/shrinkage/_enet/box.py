"""Box constraints ``lower_j <= w_j <= upper_j`` on the elastic net: the policy.

glmnet's ``lower.limits`` / ``upper.limits``, a generalisation of
``positive``. Validates and broadcasts the bounds (:func:`check_bounds`),
turns alpha into the kernels' n-scaled penalties and ``tol`` into an
absolute gap tolerance exactly as :mod:`.solve` does, and runs the
dedicated kernel :mod:`._box` (clipped coordinate updates, residual updates,
the duality gap of the constrained problem) for single fits
(:func:`solve_box`) and along a path (:func:`solve_box_path`).

Bounds are solved on float64 data (a float32 ``X`` is solved as a float64
copy) with naive (residual) updates, or with covariance (Gram) updates
(``enet_box_gram`` in :mod:`._box`) when :func:`shrinkage._enet.solve.choose_method` picks
them for the unbounded fit of the same shape and ``precompute`` (tall
designs solved often enough: a path, several targets, a few features;
``precompute=True`` always, ``False`` never). A Gram matrix given as
``precompute`` counts as True: the box solver builds its own centred Gram
from ``X`` and does not read the given one. Sparse ``X`` whose centred Gram
would lose digits keeps naive updates (:class:`.design.SparseGramDesign`).
The unbounded solvers are not involved, so fits without finite bounds are
exactly what they were.
"""

import math
import warnings

import numpy as np
import scipy.sparse as sp

from . import _box
from .cv import held_out_mse
from .design import SparseGramDesign, make_design
from .solve import (
    EnetSolution,
    _design_scale,
    _not_converged_message,
    _target_scale,
    choose_method,
    fold_precompute,
    kernel_penalties,
    seed_from,
)
from .._exceptions import convergence_warning

__all__ = ["check_bounds", "box_design", "box_fold_mse_path", "box_mode", "solve_box",
           "solve_box_path"]


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
    if lower_bounds is None and upper_bounds is None:
        return None  # the common case, without building two arrays of infinities
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


def box_design(X, sample_weight, fit_intercept, precompute=False, n_solves=1):
    """The float64 design the box kernels read; a float32 ``X`` is
    converted to float64 here.

    ``precompute`` ('auto', a bool, or a Gram matrix, which counts as True
    and is not read) and ``n_solves`` (solves sharing the design: targets,
    path alphas) choose covariance updates by the unbounded fits' rule
    (:func:`choose_method`): then a dense design with its full centred Gram,
    or a :class:`SparseGramDesign` (declined, hence naive, when its
    centring would cost digits); else the naive design (dense
    column-major or CSC)."""
    if sp.issparse(X):
        if X.dtype != np.float64:
            X = X.astype(np.float64)
    elif X.dtype != np.float64:
        X = np.asarray(X, dtype=np.float64, order="F")
    n, p = X.shape
    if not isinstance(precompute, str) and not isinstance(precompute, (bool, np.bool_)):
        precompute = True  # a given Gram: the box solver builds its own
    if n > 0 and p > 0 and choose_method(n, p, precompute, n_solves) == "gram":
        if sp.issparse(X):
            design = SparseGramDesign.maybe(X, sample_weight, fit_intercept)
            if design is not None:
                return design
        else:
            design = make_design(X, sample_weight, fit_intercept, True)
            _box_gram_of(design)
            return design
    design = make_design(X, sample_weight, fit_intercept, False)
    design.ensure_stats()
    return design


def _box_gram_of(design):
    """The full centred Gram (p, p) of a covariance-update design, made
    once and kept on it (read only by the kernel, so shared by threads)."""
    G = getattr(design, "_box_gram", None)
    if G is None:
        design.cache.fill_all()
        G = design.cache.to_array()
        design._box_gram = G
    return G


def box_mode(design):
    """'gram' when the box kernels take covariance updates on ``design``,
    else 'naive'."""
    return "gram" if design.method == "gram" else "naive"


def _box_q(design, yc):
    """``(q, yy)``: ``Xc^T S v`` and ``v^T S v`` for a Gram design, with
    ``v = yc / d`` the target :func:`_solve_scaled` solves (``d`` of
    :func:`_target_scale`, 1 for targets of ordinary size)."""
    q = np.empty(design.n_features)
    d = _target_scale(yc)
    v = np.ascontiguousarray(yc if d == 1.0 else yc / d)
    yy = design.gram_correlations(v, q)
    return q, yy


def _solve_one(design, yc, pf, lower, upper, w, residual, l1, l2, tol_abs,
               max_iter, random, seed, qy=None):
    """One kernel solve for the centred target ``yc`` (in place on ``w``);
    a Gram design reads ``qy = (q, yy)`` of ``yc`` instead of ``yc``."""
    if design.method == "gram":
        q, yy = qy
        return _box.enet_box_gram(
            _box_gram_of(design), q, yy, pf, lower, upper, w, l1, l2, tol_abs,
            max_iter, random, seed)
    if sp.issparse(design.X):
        return _box.enet_box_csc(
            design.data, design.indices, design.indptr, design.n_samples, yc,
            design.sw, design.x_mean, design.sq_norms, pf, lower, upper, w,
            residual, l1, l2, tol_abs, max_iter, random, seed)
    return _box.enet_box(
        design.X, yc, design.sw, design.x_mean, design.sq_norms, pf, lower,
        upper, w, residual, l1, l2, tol_abs, max_iter, random, seed)


def _solve_scaled(design, c, yc, pf, lower, upper, w, residual, alpha, l1_ratio,
                  tol, max_iter, random, seed, qy=None):
    """One solve of the problem at ``alpha`` for ``yc`` on ``design``, which
    holds ``X / c`` (:func:`shrinkage._enet.solve._design_scale`; ``c = 1``
    for data of ordinary size). Targets near the ends of float64 are solved
    as ``yc / d`` (``d`` a power of two, :func:`_target_scale`): with ``v =
    c w / d`` the objective is ``d^2`` times the one with ``l1 / (c d)``,
    ``l2 / c^2`` and the bounds ``c / d`` times theirs, all exact. ``w`` (in
    the units of ``X``) is updated in place. Returns ``(gap, n_iter,
    converged, yy)``, the gap and ``yy = yc^T S yc`` in the units of ``y``.
    A Gram design takes ``qy = (q, yy)``, :func:`_box_q` of ``yc`` on it
    (already for ``yc / d``; computed once per target, shared by a path's
    alphas)."""
    n = design.n_samples
    d = _target_scale(yc)
    if c == 1.0 and d == 1.0:
        yy = design.weighted_sq_norm(yc)
        gap, it = _solve_one(design, yc, pf, lower, upper, w, residual,
                             alpha * l1_ratio * n, alpha * (1.0 - l1_ratio) * n,
                             tol * yy, max_iter, random, seed, qy)
        return gap, it, gap <= tol * yy, yy
    f = c / d
    ycs = yc / d
    ws = w * f
    yy = design.weighted_sq_norm(ycs)
    gap, it = _solve_one(design, ycs, pf, lower * f, upper * f, ws, residual,
                         alpha / c / d * l1_ratio * n, alpha / c / c * (1.0 - l1_ratio) * n,
                         tol * yy, max_iter, random, seed, qy)
    w[:] = np.clip(ws / f, lower, upper)
    return gap * d * d, it, gap <= tol * yy, yy * d * d


def _scaled_design(design):
    """``(design for X / c, c)``: ``c`` a power of two when the column
    statistics leave float64's comfortable range, else 1."""
    c = _design_scale(design)
    return (design, 1.0) if c == 1.0 else (design.scaled(c), c)


def _intercepts(design, y_mean, coef):
    if not design.fit_intercept:
        return np.zeros(coef.shape[0])
    return np.array([y_mean[k] - (coef[k:k + 1] @ design.x_mean)[0]
                     for k in range(coef.shape[0])])


def solve_box(design, Y, *, alpha, l1_ratio, penalty_factor, bounds, tol,
              max_iter, selection, random_state, coef_init=None,
              estimator_name="ElasticNet", n_jobs=1):
    """Fit the box-constrained elastic net for each column of ``Y`` on a
    :func:`box_design`; ``bounds`` is :func:`check_bounds`' pair. A warm
    start ``coef_init`` (n_targets, p) is projected onto the box. Emits a
    ConvergenceWarning per target whose gap did not reach ``tol``.
    ``n_jobs``: threads over the targets (the kernel releases the GIL and
    only reads the design); each target's result is its own fit's."""
    lower, upper = bounds
    n, p = design.n_samples, design.n_features
    n_targets = Y.shape[1]
    _, _, pf = kernel_penalties(alpha, l1_ratio, penalty_factor, n, p)
    y_mean, Yc = design.center_targets(Y)
    work, c = _scaled_design(design)
    random = selection == "random"
    seed = seed_from(random_state) if random else 1
    coef = np.zeros((n_targets, p))
    if coef_init is not None:
        coef[:] = np.clip(coef_init, lower, upper)
    gaps = np.empty(n_targets)
    n_iters = np.zeros(n_targets, dtype=np.intp)
    messages = []
    gram = work.method == "gram"
    # q and yy of each target, in this thread (the design's cache has scratch)
    qys = [_box_q(work, Yc[:, k]) if gram else None for k in range(n_targets)]

    def solve(k):
        yc = np.ascontiguousarray(Yc[:, k])
        return _solve_scaled(work, c, yc, pf, lower, upper, coef[k],
                             np.empty(0 if gram else n), alpha, l1_ratio, tol,
                             max_iter, random, seed, qys[k])

    n_threads = max(1, min(int(n_jobs), n_targets))
    if n_threads == 1:
        results = [solve(k) for k in range(n_targets)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            results = list(pool.map(solve, range(n_targets)))
    for k, (gap, it, converged, yy) in enumerate(results):
        gaps[k] = gap / n
        n_iters[k] = it
        if converged and not math.isfinite(gaps[k]):
            messages.append(
                f"{estimator_name}: converged, but the duality gap in the units of y "
                "overflows float64 (the objective itself does); dual_gap_ is inf"
                + (f" (target {k})." if n_targets > 1 else "."))
        elif not converged:  # NaN never certifies
            messages.append(_not_converged_message(
                estimator_name, max_iter, gap, tol * yy, yy, alpha, n, k, n_targets))
    if not (np.all(np.isfinite(coef))):
        raise ValueError(
            f"{estimator_name}: the coefficients overflow float64: rescale X or y first.")
    for message in messages:
        warnings.warn(message, convergence_warning(), stacklevel=3)
    return EnetSolution(coef=coef, intercept=_intercepts(design, y_mean, coef),
                        dual_gap=gaps, n_iter=n_iters,
                        method="box-gram" if gram else "box",
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
    _, _, pf = kernel_penalties(1.0, l1_ratio, penalty_factor, n, p)
    work, c = _scaled_design(design)
    w = np.zeros(p)
    if coef_init is not None:
        w[:] = np.clip(coef_init, lower, upper)
    gram = work.method == "gram"
    residual = np.empty(0 if gram else n)
    qy = _box_q(work, yc) if gram else None  # one per path
    coefs = np.empty((p, alphas.size), order="F")
    gaps = np.empty(alphas.size)
    n_iters = np.zeros(alphas.size, dtype=np.intp)
    n_failed = 0
    for i in range(alphas.size):
        gap, it, converged, _ = _solve_scaled(
            work, c, yc, pf, lower, upper, w, residual, float(alphas[i]), l1_ratio,
            tol, max_iter, random, seed, qy)
        coefs[:, i] = w
        gaps[i] = gap / n
        n_iters[i] = it
        if not converged:
            n_failed += 1
        if progress is not None:
            progress(i, coefs[:, i], gaps[i], it)
    if not math.isfinite(float(coefs.sum())):
        raise ValueError("the coefficients overflow float64: rescale X or y first.")
    return coefs, gaps, n_iters, n_failed


def box_fold_mse_path(X, y, sw, train, test, alphas, *, fit_intercept, l1_ratio,
                      penalty_factor, bounds, tol, max_iter, random, seed,
                      precompute=False):
    """Held-out mean squared error along the box-constrained path on one
    fold (n_alphas,) and the number of its solves that did not converge.
    ``X`` is dense or CSR (cheap row selection; the training rows become
    CSC for the kernel); the fold's rows get their own design, with
    covariance updates by :func:`box_design`'s rule for the path's
    ``len(alphas)`` solves (``precompute`` as the estimator's; a given Gram
    is the full data's and counts as True)."""
    X_train = X[train]
    if sp.issparse(X_train):
        X_train = X_train.tocsc()
    design = box_design(X_train, None if sw is None else sw[train], fit_intercept,
                        fold_precompute(precompute), n_solves=len(alphas))
    y_mean, Yc = design.center_targets(np.asarray(y[train], dtype=np.float64).reshape(-1, 1))
    coefs, _, _, n_failed = solve_box_path(
        design, np.ascontiguousarray(Yc[:, 0]), alphas, l1_ratio=l1_ratio,
        penalty_factor=penalty_factor, bounds=bounds, tol=tol, max_iter=max_iter,
        random=random, seed=seed)
    if fit_intercept:
        intercepts = y_mean[0] - design.x_mean @ coefs
    else:
        intercepts = np.zeros(coefs.shape[1])
    return held_out_mse(X, y, sw, test, coefs, intercepts), n_failed
