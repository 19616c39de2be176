/* output.h — result rows as CSV files and as tables for people.
 *
 * Promises:
 * - CSV is RFC 4180: one header line, comma-separated, a field quoted when it
 *   holds a comma, a double quote, CR or LF (quotes doubled), "\n" line ends.
 * - A CSV file is written as PATH.partial, flushed after every row, and
 *   renamed to PATH by cxs_out_close(): a run cut short leaves the rows it
 *   measured, under a name that says so (cxs_out_close() is called on Ctrl-C
 *   too, so an interrupted run's rows end up in PATH and meta.json says the
 *   run is incomplete).
 * - The echo stream (usually stdout) gets the same rows as CSV or as an
 *   table (--format table: right-aligned, each column as wide as its name and
 *   at least 10), also flushed per row.
 * - Values are strings; the caller formats numbers (units in column names:
 *   _ns, _gbps with GB = 1e9 bytes, _bytes).
 */
#ifndef CXS_OUTPUT_H
#define CXS_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

enum cxs_format { CXS_FMT_CSV, CXS_FMT_TABLE };
int cxs_format_parse(const char *s); /* "csv" or "table", any case; -1 if unknown */

struct cxs_out;

/* path may be NULL (no file); echo may be NULL (no echo). The column names
 * are copied. Returns NULL with err set on failure. */
struct cxs_out *cxs_out_open(const char *path, FILE *echo, enum cxs_format echo_fmt,
                             const char *const *cols, size_t ncols, char *err, size_t errlen);
/* vals holds ncols strings (NULL is written as an empty field). */
int cxs_out_row(struct cxs_out *o, const char *const *vals);
size_t cxs_out_rows(const struct cxs_out *o);
/* Flush, rename PATH.partial to PATH, free. Returns 0 or -1. */
int cxs_out_close(struct cxs_out *o);

/* Write one CSV field with RFC 4180 quoting. */
void cxs_csv_field(FILE *f, const char *s);

#endif
