"""Drop-in behaviour at the scikit-learn boundary (issue #21), from the user's side."""

import pickle
import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
import sklearn.linear_model  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import shrinkage  # noqa: E402

ESTIMATORS = [n for n in shrinkage.__all__
              if isinstance(getattr(shrinkage, n), type) and hasattr(getattr(shrinkage, n), "fit")]


def _data(name=""):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = X @ np.array([1.0, 2.0, 0.0, 0.0]) + rng.normal(size=60)
    w = rng.uniform(0.1, 3.0, size=60)
    if name.startswith("MultiTask"):  # multi-task models take 2-D targets only
        y = np.column_stack([y, 0.5 * y - X[:, 2] + rng.normal(size=60)])
    return X, y, w


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_pipeline_gridsearch_cross_validate(name, routing):
    X, y, _ = _data(name)
    with sklearn.config_context(enable_metadata_routing=routing):
        pipe = make_pipeline(StandardScaler(), getattr(shrinkage, name)())
        assert np.isfinite(pipe.fit(X, y).score(X, y))
        scores = cross_validate(pipe, X, y, cv=3)["test_score"]
        assert np.all(np.isfinite(scores))
        gs = GridSearchCV(getattr(shrinkage, name)(), {"fit_intercept": [True, False]}, cv=3)
        assert np.isfinite(gs.fit(X, y).best_score_)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_sample_weight_is_routed_to_fit_and_score(name):
    X, y, w = _data(name)
    with sklearn.config_context(enable_metadata_routing=True):
        est = getattr(shrinkage, name)().set_fit_request(sample_weight=True)
        est.set_score_request(sample_weight=True)
        # the request survives clone and pickle
        for copy in (clone(est), pickle.loads(pickle.dumps(est))):
            # a MetadataRequest, or for the CV estimators a MetadataRouter
            # (their own requests and the splitter's), as in scikit-learn
            routing = copy.get_metadata_routing()
            if hasattr(sklearn.linear_model, name):
                try:
                    theirs = getattr(sklearn.linear_model, name)().get_metadata_routing()
                except ValueError:
                    # scikit-learn 1.9.1's MultiTaskLasso/ElasticNet fail here
                    # ("Trying to remove parameter check_input ..."): nothing
                    # to compare with
                    theirs = routing
                assert type(routing) is type(theirs)
            assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        pipe = make_pipeline(scaler, est).fit(X, y, sample_weight=w)
        Xs = StandardScaler().fit_transform(X)
        direct = getattr(shrinkage, name)().fit(Xs, y, sample_weight=w)
        unweighted = getattr(shrinkage, name)().fit(Xs, y)
        np.testing.assert_allclose(pipe[-1].coef_, direct.coef_, rtol=1e-6, atol=1e-8)
        assert not np.allclose(pipe[-1].coef_, unweighted.coef_)
        score_w = pipe.score(X, y, sample_weight=w)
        assert score_w == pytest.approx(direct.score(Xs, y, sample_weight=w))
        assert score_w != pytest.approx(direct.score(Xs, y))


def test_unrequested_weights_raise_like_sklearn():
    X, y, w = _data()
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(sklearn.exceptions.UnsetMetadataPassedError):
            GridSearchCV(shrinkage.Lasso(), {"alpha": [0.1, 1.0]}).fit(X, y, sample_weight=w)
    with pytest.raises(RuntimeError, match="only available when metadata routing is enabled"):
        shrinkage.Lasso().set_fit_request(sample_weight=True)


def test_sklearn_convergence_filter_silences_shrinkage():
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 40)), rng.normal(size=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        shrinkage.Lasso(alpha=1e-4, max_iter=2).fit(X, y)
    with pytest.warns(shrinkage.ConvergenceWarning):
        shrinkage.Lasso(alpha=1e-4, max_iter=2).fit(X, y)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_feature_name_warnings_and_mixed_names(name):
    pd = pytest.importorskip("pandas")
    from sklearn.utils.estimator_checks import check_dataframe_column_names_consistency

    X, y, _ = _data(name)
    df = pd.DataFrame(X, columns=list("abcd"))
    with pytest.warns(UserWarning, match="X does not have valid feature names, but"):
        getattr(shrinkage, name)().fit(df, y).predict(X)
    with pytest.warns(UserWarning, match="X has feature names, but"):
        getattr(shrinkage, name)().fit(X, y).predict(df)
    with pytest.raises(TypeError, match="Feature names are only supported if all"):
        getattr(shrinkage, name)().fit(pd.DataFrame(X, columns=["a", 1, "b", 2]), y)
    check_dataframe_column_names_consistency(name, getattr(shrinkage, name)())


def test_import_does_not_load_sklearn_or_optimize():
    import subprocess
    import sys

    code = ("import sys, shrinkage; "
            "print(any(m.split('.')[0] == 'sklearn' for m in sys.modules), "
            "'scipy.optimize' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def _weighted(est, routing):
    """``est`` asking for ``sample_weight`` in fit (not in score) when
    routing is on; as it is otherwise (meta-estimators pass fit params)."""
    if routing:
        est.set_fit_request(sample_weight=True).set_score_request(sample_weight=False)
    return est


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_weighted_round_trips_equal_direct_fits(name, routing):
    """Pipeline, GridSearchCV and cross_validate with sample weights give
    exactly the fits made by hand on the same rows, routing on or off."""
    from sklearn.model_selection import KFold

    X, y, w = _data(name)
    cls = getattr(shrinkage, name)
    folds = list(KFold(3).split(X))
    with sklearn.config_context(enable_metadata_routing=routing):
        # cross_validate: fold scores (unweighted) of the weighted fold fits
        cv = cross_validate(_weighted(cls(), routing), X, y, cv=folds,
                            params={"sample_weight": w}, return_estimator=True)
        for k, (train, test) in enumerate(folds):
            direct = cls().fit(X[train], y[train], sample_weight=w[train])
            np.testing.assert_array_equal(cv["estimator"][k].coef_, direct.coef_)
            assert cv["test_score"][k] == direct.score(X[test], y[test])
        # GridSearchCV: the refit is the direct weighted fit at the best params
        gs = GridSearchCV(_weighted(cls(), routing), {"fit_intercept": [True, False]},
                          cv=folds).fit(X, y, sample_weight=w)
        direct = cls(**gs.best_params_).fit(X, y, sample_weight=w)
        np.testing.assert_array_equal(gs.best_estimator_.coef_, direct.coef_)
        np.testing.assert_array_equal(gs.predict(X), direct.predict(X))
        # Pipeline: step-prefixed fit params without routing, routed ones with it
        scaler = StandardScaler()
        if routing:
            scaler.set_fit_request(sample_weight=False)
        pipe = make_pipeline(scaler, _weighted(cls(), routing))
        step = pipe.steps[-1][0]
        fit_params = ({"sample_weight": w} if routing
                      else {f"{step}__sample_weight": w})
        pipe.fit(X, y, **fit_params)
        direct = cls().fit(StandardScaler().fit_transform(X), y, sample_weight=w)
        np.testing.assert_allclose(pipe[-1].coef_, direct.coef_, rtol=1e-12, atol=1e-14)
        # and the fitted meta-estimators survive clone and pickle
        for fitted in (gs, pipe):
            again = pickle.loads(pickle.dumps(fitted))
            np.testing.assert_array_equal(again.predict(X), fitted.predict(X))
            clone(fitted).fit(X, y, **(fit_params if fitted is pipe else {"sample_weight": w}))


@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV", "RidgeCV"])
def test_groups_reach_the_inner_splitter_through_meta_estimators(name):
    """With routing on, ``groups`` given to cross_validate reaches both its
    own GroupKFold and the CV estimator's (scikit-learn's routing)."""
    from sklearn.model_selection import GroupKFold

    X, y, _ = _data()
    groups = np.repeat(np.arange(6), 10)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = getattr(shrinkage, name)(cv=GroupKFold(2))
        out = cross_validate(inner, X, y, cv=GroupKFold(3), params={"groups": groups},
                             return_estimator=True)
        for est, (train, _) in zip(out["estimator"],
                                   GroupKFold(3).split(X, y, groups)):
            direct = getattr(shrinkage, name)(cv=GroupKFold(2)).fit(
                X[train], y[train], groups=groups[train])
            assert est.alpha_ == direct.alpha_
            np.testing.assert_array_equal(est.coef_, direct.coef_)
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing=True"):
        getattr(shrinkage, name)(cv=GroupKFold(2)).fit(X, y, groups=groups)
