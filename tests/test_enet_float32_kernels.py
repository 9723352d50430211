"""The elastic-net engine reads a float32 X in float32 (issue #17).

The kernels take float32 columns and keep everything else -- residuals,
Gram, correlations, the duality gap -- in float64 (docs/design.md,
"Precision"). So a fit on float32 X solves the float64 problem whose data
are X's values exactly: it must agree with the fit on ``X.astype(float64)``
to the rounding of the returned float32 coefficients, dense and sparse,
naive and Gram, and allocate no float64 copy of X.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage import ElasticNet, ElasticNetCV, Lasso, LassoCV, enet_path, lasso_path
from shrinkage._enet import _columns, _gram, _naive


def _problem(n, p, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n, p)) + offset).astype(np.float32)
    w = np.zeros(p)
    w[: min(5, p)] = [3.0, -2.0, 1.5, 1.0, -0.5][: min(5, p)]
    y = X.astype(np.float64) @ w + 0.3 * rng.standard_normal(n)
    return X, y


def _objective(X, y, w, b, alpha, l1_ratio, sw=None):
    X = X.toarray() if sp.issparse(X) else X
    r = y - X.astype(np.float64) @ np.asarray(w, np.float64) - float(b)
    s = np.ones(len(y)) if sw is None else sw * (len(y) / sw.sum())
    w = np.asarray(w, np.float64)
    return (s @ (r * r) / (2 * len(y)) + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * w @ w)


# ---------------------------------------------------------------- kernels

@pytest.mark.parametrize("c_order", [False, True])
def test_column_stats_and_products_read_float32_in_float64(c_order):
    X, _ = _problem(301, 7, 0, offset=3.0)
    X64 = X.astype(np.float64)
    sw = np.linspace(0.5, 1.5, 301)
    sw *= 301 / sw.sum()
    flat = X.ravel(order="C" if c_order else "F")
    for weights in (np.empty(0), sw):
        m, h = np.empty(7), np.empty(7)
        _columns.column_stats(flat, 301, 7, c_order, weights, True, m, h)
        s = weights if weights.size else np.ones(301)
        m_ref = s @ X64 / s.sum()
        np.testing.assert_allclose(m, m_ref, rtol=1e-13)
        np.testing.assert_allclose(h, s @ (X64 - m_ref) ** 2, rtol=1e-12)
    V = np.asfortranarray(np.random.default_rng(1).standard_normal((301, 3)))
    out = np.empty((7, 3), order="F")
    _columns.float32_products(flat, 301, 7, c_order, V, out)
    np.testing.assert_allclose(out, X64.T @ V, rtol=1e-13, atol=1e-12)
    Xs = sp.random(301, 7, density=0.3, format="csc", dtype=np.float32, random_state=2)
    out = np.empty((7, 3), order="F")
    _columns.csc_products(Xs.data, Xs.indices.astype(np.intp), Xs.indptr.astype(np.intp),
                          V, out)
    np.testing.assert_allclose(out, Xs.astype(np.float64).T @ V, rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("c_order", [False, True])
def test_gram_of_float32_rows_is_summed_in_float64(c_order):
    X, y = _problem(500, 9, 3, offset=10.0)
    X64 = X.astype(np.float64)
    m = X64.mean(axis=0)
    h = ((X64 - m) ** 2).sum(axis=0)
    flat = X.ravel(order="C" if c_order else "F")
    cache = _gram.GramCache(flat, 500, 9, c_order, np.empty(0), m, h)
    ref = (X64 - m).T @ (X64 - m)
    cache.fill_all()
    np.testing.assert_allclose(cache.to_array(), ref, rtol=1e-12, atol=1e-9)
    q = np.empty(9)
    yc = y - y.mean()
    yy = _gram.gram_correlations(cache, yc, q)
    np.testing.assert_allclose(q, (X64 - m).T @ yc, rtol=1e-12, atol=1e-9)
    assert yy == pytest.approx(yc @ yc, rel=1e-14)
    lazy = _gram.GramCache(flat, 500, 9, c_order, np.empty(0), m, h)  # columns on demand
    out = np.empty((9, 9))
    _gram.centred_gram(flat, 500, 9, c_order, np.empty(0), m, out)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-9)
    del lazy


@pytest.mark.parametrize("sparse", [False, True])
def test_naive_kernel_float32_equals_float64_on_the_same_values(sparse):
    """The same solve on float32 X and on X.astype(float64): only the
    summation order of the products differs, so the iterates agree to
    float64 rounding and the pass counts are equal."""
    X, y = _problem(200, 60, 4)
    X64 = X.astype(np.float64)
    yc = y - y.mean()
    results = []
    for A in (X, X64):
        m = A.astype(np.float64).mean(axis=0)
        h = ((A.astype(np.float64) - m) ** 2).sum(axis=0)
        w, r, c = np.zeros(60), yc.copy(), np.empty(60)
        args = (yc, np.empty(0), m.copy(), h.copy(), np.ones(60), w, r, c,
                np.arange(60, dtype=np.intc), 10.0, 0.0, False, 1e-10 * (yc @ yc),
                1000, False, 1, True)
        if sparse:
            S = sp.csc_matrix(A)
            gap, passes = _naive.enet_naive_csc(
                S.data, S.indices.astype(np.intp), S.indptr.astype(np.intp), 200, *args)
        else:
            gap, passes = _naive.enet_naive(np.asfortranarray(A), *args)
        results.append((w, gap, passes))
    (w32, g32, n32), (w64, g64, n64) = results
    assert n32 == n64
    np.testing.assert_allclose(w32, w64, rtol=0, atol=1e-11 * np.abs(w64).max())
    assert g32 <= 1e-10 * (yc @ yc) and g64 <= 1e-10 * (yc @ yc)


# ------------------------------------------------------------- estimators

FITS = [
    ("lasso-naive", dict(alpha=0.05, precompute=False), False, "F"),
    ("lasso-naive-C", dict(alpha=0.05, precompute=False), False, "C"),
    ("lasso-gram", dict(alpha=0.05, precompute=True), False, "F"),
    ("lasso-gram-C", dict(alpha=0.05, precompute=True), False, "C"),
    ("enet-sparse", dict(alpha=0.05, l1_ratio=0.5), True, None),
    ("enet-sparse-gram", dict(alpha=0.05, l1_ratio=0.5, precompute=True), True, None),
    ("positive", dict(alpha=0.02, positive=True), False, "F"),
    ("penalty-factor", dict(alpha=0.05, penalty_factor=[0.0, 1, 2, 1, 1, 1, 1, 1, 0.5, 1]),
     False, "F"),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("name, params, sparse, order", FITS, ids=[f[0] for f in FITS])
def test_float32_fit_is_the_float64_fit_rounded(name, params, sparse, order, weighted,
                                                fit_intercept):
    X, y = _problem(150, 10, 5, offset=2.0)
    X = np.asarray(X, order=order) if order else X
    sw = np.linspace(0.2, 3.0, 150) if weighted else None
    A32 = sp.csc_matrix(X) if sparse else X
    A64 = sp.csc_matrix(X.astype(np.float64)) if sparse else X.astype(np.float64)
    kw = dict(params, tol=1e-12, max_iter=100000, fit_intercept=fit_intercept)
    m32 = ElasticNet(**kw).fit(A32, y, sample_weight=sw)
    m64 = ElasticNet(**kw).fit(A64, y, sample_weight=sw)
    assert m32.coef_.dtype == np.float32
    # the same float64 solve, rounded to float32 at the end
    np.testing.assert_allclose(m32.coef_, m64.coef_.astype(np.float32), rtol=2e-7,
                               atol=1e-7 * np.abs(m64.coef_).max())
    assert abs(float(m32.intercept_) - m64.intercept_) <= 1e-6 * (1 + abs(m64.intercept_))
    assert m32.n_iter_ == m64.n_iter_
    assert float(m32.dual_gap_) <= 1e-12 * (y @ y) + 1e-30


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_float32_objective_at_or_below_sklearns_float32():
    """scikit-learn solves a float32 problem in float32; ours in float64 on
    the same float32 values: our objective is never worse, within float32
    precision of the float64 optimum."""
    sk = pytest.importorskip("sklearn.linear_model")
    for seed, shape in enumerate([(300, 40), (60, 300), (2000, 15)]):
        X, y = _problem(*shape, seed=seed + 10)
        y32 = y.astype(np.float32)
        ours = Lasso(alpha=0.03, tol=1e-10).fit(X, y32)
        theirs = sk.Lasso(alpha=0.03, tol=1e-10, max_iter=100000).fit(X, y32)
        ref = Lasso(alpha=0.03, tol=1e-14, max_iter=100000).fit(X.astype(np.float64), y32)
        f = [_objective(X, y32.astype(np.float64), m.coef_, m.intercept_, 0.03, 1.0)
             for m in (ours, theirs, ref)]
        assert f[0] <= f[1] + 1e-6 * f[2]
        assert f[0] - f[2] <= 1e-6 * f[2]


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_paths_and_cv_follow_the_float64_solves(sparse):
    X, y = _problem(120, 30, 6)
    A32 = sp.csc_matrix(X) if sparse else X
    A64 = sp.csc_matrix(X.astype(np.float64)) if sparse else X.astype(np.float64)
    a32, c32, g32, it32 = enet_path(A32, y, l1_ratio=0.7, alphas=12, tol=1e-10,
                                    return_n_iter=True)
    a64, c64, g64, it64 = enet_path(A64, y, l1_ratio=0.7, alphas=12, tol=1e-10,
                                    return_n_iter=True)
    assert c32.dtype == np.float32 and a32.dtype == np.float64
    np.testing.assert_array_equal(a32, a64)
    np.testing.assert_allclose(c32, c64.astype(np.float32), rtol=2e-7, atol=1e-7)
    assert it32 == it64
    cv32 = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, tol=1e-10).fit(A32, y)
    cv64 = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, tol=1e-10).fit(A64, y)
    assert cv32.alpha_ == cv64.alpha_ and cv32.l1_ratio_ == cv64.l1_ratio_
    np.testing.assert_allclose(cv32.mse_path_, cv64.mse_path_, rtol=1e-9)
    np.testing.assert_allclose(cv32.coef_, cv64.coef_.astype(np.float32), rtol=2e-7,
                               atol=1e-7)


# ----------------------------------------------------------------- memory

def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MEMORY = [
    ("lasso-naive", lambda X, y: Lasso(alpha=0.1, precompute=False).fit(X, y)),
    ("lasso-gram", lambda X, y: Lasso(alpha=0.1, precompute=True).fit(X, y)),
    ("enet-weighted", lambda X, y: ElasticNet(alpha=0.1).fit(
        X, y, sample_weight=np.linspace(0.5, 2.0, X.shape[0]))),
    ("lasso_path", lambda X, y: lasso_path(X, y, alphas=10)),
    ("lasso_path-gram", lambda X, y: lasso_path(X, y, alphas=10, precompute=True)),
    ("LassoCV", lambda X, y: LassoCV(alphas=10, cv=3).fit(X, y)),
]


@pytest.mark.parametrize("layout", ["F", "C", "csc", "csr"])
@pytest.mark.parametrize("name, fit", MEMORY, ids=[m[0] for m in MEMORY])
def test_float32_fit_allocates_no_float64_copy_of_X(name, fit, layout):
    """A float64 copy of X would be twice X's bytes; the fits may hold a
    float32 copy (a Fortran copy of C-ordered X for naive updates, CSC of
    CSR, CV's training rows) but nothing of X's size in float64. Besides X,
    a solve holds O(n) and O(p^2) float64 buffers (residuals, Anderson's
    history of about ten residuals, the Gram): p is large enough here for
    those to stay small beside X.

    Sparse fits copy the row indices to the platform's index type and
    SciPy's products allocate by their own rules (which change between
    SciPy versions), so there the float32 fit is measured against the
    float64 fit of the same values: a float64 copy of the values (8 bytes
    per stored entry) would put it above; it must not cost more."""
    rng = np.random.default_rng(7)
    n, p = 3000, 160
    y = rng.standard_normal(n)
    if layout in ("csc", "csr"):
        peaks = {}
        for dtype in (np.float32, np.float64):
            X = sp.random(n, p, density=0.4, format=layout, dtype=dtype, random_state=7)
            fit(X[:60], y[:60])  # imports and first-call caches
            peaks[dtype] = _peak(lambda: fit(X, y))
        assert peaks[np.float32] <= peaks[np.float64] + 0.5 * X.nnz, (name, layout, peaks)
        return
    X = np.asarray(rng.standard_normal((n, p)), dtype=np.float32, order=layout)
    fit(X[:60], y[:60])
    peak = _peak(lambda: fit(X, y))
    assert peak < 1.5 * X.nbytes, (name, layout, peak, X.nbytes)
