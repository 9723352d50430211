"""The lean route of small dense fits (shrinkage._enet.lean, issue 19).

Small float64 fits skip the general route's Python steps but must give its
results bit for bit: every test here fits twice, once with the lean route
disabled, and compares coefficients, intercepts, gaps, pass counts and
warnings exactly.
"""

import itertools
import warnings

import numpy as np
import pytest

import shrinkage
from shrinkage import ElasticNet, Lasso
from shrinkage import _coordinate_descent as cd
from shrinkage._enet import lean


def _fit_both(monkeypatch, make_model, X, y, **fit_kw):
    """(lean result, general result, whether the lean route ran)."""
    calls = []
    real = lean.lean_fit

    def counting(est, X, y):
        done = real(est, X, y)
        calls.append(done)
        return done

    results = []
    for patched in (counting, lambda est, X, y: False):
        monkeypatch.setattr(cd, "lean_fit", patched)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = make_model().fit(X, y, **fit_kw)
        results.append((m, [(w.category, str(w.message)) for w in caught]))
    monkeypatch.setattr(cd, "lean_fit", real)
    return results[0], results[1], any(calls)


def _assert_same(a, b):
    (ma, wa), (mb, wb) = a, b
    assert np.array_equal(ma.coef_, mb.coef_)
    assert ma.coef_.dtype == mb.coef_.dtype and ma.coef_.shape == mb.coef_.shape
    assert type(ma.intercept_) is type(mb.intercept_)
    assert np.array_equal(ma.intercept_, mb.intercept_)
    assert type(ma.dual_gap_) is type(mb.dual_gap_)
    assert ma.dual_gap_ == mb.dual_gap_
    assert type(ma.n_iter_) is type(mb.n_iter_) and ma.n_iter_ == mb.n_iter_
    assert ma.n_features_in_ == mb.n_features_in_
    assert wa == wb
    assert np.array_equal(ma.predict(np.ones((2, ma.n_features_in_))),
                          mb.predict(np.ones((2, mb.n_features_in_))))


def _problem(n, p, seed, order="C", offset=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * scale + offset
    w = rng.standard_normal(p) * (rng.random(p) < 0.5)
    y = X @ w + 0.3 * rng.standard_normal(n) + 2.0
    return (np.asfortranarray(X) if order == "F" else np.ascontiguousarray(X)), y


def _lambda_max(X, y):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return float(np.max(np.abs(Xc.T @ yc))) / len(y)


SHAPES = [(2, 1), (3, 3), (20, 1), (50, 10), (200, 10), (120, 40), (41, 40)]


@pytest.mark.parametrize("n, p", SHAPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_bit_identical_to_the_general_route(monkeypatch, n, p, order):
    X, y = _problem(n, p, seed=n * 100 + p, order=order)
    lmax = _lambda_max(X, y)
    for frac, l1_ratio, fit_intercept, positive in itertools.product(
            (1.5, 0.3, 0.01), (1.0, 0.5, 0.05), (True, False), (False, True)):
        alpha = frac * lmax

        def make():
            return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                              positive=positive)

        a, b, ran = _fit_both(monkeypatch, make, X, y)
        assert ran
        _assert_same(a, b)


@pytest.mark.parametrize("kw", [dict(max_iter=1, tol=1e-12), dict(tol=0.0, max_iter=3),
                                dict(tol=1e-10), dict(precompute=True), dict(alpha=1)])
def test_options_and_convergence_warnings_match(monkeypatch, kw):
    X, y = _problem(80, 12, seed=3)
    X[:, 1] = X[:, 0] + 1e-3 * X[:, 1]  # correlated: slow to converge
    params = dict(alpha=0.01)
    params.update(kw)
    a, b, ran = _fit_both(monkeypatch, lambda: Lasso(**params), X, y)
    assert ran
    _assert_same(a, b)
    if kw.get("max_iter") == 1:
        assert a[1] and issubclass(a[1][0][0], shrinkage.ConvergenceWarning)


@pytest.mark.parametrize("case", [
    "float32", "list", "2d_y", "wide", "many_features", "weights", "strided", "strided_y",
    "warm_start", "penalty_factor", "random", "precompute_false", "numpy_alpha",
    "n_jobs", "constant_column", "huge_scale", "tiny_scale", "huge_y", "nan_free_int_y",
    "bounds", "infinite_bounds",
])
def test_other_inputs_take_the_general_route(monkeypatch, case):
    """Inputs the lean route does not handle give the general route's
    answer (the lean route declines before setting anything)."""
    X, y = _problem(60, 8, seed=7)
    params, fit_kw = dict(alpha=0.05), {}
    if case == "float32":
        X = X.astype(np.float32)
    elif case == "list":
        X = X.tolist()
    elif case == "2d_y":
        y = y.reshape(-1, 1)
    elif case == "wide":
        X, y = _problem(8, 30, seed=7)
    elif case == "many_features":
        X, y = _problem(100, 41, seed=7)
    elif case == "weights":
        fit_kw = dict(sample_weight=np.linspace(0.5, 2.0, 60))
    elif case == "strided":
        X = np.asfortranarray(np.repeat(X, 2, axis=1))[:, ::2]
    elif case == "strided_y":
        y = np.repeat(y, 2)[::2]
    elif case == "warm_start":
        params["warm_start"] = True
    elif case == "penalty_factor":
        params["penalty_factor"] = np.linspace(0.5, 1.5, 8)
    elif case == "random":
        params.update(selection="random", random_state=0)
    elif case == "precompute_false":
        params["precompute"] = False
    elif case == "numpy_alpha":
        params["alpha"] = np.float64(0.05)
    elif case == "n_jobs":
        params["n_jobs"] = 2
    elif case == "constant_column":
        X[:, 3] = 4.0
    elif case == "huge_scale":
        X = X * 1e60
    elif case == "tiny_scale":
        X = X * 1e-60
    elif case == "huge_y":
        y = y * 1e60
    elif case == "bounds":
        params.update(lower_bounds=-0.1, upper_bounds=0.5)
    elif case == "infinite_bounds":
        params.update(lower_bounds=-np.inf, upper_bounds=np.inf)
    elif case == "nan_free_int_y":
        y = np.round(y).astype(np.int64)
    a, b, ran = _fit_both(monkeypatch, lambda: Lasso(**params), X, y, **fit_kw)
    assert not ran
    _assert_same(a, b)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["X", "y"])
def test_non_finite_values_raise_as_before(bad, where):
    X, y = _problem(30, 5, seed=1)
    if where == "X":
        X[4, 2] = bad
    else:
        y[7] = bad
    with pytest.raises(ValueError, match="NaN|infinity|finite"):
        Lasso(alpha=0.1).fit(X, y)


def test_bad_parameters_still_raise():
    X, y = _problem(30, 5, seed=1)
    for kw, err in [(dict(alpha=-1.0), ValueError), (dict(tol=-1.0), ValueError),
                    (dict(max_iter=0), ValueError), (dict(alpha="a"), TypeError),
                    (dict(fit_intercept=1), TypeError), (dict(selection="x"), ValueError),
                    (dict(alpha=np.inf), ValueError)]:
        with pytest.raises(err):
            Lasso(**kw).fit(X, y)
    with pytest.warns(UserWarning, match="alpha=0"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", shrinkage.ConvergenceWarning)
            Lasso(alpha=0.0).fit(X, y)


def test_no_mutation_and_refit_clears_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = _problem(40, 6, seed=2)
    X0, y0 = X.copy(), y.copy()
    m = Lasso(alpha=0.05).fit(pd.DataFrame(X, columns=[f"f{j}" for j in range(6)]), y)
    assert hasattr(m, "feature_names_in_")
    m.fit(X, y)  # the lean route
    assert not hasattr(m, "feature_names_in_")
    assert np.array_equal(X, X0) and np.array_equal(y, y0)
    assert not np.shares_memory(m.coef_, X) and not np.shares_memory(m.coef_, y)
