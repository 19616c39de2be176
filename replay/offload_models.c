/* offload_models.c — the model shapes cxlscope-offload knows: the
 * presets of cxlscope-xlshare (their bytes from models.h, read-only) and
 * the BERT and GPT-2 sizes of the paper (seed 003). */
#include "offload_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvin.h"
#include "models.h"

/* params 0: the bytes of the xlshare preset of that name / bytes_per_param. */
static const struct {
    const char *name;
    double params, bytes_per_param;
    unsigned layers, hidden, kv_dim;
    const char *note;
} shapes[] = {
    {"xlshare-8m", 0, 4, 4, 256, 256, "cxlscope-xlshare's preset (fp32); 4 blocks, hidden 256"},
    {"dense-16x16384-bf16", 0, 2, 16, 16384, 0,
     "cxlscope-xlshare's preset: 16 dense layers, no attention (no KV cache)"},
    {"llama-3.1-8b", 0, 2, 32, 4096, 1024,
     "cxlscope-xlshare's preset; 32 layers, hidden 4096, 8 KV heads of 128"},
    {"llama-3.1-70b", 0, 2, 80, 8192, 1024,
     "cxlscope-xlshare's preset; 80 layers, hidden 8192, 8 KV heads of 128"},
    {"llama-3.1-405b", 0, 2, 126, 16384, 1024,
     "cxlscope-xlshare's preset; 126 layers, hidden 16384, 8 KV heads of 128"},
    {"bert-110m", 110e6, 2, 12, 768, 768, "the paper's BERT base: 110M parameters, 12 x 768"},
    {"bert-340m", 340e6, 2, 24, 1024, 1024, "the paper's BERT medium: 340M parameters, 24 x 1024"},
    {"bert-4b", 4e9, 2, 48, 2560, 2560,
     "the paper's BERT large: 4B parameters (layers x hidden 48 x 2560: a reconstruction, the "
     "paper gives the count only)"},
    {"gpt2-4b", 4e9, 2, 48, 2560, 2560,
     "the paper's GPT-2 4B (48 x 2560: a reconstruction, the paper gives the count only)"},
    {"gpt2-6b", 6e9, 2, 40, 3584, 3584,
     "the paper's GPT-2 6B (40 x 3584: a reconstruction, the paper gives the count only)"},
    {"gpt2-8b", 8e9, 2, 72, 3072, 3072,
     "the paper's GPT-2 8B (72 x 3072: a reconstruction, the paper gives the count only)"},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

size_t of_nshapes(void)
{
    return NSHAPES;
}
const char *of_shape_name(size_t i)
{
    return i < NSHAPES ? shapes[i].name : NULL;
}

/* The presets' names, ", " between. */
static void preset_list(char *list, size_t len)
{
    size_t l = 0;
    list[0] = '\0';
    for (size_t i = 0; i < NSHAPES && l < len; i++)
        l += (size_t)snprintf(list + l, len - l, "%s%s", i ? ", " : "", shapes[i].name);
}

int of_shape_load(const char *name, struct of_shape *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < NSHAPES; i++) {
        if (strcmp(name, shapes[i].name) != 0)
            continue;
        snprintf(m->name, sizeof m->name, "%s", name);
        snprintf(m->note, sizeof m->note, "%s", shapes[i].note);
        m->bytes_per_param = shapes[i].bytes_per_param;
        m->layers = shapes[i].layers, m->hidden = shapes[i].hidden, m->kv_dim = shapes[i].kv_dim;
        m->params = shapes[i].params;
        if (m->params == 0) {
            struct xs_model x;
            if (xs_model_load(name, &x, err, errlen))
                return -1;
            m->params = (double)x.bytes / m->bytes_per_param;
            xs_model_free(&x);
        }
        return 0;
    }
    char list[800];
    preset_list(list, sizeof list);
    return cxs_errf(err, errlen, "unknown model '%s' (models: %s)", name, list);
}

/* --model-csv: the columns, exactly these. */
static const char *const csv_cols[] = {"name",   "params", "bytes_per_param", "layers", "hidden",
                                       "kv_dim", NULL};
#define CSV_COLS "name,params,bytes_per_param,layers,hidden,kv_dim"
#define CSV_MAX_ROWS 1024

/* A cell of row r, column name, as a number. */
static int cell_num(const struct cxs_table *t, size_t r, const char *name, double *v, char *err,
                    size_t errlen)
{
    return cxs_table_num(t, r, cxs_table_col(t, name), v, err, errlen);
}
static int out_of_range(const struct cxs_table *t, size_t r, const char *name, const char *want,
                        char *err, size_t errlen)
{
    return cxs_errf(err, errlen, "%s: line %zu: column %s: '%s' is out of range (%s)", t->path,
                    r + 2, name, cxs_table_get(t, r, cxs_table_col(t, name)), want);
}

/* Row r's name: 1 to 63 characters, no comma, no preset's, no earlier
 * row's. */
static int csv_name(const struct cxs_table *t, size_t r, char *out, size_t outlen, char *err,
                    size_t errlen)
{
    int c = cxs_table_col(t, "name");
    const char *nm = cxs_table_get(t, r, c);
    size_t line = r + 2;
    if (!*nm)
        return cxs_errf(err, errlen, "%s: line %zu: column name: empty", t->path, line);
    if (strchr(nm, ','))
        return cxs_errf(err, errlen,
                        "%s: line %zu: column name: '%s' has a comma (--model takes a comma list)",
                        t->path, line, nm);
    if (strlen(nm) >= outlen)
        return cxs_errf(err, errlen, "%s: line %zu: column name: '%.40s...' is longer than %zu",
                        t->path, line, nm, outlen - 1);
    for (size_t i = 0; i < NSHAPES; i++)
        if (strcmp(nm, shapes[i].name) == 0)
            return cxs_errf(err, errlen, "%s: line %zu: column name: '%s' is a preset's name",
                            t->path, line, nm);
    for (size_t i = 0; i < r; i++)
        if (strcmp(nm, cxs_table_get(t, i, c)) == 0)
            return cxs_errf(err, errlen, "%s: line %zu: column name: '%s' is line %zu's name too",
                            t->path, line, nm, i + 2);
    snprintf(out, outlen, "%s", nm);
    return 0;
}

/* Row r into m, every cell checked. */
static int csv_row(const struct cxs_table *t, size_t r, struct of_shape *m, char *err,
                   size_t errlen)
{
    double p, b, l, h, k;
    memset(m, 0, sizeof *m);
    if (csv_name(t, r, m->name, sizeof m->name, err, errlen) ||
        cell_num(t, r, "params", &p, err, errlen) ||
        cell_num(t, r, "bytes_per_param", &b, err, errlen) ||
        cell_num(t, r, "layers", &l, err, errlen) || cell_num(t, r, "hidden", &h, err, errlen) ||
        cell_num(t, r, "kv_dim", &k, err, errlen))
        return -1;
    if (!(p > 0 && p < 1e15))
        return out_of_range(t, r, "params", "a number > 0 and < 1e15", err, errlen);
    if (!(b > 0 && b <= 8))
        return out_of_range(t, r, "bytes_per_param", "a number > 0 and <= 8", err, errlen);
    if (!(l >= 1 && l <= 10000) || l != (double)(unsigned)l)
        return out_of_range(t, r, "layers", "an integer 1..10000", err, errlen);
    if (!(h >= 1 && h <= 1e6) || h != (double)(unsigned)h)
        return out_of_range(t, r, "hidden", "an integer 1..1000000", err, errlen);
    if (!(k >= 0 && k <= 1e6) || k != (double)(unsigned)k)
        return out_of_range(t, r, "kv_dim", "an integer 0..1000000", err, errlen);
    m->params = p, m->bytes_per_param = b;
    m->layers = (unsigned)l, m->hidden = (unsigned)h, m->kv_dim = (unsigned)k;
    snprintf(m->note, sizeof m->note,
             "--model-csv %.200s line %zu: %u layers, hidden %u, kv_dim %u, %g B a parameter",
             t->path, r + 2, m->layers, m->hidden, m->kv_dim, b);
    return 0;
}

/* The header: every column named, no other. */
static int csv_header(const struct cxs_table *t, char *err, size_t errlen)
{
    for (size_t i = 0; csv_cols[i]; i++)
        if (cxs_table_col(t, csv_cols[i]) < 0)
            return cxs_errf(err, errlen,
                            "%s: line 1: no column '%s' (the header needs " CSV_COLS ")", t->path,
                            csv_cols[i]);
    for (size_t i = 0; i < t->ncols; i++) {
        size_t k = 0;
        while (csv_cols[k] && strcmp(csv_cols[k], t->cols[i]))
            k++;
        if (!csv_cols[k])
            return cxs_errf(err, errlen, "%s: line 1: column '%s' is not one of " CSV_COLS, t->path,
                            t->cols[i]);
    }
    if (t->nrows == 0)
        return cxs_errf(err, errlen, "%s: line 2: no rows (a header only)", t->path);
    if (t->nrows > CSV_MAX_ROWS)
        return cxs_errf(err, errlen, "%s: line %d: more than %d models", t->path, CSV_MAX_ROWS + 2,
                        CSV_MAX_ROWS);
    return 0;
}

int of_shapes_csv(const char *path, struct of_shape **out, size_t *n, char *err, size_t errlen)
{
    struct cxs_table t;
    *out = NULL, *n = 0;
    if (cxs_table_load(path, &t, err, errlen))
        return -1;
    int rc = csv_header(&t, err, errlen);
    struct of_shape *v = NULL;
    if (!rc && !(v = calloc(t.nrows, sizeof *v)))
        rc = cxs_errf(err, errlen, "%s: out of memory", path);
    for (size_t r = 0; !rc && r < t.nrows; r++)
        rc = csv_row(&t, r, &v[r], err, errlen);
    if (!rc)
        *out = v, *n = t.nrows;
    else
        free(v);
    cxs_table_free(&t);
    return rc;
}

int of_shape_find(const char *name, const struct of_shape *csv, size_t ncsv, struct of_shape *m,
                  char *err, size_t errlen)
{
    for (size_t i = 0; i < ncsv; i++)
        if (strcmp(name, csv[i].name) == 0) {
            *m = csv[i];
            return 0;
        }
    int preset = 0;
    for (size_t i = 0; i < NSHAPES; i++)
        preset |= strcmp(name, shapes[i].name) == 0;
    if (preset || !ncsv)
        return of_shape_load(name, m, err, errlen);
    char list[800], mine[800];
    size_t l = 0;
    preset_list(list, sizeof list);
    for (size_t i = 0; i < ncsv && l < sizeof mine; i++)
        l += (size_t)snprintf(mine + l, sizeof mine - l, "%s%s", i ? ", " : "", csv[i].name);
    return cxs_errf(err, errlen, "unknown model '%s' (models: %s; --model-csv: %s)", name, list,
                    mine);
}
