"""Ridge(positive=True): the NNLS route (few features) and the coordinate
descent + dual Newton route (many features) against each other, against
scikit-learn's L-BFGS-B, and against the KKT conditions written here in
plain NumPy.

Tolerances: 1e-8 relative between the two exact routes (both stop on an
unchanged active set, so ~1e-12 in practice); 1e-5 against L-BFGS-B, an
iterative solver whose projected-gradient stop leaves ~1e-7 on these
problems; the KKT residuals to 1e-9 of the gradient at w = 0.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

sk = pytest.importorskip("sklearn.linear_model")

from shrinkage import Ridge
from shrinkage._ridge_engine import RidgeProblem, nnls_solve
from shrinkage._ridge_engine import positive
from shrinkage._ridge_engine.positive import NNLS_MAX_FEATURES

from _helpers import rel_err

# (n, p), both with p > NNLS_MAX_FEATURES: tall (active sets on the Gram,
# solver_ 'pdas') and wide (coordinate descent + dual Newton, 'cd_newton')
SHAPES = {"tall": (700, 300), "wide": (120, 500)}
ROUTE = {"tall": "pdas", "wide": "cd_newton"}


def make_data(n, p, n_targets=None, seed=0, sparse=False, offset=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    if sparse:
        X[rng.random((n, p)) < 0.7] = 0.0
    W = rng.standard_normal((p, n_targets or 1))
    Y = X @ W / np.sqrt(p) + 0.3 * rng.standard_normal((n, n_targets or 1)) + 2.0
    y = Y[:, 0] if n_targets is None else Y
    sw = rng.uniform(0.2, 3.0, n)
    sw[::17] = 0.0                      # zero weights are allowed
    return (sp.csr_matrix(X) if sparse else X), y, sw


def nnls_reference(X, y, sw, fit_intercept, alphas):
    """The NNLS route on the same data (the pre-existing active-set solver)."""
    Y = y.reshape(len(y), -1)
    prob = RidgeProblem(X, Y, sw, fit_intercept, side="primal")
    W = nnls_solve(prob, np.broadcast_to(np.asarray(alphas, float), (Y.shape[1],)).copy())
    return W, prob.intercept(W)


def centred(X, y, sw, fit_intercept):
    """Dense ``X~ = S^(1/2) (X - m)``, ``y~`` (plain NumPy, no solver code)."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    s = np.ones(X.shape[0]) if sw is None else sw
    if fit_intercept:
        X = X - s @ X / s.sum()
        y = y - s @ y / s.sum()
    q = np.sqrt(s)
    return q[:, None] * X, q * y


def assert_kkt(X, y, sw, fit_intercept, alpha, w, b, rtol=1e-9):
    """KKT of ``sum s (y - Xw - b)^2 + alpha ||w||^2``, ``w >= 0``:
    gradient ``2 (X~^T (X~ w - y~) + alpha w)`` zero where ``w > 0`` and
    non-negative where ``w = 0``; b the weighted mean residual."""
    Xt, yt = centred(X, y, sw, fit_intercept)
    grad = 2.0 * (Xt.T @ (Xt @ w - yt) + alpha * w)
    scale = 2.0 * np.abs(Xt.T @ yt).max()
    assert np.all(w >= 0)
    pos = w > 0
    assert pos.any() and (~pos).any()   # both conditions exercised
    assert np.abs(grad[pos]).max() <= rtol * scale
    assert grad[~pos].min() >= -rtol * scale
    if fit_intercept:
        Xd = X.toarray() if sp.issparse(X) else X
        s = np.ones(len(y)) if sw is None else sw
        assert abs(b - s @ (y - Xd @ w) / s.sum()) <= 1e-10 * (1 + abs(b))
    else:
        assert b == 0.0


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_newton_route_matches_nnls_and_kkt(shape, sparse, weighted, fit_intercept):
    X, y, sw = make_data(*SHAPES[shape], sparse=sparse)
    sw = sw if weighted else None
    alpha = 0.5
    model = Ridge(alpha=alpha, positive=True, fit_intercept=fit_intercept).fit(
        X, y, sample_weight=sw)
    assert model.solver_ == ROUTE[shape]
    assert model.n_iter_.shape == (1,) and model.n_iter_.dtype == np.int32
    W, b = nnls_reference(X, y, sw, fit_intercept, alpha)
    assert rel_err(model.coef_, W[:, 0]) < 1e-8
    if fit_intercept:
        assert abs(model.intercept_ - b[0]) < 1e-8 * (1 + abs(b[0]))
    assert_kkt(X, y, sw, fit_intercept, alpha, model.coef_, model.intercept_)


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_multi_target_per_target_alphas(shape, sparse):
    X, Y, sw = make_data(*SHAPES[shape], n_targets=3, sparse=sparse)
    alphas = np.array([0.3, 4.0, 0.3])
    model = Ridge(alpha=alphas, positive=True).fit(X, Y, sample_weight=sw)
    assert model.coef_.shape == (3, X.shape[1]) and model.intercept_.shape == (3,)
    assert model.n_iter_.shape == (3,)
    W, b = nnls_reference(X, Y, sw, True, alphas)
    assert rel_err(model.coef_, W.T) < 1e-8
    assert rel_err(model.intercept_, b) < 1e-8
    for t in range(3):
        single = Ridge(alpha=alphas[t], positive=True).fit(X, Y[:, t], sample_weight=sw)
        assert rel_err(model.coef_[t], single.coef_) < 1e-12
        assert_kkt(X, Y[:, t], sw, True, alphas[t], model.coef_[t], model.intercept_[t])


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn_lbfgs(shape, sparse, fit_intercept):
    X, y, sw = make_data(*SHAPES[shape], sparse=sparse, seed=1)
    ours = Ridge(alpha=2.0, positive=True, fit_intercept=fit_intercept).fit(
        X, y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # L-BFGS-B may stop at its own limits
        ref = sk.Ridge(alpha=2.0, positive=True, solver="lbfgs", tol=1e-14,
                       max_iter=100000, fit_intercept=fit_intercept).fit(
            X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape
    assert rel_err(ours.coef_, ref.coef_) < 1e-5
    assert abs(float(ours.intercept_) - float(ref.intercept_)) < 1e-5 * (1 + abs(ref.intercept_))
    # ours is the more exact of the two: its objective is not larger
    Xd = X.toarray() if sparse else X

    def objective(w, b):
        r = y - Xd @ w - b
        return sw @ (r * r) + 2.0 * w @ w
    assert objective(ours.coef_, ours.intercept_) <= objective(ref.coef_, ref.intercept_) * (1 + 1e-12)


def test_large_offsets():
    """Columns with offsets 1e4 times their spread: the Newton route's
    implicitly centred products lose digits, its final solve on the support
    (block-centred Gram or kernel) does not."""
    for shape in SHAPES.values():
        check_large_offsets(*shape)


def check_large_offsets(n, p):
    X, y, sw = make_data(n, p, offset=1e4)
    model = Ridge(alpha=1.0, positive=True).fit(X, y, sample_weight=sw)
    W, b = nnls_reference(X, y, sw, True, 1.0)
    # ~1e-13 measured; the Newton coefficients alone are off by ~1e-9
    assert rel_err(model.coef_, W[:, 0]) < 1e-11
    assert abs(model.intercept_ - b[0]) < 1e-11 * (1 + abs(b[0]))


def test_wide_400_by_10000_runs_and_satisfies_kkt():
    """The case that took minutes on the p x p NNLS (run, not timed)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 10000)) + 1.0
    y = X @ rng.standard_normal(10000) + rng.standard_normal(400)
    model = Ridge(alpha=1.0, positive=True).fit(X, y)
    assert model.solver_ == "cd_newton"
    assert_kkt(X, y, None, True, 1.0, model.coef_, model.intercept_)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_float32_follows_x(sparse):
    X, y, sw = make_data(*SHAPES["wide"], n_targets=2, sparse=sparse)
    X32 = X.astype(np.float32)
    m32 = Ridge(alpha=1.0, positive=True).fit(X32, y, sample_weight=sw)
    m64 = Ridge(alpha=1.0, positive=True).fit(X32.astype(np.float64), y, sample_weight=sw)
    assert m32.solver_ == m64.solver_ == "cd_newton"
    assert m32.coef_.dtype == np.float32 and m32.intercept_.dtype == np.float32
    assert m64.coef_.dtype == np.float64
    # the same float64 solve, rounded to float32
    np.testing.assert_array_equal(m32.coef_, m64.coef_.astype(np.float32))
    assert m32.predict(X32).dtype == np.float32
    single = Ridge(alpha=1.0, positive=True).fit(X32, y[:, 0])
    assert isinstance(single.intercept_, np.float32)


def test_routes_chosen_by_shape_and_alpha():
    X, y, sw = make_data(200, NNLS_MAX_FEATURES)
    m = Ridge(alpha=1.0, positive=True).fit(X, y)
    assert m.solver_ == "nnls" and m.n_iter_ is None
    X, y, sw = make_data(200, NNLS_MAX_FEATURES + 1)
    m = Ridge(alpha=1.0, positive=True).fit(X, y)
    assert m.solver_ == "cd_newton" and m.n_iter_[0] >= 1
    m = Ridge(alpha=1.0, positive=True).fit(np.vstack([X, X]), np.r_[y, y])
    assert m.solver_ == "pdas" and m.n_iter_[0] >= 1
    # alpha = 0 is non-negative least squares: the NNLS route handles it
    m = Ridge(alpha=0.0, positive=True).fit(X, y)
    assert m.solver_ == "nnls"
    m = Ridge(alpha=[1.0, 0.0], positive=True).fit(X, np.c_[y, y])
    assert m.solver_ == "nnls"


def test_newton_from_a_poor_start(monkeypatch):
    """One coordinate pass as warm start: Newton changes the active set
    several times. With the default step budget it reaches the exact
    solution; with max_iter=1 the result fails the KKT check and the target
    is solved by NNLS (the same solution, no warning)."""
    monkeypatch.setattr(positive, "CD_PASSES", 1)
    X, y, sw = make_data(*SHAPES["wide"], seed=2)
    W, _ = nnls_reference(X, y, None, True, 1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = Ridge(alpha=1e-2, positive=True).fit(X, y)
        assert m.solver_ == "cd_newton" and m.n_iter_[0] > 3
        assert rel_err(m.coef_, W[:, 0]) < 1e-8
        Y = np.c_[y, X[:, :5].sum(axis=1)]
        m = Ridge(alpha=1e-2, positive=True, max_iter=1).fit(X, Y)
    assert m.solver_ == "cd_newton+nnls"
    assert m.n_iter_.tolist() == [2, 2]          # one pass, one Newton step each
    W2, b2 = nnls_reference(X, Y, None, True, 1e-2)
    assert rel_err(m.coef_, W2.T) < 1e-8 and rel_err(m.intercept_, b2) < 1e-8
    assert_kkt(X, y, None, True, 1e-2, m.coef_[0], m.intercept_[0])


def test_pdas_step_budget_falls_back_to_nnls():
    """max_iter=1 active-set step on the Gram: the KKT check fails and the
    target is solved by NNLS on the same Gram (the same solution)."""
    X, Y, sw = make_data(*SHAPES["tall"], n_targets=2)
    m = Ridge(alpha=1.0, positive=True, max_iter=1).fit(X, Y, sample_weight=sw)
    assert m.solver_ == "pdas+nnls" and m.n_iter_.tolist() == [1, 1]
    W, b = nnls_reference(X, Y, sw, True, 1.0)
    assert rel_err(m.coef_, W.T) < 1e-12 and rel_err(m.intercept_, b) < 1e-12


def test_tiny_alpha_tall():
    """alpha = 1e-12 against ||X~||^2 ~ 1e5, where the dual Newton's
    w = X~^T u / alpha is rounding (it was off by a factor ~40 here before
    tall problems went to the Gram): exact whichever route solves it."""
    X, y, sw = make_data(*SHAPES["tall"])
    m = Ridge(alpha=1e-12, positive=True).fit(X, y, sample_weight=sw)
    W, b = nnls_reference(X, y, sw, True, 1e-12)
    assert rel_err(m.coef_, W[:, 0]) < 1e-8
    assert_kkt(X, y, sw, True, 1e-12, m.coef_, m.intercept_)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_non_finite_X_raises(sparse):
    X, y, _ = make_data(*SHAPES["wide"])
    X = X.copy()
    X[3, 7] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Ridge(positive=True).fit(sp.csr_matrix(X) if sparse else X, y)


@pytest.mark.parametrize("x_scale, y_scale, alpha", [
    (1e150, 1.0, 1.0), (1e-150, 1.0, 1.0), (1.0, 1e200, 1.0), (1.0, 1e-200, 1.0),
    (1e100, 1e100, 1e200), (1.0, 1.0, 1e300)])
def test_extreme_scales(x_scale, y_scale, alpha):
    """Scales near the ends of float64: the exact NNLS answer, no warnings
    (Newton works on y~ / c; what overflows anyway fails the certificate
    and is solved by NNLS)."""
    X, y, _ = make_data(60, 300)
    X, y = X * x_scale, y * y_scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = Ridge(alpha=alpha, positive=True).fit(X, y)
    assert m.solver_ in ("cd_newton", "cd_newton+nnls")
    W, b = nnls_reference(X, y, None, True, alpha)
    assert rel_err(m.coef_, W[:, 0]) < 1e-8
    assert abs(m.intercept_ - b[0]) <= 1e-8 * (abs(b[0]) + abs(y).max())


def test_float32_tall_gram_route():
    """float32 X on the Gram route: the float32 Gram (no float64 copy of X,
    as the NNLS route), active sets in float64, float32 attributes."""
    X, y, sw = make_data(*SHAPES["tall"])
    X32 = X.astype(np.float32)
    m32 = Ridge(alpha=1.0, positive=True).fit(X32, y, sample_weight=sw)
    m64 = Ridge(alpha=1.0, positive=True).fit(X32.astype(np.float64), y, sample_weight=sw)
    assert m32.solver_ == m64.solver_ == "pdas"
    assert m32.coef_.dtype == np.float32 and isinstance(m32.intercept_, np.float32)
    assert rel_err(m32.coef_, m64.coef_) < 1e-4
    W32, _ = nnls_reference(X32, y, sw, True, 1.0)   # the NNLS route in float32
    assert rel_err(m32.coef_, W32[:, 0]) < 1e-6
