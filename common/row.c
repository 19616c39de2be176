/* row.c — result rows built by column name (row.h). */
#include "row.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "stats.h"

struct cxs_row {
    const char *table;
    const struct cxs_col *cols;
    size_t n;
    const char **names; /* the header */
    const char **vals;  /* filled by cxs_row_take() */
    size_t *off;        /* each value's offset in buf */
    unsigned char *set; /* set once */
    char *buf;          /* the values, NUL-terminated, one after another */
    size_t len, cap;
    size_t next; /* where the next lookup starts */
    int taken;   /* the next setter begins a new row */
    char bad[256];
};

static void *must(void *p)
{
    if (!p)
        cxs_die("out of memory");
    return p;
}

struct cxs_row *cxs_row_new(const char *table, const struct cxs_col *cols, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        if (!cols[i].name || !*cols[i].name)
            cxs_die("internal error: %s: column %zu has no name", table, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cols[i].name, cols[j].name) == 0)
                cxs_die("internal error: %s: column '%s' is listed twice", table, cols[i].name);
    }
    struct cxs_row *r = must(calloc(1, sizeof *r));
    r->table = table;
    r->cols = cols;
    r->n = ncols;
    r->names = must(calloc(ncols + 1, sizeof *r->names));
    r->vals = must(calloc(ncols + 1, sizeof *r->vals));
    r->off = must(calloc(ncols + 1, sizeof *r->off));
    r->set = must(calloc(ncols + 1, 1));
    r->cap = 256;
    r->buf = must(malloc(r->cap));
    for (size_t i = 0; i < ncols; i++)
        r->names[i] = cols[i].name;
    return r;
}

void cxs_row_free(struct cxs_row *r)
{
    if (!r)
        return;
    free(r->names);
    free(r->vals);
    free(r->off);
    free(r->set);
    free(r->buf);
    free(r);
}

const char *const *cxs_row_names(const struct cxs_row *r)
{
    return r->names;
}

size_t cxs_row_ncols(const struct cxs_row *r)
{
    return r->n;
}

void cxs_row_reset(struct cxs_row *r)
{
    memset(r->set, 0, r->n);
    r->len = 0;
    r->next = 0;
    r->taken = 0;
    r->bad[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static int mark_bad(struct cxs_row *r, const char *fmt, ...)
{
    if (!r->bad[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->bad, sizeof r->bad, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The index of column col, ready to be set; -1 (row marked bad) if there
 * is none or it is set already. */
static long slot(struct cxs_row *r, const char *col)
{
    if (r->taken)
        cxs_row_reset(r);
    for (size_t k = 0; k < r->n; k++) {
        size_t i = (r->next + k) % r->n;
        if (strcmp(r->cols[i].name, col) != 0)
            continue;
        if (r->set[i])
            return mark_bad(r, "column '%s' set twice", col);
        r->next = i + 1 < r->n ? i + 1 : 0;
        return (long)i;
    }
    return mark_bad(r, "no column '%s'", col);
}

static void reserve(struct cxs_row *r, size_t more)
{
    if (r->len + more <= r->cap)
        return;
    while (r->cap < r->len + more)
        r->cap *= 2;
    r->buf = must(realloc(r->buf, r->cap));
}

static int put(struct cxs_row *r, long i, const char *s, size_t len)
{
    reserve(r, len + 1);
    memcpy(r->buf + r->len, s, len);
    r->buf[r->len + len] = '\0';
    r->off[i] = r->len;
    r->len += len + 1;
    r->set[i] = 1;
    return 0;
}

__attribute__((format(printf, 3, 0))) static int vset(struct cxs_row *r, const char *col,
                                                      const char *fmt, va_list ap)
{
    long i = slot(r, col);
    if (i < 0)
        return -1;
    va_list aq;
    va_copy(aq, ap);
    size_t room = r->cap - r->len;
    int k = vsnprintf(r->buf + r->len, room, fmt, ap);
    if (k >= 0 && (size_t)k >= room) {
        reserve(r, (size_t)k + 1);
        vsnprintf(r->buf + r->len, (size_t)k + 1, fmt, aq);
    }
    va_end(aq);
    if (k < 0)
        return mark_bad(r, "column '%s': cannot format the value", col);
    r->off[i] = r->len;
    r->len += (size_t)k + 1;
    r->set[i] = 1;
    return 0;
}

int cxs_row_set(struct cxs_row *r, const char *col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vset(r, col, fmt, ap);
    va_end(ap);
    return rc;
}

int cxs_row_str(struct cxs_row *r, const char *col, const char *s)
{
    long i = slot(r, col);
    if (i < 0)
        return -1;
    if (!s)
        return mark_bad(r, "column '%s' set to NULL (cxs_row_empty() for a blank)", col);
    return put(r, i, s, strlen(s));
}

int cxs_row_u64(struct cxs_row *r, const char *col, uint64_t v)
{
    return cxs_row_set(r, col, "%" PRIu64, v);
}

int cxs_row_int(struct cxs_row *r, const char *col, long long v)
{
    return cxs_row_set(r, col, "%lld", v);
}

int cxs_row_fixed(struct cxs_row *r, const char *col, int decimals, double v)
{
    return cxs_row_set(r, col, "%.*f", decimals, v);
}

int cxs_row_empty(struct cxs_row *r, const char *col)
{
    return cxs_row_str(r, col, "");
}

int cxs_row_summary(struct cxs_row *r, const char *median, const char *unit, int decimals,
                    unsigned flags, const struct cxs_summary *s)
{
    const struct {
        const char *name;
        double v;
        int pct;
    } stat[] = {{"ci95_lo", s->ci_lo, 0}, {"ci95_hi", s->ci_hi, 0}, {"mean", s->mean, 0},
                {"min", s->min, 0},       {"max", s->max, 0},       {"p5", s->p5, 1},
                {"p95", s->p95, 1}};
    int rc = cxs_row_fixed(r, median, decimals, s->median);
    for (size_t i = 0; i < sizeof stat / sizeof stat[0]; i++) {
        if (stat[i].pct && !(flags & CXS_SUM_PCT))
            continue;
        char col[64];
        snprintf(col, sizeof col, "%s_%s", stat[i].name, unit);
        rc |= cxs_row_fixed(r, col, decimals, stat[i].v);
    }
    rc |= cxs_row_u64(r, "samples_kept", s->kept);
    rc |= cxs_row_u64(r, "samples_dropped", s->dropped);
    return rc ? -1 : 0;
}

int cxs_row_check(const struct cxs_row *r, char *err, size_t errlen)
{
    if (r->bad[0])
        return cxs_errf(err, errlen, "%s", r->bad);
    if (r->taken)
        return cxs_errf(err, errlen, "nothing set since the last row");
    for (size_t i = 0; i < r->n; i++)
        if (!r->set[i])
            return cxs_errf(err, errlen, "column '%s' not set", r->cols[i].name);
    return 0;
}

const char *const *cxs_row_take(struct cxs_row *r)
{
    char err[300];
    if (cxs_row_check(r, err, sizeof err))
        cxs_die("internal error: %s row: %s", r->table, err);
    for (size_t i = 0; i < r->n; i++)
        r->vals[i] = r->buf + r->off[i];
    r->taken = 1;
    return r->vals;
}

void cxs_cols_list(FILE *f, const char *title, const struct cxs_col *cols, size_t ncols)
{
    int at = fprintf(f, "%s:", title);
    for (size_t i = 0; i < ncols; i++) {
        int len = (int)strlen(cols[i].name) + (i + 1 < ncols);
        if (i == 0)
            at += fprintf(f, " ");
        else if (at + len > CXS_HELP_WIDTH)
            at = fprintf(f, "\n  ");
        at += fprintf(f, "%s%s", cols[i].name, i + 1 < ncols ? "," : "");
    }
    fputc('\n', f);
}

/* Whether lists[l][i]'s name appears in an earlier list, or earlier in its own. */
static int described_before(const struct cxs_col *const *lists, const size_t *n, size_t l, size_t i)
{
    for (size_t m = 0; m <= l; m++)
        for (size_t j = 0; j < (m == l ? i : n[m]); j++)
            if (lists[m][j].help && strcmp(lists[m][j].name, lists[l][i].name) == 0)
                return 1;
    return 0;
}

void cxs_cols_describe(FILE *f, const struct cxs_col *const *lists, const size_t *n, size_t nlists)
{
    int w = 0;
    for (size_t l = 0; l < nlists; l++)
        for (size_t i = 0; i < n[l]; i++)
            if (lists[l][i].help && (int)strlen(lists[l][i].name) > w)
                w = (int)strlen(lists[l][i].name);
    for (size_t l = 0; l < nlists; l++)
        for (size_t i = 0; i < n[l]; i++) {
            if (!lists[l][i].help || described_before(lists, n, l, i))
                continue;
            int at = fprintf(f, "  %-*s  ", w, lists[l][i].name);
            cxs_help_wrap(f, lists[l][i].help, at, at);
        }
}
