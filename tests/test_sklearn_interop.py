"""Drop-in behaviour at the scikit-learn boundary (issue #21), from the user's side."""

import pickle
import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
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
            assert copy.get_metadata_routing().fit.requests == {"sample_weight": True}
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
