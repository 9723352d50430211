"""Single elastic-net solves on a prepared design: the policy.

Turns validated parameters into what the kernels expect (penalties in the
n-scaled form, an absolute gap tolerance, a seed), chooses between naive
and covariance updates, and shapes the results. The kernels (behind the
designs' methods, :mod:`shrinkage._enet.design`) hold the loops, no policy.
"""

import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from . import _gram
from .._exceptions import convergence_warning

__all__ = ["EnetSolution", "choose_method", "fold_precompute", "kernel_penalties", "seed_from",
           "active_gram_for", "solve_enet"]

# Covariance updates pay off when the Gram is reused. Measured on this
# project's machines (bench/, single thread): building the full Gram by
# dsyrk costs about the time of p / 40 naive solves with active-set cycling,
# so 'auto' builds it when n >= p and p <= 40 * (number of solves sharing the
# design: targets, alphas of a path).
_GRAM_SOLVES_PER_FEATURE = 1.0 / 40.0


@dataclass
class EnetSolution:
    """Result of one elastic-net fit per target (coefficients in rows)."""

    coef: np.ndarray          # (n_targets, p)
    intercept: np.ndarray     # (n_targets,)
    dual_gap: np.ndarray      # (n_targets,), in the 1/(2n)-scaled objective
    n_iter: np.ndarray        # (n_targets,)
    method: str
    warnings: list = None     # ConvergenceWarning messages, emitted by solve_enet


def choose_method(n_samples, n_features, precompute, n_solves=1):
    """'naive' or 'gram' for a checked ``precompute`` ('auto', bool, array).

    'auto' takes covariance updates when ``n_samples >= n_features`` and the
    Gram is shared by enough solves (targets, path alphas) to repay its
    n p^2 / 2 flops: ``n_features <= 40 * n_solves``. For a single fit this
    means few features; naive updates with active-set cycling touch only
    the active columns between the few full passes, which is cheaper.
    """
    if isinstance(precompute, str):
        pays = n_features * _GRAM_SOLVES_PER_FEATURE <= n_solves
        return "gram" if n_samples >= n_features and pays else "naive"
    if isinstance(precompute, (bool, np.bool_)):
        return "gram" if precompute else "naive"
    return "gram"  # a Gram matrix


def fold_precompute(precompute):
    """A checked ``precompute`` for designs of subsets of the rows: a given
    Gram is the full data's, so they take covariance updates (True) and
    build their own."""
    return precompute if isinstance(precompute, (str, bool)) else True


def kernel_penalties(alphas, l1_ratio, penalty_factor, n_samples, n_features, x_scale=1.0):
    """The kernels' penalties for ``alphas`` (a float or an array).

    The objective's ``alpha * l1_ratio * f_j |w_j| + alpha * (1 - l1_ratio)
    / 2 * f_j w_j^2`` (with the loss scaled by 1/(2n)) is, times n, the
    kernels' ``l1 * f_j |w_j| + l2 / 2 * f_j w_j^2``. Returns ``(l1, l2,
    pf)`` with ``pf`` the contiguous factors (ones when None). For a design
    holding ``X / x_scale`` (coefficients ``x_scale * w``) the penalties are
    ``l1 / x_scale`` and ``l2 / x_scale^2``, in an order that does not
    overflow where the mapped values do not.
    """
    pf = (np.ones(n_features) if penalty_factor is None
          else np.ascontiguousarray(penalty_factor, dtype=np.float64))
    if type(alphas) is not float:  # a float's products round the same either way
        alphas = np.asarray(alphas, dtype=np.float64)
    if x_scale != 1.0:
        return (alphas / x_scale * l1_ratio * n_samples,
                alphas / x_scale / x_scale * (1.0 - l1_ratio) * n_samples, pf)
    return alphas * l1_ratio * n_samples, alphas * (1.0 - l1_ratio) * n_samples, pf


def seed_from(random_state):
    """The kernels' seed (in [1, 2^31 - 1)) for ``selection='random'``."""
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(1, 2**31 - 1))
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.Generator)):
        rng = np.random.default_rng(random_state)
        return int(rng.integers(1, 2**31 - 1))
    raise ValueError(
        f"random_state must be None, an int, a RandomState or a Generator, got {random_state!r}."
    )


def active_gram_for(design):
    """Gram entries among the features that become nonzero, shared by the
    naive solves on ``design`` (Newton steps on the support)."""
    return _gram.ActiveGram(design.n_samples, design.n_features)


def _sq_norm_in_range(yy, n):
    """Whether ``yy = ||yc||^2`` (unit weights, n entries) proves ``max|yc|``
    within (1e-50, 1e50), where :func:`_target_scale` is 1: from ``max^2 <=
    yy <= n max^2``, with margins far beyond rounding in yy. (A zero yy
    proves nothing: squares underflow.) The compiled routes use its twin in
    _util.pxd."""
    return n * 1e-98 < yy < 1e98


def _target_scale(yc):
    """1.0, or the power of two nearest max|yc| (an exact rescaling) when
    ||yc||^2, or the squared correlations |x^T r|^2 of the certificate,
    could leave float64's range."""
    top = max(float(yc.max()), -float(yc.min())) if yc.size else 0.0  # max|yc|, exactly
    if top > 1e50 or 0.0 < top < 1e-50:
        return float(2.0 ** np.round(np.log2(top)))
    return 1.0


def _design_scale(design):
    """1.0, or a power of two c such that X / c has squared column norms
    and squared correlations well inside float64's range (the norms overflow
    from |x| ~ 1e154 and lose digits to underflow below ~1e-154; the
    certificate squares products x^T r). Decided from the column statistics,
    known once a solve has run, so well-scaled data pays nothing; only
    columns whose centred norm is zero (constant, or underflowed) are read.
    Scalar reductions only on the common path: a single fit of a small
    problem costs microseconds, and this runs once per fit."""
    h, n = design.sq_norms, design.n_samples
    if not h.size or not design.has_rows:
        return 1.0  # a CV fold's Gram: its parent's scale was checked
    # sqrt(max(h) / n) (NaN when h holds a NaN or only negative values, a
    # user Gram's: NaN then stays the size), or the largest |mean|
    top_h, low_h = float(h.max()), float(h.min())
    size = max(math.sqrt(top_h / n) if top_h >= 0.0 else math.nan,
               float(np.abs(design.x_mean).max()))
    flat = low_h == 0.0 or (low_h < 0.0 and bool((h == 0.0).any()))
    if flat and not size > 1e50:
        size = max(size, design.abs_max(h == 0.0))
    if size == 0.0 or 1e-50 < size < 1e50:
        return 1.0
    top = design.abs_max()
    if not (0.0 < top < np.inf):
        return 1.0
    return float(2.0 ** np.round(np.log2(top)))


def common_scale(design, yc, estimator_name):
    """1.0, or a power of two ``c`` for which ``X / c`` and ``yc / c`` have
    squared norms and correlations inside float64's range, when the data's
    scales would leave it (:func:`_design_scale`, :func:`_target_scale`).

    Dividing ``X`` and ``y`` by the same ``c`` keeps the problem an elastic
    net with the same ``l1_ratio`` and the same coefficients, at
    ``alpha / c^2`` (the objective divided by ``c^2``): how the paths and
    the CV estimators, which share one grid of alphas over many solves,
    rescale. ``c`` is the geometric middle of ``max |x_ij|`` and
    ``max |yc_i|``, so either may be tiny or huge; a single fit rescales
    ``X`` and ``y`` apart instead (:func:`solve_enet`); ``X / c`` is kept
    below 1e100 (tiny coefficients may then underflow, harmlessly). Raises
    ValueError when ``max|y| / max|x|`` exceeds 1e140: the coefficients, of
    that size near alpha = 0, would have squares (in the ridge penalty and
    the certificate) beyond float64's range whatever ``c`` is.
    """
    if not design.has_rows or (_design_scale(design) == 1.0
                               and _target_scale(yc) == 1.0):
        return 1.0
    x_top, y_top = design.abs_max(), float(np.max(np.abs(yc)))
    logs = [np.log2(t) for t in (x_top, y_top) if 0.0 < t < np.inf]
    if len(logs) == 2 and logs[1] - logs[0] > np.log2(1e140):
        raise ValueError(
            f"{estimator_name}: the scales of X (max |x| = {x_top:.3g}) and y "
            f"(max |y - mean| = {y_top:.3g}) are too far apart for float64: the "
            "coefficients and the duality gap would overflow; rescale X or y first.")
    if not logs:
        return 1.0
    log_c = np.mean(logs)
    if 0.0 < x_top < np.inf:
        log_c = max(log_c, np.log2(x_top) - np.log2(1e100))
    return float(2.0 ** np.round(log_c))


def _not_converged_message(estimator_name, max_iter, gap, tol_abs, yy, alpha, n, k,
                           n_targets):
    return (
        f"{estimator_name}: objective did not converge within "
        f"max_iter={max_iter} passes: duality gap {gap / n:.3e} > "
        f"tolerance {tol_abs / n:.3e}"
        + (f" (target {k})" if n_targets > 1 else "")
        + (" (the duality gap is not finite: the scales of X, y and "
           "alpha leave float64's range)" if not np.isfinite(gap) else "")
        + ". Increase max_iter, loosen tol, or standardize the features"
        + (" (alpha is tiny: for alpha = 0 use LinearRegression)."
           if alpha * n < 1e-8 * max(yy, 1e-300) else "."))


def solve_enet(design, Y, *, alpha, l1_ratio, penalty_factor, positive,
               tol, max_iter, selection, random_state, coef_init=None,
               screen=True, estimator_name="ElasticNet", gram_q=None, n_jobs=1):
    """Fit the elastic net for each column of ``Y`` on a prepared design.

    Parameters follow scikit-learn's ElasticNet; ``Y`` is (n, n_targets),
    ``coef_init`` (n_targets, p) or None, ``penalty_factor`` (p,) or None.
    ``gram_q``: for a single target on a Gram design, ``(Xc^T S yc,
    yc^T S yc)`` when the caller knows them (saves a pass over X).
    ``n_jobs``: threads over the targets (a count >= 1); each target's
    result is the same for every ``n_jobs`` and equals its own fit's.
    Emits a ConvergenceWarning for targets whose gap did not reach ``tol``
    (or is not finite).

    Designs whose column norms leave float64's range are solved as ``X / c``
    for a power of two ``c`` (:func:`_design_scale`): ``v = c w`` gives the
    same objective with ``l1 / c`` and ``l2 / c^2``, so the gap is unchanged.
    """
    kwargs = dict(alpha=alpha, l1_ratio=l1_ratio, penalty_factor=penalty_factor,
                  positive=positive, tol=tol, max_iter=max_iter,
                  selection=selection, random_state=random_state,
                  screen=screen, estimator_name=estimator_name, n_jobs=n_jobs)
    # The scale is decided once per call: a solve with the statistics ready
    # does not change them.
    stats_ready = design.stats_ready
    if stats_ready:
        design.verify_finite()
    scale = _design_scale(design) if stats_ready else 1.0
    if scale != 1.0:
        sol = _solve_scaled(design, Y, coef_init, scale, **kwargs)
    else:
        sol = _solve_enet(design, Y, coef_init=coef_init, gram_q=gram_q, **kwargs)
        scale = 1.0 if stats_ready else _design_scale(design)
        if scale != 1.0:
            # the first solve computed the statistics (lazily): they overflow
            sol = _solve_scaled(design, Y, coef_init, scale, **kwargs)
    # a finite sum proves every value finite (one reduction, no temporary)
    if not (math.isfinite(float(sol.coef.sum())) and math.isfinite(float(sol.intercept.sum()))) \
            and not (np.all(np.isfinite(sol.coef)) and np.all(np.isfinite(sol.intercept))):
        raise ValueError(
            f"{estimator_name}: the coefficients overflow float64: the scales "
            "of X and y are too far apart (|y| / |X| beyond ~1e300) for "
            "coefficients to be represented; rescale X or y first.")
    for message in sol.warnings:
        warnings.warn(message, convergence_warning(), stacklevel=3)
    return sol


def _solve_scaled(design, Y, coef_init, scale, **kwargs):
    """:func:`solve_enet` on ``X / scale``, results mapped back to ``X``."""
    sol = _solve_enet(design.scaled(scale), Y,
                      coef_init=None if coef_init is None else coef_init * scale,
                      x_scale=scale, **kwargs)
    sol.coef /= scale
    return sol


def _solve_enet(design, Y, *, alpha, l1_ratio, penalty_factor, positive,
                tol, max_iter, selection, random_state, coef_init=None,
                screen=True, estimator_name="ElasticNet", gram_q=None,
                x_scale=1.0, n_jobs=1):
    """The body of :func:`solve_enet`; ``x_scale`` is the ``c`` of a design
    holding ``X / c`` (the penalties are mapped, coefficients stay ``c w``).

    Each target is solved as it would be alone (fresh Newton state; the
    Gram columns and column statistics are shared), so a target's result
    does not depend on the others, nor on ``n_jobs``: the targets are split
    into that many contiguous chunks solved in threads (the kernels release
    the GIL)."""
    n, p = design.n_samples, design.n_features
    n_targets = Y.shape[1]
    l1, l2, pf = kernel_penalties(alpha, l1_ratio, penalty_factor, n, p, x_scale)
    y_mean, Yc = design.center_targets(Y)
    random = selection == "random"
    seed = seed_from(random_state) if random else 1

    coef = np.zeros((n_targets, p))
    if coef_init is not None:
        coef[:] = coef_init
    gaps = np.empty(n_targets)
    n_iters = np.zeros(n_targets, dtype=np.intp)
    messages = [None] * n_targets
    solve = _TargetSolves(design, Yc, coef, gaps, n_iters, messages, dict(
        alpha=alpha, l1_ratio=l1_ratio, x_scale=x_scale, l1=l1, l2=l2, pf=pf,
        positive=positive, tol=tol, max_iter=max_iter, random=random, seed=seed,
        screen=screen, estimator_name=estimator_name, lazy_stats=not design.stats_ready,
        gram_q=gram_q if n_targets == 1 else None))
    chunks = _target_chunks(n_targets, n_jobs)
    if len(chunks) == 1:
        solve(*chunks[0])
    else:
        _run_threads(design, solve, chunks)
    if not design.fit_intercept:
        intercept = np.zeros(n_targets)
    elif n_targets == 1:
        intercept = y_mean - coef @ design.x_mean
    else:
        # row by row, each as (1, p) @ (p,): a single fit's rounding (a
        # matrix-vector product rounds rows differently); the stacked matmul
        # runs that same product per row without a Python step per target
        intercept = y_mean - np.matmul(coef[:, None, :], design.x_mean)[:, 0]
    return EnetSolution(coef=coef, intercept=intercept, dual_gap=gaps,
                        n_iter=n_iters, method=design.method,
                        warnings=[m for m in messages if m is not None])


def _target_chunks(n_targets, n_jobs):
    """``(start, stop)`` ranges splitting the targets over ``n_jobs`` threads."""
    n_chunks = max(1, min(int(n_jobs), n_targets))
    if n_chunks == 1:
        return [(0, n_targets)]
    bounds = [round(i * n_targets / n_chunks) for i in range(n_chunks + 1)]
    return [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def _run_threads(design, solve, chunks):
    """Run ``solve(start, stop, design)`` over ``chunks`` in threads, each on
    its own copy of the design (:meth:`Design.for_thread`: solver state and
    lazily computed statistics of its own); the first exception wins."""
    from concurrent.futures import ThreadPoolExecutor

    if not design.stats_ready:
        # the design's own statistics come from a solve, as a single fit's
        start, stop = chunks[0]
        solve(start, start + 1)
        chunks = [(start + 1, stop)] + chunks[1:]
    designs = [design.for_thread() for _ in chunks]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        futures = [pool.submit(solve, a, b, d) for (a, b), d in zip(chunks, designs)]
        for future in futures:
            future.result()


class _TargetSolves:
    """Solves targets ``start <= k < stop`` of one fit, writing the rows of
    the shared outputs; one call per thread, each with its own scratch."""

    def __init__(self, design, Yc, coef, gaps, n_iters, messages, params):
        self.design, self.Yc, self.coef = design, Yc, coef
        self.gaps, self.n_iters, self.messages = gaps, n_iters, messages
        self.params = params

    def __call__(self, start, stop, design=None):
        design = self.design if design is None else design
        Yc, coef = self.Yc, self.coef
        P = self.params
        alpha, l1_ratio, x_scale = P["alpha"], P["l1_ratio"], P["x_scale"]
        l1, l2, pf, positive, tol = P["l1"], P["l2"], P["pf"], P["positive"], P["tol"]
        max_iter, random, seed, screen = P["max_iter"], P["random"], P["seed"], P["screen"]
        gram_q, name = P["gram_q"], P["estimator_name"]
        n, p = design.n_samples, design.n_features
        n_targets = Yc.shape[1]
        candidates = np.arange(p, dtype=np.intc)
        correlations = np.empty(p)
        naive = design.method == "naive"
        residual = np.empty(n) if naive else None
        q = None if naive else np.empty(p)
        lazy_stats = P["lazy_stats"]
        unweighted = not design.sw.size
        # covariance solves of many targets: one kernel call runs them all
        # (bit for bit this loop), except targets that need rescaling,
        # which it hands back to the loop below
        batch = not naive and gram_q is None and design.batch_targets
        if batch:
            raw_gaps, yys = np.empty(n_targets), np.empty(n_targets)

        k = start
        while k < stop:
            if batch:
                done = design.gram_targets(
                    Yc, k, stop, k > start, pf, coef, l1, l2, positive, tol,
                    max_iter, random, seed, unweighted, self.gaps, self.n_iters,
                    raw_gaps, yys)
                for j in range(k, done):
                    if not raw_gaps[j] <= tol * yys[j]:  # NaN never certifies
                        self.messages[j] = _not_converged_message(
                            name, max_iter, raw_gaps[j], tol * yys[j], yys[j], alpha,
                            n, j, n_targets)
                k = done
                if k == stop:
                    break
            yc = Yc[:, k]
            w = coef[k]  # a contiguous row: the solve writes the result in place
            # Targets near the ends of float64 would overflow ||y||^2: solve the
            # problem for y / c instead, which is exact (y = c y', w = c w' turns
            # the objective into c^2 times the one with l1 / c and the same l2).
            # Covariance updates take yc^T S yc and q = Xc^T S yc first (from
            # compiled code, which cannot overflow into a warning): with unit
            # weights, max|yc|^2 <= yy <= n max|yc|^2 mostly proves c = 1.
            yy = None
            if not naive:
                if gram_q is not None:
                    q[:] = gram_q[0]
                    yy = float(gram_q[1])
                else:
                    yy = design.gram_correlations(yc, q)
            if yy is not None and unweighted and _sq_norm_in_range(yy, n):
                scale = 1.0
            else:
                scale = _target_scale(yc)
            l1k = l1 / scale
            if not math.isfinite(l1k):  # alpha * n overflows, alpha / scale does not
                l1k = alpha / x_scale / scale * l1_ratio * n
            if scale != 1.0:
                yc = yc / scale
                w /= scale
                if not naive:
                    yy = design.gram_correlations(yc, q)
            if naive:
                yy = design.weighted_sq_norm(yc)
                stats = 0
                if lazy_stats:
                    # as a single fit would: the statistics in the first
                    # pass of a cold solve (the same values for every
                    # target, rounded as that pass rounds them), else first
                    if random or w.any():
                        design.ensure_stats(again=design.stats_ready)
                        design.verify_finite()
                    else:
                        stats = 1 if design.fit_intercept else 2
                gap, it = design.naive_solve(
                    yc, pf, w, residual, correlations, candidates, l1k, l2,
                    positive, tol * yy, max_iter, random, seed, screen, stats,
                    active_gram_for(design))
                design.stats_ready = True
                if stats:
                    # (a first pass meeting a non-finite column stops there)
                    design.verify_finite()
            else:
                if k > start:
                    design.cache.forget_solves()
                gap, it = design.gram_solve(
                    q, yy, pf, w, correlations, candidates, l1k, l2, positive,
                    tol * yy, max_iter, random, seed)
            converged = gap <= tol * yy  # in y / scale's units; NaN never certifies
            if scale != 1.0:
                w *= scale
                self.gaps[k] = gap / n * scale * scale
                gap *= scale * scale
                yy *= scale * scale
            else:
                self.gaps[k] = gap / n
            self.n_iters[k] = it
            if converged and not math.isfinite(self.gaps[k]):
                self.messages[k] = (
                    f"{name}: converged, but the duality gap in the units "
                    "of y overflows float64 (the objective itself does: |y| and "
                    "|X w| near 1e154 or more); dual_gap_ is inf"
                    + (f" (target {k})." if n_targets > 1 else "."))
            elif not converged:
                self.messages[k] = _not_converged_message(
                    name, max_iter, gap, tol * yy, yy, alpha, n, k, n_targets)
            k += 1
