"""Newton steps on a fixed sign pattern.

Once the active-set cycling has found the support S and signs s of the
solution, the elastic net restricted to that orthant is a quadratic whose
minimiser solves (G_SS + l2 F_S) w_S = q_S - l1 F_S s_S (the active-set
view of the Lasso: Osborne, Presnell & Turlach 2000, "A new approach to
variable selection in least squares problems", IMA J. Numer. Anal. 20(3)).
A Cholesky factor of G_SS + l2 F_S (:class:`SupportFactor`), kept up to
date as features enter and leave the support (csrc/shrinkage_cholesky.h)
and carried along a path, makes that solve cost about what a cyclic pass
costs, where ill-conditioned supports need hundreds of passes to reach a
tight gap. The step follows the homotopy path through sign changes
(:func:`_newton_path`) and the drivers keep it only when it lowers the
objective, so the certificate and the convergence of coordinate descent are
untouched. When a step is tried, and what it may cost, is decided in
_policy.pxd.
"""

import numpy as np

from libc.math cimport INFINITY, fabs
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport dsyrk, dtrsm, dtrsv
from scipy.linalg.cython_lapack cimport dpotrf

from shrinkage._kernels cimport shr_chol_append, shr_chol_delete
from shrinkage._enet._policy cimport FACTOR_BLOCKED
from shrinkage._enet._util cimport _dot, _grow_doubles, _grow_ints


cdef class SupportFactor:
    """Cholesky factor of ``G_FF + l2 F_F`` over an ordered set F of
    features (the support of the last Newton step), updated in O(|F|^2) as
    features enter and leave; kept across the solves of a path so that
    consecutive alphas, whose supports differ by a few features, share it.
    Holds at most ``max_size`` features."""

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


cdef bint _newton_reserve(Newton *N, Py_ssize_t cap) noexcept nogil:
    """Room for a support of ``cap`` features; False when memory runs out
    (the buffers then keep their old size and stay N's to free)."""
    if cap <= N.cap:
        return True
    if not (_grow_ints(&N.S, cap) and _grow_ints(&N.pos, cap)
            and _grow_ints(&N.drop_S, cap) and _grow_ints(&N.drop_pos, cap)
            and _grow_doubles(&N.ws, cap) and _grow_doubles(&N.cs, cap)
            and _grow_doubles(&N.sg, cap) and _grow_doubles(&N.x, cap)
            and _grow_doubles(&N.target, cap) and _grow_doubles(&N.u, cap)
            and _grow_doubles(&N.drop_ws, cap)):
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
