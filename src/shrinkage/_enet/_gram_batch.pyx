"""Many covariance-update solves on one Gram cache in one call.

:func:`gram_path`: the loop of path.py's ``solve_path`` for Gram designs,
in C. At each alpha
the sequential strong rule (Tibshirani et al. 2012, eq. (7); _strong.pyx
shared with the Python loop) picks the candidates, the covariance
solve (_covariance.pyx) runs on them warm-started from the previous alpha,
and the KKT conditions of the discarded features are checked from the
correlations ``q - G w`` the solve leaves; a violation re-solves that alpha
with the violators added. The operations and their order are those of the
Python loop, so the results are the same bit for bit; what is saved is the
Python around each solve (tens of microseconds per alpha, more than the
solves of a small problem cost).

:func:`gram_targets`: the independent targets of one fit (solve.py's
``_TargetSolves`` loop), each solved as it would be alone.
"""

import numpy as np

from libc.math cimport isfinite, isnan
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from shrinkage._enet._covariance cimport (
    GramScratch,
    _gram_solve,
    _scratch_alloc,
    _scratch_free,
)
from shrinkage._enet._gram cimport GramCache, _gram_correlations
from shrinkage._enet._strong cimport _kkt_violations, _strong_set
from shrinkage._enet._util cimport _sq_norm_in_range


def gram_path(
    GramCache cache, const double[::1] q, double yy,
    const double[::1] sq_norms, const double[::1] pf,
    const unsigned char[::1] unpenalised, double[::1] w, double[::1] kernel_c,
    const double[::1] l1s, const double[::1] l2s, bint positive,
    double tol_abs, int max_iter, bint random, unsigned int seed,
    bint strong_rules, bint have_c, const double[::1] c_start, double l1_ref,
    double[::1, :] coefs, double[::1] gaps, Py_ssize_t[::1] n_iters,
    double n_samples,
):
    """Solve the path over ``l1s``/``l2s`` (descending) from ``w``.

    ``strong_rules``: screen by the strong rule, from the correlations at
    the previous alpha's solution, and at the first alpha from ``c_start``
    (taken at ``l1_ref``) when ``have_c`` (otherwise every feature is a
    candidate there). ``coefs`` (p, n_alphas), ``gaps``
    (divided by ``n_samples``) and ``n_iters`` receive the results;
    ``kernel_c`` holds ``q - G w`` at the end. Returns ``(batches,
    kkt_restarts)`` as solve_path counts them.
    """
    cdef Py_ssize_t p = cache.p, n_alphas = l1s.shape[0], k = 0, j, n_cand
    cdef Py_ssize_t batches = 0, restarts = 0, n_free = 0
    cdef double gap
    cdef int it
    cdef bint current = False
    cdef GramScratch S
    cdef int *cand = NULL
    cdef double *c = NULL                 # the strong rule's reference correlations
    cdef unsigned char *keep = NULL       # unpenalised, or violators at this alpha
    cdef unsigned char *taken = NULL      # the candidates at this alpha
    if p == 0:  # as the Python loop: each alpha a batch, gap 0
        for k in range(n_alphas):
            gaps[k] = 0.0
        return n_alphas, 0
    for j in range(p):
        if pf[j] == 0.0:
            n_free += 1
    _scratch_alloc(&S, p, p, n_free)
    try:
        cand = <int *>malloc(max(p, 1) * sizeof(int))
        c = <double *>malloc(max(p, 1) * sizeof(double))
        keep = <unsigned char *>malloc(max(p, 1) * sizeof(unsigned char))
        taken = <unsigned char *>malloc(max(p, 1) * sizeof(unsigned char))
        if cand == NULL or c == NULL or keep == NULL or taken == NULL:
            raise MemoryError()
        memcpy(keep, &unpenalised[0], p * sizeof(unsigned char))
        if have_c:
            memcpy(c, &c_start[0], p * sizeof(double))
        while k < n_alphas:
            # the candidates at alpha k
            n_cand = 0
            if strong_rules and have_c and l1s[k] > 0.0:
                n_cand = _strong_set(p, c, l1s[k], l1_ref, &pf[0], positive, &w[0],
                                     keep, cand)
            else:
                for j in range(p):
                    cand[j] = <int>j
                n_cand = p
            if n_cand:
                _gram_solve(cache, &S, &q[0], yy, &sq_norms[0], &pf[0], &w[0],
                            &kernel_c[0], cand, n_cand, l1s[k], l2s[k], positive,
                            tol_abs, max_iter, random, seed, True, current,
                            &gap, &it)
            else:
                # nothing may move and w = 0: the correlations are q
                gap, it = 0.0, 0
                memcpy(&kernel_c[0], &q[0], p * sizeof(double))
            current = True
            for j in range(p):
                coefs[j, k] = w[j]
            gaps[k] = gap / n_samples
            n_iters[k] += it
            batches += 1
            # the KKT conditions of the features the rule left out
            if n_cand < p:
                memset(taken, 0, p * sizeof(unsigned char))
                for j in range(n_cand):
                    taken[cand[j]] = 1
                if _kkt_violations(p, &kernel_c[0], 1, taken, l1s[k], &pf[0],
                                   positive, keep):
                    restarts += 1  # alpha k again, with its violators kept
                    continue
            memcpy(c, &kernel_c[0], p * sizeof(double))
            l1_ref = l1s[k]
            have_c = True
            memcpy(keep, &unpenalised[0], p * sizeof(unsigned char))
            k += 1
    finally:
        _scratch_free(&S)
        free(cand)
        free(c)
        free(keep)
        free(taken)
    return batches, restarts


def gram_targets(
    GramCache cache, const double[::1, :] Yc, Py_ssize_t start, Py_ssize_t stop,
    bint forget_first, const double[::1] sq_norms, const double[::1] pf,
    double[:, ::1] coef, double l1, double l2, bint positive, double tol,
    int max_iter, bint random, unsigned int seed, bint unweighted,
    double[::1] gaps, Py_ssize_t[::1] n_iters, double[::1] raw_gaps,
    double[::1] yys,
):
    """Solve targets ``start <= k < stop`` (columns of the centred ``Yc``,
    coefficients in the rows of ``coef``, warm starts on entry), each from
    a fresh Newton state except the first unless ``forget_first`` (as
    ``_TargetSolves``). Writes ``gaps`` (divided by n), ``n_iters``, the
    kernel's ``raw_gaps`` and ``yys`` (``yc^T S yc``). Returns the first
    target it leaves to the caller -- one whose scale needs the exact
    rescaling of solve.py (``|yc|`` beyond 1e50 or below 1e-50, or a NaN)
    -- or ``stop``."""
    cdef Py_ssize_t n = cache.n, p = cache.p, k, i, j
    cdef double yy, gap, top, lo, hi
    cdef int it
    cdef bint bad
    cdef GramScratch S
    cdef const double *yc
    cdef double *v = NULL
    cdef double *q = NULL
    cdef double *c = NULL
    cdef int *cand = NULL
    cdef Py_ssize_t n_free = 0
    if not isfinite(l1):
        return start  # alpha * n overflows: solve.py maps it
    for j in range(p):
        if pf[j] == 0.0:
            n_free += 1
    _scratch_alloc(&S, p, p, n_free)
    try:
        v = <double *>malloc(max(n, 1) * sizeof(double))
        q = <double *>malloc(max(p, 1) * sizeof(double))
        c = <double *>malloc(max(p, 1) * sizeof(double))
        cand = <int *>malloc(max(p, 1) * sizeof(int))
        if v == NULL or q == NULL or c == NULL or cand == NULL:
            raise MemoryError()
        for j in range(p):
            cand[j] = <int>j
        for k in range(start, stop):
            yc = &Yc[0, k]
            with nogil:
                yy = _gram_correlations(cache, yc, v, q)
            if not (unweighted and _sq_norm_in_range(yy, n)):
                # what solve.py's _target_scale reads: max |yc|
                bad = False
                lo, hi = yc[0] if n else 0.0, yc[0] if n else 0.0
                for i in range(n):
                    if isnan(yc[i]):
                        bad = True
                        break
                    if yc[i] > hi:
                        hi = yc[i]
                    if yc[i] < lo:
                        lo = yc[i]
                top = hi if hi >= -lo else -lo
                if bad or top > 1e50 or 0.0 < top < 1e-50:
                    return k
            if k > start or forget_first:
                cache.forget_solves()
            _gram_solve(cache, &S, q, yy, &sq_norms[0], &pf[0], &coef[k, 0], c,
                        cand, p, l1, l2, positive, tol * yy, max_iter, random,
                        seed, True, False, &gap, &it)
            gaps[k] = gap / n
            n_iters[k] = it
            raw_gaps[k] = gap
            yys[k] = yy
    finally:
        _scratch_free(&S)
        free(v)
        free(q)
        free(c)
        free(cand)
    return stop
