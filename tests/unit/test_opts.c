/* test_opts.c — option tables (opts.h): parsing by kind, the shared rows,
 * the one-line usage errors (exit 2, in a child), --help text generated from
 * the table, --version, and the table's own mistakes (exit 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "cli.h"
#include "opts.h"
#include "run.h"

struct vals {
    int flag, mode, node;
    const char *str;
    uint64_t n, size;
    unsigned u;
    double d;
    char custom[64];
    struct cxs_std_opts std;
};

static void custom_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct vals *v = o->dest;
    if (strchr(arg, '!'))
        cxs_usage_die("%s: no '!' please", opt);
    snprintf(v->custom, sizeof v->custom, "%s=%s", opt, arg);
}

static const char *const modes[] = {"sweep", "latency", "all", NULL};
static const char *const classes[] = {"ldram", "cxl", NULL};

/* The table every test uses, pointing into v. */
#define TABLE(v)                                                                                   \
    const struct cxs_opt opts[] = {                                                                \
        CXS_O_FLAG("flag", &(v)->flag, "a flag"),                                                  \
        CXS_O_STR("str", &(v)->str, "S", "a string"),                                              \
        CXS_O_U64("n", &(v)->n, 1, 10, "N", "a count, 1..10"),                                     \
        CXS_O_UINT("u", &(v)->u, 0, 64, "U", "an unsigned"),                                       \
        CXS_O_INT("node", &(v)->node, 0, 65535, "N", "a node"),                                    \
        CXS_O_DOUBLE("d", &(v)->d, "X", "a positive number"),                                      \
        CXS_O_SIZE("size", &(v)->size, 1ULL << 30, "B", "a size, at most 1G"),                     \
        CXS_O_ENUM("mode", &(v)->mode, modes, "mode", "sweep|latency|all", "what to do"),          \
        CXS_O_ENUM("class", &(v)->mode, classes, "class", "C", "a class"),                         \
        CXS_O_CUSTOM("custom", custom_arg, (v), "ANY", "anything but '!'"),                        \
        CXS_O_STD(CXS_OPT_REPEAT, NULL),                                                           \
        CXS_O_STD(CXS_OPT_MIN, NULL),                                                              \
        CXS_O_STD(CXS_OPT_FORMAT, ""),                                                             \
        CXS_O_STD(CXS_OPT_QUIET, ""),                                                              \
        CXS_O_STD_HIDDEN(CXS_OPT_MATRIX),                                                          \
        CXS_O_STD(CXS_OPT_HELP, NULL),                                                             \
        CXS_O_STD(CXS_OPT_VERSION, NULL),                                                          \
        CXS_O_END,                                                                                 \
    };                                                                                             \
    const struct cxs_optspec spec = {.head = "Usage: prog [OPTIONS] ARG\n\n", .std = &(v)->std}

static int parse(struct vals *v, int argc, char **argv)
{
    TABLE(v);
    return cxs_opts_parse(argc, argv, opts, &spec);
}

static void test_parse_kinds(void **state)
{
    (void)state;
    struct vals v = {.mode = -1, .std = {.repeat = 7}};
    char *argv[] = {"prog",  "--flag",   "--str",    "hello",         "first",   "--n",
                    "10",    "--u",      "64",       "--node",        "65535",   "--d",
                    "0.25",  "--size",   "1G",       "--mode",        "latency", "--custom",
                    "x,y",   "--repeat", "9",        "--min-samples", "3",       "--format",
                    "table", "--quiet",  "--matrix", "second",        NULL};
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    int first = parse(&v, argc, argv);
    assert_int_equal(v.flag, 1);
    assert_string_equal(v.str, "hello");
    assert_int_equal(v.n, 10);
    assert_int_equal(v.u, 64);
    assert_int_equal(v.node, 65535);
    assert_true(v.d == 0.25);
    assert_int_equal(v.size, 1ULL << 30);
    assert_int_equal(v.mode, 1);
    assert_string_equal(v.custom, "--custom=x,y");
    assert_int_equal(v.std.repeat, 9);
    assert_int_equal(v.std.min_samples, 3);
    assert_int_equal(v.std.format, CXS_FMT_TABLE);
    assert_int_equal(v.std.quiet, 1);
    assert_int_equal(v.std.matrix, 1);
    /* the non-options, moved after the options */
    assert_int_equal(argc - first, 2);
    assert_string_equal(argv[first], "first");
    assert_string_equal(argv[first + 1], "second");

    /* a second parse starts from argv[1] again; abbreviations are getopt's */
    struct vals w = {0};
    char *argv2[] = {"prog", "--cust", "z", NULL};
    assert_int_equal(parse(&w, 3, argv2), 3);
    assert_string_equal(w.custom, "--custom=z");
}

/* ---- usage errors: one line, exit 2 ---- */

struct bad {
    char *args[6];
    const char *want;
};

static void parse_bad(void *arg)
{
    struct bad *b = arg;
    char *argv[8] = {"prog"};
    int argc = 1;
    for (int i = 0; b->args[i]; i++)
        argv[argc++] = b->args[i];
    cxs_prog = "prog";
    struct vals v = {.std = {.repeat = 5}};
    parse(&v, argc, argv);
    cxs_std_check(&v.std);
}

static void test_usage_errors(void **state)
{
    (void)state;
    static struct bad cases[] = {
        {{"--n", "0"}, "prog: error: --n: 0 is out of range [1, 10]\n"},
        {{"--n", "11"}, "prog: error: --n: 11 is out of range [1, 10]\n"},
        {{"--n", "x"}, "prog: error: --n: 'x' is not a non-negative integer\n"},
        {{"--u", "65"}, "prog: error: --u: 65 is out of range [0, 64]\n"},
        {{"--node", "-1"}, "prog: error: --node: '-1' is not a non-negative integer\n"},
        {{"--d", "-1"}, "prog: error: --d: '-1' is not a positive number\n"},
        {{"--d", "0"}, "prog: error: --d: '0' is not a positive number\n"},
        {{"--size", "2G"}, "prog: error: --size: at most 1G\n"},
        {{"--size", "0"}, "prog: error: --size: size must be greater than 0\n"},
        {{"--mode", "both"}, "prog: error: unknown mode 'both' (modes: sweep, latency, all)\n"},
        {{"--class", "x"}, "prog: error: unknown class 'x' (classes: ldram, cxl)\n"},
        {{"--custom", "!"}, "prog: error: --custom: no '!' please\n"},
        {{"--bogus"}, "prog: error: unknown or incomplete option '--bogus' (see --help)\n"},
        {{"--n"}, "prog: error: unknown or incomplete option '--n' (see --help)\n"},
        {{"--flag=1"}, "prog: error: unknown or incomplete option '--flag=1' (see --help)\n"},
        {{"--page-size", "4k"},
         "prog: error: unknown or incomplete option '--page-size' (see --help)\n"},
        /* the shared rows are cxs_std_option()'s */
        {{"--repeat", "0"}, "prog: error: --repeat: 0 is out of range [1, 100000]\n"},
        {{"--format", "yaml"}, "prog: error: unknown format 'yaml' (formats: csv, table)\n"},
        {{"--min-samples", "6"}, "prog: error: --min-samples (6) exceeds --repeat (5)\n"},
        /* the first bad option is the one reported */
        {{"--n", "0", "--bogus"}, "prog: error: --n: 0 is out of range [1, 10]\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[512];
        int rc = run_in_child(parse_bad, &cases[i], out, sizeof out);
        if (rc != 2 || strcmp(out, cases[i].want) != 0)
            fail_msg("%s: exit %d, '%s' (wanted exit 2, '%s')", cases[i].args[0], rc, out,
                     cases[i].want);
    }
}

/* ---- --help and --version ---- */

static const char usage_want[] = "Usage: prog [OPTIONS] ARG\n"
                                 "\n"
                                 "  --flag           a flag\n"
                                 "  --str S          a string\n"
                                 "  --n N            a count, 1..10\n"
                                 "  --u U            an unsigned\n"
                                 "  --node N         a node\n"
                                 "  --d X            a positive number\n"
                                 "  --size B         a size, at most 1G\n"
                                 "  --mode sweep|latency|all  what to do\n"
                                 "  --class C        a class\n"
                                 "  --custom ANY     anything but '!'\n"
                                 "  --repeat N       at most N samples per point (default 7)\n"
                                 "  --min-samples N  at least N samples per point (default 0)\n"
                                 "  --format csv|table, --quiet, --help, --version\n";

static void test_usage_text(void **state)
{
    (void)state;
    struct vals v = {.std = {.repeat = 7}};
    TABLE(&v);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cxs_opts_usage(f, opts, &spec);
    fclose(f);
    assert_string_equal(buf, usage_want);
    free(buf);
}

static void help_child(void *arg)
{
    (void)arg;
    struct vals v = {.std = {.repeat = 7}};
    char *argv[] = {"prog", "--repeat", "99", "--help", "--bogus", NULL};
    cxs_prog = "prog";
    parse(&v, 5, argv);
}
static void version_child(void *arg)
{
    (void)arg;
    struct vals v = {0};
    char *argv[] = {"prog", "--version", NULL};
    cxs_prog = "prog";
    parse(&v, 2, argv);
}

static void test_help_and_version(void **state)
{
    (void)state;
    char out[4096];
    /* the defaults shown are the binary's, not what came before --help */
    assert_int_equal(run_in_child(help_child, NULL, out, sizeof out), 0);
    assert_string_equal(out, usage_want);
    assert_int_equal(run_in_child(version_child, NULL, out, sizeof out), 0);
    assert_string_equal(out, "prog " CXS_VERSION "\n");
}

/* Wrapping: at 79 characters, continuation at the help column, '\n' kept;
 * the shared help text and a binary's own. */
static void test_wrap_and_shared_help(void **state)
{
    (void)state;
    struct cxs_std_opts std = {.budget_s = 0.5, .seed = 1};
    const struct cxs_opt opts[] = {
        CXS_O_STD(CXS_OPT_BUDGET, NULL),
        CXS_O_STD(CXS_OPT_SEED, "seed of the check pattern"),
        CXS_O_STD_NODEFAULT(CXS_OPT_OUTPUT, "write DIR/a.csv and DIR/meta.json (without it: rows "
                                            "on stdout; the second file needs --output)"),
        {.kind = CXS_ARG_STD, .std = CXS_OPT_CPU, .metavar = "N", .help = "one node"},
        CXS_O_STR("model", &std.outdir, "NAME|FILE",
                  "a preset; presets:\nsmall: 8 layers\nbig: "
                  "126 layers"),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {.std = &std, .tail = "Exit status: 0.\n"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cxs_opts_usage(f, opts, &spec);
    fclose(f);
    assert_string_equal(
        buf, "  --time-budget SEC  stop sampling a point after SEC seconds once it has\n"
             "                     --min-samples (default 0.5)\n"
             "  --seed N           seed of the check pattern (default 1)\n"
             "  --output DIR       write DIR/a.csv and DIR/meta.json (without it: rows on\n"
             "                     stdout; the second file needs --output)\n"
             "  --cpu-node N       one node\n"
             "  --model NAME|FILE  a preset; presets:\n"
             "                     small: 8 layers\n"
             "                     big: 126 layers\n"
             "Exit status: 0.\n");
    for (char *p = buf; *p;) {
        size_t l = strcspn(p, "\n");
        assert_true(l <= CXS_HELP_WIDTH);
        p += l + (p[l] != 0);
    }
    free(buf);
}

/* Every shared option has a name and help (run.h's list and this one agree). */
static void test_every_shared_row(void **state)
{
    (void)state;
    struct cxs_std_opts std = {0};
    struct cxs_opt opts[CXS_OPT_RESERVE - CXS_OPT_CPU + 2];
    for (int c = CXS_OPT_CPU; c <= CXS_OPT_RESERVE; c++)
        opts[c - CXS_OPT_CPU] = (struct cxs_opt)CXS_O_STD(c, NULL);
    opts[CXS_OPT_RESERVE - CXS_OPT_CPU + 1] = (struct cxs_opt)CXS_O_END;
    const struct cxs_optspec spec = {.std = &std};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cxs_opts_usage(f, opts, &spec);
    fclose(f);
    static const struct option old[] = {CXS_STD_LONGOPTS, CXS_PLACE_LONGOPTS};
    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "--%s", old[i].name);
        assert_non_null(strstr(buf, want));
    }
    free(buf);
}

/* ---- the table's own mistakes: internal errors, exit 1 ---- */

static void twice_child(void *arg)
{
    (void)arg;
    int a, b;
    const struct cxs_opt opts[] = {CXS_O_FLAG("x", &a, "x"), CXS_O_FLAG("x", &b, "x again"),
                                   CXS_O_END};
    const struct cxs_optspec spec = {0};
    char *argv[] = {"prog", NULL};
    cxs_prog = "prog";
    cxs_opts_parse(1, argv, opts, &spec);
}
static void nostd_child(void *arg)
{
    (void)arg;
    const struct cxs_opt opts[] = {CXS_O_STD(CXS_OPT_REPEAT, NULL), CXS_O_END};
    const struct cxs_optspec spec = {0};
    char *argv[] = {"prog", NULL};
    cxs_prog = "prog";
    cxs_opts_parse(1, argv, opts, &spec);
}
static void nodest_child(void *arg)
{
    (void)arg;
    const struct cxs_opt opts[] = {CXS_O_U64("n", NULL, 0, 1, "N", "n"), CXS_O_END};
    const struct cxs_optspec spec = {0};
    char *argv[] = {"prog", NULL};
    cxs_prog = "prog";
    cxs_opts_parse(1, argv, opts, &spec);
}

static void test_table_mistakes(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(run_in_child(twice_child, NULL, out, sizeof out), 1);
    assert_string_equal(out, "prog: error: internal error: --x is in the option table twice\n");
    assert_int_equal(run_in_child(nostd_child, NULL, out, sizeof out), 1);
    assert_string_equal(out, "prog: error: internal error: --repeat needs the shared options "
                             "(spec->std)\n");
    assert_int_equal(run_in_child(nodest_child, NULL, out, sizeof out), 1);
    assert_string_equal(out, "prog: error: internal error: --n lacks its destination or parser\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_kinds),          cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_usage_text),           cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_wrap_and_shared_help), cmocka_unit_test(test_every_shared_row),
        cmocka_unit_test(test_table_mistakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
