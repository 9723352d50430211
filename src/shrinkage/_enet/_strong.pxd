# The sequential strong rule and the KKT check of the features it discarded,
# on raw arrays (see _strong.pyx): shared by its Python wrappers and the
# covariance path kernel (_gram_batch.pyx).

cdef Py_ssize_t _strong_set(Py_ssize_t p, const double *c, double l1, double l1_ref,
                            const double *pf, bint positive, const double *w,
                            const unsigned char *keep, int *out) noexcept nogil


cdef Py_ssize_t _kkt_violations(Py_ssize_t p, const double *c, Py_ssize_t stride,
                                const unsigned char *taken, double l1,
                                const double *pf, bint positive,
                                unsigned char *violator) noexcept nogil
