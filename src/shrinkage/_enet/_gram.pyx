"""Gram matrices of a design, centred and weighted implicitly.

:class:`GramCache` holds the columns ``G[:, k] = Xc^T S xc_k`` that the
covariance solver (_covariance.pyx) reads, computed as features become
nonzero (or all at once by a blocked, centred dsyrk); :class:`ActiveGram`
the entries among the features that have been nonzero (glmnet's
"ever-active" set) that the naive solver's Newton steps need. Each carries
the Cholesky factor of the last Newton step's support
(:class:`shrinkage._enet._newton.SupportFactor`) across the solves of a
path. Friedman, Hastie & Tibshirani (2010), "Regularization paths for
generalized linear models via coordinate descent", J. Stat. Softw. 33(1),
section 2.2; the centring is that of docs/design.md.
"""

import numpy as np

from cython cimport floating
from libc.math cimport sqrt
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport dgemv, dsyrk

from shrinkage._kernels cimport (
    shr_centered_dot,
    shr_centered_dot_f32,
    shr_gemv_t_f32,
    shr_weighted_sum,
)
from shrinkage._enet._columns cimport _flag_offsets
from shrinkage._enet._naive_ops cimport _add_column, _gradient
from shrinkage._enet._util cimport _all_zero


cdef class ActiveGram:
    """Centred Gram entries ``x~_a^T S x~_b`` among the features that have
    been nonzero (glmnet's "ever-active" set), filled as features enter, and
    the Cholesky factor of the last Newton step's support: what Newton steps
    of naive-update solves need, kept across the solves of a path and the
    targets of a fit (|E| column products per new feature instead of a Gram
    of every feature). Tied to one design (X, weights, centring); holds at
    most ``max_size`` features."""

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


cdef int _centred_gram(const floating *X, Py_ssize_t n, Py_ssize_t p,
                       bint c_order, const double *sw, const double *x_mean,
                       const double *E, Py_ssize_t n_extra,
                       const double *e_mean, const Py_ssize_t *rows,
                       Py_ssize_t n_rows, double *out) except -1 nogil:
    """out (m x m, m = p + n_extra, both triangles) = sum_r s_r z_r z_r^T
    over the rows ``rows`` of X (all n rows when NULL), where ``z_r`` is
    ``x_r - x_mean`` followed by ``e_r - e_mean`` for the extra columns
    ``E`` (n x n_extra, column-major). By dsyrk on blocks of centred,
    weighted rows: m^2 / 2 flops per row, and no cancellation for columns
    with large means. A float32 ``X`` enters the float64 blocks exactly, so
    its Gram is summed in float64 like a float64 ``X``'s."""
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


def centred_gram(const floating[::1] X_flat, Py_ssize_t n, Py_ssize_t p,
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

    def __cinit__(self, X_flat, Py_ssize_t n, Py_ssize_t p,
                  bint c_order, const double[::1] sw, const double[::1] x_mean,
                  const double[::1] sq_norms=None):
        # X_flat: the rows (n * p, C or Fortran order), float64 or float32
        cdef const double[::1] x64
        cdef const float[::1] x32
        self.X = NULL
        self.X32 = NULL
        if X_flat.dtype == np.float32:
            x32 = X_flat
            self.X32 = &x32[0]
        else:
            x64 = X_flat
            self.X = &x64[0]
        self.n = n
        self.p = p
        self.factor = SupportFactor(p)
        self.passes_before = 0
        self.c_order = c_order
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
                        acc += (self._at(i, j) - self.x_mean[j]) * v[i]
                    out[j] = acc
                elif self.X32 != NULL:
                    out[j] = shr_centered_dot_f32(self.n, self.X32 + j * self.n,
                                                  self.x_mean[j], NULL, v)
                else:
                    out[j] = shr_centered_dot(self.n, self.X + j * self.n,
                                              self.x_mean[j], NULL, v)

    cdef double _at(self, Py_ssize_t i, Py_ssize_t j) noexcept nogil:
        """x_ij, in either storage order and precision."""
        cdef Py_ssize_t k = i * self.p + j if self.c_order else j * self.n + i
        return self.X32[k] if self.X32 != NULL else self.X[k]

    cdef void _products(self, const double *v, double *out) noexcept nogil:
        """out = X^T v (raw, uncentred)."""
        cdef double alpha = 1.0, beta = 0.0
        cdef int n_ = <int>self.n, p_ = <int>self.p, one = 1
        cdef char trans
        if self.X32 != NULL:
            shr_gemv_t_f32(self.n, self.p, self.X32, self.c_order, v, out)
        elif self.c_order:
            trans = b'N'
            dgemv(&trans, &p_, &n_, &alpha, <double *>self.X, &p_, <double *>v,
                  &one, &beta, out, &one)
        else:
            trans = b'T'
            dgemv(&trans, &n_, &p_, &alpha, <double *>self.X, &n_, <double *>v,
                  &one, &beta, out, &one)

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
            s = self._at(i, k) - self.x_mean[k]
            if self.sw != NULL:
                s *= self.sw[i]
            self.vbuf[i] = s
            total += s
        self._products(self.vbuf, out)
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
            if self.X32 != NULL:
                # float32 rows enter float64 blocks (no float64 copy of X)
                _centred_gram(self.X32, self.n, self.p, self.c_order, self.sw,
                              self.x_mean, NULL, 0, NULL, NULL, self.n, self.cols)
            elif self.sw == NULL and _all_zero(self.x_mean, self.p):
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

    def forget_solves(self):
        """Drop what earlier solves left besides the Gram columns (the Newton
        factor, their pass count): the next solve runs as on a fresh cache,
        so each target of a fit is solved exactly as it would be alone."""
        self.factor = SupportFactor(self.p)
        self.passes_before = 0

    def to_array(self):
        """A copy of the full Gram (p, p); every column must be cached."""
        if not self.full:
            raise ValueError("the Gram is not complete: call fill_all() first")
        out = np.empty((self.p, self.p))
        cdef double[:, ::1] view = out
        if self.p:
            memcpy(&view[0, 0], self.cols, self.p * self.p * sizeof(double))
        return out


cdef double _gram_correlations(GramCache cache, const double *yc, double *v,
                               double *out) noexcept nogil:
    """``out = Xc^T S yc`` (one pass over X; ``v``: n scratch); returns
    ``yc^T S yc``."""
    cdef Py_ssize_t n = cache.n, p = cache.p, i, j
    cdef double total = 0.0, yy = 0.0
    for i in range(n):
        v[i] = yc[i] * (cache.sw[i] if cache.sw != NULL else 1.0)
        total += v[i]
        yy += v[i] * yc[i]
    cache._products(v, out)
    for j in range(p):
        out[j] -= cache.x_mean[j] * total
    cache._fix_offsets(v, out)
    return yy


def gram_correlations(GramCache cache, const double[::1] yc, double[::1] out):
    """``out = Xc^T S yc`` and return ``yc^T S yc`` (one pass over X)."""
    cdef double[::1] v = np.empty(max(cache.n, 1))
    cdef double yy
    with nogil:
        yy = _gram_correlations(cache, &yc[0], &v[0], &out[0])
    return yy
