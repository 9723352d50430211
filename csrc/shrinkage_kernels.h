/*
 * shrinkage_kernels.h -- the innermost scalar and column operations of the
 * coordinate-descent solvers, in plain C so that every Cython module shares
 * one definition (declared once in src/shrinkage/_kernels.pxd).
 *
 * Everything here is header-only, inline, free of global state and safe to
 * call without the GIL. Columns are contiguous buffers of length n, float64
 * or float32 (the _f32 functions; see shrinkage_columns.h), sums float64.
 * The code is C99 that MSVC also accepts, with no fast-math assumptions:
 * loops are written so compilers vectorise them without reassociating
 * floating-point sums. Where compilers do not, x86-64's baseline SSE2
 * intrinsics do it by hand, lane for lane the scalar code (SHR_SSE2; the
 * scalar code is the fallback elsewhere), and one float32 product has an
 * AVX2 build chosen at run time (shr_dot_f32).
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

/* SSE2 is part of x86-64 itself: no run-time check. SHR_LOAD2(p) reads two
 * column entries as the two float64 lanes of a register (a float32 pair is
 * widened exactly). */
#if defined(__x86_64__) || defined(_M_X64)
#define SHR_SSE2 1
#include <emmintrin.h>
#endif

/* The column operations, once per column precision (shrinkage_columns.h). */
#define SHR_X double
#define SHR_NAME(f) f
#ifdef SHR_SSE2
#define SHR_LOAD2(p) _mm_loadu_pd(p)
#endif
#include "shrinkage_columns.h"
#undef SHR_X
#undef SHR_NAME
#undef SHR_LOAD2

#define SHR_X float
#define SHR_NAME(f) f##_f32
#ifdef SHR_SSE2
/* 64 bits through the integer load (its pointer type may alias any data) */
#define SHR_LOAD2(p) _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(p))))
#endif
#include "shrinkage_columns.h"
#undef SHR_X
#undef SHR_NAME
#undef SHR_LOAD2

/* sum_i x[i] * r[i] for a float32 column x and a float64 r, accumulated in
 * float64 with eight partial sums: the body of shr_dot_f32, compiled once
 * for the baseline instruction set and, on x86-64 Linux with GCC or Clang, once
 * more for AVX2 + FMA (chosen at run time: wheels target the baseline, and
 * BLAS's own ddot dispatches the same way, so without this a float32 column
 * product ran 2-4x slower than the float64 ddot it replaces on data in
 * cache). The two builds may round differently (FMA); each is
 * deterministic on a given machine, as BLAS is. */
#define SHR_DOT_F32_BODY                                                     \
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;                           \
    double a4 = 0.0, a5 = 0.0, a6 = 0.0, a7 = 0.0;                           \
    ptrdiff_t i = 0;                                                         \
    for (; i + 8 <= n; i += 8) {                                             \
        a0 += (double)x[i] * r[i];                                           \
        a1 += (double)x[i + 1] * r[i + 1];                                   \
        a2 += (double)x[i + 2] * r[i + 2];                                   \
        a3 += (double)x[i + 3] * r[i + 3];                                   \
        a4 += (double)x[i + 4] * r[i + 4];                                   \
        a5 += (double)x[i + 5] * r[i + 5];                                   \
        a6 += (double)x[i + 6] * r[i + 6];                                   \
        a7 += (double)x[i + 7] * r[i + 7];                                   \
    }                                                                        \
    for (; i < n; ++i) {                                                     \
        a0 += (double)x[i] * r[i];                                           \
    }                                                                        \
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));

/* Linux only: there GCC and Clang read the CPU's features from libgcc or
 * compiler-rt, which every toolchain the wheels are built with links. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && defined(__linux__)
#define SHR_DOT_F32_AVX2 1
/* Four AVX2 vectors of partial sums: FMA's latency (4 cycles) is hidden
 * only with four independent chains. */
__attribute__((target("avx2,fma")))
SHR_INLINE double shr_dot_f32_avx2(ptrdiff_t n, const float *SHR_RESTRICT x,
                               const double *SHR_RESTRICT r)
{
    double a[16] = {0.0};
    double s0, s1, s2, s3;
    ptrdiff_t i = 0;
    int k;
    for (; i + 16 <= n; i += 16) {
        for (k = 0; k < 16; ++k) {
            a[k] += (double)x[i + k] * r[i + k];
        }
    }
    for (; i < n; ++i) {
        a[0] += (double)x[i] * r[i];
    }
    s0 = (a[0] + a[4]) + (a[8] + a[12]);
    s1 = (a[1] + a[5]) + (a[9] + a[13]);
    s2 = (a[2] + a[6]) + (a[10] + a[14]);
    s3 = (a[3] + a[7]) + (a[11] + a[15]);
    return (s0 + s1) + (s2 + s3);
}
#endif

SHR_INLINE double shr_dot_f32_baseline(ptrdiff_t n, const float *SHR_RESTRICT x,
                                       const double *SHR_RESTRICT r)
{
    SHR_DOT_F32_BODY
}

SHR_INLINE double shr_dot_f32(ptrdiff_t n, const float *SHR_RESTRICT x,
                              const double *SHR_RESTRICT r)
{
#ifdef SHR_DOT_F32_AVX2
    /* the CPU's features, read by the compiler's runtime (no state here) */
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return shr_dot_f32_avx2(n, x, r);
    }
#endif
    return shr_dot_f32_baseline(n, x, r);
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
