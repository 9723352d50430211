"""Objectives, ``lambda_max`` and the time-to-precision protocol (docs/design.md sections 1 and 5).

Everything here is computed by the harness itself from the returned
coefficients -- never from a solver's own report of its objective or gap --
so every solver is judged by the same ruler.

The protocol, for one task on one problem (see :func:`measure`):

1. **Tight reference.** Every solver is run once at a very tight tolerance
   with a large ``max_iter``; ``P*`` is the best (lowest) objective any of
   them reached (element-wise over the alphas of a path).
2. **Tolerance walk.** For each solver, ``tol`` walks down
   :data:`TOL_GRID` (1e-1, 1e-2, ..., 1e-14) and stops at the first --
   the loosest -- tolerance whose relative suboptimality
   ``(P - P*) / |P*|`` is at most :data:`TARGET` (1e-6); for a path the
   worst alpha counts. That run is the one timed.
3. **Default tolerance.** Each solver is also run at its library's default
   ``tol`` (1e-4 for scikit-learn and shrinkage: the same duality-gap
   criterion, so equal certified precision); its suboptimality is reported.
4. **Timing.** Rounds alternate between solvers (A B C A B C ...), each
   round timing every solver at its walked tolerance and at its default
   tolerance; the median over rounds is reported. Runs much shorter than
   ``min_time`` are repeated inside one timing and divided, so per-call
   overhead on small problems is measured, not timer noise.

BLAS/OpenMP threads are pinned by the caller (``run.py`` uses threadpoolctl).
"""

import gc
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

__all__ = [
    "TOL_GRID",
    "TARGET",
    "enet_objective",
    "ridge_objective",
    "lambda_max",
    "alpha_grid",
    "rel_suboptimality",
    "Candidate",
    "Evaluation",
    "Reference",
    "TolChoice",
    "Measurement",
    "tight_reference",
    "find_tolerance",
    "time_alternating",
    "measure",
]

#: Tolerances tried, loosest first.
TOL_GRID = tuple(10.0 ** -k for k in range(1, 15))
#: Relative objective suboptimality a timed run must reach.
TARGET = 1e-6


# --------------------------------------------------------------------------
# objectives


def _as_1d(a):
    return np.asarray(a, dtype=np.float64).reshape(-1)


def _normalised_weights(sample_weight, n):
    """Weights rescaled to sum to ``n`` (docs/design.md section 1), or None."""
    if sample_weight is None:
        return None
    s = _as_1d(sample_weight)
    total = s.sum()
    if total <= 0:
        raise ValueError("sample weights must have a positive sum")
    return s * (n / total)


def _residual(X, y, coef, intercept):
    pred = X @ _as_1d(coef)
    return _as_1d(y) - _as_1d(pred) - float(intercept)


def enet_objective(
    X, y, coef, intercept=0.0, *, alpha, l1_ratio=1.0, sample_weight=None, penalty_factor=None
):
    """Elastic-net primal objective of docs/design.md section 1.

    ``1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + alpha*l1_ratio*sum_j f_j|w_j|
    + alpha*(1-l1_ratio)/2*sum_j f_j w_j^2`` with weights ``s`` rescaled to
    sum to ``n`` and penalty factors ``f`` (default 1). ``X`` may be sparse.
    """
    n = X.shape[0]
    w = _as_1d(coef)
    r = _residual(X, y, w, intercept)
    s = _normalised_weights(sample_weight, n)
    loss = (r @ r if s is None else r @ (s * r)) / (2.0 * n)
    f = np.ones_like(w) if penalty_factor is None else _as_1d(penalty_factor)
    l1 = float(f @ np.abs(w))
    l2 = float(f @ (w * w))
    return float(loss + alpha * l1_ratio * l1 + alpha * (1.0 - l1_ratio) / 2.0 * l2)


def ridge_objective(X, y, coef, intercept=0.0, *, alpha, sample_weight=None):
    """scikit-learn's Ridge objective: ``sum_i s_i (y_i - x_i.w - b)^2 + alpha ||w||^2``.

    As in scikit-learn, Ridge's sample weights are used as given (not rescaled).
    """
    w = _as_1d(coef)
    r = _residual(X, y, w, intercept)
    loss = r @ r if sample_weight is None else r @ (_as_1d(sample_weight) * r)
    return float(loss + alpha * (w @ w))


def lambda_max(X, y, *, l1_ratio=1.0, fit_intercept=True, sample_weight=None, penalty_factor=None):
    """Smallest alpha at which every (penalised) coefficient of the elastic net is zero.

    ``max_j |x_j^T S (y - ybar)| / (n * l1_ratio * f_j)`` over features with
    ``f_j > 0``, where ``ybar`` is the (weighted) mean of ``y`` when an
    intercept is fitted and 0 otherwise. Centring ``y`` alone is enough:
    ``(x_j - xbar_j)^T S (y - ybar) = x_j^T S (y - ybar)``.
    """
    if l1_ratio <= 0:
        raise ValueError("lambda_max is infinite for l1_ratio = 0 (pure ridge)")
    n = X.shape[0]
    y = _as_1d(y)
    s = _normalised_weights(sample_weight, n)
    if fit_intercept:
        ybar = y.mean() if s is None else float(s @ y) / n
        yc = y - ybar
    else:
        yc = y
    v = yc if s is None else s * yc
    grad = np.abs(_as_1d(X.T @ v)) / n
    if penalty_factor is not None:
        f = _as_1d(penalty_factor)
        penalised = f > 0
        if not penalised.any():
            return 0.0
        grad = grad[penalised] / f[penalised]
    return float(grad.max() / l1_ratio) if grad.size else 0.0


def alpha_grid(alpha_max, n_alphas=100, eps=1e-3):
    """``n_alphas`` values on a log grid from ``alpha_max`` down to ``eps * alpha_max``."""
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


def rel_suboptimality(objectives, reference):
    """Worst relative suboptimality ``max_k (P_k - P*_k) / |P*_k|``.

    Non-finite objectives (a failed or truncated run) give ``inf``.
    """
    P = _as_1d(objectives)
    Ps = _as_1d(reference)
    if P.shape != Ps.shape or not np.all(np.isfinite(P)):
        return math.inf
    denom = np.maximum(np.abs(Ps), np.finfo(float).tiny)
    return float(np.max((P - Ps) / denom))


# --------------------------------------------------------------------------
# the protocol


@dataclass
class Evaluation:
    """What the harness computed from one run's result.

    ``objectives``: one value (single alpha) or one per alpha (path).
    ``key``: for tasks where the solver chooses the model (CV), which one it
    chose (e.g. the index of ``alpha_``); runs are only comparable with a
    reference of the same key. ``None`` when not applicable.
    """

    objectives: np.ndarray
    key: object = None


@dataclass
class Candidate:
    """A solver prepared for one task on one problem.

    ``fit(tol)`` runs the solver at ``tol`` and returns whatever ``evaluate``
    of the task understands. ``tight_tol`` is the tolerance of the reference
    run; ``default_tol`` the library's default (``None`` = call without
    ``tol``); ``tunable=False`` for direct solvers (no tolerance: one run
    serves every mode). ``reference=False`` for a solver whose very tight
    runs are too slow to be worth it: it gets no tight run and is judged
    against the reference of the others. ``reference_fit``, when given,
    replaces ``fit`` for the tight run: on float32 problems it is the same
    solver on the same values in float64, so ``P*`` is a float64 optimum
    (and no float32 solver is run at a tolerance it cannot reach).
    """

    name: str
    fit: object
    default_tol: float = 1e-4
    tight_tol: float = 1e-12
    tunable: bool = True
    tol_grid: tuple = TOL_GRID
    reference: bool = True
    reference_fit: object = None


@dataclass
class Reference:
    objectives: np.ndarray
    key: object
    per_solver: dict  # name -> Evaluation of its tight run
    seconds: dict  # name -> seconds of its tight run (untimed protocol, informative)


@dataclass
class TolChoice:
    tol: float  # the tolerance to time (None for direct solvers or the default)
    subopt: float
    reached: bool
    tried: list = field(default_factory=list)  # (tol, subopt, seconds)
    budget_hit: bool = False


@dataclass
class Measurement:
    """The outcome of the protocol for one solver."""

    name: str
    tol: float = None
    subopt: float = math.nan
    reached: bool = False
    time: float = math.nan  # median seconds at ``tol``
    times: list = field(default_factory=list)
    default_tol: float = None
    default_subopt: float = math.nan
    default_time: float = math.nan
    default_times: list = field(default_factory=list)
    tunable: bool = True
    tried: list = field(default_factory=list)
    note: str = ""
    same_run: bool = False  # the walked tolerance is the default one: timed once for both


def _quiet_call(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = _quiet_call(fn, *args)
    return out, time.perf_counter() - t0


def _subopt(evaluation, reference):
    if reference.key is not None and evaluation.key != reference.key:
        return math.inf
    return rel_suboptimality(evaluation.objectives, reference.objectives)


def tight_reference(candidates, evaluate, progress=None):
    """Run every candidate at its tight tolerance; ``P*`` is the best objective.

    Candidates that raise are reported through ``progress`` and left out of
    the returned reference's ``per_solver``. For keyed tasks (CV) the
    reference key is the most common key, ties going to the earliest
    candidate; ``P*`` is the best objective among the runs with that key.
    """
    progress = progress or (lambda msg: None)
    evals, seconds = {}, {}
    for c in candidates:
        if not c.reference:
            continue
        try:
            fit = c.fit if c.reference_fit is None else c.reference_fit
            result, sec = _timed(fit, c.tight_tol if c.tunable else None)
            ev = evaluate(result)
        except Exception as exc:  # a solver failing must not stop the benchmark
            progress(f"{c.name}: failed at the tight tolerance: {type(exc).__name__}: {exc}")
            continue
        evals[c.name] = ev
        seconds[c.name] = sec
        tol_txt = f"tol={c.tight_tol:g}" if c.tunable else "direct"
        if c.reference_fit is not None:
            tol_txt += ", float64 values"
        progress(f"{c.name}: reference run ({tol_txt}) {sec:.3g} s")
    if not evals:
        return None
    keys = [ev.key for ev in evals.values()]
    key = max(keys, key=lambda k: (keys.count(k), -keys.index(k)))
    stack = np.vstack([_as_1d(ev.objectives) for ev in evals.values() if ev.key == key])
    best = np.min(stack, axis=0)
    return Reference(best, key, evals, seconds)


def find_tolerance(candidate, evaluate, reference, target=TARGET, progress=None, budget=math.inf):
    """The loosest tolerance of ``candidate.tol_grid`` whose result is within ``target``.

    Walks the grid from loose to tight and stops at the first pass. When no
    tolerance passes, returns the tightest one tried with ``reached=False``;
    the walk also gives up (``budget_hit=True``) once its runs have taken
    more than ``budget`` seconds in total. Direct (non-tunable) solvers are
    run once.
    """
    progress = progress or (lambda msg: None)
    if not candidate.tunable:
        result, sec = _timed(candidate.fit, None)
        s = _subopt(evaluate(result), reference)
        return TolChoice(None, s, s <= target, [(None, s, sec)])
    tried, spent = [], 0.0
    for tol in candidate.tol_grid:
        result, sec = _timed(candidate.fit, tol)
        s = _subopt(evaluate(result), reference)
        tried.append((tol, s, sec))
        spent += sec
        if s <= target:
            progress(f"{candidate.name}: tol={tol:g} reaches {_fmt(s)} ({sec:.3g} s)")
            return TolChoice(tol, s, True, tried)
        if spent > budget and tol != candidate.tol_grid[-1]:
            progress(f"{candidate.name}: tolerance walk stopped at tol={tol:g} ({_fmt(s)}) "
                     f"after {spent:.3g} s (budget {budget:g} s)")
            return TolChoice(tol, s, False, tried, budget_hit=True)
    best_tol, best_s, _ = min(tried, key=lambda t: t[1])
    progress(
        f"{candidate.name}: no tolerance reaches {target:g} "
        f"(best {_fmt(best_s)} at tol={best_tol:g}); timing tol={tried[-1][0]:g}"
    )
    return TolChoice(tried[-1][0], tried[-1][1], False, tried)


def _fmt(x):
    return "inf" if not math.isfinite(x) else f"{x:.1e}"


def time_alternating(runs, repeats, min_time=0.02, single_estimates=None, max_inner=2000,
                     budget=math.inf):
    """Median wall time per call of each run, measured in alternating rounds.

    ``runs``: list of ``(label, fn)`` with ``fn()`` doing one call. Every
    round times every run once, in order (A B C A B C ...). A run estimated
    (from ``single_estimates[label]``, seconds) to take less than
    ``min_time`` is called ``ceil(min_time / estimate)`` times per timing
    and the total divided. A run estimated to need more than ``budget``
    seconds for all its rounds takes part in fewer (at least one: the first
    ones, still alternating with the others). Returns
    ``{label: [seconds per call, ...]}``.
    """
    single_estimates = single_estimates or {}
    inner, rounds = {}, {}
    for label, _ in runs:
        est = single_estimates.get(label)
        inner[label], rounds[label] = 1, repeats
        if est is not None and est > 0:
            inner[label] = int(min(max_inner, max(1, math.ceil(min_time / est))))
            if math.isfinite(budget):
                rounds[label] = int(max(1, min(repeats, budget // (est * inner[label]))))
    out = {label: [] for label, _ in runs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(repeats):
            for label, fn in runs:
                if r >= rounds[label]:
                    continue
                k = inner[label]
                gc.collect()
                gc_was_enabled = gc.isenabled()
                gc.disable()
                try:
                    t0 = time.perf_counter()
                    for _ in range(k):
                        fn()
                    elapsed = time.perf_counter() - t0
                finally:
                    if gc_was_enabled:
                        gc.enable()
                out[label].append(elapsed / k)
    return out


def measure(candidates, evaluate, *, repeats=5, target=TARGET, min_time=0.02, budget=math.inf,
            progress=None):
    """The whole protocol for one task on one problem.

    Returns ``(reference, {name: Measurement})``; solvers that failed at the
    reference run are absent. ``reference`` is None when every solver failed.
    ``budget`` (seconds) bounds each solver's tolerance walk and its share of
    the timed rounds (see :func:`find_tolerance` and :func:`time_alternating`).
    """
    progress = progress or (lambda msg: None)
    reference = tight_reference(candidates, evaluate, progress)
    if reference is None:
        return None, {}
    alive = [c for c in candidates if c.name in reference.per_solver or not c.reference]
    results = {}
    runs, estimates = [], {}
    for c in alive:
        m = Measurement(c.name, tunable=c.tunable)
        try:
            choice = find_tolerance(c, evaluate, reference, target, progress, budget=budget)
        except Exception as exc:
            progress(f"{c.name}: failed during the tolerance walk: {type(exc).__name__}: {exc}")
            continue
        m.tol, m.subopt, m.reached, m.tried = choice.tol, choice.subopt, choice.reached, choice.tried
        if choice.budget_hit:
            m.note = f"{target:g} not reached within the {budget:g} s walk budget"
        elif not choice.reached:
            m.note = f"{target:g} not reached"
        if c.tunable and c.default_tol is not None and c.default_tol == choice.tol:
            # The walk settled on the default tolerance: one timed run serves both modes.
            m.default_tol, m.default_subopt = c.default_tol, m.subopt
            m.same_run = True
        elif c.tunable:
            # The library's default tolerance: its suboptimality from the walk when
            # the walk ran it, else from one more untimed run.
            m.default_tol = c.default_tol
            seen = [(s, sec) for tol, s, sec in choice.tried if tol is not None and tol == c.default_tol]
            try:
                if seen:
                    m.default_subopt, sec = seen[0]
                else:
                    result, sec = _timed(c.fit, c.default_tol)
                    m.default_subopt = _subopt(evaluate(result), reference)
                estimates[(c.name, "default")] = sec
                runs.append(((c.name, "default"), _bind(c.fit, c.default_tol)))
            except Exception as exc:
                progress(f"{c.name}: failed at its default tol: {type(exc).__name__}: {exc}")
        else:
            m.default_tol = None
            m.default_subopt = m.subopt
        estimates[(c.name, "walked")] = choice.tried[-1][2]
        runs.append(((c.name, "walked"), _bind(c.fit, choice.tol)))
        results[c.name] = m
        if reference.key is not None and m.subopt == math.inf:
            m.note = "chose a different model (alpha_) than the reference"
        elif reference.key is not None and m.default_subopt == math.inf:
            m.note = "at its default tol, chose a different model (alpha_) than the reference"

    progress(f"timing {len(runs)} runs x {repeats} alternating rounds")
    timings = time_alternating(runs, repeats, min_time=min_time, single_estimates=estimates,
                               budget=budget)
    for (name, mode), times in timings.items():
        m = results[name]
        if mode == "walked":
            m.times = times
            m.time = float(np.median(times))
            if not m.tunable or m.same_run:
                m.default_times, m.default_time = times, m.time
        else:
            m.default_times = times
            m.default_time = float(np.median(times))
    return reference, results


def _bind(fn, tol):
    def call():
        return fn(tol)

    return call
