/* offload_models.h — the model shapes of cxlscope-offload (one table):
 * parameters, bytes per parameter, layers, hidden size and KV width.
 * of_shape_load() fills one by name, or fails naming the known ones.
 *
 * Promises (--model-csv):
 * - of_shapes_csv() reads a CSV (common/csvin.h) whose header has exactly
 *   the columns name, params, bytes_per_param, layers, hidden, kv_dim (any
 *   order) and at least one row; each row is one shape, its note saying
 *   "--model-csv FILE line N".
 * - Every cell is checked: name 1 to 63 characters, no comma, not a
 *   preset's name, not a name an earlier row has; params a number > 0 and
 *   < 1e15 (never 0: the presets' derivation reads an xlshare preset's
 *   bytes, which a CSV row has none of); bytes_per_param in (0, 8];
 *   layers an integer 1..10000; hidden 1..1e6; kv_dim 0..1e6 (0: no KV
 *   cache). A failure is one line naming the file, the line (1: the
 *   header) and the column, and nothing is kept.
 * - of_shape_find() looks a name up in such shapes first, then in the
 *   presets; an unknown name fails naming both lists. */
#ifndef RP_OFFLOAD_MODELS_H
#define RP_OFFLOAD_MODELS_H

#include <stddef.h>

#include "offload.h"

size_t of_nshapes(void);
const char *of_shape_name(size_t i);
int of_shape_load(const char *name, struct of_shape *m, char *err, size_t errlen);

/* *out (free() it) and *n; -1 and why on any bad input. */
int of_shapes_csv(const char *path, struct of_shape **out, size_t *n, char *err, size_t errlen);
int of_shape_find(const char *name, const struct of_shape *csv, size_t ncsv, struct of_shape *m,
                  char *err, size_t errlen);

#endif
