"""Out-of-core benchmark (issue #22): LassoCV(cv=5) through dask on a design
stored on disk, larger than memory.

Steps (each in its own process, so every peak RSS is that step's own):

1. ``generate``: ``X.npy`` (float64, n x p, written in row blocks through a
   memmap) and ``y.npy`` in ``--dir``; ``n`` from ``--gb``.
2. ``fit``: ``LassoCV(cv=5)`` on dask arrays whose blocks are read from
   ``X.npy`` by each task (opened, copied, closed: no mapping outlives its
   task, so resident memory stays at a few blocks plus the O(p^2)
   statistics), on the threaded scheduler or a ``distributed.LocalCluster``
   (``--workers``); wall time and peak RSS (workers included).
3. ``subset``: the first ``--subset`` rows in memory, shrinkage's LassoCV
   (in memory and through dask) against scikit-learn's: ``alpha_`` and the
   largest coefficient difference.

Usage (the lead's quiet-machine run; 24 GB is 1.5x a 16 GB machine)::

    OPENBLAS_NUM_THREADS=1 python bench/out_of_core.py --dir /scratch/ooc --gb 24
    python bench/out_of_core.py --dir /tmp/ooc --gb 0.01 --subset 2000   # smoke

4. ``dask_ml`` (``--dask-ml``; ``--dask-ml-python`` when dask-ml lives in
   another environment): dask-ml's Lasso and elastic net at the alpha
   shrinkage chose, on the whole design (its ADMM iterations capped) and on
   the in-memory subset (dask-ml's defaults): time and the objective reached
   beside shrinkage's.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ENET_L1_RATIO = 0.5


def _peak_rss_mib(children=False):
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def generate(directory, gb, p, block_rows, seed):
    directory.mkdir(parents=True, exist_ok=True)
    n = max(int(gb * 2**30 / (8 * p)), 10 * p)
    rng = np.random.default_rng(seed)
    coef = np.zeros(p)
    support = rng.choice(p, size=max(3, p // 20), replace=False)
    coef[support] = rng.choice([-1.0, 1.0], support.size) * rng.uniform(1, 3, support.size)
    scale, offset = rng.uniform(0.5, 3.0, p), rng.uniform(-10.0, 10.0, p)  # as 'tall'
    X = np.lib.format.open_memmap(directory / "X.npy", mode="w+", dtype=np.float64,
                                  shape=(n, p))
    y = np.empty(n)
    for a in range(0, n, block_rows):
        b = min(n, a + block_rows)
        block = rng.standard_normal((b - a, p)) * scale + offset
        X[a:b] = block
        y[a:b] = block @ coef + 3.0 + rng.standard_normal(b - a) * 2.0
        X.flush()
    del X
    np.save(directory / "y.npy", y)
    return {"n": n, "p": p, "bytes": n * p * 8}


def _load_rows(path, start, stop):
    rows = np.load(path, mmap_mode="r")
    out = np.array(rows[start:stop])  # a copy; the mapping closes with `rows`
    del rows
    return out


def dask_design(directory, block_rows):
    import dask
    import dask.array as da

    path = str(directory / "X.npy")
    n, p = np.load(path, mmap_mode="r").shape
    load = dask.delayed(_load_rows, pure=True)

    def rows_of(file, *tail):  # y's blocks too are read by their tasks, not shipped
        return da.concatenate([
            da.from_delayed(load(file, a, min(n, a + block_rows)),
                            shape=(min(n, a + block_rows) - a, *tail), dtype=np.float64)
            for a in range(0, n, block_rows)])

    return rows_of(path, p), rows_of(str(directory / "y.npy"))


def fit(directory, block_rows, workers):
    sys.path.insert(0, str(ROOT / "src"))
    import shrinkage

    X, y = dask_design(directory, block_rows)
    client = cluster = None
    if workers:
        import distributed
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
        client = distributed.Client(cluster)
    try:
        start = time.perf_counter()
        est = shrinkage.LassoCV(cv=5, verbose=1).fit(X, y)
        wall = time.perf_counter() - start
        # The elastic net at the chosen alpha: the model dask-ml is compared on.
        start = time.perf_counter()
        enet = shrinkage.ElasticNet(alpha=est.alpha_, l1_ratio=ENET_L1_RATIO).fit(X, y)
        enet_wall = time.perf_counter() - start
        worker_rss = (max(client.run(lambda: _peak_rss_mib()).values())
                      if client is not None else None)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    return {"wall_s": wall, "enet_wall_s": enet_wall, "peak_rss_mib": _peak_rss_mib(),
            "worker_peak_rss_mib": worker_rss, "alpha_": float(est.alpha_),
            "n_nonzero": int(np.count_nonzero(est.coef_)), "blocks": X.numblocks[0],
            "coef": est.coef_.tolist(), "intercept": float(est.intercept_),
            "enet_coef": enet.coef_.tolist(), "enet_intercept": float(enet.intercept_)}


def subset(directory, rows, block_rows):
    sys.path.insert(0, str(ROOT / "src"))
    import dask.array as da
    import shrinkage
    from sklearn.linear_model import LassoCV as SkLassoCV

    X = np.array(np.load(directory / "X.npy", mmap_mode="r")[:rows])
    y = np.array(np.load(directory / "y.npy", mmap_mode="r")[:rows])
    out = {}
    for name, make, data in [
            ("sklearn", lambda: SkLassoCV(cv=5), (X, y)),
            ("shrinkage", lambda: shrinkage.LassoCV(cv=5), (X, y)),
            ("shrinkage_dask", lambda: shrinkage.LassoCV(cv=5),
             (da.from_array(X, chunks=(block_rows, -1)), da.from_array(y, chunks=block_rows)))]:
        start = time.perf_counter()
        est = make().fit(*data)
        out[name] = {"wall_s": time.perf_counter() - start, "alpha_": float(est.alpha_),
                     "coef": est.coef_.tolist()}
    ref = np.array(out["sklearn"]["coef"])
    for name in ("shrinkage", "shrinkage_dask"):
        diff = np.abs(np.array(out[name].pop("coef")) - ref).max() / np.abs(ref).max()
        out[name]["max_rel_coef_diff_vs_sklearn"] = float(diff)
    out["sklearn"].pop("coef")
    return out


def _objectives(X, y, models):
    """scikit-learn's elastic-net objective of each ``(coef, intercept, alpha,
    l1_ratio)``; on dask input all models' residuals come from one pass."""
    coefs = np.array([m[0] for m in models])            # (k, p)
    intercepts = np.array([m[1] for m in models])
    rss = ((y[:, None] - X @ coefs.T - intercepts) ** 2).sum(axis=0)
    if hasattr(rss, "compute"):
        rss = rss.compute()
    n = X.shape[0]
    return [float(r / (2 * n) + a * l1 * np.abs(c).sum() + a * (1 - l1) / 2 * (c ** 2).sum())
            for r, (c, _, a, l1) in zip(rss, models)]


def _dask_ml_versus(X, y, alpha, ours, max_iter):
    """dask-ml's Lasso and elastic net (``LinearRegression`` with
    ``penalty='l1'`` / ``'elastic_net'``, its default ADMM solver) at
    ``alpha``, timed, and both its and shrinkage's (``ours``) objectives.

    dask-glm minimises ``||y - X b||^2 + (1/C) R(b)`` with ``R`` the l1 norm
    (elastic net: ``w |b|_1 + (1 - w) |b|^2 / 2``, ``w = 0.5``) and the
    intercept as a penalised column of ones, so ``C = 1 / (2 n alpha)`` gives
    scikit-learn's objective up to that intercept penalty. Objectives are
    evaluated in scikit-learn's form (intercept unpenalised).
    """
    import dask_ml.linear_model as dml

    n = X.shape[0]
    out = {"max_iter": max_iter}
    for name, penalty, l1_ratio in [("lasso", "l1", 1.0),
                                    ("elastic_net", "elastic_net", ENET_L1_RATIO)]:
        est = dml.LinearRegression(penalty=penalty, C=1.0 / (2 * n * alpha),
                                   solver="admm", max_iter=max_iter)
        start = time.perf_counter()
        est.fit(X, y)
        wall = time.perf_counter() - start
        coef, intercept = ours[name]
        theirs, mine = _objectives(X, y, [
            (np.asarray(est.coef_), float(est.intercept_), alpha, l1_ratio),
            (np.asarray(coef), intercept, alpha, l1_ratio)])
        out[name] = {"dask_ml_wall_s": wall, "dask_ml_objective": theirs,
                     "shrinkage_objective": mine, "dask_ml_rel_excess": (theirs - mine) / mine,
                     "dask_ml_nonzero": int(np.count_nonzero(est.coef_)),
                     "shrinkage_nonzero": int(np.count_nonzero(coef)),
                     "max_abs_coef_diff": float(np.abs(np.asarray(est.coef_) - coef).max())}
    return out


def dask_ml_fits(directory, block_rows, fitted, max_iter, rows):
    """dask-ml against shrinkage at the alpha shrinkage's LassoCV chose: on the
    whole design from disk (dask-ml's iterations capped at ``max_iter``: each
    ADMM iteration reads all of ``X``) and on the first ``rows`` rows in
    memory with dask-ml's default ``max_iter``."""
    try:
        import dask_ml
    except ImportError:
        return {"skipped": "dask-ml is not installed"}
    sys.path.insert(0, str(ROOT / "src"))
    import dask.array as da
    import shrinkage

    alpha = fitted["alpha_"]
    X, y = dask_design(directory, block_rows)
    out = {"dask_ml_version": dask_ml.__version__, "alpha": alpha}
    out["whole"] = _dask_ml_versus(X, y, alpha, {
        "lasso": (np.asarray(fitted["coef"]), fitted["intercept"]),
        "elastic_net": (np.asarray(fitted["enet_coef"]), fitted["enet_intercept"])}, max_iter)
    Xs = np.array(np.load(directory / "X.npy", mmap_mode="r")[:rows])
    ys = np.array(np.load(directory / "y.npy", mmap_mode="r")[:rows])
    ours, walls = {}, {}
    for name, l1_ratio in [("lasso", 1.0), ("elastic_net", ENET_L1_RATIO)]:
        start = time.perf_counter()
        est = shrinkage.ElasticNet(alpha=alpha, l1_ratio=l1_ratio).fit(Xs, ys)
        walls[name] = time.perf_counter() - start
        ours[name] = (est.coef_, float(est.intercept_))
    out["subset"] = _dask_ml_versus(da.from_array(Xs, chunks=(block_rows, -1)),
                                    da.from_array(ys, chunks=block_rows), alpha, ours, 100)
    out["subset"]["rows"] = rows
    for name in walls:
        out["subset"][name]["shrinkage_wall_s"] = walls[name]
    return out


def _step(args, step, fitted=None):
    python = args.dask_ml_python if step == "dask_ml" else sys.executable
    cmd = [python, __file__, "--dir", str(args.dir), "--gb", str(args.gb),
           "--p", str(args.p), "--block-rows", str(args.block_rows),
           "--workers", str(args.workers), "--subset", str(args.subset),
           "--dask-ml-max-iter", str(args.dask_ml_max_iter), "--step", step]
    if fitted is not None:
        cmd += ["--fitted", json.dumps(fitted)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    print(out.stdout, end="")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--gb", type=float, default=24.0, help="size of X on disk")
    parser.add_argument("--p", type=int, default=200)
    parser.add_argument("--block-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0,
                        help="distributed.LocalCluster workers (0: threads)")
    parser.add_argument("--subset", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20260022)
    parser.add_argument("--dask-ml", action="store_true")
    parser.add_argument("--dask-ml-python", default=sys.executable,
                        help="the Python that has dask-ml (it pins its own versions)")
    parser.add_argument("--dask-ml-max-iter", type=int, default=3,
                        help="dask-ml's ADMM iterations on the whole design")
    parser.add_argument("--fitted", help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=["generate", "fit", "subset", "dask_ml"])
    args = parser.parse_args()
    if args.step == "generate":
        result = generate(args.dir, args.gb, args.p, args.block_rows, args.seed)
    elif args.step == "fit":
        result = fit(args.dir, args.block_rows, args.workers)
    elif args.step == "subset":
        result = subset(args.dir, args.subset, args.block_rows)
    elif args.step == "dask_ml":
        result = dask_ml_fits(args.dir, args.block_rows, json.loads(args.fitted),
                              args.dask_ml_max_iter, args.subset)
    else:
        result = {step: _step(args, step) for step in ["generate", "fit", "subset"]}
        if args.dask_ml:
            result["dask_ml"] = _step(args, "dask_ml", fitted=result["fit"])
        for key in ("coef", "enet_coef"):  # they went to dask_ml; keep the report short
            result["fit"].pop(key)
        result["machine_memory_gib"] = (os.sysconf("SC_PAGE_SIZE")
                                        * os.sysconf("SC_PHYS_PAGES") / 2**30)
        print(json.dumps(result, indent=2))
        return
    print(json.dumps(result))


if __name__ == "__main__":
    main()
