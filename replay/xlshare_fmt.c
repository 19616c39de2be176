/* xlshare_fmt.c — a cxlscope calibration in the XL-Share emulator's own
 * format (see calib.h). Each key is one line of a table: where its value
 * comes from in our calibration, or null with the reason. */
#include <stdio.h>
#include <string.h>

#include "calib.h"

struct fmt {
    const json_t *cal;
    json_t *notes;
    char pool[16], cpu[16];
};

static const json_t *at(const json_t *o, const char *a, const char *b, const char *c, const char *d)
{
    const char *path[] = {a, b, c, d};
    for (int i = 0; i < 4 && path[i] && o; i++)
        o = json_object_get(o, path[i]);
    return o;
}

/* "file line N, run ID" of a value's source. */
static void where(const json_t *v, char *buf, size_t len)
{
    const json_t *s = json_object_get(v, "source");
    const char *f = json_string_value(json_object_get(s, "file"));
    snprintf(buf, len, "%s line %lld, run %s", f ? f : "?",
             (long long)json_integer_value(json_object_get(s, "line")),
             json_string_value(json_object_get(s, "run"))
                 ? json_string_value(json_object_get(s, "run"))
                 : "?");
}

static void note(struct fmt *f, const char *key, const char *text)
{
    char buf[768];
    snprintf(buf, sizeof buf, "%s: %s", key, text);
    json_array_append_new(f->notes, json_string(buf));
}

/* Sets obj[key] to v's number (field "value", "median" or "peak_gbps")
 * times scale and notes what it is; null and the reason when v is NULL. */
static double put(struct fmt *f, json_t *obj, const char *key, const json_t *v, const char *field,
                  double scale, const char *what, const char *if_none)
{
    char src[256], buf[700];
    if (!v || !json_is_number(json_object_get(v, field))) {
        json_object_set_new(obj, key, json_null());
        note(f, key, if_none);
        return -1;
    }
    double x = json_number_value(json_object_get(v, field)) * scale;
    json_object_set_new(obj, key, json_real(x));
    where(v, src, sizeof src);
    snprintf(buf, sizeof buf, "%s (%s)", what, src);
    note(f, key, buf);
    return x;
}

json_t *rp_xlshare_format(const json_t *cal)
{
    struct fmt f = {.cal = cal, .notes = json_array()};
    snprintf(f.pool, sizeof f.pool, "%lld",
             (long long)json_integer_value(json_object_get(cal, "pool_node")));
    snprintf(f.cpu, sizeof f.cpu, "%lld",
             (long long)json_integer_value(json_object_get(cal, "cpu_node")));
    const json_t *nodes = json_object_get(cal, "nodes"), *pool = json_object_get(nodes, f.pool);
    const json_t *gd = json_object_get(cal, "gpu_device");
    const char *pclass = json_string_value(json_object_get(cal, "pool_class"));
    char what[512];

    json_t *c = json_object(), *p = json_object();
    int gpu = json_is_object(gd);
    json_object_set_new(c, "has_cuda", json_boolean(gpu));
    note(&f, "has_cuda",
         gpu ? "true: the results hold GPU copy measurements"
             : "false: the results hold no GPU measurement (gpu_copy.csv absent or empty)");
    json_object_set_new(c, "device_name",
                        gpu ? json_string(json_string_value(json_object_get(gd, "name")))
                            : json_null());
    note(&f, "device_name",
         gpu ? "the CUDA device name in gpu_copy.csv" : "null: no GPU measured (no device)");
    const json_t *d2d = gpu ? json_object_get(gd, "d2d_gbps") : NULL;
    double hbm = put(&f, c, "local_hbm_bandwidth_gbps", d2d, "value", 2.0,
                     "2 x the measured device-to-device copy rate (a copy reads and writes each "
                     "byte), largest size",
                     "null: no device-to-device measurement");
    put(&f, c, "local_hbm_latency_ns", NULL, "value", 1, "",
        "null: no measurement behind it (cxlscope does not measure HBM latency)");
    snprintf(what, sizeof what, "pinned host-to-device from the pool node %s, largest size",
             f.pool);
    double h2d = put(&f, c, "host_to_device_gbps", at(pool, "gpu", "h2d_pinned_gbps", NULL, NULL),
                     "value", 1, what, "null: no pinned h2d measurement from the pool node");
    snprintf(what, sizeof what, "pinned device-to-host to the pool node %s, largest size", f.pool);
    put(&f, c, "device_to_host_gbps", at(pool, "gpu", "d2h_pinned_gbps", NULL, NULL), "value", 1,
        what, "null: no pinned d2h measurement to the pool node");
    snprintf(what, sizeof what,
             "median 64 B pinned host-to-device cudaMemcpy latency from the pool node %s, as "
             "measured (not floored)",
             f.pool);
    put(&f, c, "pcie_like_latency_ns", at(pool, "gpu", "copy_latency_64b_ns", "h2d", NULL),
        "median", 1, what, "null: no 64 B GPU copy latency from the pool node");

    snprintf(what, sizeof what,
             "idle latency of CPU node %s's own memory (random chase, largest size)", f.cpu);
    put(&f, p, "local_dram_ns", at(nodes, f.cpu, "idle_latency_ns", NULL, NULL), "value", 1, what,
        "null: no idle latency of the CPU node's memory");
    snprintf(what, sizeof what, "idle latency of the pool node %s (%s%s) from CPU node %s", f.pool,
             pclass ? pclass : "?",
             pclass && strcmp(pclass, "CXL") ? ": no CXL node, it stands in for one" : "", f.cpu);
    double near = put(&f, p, "cxl_near_ns", at(pool, "idle_latency_ns", NULL, NULL, NULL), "value",
                      1, what, "null: no idle latency of the pool node");
    /* far: the slowest other CXL node, if there is one */
    const char *k;
    json_t *n;
    const json_t *far = NULL;
    const char *farid = NULL;
    json_object_foreach((json_t *)nodes, k, n)
    {
        const json_t *il = json_object_get(n, "idle_latency_ns");
        const char *cl = json_string_value(json_object_get(n, "class"));
        if (strcmp(k, f.pool) == 0 || !cl || strcmp(cl, "CXL") != 0 || !il)
            continue;
        if (!far || json_number_value(json_object_get(il, "value")) >
                        json_number_value(json_object_get(far, "value")))
            far = il, farid = k;
    }
    snprintf(what, sizeof what,
             "idle latency of CXL node %s, the slowest CXL node besides the pool",
             farid ? farid : "?");
    put(&f, p, "cxl_far_ns", far, "value", 1, what,
        "null: no second CXL node measured (no measurement behind it)");
    put(&f, p, "cxl_network_ns", NULL, "value", 1, "",
        "null: no measurement behind it (no switched CXL fabric measured)");
    put(&f, p, "local_bandwidth", d2d, "value", 2.0,
        "the local HBM's: 2 x the measured device-to-device copy rate",
        "null: no device-to-device measurement");
    /* the pool's bandwidth as a GPU gets it: pinned h2d from the pool node,
     * capped by the node's own (CPU-side) peak read bandwidth */
    const json_t *rd = at(pool, "bandwidth", "read", NULL, NULL);
    double cpu_peak = rd ? json_number_value(json_object_get(rd, "peak_gbps")) : -1;
    char src[256];
    if (h2d > 0 && (cpu_peak <= 0 || h2d <= cpu_peak)) {
        json_object_set_new(p, "cxl_bandwidth", json_real(h2d));
        note(&f, "cxl_bandwidth",
             cpu_peak > 0
                 ? "the pinned h2d rate from the pool node (below the node's CPU-side peak read)"
                 : "the pinned h2d rate from the pool node (no CPU-side peak to compare)");
    } else if (cpu_peak > 0) {
        json_object_set_new(p, "cxl_bandwidth", json_real(cpu_peak));
        where(rd, src, sizeof src);
        snprintf(
            what, sizeof what, "the pool node's CPU-side peak sequential read bandwidth%s (%s)",
            h2d > 0 ? ", below its pinned h2d rate" : ": no GPU measurement, it stands in", src);
        note(&f, "cxl_bandwidth", what);
    } else {
        json_object_set_new(p, "cxl_bandwidth", json_null());
        note(&f, "cxl_bandwidth", "null: neither a GPU nor a CPU-side bandwidth of the pool node");
    }
    put(&f, p, "coherence_overhead_ns", NULL, "value", 1, "",
        "null: no measurement behind it (coherence traffic is not isolated)");
    (void)hbm, (void)near;
    char head[512];
    snprintf(head, sizeof head,
             "written by cxlscope-calibrate from run %s: GB = 1e9 bytes, ns as measured; null = "
             "no measurement",
             json_string_value(json_object_get(json_object_get(cal, "run"), "id"))
                 ? json_string_value(json_object_get(json_object_get(cal, "run"), "id"))
                 : "?");
    json_array_insert_new(f.notes, 0, json_string(head));
    json_object_set_new(c, "notes", f.notes);
    return json_pack("{s:o, s:o}", "calibration", c, "cxllatency_profile", p);
}
