#!/usr/bin/env python
"""shrinkage against scikit-learn over a wide seeded problem distribution (issue 20).

    python bench/distribution/run.py --size smoke          # ~1 min: a dozen tiny problems
    python bench/distribution/run.py --size default --list # the specs and a time estimate
    python bench/distribution/run.py --size full --threads 1
    python bench/distribution/run.py --report results/dist-full-....json   # redraw a report

Every problem goes through ``bench/protocol.py``'s :func:`measure` (the
equal-precision protocol of docs/design.md section 5) with the solver
adapters of ``bench/solvers.py``. The JSON record is rewritten after every
problem, so an interrupted run keeps what it measured. See bench/README.md.
"""

import argparse
import fnmatch
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a script: make ``bench.distribution`` importable for the relative imports.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "bench.distribution"

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "results"
#: Per size: timing rounds and the per-solver walk/timing budget (seconds).
RUN_DEFAULTS = {"smoke": dict(repeats=1, budget=2.0), "default": dict(repeats=3, budget=10.0),
                "full": dict(repeats=5, budget=60.0)}
#: Cost model ``seconds = a + b * work_units`` per problem (sklearn + shrinkage, 1 thread,
#: the size's repeats and budget), fitted on 5 default-size problems of 1e5-1e6 work units
#: on the shared 2-core machine under load (6 other sessions): a rough guide for --list.
COST_MODEL = (2.2, 1.75e-6)


def build_parser():
    p = argparse.ArgumentParser(prog="bench/distribution/run.py", description=__doc__.split("\n")[0])
    p.add_argument("--size", choices=("smoke", "default", "full"), default="default",
                   help="how many problems and how large (see bench/README.md; default: default)")
    p.add_argument("--count", type=int, default=None,
                   help="number of synthetic problems (default: the size's 8 / 60 / 240)")
    p.add_argument("--seed", type=int, default=None, help="master seed of the draw")
    p.add_argument("--no-real", action="store_true", help="leave out the bundled real datasets")
    p.add_argument("--only", action="append", default=[], metavar="PATTERN",
                   help="run problems whose name or id matches (shell pattern; repeatable), "
                        "e.g. 'ar1-*', '*_path-*', '*x5_*'")
    p.add_argument("--kind", choices=("single", "path", "cv"), action="append", default=[],
                   help="run this task kind only (repeatable)")
    p.add_argument("--solvers", default="sklearn,shrinkage",
                   help="comma-separated solvers (default: sklearn,shrinkage)")
    p.add_argument("--repeats", type=int, default=None,
                   help="alternating timing rounds, median reported (default 1 / 3 / 5 by size)")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="per solver and problem: tolerance walk and timing budget "
                        "(default 2 / 10 / 60 by size)")
    p.add_argument("--min-time", type=float, default=0.02,
                   help="shortest timed batch; faster calls are repeated inside it (default 0.02)")
    p.add_argument("--threads", type=int, default=1, choices=(1, 2),
                   help="BLAS/OpenMP threads for every solver (default 1)")
    p.add_argument("--worst", type=int, default=10, help="how many worst problems to name")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"directory for the report, JSON and chart (default {DEFAULT_OUT})")
    p.add_argument("--no-chart", action="store_true")
    p.add_argument("--list", action="store_true",
                   help="print the selected specs with a time estimate, then exit")
    p.add_argument("--report", type=Path, default=None, metavar="JSON",
                   help="write the report of an existing record (no runs)")
    return p


def select(args):
    from . import generator as G

    kw = {} if args.seed is None else {"master_seed": args.seed}
    specs = G.draw(args.size, args.count, real=False if args.no_real else None, **kw)
    if args.only:
        specs = [s for s in specs if any(fnmatch.fnmatchcase(s.name, pat)
                                         or fnmatch.fnmatchcase(s.id, pat) for pat in args.only)]
    if args.kind:
        specs = [s for s in specs if s.kind in args.kind]
    return specs


def estimate_seconds(specs, model=COST_MODEL):
    from .generator import work_units

    a, b = model
    return sum(a + b * work_units(s) for s in specs)


def setup_for(spec, problem, n_jobs=1):
    """The :class:`bench.tasks.TaskSetup` of a spec: its alpha, path grid or CV folds."""
    from .. import tasks as T
    from ..protocol import alpha_grid, lambda_max

    X, y = problem.X, problem.y
    what = spec.describe().split("; ", 1)[1]
    if spec.task in ("lasso", "enet"):
        base = T.setup_task(spec.task, problem, n_jobs=n_jobs)
        l1_ratio = 1.0 if spec.task == "lasso" else spec.l1_ratio
        alpha = spec.alpha_frac * lambda_max(X, y, l1_ratio=l1_ratio)
        return replace(base, alpha=alpha, l1_ratio=l1_ratio, description=f"{what} = {alpha:.4g}")
    if spec.task == "path":
        base = T.setup_task("path", problem, n_jobs=n_jobs)  # centred dense data, no intercept
        alphas = alpha_grid(lambda_max(base.X, base.y, fit_intercept=False), spec.n_alphas, spec.eps)
        return replace(base, alphas=alphas, eps=spec.eps, description=what)
    if spec.task == "cv":
        alphas = alpha_grid(lambda_max(X, y), spec.n_alphas, spec.eps)
        return T.TaskSetup(task="cv", problem=problem, X=X, y=y, alphas=alphas, eps=spec.eps,
                           cv=T._contiguous_folds(X.shape[0]), n_jobs=n_jobs, description=what)
    raise ValueError(spec.task)


def main(argv=None):
    args = build_parser().parse_args(argv)
    for key, value in RUN_DEFAULTS[args.size].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.repeats < 1:
        raise SystemExit("--repeats must be at least 1")
    if args.report is not None:
        record = json.loads(args.report.read_text())
        base = args.report.with_suffix("")
        _write_report(base, record, args)
        print(base.with_suffix(".md").read_text())
        return 0
    if args.list:
        return _list(args)
    from .. import run as R

    if "numpy" not in sys.modules:
        R._pin_threads(args.threads)  # before NumPy loads, when run as a script
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads):
        return _run(args)


def _list(args):
    from .generator import work_units

    specs = select(args)
    for s in specs:
        print(f"{s.id}  ({work_units(s):.3g} work units)")
    est = estimate_seconds(specs)
    print(f"{len(specs)} problems; estimated {est / 60:.0f} min at "
          f"a + b*work = {COST_MODEL[0]:g} s + {COST_MODEL[1]:g} s/unit (see COST_MODEL)")
    return 0


def _run(args):
    from .. import report, run as R, solvers as S
    from ..protocol import TARGET
    from . import generator as G

    specs = select(args)
    if not specs:
        raise SystemExit("no problem matches the selection")
    progress = R._Progress()
    wanted = {s.strip() for s in args.solvers.split(",") if s.strip()}
    unknown = wanted - {info.name for info in S.REGISTRY}
    if unknown:
        raise SystemExit(f"unknown solver(s) {sorted(unknown)}")
    infos, notes = S.available_solvers(wanted)
    for note in notes:
        progress(note)
    versions = {name: S.module_version(name) for name in
                ("numpy", "scipy", "sklearn", "shrinkage", "threadpoolctl", "matplotlib")}
    import shrinkage

    versions["shrinkage"] = f"{versions['shrinkage']} ({Path(shrinkage.__file__).parent})"
    settings = {"size": args.size, "problems": str(len(specs)), "threads": str(args.threads),
                "repeats": str(args.repeats), "budget per solver and problem": f"{args.budget:g} s",
                "target suboptimality": f"{TARGET:g}"}
    record = {"machine": report.machine_info(versions, settings), "command": _command(args),
              "specs": [s.as_dict() for s in specs], "rows": [], "walls": [], "notes": list(notes)}
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / f"dist-{args.size}-{time.strftime('%Y%m%d-%H%M%S')}"
    progress(f"{len(specs)} problems, solvers {', '.join(i.name for i in infos)}, estimated "
             f"{estimate_seconds(specs) / 60:.1f} min; record {base.with_suffix('.json')}")
    for i, spec in enumerate(specs, 1):
        t0 = time.perf_counter()
        progress.prefix = f"[{i}/{len(specs)}] {spec.name}: "
        try:
            problem = G.make_problem(spec)
            setup = setup_for(spec, problem, n_jobs=args.threads)
            progress(setup.description)
            candidates = R.candidates_for(infos, setup, progress)
            _, results, failures = R.measure_noting_failures(candidates, setup, args, progress)
        except Exception as exc:  # one broken problem must not lose the others
            record["notes"].append(f"{spec.id}: {type(exc).__name__}: {exc}")
            progress(f"failed: {type(exc).__name__}: {exc}")
            continue
        finally:
            problem = setup = None
        wall = time.perf_counter() - t0
        record["notes"] += [f"{spec.id}: {m}" for m in failures]
        for row in report.rows_from(_Named(spec), _Task(spec.task), results):
            row["spec"] = spec.as_dict()
            record["rows"].append(R.json_clean(dict(row)))
            if row["note"]:
                record["notes"].append(f"{spec.id} / {row['solver']}: {row['note']}")
            progress(f"{row['solver']}: speed-up* {_fx(row['speedup'])}, default "
                     f"{_fx(row['default_speedup'])} (subopt {row['subopt']:.1e} / "
                     f"{row['default_subopt']:.1e})")
        record["walls"].append([spec.id, G.work_units(spec), wall])
        base.with_suffix(".json").write_text(json.dumps(record, indent=1))
    progress.prefix = ""
    base.with_suffix(".json").write_text(json.dumps(record, indent=1))
    _write_report(base, record, args)
    print(base.with_suffix(".md").read_text())
    progress(f"report: {base.with_suffix('.md')}")
    return 0


class _Named:
    """What :func:`report.rows_from` reads of a problem (its name and shape), without the arrays."""

    def __init__(self, spec):
        self.name, self.shape = spec.id, (spec.n, spec.p)


class _Task:
    def __init__(self, task):
        self.task = task


def _fx(v):
    return "—" if v is None or v != v else f"{v:.2f}×"


def _command(args):
    out = [f"--size {args.size}", f"--repeats {args.repeats}", f"--budget {args.budget:g}",
           f"--threads {args.threads}"]
    if args.count is not None:
        out.append(f"--count {args.count}")
    if args.seed is not None:
        out.append(f"--seed {args.seed}")
    if args.no_real:
        out.append("--no-real")
    out += [f"--only '{o}'" for o in args.only] + [f"--kind {k}" for k in args.kind]
    out.append(f"--solvers {args.solvers}")
    return "python bench/distribution/run.py " + " ".join(out)


LEGEND = """\
Speed-up = scikit-learn's median time / shrinkage's on the same problem,
measured side by side (alternating rounds). "Equal precision": each solver
at the loosest tol whose relative suboptimality (P - P*)/|P*| is <= 1e-6
(paths: worst alpha; CV: the final model, which must pick the reference's
alpha_), P* the best objective either reached at tol=1e-12. "Default tol":
both at tol=1e-4 (the same duality-gap criterion), whatever suboptimality
that gives. "(!)": 1e-6 not reached by shrinkage (its time is at the
tightest tol tried). "✗": CV chose a different alpha_ than the reference.
"""


def _write_report(base, record, args):
    from .. import report
    from . import summary as Sm

    rows = record["rows"]
    walls = [(w, s) for _, w, s in record.get("walls", [])]
    total = sum(s for _, s in walls)
    model = Sm.fit_cost_model(walls)
    lines = ["# shrinkage over the problem distribution", "", "## Machine and versions", "",
             report.format_machine(record["machine"]), "", f"Command: `{record['command']}`", "",
             f"Wall time: {total / 60:.1f} min for {len(walls)} problems.", ""]
    if model:
        lines += [f"Cost model fitted on this run: seconds per problem = {model[0]:.3g} + "
                  f"{model[1]:.3g} x work units (n·p or nnz, times 1 / n_alphas / 6·n_alphas "
                  "fits for single / path / CV).", ""]
    lines += ["## Speed-ups of shrinkage over scikit-learn", "", Sm.format_summary(rows), "",
              LEGEND, ""]
    chart = None
    if not args.no_chart:
        chart = Sm.write_chart(rows, base.with_suffix(".png"),
                               title=f"shrinkage vs scikit-learn, {len(Sm.pairs(rows))} problems "
                                     f"({record['machine'].get('size', '')})")
        lines += ([f"![speed-up distribution]({base.with_suffix('.png').name})", ""]
                  if chart is None else [chart, ""])
    for key, heading in Sm.MODES:
        lines += [f"## The {args.worst} worst problems at {heading}", "",
                  Sm.format_worst(rows, args.worst, key), ""]
    lines += ["## Solves that stopped at a worse suboptimality than scikit-learn's at the same tol",
              "", f"At the default tol and at every tol both tolerance walks tried; 'worse' = "
              f"above {Sm.WORSE_FACTOR:g} x scikit-learn's and above {Sm.SUBOPT_FLOOR:g} "
              "(the reference's own precision).", "",
              Sm.format_worse(Sm.worse_at_same_tol(rows)), ""]
    not_reached = [r for r in rows if r["solver"] == "shrinkage" and not r["reached"]]
    if not_reached:
        lines += ["## shrinkage did not reach 1e-6", ""]
        lines += [f"- `{r['spec']['name']}`: {r['spec']['description']} (best {r['subopt']})"
                  for r in not_reached] + [""]
    if record.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in record["notes"]] + [""]
    base.with_suffix(".md").write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
