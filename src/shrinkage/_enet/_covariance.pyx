"""Coordinate descent for the elastic net with covariance (Gram) updates.

The same problem as _naive.pyx, with the data given through Gram columns
(:class:`shrinkage._enet._gram.GramCache`), ``q = Xc^T S yc`` and ``yc^T S
yc``: the correlations ``c = Xc^T S r = q - G w`` are kept, O(1) per
coordinate and O(p) per change of a coefficient, independent of n
(glmnet's covariance mode: Friedman, Hastie & Tibshirani 2010,
"Regularization paths for generalized linear models via coordinate
descent", J. Stat. Softw. 33(1), section 2.2).

The driver cycles over the working set on its own Gram block
(:c:type:`ActiveBlock`), extrapolating every few passes (Bertrand & Massias
2021, _extrapolate.pyx), takes Newton steps on the support that also take
in KKT violators (the active-set method of Osborne, Presnell & Turlach
2000, _newton.pyx), and stops on the duality gap (_gap.pyx) from the
running correlations, refreshed from scratch before it certifies. Tuning
constants are in _policy.pxd; the objective is that of docs/design.md.
"""

import threading

import numpy as np

from libc.math cimport INFINITY, fabs
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcpy, memset

from shrinkage._kernels cimport shr_enet_coordinate
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
from shrinkage._enet._gram cimport GramCache
from shrinkage._enet._interrupt cimport (
    Interrupt,
    _interrupt_init,
    _interrupted,
    _raise_pending,
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
    DW_TOL_START,
    NEWTON_MAX_TRIES,
    NEWTON_ROUNDS,
    NEWTON_STABLE,
    REFRESH_MARGIN,
    _factor_sync_cost,
    _newton_budget,
    _passes_left,
)
from shrinkage._enet._util cimport (
    _axpy,
    _dot,
    _grow_doubles,
    _grow_ints,
    _xorshift,
    _zero_violates,
)


# Python runs signal handlers in the main thread only: solves in other
# threads never poll (_interrupt.pxd). Read once at import.
cdef unsigned long _MAIN_THREAD = threading.main_thread().ident


cdef struct GramProblem:
    Py_ssize_t p
    const double *q       # Xc^T S yc
    const double *h       # diag(G)
    const double *pf
    double *w
    double *c             # q - G w
    double yy             # yc^T S yc
    double l1
    double l2
    bint positive


cdef inline double _gram_step(GramProblem *P, GramCache cache,
                              Py_ssize_t j) except -1.0 nogil:
    cdef double f = P.pf[j]
    cdef double denom = P.h[j] + P.l2 * f
    cdef double w_old = P.w[j], w_new
    cdef double *col
    if denom <= 0.0:
        return 0.0
    w_new = shr_enet_coordinate(P.c[j] + P.h[j] * w_old, P.l1 * f, denom,
                                P.positive)
    if w_new != w_old:
        col = cache.column(j)
        _axpy(P.p, w_old - w_new, col, P.c)
        P.w[j] = w_new
        return fabs(w_new - w_old)
    return 0.0


cdef int _gram_refresh(GramProblem *P, GramCache cache) except -1 nogil:
    """c = q - G w from scratch (removes drift of the running updates)."""
    cdef Py_ssize_t j
    memcpy(P.c, P.q, P.p * sizeof(double))
    for j in range(P.p):
        if P.w[j] != 0.0:
            _axpy(P.p, -P.w[j], cache.column(j), P.c)
    return 0


cdef double _data_term(GramProblem *P) noexcept nogil:
    """0.5 |r|^2 = 0.5 (yy - q.w - c.w), from the Gram quantities."""
    cdef Py_ssize_t j
    cdef double acc = P.yy
    for j in range(P.p):
        if P.w[j] != 0.0:
            acc -= P.w[j] * (P.q[j] + P.c[j])
    return 0.5 * acc


cdef void _gram_extrapolate(GramProblem *P, Anderson *A, const int *active,
                            Py_ssize_t n_active) noexcept nogil:
    """:func:`_naive_extrapolate` for covariance updates: the correlations
    ``c = q - G w`` extrapolate with the coefficients, and with
    ``d = w' - w`` the change of the data term is ``-0.5 d.(c + c')``."""
    cdef Py_ssize_t t, j
    cdef double change, acc = 0.0, penalty
    if not _anderson_store(A, P.w, active, n_active, P.c, 0.0):
        return
    change = _penalty_change(P.w, A.w_acc, active, n_active, P.pf, P.l1,
                             P.l2, P.positive, &penalty)
    if change == INFINITY:
        return
    for t in range(n_active):
        j = active[t]
        acc += (A.w_acc[t] - P.w[j]) * (P.c[j] + A.v_acc[j])
    change -= 0.5 * acc
    # The data term 0.5 |r|^2 = 0.5 (yy - q.w - c.w) only sets the scale of
    # the threshold, so its cancellation does not matter here.
    if change < -ACCEPT_DECREASE * (fabs(_data_term(P)) + penalty):
        for t in range(n_active):
            P.w[active[t]] = A.w_acc[t]
        memcpy(P.c, A.v_acc, P.p * sizeof(double))


cdef GapTerms _gram_gap(GramProblem *P, GramCache cache, const int *cand,
                        Py_ssize_t n_cand, FreeProjection *F,
                        double *c2) noexcept nogil:
    """The duality gap at the current point from the Gram quantities, with
    unpenalised features projected out as in :func:`_naive_gap`: the
    correlations with ``u = r - X~_act beta`` are ``c - G[:, act] beta``
    (into ``c2``), and ``y.u = |u|^2 + w.c2`` with ``|u|^2 = |r|^2 -
    beta.c_act``, ``|r|^2 = y.r - w.c``."""
    cdef Py_ssize_t a, b, t, n_act = 0, p = P.p
    cdef int j
    cdef double ry = P.yy - _dot(p, P.q, P.w), rr, wc = 0.0, wc2 = 0.0
    cdef double free_term = 0.0
    cdef const double *col
    cdef bint grown
    cdef GapTerms G
    if F.n_free == 0:
        return _duality_gap(p, P.w, P.c, P.pf, P.h, cand, n_cand, P.l1, P.l2,
                            P.positive, ry)
    for t in range(F.n_free):
        j = F.free[t]
        if P.h[j] <= 0.0:
            continue
        if not P.positive or P.w[j] > 0.0 or P.c[j] > 0.0:
            F.act[n_act] = j
            F.cf[n_act] = P.c[j]
            n_act += 1
    while True:
        for b in range(n_act):
            col = cache.column(F.act[b])
            for a in range(n_act):
                F.M[a * n_act + b] = col[F.act[a]]
        memcpy(c2, P.c, p * sizeof(double))
        if n_act and _free_solve(F, n_act) != 0:
            G = _duality_gap(p, P.w, P.c, P.pf, P.h, cand, n_cand, P.l1,
                             P.l2, P.positive, ry)
            G.gap = INFINITY
            return G
        for b in range(n_act):
            _axpy(p, -F.beta[b], cache.column(F.act[b]), c2)
        grown = False
        if P.positive:
            for t in range(F.n_free):
                j = F.free[t]
                if c2[j] > 0.0 and not _free_act(F, n_act, j):
                    F.act[n_act] = j
                    F.cf[n_act] = P.c[j]
                    n_act += 1
                    grown = True
        if not grown:
            break
    for j in range(p):
        if P.w[j] != 0.0:
            wc += P.w[j] * P.c[j]
            wc2 += P.w[j] * c2[j]
    for b in range(n_act):
        free_term += 0.5 * F.beta[b] * F.cf[b]
    rr = ry - wc
    return _duality_gap(p, P.w, c2, P.pf, P.h, cand, n_cand, P.l1, P.l2,
                        P.positive, (rr - 2.0 * free_term) + wc2,
                        free_term if free_term > 0.0 else 0.0)


cdef struct ActiveBlock:
    # The active set's own Gram block and coefficients, contiguous, so that
    # cycling over it updates only the active correlations (n_a per change
    # instead of p) and reads G with unit stride. The block is copied out
    # of the cache only when a cyclic pass needs it: a cycle that Newton
    # steps settle never reads it.
    double *G             # capacity^2, column b = G[active, active[b]]
    bint filled           # whether G holds the current active set's block
    double *w
    double *w0            # coefficients the full correlations are at
    double *c
    double *h
    double *pf
    double *q
    int *ident            # 0..n_a-1
    int *block_of         # p: feature -> position in the block
    double *c_full        # p: the full correlations after a Newton step
    Newton nw
    Interrupt intr
    int n_newton          # Newton steps taken in the solve
    double cd_passes      # passes it would have taken without (estimated)
    Py_ssize_t capacity


cdef bint _block_reserve(ActiveBlock *B, Py_ssize_t na) noexcept nogil:
    """Room for ``na`` features; False when memory runs out (the buffers
    then keep their old size and stay B's to free)."""
    cdef Py_ssize_t k
    if na <= B.capacity:
        return True
    if not (_grow_doubles(&B.G, na * na) and _grow_doubles(&B.w, na)
            and _grow_doubles(&B.w0, na) and _grow_doubles(&B.c, na)
            and _grow_doubles(&B.h, na) and _grow_doubles(&B.pf, na)
            and _grow_doubles(&B.q, na) and _grow_ints(&B.ident, na)):
        return False
    for k in range(na):
        B.ident[k] = <int>k
    B.capacity = na
    return True


cdef void _block_free(ActiveBlock *B) noexcept nogil:
    free(B.G)
    free(B.w)
    free(B.w0)
    free(B.c)
    free(B.h)
    free(B.pf)
    free(B.q)
    free(B.ident)
    free(B.block_of)
    free(B.c_full)
    _newton_free(&B.nw)


cdef double _block_pass(GramProblem *L, const double *G, bint random,
                        unsigned int *state, double *max_w,
                        Py_ssize_t *flips) noexcept nogil:
    """One pass over the block problem ``L`` (features 0..L.p-1); counts
    in ``flips`` the coefficients whose sign (or zero) changed."""
    cdef Py_ssize_t t, b, na = L.p
    cdef double f, denom, w_old, w_new, d, max_dw = 0.0, largest = 0.0
    flips[0] = 0
    for t in range(na):
        b = _xorshift(state) % na if random else t
        f = L.pf[b]
        denom = L.h[b] + L.l2 * f
        if denom > 0.0:
            w_old = L.w[b]
            w_new = shr_enet_coordinate(L.c[b] + L.h[b] * w_old, L.l1 * f,
                                        denom, L.positive)
            if w_new != w_old:
                _axpy(na, w_old - w_new, G + b * na, L.c)
                L.w[b] = w_new
                if (w_new > 0.0) != (w_old > 0.0) or (w_new < 0.0) != (w_old < 0.0):
                    flips[0] += 1
                d = fabs(w_new - w_old)
                if d > max_dw:
                    max_dw = d
        if fabs(L.w[b]) > largest:
            largest = fabs(L.w[b])
    max_w[0] = largest
    return max_dw


cdef inline bint _violates_kkt(GramProblem *L, Py_ssize_t b) noexcept nogil:
    """Whether coefficient b, at zero, violates its KKT condition."""
    return _zero_violates(L.c[b], L.l1 * L.pf[b], L.h[b] + L.l2 * L.pf[b],
                          L.positive)


cdef void _block_flush(GramProblem *P, ActiveBlock *B, const int *active,
                       Py_ssize_t na, GramCache cache) noexcept nogil:
    """Write the block's coefficient changes back: ``w[A] = w_B`` and
    ``c -= G[:, A] (w_B - w0_B)``, after which ``w0_B = w_B``. The active
    features' columns are cached."""
    cdef Py_ssize_t b
    cdef double d
    for b in range(na):
        d = B.w[b] - B.w0[b]
        if d != 0.0:
            P.w[active[b]] = B.w[b]
            _axpy(P.p, -d, cache.cols + cache.slot[active[b]] * cache.p, P.c)
            B.w0[b] = B.w[b]


cdef void _block_fill(ActiveBlock *B, const int *active, Py_ssize_t na,
                      GramCache cache) noexcept nogil:
    """Copy ``G[A, A]`` out of the cache (the active columns are cached)."""
    cdef Py_ssize_t a, b
    cdef const double *col
    for b in range(na):
        col = cache.cols + cache.slot[active[b]] * cache.p
        for a in range(na):
            B.G[b * na + a] = col[active[a]]
    B.filled = True


cdef bint _block_newton(GramProblem *P, GramProblem *L, ActiveBlock *B,
                        const int *active, GramCache cache, SupportFactor F,
                        double budget, bint entering) noexcept nogil:
    """A Newton step on the support of the block problem ``L`` (see "Newton
    steps on a fixed sign pattern"), with the Gram columns of ``cache`` and
    its support factor ``F``, from and to the full problem ``P`` (the
    block's pending moves are flushed first; a step taken updates ``P``'s
    coefficients and correlations as well as the block's). With
    ``entering``, the block's features at zero that violate their KKT
    condition join the support (the active-set method of Osborne et al.,
    without cyclic passes). True when taken; ``B.nw.too_costly`` when
    declined for its cost alone."""
    cdef Newton *N = &B.nw
    cdef Py_ssize_t a, b, t, j, na = L.p, ns = 0, shared = 0, m
    cdef double f, wo, wn, cost, change = 0.0, penalty = 0.0
    N.too_costly = False
    if not _newton_reserve(N, na):
        return False
    for b in range(na):
        if L.w[b] != 0.0 or (entering and _violates_kkt(L, b)):
            j = active[b]
            N.S[ns] = <int>j
            if F.where[j] >= 0 and F.l2 == L.l2:
                shared += 1
            ns += 1
    if ns == 0:
        return False
    # factor updates (or one blocked factorisation) and solves, against a
    # pass that moves every feature of the block; the update of the full
    # correlations stands in for the write-back of the moves it replaces,
    # charged as what it costs on the block
    cost = (_factor_sync_cost(ns, shared, F.size)
            + 2.0 * ns * ns + 2.0 * ns * na) / (<double>na * na)
    if cost > budget:
        N.too_costly = True
        return False
    _block_flush(P, B, active, na, cache)
    if not _factor_sync(F, N.S, ns, cache.cols, cache.p, cache.slot, NULL, P.pf, L.l2):
        return False
    for t in range(ns):
        j = F.order[t]
        b = B.block_of[j]
        N.S[t] = <int>j
        N.pos[t] = <int>b
        N.ws[t] = L.w[b]
        N.cs[t] = L.c[b]
    # Kinks are not rationed: going on through them (a solve and a deletion
    # each) costs less than the rounds of re-entry a partial step leads to,
    # the features it stopped short of violating their KKT conditions again.
    if not _newton_path(N, F, cache.cols, cache.p, cache.slot, NULL, P.pf,
                        L.l1, L.l2, L.positive, <int>ns):
        return False
    m = _newton_moves(N, F.size)
    # c_full = c - G[:, S] (w_new - w) and the objective's change
    memcpy(B.c_full, P.c, P.p * sizeof(double))
    for a in range(m):
        if N.x[a] != N.ws[a]:
            _axpy(P.p, N.ws[a] - N.x[a], cache.cols + cache.slot[N.S[a]] * cache.p,
                  B.c_full)
    for a in range(m):
        j = N.S[a]
        b = N.pos[a]
        wo = N.ws[a]
        wn = N.x[a]
        f = L.pf[b]
        penalty += f * (L.l1 * fabs(wo) + 0.5 * L.l2 * wo * wo)
        change += f * (L.l1 * (fabs(wn) - fabs(wo)) + 0.5 * L.l2 * (wn * wn - wo * wo))
        change -= 0.5 * (wn - wo) * (L.c[b] + B.c_full[j])
    if not change < -ACCEPT_DECREASE * (fabs(_data_term(L)) + penalty):
        return False
    for a in range(m):
        L.w[N.pos[a]] = N.x[a]
        B.w0[N.pos[a]] = N.x[a]
        P.w[N.S[a]] = N.x[a]
    memcpy(P.c, B.c_full, P.p * sizeof(double))
    for b in range(na):
        L.c[b] = P.c[active[b]]
    B.n_newton += 1
    return True


cdef bint _block_violations(GramProblem *L) noexcept nogil:
    """Whether a coefficient of the block at zero violates its KKT
    condition."""
    cdef Py_ssize_t b
    for b in range(L.p):
        if L.w[b] == 0.0 and _violates_kkt(L, b):
            return True
    return False


cdef int _gram_active_cycle(GramProblem *P, GramCache cache, SupportFactor F,
                            const int *active, Py_ssize_t na, Anderson *A,
                            ActiveBlock *B, bint random, unsigned int *state,
                            double dw_tol, double rel_tol, int max_iter,
                            int *n_iter) except -1 nogil:
    """Cycle over the active set on its own Gram block until it settles
    (with Anderson extrapolation and Newton steps on its support), then
    write the coefficients back and bring the full correlations up to date
    (:func:`_block_flush`)."""
    cdef GramProblem L
    cdef Py_ssize_t b, flips
    cdef double max_dw, max_w, budget, left
    cdef double ratio[4]
    cdef bint settled, armed = True, done, stalled
    cdef int tries = 0, stable = 0, rounds, pass_in_cycle = 0
    for b in range(na):
        cache.column(active[b])  # cached before the nogil kernels read it
        B.w[b] = P.w[active[b]]
        B.w0[b] = B.w[b]
        B.c[b] = P.c[active[b]]
        B.h[b] = P.h[active[b]]
        B.pf[b] = P.pf[active[b]]
        B.q[b] = P.q[active[b]]
        B.block_of[active[b]] = <int>b
    B.filled = False
    L.p = na
    L.q = B.q
    L.h = B.h
    L.pf = B.pf
    L.w = B.w
    L.c = B.c
    L.yy = P.yy
    L.l1 = P.l1
    L.l2 = P.l2
    L.positive = P.positive
    A.count = 0
    A.m = na
    # First the active-set method: Newton steps whose support takes in the
    # block's KKT violators, until none is left (the block's exact minimiser:
    # no cyclic pass needed) or a step fails or runs out of budget.
    done = False
    if B.nw.enabled:
        for rounds in range(NEWTON_ROUNDS):
            if n_iter[0] >= max_iter or not _block_newton(
                    P, &L, B, active, cache, F,
                    _newton_budget(cache.passes_before, n_iter[0]), True):
                break
            n_iter[0] += 1
            if not B.nw.partial and not _block_violations(&L):
                done = True
                break
    while n_iter[0] < max_iter and not done:
        if not B.filled:
            _block_fill(B, active, na, cache)
        max_dw = _block_pass(&L, B.G, random, state, &max_w, &flips)
        n_iter[0] += 1
        if _interrupted(&B.intr, <double>na * na):
            break
        settled = max_w == 0.0 or max_dw <= dw_tol * max_w
        ratio[pass_in_cycle % 4] = max_dw / max_w if max_w > 0.0 else 0.0
        pass_in_cycle += 1
        stable = stable + 1 if flips == 0 else 0
        armed = armed or flips > 0
        # With the signs steady, jump to the minimiser on the support; when
        # the passes contract too slowly to settle within a Newton step's
        # budget, jump whether or not signs still change (the step goes
        # through the changes), taking in the block's KKT violators.
        budget = _newton_budget(cache.passes_before, n_iter[0])
        stalled = False
        if pass_in_cycle >= 4 and not settled:
            left = _passes_left(ratio, pass_in_cycle,
                                dw_tol if dw_tol < rel_tol else rel_tol)
            if left > budget:
                budget = left
                stalled = True
                if n_iter[0] + left > B.cd_passes:
                    B.cd_passes = n_iter[0] + left
        if (B.nw.enabled and armed and tries < NEWTON_MAX_TRIES
                and n_iter[0] < max_iter  # a step counts as a pass
                and ((flips == 0 and (settled or stable >= NEWTON_STABLE))
                     or stalled)):
            tries += 1
            stable = 0
            armed = _block_newton(P, &L, B, active, cache, F, budget, stalled)
            if _newton_taken(&B.nw, &armed, &tries, n_iter):
                A.count = 0
                continue
        if settled:
            break
        if A.enabled and na > 1:
            _gram_extrapolate(&L, A, B.ident, na)
    A.m = P.p
    _block_flush(P, B, active, na, cache)
    return 0


cdef int _scratch_alloc(GramScratch *S, Py_ssize_t p, Py_ssize_t n_cand,
                        Py_ssize_t n_free) except -1:
    cdef Py_ssize_t m = max(n_free, 1)
    S.p, S.n_cand, S.n_free = p, n_cand, n_free
    S.ints = <int *>malloc((max(n_cand, 1) + 2 * m) * sizeof(int))
    S.doubles = <double *>malloc(
        (max(p, 1) + _anderson_doubles(n_cand, p) + m * m + 2 * m) * sizeof(double))
    S.marks = <unsigned char *>calloc(max(p, 1), sizeof(unsigned char))
    if S.ints == NULL or S.doubles == NULL or S.marks == NULL:
        _scratch_free(S)
        raise MemoryError()
    return 0


cdef void _scratch_free(GramScratch *S) noexcept nogil:
    free(S.ints)
    free(S.doubles)
    free(S.marks)
    S.ints, S.doubles, S.marks = NULL, NULL, NULL


def enet_gram(
    GramCache cache, const double[::1] q, double yy,
    const double[::1] sq_norms, const double[::1] penalty_factor,
    double[::1] w, double[::1] correlations, const int[::1] candidates,
    double l1, double l2, bint positive, double tol, int max_iter,
    bint random, unsigned int seed, bint newton=True,
    bint correlations_current=False,
):
    """Elastic-net coordinate descent with covariance (Gram) updates.

    Same problem, parameters and returns as :func:`enet_naive`, with the
    data given through ``cache`` (Gram columns), ``q = Xc^T S yc`` and
    ``yy = yc^T S yc`` instead of X and yc. ``correlations`` holds
    ``q - G w`` at exit (and on entry when ``correlations_current``, e.g.
    left by the previous solve of a path). Each coordinate update costs
    O(1), each change of a coefficient O(p), independent of the number of
    samples.

    glmnet's covariance mode (Friedman et al. 2010, section 2.2): cycle over
    the working set -- the nonzero candidates and those violating their KKT
    condition, on the working set's own Gram block -- until it settles,
    then check the KKT conditions of the other candidates from the
    correlations (no pass over them) and the duality gap. ``newton``
    enables Newton steps on the support (the factor lives in ``cache`` and
    serves the next solve too).
    """
    cdef Py_ssize_t p = cache.p, n_cand = candidates.shape[0]
    cdef const int *cand = &candidates[0] if n_cand > 0 else NULL
    cdef GramScratch S
    cdef double gap = 0.0
    cdef int n_iter = 0
    if p == 0 or n_cand == 0:
        return 0.0, 0
    _scratch_alloc(&S, p, n_cand, _free_count(cand, n_cand, &penalty_factor[0]))
    try:
        _gram_solve(cache, &S, &q[0], yy, &sq_norms[0], &penalty_factor[0],
                    &w[0], &correlations[0], cand, n_cand, l1, l2, positive,
                    tol, max_iter, random, seed, newton, correlations_current,
                    &gap, &n_iter)
    finally:
        _scratch_free(&S)
    return gap, n_iter


cdef int _gram_solve(GramCache cache, GramScratch *S, const double *q,
                     double yy, const double *h, const double *pf, double *w,
                     double *c, const int *cand, Py_ssize_t n_cand, double l1,
                     double l2, bint positive, double tol, int max_iter,
                     bint random, unsigned int seed, bint newton,
                     bint correlations_current, double *gap_out,
                     int *n_iter_out) except -1:
    """The solve of :func:`enet_gram` on raw arrays, with scratch ``S``
    (made for at least ``n_cand`` candidates and their free features);
    writes the gap and the passes. Raises what a signal handler raises."""
    cdef GramProblem P
    cdef Py_ssize_t p = cache.p
    cdef Py_ssize_t n_active, t, j, n_free
    cdef int n_iter = 0
    cdef double max_dw, max_w, dw_tol = DW_TOL_START, rel_tol
    cdef GapTerms G
    cdef unsigned int state = seed if seed != 0 else 2463534242u
    cdef Anderson A
    cdef FreeProjection Fp
    cdef ActiveBlock B
    cdef SupportFactor factor = cache.factor
    cdef int *active = S.ints
    cdef double *c2 = S.doubles
    cdef unsigned char *marks = S.marks

    gap_out[0], n_iter_out[0] = 0.0, 0
    if p == 0 or n_cand == 0:
        return 0
    P.p = p
    P.q = q
    P.h = h
    P.pf = pf
    P.w = w
    P.c = c
    P.yy = yy
    P.l1 = l1
    P.l2 = l2
    P.positive = positive
    memset(&B, 0, sizeof(ActiveBlock))
    try:
        n_free = _free_count(cand, n_cand, P.pf)
        B.block_of = <int *>malloc(max(p, 1) * sizeof(int))
        B.c_full = <double *>malloc(max(p, 1) * sizeof(double))
        if B.block_of == NULL or B.c_full == NULL:
            raise MemoryError()
        _anderson_attach(&A, S.doubles + max(p, 1), n_cand, p, not random)
        _free_attach(&Fp, cand, n_cand, P.pf, n_free, S.ints + max(S.n_cand, 1),
                     S.doubles + max(p, 1) + _anderson_doubles(S.n_cand, p))
        for t in range(Fp.n_free):
            cache.column(Fp.free[t])  # computed now, where errors can propagate

        _interrupt_init(&B.intr, _MAIN_THREAD)
        B.nw.enabled = newton
        # the tolerance relative to |y|^2: about the relative change per pass
        # the last cycle must reach (for the Newton steps' budget)
        rel_tol = tol / yy if yy > 0.0 else 0.0
        with nogil:
            if not correlations_current:
                _gram_refresh(&P, cache)
            G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
            while G.gap > tol and n_iter < max_iter:
                if _interrupted(&B.intr, <double>p * n_cand):
                    break
                n_active = _gram_working_set(&P, cand, n_cand, &active[0])
                if n_active == 0:
                    break  # w = 0 and every KKT condition holds
                if _block_reserve(&B, n_active):
                    _gram_active_cycle(&P, cache, factor, &active[0],
                                       n_active, &A, &B, random, &state,
                                       dw_tol, rel_tol, max_iter, &n_iter)
                else:  # no memory for the block: cycle in place
                    A.count = 0
                    while n_iter < max_iter:
                        max_dw = _gram_pass(&P, cache, &active[0], n_active,
                                            random, &state, &max_w)
                        n_iter += 1
                        if (_interrupted(&B.intr, <double>p * n_active)
                                or max_w == 0.0 or max_dw <= dw_tol * max_w):
                            break
                        if A.enabled and n_active > 1:
                            _gram_extrapolate(&P, &A, &active[0], n_active)
                if B.intr.hit:
                    break
                # features outside the working set that now violate their
                # KKT condition join it before any certificate is taken
                if _gram_new_violators(&P, cand, n_cand, &active[0], n_active,
                                       &marks[0]):
                    continue
                # The gap from the running correlations decides whether to
                # go on; only one that may certify is recomputed from
                # correlations refreshed from scratch (no drift).
                G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
                if G.gap <= REFRESH_MARGIN * tol:
                    _gram_refresh(&P, cache)
                    G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
                dw_tol *= 0.1
            if G.gap > tol and not B.intr.hit:  # stopped by max_iter: the exact final gap
                _gram_refresh(&P, cache)
                G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
        # What the next solve may spend on a Newton step: the passes this
        # one took, or would have taken where they stalled; when Newton
        # steps finished it, its count says nothing of what cyclic passes
        # would have needed: keep the larger estimate.
        if B.cd_passes < n_iter:
            B.cd_passes = n_iter
        if B.n_newton == 0 or B.cd_passes > cache.passes_before:
            cache.passes_before = (<int>B.cd_passes if B.cd_passes < max_iter
                                   else max_iter)
    finally:
        _block_free(&B)
    if B.intr.hit:
        _raise_pending()
    gap_out[0], n_iter_out[0] = G.gap, n_iter
    return 0


cdef Py_ssize_t _gram_working_set(GramProblem *P, const int *cand,
                                  Py_ssize_t n_cand, int *out) noexcept nogil:
    """The candidates that are nonzero or violate their KKT condition at
    zero (|c_j| > l1 f_j, or c_j > l1 f_j under ``positive``), in candidate
    order."""
    cdef Py_ssize_t t, j, k = 0
    for t in range(n_cand):
        j = cand[t]
        if P.w[j] == 0.0 and not _violates_kkt(P, j):
            continue
        out[k] = <int>j
        k += 1
    return k


cdef bint _gram_new_violators(GramProblem *P, const int *cand,
                              Py_ssize_t n_cand, const int *active,
                              Py_ssize_t n_active,
                              unsigned char *marks) noexcept nogil:
    """Whether a candidate outside ``active`` violates its KKT condition
    at zero (``marks``: p zeros, left so)."""
    cdef Py_ssize_t t, j
    cdef bint found = False
    for t in range(n_active):
        marks[active[t]] = 1
    for t in range(n_cand):
        j = cand[t]
        if not marks[j] and P.w[j] == 0.0 and _violates_kkt(P, j):
            found = True
            break
    for t in range(n_active):
        marks[active[t]] = 0
    return found


cdef double _gram_pass(GramProblem *P, GramCache cache, const int *idx,
                       Py_ssize_t count, bint random, unsigned int *state,
                       double *max_w) except -1.0 nogil:
    """One pass over ``idx``; returns the largest change, sets max |w_j|."""
    cdef Py_ssize_t t, j
    cdef double d, max_dw = 0.0, largest = 0.0
    for t in range(count):
        if random:
            j = idx[_xorshift(state) % count]
        else:
            j = idx[t]
        d = _gram_step(P, cache, j)
        if d > max_dw:
            max_dw = d
        if fabs(P.w[j]) > largest:
            largest = fabs(P.w[j])
    max_w[0] = largest
    return max_dw
