/* counters.h — optional hardware counters through PAPI.
 *
 * Promises:
 * - Built without PAPI, or run where PAPI finds no usable PMU (a VM:
 *   PAPI_num_hwctrs() == 0, or the events cannot be added), cxs_counters_open()
 *   returns NULL and writes one sentence saying why into note; callers then
 *   leave the counter columns out entirely (never zeros).
 * - Otherwise it counts, per sample, the events that could be added among:
 *   PAPI_TOT_CYC (cycles), PAPI_L3_TCM (LLC misses), PAPI_TLB_DM (DTLB misses).
 */
#ifndef CXS_COUNTERS_H
#define CXS_COUNTERS_H

#include <stddef.h>

#define CXS_MAX_COUNTERS 3

struct cxs_counters;

struct cxs_counters *cxs_counters_open(char *note, size_t notelen);
size_t cxs_counters_count(const struct cxs_counters *c);
/* Column-friendly name of counter i: "cycles", "llc_misses", "dtlb_misses". */
const char *cxs_counters_name(const struct cxs_counters *c, size_t i);
int cxs_counters_start(struct cxs_counters *c);
/* Reads and stops; vals gets cxs_counters_count() values. */
int cxs_counters_stop(struct cxs_counters *c, long long *vals);
void cxs_counters_close(struct cxs_counters *c);

#endif
