/* offload_cal.h — a cxlscope calibration read for the offload model: per
 * memory node its class, read bandwidth, pinned h2d/d2h, 64 B copy latency
 * and capacity, each with its source or why it is missing; the adam and
 * attention workloads' measured placements; --assume on top.
 *
 * Promises:
 * - of_cal_load() takes only schema "cxlscope-calibration/1"; every number
 *   is checked against its kind's range (ranges.h; a capacity is a count
 *   > 0): out of range or not a number fails naming the file and the path
 *   (nodes.4.gpu.h2d_pinned_gbps.value); null or absent is missing, with
 *   the calibration's "absent" reason. Node keys that are not node numbers
 *   and more than OF_MAX_NODES nodes fail too.
 * - of_cal_assume() takes "KEY=VALUE[,KEY@NODE=VALUE...]" (KEY one of
 *   of_val_names): KEY alone fills every node that lacks it, KEY@NODE that
 *   node; a measured value is kept (the assumption is reported unused). A
 *   node not in the calibration, an unknown key or a value out of range:
 *   -1, one line.
 * - of_cal_workload() finds the placement of "adam" or "attention" whose
 *   node set is the configuration's: its seconds per byte and a text
 *   naming the row; 0 when there is none.
 */
#ifndef RP_OFFLOAD_CAL_H
#define RP_OFFLOAD_CAL_H

#include <jansson.h>
#include <stddef.h>

#include "offload.h"

struct of_cal {
    const char *path;
    char run_id[160], host[160];
    int cpu_node;
    size_t n;
    struct of_node nodes[OF_MAX_NODES];
    json_t *workloads; /* owned; may be NULL */
    char unused[600];  /* assumptions not used (the value was measured) */
};

int of_cal_load(const char *path, struct of_cal *c, char *err, size_t errlen);
void of_cal_free(struct of_cal *c);
int of_cal_assume(struct of_cal *c, const char *list, char *err, size_t errlen);
double of_cal_workload(const struct of_cal *c, const char *name, const struct of_conf *conf,
                       char *src, size_t srclen);

#endif
