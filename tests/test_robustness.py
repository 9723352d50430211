"""Regression tests of issue #16: bounded loops, honest certificates,
extreme scales, boolean-mask folds, sparse X without columns, messages.

The snippets that used to hang run in a subprocess with a timeout, so a
regression fails instead of hanging the suite.
"""

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import lsq_linear

import shrinkage
from shrinkage import (ElasticNet, Lasso, LassoCV, LinearRegression, Ridge,
                       RidgeCV, lasso_path)
from shrinkage._exceptions import ConvergenceWarning

# The children import the shrinkage this process imported (the source tree
# with in-place builds, or an installed wheel), never a bare source tree.
SRC = str(Path(shrinkage.__file__).resolve().parents[1])


def run_with_timeout(code, timeout=60):
    """Run ``code`` in a fresh interpreter; fail (not hang) past ``timeout``."""
    env = dict(os.environ, PYTHONPATH=SRC, OPENBLAS_NUM_THREADS="1")
    try:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                              env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not return within {timeout} s:\n{code}")
    assert done.returncode == 0, done.stderr
    return done.stdout


def objective(X, y, coef, intercept, alpha, l1_ratio):
    """The 1/(2n)-scaled elastic-net objective of design.md §1."""
    r = y - X @ coef - intercept
    return (0.5 * r @ r / len(y) + alpha * l1_ratio * np.abs(coef).sum()
            + 0.5 * alpha * (1.0 - l1_ratio) * coef @ coef)


# -- 1. endless loops ---------------------------------------------------------

HANGS = {
    "ridge_positive_dense": """
        ElasticNet(alpha=1.0, l1_ratio=0.0, positive=True, precompute=False,
                   max_iter=5).fit(X, y)""",
    "ridge_positive_sparse": """
        ElasticNet(alpha=1.0, l1_ratio=0.0, positive=True,
                   max_iter=5).fit(scipy.sparse.csc_matrix(X), y)""",
    "overflowing_norms_wide": """
        Lasso(alpha=1.0, max_iter=5).fit(rng.standard_normal((50, 60)) * 1e200,
                                         rng.standard_normal(50))""",
    "overflowing_norms_sparse": """
        Lasso(alpha=1.0, max_iter=5).fit(
            scipy.sparse.csc_matrix(rng.standard_normal((50, 60)) * 1e200),
            rng.standard_normal(50))""",
    "overflowing_norms_cv": """
        LassoCV(max_iter=5, cv=3, alphas=5).fit(
            rng.standard_normal((50, 60)) * 1e200, rng.standard_normal(50))""",
    "ridge_positive_free_feature": """
        ElasticNet(alpha=1.0, l1_ratio=0.0, positive=True, precompute=False,
                   max_iter=5, penalty_factor=[0.0, 1.0, 1.0]).fit(X, y)""",
    "lasso_free_features_overflow": """
        Lasso(alpha=1.0, max_iter=5, penalty_factor=[0.0] * 30 + [1.0] * 30).fit(
            rng.standard_normal((50, 60)) * 1e200, rng.standard_normal(50))""",
}


@pytest.mark.parametrize("case", sorted(HANGS))
def test_former_endless_loops_return(case):
    out = run_with_timeout(f"""
        import warnings
        import numpy as np, scipy.sparse
        from shrinkage import ElasticNet, Lasso, LassoCV
        warnings.simplefilter("ignore")
        rng = np.random.default_rng(0)
        X = rng.standard_normal((50, 3))
        y = -X.sum(axis=1)
        est = {HANGS[case].strip()}
        print(np.all(np.isfinite(est.coef_)))
    """, timeout=60)
    assert out.strip() == "True"


def test_positive_ridge_solution_and_gap():
    """With ``positive`` the ridge certificate ignores the correlations the
    sign constraint makes unreachable: y = -sum(X) has w = 0 as solution."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    y = -X.sum(axis=1)
    for precompute in (False, True):
        est = ElasticNet(alpha=1.0, l1_ratio=0.0, positive=True,
                         precompute=precompute, max_iter=5).fit(X, y)
        np.testing.assert_array_equal(est.coef_, 0.0)
        assert 0.0 <= est.dual_gap_ <= 1e-12
    # mixed signs: against a bound-constrained least squares on the
    # augmented data [Xc; sqrt(n alpha) I]
    y = X @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.standard_normal(50)
    alpha = 0.3
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    A = np.vstack([Xc, np.sqrt(50 * alpha) * np.eye(3)])
    b = np.concatenate([yc, np.zeros(3)])
    ref = lsq_linear(A, b, bounds=(0.0, np.inf), tol=1e-14).x
    for precompute in (False, True):
        est = ElasticNet(alpha=alpha, l1_ratio=0.0, positive=True,
                         precompute=precompute, tol=1e-15).fit(X, y)
        np.testing.assert_allclose(est.coef_, ref, atol=1e-8)


# -- 2. honest certificates at every max_iter ---------------------------------

@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_gap_bounds_suboptimality_at_every_max_iter(sparse, l1_ratio):
    rng = np.random.default_rng(3)
    n, p = 60, 80
    X = rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1))
    y = X[:, :5] @ np.arange(1.0, 6.0) + rng.standard_normal(n)
    alpha = 0.05
    Xf = sp.csc_matrix(X) if sparse else X
    ref = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14,
                     max_iter=100_000, precompute=False).fit(Xf, y)
    best = objective(X, y, ref.coef_, ref.intercept_, alpha, l1_ratio)
    assert ref.dual_gap_ < 1e-10 * best
    for max_iter in (1, 2, 3, 5, 8, 13):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14,
                             max_iter=max_iter, precompute=False).fit(Xf, y)
        subopt = objective(X, y, est.coef_, est.intercept_, alpha, l1_ratio) - best
        assert np.isfinite(est.dual_gap_)
        assert est.dual_gap_ >= subopt - 1e-12 * best, (max_iter, est.dual_gap_, subopt)


def test_max_iter_1_warning_prints_the_computed_gap():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 60))
    y = X[:, :4].sum(axis=1) + rng.standard_normal(40)
    with pytest.warns(ConvergenceWarning) as record:
        est = Lasso(alpha=0.01, max_iter=1, precompute=False).fit(X, y)
    placeholder = (1 + 1e-4 * np.sum((y - y.mean()) ** 2)) / 40
    assert est.dual_gap_ != pytest.approx(placeholder)
    assert f"{est.dual_gap_:.3e}" in str(record[0].message)


# -- 3. extreme scales --------------------------------------------------------

@pytest.fixture
def small_problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(50)
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
def test_tiny_X_is_rescaled(small_problem, sparse):
    X, y = small_problem
    ref = Lasso(alpha=0.1, tol=1e-12).fit(X, y)
    Xt = X * 1e-160
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Lasso(alpha=1e-161, tol=1e-12).fit(sp.csc_matrix(Xt) if sparse else Xt, y)
    np.testing.assert_allclose(est.coef_ * 1e-160, ref.coef_, rtol=1e-9)
    assert np.isfinite(est.dual_gap_)


@pytest.mark.parametrize("sparse", [False, True])
def test_huge_X_and_y_are_rescaled(small_problem, sparse):
    X, y = small_problem
    ref = Lasso(alpha=0.1).fit(X, y)
    Xh = X * 1e154
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Lasso(alpha=1e307).fit(sp.csc_matrix(Xh) if sparse else Xh, y * 1e154)
    assert est.n_iter_ > 0
    assert np.isfinite(est.dual_gap_)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6)


def test_huge_X_alone(small_problem):
    X, y = small_problem
    ref = Lasso(alpha=0.1, tol=1e-12).fit(X, y)
    for precompute in (False, True):
        est = Lasso(alpha=0.1 * 1e200, tol=1e-12,
                    precompute=precompute).fit(X * 1e200, y)
        np.testing.assert_allclose(est.coef_ * 1e200, ref.coef_, rtol=1e-9)


def test_overflowing_objective_warns(small_problem):
    """|y| ~ 1e200: the solve converges but the gap in y's units is inf."""
    X, y = small_problem
    ref = Lasso(alpha=0.1).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="overflows"):
        est = Lasso(alpha=0.1 * 1e200).fit(X, y * 1e200)
    np.testing.assert_allclose(est.coef_ / 1e200, ref.coef_, rtol=1e-12)
    assert est.dual_gap_ == np.inf


@pytest.mark.parametrize("scale", [1e10, 1e30])
@pytest.mark.parametrize("sparse", [False, True])
def test_naive_updates_with_large_y_run_their_passes(small_problem, scale, sparse):
    """The naive driver's cold start once set its gap to tol + 1.0, which
    equals tol when tol * ||y||^2 >= 2^53: one pass, then a false warning."""
    X, y = small_problem
    ref = Lasso(alpha=0.05, precompute=False, tol=1e-10).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Lasso(alpha=0.05 * scale, precompute=False, tol=1e-10).fit(
            sp.csc_matrix(X) if sparse else X, y * scale)
    np.testing.assert_allclose(est.coef_ / scale, ref.coef_, rtol=1e-9)
    assert est.n_iter_ == ref.n_iter_


# Paths and CV rescale X and y by one power of two: the Lasso's solution
# maps exactly under X -> 2^a X, y -> 2^b y, alpha -> 2^(a+b) alpha,
# w -> 2^(b-a) w, CV errors -> 2^(2b) errors.
EXTREME_SCALES = [(-230, 200), (430, -20), (0, 440), (-440, 0), (-400, -300), (350, 400)]


@pytest.mark.parametrize("a, b", EXTREME_SCALES)
@pytest.mark.parametrize("sparse", [False, True])
def test_lasso_path_at_extreme_scales(small_problem, a, b, sparse):
    X, y = small_problem
    ref_alphas, ref_coefs, ref_gaps = lasso_path(X, y, alphas=8, tol=1e-12)
    Xs = X * 2.0 ** a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alphas, coefs, gaps = lasso_path(sp.csc_matrix(Xs) if sparse else Xs,
                                         y * 2.0 ** b, alphas=8, tol=1e-12)
    np.testing.assert_allclose(alphas, ref_alphas * 2.0 ** (a + b), rtol=1e-12)
    np.testing.assert_allclose(coefs, ref_coefs * 2.0 ** (b - a), rtol=1e-8,
                               atol=1e-12 * np.abs(ref_coefs).max() * 2.0 ** (b - a))
    assert np.all(np.isfinite(gaps)) and np.all(gaps >= 0)
    # a user grid in the data's units gives the same solutions
    _, coefs2, _ = lasso_path(Xs, y * 2.0 ** b, alphas=ref_alphas * 2.0 ** (a + b),
                              tol=1e-12)
    np.testing.assert_allclose(coefs2, coefs, rtol=1e-8,
                               atol=1e-12 * np.abs(coefs).max())


@pytest.mark.parametrize("a, b", EXTREME_SCALES)
def test_lasso_cv_at_extreme_scales(small_problem, a, b):
    X, y = small_problem
    ref = LassoCV(alphas=8, cv=3, tol=1e-12).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = LassoCV(alphas=8, cv=3, tol=1e-12).fit(X * 2.0 ** a, y * 2.0 ** b)
    np.testing.assert_allclose(est.alphas_, ref.alphas_ * 2.0 ** (a + b), rtol=1e-12)
    assert est.alpha_ == est.alphas_[np.flatnonzero(ref.alphas_ == ref.alpha_)[0]]
    np.testing.assert_allclose(est.mse_path_, ref.mse_path_ * 2.0 ** (2 * b), rtol=1e-8)
    np.testing.assert_allclose(est.coef_, ref.coef_ * 2.0 ** (b - a), rtol=1e-8)
    np.testing.assert_allclose(est.intercept_, ref.intercept_ * 2.0 ** b, rtol=1e-8)


def test_paths_and_cv_refuse_scales_too_far_apart(small_problem):
    X, y = small_problem
    X, y = X * 1e-100, y * 1e50   # coefficients ~1e150: their squares overflow
    with pytest.raises(ValueError, match="too far apart"):
        lasso_path(X, y, alphas=3)
    with pytest.raises(ValueError, match="too far apart"):
        LassoCV(alphas=3, cv=3).fit(X, y)


@pytest.mark.parametrize("make", [
    lambda: Ridge(alpha=1e244, positive=True),
    lambda: Ridge(alpha=1e244),
    lambda: RidgeCV(alphas=[1e244]),
    lambda: RidgeCV(alphas=[1e244], cv=3),
])
def test_ridge_family_refuses_unrepresentable_products(small_problem, make):
    """X ~ 1e122 and y ~ 1e220: X^T y overflows; a clear error, never inf
    coefficients or SciPy's message about its own arrays."""
    X, y = small_problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="leave float64's range"):
            make().fit(X * 1e122, y * 1e220)


# -- 4. boolean-mask folds ----------------------------------------------------

def test_boolean_mask_folds_match_index_folds():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = X[:, 0] + 0.1 * rng.standard_normal(40)
    mask = np.arange(40) % 3 == 0
    by_mask = LassoCV(cv=[(mask, ~mask), (~mask, mask)]).fit(X, y)
    idx, rest = np.flatnonzero(mask), np.flatnonzero(~mask)
    by_index = LassoCV(cv=[(idx, rest), (rest, idx)]).fit(X, y)
    np.testing.assert_array_equal(by_mask.mse_path_, by_index.mse_path_)
    assert by_mask.alpha_ == by_index.alpha_
    with pytest.raises(ValueError, match="boolean mask"):
        LassoCV(cv=[(mask[:-1], ~mask[:-1])]).fit(X, y)


# -- 5. sparse X without columns ---------------------------------------------

@pytest.mark.parametrize("make", [Lasso, Ridge, LinearRegression, RidgeCV,
                                  LassoCV, ElasticNet])
def test_sparse_X_without_columns_is_rejected(make):
    X = sp.csc_matrix((20, 0))
    with pytest.raises(ValueError, match="0 feature"):
        make().fit(X, np.arange(20.0))


def test_lasso_path_sparse_X_without_columns_is_rejected():
    with pytest.raises(ValueError, match="0 feature"):
        lasso_path(sp.csc_matrix((20, 0)), np.arange(20.0))


# -- 6. messages ----------------------------------------------------------------

def test_cv_string_message():
    X = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ValueError, match="cv must be None, an int"):
        LassoCV(cv="x").fit(X, X[:, 0])


def test_plot_messages():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    from shrinkage.plot import plot_constraint_geometry, plot_cv

    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 2))
    with pytest.raises(TypeError, match="records none"):
        plot_cv(RidgeCV().fit(X, X[:, 0]))
    with pytest.raises(ValueError, match="least-squares solution is zero"):
        plot_constraint_geometry(X, np.zeros(30))


@pytest.mark.parametrize("alpha", [0.05, 10.0, 1e4])
@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_ridge_gap_with_unpenalised_features_is_honest(precompute, positive, alpha):
    """l1_ratio=0 with penalty_factor zeros: the dual point is the residual
    projected off the free columns (it was the raw residual, which made the
    gap negative)."""
    rng = np.random.default_rng(81)
    n, p = 35, 29
    X = rng.standard_normal((n, p)) + rng.standard_normal((n, 1))
    y = X[:, :6].sum(axis=1) + rng.standard_normal(n)
    pf = rng.choice([0.0, 1.0, 2.0], p)
    obj = lambda e: (objective(X, y, e.coef_, e.intercept_, 0.0, 0.0)
                     + 0.5 * alpha * np.sum(pf * e.coef_ ** 2))
    ref = ElasticNet(alpha=alpha, l1_ratio=0.0, penalty_factor=pf, tol=1e-15,
                     positive=positive, max_iter=100_000,
                     precompute=precompute).fit(X, y)
    best = obj(ref)
    for max_iter in (1, 2, 3, 5, 10):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est = ElasticNet(alpha=alpha, l1_ratio=0.0, penalty_factor=pf,
                             positive=positive, max_iter=max_iter, tol=1e-15,
                             precompute=precompute).fit(X, y)
        assert est.dual_gap_ >= obj(est) - best - 1e-12 * best, max_iter


# A dense single fit does not scan X for NaN/inf before solving: the column
# statistics of its first pass prove X finite, and a non-finite one stops
# that pass. Every route must still reject bad X with the boundary's message,
# whatever the entry's position, weight, dtype and layout.
NONFINITE_ROUTES = {
    "naive": dict(precompute=False),
    "gram": dict(precompute=True),
    "auto": dict(),
    "random": dict(precompute=False, selection="random", random_state=0),
    "bounded": dict(precompute=False, positive=False, lower_bounds=-10.0),
}


@pytest.mark.parametrize("route", sorted(NONFINITE_ROUTES))
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("layout", ["F64", "C64", "F32"])
def test_nonfinite_X_is_rejected_on_every_dense_route(route, value, where, layout):
    rng = np.random.default_rng(7)
    n, p = 300, 25
    X = rng.standard_normal((n, p))
    X = np.asarray(X, dtype=np.float32 if layout == "F32" else np.float64,
                   order="C" if layout == "C64" else "F")
    i, j = {"first": (0, 0), "middle": (n // 2, p // 2), "last": (n - 1, p - 1)}[where]
    X[i, j] = value
    y = rng.standard_normal(n)
    w = np.ones(n)
    w[i] = 0.0  # a zero weight does not hide the entry
    match = "NaN" if np.isnan(value) else "infinity"
    for Y, fit_intercept in ((y, True), (np.c_[y, -y], False)):
        with pytest.raises(ValueError, match=f"Input X contains {match}"):
            Lasso(alpha=0.01, fit_intercept=fit_intercept,
                  **NONFINITE_ROUTES[route]).fit(X, Y, sample_weight=w)
    # a warm start (statistics before the solve) and threads over targets
    est = Lasso(alpha=0.01, warm_start=True, precompute=False).fit(
        np.nan_to_num(X, posinf=1.0, neginf=-1.0), y, sample_weight=w)
    with pytest.raises(ValueError, match=f"Input X contains {match}"):
        est.fit(X, y, sample_weight=w)
    with pytest.raises(ValueError, match=f"Input X contains {match}"):
        Lasso(alpha=0.01, n_jobs=2, precompute=False).fit(X, np.c_[y, y, y], sample_weight=w)


@pytest.mark.parametrize("precompute", [False, True])
def test_huge_finite_X_on_the_general_route(precompute):
    """|x| ~ 1e200 overflows the first pass's norms: not an error, a
    rescaled solve, for every target."""
    rng = np.random.default_rng(8)
    X = rng.standard_normal((300, 25))
    Y = np.c_[X[:, :3] @ [1.0, -2.0, 0.5], X[:, 3:6] @ [0.5, 1.0, -1.0]]
    Y += 0.1 * rng.standard_normal(Y.shape)
    w = rng.uniform(0.5, 1.5, 300)
    ref = Lasso(alpha=0.01, tol=1e-12, precompute=precompute).fit(X, Y, sample_weight=w)
    est = Lasso(alpha=0.01 * 1e200, tol=1e-12, precompute=precompute).fit(
        X * 1e200, Y, sample_weight=w)
    np.testing.assert_allclose(est.coef_ * 1e200, ref.coef_, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("seed", [2, 32])
def test_path_at_lambda_max_does_not_cycle_to_max_iter(seed):
    """At exactly lambda_max the entering coefficient can be of rounding
    size (~1e-17) and change by about itself on every pass, so the relative
    change never settles; the cycle used to run to max_iter (100000 passes)
    with a converged gap it never evaluated. It now stops for the gap after
    a bounded number of passes (_policy.pxd, CYCLE_MIN_PASSES). These seeds
    produce such a coefficient on the cyclic dense path."""
    rng = np.random.default_rng(seed)
    n, p = 138, 211
    X = np.asfortranarray(rng.standard_normal((n, p)) * 10.0 ** rng.uniform(-2, 2, p))
    y = X[:, :5] @ (rng.uniform(1, 3, 5) / np.abs(X[:, :5]).mean(0)) + rng.standard_normal(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps, n_iter = lasso_path(
            X, y, alphas=5, eps=1e-2, tol=1e-4, max_iter=100_000,
            return_n_iter=True, fit_intercept=False)
    assert max(n_iter) < 5000
    assert np.all(gaps <= 1e-4 * (y @ y) / n)
