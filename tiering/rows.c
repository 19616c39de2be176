/* rows.c — cxlscope-tiering's CSVs (tier.h): tiering.csv, one row per
 * interval of each run, and tiering_summary.csv, one per run. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "row.h"
#include "tier.h"

#define LABEL_COLS                                                                                 \
    {"mode", "none, autonuma, tiering or both (numa_balancing 0..3)"},                             \
        {"numa_balancing", "the value read back from the kernel (absent: no NUMA balancing)"},     \
        {"demotion", "on, off (/sys/kernel/mm/numa/demotion_enabled) or absent"},                  \
        {"placement", "first-touch, cxl, interleave or oli: where the pages start"},               \
        {"workload", "hotset, mg, cg, xs, adam or attention"},                                     \
        {"cpu_node", "the node the workload threads run on"},                                      \
        {"fast_node", "the fast tier (LDRAM)"},                                                    \
        {"slow_node", "the slow tier (CXL, or the node standing in for it)"},                      \
        {"slow_tag", "cxl, farN (node N stands in for CXL) or none (one memory node)"},            \
        {"fast_capacity_bytes", "--fast-capacity (empty: the fast tier was not limited)"},         \
    {                                                                                              \
        "size_bytes", "the workload's memory"                                                      \
    }

static const struct cxs_col cols[] = {
    LABEL_COLS,
    {"interval", "1, 2, ...: the interval's number in this run"},
    {"t_s", "seconds from the run's start to the interval's end, measured"},
    {"work", "accesses (hotset) or whole iterations (the table's) done in the interval"},
    {"work_unit", "accesses or iterations"},
    {"work_per_s", "work / the interval's measured length"},
    {"hot_fast_pct", "percent of the hot sample's pages on the fast node (move_pages)"},
    {"cold_fast_pct", "the same for the cold sample (empty: no cold pages)"},
    {"hot_sample", "pages in the hot sample"},
    {"cold_sample", "pages in the cold sample"},
    {"numa_pte_updates", "this and the columns after it: the /proc/vmstat counter's increase "
                         "over the interval, system-wide; empty when this kernel lacks it"},
    {"numa_huge_pte_updates", NULL},
    {"numa_hint_faults", NULL},
    {"numa_hint_faults_local", NULL},
    {"numa_pages_migrated", NULL},
    {"pgpromote_success", NULL},
    {"pgpromote_candidate", NULL},
    {"pgdemote_kswapd", NULL},
    {"pgdemote_direct", NULL},
    {"pgdemote_khugepaged", NULL},
    {"pgmigrate_success", NULL},
    {"pgmigrate_fail", NULL},
    {"thp_migration_success", NULL},
    {"thp_migration_fail", NULL},
    {"thp_migration_split", NULL},
};

static const struct cxs_col sum_cols[] = {
    LABEL_COLS,
    {"duration_s", "--duration"},
    {"intervals", "intervals measured (fewer when interrupted)"},
    {"work_total", "work over the whole run"},
    {"work_unit", NULL},
    {"rate_last_quarter", "work per second over the last quarter of the intervals"},
    {"t_hot90_s", "seconds until 90 % of the hot sample was on the fast node (empty: never)"},
    {"hot_fast_pct_start", "hot sample on the fast node once placed, before the first access"},
    {"hot_fast_pct_end", "the same at the last interval"},
    {"promotions", "pgpromote_success over the run (empty: the kernel lacks it)"},
    {"demotions", "pgdemote_kswapd + _direct + _khugepaged, those the kernel has"},
    {"migrations", "numa_pages_migrated over the run"},
    {"hint_faults", "numa_hint_faults over the run"},
    {"hint_faults_local", "numa_hint_faults_local over the run"},
    {"checked", "ok: the result check passed (hotset: every increment in place; the table's: "
                "every iteration's checksum equal to the reference)"},
};

static struct cxs_row *row, *sum_row;
static struct cxs_out *sum_out;

void usage_columns(FILE *f)
{
    fputs("\ntiering.csv has one row per interval of each run (mode x placement x workload),\n"
          "tiering_summary.csv one row per run.\n",
          f);
    cxs_cols_list(f, "tiering.csv", cols, CXS_NCOLS(cols));
    cxs_cols_list(f, "tiering_summary.csv", sum_cols, CXS_NCOLS(sum_cols));
    const struct cxs_col *lists[] = {cols, sum_cols};
    const size_t n[] = {CXS_NCOLS(cols), CXS_NCOLS(sum_cols)};
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 2);
}

void open_outputs(const struct tctx *x, int argc, char **argv)
{
    row = cxs_row_new("tiering.csv", cols, CXS_NCOLS(cols));
    sum_row = cxs_row_new("tiering_summary.csv", sum_cols, CXS_NCOLS(sum_cols));
    cxs_run_open(x->c.std.outdir, "tiering", "tiering.csv", cxs_row_names(row), cxs_row_ncols(row),
                 x->c.std.quiet, x->c.std.format, argc, argv);
    sum_out =
        cxs_run_extra_open("tiering_summary.csv", cxs_row_names(sum_row), cxs_row_ncols(sum_row));
}

static void labels(struct cxs_row *w, const struct tctx *x, const struct trun *r)
{
    cxs_row_str(w, "mode", mode_names[r->mode]);
    cxs_row_str(w, "numa_balancing", r->nb_value);
    cxs_row_str(w, "demotion", r->demotion);
    cxs_row_str(w, "placement", placement_names[r->placement]);
    cxs_row_str(w, "workload", r->wl->name);
    cxs_row_int(w, "cpu_node", x->nd.cpu_node);
    cxs_row_int(w, "fast_node", x->nd.fast);
    cxs_row_int(w, "slow_node", x->nd.slow);
    cxs_row_str(w, "slow_tag", x->nd.slow_tag);
    if (x->fast_capacity_used)
        cxs_row_u64(w, "fast_capacity_bytes", x->fast_capacity_used);
    else
        cxs_row_empty(w, "fast_capacity_bytes");
    cxs_row_u64(w, "size_bytes", x->c.size);
}

/* v with decimals, or empty when v < 0 (no value). */
static void fixed_or_empty(struct cxs_row *w, const char *col, int decimals, double v)
{
    if (v < 0)
        cxs_row_empty(w, col);
    else
        cxs_row_fixed(w, col, decimals, v);
}

void emit_interval(const struct tctx *x, const struct trun *r, uint64_t interval, double t_s,
                   uint64_t work, double work_per_s, double hot, double cold, size_t nhot,
                   size_t ncold, const struct cxs_vmstat *d)
{
    labels(row, x, r);
    cxs_row_u64(row, "interval", interval);
    cxs_row_fixed(row, "t_s", 3, t_s);
    cxs_row_u64(row, "work", work);
    cxs_row_str(row, "work_unit", r->wl->w ? "iterations" : "accesses");
    cxs_row_fixed(row, "work_per_s", r->wl->w ? 3 : 0, work_per_s);
    fixed_or_empty(row, "hot_fast_pct", 1, hot);
    fixed_or_empty(row, "cold_fast_pct", 1, cold);
    cxs_row_u64(row, "hot_sample", nhot);
    cxs_row_u64(row, "cold_sample", ncold);
    for (int k = 0; k < CXS_VMSTAT_N; k++)
        if (d->have[k])
            cxs_row_u64(row, cxs_vmstat_names[k], d->v[k]);
        else
            cxs_row_empty(row, cxs_vmstat_names[k]);
    cxs_run_row(cxs_row_take(row));
}

/* A total over the run of the counters named, those the kernel has
 * (empty when it has none of them). */
static void total(struct cxs_row *w, const char *col, const struct cxs_vmstat *t,
                  const char *const *names)
{
    uint64_t sum = 0;
    int have = 0;
    for (; *names; names++) {
        int k = cxs_vmstat_index(*names);
        if (k >= 0 && t->have[k])
            sum += t->v[k], have = 1;
    }
    if (have)
        cxs_row_u64(w, col, sum);
    else
        cxs_row_empty(w, col);
}

/* Work per second over the last quarter of the intervals (at least one). */
static double last_quarter(const struct tctx *x, const struct trun *r)
{
    uint64_t n = r->intervals, q = n / 4 ? n / 4 : 1;
    double sum = 0;
    for (uint64_t i = n - q; i < n; i++)
        sum += r->rate[i];
    (void)x;
    return sum / (double)q;
}

void emit_summary(const struct tctx *x, const struct trun *r)
{
    labels(sum_row, x, r);
    cxs_row_fixed(sum_row, "duration_s", 1, x->c.duration_s);
    cxs_row_u64(sum_row, "intervals", r->intervals);
    cxs_row_u64(sum_row, "work_total", r->work_total);
    cxs_row_str(sum_row, "work_unit", r->wl->w ? "iterations" : "accesses");
    if (r->intervals)
        cxs_row_fixed(sum_row, "rate_last_quarter", r->wl->w ? 3 : 0, last_quarter(x, r));
    else
        cxs_row_empty(sum_row, "rate_last_quarter");
    fixed_or_empty(sum_row, "t_hot90_s", 3, r->t_hot90);
    fixed_or_empty(sum_row, "hot_fast_pct_start", 1, r->hot_start);
    fixed_or_empty(sum_row, "hot_fast_pct_end", 1, r->hot_end);
    total(sum_row, "promotions", &r->total, (const char *const[]){"pgpromote_success", NULL});
    total(sum_row, "demotions", &r->total,
          (const char *const[]){"pgdemote_kswapd", "pgdemote_direct", "pgdemote_khugepaged", NULL});
    total(sum_row, "migrations", &r->total, (const char *const[]){"numa_pages_migrated", NULL});
    total(sum_row, "hint_faults", &r->total, (const char *const[]){"numa_hint_faults", NULL});
    total(sum_row, "hint_faults_local", &r->total,
          (const char *const[]){"numa_hint_faults_local", NULL});
    cxs_row_str(sum_row, "checked", r->checked ? "ok" : "FAILED");
    char t90[32] = "never";
    if (r->t_hot90 >= 0)
        snprintf(t90, sizeof t90, "after %.1f s", r->t_hot90);
    cxs_note("%s / %s / %s: %.4g %s/s over the last quarter; hot pages on the fast tier %.0f%% "
             "-> %.0f%% (90%% %s)",
             mode_names[r->mode], placement_names[r->placement], r->wl->name,
             r->intervals ? last_quarter(x, r) : 0.0, r->wl->w ? "iterations" : "accesses",
             r->hot_start, r->hot_end, t90);
    if (sum_out && cxs_out_row(sum_out, cxs_row_take(sum_row)) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "cannot write tiering_summary.csv");
    if (!sum_out)
        cxs_row_reset(sum_row);
}
