/* hist.c — log-bucketed latency histograms and timed blocks of dependent
 * loads. */
#include "hist.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "timer.h"

/* Edges: edges[i] is the low edge of bucket i, edges[CXS_HIST_NB + 1] the
 * overflow bucket's (CXS_HIST_HI_NS). Written once under pthread_once and
 * only read after, so concurrent readers are safe; cxs_hist_bucket() works
 * from these same doubles, which makes it the exact inverse of
 * cxs_hist_edge(). */
static double edges[CXS_HIST_NB + 2];
static double inv_log_ratio;
static pthread_once_t edges_once = PTHREAD_ONCE_INIT;

static void edges_init(void)
{
    edges[0] = 0.0;
    for (size_t i = 1; i <= CXS_HIST_NB; i++)
        edges[i] = CXS_HIST_LO_NS * pow(CXS_HIST_RATIO, (double)(i - 1));
    edges[CXS_HIST_NB + 1] = CXS_HIST_HI_NS;
    inv_log_ratio = 1.0 / log(CXS_HIST_RATIO);
}

static const double *get_edges(void)
{
    pthread_once(&edges_once, edges_init);
    return edges;
}

double cxs_hist_edge(size_t i)
{
    if (i > CXS_HIST_NB + 1)
        return INFINITY;
    return get_edges()[i];
}

size_t cxs_hist_bucket(double ns)
{
    if (!(ns >= CXS_HIST_LO_NS)) /* also NaN */
        return 0;
    if (ns >= CXS_HIST_HI_NS)
        return CXS_HIST_NB + 1;
    const double *e = get_edges();
    /* The logarithm's guess is off by at most one next to an edge (rounding
     * in log() and in the division); the table decides. ns is in [lo, hi),
     * so the guess is in [0, CXS_HIST_NB) and the cast is safe. */
    size_t i = (size_t)(log(ns / CXS_HIST_LO_NS) * inv_log_ratio) + 1;
    if (i > CXS_HIST_NB)
        i = CXS_HIST_NB;
    while (i > 1 && ns < e[i])
        i--;
    while (i < CXS_HIST_NB && ns >= e[i + 1])
        i++;
    return i;
}

void cxs_hist_reset(struct cxs_hist *h)
{
    memset(h, 0, sizeof *h);
}

void cxs_hist_add(struct cxs_hist *h, double ns)
{
    if (!(ns > 0.0)) /* NaN, negative, -0 */
        ns = 0.0;
    h->count[cxs_hist_bucket(ns)]++;
    if (h->n == 0 || ns < h->min)
        h->min = ns;
    if (h->n == 0 || ns > h->max)
        h->max = ns;
    h->n++;
    h->over_1us += ns > 1000.0;
}

void cxs_hist_merge(struct cxs_hist *dst, const struct cxs_hist *src)
{
    if (src->n == 0)
        return;
    for (size_t i = 0; i < CXS_HIST_NBUCKETS; i++)
        dst->count[i] += src->count[i];
    if (dst->n == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->n == 0 || src->max > dst->max)
        dst->max = src->max;
    dst->n += src->n;
    dst->over_1us += src->over_1us;
}

double cxs_hist_quantile(const struct cxs_hist *h, double q)
{
    if (h->n == 0)
        return 0.0;
    if (!(q > 0.0)) /* also NaN */
        return h->min;
    if (q >= 1.0)
        return h->max;
    /* Nearest rank ceil(q n); a q n within a relative 1e-9 of an integer is
     * that integer (0.07 * 100 is 7.000000000000001 in binary). */
    double r = q * (double)h->n, k = nearbyint(r);
    double rank_d = fabs(r - k) <= 1e-9 * k ? k : ceil(r);
    uint64_t rank = rank_d < 1.0 ? 1 : (uint64_t)rank_d;
    if (rank > h->n)
        rank = h->n;
    uint64_t cum = 0;
    size_t b = 0;
    for (; b < CXS_HIST_NBUCKETS - 1; b++) {
        cum += h->count[b];
        if (cum >= rank)
            break;
    }
    if (b == 0)
        return h->min;
    if (b == CXS_HIST_NB + 1)
        return h->max;
    double v = sqrt(cxs_hist_edge(b) * cxs_hist_edge(b + 1));
    if (v < h->min)
        v = h->min;
    if (v > h->max)
        v = h->max;
    return v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

#define OVERHEAD_WARMUP 16
#define OVERHEAD_TRIES 1001

#define L1 q = (void **)*q;
#define L8 L1 L1 L1 L1 L1 L1 L1 L1

/* Exactly n dependent loads from p; returns where they end. Not inlined, so
 * the timed region is the same call whatever the caller. */
__attribute__((noinline)) static void *chase_n(void *p, uint64_t n)
{
    void **q = p;
    for (uint64_t i = n / 8; i; i--) {
        L8
    }
    for (uint64_t i = n % 8; i; i--) {
        L1
    }
    return q;
}

/* A block of n loads around an L1-resident cycle (ring), timed as every
 * block is: begin, chase_n(), end. */
#define RING 64
static void *ring[RING * 8]; /* RING elements, one per 64 B line */
static void *volatile overhead_sink;

static uint64_t ring_block(uint64_t n)
{
    void *q = overhead_sink ? overhead_sink : (void *)ring;
    uint64_t t0 = cxs_time_begin();
    q = chase_n(q, n);
    uint64_t t1 = cxs_time_end();
    overhead_sink = q;
    return t1 >= t0 ? t1 - t0 : 0;
}

static uint64_t median_u64(uint64_t *t, size_t n)
{
    qsort(t, n, sizeof t[0], cmp_u64);
    return t[n / 2];
}

/* The cost a block pays besides its loads: the intercept of block time
 * against loads, 2 T(n) - T(2n), from the medians of OVERHEAD_TRIES blocks
 * of n and of 2n loads (alternating) on an L1-resident ring, so the timer's
 * overlap with the loads around it is what it is in a real block. */
uint64_t cxs_block_overhead_ticks(uint64_t block)
{
    static uint64_t t1[OVERHEAD_TRIES], t2[OVERHEAD_TRIES];
    if (block == 0)
        block = 1;
    for (size_t i = 0; i < RING; i++) /* ring[8 i] points at the next line's */
        ring[8 * i] = &ring[8 * ((i + 1) % RING)];
    overhead_sink = NULL;
    for (int i = 0; i < OVERHEAD_WARMUP; i++)
        t1[0] = ring_block(block) + ring_block(2 * block);
    for (int i = 0; i < OVERHEAD_TRIES; i++) {
        t1[i] = ring_block(block);
        t2[i] = ring_block(2 * block);
    }
    uint64_t m1 = median_u64(t1, OVERHEAD_TRIES), m2 = median_u64(t2, OVERHEAD_TRIES);
    return 2 * m1 > m2 ? 2 * m1 - m2 : 0;
}

void *cxs_chase_blocks(void *p, uint64_t nloads, uint64_t block, uint64_t overhead,
                       struct cxs_hist *h, uint64_t *ticks)
{
    uint64_t sum = 0;
    if (block == 0)
        block = 1;
    while (nloads) {
        uint64_t b = nloads < block ? nloads : block;
        uint64_t t0 = cxs_time_begin();
        p = chase_n(p, b);
        uint64_t t1 = cxs_time_end();
        uint64_t d = t1 >= t0 && t1 - t0 >= overhead ? t1 - t0 - overhead : 0;
        sum += d;
        cxs_hist_add(h, cxs_ticks_to_ns(d) / (double)b);
        nloads -= b;
    }
    if (ticks)
        *ticks = sum;
    return p;
}
