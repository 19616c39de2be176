/* offload_models.h — the model shapes of cxlscope-offload (one table):
 * parameters, bytes per parameter, layers, hidden size and KV width.
 * of_shape_load() fills one by name, or fails naming the known ones. */
#ifndef RP_OFFLOAD_MODELS_H
#define RP_OFFLOAD_MODELS_H

#include <stddef.h>

#include "offload.h"

size_t of_nshapes(void);
const char *of_shape_name(size_t i);
int of_shape_load(const char *name, struct of_shape *m, char *err, size_t errlen);

#endif
