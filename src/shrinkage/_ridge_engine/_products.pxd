# Block helpers of _products.pyx shared with the Gram and kernel builders
# (_gram.pyx): scratch-block sizes and centred, weighted block copies.

cdef Py_ssize_t primal_block_rows(Py_ssize_t n, Py_ssize_t p) noexcept nogil
cdef Py_ssize_t gemm_block_rows(Py_ssize_t n, Py_ssize_t p) noexcept nogil
cdef Py_ssize_t dual_block_cols(Py_ssize_t n, Py_ssize_t p) noexcept nogil

cdef void copy_rows(const double *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                    Py_ssize_t i0, Py_ssize_t nb, const double *c,
                    const double *sq, double *buf, double *acc) noexcept nogil
cdef void copy_cols(const double *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                    Py_ssize_t j0, Py_ssize_t pb, const double *m,
                    double *buf) noexcept nogil
cdef void weighted_col_means(const double *X, bint c_order, Py_ssize_t n,
                             Py_ssize_t p, Py_ssize_t j0, Py_ssize_t pb,
                             const double *s, double s_sum,
                             double *m) noexcept nogil
cdef void recentre_cols(double *buf, bint c_order, Py_ssize_t n,
                        Py_ssize_t pb, const double *s, double s_sum,
                        double *delta) noexcept nogil
cdef void symmetrize_upper(double *A, Py_ssize_t n) noexcept nogil
