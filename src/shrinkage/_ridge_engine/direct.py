"""Direct ridge and least-squares solves of a :class:`RidgeProblem`.

Cholesky on the primal or dual system (one factorisation per distinct
alpha), with an SVD (dense) or eigendecomposition (sparse) fallback on a
singular or ill-conditioned system (``solve_ridge``); non-negative ridge by
NNLS on the Cholesky factor (``nnls_solve``); ordinary least squares by the
Gram or kernel when well conditioned, else LAPACK's ``gelsd``
(``ols_dense``), or by the eigendecomposition for sparse ``X``
(``ols_eigen``). Estimators call LAPACK only through these.

Each solve runs in the problem's precision (``prob.dtype``: float32 for
float32 ``X``), with the thresholds that decide a route scaled to it
(``_RCOND_MIN``, ``_OLS_GRAM_MIN_RATIO``). Non-negative ridge decides its
active set in float64 whatever the precision (``nnls_solve``).
"""

import warnings

import numpy as np
import scipy.linalg
from scipy.linalg import LinAlgWarning

from . import _gram
from .eigen import deflated_kernel, eigen_system, reflect

__all__ = ["NOT_REPRESENTABLE", "nnls_solve", "ols_dense", "ols_eigen", "solve_ridge"]

# The one message for fits whose numbers leave float64 (products X^T y, or
# coefficients of size |y| / |x|, beyond its range).
NOT_REPRESENTABLE = (
    "{name}: the coefficients or intercept are not finite: the scales of X "
    "and y leave float64's range (their product or ratio overflows); "
    "rescale X or y first.")

# A Cholesky factorisation whose reciprocal condition number (1-norm, dpocon)
# falls below this is not trusted: the solve is redone by SVD (dense) or by
# the eigendecomposition (sparse), with a LinAlgWarning. At this rcond the
# Cholesky solution could have lost ~12 of its 16 digits. In float32 (7
# digits) the same trust is rcond >= 1e-4: ~4 digits may be lost, 3 kept.
RCOND_MIN = 1e-12
_RCOND_MIN = {np.dtype(np.float64): RCOND_MIN, np.dtype(np.float32): 1e-4}


# ----------------------------------------------------------------------
# single fits
# ----------------------------------------------------------------------

def _groups(alphas):
    """Target indices grouped by equal alpha (one factorisation per group)."""
    first = float(alphas[0])
    if alphas.size == 1 or bool((alphas == first).all()):
        return [(first, None)]
    return [(float(a), np.flatnonzero(alphas == a)) for a in np.unique(alphas)]


def _cholesky_groups(A, B, alphas, u=None):
    """Solve ``(A + alpha_t I) x_t = b_t`` per column; None if ill-posed.

    ``u``: a known unit null vector of A orthogonal to every ``b_t`` (the
    intercept direction of the centred kernel); it is lifted off zero by a
    rank-one term, which leaves the solutions unchanged.

    Returns (X, worst_rcond) or (None, (info, rcond, alpha)) when a system
    is not numerically positive definite.
    """
    kappa = 0.0
    if u is not None:
        kappa = max(float(np.trace(A)) / A.shape[0], np.finfo(np.float64).tiny)
    work = np.empty(A.shape, A.dtype, order="F")
    rcond_min = _RCOND_MIN[A.dtype]
    groups = _groups(alphas)
    out = None if groups[0][1] is None else np.empty(B.shape, B.dtype, order="F")
    worst = np.inf
    for alpha, idx in groups:
        rhs = np.array(B if idx is None else B[:, idx], order="F")
        info, rcond = _gram.cholesky_solve(A, alpha, rhs, work, u, kappa)
        if info != 0 or rcond < rcond_min:
            return None, (info, rcond, alpha)
        if idx is None:
            out = rhs
        else:
            out[:, idx] = rhs
        worst = min(worst, rcond)
    return out, worst


def _warn_singular(detail, alphas, how):
    zero = bool(np.any(np.asarray(alphas) == 0))
    hint = (" With alpha=0 this is ordinary least squares: use "
            "shrinkage.LinearRegression, which handles rank deficiency."
            if zero else " Increase alpha to regularise the problem.")
    info, rcond, alpha = detail
    what = ("not positive definite" if info != 0
            else f"ill-conditioned (reciprocal condition number {rcond:.2e})")
    warnings.warn(
        f"Ridge system X^T X + alpha I at alpha={alpha:g} is {what}; solved "
        f"by {how} instead of Cholesky (least squares, minimum norm).{hint}",
        LinAlgWarning,
        stacklevel=4,
    )


def solve_ridge(prob, alphas, solver="cholesky", warn=True):
    """Coefficients (p, n_targets) of ridge fits, one alpha per target.

    ``solver='cholesky'`` factors the primal or dual system (falling back to
    the SVD, or the eigendecomposition for sparse X, on a singular or
    ill-conditioned system, with a warning unless ``warn=False``);
    ``solver='svd'`` uses the SVD of the centred dense design.

    Returns
    -------
    W : ndarray (p, n_targets)
    solver_used : str
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    if solver == "svd":
        if prob.sparse:
            return _eigen_solve(prob, alphas), "eigen"
        return _svd_solve(prob, alphas), "svd"
    prob.build()
    if prob.side == "primal":
        W, detail = _cholesky_groups(prob.G, prob.Q, alphas)
    else:
        # with an intercept, K~ has the null vector u = S^(1/2) 1 / ||.||,
        # orthogonal to y~: lift it so that tiny (or zero, p > n) alphas
        # stay well conditioned
        C, detail = _cholesky_groups(prob.K, prob.Yt, alphas, prob.intercept_direction())
        W = None if C is None else prob.coef_from_dual(C)
    if W is not None:
        return W, "cholesky"
    if warn:
        _warn_singular(detail, alphas, "an eigendecomposition" if prob.sparse else "SVD")
    if prob.sparse:
        return _eigen_solve(prob, alphas), "eigen"
    return _svd_solve(prob, alphas), "svd"


def _svd_solve(prob, alphas):
    """Ridge by the SVD of the centred, weighted design (dense copy)."""
    Xc, Yc = prob.centred_copy()
    try:
        U, s, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False,
                                    lapack_driver="gesdd")
    except np.linalg.LinAlgError:
        U, s, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False,
                                    lapack_driver="gesvd")
    UtY = U.T @ Yc
    W = np.empty((prob.p, prob.T), prob.dtype)
    cut = s[0] * max(prob.n, prob.p) * np.finfo(prob.dtype).eps if s.size else 0.0
    for alpha, idx in _groups(alphas):
        if alpha > 0:
            f = np.where(s > 1e-15, s / (s * s + alpha), 0.0)
        else:
            f = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
        block = Vt.T @ (f[:, None] * (UtY if idx is None else UtY[:, idx]))
        if idx is None:
            W[:] = block
        else:
            W[:, idx] = block
    return W


def _eigen_solve(prob, alphas):
    """Ridge through the eigendecomposition of the built system."""
    eig = eigen_system(prob)
    W = np.empty((prob.p, prob.T), prob.dtype)
    for alpha, idx in _groups(alphas):
        cols = slice(None) if idx is None else idx
        W[:, cols] = eig.coefs(np.array([alpha]), targets=idx)[0]
    return W


# ----------------------------------------------------------------------
# non-negative ridge
# ----------------------------------------------------------------------

def _power_of_two(v):
    """The power of two nearest above ``max |v|`` (1.0 for a zero array):
    dividing by it is exact, so it rescales without rounding."""
    m = float(np.max(np.abs(v))) if v.size else 0.0
    if not (m > 0.0 and np.isfinite(m)):
        return 1.0
    return float(np.ldexp(1.0, int(np.frexp(m)[1])))


def _nnls(A, b, maxiter):
    """``argmin_{w >= 0} ||A w - b||`` by scipy's NNLS on ``A / sa`` and
    ``b / sb``, with ``sa``, ``sb`` powers of two that bring both near 1.

    The scaling is exact (powers of two), and the answer is ``w' sb / sa``.
    It matters at extreme scales: scipy's active set compares residual and
    gradient entries against fixed absolute tolerances, and older SciPy
    (1.13) overflows or stalls when the entries are near 1e150 or 1e-150.
    """
    import scipy.optimize  # only positive ridge needs it: keep it off `import shrinkage`

    sa, sb = _power_of_two(A), _power_of_two(b)
    w = scipy.optimize.nnls(A / sa, b / sb, maxiter=maxiter)[0]
    return w * (sb / sa)


def nnls_solve(prob, alphas):
    """Non-negative ridge/least squares per target through the Gram.

    ``sum s (y~ - X~ w)^2 + alpha ||w||^2 = ||R w - R^-T q||^2 + const``
    with ``R^T R = G + alpha I`` (Cholesky) and ``q = X~^T y~``, so each
    target is a p x p NNLS problem (Lawson & Hanson's active set method,
    scipy.optimize.nnls). A singular Gram falls back to NNLS on the
    centred, weighted design (a dense copy).

    In float32 the Gram and ``q`` are built in float32 (the pass over X),
    but the p x p factorisation and the active-set iterations run in
    float64 on them: which constraints bind is decided by comparisons of
    small gradient entries, which float32 rounding could flip back and forth
    (an active set that never settles); the coefficients are returned in
    float32.
    """
    prob.build()
    p, T = prob.p, prob.T
    G = np.asarray(prob.G, dtype=np.float64, order="F")   # no copy for float64
    Q = np.asarray(prob.Q, dtype=np.float64, order="F")
    W = np.empty((p, T))
    work = np.empty((p, p), order="F")
    no_rhs = np.empty((p, 0), order="F")
    dense_copy = None
    for t in range(T):
        alpha = float(alphas[t])
        info, rcond = _gram.cholesky_solve(G, alpha, no_rhs, work)
        if info == 0 and rcond >= _RCOND_MIN[prob.dtype]:
            R = np.triu(work)
            rhs = scipy.linalg.solve_triangular(R, Q[:, t], trans="T",
                                                check_finite=False)
            if not np.all(np.isfinite(rhs)):
                raise ValueError(NOT_REPRESENTABLE.format(name="Ridge"))
            W[:, t] = _nnls(R, rhs, maxiter=max(50 * p, 1000))
            continue
        if dense_copy is None:
            # singular Gram (rare): scipy's nnls works in float64, so this
            # fallback holds a float64 copy of the centred design
            dense_copy = [np.asarray(M, dtype=np.float64) for M in prob.centred_copy()]
        Xc, Yc = dense_copy
        A, b = Xc, Yc[:, t]
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
            raise ValueError(NOT_REPRESENTABLE.format(name="Ridge"))
        if alpha > 0:
            A = np.vstack([Xc, np.sqrt(alpha) * np.eye(p)])
            b = np.concatenate([b, np.zeros(p)])
        W[:, t] = _nnls(A, b, maxiter=max(50 * p, 1000))
    return W.astype(prob.dtype, copy=False)


# ----------------------------------------------------------------------
# ordinary least squares
# ----------------------------------------------------------------------

# The Gram route is used for ordinary least squares only when the smallest
# singular value of the centred design is at least this fraction of the
# largest: its error, ~ eps * cond(X)^2, then stays below ~1e-8 relative.
# Otherwise (ill-conditioned or rank-deficient X) LAPACK's gelsd runs on a
# centred copy, as in scikit-learn. The ratio keeps half of the working
# precision's digits: 1e-4 ~ eps**(1/4) in float64; in float32 that is 2e-2
# (error ~ 6e-8 * 2500 ~ 1.5e-4 relative, 3-4 of 7 digits).
_OLS_GRAM_MIN_RATIO = {np.dtype(np.float64): 1e-4, np.dtype(np.float32): 2e-2}


def _eigvalsh(A):
    """Eigenvalues (ascending) of symmetric A (A kept), in A's precision."""
    work = np.array(A, order="F", dtype=np.float32 if A.dtype == np.float32 else np.float64)
    E = np.empty(work.shape[0], work.dtype)
    if _gram.eigh(work, E, False) != 0:  # pragma: no cover
        E = scipy.linalg.eigvalsh(A, check_finite=False)
    return E


def ols_dense(prob, tol):
    """OLS on dense X: Gram route when well conditioned, else gelsd."""
    prob.build()
    min_ratio = max(tol, _OLS_GRAM_MIN_RATIO[prob.dtype])
    rcond_min = _RCOND_MIN[prob.dtype]
    if prob.side == "primal":
        E = _eigvalsh(prob.G)
        sv = np.sqrt(np.clip(E[::-1], 0.0, None))
        if sv.size and sv[-1] > min_ratio * sv[0]:
            work = np.empty_like(prob.G, order="F")
            B = np.array(prob.Q, order="F")
            info, rcond = _gram.cholesky_solve(prob.G, 0.0, B, work)
            if info == 0 and rcond >= rcond_min:
                return B, prob.p, sv
    else:
        sq = prob.sqrt_sw if prob.sw is not None else np.ones(prob.n, prob.dtype)
        if prob.fit_intercept:
            Kd, v = deflated_kernel(prob.K, sq)
        else:
            Kd, v = prob.K, None
        E = _eigvalsh(Kd)
        sv = np.sqrt(np.clip(E[::-1], 0.0, None))
        if sv.size and sv[-1] > min_ratio * sv[0]:
            work = np.empty_like(Kd, order="F")
            Yt = prob.Yt
            if v is not None:
                Yt = reflect(v, Yt)[1:]
            B = np.array(Yt, order="F")
            info, rcond = _gram.cholesky_solve(np.asfortranarray(Kd), 0.0, B, work)
            if info == 0 and rcond >= rcond_min:
                if v is not None:
                    C = reflect(v, np.vstack([np.zeros((1, prob.T), prob.dtype), B]))
                    sv = np.append(sv, 0.0)
                else:
                    C = B
                return prob.coef_from_dual(C), len(sv) - (v is not None), sv
    # ill-conditioned or rank deficient: SVD-based least squares (gelsd)
    Xc, Yc = prob.centred_copy()
    W, _, rank, sv = scipy.linalg.lstsq(Xc, Yc, cond=tol, lapack_driver="gelsd",
                                         check_finite=False)
    return W, int(rank), sv


def ols_eigen(prob, tol):
    """Minimum-norm least squares through the eigendecomposition (sparse X)."""
    eig = eigen_system(prob)
    e = eig.values
    if e.size:
        keep = e > (tol * tol) * e[-1]
        eig.values = np.where(keep, e, 0.0)
        eig.null = ~keep
    return eig.coefs(np.array([0.0]))[0]
