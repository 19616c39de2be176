/* rows.c — cxlscope-interleave's three CSVs (il.h): one column list each
 * (row.h), which gives the header, --help's column text and the rows set
 * by name. interleave.csv is the run's CSV (run.h: stdout and DIR);
 * interleave_objects.csv and oli_plan.csv go to DIR only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "il.h"
#include "interrupt.h"
#include "output.h"
#include "row.h"
#include "run.h"

/* interleave.csv: one row per workload and placement. */
static const struct cxs_col cols[] = {
    {"workload", NULL},
    {"bound", "what limits the workload: bandwidth, latency or mixed"},
    {"config", "the placement's name"},
    {"policy", "the placement's policy; oli, or plan for a --plan file"},
    {"nodes", "the placement's nodes, separated by spaces (per object for a plan)"},
    {"weights", "the weighted placement's weights, separated by spaces, else -"},
    {"weights_via", "kernel, emulated or -"},
    {"cpu_node", NULL},
    {"threads", NULL},
    {"size_bytes", "the workload's objects, all together"},
    {"ldram_node", NULL},
    {"ldram_limit_bytes", "--ldram-limit (0: none)"},
    {"page_size_req", NULL},
    {"page_size_used", "mixed when the objects got different page sizes"},
    {"median_s", NULL},
    {"ci95_lo_s", NULL},
    {"ci95_hi_s", NULL},
    {"mean_s", NULL},
    {"min_s", NULL},
    {"max_s", NULL},
    {"samples_kept", NULL},
    {"samples_dropped", NULL},
    {"speedup", "ldram-preferred median / this median (empty when that was skipped)"},
    {"bytes_by_node", "\"ID:bytes\" separated by spaces, measured"},
    {"ldram_bytes", "measured on the LDRAM node"},
    {"checksum", "the workload's result, equal to the reference computation's"},
};
/* interleave_objects.csv: one row per object and memory node. */
static const struct cxs_col obj_cols[] = {
    {"workload", NULL},
    {"config", NULL},
    {"object", NULL},
    {"object_bytes", NULL},
    {"footprint_pct", "the object's share of the workload's bytes"},
    {"accesses", "the object's loads and stores in the profiling run"},
    {"placement", "the object's placement: policy:nodes[/weights]"},
    {"ranges",
     "address ranges it was placed as: 1, more for emulated weights or a --ldram-limit split"},
    {"node", NULL},
    {"mem_class", "the node's class from the CPU node"},
    {"pages_4k", "the object's pages on the node, in 4 KiB units"},
    {"bytes", NULL},
};
/* oli_plan.csv: one row per object of each OLI placement. */
static const struct cxs_col plan_cols[] = {
    {"workload", NULL},
    {"object", NULL},
    {"object_bytes", NULL},
    {"footprint_pct", NULL},
    {"accesses", NULL},
    {"access_pct_of_hottest", "accesses, percent of the most accessed object's"},
    {"decision", "interleave or ldram"},
    {"why", "the OLI rule that decided"},
};
static struct cxs_row *main_row, *obj_row, *plan_row;
static struct cxs_out *obj_out, *plan_out;

/* --help's column text: the three lists, then what the columns hold. */
void usage_columns(FILE *f)
{
    fputs("\n"
          "interleave.csv has one row per workload and placement, interleave_objects.csv\n"
          "one per object and memory node, oli_plan.csv one per object of each OLI run.\n",
          f);
    cxs_cols_list(f, "interleave.csv", cols, CXS_NCOLS(cols));
    cxs_cols_list(f, "interleave_objects.csv", obj_cols, CXS_NCOLS(obj_cols));
    cxs_cols_list(f, "oli_plan.csv", plan_cols, CXS_NCOLS(plan_cols));
    const struct cxs_col *lists[] = {cols, obj_cols, plan_cols};
    const size_t n[] = {CXS_NCOLS(cols), CXS_NCOLS(obj_cols), CXS_NCOLS(plan_cols)};
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 3);
}

static struct cxs_out *open_extra(const char *dir, const char *name, const struct cxs_row *r)
{
    return dir ? cxs_run_out_open(name, cxs_row_names(r), cxs_row_ncols(r)) : NULL;
}

static void close_extras(void *arg)
{
    (void)arg;
    if (obj_out)
        cxs_out_close(obj_out);
    if (plan_out)
        cxs_out_close(plan_out);
    obj_out = plan_out = NULL;
}

void close_outputs(void)
{
    close_extras(NULL);
    cxs_row_free(main_row);
    cxs_row_free(obj_row);
    cxs_row_free(plan_row);
    main_row = obj_row = plan_row = NULL;
}

void emit_plan_row(const struct wlstate *ws, const struct cxs_wl_obj *o, uint64_t acc,
                   uint64_t hottest, int interleaved, const char *why)
{
    if (!plan_out)
        return;
    cxs_row_str(plan_row, "workload", ws->w->name);
    cxs_row_str(plan_row, "object", o->name);
    cxs_row_u64(plan_row, "object_bytes", o->bytes);
    cxs_row_fixed(plan_row, "footprint_pct", 2, 100.0 * (double)o->bytes / (double)ws->total);
    cxs_row_u64(plan_row, "accesses", acc);
    cxs_row_fixed(plan_row, "access_pct_of_hottest", 2,
                  hottest ? 100.0 * (double)acc / (double)hottest : 0);
    cxs_row_str(plan_row, "decision", interleaved ? "interleave" : "ldram");
    cxs_row_str(plan_row, "why", why);
    cxs_out_row(plan_out, cxs_row_take(plan_row));
}

/* The outputs: interleave.csv, the objects and OLI plan CSVs, the plan JSON names. */
void open_outputs(const struct ilctx *x, int argc, char **argv)
{
    const struct config *c = &x->c;
    main_row = cxs_row_new("interleave.csv", cols, CXS_NCOLS(cols));
    obj_row = cxs_row_new("interleave_objects.csv", obj_cols, CXS_NCOLS(obj_cols));
    plan_row = cxs_row_new("oli_plan.csv", plan_cols, CXS_NCOLS(plan_cols));
    cxs_run_open(c->std.outdir, "interleave", "interleave.csv", cxs_row_names(main_row),
                 cxs_row_ncols(main_row), c->std.quiet, c->std.format, argc, argv);
    obj_out = open_extra(c->std.outdir, "interleave_objects.csv", obj_row);
    plan_out = open_extra(c->std.outdir, "oli_plan.csv", plan_row);
    cxs_exit_hook_add(close_extras, NULL);
    for (int i = 0; i < c->nwl; i++) {
        char name[256];
        snprintf(name, sizeof name, "oli-plan-%s.json", c->wl[i]->name);
        cxs_run_check(name);
    }
}

/* Where the pages are: per node into on[], a row per object and memory node; 1 if page sizes mix.
 */
int emit_object_rows(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
                     uint64_t *on)
{
    const struct cxs_topo *t = x->t;
    const struct wlrun *r = &x->r;
    int mixed = 0;
    for (size_t i = 0; i < r->ctx.nobj; i++) {
        for (int ni = 0; ni < t->nnodes; ni++) {
            uint64_t pages = cxs_buf_pages_on(&r->buf[i], t, t->nodes[ni].id);
            on[ni] += pages;
            if (!obj_out || !cxs_node_has_memory(&t->nodes[ni]))
                continue;
            int id = t->nodes[ni].id;
            cxs_row_str(obj_row, "workload", ws->w->name);
            cxs_row_str(obj_row, "config", f->name);
            cxs_row_str(obj_row, "object", r->ctx.obj[i].name);
            cxs_row_u64(obj_row, "object_bytes", r->ctx.obj[i].bytes);
            cxs_row_fixed(obj_row, "footprint_pct", 2,
                          100.0 * (double)r->ctx.obj[i].bytes / (double)ws->total);
            cxs_row_u64(obj_row, "accesses", ws->acc[i]);
            cxs_row_str(obj_row, "placement", r->placed[i]);
            cxs_row_int(obj_row, "ranges", r->nseg[i]);
            cxs_row_int(obj_row, "node", id);
            cxs_row_str(obj_row, "mem_class",
                        cxs_class_name(cxs_topo_classify(t, id, x->cpu_node)));
            cxs_row_u64(obj_row, "pages_4k", pages);
            cxs_row_u64(obj_row, "bytes", pages * 4096);
            cxs_out_row(obj_out, cxs_row_take(obj_row));
        }
        mixed |= strcmp(r->buf[i].page_used, r->buf[0].page_used) != 0;
    }
    return mixed;
}

/* The placement's nodes and weights columns ("per object" for a plan, "-" unweighted). */
static void place_columns(const struct conf *f, char *nodes_s, size_t nodes_n, char *w_s,
                          size_t w_n)
{
    const struct cxs_place *pl = &f->place;
    if (f->kind == C_PLAN)
        snprintf(nodes_s, nodes_n, "per object");
    else
        for (int i = 0, q = 0; i < pl->nnodes; i++)
            q += snprintf(nodes_s + q, nodes_n - (size_t)q, "%s%d", i ? " " : "", pl->nodes[i]);
    if (f->kind == C_POLICY && pl->policy == CXS_POL_WEIGHTED)
        for (int i = 0, q = 0; i < pl->nnodes; i++)
            q += snprintf(w_s + q, w_n - (size_t)q, "%s%u", i ? " " : "", pl->weights[i]);
}

/* The interleave.csv row for one workload under one placement. */
void emit_row(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
              const struct cxs_summary *s, const uint64_t *on, int mixed)
{
    const struct cxs_topo *t = x->t;
    const struct wlrun *r = &x->r;
    const struct cxs_workload *w = ws->w;
    char by[512] = "", nodes_s[128] = "", w_s[128] = "-";
    size_t o = 0;
    uint64_t ldram_bytes = 0;
    for (int ni = 0; ni < t->nnodes; ni++) {
        if (!cxs_node_has_memory(&t->nodes[ni]))
            continue;
        o += (size_t)snprintf(by + o, sizeof by - o, "%s%d:%" PRIu64, o ? " " : "", t->nodes[ni].id,
                              on[ni] * 4096);
        if (t->nodes[ni].id == x->nd.ldram)
            ldram_bytes = on[ni] * 4096;
    }
    const struct cxs_place *pl = &f->place;
    const char *pol = f->kind == C_OLI    ? "oli"
                      : f->kind == C_PLAN ? "plan"
                                          : cxs_policy_name(pl->policy);
    place_columns(f, nodes_s, sizeof nodes_s, w_s, sizeof w_s);
    int weighted = f->kind == C_POLICY && pl->policy == CXS_POL_WEIGHTED;
    cxs_row_str(main_row, "workload", w->name);
    cxs_row_str(main_row, "bound", w->bound);
    cxs_row_str(main_row, "config", f->name);
    cxs_row_str(main_row, "policy", pol);
    cxs_row_str(main_row, "nodes", nodes_s);
    cxs_row_str(main_row, "weights", w_s);
    cxs_row_str(main_row, "weights_via", weighted ? x->weights_via : "-");
    cxs_row_int(main_row, "cpu_node", x->cpu_node);
    cxs_row_int(main_row, "threads", x->nthreads);
    cxs_row_u64(main_row, "size_bytes", ws->total);
    cxs_row_int(main_row, "ldram_node", x->nd.ldram);
    cxs_row_u64(main_row, "ldram_limit_bytes", x->c.ldram_limit);
    cxs_row_str(main_row, "page_size_req", cxs_page_name(x->c.std.page));
    cxs_row_str(main_row, "page_size_used", mixed ? "mixed" : r->buf[0].page_used);
    cxs_row_summary(main_row, "median_s", "s", 6, 0, s);
    if (ws->base_median > 0)
        cxs_row_fixed(main_row, "speedup", 3, ws->base_median / s->median);
    else /* the baseline was skipped */
        cxs_row_empty(main_row, "speedup");
    cxs_row_str(main_row, "bytes_by_node", by);
    cxs_row_u64(main_row, "ldram_bytes", ldram_bytes);
    cxs_row_u64(main_row, "checksum", r->reference);
    cxs_run_row(cxs_row_take(main_row));
}
