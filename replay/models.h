/* models.h — the layered models cxlscope-xlshare replays: built-in shapes
 * (one table) and any model from a CSV of layers.
 *
 * Promises:
 * - xs_model_load() takes a preset name (xs_presets[]) or a CSV path. Every
 *   layer has a name, its weight bytes and its FLOPs per token (2 x params
 *   for a matrix layer, 0 for an embedding lookup), which the caller turns
 *   into compute time with a device rate.
 * - Presets: xlshare-8m (the seed's 22-layer, 8,005,632-parameter fp32
 *   transformer: vocabulary 10,000, hidden 256; the seed gives no per-layer
 *   split, so the 4 blocks' layers are a stated reconstruction that sums to
 *   its total), dense-16x16384-bf16 (seed 002: 16 layers of 16384 x 16384
 *   bf16 weights), llama-3.1-8b, llama-3.1-70b, llama-3.1-405b (published
 *   shapes: embedding, one entry per decoder layer, output head with the
 *   final norm; bf16; grouped-query attention with 8 KV heads of 128).
 * - CSV: a header with name and bytes (required), flops (per token,
 *   optional: default 2 x bytes / bytes_per_param, where bytes_per_param
 *   is a column or 2), single_use (optional); an empty optional cell is the
 *   default. Every field is parsed strictly: name 1 to 63 characters; bytes
 *   digits only (no sign, blank, point, exponent), 1 .. 2^64 - 1; flops a
 *   decimal number >= 0; bytes_per_param a decimal number in [0.125, 64];
 *   single_use exactly 0 or 1 (not "true", "yes" or "2"). Rejected with the
 *   file, line and reason for those, a missing column, a name that repeats
 *   (the first repeat in file order; found by sorting), and a model whose
 *   bytes overflow 64 bits ("the model's bytes (the sum of its layers')
 *   overflow 64 bits").
 * - Presets' sizes are computed with checked arithmetic too.
 */
#ifndef RP_MODELS_H
#define RP_MODELS_H

#include <stddef.h>
#include <stdint.h>

struct xs_mlayer {
    char name[64];
    uint64_t bytes;
    double flops_per_token;
    int single_use;
};

struct xs_model {
    char name[128];
    char note[400]; /* where the shape comes from */
    size_t n;
    struct xs_mlayer *layers;
    uint64_t bytes; /* the sum of the layers' */
};

struct xs_preset {
    const char *name, *what;
};
extern const struct xs_preset xs_presets[];
extern const size_t xs_npresets;

int xs_model_load(const char *name_or_path, struct xs_model *m, char *err, size_t errlen);
void xs_model_free(struct xs_model *m);
/* Index of a layer by name, -1 if none. */
int xs_model_find(const struct xs_model *m, const char *name);

#endif
