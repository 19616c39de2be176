/* cxlscope-calibrate — a results directory turned into calibration.json (the
 * measured figures a pool model needs, each with its source), or into the
 * XL-Share emulator's own calibration file. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calib.h"
#include "cli.h"
#include "opts.h"
#include "outfile.h"

static const char usage_head[] =
    "Usage: cxlscope-calibrate RESULTS_DIR [OPTIONS]\n"
    "\n"
    "Reads a cxlscope results directory (run-all's, or a binary's --output:\n"
    "meta.json and any of latency.csv, saturation.csv, bandwidth.csv, loaded.csv,\n"
    "gpu_copy.csv, gpu_copy_latency.csv) and writes a calibration: per memory node\n"
    "(class from the CPU node) the idle latency (random chase at the largest size,\n"
    "with its page size), peak bandwidth and saturation threads per traffic kind,\n"
    "the loaded-latency curve under the node's own traffic, the GPU's pinned and\n"
    "pageable h2d/d2h bandwidth at the largest size and its 64 B copy latency; the\n"
    "GPU's device-to-device bandwidth. Every value names its source (file, line,\n"
    "the row's key columns, run id). A value not measured is absent, listed under\n"
    "\"absent\" with the reason; nothing is filled in.\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Files are checked: an empty or garbled CSV, rows of the wrong length, missing\n"
    "columns (another tool's file), figures that are not numbers, nodes or classes\n"
    "that meta.json's machine does not have, step meta.json files of another\n"
    "host, kernel or CPU (two machines mixed) are rejected, naming the file and\n"
    "the problem. So are values no measurement can have, naming file, line and\n"
    "column: a latency must be > 0 and < 1e9 ns (1 s), a bandwidth > 0 and\n"
    "< 100000 GB/s, a count (threads, bytes) an integer >= 0, a node or GPU\n"
    "number an integer 0..65535.\n"
    "\n"
    "Exit status: 0 written; 1 a file was rejected or the output cannot be\n"
    "written; 2 bad usage (not a results directory, a --pool-node without memory,\n"
    "a --gpu with no rows) or a value out of its range.\n";

static const char *const formats[] = {"cxlscope", "xlshare", NULL};

struct args {
    struct rp_calib_opts o;
    const char *dir, *out;
    int format; /* index in formats[] */
    int quiet;
};

static void parse_args(int argc, char **argv, struct args *a)
{
    *a = (struct args){.o = {-1, -1, -1}};
    const struct cxs_opt opts[] = {
        CXS_O_INT("pool-node", &a->o.pool_node, 0, 65535, "N",
                  "the memory node that holds the pool (default: a CXL node, else the memory "
                  "node farthest from the CPU node)"),
        CXS_O_INT("gpu", &a->o.gpu, 0, 65535, "G",
                  "the GPU whose copies to use (default: the first in gpu_copy.csv)"),
        CXS_O_INT("cpu-node", &a->o.cpu_node, 0, 65535, "N",
                  "the CPU node the CPU-side figures are from (default: the GPU rows' host "
                  "node, else the first CPU node measured)"),
        CXS_O_ENUM("format", &a->format, formats, "format", "F",
                   "cxlscope (default: schema cxlscope-calibration/1) or xlshare (the "
                   "XL-Share emulator's file: objects calibration and cxllatency_profile with "
                   "its key names; keys with no measurement behind them are null; notes says, "
                   "key by key, what stands behind each value)"),
        CXS_O_STR("output", &a->out, "FILE|DIR",
                  "where to write (default RESULTS_DIR/calibration.json, or "
                  "RESULTS_DIR/calibration-xlshare.json; a directory: that name in it; - for "
                  "stdout)"),
        CXS_O_FLAG("quiet", &a->quiet, "no summary line on stderr"),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {.head = usage_head, .tail = usage_tail};
    int first = cxs_opts_parse(argc, argv, opts, &spec);
    if (first >= argc)
        cxs_usage_die("no results directory given (see --help)");
    if (first + 1 < argc)
        cxs_usage_die("unexpected argument '%s' (one results directory)", argv[first + 1]);
    a->dir = argv[first];
}

/* The output's name first: a name the output-file rule refuses stops the
 * run before anything is read. Returns it (in path, or "-"). */
static const char *output_path(const struct args *a, char *path, size_t len)
{
    char err[4200];
    struct stat st;
    const char *out = a->out;
    if (!out || (strcmp(out, "-") != 0 && stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
        snprintf(path, len, "%s/%s", out ? out : a->dir,
                 a->format ? "calibration-xlshare.json" : "calibration.json");
        out = path;
    }
    int rc = strcmp(out, "-") ? cxs_outfile_check(out, err, sizeof err) : 0;
    if (rc == CXS_OUTFILE_REFUSED)
        cxs_usage_die("%s", err);
    if (rc)
        cxs_die("%s", err);
    return out;
}

static void write_doc(const char *out, json_t *doc)
{
    char err[4200];
    int flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);
    if (strcmp(out, "-") == 0) {
        json_dumpf(doc, stdout, flags);
        putchar('\n');
        return;
    }
    int rc = cxs_outfile_json(out, doc, flags, err, sizeof err);
    if (rc == CXS_OUTFILE_REFUSED)
        cxs_usage_die("%s", err);
    if (rc)
        cxs_die("%s", err);
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-calibrate";
    struct args a;
    parse_args(argc, argv, &a);
    char path[4096], err[4200];
    const char *out = output_path(&a, path, sizeof path);

    json_t *cal;
    int rc = rp_calibrate(a.dir, &a.o, &cal, err, sizeof err);
    if (rc == CXS_EXIT_USAGE)
        cxs_usage_die("%s", err);
    if (rc)
        cxs_die("%s", err);
    json_t *doc = a.format ? rp_xlshare_format(cal) : json_incref(cal);
    write_doc(out, doc);
    size_t nabs = json_array_size(json_object_get(cal, "absent"));
    if (!a.quiet)
        fprintf(stderr, "%s: %s: pool node %lld (%s), CPU node %lld, %zu value%s absent%s\n",
                cxs_prog, strcmp(out, "-") ? out : "stdout",
                (long long)json_integer_value(json_object_get(cal, "pool_node")),
                json_string_value(json_object_get(cal, "pool_class")),
                (long long)json_integer_value(json_object_get(cal, "cpu_node")), nabs,
                nabs == 1 ? "" : "s", nabs ? " (reasons under \"absent\")" : "");
    json_decref(doc);
    json_decref(cal);
    return 0;
}
