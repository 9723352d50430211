"""RidgeCV: exact leave-one-out and K-fold against brute force and scikit-learn.

Tolerances: 1e-9 relative against scikit-learn and brute-force refits.
"""

import numpy as np
import pytest
import scipy.sparse as sp
# scikit-learn is the reference here: without it (musllinux wheel tests) the module skips.
sk = pytest.importorskip("sklearn.linear_model")
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import KFold

from shrinkage import Ridge, RidgeCV

from _helpers import rel_err

RTOL = 1e-9
SHAPES = [(120, 8), (25, 90), (40, 40)]
ALPHAS = np.logspace(-3, 3, 9)


def make_data(n, p, n_targets=None, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    w = rng.standard_normal((p, n_targets or 1)) * (rng.uniform(size=(p, 1)) < 0.5)
    Y = (X - offset) @ w + rng.standard_normal((n, n_targets or 1)) + 2.0
    y = Y[:, 0] if n_targets is None else Y
    sw = rng.uniform(0.2, 3.0, n)
    return X, y, sw


def brute_force_loo(X, y, sw, alpha, fit_intercept):
    """Leave-one-out predictions by n separate Ridge fits."""
    n = X.shape[0]
    pred = np.empty_like(np.asarray(y, dtype=float))
    for i in range(n):
        keep = np.arange(n) != i
        model = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="svd").fit(
            X[keep], y[keep], sample_weight=None if sw is None else sw[keep])
        pred[i] = model.predict(X[i:i + 1])[0]
    return pred


# ----------------------------------------------------------------------
# leave-one-out
# ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("gcv_mode", [None, "svd"])
def test_loo_against_brute_force(shape, fit_intercept, weighted, gcv_mode):
    X, y, sw = make_data(*shape, offset=3.0)
    sw = sw if weighted else None
    alphas = [0.05, 2.0, 40.0]
    model = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, store_cv_results=True,
                    scoring="neg_mean_squared_error", gcv_mode=gcv_mode).fit(X, y, sample_weight=sw)
    # with a scorer, cv_results_ holds the leave-one-out predictions
    assert model.cv_results_.shape == (X.shape[0], len(alphas))
    for a, alpha in enumerate(alphas):
        ref = brute_force_loo(X, y, sw, alpha, fit_intercept)
        assert rel_err(model.cv_results_[:, a], ref) < RTOL
    # default scoring: weighted squared errors s_i e_i^2
    model0 = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, store_cv_results=True,
                     gcv_mode=gcv_mode).fit(X, y, sample_weight=sw)
    errors = y[:, None] - model.cv_results_
    expected = errors ** 2 * (1.0 if sw is None else sw[:, None])
    assert rel_err(model0.cv_results_, expected) < RTOL
    assert rel_err(model0.best_score_, -expected.mean(axis=0).min()) < RTOL


def test_loo_with_zero_weights():
    # a zero-weight sample's leave-one-out prediction is the full fit's
    X, y, sw = make_data(30, 50)
    sw[[3, 17]] = 0.0
    for shape_X in (X, X[:, :10]):
        model = RidgeCV(alphas=[0.5, 5.0], store_cv_results=True,
                        scoring="neg_mean_squared_error").fit(shape_X, y, sample_weight=sw)
        for a, alpha in enumerate([0.5, 5.0]):
            ref = brute_force_loo(shape_X, y, sw, alpha, True)
            assert rel_err(model.cv_results_[:, a], ref) < RTOL


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("n_targets", [None, 1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "options",
    [dict(), dict(alpha_per_target=True), dict(scoring="neg_mean_squared_error"),
     dict(scoring="r2", alpha_per_target=True), dict(gcv_mode="svd")],
    ids=repr,
)
def test_loo_matches_sklearn(shape, n_targets, fit_intercept, weighted, options):
    if n_targets is None and options.get("scoring") and options.get("alpha_per_target"):
        pytest.skip("scikit-learn 1.9 raises IndexError for a scorer with "
                    "alpha_per_target and 1-D y (ours works: see test_per_target_scoring_1d)")
    X, y, sw = make_data(*shape, n_targets=n_targets, offset=1.0)
    sw = sw if weighted else None
    kw = dict(alphas=ALPHAS, fit_intercept=fit_intercept, store_cv_results=True, **options)
    ours = RidgeCV(**kw).fit(X, y, sample_weight=sw)
    ref = sk.RidgeCV(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(ours.alpha_, ref.alpha_)
    assert type(ours.alpha_) is type(ref.alpha_) or np.shape(ours.alpha_) == np.shape(ref.alpha_)
    assert np.shape(ours.best_score_) == np.shape(ref.best_score_)
    assert rel_err(ours.best_score_, ref.best_score_) < RTOL
    assert ours.coef_.shape == ref.coef_.shape
    assert rel_err(ours.coef_, ref.coef_) < RTOL
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    if fit_intercept:
        assert rel_err(ours.intercept_, ref.intercept_) < RTOL
    assert ours.cv_results_.shape == ref.cv_results_.shape
    assert rel_err(ours.cv_results_, ref.cv_results_) < RTOL


def test_per_target_scoring_1d():
    X, y, sw = make_data(60, 5)
    a = RidgeCV(alphas=ALPHAS, scoring="r2", alpha_per_target=True).fit(X, y, sample_weight=sw)
    b = RidgeCV(alphas=ALPHAS, scoring="r2").fit(X, y, sample_weight=sw)
    ref = sk.RidgeCV(alphas=ALPHAS, scoring="r2").fit(X, y, sample_weight=sw)
    assert a.alpha_ == b.alpha_ == ref.alpha_
    assert rel_err(a.best_score_, ref.best_score_) < RTOL
    assert rel_err(a.coef_, ref.coef_) < RTOL


def test_coef_is_the_ridge_fit_at_alpha_():
    X, y, sw = make_data(200, 15, n_targets=2)
    model = RidgeCV(alphas=ALPHAS, alpha_per_target=True).fit(X, y, sample_weight=sw)
    for t in range(2):
        ref = Ridge(alpha=model.alpha_[t]).fit(X, y[:, t], sample_weight=sw)
        assert rel_err(model.coef_[t], ref.coef_) < 1e-11
        assert rel_err(model.intercept_[t], ref.intercept_) < 1e-11


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_loo_sparse_matches_dense(shape, fmt):
    rng = np.random.default_rng(2)
    n, p = shape
    Xs = sp.random(n, p, density=0.3, format=fmt, random_state=rng)
    y = rng.standard_normal((n, 2))
    sw = rng.uniform(0.5, 2.0, n)
    a = RidgeCV(alphas=ALPHAS, store_cv_results=True).fit(Xs, y, sample_weight=sw)
    b = RidgeCV(alphas=ALPHAS, store_cv_results=True).fit(Xs.toarray(), y, sample_weight=sw)
    assert a.alpha_ == b.alpha_
    assert rel_err(a.cv_results_, b.cv_results_) < RTOL
    assert rel_err(a.coef_, b.coef_) < RTOL
    assert rel_err(a.intercept_, b.intercept_) < RTOL


def test_custom_scorers():
    X, y, sw = make_data(60, 5)
    mae = make_scorer(mean_absolute_error, greater_is_better=False)
    for scoring in ("neg_mean_absolute_error", "explained_variance", mae):
        ours = RidgeCV(alphas=ALPHAS, scoring=scoring).fit(X, y, sample_weight=sw)
        ref = sk.RidgeCV(alphas=ALPHAS, scoring=scoring).fit(X, y, sample_weight=sw)
        assert ours.alpha_ == ref.alpha_
        assert rel_err(ours.best_score_, ref.best_score_) < RTOL


def test_large_offsets_loo():
    # the leave-one-out errors are invariant to column shifts (intercept)
    X, y, sw = make_data(300, 10, offset=0.0)
    Xo = X + 1e4
    Z = Xo - 1e4
    for Xa, Za in ((Xo, Z), (Xo[:40], Z[:40])):
        ya, swa = y[: len(Xa)], sw[: len(Xa)]
        a = RidgeCV(alphas=ALPHAS, store_cv_results=True).fit(Xa, ya, sample_weight=swa)
        b = RidgeCV(alphas=ALPHAS, store_cv_results=True).fit(Za, ya, sample_weight=swa)
        assert rel_err(a.cv_results_, b.cv_results_) < 1e-10
        assert rel_err(a.coef_, b.coef_) < 1e-10


# ----------------------------------------------------------------------
# K-fold
# ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("n_targets", [None, 2])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cv", [3, KFold(4, shuffle=True, random_state=0)], ids=repr)
@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error"])
def test_kfold_matches_sklearn(shape, n_targets, fit_intercept, weighted, cv, scoring):
    X, y, sw = make_data(*shape, n_targets=n_targets, offset=2.0)
    sw = sw if weighted else None
    alphas = np.r_[0.0, ALPHAS]
    kw = dict(alphas=alphas, fit_intercept=fit_intercept, cv=cv, scoring=scoring)
    ours = RidgeCV(**kw).fit(X, y, sample_weight=sw)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # sklearn's own alpha=0 warnings
            ref = sk.RidgeCV(**kw).fit(X, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    assert rel_err(ours.best_score_, ref.best_score_) < RTOL
    assert rel_err(ours.coef_, ref.coef_) < RTOL


def test_kfold_against_brute_force_and_explicit_splits():
    X, y, sw = make_data(90, 12, offset=50.0)
    splits = [(np.r_[0:30, 60:90], np.r_[30:60]), (np.r_[30:90], np.r_[0:30])]
    model = RidgeCV(alphas=[0.1, 10.0], cv=splits).fit(X, y, sample_weight=sw)
    scores = []
    for alpha in (0.1, 10.0):
        fold = []
        for train, test in splits:
            r = Ridge(alpha=alpha, solver="svd").fit(X[train], y[train], sample_weight=sw[train])
            pred = r.predict(X[test])
            w = sw[test]
            ybar = w @ y[test] / w.sum()
            fold.append(1 - w @ (y[test] - pred) ** 2 / (w @ (y[test] - ybar) ** 2))
        scores.append(np.mean(fold))
    assert model.alpha_ == (0.1, 10.0)[int(np.argmax(scores))]
    assert rel_err(model.best_score_, max(scores)) < RTOL


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("sparse", [False, True])
def test_kfold_non_complementary_folds_train_on_their_rows(shape, sparse):
    # Time-series folds train on the rows before the held-out block only: the
    # fold's system cannot be the full Gram minus the held-out rows'.
    from sklearn.model_selection import TimeSeriesSplit

    X, y, sw = make_data(*shape, n_targets=2, offset=20.0)
    cv = TimeSeriesSplit(3)
    kw = dict(alphas=np.r_[0.0, ALPHAS], cv=cv, scoring="neg_mean_squared_error")
    Xf = sp.csr_matrix(X) if sparse else X
    ours = RidgeCV(**kw).fit(Xf, y, sample_weight=sw)
    scores = []
    for alpha in kw["alphas"]:
        fold = []
        for train, test in cv.split(X):
            r = Ridge(alpha=alpha, solver="svd").fit(X[train], y[train], sample_weight=sw[train])
            err = y[test] - r.predict(X[test])
            fold.append(-np.mean(np.average(err ** 2, weights=sw[test], axis=0)))
        scores.append(np.mean(fold))
    assert ours.alpha_ == kw["alphas"][int(np.argmax(scores))]
    assert rel_err(ours.best_score_, max(scores)) < RTOL


def test_kfold_sparse_matches_dense():
    rng = np.random.default_rng(5)
    for n, p in [(80, 10), (20, 60)]:
        Xs = sp.random(n, p, density=0.4, format="csr", random_state=rng)
        y = rng.standard_normal(n)
        sw = rng.uniform(0.5, 2.0, n)
        a = RidgeCV(alphas=ALPHAS, cv=4).fit(Xs, y, sample_weight=sw)
        b = RidgeCV(alphas=ALPHAS, cv=4).fit(Xs.toarray(), y, sample_weight=sw)
        assert a.alpha_ == b.alpha_
        assert rel_err(a.best_score_, b.best_score_) < RTOL
        assert rel_err(a.coef_, b.coef_) < RTOL


# ----------------------------------------------------------------------
# attributes and validation
# ----------------------------------------------------------------------

def test_no_mutation_and_refit_clears_cv_results():
    X, y, sw = make_data(50, 5, n_targets=2)
    alphas = [0.1, 1.0]
    copies = [X.copy(), y.copy(), sw.copy()]
    for arr in (X, y, sw):
        arr.setflags(write=False)
    model = RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y, sample_weight=sw)
    assert hasattr(model, "cv_results_")
    model.set_params(store_cv_results=False).fit(X, y, sample_weight=sw)
    assert not hasattr(model, "cv_results_")
    RidgeCV(alphas=alphas, cv=3).fit(X, y, sample_weight=sw)
    assert model.alphas == alphas
    for orig, arr in zip(copies, (X, y, sw)):
        np.testing.assert_array_equal(orig, arr)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(alphas=[0.0, 1.0]), r"alphas\[0\]"),
        (dict(alphas=[1.0, -1.0], cv=3), r"alphas\[1\]"),
        (dict(alphas=[]), "at least one"),
        (dict(alphas=[1.0, np.nan]), "finite"),
        (dict(cv=1), "cv"),
        (dict(cv=3, store_cv_results=True), "incompatible"),
        (dict(cv=3, alpha_per_target=True), "incompatible"),
        (dict(gcv_mode="qr"), "gcv_mode"),
        (dict(scoring="no_such_score"), "no_such_score"),
    ],
)
def test_bad_parameters(params, match):
    X, y, _ = make_data(20, 3)
    with pytest.raises(ValueError, match=match):
        RidgeCV(**params).fit(X, y)


def test_leave_one_out_needs_two_samples():
    X, y, _ = make_data(1, 3)
    with pytest.raises(ValueError, match="1 sample"):
        RidgeCV().fit(X, y)
    model = RidgeCV().fit(*make_data(2, 3)[:2])   # two samples work
    assert np.all(np.isfinite(model.coef_))
