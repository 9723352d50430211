# Block helpers of _products.pyx shared with the Gram and kernel builders
# (_gram.pyx): scratch-block sizes and centred, weighted block copies, in
# both precisions (``floating``). Sums over the rows (``acc``, ``delta``)
# are accumulated in double whatever the data's precision.

from cython cimport floating

cdef Py_ssize_t primal_block_rows(Py_ssize_t n, Py_ssize_t p,
                                  Py_ssize_t itemsize) noexcept nogil
cdef Py_ssize_t gemm_block_rows(Py_ssize_t n, Py_ssize_t p,
                                Py_ssize_t itemsize) noexcept nogil
cdef Py_ssize_t dual_block_cols(Py_ssize_t n, Py_ssize_t p,
                                Py_ssize_t itemsize) noexcept nogil

cdef void copy_rows(const floating *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                    Py_ssize_t i0, Py_ssize_t nb, const floating *c,
                    const floating *sq, floating *buf, double *acc) noexcept nogil
cdef void copy_cols(const floating *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                    Py_ssize_t j0, Py_ssize_t pb, const floating *m,
                    floating *buf) noexcept nogil
cdef void weighted_col_means(const floating *X, bint c_order, Py_ssize_t n,
                             Py_ssize_t p, Py_ssize_t j0, Py_ssize_t pb,
                             const floating *s, double s_sum,
                             floating *m) noexcept nogil
cdef void recentre_cols(floating *buf, bint c_order, Py_ssize_t n,
                        Py_ssize_t pb, const floating *s, double s_sum,
                        double *delta) noexcept nogil
cdef void symmetrize_upper(floating *A, Py_ssize_t n) noexcept nogil
