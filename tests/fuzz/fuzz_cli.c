/* fuzz_cli.c — the option parsers of common/cli.h: one input, taken as the
 * text of an option, through every one of them (size, sweep, u64,
 * pos-double, ID list, comma split), each checked against what it promises
 * when it accepts. */
#include <math.h>

#include "cli.h"
#include "fuzz.h"

/* A size that parses is > 0 and comes back the same from its IEC form. */
static void size(const char *s)
{
    uint64_t v, w;
    char err[160] = "", buf[32];
    if (cxs_parse_size(s, &v, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(v > 0);
    cxs_format_size(v, buf, sizeof buf);
    FUZZ_CHECK(cxs_parse_size(buf, &w, err, sizeof err) == 0 && w == v);
}

/* Sweep points: at least one, at most max, each > 0, ascending (FACTOR >= 2). */
static void sweep(const char *s, size_t max)
{
    uint64_t out[64];
    size_t n = 0;
    char err[256] = "";
    if (cxs_parse_sweep(s, out, max, &n, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(n >= 1 && n <= max);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(out[i] > 0 && (i == 0 || out[i] > out[i - 1]));
}

static void u64(const char *s, uint64_t min, uint64_t max)
{
    uint64_t v, w;
    char err[160] = "", buf[32];
    if (cxs_parse_u64(s, min, max, &v, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(v >= min && v <= max);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    FUZZ_CHECK(cxs_parse_u64(buf, min, max, &w, err, sizeof err) == 0 && w == v);
}

static void pos_double(const char *s)
{
    double v;
    char err[160] = "";
    if (cxs_parse_pos_double(s, &v, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(isfinite(v) && v > 0);
}

/* IDs: ascending, unique, 0..65535, at most max. */
static void idlist(const char *s, size_t max)
{
    int out[64];
    size_t n = 0;
    char err[256] = "";
    if (cxs_parse_idlist(s, out, max, &n, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(n <= max);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(out[i] >= 0 && out[i] <= 65535 && (i == 0 || out[i] > out[i - 1]));
}

/* The count is every item of the list (commas + 1, past max too: the
 * caller's signal that its room was short); the first min(count, max) are
 * stored, each inside the buffer, and each ends where its comma was. */
static void split(const char *s)
{
    char *buf = strdup(s), *items[8];
    FUZZ_CHECK(buf != NULL);
    size_t len = strlen(buf), commas = 0;
    for (size_t i = 0; i < len; i++)
        commas += buf[i] == ',';
    size_t n = cxs_split_commas(buf, items, 8);
    FUZZ_CHECK(n == commas + 1);
    for (size_t i = 0; i < n && i < 8; i++)
        FUZZ_CHECK(items[i] >= buf && items[i] <= buf + len && !strchr(items[i], ','));
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    char *s = fuzz_str(data, len);
    size(s);
    sweep(s, 64);
    sweep(s, 3);
    u64(s, 0, UINT64_MAX);
    u64(s, 1, 4096);
    pos_double(s);
    idlist(s, 64);
    idlist(s, 3);
    split(s);
    free(s);
    return 0;
}
