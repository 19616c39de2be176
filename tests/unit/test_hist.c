/* test_hist.c — the log-bucketed histogram (edges, bucketing, quantiles,
 * merge) and the timed blocks of dependent loads. No assertion depends on
 * the machine's speed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chase.h"
#include "hist.h"
#include "timer.h"

/* |got - want| <= rel * want, with a message on failure. */
static void assert_rel(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.17g, want %.17g within %g relative", got, want, rel);
}

static struct cxs_hist *new_hist(void)
{
    struct cxs_hist *h = malloc(sizeof *h);
    assert_non_null(h);
    cxs_hist_reset(h);
    return h;
}

static void test_edges_round_trip(void **state)
{
    (void)state;
    assert_true(cxs_hist_edge(0) == 0.0);
    assert_true(cxs_hist_edge(1) == CXS_HIST_LO_NS);
    assert_true(cxs_hist_edge(CXS_HIST_NB + 1) == CXS_HIST_HI_NS);
    assert_true(isinf(cxs_hist_edge(CXS_HIST_NB + 2)));
    /* The header's CXS_HIST_NB is the number of 1 % steps to 1 ms. */
    assert_true(cxs_hist_edge(CXS_HIST_NB) < CXS_HIST_HI_NS);
    assert_true(cxs_hist_edge(CXS_HIST_NB) * CXS_HIST_RATIO >= CXS_HIST_HI_NS);
    for (size_t i = 0; i <= CXS_HIST_NB + 1; i++) {
        double e = cxs_hist_edge(i);
        if (cxs_hist_bucket(e) != i)
            fail_msg("edge %zu = %.17g falls in bucket %zu", i, e, cxs_hist_bucket(e));
        if (i == 0)
            continue;
        assert_true(e > cxs_hist_edge(i - 1));
        double below = nextafter(e, 0.0);
        if (cxs_hist_bucket(below) != i - 1)
            fail_msg("just below edge %zu (%.17g) falls in bucket %zu", i, below,
                     cxs_hist_bucket(below));
        /* and the middle of the bucket */
        double mid = sqrt(e * cxs_hist_edge(i + 1));
        if (i <= CXS_HIST_NB)
            assert_int_equal(cxs_hist_bucket(mid), i);
    }
}

static void test_relative_width(void **state)
{
    (void)state;
    for (size_t i = 1; i <= CXS_HIST_NB; i++) {
        double lo = cxs_hist_edge(i), hi = cxs_hist_edge(i + 1), w = (hi - lo) / lo;
        if (!(w <= 0.010000001))
            fail_msg("bucket %zu [%.17g, %.17g) is %.10g wide", i, lo, hi, w);
        if (i < CXS_HIST_NB)
            assert_true(w >= 0.0099999999); /* all 1 % but the last */
        else
            assert_true(w > 0.004 && w < 0.005); /* truncated at 1 ms */
    }
}

static void test_underflow_overflow_nan_negative(void **state)
{
    (void)state;
    assert_int_equal(cxs_hist_bucket(NAN), 0);
    assert_int_equal(cxs_hist_bucket(-1.0), 0);
    assert_int_equal(cxs_hist_bucket(-INFINITY), 0);
    assert_int_equal(cxs_hist_bucket(0.0), 0);
    assert_int_equal(cxs_hist_bucket(0.999), 0);
    assert_int_equal(cxs_hist_bucket(1.0), 1);
    assert_int_equal(cxs_hist_bucket(1.0099), 1);
    assert_int_equal(cxs_hist_bucket(999999.99), CXS_HIST_NB);
    assert_int_equal(cxs_hist_bucket(1e6), CXS_HIST_NB + 1);
    assert_int_equal(cxs_hist_bucket(1e300), CXS_HIST_NB + 1);
    assert_int_equal(cxs_hist_bucket(INFINITY), CXS_HIST_NB + 1);

    struct cxs_hist *h = new_hist();
    assert_true(cxs_hist_quantile(h, 0.5) == 0.0); /* empty */
    assert_true(cxs_hist_quantile(h, 0.0) == 0.0);
    assert_true(cxs_hist_quantile(h, 1.0) == 0.0);
    cxs_hist_add(h, NAN);
    cxs_hist_add(h, -5.0);
    cxs_hist_add(h, 0.5);
    cxs_hist_add(h, 1000.0); /* not over 1 us */
    cxs_hist_add(h, nextafter(1000.0, 2000.0));
    cxs_hist_add(h, 1e6);
    cxs_hist_add(h, 2.5e6);
    assert_int_equal(h->n, 7);
    assert_int_equal(h->count[0], 3);
    assert_int_equal(h->count[CXS_HIST_NB + 1], 2);
    assert_int_equal(h->over_1us, 3);
    assert_true(h->min == 0.0);
    assert_true(h->max == 2.5e6);
    /* Underflow bucket -> min, overflow -> max. */
    assert_true(cxs_hist_quantile(h, 0.1) == 0.0);
    assert_true(cxs_hist_quantile(h, 3.0 / 7) == 0.0);
    assert_rel(cxs_hist_quantile(h, 4.0 / 7), 1000.0, 0.005);
    assert_true(cxs_hist_quantile(h, 6.0 / 7) == 2.5e6);
    assert_true(cxs_hist_quantile(h, 0.99) == 2.5e6);
    free(h);

    /* Only underflow values: every quantile but q = 1 is the min. */
    h = new_hist();
    cxs_hist_add(h, 0.25);
    cxs_hist_add(h, 0.75);
    assert_true(h->min == 0.25 && h->max == 0.75);
    assert_true(cxs_hist_quantile(h, 0.5) == 0.25);
    assert_true(cxs_hist_quantile(h, 1.0) == 0.75);
    free(h);
}

static void test_quantiles_uniform(void **state)
{
    (void)state;
    struct cxs_hist *h = new_hist();
    for (int v = 1; v <= 1000; v++)
        cxs_hist_add(h, v);
    assert_int_equal(h->n, 1000);
    assert_int_equal(h->over_1us, 0);
    assert_rel(cxs_hist_quantile(h, 0.5), 500, 0.005);
    assert_rel(cxs_hist_quantile(h, 0.99), 990, 0.005);
    assert_true(cxs_hist_quantile(h, 1.0) == 1000.0);
    assert_true(cxs_hist_quantile(h, 0.0) == 1.0);
    /* Outside [0, 1]: clamped; NaN is 0. */
    assert_true(cxs_hist_quantile(h, 1.5) == 1000.0);
    assert_true(cxs_hist_quantile(h, -0.5) == 1.0);
    assert_true(cxs_hist_quantile(h, NAN) == 1.0);
    /* Nearest rank: q = k / 1000 is rank k, value k (0.5 % of it). */
    for (int k = 1; k <= 1000; k++) {
        double got = cxs_hist_quantile(h, k / 1000.0);
        if (!(fabs(got - k) <= 0.005 * k))
            fail_msg("q = %d/1000: %.17g", k, got);
    }
    /* Just past a rank: the next value. */
    assert_rel(cxs_hist_quantile(h, 0.5001), 501, 0.005);
    assert_rel(cxs_hist_quantile(h, 0.0001), 1, 0.005);
    free(h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Values spread over the whole range: every quantile within 0.5 % of the
 * true nearest-rank value. */
static void test_quantiles_log_uniform(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    struct cxs_hist *h = new_hist();
    struct cxs_rng r;
    cxs_rng_seed(&r, 5);
    for (int i = 0; i < N; i++) {
        double u = (double)(cxs_rng_next(&r) >> 11) * 0x1p-53; /* [0, 1) */
        x[i] = exp(u * log(1e6));
        cxs_hist_add(h, x[i]);
    }
    qsort(x, N, sizeof x[0], cmp_double);
    assert_true(h->min == x[0]);
    assert_true(h->max == x[N - 1]);
    for (int k = 1; k <= N; k += 7) {
        double q = (double)k / N, got = cxs_hist_quantile(h, q);
        if (!(fabs(got - x[k - 1]) <= 0.005 * x[k - 1]))
            fail_msg("q = %d/%d: got %.17g, want %.17g", k, N, got, x[k - 1]);
    }
    free(h);
    free(x);
}

static void test_quantiles_two_valued(void **state)
{
    (void)state;
    struct cxs_hist *h = new_hist();
    for (int i = 0; i < 999; i++)
        cxs_hist_add(h, 100.0);
    cxs_hist_add(h, 5000.0);
    assert_int_equal(h->n, 1000);
    assert_int_equal(h->over_1us, 1);
    assert_rel(cxs_hist_quantile(h, 0.5), 100, 0.005);
    assert_rel(cxs_hist_quantile(h, 0.99), 100, 0.005);
    assert_rel(cxs_hist_quantile(h, 0.999), 100, 0.005);   /* rank 999 */
    assert_rel(cxs_hist_quantile(h, 0.9999), 5000, 0.005); /* rank 1000 */
    assert_true(cxs_hist_quantile(h, 1.0) == 5000.0);
    /* Clamped to [min, max]: never below 100 nor above 5000. */
    assert_true(cxs_hist_quantile(h, 0.5) >= 100.0);
    assert_true(cxs_hist_quantile(h, 0.9999) <= 5000.0);
    free(h);

    /* A single value: every quantile is that value, exactly. */
    h = new_hist();
    cxs_hist_add(h, 123.456);
    for (int k = 0; k <= 10; k++)
        assert_true(cxs_hist_quantile(h, k / 10.0) == 123.456);
    free(h);
}

/* q n that should be an integer but is not quite in binary (0.07 * 100 is
 * 7.000000000000001): the rank the q meant. */
static void test_quantile_rank_rounding(void **state)
{
    (void)state;
    struct cxs_hist *h = new_hist();
    for (int v = 1; v <= 100; v++)
        cxs_hist_add(h, 10.0 * v);
    assert_true(0.07 * 100 > 7.0); /* the premise */
    assert_rel(cxs_hist_quantile(h, 0.07), 70, 0.005);
    assert_rel(cxs_hist_quantile(h, 0.0701), 80, 0.005);
    for (int k = 1; k <= 100; k++)
        assert_rel(cxs_hist_quantile(h, k / 100.0), 10.0 * k, 0.005);
    free(h);
}

static void test_merge(void **state)
{
    (void)state;
    struct cxs_hist *all = new_hist(), *a = new_hist(), *b = new_hist(), *e = new_hist();
    struct cxs_rng r;
    cxs_rng_seed(&r, 11);
    for (int i = 0; i < 5000; i++) {
        double v = (double)cxs_rng_below(&r, 3000000) / 1.5 - 10.0; /* some < 0, some > 1 ms */
        cxs_hist_add(all, v);
        cxs_hist_add(i % 3 ? a : b, v);
    }
    cxs_hist_merge(a, b);
    assert_memory_equal(a, all, sizeof *all);
    /* Empty into full, full into empty. */
    cxs_hist_merge(a, e);
    assert_memory_equal(a, all, sizeof *all);
    cxs_hist_merge(e, all);
    assert_memory_equal(e, all, sizeof *all);
    /* Min and max come from whichever has them. */
    cxs_hist_reset(a);
    cxs_hist_reset(b);
    cxs_hist_add(a, 50);
    cxs_hist_add(b, 20);
    cxs_hist_add(b, 80);
    cxs_hist_merge(a, b);
    assert_true(a->min == 20 && a->max == 80 && a->n == 3);
    free(all);
    free(a);
    free(b);
    free(e);
}

static void test_overhead(void **state)
{
    (void)state;
    cxs_timer_init();
    uint64_t o = cxs_block_overhead_ticks(16);
    if (!strcmp(cxs_timer_info()->source, "tsc"))
        assert_true(o > 0);
    assert_true(cxs_ticks_to_ns(o) < 10000.0);
}

/* Where n loads from start end, walked by hand. */
static void *walk(void *start, uint64_t n)
{
    void *p = start;
    while (n--)
        p = *(void **)p;
    return p;
}

static void check_hist_sane(const struct cxs_hist *h, uint64_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < CXS_HIST_NBUCKETS; i++)
        sum += h->count[i];
    assert_int_equal(h->n, n);
    assert_int_equal(sum, n);
    if (n) {
        assert_true(h->min >= 0.0);
        assert_true(isfinite(h->max));
        assert_true(h->max >= h->min);
    }
}

static void test_chase_blocks(void **state)
{
    (void)state;
    enum { SIZE = 64 << 10 };
    cxs_timer_init();
    struct cxs_pattern pat;
    char err[128];
    void *start, *buf = malloc(SIZE);
    assert_non_null(buf);
    assert_int_equal(cxs_pattern_parse("random", &pat, err, sizeof err), 0);
    assert_int_equal(cxs_chase_build(buf, SIZE, &pat, 0, 3, &start, err, sizeof err), SIZE / 64);
    uint64_t overhead = cxs_block_overhead_ticks(16), ticks = 0;
    struct cxs_hist *h = new_hist();

    /* 1000 loads in blocks of 16: 62 full blocks and one of 8. */
    void *end = cxs_chase_blocks(start, 1000, 16, overhead, h, &ticks);
    assert_ptr_equal(end, walk(start, 1000));
    check_hist_sane(h, 63);

    /* Without the overhead subtracted the time cannot be 0. */
    cxs_hist_reset(h);
    ticks = 0;
    end = cxs_chase_blocks(start, 1000, 16, 0, h, &ticks);
    assert_ptr_equal(end, walk(start, 1000));
    check_hist_sane(h, 63);
    assert_true(ticks > 0);
    assert_true(h->max > 0.0);

    /* An overhead larger than every block: every block counts as 0. */
    cxs_hist_reset(h);
    end = cxs_chase_blocks(start, 1000, 16, UINT64_MAX, h, &ticks);
    assert_ptr_equal(end, walk(start, 1000));
    assert_int_equal(ticks, 0);
    assert_int_equal(h->count[0], 63);
    assert_true(h->max == 0.0);

    /* Block lengths that do and do not divide nloads, 1, longer than the
     * walk; 0 loads; block 0 counts as 1. The histogram accumulates. */
    static const struct {
        uint64_t nloads, block;
    } cases[] = {{1, 1},    {7, 1},  {64, 32}, {65, 32}, {100, 7},
                 {5, 1000}, {0, 16}, {999, 9}, {33, 33}, {3, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t nl = cases[c].nloads, bl = cases[c].block ? cases[c].block : 1;
        cxs_hist_reset(h);
        cxs_hist_add(h, 42.0);
        ticks = 12345;
        end = cxs_chase_blocks(start, nl, cases[c].block, overhead, h, &ticks);
        assert_ptr_equal(end, walk(start, nl));
        check_hist_sane(h, 1 + (nl + bl - 1) / bl);
        if (nl == 0)
            assert_int_equal(ticks, 0);
    }
    /* ticks may be NULL. */
    end = cxs_chase_blocks(start, 10, 4, overhead, h, NULL);
    assert_ptr_equal(end, walk(start, 10));
    free(h);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges_round_trip),
        cmocka_unit_test(test_relative_width),
        cmocka_unit_test(test_underflow_overflow_nan_negative),
        cmocka_unit_test(test_quantiles_uniform),
        cmocka_unit_test(test_quantiles_log_uniform),
        cmocka_unit_test(test_quantiles_two_valued),
        cmocka_unit_test(test_quantile_rank_rounding),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_overhead),
        cmocka_unit_test(test_chase_blocks),
    };
    return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
