"""alpha_from_prior / prior_scale_from_alpha against posterior modes found by a
general-purpose optimiser (SciPy's L-BFGS-B) on the negative log posterior,
written from the densities, not from our solvers' objectives."""

import itertools
import math

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

from shrinkage import Lasso, Ridge, alpha_from_prior, prior_scale_from_alpha

N_FEATURES = 5
TRUE_COEF = np.array([1.5, -0.8, 0.0, 0.3, 0.0])
INTERCEPT = 2.0
NS = (15, 60, 250)
NOISE_SDS = (0.3, 1.0, 3.0)
SCALES = (0.05, 0.5, 5.0)     # tau (Gaussian) or b (Laplace): tight to nearly flat
ATOL = 1e-6
# ftol=0: stop on the projected gradient (or when a step gains nothing), not
# on a small relative decrease of the objective.
_OPTIONS = {"maxiter": 100_000, "ftol": 0.0, "gtol": 1e-13}


def _problem(n, noise_sd, seed=0):
    rng = np.random.default_rng(seed + n)
    # columns off-centre: the intercept matters
    X = rng.standard_normal((n, N_FEATURES)) + rng.uniform(-2, 2, N_FEATURES)
    y = INTERCEPT + X @ TRUE_COEF + noise_sd * rng.standard_normal(n)
    return X, y


def _neg_log_posterior(prior, X, y, noise_sd, scale):
    """-log p(w, c | y) up to the evidence, for (w, c), and its gradient.

    Likelihood y_i ~ N(c + x_i.w, noise_sd^2); the weights independent
    N(0, scale^2) or Laplace(0, scale); the intercept c flat.
    """
    n = X.shape[0]
    s2 = noise_sd ** 2
    log_norm = n * math.log(noise_sd * math.sqrt(2 * math.pi))

    def f(w, c):
        r = y - X @ w - c
        value = r @ r / (2 * s2) + log_norm
        if prior == "gaussian":
            value += w @ w / (2 * scale ** 2) + w.size * math.log(
                scale * math.sqrt(2 * math.pi))
            grad_w = -X.T @ r / s2 + w / scale ** 2
        else:
            value += np.abs(w).sum() / scale + w.size * math.log(2 * scale)
            grad_w = -X.T @ r / s2            # the smooth part's gradient
        return value, grad_w, -r.sum() / s2

    return f


def _posterior_mode(prior, X, y, noise_sd, scale):
    """(w, c) minimising the negative log posterior, by L-BFGS-B.

    The Laplace prior's |w_j| has a kink at 0, which a smooth optimiser
    cannot land on; writing w = u - v with u, v >= 0 makes the problem
    smooth (|w_j| = u_j + v_j at the optimum) and its zeros bounds that
    L-BFGS-B reaches exactly.
    """
    f = _neg_log_posterior(prior, X, y, noise_sd, scale)
    p = X.shape[1]
    # Divided by n, the objective and its gradient are O(1) whatever n.
    n = X.shape[0]
    if prior == "gaussian":
        def fun(theta):
            value, grad_w, grad_c = f(theta[:p], theta[p])
            return value / n, np.r_[grad_w, grad_c] / n

        theta = _minimise(fun, np.zeros(p + 1), None)
        return theta[:p], theta[p]

    def fun(theta):
        u, v, c = theta[:p], theta[p:2 * p], theta[2 * p]
        value, grad_w, grad_c = f(u - v, c)
        # f used |u - v|; at u, v >= 0 the split objective has sum(u + v)
        value += ((u + v).sum() - np.abs(u - v).sum()) / scale
        return value / n, np.r_[grad_w + 1 / scale, -grad_w + 1 / scale, grad_c] / n

    bounds = [(0.0, None)] * (2 * p) + [(None, None)]
    theta = _minimise(fun, np.zeros(2 * p + 1), bounds)
    return theta[:p] - theta[p:2 * p], theta[2 * p]


def _minimise(fun, start, bounds):
    """L-BFGS-B to a projected gradient of 1e-13, restarted until it stays put.

    A restart drops the curvature memory: the split objective is linear
    along u + v, and a stale memory can stall a run short of the optimum.
    """
    theta = start
    for _ in range(10):
        result = scipy.optimize.minimize(fun, theta, jac=True, method="L-BFGS-B",
                                         bounds=bounds, options=_OPTIONS)
        moved = np.max(np.abs(result.x - theta))
        theta = result.x
        # A stalled run leaves O(1) to go; a converged one creeps by ~1e-9
        # once the objective's rounding hides the rest.
        if moved <= 1e-8 * max(1.0, np.max(np.abs(theta))):
            return theta
    raise AssertionError(f"L-BFGS-B still moving after 10 restarts: {result.message}")


def _fit(prior, alpha, X, y):
    if prior == "gaussian":
        return Ridge(alpha=alpha).fit(X, y)
    return Lasso(alpha=alpha, tol=1e-15, max_iter=1_000_000).fit(X, y)


CASES = list(itertools.product(("gaussian", "laplace"), NS, NOISE_SDS, SCALES))


def test_the_objective_is_the_log_posterior():
    # the optimiser's objective, checked against scipy.stats' densities
    X, y = _problem(60, 1.0)
    rng = np.random.default_rng(1)
    for prior, law in (("gaussian", scipy.stats.norm), ("laplace", scipy.stats.laplace)):
        f = _neg_log_posterior(prior, X, y, 0.7, 1.3)
        for _ in range(3):
            w, c = rng.standard_normal(N_FEATURES), rng.standard_normal()
            expected = -(scipy.stats.norm.logpdf(y, loc=X @ w + c, scale=0.7).sum()
                         + law.logpdf(w, scale=1.3).sum())
            assert f(w, c)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("prior, n, noise_sd, scale", CASES)
def test_prior_to_alpha_gives_the_posterior_mode(prior, n, noise_sd, scale):
    X, y = _problem(n, noise_sd)
    alpha = alpha_from_prior(prior, scale, noise_sd=noise_sd, n_samples=n)
    model = _fit(prior, alpha, X, y)
    w, c = _posterior_mode(prior, X, y, noise_sd, scale)
    np.testing.assert_allclose(model.coef_, w, rtol=0, atol=ATOL)
    assert model.intercept_ == pytest.approx(c, abs=ATOL)


ALPHAS = {"gaussian": (0.01, 3.0, 300.0), "laplace": (1e-3, 0.05, 0.5)}


@pytest.mark.parametrize("prior, n, noise_sd, alpha", [
    (prior, n, noise_sd, alpha) for prior in ALPHAS for n in NS
    for noise_sd in (0.3, 3.0) for alpha in ALPHAS[prior]])
def test_alpha_to_prior_gives_the_posterior_mode(prior, n, noise_sd, alpha):
    X, y = _problem(n, noise_sd, seed=7)
    scale = prior_scale_from_alpha(prior, alpha, noise_sd=noise_sd, n_samples=n)
    model = _fit(prior, alpha, X, y)
    w, c = _posterior_mode(prior, X, y, noise_sd, scale)
    np.testing.assert_allclose(model.coef_, w, rtol=0, atol=ATOL)
    assert model.intercept_ == pytest.approx(c, abs=ATOL)


def test_modes_cover_zeros_and_the_check_can_fail():
    # Among the cases, Laplace modes with exact zeros (the optimiser reaches
    # them through its bounds) and without any.
    X, y = _problem(60, 1.0)
    tight = _fit("laplace", alpha_from_prior("laplace", 0.05, noise_sd=1.0,
                                             n_samples=60), X, y)
    loose = _fit("laplace", alpha_from_prior("laplace", 5.0, noise_sd=1.0,
                                             n_samples=60), X, y)
    assert 0 < np.sum(tight.coef_ == 0) < N_FEATURES and np.all(loose.coef_ != 0)
    w, _ = _posterior_mode("laplace", X, y, 1.0, 0.05)
    np.testing.assert_array_equal(w == 0, tight.coef_ == 0)
    # A mapping wrong by a factor 2 (or off by Ridge's missing 1/(2n)) is caught.
    for prior, scale in (("gaussian", 0.5), ("laplace", 0.5)):
        alpha = alpha_from_prior(prior, scale, noise_sd=1.0, n_samples=60)
        w, _ = _posterior_mode(prior, X, y, 1.0, scale)
        for wrong in (2 * alpha, alpha / 2):
            assert np.max(np.abs(_fit(prior, wrong, X, y).coef_ - w)) > 100 * ATOL


def test_mapped_fit_with_no_intercept_is_that_models_mode():
    X, y = _problem(60, 1.0)
    X = X - X.mean(axis=0)          # the mode of the model without an intercept
    y = y - y.mean()
    for prior in ("gaussian", "laplace"):
        alpha = alpha_from_prior(prior, 0.5, noise_sd=1.0, n_samples=60)
        model = (Ridge(alpha=alpha, fit_intercept=False) if prior == "gaussian" else
                 Lasso(alpha=alpha, fit_intercept=False, tol=1e-15, max_iter=1_000_000))
        model.fit(X, y)
        w, c = _posterior_mode(prior, X, y, 1.0, 0.5)
        np.testing.assert_allclose(model.coef_, w, atol=ATOL)
        assert abs(c) < ATOL        # centred data: the free intercept's mode is 0


@pytest.mark.parametrize("prior", ["gaussian", "laplace"])
def test_round_trip_and_closed_forms(prior):
    for scale, noise_sd, n in itertools.product((1e-3, 0.7, 40.0), (0.1, 2.0), (1, 37)):
        alpha = alpha_from_prior(prior, scale, noise_sd=noise_sd, n_samples=n)
        expected = noise_sd ** 2 / (scale ** 2 if prior == "gaussian" else n * scale)
        assert alpha == pytest.approx(expected, rel=1e-15)
        back = prior_scale_from_alpha(prior, alpha, noise_sd=noise_sd, n_samples=n)
        assert back == pytest.approx(scale, rel=1e-14)
        assert isinstance(alpha, float) and isinstance(back, float)
    # a narrower prior is a larger penalty
    assert (alpha_from_prior(prior, 0.1, noise_sd=1.0, n_samples=10)
            > alpha_from_prior(prior, 1.0, noise_sd=1.0, n_samples=10))


def test_gaussian_ignores_n_samples():
    assert alpha_from_prior("gaussian", 2.0, noise_sd=1.0) == 0.25
    assert alpha_from_prior("gaussian", 2.0, noise_sd=1.0, n_samples=500) == 0.25
    assert prior_scale_from_alpha("gaussian", 0.25, noise_sd=1.0, n_samples=3) == 2.0
    assert alpha_from_prior("laplace", 0.5, noise_sd=1.0, n_samples=np.int64(100)) == 0.02


@pytest.mark.parametrize("func", [alpha_from_prior, prior_scale_from_alpha])
def test_errors(func):
    second = "scale" if func is alpha_from_prior else "alpha"
    with pytest.raises(ValueError, match="'gaussian' .* or 'laplace'"):
        func("normal", 1.0, noise_sd=1.0)
    with pytest.raises(ValueError, match="'gaussian' .* or 'laplace'"):
        func(None, 1.0, noise_sd=1.0)
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match=second):
            func("gaussian", bad, noise_sd=1.0)
        with pytest.raises(ValueError, match="noise_sd"):
            func("laplace", 1.0, noise_sd=bad, n_samples=10)
    with pytest.raises(TypeError, match=second):
        func("gaussian", "1.0", noise_sd=1.0)
    with pytest.raises(TypeError, match="noise_sd"):
        func("gaussian", 1.0, noise_sd=True)
    with pytest.raises(ValueError, match="n_samples is needed"):
        func("laplace", 1.0, noise_sd=1.0)
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        func("laplace", 1.0, noise_sd=1.0, n_samples=0)
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        func("gaussian", 1.0, noise_sd=1.0, n_samples=-3)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        func("laplace", 1.0, noise_sd=1.0, n_samples=10.0)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        func("laplace", 1.0, noise_sd=1.0, n_samples=True)
