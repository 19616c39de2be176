/* columns.h — the column lists of the CSVs that other parts of the suite
 * read back (replay/calib.c), defined once: the binary that writes a CSV
 * takes its header, its --help column text and its rows' names from here
 * (row.h), and a reader requires exactly these names, so the two cannot
 * drift apart.
 *
 * Promises:
 * - Each list is in the file's column order, which never changes (CSV
 *   headers are part of the interface). A column added later (one an issue
 *   asked for) goes at the end: the first cxs_nfirst_NAME columns are those
 *   every version of the file has, so readers require only those and take
 *   a later column's absence as the old behaviour (stride_bytes: 64).
 * - gpu_copy.csv and gpu_copy_latency.csv start with the same ten columns
 *   (the GPU, the host thread and the host buffer).
 */
#ifndef CXS_COLUMNS_H
#define CXS_COLUMNS_H

#include <stddef.h>

#include "row.h"

/* cxlscope-gpucopy: the sweep (gpu_copy.csv) and latency rows
 * (gpu_copy_latency.csv). */
extern const struct cxs_col cxs_cols_gpu_copy[];
extern const size_t cxs_ncols_gpu_copy;
extern const struct cxs_col cxs_cols_gpu_copy_latency[];
extern const size_t cxs_ncols_gpu_copy_latency;

/* ---- cxlscope-latency ---- */
/* latency.csv's base columns, always there. With hardware counters (PAPI)
 * one NAME_per_load column per counter opened follows them, in
 * counters.h's order (of cycles, llc_misses, dtlb_misses, those PAPI could
 * add); they are not in this list: the writer appends them at run time. */
extern const struct cxs_col cxs_cols_latency[];
extern const size_t cxs_ncols_latency, cxs_nfirst_latency;
/* latency_dist.csv (--distribution): the point's key, then a histogram
 * bucket (dist.h). */
extern const struct cxs_col cxs_cols_latency_dist[];
extern const size_t cxs_ncols_latency_dist;

/* ---- cxlscope-bandwidth ---- */
/* The measurements (bandwidth.csv) and each thread series' peak and
 * saturation point (saturation.csv). */
extern const struct cxs_col cxs_cols_bandwidth[];
extern const size_t cxs_ncols_bandwidth, cxs_nfirst_bandwidth;
extern const struct cxs_col cxs_cols_saturation[];
extern const size_t cxs_ncols_saturation;

/* ---- cxlscope-loaded ---- */
/* loaded.csv: one row per delay (and the idle point) per node pair and
 * kind. */
extern const struct cxs_col cxs_cols_loaded[];
extern const size_t cxs_ncols_loaded, cxs_nfirst_loaded;
/* loaded_dist.csv (--distribution): the point's key, then a bucket. */
extern const struct cxs_col cxs_cols_loaded_dist[];
extern const size_t cxs_ncols_loaded_dist;

#endif
