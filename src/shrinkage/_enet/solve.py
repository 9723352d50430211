"""Single elastic-net solves on a prepared design: the policy.

Turns validated parameters into what the kernels expect (penalties in the
n-scaled form, an absolute gap tolerance, a seed), chooses between naive
and covariance updates, and shapes the results. The kernels (behind the
designs' methods, :mod:`shrinkage._enet.design`) hold the loops, no policy.
"""

import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from . import _gram
from .._exceptions import ConvergenceWarning

__all__ = ["EnetSolution", "choose_method", "fold_precompute", "kernel_penalties", "seed_from",
           "active_gram_for", "solve_enet"]

# Covariance updates pay off when the Gram is reused. Measured on this
# project's machines (bench/, single thread): building the full Gram by
# dsyrk costs about the time of p / 40 naive solves with active-set cycling,
# so 'auto' builds it when n >= p and p <= 40 * (number of solves sharing the
# design: targets, alphas of a path).
_GRAM_SOLVES_PER_FEATURE = 1.0 / 40.0


@dataclass
class EnetSolution:
    """Result of one elastic-net fit per target (coefficients in rows)."""

    coef: np.ndarray          # (n_targets, p)
    intercept: np.ndarray     # (n_targets,)
    dual_gap: np.ndarray      # (n_targets,), in the 1/(2n)-scaled objective
    n_iter: np.ndarray        # (n_targets,)
    method: str


def choose_method(n_samples, n_features, precompute, n_solves=1):
    """'naive' or 'gram' for a checked ``precompute`` ('auto', bool, array).

    'auto' takes covariance updates when ``n_samples >= n_features`` and the
    Gram is shared by enough solves (targets, path alphas) to repay its
    n p^2 / 2 flops: ``n_features <= 40 * n_solves``. For a single fit this
    means few features; naive updates with active-set cycling touch only
    the active columns between the few full passes, which is cheaper.
    """
    if isinstance(precompute, str):
        pays = n_features * _GRAM_SOLVES_PER_FEATURE <= n_solves
        return "gram" if n_samples >= n_features and pays else "naive"
    if isinstance(precompute, (bool, np.bool_)):
        return "gram" if precompute else "naive"
    return "gram"  # a Gram matrix


def fold_precompute(precompute):
    """A checked ``precompute`` for designs of subsets of the rows: a given
    Gram is the full data's, so they take covariance updates (True) and
    build their own."""
    return precompute if isinstance(precompute, (str, bool)) else True


def kernel_penalties(alphas, l1_ratio, penalty_factor, n_samples, n_features):
    """The kernels' penalties for ``alphas`` (a float or an array).

    The objective's ``alpha * l1_ratio * f_j |w_j| + alpha * (1 - l1_ratio)
    / 2 * f_j w_j^2`` (with the loss scaled by 1/(2n)) is, times n, the
    kernels' ``l1 * f_j |w_j| + l2 / 2 * f_j w_j^2``. Returns ``(l1, l2,
    pf)`` with ``pf`` the contiguous factors (ones when None).
    """
    pf = (np.ones(n_features) if penalty_factor is None
          else np.ascontiguousarray(penalty_factor, dtype=np.float64))
    alphas = np.asarray(alphas, dtype=np.float64)
    return alphas * l1_ratio * n_samples, alphas * (1.0 - l1_ratio) * n_samples, pf


def seed_from(random_state):
    """The kernels' seed (in [1, 2^31 - 1)) for ``selection='random'``."""
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(1, 2**31 - 1))
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.Generator)):
        rng = np.random.default_rng(random_state)
        return int(rng.integers(1, 2**31 - 1))
    raise ValueError(
        f"random_state must be None, an int, a RandomState or a Generator, got {random_state!r}."
    )


def active_gram_for(design):
    """Gram entries among the features that become nonzero, shared by the
    naive solves on ``design`` (Newton steps on the support)."""
    return _gram.ActiveGram(design.n_samples, design.n_features)


def _target_scale(yc):
    """1.0, or max|yc| when ||yc||^2 could leave float64's range."""
    top = float(np.max(np.abs(yc))) if yc.size else 0.0
    if top > 1e100 or 0.0 < top < 1e-100:
        return top
    return 1.0


def _warn_not_converged(estimator_name, max_iter, gap, tol_abs, yy, alpha, n, k,
                        n_targets):
    warnings.warn(
        f"{estimator_name}: objective did not converge within "
        f"max_iter={max_iter} passes: duality gap {gap / n:.3e} > "
        f"tolerance {tol_abs / n:.3e}"
        + (f" (target {k})" if n_targets > 1 else "")
        + ". Increase max_iter, loosen tol, or standardize the features"
        + (" (alpha is tiny: for alpha = 0 use LinearRegression)."
           if alpha * n < 1e-8 * max(yy, 1e-300) else "."),
        ConvergenceWarning,
        stacklevel=4,
    )


def solve_enet(design, Y, *, alpha, l1_ratio, penalty_factor, positive,
               tol, max_iter, selection, random_state, coef_init=None,
               screen=True, estimator_name="ElasticNet", gram_q=None):
    """Fit the elastic net for each column of ``Y`` on a prepared design.

    Parameters follow scikit-learn's ElasticNet; ``Y`` is (n, n_targets),
    ``coef_init`` (n_targets, p) or None, ``penalty_factor`` (p,) or None.
    ``gram_q``: for a single target on a Gram design, ``(Xc^T S yc,
    yc^T S yc)`` when the caller knows them (saves a pass over X).
    Emits a ConvergenceWarning for targets whose gap did not reach ``tol``.
    """
    n, p = design.n_samples, design.n_features
    n_targets = Y.shape[1]
    l1, l2, pf = kernel_penalties(alpha, l1_ratio, penalty_factor, n, p)
    y_mean, Yc = design.center_targets(Y)
    random = selection == "random"
    seed = seed_from(random_state) if random else 1

    coef = np.zeros((n_targets, p))
    if coef_init is not None:
        coef[:] = coef_init
    gaps = np.empty(n_targets)
    n_iters = np.zeros(n_targets, dtype=np.intp)
    candidates = np.arange(p, dtype=np.intc)
    correlations = np.empty(p)
    naive = design.method == "naive"
    residual = np.empty(n) if naive else None
    q = None if naive else np.empty(p)
    active_gram = active_gram_for(design) if naive else None

    for k in range(n_targets):
        yc = Yc[:, k]
        w = np.ascontiguousarray(coef[k])
        # Targets near the ends of float64 would overflow ||y||^2: solve the
        # problem for y / c instead, which is exact (y = c y', w = c w' turns
        # the objective into c^2 times the one with l1 / c and the same l2).
        scale = _target_scale(yc)
        l1k = l1 / scale
        if scale != 1.0:
            yc = yc / scale
            w /= scale
        if naive:
            yy = design.weighted_sq_norm(yc)
            stats = 0
            if not design.stats_ready:
                if random or w.any():
                    design.ensure_stats()
                else:
                    stats = 1 if design.fit_intercept else 2
            gap, it = design.naive_solve(
                yc, pf, w, residual, correlations, candidates, l1k, l2,
                positive, tol * yy, max_iter, random, seed, screen, stats,
                active_gram)
            design.stats_ready = True
        else:
            if gram_q is not None and n_targets == 1 and scale == 1.0:
                q[:] = gram_q[0]
                yy = float(gram_q[1])
            else:
                yy = design.gram_correlations(yc, q)
            gap, it = design.gram_solve(
                q, yy, pf, w, correlations, candidates, l1k, l2, positive,
                tol * yy, max_iter, random, seed)
        w *= scale
        gap *= scale * scale
        yy *= scale * scale
        coef[k] = w
        gaps[k] = gap / n
        n_iters[k] = it
        if gap > tol * yy:
            _warn_not_converged(estimator_name, max_iter, gap, tol * yy, yy,
                                alpha, n, k, n_targets)
    intercept = y_mean - coef @ design.x_mean if design.fit_intercept else np.zeros(n_targets)
    return EnetSolution(coef=coef, intercept=intercept, dual_gap=gaps,
                        n_iter=n_iters, method=design.method)
