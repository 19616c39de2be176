/* test_xlshare_model.c — the XL-Share cache simulation: the closed forms of
 * model.h (cache >= model, no cache, hidden transfers), pool sharing and the
 * loaded-latency curve, the LRU cache on a script, single-use and pinned
 * layers, bad input, determinism and the consistency of the statistics.
 * Expected times are worked out from the inputs; only rounding is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

/* equal but for floating-point rounding */
static int near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b) + 1e-9;
}
#define close_to(a, b) assert_true(near((double)(a), (double)(b)))

static struct xs_layer mk(const char *name, uint64_t bytes, double compute_ns)
{
    struct xs_layer l = {.bytes = bytes, .compute_ns = compute_ns};
    snprintf(l.name, sizeof l.name, "%s", name);
    return l;
}

static struct xs_link mklink(double latency_ns, double gpu_gbps, double pool_gbps)
{
    struct xs_link k = {.latency_ns = latency_ns, .gpu_gbps = gpu_gbps, .pool_gbps = pool_gbps};
    return k;
}

static void sim(const struct xs_layer *l, size_t n, const struct xs_link *k,
                const struct xs_config *c, struct xs_result *r, double *lat)
{
    char err[256] = "";
    int rc = xs_simulate(l, n, k, c, r, lat, err, sizeof err);
    if (rc != 0)
        fail_msg("xs_simulate: %s", err);
}

/* Five layers of different sizes; run times with hbm 20 B/ns are
 * max(compute, bytes / 20) = 100, 200, 300, 200, 100 (sum 900). */
static const uint64_t five_bytes[5] = {1000, 4000, 4000, 4000, 2000};
static const double five_compute[5] = {100, 50, 300, 20, 0};
static const double five_run[5] = {100, 200, 300, 200, 100};

static void five(struct xs_layer *l)
{
    char name[16];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "l%d", i);
        l[i] = mk(name, five_bytes[i], five_compute[i]);
    }
}

static void test_cache_holds_model(void **state)
{
    (void)state;
    struct xs_layer l[5];
    five(l);
    struct xs_link k = mklink(500, 10, 0);
    struct xs_config c = {.gpus = 2,
                          .cache_bytes = 15000,
                          .workers = 0,
                          .lookahead = 2,
                          .inferences = 4,
                          .hbm_gbps = 20};
    struct xs_result r;
    double lat[8];
    sim(l, 5, &k, &c, &r, lat);
    double cold = 0, warm = 0;
    for (int i = 0; i < 5; i++) {
        cold += 500 + five_bytes[i] / 10.0 + five_run[i];
        warm += five_run[i];
    }
    close_to(cold, 4900);
    close_to(warm, 900);
    close_to(r.cold_median_ns, cold);
    close_to(r.cold_p95_ns, cold);
    close_to(r.warm_median_ns, warm);
    close_to(r.warm_p95_ns, warm);
    close_to(r.warm_mean_ns, warm);
    for (int i = 0; i < 8; i++)
        close_to(lat[i], i % 4 == 0 ? cold : warm);
    assert_int_equal(r.accesses, 2 * 4 * 5);
    assert_int_equal(r.hits, 2 * 3 * 5); /* every access after the first inference */
    assert_int_equal(r.bytes_accessed, 2 * 4 * 15000);
    assert_int_equal(r.bytes_hit, 2 * 3 * 15000);
    assert_int_equal(r.demand_fetches, 2 * 5);
    assert_int_equal(r.prefetches, 0);
    assert_int_equal(r.fetched_bytes, 2 * 15000);
    assert_int_equal(r.cache_peak_bytes, 15000);
    close_to(r.stall_ns, 2 * (cold - warm));
    close_to(r.makespan_ns, cold + 3 * warm);
    close_to(r.pool_utilization, 30000 / (r.makespan_ns * 2 * 10)); /* ceiling 2 x gpu_gbps */
    assert_true(r.mean_latency_extra_ns == 0);

    /* with prefetching: the cold inference changes, the warm ones cannot */
    c.workers = 2;
    c.lookahead = 3;
    sim(l, 5, &k, &c, &r, NULL);
    close_to(r.warm_median_ns, warm);
    close_to(r.warm_p95_ns, warm);
    close_to(r.warm_mean_ns, warm);
    assert_true(r.cold_median_ns < cold);
    assert_true(r.hits >= 2 * 3 * 5);
    assert_int_equal(r.fetched_bytes, 2 * 15000); /* each layer once per GPU */
    assert_int_equal(r.prefetched_used_bytes, r.prefetched_bytes);
    assert_true(r.prefetches > 0);
}

static void test_no_cache_no_prefetch(void **state)
{
    (void)state;
    struct xs_layer l[5];
    five(l);
    struct xs_link k = mklink(500, 10, 0);
    double per = 0;
    for (int i = 0; i < 5; i++)
        per += 500 + five_bytes[i] / 10.0 + five_run[i];
    /* no prefetching either way: workers 0, or lookahead 0 */
    const unsigned w[2] = {0, 2}, la[2] = {3, 0};
    for (int v = 0; v < 2; v++) {
        struct xs_config c = {.gpus = 3,
                              .cache_bytes = 0,
                              .workers = w[v],
                              .lookahead = la[v],
                              .inferences = 5,
                              .hbm_gbps = 20};
        struct xs_result r;
        double lat[15];
        sim(l, 5, &k, &c, &r, lat);
        for (int i = 0; i < 15; i++)
            close_to(lat[i], per);
        close_to(r.cold_median_ns, per);
        close_to(r.warm_median_ns, per);
        close_to(r.warm_p95_ns, per);
        close_to(r.warm_mean_ns, per);
        assert_int_equal(r.hits, 0);
        assert_int_equal(r.bytes_hit, 0);
        assert_int_equal(r.prefetches, 0);
        assert_int_equal(r.demand_fetches, 3 * 5 * 5);
        assert_int_equal(r.fetched_bytes, 3 * 5 * 15000);
        assert_int_equal(r.cache_peak_bytes, 0);
        close_to(r.stall_ns, 3 * 5 * (per - 900));
        close_to(r.makespan_ns, 5 * per);
    }
}

/* Run time (1000 ns) longer than any transfer (latency 100 + 4000 B at
 * 10 B/ns = 500), one worker, lookahead 1, a cache of two big layers (the
 * model has 21000 B). At t = 0 the demand fetch of layer 0 (1000 B) and the
 * prefetch of layer 1 start together and split the GPU's 10 B/ns, so layer 0
 * lands at 100 + 2 x 1000 / 10 = 300; layer 1 then moves alone and lands at
 * 600, long before layer 0's run ends (1300). From there every layer is
 * prefetched during the run of the one before, the next inference's layer 0
 * during the last layer's run: cold = 300 + 6 x 1000, warm = 6 x 1000. */
static void test_hidden_transfers(void **state)
{
    (void)state;
    struct xs_layer l[6];
    l[0] = mk("emb", 1000, 1000);
    for (int i = 1; i < 6; i++)
        l[i] = mk("blk", 4000, 1000);
    struct xs_link k = mklink(100, 10, 0);
    struct xs_config c = {.gpus = 1,
                          .cache_bytes = 8000,
                          .workers = 1,
                          .lookahead = 1,
                          .inferences = 3,
                          .hbm_gbps = 1000};
    struct xs_result r;
    double lat[3];
    sim(l, 6, &k, &c, &r, lat);
    double cold = 100 + 2 * 1000 / 10.0 + 6 * 1000, warm = 6 * 1000;
    close_to(lat[0], cold);
    close_to(lat[1], warm);
    close_to(lat[2], warm);
    close_to(r.cold_median_ns, cold);
    close_to(r.warm_median_ns, warm);
    close_to(r.warm_p95_ns, warm);
    close_to(r.stall_ns, 300);
    close_to(r.makespan_ns, cold + 2 * warm);
    assert_int_equal(r.accesses, 18);
    assert_int_equal(r.hits, 17); /* all but layer 0 of the first inference */
    assert_int_equal(r.demand_fetches, 1);
    assert_int_equal(r.prefetches, 17);
    /* layers 1-5 of each inference, layer 0 of the second and third */
    assert_int_equal(r.prefetched_bytes, 3 * 5 * 4000 + 2 * 1000);
    assert_int_equal(r.prefetched_used_bytes, r.prefetched_bytes);
    assert_int_equal(r.cache_peak_bytes, 8000);

    /* the closed form of model.h with a first layer as big as the others:
     * cold = latency + 2 x bytes / gpu_gbps (shared with the first
     * prefetch) + the run times */
    l[0] = mk("blk", 4000, 1000);
    sim(l, 6, &k, &c, &r, lat);
    close_to(lat[0], 100 + 2 * 4000 / 10.0 + 6 * 1000);
    close_to(lat[1], warm);
    close_to(lat[2], warm);

    /* run time = transfer time exactly, in numbers that round (0.1 +
     * 4000 / 3): each prefetch lands as the run before ends, by sums that
     * round differently; a layer that lands at t is there at t: a hit */
    k = mklink(0.1, 3, 0);
    double run = 0.1 + 4000 / 3.0;
    for (int i = 0; i < 6; i++)
        l[i] = mk("blk", 4000, run);
    c.inferences = 4;
    double lat4[4];
    sim(l, 6, &k, &c, &r, lat4);
    assert_int_equal(r.hits, 4 * 6 - 1);
    assert_int_equal(r.demand_fetches, 1);
    close_to(lat4[0], 0.1 + 2 * 4000 / 3.0 + 6 * run);
    for (int i = 1; i < 4; i++)
        close_to(lat4[i], 6 * run);
}

/* Four identical GPUs, no cache, no prefetch, the pool's 40 GB/s below
 * 4 x 25: they stay in step, each transfer moving at 40 / 4 = 10 B/ns.
 * The loaded-latency curve is read when the instant in which a transfer
 * starts is over, at the bandwidth then in use: here the four GPUs start
 * their fetches in the same instants in which the previous ones ended, so
 * nothing is moving then and the extra is the curve at 0 (0 ns), never the
 * 500 ns at 40 GB/s. Per layer: 100 + 4000 / 10 + 1000. */
static void test_pool_shared(void **state)
{
    (void)state;
    struct xs_layer l[3] = {mk("a", 4000, 1000), mk("b", 4000, 1000), mk("c", 4000, 1000)};
    struct xs_link k = mklink(100, 25, 40);
    k.ncurve = 2;
    k.curve_gbps[0] = 0;
    k.curve_extra_ns[0] = 0;
    k.curve_gbps[1] = 40;
    k.curve_extra_ns[1] = 500;
    struct xs_config c = {.gpus = 4,
                          .cache_bytes = 0,
                          .workers = 0,
                          .lookahead = 0,
                          .inferences = 2,
                          .hbm_gbps = 1000};
    struct xs_result r;
    double lat[8];
    sim(l, 3, &k, &c, &r, lat);
    double per = 3 * (100 + 0 + 4000 / 10.0 + 1000);
    for (int i = 0; i < 8; i++)
        close_to(lat[i], per);
    assert_true(r.mean_latency_extra_ns == 0);
    close_to(r.makespan_ns, 2 * per);
    close_to(r.pool_utilization, 4 * 2 * 12000 / (2 * per * 40));

    /* pool_gbps = gpu_gbps: one GPU gets it all, two get half each */
    k = mklink(100, 10, 10);
    c.gpus = 1;
    sim(l, 3, &k, &c, &r, NULL);
    close_to(r.cold_median_ns, 3 * (100 + 4000 / 10.0 + 1000));
    c.gpus = 2;
    sim(l, 3, &k, &c, &r, NULL);
    close_to(r.cold_median_ns, 3 * (100 + 4000 / 5.0 + 1000));
    close_to(r.warm_median_ns, 3 * (100 + 4000 / 5.0 + 1000));
    /* no ceiling: each GPU has its own 10 GB/s */
    k.pool_gbps = 0;
    sim(l, 3, &k, &c, &r, NULL);
    close_to(r.cold_median_ns, 3 * (100 + 4000 / 10.0 + 1000));
}

/* The curve at a load: one GPU, layers of 1000, 500, 500 B, 10 GB/s, one
 * worker, lookahead 2. t = 0: layer 0's demand fetch and layer 1's prefetch
 * start with nothing moving (extra 0); both move from 100 at 5 B/ns; layer 1
 * lands at 200, and layer 2's prefetch starts then, while layer 0 moves alone
 * at 10 GB/s: extra = curve(10 GB/s). Layer 0 lands at 200 + 500 / 10 = 250;
 * the rest is hidden behind 1 ms runs. */
static void test_loaded_latency_curve(void **state)
{
    (void)state;
    struct xs_layer l[3] = {mk("a", 1000, 1e6), mk("b", 500, 1e6), mk("c", 500, 1e6)};
    struct xs_link k = mklink(100, 10, 0);
    k.ncurve = 2;
    k.curve_gbps[0] = 0;
    k.curve_extra_ns[0] = 0;
    k.curve_gbps[1] = 20;
    k.curve_extra_ns[1] = 1000;
    struct xs_config c = {.gpus = 1,
                          .cache_bytes = 10000,
                          .workers = 1,
                          .lookahead = 2,
                          .inferences = 1,
                          .hbm_gbps = 1000};
    struct xs_result r;
    sim(l, 3, &k, &c, &r, NULL);
    close_to(r.mean_latency_extra_ns, (0 + 0 + 500) / 3.0); /* 10 of 20 GB/s: 500 */
    close_to(r.cold_median_ns, 250 + 3e6);
    close_to(r.stall_ns, 250);
    assert_int_equal(r.hits, 2);
    assert_int_equal(r.demand_fetches, 1);
    assert_int_equal(r.prefetches, 2);
    assert_int_equal(r.prefetched_used_bytes, 1000);
    assert_true(r.warm_median_ns == 0 && r.warm_p95_ns == 0 && r.warm_mean_ns == 0);

    /* clamped past the last point */
    k.curve_gbps[1] = 4;
    k.curve_extra_ns[1] = 300;
    sim(l, 3, &k, &c, &r, NULL);
    close_to(r.mean_latency_extra_ns, 300 / 3.0);
    close_to(r.cold_median_ns, 250 + 3e6);
    /* and before the first */
    k.curve_gbps[0] = 1;
    k.curve_extra_ns[0] = 50;
    sim(l, 3, &k, &c, &r, NULL);
    close_to(r.mean_latency_extra_ns, (50 + 50 + 300) / 3.0);
    close_to(r.cold_median_ns, 50 + 250 + 3e6);
}

static void expect_order(const struct xs_cache *c, const size_t *want, size_t n)
{
    size_t got[16];
    assert_int_equal(xs_cache_order(c, got, 16), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

static void test_cache_script(void **state)
{
    (void)state;
    enum { A, B, C, D, E };
    size_t ev[8], ne = 99;
    struct xs_cache *c = xs_cache_new(100, 8);
    assert_non_null(c);
    assert_int_equal(xs_cache_put(c, A, 40, 0, ev, &ne), 1);
    assert_int_equal(ne, 0);
    assert_int_equal(xs_cache_put(c, B, 30, 0, ev, &ne), 1);
    assert_int_equal(xs_cache_put(c, C, 20, 0, NULL, NULL), 1);
    assert_int_equal(xs_cache_used(c), 90);
    xs_cache_touch(c, A);
    expect_order(c, (const size_t[]){B, C, A}, 3);
    assert_int_equal(xs_cache_put(c, D, 30, 0, ev, &ne), 1); /* 120 > 100: b goes (LRU) */
    assert_int_equal(ne, 1);
    assert_int_equal(ev[0], B);
    assert_false(xs_cache_has(c, B));
    expect_order(c, (const size_t[]){C, A, D}, 3);
    xs_cache_mark(c, A);
    expect_order(c, (const size_t[]){A, C, D}, 3);
    /* 90 + 60: a (40) is not enough room, c (20) goes too */
    assert_int_equal(xs_cache_put(c, E, 60, 0, ev, &ne), 1);
    assert_int_equal(ne, 2);
    assert_int_equal(ev[0], A);
    assert_int_equal(ev[1], C);
    expect_order(c, (const size_t[]){D, E}, 2);
    assert_int_equal(xs_cache_used(c), 90);
    /* larger than the capacity: not cached, nothing evicted */
    assert_int_equal(xs_cache_put(c, A, 101, 0, ev, &ne), 0);
    assert_int_equal(ne, 0);
    assert_int_equal(xs_cache_used(c), 90);
    expect_order(c, (const size_t[]){D, E}, 2);
    xs_cache_free(c);

    /* pinned: skipped by eviction, unmoved by mark, and what it holds is
     * no longer room for others */
    enum { P, X, Y, Z, W, V };
    c = xs_cache_new(100, 8);
    assert_int_equal(xs_cache_put(c, P, 30, 1, ev, &ne), 1);
    assert_int_equal(xs_cache_put(c, X, 40, 0, ev, &ne), 1);
    assert_int_equal(xs_cache_put(c, Y, 30, 0, ev, &ne), 1);
    xs_cache_touch(c, P); /* even most recently used, it is listed first */
    xs_cache_mark(c, P);
    expect_order(c, (const size_t[]){P, X, Y}, 3);
    assert_int_equal(xs_cache_put(c, Z, 40, 0, ev, &ne), 1);
    assert_int_equal(ne, 1);
    assert_int_equal(ev[0], X);
    assert_int_equal(xs_cache_put(c, W, 70, 0, ev, &ne), 1); /* 100 - 30 pinned: fits */
    assert_int_equal(ne, 2);
    assert_int_equal(ev[0], Y);
    assert_int_equal(ev[1], Z);
    expect_order(c, (const size_t[]){P, W}, 2);
    assert_int_equal(xs_cache_put(c, V, 71, 0, ev, &ne), 0); /* 71 > 100 - 30 */
    assert_int_equal(ne, 0);
    expect_order(c, (const size_t[]){P, W}, 2);
    assert_true(xs_cache_has(c, P));
    assert_false(xs_cache_has(c, V));
    assert_false(xs_cache_has(c, 99)); /* out of range */
    xs_cache_free(c);

    /* capacity 0 caches nothing */
    c = xs_cache_new(0, 2);
    assert_int_equal(xs_cache_put(c, 0, 1, 0, ev, &ne), 0);
    assert_int_equal(xs_cache_used(c), 0);
    xs_cache_free(c);
}

/* a, b, s, c of 100 B, a cache of 300, no prefetch. Without the flag the
 * cycle of four layers through an LRU of three misses every time. With s
 * single-use, s goes to the LRU end after its run and c evicts it instead of
 * a: a and b hit in every inference after the first. */
static void test_single_use(void **state)
{
    (void)state;
    struct xs_layer l[4] = {mk("a", 100, 10), mk("b", 100, 10), mk("s", 100, 10), mk("c", 100, 10)};
    struct xs_link k = mklink(5, 10, 0);
    struct xs_config c = {.gpus = 1,
                          .cache_bytes = 300,
                          .workers = 0,
                          .lookahead = 0,
                          .inferences = 3,
                          .hbm_gbps = 100};
    struct xs_result r;
    sim(l, 4, &k, &c, &r, NULL);
    assert_int_equal(r.hits, 0);
    assert_int_equal(r.demand_fetches, 12);
    l[2].single_use = 1;
    sim(l, 4, &k, &c, &r, NULL);
    assert_int_equal(r.hits, 4);
    assert_int_equal(r.demand_fetches, 8);
    close_to(r.warm_median_ns, 4 * 10 + 2 * (5 + 100 / 10.0));
}

/* A pinned layer is fetched once per GPU; the others cycle through the rest
 * of the cache. */
static void test_pinned(void **state)
{
    (void)state;
    struct xs_layer l[4] = {mk("emb", 100, 10), mk("b", 100, 10), mk("c", 100, 10),
                            mk("d", 100, 10)};
    l[0].pinned = 1;
    struct xs_link k = mklink(5, 10, 0);
    struct xs_config c = {.gpus = 2,
                          .cache_bytes = 250,
                          .workers = 0,
                          .lookahead = 0,
                          .inferences = 3,
                          .hbm_gbps = 100};
    struct xs_result r;
    sim(l, 4, &k, &c, &r, NULL);
    assert_int_equal(r.hits, 2 * 2);
    assert_int_equal(r.demand_fetches, 2 * (4 + 3 + 3));
    assert_int_equal(r.cache_peak_bytes, 200);
}

static void expect_bad(const struct xs_layer *l, size_t n, const struct xs_link *k,
                       const struct xs_config *c, const char *why)
{
    char err[256] = "";
    struct xs_result r;
    assert_int_equal(xs_simulate(l, n, k, c, &r, NULL, err, sizeof err), -1);
    if (!strstr(err, why))
        fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct xs_layer l[4] = {mk("emb", 100, 10), mk("blk0", 100, 10), mk("blk1", 100, 10),
                            mk("blk2", 0, 10)};
    struct xs_link k = mklink(5, 10, 0);
    struct xs_config c = {.gpus = 1,
                          .cache_bytes = 250,
                          .workers = 1,
                          .lookahead = 1,
                          .inferences = 3,
                          .hbm_gbps = 100};
    expect_bad(l, 0, &k, &c, "no layers");
    expect_bad(NULL, 4, &k, &c, "no layers");
    expect_bad(l, 4, &k, &c, "layer 3 (blk2) has 0 bytes");
    l[3].bytes = 100;
    char err[256];
    struct xs_result r;
    assert_int_equal(xs_simulate(l, 4, &k, &c, &r, NULL, err, sizeof err), 0);

    struct xs_config b = c;
    b.gpus = 0;
    expect_bad(l, 4, &k, &b, "gpus");
    b = c;
    b.inferences = 0;
    expect_bad(l, 4, &k, &b, "inferences");
    b = c;
    b.hbm_gbps = 0;
    expect_bad(l, 4, &k, &b, "hbm_gbps");
    b.hbm_gbps = NAN;
    expect_bad(l, 4, &k, &b, "hbm_gbps");
    struct xs_link bk = k;
    bk.gpu_gbps = -1;
    expect_bad(l, 4, &bk, &c, "gpu_gbps");
    bk = k;
    bk.pool_gbps = -1;
    expect_bad(l, 4, &bk, &c, "pool_gbps");
    bk = k;
    bk.latency_ns = -1;
    expect_bad(l, 4, &bk, &c, "latency_ns");
    bk = k;
    bk.ncurve = 3;
    bk.curve_gbps[0] = 0;
    bk.curve_gbps[1] = 10;
    bk.curve_gbps[2] = 5;
    expect_bad(l, 4, &bk, &c, "not ascending");
    bk.curve_gbps[2] = 10; /* a repeated point is not ascending either */
    expect_bad(l, 4, &bk, &c, "not ascending");
    bk.ncurve = XS_MAX_CURVE + 1;
    expect_bad(l, 4, &bk, &c, "points");
    l[1].compute_ns = -1;
    expect_bad(l, 4, &k, &c, "layer 1 (blk0)");
    /* err may be NULL */
    assert_int_equal(xs_simulate(l, 0, &k, &c, &r, NULL, NULL, 0), -1);
}

/* Byte counts that do not fit 64 bits are an error naming what overflowed,
 * never a wrapped result: the model's size, the bytes the engines read
 * (known before the run), the bytes fetched (wasted prefetches included,
 * found when it happens). */
static void test_overflow(void **state)
{
    (void)state;
    const uint64_t half = 1ULL << 63;
    struct xs_layer l[2] = {mk("a", half, 10), mk("b", half, 10)};
    struct xs_link k = mklink(5, 10, 0);
    struct xs_config c = {.gpus = 1,
                          .cache_bytes = 0,
                          .workers = 0,
                          .lookahead = 0,
                          .inferences = 1,
                          .hbm_gbps = 100};
    expect_bad(l, 2, &k, &c, "the model's bytes (the sum of its layers') overflow 64 bits");
    c.inferences = 2;
    expect_bad(l, 1, &k, &c,
               "the bytes the GPUs read (GPUs x inferences x the model's bytes) overflow 64 bits");
    c.inferences = 1;
    c.gpus = 2;
    expect_bad(l, 1, &k, &c, "the bytes the GPUs read");
    /* Two layers of 2^61 B, no cache, one prefetch ahead: every prefetch
     * lands while the other layer runs and is dropped, so each layer is
     * fetched twice: 3 inferences read 3 x 2^62 B (fits), fetch about twice
     * that (does not). */
    l[0].bytes = l[1].bytes = 1ULL << 61;
    c.gpus = 1;
    c.workers = c.lookahead = 1;
    c.inferences = 2;
    struct xs_result r;
    sim(l, 2, &k, &c, &r, NULL);
    assert_int_equal(r.bytes_accessed, 1ULL << 63);
    assert_int_equal(r.fetched_bytes, 7ULL << 61); /* 4 demand fetches, 3 prefetches dropped */
    c.inferences = 3;
    char err[256] = "";
    assert_int_equal(xs_simulate(l, 2, &k, &c, &r, NULL, err, sizeof err), XS_OVERFLOW);
    assert_non_null(strstr(err, "fetched_bytes overflow 64 bits"));
}

/* The stop hook is polled every XS_STOP_EVERY steps of the event loop (a
 * layer run's end is one step at least); when it says stop, the run ends
 * there with XS_STOPPED. Polling changes nothing else. */
static int stop_calls, stop_after;
static int stop_hook(void)
{
    return ++stop_calls >= stop_after;
}

static void test_stop(void **state)
{
    (void)state;
    struct xs_layer l[5];
    five(l);
    struct xs_link k = mklink(500, 10, 0);
    struct xs_config c = {.gpus = 3,
                          .cache_bytes = 9000,
                          .workers = 2,
                          .lookahead = 2,
                          .inferences = 2000,
                          .hbm_gbps = 20};
    struct xs_result plain, polled;
    double lat1[6000], lat2[6000];
    memset(&plain, 0, sizeof plain);
    memset(&polled, 0, sizeof polled);
    sim(l, 5, &k, &c, &plain, lat1);
    c.stop = stop_hook;
    stop_calls = 0, stop_after = 1 << 30;
    sim(l, 5, &k, &c, &polled, lat2);
    assert_memory_equal(&plain, &polled, sizeof plain);
    assert_memory_equal(lat1, lat2, sizeof lat1);
    /* one GPU simulated for the 3: 10,000 runs, >= 9 polls */
    assert_true(stop_calls >= (int)(plain.accesses / c.gpus / XS_STOP_EVERY));
    assert_true(stop_calls >= 9);
    for (int after = 1; after <= 3; after++) {
        char err[256] = "";
        stop_calls = 0, stop_after = after;
        memset(&polled, 0xa5, sizeof polled);
        assert_int_equal(xs_simulate(l, 5, &k, &c, &polled, NULL, err, sizeof err), XS_STOPPED);
        assert_int_equal(stop_calls, after);
        assert_true(((const unsigned char *)&polled)[0] == 0xa5); /* *out not written */
    }
}

/* A mixed configuration: sizes that differ, a partial cache, single-use and
 * pinned layers, three GPUs under a pool ceiling with a curve. */
static void mixed(struct xs_layer *l, size_t *n, struct xs_link *k, struct xs_config *c,
                  int equal_sizes)
{
    *n = 12;
    for (size_t i = 0; i < *n; i++) {
        char name[32];
        snprintf(name, sizeof name, "blk%zu", i);
        l[i] = mk(name, equal_sizes ? 3000 : 1000 + 700 * (i % 5), 150 + 40 * (double)(i % 3));
    }
    l[0].pinned = 1;
    l[4].single_use = 1;
    l[9].single_use = 1;
    *k = mklink(80, 12, 20);
    k->ncurve = 3;
    k->curve_gbps[0] = 0;
    k->curve_gbps[1] = 10;
    k->curve_gbps[2] = 20;
    k->curve_extra_ns[0] = 0;
    k->curve_extra_ns[1] = 30;
    k->curve_extra_ns[2] = 200;
    *c = (struct xs_config){.gpus = 3,
                            .cache_bytes = 14000,
                            .workers = 2,
                            .lookahead = 3,
                            .inferences = 7,
                            .hbm_gbps = 40};
}

static void test_deterministic(void **state)
{
    (void)state;
    struct xs_layer l[12];
    size_t n;
    struct xs_link k;
    struct xs_config c;
    mixed(l, &n, &k, &c, 0);
    struct xs_result r1, r2;
    double lat1[21], lat2[21];
    memset(&r1, 0xa5, sizeof r1);
    memset(&r2, 0x5a, sizeof r2);
    sim(l, n, &k, &c, &r1, lat1);
    sim(l, n, &k, &c, &r2, lat2);
    assert_memory_equal(&r1, &r2, sizeof r1);
    assert_memory_equal(lat1, lat2, sizeof lat1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double type7(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp);
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[n - 1];
}

static void test_stats_consistent(void **state)
{
    (void)state;
    struct xs_layer l[12];
    size_t n;
    struct xs_link k;
    struct xs_config c;
    for (int eq = 0; eq < 2; eq++) {
        mixed(l, &n, &k, &c, eq);
        uint64_t model = 0;
        for (size_t i = 0; i < n; i++)
            model += l[i].bytes;
        struct xs_result r;
        double lat[21];
        sim(l, n, &k, &c, &r, lat);
        assert_int_equal(r.accesses, 3 * 7 * n);
        assert_int_equal(r.bytes_accessed, 3 * 7 * model);
        assert_true(r.hits > 0 && r.hits < r.accesses);
        assert_true(r.bytes_hit > 0 && r.bytes_hit < r.bytes_accessed);
        assert_true(r.prefetched_used_bytes <= r.prefetched_bytes);
        assert_true(r.prefetches > 0 && r.prefetched_used_bytes > 0);
        /* every miss is a demand fetch or a stall on a prefetch */
        assert_true(r.demand_fetches <= r.accesses - r.hits);
        assert_true(r.fetched_bytes >= r.prefetched_bytes);
        assert_true(r.pool_utilization > 0 && r.pool_utilization <= 1 + 1e-9);
        assert_true(r.mean_latency_extra_ns >= 0 && r.mean_latency_extra_ns <= 200);
        assert_true(r.cache_peak_bytes <= c.cache_bytes);
        assert_true(r.stall_ns > 0);
        if (eq) {
            /* with equal sizes the two hit rates agree, and the bytes moved
             * are the demand fetches' and the prefetches' */
            assert_int_equal(r.bytes_hit * r.accesses, r.hits * r.bytes_accessed);
            assert_int_equal(r.fetched_bytes, r.demand_fetches * 3000 + r.prefetched_bytes);
            assert_int_equal(r.prefetched_bytes, r.prefetches * 3000);
        }
        /* inferences run back to back: a GPU's latencies add up to its end */
        double end = 0;
        for (int g = 0; g < 3; g++) {
            double sum = 0;
            for (int i = 0; i < 7; i++)
                sum += lat[g * 7 + i];
            if (sum > end)
                end = sum;
        }
        close_to(r.makespan_ns, end);
        /* percentiles: type 7 over the cold (first) and warm (other) ones */
        double cold[3], warm[18], mean = 0;
        size_t nw = 0;
        for (int g = 0; g < 3; g++)
            for (int i = 0; i < 7; i++) {
                if (i == 0) {
                    cold[g] = lat[g * 7];
                } else {
                    warm[nw++] = lat[g * 7 + i];
                    mean += lat[g * 7 + i] / 18;
                }
            }
        close_to(r.cold_median_ns, type7(cold, 3, 0.5));
        close_to(r.cold_p95_ns, type7(cold, 3, 0.95));
        close_to(r.warm_median_ns, type7(warm, 18, 0.5));
        close_to(r.warm_p95_ns, type7(warm, 18, 0.95));
        close_to(r.warm_mean_ns, mean);
    }
}

/* One GPU simulated for all (the default) against every GPU simulated on
 * its own (each_gpu): the same result and latencies, bit for bit, over
 * shapes (sizes that differ or not, pinned and single-use layers), caches
 * (none, partial, the whole model), prefetching (none, 1..3 workers,
 * lookahead 1..3), GPU counts (2, 3, 5, 8, powers of two and not), a pool
 * ceiling that binds or none, a loaded-latency curve or none. */
static void expect_lockstep(const struct xs_layer *l, size_t n, const struct xs_link *k,
                            const struct xs_config *c)
{
    struct xs_result one, each;
    double lat1[8 * 9], late[8 * 9];
    struct xs_config ce = *c;
    ce.each_gpu = 1;
    memset(&one, 0xa5, sizeof one);
    memset(&each, 0x5a, sizeof each);
    memset(lat1, 0, sizeof lat1);
    memset(late, 0, sizeof late);
    sim(l, n, k, c, &one, lat1);
    sim(l, n, k, &ce, &each, late);
    if (memcmp(&one, &each, sizeof one) || memcmp(lat1, late, sizeof lat1))
        fail_msg("gpus %u cache %llu workers %u lookahead %u pool %g curve %zu: one GPU for all "
                 "gives warm median %.17g, stall %.17g, accesses %llu; each GPU %.17g, %.17g, "
                 "%llu",
                 c->gpus, (unsigned long long)c->cache_bytes, c->workers, c->lookahead,
                 k->pool_gbps, k->ncurve, one.warm_median_ns, one.stall_ns,
                 (unsigned long long)one.accesses, each.warm_median_ns, each.stall_ns,
                 (unsigned long long)each.accesses);
}

static void test_lockstep_exact(void **state)
{
    (void)state;
    static const unsigned gpus[] = {2, 3, 5, 8};
    static const unsigned wl[][2] = {{0, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 1}};
    struct xs_layer l[12];
    size_t n;
    struct xs_link k;
    struct xs_config c;
    for (int shape = 0; shape < 3; shape++)
        for (int ceiling = 0; ceiling < 2; ceiling++)
            for (int curve = 0; curve < 2; curve++)
                for (size_t gi = 0; gi < sizeof gpus / sizeof gpus[0]; gi++)
                    for (size_t w = 0; w < sizeof wl / sizeof wl[0]; w++)
                        for (int cache = 0; cache < 3; cache++) {
                            mixed(l, &n, &k, &c, shape == 1);
                            if (shape == 2) { /* five layers, no pinned or single-use */
                                n = 5;
                                five(l);
                                c.hbm_gbps = 20;
                            }
                            uint64_t model = 0;
                            for (size_t i = 0; i < n; i++)
                                model += l[i].bytes;
                            k.pool_gbps = ceiling ? 7.3 : 0;
                            if (!curve)
                                k.ncurve = 0;
                            c.gpus = gpus[gi];
                            c.workers = wl[w][0];
                            c.lookahead = wl[w][1];
                            c.cache_bytes = cache == 0 ? 0 : cache == 1 ? model / 3 : model;
                            c.inferences = 9;
                            expect_lockstep(l, n, &k, &c);
                        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_holds_model),
        cmocka_unit_test(test_no_cache_no_prefetch),
        cmocka_unit_test(test_hidden_transfers),
        cmocka_unit_test(test_pool_shared),
        cmocka_unit_test(test_loaded_latency_curve),
        cmocka_unit_test(test_cache_script),
        cmocka_unit_test(test_single_use),
        cmocka_unit_test(test_pinned),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_stats_consistent),
        cmocka_unit_test(test_lockstep_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
