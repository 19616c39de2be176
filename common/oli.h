/* oli.h — object-level interleaving (OLI): which data objects to spread
 * over DRAM and CXL, from a profile of their footprint and access counts
 * (the CXL characterization paper, §V-B).
 *
 * Promises:
 * - An object is a candidate when its footprint is at least min_footprint_pct
 *   of the total footprint of all objects (an object exactly at the
 *   threshold qualifies).
 * - A candidate is interleaved when its access count is at least hot_pct of
 *   the highest access count among the candidates (exactly at the threshold
 *   qualifies); so objects with equal counts get the same decision, and the
 *   hottest candidate is always interleaved unless no candidate was accessed.
 * - Everything else stays on LDRAM (preferred). The comparisons are exact
 *   (integer arithmetic on the percentages given to 0.01).
 * - cxs_oli_decide() fills interleave[i] (1/0) and a one-line reason per
 *   object; returns the number interleaved, or -1 (err) for bad thresholds
 *   (outside 0..100) or no objects.
 */
#ifndef CXS_OLI_H
#define CXS_OLI_H

#include <stddef.h>
#include <stdint.h>

struct cxs_oli_obj {
    const char *name;
    uint64_t bytes;
    uint64_t accesses;
};

struct cxs_oli_opts {
    double min_footprint_pct; /* default 10 */
    double hot_pct;           /* default 50 */
};
#define CXS_OLI_DEFAULTS                                                                           \
    {                                                                                              \
        10.0, 50.0                                                                                 \
    }

int cxs_oli_decide(const struct cxs_oli_obj *o, size_t n, const struct cxs_oli_opts *opt,
                   int *interleave, char (*why)[128], char *err, size_t errlen);

#endif
