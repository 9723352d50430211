# The duality gap of the elastic net and the projection of the residual for
# unpenalised features (see _gap.pyx).

cdef struct GapTerms:
    double gap
    double dual_norm     # max_j |X~_j^T theta| / f_j over penalised features


cdef GapTerms _duality_gap(
    Py_ssize_t p, const double *w, const double *c, const double *pf,
    const double *h,
    const int *candidates, Py_ssize_t n_cand, double l1, double l2,
    bint positive, double ry, double free_term=*,
) noexcept nogil


cdef struct FreeProjection:
    # Unpenalised features (f_j = 0) among the candidates and the buffers to
    # project the residual onto the orthogonal complement of their columns.
    int *free             # their indices
    Py_ssize_t n_free
    int *act              # those projected on
    double *M             # n_free^2: Gram block of act, then its Cholesky factor
    double *beta          # n_free
    double *cf            # n_free: correlations of act with the residual


cdef object _free_setup(FreeProjection *F, const int[::1] candidates,
                        const double[::1] pf)


cdef Py_ssize_t _free_count(const int *candidates, Py_ssize_t n_cand,
                            const double *pf) noexcept nogil


cdef void _free_attach(FreeProjection *F, const int *candidates,
                       Py_ssize_t n_cand, const double *pf, Py_ssize_t n_free,
                       int *ints, double *doubles) noexcept nogil


cdef int _free_solve(FreeProjection *F, Py_ssize_t n_act) noexcept nogil


cdef bint _free_act(FreeProjection *F, Py_ssize_t n_act, int j) noexcept nogil
