/* params.c — model parameters from a calibration file and --assume. */
#include "params.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ranges.h"

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

/* Reading a calibration: the params being filled, and the first value
 * that is out of its range or not a number (rc -1, err). */
struct rd {
    struct xs_params *p;
    const json_t *doc;
    char *err;
    size_t errlen;
    int rc;
};

/* What each key is (ranges.h): its value in the file is checked. */
static const enum rp_kind key_kind[XK_N] = {
    [XK_H2D] = RP_GBPS,
    [XK_D2H] = RP_GBPS,
    [XK_LAT] = RP_LATENCY_NS,
    [XK_HBM] = RP_GBPS,
    [XK_POOL] = RP_GBPS,
    [XK_LDRAM_H2D] = RP_GBPS,
    [XK_LDRAM_LAT] = RP_LATENCY_NS,
    [XK_LDRAM] = RP_GBPS,
};

static const json_t *at(const json_t *o, const char *const *path)
{
    for (size_t i = 0; path[i] && o; i++)
        o = json_object_get(o, path[i]);
    return o;
}

/* "a.b.c" of a path and a last field (NULL: none). */
static void dotted(const char *const *path, const char *field, char *buf, size_t len)
{
    size_t l = 0;
    buf[0] = '\0';
    for (size_t i = 0; path[i] && l < len; i++)
        l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? "." : "", path[i]);
    if (field && l < len)
        snprintf(buf + l, len - l, "%s%s", l ? "." : "", field);
}

/* x, found at key: 1 and *v when a number of its kind; 0 (*v untouched)
 * when absent or null; else 0 and the reader's error (the first is kept). */
static int number(struct rd *r, const json_t *x, const char *key, enum rp_kind kind, double *v)
{
    char text[64], why[300];
    if (!x || json_is_null(x))
        return 0;
    if (!json_is_number(x)) {
        if (!r->rc)
            r->rc = cxs_errf(r->err, r->errlen, "%s: %s: not a number", r->p->path, key);
        return 0;
    }
    double d = json_number_value(x);
    snprintf(text, sizeof text, "%g", d);
    if (rp_check(kind, d, text, why, sizeof why)) {
        if (!r->rc)
            r->rc = cxs_errf(r->err, r->errlen, "%s: %s: %s", r->p->path, key, why);
        return 0;
    }
    *v = d;
    return 1;
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
            const char *why = json_string_value(json_object_get(a, "reason"));
            snprintf(buf, len, "%s: %s", key, why ? why : "absent (no reason given)");
            return;
        }
    }
    snprintf(buf, len, "%s is not in the calibration", key);
}

/* Sets val[k] from doc.path.field * scale, else records why not. */
static void take(struct rd *r, enum xs_key k, const char *const *path, const char *field,
                 double scale, const char *abs_key, const char *what)
{
    struct xs_params *p = r->p;
    struct xs_value *v = &p->val[k];
    const json_t *o = at(r->doc, path), *x = field ? json_object_get(o, field) : o;
    char key[256];
    double n;
    dotted(path, field, key, sizeof key);
    if (number(r, x, key, key_kind[k], &n)) {
        v->v = n * scale, v->have = 1;
        const json_t *s = json_object_get(o, "source");
        const char *file = json_string_value(json_object_get(s, "file"));
        if (s && file)
            snprintf(v->src, sizeof v->src, "%s (%s line %lld, run %s)", what, file,
                     (long long)json_integer_value(json_object_get(s, "line")), p->run_id);
        else
            snprintf(v->src, sizeof v->src, "%s (%s)", what, p->path);
    } else if (strcmp(p->format, "cxlscope") == 0) {
        absent_reason(r->doc, abs_key, v->src, sizeof v->src);
    } else {
        snprintf(v->src, sizeof v->src, "%s is null or missing in %s", what, p->path);
    }
}

/* The loaded-latency curve: extra latency over the lowest-bandwidth point. */
static void curve(struct rd *r, const char *pool)
{
    struct xs_params *p = r->p;
    const char *lp[] = {"nodes", pool, "loaded_latency", "points", NULL};
    const json_t *pts = at(r->doc, lp);
    size_t n = json_array_size(pts);
    char k[128];
    if (n < 1 || n > XS_MAX_CURVE) {
        snprintf(k, sizeof k, "nodes.%s.loaded_latency", pool);
        absent_reason(r->doc, k, p->curve_src, sizeof p->curve_src);
        return;
    }
    double base = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *pt = json_array_get(pts, i);
        double g = 0, l = 0;
        snprintf(k, sizeof k, "nodes.%s.loaded_latency.points[%zu].total_gbps", pool, i);
        int ok = number(r, json_object_get(pt, "total_gbps"), k, RP_GBPS, &g);
        if (!ok && !r->rc)
            r->rc = cxs_errf(r->err, r->errlen, "%s: %s: not a number", p->path, k);
        snprintf(k, sizeof k, "nodes.%s.loaded_latency.points[%zu].latency_ns", pool, i);
        ok = number(r, json_object_get(pt, "latency_ns"), k, RP_LATENCY_NS, &l);
        if (!ok && !r->rc)
            r->rc = cxs_errf(r->err, r->errlen, "%s: %s: not a number", p->path, k);
        if (i == 0)
            base = l;
        p->curve_gbps[i] = g;
        p->curve_extra_ns[i] = l - base > 0 ? l - base : 0;
    }
    p->ncurve = n, p->curve_have = 1;
    snprintf(p->curve_src, sizeof p->curve_src,
             "node %s's loaded-latency curve, %zu points, latency minus the lowest-bandwidth "
             "point's (loaded.csv, run %s)",
             pool, n, p->run_id);
}

static void from_cxlscope(struct rd *r)
{
    struct xs_params *p = r->p;
    const json_t *cal = r->doc;
    char pool[16], cpu[16], k[128], k2[128];
    double pn = 0, cn = 0; /* absent: node 0 */
    number(r, json_object_get(cal, "pool_node"), "pool_node", RP_NODE, &pn);
    number(r, json_object_get(cal, "cpu_node"), "cpu_node", RP_NODE, &cn);
    snprintf(pool, sizeof pool, "%d", (int)pn);
    snprintf(cpu, sizeof cpu, "%d", (int)cn);
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
        take(r, side ? XK_LDRAM_H2D : XK_H2D, h2d, "value", 1, k, k2);
        snprintf(k, sizeof k, "nodes.%s.gpu.copy_latency_64b_ns.h2d", n);
        snprintf(k2, sizeof k2, "64 B pinned h2d copy latency from node %s", n);
        take(r, side ? XK_LDRAM_LAT : XK_LAT, lat, "median", 1, k, k2);
        snprintf(k, sizeof k, "nodes.%s.bandwidth", n);
        snprintf(k2, sizeof k2, "node %s's peak sequential read bandwidth (CPU side)", n);
        take(r, side ? XK_LDRAM : XK_POOL, rd, "peak_gbps", 1, k, k2);
    }
    const char *d2h[] = {"nodes", pool, "gpu", "d2h_pinned_gbps", NULL};
    snprintf(k, sizeof k, "nodes.%s.gpu.d2h_pinned_gbps", pool);
    take(r, XK_D2H, d2h, "value", 1, k, "pinned d2h to the pool node");
    const char *d2d[] = {"gpu_device", "d2d_gbps", NULL};
    take(r, XK_HBM, d2d, "value", 2, "gpu_device.d2d_gbps",
         "2 x the GPU's device-to-device copy rate");
    if (!p->val[XK_HBM].have && json_is_null(json_object_get(cal, "gpu_device")))
        absent_reason(cal, "gpu_device", p->val[XK_HBM].src, sizeof p->val[XK_HBM].src);
    curve(r, pool);
}

static void from_xlshare(struct rd *r)
{
    struct xs_params *p = r->p;
    snprintf(p->run_id, sizeof p->run_id, "%s", "(XL-Share format)");
    const char *bw[] = {"cxllatency_profile", NULL};
    take(r, XK_H2D, bw, "cxl_bandwidth", 1, "", "cxllatency_profile.cxl_bandwidth");
    take(r, XK_POOL, bw, "cxl_bandwidth", 1, "", "cxllatency_profile.cxl_bandwidth");
    take(r, XK_LAT, bw, "cxl_near_ns", 1, "", "cxllatency_profile.cxl_near_ns");
    const char *cal[] = {"calibration", NULL};
    take(r, XK_HBM, cal, "local_hbm_bandwidth_gbps", 1, "", "calibration.local_hbm_bandwidth_gbps");
    if (!p->val[XK_HBM].have)
        take(r, XK_HBM, bw, "local_bandwidth", 1, "", "cxllatency_profile.local_bandwidth");
    take(r, XK_D2H, cal, "device_to_host_gbps", 1, "", "calibration.device_to_host_gbps");
    take(r, XK_LDRAM_H2D, cal, "host_to_device_gbps", 1, "", "calibration.host_to_device_gbps");
    take(r, XK_LDRAM_LAT, cal, "pcie_like_latency_ns", 1, "", "calibration.pcie_like_latency_ns");
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
    struct rd r = {.p = p, .doc = doc, .err = err, .errlen = errlen};
    int rc = 0;
    if (schema && strcmp(schema, "cxlscope-calibration/1") == 0) {
        snprintf(p->format, sizeof p->format, "cxlscope");
        from_cxlscope(&r);
        rc = r.rc;
    } else if (json_is_object(json_object_get(doc, "calibration")) &&
               json_is_object(json_object_get(doc, "cxllatency_profile"))) {
        snprintf(p->format, sizeof p->format, "xlshare");
        from_xlshare(&r);
        rc = r.rc;
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
        int k = cxs_name_lookup_exact(xs_key_names, XK_N, key);
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
        char why[300];
        if (!*val || *end || errno || !isfinite(v) || v <= 0)
            return cxs_errf(err, errlen, "--assume: %s=%s is not a positive number", key, val);
        if (rp_check(key_kind[k], v, val, why, sizeof why))
            return cxs_errf(err, errlen, "--assume %s=%s: %s", key, val, why);
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
