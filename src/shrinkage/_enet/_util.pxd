# Small helpers shared by the coordinate-descent kernels, inline so that the
# compiler inlines them at every call as it did when the kernels were one
# module: level-1 BLAS on raw pointers, the random coordinate order's
# generator, the KKT test of a coefficient at zero, the scale test of a
# target's squared norm, and buffer growth that keeps the old buffer when
# memory runs out.

from cython cimport floating
from libc.math cimport fabs
from libc.stdlib cimport realloc
from scipy.linalg.cython_blas cimport daxpy, ddot


cdef inline bint _zero_violates(double c, double bound, double curvature,
                                bint positive) noexcept nogil:
    """The KKT condition of a coefficient at zero fails: its correlation
    ``c`` exceeds ``bound`` = l1 f_j in absolute value (or above, under
    ``positive``). A coordinate of zero ``curvature`` (h_j + l2 f_j, an
    all-zero column) never moves, whatever ``c``."""
    if curvature <= 0.0:
        return False
    return c > bound if positive else fabs(c) > bound


cdef inline bint _sq_norm_in_range(double yy, Py_ssize_t n) noexcept nogil:
    """solve.py's ``_sq_norm_in_range``: ``yy = ||yc||^2`` (unit weights, n
    entries) proves ``max|yc|`` within (1e-50, 1e50), where no rescaling of
    the target is needed (NaN: False)."""
    return n * 1e-98 < yy < 1e98


cdef inline double _dot(Py_ssize_t n, const double *x, const double *y) noexcept nogil:
    cdef int n_ = <int>n, one = 1
    return ddot(&n_, <double *>x, &one, <double *>y, &one)


cdef inline void _axpy(Py_ssize_t n, double a, const double *x, double *y) noexcept nogil:
    cdef int n_ = <int>n, one = 1
    daxpy(&n_, &a, <double *>x, &one, y, &one)


cdef inline unsigned int _xorshift(unsigned int *state) noexcept nogil:
    # Marsaglia (2003), "Xorshift RNGs"; the state lives in the caller's frame.
    cdef unsigned int x = state[0]
    x ^= x << 13
    x ^= x >> 17
    x ^= x << 5
    state[0] = x
    return x


cdef inline bint _all_zero(const floating *w, Py_ssize_t p) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(p):
        if w[j] != 0.0:
            return False
    return True


cdef inline bint _grow_ints(int **buf, Py_ssize_t n) noexcept nogil:
    """Resize ``buf[0]`` to ``n`` ints; on failure it keeps the old buffer
    (still the caller's to free) and False is returned."""
    cdef void *grown = realloc(buf[0], n * sizeof(int))
    if grown == NULL:
        return False
    buf[0] = <int *>grown
    return True


cdef inline bint _grow_doubles(double **buf, Py_ssize_t n) noexcept nogil:
    """:func:`_grow_ints` for doubles."""
    cdef void *grown = realloc(buf[0], n * sizeof(double))
    if grown == NULL:
        return False
    buf[0] = <double *>grown
    return True
