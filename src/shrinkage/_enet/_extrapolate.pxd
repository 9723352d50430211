# Anderson extrapolation of the active-set cycling (see _extrapolate.pyx).

from shrinkage._enet._policy cimport ANDERSON_K


cdef struct Anderson:
    # The last ANDERSON_K + 1 iterates of the active-set cycling: the
    # coefficients of the active set (row length ld) and what the solver
    # keeps in step with them (residual and shift, or correlations), which
    # are linear in w and so extrapolate with the same weights.
    double *hist_w        # (K + 1) x ld
    double *hist_v        # (K + 1) x m
    double hist_shift[ANDERSON_K + 1]
    double *w_acc         # ld scratch
    double *v_acc         # m scratch
    Py_ssize_t ld
    Py_ssize_t m
    int count             # iterates stored since the last extrapolation
    bint enabled


cdef bint _anderson_store(Anderson *A, const double *w, const int *active,
                          Py_ssize_t n_active, const double *v,
                          double shift) noexcept nogil


cdef object _anderson_setup(Anderson *A, Py_ssize_t ld, Py_ssize_t m,
                            bint enabled)


cdef Py_ssize_t _anderson_doubles(Py_ssize_t ld, Py_ssize_t m) noexcept nogil


cdef void _anderson_attach(Anderson *A, double *buffer, Py_ssize_t ld,
                           Py_ssize_t m, bint enabled) noexcept nogil


cdef double _penalty_change(const double *w, const double *w_new,
                            const int *active, Py_ssize_t n_active,
                            const double *pf, double l1, double l2,
                            bint positive, double *penalty) noexcept nogil
