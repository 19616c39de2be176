/* calib.h — a cxlscope results directory turned into a calibration: the
 * measured figures a pool model needs, each with where it came from.
 *
 * Promises:
 * - rp_calibrate() reads DIR/meta.json (required: it names the machine) and
 *   whichever of latency.csv, saturation.csv, bandwidth.csv, loaded.csv,
 *   gpu_copy.csv, gpu_copy_latency.csv are there, and builds the
 *   "cxlscope-calibration/1" object: per memory node (class from the CPU
 *   node) the idle latency (random chase, bind, the largest size measured,
 *   with its page size and size / LLC), peak bandwidth and saturation
 *   threads per traffic kind (sequential), the loaded-latency curve under
 *   its own traffic, the GPU's pinned and pageable h2d/d2h at the largest
 *   size and the 64 B copy latency, the node's capacity (meta.json's
 *   mem_total_bytes); for the GPU its d2d bandwidth; from interleave.csv
 *   the adam and attention workloads' seconds per byte per placement
 *   ("workloads", calib_wl.h: the offload model's inputs). Every
 *   value carries "source": file, line, the row's key columns, run id.
 * - Nothing is invented: a value with no row behind it is left out and
 *   listed under "absent" with the reason (no such file; the file has no
 *   such row; the run-all step that would have made it was skipped, and why).
 * - Files are checked before use, and a bad one fails the whole calibration
 *   with one line naming the file and the problem: unreadable, empty, not
 *   CSV, rows of the wrong length, missing columns ("not a cxlscope X?"),
 *   non-numeric figures, nodes or classes that do not match meta.json's
 *   machine, a steps/ STEP/meta.json from another host, kernel or CPU (results
 *   of two machines mixed).
 * - Every number read is a value its kind can have (ranges.h: latencies,
 *   bandwidths, counts, node and device numbers), or the calibration fails
 *   with "FILE line N, column C: -5 is not a latency (must be > 0 and < 1e9
 *   ns)".
 * - Return codes: 0; CXS_EXIT_USAGE (2) for a directory that is not a results
 *   directory, options that do not fit it (a --pool-node without memory, a
 *   --gpu with no rows) or a value out of its range; CXS_EXIT_FAIL (1) for a
 *   bad file.
 * - rp_xlshare_format() maps a calibration onto the XL-Share emulator's own
 *   file (objects "calibration" and "cxllatency_profile", its key names),
 *   GB = 1e9 and ns as measured; a key with no measurement behind it is null;
 *   "notes" says, key by key, what stands behind each value or that nothing
 *   does.
 */
#ifndef RP_CALIB_H
#define RP_CALIB_H

#include <jansson.h>
#include <stddef.h>

struct rp_calib_opts {
    int pool_node; /* -1: a CXL node, else the farthest memory node */
    int gpu;       /* -1: the first GPU in gpu_copy.csv */
    int cpu_node;  /* -1: the GPU rows' host node, else the first CPU node measured */
};

int rp_calibrate(const char *dir, const struct rp_calib_opts *o, json_t **out, char *err,
                 size_t errlen);
json_t *rp_xlshare_format(const json_t *calib);

#endif
