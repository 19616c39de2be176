/* work.c — cxlscope-tiering's runs (tier.h): the workload threads, the
 * sampler that turns each interval into a row, and the result checks. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "interrupt.h"
#include "oli.h"
#include "threads.h"
#include "tier.h"
#include "timer.h"

#define BATCH 1024 /* accesses between two updates of the shared count */

/* What the workers and the sampler share during one run. */
struct shared {
    const struct tctx *x;
    struct tworkload *wl;
    struct tpages *pg;
    int stop;           /* set by the sampler: finish the batch or iteration */
    uint64_t work;      /* accesses or iterations done, added as they finish */
    uint64_t bad, last; /* table workloads: iterations with a wrong checksum, the last one */
    pthread_t th[CXS_WL_MAXTHREADS];
    int nth;
    struct warg {
        struct shared *s;
        int tid;
    } arg[CXS_WL_MAXTHREADS];
};

/* ---- hotset: random 64 B read-modify-writes, the hot share on the hot set ---- */

static void *hotset_thread(void *arg)
{
    struct shared *s = ((struct warg *)arg)->s;
    int tid = ((struct warg *)arg)->tid;
    cxs_pin_self_cpu(s->x->nd.cpus[tid]);
    char *base = s->pg->buf[0].p;
    uint64_t rng = cxs_hotset_rng_seed(s->x->c.std.seed, tid);
    uint64_t lcg = rng ^ 0x9e3779b97f4a7c15ULL;
    while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
        for (int i = 0; i < BATCH; i++) {
            uint64_t page = cxs_hotset_page(&s->pg->hs, &rng);
            lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t *word = (uint64_t *)(base + page * 4096 + (lcg >> 58) * 64);
            __atomic_fetch_add(word, 1, __ATOMIC_RELAXED);
        }
        __atomic_fetch_add(&s->work, BATCH, __ATOMIC_RELAXED);
    }
    return NULL;
}

/* Every access added one to one 64 B line's first word of a zeroed buffer:
 * their sum is the number of accesses, wherever the pages moved meanwhile. */
static int hotset_check(const struct shared *s)
{
    const struct cxs_buf *b = &s->pg->buf[0];
    uint64_t sum = 0;
    for (size_t off = 0; off + 8 <= b->map_size; off += 64)
        sum += *(const uint64_t *)((const char *)b->p + off);
    if (sum == s->work)
        return 1;
    cxs_error("hotset: the buffer holds %" PRIu64 " increments but %" PRIu64
              " accesses were made: data lost",
              sum, s->work);
    return 0;
}

/* ---- table workloads: whole runs, one after another, each checked ---- */

static int team_fn(int tid, void *arg)
{
    struct shared *s = arg;
    s->wl->w->run_thread(&s->pg->ctx, tid);
    return 0;
}

static void *table_driver(void *arg)
{
    struct shared *s = arg;
    while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
        if (cxs_team_run((size_t)s->pg->ctx.nthreads, s->x->nd.cpus, team_fn, s) != 0) {
            __atomic_store_n(&s->bad, UINT64_MAX, __ATOMIC_RELAXED);
            break;
        }
        uint64_t sum = 0;
        for (int i = 0; i < s->pg->ctx.nthreads; i++)
            sum += s->pg->ctx.part[i];
        if (sum != s->wl->reference) {
            s->last = sum;
            __atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
        }
        __atomic_fetch_add(&s->work, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void start_workers(struct shared *s)
{
    int rc = 0;
    if (!s->wl->w) {
        s->nth = s->x->nthreads;
        for (int i = 0; i < s->nth && !rc; i++) {
            s->arg[i] = (struct warg){s, i};
            rc = pthread_create(&s->th[i], NULL, hotset_thread, &s->arg[i]);
        }
    } else {
        s->nth = 1;
        rc = pthread_create(&s->th[0], NULL, table_driver, s);
    }
    if (rc)
        cxs_run_fail(CXS_EXIT_FAIL, "cannot start the workload threads: %s", strerror(rc));
}

static void stop_workers(struct shared *s)
{
    __atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < s->nth; i++)
        pthread_join(s->th[i], NULL);
}

/* ---- the samples of where the hot and the cold pages are ---- */

struct samples {
    void *hot[SAMPLE_MAX], *cold[SAMPLE_MAX];
    size_t nhot, ncold;
};

/* n pages spread evenly over the pages of the objects marked in want[]. */
static size_t spread(const struct tpages *pg, const int *want, int hot, void **out)
{
    uint64_t total = 0;
    for (size_t i = 0; i < pg->nbuf; i++)
        if (!want[i] == !hot)
            total += cxs_buf_pages(&pg->buf[i]);
    size_t n = total < SAMPLE_MAX ? (size_t)total : SAMPLE_MAX;
    for (size_t k = 0; k < n; k++) {
        uint64_t at = k * total / n;
        for (size_t i = 0; i < pg->nbuf; i++) {
            if (!want[i] != !hot)
                continue;
            uint64_t np = cxs_buf_pages(&pg->buf[i]);
            if (at < np) {
                out[k] = (char *)pg->buf[i].p + at * 4096;
                break;
            }
            at -= np;
        }
    }
    return n;
}

static void take_samples(const struct tpages *pg, const struct tworkload *wl, struct samples *sm)
{
    if (wl->w) {
        sm->nhot = spread(pg, wl->hot, 1, sm->hot);
        sm->ncold = spread(pg, wl->hot, 0, sm->cold);
        return;
    }
    uint64_t idx[SAMPLE_MAX];
    char *base = pg->buf[0].p;
    sm->nhot = cxs_hotset_sample(&pg->hs, 1, SAMPLE_MAX, idx);
    for (size_t k = 0; k < sm->nhot; k++)
        sm->hot[k] = base + idx[k] * 4096;
    sm->ncold = cxs_hotset_sample(&pg->hs, 0, SAMPLE_MAX, idx);
    for (size_t k = 0; k < sm->ncold; k++)
        sm->cold[k] = base + idx[k] * 4096;
}

/* ---- a table workload's profile ---- */

/* The objects' access counts in one counting run on first-touch pages:
 * its hot objects (accesses per byte at least half the densest's) and
 * OLI's plan (oli.h, default thresholds). */
static void profile(const struct tctx *x, struct tworkload *wl, struct tpages *pg)
{
    static uint64_t acc[CXS_WL_MAXTHREADS * CXS_WL_MAXOBJ];
    memset(acc, 0, sizeof acc);
    pg->ctx.acc = acc;
    struct shared s = {.x = x, .wl = wl, .pg = pg};
    if (cxs_team_run((size_t)pg->ctx.nthreads, x->nd.cpus, team_fn, &s) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s: cannot start the workload threads", wl->name);
    pg->ctx.acc = NULL;
    double best = 0;
    struct cxs_oli_obj o[CXS_WL_MAXOBJ];
    for (size_t i = 0; i < wl->nobj; i++) {
        wl->acc[i] = 0;
        for (int t = 0; t < pg->ctx.nthreads; t++)
            wl->acc[i] += acc[(size_t)t * CXS_WL_MAXOBJ + i];
        double d = (double)wl->acc[i] / (double)wl->obj[i].bytes;
        best = d > best ? d : best;
        o[i] = (struct cxs_oli_obj){wl->obj[i].name, wl->obj[i].bytes, wl->acc[i]};
    }
    for (size_t i = 0; i < wl->nobj; i++)
        wl->hot[i] = best > 0 && (double)wl->acc[i] / (double)wl->obj[i].bytes >= best / 2;
    struct cxs_oli_opts opt = CXS_OLI_DEFAULTS;
    char why[CXS_WL_MAXOBJ][128], err[256];
    if (cxs_oli_decide(o, wl->nobj, &opt, wl->oli, why, err, sizeof err) < 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s: OLI: %s", wl->name, err);
}

/* "mg: hot in, rhs; OLI interleaves in" for meta.json. */
static void note_profile(const struct tworkload *wl)
{
    static char notes[MAXWL][400];
    static int n;
    if (n == MAXWL)
        return;
    char *p = notes[n];
    size_t left = sizeof notes[0];
    int w =
        snprintf(p, left, "%s: hot objects (accesses per byte >= half the densest's):", wl->name);
    for (int pass = 0; pass < 2 && w > 0 && (size_t)w < left; pass++) {
        for (size_t i = 0; i < wl->nobj && w > 0 && (size_t)w < left; i++)
            if (pass ? wl->oli[i] : wl->hot[i])
                w += snprintf(p + w, left - (size_t)w, " %s", wl->obj[i].name);
        if (!pass && w > 0 && (size_t)w < left)
            w += snprintf(p + w, left - (size_t)w, "; OLI interleaves:");
    }
    cxs_run_note(notes[n++]);
}

void prepare_table(const struct tctx *x, struct tworkload *wl)
{
    if (!wl->w || wl->prepared)
        return;
    struct tpages pg;
    place_pages(x, PL_FIRST_TOUCH, wl, &pg);
    pg.ctx.nthreads = x->nthreads;
    wl->w->init(&pg.ctx, x->c.std.seed);
    wl->reference = wl->w->reference(&pg.ctx);
    profile(x, wl, &pg);
    free_pages(&pg);
    note_profile(wl);
    wl->prepared = 1;
}

/* ---- one run ---- */

static void sleep_until(const struct timespec *t0, double s)
{
    struct timespec at = *t0;
    double whole = (double)(time_t)s;
    at.tv_sec += (time_t)s;
    at.tv_nsec += (long)((s - whole) * 1e9);
    if (at.tv_nsec >= 1000000000L)
        at.tv_sec++, at.tv_nsec -= 1000000000L;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR &&
           !cxs_stop_requested())
        ;
}

static double since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void read_vmstat(struct cxs_vmstat *v)
{
    char err[512];
    if (cxs_vmstat_read(v, err, sizeof err) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s", err);
}

/* The page pieces of the run's workload, placed and initialised. */
static void set_up(const struct tctx *x, struct trun *r, struct tpages *pg)
{
    char err[512];
    place_pages(x, r->placement, r->wl, pg);
    if (r->wl->w) {
        pg->ctx.nthreads = x->nthreads;
        r->wl->w->init(&pg->ctx, x->c.std.seed);
        return;
    }
    /* Fresh anonymous pages read zero: the check counts from there. */
    if (cxs_hotset_init(&pg->hs, cxs_buf_pages(&pg->buf[0]), x->c.hot_pct, x->c.hot_share,
                        x->c.std.seed, err, sizeof err) != 0)
        cxs_run_fail(CXS_EXIT_USAGE, "hotset: %s", err);
}

/* The intervals: one row each until --duration or a stop request;
 * returns how many. */
static uint64_t sample_loop(const struct tctx *x, struct trun *r, struct shared *s,
                            struct samples *sm)
{
    uint64_t n = (uint64_t)(x->c.duration_s / x->c.interval_s + 1e-9), done_before = 0, i;
    double next_shift = x->c.shift_s, prev_t = 0;
    struct cxs_vmstat before, now, d;
    struct timespec t0;
    read_vmstat(&before);
    now = before; /* which counters the kernel has, even with no interval done */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    start_workers(s);
    for (i = 1; i <= n && !cxs_stop_requested(); i++) {
        sleep_until(&t0, (double)i * x->c.interval_s);
        if (cxs_stop_requested())
            break;
        uint64_t done = __atomic_load_n(&s->work, __ATOMIC_RELAXED);
        double t = since(&t0);
        read_vmstat(&now);
        cxs_vmstat_delta(&before, &now, &d);
        double hot = fast_pct(x, sm->hot, sm->nhot), cold = fast_pct(x, sm->cold, sm->ncold);
        double rate = (double)(done - done_before) / (t - prev_t);
        emit_interval(x, r, i, t, done - done_before, rate, hot, cold, sm->nhot, sm->ncold, &d);
        r->rate[i - 1] = rate;
        for (int k = 0; k < CXS_VMSTAT_N; k++)
            r->total.v[k] += d.v[k];
        if (r->t_hot90 < 0 && hot >= 90)
            r->t_hot90 = t;
        r->hot_end = hot;
        before = now, done_before = done, prev_t = t;
        if (!r->wl->w && x->c.shift_s > 0 && t >= next_shift) {
            cxs_hotset_shift(&s->pg->hs);
            take_samples(s->pg, r->wl, sm);
            next_shift += x->c.shift_s;
        }
    }
    stop_workers(s);
    r->work_total = done_before; /* the rows' sum (what ran after the last row is in none) */
    memcpy(r->total.have, now.have, sizeof now.have);
    return i - 1;
}

int run_one(const struct tctx *x, struct trun *r)
{
    static struct tpages pg;
    struct samples sm;
    set_up(x, r, &pg);
    take_samples(&pg, r->wl, &sm);
    read_labels(r);
    r->hot_start = r->hot_end = fast_pct(x, sm.hot, sm.nhot);
    r->t_hot90 = r->hot_start >= 90 ? 0 : -1;
    memset(&r->total, 0, sizeof r->total);
    struct shared s = {.x = x, .wl = r->wl, .pg = &pg};
    r->intervals = sample_loop(x, r, &s, &sm);
    r->checked = r->wl->w ? s.bad == 0 : hotset_check(&s);
    if (r->wl->w && s.bad)
        cxs_error("%s: %" PRIu64 " iterations gave a checksum other than the reference %" PRIu64
                  " (last %" PRIu64 "): wrong result",
                  r->wl->name, s.bad, r->wl->reference, s.last);
    free_pages(&pg);
    emit_summary(x, r);
    if (!r->checked)
        cxs_run_fail(CXS_EXIT_FAIL, "%s under %s, mode %s: the result check failed", r->wl->name,
                     placement_names[r->placement], mode_names[r->mode]);
    return cxs_stop_requested();
}
