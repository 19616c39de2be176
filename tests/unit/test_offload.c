/* test_offload.c — the offload model's closed forms (offload.h): one node,
 * known rates, the hand-computed step time and tokens/s; capacity ->
 * batch exactly; interleaved bytes split by weight (the link serialized,
 * CPU traffic concurrent); configurations by class and by node; --scale
 * changes only what it names; a --model-csv row equal to a preset gives
 * the preset's results, and every bad cell is named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "offload.h"
#include "offload_models.h"

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fabs(b) + 1e-15;
}
#define close_to(a, b) assert_true(near((double)(a), (double)(b)))

/* One node: read 20 GB/s, h2d 10, d2h 5, 1000 ns, capacity cap. */
static struct of_rates one(double cap)
{
    struct of_rates r = {
        .n = 1, .w = {1}, .read = {20}, .h2d = {10}, .d2h = {5}, .lat_ns = {1000}, .cap = {cap}};
    return r;
}
static const struct of_shape shape = {
    .name = "t", .params = 1e9, .bytes_per_param = 2, .layers = 8, .hidden = 1024, .kv_dim = 1024};

static void train_one_node(void **state)
{
    (void)state;
    struct of_rates r = one(1e12);
    struct of_train_in in = {.batch = 4, .seq = 1000, .tflops = 100};
    struct of_train_out o;
    of_train(&shape, &r, &in, &o);
    close_to(o.gpu_s, 0.24);  /* 6 x 1e9 x 4 x 1000 / 1e14 */
    close_to(o.d2h_s, 0.4);   /* 2e9 B / 5 GB/s */
    close_to(o.h2d_s, 0.2);   /* 2e9 B / 10 GB/s */
    close_to(o.adam_s, 1.4);  /* 28e9 B / 20 GB/s */
    close_to(o.step_s, 2.24); /* no overlap */
    close_to(o.samples_per_s, 4 / 2.24);
    in.adam_s_per_byte = 1e-10; /* measured: x the workload's 28 bytes a parameter */
    of_train(&shape, &r, &in, &o);
    close_to(o.adam_s, 2.8); /* 1e-10 s/B x 28 B x 1e9 parameters */
    close_to(o.step_s, 0.24 + 0.4 + 2.8 + 0.2);
}

/* per sequence: KV 2 x 8 x 1024 x (96 + 32) x 2 = 4194304, activations
 * 2 x 96 x 1024 x 2 = 393216: 4587520 bytes. */
static void infer_one_node(void **state)
{
    (void)state;
    close_to(of_seq_bytes(&shape, 96, 32), 4587520);
    struct of_rates r = one(2e9 + 10 * 4587520.0 + 100);
    struct of_infer_in in = {.prompt = 96, .gen = 32, .tflops = 100};
    struct of_infer_out o;
    of_infer(&shape, &r, &in, &o);
    assert_int_equal(o.fits, 1);
    close_to(o.max_batch, 10);
    close_to(o.batch, 10);
    close_to(o.host_weight_bytes, 2e9);
    /* prefill: max(2e9 x 10 x 96 / 1e14, 2e9 / 10e9 + 8 x 1 us) + KV d2h */
    close_to(o.prefill_s, 0.200008 + 10 * 2 * 8 * 1024 * 96 * 2 / 5e9);
    close_to(o.decode_weights_s, 0.200008);
    close_to(o.decode_gpu_s, 2e-4);
    close_to(o.attention_s, 10 * 2 * 8 * 1024 * 112 * 2 / 20e9); /* mean context 96 + 16 */
    close_to(o.decode_token_s, 0.200008);                        /* weights-bound */
    double total = o.prefill_s + 32 * 0.200008;
    close_to(o.total_s, total);
    close_to(o.tokens_per_s, 320 / total);
    /* measured attention time per byte replaces the bandwidth */
    in.attn_s_per_byte = 1e-8;
    of_infer(&shape, &r, &in, &o);
    close_to(o.attention_s, 10 * 2 * 8 * 1024 * 112 * 2 * 1e-8);
    close_to(o.decode_token_s, 2e-4 + o.attention_s); /* now attention-bound */
}

static void capacity_to_batch(void **state)
{
    (void)state;
    struct of_infer_in in = {.prompt = 96, .gen = 32, .tflops = 100};
    struct of_infer_out o;
    double prev = -1;
    for (int k = 0; k <= 40; k++) { /* more capacity never lowers the batch */
        struct of_rates r = one(2e9 + k * 4587520.0);
        of_infer(&shape, &r, &in, &o);
        assert_true(o.max_batch >= prev);
        assert_true(o.max_batch == (double)k); /* exactly: k sequences */
        assert_int_equal(o.fits, k >= 1);
        prev = o.max_batch;
    }
    /* what stays on the GPU leaves room for one more sequence per 4587520 B */
    struct of_rates r = one(2e9);
    in.gpu_mem_bytes = 4587520.0 * 3;
    of_infer(&shape, &r, &in, &o);
    close_to(o.max_batch, 3);
    in.batch = 4; /* asked for more than fits */
    of_infer(&shape, &r, &in, &o);
    assert_int_equal(o.fits, 0);
    assert_non_null(strstr(o.why, "batch 4 does not fit"));
}

static void interleave_split(void **state)
{
    (void)state;
    struct of_rates r = {.n = 2,
                         .w = {0.75, 0.25},
                         .read = {30, 10},
                         .h2d = {10, 5},
                         .d2h = {10, 5},
                         .lat_ns = {1000, 2000},
                         .cap = {30e9, 20e9}};
    close_to(of_link_s(&r, 1e9, 0), 0.75 / 10 + 0.25 / 5); /* serialized: the sum */
    close_to(of_cpu_s(&r, 1e9), 0.025);                    /* concurrent: the max */
    close_to(of_capacity(&r), 40e9);                       /* min(30/0.75, 20/0.25) */
    close_to(of_latency_s(&r), 1250e-9);
}

/* node 0 LDRAM read 30, node 4 CXL read 10 (both fully measured). */
static void two_nodes(struct of_node *n)
{
    memset(n, 0, 2 * sizeof *n);
    n[0].id = 0, n[1].id = 4;
    strcpy(n[0].cls, "LDRAM"), strcpy(n[1].cls, "CXL");
    const double v[2][OV_N] = {{30, 10, 10, 1000, 30e9}, {10, 5, 5, 2000, 20e9}};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < OV_N; k++)
            n[i].val[k] = (struct of_value){.v = v[i][k], .have = 1, .scale = 1};
}

static void configurations(void **state)
{
    (void)state;
    struct of_node n[2];
    struct of_conf c;
    char why[400];
    two_nodes(n);
    assert_int_equal(of_conf_parse("ldram", n, 2, &c, why, sizeof why), 0);
    assert_int_equal(c.n, 1);
    close_to(c.w[0], 1);
    assert_int_equal(of_conf_parse("ldram+cxl", n, 2, &c, why, sizeof why), 0);
    close_to(c.w[0], 0.75), close_to(c.w[1], 0.25); /* by read bandwidth */
    assert_int_equal(of_conf_parse("0:3,4:1", n, 2, &c, why, sizeof why), 0);
    close_to(c.w[0], 0.75), close_to(c.w[1], 0.25);
    assert_int_equal(of_conf_parse("0,4", n, 2, &c, why, sizeof why), 0);
    close_to(c.w[0], 0.5), close_to(c.w[1], 0.5);
    assert_int_equal(of_conf_parse("all", n, 2, &c, why, sizeof why), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(of_conf_parse("ldram+rdram", n, 2, &c, why, sizeof why), 1); /* absent */
    assert_non_null(strstr(why, "no RDRAM node"));
    assert_int_equal(of_conf_parse("0,7", n, 2, &c, why, sizeof why), -1);
    assert_non_null(strstr(why, "node 7 is not a memory node"));
    assert_int_equal(of_conf_parse("ldram+dram", n, 2, &c, why, sizeof why), -1);
    assert_int_equal(of_conf_parse("0:-1,4", n, 2, &c, why, sizeof why), -1);
    /* a value neither measured nor assumed stops the rates, naming it */
    struct of_rates r;
    n[1].val[OV_H2D].have = 0;
    strcpy(n[1].val[OV_H2D].src, "no row");
    assert_int_equal(of_conf_parse("all", n, 2, &c, why, sizeof why), 0);
    assert_int_equal(of_rates_of(&c, n, 1u << OV_H2D, &r, why, sizeof why), -1);
    assert_non_null(strstr(why, "--assume h2d_gbps@4=VALUE"));
    assert_int_equal(of_rates_of(&c, n, 1u << OV_D2H, &r, why, sizeof why), 0);
}

static void scale_names_only(void **state)
{
    (void)state;
    struct of_node n[2], before[2];
    struct of_scale s;
    char err[300];
    two_nodes(n);
    memcpy(before, n, sizeof n);
    assert_int_equal(of_scale_parse("cxl_gbps=2", &s, err, sizeof err), 0);
    assert_int_equal(of_scale_apply(&s, n, 2), 1);
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < OV_N; k++) {
            int named = i == 1 && (k == OV_READ || k == OV_H2D || k == OV_D2H);
            close_to(n[i].val[k].scale, named ? 2 : 1);
            close_to(n[i].val[k].v, before[i].val[k].v); /* the measurement is kept */
        }
    assert_int_equal(of_scale_parse("ldram_capacity=0.5", &s, err, sizeof err), 0);
    of_scale_apply(&s, n, 2);
    close_to(n[0].val[OV_CAP].scale, 0.5);
    close_to(n[1].val[OV_CAP].scale, 1);
    close_to(n[0].val[OV_READ].scale, 1);
    assert_int_equal(of_scale_parse("node4_h2d_gbps=3", &s, err, sizeof err), 0);
    of_scale_apply(&s, n, 2);
    close_to(n[1].val[OV_H2D].scale, 6), close_to(n[1].val[OV_D2H].scale, 2);
    /* a scaled bandwidth moves a class configuration's weights */
    struct of_conf c;
    assert_int_equal(of_conf_parse("ldram+cxl", n, 2, &c, err, sizeof err), 0);
    close_to(c.w[0], 0.6), close_to(c.w[1], 0.4);
    const char *bad[] = {"cxl_gbps=-1", "cxl_gbps=0",  "cxl_gbps=x",  "cxl_gbps",
                         "dram_gbps=2", "cxl_speed=2", "node_gbps=2", "nodex_gbps=2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(of_scale_parse(bad[i], &s, err, sizeof err), -1);
}

static char csv_path[64];

/* text into a fresh temporary file (csv_path); the caller unlinks it. */
static void put_csv(const char *text)
{
    strcpy(csv_path, "/tmp/offload-models-XXXXXX");
    int fd = mkstemp(csv_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

#define CSV_HEAD "name,params,bytes_per_param,layers,hidden,kv_dim\n"

/* Every preset written as a CSV row (its params to 17 digits, the derived
 * ones included) loads back to the same shape, and the closed forms give
 * bit-identical results for it. */
static void csv_equals_preset(void **state)
{
    (void)state;
    static char text[8192];
    size_t l = (size_t)snprintf(text, sizeof text, "%s", CSV_HEAD);
    struct of_shape p[32];
    size_t np = of_nshapes();
    char err[600];
    assert_true(np <= 32);
    for (size_t i = 0; i < np; i++) {
        assert_int_equal(of_shape_load(of_shape_name(i), &p[i], err, sizeof err), 0);
        l += (size_t)snprintf(text + l, sizeof text - l, "csv-%s,%.17g,%.17g,%u,%u,%u\n", p[i].name,
                              p[i].params, p[i].bytes_per_param, p[i].layers, p[i].hidden,
                              p[i].kv_dim);
    }
    put_csv(text);
    struct of_shape *v;
    size_t n;
    int rc = of_shapes_csv(csv_path, &v, &n, err, sizeof err);
    unlink(csv_path);
    assert_int_equal(rc, 0);
    assert_int_equal(n, np);
    struct of_rates r = one(1e12);
    for (size_t i = 0; i < np; i++) {
        char name[80];
        snprintf(name, sizeof name, "csv-%.63s", p[i].name);
        struct of_shape m;
        assert_int_equal(of_shape_find(name, v, n, &m, err, sizeof err), 0);
        assert_string_equal(m.name, name);
        assert_non_null(strstr(m.note, "line "));
        assert_true(m.params == p[i].params && m.bytes_per_param == p[i].bytes_per_param);
        assert_true(m.layers == p[i].layers && m.hidden == p[i].hidden && m.kv_dim == p[i].kv_dim);
        struct of_train_in ti = {.batch = 8, .seq = 1024, .tflops = 100};
        struct of_train_out a, b;
        of_train(&m, &r, &ti, &a);
        of_train(&p[i], &r, &ti, &b);
        assert_memory_equal(&a, &b, sizeof a);
        struct of_infer_in ii = {.prompt = 512, .gen = 32, .tflops = 100};
        struct of_infer_out c, d;
        memset(&c, 0, sizeof c), memset(&d, 0, sizeof d);
        of_infer(&m, &r, &ii, &c);
        of_infer(&p[i], &r, &ii, &d);
        assert_memory_equal(&c, &d, sizeof c);
    }
    /* a preset is still found next to the CSV's; an unknown name lists both */
    struct of_shape m;
    assert_int_equal(of_shape_find("bert-340m", v, n, &m, err, sizeof err), 0);
    assert_true(m.params == 340e6);
    assert_int_equal(of_shape_find("gpt-5", v, n, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown model 'gpt-5' (models: xlshare-8m"));
    assert_non_null(strstr(err, "--model-csv: csv-xlshare-8m"));
    free(v);
}

/* Each bad input: -1, one line naming the file's line and the column. */
static void csv_rejections(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"name,params,bytes_per_param,layers,hidden\nx,1,2,3,4\n", "line 1: no column 'kv_dim'"},
        {CSV_HEAD "x,1e6,2,3,4,5\n,1,2,3,4,5\n", "line 3: column name: empty"},
        {CSV_HEAD "\"a,b\",1,2,3,4,5\n", "line 2: column name: 'a,b' has a comma"},
        {CSV_HEAD "gpt2-4b,1,2,3,4,5\n", "line 2: column name: 'gpt2-4b' is a preset's name"},
        {CSV_HEAD "x,1,2,3,4,5\ny,1,2,3,4,5\nx,1,2,3,4,5\n",
         "line 4: column name: 'x' is line 2's name too"},
        {CSV_HEAD "x,abc,2,3,4,5\n", "line 2: column params: 'abc' is not a number"},
        {CSV_HEAD "x,0,2,3,4,5\n", "line 2: column params: '0' is out of range"},
        {CSV_HEAD "x,1e15,2,3,4,5\n", "line 2: column params: '1e15' is out of range"},
        {CSV_HEAD "x,1,0,3,4,5\n", "line 2: column bytes_per_param: '0' is out of range"},
        {CSV_HEAD "x,1,8.5,3,4,5\n", "line 2: column bytes_per_param: '8.5' is out of range"},
        {CSV_HEAD "x,1,2,0,4,5\n", "line 2: column layers: '0' is out of range"},
        {CSV_HEAD "x,1,2,10001,4,5\n", "line 2: column layers: '10001' is out of range"},
        {CSV_HEAD "x,1,2,2.5,4,5\n", "line 2: column layers: '2.5' is out of range"},
        {CSV_HEAD "x,1,2,3,1000001,5\n", "line 2: column hidden: '1000001' is out of range"},
        {CSV_HEAD "x,1,2,3,4,-1\n", "line 2: column kv_dim: '-1' is out of range"},
        {CSV_HEAD "x,1,2,3,4,nan\n", "line 2: column kv_dim: 'nan' is not a number"},
        {"name,params,bytes_per_param,layers,hidden,kv_dim,kv\nx,1,2,3,4,5,6\n",
         "line 1: column 'kv' is not one of"},
        {CSV_HEAD, "line 2: no rows"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[600];
        struct of_shape *v = (struct of_shape *)&err; /* must be reset */
        size_t n = 7;
        put_csv(bad[i].text);
        int rc = of_shapes_csv(csv_path, &v, &n, err, sizeof err);
        unlink(csv_path);
        assert_int_equal(rc, -1);
        assert_null(v);
        assert_int_equal(n, 0);
        if (!strstr(err, bad[i].want) || strncmp(err, csv_path, strlen(csv_path)) ||
            strchr(err, '\n'))
            fail_msg("case %zu: '%s', want '%s'", i, err, bad[i].want);
    }
    /* the edges are in range; kv_dim 0 is no KV cache */
    put_csv(CSV_HEAD "lo,1,0.5,1,1,0\nhi,9.99e14,8,10000,1000000,1000000\n");
    struct of_shape *v;
    size_t n;
    char err[600];
    int rc = of_shapes_csv(csv_path, &v, &n, err, sizeof err);
    unlink(csv_path);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].kv_dim, 0);
    assert_int_equal(v[1].layers, 10000);
    free(v);
    char e2[600];
    assert_int_equal(of_shapes_csv("/nonexistent/m.csv", &v, &n, e2, sizeof e2), -1);
    assert_non_null(strstr(e2, "/nonexistent/m.csv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(train_one_node),    cmocka_unit_test(infer_one_node),
        cmocka_unit_test(capacity_to_batch), cmocka_unit_test(interleave_split),
        cmocka_unit_test(configurations),    cmocka_unit_test(scale_names_only),
        cmocka_unit_test(csv_equals_preset), cmocka_unit_test(csv_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
