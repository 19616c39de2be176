/* csvin.h — reading a result CSV back (RFC 4180, parsed by libcsv).
 *
 * Promises:
 * - cxs_table_load() reads the whole file: the first record is the header,
 *   every other record a row of exactly as many fields. It fails, with one
 *   line naming the file, for: a file that cannot be read, an empty file
 *   (no bytes, or line ends only: "\r", "\r\n", blank lines), a
 *   header only when rows are required by the caller (cxs_table_require's
 *   min_rows), a parse error (libcsv's reason), a row with another field
 *   count ("line N has X fields, the header Y"), a duplicate column name.
 * - Lines are counted as the file's lines, assuming no field holds a line
 *   break (cxlscope writes none): row r is on line r + 2.
 * - cxs_table_require() checks that every named column is there (naming the
 *   first missing one: "not a cxlscope latency.csv?" is the caller's to add)
 *   and that there are at least min_rows rows.
 * - cxs_table_num() parses a cell as a finite decimal number (digits, sign,
 *   point, exponent: no blanks, hexadecimal, inf or nan), or fails naming
 *   file, line, column and the text found.
 */
#ifndef CXS_CSVIN_H
#define CXS_CSVIN_H

#include <stddef.h>

struct cxs_table {
    char path[1024];
    size_t ncols, nrows;
    char **cols;  /* ncols names */
    char **cells; /* nrows x ncols, row-major */
};

int cxs_table_load(const char *path, struct cxs_table *t, char *err, size_t errlen);
void cxs_table_free(struct cxs_table *t);
int cxs_table_col(const struct cxs_table *t, const char *name); /* -1 if absent */
const char *cxs_table_get(const struct cxs_table *t, size_t row, int col);
int cxs_table_require(const struct cxs_table *t, const char *const *names, size_t min_rows,
                      char *err, size_t errlen);
int cxs_table_num(const struct cxs_table *t, size_t row, int col, double *out, char *err,
                  size_t errlen);

#endif
