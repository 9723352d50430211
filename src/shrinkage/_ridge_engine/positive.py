"""Non-negative ridge with many features.

With n_samples >= n_features, :func:`positive_gram`: a primal-dual active
set method on the primal Gram (bottom of this module). With more features
than samples, :func:`positive_cd`, described here:

The active-set NNLS of :func:`~.direct.nnls_solve` works on the p x p
Cholesky factor of the regularised Gram: exact, and the fastest choice for
few features, but O(n p^2 + p^3) time and O(p^2) memory (a 400 x 10000 fit
took minutes and an 800 MB Gram). For more features Ridge's problem::

    sum_i s_i (y_i - x_i.w - b)^2 + alpha ||w||^2,   w >= 0

is solved in two stages, on the weighted, centred design ``X~`` and target
``y~`` of :class:`~.problem.RidgeProblem` (kept implicit: ``X`` is not
centred, sparse ``X`` not densified):

1. a warm start by the elastic-net engine's coordinate descent: the problem
   is the positive elastic net with ``l1_ratio = 0`` of docs/design.md §1.
   With the weights rescaled to sum to n (as the elastic-net designs do),
   that objective is ``1 / (2 S)`` times the one above at ``alpha_enet =
   alpha / S``, ``S = sum_i s_i`` (n without weights): the minimisers
   coincide. Cheap passes, which find the support on well-conditioned
   problems but crawl on ill-conditioned ones (wide X with a small alpha);
2. a semismooth Newton method on the dual (n unknowns, the residual ``u``)::

       max_u  D(u) = u.y~ - ||u||^2 / 2 - ||max(0, X~^T u)||^2 / (2 alpha)

   (half the primal objective at the optimum; ``w = max(0, X~^T u) /
   alpha``, ``u = y~ - X~ w``). D is concave with a piecewise linear
   gradient ``g = y~ - u - X~ w(u)``; each Newton step solves ``(I + X~_A
   X~_A^T / alpha) d = g`` on the active set ``A = {X~^T u > 0}`` (by
   Woodbury through the k x k Gram when k = |A| <= n, else the n x n
   kernel, both built by :class:`~.problem.RidgeProblem` on ``X[:, A]``),
   with an Armijo line search on D (global convergence). On a fixed active
   set D is quadratic: a full step lands on its maximiser, which is the
   solution when the active set it induces is the same. That is the stopping
   rule, so the result is the exact (active-set) solution to rounding, not
   to a tolerance;
3. the ridge system of the final support solved by :func:`~.direct.solve_ridge`
   (block-centred Gram or kernel), which restores the digits the implicitly
   centred products of step 2 lose to columns with large offsets.
"""

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from .._enet import make_design, solve_enet
from .direct import _groups, nnls_solve, solve_ridge
from .problem import RidgeProblem

__all__ = ["CD_PASSES", "NNLS_MAX_FEATURES", "positive_cd", "positive_gram",
           "use_coordinate_descent"]

# Up to this many features the active-set NNLS on the Cholesky factor is
# exact and fast (p^3 / 3 flops for the factor, a few ms at 256); beyond it
# the two stages above are used.
NNLS_MAX_FEATURES = 256

# The warm start: coordinate passes and relative duality gap (the elastic
# net's ``tol``: gap <= tol * ||y~||^2). Only a starting point for Newton,
# whose steps cost k^2 max(n, k) or n^2 k: capped so that ill-conditioned
# problems do not spend long in it.
CD_PASSES = 100
_CD_GAP_TOL = 1e-10

# Newton steps when Ridge's max_iter is None. From a good warm start one or
# two steps suffice; from a poor one the active set changes at most a few
# dozen times in practice.
DEFAULT_MAX_NEWTON = 100

# Besides the exact stop (active set unchanged after a full step): the
# dual gradient below this fraction of ||y~|| is convergence (borderline
# features whose X~_j^T u is within rounding of 0 may flip forever).
_GRAD_RTOL = 1e-13

# KKT tolerance of the final check, relative to max_j |x~_j^T y~| (the
# gradient at w = 0): far above rounding, far below what moves the solution
# by 1e-8 on a well-conditioned problem.
_KKT_RTOL = 1e-9

# Relative rounding error allowed in a value of D (a few float64 epsilons
# per term, times the length of the dot products' accumulation, kept small).
_EPS_D = 64 * np.finfo(np.float64).eps


def use_coordinate_descent(n_features, alphas):
    """Whether positive Ridge takes :func:`positive_cd` (else NNLS).

    Many features, and every alpha > 0: with ``alpha = 0`` the problem is
    non-negative least squares, not strongly convex (and with p > n not
    unique); the NNLS route handles it.
    """
    return n_features > NNLS_MAX_FEATURES and bool(np.all(np.asarray(alphas) > 0))


def _float64_design(X):
    """X in float64, dense or CSC (the elastic-net designs' format).

    A float32 X is copied once: the Newton products below are NumPy/SciPy
    products with float64 vectors, which would otherwise upcast X on every
    call, and the support solves must not lose the float64 digits that
    decide the active set.
    """
    if sp.issparse(X):
        return X.tocsc().astype(np.float64, copy=False)
    if X.dtype == np.float64:
        return X
    return np.asarray(X, dtype=np.float64, order="F")


class _Centred:
    """Products with ``X~ = S^(1/2) (X - 1 m^T)`` without forming it."""

    def __init__(self, X, sw, fit_intercept):
        self.X, self.sw, self.fit_intercept = X, sw, fit_intercept
        n, p = X.shape
        s = np.ones(n) if sw is None else sw
        self.s, self.q = s, np.sqrt(s)
        self.S = float(s.sum())
        self.m = (np.asarray(X.T @ s).ravel() / self.S if fit_intercept
                  else np.zeros(p))

    def target(self, y):
        """``y~`` and the weighted mean of ``y``."""
        ybar = float(self.s @ y) / self.S if self.fit_intercept else 0.0
        return self.q * (y - ybar), ybar

    def rmatvec(self, u):
        """``X~^T u``."""
        v = self.q * u
        return np.asarray(self.X.T @ v).ravel() - self.m * v.sum()

    def matvec(self, w):
        """``X~ w``."""
        return self.q * (np.asarray(self.X @ w).ravel() - float(self.m @ w))


class _Newton:
    """The Newton system ``(I + X~_A X~_A^T / alpha) d = g`` on one active set."""

    def __init__(self, op, active, alpha):
        self.op, self.active, self.alpha = op, active, alpha
        n, k = op.X.shape[0], active.size
        self.primal = k <= n
        if k == 0:
            self.factor = None
            return
        prob = RidgeProblem(op.X[:, active], np.zeros((n, 1)), op.sw, op.fit_intercept,
                            side="primal" if self.primal else "dual")
        prob.build()
        M = np.array(prob.G if self.primal else prob.K, dtype=np.float64)
        M.flat[::M.shape[0] + 1] += alpha
        self.factor = scipy.linalg.cho_factor(M, lower=False, check_finite=False)

    def solve(self, g, Xt_g):
        if self.factor is None:
            return g
        if not self.primal:
            return scipy.linalg.cho_solve(self.factor, self.alpha * g, check_finite=False)
        # Woodbury: d = g - X~_A (G_A + alpha I)^-1 X~_A^T g
        z = np.zeros(self.op.X.shape[1])
        z[self.active] = scipy.linalg.cho_solve(self.factor, Xt_g[self.active],
                                                check_finite=False)
        return g - self.op.matvec(z)


def _dual_newton(op, yt, alpha, u, max_newton):
    """Maximise D from ``u``; returns (w, steps, converged)."""

    def value(u, c):
        """D(u) and a bound on its rounding error (its terms' sizes)."""
        cp = np.maximum(c, 0.0)
        terms = (float(u @ yt), 0.5 * float(u @ u), 0.5 * float(cp @ cp) / alpha)
        return terms[0] - terms[1] - terms[2], _EPS_D * (abs(terms[0]) + terms[1] + terms[2])

    c = op.rmatvec(u)
    scale = float(np.linalg.norm(yt))
    for step in range(1, max_newton + 1):
        active = np.flatnonzero(c > 0)
        w = np.maximum(c, 0.0) / alpha
        g = yt - u - op.matvec(w)
        if float(np.linalg.norm(g)) <= _GRAD_RTOL * scale:
            return w, step - 1, True
        try:
            system = _Newton(op, active, alpha)
        except (np.linalg.LinAlgError, ValueError):   # pragma: no cover
            return w, step - 1, False
        d = system.solve(g, op.rmatvec(g) if system.primal else None)
        e = op.rmatvec(d)
        slope = float(g @ d)
        if not slope > 0:  # rounding level: no ascent direction left
            return w, step - 1, True
        d0, err = value(u, c)
        t = 1.0
        for _ in range(60):
            # Armijo, up to D's rounding: near the optimum the increase
            # t * slope is below the rounding of D, and the full step is
            # taken (the stop below then decides)
            if value(u + t * d, c + t * e)[0] >= d0 + 1e-4 * t * slope - err:
                break
            t *= 0.5
        else:  # pragma: no cover - no ascent even within rounding
            return w, step, False
        u = u + t * d
        c = c + t * e if t != 1.0 else op.rmatvec(u)
        if t == 1.0 and np.array_equal(np.flatnonzero(c > 0), active):
            # D is quadratic on this active set and the full step reached
            # its maximiser, which keeps the active set: the solution
            return np.maximum(c, 0.0) / alpha, step, True
    w = np.maximum(c, 0.0) / alpha
    return w, max_newton, False


def _certified(op, y, alpha, w):
    """The ridge solution on the support of ``w``, if it solves the positive
    problem (the KKT conditions, checked), else None.

    Newton's ``w = max(0, X~^T u) / alpha`` comes from products with the
    implicitly centred ``X~``, which lose digits to columns with large
    offsets; :func:`solve_ridge` centres the Gram or kernel block by block.
    On the right support the solution is the unconstrained ridge of its
    columns: this changes a converged ``w`` by rounding only. KKT, for the
    halved gradient ``alpha v - X~^T r~`` (``r~ = y~ - X~ v``): zero where
    ``v > 0`` (exact by construction, checked anyway) and >= 0 where
    ``v = 0``, to ``_KKT_RTOL`` times ``max_j |x~_j^T y~|`` (the gradient
    at 0).
    """
    support = np.flatnonzero(w > 0)
    v = np.zeros_like(w)
    if support.size:
        prob = RidgeProblem(op.X[:, support], y.reshape(-1, 1), op.sw, op.fit_intercept)
        WA, used = solve_ridge(prob, np.array([alpha]), warn=False)
        if used != "cholesky" or not np.all(WA[:, 0] > 0):
            return None
        v[support] = WA[:, 0]
    yt, _ = op.target(y)
    c = op.rmatvec(yt - op.matvec(v))
    tol = _KKT_RTOL * float(np.max(np.abs(op.rmatvec(yt)), initial=0.0))
    if not (np.isfinite(tol) and np.all(np.isfinite(c))):
        return None   # products beyond float64's range: no certificate
    off = np.ones(v.size, bool)
    off[support] = False
    if np.any(c[off] > tol) or np.any(np.abs(c[support] - alpha * v[support]) > tol):
        return None
    return v


def positive_cd(X, Y, sample_weight, fit_intercept, alphas, max_iter=None,
                estimator_name="Ridge"):
    """Non-negative ridge coefficients by coordinate descent and Newton.

    A target whose result fails the KKT check of :func:`_certified` (Newton
    stopped by ``max_iter`` on a wrong active set, or an alpha so small
    against ``||X~||^2`` that ``X~^T u / alpha`` is dominated by rounding)
    is solved by the NNLS route instead: exact, at its cost.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, p)
        Validated (finite) design, float32 or float64.
    Y : ndarray of shape (n, n_targets)
    sample_weight : ndarray of shape (n,) or None
        Ridge's weights, as given (not rescaled).
    fit_intercept : bool
    alphas : ndarray of shape (n_targets,)
        Ridge's penalties, all > 0.
    max_iter : int or None
        Newton steps per target (None: ``DEFAULT_MAX_NEWTON``).
    estimator_name : str

    Returns
    -------
    W : ndarray of shape (p, n_targets), float64
    b : ndarray of shape (n_targets,), float64
        Intercepts (zeros without ``fit_intercept``).
    n_iter : ndarray of shape (n_targets,), int32
        Coordinate passes plus Newton steps per target.
    solver : str
        'cd_newton', or 'cd_newton+nnls' when some target fell back to NNLS.
    """
    X = _float64_design(X)
    Y = np.asarray(Y, dtype=np.float64)
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    n, p = X.shape
    T = Y.shape[1]
    max_newton = DEFAULT_MAX_NEWTON if max_iter is None else int(max_iter)
    op = _Centred(X, sw, fit_intercept)
    design = make_design(X, sw, fit_intercept, "auto", n_solves=T, lazy_stats=True)
    alphas = np.asarray(alphas, dtype=np.float64)
    W = np.empty((p, T))
    b = np.zeros(T)
    n_iter = np.zeros(T, dtype=np.int32)
    failed = []
    for alpha, idx in _groups(alphas):
        cols = np.arange(T) if idx is None else idx
        with warnings.catch_warnings():
            # a warm start only: not reaching its gap is expected
            warnings.simplefilter("ignore")
            sol = solve_enet(
                design, Y[:, cols], alpha=alpha / op.S, l1_ratio=0.0,
                penalty_factor=None, positive=True, tol=_CD_GAP_TOL,
                max_iter=CD_PASSES, selection="cyclic", random_state=None,
                estimator_name=estimator_name)
        for k, t in enumerate(cols):
            yt, ybar = op.target(Y[:, t])
            # Newton on y~ / c (c a power of two near max |y~|: exact, w
            # scales with y): the dual's values ||u||^2 then stay in range
            top = float(np.max(np.abs(yt), initial=0.0))
            c = float(2.0 ** np.round(np.log2(top))) if 0.0 < top < np.inf else 1.0
            with np.errstate(over="ignore", invalid="ignore"):
                # extreme X may still overflow a product: such a result fails
                # the certificate and goes to NNLS, which reports it
                u = (yt - op.matvec(sol.coef[k])) / c   # the warm start's residual
                w, steps, _ = _dual_newton(op, yt / c, alpha, u, max_newton)
                n_iter[t] = int(sol.n_iter[k]) + steps
                v = _certified(op, Y[:, t], alpha, w * c)
            if v is None:
                failed.append(t)
                continue
            W[:, t] = v
            if fit_intercept:
                b[t] = ybar - float(op.m @ v)
    if failed:
        prob = RidgeProblem(X, Y[:, failed], sw, fit_intercept, side="primal")
        W[:, failed] = nnls_solve(prob, alphas[failed])
        b[failed] = prob.intercept(W[:, failed])
    return W, b, n_iter, "cd_newton+nnls" if failed else "cd_newton"


# ----------------------------------------------------------------------
# n_samples >= n_features: active sets on the Gram
# ----------------------------------------------------------------------

def _pdas(G, q, alpha, max_steps):
    """Primal-dual active set (Hintermueller, Ito & Kunisch) for
    ``min w^T (G + alpha I) w / 2 - q^T w``, ``w >= 0``.

    The free set is ``{j: w_j - lambda_j / H_jj > 0}`` with ``lambda = H w
    - q`` the multipliers; each step solves the ridge system of the free
    set (Cholesky, |F|^3 / 3 flops) and stops when the free set repeats:
    then ``w_F > 0`` and ``lambda_B >= 0``, the KKT conditions, hold up to
    rounding (checked by the caller). Returns (w, steps, converged).
    """
    p = q.size
    h = np.diag(G) + alpha
    tol = _KKT_RTOL * float(np.max(np.abs(q), initial=0.0))
    w = np.zeros(p)
    lam = -q
    free = lam < -tol
    for step in range(1, max_steps + 1):
        F = np.flatnonzero(free)
        w = np.zeros(p)
        if F.size:
            M = G[np.ix_(F, F)]
            M.flat[::F.size + 1] += alpha
            try:
                factor = scipy.linalg.cho_factor(M, lower=False, check_finite=False)
            except np.linalg.LinAlgError:   # pragma: no cover - H is positive definite
                return w, step, False
            w[F] = scipy.linalg.cho_solve(factor, q[F], check_finite=False)
        lam = G @ w + alpha * w - q
        lam[F] = 0.0
        # a coordinate at rounding distance of its bound does not move the
        # solution: it stays where it is (no cycling on rounding)
        new_free = np.where(np.abs(w - lam / h) * h <= tol, free, w - lam / h > 0)
        if np.array_equal(new_free, free):
            return w, step, True
        free = new_free
    return w, max_steps, False


def _kkt_holds(G, q, alpha, w):
    """KKT of the Gram QP to ``_KKT_RTOL`` of ``max |q|``: ``w >= 0``,
    gradient ``(G + alpha I) w - q`` zero where ``w > 0``, >= 0 elsewhere."""
    tol = _KKT_RTOL * float(np.max(np.abs(q), initial=0.0))
    grad = G @ w + alpha * w - q
    pos = w > 0
    return (bool(np.all(w >= 0)) and np.isfinite(tol) and bool(np.all(np.isfinite(grad)))
            and not np.any(np.abs(grad[pos]) > tol) and not np.any(grad[~pos] < -tol))


def positive_gram(prob, alphas, max_iter=None):
    """Non-negative ridge through the primal Gram (n_samples >= n_features).

    The Gram and ``X~^T y~`` are built once by ``prob`` (block-centred, as
    for the NNLS route, and in its precision: float32 for float32 ``X``),
    then each target's QP is solved in float64 by :func:`_pdas`: steps of
    |F|^3 / 3 flops on the free set, instead of the O(p^3) per-variable
    iterations of the active-set NNLS. A target whose result fails the KKT
    check (a cycling active set, or ``max_iter`` steps too few) is solved
    by NNLS on the same Gram.

    Returns
    -------
    W : ndarray of shape (p, n_targets), in ``prob.dtype``
    n_iter : ndarray of shape (n_targets,), int32
        Active-set steps per target.
    solver : str
        'pdas', or 'pdas+nnls' when some target fell back to NNLS.
    """
    prob.build()
    G = np.asarray(prob.G, dtype=np.float64)
    Q = np.asarray(prob.Q, dtype=np.float64)
    if not (np.all(np.isfinite(G)) and np.all(np.isfinite(Q))):
        return nnls_solve(prob, alphas), None, "nnls"    # it reports the overflow
    p, T = Q.shape
    max_steps = DEFAULT_MAX_NEWTON if max_iter is None else int(max_iter)
    W = np.empty((p, T))
    n_iter = np.zeros(T, dtype=np.int32)
    failed = []
    for t in range(T):
        alpha = float(alphas[t])
        w, steps, _ = _pdas(G, Q[:, t], alpha, max_steps)
        n_iter[t] = steps
        if _kkt_holds(G, Q[:, t], alpha, w):
            W[:, t] = w
        else:
            failed.append(t)
    if failed:
        # rare: NNLS on every target (it works on the problem's targets),
        # the failed ones kept
        W[:, failed] = nnls_solve(prob, np.asarray(alphas, dtype=np.float64))[:, failed]
    return W.astype(prob.dtype, copy=False), n_iter, "pdas+nnls" if failed else "pdas"
