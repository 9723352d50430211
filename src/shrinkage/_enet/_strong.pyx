"""Candidate sets of the path driver (path.py): the sequential strong rule
and the KKT check of the features it discarded.

Tibshirani, Bien, Friedman, Hastie, Simon, Taylor & Tibshirani (2012),
"Strong rules for discarding predictors in lasso-type problems", JRSS B
74(2), eq. (7), with penalty factors: at ``l1`` with correlations ``c``
taken at ``l1_ref``, feature j is kept when ``|c_j| >= f_j (2 l1 -
l1_ref)`` (``c_j`` under ``positive``). The rule can discard a feature
that is active at the solution, so each solve is followed by the KKT check
of the discarded ones; the driver re-solves with the violators added.

The same comparisons, in the same floating-point operations, as NumPy's
elementwise versions would make; here they cost one pass over p values
instead of several NumPy calls per alpha, which dominated small paths.
"""

import numpy as np

from libc.math cimport fabs


cdef Py_ssize_t _strong_set(Py_ssize_t p, const double *c, double l1, double l1_ref,
                            const double *pf, bint positive, const double *w,
                            const unsigned char *keep, int *out) noexcept nogil:
    """Write to ``out`` (ascending) the features kept at ``l1`` from the
    correlations ``c`` taken at ``l1_ref``: the strong rule's, the nonzero
    and those with ``keep[j]`` nonzero; returns their number."""
    cdef Py_ssize_t j, k = 0
    cdef double step = 2.0 * l1 - (l1_ref if l1_ref > l1 else l1)
    cdef double score
    for j in range(p):
        score = c[j] if positive else fabs(c[j])
        if score >= pf[j] * step or w[j] != 0.0 or keep[j]:
            out[k] = <int>j
            k += 1
    return k


cdef Py_ssize_t _kkt_violations(Py_ssize_t p, const double *c, Py_ssize_t stride,
                                const unsigned char *taken, double l1,
                                const double *pf, bint positive,
                                unsigned char *violator) noexcept nogil:
    """Flag in ``violator`` (left as is elsewhere) the features with
    ``taken[j]`` zero whose correlation ``c[j * stride]`` violates the KKT
    condition of a zero coefficient: ``|c_j| > l1 f_j`` (``c_j > l1 f_j``
    under ``positive``); returns their number."""
    cdef Py_ssize_t j, k = 0
    cdef double score
    for j in range(p):
        if taken[j]:
            continue
        score = c[j * stride] if positive else fabs(c[j * stride])
        if score > l1 * pf[j]:
            violator[j] = 1
            k += 1
    return k


def strong_candidates(const double[::1] c, double l1, double l1_ref,
                      const double[::1] pf, bint positive, const double[::1] w,
                      const unsigned char[::1] keep, forced):
    """Features kept at ``l1`` (int32, ascending): the strong rule's, the
    nonzero, the unpenalised (``keep`` nonzero) and ``forced`` (an int
    array or None)."""
    cdef Py_ssize_t p = c.shape[0], j, k
    cdef unsigned char[::1] mask = np.array(keep, dtype=np.uint8)
    cdef int[::1] out = np.empty(max(p, 1), dtype=np.intc)
    if p == 0:
        return np.asarray(out)[:0]
    if forced is not None:
        for j in np.asarray(forced, dtype=np.intp):
            mask[j] = 1
    with nogil:
        k = _strong_set(p, &c[0], l1, l1_ref, &pf[0], positive, &w[0], &mask[0], &out[0])
    return np.asarray(out)[:k]


def kkt_violators(const double[:] c, const int[::1] candidates, double l1,
                  const double[::1] pf, bint positive):
    """Features outside ``candidates`` whose correlation violates the KKT
    condition of a zero coefficient: ``|c_j| > l1 f_j`` (``c_j > l1 f_j``
    under ``positive``); an int64 array, ascending."""
    cdef Py_ssize_t p = c.shape[0], t
    cdef unsigned char[::1] taken = np.zeros(max(p, 1), dtype=np.uint8)
    cdef unsigned char[::1] violator = np.zeros(max(p, 1), dtype=np.uint8)
    if p == 0:
        return np.flatnonzero(np.asarray(violator)[:0])
    for t in range(candidates.shape[0]):
        taken[candidates[t]] = 1
    with nogil:
        _kkt_violations(p, &c[0], c.strides[0] // sizeof(double), &taken[0], l1,
                        &pf[0], positive, &violator[0])
    return np.flatnonzero(np.asarray(violator)[:p])
