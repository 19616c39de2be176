/* offload.h — the offload model of cxlscope-offload: ZeRO-Offload training
 * and FlexGen-style inference with host memory interleaved over a memory
 * configuration, in closed forms from measured per-node figures.
 *
 * Promises:
 * - Per node (struct of_node): class, CPU-side read bandwidth, the GPU's
 *   pinned h2d and d2h rates from it, the 64 B h2d copy latency and the
 *   capacity, each with have/assumed/scaled flags and where it came from.
 * - A configuration (struct of_conf) is a list of nodes with weights that
 *   sum to 1: the share of every buffer's bytes each node holds.
 * - Transfers over the GPU link serialize: of_link_s() = sum over nodes of
 *   bytes x weight / rate (one PCIe link: its pages are copied one after
 *   another, so interleaving never beats the fastest node's own rate).
 *   CPU-side traffic runs on every node's memory at once: of_cpu_s() = max
 *   over nodes of bytes x weight / read bandwidth.
 * - Capacity: an interleave fills every node in proportion to its weight,
 *   so the configuration holds min over nodes of capacity / weight bytes.
 * - of_train() and of_infer() are the closed forms written in offload.c's
 *   comments and in --help; they never read anything but their arguments.
 * - of_scale_parse() / of_scale_apply(): "KEY=FACTOR" what-if factors
 *   applied to exactly the values KEY names (a class's or a node's).
 */
#ifndef RP_OFFLOAD_H
#define RP_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#define OF_MAX_NODES 16

/* A node's values, in this order everywhere (assume keys, scale keys). */
enum of_val { OV_READ, OV_H2D, OV_D2H, OV_LAT, OV_CAP, OV_N };
extern const char *const of_val_names[OV_N]; /* read_gbps, h2d_gbps, ... */

struct of_value {
    double v;
    int have, assumed;
    double scale; /* 1 unless --scale named it */
    char src[300];
};

struct of_node {
    int id;
    char cls[16]; /* LDRAM, RDRAM, CPULESS, CXL */
    struct of_value val[OV_N];
};

struct of_conf {
    char name[64];
    size_t n;
    int node[OF_MAX_NODES]; /* indexes into the machine's nodes */
    double w[OF_MAX_NODES]; /* shares, sum 1 */
};

/* Per-configuration rates, resolved from the nodes (value x scale). */
struct of_rates {
    size_t n;
    double w[OF_MAX_NODES], read[OF_MAX_NODES], h2d[OF_MAX_NODES], d2h[OF_MAX_NODES],
        lat_ns[OF_MAX_NODES], cap[OF_MAX_NODES];
};

double of_link_s(const struct of_rates *r, double bytes, int d2h);
double of_cpu_s(const struct of_rates *r, double bytes);
double of_capacity(const struct of_rates *r);
/* The weighted 64 B copy latency (s) of one transfer. */
double of_latency_s(const struct of_rates *r);

/* A model's shape. */
struct of_shape {
    char name[64];
    double params;                   /* parameters */
    double bytes_per_param;          /* of the weights on the GPU and in transfers */
    unsigned layers, hidden, kv_dim; /* kv_dim: K (or V) width per layer */
    char note[300];
};

/* Measured seconds per byte of a workload on a configuration, or 0. */
struct of_train_in {
    double batch, seq, tflops;
    double adam_s_per_byte; /* 0: from the configuration's bandwidth */
};
struct of_train_out {
    double gpu_s, d2h_s, h2d_s, adam_s, step_s, samples_per_s;
    double grad_bytes, param_bytes, state_bytes, adam_traffic_bytes;
};
void of_train(const struct of_shape *m, const struct of_rates *r, const struct of_train_in *in,
              struct of_train_out *o);

struct of_infer_in {
    double batch; /* 0: the largest that fits */
    double prompt, gen, tflops, gpu_mem_bytes;
    double attn_s_per_byte; /* 0: from the configuration's bandwidth */
};
struct of_infer_out {
    double host_weight_bytes, per_seq_bytes, capacity_bytes, max_batch, batch;
    double prefill_s, decode_weights_s, decode_gpu_s, attention_s, decode_token_s, total_s,
        tokens_per_s;
    int fits; /* 0: batch (or one sequence) does not fit; see why */
    char why[200];
};
void of_infer(const struct of_shape *m, const struct of_rates *r, const struct of_infer_in *in,
              struct of_infer_out *o);

/* Per-sequence host bytes: KV cache over prompt + gen tokens and the
 * activations of the prompt (fp16). */
double of_seq_bytes(const struct of_shape *m, double prompt, double gen);

/* --scale: "KEY=FACTOR" with KEY CLASS_WHAT or nodeN_WHAT, WHAT one of
 * gbps (read, h2d and d2h), read_gbps, h2d_gbps, d2h_gbps, copy_latency_ns,
 * capacity (CLASS ldram, rdram, cpuless, cxl). */
struct of_scale {
    char cls[16];  /* "" when a node */
    int node;      /* -1 when a class */
    unsigned mask; /* 1 << enum of_val */
    double factor;
    char text[80];
};
int of_scale_parse(const char *s, struct of_scale *o, char *err, size_t errlen);
/* Multiplies the named values' scale; returns how many it touched. */
size_t of_scale_apply(const struct of_scale *s, struct of_node *nodes, size_t n);

/* The rates of a configuration (value x scale); -1 and why (naming the
 * node and value, and the --assume that would give it) when a value the
 * mask needs is neither measured nor assumed. */
int of_rates_of(const struct of_conf *c, const struct of_node *nodes, unsigned need,
                struct of_rates *r, char *err, size_t errlen);

/* Configurations: "ldram", "ldram+rdram", "ldram+cxl", "all", or nodes
 * "0,4" / "0:3,4:1". Classes missing from the machine: rc 1 and why (the
 * row is reported absent); nodes the machine lacks or a bad spec: -1. */
int of_conf_parse(const char *spec, const struct of_node *nodes, size_t n, struct of_conf *c,
                  char *why, size_t whylen);

#endif
