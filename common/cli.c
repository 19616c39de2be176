/* cli.c — shared parsers and the one-line message helpers. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interrupt.h"

const char *cxs_prog = "cxlscope";

int cxs_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int cxs_errc(int code, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

int cxs_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
    static const struct {
        char c;
        unsigned shift;
    } units[] = {{'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}};
    if (!s || !*s)
        return cxs_errf(err, errlen, "empty size (expected e.g. 4096, 64K, 1G)");
    if (!isdigit((unsigned char)s[0]))
        return cxs_errf(err, errlen, "bad size '%s' (expected e.g. 4096, 64K, 1G)", s);
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return cxs_errf(err, errlen, "size '%s' is too large", s);
    unsigned shift = 0;
    if (*end) {
        char c = (char)toupper((unsigned char)*end);
        size_t i;
        for (i = 0; i < sizeof units / sizeof units[0]; i++)
            if (units[i].c == c)
                break;
        if (i == sizeof units / sizeof units[0])
            return cxs_errf(err, errlen, "bad size '%s' (suffixes: K, M, G, T; K = 1024)", s);
        shift = units[i].shift;
        end++;
        if (!strcmp(end, "iB") || !strcmp(end, "B"))
            end += strlen(end);
        if (*end)
            return cxs_errf(err, errlen, "bad size '%s' (suffixes: K, M, G, T; K = 1024)", s);
    }
    if (v == 0)
        return cxs_errf(err, errlen, "size must be greater than 0");
    if (shift && v > (UINT64_MAX >> shift))
        return cxs_errf(err, errlen, "size '%s' is too large", s);
    *out = (uint64_t)v << shift;
    return 0;
}

int cxs_parse_sweep(const char *s, uint64_t *out, size_t max, size_t *n, char *err, size_t errlen)
{
    char buf[128], e2[128];
    if (!s || strlen(s) >= sizeof buf)
        return cxs_errf(err, errlen, "bad sweep (expected LO:HI[:FACTOR], e.g. 4K:1G)");
    strcpy(buf, s);
    char *lo = buf, *hi = strchr(buf, ':');
    if (!hi)
        return cxs_errf(err, errlen, "bad sweep '%s' (expected LO:HI[:FACTOR], e.g. 4K:1G)", s);
    *hi++ = 0;
    char *fs = strchr(hi, ':');
    if (fs)
        *fs++ = 0;
    uint64_t a, b, f = 2;
    if (cxs_parse_size(lo, &a, e2, sizeof e2) || cxs_parse_size(hi, &b, e2, sizeof e2))
        return cxs_errf(err, errlen, "bad sweep '%s': %s", s, e2);
    if (fs && cxs_parse_u64(fs, 2, 1024, &f, e2, sizeof e2))
        return cxs_errf(err, errlen, "bad sweep factor in '%s': %s", s, e2);
    if (a > b)
        return cxs_errf(err, errlen, "bad sweep '%s': the first size must not exceed the second",
                        s);
    *n = 0;
    for (uint64_t v = a; v <= b; v *= f) {
        if (*n == max)
            return cxs_errf(err, errlen, "sweep '%s' has more than %zu points", s, max);
        out[(*n)++] = v;
        if (v > UINT64_MAX / f)
            break;
    }
    return 0;
}

int cxs_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
                  size_t errlen)
{
    if (!s || !isdigit((unsigned char)s[0]))
        return cxs_errf(err, errlen, "'%s' is not a non-negative integer", s ? s : "");
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return cxs_errf(err, errlen, "'%s' is not a non-negative integer", s);
    if (v < min || v > max)
        return cxs_errf(err, errlen, "%llu is out of range [%" PRIu64 ", %" PRIu64 "]", v, min,
                        max);
    *out = v;
    return 0;
}

int cxs_parse_pos_double(const char *s, double *out, char *err, size_t errlen)
{
    if (!s || !*s)
        return cxs_errf(err, errlen, "empty number");
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v <= 0)
        return cxs_errf(err, errlen, "'%s' is not a positive number", s);
    *out = v;
    return 0;
}

static int insert_sorted(int *out, size_t max, size_t *n, int v)
{
    size_t i = 0;
    while (i < *n && out[i] < v)
        i++;
    if (i < *n && out[i] == v)
        return 0;
    if (*n == max)
        return -1;
    memmove(out + i + 1, out + i, (*n - i) * sizeof *out);
    out[i] = v;
    (*n)++;
    return 0;
}

int cxs_parse_idlist(const char *s, int *out, size_t max, size_t *n, char *err, size_t errlen)
{
    *n = 0;
    const char *p = s;
    while (*p && *p != '\n') {
        char *end;
        if (!isdigit((unsigned char)*p))
            return cxs_errf(err, errlen, "bad ID list '%s' (expected e.g. 0,2 or 0-3)", s);
        long a = strtol(p, &end, 10), b = a;
        if (*end == '-') {
            if (!isdigit((unsigned char)end[1]))
                return cxs_errf(err, errlen, "bad ID list '%s' (expected e.g. 0,2 or 0-3)", s);
            b = strtol(end + 1, &end, 10);
        }
        if (a > 65535 || b > 65535 || a > b)
            return cxs_errf(err, errlen, "bad ID range in '%s'", s);
        for (long v = a; v <= b; v++)
            if (insert_sorted(out, max, n, (int)v))
                return cxs_errf(err, errlen, "ID list '%s' has more than %zu entries", s, max);
        if (*end == ',' && end[1] && end[1] != '\n')
            end++;
        else if (*end && *end != '\n')
            return cxs_errf(err, errlen, "bad ID list '%s' (expected e.g. 0,2 or 0-3)", s);
        p = end;
    }
    return 0;
}

void cxs_format_size(uint64_t bytes, char *buf, size_t len)
{
    static const char suffix[] = "KMGT";
    int u = -1;
    while (u < 3 && bytes && bytes % 1024 == 0) {
        bytes /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%" PRIu64, bytes);
    else
        snprintf(buf, len, "%" PRIu64 "%c", bytes, suffix[u]);
}

void cxs_format_amount(uint64_t bytes, char *buf, size_t len)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    int u = 0;
    while (u < 5 && v >= 1024) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%" PRIu64 " B", bytes);
    else
        snprintf(buf, len, "%.1f %s", v, unit[u]);
}

size_t cxs_split_commas(char *s, char **items, size_t max)
{
    size_t n = 0;
    for (;;) {
        if (n < max)
            items[n] = s;
        n++;
        char *c = strchr(s, ',');
        if (!c)
            break;
        *c = 0;
        s = c + 1;
    }
    return n;
}

int cxs_name_lookup_in(const void *table, size_t n, size_t stride, size_t off, int exact,
                       const char *s)
{
    if (!s)
        return -1;
    const char *base = table;
    for (size_t i = 0; i < n && i <= INT_MAX; i++) {
        const char *name;
        memcpy(&name, base + i * stride + off, sizeof name);
        if (name && (exact ? strcmp(s, name) : strcasecmp(s, name)) == 0)
            return (int)i;
    }
    return -1;
}

int cxs_name_lookup(const char *const *names, size_t n, const char *s)
{
    return cxs_name_lookup_in(names, n, sizeof *names, 0, 0, s);
}

int cxs_name_lookup_exact(const char *const *names, size_t n, const char *s)
{
    return cxs_name_lookup_in(names, n, sizeof *names, 0, 1, s);
}

__attribute__((format(printf, 2, 0))) static void vmsg(const char *level, const char *fmt,
                                                       va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "%s: %s%s\n", cxs_prog, level, line);
}

#define DIE_WITH(code, level)                                                                      \
    do {                                                                                           \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        vmsg(level, fmt, ap);                                                                      \
        va_end(ap);                                                                                \
        cxs_exit_hooks_run();                                                                      \
        exit(code);                                                                                \
    } while (0)

void cxs_die(const char *fmt, ...)
{
    DIE_WITH(CXS_EXIT_FAIL, "error: ");
}

void cxs_usage_die(const char *fmt, ...)
{
    DIE_WITH(CXS_EXIT_USAGE, "error: ");
}

void cxs_skip(const char *fmt, ...)
{
    DIE_WITH(CXS_EXIT_SKIP, "skipped: ");
}

void cxs_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
}

void cxs_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("note: ", fmt, ap);
    va_end(ap);
}

void cxs_each_item(const char *arg, const char *what, int (*one)(const char *item, void *ctx),
                   void *ctx)
{
    char *buf = strdup(arg);
    size_t n = buf ? cxs_split_commas(buf, NULL, 0) : 0;
    char **items = n ? malloc(n * sizeof *items) : NULL;
    if (!items)
        cxs_die("%s list: out of memory", what);
    strcpy(buf, arg); /* split again, now keeping every item */
    cxs_split_commas(buf, items, n);
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++)
        bad = one(items[i], ctx) != 0;
    free(items);
    free(buf);
    if (bad) {
        cxs_exit_hooks_run();
        exit(CXS_EXIT_USAGE);
    }
}

struct names_ctx {
    const char *what;
    int (*parse)(const char *s);
    const char *(*name)(int i);
    int *out;
    size_t *n;
};

static int add_name(const char *item, void *ctx)
{
    struct names_ctx *x = ctx;
    int v = x->parse(item);
    if (v < 0) {
        char known[512] = "";
        size_t len = 0;
        for (int i = 0; x->name(i) && len < sizeof known; i++)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
                                    x->name(i));
        size_t w = strlen(x->what);
        cxs_usage_die("unknown %s '%s' (%s%s: %s)", x->what, item, x->what,
                      w && x->what[w - 1] == 's' ? "es" : "s", known);
    }
    for (size_t i = 0; i < *x->n; i++)
        if (x->out[i] == v)
            return 0;
    x->out[(*x->n)++] = v;
    return 0;
}

void cxs_names_arg(const char *arg, const char *what, int (*parse)(const char *s),
                   const char *(*name)(int i), int *out, size_t *n)
{
    struct names_ctx x = {what, parse, name, out, n};
    cxs_each_item(arg, what, add_name, &x);
}

uint64_t cxs_u64_arg(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    uint64_t v;
    char err[160];
    if (cxs_parse_u64(s, min, max, &v, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
    return v;
}
