"""The compiled covariance path (shrinkage._enet._gram_batch) against the
Python loop of solve_path it replaces: the same coefficients, gaps, pass
counts, batches and KKT restarts, bit for bit."""

import numpy as np
import pytest

from shrinkage._enet import make_design
from shrinkage._enet.path import solve_path


def _problem(n, p, seed, rho):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.sqrt(1 - rho) * Z + np.sqrt(rho) * rng.standard_normal((n, 1))  # equicorrelated
    w = np.zeros(p)
    w[rng.choice(p, size=max(1, p // 4), replace=False)] = rng.standard_normal(max(1, p // 4)) * 3
    return X, X @ w + rng.standard_normal(n)


def _both(make, yc, alphas, **kw):
    """Both loops, each on a fresh design from ``make()`` (a Gram cache keeps
    the Newton state of its last solve)."""
    out = []
    for progress in (None, lambda *a: None):  # a callback keeps the Python loop
        design = make()
        stats = {}
        coefs, gaps, iters, failed = solve_path(design, yc, alphas, stats=stats,
                                                progress=progress, **kw)
        out.append((coefs.copy(), gaps.copy(), iters.copy(), failed, dict(stats)))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_bit_identical_to_the_python_loop(seed):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(20, 200)), int(rng.integers(2, 30))
    X, y = _problem(max(n, p), p, seed, rho=float(rng.choice([0.0, 0.5, 0.95])))
    sw = rng.uniform(0.5, 2.0, size=len(y)) if seed % 3 == 0 else None
    def make():
        return make_design(X, sw, bool(seed % 2), True, n_solves=30)

    design = make()
    assert design.method == "gram"
    _, Yc = design.center_targets(y.reshape(-1, 1))
    yc = np.ascontiguousarray(Yc[:, 0])
    q = np.empty(p)
    design.gram_correlations(yc, q)
    lmax = np.max(np.abs(q)) / len(y)
    alphas = lmax * np.geomspace(1.0, 1e-3, 30)
    pf = rng.choice([0.0, 1.0, 2.0], size=p, p=[0.1, 0.7, 0.2]) if seed % 4 == 1 else None
    l1_ratio = [1.0, 0.5, 0.9][seed % 3]
    kw = dict(l1_ratio=l1_ratio, pf=pf, positive=seed % 5 == 2, tol=1e-10,
              max_iter=[1000, 3][seed % 6 == 5], random=False, seed=1,
              strong_rules=seed % 7 != 3)
    (c1, g1, i1, f1, s1), (c2, g2, i2, f2, s2) = _both(make, yc, alphas, **kw)
    assert np.array_equal(c1, c2) and np.array_equal(g1, g2, equal_nan=True)
    assert np.array_equal(i1, i2) and f1 == f2 and s1 == s2


def test_restarts_happen_and_match():
    """A correlated design where the strong rule discards active features:
    the KKT check re-solves, in both loops alike."""
    total = 0
    for seed in range(20):
        X, y = _problem(60, 25, seed, rho=0.9)
        def make():
            return make_design(X, None, True, True, n_solves=50)

        design = make()
        _, Yc = design.center_targets(y.reshape(-1, 1))
        yc = np.ascontiguousarray(Yc[:, 0])
        q = np.empty(25)
        design.gram_correlations(yc, q)
        alphas = np.max(np.abs(q)) / 60 * np.geomspace(1.0, 1e-3, 50)
        a, b = _both(make, yc, alphas, l1_ratio=1.0, pf=None, positive=False,
                     tol=1e-8, max_iter=1000, random=False, seed=1)
        assert all(np.array_equal(u, v) for u, v in zip(a[:3], b[:3])) and a[3:] == b[3:]
        total += a[4]["kkt_restarts"]
    assert total > 0


def test_warm_start_and_random_order_match():
    X, y = _problem(80, 12, 3, rho=0.5)

    def make():
        return make_design(X, None, True, True, n_solves=20)

    _, Yc = make().center_targets(y.reshape(-1, 1))
    yc = np.ascontiguousarray(Yc[:, 0])
    alphas = np.geomspace(0.5, 0.005, 20)
    w0 = np.linspace(-0.2, 0.3, 12)
    for random in (False, True):
        a, b = _both(make, yc, alphas, l1_ratio=0.7, pf=None, positive=False,
                     tol=1e-9, max_iter=1000, random=random, seed=7, w_init=w0)
        assert all(np.array_equal(u, v) for u, v in zip(a[:3], b[:3])) and a[3:] == b[3:]
