/* chase.c — cycle generation (Sattolo, grouped for TLB locality, strides)
 * and the dependent-load kernel. */
#include "chase.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hash.h"

int cxs_pattern_parse(const char *s, struct cxs_pattern *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->stride = CXS_LINE;
    if (!strcmp(s, "random")) {
        p->kind = CXS_PAT_RANDOM;
    } else if (!strcmp(s, "random-in-page")) {
        p->kind = CXS_PAT_RANDOM_IN_PAGE;
    } else if (!strcmp(s, "seq")) {
        p->kind = CXS_PAT_SEQ;
    } else if (!strncmp(s, "stride:", 7)) {
        uint64_t n;
        char e[96];
        if (cxs_parse_size(s + 7, &n, e, sizeof e)) {
            snprintf(err, errlen, "bad pattern '%s': %s", s, e);
            return -1;
        }
        if (n % 8 || n > (1u << 30)) {
            snprintf(err, errlen,
                     "bad pattern '%s': the stride must be a multiple of 8 bytes "
                     "(at most 1G)",
                     s);
            return -1;
        }
        p->kind = CXS_PAT_STRIDE;
        p->stride = (size_t)n;
    } else {
        snprintf(err, errlen,
                 "unknown pattern '%s' (patterns: random, random-in-page, seq, stride:N)", s);
        return -1;
    }
    snprintf(p->name, sizeof p->name, "%s", s);
    return 0;
}

static uint64_t splitmix64(uint64_t *x)
{
    return cxs_mix64(*x += CXS_MIX64_GAMMA);
}

void cxs_rng_seed(struct cxs_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
uint64_t cxs_rng_next(struct cxs_rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Lemire's nearly-divisionless method: unbiased. */
uint64_t cxs_rng_below(struct cxs_rng *r, uint64_t bound)
{
    unsigned __int128 m = (unsigned __int128)cxs_rng_next(r) * bound;
    uint64_t lo = (uint64_t)m;
    if (lo < bound) {
        uint64_t t = -bound % bound;
        while (lo < t) {
            m = (unsigned __int128)cxs_rng_next(r) * bound;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void cxs_sattolo(size_t *next, size_t n, struct cxs_rng *r)
{
    for (size_t i = 0; i < n; i++)
        next[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)cxs_rng_below(r, i - 1); /* j < i-1: never itself */
        size_t t = next[i - 1];
        next[i - 1] = next[j];
        next[j] = t;
    }
}

/* Slot of element i: where its pointer lives. */
#define SLOT(buf, stride, i) ((uintptr_t *)((char *)(buf) + (size_t)(i) * (stride)))
#define ADDR(buf, stride, i) ((uintptr_t)((char *)(buf) + (size_t)(i) * (stride)))

/* One Sattolo cycle over all n lines, generated in place: each slot first
 * holds its index, the shuffle permutes the indices, then they become
 * addresses. No scratch memory, whatever the buffer size. */
static void build_random(void *buf, size_t n, size_t stride, struct cxs_rng *r)
{
    for (size_t i = 0; i < n; i++)
        *SLOT(buf, stride, i) = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)cxs_rng_below(r, i - 1);
        uintptr_t t = *SLOT(buf, stride, i - 1);
        *SLOT(buf, stride, i - 1) = *SLOT(buf, stride, j);
        *SLOT(buf, stride, j) = t;
    }
    for (size_t i = 0; i < n; i++)
        *SLOT(buf, stride, i) = ADDR(buf, stride, *SLOT(buf, stride, i));
}

/* Groups of g lines visited in a random cyclic order; inside each group the
 * lines are walked along a Sattolo cycle starting at the group's first line,
 * and the group's last line points at the next group's first line. */
static int build_grouped(void *buf, size_t n, size_t stride, size_t g, struct cxs_rng *r)
{
    size_t ngroups = (n + g - 1) / g;
    size_t *gnext = malloc(ngroups * sizeof *gnext), *lnext = malloc(g * sizeof *lnext);
    if (!gnext || !lnext) {
        free(gnext);
        free(lnext);
        return -1;
    }
    cxs_sattolo(gnext, ngroups, r);
    size_t grp = 0;
    for (size_t k = 0; k < ngroups; k++, grp = gnext[grp]) {
        size_t first = grp * g, m = n - first < g ? n - first : g;
        size_t nextfirst = gnext[grp] * g;
        cxs_sattolo(lnext, m, r);
        size_t cur = 0;
        for (size_t step = 0; step + 1 < m; step++) {
            *SLOT(buf, stride, first + cur) = ADDR(buf, stride, first + lnext[cur]);
            cur = lnext[cur];
        }
        *SLOT(buf, stride, first + cur) = ADDR(buf, stride, nextfirst);
    }
    free(gnext);
    free(lnext);
    return 0;
}

size_t cxs_chase_build(void *buf, size_t size, const struct cxs_pattern *p, size_t group_bytes,
                       uint64_t seed, void **start, char *err, size_t errlen)
{
    size_t stride = p->stride, n = size / stride;
    if (n < 2) {
        snprintf(err, errlen, "size %zu B holds fewer than 2 elements of %zu B", size, stride);
        return 0;
    }
    struct cxs_rng r;
    cxs_rng_seed(&r, seed);
    if (p->kind == CXS_PAT_SEQ || p->kind == CXS_PAT_STRIDE) {
        for (size_t i = 0; i < n; i++)
            *SLOT(buf, stride, i) = ADDR(buf, stride, (i + 1) % n);
    } else {
        size_t g = group_bytes ? group_bytes / stride : n;
        if (g == 0 || (group_bytes && group_bytes % stride)) {
            snprintf(err, errlen, "group of %zu B is not a whole number of %zu B lines",
                     group_bytes, stride);
            return 0;
        }
        if (g >= n)
            build_random(buf, n, stride, &r);
        else if (build_grouped(buf, n, stride, g, &r)) {
            snprintf(err, errlen, "out of memory building the chase");
            return 0;
        }
    }
    *start = buf;
    return n;
}

void *cxs_chase_check(const void *buf, size_t size, size_t stride, void *start, size_t n,
                      size_t steps, char *err, size_t errlen)
{
    const char *lo = buf;
    void *const *q = start;
    if (steps > n)
        steps = n;
    for (size_t i = 1; i <= steps; i++) {
        const char *next = *(const char *const *)q;
        size_t off = (size_t)(next - lo);
        if (next < lo || off >= size || off % stride) {
            snprintf(err, errlen,
                     "the memory does not hold the chase written to it: element %zu points to "
                     "%p, outside the %zu B buffer at %p or off an element boundary",
                     i - 1, (const void *)next, size, buf);
            return NULL;
        }
        if ((void *)next == start && i < n) {
            snprintf(err, errlen,
                     "the memory does not hold the chase written to it: the cycle of %zu "
                     "elements closes after %zu",
                     n, i);
            return NULL;
        }
        q = (void *const *)next;
    }
    if (steps == n && (const void *)q != start) {
        snprintf(err, errlen,
                 "the memory does not hold the chase written to it: %zu steps did not "
                 "return to the start",
                 n);
        return NULL;
    }
    return (void *)q;
}

#define L1 q = (void **)*q;
#define L4 L1 L1 L1 L1
#define L32 L4 L4 L4 L4 L4 L4 L4 L4

__attribute__((noinline)) void *cxs_chase(void *p, uint64_t nloads)
{
    void **q = p;
    for (uint64_t i = (nloads + CXS_CHASE_UNROLL - 1) / CXS_CHASE_UNROLL; i; i--) {
        L32
    }
    return q;
}
