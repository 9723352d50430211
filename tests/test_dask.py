"""dask arrays as input: statistics computed by dask, then a local solve.

Reference: the same estimator fitted in memory on the same rows (the
elastic net with covariance updates, as fits from statistics use).
"""

import logging
import os
import signal
import threading
import time

import numpy as np
import pytest

from _helpers import rel_err

import shrinkage

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")


def _data(n=1200, p=12, offset=1e4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + offset
    coef = rng.standard_normal(p) * (rng.uniform(size=p) < 0.5)
    y = (X - offset) @ coef + rng.standard_normal(n) + 3.0 * offset
    return X, y, rng.uniform(0.2, 3.0, n)


def _dask(*arrays, rows=250):
    return [da.from_array(a, chunks=(rows,) + a.shape[1:]) for a in arrays]


_SINGLE = {
    "Lasso": lambda: shrinkage.Lasso(alpha=0.05, precompute=True, tol=1e-10),
    "ElasticNet": lambda: shrinkage.ElasticNet(alpha=0.1, l1_ratio=0.3,
                                               precompute=True, tol=1e-10),
    "Ridge": lambda: shrinkage.Ridge(alpha=2.0),
    "LinearRegression": lambda: shrinkage.LinearRegression(),
}


@pytest.mark.parametrize("name", sorted(_SINGLE))
@pytest.mark.parametrize("weighted", [False, True])
def test_single_estimators_equal_in_memory(name, weighted):
    X, y, sw = _data()
    sw = sw if weighted else None
    Xd, yd = _dask(X, y)
    swd = None if sw is None else _dask(sw)[0]
    ref = _SINGLE[name]().fit(X, y, sample_weight=sw)
    est = _SINGLE[name]().fit(Xd, yd, sample_weight=swd)
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert abs(est.intercept_ - ref.intercept_) < 1e-10 * abs(ref.intercept_)


def test_column_chunks_numpy_targets_and_no_intercept():
    X, y, sw = _data(offset=2.0)
    Xd = da.from_array(X, chunks=(300, 5))  # blocks split the columns too
    ref = shrinkage.Ridge(alpha=1.0, fit_intercept=False).fit(X, y, sample_weight=sw)
    est = shrinkage.Ridge(alpha=1.0, fit_intercept=False).fit(Xd, y, sample_weight=sw)
    assert rel_err(est.coef_, ref.coef_) < 1e-10
    assert est.intercept_ == 0.0


@pytest.mark.parametrize("cls, params", [
    (shrinkage.LassoCV, dict(cv=5)),
    (shrinkage.LassoCV, dict()),  # cv=None: 5 folds
    (shrinkage.ElasticNetCV, dict(cv=4, l1_ratio=[0.2, 0.7])),
])
@pytest.mark.parametrize("weighted", [False, True])
def test_enet_cv_equals_in_memory(cls, params, weighted):
    X, y, sw = _data(n=1003)  # folds of unequal sizes, as KFold's
    sw = sw if weighted else None
    Xd, yd = _dask(X, y, rows=170)
    swd = None if sw is None else _dask(sw, rows=170)[0]
    ref = cls(**params).fit(X, y, sample_weight=sw)
    est = cls(**params).fit(Xd, yd, sample_weight=swd)
    assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    assert getattr(est, "l1_ratio_", None) == getattr(ref, "l1_ratio_", None)
    assert rel_err(est.alphas_, ref.alphas_) < 1e-12
    assert rel_err(est.mse_path_, ref.mse_path_) < 1e-9
    assert rel_err(est.coef_, ref.coef_) < 1e-9
    assert est.get_params()["cv"] == params.get("cv")


def test_cv_with_kfold_and_fold_labels():
    sklearn_ms = pytest.importorskip("sklearn.model_selection")
    X, y, _ = _data(n=900)
    Xd, yd = _dask(X, y, rows=200)
    ref = shrinkage.LassoCV(cv=sklearn_ms.KFold(3)).fit(X, y)
    est = shrinkage.LassoCV(cv=sklearn_ms.KFold(3)).fit(Xd, yd)
    assert rel_err(est.mse_path_, ref.mse_path_) < 1e-9
    labels = np.random.default_rng(3).integers(0, 4, X.shape[0])
    split = sklearn_ms.PredefinedSplit(labels)
    ref = shrinkage.RidgeCV(alphas=[0.1, 10.0, 1e3], cv=split).fit(X, y)
    for cv in (split, labels, _dask(labels, rows=200)[0]):
        est = shrinkage.RidgeCV(alphas=[0.1, 10.0, 1e3], cv=cv).fit(Xd, yd)
        assert est.alpha_ == ref.alpha_
        assert est.best_score_ == pytest.approx(ref.best_score_, rel=1e-10)
        assert rel_err(est.coef_, ref.coef_) < 1e-10
    with pytest.raises(TypeError, match="KFold"):
        shrinkage.LassoCV(cv=sklearn_ms.KFold(3, shuffle=True, random_state=0)).fit(Xd, yd)


@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error"])
def test_ridge_cv_kfold_equals_in_memory(scoring):
    X, y, sw = _data()
    Y = np.c_[y, 2 * y + X[:, 0]]
    Xd, Yd, swd = _dask(X, Y, sw)
    alphas = [1e-3, 1.0, 30.0, 1e4]
    ref = shrinkage.RidgeCV(alphas=alphas, cv=5, scoring=scoring).fit(X, Y, sample_weight=sw)
    est = shrinkage.RidgeCV(alphas=alphas, cv=5, scoring=scoring).fit(Xd, Yd, sample_weight=swd)
    assert est.alpha_ == ref.alpha_
    assert est.best_score_ == pytest.approx(ref.best_score_, rel=1e-10)
    assert rel_err(est.coef_, ref.coef_) < 1e-10


def test_refusals():
    X, y, _ = _data(n=300)
    Xd, yd = _dask(X, y)
    with pytest.raises(ValueError, match="cv=K"):
        shrinkage.RidgeCV().fit(Xd, yd)
    with pytest.raises(ValueError, match="scoring"):
        shrinkage.RidgeCV(cv=3, scoring="neg_mean_absolute_error").fit(Xd, yd)
    bad = X.copy()
    bad[7, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        shrinkage.Ridge().fit(_dask(bad)[0], yd)
    with pytest.raises(ValueError, match="rows"):
        shrinkage.Ridge().fit(Xd, yd[:-1])


def test_dataframe_input():
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    X, y, _ = _data(n=400, p=4)
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=3)
    est = shrinkage.Ridge().fit(frame, dd.from_pandas(pd.Series(y), npartitions=3))
    ref = shrinkage.Ridge().fit(X, y)
    assert rel_err(est.coef_, ref.coef_) < 1e-10


def test_verbose_reports_chunks_and_time(capsys):
    X, y, _ = _data(n=500)
    Xd, yd = _dask(X, y, rows=100)
    est = shrinkage.LassoCV(cv=3, verbose=1).fit(Xd, yd)
    err = capsys.readouterr().err  # diagnostics go to stderr, as the CV's own lines
    assert "500 rows in 5 chunks" in err and " s in all" in err
    # the refit line counts the data's rows, not the statistics' equivalent rows
    assert "LassoCV: refit on all 500 samples" in err
    assert not hasattr(est, "_rows_for_messages")


def test_local_cluster_and_a_killed_worker():
    distributed = pytest.importorskip("distributed")
    X, y, sw = _data(n=2000, p=10)
    ref = shrinkage.LassoCV(cv=4).fit(X, y, sample_weight=sw)
    with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True,
            dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        Xd, yd, swd = _dask(X, y, sw, rows=100)
        est = shrinkage.LassoCV(cv=4).fit(Xd, yd, sample_weight=swd)
        assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
        assert rel_err(est.coef_, ref.coef_) < 1e-9

        def slow(block):  # nested: pickled by value to the workers
            import time as _time
            _time.sleep(0.2)
            return block

        slow_X = Xd.rechunk((200, -1)).map_blocks(slow, dtype=X.dtype)
        outcome = {}

        def run():
            try:
                outcome["est"] = shrinkage.LassoCV(cv=4).fit(slow_X, yd, sample_weight=swd)
            except Exception as exc:  # noqa: BLE001 - inspected below
                outcome["error"] = exc

        pids = client.run(os.getpid)
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 20
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # a few blocks under way
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        thread.join(timeout=90)
        assert not thread.is_alive()
    if "error" in outcome:  # a clear error, never a wrong result
        assert "worker" in str(outcome["error"]).lower(), outcome["error"]
    else:
        est = outcome["est"]
        assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
        assert rel_err(est.coef_, ref.coef_) < 1e-9
