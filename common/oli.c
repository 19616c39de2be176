/* oli.c — the OLI decision: large and hot objects are interleaved. */
#include "oli.h"

#include <math.h>
#include <stdio.h>

#include "cli.h"

typedef unsigned __int128 u128;

/* pct to hundredths of a percent: 10 -> 1000. */
static uint64_t bp(double pct)
{
    return (uint64_t)llround(pct * 100.0);
}

/* part/whole >= pct, exactly. */
static int at_least(uint64_t part, uint64_t whole, uint64_t pct_bp)
{
    return (u128)part * 10000 >= (u128)pct_bp * whole;
}

int cxs_oli_decide(const struct cxs_oli_obj *o, size_t n, const struct cxs_oli_opts *opt,
                   int *interleave, char (*why)[128], char *err, size_t errlen)
{
    if (n == 0)
        return cxs_errf(err, errlen, "no objects to plan");
    if (!(opt->min_footprint_pct >= 0 && opt->min_footprint_pct <= 100) ||
        !(opt->hot_pct >= 0 && opt->hot_pct <= 100))
        return cxs_errf(err, errlen, "OLI thresholds must be percentages (0..100)");
    uint64_t total = 0, hottest = 0;
    uint64_t fp = bp(opt->min_footprint_pct), hot = bp(opt->hot_pct);
    for (size_t i = 0; i < n; i++)
        total += o[i].bytes;
    for (size_t i = 0; i < n; i++)
        if (at_least(o[i].bytes, total, fp) && o[i].accesses > hottest)
            hottest = o[i].accesses;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        double share = total ? 100.0 * (double)o[i].bytes / (double)total : 0;
        double rel = hottest ? 100.0 * (double)o[i].accesses / (double)hottest : 0;
        interleave[i] = 0;
        if (!at_least(o[i].bytes, total, fp))
            snprintf(why[i], 128, "%.2f %% of the footprint, under %.2f %%: LDRAM", share,
                     opt->min_footprint_pct);
        else if (hottest == 0 || !at_least(o[i].accesses, hottest, hot))
            snprintf(
                why[i], 128,
                "%.2f %% of the footprint, accesses %.2f %% of the hottest (under %.2f %%): LDRAM",
                share, rel, opt->hot_pct);
        else {
            interleave[i] = 1;
            k++;
            snprintf(why[i], 128,
                     "%.2f %% of the footprint, accesses %.2f %% of the hottest: interleaved",
                     share, rel);
        }
    }
    return k;
}
