#!/usr/bin/env python
"""A/B timing of two shrinkage builds on the bench's problems and tasks.

For a change that should not move speed (a refactor) or whose speed effect is
to be measured, time the old and the new build side by side::

    OPENBLAS_NUM_THREADS=1 python bench/ab.py OLD/src NEW/src --rounds 7

``OLD/src`` and ``NEW/src`` are source trees with their extensions built in
place (``python setup.py build_ext --inplace``). Each round starts one worker
process per build, alternating A, B, A, B, ... (so a slow spell of the shared
machine hits both), and every worker times every selected (problem, task) pair
of ``bench/run.py`` at the given tolerances, each call repeated until it has
run ``--min-time`` seconds. The table gives the median over rounds of each
build's time and the ratio B/A, with the largest relative difference of the
two builds' coefficients (0 for a behaviour-preserving change: the same
tolerance then gives the same answer, so the comparison is at equal precision
by construction). BLAS threads are whatever the caller pins (1 above).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent


def _pairs(size, only):
    sys.path.insert(0, str(BENCH.parent))
    from bench import problems as P, tasks as T
    from bench.run import _matches

    return [(prob, task) for prob in P.ALL_PROBLEMS for task in T.TASKS
            if T.runs_on(task, prob) and _matches(only, prob, task)]


def _worker(size, pairs, tols, min_time):
    """Time every pair at every tolerance in this process; JSON to stdout."""
    sys.path.insert(0, str(BENCH.parent))
    from bench import problems as P, solvers as S, tasks as T

    info = next(i for i in S.REGISTRY if i.name == "shrinkage")
    out, problem = {}, None
    for prob, task in pairs:
        if problem is None or problem.name != prob:
            problem = None
            problem = P.make_problem(prob, size)
        setup = T.setup_task(task, problem)
        try:
            fit = info.adapters[task](setup)
        except S.Unavailable:  # a build without it (e.g. bounds before they landed)
            continue
        for tol in (tols if task not in info.direct else [None]):
            result = fit(tol)  # warm-up, and the answer compared between builds
            reps, start = 0, time.perf_counter()
            while True:
                fit(tol)
                reps += 1
                elapsed = time.perf_counter() - start
                if elapsed >= min_time:
                    break
            coef = result.coefs if result.coefs is not None else result.coef
            out[f"{prob}/{task}@{tol}"] = {"time": elapsed / reps,
                                           "coef": np.asarray(coef).ravel().tolist()}
    json.dump(out, sys.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a", help="source tree A (e.g. the commit before), src/ with built extensions")
    ap.add_argument("b", help="source tree B (the change)")
    ap.add_argument("--size", default="quick", choices=("tiny", "quick", "full"))
    ap.add_argument("--only", action="append", default=[], metavar="PROBLEM/TASK")
    ap.add_argument("--tols", default="1e-4,1e-8",
                    help="comma-separated tolerances for the iterative tasks (default 1e-4,1e-8)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    tols = [float(t) for t in args.tols.split(",")]
    pairs = _pairs(args.size, args.only)
    if args.worker:
        _worker(args.size, pairs, tols, args.min_time)
        return 0

    runs = {"A": [], "B": []}
    for r in range(args.rounds):
        for label, tree in (("A", args.a), ("B", args.b)):
            env = dict(os.environ, PYTHONPATH=str(Path(tree).resolve()))
            cmd = [sys.executable, __file__, args.a, args.b, "--worker", "--size", args.size,
                   "--tols", args.tols, "--min-time", str(args.min_time)]
            for o in args.only:
                cmd += ["--only", o]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            runs[label].append(json.loads(proc.stdout))
            print(f"round {r + 1}/{args.rounds} {label} done", file=sys.stderr)

    print(f"| task | A (median of {args.rounds}) | B | B/A | max rel. coef diff |")
    print("| --- | --- | --- | --- | --- |")
    worst = 0.0
    for key in runs["A"][0]:
        if key not in runs["B"][0]:
            continue  # a task one of the builds lacks
        ta = float(np.median([run[key]["time"] for run in runs["A"]]))
        tb = float(np.median([run[key]["time"] for run in runs["B"]]))
        ca, cb = np.asarray(runs["A"][0][key]["coef"]), np.asarray(runs["B"][0][key]["coef"])
        diff = float(np.max(np.abs(ca - cb)) / max(np.max(np.abs(ca)), 1e-300)) if ca.size else 0.0
        worst = max(worst, tb / ta)
        print(f"| {key} | {_fmt(ta)} | {_fmt(tb)} | {tb / ta:.3f} | {diff:.1e} |")
    print(f"\nslowest B/A: {worst:.3f}")
    return 0


def _fmt(t):
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


if __name__ == "__main__":
    sys.exit(main())
