/* calib_wl.c — the parts of a calibration the offload model adds: each
 * memory node's capacity (meta.json) and the measured seconds per byte of
 * the adam and attention workloads per placement (interleave.csv). */
#include "calib_wl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvin.h"

void rp_capacity(json_t *node, const json_t *meta_node, size_t index, const char *run_id,
                 json_t *absent)
{
    const json_t *m = json_object_get(meta_node, "mem_total_bytes");
    char key[64];
    if (!json_is_integer(m) || json_integer_value(m) <= 0) {
        snprintf(key, sizeof key, "nodes.%lld.capacity_bytes",
                 (long long)json_integer_value(json_object_get(meta_node, "id")));
        json_array_append_new(absent, json_pack("{s:s, s:s}", "key", key, "reason",
                                                "meta.json has no mem_total_bytes for the node"));
        return;
    }
    snprintf(key, sizeof key, "nodes[%zu].mem_total_bytes", index);
    json_object_set_new(node, "capacity_bytes",
                        json_pack("{s:I, s:{s:s, s:s, s:s}}", "value", json_integer_value(m),
                                  "source", "file", "meta.json", "key", key, "run", run_id));
}

/* The workloads the offload model reads: name and what it stands for. */
static const char *const wl_names[] = {"adam", "attention"};
#define NWL (sizeof wl_names / sizeof wl_names[0])

/* One placement of a workload: interleave.csv row r. */
static json_t *placement(const struct cxs_table *t, size_t r, const char *run_id, char *err,
                         size_t errlen)
{
    static const char *const keys[] = {"workload", "policy", "nodes", "size_bytes"};
    double size, med;
    char e[300];
    if (cxs_table_num(t, r, cxs_table_col(t, "size_bytes"), &size, e, sizeof e) ||
        cxs_table_num(t, r, cxs_table_col(t, "median_s"), &med, e, sizeof e)) {
        cxs_errf(err, errlen, "%s", e);
        return NULL;
    }
    if (!(size > 0) || !(med > 0)) {
        cxs_errf(err, errlen, "%s line %zu: size_bytes %g and median_s %g must be > 0", t->path,
                 r + 2, size, med);
        return NULL;
    }
    json_t *k = json_object();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(k, keys[i],
                            json_string(cxs_table_get(t, r, cxs_table_col(t, keys[i]))));
    return json_pack("{s:s, s:s, s:f, s:f, s:f, s:{s:s, s:I, s:s, s:o}}", "policy",
                     cxs_table_get(t, r, cxs_table_col(t, "policy")), "nodes",
                     cxs_table_get(t, r, cxs_table_col(t, "nodes")), "size_bytes", size, "value",
                     med, "s_per_byte", med / size, "source", "file", "interleave.csv", "line",
                     (json_int_t)(r + 2), "run", run_id, "keys", k);
}

int rp_workloads(const char *dir, const char *run_id, json_t *out, json_t *absent, char *err,
                 size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/interleave.csv", dir);
    FILE *probe = fopen(path, "r");
    if (!probe) {
        for (size_t w = 0; w < NWL; w++) {
            char k[64];
            snprintf(k, sizeof k, "workloads.%s", wl_names[w]);
            json_array_append_new(absent, json_pack("{s:s, s:s}", "key", k, "reason",
                                                    "no interleave.csv in the results"));
        }
        return 0;
    }
    fclose(probe);
    struct cxs_table t;
    if (cxs_table_load(path, &t, err, errlen))
        return CXS_EXIT_FAIL;
    static const char *const req[] = {"workload",   "policy",   "nodes",
                                      "size_bytes", "median_s", NULL};
    char e[400];
    if (cxs_table_require(&t, req, 0, e, sizeof e)) {
        cxs_table_free(&t);
        return cxs_errf(err, errlen, "%s (not a cxlscope interleave.csv?)", e), CXS_EXIT_FAIL;
    }
    int rc = 0;
    for (size_t w = 0; w < NWL && !rc; w++) {
        json_t *list = json_array();
        for (size_t r = 0; r < t.nrows && !rc; r++) {
            if (strcmp(cxs_table_get(&t, r, cxs_table_col(&t, "workload")), wl_names[w]) != 0)
                continue;
            json_t *p = placement(&t, r, run_id, err, errlen);
            if (!p)
                rc = CXS_EXIT_FAIL;
            else
                json_array_append_new(list, p);
        }
        if (!rc && json_array_size(list)) {
            json_object_set(out, wl_names[w], list);
        } else if (!rc) {
            char k[64], why[200];
            snprintf(k, sizeof k, "workloads.%s", wl_names[w]);
            snprintf(why, sizeof why, "interleave.csv has no %s rows", wl_names[w]);
            json_array_append_new(absent, json_pack("{s:s, s:s}", "key", k, "reason", why));
        }
        json_decref(list);
    }
    cxs_table_free(&t);
    return rc;
}
