"""Relaxed Lasso: the refit is least squares on the Lasso's support, gamma
mixes linearly, CV over (alpha, gamma) is consistent with manual scoring."""

import numpy as np
import pytest

import shrinkage
from shrinkage import Lasso, LassoCV, RelaxedLasso, RelaxedLassoCV

TIGHT = dict(tol=1e-10, max_iter=100000)


def _data(n=120, p=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.0
    y = X[:, :3] @ [3.0, -2.0, 1.5] + 0.5 * rng.standard_normal(n) + 2.0
    return X, y


@pytest.mark.parametrize("weighted", [False, True])
def test_relaxed_is_least_squares_on_support(weighted):
    X, y = _data()
    sw = np.random.default_rng(1).uniform(0.2, 2.0, len(y)) if weighted else None
    m = RelaxedLasso(alpha=0.2, gamma=0.0, **TIGHT).fit(X, y, sample_weight=sw)
    lasso = Lasso(alpha=0.2, **TIGHT).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(m.lasso_coef_, lasso.coef_, atol=1e-12)
    S = np.flatnonzero(lasso.coef_)
    np.testing.assert_array_equal(m.support_, S)
    A = np.column_stack([np.ones(len(y)), X[:, S]])
    s = np.ones(len(y)) if sw is None else sw
    beta = np.linalg.lstsq(A * np.sqrt(s)[:, None], y * np.sqrt(s), rcond=None)[0]
    np.testing.assert_allclose(m.coef_[S], beta[1:], rtol=1e-9)
    assert m.intercept_ == pytest.approx(beta[0], rel=1e-9)
    assert np.all(m.coef_[np.setdiff1d(np.arange(20), S)] == 0)
    # The relaxed fit is unshrunk: larger in magnitude than the Lasso's.
    assert np.all(np.abs(m.coef_[S]) >= np.abs(lasso.coef_[S]) - 1e-12)


def test_gamma_mixes_linearly():
    X, y = _data(seed=2)
    fits = {g: RelaxedLasso(alpha=0.3, gamma=g, **TIGHT).fit(X, y) for g in (0.0, 0.4, 1.0)}
    np.testing.assert_allclose(fits[1.0].coef_, Lasso(alpha=0.3, **TIGHT).fit(X, y).coef_,
                               atol=1e-12)
    np.testing.assert_allclose(fits[0.4].coef_, 0.4 * fits[1.0].coef_ + 0.6 * fits[0.0].coef_,
                               atol=1e-12)
    assert fits[0.4].intercept_ == pytest.approx(
        0.4 * fits[1.0].intercept_ + 0.6 * fits[0.0].intercept_)
    with pytest.raises(ValueError, match="gamma"):
        RelaxedLasso(gamma=1.5).fit(X, y)


def test_cv_gamma_one_is_lassocv_and_manual_scoring():
    X, y = _data(seed=3)
    r = RelaxedLassoCV(gammas=[0.0, 0.5, 1.0], cv=4, **TIGHT).fit(X, y)
    ref = LassoCV(cv=4, **TIGHT).fit(X, y)
    np.testing.assert_allclose(r.alphas_, ref.alphas_)
    assert r.mse_path_.shape == (3, 100, 4)
    np.testing.assert_allclose(r.mse_path_[2], ref.mse_path_, rtol=1e-9)
    # Manual check of one (gamma, alpha, fold) entry.
    k, fold = 40, 1
    test = np.arange(30, 60)
    train = np.setdiff1d(np.arange(120), test)
    m = RelaxedLasso(alpha=r.alphas_[k], gamma=0.5, **TIGHT).fit(X[train], y[train])
    mse = np.mean((m.predict(X[test]) - y[test]) ** 2)
    assert r.mse_path_[1, k, fold] == pytest.approx(mse, rel=1e-6)
    # The selected pair minimises the mean error, and the refit is at it.
    mean = r.mse_path_.mean(axis=-1)
    assert mean.min() == mean[list(r.gammas_).index(r.gamma_), list(r.alphas_).index(r.alpha_)]
    refit = RelaxedLasso(alpha=r.alpha_, gamma=r.gamma_, **TIGHT).fit(X, y)
    np.testing.assert_allclose(r.coef_, refit.coef_, atol=1e-9)


def test_cv_prefers_relaxed_on_sparse_truth_and_threads_equal_serial():
    X, y = _data(n=200, p=40, seed=4)
    a = RelaxedLassoCV(cv=5, tol=1e-8).fit(X, y)
    b = RelaxedLassoCV(cv=5, tol=1e-8, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    assert a.mse_path_.mean(-1).min() <= LassoCV(cv=5, tol=1e-8).fit(X, y).mse_path_.mean(-1).min()
    assert a.gamma_ < 1.0  # unshrinking helps when the truth is sparse and strong


@pytest.mark.parametrize("Estimator", [RelaxedLasso, RelaxedLassoCV])
def test_sklearn_estimator_checks(Estimator):
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator

    est = Estimator(alpha=0.1) if Estimator is RelaxedLasso else Estimator(cv=3, alphas=10)
    check_estimator(est)


def test_public():
    assert "RelaxedLassoCV" in shrinkage.__all__


def test_cv_warns_once_per_failing_fold_solve():
    """As LassoCV (and scikit-learn's CV): one ConvergenceWarning per fold
    solve (fold, alpha) that did not converge (the refit warns on its own
    when it fails); the expected count comes from lasso_path on each
    training fold."""
    import warnings

    from sklearn.model_selection import KFold

    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 8))
    X[:, 1] = X[:, 0] + 1e-3 * X[:, 1]  # correlated: slow coordinate descent
    y = X[:, 0] - X[:, 2] + 0.1 * rng.standard_normal(60)
    alphas = np.geomspace(1.0, 1e-4, 6)
    folds = list(KFold(3).split(X))
    expected = 0
    for train, _ in folds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, _, gaps = shrinkage.lasso_path(X[train], y[train], alphas=alphas,
                                              max_iter=2, tol=1e-12, fit_intercept=True)
        yc = y[train] - y[train].mean()
        expected += int(np.sum(gaps > 1e-12 * (yc @ yc) / len(train)))
    assert expected > 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RelaxedLassoCV(cv=folds, alphas=alphas, max_iter=2, tol=1e-12).fit(X, y)
    ours = [w for w in caught if issubclass(w.category, shrinkage.ConvergenceWarning)]
    folds_warned = [w for w in ours if "training folds" in str(w.message)]
    assert len(folds_warned) == expected
    assert len({str(w.message) for w in folds_warned}) == 1
    assert "RelaxedLassoCV" in str(folds_warned[0].message)
    assert f"{expected} of {3 * len(alphas)} fits" in str(folds_warned[0].message)
