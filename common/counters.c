/* counters.c — PAPI counters when built with PAPI and a PMU is there. */
#include "counters.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef CXS_HAVE_PAPI
#include <papi.h>

static const struct {
    int code;
    const char *name;
} wanted[CXS_MAX_COUNTERS] = {
    {PAPI_TOT_CYC, "cycles"},
    {PAPI_L3_TCM, "llc_misses"},
    {PAPI_TLB_DM, "dtlb_misses"},
};

struct cxs_counters {
    int set;
    size_t n;
    const char *names[CXS_MAX_COUNTERS];
};

struct cxs_counters *cxs_counters_open(char *note, size_t notelen)
{
    int rc = PAPI_library_init(PAPI_VER_CURRENT);
    if (rc != PAPI_VER_CURRENT) {
        snprintf(note, notelen, "counters: PAPI could not start (%s); counter columns omitted",
                 rc < 0 ? PAPI_strerror(rc) : "version mismatch");
        return NULL;
    }
    int hw = PAPI_num_hwctrs();
    if (hw <= 0) {
        snprintf(note, notelen,
                 "counters: no hardware counters available to PAPI (PAPI_num_hwctrs() = %d: a "
                 "VM without a virtual PMU, or perf_event_paranoid too strict); counter "
                 "columns omitted",
                 hw);
        return NULL;
    }
    struct cxs_counters *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->set = PAPI_NULL;
    if (PAPI_create_eventset(&c->set) != PAPI_OK) {
        snprintf(note, notelen, "counters: PAPI_create_eventset failed; counter columns omitted");
        free(c);
        return NULL;
    }
    int last = PAPI_OK;
    for (size_t i = 0; i < CXS_MAX_COUNTERS; i++) {
        last = PAPI_add_event(c->set, wanted[i].code);
        if (last == PAPI_OK)
            c->names[c->n++] = wanted[i].name;
    }
    if (c->n == 0) {
        snprintf(note, notelen,
                 "counters: PAPI could add none of its events (%s); counter "
                 "columns omitted",
                 PAPI_strerror(last));
        PAPI_destroy_eventset(&c->set);
        free(c);
        return NULL;
    }
    note[0] = 0;
    return c;
}

size_t cxs_counters_count(const struct cxs_counters *c)
{
    return c ? c->n : 0;
}

const char *cxs_counters_name(const struct cxs_counters *c, size_t i)
{
    return i < c->n ? c->names[i] : NULL;
}

int cxs_counters_start(struct cxs_counters *c)
{
    return PAPI_start(c->set) == PAPI_OK ? 0 : -1;
}

int cxs_counters_stop(struct cxs_counters *c, long long *vals)
{
    return PAPI_stop(c->set, vals) == PAPI_OK ? 0 : -1;
}

void cxs_counters_close(struct cxs_counters *c)
{
    if (!c)
        return;
    PAPI_cleanup_eventset(c->set);
    PAPI_destroy_eventset(&c->set);
    free(c);
}

#else /* !CXS_HAVE_PAPI */

struct cxs_counters {
    int unused;
};

struct cxs_counters *cxs_counters_open(char *note, size_t notelen)
{
    snprintf(note, notelen, "counters: built without PAPI; counter columns omitted");
    return NULL;
}

size_t cxs_counters_count(const struct cxs_counters *c)
{
    (void)c;
    return 0;
}

const char *cxs_counters_name(const struct cxs_counters *c, size_t i)
{
    (void)c;
    (void)i;
    return NULL;
}

int cxs_counters_start(struct cxs_counters *c)
{
    (void)c;
    return -1;
}

int cxs_counters_stop(struct cxs_counters *c, long long *vals)
{
    (void)c;
    (void)vals;
    return -1;
}

void cxs_counters_close(struct cxs_counters *c)
{
    (void)c;
}
#endif
