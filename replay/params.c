/* params.c — model parameters from a calibration file and --assume. */
#include "params.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *const xs_key_names[XK_N] = {
    [XK_H2D] = "h2d_gbps",
    [XK_D2H] = "d2h_gbps",
    [XK_LAT] = "gpu_copy_latency_ns",
    [XK_HBM] = "hbm_gbps",
    [XK_POOL] = "pool_gbps",
    [XK_LDRAM_H2D] = "ldram_h2d_gbps",
    [XK_LDRAM_LAT] = "ldram_copy_latency_ns",
    [XK_LDRAM] = "ldram_gbps",
};

static const json_t *at(const json_t *o, const char *const *path)
{
    for (size_t i = 0; path[i] && o; i++)
        o = json_object_get(o, path[i]);
    return o;
}

/* The reason our calibration gives for an absent key, if it lists one. */
static void absent_reason(const json_t *cal, const char *key, char *buf, size_t len)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(cal, "absent"), i, a)
    {
        const char *k = json_string_value(json_object_get(a, "key"));
        if (k && strcmp(k, key) == 0) {
            snprintf(buf, len, "%s: %s", key, json_string_value(json_object_get(a, "reason")));
            return;
        }
    }
    snprintf(buf, len, "%s is not in the calibration", key);
}

/* Sets val[k] from obj.path.field * scale, else records why not. */
static void take(struct xs_params *p, enum xs_key k, const json_t *cal, const char *const *path,
                 const char *field, double scale, const char *abs_key, const char *what)
{
    struct xs_value *v = &p->val[k];
    const json_t *o = at(cal, path), *x = field ? json_object_get(o, field) : o;
    if (json_is_number(x) && json_number_value(x) > 0) {
        v->v = json_number_value(x) * scale, v->have = 1;
        const json_t *s = json_object_get(o, "source");
        if (s)
            snprintf(v->src, sizeof v->src, "%s (%s line %lld, run %s)", what,
                     json_string_value(json_object_get(s, "file")),
                     (long long)json_integer_value(json_object_get(s, "line")), p->run_id);
        else
            snprintf(v->src, sizeof v->src, "%s (%s)", what, p->path);
    } else if (strcmp(p->format, "cxlscope") == 0) {
        absent_reason(cal, abs_key, v->src, sizeof v->src);
    } else {
        snprintf(v->src, sizeof v->src, "%s is null or missing in %s", what, p->path);
    }
}

static void from_cxlscope(struct xs_params *p, const json_t *cal)
{
    char pool[16], cpu[16], k[128], k2[128];
    snprintf(pool, sizeof pool, "%lld",
             (long long)json_integer_value(json_object_get(cal, "pool_node")));
    snprintf(cpu, sizeof cpu, "%lld",
             (long long)json_integer_value(json_object_get(cal, "cpu_node")));
    const char *id = json_string_value(json_object_get(json_object_get(cal, "run"), "id"));
    snprintf(p->run_id, sizeof p->run_id, "%s", id ? id : "?");
    const char *nodes[2] = {pool, cpu};
    for (int side = 0; side < 2; side++) {
        const char *n = nodes[side];
        const char *h2d[] = {"nodes", n, "gpu", "h2d_pinned_gbps", NULL};
        const char *lat[] = {"nodes", n, "gpu", "copy_latency_64b_ns", "h2d", NULL};
        const char *rd[] = {"nodes", n, "bandwidth", "read", NULL};
        snprintf(k, sizeof k, "nodes.%s.gpu.h2d_pinned_gbps", n);
        snprintf(k2, sizeof k2, "pinned h2d from node %s", n);
        take(p, side ? XK_LDRAM_H2D : XK_H2D, cal, h2d, "value", 1, k, k2);
        snprintf(k, sizeof k, "nodes.%s.gpu.copy_latency_64b_ns.h2d", n);
        snprintf(k2, sizeof k2, "64 B pinned h2d copy latency from node %s", n);
        take(p, side ? XK_LDRAM_LAT : XK_LAT, cal, lat, "median", 1, k, k2);
        snprintf(k, sizeof k, "nodes.%s.bandwidth", n);
        snprintf(k2, sizeof k2, "node %s's peak sequential read bandwidth (CPU side)", n);
        take(p, side ? XK_LDRAM : XK_POOL, cal, rd, "peak_gbps", 1, k, k2);
    }
    const char *d2h[] = {"nodes", pool, "gpu", "d2h_pinned_gbps", NULL};
    snprintf(k, sizeof k, "nodes.%s.gpu.d2h_pinned_gbps", pool);
    take(p, XK_D2H, cal, d2h, "value", 1, k, "pinned d2h to the pool node");
    const char *d2d[] = {"gpu_device", "d2d_gbps", NULL};
    take(p, XK_HBM, cal, d2d, "value", 2, "gpu_device.d2d_gbps",
         "2 x the GPU's device-to-device copy rate");
    if (!p->val[XK_HBM].have && json_is_null(json_object_get(cal, "gpu_device")))
        absent_reason(cal, "gpu_device", p->val[XK_HBM].src, sizeof p->val[XK_HBM].src);
    /* the curve: extra latency over the lowest-bandwidth point */
    const char *lp[] = {"nodes", pool, "loaded_latency", "points", NULL};
    const json_t *pts = at(cal, lp);
    size_t n = json_array_size(pts);
    if (n >= 1 && n <= XS_MAX_CURVE) {
        double base = json_number_value(json_object_get(json_array_get(pts, 0), "latency_ns"));
        for (size_t i = 0; i < n; i++) {
            const json_t *pt = json_array_get(pts, i);
            p->curve_gbps[i] = json_number_value(json_object_get(pt, "total_gbps"));
            double e = json_number_value(json_object_get(pt, "latency_ns")) - base;
            p->curve_extra_ns[i] = e > 0 ? e : 0;
        }
        p->ncurve = n, p->curve_have = 1;
        snprintf(p->curve_src, sizeof p->curve_src,
                 "node %s's loaded-latency curve, %zu points, latency minus the lowest-bandwidth "
                 "point's (loaded.csv, run %s)",
                 pool, n, p->run_id);
    } else {
        snprintf(k, sizeof k, "nodes.%s.loaded_latency", pool);
        absent_reason(cal, k, p->curve_src, sizeof p->curve_src);
    }
}

static void from_xlshare(struct xs_params *p, const json_t *doc)
{
    snprintf(p->run_id, sizeof p->run_id, "%s", "(XL-Share format)");
    const char *bw[] = {"cxllatency_profile", NULL};
    take(p, XK_H2D, doc, bw, "cxl_bandwidth", 1, "", "cxllatency_profile.cxl_bandwidth");
    take(p, XK_POOL, doc, bw, "cxl_bandwidth", 1, "", "cxllatency_profile.cxl_bandwidth");
    take(p, XK_LAT, doc, bw, "cxl_near_ns", 1, "", "cxllatency_profile.cxl_near_ns");
    const char *cal[] = {"calibration", NULL};
    take(p, XK_HBM, doc, cal, "local_hbm_bandwidth_gbps", 1, "",
         "calibration.local_hbm_bandwidth_gbps");
    if (!p->val[XK_HBM].have)
        take(p, XK_HBM, doc, bw, "local_bandwidth", 1, "", "cxllatency_profile.local_bandwidth");
    take(p, XK_D2H, doc, cal, "device_to_host_gbps", 1, "", "calibration.device_to_host_gbps");
    take(p, XK_LDRAM_H2D, doc, cal, "host_to_device_gbps", 1, "",
         "calibration.host_to_device_gbps");
    take(p, XK_LDRAM_LAT, doc, cal, "pcie_like_latency_ns", 1, "",
         "calibration.pcie_like_latency_ns");
    snprintf(p->val[XK_LDRAM].src, sizeof p->val[XK_LDRAM].src,
             "ldram_gbps: the XL-Share format has no host memory bandwidth");
    p->curve_have = 1, p->ncurve = 0;
    snprintf(p->curve_src, sizeof p->curve_src,
             "flat: the XL-Share format has no loaded-latency curve (latency does not rise with "
             "load)");
}

int xs_params_load(const char *path, struct xs_params *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        return cxs_errf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
    const char *schema = json_string_value(json_object_get(doc, "schema"));
    int rc = 0;
    if (schema && strcmp(schema, "cxlscope-calibration/1") == 0) {
        snprintf(p->format, sizeof p->format, "cxlscope");
        from_cxlscope(p, doc);
    } else if (json_is_object(json_object_get(doc, "calibration")) &&
               json_is_object(json_object_get(doc, "cxllatency_profile"))) {
        snprintf(p->format, sizeof p->format, "xlshare");
        from_xlshare(p, doc);
    } else {
        rc = cxs_errf(err, errlen,
                      "%s: neither a cxlscope calibration (schema cxlscope-calibration/1) nor an "
                      "XL-Share calibration (calibration + cxllatency_profile)",
                      path);
    }
    json_decref(doc);
    return rc;
}

int xs_params_assume(struct xs_params *p, const char *list, char *err, size_t errlen)
{
    char buf[1024], *items[32];
    if (strlen(list) >= sizeof buf)
        return cxs_errf(err, errlen, "--assume: list too long");
    strcpy(buf, list);
    size_t n = cxs_split_commas(buf, items, 32);
    if (n > 32)
        return cxs_errf(err, errlen, "--assume: at most 32 KEY=VALUE items");
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(items[i], '=');
        if (!eq)
            return cxs_errf(err, errlen, "--assume: '%s' is not KEY=VALUE", items[i]);
        *eq = '\0';
        const char *key = items[i], *val = eq + 1;
        if (strcmp(key, "loaded_curve") == 0) {
            if (strcmp(val, "flat") != 0)
                return cxs_errf(err, errlen, "--assume: loaded_curve takes only 'flat'");
            if (p->curve_have && !p->curve_assumed_flat)
                continue; /* measured (or the format's own): kept */
            p->curve_have = 1, p->curve_assumed_flat = 1, p->ncurve = 0;
            snprintf(p->curve_src, sizeof p->curve_src,
                     "flat (assumed: --assume loaded_curve=flat)");
            continue;
        }
        int k = -1;
        for (int j = 0; j < XK_N; j++)
            if (strcmp(key, xs_key_names[j]) == 0)
                k = j;
        if (k < 0) {
            char keys[300] = "";
            for (int j = 0; j < XK_N; j++)
                snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s, ", xs_key_names[j]);
            return cxs_errf(err, errlen, "--assume: unknown key '%s' (keys: %sloaded_curve)", key,
                            keys);
        }
        char *end;
        errno = 0;
        double v = strtod(val, &end);
        if (!*val || *end || errno || !isfinite(v) || v <= 0)
            return cxs_errf(err, errlen, "--assume: %s=%s is not a positive number", key, val);
        struct xs_value *x = &p->val[k];
        if (x->have && !x->assumed) { /* measured: the assumption is not used */
            size_t l = strlen(x->src);
            snprintf(x->src + l, sizeof x->src - l, "; --assume %s=%s not used", key, val);
            continue;
        }
        x->v = v, x->have = 1, x->assumed = 1;
        snprintf(x->src, sizeof x->src, "assumed (--assume %s=%s)", key, val);
    }
    return 0;
}

int xs_params_need(const struct xs_params *p, unsigned need, int want_curve, char *err,
                   size_t errlen)
{
    for (int k = 0; k < XK_N; k++)
        if ((need & (1u << k)) && !p->val[k].have)
            return cxs_errf(err, errlen, "%s: no value (%s); give --assume %s=VALUE",
                            xs_key_names[k], p->val[k].src, xs_key_names[k]);
    if (want_curve && !p->curve_have)
        return cxs_errf(err, errlen,
                        "loaded-latency curve: none (%s); give --assume loaded_curve=flat to "
                        "model latency that does not rise with load",
                        p->curve_src);
    return 0;
}

void xs_params_links(const struct xs_params *p, struct xs_link *pool, struct xs_link *offload)
{
    *pool = (struct xs_link){.latency_ns = p->val[XK_LAT].v,
                             .gpu_gbps = p->val[XK_H2D].v,
                             .pool_gbps = p->val[XK_POOL].have ? p->val[XK_POOL].v : 0,
                             .ncurve = p->ncurve};
    for (size_t i = 0; i < p->ncurve; i++)
        pool->curve_gbps[i] = p->curve_gbps[i], pool->curve_extra_ns[i] = p->curve_extra_ns[i];
    *offload = (struct xs_link){.latency_ns = p->val[XK_LDRAM_LAT].v,
                                .gpu_gbps = p->val[XK_LDRAM_H2D].v,
                                .pool_gbps = p->val[XK_LDRAM].have ? p->val[XK_LDRAM].v : 0};
}

size_t xs_params_describe(const struct xs_params *p, char lines[][1600], size_t max)
{
    size_t n = 0;
    for (int k = 0; k < XK_N && n < max; k++, n++) {
        if (p->val[k].have)
            snprintf(lines[n], 1600, "%s=%.6g: %s", xs_key_names[k], p->val[k].v, p->val[k].src);
        else
            snprintf(lines[n], 1600, "%s: none (%s)%s", xs_key_names[k], p->val[k].src,
                     k == XK_POOL || k == XK_LDRAM ? "; no shared bandwidth ceiling" : "");
    }
    if (n < max)
        snprintf(lines[n++], 1600, "loaded-latency curve: %s", p->curve_src);
    return n;
}

void xs_params_assumed(const struct xs_params *p, char *buf, size_t len)
{
    size_t l = 0;
    buf[0] = '\0';
    for (int k = 0; k < XK_N && l < len; k++)
        if (p->val[k].assumed)
            l += (size_t)snprintf(buf + l, len - l, "%s%s=%g", l ? ";" : "", xs_key_names[k],
                                  p->val[k].v);
    if (p->curve_assumed_flat && l < len)
        l += (size_t)snprintf(buf + l, len - l, "%sloaded_curve=flat", l ? ";" : "");
    if (!l)
        snprintf(buf, len, "none");
}
