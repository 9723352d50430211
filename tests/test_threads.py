"""Threads: concurrent fits give bit-identical results to serial ones.

The compiled kernels release the GIL in their long loops, so fits in
several Python threads run at the same time. These tests check that they
share no hidden state: every fit run concurrently (different data per
thread, and many threads on one shared read-only X) returns the same bytes
as the same fit run alone. BLAS is pinned to one thread (threadpoolctl) so
the serial reference is itself deterministic.

``test_report_parallel_speedup`` measures (and prints, never asserts) the
wall time of two concurrent fits against two serial ones; run it with
``-s`` to see the ratio.
"""

import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage

threadpoolctl = pytest.importorskip("threadpoolctl")

N_THREADS = 4


@pytest.fixture(autouse=True)
def single_threaded_blas():
    with threadpoolctl.threadpool_limits(limits=1):
        yield


def problem(seed, n=120, p=60, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) < 0.7] = 0.0
    w = np.zeros(p)
    w[rng.choice(p, 8, replace=False)] = rng.standard_normal(8) * 3
    y = X @ w + rng.standard_normal(n)
    return (sp.csc_matrix(X) if sparse else X), y


def _fitted(est):
    out = [np.asarray(est.coef_), np.asarray(est.intercept_)]
    for attr in ("dual_gap_", "n_iter_", "alpha_", "mse_path_", "alphas_"):
        if hasattr(est, attr):
            out.append(np.asarray(getattr(est, attr)))
    return out


def _has(*names):
    return all(hasattr(shrinkage, n) for n in names)


# name -> (function(seed) returning a list of arrays, needs sparse data)
CASES = {
    "Lasso-naive": lambda d: _fitted(shrinkage.Lasso(alpha=0.05, precompute=False, tol=1e-10).fit(*d)),
    "Lasso-gram": lambda d: _fitted(shrinkage.Lasso(alpha=0.05, precompute=True, tol=1e-10).fit(*d)),
    "ElasticNet-random": lambda d: _fitted(shrinkage.ElasticNet(
        alpha=0.05, l1_ratio=0.3, selection="random", random_state=7, tol=1e-10).fit(*d)),
    "ElasticNet-weights": lambda d: _fitted(shrinkage.ElasticNet(alpha=0.05, tol=1e-10).fit(
        *d, sample_weight=np.linspace(0.5, 2.0, d[0].shape[0]))),
    "Lasso-multitarget": lambda d: _fitted(shrinkage.Lasso(alpha=0.05, tol=1e-10).fit(
        d[0], np.column_stack([d[1], -d[1], d[1] ** 2]))),
    "Lasso-sparse": lambda d: _fitted(shrinkage.Lasso(alpha=0.05, tol=1e-10).fit(
        sp.csc_matrix(np.where(np.abs(d[0]) < 1.0, 0.0, d[0])), d[1])),
}
if _has("lasso_path"):
    CASES["lasso_path"] = lambda d: list(shrinkage.lasso_path(*d, eps=1e-2, tol=1e-8)[:2])
if _has("Ridge"):
    CASES["Ridge"] = lambda d: _fitted(shrinkage.Ridge(alpha=1.0).fit(*d))
    CASES["Ridge-wide"] = lambda d: _fitted(shrinkage.Ridge(alpha=1.0).fit(d[0][:30], d[1][:30]))
if _has("RidgeCV"):
    CASES["RidgeCV"] = lambda d: _fitted(shrinkage.RidgeCV(alphas=(0.1, 1.0, 10.0)).fit(*d))
if _has("LinearRegression"):
    CASES["LinearRegression"] = lambda d: _fitted(shrinkage.LinearRegression().fit(*d))
if _has("LassoCV"):
    CASES["LassoCV-n_jobs"] = lambda d: _fitted(shrinkage.LassoCV(cv=3, alphas=10, n_jobs=2).fit(*d))
if _has("MultiTaskLasso", "MultiTaskElasticNetCV"):
    def _tasks(d):
        return np.column_stack([d[1], -d[1] + d[0][:, 0], 0.5 * d[1]])

    # tall data take covariance updates, wide and sparse data naive ones
    CASES["MultiTaskLasso-gram"] = lambda d: _fitted(shrinkage.MultiTaskLasso(
        alpha=0.05, tol=1e-10).fit(d[0], _tasks(d)))
    CASES["MultiTaskLasso-naive-weights"] = lambda d: _fitted(shrinkage.MultiTaskLasso(
        alpha=0.05, tol=1e-10).fit(d[0][:40], _tasks(d)[:40], sample_weight=np.linspace(0.5, 2, 40)))
    CASES["MultiTaskElasticNet-sparse"] = lambda d: _fitted(shrinkage.MultiTaskElasticNet(
        alpha=0.05, tol=1e-10).fit(sp.csc_matrix(np.where(np.abs(d[0]) < 1.0, 0.0, d[0])),
                                   _tasks(d)))
    CASES["MultiTaskElasticNetCV-n_jobs"] = lambda d: _fitted(shrinkage.MultiTaskElasticNetCV(
        cv=3, alphas=8, n_jobs=2).fit(d[0], _tasks(d)))


def _same_bytes(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert u.dtype == v.dtype and u.shape == v.shape
        assert np.ascontiguousarray(u).tobytes() == np.ascontiguousarray(v).tobytes()


@pytest.mark.parametrize("case", sorted(CASES))
def test_concurrent_fits_bit_identical_to_serial(case):
    fit = CASES[case]
    datasets = [problem(seed) for seed in range(2 * N_THREADS)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        serial = [fit(d) for d in datasets]
        # each dataset fitted twice, interleaved across the pool
        with ThreadPoolExecutor(N_THREADS) as pool:
            concurrent = list(pool.map(fit, datasets + datasets))
    for i, res in enumerate(concurrent):
        _same_bytes(res, serial[i % len(datasets)])


def test_threads_sharing_one_read_only_X():
    X, y = problem(0, n=200, p=80)
    X.setflags(write=False)
    y.setflags(write=False)
    alphas = np.geomspace(0.5, 0.005, 12)

    def fit(alpha):
        return _fitted(shrinkage.ElasticNet(alpha=alpha, l1_ratio=0.7, tol=1e-10).fit(X, y))

    serial = [fit(a) for a in alphas]
    with ThreadPoolExecutor(N_THREADS) as pool:
        concurrent = list(pool.map(fit, list(alphas) * 2))
    for i, res in enumerate(concurrent):
        _same_bytes(res, serial[i % len(alphas)])


def test_concurrent_fit_and_predict_on_different_estimators():
    datasets = [problem(seed) for seed in range(N_THREADS)]
    models = [shrinkage.Lasso(alpha=0.05).fit(*d) for d in datasets]
    expected = [m.predict(d[0]) for m, d in zip(models, datasets)]

    def work(i):
        # refit a fresh estimator while others predict
        shrinkage.Lasso(alpha=0.02).fit(*datasets[i])
        return models[i].predict(datasets[i][0])

    with ThreadPoolExecutor(N_THREADS) as pool:
        got = list(pool.map(work, list(range(N_THREADS)) * 3))
    for i, pred in enumerate(got):
        _same_bytes([pred], [expected[i % N_THREADS]])


def _timed_problem():
    # AR(1)-correlated columns (rho = 0.8): a fit of about 0.3 s here.
    rng = np.random.default_rng(1)
    n, p, rho = 2000, 1000, 0.8
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    y = X[:, :30] @ rng.standard_normal(30) + rng.standard_normal(n)
    return X, y


def _lasso(X, y):
    return shrinkage.Lasso(alpha=0.002, precompute=False, tol=1e-8, max_iter=100_000).fit(X, y)


def measure_parallel_ratio(repeats=3):
    """Median over repeats of (wall time of 2 concurrent fits) / (wall time
    of 2 serial fits), the one-fit time, and the process CPU time / wall
    time while the two threads run (about 2 when they really overlap; on a
    machine whose cores are busy with other work both numbers degrade)."""
    X, y = _timed_problem()
    _lasso(X, y)  # warm up
    ratios, singles, cpu = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _lasso(X, y)
        _lasso(X, y)
        serial = time.perf_counter() - t0
        with ThreadPoolExecutor(2) as pool:
            t0, c0 = time.perf_counter(), time.process_time()
            list(pool.map(lambda _: _lasso(X, y), range(2)))
            concurrent = time.perf_counter() - t0
            cpu.append((time.process_time() - c0) / concurrent)
        ratios.append(concurrent / serial)
        singles.append(serial / 2)
    return float(np.median(ratios)), float(np.median(singles)), float(np.median(cpu))


def test_report_parallel_speedup(capsys):
    ratio, single, cpu = measure_parallel_ratio(repeats=1)
    with capsys.disabled():
        print(f"\n[threads] one fit {single:.3f} s; 2 concurrent / 2 serial wall time = "
              f"{ratio:.2f} (1.0 = serialised, 0.5 = perfect overlap); "
              f"CPU/wall while concurrent = {cpu:.2f}")
    assert ratio > 0   # a measurement, not a timing assertion


if __name__ == "__main__":
    with threadpoolctl.threadpool_limits(limits=1):
        ratio, single, cpu = measure_parallel_ratio(repeats=5)
    print(f"one fit {single:.3f} s; concurrent/serial = {ratio:.2f}; "
          f"CPU/wall while concurrent = {cpu:.2f}")
