"""Drop-in behaviour of issue #21, from the user's side: the snippet a
scikit-learn user runs after swapping the import, with scikit-learn's
behaviour (the installed version) as the expectation."""

import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
import sklearn.linear_model as sk  # noqa: E402

import shrinkage  # noqa: E402

SHAPE_ESTIMATORS = ["Lasso", "ElasticNet", "Ridge", "LinearRegression",
                    "LassoCV", "ElasticNetCV", "RidgeCV"]


def _data(n=40, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.linspace(1.0, -1.0, p) + 0.3 * rng.standard_normal(n)
    return X, y


def _quiet_fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(*args, **kwargs)


# ---------------------------------------------------------------------------
# 1. y of shape (n, 1)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHAPE_ESTIMATORS)
def test_column_vector_y_shapes_match_sklearn(name):
    X, y = _data()
    Y = y[:, None]
    ours = _quiet_fit(getattr(shrinkage, name)(), X, Y)
    theirs = _quiet_fit(getattr(sk, name)(), X, Y)
    assert ours.coef_.shape == theirs.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(theirs.intercept_)
    assert ours.predict(X).shape == theirs.predict(X).shape
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-3, atol=1e-3)
    for attr in ("dual_gap_", "n_iter_"):
        if hasattr(theirs, attr):
            assert np.shape(getattr(ours, attr)) == np.shape(getattr(theirs, attr)), attr


# ---------------------------------------------------------------------------
# 3. infinite hyper-parameters; numpy scalar attributes
# ---------------------------------------------------------------------------

INF_PARAMS = [("Lasso", "alpha"), ("Lasso", "tol"), ("ElasticNet", "alpha"),
              ("ElasticNet", "tol"), ("Ridge", "alpha"), ("Ridge", "tol"),
              ("LinearRegression", "tol"), ("LassoCV", "tol"), ("LassoCV", "eps"),
              ("ElasticNetCV", "tol"), ("ElasticNetCV", "eps")]


@pytest.mark.parametrize("name, param", INF_PARAMS)
def test_infinite_hyperparameters_raise_like_sklearn(name, param):
    X, y = _data()
    with pytest.raises(ValueError, match=r"\[0\.0, inf\)|\(0\.0, inf\)"):
        getattr(sk, name)(**{param: np.inf}).fit(X, y)
    with pytest.raises(ValueError, match=rf"{param} must be in [\[(]0\.0, inf\), got inf"):
        getattr(shrinkage, name)(**{param: np.inf}).fit(X, y)


SCALAR_ESTIMATORS = [("Lasso", {}), ("ElasticNet", {}), ("Ridge", {}),
                     ("LinearRegression", {}), ("LassoCV", {}), ("ElasticNetCV", {}),
                     ("RidgeCV", {}), ("RidgeCV", {"cv": 3})]


@pytest.mark.parametrize("name, params", SCALAR_ESTIMATORS)
def test_scalar_attributes_have_sklearn_types(name, params):
    X, y = _data()
    ours = _quiet_fit(getattr(shrinkage, name)(**params), X, y)
    theirs = _quiet_fit(getattr(sk, name)(**params), X, y)
    checked = 0
    for attr, value in vars(theirs).items():
        if attr.endswith("_") and np.ndim(value) == 0 and isinstance(value, float):
            assert type(getattr(ours, attr)) is type(value), attr
            checked += 1
    assert checked >= 1


# ---------------------------------------------------------------------------
# 2. numeric strings
# ---------------------------------------------------------------------------

STRING_CASES = {
    "X-unicode": lambda X, y: (X.astype(str), y),
    "X-bytes": lambda X, y: (X.astype("S32"), y),
    "y-unicode": lambda X, y: (X, y.astype(str)),
    "y-bytes": lambda X, y: (X, y.astype("S32")),
}


@pytest.mark.parametrize("case", sorted(STRING_CASES))
@pytest.mark.parametrize("name", SHAPE_ESTIMATORS)
def test_numeric_strings_accepted_where_sklearn_accepts(name, case):
    X, y = _data()
    Xs, ys = STRING_CASES[case](X, y)
    try:
        _quiet_fit(getattr(sk, name)(), Xs, ys)
        sklearn_accepts = True
    except ValueError:
        sklearn_accepts = False
    if not sklearn_accepts:
        with pytest.raises(TypeError, match="must contain numbers"):
            getattr(shrinkage, name)().fit(Xs, ys)
        return
    ours = _quiet_fit(getattr(shrinkage, name)(), Xs, ys)
    # str(float) round-trips exactly: the same fit as on the numbers
    reference = _quiet_fit(getattr(shrinkage, name)(), X, y)
    np.testing.assert_array_equal(ours.coef_, reference.coef_)
    # predict rejects strings, as scikit-learn's
    with pytest.raises(ValueError):
        theirs = _quiet_fit(getattr(sk, name)(), X, y)
        theirs.predict(X.astype(str))
    with pytest.raises(TypeError, match="X must contain numbers"):
        ours.predict(X.astype(str))


def test_non_numeric_strings_rejected_with_a_hint():
    X, y = _data()
    Xs = X.astype(str)
    Xs[3, 1] = "n/a"
    with pytest.raises(ValueError):
        sk.Lasso().fit(Xs, y)
    with pytest.raises(TypeError, match=r"converting it to float64 failed.*n/a.*encode"):
        shrinkage.Lasso().fit(Xs, y)


# ---------------------------------------------------------------------------
# 7. user-supplied Gram matrices
# ---------------------------------------------------------------------------

def _run(fn):
    """('ok', result, warning messages) or ('error', type, message)."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn()
        return "ok", out, sorted({str(w.message) for w in caught
                                  if issubclass(w.category, UserWarning)
                                  and "Gram" in str(w.message)})
    except ValueError as exc:
        return "error", ValueError, str(exc).split(" For element")[0]


def _gram_cases():
    X, y = _data(60, 6, seed=3)
    X = X + 1.0  # not centred
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    return {
        "uncentred-intercept": lambda m: m.Lasso(alpha=0.05, precompute=X.T @ X).fit(X, y).coef_,
        "centred-ok": lambda m: m.Lasso(alpha=0.05, precompute=Xc.T @ Xc,
                                        fit_intercept=False).fit(Xc, yc).coef_,
        "wrong": lambda m: m.Lasso(alpha=0.05, precompute=np.eye(6),
                                   fit_intercept=False).fit(Xc, yc).coef_,
        "unweighted-for-weighted": lambda m: m.ElasticNet(
            alpha=0.05, precompute=Xc.T @ Xc, fit_intercept=False).fit(
                Xc, yc, sample_weight=sw).coef_,
        "path-wrong": lambda m: m.lasso_path(Xc, yc, precompute=np.eye(6), alphas=[0.1])[1],
        "path-ok": lambda m: m.lasso_path(Xc, yc, precompute=Xc.T @ Xc, Xy=Xc.T @ yc,
                                          alphas=[0.1, 0.01])[1],
        "enet-path-wrong": lambda m: m.enet_path(Xc, yc, precompute=2 * Xc.T @ Xc,
                                                 alphas=[0.1])[1],
        "LassoCV-intercept": lambda m: m.LassoCV(precompute=X.T @ X, cv=3).fit(X, y).alpha_,
        "LassoCV-no-intercept": lambda m: m.LassoCV(precompute=Xc.T @ Xc, cv=3,
                                                    fit_intercept=False).fit(Xc, yc).alpha_,
        "ElasticNetCV-intercept": lambda m: m.ElasticNetCV(precompute=X.T @ X,
                                                           cv=3).fit(X, y).alpha_,
    }


@pytest.mark.parametrize("case", sorted(_gram_cases()))
def test_user_gram_handled_as_sklearn(case):
    fn = _gram_cases()[case]
    ours, theirs = _run(lambda: fn(shrinkage)), _run(lambda: fn(sk))
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[2] == theirs[2]  # scikit-learn's message, up to the numbers
        return
    assert ours[2] == theirs[2]  # the same Gram warnings (deduplicated)
    if case.endswith("CV-intercept"):
        # the Gram is recomputed: the fit of precompute='auto' (whose alpha_
        # may differ from scikit-learn's on a flat CV curve at tol=1e-4)
        X, y = _data(60, 6, seed=3)
        auto = _quiet_fit(getattr(shrinkage, case.split("-")[0])(cv=3), X + 1.0, y)
        assert ours[1] == auto.alpha_
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------------
# 8. warnings of cross-validation
# ---------------------------------------------------------------------------

def _convergence_warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w for w in caught
            if issubclass(w.category, sklearn.exceptions.ConvergenceWarning)]


def _fit_failures(X, y, folds, alphas, max_iter, tol, l1_ratio=1.0):
    """Solves that do not converge, counted from shrinkage's own path on
    each training fold and the refit: the number of warnings expected."""
    count = 0
    for train, _ in folds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, _, gaps = shrinkage.enet_path(X[train], y[train], l1_ratio=l1_ratio,
                                             alphas=alphas, max_iter=max_iter,
                                             tol=tol, fit_intercept=True)
        yc = y[train] - y[train].mean()
        count += int(np.sum(gaps > tol * (yc @ yc) / len(train)))
    return count


@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV"])
def test_one_convergence_warning_per_failing_fit(name):
    X, y = _data(60, 8, seed=5)
    X[:, 1] = X[:, 0] + 1e-3 * X[:, 1]  # correlated: slow coordinate descent
    from sklearn.model_selection import KFold
    folds = list(KFold(3).split(X))
    alphas = np.geomspace(1.0, 1e-4, 6)
    kw = dict(cv=3, alphas=alphas, max_iter=2, tol=1e-12)
    ours = _convergence_warnings(lambda: getattr(shrinkage, name)(**kw).fit(X, y))
    theirs = _convergence_warnings(lambda: getattr(sk, name)(**kw).fit(X, y))
    # scikit-learn warns once per failing fit (fold, alpha) and for the
    # refit; so does shrinkage, for its own failing fits
    expected = _fit_failures(X, y, folds, alphas, 2, 1e-12,
                             l1_ratio=1.0 if name == "LassoCV" else 0.5)
    assert expected > 1
    assert len(ours) == expected + 1
    assert len(theirs) > 1
    # one message per fit: the default filter shows it once
    assert len({str(w.message) for w in ours[:-1]}) == 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        getattr(shrinkage, name)(**kw).fit(X, y)
    assert len(caught) <= 2


def test_all_zero_weights_in_a_test_fold_raise_like_sklearn():
    X, y = _data(300, 4)
    sw = np.ones(300)
    sw[:100] = 0.0  # the first of 3 contiguous folds
    for precompute in ("auto", False):
        with pytest.raises(ZeroDivisionError, match="Weights sum to zero"):
            sk.ElasticNetCV(cv=3, precompute=precompute).fit(X, y, sample_weight=sw)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no RuntimeWarning on the way
            with pytest.raises(ZeroDivisionError, match="Weights sum to zero.*fold 0"):
                shrinkage.ElasticNetCV(cv=3, precompute=precompute).fit(
                    X, y, sample_weight=sw)


# ---------------------------------------------------------------------------
# 4. groups and other metadata routed to the CV splitter
# ---------------------------------------------------------------------------

CV_ROUTING = {"LassoCV": dict(alphas=4), "ElasticNetCV": dict(alphas=4),
              "RidgeCV": dict(alphas=[0.1, 1.0, 10.0])}


def _outcome(fn):
    try:
        return "ok", fn()
    except (ValueError, TypeError) as exc:
        return type(exc).__name__, str(exc).split(" See the")[0].split(" which")[0]


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("cv", ["GroupKFold", "int", "None"])
@pytest.mark.parametrize("name", sorted(CV_ROUTING))
def test_groups_routed_to_the_splitter_as_sklearn(name, cv, routing):
    from sklearn.model_selection import GroupKFold

    X, y = _data(36, 4)
    groups = np.repeat(np.arange(6), 6)
    make_cv = {"GroupKFold": lambda: GroupKFold(3), "int": lambda: 3, "None": lambda: None}[cv]

    def fit(module, **params):
        est = getattr(module, name)(cv=make_cv(), **CV_ROUTING[name])
        return _quiet_fit(est, X, y, **params)

    with sklearn.config_context(enable_metadata_routing=routing):
        ours = _outcome(lambda: fit(shrinkage, groups=groups))
        theirs = _outcome(lambda: fit(sk, groups=groups))
        assert ours[0] == theirs[0], (ours, theirs)
        if ours[0] != "ok":
            if not (name == "RidgeCV" and cv == "int"):  # scikit-learn names its GridSearchCV
                assert ours[1] == theirs[1]
            return
        # the folds are GroupKFold's on these groups: the same as passing them
        folds = list(GroupKFold(3).split(X, y, groups))
        explicit = _quiet_fit(getattr(shrinkage, name)(cv=folds, **CV_ROUTING[name]), X, y)
        assert ours[1].alpha_ == explicit.alpha_
        np.testing.assert_array_equal(ours[1].coef_, explicit.coef_)
        if name != "RidgeCV":
            np.testing.assert_array_equal(ours[1].mse_path_, explicit.mse_path_)
        assert ours[1].alpha_ == pytest.approx(theirs[1].alpha_, rel=1e-6)
        # a splitter that needs groups and gets none fails as scikit-learn's
        if cv == "GroupKFold":
            with pytest.raises(ValueError, match="groups.*should not be None"):
                fit(shrinkage)


# ---------------------------------------------------------------------------
# 5. verbose
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn", ["lasso_path", "enet_path"])
def test_verbose_path_reports_each_alpha_on_stderr(fn, capsys):
    X, y = _data(50, 6)
    alphas = np.geomspace(1.0, 1e-3, 7)
    quiet = getattr(shrinkage, fn)(X, y, alphas=alphas, verbose=0)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    loud = getattr(shrinkage, fn)(X, y, alphas=alphas, verbose=1)
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == len(alphas)
    for i, line in enumerate(lines):
        assert line.startswith(f"{fn}: alpha {i + 1}/{len(alphas)} = {alphas[i]:.4g}:")
        assert f"{np.count_nonzero(loud[1][:, i])} nonzero" in line
    # reporting does not change the result
    np.testing.assert_array_equal(quiet[1], loud[1])


@pytest.mark.parametrize("n_jobs", [None, 2])
@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV"])
def test_verbose_cv_reports_each_fold_on_stderr(name, n_jobs, capsys):
    X, y = _data(60, 5)
    kw = dict(cv=4, alphas=6, n_jobs=n_jobs)
    if name == "ElasticNetCV":
        kw["l1_ratio"] = [0.5, 1.0]
    quiet = getattr(shrinkage, name)(verbose=0, **kw).fit(X, y)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    loud = getattr(shrinkage, name)(verbose=1, **kw).fit(X, y)
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.strip().splitlines()
    n_ratios = 2 if name == "ElasticNetCV" else 1
    fold_lines = [ln for ln in lines if ": fold " in ln]
    assert len(fold_lines) == 4 * n_ratios
    mse = loud.mse_path_.reshape(n_ratios, 6, 4)
    for line_no, line in enumerate(fold_lines):
        i, k = divmod(line_no, 4)
        assert line.startswith(f"{name}: fold {k + 1}/4")
        assert f"held-out MSE {mse[i, :, k].min():.4g}" in line
    assert lines[-1].startswith(f"{name}: refit on all 60 samples at alpha {loud.alpha_:.4g}")
    np.testing.assert_array_equal(quiet.mse_path_, loud.mse_path_)
    np.testing.assert_array_equal(quiet.coef_, loud.coef_)


# ---------------------------------------------------------------------------
# 6. sparse X with covariance updates
# ---------------------------------------------------------------------------

def _sparse_tall(n=300, p=12, seed=4):
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.25, format="csc", random_state=seed,
                  data_rvs=lambda k: rng.uniform(0.5, 3.0, k))
    y = X @ rng.standard_normal(p) + 0.2 * rng.standard_normal(n) + 1.0
    return X, y, rng.uniform(0.2, 2.0, n)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", ["ElasticNet", "Lasso"])
def test_sparse_precompute_true_uses_the_gram(name, weighted, fit_intercept):
    from shrinkage._enet import make_design

    X, y, sw = _sparse_tall()
    sw = sw if weighted else None
    kw = dict(alpha=0.01, tol=1e-14, max_iter=100_000, fit_intercept=fit_intercept)
    gram = getattr(shrinkage, name)(precompute=True, **kw).fit(X, y, sample_weight=sw)
    naive = getattr(shrinkage, name)(precompute=False, **kw).fit(X, y, sample_weight=sw)
    theirs = getattr(sk, name)(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(gram.coef_, naive.coef_, rtol=0, atol=1e-11)
    np.testing.assert_allclose(gram.coef_, theirs.coef_, rtol=0, atol=1e-9)
    assert gram.intercept_ == pytest.approx(theirs.intercept_, abs=1e-9)
    # the covariance solver, from the centred Gram of the sparse X
    design = make_design(X, sw, fit_intercept, True)
    assert design.method == "gram"
    Xd = X.toarray()
    s = np.ones(len(y)) if sw is None else sw * len(y) / sw.sum()
    Xc = Xd - s @ Xd / len(y) if fit_intercept else Xd
    np.testing.assert_allclose(design.cache.to_array(), Xc.T @ (s[:, None] * Xc),
                               rtol=1e-12, atol=1e-10)


def test_sparse_auto_follows_the_dense_rule():
    import scipy.sparse as sp

    from shrinkage._enet import make_design
    from shrinkage._enet.solve import choose_method

    tall, _, _ = _sparse_tall(300, 12)
    wide = sp.random(30, 100, density=0.2, format="csc", random_state=0)
    for X in (tall, wide):
        for n_solves in (1, 100):
            expected = choose_method(*X.shape, "auto", n_solves)
            assert make_design(X, None, True, "auto", n_solves=n_solves).method == expected
    assert make_design(tall, None, True, "auto").method == "gram"
    assert make_design(wide, None, True, "auto").method == "naive"


def test_sparse_gram_declined_when_centring_would_cancel():
    from shrinkage._enet import make_design

    X, y, _ = _sparse_tall()
    X = X.tolil()
    X[:, 0] = 1e6 + np.random.default_rng(0).uniform(0, 1e-2, (X.shape[0], 1))
    X = X.tocsc()
    assert make_design(X, None, True, True).method == "naive"
    assert make_design(X, None, False, True).method == "gram"
    kw = dict(alpha=0.01, tol=1e-12, max_iter=100_000)
    np.testing.assert_array_equal(shrinkage.Lasso(precompute=True, **kw).fit(X, y).coef_,
                                  shrinkage.Lasso(precompute=False, **kw).fit(X, y).coef_)
