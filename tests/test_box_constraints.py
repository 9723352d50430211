"""Box constraints ``lower <= w <= upper`` (glmnet's lower.limits /
upper.limits) on Lasso, ElasticNet, lasso_path and enet_path.

The reference is independent of the solver: projected proximal gradient
with Nesterov momentum (FISTA, with adaptive restart) on the same
objective, the intercept eliminated by weighted centring; the proximal map
of ``l1 |w| + l2 w^2 / 2`` plus the box is, per coordinate,
``clip(S(v, t l1) / (1 + t l2), lower, upper)``.
"""

import copy
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage import ElasticNet, Lasso, enet_path, lasso_path
from shrinkage._exceptions import ConvergenceWarning


# ---------------------------------------------------------------------------
# the independent reference
# ---------------------------------------------------------------------------

def _problem_parts(X, y, alpha, l1_ratio, sw, pf, fit_intercept):
    n, p = X.shape
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    f = np.ones(p) if pf is None else np.asarray(pf, float)
    if fit_intercept:
        xm, ym = s @ X / n, s @ y / n
    else:
        xm, ym = np.zeros(p), 0.0
    root = np.sqrt(s)
    A = (X - xm) * root[:, None]
    b = (y - ym) * root
    return A, b, alpha * l1_ratio * f, alpha * (1 - l1_ratio) * f, xm, ym


def objective(X, y, coef, alpha, l1_ratio=1.0, sw=None, pf=None, fit_intercept=True,
              lower=-np.inf, upper=np.inf):
    """The 1/(2n)-scaled objective at ``coef`` with its best intercept
    (inf outside the box)."""
    coef = np.asarray(coef, float)
    lower = np.broadcast_to(lower, coef.shape)
    upper = np.broadcast_to(upper, coef.shape)
    if np.any(coef < lower - 1e-15) or np.any(coef > upper + 1e-15):
        return np.inf
    A, b, l1, l2, _, _ = _problem_parts(X, y, alpha, l1_ratio, sw, pf, fit_intercept)
    r = b - A @ coef
    n = X.shape[0]
    return r @ r / (2 * n) + l1 @ np.abs(coef) + 0.5 * l2 @ (coef * coef)


def reference(X, y, alpha, l1_ratio=1.0, lower=-np.inf, upper=np.inf, sw=None,
              pf=None, fit_intercept=True, max_iter=200_000, rtol=1e-15):
    """(coef, intercept, objective) by FISTA with adaptive restart, stopped
    when the objective's relative change stays below ``rtol``."""
    X = np.asarray(X, float)
    n, p = X.shape
    A, b, l1, l2, xm, ym = _problem_parts(X, y, alpha, l1_ratio, sw, pf, fit_intercept)
    lower = np.broadcast_to(np.asarray(lower, float), (p,))
    upper = np.broadcast_to(np.asarray(upper, float), (p,))
    t = n / max(np.linalg.norm(A, 2) ** 2, 1e-300)

    def f(w):
        r = b - A @ w
        return r @ r / (2 * n) + l1 @ np.abs(w) + 0.5 * l2 @ (w * w)

    w = np.zeros(p)
    z = w.copy()
    tk = 1.0
    f_old = f(w)
    quiet = 0
    for _ in range(max_iter):
        v = z + t * (A.T @ (b - A @ z)) / n
        w_new = np.sign(v) * np.maximum(np.abs(v) - t * l1, 0.0) / (1.0 + t * l2)
        w_new = np.clip(w_new, lower, upper)
        f_new = f(w_new)
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * tk * tk))
        if f_new > f_old:  # restart the momentum
            z, t_next = w_new.copy(), 1.0
        else:
            z = w_new + (tk - 1.0) / t_next * (w_new - w)
        quiet = quiet + 1 if abs(f_old - f_new) <= rtol * max(abs(f_new), 1e-300) else 0
        w, tk, f_old = w_new, t_next, min(f_new, f_old)
        if quiet >= 50:
            break
    return w, ym - xm @ w, f(w)


def _data(seed=0, n=60, p=15, offset=3.0, sparse_density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1] = 0.8 * X[:, 0] + 0.6 * X[:, 1]  # correlated columns
    X[:, 2] += offset  # a column far from centred
    if sparse_density is not None:
        X *= rng.random((n, p)) < sparse_density
    beta = rng.standard_normal(p) * 1.5 * (rng.random(p) < 0.6)
    y = X @ beta + 0.5 * rng.standard_normal(n) + 2.0
    return X, y


def _mixed_bounds(p, seed=0):
    rng = np.random.default_rng(seed + 100)
    lower = rng.choice([-np.inf, -0.4, 0.0, -1.0], p)
    upper = rng.choice([np.inf, 0.3, 0.0, 1.2], p)
    return lower, upper


# ---------------------------------------------------------------------------
# solutions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_reference(l1_ratio, fit_intercept, weighted):
    X, y = _data(1)
    n, p = X.shape
    lower, upper = _mixed_bounds(p, 1)
    rng = np.random.default_rng(5)
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    pf = rng.uniform(0.5, 2.0, p)
    alpha = 0.05
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, lower_bounds=lower,
                       upper_bounds=upper, penalty_factor=pf, tol=1e-14,
                       max_iter=100_000, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    w, b, f_ref = reference(X, y, alpha, l1_ratio, lower, upper, sw, pf, fit_intercept)
    assert np.all(model.coef_ >= lower) and np.all(model.coef_ <= upper)
    f = objective(X, y, model.coef_, alpha, l1_ratio, sw, pf, fit_intercept, lower, upper)
    scale = 0.5 * np.var(y) + 1e-300
    assert f <= f_ref + 1e-10 * scale
    # the intercept is the best one for coef_
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    if fit_intercept:
        assert model.intercept_ == pytest.approx(s @ (y - X @ model.coef_) / n, abs=1e-10)
    else:
        assert model.intercept_ == 0.0
    if l1_ratio < 1.0:
        # strongly convex (modulus >= min_j alpha (1 - l1_ratio) f_j = 0.01):
        # |w - w*|^2 <= 2 (f(w) - f*) / 0.01 for both points
        np.testing.assert_allclose(model.coef_, w, atol=1e-5)
        assert model.intercept_ == pytest.approx(b, abs=1e-5)


def _kkt_violation(X, y, model, alpha, l1_ratio, lower, upper, sw=None, pf=None):
    """Largest violation of the constrained problem's KKT conditions."""
    n, p = X.shape
    A, b, l1, l2, _, _ = _problem_parts(X, y, alpha, l1_ratio, sw, pf, model.fit_intercept)
    w = model.coef_
    g = -A.T @ (b - A @ w) / n + l2 * w  # gradient of the smooth part
    lower = np.broadcast_to(lower, (p,))
    upper = np.broadcast_to(upper, (p,))
    worst = 0.0
    for j in range(p):
        at_upper = w[j] == upper[j] and upper[j] != 0.0
        at_lower = w[j] == lower[j] and lower[j] != 0.0
        if at_upper:  # cannot improve by decreasing
            worst = max(worst, g[j] + l1[j] * np.sign(upper[j]))
        elif at_lower:
            worst = max(worst, -(g[j] + l1[j] * np.sign(lower[j])))
        elif w[j] == 0.0:
            # 0 strictly inside, or at a zero bound (one side only)
            lo = -l1[j] if upper[j] > 0 else -np.inf
            hi = l1[j] if lower[j] < 0 else np.inf
            worst = max(worst, lo - g[j], g[j] - hi)
        else:
            worst = max(worst, abs(g[j] + l1[j] * np.sign(w[j])))
    return worst


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
def test_kkt(l1_ratio, sparse):
    X, y = _data(2, sparse_density=0.5 if sparse else None)
    p = X.shape[1]
    lower, upper = _mixed_bounds(p, 2)
    alpha = 0.03
    Xf = sp.csc_matrix(X) if sparse else X
    for tol in (1e-6, 1e-10):
        model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, lower_bounds=lower,
                           upper_bounds=upper, tol=tol, max_iter=100_000).fit(Xf, y)
        viol = _kkt_violation(X, y, model, alpha, l1_ratio, lower, upper)
        # a gap of tol * ||yc||^2 / n allows gradient errors of about its
        # root, in the units of x^T r / n
        yy = np.mean((y - y.mean()) ** 2)
        scale = np.sqrt(yy * np.mean((X - X.mean(axis=0)) ** 2))
        assert viol <= 10 * np.sqrt(tol) * scale, (tol, viol)


# ---------------------------------------------------------------------------
# the certificate
# ---------------------------------------------------------------------------

_CERT_CASES = [
    # (l1_ratio, lower, upper, pf): l2 = 0 with finite and infinite bounds mixed
    (1.0, "mixed", "mixed", None),
    (1.0, -np.inf, 0.2, None),
    (1.0, 0.0, np.inf, None),
    (1.0, -0.3, 0.3, "varied"),
    (0.7, "mixed", "mixed", "varied"),
    (0.0, -0.2, 0.5, None),  # ridge with bounds
]


@pytest.mark.parametrize("precompute", [False, True])  # naive / Gram mode
@pytest.mark.parametrize("case", range(len(_CERT_CASES)))
@pytest.mark.parametrize("sparse", [False, True])
def test_certificate_is_honest(case, sparse, precompute):
    l1_ratio, lower, upper, pf = _CERT_CASES[case]
    X, y = _data(3 + case, n=50, p=12, sparse_density=0.6 if sparse else None)
    n, p = X.shape
    if isinstance(lower, str):
        lower, upper = _mixed_bounds(p, case)
    if pf == "varied":
        pf = np.random.default_rng(case).uniform(0.3, 2.0, p)
    alpha = 0.02
    _, _, f_ref = reference(X, y, alpha, l1_ratio, lower, upper, pf=pf)
    tight = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, lower_bounds=lower,
                       upper_bounds=upper, penalty_factor=pf, tol=1e-14,
                       max_iter=100_000).fit(X, y)
    f_star = min(f_ref, objective(X, y, tight.coef_, alpha, l1_ratio, pf=pf,
                                  lower=lower, upper=upper))
    Xf = sp.csc_matrix(X) if sparse else X
    slack = 1e-13 * np.mean(y * y)
    checked = 0
    for tol in (1e-1, 1e-2, 1e-3, 1e-5, 1e-8):
        for max_iter in (1, 2, 5, 1000):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, lower_bounds=lower,
                                   upper_bounds=upper, penalty_factor=pf, tol=tol,
                                   max_iter=max_iter, precompute=precompute).fit(Xf, y)
            sub = objective(X, y, model.coef_, alpha, l1_ratio, pf=pf, lower=lower,
                            upper=upper) - f_star
            assert model.dual_gap_ >= sub - slack, (tol, max_iter, model.dual_gap_, sub)
            checked += sub > 1e-9
    assert checked > 0  # some fits were visibly suboptimal


@pytest.mark.parametrize("precompute", [False, True])  # naive / Gram mode
@pytest.mark.parametrize("lo, up", [(-np.inf, np.inf), (-np.inf, 0.3), (0.0, np.inf)])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_certificate_with_unpenalised_correlated_features(lo, up, l1_ratio, precompute):
    """Unpenalised features (f_j = 0) whose bound is infinite need a zero
    correlation at the dual point: the residual is projected off their
    columns (three nearly collinear ones here), so the gap stays a bound."""
    rng = np.random.default_rng(7)
    n, p = 50, 10
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(n)
    X[:, 2] = X[:, 0] - X[:, 1] + 0.1 * rng.standard_normal(n)
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    pf = np.ones(p)
    pf[[0, 1, 2, 3]] = 0.0
    lower, upper = np.full(p, lo), np.full(p, up)
    lower[3], upper[3] = -0.1, 0.2  # an unpenalised feature with finite bounds
    alpha = 0.05
    _, _, f_ref = reference(X, y, alpha, l1_ratio, lower, upper, pf=pf, max_iter=500_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tight = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, penalty_factor=pf, lower_bounds=lower,
                           upper_bounds=upper, tol=1e-15, max_iter=20_000).fit(X, y)
    f_star = min(f_ref, objective(X, y, tight.coef_, alpha, l1_ratio, pf=pf, lower=lower,
                                  upper=upper))
    for sparse in (False, True):
        Xf = sp.csc_matrix(X) if sparse else X
        for tol in (1e-1, 1e-2, 1e-4, 1e-8):
            for max_iter in (1, 2, 3, 10, 1000):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    m = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, penalty_factor=pf,
                                   lower_bounds=lower, upper_bounds=upper, tol=tol,
                                   max_iter=max_iter, precompute=precompute).fit(Xf, y)
                sub = objective(X, y, m.coef_, alpha, l1_ratio, pf=pf, lower=lower,
                                upper=upper) - f_star
                assert m.dual_gap_ >= sub - 1e-13, (sparse, tol, max_iter, m.dual_gap_, sub)


def test_gap_scale_matches_unbounded():
    """dual_gap_ is in the 1/(2n)-scaled objective, as for unbounded fits,
    and certifies tol * ||y - ybar||^2 / n."""
    X, y = _data(4)
    tol = 1e-6
    m = Lasso(alpha=0.05, lower_bounds=-0.5, upper_bounds=0.5, tol=tol).fit(X, y)
    assert 0.0 <= m.dual_gap_ <= tol * np.mean((y - y.mean()) ** 2)
    assert isinstance(m.dual_gap_, np.floating)
    assert isinstance(m.n_iter_, int) and m.n_iter_ >= 1


# ---------------------------------------------------------------------------
# equivalences
# ---------------------------------------------------------------------------

def test_dense_and_sparse_agree():
    X, y = _data(5, sparse_density=0.4)
    lower, upper = _mixed_bounds(X.shape[1], 5)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[0])
    kw = dict(alpha=0.02, l1_ratio=0.8, lower_bounds=lower, upper_bounds=upper, tol=1e-12,
              max_iter=100_000)
    for fit_intercept in (True, False):
        d = ElasticNet(fit_intercept=fit_intercept, **kw).fit(X, y, sample_weight=sw)
        s = ElasticNet(fit_intercept=fit_intercept, **kw).fit(sp.csc_matrix(X), y,
                                                             sample_weight=sw)
        np.testing.assert_allclose(s.coef_, d.coef_, atol=1e-8)
        assert s.intercept_ == pytest.approx(d.intercept_, abs=1e-8)
    # CSR input is converted, as for unbounded fits
    r = ElasticNet(**kw).fit(sp.csr_matrix(X), y, sample_weight=sw)
    np.testing.assert_allclose(r.coef_, ElasticNet(**kw).fit(X, y, sample_weight=sw).coef_,
                               atol=1e-8)


def test_sample_weight_as_repeated_rows():
    X, y = _data(6, n=40)
    counts = np.random.default_rng(1).integers(1, 4, X.shape[0])
    kw = dict(alpha=0.03, lower_bounds=-0.4, upper_bounds=0.6, tol=1e-12, max_iter=100_000)
    a = Lasso(**kw).fit(X, y, sample_weight=counts)
    b = Lasso(**kw).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    assert a.intercept_ == pytest.approx(b.intercept_, abs=1e-8)


def test_scalar_and_array_bounds_agree():
    X, y = _data(7)
    p = X.shape[1]
    a = Lasso(alpha=0.02, lower_bounds=-0.3, upper_bounds=0.4, tol=1e-10).fit(X, y)
    b = Lasso(alpha=0.02, lower_bounds=np.full(p, -0.3), upper_bounds=[0.4] * p,
              tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    # one side only
    c = Lasso(alpha=0.02, upper_bounds=0.4, tol=1e-10).fit(X, y)
    assert c.coef_.max() <= 0.4 and c.coef_.min() < -0.3


@pytest.mark.parametrize("sparse", [False, True])
def test_lower_zero_is_positive(sparse):
    X, y = _data(8, sparse_density=0.5 if sparse else None)
    Xf = sp.csc_matrix(X) if sparse else X
    for l1_ratio in (1.0, 0.5):
        kw = dict(alpha=0.02, l1_ratio=l1_ratio, tol=1e-13, max_iter=100_000)
        box = ElasticNet(lower_bounds=0.0, **kw).fit(Xf, y)
        pos = ElasticNet(positive=True, **kw).fit(Xf, y)
        np.testing.assert_allclose(box.coef_, pos.coef_, atol=1e-7)
        f_box = objective(X, y, box.coef_, 0.02, l1_ratio, lower=0.0)
        f_pos = objective(X, y, pos.coef_, 0.02, l1_ratio, lower=0.0)
        assert f_box <= f_pos + 1e-12 * np.var(y)


def test_positive_combines_with_bounds():
    X, y = _data(9)
    kw = dict(alpha=0.02, tol=1e-12, max_iter=100_000)
    a = Lasso(positive=True, lower_bounds=-1.0, upper_bounds=0.5, **kw).fit(X, y)
    b = Lasso(lower_bounds=0.0, upper_bounds=0.5, **kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.coef_.min() >= 0.0 and a.coef_.max() <= 0.5


def _fitted_state(m):
    return (np.asarray(m.coef_).tobytes(), np.asarray(m.intercept_).tobytes(),
            np.asarray(m.dual_gap_).tobytes(), m.n_iter_)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_infinite_bounds_are_bit_identical(sparse, positive):
    X, y = _data(10, sparse_density=0.5 if sparse else None)
    p = X.shape[1]
    Xf = sp.csc_matrix(X) if sparse else X
    Y = np.column_stack([y, y[::-1]])
    for est in (Lasso(alpha=0.02, positive=positive), ElasticNet(alpha=0.02, positive=positive)):
        plain = copy.deepcopy(est).fit(Xf, y)
        for lo, up in ((-np.inf, np.inf), (np.full(p, -np.inf), np.full(p, np.inf)),
                       (None, np.inf), (-np.inf, None)):
            bounded = copy.deepcopy(est).set_params(lower_bounds=lo, upper_bounds=up).fit(Xf, y)
            assert _fitted_state(bounded) == _fitted_state(plain)
        if not positive:
            plain2 = copy.deepcopy(est).fit(Xf, Y)
            bounded2 = copy.deepcopy(est).set_params(lower_bounds=-np.inf).fit(Xf, Y)
            assert _fitted_state(bounded2) == _fitted_state(plain2)
    a = lasso_path(Xf, y, alphas=5, positive=positive)
    b = lasso_path(Xf, y, alphas=5, positive=positive, lower_bounds=-np.inf,
                   upper_bounds=np.inf)
    for u, v in zip(a, b):
        assert np.asarray(u).tobytes() == np.asarray(v).tobytes()


def test_multi_target_fits_each_target():
    X, y = _data(11)
    Y = np.column_stack([y, -0.5 * y + X[:, 3]])
    kw = dict(alpha=0.02, l1_ratio=0.7, lower_bounds=-0.3, upper_bounds=0.5, tol=1e-10)
    both = ElasticNet(**kw).fit(X, Y)
    assert both.coef_.shape == (2, X.shape[1])
    assert both.dual_gap_.shape == (2,) and len(both.n_iter_) == 2
    for k in range(2):
        one = ElasticNet(**kw).fit(X, Y[:, k])
        np.testing.assert_array_equal(both.coef_[k], one.coef_)
        assert both.intercept_[k] == one.intercept_
    threaded = ElasticNet(n_jobs=2, **kw).fit(X, Y)
    assert _fitted_state(threaded) == _fitted_state(both)
    col = ElasticNet(**kw).fit(X, Y[:, :1])
    assert col.coef_.shape == (X.shape[1],) and col.intercept_.shape == (1,)


def test_warm_start_and_projection():
    X, y = _data(12)
    m = Lasso(alpha=0.01, tol=1e-12, warm_start=True, max_iter=100_000).fit(X, y)
    assert np.abs(m.coef_).max() > 0.3
    m.set_params(lower_bounds=-0.2, upper_bounds=0.3).fit(X, y)  # warm start outside the box
    cold = Lasso(alpha=0.01, tol=1e-12, lower_bounds=-0.2, upper_bounds=0.3,
                 max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(m.coef_, cold.coef_, atol=1e-7)
    n_iter = m.n_iter_
    m.fit(X, y)  # warm start at the solution: no pass needed
    assert m.n_iter_ <= n_iter and m.n_iter_ <= 1


def test_float32_and_precompute():
    X, y = _data(13)
    kw = dict(alpha=0.02, lower_bounds=-0.3, upper_bounds=0.4, tol=1e-10)
    ref = Lasso(**kw).fit(X, y)
    m32 = Lasso(**kw).fit(X.astype(np.float32), y)
    assert m32.coef_.dtype == np.float32
    np.testing.assert_allclose(m32.coef_, Lasso(**kw).fit(X.astype(np.float32).astype(float), y).coef_,
                               rtol=1e-6, atol=1e-6)
    # covariance updates (precompute=True; 'auto' on this small tall design)
    # and naive ones (False) reach the same solution
    gram = Lasso(precompute=True, **kw).fit(X, y)
    naive = Lasso(precompute=False, **kw).fit(X, y)
    np.testing.assert_array_equal(gram.coef_, ref.coef_)
    np.testing.assert_allclose(naive.coef_, gram.coef_, atol=1e-7)
    # a given Gram counts as True: the box solver builds its own from X
    Xc = X - X.mean(axis=0)
    given = Lasso(precompute=Xc.T @ Xc, **kw).fit(Xc, y)
    np.testing.assert_array_equal(given.coef_, Lasso(precompute=True, **kw).fit(Xc, y).coef_)


def test_random_selection_and_convergence_warning():
    X, y = _data(14)
    kw = dict(alpha=0.02, lower_bounds=-0.3, upper_bounds=0.4, max_iter=100_000)
    cyc = Lasso(tol=1e-12, **kw).fit(X, y)
    rnd = Lasso(tol=1e-12, selection="random", random_state=0, **kw).fit(X, y)
    np.testing.assert_allclose(rnd.coef_, cyc.coef_, atol=1e-6)
    kw["max_iter"] = 1
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        m = Lasso(tol=1e-12, **kw).fit(X, y)
    assert m.n_iter_ == 1 and m.dual_gap_ > 0


def test_zero_and_constant_columns():
    X, y = _data(15)
    X[:, 4] = 0.0
    X[:, 6] = 3.0
    for sparse in (False, True):
        Xf = sp.csc_matrix(X) if sparse else X
        m = Lasso(alpha=0.02, lower_bounds=-0.3, upper_bounds=0.4, tol=1e-10).fit(Xf, y)
        assert m.coef_[4] == 0.0 and m.coef_[6] == 0.0
        assert np.isfinite(m.dual_gap_)


def test_unpenalised_features():
    X, y = _data(16)
    p = X.shape[1]
    pf = np.ones(p)
    pf[[0, 1, 5]] = 0.0  # two of them correlated
    lower, upper = np.full(p, -np.inf), np.full(p, 0.3)
    upper[5] = 0.1
    alpha = 0.05
    m = Lasso(alpha=alpha, penalty_factor=pf, lower_bounds=lower, upper_bounds=upper,
              tol=1e-12, max_iter=100_000).fit(X, y)
    _, _, f_ref = reference(X, y, alpha, 1.0, lower, upper, pf=pf)
    f = objective(X, y, m.coef_, alpha, pf=pf, lower=lower, upper=upper)
    assert f <= f_ref + 1e-10 * np.var(y)


def test_alpha_large_gives_zero():
    X, y = _data(17)
    m = Lasso(alpha=1e3, lower_bounds=-1, upper_bounds=1).fit(X, y)
    assert not m.coef_.any() and m.intercept_ == pytest.approx(y.mean())


# ---------------------------------------------------------------------------
# paths
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
def test_path_matches_single_fits(sparse):
    X, y = _data(18, sparse_density=0.6 if sparse else None)
    Xf = sp.csc_matrix(X) if sparse else X
    lower, upper = _mixed_bounds(X.shape[1], 18)
    for l1_ratio, fn in ((1.0, lasso_path), (0.6, enet_path)):
        kw = dict(lower_bounds=lower, upper_bounds=upper, tol=1e-12, max_iter=100_000,
                  fit_intercept=True)
        if fn is enet_path:
            kw["l1_ratio"] = l1_ratio
        alphas, coefs, gaps, n_iters = fn(Xf, y, alphas=8, return_n_iter=True, **kw)
        assert coefs.shape == (X.shape[1], 8) and gaps.shape == (8,) and len(n_iters) == 8
        assert np.all(np.diff(alphas) < 0)
        for i, a in enumerate(alphas):
            single = ElasticNet(alpha=a, l1_ratio=l1_ratio, lower_bounds=lower,
                                upper_bounds=upper, tol=1e-12, max_iter=100_000).fit(Xf, y)
            np.testing.assert_allclose(coefs[:, i], single.coef_, atol=1e-6)
            assert np.all(coefs[:, i] >= lower) and np.all(coefs[:, i] <= upper)


def test_path_options():
    X, y = _data(19)
    # user grid (sorted decreasingly), no intercept, coef_init, weights
    sw = np.random.default_rng(2).uniform(0.5, 2, X.shape[0])
    alphas, coefs, _ = lasso_path(X, y, alphas=[0.01, 0.1], lower_bounds=-0.2,
                                  upper_bounds=0.2, sample_weight=sw, tol=1e-12,
                                  coef_init=np.full(X.shape[1], 5.0))
    assert list(alphas) == [0.1, 0.01]
    single = Lasso(alpha=0.01, lower_bounds=-0.2, upper_bounds=0.2, fit_intercept=False,
                   tol=1e-12).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(coefs[:, 1], single.coef_, atol=1e-7)
    # lower = 0: positive's grid
    a0, c0, _ = lasso_path(X, y, alphas=6, lower_bounds=0.0, tol=1e-12)
    a1, c1, _ = lasso_path(X, y, alphas=6, positive=True, tol=1e-12)
    np.testing.assert_allclose(a0, a1, rtol=1e-12)
    np.testing.assert_allclose(c0, c1, atol=1e-7)
    with pytest.raises(ValueError, match="2-D y"):
        lasso_path(X, np.column_stack([y, y]), lower_bounds=-1.0)
    with pytest.warns(ConvergenceWarning):
        lasso_path(X, y, alphas=3, lower_bounds=-1.0, max_iter=1, tol=1e-14)


# ---------------------------------------------------------------------------
# validation and estimator protocol
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("lower, upper, match", [
    (0.5, None, "lower_bounds must be <= 0"),
    (None, -0.1, "upper_bounds must be >= 0"),
    (np.nan, None, "NaN"),
    (None, [1.0, np.nan] + [1.0] * 13, "NaN"),
    ([-1.0, -1.0], None, "one entry per feature"),
    (None, np.ones((15, 1)), "one entry per feature"),
    (0.5, 0.2, "lower_bounds must be <= 0"),  # lower > upper
    ("abc", None, "lower_bounds must be a float"),
    (np.inf, None, "lower_bounds must be <= 0"),
    (None, -np.inf, "upper_bounds must be >= 0"),
])
def test_bad_bounds(lower, upper, match):
    X, y = _data(20)
    with pytest.raises(ValueError, match=match):
        Lasso(lower_bounds=lower, upper_bounds=upper).fit(X, y)
    with pytest.raises(ValueError, match=match):
        lasso_path(X, y, lower_bounds=lower, upper_bounds=upper)


def test_no_mutation_of_inputs():
    X, y = _data(21)
    p = X.shape[1]
    lower, upper = np.full(p, -0.5), np.full(p, 0.5)
    sw = np.ones(X.shape[0])
    coef_init = np.full(p, 3.0)
    saved = [a.copy() for a in (X, y, lower, upper, sw, coef_init)]
    Xs = sp.csc_matrix(X)
    data = Xs.data.copy()
    Lasso(alpha=0.02, lower_bounds=lower, upper_bounds=upper, positive=True).fit(X, y, sample_weight=sw)
    Lasso(alpha=0.02, lower_bounds=lower, upper_bounds=upper).fit(Xs, y, sample_weight=sw)
    lasso_path(X, y, alphas=3, lower_bounds=lower, upper_bounds=upper, coef_init=coef_init,
               sample_weight=sw)
    for a, b in zip((X, y, lower, upper, sw, coef_init), saved):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(Xs.data, data)


def test_clone_and_get_params():
    sklearn_base = pytest.importorskip("sklearn.base")
    lower = np.array([-1.0, 0.0, -np.inf])
    for cls in (Lasso, ElasticNet):
        est = cls(alpha=0.1, lower_bounds=lower, upper_bounds=2.0)
        params = est.get_params()
        assert params["lower_bounds"] is lower and params["upper_bounds"] == 2.0
        twin = sklearn_base.clone(est)
        np.testing.assert_array_equal(twin.lower_bounds, lower)
        assert twin.upper_bounds == 2.0
        assert cls().get_params()["lower_bounds"] is None
        assert cls().get_params()["upper_bounds"] is None
        X, y = _data(22, p=3)
        twin.fit(X, y)
        assert np.all(twin.coef_ >= lower) and np.all(twin.coef_ <= 2.0)


def test_pickle_bounded_model():
    import pickle
    X, y = _data(23)
    m = Lasso(alpha=0.02, lower_bounds=-0.3, upper_bounds=0.3).fit(X, y)
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(m2.predict(X), m.predict(X))
    assert m2.get_params()["lower_bounds"] == -0.3


# ---------------------------------------------------------------------------
# cross-validation
# ---------------------------------------------------------------------------

def test_lasso_cv_with_bounds_matches_fold_fits():
    from shrinkage import LassoCV
    X, y = _data(24, n=80, p=10)
    lo, up = -0.6, 0.8
    cv = LassoCV(cv=4, alphas=12, lower_bounds=lo, upper_bounds=up, tol=1e-12,
                 max_iter=100_000).fit(X, y)
    assert cv.mse_path_.shape == (12, 4) and cv.alphas_.shape == (12,)
    n = X.shape[0]
    bounds = np.cumsum([0] + [n // 4] * 4)
    for k in range(4):
        test = np.arange(bounds[k], bounds[k + 1])
        train = np.setdiff1d(np.arange(n), test)
        for i in (0, 5, 11):
            m = Lasso(alpha=cv.alphas_[i], lower_bounds=lo, upper_bounds=up, tol=1e-12,
                      max_iter=100_000).fit(X[train], y[train])
            mse = np.mean((m.predict(X[test]) - y[test]) ** 2)
            assert cv.mse_path_[i, k] == pytest.approx(mse, rel=1e-6)
    refit = Lasso(alpha=cv.alpha_, lower_bounds=lo, upper_bounds=up, tol=1e-12,
                  max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(cv.coef_, refit.coef_, atol=1e-9)
    assert np.all(cv.coef_ >= lo) and np.all(cv.coef_ <= up)
    assert cv.alpha_ == cv.alphas_[np.argmin(cv.mse_path_.mean(axis=1))]
    assert cv.alpha_1se_ >= cv.alpha_


def test_elastic_net_cv_with_bounds_options():
    from shrinkage import ElasticNetCV, LassoCV
    X, y = _data(25, n=90, p=12, sparse_density=0.5)
    sw = np.random.default_rng(3).uniform(0.5, 2.0, X.shape[0])
    kw = dict(l1_ratio=[0.5, 1.0], cv=3, alphas=10, lower_bounds=0.0, upper_bounds=1.0,
              tol=1e-10)
    dense = ElasticNetCV(**kw).fit(X, y, sample_weight=sw)
    sparse = ElasticNetCV(n_jobs=2, **kw).fit(sp.csr_matrix(X), y, sample_weight=sw)
    assert dense.l1_ratio_ == sparse.l1_ratio_ and dense.alpha_ == sparse.alpha_
    np.testing.assert_allclose(sparse.mse_path_, dense.mse_path_, rtol=1e-8)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
    assert dense.alphas_.shape == (2, 10) and dense.mse_path_.shape == (2, 10, 3)
    assert np.all(dense.coef_ >= 0.0) and np.all(dense.coef_ <= 1.0)
    # all-infinite bounds: the unbounded CV, bit for bit
    plain = LassoCV(cv=3, alphas=10).fit(X, y)
    inf = LassoCV(cv=3, alphas=10, lower_bounds=-np.inf, upper_bounds=np.inf).fit(X, y)
    assert _fitted_state(inf) == _fitted_state(plain)
    assert inf.mse_path_.tobytes() == plain.mse_path_.tobytes()
    with pytest.raises(ValueError, match="lower_bounds must be <= 0"):
        LassoCV(lower_bounds=1.0).fit(X, y)


# ---------------------------------------------------------------------------
# extreme scales (exact invariances: X -> a X, y -> b y, w -> (b / a) w)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [(2.0 ** -530, 1.0), (2.0 ** 510, 2.0 ** 300),
                                  (1.0, 2.0 ** 300), (2.0 ** 400, 2.0 ** -300),
                                  (2.0 ** -500, 2.0 ** -400)])
@pytest.mark.parametrize("sparse", [False, True])
def test_extreme_scales(a, b, sparse):
    """X -> a X, y -> b y, alpha -> a b alpha, bounds -> (b / a) bounds maps
    the solution to (b / a) w exactly; the data are rescaled internally
    (powers of two) where their squares would leave float64's range."""
    X, y = _data(26, n=40, p=6)
    lower, upper = np.full(6, -0.4), np.full(6, 0.6)
    upper[0] = np.inf
    ref = Lasso(alpha=0.02, lower_bounds=lower, upper_bounds=upper, tol=1e-12).fit(X, y)
    Xs = X * a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Lasso(alpha=0.02 * a * b, lower_bounds=lower * (b / a),
                    upper_bounds=upper * (b / a), tol=1e-12).fit(
            sp.csc_matrix(Xs) if sparse else Xs, y * b)
    np.testing.assert_allclose(est.coef_ * (a / b), ref.coef_, rtol=1e-8, atol=1e-12)
    assert np.isfinite(est.dual_gap_)
    assert np.all(est.coef_ <= upper * (b / a)) and np.all(est.coef_ >= lower * (b / a))
    path = lasso_path(sp.csc_matrix(Xs) if sparse else Xs, y * b, alphas=[0.02 * a * b],
                      lower_bounds=lower * (b / a), upper_bounds=upper * (b / a),
                      tol=1e-12, fit_intercept=True)[1][:, 0]
    np.testing.assert_allclose(path * (a / b), ref.coef_, rtol=1e-8, atol=1e-12)


# ---------------------------------------------------------------------------
# fits from sufficient statistics (partial_fit, dask): the estimators' own fit
# ---------------------------------------------------------------------------

def test_partial_fit_with_bounds():
    X, y = _data(27, n=90, p=8)
    kw = dict(alpha=0.02, lower_bounds=-0.3, upper_bounds=0.5, tol=1e-12, max_iter=100_000)
    est = Lasso(**kw)
    for rows in np.array_split(np.arange(X.shape[0]), 3):
        est.partial_fit(X[rows], y[rows])
    full = Lasso(**kw).fit(X, y)
    np.testing.assert_allclose(est.coef_, full.coef_, atol=1e-8)
    assert est.intercept_ == pytest.approx(full.intercept_, abs=1e-8)
    assert est.get_params()["lower_bounds"] == -0.3  # restored after the refit


def test_dask_input_with_bounds():
    da = pytest.importorskip("dask.array")
    X, y = _data(28, n=90, p=8)
    kw = dict(alpha=0.02, lower_bounds=0.0, upper_bounds=0.5, tol=1e-12, max_iter=100_000)
    est = Lasso(**kw).fit(da.from_array(X, chunks=(30, -1)), da.from_array(y, chunks=30))
    full = Lasso(**kw).fit(X, y)
    np.testing.assert_allclose(est.coef_, full.coef_, atol=1e-8)


def test_huge_alpha_keeps_unpenalised_features_free():
    """alpha * n overflows to inf: penalised coefficients are 0, the
    unpenalised one is still fitted (no inf * 0 in the kernel)."""
    X, y = _data(29, n=50, p=4)
    pf = np.array([0.0, 1.0, 1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = ElasticNet(alpha=1e307, l1_ratio=0.5, lower_bounds=-10.0, penalty_factor=pf).fit(X, y)
    ref = ElasticNet(alpha=1e3, l1_ratio=0.5, lower_bounds=-10.0, penalty_factor=pf,
                     tol=1e-12).fit(X, y)
    assert not m.coef_[1:].any() and not ref.coef_[1:].any()
    assert m.coef_[0] == pytest.approx(ref.coef_[0], rel=1e-6)
    assert np.isfinite(m.dual_gap_)


def test_nearly_collinear_unpenalised_features_converge():
    """Two unpenalised, unbounded, nearly collinear columns: the
    least-squares step on them (from the gap's projection) reaches the
    solution in a few rounds, where coordinate descent alone crawls."""
    rng = np.random.default_rng(30)
    n, p = 48, 8
    X = rng.standard_normal((n, p))
    X[:, 1] = 2.0 * X[:, 0] + 1e-3 * rng.standard_normal(n)
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    pf = np.array([0.0, 0.0, 1.0, 2.0, 0.5, 1.0, 1.0, 2.0])
    lower = np.array([-np.inf, -np.inf, -1.0, 0.0, -0.5, -2.0, -0.5, 0.0])
    upper = np.array([np.inf, np.inf, 0.3, np.inf, 1.5, 0.3, 0.3, 1.5])
    for l1_ratio in (1.0, 0.0):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)  # certified
            m = ElasticNet(alpha=0.5, l1_ratio=l1_ratio, penalty_factor=pf, lower_bounds=lower,
                           upper_bounds=upper, fit_intercept=False, tol=1e-12,
                           max_iter=2000).fit(X, y)
        assert m.n_iter_ < 300
        # (FISTA needs very many steps here: a loose reference, an upper bound on P*)
        _, _, f_ref = reference(X, y, 0.5, l1_ratio, lower, upper, pf=pf,
                                fit_intercept=False, max_iter=20_000)
        f = objective(X, y, m.coef_, 0.5, l1_ratio, pf=pf, fit_intercept=False,
                      lower=lower, upper=upper)
        assert f <= f_ref + 1e-10 * np.var(y)
        assert abs(m.coef_[0]) > 3  # the collinear pair's large, opposite solution


# ---------------------------------------------------------------------------
# covariance (Gram) updates under bounds
# ---------------------------------------------------------------------------

def _gram_case_data(seed, sparse):
    X, y = _data(seed, n=70, p=12, sparse_density=0.6 if sparse else None)
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("pf_kind", [None, "zeros"])
def test_gram_mode_matches_naive(sparse, weighted, fit_intercept, l1_ratio, pf_kind):
    """precompute=True (covariance updates) and False (residual updates)
    reach the same objective at a tight tol, both the FISTA reference's."""
    X, y = _gram_case_data(30, sparse)
    n, p = X.shape
    lower, upper = _mixed_bounds(p, 30)
    pf = None
    if pf_kind == "zeros":
        pf = np.random.default_rng(3).uniform(0.5, 2.0, p)
        pf[[0, 1, 5]] = 0.0
        lower[[0, 1]], upper[[0, 1]] = -np.inf, np.inf  # free, towards infinite bounds
    sw = np.random.default_rng(4).uniform(0.5, 2.0, n) if weighted else None
    alpha = 0.03
    Xf = sp.csc_matrix(X) if sparse else X
    fits = {}
    for precompute in (False, True):
        fits[precompute] = ElasticNet(
            alpha=alpha, l1_ratio=l1_ratio, lower_bounds=lower, upper_bounds=upper,
            penalty_factor=pf, fit_intercept=fit_intercept, tol=1e-14, max_iter=200_000,
            precompute=precompute).fit(Xf, y, sample_weight=sw)
    f = {k: objective(X, y, m.coef_, alpha, l1_ratio, sw=sw, pf=pf,
                      fit_intercept=fit_intercept, lower=lower, upper=upper)
         for k, m in fits.items()}
    assert f[True] == pytest.approx(f[False], rel=1e-10)
    _, _, f_ref = reference(X, y, alpha, l1_ratio, lower, upper, sw=sw, pf=pf,
                            fit_intercept=fit_intercept)
    assert f[True] <= f_ref * (1 + 1e-9)
    assert f[False] <= f_ref * (1 + 1e-9)
    if l1_ratio < 1.0:  # strongly convex: the coefficients agree too
        np.testing.assert_allclose(fits[True].coef_, fits[False].coef_, atol=1e-6)
        assert fits[True].intercept_ == pytest.approx(fits[False].intercept_, abs=1e-6)
    for m in fits.values():
        assert np.all(m.coef_ >= lower) and np.all(m.coef_ <= upper)


@pytest.mark.parametrize("sparse", [False, True])
def test_gram_mode_certificate_l2_zero_infinite_bounds(sparse):
    """The Gram mode's gap bounds the true suboptimality for a Lasso with
    infinite bounds on some coordinates, unpenalised features among them,
    at small max_iter."""
    rng = np.random.default_rng(11)
    n, p = 80, 10
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(n)
    X[:, 4] += 2.0
    if sparse:
        X *= rng.random((n, p)) < 0.7
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    pf = np.ones(p)
    pf[[0, 1]] = 0.0
    lower = np.array([-np.inf, -np.inf, -0.2, -np.inf, 0.0, -0.5, -np.inf, -0.1, 0.0, -1.0])
    upper = np.array([np.inf, 0.5, 0.3, np.inf, np.inf, 0.5, 0.2, np.inf, 0.4, np.inf])
    alpha = 0.04
    _, _, f_ref = reference(X, y, alpha, 1.0, lower, upper, pf=pf, max_iter=500_000)
    tight = Lasso(alpha=alpha, penalty_factor=pf, lower_bounds=lower, upper_bounds=upper,
                  tol=1e-15, max_iter=50_000, precompute=True).fit(X, y)
    f_star = min(f_ref, objective(X, y, tight.coef_, alpha, pf=pf, lower=lower, upper=upper))
    Xf = sp.csc_matrix(X) if sparse else X
    checked = 0
    for tol in (1e-1, 1e-3, 1e-6, 1e-10):
        for max_iter in (1, 2, 3, 5, 1000):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                m = Lasso(alpha=alpha, penalty_factor=pf, lower_bounds=lower,
                          upper_bounds=upper, tol=tol, max_iter=max_iter,
                          precompute=True).fit(Xf, y)
            sub = objective(X, y, m.coef_, alpha, pf=pf, lower=lower, upper=upper) - f_star
            assert m.dual_gap_ >= sub - 1e-13 * np.mean(y * y), (tol, max_iter, m.dual_gap_, sub)
            checked += sub > 1e-9
    assert checked > 0


def _count_kernel_calls(monkeypatch):
    from shrinkage._enet import box as box_module
    calls = {"gram": 0, "naive": 0}

    def wrap(module, name, key):
        inner = getattr(module, name)

        def counted(*args, **kwargs):
            calls[key] += 1
            return inner(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    wrap(box_module._box, "enet_box_gram", "gram")
    wrap(box_module._box, "enet_box", "naive")
    wrap(box_module._box, "enet_box_csc", "naive")
    return calls


@pytest.mark.parametrize("sparse", [False, True])
def test_gram_mode_policy(sparse, monkeypatch):
    """Tall designs take covariance updates by the unbounded fits' rule
    (choose_method): always for a path, for single fits with few features
    or precompute=True; precompute=False keeps residual updates."""
    from shrinkage._enet import box_design, box_mode
    rng = np.random.default_rng(12)
    n, p = 400, 60
    X = rng.standard_normal((n, p))
    if sparse:
        X *= rng.random((n, p)) < 0.5
    y = X[:, :5] @ np.ones(5) + rng.standard_normal(n)
    Xf = sp.csc_matrix(X) if sparse else X
    assert box_mode(box_design(Xf, None, True, "auto", n_solves=100)) == "gram"
    assert box_mode(box_design(Xf, None, True, "auto", n_solves=1)) == "naive"  # p > 40
    assert box_mode(box_design(Xf, None, True, True)) == "gram"
    assert box_mode(box_design(Xf, None, True, False, n_solves=100)) == "naive"
    assert box_mode(box_design(X[:40], None, True, "auto", n_solves=100)) == "naive"  # wide
    calls = _count_kernel_calls(monkeypatch)
    kw = dict(lower_bounds=-0.5, upper_bounds=0.8, tol=1e-10, max_iter=10_000)
    _, auto, _ = lasso_path(Xf, y, alphas=10, **kw)
    assert calls == {"gram": 10, "naive": 0}
    _, naive, _ = lasso_path(Xf, y, alphas=10, precompute=False, **kw)
    assert calls == {"gram": 10, "naive": 10}
    np.testing.assert_allclose(auto, naive, atol=1e-6)
    Lasso(alpha=0.05, precompute=True, **kw).fit(Xf, y)
    assert calls["gram"] == 11
    Lasso(alpha=0.05, **kw).fit(Xf, y)  # one solve, p > 40: naive
    assert calls["naive"] == 11


def test_gram_mode_cv_matches_naive(monkeypatch):
    """LassoCV with bounds on a tall design: the folds' paths take
    covariance updates and give the naive folds' errors."""
    from shrinkage import LassoCV
    X, y = _data(26, n=120, p=10)
    kw = dict(cv=3, alphas=8, lower_bounds=-0.6, upper_bounds=0.8, tol=1e-13,
              max_iter=100_000)
    calls = _count_kernel_calls(monkeypatch)
    a = LassoCV(**kw).fit(X, y)
    assert calls["gram"] == 3 * 8 + 1 and calls["naive"] == 0  # folds and refit
    b = LassoCV(precompute=False, **kw).fit(X, y)
    assert calls["naive"] == 3 * 8 + 1
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-8)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)


@pytest.mark.parametrize("a, b", [(2.0 ** -530, 1.0), (2.0 ** 510, 2.0 ** 300)])
def test_gram_mode_extreme_scales(a, b):
    """The Gram mode on X * a, y * b: the solution of the well-scaled
    problem, mapped (the design rescaled by a power of two first)."""
    X, y = _data(27, n=60, p=8)
    kw = dict(lower_bounds=-0.4, upper_bounds=0.5, tol=1e-12, max_iter=100_000,
              precompute=True)
    ref = Lasso(alpha=0.03, **kw).fit(X, y)
    kw["lower_bounds"], kw["upper_bounds"] = -0.4 * b / a, 0.5 * b / a
    m = Lasso(alpha=0.03 * a * b, **kw).fit(X * a, y * b)
    np.testing.assert_allclose(m.coef_ * a / b, ref.coef_, rtol=1e-7, atol=1e-9)
