"""Lasso / ElasticNet on scipy.sparse input: equal to dense, to scikit-learn."""

import numpy as np
import pytest
import scipy.sparse as sp

sklearn_lm = pytest.importorskip("sklearn.linear_model")

from shrinkage import ElasticNet, Lasso  # noqa: E402

TIGHT = dict(tol=1e-13, max_iter=200_000)


def sparse_problem(n=200, p=300, density=0.05, seed=0, offset_cols=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed,
                  data_rvs=lambda k: rng.uniform(0.5, 4.0, k))
    coef = np.zeros(p)
    coef[:8] = rng.uniform(1, 3, 8) * rng.choice([-1, 1], 8)
    y = X @ coef + 0.5 * rng.standard_normal(n) + 3.0
    return X.tocsc(), y


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_sparse_equals_dense(fit_intercept, weighted, positive, l1_ratio):
    X, y = sparse_problem(seed=1)
    sw = np.random.default_rng(1).uniform(0.2, 3.0, len(y)) if weighted else None
    pf = np.random.default_rng(2).uniform(0.0, 2.0, X.shape[1])
    pf[:3] = 0.0
    kw = dict(alpha=0.02, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
              positive=positive, penalty_factor=pf, **TIGHT)
    s = ElasticNet(**kw).fit(X, y, sample_weight=sw)
    d = ElasticNet(**kw).fit(X.toarray(), y, sample_weight=sw)
    np.testing.assert_allclose(s.coef_, d.coef_, atol=1e-9)
    np.testing.assert_allclose(s.intercept_, d.intercept_, atol=1e-9)
    # Both certify the same tolerance; their iterates may differ (the dense
    # solver extrapolates its passes, the sparse one only when they are long).
    ys = y - (np.average(y, weights=sw) if fit_intercept else 0.0)
    bound = TIGHT["tol"] * np.average(ys * ys, weights=sw)
    assert 0.0 <= s.dual_gap_ <= bound and 0.0 <= d.dual_gap_ <= bound


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_equals_sklearn_sparse(fit_intercept):
    X, y = sparse_problem(n=150, p=400, seed=3)
    sw = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    ours = Lasso(alpha=0.01, fit_intercept=fit_intercept, **TIGHT).fit(X, y, sample_weight=sw)
    ref = sklearn_lm.Lasso(alpha=0.01, fit_intercept=fit_intercept, tol=1e-14,
                           max_iter=500_000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-8)


@pytest.mark.parametrize("convert", [
    sp.csr_matrix, sp.coo_matrix, sp.csc_array, sp.csr_array,
    lambda X: X.astype(np.float32),
])
def test_formats_and_dtypes(convert):
    X, y = sparse_problem(seed=4)
    ref = Lasso(alpha=0.02, **TIGHT).fit(X, y)
    Xc = convert(X)
    m = Lasso(alpha=0.02, **TIGHT).fit(Xc, y)
    atol = 1e-5 if Xc.dtype == np.float32 else 1e-10
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(m.predict(Xc), ref.predict(X), atol=atol * 10)


def test_int64_and_int32_indices_unsorted_explicit_zeros_and_duplicates():
    X, y = sparse_problem(n=80, p=60, density=0.1, seed=5)
    ref = Lasso(alpha=0.02, **TIGHT).fit(X.toarray(), y)

    X64 = X.copy()
    X64.indices = X64.indices.astype(np.int64)
    X64.indptr = X64.indptr.astype(np.int64)
    np.testing.assert_allclose(Lasso(alpha=0.02, **TIGHT).fit(X64, y).coef_, ref.coef_, atol=1e-10)

    # Reverse the row order inside each column (unsorted indices), add an
    # explicit zero per column and split one entry into two duplicates.
    data, indices, indptr = [], [], [0]
    for j in range(X.shape[1]):
        lo, hi = X.indptr[j], X.indptr[j + 1]
        col_rows = list(X.indices[lo:hi][::-1])
        col_vals = list(X.data[lo:hi][::-1])
        if col_vals:
            col_rows.append(col_rows[0])
            half = col_vals[0] / 2
            col_vals[0] = half
            col_vals.append(half)
        zero_row = next(i for i in range(X.shape[0]) if i not in col_rows)
        col_rows.append(zero_row)
        col_vals.append(0.0)
        rows_arr = np.array(col_rows, dtype=np.int32)
        data.extend(col_vals)
        indices.extend(rows_arr)
        indptr.append(len(data))
    messy = sp.csc_matrix((np.array(data), np.array(indices, dtype=np.int32),
                           np.array(indptr, dtype=np.int32)), shape=X.shape)
    assert not messy.has_canonical_format
    before = messy.copy()
    m = Lasso(alpha=0.02, **TIGHT).fit(messy, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-10)
    # The caller's matrix keeps its duplicates and order.
    np.testing.assert_array_equal(messy.data, before.data)
    np.testing.assert_array_equal(messy.indices, before.indices)


def test_sparse_input_not_modified_and_sparse_coef():
    X, y = sparse_problem(seed=6)
    data, indices, indptr = X.data.copy(), X.indices.copy(), X.indptr.copy()
    m = ElasticNet(alpha=0.05).fit(X, y)
    np.testing.assert_array_equal(X.data, data)
    np.testing.assert_array_equal(X.indices, indices)
    np.testing.assert_array_equal(X.indptr, indptr)
    assert sp.issparse(m.sparse_coef_)
    np.testing.assert_array_equal(m.sparse_coef_.toarray().ravel(), m.coef_)


def test_gram_array_with_sparse_raises_clearly():
    # precompute=True computes the sparse X's Gram (test_dropin.py); a
    # user's matrix is refused, with the way out in the message
    X, y = sparse_problem(seed=7)
    with pytest.raises(ValueError, match="cannot be given with sparse X.*precompute=True"):
        Lasso(alpha=0.1, precompute=np.eye(X.shape[1])).fit(X, y)
    Lasso(alpha=0.1, precompute="auto").fit(X, y)


def test_kkt_on_sparse_solution():
    X, y = sparse_problem(n=120, p=250, seed=8)
    alpha = 0.01
    m = Lasso(alpha=alpha, **TIGHT).fit(X, y)
    Xd = X.toarray()
    Xc = Xd - Xd.mean(axis=0)
    grad = Xc.T @ (y - y.mean() - Xc @ m.coef_) / len(y)
    nz = m.coef_ != 0
    np.testing.assert_allclose(grad[nz], alpha * np.sign(m.coef_[nz]), atol=1e-8)
    assert np.all(np.abs(grad[~nz]) <= alpha + 1e-8)
