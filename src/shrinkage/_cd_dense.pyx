# cython: cpow=True
"""Coordinate descent for the elastic net on dense float64 data.

Solves, in scikit-learn's "n-scaled" form (the objective of design.md §1
multiplied by n, with sample weights s summing to n):

    min_w  0.5 * sum_i s_i (yc_i - xc_i.w)^2
           + l1 * sum_j f_j |w_j| + 0.5 * l2 * sum_j f_j w_j^2

where ``xc = x - x_mean`` and ``yc = y - y_mean`` are centred implicitly (the
caller passes ``x_mean`` = 0 without an intercept). ``X`` is never copied or
modified here.

Two state representations, after Friedman, Hastie & Tibshirani (2010),
"Regularization paths for generalized linear models via coordinate descent",
J. Stat. Softw. 33(1), section 2.2:

* naive updates keep the residual ``r = yc - Xc w`` (O(n) per coordinate);
* covariance updates keep ``c = Xc^T S r`` and Gram columns
  ``G[:, k] = Xc^T S xc_k`` for the features that have ever been nonzero
  (O(p) per change, independent of n), see :class:`GramCache`.

Both cycle over the active set between full passes (glmnet's strategy),
extrapolating every few cyclic passes (Anderson acceleration: Bertrand &
Massias 2021, "Anderson acceleration of coordinate descent", AISTATS; kept
only when it lowers the objective; csrc/shrinkage_anderson.h), take Newton
steps on the support once its signs hold (the active-set method of Osborne,
Presnell & Turlach 2000, with a Cholesky factor updated as features enter
and leave: see "Newton steps on a fixed sign pattern" and
csrc/shrinkage_cholesky.h), and stop on the duality gap of the elastic net
written as a Lasso on augmented data, with a dual point obtained by
rescaling the residual (the certificate scikit-learn uses, so ``tol`` means
the same). The naive solver also applies gap-safe screening: Fercoq,
Gramfort & Salmon (2015), "Mind the duality gap: safer rules for the
Lasso", ICML; Ndiaye et al. (2017), JMLR 18(128).

Kernels hold no policy: tolerances arrive already scaled, the method is
chosen by the caller (shrinkage._solvers).
"""

import numpy as np

from libc.math cimport INFINITY, NAN, fabs, log, pow, sqrt
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport daxpy, ddot, dgemm, dgemv, dsyrk, dtrsm, dtrsv
from scipy.linalg.cython_lapack cimport dposv, dpotrf

from shrinkage._kernels cimport (
    shr_anderson_combine,
    shr_anderson_weights,
    shr_centered_axpy,
    shr_centered_dot,
    shr_column_moments,
    shr_centered_sq_norm,
    shr_chol_append,
    shr_chol_delete,
    shr_enet_coordinate,
    shr_weighted_dot,
    shr_weighted_sum,
)

cdef enum:
    # Passes between Anderson extrapolations of the active-set cycling
    # (Bertrand & Massias 2021 and skglm use 5).
    ANDERSON_K = 5

# A duality gap computed from the running correlations of covariance updates
# (which drift by rounding) is trusted to say "not converged" when it
# exceeds the tolerance by this factor; below it the correlations are
# refreshed from scratch and the gap recomputed before it certifies.
cdef double REFRESH_MARGIN = 4.0

# Relative coefficient change below which a pass counts as converged and the
# duality gap is evaluated (scikit-learn's trigger); divided by 10 each time
# the gap then fails, so the inner loops tighten until the gap certifies.
cdef double DW_TOL_START = 1e-4

# in_active flags of the naive solver: 1 active, 2 screened (for
# _filter_active), ZERO_MARK active and zero after the last pass.
cdef unsigned char ZERO_MARK = 3


# --------------------------------------------------------------------------
# small helpers

cdef inline bint _zero_violates(double c, double bound, double curvature,
                                bint positive) noexcept nogil:
    """The KKT condition of a coefficient at zero fails: its correlation
    ``c`` exceeds ``bound`` = l1 f_j in absolute value (or above, under
    ``positive``). A coordinate of zero ``curvature`` (h_j + l2 f_j, an
    all-zero column) never moves, whatever ``c``."""
    if curvature <= 0.0:
        return False
    return c > bound if positive else fabs(c) > bound

# --------------------------------------------------------------------------

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


cdef struct GapTerms:
    double gap
    double dual_norm     # max_j |X~_j^T theta| / f_j over penalised features


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
            if f > 0.0:
                grad2 += c[j] * c[j] / f
        else:
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


# --------------------------------------------------------------------------
# unpenalised features in the certificate
# --------------------------------------------------------------------------

cdef struct FreeProjection:
    # Unpenalised features (f_j = 0) among the candidates and the buffers to
    # project the residual onto the orthogonal complement of their columns.
    int *free             # their indices
    Py_ssize_t n_free
    int *act              # those projected on
    double *M             # n_free^2: Gram block of act, then its Cholesky factor
    double *beta          # n_free
    double *cf            # n_free: correlations of act with the residual


cdef object _free_setup(FreeProjection *F, const int[::1] candidates,
                        const double[::1] pf):
    """Point ``F`` at the unpenalised candidates and fresh buffers; returns
    the arrays, which the caller keeps alive."""
    cdef Py_ssize_t t, k = 0, m
    cdef int[::1] free_idx, act
    cdef double[::1] M, beta, cf
    for t in range(candidates.shape[0]):
        if pf[candidates[t]] == 0.0:
            k += 1
    m = max(k, 1)
    free_idx = np.empty(m, dtype=np.intc)
    act = np.empty(m, dtype=np.intc)
    M = np.empty(m * m)
    beta = np.empty(m)
    cf = np.empty(m)
    k = 0
    for t in range(candidates.shape[0]):
        if pf[candidates[t]] == 0.0:
            free_idx[k] = candidates[t]
            k += 1
    F.free = &free_idx[0]
    F.n_free = k
    F.act = &act[0]
    F.M = &M[0]
    F.beta = &beta[0]
    F.cf = &cf[0]
    return (free_idx, act, M, beta, cf)


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


# --------------------------------------------------------------------------
# column statistics
# --------------------------------------------------------------------------

def column_stats(const double[::1] X_flat, Py_ssize_t n, Py_ssize_t p,
                 bint c_order, const double[::1] sw, bint fit_intercept,
                 double[::1] x_mean, double[::1] sq_norms):
    """Weighted column means (0 without intercept) and centred squared norms.

    ``X_flat`` is the buffer of an (n, p) array in C or Fortran order;
    ``sw`` has length n (summing to n) or 0 for unit weights. Fills
    ``x_mean[j]`` and ``sq_norms[j] = sum_i s_i (x_ij - x_mean_j)^2``.
    """
    cdef const double *X = &X_flat[0]
    cdef const double *s = &sw[0] if sw.shape[0] > 0 else NULL
    cdef Py_ssize_t i, j
    cdef double total, d, si
    with nogil:
        total = shr_weighted_sum(n, s, NULL) if s != NULL else <double>n
        if not c_order:
            for j in range(p):
                x_mean[j] = (shr_weighted_sum(n, X + j * n, s) / total
                             if fit_intercept else 0.0)
                sq_norms[j] = shr_centered_sq_norm(n, X + j * n, x_mean[j], s)
        else:
            memset(&x_mean[0], 0, p * sizeof(double))
            memset(&sq_norms[0], 0, p * sizeof(double))
            if fit_intercept:
                for i in range(n):
                    si = s[i] if s != NULL else 1.0
                    for j in range(p):
                        x_mean[j] += si * X[i * p + j]
                for j in range(p):
                    x_mean[j] /= total
            for i in range(n):
                si = s[i] if s != NULL else 1.0
                for j in range(p):
                    d = X[i * p + j] - x_mean[j]
                    sq_norms[j] += si * d * d


# --------------------------------------------------------------------------
# naive updates (dense column-major or CSC)
# --------------------------------------------------------------------------

cdef struct NaiveProblem:
    Py_ssize_t n
    Py_ssize_t p
    bint sparse
    const double *X       # dense: column-major, column j at X + j * n
    const double *data    # CSC: values, row indices and column pointers
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


cdef inline void _add_column(NaiveProblem *P, Py_ssize_t j, double a) noexcept nogil:
    """(yc - Xc w) += a * xc_j: the residual change when w_j moves by -a."""
    cdef Py_ssize_t k
    if P.sparse:
        for k in range(P.indptr[j], P.indptr[j + 1]):
            P.r[P.indices[k]] += a * P.data[k]
        P.shift -= a * P.x_mean[j]
    else:
        shr_centered_axpy(P.n, a, P.X + j * P.n, P.x_mean[j], P.r)


cdef inline double _gradient(NaiveProblem *P, Py_ssize_t j) noexcept nogil:
    """xc_j^T S (yc - Xc w). The residual is centred (sum_i s_i r_i = 0), so
    the centring of x_j drops out; it is kept where it protects digits."""
    cdef Py_ssize_t k, i
    cdef double acc = 0.0
    if P.sparse:
        # sum_i s_i x_ij (r_i + shift) = sparse dot + shift * total * mean_j
        if P.sw == NULL:
            for k in range(P.indptr[j], P.indptr[j + 1]):
                acc += P.data[k] * P.r[P.indices[k]]
        else:
            for k in range(P.indptr[j], P.indptr[j + 1]):
                i = P.indices[k]
                acc += P.sw[i] * P.data[k] * P.r[i]
        return acc + P.shift * P.total * P.x_mean[j]
    if P.sw == NULL and not P.offset[j]:
        return _dot(P.n, P.X + j * P.n, P.r)
    return shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], P.sw, P.r)


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


cdef void _naive_residual(NaiveProblem *P) noexcept nogil:
    """The residual from scratch (removes drift of the running updates)."""
    cdef Py_ssize_t j
    memcpy(P.r, P.yc, P.n * sizeof(double))
    P.shift = 0.0
    for j in range(P.p):
        if P.w[j] != 0.0:
            _add_column(P, j, -P.w[j])


cdef double _naive_correlations(NaiveProblem *P, double *c, double *tmp,
                               const int *idx, Py_ssize_t count) noexcept nogil:
    """c_j = xc_j^T S (yc - Xc w) for the features in ``idx``; returns
    ry = yc^T S (yc - Xc w).

    Dense: one matrix-vector product when ``idx`` covers most features,
    column dot products when screening has left only a few. ``tmp`` (n) is
    scratch, needed with weights or CSC data.
    """
    cdef int n_ = <int>P.n, p_ = <int>P.p, one = 1
    cdef double alpha = 1.0, beta = 0.0, total, acc
    cdef const double *v = P.r
    cdef Py_ssize_t i, j, t, k
    cdef char trans = b'T'
    if P.sparse or P.sw != NULL:
        for i in range(P.n):
            tmp[i] = (P.r[i] + P.shift) * (P.sw[i] if P.sw != NULL else 1.0)
        v = tmp
    # sum_i s_i r_i is zero up to rounding; subtract it for exact centring.
    total = shr_weighted_sum(P.n, v, NULL)
    if P.sparse:
        for t in range(count):
            j = idx[t]
            acc = 0.0
            for k in range(P.indptr[j], P.indptr[j + 1]):
                acc += P.data[k] * v[P.indices[k]]
            c[j] = acc - P.x_mean[j] * total
    elif 2 * count >= P.p:
        dgemv(&trans, &n_, &p_, &alpha, <double *>P.X, &n_, <double *>v, &one,
              &beta, c, &one)
        for j in range(P.p):
            if P.offset[j]:
                c[j] = shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], NULL, v)
            elif total != 0.0:
                c[j] -= P.x_mean[j] * total
    else:
        for t in range(count):
            j = idx[t]
            if P.offset[j]:
                c[j] = shr_centered_dot(P.n, P.X + j * P.n, P.x_mean[j], NULL, v)
            else:
                c[j] = _dot(P.n, P.X + j * P.n, v) - P.x_mean[j] * total
    return _dot(P.n, v, P.yc)


cdef struct Anderson:
    # The last ANDERSON_K + 1 iterates of the active-set cycling: the
    # coefficients of the active set (row length ld) and what the solver
    # keeps in step with them (residual and shift, or correlations), which
    # are linear in w and so extrapolate with the same weights.
    double *hist_w        # (K + 1) x ld
    double *hist_v        # (K + 1) x m
    double hist_shift[ANDERSON_K + 1]
    double *w_acc         # ld scratch
    double *v_acc         # m scratch
    Py_ssize_t ld
    Py_ssize_t m
    int count             # iterates stored since the last extrapolation
    bint enabled


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


cdef object _anderson_setup(Anderson *A, Py_ssize_t ld, Py_ssize_t m,
                            bint enabled):
    """Point ``A`` at fresh buffers for ``ld`` coefficients and ``m``
    companion values; returns the arrays, which the caller keeps alive."""
    cdef double[::1] hist_w = np.empty((ANDERSON_K + 1) * max(ld, 1))
    cdef double[::1] hist_v = np.empty((ANDERSON_K + 1) * max(m, 1))
    cdef double[::1] w_acc = np.empty(max(ld, 1))
    cdef double[::1] v_acc = np.empty(max(m, 1))
    A.hist_w = &hist_w[0]
    A.hist_v = &hist_v[0]
    A.w_acc = &w_acc[0]
    A.v_acc = &v_acc[0]
    A.ld = ld
    A.m = m
    A.count = 0
    A.enabled = enabled
    return (hist_w, hist_v, w_acc, v_acc)


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


# An extrapolated point is kept only when it lowers the objective by more
# than this fraction: a decision on a difference at rounding level could go
# either way between two runs that are equal in exact arithmetic (weights
# versus repeated rows), and would then send them down different paths.
cdef double ACCEPT_DECREASE = 1e-12


# --------------------------------------------------------------------------
# Newton steps on a fixed sign pattern
# --------------------------------------------------------------------------

# Once the active-set cycling has found the support S and signs s of the
# solution, the elastic net restricted to that orthant is a quadratic whose
# minimiser solves (G_SS + l2 F_S) w_S = q_S - l1 F_S s_S (the active-set
# view of the Lasso: Osborne, Presnell & Turlach 2000, "A new approach to
# variable selection in least squares problems", IMA J. Numer. Anal. 20(3)).
# A Cholesky factor of G_SS + l2 F_S, kept up to date as features enter and
# leave the support (csrc/shrinkage_cholesky.h) and carried along a path,
# makes that solve cost about what a cyclic pass costs, where ill-conditioned
# supports need hundreds of passes to reach a tight gap. The step is taken
# up to the first coefficient that would change sign (which lands on zero)
# and kept only when it lowers the objective, so the certificate and the
# convergence of coordinate descent are untouched.
#
# A step is tried when the signs have held for NEWTON_STABLE passes (or the
# cycling has settled with steady signs), NEWTON_MAX_TRIES times per cycle
# at most, and only when its estimated cost, in cyclic passes, is within the
# budget of _newton_budget. After a full step (at the minimiser on the
# support) the next waits until signs change: features the step made violate
# their KKT condition have entered, or left.
cdef double NEWTON_MAX_PASSES = 4.0
cdef int NEWTON_MAX_TRIES = 8
# Newton steps taking in KKT violators before a Gram block's cyclic passes.
cdef int NEWTON_ROUNDS = 4
cdef int NEWTON_STABLE = 3
# Supports larger than this are factored by one blocked Cholesky (LAPACK)
# rather than column by column when the factor is rebuilt.
cdef Py_ssize_t FACTOR_BLOCKED = 64
# A blocked factorisation runs at about this many times the flop rate of a
# cyclic pass (level-3 BLAS against memory-bound column sweeps).
cdef double NEWTON_FLOP_RATIO = 10.0


cdef class SupportFactor:
    """Cholesky factor of ``G_FF + l2 F_F`` over an ordered set F of
    features (the support of the last Newton step), updated in O(|F|^2) as
    features enter and leave; kept across the solves of a path so that
    consecutive alphas, whose supports differ by a few features, share it.
    Holds at most ``max_size`` features."""

    cdef double *L            # cap x cap, column-major, lower
    cdef int *order           # position -> feature
    cdef int *where           # feature -> position, or -1
    cdef unsigned char *mark  # p scratch
    cdef double *scratch      # cap
    cdef Py_ssize_t p, cap
    cdef readonly Py_ssize_t size, max_size
    cdef double l2            # the l2 of the factored matrix

    def __cinit__(self, Py_ssize_t p, Py_ssize_t max_size=4096):
        cdef Py_ssize_t j
        self.p = p
        self.size = 0
        self.cap = 0
        self.max_size = min(max_size, p)
        self.l2 = 0.0
        self.L = NULL
        self.order = NULL
        self.scratch = NULL
        self.where = <int *>malloc(max(p, 1) * sizeof(int))
        self.mark = <unsigned char *>calloc(max(p, 1), 1)
        if self.where == NULL or self.mark == NULL:
            raise MemoryError()
        for j in range(p):
            self.where[j] = -1

    def __dealloc__(self):
        free(self.L)
        free(self.order)
        free(self.where)
        free(self.mark)
        free(self.scratch)

    cdef bint _reserve(self, Py_ssize_t need) noexcept nogil:
        cdef Py_ssize_t cap = max(16, 2 * self.cap), b
        cdef double *L
        cdef void *o
        cdef void *sc
        if need <= self.cap:
            return True
        if need > self.max_size:
            return False
        cap = min(max(cap, need), self.max_size)
        L = <double *>malloc(cap * cap * sizeof(double))
        o = realloc(self.order, cap * sizeof(int))
        if o != NULL:
            self.order = <int *>o
        sc = realloc(self.scratch, cap * sizeof(double))
        if sc != NULL:
            self.scratch = <double *>sc
        if L == NULL or o == NULL or sc == NULL:
            free(L)
            return False
        for b in range(self.size):
            memcpy(L + b * cap + b, self.L + b * self.cap + b,
                   (self.size - b) * sizeof(double))
        free(self.L)
        self.L = L
        self.cap = cap
        return True

    cdef void clear(self) noexcept nogil:
        cdef Py_ssize_t t
        for t in range(self.size):
            self.where[self.order[t]] = -1
        self.size = 0

    cdef void remove_at(self, Py_ssize_t t) noexcept nogil:
        """Delete the feature at position t."""
        cdef Py_ssize_t u
        self.where[self.order[t]] = -1
        shr_chol_delete(self.size, self.L, self.cap, t, self.scratch)
        for u in range(t, self.size - 1):
            self.order[u] = self.order[u + 1]
            self.where[self.order[u]] = <int>u
        self.size -= 1

    cdef void keep_only(self, const int *S, Py_ssize_t ns) noexcept nogil:
        """Delete the features not in ``S`` from the factor."""
        cdef Py_ssize_t a, t, u
        for a in range(ns):
            self.mark[S[a]] = 1
        t = self.size - 1
        while t >= 0:
            if not self.mark[self.order[t]]:
                self.remove_at(t)
            t -= 1
        for a in range(ns):
            self.mark[S[a]] = 0

    cdef bint append(self, int j, double hjj) noexcept nogil:
        """Append feature j; ``self.scratch[t]`` must hold its Gram entry
        with ``order[t]`` and ``hjj`` its diagonal (plus l2 f_j). False when
        j is (numerically) dependent on the features held."""
        if not shr_chol_append(self.size, self.L, self.cap, self.scratch, hjj):
            return False
        self.order[self.size] = j
        self.where[j] = <int>self.size
        self.size += 1
        return True

    cdef bint append_block(self, Py_ssize_t m, const double *G, Py_ssize_t ld,
                           const int *col_of, const int *row_of,
                           const double *pf, double l2) noexcept nogil:
        """Append the m features written at ``order[size:size + m]`` at
        once, by level-3 BLAS: ``L21 = H21 L11^-T`` (dtrsm), ``L22 =
        chol(H22 - L21 L21^T)`` (dsyrk, dpotrf). Entries as for
        :meth:`refactor`; room must be reserved. False (factor unchanged)
        when the new block is not numerically positive definite."""
        cdef Py_ssize_t k = self.size, i, c
        cdef int m_ = <int>m, k_ = <int>k, ld_ = <int>self.cap, info = 0
        cdef double one = 1.0, minus_one = -1.0
        cdef char side = b'R', lo = b'L', tr = b'T', nt = b'N', nu = b'N'
        cdef const double *col
        cdef double *L21 = self.L + k
        cdef double *L22 = self.L + k * self.cap + k
        cdef const int *js = self.order + k
        for c in range(k):
            col = G + col_of[self.order[c]] * ld
            for i in range(m):
                L21[c * self.cap + i] = col[row_of[js[i]] if row_of != NULL else js[i]]
        for c in range(m):
            col = G + col_of[js[c]] * ld
            for i in range(c, m):
                L22[c * self.cap + i] = col[row_of[js[i]] if row_of != NULL else js[i]]
            L22[c * self.cap + c] += l2 * pf[js[c]]
        if k > 0:
            dtrsm(&side, &lo, &tr, &nu, &m_, &k_, &one, self.L, &ld_, L21, &ld_)
            dsyrk(&lo, &nt, &m_, &k_, &minus_one, L21, &ld_, &one, L22, &ld_)
        dpotrf(&lo, &m_, L22, &ld_, &info)
        if info != 0:
            return False
        for i in range(m):
            self.where[js[i]] = <int>(k + i)
        self.size = k + m
        return True

    cdef bint refactor(self, const int *S, Py_ssize_t ns, const double *G,
                       Py_ssize_t ld, const int *col_of, const int *row_of,
                       const double *pf, double l2) noexcept nogil:
        """Factor ``G_SS + l2 F_S`` from scratch by LAPACK; the Gram entry
        of features (i, j) is ``G[col_of[j] * ld + row_of[i]]`` (``row_of``
        NULL: the feature itself)."""
        cdef Py_ssize_t a, b
        cdef int k = <int>ns, ld_ = 0, info = 0
        cdef char uplo = b'L'
        cdef const double *col
        self.clear()
        if not self._reserve(ns):
            return False
        for b in range(ns):
            col = G + col_of[S[b]] * ld
            for a in range(b, ns):
                self.L[b * self.cap + a] = col[row_of[S[a]] if row_of != NULL else S[a]]
            self.L[b * self.cap + b] += l2 * pf[S[b]]
        ld_ = <int>self.cap
        dpotrf(&uplo, &k, self.L, &ld_, &info)
        if info != 0:
            return False
        for a in range(ns):
            self.order[a] = S[a]
            self.where[S[a]] = <int>a
        self.size = ns
        self.l2 = l2
        return True

    cdef void solve(self, double *b) noexcept nogil:
        """b <- (L L^T)^-1 b, by two triangular solves (BLAS dtrsv)."""
        cdef int k = <int>self.size, ld = <int>self.cap, one = 1
        cdef char lo = b'L', nt = b'N', tr = b'T', nu = b'N'
        if k == 0:
            return
        dtrsv(&lo, &nt, &nu, &k, self.L, &ld, b, &one)
        dtrsv(&lo, &tr, &nu, &k, self.L, &ld, b, &one)

    def sync(self, const double[:, ::1] gram, const int[::1] support,
             const double[::1] penalty_factor, double l2):
        """Make this the factor of ``gram[S, S] + l2 diag(penalty_factor[S])``
        for the features ``support`` (a dense, symmetric (p, p) Gram), as the
        solvers do between Newton steps; False when that matrix is not
        numerically positive definite. For tests and inspection."""
        cdef int[::1] ident = np.arange(self.p, dtype=np.intc)
        if gram.shape[0] != self.p or gram.shape[1] != self.p:
            raise ValueError("gram must be (p, p)")
        if penalty_factor.shape[0] != self.p:
            raise ValueError("penalty_factor must have p entries")
        for j in support:
            if not 0 <= j < self.p:
                raise ValueError("support holds a feature out of range")
        if support.shape[0] == 0:
            self.clear()
            return True
        return _factor_sync(self, &support[0], support.shape[0], &gram[0, 0],
                            self.p, &ident[0], NULL, &penalty_factor[0], l2)

    def to_arrays(self):
        """``(order, L)``: the features in factor order and the lower
        triangular factor (k, k)."""
        cdef Py_ssize_t a, b
        order = np.array([self.order[a] for a in range(self.size)], dtype=np.intc)
        L = np.zeros((self.size, self.size))
        for b in range(self.size):
            for a in range(b, self.size):
                L[a, b] = self.L[b * self.cap + a]
        return order, L


cdef bint _factor_sync(SupportFactor F, const int *S, Py_ssize_t ns,
                       const double *G, Py_ssize_t ld, const int *col_of,
                       const int *row_of, const double *pf,
                       double l2) noexcept nogil:
    """Make F the factor of ``G_SS + l2 F_S`` (entries as for
    :meth:`SupportFactor.refactor`): deletions and appends when few
    features changed, one blocked factorisation otherwise. False when the
    matrix is not numerically positive definite (F is then left empty or
    partly updated, still a valid factor of what it holds)."""
    cdef Py_ssize_t a, t, kept
    cdef int j
    cdef const double *col
    if l2 != F.l2:
        F.clear()
    F.keep_only(S, ns)
    kept = F.size
    if ns - kept > FACTOR_BLOCKED and ns - kept > kept // 4:
        return F.refactor(S, ns, G, ld, col_of, row_of, pf, l2)
    if not F._reserve(ns):
        return False
    F.l2 = l2
    # the new features, in the order they will take
    kept = 0
    for a in range(ns):
        if F.where[S[a]] < 0:
            F.order[F.size + kept] = S[a]
            kept += 1
    if kept > 1 and F.append_block(kept, G, ld, col_of, row_of, pf, l2):
        return True
    # one by one: the same, or the first dependent feature refused
    for a in range(ns):
        j = S[a]
        if F.where[j] >= 0:
            continue
        col = G + col_of[j] * ld
        for t in range(F.size):
            F.scratch[t] = col[row_of[F.order[t]] if row_of != NULL else F.order[t]]
        if not F.append(j, col[row_of[j] if row_of != NULL else j] + l2 * pf[j]):
            return False
    return True


cdef inline double _factor_sync_cost(double ns, double shared,
                                     double held) noexcept nogil:
    """Flops (at a pass's rate) of :func:`_factor_sync` to a support of
    ``ns`` features, ``shared`` of them among the ``held`` of the factor:
    a rank-one update per deletion, a blocked append of the new ones, or a
    factorisation from scratch if that is cheaper."""
    cdef double deleted = held - shared, added = ns - shared
    cdef double update = (deleted * ns * ns
                          + (added * ns * ns if added <= 1.0
                             else added * ns * ns / NEWTON_FLOP_RATIO))
    cdef double scratch = ns * ns * ns / (3.0 * NEWTON_FLOP_RATIO)
    return update if update < scratch else scratch


cdef struct Newton:
    # In the support factor's order, t = 0..k-1:
    int *S                # features
    int *pos              # their rows/columns in the Gram the caller holds
    double *ws            # coefficients at the start
    double *cs            # correlations (x~^T S r) at the start
    double *sg            # signs of the pattern
    double *x             # the point reached
    double *target        # minimiser of the current pattern's quadratic
    double *u             # scratch: H^-1 e_j
    # features that reached zero and left the support on the way
    int *drop_S
    int *drop_pos
    double *drop_ws
    Py_ssize_t n_drop
    double *rtmp          # n: residual after the step (naive; the caller's)
    Py_ssize_t cap
    bint enabled
    bint partial          # the last step stopped before its target
    bint too_costly       # the last step was declined for its cost alone


cdef bint _newton_reserve(Newton *N, Py_ssize_t cap) noexcept nogil:
    """Room for a support of ``cap`` features; False when memory runs out."""
    if cap <= N.cap:
        return True
    N.S = <int *>realloc(N.S, cap * sizeof(int))
    N.pos = <int *>realloc(N.pos, cap * sizeof(int))
    N.drop_S = <int *>realloc(N.drop_S, cap * sizeof(int))
    N.drop_pos = <int *>realloc(N.drop_pos, cap * sizeof(int))
    N.ws = <double *>realloc(N.ws, cap * sizeof(double))
    N.cs = <double *>realloc(N.cs, cap * sizeof(double))
    N.sg = <double *>realloc(N.sg, cap * sizeof(double))
    N.x = <double *>realloc(N.x, cap * sizeof(double))
    N.target = <double *>realloc(N.target, cap * sizeof(double))
    N.u = <double *>realloc(N.u, cap * sizeof(double))
    N.drop_ws = <double *>realloc(N.drop_ws, cap * sizeof(double))
    if (N.S == NULL or N.pos == NULL or N.drop_S == NULL or N.drop_pos == NULL
            or N.ws == NULL or N.cs == NULL or N.sg == NULL or N.x == NULL
            or N.target == NULL or N.u == NULL or N.drop_ws == NULL):
        return False
    N.cap = cap
    return True


cdef void _newton_free(Newton *N) noexcept nogil:
    free(N.S)
    free(N.pos)
    free(N.drop_S)
    free(N.drop_pos)
    free(N.ws)
    free(N.cs)
    free(N.sg)
    free(N.x)
    free(N.target)
    free(N.u)
    free(N.drop_ws)


cdef struct Workspace:
    int *work             # candidates not screened out
    int *active           # features cycled between checks
    unsigned char *in_active
    double *tmp           # n scratch
    double *u             # n scratch: projected residual
    Anderson acc
    FreeProjection fp
    Newton nw


cdef bint _free_act(FreeProjection *F, Py_ssize_t n_act, int j) noexcept nogil:
    cdef Py_ssize_t t
    for t in range(n_act):
        if F.act[t] == j:
            return True
    return False


cdef GapTerms _naive_gap(NaiveProblem *P, Workspace *W, double *c,
                         Py_ssize_t n_work) noexcept nogil:
    """Correlations of the working set and the duality gap at the current
    (freshly recomputed) residual ``r``.

    With unpenalised features, the dual point is built from ``u = r - X~_F
    beta``, the residual made orthogonal to their columns (weighted least
    squares on them), so that their dual constraints hold exactly; ``c``
    then holds the correlations with ``u``. Under ``positive`` a free
    feature at zero whose correlation is negative needs no projection (its
    constraint is an inequality); one is added when the projection makes
    its correlation positive."""
    cdef FreeProjection *F = &W.fp
    cdef Py_ssize_t a, b, t, n_act = 0
    cdef int j
    cdef double ry, cj, free_term, shift_saved = P.shift
    cdef double *r_saved = P.r
    cdef bint grown
    cdef GapTerms G
    if P.l1 <= 0.0 or F.n_free == 0:
        ry = _naive_correlations(P, c, W.tmp, W.work, n_work)
        return _duality_gap(P.p, P.w, c, P.pf, P.h, W.work, n_work, P.l1,
                            P.l2, P.positive, ry)
    for t in range(F.n_free):
        j = F.free[t]
        if P.h[j] <= 0.0:
            continue  # a constant column: its constraint holds for any theta
        cj = _gradient(P, j)
        if not P.positive or P.w[j] > 0.0 or cj > 0.0:
            F.act[n_act] = j
            F.cf[n_act] = cj
            n_act += 1
    while True:
        # Gram block of the projected columns: x~_b written into u, then
        # the gradient routine gives x~_a^T S x~_b.
        P.r = W.u
        for b in range(n_act):
            memset(W.u, 0, P.n * sizeof(double))
            P.shift = 0.0
            _add_column(P, F.act[b], 1.0)
            for a in range(n_act):
                F.M[a * n_act + b] = _gradient(P, F.act[a])
        if n_act and _free_solve(F, n_act) != 0:
            P.r = r_saved
            P.shift = shift_saved
            ry = _naive_correlations(P, c, W.tmp, W.work, n_work)
            G = _duality_gap(P.p, P.w, c, P.pf, P.h, W.work, n_work, P.l1,
                             P.l2, P.positive, ry)
            G.gap = INFINITY
            return G
        # u = r - X~_act beta, and the correlations with u.
        memcpy(W.u, r_saved, P.n * sizeof(double))
        P.shift = shift_saved
        for b in range(n_act):
            _add_column(P, F.act[b], -F.beta[b])
        ry = _naive_correlations(P, c, W.tmp, W.work, n_work)
        grown = False
        if P.positive:
            for t in range(F.n_free):
                j = F.free[t]
                if c[j] > 0.0 and not _free_act(F, n_act, j):
                    P.r = r_saved
                    P.shift = shift_saved
                    F.act[n_act] = j
                    F.cf[n_act] = _gradient(P, j)
                    n_act += 1
                    grown = True
        if not grown:
            break
    P.r = r_saved
    P.shift = shift_saved
    # 0.5 (|r|^2 - |u|^2) = 0.5 beta . X~_act^T S r
    free_term = 0.0
    for b in range(n_act):
        free_term += 0.5 * F.beta[b] * F.cf[b]
    return _duality_gap(P.p, P.w, c, P.pf, P.h, W.work, n_work, P.l1, P.l2,
                        P.positive, ry, free_term if free_term > 0.0 else 0.0)


cdef void _naive_extrapolate(NaiveProblem *P, Anderson *A, const int *active,
                             Py_ssize_t n_active) noexcept nogil:
    """Record the iterate after a pass of the active-set cycling and, every
    K + 1 passes, move to the Anderson extrapolation when it lowers the
    objective (it may not: the step is a guess, the objective decides)."""
    cdef Py_ssize_t i, t
    cdef double change, lo, hi, si, shift_acc, acc = 0.0, rr = 0.0, penalty
    if not _anderson_store(A, P.w, active, n_active, P.r, P.shift):
        return
    change = _penalty_change(P.w, A.w_acc, active, n_active, P.pf, P.l1,
                             P.l2, P.positive, &penalty)
    if change == INFINITY:
        return
    # 0.5 (|r'|^2 - |r|^2) = 0.5 (r' - r).(r' + r) on the centred residuals
    # (r + shift): no cancellation between two nearly equal norms.
    shift_acc = A.hist_shift[ANDERSON_K]
    for i in range(P.n):
        si = P.sw[i] if P.sw != NULL else 1.0
        lo = (A.v_acc[i] + shift_acc) - (P.r[i] + P.shift)
        hi = (A.v_acc[i] + shift_acc) + (P.r[i] + P.shift)
        acc += lo * hi * si
        rr += (P.r[i] + P.shift) * (P.r[i] + P.shift) * si
    change += 0.5 * acc
    if change < -ACCEPT_DECREASE * (0.5 * rr + penalty):
        for t in range(n_active):
            P.w[active[t]] = A.w_acc[t]
        memcpy(P.r, A.v_acc, P.n * sizeof(double))
        P.shift = shift_acc


cdef bint _worth_extrapolating(NaiveProblem *P, const int *active,
                               Py_ssize_t n_active) noexcept nogil:
    """Recording an iterate copies the n-vector residual: worth it when a
    pass over the active set reads more than that (always for dense data;
    for CSC when the active columns hold more than n nonzeros)."""
    cdef Py_ssize_t t, j, nnz = 0
    if not P.sparse:
        return n_active > 1
    for t in range(n_active):
        j = active[t]
        nnz += P.indptr[j + 1] - P.indptr[j]
    return n_active > 1 and nnz > P.n



cdef class ActiveGram:
    """Centred Gram entries ``x~_a^T S x~_b`` among the features that have
    been nonzero (glmnet's "ever-active" set), filled as features enter, and
    the Cholesky factor of the last Newton step's support: what Newton steps
    of naive-update solves need, kept across the solves of a path and the
    targets of a fit (|E| column products per new feature instead of a Gram
    of every feature). Tied to one design (X, weights, centring); holds at
    most ``max_size`` features."""

    cdef double *G            # cap x cap, column-major, in slot order
    cdef int *slot            # feature -> slot, or -1
    cdef int *feature         # slot -> feature
    cdef double *u            # n scratch: a centred column
    cdef Py_ssize_t n, p, cap
    cdef readonly Py_ssize_t size, max_size
    cdef readonly SupportFactor factor  # of the last Newton step's support
    cdef int passes_before    # passes of the previous solve on this design

    def __cinit__(self, Py_ssize_t n, Py_ssize_t p, Py_ssize_t max_size=4096):
        cdef Py_ssize_t j
        self.factor = SupportFactor(p, max_size)
        self.passes_before = 0
        self.n = n
        self.p = p
        self.size = 0
        self.cap = 0
        self.max_size = min(max_size, p)
        self.G = NULL
        self.slot = <int *>malloc(max(p, 1) * sizeof(int))
        self.feature = <int *>malloc(max(self.max_size, 1) * sizeof(int))
        self.u = <double *>malloc(max(n, 1) * sizeof(double))
        if self.slot == NULL or self.feature == NULL or self.u == NULL:
            raise MemoryError()
        for j in range(p):
            self.slot[j] = -1

    def __dealloc__(self):
        free(self.G)
        free(self.slot)
        free(self.feature)
        free(self.u)

    cdef Py_ssize_t missing(self, const int *features, Py_ssize_t k) noexcept nogil:
        """How many of ``features`` have no entries yet."""
        cdef Py_ssize_t t, m = 0
        for t in range(k):
            if self.slot[features[t]] < 0:
                m += 1
        return m

    cdef bint _grow(self, Py_ssize_t need) noexcept nogil:
        cdef Py_ssize_t cap = max(16, 2 * self.cap), b
        cdef double *G
        if need <= self.cap:
            return True
        if cap < need:
            cap = need
        if cap > self.max_size:
            cap = self.max_size
        G = <double *>malloc(cap * cap * sizeof(double))
        if G == NULL:
            return False
        for b in range(self.size):
            memcpy(G + b * cap, self.G + b * self.cap, self.size * sizeof(double))
        free(self.G)
        self.G = G
        self.cap = cap
        return True

    cdef bint ensure(self, NaiveProblem *P, const int *features,
                     Py_ssize_t k) noexcept nogil:
        """Entries for every feature of ``features`` (computed with the
        problem's columns, weights and centring); False when the set would
        exceed ``max_size`` or memory runs out."""
        cdef Py_ssize_t t, b, j, sj
        cdef double v, shift_saved = P.shift
        cdef double *r_saved = P.r
        if self.size + self.missing(features, k) > self.max_size:
            return False
        if not self._grow(self.size + self.missing(features, k)):
            return False
        P.r = self.u
        for t in range(k):
            j = features[t]
            if self.slot[j] >= 0:
                continue
            sj = self.size
            self.slot[j] = <int>sj
            self.feature[sj] = <int>j
            self.size += 1
            # u = x~_j, then x~_b^T S u for every feature b held
            memset(self.u, 0, self.n * sizeof(double))
            P.shift = 0.0
            _add_column(P, j, 1.0)
            for b in range(self.size):
                v = _gradient(P, self.feature[b])
                self.G[sj * self.cap + b] = v
                self.G[b * self.cap + sj] = v
        P.r = r_saved
        P.shift = shift_saved
        return True


cdef bint _newton_path(Newton *N, SupportFactor F, const double *G,
                       Py_ssize_t ld, const int *col_of, const int *row_of,
                       const double *pf, double l1, double l2, bint positive,
                       int max_kinks) noexcept nogil:
    """Follow the Newton step through sign changes.

    On entry ``F`` holds the factor of ``H = G_SS + l2 F_S`` and, in its
    order, ``N.S``, ``N.pos``, ``N.ws`` (coefficients) and ``N.cs``
    (correlations) are set. The step heads for the minimiser of the
    quadratic of the current sign pattern; where a coefficient would change
    sign it stops on zero, and that coefficient either continues with the
    other sign (when its KKT condition at zero says so) or leaves the
    support (the target then becomes the minimiser with it fixed at zero,
    and the factor drops it): the piecewise-linear path of the homotopy
    method (Osborne et al. 2000), along which the objective decreases, at
    O(|S|^2) per kink. Ends at the target, or at the kink reached after
    going through ``max_kinks`` of them (``N.partial``; the coefficient
    there stays in ``F``, at zero). On return ``N.x`` holds the point for
    the features left in ``F`` (``N.S``, ``N.pos`` compacted alike) and
    ``N.drop_*`` the ones that left. False when the direction is not
    finite."""
    cdef Py_ssize_t k = F.size, t, jc, a
    cdef int kinks = 0
    cdef double f, tt, tmin, z, ratio, s_new
    cdef const double *col
    N.n_drop = 0
    N.partial = False
    for t in range(k):
        # a feature entering at zero takes the sign its correlation pulls to
        N.sg[t] = _sign(N.ws[t] if N.ws[t] != 0.0 else N.cs[t])
        N.x[t] = N.ws[t]
    while True:
        for t in range(k):
            f = pf[N.S[t]]
            N.target[t] = N.cs[t] - l2 * f * N.ws[t] - l1 * f * N.sg[t]
        F.solve(N.target)
        for t in range(k):
            if not (fabs(N.target[t]) < INFINITY):
                return False
            N.target[t] += N.ws[t]
        # Features at zero whose target has the other sign leave before
        # any move, all at once (one solve for the smaller face rather
        # than one per feature; the move from x to that face's minimiser
        # still lowers the objective, x being on the face): when many
        # features enter together, many of them do.
        a = k
        for t in range(a - 1, -1, -1):
            if (N.x[t] == 0.0 and (pf[N.S[t]] > 0.0 or positive)
                    and N.sg[t] * N.target[t] < 0.0):
                _newton_drop(N, F, t, k)
                k -= 1
        if k == a:
            break
    while True:
        # the first sign change on the way from x to the target
        jc = -1
        tmin = 1.0
        for t in range(k):
            if not (pf[N.S[t]] > 0.0 or positive):
                continue
            if N.sg[t] * N.target[t] < 0.0:
                tt = N.x[t] / (N.x[t] - N.target[t])
                if jc < 0 or tt < tmin:
                    tmin = tt
                    jc = t
        if jc < 0:
            for t in range(k):
                N.x[t] = N.target[t]
            return True
        if tmin > 0.0:
            # a move to a kink (at t = 0 a feature at zero whose target
            # has the other sign leaves at once: no move, and each such
            # feature leaves once); the move is paid by the solve that
            # set the target, going on through the kink costs another
            for t in range(k):
                N.x[t] += tmin * (N.target[t] - N.x[t])
            N.x[jc] = 0.0
            if kinks >= max_kinks:
                N.partial = True
                return True
            kinks += 1
        N.x[jc] = 0.0
        # KKT at zero: the correlation of feature jc at x
        col = G + col_of[N.S[jc]] * ld
        z = N.cs[jc]
        for t in range(k):
            z -= col[row_of[N.S[t]] if row_of != NULL else N.S[t]] * (N.x[t] - N.ws[t])
        f = pf[N.S[jc]]
        memset(N.u, 0, k * sizeof(double))
        N.u[jc] = 1.0
        F.solve(N.u)
        s_new = _sign(z)
        if fabs(z) > l1 * f and not (positive and z < 0.0) and s_new != N.sg[jc]:
            # continue through zero with the other sign
            ratio = l1 * f * (N.sg[jc] - s_new)
            for t in range(k):
                N.target[t] += ratio * N.u[t]
            N.sg[jc] = s_new
            continue
        # leave the support: the minimiser with x_jc = 0 on this face
        ratio = N.target[jc] / N.u[jc]
        for t in range(k):
            N.target[t] -= ratio * N.u[t]
        _newton_drop(N, F, jc, k)
        k -= 1


cdef void _newton_drop(Newton *N, SupportFactor F, Py_ssize_t t,
                       Py_ssize_t k) noexcept nogil:
    """Move the feature at position t (of k) of the Newton step out of the
    support: to ``N.drop_*``, out of ``F`` and of the step's arrays."""
    cdef Py_ssize_t a
    N.drop_S[N.n_drop] = N.S[t]
    N.drop_pos[N.n_drop] = N.pos[t]
    N.drop_ws[N.n_drop] = N.ws[t]
    N.n_drop += 1
    F.remove_at(t)
    for a in range(t, k - 1):
        N.S[a] = N.S[a + 1]
        N.pos[a] = N.pos[a + 1]
        N.ws[a] = N.ws[a + 1]
        N.cs[a] = N.cs[a + 1]
        N.sg[a] = N.sg[a + 1]
        N.x[a] = N.x[a + 1]
        N.target[a] = N.target[a + 1]


cdef Py_ssize_t _newton_moves(Newton *N, Py_ssize_t k) noexcept nogil:
    """After :func:`_newton_path` with ``k`` features left in the factor:
    list the features that left after them (``N.S``, ``N.pos``, ``N.ws``
    from ``N.drop_*``, ``N.x`` zero), so that entries 0..m-1 are every
    coefficient the step moves, from ``N.ws`` to ``N.x``. Returns m."""
    cdef Py_ssize_t a
    for a in range(N.n_drop):
        N.S[k + a] = N.drop_S[a]
        N.pos[k + a] = N.drop_pos[a]
        N.ws[k + a] = N.drop_ws[a]
        N.x[k + a] = 0.0
    return k + N.n_drop


cdef inline double _column_cost(NaiveProblem *P, Py_ssize_t j) noexcept nogil:
    """Flops of one product with column j (its nonzeros for CSC data)."""
    if P.sparse:
        return <double>(P.indptr[j + 1] - P.indptr[j]) + 1.0
    return <double>P.n


cdef inline double _newton_budget(int passes_before, int passes_now) noexcept nogil:
    """Passes a Newton step may cost: a few, or half of what this solve (or
    the previous one on the design, e.g. the previous alpha of a path) has
    needed: a solve that cycles long gains most from a jump."""
    cdef double b = 0.5 * (passes_before if passes_before > passes_now else passes_now)
    return b if b > NEWTON_MAX_PASSES else NEWTON_MAX_PASSES


cdef inline double _sign(double w) noexcept nogil:
    return 1.0 if w > 0.0 else -1.0


def newton_path_dense(const double[:, ::1] gram, const double[::1] q,
                      const double[::1] w, double l1, double l2,
                      const double[::1] penalty_factor, bint positive,
                      int max_kinks=1 << 30, entering=None):
    """One Newton step of the solvers, on a dense Gram problem
    ``min 0.5 w'Gw - q'w + l1 sum f|w| + 0.5 l2 sum f w^2``, from ``w``
    over its support (through sign changes, see :func:`_newton_path`), and
    the features ``entering`` (at zero in ``w``) as the solvers take in KKT
    violators. Returns ``(w_new, n_left, partial)``: the end point (not
    checked for descent), how many features left the support, and whether
    it stopped before its target. For tests and inspection."""
    cdef Py_ssize_t p = gram.shape[0], t, j, ns = 0
    cdef int[::1] ident = np.arange(p, dtype=np.intc)
    cdef SupportFactor F = SupportFactor(p)
    cdef Newton N
    cdef double[::1] out = np.array(w, dtype=np.float64)
    cdef bint ok
    if gram.shape[1] != p or q.shape[0] != p or w.shape[0] != p or penalty_factor.shape[0] != p:
        raise ValueError("gram (p, p), q, w and penalty_factor (p,) expected")
    joining = np.zeros(p, dtype=bool)
    if entering is not None:
        joining[np.asarray(entering, dtype=np.intp)] = True
        if np.any(np.asarray(w)[joining] != 0.0):
            raise ValueError("entering features must be at zero in w")
    memset(&N, 0, sizeof(Newton))
    try:
        if not _newton_reserve(&N, max(p, 1)):
            raise MemoryError()
        for j in range(p):
            if w[j] != 0.0 or joining[j]:
                N.S[ns] = <int>j
                ns += 1
        if ns == 0:
            return np.asarray(out), 0, False
        if not _factor_sync(F, N.S, ns, &gram[0, 0], p, &ident[0], NULL,
                            &penalty_factor[0], l2):
            raise np.linalg.LinAlgError("the Hessian on the support is singular")
        for t in range(ns):
            j = F.order[t]
            N.S[t] = <int>j
            N.ws[t] = w[j]
            N.cs[t] = q[j] - _dot(p, &gram[j, 0], &w[0])
        ok = _newton_path(&N, F, &gram[0, 0], p, &ident[0], NULL,
                          &penalty_factor[0], l1, l2, positive, max_kinks)
        if not ok:
            raise FloatingPointError("the Newton direction is not finite")
        for t in range(F.size):
            out[N.S[t]] = N.x[t]
        for t in range(N.n_drop):
            out[N.drop_S[t]] = 0.0
        return np.asarray(out), N.n_drop, bool(N.partial)
    finally:
        _newton_free(&N)


cdef inline double _passes_left(const double *ratio, int passes,
                               double dw_tol) noexcept nogil:
    """Cyclic passes still needed to bring the relative change per pass
    below ``dw_tol``, extrapolated from the contraction of the relative
    changes over the last three passes (``ratio``: the last four,
    cyclically): CD converges linearly, so a solve that contracts slowly
    towards a tight target gains most from a Newton step, and one about to
    settle does not pay for its Gram entries."""
    cdef double now = ratio[(passes - 1) % 4], then = ratio[passes % 4], rho
    if now <= dw_tol:
        return 0.0
    if then <= 0.0 or now >= then:
        return INFINITY
    rho = pow(now / then, 1.0 / 3.0)
    return log(dw_tol / now) / log(rho)


cdef inline int _affordable_kinks(double budget, double cost,
                                  double pass_flops, double k) noexcept nogil:
    """Kinks of the Newton path (a solve and a deletion each, ~3 k^2 flops)
    left in the budget once the step's fixed cost is paid."""
    cdef double kinks = (budget - cost) * pass_flops / (3.0 * k * k + 1.0)
    if kinks < 0.0:
        return 0
    return <int>kinks if kinks < k else <int>k


cdef bint _naive_newton(NaiveProblem *P, Newton *N, ActiveGram AG,
                        SupportFactor F, const int *active,
                        Py_ssize_t n_active, double budget) noexcept nogil:
    """A Newton step on the support of the active set (see "Newton steps on
    a fixed sign pattern"), when its estimated cost is at most ``budget``
    cyclic passes; True when taken."""
    cdef Py_ssize_t a, t, j, ns = 0, shared = 0, i, m, missing
    cdef double pass_flops = 0.0, support_flops = 0.0, gram_flops = 0.0
    cdef double f, wo, wn, cost
    cdef double change = 0.0, penalty = 0.0, shift0 = P.shift, shift1
    cdef double acc = 0.0, rr = 0.0, lo, hi, si, dlt
    cdef double *r_saved = P.r
    N.too_costly = False
    if not _newton_reserve(N, n_active):
        return False
    for t in range(n_active):
        j = active[t]
        pass_flops += 2.0 * _column_cost(P, j)
        if P.w[j] != 0.0:
            N.S[ns] = <int>j
            support_flops += _column_cost(P, j)
            if F.where[j] >= 0 and F.l2 == P.l2:
                shared += 1
            ns += 1
    if ns == 0:
        return False
    # Factor updates (or one blocked factorisation) and solves, the gradient
    # and the residual update, in flops at a pass's rate; in the first solve
    # on the design also the Gram entries of features new to AG (a product
    # with each feature held). A single solve from zero pays for the whole
    # support at once, about ns passes, which cyclic passes over the support
    # rarely need; along a path (or over targets) features enter a few at a
    # time and their entries serve every later solve, so they go uncharged.
    if AG.passes_before == 0:
        missing = AG.missing(N.S, ns)
        for t in range(ns):
            j = N.S[t]
            if AG.slot[j] < 0:
                gram_flops += 2.0 * _column_cost(P, j) * (AG.size + missing)
    cost = (_factor_sync_cost(ns, shared, F.size)
            + 2.0 * ns * ns + 2.0 * support_flops + gram_flops) / pass_flops
    if cost > budget:
        N.too_costly = True
        return False
    if not AG.ensure(P, N.S, ns):
        return False
    if not _factor_sync(F, N.S, ns, AG.G, AG.cap, AG.slot, AG.slot, P.pf, P.l2):
        return False
    for t in range(ns):
        j = F.order[t]
        N.S[t] = <int>j
        N.ws[t] = P.w[j]
        N.cs[t] = _gradient(P, j)
    if not _newton_path(N, F, AG.G, AG.cap, AG.slot, AG.slot, P.pf, P.l1,
                        P.l2, P.positive,
                        _affordable_kinks(budget, cost, pass_flops, ns)):
        return False
    m = _newton_moves(N, F.size)
    # the candidate's residual, and the objective change
    memcpy(N.rtmp, P.r, P.n * sizeof(double))
    P.r = N.rtmp
    for a in range(m):
        j = N.S[a]
        wo = N.ws[a]
        wn = N.x[a]
        dlt = wn - wo
        if dlt != 0.0:
            _add_column(P, j, -dlt)
        f = P.pf[j]
        penalty += f * (P.l1 * fabs(wo) + 0.5 * P.l2 * wo * wo)
        change += f * (P.l1 * (fabs(wn) - fabs(wo)) + 0.5 * P.l2 * (wn * wn - wo * wo))
    shift1 = P.shift
    P.r = r_saved
    P.shift = shift0
    for i in range(P.n):
        si = P.sw[i] if P.sw != NULL else 1.0
        lo = (N.rtmp[i] + shift1) - (P.r[i] + shift0)
        hi = (N.rtmp[i] + shift1) + (P.r[i] + shift0)
        acc += lo * hi * si
        rr += (P.r[i] + shift0) * (P.r[i] + shift0) * si
    change += 0.5 * acc
    if not change < -ACCEPT_DECREASE * (0.5 * rr + penalty):
        return False
    for a in range(m):
        P.w[N.S[a]] = N.x[a]
    memcpy(P.r, N.rtmp, P.n * sizeof(double))
    P.shift = shift1
    return True


cdef (double, int) _naive_solve(
    NaiveProblem *P, Workspace *W, const int *candidates, Py_ssize_t n_cand,
    double *correlations, double tol, int max_iter, bint random,
    unsigned int seed, bint screen, int stats, ActiveGram AG,
    SupportFactor F,
) noexcept nogil:
    """The driver shared by dense and CSC data: glmnet's active-set cycling
    (Friedman et al. 2010, section 2.6) with the duality gap as certificate,
    gap-safe screening and Newton steps on the support (when ``AG`` holds
    Gram entries for them); see the module docstring. Unlike glmnet's
    ever-active set, the active set sheds coefficients that rest at zero
    (two passes in a row within a cycle, or satisfy their KKT condition at
    a gap check): on a correlated design the first pass from zero touches
    several times the final support, and every later pass would visit it."""
    cdef Py_ssize_t p = P.p, n_work, n_active = 0, n_grown, n_kept, t, flips
    cdef int n_iter = 0
    cdef double max_dw, max_w, dw_tol = DW_TOL_START, yy
    cdef GapTerms G
    cdef unsigned int state = seed if seed != 0 else 2463534242u
    cdef bint accelerate, settled, armed
    cdef int tries, stable, pass_in_cycle
    cdef double ratio[4]
    cdef double budget, left, rel_tol

    memcpy(W.work, candidates, n_cand * sizeof(int))
    n_work = n_cand
    # the tolerance relative to |y|^2: about the relative change per pass
    # the last cycle must reach (for the Newton steps' budget)
    yy = shr_centered_sq_norm(P.n, P.yc, 0.0, P.sw)
    rel_tol = tol / yy if yy > 0.0 else 0.0
    _naive_residual(P)
    if not _all_zero(P.w, p):
        # Certificate first: a warm start at the solution costs no pass.
        G = _naive_gap(P, W, correlations, n_work)
        n_active = _grow_active_set(P, W.work, n_work, correlations,
                                    W.active, W.in_active)
    else:
        # From zero, one full pass builds the first active set (its dot
        # products are the correlations the certificate would need).
        G.gap = tol + 1.0
        G.dual_norm = 0.0
        if stats:
            _first_pass_with_stats(P, stats == 1)
        else:
            _naive_pass(P, W.work, n_work, random, &state, &max_w, &flips)
        n_iter += 1
        n_active = _grow_active_set(P, W.work, n_work, NULL, W.active,
                                    W.in_active)
    while G.gap > tol and n_iter < max_iter:
        # Cycle over the active set until it settles, with Anderson
        # extrapolation of the cyclic passes ...
        W.acc.count = 0
        accelerate = W.acc.enabled and _worth_extrapolating(P, W.active, n_active)
        pass_in_cycle = 0
        tries = 0
        stable = 0
        armed = True
        while n_iter < max_iter and n_active > 0:
            max_dw = _naive_pass(P, W.active, n_active, random, &state, &max_w,
                                 &flips)
            n_iter += 1
            settled = max_w == 0.0 or max_dw <= dw_tol * max_w
            ratio[pass_in_cycle % 4] = max_dw / max_w if max_w > 0.0 else 0.0
            pass_in_cycle += 1
            n_kept = _drop_resting(P, W.active, n_active, W.in_active)
            if n_kept < n_active:
                n_active = n_kept
                W.acc.count = 0
            stable = stable + 1 if flips == 0 else 0
            armed = armed or flips > 0
            # ... and, with the signs steady, jump to the minimiser on the
            # support (see "Newton steps on a fixed sign pattern").
            if (W.nw.enabled and armed and tries < NEWTON_MAX_TRIES
                    and flips == 0 and (settled or stable >= NEWTON_STABLE)):
                tries += 1
                stable = 0
                budget = _newton_budget(AG.passes_before, n_iter)
                if pass_in_cycle >= 4:
                    left = _passes_left(ratio, pass_in_cycle,
                                        dw_tol if dw_tol < rel_tol else rel_tol)
                    budget = left if left > budget else budget
                armed = _naive_newton(P, &W.nw, AG, F, W.active, n_active,
                                      budget)
                if armed:
                    W.acc.count = 0
                    n_iter += 1
                    # a full step needs the signs to change before another
                    armed = W.nw.partial
                    continue
                if W.nw.too_costly:
                    # the budget grows with the passes: ask again later
                    armed = True
                    tries -= 1
            if settled:
                break
            if accelerate:
                _naive_extrapolate(P, &W.acc, W.active, n_active)
        # ... then one product X^T r over the working set gives both the
        # duality gap and the KKT check of every feature left out.
        _naive_residual(P)
        G = _naive_gap(P, W, correlations, n_work)
        if G.gap <= tol:
            break
        if screen and P.l1 > 0.0:
            # Restricting to unscreened features keeps the gap a valid
            # certificate: screened ones are zero at every solution.
            n_work = _gap_safe_screen(P, W.work, n_work, correlations, G,
                                      P.l1, P.l2, W.in_active)
            n_active = _filter_active(P, W.active, n_active, W.in_active)
        n_active = _drop_idle(P, W.active, n_active, correlations, W.in_active)
        n_grown = _grow_active_set(P, W.work, n_work, correlations,
                                   W.active + n_active, W.in_active)
        if n_grown == 0:
            # The support is right but not settled enough: tighten.
            dw_tol *= 0.1
        n_active += n_grown
    if W.nw.enabled:
        AG.passes_before = n_iter
    return G.gap, n_iter


cdef tuple _run_naive(NaiveProblem *P, const double[::1] yc,
                      const double[::1] sw, double[::1] x_mean,
                      double[::1] sq_norms, const double[::1] penalty_factor,
                      double[::1] w, double[::1] residual,
                      double[::1] correlations, const int[::1] candidates,
                      double l1, double l2, bint positive, double tol,
                      int max_iter, bint random, unsigned int seed, bint screen,
                      int stats, ActiveGram active_gram):
    """Complete the problem (the fields shared by dense and CSC data),
    allocate the workspace, check the arguments, run the driver."""
    cdef Py_ssize_t n_cand = candidates.shape[0], j
    cdef int[::1] work = np.empty(max(n_cand, 1), dtype=np.intc)
    cdef int[::1] active = np.empty(max(n_cand, 1), dtype=np.intc)
    cdef unsigned char[::1] in_active = np.zeros(max(P.p, 1), dtype=np.uint8)
    cdef unsigned char[::1] offset = np.zeros(max(P.p, 1), dtype=np.uint8)
    cdef double[::1] tmp = np.empty(max(P.n, 1))
    cdef double[::1] u = np.empty(max(P.n, 1))
    cdef double[::1] rtmp
    cdef SupportFactor factor
    cdef Workspace W
    cdef double gap
    cdef int n_iter
    if P.n == 0 or P.p == 0 or n_cand == 0:
        return 0.0, 0
    if active_gram is not None and (active_gram.n != P.n or active_gram.p != P.p):
        raise ValueError("active_gram was made for another design")
    P.yc = &yc[0]
    P.sw = &sw[0] if sw.shape[0] > 0 else NULL
    P.x_mean = &x_mean[0]
    P.h = &sq_norms[0]
    P.pf = &penalty_factor[0]
    P.w = &w[0]
    P.r = &residual[0]
    P.shift = 0.0
    P.l1 = l1
    P.l2 = l2
    P.positive = positive
    if max_iter < 1:
        raise ValueError("max_iter must be >= 1")
    if stats and (n_cand != P.p or random or P.sparse):
        raise ValueError("statistics in the first pass need dense data, every "
                         "feature as a candidate and cyclic order")
    if stats and not _all_zero(P.w, P.p):
        raise ValueError("statistics in the first pass need w = 0")
    W.work = &work[0]
    W.active = &active[0]
    W.in_active = &in_active[0]
    W.tmp = &tmp[0]
    # Extrapolation follows the cyclic order's fixed-point map; random
    # order has none to extrapolate.
    buffers = _anderson_setup(&W.acc, n_cand, P.n, not random)
    free_buffers = _free_setup(&W.fp, candidates, penalty_factor)
    W.u = &u[0]
    memset(&W.nw, 0, sizeof(Newton))
    W.nw.enabled = active_gram is not None
    factor = active_gram.factor if W.nw.enabled else None
    if W.nw.enabled:
        rtmp = np.empty(P.n)
        W.nw.rtmp = &rtmp[0]
    P.offset = &offset[0]
    P.total = shr_weighted_sum(P.n, P.sw, NULL) if P.sw != NULL else <double>P.n
    try:
        with nogil:
            if not stats and not P.sparse:
                _flag_offsets(P.p, P.x_mean, P.h, P.total, P.offset)
            gap, n_iter = _naive_solve(P, &W, &candidates[0], n_cand,
                                       &correlations[0], tol, max_iter, random,
                                       seed, screen, stats, active_gram,
                                       factor)
    finally:
        _newton_free(&W.nw)
    return gap, n_iter


_NAIVE_DOC = """
    Parameters
    ----------
    yc : (n,) centred targets; sw : (n,) weights summing to n, or empty.
    x_mean, sq_norms : (p,) column statistics (:func:`column_stats`,
        :func:`csc_column_stats`), or output buffers when ``stats`` is 1/2.
    penalty_factor : (p,) f_j >= 0.
    w : (p,) in/out coefficients (warm start on entry).
    residual : (n,) out: dense, ``yc - Xc w``; CSC, ``yc - X w`` (add
        ``x_mean . w`` for the centred residual).
    correlations : (p,) out, ``Xc^T S (yc - Xc w)`` at the final point for
        the candidates not screened out; NaN for the screened ones (certified
        zero at the solution); other entries untouched. Stale when the solve
        stops at ``max_iter``.
    candidates : int32 features that may change; the others keep their value.
    l1, l2 : n-scaled penalties ``alpha * l1_ratio * n``, ``alpha * (1 - l1_ratio) * n``.
    tol : absolute gap tolerance (already multiplied by ``yc^T S yc``).
    max_iter : maximal number of passes (full or active-set), >= 1.
    random, seed : random coordinate order (with replacement), RNG seed.
    screen : apply gap-safe screening after each gap evaluation.
    stats : dense only: 0 when ``x_mean``/``sq_norms`` are given; 1 (with
        intercept) or 2 (without) to compute them in the first pass, which
        reads each column once. Requires w = 0, every feature a candidate
        and cyclic order.
    active_gram : :class:`ActiveGram` for this design (n, p), or None.
        Enables Newton steps on the support; keep one across the solves of
        a path or the targets of a fit so its entries are reused.

    Returns
    -------
    gap : float, final duality gap (n-scaled); n_iter : int, passes done.
"""


def enet_naive(
    const double[::1, :] X, const double[::1] yc, const double[::1] sw,
    double[::1] x_mean, double[::1] sq_norms,
    const double[::1] penalty_factor, double[::1] w, double[::1] residual,
    double[::1] correlations, const int[::1] candidates,
    double l1, double l2, bint positive, double tol, int max_iter,
    bint random, unsigned int seed, bint screen, int stats=0,
    ActiveGram active_gram=None,
):
    cdef NaiveProblem P
    P.n = X.shape[0]
    P.p = X.shape[1]
    if P.n == 0 or P.p == 0:
        return 0.0, 0
    P.sparse = False
    P.X = &X[0, 0]
    return _run_naive(&P, yc, sw, x_mean, sq_norms, penalty_factor, w,
                      residual, correlations, candidates, l1, l2, positive,
                      tol, max_iter, random, seed, screen, stats, active_gram)


enet_naive.__doc__ = ("Elastic-net coordinate descent with naive (residual) "
                      "updates on a dense column-major ``X`` (n, p).\n" + _NAIVE_DOC)


def enet_naive_csc(
    const double[::1] data, const Py_ssize_t[::1] indices,
    const Py_ssize_t[::1] indptr, Py_ssize_t n_samples,
    const double[::1] yc, const double[::1] sw,
    double[::1] x_mean, double[::1] sq_norms,
    const double[::1] penalty_factor, double[::1] w, double[::1] residual,
    double[::1] correlations, const int[::1] candidates,
    double l1, double l2, bint positive, double tol, int max_iter,
    bint random, unsigned int seed, bint screen, ActiveGram active_gram=None,
):
    cdef NaiveProblem P
    P.n = n_samples
    P.p = indptr.shape[0] - 1
    if P.n == 0 or P.p <= 0:
        return 0.0, 0
    P.sparse = True
    P.X = NULL
    P.data = &data[0] if data.shape[0] > 0 else NULL
    P.indices = &indices[0] if indices.shape[0] > 0 else NULL
    P.indptr = &indptr[0]
    return _run_naive(&P, yc, sw, x_mean, sq_norms, penalty_factor, w,
                      residual, correlations, candidates, l1, l2, positive,
                      tol, max_iter, random, seed, screen, 0, active_gram)


enet_naive_csc.__doc__ = ("Elastic-net coordinate descent with naive updates "
                          "on CSC data (``data``, ``indices``, ``indptr``, "
                          "``n_samples``), centred implicitly.\n" + _NAIVE_DOC)


def column_products(const double[::1, :] X, const double[::1, :] V,
                    double[::1, :] out):
    """``out = X^T V`` for a column-major ``X`` (n, p) and a few vectors
    ``V`` (n, m). By dgemm on blocks of columns of about 256 KB: a block
    is read from memory once and packed by BLAS from cache, where one dgemm
    over all of X packs (copies) X through memory first; for m <= 8 this
    costs about 1.3 reads of X instead of 2.5 (measured, 500 x 20000)."""
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], m = V.shape[1], j0, cols
    cdef int n_ = <int>n, m_ = <int>m, b_, p_ = <int>p
    cdef double one = 1.0, zero = 0.0
    cdef char tt = b'T', tn = b'N'
    if V.shape[0] != n or out.shape[0] != p or out.shape[1] != m:
        raise ValueError("X (n, p), V (n, m) and out (p, m) expected")
    if n == 0 or p == 0 or m == 0:
        out[:, :] = 0.0
        return
    cols = min(max((1 << 15) // n, 16), p)
    with nogil:
        j0 = 0
        while j0 < p:
            b_ = <int>min(cols, p - j0)
            dgemm(&tt, &tn, &b_, &m_, &n_, &one, <double *>&X[0, j0], &n_,
                  <double *>&V[0, 0], &n_, &zero, &out[j0, 0], &p_)
            j0 += b_


def csc_column_stats(const double[::1] data, const Py_ssize_t[::1] indices,
                     const Py_ssize_t[::1] indptr, Py_ssize_t n_samples,
                     const double[::1] sw, bint fit_intercept,
                     double[::1] x_mean, double[::1] sq_norms):
    """Weighted means (0 without intercept) and centred squared norms of the
    columns of a CSC matrix, from its nonzeros only (duplicates summed
    beforehand by the caller)."""
    cdef Py_ssize_t p = indptr.shape[0] - 1, j, k
    cdef const double *s = &sw[0] if sw.shape[0] > 0 else NULL
    cdef double total, a, b, si, h
    with nogil:
        total = shr_weighted_sum(n_samples, s, NULL) if s != NULL else <double>n_samples
        for j in range(p):
            a = 0.0
            b = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                si = s[indices[k]] if s != NULL else 1.0
                a += si * data[k]
                b += si * data[k] * data[k]
            x_mean[j] = a / total if fit_intercept else 0.0
            # sum_i s_i (x_ij - m)^2 = sum s x^2 - total m^2 (rounding here
            # only changes step sizes, never the fixed point)
            h = b - total * x_mean[j] * x_mean[j]
            sq_norms[j] = h if h > 0.0 else 0.0


cdef bint _all_zero(const double *w, Py_ssize_t p) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(p):
        if w[j] != 0.0:
            return False
    return True


cdef Py_ssize_t _grow_active_set(NaiveProblem *P, const int *idx,
                                 Py_ssize_t count, const double *c,
                                 int *out, unsigned char *in_active) noexcept nogil:
    """Append to ``out`` the features of ``idx`` not yet active that are
    nonzero or, when ``c`` is given, violate the KKT condition of a zero
    coefficient (|c_j| > l1 f_j, or c_j > l1 f_j when positive)."""
    cdef Py_ssize_t t, j, added = 0
    cdef bint take
    for t in range(count):
        j = idx[t]
        if in_active[j]:
            continue
        take = P.w[j] != 0.0
        if not take and c != NULL:
            take = _violates(P, j, c[j])
        if take:
            out[added] = <int>j
            in_active[j] = 1
            added += 1
    return added


cdef inline bint _violates(NaiveProblem *P, Py_ssize_t j, double cj) noexcept nogil:
    """The KKT condition of w_j = 0 fails at correlation ``cj``."""
    return _zero_violates(cj, P.l1 * P.pf[j], P.h[j] + P.l2 * P.pf[j],
                          P.positive)


cdef Py_ssize_t _shed_zeros(NaiveProblem *P, int *active, Py_ssize_t count,
                            unsigned char *in_active, unsigned char mark,
                            const double *c) noexcept nogil:
    """Remove from the active set the zero coefficients flagged ``mark`` or,
    when ``c`` is given, those satisfying their KKT condition at the
    correlations ``c``; their flags are cleared. Returns the new count."""
    cdef Py_ssize_t t, j, kept = 0
    cdef bint drop
    for t in range(count):
        j = active[t]
        if P.w[j] == 0.0:
            drop = not _violates(P, j, c[j]) if c != NULL else in_active[j] == mark
            if drop:
                in_active[j] = 0
                continue
        active[kept] = <int>j
        kept += 1
    return kept


cdef Py_ssize_t _drop_idle(NaiveProblem *P, int *active, Py_ssize_t count,
                           const double *c, unsigned char *in_active) noexcept nogil:
    """Drop from the active set the zero coefficients that satisfy their KKT
    condition at the correlations ``c``, so the next cycle passes over the
    support and the violators only. A feature that the first passes from
    zero touched once (on a correlated design, several times the final
    support) is otherwise visited in every later pass; the next gap check
    takes it back if it comes to violate."""
    return _shed_zeros(P, active, count, in_active, 0, c)


cdef Py_ssize_t _drop_resting(NaiveProblem *P, int *active, Py_ssize_t count,
                              unsigned char *in_active) noexcept nogil:
    """After a pass of the cycling: flag the zero coefficients and, once at
    least a quarter of the active set has been zero after two passes in a
    row, drop every zero coefficient (fewer would not pay for the restart
    of the extrapolation). Returns the new count."""
    cdef Py_ssize_t t, j, resting = 0
    for t in range(count):
        j = active[t]
        if P.w[j] != 0.0:
            in_active[j] = 1
        elif in_active[j] == ZERO_MARK:
            resting += 1
        else:
            in_active[j] = ZERO_MARK
    if 4 * resting < count:
        return count
    return _shed_zeros(P, active, count, in_active, ZERO_MARK, NULL)


cdef Py_ssize_t _filter_active(NaiveProblem *P, int *active, Py_ssize_t count,
                               unsigned char *in_active) noexcept nogil:
    """Drop from the active set the features screening has just zeroed."""
    return _shed_zeros(P, active, count, in_active, 2, NULL)


cdef void _flag_offsets(Py_ssize_t p, const double *x_mean, const double *h,
                        double total, unsigned char *offset) noexcept nogil:
    """Mark columns whose |mean| exceeds their standard deviation: their
    products with a residual are taken exactly centred (shr_centered_dot)."""
    cdef Py_ssize_t j
    for j in range(p):
        offset[j] = x_mean[j] * x_mean[j] * total > h[j]


cdef void _first_pass_with_stats(NaiveProblem *P, bint fit_intercept) noexcept nogil:
    """A cyclic pass from w = 0 that also computes every column's statistics.

    Each column is read once: its weighted mean, centred squared norm and
    correlation with the residual come from one sweep (shr_column_moments);
    the residual is centred, so that correlation is the centred gradient.
    Rounding in the norm only changes step sizes, not the fixed point.
    """
    cdef Py_ssize_t j
    cdef const double *xj
    cdef double mom[3]
    cdef double total, shift, d1, h, w_new, g
    total = shr_weighted_sum(P.n, P.sw, NULL) if P.sw != NULL else <double>P.n
    for j in range(P.p):
        xj = P.X + j * P.n
        shift = xj[0] if fit_intercept else 0.0
        shr_column_moments(P.n, xj, P.sw, P.r, shift, mom)
        d1 = mom[0] / total if fit_intercept else 0.0
        P.x_mean[j] = shift + d1
        h = mom[1] - d1 * mom[0] if fit_intercept else mom[1]
        P.h[j] = h if h > 0.0 else 0.0
        P.offset[j] = P.x_mean[j] * P.x_mean[j] * total > P.h[j]
        if P.h[j] + P.l2 * P.pf[j] <= 0.0:
            continue
        # sum_i s_i (x_ij - shift) r_i is the centred gradient: sum_i s_i r_i = 0.
        w_new = shr_enet_coordinate(mom[2], P.l1 * P.pf[j],
                                    P.h[j] + P.l2 * P.pf[j], P.positive)
        if w_new != 0.0:
            _add_column(P, j, -w_new)
            P.w[j] = w_new


cdef double _naive_pass(NaiveProblem *P, const int *idx, Py_ssize_t count,
                        bint random, unsigned int *state,
                        double *max_w, Py_ssize_t *flips) noexcept nogil:
    """One pass over ``idx``; returns the largest change, sets max |w_j|
    and counts in ``flips`` the coefficients whose sign (or zero) changed."""
    cdef Py_ssize_t t, j
    cdef double d, w_old, max_dw = 0.0, largest = 0.0
    flips[0] = 0
    for t in range(count):
        if random:
            j = idx[_xorshift(state) % count]
        else:
            j = idx[t]
        w_old = P.w[j]
        d = _naive_step(P, j)
        if d != 0.0 and ((P.w[j] > 0.0) != (w_old > 0.0) or (P.w[j] < 0.0) != (w_old < 0.0)):
            flips[0] += 1
        if d > max_dw:
            max_dw = d
        if fabs(P.w[j]) > largest:
            largest = fabs(P.w[j])
    max_w[0] = largest
    return max_dw


cdef Py_ssize_t _gap_safe_screen(NaiveProblem *P, int *work, Py_ssize_t n_work,
                                 double *c, GapTerms G, double l1,
                                 double l2, unsigned char *in_active) noexcept nogil:
    """Drop features that the gap-safe sphere proves zero at the optimum.

    Feature j is inactive at every solution when
    ``|A_j| / max(l1, dual_norm) + sqrt(2 gap) / l1 * ||x~_j|| < f_j``,
    with ``||x~_j||^2 = h_j + l2 f_j`` the augmented column norm (Ndiaye et
    al. 2017, eq. 11 with weights f_j). Dropped features are set to zero
    and their correlation to NaN (it is no longer kept up to date).
    """
    cdef Py_ssize_t t, j, kept = 0
    cdef double radius = sqrt(2.0 * (G.gap if G.gap > 0.0 else 0.0)) / l1
    cdef double scale = l1 if G.dual_norm <= l1 else G.dual_norm
    cdef double f, a
    for t in range(n_work):
        j = work[t]
        f = P.pf[j]
        if f > 0.0:
            a = fabs(c[j] - l2 * f * P.w[j]) / scale
            if a + radius * sqrt(P.h[j] + l2 * f) < f:
                if P.w[j] != 0.0:
                    _add_column(P, j, P.w[j])
                    P.w[j] = 0.0
                if in_active[j]:
                    in_active[j] = 2  # for _filter_active
                c[j] = NAN
                continue
        work[kept] = j
        kept += 1
    return kept


# --------------------------------------------------------------------------
# covariance updates
# --------------------------------------------------------------------------

cdef int _centred_gram(const double *X, Py_ssize_t n, Py_ssize_t p,
                       bint c_order, const double *sw, const double *x_mean,
                       const double *E, Py_ssize_t n_extra,
                       const double *e_mean, const Py_ssize_t *rows,
                       Py_ssize_t n_rows, double *out) except -1 nogil:
    """out (m x m, m = p + n_extra, both triangles) = sum_r s_r z_r z_r^T
    over the rows ``rows`` of X (all n rows when NULL), where ``z_r`` is
    ``x_r - x_mean`` followed by ``e_r - e_mean`` for the extra columns
    ``E`` (n x n_extra, column-major). By dsyrk on blocks of centred,
    weighted rows: m^2 / 2 flops per row, and no cancellation for columns
    with large means."""
    cdef Py_ssize_t m = p + n_extra
    cdef Py_ssize_t i0, b, i, j, row, nb
    cdef double *buf
    cdef double *sq
    cdef double mj
    cdef double one_d = 1.0
    cdef int m_ = <int>m, b_
    cdef char uplo = b'U', trans = b'T'
    # about 512 KB of centred rows per dsyrk call: large enough for BLAS to
    # run near its peak, small enough to stay in a core's L2 cache
    nb = (1 << 16) // max(m, 1)
    nb = min(max(nb, 64), max(n_rows, 1))
    buf = <double *>malloc(nb * max(m, 1) * sizeof(double))
    sq = <double *>malloc(nb * sizeof(double))
    if buf == NULL or sq == NULL:
        free(buf)
        free(sq)
        with gil:
            raise MemoryError()
    memset(out, 0, m * m * sizeof(double))
    i0 = 0
    while i0 < n_rows:
        b = min(nb, n_rows - i0)
        for i in range(b):
            row = rows[i0 + i] if rows != NULL else i0 + i
            sq[i] = sqrt(sw[row]) if sw != NULL else 1.0
        # buf (b x m, column-major) = sqrt(s_r) * z_r
        for j in range(m):
            mj = x_mean[j] if j < p else e_mean[j - p]
            for i in range(b):
                row = rows[i0 + i] if rows != NULL else i0 + i
                if j >= p:
                    buf[j * b + i] = sq[i] * (E[(j - p) * n + row] - mj)
                elif c_order:
                    buf[j * b + i] = sq[i] * (X[row * p + j] - mj)
                else:
                    buf[j * b + i] = sq[i] * (X[j * n + row] - mj)
        b_ = <int>b
        dsyrk(&uplo, &trans, &m_, &b_, &one_d, buf, &b_, &one_d, out, &m_)
        i0 += b
    for j in range(m):
        for i in range(j + 1, m):
            out[j * m + i] = out[i * m + j]
    free(buf)
    free(sq)
    return 0


cdef void _raw_gram(const double *X, Py_ssize_t n, Py_ssize_t p,
                    bint c_order, double *out) noexcept nogil:
    """out (p x p, both triangles) = X^T X by one dsyrk on X itself (C- or
    Fortran-ordered), no copy."""
    cdef int n_ = <int>n, p_ = <int>p
    cdef double one = 1.0, zero = 0.0
    cdef char uplo = b'U', nt = b'N', tr = b'T'
    cdef Py_ssize_t i, j
    if c_order:   # X^T is p x n column-major with leading dimension p
        dsyrk(&uplo, &nt, &p_, &n_, &one, <double *>X, &p_, &zero, out, &p_)
    else:
        dsyrk(&uplo, &tr, &p_, &n_, &one, <double *>X, &n_, &zero, out, &p_)
    for j in range(p):
        for i in range(j + 1, p):
            out[j * p + i] = out[i * p + j]


def centred_gram(const double[::1] X_flat, Py_ssize_t n, Py_ssize_t p,
                 bint c_order, const double[::1] sw, const double[::1] x_mean,
                 double[:, ::1] out, const Py_ssize_t[::1] rows=None,
                 const double[::1, :] extra=None,
                 const double[::1] extra_mean=None):
    """``out = sum_r s_r z_r z_r^T`` over the rows ``rows`` of ``X`` (n, p;
    flattened in C or Fortran order; None: every row), with ``s`` = ``sw``
    (or 1 when empty) and ``z_r = x_r - x_mean``, followed by ``e_r -
    extra_mean`` when ``extra`` (n, k) is given: ``out`` is then (p + k,
    p + k) and holds the Gram, the cross-products with the extra columns
    and their own Gram. The centred Gram of a subset of rows, without
    copying them."""
    cdef const Py_ssize_t *idx = NULL
    cdef Py_ssize_t n_rows = n, k = 0
    cdef const double *E = NULL
    cdef const double *e_mean = NULL
    if extra is not None:
        k = extra.shape[1]
        if extra.shape[0] != n or extra_mean is None or extra_mean.shape[0] != k:
            raise ValueError("extra must be (n, k) with extra_mean (k,)")
        if k > 0:
            E = &extra[0, 0]
            e_mean = &extra_mean[0]
    if out.shape[0] != p + k or out.shape[1] != p + k:
        raise ValueError("out must be (p + k, p + k)")
    if rows is not None:
        n_rows = rows.shape[0]
        idx = &rows[0] if n_rows > 0 else NULL
    if p + k == 0:
        return
    with nogil:
        _centred_gram(&X_flat[0] if p > 0 else NULL, n, p, c_order,
                      &sw[0] if sw.shape[0] > 0 else NULL,
                      &x_mean[0] if p > 0 else NULL, E, k, e_mean,
                      idx, n_rows, &out[0, 0])


cdef class GramCache:
    """Columns of ``G = Xc^T S Xc`` (n-scaled), computed on demand.

    A column is computed the first time its feature becomes nonzero
    (one matrix-vector product with X), or all at once by
    :meth:`fill_all` (blocked, centred ``dsyrk``: n p^2 / 2 flops, no
    cancellation for columns with large offsets). A user-supplied full Gram
    can be adopted with :meth:`adopt`. The cache outlives one solve, so a
    regularization path reuses its columns at every alpha.
    """

    cdef readonly Py_ssize_t n, p, n_columns
    cdef bint c_order, full
    cdef const double *X
    cdef const double *sw
    cdef const double *x_mean
    cdef double *cols          # p x capacity, column-major
    cdef int *slot             # feature -> column index or -1
    cdef Py_ssize_t capacity
    cdef double *vbuf          # n scratch
    cdef unsigned char *offset # columns whose |mean| exceeds their spread
    cdef object _keep          # references that keep the buffers alive
    cdef readonly SupportFactor factor  # of the last Newton step's support
    cdef int passes_before     # passes the last solve on this cache took, or
                               # would have taken without Newton steps

    def __cinit__(self, const double[::1] X_flat, Py_ssize_t n, Py_ssize_t p,
                  bint c_order, const double[::1] sw, const double[::1] x_mean,
                  const double[::1] sq_norms=None):
        self.n = n
        self.p = p
        self.factor = SupportFactor(p)
        self.passes_before = 0
        self.c_order = c_order
        self.X = &X_flat[0]
        self.sw = &sw[0] if sw.shape[0] > 0 else NULL
        self.x_mean = &x_mean[0]
        self._keep = (X_flat, sw, x_mean)
        self.capacity = 0
        self.n_columns = 0
        self.full = False
        self.cols = NULL
        self.slot = <int *>malloc(max(p, 1) * sizeof(int))
        self.vbuf = <double *>malloc(max(n, 1) * sizeof(double))
        self.offset = <unsigned char *>malloc(max(p, 1))
        if self.slot == NULL or self.vbuf == NULL or self.offset == NULL:
            raise MemoryError()
        for j in range(p):
            self.slot[j] = -1
        if sq_norms is not None:
            _flag_offsets(p, &x_mean[0], &sq_norms[0],
                          shr_weighted_sum(n, self.sw, NULL) if self.sw != NULL else <double>n,
                          self.offset)
        else:
            memset(self.offset, 0, max(p, 1))

    def __dealloc__(self):
        free(self.cols)
        free(self.slot)
        free(self.vbuf)
        free(self.offset)

    cdef void _fix_offsets(self, const double *v, double *out) noexcept nogil:
        """out[j] = sum_i (x_ij - m_j) v_i exactly for offset columns."""
        cdef Py_ssize_t i, j
        cdef double acc
        for j in range(self.p):
            if self.offset[j]:
                if self.c_order:
                    acc = 0.0
                    for i in range(self.n):
                        acc += (self.X[i * self.p + j] - self.x_mean[j]) * v[i]
                    out[j] = acc
                else:
                    out[j] = shr_centered_dot(self.n, self.X + j * self.n,
                                              self.x_mean[j], NULL, v)

    cdef int _reserve(self, Py_ssize_t capacity) except -1 nogil:
        cdef double *grown
        if capacity <= self.capacity:
            return 0
        grown = <double *>realloc(self.cols, capacity * self.p * sizeof(double))
        if grown == NULL:
            with gil:
                raise MemoryError(
                    f"cannot allocate the Gram cache ({capacity} x {self.p} "
                    "float64); use precompute=False")
        self.cols = grown
        self.capacity = capacity
        return 0

    cdef double *column(self, Py_ssize_t k) except NULL nogil:
        """Pointer to G[:, k], computing it first if needed."""
        cdef Py_ssize_t i, j, col
        cdef double total = 0.0, s, alpha = 1.0, beta = 0.0
        cdef double *out
        cdef int n_ = <int>self.n, p_ = <int>self.p, one = 1
        cdef char trans
        if self.slot[k] >= 0:
            return self.cols + self.slot[k] * self.p
        if self.n_columns == self.capacity:
            self._reserve(min(self.p, max(8, 2 * self.capacity)))
        col = self.n_columns
        out = self.cols + col * self.p
        # v = S (x_k - m_k), then G[:, k] = X^T v - m * sum(v).
        for i in range(self.n):
            if self.c_order:
                s = self.X[i * self.p + k] - self.x_mean[k]
            else:
                s = self.X[k * self.n + i] - self.x_mean[k]
            if self.sw != NULL:
                s *= self.sw[i]
            self.vbuf[i] = s
            total += s
        if self.c_order:
            trans = b'N'
            dgemv(&trans, &p_, &n_, &alpha, <double *>self.X, &p_, self.vbuf,
                  &one, &beta, out, &one)
        else:
            trans = b'T'
            dgemv(&trans, &n_, &p_, &alpha, <double *>self.X, &n_, self.vbuf,
                  &one, &beta, out, &one)
        for j in range(self.p):
            out[j] -= self.x_mean[j] * total
        self._fix_offsets(self.vbuf, out)
        self.slot[k] = <int>col
        self.n_columns += 1
        return out

    def fill_all(self):
        """Compute every column at once by blocked, centred ``dsyrk``."""
        if self.full:
            return
        self._reserve(self.p)
        with nogil:
            if self.sw == NULL and _all_zero(self.x_mean, self.p):
                # nothing to centre or weight: one dsyrk on X in place
                _raw_gram(self.X, self.n, self.p, self.c_order, self.cols)
            else:
                _centred_gram(self.X, self.n, self.p, self.c_order, self.sw,
                              self.x_mean, NULL, 0, NULL, NULL, self.n, self.cols)
            for j in range(self.p):
                self.slot[j] = <int>j
        self.n_columns = self.p
        self.full = True

    def adopt(self, const double[:, ::1] gram):
        """Use a full, symmetric (p, p) Gram given by the caller (copied)."""
        cdef Py_ssize_t j
        self._reserve(self.p)
        memcpy(self.cols, &gram[0, 0], self.p * self.p * sizeof(double))
        for j in range(self.p):
            self.slot[j] = <int>j
        self.n_columns = self.p
        self.full = True

    def to_array(self):
        """A copy of the full Gram (p, p); every column must be cached."""
        if not self.full:
            raise ValueError("the Gram is not complete: call fill_all() first")
        out = np.empty((self.p, self.p))
        cdef double[:, ::1] view = out
        if self.p:
            memcpy(&view[0, 0], self.cols, self.p * self.p * sizeof(double))
        return out

    def diagonal(self):
        """The diagonal of the cached columns (NaN where not computed)."""
        out = np.full(self.p, np.nan)
        for j in range(self.p):
            if self.slot[j] >= 0:
                out[j] = self.cols[self.slot[j] * self.p + j]
        return out


def gram_correlations(GramCache cache, const double[::1] yc, double[::1] out):
    """``out = Xc^T S yc`` and return ``yc^T S yc`` (one pass over X)."""
    cdef Py_ssize_t n = cache.n, p = cache.p, i, j
    cdef double[::1] v = np.empty(max(n, 1))
    cdef double total = 0.0, alpha = 1.0, beta = 0.0, yy = 0.0
    cdef int n_ = <int>n, p_ = <int>p, one = 1
    cdef char trans
    with nogil:
        for i in range(n):
            v[i] = yc[i] * (cache.sw[i] if cache.sw != NULL else 1.0)
            total += v[i]
            yy += v[i] * yc[i]
        if cache.c_order:
            trans = b'N'
            dgemv(&trans, &p_, &n_, &alpha, <double *>cache.X, &p_, &v[0], &one,
                  &beta, &out[0], &one)
        else:
            trans = b'T'
            dgemv(&trans, &n_, &p_, &alpha, <double *>cache.X, &n_, &v[0], &one,
                  &beta, &out[0], &one)
        for j in range(p):
            out[j] -= cache.x_mean[j] * total
        cache._fix_offsets(&v[0], &out[0])
    return yy


cdef struct GramProblem:
    Py_ssize_t p
    const double *q       # Xc^T S yc
    const double *h       # diag(G)
    const double *pf
    double *w
    double *c             # q - G w
    double yy             # yc^T S yc
    double l1
    double l2
    bint positive


cdef inline double _gram_step(GramProblem *P, GramCache cache,
                              Py_ssize_t j) except -1.0 nogil:
    cdef double f = P.pf[j]
    cdef double denom = P.h[j] + P.l2 * f
    cdef double w_old = P.w[j], w_new
    cdef double *col
    if denom <= 0.0:
        return 0.0
    w_new = shr_enet_coordinate(P.c[j] + P.h[j] * w_old, P.l1 * f, denom,
                                P.positive)
    if w_new != w_old:
        col = cache.column(j)
        _axpy(P.p, w_old - w_new, col, P.c)
        P.w[j] = w_new
        return fabs(w_new - w_old)
    return 0.0


cdef int _gram_refresh(GramProblem *P, GramCache cache) except -1 nogil:
    """c = q - G w from scratch (removes drift of the running updates)."""
    cdef Py_ssize_t j
    memcpy(P.c, P.q, P.p * sizeof(double))
    for j in range(P.p):
        if P.w[j] != 0.0:
            _axpy(P.p, -P.w[j], cache.column(j), P.c)
    return 0


cdef double _data_term(GramProblem *P) noexcept nogil:
    """0.5 |r|^2 = 0.5 (yy - q.w - c.w), from the Gram quantities."""
    cdef Py_ssize_t j
    cdef double acc = P.yy
    for j in range(P.p):
        if P.w[j] != 0.0:
            acc -= P.w[j] * (P.q[j] + P.c[j])
    return 0.5 * acc


cdef void _gram_extrapolate(GramProblem *P, Anderson *A, const int *active,
                            Py_ssize_t n_active) noexcept nogil:
    """:func:`_naive_extrapolate` for covariance updates: the correlations
    ``c = q - G w`` extrapolate with the coefficients, and with
    ``d = w' - w`` the change of the data term is ``-0.5 d.(c + c')``."""
    cdef Py_ssize_t t, j
    cdef double change, acc = 0.0, penalty
    if not _anderson_store(A, P.w, active, n_active, P.c, 0.0):
        return
    change = _penalty_change(P.w, A.w_acc, active, n_active, P.pf, P.l1,
                             P.l2, P.positive, &penalty)
    if change == INFINITY:
        return
    for t in range(n_active):
        j = active[t]
        acc += (A.w_acc[t] - P.w[j]) * (P.c[j] + A.v_acc[j])
    change -= 0.5 * acc
    # The data term 0.5 |r|^2 = 0.5 (yy - q.w - c.w) only sets the scale of
    # the threshold, so its cancellation does not matter here.
    if change < -ACCEPT_DECREASE * (fabs(_data_term(P)) + penalty):
        for t in range(n_active):
            P.w[active[t]] = A.w_acc[t]
        memcpy(P.c, A.v_acc, P.p * sizeof(double))


cdef GapTerms _gram_gap(GramProblem *P, GramCache cache, const int *cand,
                        Py_ssize_t n_cand, FreeProjection *F,
                        double *c2) noexcept nogil:
    """The duality gap at the current point from the Gram quantities, with
    unpenalised features projected out as in :func:`_naive_gap`: the
    correlations with ``u = r - X~_act beta`` are ``c - G[:, act] beta``
    (into ``c2``), and ``y.u = |u|^2 + w.c2`` with ``|u|^2 = |r|^2 -
    beta.c_act``, ``|r|^2 = y.r - w.c``."""
    cdef Py_ssize_t a, b, t, n_act = 0, p = P.p
    cdef int j
    cdef double ry = P.yy - _dot(p, P.q, P.w), rr, wc = 0.0, wc2 = 0.0
    cdef double free_term = 0.0
    cdef const double *col
    cdef bint grown
    cdef GapTerms G
    if P.l1 <= 0.0 or F.n_free == 0:
        return _duality_gap(p, P.w, P.c, P.pf, P.h, cand, n_cand, P.l1, P.l2,
                            P.positive, ry)
    for t in range(F.n_free):
        j = F.free[t]
        if P.h[j] <= 0.0:
            continue
        if not P.positive or P.w[j] > 0.0 or P.c[j] > 0.0:
            F.act[n_act] = j
            F.cf[n_act] = P.c[j]
            n_act += 1
    while True:
        for b in range(n_act):
            col = cache.column(F.act[b])
            for a in range(n_act):
                F.M[a * n_act + b] = col[F.act[a]]
        memcpy(c2, P.c, p * sizeof(double))
        if n_act and _free_solve(F, n_act) != 0:
            G = _duality_gap(p, P.w, P.c, P.pf, P.h, cand, n_cand, P.l1,
                             P.l2, P.positive, ry)
            G.gap = INFINITY
            return G
        for b in range(n_act):
            _axpy(p, -F.beta[b], cache.column(F.act[b]), c2)
        grown = False
        if P.positive:
            for t in range(F.n_free):
                j = F.free[t]
                if c2[j] > 0.0 and not _free_act(F, n_act, j):
                    F.act[n_act] = j
                    F.cf[n_act] = P.c[j]
                    n_act += 1
                    grown = True
        if not grown:
            break
    for j in range(p):
        if P.w[j] != 0.0:
            wc += P.w[j] * P.c[j]
            wc2 += P.w[j] * c2[j]
    for b in range(n_act):
        free_term += 0.5 * F.beta[b] * F.cf[b]
    rr = ry - wc
    return _duality_gap(p, P.w, c2, P.pf, P.h, cand, n_cand, P.l1, P.l2,
                        P.positive, (rr - 2.0 * free_term) + wc2,
                        free_term if free_term > 0.0 else 0.0)


cdef struct ActiveBlock:
    # The active set's own Gram block and coefficients, contiguous, so that
    # cycling over it updates only the active correlations (n_a per change
    # instead of p) and reads G with unit stride. The block is copied out
    # of the cache only when a cyclic pass needs it: a cycle that Newton
    # steps settle never reads it.
    double *G             # capacity^2, column b = G[active, active[b]]
    bint filled           # whether G holds the current active set's block
    double *w
    double *w0            # coefficients the full correlations are at
    double *c
    double *h
    double *pf
    double *q
    int *ident            # 0..n_a-1
    int *block_of         # p: feature -> position in the block
    double *c_full        # p: the full correlations after a Newton step
    Newton nw
    int n_newton          # Newton steps taken in the solve
    double cd_passes      # passes it would have taken without (estimated)
    Py_ssize_t capacity


cdef bint _block_reserve(ActiveBlock *B, Py_ssize_t na) noexcept nogil:
    """Room for ``na`` features; False when memory runs out."""
    cdef Py_ssize_t k
    cdef void *g
    if na <= B.capacity:
        return True
    g = realloc(B.G, na * na * sizeof(double))
    if g == NULL:
        return False
    B.G = <double *>g
    B.w = <double *>realloc(B.w, na * sizeof(double))
    B.w0 = <double *>realloc(B.w0, na * sizeof(double))
    B.c = <double *>realloc(B.c, na * sizeof(double))
    B.h = <double *>realloc(B.h, na * sizeof(double))
    B.pf = <double *>realloc(B.pf, na * sizeof(double))
    B.q = <double *>realloc(B.q, na * sizeof(double))
    B.ident = <int *>realloc(B.ident, na * sizeof(int))
    if (B.w == NULL or B.w0 == NULL or B.c == NULL or B.h == NULL
            or B.pf == NULL or B.q == NULL or B.ident == NULL):
        return False
    for k in range(na):
        B.ident[k] = <int>k
    B.capacity = na
    return True


cdef void _block_free(ActiveBlock *B) noexcept nogil:
    free(B.G)
    free(B.w)
    free(B.w0)
    free(B.c)
    free(B.h)
    free(B.pf)
    free(B.q)
    free(B.ident)
    free(B.block_of)
    free(B.c_full)
    _newton_free(&B.nw)


cdef double _block_pass(GramProblem *L, const double *G, bint random,
                        unsigned int *state, double *max_w,
                        Py_ssize_t *flips) noexcept nogil:
    """One pass over the block problem ``L`` (features 0..L.p-1); counts
    in ``flips`` the coefficients whose sign (or zero) changed."""
    cdef Py_ssize_t t, b, na = L.p
    cdef double f, denom, w_old, w_new, d, max_dw = 0.0, largest = 0.0
    flips[0] = 0
    for t in range(na):
        b = _xorshift(state) % na if random else t
        f = L.pf[b]
        denom = L.h[b] + L.l2 * f
        if denom > 0.0:
            w_old = L.w[b]
            w_new = shr_enet_coordinate(L.c[b] + L.h[b] * w_old, L.l1 * f,
                                        denom, L.positive)
            if w_new != w_old:
                _axpy(na, w_old - w_new, G + b * na, L.c)
                L.w[b] = w_new
                if (w_new > 0.0) != (w_old > 0.0) or (w_new < 0.0) != (w_old < 0.0):
                    flips[0] += 1
                d = fabs(w_new - w_old)
                if d > max_dw:
                    max_dw = d
        if fabs(L.w[b]) > largest:
            largest = fabs(L.w[b])
    max_w[0] = largest
    return max_dw


cdef inline bint _violates_kkt(GramProblem *L, Py_ssize_t b) noexcept nogil:
    """Whether coefficient b, at zero, violates its KKT condition."""
    return _zero_violates(L.c[b], L.l1 * L.pf[b], L.h[b] + L.l2 * L.pf[b],
                          L.positive)


cdef void _block_flush(GramProblem *P, ActiveBlock *B, const int *active,
                       Py_ssize_t na, GramCache cache) noexcept nogil:
    """Write the block's coefficient changes back: ``w[A] = w_B`` and
    ``c -= G[:, A] (w_B - w0_B)``, after which ``w0_B = w_B``. The active
    features' columns are cached."""
    cdef Py_ssize_t b
    cdef double d
    for b in range(na):
        d = B.w[b] - B.w0[b]
        if d != 0.0:
            P.w[active[b]] = B.w[b]
            _axpy(P.p, -d, cache.cols + cache.slot[active[b]] * cache.p, P.c)
            B.w0[b] = B.w[b]


cdef void _block_fill(ActiveBlock *B, const int *active, Py_ssize_t na,
                      GramCache cache) noexcept nogil:
    """Copy ``G[A, A]`` out of the cache (the active columns are cached)."""
    cdef Py_ssize_t a, b
    cdef const double *col
    for b in range(na):
        col = cache.cols + cache.slot[active[b]] * cache.p
        for a in range(na):
            B.G[b * na + a] = col[active[a]]
    B.filled = True


cdef bint _block_newton(GramProblem *P, GramProblem *L, ActiveBlock *B,
                        const int *active, GramCache cache, SupportFactor F,
                        double budget, bint entering) noexcept nogil:
    """A Newton step on the support of the block problem ``L`` (see "Newton
    steps on a fixed sign pattern"), with the Gram columns of ``cache`` and
    its support factor ``F``, from and to the full problem ``P`` (the
    block's pending moves are flushed first; a step taken updates ``P``'s
    coefficients and correlations as well as the block's). With
    ``entering``, the block's features at zero that violate their KKT
    condition join the support (the active-set method of Osborne et al.,
    without cyclic passes). True when taken; ``B.nw.too_costly`` when
    declined for its cost alone."""
    cdef Newton *N = &B.nw
    cdef Py_ssize_t a, b, t, j, na = L.p, ns = 0, shared = 0, m
    cdef double f, wo, wn, cost, change = 0.0, penalty = 0.0
    N.too_costly = False
    if not _newton_reserve(N, na):
        return False
    for b in range(na):
        if L.w[b] != 0.0 or (entering and _violates_kkt(L, b)):
            j = active[b]
            N.S[ns] = <int>j
            if F.where[j] >= 0 and F.l2 == L.l2:
                shared += 1
            ns += 1
    if ns == 0:
        return False
    # factor updates (or one blocked factorisation) and solves, against a
    # pass that moves every feature of the block; the update of the full
    # correlations stands in for the write-back of the moves it replaces,
    # charged as what it costs on the block
    cost = (_factor_sync_cost(ns, shared, F.size)
            + 2.0 * ns * ns + 2.0 * ns * na) / (<double>na * na)
    if cost > budget:
        N.too_costly = True
        return False
    _block_flush(P, B, active, na, cache)
    if not _factor_sync(F, N.S, ns, cache.cols, cache.p, cache.slot, NULL, P.pf, L.l2):
        return False
    for t in range(ns):
        j = F.order[t]
        b = B.block_of[j]
        N.S[t] = <int>j
        N.pos[t] = <int>b
        N.ws[t] = L.w[b]
        N.cs[t] = L.c[b]
    # Kinks are not rationed: going on through them (a solve and a deletion
    # each) costs less than the rounds of re-entry a partial step leads to,
    # the features it stopped short of violating their KKT conditions again.
    if not _newton_path(N, F, cache.cols, cache.p, cache.slot, NULL, P.pf,
                        L.l1, L.l2, L.positive, <int>ns):
        return False
    m = _newton_moves(N, F.size)
    # c_full = c - G[:, S] (w_new - w) and the objective's change
    memcpy(B.c_full, P.c, P.p * sizeof(double))
    for a in range(m):
        if N.x[a] != N.ws[a]:
            _axpy(P.p, N.ws[a] - N.x[a], cache.cols + cache.slot[N.S[a]] * cache.p,
                  B.c_full)
    for a in range(m):
        j = N.S[a]
        b = N.pos[a]
        wo = N.ws[a]
        wn = N.x[a]
        f = L.pf[b]
        penalty += f * (L.l1 * fabs(wo) + 0.5 * L.l2 * wo * wo)
        change += f * (L.l1 * (fabs(wn) - fabs(wo)) + 0.5 * L.l2 * (wn * wn - wo * wo))
        change -= 0.5 * (wn - wo) * (L.c[b] + B.c_full[j])
    if not change < -ACCEPT_DECREASE * (fabs(_data_term(L)) + penalty):
        return False
    for a in range(m):
        L.w[N.pos[a]] = N.x[a]
        B.w0[N.pos[a]] = N.x[a]
        P.w[N.S[a]] = N.x[a]
    memcpy(P.c, B.c_full, P.p * sizeof(double))
    for b in range(na):
        L.c[b] = P.c[active[b]]
    B.n_newton += 1
    return True


cdef bint _block_violations(GramProblem *L) noexcept nogil:
    """Whether a coefficient of the block at zero violates its KKT
    condition."""
    cdef Py_ssize_t b
    for b in range(L.p):
        if L.w[b] == 0.0 and _violates_kkt(L, b):
            return True
    return False


cdef int _gram_active_cycle(GramProblem *P, GramCache cache, SupportFactor F,
                            const int *active, Py_ssize_t na, Anderson *A,
                            ActiveBlock *B, bint random, unsigned int *state,
                            double dw_tol, double rel_tol, int max_iter,
                            int *n_iter) except -1 nogil:
    """Cycle over the active set on its own Gram block until it settles
    (with Anderson extrapolation and Newton steps on its support), then
    write the coefficients back and bring the full correlations up to date
    (:func:`_block_flush`)."""
    cdef GramProblem L
    cdef Py_ssize_t b, flips
    cdef double max_dw, max_w, budget, left
    cdef double ratio[4]
    cdef bint settled, armed = True, done, stalled
    cdef int tries = 0, stable = 0, rounds, pass_in_cycle = 0
    for b in range(na):
        cache.column(active[b])  # cached before the nogil kernels read it
        B.w[b] = P.w[active[b]]
        B.w0[b] = B.w[b]
        B.c[b] = P.c[active[b]]
        B.h[b] = P.h[active[b]]
        B.pf[b] = P.pf[active[b]]
        B.q[b] = P.q[active[b]]
        B.block_of[active[b]] = <int>b
    B.filled = False
    L.p = na
    L.q = B.q
    L.h = B.h
    L.pf = B.pf
    L.w = B.w
    L.c = B.c
    L.yy = P.yy
    L.l1 = P.l1
    L.l2 = P.l2
    L.positive = P.positive
    A.count = 0
    A.m = na
    # First the active-set method: Newton steps whose support takes in the
    # block's KKT violators, until none is left (the block's exact minimiser:
    # no cyclic pass needed) or a step fails or runs out of budget.
    done = False
    if B.nw.enabled:
        for rounds in range(NEWTON_ROUNDS):
            if n_iter[0] >= max_iter or not _block_newton(
                    P, &L, B, active, cache, F,
                    _newton_budget(cache.passes_before, n_iter[0]), True):
                break
            n_iter[0] += 1
            if not B.nw.partial and not _block_violations(&L):
                done = True
                break
    while n_iter[0] < max_iter and not done:
        if not B.filled:
            _block_fill(B, active, na, cache)
        max_dw = _block_pass(&L, B.G, random, state, &max_w, &flips)
        n_iter[0] += 1
        settled = max_w == 0.0 or max_dw <= dw_tol * max_w
        ratio[pass_in_cycle % 4] = max_dw / max_w if max_w > 0.0 else 0.0
        pass_in_cycle += 1
        stable = stable + 1 if flips == 0 else 0
        armed = armed or flips > 0
        # With the signs steady, jump to the minimiser on the support; when
        # the passes contract too slowly to settle within a Newton step's
        # budget, jump whether or not signs still change (the step goes
        # through the changes), taking in the block's KKT violators.
        budget = _newton_budget(cache.passes_before, n_iter[0])
        stalled = False
        if pass_in_cycle >= 4 and not settled:
            left = _passes_left(ratio, pass_in_cycle,
                                dw_tol if dw_tol < rel_tol else rel_tol)
            if left > budget:
                budget = left
                stalled = True
                if n_iter[0] + left > B.cd_passes:
                    B.cd_passes = n_iter[0] + left
        if (B.nw.enabled and armed and tries < NEWTON_MAX_TRIES
                and ((flips == 0 and (settled or stable >= NEWTON_STABLE))
                     or stalled)):
            tries += 1
            stable = 0
            armed = _block_newton(P, &L, B, active, cache, F, budget, stalled)
            if armed:
                A.count = 0
                n_iter[0] += 1
                # a full step needs the signs to change before another
                armed = B.nw.partial
                continue
            if B.nw.too_costly:
                # the budget grows with the passes: ask again later
                armed = True
                tries -= 1
        if settled:
            break
        if A.enabled and na > 1:
            _gram_extrapolate(&L, A, B.ident, na)
    A.m = P.p
    _block_flush(P, B, active, na, cache)
    return 0


def enet_gram(
    GramCache cache, const double[::1] q, double yy,
    const double[::1] sq_norms, const double[::1] penalty_factor,
    double[::1] w, double[::1] correlations, const int[::1] candidates,
    double l1, double l2, bint positive, double tol, int max_iter,
    bint random, unsigned int seed, bint newton=True,
    bint correlations_current=False,
):
    """Elastic-net coordinate descent with covariance (Gram) updates.

    Same problem, parameters and returns as :func:`enet_naive`, with the
    data given through ``cache`` (Gram columns), ``q = Xc^T S yc`` and
    ``yy = yc^T S yc`` instead of X and yc. ``correlations`` holds
    ``q - G w`` at exit (and on entry when ``correlations_current``, e.g.
    left by the previous solve of a path). Each coordinate update costs
    O(1), each change of a coefficient O(p), independent of the number of
    samples.

    glmnet's covariance mode (Friedman et al. 2010, section 2.2): cycle over
    the working set -- the nonzero candidates and those violating their KKT
    condition, on the working set's own Gram block -- until it settles,
    then check the KKT conditions of the other candidates from the
    correlations (no pass over them) and the duality gap. ``newton``
    enables Newton steps on the support (the factor lives in ``cache`` and
    serves the next solve too).
    """
    cdef GramProblem P
    cdef Py_ssize_t p = cache.p, n_cand = candidates.shape[0]
    cdef int[::1] active = np.empty(max(n_cand, 1), dtype=np.intc)
    cdef Py_ssize_t n_active, t, j
    cdef int n_iter = 0
    cdef double max_dw, max_w, dw_tol = DW_TOL_START, rel_tol
    cdef GapTerms G
    cdef unsigned int state = seed if seed != 0 else 2463534242u
    cdef const int *cand = &candidates[0] if n_cand > 0 else NULL
    cdef Anderson A
    cdef FreeProjection Fp
    cdef double[::1] c2 = np.empty(max(p, 1))
    cdef unsigned char[::1] marks = np.zeros(max(p, 1), dtype=np.uint8)
    cdef ActiveBlock B
    cdef SupportFactor factor = cache.factor

    if p == 0 or n_cand == 0:
        return 0.0, 0
    P.p = p
    P.q = &q[0]
    P.h = &sq_norms[0]
    P.pf = &penalty_factor[0]
    P.w = &w[0]
    P.c = &correlations[0]
    P.yy = yy
    P.l1 = l1
    P.l2 = l2
    P.positive = positive
    buffers = _anderson_setup(&A, n_cand, p, not random)
    free_buffers = _free_setup(&Fp, candidates, penalty_factor)
    for t in range(Fp.n_free):
        cache.column(Fp.free[t])  # computed now, where errors can propagate

    memset(&B, 0, sizeof(ActiveBlock))
    B.nw.enabled = newton
    B.block_of = <int *>malloc(max(p, 1) * sizeof(int))
    B.c_full = <double *>malloc(max(p, 1) * sizeof(double))
    if B.block_of == NULL or B.c_full == NULL:
        free(B.block_of)
        free(B.c_full)
        raise MemoryError()
    # the tolerance relative to |y|^2: about the relative change per pass
    # the last cycle must reach (for the Newton steps' budget)
    rel_tol = tol / yy if yy > 0.0 else 0.0
    try:
        with nogil:
            if not correlations_current:
                _gram_refresh(&P, cache)
            G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
            while G.gap > tol and n_iter < max_iter:
                n_active = _gram_working_set(&P, cand, n_cand, &active[0])
                if n_active == 0:
                    break  # w = 0 and every KKT condition holds
                if _block_reserve(&B, n_active):
                    _gram_active_cycle(&P, cache, factor, &active[0],
                                       n_active, &A, &B, random, &state,
                                       dw_tol, rel_tol, max_iter, &n_iter)
                else:  # no memory for the block: cycle in place
                    A.count = 0
                    while n_iter < max_iter:
                        max_dw = _gram_pass(&P, cache, &active[0], n_active,
                                            random, &state, &max_w)
                        n_iter += 1
                        if max_w == 0.0 or max_dw <= dw_tol * max_w:
                            break
                        if A.enabled and n_active > 1:
                            _gram_extrapolate(&P, &A, &active[0], n_active)
                # features outside the working set that now violate their
                # KKT condition join it before any certificate is taken
                if _gram_new_violators(&P, cand, n_cand, &active[0], n_active,
                                       &marks[0]):
                    continue
                # The gap from the running correlations decides whether to
                # go on; only one that may certify is recomputed from
                # correlations refreshed from scratch (no drift).
                G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
                if G.gap <= REFRESH_MARGIN * tol:
                    _gram_refresh(&P, cache)
                    G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
                dw_tol *= 0.1
            if G.gap > tol:  # stopped by max_iter: the exact final gap
                _gram_refresh(&P, cache)
                G = _gram_gap(&P, cache, cand, n_cand, &Fp, &c2[0])
        # What the next solve may spend on a Newton step: the passes this
        # one took, or would have taken where they stalled; when Newton
        # steps finished it, its count says nothing of what cyclic passes
        # would have needed: keep the larger estimate.
        if B.cd_passes < n_iter:
            B.cd_passes = n_iter
        if B.n_newton == 0 or B.cd_passes > cache.passes_before:
            cache.passes_before = (<int>B.cd_passes if B.cd_passes < max_iter
                                   else max_iter)
    finally:
        _block_free(&B)
    return G.gap, n_iter


cdef Py_ssize_t _gram_working_set(GramProblem *P, const int *cand,
                                  Py_ssize_t n_cand, int *out) noexcept nogil:
    """The candidates that are nonzero or violate their KKT condition at
    zero (|c_j| > l1 f_j, or c_j > l1 f_j under ``positive``), in candidate
    order."""
    cdef Py_ssize_t t, j, k = 0
    for t in range(n_cand):
        j = cand[t]
        if P.w[j] == 0.0 and not _violates_kkt(P, j):
            continue
        out[k] = <int>j
        k += 1
    return k


cdef bint _gram_new_violators(GramProblem *P, const int *cand,
                              Py_ssize_t n_cand, const int *active,
                              Py_ssize_t n_active,
                              unsigned char *marks) noexcept nogil:
    """Whether a candidate outside ``active`` violates its KKT condition
    at zero (``marks``: p zeros, left so)."""
    cdef Py_ssize_t t, j
    cdef bint found = False
    for t in range(n_active):
        marks[active[t]] = 1
    for t in range(n_cand):
        j = cand[t]
        if not marks[j] and P.w[j] == 0.0 and _violates_kkt(P, j):
            found = True
            break
    for t in range(n_active):
        marks[active[t]] = 0
    return found


cdef double _gram_pass(GramProblem *P, GramCache cache, const int *idx,
                       Py_ssize_t count, bint random, unsigned int *state,
                       double *max_w) except -1.0 nogil:
    """One pass over ``idx``; returns the largest change, sets max |w_j|."""
    cdef Py_ssize_t t, j
    cdef double d, max_dw = 0.0, largest = 0.0
    for t in range(count):
        if random:
            j = idx[_xorshift(state) % count]
        else:
            j = idx[t]
        d = _gram_step(P, cache, j)
        if d > max_dw:
            max_dw = d
        if fabs(P.w[j]) > largest:
            largest = fabs(P.w[j])
    max_w[0] = largest
    return max_dw
