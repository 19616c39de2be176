/* output.c — result rows as CSV files and as tables for people (output.h). */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"

/* Narrowest table column: short names still leave room for a number. */
#define CXS_TABLE_MIN_WIDTH 10

struct cxs_out {
    int fd;        /* PATH.partial, -1 when no file */
    off_t good;    /* bytes of whole rows in it */
    char *path;    /* final name */
    char *partial; /* PATH.partial */
    FILE *echo;
    enum cxs_format echo_fmt;
    char **cols;
    int *widths; /* table column widths, fixed at open */
    size_t ncols;
    size_t rows;
    int failed;     /* a write to the file failed */
    char err[1024]; /* why */
};

static const char *const format_names[] = {[CXS_FMT_CSV] = "csv", [CXS_FMT_TABLE] = "table"};

int cxs_format_parse(const char *s)
{
    return cxs_name_lookup(format_names, sizeof format_names / sizeof format_names[0], s);
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

/* One whole CSV line appended to the file, or nothing: a failed write is
 * cut back to the last whole row, so the file never ends in half a row. */
static int file_line(struct cxs_out *o, const char *const *vals)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        snprintf(o->err, sizeof o->err, "out of memory");
        return -1;
    }
    csv_line(m, vals, o->ncols);
    int rc = fclose(m) != 0
                 ? cxs_errf(o->err, sizeof o->err, "out of memory")
                 : cxs_outfile_write_all(o->fd, o->partial, buf, len, o->err, sizeof o->err);
    free(buf);
    if (rc) {
        if (ftruncate(o->fd, o->good) == 0)
            lseek(o->fd, o->good, SEEK_SET);
        return -1;
    }
    o->good += (off_t)len;
    return 0;
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
    o->fd = -1;
    if (path) {
        o->path = strdup(path);
        if (!o->path || asprintf(&o->partial, "%s.partial", path) < 0) {
            o->partial = NULL;
            goto nomem;
        }
        int rc = cxs_outfile_check(path, err, errlen);
        o->fd = rc ? rc : cxs_outfile_create(o->partial, err, errlen);
        if (o->fd < 0) {
            errno = o->fd == CXS_OUTFILE_REFUSED ? EEXIST : EIO;
            out_free(o);
            return NULL;
        }
        if (file_line(o, (const char *const *)o->cols)) {
            snprintf(err, errlen, "%s", o->err);
            close(o->fd);
            unlink(o->partial);
            out_free(o);
            errno = EIO;
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
    if (o->failed)
        return -1;
    if (o->fd >= 0 && file_line(o, vals)) {
        o->failed = 1;
        return -1;
    }
    echo_line(o, vals);
    o->rows++;
    return 0;
}

size_t cxs_out_rows(const struct cxs_out *o)
{
    return o ? o->rows : 0;
}

const char *cxs_out_error(const struct cxs_out *o)
{
    return o && o->failed ? o->err : NULL;
}

int cxs_out_close(struct cxs_out *o)
{
    if (!o)
        return 0;
    int rc = 0;
    if (o->echo && fflush(o->echo) != 0) {
        cxs_error("cannot write the rows to standard output: %s", strerror(errno));
        rc = -1;
    }
    if (o->fd >= 0) {
        if (o->failed) {
            /* The whole rows stay in PATH.partial; PATH is not touched. */
            cxs_error("%s; %zu whole row%s kept in %s", o->err, o->rows, o->rows == 1 ? "" : "s",
                      o->partial);
            close(o->fd);
            rc = -1;
        } else if (cxs_outfile_commit(o->fd, o->partial, o->path, 1, o->err, sizeof o->err)) {
            cxs_error("%s; %zu row%s kept in %s", o->err, o->rows, o->rows == 1 ? "" : "s",
                      o->partial);
            o->failed = 1;
            rc = -1;
        }
    }
    out_free(o);
    return rc;
}
