"""Degenerate but legal data: correct answers, or a clear warning.

Constant and duplicated columns, one feature, one sample, constant y, alpha
above lambda_max, alpha = 0, features at 1e-12 and 1e12, p >> n at tiny
alpha, non-convergence. Expected answers come from closed forms or exact
invariances of the objective in docs/design.md section 1, not from the solver.
"""

import warnings

import numpy as np
import pytest

import shrinkage
from shrinkage import ConvergenceWarning

TIGHT = dict(tol=1e-12, max_iter=100_000)

# Single-alpha estimators present in this checkout (import-guarded).
CD = [n for n in ("Lasso", "ElasticNet") if hasattr(shrinkage, n)]
SINGLE = [n for n in ("Lasso", "ElasticNet", "RelaxedLasso", "Ridge", "LinearRegression")
          if hasattr(shrinkage, n)]
CV = [n for n in ("LassoCV", "ElasticNetCV", "RelaxedLassoCV", "RidgeCV")
      if hasattr(shrinkage, n)]


def make(name, **kw):
    cls = getattr(shrinkage, name)
    params = cls().get_params()
    defaults = {"alpha": 0.05, "tol": 1e-12, "max_iter": 100_000, "cv": 3, "alphas": 8}
    if name == "RidgeCV":
        defaults["alphas"] = (0.1, 1.0, 10.0)
        defaults.pop("cv")
    if name == "RelaxedLassoCV":
        defaults["gammas"] = (0.0, 1.0)
    if name == "LinearRegression":
        defaults["tol"] = 1e-12
    defaults.update(kw)
    return cls(**{k: v for k, v in defaults.items() if k in params})


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(42)
    X = rng.standard_normal((40, 5))
    y = X @ [1.5, 0.0, -2.0, 0.5, 0.0] + 0.3 * rng.standard_normal(40) + 3.0
    return X, y


def lambda_max(X, y, l1_ratio=1.0):
    Xc, yc = X - X.mean(0), y - y.mean()
    return np.max(np.abs(Xc.T @ yc)) / (len(y) * l1_ratio)


def fit_quiet(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kw)


# ---------------------------------------------------------------------------
# columns
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SINGLE + CV)
def test_constant_column_is_ignored(name, data):
    X, y = data
    Xc = np.insert(X, 2, 7.0, axis=1)   # a constant column at index 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either
        full = make(name).fit(Xc, y)
        ref = make(name).fit(X, y)
    if name in CD or name.startswith(("Lasso", "ElasticNet", "Relaxed")):
        assert full.coef_[2] == 0.0     # coordinate descent: exactly zero
    else:
        # least squares / ridge: zero up to rounding of the centred column
        assert abs(full.coef_[2]) <= 1e-12 * np.max(np.abs(full.coef_))
    np.testing.assert_allclose(np.delete(full.coef_, 2), ref.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(full.intercept_, ref.intercept_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", SINGLE)
def test_all_zero_X(name, data):
    _, y = data
    X0 = np.zeros((len(y), 3))
    est = make(name).fit(X0, y)
    np.testing.assert_array_equal(est.coef_, 0.0)
    np.testing.assert_allclose(est.intercept_, y.mean(), rtol=1e-14)
    np.testing.assert_allclose(est.predict(X0), y.mean(), rtol=1e-14)


@pytest.mark.parametrize("name", SINGLE)
def test_duplicated_column(name, data):
    X, y = data
    Xd = np.column_stack([X, X[:, 0]])
    est = make(name).fit(Xd, y)
    a, b = est.coef_[0], est.coef_[-1]
    if name in ("Lasso", "RelaxedLasso", "LinearRegression"):
        # Same penalty for any split of the shared coefficient (Lasso) or
        # no penalty (least squares): the same fitted function.
        ref = make(name).fit(X, y)
        np.testing.assert_allclose(est.predict(Xd), ref.predict(X), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(a + b, ref.coef_[0], rtol=1e-6, atol=1e-8)
    if name != "Lasso" and name != "RelaxedLasso":
        # strictly convex in the two copies (ridge term / minimum norm):
        # the unique solution is symmetric
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
    if name == "Ridge":
        # a = b = w/2 costs alpha w^2 / 2: ridge on the column scaled by sqrt(2)
        Xs = X.copy()
        Xs[:, 0] *= np.sqrt(2.0)
        ref = make(name).fit(Xs, y)
        np.testing.assert_allclose(a + b, np.sqrt(2.0) * ref.coef_[0], rtol=1e-9)
        np.testing.assert_allclose(est.predict(Xd), ref.predict(Xs), rtol=1e-9)


@pytest.mark.parametrize("name", CD)
def test_one_feature_closed_form(name, data):
    X, y = data
    x = X[:, :1]
    alpha, l1_ratio = 0.2, 0.7 if name == "ElasticNet" else 1.0
    est = make(name, alpha=alpha, l1_ratio=l1_ratio).fit(x, y)
    xc, yc = x[:, 0] - x.mean(), y - y.mean()
    n = len(y)
    z = xc @ yc / n
    w = np.sign(z) * max(abs(z) - alpha * l1_ratio, 0.0) / (xc @ xc / n + alpha * (1 - l1_ratio))
    np.testing.assert_allclose(est.coef_, [w], rtol=1e-10)
    np.testing.assert_allclose(est.intercept_, y.mean() - w * x.mean(), rtol=1e-10)


@pytest.mark.parametrize("name", SINGLE)
def test_one_sample(name, data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = make(name).fit(X[:1], y[:1])
    # With an intercept a single sample is fitted exactly by the intercept.
    np.testing.assert_array_equal(est.coef_, 0.0)
    assert est.intercept_ == pytest.approx(y[0], rel=1e-14)


@pytest.mark.parametrize("name", CD)
def test_one_sample_without_intercept(name, data):
    X, y = data
    x, t = X[0], y[0]
    alpha = 0.05
    l1_ratio = 1.0 if name == "Lasso" else 0.5
    est = make(name, alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False).fit(X[:1], y[:1])
    # n = 1: KKT of 1/2 (t - x.w)^2 + alpha l1 |w|_1 + alpha l2/2 |w|^2.
    r = t - x @ est.coef_
    grad = -x * r + alpha * (1 - l1_ratio) * est.coef_
    active = est.coef_ != 0
    np.testing.assert_allclose(grad[active], -alpha * l1_ratio * np.sign(est.coef_[active]),
                               atol=1e-10)
    assert np.all(np.abs(grad[~active]) <= alpha * l1_ratio + 1e-10)


# ---------------------------------------------------------------------------
# targets and alpha
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SINGLE + CV)
def test_constant_y(name, data):
    X, _ = data
    y = np.full(X.shape[0], -2.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = make(name).fit(X, y)
    np.testing.assert_allclose(est.coef_, 0.0, atol=1e-14)
    assert est.intercept_ == pytest.approx(-2.5, rel=1e-14)
    np.testing.assert_allclose(est.predict(X), -2.5, rtol=1e-14)
    if hasattr(est, "dual_gap_"):
        assert est.dual_gap_ == 0.0


@pytest.mark.parametrize("name", CD)
def test_alpha_at_and_above_lambda_max(name, data):
    X, y = data
    l1_ratio = 1.0 if name == "Lasso" else 0.5
    lmax = lambda_max(X, y, l1_ratio)
    for alpha in (lmax, 1.0001 * lmax, 10 * lmax, 1e300):
        est = make(name, alpha=alpha, l1_ratio=l1_ratio).fit(X, y)
        np.testing.assert_array_equal(est.coef_, 0.0)
        assert est.intercept_ == pytest.approx(y.mean(), rel=1e-14)
    below = make(name, alpha=0.999 * lmax, l1_ratio=l1_ratio).fit(X, y)
    assert np.count_nonzero(below.coef_) == 1


@pytest.mark.parametrize("name", CD)
def test_alpha_zero_warns_and_points_to_linear_regression(name, data):
    X, y = data
    with pytest.warns(UserWarning, match=r"alpha=0 is ordinary least squares.*LinearRegression"):
        est = make(name, alpha=0.0).fit(X, y)
    ols, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    # Certificate: objective within tol * ||y - ybar||^2 / n of least squares.
    # The least-squares reference is rounded too: an objective a few ulps
    # below it (a solve that lands on the minimiser by a Cholesky factor,
    # as the Newton steps do) is not a violation.
    n, yc = len(y), y - y.mean()
    obj = 0.5 / n * np.sum((y - est.predict(X)) ** 2)
    obj_ols = 0.5 / n * np.sum((y - X @ ols[:-1] - ols[-1]) ** 2)
    assert -1e-14 * obj_ols <= obj - obj_ols <= 1e-12 * (yc @ yc) / n
    np.testing.assert_allclose(est.coef_, ols[:-1], rtol=1e-5)


@pytest.mark.parametrize("name", [n for n in ("Ridge", "LinearRegression") if hasattr(shrinkage, n)])
def test_ridge_alpha_zero_is_least_squares(name, data):
    X, y = data
    est = make(name, alpha=0.0).fit(X, y)
    ols, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    np.testing.assert_allclose(est.coef_, ols[:-1], rtol=1e-9)


# ---------------------------------------------------------------------------
# extreme feature scales (exact invariances of the objective)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("c", [1e-12, 1e12])
@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("name", CD)
def test_uniform_feature_scale(name, c, precompute, data):
    # x -> c x, w -> w / c, alpha -> c alpha leaves the problem unchanged
    # (for the elastic net, the l2 term scales as c^2: use the Lasso mix).
    X, y = data
    ref = make(name, alpha=0.05, l1_ratio=1.0, precompute=precompute).fit(X, y)
    est = make(name, alpha=0.05 * c, l1_ratio=1.0, precompute=precompute).fit(X * c, y)
    np.testing.assert_allclose(est.coef_ * c, ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-9)
    np.testing.assert_allclose(est.predict(X * c), ref.predict(X), rtol=1e-9)


@pytest.mark.parametrize("name", CD)
def test_mixed_feature_scales_with_penalty_factor(name, data):
    # Columns at 1e-12 and 1e12 in one design; penalty factor d_j on
    # column d_j x_j is the same Lasso problem in w_j / d_j.
    X, y = data
    d = np.array([1.0, 1e-12, 1.0, 1e12, 1.0])
    ref = make(name, alpha=0.05, l1_ratio=1.0).fit(X, y)
    est = make(name, alpha=0.05, l1_ratio=1.0, penalty_factor=d).fit(X * d, y)
    np.testing.assert_allclose(est.coef_ * d, ref.coef_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("c", [1e-12, 1e12])
def test_ridge_uniform_feature_scale(c, data):
    if not hasattr(shrinkage, "Ridge"):
        pytest.skip("no Ridge")
    X, y = data
    ref = shrinkage.Ridge(alpha=2.0).fit(X, y)
    est = shrinkage.Ridge(alpha=2.0 * c * c).fit(X * c, y)
    np.testing.assert_allclose(est.coef_ * c, ref.coef_, rtol=1e-9)
    if hasattr(shrinkage, "LinearRegression"):
        ref = shrinkage.LinearRegression().fit(X, y)
        est = shrinkage.LinearRegression().fit(X * c, y)
        np.testing.assert_allclose(est.coef_ * c, ref.coef_, rtol=1e-9)


@pytest.mark.parametrize("c", [1e-100, 1e100])
@pytest.mark.parametrize("name", CD)
def test_scale_y_and_alpha_extreme(name, c, data):
    X, y = data
    # y -> c y, alpha -> c alpha, w -> c w is exact for the l1 penalty (the
    # l2 part of the elastic net would scale as c^3): Lasso mix for both.
    ref = make(name, alpha=0.05, l1_ratio=1.0).fit(X, y)
    est = make(name, alpha=0.05 * c, l1_ratio=1.0).fit(X, y * c)
    np.testing.assert_allclose(est.coef_ / c, ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(est.intercept_ / c, ref.intercept_, rtol=1e-9)


@pytest.mark.parametrize("c", [1e160, 1e-200])
@pytest.mark.parametrize("name", CD)
def test_huge_y_is_fitted_or_rejected(name, c, data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            est = make(name, alpha=0.05 * c, l1_ratio=1.0).fit(X, y * c)
        except (ValueError, ConvergenceWarning):
            return  # a loud failure is acceptable
    ref = make(name, alpha=0.05, l1_ratio=1.0).fit(X, y)
    np.testing.assert_allclose(est.coef_ / c, ref.coef_, rtol=1e-6)


# ---------------------------------------------------------------------------
# p >> n, tiny alpha; non-convergence
# ---------------------------------------------------------------------------

def duality_gap(X, y, coef, alpha, l1_ratio):
    """Independent gap of the 1/(2n) objective (centred, unit weights)."""
    n = X.shape[0]
    Xc, yc = X - X.mean(0), y - y.mean()
    r = yc - Xc @ coef
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    dual_norm = np.max(np.abs(Xc.T @ r - l2 * coef))
    scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    quad = r @ r + l2 * (coef @ coef)
    primal = 0.5 * quad + l1 * np.abs(coef).sum()
    dual = -0.5 * scale**2 * quad + scale * (r @ yc)
    return (primal - dual) / n


@pytest.fixture(scope="module")
def wide():
    rng = np.random.default_rng(3)
    return rng.standard_normal((15, 300)), rng.standard_normal(15)


@pytest.mark.parametrize("alpha", [1e-3, 1e-6])
@pytest.mark.parametrize("name", CD)
def test_wide_tiny_alpha_certified_or_warned(name, alpha, wide):
    # p >> n at tiny alpha: CD converges slowly (as in scikit-learn). The
    # answer is either certified (gap <= tol) or flagged by a warning whose
    # reported gap is the true gap.
    X, y = wide
    l1_ratio = 1.0 if name == "Lasso" else 0.5
    tol = 1e-8
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        est = make(name, alpha=alpha, l1_ratio=l1_ratio, tol=tol,
                   max_iter=30_000 if alpha == 1e-3 else 3000).fit(X, y)
    yc = y - y.mean()
    threshold = tol * (yc @ yc) / len(y)
    gap = duality_gap(X, y, est.coef_, alpha, l1_ratio)
    np.testing.assert_allclose(est.dual_gap_, gap, rtol=1e-6, atol=1e-14)
    warned = [w for w in rec if issubclass(w.category, ConvergenceWarning)]
    if gap <= threshold:
        assert not warned
    else:
        assert len(warned) == 1
        assert f"duality gap {gap:.3e}" in str(warned[0].message)
    if alpha == 1e-3:
        assert gap <= threshold   # this one must converge


@pytest.mark.parametrize("name", CD)
def test_non_convergence_warning_says_what_and_how(name):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((15, 300))
    y = rng.standard_normal(15)
    with pytest.warns(ConvergenceWarning,
                      match=r"did not converge within max_iter=2 passes: duality gap "
                            r"\S+ > tolerance \S+\. Increase max_iter, loosen tol"):
        est = make(name, alpha=1e-4, tol=1e-10, max_iter=2).fit(X, y)
    assert est.n_iter_ == 2
    yc = y - y.mean()
    assert est.dual_gap_ > 1e-10 * (yc @ yc) / len(y)


@pytest.mark.parametrize("name", [n for n in ("Lasso", "ElasticNet", "Ridge", "LinearRegression")
                                  if hasattr(shrinkage, n)])
def test_zero_weights_equal_dropping_samples(name, data):
    X, y = data
    w = np.ones(len(y))
    w[::4] = 0.0
    keep = w > 0
    est = make(name).fit(X, y, sample_weight=w)
    ref = make(name).fit(X[keep], y[keep])
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", CD)
def test_single_positive_weight(name, data):
    X, y = data
    w = np.zeros(len(y))
    w[5] = 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = make(name).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(est.coef_, 0.0)
    assert est.intercept_ == pytest.approx(y[5], rel=1e-14)
