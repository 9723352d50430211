"""The distribution's report: quantiles of the speed-ups, a chart, the worst problems.

Works on the JSON record ``run.py`` writes (a list of rows as
``bench/report.py``'s :func:`rows_from` makes them, each with its spec), so
a report can be redrawn from a finished or interrupted run with
``run.py --report FILE.json``.
"""

import math

import numpy as np

__all__ = ["KINDS", "MODES", "speedups", "quantiles", "pairs", "worse_at_same_tol",
           "format_summary", "format_worst", "format_worse", "fit_cost_model", "write_chart"]

KINDS = ("single", "path", "cv")
#: (row key, heading)
MODES = (("speedup", "equal precision (subopt <= 1e-6)"),
         ("default_speedup", "default tol (1e-4 both)"))
#: Below this, suboptimalities are at the reference's own precision and not compared.
SUBOPT_FLOOR = 1e-12
#: A solve is "worse" when its suboptimality exceeds scikit-learn's by more than this factor.
WORSE_FACTOR = 1.1


def _num(x):
    """JSON values back to floats ("inf" strings, None for NaN)."""
    if x is None:
        return math.nan
    if isinstance(x, str):
        return math.inf if x == "inf" else -math.inf if x == "-inf" else float(x)
    return float(x)


def pairs(rows, solver="shrinkage", baseline="sklearn"):
    """``[(solver row, baseline row)]`` per problem, in run order."""
    by = {}
    for r in rows:
        by.setdefault(r["problem"], {})[r["solver"]] = r
    return [(d[solver], d[baseline]) for d in by.values() if solver in d and baseline in d]


def speedups(rows, key, kind=None, solver="shrinkage"):
    """Finite speed-ups of ``solver`` (``key`` = "speedup" or "default_speedup"), optionally of one kind."""
    out = []
    for r, _ in pairs(rows, solver):
        if kind is not None and r["spec"]["kind"] != kind:
            continue
        v = _num(r[key])
        if math.isfinite(v) and v > 0:
            out.append(v)
    return out


def quantiles(values):
    """``dict(n, min, q1, median, q3, max)`` (NaN when empty)."""
    if not values:
        return dict(n=0, min=math.nan, q1=math.nan, median=math.nan, q3=math.nan, max=math.nan)
    v = np.asarray(values, dtype=float)
    q = np.quantile(v, [0.0, 0.25, 0.5, 0.75, 1.0])
    return dict(n=int(v.size), min=q[0], q1=q[1], median=q[2], q3=q[3], max=q[4])


def _x(v):
    return "—" if not (v == v) else f"{v:.2f}×"


def _s(v):
    v = _num(v)
    if not (v == v):
        return "—"
    if v == math.inf:
        return "✗"
    return "<1e-15" if v <= 1e-15 else f"{v:.0e}"


def format_summary(rows, solver="shrinkage"):
    """Markdown table: speed-up quantiles per task kind and mode."""
    lines = ["| task kind | mode | problems | min | q1 | median | q3 | max | 1e-6 missed: shrinkage, sklearn |",
             "|---|---|---|---|---|---|---|---|---|"]
    for kind in KINDS + (None,):
        here = [p for p in pairs(rows, solver) if kind is None or p[0]["spec"]["kind"] == kind]
        missed = (f"{sum(not r['reached'] for r, _ in here)}, {sum(not b['reached'] for _, b in here)}")
        for key, heading in MODES:
            q = quantiles(speedups(rows, key, kind, solver))
            if q["n"] == 0:
                continue
            lines.append(f"| {kind or 'all'} | {heading} | {q['n']} | {_x(q['min'])} | {_x(q['q1'])} "
                         f"| {_x(q['median'])} | {_x(q['q3'])} | {_x(q['max'])} "
                         f"| {missed if key == 'speedup' else ''} |")
    return "\n".join(lines)


def format_worst(rows, n=10, key="speedup", solver="shrinkage"):
    """Markdown table of the ``n`` problems with the lowest ``key`` speed-up."""
    ranked = sorted((p for p in pairs(rows, solver) if math.isfinite(_num(p[0][key]))),
                    key=lambda p: _num(p[0][key]))[:n]
    lines = ["| # | problem | what | speed-up* | speed-up (default) | subopt* shrinkage / sklearn "
             "| subopt (default) shrinkage / sklearn | time (default) sklearn |",
             "|---|---|---|---|---|---|---|---|"]
    for i, (r, b) in enumerate(ranked, 1):
        flag = "" if r["reached"] else " (!)"
        lines.append(
            f"| {i} | `{r['spec']['name']}` | {r['spec']['description']} | {_x(_num(r['speedup']))}{flag} "
            f"| {_x(_num(r['default_speedup']))} | {_s(r['subopt'])} / {_s(b['subopt'])} "
            f"| {_s(r['default_subopt'])} / {_s(b['default_subopt'])} | {_t(_num(b['default_time']))} |")
    return "\n".join(lines)


def _t(sec):
    if not (sec == sec):
        return "—"
    return f"{sec * 1e3:.3g} ms" if sec < 1 else f"{sec:.3g} s"


def _worse(a, b):
    """Is suboptimality ``a`` worse than ``b`` (beyond noise and the reference's precision)?"""
    a, b = _num(a), _num(b)
    if not (a == a and b == b):
        return False
    if a == math.inf:
        return b != math.inf
    return a > SUBOPT_FLOOR and a > WORSE_FACTOR * b


def worse_at_same_tol(rows, solver="shrinkage", baseline="sklearn"):
    """Problems where ``solver`` stopped at a worse suboptimality than ``baseline`` at one tol.

    Compared at the default tolerance and at every tolerance both walks
    tried. Returns ``[(row, baseline row, [(tol, subopt, baseline subopt), ...])]``.
    """
    out = []
    for r, b in pairs(rows, solver, baseline):
        found = []
        if r["default_tol"] is not None and r["default_tol"] == b["default_tol"]:
            a, c = _num(r["default_subopt"]), _num(b["default_subopt"])
            if _worse(a, c):
                found.append((_num(r["default_tol"]), a, c))
        theirs = {_num(t): _num(s) for t, s, _ in b["tried"] if t is not None}
        for t, s, _ in r["tried"]:
            if t is None or _num(t) not in theirs:
                continue
            t, s = _num(t), _num(s)
            if _worse(s, theirs[t]) and all(f[0] != t for f in found):
                found.append((t, s, theirs[t]))
        if found:
            out.append((r, b, sorted(found, reverse=True)))
    return out


def format_worse(found):
    if not found:
        return "None: at every tolerance both tried, shrinkage's suboptimality was at most scikit-learn's."
    lines = ["| problem | what | tol: subopt shrinkage / sklearn |", "|---|---|---|"]
    for r, _, items in found:
        cells = "; ".join(f"{t:.0e}: {_s(a)} / {_s(c)}" for t, a, c in items)
        lines.append(f"| `{r['spec']['name']}` | {r['spec']['description']} | {cells} |")
    return "\n".join(lines)


def fit_cost_model(walls):
    """Least-squares ``seconds = a + b * work`` (a, b >= 0) from ``[(work, seconds)]``."""
    if len(walls) < 2:
        return None
    w = np.array([x for x, _ in walls], dtype=float)
    s = np.array([y for _, y in walls], dtype=float)
    A = np.column_stack([np.ones_like(w), w])
    (a, b), *_ = np.linalg.lstsq(A, s, rcond=None)
    if b < 0:
        a, b = float(s.mean()), 0.0
    if a < 0:
        a, b = 0.0, float(s @ w / (w @ w))
    return float(a), float(b)


def write_chart(rows, path, title="", solver="shrinkage"):
    """Per task kind and mode, the speed-ups of every problem (log scale); None or a note."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:
        return f"no chart: matplotlib unavailable ({type(exc).__name__}: {exc})"
    kinds = [k for k in KINDS if speedups(rows, "speedup", k, solver)
             or speedups(rows, "default_speedup", k, solver)]
    if not kinds:
        return "no chart: no speed-ups to draw"
    fig, axes = plt.subplots(1, len(MODES), figsize=(11, 4.8), sharey=True)
    rng = np.random.default_rng(0)  # jitter only
    for ax, (key, heading) in zip(axes, MODES):
        data = [speedups(rows, key, k, solver) for k in kinds]
        shown = [i for i, d in enumerate(data) if d]
        ax.boxplot([data[i] for i in shown], positions=[i + 1 for i in shown], widths=0.5,
                   whis=(0, 100), showfliers=False)
        for i in shown:
            ax.scatter(i + 1 + rng.uniform(-0.18, 0.18, len(data[i])), data[i], s=12, alpha=0.7)
            q = quantiles(data[i])
            ax.annotate(f"min {q['min']:.2g}×\nmed {q['median']:.2g}×", (i + 1.28, q["median"]),
                        fontsize=7, va="center")
        ax.axhline(1.0, color="black", lw=0.8)
        ax.set_yscale("log")
        ax.set_xticks(range(1, len(kinds) + 1))
        ax.set_xticklabels([f"{k}\n(n={len(d)})" for k, d in zip(kinds, data)])
        ax.set_xlim(0.5, len(kinds) + 0.9)
        ax.set_title(heading, fontsize=10)
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0].set_ylabel("speed-up vs scikit-learn (×, log scale)")
    fig.suptitle(title or "shrinkage vs scikit-learn over the problem distribution")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None
