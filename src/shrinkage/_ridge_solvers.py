"""Orchestration of the Ridge kernels: normal equations, solves, eigen paths.

The estimators in ``_ridge`` validate input and shape results; this module
turns a validated problem into the small symmetric systems the kernels in
``_ridge_fast`` build and solve, for dense and sparse ``X``:

* primal (n >= p): ``G = X~^T X~`` (p x p) and ``X~^T y~``;
* dual (p > n): ``K~ = X~ X~^T`` (n x n), ``w = X~^T c``;

with ``X~ = S^(1/2) (X - 1 m^T)``, ``y~ = S^(1/2) (y - ybar)``, ``m``/``ybar``
the weighted means when an intercept is fitted (zero otherwise). The
intercept is then ``ybar - m.w``. Dense ``X`` is centred block by block
inside the kernels (no copy of ``X``, no loss of digits with large offsets);
sparse ``X`` is centred implicitly through rank-one corrections of the
sparse products, so it is never densified.

Many alphas share one eigendecomposition ``G = V diag(e) V^T`` (or of
``K~``); leave-one-out residuals for every alpha come from the same
decomposition (see ``loo_primal``/``loo_dual``).
"""

import math
import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.linalg import LinAlgWarning

from . import _ridge_fast as _rf
from ._validation import check_finite_X

__all__ = [
    "RidgeProblem",
    "dual_eigh",
    "symmetric_eigh",
    "solve_ridge",
    "eigen_system",
    "ridge_path_coefs",
    "loo_errors",
]

# A Cholesky factorisation whose reciprocal condition number (1-norm, dpocon)
# falls below this is not trusted: the solve is redone by SVD (dense) or by
# the eigendecomposition (sparse), with a LinAlgWarning. At this rcond the
# Cholesky solution could have lost ~12 of its 16 digits.
RCOND_MIN = 1e-12

_EPS = np.finfo(np.float64).eps


def _layout(X):
    """Dense X as a C- or F-contiguous float64 array and its order flag."""
    if X.flags.c_contiguous:
        return X, True
    if X.flags.f_contiguous:
        return X, False
    return np.asfortranarray(X), False


class RidgeProblem:
    """A validated ridge problem with its weighted means, built once.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, p), float64
    Y : ndarray of shape (n, n_targets), float64
    sample_weight : ndarray of shape (n,) or None
        Non-negative weights, used as given (scikit-learn's Ridge scaling:
        no rescaling).
    fit_intercept : bool
    side : {'primal', 'dual'} or None
        Which normal equations to form; None picks the smaller system
        (primal when n >= p).
    finite_checked : bool, default=True
        Whether X is known to be finite. If not, the first pass detects
        NaN/inf from the Gram or kernel diagonal (every non-finite entry
        reaches it) instead of a separate scan of X, and raises the usual
        validation error.
    """

    def __init__(self, X, Y, sample_weight, fit_intercept, side=None,
                 finite_checked=True):
        self.sparse = sp.issparse(X)
        if self.sparse:
            self.X = X
            self.c_order = None
        else:
            self.X, self.c_order = _layout(X)
        self.n, self.p = X.shape
        self.Y = np.asfortranarray(Y)
        self.T = self.Y.shape[1]
        self.fit_intercept = bool(fit_intercept)
        self.sw = sample_weight
        self.sqrt_sw = np.empty(0) if sample_weight is None else np.sqrt(sample_weight)
        if side is None:
            side = "primal" if self.n >= self.p else "dual"
        self.side = side
        self.finite_checked = bool(finite_checked)
        self.kernel_in_place = False  # offsets small: X used without centring
        self._x_mean = None
        self.y_mean = None
        self.s_sum = None
        # primal
        self.G = None
        self.Q = None
        # dual
        self.K = None          # weighted centred kernel K~
        self.Yt = None         # y~ = S^(1/2) (Y - ybar)
        self.K_zero_rows = None  # unweighted kernel rows of zero-weight samples

    @property
    def x_mean(self):
        """Weighted column means of X (zeros without intercept).

        The in-place kernel route does not need them to build the kernel;
        they are then taken from the next pass over X (``coef_from_dual``)
        or, if asked for before, computed here by one pass.
        """
        if self._x_mean is None and self.kernel_in_place:
            self._x_mean = np.asarray(self.X.mean(axis=0))
        return self._x_mean

    @x_mean.setter
    def x_mean(self, value):
        self._x_mean = value

    # ------------------------------------------------------------------
    # building the normal equations
    # ------------------------------------------------------------------
    def build(self):
        """Form the primal or dual system (once); returns self."""
        if self.side == "primal":
            if self.G is None:
                self._build_primal()
        elif self.K is None:
            self._build_dual()
        self._verify_finite()
        return self

    def _verify_finite(self):
        if self.finite_checked:
            return
        M = self.G if self.side == "primal" else self.K   # K unweighted here
        # the diagonal holds sums of squares (>= 0): its sum is finite iff
        # every entry is; a NaN mean makes the other sum NaN
        means = 0.0 if self._x_mean is None else float(self._x_mean.sum())
        if not math.isfinite(float(np.trace(M)) + means):
            check_finite_X(self.X)   # raises the NaN / infinity message
            raise ValueError(
                "X has entries so large that X^T X overflows float64: rescale "
                "the features (e.g. StandardScaler) before fitting."
            )
        self.finite_checked = True

    def _weights_or_ones(self):
        return np.ones(self.n) if self.sw is None else self.sw

    def _build_primal(self):
        n, p, T = self.n, self.p, self.T
        if not self.sparse:
            G = np.empty((p, p), order="F")
            Q = np.empty((p, T), order="F")
            cx = np.zeros(p)
            cy = np.zeros(T)
            s_sum, _, _, _ = _rf.gram_primal(self.X, self.c_order, self.Y, self.sqrt_sw,
                                          self.fit_intercept, True, cx, cy, G, Q, True)
            self.G, self.Q, self.s_sum = G, Q, s_sum
            self.x_mean, self.y_mean = cx, cy
            return
        X = self.X
        s = self._weights_or_ones()
        s_sum = float(s.sum())
        Xs = X if self.sw is None else sp.csr_matrix(X.multiply(s[:, None]))
        G = np.asfortranarray(_dense(X.T @ Xs))
        Q = np.asfortranarray(np.asarray(X.T @ (s[:, None] * self.Y)))
        if self.fit_intercept:
            colsum = np.asarray(Xs.sum(axis=0)).ravel()
            m = colsum / s_sum
            ybar = s @ self.Y / s_sum
            # Implicit centring of sparse X (rank-one corrections, X stays
            # sparse); digits are lost only for columns with offsets much
            # larger than their spread, which sparse data do not have.
            G -= s_sum * np.outer(m, m)
            Q -= s_sum * np.outer(m, ybar)
        else:
            m, ybar = np.zeros(p), np.zeros(T)
        self.G, self.Q, self.s_sum = G, Q, s_sum
        self.x_mean, self.y_mean = m, ybar

    def build_dual(self, keep_raw=False):
        """Build the dual system; with ``keep_raw`` return a copy of the
        unweighted kernel centred at the weighted means (for K-fold)."""
        self.side = "dual"
        raw = self._build_dual(keep_raw)
        self._verify_finite()
        return raw

    def _build_dual(self, keep_raw=False):
        n, p = self.n, self.p
        s = self._weights_or_ones()
        s_sum = float(s.sum())
        if not self.sparse:
            K = np.empty((n, n), order="F")
            m = np.empty(p)
            _, self.kernel_in_place = _rf.kernel_dual(
                self.X, self.c_order, np.empty(0) if self.sw is None else self.sw,
                self.fit_intercept, m, K)
        else:
            X = self.X
            K = np.asfortranarray(_dense(X @ X.T))
            if self.fit_intercept:
                m = np.asarray(X.T @ s).ravel() / s_sum
                Xm = np.asarray(X @ m).ravel()
                K -= Xm[:, None]
                K -= Xm[None, :]
                K += m @ m
            else:
                m = np.zeros(p)
        self.K, self.x_mean = K, (None if self.kernel_in_place else m)
        self._verify_finite()        # before any arithmetic on K
        raw = np.array(K, order="F") if keep_raw else None
        if self.fit_intercept:
            ybar = s @ self.Y / s_sum
        else:
            ybar = np.zeros(self.T)
        if self.sw is not None:
            zero = np.flatnonzero(self.sw == 0)
            if zero.size:
                self.K_zero_rows = (zero, np.array(K[zero, :]))
            sq = self.sqrt_sw
            K *= sq[:, None]
            K *= sq[None, :]
            Yt = sq[:, None] * (self.Y - ybar)
        else:
            Yt = self.Y - ybar
        self.K, self.Yt = K, np.asfortranarray(Yt)
        self.y_mean, self.s_sum = ybar, s_sum
        return raw

    # ------------------------------------------------------------------
    # products with the centred design
    # ------------------------------------------------------------------
    def coef_from_dual(self, C):
        """``W = X~^T C`` for dual coefficients C (n, k); returns (p, k)."""
        U = np.asfortranarray(C if self.sw is None else self.sqrt_sw[:, None] * C)
        if self.sparse:
            W = np.asarray(self.X.T @ U)
            if self.fit_intercept:
                W -= np.outer(self.x_mean, U.sum(axis=0))
            return W
        out = np.empty((self.p, U.shape[1]), order="F")
        if self.kernel_in_place:
            # offsets were found small against the spread (the kernel's own
            # check): X^T U - m (1^T U) loses no more than the kernel did.
            # One pass gives X^T [U, 1], hence also the means if still unknown.
            k = U.shape[1]
            U1 = np.empty((self.n, k + 1), order="F")
            U1[:, :k] = U
            U1[:, k] = 1.0
            out1 = np.empty((self.p, k + 1), order="F")
            _rf.xt_dot_centred(self.X, self.c_order, np.zeros(self.p), False, U1, out1)
            if self._x_mean is None:
                self._x_mean = out1[:, k] / self.n
            out = np.asfortranarray(out1[:, :k])
            out -= np.outer(self._x_mean, U.sum(axis=0))
            return out
        _rf.xt_dot_centred(self.X, self.c_order, self.x_mean, self.fit_intercept, U, out)
        return out

    def centred_dot(self, W, weighted=False):
        """``(X - 1 m^T) W`` (times ``S^(1/2)`` if ``weighted``), (n, k)."""
        W = np.asfortranarray(W)
        if self.sparse:
            out = np.asarray(self.X @ W) - self.x_mean @ W
            if weighted and self.sw is not None:
                out *= self.sqrt_sw[:, None]
            return out
        out = np.empty((self.n, W.shape[1]), order="F")
        _rf.x_dot_centred(self.X, self.c_order, self.x_mean,
                          self.sqrt_sw if weighted else np.empty(0), W, out)
        return out

    def centred_copy(self):
        """Dense ``X~`` and ``y~`` (copies) for the SVD / least-squares paths.

        Also sets the means when the system was not built.
        """
        if not self.finite_checked:
            check_finite_X(self.X)
            self.finite_checked = True
        X = self.X.toarray() if self.sparse else np.array(self.X, dtype=np.float64)
        Y = np.array(self.Y, dtype=np.float64)
        s = self._weights_or_ones()
        s_sum = float(s.sum())
        means = []
        for A in (X, Y):
            mean = np.zeros(A.shape[1])
            if self.fit_intercept:
                # two-pass weighted centring: the second pass removes the
                # rounding error of the first (it matters with large offsets)
                for _ in range(2):
                    d = s @ A / s_sum
                    A -= d
                    mean += d
            means.append(mean)
        if self._x_mean is None:
            self.x_mean, self.y_mean = means
            self.s_sum = s_sum
        if self.sw is not None:
            X *= self.sqrt_sw[:, None]
            Y *= self.sqrt_sw[:, None]
        return X, Y

    def intercept_direction(self):
        """Unit vector ``S^(1/2) 1 / ||S^(1/2) 1||`` (None without intercept)."""
        if not self.fit_intercept:
            return None
        sq = self.sqrt_sw if self.sw is not None else np.ones(self.n)
        return sq / np.linalg.norm(sq)

    def intercept(self, W):
        """``ybar - m.W`` per target; W is (p, n_targets)."""
        if not self.fit_intercept:
            return np.zeros(W.shape[1])
        return self.y_mean - self.x_mean @ W


def _dense(M):
    return M.toarray() if sp.issparse(M) else np.asarray(M)


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
    work = np.empty(A.shape, order="F")
    groups = _groups(alphas)
    out = None if groups[0][1] is None else np.empty(B.shape, order="F")
    worst = np.inf
    for alpha, idx in groups:
        rhs = np.array(B if idx is None else B[:, idx], order="F")
        info, rcond = _rf.cholesky_solve(A, alpha, rhs, work, u, kappa)
        if info != 0 or rcond < RCOND_MIN:
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
    W = np.empty((prob.p, prob.T))
    cut = s[0] * max(prob.n, prob.p) * _EPS if s.size else 0.0
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
    W = np.empty((prob.p, prob.T))
    for alpha, idx in _groups(alphas):
        cols = slice(None) if idx is None else idx
        W[:, cols] = eig.coefs(np.array([alpha]), targets=idx)[0]
    return W


# ----------------------------------------------------------------------
# eigendecomposition: many alphas at once
# ----------------------------------------------------------------------

def symmetric_eigh(A):
    """Eigenvalues (ascending) and eigenvectors of symmetric A (A kept)."""
    V = np.array(A, order="F", dtype=np.float64)
    E = np.empty(V.shape[0])
    info = _rf.eigh(V, E)
    if info != 0:  # pragma: no cover - LAPACK's divide and conquer failed
        E, V = scipy.linalg.eigh(A, driver="evr", check_finite=False)
        V = np.asfortranarray(V)
    return E, V


def _householder_vector(u):
    """Householder vector ``v`` with ``H u = -sign(u_0) e_0`` for unit ``u``.

    ``H = I - 2 v v^T / (v^T v)`` is symmetric and orthogonal.
    """
    v = np.array(u, dtype=np.float64)
    v[0] += 1.0 if v[0] >= 0 else -1.0
    return v


def _reflect(v, A):
    """``H A`` for the Householder reflection H of ``v`` (A 1-D or 2-D)."""
    beta = 2.0 / (v @ v)
    if A.ndim == 1:
        return A - v * (beta * (v @ A))
    return A - np.outer(v, beta * (v @ A))


def _deflated_kernel(K, sq):
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
    Kd, v = _deflated_kernel(K, sq)
    E, Qd = symmetric_eigh(Kd)
    Qfull = np.zeros((K.shape[0], Qd.shape[1]))
    Qfull[1:, :] = Qd
    return E, np.asfortranarray(_reflect(v, Qfull))


class EigenSystem:
    """Eigendecomposition of a ridge problem's primal or dual system.

    primal: ``G = V diag(e) V^T``, ``P = V^T X~^T y~``;
    dual:   ``K~ = Q diag(e) Q^T`` restricted, when an intercept is fitted,
    to the complement of the intercept direction ``u = S^(1/2) 1 / ||.||``
    (deflated exactly by a Householder reflection), ``P = Q^T y~``.

    Eigenvalues below the noise level ``n_dim * eps * e_max`` are treated as
    exact zeros (their components of the solution are zero in exact
    arithmetic), which gives the minimum-norm least-squares solution at
    alpha = 0.
    """

    def __init__(self, prob):
        self.prob = prob.build()
        if prob.side == "primal":
            E, V = symmetric_eigh(prob.G)
            self.vectors = V
            self.proj = V.T @ prob.Q
        else:
            sq = prob.sqrt_sw if prob.sw is not None else np.ones(prob.n)
            E, Q = dual_eigh(prob.K, sq, prob.fit_intercept)
            self.vectors = Q
            self.proj = Q.T @ prob.Yt
        e_max = E[-1] if E.size else 0.0
        self.floor = max(e_max, 0.0) * E.size * _EPS * 10
        self.values = np.where(E > self.floor, E, 0.0)
        self.null = E <= self.floor

    def inverse_factors(self, alphas):
        """``D[k, a] = 1 / (e_k + alpha_a)``, zero on the numerical null space."""
        alphas = np.asarray(alphas, dtype=np.float64)
        e = self.values[:, None]
        with np.errstate(divide="ignore"):
            D = 1.0 / (e + alphas[None, :])
        D[self.null, :] = 0.0
        return D

    def coefs_at(self, alpha):
        """Coefficients (p, n_targets) at one alpha."""
        return self.coefs(np.array([float(alpha)]))[0]

    def coefs(self, alphas, targets=None):
        """Coefficients (n_alphas, p, n_targets) for every alpha."""
        prob = self.prob
        P = self.proj if targets is None else self.proj[:, targets]
        D = self.inverse_factors(alphas)
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
        b = np.zeros((len(alphas), prob.T))
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
    alphas = np.asarray(alphas, dtype=np.float64)
    if prob.side == "primal":
        return _loo_primal(eig, alphas), None
    return _loo_dual(eig, alphas)


def _loo_primal(eig, alphas):
    prob = eig.prob
    n, p, T = prob.n, prob.p, prob.T
    A = alphas.size
    s = prob.sw
    Yc = prob.Y - prob.y_mean
    out = np.empty((n, A, T))
    chunk = max(1, _LOO_BUDGET // max(n * (T + 1), 1))
    V = eig.vectors
    Z = prob.centred_dot(V) if prob.sparse else None   # (X - 1 m^T) V
    for a0 in range(0, A, chunk):
        al = alphas[a0:a0 + chunk]
        D = np.asfortranarray(eig.inverse_factors(al))
        k = al.size
        R = np.asfortranarray((D[:, :, None] * eig.proj[:, None, :]).reshape(p, k * T))
        if prob.sparse:
            lev = (Z * Z) @ D
            fit = Z @ R
        else:
            lev = np.empty((n, k), order="F")
            fit = np.empty((n, k * T), order="F")
            _rf.loo_primal_pass(prob.X, prob.c_order, prob.x_mean, np.empty(0),
                                V, D, R, lev, fit)
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
