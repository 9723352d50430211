"""The covariance-update solve on raw arrays, for drivers that run many
solves on one Gram cache (_gram_batch.pyx)."""

from shrinkage._enet._gram cimport GramCache


cdef struct GramScratch:
    # Scratch of the covariance solves, one block of each type, sized for
    # up to n_cand candidates among p features of which n_free unpenalised
    # (a solve of a small problem costs a few microseconds: NumPy
    # allocations would dominate it; a path allocates it once).
    int *ints                # the working set; the free projection's
    double *doubles          # c2 (p); Anderson; the free projection's
    unsigned char *marks     # p zeros
    Py_ssize_t p
    Py_ssize_t n_cand
    Py_ssize_t n_free


cdef int _scratch_alloc(GramScratch *S, Py_ssize_t p, Py_ssize_t n_cand,
                        Py_ssize_t n_free) except -1


cdef void _scratch_free(GramScratch *S) noexcept nogil


cdef int _gram_solve(GramCache cache, GramScratch *S, const double *q,
                     double yy, const double *h, const double *pf, double *w,
                     double *c, const int *cand, Py_ssize_t n_cand, double l1,
                     double l2, bint positive, double tol, int max_iter,
                     bint random, unsigned int seed, bint newton,
                     bint correlations_current, double *gap_out,
                     int *n_iter_out) except -1
