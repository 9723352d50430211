"""Paths and cross-validation on scipy.sparse input: equal to dense, to
scikit-learn's sparse results, in every sparse container."""

import numpy as np
import pytest
import scipy.sparse as sp

sk = pytest.importorskip("sklearn.linear_model")

from shrinkage import ElasticNetCV, LassoCV, enet_path, lasso_path  # noqa: E402

TIGHT = dict(tol=1e-12, max_iter=100_000)


def sparse_problem(n=150, p=250, density=0.05, seed=0):
    rng = np.random.default_rng(seed)
    # Positive values: uncentred columns, so implicit centring matters.
    X = sp.random(n, p, density=density, format="csc", random_state=seed,
                  data_rvs=lambda k: rng.uniform(0.5, 4.0, k))
    coef = np.zeros(p)
    coef[:6] = rng.uniform(1, 3, 6) * rng.choice([-1, 1], 6)
    y = X @ coef + 0.5 * rng.standard_normal(n) + 2.0
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_sparse_path_equals_dense(fit_intercept, weighted, positive, l1_ratio):
    X, y = sparse_problem(seed=1)
    rng = np.random.default_rng(2)
    sw = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    # Factors away from 0: the dual norm divides correlations by f_j, so a
    # factor of 1e-3 turns rounding in c_j into a gap floor above tol=1e-12.
    pf = rng.uniform(0.25, 2.0, X.shape[1])
    pf[:2] = 0.0
    kw = dict(l1_ratio=l1_ratio, alphas=25, fit_intercept=fit_intercept,
              sample_weight=sw, penalty_factor=pf, positive=positive, **TIGHT)
    a_s, c_s, g_s = enet_path(X, y, **kw)
    a_d, c_d, g_d = enet_path(X.toarray(), y, **kw)
    np.testing.assert_allclose(a_s, a_d, rtol=1e-12)
    bound = 1e-12 * np.average((y - (np.average(y, weights=sw) if fit_intercept else 0)) ** 2,
                               weights=sw)
    assert np.all(g_s <= bound * 1.0001)
    assert np.all(g_d <= bound * 1.0001)
    _assert_equal_within_certificates(X.toarray(), y, sw, fit_intercept, pf, l1_ratio,
                                      a_s, c_s, g_s, c_d, g_d)


def _assert_equal_within_certificates(X, y, sw, fit_intercept, pf, l1_ratio,
                                      alphas, c1, g1, c2, g2):
    """Two solutions of each problem of a path agree as far as their duality
    gaps prove: objectives within the sum of the gaps, and coefficients
    within sqrt(2 g / mu) of the optimum each, mu the strong-convexity
    modulus of the objective on the union of their supports (so a
    coefficient is pinned to about 1e-6 by a gap of 1e-13 where the
    objective is flat, e.g. an unpenalized feature of a sparse column)."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    Xc = X - (s @ X / n if fit_intercept else 0.0)
    yc = y - (s @ y / n if fit_intercept else 0.0)
    for k, alpha in enumerate(alphas):
        l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)

        def objective(w):
            r = yc - Xc @ w
            return (s @ (r * r) / (2 * n) + l1 * pf @ np.abs(w)
                    + 0.5 * l2 * pf @ (w * w))

        P1, P2 = objective(c1[:, k]), objective(c2[:, k])
        assert abs(P1 - P2) <= g1[k] + g2[k] + 1e-13 * abs(P1)
        S = np.flatnonzero((c1[:, k] != 0) | (c2[:, k] != 0))
        if S.size == 0:
            continue
        H = (Xc[:, S].T * s) @ Xc[:, S] / n + l2 * np.diag(pf[S])
        mu = np.linalg.eigvalsh(H)[0]
        assert mu > 0
        limit = np.sqrt(2 * g1[k] / mu) + np.sqrt(2 * g2[k] / mu) + 1e-10
        assert np.max(np.abs(c1[:, k] - c2[:, k])) <= limit, (k, limit)


def test_sparse_path_equals_sklearn_sparse():
    X, y = sparse_problem(seed=3)
    a, c, _ = lasso_path(X, y, alphas=30, **TIGHT)
    a_sk, c_sk, _ = sk.lasso_path(X, y, alphas=30, **TIGHT)
    np.testing.assert_allclose(a, a_sk, rtol=1e-12)
    np.testing.assert_allclose(c, c_sk, rtol=0, atol=1e-8)


@pytest.mark.parametrize("convert", [sp.csr_matrix, sp.coo_matrix, sp.csc_array,
                                     sp.csr_array])
def test_path_containers(convert):
    X, y = sparse_problem(seed=4)
    a, c, _ = lasso_path(X, y, alphas=10, **TIGHT)
    a2, c2, _ = lasso_path(convert(X), y, alphas=10, **TIGHT)
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_allclose(c, c2, rtol=0, atol=1e-12)


def test_sparse_path_with_gram_equals_naive():
    # precompute=True: covariance updates from the sparse X's centred Gram
    X, y = sparse_problem(n=300, p=40, seed=5)
    kw = dict(alphas=8, tol=1e-13, max_iter=100_000, fit_intercept=True)
    a, gram, _ = lasso_path(X, y, precompute=True, **kw)
    a2, naive, _ = lasso_path(X, y, precompute=False, **kw)
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_allclose(gram, naive, rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="cannot be given with sparse X"):
        lasso_path(X, y, precompute=np.eye(40))


@pytest.mark.parametrize("Estimator", [LassoCV, ElasticNetCV])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_cv_equals_dense_and_sklearn(Estimator, weighted):
    X, y = sparse_problem(n=200, p=300, seed=6)
    sw = np.random.default_rng(6).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    kw = dict(cv=4, tol=1e-10, max_iter=100_000)
    ours = Estimator(**kw).fit(X.tocsr(), y, sample_weight=sw)
    dense = Estimator(**kw).fit(X.toarray(), y, sample_weight=sw)
    ref = getattr(sk, Estimator.__name__)(**kw).fit(X, y, sample_weight=sw)
    for other in (dense, ref):
        np.testing.assert_allclose(ours.alphas_, other.alphas_, rtol=1e-12)
        np.testing.assert_allclose(ours.mse_path_, other.mse_path_, rtol=1e-6)
        assert ours.alpha_ == pytest.approx(other.alpha_, rel=1e-12)
        np.testing.assert_allclose(ours.coef_, other.coef_, atol=1e-7)
        assert ours.intercept_ == pytest.approx(other.intercept_, abs=1e-7)


def test_sparse_cv_threads_equal_serial():
    X, y = sparse_problem(n=200, p=300, seed=7)
    a = LassoCV(cv=4, n_jobs=1).fit(X, y)
    b = LassoCV(cv=4, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_sparse_cv_with_gram_equals_naive():
    X, y = sparse_problem(n=300, p=40, seed=8)
    kw = dict(cv=3, alphas=6, tol=1e-12, max_iter=100_000)
    gram = LassoCV(precompute=True, **kw).fit(X, y)
    naive = LassoCV(precompute=False, **kw).fit(X, y)
    np.testing.assert_allclose(gram.mse_path_, naive.mse_path_, rtol=1e-8)
    assert gram.alpha_ == naive.alpha_
    np.testing.assert_allclose(gram.coef_, naive.coef_, atol=1e-8)
