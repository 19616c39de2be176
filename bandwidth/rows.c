/* rows.c — cxlscope-bandwidth's three CSVs (bw.h): bandwidth.csv (the run's
 * CSV, echoed on stdout), saturation.csv and optimize.csv, each row set by
 * column name from one list (row.h). bandwidth.csv's and saturation.csv's
 * lists are common/columns.h's: replay/calib.c reads them back. */
#include <stdio.h>
#include <stdlib.h>

#include "bw.h"
#include "cli.h"
#include "columns.h"
#include "prefetch.h"
#include "row.h"

static const struct cxs_col optimize_cols[] = {
    {"rank", "1 = the highest total_gbps"},
    {"kind", NULL},
    {"access", NULL},
    {"assignment", "NODE:THREADS,... as --assign takes it"},
    {"total_gbps", "the median of the assignment's total GB/s"},
};

static struct cxs_row *bw_row, *sat_row, *opt_row;
static struct cxs_out *sat_out; /* saturation.csv; NULL without --output */

void bw_columns_help(FILE *f)
{
    const struct cxs_col *lists[] = {cxs_cols_bandwidth, cxs_cols_saturation, optimize_cols};
    const size_t n[] = {cxs_ncols_bandwidth, cxs_ncols_saturation, CXS_NCOLS(optimize_cols)};
    const char *titles[] = {"bandwidth.csv", "saturation.csv", "optimize.csv"};
    fputc('\n', f);
    for (size_t i = 0; i < 3; i++)
        cxs_cols_list(f, titles[i], lists[i], n[i]);
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 3);
}

/* The pool's CPUs (bw_open_outputs) and a row's CPUs ("0+1+2", or the
 * pool's when empty), for the prefetchers read back. */
static const int *pool;
static size_t npool;

static const char *prefetch_state(const char *cpus)
{
    int v[MAX_THREADS];
    size_t n = 0;
    for (const char *s = cpus; *s && n < MAX_THREADS; s++) {
        v[n++] = atoi(s);
        while (s[1] && s[1] != '+')
            s++;
        if (s[1] == '+')
            s++;
    }
    return n ? cxs_pf_state(v, n) : cxs_pf_state(pool, npool);
}

void bw_open_outputs(const struct plan *p, int argc, char **argv)
{
    const struct config *c = &p->c;
    pool = p->pool;
    npool = p->npool;
    bw_row = cxs_row_new("bandwidth.csv", cxs_cols_bandwidth, cxs_ncols_bandwidth);
    sat_row = cxs_row_new("saturation.csv", cxs_cols_saturation, cxs_ncols_saturation);
    opt_row = cxs_row_new("optimize.csv", optimize_cols, CXS_NCOLS(optimize_cols));
    cxs_run_open(c->std.outdir, "bandwidth", "bandwidth.csv", cxs_row_names(bw_row),
                 cxs_row_ncols(bw_row), c->std.quiet, c->std.format, argc, argv);
    sat_out = cxs_run_out_open("saturation.csv", cxs_row_names(sat_row), cxs_row_ncols(sat_row));
    if (c->optimize) /* the file --optimize writes at the end */
        cxs_run_check("optimize.csv");
}

void bw_row_bandwidth(const struct config *c, const struct rowinfo *ri)
{
    struct cxs_row *r = bw_row;
    cxs_row_str(r, "mode", ri->mode);
    cxs_row_str(r, "cpu_node", ri->cpu_node);
    cxs_row_str(r, "mem_node", ri->mem_node);
    cxs_row_str(r, "mem_class", ri->mem_class);
    cxs_row_str(r, "assignment", ri->assignment);
    cxs_row_str(r, "kind", cxs_stream_kinds[ri->kind].name);
    cxs_row_str(r, "access", bw_access_names[ri->access]);
    cxs_row_str(r, "isa", cxs_isa_name(ri->isa));
    cxs_row_int(r, "threads", ri->threads);
    cxs_row_str(r, "cpus", ri->cpus);
    cxs_row_str(r, "page_size_req", cxs_page_name(c->std.page));
    cxs_row_str(r, "page_size_used", ri->page_used);
    cxs_row_fixed(r, "on_node_pct", 1, ri->on_node_pct);
    cxs_row_u64(r, "bytes_allocated", ri->allocated);
    cxs_row_u64(r, "bytes_per_pass", ri->pass_bytes);
    cxs_row_u64(r, "passes_per_sample", ri->passes);
    cxs_row_summary(r, "median_gbps", "gbps", 3, 0, ri->s);
    cxs_row_str(r, "thread_gbps", ri->thread_gbps);
    cxs_row_str(r, "prefetchers", prefetch_state(ri->cpus));
    cxs_run_row(cxs_row_take(r));
}

void bw_row_saturation(const struct satinfo *si)
{
    struct cxs_row *r = sat_row;
    cxs_row_int(r, "cpu_node", si->cpu_node);
    cxs_row_int(r, "mem_node", si->mem);
    cxs_row_str(r, "mem_class", si->mem_class);
    cxs_row_str(r, "kind", cxs_stream_kinds[si->kind].name);
    cxs_row_str(r, "access", bw_access_names[si->access]);
    cxs_row_int(r, "peak_threads", si->peak_threads);
    cxs_row_fixed(r, "peak_gbps", 3, si->peak_gbps);
    cxs_row_int(r, "saturation_threads", si->saturation_threads);
    cxs_row_fixed(r, "saturation_gbps", 3, si->saturation_gbps);
    const char *const *vals = cxs_row_take(r);
    if (sat_out && cxs_out_row(sat_out, vals))
        cxs_run_fail(CXS_EXIT_FAIL, "writing saturation.csv failed");
}

/* optimize.csv: opened at the first kind/access searched and closed with
 * the main CSV (cxs_run_finish), so every kind/access's rows end up in it */
static struct cxs_out *opt_out;
static int opt_opened;

void bw_rows_optimize(enum cxs_kind kind, enum access acc, const struct cxs_assign_result *best,
                      size_t nfound, int evals)
{
    if (!opt_opened) {
        opt_out =
            cxs_run_extra_open("optimize.csv", cxs_row_names(opt_row), cxs_row_ncols(opt_row));
        opt_opened = 1;
    }
    struct cxs_out *oo = opt_out;
    for (size_t i = 0; i < nfound; i++) {
        char as[64];
        cxs_assign_format(&best[i].a, as, sizeof as);
        cxs_row_u64(opt_row, "rank", i + 1);
        cxs_row_str(opt_row, "kind", cxs_stream_kinds[kind].name);
        cxs_row_str(opt_row, "access", bw_access_names[acc]);
        cxs_row_str(opt_row, "assignment", as);
        cxs_row_fixed(opt_row, "total_gbps", 3, best[i].gbps);
        const char *const *vals = cxs_row_take(opt_row);
        if (oo && cxs_out_row(oo, vals))
            cxs_run_fail(CXS_EXIT_FAIL, "writing optimize.csv failed");
        cxs_note("optimize %s %s: #%zu %s %.2f GB/s", cxs_stream_kinds[kind].name,
                 bw_access_names[acc], i + 1, as, best[i].gbps);
    }
    cxs_note("optimize: %d assignments measured", evals);
}

void bw_close_outputs(void)
{
    if (sat_out && cxs_out_close(sat_out))
        cxs_run_fail(CXS_EXIT_FAIL, "writing saturation.csv failed");
    sat_out = NULL;
    cxs_row_free(bw_row);
    cxs_row_free(sat_row);
    cxs_row_free(opt_row);
    bw_row = sat_row = opt_row = NULL;
}
