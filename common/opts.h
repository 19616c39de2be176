/* opts.h — a binary's command-line options as one table.
 *
 * Each row names a long option, the kind of its argument, where the value
 * goes (or the function that takes it), its range, and its --help line. From
 * the table come getopt_long()'s struct option array (built at run time),
 * the options part of --help, and the checks with the suite's one-line
 * messages. The options every benchmark shares (run.h's struct
 * cxs_std_opts: --cpu-node ... --version, --page-size, --allow-fallback)
 * are defined once, here, with their help: a binary's table names the ones
 * it takes with CXS_O_STD(), where they should appear in its --help, and
 * may give its own help line instead of the shared one.
 *
 * Promises:
 * - cxs_opts_parse() reads argv from argv[1] with getopt_long (no short
 *   options, GNU argument order: non-options are moved after the options)
 *   and returns optind, the first argument that is not an option; what is
 *   left is the caller's. Rows are applied in the order given on the
 *   command line, so the first bad option is the one reported.
 * - Its messages and exits are the suite's (cli.h): an unknown option or
 *   one without its argument: "PROG: error: unknown or incomplete option
 *   '--x' (see --help)", exit 2. Out of range or unparseable, exit 2:
 *     integers   "--NAME: 0 is out of range [1, 100000]" (cxs_u64_arg)
 *     doubles    "--NAME: 'x' is not a positive number"
 *     sizes      "--NAME: <cxs_parse_size's reason>", above max "--NAME:
 *                at most 1G"
 *     enums      "unknown WHAT 'x' (WHATs: a, b, c)"
 *   Shared rows behave exactly as cxs_std_option() (run.h), which they call.
 *   --help prints the usage text (generated before any option is applied,
 *   so defaults shown are the binary's) and --version "PROG VERSION", both
 *   exiting 0.
 * - The usage text: spec->head, then one entry per visible row in table
 *   order: "  --NAME METAVAR" and its help aligned in one column (the
 *   narrowest that holds every option of at most 24 characters; a longer
 *   one has its help after two spaces), wrapped at 79 characters with
 *   continuation lines at the help column; a '\n' in a help text starts a
 *   new line there. Consecutive rows whose help is "" share one line
 *   ("  --help, --version"). A shared row (CXS_O_STD, with the shared help
 *   or its own; not CXS_O_STD_NODEFAULT) whose value has a default to show
 *   (--repeat, --min-samples, --time-budget, --seed, --format) gets
 *   " (default V)" from spec->std's value before parsing. A shared row's
 *   metavar is the shared one unless the row gives its own. Then spec->more(f) when set, then
 * spec->tail.
 * - A table that repeats a name, has a row without a name or kind, a row
 *   without its destination (or parser, or enum names), or a shared row
 *   other than --help/--version without spec->std, is an internal error
 *   (exit 1, naming the option), found on every run before any option.
 * - No function here allocates anything that outlives it, except the
 *   usage text kept for --help until cxs_opts_parse() returns.
 */
#ifndef CXS_OPTS_H
#define CXS_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "run.h" /* the shared options' codes (CXS_OPT_*) and struct cxs_std_opts */

#define CXS_HELP_WIDTH 79

enum cxs_arg {
    CXS_ARG_END = 0, /* the table's last row */
    CXS_ARG_FLAG,    /* no argument: *(int *)dest = 1 */
    CXS_ARG_STR,     /* *(const char **)dest = the argument */
    CXS_ARG_U64,     /* *(uint64_t *)dest, in [min, max] */
    CXS_ARG_UINT,    /* *(unsigned *)dest, in [min, max] (max <= UINT_MAX) */
    CXS_ARG_INT,     /* *(int *)dest, in [min, max] (max <= INT_MAX) */
    CXS_ARG_DOUBLE,  /* *(double *)dest, a positive finite number */
    CXS_ARG_SIZE,    /* *(uint64_t *)dest, a size (cli.h), at most max unless max is 0 */
    CXS_ARG_ENUM,    /* *(int *)dest = the index of the argument in names[] */
    CXS_ARG_CUSTOM,  /* parse(row, "--NAME", argument): it says what is wrong itself */
    CXS_ARG_STD,     /* the shared option std (CXS_OPT_CPU ... CXS_OPT_FALLBACK, run.h) */
};

enum {
    CXS_OF_HIDDEN = 1,    /* taken, but not listed in --help */
    CXS_OF_NODEFAULT = 2, /* shared row: the help says the default itself */
};

struct cxs_opt;
typedef void (*cxs_opt_parser)(const struct cxs_opt *o, const char *opt, const char *arg);

struct cxs_opt {
    const char *name; /* without "--"; for CXS_ARG_STD the shared name */
    enum cxs_arg kind;
    void *dest;
    uint64_t min, max;
    const char *const *names; /* CXS_ARG_ENUM: NULL-terminated */
    const char *what;         /* CXS_ARG_ENUM: what the names are, singular ("mode") */
    cxs_opt_parser parse;     /* CXS_ARG_CUSTOM */
    int std;                  /* CXS_ARG_STD: its code */
    const char *metavar;      /* argument's name in --help; NULL for a flag */
    const char *help;         /* NULL: a shared row's own help */
    unsigned flags;           /* CXS_OF_* */
};

// clang-format off
#define CXS_O_FLAG(NAME, DEST, HELP) \
    {.name = NAME, .kind = CXS_ARG_FLAG, .dest = DEST, .help = HELP}
#define CXS_O_STR(NAME, DEST, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_STR, .dest = DEST, .metavar = META, .help = HELP}
#define CXS_O_U64(NAME, DEST, LO, HI, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_U64, .dest = DEST, .min = LO, .max = HI, .metavar = META, .help = HELP}
#define CXS_O_UINT(NAME, DEST, LO, HI, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_UINT, .dest = DEST, .min = LO, .max = HI, .metavar = META, .help = HELP}
#define CXS_O_INT(NAME, DEST, LO, HI, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_INT, .dest = DEST, .min = LO, .max = HI, .metavar = META, .help = HELP}
#define CXS_O_DOUBLE(NAME, DEST, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_DOUBLE, .dest = DEST, .metavar = META, .help = HELP}
#define CXS_O_SIZE(NAME, DEST, MAX, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_SIZE, .dest = DEST, .max = MAX, .metavar = META, .help = HELP}
#define CXS_O_ENUM(NAME, DEST, NAMES, WHAT, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_ENUM, .dest = DEST, .names = NAMES, .what = WHAT, .metavar = META, .help = HELP}
#define CXS_O_CUSTOM(NAME, PARSE, DEST, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_CUSTOM, .parse = PARSE, .dest = DEST, .metavar = META, .help = HELP}
/* The same, with a range for the parser to use (o->min, o->max). */
#define CXS_O_CUSTOM_RANGE(NAME, PARSE, DEST, LO, HI, META, HELP) \
    {.name = NAME, .kind = CXS_ARG_CUSTOM, .parse = PARSE, .dest = DEST, .min = LO, .max = HI, .metavar = META, .help = HELP}
/* A shared option; HELP NULL: the shared help line. */
#define CXS_O_STD(CODE, HELP) {.kind = CXS_ARG_STD, .std = CODE, .help = HELP}
#define CXS_O_STD_NODEFAULT(CODE, HELP) {.kind = CXS_ARG_STD, .std = CODE, .help = HELP, .flags = CXS_OF_NODEFAULT}
#define CXS_O_STD_HIDDEN(CODE) {.kind = CXS_ARG_STD, .std = CODE, .flags = CXS_OF_HIDDEN}
#define CXS_O_END {.kind = CXS_ARG_END}
// clang-format on

struct cxs_optspec {
    const char *head;         /* before the options: usage line, description */
    void (*more)(FILE *f);    /* after them, may be NULL: generated text (columns) */
    const char *tail;         /* last, may be NULL: exit status and so on */
    struct cxs_std_opts *std; /* where the shared rows write */
};

int cxs_opts_parse(int argc, char **argv, const struct cxs_opt *opts,
                   const struct cxs_optspec *spec);
/* The usage text (what --help prints). */
void cxs_opts_usage(FILE *f, const struct cxs_opt *opts, const struct cxs_optspec *spec);

/* Word-wrapped help text: the cursor is at column at on the current line;
 * lines end before CXS_HELP_WIDTH + 1 characters (a word longer than the
 * room left gets a line of its own), later lines start with indent spaces,
 * '\n' in text starts a new one. Ends with a newline. */
void cxs_help_wrap(FILE *f, const char *text, int at, int indent);

#endif
