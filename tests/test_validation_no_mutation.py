"""No call modifies the caller's data.

``X``, ``y``, ``sample_weight``, ``penalty_factor``, ``alphas``,
``coef_init``, ``Xy`` and a user Gram are compared bit for bit (values,
dtype, layout) before and after every call, and additionally passed
read-only so that any write raises on the spot. Covers every exported
estimator (fit, predict, score, refits with warm start) and the path
functions.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage

from _helpers import exported_estimators, make_estimator, targets_for

FAST = {
    "MultiTaskLasso": dict(alpha=0.01),
    "MultiTaskElasticNet": dict(alpha=0.01),
    "MultiTaskLassoCV": dict(cv=3, alphas=5),
    "MultiTaskElasticNetCV": dict(cv=3, alphas=5),
    "Lasso": dict(alpha=0.01),
    "ElasticNet": dict(alpha=0.01),
    "RelaxedLasso": dict(alpha=0.01),
    "LassoCV": dict(cv=3, alphas=5),
    "ElasticNetCV": dict(cv=3, alphas=5),
    "RelaxedLassoCV": dict(cv=3, alphas=5, gammas=(0.0, 1.0)),
    "RidgeCV": dict(alphas=(0.1, 1.0)),
}
ESTIMATORS = exported_estimators()


def make(name, **kw):
    return make_estimator(name, FAST, **kw)


class Frozen:
    """A snapshot of arrays to compare bit for bit later."""

    def __init__(self, **arrays):
        self.arrays = arrays
        self.copies = {k: self._snap(v) for k, v in arrays.items()}

    @staticmethod
    def _parts(a):
        if a.format == "coo":
            return (a.data, a.row, a.col)
        return (a.data, a.indices, a.indptr)

    def _snap(self, a):
        if sp.issparse(a):
            return (a.format, a.shape, [x.copy() for x in self._parts(a)])
        return (np.array(a, copy=True, order="K"), a.dtype, a.flags.c_contiguous,
                a.flags.f_contiguous, a.shape, a.strides)

    def check(self):
        for k, a in self.arrays.items():
            old = self.copies[k]
            if sp.issparse(a):
                assert a.format == old[0] and a.shape == old[1], k
                for new, before in zip(self._parts(a), old[2]):
                    assert new.dtype == before.dtype, k
                    assert new.tobytes() == before.tobytes(), k
            else:
                arr, dtype, c, f, shape, strides = old
                assert a.dtype == dtype and a.shape == shape and a.strides == strides, k
                assert a.flags.c_contiguous == c and a.flags.f_contiguous == f, k
                # bit for bit (tells -0.0 from 0.0, NaN payloads included)
                assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(arr).tobytes(), k


def read_only(a):
    a = np.array(a, copy=True, order="K")
    a.setflags(write=False)
    return a


def inputs(order, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 6))
    y = X @ [1.0, 0.0, -2.0, 0.0, 0.5, 0.0] + 0.2 * rng.standard_normal(40) + 1.0
    X = np.asarray(X, dtype=dtype, order=order)
    return X, np.asarray(y, dtype=dtype)


@pytest.mark.parametrize("order, dtype", [("C", np.float64), ("F", np.float64),
                                          ("C", np.float32), ("F", np.int64)])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimator_never_writes_inputs(name, order, dtype):
    X, y = inputs(order, dtype)
    y = targets_for(name, y)
    if dtype == np.int64:
        y = np.round(y * 10).astype(np.int64)
    sw = np.linspace(0.5, 2.0, len(y))
    X, y, sw = read_only(X), read_only(y), read_only(sw)
    frozen = Frozen(X=X, y=y, sw=sw)
    params = make(name).get_params()
    kw = {}
    pf = None
    if "penalty_factor" in params:
        # the multi-task models take factors > 0 only (documented)
        zero = 0.1 if name.startswith("MultiTask") else 0.0
        pf = read_only(np.array([1.0, 0.5, 2.0, 1.0, zero, 1.0]))
        kw["penalty_factor"] = pf
        frozen = Frozen(X=X, y=y, sw=sw, pf=pf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = make(name, **kw).fit(X, y, sample_weight=sw)
        est.predict(X)
        est.score(X, y, sample_weight=sw)
        if "warm_start" in params:
            est.set_params(warm_start=True)
            old_coef = est.coef_
            held = np.array(old_coef, copy=True)
            est.fit(X, y, sample_weight=sw)
            # the previous coef_ array the user may hold is not overwritten
            np.testing.assert_array_equal(old_coef, held)
    frozen.check()


@pytest.mark.parametrize("fmt", ["csc", "csr", "coo"])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_sparse_inputs_not_written(name, fmt):
    if not make(name)._accepts_sparse():
        pytest.skip(f"{name} rejects sparse input (tested in test_validation)")
    X, y = inputs("C", np.float64)
    y = targets_for(name, y)
    X[np.abs(X) < 0.7] = 0.0
    X[0, :2] = [1.5, -1.2]   # first row and first column have >= 2 entries
    X[1, 0] = 0.9
    # non-canonical: a duplicate entry (summed by the solver, on a copy)
    # and unsorted indices in the first column / row
    if fmt == "coo":
        c = sp.coo_matrix(X)
        Xs = sp.coo_matrix((np.r_[c.data, [0.25]], (np.r_[c.row, [0]], np.r_[c.col, [0]])),
                           shape=X.shape)
    else:
        base = sp.csc_matrix(X) if fmt == "csc" else sp.csr_matrix(X)
        data, idx, ptr = base.data, base.indices, base.indptr
        first = slice(ptr[0], ptr[1])
        data = np.r_[data[first][::-1], [0.25], data[ptr[1]:]]
        idx = np.r_[idx[first][::-1], [idx[ptr[0]]], idx[ptr[1]:]]
        ptr = np.r_[0, ptr[1:] + 1]
        Xs = (sp.csc_matrix if fmt == "csc" else sp.csr_matrix)((data, idx, ptr), shape=X.shape)
        assert not Xs.has_canonical_format
    for part in Frozen._parts(Xs):
        part.setflags(write=False)
    frozen = Frozen(X=Xs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = make(name).fit(Xs, y)
        est.predict(Xs)
    frozen.check()


@pytest.mark.parametrize("name", [n for n in ("Lasso", "ElasticNet") if hasattr(shrinkage, n)])
def test_user_gram_not_written(name):
    X, y = inputs("F", np.float64)
    X = X - X.mean(axis=0)
    gram = read_only(X.T @ X)
    X, y = read_only(X), read_only(y)
    frozen = Frozen(X=X, y=y, gram=gram)
    est = make(name, precompute=gram, fit_intercept=False).fit(X, y)
    ref = make(name, precompute=False, fit_intercept=False, tol=1e-12).fit(X, y)
    assert est.coef_.shape == ref.coef_.shape
    frozen.check()


@pytest.mark.parametrize("fn", [n for n in ("lasso_path", "enet_path") if hasattr(shrinkage, n)])
def test_path_never_writes_inputs(fn):
    X, y = inputs("F", np.float64)
    p = X.shape[1]
    gram = read_only(X.T @ X)
    Xy = read_only(X.T @ y)
    coef_init = read_only(np.full(p, 0.1))
    alphas = read_only(np.array([0.5, 0.1, 0.01]))
    sw = read_only(np.linspace(1, 2, len(y)))
    pf = read_only(np.array([1.0, 2.0, 0.5, 1.0, 1.0, 1.0]))
    X, y = read_only(X), read_only(y)
    frozen = Frozen(X=X, y=y, gram=gram, Xy=Xy, coef_init=coef_init, alphas=alphas, sw=sw,
                    pf=pf)
    f = getattr(shrinkage, fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f(X, y, alphas=alphas, coef_init=coef_init)
        f(X, y, alphas=alphas, precompute=gram, Xy=Xy, coef_init=coef_init)
        f(X, y, alphas=alphas, sample_weight=sw, penalty_factor=pf, fit_intercept=True)
        f(X, y, eps=1e-2, precompute=True, coef_init=coef_init)
    frozen.check()


@pytest.mark.skipif(not hasattr(shrinkage, "ridge_path"), reason="no ridge_path")
def test_ridge_path_never_writes_inputs():
    X, y = inputs("C", np.float64)
    alphas = read_only(np.array([0.1, 1.0, 10.0]))
    sw = read_only(np.linspace(1, 2, len(y)))
    X, y = read_only(X), read_only(y)
    frozen = Frozen(X=X, y=y, alphas=alphas, sw=sw)
    shrinkage.ridge_path(X, y, alphas, sample_weight=sw)
    shrinkage.ridge_path(X, y, alphas)
    frozen.check()


@pytest.mark.parametrize("name", [n for n in ("LassoCV", "ElasticNetCV", "RidgeCV", "RelaxedLassoCV")
                                  if hasattr(shrinkage, n)])
def test_cv_alphas_array_not_written(name):
    X, y = inputs("C", np.float64)
    alphas = read_only(np.array([1.0, 0.1, 0.01]))
    frozen = Frozen(alphas=alphas, X=X, y=y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        make(name, alphas=alphas).fit(X, y)
    frozen.check()


def test_soft_threshold_never_writes_inputs():
    x = read_only(np.linspace(-2, 2, 9))
    t = read_only(np.full(9, 0.5))
    frozen = Frozen(x=x, t=t)
    out = shrinkage.soft_threshold(x, t)
    assert not np.shares_memory(out, x)
    frozen.check()
