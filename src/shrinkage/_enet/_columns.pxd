# Column statistics of a design (see _columns.pyx).

cdef void _flag_offsets(Py_ssize_t p, const double *x_mean, const double *h,
                        double total, unsigned char *offset) noexcept nogil
