"""Coordinate descent for the elastic net under box constraints, with
covariance (Gram) updates.

The problem and the clipped coordinate update are those of _box.pyx
(docs/design.md, "Box constraints"); here the residual is never formed.
From the centred weighted Gram ``G = Xc^T S Xc``, ``q = Xc^T S yc`` and
``yy = yc^T S yc`` (all n-scaled like the kernels' penalties) the
correlations ``c = q - G w`` are kept (glmnet's covariance mode, Friedman,
Hastie & Tibshirani 2010, J. Stat. Softw. 33(1), section 2.2): a
coordinate update is ``z = c_j + h_j w_j``, ``w_j <- clip(S(z, l1 f_j) /
(h_j + l2 f_j), lower_j, upper_j)`` with ``h_j = G_jj``, and a change
``d`` costs ``c -= d G[:, j]``, O(p) instead of O(n).

The duality gap is the naive box kernel's, ``0.5 ||r - theta||_S^2 +
sum_j [g_j(w_j) + g_j*(v_j) - w_j v_j]`` with ``theta = s u``, written in
Gram quantities: ``x_j^T S r = c_j`` (recomputed from scratch before every
certificate), ``||r||_S^2 = yy - q.w - w.c``, and for ``u = r - Xc_A
beta`` (the projection off the unpenalised features A whose correlation
points towards an infinite bound; beta from the small solve on ``G_AA``)
``x_j^T S u = c_j - G[j, A] beta`` and

    ||r - s u||^2 = (1 - s)^2 ||r||^2 + 2 s (1 - s) beta.c_A + s^2 beta^T G_AA beta,

three terms >= 0 (beta.c_A = c_A^T (G_AA + ridge)^-1 c_A), so nothing
cancels; ``beta^T G_AA beta = beta.(c_A - c2_A)`` from the projected
correlations ``c2``. float64 only; ``G`` is read, never written.
"""

import threading

import numpy as np

from libc.math cimport INFINITY, fabs, fmin
from libc.string cimport memcpy

from shrinkage._kernels cimport shr_enet_coordinate
from shrinkage._enet._box_ops cimport (
    _check_box_start,
    _clip,
    _fenchel_young,
    _pen,
    _towards_infinite,
)
from shrinkage._enet._gap cimport FreeProjection, _free_setup, _free_solve
from shrinkage._enet._interrupt cimport (
    Interrupt,
    _interrupt_init,
    _interrupted,
    _raise_pending,
)
from shrinkage._enet._util cimport _all_zero, _axpy, _dot, _xorshift


# Python runs signal handlers in the main thread only (_interrupt.pxd).
cdef unsigned long _MAIN_THREAD = threading.main_thread().ident


cdef struct BoxGram:
    Py_ssize_t p
    const double *G       # p x p, symmetric: row j = column j, contiguous
    const double *q
    double yy
    const double *h       # the diagonal of G
    const double *pf
    const double *lo
    const double *hi
    double *w
    double *c             # q - G w, kept up to date
    double *c2            # correlations with the projected residual u
    unsigned char *in_act
    double l1
    double l2
    FreeProjection fp
    Py_ssize_t n_proj     # features of the last projection; 0: none


cdef inline void _move(BoxGram *P, Py_ssize_t j, double delta) noexcept nogil:
    """``w_j += delta`` and ``c -= delta G[:, j]``."""
    P.w[j] += delta
    _axpy(P.p, -delta, P.G + j * P.p, P.c)


cdef inline double _gram_box_step(BoxGram *P, Py_ssize_t j) noexcept nogil:
    """Minimise over coordinate j within its bounds; returns |change|."""
    cdef double f = P.pf[j]
    cdef double denom = P.h[j] + _pen(P.l2, f)
    cdef double w_old = P.w[j], w_new
    if denom <= 0.0:
        # a zero centred column: least at 0 if penalised, flat otherwise
        if w_old == 0.0 or not _pen(P.l1, f) > 0.0:
            return 0.0
        w_new = 0.0
    else:
        w_new = shr_enet_coordinate(P.c[j] + P.h[j] * w_old, _pen(P.l1, f),
                                    denom, False)
        w_new = _clip(w_new, P.lo[j], P.hi[j])
    if w_new != w_old:
        _axpy(P.p, w_old - w_new, P.G + j * P.p, P.c)
        P.w[j] = w_new
        return fabs(w_new - w_old)
    return 0.0


cdef double _gram_box_pass(BoxGram *P, const int *idx, Py_ssize_t count,
                           bint random, unsigned int *state,
                           double *max_w) noexcept nogil:
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
        d = _gram_box_step(P, j)
        if d > max_dw:
            max_dw = d
        if fabs(P.w[j]) > largest:
            largest = fabs(P.w[j])
    max_w[0] = largest
    return max_dw


cdef void _gram_box_refresh(BoxGram *P) noexcept nogil:
    """``c = q - G w`` from scratch (removes drift of the running updates)."""
    cdef Py_ssize_t k
    memcpy(P.c, P.q, P.p * sizeof(double))
    for k in range(P.p):
        if P.w[k] != 0.0:
            _axpy(P.p, -P.w[k], P.G + k * P.p, P.c)


cdef Py_ssize_t _gram_project_free(BoxGram *P) noexcept nogil:
    """``c2``: the correlations with ``u = r - Xc_A beta``, the residual
    minus its least-squares fit on the unpenalised features ``A`` whose
    correlation points towards an infinite bound (grown while the
    projection turns another towards one; at most ``n_free`` rounds).
    Returns ``|A|`` (F.act, F.beta hold the set and fit), 0 when none was
    needed or the solve failed (``c2 = c`` then)."""
    cdef FreeProjection *F = &P.fp
    cdef Py_ssize_t t, a, b, n_act = 0, rounds, p = P.p
    cdef int j
    cdef bint grown
    memcpy(P.c2, P.c, p * sizeof(double))
    for t in range(F.n_free):
        P.in_act[F.free[t]] = 0
    for rounds in range(F.n_free + 1):
        grown = False
        for t in range(F.n_free):
            j = F.free[t]
            if (P.h[j] > 0.0 and not P.in_act[j]
                    and _towards_infinite(P.c2[j], P.lo[j], P.hi[j])):
                F.act[n_act] = j
                P.in_act[j] = 1
                n_act += 1
                grown = True
        if not grown:
            break
        for b in range(n_act):
            for a in range(n_act):
                F.M[a * n_act + b] = P.G[F.act[a] * p + F.act[b]]
            F.cf[b] = P.c[F.act[b]]
        if _free_solve(F, n_act) != 0:
            memcpy(P.c2, P.c, p * sizeof(double))
            return 0
        memcpy(P.c2, P.c, p * sizeof(double))
        for b in range(n_act):
            _axpy(p, -F.beta[b], P.G + F.act[b] * p, P.c2)
    return n_act


cdef bint _gram_free_step(BoxGram *P) noexcept nogil:
    """The unpenalised coefficients moved by ``t beta`` (the last
    projection's fit), ``t <= 1`` the largest keeping them in their box:
    as _box.pyx's ``_free_step``, an objective-decreasing Newton step on
    those coordinates."""
    cdef FreeProjection *F = &P.fp
    cdef Py_ssize_t a, n_act = P.n_proj
    cdef int j
    cdef double t = 1.0, b, w_new, delta
    cdef bint moved = False
    P.n_proj = 0
    if n_act == 0:
        return False
    for a in range(n_act):
        j = F.act[a]
        b = F.beta[a]
        if b > 0.0 and P.w[j] + b > P.hi[j]:
            t = fmin(t, (P.hi[j] - P.w[j]) / b)
        elif b < 0.0 and P.w[j] + b < P.lo[j]:
            t = fmin(t, (P.lo[j] - P.w[j]) / b)
    if not t > 0.0:
        return False
    for a in range(n_act):
        j = F.act[a]
        w_new = _clip(P.w[j] + t * F.beta[a], P.lo[j], P.hi[j])
        delta = w_new - P.w[j]
        if delta != 0.0:
            _move(P, j, delta)
            P.w[j] = w_new  # exactly the clipped value
            moved = True
    return moved


cdef double _gram_box_gap(BoxGram *P) noexcept nogil:
    """The duality gap at the current point (``c`` fresh), for ``theta =
    s u`` as in _box.pyx's ``_box_gap``, from Gram quantities only."""
    cdef FreeProjection *F = &P.fp
    cdef Py_ssize_t j, a, n_act = 0, p = P.p
    cdef const double *v = P.c
    cdef double s = 1.0, x, l1j, rr, bc = 0.0, bgb = 0.0, gap
    P.n_proj = 0
    if F.n_free > 0:
        n_act = _gram_project_free(P)
        if n_act > 0:
            v = P.c2
            P.n_proj = n_act
            for a in range(n_act):
                j = F.act[a]
                bc += F.beta[a] * P.c[j]
                bgb += F.beta[a] * (P.c[j] - P.c2[j])
            if bc < 0.0:
                bc = 0.0
            if bgb < 0.0:
                bgb = 0.0
    for j in range(p):
        l1j = _pen(P.l1, P.pf[j])
        if _pen(P.l2, P.pf[j]) > 0.0 or not l1j > 0.0 or P.h[j] <= 0.0:
            continue
        x = v[j]
        if x > l1j and P.hi[j] == INFINITY:
            if l1j / x < s:
                s = l1j / x
        elif x < -l1j and P.lo[j] == -INFINITY:
            if l1j / (-x) < s:
                s = l1j / (-x)
    gap = 0.0
    if s < 1.0:
        # ||r||_S^2 = yy - q.w - w.c (clamped: rounding may leave it < 0)
        rr = P.yy - _dot(p, P.q, P.w) - _dot(p, P.w, P.c)
        if rr < 0.0:
            rr = 0.0
        gap = (1.0 - s) * (1.0 - s) * rr + 2.0 * s * (1.0 - s) * bc
    gap = 0.5 * (gap + s * s * bgb)
    for j in range(p):
        if P.h[j] <= 0.0 and _pen(P.l2, P.pf[j]) <= 0.0:
            # a zero column: its correlation is 0, the term is g(w_j)
            if P.w[j] != 0.0:
                gap += _pen(P.l1, P.pf[j]) * fabs(P.w[j])
            continue
        gap += _fenchel_young(P.w[j], s * v[j], _pen(P.l1, P.pf[j]),
                              _pen(P.l2, P.pf[j]), P.lo[j], P.hi[j], P.h[j])
    return gap


cdef (double, int) _gram_box_solve(BoxGram *P, int *active, double tol,
                                   int max_iter, bint random,
                                   unsigned int seed,
                                   Interrupt *intr) noexcept nogil:
    """The naive box driver's rounds (full pass, passes over the nonzero
    coefficients until they settle, the gap from refreshed correlations)
    on the correlations; every round makes at least one pass, so
    ``max_iter`` bounds the loop."""
    cdef Py_ssize_t j, n_active
    cdef int n_iter = 0
    cdef double gap, max_dw, max_w, dw_tol = 1e-2
    cdef unsigned int state = seed if seed != 0 else 2463534242u
    _gram_box_refresh(P)
    if _all_zero(P.w, P.p):
        gap = INFINITY
    else:
        gap = _gram_box_gap(P)
    while not gap <= tol and n_iter < max_iter:
        _gram_free_step(P)
        _gram_box_pass(P, NULL, P.p, random, &state, &max_w)
        n_iter += 1
        if _interrupted(intr, <double>P.p * P.p):
            break
        n_active = 0
        for j in range(P.p):
            if P.w[j] != 0.0:
                active[n_active] = <int>j
                n_active += 1
        while n_active > 0 and n_iter < max_iter:
            max_dw = _gram_box_pass(P, active, n_active, random, &state,
                                    &max_w)
            n_iter += 1
            if _interrupted(intr, <double>P.p * n_active):
                break
            if max_w == 0.0 or max_dw <= dw_tol * max_w:
                break
        if intr.hit:
            break
        _gram_box_refresh(P)
        gap = _gram_box_gap(P)
        dw_tol = dw_tol * 0.25 if dw_tol * 0.25 > 1e-16 else 1e-16
    return gap, n_iter


def enet_box_gram(
    const double[:, ::1] G, const double[::1] q, double yy,
    const double[::1] penalty_factor, const double[::1] lower,
    const double[::1] upper, double[::1] w, double l1, double l2,
    double tol, int max_iter, bint random=False, unsigned int seed=1,
):
    """Box-constrained elastic-net coordinate descent with covariance updates.

    Parameters
    ----------
    G : (p, p) the centred weighted Gram ``Xc^T S Xc`` (symmetric, C order).
    q : (p,) ``Xc^T S yc``; yy : ``yc^T S yc``.
    penalty_factor : (p,) f_j >= 0.
    lower, upper : (p,) bounds, ``lower_j <= 0 <= upper_j`` (+-inf allowed).
    w : (p,) in/out coefficients (a warm start within the bounds on entry).
    l1, l2 : n-scaled penalties ``alpha * l1_ratio * n``, ``alpha * (1 - l1_ratio) * n``.
    tol : absolute gap tolerance (already multiplied by ``yy``).
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
    cdef Py_ssize_t p = G.shape[0]
    cdef BoxGram P
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
    P.p = p
    P.G = &G[0, 0]
    P.q = &q[0]
    P.yy = yy
    P.h = &h[0]
    P.pf = &penalty_factor[0]
    P.lo = &lower[0]
    P.hi = &upper[0]
    P.w = &w[0]
    P.c = &c[0]
    P.c2 = &c2[0]
    P.in_act = &in_act[0]
    P.l1 = l1
    P.l2 = l2
    P.n_proj = 0
    free_buffers = _free_setup(&P.fp, every, penalty_factor)  # kept alive
    cdef Interrupt intr
    _interrupt_init(&intr, _MAIN_THREAD)
    with nogil:
        gap, n_iter = _gram_box_solve(&P, &active[0], tol, max_iter, random,
                                      seed, &intr)
    if intr.hit:
        _raise_pending()
    return gap, n_iter
