"""Many small problems (issue 19): per-call cost side by side with scikit-learn.

The tasks of issue 19, on the ``seed`` problem (200 x 10, bench/problems.py):

- ``fit``      : ``Lasso(alpha=0.1).fit(X, y)``;
- ``predict``  : ``predict(X)`` of that model;
- ``targets``  : ``Lasso(alpha=0.1).fit(X, Y)``, ``Y`` with ``--targets`` columns
                 (scikit-learn's multi-target ``Lasso``);
- ``designs``  : ``--designs`` independent problems of the seed's shape,
                 ``shrinkage.fit_many`` against a loop of scikit-learn fits;
- ``path``     : 100-alpha ``lasso_path`` on the centred data;
- ``cv``       : ``LassoCV(cv=5)`` (contiguous folds, 100 alphas).

Every solver runs at its library's default ``tol`` (1e-4 for both: the same
duality-gap certificate, so equal certified precision: docs/design.md §5);
the largest coefficient difference to scikit-learn is printed beside the
times as a check that both solved the same problem. Rounds alternate
between the libraries and the median per-call time is reported; BLAS is
pinned to ``--threads`` threads (threadpoolctl) for both.

    PYTHONPATH=src python bench/small.py                 # the issue's sizes
    PYTHONPATH=src python bench/small.py --smoke         # tiny sizes, seconds

Like every benchmark, run it on a quiet machine (bench/README.md).
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from problems import make_problem  # noqa: E402

TASKS = ("fit", "predict", "targets", "designs", "path", "cv")


def _problems(args):
    P = make_problem("seed", "tiny" if args.smoke else "full")
    X, y = np.ascontiguousarray(P.X), P.y
    rng = np.random.default_rng(19)
    n, p = X.shape
    Y = X @ rng.standard_normal((p, args.targets)) + rng.standard_normal((n, args.targets))
    designs = []
    for _ in range(args.designs):
        Xi = rng.standard_normal((n, p))
        designs.append((Xi, Xi @ P.coef_true + 0.5 * rng.standard_normal(n)))
    return X, y, Y, designs


def _calls(args, lib, sh):
    """``{task: (call, result -> coefficients)}`` for ``lib``'s module ``sh``."""
    X, y, Y, designs = _problems(args)
    Xc, yc = np.asfortranarray(X - X.mean(axis=0)), y - y.mean()
    model = sh.Lasso(alpha=0.1).fit(X, y)
    calls = {
        "fit": (lambda: sh.Lasso(alpha=0.1).fit(X, y), lambda m: m.coef_),
        "predict": (lambda: model.predict(X), lambda pred: pred),
        "targets": (lambda: sh.Lasso(alpha=0.1).fit(X, Y), lambda m: m.coef_),
        "path": (lambda: sh.lasso_path(Xc, yc), lambda out: out[1]),  # 100 alphas by default
        "cv": (lambda: sh.LassoCV(cv=5).fit(X, y), lambda m: m.coef_),
    }
    if lib == "shrinkage":
        calls["designs"] = (lambda: sh.fit_many(sh.Lasso(alpha=0.1), designs),
                            lambda fits: fits.coef)
    else:
        calls["designs"] = (lambda: np.array([sh.Lasso(alpha=0.1).fit(Xi, yi).coef_
                                              for Xi, yi in designs]), lambda c: c)
    return calls


def _time(call, min_time):
    """Per-call seconds of one batch lasting at least ``min_time``."""
    reps, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        for _ in range(reps):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / reps
        reps *= 2


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (seconds)")
    parser.add_argument("--targets", type=int, default=None, help="columns of Y (default 1000)")
    parser.add_argument("--designs", type=int, default=None, help="problems (default 1000)")
    parser.add_argument("--repeats", type=int, default=None, help="alternating rounds (default 7)")
    parser.add_argument("--min-time", type=float, default=None, help="shortest batch, s (0.05)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default=",".join(TASKS), help="comma-separated tasks")
    args = parser.parse_args(argv)
    small = args.smoke
    args.targets = args.targets or (20 if small else 1000)
    args.designs = args.designs or (20 if small else 1000)
    args.repeats = args.repeats or (1 if small else 7)
    args.min_time = args.min_time if args.min_time is not None else (0.0 if small else 0.05)
    tasks = [t for t in args.only.split(",") if t]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        parser.error(f"unknown tasks {unknown}; known: {', '.join(TASKS)}")

    import shrinkage
    import sklearn.linear_model as sk
    from threadpoolctl import threadpool_limits

    libs = {"shrinkage": _calls(args, "shrinkage", shrinkage),
            "sklearn": _calls(args, "sklearn", sk)}
    print("| task | shrinkage | scikit-learn | speed-up | max |coef diff| |")
    print("| --- | --- | --- | --- | --- |")
    rows = {}
    with threadpool_limits(limits=args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for task in tasks:
            times = {lib: [] for lib in libs}
            outs = {}
            for _ in range(args.repeats):
                for lib, calls in libs.items():  # alternating rounds
                    call, coef_of = calls[task]
                    outs[lib] = np.asarray(coef_of(call()))
                    times[lib].append(_time(call, args.min_time))
            med = {lib: statistics.median(t) for lib, t in times.items()}
            diff = float(np.max(np.abs(outs["shrinkage"] - outs["sklearn"])))
            rows[task] = (med["shrinkage"], med["sklearn"], diff)
            print(f"| {task} | {_fmt(med['shrinkage'])} | {_fmt(med['sklearn'])} | "
                  f"{med['sklearn'] / med['shrinkage']:.1f}x | {diff:.1e} |", flush=True)
    return rows


def _fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
