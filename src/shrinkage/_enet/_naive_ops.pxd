# The naive (residual) solver's problem and its per-column operations, inline:
# the driver (_naive.pyx) calls them for every coordinate, ActiveGram
# (_gram.pyx) to compute Gram entries with the same columns, weights and
# centring. Friedman, Hastie & Tibshirani (2010), section 2.2: the residual
# r = yc - Xc w is kept, O(n) per coordinate (nonzeros of the column for CSC).

from cython cimport floating
from libc.math cimport fabs
from libc.string cimport memset

from shrinkage._kernels cimport (
    shr_centered_axpy,
    shr_centered_axpy_f32,
    shr_centered_dot,
    shr_centered_dot_f32,
    shr_dot_f32,
    shr_enet_coordinate,
)
from shrinkage._enet._util cimport _dot, _zero_violates


cdef struct NaiveProblem:
    Py_ssize_t n
    Py_ssize_t p
    bint sparse
    # The data in their own precision: float64 in X / data, or (single)
    # float32 in X32 / data32, the other pointer NULL. Everything else is
    # float64 whatever the data's precision (docs/design.md, "Precision").
    bint single
    const double *X       # dense: column-major, column j at X + j * n
    const float *X32
    const double *data    # CSC: values, row indices and column pointers
    const float *data32
    const Py_ssize_t *indices
    const Py_ssize_t *indptr
    const double *yc
    const double *sw      # NULL for unit weights
    double total          # sum of the weights (n)
    double *x_mean
    double *h             # centred weighted squared column norms
    const double *pf
    double *w
    # Dense: r = yc - Xc w itself. CSC: r = yc - X w and the scalar
    # shift = x_mean . w, with yc - Xc w = r + shift, so that a coefficient
    # change touches only the nonzeros of its column.
    double *r
    double shift
    unsigned char *offset # dense columns whose |mean| exceeds their spread
    double l1
    double l2
    bint positive


cdef inline void _set_problem(NaiveProblem *P, const double[::1] yc,
                              const double[::1] sw, double[::1] x_mean,
                              double[::1] sq_norms, const double[::1] pf,
                              double[::1] w, double[::1] residual, double l1,
                              double l2, bint positive) noexcept:
    """Point ``P`` at a solve's arrays (``sw`` empty: unit weights) and
    penalties; the data fields are the caller's (dense or CSC)."""
    P.yc = &yc[0]
    P.sw = &sw[0] if sw.shape[0] > 0 else NULL
    P.x_mean = &x_mean[0]
    P.h = &sq_norms[0]
    P.pf = &pf[0]
    P.w = &w[0]
    P.r = &residual[0]
    P.shift = 0.0
    P.l1 = l1
    P.l2 = l2
    P.positive = positive


cdef inline void _add_column(NaiveProblem *P, Py_ssize_t j, double a) noexcept nogil:
    """(yc - Xc w) += a * xc_j: the residual change when w_j moves by -a."""
    cdef Py_ssize_t k
    if P.sparse:
        if P.single:
            for k in range(P.indptr[j], P.indptr[j + 1]):
                P.r[P.indices[k]] += a * P.data32[k]
        else:
            for k in range(P.indptr[j], P.indptr[j + 1]):
                P.r[P.indices[k]] += a * P.data[k]
        P.shift -= a * P.x_mean[j]
    elif P.single:
        shr_centered_axpy_f32(P.n, a, P.X32 + j * P.n, P.x_mean[j], P.r)
    else:
        shr_centered_axpy(P.n, a, P.X + j * P.n, P.x_mean[j], P.r)


cdef inline double _csc_dot(const NaiveProblem *P, const floating *data,
                            Py_ssize_t j) noexcept nogil:
    """sum_i s_i x_ij r_i over the stored entries of CSC column j."""
    cdef Py_ssize_t k, i
    cdef double acc = 0.0
    if P.sw == NULL:
        for k in range(P.indptr[j], P.indptr[j + 1]):
            acc += data[k] * P.r[P.indices[k]]
    else:
        for k in range(P.indptr[j], P.indptr[j + 1]):
            i = P.indices[k]
            acc += P.sw[i] * data[k] * P.r[i]
    return acc


cdef inline double _gradient(NaiveProblem *P, Py_ssize_t j) noexcept nogil:
    """xc_j^T S (yc - Xc w). The residual is centred (sum_i s_i r_i = 0), so
    the centring of x_j drops out; it is kept where it protects digits."""
    cdef double acc
    if P.sparse:
        # sum_i s_i x_ij (r_i + shift) = sparse dot + shift * total * mean_j
        acc = _csc_dot(P, P.data32, j) if P.single else _csc_dot(P, P.data, j)
        return acc + P.shift * P.total * P.x_mean[j]
    if P.single:
        if P.sw == NULL and not P.offset[j]:
            return shr_dot_f32(P.n, P.X32 + j * P.n, P.r)
        return shr_centered_dot_f32(P.n, P.X32 + j * P.n, P.x_mean[j], P.sw, P.r)
    if P.sw == NULL and not P.offset[j]:
        return _dot(P.n, P.X + j * P.n, P.r)
    return shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], P.sw, P.r)


cdef inline void _columns_gram(NaiveProblem *P, const int *cols, Py_ssize_t k,
                               double *M, double *scratch) noexcept nogil:
    """``M[a * k + b] = xc_a^T S xc_b`` for the ``k`` columns ``cols``: each
    x_b is written into ``scratch`` (n) as if it were the residual, and the
    gradient routine gives its products with the others (the centring and
    the weights as for a gradient). ``P.r`` and ``P.shift`` are restored."""
    cdef Py_ssize_t a, b
    cdef double *r_saved = P.r
    cdef double shift_saved = P.shift
    P.r = scratch
    for b in range(k):
        memset(scratch, 0, P.n * sizeof(double))
        P.shift = 0.0
        _add_column(P, cols[b], 1.0)
        for a in range(k):
            M[a * k + b] = _gradient(P, cols[a])
    P.r = r_saved
    P.shift = shift_saved


cdef inline double _naive_step(NaiveProblem *P, Py_ssize_t j) noexcept nogil:
    """Minimise over coordinate j; returns |change|."""
    cdef double f = P.pf[j]
    cdef double denom = P.h[j] + P.l2 * f
    cdef double w_old = P.w[j], w_new
    if denom <= 0.0:
        return 0.0
    w_new = shr_enet_coordinate(_gradient(P, j) + P.h[j] * w_old, P.l1 * f,
                                denom, P.positive)
    if w_new != w_old:
        _add_column(P, j, w_old - w_new)
        P.w[j] = w_new
        return fabs(w_new - w_old)
    return 0.0


cdef inline bint _violates(NaiveProblem *P, Py_ssize_t j, double cj) noexcept nogil:
    """The KKT condition of w_j = 0 fails at correlation ``cj``."""
    return _zero_violates(cj, P.l1 * P.pf[j], P.h[j] + P.l2 * P.pf[j],
                          P.positive)


cdef inline double _column_cost(NaiveProblem *P, Py_ssize_t j) noexcept nogil:
    """Flops of one product with column j (its nonzeros for CSC data)."""
    if P.sparse:
        return <double>(P.indptr[j + 1] - P.indptr[j]) + 1.0
    return <double>P.n
