"""The multi-task elastic net: prepared problems, single solves, paths, CV folds.

The policy around the block coordinate-descent kernel
(:mod:`shrinkage._enet._multitask`): weighted means for implicit centring,
naive or covariance updates, the absolute gap tolerance (scikit-learn's
``tol * ||Yc||_S^2``), scikit-learn's alpha grid of the group problem
(``alpha_max = max_j ||xc_j^T S Yc||_2 / (n * l1_ratio)``), warm-started
paths and the held-out errors of a CV fold.

Paths warm-start each alpha at the previous solution; the kernel's active
set cycling with full passes is the strong-rule-and-KKT scheme of the
single-task engine in the group setting (a full pass is the KKT check of
every block at zero, and costs what the check would).
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._multitask import multitask_cd

__all__ = ["MultiTaskProblem", "multitask_alpha_grid", "multitask_fold_mse",
           "multitask_path", "prepare_multitask", "solve_multitask"]

# Covariance updates when the Gram is cheap next to the passes it replaces:
# a dense X with n_samples >= 2 * n_features (each naive block update reads
# n_samples rows, a covariance update n_features Gram entries) and a Gram of
# at most this many features (p^2 doubles of memory).
_GRAM_MAX_FEATURES = 4096


def choose_multitask_method(X):
    """'gram' for a dense ``X`` with ``n >= 2 p`` and ``p <= 4096``, else 'naive'."""
    n, p = X.shape
    if sp.issparse(X) or p > _GRAM_MAX_FEATURES or n < 2 * p:
        return "naive"
    return "gram"


@dataclass
class MultiTaskProblem:
    """Data of a multi-task fit as the kernel reads them."""

    X: object                 # dense Fortran (n, p) or CSC
    sw: np.ndarray            # (n,) weights summing to n
    x_mean: np.ndarray        # (p,)
    y_mean: np.ndarray        # (T,)
    Yc: np.ndarray            # (n, T) centred targets, C order
    yy: float                 # ||Yc||_S^2
    method: str
    G: np.ndarray = None      # (p, p) Xc^T S Xc for 'gram'
    Q: np.ndarray = None      # (p, T) Xc^T S Yc


def prepare_multitask(X, Y, sample_weight, fit_intercept, method=None):
    """A :class:`MultiTaskProblem` from validated float64 ``X`` (dense or
    CSC) and ``Y`` (n, T); ``sample_weight`` None or (n,) non-negative,
    rescaled here to sum to n. ``X`` and ``Y`` are not modified."""
    n, p = X.shape
    sw = (np.ones(n) if sample_weight is None
          else np.ascontiguousarray(sample_weight * (n / sample_weight.sum())))
    if sp.issparse(X):
        X = X.tocsc()
        if X.indices.dtype != np.intc or X.indptr.dtype != np.intc:
            X = sp.csc_matrix((X.data, X.indices.astype(np.intc), X.indptr.astype(np.intc)),
                              shape=X.shape)
        if not X.has_sorted_indices:
            X = X.sorted_indices()
        x_mean = (np.asarray(X.T @ sw).ravel() / n if fit_intercept else np.zeros(p))
    else:
        X = np.asfortranarray(X)
        x_mean = sw @ X / n if fit_intercept else np.zeros(p)
    y_mean = sw @ Y / n if fit_intercept else np.zeros(Y.shape[1])
    Yc = np.ascontiguousarray(Y - y_mean)
    yy = float(np.sum(sw[:, None] * Yc * Yc))
    method = method or choose_multitask_method(X)
    prob = MultiTaskProblem(X, sw, x_mean, y_mean, Yc, yy, method)
    if method == "gram":
        Xs = X * np.sqrt(sw)[:, None]
        G = Xs.T @ Xs
        if fit_intercept:
            G -= n * np.outer(x_mean, x_mean)  # sum s (x - m)(x - m)^T
        prob.G = np.ascontiguousarray(G)
        prob.Q = np.ascontiguousarray(X.T @ (sw[:, None] * Yc))
    return prob


def multitask_alpha_grid(X, Y, sample_weight, fit_intercept, l1_ratio, eps, n_alphas):
    """scikit-learn's grid (``_alpha_grid``, computed in its order of
    operations from the raw weights, so the grids agree to the bit on dense
    data): ``n_alphas`` from ``alpha_max = max_j ||xc_j^T S Yc||_2 / (sum(s)
    * l1_ratio)`` down to ``eps * alpha_max``, geometrically."""
    if l1_ratio == 0:
        raise ValueError(
            "Automatic alpha grid generation is not supported for l1_ratio=0. "
            "Please supply a grid by providing the 'alphas' argument.")
    sw = sample_weight
    if fit_intercept:
        Y = Y - np.average(Y, axis=0, weights=sw)
        if sp.issparse(X):
            x_mean = np.asarray(X.T @ (np.ones(X.shape[0]) if sw is None else sw)).ravel()
            x_mean = x_mean / (X.shape[0] if sw is None else sw.sum())
        else:
            x_mean = np.average(X, axis=0, weights=sw)
    Yw = Y if sw is None else Y * sw.reshape(-1, 1)
    C = np.asarray(X.T @ Yw)
    if fit_intercept:
        C = C - x_mean[:, None] * np.sum(Yw, axis=0)
    total = X.shape[0] if sw is None else sw.sum()
    alpha_max = np.sqrt(np.max(np.sum(C ** 2, axis=1))) / (total * l1_ratio)
    if alpha_max <= np.finfo(np.float64).resolution:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


def solve_multitask(prob, alpha, l1_ratio, pf, tol, max_iter, W=None,
                    random=False, seed=1):
    """One solve. Returns ``(W (p, T), gap, passes)`` with the gap in the
    1/(2n)-scaled objective; ``W`` (the warm start) is not modified."""
    n, p = prob.X.shape
    T = prob.Yc.shape[1]
    W = np.zeros((p, T)) if W is None else np.array(W, dtype=np.float64, order="C")
    empty = np.zeros((0, 0), order="F")
    no_ints = np.zeros(0, dtype=np.intc)
    sparse = sp.issparse(prob.X)
    if prob.method == "gram":
        args = (empty, np.zeros(0), no_ints, no_ints, False, prob.x_mean, prob.sw,
                np.zeros((0, T)), prob.G, prob.Q)
    elif sparse:
        args = (empty, prob.X.data, prob.X.indices, prob.X.indptr, True, prob.x_mean,
                prob.sw, prob.Yc, np.zeros((0, 0)), np.zeros((0, 0)))
    else:
        args = (prob.X, np.zeros(0), no_ints, no_ints, False, prob.x_mean, prob.sw,
                prob.Yc, np.zeros((0, 0)), np.zeros((0, 0)))
    gap, passes = multitask_cd(*args, prob.yy, W, pf, alpha * l1_ratio * n,
                               alpha * (1.0 - l1_ratio) * n, tol * prob.yy,
                               int(max_iter), bool(random), int(seed))
    return W, gap / n, passes


def multitask_path(prob, alphas, l1_ratio, pf, tol, max_iter, W0=None,
                   random=False, seed=1):
    """Warm-started path over decreasing ``alphas``: ``(coefs (T, p, n_alphas),
    gaps (n_alphas,), passes (n_alphas,), n_failed)``."""
    p, T = prob.X.shape[1], prob.Yc.shape[1]
    coefs = np.empty((T, p, len(alphas)))
    gaps = np.empty(len(alphas))
    passes = np.empty(len(alphas), dtype=int)
    n_failed = 0
    W = W0
    for k, alpha in enumerate(alphas):
        W, gaps[k], passes[k] = solve_multitask(prob, float(alpha), l1_ratio, pf, tol,
                                                max_iter, W, random, seed)
        coefs[:, :, k] = W.T
        n_failed += gaps[k] > tol * prob.yy / prob.Yc.shape[0]
    return coefs, gaps, passes, int(n_failed)


def multitask_fold_mse(X, Y, sw, train, test, alphas, l1_ratio, fit_intercept,
                       pf, tol, max_iter, random, seed):
    """Held-out mean squared error (over samples, weighted, then tasks) of
    the path fitted on the ``train`` rows, as scikit-learn's
    ``_path_residuals``."""
    X_train = X[train]
    prob = prepare_multitask(X_train, Y[train], None if sw is None else sw[train],
                             fit_intercept)
    coefs, _, _, _ = multitask_path(prob, alphas, l1_ratio, pf, tol, max_iter,
                                    random=random, seed=seed)
    X_test, Y_test = X[test], Y[test]
    intercepts = prob.y_mean[:, None] - np.einsum("p,tpk->tk", prob.x_mean, coefs)
    mse = np.empty(len(alphas))
    w_test = None if sw is None else sw[test]
    for k in range(len(alphas)):
        pred = np.asarray(X_test @ coefs[:, :, k].T) + intercepts[:, k]
        res2 = (pred - Y_test) ** 2
        mse[k] = np.average(res2, axis=0, weights=w_test).mean()
    return mse


def multitask_enet_path(X, Y, sw, pf, *, l1_ratio, eps, n_grid, grid, coef_init,
                        fit_intercept, tol, max_iter, random, seed):
    """``enet_path`` for a 2-D ``Y`` (validated), as scikit-learn: the
    multi-task problem. Returns ``(alphas, coefs (T, p, n_alphas), gaps,
    passes, n_failed)``."""
    n, p = X.shape
    T = Y.shape[1]
    prob = prepare_multitask(X, Y, sw, fit_intercept)
    if grid is None:
        # on the prepared (Fortran-ordered) X, as scikit-learn's enet_path
        # computes its grid on X checked to Fortran order: X^T Y rounds
        # differently in the two orders
        grid = multitask_alpha_grid(prob.X, Y, sw, fit_intercept, l1_ratio, eps, n_grid)
    W0 = None
    if coef_init is not None:
        W0 = np.asarray(coef_init, dtype=np.float64)
        if W0.shape != (T, p):
            raise ValueError(
                f"coef_init must have shape ({T}, {p}) for a 2-D y, got shape {W0.shape}.")
        W0 = W0.T
    coefs, gaps, passes, n_failed = multitask_path(prob, grid, l1_ratio, pf, tol,
                                                   max_iter, W0, random, seed)
    return grid, coefs, gaps, passes, n_failed
