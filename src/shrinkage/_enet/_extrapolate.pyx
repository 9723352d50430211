"""Anderson extrapolation of the cyclic passes over the active set.

Every ANDERSON_K + 1 passes the last iterates are combined into an
extrapolated point (Bertrand & Massias 2021, "Anderson acceleration of
coordinate descent", AISTATS; the weights come from
csrc/shrinkage_anderson.h). The drivers keep it only when it lowers the
objective, so convergence and the certificate are untouched; what they keep
in step with the coefficients (residual or correlations) is linear in them
and extrapolates with the same weights.
"""

import numpy as np

from libc.math cimport INFINITY, fabs
from libc.string cimport memcpy

from shrinkage._kernels cimport shr_anderson_combine, shr_anderson_weights


cdef bint _anderson_store(Anderson *A, const double *w, const int *active,
                          Py_ssize_t n_active, const double *v,
                          double shift) noexcept nogil:
    """Record an iterate; True when K + 1 are stored and the extrapolated
    point is in ``A.w_acc`` / ``A.v_acc`` / the returned shift slot (then the
    history restarts, as in Bertrand & Massias 2021, Algorithm 1)."""
    cdef Py_ssize_t t
    cdef double *hw = A.hist_w + A.count * A.ld
    cdef double c[ANDERSON_K]
    cdef int k
    for t in range(n_active):
        hw[t] = w[active[t]]
    memcpy(A.hist_v + A.count * A.m, v, A.m * sizeof(double))
    A.hist_shift[A.count] = shift
    A.count += 1
    if A.count <= ANDERSON_K:
        return False
    A.count = 0
    if not shr_anderson_weights(ANDERSON_K, n_active, A.hist_w, A.ld, c):
        return False
    shr_anderson_combine(ANDERSON_K, n_active, A.hist_w, A.ld, c, A.w_acc)
    shr_anderson_combine(ANDERSON_K, A.m, A.hist_v, A.m, c, A.v_acc)
    A.hist_shift[ANDERSON_K] = 0.0
    for k in range(ANDERSON_K):
        A.hist_shift[ANDERSON_K] += c[k] * A.hist_shift[k + 1]
    return True


cdef Py_ssize_t _anderson_doubles(Py_ssize_t ld, Py_ssize_t m) noexcept nogil:
    """The buffer :func:`_anderson_attach` needs, in doubles."""
    return (ANDERSON_K + 2) * (max(ld, 1) + max(m, 1))


cdef void _anderson_attach(Anderson *A, double *buffer, Py_ssize_t ld,
                           Py_ssize_t m, bint enabled) noexcept nogil:
    """Point ``A`` at ``buffer`` (:func:`_anderson_doubles` doubles, owned
    by the caller) for ``ld`` coefficients and ``m`` companion values."""
    cdef Py_ssize_t lw = max(ld, 1), lv = max(m, 1)
    A.hist_w = buffer
    A.hist_v = A.hist_w + (ANDERSON_K + 1) * lw
    A.w_acc = A.hist_v + (ANDERSON_K + 1) * lv
    A.v_acc = A.w_acc + lw
    A.ld = ld
    A.m = m
    A.count = 0
    A.enabled = enabled


cdef object _anderson_setup(Anderson *A, Py_ssize_t ld, Py_ssize_t m,
                            bint enabled):
    """Point ``A`` at a fresh buffer for ``ld`` coefficients and ``m``
    companion values; returns the array, which the caller keeps alive."""
    cdef double[::1] buffer = np.empty(_anderson_doubles(ld, m))
    _anderson_attach(A, &buffer[0], ld, m, enabled)
    return buffer


cdef double _penalty_change(const double *w, const double *w_new,
                            const int *active, Py_ssize_t n_active,
                            const double *pf, double l1, double l2,
                            bint positive, double *penalty) noexcept nogil:
    """Penalty at ``w_new`` (indexed like ``active``) minus penalty at
    ``w``, over the active set; +inf when ``w_new`` leaves the positive
    orthant under ``positive``. ``penalty`` receives the penalty at ``w``."""
    cdef Py_ssize_t t, j
    cdef double a, b, out = 0.0, at_w = 0.0
    for t in range(n_active):
        j = active[t]
        a = w[j]
        b = w_new[t]
        if positive and b < 0.0:
            return INFINITY
        at_w += pf[j] * (l1 * fabs(a) + 0.5 * l2 * a * a)
        out += pf[j] * (l1 * (fabs(b) - fabs(a)) + 0.5 * l2 * (b * b - a * a))
    penalty[0] = at_w
    return out
