/* workloads.c — the table of built-in workloads, and how a run's items are
 * shared among the threads. */
#include "workload.h"

#include <stdio.h>
#include <string.h>

extern const struct cxs_workload cxs_wl_mg, cxs_wl_cg, cxs_wl_xs, cxs_wl_adam, cxs_wl_attention;

const struct cxs_workload *const cxs_workloads[] = {
    &cxs_wl_mg,        /* bandwidth: stencil sweep */
    &cxs_wl_cg,        /* latency: sparse gathers */
    &cxs_wl_xs,        /* mixed: random table probes plus streams */
    &cxs_wl_adam,      /* latency (the paper's finding): fp32 Adam step, streams */
    &cxs_wl_attention, /* bandwidth: decode attention over a KV cache, fp32 */
    NULL,
};

const struct cxs_workload *cxs_workload_find(const char *name)
{
    for (size_t i = 0; cxs_workloads[i]; i++)
        if (!strcmp(cxs_workloads[i]->name, name))
            return cxs_workloads[i];
    return NULL;
}

const char *cxs_workload_names(void)
{
    static char buf[256];
    size_t len = 0;
    for (size_t i = 0; cxs_workloads[i] && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? ", " : "",
                                cxs_workloads[i]->name);
    return buf;
}

/* The n/align whole chunks are dealt out evenly (the first threads get one
 * more when they do not divide); the last thread also takes the n % align
 * items left over, so every item is in exactly one range. */
void cxs_wl_split(uint64_t n, int tid, int nthreads, uint64_t align, uint64_t *lo, uint64_t *hi)
{
    if (align == 0)
        align = 1;
    uint64_t t = (uint64_t)tid, nt = (uint64_t)nthreads;
    uint64_t chunks = n / align, q = chunks / nt, r = chunks % nt;
    *lo = (q * t + (t < r ? t : r)) * align;
    *hi = t + 1 == nt ? n : (q * (t + 1) + (t + 1 < r ? t + 1 : r)) * align;
}
