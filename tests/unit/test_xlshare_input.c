/* test_xlshare_input.c — what cxlscope-xlshare reads, checked before the
 * model runs: the ranges of measured values, calibration files (both
 * formats) whose values are out of range or not numbers, and model CSVs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "models.h"
#include "params.h"
#include "ranges.h"

static char path[64];

static void put(const char *text)
{
    strcpy(path, "/tmp/xsin-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void test_ranges(void **state)
{
    (void)state;
    char err[256];
    static const struct {
        enum rp_kind k;
        double v;
        int ok;
    } cases[] = {
        {RP_LATENCY_NS, 1.05, 1},  {RP_LATENCY_NS, 999999999, 1},
        {RP_LATENCY_NS, 1e9, 0},   {RP_LATENCY_NS, 0, 0},
        {RP_LATENCY_NS, -5, 0},    {RP_LATENCY_NS, 1e308, 0},
        {RP_GBPS, 0.37, 1},        {RP_GBPS, 99999.9, 1},
        {RP_GBPS, RP_MAX_GBPS, 0}, {RP_GBPS, 0, 0},
        {RP_GBPS, -1, 0},          {RP_COUNT, 0, 1},
        {RP_COUNT, 1073741824, 1}, {RP_COUNT, 1.5, 0},
        {RP_COUNT, -1, 0},         {RP_COUNT, 1e300, 0},
        {RP_NODE, 0, 1},           {RP_NODE, 65535, 1},
        {RP_NODE, 65536, 0},       {RP_NODE, -1, 0},
        {RP_NODE_OR_NONE, -1, 1},  {RP_NODE_OR_NONE, -2, 0},
        {RP_DEVICE, 3, 1},         {RP_DEVICE, 0.5, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = rp_check(cases[i].k, cases[i].v, "x", err, sizeof err);
        if (rc != (cases[i].ok ? 0 : -1))
            fail_msg("case %zu: %g of kind %d: %s", i, cases[i].v, (int)cases[i].k,
                     rc ? err : "accepted");
    }
    assert_int_equal(rp_check(RP_LATENCY_NS, -5, "-5", err, sizeof err), -1);
    assert_string_equal(err, "-5 is not a latency (must be > 0 and < 1e9 ns)");
    assert_int_equal(rp_check(RP_GBPS, 1e308, "1e308", err, sizeof err), -1);
    assert_string_equal(err, "1e308 is not a bandwidth (must be > 0 and < 100000 GB/s)");
}

/* xs_params_load() of TEXT: 0 and p filled, or -1 with err. */
static int load_params(const char *text, struct xs_params *p, char *err, size_t len)
{
    put(text);
    int rc = xs_params_load(path, p, err, len);
    unlink(path);
    return rc;
}

static void expect_params_error(const char *text, const char *why)
{
    struct xs_params p;
    char err[1024] = "";
    if (load_params(text, &p, err, sizeof err) != -1)
        fail_msg("loaded: %s", text);
    if (!strstr(err, why))
        fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

/* A cxlscope calibration: pool node 1, CPU node 0, the values the model
 * reads, with VALUE spliced in where %s is. */
#define CAL_HEAD "{\"schema\": \"cxlscope-calibration/1\", \"pool_node\": 1, \"cpu_node\": 0, "
static void test_cxlscope_values(void **state)
{
    (void)state;
    static const char ok[] =
        CAL_HEAD "\"run\": {\"id\": \"r1\"}, \"gpu_device\": {\"d2d_gbps\": {\"value\": 1500}},"
                 "\"nodes\": {\"1\": {\"gpu\": {\"h2d_pinned_gbps\": {\"value\": 50},"
                 "\"d2h_pinned_gbps\": {\"value\": 45},"
                 "\"copy_latency_64b_ns\": {\"h2d\": {\"median\": 2500}}},"
                 "\"bandwidth\": {\"read\": {\"peak_gbps\": 60}},"
                 "\"loaded_latency\": {\"points\": [{\"total_gbps\": 0.4, \"latency_ns\": 300},"
                 "{\"total_gbps\": 40, \"latency_ns\": 700}]}}}}";
    struct xs_params p;
    char err[1024] = "";
    if (load_params(ok, &p, err, sizeof err))
        fail_msg("%s", err);
    assert_true(p.val[XK_H2D].have && p.val[XK_H2D].v == 50);
    assert_true(p.val[XK_HBM].have && p.val[XK_HBM].v == 3000);
    assert_true(p.val[XK_LAT].have && p.val[XK_LAT].v == 2500);
    assert_int_equal(p.ncurve, 2);
    assert_true(p.curve_extra_ns[1] == 400);

    /* each value out of its range, or not a number: named by its path */
    static const struct {
        const char *from, *to, *why;
    } bad[] = {
        {"{\"value\": 50}", "{\"value\": -5}",
         "nodes.1.gpu.h2d_pinned_gbps.value: -5 is not a bandwidth (must be > 0 and < 100000 "
         "GB/s)"},
        {"{\"value\": 50}", "{\"value\": 0}", "nodes.1.gpu.h2d_pinned_gbps.value: 0 is not"},
        {"{\"value\": 45}", "{\"value\": 1e308}",
         "nodes.1.gpu.d2h_pinned_gbps.value: 1e+308 is not a bandwidth"},
        {"\"median\": 2500", "\"median\": 1e9",
         "nodes.1.gpu.copy_latency_64b_ns.h2d.median: 1e+09 is not a latency (must be > 0 and "
         "< 1e9 ns)"},
        {"{\"value\": 1500}", "{\"value\": \"fast\"}", "gpu_device.d2d_gbps.value: not a number"},
        {"\"peak_gbps\": 60", "\"peak_gbps\": -60", "nodes.1.bandwidth.read.peak_gbps: -60"},
        {"\"latency_ns\": 700", "\"latency_ns\": 0",
         "nodes.1.loaded_latency.points[1].latency_ns: 0 is not a latency"},
        {"\"total_gbps\": 40", "\"total_gbps\": 4e5",
         "nodes.1.loaded_latency.points[1].total_gbps: 400000 is not a bandwidth"},
        {"\"total_gbps\": 0.4", "\"total_gbps\": null",
         "nodes.1.loaded_latency.points[0].total_gbps: not a number"},
        {"\"pool_node\": 1", "\"pool_node\": -1", "pool_node: -1 is not a node"},
        {"\"cpu_node\": 0", "\"cpu_node\": 0.5", "cpu_node: 0.5 is not a node"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[sizeof ok + 64];
        const char *at = strstr(ok, bad[i].from);
        assert_non_null(at);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - ok), ok, bad[i].to,
                 at + strlen(bad[i].from));
        expect_params_error(text, bad[i].why);
    }
    /* absent and null values are missing, not errors (xs_params_need names them) */
    if (load_params(CAL_HEAD "\"nodes\": {\"1\": {\"gpu\": {\"h2d_pinned_gbps\": null}}}}", &p, err,
                    sizeof err))
        fail_msg("%s", err);
    assert_false(p.val[XK_H2D].have);
    assert_false(p.curve_have);
}

static void test_xlshare_values(void **state)
{
    (void)state;
    static const char ok[] =
        "{\"calibration\": {\"local_hbm_bandwidth_gbps\": null, "
        "\"host_to_device_gbps\": 16, \"pcie_like_latency_ns\": null}, "
        "\"cxllatency_profile\": {\"cxl_near_ns\": 300, \"cxl_bandwidth\": 64, "
        "\"local_bandwidth\": null}}";
    struct xs_params p;
    char err[1024] = "";
    if (load_params(ok, &p, err, sizeof err))
        fail_msg("%s", err);
    assert_true(p.val[XK_H2D].have && p.val[XK_H2D].v == 64);
    assert_true(p.val[XK_LAT].have && p.val[XK_LAT].v == 300);
    assert_false(p.val[XK_HBM].have);
    static const struct {
        const char *from, *to, *why;
    } bad[] = {
        {"\"cxl_near_ns\": 300", "\"cxl_near_ns\": -300",
         "cxllatency_profile.cxl_near_ns: -300 is not a latency"},
        {"\"cxl_bandwidth\": 64", "\"cxl_bandwidth\": 0",
         "cxllatency_profile.cxl_bandwidth: 0 is not a bandwidth"},
        {"\"host_to_device_gbps\": 16", "\"host_to_device_gbps\": \"16\"",
         "calibration.host_to_device_gbps: not a number"},
        {"\"local_bandwidth\": null", "\"local_bandwidth\": 1e300",
         "cxllatency_profile.local_bandwidth: 1e+300 is not a bandwidth"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[sizeof ok + 64];
        const char *at = strstr(ok, bad[i].from);
        assert_non_null(at);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - ok), ok, bad[i].to,
                 at + strlen(bad[i].from));
        expect_params_error(text, bad[i].why);
    }
}

/* --assume: positive numbers within the same ranges */
static void test_assume_ranges(void **state)
{
    (void)state;
    struct xs_params p;
    char err[1024] = "";
    if (load_params(CAL_HEAD "\"nodes\": {}}", &p, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(xs_params_assume(&p, "h2d_gbps=64,gpu_copy_latency_ns=300", err, sizeof err),
                     0);
    assert_int_equal(xs_params_assume(&p, "hbm_gbps=1e6", err, sizeof err), -1);
    assert_non_null(strstr(err, "--assume hbm_gbps=1e6: 1e6 is not a bandwidth"));
    assert_int_equal(xs_params_assume(&p, "ldram_copy_latency_ns=2e9", err, sizeof err), -1);
    assert_non_null(strstr(err, "2e9 is not a latency"));
    assert_int_equal(xs_params_assume(&p, "d2h_gbps=-1", err, sizeof err), -1);
    assert_non_null(strstr(err, "d2h_gbps=-1 is not a positive number"));
}

/* xs_model_load() of a CSV model TEXT. */
static int load_model(const char *text, struct xs_model *m, char *err, size_t len)
{
    put(text);
    char csv[80];
    snprintf(csv, sizeof csv, "%s.csv", path);
    assert_int_equal(rename(path, csv), 0);
    int rc = xs_model_load(csv, m, err, len);
    unlink(csv);
    return rc;
}

static void expect_model_error(const char *text, const char *why)
{
    struct xs_model m;
    char err[1024] = "";
    if (load_model(text, &m, err, sizeof err) != -1) {
        xs_model_free(&m);
        fail_msg("loaded: %s", text);
    }
    if (!strstr(err, why))
        fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

/* Every field parsed strictly: bytes digits only (no sign, blank, exponent,
 * hexadecimal), within 64 bits; single_use 0 or 1; numbers in range. */
static void test_model_fields(void **state)
{
    (void)state;
    struct xs_model m;
    char err[1024] = "";
    static const char ok[] = "name,bytes,flops,bytes_per_param,single_use\n"
                             "emb,1000,0,2,0\nmlp,4000,,1,1\nhead,18446744073709546615,,2,\n";
    if (load_model(ok, &m, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(m.n, 3);
    assert_int_equal(m.bytes, UINT64_MAX);
    assert_int_equal(m.layers[2].bytes, 18446744073709546615ULL);
    assert_true(m.layers[1].flops_per_token == 8000); /* 2 x 4000 / 1 */
    assert_int_equal(m.layers[0].single_use, 0);
    assert_int_equal(m.layers[1].single_use, 1);
    assert_int_equal(m.layers[2].single_use, 0); /* empty: the default */
    xs_model_free(&m);

    static const char *const bad_bytes[] = {
        "\" -5\"", "\" 5\"", "\"5 \"", "+5",  "-5",
        "0",       "1e3",    "0x10",   "5.0", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad_bytes / sizeof bad_bytes[0]; i++) {
        char text[256], want[128];
        snprintf(text, sizeof text, "name,bytes\na,%s\n", bad_bytes[i]);
        const char *shown = bad_bytes[i][0] == '"' ? bad_bytes[i] + 1 : bad_bytes[i];
        snprintf(want, sizeof want, "line 2: bytes '%.*s' is not a positive integer",
                 (int)strcspn(shown, "\""), shown);
        expect_model_error(text, want);
    }
    static const char *const bad_bool[] = {"2", "yes", "true", "\" 1\"", "-1", "01"};
    for (size_t i = 0; i < sizeof bad_bool / sizeof bad_bool[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "name,bytes,single_use\na,100,0\nb,100,%s\n", bad_bool[i]);
        expect_model_error(text, "line 3: single_use '");
        expect_model_error(text, "' is not 0 or 1");
    }
    expect_model_error("name,bytes,flops\na,100,\" 5\"\n", "column flops: ' 5' is not a number");
    expect_model_error("name,bytes,flops\na,100,-1\n", "line 2: flops -1 is not >= 0");
    expect_model_error("name,bytes,bytes_per_param\na,100,0\n",
                       "line 2: bytes_per_param 0 is not in [0.125, 64]");
    expect_model_error("name,bytes,bytes_per_param\na,100,1e-300\n",
                       "bytes_per_param 1e-300 is not in [0.125, 64]");
    expect_model_error("name,bytes,bytes_per_param\na,100,65\n", "bytes_per_param 65 is not");
}

/* Sizes that do not fit 64 bits are an error naming what overflowed. */
static void test_model_overflow(void **state)
{
    (void)state;
    expect_model_error("name,bytes\na,18446744073709551615\nb,18446744073709551615\n",
                       "line 3: the model's bytes (the sum of its layers') overflow 64 bits");
    expect_model_error("name,bytes\na,9223372036854775808\nb,9223372036854775807\nc,1\n",
                       "line 4: the model's bytes");
}

/* Repeated layer names are found by sorting in a model of any size; the
 * first repeat in file order is named. */
static void test_model_duplicates(void **state)
{
    (void)state;
    enum { N = 250000 };
    size_t cap = (size_t)N * 16 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "name,bytes\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "l%d,100\n", i);
    struct xs_model m;
    char err[1024] = "";
    if (load_model(text, &m, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(m.n, N);
    assert_int_equal(m.bytes, 100ULL * N);
    assert_int_equal(xs_model_find(&m, "l249999"), N - 1);
    xs_model_free(&m);
    /* l200000 repeats (line N + 2) before l7 does, though it sorts first */
    snprintf(text + len, cap - len, "l200000,1\nl7,1\n");
    expect_model_error(text, "line 250002: layer 'l200000' named twice");
    snprintf(text + len, cap - len, "l7,1\nl200000,1\n");
    expect_model_error(text, "line 250002: layer 'l7' named twice");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges),           cmocka_unit_test(test_cxlscope_values),
        cmocka_unit_test(test_xlshare_values),   cmocka_unit_test(test_assume_ranges),
        cmocka_unit_test(test_model_fields),     cmocka_unit_test(test_model_overflow),
        cmocka_unit_test(test_model_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
