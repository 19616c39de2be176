/* test_hotset.c — the hot-set pattern: argument checks, the size of the hot
 * set, the permutation, shifts, the draw's hot share and uniformity, the
 * fixed samples, and a shift racing the draws. Every seed is fixed, so every
 * count below is the same on every run; no assertion depends on timing. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotset.h"

static void init_ok(struct cxs_hotset *h, uint64_t npages, double hot_pct, double share_pct,
                    uint64_t seed)
{
    char err[256] = "";
    if (cxs_hotset_init(h, npages, hot_pct, share_pct, seed, err, sizeof err) != 0)
        fail_msg("init(%llu, %g, %g): %s", (unsigned long long)npages, hot_pct, share_pct, err);
}

/* The hot set now as a map page -> 1 (hot) / 0 (cold); checks that hot()
 * and cold() together list every page exactly once. */
static unsigned char *hot_map(const struct cxs_hotset *h)
{
    unsigned char *seen = calloc(h->npages, 1), *map = calloc(h->npages, 1);
    assert_non_null(seen);
    assert_non_null(map);
    for (uint64_t i = 0; i < h->nhot; i++) {
        uint64_t p = cxs_hotset_hot(h, i);
        assert_true(p < h->npages);
        if (seen[p]++)
            fail_msg("page %llu listed twice (hot %llu)", (unsigned long long)p,
                     (unsigned long long)i);
        map[p] = 1;
    }
    for (uint64_t j = 0; j < h->npages - h->nhot; j++) {
        uint64_t p = cxs_hotset_cold(h, j);
        assert_true(p < h->npages);
        if (seen[p]++)
            fail_msg("page %llu listed twice (cold %llu)", (unsigned long long)p,
                     (unsigned long long)j);
    }
    free(seen); /* every page seen: npages listed, none twice */
    return map;
}

static void expect_bad(uint64_t npages, double hot_pct, double share_pct, const char *word,
                       const char *value)
{
    struct cxs_hotset h;
    char err[256] = "";
    assert_int_equal(cxs_hotset_init(&h, npages, hot_pct, share_pct, 1, err, sizeof err), -1);
    if (!strstr(err, word) || !strstr(err, value))
        fail_msg("init(%llu, %g, %g): message '%s' does not name %s %s", (unsigned long long)npages,
                 hot_pct, share_pct, err, word, value);
    assert_null(strchr(err, '\n'));
    cxs_hotset_free(&h); /* safe after a failed init */
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_bad(0, 10, 90, "npages", "0");
    expect_bad(100, 0, 90, "hot_pct", "0");
    expect_bad(100, 150, 90, "hot_pct", "150");
    expect_bad(100, -5, 90, "hot_pct", "-5");
    expect_bad(100, NAN, 90, "hot_pct", "nan");
    expect_bad(100, INFINITY, 90, "hot_pct", "inf");
    expect_bad(100, 10, -1, "share_pct", "-1");
    expect_bad(100, 10, 101, "share_pct", "101");
    expect_bad(100, 10, NAN, "share_pct", "nan");
    /* The edges are accepted. */
    struct cxs_hotset h;
    init_ok(&h, 1, 100, 0, 1);
    cxs_hotset_free(&h);
    init_ok(&h, 1, 1e-9, 100, 1);
    cxs_hotset_free(&h);
}

static void test_nhot(void **state)
{
    (void)state;
    static const struct {
        uint64_t npages;
        double pct;
        uint64_t nhot;
    } c[] = {
        {100, 10, 10},       {1000, 10, 100}, {10, 25, 3}, /* 2.5 rounds up */
        {10, 24, 2},         {10, 26, 3},     {7, 50, 4},  /* 3.5 */
        {3, 50, 2},                                        /* 1.5 */
        {1000, 0.01, 1},                                   /* 0.1: at least 1 */
        {1000, 0.04, 1},                                   /* 0.4 */
        {1000, 0.06, 1},                                   /* 0.6 rounds to 1 */
        {1000, 0.25, 3},                                   /* 2.5 */
        {1, 0.5, 1},         {1, 100, 1},     {1000, 100, 1000},
        {1000, 99.95, 1000},                 /* 999.5 rounds to all */
        {1000, 99.9, 999},   {4096, 5, 205}, /* 204.8 */
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        struct cxs_hotset h;
        init_ok(&h, c[k].npages, c[k].pct, 50, 7);
        if (h.nhot != c[k].nhot)
            fail_msg("npages %llu, hot %g%%: nhot %llu, want %llu", (unsigned long long)c[k].npages,
                     c[k].pct, (unsigned long long)h.nhot, (unsigned long long)c[k].nhot);
        assert_int_equal(h.npages, c[k].npages);
        free(hot_map(&h));
        cxs_hotset_free(&h);
    }
}

/* hot() and cold() list each page once; is_hot() agrees with them, before
 * and after shifts; pages past the end are not hot. */
static void test_permutation_and_is_hot(void **state)
{
    (void)state;
    static const struct {
        uint64_t npages;
        double pct;
    } c[] = {{1, 50}, {2, 50}, {10, 30}, {97, 10}, {1000, 70}, {4096, 100}, {5000, 1}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        struct cxs_hotset h;
        init_ok(&h, c[k].npages, c[k].pct, 90, 1000 + k);
        for (int s = 0; s < 4; s++) {
            unsigned char *map = hot_map(&h);
            for (uint64_t p = 0; p < h.npages; p++)
                if (cxs_hotset_is_hot(&h, p) != map[p])
                    fail_msg("npages %llu, shift %d: is_hot(%llu) = %d, hot() says %d",
                             (unsigned long long)h.npages, s, (unsigned long long)p,
                             cxs_hotset_is_hot(&h, p), map[p]);
            assert_int_equal(cxs_hotset_is_hot(&h, h.npages), 0);
            assert_int_equal(cxs_hotset_is_hot(&h, UINT64_MAX), 0);
            free(map);
            cxs_hotset_shift(&h);
        }
        cxs_hotset_free(&h);
    }
}

static int same_sets(const struct cxs_hotset *a, const struct cxs_hotset *b)
{
    for (uint64_t i = 0; i < a->nhot; i++)
        if (cxs_hotset_hot(a, i) != cxs_hotset_hot(b, i))
            return 0;
    for (uint64_t j = 0; j < a->npages - a->nhot; j++)
        if (cxs_hotset_cold(a, j) != cxs_hotset_cold(b, j))
            return 0;
    return 1;
}

static void test_seed(void **state)
{
    (void)state;
    struct cxs_hotset a, b, c;
    init_ok(&a, 1000, 10, 90, 42);
    init_ok(&b, 1000, 10, 50, 42); /* the share does not change the sets */
    init_ok(&c, 1000, 10, 90, 43);
    assert_true(same_sets(&a, &b));
    assert_false(same_sets(&a, &c));
    unsigned char *ma = hot_map(&a), *mc = hot_map(&c);
    assert_memory_not_equal(ma, mc, 1000); /* different hot pages, not just order */
    free(ma);
    free(mc);
    cxs_hotset_free(&a);
    cxs_hotset_free(&b);
    cxs_hotset_free(&c);

    /* The same on every machine: the first hot pages of seed 1 are pinned
     * (integer-only generator and shuffle, checked against an independent
     * Python model of splitmix64, Lemire's bound and Fisher-Yates; a change
     * here changes every recorded run's hot set). */
    static const uint64_t want[] = {799761, 522257, 368344, 495619, 380967, 199895, 600707, 975834};
    init_ok(&a, 1u << 20, 1, 90, 1);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (cxs_hotset_hot(&a, i) != want[i])
            fail_msg("seed 1: hot page %zu is %llu, pinned %llu", i,
                     (unsigned long long)cxs_hotset_hot(&a, i), (unsigned long long)want[i]);
    cxs_hotset_free(&a);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Hot sets before and after one shift share exactly want pages; after
 * npages / gcd shifts (and not before) the hot set is the first one again. */
static void check_shifts(uint64_t npages, double pct, uint64_t nhot, uint64_t want_overlap)
{
    struct cxs_hotset h, first;
    init_ok(&h, npages, pct, 90, 5);
    init_ok(&first, npages, pct, 90, 5);
    assert_int_equal(h.nhot, nhot);
    uint64_t period = npages / gcd(npages, nhot);
    for (uint64_t s = 1; s <= period; s++) {
        unsigned char *before = hot_map(&h);
        cxs_hotset_shift(&h);
        unsigned char *after = hot_map(&h);
        uint64_t both = 0, nafter = 0;
        for (uint64_t p = 0; p < npages; p++) {
            both += before[p] && after[p];
            nafter += after[p];
        }
        assert_int_equal(nafter, nhot);
        if (both != want_overlap)
            fail_msg("npages %llu, nhot %llu, shift %llu: %llu pages stay hot, want %llu",
                     (unsigned long long)npages, (unsigned long long)nhot, (unsigned long long)s,
                     (unsigned long long)both, (unsigned long long)want_overlap);
        if (same_sets(&h, &first) != (s == period))
            fail_msg("npages %llu, nhot %llu: after %llu of %llu shifts the sets are %s",
                     (unsigned long long)npages, (unsigned long long)nhot, (unsigned long long)s,
                     (unsigned long long)period, s == period ? "not back" : "back early");
        free(before);
        free(after);
    }
    cxs_hotset_free(&h);
    cxs_hotset_free(&first);
}

static void test_shift(void **state)
{
    (void)state;
    check_shifts(1000, 10, 100, 0); /* disjoint, back after 10 */
    check_shifts(20, 40, 8, 0);     /* gcd 4: back after 5 */
    check_shifts(10, 50, 5, 0);     /* exactly half: alternates */
    check_shifts(97, 10, 10, 0);    /* coprime: 97 shifts */
    check_shifts(10, 70, 7, 4);     /* overlap 2 * 7 - 10 */
    check_shifts(12, 75, 9, 6);     /* gcd 3: back after 4 */
    check_shifts(1000, 90, 900, 800);
    check_shifts(5, 100, 5, 5); /* all hot: shifting changes nothing */
}

/* n draws: how many were hot, and per page how often. */
static uint64_t draw(const struct cxs_hotset *h, uint64_t rng, uint64_t n, uint64_t *count)
{
    uint64_t nhot = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t p = cxs_hotset_page(h, &rng);
        assert_true(p < h->npages);
        nhot += cxs_hotset_is_hot(h, p);
        if (count)
            count[p]++;
    }
    return nhot;
}

static void test_page_all_or_nothing(void **state)
{
    (void)state;
    struct cxs_hotset h;
    enum { N = 100000 };
    init_ok(&h, 1000, 10, 100, 3);
    assert_int_equal(h.always_hot, 1);
    assert_int_equal(draw(&h, cxs_hotset_rng_seed(3, 0), N, NULL), N);
    cxs_hotset_free(&h);

    init_ok(&h, 1000, 10, 0, 3);
    assert_int_equal(h.share, 0);
    assert_int_equal(draw(&h, cxs_hotset_rng_seed(3, 0), N, NULL), 0);
    cxs_hotset_free(&h);

    /* No cold set: always hot, whatever the share. */
    for (double share = 0; share <= 100; share += 50) {
        init_ok(&h, 64, 100, share, 3);
        assert_int_equal(h.nhot, 64);
        assert_int_equal(draw(&h, cxs_hotset_rng_seed(3, 1), N, NULL), N);
        cxs_hotset_free(&h);
    }
    init_ok(&h, 1, 0.001, 0, 3); /* one page, so it is hot */
    assert_int_equal(draw(&h, cxs_hotset_rng_seed(3, 2), 1000, NULL), 1000);
    cxs_hotset_free(&h);

    /* The share in units of 2^-32. */
    init_ok(&h, 10, 10, 50, 3);
    assert_int_equal(h.share, 1u << 31);
    assert_int_equal(h.always_hot, 0);
    cxs_hotset_free(&h);
    init_ok(&h, 10, 10, 99.9999999999, 3);
    assert_int_equal(h.share, UINT32_MAX); /* saturated */
    assert_int_equal(h.always_hot, 0);
    cxs_hotset_free(&h);
}

/* Pearson's chi-square of the counts of the pages in the set (hot or cold)
 * against a uniform spread of their total. */
static double chi_square(const struct cxs_hotset *h, const uint64_t *count, int hot)
{
    uint64_t size = hot ? h->nhot : h->npages - h->nhot, total = 0;
    for (uint64_t i = 0; i < size; i++)
        total += count[hot ? cxs_hotset_hot(h, i) : cxs_hotset_cold(h, i)];
    double e = (double)total / size, chi = 0;
    for (uint64_t i = 0; i < size; i++) {
        double d = count[hot ? cxs_hotset_hot(h, i) : cxs_hotset_cold(h, i)] - e;
        chi += d * d / e;
    }
    return chi;
}

/* Share 90: the hot fraction of 10^6 draws within 0.5 % of 90 % (its
 * standard deviation is 0.03 %), and each set uniform: chi-square with 99
 * and 899 degrees of freedom, bounded where a uniform draw lands above it
 * with probability below 10^-9. */
static void test_page_share(void **state)
{
    (void)state;
    enum { N = 1000000, NPAGES = 1000 };
    struct cxs_hotset h;
    init_ok(&h, NPAGES, 10, 90, 11);
    uint64_t *count = calloc(NPAGES, sizeof *count);
    assert_non_null(count);
    uint64_t nhot = draw(&h, cxs_hotset_rng_seed(11, 0), N, count);
    double frac = (double)nhot / N;
    if (!(fabs(frac - 0.90) <= 0.005 * 0.90))
        fail_msg("hot fraction %.5f, want 0.90 within 0.5 %%", frac);
    double chi_hot = chi_square(&h, count, 1), chi_cold = chi_square(&h, count, 0);
    if (!(chi_hot < 99 + 8 * sqrt(2 * 99.0)))
        fail_msg("hot pages not uniform: chi-square %.1f, 99 degrees of freedom", chi_hot);
    if (!(chi_cold < 899 + 7 * sqrt(2 * 899.0)))
        fail_msg("cold pages not uniform: chi-square %.1f, 899 degrees of freedom", chi_cold);
    /* and none far off its share: hot pages ~9000 draws, cold ~111 */
    for (uint64_t i = 0; i < h.nhot; i++) {
        uint64_t c = count[cxs_hotset_hot(&h, i)];
        if (c < 8000 || c > 10000)
            fail_msg("hot page %llu drawn %llu times, want about 9000",
                     (unsigned long long)cxs_hotset_hot(&h, i), (unsigned long long)c);
    }
    for (uint64_t j = 0; j < NPAGES - h.nhot; j++)
        assert_true(count[cxs_hotset_cold(&h, j)] > 40);

    /* After a shift the draws follow the new hot set. */
    cxs_hotset_shift(&h);
    memset(count, 0, NPAGES * sizeof *count);
    nhot = draw(&h, cxs_hotset_rng_seed(11, 1), N, count);
    assert_true(fabs((double)nhot / N - 0.90) <= 0.005 * 0.90);
    assert_true(chi_square(&h, count, 1) < 99 + 8 * sqrt(2 * 99.0));
    free(count);
    cxs_hotset_free(&h);
}

static void test_rng_seed(void **state)
{
    (void)state;
    enum { T = 64 };
    for (uint64_t seed = 0; seed < 100; seed++) {
        uint64_t s[T];
        for (int t = 0; t < T; t++) {
            s[t] = cxs_hotset_rng_seed(seed, t);
            assert_true(s[t] != 0);
            assert_true(s[t] == cxs_hotset_rng_seed(seed, t)); /* deterministic */
            for (int u = 0; u < t; u++)
                assert_true(s[u] != s[t]);
        }
        assert_true(cxs_hotset_rng_seed(seed, -1) != cxs_hotset_rng_seed(seed, 0));
        assert_true(cxs_hotset_rng_seed(seed, 0) != cxs_hotset_rng_seed(seed + 1, 0));
    }
    /* Two threads' draws are not the same sequence. */
    struct cxs_hotset h;
    init_ok(&h, 1000, 10, 50, 9);
    uint64_t a = cxs_hotset_rng_seed(9, 0), b = cxs_hotset_rng_seed(9, 1);
    int same = 0;
    for (int k = 0; k < 1000; k++)
        same += cxs_hotset_page(&h, &a) == cxs_hotset_page(&h, &b);
    assert_true(same < 100);
    cxs_hotset_free(&h);
}

/* out[0, m) are distinct pages, all of the requested set. */
static void check_sample(const struct cxs_hotset *h, int hot, size_t n, const uint64_t *out,
                         size_t m)
{
    uint64_t size = hot ? h->nhot : h->npages - h->nhot;
    assert_int_equal(m, n < size ? n : size);
    unsigned char *seen = calloc(h->npages, 1);
    assert_non_null(seen);
    for (size_t k = 0; k < m; k++) {
        assert_true(out[k] < h->npages);
        assert_int_equal(cxs_hotset_is_hot(h, out[k]), hot);
        if (seen[out[k]]++)
            fail_msg("sample of %zu: page %llu twice", n, (unsigned long long)out[k]);
    }
    free(seen);
}

static void test_sample(void **state)
{
    (void)state;
    struct cxs_hotset h;
    init_ok(&h, 1000, 10, 90, 21);
    uint64_t a[1000], b[1000];
    static const size_t ns[] = {0, 1, 7, 50, 99, 100, 101, 900, 1000};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
        for (int hot = 0; hot <= 1; hot++) {
            size_t m = cxs_hotset_sample(&h, hot, ns[k], a);
            check_sample(&h, hot, ns[k], a, m);
            assert_int_equal(cxs_hotset_sample(&h, hot, ns[k], b), m);
            if (m)
                assert_memory_equal(a, b, m * sizeof a[0]);
        }
    /* Spread over the positions: a sample of 10 of the 100 hot pages is
     * positions 0, 10, ..., 90. */
    assert_int_equal(cxs_hotset_sample(&h, 1, 10, a), 10);
    for (uint64_t k = 0; k < 10; k++)
        assert_true(a[k] == cxs_hotset_hot(&h, 10 * k));
    /* The whole set when n is at least its size. */
    assert_int_equal(cxs_hotset_sample(&h, 1, 1000, a), 100);
    for (uint64_t k = 0; k < 100; k++)
        assert_true(a[k] == cxs_hotset_hot(&h, k));

    /* After a shift (disjoint sets here): other pages, none of the old. */
    size_t m = cxs_hotset_sample(&h, 1, 20, a);
    cxs_hotset_shift(&h);
    assert_int_equal(cxs_hotset_sample(&h, 1, 20, b), m);
    check_sample(&h, 1, 20, b, m);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            assert_true(a[i] != b[j]);
    cxs_hotset_free(&h);

    /* No cold set: an empty cold sample. */
    init_ok(&h, 16, 100, 50, 21);
    assert_int_equal(cxs_hotset_sample(&h, 0, 10, a), 0);
    assert_int_equal(cxs_hotset_sample(&h, 1, 10, a), 10);
    check_sample(&h, 1, 10, a, 10);
    cxs_hotset_free(&h);
}

struct shifter {
    struct cxs_hotset *h;
    int started, stop;
    uint64_t shifts;
};

static void *shift_loop(void *arg)
{
    struct shifter *s = arg;
    __atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
    do {
        cxs_hotset_shift(s->h);
        s->shifts++;
    } while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE));
    return NULL;
}

/* A second thread shifts without pause while this one draws, samples and
 * asks is_hot: every page in range, and afterwards the offset is exactly
 * the shifts' sum (none lost, none torn). */
static void test_concurrent_shift(void **state)
{
    (void)state;
    enum { N = 300000, NPAGES = 4099 };
    struct cxs_hotset h;
    init_ok(&h, NPAGES, 10, 90, 31);
    struct shifter s = {.h = &h};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, shift_loop, &s), 0);
    while (!__atomic_load_n(&s.started, __ATOMIC_ACQUIRE))
        ;
    uint64_t rng = cxs_hotset_rng_seed(31, 0), out[64], nhot = 0;
    for (int k = 0; k < N; k++) {
        uint64_t p = cxs_hotset_page(&h, &rng);
        assert_true(p < NPAGES);
        nhot += cxs_hotset_is_hot(&h, p);
        if (k % 1000 == 0) {
            size_t m = cxs_hotset_sample(&h, k % 2000 == 0, 64, out);
            assert_int_equal(m, 64);
            for (size_t i = 0; i < m; i++)
                assert_true(out[i] < NPAGES);
        }
    }
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(s.shifts >= 1);
    assert_int_equal(h.offset, (s.shifts % NPAGES) * h.nhot % NPAGES);
    assert_true(nhot <= N);
    free(hot_map(&h));
    cxs_hotset_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_nhot),
        cmocka_unit_test(test_permutation_and_is_hot),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_page_all_or_nothing),
        cmocka_unit_test(test_page_share),
        cmocka_unit_test(test_rng_seed),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_concurrent_shift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
