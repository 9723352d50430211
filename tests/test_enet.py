"""Lasso / ElasticNet: references, optimality conditions and invariants."""

import warnings

import numpy as np
import pytest

sklearn_lm = pytest.importorskip("sklearn.linear_model")

from shrinkage import ConvergenceWarning, ElasticNet, Lasso  # noqa: E402

from _helpers import centred, normalized_weights  # noqa: E402

TIGHT = dict(tol=1e-13, max_iter=200_000)


# ---------------------------------------------------------------------------
# independent references (plain NumPy, written from docs/design.md §1)
# ---------------------------------------------------------------------------

def objective(X, y, coef, intercept, alpha, l1_ratio=1.0, sample_weight=None,
              penalty_factor=None):
    n = X.shape[0]
    s = normalized_weights(n, sample_weight)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor)
    r = y - X @ coef - intercept
    return (0.5 / n * (s @ (r * r)) + alpha * l1_ratio * (f @ np.abs(coef))
            + 0.5 * alpha * (1 - l1_ratio) * (f @ (coef * coef)))


def duality_gap(X, y, coef, alpha, l1_ratio=1.0, sample_weight=None,
                fit_intercept=True, penalty_factor=None):
    """Gap of the 1/(2n)-scaled objective, dual point = rescaled residual."""
    n = X.shape[0]
    s = normalized_weights(n, sample_weight)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor)
    Xc, yc = centred(X, y, s, fit_intercept)
    r = yc - Xc @ coef
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    A = Xc.T @ (s * r) - l2 * f * coef
    pen = f > 0
    dual_norm = np.max(np.abs(A[pen]) / f[pen])
    scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    quad = s @ (r * r) + l2 * (f @ (coef * coef))
    primal = 0.5 * quad + l1 * (f @ np.abs(coef))
    dual = -0.5 * scale**2 * quad + scale * (s @ (r * yc))
    return (primal - dual) / n


def lambda_max(X, y, l1_ratio=1.0, sample_weight=None, fit_intercept=True):
    n = X.shape[0]
    s = normalized_weights(n, sample_weight)
    Xc, yc = centred(X, y, s, fit_intercept)
    return np.max(np.abs(Xc.T @ (s * yc))) / (n * l1_ratio)


def make_problem(n, p, *, seed=0, n_informative=5, offset=0.0, scale_spread=1.0,
                 rho=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if rho:
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    X = X * rng.uniform(1.0, scale_spread, p) + offset * rng.uniform(-1, 1, p)
    coef = np.zeros(p)
    k = min(n_informative, p)
    coef[:k] = rng.uniform(1, 3, k) * rng.choice([-1, 1], k)
    y = X @ coef + rng.standard_normal(n) + 2.0
    return X, y


SHAPES = {
    "n>>p": (400, 12),
    "p>>n": (40, 150),
    "n~p": (80, 80),
}


def assert_kkt(X, y, model, alpha, l1_ratio=1.0, sample_weight=None,
               penalty_factor=None, positive=False, atol=1e-7):
    """Subgradient optimality of the returned coefficients (n-scaled / n)."""
    n, p = X.shape
    s = normalized_weights(n, sample_weight)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor)
    Xc, yc = centred(X, y, s, model.fit_intercept)
    w = model.coef_
    grad = Xc.T @ (s * (yc - Xc @ w)) / n - alpha * (1 - l1_ratio) * f * w
    bound = alpha * l1_ratio * f
    nz = w != 0
    scale = atol * max(1.0, np.abs(Xc.T @ (s * yc)).max() / n)
    np.testing.assert_allclose(grad[nz], bound[nz] * np.sign(w[nz]), atol=scale)
    if positive:
        assert np.all(w >= 0)
        assert np.all(grad[~nz] <= bound[~nz] + scale)
    else:
        assert np.all(np.abs(grad[~nz]) <= bound[~nz] + scale)


# ---------------------------------------------------------------------------
# against scikit-learn
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7, 0.2])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("precompute", [False, True])
def test_matches_sklearn_objective(shape, l1_ratio, fit_intercept, precompute):
    n, p = SHAPES[shape]
    X, y = make_problem(n, p, seed=n + p, offset=3.0, scale_spread=4.0)
    alpha = 0.05 * lambda_max(X, y, l1_ratio, fit_intercept=fit_intercept)
    ours = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                      precompute=precompute, **TIGHT).fit(X, y)
    ref = sklearn_lm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio,
                                fit_intercept=fit_intercept, tol=1e-14,
                                max_iter=500_000).fit(X, y)
    p_ours = objective(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio)
    p_ref = objective(X, y, ref.coef_, ref.intercept_, alpha, l1_ratio)
    assert p_ours <= p_ref * (1 + 1e-9)
    assert p_ref <= p_ours * (1 + 1e-9)
    assert_kkt(X, y, ours, alpha, l1_ratio)
    # Coefficients themselves agree where the problem is strongly convex.
    if l1_ratio < 1 or n > p:
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("precompute", [False, True])
def test_weights_and_positivity_match_sklearn(positive, precompute):
    X, y = make_problem(120, 30, seed=7, offset=1.0)
    rng = np.random.default_rng(7)
    sw = rng.uniform(0.1, 3.0, len(y))
    alpha = 0.03 * lambda_max(X, y, sample_weight=sw)
    ours = Lasso(alpha=alpha, positive=positive, precompute=precompute,
                 **TIGHT).fit(X, y, sample_weight=sw)
    ref = sklearn_lm.Lasso(alpha=alpha, positive=positive, tol=1e-14,
                           max_iter=500_000).fit(X, y, sample_weight=sw)
    p_ours = objective(X, y, ours.coef_, ours.intercept_, alpha, sample_weight=sw)
    p_ref = objective(X, y, ref.coef_, ref.intercept_, alpha, sample_weight=sw)
    assert abs(p_ours - p_ref) <= 1e-9 * p_ref
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    assert_kkt(X, y, ours, alpha, sample_weight=sw, positive=positive)


@pytest.mark.parametrize("precompute", [False, True])
def test_correlated_unscaled_uncentred_features(precompute):
    X, y = make_problem(300, 60, seed=3, rho=0.95, offset=1e4, scale_spread=100.0)
    alpha = 0.01 * lambda_max(X, y)
    with warnings.catch_warnings():
        # The certificate itself must be reachable despite offsets of 1e4.
        warnings.simplefilter("error", ConvergenceWarning)
        ours = Lasso(alpha=alpha, precompute=precompute, **TIGHT).fit(X, y)
    ref = sklearn_lm.Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y)
    p_ours = objective(X, y, ours.coef_, ours.intercept_, alpha)
    p_ref = objective(X, y, ref.coef_, ref.intercept_, alpha)
    assert p_ours <= p_ref * (1 + 1e-9)
    assert_kkt(X, y, ours, alpha, atol=1e-6)


def test_multi_target_equals_per_target_fits():
    X, y = make_problem(100, 20, seed=11)
    Y = np.column_stack([y, -2 * y + X[:, 3], X[:, 0]])
    multi = ElasticNet(alpha=0.1, l1_ratio=0.8, **TIGHT).fit(X, Y)
    assert multi.coef_.shape == (3, 20) and multi.intercept_.shape == (3,)
    assert len(multi.n_iter_) == 3 and multi.dual_gap_.shape == (3,)
    for k in range(3):
        single = ElasticNet(alpha=0.1, l1_ratio=0.8, **TIGHT).fit(X, Y[:, k])
        np.testing.assert_allclose(multi.coef_[k], single.coef_, atol=1e-10)
        np.testing.assert_allclose(multi.intercept_[k], single.intercept_, atol=1e-10)
    np.testing.assert_allclose(multi.predict(X)[:, 1], X @ multi.coef_[1] + multi.intercept_[1])


# ---------------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_reported_gap_recomputed_independently(precompute, l1_ratio):
    X, y = make_problem(150, 40, seed=5, offset=2.0)
    sw = np.random.default_rng(5).uniform(0.5, 2.0, 150)
    alpha = 0.02 * lambda_max(X, y, l1_ratio, sample_weight=sw)
    for tol in (1e-2, 1e-4, 1e-8):
        m = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=tol,
                       precompute=precompute).fit(X, y, sample_weight=sw)
        gap = duality_gap(X, y, m.coef_, alpha, l1_ratio, sample_weight=sw)
        assert gap >= -1e-12
        np.testing.assert_allclose(m.dual_gap_, gap, rtol=1e-6, atol=1e-13)
        s = normalized_weights(150, sw)
        yc = y - s @ y / 150
        assert m.dual_gap_ <= tol * (s @ yc**2) / 150


def test_alpha_above_lambda_max_gives_zeros():
    X, y = make_problem(60, 25, seed=2)
    lmax = lambda_max(X, y)
    m = Lasso(alpha=lmax * (1 + 1e-9)).fit(X, y)
    assert np.all(m.coef_ == 0)
    assert m.intercept_ == pytest.approx(y.mean())
    # Just below it, something enters (at default tol, w = 0 is still within
    # the certified gap there, for scikit-learn too: ask for a tight one).
    assert np.any(Lasso(alpha=lmax * 0.99, tol=1e-10).fit(X, y).coef_ != 0)


@pytest.mark.parametrize("precompute", [False, True])
def test_warm_start_from_solution_takes_zero_iterations(precompute):
    X, y = make_problem(100, 30, seed=4)
    m = Lasso(alpha=0.1, tol=1e-8, warm_start=True, precompute=precompute).fit(X, y)
    assert m.n_iter_ > 0
    coef = m.coef_.copy()
    m.fit(X, y)
    assert m.n_iter_ == 0
    np.testing.assert_array_equal(m.coef_, coef)


def test_naive_and_covariance_updates_agree():
    X, y = make_problem(200, 50, seed=8, offset=5.0)
    sw = np.random.default_rng(8).uniform(0.2, 2, 200)
    kw = dict(alpha=0.02, l1_ratio=0.6, **TIGHT)
    naive = ElasticNet(precompute=False, **kw).fit(X, y, sample_weight=sw)
    gram = ElasticNet(precompute=True, **kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(naive.coef_, gram.coef_, atol=1e-9)
    np.testing.assert_allclose(naive.intercept_, gram.intercept_, atol=1e-9)


def test_user_gram_matches_internal():
    X, y = make_problem(150, 20, seed=9)
    Xc = X - X.mean(axis=0)
    gram = Xc.T @ Xc
    a = Lasso(alpha=0.05, precompute=gram, **TIGHT).fit(Xc, y)
    b = Lasso(alpha=0.05, precompute=False, **TIGHT).fit(Xc, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    with pytest.warns(UserWarning, match="recomputing Gram matrix"):
        c = Lasso(alpha=0.05, precompute=X.T @ X, **TIGHT).fit(X, y)
    d = Lasso(alpha=0.05, precompute=False, **TIGHT).fit(X, y)
    np.testing.assert_allclose(c.coef_, d.coef_, atol=1e-10)
    with pytest.raises(ValueError, match="did not pass validation"):
        Lasso(alpha=0.05, precompute=2 * gram).fit(Xc, y)
    with pytest.raises(ValueError, match="shape"):
        Lasso(alpha=0.05, precompute=gram[:5, :5]).fit(Xc, y)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("precompute", [False, True])
def test_memory_layout_does_not_change_the_answer(order, precompute):
    X, y = make_problem(90, 35, seed=12)
    ref = Lasso(alpha=0.05, precompute=False, **TIGHT).fit(np.asfortranarray(X), y)
    m = Lasso(alpha=0.05, precompute=precompute, **TIGHT).fit(np.asarray(X, order=order), y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-10)


def test_random_selection_reaches_same_solution_and_is_reproducible():
    X, y = make_problem(100, 40, seed=13)
    cyc = Lasso(alpha=0.05, **TIGHT).fit(X, y)
    r1 = Lasso(alpha=0.05, selection="random", random_state=0, **TIGHT).fit(X, y)
    r2 = Lasso(alpha=0.05, selection="random", random_state=0, **TIGHT).fit(X, y)
    np.testing.assert_allclose(r1.coef_, cyc.coef_, atol=1e-9)
    np.testing.assert_array_equal(r1.coef_, r2.coef_)


# ---------------------------------------------------------------------------
# invariants
# ---------------------------------------------------------------------------

def test_weights_equal_repeated_rows():
    X, y = make_problem(50, 15, seed=14)
    rng = np.random.default_rng(14)
    reps = rng.integers(1, 4, 50)
    Xr, yr = np.repeat(X, reps, axis=0), np.repeat(y, reps)
    for precompute in (False, True):
        weighted = ElasticNet(alpha=0.05, l1_ratio=0.7, precompute=precompute,
                              **TIGHT).fit(X, y, sample_weight=reps)
        repeated = ElasticNet(alpha=0.05, l1_ratio=0.7, precompute=precompute,
                              **TIGHT).fit(Xr, yr)
        np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-9)
        np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-9)


def test_zero_weight_equals_dropped_row():
    X, y = make_problem(60, 10, seed=15)
    sw = np.ones(60)
    sw[[3, 17, 40]] = 0
    keep = sw > 0
    a = Lasso(alpha=0.05, **TIGHT).fit(X, y, sample_weight=sw)
    b = Lasso(alpha=0.05, **TIGHT).fit(X[keep], y[keep])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-10)


def test_zero_penalty_factor_leaves_feature_unpenalised():
    X, y = make_problem(80, 12, seed=16)
    pf = np.ones(12)
    pf[[2, 9]] = 0.0
    huge = 10 * lambda_max(X, y)
    m = Lasso(alpha=huge, penalty_factor=pf, **TIGHT).fit(X, y)
    # Everything penalised is zero; the two free features are the OLS fit on them.
    assert np.all(m.coef_[pf > 0] == 0)
    Xs = X[:, [2, 9]] - X[:, [2, 9]].mean(axis=0)
    ols = np.linalg.lstsq(Xs, y - y.mean(), rcond=None)[0]
    np.testing.assert_allclose(m.coef_[[2, 9]], ols, rtol=1e-8)
    assert_kkt(X, y, m, huge, penalty_factor=pf)


def test_penalty_factors_equal_column_rescaling_for_the_lasso():
    # alpha * f_j |w_j| with column j is the plain Lasso on x_j / f_j, w_j * f_j.
    X, y = make_problem(100, 20, seed=17)
    f = np.random.default_rng(17).uniform(0.3, 3.0, 20)
    a = Lasso(alpha=0.05, penalty_factor=f, **TIGHT).fit(X, y)
    b = Lasso(alpha=0.05, **TIGHT).fit(X / f, y)
    np.testing.assert_allclose(a.coef_, b.coef_ / f, atol=1e-9)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-9)


def test_feature_permutation_invariance():
    X, y = make_problem(70, 30, seed=18)
    perm = np.random.default_rng(18).permutation(30)
    a = ElasticNet(alpha=0.03, l1_ratio=0.9, **TIGHT).fit(X, y)
    b = ElasticNet(alpha=0.03, l1_ratio=0.9, **TIGHT).fit(X[:, perm], y)
    np.testing.assert_allclose(a.coef_[perm], b.coef_, atol=1e-9)


def test_inputs_are_not_modified():
    X, y = make_problem(50, 8, seed=19)
    X = np.ascontiguousarray(X)
    sw = np.linspace(0.5, 2, 50)
    copies = X.copy(), y.copy(), sw.copy()
    for precompute in (False, True):
        Lasso(alpha=0.05, precompute=precompute).fit(X, y, sample_weight=sw)
    for before, after in zip(copies, (X, y, sw)):
        np.testing.assert_array_equal(before, after)


# ---------------------------------------------------------------------------
# API behaviour
# ---------------------------------------------------------------------------

def test_convergence_warning_says_what_to_do():
    X, y = make_problem(40, 100, seed=20, rho=0.99)
    with pytest.warns(ConvergenceWarning, match="Increase max_iter"):
        Lasso(alpha=1e-4, max_iter=2, tol=1e-12).fit(X, y)


def test_alpha_zero_warns_towards_linear_regression():
    X, y = make_problem(50, 5, seed=21)
    with pytest.warns(UserWarning, match="LinearRegression"):
        Lasso(alpha=0.0, max_iter=5000).fit(X, y)


@pytest.mark.parametrize("params, match", [
    (dict(alpha=-1.0), "alpha"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(tol=-1.0), "tol"),
    (dict(max_iter=0), "max_iter"),
    (dict(selection="greedy"), "selection"),
    (dict(precompute="always"), "precompute"),
])
def test_bad_parameters_raise_clear_errors(params, match):
    X, y = make_problem(20, 4)
    with pytest.raises(ValueError, match=match):
        ElasticNet(**params).fit(X, y)


def test_lasso_has_no_l1_ratio_parameter():
    assert "l1_ratio" not in Lasso().get_params()
    assert ElasticNet().get_params()["l1_ratio"] == 0.5


def test_sparse_coef_and_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = make_problem(40, 6, seed=22)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(6)])
    m = Lasso(alpha=0.1).fit(df, y)
    assert list(m.feature_names_in_) == list(df.columns)
    np.testing.assert_array_equal(m.sparse_coef_.toarray().ravel(), m.coef_)
    with pytest.raises(ValueError, match="feature names"):
        m.predict(df[df.columns[::-1]])


def test_clone_and_sklearn_pipeline():
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_problem(80, 10, seed=23)
    est = Lasso(alpha=0.3, penalty_factor=np.ones(10))
    c = clone(est)
    assert c.alpha == 0.3 and c is not est
    grid = GridSearchCV(make_pipeline(StandardScaler(), Lasso()),
                        {"lasso__alpha": [0.01, 0.1, 1.0]}, cv=3).fit(X, y)
    assert grid.best_params_["lasso__alpha"] in (0.01, 0.1, 1.0)


# ---------------------------------------------------------------------------
# scikit-learn's estimator checks
# ---------------------------------------------------------------------------

def _estimator_checks():
    from sklearn.utils.estimator_checks import parametrize_with_checks

    return parametrize_with_checks(
        [Lasso(), ElasticNet(), Lasso(tol=1e-10, max_iter=100_000)],
    )


@_estimator_checks()
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_unpenalised_feature_at_positivity_bound_converges():
    # An unpenalised coefficient held at 0 by positive=True keeps a nonzero
    # gradient at the optimum; the certificate must still be reachable.
    X, y = make_problem(100, 10, seed=24)
    y = y - 3.0 * X[:, 0]  # feature 0 wants a negative coefficient
    pf = np.ones(10)
    pf[0] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for precompute in (False, True):
            m = Lasso(alpha=0.05, positive=True, penalty_factor=pf,
                      precompute=precompute, **TIGHT).fit(X, y)
            assert m.coef_[0] == 0.0
            assert_kkt(X, y, m, 0.05, penalty_factor=pf, positive=True)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_gap_certifies_with_unpenalised_features(positive, precompute, sparse):
    # The reported gap must bound the suboptimality at every stopping point,
    # also with unpenalised features (f_j = 0), whose dual constraints are
    # equalities: a warm start at another alpha, stopped after a few passes.
    import warnings

    import scipy.sparse as sps

    from shrinkage import ConvergenceWarning

    rng = np.random.default_rng(21)
    n, p = 120, 40
    X = rng.standard_normal((n, p)) + rng.uniform(-2, 2, p)
    X[:, 1] = 0.7 * X[:, 0] + 0.3 * X[:, 1]  # correlated free features
    y = X[:, :5] @ [1.5, -1.0, 2.0, 0.0, 1.0] + rng.standard_normal(n) + 1.0
    sw = rng.uniform(0.3, 2.0, n)
    pf = rng.uniform(0.5, 2.0, p)
    pf[:3] = 0.0
    Xf = sps.csc_matrix(X) if sparse else X
    kw = dict(penalty_factor=pf, positive=positive, precompute=precompute)
    start = Lasso(alpha=0.3, tol=1e-12, max_iter=100_000, **kw).fit(Xf, y, sample_weight=sw)
    best = Lasso(alpha=0.05, tol=1e-14, max_iter=100_000, **kw).fit(X, y, sample_weight=sw)
    s = sw * n / sw.sum()
    xm, ym = s @ X / n, s @ y / n

    def objective(w):
        r = (y - ym) - (X - xm) @ w
        return 0.5 / n * s @ (r * r) + 0.05 * pf @ np.abs(w)

    p_star = objective(best.coef_)
    for max_iter in (1, 2, 3, 5, 10, 30):
        m = Lasso(alpha=0.05, tol=1e-14, max_iter=max_iter, warm_start=True, **kw)
        m.coef_ = start.coef_.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m.fit(Xf, y, sample_weight=sw)
        subopt = objective(m.coef_) - p_star
        assert m.dual_gap_ >= 0.0
        assert m.dual_gap_ >= subopt - 1e-12 * p_star, (max_iter, m.dual_gap_, subopt)
