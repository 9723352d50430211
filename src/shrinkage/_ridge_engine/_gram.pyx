"""Dense Gram and kernel builders of the Ridge family, and their factorisations.

Float32 or float64 data in C or Fortran order (Cython fused type
``floating``: every kernel exists in both precisions, with the ``s*`` or
``d*`` BLAS/LAPACK routines of ``_linalg.pxd``) are referenced in place:
the caller's ``X`` is never copied whole or modified. Centring (for an unpenalised
intercept) and sample weights are applied to small blocks copied into a
scratch buffer (the block copies of ``_products``), and the products are
accumulated by BLAS on those blocks:

* primal Gram ``G = X~^T X~`` with ``X~ = S^(1/2) (X - 1 m^T)``, by ``syrk``
  on row blocks (``gram_primal``);
* kernel ``K = (X - 1 m^T)(X - 1 m^T)^T`` by ``syrk`` on column blocks
  (``kernel_dual``);
* the small symmetric systems they give are solved by Cholesky
  (``cholesky_solve``) or decomposed (``eigh``), LAPACK on the upper triangle.

Centring the primal Gram in one pass uses the shifted-data algorithm for
(co)variances: rows are centred at a provisional shift ``c`` (the weighted
mean of the first block) and the exact correction
``sum_i s_i (x_i - m)(x_i - m)^T = sum_i s_i (x_i - c)(x_i - c)^T - S d d^T``,
``d = m - c``, is applied at the end. Since ``c`` is within the spread of the
data, ``d`` is small and the correction cancels no leading digits, unlike
``X^T X - n m m^T`` which loses ``2 log10(|offset| / spread)`` digits (Chan,
Golub & LeVeque (1983), "Algorithms for computing the sample variance:
analysis and recommendations", Am. Stat. 37(3)). Column blocks of the kernel
hold whole columns, so their means are exact and no correction is needed.

The shifted sums ``a``, ``b``, the weight total and the kernel's centring
sums are accumulated in double in both precisions (float32 data lose no
digits to a long float32 sum there). All loops and BLAS/LAPACK calls
(``scipy.linalg.cython_blas`` / ``cython_lapack``) run without the GIL.
"""

import numpy as np

from cython cimport floating
from libc.math cimport NAN
from libc.string cimport memcpy, memset

from shrinkage._ridge_engine._linalg cimport gemm, lansy, pocon, potrf, potrs, syevd, syrk
from shrinkage._ridge_engine._products cimport (
    copy_cols,
    copy_rows,
    dual_block_cols,
    primal_block_rows,
    recentre_cols,
    symmetrize_upper,
    weighted_col_means,
)


# --------------------------------------------------------------------------
# primal: Gram X~^T X~ and X~^T y~
# --------------------------------------------------------------------------

# Largest growth of a diagonal entry of the uncentred Gram over the centred
# one, ``sum x_j^2 / sum (x_j - m_j)^2 = 1 + m_j^2 / var_j``, at which the
# rank-one correction ``X^T X - S m m^T`` is still used: it loses
# log10(CANCEL_MAX) = 2 digits at most (relative error ~1e-14). Beyond it
# the data are centred block by block in the scratch buffer.
cdef double CANCEL_MAX = 1e2


cdef inline object _dtype(floating x):
    """NumPy dtype of the fused type's specialisation (x only selects it)."""
    return np.float32 if floating is float else np.float64


cdef void _first_block_means(const floating *X, bint c_order, Py_ssize_t n,
                             Py_ssize_t p, const floating *Y, Py_ssize_t T,
                             Py_ssize_t nb, const floating *sq, floating *cx,
                             floating *cy) noexcept nogil:
    """cx, cy <- weighted means of the first nb rows (zeros if weightless)."""
    cdef Py_ssize_t i, j
    cdef double w, t, wsum = 0.0
    memset(cx, 0, p * sizeof(floating))
    if T > 0:
        memset(cy, 0, T * sizeof(floating))
    for i in range(nb):
        wsum += sq[i] * sq[i] if sq != NULL else 1.0
    if wsum <= 0.0:
        return
    if c_order:
        for i in range(nb):
            w = sq[i] * sq[i] if sq != NULL else 1.0
            for j in range(p):
                cx[j] += w * X[i * p + j]
    else:
        for j in range(p):
            t = 0.0
            for i in range(nb):
                w = sq[i] * sq[i] if sq != NULL else 1.0
                t += w * X[i + j * n]
            cx[j] = t
    for j in range(p):
        cx[j] /= wsum
    for j in range(T):
        t = 0.0
        for i in range(nb):
            w = sq[i] * sq[i] if sq != NULL else 1.0
            t += w * Y[i + j * n]
        cy[j] = t / wsum


cdef void _gram_copy(const floating *X, bint c_order, Py_ssize_t n, Py_ssize_t p,
                     const floating *Y, Py_ssize_t T, const floating *sq,
                     bint center, const floating *cx, const floating *cy,
                     Py_ssize_t nb, floating *buf, floating *ybuf, floating *G,
                     floating *Q, double *a, double *b) noexcept nogil:
    """Raw sums about the shifts through centred, weighted block copies.

    G (upper) = sum s (x-cx)(x-cx)^T, Q = sum s (x-cx)(y-cy)^T,
    a = sum s (x-cx), b = sum s (y-cy) (a, b only when ``center``).
    """
    cdef Py_ssize_t i0 = 0, i, j, k
    cdef int p_ = <int>p, T_ = <int>T, nb_
    cdef floating one = 1.0
    cdef double w, v
    cdef char uplo = b'U'
    cdef char tn = b'N'
    cdef char tt = b'T'
    memset(G, 0, p * p * sizeof(floating))
    if T > 0:
        memset(Q, 0, p * T * sizeof(floating))
    while i0 < n:
        k = nb if i0 + nb <= n else n - i0
        nb_ = <int>k
        copy_rows(X, c_order, n, p, i0, k, cx, sq, buf, a if center else NULL)
        for j in range(T):
            for i in range(k):
                w = sq[i0 + i] if sq != NULL else 1.0
                v = w * (Y[i0 + i + j * n] - cy[j])
                ybuf[i + j * k] = v
                b[j] += w * v
        if c_order:
            syrk(&uplo, &tn, &p_, &nb_, &one, buf, &p_, &one, G, &p_)
            if T > 0:
                gemm(&tn, &tn, &p_, &T_, &nb_, &one, buf, &p_, ybuf, &nb_,
                     &one, Q, &p_)
        else:
            syrk(&uplo, &tt, &p_, &nb_, &one, buf, &nb_, &one, G, &p_)
            if T > 0:
                gemm(&tt, &tn, &p_, &T_, &nb_, &one, buf, &nb_, ybuf, &nb_,
                     &one, Q, &p_)
        i0 += k


cdef void _gram_in_place(const floating *X, bint c_order, Py_ssize_t n,
                         Py_ssize_t p, const floating *Y, Py_ssize_t T,
                         const floating *cy, Py_ssize_t nb, floating *ybuf,
                         floating *QA, floating *G) noexcept nogil:
    """Unweighted raw sums with X used in place (no copy of X at all).

    Row block by row block: syrk on the block of X itself, then, while the
    block is still in cache, ``QA += X_b^T [1, y_b - cy]`` (p x (T+1)):
    column 0 gets the column sums ``a = X^T 1``, the rest ``X^T (y - cy)``.
    X is read from memory once, by syrk.
    """
    cdef Py_ssize_t i0 = 0, i, j, k
    cdef int p_ = <int>p, T1 = <int>(T + 1), nb_, n_ = <int>n
    cdef floating one = 1.0
    cdef const floating *blk
    cdef char uplo = b'U'
    cdef char tn = b'N'
    cdef char tt = b'T'
    memset(G, 0, p * p * sizeof(floating))
    memset(QA, 0, p * (T + 1) * sizeof(floating))
    while i0 < n:
        k = nb if i0 + nb <= n else n - i0
        nb_ = <int>k
        for i in range(k):
            ybuf[i] = 1.0
        for j in range(T):
            for i in range(k):
                ybuf[i + (j + 1) * k] = Y[i0 + i + j * n] - cy[j]
        if c_order:
            blk = X + i0 * p
            syrk(&uplo, &tn, &p_, &nb_, &one, <floating *>blk, &p_, &one, G, &p_)
            gemm(&tn, &tn, &p_, &T1, &nb_, &one, <floating *>blk, &p_, ybuf,
                 &nb_, &one, QA, &p_)
        else:
            blk = X + i0
            syrk(&uplo, &tt, &p_, &nb_, &one, <floating *>blk, &n_, &one, G, &p_)
            gemm(&tt, &tn, &p_, &T1, &nb_, &one, <floating *>blk, &n_, ybuf,
                 &nb_, &one, QA, &p_)
        i0 += k


def gram_primal(const floating[:, :] X, bint c_order, const floating[::1, :] Y,
                const floating[::1] sqrt_sw, bint center, bint auto_shift,
                floating[::1] cx, floating[::1] cy, floating[::1, :] G,
                floating[::1, :] Q, bint finalize):
    """Weighted, centred Gram and cross-products of a dense design in one pass.

    Computes, with ``s = sqrt_sw**2`` (unit weights when ``sqrt_sw`` is
    empty) and shifts ``cx`` (p,), ``cy`` (n_targets,)::

        G = sum_i s_i (x_i - cx)(x_i - cx)^T          (p, p)
        Q = sum_i s_i (x_i - cx)(y_i - cy)^T          (p, n_targets)
        a = sum_i s_i (x_i - cx),  b = sum_i s_i (y_i - cy)

    by syrk/gemm on row blocks.

    Two routes. Unweighted data whose columns are not dominated by their
    offset use X in place (``_gram_in_place``) and centre by the rank-one
    correction; the growth of each diagonal entry by the offset is checked
    after the pass, and if it exceeds ``CANCEL_MAX`` (digits would be lost)
    the pass is redone through the scratch buffer. Weighted data, fixed
    shifts, and data whose first block already shows large offsets go
    through the buffer directly (``_gram_copy``): rows are weighted and
    centred at the provisional shift there, so no digits are lost.

    Parameters
    ----------
    X : (n, p) float64, C- or Fortran-contiguous (``c_order`` says which).
    Y : (n, n_targets) Fortran-ordered float64 (n_targets may be 0).
    sqrt_sw : (n,) or (0,)
    center : bool
        Whether to centre (fit an intercept).
    auto_shift : bool
        With ``center``: choose the shifts (weighted means of the first
        block) instead of using ``cx``/``cy`` as given.
    cx, cy : shifts (in/out). With ``finalize`` and ``center`` they are
        returned as the weighted means of X and Y.
    G, Q : outputs, Fortran-ordered.
    finalize : bool
        Apply the exact centring correction ``G -= a a^T / S``,
        ``Q -= a b^T / S`` and symmetrize ``G`` (else only its upper triangle
        is set and the raw shifted sums are returned).

    Returns
    -------
    s_sum : float
        ``sum_i s_i``.
    a, b : ndarray
        The shifted sums (zeros after ``finalize``).
    copied : bool
        Whether the scratch-buffer route was used.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], T = Y.shape[1]
    cdef const floating *Xp = &X[0, 0]
    cdef const floating *Yp = &Y[0, 0] if T > 0 else NULL
    cdef const floating *sq = &sqrt_sw[0] if sqrt_sw.shape[0] > 0 else NULL
    cdef floating *Gp = &G[0, 0]
    cdef floating *Qp = &Q[0, 0] if T > 0 else NULL
    cdef floating *cxp = &cx[0]
    cdef floating *cyp = &cy[0] if T > 0 else NULL
    cdef double[::1] a_arr = np.zeros(p)
    cdef double[::1] b_arr = np.zeros(max(T, 1))
    cdef double *a = &a_arr[0]
    cdef double *b = &b_arr[0]
    cdef Py_ssize_t nb = primal_block_rows(n, p, sizeof(floating))
    cdef floating[::1] buf_arr = None
    cdef floating[::1] ybuf_arr = np.empty(max(nb * (T + 1), 1), dtype=_dtype(<floating>0))
    cdef floating[::1] qa_arr = None
    cdef floating *ybuf = &ybuf_arr[0]
    cdef floating *QA = NULL
    cdef bint in_place = sq == NULL and finalize and (auto_shift or not center)
    cdef bint copied = False
    cdef double s_sum = 0.0, d, var, growth
    cdef Py_ssize_t i, j, k
    if in_place:
        qa_arr = np.empty(p * (T + 1), dtype=_dtype(<floating>0))
        QA = &qa_arr[0]
    with nogil:
        if sq != NULL:
            for i in range(n):
                s_sum += sq[i] * sq[i]
        else:
            s_sum = <double>n
        if not center:
            memset(cxp, 0, p * sizeof(floating))
            if T > 0:
                memset(cyp, 0, T * sizeof(floating))
        elif auto_shift:
            _first_block_means(Xp, c_order, n, p, Yp, T, nb, sq, cxp, cyp)
        if in_place and center:
            # a first block dominated by offsets goes straight to the buffer
            for j in range(p):
                var = 0.0
                for i in range(nb):
                    d = (Xp[i * p + j] if c_order else Xp[i + j * n]) - cxp[j]
                    var += d * d
                if cxp[j] * cxp[j] * nb > (CANCEL_MAX - 1.0) * var:
                    in_place = False
                    break
        if in_place:
            _gram_in_place(Xp, c_order, n, p, Yp, T, cyp, nb, ybuf, QA, Gp)
            if center:
                # raw sums about shift 0 for x (and cy for y): a = X^T 1
                for j in range(p):
                    a[j] = QA[j]
                    cxp[j] = 0.0
                for k in range(T):
                    b[k] = 0.0
                    for i in range(n):
                        b[k] += Yp[i + k * n] - cyp[k]
                for j in range(p):
                    growth = Gp[j + j * p] - a[j] * a[j] / s_sum
                    if Gp[j + j * p] > CANCEL_MAX * growth and Gp[j + j * p] > 0.0:
                        in_place = False
                        break
            if in_place:
                for k in range(T):
                    memcpy(Qp + k * p, QA + (k + 1) * p, p * sizeof(floating))
    if not in_place:
        copied = True
        buf_arr = np.empty(nb * p, dtype=_dtype(<floating>0))
        with nogil:
            if center and auto_shift:
                _first_block_means(Xp, c_order, n, p, Yp, T, nb, sq, cxp, cyp)
            memset(a, 0, p * sizeof(double))
            if T > 0:
                memset(b, 0, T * sizeof(double))
            _gram_copy(Xp, c_order, n, p, Yp, T, sq, center, cxp, cyp, nb,
                       &buf_arr[0], ybuf, Gp, Qp, a, b)
    with nogil:
        if finalize and center:
            # Exact correction from the shift to the mean.
            for j in range(p):
                for i in range(j + 1):
                    Gp[i + j * p] -= a[i] * a[j] / s_sum
            for k in range(T):
                for i in range(p):
                    Qp[i + k * p] -= a[i] * b[k] / s_sum
            for j in range(p):
                cxp[j] += a[j] / s_sum
                a[j] = 0.0
            for k in range(T):
                cyp[k] += b[k] / s_sum
                b[k] = 0.0
        if finalize:
            symmetrize_upper(Gp, p)
    return s_sum, np.asarray(a_arr), np.asarray(b_arr)[:T], copied


# --------------------------------------------------------------------------
# dual: kernel (X - 1 m^T)(X - 1 m^T)^T and (X - 1 m^T)^T U
# --------------------------------------------------------------------------

cdef bint _rows_offset_dominated(const floating *X, bint c_order, Py_ssize_t n,
                                 Py_ssize_t p, Py_ssize_t rows) noexcept nogil:
    """Whether, on the first ``rows`` (<= 64) rows, some row's squared norm
    exceeds CANCEL_MAX times its squared distance to their mean: a cheap
    look-ahead of the exact check made after the in-place kernel pass."""
    cdef Py_ssize_t i, j
    cdef double mj, d, x
    cdef double[64] norm2
    cdef double[64] dist2
    if rows > 64:
        rows = 64
    for i in range(rows):
        norm2[i] = 0.0
        dist2[i] = 0.0
    for j in range(p):
        mj = 0.0
        for i in range(rows):
            mj += X[i * p + j] if c_order else X[i + j * n]
        mj /= rows
        for i in range(rows):
            x = X[i * p + j] if c_order else X[i + j * n]
            d = x - mj
            norm2[i] += x * x
            dist2[i] += d * d
    for i in range(rows):
        if norm2[i] > CANCEL_MAX * dist2[i] and norm2[i] > 0.0:
            return True
    return False


def kernel_dual(const floating[:, :] X, bint c_order, const floating[::1] sw,
                bint center, floating[::1] m, floating[::1, :] K):
    """Centred linear kernel ``K = (X - 1 m^T)(X - 1 m^T)^T`` (unweighted).

    ``m`` receives the ``sw``-weighted column means when ``center``, zeros
    otherwise. Weights enter only through ``m``: the caller scales ``K`` by
    ``sqrt(s_i s_j)`` if it needs the weighted kernel.

    Two routes, as for the primal Gram. Unweighted data whose rows are not
    dominated by the column offsets use X in place: one syrk on X itself,
    then the centring ``H K H`` (``H = I - 1 1^T / n``) from the kernel
    alone, since ``X m = K 1 / n`` and ``m.m = 1^T K 1 / n^2``. The growth
    of each diagonal entry by the offsets is checked and the kernel is
    recomputed through the scratch buffer if it exceeds CANCEL_MAX. On this
    route ``m`` is not computed (NaN on return): the caller gets it from its
    next pass over X (``xt_dot_centred`` with a column of ones). Otherwise
    (weights, large offsets) each column block is centred exactly (two-pass
    means) in the scratch buffer. Without centring syrk runs on X directly.

    Returns
    -------
    s_sum : float
    in_place : bool
        Whether the in-place route was used.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef const floating *Xp = &X[0, 0]
    cdef const floating *s = &sw[0] if sw.shape[0] > 0 else NULL
    cdef floating *Kp = &K[0, 0]
    cdef floating *mp = &m[0]
    cdef Py_ssize_t pb = dual_block_cols(n, p, sizeof(floating)), j0, k, i, j
    cdef floating[::1] buf_arr = None
    cdef double[::1] delta_arr = None
    cdef double[::1] u_arr = np.zeros(n)
    cdef double *u = &u_arr[0]
    cdef floating *buf = NULL
    cdef double *delta = NULL
    cdef int n_ = <int>n, p_ = <int>p, pb_
    cdef floating one = 1.0, zero = 0.0
    cdef double s_sum = 0.0, mm, kc, t
    cdef char uplo = b'U'
    cdef char tn = b'N'
    cdef char tt = b'T'
    cdef bint in_place = center and s == NULL
    with nogil:
        if s != NULL:
            for i in range(n):
                s_sum += s[i]
        else:
            s_sum = <double>n
        if in_place:
            in_place = not _rows_offset_dominated(Xp, c_order, n, p, n)
        if not center or in_place:
            memset(mp, 0, p * sizeof(floating))
            if c_order:
                syrk(&uplo, &tt, &n_, &p_, &one, <floating *>Xp, &p_, &zero, Kp, &n_)
            else:
                syrk(&uplo, &tn, &n_, &p_, &one, <floating *>Xp, &n_, &zero, Kp, &n_)
        if in_place:
            # u = K 1 / n = X m (from the upper triangle), mm = m.m
            for j in range(n):
                t = 0.0
                for i in range(j):
                    t += Kp[i + j * n]
                    u[i] += Kp[i + j * n]
                u[j] += t + Kp[j + j * n]
            mm = 0.0
            for i in range(n):
                u[i] /= n
                mm += u[i]
            mm /= n
            for i in range(n):
                kc = Kp[i + i * n] - 2.0 * u[i] + mm
                if Kp[i + i * n] > CANCEL_MAX * kc and Kp[i + i * n] > 0.0:
                    in_place = False
                    break
            if in_place:
                for j in range(n):
                    for i in range(j + 1):
                        Kp[i + j * n] -= u[i] + u[j] - mm
                for j in range(p):
                    mp[j] = NAN
    if center and not in_place:
        buf_arr = np.empty(n * pb, dtype=_dtype(<floating>0))
        delta_arr = np.zeros(pb)
        buf = &buf_arr[0]
        delta = &delta_arr[0]
        with nogil:
            memset(Kp, 0, n * n * sizeof(floating))
            j0 = 0
            while j0 < p:
                k = pb if j0 + pb <= p else p - j0
                pb_ = <int>k
                weighted_col_means(Xp, c_order, n, p, j0, k, s, s_sum, mp)
                copy_cols(Xp, c_order, n, p, j0, k, mp, buf)
                memset(delta, 0, k * sizeof(double))
                recentre_cols(buf, c_order, n, k, s, s_sum, delta)
                for i in range(k):
                    mp[j0 + i] += delta[i]
                if c_order:
                    syrk(&uplo, &tt, &n_, &pb_, &one, buf, &pb_, &one, Kp, &n_)
                else:
                    syrk(&uplo, &tn, &n_, &pb_, &one, buf, &n_, &one, Kp, &n_)
                j0 += k
    with nogil:
        symmetrize_upper(Kp, n)
    return s_sum, bool(in_place)



# --------------------------------------------------------------------------
# LAPACK: Cholesky solve and symmetric eigendecomposition
# --------------------------------------------------------------------------

def cholesky_solve(const floating[::1, :] A, double alpha, floating[::1, :] B,
                   floating[::1, :] work, const floating[::1] u=None, double kappa=0.0):
    """Solve ``(A + alpha I + kappa u u^T) X = B`` in place of B by Cholesky.

    LAPACK potrf/potrs on the upper triangle, in the precision of ``A``
    (``spotrf`` for float32, ``dpotrf`` for float64); ``A`` is left
    unchanged and ``work`` (same shape) receives the factor. The optional rank-one term
    lifts a known null direction ``u`` of A (unit vector; the intercept
    direction of a centred kernel) off zero: right-hand sides orthogonal to
    ``u`` get the same solution, and the system stays well conditioned at
    tiny or zero alpha.

    Returns
    -------
    info : int
        0 on success, k > 0 when the leading minor of order k is not
        positive definite (B is then left unchanged).
    rcond : float
        Reciprocal condition number estimate in the 1-norm (pocon).
    """
    cdef int n = <int>A.shape[0], nrhs = <int>B.shape[1], info = 0
    cdef Py_ssize_t i, j
    cdef floating anorm, rcond = 0.0, kui
    cdef floating[::1] dwork = np.empty(3 * max(n, 1), dtype=_dtype(<floating>0))
    cdef int[::1] iwork = np.empty(max(n, 1), dtype=np.intc)
    cdef floating *W = &work[0, 0]
    cdef const floating *up = NULL
    cdef char uplo = b'U'
    cdef char one_norm = b'1'
    if u is not None and kappa != 0.0:
        if u.shape[0] != n:
            raise ValueError("u must have one entry per row of A")
        up = &u[0]
    with nogil:
        memcpy(W, &A[0, 0], <size_t>n * n * sizeof(floating))
        if up != NULL:
            for j in range(n):
                kui = kappa * up[j]
                for i in range(j + 1):
                    W[i + j * n] += kui * up[i]
        for i in range(n):
            W[i + i * n] += alpha
        anorm = lansy(&one_norm, &uplo, &n, W, &n, &dwork[0])
        potrf(&uplo, &n, W, &n, &info)
        if info == 0:
            pocon(&uplo, &n, W, &n, &anorm, &rcond, &dwork[0], &iwork[0], &info)
            if nrhs > 0:
                potrs(&uplo, &n, &nrhs, W, &n, &B[0, 0], &n, &info)
    return info, float(rcond)


def eigh(floating[::1, :] A, floating[::1] w, bint vectors=True):
    """Eigen-decomposition of the symmetric A in place (LAPACK syevd).

    ``ssyevd`` for float32, ``dsyevd`` for float64. On return ``w`` holds
    the eigenvalues in ascending order and, when ``vectors``, the columns of
    ``A`` the orthonormal eigenvectors (otherwise A is destroyed). Returns
    LAPACK's ``info`` (0 on success).
    """
    cdef int n = <int>A.shape[0], info = 0, lwork = -1, liwork = -1, iw_query = 0
    cdef floating w_query = 0.0
    cdef char jobz = b'V' if vectors else b'N'
    cdef char uplo = b'U'
    cdef floating[::1] work
    cdef int[::1] iwork
    if n == 0:
        return 0
    syevd(&jobz, &uplo, &n, &A[0, 0], &n, &w[0], &w_query, &lwork,
          &iw_query, &liwork, &info)
    if info != 0:
        return info
    lwork = <int>w_query + 1
    liwork = iw_query
    work = np.empty(max(lwork, 1), dtype=_dtype(<floating>0))
    iwork = np.empty(max(liwork, 1), dtype=np.intc)
    with nogil:
        syevd(&jobz, &uplo, &n, &A[0, 0], &n, &w[0], &work[0], &lwork,
              &iwork[0], &liwork, &info)
    return info
