/* wl_selftest — checks the built-in workloads of common/workload.h on the
 * CPU: the split, each layout's rules (a too-small size refused with the
 * minimum named), run checksums against reference() with 1, 2, 3 and 7
 * threads (the float workloads' bits too), init's determinism and the
 * profiling counts.
 * Prints TAP lines; exit 1 if any check failed. */
#include "workload.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

#define MAXNT 7 /* the most threads a run is tried with */
static const int run_threads[] = {1, 2, 3, MAXNT};

__attribute__((format(printf, 2, 3))) static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s - ", ok ? "ok" : "not ok");
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    failed |= !ok;
}

struct job {
    const struct cxs_workload *wl;
    struct cxs_wl_ctx *ctx;
    int tid;
};

static void *worker(void *p)
{
    struct job *j = p;
    j->wl->run_thread(j->ctx, j->tid);
    return NULL;
}

/* One run with nt threads; the checksum, and the counts summed over threads into sum. */
static uint64_t run(const struct cxs_workload *wl, struct cxs_wl_ctx *ctx, int nt, uint64_t *sum)
{
    static uint64_t acc[MAXNT * CXS_WL_MAXOBJ];
    pthread_t th[MAXNT];
    struct job jobs[MAXNT];
    memset(acc, 0, sizeof acc);
    ctx->nthreads = nt;
    ctx->acc = sum ? acc : NULL;
    for (int t = 0; t < nt; t++) {
        jobs[t] = (struct job){wl, ctx, t};
        if (pthread_create(&th[t], NULL, worker, &jobs[t])) {
            perror("pthread_create");
            exit(1);
        }
    }
    uint64_t s = 0;
    for (int t = 0; t < nt; t++) {
        pthread_join(th[t], NULL);
        s += ctx->part[t];
    }
    for (size_t o = 0; sum && o < CXS_WL_MAXOBJ; o++) {
        sum[o] = 0;
        for (int t = 0; t < nt; t++)
            sum[o] += acc[t * CXS_WL_MAXOBJ + o];
    }
    return s;
}

static int check_split(void)
{
    static const uint64_t ns[] = {0, 1, 7, 31, 100, 1000, 4099};
    static const uint64_t aligns[] = {1, 4, 8, 32};
    static const int nts[] = {1, 2, 3, 5, 64};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof aligns / sizeof aligns[0]; b++)
            for (size_t c = 0; c < sizeof nts / sizeof nts[0]; c++) {
                uint64_t n = ns[a], al = aligns[b], next = 0, lo, hi;
                for (int t = 0; t < nts[c]; t++) {
                    cxs_wl_split(n, t, nts[c], al, &lo, &hi);
                    if (lo != next || hi < lo || lo % al || (t < nts[c] - 1 && hi % al))
                        return 0;
                    next = hi;
                }
                if (next != n)
                    return 0;
            }
    return 1;
}

static void test(const struct cxs_workload *wl, uint64_t size)
{
    static struct cxs_wl_ctx ctx, ctx2;
    char err[128] = "";
    memset(&ctx, 0, sizeof ctx);
    size_t nobj = wl->layout(size, ctx.obj, err, sizeof err);
    check(nobj > 0 && nobj <= CXS_WL_MAXOBJ, "%s %llu: layout gives %zu objects", wl->name,
          (unsigned long long)size, nobj);
    if (!nobj || nobj > CXS_WL_MAXOBJ) {
        printf("# %s\n", err);
        return;
    }
    ctx.nobj = nobj;
    uint64_t total = 0;
    int shapes = 1;
    for (size_t o = 0; o < nobj; o++) {
        total += ctx.obj[o].bytes;
        shapes &= ctx.obj[o].bytes >= 4096 && ctx.obj[o].bytes % 64 == 0 && ctx.obj[o].name[0] &&
                  strlen(ctx.obj[o].name) < 32;
    }
    uint64_t diff = total > size ? total - size : size - total;
    check(diff * 100 <= size, "%s %llu: objects total %llu, within 1 %%", wl->name,
          (unsigned long long)size, (unsigned long long)total);
    check(shapes, "%s %llu: every object named, >= 4096 bytes, a multiple of 64", wl->name,
          (unsigned long long)size);

    ctx2 = ctx;
    for (size_t o = 0; o < nobj; o++) {
        ctx.ptr[o] = aligned_alloc(64, ctx.obj[o].bytes);
        ctx2.ptr[o] = aligned_alloc(64, ctx.obj[o].bytes);
        if (!ctx.ptr[o] || !ctx2.ptr[o]) {
            perror("aligned_alloc");
            exit(1);
        }
        memset(ctx2.ptr[o], 0xa5, ctx.obj[o].bytes);
    }
    wl->init(&ctx, 42);
    wl->init(&ctx2, 42);
    int same = 1;
    for (size_t o = 0; o < nobj; o++)
        same &= !memcmp(ctx.ptr[o], ctx2.ptr[o], ctx.obj[o].bytes);
    check(same, "%s %llu: init is deterministic", wl->name, (unsigned long long)size);

    uint64_t ref = wl->reference(&ctx);
    check(ref != 0, "%s %llu: reference %016llx is not zero", wl->name, (unsigned long long)size,
          (unsigned long long)ref);
    for (size_t k = 0; k < sizeof run_threads / sizeof run_threads[0]; k++) {
        uint64_t got = run(wl, &ctx, run_threads[k], NULL);
        check(got == ref, "%s %llu: %d threads give %016llx, reference %016llx", wl->name,
              (unsigned long long)size, run_threads[k], (unsigned long long)got,
              (unsigned long long)ref);
    }
    /* a run reads its inputs and rewrites its outputs with the same bytes */
    for (size_t o = 0; o < nobj; o++)
        memcpy(ctx2.ptr[o], ctx.ptr[o], ctx.obj[o].bytes);
    run(wl, &ctx, 3, NULL);
    same = 1;
    for (size_t o = 0; o < nobj; o++)
        same &= !memcmp(ctx.ptr[o], ctx2.ptr[o], ctx.obj[o].bytes);
    check(same, "%s %llu: another run leaves every object byte for byte as it was", wl->name,
          (unsigned long long)size);
    uint64_t c1[CXS_WL_MAXOBJ], c3[CXS_WL_MAXOBJ];
    uint64_t s1 = run(wl, &ctx, 1, c1), s3 = run(wl, &ctx, 7, c3);
    int nonzero = 1;
    for (size_t o = 0; o < nobj; o++)
        nonzero &= c1[o] != 0;
    check(s1 == ref && s3 == ref, "%s %llu: profiling runs give the reference", wl->name,
          (unsigned long long)size);
    check(!memcmp(c1, c3, sizeof c1), "%s %llu: counts the same with 1 and 7 threads", wl->name,
          (unsigned long long)size);
    check(nonzero, "%s %llu: counts nonzero for every object", wl->name, (unsigned long long)size);
    for (size_t o = 0; o < nobj; o++) {
        free(ctx.ptr[o]);
        free(ctx2.ptr[o]);
    }
}

int main(void)
{
    static const uint64_t sizes[] = {1u << 20, (7u << 20) + 192};
    check(check_split(), "cxs_wl_split: contiguous ranges covering every item, cut at align");
    check(cxs_workload_find("nope") == NULL, "cxs_workload_find: unknown name gives NULL");
    for (size_t w = 0; cxs_workloads[w]; w++) {
        const struct cxs_workload *wl = cxs_workloads[w];
        struct cxs_wl_obj obj[CXS_WL_MAXOBJ];
        char err[128] = "";
        check(cxs_workload_find(wl->name) == wl, "cxs_workload_find(\"%s\")", wl->name);
        size_t n = wl->layout(16u << 10, obj, err, sizeof err);
        check(n == 0 && strstr(err, "at least 1M"), "%s 16K: too small, the minimum named (%s)",
              wl->name, err);
        n = wl->layout(1u << 20, obj, err, sizeof err);
        check(n > 0, "%s 1M: the minimum is enough", wl->name);
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            test(wl, sizes[s]);
    }
    return failed;
}
