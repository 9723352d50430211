"""enet_path / lasso_path: scikit-learn parity, KKT at every alpha, strong
rules never change the answer, weights, penalty factors, shapes."""

import warnings

import numpy as np
import pytest
# scikit-learn is the reference here: without it (musllinux wheel tests) the module skips.
sk = pytest.importorskip("sklearn.linear_model")

import shrinkage
from shrinkage import enet_path, lasso_path

from _helpers import enet_objective

TIGHT = dict(tol=1e-12, max_iter=100000)


def _data(n, p, seed=0, k=5, noise=0.5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :k] @ rng.standard_normal(k) + noise * rng.standard_normal(n)
    return X, y


def _kkt_violation(X, y, w, alpha, l1_ratio, sw=None, pf=None, fit_intercept=False,
                   positive=False):
    """Largest violation of the optimality conditions, relative to alpha."""
    n, p = X.shape
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    f = np.ones(p) if pf is None else pf
    if fit_intercept:
        xm = s @ X / n
        ym = s @ y / n
        Xc, yc = X - xm, y - ym
    else:
        Xc, yc = X, y
    g = Xc.T @ (s * (yc - Xc @ w)) / n - alpha * (1 - l1_ratio) * f * w
    l1 = alpha * l1_ratio * f
    nz = w != 0
    viol = np.zeros(p)
    viol[nz] = np.abs(g[nz] - l1[nz] * np.sign(w[nz]))
    if positive:
        viol[~nz] = np.maximum(g[~nz] - l1[~nz], 0)
    else:
        viol[~nz] = np.maximum(np.abs(g[~nz]) - l1[~nz], 0)
    return viol.max() / alpha


@pytest.mark.parametrize("shape", [(60, 200), (300, 40)])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("precompute", [False, True, "auto"])
def test_matches_sklearn_alpha_by_alpha(shape, l1_ratio, precompute):
    X, y = _data(*shape)
    a_sk, c_sk, _ = sk.enet_path(X, y, l1_ratio=l1_ratio, alphas=40,
                                 precompute=precompute, **TIGHT)
    a, c, gaps = enet_path(X, y, l1_ratio=l1_ratio, alphas=40,
                           precompute=precompute, **TIGHT)
    np.testing.assert_allclose(a, a_sk, rtol=1e-13)
    assert c.shape == c_sk.shape == (shape[1], 40)
    np.testing.assert_allclose(c, c_sk, rtol=0, atol=1e-7)
    for k, alpha in enumerate(a):
        f = enet_objective(X, y, c[:, k], 0.0, alpha, l1_ratio)
        f_sk = enet_objective(X, y, c_sk[:, k], 0.0, alpha, l1_ratio)
        assert abs(f - f_sk) <= 1e-9 * f_sk
    assert gaps.shape == (40,)
    assert np.all(gaps <= 1e-12 * (y @ y) / len(y) * 1.0001)


def test_lasso_path_matches_sklearn_and_docstring():
    X = np.array([[1.0, 2.0, 3.1], [2.3, 5.4, 4.3]]).T
    y = np.array([1.0, 2.0, 3.1])
    a, c, _ = lasso_path(X, y, alphas=[5.0, 1.0, 0.5], **TIGHT)
    a_sk, c_sk, _ = sk.lasso_path(X, y, alphas=[5.0, 1.0, 0.5], **TIGHT)
    np.testing.assert_allclose(a, a_sk)
    np.testing.assert_allclose(c, c_sk, rtol=0, atol=1e-9)
    X, y = _data(80, 120, seed=3)
    a, c, _, it = lasso_path(X, y, eps=1e-2, return_n_iter=True, **TIGHT)
    a_sk, c_sk, _ = sk.lasso_path(X, y, eps=1e-2, **TIGHT)
    np.testing.assert_allclose(a, a_sk, rtol=1e-13)
    np.testing.assert_allclose(c, c_sk, atol=1e-7)
    assert len(it) == 100 and all(isinstance(i, int) for i in it)


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_kkt_at_every_alpha_with_intercept_weights_and_penalty_factors(precompute, positive):
    X, y = _data(120, 80, seed=1)
    X += 3.0  # offsets: the intercept must be handled by centring
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.2, 3.0, size=120)
    pf = rng.uniform(0.5, 2.0, size=80)
    pf[:3] = 0.0
    a, c, gaps = enet_path(X, y, l1_ratio=0.7, alphas=30, eps=1e-2,
                           fit_intercept=True, sample_weight=sw, penalty_factor=pf,
                           precompute=precompute, positive=positive, **TIGHT)
    for k, alpha in enumerate(a):
        # The gap certificate bounds the gradient of an unpenalised feature
        # only by sqrt(2 h_j gap) (its charge c_j^2 / (2 h_j) <= gap), hence
        # the looser bound here than for purely penalised problems.
        assert _kkt_violation(X, y, c[:, k], alpha, 0.7, sw, pf, True, positive) < 2e-4
        if positive:
            assert np.all(c[:, k] >= 0)
    # lambda_max: every penalised coefficient is zero at the first alpha
    # (unpenalised ones are free) and some is nonzero just below it.
    np.testing.assert_allclose(c[3:, 0], 0.0, atol=1e-9)
    _, c_below, _ = enet_path(X, y, l1_ratio=0.7, alphas=[a[0] * 0.999],
                              fit_intercept=True, sample_weight=sw, penalty_factor=pf,
                              positive=positive, **TIGHT)
    assert np.abs(c_below[3:, 0]).max() > 1e-6


def test_intercept_and_weights_match_sklearn_elasticnet():
    X, y = _data(100, 30, seed=2)
    X += 5.0
    sw = np.random.default_rng(2).uniform(0.1, 2.0, size=100)
    a, c, _ = enet_path(X, y, l1_ratio=0.6, alphas=15, eps=1e-2,
                        fit_intercept=True, sample_weight=sw, **TIGHT)
    # The first alpha is scikit-learn's grid with weights and intercept.
    a_sk = sk.ElasticNetCV(l1_ratio=0.6, alphas=15, eps=1e-2, cv=2).fit(
        X, y, sample_weight=sw).alphas_
    np.testing.assert_allclose(a, a_sk, rtol=1e-12)
    for k, alpha in enumerate(a):
        ref = sk.ElasticNet(alpha=alpha, l1_ratio=0.6, **TIGHT).fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(c[:, k], ref.coef_, atol=1e-7)


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_strong_rules_do_not_change_the_path(precompute, l1_ratio):
    # Correlated design: the strong rule is violated now and then, the KKT
    # check must repair it.
    rng = np.random.default_rng(4)
    n, p = 80, 300
    Z = rng.standard_normal((n, p))
    X = Z.copy()
    for j in range(1, p):
        X[:, j] = 0.9 * X[:, j - 1] + np.sqrt(1 - 0.81) * Z[:, j]
    y = X[:, ::37] @ rng.standard_normal(len(range(0, p, 37))) + rng.standard_normal(n)
    kw = dict(l1_ratio=l1_ratio, alphas=60, eps=1e-3, precompute=precompute, **TIGHT)
    a1, c1, g1 = enet_path(X, y, strong_rules=True, **kw)
    a2, c2, g2 = enet_path(X, y, strong_rules=False, **kw)
    np.testing.assert_array_equal(a1, a2)
    # Both paths are certified (gap <= 1e-12 ||y||^2 / n at every alpha), so
    # their objectives agree to the sum of the gaps; the coefficients agree
    # as far as this ill-conditioned p > n problem determines them.
    for k, alpha in enumerate(a1):
        f1 = enet_objective(X, y, c1[:, k], 0.0, alpha, l1_ratio)
        f2 = enet_objective(X, y, c2[:, k], 0.0, alpha, l1_ratio)
        assert abs(f1 - f2) <= g1[k] + g2[k] + 1e-15 * f2
    np.testing.assert_allclose(c1, c2, atol=1e-5)
    big = np.abs(c2) > 1e-4
    assert np.array_equal(c1[big] != 0, c2[big] != 0)
    for k, alpha in enumerate(a1):
        # A gap of 1e-12 relative bounds the Lasso's gradients (no strong
        # convexity, p > n) only to about 1e-5 relative here.
        assert _kkt_violation(X, y, c1[:, k], alpha, l1_ratio) < 1e-4


@pytest.mark.parametrize("seed, n_alphas", [(9, 12), (21, 12), (9, 40), (64, 40)])
@pytest.mark.parametrize("precompute", [False, True])
def test_kkt_violations_of_the_strong_rule_are_repaired(seed, n_alphas, precompute):
    # Pairs of nearly collinear features with opposite effects and a coarse
    # grid: the strong rule discards features that are active at the next
    # alpha (checked below: restarts happen). The path, solved in batches of
    # alphas sharing one product with X for their KKT checks (naive
    # updates), equals the path solved over every feature.
    from shrinkage._enet.design import DenseDesign
    from shrinkage._enet.path import solve_path as _solve_path

    rng = np.random.default_rng(seed)
    n, p = 30, 60
    X = rng.standard_normal((n, p))
    X[:, 1::2] = X[:, ::2] + 0.1 * rng.standard_normal((n, p // 2))
    w = np.zeros(p)
    w[:6] = [3, -2.8, 2, -1.9, 1, 1]
    y = X @ w + 0.1 * rng.standard_normal(n)
    design = DenseDesign(X, None, True, "gram" if precompute else "naive")
    _, Yc = design.center_targets(y.reshape(-1, 1))
    yc = np.ascontiguousarray(Yc[:, 0])
    alphas = lasso_path(X, y, alphas=n_alphas, eps=1e-2, fit_intercept=True)[0]
    kw = dict(l1_ratio=1.0, pf=None, positive=False, tol=1e-13, max_iter=100_000,
              random=False, seed=1)
    stats = {}
    c1, g1, _, f1 = _solve_path(design, yc, alphas, stats=stats, **kw)
    c2, g2, _, f2 = _solve_path(design, yc, alphas, strong_rules=False, **kw)
    assert stats["kkt_restarts"] >= 1
    if not precompute and n_alphas == 40:  # a fine grid: alphas share products
        assert stats["batches"] < len(alphas) / 1.5
    assert f1 == f2 == 0
    Xc = X - X.mean(0)
    for k, alpha in enumerate(alphas):
        P1 = enet_objective(Xc, yc, c1[:, k], 0.0, alpha, 1.0)
        P2 = enet_objective(Xc, yc, c2[:, k], 0.0, alpha, 1.0)
        assert abs(P1 - P2) <= (g1[k] + g2[k]) * 1.0001 + 1e-15 * P2
        assert _kkt_violation(Xc, yc, c1[:, k], alpha, 1.0) < 1e-5


def test_column_products_equal_numpy():
    from shrinkage._enet._columns import column_products

    rng = np.random.default_rng(0)
    for n, p, m in [(1, 1, 1), (7, 300, 3), (500, 1031, 8), (40, 5, 2)]:
        X = np.asfortranarray(rng.standard_normal((n, p)))
        V = np.asfortranarray(rng.standard_normal((n, m)))
        out = np.empty((p, m), order="F")
        column_products(X, V, out)
        np.testing.assert_allclose(out, X.T @ V, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError):
        column_products(X, V[:-1], out)


def test_naive_and_gram_agree():
    X, y = _data(200, 50, seed=5)
    _, c1, _ = enet_path(X, y, precompute=False, fit_intercept=True, **TIGHT)
    _, c2, _ = enet_path(X, y, precompute=True, fit_intercept=True, **TIGHT)
    np.testing.assert_allclose(c1, c2, atol=1e-8)


def test_user_gram_and_xy():
    X, y = _data(150, 20, seed=6)
    G = X.T @ X
    Xy = X.T @ y
    a1, c1, _ = enet_path(X, y, precompute=G, Xy=Xy, **TIGHT)
    a2, c2, _ = sk.enet_path(X, y, precompute=G, Xy=Xy, **TIGHT)
    np.testing.assert_allclose(a1, a2, rtol=1e-13)
    np.testing.assert_allclose(c1, c2, atol=1e-7)
    with pytest.raises(ValueError, match="shape"):
        enet_path(X, y, precompute=G[:5])


def test_alphas_array_is_sorted_and_coef_init():
    X, y = _data(50, 10, seed=7)
    a, c, _ = lasso_path(X, y, alphas=[0.01, 0.5, 0.1], **TIGHT)
    np.testing.assert_array_equal(a, [0.5, 0.1, 0.01])
    a2, c2, _ = lasso_path(X, y, alphas=[0.01], coef_init=c[:, 1], **TIGHT)
    np.testing.assert_allclose(c2[:, 0], c[:, 2], atol=1e-8)


def test_n_alphas_deprecated_like_sklearn():
    X, y = _data(30, 5)
    with pytest.warns(FutureWarning, match="n_alphas"):
        a, _, _ = lasso_path(X, y, n_alphas=7)
    assert a.shape == (7,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lasso_path(X, y)[0].shape == (100,)


def test_multi_target_is_the_multi_task_path():
    # A 2-D y is scikit-learn's multi-task problem (the l2,1 penalty), not
    # independent fits: same grid, coefficients (n_tasks, p, n_alphas).
    X, y = _data(60, 15, seed=8)
    Y = np.column_stack([y, -2 * y + X[:, 3]])
    a, C, gaps, it = lasso_path(X, Y, alphas=5, return_n_iter=True, **TIGHT)
    a_sk, C_sk, _ = sk.lasso_path(X, Y, alphas=5, **TIGHT)
    assert C.shape == (2, 15, 5) and gaps.shape == (5,) and len(it) == 5
    np.testing.assert_array_equal(a, a_sk)
    np.testing.assert_allclose(C, C_sk, atol=1e-9)
    # the rows of a feature enter together, unlike independent fits
    assert np.all((C[0] != 0) == (C[1] != 0))
    with pytest.raises(ValueError, match="positive"):
        lasso_path(X, Y, positive=True)


def test_zero_target_gives_zero_path():
    X, _ = _data(20, 6)
    a, c, g = lasso_path(X, np.zeros(20), alphas=5)
    assert np.all(c == 0) and np.all(a == np.finfo(float).resolution)


def test_public_names():
    assert shrinkage.enet_path is enet_path and "lasso_path" in shrinkage.__all__


def test_kernel_gap_positive_with_unpenalised_feature_at_bound():
    # Found by the path tests: the gap must not charge an unpenalised
    # feature that the positivity constraint holds at zero.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    y = -X[:, 0] + 0.5 * X[:, 1] + 0.1 * rng.standard_normal(50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = shrinkage.Lasso(alpha=0.01, positive=True, penalty_factor=[0.0, 1.0],
                            tol=1e-10).fit(X, y)
    assert m.dual_gap_ < 1e-8


@pytest.mark.parametrize("precompute", [False, True])
def test_grid_starting_above_lambda_max(precompute):
    # CV folds use the full data's grid, whose first alphas exceed the
    # fold's lambda_max: nothing moves there, and the path must still match.
    X, y = _data(77, 30, seed=9)
    X2, y2 = _data(103, 30, seed=10)
    grid = sk.LassoCV(cv=3).fit(X2, 3 * y2).alphas_
    _, c, _ = lasso_path(X, y, alphas=grid, fit_intercept=True,
                         precompute=precompute, **TIGHT)
    ref = sk.lasso_path(X - X.mean(0), y - y.mean(), alphas=grid, **TIGHT)[1]
    np.testing.assert_allclose(c, ref, atol=1e-7)


def test_path_coefs_written_per_alpha_without_copy():
    # One target's coefficients come back as the solver wrote them, each
    # alpha's contiguous; a 2-D y gives the multi-task path, (n_tasks, p,
    # n_alphas) as scikit-learn's.
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 30))
    Y = X[:, :3] @ rng.standard_normal((3, 2)) + 0.1 * rng.standard_normal((60, 2))
    _, coefs, _ = lasso_path(X, Y[:, 0], alphas=20, eps=1e-2)
    assert coefs.shape == (30, 20) and coefs.flags.f_contiguous
    _, coefs2, _ = lasso_path(X, Y, alphas=20, eps=1e-2, **TIGHT)
    assert coefs2.shape == (2, 30, 20)
    np.testing.assert_allclose(
        coefs2, sk.lasso_path(X, Y, alphas=20, eps=1e-2, **TIGHT)[1], atol=1e-9)
