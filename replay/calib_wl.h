/* calib_wl.h — what the offload model adds to a calibration.
 *
 * Promises:
 * - rp_capacity() sets node's "capacity_bytes" {value, source: meta.json,
 *   the node's mem_total_bytes} when meta.json has it (> 0); else absent
 *   gets "nodes.N.capacity_bytes" and why.
 * - rp_workloads() reads DIR/interleave.csv when there: every row of the
 *   workloads adam and attention becomes {policy, nodes, size_bytes,
 *   value (median_s), s_per_byte (median_s / size_bytes), source (file,
 *   line, run, keys)} under out.NAME; a workload with no rows (or no file)
 *   is listed in absent as "workloads.NAME" with why. A file without the
 *   columns it reads, or a figure that is not a number > 0: CXS_EXIT_FAIL,
 *   err naming the file and line.
 */
#ifndef RP_CALIB_WL_H
#define RP_CALIB_WL_H

#include <jansson.h>
#include <stddef.h>

void rp_capacity(json_t *node, const json_t *meta_node, size_t index, const char *run_id,
                 json_t *absent);
int rp_workloads(const char *dir, const char *run_id, json_t *out, json_t *absent, char *err,
                 size_t errlen);

#endif
