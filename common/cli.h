/* cli.h — the command-line vocabulary every cxlscope binary shares.
 *
 * Promises:
 * - Exit codes: 0 success, 1 measurement failed, 2 bad usage or input,
 *   77 skipped because the machine lacks what the test needs.
 * - Pure parsers (no I/O, no exit): cxs_parse_size(), cxs_parse_sweep(),
 *   cxs_parse_u64(), cxs_parse_pos_double() and cxs_parse_idlist() return 0
 *   on success or -1 with a one-line reason in err (no trailing newline, no
 *   program name; cxs_errf() is that convention). cxs_format_size(),
 *   cxs_format_amount(), cxs_split_commas() (which cuts its argument in place) and the name
 *   lookups (an index or -1) have no error to report.
 * - Sizes use IEC suffixes with K = 1024: 4K, 2M, 1G, 1T (optionally followed
 *   by "B" or "iB": 4KiB, 4KB). A bare number is bytes. Zero is rejected.
 * - Option helpers for main(), which do print and exit: cxs_u64_arg(),
 *   cxs_names_arg() and cxs_each_item() return only on good input; on bad
 *   input one line goes to stderr (cxs_each_item(): its callback's own line)
 *   and the program exits 2 (out of memory: 1).
 * - Printers: cxs_die()/cxs_usage_die()/cxs_skip() print "PROG: LEVEL:
 *   message" as one line on stderr and exit with 1, 2 and 77 respectively;
 *   cxs_error() and cxs_note() print "PROG: error: ..." / "PROG: note: ..."
 *   and return. A message is cut at 1023 characters. Every exit from this
 *   module runs the exit hooks of interrupt.h first (so reserved resources
 *   are returned).
 */
#ifndef CXS_CLI_H
#define CXS_CLI_H

#include <stddef.h>
#include <stdint.h>

enum {
    CXS_EXIT_OK = 0,
    CXS_EXIT_FAIL = 1,
    CXS_EXIT_USAGE = 2,
    CXS_EXIT_SKIP = 77,
};

#define CXS_VERSION "0.1.0"

/* Program name used in messages; set once from main(). */
extern const char *cxs_prog;

/* "4K" -> 4096 and so on. Rejects 0, negatives, garbage, overflow. */
int cxs_parse_size(const char *s, uint64_t *out, char *err, size_t errlen);

/* "LO:HI[:FACTOR]" with LO <= HI, FACTOR an integer >= 2 (default 2).
 * Fills sizes LO, LO*F, LO*F^2, ... <= HI into out (at most max entries). */
int cxs_parse_sweep(const char *s, uint64_t *out, size_t max, size_t *n, char *err, size_t errlen);

/* Unsigned decimal integer in [min, max]. */
int cxs_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
                  size_t errlen);

/* Positive decimal number (e.g. seconds), > 0 and finite. */
int cxs_parse_pos_double(const char *s, double *out, char *err, size_t errlen);

/* An ID list as sysfs and numactl write it: "0", "0,2", "0-3,8-9".
 * Fills ascending unique IDs (0..65535) into out (at most max). An empty
 * string is an empty list. */
int cxs_parse_idlist(const char *s, int *out, size_t max, size_t *n, char *err, size_t errlen);

/* Format bytes as the shortest exact IEC form: 4096 -> "4K", 3000 -> "3000". */
void cxs_format_size(uint64_t bytes, char *buf, size_t len);
/* Format a measured amount of bytes for a message, rounded to one decimal in
 * the largest IEC unit it reaches: 25077596160 -> "23.4 GiB", 512 -> "512 B". */
void cxs_format_amount(uint64_t bytes, char *buf, size_t len);

/* Split a comma-separated list in place: returns the number of items in s,
 * of which the first max are put in items (a result above max means the
 * list was longer than the caller can take); empty items are kept as "". */
size_t cxs_split_commas(char *s, char **items, size_t max);

/* Name -> index in a name table (the parsers of --kind, --policy, ...):
 * cxs_name_lookup() ignores ASCII case, cxs_name_lookup_exact() does not.
 * Both return the first i < n with names[i] equal to s, or -1 when s is NULL
 * or no entry matches; a NULL entry (a gap in the table) never matches.
 * cxs_name_lookup_in() searches a table of n structs, stride bytes apart,
 * whose name is the const char * at byte offset off of each (exact: 1
 * case-sensitive, 0 any case); CXS_NAME_LOOKUP_IN(tab, n, member, exact, s)
 * fills in stride and offset for an array tab of structs with that member. */
int cxs_name_lookup(const char *const *names, size_t n, const char *s);
int cxs_name_lookup_exact(const char *const *names, size_t n, const char *s);
int cxs_name_lookup_in(const void *table, size_t n, size_t stride, size_t off, int exact,
                       const char *s);
#define CXS_NAME_LOOKUP_IN(tab, n, member, exact, s)                                               \
    cxs_name_lookup_in((tab), (n), sizeof(tab)[0],                                                 \
                       (size_t)((const char *)&(tab)[0].member - (const char *)&(tab)[0]),         \
                       (exact), (s))

/* Option helpers for main(): each prints one line and exits 2 on bad input.
 * cxs_each_item() splits a comma list (any length) and calls one() on each
 * item in order; one() prints its own message and returns -1 to stop (so a
 * caller whose table is full says so, naming its limit: no list is cut off
 * silently). cxs_u64_arg() parses an integer option in [min, max]. */
void cxs_each_item(const char *arg, const char *what, int (*one)(const char *item, void *ctx),
                   void *ctx);
uint64_t cxs_u64_arg(const char *opt, const char *s, uint64_t min, uint64_t max);

/* A comma list of table entries for an option such as --kind: parse() maps
 * an item to its index in the option's table (-1 if unknown), name(i) gives
 * entry i's name (NULL past the end). Each index is appended to out[*n]
 * unless out already holds it, so *n never exceeds the table's size, which
 * out must hold. An unknown item: "unknown WHAT 'x' (WHATs: a, b, ...)",
 * exit 2. */
void cxs_names_arg(const char *arg, const char *what, int (*parse)(const char *s),
                   const char *(*name)(int i), int *out, size_t *n);

/* Format a one-line reason into err (if err and errlen) and return -1: the
 * error convention of every parser and loader in common/. */
int cxs_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, returning code instead of -1 (an exit code: CXS_EXIT_*). */
int cxs_errc(int code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

_Noreturn void cxs_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cxs_usage_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cxs_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cxs_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: error: message" on stderr, without exiting. */
void cxs_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
