"""The lean route's compiled body: a small single covariance-update fit in
one call (issue 19; the policy, the checks and the fallback are lean.py's).

A fit of a 200 x 10 design costs a few microseconds of arithmetic; the
general route spends tens more in Python steps and NumPy temporaries
between its kernel calls. :func:`lean_gram_fit` makes those same calls --
the column statistics, the full Gram by the cache's ``fill_all``, the
correlations, the covariance solve -- on the same arrays in the same order,
with its scratch in C, so its results are the general route's bit for bit
(tests/test_lean_fit.py).
"""

import numpy as np

from libc.math cimport NAN, isfinite, sqrt
from libc.stdlib cimport free, malloc

from shrinkage._enet._columns cimport _column_stats, _stats_extent
from shrinkage._enet._covariance cimport (
    GramScratch,
    _gram_solve,
    _scratch_alloc,
    _scratch_free,
)
from shrinkage._enet._gram cimport GramCache, _gram_correlations
from shrinkage._enet._util cimport _sq_norm_in_range

# The scale window of solve.py's _design_scale (column statistics): data
# inside it is solved unscaled; outside, the general route rescales exactly.
cdef double _SCALE_LOW = 1e-50
cdef double _SCALE_HIGH = 1e50


def lean_gram_fit(X_flat, Py_ssize_t n, Py_ssize_t p, bint c_order,
                  const double[::1] y, double y_mean, bint fit_intercept,
                  double l1, double l2, bint positive, double tol, int max_iter,
                  const double[::1] no_weights):
    """Fit one target by covariance updates: ``(coef, x_mean, gap, n_iter,
    tol_abs, yy)``, or None when the data needs the general route.

    ``X_flat`` is the float64 buffer of an (n, p) design in C or Fortran
    order, ``y`` the target and ``y_mean`` its mean (0 without intercept:
    NumPy's sum, which the general route rounds the same way); ``l1``,
    ``l2`` the kernels' n-scaled penalties and ``tol`` scikit-learn's
    relative tolerance. None is returned, before anything is solved, when
    a column statistic or ``|yc|^2`` is not finite, a column is constant, or
    the scales leave the window the general route solves unscaled in.
    ``gap`` is the kernel's (n-scaled) duality gap; a coefficient that is
    not finite also returns None.
    """
    cdef const double[::1] X = X_flat
    cdef object x_mean_arr = np.empty(p), sq_norms_arr = np.empty(p)
    cdef double[::1] x_mean = x_mean_arr, sq_norms = sq_norms_arr
    cdef object coef = np.zeros(p)
    cdef double[::1] w = coef
    cdef double low_h, top_h, top_m, size_h, yy, tol_abs, gap = 0.0
    cdef double *buf = NULL
    cdef double *yc
    cdef double *v
    cdef double *q
    cdef double *c
    cdef double *pf
    cdef int *cand = NULL
    cdef int n_iter = 0
    cdef Py_ssize_t i
    cdef bint ok
    cdef GramScratch S
    cdef GramCache cache

    # DenseDesign(X, None, fit_intercept, 'gram'): statistics, then the Gram
    with nogil:
        _column_stats(&X[0], n, p, c_order, NULL, fit_intercept, &x_mean[0],
                      &sq_norms[0])
        ok = _stats_extent(p, &x_mean[0], &sq_norms[0], &low_h, &top_h, &top_m)
    # finite statistics prove X finite (a sum over a column holding an inf
    # or a NaN is not finite); centred norms all positive (no constant
    # column) with sqrt(max h / n) and max |mean| inside (1e-50, 1e50) are
    # the data solve_enet's _design_scale leaves unscaled
    if not ok:
        return None
    size_h = sqrt(top_h / n) if top_h >= 0.0 else NAN
    if not (low_h > 0.0 and size_h < _SCALE_HIGH and top_m < _SCALE_HIGH
            and (size_h > _SCALE_LOW or top_m > _SCALE_LOW)):
        return None
    cache = GramCache(X_flat, n, p, c_order, no_weights, x_mean_arr, sq_norms_arr)
    cache.fill_all()

    buf = <double *>malloc((2 * n + 3 * p) * sizeof(double))
    cand = <int *>malloc(p * sizeof(int))
    if buf == NULL or cand == NULL:
        free(buf)
        free(cand)
        raise MemoryError()
    yc, v, q, c, pf = buf, buf + n, buf + 2 * n, buf + 2 * n + p, buf + 2 * n + 2 * p
    try:
        with nogil:
            # solve_enet's target, centred as Design.center_targets does
            for i in range(n):
                yc[i] = y[i] - y_mean if fit_intercept else y[i]
            yy = _gram_correlations(cache, yc, v, q)
        # a finite yy in this range proves y finite and its scale 1
        if not _sq_norm_in_range(yy, n):
            return None
        for i in range(p):
            pf[i] = 1.0
            cand[i] = <int>i
        tol_abs = tol * yy
        _scratch_alloc(&S, p, p, 0)
        try:
            _gram_solve(cache, &S, q, yy, &sq_norms[0], pf, &w[0], c, cand, p,
                        l1, l2, positive, tol_abs, max_iter, False, 1, True,
                        False, &gap, &n_iter)
        finally:
            _scratch_free(&S)
    finally:
        free(buf)
        free(cand)
    for i in range(p):
        if not isfinite(w[i]):
            return None  # the general route says why (and cannot do better)
    return coef, x_mean_arr, gap, n_iter, tol_abs, yy
