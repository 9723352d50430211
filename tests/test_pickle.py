"""Pickle round trips and deterministic results for a fixed random_state."""

import copy
import pickle
import warnings

import numpy as np
import pytest

import shrinkage

from _helpers import exported_estimators, make_estimator, targets_for

FAST = {
    "MultiTaskLasso": dict(alpha=0.01),
    "MultiTaskElasticNet": dict(alpha=0.01),
    "MultiTaskLassoCV": dict(cv=3, alphas=5),
    "MultiTaskElasticNetCV": dict(cv=3, alphas=5),
    "Lasso": dict(alpha=0.01),
    "ElasticNet": dict(alpha=0.01),
    "RelaxedLasso": dict(alpha=0.01, gamma=0.5),
    "LassoCV": dict(cv=3, alphas=5),
    "ElasticNetCV": dict(cv=3, alphas=5, l1_ratio=[0.5, 0.9]),
    "RelaxedLassoCV": dict(cv=3, alphas=5, gammas=(0.0, 1.0)),
    "RidgeCV": dict(alphas=(0.1, 1.0)),
}
ESTIMATORS = exported_estimators()


def make(name, **kw):
    return make_estimator(name, FAST, **kw)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((50, 8))
    y = X @ rng.standard_normal(8) + 0.5 * rng.standard_normal(50)
    return X, y


def fitted_attributes(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


def assert_same(a, b, what=""):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, what
        if a.dtype.kind == "O":
            assert all(x == y for x, y in zip(a.ravel(), b.ravel())), what
        else:
            assert a.tobytes() == b.tobytes(), what
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), what
        for k in a:
            assert_same(a[k], b[k], f"{what}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), what
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{what}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), what
    else:
        assert a == b, what


def fit(name, X, y, **kw):
    y = targets_for(name, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make(name, **kw).fit(X, y)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickle_round_trip_fitted(name, data):
    X, y = data[0], targets_for(name, data[1])
    est = fit(name, X, y)
    attrs = fitted_attributes(est)
    assert "coef_" in attrs and "n_features_in_" in attrs
    for protocol in (0, pickle.HIGHEST_PROTOCOL):
        clone = pickle.loads(pickle.dumps(est, protocol=protocol))
        assert type(clone) is type(est)
        assert_same(fitted_attributes(clone), attrs, name)
        assert_same(clone.get_params(), est.get_params(), "params")
        assert_same(clone.predict(X), est.predict(X), "predict")
        assert clone.score(X, y) == est.score(X, y)
    deep = copy.deepcopy(est)
    assert_same(deep.predict(X), est.predict(X), "deepcopy predict")


@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickle_unfitted_then_fit(name, data):
    X, y = data[0], targets_for(name, data[1])
    est = make(name)
    clone = pickle.loads(pickle.dumps(est))
    assert repr(clone) == repr(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clone.fit(X, y)
    assert_same(clone.predict(X), fit(name, X, y).predict(X), "fit after unpickle")


@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickled_model_refits_identically(name, data):
    X, y = data[0], targets_for(name, data[1])
    est = fit(name, X, y)
    clone = pickle.loads(pickle.dumps(est))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clone.fit(X[::-1], y[::-1])
        est.fit(X[::-1], y[::-1])
    assert_same(fitted_attributes(clone), fitted_attributes(est), name)


def test_pickle_keeps_feature_names(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = shrinkage.Lasso(alpha=0.01).fit(frame, y)
    clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone.feature_names_in_, est.feature_names_in_)
    with pytest.raises(ValueError, match="feature names should match"):
        clone.predict(frame[frame.columns[::-1]])


@pytest.mark.parametrize("name", ESTIMATORS)
def test_sklearn_clone_is_unfitted_and_equal(name, data):
    base = pytest.importorskip("sklearn.base")
    X, y = data[0], targets_for(name, data[1])
    est = fit(name, X, y)
    c = base.clone(est)
    assert not hasattr(c, "coef_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c.fit(X, y)
    assert_same(c.predict(X), est.predict(X), "clone refit")


# ---------------------------------------------------------------------------
# determinism
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ESTIMATORS)
def test_repeated_fits_are_bit_identical(name, data):
    X, y = data
    a, b = fit(name, X, y), fit(name, X, y)
    assert_same(fitted_attributes(a), fitted_attributes(b), name)


RANDOM = [n for n in ("Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "MultiTaskLasso",
                       "MultiTaskElasticNetCV") if n in ESTIMATORS]


@pytest.mark.parametrize("seed_kind", ["int", "RandomState", "Generator"])
@pytest.mark.parametrize("name", RANDOM)
def test_random_selection_deterministic_for_fixed_random_state(name, seed_kind, data):
    X, y = data
    seed = {"int": lambda: 123, "RandomState": lambda: np.random.RandomState(123),
            "Generator": lambda: np.random.default_rng(123)}[seed_kind]
    a = fit(name, X, y, selection="random", random_state=seed(), tol=1e-3)
    b = fit(name, X, y, selection="random", random_state=seed(), tol=1e-3)
    assert_same(fitted_attributes(a), fitted_attributes(b), name)


@pytest.mark.parametrize("name", [n for n in ("Lasso", "ElasticNet", "MultiTaskLasso")
                                  if n in ESTIMATORS])
def test_random_selection_uses_the_seed(name):
    # Coordinate order depends on random_state: over several seeds the
    # iterates (hence the loose-tolerance coefficients) are not all equal.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 30))
    y = X @ rng.standard_normal(30) + rng.standard_normal(60)
    results = {fit(name, X, y, alpha=0.01, selection="random", random_state=s, tol=1e-2,
                   max_iter=3).coef_.tobytes() for s in range(5)}
    assert len(results) > 1


@pytest.mark.parametrize("name", [n for n in ("LassoCV", "ElasticNetCV", "RelaxedLassoCV", "RidgeCV",
                                            "MultiTaskLassoCV") if n in ESTIMATORS])
def test_cv_with_seeded_shuffled_folds_is_deterministic(name, data):
    ms = pytest.importorskip("sklearn.model_selection")
    X, y = data
    a = fit(name, X, y, cv=ms.KFold(3, shuffle=True, random_state=0))
    b = fit(name, X, y, cv=ms.KFold(3, shuffle=True, random_state=0))
    assert_same(fitted_attributes(a), fitted_attributes(b), name)
