/* models.c — built-in model shapes and CSV models for cxlscope-xlshare. */
#include "models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvin.h"

/* ---- building a model layer by layer ---- */

static int add(struct xs_model *m, size_t cap, const char *name, uint64_t params, int bytes_per,
               int lookup)
{
    if (m->n == cap)
        return -1;
    struct xs_mlayer *l = &m->layers[m->n++];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->flops_per_token = lookup ? 0 : 2.0 * (double)params;
    if (__builtin_mul_overflow(params, (uint64_t)bytes_per, &l->bytes) ||
        __builtin_add_overflow(m->bytes, l->bytes, &m->bytes))
        return -1;
    return 0;
}

static int xlshare_8m(struct xs_model *m, size_t cap)
{
    /* vocabulary 10,000, hidden 256, fp32; per block: attention qkv and out,
     * the two norms, FFN up and down with width 895 (the width that makes
     * the seed's total) */
    int rc = add(m, cap, "embedding", 10000 * 256, 4, 1);
    static const struct {
        const char *name;
        uint64_t params;
    } blk[] = {{"attn_qkv", 256 * 768},
               {"attn_out", 256 * 256},
               {"norms", 4 * 256},
               {"ffn_up", 256 * 895},
               {"ffn_down", 895 * 256}};
    char name[64];
    for (int b = 0; b < 4; b++)
        for (int i = 0; i < 5; i++) {
            snprintf(name, sizeof name, "block%d.%s", b, blk[i].name);
            rc |= add(m, cap, name, blk[i].params, 4, 0);
        }
    rc |= add(m, cap, "head", 256 * 10000, 4, 0);
    snprintf(m->note, sizeof m->note,
             "seed 000: 22 layers, 8,005,632 parameters fp32 (30.5 MiB), vocabulary 10,000, "
             "hidden 256; the per-layer split of the 4 blocks is a reconstruction (FFN width "
             "895, no biases) that sums to the seed's total");
    return rc;
}

static int dense_16(struct xs_model *m, size_t cap)
{
    int rc = 0;
    char name[64];
    for (int i = 0; i < 16; i++) {
        snprintf(name, sizeof name, "dense%d", i);
        rc |= add(m, cap, name, 16384ULL * 16384, 2, 0);
    }
    snprintf(m->note, sizeof m->note,
             "seed 002: 16 fully connected layers of 16384 x 16384 bf16 weights (536,870,912 "
             "bytes each)");
    return rc;
}

static int llama(struct xs_model *m, size_t cap, uint64_t h, uint64_t inter, int layers,
                 const char *what)
{
    const uint64_t vocab = 128256, kv = 8 * 128;
    int rc = add(m, cap, "embedding", vocab * h, 2, 1);
    uint64_t per = h * h + 2 * h * kv + h * h + 3 * h * inter + 2 * h;
    char name[64];
    for (int i = 0; i < layers; i++) {
        snprintf(name, sizeof name, "layer%d", i);
        rc |= add(m, cap, name, per, 2, 0);
    }
    rc |= add(m, cap, "head", h * vocab + h, 2, 0);
    snprintf(m->note, sizeof m->note,
             "%s: hidden %llu, %d decoder layers, MLP %llu, 8 KV heads of 128, vocabulary "
             "128,256, bf16; one entry per decoder layer; head includes the final norm",
             what, (unsigned long long)h, layers, (unsigned long long)inter);
    return rc;
}
static int llama_8b(struct xs_model *m, size_t cap)
{
    return llama(m, cap, 4096, 14336, 32, "Llama 3.1 8B");
}
static int llama_70b(struct xs_model *m, size_t cap)
{
    return llama(m, cap, 8192, 28672, 80, "Llama 3.1 70B");
}
static int llama_405b(struct xs_model *m, size_t cap)
{
    return llama(m, cap, 16384, 53248, 126, "Llama 3.1 405B");
}

static const struct {
    int (*build)(struct xs_model *, size_t);
    size_t layers;
} builders[] = {
    {xlshare_8m, 22}, {dense_16, 16}, {llama_8b, 34}, {llama_70b, 82}, {llama_405b, 128}};
const struct xs_preset xs_presets[] = {
    {"xlshare-8m", "the XL-Share seed's 22-layer 8M-parameter fp32 transformer"},
    {"dense-16x16384-bf16", "seed 002: 16 dense 16384 x 16384 bf16 layers"},
    {"llama-3.1-8b", "Llama 3.1 8B shape, bf16 (34 entries)"},
    {"llama-3.1-70b", "Llama 3.1 70B shape, bf16 (82 entries)"},
    {"llama-3.1-405b", "Llama 3.1 405B shape, bf16 (128 entries)"},
};
const size_t xs_npresets = sizeof xs_presets / sizeof xs_presets[0];

/* ---- a CSV of layers ---- */

struct csvcols {
    int name, bytes, flops, per, single; /* -1: no such column */
};

/* The text of an optional column's cell ("" when there is no column). */
static const char *opt(const struct cxs_table *t, size_t r, int col)
{
    return col >= 0 ? cxs_table_get(t, r, col) : "";
}

/* Row r as a layer: every field parsed strictly (models.h). */
static int csv_layer(const struct cxs_table *t, size_t r, const struct csvcols *c,
                     struct xs_mlayer *l, char *err, size_t errlen)
{
    const char *path = t->path, *name = cxs_table_get(t, r, c->name),
               *b = cxs_table_get(t, r, c->bytes), *per_s = opt(t, r, c->per),
               *flops_s = opt(t, r, c->flops), *su = opt(t, r, c->single);
    size_t line = r + 2;
    char why[200];
    if (!*name || strlen(name) >= sizeof l->name)
        return cxs_errf(err, errlen, "%s: line %zu: a layer name of 1 to 63 characters", path,
                        line);
    if (cxs_parse_u64(b, 1, UINT64_MAX, &l->bytes, why, sizeof why))
        return cxs_errf(err, errlen,
                        "%s: line %zu: bytes '%s' is not a positive integer (digits only, at "
                        "most 2^64 - 1)",
                        path, line, b);
    double per = 2, f;
    if (*per_s && cxs_table_num(t, r, c->per, &per, err, errlen))
        return -1;
    if (!(per >= 0.125 && per <= 64))
        return cxs_errf(err, errlen,
                        "%s: line %zu: bytes_per_param %s is not in [0.125, 64] (1 bit to 64 "
                        "bytes per parameter)",
                        path, line, per_s);
    l->flops_per_token = 2.0 * (double)l->bytes / per;
    if (*flops_s) {
        if (cxs_table_num(t, r, c->flops, &f, err, errlen))
            return -1;
        if (f < 0)
            return cxs_errf(err, errlen, "%s: line %zu: flops %s is not >= 0", path, line, flops_s);
        l->flops_per_token = f;
    }
    if (*su && strcmp(su, "0") != 0 && strcmp(su, "1") != 0)
        return cxs_errf(err, errlen, "%s: line %zu: single_use '%s' is not 0 or 1 (empty: 0)", path,
                        line, su);
    l->single_use = strcmp(su, "1") == 0;
    snprintf(l->name, sizeof l->name, "%s", name);
    return 0;
}

/* Layer indexes ordered by name, then by position. */
static int by_name(const void *a, const void *b, void *layers)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const struct xs_mlayer *l = layers;
    int d = strcmp(l[i].name, l[j].name);
    return d ? d : (i > j) - (i < j);
}

/* A name that repeats: the first repeat in file order. Sorting makes this
 * O(n log n): checked pair by pair, 250,000 layers took minutes. */
static int repeated_name(const struct xs_model *m, const char *path, char *err, size_t errlen)
{
    size_t *ix = malloc((m->n ? m->n : 1) * sizeof *ix), first = m->n;
    if (!ix)
        return cxs_errf(err, errlen, "out of memory");
    for (size_t i = 0; i < m->n; i++)
        ix[i] = i;
    qsort_r(ix, m->n, sizeof *ix, by_name, m->layers);
    for (size_t i = 1; i < m->n; i++)
        if (strcmp(m->layers[ix[i]].name, m->layers[ix[i - 1]].name) == 0 && ix[i] < first)
            first = ix[i];
    free(ix);
    if (first < m->n)
        return cxs_errf(err, errlen, "%s: line %zu: layer '%s' named twice", path, first + 2,
                        m->layers[first].name);
    return 0;
}

static int from_csv(const char *path, struct xs_model *m, char *err, size_t errlen)
{
    struct cxs_table t;
    if (cxs_table_load(path, &t, err, errlen))
        return -1;
    static const char *const need[] = {"name", "bytes", NULL};
    int rc = cxs_table_require(&t, need, 1, err, errlen);
    struct csvcols c = {cxs_table_col(&t, "name"), cxs_table_col(&t, "bytes"),
                        cxs_table_col(&t, "flops"), cxs_table_col(&t, "bytes_per_param"),
                        cxs_table_col(&t, "single_use")};
    if (!rc && !(m->layers = calloc(t.nrows, sizeof *m->layers)))
        rc = cxs_errf(err, errlen, "out of memory");
    for (size_t r = 0; !rc && r < t.nrows; r++) {
        rc = csv_layer(&t, r, &c, &m->layers[r], err, errlen);
        if (!rc && __builtin_add_overflow(m->bytes, m->layers[r].bytes, &m->bytes))
            rc = cxs_errf(err, errlen,
                          "%s: line %zu: the model's bytes (the sum of its layers') overflow 64 "
                          "bits",
                          path, r + 2);
        m->n += !rc;
    }
    if (!rc)
        rc = repeated_name(m, path, err, errlen);
    snprintf(m->note, sizeof m->note, "layers from %s", path);
    cxs_table_free(&t);
    return rc;
}

int xs_model_load(const char *s, struct xs_model *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", s);
    int p = CXS_NAME_LOOKUP_IN(xs_presets, xs_npresets, name, 1, s);
    if (p >= 0) {
        m->layers = calloc(builders[p].layers, sizeof *m->layers);
        if (!m->layers || builders[p].build(m, builders[p].layers)) {
            xs_model_free(m);
            return cxs_errf(err, errlen, "preset %s: out of memory or sizes overflow", s);
        }
        return 0;
    }
    if (!strchr(s, '/') && !strstr(s, ".csv")) {
        char list[400] = "";
        for (size_t i = 0; i < xs_npresets; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     xs_presets[i].name);
        return cxs_errf(err, errlen, "unknown model '%s' (presets: %s; or a CSV file of layers)", s,
                        list);
    }
    if (from_csv(s, m, err, errlen)) {
        xs_model_free(m);
        return -1;
    }
    return 0;
}

void xs_model_free(struct xs_model *m)
{
    free(m->layers);
    m->layers = NULL;
    m->n = 0;
}

int xs_model_find(const struct xs_model *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->layers[i].name, name) == 0)
            return (int)i;
    return -1;
}
