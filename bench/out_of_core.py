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

dask-ml's Lasso/ElasticNet are run on the same data when dask-ml is
installed (``--dask-ml``): time and the objective they reach.
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
    blocks = [da.from_delayed(load(path, a, min(n, a + block_rows)),
                              shape=(min(n, a + block_rows) - a, p), dtype=np.float64)
              for a in range(0, n, block_rows)]
    y = np.load(directory / "y.npy", mmap_mode="r")
    return da.concatenate(blocks), da.from_array(np.asarray(y), chunks=block_rows)


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
        worker_rss = (max(client.run(lambda: _peak_rss_mib()).values())
                      if client is not None else None)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    return {"wall_s": wall, "peak_rss_mib": _peak_rss_mib(),
            "worker_peak_rss_mib": worker_rss, "alpha_": est.alpha_,
            "n_nonzero": int(np.count_nonzero(est.coef_)), "blocks": X.numblocks[0]}


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


def dask_ml_fits(directory, block_rows):
    try:
        import dask_ml.linear_model as dml
    except ImportError:
        return {"skipped": "dask-ml is not installed"}
    X, y = dask_design(directory, block_rows)
    out = {}
    for name in ("Lasso", "ElasticNet"):
        start = time.perf_counter()
        est = getattr(dml, name)().fit(X, y)
        out[name] = {"wall_s": time.perf_counter() - start,
                     "coef_norm1": float(np.abs(est.coef_).sum())}
    return out


def _step(args, step):
    cmd = [sys.executable, __file__, "--dir", str(args.dir), "--gb", str(args.gb),
           "--p", str(args.p), "--block-rows", str(args.block_rows),
           "--workers", str(args.workers), "--subset", str(args.subset), "--step", step]
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
    parser.add_argument("--step", choices=["generate", "fit", "subset", "dask_ml"])
    args = parser.parse_args()
    if args.step == "generate":
        result = generate(args.dir, args.gb, args.p, args.block_rows, args.seed)
    elif args.step == "fit":
        result = fit(args.dir, args.block_rows, args.workers)
    elif args.step == "subset":
        result = subset(args.dir, args.subset, args.block_rows)
    elif args.step == "dask_ml":
        result = dask_ml_fits(args.dir, args.block_rows)
    else:
        steps = ["generate", "fit", "subset"] + (["dask_ml"] if args.dask_ml else [])
        result = {step: _step(args, step) for step in steps}
        result["machine_memory_gib"] = (os.sysconf("SC_PAGE_SIZE")
                                        * os.sysconf("SC_PHYS_PAGES") / 2**30)
        print(json.dumps(result, indent=2))
        return
    print(json.dumps(result))


if __name__ == "__main__":
    main()
