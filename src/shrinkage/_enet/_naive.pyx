"""Coordinate descent for the elastic net with naive (residual) updates.

Solves, in scikit-learn's "n-scaled" form (the objective of docs/design.md
multiplied by n, with sample weights s summing to n):

    min_w  0.5 * sum_i s_i (yc_i - xc_i.w)^2
           + l1 * sum_j f_j |w_j| + 0.5 * l2 * sum_j f_j w_j^2

where ``xc = x - x_mean`` and ``yc = y - y_mean`` are centred implicitly (the
caller passes ``x_mean`` = 0 without an intercept), on dense column-major or
CSC data. ``X`` is never copied or modified here. The residual ``r = yc -
Xc w`` is kept, O(n) per coordinate (Friedman, Hastie & Tibshirani 2010,
"Regularization paths for generalized linear models via coordinate
descent", J. Stat. Softw. 33(1), section 2.2); the per-column operations
are in _naive_ops.pxd.

The driver cycles over the active set between full passes (glmnet's
strategy, section 2.6), extrapolating every few cyclic passes (Anderson
acceleration: Bertrand & Massias 2021, _extrapolate.pyx), takes Newton steps
on the support once its signs hold (Osborne, Presnell & Turlach 2000,
_newton.pyx, with the Gram entries of an :class:`ActiveGram`), stops on the
duality gap (_gap.pyx) and applies gap-safe screening (_naive_sets.pyx,
with the bookkeeping of the active set).

Kernels hold no policy: tolerances arrive already scaled, the method is
chosen by the caller (shrinkage._solvers), and the tuning constants are in
_policy.pxd.
"""

import threading

import numpy as np

from cython cimport floating
from libc.math cimport INFINITY, NAN, fabs, isfinite
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport dgemv

from shrinkage._kernels cimport (
    shr_centered_dot,
    shr_centered_dot_f32,
    shr_centered_sq_norm,
    shr_column_moments,
    shr_column_moments_f32,
    shr_dot_f32,
    shr_enet_coordinate,
    shr_weighted_sum,
)
from shrinkage._enet._columns cimport _flag_offsets
from shrinkage._enet._extrapolate cimport (
    Anderson,
    _anderson_attach,
    _anderson_doubles,
    _anderson_store,
    _penalty_change,
)
from shrinkage._enet._gap cimport (
    FreeProjection,
    GapTerms,
    _duality_gap,
    _free_act,
    _free_attach,
    _free_count,
    _free_solve,
)
from shrinkage._enet._gram cimport ActiveGram
from shrinkage._enet._interrupt cimport (
    Interrupt,
    _interrupt_init,
    _interrupted,
    _raise_pending,
)
from shrinkage._enet._naive_ops cimport (
    NaiveProblem,
    _add_column,
    _column_cost,
    _columns_gram,
    _gradient,
    _naive_step,
    _set_problem,
)
from shrinkage._enet._naive_sets cimport (
    _drop_idle,
    _drop_resting,
    _filter_active,
    _gap_safe_screen,
    _grow_active_set,
)
from shrinkage._enet._newton cimport (
    Newton,
    SupportFactor,
    _factor_sync,
    _newton_free,
    _newton_moves,
    _newton_path,
    _newton_reserve,
    _newton_taken,
)
from shrinkage._enet._policy cimport (
    ACCEPT_DECREASE,
    ANDERSON_K,
    CYCLE_GAP_COST,
    CYCLE_MIN_PASSES,
    DW_TOL_START,
    NEWTON_MAX_TRIES,
    NEWTON_STABLE,
    _affordable_kinks,
    _factor_sync_cost,
    _newton_budget,
    _passes_left,
)
from shrinkage._enet._util cimport _all_zero, _dot, _xorshift


# Python runs signal handlers in the main thread only: solves in other
# threads never poll (_interrupt.pxd). Read once at import.
cdef unsigned long _MAIN_THREAD = threading.main_thread().ident


cdef void _naive_residual(NaiveProblem *P) noexcept nogil:
    """The residual from scratch (removes drift of the running updates)."""
    cdef Py_ssize_t j
    memcpy(P.r, P.yc, P.n * sizeof(double))
    P.shift = 0.0
    for j in range(P.p):
        if P.w[j] != 0.0:
            _add_column(P, j, -P.w[j])


cdef inline Py_ssize_t _count_flags(const unsigned char *flags, Py_ssize_t p) noexcept nogil:
    cdef Py_ssize_t j, k = 0
    for j in range(p):
        k += flags[j] != 0
    return k


cdef inline double _column_correlation(NaiveProblem *P, Py_ssize_t j,
                                       const double *v, double total) noexcept nogil:
    """xc_j^T v for a dense column in either precision (``total`` = sum v):
    by the centred dot when the column has an offset, which the product's
    correction x_j^T v - m_j total would lose to cancellation."""
    if P.single:
        if P.offset[j]:
            return shr_centered_dot_f32(P.n, P.X32 + j * P.n, P.x_mean[j], NULL, v)
        return shr_dot_f32(P.n, P.X32 + j * P.n, v) - P.x_mean[j] * total
    if P.offset[j]:
        return shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], NULL, v)
    return _dot(P.n, P.X + j * P.n, v) - P.x_mean[j] * total


cdef double _naive_correlations(NaiveProblem *P, double *c, double *tmp,
                               const int *idx, Py_ssize_t count) noexcept nogil:
    """c_j = xc_j^T S (yc - Xc w) for the features in ``idx``; returns
    ry = yc^T S (yc - Xc w).

    Dense float64 with most columns free of offsets: one matrix-vector
    product when ``idx`` covers most features. Otherwise column by column,
    each read once (float32 has no BLAS product with a float64 vector, and
    the product would read the offset columns twice), every feature when
    ``idx`` covers most, as the product fills them all. ``tmp`` (n) is
    scratch, needed with weights or CSC data.
    """
    cdef int n_ = <int>P.n, p_ = <int>P.p, one = 1
    cdef double alpha = 1.0, beta = 0.0, total, acc
    cdef const double *v = P.r
    cdef Py_ssize_t i, j, t, k
    cdef bint every
    cdef char trans = b'T'
    if P.sparse or P.sw != NULL:
        for i in range(P.n):
            tmp[i] = (P.r[i] + P.shift) * (P.sw[i] if P.sw != NULL else 1.0)
        v = tmp
    # sum_i s_i r_i is zero up to rounding; subtract it for exact centring.
    total = shr_weighted_sum(P.n, v, NULL)
    every = 2 * count >= P.p
    if P.sparse:
        for t in range(count):
            j = idx[t]
            acc = 0.0
            if P.single:
                for k in range(P.indptr[j], P.indptr[j + 1]):
                    acc += P.data32[k] * v[P.indices[k]]
            else:
                for k in range(P.indptr[j], P.indptr[j + 1]):
                    acc += P.data[k] * v[P.indices[k]]
            c[j] = acc - P.x_mean[j] * total
    elif not P.single and every and 2 * _count_flags(P.offset, P.p) <= P.p:
        dgemv(&trans, &n_, &p_, &alpha, <double *>P.X, &n_, <double *>v, &one,
              &beta, c, &one)
        for j in range(P.p):
            if P.offset[j]:
                c[j] = shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], NULL, v)
            elif total != 0.0:
                c[j] -= P.x_mean[j] * total
    else:
        for t in range(P.p if every else count):
            j = t if every else idx[t]
            c[j] = _column_correlation(P, j, v, total)
    return _dot(P.n, v, P.yc)


cdef struct Workspace:
    int *work             # candidates not screened out
    int *active           # features cycled between checks
    unsigned char *in_active
    double *tmp           # n scratch
    double *u             # n scratch: projected residual
    Anderson acc
    FreeProjection fp
    Newton nw
    Interrupt intr


cdef GapTerms _naive_gap(NaiveProblem *P, Workspace *W, double *c,
                         Py_ssize_t n_work) noexcept nogil:
    """Correlations of the working set and the duality gap at the current
    (freshly recomputed) residual ``r``.

    With unpenalised features, the dual point is built from ``u = r - X~_F
    beta``, the residual made orthogonal to their columns (weighted least
    squares on them), so that their dual constraints hold exactly; ``c``
    then holds the correlations with ``u``. Under ``positive`` a free
    feature at zero whose correlation is negative needs no projection (its
    constraint is an inequality); one is added when the projection makes
    its correlation positive."""
    cdef FreeProjection *F = &W.fp
    cdef Py_ssize_t a, b, t, n_act = 0
    cdef int j
    cdef double ry, cj, free_term, shift_saved = P.shift
    cdef double *r_saved = P.r
    cdef bint grown
    cdef GapTerms G
    if F.n_free == 0:
        ry = _naive_correlations(P, c, W.tmp, W.work, n_work)
        return _duality_gap(P.p, P.w, c, P.pf, P.h, W.work, n_work, P.l1,
                            P.l2, P.positive, ry)
    for t in range(F.n_free):
        j = F.free[t]
        if P.h[j] <= 0.0:
            continue  # a constant column: its constraint holds for any theta
        cj = _gradient(P, j)
        if not P.positive or P.w[j] > 0.0 or cj > 0.0:
            F.act[n_act] = j
            F.cf[n_act] = cj
            n_act += 1
    while True:
        _columns_gram(P, F.act, n_act, F.M, W.u)  # the projected columns' Gram block
        if n_act and _free_solve(F, n_act) != 0:
            ry = _naive_correlations(P, c, W.tmp, W.work, n_work)
            G = _duality_gap(P.p, P.w, c, P.pf, P.h, W.work, n_work, P.l1,
                             P.l2, P.positive, ry)
            G.gap = INFINITY
            return G
        # u = r - X~_act beta, and the correlations with u.
        memcpy(W.u, r_saved, P.n * sizeof(double))
        P.r = W.u
        for b in range(n_act):
            _add_column(P, F.act[b], -F.beta[b])
        ry = _naive_correlations(P, c, W.tmp, W.work, n_work)
        grown = False
        if P.positive:
            for t in range(F.n_free):
                j = F.free[t]
                if c[j] > 0.0 and not _free_act(F, n_act, j):
                    P.r = r_saved
                    P.shift = shift_saved
                    F.act[n_act] = j
                    F.cf[n_act] = _gradient(P, j)
                    n_act += 1
                    grown = True
        if not grown:
            break
    P.r = r_saved
    P.shift = shift_saved
    # 0.5 (|r|^2 - |u|^2) = 0.5 beta . X~_act^T S r
    free_term = 0.0
    for b in range(n_act):
        free_term += 0.5 * F.beta[b] * F.cf[b]
    return _duality_gap(P.p, P.w, c, P.pf, P.h, W.work, n_work, P.l1, P.l2,
                        P.positive, ry, free_term if free_term > 0.0 else 0.0)


cdef void _naive_extrapolate(NaiveProblem *P, Anderson *A, const int *active,
                             Py_ssize_t n_active) noexcept nogil:
    """Record the iterate after a pass of the active-set cycling and, every
    K + 1 passes, move to the Anderson extrapolation when it lowers the
    objective (it may not: the step is a guess, the objective decides)."""
    cdef Py_ssize_t i, t
    cdef double change, lo, hi, si, shift_acc, acc = 0.0, rr = 0.0, penalty
    if not _anderson_store(A, P.w, active, n_active, P.r, P.shift):
        return
    change = _penalty_change(P.w, A.w_acc, active, n_active, P.pf, P.l1,
                             P.l2, P.positive, &penalty)
    if change == INFINITY:
        return
    # 0.5 (|r'|^2 - |r|^2) = 0.5 (r' - r).(r' + r) on the centred residuals
    # (r + shift): no cancellation between two nearly equal norms.
    shift_acc = A.hist_shift[ANDERSON_K]
    for i in range(P.n):
        si = P.sw[i] if P.sw != NULL else 1.0
        lo = (A.v_acc[i] + shift_acc) - (P.r[i] + P.shift)
        hi = (A.v_acc[i] + shift_acc) + (P.r[i] + P.shift)
        acc += lo * hi * si
        rr += (P.r[i] + P.shift) * (P.r[i] + P.shift) * si
    change += 0.5 * acc
    if change < -ACCEPT_DECREASE * (0.5 * rr + penalty):
        for t in range(n_active):
            P.w[active[t]] = A.w_acc[t]
        memcpy(P.r, A.v_acc, P.n * sizeof(double))
        P.shift = shift_acc


cdef bint _worth_extrapolating(NaiveProblem *P, const int *active,
                               Py_ssize_t n_active) noexcept nogil:
    """Recording an iterate copies the n-vector residual: worth it when a
    pass over the active set reads more than that (always for dense data;
    for CSC when the active columns hold more than n nonzeros)."""
    cdef Py_ssize_t t, j, nnz = 0
    if not P.sparse:
        return n_active > 1
    for t in range(n_active):
        j = active[t]
        nnz += P.indptr[j + 1] - P.indptr[j]
    return n_active > 1 and nnz > P.n


cdef bint _naive_newton(NaiveProblem *P, Newton *N, ActiveGram AG,
                        SupportFactor F, const int *active,
                        Py_ssize_t n_active, double budget) noexcept nogil:
    """A Newton step on the support of the active set (see "Newton steps on
    a fixed sign pattern"), when its estimated cost is at most ``budget``
    cyclic passes; True when taken."""
    cdef Py_ssize_t a, t, j, ns = 0, shared = 0, i, m, missing
    cdef double pass_flops = 0.0, support_flops = 0.0, gram_flops = 0.0
    cdef double f, wo, wn, cost
    cdef double change = 0.0, penalty = 0.0, shift0 = P.shift, shift1
    cdef double acc = 0.0, rr = 0.0, lo, hi, si, dlt
    cdef double *r_saved = P.r
    N.too_costly = False
    if not _newton_reserve(N, n_active):
        return False
    for t in range(n_active):
        j = active[t]
        pass_flops += 2.0 * _column_cost(P, j)
        if P.w[j] != 0.0:
            N.S[ns] = <int>j
            support_flops += _column_cost(P, j)
            if F.where[j] >= 0 and F.l2 == P.l2:
                shared += 1
            ns += 1
    if ns == 0:
        return False
    # Factor updates (or one blocked factorisation) and solves, the gradient
    # and the residual update, in flops at a pass's rate; in the first solve
    # on the design also the Gram entries of features new to AG (a product
    # with each feature held). A single solve from zero pays for the whole
    # support at once, about ns passes, which cyclic passes over the support
    # rarely need; along a path (or over targets) features enter a few at a
    # time and their entries serve every later solve, so they go uncharged.
    if AG.passes_before == 0:
        missing = AG.missing(N.S, ns)
        for t in range(ns):
            j = N.S[t]
            if AG.slot[j] < 0:
                gram_flops += 2.0 * _column_cost(P, j) * (AG.size + missing)
    cost = (_factor_sync_cost(ns, shared, F.size)
            + 2.0 * ns * ns + 2.0 * support_flops + gram_flops) / pass_flops
    if cost > budget:
        N.too_costly = True
        return False
    if not AG.ensure(P, N.S, ns):
        return False
    if not _factor_sync(F, N.S, ns, AG.G, AG.cap, AG.slot, AG.slot, P.pf, P.l2):
        return False
    for t in range(ns):
        j = F.order[t]
        N.S[t] = <int>j
        N.ws[t] = P.w[j]
        N.cs[t] = _gradient(P, j)
    if not _newton_path(N, F, AG.G, AG.cap, AG.slot, AG.slot, P.pf, P.l1,
                        P.l2, P.positive,
                        _affordable_kinks(budget, cost, pass_flops, ns)):
        return False
    m = _newton_moves(N, F.size)
    # the candidate's residual, and the objective change
    memcpy(N.rtmp, P.r, P.n * sizeof(double))
    P.r = N.rtmp
    for a in range(m):
        j = N.S[a]
        wo = N.ws[a]
        wn = N.x[a]
        dlt = wn - wo
        if dlt != 0.0:
            _add_column(P, j, -dlt)
        f = P.pf[j]
        penalty += f * (P.l1 * fabs(wo) + 0.5 * P.l2 * wo * wo)
        change += f * (P.l1 * (fabs(wn) - fabs(wo)) + 0.5 * P.l2 * (wn * wn - wo * wo))
    shift1 = P.shift
    P.r = r_saved
    P.shift = shift0
    for i in range(P.n):
        si = P.sw[i] if P.sw != NULL else 1.0
        lo = (N.rtmp[i] + shift1) - (P.r[i] + shift0)
        hi = (N.rtmp[i] + shift1) + (P.r[i] + shift0)
        acc += lo * hi * si
        rr += (P.r[i] + shift0) * (P.r[i] + shift0) * si
    change += 0.5 * acc
    if not change < -ACCEPT_DECREASE * (0.5 * rr + penalty):
        return False
    for a in range(m):
        P.w[N.S[a]] = N.x[a]
    memcpy(P.r, N.rtmp, P.n * sizeof(double))
    P.shift = shift1
    return True


cdef Py_ssize_t _cycle(
    NaiveProblem *P, Workspace *W, ActiveGram AG, SupportFactor F,
    Py_ssize_t n_active, Py_ssize_t n_work, int *n_iter, int max_iter,
    bint random, unsigned int *state, double dw_tol, double rel_tol,
) noexcept nogil:
    """One round of _naive_solve: passes over the active set until it
    settles (or max_iter, an interrupt, or the non-settling cap), with
    Anderson extrapolation of the cyclic passes and Newton steps on the
    support. Counts passes in ``n_iter``; returns the active set's size."""
    cdef Py_ssize_t n_kept, flips
    cdef double max_dw, max_w, budget, left
    cdef double ratio[4]
    cdef bint accelerate, settled, armed = True
    cdef int tries = 0, stable = 0, pass_in_cycle = 0
    W.acc.count = 0
    accelerate = W.acc.enabled and _worth_extrapolating(P, W.active, n_active)
    while n_iter[0] < max_iter and n_active > 0:
        max_dw = _naive_pass(P, W.active, n_active, random, state, &max_w,
                             &flips)
        n_iter[0] += 1
        if _interrupted(&W.intr, <double>P.n * n_active):
            break
        settled = max_w == 0.0 or max_dw <= dw_tol * max_w
        ratio[pass_in_cycle % 4] = max_dw / max_w if max_w > 0.0 else 0.0
        pass_in_cycle += 1
        n_kept = _drop_resting(P, W.active, n_active, W.in_active)
        if n_kept < n_active:
            n_active = n_kept
            W.acc.count = 0
        stable = stable + 1 if flips == 0 else 0
        armed = armed or flips > 0
        # With the signs steady, jump to the minimiser on the support (see
        # "Newton steps on a fixed sign pattern").
        if (W.nw.enabled and armed and tries < NEWTON_MAX_TRIES
                and n_iter[0] < max_iter  # a step counts as a pass
                and flips == 0 and (settled or stable >= NEWTON_STABLE)):
            tries += 1
            stable = 0
            budget = _newton_budget(AG.passes_before, n_iter[0])
            if pass_in_cycle >= 4:
                left = _passes_left(ratio, pass_in_cycle,
                                    dw_tol if dw_tol < rel_tol else rel_tol)
                budget = left if left > budget else budget
            armed = _naive_newton(P, &W.nw, AG, F, W.active, n_active, budget)
            if _newton_taken(&W.nw, &armed, &tries, n_iter):
                W.acc.count = 0
                continue
        if settled:
            break
        if (pass_in_cycle >= CYCLE_MIN_PASSES and
                pass_in_cycle * n_active >= CYCLE_GAP_COST * n_work):
            break  # not settling: look at the gap (see _policy.pxd)
        if accelerate:
            _naive_extrapolate(P, &W.acc, W.active, n_active)
    return n_active


cdef (double, int) _naive_solve(
    NaiveProblem *P, Workspace *W, const int *candidates, Py_ssize_t n_cand,
    double *correlations, double tol, int max_iter, bint random,
    unsigned int seed, bint screen, int stats, ActiveGram AG,
    SupportFactor F,
) noexcept nogil:
    """The driver shared by dense and CSC data: glmnet's active-set cycling
    (Friedman et al. 2010, section 2.6) with the duality gap as certificate,
    gap-safe screening and Newton steps on the support (when ``AG`` holds
    Gram entries for them); see the module docstring. Unlike glmnet's
    ever-active set, the active set sheds coefficients that rest at zero
    (two passes in a row within a cycle, or satisfy their KKT condition at
    a gap check): on a correlated design the first pass from zero touches
    several times the final support, and every later pass would visit it."""
    cdef Py_ssize_t p = P.p, n_work, n_active = 0, n_grown, flips
    cdef int n_iter = 0, round_start
    cdef double max_w, dw_tol = DW_TOL_START, yy, rel_tol
    cdef GapTerms G
    cdef unsigned int state = seed if seed != 0 else 2463534242u
    cdef bint gap_current = True

    memcpy(W.work, candidates, n_cand * sizeof(int))
    n_work = n_cand
    # the tolerance relative to |y|^2: about the relative change per pass
    # the last cycle must reach (for the Newton steps' budget)
    yy = shr_centered_sq_norm(P.n, P.yc, 0.0, P.sw)
    rel_tol = tol / yy if yy > 0.0 else 0.0
    _naive_residual(P)
    if not _all_zero(P.w, p):
        # Certificate first: a warm start at the solution costs no pass.
        G = _naive_gap(P, W, correlations, n_work)
        n_active = _grow_active_set(P, W.work, n_work, correlations,
                                    W.active, W.in_active)
    else:
        # From zero, one full pass builds the first active set (its dot
        # products are the correlations the certificate would need).
        G.gap = INFINITY  # (tol + 1.0 == tol once tol >= 2^53: |y| ~ 1e9)
        G.dual_norm = 0.0
        gap_current = False
        if stats and not _first_pass_with_stats(P, stats == 1):
            # A column statistic is not finite (NaN or inf in X, or norms
            # beyond float64): no solve. The caller checks X (the fits skip
            # their own scan of X for this pass) or rescales it.
            G.gap = NAN
            gap_current = True
        elif not stats:
            _naive_pass(P, W.work, n_work, random, &state, &max_w, &flips)
        n_iter += 1
        n_active = _grow_active_set(P, W.work, n_work, NULL, W.active,
                                    W.in_active)
        _interrupted(&W.intr, <double>P.n * n_work)
    while G.gap > tol and n_iter < max_iter and not W.intr.hit:
        # Cycle over the active set until it settles ...
        round_start = n_iter
        n_active = _cycle(P, W, AG, F, n_active, n_work, &n_iter, max_iter,
                          random, &state, dw_tol, rel_tol)
        # ... then one product X^T r over the working set gives both the
        # duality gap and the KKT check of every feature left out.
        if W.intr.hit:
            break
        _naive_residual(P)
        G = _naive_gap(P, W, correlations, n_work)
        gap_current = True
        if G.gap <= tol:
            break
        if n_iter == round_start:
            # No pass ran (empty active set; the gap cannot fall, e.g. it
            # is inf from overflowing column norms): the evaluation, a pass
            # over the data, counts as one, so max_iter bounds every round.
            n_iter += 1
        if _interrupted(&W.intr, <double>P.n * n_work):
            break
        if screen and P.l1 > 0.0:
            # Restricting to unscreened features keeps the gap a valid
            # certificate: screened ones are zero at every solution.
            n_work = _gap_safe_screen(P, W.work, n_work, correlations, G,
                                      P.l1, P.l2, W.in_active)
            n_active = _filter_active(P, W.active, n_active, W.in_active)
        n_active = _drop_idle(P, W.active, n_active, correlations, W.in_active)
        n_grown = _grow_active_set(P, W.work, n_work, correlations,
                                   W.active + n_active, W.in_active)
        if n_grown == 0:
            # The support is right but not settled enough: tighten.
            dw_tol *= 0.1
        n_active += n_grown
    if not gap_current and not W.intr.hit:
        # Stopped by max_iter before any gap: compute it (the certificate
        # of the point returned, never a placeholder).
        _naive_residual(P)
        G = _naive_gap(P, W, correlations, n_work)
    if W.nw.enabled:
        AG.passes_before = n_iter
    return G.gap, n_iter


cdef tuple _run_naive(NaiveProblem *P, const double[::1] yc,
                      const double[::1] sw, double[::1] x_mean,
                      double[::1] sq_norms, const double[::1] penalty_factor,
                      double[::1] w, double[::1] residual,
                      double[::1] correlations, const int[::1] candidates,
                      double l1, double l2, bint positive, double tol,
                      int max_iter, bint random, unsigned int seed, bint screen,
                      int stats, ActiveGram active_gram):
    """Complete the problem (the fields shared by dense and CSC data),
    allocate the workspace, check the arguments, run the driver."""
    cdef Py_ssize_t n_cand = candidates.shape[0], j
    cdef Py_ssize_t lc = max(n_cand, 1), lp = max(P.p, 1), ln = max(P.n, 1)
    cdef Py_ssize_t n_free, m_free, n_doubles
    # scratch, one block of each type (a solve of a small problem costs a
    # few microseconds: NumPy allocations would dominate it)
    cdef int *ints = NULL             # work, active; the free projection's
    cdef double *doubles = NULL       # tmp, u, rtmp; Anderson; the free projection's
    cdef unsigned char *flags = NULL  # in_active, offset: p zeros each
    cdef SupportFactor factor
    cdef Workspace W
    cdef double gap
    cdef int n_iter
    if P.n == 0 or P.p == 0 or n_cand == 0:
        return 0.0, 0
    if active_gram is not None and (active_gram.n != P.n or active_gram.p != P.p):
        raise ValueError("active_gram was made for another design")
    _set_problem(P, yc, sw, x_mean, sq_norms, penalty_factor, w, residual, l1, l2,
                 positive)
    if max_iter < 1:
        raise ValueError("max_iter must be >= 1")
    if stats and (n_cand != P.p or random or P.sparse):
        raise ValueError("statistics in the first pass need dense data, every "
                         "feature as a candidate and cyclic order")
    if stats and not _all_zero(P.w, P.p):
        raise ValueError("statistics in the first pass need w = 0")
    memset(&W.nw, 0, sizeof(Newton))
    W.nw.enabled = active_gram is not None
    factor = active_gram.factor if W.nw.enabled else None
    n_free = _free_count(&candidates[0], n_cand, P.pf)
    m_free = max(n_free, 1)
    n_doubles = 3 * ln + _anderson_doubles(n_cand, P.n) + m_free * m_free + 2 * m_free
    try:
        ints = <int *>malloc((2 * lc + 2 * m_free) * sizeof(int))
        doubles = <double *>malloc(n_doubles * sizeof(double))
        flags = <unsigned char *>calloc(2 * lp, sizeof(unsigned char))
        if ints == NULL or doubles == NULL or flags == NULL:
            raise MemoryError()
        W.work = ints
        W.active = ints + lc
        W.in_active = flags
        P.offset = flags + lp
        W.tmp = doubles
        W.u = doubles + ln
        if W.nw.enabled:
            W.nw.rtmp = doubles + 2 * ln
        # Extrapolation follows the cyclic order's fixed-point map; random
        # order has none to extrapolate.
        _anderson_attach(&W.acc, doubles + 3 * ln, n_cand, P.n, not random)
        _free_attach(&W.fp, &candidates[0], n_cand, P.pf, n_free, ints + 2 * lc,
                     doubles + 3 * ln + _anderson_doubles(n_cand, P.n))
        P.total = shr_weighted_sum(P.n, P.sw, NULL) if P.sw != NULL else <double>P.n
        _interrupt_init(&W.intr, _MAIN_THREAD)
        with nogil:
            if not stats and not P.sparse:
                _flag_offsets(P.p, P.x_mean, P.h, P.total, P.offset)
            gap, n_iter = _naive_solve(P, &W, &candidates[0], n_cand,
                                       &correlations[0], tol, max_iter, random,
                                       seed, screen, stats, active_gram,
                                       factor)
    finally:
        _newton_free(&W.nw)
        free(ints)
        free(doubles)
        free(flags)
    if W.intr.hit:
        _raise_pending()
    return gap, n_iter


_NAIVE_DOC = """
    Parameters
    ----------
    yc : (n,) centred targets; sw : (n,) weights summing to n, or empty.
    x_mean, sq_norms : (p,) column statistics (:func:`column_stats`,
        :func:`csc_column_stats`), or output buffers when ``stats`` is 1/2.
    penalty_factor : (p,) f_j >= 0.
    w : (p,) in/out coefficients (warm start on entry).
    residual : (n,) out: dense, ``yc - Xc w``; CSC, ``yc - X w`` (add
        ``x_mean . w`` for the centred residual).
    correlations : (p,) out, ``Xc^T S (yc - Xc w)`` at the final point for
        the candidates not screened out; NaN for the screened ones (certified
        zero at the solution); other entries untouched. Stale when the solve
        stops at ``max_iter``.
    candidates : int32 features that may change; the others keep their value.
    l1, l2 : n-scaled penalties ``alpha * l1_ratio * n``, ``alpha * (1 - l1_ratio) * n``.
    tol : absolute gap tolerance (already multiplied by ``yc^T S yc``).
    max_iter : maximal number of passes (full or active-set; a Newton step,
        or the gap evaluation of a round that ran no pass, counts as one), >= 1.
    random, seed : random coordinate order (with replacement), RNG seed.
    screen : apply gap-safe screening after each gap evaluation.
    stats : dense only: 0 when ``x_mean``/``sq_norms`` are given; 1 (with
        intercept) or 2 (without) to compute them in the first pass, which
        reads each column once. Requires w = 0, every feature a candidate
        and cyclic order.
    active_gram : :class:`ActiveGram` for this design (n, p), or None.
        Enables Newton steps on the support; keep one across the solves of
        a path or the targets of a fit so its entries are reused.

    Returns
    -------
    gap : float, final duality gap (n-scaled), computed at the returned
        point; n_iter : int, passes done.

    Raises
    ------
    KeyboardInterrupt (or what a signal handler raises): a signal arrived
        during the solve, in the main thread (polled between passes); ``w``
        and ``residual`` then hold an intermediate point.
"""


def enet_naive(
    const floating[::1, :] X, const double[::1] yc, const double[::1] sw,
    double[::1] x_mean, double[::1] sq_norms,
    const double[::1] penalty_factor, double[::1] w, double[::1] residual,
    double[::1] correlations, const int[::1] candidates,
    double l1, double l2, bint positive, double tol, int max_iter,
    bint random, unsigned int seed, bint screen, int stats=0,
    ActiveGram active_gram=None,
):
    cdef NaiveProblem P
    P.n = X.shape[0]
    P.p = X.shape[1]
    if P.n == 0 or P.p == 0:
        return 0.0, 0
    P.sparse = False
    if floating is float:
        P.single = True
        P.X = NULL
        P.X32 = &X[0, 0]
    else:
        P.single = False
        P.X = &X[0, 0]
        P.X32 = NULL
    return _run_naive(&P, yc, sw, x_mean, sq_norms, penalty_factor, w,
                      residual, correlations, candidates, l1, l2, positive,
                      tol, max_iter, random, seed, screen, stats, active_gram)


enet_naive.__doc__ = ("Elastic-net coordinate descent with naive (residual) "
                      "updates on a dense column-major ``X`` (n, p).\n" + _NAIVE_DOC)


def enet_naive_csc(
    const floating[::1] data, const Py_ssize_t[::1] indices,
    const Py_ssize_t[::1] indptr, Py_ssize_t n_samples,
    const double[::1] yc, const double[::1] sw,
    double[::1] x_mean, double[::1] sq_norms,
    const double[::1] penalty_factor, double[::1] w, double[::1] residual,
    double[::1] correlations, const int[::1] candidates,
    double l1, double l2, bint positive, double tol, int max_iter,
    bint random, unsigned int seed, bint screen, ActiveGram active_gram=None,
):
    cdef NaiveProblem P
    P.n = n_samples
    P.p = indptr.shape[0] - 1
    if P.n == 0 or P.p <= 0:
        return 0.0, 0
    P.sparse = True
    P.X = NULL
    P.X32 = NULL
    if floating is float:
        P.single = True
        P.data = NULL
        P.data32 = &data[0] if data.shape[0] > 0 else NULL
    else:
        P.single = False
        P.data = &data[0] if data.shape[0] > 0 else NULL
        P.data32 = NULL
    P.indices = &indices[0] if indices.shape[0] > 0 else NULL
    P.indptr = &indptr[0]
    return _run_naive(&P, yc, sw, x_mean, sq_norms, penalty_factor, w,
                      residual, correlations, candidates, l1, l2, positive,
                      tol, max_iter, random, seed, screen, 0, active_gram)


enet_naive_csc.__doc__ = ("Elastic-net coordinate descent with naive updates "
                          "on CSC data (``data``, ``indices``, ``indptr``, "
                          "``n_samples``), centred implicitly.\n" + _NAIVE_DOC)


cdef bint _first_pass_with_stats(NaiveProblem *P, bint fit_intercept) noexcept nogil:
    """A cyclic pass from w = 0 that also computes every column's statistics.

    Each column is read once: its weighted mean, centred squared norm and
    correlation with the residual come from one sweep (shr_column_moments);
    the residual is centred, so that correlation is the centred gradient.
    Rounding in the norm only changes step sizes, not the fixed point.
    Returns False, with every column's statistics computed but no update
    made after the first column whose moments are not finite (NaN or inf
    in X, or sums beyond float64): its centred norm is left NaN or inf for
    the caller to see.
    """
    cdef Py_ssize_t j
    cdef const double *xj
    cdef const float *xj32
    cdef double mom[3]
    cdef double total, shift, d1, h, w_new, g
    cdef bint finite = True
    total = shr_weighted_sum(P.n, P.sw, NULL) if P.sw != NULL else <double>P.n
    for j in range(P.p):
        if P.single:
            xj32 = P.X32 + j * P.n
            shift = xj32[0] if fit_intercept else 0.0
            shr_column_moments_f32(P.n, xj32, P.sw, P.r, shift, mom)
        else:
            xj = P.X + j * P.n
            shift = xj[0] if fit_intercept else 0.0
            shr_column_moments(P.n, xj, P.sw, P.r, shift, mom)
        d1 = mom[0] / total if fit_intercept else 0.0
        P.x_mean[j] = shift + d1
        h = mom[1] - d1 * mom[0] if fit_intercept else mom[1]
        if not (isfinite(mom[0]) and isfinite(mom[1])):
            finite = False
            P.h[j] = NAN if isfinite(h) else h
            continue
        P.h[j] = h if h > 0.0 else 0.0
        P.offset[j] = P.x_mean[j] * P.x_mean[j] * total > P.h[j]
        if not finite or P.h[j] + P.l2 * P.pf[j] <= 0.0:
            continue
        # sum_i s_i (x_ij - shift) r_i is the centred gradient: sum_i s_i r_i = 0.
        w_new = shr_enet_coordinate(mom[2], P.l1 * P.pf[j],
                                    P.h[j] + P.l2 * P.pf[j], P.positive)
        if w_new != 0.0:
            _add_column(P, j, -w_new)
            P.w[j] = w_new
    return finite


cdef double _naive_pass(NaiveProblem *P, const int *idx, Py_ssize_t count,
                        bint random, unsigned int *state,
                        double *max_w, Py_ssize_t *flips) noexcept nogil:
    """One pass over ``idx``; returns the largest change, sets max |w_j|
    and counts in ``flips`` the coefficients whose sign (or zero) changed."""
    cdef Py_ssize_t t, j
    cdef double d, w_old, max_dw = 0.0, largest = 0.0
    flips[0] = 0
    for t in range(count):
        if random:
            j = idx[_xorshift(state) % count]
        else:
            j = idx[t]
        w_old = P.w[j]
        d = _naive_step(P, j)
        if d != 0.0 and ((P.w[j] > 0.0) != (w_old > 0.0) or (P.w[j] < 0.0) != (w_old < 0.0)):
            flips[0] += 1
        if d > max_dw:
            max_dw = d
        if fabs(P.w[j]) > largest:
            largest = fabs(P.w[j])
    max_w[0] = largest
    return max_dw
