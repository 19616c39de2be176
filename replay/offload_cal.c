/* offload_cal.c — a calibration read for the offload model (offload_cal.h). */
#include "offload_cal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ranges.h"

/* Where each value is in a node's object, and its kind. */
static const struct {
    const char *path[4];
    const char *field;
    enum rp_kind kind;
    const char *what;
} where[OV_N] = {
    [OV_READ] = {{"bandwidth", "read", NULL}, "peak_gbps", RP_GBPS, "peak sequential read"},
    [OV_H2D] = {{"gpu", "h2d_pinned_gbps", NULL}, "value", RP_GBPS, "pinned h2d"},
    [OV_D2H] = {{"gpu", "d2h_pinned_gbps", NULL}, "value", RP_GBPS, "pinned d2h"},
    [OV_LAT] = {{"gpu", "copy_latency_64b_ns", "h2d", NULL},
                "median",
                RP_LATENCY_NS,
                "64 B pinned h2d copy latency"},
    [OV_CAP] = {{"capacity_bytes", NULL}, "value", RP_COUNT, "capacity (mem_total_bytes)"},
};

/* The calibration's reason for an absent key, or a plain "not in". */
static void absent_reason(const json_t *doc, const char *key, char *buf, size_t len)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(doc, "absent"), i, a)
    {
        const char *k = json_string_value(json_object_get(a, "key"));
        if (k && strncmp(k, key, strlen(k)) == 0) {
            const char *why = json_string_value(json_object_get(a, "reason"));
            snprintf(buf, len, "%s", why ? why : "absent (no reason given)");
            return;
        }
    }
    snprintf(buf, len, "%s is not in the calibration", key);
}

/* One value of node id from its object nd. */
static int node_value(const json_t *doc, const json_t *nd, const char *id, int k,
                      struct of_value *v, const char *run, const char *path, char *err,
                      size_t errlen)
{
    const json_t *o = nd;
    char key[200];
    int l = snprintf(key, sizeof key, "nodes.%s", id);
    for (size_t i = 0; where[k].path[i]; i++) {
        o = json_object_get(o, where[k].path[i]);
        l += snprintf(key + l, sizeof key - (size_t)l, ".%s", where[k].path[i]);
    }
    const json_t *x = json_object_get(o, where[k].field);
    v->scale = 1;
    if (!x || json_is_null(x)) {
        absent_reason(doc, key, v->src, sizeof v->src);
        return 0;
    }
    char text[64], why[300];
    double d = json_is_number(x) ? json_number_value(x) : 0;
    snprintf(text, sizeof text, "%g", d);
    if (!json_is_number(x) || rp_check(where[k].kind, d, text, why, sizeof why) ||
        (k == OV_CAP && d <= 0))
        return cxs_errf(err, errlen, "%s: %s.%s: %s", path, key, where[k].field,
                        json_is_number(x) ? (k == OV_CAP && d <= 0 ? "not a capacity (> 0)" : why)
                                          : "not a number");
    v->v = d, v->have = 1;
    const json_t *s = json_object_get(o, "source");
    const char *file = json_string_value(json_object_get(s, "file"));
    if (json_object_get(s, "line"))
        snprintf(v->src, sizeof v->src, "%s (%s line %lld, run %s)", where[k].what,
                 file ? file : "?", (long long)json_integer_value(json_object_get(s, "line")), run);
    else
        snprintf(v->src, sizeof v->src, "%s (%s %s, run %s)", where[k].what, file ? file : "?",
                 json_string_value(json_object_get(s, "key"))
                     ? json_string_value(json_object_get(s, "key"))
                     : "",
                 run);
    return 0;
}

static int node_cmp(const void *a, const void *b)
{
    return ((const struct of_node *)a)->id - ((const struct of_node *)b)->id;
}

static int read_nodes(const json_t *doc, struct of_cal *c, char *err, size_t errlen)
{
    const char *id;
    json_t *nd;
    json_object_foreach((json_t *)json_object_get(doc, "nodes"), id, nd)
    {
        uint64_t num;
        char e[200];
        if (cxs_parse_u64(id, 0, 65535, &num, e, sizeof e))
            return cxs_errf(err, errlen, "%s: nodes.%s: not a node number", c->path, id);
        if (c->n == OF_MAX_NODES)
            return cxs_errf(err, errlen, "%s: more than %d memory nodes", c->path, OF_MAX_NODES);
        struct of_node *n = &c->nodes[c->n++];
        n->id = (int)num;
        const char *cls = json_string_value(json_object_get(nd, "class"));
        snprintf(n->cls, sizeof n->cls, "%s", cls ? cls : "?");
        for (int k = 0; k < OV_N; k++)
            if (node_value(doc, nd, id, k, &n->val[k], c->run_id, c->path, err, errlen))
                return -1;
    }
    if (!c->n)
        return cxs_errf(err, errlen, "%s: no memory nodes", c->path);
    qsort(c->nodes, c->n, sizeof c->nodes[0], node_cmp);
    return 0;
}

int of_cal_load(const char *path, struct of_cal *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        return cxs_errf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
    const char *schema = json_string_value(json_object_get(doc, "schema"));
    int rc = 0;
    if (!schema || strcmp(schema, "cxlscope-calibration/1") != 0) {
        rc = cxs_errf(err, errlen,
                      "%s: not a cxlscope calibration (schema cxlscope-calibration/1; "
                      "cxlscope-calibrate writes one)",
                      path);
    } else {
        const json_t *run = json_object_get(doc, "run");
        const char *id = json_string_value(json_object_get(run, "id"));
        const char *host = json_string_value(json_object_get(run, "host"));
        snprintf(c->run_id, sizeof c->run_id, "%s", id ? id : "?");
        snprintf(c->host, sizeof c->host, "%s", host ? host : "?");
        c->cpu_node = (int)json_integer_value(json_object_get(doc, "cpu_node"));
        rc = read_nodes(doc, c, err, errlen);
        if (json_is_object(json_object_get(doc, "workloads")))
            c->workloads = json_incref(json_object_get(doc, "workloads"));
    }
    json_decref(doc);
    return rc;
}

void of_cal_free(struct of_cal *c)
{
    json_decref(c->workloads);
    c->workloads = NULL;
}

static int assume_one(struct of_cal *c, char *item, char *err, size_t errlen)
{
    char *eq = strchr(item, '=');
    if (!eq)
        return cxs_errf(err, errlen, "--assume: '%s' is not KEY=VALUE", item);
    *eq = '\0';
    char *at = strchr(item, '@'), e[300];
    int node = -1;
    if (at) {
        uint64_t id;
        *at = '\0';
        if (cxs_parse_u64(at + 1, 0, 65535, &id, e, sizeof e))
            return cxs_errf(err, errlen, "--assume %s@%s: '%s' is not a node", item, at + 1,
                            at + 1);
        node = (int)id;
    }
    int k = -1;
    for (int i = 0; i < OV_N; i++)
        if (strcmp(item, of_val_names[i]) == 0)
            k = i;
    if (k < 0)
        return cxs_errf(err, errlen,
                        "--assume: unknown key '%s' (read_gbps, h2d_gbps, d2h_gbps, "
                        "copy_latency_ns, capacity_bytes; KEY@NODE for one node)",
                        item);
    char *end;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || *end || rp_check(where[k].kind, v, eq + 1, e, sizeof e) || !(v > 0))
        return cxs_errf(err, errlen, "--assume %s: '%s' is not a positive %s value", item, eq + 1,
                        of_val_names[k]);
    size_t hit = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct of_value *x = &c->nodes[i].val[k];
        if (node >= 0 && c->nodes[i].id != node)
            continue;
        hit++;
        if (x->have && !x->assumed) {
            size_t l = strlen(c->unused);
            snprintf(c->unused + l, sizeof c->unused - l, "%s%s@%d", l ? ";" : "", of_val_names[k],
                     c->nodes[i].id);
            continue;
        }
        x->v = v, x->have = 1, x->assumed = 1;
        snprintf(x->src, sizeof x->src, "assumed (--assume %s%s%s=%s)", of_val_names[k],
                 node >= 0 ? "@" : "", node >= 0 ? at + 1 : "", eq + 1);
    }
    if (!hit)
        return cxs_errf(err, errlen,
                        "--assume %s@%d: node %d is not a memory node of the "
                        "calibration",
                        item, node, node);
    return 0;
}

int of_cal_assume(struct of_cal *c, const char *list, char *err, size_t errlen)
{
    char buf[1024], *items[64];
    if (strlen(list) >= sizeof buf)
        return cxs_errf(err, errlen, "--assume: list too long");
    strcpy(buf, list);
    size_t n = cxs_split_commas(buf, items, 64);
    if (n > 64)
        return cxs_errf(err, errlen, "--assume: at most 64 values");
    for (size_t i = 0; i < n; i++)
        if (assume_one(c, items[i], err, errlen))
            return -1;
    return 0;
}

/* "0 4" (interleave.csv's nodes) as the same set as the configuration's. */
static int same_nodes(const char *s, const struct of_conf *conf, const struct of_cal *c)
{
    int seen[OF_MAX_NODES] = {0};
    size_t n = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, " +,"); tok; tok = strtok(NULL, " +,")) {
        int id = atoi(tok), found = 0;
        for (size_t i = 0; i < conf->n; i++)
            if (c->nodes[conf->node[i]].id == id && !seen[i])
                seen[i] = found = 1;
        if (!found)
            return 0;
        n++;
    }
    return n == conf->n;
}

double of_cal_workload(const struct of_cal *c, const char *name, const struct of_conf *conf,
                       char *src, size_t srclen)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(c->workloads, name), i, p)
    {
        const char *nodes = json_string_value(json_object_get(p, "nodes"));
        if (!nodes || !same_nodes(nodes, conf, c))
            continue;
        const json_t *s = json_object_get(p, "source");
        snprintf(src, srclen, "%s: interleave.csv line %lld (policy %s; nodes %s)", name,
                 (long long)json_integer_value(json_object_get(s, "line")),
                 json_string_value(json_object_get(p, "policy")), nodes);
        return json_number_value(json_object_get(p, "s_per_byte"));
    }
    return 0;
}
