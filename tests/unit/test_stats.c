/* test_stats.c — unit tests for common/stats.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "interrupt.h"
#include "stats.h"

#define EPS 1e-9
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- cxs_summarize: basic statistics ---- */

static void test_summary_odd(void **state)
{
    (void)state;
    const double x[] = {5, 1, 4, 2, 3};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.kept, 5);
    assert_int_equal(s.dropped, 0);
    assert_float_equal(s.median, 3.0, EPS);
    assert_float_equal(s.mean, 3.0, EPS);
    assert_float_equal(s.min, 1.0, EPS);
    assert_float_equal(s.max, 5.0, EPS);
    assert_float_equal(s.mad, 1.0, EPS); /* |x - 3| = 2 2 1 1 0 */
    /* Type 7: h = 4 q. */
    assert_float_equal(s.p5, 1.2, EPS);
    assert_float_equal(s.p95, 4.8, EPS);
    /* Fewer than 6 samples: no exact CI, min/max instead. */
    assert_int_equal(s.ci_exact, 0);
    assert_float_equal(s.ci_lo, 1.0, EPS);
    assert_float_equal(s.ci_hi, 5.0, EPS);
}

static void test_summary_even(void **state)
{
    (void)state;
    const double x[] = {8, 2, 6, 4};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.kept, 4);
    assert_int_equal(s.dropped, 0);
    assert_float_equal(s.median, 5.0, EPS);
    assert_float_equal(s.mean, 5.0, EPS);
    assert_float_equal(s.min, 2.0, EPS);
    assert_float_equal(s.max, 8.0, EPS);
    assert_float_equal(s.mad, 2.0, EPS); /* |x - 5| = 3 3 1 1 */
    /* Type 7: h = 3 q; p5: 2 + 0.15 * 2, p95: 6 + 0.85 * 2. */
    assert_float_equal(s.p5, 2.3, EPS);
    assert_float_equal(s.p95, 7.7, EPS);
    assert_int_equal(s.ci_exact, 0);
}

static void test_summary_single(void **state)
{
    (void)state;
    const double x[] = {42.5};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, 1, 0, &s), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.kept, 1);
    assert_int_equal(s.dropped, 0);
    assert_float_equal(s.median, 42.5, 0);
    assert_float_equal(s.mean, 42.5, 0);
    assert_float_equal(s.min, 42.5, 0);
    assert_float_equal(s.max, 42.5, 0);
    assert_float_equal(s.p5, 42.5, 0);
    assert_float_equal(s.p95, 42.5, 0);
    assert_float_equal(s.mad, 0.0, 0);
    assert_float_equal(s.ci_lo, 42.5, 0);
    assert_float_equal(s.ci_hi, 42.5, 0);
    assert_int_equal(s.ci_exact, 0);
}

static void test_summary_empty(void **state)
{
    (void)state;
    const double x[] = {1.0};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, 0, 0, &s), -1);
}

static void test_summary_constant_mean_exact(void **state)
{
    (void)state;
    double x[37];
    struct cxs_summary s;

    for (size_t i = 0; i < ARRAY_LEN(x); i++)
        x[i] = 0.1;
    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    /* Exactly, not approximately: no rounding drift for constant data. */
    assert_true(s.mean == 0.1);
    assert_true(s.median == 0.1);
    assert_true(s.ci_lo == 0.1 && s.ci_hi == 0.1);
    assert_int_equal(s.ci_exact, 1);
}

static void test_summary_ci_values(void **state)
{
    (void)state;
    /* 1..10 shuffled; n = 10 gives order statistics 1 and 8 (0-based). */
    const double x[] = {7, 3, 10, 1, 5, 9, 2, 8, 4, 6};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_int_equal(s.ci_exact, 1);
    assert_float_equal(s.ci_lo, 2.0, EPS);
    assert_float_equal(s.ci_hi, 9.0, EPS);
    assert_float_equal(s.median, 5.5, EPS);
}

static void test_summary_nan_dropped(void **state)
{
    (void)state;
    const double x[] = {1.0, NAN, 3.0, 2.0};
    const double all_nan[] = {NAN, NAN};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.kept, 3);
    assert_int_equal(s.dropped, 1);
    assert_float_equal(s.median, 2.0, EPS);
    assert_float_equal(s.max, 3.0, EPS);
    assert_false(isnan(s.mean));

    assert_int_equal(cxs_summarize(all_nan, ARRAY_LEN(all_nan), 0, &s), -1);
}

/* ---- quantiles ---- */

static void test_quantile_type7(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const size_t n = ARRAY_LEN(x);

    /* h = 9 q: x[floor h] + frac(h) * (x[floor h + 1] - x[floor h]). */
    assert_float_equal(cxs_quantile_sorted(x, n, 0.05), 1.45, EPS);
    assert_float_equal(cxs_quantile_sorted(x, n, 0.95), 9.55, EPS);
    assert_float_equal(cxs_quantile_sorted(x, n, 0.25), 3.25, EPS);
    assert_float_equal(cxs_quantile_sorted(x, n, 0.5), 5.5, EPS);
    assert_float_equal(cxs_quantile_sorted(x, n, 0.75), 7.75, EPS);
    assert_float_equal(cxs_quantile_sorted(x, n, 0.0), 1.0, 0);
    assert_float_equal(cxs_quantile_sorted(x, n, 1.0), 10.0, 0);

    /* Uneven spacing: 0 1 4 9 16, h = 4 q. */
    const double y[] = {0, 1, 4, 9, 16};
    assert_float_equal(cxs_quantile_sorted(y, 5, 0.1), 0.4, EPS);
    assert_float_equal(cxs_quantile_sorted(y, 5, 0.6), 6.0, EPS);
    assert_float_equal(cxs_quantile_sorted(y, 5, 0.9), 13.2, EPS);

    /* One sample: every quantile is that sample. */
    const double z[] = {3.5};
    assert_float_equal(cxs_quantile_sorted(z, 1, 0.0), 3.5, 0);
    assert_float_equal(cxs_quantile_sorted(z, 1, 0.37), 3.5, 0);
    assert_float_equal(cxs_quantile_sorted(z, 1, 1.0), 3.5, 0);
}

static void test_summary_quantiles_1_to_10(void **state)
{
    (void)state;
    const double x[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_float_equal(s.p5, 1.45, EPS);
    assert_float_equal(s.p95, 9.55, EPS);
    assert_float_equal(s.mean, 5.5, EPS);
}

/* ---- outliers ---- */

/* 90..109 in a scrambled order with 1000 in the middle. Median of all 21 is
 * 100; |x - 100| sorted is 0 1 1 2 2 ... 9 9 10 900, so MAD = 5. */
static size_t outlier_input(double *x)
{
    size_t n = 0;
    for (int i = 0; i < 20; i++) {
        x[n++] = 90.0 + (double)((i * 7) % 20);
        if (i == 9)
            x[n++] = 1000.0;
    }
    return n;
}

static void test_outlier_dropped(void **state)
{
    (void)state;
    double x[21];
    size_t n = outlier_input(x);
    struct cxs_summary s;

    assert_int_equal(n, 21);
    assert_int_equal(cxs_summarize(x, n, 0, &s), 0);
    assert_int_equal(s.n, 21);
    assert_int_equal(s.dropped, 1);
    assert_int_equal(s.kept, 20);
    assert_int_equal(s.kept + s.dropped, s.n);
    /* Statistics of 90..109 alone. */
    assert_float_equal(s.median, 99.5, EPS);
    assert_float_equal(s.mean, 99.5, EPS);
    assert_float_equal(s.min, 90.0, EPS);
    assert_float_equal(s.max, 109.0, EPS);
    /* MAD is of the full sample, before dropping. */
    assert_float_equal(s.mad, 5.0, EPS);
    /* Explicit k = CXS_OUTLIER_K gives the same; negative k means default. */
    struct cxs_summary t;
    assert_int_equal(cxs_summarize(x, n, CXS_OUTLIER_K, &t), 0);
    assert_int_equal(t.dropped, 1);
    assert_int_equal(cxs_summarize(x, n, -1.0, &t), 0);
    assert_int_equal(t.dropped, 1);
}

static void test_outlier_custom_k(void **state)
{
    (void)state;
    double x[21];
    size_t n = outlier_input(x);
    struct cxs_summary s;

    /* k = 1: threshold 1.4826 * 5 = 7.413; drops 90 91 92 108 109 1000. */
    assert_int_equal(cxs_summarize(x, n, 1.0, &s), 0);
    assert_int_equal(s.dropped, 6);
    assert_int_equal(s.kept, 15);
    assert_float_equal(s.min, 93.0, EPS);
    assert_float_equal(s.max, 107.0, EPS);
    assert_float_equal(s.median, 100.0, EPS);
    assert_float_equal(s.mad, 5.0, EPS);
}

static void test_outlier_both_sides(void **state)
{
    (void)state;
    const double x[] = {-500, 10, 11, 12, 13, 14, 15, 16, 17, 18, 800};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_int_equal(s.dropped, 2);
    assert_int_equal(s.kept, 9);
    assert_float_equal(s.min, 10.0, EPS);
    assert_float_equal(s.max, 18.0, EPS);
    assert_float_equal(s.median, 14.0, EPS);
}

static void test_tight_data_keeps_small_deviations(void **state)
{
    (void)state;
    /* MAD 0.001 would put the MAD threshold at ~0.005; the 1 % floor keeps
     * samples within 1 % of the median, and still drops the 1.5 % one. */
    const double x[] = {1.000, 1.001, 0.999, 1.000, 1.002, 0.998, 1.009, 0.991, 1.015};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_int_equal(s.dropped, 1);
    assert_float_equal(s.max, 1.009, EPS);
}

static int outlier_every_third(void *ctx, double *v)
{
    size_t *i = ctx;
    *v = (*i)++ % 3 ? 100.0 + (double)(*i % 2) : 1e6;
    return 0;
}

static void test_adaptive_keeps_min_samples(void **state)
{
    (void)state;
    /* Every third sample is a 1e6 outlier: after 7 samples only 4 are kept,
     * and the CI would be "converged" at 6 kept; sampling must go on until
     * min_samples are kept. */
    struct cxs_adaptive a = {.min_samples = 7, .max_samples = 100, .budget_s = 30, .rel_ci = 0.5};
    double samples[100];
    size_t n, i = 0;
    struct cxs_summary s;
    assert_int_equal(cxs_sample_adaptive(&a, outlier_every_third, &i, samples, &n, &s), 0);
    assert_true(s.kept >= 7);
    /* ... also when the time budget is already spent (but not past max). */
    struct cxs_adaptive b = {.min_samples = 7, .max_samples = 100, .budget_s = 1e-9, .rel_ci = 0.5};
    i = 0;
    assert_int_equal(cxs_sample_adaptive(&b, outlier_every_third, &i, samples, &n, &s), 0);
    assert_true(s.kept >= 7);
    b.max_samples = 8;
    i = 0;
    assert_int_equal(cxs_sample_adaptive(&b, outlier_every_third, &i, samples, &n, &s), 0);
    assert_int_equal(n, 8); /* max still caps it */
}

static void test_mad_zero_keeps_all(void **state)
{
    (void)state;
    const double x[] = {5, 5, 1000, 5, 5, 1, 5};
    struct cxs_summary s;

    assert_int_equal(cxs_summarize(x, ARRAY_LEN(x), 0, &s), 0);
    assert_float_equal(s.mad, 0.0, 0);
    assert_int_equal(s.dropped, 0);
    assert_int_equal(s.kept, 7);
    assert_float_equal(s.median, 5.0, 0);
    assert_float_equal(s.min, 1.0, 0);
    assert_float_equal(s.max, 1000.0, 0);
}

static void test_input_not_reordered(void **state)
{
    (void)state;
    double x[21];
    double copy[21];
    size_t n = outlier_input(x);
    struct cxs_summary s;

    memcpy(copy, x, sizeof(x));
    assert_int_equal(cxs_summarize(x, n, 0, &s), 0);
    assert_memory_equal(x, copy, sizeof(x));
}

/* ---- CI of the median: checked against an independent exact computation ---- */

/* P(lo + 1 <= B <= hi) for B ~ binomial(n, 1/2): the probability that the
 * order statistics lo and hi (0-based) bracket the median. Summed forward from
 * P(B = 0) = 2^-n in long double; exact to rounding for n <= 16000. */
static long double coverage(size_t n, size_t lo, size_t hi)
{
    long double p = ldexpl(1.0L, -(int)n);
    long double sum = 0.0L;

    for (size_t k = 0; k <= hi; k++) {
        if (k >= lo + 1)
            sum += p;
        p = p * (long double)(n - k) / (long double)(k + 1);
    }
    return sum;
}

static void check_ci_index(size_t n)
{
    size_t lo = SIZE_MAX, hi = SIZE_MAX;

    assert_int_equal(cxs_median_ci_index(n, &lo, &hi), 1);
    assert_true(lo < hi);
    assert_true(hi < n);
    assert_int_equal(lo + hi, n - 1); /* symmetric */
    /* Enough coverage... */
    assert_true(coverage(n, lo, hi) >= 0.95L);
    /* ...and the next narrower symmetric pair has too little. */
    if (hi - lo >= 2)
        assert_true(coverage(n, lo + 1, hi - 1) < 0.95L);
}

static void test_ci_index_known(void **state)
{
    (void)state;
    size_t lo, hi;

    assert_int_equal(cxs_median_ci_index(6, &lo, &hi), 1);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 5);
    assert_int_equal(cxs_median_ci_index(10, &lo, &hi), 1);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 8);
    assert_int_equal(cxs_median_ci_index(20, &lo, &hi), 1);
    assert_int_equal(lo, 5);
    assert_int_equal(hi, 14);
    assert_int_equal(cxs_median_ci_index(100, &lo, &hi), 1);
    assert_int_equal(lo, 39);
    assert_int_equal(hi, 60);

    check_ci_index(6);
    check_ci_index(10);
    check_ci_index(20);
    check_ci_index(100);
}

static void test_ci_index_exact_coverage(void **state)
{
    (void)state;
    for (size_t n = 6; n <= 600; n++)
        check_ci_index(n);
    const size_t big[] = {999, 1000, 1001, 4096, 9999, 10000, 15999, 16000};
    for (size_t i = 0; i < ARRAY_LEN(big); i++)
        check_ci_index(big[i]);
}

static void test_ci_index_large_n(void **state)
{
    (void)state;
    /* Beyond the exact check: the normal approximation is within a couple of
     * order statistics, lo ~ n/2 - 1.96 sqrt(n)/2. */
    const size_t ns[] = {100000, 1000000, 10000000};
    for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
        size_t n = ns[i], lo, hi;
        assert_int_equal(cxs_median_ci_index(n, &lo, &hi), 1);
        assert_int_equal(lo + hi, n - 1);
        double approx = (double)n / 2.0 - 1.959964 * sqrt((double)n) / 2.0;
        assert_true(fabs((double)lo - approx) < 3.0);
    }
}

static void test_ci_index_small_n(void **state)
{
    (void)state;
    for (size_t n = 0; n < 6; n++) {
        size_t lo = 77, hi = 77;
        assert_int_equal(cxs_median_ci_index(n, &lo, &hi), 0);
    }
}

/* ---- adaptive sampling ---- */

struct sampler {
    double level;      /* centre value */
    double spread;     /* noise is uniform in level +- spread */
    uint64_t rng;      /* xorshift64 state; deterministic */
    unsigned sleep_us; /* delay per sample */
    size_t calls;
    size_t fail_at; /* return fail_rc on this call (1-based); 0 = never */
    int fail_rc;
};

static double sampler_next(struct sampler *sp)
{
    uint64_t v = sp->rng;
    v ^= v << 13;
    v ^= v >> 7;
    v ^= v << 17;
    sp->rng = v;
    double u = (double)(v >> 11) / 9007199254740992.0; /* [0, 1) */
    return sp->level + sp->spread * (2.0 * u - 1.0);
}

static int sample_fn(void *ctx, double *value)
{
    struct sampler *sp = ctx;

    sp->calls++;
    if (sp->fail_at && sp->calls == sp->fail_at)
        return sp->fail_rc;
    if (sp->sleep_us) {
        struct timespec ts = {0, (long)sp->sleep_us * 1000L};
        nanosleep(&ts, NULL);
    }
    *value = sp->spread > 0 ? sampler_next(sp) : sp->level;
    return 0;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_adaptive_constant_stops_at_min(void **state)
{
    (void)state;
    struct sampler sp = {.level = 3.0};
    struct cxs_adaptive a = {
        .min_samples = 10, .max_samples = 1000, .budget_s = 60, .rel_ci = 0.01};
    double samples[1000];
    size_t n = 0;
    struct cxs_summary s;

    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    assert_int_equal(n, 10);
    assert_int_equal(sp.calls, 10);
    assert_int_equal(s.n, 10);
    assert_int_equal(s.ci_exact, 1);
    assert_float_equal(s.median, 3.0, 0);
    assert_float_equal(s.ci_hi - s.ci_lo, 0.0, 0);
}

static void test_adaptive_constant_needs_exact_ci(void **state)
{
    (void)state;
    /* min_samples < 6: no exact CI before 6 samples, so it goes on to 6. */
    struct sampler sp = {.level = 3.0};
    struct cxs_adaptive a = {.min_samples = 2, .max_samples = 1000, .budget_s = 60, .rel_ci = 0.01};
    double samples[1000];
    size_t n = 0;
    struct cxs_summary s;

    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    assert_int_equal(n, 6);
    assert_int_equal(s.ci_exact, 1);
}

static void test_adaptive_converges(void **state)
{
    (void)state;
    /* 100 +- 1 against +-1 %: converges long before max_samples. */
    struct sampler sp = {.level = 100.0, .spread = 1.0, .rng = 0x9e3779b97f4a7c15ULL};
    struct cxs_adaptive a = {
        .min_samples = 5, .max_samples = 10000, .budget_s = 60, .rel_ci = 0.001};
    static double samples[10000];
    size_t n = 0;
    struct cxs_summary s;

    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    assert_true(n >= 6);
    assert_true(n < 10000);
    assert_int_equal(s.n, n);
    assert_int_equal(s.ci_exact, 1);
    assert_true((s.ci_hi - s.ci_lo) / 2.0 <= 0.001 * s.median);
}

static void test_adaptive_stops_by_time(void **state)
{
    (void)state;
    /* Wide noise and rel_ci = 0 never converge; 200 us per sample against a
     * 20 ms budget stops after ~100 samples. */
    struct sampler sp = {.level = 100.0, .spread = 50.0, .rng = 12345, .sleep_us = 200};
    struct cxs_adaptive a = {
        .min_samples = 5, .max_samples = 100000, .budget_s = 0.02, .rel_ci = 0.0};
    static double samples[100000];
    size_t n = 0;
    struct cxs_summary s;

    double t0 = mono_s();
    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    double elapsed = mono_s() - t0;

    assert_true(n >= 5);
    assert_true(n < 100000);
    assert_int_equal(sp.calls, n);
    assert_int_equal(s.n, n);
    assert_true(elapsed >= 0.02);
    assert_true(elapsed < 5.0);
}

static void test_adaptive_max_samples(void **state)
{
    (void)state;
    struct sampler sp = {.level = 100.0, .spread = 50.0, .rng = 777};
    struct cxs_adaptive a = {.min_samples = 10, .max_samples = 50, .budget_s = 60, .rel_ci = 0.0};
    double samples[51];
    size_t n = 0;
    struct cxs_summary s;

    samples[50] = -12345.0; /* canary: must stay untouched */
    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    assert_int_equal(n, 50);
    assert_int_equal(sp.calls, 50);
    assert_int_equal(s.n, 50);
    assert_float_equal(samples[50], -12345.0, 0);
}

static void test_adaptive_min_equals_max(void **state)
{
    (void)state;
    struct sampler sp = {.level = 1.0};
    struct cxs_adaptive a = {.min_samples = 1, .max_samples = 1, .budget_s = 60, .rel_ci = 0.01};
    double samples[1];
    size_t n = 0;
    struct cxs_summary s;

    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    assert_int_equal(n, 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ci_exact, 0);
}

static void test_adaptive_fn_error(void **state)
{
    (void)state;
    struct sampler sp = {.level = 1.0, .fail_at = 3, .fail_rc = 7};
    struct cxs_adaptive a = {.min_samples = 10, .max_samples = 100, .budget_s = 60, .rel_ci = 0.01};
    double samples[100];
    size_t n = 99;
    struct cxs_summary s;

    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 7);
    assert_int_equal(n, 2);
    assert_int_equal(sp.calls, 3);

    /* Failing on the first call: nothing taken. */
    struct sampler sp1 = {.level = 1.0, .fail_at = 1, .fail_rc = -5};
    n = 99;
    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp1, samples, &n, &s), -5);
    assert_int_equal(n, 0);
}

static void test_adaptive_stop_requested(void **state)
{
    (void)state;
    struct sampler sp = {.level = 100.0, .spread = 50.0, .rng = 99};
    struct cxs_adaptive a = {.min_samples = 10, .max_samples = 100, .budget_s = 60, .rel_ci = 0.0};
    double samples[100];
    size_t n = 0;
    struct cxs_summary s;

    /* A stop already pending: one sample is still taken and summarized. */
    cxs_stop_set(1);
    assert_int_equal(cxs_sample_adaptive(&a, sample_fn, &sp, samples, &n, &s), 0);
    cxs_stop_set(0);
    assert_int_equal(n, 1);
    assert_int_equal(sp.calls, 1);
    assert_int_equal(s.n, 1);
}

static int clear_stop(void **state)
{
    (void)state;
    cxs_stop_set(0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_odd),
        cmocka_unit_test(test_summary_even),
        cmocka_unit_test(test_summary_single),
        cmocka_unit_test(test_summary_empty),
        cmocka_unit_test(test_summary_constant_mean_exact),
        cmocka_unit_test(test_summary_ci_values),
        cmocka_unit_test(test_summary_nan_dropped),
        cmocka_unit_test(test_quantile_type7),
        cmocka_unit_test(test_summary_quantiles_1_to_10),
        cmocka_unit_test(test_outlier_dropped),
        cmocka_unit_test(test_outlier_custom_k),
        cmocka_unit_test(test_outlier_both_sides),
        cmocka_unit_test(test_mad_zero_keeps_all),
        cmocka_unit_test(test_tight_data_keeps_small_deviations),
        cmocka_unit_test(test_adaptive_keeps_min_samples),
        cmocka_unit_test(test_input_not_reordered),
        cmocka_unit_test(test_ci_index_known),
        cmocka_unit_test(test_ci_index_exact_coverage),
        cmocka_unit_test(test_ci_index_large_n),
        cmocka_unit_test(test_ci_index_small_n),
        cmocka_unit_test(test_adaptive_constant_stops_at_min),
        cmocka_unit_test(test_adaptive_constant_needs_exact_ci),
        cmocka_unit_test(test_adaptive_converges),
        cmocka_unit_test(test_adaptive_stops_by_time),
        cmocka_unit_test(test_adaptive_max_samples),
        cmocka_unit_test(test_adaptive_min_equals_max),
        cmocka_unit_test(test_adaptive_fn_error),
        cmocka_unit_test_teardown(test_adaptive_stop_requested, clear_stop),
    };

    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
