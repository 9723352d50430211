"""Dense building blocks of the Ridge kernels: block copies and centred products.

Float32 or float64 data (Cython fused type ``floating``: every kernel exists
in both precisions, BLAS ``s*`` or ``d*``) in C or Fortran order are
referenced in place: the caller's ``X`` is never copied whole or modified.
Centring (for an unpenalised intercept) and sample weights are applied to
small blocks copied into a scratch buffer (``copy_rows``/``copy_cols``,
declared in ``_products.pxd`` for the Gram and kernel builders of
``_gram``), and the products are accumulated by BLAS on those blocks:

* ``(X - 1 m^T)^T U`` by ``gemm`` on column blocks (``xt_dot_centred``);
* ``S^(1/2) (X - 1 m^T) W`` by ``gemm`` on row blocks (``x_dot_centred``);
* the leave-one-out pass: leverages and fitted values of many ridge fits
  from ``S^(1/2) (X - 1 m^T) V``, one pass over X (``loo_primal_pass``).

Sums over the rows of a block (the centring sums ``acc`` and ``delta``) are
accumulated in double in both precisions. All loops and BLAS calls
(``scipy.linalg.cython_blas``) run without the GIL.
"""

import numpy as np

from cython cimport floating
from libc.string cimport memcpy

from shrinkage._ridge_engine._linalg cimport gemm, gemm_op

# Bytes of the scratch block: sized to stay in a core's L2 cache for the
# primal Gram (a rank-`rows` update of the p x p Gram per block), larger for
# the kernel, whose n x n accumulator is re-read once per block. The
# row-blocked products with a p x k matrix use taller blocks (see
# gemm_block_rows). Sizes are in bytes: a float32 block holds twice the
# elements of a float64 one (``itemsize`` is sizeof the element).
cdef enum:
    PRIMAL_BLOCK_BYTES = 1 << 19
    DUAL_BLOCK_BYTES = 1 << 23
    GEMM_BLOCK_BYTES = 1 << 24
    MIN_PRIMAL_ROWS = 64
    MIN_DUAL_COLS = 32


cdef inline object _dtype(floating x):
    """NumPy dtype of the fused type's specialisation (x only selects it)."""
    return np.float32 if floating is float else np.float64


cdef inline Py_ssize_t _clip(Py_ssize_t v, Py_ssize_t lo, Py_ssize_t hi) noexcept nogil:
    if v < lo:
        v = lo
    if v > hi:
        v = hi
    return v


cdef Py_ssize_t primal_block_rows(Py_ssize_t n, Py_ssize_t p,
                                  Py_ssize_t itemsize) noexcept nogil:
    """Rows per scratch block for the row-blocked passes."""
    return _clip(PRIMAL_BLOCK_BYTES // (itemsize * (p if p > 0 else 1)), MIN_PRIMAL_ROWS,
                 n if n > 0 else 1)


cdef Py_ssize_t gemm_block_rows(Py_ssize_t n, Py_ssize_t p,
                                Py_ssize_t itemsize) noexcept nogil:
    """Rows per block for the row-blocked products with a p x k matrix
    (``x_dot_centred``, ``loo_primal_pass``): tall enough (256 to 1024
    rows, a block of at most 16 MB beyond 256 rows) that re-reading the
    right-hand matrix once per block costs little next to the block's
    2 * rows * p * k flops (measured: 2x faster than 64-row blocks at
    p = 2000)."""
    cdef Py_ssize_t rows = _clip(GEMM_BLOCK_BYTES // (itemsize * (p if p > 0 else 1)),
                                 256, 1024)
    return rows if rows < n else (n if n > 0 else 1)


cdef Py_ssize_t dual_block_cols(Py_ssize_t n, Py_ssize_t p,
                                Py_ssize_t itemsize) noexcept nogil:
    """Columns per scratch block for the column-blocked passes."""
    return _clip(DUAL_BLOCK_BYTES // (itemsize * (n if n > 0 else 1)), MIN_DUAL_COLS,
                 p if p > 0 else 1)


# --------------------------------------------------------------------------
# block copies
# --------------------------------------------------------------------------

cdef void copy_rows(const floating *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                     Py_ssize_t i0, Py_ssize_t nb, const floating *c,
                     const floating *sq, floating *buf, double *acc) noexcept nogil:
    """buf <- sq * (X[i0:i0+nb] - c); acc += sum over the rows of sq * buf.

    ``buf`` follows the layout of X: p x nb column-major (leading dim p) for
    C-ordered X, nb x p column-major (leading dim nb) for Fortran-ordered X.
    ``sq`` (square roots of the weights) and ``acc`` may be NULL.
    """
    cdef Py_ssize_t i, j
    cdef const floating *src
    cdef floating *dst
    # element arithmetic in the data's precision (vectorises), the row sums
    # t and acc in double
    cdef floating v, w, cj
    cdef double t
    if c_order:
        for i in range(nb):
            src = X + (i0 + i) * p
            dst = buf + i * p
            if sq != NULL:
                w = sq[i0 + i]
                for j in range(p):
                    v = w * (src[j] - c[j])
                    dst[j] = v
                if acc != NULL:
                    for j in range(p):
                        acc[j] += <double>w * dst[j]
            else:
                for j in range(p):
                    dst[j] = src[j] - c[j]
                if acc != NULL:
                    for j in range(p):
                        acc[j] += dst[j]
    else:
        for j in range(p):
            src = X + j * n + i0
            dst = buf + j * nb
            cj = c[j]
            t = 0.0
            if sq != NULL:
                for i in range(nb):
                    v = sq[i0 + i] * (src[i] - cj)
                    dst[i] = v
                    t += <double>sq[i0 + i] * v
            else:
                for i in range(nb):
                    v = src[i] - cj
                    dst[i] = v
                    t += v
            if acc != NULL:
                acc[j] += t


cdef void copy_cols(const floating *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                     Py_ssize_t j0, Py_ssize_t pb, const floating *m,
                     floating *buf) noexcept nogil:
    """buf <- X[:, j0:j0+pb] - m[j0:j0+pb] (m may be NULL: plain copy).

    Layout: pb x n column-major (leading dim pb) for C-ordered X, n x pb
    column-major (leading dim n) for Fortran-ordered X.
    """
    cdef Py_ssize_t i, j
    cdef const floating *src
    cdef floating *dst
    cdef floating mj
    if c_order:
        for i in range(n):
            src = X + i * p + j0
            dst = buf + i * pb
            if m != NULL:
                for j in range(pb):
                    dst[j] = src[j] - m[j0 + j]
            else:
                memcpy(dst, src, pb * sizeof(floating))
    else:
        for j in range(pb):
            src = X + (j0 + j) * n
            dst = buf + j * n
            mj = m[j0 + j] if m != NULL else 0.0
            for i in range(n):
                dst[i] = src[i] - mj


cdef inline double _column_total(const floating *col, const floating *s,
                                 Py_ssize_t n) noexcept nogil:
    """sum_i s_i col_i (s NULL: unit weights), accumulated in float64."""
    cdef Py_ssize_t i
    cdef double t = 0.0
    if s != NULL:
        for i in range(n):
            t += s[i] * col[i]
    else:
        for i in range(n):
            t += col[i]
    return t


cdef void weighted_col_means(const floating *X, bint c_order, Py_ssize_t n,
                              Py_ssize_t p, Py_ssize_t j0, Py_ssize_t pb,
                              const floating *s, double s_sum,
                              floating *m) noexcept nogil:
    """m[j0:j0+pb] <- weighted means of those columns of X (all rows)."""
    cdef Py_ssize_t i, j
    cdef const floating *src
    cdef double w
    if c_order:
        for j in range(pb):
            m[j0 + j] = 0.0
        for i in range(n):
            src = X + i * p + j0
            w = s[i] if s != NULL else 1.0
            if w == 0.0:
                continue
            for j in range(pb):
                m[j0 + j] += w * src[j]
        for j in range(pb):
            m[j0 + j] /= s_sum
    else:
        for j in range(pb):
            m[j0 + j] = _column_total(X + (j0 + j) * n, s, n) / s_sum


cdef void recentre_cols(floating *buf, bint c_order, Py_ssize_t n,
                         Py_ssize_t pb, const floating *s, double s_sum,
                         double *delta) noexcept nogil:
    """Second pass of the two-pass mean: remove the residual weighted mean.

    After ``copy_cols`` centred a block at the (rounded) means, the
    weighted mean ``delta`` of each centred column is of the order of the
    rounding error of the first pass; subtracting it leaves the columns
    centred to working precision whatever their offset. ``buf`` is laid out
    as by ``copy_cols``; ``delta`` (pb,) must be zero on entry and receives
    the correction, which the caller adds to the means.
    """
    cdef Py_ssize_t i, j
    cdef floating *row
    cdef floating *col
    cdef double t, w
    if c_order:
        for i in range(n):
            w = s[i] if s != NULL else 1.0
            if w == 0.0:
                continue
            row = buf + i * pb
            for j in range(pb):
                delta[j] += w * row[j]
        for j in range(pb):
            delta[j] /= s_sum
        for i in range(n):
            row = buf + i * pb
            for j in range(pb):
                row[j] -= delta[j]
    else:
        for j in range(pb):
            col = buf + j * n
            t = _column_total(col, s, n) / s_sum
            delta[j] = t
            for i in range(n):
                col[i] -= t


cdef void symmetrize_upper(floating *A, Py_ssize_t n) noexcept nogil:
    """Copy the upper triangle of the column-major n x n A to its lower one
    (in 64 x 64 tiles, so both the read and the write stay in cache)."""
    cdef Py_ssize_t i, j, ib, jb = 0, ie, je, i_start
    while jb < n:
        je = jb + 64 if jb + 64 < n else n
        ib = jb
        while ib < n:
            ie = ib + 64 if ib + 64 < n else n
            for j in range(jb, je):
                i_start = ib if ib > j + 1 else j + 1
                for i in range(i_start, ie):
                    A[i + j * n] = A[j + i * n]
            ib = ie
        jb = je



# --------------------------------------------------------------------------
# products with the centred design
# --------------------------------------------------------------------------

def xt_dot_centred(const floating[:, :] X, bint c_order, const floating[::1] m,
                   bint center, const floating[::1, :] U, floating[::1, :] out):
    """``out = (X - 1 m^T)^T U`` for U (n, k), out (p, k), both Fortran.

    Centred column block by block, so large offsets in X cost no accuracy.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], kk = U.shape[1]
    cdef const floating *Xp = &X[0, 0]
    cdef const floating *Up = &U[0, 0]
    cdef floating *Op = &out[0, 0]
    cdef const floating *mp = &m[0]
    cdef Py_ssize_t pb = dual_block_cols(n, p, sizeof(floating)), j0, k
    cdef floating[::1] buf_arr
    cdef floating *buf = NULL
    cdef int n_ = <int>n, p_ = <int>p, k_ = <int>kk, pb_
    if kk == 0:
        return
    if center:
        buf_arr = np.empty(n * pb, dtype=_dtype(<floating>0))
        buf = &buf_arr[0]
    with nogil:
        if not center:
            gemm_op(not c_order, p_, k_, n_, Xp, p_ if c_order else n_, Up, n_, Op, p_)
        else:
            j0 = 0
            while j0 < p:
                k = pb if j0 + pb <= p else p - j0
                pb_ = <int>k
                copy_cols(Xp, c_order, n, p, j0, k, mp, buf)
                gemm_op(not c_order, pb_, k_, n_, buf, pb_ if c_order else n_, Up, n_,
                        Op + j0, p_)
                j0 += k


def x_dot_centred(const floating[:, :] X, bint c_order, const floating[::1] m,
                  const floating[::1] sqrt_sw, const floating[::1, :] W,
                  floating[::1, :] out):
    """``out = S^(1/2) (X - 1 m^T) W`` for W (p, k), out (n, k), both Fortran.

    Row block by row block through the scratch buffer (``sqrt_sw`` empty
    means unit weights).
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], kk = W.shape[1]
    cdef const floating *Xp = &X[0, 0]
    cdef const floating *Wp = &W[0, 0]
    cdef const floating *sq = &sqrt_sw[0] if sqrt_sw.shape[0] > 0 else NULL
    cdef floating *Op = &out[0, 0]
    cdef const floating *mp = &m[0]
    cdef Py_ssize_t nb = gemm_block_rows(n, p, sizeof(floating)), i0, k
    cdef floating[::1] buf_arr = np.empty(nb * p, dtype=_dtype(<floating>0))
    cdef floating *buf = &buf_arr[0]
    cdef int n_ = <int>n, p_ = <int>p, k_ = <int>kk, nb_
    if kk == 0:
        return
    with nogil:
        i0 = 0
        while i0 < n:
            k = nb if i0 + nb <= n else n - i0
            nb_ = <int>k
            copy_rows(Xp, c_order, n, p, i0, k, mp, sq, buf, NULL)
            gemm_op(c_order, nb_, k_, p_, buf, p_ if c_order else nb_, Wp, p_, Op + i0, n_)
            i0 += k


def loo_primal_pass(const floating[:, :] X, bint c_order, const floating[::1] m,
                    const floating[::1] sqrt_sw, const floating[::1, :] V,
                    const floating[::1, :] D, const floating[::1, :] R,
                    floating[::1, :] lev, floating[::1, :] fit):
    """Leverages and fitted values of many ridge fits, one pass over X.

    With ``Z = S^(1/2) (X - 1 m^T) V`` (n, p) formed block by block and never
    stored whole::

        lev = (Z * Z) @ D      (n, n_alphas),  D[k, a] = 1 / (e_k + alpha_a)
        fit = Z @ R            (n, n_alphas * n_targets)

    ``R`` holds the rotated solutions ``diag(D[:, a]) V^T X~^T y~``.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef Py_ssize_t A = D.shape[1], AT = R.shape[1]
    cdef const floating *Xp = &X[0, 0]
    cdef const floating *sq = &sqrt_sw[0] if sqrt_sw.shape[0] > 0 else NULL
    cdef const floating *mp = &m[0]
    cdef const floating *Vp = &V[0, 0]
    cdef const floating *Dp = &D[0, 0]
    cdef const floating *Rp = &R[0, 0] if AT > 0 else NULL
    cdef floating *Lp = &lev[0, 0]
    cdef floating *Fp = &fit[0, 0] if AT > 0 else NULL
    cdef Py_ssize_t nb = gemm_block_rows(n, p, sizeof(floating)), i0, k, t
    cdef floating[::1] buf_arr = np.empty(nb * p, dtype=_dtype(<floating>0))
    cdef floating[::1] z_arr = np.empty(nb * p, dtype=_dtype(<floating>0))
    cdef floating *buf = &buf_arr[0]
    cdef floating *Z = &z_arr[0]
    cdef int n_ = <int>n, p_ = <int>p, A_ = <int>A, AT_ = <int>AT, nb_
    cdef floating one = 1.0, zero = 0.0
    cdef char tn = b'N'
    with nogil:
        i0 = 0
        while i0 < n:
            k = nb if i0 + nb <= n else n - i0
            nb_ = <int>k
            copy_rows(Xp, c_order, n, p, i0, k, mp, sq, buf, NULL)
            gemm_op(c_order, nb_, p_, p_, buf, p_ if c_order else nb_, Vp, p_, Z, nb_)
            if AT > 0:
                gemm(&tn, &tn, &nb_, &AT_, &p_, &one, Z, &nb_,
                     <floating *>Rp, &p_, &zero, Fp + i0, &n_)
            for t in range(k * p):
                Z[t] = Z[t] * Z[t]
            gemm(&tn, &tn, &nb_, &A_, &p_, &one, Z, &nb_,
                 <floating *>Dp, &p_, &zero, Lp + i0, &n_)
            i0 += k

