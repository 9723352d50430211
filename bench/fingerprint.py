"""Bit-for-bit fingerprints of shrinkage's results, for behaviour-preserving changes.

A refactor that claims to change nothing proves it: run this before and after,
on the same machine and library versions, and compare::

    PYTHONPATH=src python bench/fingerprint.py --out before.json   # old build
    PYTHONPATH=src python bench/fingerprint.py --out after.json    # new build
    python bench/fingerprint.py --compare before.json after.json

Each case fits one estimator or path function on a seeded problem (the
bench's problems at ``--size``, default ``quick``, plus weighted, sparse,
penalty-factor and multi-target variants) and records a SHA-256 of every
result array's bytes (coefficients, intercepts, paths, CV errors), the duality
gaps and the iteration (pass) counts. ``--compare`` lists every case whose
record differs, and exits 1 if any does. Results depend on the BLAS and the
CPU, so compare runs of one machine and environment only.
"""

import argparse
import hashlib
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from problems import make_problem  # noqa: E402


def _digest(value):
    arr = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
    return hashlib.sha256(arr.tobytes()).hexdigest()[:20] + f":{arr.shape}"


def _record(est, names):
    out = {}
    for name in names:
        if hasattr(est, name):
            value = getattr(est, name)
            if np.ndim(value) == 0 and not isinstance(value, np.ndarray):
                out[name] = repr(float(value))
            else:
                out[name] = _digest(value)
    return out


ENET_ATTRS = ("coef_", "intercept_", "dual_gap_", "n_iter_")
CV_ATTRS = ("alpha_", "l1_ratio_", "alphas_", "mse_path_", "coef_", "intercept_",
            "dual_gap_", "n_iter_", "alpha_1se_")
RIDGE_ATTRS = ("coef_", "intercept_", "alpha_", "best_score_", "cv_results_")


def _cases(size):
    import shrinkage as sh

    probs = {name: make_problem(name, size) for name in
             ("seed", "tall", "wide", "corr", "sparse", "ridge_small", "ridge_tall",
              "ridge_mid", "ridge_wide")}
    rng = np.random.default_rng(12345)

    for name in ("seed", "tall", "wide", "corr", "sparse"):
        P = probs[name]
        X, y = P.X, P.y
        n, p = X.shape
        w = rng.uniform(0.0, 2.0, n)
        pf = rng.uniform(0.0, 2.0, p)
        pf[: max(1, p // 50)] = 0.0
        alpha_max = float(np.max(np.abs(
            (X.T @ (y - y.mean())) if not sp.issparse(X) else X.T @ (y - y.mean())))) / n
        for frac in (0.3, 0.05, 0.01):
            alpha = frac * alpha_max
            for pre in ((False, True) if not sp.issparse(X) else (False,)):
                yield (f"{name}/lasso/a{frac}/pre{pre}",
                       lambda X=X, y=y, a=alpha, pre=pre:
                       _record(sh.Lasso(alpha=a, precompute=pre, tol=1e-6).fit(X, y), ENET_ATTRS))
            yield (f"{name}/enet/a{frac}",
                   lambda X=X, y=y, a=alpha:
                   _record(sh.ElasticNet(alpha=a, l1_ratio=0.7, tol=1e-6).fit(X, y), ENET_ATTRS))
        a = 0.05 * alpha_max
        yield (f"{name}/lasso/weighted-pf",
               lambda X=X, y=y, a=a, w=w, pf=pf:
               _record(sh.Lasso(alpha=a, penalty_factor=pf, tol=1e-8).fit(X, y, sample_weight=w),
                       ENET_ATTRS))
        yield (f"{name}/lasso/positive-random",
               lambda X=X, y=y, a=a:
               _record(sh.Lasso(alpha=a, positive=True, selection="random", random_state=3,
                                tol=1e-6).fit(X, y), ENET_ATTRS))
        yield (f"{name}/enet/nointercept",
               lambda X=X, y=y, a=a:
               _record(sh.ElasticNet(alpha=a, l1_ratio=0.5, fit_intercept=False,
                                     tol=1e-6).fit(X, y), ENET_ATTRS))
        yield (f"{name}/lasso/max_iter3",
               lambda X=X, y=y, a=0.01 * alpha_max:
               _record(sh.Lasso(alpha=a, max_iter=3, tol=1e-12).fit(X, y), ENET_ATTRS))

        def path(X=X, y=y, pre="auto", l1_ratio=1.0):
            alphas, coefs, gaps, n_iters = sh.enet_path(
                X, y, l1_ratio=l1_ratio, alphas=30, eps=1e-3, precompute=pre, tol=1e-6,
                return_n_iter=True)
            return {"alphas": _digest(alphas), "coefs": _digest(coefs), "gaps": _digest(gaps),
                    "n_iter": repr(n_iters)}
        yield f"{name}/path/auto", path
        yield f"{name}/enet_path/l1r0.5", lambda path=path: path(l1_ratio=0.5)
        if not sp.issparse(X):
            yield f"{name}/path/gram", lambda path=path: path(pre=True)
            yield f"{name}/path/naive", lambda path=path: path(pre=False)
        if name in ("seed", "tall", "sparse"):
            yield (f"{name}/lassocv",
                   lambda X=X, y=y: _record(sh.LassoCV(cv=3, alphas=20, tol=1e-6).fit(X, y),
                                            CV_ATTRS))
            yield (f"{name}/enetcv-weighted",
                   lambda X=X, y=y, w=w: _record(
                       sh.ElasticNetCV(cv=3, l1_ratio=[0.3, 0.9], alphas=15, tol=1e-6)
                       .fit(X, y, sample_weight=w), CV_ATTRS))
        if name in ("seed", "wide"):
            yield (f"{name}/relaxed",
                   lambda X=X, y=y, a=a: _record(sh.RelaxedLasso(alpha=a, gamma=0.5).fit(X, y),
                                                 ENET_ATTRS))
            yield (f"{name}/relaxedcv",
                   lambda X=X, y=y: _record(sh.RelaxedLassoCV(cv=3, alphas=10).fit(X, y),
                                            CV_ATTRS + ("gamma_",)))
        if name == "seed":
            Y = np.column_stack([y, y[::-1], 2 * y + 1])
            yield ("seed/lasso/multitarget",
                   lambda X=X, Y=Y: _record(sh.Lasso(alpha=0.05).fit(X, Y), ENET_ATTRS))

    yield from _extension_cases(probs, rng)

    for name in ("ridge_small", "ridge_tall", "ridge_mid", "ridge_wide"):
        P = probs[name]
        X, y = P.X, P.y
        n, p = X.shape
        w = rng.uniform(0.1, 2.0, n)
        Y = np.column_stack([y, np.sin(y)])
        for alpha in (1e-3, 1.0, 100.0):
            yield (f"{name}/ridge/a{alpha}",
                   lambda X=X, y=y, a=alpha: _record(sh.Ridge(alpha=a).fit(X, y), RIDGE_ATTRS))
        yield (f"{name}/ridge/weighted-multi",
               lambda X=X, Y=Y, w=w: _record(sh.Ridge(alpha=[0.5, 5.0]).fit(X, Y, sample_weight=w),
                                             RIDGE_ATTRS))
        # Positive Ridge (NNLS) on ridge_wide takes minutes at quick size: left out.
        if name != "ridge_wide":
            yield (f"{name}/ridge/positive",
                   lambda X=X, y=y: _record(sh.Ridge(alpha=1.0, positive=True).fit(X, y),
                                            RIDGE_ATTRS))
        yield (f"{name}/ridge/sparse",
               lambda X=X, y=y: _record(sh.Ridge(alpha=1.0).fit(sp.csr_matrix(X), y),
                                        RIDGE_ATTRS))
        yield (f"{name}/linreg",
               lambda X=X, y=y, w=w: _record(sh.LinearRegression().fit(X, y, sample_weight=w),
                                             RIDGE_ATTRS))
        yield (f"{name}/ridgecv/loo",
               lambda X=X, y=y: _record(sh.RidgeCV(alphas=np.logspace(-3, 3, 7)).fit(X, y),
                                        RIDGE_ATTRS))
        yield (f"{name}/ridgecv/loo-weighted-multi",
               lambda X=X, Y=Y, w=w: _record(
                   sh.RidgeCV(alphas=np.logspace(-2, 2, 5), alpha_per_target=True)
                   .fit(X, Y, sample_weight=w), RIDGE_ATTRS))
        yield (f"{name}/ridgecv/kfold",
               lambda X=X, y=y: _record(sh.RidgeCV(alphas=np.logspace(-3, 3, 7), cv=4).fit(X, y),
                                        RIDGE_ATTRS))
        yield (f"{name}/ridge_path",
               lambda X=X, y=y: dict(zip(("alphas", "coefs", "intercepts"),
                                         map(_digest, sh.ridge_path(X, y, np.logspace(-2, 2, 9))))))


def _extension_cases(probs, rng):
    """Multi-task, box-constrained and float32 fits: the kernels beside the
    plain elastic net's, each on a dense and a sparse problem."""
    import shrinkage as sh

    for name in ("seed", "wide", "sparse"):
        P = probs[name]
        X, y = P.X, P.y
        n, p = X.shape
        w = rng.uniform(0.0, 2.0, n)
        Y = np.column_stack([y, np.roll(y, 7), 0.5 * y + rng.standard_normal(n)])
        Xc = X.T @ (Y - Y.mean(axis=0))
        a_mt = 0.1 * float(np.max(np.sqrt(np.sum(np.asarray(Xc) ** 2, axis=1)))) / n
        yield (f"{name}/multitask/lasso",
               lambda X=X, Y=Y, a=a_mt: _record(
                   sh.MultiTaskLasso(alpha=a, tol=1e-6).fit(X, Y), ENET_ATTRS))
        yield (f"{name}/multitask/enet-weighted",
               lambda X=X, Y=Y, a=a_mt, w=w: _record(
                   sh.MultiTaskElasticNet(alpha=a, l1_ratio=0.6, tol=1e-6)
                   .fit(X, Y, sample_weight=w), ENET_ATTRS))
        yield (f"{name}/multitask/lassocv",
               lambda X=X, Y=Y: _record(
                   sh.MultiTaskLassoCV(cv=3, alphas=8, tol=1e-6).fit(X, Y), CV_ATTRS))

        a = 0.05 * float(np.max(np.abs(X.T @ (y - y.mean())))) / n
        lower = np.where(np.arange(p) % 3 == 0, -0.05, -np.inf)
        upper = np.where(np.arange(p) % 4 == 0, 0.1, np.inf)
        pres = (False, True) if not sp.issparse(X) else (False,)
        for pre in pres:
            yield (f"{name}/box/lasso/pre{pre}",
                   lambda X=X, y=y, a=a, pre=pre: _record(
                       sh.Lasso(alpha=a, lower_bounds=lower, upper_bounds=upper,
                                precompute=pre, tol=1e-6).fit(X, y), ENET_ATTRS))
        yield (f"{name}/box/path",
               lambda X=X, y=y: dict(zip(("alphas", "coefs", "gaps"), map(_digest, sh.enet_path(
                   X, y, l1_ratio=0.8, alphas=12, lower_bounds=-0.1, upper_bounds=0.2,
                   tol=1e-6)))))

        X32, y32 = X.astype(np.float32), y.astype(np.float32)
        for pre in pres:
            yield (f"{name}/float32/lasso/pre{pre}",
                   lambda X=X32, y=y32, a=a, pre=pre: _record(
                       sh.Lasso(alpha=a, precompute=pre, tol=1e-5).fit(X, y), ENET_ATTRS))
        yield (f"{name}/float32/enet-weighted",
               lambda X=X32, y=y32, a=a, w=w: _record(
                   sh.ElasticNet(alpha=a, l1_ratio=0.5, tol=1e-5).fit(X, y, sample_weight=w),
                   ENET_ATTRS))
        yield (f"{name}/float32/path",
               lambda X=X32, y=y32: dict(zip(("alphas", "coefs", "gaps"), map(_digest, sh.enet_path(
                   X, y, l1_ratio=1.0, alphas=20, eps=1e-3, tol=1e-5)))))
        yield (f"{name}/float32/lassocv",
               lambda X=X32, y=y32: _record(sh.LassoCV(cv=3, alphas=10, tol=1e-5).fit(X, y),
                                            CV_ATTRS))


def run(size):
    results = {}
    for key, fn in _cases(size):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                results[key] = fn()
            except Exception as exc:  # recorded, so a change of error shows too
                results[key] = {"error": f"{type(exc).__name__}: {exc}"}
        print(f"{time.perf_counter() - start:8.3f} s  {key}", file=sys.stderr)
    return results


def compare(a_path, b_path):
    a = json.loads(Path(a_path).read_text())
    b = json.loads(Path(b_path).read_text())
    differ = 0
    for key in sorted(set(a) | set(b)):
        ra, rb = a.get(key), b.get(key)
        if ra != rb:
            differ += 1
            print(f"DIFFERS {key}")
            for field in sorted(set(ra or {}) | set(rb or {})):
                va, vb = (ra or {}).get(field), (rb or {}).get(field)
                if va != vb:
                    print(f"    {field}: {va} -> {vb}")
    print(f"{len(set(a) | set(b))} cases, {differ} differ")
    return 1 if differ else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="quick", choices=("tiny", "quick", "full"))
    ap.add_argument("--out", help="write the fingerprints (JSON) here; stdout otherwise")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"),
                    help="compare two fingerprint files; exit 1 if any case differs")
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    text = json.dumps(run(args.size), indent=1, sort_keys=True)
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
