/* offload.c — the closed forms of the offload model (see offload.h). */
#include "offload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

const char *const of_val_names[OV_N] = {
    [OV_READ] = "read_gbps",      [OV_H2D] = "h2d_gbps",       [OV_D2H] = "d2h_gbps",
    [OV_LAT] = "copy_latency_ns", [OV_CAP] = "capacity_bytes",
};

/* ---- interleaved buffers ---- */

double of_link_s(const struct of_rates *r, double bytes, int d2h)
{
    double t = 0;
    for (size_t i = 0; i < r->n; i++)
        t += bytes * r->w[i] / ((d2h ? r->d2h[i] : r->h2d[i]) * 1e9);
    return t;
}

double of_cpu_s(const struct of_rates *r, double bytes)
{
    double t = 0;
    for (size_t i = 0; i < r->n; i++) {
        double x = bytes * r->w[i] / (r->read[i] * 1e9);
        if (x > t)
            t = x;
    }
    return t;
}

double of_capacity(const struct of_rates *r)
{
    double c = INFINITY;
    for (size_t i = 0; i < r->n; i++)
        if (r->w[i] > 0 && r->cap[i] / r->w[i] < c)
            c = r->cap[i] / r->w[i];
    return c;
}

double of_latency_s(const struct of_rates *r)
{
    double l = 0;
    for (size_t i = 0; i < r->n; i++)
        l += r->w[i] * r->lat_ns[i] * 1e-9;
    return l;
}

/* ---- training: ZeRO-Offload ----
 * GPU forward + backward: 6 x params x batch x seq FLOPs at --tflops.
 * Gradients d2h and parameters h2d: params x bytes_per_param each way over
 * the link (of_link_s). Adam on the CPU over the fp32 states (parameter,
 * gradient, momentum, variance: 16 bytes a parameter). Measured: the adam
 * workload's seconds per byte of its footprint (7 fp32 arrays, 28 bytes a
 * parameter: it reads 16 and writes 12, as the in-place step does) x 28 x
 * params, i.e. its measured time per parameter; else that traffic (28 bytes
 * a parameter) at the configuration's CPU-side bandwidth (of_cpu_s).
 * No overlap: step = gpu + d2h + adam + h2d. */
void of_train(const struct of_shape *m, const struct of_rates *r, const struct of_train_in *in,
              struct of_train_out *o)
{
    memset(o, 0, sizeof *o);
    o->gpu_s = 6 * m->params * in->batch * in->seq / (in->tflops * 1e12);
    o->grad_bytes = o->param_bytes = m->params * m->bytes_per_param;
    o->d2h_s = of_link_s(r, o->grad_bytes, 1);
    o->h2d_s = of_link_s(r, o->param_bytes, 0);
    o->state_bytes = 16 * m->params;
    o->adam_traffic_bytes = 28 * m->params;
    o->adam_s = in->adam_s_per_byte > 0 ? in->adam_s_per_byte * o->adam_traffic_bytes
                                        : of_cpu_s(r, o->adam_traffic_bytes);
    o->step_s = o->gpu_s + o->d2h_s + o->adam_s + o->h2d_s;
    o->samples_per_s = in->batch / o->step_s;
}

/* ---- inference: FlexGen-style ---- */

double of_seq_bytes(const struct of_shape *m, double prompt, double gen)
{
    double kv = 2.0 * m->layers * m->kv_dim * (prompt + gen) * 2;
    double act = 2.0 * prompt * m->hidden * 2;
    return kv + act;
}

/* Host bytes: the weights that do not stay on the GPU (--gpu-mem holds
 * weights first) + batch x (KV cache + activations) per sequence; the
 * batch is the largest that the configuration's capacity holds, or the one
 * asked for if it fits.
 * Prefill: max(2 x params x batch x prompt / tflops, host weights h2d +
 * layers x the 64 B copy latency) + the prompt's KV cache d2h.
 * Decode, per token: the host weights h2d again + layers x latency,
 * overlapped with the GPU's work (2 x params x batch / tflops) followed by
 * attention on the CPU over the KV cache at its mean length (prompt +
 * gen / 2): measured attention seconds per byte, else the configuration's
 * CPU-side bandwidth. token = max(weights, gpu + attention).
 * Total = prefill + gen x token; tokens/s = batch x gen / total. */
static void infer_batch(const struct of_shape *m, const struct of_rates *r,
                        const struct of_infer_in *in, struct of_infer_out *o)
{
    double layers = m->layers, lat = of_latency_s(r);
    double b = o->batch;
    double kv_prompt = b * 2.0 * m->layers * m->kv_dim * in->prompt * 2;
    double pre_gpu = 2 * m->params * b * in->prompt / (in->tflops * 1e12);
    double pre_w = of_link_s(r, o->host_weight_bytes, 0) + layers * lat;
    o->prefill_s = (pre_gpu > pre_w ? pre_gpu : pre_w) + of_link_s(r, kv_prompt, 1);
    o->decode_weights_s = pre_w;
    o->decode_gpu_s = 2 * m->params * b / (in->tflops * 1e12);
    double kv_read = b * 2.0 * m->layers * m->kv_dim * (in->prompt + in->gen / 2) * 2;
    o->attention_s = in->attn_s_per_byte > 0 ? in->attn_s_per_byte * kv_read : of_cpu_s(r, kv_read);
    double g = o->decode_gpu_s + o->attention_s;
    o->decode_token_s = o->decode_weights_s > g ? o->decode_weights_s : g;
    o->total_s = o->prefill_s + in->gen * o->decode_token_s;
    o->tokens_per_s = b * in->gen / o->total_s;
}

void of_infer(const struct of_shape *m, const struct of_rates *r, const struct of_infer_in *in,
              struct of_infer_out *o)
{
    memset(o, 0, sizeof *o);
    double w = m->params * m->bytes_per_param;
    o->host_weight_bytes = w > in->gpu_mem_bytes ? w - in->gpu_mem_bytes : 0;
    o->per_seq_bytes = of_seq_bytes(m, in->prompt, in->gen);
    o->capacity_bytes = of_capacity(r);
    double room = o->capacity_bytes - o->host_weight_bytes;
    o->max_batch = room > 0 ? floor(room / o->per_seq_bytes) : 0;
    if (o->max_batch < 1) {
        snprintf(o->why, sizeof o->why,
                 "one sequence does not fit: %.0f bytes of weights + %.0f per sequence; the "
                 "configuration holds %.0f",
                 o->host_weight_bytes, o->per_seq_bytes, o->capacity_bytes);
        return;
    }
    if (in->batch > o->max_batch) {
        snprintf(o->why, sizeof o->why,
                 "batch %.0f does not fit: the configuration holds at most %.0f", in->batch,
                 o->max_batch);
        return;
    }
    o->batch = in->batch > 0 ? in->batch : o->max_batch;
    o->fits = 1;
    infer_batch(m, r, in, o);
}

/* ---- what-if factors ---- */

static const struct {
    const char *what;
    unsigned mask;
} scale_whats[] = {
    {"gbps", 1u << OV_READ | 1u << OV_H2D | 1u << OV_D2H},
    {"read_gbps", 1u << OV_READ},
    {"h2d_gbps", 1u << OV_H2D},
    {"d2h_gbps", 1u << OV_D2H},
    {"copy_latency_ns", 1u << OV_LAT},
    {"capacity", 1u << OV_CAP},
};
static const char *const scale_classes[] = {"ldram", "rdram", "cpuless", "cxl"};

int of_scale_parse(const char *s, struct of_scale *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->node = -1;
    snprintf(o->text, sizeof o->text, "%s", s);
    const char *eq = strchr(s, '=');
    char key[64];
    if (!eq || (size_t)(eq - s) >= sizeof key)
        return cxs_errf(err, errlen, "--scale: '%s' is not KEY=FACTOR", s);
    memcpy(key, s, (size_t)(eq - s));
    key[eq - s] = '\0';
    char *end;
    o->factor = strtod(eq + 1, &end);
    if (end == eq + 1 || *end || !(o->factor > 0) || !isfinite(o->factor))
        return cxs_errf(err, errlen, "--scale %s: '%s' is not a positive factor", key, eq + 1);
    char *us = strchr(key, '_');
    if (!us)
        return cxs_errf(err, errlen, "--scale: unknown key '%s' (CLASS_WHAT or nodeN_WHAT)", key);
    *us = '\0';
    const char *what = us + 1;
    for (size_t i = 0; i < sizeof scale_whats / sizeof scale_whats[0]; i++)
        if (strcmp(what, scale_whats[i].what) == 0)
            o->mask = scale_whats[i].mask;
    if (!o->mask)
        return cxs_errf(err, errlen,
                        "--scale %s_%s: unknown value '%s' (gbps, read_gbps, h2d_gbps, d2h_gbps, "
                        "copy_latency_ns, capacity)",
                        key, what, what);
    for (size_t i = 0; i < sizeof scale_classes / sizeof scale_classes[0]; i++)
        if (strcmp(key, scale_classes[i]) == 0)
            snprintf(o->cls, sizeof o->cls, "%s", scale_classes[i]);
    if (!*o->cls) {
        uint64_t n;
        if (strncmp(key, "node", 4) || cxs_parse_u64(key + 4, 0, 65535, &n, err, errlen))
            return cxs_errf(err, errlen,
                            "--scale %s_%s: unknown class or node '%s' (ldram, rdram, cpuless, "
                            "cxl, nodeN)",
                            key, what, key);
        o->node = (int)n;
    }
    return 0;
}

size_t of_scale_apply(const struct of_scale *s, struct of_node *nodes, size_t n)
{
    size_t touched = 0;
    for (size_t i = 0; i < n; i++) {
        if (*s->cls ? strcasecmp(s->cls, nodes[i].cls) != 0 : s->node != nodes[i].id)
            continue;
        touched++;
        for (int k = 0; k < OV_N; k++)
            if (s->mask & 1u << k)
                nodes[i].val[k].scale *= s->factor;
    }
    return touched;
}

/* ---- configurations ---- */

int of_rates_of(const struct of_conf *c, const struct of_node *nodes, unsigned need,
                struct of_rates *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->n = c->n;
    double *dst[OV_N] = {r->read, r->h2d, r->d2h, r->lat_ns, r->cap};
    for (size_t i = 0; i < c->n; i++) {
        const struct of_node *nd = &nodes[c->node[i]];
        r->w[i] = c->w[i];
        for (int k = 0; k < OV_N; k++) {
            const struct of_value *v = &nd->val[k];
            if (v->have) {
                dst[k][i] = v->v * v->scale;
                continue;
            }
            if (need & 1u << k)
                return cxs_errf(err, errlen,
                                "%s: node %d's %s is neither measured nor assumed (%s); give "
                                "--assume %s@%d=VALUE",
                                c->name, nd->id, of_val_names[k], v->src, of_val_names[k], nd->id);
        }
    }
    return 0;
}

static int find_node(const struct of_node *nodes, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (nodes[i].id == id)
            return (int)i;
    return -1;
}

/* Explicit nodes "0+4" (equal shares) or "0:3+4:1". */
static int conf_nodes(const char *spec, const struct of_node *nodes, size_t n, struct of_conf *c,
                      char *why, size_t whylen)
{
    char buf[256], *items[OF_MAX_NODES + 1], err[200];
    if (strlen(spec) >= sizeof buf)
        return cxs_errf(why, whylen, "--configs: '%s' is too long", spec);
    strcpy(buf, spec);
    for (char *p = buf; *p; p++)
        if (*p == '+')
            *p = ',';
    size_t k = cxs_split_commas(buf, items, OF_MAX_NODES + 1);
    if (k > OF_MAX_NODES || k == 0)
        return cxs_errf(why, whylen, "--configs %s: 1 to %d nodes", spec, OF_MAX_NODES);
    double sum = 0;
    for (size_t i = 0; i < k; i++) {
        char *colon = strchr(items[i], ':');
        double w = 1;
        if (colon) {
            *colon = '\0';
            char *end;
            w = strtod(colon + 1, &end);
            if (end == colon + 1 || *end || !(w > 0) || !isfinite(w))
                return cxs_errf(why, whylen, "--configs %s: weight '%s' is not a positive number",
                                spec, colon + 1);
        }
        uint64_t id;
        if (cxs_parse_u64(items[i], 0, 65535, &id, err, sizeof err))
            return cxs_errf(why, whylen,
                            "--configs %s: not a configuration (ldram, ldram+rdram, ldram+cxl, "
                            "all) nor nodes joined by + ('%s' is not a node ID)",
                            spec, items[i]);
        int x = find_node(nodes, n, (int)id);
        if (x < 0)
            return cxs_errf(why, whylen,
                            "--configs %s: node %d is not a memory node of the "
                            "calibration",
                            spec, (int)id);
        for (size_t j = 0; j < c->n; j++)
            if (c->node[j] == x)
                return cxs_errf(why, whylen, "--configs %s: node %d twice", spec, (int)id);
        c->node[c->n] = x, c->w[c->n++] = w, sum += w;
    }
    for (size_t i = 0; i < c->n; i++)
        c->w[i] /= sum;
    return 0;
}

/* A class configuration: the nodes of the classes named, weighted by
 * their read bandwidth (x scale). */
static int conf_classes(const char *const *cls, const struct of_node *nodes, size_t n,
                        struct of_conf *c, char *why, size_t whylen)
{
    for (size_t k = 0; cls[k]; k++) {
        size_t before = c->n;
        for (size_t i = 0; i < n && c->n < OF_MAX_NODES; i++)
            if (!*cls[k] || strcmp(nodes[i].cls, cls[k]) == 0)
                c->node[c->n++] = (int)i;
        if (c->n == before) {
            cxs_errf(why, whylen, "the calibration has no %s node", cls[k]);
            return 1;
        }
    }
    double sum = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct of_value *v = &nodes[c->node[i]].val[OV_READ];
        if (!v->have)
            return cxs_errf(why, whylen,
                            "%s: node %d's read_gbps (its weight in the interleave) is neither "
                            "measured nor assumed (%s); give --assume read_gbps@%d=VALUE or "
                            "explicit weights (NODE:WEIGHT,...)",
                            c->name, nodes[c->node[i]].id, v->src, nodes[c->node[i]].id);
        c->w[i] = v->v * v->scale, sum += c->w[i];
    }
    for (size_t i = 0; i < c->n; i++)
        c->w[i] /= sum;
    return 0;
}

int of_conf_parse(const char *spec, const struct of_node *nodes, size_t n, struct of_conf *c,
                  char *why, size_t whylen)
{
    static const struct {
        const char *name, *cls[3];
    } named[] = {
        {"ldram", {"LDRAM", NULL}},
        {"ldram+rdram", {"LDRAM", "RDRAM", NULL}},
        {"ldram+cxl", {"LDRAM", "CXL", NULL}},
        {"all", {"", NULL}},
    };
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", spec);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(spec, named[i].name) == 0)
            return conf_classes(named[i].cls, nodes, n, c, why, whylen);
    return conf_nodes(spec, nodes, n, c, why, whylen);
}
