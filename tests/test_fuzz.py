"""Fuzz test with a watchdog: random elastic-net fits must return in time
with a finite result and an honest certificate, or raise a clear error.

Cases vary shape, the scales of X and y (1e-300 to 1e300), alpha, l1_ratio
(0 and 1 included), ``positive``, penalty factors with zeros, sample weights
with zeros, the layout (C, F, CSC), ``precompute`` and ``max_iter`` (from 1).
All run in one child process that reports each case as it ends; the parent
kills it when a case overruns its time limit and names the case. Cases that
once exposed a bug live in ``fuzz_corpus.json`` (add every new one there)
and run first, then ``N_RANDOM`` fresh random ones.

For each fit that reports convergence and whose objective is representable,
the gap must bound the suboptimality against a tight reference fit; a fit
that does not converge (or whose gap is not finite) must have warned.
"""

import json
from pathlib import Path

from _fuzz import FIRST_SEED, N_RANDOM, build_data, moderate, run_with_watchdog

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus.json"
CASE_SECONDS = 10.0


def random_case(seed):
    """A case description (JSON-serialisable) drawn from ``seed``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    p = int(rng.integers(1, 60))
    return {
        "seed": int(seed), "n": n, "p": p,
        "x_exp": float(rng.choice([0.0, rng.uniform(-300, 300)], p=[0.4, 0.6])),
        "y_exp": float(rng.choice([0.0, rng.uniform(-300, 300)], p=[0.5, 0.5])),
        # alpha relative to the data's scale, log-uniform; sometimes absolute
        "alpha_rel": float(10.0 ** rng.uniform(-8, 1)),
        "alpha_abs": bool(rng.random() < 0.1),
        "l1_ratio": float(rng.choice([0.0, 1.0, rng.uniform(0, 1)])),
        "positive": bool(rng.random() < 0.3),
        "pf_zeros": bool(rng.random() < 0.25),
        "weights": str(rng.choice(["none", "random", "zeros"])),
        "layout": str(rng.choice(["C", "F", "csc"])),
        "precompute": str(rng.choice(["auto", "false", "true"])),
        "max_iter": int(rng.choice([1, 2, 3, 5, 10, 100, 1000])),
        "fit_intercept": bool(rng.random() < 0.8),
        "constant_column": bool(rng.random() < 0.15),
    }


def build(case):
    """X, y, sample_weight, estimator kwargs of a case."""
    X, y, sw, pf = build_data(case)
    xs, ys = 10.0 ** case["x_exp"], 10.0 ** case["y_exp"]
    # alpha in the data's units: |X^T y| / n scales as xs * ys
    alpha = case["alpha_rel"] * (1.0 if case["alpha_abs"] else xs * ys)
    precompute = {"auto": "auto", "false": False, "true": True}[case["precompute"]]
    if case["layout"] == "csc" and precompute is True:
        precompute = "auto"
    kwargs = dict(alpha=alpha, l1_ratio=case["l1_ratio"],
                  positive=case["positive"], penalty_factor=pf,
                  max_iter=case["max_iter"], precompute=precompute,
                  fit_intercept=case["fit_intercept"])
    return X, y, sw, kwargs


def objective(X, y, sw, coef, intercept, alpha, l1_ratio, pf):
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


def run_case(case):
    """Fit one case; a dict saying what happened (checked by the parent)."""
    import warnings

    import numpy as np

    from shrinkage import ElasticNet
    from shrinkage._exceptions import ConvergenceWarning

    X, y, sw, kwargs = build(case)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            est = ElasticNet(tol=1e-4, **kwargs).fit(X, y, sample_weight=sw)
        except ValueError as exc:
            return {"error": str(exc)}
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * (n / sw.sum())
    y0 = y - (s @ y / n if kwargs["fit_intercept"] else 0.0)
    top = float(np.max(np.abs(y0))) or 1.0
    with np.errstate(all="ignore"):
        null = float(0.5 * np.sum(s * (y0 / top) ** 2) / n) * top * top
    out = {"warned": warned, "gap": float(est.dual_gap_),
           "null": null,  # the objective at w = 0: the scale of rounding
           "finite_coef": bool(np.all(np.isfinite(est.coef_))
                               and np.isfinite(est.intercept_)),
           "n_iter": int(est.n_iter_)}
    if not (np.isfinite(est.dual_gap_) and moderate(case)):
        return out
    # honest gap: against a tight reference of the same problem
    ref_kwargs = dict(kwargs, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ElasticNet(tol=1e-13, **ref_kwargs).fit(X, y, sample_weight=sw)
    Xd = X.toarray() if hasattr(X, "toarray") else X
    args = (kwargs["alpha"], kwargs["l1_ratio"], kwargs["penalty_factor"])
    p_est = objective(Xd, y, sw, est.coef_, est.intercept_, *args)
    p_ref = objective(Xd, y, sw, ref.coef_, ref.intercept_, *args)
    if np.isfinite(p_est) and np.isfinite(p_ref) and np.isfinite(ref.dual_gap_):
        out["subopt"] = float(p_est - p_ref)
        # the reference's own gap, and rounding at the objective's scale
        # (the projection that makes the dual point feasible for
        # unpenalised features carries a ridge of 1e-13 of the trace)
        out["slack"] = float(max(ref.dual_gap_, 0.0) + 1e-9 * (abs(p_ref) + null))
    return out


def check(case, result):
    import numpy as np

    where = json.dumps(case)
    if "error" in result:
        # a clear error names what is wrong (not a numpy internals message)
        # (alpha itself overflowing to inf is refused as scikit-learn does)
        assert any(w in result["error"] for w in ("sample", "weight", "feature",
                                                  "overflow", "alpha must be in")), where
        return
    assert result["finite_coef"], where
    assert result["n_iter"] <= case["max_iter"] or case["max_iter"] < 3, where
    if result["warned"] and np.isfinite(result["gap"]):
        # "did not converge within max_iter passes" is true: the passes ran
        assert result["n_iter"] >= case["max_iter"], (where, result)
    if not result["warned"]:
        # a gap is >= 0 up to rounding relative to the objective's scale
        assert -1e-12 * result["null"] <= result["gap"] < float("inf"), where
    if "subopt" in result:
        assert result["gap"] >= result["subopt"] - result["slack"], (where, result)


def test_fuzz_fits_return_in_time_with_honest_certificates():
    cases = json.loads(CORPUS.read_text())
    cases += [random_case(seed) for seed in range(FIRST_SEED, FIRST_SEED + N_RANDOM)]
    run_with_watchdog("test_fuzz", cases, check, CASE_SECONDS, CORPUS.name)
