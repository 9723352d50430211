/*
 * shrinkage_anderson.h -- Anderson extrapolation of fixed-point iterates.
 *
 * Cyclic coordinate descent is a fixed-point iteration x_{k+1} = T(x_k)
 * that, once the support is identified, converges linearly; its iterates
 * then line up along a few slow directions. Anderson acceleration (Anderson
 * 1965, "Iterative procedures for nonlinear integral equations", JACM 12(4);
 * for coordinate descent: Bertrand & Massias 2021, "Anderson acceleration of
 * coordinate descent", AISTATS) combines the last K + 1 iterates with
 * weights c (sum c = 1) minimising the norm of the combined differences:
 *
 *     c = argmin || sum_k c_k (x_{k+1} - x_k) ||  subject to  sum_k c_k = 1,
 *     i.e.  c = z / sum(z)  with  (U U^T) z = 1,  U_k = x_{k+1} - x_k,
 *
 * and extrapolates to sum_k c_k x_{k+1}. The caller decides whether to keep
 * the extrapolated point (it must lower the objective).
 *
 * Header-only, inline, no global state, safe without the GIL.
 */
#ifndef SHRINKAGE_ANDERSON_H
#define SHRINKAGE_ANDERSON_H

#include <math.h>
#include <stddef.h>

#include "shrinkage_kernels.h"

/* Largest K (number of differences) the solver accepts. */
#define SHR_ANDERSON_MAX_K 10

/* Tikhonov regularisation of U U^T, relative to its trace (regularised
 * nonlinear acceleration: Scieur, d'Aspremont & Bach 2016, NeurIPS). It
 * bounds how much rounding in the iterates can move the weights. */
#define SHR_ANDERSON_RIDGE 1e-10

/* Extrapolation weights from K + 1 iterates of length m stored at
 * hist + k * ld (k = 0..K). Writes c[0..K-1] (summing to 1; c_k weighs
 * iterate k + 1) and returns 1, or returns 0 when the system is singular or
 * the weights are not finite (then c is unspecified). */
SHR_INLINE int shr_anderson_weights(int K, ptrdiff_t m, const double *hist,
                                    ptrdiff_t ld, double *c)
{
    double M[SHR_ANDERSON_MAX_K][SHR_ANDERSON_MAX_K + 1];
    double acc, piv, f, total, trace;
    ptrdiff_t i;
    int a, b, r, best;

    if (K < 1 || K > SHR_ANDERSON_MAX_K) {
        return 0;
    }
    /* M = U U^T, augmented with the right-hand side 1. */
    for (a = 0; a < K; a++) {
        const double *xa0 = hist + a * ld, *xa1 = hist + (a + 1) * ld;
        for (b = a; b < K; b++) {
            const double *xb0 = hist + b * ld, *xb1 = hist + (b + 1) * ld;
            acc = 0.0;
            for (i = 0; i < m; i++) {
                acc += (xa1[i] - xa0[i]) * (xb1[i] - xb0[i]);
            }
            M[a][b] = acc;
            M[b][a] = acc;
        }
        M[a][K] = 1.0;
    }
    trace = 0.0;
    for (a = 0; a < K; a++) {
        trace += M[a][a];
    }
    for (a = 0; a < K; a++) {
        M[a][a] += SHR_ANDERSON_RIDGE * trace;
    }
    /* Gaussian elimination with partial pivoting (K is tiny). Near
     * convergence the differences are nearly collinear and M is badly
     * conditioned; that is where the extrapolation helps most, so only an
     * exactly singular pivot or a non-finite result rejects it. */
    for (a = 0; a < K; a++) {
        best = a;
        for (r = a + 1; r < K; r++) {
            if (fabs(M[r][a]) > fabs(M[best][a])) {
                best = r;
            }
        }
        if (M[best][a] == 0.0) {
            return 0;
        }
        if (best != a) {
            for (b = a; b <= K; b++) {
                f = M[a][b];
                M[a][b] = M[best][b];
                M[best][b] = f;
            }
        }
        piv = M[a][a];
        for (r = a + 1; r < K; r++) {
            f = M[r][a] / piv;
            for (b = a; b <= K; b++) {
                M[r][b] -= f * M[a][b];
            }
        }
    }
    total = 0.0;
    for (a = K - 1; a >= 0; a--) {
        acc = M[a][K];
        for (b = a + 1; b < K; b++) {
            acc -= M[a][b] * c[b];
        }
        c[a] = acc / M[a][a];
        total += c[a];
    }
    if (!isfinite(total) || total == 0.0) {
        return 0;
    }
    for (a = 0; a < K; a++) {
        c[a] /= total;
        if (!isfinite(c[a])) {
            return 0;
        }
    }
    return 1;
}

/* out[i] = sum_k c_k * hist[(k + 1) * ld + i]: the extrapolated iterate. */
SHR_INLINE void shr_anderson_combine(int K, ptrdiff_t m, const double *hist,
                                     ptrdiff_t ld, const double *c,
                                     double *SHR_RESTRICT out)
{
    ptrdiff_t i;
    int k;
    for (i = 0; i < m; i++) {
        out[i] = 0.0;
    }
    for (k = 0; k < K; k++) {
        const double *x = hist + (k + 1) * ld;
        const double ck = c[k];
        for (i = 0; i < m; i++) {
            out[i] += ck * x[i];
        }
    }
}

#endif /* SHRINKAGE_ANDERSON_H */
