"""Fuzz test with a watchdog for paths, cross-validation and Ridge.

The companion of ``test_fuzz.py`` (single elastic-net fits), on the same
random data (shapes, scales from 1e-300 to 1e300, weights and penalty
factors with zeros, C/F/CSC layouts, constant columns): ``enet_path``,
``ElasticNetCV``, ``Ridge`` (every solver name, ``positive``) and ``RidgeCV``
(leave-one-out and K-fold). Every case must return in time with finite
results or raise a clear error. Where the scales leave the objective
representable, the results are checked against references computed here:

- a path's gaps, at three of its alphas, bound the suboptimality against a
  tight single fit at that alpha (unless the path warned);
- a CV fit's ``alpha_`` is on its grid and its final fit's gap is honest;
- a Ridge fit reaches the optimum of a least-squares (or NNLS) reference on
  the augmented system, to rounding;
- leave-one-out ``RidgeCV`` picks an alpha whose brute-force leave-one-out
  error (n refits per alpha) is the smallest.

Cases that once exposed a bug live in ``fuzz_paths_corpus.json`` and run
first, then ``N_RANDOM`` fresh random ones.
"""

import json
from pathlib import Path

from _fuzz import (FIRST_SEED, N_RANDOM, build_data, moderate, random_data_case,
                   run_with_watchdog)

CORPUS = Path(__file__).resolve().parent / "fuzz_paths_corpus.json"
CASE_SECONDS = 20.0
RIDGE_SOLVERS = ["auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga"]
# Words a clear error about these inputs names (not a numpy internals message).
CLEAR_ERROR_WORDS = ("sample", "weight", "feature", "overflow", "split", "fold",
                     "alpha", "cv", "too far apart")


def random_case(seed):
    """A case description (JSON-serialisable) drawn from ``seed``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    case = random_data_case(rng, seed)
    case.update({
        "kind": str(rng.choice(["path", "cv", "ridge", "ridgecv"])),
        # automatic alpha grids need l1_ratio > 0 (as in scikit-learn)
        "l1_ratio": float(rng.choice([1.0, rng.uniform(0.01, 1.0)])),
        "positive": bool(rng.random() < 0.3),
        "eps": float(rng.choice([1e-2, 1e-3])),
        "n_alphas": int(rng.integers(1, 15)),
        "cv": int(rng.integers(2, 6)),
        "loo": bool(rng.random() < 0.5),
        "precompute": str(rng.choice(["auto", "false", "true"])),
        "max_iter": int(rng.choice([1, 3, 10, 1000])),
        "ridge_alpha_rel": float(10.0 ** rng.uniform(-6, 3)),
        "ridge_solver": str(rng.choice(RIDGE_SOLVERS)),
    })
    return case


def precompute_of(case):
    pre = {"auto": "auto", "false": False, "true": True}[case["precompute"]]
    return "auto" if case["layout"] == "csc" and pre is True else pre


def ridge_alpha(case):
    """Ridge's alpha in the data's units (X^T X scales as 10**(2 x_exp));
    the relative value itself where that over- or underflows."""
    import numpy as np

    with np.errstate(over="ignore", under="ignore"):
        a = case["ridge_alpha_rel"] * np.power(10.0, 2 * case["x_exp"])
    return float(a) if 0.0 < a < np.inf else case["ridge_alpha_rel"]


# ---------------------------------------------------------------------------
# references, in plain NumPy/SciPy
# ---------------------------------------------------------------------------

def enet_objective(X, y, sw, coef, intercept, alpha, l1_ratio, pf):
    """The 1/(2n)-scaled objective with weights summing to n (design.md §1)."""
    import numpy as np

    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * (n / sw.sum())
    r = y - X @ coef - intercept
    f = np.ones_like(coef) if pf is None else pf
    with np.errstate(all="ignore"):
        return (0.5 * np.sum(s * r * r) / n
                + alpha * l1_ratio * np.sum(f * np.abs(coef))
                + 0.5 * alpha * (1.0 - l1_ratio) * np.sum(f * coef * coef))


def null_objective(y, sw, fit_intercept):
    """The elastic-net objective at w = 0: the scale of its rounding."""
    import numpy as np

    n = len(y)
    s = np.ones(n) if sw is None else sw * (n / sw.sum())
    y0 = y - (s @ y / n if fit_intercept else 0.0)
    return float(0.5 * np.sum(s * y0 * y0) / n)


def ridge_reference(X, y, sw, alpha, fit_intercept, positive):
    """Minimiser and objective of sum_i s_i (y_i - x_i w - b)^2 + alpha |w|^2
    (scikit-learn's Ridge, weights unnormalised): least squares (or NNLS)
    on the augmented system of the weighted, centred data."""
    import numpy as np
    from scipy.optimize import nnls

    n, p = X.shape
    s = np.ones(n) if sw is None else sw
    Xc, yc = X, y
    if fit_intercept:
        Xc, yc = X - s @ X / s.sum(), y - s @ y / s.sum()
    r = np.sqrt(s)
    A = np.vstack([r[:, None] * Xc, np.sqrt(alpha) * np.eye(p)])
    b = np.concatenate([r * yc, np.zeros(p)])
    w = nnls(A, b, maxiter=50 * p)[0] if positive else np.linalg.lstsq(A, b, rcond=None)[0]
    return w, ridge_objective(X, y, sw, w, alpha, fit_intercept), float(b @ b)


def ridge_objective(X, y, sw, coef, alpha, fit_intercept):
    """Ridge's objective at ``coef`` with the best intercept."""
    import numpy as np

    s = np.ones(len(y)) if sw is None else sw
    r = y - X @ coef
    if fit_intercept:
        r = r - s @ r / s.sum()
    return float(s @ (r * r) + alpha * coef @ coef)


def brute_loo_errors(X, y, alphas, fit_intercept):
    """Mean squared leave-one-out error of Ridge for each alpha (n refits)."""
    import numpy as np

    n = len(y)
    errors = []
    for a in alphas:
        e = 0.0
        for i in range(n):
            keep = np.arange(n) != i
            w, _, _ = ridge_reference(X[keep], y[keep], None, a, fit_intercept, False)
            b = (y[keep] - X[keep] @ w).mean() if fit_intercept else 0.0
            e += (y[i] - X[i] @ w - b) ** 2
        errors.append(e / n)
    return np.array(errors)


# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------

def run_case(case):
    """Run one case; a dict saying what happened (checked by the parent)."""
    import warnings

    import numpy as np

    from shrinkage._exceptions import ConvergenceWarning

    X, y, sw, pf = build_data(case)
    runner = {"path": _run_path, "cv": _run_cv, "ridge": _run_ridge,
              "ridgecv": _run_ridgecv}[case["kind"]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = runner(case, X, y, sw, pf, np)
        except (ValueError, ZeroDivisionError) as exc:
            # ZeroDivisionError: a CV test fold whose weights are all zero
            # (as scikit-learn raises)
            return {"error": str(exc)}
    out["warned"] = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return out


def _tight_enet(case, X, y, sw, pf, alpha):
    import warnings

    from shrinkage import ElasticNet

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ElasticNet(alpha=alpha, l1_ratio=case["l1_ratio"], tol=1e-13,
                          max_iter=100_000, positive=case["positive"],
                          penalty_factor=pf, fit_intercept=case["fit_intercept"],
                          ).fit(X, y, sample_weight=sw)


def _enet_honesty(case, X, y, sw, pf, alpha, coef, intercept, gap, np):
    """(suboptimality, slack) of a fit against a tight reference, or None."""
    ref = _tight_enet(case, X, y, sw, pf, alpha)
    Xd = X.toarray() if hasattr(X, "toarray") else X
    args = (alpha, case["l1_ratio"], pf)
    p_est = enet_objective(Xd, y, sw, coef, intercept, *args)
    p_ref = enet_objective(Xd, y, sw, ref.coef_, ref.intercept_, *args)
    if not (np.isfinite(p_est) and np.isfinite(p_ref) and np.isfinite(ref.dual_gap_)):
        return None
    null = null_objective(y, sw, case["fit_intercept"])
    return {"gap": float(gap), "subopt": float(p_est - p_ref),
            "slack": float(max(ref.dual_gap_, 0.0) + 1e-9 * (abs(p_ref) + null))}


def _run_path(case, X, y, sw, pf, np):
    from shrinkage import enet_path

    alphas, coefs, gaps = enet_path(
        X, y, l1_ratio=case["l1_ratio"], eps=case["eps"], alphas=case["n_alphas"],
        positive=case["positive"], fit_intercept=case["fit_intercept"],
        sample_weight=sw, penalty_factor=pf, precompute=precompute_of(case),
        max_iter=case["max_iter"], tol=1e-4)
    out = {"finite": bool(np.all(np.isfinite(coefs))),
           "shape_ok": coefs.shape == (X.shape[1], len(alphas)) == (X.shape[1], case["n_alphas"]),
           "gaps": [float(g) for g in gaps],
           "null": null_objective(y, sw, case["fit_intercept"]), "checks": []}
    if not (moderate(case) and out["finite"]):
        return out
    for k in sorted({0, len(alphas) // 2, len(alphas) - 1}):
        coef = coefs[:, k]
        intercept = 0.0
        if case["fit_intercept"]:   # the path's coefficients come without one
            s = np.ones(len(y)) if sw is None else sw
            intercept = float(s @ (y - X @ coef) / s.sum())
        got = _enet_honesty(case, X, y, sw, pf, float(alphas[k]), coef, intercept,
                            gaps[k], np)
        if got is not None:
            out["checks"].append(got)
    return out


def _run_cv(case, X, y, sw, pf, np):
    from shrinkage import ElasticNetCV

    est = ElasticNetCV(
        l1_ratio=case["l1_ratio"], eps=case["eps"], alphas=case["n_alphas"],
        cv=case["cv"], positive=case["positive"], fit_intercept=case["fit_intercept"],
        penalty_factor=pf, precompute=precompute_of(case), max_iter=case["max_iter"],
        tol=1e-4).fit(X, y, sample_weight=sw)
    out = {"finite": bool(np.all(np.isfinite(est.coef_)) and np.isfinite(est.intercept_)),
           # squeezed as scikit-learn's (one alpha: one error per fold)
           "shape_ok": est.mse_path_.shape == np.empty((case["n_alphas"], case["cv"])).squeeze().shape,
           "alpha_on_grid": bool(np.any(est.alphas_ == est.alpha_)),
           "mse_finite": bool(np.all(np.isfinite(est.mse_path_))),
           "gaps": [float(est.dual_gap_)],
           "null": null_objective(y, sw, case["fit_intercept"]), "checks": []}
    if moderate(case) and out["finite"]:
        got = _enet_honesty(case, X, y, sw, pf, float(est.alpha_), est.coef_,
                            float(est.intercept_), est.dual_gap_, np)
        if got is not None:
            out["checks"].append(got)
    return out


def _run_ridge(case, X, y, sw, pf, np):
    from shrinkage import Ridge

    solver = "auto" if case["positive"] else case["ridge_solver"]
    alpha = ridge_alpha(case)
    est = Ridge(alpha=alpha, solver=solver, positive=case["positive"],
                fit_intercept=case["fit_intercept"]).fit(X, y, sample_weight=sw)
    out = {"finite": bool(np.all(np.isfinite(est.coef_)) and np.isfinite(est.intercept_)),
           "shape_ok": est.coef_.shape == (X.shape[1],)}
    if moderate(case) and out["finite"]:
        Xd = X.toarray() if hasattr(X, "toarray") else X
        _, f_ref, scale = ridge_reference(Xd, y, sw, alpha, case["fit_intercept"],
                                          case["positive"])
        f_est = ridge_objective(Xd, y, sw, est.coef_, alpha, case["fit_intercept"])
        out["ridge_excess"] = (f_est - f_ref) / max(f_ref, 1e-300 * scale, 1e-300)
        out["feasible"] = bool(not case["positive"] or np.all(est.coef_ >= 0))
    return out


def _run_ridgecv(case, X, y, sw, pf, np):
    from shrinkage import RidgeCV

    grid = ridge_alpha(case) * np.logspace(-2, 2, max(case["n_alphas"], 2))
    cv = None if case["loo"] else case["cv"]
    est = RidgeCV(alphas=grid, cv=cv, fit_intercept=case["fit_intercept"]
                  ).fit(X, y, sample_weight=sw)
    out = {"finite": bool(np.all(np.isfinite(est.coef_)) and np.isfinite(est.intercept_)),
           "shape_ok": est.coef_.shape == (X.shape[1],),
           "alpha_on_grid": bool(np.any(grid == est.alpha_))}
    if moderate(case) and out["finite"]:
        Xd = X.toarray() if hasattr(X, "toarray") else X
        _, f_ref, _ = ridge_reference(Xd, y, sw, est.alpha_, case["fit_intercept"], False)
        f_est = ridge_objective(Xd, y, sw, est.coef_, est.alpha_, case["fit_intercept"])
        out["ridge_excess"] = (f_est - f_ref) / max(f_ref, 1e-300)
        out["feasible"] = True
        if cv is None and sw is None and len(y) >= 3:
            errors = brute_loo_errors(Xd, y, grid, case["fit_intercept"])
            chosen = errors[int(np.flatnonzero(grid == est.alpha_)[0])]
            out["loo_excess"] = float((chosen - errors.min()) / max(errors.min(), 1e-300))
    return out


# ---------------------------------------------------------------------------

def check(case, result):
    where = json.dumps(case)
    if "error" in result:
        assert any(w in result["error"] for w in CLEAR_ERROR_WORDS), (where, result)
        return
    assert result["finite"], where
    assert result["shape_ok"], where
    if "alpha_on_grid" in result:
        assert result["alpha_on_grid"], where
    if "gaps" in result and not result["warned"]:
        # gaps are >= 0 up to rounding relative to the objective's scale
        # (and finite where the objective is representable)
        for g in result["gaps"]:
            assert -1e-12 * result["null"] <= g, (where, result)
            assert g < float("inf") or result["null"] == float("inf"), (where, result)
    for c in result.get("checks", []):
        assert c["gap"] >= c["subopt"] - c["slack"], (where, c)
    if "ridge_excess" in result:
        # a direct solve reaches the optimum to rounding
        assert result["ridge_excess"] <= 1e-8, (where, result)
        assert result["feasible"], where
    if "loo_excess" in result:
        assert result["loo_excess"] <= 1e-8, (where, result)


def test_fuzz_paths_cv_and_ridge_return_in_time_with_correct_results():
    cases = json.loads(CORPUS.read_text()) if CORPUS.exists() else []
    cases += [random_case(seed) for seed in range(FIRST_SEED, FIRST_SEED + N_RANDOM)]
    run_with_watchdog("test_fuzz_paths", cases, check, CASE_SECONDS, CORPUS.name)
