"""The duality gap that certifies every coordinate-descent solve.

The elastic net is written as a Lasso on augmented data and the dual point
is obtained by rescaling the residual (the certificate scikit-learn uses, so
``tol`` means the same; docs/design.md). Unpenalised features (f_j = 0)
have equality dual constraints, met by projecting the residual onto the
orthogonal complement of their columns first (:class:`FreeProjection`).
The gap also sizes the gap-safe sphere of the naive solver's screening:
Fercoq, Gramfort & Salmon (2015), "Mind the duality gap: safer rules for the
Lasso", ICML; Ndiaye et al. (2017), "Gap safe screening rules for sparsity
enforcing penalties", JMLR 18(128).
"""

import numpy as np

from libc.math cimport fabs
from scipy.linalg.cython_lapack cimport dposv


cdef GapTerms _duality_gap(
    Py_ssize_t p, const double *w, const double *c, const double *pf,
    const double *h,
    const int *candidates, Py_ssize_t n_cand, double l1, double l2,
    bint positive, double ry, double free_term=-1.0,
) noexcept nogil:
    """Duality gap of the restricted problem over ``candidates``.

    ``c_j = Xc_j^T S r`` and ``ry = yc^T S r``. Writing ``A_j = c_j - l2 f_j
    w_j`` (the correlation of feature j with the augmented residual) and
    ``s = min(1, l1 / max_j |A_j| / f_j)``, the primal/dual pair of
    formulation "A" gives

        gap = 0.5 (1 - s)^2 ry + 0.5 (1 + s^2) (l2 sum f w^2 - w.c) + l1 sum f|w|

    which follows from ``||r||^2 = ry - w.c``; this form has no cancellation
    of large terms, so it stays accurate when the residual is tiny relative to
    y. Features with f_j = 0 are unpenalised: their dual constraint
    ``A_j = 0`` (``<= 0`` under ``positive``) is met by projecting the
    residual first (:func:`_free_projection`); ``c`` and ``ry`` are then
    those of the projected residual ``u`` and ``free_term`` =
    ``0.5 (|r|^2 - |u|^2)`` is added. A negative ``free_term`` (the ridge
    formulations, l1 = 0) charges instead the decrease still available
    along each free coordinate (``c_j^2 / (2 h_j)``).

    With l1 = 0 the dual of the ridge problem is used instead (formulation
    "B"), and with l1 = l2 = 0 the squared gradient norm, as in scikit-learn.
    """
    cdef GapTerms out
    cdef Py_ssize_t t, j
    cdef double a, f, wj, w_dot_c = 0.0, w_l1 = 0.0, w_l2 = 0.0
    cdef double dual_norm = 0.0, scale, grad2 = 0.0, free_decrease = 0.0, step
    for t in range(n_cand):
        j = candidates[t]
        wj = w[j]
        f = pf[j]
        if free_term < 0.0 and f == 0.0 and h[j] > 0.0:
            # Exact minimisation along j, kept feasible (w_j >= 0 if positive).
            step = c[j] / h[j]
            if positive and wj + step < 0.0:
                step = -wj
            free_decrease += c[j] * step - 0.5 * h[j] * step * step
        w_dot_c += wj * c[j]
        w_l1 += f * fabs(wj)
        w_l2 += f * wj * wj
        if l1 > 0.0:
            if f > 0.0:
                a = (c[j] - l2 * f * wj) / f
                if not positive:
                    a = fabs(a)
                if a > dual_norm:
                    dual_norm = a
        elif l2 > 0.0:
            # Under ``positive`` the conjugate of the penalty is
            # sum_j max(v_j, 0)^2 / (2 l2 f_j): a negative correlation is
            # out of reach of w_j >= 0 and costs nothing.
            if f > 0.0 and (c[j] > 0.0 or not positive):
                grad2 += c[j] * c[j] / f
        elif c[j] > 0.0 or not positive or wj > 0.0:
            grad2 += c[j] * c[j]
    out.dual_norm = dual_norm
    if l1 > 0.0:
        scale = 1.0 if dual_norm <= l1 else l1 / dual_norm
        out.gap = (0.5 * (1.0 - scale) * (1.0 - scale) * ry
                   + 0.5 * (1.0 + scale * scale) * (l2 * w_l2 - w_dot_c)
                   + l1 * w_l1)
    elif l2 > 0.0:
        # P - D with theta = r is ||r||^2 + l2/2 |w|^2_f - ry + |c|^2_{1/f} / (2 l2),
        # and ||r||^2 - ry = -w.c.
        out.gap = -w_dot_c + 0.5 * l2 * w_l2 + grad2 / (2.0 * l2)
    else:
        out.gap = grad2
    out.gap += free_decrease if free_term < 0.0 else free_term
    return out


cdef Py_ssize_t _free_count(const int *candidates, Py_ssize_t n_cand,
                            const double *pf) noexcept nogil:
    """The number of unpenalised candidates (f_j = 0). The buffers of
    :func:`_free_attach` for ``k`` of them: ``2 m`` ints and ``m^2 + 2 m``
    doubles, ``m = max(k, 1)``."""
    cdef Py_ssize_t t, k = 0
    for t in range(n_cand):
        if pf[candidates[t]] == 0.0:
            k += 1
    return k


cdef void _free_attach(FreeProjection *F, const int *candidates,
                       Py_ssize_t n_cand, const double *pf, Py_ssize_t n_free,
                       int *ints, double *doubles) noexcept nogil:
    """Point ``F`` at the ``n_free`` unpenalised candidates and the
    caller's buffers (sizes in :func:`_free_count`)."""
    cdef Py_ssize_t t, k = 0, m = max(n_free, 1)
    F.free = ints
    F.act = ints + m
    F.M = doubles
    F.beta = doubles + m * m
    F.cf = F.beta + m
    for t in range(n_cand):
        if pf[candidates[t]] == 0.0:
            F.free[k] = candidates[t]
            k += 1
    F.n_free = k


cdef object _free_setup(FreeProjection *F, const int[::1] candidates,
                        const double[::1] pf):
    """Point ``F`` at the unpenalised candidates and fresh buffers; returns
    the arrays, which the caller keeps alive."""
    cdef Py_ssize_t n_cand = candidates.shape[0]
    cdef const int *cand = &candidates[0] if n_cand > 0 else NULL
    cdef const double *f = &pf[0] if pf.shape[0] > 0 else NULL
    cdef Py_ssize_t k = _free_count(cand, n_cand, f)
    cdef Py_ssize_t m = max(k, 1)
    cdef int[::1] ints = np.empty(2 * m, dtype=np.intc)
    cdef double[::1] doubles = np.empty(m * m + 2 * m)
    _free_attach(F, cand, n_cand, f, k, &ints[0], &doubles[0])
    return (ints, doubles)


cdef int _free_solve(FreeProjection *F, Py_ssize_t n_act) noexcept nogil:
    """beta = M^-1 cf by Cholesky (M is overwritten); a tiny ridge relative to
    the trace rescues duplicated free columns. Returns 0 on success."""
    cdef int k = <int>n_act, one = 1, info = 0
    cdef char uplo = b'U'
    cdef Py_ssize_t i
    cdef double trace = 0.0
    for i in range(n_act):
        trace += F.M[i * n_act + i]
        F.beta[i] = F.cf[i]
    for i in range(n_act):
        F.M[i * n_act + i] += 1e-13 * trace
    dposv(&uplo, &k, &one, F.M, &k, F.beta, &k, &info)
    return info


cdef bint _free_act(FreeProjection *F, Py_ssize_t n_act, int j) noexcept nogil:
    cdef Py_ssize_t t
    for t in range(n_act):
        if F.act[t] == j:
            return True
    return False
