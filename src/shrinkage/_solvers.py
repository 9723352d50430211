"""Orchestration of the coordinate-descent kernels for dense data.

This module turns validated user input into what the kernels in
``_cd_dense`` expect (weights summing to n, column statistics, centred
targets, penalties in the n-scaled form, an absolute gap tolerance), chooses
between naive and covariance updates, and shapes the results. It holds the
policy; the kernels hold the loops.
"""

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import _cd_dense
from ._exceptions import convergence_warning
from ._validation import check_precompute

__all__ = ["DenseDesign", "SparseDesign", "make_design", "EnetSolution",
           "solve_enet", "choose_method", "naive_solve", "active_gram_for",
           "centred_residual"]

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
    """'naive' or 'gram' for ``precompute`` in {'auto', True, False, array}.

    'auto' takes covariance updates when ``n_samples >= n_features`` and the
    Gram is shared by enough solves (targets, path alphas) to repay its
    n p^2 / 2 flops: ``n_features <= 40 * n_solves``. For a single fit this
    means few features; naive updates with active-set cycling touch only
    the active columns between the few full passes, which is cheaper.
    """
    precompute = check_precompute(precompute, n_features)
    if isinstance(precompute, str):
        pays = n_features * _GRAM_SOLVES_PER_FEATURE <= n_solves
        return "gram" if n_samples >= n_features and pays else "naive"
    if isinstance(precompute, (bool, np.bool_)):
        return "gram" if precompute else "naive"
    return "gram"  # a Gram matrix


class DenseDesign:
    """A validated dense design prepared once for many solves.

    Holds the weighted column means and centred norms, the target centring
    and, for covariance updates, the Gram cache. Reused across targets and
    along regularization paths; the caller's ``X`` is referenced, not copied
    (except a one-time Fortran copy of a C-ordered ``X`` for naive updates).
    """

    def __init__(self, X, sample_weight, fit_intercept, method, gram=None,
                 lazy_stats=False, fill_gram=True):
        n, p = X.shape
        self.n_samples, self.n_features = n, p
        self.fit_intercept = bool(fit_intercept)
        self.method = method
        if sample_weight is None:
            self.sw = np.empty(0)
        else:
            # Weights rescaled to sum to n: the objective of design.md §1.
            self.sw = np.ascontiguousarray(sample_weight * (n / sample_weight.sum()))
        if method == "naive" and not X.flags.f_contiguous:
            X = np.asfortranarray(X)
        self.X = X
        self.c_order = not X.flags.f_contiguous
        self.X_flat = X.ravel(order="C" if self.c_order else "F")
        self.x_mean = np.empty(p)
        self.sq_norms = np.empty(p)
        # With lazy_stats (naive updates only), the first cold solve computes
        # the column statistics in its first pass: one read of X fewer.
        self.stats_ready = False
        if not (lazy_stats and method == "naive"):
            self.ensure_stats()
        self.cache = None
        if method == "gram":
            self.cache = _cd_dense.GramCache(self.X_flat, n, p, self.c_order,
                                             self.sw, self.x_mean, self.sq_norms)
            if gram is not None:
                self.cache.adopt(np.ascontiguousarray(gram, dtype=np.float64))
                self.sq_norms = np.ascontiguousarray(np.diag(gram), dtype=np.float64)
            elif n >= p and fill_gram:
                self.cache.fill_all()

    def ensure_stats(self):
        """Compute column means and centred norms if not done yet."""
        if not self.stats_ready:
            _cd_dense.column_stats(self.X_flat, self.n_samples, self.n_features,
                                   self.c_order, self.sw, self.fit_intercept,
                                   self.x_mean, self.sq_norms)
            self.stats_ready = True

    def center_targets(self, Y):
        """Weighted target means and centred targets, one column per target."""
        if self.fit_intercept:
            if self.sw.size:
                y_mean = self.sw @ Y / self.n_samples
            else:
                y_mean = Y.sum(axis=0) / self.n_samples
        else:
            y_mean = np.zeros(Y.shape[1])
        Yc = np.asfortranarray(Y - y_mean)
        return y_mean, Yc

    def weighted_sq_norm(self, v):
        return float(v @ v) if not self.sw.size else float(self.sw @ (v * v))


class SparseDesign(DenseDesign):
    """A validated CSC design prepared once for many solves.

    Centring stays implicit: the kernels keep ``yc - X w`` and the scalar
    ``x_mean . w`` apart, so ``X`` is never densified or shifted. CSR/COO
    input is converted to CSC once by the caller; here duplicate entries
    are summed (on a copy) and indices widened to the platform's index type.
    """

    def __init__(self, X, sample_weight, fit_intercept):
        n, p = X.shape
        self.n_samples, self.n_features = n, p
        self.fit_intercept = bool(fit_intercept)
        self.method = "naive"
        self.cache = None
        if sample_weight is None:
            self.sw = np.empty(0)
        else:
            self.sw = np.ascontiguousarray(sample_weight * (n / sample_weight.sum()))
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        self.X = X
        self.data = np.ascontiguousarray(X.data, dtype=np.float64)
        self.indices = np.ascontiguousarray(X.indices, dtype=np.intp)
        self.indptr = np.ascontiguousarray(X.indptr, dtype=np.intp)
        self.x_mean = np.empty(p)
        self.sq_norms = np.empty(p)
        _cd_dense.csc_column_stats(self.data, self.indices, self.indptr, n,
                                   self.sw, self.fit_intercept, self.x_mean,
                                   self.sq_norms)
        self.stats_ready = True

    def ensure_stats(self):
        pass


def make_design(X, sample_weight, fit_intercept, precompute, n_solves=1,
                lazy_stats=False):
    """The prepared design for dense or CSC ``X`` and a ``precompute`` choice."""
    if sp.issparse(X):
        if not (isinstance(precompute, str) or precompute is False):
            raise ValueError(
                "precompute: covariance (Gram) updates are not implemented for "
                "sparse X; use precompute='auto' or False (naive updates over "
                "the nonzeros, usually faster on sparse data)."
            )
        return SparseDesign(X, sample_weight, fit_intercept)
    gram = None if isinstance(precompute, (str, bool, np.bool_)) else precompute
    n, p = X.shape
    method = choose_method(n, p, precompute if gram is None else True, n_solves)
    return DenseDesign(X, sample_weight, fit_intercept, method, gram=gram,
                       lazy_stats=lazy_stats)


def naive_solve(design, yc, pf, w, residual, correlations, candidates, l1,
                l2, positive, tol_abs, max_iter, random, seed, screen=True,
                stats=0, active_gram=None):
    """One naive-update solve with the kernel for the design's layout
    (dense column-major or CSC); arguments as ``_cd_dense.enet_naive``."""
    if isinstance(design, SparseDesign):
        return _cd_dense.enet_naive_csc(
            design.data, design.indices, design.indptr, design.n_samples, yc,
            design.sw, design.x_mean, design.sq_norms, pf, w, residual,
            correlations, candidates, l1, l2, positive, tol_abs, max_iter,
            random, seed, screen, active_gram)
    return _cd_dense.enet_naive(
        design.X, yc, design.sw, design.x_mean, design.sq_norms, pf, w,
        residual, correlations, candidates, l1, l2, positive, tol_abs,
        max_iter, random, seed, screen, stats, active_gram)


def active_gram_for(design):
    """Gram entries among the features that become nonzero, shared by the
    naive solves on ``design`` (Newton steps on the support)."""
    return _cd_dense.ActiveGram(design.n_samples, design.n_features)


def centred_residual(design, residual, w):
    """``yc - Xc w`` from a naive solve's residual output (the CSC kernel
    keeps ``yc - X w`` and the shift ``x_mean . w`` apart)."""
    if isinstance(design, SparseDesign):
        return residual + design.x_mean @ w
    return residual


def _target_scale(yc):
    """1.0, or max|yc| when ||yc||^2 could leave float64's range."""
    top = float(np.max(np.abs(yc))) if yc.size else 0.0
    if top > 1e100 or 0.0 < top < 1e-100:
        return top
    return 1.0


def _seed_from(random_state):
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(1, 2**31 - 1))
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.Generator)):
        rng = np.random.default_rng(random_state)
        return int(rng.integers(1, 2**31 - 1))
    raise ValueError(
        f"random_state must be None, an int, a RandomState or a Generator, got {random_state!r}."
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
    pf = np.ones(p) if penalty_factor is None else np.ascontiguousarray(penalty_factor)
    l1 = alpha * l1_ratio * n
    l2 = alpha * (1.0 - l1_ratio) * n
    y_mean, Yc = design.center_targets(Y)
    random = selection == "random"
    seed = _seed_from(random_state) if random else 1

    coef = np.zeros((n_targets, p))
    if coef_init is not None:
        coef[:] = coef_init
    gaps = np.empty(n_targets)
    n_iters = np.zeros(n_targets, dtype=np.intp)
    candidates = np.arange(p, dtype=np.intc)
    correlations = np.empty(p)
    residual = np.empty(n) if design.method == "naive" else None
    q = np.empty(p) if design.method == "gram" else None
    active_gram = active_gram_for(design) if design.method == "naive" else None

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
        if design.method == "naive":
            yy = design.weighted_sq_norm(yc)
            stats = 0
            if not design.stats_ready:
                if random or w.any():
                    design.ensure_stats()
                else:
                    stats = 1 if design.fit_intercept else 2
            gap, it = naive_solve(
                design, yc, pf, w, residual, correlations, candidates, l1k, l2,
                positive, tol * yy, max_iter, random, seed, screen, stats,
                active_gram)
            design.stats_ready = True
        else:
            if gram_q is not None and n_targets == 1 and scale == 1.0:
                q[:] = gram_q[0]
                yy = float(gram_q[1])
            else:
                yy = _cd_dense.gram_correlations(design.cache, yc, q)
            gap, it = _cd_dense.enet_gram(
                design.cache, q, yy, design.sq_norms, pf, w, correlations,
                candidates, l1k, l2, positive, tol * yy, max_iter, random, seed)
        w *= scale
        gap *= scale * scale
        yy *= scale * scale
        coef[k] = w
        gaps[k] = gap / n
        n_iters[k] = it
        if gap > tol * yy:
            warnings.warn(
                f"{estimator_name}: objective did not converge within "
                f"max_iter={max_iter} passes: duality gap {gap / n:.3e} > "
                f"tolerance {tol * yy / n:.3e}"
                + (f" (target {k})" if n_targets > 1 else "")
                + ". Increase max_iter, loosen tol, or standardize the features"
                + (" (alpha is tiny: for alpha = 0 use LinearRegression)." if alpha * n < 1e-8 * max(yy, 1e-300) else "."),
                convergence_warning(),
                stacklevel=3,
            )
    intercept = y_mean - coef @ design.x_mean if design.fit_intercept else np.zeros(n_targets)
    return EnetSolution(coef=coef, intercept=intercept, dual_gap=gaps,
                        n_iter=n_iters, method=design.method)
