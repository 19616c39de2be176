/* calib.c — results directory -> calibration (see calib.h). */
#include "calib.h"
#include "calib_wl.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "columns.h"
#include "csvin.h"
#include "meta.h"
#include "ranges.h"

/* The result files and what each is called in messages. A missing file is
 * allowed; a present one must have every column of its writer's list that
 * every version wrote (columns.h: the lists the binaries write their
 * headers from; nreq of them, the ones added later left out). */
enum { F_LAT, F_SAT, F_BW, F_LOADED, F_GPU, F_GPULAT, NFILES };
static const struct {
    const char *name, *test; /* file, run-all test that writes it */
    const struct cxs_col *list;
    const size_t *nreq;
} files[NFILES] = {
    [F_LAT] = {"latency.csv", "latency", cxs_cols_latency, &cxs_nfirst_latency},
    [F_SAT] = {"saturation.csv", "bandwidth", cxs_cols_saturation, &cxs_ncols_saturation},
    [F_BW] = {"bandwidth.csv", "bandwidth", cxs_cols_bandwidth, &cxs_nfirst_bandwidth},
    [F_LOADED] = {"loaded.csv", "loaded", cxs_cols_loaded, &cxs_nfirst_loaded},
    [F_GPU] = {"gpu_copy.csv", "gpucopy", cxs_cols_gpu_copy, &cxs_ncols_gpu_copy},
    [F_GPULAT] = {"gpu_copy_latency.csv", "gpucopy", cxs_cols_gpu_copy_latency,
                  &cxs_ncols_gpu_copy_latency},
};
/* Columns that hold a number, and what kind (ranges.h): checked in every
 * row of every file that has them. */
static const struct {
    const char *col;
    enum rp_kind kind;
} numeric[] = {
    {"cpu_node", RP_NODE},
    {"mem_node", RP_NODE},
    {"traffic_node", RP_NODE},
    {"gpu_node", RP_NODE_OR_NONE},
    {"gpu", RP_DEVICE},
    {"size_bytes", RP_COUNT},
    {"bytes", RP_COUNT},
    {"threads", RP_COUNT},
    {"peak_threads", RP_COUNT},
    {"saturation_threads", RP_COUNT},
    {"median_ns", RP_LATENCY_NS},
    {"mean_ns", RP_LATENCY_NS},
    {"latency_ns", RP_LATENCY_NS},
    {"median_gbps", RP_GBPS},
    {"peak_gbps", RP_GBPS},
    {"saturation_gbps", RP_GBPS},
    {"total_gbps", RP_GBPS},
};
#define NNUMERIC (sizeof numeric / sizeof numeric[0])

struct ctx {
    const char *dir;
    char run_id[160];
    json_t *meta, *run;
    struct cxs_table t[NFILES];
    int have[NFILES];
    int cpu_node, pool_node, gpu;
    json_t *absent;
    char *err;
    size_t errlen;
};

/* ---- meta.json: the machine ---- */

static json_t *meta_node(const struct ctx *c, int id)
{
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(c->meta, "nodes"), i,
                       n) if (json_integer_value(json_object_get(n, "id")) == id) return n;
    return NULL;
}

static int node_has_memory(const struct ctx *c, int id)
{
    json_t *n = meta_node(c, id);
    return n && json_is_true(json_object_get(n, "has_memory"));
}

static int node_has_cpus(const struct ctx *c, int id)
{
    json_t *n = meta_node(c, id);
    return n && json_array_size(json_object_get(n, "cpus")) > 0;
}

/* Class of a memory node from a CPU node, as meta.json has it ("" unknown). */
static const char *class_of(const struct ctx *c, int mem, int cpu)
{
    char k[16];
    snprintf(k, sizeof k, "%d", cpu);
    json_t *n = meta_node(c, mem);
    const char *s = json_string_value(json_object_get(json_object_get(n, "class_from"), k));
    return s ? s : "";
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Every steps/STEP/meta.json must describe the same machine. */
static int check_steps(struct ctx *c)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/steps", c->dir);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    int rc = 0;
    static const char *const same[] = {"host", "kernel", "cpu_model"};
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/steps/%s/meta.json", c->dir, e->d_name);
        json_t *m = json_load_file(path, 0, NULL);
        if (!m)
            continue;
        for (size_t i = 0; i < 3 && !rc; i++)
            if (strcmp(jstr(m, same[i]), jstr(c->meta, same[i])) != 0)
                rc = cxs_errf(c->err, c->errlen,
                              "steps/%s/meta.json: %s '%s', but meta.json's is '%s': results of "
                              "two machines mixed",
                              e->d_name, same[i], jstr(m, same[i]), jstr(c->meta, same[i]));
        json_decref(m);
    }
    closedir(d);
    return rc ? CXS_EXIT_FAIL : 0;
}

/* ---- the CSVs ---- */

/* Numbers where numbers belong, each a value its kind can have. Node
 * columns may be empty (a device's own copies) or hold node sets ("0+1"):
 * rows the calibration does not use. */
static int check_numbers(struct ctx *c, const struct cxs_table *t)
{
    char err[600];
    int cols[NNUMERIC];
    for (size_t k = 0; k < NNUMERIC; k++)
        cols[k] = cxs_table_col(t, numeric[k].col);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t k = 0; k < NNUMERIC; k++) {
            const char *v = cxs_table_get(t, r, cols[k]);
            int node = numeric[k].kind == RP_NODE || numeric[k].kind == RP_NODE_OR_NONE;
            double x;
            if (cols[k] < 0 || (node && (!*v || strchr(v, '+'))))
                continue;
            if (cxs_table_num(t, r, cols[k], &x, err, sizeof err))
                return cxs_errf(c->err, c->errlen, "%s", err), CXS_EXIT_FAIL;
            if (rp_check(numeric[k].kind, x, v, err, sizeof err))
                return cxs_errf(c->err, c->errlen, "%s line %zu, column %s: %s", t->path, r + 2,
                                numeric[k].col, err),
                       CXS_EXIT_USAGE;
        }
    return 0;
}

static int load_file(struct ctx *c, int f)
{
    char path[4096], err[600];
    snprintf(path, sizeof path, "%s/%s", c->dir, files[f].name);
    FILE *probe = fopen(path, "r");
    if (!probe)
        return 0;
    fclose(probe);
    struct cxs_table *t = &c->t[f];
    if (cxs_table_load(path, t, err, sizeof err)) {
        cxs_errf(c->err, c->errlen, "%s", err);
        return CXS_EXIT_FAIL;
    }
    c->have[f] = 1;
    const char *names[64] = {NULL}; /* NULL-terminated */
    if (*files[f].nreq >= sizeof names / sizeof names[0])
        cxs_die("internal error: %s has more columns than calib.c checks", files[f].name);
    for (size_t i = 0; i < *files[f].nreq; i++)
        names[i] = files[f].list[i].name;
    if (cxs_table_require(t, names, 0, err, sizeof err)) {
        cxs_errf(c->err, c->errlen, "%s (not a cxlscope %s?)", err, files[f].name);
        return CXS_EXIT_FAIL;
    }
    int rc = check_numbers(c, t);
    if (rc)
        return rc;
    /* nodes and classes must be this machine's */
    int cc = cxs_table_col(t, "cpu_node"), mc = cxs_table_col(t, "mem_node"),
        kc = cxs_table_col(t, "mem_class");
    for (size_t r = 0; r < t->nrows; r++) {
        const char *ms = cxs_table_get(t, r, mc);
        if (!*ms || strchr(ms, '+'))
            continue;
        int cpu = atoi(cxs_table_get(t, r, cc)), mem = atoi(ms);
        if (!meta_node(c, mem) || !node_has_cpus(c, cpu)) {
            cxs_errf(c->err, c->errlen,
                     "%s: line %zu: CPU node %d -> memory node %d, which meta.json's machine "
                     "does not have: results of another machine?",
                     t->path, r + 2, cpu, mem);
            return CXS_EXIT_FAIL;
        }
        const char *want = class_of(c, mem, cpu), *got = cxs_table_get(t, r, kc);
        if (*want && strcmp(want, got) != 0) {
            cxs_errf(c->err, c->errlen,
                     "%s: line %zu: node %d is %s from CPU node %d in meta.json, the row says "
                     "%s: results of another machine?",
                     t->path, r + 2, mem, want, cpu, got);
            return CXS_EXIT_FAIL;
        }
    }
    return 0;
}

static double num(const struct cxs_table *t, size_t r, const char *col)
{
    return strtod(cxs_table_get(t, r, cxs_table_col(t, col)), NULL);
}
static const char *str(const struct cxs_table *t, size_t r, const char *col)
{
    return cxs_table_get(t, r, cxs_table_col(t, col));
}
static int is(const struct cxs_table *t, size_t r, const char *col, const char *v)
{
    return strcmp(str(t, r, col), v) == 0;
}
static int is_int(const struct cxs_table *t, size_t r, const char *col, int v)
{
    const char *s = str(t, r, col);
    return *s && !strchr(s, '+') && atoi(s) == v;
}

/* {"file", "line", "run", "keys": {...}} for row r. */
static json_t *source(const struct ctx *c, int f, size_t r, const char *const *keys)
{
    json_t *k = json_object();
    for (size_t i = 0; keys[i]; i++)
        json_object_set_new(k, keys[i], json_string(str(&c->t[f], r, keys[i])));
    return json_pack("{s:s, s:I, s:s, s:o}", "file", files[f].name, "line", (json_int_t)(r + 2),
                     "run", c->run_id, "keys", k);
}

/* Why a file's figures are missing: no file (and the run-all step that
 * makes it, if it was skipped or failed: its reason). */
static void why_missing(const struct ctx *c, int f, char *buf, size_t len)
{
    snprintf(buf, len, "no %s in the results", files[f].name);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(c->run, "steps"), i, s)
    {
        const char *st = jstr(s, "status");
        if (strcmp(jstr(s, "test"), files[f].test) == 0 && strcmp(st, "done") != 0) {
            size_t l = strlen(buf);
            snprintf(buf + l, len - l, " (run-all step %s %s: %s)", jstr(s, "id"), st,
                     jstr(s, "reason"));
            return;
        }
    }
}

__attribute__((format(printf, 3, 4))) static void absent(struct ctx *c, const char *key,
                                                         const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    json_array_append_new(c->absent, json_pack("{s:s, s:s}", "key", key, "reason", why));
}

/* 1 when file f was read; else its absence is recorded under key, with
 * why (why_missing), and 0. */
static int have_file(struct ctx *c, int f, const char *key)
{
    char why[512];
    if (c->have[f])
        return 1;
    why_missing(c, f, why, sizeof why);
    absent(c, key, "%s", why);
    return 0;
}

/* ---- the figures ---- */

/* The random-chase row (policy bind) from the CPU node to mem at the
 * largest size (4k pages first on a tie); with dist, only rows that have a
 * distribution (--distribution). -1 when there is none. */
static long latency_row(const struct ctx *c, int mem, int dist)
{
    const struct cxs_table *t = &c->t[F_LAT];
    int dc = cxs_table_col(t, "dist_p99_ns");
    long best = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!is_int(t, r, "cpu_node", c->cpu_node) || !is_int(t, r, "mem_node", mem) ||
            !is(t, r, "policy", "bind") || !is(t, r, "pattern", "random"))
            continue;
        if (dist && (dc < 0 || !*cxs_table_get(t, r, dc)))
            continue;
        if (best < 0 || num(t, r, "size_bytes") > num(t, (size_t)best, "size_bytes") ||
            (num(t, r, "size_bytes") == num(t, (size_t)best, "size_bytes") &&
             is(t, r, "page_size_req", "4k") && !is(t, (size_t)best, "page_size_req", "4k")))
            best = (long)r;
    }
    return best;
}

static const char *const latency_keys[] = {"cpu_node",   "mem_node",      "policy", "pattern",
                                           "size_bytes", "page_size_req", NULL};

/* The tail of the idle latency: p99 (and p99.9) of the blocks of the row
 * latency_row() picks among those with a distribution. */
static void latency_tail(struct ctx *c, int mem, json_t *node, const char *key)
{
    char why[512];
    if (!have_file(c, F_LAT, key))
        return;
    long best = latency_row(c, mem, 1);
    if (best < 0) {
        absent(c, key,
               "latency.csv has no random-chase row (policy bind) with a distribution from CPU "
               "node %d to node %d (cxlscope-latency --distribution N measures one)",
               c->cpu_node, mem);
        return;
    }
    const struct cxs_table *t = &c->t[F_LAT];
    size_t r = (size_t)best;
    static const char *const tail[] = {"dist_p99_ns", "dist_p999_ns"};
    for (size_t i = 0; i < 2; i++) { /* checked here: only this row's are read */
        double x;
        if (cxs_table_num(t, r, cxs_table_col(t, tail[i]), &x, why, sizeof why) ||
            rp_check(RP_LATENCY_NS, x, str(t, r, tail[i]), why, sizeof why)) {
            absent(c, key, "%s line %zu, column %s: %s", t->path, r + 2, tail[i], why);
            return;
        }
    }
    json_t *v =
        json_pack("{s:f, s:f, s:I, s:I}", "value", num(t, r, "dist_p99_ns"), "p999_ns",
                  num(t, r, "dist_p999_ns"), "size_bytes", (json_int_t)num(t, r, "size_bytes"),
                  "block_loads", (json_int_t)num(t, r, "dist_block_loads"));
    json_object_set_new(v, "source", source(c, F_LAT, r, latency_keys));
    json_object_set_new(node, "latency_p99_ns", v);
}

static void idle_latency(struct ctx *c, int mem, json_t *node, const char *key)
{
    if (!have_file(c, F_LAT, key))
        return;
    const struct cxs_table *t = &c->t[F_LAT];
    long best = latency_row(c, mem, 0);
    if (best < 0) {
        absent(c, key,
               "latency.csv has no random-chase row (policy bind) from CPU node %d to node %d",
               c->cpu_node, mem);
        return;
    }
    size_t r = (size_t)best;
    json_t *v = json_pack("{s:f, s:s, s:I, s:s}", "value", num(t, r, "median_ns"), "pattern",
                          "random", "size_bytes", (json_int_t)num(t, r, "size_bytes"), "page_size",
                          str(t, r, "page_size_used"));
    double llc = json_number_value(json_object_get(json_object_get(c->meta, "caches"), "L3_bytes"));
    if (llc > 0) {
        json_object_set_new(v, "size_over_llc", json_real(num(t, r, "size_bytes") / llc));
        if (num(t, r, "size_bytes") < 4 * llc)
            json_object_set_new(v, "warning",
                                json_string("the largest size measured is under 4x the last-level "
                                            "cache: partly a cache latency, not the memory's"));
    }
    json_object_set_new(v, "source", source(c, F_LAT, r, latency_keys));
    json_object_set_new(node, "idle_latency_ns", v);
}

/* Peak and saturation per kind: saturation.csv; where it has no row for a
 * kind, the same rule over bandwidth.csv (peak of the thread counts; the
 * smallest count within 5 % of it). */
static void bandwidth(struct ctx *c, int mem, json_t *node, const char *key)
{
    json_t *bw = json_object();
    if (c->have[F_SAT]) {
        const struct cxs_table *t = &c->t[F_SAT];
        static const char *const keys[] = {"cpu_node", "mem_node", "kind", "access", NULL};
        for (size_t r = 0; r < t->nrows; r++) {
            if (!is_int(t, r, "cpu_node", c->cpu_node) || !is_int(t, r, "mem_node", mem) ||
                !is(t, r, "access", "seq"))
                continue;
            json_object_set_new(
                bw, str(t, r, "kind"),
                json_pack("{s:f, s:I, s:I, s:f, s:s, s:o}", "peak_gbps", num(t, r, "peak_gbps"),
                          "peak_threads", (json_int_t)num(t, r, "peak_threads"),
                          "saturation_threads", (json_int_t)num(t, r, "saturation_threads"),
                          "saturation_gbps", num(t, r, "saturation_gbps"), "access", "seq",
                          "source", source(c, F_SAT, r, keys)));
        }
    }
    if (c->have[F_BW]) {
        const struct cxs_table *t = &c->t[F_BW];
        static const char *const keys[] = {"mode",   "cpu_node", "mem_node", "kind",
                                           "access", "threads",  NULL};
        for (size_t r = 0; r < t->nrows; r++) {
            const char *kind = str(t, r, "kind");
            if (json_object_get(bw, kind) || !is(t, r, "mode", "single") ||
                !is_int(t, r, "cpu_node", c->cpu_node) || !is_int(t, r, "mem_node", mem) ||
                !is(t, r, "access", "seq"))
                continue;
            size_t peak = r;
            for (size_t q = r; q < t->nrows; q++)
                if (is(t, q, "mode", "single") && is_int(t, q, "cpu_node", c->cpu_node) &&
                    is_int(t, q, "mem_node", mem) && is(t, q, "access", "seq") &&
                    is(t, q, "kind", kind) &&
                    num(t, q, "median_gbps") > num(t, peak, "median_gbps"))
                    peak = q;
            size_t sat = peak;
            for (size_t q = r; q < t->nrows; q++)
                if (is(t, q, "mode", "single") && is_int(t, q, "cpu_node", c->cpu_node) &&
                    is_int(t, q, "mem_node", mem) && is(t, q, "access", "seq") &&
                    is(t, q, "kind", kind) &&
                    num(t, q, "median_gbps") >= 0.95 * num(t, peak, "median_gbps") &&
                    num(t, q, "threads") < num(t, sat, "threads"))
                    sat = q;
            json_object_set_new(
                bw, kind,
                json_pack("{s:f, s:I, s:I, s:f, s:s, s:o, s:s}", "peak_gbps",
                          num(t, peak, "median_gbps"), "peak_threads",
                          (json_int_t)num(t, peak, "threads"), "saturation_threads",
                          (json_int_t)num(t, sat, "threads"), "saturation_gbps",
                          num(t, sat, "median_gbps"), "access", "seq", "source",
                          source(c, F_BW, peak, keys), "derived",
                          "from bandwidth.csv: saturation.csv has no row for this kind; "
                          "saturation = the fewest threads within 5 % of the peak"));
        }
    }
    if (json_object_size(bw) == 0) {
        char why[512];
        if (!c->have[F_SAT] && !c->have[F_BW])
            why_missing(c, F_BW, why, sizeof why);
        else
            snprintf(why, sizeof why,
                     "no sequential single-node row from CPU node %d to node %d in "
                     "saturation.csv or bandwidth.csv",
                     c->cpu_node, mem);
        absent(c, key, "%s", why);
        json_decref(bw);
        return;
    }
    json_object_set_new(node, "bandwidth", bw);
}

/* Loaded latency under the node's own traffic (read if measured, else the
 * first kind), idle point first, then by rising bandwidth. */
static int cmp_pts(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a, "total_gbps"));
    double y = json_number_value(json_object_get(*(json_t *const *)b, "total_gbps"));
    return (x > y) - (x < y);
}

static void loaded(struct ctx *c, int mem, json_t *node, const char *key)
{
    if (!have_file(c, F_LOADED, key))
        return;
    const struct cxs_table *t = &c->t[F_LOADED];
    const char *kind = NULL;
    for (size_t r = 0; r < t->nrows; r++)
        if (is_int(t, r, "cpu_node", c->cpu_node) && is_int(t, r, "mem_node", mem) &&
            is_int(t, r, "traffic_node", mem) && (!kind || is(t, r, "kind", "read")))
            kind = str(t, r, "kind");
    if (!kind) {
        absent(c, key, "loaded.csv has no row for node %d under its own traffic from CPU node %d",
               mem, c->cpu_node);
        return;
    }
    json_t *pts[512];
    size_t n = 0;
    json_t *lines = json_array();
    for (size_t r = 0; r < t->nrows && n < 512; r++) {
        if (!is_int(t, r, "cpu_node", c->cpu_node) || !is_int(t, r, "mem_node", mem) ||
            !is_int(t, r, "traffic_node", mem) || !is(t, r, "kind", kind))
            continue;
        pts[n++] = json_pack("{s:s, s:f, s:f}", "delay", str(t, r, "delay"), "total_gbps",
                             num(t, r, "total_gbps"), "latency_ns", num(t, r, "latency_ns"));
        json_array_append_new(lines, json_integer((json_int_t)(r + 2)));
    }
    qsort(pts, n, sizeof *pts, cmp_pts);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, pts[i]);
    json_object_set_new(node, "loaded_latency",
                        json_pack("{s:s, s:i, s:o, s:{s:s, s:o, s:s, s:{s:i, s:i, s:i, s:s}}}",
                                  "traffic_kind", kind, "traffic_node", mem, "points", arr,
                                  "source", "file", "loaded.csv", "lines", lines, "run", c->run_id,
                                  "keys", "cpu_node", c->cpu_node, "mem_node", mem, "traffic_node",
                                  mem, "kind", kind));
}

/* The GPU's figures for one host node: pinned/pageable h2d/d2h at the
 * largest size, 64 B copy latency. */
static void gpu_figures(struct ctx *c, int mem, json_t *node, const char *nodekey)
{
    char key[128];
    json_t *g = json_object();
    static const char *const kinds[] = {"pinned", "pageable"}, *const dirs[] = {"h2d", "d2h"};
    static const char *const keys[] = {"gpu",       "host_mem",   "mem_node",
                                       "direction", "size_bytes", NULL};
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++) {
            snprintf(key, sizeof key, "%s.gpu.%s_%s_gbps", nodekey, dirs[d], kinds[k]);
            if (!have_file(c, F_GPU, key))
                continue;
            const struct cxs_table *t = &c->t[F_GPU];
            long best = -1;
            for (size_t r = 0; r < t->nrows; r++)
                if (is_int(t, r, "gpu", c->gpu) && is(t, r, "host_mem", kinds[k]) &&
                    is_int(t, r, "mem_node", mem) && is(t, r, "direction", dirs[d]) &&
                    (best < 0 || num(t, r, "size_bytes") > num(t, (size_t)best, "size_bytes")))
                    best = (long)r;
            if (best < 0) {
                absent(c, key, "gpu_copy.csv has no %s %s row for GPU %d and node %d", kinds[k],
                       dirs[d], c->gpu, mem);
                continue;
            }
            snprintf(key, sizeof key, "%s_%s_gbps", dirs[d], kinds[k]);
            json_object_set_new(g, key,
                                json_pack("{s:f, s:I, s:o}", "value",
                                          num(t, (size_t)best, "median_gbps"), "size_bytes",
                                          (json_int_t)num(t, (size_t)best, "size_bytes"), "source",
                                          source(c, F_GPU, (size_t)best, keys)));
        }
    json_t *lat = json_object();
    static const char *const lkeys[] = {"gpu", "host_mem", "mem_node", "direction", "bytes", NULL};
    for (int d = 0; d < 2; d++) {
        snprintf(key, sizeof key, "%s.gpu.copy_latency_64b_ns.%s", nodekey, dirs[d]);
        if (!have_file(c, F_GPULAT, key))
            continue;
        const struct cxs_table *t = &c->t[F_GPULAT];
        long row = -1;
        for (size_t r = 0; r < t->nrows && row < 0; r++)
            if (is_int(t, r, "gpu", c->gpu) && is(t, r, "host_mem", "pinned") &&
                is_int(t, r, "mem_node", mem) && is(t, r, "direction", dirs[d]) &&
                is(t, r, "bytes", "64"))
                row = (long)r;
        if (row < 0) {
            absent(c, key, "gpu_copy_latency.csv has no pinned 64 B %s row for GPU %d and node %d",
                   dirs[d], c->gpu, mem);
            continue;
        }
        json_object_set_new(lat, dirs[d],
                            json_pack("{s:f, s:f, s:o}", "median", num(t, (size_t)row, "median_ns"),
                                      "mean", num(t, (size_t)row, "mean_ns"), "source",
                                      source(c, F_GPULAT, (size_t)row, lkeys)));
    }
    if (json_object_size(lat))
        json_object_set_new(g, "copy_latency_64b_ns", lat);
    else
        json_decref(lat);
    if (json_object_size(g))
        json_object_set_new(node, "gpu", g);
    else
        json_decref(g);
}

static json_t *gpu_device(struct ctx *c)
{
    if (!have_file(c, F_GPU, "gpu_device"))
        return NULL;
    const struct cxs_table *t = &c->t[F_GPU];
    long any = -1, best = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!is_int(t, r, "gpu", c->gpu))
            continue;
        if (any < 0)
            any = (long)r;
        if (is(t, r, "direction", "d2d") &&
            (best < 0 || num(t, r, "size_bytes") > num(t, (size_t)best, "size_bytes")))
            best = (long)r;
    }
    if (any < 0)
        return NULL;
    json_t *g = json_pack("{s:i, s:s, s:s, s:I}", "gpu", c->gpu, "name",
                          str(t, (size_t)any, "gpu_name"), "pci", str(t, (size_t)any, "gpu_pci"),
                          "numa_node", (json_int_t)num(t, (size_t)any, "gpu_node"));
    static const char *const keys[] = {"gpu", "host_mem", "direction", "size_bytes", NULL};
    if (best >= 0)
        json_object_set_new(g, "d2d_gbps",
                            json_pack("{s:f, s:I, s:o}", "value",
                                      num(t, (size_t)best, "median_gbps"), "size_bytes",
                                      (json_int_t)num(t, (size_t)best, "size_bytes"), "source",
                                      source(c, F_GPU, (size_t)best, keys)));
    else
        absent(c, "gpu_device.d2d_gbps", "gpu_copy.csv has no d2d row for GPU %d", c->gpu);
    return g;
}

/* ---- choices: CPU node, pool node, GPU ---- */

static int pick(struct ctx *c, const struct rp_calib_opts *o)
{
    const struct cxs_table *g = &c->t[F_GPU];
    c->gpu = o->gpu;
    if (c->have[F_GPU] && g->nrows) {
        int found = 0;
        if (c->gpu < 0)
            c->gpu = atoi(str(g, 0, "gpu"));
        for (size_t r = 0; r < g->nrows && !found; r++)
            found = is_int(g, r, "gpu", c->gpu);
        if (!found)
            return cxs_errf(c->err, c->errlen, "--gpu %d: gpu_copy.csv has no row for it", c->gpu),
                   CXS_EXIT_USAGE;
    } else if (c->gpu >= 0) {
        return cxs_errf(c->err, c->errlen, "--gpu %d: the results have no gpu_copy.csv rows",
                        c->gpu),
               CXS_EXIT_USAGE;
    }
    c->cpu_node = o->cpu_node;
    for (size_t r = 0; c->cpu_node < 0 && c->have[F_GPU] && r < g->nrows; r++)
        if (is_int(g, r, "gpu", c->gpu))
            c->cpu_node = atoi(str(g, r, "cpu_node"));
    for (int f = 0; c->cpu_node < 0 && f < NFILES; f++)
        if (c->have[f] && c->t[f].nrows)
            c->cpu_node = atoi(str(&c->t[f], 0, "cpu_node"));
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(c->meta, "nodes"), i,
                       n) if (c->cpu_node < 0 && json_array_size(json_object_get(n, "cpus")) > 0)
        c->cpu_node = (int)json_integer_value(json_object_get(n, "id"));
    if (!node_has_cpus(c, c->cpu_node))
        return cxs_errf(c->err, c->errlen, "--cpu-node %d: not a node with CPUs in meta.json",
                        c->cpu_node),
               CXS_EXIT_USAGE;
    c->pool_node = o->pool_node;
    if (c->pool_node >= 0) {
        if (!node_has_memory(c, c->pool_node))
            return cxs_errf(c->err, c->errlen,
                            "--pool-node %d: not a memory node of meta.json's machine",
                            c->pool_node),
                   CXS_EXIT_USAGE;
        return 0;
    }
    int far = -1, fard = -1;
    json_array_foreach(json_object_get(c->meta, "nodes"), i, n)
    {
        int id = (int)json_integer_value(json_object_get(n, "id"));
        if (!node_has_memory(c, id))
            continue;
        if (strcmp(class_of(c, id, c->cpu_node), "CXL") == 0 && c->pool_node < 0)
            c->pool_node = id;
        char k[16];
        json_t *cn = meta_node(c, c->cpu_node);
        snprintf(k, sizeof k, "%d", id);
        int d = (int)json_integer_value(json_object_get(json_object_get(cn, "distances"), k));
        if (d > fard)
            fard = d, far = id;
    }
    if (c->pool_node < 0)
        c->pool_node = far >= 0 ? far : c->cpu_node;
    return 0;
}

int rp_calibrate(const char *dir, const struct rp_calib_opts *o, json_t **out, char *err,
                 size_t errlen)
{
    struct ctx c = {.dir = dir, .err = err, .errlen = errlen};
    char path[4096];
    json_error_t je;
    *out = NULL;
    snprintf(path, sizeof path, "%s/meta.json", dir);
    c.meta = json_load_file(path, 0, &je);
    if (!c.meta) {
        FILE *f = fopen(path, "r");
        if (f)
            fclose(f);
        cxs_errf(err, errlen,
                 f ? "%s: not valid JSON (line %d: %s)"
                   : "%s: missing (not a cxlscope results directory?)",
                 path, je.line, je.text);
        return f ? CXS_EXIT_FAIL : CXS_EXIT_USAGE;
    }
    if (!json_is_array(json_object_get(c.meta, "nodes")) || !*jstr(c.meta, "host")) {
        json_decref(c.meta);
        cxs_errf(err, errlen, "%s: no host or node table (not a cxlscope meta.json?)", path);
        return CXS_EXIT_FAIL;
    }
    snprintf(path, sizeof path, "%s/run.json", dir);
    c.run = json_load_file(path, 0, NULL);
    const char *started = jstr(c.run, "started");
    snprintf(c.run_id, sizeof c.run_id, "%s-%s", jstr(c.meta, "host"),
             *started ? started : jstr(c.meta, "updated"));
    int rc = check_steps(&c);
    int any = 0;
    for (int f = 0; f < NFILES && !rc; f++) {
        rc = load_file(&c, f);
        any |= c.have[f];
    }
    if (!rc && !any)
        rc = cxs_errf(err, errlen, "%s: none of the result CSVs the calibration reads", dir),
        rc = CXS_EXIT_USAGE;
    if (!rc)
        rc = pick(&c, o);
    if (!rc) {
        c.absent = json_array();
        json_t *nodes = json_object();
        size_t i;
        json_t *n;
        json_array_foreach(json_object_get(c.meta, "nodes"), i, n)
        {
            int id = (int)json_integer_value(json_object_get(n, "id"));
            if (!node_has_memory(&c, id))
                continue;
            char k[16], key[64];
            snprintf(k, sizeof k, "%d", id);
            json_t *nd = json_pack("{s:s}", "class", class_of(&c, id, c.cpu_node));
            snprintf(key, sizeof key, "nodes.%d.idle_latency_ns", id);
            idle_latency(&c, id, nd, key);
            snprintf(key, sizeof key, "nodes.%d.latency_p99_ns", id);
            latency_tail(&c, id, nd, key);
            snprintf(key, sizeof key, "nodes.%d.bandwidth", id);
            bandwidth(&c, id, nd, key);
            snprintf(key, sizeof key, "nodes.%d.loaded_latency", id);
            loaded(&c, id, nd, key);
            snprintf(key, sizeof key, "nodes.%d", id);
            gpu_figures(&c, id, nd, key);
            rp_capacity(nd, n, i, c.run_id, c.absent);
            json_object_set_new(nodes, k, nd);
        }
        json_t *wl = json_object();
        rc = rp_workloads(dir, c.run_id, wl, c.absent, err, errlen);
        char now[32];
        cxs_utc_iso(time(NULL), now, sizeof now);
        json_t *gd = gpu_device(&c);
        *out = json_pack(
            "{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:o}, s:i, s:i, s:s, s:o, s:o, s:o, s:o}",
            "schema", "cxlscope-calibration/1", "tool", "cxlscope-calibrate " CXS_VERSION,
            "created", now, "run", "id", c.run_id, "dir", dir, "host", jstr(c.meta, "host"),
            "kernel", jstr(c.meta, "kernel"), "cpu_model", jstr(c.meta, "cpu_model"), "profile",
            json_incref(json_object_get(c.run, "profile") ? json_object_get(c.run, "profile")
                                                          : json_null()),
            "cpu_node", c.cpu_node, "pool_node", c.pool_node, "pool_class",
            class_of(&c, c.pool_node, c.cpu_node), "gpu",
            c.gpu >= 0 ? json_integer(c.gpu) : json_null(), "nodes", nodes, "gpu_device",
            gd ? gd : json_null(), "absent", c.absent);
        if (*out)
            json_object_set_new(*out, "workloads", wl);
        else
            json_decref(wl);
        if (!*out && !rc)
            rc = cxs_errf(err, errlen, "out of memory"), rc = CXS_EXIT_FAIL;
        if (rc && *out)
            json_decref(*out), *out = NULL;
    }
    for (int f = 0; f < NFILES; f++)
        if (c.have[f])
            cxs_table_free(&c.t[f]);
    json_decref(c.meta);
    json_decref(c.run);
    return rc;
}
