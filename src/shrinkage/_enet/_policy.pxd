# Tuning constants and cost models of the coordinate-descent kernels.
#
# Every number that decides *when* the solvers act (extrapolate, try a Newton
# step, refresh their correlations, tighten the pass tolerance, accept a
# candidate point) lives here, with why it has its value, so that the kernels
# hold no policy of their own. Integers are enum members; doubles are C
# macros of one literal each, the same IEEE doubles in every module that
# cimports this file (no module state to drift or to be set twice).

from libc.math cimport INFINITY, log, pow

cdef enum:
    # Passes between Anderson extrapolations of the active-set cycling
    # (Bertrand & Massias 2021 and skglm use 5).
    ANDERSON_K = 5

# A cycle over the active set that has not settled stops for the duality gap
# anyway once it has run CYCLE_MIN_PASSES passes and its passes have cost
# CYCLE_GAP_COST times one gap evaluation (passes x active features against
# the working set's features). The relative-change test alone can fail
# forever: a coefficient of rounding size (a feature entering at exactly its
# lambda_max) changes by about itself on every pass, and the cycle then ran
# to max_iter with a converged gap it never looked at. Both numbers are far
# above the cycles of converging solves, which they leave unchanged (the
# check costs at most 1% of the passes it interrupts).
cdef enum:
    CYCLE_MIN_PASSES = 1000
    CYCLE_GAP_COST = 100

# A Newton step on the support (see shrinkage/_enet/_newton.pyx) is tried
# when the signs have held for NEWTON_STABLE passes (or the cycling has
# settled with steady signs), NEWTON_MAX_TRIES times per cycle at most, and
# only when its estimated cost, in cyclic passes, is within the budget of
# _newton_budget. After a full step (at the minimiser on the support) the
# next waits until signs change: features the step made violate their KKT
# condition have entered, or left.
cdef enum:
    NEWTON_MAX_TRIES = 8
    # Newton steps taking in KKT violators before a Gram block's cyclic passes.
    NEWTON_ROUNDS = 4
    NEWTON_STABLE = 3
    # Supports larger than this are factored by one blocked Cholesky (LAPACK)
    # rather than column by column when the factor is rebuilt.
    FACTOR_BLOCKED = 64

cdef extern from *:
    """
    /* A duality gap computed from the running correlations of covariance
     * updates (which drift by rounding) is trusted to say "not converged"
     * when it exceeds the tolerance by this factor; below it the
     * correlations are refreshed from scratch and the gap recomputed before
     * it certifies. */
    #define SHR_REFRESH_MARGIN (4.0)
    /* Relative coefficient change below which a pass counts as converged and
     * the duality gap is evaluated (scikit-learn's trigger); divided by 10
     * each time the gap then fails, so the inner loops tighten until the gap
     * certifies. */
    #define SHR_DW_TOL_START (1e-4)
    /* An extrapolated point (or a Newton step) is kept only when it lowers
     * the objective by more than this fraction: a decision on a difference
     * at rounding level could go either way between two runs that are equal
     * in exact arithmetic (weights versus repeated rows), and would then
     * send them down different paths. */
    #define SHR_ACCEPT_DECREASE (1e-12)
    /* The least a Newton step may cost, in passes (_newton_budget): a
     * step that costs about a few passes is worth trying even early in a
     * solve, before its own count of passes says it cycles long. */
    #define SHR_NEWTON_MAX_PASSES (4.0)
    /* A blocked factorisation runs at about this many times the flop rate of
     * a cyclic pass (level-3 BLAS against memory-bound column sweeps). */
    #define SHR_NEWTON_FLOP_RATIO (10.0)
    /* Work (about flops of pass work: samples x coordinates updated) between
     * two polls for a pending signal (_interrupt.pxd), a millisecond or so:
     * Ctrl-C stops a fit within about a pass or this much work, and the GIL
     * is taken rarely enough to cost nothing measurable. */
    #define SHR_INTERRUPT_WORK (2e6)
    """
    const double REFRESH_MARGIN "SHR_REFRESH_MARGIN"
    const double DW_TOL_START "SHR_DW_TOL_START"
    const double ACCEPT_DECREASE "SHR_ACCEPT_DECREASE"
    const double NEWTON_MAX_PASSES "SHR_NEWTON_MAX_PASSES"
    const double NEWTON_FLOP_RATIO "SHR_NEWTON_FLOP_RATIO"
    const double INTERRUPT_WORK "SHR_INTERRUPT_WORK"


# --------------------------------------------------------------------------
# cost models of a Newton step, in cyclic passes
# --------------------------------------------------------------------------

cdef inline double _newton_budget(int passes_before, int passes_now) noexcept nogil:
    """Passes a Newton step may cost: a few, or half of what this solve (or
    the previous one on the design, e.g. the previous alpha of a path) has
    needed: a solve that cycles long gains most from a jump."""
    cdef double b = 0.5 * (passes_before if passes_before > passes_now else passes_now)
    return b if b > NEWTON_MAX_PASSES else NEWTON_MAX_PASSES


cdef inline double _passes_left(const double *ratio, int passes,
                               double dw_tol) noexcept nogil:
    """Cyclic passes still needed to bring the relative change per pass
    below ``dw_tol``, extrapolated from the contraction of the relative
    changes over the last three passes (``ratio``: the last four,
    cyclically): CD converges linearly, so a solve that contracts slowly
    towards a tight target gains most from a Newton step, and one about to
    settle does not pay for its Gram entries."""
    cdef double now = ratio[(passes - 1) % 4], then = ratio[passes % 4], rho
    if now <= dw_tol:
        return 0.0
    if then <= 0.0 or now >= then:
        return INFINITY
    rho = pow(now / then, 1.0 / 3.0)
    return log(dw_tol / now) / log(rho)


cdef inline int _affordable_kinks(double budget, double cost,
                                  double pass_flops, double k) noexcept nogil:
    """Kinks of the Newton path (a solve and a deletion each, ~3 k^2 flops)
    left in the budget once the step's fixed cost is paid."""
    cdef double kinks = (budget - cost) * pass_flops / (3.0 * k * k + 1.0)
    if kinks < 0.0:
        return 0
    return <int>kinks if kinks < k else <int>k


cdef inline double _factor_sync_cost(double ns, double shared,
                                     double held) noexcept nogil:
    """Flops (at a pass's rate) of :func:`_factor_sync` to a support of
    ``ns`` features, ``shared`` of them among the ``held`` of the factor:
    a rank-one update per deletion, a blocked append of the new ones, or a
    factorisation from scratch if that is cheaper."""
    cdef double deleted = held - shared, added = ns - shared
    cdef double update = (deleted * ns * ns
                          + (added * ns * ns if added <= 1.0
                             else added * ns * ns / NEWTON_FLOP_RATIO))
    cdef double scratch = ns * ns * ns / (3.0 * NEWTON_FLOP_RATIO)
    return update if update < scratch else scratch
