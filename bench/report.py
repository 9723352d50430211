"""Machine information, the markdown table, the JSON record and the chart."""

import datetime
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

__all__ = ["machine_info", "format_table", "format_machine", "write_chart", "Row", "rows_from",
           "format_memory"]


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        except Exception:
            pass
    return platform.processor() or platform.machine()


def _git_commit(repo):
    try:
        out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        if out.returncode == 0:
            dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain",
                                    "--untracked-files=no"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except Exception:
        pass
    return None


def _blas():
    try:
        from threadpoolctl import threadpool_info

        libs = []
        for lib in threadpool_info():
            desc = f"{lib.get('internal_api')} {lib.get('version') or ''}".strip()
            layer = lib.get("threading_layer")
            if layer and layer != "unknown":
                desc += f" ({layer})"
            desc += f" [{Path(lib.get('filepath', '')).name}, {lib.get('num_threads')} threads]"
            if desc not in libs:
                libs.append(desc)
        return "; ".join(libs) or "unknown"
    except Exception as exc:
        return f"unknown ({type(exc).__name__})"


def machine_info(versions, settings):
    """Dict of strings: CPU, cores, versions, BLAS, date, settings."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {usable} usable",
        "platform": platform.platform(),
        "python": sys.version.split()[0],
    }
    info.update({k: (v if v is not None else "not installed") for k, v in versions.items()})
    info["blas/openmp (threadpoolctl)"] = _blas()
    commit = _git_commit(Path(__file__).resolve().parents[1])
    if commit:
        info["repo commit"] = commit
    info.update(settings)
    return info


def format_machine(info):
    return "\n".join(f"- **{k}**: {v}" for k, v in info.items())


class Row(dict):
    """One line of the table (a plain dict, so it serialises as JSON)."""


def rows_from(problem, setup, measurements, baseline="sklearn", memory=None):
    """Table rows for one (problem, task), with speed-ups against ``baseline``.

    ``memory``: ``{solver: (peak bytes, bytes of X)}`` where measured.
    """
    memory = memory or {}
    base = measurements.get(baseline)
    rows = []
    for name, m in measurements.items():
        speedup = base.time / m.time if base and m.time > 0 else math.nan
        dspeedup = base.default_time / m.default_time if base and m.default_time > 0 else math.nan
        rows.append(Row(
            problem=problem.name, shape="x".join(map(str, problem.shape)), task=setup.task,
            solver=name, tunable=m.tunable,
            tol=m.tol, time=m.time, subopt=m.subopt, reached=m.reached, speedup=speedup,
            default_tol=m.default_tol, default_time=m.default_time,
            default_subopt=m.default_subopt, default_speedup=dspeedup,
            times=m.times, default_times=m.default_times,
            tried=[(t, s, sec) for t, s, sec in m.tried], note=m.note,
            target=getattr(setup, "target", None),
            dtype=str(getattr(getattr(setup, "X", None), "dtype", "float64")),
            peak_mem=memory.get(name, (None, None))[0], x_bytes=memory.get(name, (None, None))[1],
        ))
    return rows


def _fmt_time(sec):
    if not (sec == sec) or sec is None:
        return "—"
    if sec < 1e-3:
        return f"{sec * 1e6:.0f} µs"
    if sec < 1:
        return f"{sec * 1e3:.3g} ms"
    return f"{sec:.3g} s"


def _fmt_sub(s):
    if s is None or s != s:
        return "—"
    if s == math.inf:
        return "✗"
    if s <= 1e-15:
        return "<1e-15"
    return f"{s:.0e}"


def _fmt_tol(tol, tunable, default=False):
    if not tunable:
        return "direct"
    if tol is None:
        return "lib. default" if default else "—"
    return f"{tol:.0e}"


def _fmt_x(x):
    return "—" if x is None or x != x else f"{x:.2f}×"


def format_table(rows):
    """The results as a markdown table (one row per problem, task and solver)."""
    head = ("| problem | task | solver | tol* | time* | subopt* | speed-up* "
            "| tol (default) | time (default) | subopt (default) | speed-up (default) |")
    sep = "|" + "---|" * 11
    lines = [head, sep]
    for r in rows:
        flag = "" if r["reached"] else " (!)"
        lines.append(
            f"| {r['problem']} {r['shape']} | {r['task']} | {r['solver']} "
            f"| {_fmt_tol(r['tol'], r['tunable'])} | {_fmt_time(r['time'])} "
            f"| {_fmt_sub(r['subopt'])}{flag} | {_fmt_x(r['speedup'])} "
            f"| {_fmt_tol(r['default_tol'], r['tunable'], default=True)} "
            f"| {_fmt_time(r['default_time'])} | {_fmt_sub(r['default_subopt'])} "
            f"| {_fmt_x(r['default_speedup'])} |"
        )
    return "\n".join(lines)


def format_memory(rows):
    """Peak memory per fit (rows that measured it) as a markdown table, or "".

    "peak above X" is what the fit allocated at its peak beyond the data
    passed in (a float64 copy of a float32 ``X`` shows up as 2x X);
    "(X + peak) / X" is the total against the size of the ``X`` the solver got.
    """
    got = [r for r in rows if r.get("peak_mem") is not None]
    if not got:
        return ""
    lines = ["| problem | task | solver | X | peak above X | (X + peak) / X |", "|" + "---|" * 6]
    for r in got:
        lines.append(f"| {r['problem']} {r['shape']} | {r['task']} | {r['solver']} "
                     f"| {r['x_bytes'] / 2**20:.3g} MiB | {r['peak_mem'] / 2**20:.3g} MiB "
                     f"| {(r['x_bytes'] + r['peak_mem']) / r['x_bytes']:.2f} |")
    return "\n".join(lines)


def write_chart(rows, path, title="", baseline="sklearn"):
    """Bar chart of speed-up vs ``baseline`` per (problem, task) and solver.

    Returns None on success, or a note saying why no chart was written.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:
        return f"no chart: matplotlib unavailable ({type(exc).__name__}: {exc})"
    import numpy as np

    groups = []  # (problem, task) pairs with something to compare against the baseline
    for r in rows:
        g = (r["problem"], r["task"])
        if r["solver"] != baseline and g not in groups:
            groups.append(g)
    solvers = []
    for r in rows:
        if r["solver"] != baseline and r["solver"] not in solvers:
            solvers.append(r["solver"])
    if not groups or not solvers:
        return "no chart: nothing to compare against " + baseline
    by = {(r["problem"], r["task"], r["solver"]): r for r in rows}
    present = {g: [s for s in solvers if (*g, s) in by] for g in groups}
    fig, axes = plt.subplots(2, 1, figsize=(max(8, 0.9 * len(groups) + 3), 8.5), sharex=True)
    width = 0.8 / len(solvers)
    x = np.arange(len(groups))
    colours = {s: plt.get_cmap("tab10")(i % 10) for i, s in enumerate(solvers)}
    modes = [("speedup", f"at equal precision (subopt ≤ 1e-6; float32 rows 1e-5), vs {baseline}"),
             ("default_speedup", f"at each library's default tol, vs {baseline}")]
    for ax, (key, subtitle) in zip(axes, modes):
        labelled, top = set(), 1.0
        for gi, g in enumerate(groups):
            here = present[g]
            for i, s in enumerate(here):  # the bars of a group, centred on it
                v = by[(*g, s)][key]
                if not (v == v and v > 0):
                    continue
                top = max(top, v)
                pos = gi - width * len(here) / 2 + width * (i + 0.5)
                ax.bar(pos, v, width, color=colours[s], label=None if s in labelled else s)
                labelled.add(s)
                ax.annotate(f"{v:.2g}", (pos, v), ha="center", va="bottom", fontsize=7,
                            rotation=90, xytext=(0, 2), textcoords="offset points")
        ax.axhline(1.0, color="black", lw=0.8)
        ax.set_yscale("log")
        ax.set_ylim(top=top * 4)
        ax.set_ylabel("speed-up (×, log scale)")
        ax.set_title(subtitle, fontsize=10)
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0].legend(ncol=min(len(solvers), 6), fontsize=8, loc="upper left")
    axes[-1].set_xticks(x)
    axes[-1].set_xticklabels([f"{p}\n{t}" for p, t in groups], fontsize=8)
    fig.suptitle(title or f"speed-up vs {baseline} (higher is better)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None
