"""Newton steps on the support: the updated Cholesky factor, and solves with
Newton steps equal to solves without them (and to scikit-learn), at
optimality, on the problems where they are taken (correlated features, p > n,
paths along which coefficients change sign or leave the support)."""

import numpy as np
import pytest

from shrinkage import Lasso, ElasticNet, enet_path, lasso_path
from shrinkage._enet import _covariance, _newton, path as _path, solve as _solvers
from shrinkage._enet.design import Design

from _helpers import enet_objective

sklearn_lm = pytest.importorskip("sklearn.linear_model")


# ---------------------------------------------------------------------------
# the support factor
# ---------------------------------------------------------------------------

def _spd(p, seed, rank=None):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((rank or 2 * p, p))
    return np.ascontiguousarray(A.T @ A)


def _check_factor(factor, G, support, pf, l2):
    order, L = factor.to_arrays()
    assert sorted(order) == sorted(support)
    if not len(order):
        return
    H = G[np.ix_(order, order)] + l2 * np.diag(pf[order])
    np.testing.assert_allclose(L @ L.T, H, rtol=1e-10, atol=1e-10 * np.abs(H).max())
    assert np.all(np.diag(L) > 0) and np.allclose(L, np.tril(L))


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_factor_follows_supports_that_grow_and_shrink(l2):
    # Random supports one after another: features enter (one, or a block
    # appended by dtrsm/dsyrk/dpotrf), leave (rank-one updates), or most of
    # them change (one blocked factorisation); the factor always equals the
    # Cholesky factor of G_SS + l2 F_S in its order.
    p = 160
    G = _spd(p, 0)
    pf = np.random.default_rng(1).uniform(0.5, 2.0, p)
    factor = _newton.SupportFactor(p)
    rng = np.random.default_rng(2)
    support = np.array([], dtype=np.intc)
    for step in range(40):
        current = set(support.tolist())
        kind = step % 4
        if kind == 0:        # a few enter
            current |= set(rng.choice(p, 3, replace=False).tolist())
        elif kind == 1:      # a few leave
            if current:
                current -= set(rng.choice(sorted(current), min(3, len(current)), replace=False).tolist())
        elif kind == 2:      # one enters, one leaves
            current |= {int(rng.integers(p))}
            current -= {sorted(current)[0]}
        else:                # most change (blocked path when > 64 are new)
            current = set(rng.choice(p, int(rng.integers(1, 120)), replace=False).tolist())
        support = np.array(sorted(current), dtype=np.intc)
        rng.shuffle(support)
        assert factor.sync(G, support, pf, l2)
        _check_factor(factor, G, support, pf, l2)


def test_factor_rebuilt_when_l2_changes():
    p = 30
    G = _spd(p, 3)
    pf = np.ones(p)
    factor = _newton.SupportFactor(p)
    S = np.arange(0, 30, 2, dtype=np.intc)
    assert factor.sync(G, S, pf, 0.0)
    _check_factor(factor, G, S, pf, 0.0)
    assert factor.sync(G, S, pf, 5.0)
    _check_factor(factor, G, S, pf, 5.0)


def test_factor_refuses_a_dependent_feature():
    # Column 5 is a copy of column 2: G is singular on any support holding
    # both, which the factor reports instead of returning a broken factor.
    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 8))
    X[:, 5] = X[:, 2]
    G = np.ascontiguousarray(X.T @ X)
    pf = np.ones(8)
    factor = _newton.SupportFactor(8)
    assert factor.sync(G, np.array([0, 2, 3], dtype=np.intc), pf, 0.0)
    assert not factor.sync(G, np.array([0, 2, 3, 5], dtype=np.intc), pf, 0.0)
    order, L = factor.to_arrays()   # still a valid factor of what it holds
    H = G[np.ix_(order, order)]
    np.testing.assert_allclose(L @ L.T, H, rtol=1e-10, atol=1e-10 * np.abs(H).max())
    # with a ridge term the same support is positive definite
    assert factor.sync(G, np.array([0, 2, 3, 5], dtype=np.intc), pf, 1e-3)


# ---------------------------------------------------------------------------
# solves with and without Newton steps
# ---------------------------------------------------------------------------

def _toeplitz_problem(n, p, rho, seed, k=None):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p))
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * Z[:, j]
    w = np.zeros(p)
    k = k or max(p // 4, 1)
    idx = rng.choice(p, k, replace=False)
    w[idx] = rng.uniform(0.5, 2.0, k) * rng.choice([-1, 1], k)
    y = X @ w + 0.5 * rng.standard_normal(n) + 1.0
    return np.asfortranarray(X), y


class _NoNewton:
    """Solvers with Newton steps disabled (naive: no active Gram; Gram:
    newton=False), to compare against."""

    def __init__(self, monkeypatch):
        monkeypatch.setattr(_solvers, "active_gram_for", lambda design: None)
        monkeypatch.setattr(_path, "active_gram_for", lambda design: None)
        real = _covariance.enet_gram
        monkeypatch.setattr(_covariance, "enet_gram",
                            lambda *a, **k: real(*a, **{**k, "newton": False}))
        # the batch kernels call the solve directly, with Newton steps:
        # keep the Python loops, which call enet_gram
        monkeypatch.setattr(Design, "batch_targets", False)
        monkeypatch.setattr(Design, "batch_paths", False)


CASES = {
    # name: (n, p, rho, precompute, seed) -- Gram or naive updates
    "corr_gram": (300, 120, 0.9, True, 1),
    "corr_naive": (300, 120, 0.9, False, 2),
    "wide_naive": (80, 400, 0.5, False, 3),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
@pytest.mark.parametrize("variant", ["plain", "weights", "positive", "free"])
def test_newton_solves_equal_coordinate_descent(monkeypatch, case, l1_ratio, variant):
    n, p, rho, precompute, seed = CASES[case]
    X, y = _toeplitz_problem(n, p, rho, seed=seed)
    rng = np.random.default_rng(7)
    kw = dict(l1_ratio=l1_ratio, precompute=precompute, tol=1e-12, max_iter=100_000)
    sw = rng.uniform(0.2, 3.0, n) if variant == "weights" else None
    pf = None
    if variant == "free":
        pf = np.ones(p)
        pf[[1, 7]] = 0.0
        kw["penalty_factor"] = pf
    if variant == "positive":
        kw["positive"] = True
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    lambda_max = np.max(np.abs((X - s @ X / n).T @ (s * (y - s @ y / n)))) / (n * l1_ratio)
    kw["alpha"] = 0.02 * lambda_max
    newton = ElasticNet(**kw).fit(X, y, sample_weight=sw)
    with monkeypatch.context() as m:
        _NoNewton(m)
        plain = ElasticNet(**kw).fit(X, y, sample_weight=sw)
    P_newton = enet_objective(X, y, newton.coef_, newton.intercept_, kw["alpha"], l1_ratio, sw, pf)
    P_plain = enet_objective(X, y, plain.coef_, plain.intercept_, kw["alpha"], l1_ratio, sw, pf)
    assert abs(P_newton - P_plain) <= 1e-11 * abs(P_plain)
    np.testing.assert_allclose(newton.coef_, plain.coef_, atol=1e-6)
    assert newton.dual_gap_ <= 1e-12 * np.var(y) * 1.0001 + 1e-300
    if variant == "positive":
        assert np.all(newton.coef_ >= 0)
    # the step is taken: tight solves need markedly fewer passes with it
    assert newton.n_iter_ < 0.7 * plain.n_iter_


@pytest.mark.parametrize("precompute", [True, False])
def test_newton_path_equals_sklearn_and_keeps_kkt(precompute):
    # A correlated design whose Lasso path has coefficients that change
    # sign and leave the support: the Newton path goes through those kinks.
    X, y = _toeplitz_problem(200, 80, 0.95, seed=11, k=30)
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas, coefs, gaps = lasso_path(Xc, yc, alphas=60, eps=1e-3, tol=1e-12,
                                     max_iter=100_000, precompute=precompute)
    signs = np.sign(coefs)
    assert np.any(signs[:, 1:] * signs[:, :-1] < 0) or np.any(
        (signs[:, 1:] == 0) & (signs[:, :-1] != 0)), "the path should lose coefficients"
    _, ref, _ = sklearn_lm.lasso_path(Xc, yc, alphas=alphas, tol=1e-12, max_iter=1_000_000)
    n = len(yc)
    for k, a in enumerate(alphas):
        P = enet_objective(Xc, yc, coefs[:, k], 0.0, a)
        P_ref = enet_objective(Xc, yc, ref[:, k], 0.0, a)
        assert P <= P_ref * (1 + 1e-9) + 1e-15
        # KKT: |x_j^T r| / n <= alpha, with equality (and the sign) on the support
        c = Xc.T @ (yc - Xc @ coefs[:, k]) / n
        assert np.all(np.abs(c) <= a * (1 + 1e-7) + 1e-12)
        on = coefs[:, k] != 0
        np.testing.assert_allclose(c[on], a * np.sign(coefs[on, k]), rtol=1e-6, atol=1e-10)


def test_newton_with_duplicated_columns():
    # Two identical columns: the restricted Hessian is singular when both
    # are in the support; the solver still reaches the optimum (the factor
    # refuses the dependent column and coordinate descent carries on).
    X, y = _toeplitz_problem(120, 40, 0.8, seed=5)
    X = np.column_stack([X, X[:, 3]])
    for precompute in (True, False):
        m = Lasso(alpha=0.01, precompute=precompute, tol=1e-12, max_iter=100_000).fit(X, y)
        ref = sklearn_lm.Lasso(alpha=0.01, tol=1e-12, max_iter=1_000_000).fit(X, y)
        P = enet_objective(X, y, m.coef_, m.intercept_, 0.01)
        P_ref = enet_objective(X, y, ref.coef_, ref.intercept_, 0.01)
        assert P <= P_ref * (1 + 1e-10)


def test_newton_on_sparse_data_equals_dense():
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(9)
    X = sp.random(150, 300, density=0.1, random_state=9, format="csc")
    X.data = rng.uniform(0.5, 2.0, X.nnz)
    w = np.zeros(300)
    w[:20] = rng.standard_normal(20)
    y = X @ w + 0.1 * rng.standard_normal(150)
    a = Lasso(alpha=1e-3, tol=1e-12, max_iter=100_000).fit(X, y)
    b = Lasso(alpha=1e-3, tol=1e-12, max_iter=100_000).fit(X.toarray(), y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    assert a.intercept_ == pytest.approx(b.intercept_, abs=1e-8)


def test_elastic_net_path_newton_with_changing_l2():
    # Along an elastic-net path l2 changes with alpha: the factor is rebuilt
    # for each l2; the path equals scikit-learn's.
    X, y = _toeplitz_problem(150, 60, 0.9, seed=13)
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas, coefs, _ = enet_path(Xc, yc, l1_ratio=0.6, alphas=30, tol=1e-12,
                                 max_iter=100_000, precompute=True)
    _, ref, _ = sklearn_lm.enet_path(Xc, yc, l1_ratio=0.6, alphas=alphas, tol=1e-12,
                                     max_iter=1_000_000)
    for k, a in enumerate(alphas):
        P = enet_objective(Xc, yc, coefs[:, k], 0.0, a, 0.6)
        P_ref = enet_objective(Xc, yc, ref[:, k], 0.0, a, 0.6)
        assert P <= P_ref * (1 + 1e-9) + 1e-15


# ---------------------------------------------------------------------------
# one Newton step, through kinks
# ---------------------------------------------------------------------------

def _gram_lasso(G, q, l1, pf=None, positive=False, l2=0.0):
    """Exact Lasso solution of 0.5 w'Gw - q'w + l1|w| by scikit-learn at a
    tight tolerance, through the square root of G."""
    p = G.shape[0]
    evals, V = np.linalg.eigh(G)
    R = (V * np.sqrt(np.maximum(evals, 0))).T          # R'R = G
    b = np.linalg.lstsq(R.T, q, rcond=None)[0]         # R'b = q
    n = p
    f = np.ones(p) if pf is None else pf
    Rf = R / f                                          # penalty factors as rescaling
    if l2:
        Rf = np.vstack([Rf, np.sqrt(l2) * np.diag(1 / np.sqrt(f))])
        b = np.concatenate([b, np.zeros(p)])
        n = 2 * p
    m = sklearn_lm.Lasso(alpha=l1 / Rf.shape[0], fit_intercept=False, positive=positive,
                         tol=1e-14, max_iter=1_000_000).fit(Rf, b)
    return m.coef_ / f


def test_one_newton_step_lands_on_the_solution_when_only_features_leave():
    # From the solution at a small l1 to a larger one where coefficients
    # only shrink or leave, the homotopy inside one Newton step follows
    # every kink and lands exactly on the new solution.
    X, y = _toeplitz_problem(120, 50, 0.9, seed=21, k=40)
    Xc, yc = X - X.mean(0), y - y.mean()
    G = np.ascontiguousarray(Xc.T @ Xc)
    q = Xc.T @ yc
    l1_max = np.max(np.abs(q))
    pf = np.ones(50)
    w0 = _gram_lasso(G, q, 0.01 * l1_max)
    w1 = _gram_lasso(G, q, 0.02 * l1_max)
    assert (w0 != 0).sum() - (w1 != 0).sum() == 5
    assert np.all((w1 == 0) | (w0 != 0)), "no feature may enter for this test"
    w, n_left, partial = _newton.newton_path_dense(G, q, w0, 0.02 * l1_max, 0.0, pf, False)
    assert not partial and n_left == 5
    np.testing.assert_array_equal(w != 0, w1 != 0)
    np.testing.assert_allclose(w, w1, rtol=1e-7, atol=1e-9 * np.abs(w1).max())
    # told to stop after one kink, it stops there, part-way
    _, n_short, partial = _newton.newton_path_dense(G, q, w0, 0.02 * l1_max, 0.0, pf,
                                                      False, max_kinks=1)
    assert partial and n_short <= 1


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l2", [0.0, 3.0])
def test_one_newton_step_on_the_right_support_is_exact(positive, l2):
    # With the support and signs of the solution, one step from anywhere in
    # that orthant lands on the solution (the quadratic's minimiser).
    rng = np.random.default_rng(22)
    X, _ = _toeplitz_problem(150, 40, 0.8, seed=22)
    y = X @ (rng.uniform(0, 2, 40) * (rng.random(40) < 0.5)) + 0.3 * rng.standard_normal(150)
    Xc, yc = X - X.mean(0), y - y.mean()
    G = np.ascontiguousarray(Xc.T @ Xc)
    q = Xc.T @ yc
    pf = rng.uniform(0.5, 2.0, 40)
    l1 = 0.05 * np.max(np.abs(q))
    exact = _gram_lasso(G, q, l1, pf=pf, positive=positive, l2=l2)
    start = exact * rng.uniform(0.7, 1.3, 40)
    w, n_left, partial = _newton.newton_path_dense(G, q, start, l1, l2, pf, positive)
    assert n_left == 0 and not partial
    np.testing.assert_allclose(w, exact, rtol=1e-7, atol=1e-9 * np.abs(exact).max())


def test_one_newton_step_through_a_sign_change():
    # A coefficient that must go through zero to the other sign continues
    # with the flipped sign instead of leaving the support.
    G = np.array([[1.0, 0.9], [0.9, 1.0]])
    q = np.array([1.0, 0.5])          # unpenalised optimum (1.53, -0.87)
    pf = np.ones(2)
    l1 = 0.05
    exact = _gram_lasso(G, q, l1)
    assert exact[0] > 0 > exact[1]
    start = np.array([0.5, 0.2])        # second coefficient on the wrong side
    w, n_left, partial = _newton.newton_path_dense(G, q, start, l1, 0.0, pf, False)
    assert n_left == 0 and not partial
    np.testing.assert_allclose(w, exact, rtol=1e-10)


@pytest.mark.parametrize("l2", [0.0, 2.0])
def test_newton_step_taking_in_violators_drops_the_wrong_signed_at_once(l2):
    # The solvers' Newton steps take in every KKT violator at zero; on a
    # correlated design many of them head for the other sign and leave
    # before any move, together. The step still lowers the objective and,
    # ending at its target, is stationary on the support it keeps.
    X, y = _toeplitz_problem(200, 80, 0.9, seed=23, k=30)
    Xc, yc = X - X.mean(0), y - y.mean()
    G = np.ascontiguousarray(Xc.T @ Xc)
    q = Xc.T @ yc
    pf = np.ones(80)
    l1_max = np.max(np.abs(q))
    w0 = _gram_lasso(G, q, 0.1 * l1_max, l2=l2)
    l1 = 0.02 * l1_max
    c = q - G @ w0 - l2 * w0
    violators = np.flatnonzero((w0 == 0) & (np.abs(c) > l1))
    assert violators.size >= 10

    def objective(w):
        return 0.5 * w @ G @ w - q @ w + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w

    w, n_left, partial = _newton.newton_path_dense(G, q, w0, l1, l2, pf, False,
                                                     entering=violators)
    assert not partial and n_left >= 3
    assert objective(w) < objective(w0)
    S = np.flatnonzero(w)
    grad = G[S] @ w - q[S] + l2 * w[S] + l1 * np.sign(w[S])
    np.testing.assert_allclose(grad, 0.0, atol=1e-8 * l1_max)
    # at most the features it held and took in
    assert np.all(np.isin(S, np.union1d(np.flatnonzero(w0), violators)))
    # repeated, taking in the violators of each landing point, the steps
    # reach the solution (the active-set method)
    exact = _gram_lasso(G, q, l1, l2=l2)
    for _ in range(10):
        c = q - G @ w - l2 * w
        violators = np.flatnonzero((w == 0) & (np.abs(c) > l1 * (1 + 1e-9)))
        if violators.size == 0:
            break
        w, _, partial = _newton.newton_path_dense(G, q, w, l1, l2, pf, False,
                                                    entering=violators)
        assert not partial
    assert violators.size == 0
    np.testing.assert_array_equal(w != 0, exact != 0)
    np.testing.assert_allclose(w, exact, rtol=1e-7, atol=1e-9 * np.abs(exact).max())
    with pytest.raises(ValueError, match="at zero"):
        _newton.newton_path_dense(G, q, w0, l1, l2, pf, False,
                                    entering=np.flatnonzero(w0)[:1])
