/* row.h — result rows built by column name, from one column list per CSV.
 *
 * A CSV's columns are defined once, as an array of struct cxs_col (name and
 * an optional one-line meaning). The same list gives the header handed to
 * cxs_out_open()/cxs_run_open()/cxs_run_out_open() (cxs_row_names()), the
 * "Columns" text of --help (cxs_cols_list(), cxs_cols_describe()), and the
 * rows, whose values are set by column name in any order.
 *
 * Promises:
 * - A row is complete when every column was set exactly once. A column that
 *   is meant to be blank is set with cxs_row_empty(); nothing else writes an
 *   empty field.
 * - Setting a name that is not a column, setting a column twice, or setting
 *   one to NULL makes the setter return -1 and marks the row bad (the first
 *   such mistake is kept, naming the column); the setters never exit.
 * - cxs_row_check() is the pure test: 0 for a complete row, else -1 with the
 *   reason (naming the column) in err.
 * - cxs_row_take() is what a writer calls: on a complete row it returns the
 *   values in column order (valid until the row is next set, reset or
 *   freed) and starts the next row: the next setter call begins an empty
 *   row. On an incomplete or bad row it is an internal error: "PROG: error:
 *   internal error: TABLE row: REASON" on stderr, exit 1 (cxs_die(), so the
 *   exit hooks run).
 * - cxs_row_new() copies nothing but keeps cols: the list must outlive the
 *   row (a static array). A list with a repeated or empty name is an
 *   internal error (exit 1, naming it), as is running out of memory.
 * - Number formats are the suite's: cxs_row_u64() "%" PRIu64,
 *   cxs_row_int() "%lld", cxs_row_fixed() "%.*f" (NaN prints as printf
 *   does: a caller that means "no value" says cxs_row_empty()).
 * - Lookup is linear from the column after the last one set, so setting
 *   the columns in order costs one comparison each.
 */
#ifndef CXS_ROW_H
#define CXS_ROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cxs_col {
    const char *name;
    const char *help; /* one line: what it holds and its unit; NULL if the name says it */
};
#define CXS_NCOLS(list) (sizeof(list) / sizeof((list)[0]))

struct cxs_row;

/* table names the CSV in messages ("xlshare.csv"). */
struct cxs_row *cxs_row_new(const char *table, const struct cxs_col *cols, size_t ncols);
void cxs_row_free(struct cxs_row *r);

/* The header: ncols names in column order. */
const char *const *cxs_row_names(const struct cxs_row *r);
size_t cxs_row_ncols(const struct cxs_row *r);

int cxs_row_set(struct cxs_row *r, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cxs_row_str(struct cxs_row *r, const char *col, const char *s); /* s verbatim */
int cxs_row_u64(struct cxs_row *r, const char *col, uint64_t v);
int cxs_row_int(struct cxs_row *r, const char *col, long long v);
int cxs_row_fixed(struct cxs_row *r, const char *col, int decimals, double v);
int cxs_row_empty(struct cxs_row *r, const char *col);

/* The columns of one summary (stats.h) in UNIT ("ns", "s", "gbps"): median
 * under its own name (e.g. "median_ns", "latency_ns"), then ci95_lo_UNIT,
 * ci95_hi_UNIT, mean_UNIT, min_UNIT, max_UNIT, with CXS_SUM_PCT also
 * p5_UNIT and p95_UNIT, all with decimals; samples_kept and samples_dropped.
 * Returns -1 when any setter does (the row is then bad, as above). */
#define CXS_SUM_PCT 1
struct cxs_summary;
int cxs_row_summary(struct cxs_row *r, const char *median, const char *unit, int decimals,
                    unsigned flags, const struct cxs_summary *s);

/* Forget what was set: the next setter begins an empty row. */
void cxs_row_reset(struct cxs_row *r);
int cxs_row_check(const struct cxs_row *r, char *err, size_t errlen);
const char *const *cxs_row_take(struct cxs_row *r);

/* --help text from a column list. cxs_cols_list(): "TITLE: a,b,c,..."
 * wrapped at 79 characters, continuation lines indented by two spaces.
 * cxs_cols_describe(): one line "  NAME  HELP" per column that has help,
 * the help aligned (over all the lists given: lists[i] has n[i] columns; a
 * name already described in an earlier list is not repeated). */
void cxs_cols_list(FILE *f, const char *title, const struct cxs_col *cols, size_t ncols);
void cxs_cols_describe(FILE *f, const struct cxs_col *const *lists, const size_t *n, size_t nlists);

#endif
