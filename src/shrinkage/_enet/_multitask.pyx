"""Block coordinate descent for the multi-task elastic net.

Solves, in the n-scaled form of the single-task kernels (sample weights s
summing to n, targets Yc and features xc = x - x_mean centred implicitly):

    min_W  0.5 * sum_i s_i ||Yc_i - xc_i W||^2
           + l1 * sum_j f_j ||W_j||_2 + 0.5 * l2 * sum_j f_j ||W_j||^2

with W of shape (n_features, n_tasks), row W_j the block of feature j. The
l2,1 penalty couples the tasks of a feature (the multi-task group lasso of
Obozinski, Taskar & Jordan 2010, "Joint covariate selection and joint
subspace selection for multiple classification problems", Stat. Comput.
20(2)); each block update is exact: with g_j = xc_j^T S R + h_j W_j
(h_j = ||xc_j||_S^2) the minimiser over W_j is the group soft-threshold

    W_j = g_j * max(0, 1 - l1 f_j / ||g_j||) / (h_j + l2 f_j).

Two ways to get g_j, chosen by the caller (shrinkage._enet.multitask_path):
naive updates keep the residual R (O(nnz(x_j) * n_tasks) per block, dense
or CSC, centring through a per-task shift of all rows so that a sparse
column stays sparse); covariance updates keep H = G W with G = Xc^T S Xc
(O(n_features * n_tasks) per changed block). Both cycle over the active set
(nonzero blocks) between full passes (glmnet's strategy, Friedman, Hastie &
Tibshirani 2010, section 2.6), and stop on the duality gap of the group
problem (the dual point is the rescaled residual, as in scikit-learn's
``enet_coordinate_descent_multi_task``; docs/design.md, "Multi-task
models").

Kernels hold no policy: the tolerance arrives absolute (tol * ||Yc||_S^2),
the method is chosen by the caller, the tuning constants are in
_policy.pxd. Every loop is bounded by max_iter passes.
"""

import threading

import numpy as np

from cython cimport floating
from libc.math cimport INFINITY, fabs, sqrt
from scipy.linalg.cython_blas cimport dgemv, dger, sgemv, sger

from shrinkage._enet._interrupt cimport (
    Interrupt,
    _interrupt_init,
    _interrupted,
    _raise_pending,
)
from shrinkage._enet._policy cimport DW_TOL_START
from shrinkage._enet._util cimport _all_zero, _xorshift


# Python runs signal handlers in the main thread only (_interrupt.pxd).
cdef unsigned long _MAIN_THREAD = threading.main_thread().ident


cdef struct Sweep:
    double w_max      # largest |W_jt| after the sweep
    double dw_max     # largest |change| of a W_jt during the sweep


cdef inline double _block_update(floating *w, floating *dw, const double *g,
                                 Py_ssize_t T, double h, double l1f,
                                 double l2f) noexcept nogil:
    """Replace the block ``w`` by its group soft-threshold given the partial
    gradient ``g`` (= xc_j^T S R at the current w); ``dw`` gets the change.
    Returns the largest |change|."""
    cdef Py_ssize_t t
    cdef double zn = 0.0, z, scale, d, dmax = 0.0
    if h <= 0.0:  # an all-zero (centred) column never moves
        for t in range(T):
            dw[t] = 0.0
        return 0.0
    for t in range(T):
        z = g[t] + h * w[t]
        zn += z * z
    zn = sqrt(zn)
    scale = 0.0 if zn <= l1f else (1.0 - l1f / zn) / (h + l2f)
    for t in range(T):
        z = g[t] + h * w[t]
        d = z * scale - w[t]
        dw[t] = <floating>d
        w[t] = <floating>(z * scale)
        d = fabs(<double>dw[t])
        if d > dmax:
            dmax = d
    return dmax


cdef inline double _row_max(const floating *w, Py_ssize_t T) noexcept nogil:
    cdef Py_ssize_t t
    cdef double m = 0.0
    for t in range(T):
        if fabs(w[t]) > m:
            m = fabs(w[t])
    return m


# --------------------------------------------------------------------------
# the problem: what every update reads
# --------------------------------------------------------------------------

cdef struct Problem:
    Py_ssize_t n, p, T
    bint gram                 # covariance updates (G, Q, yy) or naive (X, Y)
    bint sparse               # naive: CSC data/indices/indptr, else dense columns
    bint unit                 # all weights 1: dense columns go to BLAS as they are
    double s_total            # sum of the weights
    double yy                 # ||Yc||_S^2 (covariance updates)
    const void *xv            # floating: dense X (column-major) or CSC data
    const int *rows           # CSC indices
    const int *indptr         # CSC indptr
    const void *sw            # floating (n,) weights
    const void *xm            # floating (p,) centring
    const void *Y             # floating (n, T) centred targets, C order
    const void *G             # floating (p, p) Xc^T S Xc
    const void *Q             # floating (p, T) Xc^T S Yc
    double *shift             # (T,) true residual = R + 1 shift^T
    double *r_sum             # (T,) s^T R of the stored part
    double *sx                # (p,) s^T x_j
    double *h                 # (p,) ||xc_j||_S^2, the curvature of block j
    void *buf_n               # (n,) floating: s * x_j for dense columns
    void *buf_t               # (T,) floating: the product of a dense column

# The running state of a solve is one floating array beside W: the stored
# part R (n, T) of the residual for naive updates, H = G W (p, T) for
# covariance updates. The functions below take it as ``state``.


# --------------------------------------------------------------------------
# naive (residual) updates: dense column-major or CSC
# --------------------------------------------------------------------------

cdef inline void _column_span(const Problem *P, Py_ssize_t j, Py_ssize_t *lo,
                              Py_ssize_t *hi) noexcept nogil:
    if P.sparse:
        lo[0] = P.indptr[j]
        hi[0] = P.indptr[j + 1]
    else:
        lo[0] = j * P.n
        hi[0] = (j + 1) * P.n


cdef inline void _gemv_t(int T, int n, const floating *R, const floating *v,
                         floating *out) noexcept nogil:
    """out = R^T v for R (n, T) in C order (BLAS: (T, n) column-major)."""
    cdef int one = 1
    cdef floating a = 1.0, b = 0.0
    if floating is double:
        dgemv("N", &T, &n, &a, <double *>R, &T, <double *>v, &one, &b, out, &one)
    else:
        sgemv("N", &T, &n, &a, <float *>R, &T, <float *>v, &one, &b, out, &one)


cdef inline void _ger(int T, int n, const floating *dw, const floating *x,
                      floating *R) noexcept nogil:
    """R -= x dw^T for R (n, T) in C order."""
    cdef int one = 1
    cdef floating a = -1.0
    if floating is double:
        dger(&T, &n, &a, <double *>dw, &one, <double *>x, &one, R, &T)
    else:
        sger(&T, &n, &a, <float *>dw, &one, <float *>x, &one, R, &T)


cdef void _column_statistics(Problem *P, const floating *xv) noexcept nogil:
    """s_total, unit, and per column s^T x_j and h_j = ||xc_j||_S^2."""
    cdef const floating *sw = <const floating *>P.sw
    cdef const floating *xm = <const floating *>P.xm
    cdef Py_ssize_t i, j, k, lo, hi
    cdef double a, d, xc
    P.s_total = 0.0
    P.unit = True
    for i in range(P.n):
        P.s_total += sw[i]
        if sw[i] != 1.0:
            P.unit = False
    for j in range(P.p):
        _column_span(P, j, &lo, &hi)
        a = 0.0
        d = 0.0
        for k in range(lo, hi):
            i = P.rows[k] if P.sparse else k - lo
            a += sw[i] * xv[k]
            d += sw[i] * xv[k] * xv[k]
        P.sx[j] = a
        # sum s (x - m)^2 = sum s x^2 - 2 m sum s x + m^2 sum s
        xc = d - 2.0 * xm[j] * a + xm[j] * xm[j] * P.s_total
        P.h[j] = xc if xc > 0.0 else 0.0


cdef void _naive_gradient(const Problem *P, const floating *R, Py_ssize_t j,
                          double *g) noexcept nogil:
    """g = xc_j^T S (R + 1 shift^T)."""
    cdef const floating *xv = <const floating *>P.xv
    cdef const floating *sw = <const floating *>P.sw
    cdef const floating *xm = <const floating *>P.xm
    cdef Py_ssize_t T = P.T, k, lo, hi, i, t
    cdef double a
    cdef floating *v = <floating *>P.buf_n
    cdef floating *out = <floating *>P.buf_t
    _column_span(P, j, &lo, &hi)
    if P.sparse:
        for t in range(T):
            g[t] = 0.0
        for k in range(lo, hi):
            i = P.rows[k]
            a = xv[k] * sw[i]
            if a != 0.0:
                for t in range(T):
                    g[t] += a * R[i * T + t]
    else:  # dense: one level-2 BLAS product over the rows
        if P.unit:
            _gemv_t(<int>T, <int>P.n, R, &xv[lo], out)
        else:
            for i in range(P.n):
                v[i] = <floating>(sw[i] * xv[lo + i])
            _gemv_t(<int>T, <int>P.n, R, v, out)
        for t in range(T):
            g[t] = out[t]
    for t in range(T):
        g[t] += P.shift[t] * P.sx[j] - xm[j] * (P.r_sum[t] + P.shift[t] * P.s_total)


cdef void _naive_apply(Problem *P, floating *R, Py_ssize_t j,
                       const floating *dw) noexcept nogil:
    """R_true -= xc_j dw^T through the stored part, the shift and r_sum."""
    cdef const floating *xv = <const floating *>P.xv
    cdef const floating *xm = <const floating *>P.xm
    cdef Py_ssize_t T = P.T, k, lo, hi, i, t
    cdef double a
    _column_span(P, j, &lo, &hi)
    if P.sparse:
        for k in range(lo, hi):
            i = P.rows[k]
            a = xv[k]
            if a != 0.0:
                for t in range(T):
                    R[i * T + t] -= <floating>(a * dw[t])
    else:
        _ger(<int>T, <int>P.n, dw, &xv[lo], R)
    for t in range(T):
        P.shift[t] += xm[j] * dw[t]
        P.r_sum[t] -= P.sx[j] * dw[t]


cdef void _naive_residual(Problem *P, const floating *W,
                          floating *R) noexcept nogil:
    """The residual from scratch (removes the drift of running updates)."""
    cdef const floating *Y = <const floating *>P.Y
    cdef const floating *sw = <const floating *>P.sw
    cdef Py_ssize_t T = P.T, i, j, t
    for i in range(P.n * T):
        R[i] = Y[i]
    for t in range(T):
        P.shift[t] = 0.0
    for j in range(P.p):
        if not _all_zero(&W[j * T], T):
            _naive_apply(P, R, j, &W[j * T])
    for t in range(T):
        P.r_sum[t] = 0.0
    for i in range(P.n):
        for t in range(T):
            P.r_sum[t] += sw[i] * R[i * T + t]


# --------------------------------------------------------------------------
# covariance updates
# --------------------------------------------------------------------------

cdef void _gram_apply(const floating *G, floating *H, Py_ssize_t p,
                      Py_ssize_t T, Py_ssize_t j,
                      const floating *dw) noexcept nogil:
    """H += G[:, j] dw^T (G symmetric: its row j is contiguous)."""
    cdef Py_ssize_t k, t
    cdef double a
    for k in range(p):
        a = G[j * p + k]
        if a != 0.0:
            for t in range(T):
                H[k * T + t] += <floating>(a * dw[t])


cdef void _gram_products(const floating *G, const floating *W, floating *H,
                         Py_ssize_t p, Py_ssize_t T) noexcept nogil:
    """H = G W from scratch, over the nonzero blocks."""
    cdef Py_ssize_t j
    for j in range(p * T):
        H[j] = 0.0
    for j in range(p):
        if not _all_zero(&W[j * T], T):
            _gram_apply(G, H, p, T, j, &W[j * T])


# --------------------------------------------------------------------------
# one interface over both: gradient, update, refresh
# --------------------------------------------------------------------------

cdef inline void _gradient(const Problem *P, const floating *state,
                           Py_ssize_t j, double *g) noexcept nogil:
    """g = xc_j^T S R_true, the partial gradient of block j."""
    cdef const floating *Q = <const floating *>P.Q
    cdef Py_ssize_t t, T = P.T
    if P.gram:
        for t in range(T):
            g[t] = Q[j * T + t] - state[j * T + t]
    else:
        _naive_gradient(P, state, j, g)


cdef inline void _apply(Problem *P, floating *state, Py_ssize_t j,
                        const floating *dw) noexcept nogil:
    """The state after block j changed by dw."""
    if P.gram:
        _gram_apply(<const floating *>P.G, state, P.p, P.T, j, dw)
    else:
        _naive_apply(P, state, j, dw)


cdef inline void _refresh(Problem *P, const floating *W,
                          floating *state) noexcept nogil:
    """The state from scratch."""
    if P.gram:
        _gram_products(<const floating *>P.G, W, state, P.p, P.T)
    else:
        _naive_residual(P, W, state)


# --------------------------------------------------------------------------
# the duality gap
# --------------------------------------------------------------------------

cdef double _gap_from(double r_norm2, double r_dot_y, double pen_l1,
                      double w_norm2, double dual_norm, double l1,
                      double l2) noexcept nogil:
    """Duality gap of the n-scaled problem from its pieces: the dual point
    is R scaled into the dual ball max_j ||xc_j^T S R - l2 f_j W_j|| / f_j
    <= l1 (scikit-learn's construction for the elastic net)."""
    cdef double const = 1.0, a_norm2 = r_norm2, gap
    if dual_norm > l1:
        const = l1 / dual_norm
        a_norm2 = r_norm2 * const * const
    gap = (0.5 * (r_norm2 + a_norm2) + l1 * pen_l1 - const * r_dot_y
           + 0.5 * l2 * (1.0 + const * const) * w_norm2)
    # The gap is >= 0; the sum of its pieces can round to a tiny negative
    # number near the optimum (-2e-16 seen at W = 0 side by side with
    # ||R||^2 = R.Y). NaN passes through (it fails the comparison).
    return 0.0 if gap < 0.0 else gap


cdef double _penalty_parts(const floating *W, const floating *pf,
                           Py_ssize_t p, Py_ssize_t T,
                           double *w_norm2) noexcept nogil:
    """sum_j f_j ||W_j|| (returned) and sum_j f_j ||W_j||^2."""
    cdef Py_ssize_t j, t
    cdef double nrm, total = 0.0
    w_norm2[0] = 0.0
    for j in range(p):
        nrm = 0.0
        for t in range(T):
            nrm += W[j * T + t] * W[j * T + t]
        w_norm2[0] += pf[j] * nrm
        total += pf[j] * sqrt(nrm)
    return total


cdef inline double _dual_violation(const double *g, const floating *w,
                                   Py_ssize_t T, double l2f,
                                   double f) noexcept nogil:
    cdef Py_ssize_t t
    cdef double a, nrm = 0.0
    for t in range(T):
        a = g[t] - l2f * w[t]
        nrm += a * a
    return sqrt(nrm) / f


cdef void _residual_norms(const Problem *P, const floating *W,
                          const floating *state, double *r_norm2,
                          double *r_dot_y) noexcept nogil:
    """||R_true||_S^2 and <R_true, Yc>_S from a fresh state."""
    cdef const floating *Q = <const floating *>P.Q
    cdef const floating *Y = <const floating *>P.Y
    cdef const floating *sw = <const floating *>P.sw
    cdef Py_ssize_t i, j, t, T = P.T
    cdef double a = 0.0, d = 0.0
    if P.gram:   # from W^T Q and W^T G W
        for j in range(P.p):
            for t in range(T):
                a += W[j * T + t] * Q[j * T + t]
                d += W[j * T + t] * state[j * T + t]
        r_dot_y[0] = P.yy - a
        r_norm2[0] = P.yy - 2.0 * a + d
        if r_norm2[0] < 0.0:
            r_norm2[0] = 0.0
        return
    r_norm2[0] = 0.0
    r_dot_y[0] = 0.0
    for i in range(P.n):
        for t in range(T):
            a = state[i * T + t] + P.shift[t]
            r_norm2[0] += sw[i] * a * a
            r_dot_y[0] += sw[i] * a * Y[i * T + t]


cdef double _certify(Problem *P, const floating *W, floating *state,
                     const floating *pf, double l1, double l2,
                     double *g) noexcept nogil:
    """The duality gap at W, the state refreshed from scratch first."""
    cdef Py_ssize_t j
    cdef double r_norm2, r_dot_y, pen, w_norm2, d, dual_norm = 0.0
    _refresh(P, W, state)
    _residual_norms(P, W, state, &r_norm2, &r_dot_y)
    for j in range(P.p):
        _gradient(P, state, j, g)
        d = _dual_violation(g, &W[j * P.T], P.T, l2 * pf[j], pf[j])
        if d > dual_norm:
            dual_norm = d
    pen = _penalty_parts(W, pf, P.p, P.T, &w_norm2)
    return _gap_from(r_norm2, r_dot_y, pen, w_norm2, dual_norm, l1, l2)


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------

cdef inline int _next_feature(const int *order, Py_ssize_t count, Py_ssize_t k,
                              bint random, unsigned int *state) noexcept nogil:
    if random:
        return order[_xorshift(state) % <unsigned int>count]
    return order[k]


cdef Sweep _sweep(Problem *P, floating *W, floating *state, floating *dw,
                  double *g, const floating *pf, double l1, double l2,
                  const int *order, Py_ssize_t count, bint random,
                  unsigned int *rng) noexcept nogil:
    """One pass of block updates over ``count`` features of ``order``."""
    cdef Sweep S
    cdef Py_ssize_t k, j, T = P.T
    cdef double d
    S.w_max = 0.0
    S.dw_max = 0.0
    for k in range(count):
        j = _next_feature(order, count, k, random, rng)
        _gradient(P, state, j, g)
        d = _block_update(&W[j * T], dw, g, T, P.h[j], l1 * pf[j], l2 * pf[j])
        if d > 0.0:
            _apply(P, state, j, dw)
        if d > S.dw_max:
            S.dw_max = d
        d = _row_max(&W[j * T], T)
        if d > S.w_max:
            S.w_max = d
    return S


cdef Py_ssize_t _nonzero_blocks(const floating *W, Py_ssize_t p, Py_ssize_t T,
                                int *active) noexcept nogil:
    cdef Py_ssize_t j, n_active = 0
    for j in range(p):
        if not _all_zero(&W[j * T], T):
            active[n_active] = <int>j
            n_active += 1
    return n_active


def multitask_cd(const floating[::1, :] X, const floating[::1] data,
                 const int[::1] indices, const int[::1] indptr, bint sparse,
                 const floating[::1] x_mean, const floating[::1] sw,
                 const floating[:, ::1] Y, const floating[:, ::1] G,
                 const floating[:, ::1] Q, double yy, floating[:, ::1] W,
                 const floating[::1] pf, double l1, double l2, double tol,
                 int max_iter, bint random, unsigned int seed):
    """Solve the multi-task elastic net in place of ``W`` (n_features,
    n_tasks), warm-started at its content.

    Naive updates when ``G`` is empty (0, 0): ``X`` dense (Fortran) or,
    with ``sparse``, CSC ``data/indices/indptr`` (``X`` then (0, 0)),
    ``x_mean`` the centring (zeros without intercept), ``sw`` the weights,
    ``Y`` (n, T) the centred targets. Covariance updates otherwise: ``G`` =
    Xc^T S Xc, ``Q`` = Xc^T S Yc, ``yy`` = ||Yc||_S^2 (``X``, ``data``,
    ``Y`` unused). Penalties ``l1``, ``l2`` (n-scaled), factors ``pf`` > 0,
    ``tol`` absolute. Returns ``(gap, passes)``; ``passes == max_iter``
    with ``gap > tol`` means not converged.
    """
    dtype = np.float64 if floating is double else np.float32
    cdef bint gram = G.shape[0] > 0
    cdef Py_ssize_t p = W.shape[0], T = W.shape[1]
    cdef Py_ssize_t n = 0 if gram else Y.shape[0]
    # the running state: R (n, T) for naive updates, H = G W (p, T) otherwise
    cdef floating[:, ::1] state = np.zeros((p if gram else max(n, 1), T), dtype=dtype)
    cdef double[::1] gbuf = np.zeros(T), shift = np.zeros(T), r_sum = np.zeros(T)
    cdef double[::1] sx = np.zeros(p), hh = np.zeros(p)
    cdef int[::1] order = np.arange(p, dtype=np.intc), active = np.zeros(p, dtype=np.intc)
    cdef floating[::1] dw = np.zeros(T, dtype=dtype)
    cdef floating[::1] buf_n = np.zeros(max(n, 1), dtype=dtype)
    cdef floating[::1] buf_t = np.zeros(T, dtype=dtype)
    cdef Problem P
    cdef Interrupt I
    cdef Py_ssize_t j, n_active, count
    cdef int passes = 0
    cdef bint full = True
    cdef double gap = INFINITY, dw_tol = DW_TOL_START
    cdef Sweep S
    cdef unsigned int rng = seed if seed != 0 else 1
    if p == 0 or T == 0:
        return 0.0, 0
    P.n, P.p, P.T, P.gram, P.sparse, P.yy = n, p, T, gram, sparse, yy
    P.shift, P.r_sum, P.sx, P.h = &shift[0], &r_sum[0], &sx[0], &hh[0]
    P.buf_n, P.buf_t = &buf_n[0], &buf_t[0]
    P.sw = &sw[0] if sw.shape[0] else NULL
    P.xm = &x_mean[0] if x_mean.shape[0] else NULL
    P.Y = &Y[0, 0] if Y.shape[0] * Y.shape[1] > 0 else NULL
    P.G = &G[0, 0] if gram else NULL
    P.Q = &Q[0, 0] if Q.shape[0] * Q.shape[1] > 0 else NULL
    P.xv = NULL
    P.rows = NULL
    P.indptr = NULL
    if sparse and not gram:
        P.xv = &data[0] if data.shape[0] else NULL
        P.rows = &indices[0] if indices.shape[0] else NULL
        P.indptr = &indptr[0]
    elif not gram and X.shape[0] * X.shape[1] > 0:
        P.xv = &X[0, 0]
    with nogil:
        _interrupt_init(&I, _MAIN_THREAD)
        if gram:
            for j in range(p):
                hh[j] = G[j, j]
        else:
            _column_statistics(&P, <const floating *>P.xv)
        _refresh(&P, &W[0, 0], &state[0, 0])
        n_active = p
        while passes < max_iter:
            # one pass over the features (full) or over the active set
            count = p if full else n_active
            S = _sweep(&P, &W[0, 0], &state[0, 0], &dw[0], &gbuf[0], &pf[0], l1, l2,
                       &order[0] if full else &active[0], count, random, &rng)
            passes += 1
            if _interrupted(&I, count * T * (p if gram else n)):
                break
            if full:
                n_active = _nonzero_blocks(&W[0, 0], p, T, &active[0])
            if passes < max_iter and S.w_max > 0.0 and S.dw_max > dw_tol * S.w_max:
                # still moving: cycle on the active set (a full pass when it
                # is empty)
                full = n_active == 0
                continue
            if not full and passes < max_iter:
                full = True   # converged on the active set: check all features
                continue
            # converged over all features: the duality gap certifies
            gap = _certify(&P, &W[0, 0], &state[0, 0], &pf[0], l1, l2, &gbuf[0])
            if gap <= tol:
                break
            dw_tol *= 0.1
            full = n_active == 0
            if _interrupted(&I, <double>p * T * (p if gram else n)):
                break
    if I.hit:
        _raise_pending()
    return gap, passes
