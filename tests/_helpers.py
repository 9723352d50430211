"""Helpers shared by several test modules (made importable by conftest.py).

Independent references written from the objective of docs/design.md §1 in
plain NumPy (never from the solvers), and the estimator factories of the
tests that cover every exported estimator.
"""

import numpy as np

import shrinkage


# ---------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------

def rel_err(a, b):
    """Largest absolute difference relative to the largest entry of ``b``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-300)


# ---------------------------------------------------------------------------
# the elastic-net objective (docs/design.md §1)
# ---------------------------------------------------------------------------

def normalized_weights(n, sample_weight):
    """Sample weights rescaled to sum to ``n`` (ones when None)."""
    if sample_weight is None:
        return np.ones(n)
    sw = np.asarray(sample_weight, dtype=float)
    return sw * (n / sw.sum())


def centred(X, y, s, fit_intercept):
    """``X`` and ``y`` minus their ``s``-weighted means (``s`` sums to n);
    unchanged without an intercept."""
    if not fit_intercept:
        return X, y
    n = len(y)
    return X - s @ X / n, y - s @ y / n


def enet_objective(X, y, coef, intercept, alpha, l1_ratio=1.0, sw=None, pf=None):
    """Primal elastic-net objective, 1/(2n)-scaled, weights ``sw`` rescaled
    to sum to n, penalty factors ``pf`` (ones when None)."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    f = np.ones(X.shape[1]) if pf is None else pf
    r = y - X @ coef - intercept
    return (0.5 / n * s @ (r * r) + alpha * l1_ratio * f @ np.abs(coef)
            + 0.5 * alpha * (1 - l1_ratio) * f @ (coef * coef))


# ---------------------------------------------------------------------------
# every exported estimator
# ---------------------------------------------------------------------------

def exported_estimators():
    """Sorted names of the estimator classes ``shrinkage`` exports, so that
    estimators that land later are covered without editing the tests."""
    names = []
    for name in getattr(shrinkage, "__all__", dir(shrinkage)):
        obj = getattr(shrinkage, name, None)
        if isinstance(obj, type) and hasattr(obj, "fit") and hasattr(obj, "get_params"):
            names.append(name)
    return sorted(names)


def targets_for(name, y):
    """``y`` for estimator ``name``: the multi-task models take 2-D targets
    only, so a 1-D ``y`` becomes two correlated tasks for them."""
    y = np.asarray(y)
    if name.startswith("MultiTask") and y.ndim == 1:
        return np.column_stack([y, 0.5 * y + np.linspace(-1.0, 1.0, len(y))]).astype(y.dtype)
    return y


def make_estimator(name, fast, **params):
    """Estimator ``name`` with the settings ``fast[name]`` (if any),
    overridden by ``params``; settings it has no parameter for are dropped."""
    kw = dict(fast.get(name, {}))
    kw.update(params)
    cls = getattr(shrinkage, name)
    valid = cls().get_params()
    return cls(**{k: v for k, v in kw.items() if k in valid})
