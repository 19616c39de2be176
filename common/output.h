/* output.h — result rows as CSV files and as tables for people.
 *
 * Promises:
 * - CSV is RFC 4180: one header line, comma-separated, a field quoted when it
 *   holds a comma, a double quote, CR or LF (quotes doubled), "\n" line ends.
 * - A CSV file follows the output-file rule (outfile.h): PATH must not exist
 *   or be a regular file (else cxs_out_open() fails with errno EEXIST and
 *   the reason in err); rows go to PATH.partial, each one written whole to
 *   the file as it comes (a row that cannot be written whole is cut off
 *   again, so the file ends on a whole row), and cxs_out_close() fsyncs and
 *   renames it to PATH. A run cut short leaves the rows it measured, under a
 *   name that says so (cxs_out_close() is called on Ctrl-C too, so an
 *   interrupted run's rows end up in PATH and meta.json says the run is
 *   incomplete).
 * - After a failed write (a full disk) the file stays PATH.partial with the
 *   whole rows written before, cxs_out_rows() counts exactly those, every
 *   later cxs_out_row() fails, and cxs_out_close() prints the one-line
 *   reason ("PROG: error: cannot write PATH.partial: No space left on
 *   device; N whole rows kept in PATH.partial") and returns -1; so does a
 *   failed fsync, close or rename.
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
/* Rows written whole (to the file, when there is one). */
size_t cxs_out_rows(const struct cxs_out *o);
/* Why the file failed, or NULL while it has not. */
const char *cxs_out_error(const struct cxs_out *o);
/* Flush, sync, rename PATH.partial to PATH (not after a failed write),
 * free. Returns 0, or -1 after printing the reason. */
int cxs_out_close(struct cxs_out *o);

/* Write one CSV field with RFC 4180 quoting. */
void cxs_csv_field(FILE *f, const char *s);

#endif
