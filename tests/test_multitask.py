"""Multi-task models (issue #18): MultiTaskLasso, MultiTaskElasticNet and their CV.

References: scikit-learn 1.9 at tight tolerance (objective, CV folds,
grids and errors), an accelerated proximal-gradient solver written here
(the tight reference of the gap certificate), the KKT conditions of the
group problem, and invariances (penalty factors as column scalings,
weights as repeated rows).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

sklearn = pytest.importorskip("sklearn")
from sklearn import linear_model as sk  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage import (MultiTaskElasticNet, MultiTaskElasticNetCV, MultiTaskLasso,  # noqa: E402
                       MultiTaskLassoCV)

TIGHT = dict(tol=1e-12, max_iter=200000)


def problem(n, p, T, seed=0, sparse=False, k=4, noise=0.5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.3
    if sparse:
        X[rng.random((n, p)) < 0.7] = 0.0
    W = np.zeros((p, T))
    W[rng.choice(p, k, replace=False)] = rng.standard_normal((k, T)) * 2
    Y = X @ W + noise * rng.standard_normal((n, T)) + rng.standard_normal(T)
    return (sp.csc_matrix(X) if sparse else X), Y


def objective(X, Y, coef, intercept, alpha, l1_ratio, sw=None, pf=None):
    """The documented objective, computed from its definition."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * (n / sw.sum())
    f = np.ones(X.shape[1]) if pf is None else np.asarray(pf)
    R = Y - np.asarray(X @ coef.T) - intercept
    norms = np.linalg.norm(coef, axis=0)
    return (0.5 / n * np.sum(s[:, None] * R * R) + alpha * l1_ratio * np.sum(f * norms)
            + 0.5 * alpha * (1 - l1_ratio) * np.sum(f * norms ** 2))


def fista_reference(X, Y, alpha, l1_ratio, sw=None, fit_intercept=True, n_iter=20000):
    """Accelerated proximal gradient (Beck & Teboulle 2009) on the centred
    problem, to near machine precision: an independent tight solution."""
    X = X.toarray() if sp.issparse(X) else X
    n, p = X.shape
    s = np.ones(n) if sw is None else sw * (n / sw.sum())
    xm = s @ X / n if fit_intercept else np.zeros(p)
    ym = s @ Y / n if fit_intercept else np.zeros(Y.shape[1])
    Xc, Yc = (X - xm) * np.sqrt(s)[:, None], (Y - ym) * np.sqrt(s)[:, None]
    L = np.linalg.norm(Xc, 2) ** 2 / n + alpha * (1 - l1_ratio)
    W = Z = np.zeros((p, Y.shape[1]))
    t = 1.0
    for _ in range(n_iter):
        G = Z - (Xc.T @ (Xc @ Z - Yc) / n + alpha * (1 - l1_ratio) * Z) / L
        norms = np.linalg.norm(G, axis=1, keepdims=True)
        shrink = np.maximum(0.0, 1.0 - alpha * l1_ratio / L / np.maximum(norms, 1e-300))
        W_new = G * shrink
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        Z = W_new + (t - 1) / t_new * (W_new - W)
        W, t = W_new, t_new
    return W.T, ym - xm @ W


def quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


# --------------------------------------------------------------------------
# objective against scikit-learn
# --------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(80, 20, 5), (30, 70, 12)], ids=["tall", "wide"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_objective_equals_sklearn(shape, sparse, weighted, fit_intercept, l1_ratio):
    X, Y = problem(*shape, seed=3, sparse=sparse)
    sw = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha = 0.3 * sk.MultiTaskLassoCV(alphas=1, fit_intercept=fit_intercept).fit(
        X, Y, sample_weight=sw).alpha_  # a fraction of alpha_max: a few active blocks
    ours = MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                               **TIGHT).fit(X, Y, sample_weight=sw)
    ref = sk.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                                 **TIGHT).fit(X, Y, sample_weight=sw)
    f_ours = objective(X, Y, ours.coef_, ours.intercept_, alpha, l1_ratio, sw)
    f_ref = objective(X, Y, ref.coef_, ref.intercept_, alpha, l1_ratio, sw)
    assert abs(f_ours - f_ref) <= 1e-9 * f_ref
    assert ours.coef_.shape == ref.coef_.shape == (Y.shape[1], X.shape[1])
    assert ours.intercept_.shape == (Y.shape[1],)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert 0 <= ours.dual_gap_ <= 1e-12 * np.sum((Y - Y.mean(0)) ** 2) * 10
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-6)


def test_lasso_is_elastic_net_with_l1_ratio_one():
    X, Y = problem(50, 15, 4, seed=2)
    a = MultiTaskLasso(alpha=0.2, **TIGHT).fit(X, Y)
    b = MultiTaskElasticNet(alpha=0.2, l1_ratio=1.0, **TIGHT).fit(X, Y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert "l1_ratio" not in a.get_params()


# --------------------------------------------------------------------------
# the duality gap and the KKT conditions
# --------------------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("shape", [(60, 12, 4), (25, 40, 6)], ids=["tall", "wide"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gap_certificate_bounds_true_suboptimality(sparse, shape, l1_ratio):
    X, Y = problem(*shape, seed=5, sparse=sparse)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, X.shape[0])
    alpha = 0.05
    W_ref, b_ref = fista_reference(X, Y, alpha, l1_ratio, sw)
    f_star = objective(X, Y, W_ref, b_ref, alpha, l1_ratio, sw)
    ours = MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(
        X, Y, sample_weight=sw)
    # the reference is tight: our certified solution is no better than it
    assert objective(X, Y, ours.coef_, ours.intercept_, alpha, l1_ratio, sw) >= \
        f_star - 1e-12 * f_star
    for max_iter in (1, 2, 3, 5, 8, 20):
        m = quiet(lambda: MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=0.0,
                                              max_iter=max_iter).fit(X, Y, sample_weight=sw))
        sub = objective(X, Y, m.coef_, m.intercept_, alpha, l1_ratio, sw) - f_star
        assert m.dual_gap_ >= sub - 1e-12 * f_star, max_iter


def test_not_converged_warns_and_reports_its_gap():
    X, Y = problem(30, 60, 8, seed=1)
    with pytest.warns(shrinkage.ConvergenceWarning, match="max_iter=2"):
        m = MultiTaskLasso(alpha=0.01, tol=1e-12, max_iter=2).fit(X, Y)
    assert m.n_iter_ == 2 and m.dual_gap_ > 0


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_kkt_conditions_of_the_group_problem(sparse, fit_intercept):
    X, Y = problem(40, 30, 5, seed=7, sparse=sparse)
    alpha, l1_ratio = 0.1, 0.7
    pf = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[1])
    m = MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                            penalty_factor=pf, **TIGHT).fit(X, Y)
    Xd = X.toarray() if sparse else X
    n = Xd.shape[0]
    R = Y - Xd @ m.coef_.T - m.intercept_
    np.testing.assert_allclose(R.sum(0) if fit_intercept else 0.0, 0.0, atol=1e-8)
    # gradient of the smooth part per block: X_j^T R / n - alpha (1 - l1) f_j W_j
    G = Xd.T @ R / n - alpha * (1 - l1_ratio) * pf[:, None] * m.coef_.T
    norms = np.linalg.norm(m.coef_, axis=0)
    active = norms > 0
    assert active.any() and (~active).any()
    np.testing.assert_allclose(
        G[active], alpha * l1_ratio * pf[active, None] * m.coef_.T[active]
        / norms[active, None], atol=1e-7)
    assert np.all(np.linalg.norm(G[~active], axis=1) <= alpha * l1_ratio * pf[~active] + 1e-9)


# --------------------------------------------------------------------------
# invariances, options, errors
# --------------------------------------------------------------------------

def test_penalty_factor_is_a_column_scaling():
    # l1_ratio = 1: f_j ||W_j|| with column x_j equals ||V_j|| with x_j / f_j, V_j = f_j W_j.
    X, Y = problem(50, 12, 3, seed=4)
    f = np.random.default_rng(3).uniform(0.3, 3.0, X.shape[1])
    a = MultiTaskLasso(alpha=0.1, penalty_factor=f, **TIGHT).fit(X, Y)
    b = MultiTaskLasso(alpha=0.1, **TIGHT).fit(X / f, Y)
    np.testing.assert_allclose(a.coef_ * f, b.coef_, atol=1e-8)


def test_integer_weights_equal_repeated_rows():
    X, Y = problem(30, 10, 3, seed=6)
    reps = np.random.default_rng(0).integers(1, 4, X.shape[0])
    a = MultiTaskElasticNet(alpha=0.1, **TIGHT).fit(X, Y, sample_weight=reps.astype(float))
    b = MultiTaskElasticNet(alpha=0.1, **TIGHT).fit(
        np.repeat(X, reps, axis=0), np.repeat(Y, reps, axis=0))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-9)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-9)


def test_warm_start_and_random_selection_reach_the_same_solution():
    X, Y = problem(40, 50, 6, seed=8)
    cold = MultiTaskLasso(alpha=0.05, **TIGHT).fit(X, Y)
    warm = MultiTaskLasso(alpha=0.06, warm_start=True, **TIGHT).fit(X, Y)
    warm.set_params(alpha=0.05).fit(X, Y)
    rand = MultiTaskLasso(alpha=0.05, selection="random", random_state=0, **TIGHT).fit(X, Y)
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-8)
    np.testing.assert_allclose(rand.coef_, cold.coef_, atol=1e-8)


def test_sparse_equals_dense():
    X, Y = problem(60, 25, 4, seed=9, sparse=True)
    a = MultiTaskElasticNet(alpha=0.05, **TIGHT).fit(X, Y)
    b = MultiTaskElasticNet(alpha=0.05, **TIGHT).fit(X.toarray(), Y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-9)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-9)


def test_alpha_above_alpha_max_gives_zero_coefficients():
    X, Y = problem(40, 10, 3, seed=1)
    Yc = Y - Y.mean(0)
    alpha_max = np.max(np.linalg.norm((X - X.mean(0)).T @ Yc, axis=1)) / 40
    m = MultiTaskLasso(alpha=alpha_max * 1.0001).fit(X, Y)
    assert np.all(m.coef_ == 0)
    np.testing.assert_allclose(m.intercept_, Y.mean(0))
    assert np.any(MultiTaskLasso(alpha=alpha_max * 0.99).fit(X, Y).coef_ != 0)


@pytest.mark.parametrize("cls", [MultiTaskLasso, MultiTaskElasticNet, MultiTaskLassoCV,
                                 MultiTaskElasticNetCV])
def test_errors(cls):
    X, Y = problem(20, 5, 2)
    with pytest.raises(ValueError, match="For mono-task outputs"):
        cls().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="factor > 0"):
        cls(penalty_factor=[1.0, 0.0, 1.0, 1.0, 1.0]).fit(X, Y)


# --------------------------------------------------------------------------
# cross-validation against scikit-learn
# --------------------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_cv_same_grid_folds_and_errors_as_sklearn(sparse, weighted):
    X, Y = problem(70, 25, 6, seed=11, sparse=sparse)
    sw = np.random.default_rng(4).uniform(0.2, 2.0, X.shape[0]) if weighted else None
    kw = dict(l1_ratio=[0.4, 0.9], cv=4, alphas=15, **TIGHT)
    ours = MultiTaskElasticNetCV(n_jobs=2, **kw).fit(X, Y, sample_weight=sw)
    ref = sk.MultiTaskElasticNetCV(**kw).fit(X, Y, sample_weight=sw)
    assert ours.alphas_.shape == ref.alphas_.shape == (2, 15)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-14)
    assert ours.mse_path_.shape == ref.mse_path_.shape == (2, 15, 4)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-8)
    assert ours.alpha_ == ref.alpha_ and ours.l1_ratio_ == ref.l1_ratio_
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)


def test_lasso_cv_matches_sklearn_at_default_tolerance():
    X, Y = problem(60, 30, 10, seed=12)
    ours = MultiTaskLassoCV(cv=3).fit(X, Y)
    ref = sk.MultiTaskLassoCV(cv=3).fit(X, Y)
    np.testing.assert_array_equal(ours.alphas_, ref.alphas_)
    assert ours.alpha_ == ref.alpha_
    # the same tolerance met by different iterates: scikit-learn's errors
    # differ from the tight path's by up to 0.5% here; ours stay within 1%
    tight = MultiTaskLassoCV(cv=3, **TIGHT).fit(X, Y)
    np.testing.assert_allclose(ours.mse_path_, tight.mse_path_, rtol=1e-2)
    np.testing.assert_allclose(tight.mse_path_, sk.MultiTaskLassoCV(cv=3, **TIGHT).fit(
        X, Y).mse_path_, rtol=1e-8)
    assert not hasattr(ours, "l1_ratio_")


def test_cv_given_grid_and_splitter():
    from sklearn.model_selection import KFold
    X, Y = problem(50, 12, 3, seed=13)
    grid = [0.5, 0.1, 0.02]
    cv = KFold(3, shuffle=True, random_state=0)
    ours = MultiTaskLassoCV(alphas=grid, cv=cv, **TIGHT).fit(X, Y)
    ref = sk.MultiTaskLassoCV(alphas=grid, cv=cv, **TIGHT).fit(X, Y)
    np.testing.assert_array_equal(ours.alphas_, ref.alphas_)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-8)
    serial = MultiTaskLassoCV(alphas=grid, cv=cv, n_jobs=1, **TIGHT).fit(X, Y)
    parallel = MultiTaskLassoCV(alphas=grid, cv=cv, n_jobs=3, **TIGHT).fit(X, Y)
    np.testing.assert_array_equal(serial.mse_path_, parallel.mse_path_)


# --------------------------------------------------------------------------
# paths with a 2-D y
# --------------------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
def test_enet_path_2d_y_is_sklearns_multi_task_path(sparse):
    X, Y = problem(40, 20, 4, seed=14, sparse=sparse)
    Yc = Y - Y.mean(0)
    a, C, gaps, n_iter = shrinkage.enet_path(X, Yc, l1_ratio=0.8, alphas=8,
                                             return_n_iter=True, **TIGHT)
    a_sk, C_sk, gaps_sk = sk.enet_path(X, Yc, l1_ratio=0.8, alphas=8, **TIGHT)
    np.testing.assert_array_equal(a, a_sk)
    assert C.shape == C_sk.shape == (4, 20, 8)
    np.testing.assert_allclose(C, C_sk, atol=1e-8)
    assert gaps.shape == (8,) and len(n_iter) == 8 and np.all(gaps >= 0)
    # warm start from coef_init of shape (n_tasks, n_features)
    _, C2, _ = shrinkage.enet_path(X, Yc, l1_ratio=0.8, alphas=a[-1:], coef_init=C[:, :, -1],
                                   **TIGHT)
    np.testing.assert_allclose(C2[:, :, 0], C[:, :, -1], atol=1e-9)


# --------------------------------------------------------------------------
# scikit-learn's estimator checks
# --------------------------------------------------------------------------

@parametrize_with_checks([MultiTaskLasso(), MultiTaskElasticNet(l1_ratio=0.3),
                          MultiTaskLassoCV(cv=3, alphas=5),
                          MultiTaskElasticNetCV(cv=3, alphas=5)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::shrinkage.ConvergenceWarning")
@pytest.mark.parametrize("x_dtype, y_dtype", [(np.float32, np.float32), (np.float32, np.float64),
                                              (np.float64, np.float32), (np.float64, np.float64)])
@pytest.mark.parametrize("name", ["MultiTaskLasso", "MultiTaskElasticNet",
                                  "MultiTaskLassoCV", "MultiTaskElasticNetCV"])
def test_dtypes_follow_sklearn(name, x_dtype, y_dtype):
    """float32 X gives float32 coefficients, intercepts and predictions;
    mse_path_ is float32 only when X and y both are; alpha_/l1_ratio_ are
    numpy float64 -- each compared with scikit-learn's own estimator."""
    X, Y = problem(60, 8, 3, seed=21)
    X, Y = X.astype(x_dtype), Y.astype(y_dtype)
    ours = getattr(shrinkage, name)().fit(X, Y)
    theirs = getattr(sk, name)().fit(X, Y)
    for attr in ("coef_", "intercept_", "mse_path_", "alpha_", "l1_ratio_", "alphas_"):
        if hasattr(theirs, attr):
            a, b = getattr(ours, attr), getattr(theirs, attr)
            assert type(a) is type(b) and np.asarray(a).dtype == np.asarray(b).dtype, attr
    assert ours.predict(X).dtype == theirs.predict(X).dtype
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("func", ["lasso_path", "enet_path"])
def test_multi_task_path_dtypes_follow_sklearn(func):
    X, Y = problem(40, 6, 3, seed=22)
    X = X.astype(np.float32)
    ours = getattr(shrinkage, func)(X, Y, alphas=5)
    theirs = getattr(sk, func)(X, Y, alphas=5)
    assert [r.dtype for r in ours] == [r.dtype for r in theirs]
