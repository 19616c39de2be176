/* targets.c — the one planner from CPU to class (see targets.h). */
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "run.h"
#include "sysfs.h"
#include "threads.h"

/* ---- classes from the CPUs that run ------------------------------------ */

void cxs_class_of_cpus(const struct cxs_topo *t, int mem_node, const int *cpus, size_t n, char *buf,
                       size_t len)
{
    size_t o = 0;
    if (len)
        buf[0] = '\0';
    for (int i = 0; i < t->nnodes; i++) { /* CPU nodes in ascending order */
        const struct cxs_node *cn = &t->nodes[i];
        int used = 0;
        for (size_t k = 0; k < n && !used; k++)
            used = cxs_topo_cpu_node(t, cpus[k]) == cn->id;
        if (!used || o >= len)
            continue;
        o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "/" : "",
                              cxs_class_name(cxs_topo_classify(t, mem_node, cn->id)));
    }
}

/* ---- CPU nodes and CPUs ------------------------------------------------ */

int cxs_tgt_check_cpus(const struct cxs_topo *t, const char *what, const int *cpus, size_t n,
                       int cpu_node, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        int node = cxs_topo_cpu_node(t, cpus[i]);
        if (node < 0)
            return cxs_errf(err, errlen, "%s %d: no NUMA node lists this CPU", what, cpus[i]),
                   CXS_EXIT_USAGE;
        if (node != cpu_node)
            return cxs_errf(err, errlen,
                            "%s %d: CPU %d is on node %d, not on CPU node %d (give --cpu-node "
                            "%d, or a CPU of node %d)",
                            what, cpus[i], cpus[i], node, cpu_node, node, cpu_node),
                   CXS_EXIT_USAGE;
        if (!cxs_cpu_allowed(cpus[i]))
            return cxs_errf(err, errlen, "%s %d: not a CPU this process may run on", what, cpus[i]),
                   CXS_EXIT_USAGE;
    }
    return 0;
}

/* The node all of cpus are on; -1 (err) when they are on several or none. */
static int node_of_cpus(const struct cxs_topo *t, const int *cpus, size_t n, char *err,
                        size_t errlen)
{
    int node = -1;
    for (size_t i = 0; i < n; i++) {
        int k = cxs_topo_cpu_node(t, cpus[i]);
        if (k < 0)
            return cxs_errf(err, errlen, "CPU %d: no NUMA node lists this CPU", cpus[i]);
        if (node >= 0 && k != node)
            return cxs_errf(err, errlen,
                            "CPUs %d and %d are on nodes %d and %d: give --cpu-node, or CPUs of "
                            "one node",
                            cpus[0], cpus[i], node, k);
        node = k;
    }
    return node;
}

int cxs_tgt_cpu_nodes(const struct cxs_topo *t, const char *spec, const int *cpus, size_t ncpus,
                      int *out, size_t max, size_t *n, char *err, size_t errlen)
{
    int def = cxs_topo_default_cpu_node(t);
    *n = 0;
    if (def < 0)
        return cxs_errf(err, errlen, "no NUMA node with CPUs found"), CXS_EXIT_SKIP;
    if (spec) {
        char why[1024];
        int r = cxs_topo_select(t, spec, CXS_SELECT_CPU, def, out, max, n, why, sizeof why);
        if (r != CXS_SEL_OK)
            cxs_errf(err, errlen, "--cpu-node: %s", why);
        return r == CXS_SEL_OK ? 0 : r == CXS_SEL_EMPTY ? CXS_EXIT_SKIP : CXS_EXIT_USAGE;
    }
    if (ncpus) {
        def = node_of_cpus(t, cpus, ncpus, err, errlen);
        if (def < 0)
            return CXS_EXIT_USAGE;
    }
    out[0] = def;
    *n = 1;
    return 0;
}

/* ---- memory nodes -------------------------------------------------------- */

static int wants_all(const char *spec)
{
    return !spec || strcasecmp(spec, "all") == 0;
}

int cxs_tgt_mem_nodes(const struct cxs_topo *t, const char *spec, int cpu_node, int *out,
                      size_t max, size_t *n, char *err, size_t errlen)
{
    char why[2048];
    int r = cxs_topo_select(t, spec ? spec : "all", CXS_SELECT_MEM, cpu_node, out, max, n, why,
                            sizeof why);
    if (r == CXS_SEL_OK)
        return 0;
    cxs_errf(err, errlen, "--mem-node: %s", why);
    int cxl_asked = spec && (strcasestr(spec, "cxl") || strcasestr(spec, "cpuless"));
    if (r == CXS_SEL_EMPTY && (cxl_asked || wants_all(spec)) &&
        cxs_topo_unusable(t, -1, why, sizeof why) > 0) {
        char *nl = strchr(why, '\n');
        if (nl) /* one line: the first device */
            *nl = '\0';
        cxs_errf(err, errlen, "--mem-node: %s", why);
    }
    return r == CXS_SEL_EMPTY ? CXS_EXIT_SKIP : CXS_EXIT_USAGE;
}

int cxs_tgt_mem_ordered(const struct cxs_topo *t, const char *spec, int cpu_node, int *out,
                        size_t max, size_t *n, char *err, size_t errlen)
{
    char *copy = strdup(spec ? spec : "all");
    size_t k = 0;
    int rc = 0;
    if (!copy)
        return cxs_errf(err, errlen, "out of memory"), CXS_EXIT_FAIL;
    for (char *item = copy, *comma; item && !rc; item = comma ? comma + 1 : NULL) {
        comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        int ids[CXS_MAX_NODES];
        size_t m;
        rc = cxs_tgt_mem_nodes(t, item, cpu_node, ids, CXS_MAX_NODES, &m, err, errlen);
        for (size_t j = 0; !rc && j < m; j++) {
            int dup = 0;
            for (size_t q = 0; q < k; q++)
                dup |= out[q] == ids[j];
            if (!dup && k == max) {
                cxs_errf(err, errlen, "--mem-node: more than %zu nodes", max);
                rc = CXS_EXIT_USAGE;
            } else if (!dup)
                out[k++] = ids[j];
        }
    }
    free(copy);
    *n = rc ? 0 : k;
    return rc;
}

void cxs_tgt_unusable_notes(const struct cxs_topo *t, const char *spec)
{
    static char lines[2048];
    if (!wants_all(spec) || lines[0] || cxs_topo_unusable(t, -1, lines, sizeof lines) == 0)
        return;
    for (char *l = lines, *nl; l; l = nl ? nl + 1 : NULL) {
        nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        cxs_note("left out of --mem-node all: %s", l);
        cxs_run_note(l);
    }
}

/* ---- the far node and the nearest ---------------------------------------- */

int cxs_tgt_far_node(const struct cxs_topo *t, int cpu_node)
{
    int best = -1;
    long best_score = -1;
    for (int i = 0; i < t->nnodes; i++) {
        const struct cxs_node *n = &t->nodes[i];
        if (!cxs_node_has_memory(n) || n->id == cpu_node)
            continue;
        int d = cxs_topo_distance(t, cpu_node, n->id);
        /* CXL first, then distance, then CPU-less; ascending IDs keep the lower on a tie */
        long score = (cxs_topo_classify(t, n->id, cpu_node) == CXS_CXL ? 1L << 40 : 0) +
                     (long)(d < 0 ? 0 : d) * 2 + (n->ncpus == 0);
        if (score > best_score)
            best_score = score, best = n->id;
    }
    return best;
}

int cxs_tgt_nearest_node(const struct cxs_topo *t, int from)
{
    int best = -1, bd = 1 << 30;
    for (int i = 0; i < t->nnodes; i++) {
        const struct cxs_node *n = &t->nodes[i];
        int d = cxs_topo_distance(t, from, n->id);
        if (cxs_node_has_memory(n) && n->id != from && d < bd)
            bd = d, best = n->id;
    }
    return best;
}

/* ---- targets -------------------------------------------------------------- */

struct cxs_target *cxs_targets_add(struct cxs_targets *ts, const struct cxs_target *tg)
{
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? 2 * ts->cap : 16;
        struct cxs_target *v = realloc(ts->v, cap * sizeof *v);
        if (!v)
            cxs_die("out of memory");
        ts->v = v;
        ts->cap = cap;
    }
    ts->v[ts->n] = *tg;
    return &ts->v[ts->n++];
}

void cxs_targets_free(struct cxs_targets *ts)
{
    free(ts->v);
    *ts = (struct cxs_targets){0};
}

/* The targets of one CPU node: memory node by memory node (or all as one
 * group), page by page. */
static void plan_cpu_node(const struct cxs_target_req *r, int cpu_node, int cpu, const int *mem,
                          size_t nmem, struct cxs_targets *ts)
{
    size_t each = r->grouped ? nmem : 1;
    for (size_t mi = 0; mi < nmem; mi += each)
        for (size_t gi = 0; gi < r->npages; gi++) {
            struct cxs_target tg = {.cpu_node = cpu_node,
                                    .cpu = cpu,
                                    .nmem = (int)each,
                                    .page = r->pages[gi],
                                    .bytes = r->bytes};
            memcpy(tg.mem, mem + mi, each * sizeof *mem);
            cxs_targets_add(ts, &tg);
        }
}

int cxs_targets_plan(const struct cxs_topo *t, const struct cxs_target_req *r,
                     struct cxs_targets *ts, char *err, size_t errlen)
{
    int cpu_nodes[CXS_MAX_NODES], mem[CXS_MAX_NODES];
    size_t ncpu, nmem;
    int rc = cxs_tgt_cpu_nodes(t, r->cpu_spec, &r->cpu, r->cpu >= 0, cpu_nodes, CXS_MAX_NODES,
                               &ncpu, err, errlen);
    if (rc)
        return rc;
    for (size_t ci = 0; ci < ncpu; ci++) {
        const struct cxs_node *cn = cxs_topo_node(t, cpu_nodes[ci]);
        int cpu = r->cpu;
        if (cpu >= 0 && (rc = cxs_tgt_check_cpus(t, "CPU", &cpu, 1, cn->id, err, errlen)) != 0)
            return rc;
        if (cpu < 0 && (cpu = cxs_node_pick_cpu(cn)) < 0)
            return cxs_errf(err, errlen,
                            "--cpu-node: none of node %d's CPUs is in this process's CPU "
                            "affinity",
                            cn->id),
                   CXS_EXIT_USAGE;
        rc = cxs_tgt_mem_nodes(t, r->mem_spec, cn->id, mem, CXS_MAX_NODES, &nmem, err, errlen);
        if (rc)
            return rc;
        plan_cpu_node(r, cn->id, cpu, mem, nmem, ts);
    }
    return 0;
}

void cxs_target_str(const struct cxs_target *tg, char *buf, size_t len)
{
    size_t o = 0;
    if (tg->cpu >= 0)
        o = (size_t)snprintf(buf, len, "CPU node %d (CPU %d), memory node", tg->cpu_node, tg->cpu);
    else
        o = (size_t)snprintf(buf, len, "CPU node %d, memory node", tg->cpu_node);
    for (int i = 0; i < tg->nmem && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? "+" : (tg->nmem > 1 ? "s " : " "),
                              tg->mem[i]);
    if (o < len)
        snprintf(buf + o, len - o, ", %s pages", cxs_page_name(tg->page));
}

/* Precheck one target: each of its memory nodes alone, or all of them
 * together for a policy that spreads over them. */
static int precheck_one(const struct cxs_topo *t, struct cxs_target *tg,
                        const struct cxs_precheck *p, char *err, size_t errlen)
{
    int spread = p->policy != CXS_POL_BIND && p->policy != CXS_POL_PREFERRED;
    int each = spread ? tg->nmem : 1, pair = tg->nmem == 2 && tg->bytes2;
    int same = pair && tg->mem[0] == tg->mem[1];
    for (int mi = 0; mi < tg->nmem - same && !tg->skip; mi += each) {
        uint64_t bytes = !pair  ? tg->bytes
                         : same ? tg->bytes + tg->bytes2
                         : mi   ? tg->bytes2
                                : tg->bytes;
        struct cxs_alloc_req q = {.size = bytes,
                                  .policy = p->policy,
                                  .nnodes = each,
                                  .page = tg->page,
                                  .allow_fallback = p->allow_fallback,
                                  .reserve_hugepages = p->reserve_hugepages};
        memcpy(q.nodes, tg->mem + mi, (size_t)each * sizeof tg->mem[0]);
        int rc = cxs_buf_precheck(t, &q, tg->why, sizeof tg->why);
        if (rc == CXS_EXIT_USAGE)
            return cxs_errf(err, errlen, "%s", tg->why), CXS_EXIT_USAGE;
        tg->skip = rc != 0;
    }
    if (!tg->skip)
        tg->why[0] = '\0';
    return 0;
}

int cxs_targets_precheck(const struct cxs_topo *t, struct cxs_targets *ts,
                         const struct cxs_precheck *p, char *err, size_t errlen)
{
    for (size_t i = 0; i < ts->n; i++) {
        int rc = precheck_one(t, &ts->v[i], p, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

size_t cxs_targets_left(const struct cxs_targets *ts)
{
    size_t left = 0;
    for (size_t i = 0; i < ts->n; i++)
        left += !ts->v[i].skip;
    return left;
}

const char *cxs_thp_note(const enum cxs_page *pages, size_t n)
{
    char mode[128];
    int thp = 0;
    for (size_t i = 0; i < n; i++)
        thp |= pages[i] == CXS_PAGE_THP;
    if (!thp || cxs_sysfs_read_str("kernel/mm/transparent_hugepage/enabled", mode, sizeof mode) ||
        !strstr(mode, "[never]"))
        return NULL;
    return "transparent huge pages are set to never "
           "(/sys/kernel/mm/transparent_hugepage/enabled): --page-size thp measured 4k pages";
}

size_t cxs_skips_report(const struct cxs_skipped *s, size_t n, size_t left)
{
    for (size_t i = 0; i < n; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%s: %s", s[i].what, s[i].why);
        if (left)
            cxs_note("skipped %s", line);
        else if (n > 1)
            cxs_error("%s", line);
        cxs_run_skipped(line);
    }
    if (!left && n == 1)
        cxs_die("%s", s[0].why);
    if (!left && n)
        cxs_die("none of the %zu targets can be measured (each named above)", n);
    return left;
}

size_t cxs_targets_report(const struct cxs_targets *ts)
{
    const enum cxs_page thp = CXS_PAGE_THP;
    for (size_t i = 0; i < ts->n; i++)
        if (ts->v[i].page == CXS_PAGE_THP && cxs_thp_note(&thp, 1)) {
            cxs_note("%s", cxs_thp_note(&thp, 1));
            cxs_run_note(cxs_thp_note(&thp, 1));
            break;
        }
    size_t left = cxs_targets_left(ts), n = 0;
    struct cxs_skipped *s = calloc(ts->n - left + 1, sizeof *s);
    char(*what)[256] = calloc(ts->n - left + 1, sizeof *what);
    if (!s || !what)
        cxs_die("out of memory");
    for (size_t i = 0; i < ts->n; i++)
        if (ts->v[i].skip) {
            cxs_target_str(&ts->v[i], what[n], sizeof what[n]);
            s[n] = (struct cxs_skipped){what[n], ts->v[i].why};
            n++;
        }
    cxs_skips_report(s, n, left);
    free(s);
    free(what);
    return left;
}
