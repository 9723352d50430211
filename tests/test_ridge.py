"""Ridge and ridge_path: references, closed forms, accuracy, invariants.

Tolerances: 1e-9 relative against scikit-learn (both use direct LAPACK
solves, so agreement is ~1e-13 in practice on these well-conditioned
problems) and 1e-12 against exact closed forms.
"""

import threading

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.linalg import LinAlgWarning
# scikit-learn is the reference here: without it (musllinux wheel tests) the module skips.
sk = pytest.importorskip("sklearn.linear_model")

from shrinkage import LinearRegression, NotFittedError, Ridge, ridge_path
from shrinkage._ridge_engine import _gram as _ridge_fast

from _helpers import rel_err

RTOL = 1e-9

# (n_samples, n_features): n >> p (primal), p >> n (dual), n ~ p
SHAPES = [(300, 12), (40, 250), (60, 60)]


def make_data(n, p, n_targets=None, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    w = rng.standard_normal((p, n_targets or 1))
    Y = (X - offset) @ w + 0.5 * rng.standard_normal((n, n_targets or 1)) + 3.0
    y = Y[:, 0] if n_targets is None else Y
    sw = rng.uniform(0.2, 3.0, n)
    return X, y, sw


# ----------------------------------------------------------------------
# against scikit-learn
# ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("n_targets", [None, 1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sk_solver", ["svd", "cholesky"])
def test_matches_sklearn(shape, n_targets, fit_intercept, weighted, sk_solver):
    X, y, sw = make_data(*shape, n_targets=n_targets, offset=2.0)
    sw = sw if weighted else None
    ours = Ridge(alpha=0.7, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    ref = sk.Ridge(alpha=0.7, fit_intercept=fit_intercept, solver=sk_solver).fit(
        X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    if fit_intercept:
        assert rel_err(ours.intercept_, ref.intercept_) < RTOL
    else:
        assert ours.intercept_ == 0.0 and isinstance(ours.intercept_, float)
    assert ours.n_iter_ is None
    assert ours.solver_ == "cholesky"
    assert rel_err(ours.predict(X), ref.predict(X)) < RTOL


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("order", ["C", "F"])
def test_solver_svd_and_layouts(shape, order):
    X, y, sw = make_data(*shape, n_targets=2)
    X = np.asarray(X, order=order)
    ours = Ridge(alpha=2.0, solver="svd").fit(X, y, sample_weight=sw)
    ref = sk.Ridge(alpha=2.0, solver="svd").fit(X, y, sample_weight=sw)
    assert ours.solver_ == "svd"
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    assert rel_err(ours.intercept_, ref.intercept_) < RTOL
    chol = Ridge(alpha=2.0).fit(X, y, sample_weight=sw)
    assert rel_err(chol.coef_, ref.coef_) < RTOL


def test_non_contiguous_and_integer_input():
    X, y, _ = make_data(80, 6)
    Xbig = np.zeros((80, 12))
    Xbig[:, ::2] = X
    ref = sk.Ridge(alpha=1.0).fit(X, y)
    ours = Ridge(alpha=1.0).fit(Xbig[:, ::2], y)
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    Xi = np.round(X * 10).astype(np.int64)
    ref = sk.Ridge(alpha=1.0).fit(Xi, y)
    assert rel_err(Ridge(alpha=1.0).fit(Xi, y).coef_, ref.coef_) < RTOL


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_alpha_per_target(shape):
    X, Y, sw = make_data(*shape, n_targets=3)
    alphas = np.array([0.1, 5.0, 0.1])
    ours = Ridge(alpha=alphas).fit(X, Y, sample_weight=sw)
    ref = sk.Ridge(alpha=alphas).fit(X, Y, sample_weight=sw)
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    for t in range(3):
        single = Ridge(alpha=alphas[t]).fit(X, Y[:, t], sample_weight=sw)
        assert rel_err(ours.coef_[t], single.coef_) < 1e-12
        assert abs(ours.intercept_[t] - single.intercept_) < 1e-10


def test_scalar_sample_weight_scales_the_loss():
    # weight c at alpha equals unit weights at alpha / c (scikit-learn's rule)
    X, y, _ = make_data(50, 4)
    a = Ridge(alpha=2.0).fit(X, y, sample_weight=4.0)
    b = Ridge(alpha=0.5).fit(X, y)
    ref = sk.Ridge(alpha=2.0).fit(X, y, sample_weight=4.0)
    assert rel_err(a.coef_, b.coef_) < 1e-12
    assert rel_err(a.coef_, ref.coef_) < RTOL


# ----------------------------------------------------------------------
# closed forms and invariants
# ----------------------------------------------------------------------

@pytest.mark.parametrize("fit_intercept", [True, False])
def test_orthonormal_design_closed_form(fit_intercept):
    # centred orthonormal columns: X~^T X~ = I, so w = w_ols / (1 + alpha)
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((200, 8))
    Z -= Z.mean(axis=0)
    X, _ = np.linalg.qr(Z)
    y = X @ rng.standard_normal(8) + 0.3 * rng.standard_normal(200) + 1.5
    w_ols = X.T @ (y - y.mean()) if fit_intercept else X.T @ y
    for alpha in (0.0, 0.3, 1.0, 25.0):
        model = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
        assert rel_err(model.coef_, w_ols / (1.0 + alpha)) < 1e-12
        if fit_intercept:
            assert abs(model.intercept_ - y.mean()) < 1e-12


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("sparse", [False, True])
def test_integer_weights_equal_repeated_rows(shape, sparse):
    X, y, _ = make_data(*shape, n_targets=2)
    rng = np.random.default_rng(1)
    k = rng.integers(0, 4, X.shape[0])
    k[0] = 1
    Xr, yr = np.repeat(X, k, axis=0), np.repeat(y, k, axis=0)
    if sparse:
        X, Xr = sp.csr_matrix(X), sp.csr_matrix(Xr)
    a = Ridge(alpha=1.3).fit(X, y, sample_weight=k.astype(float))
    b = Ridge(alpha=1.3).fit(Xr, yr)
    assert rel_err(a.coef_, b.coef_) < 1e-10
    assert rel_err(a.intercept_, b.intercept_) < 1e-10


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_large_offsets_keep_full_accuracy(shape, order, fit_intercept):
    """Columns with offset 1e4 and spread 1: the fit must keep ~all digits.

    The problem with intercept is invariant to column shifts, so the exact
    answer is the fit on ``Z = X - 1e4`` (computed exactly: Sterbenz). The
    textbook route ``X^T X - n m m^T`` loses ~8 digits here; ours, centring
    blocks at a provisional shift with an exact correction, must stay within
    1e-11 of the shift-free fit.
    """
    n, p = shape
    rng = np.random.default_rng(7)
    X = np.asarray(rng.standard_normal((n, p)) + 1e4, order=order)
    Z = X - 1e4
    y = Z @ rng.standard_normal(p) + rng.standard_normal(n)
    sw = rng.uniform(0.5, 2.0, n)
    if not fit_intercept:
        # No intercept: the offset is part of the model and makes the
        # problem ill-conditioned; normal equations are then accurate to
        # ~ cond(X~^T X~ + alpha I) * eps (a property of the method, not of
        # centring), checked against the SVD solver.
        ours = Ridge(alpha=1.0, fit_intercept=False).fit(X, y, sample_weight=sw)
        ref = Ridge(alpha=1.0, fit_intercept=False, solver="svd").fit(X, y, sample_weight=sw)
        sv = np.linalg.svd(np.sqrt(sw)[:, None] * X, compute_uv=False)
        cond = (sv[0] ** 2 + 1.0) / (sv[-1] ** 2 + 1.0 if n >= p else 1.0)
        assert rel_err(ours.coef_, ref.coef_) < 100 * cond * np.finfo(float).eps
        return
    ours = Ridge(alpha=1.0).fit(X, y, sample_weight=sw)
    exact = Ridge(alpha=1.0).fit(Z, y, sample_weight=sw)
    assert rel_err(ours.coef_, exact.coef_) < 1e-11
    assert abs(ours.intercept_ - (exact.intercept_ - 1e4 * exact.coef_.sum())) < 1e-11 * 1e4 * np.abs(exact.coef_).sum() + 1e-9
    # the test problem is hard: the naive Gram correction is far off
    if n >= p:
        s = sw
        m = s @ X / s.sum()
        G_naive = X.T @ (s[:, None] * X) - s.sum() * np.outer(m, m)
        Zc = Z - s @ Z / s.sum()
        G_exact = Zc.T @ (s[:, None] * Zc)
        assert rel_err(G_naive, G_exact) > 1e-9


@pytest.mark.parametrize("offset", [0.0, 5.0, 9.5, 30.0, 1e4])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gram_kernel_accuracy_with_offsets(offset, order, weighted):
    """The kernels against an extended-precision reference.

    Unweighted data with moderate offsets use X in place with a rank-one
    centring correction (at most 2 digits lost, by construction); larger
    offsets, or weights, go through centred block copies (no digits lost).
    """
    rng = np.random.default_rng(0)
    for n, p in [(600, 20), (30, 400)]:
        X = np.asarray(rng.standard_normal((n, p)) + offset, order=order)
        s = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
        XL, sL = X.astype(np.longdouble), s.astype(np.longdouble)
        mL = (sL @ XL) / sL.sum()
        XcL = XL - mL
        if n >= p:
            G = np.empty((p, p), order="F")
            Q = np.empty((p, 0), order="F")
            cx, cy = np.zeros(p), np.zeros(0)
            _, _, _, copied = _ridge_fast.gram_primal(
                X, order == "C", np.empty((n, 0), order="F"),
                np.sqrt(s) if weighted else np.empty(0), True, True, cx, cy, G, Q, True)
            ref = XcL.T @ (sL[:, None] * XcL)
            if offset != 9.5:   # 9.5: growth 1 + m^2/var ~ 91, near the 100 limit
                assert copied == (weighted or offset >= 30)
            tol = 1e-13 if copied else 1e-12
            assert float(rel_err(G, ref.astype(float))) < tol
            assert float(np.abs(cx - mL).max()) < 1e-15 * max(offset, 1.0) * 10
        else:
            K = np.empty((n, n), order="F")
            m = np.empty(p)
            _, in_place = _ridge_fast.kernel_dual(X, order == "C", s if weighted else np.empty(0),
                                                  True, m, K)
            ref = XcL @ XcL.T
            if offset != 9.5:   # 9.5: growth ~ 91 +- row noise, either route
                assert in_place == (not weighted and offset < 30)
            tol = 1e-12 if in_place else 1e-13
            assert float(rel_err(K, ref.astype(float))) < tol
            if in_place:   # the means come from the caller's next pass
                assert np.isnan(m).all()
            else:
                assert float(np.abs(m - mL).max()) < 1e-15 * max(offset, 1.0) * 10


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("order", ["C", "F"])
def test_inputs_not_modified(shape, order):
    X, y, sw = make_data(*shape, n_targets=2, offset=5.0)
    X = np.asarray(X, order=order)
    copies = [X.copy(), y.copy(), sw.copy()]
    for arr in (X, y, sw):
        arr.setflags(write=False)
    for solver in ("auto", "svd"):
        Ridge(alpha=0.5, solver=solver).fit(X, y, sample_weight=sw)
    ridge_path(X, y, [0.1, 1.0], sample_weight=sw)
    Ridge(positive=True).fit(X, y, sample_weight=sw)
    for orig, arr in zip(copies, (X, y, sw)):
        np.testing.assert_array_equal(orig, arr)


def test_kernels_release_the_gil_and_are_deterministic():
    X, y, sw = make_data(2000, 60, n_targets=2)
    ref = Ridge(alpha=1.0).fit(X, y, sample_weight=sw).coef_
    results = [None] * 4

    def work(i):
        results[i] = Ridge(alpha=1.0).fit(X, y, sample_weight=sw).coef_

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, ref)


# ----------------------------------------------------------------------
# sparse input
# ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_matches_dense(shape, fmt, fit_intercept):
    rng = np.random.default_rng(4)
    n, p = shape
    Xs = sp.random(n, p, density=0.3, format=fmt, random_state=rng)
    X = Xs.toarray()
    y = rng.standard_normal((n, 2))
    sw = rng.uniform(0.5, 2.0, n)
    for solver in ("auto", "svd"):
        a = Ridge(alpha=0.8, fit_intercept=fit_intercept, solver=solver).fit(Xs, y, sample_weight=sw)
        b = Ridge(alpha=0.8, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
        assert rel_err(a.coef_, b.coef_) < RTOL
        assert rel_err(a.intercept_, b.intercept_) < RTOL if fit_intercept else a.intercept_ == 0.0
        assert rel_err(a.predict(Xs), b.predict(X)) < RTOL
    ref = sk.Ridge(alpha=0.8, fit_intercept=fit_intercept, solver="sparse_cg", tol=1e-12,
                   max_iter=10000).fit(Xs, y, sample_weight=sw)
    assert rel_err(b.coef_, ref.coef_) < 1e-7   # iterative reference


# ----------------------------------------------------------------------
# singular systems
# ----------------------------------------------------------------------

def test_alpha_zero_full_rank_is_ols():
    X, y, sw = make_data(100, 5)
    ours = Ridge(alpha=0.0).fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression().fit(X, y, sample_weight=sw)
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    assert ours.solver_ == "cholesky"


@pytest.mark.parametrize("shape", [(50, 6), (20, 40)], ids=str)
@pytest.mark.parametrize("sparse", [False, True])
def test_singular_system_falls_back_with_warning(shape, sparse):
    n, p = shape
    X, y, _ = make_data(n, p)
    if n >= p:
        X[:, 1] = X[:, 0]      # duplicated feature: X^T X singular
    else:
        X[1] = X[0]            # duplicated sample: X X^T singular
    Xin = sp.csr_matrix(X) if sparse else X
    with pytest.warns(LinAlgWarning, match="LinearRegression"):
        model = Ridge(alpha=0.0).fit(Xin, y)
    assert model.solver_ == ("eigen" if sparse else "svd")
    # minimum-norm least squares on the centred design
    Xc = X - X.mean(axis=0)
    w_ref = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0]
    assert rel_err(model.coef_, w_ref) < 1e-8
    assert np.isfinite(model.intercept_)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_p_greater_than_n_at_zero_or_tiny_alpha(sparse, weighted):
    # The centred kernel always has the intercept direction in its null
    # space; it is lifted off zero (the right-hand side is orthogonal to it),
    # so alpha = 0 gives the minimum-norm interpolant by Cholesky, no warning.
    X, y, sw = make_data(15, 60)
    sw = sw if weighted else None
    Xin = sp.csr_matrix(X) if sparse else X
    ref = LinearRegression().fit(X, y, sample_weight=sw)
    for alpha in (0.0, 1e-12):
        model = Ridge(alpha=alpha).fit(Xin, y, sample_weight=sw)   # warnings are errors
        assert model.solver_ == "cholesky"
        assert rel_err(model.coef_, ref.coef_) < 1e-8
        np.testing.assert_allclose(model.predict(Xin), y, atol=1e-8)


# ----------------------------------------------------------------------
# ridge_path
# ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("n_targets", [None, 2])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_path_matches_single_fits(shape, n_targets, fit_intercept, sparse):
    X, y, sw = make_data(*shape, n_targets=n_targets, offset=1.0)
    alphas = np.array([10.0, 0.01, 1.0, 1e3])
    Xin = sp.csc_matrix(X) if sparse else X
    a_out, coefs, intercepts = ridge_path(Xin, y, alphas, sample_weight=sw,
                                          fit_intercept=fit_intercept)
    np.testing.assert_array_equal(a_out, alphas)
    p = X.shape[1]
    if n_targets is None:
        assert coefs.shape == (p, 4) and intercepts.shape == (4,)
    else:
        assert coefs.shape == (n_targets, p, 4) and intercepts.shape == (n_targets, 4)
    for i, alpha in enumerate(alphas):
        ref = sk.Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="svd").fit(
            X, y, sample_weight=sw)
        assert rel_err(coefs[..., i], ref.coef_) < RTOL
        if fit_intercept:
            assert rel_err(intercepts[..., i], ref.intercept_) < RTOL
        else:
            assert np.all(intercepts[..., i] == 0)


@pytest.mark.parametrize("shape", [(80, 10), (15, 40)], ids=str)
def test_ridge_path_alpha_zero_is_min_norm_least_squares(shape):
    X, y, _ = make_data(*shape)
    _, coefs, intercepts = ridge_path(X, y, [0.0])
    ref = LinearRegression().fit(X, y)
    assert rel_err(coefs[:, 0], ref.coef_) < 1e-8
    assert abs(intercepts[0] - ref.intercept_) < 1e-8 * max(1.0, abs(ref.intercept_))


# ----------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "params, err, match",
    [
        (dict(alpha=-1.0), ValueError, "alpha"),
        (dict(alpha="1"), TypeError, "alpha"),
        (dict(alpha=[1.0, 2.0, 3.0]), ValueError, "penalties"),
        (dict(alpha=[1.0, -2.0]), ValueError, "alpha"),
        (dict(solver="newton"), ValueError, "solver"),
        (dict(positive=True, solver="svd"), ValueError, "positive"),
        (dict(solver="lbfgs"), ValueError, "positive=True"),
        (dict(tol=-1.0), ValueError, "tol"),
        (dict(max_iter=0), ValueError, "max_iter"),
        (dict(fit_intercept="yes"), TypeError, "fit_intercept"),
    ],
)
def test_bad_parameters(params, err, match):
    X, y, _ = make_data(20, 3, n_targets=2)
    with pytest.raises(err, match=match):
        Ridge(**params).fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("shape", [(40, 5), (5, 40)], ids=str)
@pytest.mark.parametrize("layout", ["C", "F", "csr"])
def test_non_finite_X_is_rejected(bad, shape, layout):
    # dense X is checked through the Gram/kernel diagonal, not a separate
    # scan: every estimator and route must still raise the usual error,
    # also when the offending row has weight 0
    X, y, _ = make_data(*shape)
    X[2, 3] = bad
    X = sp.csr_matrix(X) if layout == "csr" else np.asarray(X, order=layout)
    w = np.ones(shape[0])
    w[2] = 0.0
    from shrinkage import RidgeCV
    estimators = [Ridge(), Ridge(solver="svd"), Ridge(fit_intercept=False),
                  Ridge(positive=True), RidgeCV(), RidgeCV(cv=3),
                  RidgeCV(gcv_mode="svd"), LinearRegression(),
                  LinearRegression(positive=True)]
    for est in estimators:
        for sw in (None, w):
            with pytest.raises(ValueError, match="NaN|infinity"):
                est.fit(X, y, sample_weight=sw)
    with pytest.raises(ValueError, match="NaN|infinity"):
        ridge_path(X, y, [1.0])


def test_bad_data():
    X, y, sw = make_data(20, 3)
    with pytest.raises(ValueError, match="NaN"):
        Ridge().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Ridge().fit(X, y[:-1])
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge().fit(X, y, sample_weight=-sw)
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge().fit(X, y, sample_weight=sw[:-1])
    with pytest.raises(NotFittedError):
        Ridge().predict(X)
    model = Ridge().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        ridge_path(X, np.where(y > 0, np.nan, y), [1.0])
    with pytest.raises(ValueError, match=r"alphas\[1\]"):
        ridge_path(X, y, [1.0, -1.0])
    with pytest.raises(ValueError, match="at least one"):
        ridge_path(X, y, [])


# ----------------------------------------------------------------------
# accepted input kinds, pickling
# ----------------------------------------------------------------------

def _estimators():
    from shrinkage import RidgeCV
    return [Ridge(alpha=0.3), Ridge(alpha=0.3, solver="svd"), RidgeCV(),
            RidgeCV(cv=3), LinearRegression()]


# float32 input is kept float32 (scikit-learn's rule): tests/test_ridge_float32.py
@pytest.mark.parametrize("kind", ["int", "bool", "list", "memmap",
                                  "pandas", "strided", "readonly", "fortran"])
@pytest.mark.parametrize("shape", [(60, 5), (8, 30)], ids=str)
def test_input_kinds_give_the_float64_answer(kind, shape, tmp_path):
    rng = np.random.default_rng(9)
    n, p = shape
    X64 = rng.integers(0, 2, (n, p)).astype(float) if kind == "bool" else np.round(
        rng.standard_normal((n, p)) * 4)
    y = rng.standard_normal(n)
    if kind == "int":
        Xin = X64.astype(np.int64)
    elif kind == "bool":
        Xin = X64.astype(bool)
    elif kind == "list":
        Xin = X64.tolist()
    elif kind == "memmap":
        Xin = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float64,
                                        shape=X64.shape)
        Xin[:] = X64
        Xin.flush()
        Xin = np.load(tmp_path / "X.npy", mmap_mode="r")
    elif kind == "pandas":
        import pandas as pd
        Xin = pd.DataFrame(X64, columns=[f"f{j}" for j in range(p)])
    elif kind == "strided":
        big = np.zeros((n, 2 * p))
        big[:, ::2] = X64
        Xin = big[:, ::2]
    elif kind == "readonly":
        Xin = X64.copy()
        Xin.setflags(write=False)
    else:
        Xin = np.asfortranarray(X64)
    for est in _estimators():
        ref = type(est)(**est.get_params()).fit(X64, y)
        got = est.fit(Xin, y)
        assert rel_err(got.coef_, ref.coef_) < 1e-12
        assert rel_err(got.predict(Xin), ref.predict(X64)) < 1e-12
        if kind == "pandas":
            assert list(got.feature_names_in_) == [f"f{j}" for j in range(p)]


def test_pickle_round_trip_and_determinism():
    import pickle
    X, y, sw = make_data(40, 6, n_targets=2)
    for est in _estimators():
        a = est.fit(X, y, sample_weight=sw)
        b = pickle.loads(pickle.dumps(a))
        np.testing.assert_array_equal(a.predict(X), b.predict(X))
        c = type(est)(**est.get_params()).fit(X, y, sample_weight=sw)
        np.testing.assert_array_equal(a.coef_, c.coef_)
