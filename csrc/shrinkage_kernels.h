/*
 * shrinkage_kernels.h -- the innermost scalar and column operations of the
 * coordinate-descent solvers, in plain C so that every Cython module shares
 * one definition (declared once in src/shrinkage/_kernels.pxd).
 *
 * Everything here is header-only, inline, free of global state and safe to
 * call without the GIL. Columns are contiguous buffers of length n, float64
 * or float32 (the _f32 functions; see shrinkage_columns.h), sums float64.
 * The code is C99 that MSVC also accepts; no intrinsics, no fast-math
 * assumptions (loops are written so compilers vectorise them without
 * reassociating floating-point sums).
 */
#ifndef SHRINKAGE_KERNELS_H
#define SHRINKAGE_KERNELS_H

#include <stddef.h>

#if defined(_MSC_VER)
#define SHR_INLINE static __inline
#define SHR_RESTRICT __restrict
#else
#define SHR_INLINE static inline
#define SHR_RESTRICT __restrict__
#endif

/* Soft-thresholding operator S(z, t) = sign(z) * max(|z| - t, 0), t >= 0.
 * Inside [-t, t] it returns 0.0 * z: a zero carrying the sign of z, exactly
 * what the formula gives, and NaN when z is NaN (NaN fails both tests). */
SHR_INLINE double shr_soft_threshold(double z, double t)
{
    if (z > t) {
        return z - t;
    }
    if (z < -t) {
        return z + t;
    }
    return 0.0 * z;
}

/* The elastic-net coordinate minimiser of
 *     0.5 * h * w^2 - z * w + l1 * |w| + 0.5 * l2 * w^2,
 * i.e. S(z, l1) / (h + l2), restricted to w >= 0 when `positive`.
 * Callers guarantee h + l2 > 0. */
SHR_INLINE double shr_enet_coordinate(double z, double l1, double h_plus_l2,
                                      int positive)
{
    if (positive && z <= l1) {
        return 0.0;
    }
    if (z > l1) {
        return (z - l1) / h_plus_l2;
    }
    if (z < -l1) {
        return (z + l1) / h_plus_l2;
    }
    return 0.0;
}

/* The column operations, once per column precision (shrinkage_columns.h). */
#define SHR_X double
#define SHR_NAME(f) f
#include "shrinkage_columns.h"
#undef SHR_X
#undef SHR_NAME

#define SHR_X float
#define SHR_NAME(f) f##_f32
#include "shrinkage_columns.h"
#undef SHR_X
#undef SHR_NAME

/* sum_i x[i] * r[i] for a float32 column x and a float64 r, accumulated in
 * float64 (four partial sums, as shr_centered_dot): what ddot is for a
 * float64 column. */
SHR_INLINE double shr_dot_f32(ptrdiff_t n, const float *SHR_RESTRICT x,
                              const double *SHR_RESTRICT r)
{
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a0 += (double)x[i] * r[i];
        a1 += (double)x[i + 1] * r[i + 1];
        a2 += (double)x[i + 2] * r[i + 2];
        a3 += (double)x[i + 3] * r[i + 3];
    }
    for (; i < n; ++i) {
        a0 += (double)x[i] * r[i];
    }
    return (a0 + a1) + (a2 + a3);
}

/* out = X^T v for a float32 X (n x p) and a float64 v, in float64: column
 * by column for column-major X (ld n), row by row for row-major X (ld p),
 * so X is read once, in its storage order. What dgemv('T') / dgemv('N')
 * are for a float64 X. */
SHR_INLINE void shr_gemv_t_f32(ptrdiff_t n, ptrdiff_t p, const float *X,
                               int c_order, const double *SHR_RESTRICT v,
                               double *SHR_RESTRICT out)
{
    ptrdiff_t i, j;
    if (!c_order) {
        for (j = 0; j < p; ++j) {
            out[j] = shr_dot_f32(n, X + j * n, v);
        }
        return;
    }
    for (j = 0; j < p; ++j) {
        out[j] = 0.0;
    }
    for (i = 0; i < n; ++i) {
        const float *row = X + i * p;
        const double vi = v[i];
        for (j = 0; j < p; ++j) {
            out[j] += (double)row[j] * vi;
        }
    }
}

#endif /* SHRINKAGE_KERNELS_H */
