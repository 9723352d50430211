# Column statistics of a design (see _columns.pyx).

from cython cimport floating


cdef void _column_stats(const floating *X, Py_ssize_t n, Py_ssize_t p,
                        bint c_order, const double *s, bint fit_intercept,
                        double *x_mean, double *sq_norms) noexcept nogil

cdef bint _stats_extent(Py_ssize_t p, const double *x_mean, const double *sq_norms,
                        double *low, double *top, double *top_m) noexcept nogil

cdef void _flag_offsets(Py_ssize_t p, const double *x_mean, const double *h,
                        double total, unsigned char *offset) noexcept nogil
