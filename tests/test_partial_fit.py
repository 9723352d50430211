"""partial_fit and the sufficient statistics it accumulates (_stats.py).

References: ``fit`` on the concatenated chunks (the same problem, rows in
memory), and the moments computed directly from the rows.
"""

import importlib.util
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from _helpers import rel_err

import shrinkage
from shrinkage._stats import (
    Moments,
    SufficientStats,
    check_stats_memory,
    equivalent_rows,
)


def _data(n=600, p=8, offset=0.0, m=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + offset
    coef = rng.standard_normal(p) * (rng.uniform(size=p) < 0.6)
    shape = (n,) if m is None else (n, m)
    y = (X - offset) @ coef + 0.5 * rng.standard_normal(n) + 2.0 * offset
    if m is not None:
        y = y[:, None] * np.arange(1, m + 1) + rng.standard_normal(shape)
    return X, y, rng.uniform(0.2, 3.0, n)


# the elastic net from statistics takes covariance updates: the reference
# fit does too; tol so small that warm starts (each partial_fit) and cold
# starts (fit) reach the same point to rounding
_ESTIMATORS = {
    "Lasso": lambda fi: shrinkage.Lasso(alpha=0.02, fit_intercept=fi, tol=1e-14,
                                        precompute=True, max_iter=100_000),
    "ElasticNet": lambda fi: shrinkage.ElasticNet(alpha=0.05, l1_ratio=0.4,
                                                  fit_intercept=fi, tol=1e-14,
                                                  precompute=True, max_iter=100_000),
    "Ridge": lambda fi: shrinkage.Ridge(alpha=3.0, fit_intercept=fi),
    "LinearRegression": lambda fi: shrinkage.LinearRegression(fit_intercept=fi),
}

# uneven chunks, one of a single row
_CHUNKS = (0, 1, 150, 151, 380, 600)


def _partial(est, X, y, sw, bounds=_CHUNKS):
    for a, b in zip(bounds[:-1], bounds[1:]):
        est.partial_fit(X[a:b], y[a:b], sample_weight=None if sw is None else sw[a:b])
    return est


@pytest.mark.parametrize("name", sorted(_ESTIMATORS))
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_partial_fit_equals_fit(name, fit_intercept, weighted, offset):
    if offset and not fit_intercept:
        # without an intercept the offset is part of the model: X^T X has
        # condition ~ offset^2 and any two float64 fits differ at ~1e-8
        offset = 3.0
    X, y, sw = _data(offset=offset)
    sw = sw if weighted else None
    ref = _ESTIMATORS[name](fit_intercept).fit(X, y, sample_weight=sw)
    est = _partial(_ESTIMATORS[name](fit_intercept), X, y, sw)
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert abs(est.intercept_ - ref.intercept_) <= 1e-10 * max(1.0, abs(ref.intercept_))
    assert est.n_samples_seen_ == X.shape[0]
    assert est.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("name", sorted(_ESTIMATORS))
def test_coef_reflects_rows_seen_so_far(name):
    X, y, sw = _data()
    est = _ESTIMATORS[name](True)
    for b in (200, 400):
        est.partial_fit(X[b - 200:b], y[b - 200:b], sample_weight=sw[b - 200:b])
        ref = _ESTIMATORS[name](True).fit(X[:b], y[:b], sample_weight=sw[:b])
        assert rel_err(est.coef_, ref.coef_) < 1e-10
        assert rel_err(est.predict(X[:5]), ref.predict(X[:5])) < 1e-10


def tall_problem():
    """bench/problems.py's ``tall`` problem (quick size: 20000 x 100, offsets
    up to 10, intercept 3), skipped outside a repository checkout."""
    path = Path(__file__).resolve().parents[1] / "bench" / "problems.py"
    if not path.is_file():
        pytest.skip("bench/ is not next to tests/")
    spec = importlib.util.spec_from_file_location("shrinkage_bench_problems_pf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_problem("tall", "quick")


def test_partial_fit_on_the_tall_bench_problem():
    prob = tall_problem()
    X, y = np.asarray(prob.X), prob.y
    ref = shrinkage.Lasso(alpha=0.05, precompute=True, tol=1e-12).fit(X, y)
    est = shrinkage.Lasso(alpha=0.05, tol=1e-12)
    bounds = np.linspace(0, X.shape[0], 9).astype(int)
    _partial(est, X, y, None, tuple(bounds))
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert abs(est.intercept_ - ref.intercept_) < 1e-10 * abs(ref.intercept_)


@pytest.mark.parametrize("cls", [shrinkage.Ridge, shrinkage.LinearRegression])
def test_partial_fit_several_targets(cls):
    X, y, sw = _data(m=3)
    ref = cls().fit(X, y, sample_weight=sw)
    est = _partial(cls(), X, y, sw)
    assert est.coef_.shape == ref.coef_.shape == (3, X.shape[1])
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert rel_err(est.intercept_, ref.intercept_) < 1e-10


def test_fit_resets_and_features_are_checked():
    X, y, sw = _data()
    est = shrinkage.Ridge().partial_fit(X[:300], y[:300])
    with pytest.raises(ValueError, match="X has 7 features, but Ridge is expecting 8"):
        est.partial_fit(X[300:, :7], y[300:])
    with pytest.raises(ValueError, match="target"):
        est.partial_fit(X[300:], np.c_[y[300:], y[300:]])
    # fit() discards the statistics: partial_fit starts again from its chunk
    est.fit(X[:300], y[:300])
    est.partial_fit(X[300:], y[300:])
    ref = shrinkage.Ridge().fit(X[300:], y[300:])
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert est.n_samples_seen_ == 300


def test_partial_fit_continues_after_pickling():
    X, y, sw = _data()
    est = shrinkage.Lasso(alpha=0.02, tol=1e-14).partial_fit(X[:300], y[:300], sw[:300])
    est = pickle.loads(pickle.dumps(est))
    est.partial_fit(X[300:], y[300:], sw[300:])
    ref = shrinkage.Lasso(alpha=0.02, tol=1e-14, precompute=True).fit(X, y, sample_weight=sw)
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert est.n_samples_seen_ == 600


def test_partial_fit_keeps_the_user_parameters():
    X, y, _ = _data()
    est = shrinkage.Lasso(alpha=0.1)
    params = est.get_params()
    _partial(est, X, y, None)
    assert est.get_params() == params
    with pytest.raises(ValueError, match="precompute"):
        shrinkage.Lasso(precompute=np.eye(8)).partial_fit(X, y)


def test_partial_fit_lasso_gap_is_certified():
    # the duality gap reported is the one of all rows seen
    X, y, _ = _data()
    est = _partial(shrinkage.Lasso(alpha=0.05, tol=1e-8), X, y, None)
    ref = shrinkage.Lasso(alpha=0.05, tol=1e-8, precompute=True).fit(X, y)
    scale = np.sum((y - y.mean()) ** 2) / len(y)
    assert 0 <= est.dual_gap_ <= 1e-8 * scale
    assert rel_err(est.coef_, ref.coef_) < 1e-5


# --- the statistics ---------------------------------------------------------

def _direct(A, s):
    S = s.sum()
    m = s @ A / S
    return S, m, (A - m).T @ ((A - m) * s[:, None])


def test_chunk_merges_equal_direct_moments_with_large_offsets():
    rng = np.random.default_rng(1)
    offset = 1e6
    Z = rng.standard_normal((5000, 4))
    A = Z + offset  # exact: X - offset below is Sterbenz-exact
    s = rng.uniform(0.5, 2.0, 5000)
    stats = SufficientStats.of_chunk(A[:, :3], A[:, 3], s)
    merged = None
    for rows in np.array_split(np.arange(5000), 13):
        part = SufficientStats.of_chunk(A[rows, :3], A[rows, 3], s[rows])
        merged = part if merged is None else merged.merged(part)
    S, m, M = _direct(A - offset, s)  # the reference, without the offset
    for got in (stats.total(), merged.total()):
        assert abs(got.weight - S) < 1e-12 * S
        assert rel_err(got.mean - offset, m) < 1e-6  # |offset| eps / spread
        # chunk means carry |offset| eps = 1e-10 of absolute rounding, which
        # enters the merge terms through d = mb - ma: ~1e-10 relative at worst
        assert rel_err(got.comoment, M) < 1e-10
    # the naive formula loses ~2 log10(offset) digits: what the update avoids
    naive = (A * s[:, None]).T @ A - S * np.outer(s @ A / S, s @ A / S)
    assert rel_err(naive, M) > 1e-6


def test_folds_and_equivalent_rows():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((300, 5)) + 50.0
    s = rng.uniform(0.5, 2.0, 300)
    labels = rng.integers(0, 3, 300)
    stats = SufficientStats.of_chunk(A[:, :4], A[:, 4:], s, labels)
    assert sorted(stats.folds) == [0, 1, 2]
    for k, got in stats.folds.items():
        S, m, M = _direct(A[labels == k], s[labels == k])
        assert got.count == np.sum(labels == k)
        assert rel_err(got.comoment, M) < 1e-12
        rows, w = equivalent_rows(got)
        S2, m2, M2 = _direct(rows, w)
        assert abs(S2 - S) < 1e-12 * S
        assert rel_err(m2, m) < 1e-14
        assert rel_err(M2, M) < 1e-12
    # constant rows: one row at the mean carrying all the weight
    rows, w = equivalent_rows(Moments.of_rows(np.ones((4, 3)), None))
    assert rows.shape == (1, 3) and w[0] == 4.0


def test_too_many_features_for_the_statistics():
    with pytest.raises(MemoryError, match=r"GiB.*reduce the number of features"):
        check_stats_memory(200_000)
    check_stats_memory(1000)


def test_import_does_not_import_dask():
    code = ("import sys, numpy as np, shrinkage\n"
            "X = np.random.default_rng(0).standard_normal((50, 3))\n"
            "shrinkage.Ridge().partial_fit(X, X[:, 0])\n"
            "shrinkage.Lasso().fit(X, X[:, 0])\n"
            "print(any(m.split('.')[0] == 'dask' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
