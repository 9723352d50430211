"""Property-based tests (hypothesis) over random small elastic-net problems.

For each drawn problem (shape, seed, alpha as a fraction of lambda_max,
l1_ratio, intercept, weights) the fit must satisfy, with checks computed
here independently of the solver (docs/design.md section 1):

- the duality gap, recomputed from the coefficients, is below the requested
  tolerance and equals the reported ``dual_gap_``;
- the KKT conditions hold;
- permuting the features permutes the solution;
- scaling ``y`` and the penalty together scales the solution.

Fitted values ``X w`` are unique even when ``w`` is not (p > n), and
``||X (w - w*)||^2 / (2n) <= P(w) - P(w*) <= gap``: comparisons between two
fits use that bound, so they are exact consequences of the certificates.
"""

import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage import ConvergenceWarning  # noqa: E402

from _helpers import centred, normalized_weights  # noqa: E402

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
TOL = 1e-10


@st.composite
def problems(draw):
    n = draw(st.integers(2, 25))
    p = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if draw(st.booleans()):   # correlated columns
        X = X @ (np.eye(p) + 0.8 * rng.standard_normal((p, p)) / np.sqrt(p))
    y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.5)) + rng.standard_normal(n)
    sw = rng.uniform(0.1, 3.0, n) if draw(st.booleans()) else None
    return dict(X=X, y=y, sample_weight=sw,
                fit_intercept=draw(st.booleans()),
                l1_ratio=draw(st.sampled_from([1.0, 0.9, 0.5, 0.1])),
                alpha_frac=draw(st.floats(0.02, 1.2)),
                precompute=draw(st.sampled_from([False, True])))


def lambda_max(pb):
    X, y = pb["X"], pb["y"]
    s = normalized_weights(len(y), pb["sample_weight"])
    Xc, yc = centred(X, y, s, pb["fit_intercept"])
    return np.max(np.abs(Xc.T @ (s * yc))) / (len(y) * pb["l1_ratio"])


def primal(pb, coef, alpha, l1_ratio, y=None):
    X = pb["X"]
    y = pb["y"] if y is None else y
    n = len(y)
    s = normalized_weights(n, pb["sample_weight"])
    Xc, yc = centred(X, y, s, pb["fit_intercept"])
    r = yc - Xc @ coef
    return (0.5 / n * (s @ (r * r)) + alpha * l1_ratio * np.abs(coef).sum()
            + 0.5 * alpha * (1 - l1_ratio) * (coef @ coef))


def gap(pb, coef, alpha, l1_ratio, y=None):
    """Duality gap with the rescaled residual as dual point (independent)."""
    X = pb["X"]
    y = pb["y"] if y is None else y
    n = len(y)
    s = normalized_weights(n, pb["sample_weight"])
    Xc, yc = centred(X, y, s, pb["fit_intercept"])
    r = yc - Xc @ coef
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    A = Xc.T @ (s * r) - l2 * coef
    dual_norm = np.max(np.abs(A))
    scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    quad = s @ (r * r) + l2 * (coef @ coef)
    primal_n = 0.5 * quad + l1 * np.abs(coef).sum()
    dual_n = -0.5 * scale**2 * quad + scale * (s @ (r * yc))
    return (primal_n - dual_n) / n


def threshold(pb, tol=TOL, y=None):
    y = pb["y"] if y is None else y
    n = len(y)
    s = normalized_weights(n, pb["sample_weight"])
    _, yc = centred(pb["X"], y, s, pb["fit_intercept"])
    return tol * (s @ (yc * yc)) / n


def fit(pb, X=None, y=None, alpha=None, l1_ratio=None):
    lr = pb["l1_ratio"] if l1_ratio is None else l1_ratio
    a = pb["alpha_frac"] * lambda_max(pb) if alpha is None else alpha
    est = shrinkage.ElasticNet(alpha=a, l1_ratio=lr, fit_intercept=pb["fit_intercept"],
                               precompute=pb["precompute"], tol=TOL, max_iter=200_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return est.fit(pb["X"] if X is None else X, pb["y"] if y is None else y,
                       sample_weight=pb["sample_weight"])


def fitted_values_bound(pb, gap_a, gap_b):
    """max allowed || X w_a - X w_b ||_s / sqrt(n) from the two gaps.

    A gap evaluated in float64 is itself uncertain by a few ulps of the
    objective's scale ||y - ybar||_s^2 / n; that (not the solver) sets the
    floor of what the certificate can prove.
    """
    ulps = 1e-14 * threshold(pb, 1.0)
    return np.sqrt(2 * (max(gap_a, 0.0) + ulps)) + np.sqrt(2 * (max(gap_b, 0.0) + ulps))


def rounding(pb):
    """Floating-point floor for comparing two fitted-value vectors: a few
    hundred ulps of the targets' scale (the gap bound covers the rest)."""
    return 1e-13 * len(pb["y"]) * (1.0 + np.max(np.abs(pb["y"])))


def weighted_dist(pb, Xw_a, Xw_b):
    n = len(pb["y"])
    s = normalized_weights(n, pb["sample_weight"])
    d = Xw_a - Xw_b
    if pb["fit_intercept"]:
        d = d - s @ d / n     # intercepts absorb a constant shift
    return np.sqrt(s @ (d * d) / n)


@SETTINGS
@given(problems())
def test_gap_certificate(pb):
    alpha = pb["alpha_frac"] * lambda_max(pb)
    est = fit(pb)
    g = gap(pb, est.coef_, alpha, pb["l1_ratio"])
    assert g >= -1e-12 * max(1.0, threshold(pb, 1.0))
    assert g <= threshold(pb) + 1e-15
    np.testing.assert_allclose(est.dual_gap_, g, rtol=1e-6,
                               atol=1e-3 * threshold(pb) + 1e-300)
    if pb["alpha_frac"] > 1.0 + 1e-9:
        np.testing.assert_array_equal(est.coef_, 0.0)


@SETTINGS
@given(problems())
def test_kkt(pb):
    X, y = pb["X"], pb["y"]
    n = len(y)
    alpha, lr = pb["alpha_frac"] * lambda_max(pb), pb["l1_ratio"]
    est = fit(pb)
    w = est.coef_
    s = normalized_weights(n, pb["sample_weight"])
    Xc, yc = centred(X, y, s, pb["fit_intercept"])
    grad = Xc.T @ (s * (yc - Xc @ w)) / n - alpha * (1 - lr) * w
    # A gap eps bounds each coordinate's KKT violation by sqrt(2 eps L_j),
    # L_j = ||x_j||_s^2 / n (one exact coordinate step decreases P by
    # violation^2 / (2 L_j) at least, and the gap bounds P(w) - P*).
    L = (s @ (Xc * Xc)) / n + alpha * (1 - lr)
    slack = np.sqrt(2 * max(est.dual_gap_, 0.0) * L) + 1e-12 * (1 + np.abs(grad))
    active = w != 0
    assert np.all(np.abs(grad[active] - alpha * lr * np.sign(w[active])) <= slack[active])
    assert np.all(np.abs(grad[~active]) <= alpha * lr + slack[~active])
    if pb["fit_intercept"]:
        assert est.intercept_ == pytest.approx(s @ (y - X @ w) / n, rel=1e-10, abs=1e-12)


@SETTINGS
@given(problems(), st.randoms(use_true_random=False))
def test_feature_permutation_invariance(pb, rnd):
    alpha, lr = pb["alpha_frac"] * lambda_max(pb), pb["l1_ratio"]
    perm = np.arange(pb["X"].shape[1])
    rnd.shuffle(perm)
    a = fit(pb, alpha=alpha)
    b = fit(pb, X=pb["X"][:, perm], alpha=alpha)
    ga = gap(pb, a.coef_, alpha, lr)
    gb = gap(pb, b.coef_[np.argsort(perm)], alpha, lr)
    bound = fitted_values_bound(pb, ga, gb)
    dist = weighted_dist(pb, pb["X"] @ a.coef_, pb["X"][:, perm] @ b.coef_)
    assert dist <= bound * (1 + 1e-9) + rounding(pb)
    # The objective values agree to the certified precision.
    pa, pb_ = primal(pb, a.coef_, alpha, lr), primal(pb, b.coef_[np.argsort(perm)], alpha, lr)
    assert abs(pa - pb_) <= ga + gb + 1e-14 * max(1.0, abs(pa))
    if lr < 1:
        # strictly convex: the coefficients themselves are unique
        mu = alpha * (1 - lr)   # strong convexity modulus
        wdist = np.linalg.norm(a.coef_ - b.coef_[np.argsort(perm)])
        assert wdist <= np.sqrt(2 * max(ga, 0) / mu) + np.sqrt(2 * max(gb, 0) / mu) + 1e-12


@SETTINGS
@given(problems(), st.sampled_from([1e-6, 1e-3, 7.0, 1e5]))
def test_scaling_y_and_penalty_together(pb, c):
    # y -> c y, w -> c w: P scales by c^2 when the l1 weight alpha*l1_ratio
    # scales by c and the l2 weight alpha*(1 - l1_ratio) stays.
    alpha, lr = pb["alpha_frac"] * lambda_max(pb), pb["l1_ratio"]
    l1w, l2w = alpha * lr, alpha * (1 - lr)
    alpha_c = c * l1w + l2w
    lr_c = c * l1w / alpha_c
    a = fit(pb, alpha=alpha, l1_ratio=lr)
    b = fit(pb, y=c * pb["y"], alpha=alpha_c, l1_ratio=lr_c)
    ga = gap(pb, a.coef_, alpha, lr)
    gb = gap(pb, b.coef_, alpha_c, lr_c, y=c * pb["y"]) / c**2   # back to scale 1
    bound = fitted_values_bound(pb, ga, gb)
    dist = weighted_dist(pb, pb["X"] @ a.coef_, pb["X"] @ b.coef_ / c)
    assert dist <= bound * (1 + 1e-9) + rounding(pb)
    if pb["alpha_frac"] > 1.0 + 1e-9:
        np.testing.assert_array_equal(b.coef_, 0.0)
    np.testing.assert_allclose(b.predict(pb["X"]) / c, a.predict(pb["X"]),
                               atol=bound * (1 + 1e-9) + rounding(pb) + 1e-12 * np.abs(a.intercept_))
