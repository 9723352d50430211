/*
 * shrinkage_columns.h -- the column operations of shrinkage_kernels.h,
 * written once for a column element type SHR_X and included by that header
 * once per precision: SHR_X = double gives shr_centered_dot etc., SHR_X =
 * float gives shr_centered_dot_f32 etc. (SHR_NAME appends the suffix).
 *
 * Only the columns (x) take SHR_X: weights, residuals and every sum are
 * double, so a float32 design is read at half the bytes while the
 * quantities that decide stopping (correlations, norms, the duality gap)
 * keep float64's digits. Each product x[i] * r[i] promotes x[i] to double
 * first, exactly; the double instantiation is the code these functions had
 * before the template, operation for operation.
 *
 * No include guard: it is meant to be included more than once. Do not
 * include it directly; include shrinkage_kernels.h.
 */
#if !defined(SHR_X) || !defined(SHR_NAME)
#error "include shrinkage_kernels.h, which defines SHR_X and SHR_NAME"
#endif

/* r[i] += a * (x[i] - m): a residual update along an implicitly centred
 * column (m is the column's mean, 0 without an intercept). */
SHR_INLINE void SHR_NAME(shr_centered_axpy)(ptrdiff_t n, double a,
                                  const SHR_X *SHR_RESTRICT x, double m,
                                  double *SHR_RESTRICT r)
{
    ptrdiff_t i;
    /* a * (x - m), not a * x - a * m: exact for columns with large offsets */
    for (i = 0; i < n; ++i) {
        r[i] += a * (x[i] - m);
    }
}

/* sum_i s[i] * x[i] (s may be NULL for unit weights), four partial sums so
 * the loop pipelines without reassociation by the compiler. */
SHR_INLINE double SHR_NAME(shr_weighted_sum)(ptrdiff_t n, const SHR_X *x,
                                   const double *s)
{
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    ptrdiff_t i = 0;
    if (s == NULL) {
        for (; i + 4 <= n; i += 4) {
            a0 += x[i];
            a1 += x[i + 1];
            a2 += x[i + 2];
            a3 += x[i + 3];
        }
        for (; i < n; ++i) {
            a0 += x[i];
        }
    } else {
        for (; i + 4 <= n; i += 4) {
            a0 += s[i] * x[i];
            a1 += s[i + 1] * x[i + 1];
            a2 += s[i + 2] * x[i + 2];
            a3 += s[i + 3] * x[i + 3];
        }
        for (; i < n; ++i) {
            a0 += s[i] * x[i];
        }
    }
    return (a0 + a1) + (a2 + a3);
}

/* sum_i s[i] * (x[i] - m)^2 (s may be NULL): the weighted squared norm of
 * an implicitly centred column, computed without cancellation when the
 * column has a large offset. */
SHR_INLINE double SHR_NAME(shr_centered_sq_norm)(ptrdiff_t n, const SHR_X *x, double m,
                                       const double *s)
{
    double a0 = 0.0, a1 = 0.0;
    double d0, d1;
    ptrdiff_t i = 0;
    if (s == NULL) {
        for (; i + 2 <= n; i += 2) {
            d0 = x[i] - m;
            d1 = x[i + 1] - m;
            a0 += d0 * d0;
            a1 += d1 * d1;
        }
        for (; i < n; ++i) {
            d0 = x[i] - m;
            a0 += d0 * d0;
        }
    } else {
        for (; i + 2 <= n; i += 2) {
            d0 = x[i] - m;
            d1 = x[i + 1] - m;
            a0 += s[i] * d0 * d0;
            a1 += s[i + 1] * d1 * d1;
        }
        for (; i < n; ++i) {
            d0 = x[i] - m;
            a0 += s[i] * d0 * d0;
        }
    }
    return a0 + a1;
}

/* sum_i s[i] * (x[i] - m) * r[i] (s may be NULL): the correlation of an
 * implicitly centred column with r, without the cancellation that
 * x^T r - m * sum(r) suffers when |m| is large against the column's spread. */
SHR_INLINE double SHR_NAME(shr_centered_dot)(ptrdiff_t n, const SHR_X *x, double m,
                                   const double *s, const double *r)
{
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    ptrdiff_t i = 0;
    if (s == NULL) {
        for (; i + 4 <= n; i += 4) {
            a0 += (x[i] - m) * r[i];
            a1 += (x[i + 1] - m) * r[i + 1];
            a2 += (x[i + 2] - m) * r[i + 2];
            a3 += (x[i + 3] - m) * r[i + 3];
        }
        for (; i < n; ++i) {
            a0 += (x[i] - m) * r[i];
        }
    } else {
        for (; i + 4 <= n; i += 4) {
            a0 += s[i] * (x[i] - m) * r[i];
            a1 += s[i + 1] * (x[i + 1] - m) * r[i + 1];
            a2 += s[i + 2] * (x[i + 2] - m) * r[i + 2];
            a3 += s[i + 3] * (x[i + 3] - m) * r[i + 3];
        }
        for (; i < n; ++i) {
            a0 += s[i] * (x[i] - m) * r[i];
        }
    }
    return (a0 + a1) + (a2 + a3);
}

/* One sweep over column x giving, with d_i = x_i - shift and s_i = 1 when
 * s is NULL:
 *     out[0] = sum_i s_i d_i,  out[1] = sum_i s_i d_i^2,  out[2] = sum_i s_i d_i r_i.
 * The first two give the column's weighted mean and centred squared norm
 * (shifted sums: exact when the shift is near the mean, e.g. x_0), the last
 * its correlation with a residual -- so a first coordinate pass reads each
 * column from memory once. */
SHR_INLINE void SHR_NAME(shr_column_moments)(ptrdiff_t n, const SHR_X *x,
                                   const double *s, const double *r,
                                   double shift, double *out)
{
    double a0 = 0.0, a1 = 0.0, b0 = 0.0, b1 = 0.0, c0 = 0.0, c1 = 0.0;
    double d0, d1;
    ptrdiff_t i = 0;
#ifdef SHR_SSE2
    /* The pairs (a0, a1), (b0, b1), (c0, c1) as the two lanes of SSE2
     * registers: the scalar loop below operation for operation (compilers
     * leave that loop scalar: three interleaved reductions defeat their
     * vectorisers), so the sums are bit for bit the same. */
    {
        __m128d va = _mm_setzero_pd(), vb = va, vc = va, d, sd;
        const __m128d vshift = _mm_set1_pd(shift);
        double lanes[2];
        if (s == NULL) {
            for (; i + 2 <= n; i += 2) {
                d = _mm_sub_pd(SHR_LOAD2(x + i), vshift);
                va = _mm_add_pd(va, d);
                vb = _mm_add_pd(vb, _mm_mul_pd(d, d));
                vc = _mm_add_pd(vc, _mm_mul_pd(d, _mm_loadu_pd(r + i)));
            }
        } else {
            for (; i + 2 <= n; i += 2) {
                d = _mm_sub_pd(SHR_LOAD2(x + i), vshift);
                sd = _mm_mul_pd(_mm_loadu_pd(s + i), d);
                va = _mm_add_pd(va, sd);
                vb = _mm_add_pd(vb, _mm_mul_pd(sd, d));
                vc = _mm_add_pd(vc, _mm_mul_pd(sd, _mm_loadu_pd(r + i)));
            }
        }
        _mm_storeu_pd(lanes, va);
        a0 = lanes[0];
        a1 = lanes[1];
        _mm_storeu_pd(lanes, vb);
        b0 = lanes[0];
        b1 = lanes[1];
        _mm_storeu_pd(lanes, vc);
        c0 = lanes[0];
        c1 = lanes[1];
    }
#endif
    if (s == NULL) {
        for (; i + 2 <= n; i += 2) {
            d0 = x[i] - shift;
            d1 = x[i + 1] - shift;
            a0 += d0;
            a1 += d1;
            b0 += d0 * d0;
            b1 += d1 * d1;
            c0 += d0 * r[i];
            c1 += d1 * r[i + 1];
        }
        for (; i < n; ++i) {
            d0 = x[i] - shift;
            a0 += d0;
            b0 += d0 * d0;
            c0 += d0 * r[i];
        }
    } else {
        for (; i + 2 <= n; i += 2) {
            d0 = x[i] - shift;
            d1 = x[i + 1] - shift;
            a0 += s[i] * d0;
            a1 += s[i + 1] * d1;
            b0 += s[i] * d0 * d0;
            b1 += s[i + 1] * d1 * d1;
            c0 += s[i] * d0 * r[i];
            c1 += s[i + 1] * d1 * r[i + 1];
        }
        for (; i < n; ++i) {
            d0 = x[i] - shift;
            a0 += s[i] * d0;
            b0 += s[i] * d0 * d0;
            c0 += s[i] * d0 * r[i];
        }
    }
    out[0] = a0 + a1;
    out[1] = b0 + b1;
    out[2] = c0 + c1;
}
