/*
 * shrinkage_cholesky.h -- a Cholesky factor kept up to date as columns
 * enter and leave, for the Newton steps of coordinate descent.
 *
 * The factor L (lower triangular, column-major, leading dimension ld) of a
 * k x k symmetric positive definite matrix H = L L^T is changed in O(k^2):
 *
 *   append  a row/column at the end: l = L^{-1} h, d = sqrt(h_jj - l.l);
 *   delete  row/column i: the trailing block takes the rank-one update
 *           L33 L33^T + l32 l32^T (Givens rotations, numerically stable).
 *
 * Solves with the factor and blocked appends use BLAS/LAPACK (the caller's,
 * through SciPy).
 *
 * References: Golub & Van Loan, "Matrix Computations", 4th ed., sections
 * 6.5.4 (rank-one modification) and 4.2; Osborne, Presnell & Turlach (2000)
 * use the same updates for the Lasso's active set.
 *
 * Header-only, inline, no global state, safe without the GIL. Loops run
 * down columns (unit stride).
 */
#ifndef SHRINKAGE_CHOLESKY_H
#define SHRINKAGE_CHOLESKY_H

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "shrinkage_kernels.h"

/* Relative size below which the new diagonal d^2 = h_jj - l.l counts as
 * zero: the new column is (numerically) in the span of the others. */
#define SHR_CHOL_DEPENDENT 1e-10

/* x <- L^{-1} x for the leading k x k block of L. */
SHR_INLINE void shr_chol_forward(ptrdiff_t k, const double *L, ptrdiff_t ld,
                                 double *x)
{
    ptrdiff_t i, j;
    for (j = 0; j < k; ++j) {
        const double *col = L + j * ld;
        double xj = x[j] / col[j];
        x[j] = xj;
        for (i = j + 1; i < k; ++i) {
            x[i] -= xj * col[i];
        }
    }
}

/* Append row/column k: h[0..k-1] = H[0..k-1, k], hkk = H[k, k]; h is
 * overwritten by L^{-1} h. Returns 1, or 0 (factor unchanged) when the new
 * column is numerically dependent on the others. ld must exceed k. */
SHR_INLINE int shr_chol_append(ptrdiff_t k, double *L, ptrdiff_t ld,
                               double *h, double hkk)
{
    ptrdiff_t j;
    double d2 = hkk;
    shr_chol_forward(k, L, ld, h);
    for (j = 0; j < k; ++j) {
        d2 -= h[j] * h[j];
    }
    if (!(d2 > SHR_CHOL_DEPENDENT * hkk) || !(hkk > 0.0)) {
        return 0;
    }
    for (j = 0; j < k; ++j) {
        L[j * ld + k] = h[j];   /* row k */
    }
    L[k * ld + k] = sqrt(d2);
    return 1;
}

/* L L^T + x x^T for the m x m block starting at L (leading dimension ld);
 * x (length m) is destroyed. */
SHR_INLINE void shr_chol_rank_one_update(ptrdiff_t m, double *L, ptrdiff_t ld,
                                         double *x)
{
    ptrdiff_t i, j;
    for (j = 0; j < m; ++j) {
        double *col = L + j * ld;
        double ljj = col[j], xj = x[j];
        double r = hypot(ljj, xj);
        double c = r / ljj, s = xj / ljj;
        col[j] = r;
        for (i = j + 1; i < m; ++i) {
            col[i] = (col[i] + s * x[i]) / c;
            x[i] = c * x[i] - s * col[i];
        }
    }
}

/* Delete row/column i of the k x k factor (k - 1 remain); scratch holds at
 * least k doubles. */
SHR_INLINE void shr_chol_delete(ptrdiff_t k, double *L, ptrdiff_t ld,
                                ptrdiff_t i, double *scratch)
{
    ptrdiff_t c, m = k - 1 - i;
    /* the deleted column below the diagonal: the update of the trailing block */
    memcpy(scratch, L + i * ld + i + 1, (size_t)m * sizeof(double));
    /* columns left of i lose row i */
    for (c = 0; c < i; ++c) {
        memmove(L + c * ld + i, L + c * ld + i + 1, (size_t)m * sizeof(double));
    }
    /* columns right of i move left, and up one row */
    for (c = i + 1; c < k; ++c) {
        memmove(L + (c - 1) * ld + (c - 1), L + c * ld + c,
                (size_t)(k - c) * sizeof(double));
    }
    shr_chol_rank_one_update(m, L + i * ld + i, ld, scratch);
}

#endif /* SHRINKAGE_CHOLESKY_H */
