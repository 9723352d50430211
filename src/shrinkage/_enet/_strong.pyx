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


def strong_candidates(const double[::1] c, double l1, double l1_ref,
                      const double[::1] pf, bint positive, const double[::1] w,
                      const unsigned char[::1] keep, forced):
    """Features kept at ``l1`` (int32, ascending): the strong rule's, the
    nonzero, the unpenalised (``keep`` nonzero) and ``forced`` (an int
    array or None)."""
    cdef Py_ssize_t p = c.shape[0], j, k = 0
    cdef double step = 2.0 * l1 - (l1_ref if l1_ref > l1 else l1)
    cdef double score
    cdef unsigned char[::1] mask
    cdef int[::1] out = np.empty(p, dtype=np.intc)
    cdef const long long[::1] extra
    if forced is None:
        with nogil:
            for j in range(p):
                score = c[j] if positive else fabs(c[j])
                if score >= pf[j] * step or w[j] != 0.0 or keep[j]:
                    out[k] = <int>j
                    k += 1
    else:
        mask = np.zeros(p, dtype=np.uint8)
        extra = np.ascontiguousarray(forced, dtype=np.int64)
        for j in range(extra.shape[0]):
            mask[extra[j]] = 1
        with nogil:
            for j in range(p):
                score = c[j] if positive else fabs(c[j])
                if score >= pf[j] * step or w[j] != 0.0 or keep[j] or mask[j]:
                    out[k] = <int>j
                    k += 1
    return np.asarray(out)[:k]


def kkt_violators(const double[:] c, const int[::1] candidates, double l1,
                  const double[::1] pf, bint positive):
    """Features outside ``candidates`` whose correlation violates the KKT
    condition of a zero coefficient: ``|c_j| > l1 f_j`` (``c_j > l1 f_j``
    under ``positive``); an int64 array, ascending."""
    cdef Py_ssize_t p = c.shape[0], j, t, k = 0
    cdef double score
    cdef unsigned char[::1] taken = np.zeros(p, dtype=np.uint8)
    cdef long long[::1] out = np.empty(p, dtype=np.int64)
    with nogil:
        for t in range(candidates.shape[0]):
            taken[candidates[t]] = 1
        for j in range(p):
            if taken[j]:
                continue
            score = c[j] if positive else fabs(c[j])
            if score > l1 * pf[j]:
                out[k] = j
                k += 1
    return np.asarray(out)[:k]
