/* test_cli.c — size, sweep, number and ID-list parsing; name tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "memory.h"
#include "output.h"
#include "stream.h"
#include "topology.h"

static uint64_t size_ok(const char *s)
{
    uint64_t v = 0;
    char err[128];
    assert_int_equal(cxs_parse_size(s, &v, err, sizeof err), 0);
    return v;
}

static void size_bad(const char *s, const char *needle)
{
    uint64_t v;
    char err[128] = "";
    assert_int_equal(cxs_parse_size(s, &v, err, sizeof err), -1);
    assert_non_null(strstr(err, needle));
    assert_null(strchr(err, '\n'));
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(size_ok("4096"), 4096);
    assert_int_equal(size_ok("4K"), 4096);
    assert_int_equal(size_ok("4k"), 4096);
    assert_int_equal(size_ok("4KiB"), 4096);
    assert_int_equal(size_ok("4KB"), 4096);
    assert_int_equal(size_ok("2M"), 2u << 20);
    assert_int_equal(size_ok("1G"), 1u << 30);
    assert_true(size_ok("3T") == (UINT64_C(3) << 40));
    size_bad("0", "greater than 0");
    size_bad("0K", "greater than 0");
    size_bad("1Q", "suffixes");
    size_bad("", "empty");
    size_bad("-4K", "bad size");
    size_bad("K", "bad size");
    size_bad("4KX", "suffixes");
    size_bad("99999999999999999999", "too large");
    size_bad("17000000000000T", "too large");
}

static void test_sweep(void **state)
{
    (void)state;
    uint64_t v[64];
    size_t n;
    char err[128];
    assert_int_equal(cxs_parse_sweep("4K:64K", v, 64, &n, err, sizeof err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(v[0], 4096);
    assert_int_equal(v[4], 65536);
    assert_int_equal(cxs_parse_sweep("1K:1M:4", v, 64, &n, err, sizeof err), 0);
    assert_int_equal(n, 6);
    assert_int_equal(v[5], 1u << 20);
    assert_int_equal(cxs_parse_sweep("4K:4K", v, 64, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(cxs_parse_sweep("4K:10K", v, 64, &n, err, sizeof err), 0);
    assert_int_equal(n, 2); /* 4K, 8K: stops at the last size <= HI */
    assert_int_equal(cxs_parse_sweep("4G:4K", v, 64, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "must not exceed"));
    assert_int_equal(cxs_parse_sweep("4K", v, 64, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_sweep("4K:1G:1", v, 64, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_sweep("4K:1Q", v, 64, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_sweep("1:1T", v, 8, &n, err, sizeof err), -1);
}

static void test_numbers(void **state)
{
    (void)state;
    uint64_t v;
    double d;
    char err[128];
    assert_int_equal(cxs_parse_u64("17", 1, 100, &v, err, sizeof err), 0);
    assert_int_equal(v, 17);
    assert_int_equal(cxs_parse_u64("0", 1, 100, &v, err, sizeof err), -1);
    assert_int_equal(cxs_parse_u64("17x", 1, 100, &v, err, sizeof err), -1);
    assert_int_equal(cxs_parse_u64("-3", 0, 100, &v, err, sizeof err), -1);
    assert_int_equal(cxs_parse_pos_double("0.5", &d, err, sizeof err), 0);
    assert_true(d == 0.5);
    assert_int_equal(cxs_parse_pos_double("0", &d, err, sizeof err), -1);
    assert_int_equal(cxs_parse_pos_double("nan", &d, err, sizeof err), -1);
    assert_int_equal(cxs_parse_pos_double("1s", &d, err, sizeof err), -1);
}

static void test_idlist(void **state)
{
    (void)state;
    int ids[16];
    size_t n;
    char err[128];
    assert_int_equal(cxs_parse_idlist("0-3,8,2\n", ids, 16, &n, err, sizeof err), 0);
    assert_int_equal(n, 5);
    int want[] = {0, 1, 2, 3, 8};
    assert_memory_equal(ids, want, sizeof want);
    assert_int_equal(cxs_parse_idlist("", ids, 16, &n, err, sizeof err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(cxs_parse_idlist("3-1", ids, 16, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_idlist("1,,2", ids, 16, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_idlist("a", ids, 16, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_idlist("0-", ids, 16, &n, err, sizeof err), -1);
    assert_int_equal(cxs_parse_idlist("0-100", ids, 16, &n, err, sizeof err), -1);
}

static void test_format_and_split(void **state)
{
    (void)state;
    char buf[32];
    cxs_format_size(4096, buf, sizeof buf);
    assert_string_equal(buf, "4K");
    cxs_format_size(3u << 30, buf, sizeof buf);
    assert_string_equal(buf, "3G");
    cxs_format_size(3000, buf, sizeof buf);
    assert_string_equal(buf, "3000");
    cxs_format_amount(25077596160ULL, buf, sizeof buf); /* 23.355 GiB */
    assert_string_equal(buf, "23.4 GiB");
    cxs_format_amount(512, buf, sizeof buf);
    assert_string_equal(buf, "512 B");
    cxs_format_amount(1536, buf, sizeof buf);
    assert_string_equal(buf, "1.5 KiB");
    cxs_format_amount(0, buf, sizeof buf);
    assert_string_equal(buf, "0 B");
    char s[] = "random,seq,,stride:64";
    char *items[8];
    assert_int_equal(cxs_split_commas(s, items, 8), 4);
    assert_string_equal(items[0], "random");
    assert_string_equal(items[2], "");
    assert_string_equal(items[3], "stride:64");
    /* a list longer than items: the count says so, nothing past max stored */
    char t[] = "a,b,c,d,e";
    char *two[3] = {NULL, NULL, NULL};
    assert_int_equal(cxs_split_commas(t, two, 2), 5);
    assert_string_equal(two[1], "b");
    assert_null(two[2]);
}

/* cxs_each_item: every item of a long list, in order (no cut-off at 32). */
static int count_item(const char *item, void *ctx)
{
    int *n = ctx;
    char want[16];
    snprintf(want, sizeof want, "%d", *n);
    assert_string_equal(item, want);
    (*n)++;
    return 0;
}

static void test_each_item_long(void **state)
{
    (void)state;
    char list[2000] = "";
    size_t len = 0;
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", i ? "," : "", i);
    int n = 0;
    cxs_each_item(list, "test", count_item, &n);
    assert_int_equal(n, 300);
}

/* cxs_names_arg: a three-entry table; items in the order given, repeats
 * dropped (within one list and across calls), so out never overflows. */
static const char *const colours[] = {"red", "green", "blue"};
static int colour_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, colours[i]) == 0)
            return i;
    return -1;
}
static const char *colour_name(int i)
{
    return i >= 0 && i < 3 ? colours[i] : NULL;
}

static void test_names_arg(void **state)
{
    (void)state;
    int out[3] = {-1, -1, -1};
    size_t n = 0;
    cxs_names_arg("blue,red,blue,blue", "colour", colour_parse, colour_name, out, &n);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 0);
    cxs_names_arg("red,green,green,blue,red,green,blue", "colour", colour_parse, colour_name, out,
                  &n);
    assert_int_equal(n, 3);
    assert_int_equal(out[2], 1);
}

/* ---- name tables ------------------------------------------------------ */

static void test_name_lookup(void **state)
{
    (void)state;
    static const char *const names[] = {"seq", NULL, "random-line", "Seq"};
    assert_int_equal(cxs_name_lookup(names, 4, "seq"), 0);
    assert_int_equal(cxs_name_lookup(names, 4, "SEQ"), 0); /* first match, any case */
    assert_int_equal(cxs_name_lookup(names, 4, "RANDOM-line"), 2);
    assert_int_equal(cxs_name_lookup_exact(names, 4, "Seq"), 3);
    assert_int_equal(cxs_name_lookup_exact(names, 4, "SEQ"), -1);
    assert_int_equal(cxs_name_lookup(names, 4, ""), -1); /* the gap never matches */
    assert_int_equal(cxs_name_lookup(names, 4, NULL), -1);
    assert_int_equal(cxs_name_lookup(names, 2, "random-line"), -1); /* only the first n */
    assert_int_equal(cxs_name_lookup(names, 0, "seq"), -1);
    assert_int_equal(cxs_name_lookup(names, 4, "seq "), -1);

    static const struct {
        int v;
        const char *name;
    } tab[] = {{7, "one"}, {8, "two"}, {9, NULL}};
    assert_int_equal(CXS_NAME_LOOKUP_IN(tab, 3, name, 1, "two"), 1);
    assert_int_equal(CXS_NAME_LOOKUP_IN(tab, 3, name, 1, "TWO"), -1);
    assert_int_equal(CXS_NAME_LOOKUP_IN(tab, 3, name, 0, "TWO"), 1);
    assert_int_equal(CXS_NAME_LOOKUP_IN(tab, 3, name, 0, "three"), -1);
    assert_int_equal(CXS_NAME_LOOKUP_IN(tab, 3, name, 0, NULL), -1);
}

/* The parsers built on it keep their case rule: policies exact; page sizes,
 * classes, kinds, ISAs and formats any case. */
static void test_parsers_case(void **state)
{
    (void)state;
    assert_int_equal(cxs_policy_parse("weighted"), CXS_POL_WEIGHTED);
    assert_int_equal(cxs_policy_parse("preferred-many"), CXS_POL_PREFERRED_MANY);
    assert_int_equal(cxs_policy_parse("Bind"), -1);
    assert_int_equal(cxs_page_parse("2M"), CXS_PAGE_2M);
    assert_int_equal(cxs_class_parse("cxl"), CXS_CXL);
    assert_int_equal(cxs_class_parse("CPULESS"), CXS_CPULESS);
    assert_int_equal(cxs_class_parse(NULL), -1);
    assert_int_equal(cxs_class_parse("UNKNOWN"), -1);
    assert_int_equal(cxs_stream_kind_parse("Write-NT"), CXS_K_WRITE_NT);
    assert_int_equal(cxs_stream_kind_parse("rw3:1"), -1);
    assert_int_equal(cxs_isa_parse("AVX512"), CXS_ISA_AVX512);
    assert_int_equal(cxs_isa_parse("avx"), -1);
    assert_int_equal(cxs_format_parse("Csv"), CXS_FMT_CSV);
    assert_int_equal(cxs_format_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_idlist),
        cmocka_unit_test(test_format_and_split),
        cmocka_unit_test(test_names_arg),
        cmocka_unit_test(test_each_item_long),
        cmocka_unit_test(test_name_lookup),
        cmocka_unit_test(test_parsers_case),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
