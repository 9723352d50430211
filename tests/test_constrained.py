"""Norm-constrained least squares (shrinkage._constrained): the optimum found
through the penalised solvers meets its budget to rounding and beats every
point of the constraint boundary (a brute-force scan), and the Lasso's lands on
a corner where geometry says it must."""

import numpy as np
import pytest

from shrinkage import Lasso, LinearRegression, Ridge
from shrinkage._constrained import constrained_least_squares

NORMS = {"l1": lambda w: np.abs(w).sum(axis=-1), "l2": lambda w: np.linalg.norm(w, axis=-1)}


def _two_features(seed, rho=0.6, coef=(3.0, 0.7), n=100, noise=0.5, offset=0.0):
    rng = np.random.default_rng(seed)
    corr = np.array([[1.0, rho], [rho, 1.0]])
    X = rng.standard_normal((n, 2)) @ np.linalg.cholesky(corr).T + offset
    y = X @ np.array(coef) + noise * rng.standard_normal(n) + 1.0
    return X, y


def _rss(X, y, W, fit_intercept=True):
    """Residual sum of squares of each row of W (intercept profiled out)."""
    if fit_intercept:
        X, y = X - X.mean(axis=0), y - y.mean()
    R = y[:, None] - X @ W.T
    return np.einsum("ij,ij->j", R, R)


def _boundary(norm, t, m=200_000):
    """m points of the sphere ||w|| = t in the plane, by angle."""
    theta = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    directions = np.column_stack([np.cos(theta), np.sin(theta)])
    return t * directions / NORMS[norm](directions)[:, None]


@pytest.mark.parametrize("norm", ["l1", "l2"])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_meets_budget_and_beats_the_boundary(norm, seed, fit_intercept):
    # (2, 1.5): the Lasso's optimum lies inside an edge of the diamond
    X, y = _two_features(seed, coef=(2.0, 1.5), offset=0.3)
    budget = 1.7
    sol = constrained_least_squares(X, y, budget, norm=norm, fit_intercept=fit_intercept)
    assert sol.norm == norm and sol.budget == budget and sol.alpha > 0
    assert NORMS[norm](sol.coef) == pytest.approx(budget, rel=1e-12)
    best = _rss(X, y, sol.coef[None], fit_intercept)[0]
    boundary = _boundary(norm, budget)
    scan = _rss(X, y, boundary, fit_intercept)
    # optimal: no boundary point is better (beyond rounding of the RSS) ...
    assert scan.min() >= best * (1 - 1e-10)
    # ... and the scan's best point is next to it
    assert np.abs(boundary[np.argmin(scan)] - sol.coef).max() < 1e-3
    # It is the penalised problem at the reported alpha.
    if norm == "l1":
        model = Lasso(alpha=sol.alpha, fit_intercept=fit_intercept, tol=1e-12,
                      max_iter=100_000).fit(X, y)
    else:
        model = Ridge(alpha=sol.alpha, fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(model.coef_, sol.coef, rtol=1e-9, atol=1e-9)
    assert sol.intercept == pytest.approx(model.intercept_, abs=1e-9)


@pytest.mark.parametrize("rho", [-0.6, 0.0, 0.6])
@pytest.mark.parametrize("seed", range(3))
def test_lasso_lands_on_a_corner(seed, rho):
    # Unit-variance features, least squares (about) (3, 0.7): the budget
    # 1.5 < w0 - w1 puts the optimum on the corner (1.5, 0), for any correlation.
    X, y = _two_features(seed, rho=rho)
    sol = constrained_least_squares(X, y, 1.5, norm="l1")
    assert sol.coef[1] == 0.0
    assert sol.coef[0] == pytest.approx(1.5, rel=1e-12)
    ridge = constrained_least_squares(X, y, 1.5, norm="l2")
    assert np.all(ridge.coef != 0)     # the disc has no corner to land on


def test_more_features():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 6))
    y = X @ [2.0, -1.0, 0.5, 0.0, 0.0, 0.3] + 0.2 * rng.standard_normal(80)
    ols = LinearRegression().fit(X, y).coef_
    for norm in NORMS:
        for fraction in (0.05, 0.5, 0.99):
            budget = fraction * NORMS[norm](ols)
            sol = constrained_least_squares(X, y, budget, norm=norm)
            assert NORMS[norm](sol.coef) == pytest.approx(budget, rel=1e-10)


def test_budget_must_bind():
    X, y = _two_features(0)
    ols = LinearRegression().fit(X, y).coef_
    for norm in NORMS:
        with pytest.raises(ValueError, match=f"{norm} norm of the least-squares solution"):
            constrained_least_squares(X, y, NORMS[norm](ols), norm=norm)
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match="budget must be in"):
            constrained_least_squares(X, y, bad)
    with pytest.raises(TypeError, match="budget"):
        constrained_least_squares(X, y, "1")
    with pytest.raises(ValueError, match="NaN"):
        constrained_least_squares(X, y, float("nan"))
    with pytest.raises(ValueError, match="norm must be 'l1' or 'l2'"):
        constrained_least_squares(X, y, 1.0, norm="linf")


def test_inputs_unchanged():
    X, y = _two_features(1)
    X0, y0 = X.copy(), y.copy()
    X.flags.writeable = False
    y.flags.writeable = False
    for norm in NORMS:
        constrained_least_squares(X, y, 1.0, norm=norm)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
