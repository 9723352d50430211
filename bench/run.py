#!/usr/bin/env python
"""Benchmark shrinkage against scikit-learn (and peers) at equal precision.

    python bench/run.py --quick            # a few minutes on 2 cores
    python bench/run.py --full             # the docs/design.md suite
    python bench/run.py --only tall/lasso --only '*/path' --repeats 7 --threads 2

See bench/README.md for the protocol and how to read the table. The table
goes to stdout; progress to stderr; a results file (markdown with machine
information, JSON, PNG chart) to ``--out``.
"""

import argparse
import fnmatch
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a script: make ``bench`` importable as a package for the relative imports.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "bench"

_THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
PEERS = ("celer", "skglm", "glmnet", "glum")


def build_parser():
    p = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Time-to-precision benchmark of shrinkage against scikit-learn and peers.",
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick",
                      help="smaller problems, a few minutes on 2 cores (the default)")
    size.add_argument("--full", dest="size", action="store_const", const="full",
                      help="the docs/design.md problem sizes (takes much longer)")
    size.add_argument("--tiny", dest="size", action="store_const", const="tiny",
                      help=argparse.SUPPRESS)  # for the harness's own tests
    p.set_defaults(size="quick")
    p.add_argument("--only", action="append", default=[], metavar="PROBLEM/TASK",
                   help="run only matching problem/task pairs (shell patterns; repeatable); "
                        "'tall' = every task on tall, '*/path' or '/path' = paths on every problem")
    p.add_argument("--solvers", default=None, metavar="NAMES",
                   help="comma-separated subset of solvers (default: every one that imports)")
    p.add_argument("--repeats", type=int, default=None,
                   help="timing rounds per solver, median reported (default 5 quick, 7 full)")
    p.add_argument("--threads", type=int, default=1, choices=(1, 2),
                   help="BLAS/OpenMP threads for every solver, pinned equally (default 1)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"directory for the results file, JSON and chart (default {DEFAULT_OUT})")
    p.add_argument("--no-chart", action="store_true", help="do not draw the PNG chart")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="per solver and task: the tolerance walk stops going tighter after this "
                        "much run time, and slow runs get fewer timing rounds "
                        "(default 20 quick, 300 full)")
    p.add_argument("--min-time", type=float, default=0.02,
                   help="shortest timed batch in seconds; faster calls are repeated inside it "
                        "(default 0.02)")
    p.add_argument("--list", action="store_true", help="list problems, tasks and solvers, then exit")
    return p


def _pin_threads(n):
    for var in _THREAD_VARS:
        os.environ[var] = str(n)


def _matches(patterns, problem, task):
    if not patterns:
        return True
    for pat in patterns:
        pp, _, tp = pat.partition("/")
        if fnmatch.fnmatchcase(problem, pp or "*") and fnmatch.fnmatchcase(task, tp or "*"):
            return True
    return False


class _Progress:
    def __init__(self, stream=None):
        self.t0 = time.perf_counter()
        self.stream = stream
        self.prefix = ""

    def __call__(self, msg):
        print(f"[{time.perf_counter() - self.t0:7.1f}s] {self.prefix}{msg}",
              file=self.stream or sys.stderr, flush=True)


def candidates_for(infos, setup, progress):
    """The protocol's :class:`protocol.Candidate` of every solver in ``infos`` that has ``setup.task``.

    A solver whose adapter raises (the library lacks the estimator, or the
    input is not supported) is skipped with a progress note.
    """
    from . import solvers as S
    from .protocol import Candidate

    task = setup.task
    candidates = []
    for inf in infos:
        factory = inf.adapters.get(task)
        if factory is None or (inf.float32_only and not setup.is_float32):
            continue
        try:
            fit = factory(setup)
            # float32 rows: the tight reference run is the same solver on the
            # same values in float64, so P* is a float64 optimum
            reference_fit = factory(setup.as_float64(max_iter=setup.reference_max_iter)) \
                if setup.is_float32 else None
        except S.Unavailable as exc:
            progress(f"{inf.name}: skipped ({exc})")
            continue
        except Exception as exc:
            progress(f"{inf.name}: skipped ({type(exc).__name__}: {exc})")
            continue
        candidates.append(Candidate(inf.name, fit, default_tol=inf.default_tol,
                                    tight_tol=inf.tight_tol, tunable=task not in inf.direct,
                                    reference=inf.reference, tol_grid=setup.tol_grid,
                                    reference_fit=reference_fit))
    return candidates


def measure_noting_failures(candidates, setup, args, progress):
    """:func:`protocol.measure` with ``args``' repeats, min-time and budget.

    Returns ``(reference, results, failures)``, ``failures`` being the
    progress messages that report a solver failing.
    """
    from .protocol import measure

    failures = []

    def note_progress(msg):
        if "failed" in msg:
            failures.append(msg)
        progress(msg)

    reference, results = measure(candidates, setup.evaluate, repeats=args.repeats,
                                 target=setup.target, min_time=args.min_time, budget=args.budget,
                                 progress=note_progress)
    return reference, results, failures


def peak_memory(candidates, results, setup, progress):
    """``{name: (peak bytes, bytes of the X it got)}``: one untimed fit per solver under tracemalloc.

    The fit is at the solver's default tol (what a user runs). NumPy reports
    its buffers to tracemalloc, so the peak counts every array the fit
    allocates (copies of ``X`` included) above what existed before; the data
    passed in are not counted. For ``shrinkage-f64`` the float64 copy is made
    before (it is its input), so its size of X is the float64 one.
    """
    import tracemalloc
    import warnings

    out = {}
    for c in candidates:
        if c.name not in results:
            continue
        x = setup.as_float64().X if c.name.endswith("-f64") else setup.X
        xbytes = x.data.nbytes + x.indices.nbytes + x.indptr.nbytes if hasattr(x, "indptr") \
            else x.nbytes
        tracemalloc.start()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                c.fit(c.default_tol if c.tunable else None)
            _, peak = tracemalloc.get_traced_memory()
        except Exception as exc:
            progress(f"{c.name}: peak memory fit failed: {type(exc).__name__}: {exc}")
            continue
        finally:
            tracemalloc.stop()
        out[c.name] = (peak, xbytes)
        progress(f"{c.name}: peak memory above X {peak / 2**20:.3g} MiB ({peak / xbytes:.2f}x X)")
    return out


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.repeats is None:
        args.repeats = 7 if args.size == "full" else 5
    if args.repeats < 1:
        raise SystemExit("--repeats must be at least 1")
    if args.budget is None:
        args.budget = {"full": 300.0, "quick": 20.0}.get(args.size, float("inf"))
    if "numpy" not in sys.modules:
        # Run as a script: pin before NumPy (and any BLAS/OpenMP runtime) loads.
        _pin_threads(args.threads)

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads):
        return _run(args)


def _run(args):
    from . import problems as P
    from . import report, solvers as S, tasks as T
    from .protocol import TARGET

    progress = _Progress()
    wanted = None if args.solvers is None else {s.strip() for s in args.solvers.split(",") if s.strip()}
    if wanted is not None:
        unknown = wanted - {info.name for info in S.REGISTRY}
        if unknown:
            raise SystemExit(f"unknown solver(s) {sorted(unknown)}; known: "
                             + ", ".join(info.name for info in S.REGISTRY))
    infos, notes = S.available_solvers(wanted)
    for note in notes:
        progress(note)

    pairs = [(prob, task) for prob in P.ALL_PROBLEMS for task in T.TASKS
             if T.runs_on(task, prob) and _matches(args.only, prob, task)]

    if args.list:
        print("problems (" + args.size + "):")
        for prob in P.ALL_PROBLEMS:
            print(f"  {prob:12s} {'x'.join(map(str, P.shape_of(prob, args.size)))}")
        print("tasks: " + ", ".join(T.TASKS) + f"  (cv on {', '.join(sorted(T.CV_PROBLEMS))} only; "
              f"float32 problems: {', '.join(sorted(T.FLOAT32_TASKS))}, "
              f"target {T.TARGET_FLOAT32:g})")
        print("solvers available: " + ", ".join(i.name for i in infos))
        print("selected: " + ", ".join(f"{p}/{t}" for p, t in pairs))
        return 0
    if not pairs:
        raise SystemExit(f"--only {args.only} matches no problem/task pair")

    versions = {name: S.module_version(name) for name in
                ("numpy", "scipy", "sklearn", "shrinkage", "threadpoolctl", "matplotlib")}
    if "shrinkage" in sys.modules or versions["shrinkage"]:
        import shrinkage

        versions["shrinkage"] = f"{versions['shrinkage']} ({Path(shrinkage.__file__).parent})"
    for peer in PEERS:
        versions[peer] = S.module_version(peer)
    settings = {
        "size": args.size,
        "threads": str(args.threads),
        "repeats": str(args.repeats),
        "budget per solver and task": f"{args.budget:g} s",
        "target suboptimality": f"{TARGET:g} (float32 problems: {T.TARGET_FLOAT32:g})",
    }
    info = report.machine_info(versions, settings)
    progress(f"{len(pairs)} problem/task pairs, solvers: {', '.join(i.name for i in infos)}, "
             f"{args.threads} thread(s), {args.repeats} repeats")

    rows, task_notes = [], []
    current = None
    for prob_name, task in pairs:
        if current is None or current.name != prob_name:
            current = None  # free the previous problem before generating the next
            t0 = time.perf_counter()
            current = P.make_problem(prob_name, args.size)
            progress(f"generated {current.label} ({time.perf_counter() - t0:.2f} s)")
        try:
            setup = T.setup_task(task, current, n_jobs=args.threads)
        except T.NotApplicable as exc:
            progress(f"{current.label} / {task}: skipped ({exc})")
            continue
        progress.prefix = f"{current.label} / {task}: "
        progress(setup.description)
        candidates = candidates_for(infos, setup, progress)
        if not candidates:
            progress("no solver for this task")
            progress.prefix = ""
            continue
        reference, results, failures = measure_noting_failures(candidates, setup, args, progress)
        for msg in failures:
            task_notes.append(f"{current.label} / {task}: {msg}")
        memory = peak_memory(candidates, results, setup, progress) if setup.is_float32 else {}
        new_rows = report.rows_from(current, setup, results, memory=memory)
        for r in new_rows:
            if r["note"]:
                task_notes.append(f"{current.label} / {task} / {r['solver']}: {r['note']}")
            progress(f"{r['solver']}: {report._fmt_time(r['time'])} at "
                     f"{report._fmt_tol(r['tol'], r['tunable'])} (subopt {report._fmt_sub(r['subopt'])}), "
                     f"{report._fmt_time(r['default_time'])} at default tol "
                     f"(subopt {report._fmt_sub(r['default_subopt'])})")
        rows.extend(new_rows)
        progress.prefix = ""

    table = report.format_table(rows)
    memory_table = report.format_memory(rows)
    if memory_table:
        table += "\n\nPeak memory of one untimed fit at the default tol (tracemalloc; " \
                 "allocations beyond the data passed in), float32 rows:\n\n" + memory_table
    print(table)
    if task_notes or notes:
        print()
        for note in notes + task_notes:
            print(f"- {note}")

    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = args.out / f"bench-{args.size}-{stamp}"
    chart_note = None
    if not args.no_chart:
        chart_note = report.write_chart(rows, base.with_suffix(".png"),
                                         title=f"shrinkage benchmark ({args.size}), speed-up vs "
                                               "scikit-learn (higher is better)")
        if chart_note:
            progress(chart_note)
        else:
            progress(f"chart: {base.with_suffix('.png')}")
    _write_results(base, info, table, notes + task_notes, rows, chart_note, args)
    progress(f"results: {base.with_suffix('.md')}")
    return 0


LEGEND = """\
Columns marked * are at equal precision: each solver timed at the loosest
tolerance whose relative objective suboptimality (P - P*)/|P*| is <= 1e-6
(paths: worst alpha), P* the best objective of all solvers at a very tight
tolerance. float32 problems (tall32, ...): X and y in float32, objectives and
P* in float64 on the same values (P* from float64 fits), target 1e-5 for
every solver on those rows, tolerances down to 1e-8; shrinkage-f64 is
shrinkage on the same values in float64. "(default)" columns: each solver at its library's default tol
(1e-4 for scikit-learn and shrinkage, the same duality-gap criterion).
"speed-up" = scikit-learn's median time / this solver's (higher is better).
"direct" = solved without a tolerance; "(!)" = the target not reached
(timed at the tightest tol tried); "✗" = not comparable (truncated path, or CV chose a
different alpha_ than the reference). Times are medians of alternating
rounds, BLAS threads pinned equally.
"""


def _write_results(base, info, table, notes, rows, chart_note, args):
    import json

    from . import report

    lines = ["# shrinkage benchmark", "", "## Machine and versions", "", report.format_machine(info),
             "", f"Command: `python bench/run.py {' '.join(_argv_for_record(args))}`", "",
             "## Results", "", table, "", LEGEND]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    if chart_note is None and not args.no_chart:
        lines += ["## Chart", "", f"![speed-up vs scikit-learn]({base.with_suffix('.png').name})", ""]
    base.with_suffix(".md").write_text("\n".join(lines))

    record = {"machine": info, "notes": notes, "rows": [json_clean(dict(r)) for r in rows]}
    base.with_suffix(".json").write_text(json.dumps(record, indent=1))


def json_clean(x):
    """``x`` with NaN as null, infinities as "inf"/"-inf" and NumPy scalars as Python ones."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, float) and x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if isinstance(x, (list, tuple)):
        return [json_clean(v) for v in x]
    if isinstance(x, dict):
        return {k: json_clean(v) for k, v in x.items()}
    if hasattr(x, "item"):
        return json_clean(x.item())
    return x


def _argv_for_record(args):
    out = [f"--{args.size}", f"--repeats {args.repeats}", f"--threads {args.threads}"]
    out += [f"--only '{o}'" for o in args.only]
    if args.solvers:
        out.append(f"--solvers {args.solvers}")
    return out


if __name__ == "__main__":
    sys.exit(main())
