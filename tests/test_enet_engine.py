"""Layering of the elastic-net engine and validation run once per fit."""

import re
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage import _validation

SRC = Path(shrinkage.__file__).parent


KERNELS = sorted(p.name.split(".")[0] for p in (SRC / "_enet").iterdir()
                 if p.suffix in (".so", ".pyd") or p.name.endswith(".pyx"))


def test_only_the_engine_imports_the_elastic_net_kernels():
    assert {"_naive", "_covariance", "_gram", "_newton", "_gap"} <= set(KERNELS)
    names = "|".join(KERNELS)
    pattern = re.compile(rf"from \.?_enet import[^\n]*\b({names})\b|_enet\.({names})\b")
    outside = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
               if p.parent.name != "_enet" and pattern.search(p.read_text())]
    assert outside == []


def test_estimators_import_no_private_engine_names():
    pattern = re.compile(r"from \._enet(\.\w+)? import[^\n]*\b_\w+|from \._enet\.")
    for name in ("_coordinate_descent", "_cv", "_relaxed", "_path", "_constrained", "plot"):
        text = (SRC / f"{name}.py").read_text()
        assert not pattern.search(text), name


def _data(n=40, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ rng.standard_normal(p) + rng.standard_normal(n)


FITS = {
    # sample weights: the general route (unweighted, this small fit would
    # take the lean route, which compares precompute with 'auto'/True itself)
    "ElasticNet": lambda X, y: shrinkage.ElasticNet(alpha=0.1).fit(
        X, y, sample_weight=np.ones(len(y))),
    "Lasso-gram": lambda X, y: shrinkage.Lasso(
        alpha=0.1, precompute=X.T @ X, fit_intercept=False).fit(X, y),
    "Lasso-sparse": lambda X, y: shrinkage.Lasso(alpha=0.1).fit(sp.csc_matrix(X), y),
    "ElasticNetCV": lambda X, y: shrinkage.ElasticNetCV(cv=3, alphas=5).fit(X, y),
    "LassoCV-sparse": lambda X, y: shrinkage.LassoCV(cv=3, alphas=5).fit(sp.csr_matrix(X), y),
    "RelaxedLassoCV": lambda X, y: shrinkage.RelaxedLassoCV(cv=3, alphas=5).fit(X, y),
    "lasso_path": lambda X, y: shrinkage.lasso_path(X, y, alphas=5),
    "enet_path-gram": lambda X, y: shrinkage.enet_path(X, y, alphas=5, precompute=X.T @ X),
}


@pytest.mark.parametrize("fit", sorted(FITS))
def test_precompute_is_checked_once_per_fit(fit, monkeypatch):
    calls = []
    real = _validation.check_precompute

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    for module in ("_coordinate_descent", "_cv", "_relaxed", "_path"):
        mod = getattr(shrinkage, module)
        if hasattr(mod, "check_precompute"):
            monkeypatch.setattr(mod, "check_precompute", counted)
    FITS[fit](*_data())
    assert len(calls) == 1


def test_lean_route_checks_precompute_itself(monkeypatch):
    """The lean route (shrinkage._enet.lean) never calls check_precompute:
    it takes only precompute='auto' or True, and anything else goes to the
    general route, which checks it once (above)."""
    calls = []
    monkeypatch.setattr(shrinkage._coordinate_descent, "check_precompute",
                        lambda *a, **k: calls.append(a))
    shrinkage.ElasticNet(alpha=0.1).fit(*_data())
    assert calls == []
    with pytest.raises(ValueError, match="precompute"):
        monkeypatch.undo()
        shrinkage.ElasticNet(alpha=0.1, precompute="yes").fit(*_data())


@pytest.mark.parametrize("alphas, match", [
    ([-1.0], r"alphas\[0\].*must be >= 0"),     # Ridge's message ...
    ([-1.0], r"alphas must be finite and >= 0"),  # ... and the paths'
    ([1.0, np.nan], r"alphas\[1\].*finite"),
    ([], r"alphas must contain at least one value"),
])
def test_alpha_grid_messages(alphas, match):
    with pytest.raises(ValueError, match=match):
        _validation.check_alpha_grid(alphas)


def test_alpha_grid_counts_and_positivity():
    assert _validation.check_alpha_grid(7, allow_count=True) == 7
    np.testing.assert_array_equal(_validation.check_alpha_grid(7), [7.0])
    with pytest.raises(ValueError, match=r"alphas must be >= 1 when an integer, got 0"):
        _validation.check_alpha_grid(0, allow_count=True)
    with pytest.raises(ValueError, match=r"alphas\[0\] == 0\.0, must be > 0\.0 \(loo\)"):
        _validation.check_alpha_grid([0.0, 1.0], strictly_positive=True, positive_hint=" (loo)")
    with pytest.raises(ValueError, match=r"alphas must be 1-D"):
        _validation.check_alpha_grid(np.ones((2, 2)))
    assert _validation.check_alpha_grid(np.ones((2, 2)), ravel=True).shape == (4,)
    with pytest.raises(TypeError, match=r"alphas must be an array-like of floats"):
        _validation.check_alpha_grid(True, allow_count=True)
