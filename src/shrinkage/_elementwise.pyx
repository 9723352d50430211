"""Element-wise kernels over flat contiguous float64 buffers (no GIL)."""

from shrinkage._kernels cimport shr_soft_threshold


def soft_threshold_scalar(const double[::1] x, double t, double[::1] out):
    """out[i] = S(x[i], t) for one threshold t >= 0 (checked by the caller)."""
    cdef Py_ssize_t i, n = x.shape[0]
    with nogil:
        for i in range(n):
            out[i] = shr_soft_threshold(x[i], t)


def soft_threshold_array(const double[::1] x, const double[::1] t,
                         double[::1] out):
    """out[i] = S(x[i], t[i]) for per-element thresholds (same length)."""
    cdef Py_ssize_t i, n = x.shape[0]
    with nogil:
        for i in range(n):
            out[i] = shr_soft_threshold(x[i], t[i])
