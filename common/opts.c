/* opts.c — a binary's options as one table (opts.h). */
#include "opts.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run.h"

/* The shared options: names and argument kinds are run.h's
 * CXS_STD_LONGOPTS and CXS_PLACE_LONGOPTS (one definition for the old
 * getopt tables and this one); what --help says about them is here. */
static const struct option std_longopts[] = {CXS_STD_LONGOPTS, CXS_PLACE_LONGOPTS,
                                             CXS_CHASE_LONGOPTS};
#define NSTD (sizeof std_longopts / sizeof std_longopts[0])

enum dflt { D_NONE, D_U64, D_DOUBLE, D_FORMAT };
static const struct {
    int code;
    const char *metavar, *help;
    enum dflt dflt;
    size_t off; /* of the value in struct cxs_std_opts */
} std_help[] = {
    {CXS_OPT_CPU, "SPEC", "CPU node(s) the measuring threads run on: IDs, ranges or all", D_NONE,
     0},
    {CXS_OPT_MEM, "SPEC",
     "memory node(s) to measure: IDs, ranges, all, or a class relative to the CPU node (ldram, "
     "rdram, cxl, cpuless)",
     D_NONE, 0},
    {CXS_OPT_MATRIX, NULL, "every CPU node x every memory node", D_NONE, 0},
    {CXS_OPT_REPEAT, "N", "at most N samples per point", D_U64,
     offsetof(struct cxs_std_opts, repeat)},
    {CXS_OPT_MIN, "N", "at least N samples per point", D_U64,
     offsetof(struct cxs_std_opts, min_samples)},
    {CXS_OPT_BUDGET, "SEC", "stop sampling a point after SEC seconds once it has --min-samples",
     D_DOUBLE, offsetof(struct cxs_std_opts, budget_s)},
    {CXS_OPT_SEED, "N", "seed of the random data", D_U64, offsetof(struct cxs_std_opts, seed)},
    {CXS_OPT_OUTPUT, "DIR", "write the CSV files and meta.json into DIR", D_NONE, 0},
    {CXS_OPT_FORMAT, "csv|table", "what stdout gets", D_FORMAT,
     offsetof(struct cxs_std_opts, format)},
    {CXS_OPT_QUIET, NULL, "no rows on stdout", D_NONE, 0},
    {CXS_OPT_HELP, NULL, "", D_NONE, 0},
    {CXS_OPT_VERSION, NULL, "", D_NONE, 0},
    {CXS_OPT_PAGE, "P", "4k (default), thp, 2m or 1g", D_NONE, 0},
    {CXS_OPT_FALLBACK, NULL, "measure even if pages landed off the requested node", D_NONE, 0},
    {CXS_OPT_RESERVE, NULL,
     "if a node's hugetlb pool is short, raise it for the run (root) and give the pages back "
     "afterwards, Ctrl-C included",
     D_NONE, 0},
    {CXS_OPT_STRIDE, "BYTES",
     "spacing of the random cycle's elements: 64 (one per cache line, as the suite always "
     "did) to 4096, a power of two; 256 is multichase's default (-s 256)",
     D_U64, offsetof(struct cxs_std_opts, stride)},
    {CXS_OPT_DIST, "N",
     "after each point's samples, as many again timed in blocks of N dependent loads (16 for "
     "memory, 64 or more at cache sizes) for the distribution of ns per load: percentiles in "
     "the rows, the histogram in its own CSV",
     D_NONE, 0},
    {CXS_OPT_PREFETCH, "MODE",
     "the hardware prefetchers while measuring: off (as Intel MLC's latency tests), on, or keep "
     "(change nothing; default). off/on need root and the msr driver, and restore the old "
     "setting at exit, Ctrl-C included; where they cannot, exit 77 with the reason",
     D_NONE, 0},
};

_Static_assert(sizeof std_help / sizeof std_help[0] == NSTD, "one help entry per shared option");

static size_t std_index(int code)
{
    for (size_t i = 0; i < NSTD; i++)
        if (std_longopts[i].val == code && std_help[i].code == code)
            return i;
    cxs_die("internal error: no shared option %d", code);
}

/* What one row looks like once a shared row is resolved. */
struct resolved {
    const char *name, *metavar, *help;
    int has_arg;
    char dflt[64]; /* " (default V)" or "" */
};

static void resolve(const struct cxs_opt *o, const struct cxs_std_opts *std, struct resolved *r)
{
    *r = (struct resolved){.name = o->name, .metavar = o->metavar, .help = o->help};
    if (o->kind != CXS_ARG_STD) {
        r->has_arg = o->kind == CXS_ARG_FLAG ? no_argument : required_argument;
        return;
    }
    size_t i = std_index(o->std);
    r->name = std_longopts[i].name;
    r->has_arg = std_longopts[i].has_arg;
    if (!r->metavar)
        r->metavar = std_help[i].metavar;
    if (!r->help)
        r->help = std_help[i].help;
    if (!std || (o->flags & CXS_OF_NODEFAULT))
        return;
    const char *v = (const char *)std + std_help[i].off;
    if (std_help[i].dflt == D_U64)
        snprintf(r->dflt, sizeof r->dflt, " (default %" PRIu64 ")", *(const uint64_t *)v);
    else if (std_help[i].dflt == D_DOUBLE)
        snprintf(r->dflt, sizeof r->dflt, " (default %g)", *(const double *)v);
    else if (std_help[i].dflt == D_FORMAT)
        snprintf(r->dflt, sizeof r->dflt, " (default %s)",
                 *(const enum cxs_format *)v == CXS_FMT_TABLE ? "table" : "csv");
}

static size_t count_rows(const struct cxs_opt *opts)
{
    size_t n = 0;
    while (opts[n].kind != CXS_ARG_END)
        n++;
    return n;
}

/* The table's internal errors: caught on every run, before any option. */
static void check_table(const struct cxs_opt *opts, size_t n, const struct cxs_optspec *spec)
{
    if (n >= CXS_OPT_CPU - 256)
        cxs_die("internal error: %zu options in one table", n);
    for (size_t i = 0; i < n; i++) {
        struct resolved a, b;
        if (opts[i].kind > CXS_ARG_STD)
            cxs_die("internal error: option row %zu has no kind", i + 1);
        resolve(&opts[i], NULL, &a);
        if (!a.name || !*a.name)
            cxs_die("internal error: option row %zu has no name", i + 1);
        if (opts[i].kind == CXS_ARG_STD && !spec->std && opts[i].std != CXS_OPT_HELP &&
            opts[i].std != CXS_OPT_VERSION)
            cxs_die("internal error: --%s needs the shared options (spec->std)", a.name);
        if ((opts[i].kind == CXS_ARG_ENUM && (!opts[i].names || !opts[i].what)) ||
            (opts[i].kind == CXS_ARG_CUSTOM && !opts[i].parse) ||
            (opts[i].kind != CXS_ARG_STD && opts[i].kind != CXS_ARG_CUSTOM && !opts[i].dest))
            cxs_die("internal error: --%s lacks its destination or parser", a.name);
        for (size_t j = 0; j < i; j++) {
            resolve(&opts[j], NULL, &b);
            if (strcmp(a.name, b.name) == 0)
                cxs_die("internal error: --%s is in the option table twice", a.name);
        }
    }
}

void cxs_help_wrap(FILE *f, const char *text, int at, int indent)
{
    int col = at, fresh = 1;
    for (const char *p = text; *p;) {
        if (*p == '\n') {
            fprintf(f, "\n%*s", indent, "");
            col = indent, fresh = 1;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t w = strcspn(p, " \n");
        if (!fresh && col + 1 + (int)w > CXS_HELP_WIDTH) {
            fprintf(f, "\n%*s", indent, "");
            col = indent, fresh = 1;
        }
        if (!fresh)
            fputc(' ', f), col++;
        fwrite(p, 1, w, f);
        col += (int)w, fresh = 0;
        p += w;
    }
    fputc('\n', f);
}

/* An option's "  --NAME METAVAR" part, and its length. */
static int opt_part(const struct resolved *r, char *buf, size_t len)
{
    return snprintf(buf, len, "  --%s%s%s", r->name, r->metavar ? " " : "",
                    r->metavar ? r->metavar : "");
}

/* Options longer than this have their help after two spaces instead. */
#define CXS_OPT_COLUMN_MAX 24

void cxs_opts_usage(FILE *f, const struct cxs_opt *opts, const struct cxs_optspec *spec)
{
    size_t n = count_rows(opts);
    char part[160];
    int col = 0;
    for (size_t i = 0; i < n; i++) {
        struct resolved r;
        resolve(&opts[i], spec->std, &r);
        int len = opt_part(&r, part, sizeof part);
        if (!(opts[i].flags & CXS_OF_HIDDEN) && r.help && *r.help && len <= CXS_OPT_COLUMN_MAX &&
            len + 2 > col)
            col = len + 2;
    }
    if (spec->head)
        fputs(spec->head, f);
    int joined = 0; /* on a line of options without help */
    for (size_t i = 0; i < n; i++) {
        struct resolved r;
        resolve(&opts[i], spec->std, &r);
        if (opts[i].flags & CXS_OF_HIDDEN)
            continue;
        int len = opt_part(&r, part, sizeof part);
        if (!r.help || !*r.help) {
            fprintf(f, "%s%s", joined ? ", " : "", joined ? part + 2 : part);
            joined = 1;
            continue;
        }
        if (joined)
            fputc('\n', f);
        joined = 0;
        char help[1024];
        snprintf(help, sizeof help, "%s%s", r.help, r.dflt);
        int at = fprintf(f, "%s%*s", part, len + 2 > col ? 2 : col - len, "");
        cxs_help_wrap(f, help, at, col);
    }
    if (joined)
        fputc('\n', f);
    if (spec->more)
        spec->more(f);
    if (spec->tail)
        fputs(spec->tail, f);
}

static void enum_arg(const struct cxs_opt *o, const char *arg)
{
    for (int i = 0; o->names[i]; i++)
        if (strcmp(o->names[i], arg) == 0) {
            *(int *)o->dest = i;
            return;
        }
    char known[512] = "";
    size_t len = 0;
    for (int i = 0; o->names[i] && len < sizeof known; i++)
        len +=
            (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", o->names[i]);
    size_t w = strlen(o->what);
    cxs_usage_die("unknown %s '%s' (%s%s: %s)", o->what, arg, o->what,
                  w && o->what[w - 1] == 's' ? "es" : "s", known);
}

/* One option from the command line. */
static void apply(const struct cxs_opt *o, const char *arg, struct cxs_std_opts *std,
                  const char *usage)
{
    char opt[96], err[200];
    snprintf(opt, sizeof opt, "--%s", o->name ? o->name : "");
    switch (o->kind) {
    case CXS_ARG_FLAG:
        *(int *)o->dest = 1;
        break;
    case CXS_ARG_STR:
        *(const char **)o->dest = arg;
        break;
    case CXS_ARG_U64:
        *(uint64_t *)o->dest = cxs_u64_arg(opt, arg, o->min, o->max);
        break;
    case CXS_ARG_UINT:
        *(unsigned *)o->dest = (unsigned)cxs_u64_arg(opt, arg, o->min, o->max);
        break;
    case CXS_ARG_INT:
        *(int *)o->dest = (int)cxs_u64_arg(opt, arg, o->min, o->max);
        break;
    case CXS_ARG_DOUBLE:
        if (cxs_parse_pos_double(arg, (double *)o->dest, err, sizeof err))
            cxs_usage_die("%s: %s", opt, err);
        break;
    case CXS_ARG_SIZE: {
        uint64_t v;
        if (cxs_parse_size(arg, &v, err, sizeof err))
            cxs_usage_die("%s: %s", opt, err);
        if (o->max && v > o->max) {
            cxs_format_size(o->max, err, sizeof err);
            cxs_usage_die("%s: at most %s", opt, err);
        }
        *(uint64_t *)o->dest = v;
        break;
    }
    case CXS_ARG_ENUM:
        enum_arg(o, arg);
        break;
    case CXS_ARG_CUSTOM:
        o->parse(o, opt, arg);
        break;
    case CXS_ARG_STD:
        cxs_std_option(o->std, arg, std, usage);
        break;
    case CXS_ARG_END:
        break;
    }
}

int cxs_opts_parse(int argc, char **argv, const struct cxs_opt *opts,
                   const struct cxs_optspec *spec)
{
    size_t n = count_rows(opts);
    check_table(opts, n, spec);
    struct option *lo = calloc(n + 1, sizeof *lo);
    char *usage = NULL;
    size_t ulen = 0;
    FILE *u = open_memstream(&usage, &ulen);
    if (!lo || !u)
        cxs_die("out of memory");
    cxs_opts_usage(u, opts, spec);
    if (fclose(u) != 0)
        cxs_die("out of memory");
    for (size_t i = 0; i < n; i++) {
        struct resolved r;
        resolve(&opts[i], NULL, &r);
        int code = opts[i].kind == CXS_ARG_STD ? opts[i].std : 256 + (int)i;
        lo[i] = (struct option){r.name, r.has_arg, NULL, code};
    }
    struct cxs_std_opts none = {0};
    struct cxs_std_opts *std = spec->std ? spec->std : &none;
    int c;
    opterr = 0;
    optind = 0; /* from argv[1], whatever was parsed before */
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        const struct cxs_opt *o = NULL;
        if (c >= 256 && (size_t)(c - 256) < n && opts[c - 256].kind != CXS_ARG_STD)
            o = &opts[c - 256];
        for (size_t i = 0; !o && c >= CXS_OPT_CPU && i < n; i++)
            if (opts[i].kind == CXS_ARG_STD && opts[i].std == c)
                o = &opts[i];
        if (!o)
            cxs_usage_die("unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
        apply(o, optarg, std, usage);
    }
    free(usage);
    free(lo);
    return optind;
}
