/* hotset.c — the hot-set access pattern: a seeded permutation of the pages,
 * a window of nhot positions in it that is hot, and a per-thread generator
 * that draws pages from the hot or the cold set. */
#include "hotset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

/* splitmix64: the permutation's generator (any state is fine). */
static uint64_t splitmix64(uint64_t *x)
{
    return cxs_mix64(*x += CXS_MIX64_GAMMA);
}

/* Uniform in [0, bound), bound >= 1, unbiased (Lemire's multiply-shift with
 * rejection); integer arithmetic only, so the same on every machine. */
static uint64_t below(uint64_t *x, uint64_t bound)
{
    unsigned __int128 m = (unsigned __int128)splitmix64(x) * bound;
    if ((uint64_t)m < bound) {
        uint64_t t = -bound % bound;
        while ((uint64_t)m < t)
            m = (unsigned __int128)splitmix64(x) * bound;
    }
    return (uint64_t)(m >> 64);
}

/* xorshift64*: the per-thread draw generator (state never 0). */
static uint64_t xorshift64s(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(0x2545f4914f6cdd1d);
}

/* floor(r * size / 2^64): r's high bits scaled into [0, size). Page k of the
 * set is drawn with probability within size / 2^64 of 1 / size (under 2^-30
 * relative for any set below 2^34 pages). */
static uint64_t scale(uint64_t r, uint64_t size)
{
    return (uint64_t)(((unsigned __int128)r * size) >> 64);
}

static int check_args(uint64_t npages, double hot_pct, double share_pct, char *err, size_t errlen)
{
    if (npages == 0) {
        snprintf(err, errlen, "npages 0: the buffer needs at least 1 page");
        return -1;
    }
    if (!(hot_pct > 0 && hot_pct <= 100)) {
        snprintf(err, errlen, "hot_pct %g is not in (0, 100]", hot_pct);
        return -1;
    }
    if (!(share_pct >= 0 && share_pct <= 100)) {
        snprintf(err, errlen, "share_pct %g is not in [0, 100]", share_pct);
        return -1;
    }
    return 0;
}

int cxs_hotset_init(struct cxs_hotset *h, uint64_t npages, double hot_pct, double share_pct,
                    uint64_t seed, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (check_args(npages, hot_pct, share_pct, err, errlen) != 0)
        return -1;

    double x = round((double)npages * hot_pct / 100);
    uint64_t nhot = x >= (double)npages ? npages : (uint64_t)x;
    h->npages = npages;
    h->nhot = nhot < 1 ? 1 : nhot;

    double s = share_pct / 100 * 4294967296.0;
    h->share = s >= 4294967295.0 ? UINT32_MAX : (uint32_t)(s + 0.5);
    h->always_hot = share_pct == 100;

    if (npages > SIZE_MAX / (2 * sizeof(uint64_t))) {
        snprintf(err, errlen, "out of memory: %llu pages need 16 B each",
                 (unsigned long long)npages);
        return -1;
    }
    h->perm = malloc(npages * sizeof(uint64_t));
    h->pos = malloc(npages * sizeof(uint64_t));
    if (!h->perm || !h->pos) {
        cxs_hotset_free(h);
        snprintf(err, errlen, "out of memory for the permutation of %llu pages (%llu B)",
                 (unsigned long long)npages, (unsigned long long)(npages * 16));
        return -1;
    }

    /* Fisher–Yates: perm[i] swapped with a uniform perm[j], j <= i. */
    uint64_t rng = seed;
    for (uint64_t i = 0; i < npages; i++)
        h->perm[i] = i;
    for (uint64_t i = npages - 1; i > 0; i--) {
        uint64_t j = below(&rng, i + 1), t = h->perm[i];
        h->perm[i] = h->perm[j];
        h->perm[j] = t;
    }
    for (uint64_t i = 0; i < npages; i++)
        h->pos[h->perm[i]] = i;
    __atomic_store_n(&h->offset, 0, __ATOMIC_RELAXED);
    return 0;
}

void cxs_hotset_free(struct cxs_hotset *h)
{
    free(h->perm);
    free(h->pos);
    h->perm = h->pos = NULL;
}

/* A compare-and-swap rather than a load and a store, so that even two
 * shifting threads never lose a shift; readers only load. */
void cxs_hotset_shift(struct cxs_hotset *h)
{
    uint64_t off = __atomic_load_n(&h->offset, __ATOMIC_RELAXED), next;
    do {
        next = off + h->nhot;
        if (next >= h->npages)
            next -= h->npages;
    } while (!__atomic_compare_exchange_n(&h->offset, &off, next, 1, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
}

/* perm[(off + k) mod npages] for off < npages, k < npages. */
static uint64_t at(const struct cxs_hotset *h, uint64_t off, uint64_t k)
{
    uint64_t p = off + k;
    return h->perm[p >= h->npages ? p - h->npages : p];
}

uint64_t cxs_hotset_hot(const struct cxs_hotset *h, uint64_t i)
{
    return at(h, __atomic_load_n(&h->offset, __ATOMIC_RELAXED), i);
}

uint64_t cxs_hotset_cold(const struct cxs_hotset *h, uint64_t j)
{
    return at(h, __atomic_load_n(&h->offset, __ATOMIC_RELAXED), h->nhot + j);
}

int cxs_hotset_is_hot(const struct cxs_hotset *h, uint64_t page)
{
    if (page >= h->npages)
        return 0;
    uint64_t off = __atomic_load_n(&h->offset, __ATOMIC_RELAXED), p = h->pos[page];
    return (p >= off ? p - off : p + h->npages - off) < h->nhot;
}

/* Two rounds of splitmix64's mixer: distinct tids of one seed get distinct
 * states, unrelated to the permutation's stream from the same seed. */
uint64_t cxs_hotset_rng_seed(uint64_t seed, int tid)
{
    uint64_t s = cxs_mix64(cxs_mix64(seed ^ UINT64_C(0x6a09e667f3bcc908)) +
                           (uint64_t)(int64_t)tid * CXS_MIX64_GAMMA);
    return s ? s : CXS_MIX64_GAMMA;
}

uint64_t cxs_hotset_page(const struct cxs_hotset *h, uint64_t *rng)
{
    uint64_t off = __atomic_load_n(&h->offset, __ATOMIC_RELAXED), ncold = h->npages - h->nhot;
    int hot = ncold == 0 || h->always_hot || (uint32_t)(xorshift64s(rng) >> 32) < h->share;
    uint64_t r = xorshift64s(rng);
    if (hot)
        return at(h, off, scale(r, h->nhot));
    return at(h, off, h->nhot + scale(r, ncold));
}

size_t cxs_hotset_sample(const struct cxs_hotset *h, int hot, size_t n, uint64_t *out)
{
    uint64_t off = __atomic_load_n(&h->offset, __ATOMIC_RELAXED);
    uint64_t size = hot ? h->nhot : h->npages - h->nhot, base = hot ? 0 : h->nhot;
    size_t m = n < size ? n : (size_t)size;
    for (size_t k = 0; k < m; k++)
        out[k] = at(h, off, base + (uint64_t)((unsigned __int128)k * size / m));
    return m;
}
