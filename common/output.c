/* output.c — result rows as CSV files and as tables for people (output.h). */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Narrowest table column: short names still leave room for a number. */
#define CXS_TABLE_MIN_WIDTH 10

struct cxs_out {
    FILE *f;       /* PATH.partial, NULL when no file */
    char *path;    /* final name */
    char *partial; /* PATH.partial */
    FILE *echo;
    enum cxs_format echo_fmt;
    char **cols;
    int *widths; /* table column widths, fixed at open */
    size_t ncols;
    size_t rows;
    int failed; /* a write to the file failed */
};

int cxs_format_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcasecmp(s, "csv") == 0)
        return CXS_FMT_CSV;
    if (strcasecmp(s, "table") == 0)
        return CXS_FMT_TABLE;
    return -1;
}

void cxs_csv_field(FILE *f, const char *s)
{
    if (!s || !*s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void csv_line(FILE *f, const char *const *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        cxs_csv_field(f, vals[i]);
    }
    fputc('\n', f);
}

/* Right-aligned in its column; a longer value widens only its own cell. */
static void table_line(FILE *f, const char *const *vals, const int *widths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(' ', f);
        fprintf(f, "%*s", widths[i], vals[i] ? vals[i] : "");
    }
    fputc('\n', f);
}

static void echo_line(struct cxs_out *o, const char *const *vals)
{
    if (!o->echo)
        return;
    if (o->echo_fmt == CXS_FMT_TABLE)
        table_line(o->echo, vals, o->widths, o->ncols);
    else
        csv_line(o->echo, vals, o->ncols);
    fflush(o->echo);
}

static void out_free(struct cxs_out *o)
{
    if (!o)
        return;
    if (o->cols)
        for (size_t i = 0; i < o->ncols; i++)
            free(o->cols[i]);
    free(o->cols);
    free(o->widths);
    free(o->path);
    free(o->partial);
    free(o);
}

struct cxs_out *cxs_out_open(const char *path, FILE *echo, enum cxs_format echo_fmt,
                             const char *const *cols, size_t ncols, char *err, size_t errlen)
{
    if (ncols == 0 || !cols) {
        snprintf(err, errlen, "no columns");
        return NULL;
    }
    struct cxs_out *o = calloc(1, sizeof(*o));
    if (!o)
        goto nomem;
    o->echo = echo;
    o->echo_fmt = echo_fmt;
    o->ncols = ncols;
    o->cols = calloc(ncols, sizeof(*o->cols));
    o->widths = calloc(ncols, sizeof(*o->widths));
    if (!o->cols || !o->widths)
        goto nomem;
    for (size_t i = 0; i < ncols; i++) {
        o->cols[i] = strdup(cols[i] ? cols[i] : "");
        if (!o->cols[i])
            goto nomem;
        size_t w = strlen(o->cols[i]);
        o->widths[i] = w > CXS_TABLE_MIN_WIDTH ? (int)w : CXS_TABLE_MIN_WIDTH;
    }
    if (path) {
        o->path = strdup(path);
        if (!o->path || asprintf(&o->partial, "%s.partial", path) < 0) {
            o->partial = NULL;
            goto nomem;
        }
        o->f = fopen(o->partial, "w");
        if (!o->f) {
            snprintf(err, errlen, "cannot create %s: %s", o->partial, strerror(errno));
            out_free(o);
            return NULL;
        }
        csv_line(o->f, (const char *const *)o->cols, ncols);
        if (fflush(o->f) != 0 || ferror(o->f)) {
            snprintf(err, errlen, "cannot write %s: %s", o->partial, strerror(errno));
            fclose(o->f);
            unlink(o->partial);
            out_free(o);
            return NULL;
        }
    }
    echo_line(o, (const char *const *)o->cols);
    return o;

nomem:
    snprintf(err, errlen, "out of memory");
    out_free(o);
    return NULL;
}

int cxs_out_row(struct cxs_out *o, const char *const *vals)
{
    if (!o || !vals)
        return -1;
    int rc = 0;
    if (o->f) {
        csv_line(o->f, vals, o->ncols);
        if (fflush(o->f) != 0 || ferror(o->f)) {
            o->failed = 1;
            rc = -1;
        }
    }
    echo_line(o, vals);
    o->rows++;
    return rc;
}

size_t cxs_out_rows(const struct cxs_out *o)
{
    return o ? o->rows : 0;
}

int cxs_out_close(struct cxs_out *o)
{
    if (!o)
        return 0;
    int rc = o->failed ? -1 : 0;
    if (o->echo && fflush(o->echo) != 0)
        rc = -1;
    if (o->f) {
        if (fflush(o->f) != 0 || ferror(o->f))
            rc = -1;
        if (fclose(o->f) != 0)
            rc = -1;
        /* Rename even after a write error: the rows that made it are kept. */
        if (rename(o->partial, o->path) != 0)
            rc = -1;
    }
    out_free(o);
    return rc;
}
