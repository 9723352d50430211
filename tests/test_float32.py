"""scikit-learn's dtype rules for float32 input (issue #17, elastic-net half).

Every dtype is compared with what scikit-learn's own estimator returns on the
same input, so the rules are checked against the reference, not against a
table written here. The kernels read a float32 X in float32 and compute the
rest in float64 (docs/design.md, "Precision"; tests/test_enet_float32_kernels.py).
"""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

sklm = pytest.importorskip("sklearn.linear_model")

from shrinkage import (  # noqa: E402
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    RelaxedLasso,
    RelaxedLassoCV,
    enet_path,
    lasso_path,
)

# (X dtype, y dtype, sample_weight dtype or None)
CASES = [
    (np.float32, np.float32, None),
    (np.float64, np.float64, None),
    (np.float32, np.float64, None),
    (np.float64, np.float32, None),
    (np.float32, np.float32, np.float64),
    (np.int64, np.float64, None),
    (np.float32, np.int64, None),
    (np.float16, np.float16, None),
]


def _data(x_dtype, y_dtype, sw_dtype, sparse, n=40, p=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) * 3
    y = X[:, :3] @ [1.5, -2.0, 1.0] + rng.randn(n)
    X, y = X.astype(x_dtype), y.astype(y_dtype)
    if sparse:
        X = sp.csc_matrix(X)
    sw = None if sw_dtype is None else (rng.rand(n) + 0.5).astype(sw_dtype)
    return X, y, sw


def _cases(sparse_ok=True):
    for x_dtype, y_dtype, sw_dtype in CASES:
        for sparse in (False, True) if sparse_ok else (False,):
            if sparse and x_dtype == np.float16:
                continue  # scipy.sparse has no float16
            yield pytest.param(x_dtype, y_dtype, sw_dtype, sparse,
                               id=f"{np.dtype(x_dtype).name}-{np.dtype(y_dtype).name}"
                                  f"-{'sw' if sw_dtype else 'nosw'}-{'csc' if sparse else 'dense'}")


def _kind(value):
    """A value's dtype, or its Python type (a float intercept, an int)."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return np.dtype(value.dtype)
    if sp.issparse(value):
        return ("sparse", np.dtype(value.dtype))
    return type(value)


def _float_kind(value):
    """As :func:`_kind`, with a Python float and numpy.float64 alike (our
    float64 single-target scalars stay Python floats, as before)."""
    kind = _kind(value)
    return np.dtype(np.float64) if kind is float else kind


def _quiet():
    warnings.simplefilter("ignore")


@pytest.mark.parametrize("x_dtype,y_dtype,sw_dtype,sparse", list(_cases()))
@pytest.mark.parametrize("name", ["Lasso", "ElasticNet"])
@pytest.mark.parametrize("multi", [False, True])
def test_single_fit_dtypes_match_sklearn(name, x_dtype, y_dtype, sw_dtype, sparse, multi):
    X, y, sw = _data(x_dtype, y_dtype, sw_dtype, sparse)
    if multi:
        y = np.c_[y, -y]
    ours = {"Lasso": Lasso, "ElasticNet": ElasticNet}[name](alpha=0.05)
    ref = getattr(sklm, name)(alpha=0.05)
    with warnings.catch_warnings():
        _quiet()
        ours.fit(X, y, sample_weight=sw)
        ref.fit(X, y, sample_weight=sw)
    for attr in ("coef_", "intercept_", "dual_gap_"):
        assert _float_kind(getattr(ours, attr)) == _float_kind(getattr(ref, attr)), attr
    assert _kind(ours.sparse_coef_) == _kind(ref.sparse_coef_)
    for X_pred in (X, X.astype(np.float64), X.astype(np.float32)):
        assert ours.predict(X_pred).dtype == ref.predict(X_pred).dtype
    # the values are those of the same fit (rounded to the dtype)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("x_dtype,y_dtype,sw_dtype,sparse", list(_cases()))
@pytest.mark.parametrize("func", ["lasso_path", "enet_path"])
@pytest.mark.parametrize("given_alphas", [False, True])
def test_path_dtypes_match_sklearn(func, x_dtype, y_dtype, sw_dtype, sparse, given_alphas):
    X, y, _ = _data(x_dtype, y_dtype, None, sparse)
    kw = {"alphas": [1.0, 0.3, 0.1]} if given_alphas else {}
    if func == "enet_path":
        kw["l1_ratio"] = 0.5
    ours_f = {"lasso_path": lasso_path, "enet_path": enet_path}[func]
    with warnings.catch_warnings():
        _quiet()
        ours = ours_f(X, y, return_n_iter=True, **kw)
        ref = getattr(sklm, func)(X, y, return_n_iter=True, **kw)
    for a, b in zip(ours[:3], ref[:3]):
        assert a.dtype == b.dtype
    assert _kind(ours[3]) == _kind(ref[3])


@pytest.mark.parametrize("x_dtype,y_dtype,sw_dtype,sparse", list(_cases()))
@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV"])
def test_cv_dtypes_match_sklearn(name, x_dtype, y_dtype, sw_dtype, sparse):
    X, y, sw = _data(x_dtype, y_dtype, sw_dtype, sparse)
    kw = {"cv": 3, "alphas": 8}
    if name == "ElasticNetCV":
        kw["l1_ratio"] = [0.5, 1.0]
    ours = {"LassoCV": LassoCV, "ElasticNetCV": ElasticNetCV}[name](**kw)
    ref = getattr(sklm, name)(**kw)
    with warnings.catch_warnings():
        _quiet()
        ours.fit(X, y, sample_weight=sw)
        ref.fit(X, y, sample_weight=sw)
    attrs = ["coef_", "intercept_", "dual_gap_", "alpha_", "alphas_", "mse_path_", "n_iter_"]
    if name == "ElasticNetCV":
        attrs.append("l1_ratio_")
    for attr in attrs:
        assert _float_kind(getattr(ours, attr)) == _float_kind(getattr(ref, attr)), attr
    for X_pred in (X, X.astype(np.float64)):
        assert ours.predict(X_pred).dtype == ref.predict(X_pred).dtype


@pytest.mark.parametrize("x_dtype,y_dtype,sw_dtype,sparse", list(_cases(sparse_ok=False)))
def test_relaxed_dtypes_follow_lasso(x_dtype, y_dtype, sw_dtype, sparse):
    """RelaxedLasso(CV) has no scikit-learn counterpart: its dtypes follow
    Lasso's (model attributes) and LassoCV's (CV attributes)."""
    X, y, sw = _data(x_dtype, y_dtype, sw_dtype, sparse)
    with warnings.catch_warnings():
        _quiet()
        ref = sklm.Lasso(alpha=0.05).fit(X, y, sample_weight=sw)
        ref_cv = sklm.LassoCV(cv=3, alphas=8).fit(X, y, sample_weight=sw)
        single = RelaxedLasso(alpha=0.05, gamma=0.5).fit(X, y, sample_weight=sw)
        cv = RelaxedLassoCV(cv=3, alphas=8).fit(X, y, sample_weight=sw)
    for model in (single, cv):
        for attr in ("coef_", "lasso_coef_", "relaxed_coef_"):
            assert _kind(getattr(model, attr)) == _kind(ref.coef_), attr
        for attr in ("intercept_", "lasso_intercept_", "relaxed_intercept_", "dual_gap_"):
            assert _float_kind(getattr(model, attr)) == _float_kind(ref.intercept_), attr
        assert model.predict(X).dtype == ref.predict(X).dtype
    assert cv.mse_path_.dtype == ref_cv.mse_path_.dtype
    assert cv.alphas_.dtype == ref_cv.alphas_.dtype
    assert _float_kind(cv.alpha_) == _float_kind(ref_cv.alpha_)


def _objective(X, y, coef, intercept, alpha, l1_ratio):
    X, y, coef = (np.asarray(a, dtype=np.float64) for a in (X, y, coef))
    r = y - X @ coef - float(intercept)
    return (0.5 * r @ r / len(y) + alpha * l1_ratio * np.abs(coef).sum()
            + 0.5 * alpha * (1 - l1_ratio) * coef @ coef)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("shape", [(200, 20), (30, 80)])
def test_float32_objective_near_float64_optimum(l1_ratio, shape):
    """A float32 fit's objective (evaluated in float64 on the float32 data)
    is within float32 precision of the float64 optimum on the same data."""
    n, p = shape
    rng = np.random.RandomState(1)
    X32 = rng.randn(n, p).astype(np.float32)
    y32 = (X32[:, :5] @ rng.randn(5) + 0.3 * rng.randn(n)).astype(np.float32)
    X64, y64 = X32.astype(np.float64), y32.astype(np.float64)
    alpha = 0.05
    m32 = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-6, max_iter=10000).fit(X32, y32)
    m64 = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100000).fit(X64, y64)
    f32 = _objective(X64, y64, m32.coef_, m32.intercept_, alpha, l1_ratio)
    f64 = _objective(X64, y64, m64.coef_, m64.intercept_, alpha, l1_ratio)
    eps32 = np.finfo(np.float32).eps
    assert f64 <= f32 + 1e-12 * f64  # f64 is the optimum (to its own certificate)
    assert f32 - f64 <= 1e3 * eps32 * f64


@pytest.mark.parametrize("name", ["Lasso", "ElasticNet"])
def test_float32_dense_and_sparse_agree(name):
    rng = np.random.RandomState(2)
    X = rng.randn(80, 15)
    X[rng.rand(*X.shape) < 0.6] = 0.0
    X = X.astype(np.float32)
    y = (X[:, :4] @ [1.0, -1.0, 2.0, 0.5] + 0.1 * rng.randn(80)).astype(np.float32)
    est = {"Lasso": Lasso, "ElasticNet": ElasticNet}[name]
    dense = est(alpha=0.02, tol=1e-8).fit(X, y)
    sparse = est(alpha=0.02, tol=1e-8).fit(sp.csc_matrix(X), y)
    assert dense.coef_.dtype == sparse.coef_.dtype == np.float32
    tol = 50 * np.finfo(np.float32).eps * np.abs(dense.coef_).max()
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=tol)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=0, atol=tol)
    _, c_dense, _ = lasso_path(X, y, alphas=[0.5, 0.1, 0.02], tol=1e-8)
    _, c_sparse, _ = lasso_path(sp.csc_matrix(X), y, alphas=[0.5, 0.1, 0.02], tol=1e-8)
    assert c_dense.dtype == c_sparse.dtype == np.float32
    np.testing.assert_allclose(c_sparse, c_dense, rtol=0, atol=tol)


def test_float32_inputs_not_modified():
    rng = np.random.RandomState(3)
    X = rng.randn(30, 4).astype(np.float32)
    y = rng.randn(30).astype(np.float32)
    X0, y0 = X.copy(), y.copy()
    Lasso(alpha=0.01).fit(X, y).predict(X)
    assert X.dtype == np.float32 and np.array_equal(X, X0) and np.array_equal(y, y0)


@pytest.mark.parametrize("sparse", [False])
def test_float32_fit_allocates_no_float64_copy_of_X(sparse):
    """No allocation of X's size in float64 during a float32 fit (a
    Fortran copy of C-ordered float32 X, half that size, is allowed).
    Sparse X: the CSC kernels widen the row indices to the platform's index
    type (8 bytes per stored entry, whatever the values' precision), so an
    absolute bound does not apply; tests/test_enet_float32_kernels.py
    compares those fits with the float64 fits of the same values."""
    rng = np.random.RandomState(4)
    n, p = 4000, 50
    X = np.asfortranarray(rng.randn(n, p).astype(np.float32))
    if sparse:
        X = sp.random(n, p, density=0.5, format="csc", dtype=np.float32, random_state=4)
    y = rng.randn(n).astype(np.float32)
    x_bytes64 = (X.nnz if sparse else X.size) * 8
    Lasso(alpha=0.1).fit(X[:50], y[:50])  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        Lasso(alpha=0.1, max_iter=5).fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.75 * x_bytes64


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_path_allocates_no_float64_coefficient_array(sparse):
    """A float32 path returns float32 coefficients without first holding all
    of them in float64: on a wide problem, where (n_features, n_alphas) is
    the largest array the path makes, the peak stays below its float64 size
    (the float32 result is half of it)."""
    rng = np.random.RandomState(5)
    n, p, n_alphas = 60, 20000, 200
    X = np.asfortranarray(rng.randn(n, p).astype(np.float32))
    if sparse:
        X = sp.random(n, p, density=0.05, format="csc", dtype=np.float32, random_state=5)
    y = (X[:, :5] @ np.ones(5, dtype=np.float32)).ravel() if not sparse else \
        np.asarray(X[:, :5].sum(axis=1)).ravel().astype(np.float32)
    y = y + 0.1 * rng.randn(n).astype(np.float32)
    lasso_path(X[:, :100], y, alphas=3)  # imports and caches outside the measurement
    coef_bytes64 = p * n_alphas * 8
    tracemalloc.start()
    try:
        _, coefs, _ = lasso_path(X, y, alphas=n_alphas, eps=1e-2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert coefs.dtype == np.float32 and coefs.shape == (p, n_alphas)
    assert peak < 0.9 * coef_bytes64
