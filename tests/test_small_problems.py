"""Many small problems: several targets in one fit, ``n_jobs`` over targets,
:func:`shrinkage.fit_many` over independent designs, and the plain-array
fast path of ``predict``.

The contract under test is exactness: a target of a multi-target fit, or a
problem of ``fit_many``, gets bit for bit the result of fitting it alone,
whatever the other targets and whatever ``n_jobs``.
"""

import warnings

import numpy as np
import pytest

import shrinkage as sh
from _helpers import enet_objective


def _problem(n, p, k, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    B = rng.standard_normal((p, k)) * (rng.random((p, 1)) < 0.3)
    Y = X @ B + rng.standard_normal((n, k)) * rng.uniform(0.1, 3.0, k)
    return X, Y


def _same_fit(single, multi, k):
    """The single fit equals row ``k`` of the multi-target fit, bit for bit."""
    assert np.array_equal(single.coef_, multi.coef_[k])
    assert single.intercept_ == multi.intercept_[k]
    assert single.dual_gap_ == multi.dual_gap_[k]
    assert single.n_iter_ == multi.n_iter_[k]


ENET_CASES = [
    # (estimator, shape): Gram and naive updates, n > p and p > n
    (dict(cls=sh.Lasso, alpha=0.1), (200, 10)),
    (dict(cls=sh.ElasticNet, alpha=0.1, l1_ratio=0.5), (200, 10)),
    (dict(cls=sh.Lasso, alpha=0.02, precompute=True), (60, 30)),
    (dict(cls=sh.Lasso, alpha=0.02, precompute=False), (60, 30)),
    (dict(cls=sh.ElasticNet, alpha=0.05, l1_ratio=0.7, precompute=True), (30, 80)),
    (dict(cls=sh.Lasso, alpha=0.05, precompute=False), (30, 80)),
    (dict(cls=sh.Lasso, alpha=0.05, fit_intercept=False, precompute=False), (50, 20)),
    (dict(cls=sh.Lasso, alpha=0.05, positive=True, precompute=True), (80, 15)),
    (dict(cls=sh.Lasso, alpha=0.05, selection="random", random_state=3,
          precompute=False), (80, 15)),
]


def _make(spec, **extra):
    spec = dict(spec)
    cls = spec.pop("cls")
    return cls(**spec, tol=1e-8, max_iter=5000, **extra)


@pytest.mark.parametrize("spec,shape", ENET_CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_each_target_equals_its_own_fit(spec, shape, weighted):
    n, p = shape
    X, Y = _problem(n, p, 7, seed=p, offset=2.0)
    sw = np.random.default_rng(1).uniform(0.2, 2.0, n) if weighted else None
    multi = _make(spec).fit(X, Y, sample_weight=sw)
    assert multi.coef_.shape == (7, p)
    for k in range(Y.shape[1]):
        single = _make(spec).fit(X, Y[:, k], sample_weight=sw)
        _same_fit(single, multi, k)


@pytest.mark.parametrize("spec,shape", ENET_CASES[:6])
@pytest.mark.parametrize("n_jobs", [2, 3, -1, None])
def test_n_jobs_changes_no_bit(spec, shape, n_jobs):
    n, p = shape
    X, Y = _problem(n, p, 11, seed=2 * p)
    ref = _make(spec).fit(X, Y)
    threaded = _make(spec, n_jobs=n_jobs).fit(X, Y)
    for k in range(Y.shape[1]):
        assert np.array_equal(threaded.coef_[k], ref.coef_[k])
        assert threaded.intercept_[k] == ref.intercept_[k]
        assert threaded.dual_gap_[k] == ref.dual_gap_[k]
        assert threaded.n_iter_[k] == ref.n_iter_[k]


def test_many_targets_certified_and_optimal():
    """Every target of a large fit is certified by its gap and its objective
    is no worse than that of a tight independent reference solve."""
    X, Y = _problem(100, 8, 300, seed=5)
    alpha = 0.05
    model = sh.Lasso(alpha=alpha, tol=1e-10, n_jobs=2).fit(X, Y)
    yc = Y - Y.mean(axis=0)
    assert np.all(model.dual_gap_ <= 1e-10 * (yc * yc).sum(axis=0) / len(Y))
    for k in range(0, 300, 37):
        w_ref = _cd_reference(X, Y[:, k], alpha)
        b_ref = Y[:, k].mean() - X.mean(axis=0) @ w_ref
        mine = enet_objective(X, Y[:, k], model.coef_[k], model.intercept_[k], alpha)
        ref = enet_objective(X, Y[:, k], w_ref, b_ref, alpha)
        assert mine <= ref + 1e-10 * abs(ref)


def _cd_reference(X, y, alpha, sweeps=3000):
    """Plain cyclic coordinate descent on centred data (the test's own)."""
    n = len(y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    h = (Xc * Xc).sum(axis=0)
    w = np.zeros(X.shape[1])
    r = yc.copy()
    for _ in range(sweeps):
        for j in range(X.shape[1]):
            z = h[j] * w[j] + Xc[:, j] @ r
            new = np.sign(z) * max(abs(z) - alpha * n, 0.0) / h[j]
            r -= (new - w[j]) * Xc[:, j]
            w[j] = new
    return w


def test_multi_target_warnings_name_the_target():
    X, Y = _problem(40, 60, 3, seed=7)
    with pytest.warns(sh.ConvergenceWarning, match=r"target \d"):
        sh.Lasso(alpha=1e-4, max_iter=2, tol=1e-12, precompute=False,
                 n_jobs=2).fit(X, Y)


@pytest.mark.parametrize("bad,err", [(0, ValueError), (1.5, TypeError),
                                     ("2", TypeError), (True, TypeError)])
def test_n_jobs_validated(bad, err):
    X, Y = _problem(30, 5, 2)
    with pytest.raises(err, match="n_jobs"):
        sh.Lasso(alpha=0.1, n_jobs=bad).fit(X, Y)
    with pytest.raises(err, match="n_jobs"):
        sh.fit_many(sh.Lasso(alpha=0.1), [(X, Y[:, 0])], n_jobs=bad)


def test_n_jobs_is_a_parameter():
    est = sh.ElasticNet(n_jobs=3)
    assert est.get_params()["n_jobs"] == 3
    assert sh.Lasso().get_params()["n_jobs"] == 1
    assert sh.Lasso().set_params(n_jobs=-1).n_jobs == -1


# ---------------------------------------------------------------------------
# fit_many
# ---------------------------------------------------------------------------

def _groups(m, p=6, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(m):
        n = int(rng.integers(20, 80))
        X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
        y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.5)) + rng.standard_normal(n)
        out.append((X, y))
    return out


@pytest.mark.parametrize("estimator", [
    sh.Lasso(alpha=0.05), sh.ElasticNet(alpha=0.1, l1_ratio=0.3, precompute=False),
    sh.Ridge(alpha=2.0), sh.LinearRegression()])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_fit_many_equals_separate_fits(estimator, n_jobs):
    problems = _groups(13)
    weights = [None if i % 3 else np.linspace(0.5, 1.5, len(y))
               for i, (_, y) in enumerate(problems)]
    fits = sh.fit_many(estimator, problems, sample_weights=weights, n_jobs=n_jobs)
    assert fits.coef.shape == (13, 6) and fits.intercept.shape == (13,)
    for i, ((X, y), sw) in enumerate(zip(problems, weights)):
        alone = type(estimator)(**estimator.get_params()).fit(X, y, sample_weight=sw)
        assert np.array_equal(fits.coef[i], alone.coef_)
        assert fits.intercept[i] == alone.intercept_
        if hasattr(alone, "dual_gap_"):
            assert fits.dual_gap[i] == alone.dual_gap_
            assert fits.n_iter[i] == alone.n_iter_
        else:
            assert fits.dual_gap is None
    assert not hasattr(estimator, "coef_")  # the template is left unfitted


def test_fit_many_multi_target_problems():
    problems = [(X, np.column_stack([y, -2 * y + 1])) for X, y in _groups(4)]
    fits = sh.fit_many(sh.Lasso(alpha=0.1), problems, n_jobs=2)
    assert fits.coef.shape == (4, 2, 6) and fits.dual_gap.shape == (4, 2)
    for i, (X, Y) in enumerate(problems):
        assert np.array_equal(fits.coef[i], sh.Lasso(alpha=0.1).fit(X, Y).coef_)


def test_fit_many_no_warm_start_between_problems():
    problems = _groups(5)
    est = sh.Lasso(alpha=0.05, warm_start=True)
    fits = sh.fit_many(est, problems)
    for i, (X, y) in enumerate(problems):
        assert np.array_equal(fits.coef[i], sh.Lasso(alpha=0.05).fit(X, y).coef_)


def test_fit_many_validation():
    problems = _groups(3)
    with pytest.raises(ValueError, match="empty"):
        sh.fit_many(sh.Lasso(), [])
    with pytest.raises(TypeError, match=r"problems\[1\]"):
        sh.fit_many(sh.Lasso(), [problems[0], problems[1][0]])
    with pytest.raises(ValueError, match="sample_weights"):
        sh.fit_many(sh.Lasso(), problems, sample_weights=[None])
    with pytest.raises(TypeError, match="estimator"):
        sh.fit_many(object(), problems)
    bad = [problems[0], (problems[1][0][:, :3], problems[1][1])]
    with pytest.raises(ValueError, match="same number of features"):
        sh.fit_many(sh.Lasso(alpha=0.1), bad)
    nan = [problems[0], (np.full((5, 6), np.nan), np.ones(5))]
    with pytest.raises(ValueError, match="NaN") as info:
        sh.fit_many(sh.Lasso(alpha=0.1), nan, n_jobs=2)
    assert any("problems[1]" in note for note in getattr(info.value, "__notes__", []))
    with pytest.raises(ValueError, match="alpha"):
        sh.fit_many(sh.Lasso(alpha=-1.0), problems)


# ---------------------------------------------------------------------------
# predict's plain-array path
# ---------------------------------------------------------------------------

class _Subclass(np.ndarray):
    pass


@pytest.mark.parametrize("order", ["C", "F"])
def test_predict_plain_array_matches_checked_path(order):
    X, Y = _problem(50, 5, 2, seed=3)
    for model in (sh.Lasso(alpha=0.05).fit(X, Y[:, 0]), sh.Ridge().fit(X, Y)):
        Xo = np.asarray(X, order=order)
        fast = model.predict(Xo)
        # a subclass takes the checked route, on the same memory layout
        checked = model.predict(Xo.view(_Subclass))
        assert type(checked) is np.ndarray
        assert np.array_equal(fast, checked)


def test_predict_plain_array_still_checks():
    X, Y = _problem(50, 5, 1, seed=3)
    model = sh.Lasso(alpha=0.05).fit(X, Y[:, 0])
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.predict(bad)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :4])
    with pytest.raises(sh.NotFittedError):
        sh.Lasso().predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.predict(X[::2]).shape == (25,)  # strided: the checked route


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sparse_targets_equal_their_own_fits(n_jobs):
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(11)
    X = sparse.random(80, 40, density=0.2, format="csc", random_state=3)
    Y = np.asarray(X @ rng.standard_normal((40, 5))) + rng.standard_normal((80, 5))
    multi = sh.Lasso(alpha=0.01, tol=1e-8, n_jobs=n_jobs).fit(X, Y)
    for k in range(5):
        _same_fit(sh.Lasso(alpha=0.01, tol=1e-8).fit(X, Y[:, k]), multi, k)


@pytest.mark.filterwarnings("ignore::shrinkage.ConvergenceWarning")  # one alpha for all scales
@pytest.mark.parametrize("n_jobs", [1, 3])
def test_extreme_scales_targets_equal_their_own_fits(n_jobs):
    """Targets rescaled internally (|y| near float64's ends) and a design
    rescaled for its column norms keep the per-target identity."""
    X, Y = _problem(60, 6, 4, seed=9)
    Y = Y * np.array([1.0, 1e160, 1e-160, 3.0])
    for Xs in (X, X * 1e170):
        multi = sh.Lasso(alpha=0.01, n_jobs=n_jobs).fit(Xs, Y)
        for k in range(4):
            _same_fit(sh.Lasso(alpha=0.01).fit(Xs, Y[:, k]), multi, k)


@pytest.mark.parametrize("case", ["plain", "weighted", "pf", "rescaled", "zero", "nan_free",
                                  "not_converged", "threads"])
def test_target_batch_kernel_is_the_python_loop(case, monkeypatch):
    """The covariance solves of a multi-target fit run in one kernel call
    (_gram_batch.gram_targets), which hands targets needing rescaling back
    to the Python loop; both give the same bits and the same warnings."""
    from shrinkage._enet import design as design_module

    X, Y = _problem(120, 9, 12, seed=4, offset=1.0)
    kw, fit_kw = dict(alpha=0.05, precompute=True), {}
    if case == "weighted":
        fit_kw["sample_weight"] = np.random.default_rng(2).uniform(0.3, 3.0, 120)
    elif case == "pf":
        kw["penalty_factor"] = np.array([0.0, 1, 1, 2, 1, 0.5, 1, 1, 0.0])
    elif case == "rescaled":
        Y[:, 3] *= 1e60   # handed back: its scale needs the exact rescaling
        Y[:, 7] *= 1e-60
    elif case == "zero":
        Y[:, 5] = 0.0
    elif case == "not_converged":
        kw.update(max_iter=2, tol=1e-14)
        X[:, 1] = X[:, 0] + 1e-4 * X[:, 1]
    elif case == "threads":
        kw["n_jobs"] = 3
    results = []
    for batch in (True, False):
        monkeypatch.setattr(design_module.Design, "batch_targets", batch)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = sh.ElasticNet(l1_ratio=0.8, **kw).fit(X, Y, **fit_kw)
        results.append((m, sorted(str(w.message) for w in caught)))
    (a, wa), (b, wb) = results
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_)
    assert np.array_equal(a.dual_gap_, b.dual_gap_) and a.n_iter_ == b.n_iter_
    assert wa == wb
    if case == "not_converged":
        assert len(wa) > 1
