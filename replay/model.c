/* model.c — the XL-Share cache model as a discrete-event simulation (see
 * model.h for the promises).
 *
 * How it runs: a binary min-heap holds the timed events (a layer's run ends;
 * the latency of the transfers that started in one instant ends), ordered by
 * (time, sequence number) so that ties go in the order the events were made.
 * Transfers that are moving data are not in the heap: the moving transfers
 * of one GPU all move at one rate, so a per-GPU progress counter tells how
 * far each has got, each GPU keeps the time its first one completes, and the
 * next completion overall is the least of those. Rates are recomputed once
 * per instant in which transfers started or stopped moving, and a GPU's
 * progress is brought up to date only when its rate changes. The main loop
 * finishes an instant (completions, then timed events, then rates, then the
 * latency of the transfers that started in it) before time moves on.
 * Nothing is allocated per event: the run is O(events x GPUs) at worst, and
 * GPUs that move in step share their instants.
 *
 * The GPUs all move in step: they start together, run the same layers and
 * see the same rates, and what one does in an instant never depends on what
 * another did in it (they meet only in the rates and the curve, computed
 * when the instant's events are done). So one GPU is simulated for all
 * (unless cfg->each_gpu): it counts as mult GPUs in the pool's share and the
 * aggregate, and every count and floating-point sum the GPUs add to gets its
 * share mult times, added one by one as the GPUs in turn would (the same
 * roundings); its latencies are copied to the others. The tests check the
 * result against every GPU simulated, bit for bit.
 */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- the LRU cache ---------------------------------------------------- */

/* Two circular doubly linked lists over the layer indexes: the evictable
 * entries (sentinel n; next of the sentinel is the LRU end, prev the MRU
 * end) and the pinned ones (sentinel n + 1), which eviction never visits. */
struct xs_cache {
    uint64_t cap, used, pinned_used;
    size_t n;
    size_t *prev, *next;
    uint64_t *bytes;
    unsigned char *state; /* 0 absent, 1 cached, 2 cached and pinned */
};

enum { C_ABSENT, C_CACHED, C_PINNED };

struct xs_cache *xs_cache_new(uint64_t capacity, size_t nlayers)
{
    if (nlayers > (SIZE_MAX / sizeof(size_t)) - 2)
        return NULL;
    struct xs_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = capacity;
    c->n = nlayers;
    c->prev = calloc(nlayers + 2, sizeof *c->prev);
    c->next = calloc(nlayers + 2, sizeof *c->next);
    c->bytes = calloc(nlayers + 1, sizeof *c->bytes);
    c->state = calloc(nlayers + 1, 1);
    if (!c->prev || !c->next || !c->bytes || !c->state) {
        xs_cache_free(c);
        return NULL;
    }
    for (size_t s = nlayers; s < nlayers + 2; s++)
        c->prev[s] = c->next[s] = s;
    return c;
}

void xs_cache_free(struct xs_cache *c)
{
    if (!c)
        return;
    free(c->prev);
    free(c->next);
    free(c->bytes);
    free(c->state);
    free(c);
}

int xs_cache_has(const struct xs_cache *c, size_t layer)
{
    return layer < c->n && c->state[layer] != C_ABSENT;
}

static void unlink_node(struct xs_cache *c, size_t i)
{
    c->next[c->prev[i]] = c->next[i];
    c->prev[c->next[i]] = c->prev[i];
}

/* Insert i just before node at (at the list's MRU end when at is the
 * sentinel). */
static void link_before(struct xs_cache *c, size_t i, size_t at)
{
    size_t p = c->prev[at];
    c->next[p] = i;
    c->prev[i] = p;
    c->next[i] = at;
    c->prev[at] = i;
}

void xs_cache_touch(struct xs_cache *c, size_t layer)
{
    if (!xs_cache_has(c, layer))
        return;
    unlink_node(c, layer);
    link_before(c, layer, c->state[layer] == C_PINNED ? c->n + 1 : c->n);
}

void xs_cache_mark(struct xs_cache *c, size_t layer)
{
    if (!xs_cache_has(c, layer) || c->state[layer] == C_PINNED)
        return;
    unlink_node(c, layer);
    link_before(c, layer, c->next[c->n]); /* before the LRU entry */
}

int xs_cache_put(struct xs_cache *c, size_t layer, uint64_t bytes, int pinned, size_t *evicted,
                 size_t *nevicted)
{
    if (nevicted)
        *nevicted = 0;
    if (layer >= c->n)
        return 0;
    if (c->state[layer] != C_ABSENT) { /* not expected: count it as a touch */
        xs_cache_touch(c, layer);
        return 1;
    }
    if (bytes > c->cap - c->pinned_used)
        return 0;
    size_t ne = 0;
    while (bytes > c->cap - c->used) {
        size_t v = c->next[c->n]; /* never the sentinel: see the check above */
        unlink_node(c, v);
        c->state[v] = C_ABSENT;
        c->used -= c->bytes[v];
        if (evicted)
            evicted[ne] = v;
        ne++;
    }
    if (nevicted)
        *nevicted = ne;
    c->bytes[layer] = bytes;
    c->used += bytes;
    if (pinned) {
        c->state[layer] = C_PINNED;
        c->pinned_used += bytes;
        link_before(c, layer, c->n + 1);
    } else {
        c->state[layer] = C_CACHED;
        link_before(c, layer, c->n);
    }
    return 1;
}

uint64_t xs_cache_used(const struct xs_cache *c)
{
    return c->used;
}

size_t xs_cache_order(const struct xs_cache *c, size_t *out, size_t max)
{
    size_t k = 0;
    for (size_t s = c->n + 1;; s = c->n) { /* pinned first, then LRU -> MRU */
        for (size_t i = c->next[s]; i != s && k < max; i = c->next[i])
            out[k++] = i;
        if (s == c->n)
            break;
    }
    return k;
}

/* ---- the simulation --------------------------------------------------- */

/* Timed events: a GPU's layer run ends (who: the GPU), or the latency of
 * the transfers that started in one instant ends (who: the first of them, as
 * gpu x nslots + slot; the others follow in the sim's batch links). */
enum { EV_RUN_END, EV_LAT_END };

struct ev {
    double t;
    uint64_t seq;
    uint32_t who, what;
};

#define NO_XFER UINT32_MAX

/* Events this close (relative to the time) are at the same instant: the
 * rounding of sums of times, with some room. */
#define INSTANT 1e-14

enum { XF_FREE, XF_LATENCY, XF_MOVING };

struct xfer {
    double fin; /* moving: done when its GPU's prog reaches fin */
    size_t layer;
    int state, prefetch;
};

/* Per-layer flags of one GPU. */
enum { F_QUEUED = 1, F_INFLIGHT = 2, F_UNUSED_PF = 4 };

struct qent {
    uint64_t pos; /* position in the GPU's stream of layers (inference x L + layer) */
    size_t layer;
};

struct gpu {
    struct xs_cache *cache;
    unsigned char *flag;
    struct xfer *slot; /* slot 0: the demand fetch; 1..: prefetches */
    struct qent *q;    /* queued prefetches, by position (nearest first) */
    size_t qlen;
    unsigned pf_inflight, nmoving;
    int mdirty; /* its moving set changed since the rates were computed */
    /* Its moving transfers all move at rate (bytes/ns), so one number tells
     * how far each has got: prog, the bytes each has moved since an origin
     * (as of t_sync). A transfer is done when prog reaches its fin. */
    double rate, prog, t_sync;
    double fmin;        /* the least fin of its moving transfers */
    unsigned comp_slot; /* the (first) transfer with that fin: it completes first */
    /* engine */
    uint64_t pos, inference;
    size_t layer;
    int waiting;
    double wait_since, infer_start, end;
};

struct sim {
    const struct xs_layer *layers;
    size_t nl;
    const struct xs_link *link;
    const struct xs_config *cfg;
    double *runtime; /* per layer */
    double *bytes;   /* per layer, as a double */
    double *share;   /* gpu_gbps / n for n = 0 .. nslots (share[0] unused) */
    struct gpu *gpu;
    unsigned ngpu, nslots, workers; /* workers: the effective limit */
    /* GPUs each simulated one stands for: cfg->gpus when one runs for all
     * (they move in lockstep), else 1. Every shared count and sum adds its
     * share mult times, in the order the GPUs one by one would. */
    unsigned mult;
    size_t qcap;
    uint64_t total; /* layer runs per GPU */
    double *lat;
    size_t *evicted;
    /* Transfers in their latency, linked by start instant (batch[id]: the
     * next one, or NO_XFER); pending_* the ones started at s->now. */
    uint32_t *batch;
    uint32_t pending_head, pending_tail;

    struct ev *heap;
    size_t nheap;
    uint64_t seq;
    double now;

    double *comp; /* per GPU: when its first moving transfer completes (or INFINITY) */
    double nc;    /* the least of comp, at GPU ng, when nc_ok */
    unsigned ng;
    int nc_ok;
    unsigned nmoving;
    int dirty;
    double agg;              /* sum of the moving transfers' rates */
    double each_v, each_sum; /* sum_each's last value and its sum */

    double extra_sum;
    uint64_t nfetch;
    struct xs_result r;
    const char *overflow; /* the first byte count that overflowed: the run stops */
};

/* *x += v for each GPU the simulated one stands for, checked: an overflow
 * stops the run naming the count (the same event as the GPUs' own sums
 * would overflow at, one by one). */
static void add_bytes(struct sim *s, uint64_t *x, uint64_t v, const char *what)
{
    uint64_t m;
    if ((__builtin_mul_overflow(v, (uint64_t)s->mult, &m) || __builtin_add_overflow(*x, m, x)) &&
        !s->overflow)
        s->overflow = what;
}

/* sum += v once for each GPU the simulated one stands for: the GPUs one by
 * one add the same v in turn, so the rounding is theirs. Adding 0 changes
 * nothing (the sums start at +0 and add values >= 0: never -0). */
static void add_each(const struct sim *s, double *sum, double v)
{
    if (v == 0)
        return;
    for (unsigned i = 0; i < s->mult; i++)
        *sum += v;
}

/* 0 + v + ... + v (mult times), as add_each sums it; the last v's sum is
 * kept, since the rates take few values. */
static double sum_each(struct sim *s, double v)
{
    if (v != s->each_v) {
        s->each_v = v;
        s->each_sum = 0;
        add_each(s, &s->each_sum, v);
    }
    return s->each_sum;
}

static int ev_less(const struct ev *a, const struct ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(struct sim *s, double t, uint32_t who, uint32_t what)
{
    struct ev e = {t, s->seq++, who, what};
    size_t i = s->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_less(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
}

static struct ev heap_pop(struct sim *s)
{
    struct ev top = s->heap[0];
    struct ev last = s->heap[--s->nheap];
    size_t n = s->nheap, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!ev_less(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

/* The loaded-latency curve's extra at aggregate bandwidth agg (GB/s). */
static double curve_extra(const struct xs_link *l, double agg)
{
    size_t n = l->ncurve;
    if (n == 0)
        return 0;
    const double *g = l->curve_gbps, *e = l->curve_extra_ns;
    if (agg <= g[0])
        return e[0];
    if (agg >= g[n - 1])
        return e[n - 1];
    size_t i = 1;
    while (agg > g[i])
        i++;
    return e[i - 1] + (agg - g[i - 1]) / (g[i] - g[i - 1]) * (e[i] - e[i - 1]);
}

static void sync_gpu(struct gpu *u, double now)
{
    if (u->nmoving)
        u->prog += u->rate * (now - u->t_sync);
    u->t_sync = now;
}

/* Rates after the moving sets changed at s->now: each moving transfer gets
 * min(gpu_gbps / its GPU's movers, pool_gbps / all movers). */
static void recompute(struct sim *s)
{
    double now = s->now, pool = s->link->pool_gbps;
    double pool_share = (pool > 0 && s->nmoving) ? pool / s->nmoving : INFINITY;
    double agg = 0;
    for (unsigned g = 0; g < s->ngpu; g++) {
        struct gpu *u = &s->gpu[g];
        double r = 0;
        if (u->nmoving) {
            r = s->share[u->nmoving];
            if (pool_share < r)
                r = pool_share;
        }
        if (u->mdirty || r != u->rate) {
            sync_gpu(u, now);
            u->rate = r;
            u->mdirty = 0;
            double left = u->fmin - u->prog; /* below 0 only by rounding */
            s->comp[g] = u->nmoving ? now + (left > 0 ? left / r : 0) : INFINITY;
            s->nc_ok = 0;
        }
        agg += sum_each(s, r * u->nmoving); /* 0 + the sum: that sum, exactly */
    }
    s->agg = agg;
    s->dirty = 0;
}

/* A transfer starts now; its latency is set when the instant ends (see
 * flush_starts). */
static void start_xfer(struct sim *s, unsigned g, unsigned k, size_t layer, int prefetch)
{
    struct gpu *u = &s->gpu[g];
    u->slot[k].state = XF_LATENCY;
    u->slot[k].layer = layer;
    u->slot[k].prefetch = prefetch;
    u->flag[layer] |= F_INFLIGHT;
    if (prefetch) {
        u->pf_inflight++;
        s->r.prefetches += s->mult;
        add_bytes(s, &s->r.prefetched_bytes, s->layers[layer].bytes, "prefetched_bytes");
    } else {
        s->r.demand_fetches += s->mult;
    }
    uint32_t id = g * s->nslots + k;
    s->batch[id] = NO_XFER;
    if (s->pending_head == NO_XFER)
        s->pending_head = id;
    else
        s->batch[s->pending_tail] = id;
    s->pending_tail = id;
}

/* The instant is over (every completion, latency end and engine step at
 * s->now is done and the rates are current): the transfers that started in
 * it get their latency, with the curve read at the aggregate bandwidth now in
 * use. All of them see the same aggregate, whatever order they started in. */
static void flush_starts(struct sim *s)
{
    double extra = curve_extra(s->link, s->agg);
    double lat = s->link->latency_ns + extra;
    if (lat < 0)
        lat = 0;
    for (uint32_t id = s->pending_head; id != NO_XFER; id = s->batch[id]) {
        add_each(s, &s->extra_sum, extra);
        s->nfetch += s->mult;
    }
    heap_push(s, s->now + lat, s->pending_head, EV_LAT_END);
    s->pending_head = NO_XFER;
}

static void run_layer(struct sim *s, unsigned g)
{
    struct gpu *u = &s->gpu[g];
    s->r.accesses += s->mult;
    add_bytes(s, &s->r.bytes_accessed, s->layers[u->layer].bytes, "bytes_accessed");
    heap_push(s, s->now + s->runtime[u->layer], g, EV_RUN_END);
}

/* Queue prefetches of the next lookahead positions (across the inference
 * boundary) that are neither cached, in flight nor queued. */
static void enqueue_window(struct sim *s, struct gpu *u)
{
    if (!s->workers)
        return;
    uint64_t left = s->total - 1 - u->pos, n = s->cfg->lookahead;
    if (n > s->nl)
        n = s->nl; /* beyond that the layers repeat */
    if (n > left)
        n = left;
    size_t y = u->layer;
    for (uint64_t j = 1; j <= n; j++) {
        if (++y == s->nl)
            y = 0;
        if ((u->flag[y] & (F_QUEUED | F_INFLIGHT)) || xs_cache_has(u->cache, y))
            continue;
        if (u->qlen == s->qcap) /* cannot happen: queued positions are distinct and ahead */
            break;
        uint64_t pos = u->pos + j;
        size_t i = u->qlen++;
        while (i > 0 && u->q[i - 1].pos > pos) {
            u->q[i] = u->q[i - 1];
            i--;
        }
        u->q[i] = (struct qent){pos, y};
        u->flag[y] |= F_QUEUED;
    }
}

static void dispatch(struct sim *s, unsigned g)
{
    struct gpu *u = &s->gpu[g];
    while (u->pf_inflight < s->workers && u->qlen) {
        size_t y = u->q[0].layer;
        u->qlen--;
        for (size_t i = 0; i < u->qlen; i++)
            u->q[i] = u->q[i + 1];
        u->flag[y] &= (unsigned char)~F_QUEUED;
        if ((u->flag[y] & F_INFLIGHT) || xs_cache_has(u->cache, y))
            continue;
        unsigned k = 1;
        while (u->slot[k].state != XF_FREE)
            k++;
        start_xfer(s, g, k, y, 1);
    }
}

/* The engine of GPU g asks for the layer at its position. */
static void ask(struct sim *s, unsigned g)
{
    struct gpu *u = &s->gpu[g];
    size_t x = u->layer;
    uint64_t b = s->layers[x].bytes;
    if (x == 0)
        u->infer_start = s->now;
    if (xs_cache_has(u->cache, x)) {
        s->r.hits += s->mult;
        add_bytes(s, &s->r.bytes_hit, b, "bytes_hit");
        xs_cache_touch(u->cache, x);
        if (u->flag[x] & F_UNUSED_PF) {
            add_bytes(s, &s->r.prefetched_used_bytes, b, "prefetched_used_bytes");
            u->flag[x] &= (unsigned char)~F_UNUSED_PF;
        }
        enqueue_window(s, u);
        dispatch(s, g);
        run_layer(s, g);
        return;
    }
    u->waiting = 1;
    u->wait_since = s->now;
    if (!(u->flag[x] & F_INFLIGHT)) { /* demand fetch, replacing a queued prefetch */
        if (u->flag[x] & F_QUEUED) {
            size_t i = 0;
            while (u->q[i].layer != x)
                i++;
            memmove(u->q + i, u->q + i + 1, (--u->qlen - i) * sizeof *u->q);
            u->flag[x] &= (unsigned char)~F_QUEUED;
        }
        start_xfer(s, g, 0, x, 0);
    }
    enqueue_window(s, u);
    dispatch(s, g);
}

static void run_end(struct sim *s, unsigned g)
{
    struct gpu *u = &s->gpu[g];
    if (s->layers[u->layer].single_use)
        xs_cache_mark(u->cache, u->layer);
    if (++u->layer == s->nl) {
        s->lat[(size_t)g * s->cfg->inferences + u->inference] = s->now - u->infer_start;
        u->inference++;
        u->layer = 0;
    }
    if (++u->pos == s->total) {
        u->end = s->now;
        return;
    }
    ask(s, g);
}

static void lat_end(struct sim *s, unsigned g, unsigned k)
{
    struct gpu *u = &s->gpu[g];
    sync_gpu(u, s->now);
    if (!u->nmoving)
        u->prog = 0;
    double fin = u->prog + s->bytes[u->slot[k].layer];
    u->slot[k].state = XF_MOVING;
    u->slot[k].fin = fin;
    if (!u->nmoving || fin < u->fmin || (fin == u->fmin && k < u->comp_slot)) {
        u->fmin = fin;
        u->comp_slot = k;
    }
    u->nmoving++;
    s->nmoving += s->mult;
    u->mdirty = 1;
    s->dirty = 1;
}

/* A transfer has moved its last byte: the layer lands. Transfers of one GPU
 * that complete in the same instant land in slot order (the demand fetch
 * first), whatever rounding says. */
static void land(struct sim *s, unsigned g, unsigned k)
{
    struct gpu *u = &s->gpu[g];
    double tol = u->rate * s->now * INSTANT; /* bytes moved in rounding's time */
    for (unsigned j = 0; j < k; j++)
        if (u->slot[j].state == XF_MOVING && u->slot[j].fin - u->slot[k].fin <= tol) {
            k = j;
            break;
        }
    struct xfer *xf = &u->slot[k];
    size_t x = xf->layer;
    const struct xs_layer *L = &s->layers[x];
    int pf = xf->prefetch;
    /* It is done: its GPU's progress is its fin, exactly. Measure progress
     * from here on (rounding stays small), so that a transfer that moved in
     * step with this one has 0 left and completes now too. */
    u->t_sync = s->now;
    double done = xf->fin;
    xf->state = XF_FREE;
    unsigned next = s->nslots; /* the first of those, if any */
    u->fmin = INFINITY;
    for (unsigned j = 0; j < s->nslots; j++)
        if (u->slot[j].state == XF_MOVING) {
            double f = u->slot[j].fin -= done;
            if (f <= tol && next == s->nslots)
                next = j;
            if (f < u->fmin) {
                u->fmin = f;
                u->comp_slot = j;
            }
        }
    u->prog = 0;
    if (next < s->nslots) { /* it completes now, before any timed event */
        s->comp[g] = s->now;
        u->fmin = u->slot[next].fin;
        u->comp_slot = next;
        s->nc = s->now;
        s->ng = g;
        s->nc_ok = 1;
    } else {
        s->comp[g] = INFINITY; /* until the rates are recomputed */
        if (s->nc_ok && s->ng == g) {
            /* ng was the first GPU with the least comp: the next is a later
             * one with the same comp (GPUs in step), or a full scan tells */
            s->nc_ok = 0;
            for (unsigned j = g + 1; j < s->ngpu; j++)
                if (s->comp[j] == s->nc) {
                    s->ng = j;
                    s->nc_ok = 1;
                    break;
                }
        }
    }
    u->nmoving--;
    s->nmoving -= s->mult;
    u->mdirty = 1;
    s->dirty = 1;
    u->flag[x] &= (unsigned char)~F_INFLIGHT;
    add_bytes(s, &s->r.fetched_bytes, L->bytes, "fetched_bytes");
    size_t ne = 0;
    int cached = xs_cache_put(u->cache, x, L->bytes, L->pinned, s->evicted, &ne);
    for (size_t i = 0; i < ne; i++)
        s->gpu[g].flag[s->evicted[i]] &= (unsigned char)~F_UNUSED_PF;
    if (cached && xs_cache_used(u->cache) > s->r.cache_peak_bytes)
        s->r.cache_peak_bytes = xs_cache_used(u->cache);
    if (pf)
        u->pf_inflight--;
    if (u->waiting && u->layer == x) {
        u->waiting = 0;
        add_each(s, &s->r.stall_ns, s->now - u->wait_since);
        if (pf)
            add_bytes(s, &s->r.prefetched_used_bytes, L->bytes, "prefetched_used_bytes");
        run_layer(s, g);
    } else if (pf && cached) {
        u->flag[x] |= F_UNUSED_PF;
    }
    if (pf)
        dispatch(s, g);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q quantile by linear interpolation (type 7) of the n x m values that
 * sorted v holds each m times (v[j / m] is the j-th of them). */
static double quantile(const double *v, size_t n, size_t m, double q)
{
    size_t nm = n * m;
    double h = (double)(nm - 1) * q;
    size_t lo = (size_t)h;
    if (lo + 1 >= nm)
        return v[(nm - 1) / m];
    return v[lo / m] + (h - (double)lo) * (v[(lo + 1) / m] - v[lo / m]);
}

static int check(const struct xs_layer *layers, size_t nlayers, const struct xs_link *link,
                 const struct xs_config *cfg, char *err, size_t errlen)
{
    if (!layers || nlayers == 0)
        return fail(err, errlen, "the model has no layers");
    if (!link || !cfg)
        return fail(err, errlen, "no link or no configuration");
    uint64_t model = 0, read;
    for (size_t i = 0; i < nlayers; i++) {
        if (layers[i].bytes == 0)
            return fail(err, errlen, "layer %zu (%.63s) has 0 bytes", i, layers[i].name);
        if (__builtin_add_overflow(model, layers[i].bytes, &model))
            return fail(err, errlen, "the model's bytes (the sum of its layers') overflow 64 bits");
        if (!(layers[i].compute_ns >= 0) || !isfinite(layers[i].compute_ns))
            return fail(err, errlen, "layer %zu (%.63s) has a compute time that is not >= 0", i,
                        layers[i].name);
    }
    if (cfg->gpus == 0)
        return fail(err, errlen, "gpus must be >= 1");
    if (cfg->inferences == 0)
        return fail(err, errlen, "inferences must be >= 1");
    /* every layer has a byte or more: this bounds the accesses too */
    if (__builtin_mul_overflow(model, cfg->inferences, &read) ||
        __builtin_mul_overflow(read, (uint64_t)cfg->gpus, &read))
        return fail(err, errlen,
                    "the bytes the GPUs read (GPUs x inferences x the model's bytes) overflow 64 "
                    "bits");
    if (!(cfg->hbm_gbps > 0) || !isfinite(cfg->hbm_gbps))
        return fail(err, errlen, "hbm_gbps must be > 0 (got %g)", cfg->hbm_gbps);
    if (!(link->gpu_gbps > 0) || !isfinite(link->gpu_gbps))
        return fail(err, errlen, "gpu_gbps must be > 0 (got %g)", link->gpu_gbps);
    if (!(link->pool_gbps >= 0) || !isfinite(link->pool_gbps))
        return fail(err, errlen, "pool_gbps must be > 0, or 0 for no ceiling (got %g)",
                    link->pool_gbps);
    if (!(link->latency_ns >= 0) || !isfinite(link->latency_ns))
        return fail(err, errlen, "latency_ns must be >= 0 (got %g)", link->latency_ns);
    if (link->ncurve > XS_MAX_CURVE)
        return fail(err, errlen, "the loaded-latency curve has %zu points (at most %d)",
                    link->ncurve, XS_MAX_CURVE);
    for (size_t i = 0; i < link->ncurve; i++) {
        if (!isfinite(link->curve_gbps[i]) || !isfinite(link->curve_extra_ns[i]))
            return fail(err, errlen, "loaded-latency curve point %zu is not a finite number", i);
        if (i > 0 && !(link->curve_gbps[i] > link->curve_gbps[i - 1]))
            return fail(err, errlen,
                        "the loaded-latency curve is not ascending in GB/s at point %zu "
                        "(%g after %g)",
                        i, link->curve_gbps[i], link->curve_gbps[i - 1]);
    }
    uint64_t w = cfg->workers, la = cfg->lookahead < nlayers ? cfg->lookahead : nlayers;
    if ((uint64_t)cfg->gpus * (1 + (w < la ? w : la)) >= UINT32_MAX)
        return fail(err, errlen, "too many GPUs (%u)", cfg->gpus);
    if (cfg->inferences > UINT64_MAX / nlayers ||
        cfg->inferences > SIZE_MAX / sizeof(double) / cfg->gpus)
        return fail(err, errlen, "too many inferences (%llu)", (unsigned long long)cfg->inferences);
    return 0;
}

static void sim_free(struct sim *s)
{
    if (s->gpu)
        for (unsigned g = 0; g < s->ngpu; g++) {
            xs_cache_free(s->gpu[g].cache);
            free(s->gpu[g].flag);
            free(s->gpu[g].slot);
            free(s->gpu[g].q);
        }
    free(s->gpu);
    free(s->runtime);
    free(s->bytes);
    free(s->share);
    free(s->evicted);
    free(s->batch);
    free(s->comp);
    free(s->heap);
}

static int sim_init(struct sim *s, double *lat)
{
    const struct xs_config *cfg = s->cfg;
    size_t nl = s->nl;
    uint64_t la = cfg->lookahead < nl ? cfg->lookahead : nl;
    s->qcap = (size_t)la;
    /* prefetches in flight never exceed the queue's distinct layers */
    s->workers = cfg->workers < la ? cfg->workers : (unsigned)la;
    s->nslots = 1 + s->workers;
    s->ngpu = cfg->each_gpu ? cfg->gpus : 1;
    s->mult = cfg->gpus / s->ngpu;
    s->total = cfg->inferences * nl;
    s->lat = lat;
    s->runtime = calloc(nl, sizeof *s->runtime);
    s->bytes = calloc(nl, sizeof *s->bytes);
    s->share = calloc(s->nslots + 1, sizeof *s->share);
    s->evicted = calloc(nl, sizeof *s->evicted);
    s->gpu = calloc(s->ngpu, sizeof *s->gpu);
    size_t hcap = (size_t)s->ngpu * (1 + s->nslots);
    s->heap = calloc(hcap, sizeof *s->heap);
    s->batch = calloc((size_t)s->ngpu * s->nslots, sizeof *s->batch); /* < 2^32: check() */
    s->pending_head = NO_XFER;
    s->comp = calloc(s->ngpu, sizeof *s->comp);
    if (!s->runtime || !s->bytes || !s->share || !s->evicted || !s->gpu || !s->heap || !s->batch ||
        !s->comp)
        return -1;
    for (unsigned n = 0; n <= s->nslots; n++)
        s->share[n] = n ? s->link->gpu_gbps / n : 0;
    for (size_t i = 0; i < nl; i++) {
        s->bytes[i] = (double)s->layers[i].bytes;
        double io = (double)s->layers[i].bytes / cfg->hbm_gbps;
        s->runtime[i] = s->layers[i].compute_ns > io ? s->layers[i].compute_ns : io;
    }
    for (unsigned g = 0; g < s->ngpu; g++) {
        struct gpu *u = &s->gpu[g];
        u->cache = xs_cache_new(cfg->cache_bytes, nl);
        u->flag = calloc(nl, 1);
        u->slot = calloc(s->nslots, sizeof *u->slot);
        u->q = calloc(s->qcap ? s->qcap : 1, sizeof *u->q);
        if (!u->cache || !u->flag || !u->slot || !u->q)
            return -1;
    }
    for (unsigned g = 0; g < s->ngpu; g++)
        s->comp[g] = INFINITY;
    return 0;
}

/* The GPUs one simulated GPU stands for ran as it did: their latencies are
 * copies of its, and the statistics are those of every GPU's latencies
 * (sorting one copy: the quantiles index the m copies). */
static void summarize(struct sim *s, double *sorted)
{
    struct xs_result *r = &s->r;
    size_t ng = s->ngpu, m = s->mult;
    uint64_t inf = s->cfg->inferences;
    for (size_t g = 1; g < m; g++)
        memcpy(s->lat + g * inf, s->lat, inf * sizeof *s->lat);
    for (size_t g = 0; g < ng; g++) {
        sorted[g] = s->lat[g * inf];
        if (s->gpu[g].end > r->makespan_ns)
            r->makespan_ns = s->gpu[g].end;
    }
    qsort(sorted, ng, sizeof *sorted, cmp_double);
    r->cold_median_ns = quantile(sorted, ng, m, 0.5);
    r->cold_p95_ns = quantile(sorted, ng, m, 0.95);
    if (inf > 1) {
        size_t nw = 0;
        double sum = 0;
        for (size_t g = 0; g < ng; g++)
            for (uint64_t k = 1; k < inf; k++)
                sorted[nw++] = s->lat[g * inf + k];
        for (size_t g = 0; g < ng * m; g++) /* every GPU's, in the order of the GPUs */
            for (uint64_t k = 1; k < inf; k++)
                sum += s->lat[g * inf + k];
        qsort(sorted, nw, sizeof *sorted, cmp_double);
        r->warm_median_ns = quantile(sorted, nw, m, 0.5);
        r->warm_p95_ns = quantile(sorted, nw, m, 0.95);
        r->warm_mean_ns = sum / (double)(nw * m);
    }
    double ceiling =
        s->link->pool_gbps > 0 ? s->link->pool_gbps : (double)(ng * m) * s->link->gpu_gbps;
    if (r->makespan_ns > 0)
        r->pool_utilization = (double)r->fetched_bytes / (r->makespan_ns * ceiling);
    r->mean_latency_extra_ns = s->nfetch ? s->extra_sum / (double)s->nfetch : 0;
}

int xs_simulate(const struct xs_layer *layers, size_t nlayers, const struct xs_link *link,
                const struct xs_config *cfg, struct xs_result *out, double *latencies, char *err,
                size_t errlen)
{
    if (check(layers, nlayers, link, cfg, err, errlen) < 0)
        return -1;
    if (!out)
        return fail(err, errlen, "no result to fill");
    struct sim s = {.layers = layers, .nl = nlayers, .link = link, .cfg = cfg};
    size_t nlat = (size_t)cfg->gpus * (size_t)cfg->inferences;
    double *own = latencies ? NULL : calloc(nlat, sizeof *own);
    double *sorted = calloc(nlat, sizeof *sorted);
    if ((!latencies && !own) || !sorted || sim_init(&s, latencies ? latencies : own) < 0) {
        sim_free(&s);
        free(own);
        free(sorted);
        return fail(err, errlen, "out of memory");
    }

    for (unsigned g = 0; g < s.ngpu; g++)
        ask(&s, g);
    /* Each pass handles one thing at the instant s.now, in this order:
     * transfers completing, timed events, new rates, new transfers' latency;
     * then time moves on. Times that differ by rounding only (relative
     * INSTANT) are one instant: a transfer that lands when a layer's run
     * ends, by two sums that round differently, still lands first. (Each
     * thing still happens at its own time: an instant may drift that
     * little.) */
    uint64_t steps = 0;
    int stopped = 0;
    while (!s.overflow) {
        if (cfg->stop && ++steps % XS_STOP_EVERY == 0 && cfg->stop()) {
            stopped = 1;
            break;
        }
        if (!s.nc_ok) {
            s.nc = INFINITY;
            s.ng = 0;
            for (unsigned g = 0; g < s.ngpu; g++)
                if (s.comp[g] < s.nc) {
                    s.nc = s.comp[g];
                    s.ng = g;
                }
            s.nc_ok = 1;
        }
        double top = s.nheap ? s.heap[0].t : INFINITY;
        double lim = s.now + s.now * INSTANT;
        if (s.nc <= lim) {
            if (s.nc > s.now)
                s.now = s.nc;
            land(&s, s.ng, s.gpu[s.ng].comp_slot);
        } else if (top <= lim) {
            struct ev e = heap_pop(&s);
            if (e.t > s.now)
                s.now = e.t;
            if (e.what == EV_RUN_END)
                run_end(&s, e.who);
            else
                for (uint32_t id = e.who; id != NO_XFER; id = s.batch[id])
                    lat_end(&s, id / s.nslots, id % s.nslots);
        } else if (s.dirty) {
            recompute(&s);
        } else if (s.pending_head != NO_XFER) {
            flush_starts(&s);
        } else if (s.nc < INFINITY || top < INFINITY) {
            s.now = s.nc < top ? s.nc : top;
        } else {
            break;
        }
    }

    int rc = 0;
    if (stopped)
        rc = XS_STOPPED;
    else if (s.overflow)
        rc = fail(err, errlen, "%s overflow 64 bits (a byte count of the run)", s.overflow),
        rc = XS_OVERFLOW;
    else
        summarize(&s, sorted), *out = s.r;
    sim_free(&s);
    free(own);
    free(sorted);
    return rc;
}
