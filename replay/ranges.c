/* ranges.c — the ranges of measured values (see ranges.h). */
#include "ranges.h"

#include <math.h>

#include "cli.h"

/* lo < v (lo <= v when lo_closed) and v < hi; integral: a whole number. */
static const struct {
    const char *what, *rule;
    double lo, hi;
    int lo_closed, integral;
} kinds[] = {
    [RP_LATENCY_NS] = {"a latency", "must be > 0 and < " RP_MAX_LATENCY_TEXT, 0, RP_MAX_LATENCY_NS,
                       0, 0},
    [RP_GBPS] = {"a bandwidth", "must be > 0 and < " RP_MAX_GBPS_TEXT, 0, RP_MAX_GBPS, 0, 0},
    [RP_COUNT] = {"a count", "must be an integer >= 0 and < 2^53", 0, 9007199254740992.0, 1, 1},
    [RP_NODE] = {"a node", "must be an integer 0..65535", 0, 65536, 1, 1},
    [RP_NODE_OR_NONE] = {"a node", "must be an integer 0..65535, or -1 for none", -1, 65536, 1, 1},
    [RP_DEVICE] = {"a device number", "must be an integer 0..65535", 0, 65536, 1, 1},
};

int rp_check(enum rp_kind k, double v, const char *text, char *err, size_t errlen)
{
    int ok = (kinds[k].lo_closed ? v >= kinds[k].lo : v > kinds[k].lo) && v < kinds[k].hi &&
             (!kinds[k].integral || v == floor(v));
    if (ok)
        return 0;
    return cxs_errf(err, errlen, "%s is not %s (%s)", text, kinds[k].what, kinds[k].rule);
}
