/* csvin.c — a result CSV read back into memory with libcsv. */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What the parser's callbacks build: fields of the current record, then
 * records appended to the table. */
struct build {
    struct cxs_table *t;
    char **rec;
    size_t nrec, caprec;
    size_t cap_cells;
    size_t records;
    int bad; /* 0 ok; 1 field count; 2 no memory; 3 duplicate column */
    size_t bad_line, bad_n;
    char bad_name[128];
};

static void on_field(void *s, size_t len, void *data)
{
    struct build *b = data;
    if (b->bad)
        return;
    if (b->nrec == b->caprec) {
        size_t n = b->caprec ? 2 * b->caprec : 32;
        char **r = realloc(b->rec, n * sizeof *r);
        if (!r) {
            b->bad = 2;
            return;
        }
        b->rec = r, b->caprec = n;
    }
    char *f = malloc(len + 1);
    if (!f) {
        b->bad = 2;
        return;
    }
    memcpy(f, s, len);
    f[len] = '\0';
    b->rec[b->nrec++] = f;
}

static void drop_record(struct build *b)
{
    for (size_t i = 0; i < b->nrec; i++)
        free(b->rec[i]);
    b->nrec = 0;
}

/* Column indexes ordered by name, then by position. */
static int by_name(const void *a, const void *b, void *cols)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    char *const *c = cols;
    int d = strcmp(c[i], c[j]);
    return d ? d : (i > j) - (i < j);
}

/* The first column (in header order) whose name an earlier one has, or
 * ncols if none; ncols + 1 when out of memory. Sorting makes this
 * O(n log n): names checked pair by pair took minutes for a 400,000-column
 * header. */
static size_t first_repeat(char **cols, size_t ncols)
{
    size_t *ix = malloc((ncols ? ncols : 1) * sizeof *ix);
    if (!ix)
        return ncols + 1;
    for (size_t i = 0; i < ncols; i++)
        ix[i] = i;
    qsort_r(ix, ncols, sizeof *ix, by_name, cols);
    size_t first = ncols;
    for (size_t i = 1; i < ncols; i++)
        if (strcmp(cols[ix[i]], cols[ix[i - 1]]) == 0 && ix[i] < first)
            first = ix[i];
    free(ix);
    return first;
}

static void on_record(int c, void *data)
{
    (void)c;
    struct build *b = data;
    struct cxs_table *t = b->t;
    b->records++;
    if (b->bad) {
        drop_record(b);
        return;
    }
    if (b->records == 1) {
        t->cols = b->rec, t->ncols = b->nrec;
        b->rec = NULL, b->nrec = b->caprec = 0;
        size_t dup = first_repeat(t->cols, t->ncols);
        if (dup == t->ncols + 1) {
            b->bad = 2;
        } else if (dup < t->ncols) {
            b->bad = 3;
            snprintf(b->bad_name, sizeof b->bad_name, "%s", t->cols[dup]);
        }
        return;
    }
    if (b->nrec != t->ncols) {
        b->bad = 1, b->bad_line = b->records, b->bad_n = b->nrec;
        drop_record(b);
        return;
    }
    if ((t->nrows + 1) * t->ncols > b->cap_cells) {
        size_t n = b->cap_cells ? 2 * b->cap_cells : 64 * t->ncols;
        char **cells = realloc(t->cells, n * sizeof *cells);
        if (!cells) {
            b->bad = 2;
            drop_record(b);
            return;
        }
        t->cells = cells, b->cap_cells = n;
    }
    memcpy(t->cells + t->nrows * t->ncols, b->rec, t->ncols * sizeof *b->rec);
    t->nrows++;
    b->nrec = 0;
}

int cxs_table_load(const char *path, struct cxs_table *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return cxs_errf(err, errlen, "%s: %s", path, strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        fclose(f);
        return cxs_errf(err, errlen, "%s: cannot start the CSV parser", path);
    }
    struct build b = {.t = t};
    char buf[65536];
    size_t n, total = 0;
    int perr = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        total += n;
        if (csv_parse(&p, buf, n, on_field, on_record, &b) != n) {
            perr = 1;
            break;
        }
    }
    int rerr = ferror(f);
    fclose(f);
    if (!perr && csv_fini(&p, on_field, on_record, &b) != 0)
        perr = 1;
    int code = csv_error(&p);
    csv_free(&p);
    drop_record(&b);
    free(b.rec);
    int rc = 0;
    if (rerr)
        rc = cxs_errf(err, errlen, "%s: read error", path);
    else if (total == 0)
        rc = cxs_errf(err, errlen, "%s: empty file", path);
    else if (!perr && b.records == 0) /* libcsv skips blank lines: no header */
        rc = cxs_errf(err, errlen, "%s: empty file (blank lines only)", path);
    else if (perr)
        rc = cxs_errf(err, errlen, "%s: not valid CSV near record %zu: %s", path, b.records + 1,
                      csv_strerror(code));
    else if (b.bad == 1)
        rc = cxs_errf(err, errlen, "%s: line %zu has %zu fields, the header %zu", path, b.bad_line,
                      b.bad_n, t->ncols);
    else if (b.bad == 2)
        rc = cxs_errf(err, errlen, "%s: out of memory", path);
    else if (b.bad == 3)
        rc = cxs_errf(err, errlen, "%s: column '%s' appears twice in the header", path, b.bad_name);
    if (rc)
        cxs_table_free(t);
    return rc;
}

void cxs_table_free(struct cxs_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    free(t->cells);
    free(t->cols);
    t->cells = t->cols = NULL;
    t->nrows = t->ncols = 0;
}

int cxs_table_col(const struct cxs_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0)
            return (int)i;
    return -1;
}

const char *cxs_table_get(const struct cxs_table *t, size_t row, int col)
{
    if (row >= t->nrows || col < 0 || (size_t)col >= t->ncols)
        return "";
    return t->cells[row * t->ncols + (size_t)col];
}

int cxs_table_require(const struct cxs_table *t, const char *const *names, size_t min_rows,
                      char *err, size_t errlen)
{
    for (size_t i = 0; names[i]; i++)
        if (cxs_table_col(t, names[i]) < 0)
            return cxs_errf(err, errlen, "%s: no column '%s'", t->path, names[i]);
    if (t->nrows < min_rows)
        return cxs_errf(err, errlen, "%s: %zu rows, at least %zu needed", t->path, t->nrows,
                        min_rows);
    return 0;
}

int cxs_table_num(const struct cxs_table *t, size_t row, int col, double *out, char *err,
                  size_t errlen)
{
    const char *s = cxs_table_get(t, row, col);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* strtod also takes leading blanks, hexadecimal, inf and nan */
    if (!*s || s[strspn(s, "0123456789+-.eE")] || *end || errno == ERANGE || !isfinite(v))
        return cxs_errf(err, errlen, "%s: line %zu: column %s: '%s' is not a number", t->path,
                        row + 2, col >= 0 && (size_t)col < t->ncols ? t->cols[col] : "?", s);
    *out = v;
    return 0;
}
