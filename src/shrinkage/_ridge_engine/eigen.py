"""Eigendecompositions of ridge systems: many alphas at once, leave-one-out.

One eigendecomposition ``G = V diag(e) V^T`` of the primal Gram (or of the
dual kernel ``K~``, its intercept direction deflated exactly) gives the ridge
solution of every alpha, ``w(alpha) = V diag(1 / (e + alpha)) V^T X~^T y~``,
and the exact leave-one-out residuals of every alpha from the same
decomposition (``loo_errors``; ``leave_one_out`` also offers the SVD of the
centred design).

Everything runs in the problem's precision (float32 for float32 ``X``, the
LAPACK ``ssyevd`` of ``_gram.eigh``); the noise level below which an
eigenvalue counts as zero is that precision's.
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from . import _gram, _products

__all__ = [
    "EigenSystem",
    "deflated_kernel",
    "dual_eigh",
    "eigen_system",
    "inverse_factors",
    "leave_one_out",
    "loo_errors",
    "numerical_spectrum",
    "reflect",
    "ridge_path_coefs",
    "symmetric_eigh",
]


def symmetric_eigh(A):
    """Eigenvalues (ascending) and eigenvectors of symmetric A (A kept),
    in A's precision (float32 or float64)."""
    V = np.array(A, order="F", dtype=_real_dtype(A))
    E = np.empty(V.shape[0], V.dtype)
    info = _gram.eigh(V, E)
    if info != 0:  # pragma: no cover - LAPACK's divide and conquer failed
        E, V = scipy.linalg.eigh(A, driver="evr", check_finite=False)
        V = np.asfortranarray(V)
    return E, V


def _real_dtype(A):
    """float32 for float32 arrays, float64 for anything else."""
    return np.float32 if A.dtype == np.float32 else np.float64


def _householder_vector(u):
    """Householder vector ``v`` with ``H u = -sign(u_0) e_0`` for unit ``u``.

    ``H = I - 2 v v^T / (v^T v)`` is symmetric and orthogonal.
    """
    v = np.array(u, dtype=_real_dtype(u))
    v[0] += 1.0 if v[0] >= 0 else -1.0
    return v


def reflect(v, A):
    """``H A`` for the Householder reflection H of ``v`` (A 1-D or 2-D)."""
    beta = 2.0 / (v @ v)
    if A.ndim == 1:
        return A - v * (beta * (v @ A))
    return A - np.outer(v, beta * (v @ A))


def deflated_kernel(K, sq):
    """Kernel restricted to the complement of the intercept direction.

    The weighted centred kernel ``K~`` has the known null vector
    ``u = S^(1/2) 1 / ||S^(1/2) 1||`` (the intercept direction). Conjugating
    by the Householder reflection H that maps ``u`` to ``e_0`` and dropping
    the first row and column leaves the (n-1) x (n-1) kernel on the
    complement of ``u``, so that direction is removed exactly, not up to
    rounding. Returns that kernel and the Householder vector.
    """
    u = sq / np.linalg.norm(sq)
    v = _householder_vector(u)
    beta = 2.0 / (v @ v)
    Kv = K @ v
    # H K H = K - beta (v Kv^T + Kv v^T) + beta^2 (v^T K v) v v^T
    HKH = (K - beta * (np.outer(v, Kv) + np.outer(Kv, v))
           + (beta * beta * (v @ Kv)) * np.outer(v, v))
    return np.asfortranarray(HKH[1:, 1:]), v


def dual_eigh(K, sq, fit_intercept):
    """Eigenpairs of the weighted centred kernel, intercept direction removed.

    Returns eigenvalues (r,) and orthonormal eigenvectors (n, r) with
    ``r = n - 1`` when ``fit_intercept`` (the intercept direction is
    excluded), else ``r = n``.
    """
    if not fit_intercept:
        return symmetric_eigh(K)
    Kd, v = deflated_kernel(K, sq)
    E, Qd = symmetric_eigh(Kd)
    Qfull = np.zeros((K.shape[0], Qd.shape[1]), Qd.dtype)
    Qfull[1:, :] = Qd
    return E, np.asfortranarray(reflect(v, Qfull))


def numerical_spectrum(E):
    """Eigenvalues (ascending) with the numerical null space set to zero.

    Eigenvalues below the noise level ``n_dim * eps * e_max * 10`` (``eps``
    of the eigenvalues' precision) are treated as exact zeros (their
    components of the solution are zero in exact arithmetic), which gives the minimum-norm least-squares solution at
    alpha = 0. Returns the eigenvalues and the mask of the null ones.
    """
    e_max = E[-1] if E.size else 0.0
    floor = max(e_max, 0.0) * E.size * np.finfo(E.dtype).eps * 10
    return np.where(E > floor, E, 0.0), E <= floor


def inverse_factors(values, null, alphas):
    """``D[k, a] = 1 / (e_k + alpha_a)``, zero on the null space ``null``,
    in the eigenvalues' precision."""
    alphas = np.asarray(alphas, dtype=values.dtype)
    e = values[:, None]
    with np.errstate(divide="ignore"):
        D = 1.0 / (e + alphas[None, :])
    D[null, :] = 0.0
    return D


class EigenSystem:
    """Eigendecomposition of a ridge problem's primal or dual system.

    primal: ``G = V diag(e) V^T``, ``P = V^T X~^T y~``;
    dual:   ``K~ = Q diag(e) Q^T`` restricted, when an intercept is fitted,
    to the complement of the intercept direction ``u = S^(1/2) 1 / ||.||``
    (deflated exactly by a Householder reflection), ``P = Q^T y~``.

    Eigenvalues at the noise level count as exact zeros (``values`` holds
    zeros there, ``null`` marks them; see :func:`numerical_spectrum`).
    """

    def __init__(self, prob):
        self.prob = prob.build()
        if prob.side == "primal":
            E, V = symmetric_eigh(prob.G)
            self.vectors = V
            self.proj = V.T @ prob.Q
        else:
            sq = prob.sqrt_sw if prob.sw is not None else np.ones(prob.n, prob.dtype)
            E, Q = dual_eigh(prob.K, sq, prob.fit_intercept)
            self.vectors = Q
            self.proj = Q.T @ prob.Yt
        self.values, self.null = numerical_spectrum(E)

    def coefs_at(self, alpha):
        """Coefficients (p, n_targets) at one alpha."""
        return self.coefs(np.array([float(alpha)]))[0]

    def coefs(self, alphas, targets=None):
        """Coefficients (n_alphas, p, n_targets) for every alpha."""
        prob = self.prob
        P = self.proj if targets is None else self.proj[:, targets]
        D = inverse_factors(self.values, self.null, alphas)
        A, T = D.shape[1], P.shape[1]
        # all alphas in one product: R[:, a*T + t] = D[:, a] * P[:, t]
        R = (D[:, :, None] * P[:, None, :]).reshape(D.shape[0], A * T)
        B = self.vectors @ R
        if prob.side == "primal":
            W = B
        else:
            W = prob.coef_from_dual(B)
        return np.ascontiguousarray(W.reshape(prob.p, A, T).transpose(1, 0, 2))


def eigen_system(prob):
    """:class:`EigenSystem` of a built problem."""
    return EigenSystem(prob)


def ridge_path_coefs(prob, alphas):
    """Coefficients (n_alphas, p, T) and intercepts (n_alphas, T)."""
    eig = eigen_system(prob)
    W = eig.coefs(alphas)
    if prob.fit_intercept:
        b = prob.y_mean[None, :] - np.einsum("p,apt->at", prob.x_mean, W)
    else:
        b = np.zeros((len(alphas), prob.T), prob.dtype)
    return W, b


# ----------------------------------------------------------------------
# leave-one-out
# ----------------------------------------------------------------------

# Largest number of doubles held for the per-alpha fitted values of a LOO
# pass; beyond it the alphas are processed in chunks (one pass over X each).
_LOO_BUDGET = 1 << 24


def loo_errors(eig, alphas):
    """Exact leave-one-out residuals of every alpha from one decomposition.

    For each alpha and sample i, ``e_i = y_i - yhat_(-i)`` (original scale),
    where ``yhat_(-i)`` is the prediction of the weighted ridge fit
    (intercept included) on all samples but i. By the Sherman-Morrison
    identity ``e_i = r_i / (1 - h_ii)`` with ``r`` the residual of the full
    fit and ``h_ii`` its (weighted) leverage (Allen (1974), "The relationship
    between variable selection and data augmentation and a method for
    prediction", Technometrics 16(1); Golub, Heath & Wahba (1979),
    "Generalized cross-validation as a method for choosing a good ridge
    parameter", Technometrics 21(2), from whom the use of one
    eigendecomposition for all alphas; Rifkin & Lippert (2007), "Notes on
    regularized least squares", MIT-CSAIL-TR-2007-025, for the dual form).

    Returns
    -------
    errors : ndarray (n, n_alphas, n_targets)
        Leave-one-out residuals ``e_i`` on the original scale.
    dual_coefs / None : for the dual side, the dual coefficients
        ``c`` (n, n_alphas, n_targets) with ``w = X~^T c``.
    """
    prob = eig.prob
    alphas = np.asarray(alphas, dtype=prob.dtype)
    if prob.side == "primal":
        return _loo_primal(eig, alphas), None
    return _loo_dual(eig, alphas)


def _loo_primal(eig, alphas):
    prob = eig.prob
    n, p, T = prob.n, prob.p, prob.T
    A = alphas.size
    s = prob.sw
    Yc = prob.Y - prob.y_mean
    out = np.empty((n, A, T), prob.dtype)
    chunk = max(1, _LOO_BUDGET // max(n * (T + 1), 1))
    V = eig.vectors
    Z = prob.centred_dot(V) if prob.sparse else None   # (X - 1 m^T) V
    for a0 in range(0, A, chunk):
        al = alphas[a0:a0 + chunk]
        D = np.asfortranarray(inverse_factors(eig.values, eig.null, al))
        k = al.size
        R = np.asfortranarray((D[:, :, None] * eig.proj[:, None, :]).reshape(p, k * T))
        if prob.sparse:
            lev = (Z * Z) @ D
            fit = Z @ R
        else:
            lev = np.empty((n, k), prob.dtype, order="F")
            fit = np.empty((n, k * T), prob.dtype, order="F")
            _products.loo_primal_pass(prob.X, prob.c_order, prob.x_mean,
                                      np.empty(0, prob.dtype), V, D, R, lev, fit)
        # weighted leverage of the augmented (intercept) design
        if prob.fit_intercept:
            lev += 1.0 / prob.s_sum
        if s is not None:
            lev *= s[:, None]
        resid = Yc[:, None, :] - fit.reshape(n, k, T)
        out[:, a0:a0 + k, :] = resid / (1.0 - lev)[:, :, None]
    return out


def _loo_dual(eig, alphas):
    prob = eig.prob
    n, T = prob.n, prob.T
    A = alphas.size
    Q = eig.vectors
    # F[k, a] = alpha / (e_k + alpha): the spectrum of I - H off the
    # intercept direction, bounded in (0, 1], no cancellation
    F = alphas[None, :] / (eig.values[:, None] + alphas[None, :])
    one_minus_h = (Q * Q) @ F                                  # (n, A)
    RF = (F[:, :, None] * eig.proj[:, None, :]).reshape(Q.shape[1], A * T)
    r = (Q @ RF).reshape(n, A, T)                              # (I - H) y~
    c = r / alphas[None, :, None]                              # dual coefs
    e_scaled = r / one_minus_h[:, :, None]
    if prob.sw is None:
        return e_scaled, c
    sq = prob.sqrt_sw
    pos = sq > 0
    errors = np.empty_like(e_scaled)
    errors[pos] = e_scaled[pos] / sq[pos, None, None]
    if prob.K_zero_rows is not None:
        # zero-weight samples: leaving one out changes nothing, its LOO
        # residual is its residual, y_i - ybar - (x_i - m).w
        rows, Kz = prob.K_zero_rows
        fitted = np.einsum("zn,nat->zat", Kz, sq[:, None, None] * c)
        errors[rows] = (prob.Y[rows] - prob.y_mean)[:, None, :] - fitted
    return errors, c


def _coef_fn(eig, alphas):
    """Function of an alpha index giving the coefficients (p, T)."""
    return lambda a: eig.coefs_at(alphas[a])


def _loo_svd(prob, alphas):
    """Leave-one-out errors from the SVD of the centred design (dense)."""
    Xc, Yc = prob.centred_copy()
    U, s, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
    UtY = U.T @ Yc
    alphas = np.asarray(alphas, dtype=prob.dtype)
    n, T = prob.n, prob.T
    A = len(alphas)
    s2 = s * s
    f = s2[:, None] / (s2[:, None] + alphas[None, :])         # (r, A)
    lev = (U * U) @ f                                         # (n, A)
    sw = prob.sw
    if prob.fit_intercept:
        lev += (np.ones(n, prob.dtype) if sw is None else sw)[:, None] / prob.s_sum
    fitted = (U @ (f[:, :, None] * UtY[:, None, :]).reshape(len(s), A * T)).reshape(n, A, T)
    e_scaled = (Yc[:, None, :] - fitted) / (1.0 - lev)[:, :, None]
    shrink = s[:, None] / (s2[:, None] + alphas[None, :])    # (r, A)

    def coef(a):
        return Vt.T @ (shrink[:, a, None] * UtY)

    if sw is None:
        return e_scaled, coef
    errors = np.empty_like(e_scaled)
    pos = sw > 0
    errors[pos] = e_scaled[pos] / prob.sqrt_sw[pos, None, None]
    zero = np.flatnonzero(~pos)
    if zero.size:
        Xz = prob.X[zero].toarray() if sp.issparse(prob.X) else prob.X[zero]
        for a in range(A):
            W = coef(a)
            errors[zero, a, :] = (prob.Y[zero] - prob.y_mean) - (Xz - prob.x_mean) @ W
    return errors, coef


def leave_one_out(prob, alphas, svd=False):
    """Leave-one-out residuals of every alpha and the coefficients' source.

    From one eigendecomposition of the primal or dual system
    (:func:`loo_errors`), or, with ``svd`` and dense ``X``, from the SVD of
    the centred design (more accurate for ill-conditioned X at tiny alphas).

    Returns
    -------
    errors : ndarray (n, n_alphas, n_targets)
        Leave-one-out residuals on the original scale.
    coef : callable
        ``coef(a)``: the coefficients (p, n_targets) of the full fit at
        ``alphas[a]``.
    """
    if svd and not prob.sparse:
        return _loo_svd(prob, alphas)
    eig = eigen_system(prob)
    errors, _ = loo_errors(eig, alphas)
    return errors, _coef_fn(eig, alphas)
