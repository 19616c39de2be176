/* offload_models.c — the model shapes cxlscope-offload knows: the
 * presets of cxlscope-xlshare (their bytes from models.h, read-only) and
 * the BERT and GPT-2 sizes of the paper (seed 003). */
#include "offload_models.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
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
    size_t l = 0;
    for (size_t i = 0; i < NSHAPES && l < sizeof list; i++)
        l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", shapes[i].name);
    return cxs_errf(err, errlen, "unknown model '%s' (models: %s)", name, list);
}
