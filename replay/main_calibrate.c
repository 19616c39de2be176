/* cxlscope-calibrate — a results directory turned into calibration.json (the
 * measured figures a pool model needs, each with its source), or into the
 * XL-Share emulator's own calibration file. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calib.h"
#include "cli.h"
#include "outfile.h"

static const char usage_text[] =
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
    "Options:\n"
    "  --pool-node N     the memory node that holds the pool (default: a CXL node,\n"
    "                    else the memory node farthest from the CPU node)\n"
    "  --gpu G           the GPU whose copies to use (default: the first in\n"
    "                    gpu_copy.csv)\n"
    "  --cpu-node N      the CPU node the CPU-side figures are from (default: the\n"
    "                    GPU rows' host node, else the first CPU node measured)\n"
    "  --format F        cxlscope (default: schema cxlscope-calibration/1) or\n"
    "                    xlshare (the XL-Share emulator's file: objects calibration\n"
    "                    and cxllatency_profile with its key names; keys with no\n"
    "                    measurement behind them are null; notes says, key by key,\n"
    "                    what stands behind each value)\n"
    "  --output FILE|DIR where to write (default RESULTS_DIR/calibration.json, or\n"
    "                    RESULTS_DIR/calibration-xlshare.json; a directory: that\n"
    "                    name in it; - for stdout)\n"
    "  --quiet           no summary line on stderr\n"
    "  --help, --version\n"
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

static int node_arg(const char *opt, const char *s)
{
    return (int)cxs_u64_arg(opt, s, 0, 65535);
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-calibrate";
    enum { O_POOL = 256, O_GPU, O_CPU, O_FORMAT, O_OUTPUT, O_QUIET, O_HELP, O_VERSION };
    static const struct option opts[] = {
        {"pool-node", required_argument, 0, O_POOL},
        {"gpu", required_argument, 0, O_GPU},
        {"cpu-node", required_argument, 0, O_CPU},
        {"format", required_argument, 0, O_FORMAT},
        {"output", required_argument, 0, O_OUTPUT},
        {"quiet", no_argument, 0, O_QUIET},
        {"help", no_argument, 0, O_HELP},
        {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0},
    };
    struct rp_calib_opts o = {-1, -1, -1};
    const char *out = NULL;
    int xlshare = 0, quiet = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_POOL:
            o.pool_node = node_arg("--pool-node", optarg);
            break;
        case O_GPU:
            o.gpu = node_arg("--gpu", optarg);
            break;
        case O_CPU:
            o.cpu_node = node_arg("--cpu-node", optarg);
            break;
        case O_FORMAT:
            if (strcmp(optarg, "xlshare") == 0)
                xlshare = 1;
            else if (strcmp(optarg, "cxlscope") != 0)
                cxs_usage_die("unknown format '%s' (formats: cxlscope, xlshare)", optarg);
            break;
        case O_OUTPUT:
            out = optarg;
            break;
        case O_QUIET:
            quiet = 1;
            break;
        case O_HELP:
            fputs(usage_text, stdout);
            return 0;
        case O_VERSION:
            printf("%s %s\n", cxs_prog, CXS_VERSION);
            return 0;
        default:
            cxs_usage_die("unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        cxs_usage_die("no results directory given (see --help)");
    if (optind + 1 < argc)
        cxs_usage_die("unexpected argument '%s' (one results directory)", argv[optind + 1]);
    const char *dir = argv[optind];

    /* The output's name first: a name the output-file rule refuses stops
     * the run before anything is read. */
    char path[4096], err[4200];
    struct stat st;
    if (!out || (strcmp(out, "-") != 0 && stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
        snprintf(path, sizeof path, "%s/%s", out ? out : dir,
                 xlshare ? "calibration-xlshare.json" : "calibration.json");
        out = path;
    }
    int rc = strcmp(out, "-") ? cxs_outfile_check(out, err, sizeof err) : 0;
    if (rc == CXS_OUTFILE_REFUSED)
        cxs_usage_die("%s", err);
    if (rc)
        cxs_die("%s", err);

    json_t *cal;
    rc = rp_calibrate(dir, &o, &cal, err, sizeof err);
    if (rc == CXS_EXIT_USAGE)
        cxs_usage_die("%s", err);
    if (rc)
        cxs_die("%s", err);
    json_t *doc = xlshare ? rp_xlshare_format(cal) : json_incref(cal);
    int flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);
    if (strcmp(out, "-") == 0) {
        json_dumpf(doc, stdout, flags);
        putchar('\n');
    } else {
        rc = cxs_outfile_json(out, doc, flags, err, sizeof err);
        if (rc == CXS_OUTFILE_REFUSED)
            cxs_usage_die("%s", err);
        if (rc)
            cxs_die("%s", err);
    }
    size_t nabs = json_array_size(json_object_get(cal, "absent"));
    if (!quiet)
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
