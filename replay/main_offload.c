/* cxlscope-offload — ZeRO-Offload training and FlexGen-style inference
 * replayed in closed forms (offload.h) over memory configurations of a
 * calibration (cxlscope-calibrate): per model x configuration x mode x
 * batch, the step time and its breakdown, or the largest batch and the
 * prefill, decode and tokens per second; what-if factors with --scale;
 * nothing assumed silently. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "offload.h"
#include "offload_cal.h"
#include "offload_models.h"
#include "opts.h"
#include "row.h"
#include "run.h"

static const char usage_head[] =
    "Usage: cxlscope-offload --calibration FILE --model LIST --tflops R [OPTIONS]\n"
    "\n"
    "Models offloading a model's memory to host memory interleaved over a memory\n"
    "configuration (--configs), from the calibration's measured figures, in closed\n"
    "forms (no simulation):\n"
    "training (ZeRO-Offload), per step: GPU forward + backward, 6 x params x batch x\n"
    "  seq FLOPs at --tflops; gradients d2h and parameters h2d, params x 2 bytes each;\n"
    "  Adam on the CPU over 16 bytes of state a parameter (reading 16, writing 12):\n"
    "  the measured adam workload's time per parameter (its seconds per byte x its 28\n"
    "  bytes a parameter) on the configuration's nodes, else those 28 bytes a\n"
    "  parameter at the configuration's read bandwidth (column adam_source). No overlap: step =\n"
    "  gpu + d2h + adam + h2d. The 16 bytes a parameter must fit the capacity.\n"
    "inference (FlexGen-style): host memory holds the weights that --gpu-mem does not\n"
    "  + batch x (KV cache over prompt + gen tokens + the prompt's activations, fp16);\n"
    "  the batch is the largest that fits (max) or the one asked for. Prefill = max(GPU\n"
    "  2 x params x batch x prompt FLOPs, host weights h2d + layers x the 64 B copy\n"
    "  latency) + the prompt's KV cache d2h. Decode per token = max(host weights h2d +\n"
    "  layers x latency, GPU 2 x params x batch FLOPs + attention on the CPU over the\n"
    "  KV cache at its mean length): the weights' transfer overlaps the compute; the\n"
    "  attention from the measured attention workload, else the read bandwidth\n"
    "  (column attention_source). tokens/s = batch x gen / (prefill + gen x token).\n"
    "Interleaved buffers: each node holds bytes x its weight. Transfers over the GPU\n"
    "link serialize (time = sum of bytes_node / rate_node: one link, never faster than\n"
    "its nodes' own rates); CPU-side traffic runs on all nodes at once (time = the max\n"
    "of bytes_node / read_node). Capacity = min over nodes of capacity / weight.\n"
    "\n";
static const char usage_tail[] =
    "\n"
    "Every row says what was measured, assumed (--assume) and scaled (--scale); a\n"
    "configuration whose class the calibration lacks is a row with status absent and\n"
    "the reason; a batch or model that does not fit, status no-fit. meta.json notes\n"
    "every value's source.\n"
    "\n"
    "Exit status: 0 done; 1 an output could not be written; 2 bad usage, an\n"
    "unreadable calibration, an unknown model or configuration, a bad --model-csv\n"
    "(the message names the file, line and column), a node not in the calibration,\n"
    "a value out of its range, or a value neither measured nor assumed (the message\n"
    "names it and the --assume that gives it).\n";

#define MAXL 16
enum { MODE_TRAIN = 1, MODE_INFER = 2 };
struct config {
    struct cxs_std_opts std;
    const char *calib, *models, *model_csv, *configs, *modes, *batches;
    double tflops;
    uint64_t seq, prompt, gen, gpu_mem;
    char assume[8][256], scale[8][256];
    size_t nassume, nscale;
};

static void append_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    int is_scale = strcmp(opt, "--scale") == 0;
    size_t *n = is_scale ? &c->nscale : &c->nassume;
    char(*dst)[256] = is_scale ? c->scale : c->assume;
    if (*n == 8)
        cxs_usage_die("%s: at most 8 times (lists are allowed)", opt);
    if (strlen(arg) >= sizeof dst[0])
        cxs_usage_die("%s: list too long", opt);
    snprintf(dst[(*n)++], sizeof dst[0], "%s", arg);
}

static const char *model_help(void)
{
    static char help[1024];
    size_t n = (size_t)snprintf(help, sizeof help, "%s", "comma list of:");
    for (size_t i = 0; i < of_nshapes() && n < sizeof help; i++)
        n += (size_t)snprintf(help + n, sizeof help - n, " %s", of_shape_name(i));
    if (n < sizeof help)
        snprintf(help + n, sizeof help - n, "%s", "; or the names of --model-csv's rows");
    return help;
}

static void usage_more(FILE *f);

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.configs = "ldram,ldram+rdram,ldram+cxl,all",
                         .modes = "training,inference",
                         .batches = "1,8,max",
                         .seq = 1024,
                         .prompt = 512,
                         .gen = 32,
                         .std = {.repeat = 1, .format = CXS_FMT_CSV}};
    const struct cxs_opt opts[] = {
        CXS_O_STR("calibration", &c->calib, "FILE", "cxlscope-calibrate's calibration.json"),
        CXS_O_STR("model", &c->models, "LIST", model_help()),
        CXS_O_STR("model-csv", &c->model_csv, "FILE",
                  "more models for --model, one a row: a CSV with the header "
                  "name,params,bytes_per_param,layers,hidden,kv_dim (any order, no other column); "
                  "name 1 to 63 characters, no comma, no preset's name, none twice; params > 0 "
                  "and < 1e15 (required: a CSV row has no xlshare layers to derive it from); "
                  "bytes_per_param in (0, 8]; layers 1..10000, hidden 1..1000000, kv_dim "
                  "0..1000000 (0: no KV cache), integers; only the rows --model names are "
                  "modelled, but every row is checked"),
        CXS_O_STR("configs", &c->configs, "LIST",
                  "memory configurations, comma list (default ldram,ldram+rdram,ldram+cxl,all): "
                  "ldram, ldram+rdram, ldram+cxl (the class's nodes interleaved, weighted by "
                  "their read bandwidth), all (every memory node), or nodes joined by + with "
                  "optional weights: 0+4, 0:3+4:1"),
        CXS_O_STR("mode", &c->modes, "LIST", "training, inference or both (default both)"),
        CXS_O_STR("batch", &c->batches, "LIST",
                  "batch sizes, comma list of integers or max (the largest that fits; inference "
                  "only) (default 1,8,max)"),
        CXS_O_DOUBLE("tflops", &c->tflops, "R", "the GPU's rate, TFLOP/s (required)"),
        CXS_O_U64("seq-len", &c->seq, 1, 1 << 20, "N", "training sequence length (default 1024)"),
        CXS_O_U64("prompt-len", &c->prompt, 1, 1 << 20, "N", "inference prompt (default 512)"),
        CXS_O_U64("gen-len", &c->gen, 1, 1 << 20, "N", "tokens generated (default 32)"),
        CXS_O_SIZE("gpu-mem", &c->gpu_mem, 0, "SIZE",
                   "inference: weights kept on the GPU (K/M/G = 1024^n; default none)"),
        CXS_O_CUSTOM("assume", append_arg, c, "KEY=V[,...]",
                     "values the calibration lacks: read_gbps, h2d_gbps, d2h_gbps, "
                     "copy_latency_ns, capacity_bytes; KEY=V fills every node that lacks it, "
                     "KEY@NODE=V one node; a measured value is kept"),
        CXS_O_CUSTOM("scale", append_arg, c, "KEY=F[,...]",
                     "what-if hardware, on top of the measurements: CLASS_WHAT or nodeN_WHAT = "
                     "factor > 0; CLASS ldram, rdram, cpuless, cxl; WHAT gbps (read, h2d and "
                     "d2h), read_gbps, h2d_gbps, d2h_gbps, copy_latency_ns, capacity (e.g. "
                     "cxl_gbps=2, ldram_capacity=0.5); every row marks it"),
        CXS_O_STD(CXS_OPT_OUTPUT, "write DIR/offload.csv and meta.json"),
        CXS_O_STD(CXS_OPT_FORMAT, ""),
        CXS_O_STD(CXS_OPT_QUIET, ""),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (!c->calib)
        cxs_usage_die("--calibration FILE is required (see --help)");
    if (!c->models)
        cxs_usage_die("--model LIST is required (see --help)");
    if (!(c->tflops > 0))
        cxs_usage_die("--tflops R is required (the GPU's rate, TFLOP/s)");
}

static const struct cxs_col cols[] = {
    {"model", NULL},
    {"mode", "training or inference"},
    {"config", "the configuration as given"},
    {"nodes", "node:share of every buffer's bytes"},
    {"status", "ok, absent (the configuration's class is missing) or no-fit"},
    {"reason", "why not ok"},
    {"batch_asked", "the --batch item: a number or max"},
    {"batch", "the batch modelled (max: the largest that fits)"},
    {"max_batch", "inference: the largest batch the capacity holds"},
    {"seq_len", NULL},
    {"prompt_len", NULL},
    {"gen_len", NULL},
    {"tflops", NULL},
    {"gpu_mem_bytes", "inference: weights kept on the GPU"},
    {"capacity_bytes", "the configuration's: min over nodes of capacity / share"},
    {"host_bytes", "host memory used: training 16 B a parameter; inference weights + batch"},
    {"gpu_s", "training: forward + backward on the GPU, per step"},
    {"d2h_s", "training: gradients to the host"},
    {"h2d_s", "training: parameters to the GPU"},
    {"adam_s", "training: the optimizer step on the CPU"},
    {"step_s", "training: gpu + d2h + adam + h2d"},
    {"samples_per_s", NULL},
    {"prefill_s", NULL},
    {"decode_weights_s", "inference: host weights h2d + latency, per token"},
    {"decode_gpu_s", "inference: GPU work per token"},
    {"attention_s", "inference: attention on the CPU per token"},
    {"decode_token_s", "max(decode_weights, decode_gpu + attention)"},
    {"total_s", "prefill + gen x decode_token"},
    {"tokens_per_s", NULL},
    {"adam_source", "measured (the adam workload) or bandwidth"},
    {"attention_source", "measured (the attention workload) or bandwidth"},
    {"measured", "the values used that were measured, VALUE@NODE"},
    {"assumed", "the values used that were assumed, VALUE@NODE=V"},
    {"scaled", "--scale factors that touched the configuration's nodes, or none"},
    {"run_id", "the calibration's run"},
};

/* offload_breakdown.csv: the ok rows' parts, one row each (for the report's
 * stacked figure): training gpu, d2h, adam, h2d per step; inference
 * prefill and decode (gen x decode_token). */
static const struct cxs_col part_cols[] = {
    {"model", NULL},       {"mode", NULL},  {"config", NULL},
    {"batch_asked", NULL}, {"batch", NULL}, {"part", "gpu, d2h, adam, h2d; prefill, decode"},
    {"seconds", NULL},
};

static void usage_more(FILE *f)
{
    cxs_cols_list(f, "offload.csv", cols, CXS_NCOLS(cols));
    cxs_cols_list(f, "offload_breakdown.csv", part_cols, CXS_NCOLS(part_cols));
    const struct cxs_col *lists[] = {cols};
    size_t n[] = {CXS_NCOLS(cols)};
    cxs_cols_describe(f, lists, n, 1);
}

/* What every row shares. */
struct run {
    const struct config *c;
    struct of_cal cal;
    struct of_scale sc[64];
    size_t nsc;
    struct cxs_row *row, *prow;
    struct cxs_out *parts; /* NULL without --output */
    int modes;
    char batches[MAXL][16];
    size_t nbatch;
};

/* Comma list into items (at most max), none empty; else a usage error. */
static size_t list_of(const char *opt, const char *s, char *buf, size_t len, char **items,
                      size_t max)
{
    if (strlen(s) >= len)
        cxs_usage_die("%s: list too long", opt);
    strcpy(buf, s);
    size_t n = cxs_split_commas(buf, items, max);
    if (n > max)
        cxs_usage_die("%s: at most %zu values", opt, max);
    for (size_t i = 0; i < n; i++)
        if (!*items[i])
            cxs_usage_die("%s: an empty item in '%s'", opt, s);
    return n;
}

/* --mode, --batch, --scale: checked before anything is read. */
static void parse_lists(struct run *u)
{
    const struct config *c = u->c;
    char buf[512], *items[MAXL + 1], err[300];
    size_t n = list_of("--mode", c->modes, buf, sizeof buf, items, 2);
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], "training") == 0)
            u->modes |= MODE_TRAIN;
        else if (strcmp(items[i], "inference") == 0)
            u->modes |= MODE_INFER;
        else
            cxs_usage_die("unknown mode '%s' (modes: training, inference)", items[i]);
    u->nbatch = list_of("--batch", c->batches, buf, sizeof buf, items, MAXL);
    for (size_t i = 0; i < u->nbatch; i++) {
        uint64_t b;
        if (strcmp(items[i], "max") && cxs_parse_u64(items[i], 1, 1 << 24, &b, err, sizeof err))
            cxs_usage_die("--batch: '%s' is not max nor a batch size (%s)", items[i], err);
        snprintf(u->batches[i], sizeof u->batches[i], "%s", items[i]);
    }
    for (size_t k = 0; k < c->nscale; k++) {
        char sb[256], *si[16];
        size_t m = list_of("--scale", c->scale[k], sb, sizeof sb, si, 16);
        for (size_t i = 0; i < m; i++) {
            if (u->nsc == sizeof u->sc / sizeof u->sc[0])
                cxs_usage_die("--scale: at most 64 factors");
            if (of_scale_parse(si[i], &u->sc[u->nsc++], err, sizeof err))
                cxs_usage_die("%s", err);
        }
    }
}

/* The calibration, the assumptions and the factors (each must name a node
 * the calibration has). */
static void load_cal(struct run *u)
{
    char err[1024];
    if (of_cal_load(u->c->calib, &u->cal, err, sizeof err))
        cxs_usage_die("--calibration: %s", err);
    for (size_t i = 0; i < u->c->nassume; i++)
        if (of_cal_assume(&u->cal, u->c->assume[i], err, sizeof err))
            cxs_usage_die("%s", err);
    for (size_t i = 0; i < u->nsc; i++)
        if (!of_scale_apply(&u->sc[i], u->cal.nodes, u->cal.n) && u->sc[i].node >= 0)
            cxs_usage_die("--scale %s: node %d is not a memory node of the calibration",
                          u->sc[i].text, u->sc[i].node);
}

/* The measured / assumed / scaled columns of a configuration. */
static void provenance(const struct run *u, const struct of_conf *cf, unsigned used,
                       struct cxs_row *r)
{
    char meas[1024] = "", ass[1024] = "", sc[512] = "";
    size_t lm = 0, la = 0, ls = 0;
    for (int k = 0; k < OV_N; k++)
        for (size_t i = 0; i < cf->n && (used & 1u << k); i++) {
            const struct of_node *nd = &u->cal.nodes[cf->node[i]];
            const struct of_value *v = &nd->val[k];
            if (v->assumed && la < sizeof ass)
                la += (size_t)snprintf(ass + la, sizeof ass - la, "%s%s@%d=%g", la ? ";" : "",
                                       of_val_names[k], nd->id, v->v);
            else if (v->have && lm < sizeof meas)
                lm += (size_t)snprintf(meas + lm, sizeof meas - lm, "%s%s@%d", lm ? ";" : "",
                                       of_val_names[k], nd->id);
        }
    for (size_t s = 0; s < u->nsc; s++) {
        struct of_node probe[OF_MAX_NODES];
        size_t n = 0;
        for (size_t i = 0; i < cf->n; i++)
            probe[n++] = u->cal.nodes[cf->node[i]];
        if (of_scale_apply(&u->sc[s], probe, n) && ls < sizeof sc)
            ls += (size_t)snprintf(sc + ls, sizeof sc - ls, "%s%s", ls ? ";" : "", u->sc[s].text);
    }
    cxs_row_str(r, "measured", lm ? meas : "none");
    cxs_row_str(r, "assumed", la ? ass : "none");
    cxs_row_str(r, "scaled", ls ? sc : "none");
}

/* The columns every row has. */
static void common_cols(const struct run *u, const char *model, const char *mode, const char *conf,
                        const struct of_conf *cf, const char *batch)
{
    struct cxs_row *r = u->row;
    char nodes[512] = "";
    size_t l = 0;
    for (size_t i = 0; cf && i < cf->n && l < sizeof nodes; i++)
        l += (size_t)snprintf(nodes + l, sizeof nodes - l, "%s%d:%.3f", i ? " " : "",
                              u->cal.nodes[cf->node[i]].id, cf->w[i]);
    cxs_row_str(r, "model", model);
    cxs_row_str(r, "mode", mode);
    cxs_row_str(r, "config", conf);
    cxs_row_str(r, "nodes", nodes);
    cxs_row_str(r, "batch_asked", batch);
    cxs_row_u64(r, "seq_len", u->c->seq);
    cxs_row_u64(r, "prompt_len", u->c->prompt);
    cxs_row_u64(r, "gen_len", u->c->gen);
    cxs_row_fixed(r, "tflops", 3, u->c->tflops);
    cxs_row_u64(r, "gpu_mem_bytes", u->c->gpu_mem);
    cxs_row_str(r, "run_id", u->cal.run_id);
}

/* Columns a row leaves empty (the other mode's, or all figures). */
static void empties(struct cxs_row *r, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        cxs_row_empty(r, names[i]);
}
static const char *const train_cols[] = {"gpu_s",  "d2h_s",         "h2d_s",       "adam_s",
                                         "step_s", "samples_per_s", "adam_source", NULL};
static const char *const infer_cols[] = {
    "max_batch",      "prefill_s", "decode_weights_s", "decode_gpu_s",     "attention_s",
    "decode_token_s", "total_s",   "tokens_per_s",     "attention_source", NULL};

/* A row with no figures: status and why. */
static void not_ok_row(const struct run *u, const char *status, const char *why, int cap)
{
    cxs_row_str(u->row, "status", status);
    cxs_row_str(u->row, "reason", why);
    cxs_row_empty(u->row, "batch");
    empties(u->row, train_cols);
    empties(u->row, infer_cols);
    if (!cap) {
        cxs_row_empty(u->row, "capacity_bytes");
        cxs_row_empty(u->row, "host_bytes");
    }
    if (strcmp(status, "absent") == 0) {
        cxs_row_str(u->row, "measured", "none");
        cxs_row_str(u->row, "assumed", "none");
        cxs_row_str(u->row, "scaled", "none");
    }
    cxs_run_row(cxs_row_take(u->row));
}

/* The breakdown rows of one ok row. */
static void part_rows(const struct run *u, const char *model, const char *mode, const char *conf,
                      const char *asked, double batch, const char *const *names, const double *v,
                      size_t n)
{
    for (size_t i = 0; i < n && u->parts; i++) {
        cxs_row_str(u->prow, "model", model);
        cxs_row_str(u->prow, "mode", mode);
        cxs_row_str(u->prow, "config", conf);
        cxs_row_str(u->prow, "batch_asked", asked);
        cxs_row_fixed(u->prow, "batch", 0, batch);
        cxs_row_str(u->prow, "part", names[i]);
        cxs_row_fixed(u->prow, "seconds", 6, v[i]);
        if (cxs_out_row(u->parts, cxs_row_take(u->prow)))
            cxs_run_finish(CXS_EXIT_FAIL); /* closing it says why, in one line */
    }
}

static void train_row(const struct run *u, const struct of_shape *m, const struct of_conf *cf,
                      const struct of_rates *r, double batch)
{
    char src[400] = "", err[600];
    struct of_train_in in = {.batch = batch, .seq = (double)u->c->seq, .tflops = u->c->tflops};
    in.adam_s_per_byte = of_cal_workload(&u->cal, "adam", cf, src, sizeof src);
    struct of_train_out o;
    of_train(m, r, &in, &o);
    unsigned used =
        1u << OV_H2D | 1u << OV_D2H | 1u << OV_CAP | (in.adam_s_per_byte > 0 ? 0 : 1u << OV_READ);
    cxs_row_fixed(u->row, "capacity_bytes", 0, of_capacity(r));
    cxs_row_fixed(u->row, "host_bytes", 0, o.state_bytes);
    cxs_row_empty(u->row, "max_batch");
    cxs_row_fixed(u->row, "batch", 0, batch);
    provenance(u, cf, used, u->row);
    if (o.state_bytes > of_capacity(r)) {
        snprintf(err, sizeof err,
                 "the optimizer states (16 B a parameter: %.0f bytes) exceed the capacity",
                 o.state_bytes);
        empties(u->row, train_cols);
        empties(u->row, infer_cols + 1);
        cxs_row_str(u->row, "status", "no-fit");
        cxs_row_str(u->row, "reason", err);
        cxs_run_row(cxs_row_take(u->row));
        return;
    }
    const double v[] = {o.gpu_s, o.d2h_s, o.h2d_s, o.adam_s, o.step_s, o.samples_per_s};
    for (size_t i = 0; i < 6; i++)
        cxs_row_fixed(u->row, train_cols[i], 6, v[i]);
    cxs_row_str(u->row, "adam_source", in.adam_s_per_byte > 0 ? "measured" : "bandwidth");
    empties(u->row, infer_cols + 1);
    cxs_row_str(u->row, "status", "ok");
    cxs_row_str(u->row, "reason", in.adam_s_per_byte > 0 ? src : "");
    cxs_run_row(cxs_row_take(u->row));
    static const char *const pn[] = {"gpu", "d2h", "adam", "h2d"};
    const double pv[] = {o.gpu_s, o.d2h_s, o.adam_s, o.h2d_s};
    char asked[32];
    snprintf(asked, sizeof asked, "%.0f", batch);
    part_rows(u, m->name, "training", cf->name, asked, batch, pn, pv, 4);
}

static void infer_row(const struct run *u, const struct of_shape *m, const struct of_conf *cf,
                      const struct of_rates *r, double batch)
{
    char src[400] = "";
    struct of_infer_in in = {.batch = batch,
                             .prompt = (double)u->c->prompt,
                             .gen = (double)u->c->gen,
                             .tflops = u->c->tflops,
                             .gpu_mem_bytes = (double)u->c->gpu_mem};
    in.attn_s_per_byte = of_cal_workload(&u->cal, "attention", cf, src, sizeof src);
    struct of_infer_out o;
    of_infer(m, r, &in, &o);
    unsigned used = 1u << OV_H2D | 1u << OV_D2H | 1u << OV_LAT | 1u << OV_CAP |
                    (in.attn_s_per_byte > 0 ? 0 : 1u << OV_READ);
    cxs_row_fixed(u->row, "capacity_bytes", 0, o.capacity_bytes);
    cxs_row_fixed(u->row, "host_bytes", 0,
                  o.host_weight_bytes + (o.fits ? o.batch : 0) * o.per_seq_bytes);
    provenance(u, cf, used, u->row);
    empties(u->row, train_cols);
    cxs_row_fixed(u->row, "max_batch", 0, o.max_batch);
    if (o.fits)
        cxs_row_fixed(u->row, "batch", 0, o.batch);
    else
        cxs_row_empty(u->row, "batch");
    if (!o.fits) {
        empties(u->row, infer_cols + 1);
        cxs_row_str(u->row, "status", "no-fit");
        cxs_row_str(u->row, "reason", o.why);
        cxs_run_row(cxs_row_take(u->row));
        return;
    }
    const double v[] = {o.prefill_s,      o.decode_weights_s, o.decode_gpu_s, o.attention_s,
                        o.decode_token_s, o.total_s,          o.tokens_per_s};
    for (size_t i = 0; i < 7; i++)
        cxs_row_fixed(u->row, infer_cols[i + 1], 6, v[i]);
    cxs_row_str(u->row, "attention_source", in.attn_s_per_byte > 0 ? "measured" : "bandwidth");
    cxs_row_str(u->row, "status", "ok");
    cxs_row_str(u->row, "reason", in.attn_s_per_byte > 0 ? src : "");
    cxs_run_row(cxs_row_take(u->row));
    static const char *const pn[] = {"prefill", "decode"};
    const double pv[] = {o.prefill_s, in.gen * o.decode_token_s};
    char asked[32];
    snprintf(asked, sizeof asked, "%.0f", batch);
    part_rows(u, m->name, "inference", cf->name, batch > 0 ? asked : "max", o.batch, pn, pv, 2);
}

/* A configuration's nodes and rates for a mode: 1 (and why) when its
 * class is missing (rows absent), else 0; a value the mode needs that is
 * neither measured nor assumed, or an unknown configuration: exit 2 (the
 * first call, before any output, is main's check). */
static int conf_rates(const struct run *u, const char *spec, int mode, struct of_conf *cf,
                      struct of_rates *r, char *why, size_t whylen)
{
    int rc = of_conf_parse(spec, u->cal.nodes, u->cal.n, cf, why, whylen);
    if (rc < 0)
        cxs_usage_die("%s", why);
    if (rc)
        return 1;
    const char *wl = mode == MODE_TRAIN ? "adam" : "attention";
    char src[400];
    unsigned need = 1u << OV_H2D | 1u << OV_D2H | 1u << OV_CAP |
                    (mode == MODE_INFER ? 1u << OV_LAT : 0) |
                    (of_cal_workload(&u->cal, wl, cf, src, sizeof src) > 0 ? 0 : 1u << OV_READ);
    if (of_rates_of(cf, u->cal.nodes, need, r, why, whylen))
        cxs_usage_die("%s%s", why,
                      need & 1u << OV_READ ? "" : " (or a measured workload on these nodes)");
    return 0;
}

/* One model x configuration: every mode x batch. */
static void run_conf(const struct run *u, const struct of_shape *m, const char *spec)
{
    struct of_conf cf;
    struct of_rates r;
    char why[600];
    for (int mode = MODE_TRAIN; mode <= MODE_INFER; mode++) {
        if (!(u->modes & mode))
            continue;
        int absent = conf_rates(u, spec, mode, &cf, &r, why, sizeof why);
        for (size_t b = 0; b < u->nbatch; b++) {
            int max = strcmp(u->batches[b], "max") == 0;
            if (mode == MODE_TRAIN && max)
                continue; /* training takes a number */
            common_cols(u, m->name, mode == MODE_TRAIN ? "training" : "inference", spec,
                        absent ? NULL : &cf, u->batches[b]);
            double batch = max ? 0 : strtod(u->batches[b], NULL);
            if (absent)
                not_ok_row(u, "absent", why, 0);
            else if (mode == MODE_TRAIN)
                train_row(u, m, &cf, &r, batch);
            else
                infer_row(u, m, &cf, &r, batch);
        }
    }
}

/* meta.json: the calibration, the models, every node value's source. */
static void add_notes(const struct run *u, const struct of_shape *shapes, size_t nm)
{
    static char head[1600], vals[12000], models[2400];
    snprintf(head, sizeof head,
             "calibration %s (run %s, host %s); assumptions not used (measured): %s; GPU link "
             "transfers serialize over the nodes, CPU traffic runs on all at once",
             u->c->calib, u->cal.run_id, u->cal.host, *u->cal.unused ? u->cal.unused : "none");
    cxs_run_note(head);
    size_t l = 0;
    for (size_t i = 0; i < u->cal.n; i++)
        for (int k = 0; k < OV_N && l < sizeof vals; k++) {
            const struct of_value *v = &u->cal.nodes[i].val[k];
            l += (size_t)snprintf(vals + l, sizeof vals - l, "%snode %d (%s) %s=", l ? "; " : "",
                                  u->cal.nodes[i].id, u->cal.nodes[i].cls, of_val_names[k]);
            if (l < sizeof vals && v->have)
                l += (size_t)snprintf(vals + l, sizeof vals - l, "%g x %g: %s", v->v, v->scale,
                                      v->src);
            else if (l < sizeof vals)
                l += (size_t)snprintf(vals + l, sizeof vals - l, "missing: %s", v->src);
        }
    cxs_run_note(vals);
    l = 0;
    for (size_t i = 0; i < nm && l < sizeof models; i++)
        l += (size_t)snprintf(models + l, sizeof models - l, "%s%s: %.4g parameters; %s",
                              i ? "; " : "", shapes[i].name, shapes[i].params, shapes[i].note);
    cxs_run_note(models);
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-offload";
    static struct run u;
    struct config c;
    parse_args(argc, argv, &c);
    u.c = &c;
    parse_lists(&u);
    char mbuf[512], *mitems[MAXL + 1], cbuf[1024], *citems[MAXL + 1], err[1024];
    size_t nm = list_of("--model", c.models, mbuf, sizeof mbuf, mitems, MAXL);
    size_t nc = list_of("--configs", c.configs, cbuf, sizeof cbuf, citems, MAXL);
    static struct of_shape shapes[MAXL];
    struct of_shape *csv = NULL;
    size_t ncsv = 0;
    if (c.model_csv && of_shapes_csv(c.model_csv, &csv, &ncsv, err, sizeof err))
        cxs_usage_die("--model-csv: %s", err);
    for (size_t i = 0; i < nm; i++)
        if (of_shape_find(mitems[i], csv, ncsv, &shapes[i], err, sizeof err))
            cxs_usage_die("--model: %s", err);
    free(csv);
    load_cal(&u);
    /* every configuration checked before any row: an unknown one is exit 2 */
    for (size_t i = 0; i < nc; i++)
        for (int mode = MODE_TRAIN; mode <= MODE_INFER; mode++) {
            struct of_conf cf;
            struct of_rates r;
            if (u.modes & mode)
                conf_rates(&u, citems[i], mode, &cf, &r, err, sizeof err);
        }
    cxs_run_load();
    add_notes(&u, shapes, nm);
    u.row = cxs_row_new("offload.csv", cols, CXS_NCOLS(cols));
    u.prow = cxs_row_new("offload_breakdown.csv", part_cols, CXS_NCOLS(part_cols));
    cxs_run_open(c.std.outdir, "offload", "offload.csv", cxs_row_names(u.row), cxs_row_ncols(u.row),
                 c.std.quiet, c.std.format, argc, argv);
    u.parts =
        cxs_run_extra_open("offload_breakdown.csv", cxs_row_names(u.prow), cxs_row_ncols(u.prow));
    for (size_t i = 0; i < nm; i++)
        for (size_t k = 0; k < nc; k++)
            run_conf(&u, &shapes[i], citems[k]);
    cxs_row_free(u.row);
    cxs_row_free(u.prow);
    of_cal_free(&u.cal);
    cxs_run_end();
}
