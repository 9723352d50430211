# Precision-generic BLAS and LAPACK for the Ridge kernels: one name per
# routine, the single- or double-precision routine of
# scipy.linalg.cython_blas / cython_lapack chosen at compile time by the
# fused type ``floating`` (float -> s*, double -> d*).

from cython cimport floating
from scipy.linalg.cython_blas cimport dgemm, dsyrk, sgemm, ssyrk
from scipy.linalg.cython_lapack cimport (
    dlansy,
    dpocon,
    dpotrf,
    dpotrs,
    dsyevd,
    slansy,
    spocon,
    spotrf,
    spotrs,
    ssyevd,
)


cdef inline void gemm(char *ta, char *tb, int *m, int *n, int *k,
                      floating *alpha, floating *a, int *lda, floating *b,
                      int *ldb, floating *beta, floating *c,
                      int *ldc) noexcept nogil:
    if floating is float:
        sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    else:
        dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)


cdef inline void gemm_op(bint transpose_a, int m, int n, int k,
                         const floating *a, int lda, const floating *b, int ldb,
                         floating *c, int ldc) noexcept nogil:
    """``C = op(A) B`` (C is m x n, op(A) is m x k, all column-major) with
    ``op(A) = A^T`` when ``transpose_a``: the products of a row-major
    (C-order) block and a column-major one differ only in this flag and
    ``lda``."""
    cdef char ta = b'T' if transpose_a else b'N'
    cdef char tn = b'N'
    cdef floating one = 1.0, zero = 0.0
    gemm(&ta, &tn, &m, &n, &k, &one, <floating *>a, &lda, <floating *>b, &ldb,
         &zero, c, &ldc)


cdef inline void syrk(char *uplo, char *trans, int *n, int *k, floating *alpha,
                      floating *a, int *lda, floating *beta, floating *c,
                      int *ldc) noexcept nogil:
    if floating is float:
        ssyrk(uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
    else:
        dsyrk(uplo, trans, n, k, alpha, a, lda, beta, c, ldc)


cdef inline floating lansy(char *norm, char *uplo, int *n, floating *a, int *lda,
                           floating *work) noexcept nogil:
    if floating is float:
        return slansy(norm, uplo, n, a, lda, work)
    else:
        return dlansy(norm, uplo, n, a, lda, work)


cdef inline void potrf(char *uplo, int *n, floating *a, int *lda,
                       int *info) noexcept nogil:
    if floating is float:
        spotrf(uplo, n, a, lda, info)
    else:
        dpotrf(uplo, n, a, lda, info)


cdef inline void pocon(char *uplo, int *n, floating *a, int *lda, floating *anorm,
                       floating *rcond, floating *work, int *iwork,
                       int *info) noexcept nogil:
    if floating is float:
        spocon(uplo, n, a, lda, anorm, rcond, work, iwork, info)
    else:
        dpocon(uplo, n, a, lda, anorm, rcond, work, iwork, info)


cdef inline void potrs(char *uplo, int *n, int *nrhs, floating *a, int *lda,
                       floating *b, int *ldb, int *info) noexcept nogil:
    if floating is float:
        spotrs(uplo, n, nrhs, a, lda, b, ldb, info)
    else:
        dpotrs(uplo, n, nrhs, a, lda, b, ldb, info)


cdef inline void syevd(char *jobz, char *uplo, int *n, floating *a, int *lda,
                       floating *w, floating *work, int *lwork, int *iwork,
                       int *liwork, int *info) noexcept nogil:
    if floating is float:
        ssyevd(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info)
    else:
        dsyevd(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info)
