# Gram matrices of a design: the cache of the covariance solver and the
# ever-active block of the naive solver's Newton steps (see _gram.pyx).

from shrinkage._enet._naive_ops cimport NaiveProblem
from shrinkage._enet._newton cimport SupportFactor


cdef class ActiveGram:
    cdef double *G            # cap x cap, column-major, in slot order
    cdef int *slot            # feature -> slot, or -1
    cdef int *feature         # slot -> feature
    cdef double *u            # n scratch: a centred column
    cdef Py_ssize_t n, p, cap
    cdef readonly Py_ssize_t size, max_size
    cdef readonly SupportFactor factor  # of the last Newton step's support
    cdef int passes_before    # passes of the previous solve on this design

    cdef Py_ssize_t missing(self, const int *features, Py_ssize_t k) noexcept nogil
    cdef bint _grow(self, Py_ssize_t need) noexcept nogil
    cdef bint ensure(self, NaiveProblem *P, const int *features,
                     Py_ssize_t k) noexcept nogil


cdef class GramCache:
    cdef readonly Py_ssize_t n, p, n_columns
    cdef bint c_order, full
    cdef const double *X       # the rows in float64, or NULL and
    cdef const float *X32      # in float32 (sums stay float64)
    cdef const double *sw
    cdef const double *x_mean
    cdef double *cols          # p x capacity, column-major
    cdef int *slot             # feature -> column index or -1
    cdef Py_ssize_t capacity
    cdef double *vbuf          # n scratch
    cdef unsigned char *offset # columns whose |mean| exceeds their spread
    cdef object _keep          # references that keep the buffers alive
    cdef readonly SupportFactor factor  # of the last Newton step's support
    cdef int passes_before     # passes the last solve on this cache took, or
                               # would have taken without Newton steps

    cdef void _fix_offsets(self, const double *v, double *out) noexcept nogil
    cdef double _at(self, Py_ssize_t i, Py_ssize_t j) noexcept nogil
    cdef void _products(self, const double *v, double *out) noexcept nogil
    cdef int _reserve(self, Py_ssize_t capacity) except -1 nogil
    cdef double *column(self, Py_ssize_t k) except NULL nogil


cdef double _gram_correlations(GramCache cache, const double *yc, double *v,
                               double *out) noexcept nogil
