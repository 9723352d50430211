# Declarations of the plain-C kernels in csrc/shrinkage_kernels.h, shared by
# every compiled module (cimport them from here, never redeclare them).

cdef extern from "shrinkage_kernels.h" nogil:
    double shr_soft_threshold(double z, double t) noexcept
    double shr_enet_coordinate(double z, double l1, double h_plus_l2,
                               int positive) noexcept
    void shr_centered_axpy(Py_ssize_t n, double a, const double *x, double m,
                           double *r) noexcept
    double shr_weighted_sum(Py_ssize_t n, const double *x,
                            const double *s) noexcept
    double shr_centered_sq_norm(Py_ssize_t n, const double *x, double m,
                                const double *s) noexcept
    double shr_centered_dot(Py_ssize_t n, const double *x, double m,
                            const double *s, const double *r) noexcept
    void shr_column_moments(Py_ssize_t n, const double *x, const double *s,
                            const double *r, double shift,
                            double *out) noexcept
    # float32 columns, float64 everything else (csrc/shrinkage_columns.h)
    void shr_centered_axpy_f32(Py_ssize_t n, double a, const float *x,
                               double m, double *r) noexcept
    double shr_weighted_sum_f32(Py_ssize_t n, const float *x,
                                const double *s) noexcept
    double shr_centered_sq_norm_f32(Py_ssize_t n, const float *x, double m,
                                    const double *s) noexcept
    double shr_centered_dot_f32(Py_ssize_t n, const float *x, double m,
                                const double *s, const double *r) noexcept
    void shr_column_moments_f32(Py_ssize_t n, const float *x, const double *s,
                                const double *r, double shift,
                                double *out) noexcept
    double shr_dot_f32(Py_ssize_t n, const float *x, const double *r) noexcept
    void shr_gemv_t_f32(Py_ssize_t n, Py_ssize_t p, const float *X,
                        int c_order, const double *v, double *out) noexcept


cdef extern from "shrinkage_anderson.h" nogil:
    int SHR_ANDERSON_MAX_K
    int shr_anderson_weights(int K, Py_ssize_t m, const double *hist,
                             Py_ssize_t ld, double *c) noexcept
    void shr_anderson_combine(int K, Py_ssize_t m, const double *hist,
                              Py_ssize_t ld, const double *c,
                              double *out) noexcept


cdef extern from "shrinkage_cholesky.h" nogil:
    int shr_chol_append(Py_ssize_t k, double *L, Py_ssize_t ld, double *h,
                        double hkk) noexcept
    void shr_chol_delete(Py_ssize_t k, double *L, Py_ssize_t ld, Py_ssize_t i,
                         double *scratch) noexcept
