"""K-fold cross-validation of ridge over one Gram or kernel.

Each fold's training system is derived from the full data's instead of being
rebuilt: on the primal side its Gram is the full (centred) Gram minus the
held-out rows' Gram about the same means, re-centred exactly at the
training means; on the dual side the training block of the full kernel is
re-centred at the training means. One eigendecomposition per fold then
serves every alpha (:func:`held_out_predictor`).
"""

import numpy as np
import scipy.sparse as sp

from .._folds import folds_are_complements
from . import _gram, _products
from .eigen import (
    dual_eigh,
    inverse_factors,
    numerical_spectrum,
    ridge_path_coefs,
    symmetric_eigh,
)
from .problem import RidgeProblem, dense

__all__ = ["held_out_predictor"]


def held_out_predictor(prob):
    """Held-out predictions of every alpha, fold by fold, for a problem.

    Builds the problem's primal system, or its dual one with a copy of the
    unweighted kernel (whichever side ``prob`` chose), once. Returns
    ``predict(train, test, alphas)``: the predictions (len(test), n_alphas,
    n_targets) of the fits on the rows ``train`` at every alpha. On the
    primal side a fold whose training rows are not the complement of its
    held-out rows (a time-series split, say) cannot be derived from the full
    Gram by subtraction; its training rows' own system is built instead.
    """
    if prob.side == "primal":
        prob.build()

        def predict(train, test, alphas):
            if folds_are_complements([(train, test)], prob.n):
                return _fold_predictions_primal(prob, train, test, alphas)
            return _refit_predictions(prob, train, test, alphas)

        return predict
    K_raw = prob.build_dual(keep_raw=True)
    return lambda train, test, alphas: _fold_predictions_dual(
        prob, K_raw, train, test, alphas)


def _rows(X, idx):
    """Rows ``idx`` of X: sparse as is, dense as a C-contiguous copy."""
    if sp.issparse(X):
        return X[idx]
    return np.ascontiguousarray(X[idx])


def _shifted_sums(X, Y, sw, cx, cy, center):
    """Raw sums about fixed shifts: G, Q, a, b, S (see gram_primal)."""
    n, p = X.shape
    T = Y.shape[1]
    dtype = X.dtype
    if not sp.issparse(X):
        G = np.empty((p, p), dtype, order="F")
        Q = np.empty((p, T), dtype, order="F")
        cx, cy = np.array(cx), np.array(cy)
        S, a, b, _ = _gram.gram_primal(X, True, np.asfortranarray(Y),
                                       np.empty(0, dtype) if sw is None else np.sqrt(sw),
                                       center, False, cx, cy, G, Q, False)
        G = np.triu(G)
        G = G + np.triu(G, 1).T
        return G, np.asarray(Q), a, b, S
    s = np.ones(n, dtype) if sw is None else sw
    Xs = X if sw is None else sp.csr_matrix(X.multiply(s[:, None]))
    G = dense(X.T @ Xs)
    Q = np.asarray(X.T @ (s[:, None] * Y))
    S = float(s.sum(dtype=np.float64))
    if not center:
        return G, Q, np.zeros(p, dtype), np.zeros(T, dtype), S
    colsum = np.asarray(Xs.sum(axis=0)).ravel()          # X^T s
    ysum = s @ Y
    G = G - np.outer(cx, colsum) - np.outer(colsum, cx) + S * np.outer(cx, cx)
    Q = Q - np.outer(cx, ysum) - np.outer(colsum, cy) + S * np.outer(cx, cy)
    return G, Q, colsum - S * cx, ysum - S * cy, S


def _fold_predictions_primal(prob, train, test, alphas):
    """Held-out predictions (|test|, A, T) of every alpha for one fold.

    The fold's Gram is the full (centred) Gram minus the held-out rows'
    Gram about the same means, re-centred exactly at the training means
    (a rank-one correction by the small mean difference).
    """
    X, Y, sw = prob.X, prob.Y, prob.sw
    m, ybar = prob.x_mean, prob.y_mean
    Xh = _rows(X, test)
    Yh = Y[test]
    swh = None if sw is None else sw[test]
    Gh, Qh, ah, bh, Sh = _shifted_sums(Xh, Yh, swh, m, ybar, prob.fit_intercept)
    G = prob.G - Gh
    Q = prob.Q - Qh
    if prob.fit_intercept:
        S_t = prob.s_sum - Sh
        a, b = -ah, -bh        # sums over the training rows (full sums are 0)
        G -= np.outer(a, a) / S_t
        Q -= np.outer(a, b) / S_t
        # a, b are float64 sums: the fold's means in the problem's precision
        m_t = np.asarray(m + a / S_t, dtype=prob.dtype)
        ybar_t = np.asarray(ybar + b / S_t, dtype=prob.dtype)
    else:
        m_t, ybar_t = np.zeros(prob.p, prob.dtype), np.zeros(prob.T, prob.dtype)
    E, V = symmetric_eigh(G)
    D = inverse_factors(*numerical_spectrum(E), alphas)
    P = V.T @ Q
    if sp.issparse(Xh):
        Z = np.asarray(Xh @ V) - m_t @ V
    else:
        Z = np.empty((Xh.shape[0], prob.p), prob.dtype, order="F")
        _products.x_dot_centred(Xh, True, m_t, np.empty(0, prob.dtype),
                                np.asfortranarray(V), Z)
    A, T = len(alphas), prob.T
    R = (D[:, :, None] * P[:, None, :]).reshape(prob.p, A * T)
    return ybar_t + (Z @ R).reshape(len(test), A, T)


def _fold_predictions_dual(prob, K_raw, train, test, alphas):
    """Held-out predictions of every alpha for one fold, from the kernel.

    ``K_raw`` is the unweighted kernel centred at the full-data means; the
    fold's kernel is re-centred at the training means exactly.
    """
    Y = prob.Y
    s = np.ones(prob.n, prob.dtype) if prob.sw is None else prob.sw
    s_t = s[train]
    K_tt = K_raw[np.ix_(train, train)]
    K_ht = K_raw[np.ix_(test, train)]
    if prob.fit_intercept:
        S_t = s_t.sum()
        u_t = K_tt @ s_t / S_t          # (x_i - m).(m_t - m)
        u_h = K_ht @ s_t / S_t
        dd = s_t @ u_t / S_t            # |m_t - m|^2
        K_tt = K_tt - u_t[:, None] - u_t[None, :] + dd
        K_ht = K_ht - u_h[:, None] - u_t[None, :] + dd
        ybar_t = s_t @ Y[train] / S_t
    else:
        ybar_t = np.zeros(prob.T, prob.dtype)
    sq = np.sqrt(s_t)
    Kt = sq[:, None] * K_tt * sq[None, :]
    Yt = sq[:, None] * (Y[train] - ybar_t)
    E, Qm = dual_eigh(Kt, sq, prob.fit_intercept)
    D = inverse_factors(*numerical_spectrum(E), alphas)
    P = Qm.T @ Yt
    Z = K_ht @ (sq[:, None] * Qm)
    A, T = len(alphas), prob.T
    R = (D[:, :, None] * P[:, None, :]).reshape(Qm.shape[1], A * T)
    return ybar_t + (Z @ R).reshape(len(test), A, T)


def _refit_predictions(prob, train, test, alphas):
    """Held-out predictions of every alpha from the training rows' own system
    (folds that are not complements), centred at the training means."""
    sw = None if prob.sw is None else prob.sw[train]
    fold = RidgeProblem(_rows(prob.X, train), prob.Y[train], sw, prob.fit_intercept)
    W, _ = ridge_path_coefs(fold, alphas)                 # (A, p, T)
    A, p, T = W.shape
    W = np.asfortranarray(W.transpose(1, 0, 2).reshape(p, A * T))
    Xh = _rows(prob.X, test)
    if sp.issparse(Xh):
        Z = np.asarray(Xh @ W) - fold.x_mean @ W
    else:
        Z = np.empty((Xh.shape[0], A * T), fold.dtype, order="F")
        _products.x_dot_centred(Xh, True, fold.x_mean, np.empty(0, fold.dtype), W, Z)
    return fold.y_mean + Z.reshape(len(test), A, T)
