"""Coordinate descent for the elastic net under box constraints.

Solves, in the kernels' n-scaled form (docs/design.md, "Box constraints"),

    min_w  0.5 * sum_i s_i (yc_i - xc_i.w)^2
           + sum_j [l1 f_j |w_j| + 0.5 l2 f_j w_j^2]
    subject to  lower_j <= w_j <= upper_j   (lower_j <= 0 <= upper_j)

glmnet's ``lower.limits`` / ``upper.limits`` (Friedman, Hastie & Tibshirani
2010, "Regularization paths for generalized linear models via coordinate
descent", J. Stat. Softw. 33(1)): the coordinate minimiser is the clipped
update ``clip(S(z, l1 f_j) / (h_j + l2 f_j), lower_j, upper_j)``, the
minimiser of a convex one-dimensional function over an interval, with
cyclic passes over the nonzero coefficients between full passes, and the
duality gap of the box-constrained problem as the stopping certificate:

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

Two ways to get the correlations, one driver (``_box_solve``):

* residual (naive) updates keep ``r`` as the naive solver does (the
  per-column operations of _naive_ops.pxd, implicit centring for CSC data);
* covariance updates keep ``c = q - G w`` from the centred weighted Gram
  ``G = Xc^T S Xc``, ``q = Xc^T S yc``, ``yy = yc^T S yc`` (glmnet's
  covariance mode, ibid. section 2.2): ``z_j = c_j + h_j w_j`` with
  ``h_j = G_jj``, and a change ``d`` costs ``c -= d G[:, j]``, O(p)
  instead of O(n). The gap is then written in Gram quantities:
  ``||r||_S^2 = yy - q.w - w.c`` and, for ``u = r - Xc_A beta``,
  ``x_j^T S u = c_j - G[j, A] beta`` and

      ||r - s u||^2 = (1 - s)^2 ||r||^2 + 2 s (1 - s) beta.c_A + s^2 beta^T G_AA beta,

  three terms >= 0 (beta.c_A = c_A^T (G_AA + ridge)^-1 c_A), so nothing
  cancels; ``beta^T G_AA beta = beta.(c_A - c2_A)`` from the projected
  correlations ``c2``. ``G`` is read, never written.

A dedicated kernel: the fast solvers (_naive, _covariance, their Newton
steps, screening and extrapolation) know nothing of bounds and stay as they
are. float64 data only (the caller converts float32). The one-coordinate
pieces (_pen, _clip, _fenchel_young, _towards_infinite) are in _box_ops.pxd.
"""

import threading

import numpy as np

from libc.math cimport INFINITY, fabs, fmin
from libc.string cimport memcpy

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
from shrinkage._enet._naive_ops cimport (
    NaiveProblem,
    _add_column,
    _columns_gram,
    _gradient,
    _set_problem,
)
from shrinkage._enet._util cimport _all_zero, _axpy, _dot, _xorshift


# Python runs signal handlers in the main thread only: solves in other
# threads never poll (_interrupt.pxd). Read once at import.
cdef unsigned long _MAIN_THREAD = threading.main_thread().ident


cdef struct Box:
    Py_ssize_t p
    bint gram             # covariance updates (G, q, c kept) or residual (P)
    double row_cost       # cost of one coordinate's update: n, or p with G
    double *w
    const double *pf
    const double *h       # curvatures ||xc_j||_S^2 (the diagonal of G)
    double l1
    double l2
    const double *lo
    const double *hi
    double *c             # correlations: kept up to date with G, else of the gap
    unsigned char *in_act # p: projected on
    FreeProjection fp     # unpenalised features (f_j = 0) and the projection's buffers
    Py_ssize_t n_proj     # features of the last projection (fp.act, fp.beta); 0: none
    # residual updates
    NaiveProblem *P
    double *u             # n: the residual projected for unpenalised features
    # covariance updates
    const double *G       # p x p, symmetric: row j = column j, contiguous
    const double *q
    double yy
    double *c2            # correlations with the projected residual u


# --------------------------------------------------------------------------
# one coordinate, one pass (both updates)
# --------------------------------------------------------------------------

cdef inline void _change(Box *B, Py_ssize_t j, double minus_delta) noexcept nogil:
    """The kept quantity after ``w_j`` moved by ``-minus_delta`` (w itself
    is the caller's to set)."""
    if B.gram:
        _axpy(B.p, minus_delta, B.G + j * B.p, B.c)
    else:
        _add_column(B.P, j, minus_delta)


cdef inline double _box_step(Box *B, Py_ssize_t j) noexcept nogil:
    """Minimise over coordinate j within its bounds; returns |change|."""
    cdef double f = B.pf[j]
    cdef double denom = B.h[j] + _pen(B.l2, f)
    cdef double w_old = B.w[j], w_new, g
    if denom <= 0.0:
        # A zero (centred) column: the objective along j is l1 f |w_j|,
        # least at 0 (which the bounds allow); unpenalised, it is flat.
        if w_old == 0.0 or not _pen(B.l1, f) > 0.0:
            return 0.0
        w_new = 0.0
    else:
        g = B.c[j] if B.gram else _gradient(B.P, j)
        w_new = shr_enet_coordinate(g + B.h[j] * w_old, _pen(B.l1, f), denom, False)
        w_new = _clip(w_new, B.lo[j], B.hi[j])
    if w_new != w_old:
        _change(B, j, w_old - w_new)
        B.w[j] = w_new
        return fabs(w_new - w_old)
    return 0.0


cdef double _box_pass(Box *B, const int *idx, Py_ssize_t count, bint random,
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
        d = _box_step(B, j)
        if d > max_dw:
            max_dw = d
        if fabs(B.w[j]) > largest:
            largest = fabs(B.w[j])
    max_w[0] = largest
    return max_dw


cdef void _refresh(Box *B) noexcept nogil:
    """The kept quantity from scratch (removes drift of the running
    updates): the residual, or ``c = q - G w``."""
    cdef Py_ssize_t j
    if B.gram:
        memcpy(B.c, B.q, B.p * sizeof(double))
        for j in range(B.p):
            if B.w[j] != 0.0:
                _axpy(B.p, -B.w[j], B.G + j * B.p, B.c)
        return
    memcpy(B.P.r, B.P.yc, B.P.n * sizeof(double))
    B.P.shift = 0.0
    for j in range(B.p):
        if B.w[j] != 0.0:
            _add_column(B.P, j, -B.w[j])


# --------------------------------------------------------------------------
# the unpenalised features: projection and least-squares step
# --------------------------------------------------------------------------

cdef Py_ssize_t _grow_free(Box *B, const double *v, Py_ssize_t n_act) noexcept nogil:
    """Add to the projected set (fp.act) the unpenalised features whose
    correlation ``v_j`` points towards an infinite bound; returns its size."""
    cdef FreeProjection *F = &B.fp
    cdef Py_ssize_t t
    cdef int j
    for t in range(F.n_free):
        j = F.free[t]
        if (B.h[j] > 0.0 and not B.in_act[j]
                and _towards_infinite(v[j], B.lo[j], B.hi[j])):
            F.act[n_act] = j
            B.in_act[j] = 1
            n_act += 1
    return n_act


cdef bint _free_step(Box *B) noexcept nogil:
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
        if b > 0.0 and B.w[j] + b > B.hi[j]:
            t = fmin(t, (B.hi[j] - B.w[j]) / b)
        elif b < 0.0 and B.w[j] + b < B.lo[j]:
            t = fmin(t, (B.lo[j] - B.w[j]) / b)
    if not t > 0.0:
        return False
    for a in range(n_act):
        j = F.act[a]
        w_new = _clip(B.w[j] + t * F.beta[a], B.lo[j], B.hi[j])
        delta = w_new - B.w[j]
        if delta != 0.0:
            _change(B, j, -delta)
            B.w[j] = w_new
            moved = True
    return moved


cdef bint _residual_round(Box *B, Py_ssize_t n_act, double *u_shift,
                          bint projected) noexcept nogil:
    """One projection round, residual updates: ``u = r - Xc_A beta`` for
    the set ``A`` (fp.act[:n_act]) and ``B.c`` its correlations. False when
    the small solve failed (``B.c`` then those of ``r``)."""
    cdef FreeProjection *F = &B.fp
    cdef NaiveProblem *P = B.P
    cdef Py_ssize_t a, b
    cdef double *r_saved = P.r
    cdef double shift_saved = P.shift
    _columns_gram(P, F.act, n_act, F.M, B.u)  # the projected columns' Gram block
    for a in range(n_act):
        F.cf[a] = _gradient(P, F.act[a])
    if _free_solve(F, n_act) != 0:
        if projected:
            _residual_correlations(P, B.c)
        return False
    memcpy(B.u, r_saved, P.n * sizeof(double))
    P.r = B.u
    for b in range(n_act):
        _add_column(P, F.act[b], -F.beta[b])
    u_shift[0] = P.shift
    _residual_correlations(P, B.c)
    P.r = r_saved
    P.shift = shift_saved
    return True


cdef bint _gram_round(Box *B, Py_ssize_t n_act) noexcept nogil:
    """One projection round, covariance updates: ``c2 = c - G[:, A] beta``
    from ``G_AA`` and ``c_A``. False when the small solve failed (``c2 =
    c`` then)."""
    cdef FreeProjection *F = &B.fp
    cdef Py_ssize_t a, b, p = B.p
    for b in range(n_act):
        for a in range(n_act):
            F.M[a * n_act + b] = B.G[F.act[a] * p + F.act[b]]
        F.cf[b] = B.c[F.act[b]]
    if _free_solve(F, n_act) != 0:
        memcpy(B.c2, B.c, p * sizeof(double))
        return False
    memcpy(B.c2, B.c, p * sizeof(double))
    for b in range(n_act):
        _axpy(p, -F.beta[b], B.G + F.act[b] * p, B.c2)
    return True


cdef Py_ssize_t _project_free(Box *B, double *u_shift) noexcept nogil:
    """Make the correlations of the unpenalised features whose conjugate
    would be infinite zero: ``u = r - Xc_A beta``, the residual minus its
    weighted least-squares fit on those columns ``A`` (grown while the
    projection turns another such feature's correlation towards an infinite
    bound; at most ``n_free`` rounds). Residual updates: ``u`` in ``B.u``
    (plus ``u_shift``) and ``B.c`` its correlations; covariance updates:
    ``B.c2`` its correlations. Returns ``|A|`` (also ``B.n_proj``; fp.act
    and fp.beta hold the set and fit), 0 when no feature needed it or the
    small solve failed (the correlations are then those of ``r``)."""
    cdef FreeProjection *F = &B.fp
    cdef Py_ssize_t t, n_act = 0, grown, rounds
    cdef const double *v = B.c2 if B.gram else B.c
    cdef bint ok
    B.n_proj = 0
    if B.gram:
        memcpy(B.c2, B.c, B.p * sizeof(double))
    for t in range(F.n_free):
        B.in_act[F.free[t]] = 0
    for rounds in range(F.n_free + 1):
        grown = _grow_free(B, v, n_act)
        if grown == n_act:
            break
        n_act = grown
        if B.gram:
            ok = _gram_round(B, n_act)
        else:
            ok = _residual_round(B, n_act, u_shift, B.n_proj > 0)
        if not ok:
            B.n_proj = 0
            return 0
        B.n_proj = n_act
    return B.n_proj


# --------------------------------------------------------------------------
# the duality gap
# --------------------------------------------------------------------------

cdef void _residual_correlations(NaiveProblem *P, double *c) noexcept nogil:
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


cdef double _dual_scale(const Box *B, const double *v) noexcept nogil:
    """``s <= 1`` that brings ``s v_j`` within ``l1 f_j`` for the penalised
    coordinates with ``l2 f_j = 0`` whose correlation exceeds it towards an
    infinite bound (their conjugate is infinite otherwise)."""
    cdef Py_ssize_t j
    cdef double s = 1.0, x, l1j
    for j in range(B.p):
        l1j = _pen(B.l1, B.pf[j])
        if _pen(B.l2, B.pf[j]) > 0.0 or not l1j > 0.0 or B.h[j] <= 0.0:
            continue
        x = v[j]
        if x > l1j and B.hi[j] == INFINITY:
            if l1j / x < s:
                s = l1j / x
        elif x < -l1j and B.lo[j] == -INFINITY:
            if l1j / (-x) < s:
                s = l1j / (-x)
    return s


cdef double _add_penalty_terms(const Box *B, const double *v, double s,
                               double gap) noexcept nogil:
    """``gap`` plus every coordinate's Fenchel-Young term at ``s v``."""
    cdef Py_ssize_t j
    for j in range(B.p):
        if B.h[j] <= 0.0 and _pen(B.l2, B.pf[j]) <= 0.0:
            # a zero column: c_j = 0 exactly, so the term is g(w_j)
            if B.w[j] != 0.0:
                gap += _pen(B.l1, B.pf[j]) * fabs(B.w[j])
            continue
        gap += _fenchel_young(B.w[j], s * v[j], _pen(B.l1, B.pf[j]),
                              _pen(B.l2, B.pf[j]), B.lo[j], B.hi[j], B.h[j])
    return gap


cdef double _residual_gap(Box *B) noexcept nogil:
    """The duality gap at the current (freshly recomputed) residual ``r``,
    for ``theta = s u``: ``u = r``, or ``r`` projected for the unpenalised
    features (:func:`_project_free`)."""
    cdef NaiveProblem *P = B.P
    cdef Py_ssize_t i
    cdef const double *u = P.r
    cdef double u_shift = P.shift
    cdef double d, si, s, gap = 0.0
    _residual_correlations(P, B.c)
    if B.fp.n_free > 0 and _project_free(B, &u_shift) > 0:
        u = B.u
    s = _dual_scale(B, B.c)
    # 0.5 ||r - theta||_S^2
    for i in range(P.n):
        si = P.sw[i] if P.sw != NULL else 1.0
        d = (P.r[i] + P.shift) - s * (u[i] + u_shift)
        gap += si * d * d
    gap *= 0.5
    return _add_penalty_terms(B, B.c, s, gap)


cdef double _gram_gap(Box *B) noexcept nogil:
    """The duality gap at the current point (``c`` fresh), for ``theta =
    s u`` as in :func:`_residual_gap`, from Gram quantities only."""
    cdef FreeProjection *F = &B.fp
    cdef Py_ssize_t j, a, n_act = 0, p = B.p
    cdef const double *v = B.c
    cdef double s, rr, bc = 0.0, bgb = 0.0, gap
    B.n_proj = 0
    if F.n_free > 0:
        n_act = _project_free(B, NULL)
        if n_act > 0:
            v = B.c2
            for a in range(n_act):
                j = F.act[a]
                bc += F.beta[a] * B.c[j]
                bgb += F.beta[a] * (B.c[j] - B.c2[j])
            if bc < 0.0:
                bc = 0.0
            if bgb < 0.0:
                bgb = 0.0
    s = _dual_scale(B, v)
    gap = 0.0
    if s < 1.0:
        # ||r||_S^2 = yy - q.w - w.c (clamped: rounding may leave it < 0)
        rr = B.yy - _dot(p, B.q, B.w) - _dot(p, B.w, B.c)
        if rr < 0.0:
            rr = 0.0
        gap = (1.0 - s) * (1.0 - s) * rr + 2.0 * s * (1.0 - s) * bc
    gap = 0.5 * (gap + s * s * bgb)
    return _add_penalty_terms(B, v, s, gap)


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------

cdef (double, int) _box_solve(Box *B, int *active, double tol, int max_iter,
                              bint random, unsigned int seed,
                              Interrupt *intr) noexcept nogil:
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
    _refresh(B)
    if _all_zero(B.w, B.p):
        gap = INFINITY
    else:  # a warm start at the solution costs no pass
        gap = _gram_gap(B) if B.gram else _residual_gap(B)
    while not gap <= tol and n_iter < max_iter:
        # the unpenalised features' least-squares step from the last gap's
        # projection (the round's gap certifies the point it leads to)
        _free_step(B)
        _box_pass(B, NULL, B.p, random, &state, &max_w)
        n_iter += 1
        if _interrupted(intr, B.row_cost * B.p):
            break
        n_active = 0
        for j in range(B.p):
            if B.w[j] != 0.0:
                active[n_active] = <int>j
                n_active += 1
        while n_active > 0 and n_iter < max_iter:
            max_dw = _box_pass(B, active, n_active, random, &state, &max_w)
            n_iter += 1
            if _interrupted(intr, B.row_cost * n_active):
                break
            if max_w == 0.0 or max_dw <= dw_tol * max_w:
                break
        if intr.hit:
            break  # the caller raises; w and the kept quantity hold the last pass
        _refresh(B)
        gap = _gram_gap(B) if B.gram else _residual_gap(B)
        dw_tol = dw_tol * 0.25 if dw_tol * 0.25 > 1e-16 else 1e-16
    return gap, n_iter


cdef inline void _box_init(Box *B, Py_ssize_t p, double row_cost, double *w,
                           const double *pf, const double *h, double l1, double l2,
                           const double *lo, const double *hi, double *c,
                           unsigned char *in_act) noexcept nogil:
    """The fields both updates use; residual updates (``gram`` False, no
    ``G``/``q``/``c2``) until the caller sets the others."""
    B.p = p
    B.gram = False
    B.row_cost = row_cost
    B.w, B.pf, B.h, B.l1, B.l2 = w, pf, h, l1, l2
    B.lo, B.hi, B.c, B.in_act = lo, hi, c, in_act
    B.n_proj = 0
    B.P = NULL
    B.u = NULL
    B.G = NULL
    B.q = NULL
    B.yy = 0.0
    B.c2 = NULL


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
    cdef Box B
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
    _box_init(&B, P.p, <double>P.n, P.w, P.pf, P.h, P.l1, P.l2, &lower[0], &upper[0],
              &c[0], &in_act[0])
    B.P = P
    B.u = &u[0]
    free_buffers = _free_setup(&B.fp, every[:P.p], penalty_factor)  # kept alive
    cdef Interrupt intr
    _interrupt_init(&intr, _MAIN_THREAD)
    with nogil:
        if not P.sparse:
            _flag_offsets(P.p, P.x_mean, P.h, P.total, P.offset)
        gap, n_iter = _box_solve(&B, &active[0], tol, max_iter, random, seed, &intr)
    if intr.hit:
        _raise_pending()
    return gap, n_iter


_BOX_RETURNS = """
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
""" + _BOX_RETURNS


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


def enet_box_gram(
    const double[:, ::1] G, const double[::1] q, double yy,
    const double[::1] penalty_factor, const double[::1] lower,
    const double[::1] upper, double[::1] w, double l1, double l2,
    double tol, int max_iter, bint random=False, unsigned int seed=1,
):
    cdef Py_ssize_t p = G.shape[0]
    cdef Box B
    cdef double gap
    cdef int n_iter
    if G.shape[1] != p:
        raise ValueError("G must be square")
    if p == 0:
        return 0.0, 0
    if max_iter < 1:
        raise ValueError("max_iter must be >= 1")
    for name, a in (("q", q), ("penalty_factor", penalty_factor),
                    ("lower", lower), ("upper", upper), ("w", w)):
        if a.shape[0] != p:
            raise ValueError(f"{name} must have length {p}")
    _check_box_start(lower, upper, w, p)
    cdef double[::1] h = np.ascontiguousarray(np.diagonal(G), dtype=np.float64)
    cdef double[::1] c = np.empty(p)
    cdef double[::1] c2 = np.empty(p)
    cdef unsigned char[::1] in_act = np.zeros(p, dtype=np.uint8)
    cdef int[::1] active = np.empty(p, dtype=np.intc)
    cdef int[::1] every = np.arange(p, dtype=np.intc)
    _box_init(&B, p, <double>p, &w[0], &penalty_factor[0], &h[0], l1, l2, &lower[0],
              &upper[0], &c[0], &in_act[0])
    B.gram = True
    B.G = &G[0, 0]
    B.q = &q[0]
    B.yy = yy
    B.c2 = &c2[0]
    free_buffers = _free_setup(&B.fp, every, penalty_factor)  # kept alive
    cdef Interrupt intr
    _interrupt_init(&intr, _MAIN_THREAD)
    with nogil:
        gap, n_iter = _box_solve(&B, &active[0], tol, max_iter, random, seed, &intr)
    if intr.hit:
        _raise_pending()
    return gap, n_iter


enet_box_gram.__doc__ = """Box-constrained elastic-net coordinate descent with covariance updates.

    Parameters
    ----------
    G : (p, p) the centred weighted Gram ``Xc^T S Xc`` (symmetric, C order).
    q : (p,) ``Xc^T S yc``; yy : ``yc^T S yc``.
    penalty_factor : (p,) f_j >= 0.
    lower, upper : (p,) bounds, ``lower_j <= 0 <= upper_j`` (+-inf allowed).
    w : (p,) in/out coefficients (a warm start within the bounds on entry).
    l1, l2 : n-scaled penalties ``alpha * l1_ratio * n``, ``alpha * (1 - l1_ratio) * n``.
    tol : absolute gap tolerance (already multiplied by ``yy``).
""" + _BOX_RETURNS
