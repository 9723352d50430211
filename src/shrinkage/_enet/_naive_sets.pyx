"""The active set of the naive (residual) solver, and gap-safe screening.

Between full passes the driver (_naive.pyx) cycles over an active set: it
grows by the features that are nonzero or violate their KKT condition at
zero (glmnet's strategy: Friedman, Hastie & Tibshirani 2010, section 2.6)
and, unlike glmnet's ever-active set, sheds coefficients that rest at zero.
Gap-safe screening removes the features that the duality gap proves zero at
every solution: Fercoq, Gramfort & Salmon (2015), "Mind the duality gap:
safer rules for the Lasso", ICML; Ndiaye et al. (2017), "Gap safe
screening rules for sparsity enforcing penalties", JMLR 18(128).
"""

from libc.math cimport NAN, fabs, sqrt

from shrinkage._enet._naive_ops cimport _add_column, _violates

# in_active flags of the naive solver: 1 active, 2 screened (for
# _filter_active), ZERO_MARK active and zero after the last pass.
cdef unsigned char ZERO_MARK = 3


cdef Py_ssize_t _grow_active_set(NaiveProblem *P, const int *idx,
                                 Py_ssize_t count, const double *c,
                                 int *out, unsigned char *in_active) noexcept nogil:
    """Append to ``out`` the features of ``idx`` not yet active that are
    nonzero or, when ``c`` is given, violate the KKT condition of a zero
    coefficient (|c_j| > l1 f_j, or c_j > l1 f_j when positive)."""
    cdef Py_ssize_t t, j, added = 0
    cdef bint take
    for t in range(count):
        j = idx[t]
        if in_active[j]:
            continue
        take = P.w[j] != 0.0
        if not take and c != NULL:
            take = _violates(P, j, c[j])
        if take:
            out[added] = <int>j
            in_active[j] = 1
            added += 1
    return added


cdef Py_ssize_t _shed_zeros(NaiveProblem *P, int *active, Py_ssize_t count,
                            unsigned char *in_active, unsigned char mark,
                            const double *c) noexcept nogil:
    """Remove from the active set the zero coefficients flagged ``mark`` or,
    when ``c`` is given, those satisfying their KKT condition at the
    correlations ``c``; their flags are cleared. Returns the new count."""
    cdef Py_ssize_t t, j, kept = 0
    cdef bint drop
    for t in range(count):
        j = active[t]
        if P.w[j] == 0.0:
            drop = not _violates(P, j, c[j]) if c != NULL else in_active[j] == mark
            if drop:
                in_active[j] = 0
                continue
        active[kept] = <int>j
        kept += 1
    return kept


cdef Py_ssize_t _drop_idle(NaiveProblem *P, int *active, Py_ssize_t count,
                           const double *c, unsigned char *in_active) noexcept nogil:
    """Drop from the active set the zero coefficients that satisfy their KKT
    condition at the correlations ``c``, so the next cycle passes over the
    support and the violators only. A feature that the first passes from
    zero touched once (on a correlated design, several times the final
    support) is otherwise visited in every later pass; the next gap check
    takes it back if it comes to violate."""
    return _shed_zeros(P, active, count, in_active, 0, c)


cdef Py_ssize_t _drop_resting(NaiveProblem *P, int *active, Py_ssize_t count,
                              unsigned char *in_active) noexcept nogil:
    """After a pass of the cycling: flag the zero coefficients and, once at
    least a quarter of the active set has been zero after two passes in a
    row, drop every zero coefficient (fewer would not pay for the restart
    of the extrapolation). Returns the new count."""
    cdef Py_ssize_t t, j, resting = 0
    for t in range(count):
        j = active[t]
        if P.w[j] != 0.0:
            in_active[j] = 1
        elif in_active[j] == ZERO_MARK:
            resting += 1
        else:
            in_active[j] = ZERO_MARK
    if 4 * resting < count:
        return count
    return _shed_zeros(P, active, count, in_active, ZERO_MARK, NULL)


cdef Py_ssize_t _filter_active(NaiveProblem *P, int *active, Py_ssize_t count,
                               unsigned char *in_active) noexcept nogil:
    """Drop from the active set the features screening has just zeroed."""
    return _shed_zeros(P, active, count, in_active, 2, NULL)


cdef Py_ssize_t _gap_safe_screen(NaiveProblem *P, int *work, Py_ssize_t n_work,
                                 double *c, GapTerms G, double l1,
                                 double l2, unsigned char *in_active) noexcept nogil:
    """Drop features that the gap-safe sphere proves zero at the optimum.

    Feature j is inactive at every solution when
    ``|A_j| / max(l1, dual_norm) + sqrt(2 gap) / l1 * ||x~_j|| < f_j``,
    with ``||x~_j||^2 = h_j + l2 f_j`` the augmented column norm (Ndiaye et
    al. 2017, eq. 11 with weights f_j). Dropped features are set to zero
    and their correlation to NaN (it is no longer kept up to date).
    """
    cdef Py_ssize_t t, j, kept = 0
    cdef double radius = sqrt(2.0 * (G.gap if G.gap > 0.0 else 0.0)) / l1
    cdef double scale = l1 if G.dual_norm <= l1 else G.dual_norm
    cdef double f, a
    for t in range(n_work):
        j = work[t]
        f = P.pf[j]
        if f > 0.0:
            a = fabs(c[j] - l2 * f * P.w[j]) / scale
            if a + radius * sqrt(P.h[j] + l2 * f) < f:
                if P.w[j] != 0.0:
                    _add_column(P, j, P.w[j])
                    P.w[j] = 0.0
                if in_active[j]:
                    in_active[j] = 2  # for _filter_active
                c[j] = NAN
                continue
        work[kept] = j
        kept += 1
    return kept
