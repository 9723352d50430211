"""float32 end to end for Ridge, RidgeCV, ridge_path and LinearRegression.

* dtypes: every fitted attribute and prediction has the dtype scikit-learn
  gives for float32, float64 and mixed float32/float64 X, y, sample_weight
  (scikit-learn itself is the reference, fitted on the same data);
* accuracy: float32 fits agree with the float64 fits of the same (float32-
  representable) data to float32 precision, dense and sparse, weighted,
  positive, primal and dual, and leave-one-out and K-fold CV pick the same
  alpha on well-conditioned problems;
* memory: a float32 fit allocates no float64 buffer of the size of X
  (tracemalloc).
"""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage

sklm = pytest.importorskip("sklearn.linear_model")

EPS32 = np.finfo(np.float32).eps

# (name, shrinkage factory, scikit-learn factory, fitted attributes, 2-D y)
CASES = [
    ("ridge", lambda m: m.Ridge(alpha=0.5), ["coef_", "intercept_"], False),
    ("ridge-svd", lambda m: m.Ridge(alpha=0.5, solver="svd"), ["coef_", "intercept_"], False),
    ("ridge-lsqr", lambda m: m.Ridge(alpha=0.5, solver="lsqr"), ["coef_", "intercept_"], False),
    ("ridge-positive", lambda m: m.Ridge(alpha=0.5, positive=True), ["coef_", "intercept_"], False),
    ("ridge-no-intercept", lambda m: m.Ridge(alpha=0.5, fit_intercept=False),
     ["coef_", "intercept_"], False),
    ("ridge-2-targets", lambda m: m.Ridge(alpha=[0.5, 2.0]), ["coef_", "intercept_"], True),
    ("ridgecv-loo", lambda m: m.RidgeCV(alphas=[0.1, 1.0, 10.0], store_cv_results=True),
     ["coef_", "intercept_", "alpha_", "best_score_", "cv_results_"], False),
    ("ridgecv-loo-svd", lambda m: m.RidgeCV(alphas=[0.1, 1.0, 10.0], gcv_mode="svd",
                                            store_cv_results=True),
     ["coef_", "intercept_", "alpha_", "best_score_", "cv_results_"], False),
    ("ridgecv-loo-r2", lambda m: m.RidgeCV(alphas=[0.1, 1.0, 10.0], scoring="r2",
                                           store_cv_results=True),
     ["coef_", "intercept_", "alpha_", "best_score_", "cv_results_"], False),
    ("ridgecv-loo-per-target", lambda m: m.RidgeCV(alphas=[0.1, 1.0, 10.0],
                                                   alpha_per_target=True,
                                                   store_cv_results=True),
     ["coef_", "intercept_", "alpha_", "best_score_", "cv_results_"], True),
    ("ridgecv-kfold", lambda m: m.RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3),
     ["coef_", "intercept_", "alpha_", "best_score_"], False),
    ("linreg", lambda m: m.LinearRegression(), ["coef_", "intercept_", "singular_"], False),
    ("linreg-2-targets", lambda m: m.LinearRegression(), ["coef_", "intercept_", "singular_"],
     True),
    ("linreg-no-intercept", lambda m: m.LinearRegression(fit_intercept=False),
     ["coef_", "intercept_", "singular_"], False),
    ("linreg-positive", lambda m: m.LinearRegression(positive=True), ["coef_", "intercept_"],
     False),
]

# dtypes of (X, y, sample_weight); "int" is int64, None no weights
DTYPES = [("f32", "f32", None), ("f64", "f64", None), ("f32", "f64", None),
          ("f64", "f32", None), ("f32", "f32", "f64"), ("f32", "f32", "f32"),
          ("f64", "f64", "f32"), ("f32", "f64", "f32"), ("int", "int", None),
          ("f32", "int", None)]


def _cast(kind, a):
    return {"f32": a.astype(np.float32), "f64": a.astype(np.float64),
            "int": np.round(3 * a).astype(np.int64)}[kind]


def _data(n=40, p=6, seed=0, two_targets=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.5
    w = rng.standard_normal(p)
    y = X @ w + 0.3 * rng.standard_normal(n) + 1.0
    if two_targets:
        y = np.column_stack([y, X @ rng.standard_normal(p) - 2.0])
    sw = rng.uniform(0.5, 2.0, n)
    return X, y, sw


def _dtype_of(value):
    return np.asarray(value).dtype


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("name, factory, attrs, two_targets", CASES, ids=[c[0] for c in CASES])
def test_dtypes_follow_scikit_learn(name, factory, attrs, two_targets, sparse):
    if sparse and name in ("ridge-svd", "linreg-positive"):
        pytest.skip("scikit-learn rejects sparse X here (svd with an intercept; "
                    "positive least squares)")
    X0, y0, sw0 = _data(two_targets=two_targets)
    for kx, ky, ks in DTYPES:
        X, y = _cast(kx, X0), _cast(ky, y0)
        if sparse:
            X = sp.csr_matrix(X)
        sw = None if ks is None else _cast(ks, sw0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = factory(sklm).fit(X, y, sample_weight=sw)
            got = factory(shrinkage).fit(X, y, sample_weight=sw)
        where = f"{name} X={kx} y={ky} sw={ks} sparse={sparse}"
        for attr in attrs:
            if not hasattr(ref, attr):
                continue
            assert _dtype_of(getattr(got, attr)) == _dtype_of(getattr(ref, attr)), (where, attr)
            assert np.shape(getattr(got, attr)) == np.shape(getattr(ref, attr)), (where, attr)
        for Xp in (X, X0.astype(np.float32), X0.astype(np.float64), np.round(X0).astype(int)):
            assert got.predict(Xp).dtype == ref.predict(Xp).dtype, (where, Xp.dtype)


def test_ridge_path_keeps_float32():
    X, y, sw = _data(two_targets=True)
    for kx, dtype in (("f32", np.float32), ("f64", np.float64), ("int", np.float64)):
        for Xin in (_cast(kx, X), sp.csr_matrix(_cast(kx, X))):
            alphas, coefs, intercepts = shrinkage.ridge_path(
                Xin, y.astype(np.float32), [0.1, 1.0], sample_weight=sw.astype(np.float32))
            assert alphas.dtype == np.float64
            assert coefs.dtype == dtype and intercepts.dtype == dtype


# ----------------------------------------------------------------------
# accuracy: float32 within float32 precision of float64
# ----------------------------------------------------------------------

def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


# The problems below are well conditioned (cond(X~) < 10): the float32
# solution of float32-rounded data may differ from the float64 solution of
# the same data by a few hundred float32 ulps at most (Gram accumulation,
# factorisation and back substitution each add ~ cond * eps32).
TOL32 = 500 * EPS32


def _pair(X, y, sw, fit, sparse=False):
    """The same fit on float32 and on float64 copies of float32 data."""
    X32 = X.astype(np.float32)
    X64 = X32.astype(np.float64)
    y32 = y.astype(np.float32)
    if sparse:
        X32, X64 = sp.csr_matrix(X32), sp.csr_matrix(X64)
    m32 = fit(X32, y32.astype(np.float64), sw)
    m64 = fit(X64, y32.astype(np.float64), sw)
    return m32, m64


SOLVERS = {
    "ridge": lambda: shrinkage.Ridge(alpha=2.0),
    "ridge-svd": lambda: shrinkage.Ridge(alpha=2.0, solver="svd"),
    "ridge-positive": lambda: shrinkage.Ridge(alpha=2.0, positive=True),
    "ridge-no-intercept": lambda: shrinkage.Ridge(alpha=2.0, fit_intercept=False),
    "linreg": lambda: shrinkage.LinearRegression(),
    "linreg-positive": lambda: shrinkage.LinearRegression(positive=True),
    "ridgecv-loo": lambda: shrinkage.RidgeCV(alphas=np.logspace(-2, 3, 11)),
    "ridgecv-kfold": lambda: shrinkage.RidgeCV(alphas=np.logspace(-2, 3, 11), cv=4),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("shape", [(300, 12), (25, 60)], ids=["primal", "dual"])
@pytest.mark.parametrize("name", list(SOLVERS))
def test_float32_agrees_with_float64(name, shape, sparse, weighted):
    n, p = shape
    if name == "linreg-positive" and n < p:
        pytest.skip("non-negative least squares with p > n has no unique solution")
    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, p)) + 2.0         # offsets: centring matters
    if sparse:
        X[rng.random((n, p)) < 0.5] = 0.0
    w = rng.standard_normal(p)
    w[::3] = np.abs(w[::3])
    y = X @ w + 0.5 * rng.standard_normal(n) + 3.0
    sw = rng.uniform(0.5, 2.0, n).astype(np.float32).astype(np.float64) if weighted else None

    def fit(Xf, yf, swf):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return SOLVERS[name]().fit(Xf, yf, sample_weight=swf)

    m32, m64 = _pair(X, y, sw, fit, sparse)
    assert m32.coef_.dtype == np.float32 and m64.coef_.dtype == np.float64
    if name.startswith("ridgecv"):
        assert m32.alpha_ == m64.alpha_
    tol = TOL32
    if name == "linreg" and n < p:
        tol = 5 * TOL32   # min-norm interpolation: the kernel's cond is larger
    assert _rel(m32.coef_, m64.coef_) < tol
    assert abs(float(m32.intercept_) - float(m64.intercept_)) < tol * (1 + abs(float(m64.intercept_)))
    X32 = X.astype(np.float32)
    assert _rel(m32.predict(X32), m64.predict(X32.astype(np.float64))) < tol
    if name.endswith("positive"):
        assert np.all(m32.coef_ >= 0)
        # same active set where the float64 solution is clearly nonzero or zero
        clear = np.abs(m64.coef_) > 1e-3 * np.abs(m64.coef_).max()
        assert np.all((m32.coef_[clear] > 0) == (m64.coef_[clear] > 0))


def test_loo_values_and_scores_agree():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 10)) + 1.0
    y = X @ rng.standard_normal(10) + rng.standard_normal(200)
    alphas = np.logspace(-3, 3, 25)
    m32 = shrinkage.RidgeCV(alphas=alphas, store_cv_results=True).fit(
        X.astype(np.float32), y)
    m64 = shrinkage.RidgeCV(alphas=alphas, store_cv_results=True).fit(
        X.astype(np.float32).astype(np.float64), y)
    assert m32.cv_results_.dtype == np.float32
    assert m32.alpha_ == m64.alpha_
    assert _rel(m32.cv_results_, m64.cv_results_) < TOL32
    assert abs(m32.best_score_ - m64.best_score_) < TOL32 * abs(m64.best_score_)


@pytest.mark.parametrize("shape", [(400, 10), (20, 50)], ids=["primal", "dual"])
@pytest.mark.parametrize("offset", [1e2, 1e4])
def test_large_offsets_cost_float32_no_digits(shape, offset):
    """Centring inside the kernels (shifted sums, exactly centred blocks)
    keeps float32 fits of data offset far from zero as accurate as of
    centred data: the float32 and float64 fits of the same float32 data
    agree to a few ulps (X^T X - n m m^T in float32 would lose
    2 log10(offset) digits, all of them at 1e4)."""
    rng = np.random.default_rng(1)
    X = (rng.standard_normal(shape) + offset * rng.uniform(0.5, 1.0, shape[1]))
    X = X.astype(np.float32)
    y = (X[:, :3].astype(np.float64) @ [1.0, -1.0, 2.0]
         + rng.standard_normal(shape[0])).astype(np.float32)
    for est in (shrinkage.Ridge(alpha=1.0), shrinkage.Ridge(alpha=1.0, solver="svd"),
                shrinkage.RidgeCV(alphas=np.logspace(-2, 2, 5)), shrinkage.LinearRegression()):
        a = type(est)(**est.get_params()).fit(X, y)
        b = type(est)(**est.get_params()).fit(X.astype(np.float64), y.astype(np.float64))
        assert _rel(a.coef_, b.coef_) < 50 * EPS32, est


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_kfold_folds_that_are_not_complements(sparse):
    """Time-series folds refit each fold's own system: float32 there too."""
    from sklearn.model_selection import TimeSeriesSplit
    rng = np.random.default_rng(0)
    X = (rng.standard_normal((60, 5)) + 3.0).astype(np.float32)
    y = X @ rng.standard_normal(5) + rng.standard_normal(60)
    Xin = sp.csr_matrix(X) if sparse else X
    Xref = sp.csr_matrix(X.astype(np.float64)) if sparse else X.astype(np.float64)
    alphas = np.logspace(-2, 2, 9)
    a = shrinkage.RidgeCV(alphas=alphas, cv=TimeSeriesSplit(3)).fit(Xin, y)
    b = shrinkage.RidgeCV(alphas=alphas, cv=TimeSeriesSplit(3)).fit(Xref, y)
    assert a.coef_.dtype == np.float32 and a.alpha_ == b.alpha_
    assert _rel(a.coef_, b.coef_) < TOL32
    assert abs(a.best_score_ - b.best_score_) < TOL32


def test_float32_matches_scikit_learn_float32():
    X, y, sw = _data(200, 8, seed=2)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    for ours, theirs in ((shrinkage.Ridge(alpha=1.0), sklm.Ridge(alpha=1.0)),
                         (shrinkage.RidgeCV(alphas=[0.1, 1.0, 10.0]),
                          sklm.RidgeCV(alphas=[0.1, 1.0, 10.0])),
                         (shrinkage.LinearRegression(), sklm.LinearRegression())):
        a = ours.fit(X32, y32, sample_weight=sw)
        b = theirs.fit(X32, y32, sample_weight=sw)
        assert a.coef_.dtype == b.coef_.dtype == np.float32
        assert _rel(a.coef_, b.coef_) < TOL32


# ----------------------------------------------------------------------
# memory: no float64 copy of a float32 X
# ----------------------------------------------------------------------

def _peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MEMORY_FITS = [
    ("ridge", lambda X, y: shrinkage.Ridge(alpha=1.0).fit(X, y)),
    ("ridge-weighted", lambda X, y: shrinkage.Ridge(alpha=1.0).fit(
        X, y, sample_weight=np.linspace(0.5, 2.0, X.shape[0]))),
    ("ridge-positive", lambda X, y: shrinkage.Ridge(alpha=1.0, positive=True).fit(X, y)),
    ("ridgecv-loo", lambda X, y: shrinkage.RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X, y)),
    ("ridgecv-kfold", lambda X, y: shrinkage.RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3).fit(X, y)),
    ("linreg", lambda X, y: shrinkage.LinearRegression().fit(X, y)),
    ("ridge_path", lambda X, y: shrinkage.ridge_path(X, y, [0.1, 1.0])),
    ("predict", None),
]


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("name, fit", MEMORY_FITS, ids=[m[0] for m in MEMORY_FITS])
def test_no_float64_copy_of_dense_float32_X(name, fit, order):
    rng = np.random.default_rng(0)
    n, p = 20000, 20
    X = np.asarray(rng.standard_normal((n, p)) + 1.0, dtype=np.float32, order=order)
    y = (X @ rng.standard_normal(p).astype(np.float32)).astype(np.float64)
    if fit is None:
        model = shrinkage.Ridge().fit(X, y)
        peak = _peak_bytes(lambda: model.predict(X))
    else:
        fit(X[:50], y[:50])                       # imports and first-call caches
        peak = _peak_bytes(lambda: fit(X, y))
    # a float64 copy of X alone would be 2 * X.nbytes
    assert peak < 1.5 * X.nbytes, (name, peak, X.nbytes)


@pytest.mark.parametrize("name, fit", MEMORY_FITS, ids=[m[0] for m in MEMORY_FITS])
def test_sparse_float32_fit_allocates_float32(name, fit):
    """Sparse fits allocate buffers of the size of X by design (SciPy's
    sparse products convert X's format once; leave-one-out holds dense
    n x p blocks): in float32 those buffers must be float32. A float64
    copy of X would add 8 bytes per stored entry, more than the margin
    between the float32 peak and 0.8 times the float64 fit's peak for the
    fits whose peak is the format conversion (Ridge, positive Ridge,
    ridge_path, LinearRegression); for the others the check still proves that the big
    buffers are float32."""
    rng = np.random.default_rng(0)
    n, p = 40000, 30
    peaks = {}
    for dtype in (np.float32, np.float64):
        X = sp.random(n, p, density=0.3, format="csr", dtype=dtype, random_state=0)
        y = np.asarray(X @ rng.standard_normal(p), dtype=np.float64)
        if fit is None:
            model = shrinkage.Ridge().fit(X, y)
            peaks[dtype] = _peak_bytes(lambda: model.predict(X))
        else:
            fit(X[:50], y[:50])
            peaks[dtype] = _peak_bytes(lambda: fit(X, y))
    if name == "predict":
        # the predictions only: far below a float64 copy of X's values
        assert peaks[np.float32] < 8 * X.nnz, (name, peaks)
        return
    assert peaks[np.float32] < 0.8 * peaks[np.float64], (name, peaks)
    if name in ("ridge", "ridge-positive", "linreg", "ridge_path"):
        # SciPy's own CSR -> CSC conversion of the float32 X (8 bytes per
        # entry in SciPy 1.17, about 12.5 in SciPy 1.13, which allocates a
        # work array) plus O(p^2): measured here, not assumed, so the bound
        # holds for every SciPy we support; a float64 copy of X's values
        # would add 8 bytes per entry on top
        X32 = X.astype(np.float32)
        conversion = _peak_bytes(lambda: X32.tocsc())
        assert peaks[np.float32] < conversion + 2 * X.nnz, (name, peaks, conversion)
