"""LinearRegression against scikit-learn, closed forms and invariants.

Tolerances: 1e-9 relative against scikit-learn on well-conditioned problems
(coefficients, intercepts), 1e-7 for singular values obtained from the Gram
route (documented accuracy ~1e-8 for the smallest).
"""

import numpy as np
import pytest
import scipy.sparse as sp
# scikit-learn is the reference here: without it (musllinux wheel tests) the module skips.
sk = pytest.importorskip("sklearn.linear_model")

from shrinkage import LinearRegression, NotFittedError

from _helpers import rel_err

RTOL = 1e-9
SHAPES = [(300, 12), (40, 250), (60, 60)]


def make_data(n, p, n_targets=None, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    Y = (X - offset) @ rng.standard_normal((p, n_targets or 1)) + rng.standard_normal(
        (n, n_targets or 1)) + 1.0
    y = Y[:, 0] if n_targets is None else Y
    return X, y, rng.uniform(0.2, 3.0, n)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("n_targets", [None, 1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_sklearn(shape, n_targets, fit_intercept, weighted):
    X, y, sw = make_data(*shape, n_targets=n_targets, offset=1.0)
    sw = sw if weighted else None
    ours = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    if fit_intercept:
        assert rel_err(ours.intercept_, ref.intercept_) < RTOL
    else:
        assert ours.intercept_ == 0.0
    assert ours.rank_ == ref.rank_
    assert ours.singular_.shape == ref.singular_.shape
    # the centring direction's singular value is ~1e-14 in lstsq, 0 here
    assert np.abs(ours.singular_ - ref.singular_).max() < 1e-7 * ref.singular_[0]


@pytest.mark.parametrize("shape", [(15, 80), (30, 31)], ids=str)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_minimum_norm_when_p_exceeds_n(shape, fit_intercept):
    X, y, sw = make_data(*shape)
    model = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    # interpolates ...
    np.testing.assert_allclose(model.predict(X), y, atol=1e-9 * np.abs(y).max())
    # ... with the smallest coefficients: w lies in the row space of the
    # (centred, weighted) design
    s = np.sqrt(sw)
    Xc = X - (sw @ X / sw.sum() if fit_intercept else 0.0)
    w_ref = np.linalg.pinv(s[:, None] * Xc) @ (s * (y - (sw @ y / sw.sum() if fit_intercept else 0.0)))
    assert rel_err(model.coef_, w_ref) < 1e-8


def test_rank_deficient_uses_lstsq_and_reports_rank():
    X, y, sw = make_data(80, 6)
    X = np.hstack([X, X[:, :2]])            # two duplicated columns
    ours = LinearRegression().fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression().fit(X, y, sample_weight=sw)
    assert ours.rank_ == ref.rank_ == 6
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    assert rel_err(ours.singular_, ref.singular_) < RTOL


def test_ill_conditioned_uses_lstsq():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 5))
    X[:, 4] = X[:, 3] + 1e-7 * rng.standard_normal(200)   # cond ~ 1e7
    y = X @ np.ones(5) + 0.1 * rng.standard_normal(200)
    ours = LinearRegression().fit(X, y)
    ref = sk.LinearRegression().fit(X, y)
    assert ours.rank_ == ref.rank_
    assert rel_err(ours.coef_, ref.coef_) < 1e-8


def test_large_offsets():
    X, y, sw = make_data(500, 10)
    Xo = X + 1e4
    Z = Xo - 1e4                    # exact
    a = LinearRegression().fit(Xo, y, sample_weight=sw)
    b = LinearRegression().fit(Z, y, sample_weight=sw)
    assert rel_err(a.coef_, b.coef_) < 1e-11


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_integer_weights_equal_repeated_rows(shape):
    X, y, _ = make_data(*shape, n_targets=2)
    k = np.random.default_rng(2).integers(0, 3, X.shape[0])
    k[:3] = 1
    a = LinearRegression().fit(X, y, sample_weight=k.astype(float))
    b = LinearRegression().fit(np.repeat(X, k, axis=0), np.repeat(y, k, axis=0))
    if X.shape[0] >= X.shape[1]:
        assert rel_err(a.coef_, b.coef_) < 1e-9
    np.testing.assert_allclose(a.predict(X), b.predict(X), atol=1e-8 * np.abs(y).max())


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("shape", [(200, 10), (20, 60)], ids=str)
def test_sparse(fmt, shape):
    rng = np.random.default_rng(3)
    n, p = shape
    Xs = sp.random(n, p, density=0.4, format=fmt, random_state=rng)
    y = rng.standard_normal(n)
    sw = rng.uniform(0.5, 2.0, n)
    a = LinearRegression().fit(Xs, y, sample_weight=sw)
    b = LinearRegression().fit(Xs.toarray(), y, sample_weight=sw)
    assert rel_err(a.coef_, b.coef_) < 1e-8
    assert rel_err(a.intercept_, b.intercept_) < 1e-8
    assert not hasattr(a, "singular_")


@pytest.mark.parametrize("shape", [(100, 6), (20, 30)], ids=str)
def test_positive(shape):
    X, y, sw = make_data(*shape)
    ours = LinearRegression(positive=True).fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression(positive=True).fit(X, y, sample_weight=sw)
    assert np.all(ours.coef_ >= 0)
    # same objective value (the NNLS solution is unique when n > p)

    def objective(m):
        r = y - m.predict(X)
        return sw @ (r * r)

    assert objective(ours) <= objective(ref) * (1 + 1e-9) + 1e-12
    if shape[0] > shape[1]:
        assert rel_err(ours.coef_, ref.coef_) < 1e-7


def test_inputs_not_modified():
    X, y, sw = make_data(50, 5, n_targets=2, offset=3.0)
    copies = [X.copy(), y.copy(), sw.copy()]
    for arr in (X, y, sw):
        arr.setflags(write=False)
    LinearRegression().fit(X, y, sample_weight=sw)
    LinearRegression().fit(X[:4], y[:4], sample_weight=sw[:4])
    LinearRegression(positive=True).fit(X, y, sample_weight=sw)
    for orig, arr in zip(copies, (X, y, sw)):
        np.testing.assert_array_equal(orig, arr)


def test_validation():
    X, y, _ = make_data(20, 3)
    with pytest.raises(ValueError, match="tol"):
        LinearRegression(tol=-1).fit(X, y)
    with pytest.raises(TypeError, match="positive"):
        LinearRegression(positive="no").fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        LinearRegression().fit(X, np.full(20, np.nan))
    with pytest.raises(NotFittedError):
        LinearRegression().predict(X)
