/* fuzz_models.c — a model from a CSV of layers (xs_model_load,
 * replay/models.h): what loads has at least one layer, unique names of 1 to
 * 63 characters, positive sizes that add up to the model's, and FLOPs that
 * are not negative. */
#include "fuzz.h"
#include "models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct xs_model m;
    char err[2048] = "";
    if (xs_model_load(fuzz_file(data, len), &m, err, sizeof err)) {
        FUZZ_CHECK(err[0] && m.layers == NULL);
        return 0;
    }
    FUZZ_CHECK(m.n >= 1);
    uint64_t bytes = 0;
    for (size_t i = 0; i < m.n; i++) {
        const struct xs_mlayer *l = &m.layers[i];
        size_t nl = strnlen(l->name, sizeof l->name);
        FUZZ_CHECK(nl >= 1 && nl < sizeof l->name);
        FUZZ_CHECK(xs_model_find(&m, l->name) == (int)i);
        FUZZ_CHECK(l->bytes > 0 && l->flops_per_token >= 0);
        FUZZ_CHECK(l->single_use == 0 || l->single_use == 1);
        bytes += l->bytes;
    }
    FUZZ_CHECK(bytes == m.bytes);
    xs_model_free(&m);
    return 0;
}
