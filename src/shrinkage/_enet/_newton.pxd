# Newton steps on a fixed sign pattern and the Cholesky factor of the
# support they solve with (see _newton.pyx).

cdef class SupportFactor:
    cdef double *L            # cap x cap, column-major, lower
    cdef int *order           # position -> feature
    cdef int *where           # feature -> position, or -1
    cdef unsigned char *mark  # p scratch
    cdef double *scratch      # cap
    cdef Py_ssize_t p, cap
    cdef readonly Py_ssize_t size, max_size
    cdef double l2            # the l2 of the factored matrix

    cdef bint _reserve(self, Py_ssize_t need) noexcept nogil
    cdef void clear(self) noexcept nogil
    cdef void remove_at(self, Py_ssize_t t) noexcept nogil
    cdef void keep_only(self, const int *S, Py_ssize_t ns) noexcept nogil
    cdef bint append(self, int j, double hjj) noexcept nogil
    cdef bint append_block(self, Py_ssize_t m, const double *G, Py_ssize_t ld,
                           const int *col_of, const int *row_of,
                           const double *pf, double l2) noexcept nogil
    cdef bint refactor(self, const int *S, Py_ssize_t ns, const double *G,
                       Py_ssize_t ld, const int *col_of, const int *row_of,
                       const double *pf, double l2) noexcept nogil
    cdef void solve(self, double *b) noexcept nogil


cdef bint _factor_sync(SupportFactor F, const int *S, Py_ssize_t ns,
                       const double *G, Py_ssize_t ld, const int *col_of,
                       const int *row_of, const double *pf,
                       double l2) noexcept nogil


cdef struct Newton:
    # In the support factor's order, t = 0..k-1:
    int *S                # features
    int *pos              # their rows/columns in the Gram the caller holds
    double *ws            # coefficients at the start
    double *cs            # correlations (x~^T S r) at the start
    double *sg            # signs of the pattern
    double *x             # the point reached
    double *target        # minimiser of the current pattern's quadratic
    double *u             # scratch: H^-1 e_j
    # features that reached zero and left the support on the way
    int *drop_S
    int *drop_pos
    double *drop_ws
    Py_ssize_t n_drop
    double *rtmp          # n: residual after the step (naive; the caller's)
    Py_ssize_t cap
    bint enabled
    bint partial          # the last step stopped before its target
    bint too_costly       # the last step was declined for its cost alone


cdef inline bint _newton_taken(const Newton *N, bint *armed, int *tries,
                               int *n_iter) noexcept nogil:
    """After a Newton attempt whose result is ``armed[0]``: True when a
    step was taken (it counts as a pass, and a full step needs the signs to
    change before another); otherwise a step declined for its cost alone
    is asked for again later (the budget grows with the passes)."""
    if armed[0]:
        n_iter[0] += 1
        armed[0] = N.partial
        return True
    if N.too_costly:
        armed[0] = True
        tries[0] -= 1
    return False


cdef bint _newton_reserve(Newton *N, Py_ssize_t cap) noexcept nogil


cdef void _newton_free(Newton *N) noexcept nogil


cdef bint _newton_path(Newton *N, SupportFactor F, const double *G,
                       Py_ssize_t ld, const int *col_of, const int *row_of,
                       const double *pf, double l1, double l2, bint positive,
                       int max_kinks) noexcept nogil


cdef void _newton_drop(Newton *N, SupportFactor F, Py_ssize_t t,
                       Py_ssize_t k) noexcept nogil


cdef Py_ssize_t _newton_moves(Newton *N, Py_ssize_t k) noexcept nogil
