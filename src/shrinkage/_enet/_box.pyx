"""Coordinate descent for the elastic net under box constraints.

Solves, in the kernels' n-scaled form (docs/design.md, "Box constraints"),

    min_w  0.5 * sum_i s_i (yc_i - xc_i.w)^2
           + sum_j [l1 f_j |w_j| + 0.5 l2 f_j w_j^2]
    subject to  lower_j <= w_j <= upper_j   (lower_j <= 0 <= upper_j)

glmnet's ``lower.limits`` / ``upper.limits`` (Friedman, Hastie & Tibshirani
2010, "Regularization paths for generalized linear models via coordinate
descent", J. Stat. Softw. 33(1)): the coordinate minimiser is the clipped
update ``clip(S(z, l1 f_j) / (h_j + l2 f_j), lower_j, upper_j)``, the
minimiser of a convex one-dimensional function over an interval. The
residual is kept as in the naive solver (the per-column operations of
_naive_ops.pxd, implicit centring for CSC data), with cyclic passes over
the nonzero coefficients between full passes, and the duality gap of the
box-constrained problem as the stopping certificate:

    gap = 0.5 ||r - theta||_S^2 + sum_j [g_j(w_j) + g_j*(v_j) - w_j v_j],
    v_j = xc_j^T S theta,

with ``g_j(w) = l1 f_j |w| + l2 f_j w^2 / 2 + indicator(lower_j <= w <=
upper_j)``, whose conjugate has a closed form (``_fenchel_young``), and
``theta = s u``: ``u`` the residual, projected (weighted least squares)
off the columns of the unpenalised features (f_j = 0) whose correlation
points towards an infinite bound (their conjugate is finite only at a zero
correlation; as _gap.pyx does for the unbounded solvers), and ``s < 1``
only when l2 f_j = 0 and a correlation exceeds l1 f_j towards an infinite
bound (the conjugate is finite otherwise). Each term is >= 0
(Fenchel-Young), so no large terms cancel.

A dedicated kernel: the fast solvers (_naive, _covariance, their Newton
steps, screening and extrapolation) know nothing of bounds and stay as they
are. float64 data only (the caller converts float32). Its covariance-update
twin, for tall designs, is _box_gram.pyx; the one-coordinate pieces both
use (_pen, _clip, _fenchel_young, _towards_infinite) are in _box_ops.pxd.
"""

import threading

import numpy as np

from libc.math cimport INFINITY, fabs, fmin
from libc.string cimport memcpy, memset

from shrinkage._kernels cimport (
    shr_centered_dot,
    shr_enet_coordinate,
    shr_weighted_sum,
)
from shrinkage._enet._box_ops cimport (
    _check_box_start,
    _clip,
    _fenchel_young,
    _pen,
    _towards_infinite,
)
from shrinkage._enet._columns cimport _flag_offsets
from shrinkage._enet._gap cimport FreeProjection, _free_setup, _free_solve
from shrinkage._enet._interrupt cimport (
    Interrupt,
    _interrupt_init,
    _interrupted,
    _raise_pending,
)
from shrinkage._enet._naive_ops cimport NaiveProblem, _add_column, _gradient, _set_problem
from shrinkage._enet._util cimport _all_zero, _xorshift


# Python runs signal handlers in the main thread only: solves in other
# threads never poll (_interrupt.pxd). Read once at import.
cdef unsigned long _MAIN_THREAD = threading.main_thread().ident

cdef inline double _box_step(NaiveProblem *P, const double *lo,
                             const double *hi, Py_ssize_t j) noexcept nogil:
    """Minimise over coordinate j within its bounds; returns |change|."""
    cdef double f = P.pf[j]
    cdef double denom = P.h[j] + _pen(P.l2, f)
    cdef double w_old = P.w[j], w_new
    if denom <= 0.0:
        # A zero (centred) column: the objective along j is l1 f |w_j|,
        # least at 0 (which the bounds allow); unpenalised, it is flat.
        if w_old == 0.0 or not _pen(P.l1, f) > 0.0:
            return 0.0
        w_new = 0.0
    else:
        w_new = shr_enet_coordinate(_gradient(P, j) + P.h[j] * w_old,
                                    _pen(P.l1, f), denom, False)
        w_new = _clip(w_new, lo[j], hi[j])
    if w_new != w_old:
        _add_column(P, j, w_old - w_new)
        P.w[j] = w_new
        return fabs(w_new - w_old)
    return 0.0


cdef double _box_pass(NaiveProblem *P, const double *lo, const double *hi,
                      const int *idx, Py_ssize_t count, bint random,
                      unsigned int *state, double *max_w) noexcept nogil:
    """One pass over ``idx`` (all features when NULL); returns the largest
    change and sets max |w_j| over the features visited."""
    cdef Py_ssize_t t, j
    cdef double d, max_dw = 0.0, largest = 0.0
    for t in range(count):
        if random:
            j = _xorshift(state) % count
        else:
            j = t
        if idx != NULL:
            j = idx[j]
        d = _box_step(P, lo, hi, j)
        if d > max_dw:
            max_dw = d
        if fabs(P.w[j]) > largest:
            largest = fabs(P.w[j])
    max_w[0] = largest
    return max_dw


cdef void _box_residual(NaiveProblem *P) noexcept nogil:
    """The residual from scratch (removes drift of the running updates)."""
    cdef Py_ssize_t j
    memcpy(P.r, P.yc, P.n * sizeof(double))
    P.shift = 0.0
    for j in range(P.p):
        if P.w[j] != 0.0:
            _add_column(P, j, -P.w[j])


cdef struct BoxWork:
    double *c             # p: correlations with the dual point's direction
    double *u             # n: the residual projected for unpenalised features
    unsigned char *in_act # p: projected on
    FreeProjection fp     # unpenalised features (f_j = 0) and the projection's buffers
    Py_ssize_t n_proj     # features of the last projection (fp.act, fp.beta); 0: none


cdef void _box_correlations(NaiveProblem *P, double *c) noexcept nogil:
    """``c_j = xc_j^T S v`` for ``v = P.r + P.shift``, exactly centred."""
    cdef Py_ssize_t i, j
    cdef double tsum = 0.0
    if P.sparse:
        for i in range(P.n):
            tsum += (P.r[i] + P.shift) * (P.sw[i] if P.sw != NULL else 1.0)
        for j in range(P.p):
            c[j] = _gradient(P, j) - P.x_mean[j] * tsum
    else:
        for j in range(P.p):
            c[j] = shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], P.sw, P.r)


cdef bint _project_free(NaiveProblem *P, const double *lo, const double *hi,
                        BoxWork *B, double *u_shift) noexcept nogil:
    """Make the correlations of the unpenalised features whose conjugate
    would be infinite zero: ``u = r - Xc_A beta``, the residual minus its
    weighted least-squares fit on those columns ``A`` (grown while the
    projection turns another such feature's correlation towards an infinite
    bound; at most ``n_free`` rounds). ``B.c`` holds the correlations with
    ``r`` on entry and with ``u`` on return. False (``B.c`` then those of
    ``r``) when no feature needed it or the small solve failed."""
    cdef FreeProjection *F = &B.fp
    cdef Py_ssize_t t, a, b, n_act = 0, rounds
    cdef int j
    cdef double *r_saved = P.r
    cdef double shift_saved = P.shift
    cdef bint grown, projected = False
    B.n_proj = 0
    for t in range(F.n_free):
        B.in_act[F.free[t]] = 0
    for rounds in range(F.n_free + 1):
        grown = False
        for t in range(F.n_free):
            j = F.free[t]
            if (P.h[j] > 0.0 and not B.in_act[j]
                    and _towards_infinite(B.c[j], lo[j], hi[j])):
                F.act[n_act] = j
                B.in_act[j] = 1
                n_act += 1
                grown = True
        if not grown:
            break
        # Gram block of the projected columns: xc_b written into u, then
        # the gradient routine gives xc_a^T S xc_b (as _naive.pyx does)
        P.r = B.u
        for b in range(n_act):
            memset(B.u, 0, P.n * sizeof(double))
            P.shift = 0.0
            _add_column(P, F.act[b], 1.0)
            for a in range(n_act):
                F.M[a * n_act + b] = _gradient(P, F.act[a])
        P.r = r_saved
        P.shift = shift_saved
        for a in range(n_act):
            F.cf[a] = _gradient(P, F.act[a])
        if _free_solve(F, n_act) != 0:
            B.n_proj = 0
            if projected:
                _box_correlations(P, B.c)
            return False
        memcpy(B.u, r_saved, P.n * sizeof(double))
        P.r = B.u
        for b in range(n_act):
            _add_column(P, F.act[b], -F.beta[b])
        u_shift[0] = P.shift
        _box_correlations(P, B.c)
        P.r = r_saved
        P.shift = shift_saved
        projected = True
        B.n_proj = n_act
    return projected


cdef bint _free_step(NaiveProblem *P, const double *lo, const double *hi,
                     BoxWork *B) noexcept nogil:
    """Move the projected unpenalised coefficients by ``t beta`` (the last
    projection's least-squares fit of the residual on their columns), with
    the largest ``t <= 1`` that keeps them within their bounds: their
    penalty is 0 and the loss along ``beta`` is least at ``t >= 1`` (the
    solve's ridge only shrinks beta), so every such step lowers the
    objective. A Newton step on those coordinates: coordinate descent
    alone crawls along nearly collinear unpenalised columns. True when a
    step was taken."""
    cdef FreeProjection *F = &B.fp
    cdef Py_ssize_t a, n_act = B.n_proj
    cdef int j
    cdef double t = 1.0, b, w_new, delta
    cdef bint moved = False
    B.n_proj = 0
    if n_act == 0:
        return False
    for a in range(n_act):
        j = F.act[a]
        b = F.beta[a]
        if b > 0.0 and P.w[j] + b > hi[j]:
            t = fmin(t, (hi[j] - P.w[j]) / b)
        elif b < 0.0 and P.w[j] + b < lo[j]:
            t = fmin(t, (lo[j] - P.w[j]) / b)
    if not t > 0.0:
        return False
    for a in range(n_act):
        j = F.act[a]
        w_new = _clip(P.w[j] + t * F.beta[a], lo[j], hi[j])
        delta = w_new - P.w[j]
        if delta != 0.0:
            _add_column(P, j, -delta)
            P.w[j] = w_new
            moved = True
    return moved


cdef double _box_gap(NaiveProblem *P, const double *lo, const double *hi,
                     BoxWork *B) noexcept nogil:
    """The duality gap at the current (freshly recomputed) residual ``r``,
    for ``theta = s u``: ``u = r``, or ``r`` projected for the unpenalised
    features (:func:`_project_free`); ``s`` rescales for the penalised
    coordinates with l2 f_j = 0 whose correlation exceeds l1 f_j towards an
    infinite bound."""
    cdef Py_ssize_t i, j
    cdef double *c = B.c
    cdef const double *u = P.r
    cdef double u_shift = P.shift
    cdef double d, si, s = 1.0, a, l1j, l2j, gap = 0.0
    _box_correlations(P, c)
    if B.fp.n_free > 0 and _project_free(P, lo, hi, B, &u_shift):
        u = B.u
    for j in range(P.p):
        l1j = _pen(P.l1, P.pf[j])
        l2j = _pen(P.l2, P.pf[j])
        if l2j > 0.0 or not l1j > 0.0 or P.h[j] <= 0.0:
            continue
        a = c[j]
        if a > l1j and hi[j] == INFINITY:
            if l1j / a < s:
                s = l1j / a
        elif a < -l1j and lo[j] == -INFINITY:
            if l1j / (-a) < s:
                s = l1j / (-a)
    # 0.5 ||r - theta||_S^2
    for i in range(P.n):
        si = P.sw[i] if P.sw != NULL else 1.0
        d = (P.r[i] + P.shift) - s * (u[i] + u_shift)
        gap += si * d * d
    gap *= 0.5
    for j in range(P.p):
        if P.h[j] <= 0.0 and _pen(P.l2, P.pf[j]) <= 0.0:
            # a zero column: c_j = 0 exactly, so the term is g(w_j)
            if P.w[j] != 0.0:
                gap += _pen(P.l1, P.pf[j]) * fabs(P.w[j])
            continue
        gap += _fenchel_young(P.w[j], s * c[j], _pen(P.l1, P.pf[j]),
                              _pen(P.l2, P.pf[j]), lo[j], hi[j], P.h[j])
    return gap


cdef (double, int) _box_solve(NaiveProblem *P, const double *lo,
                              const double *hi, BoxWork *B, int *active,
                              double tol, int max_iter, bint random,
                              unsigned int seed, Interrupt *intr) noexcept nogil:
    """Full pass, then cyclic passes over the nonzero coefficients until
    they settle, then the duality gap; repeated until the gap is at most
    ``tol`` or ``max_iter`` passes are made. Every path through the loop
    makes at least one pass, so ``max_iter`` bounds it."""
    cdef Py_ssize_t j, n_active
    cdef int n_iter = 0
    # the relative change of a pass (max |dw| / max |w|) that ends a cycle
    # over the nonzero coefficients: 1e-2 at first, divided by 4 after each
    # round whose gap does not certify (down to 1e-16)
    cdef double gap, max_dw, max_w, dw_tol = 1e-2
    cdef unsigned int state = seed if seed != 0 else 2463534242u
    _box_residual(P)
    if _all_zero(P.w, P.p):
        gap = INFINITY
    else:
        gap = _box_gap(P, lo, hi, B)  # a warm start at the solution costs no pass
    while not gap <= tol and n_iter < max_iter:
        # the unpenalised features' least-squares step from the last gap's
        # projection (the round's gap certifies the point it leads to)
        _free_step(P, lo, hi, B)
        _box_pass(P, lo, hi, NULL, P.p, random, &state, &max_w)
        n_iter += 1
        if _interrupted(intr, <double>P.n * P.p):
            break
        n_active = 0
        for j in range(P.p):
            if P.w[j] != 0.0:
                active[n_active] = <int>j
                n_active += 1
        while n_active > 0 and n_iter < max_iter:
            max_dw = _box_pass(P, lo, hi, active, n_active, random, &state,
                               &max_w)
            n_iter += 1
            if _interrupted(intr, <double>P.n * n_active):
                break
            if max_w == 0.0 or max_dw <= dw_tol * max_w:
                break
        if intr.hit:
            break  # the caller raises; w and the residual hold the last pass
        _box_residual(P)
        gap = _box_gap(P, lo, hi, B)
        dw_tol = dw_tol * 0.25 if dw_tol * 0.25 > 1e-16 else 1e-16
    return gap, n_iter


cdef tuple _run_box(NaiveProblem *P, const double[::1] yc, const double[::1] sw,
                    double[::1] x_mean, double[::1] sq_norms,
                    const double[::1] penalty_factor, const double[::1] lower,
                    const double[::1] upper, double[::1] w,
                    double[::1] residual, double l1, double l2, double tol,
                    int max_iter, bint random, unsigned int seed):
    """Complete the problem, check the arguments, run the driver."""
    cdef unsigned char[::1] offset = np.zeros(max(P.p, 1), dtype=np.uint8)
    cdef double[::1] c = np.empty(max(P.p, 1))
    cdef double[::1] u = np.empty(max(P.n, 1))
    cdef unsigned char[::1] in_act = np.zeros(max(P.p, 1), dtype=np.uint8)
    cdef int[::1] active = np.empty(max(P.p, 1), dtype=np.intc)
    cdef int[::1] every = np.arange(max(P.p, 1), dtype=np.intc)
    cdef BoxWork B
    cdef double gap
    cdef int n_iter
    if max_iter < 1:
        raise ValueError("max_iter must be >= 1")
    for name, a in (("yc", yc), ("residual", residual)):
        if a.shape[0] != P.n:
            raise ValueError(f"{name} must have length {P.n}")
    if sw.shape[0] not in (0, P.n):
        raise ValueError(f"sw must be empty or have length {P.n}")
    for name, a in (("x_mean", x_mean), ("sq_norms", sq_norms),
                    ("penalty_factor", penalty_factor), ("lower", lower),
                    ("upper", upper), ("w", w)):
        if a.shape[0] != P.p:
            raise ValueError(f"{name} must have length {P.p}")
    _check_box_start(lower, upper, w, P.p)
    _set_problem(P, yc, sw, x_mean, sq_norms, penalty_factor, w, residual, l1, l2,
                 False)
    P.offset = &offset[0]
    P.total = shr_weighted_sum(P.n, P.sw, NULL) if P.sw != NULL else <double>P.n
    B.c = &c[0]
    B.u = &u[0]
    B.in_act = &in_act[0]
    B.n_proj = 0
    free_buffers = _free_setup(&B.fp, every[:P.p], penalty_factor)  # kept alive
    cdef Interrupt intr
    _interrupt_init(&intr, _MAIN_THREAD)
    with nogil:
        if not P.sparse:
            _flag_offsets(P.p, P.x_mean, P.h, P.total, P.offset)
        gap, n_iter = _box_solve(P, &lower[0], &upper[0], &B, &active[0],
                                 tol, max_iter, random, seed, &intr)
    if intr.hit:
        _raise_pending()
    return gap, n_iter


_BOX_DOC = """
    Parameters
    ----------
    yc : (n,) centred targets; sw : (n,) weights summing to n, or empty.
    x_mean, sq_norms : (p,) column statistics (weighted means, centred
        squared norms; zero means without an intercept).
    penalty_factor : (p,) f_j >= 0.
    lower, upper : (p,) bounds, ``lower_j <= 0 <= upper_j`` (+-inf allowed).
    w : (p,) in/out coefficients (a warm start within the bounds on entry).
    residual : (n,) out: dense, ``yc - Xc w``; CSC, ``yc - X w`` (add
        ``x_mean . w`` for the centred residual).
    l1, l2 : n-scaled penalties ``alpha * l1_ratio * n``, ``alpha * (1 - l1_ratio) * n``.
    tol : absolute gap tolerance (already multiplied by ``yc^T S yc``).
    max_iter : maximal number of passes (full or over the nonzero
        coefficients), >= 1.
    random, seed : random coordinate order (with replacement), RNG seed.

    Returns
    -------
    gap : float, the duality gap (n-scaled) at the returned point;
    n_iter : int, passes made.

    Raises
    ------
    KeyboardInterrupt (or what a signal handler raises): a signal arrived
        during the solve, in the main thread (polled between passes).
"""


def enet_box(
    const double[::1, :] X, const double[::1] yc, const double[::1] sw,
    double[::1] x_mean, double[::1] sq_norms,
    const double[::1] penalty_factor, const double[::1] lower,
    const double[::1] upper, double[::1] w, double[::1] residual,
    double l1, double l2, double tol, int max_iter, bint random=False,
    unsigned int seed=1,
):
    cdef NaiveProblem P
    P.n = X.shape[0]
    P.p = X.shape[1]
    if P.n == 0 or P.p == 0:
        return 0.0, 0
    P.sparse = False
    P.single = False
    P.X = &X[0, 0]
    P.X32 = NULL
    P.data = NULL
    P.data32 = NULL
    P.indices = NULL
    P.indptr = NULL
    return _run_box(&P, yc, sw, x_mean, sq_norms, penalty_factor, lower, upper,
                    w, residual, l1, l2, tol, max_iter, random, seed)


enet_box.__doc__ = ("Box-constrained elastic-net coordinate descent on a dense "
                    "column-major float64 ``X`` (n, p).\n" + _BOX_DOC)


def enet_box_csc(
    const double[::1] data, const Py_ssize_t[::1] indices,
    const Py_ssize_t[::1] indptr, Py_ssize_t n_samples,
    const double[::1] yc, const double[::1] sw,
    double[::1] x_mean, double[::1] sq_norms,
    const double[::1] penalty_factor, const double[::1] lower,
    const double[::1] upper, double[::1] w, double[::1] residual,
    double l1, double l2, double tol, int max_iter, bint random=False,
    unsigned int seed=1,
):
    cdef NaiveProblem P
    P.n = n_samples
    P.p = indptr.shape[0] - 1
    if P.n == 0 or P.p <= 0:
        return 0.0, 0
    if indptr[P.p] > data.shape[0] or indptr[P.p] > indices.shape[0]:
        raise ValueError("indptr does not match data and indices")
    P.sparse = True
    P.single = False
    P.X = NULL
    P.X32 = NULL
    P.data = &data[0] if data.shape[0] > 0 else NULL
    P.data32 = NULL
    P.indices = &indices[0] if indices.shape[0] > 0 else NULL
    P.indptr = &indptr[0]
    return _run_box(&P, yc, sw, x_mean, sq_norms, penalty_factor, lower, upper,
                    w, residual, l1, l2, tol, max_iter, random, seed)


enet_box_csc.__doc__ = ("Box-constrained elastic-net coordinate descent on CSC "
                        "float64 data (``data``, ``indices``, ``indptr``, "
                        "``n_samples``), centred implicitly.\n" + _BOX_DOC)
