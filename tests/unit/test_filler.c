/* test_filler.c — filler.c without locking memory: cxs_fill_step() (pure:
 * nothing when free <= want, rounding down to 4 KiB, the chunk cap rounded
 * down, less than 4 KiB left, values near 2^64), cxs_node_free_bytes() on
 * fake sysfs trees (the kernel's "Node N MemFree: ... kB" line, -1 when the
 * file is absent, a directory, too long or malformed: no MemFree, no
 * number, no kB, a negative number, bytes past INT64_MAX), and
 * cxs_filler_fill() only where it takes nothing (a fake node with less free
 * than wanted: 0, no bytes held) or fails before taking anything (the
 * node's meminfo unreadable: 1, named).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "faketree.h"
#include "filler.h"
#include "testutil.h"

#define KiB 1024ULL
#define MiB (1024ULL * 1024)
#define MEMINFO0 NODE "node0/meminfo"

/* ---- cxs_fill_step ------------------------------------------------------ */

static void test_step_nothing_to_take(void **state)
{
    (void)state;
    assert_int_equal(cxs_fill_step(0, 0, CXS_FILL_CHUNK), 0);
    assert_int_equal(cxs_fill_step(100 * MiB, 100 * MiB, CXS_FILL_CHUNK), 0); /* free == want */
    assert_int_equal(cxs_fill_step(100 * MiB, 200 * MiB, CXS_FILL_CHUNK), 0); /* free < want */
    assert_int_equal(cxs_fill_step(0, UINT64_MAX, CXS_FILL_CHUNK), 0);
}

static void test_step_rounds_down(void **state)
{
    (void)state;
    /* free - want, a multiple of 4 KiB: taken as is */
    assert_int_equal(cxs_fill_step(100 * MiB, 64 * MiB, CXS_FILL_CHUNK), 36 * MiB);
    assert_int_equal(cxs_fill_step(8 * KiB, 4 * KiB, CXS_FILL_CHUNK), 4 * KiB);
    /* not a multiple: rounded down, so what is left is at least want */
    assert_int_equal(cxs_fill_step(100 * MiB + 4095, 64 * MiB, CXS_FILL_CHUNK), 36 * MiB);
    assert_int_equal(cxs_fill_step(100 * MiB, 64 * MiB - 1, CXS_FILL_CHUNK), 36 * MiB);
    assert_int_equal(cxs_fill_step(100 * MiB, 64 * MiB + 1, CXS_FILL_CHUNK), 36 * MiB - 4 * KiB);
    assert_int_equal(cxs_fill_step(12345 * KiB + 777, 1000 * KiB + 3, CXS_FILL_CHUNK),
                     ((12345 * KiB + 777) - (1000 * KiB + 3)) & ~4095ULL);
    for (uint64_t extra = 0; extra < 3 * 4096; extra += 511) {
        uint64_t got = cxs_fill_step(50 * MiB + extra, 10 * MiB, CXS_FILL_CHUNK);
        assert_int_equal(got % 4096, 0);
        assert_true(got <= 40 * MiB + extra && 40 * MiB + extra - got < 4096);
    }
}

static void test_step_capped(void **state)
{
    (void)state;
    assert_int_equal(cxs_fill_step(10ULL << 30, 16 * MiB, CXS_FILL_CHUNK), CXS_FILL_CHUNK);
    assert_int_equal(cxs_fill_step(100 * MiB, 0, 8 * MiB), 8 * MiB);
    /* the cap itself rounded down to 4 KiB */
    assert_int_equal(cxs_fill_step(100 * MiB, 0, 8 * MiB + 4095), 8 * MiB);
    assert_int_equal(cxs_fill_step(100 * MiB, 0, 4096 + 1), 4096);
    /* a cap under 4 KiB takes nothing */
    assert_int_equal(cxs_fill_step(100 * MiB, 0, 4095), 0);
    assert_int_equal(cxs_fill_step(100 * MiB, 0, 0), 0);
    /* the cap only matters when there is more to take than it */
    assert_int_equal(cxs_fill_step(20 * MiB, 16 * MiB, 8 * MiB), 4 * MiB);
    assert_int_equal(cxs_fill_step(24 * MiB, 16 * MiB, 8 * MiB), 8 * MiB);
}

static void test_step_under_a_page_left(void **state)
{
    (void)state;
    assert_int_equal(cxs_fill_step(64 * MiB + 1, 64 * MiB, CXS_FILL_CHUNK), 0);
    assert_int_equal(cxs_fill_step(64 * MiB + 4095, 64 * MiB, CXS_FILL_CHUNK), 0);
    assert_int_equal(cxs_fill_step(64 * MiB + 4096, 64 * MiB, CXS_FILL_CHUNK), 4096);
    assert_int_equal(cxs_fill_step(4095, 0, CXS_FILL_CHUNK), 0);
}

static void test_step_huge_values(void **state)
{
    (void)state;
    const uint64_t page_mask = ~4095ULL;
    assert_int_equal(cxs_fill_step(UINT64_MAX, 0, UINT64_MAX), UINT64_MAX & page_mask);
    assert_int_equal(cxs_fill_step(UINT64_MAX, 0, CXS_FILL_CHUNK), CXS_FILL_CHUNK);
    assert_int_equal(cxs_fill_step(UINT64_MAX, UINT64_MAX, UINT64_MAX), 0);
    assert_int_equal(cxs_fill_step(UINT64_MAX, UINT64_MAX - 1, UINT64_MAX), 0);
    assert_int_equal(cxs_fill_step(UINT64_MAX, UINT64_MAX - 4096, UINT64_MAX), 4096);
    assert_int_equal(cxs_fill_step(UINT64_MAX, 1, UINT64_MAX), (UINT64_MAX - 1) & page_mask);
    assert_int_equal(cxs_fill_step(UINT64_MAX - 1, UINT64_MAX, UINT64_MAX), 0);
    assert_int_equal(cxs_fill_step(1ULL << 63, 1ULL << 62, UINT64_MAX), 1ULL << 62);
}

/* ---- cxs_node_free_bytes on fake trees ---------------------------------- */

static int setup(void **state)
{
    return setup_bare(state);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    /* teardown_tree() frees the topology: none was loaded here */
    memset(&f->topo, 0, sizeof f->topo);
    return teardown_tree(state);
}

static void test_free_kernel_format(void **state)
{
    struct fixture *f = *state;
    put(f, MEMINFO0, "Node 0 MemFree:   123456 kB\n");
    assert_int_equal(cxs_node_free_bytes(0), 123456LL * 1024);
    /* the whole file as the kernel writes it (faketree's node()) */
    node(f, 0, "0-1", 4194304, 3000000, "10");
    node(f, 2, "", 8388608, 7654321, "20 10");
    assert_int_equal(cxs_node_free_bytes(0), 3000000LL * 1024);
    assert_int_equal(cxs_node_free_bytes(2), 7654321LL * 1024);
    /* read fresh each time: a new value is seen */
    put(f, MEMINFO0, "Node 0 MemTotal: 4194304 kB\nNode 0 MemFree: 1 kB\nNode 0 MemUsed: 9 kB\n");
    assert_int_equal(cxs_node_free_bytes(0), 1024);
    put(f, MEMINFO0, "Node 0 MemFree: 0 kB\n");
    assert_int_equal(cxs_node_free_bytes(0), 0);
    /* a large node: 4 TiB free */
    put(f, MEMINFO0, "Node 0 MemFree: 4294967296 kB\n");
    assert_int_equal(cxs_node_free_bytes(0), 4294967296LL * 1024);
    /* the largest byte count an int64_t holds, in kB */
    put(f, MEMINFO0, "Node 0 MemFree: %llu kB\n", (unsigned long long)(INT64_MAX / 1024));
    assert_int_equal(cxs_node_free_bytes(0), INT64_MAX / 1024 * 1024);
    /* without a trailing newline */
    put(f, MEMINFO0, "Node 0 MemFree: 42 kB");
    assert_int_equal(cxs_node_free_bytes(0), 42 * 1024);
}

static void test_free_unreadable(void **state)
{
    struct fixture *f = *state;
    /* no such node */
    assert_int_equal(cxs_node_free_bytes(0), -1);
    assert_int_equal(cxs_node_free_bytes(7), -1);
    /* the node without its meminfo */
    dir(f, NODE "node0");
    assert_int_equal(cxs_node_free_bytes(0), -1);
    /* meminfo a directory */
    dir(f, MEMINFO0);
    assert_int_equal(cxs_node_free_bytes(0), -1);
    /* meminfo too long for the buffer: refused, not read in part */
    char *big = malloc(20000);
    assert_non_null(big);
    memset(big, ' ', 19999);
    big[19999] = '\0';
    memcpy(big, "Node 1 MemFree: 5 kB\n", 21);
    put(f, NODE "node1/meminfo", "%s", big);
    free(big);
    assert_int_equal(cxs_node_free_bytes(1), -1);
}

static void test_free_malformed(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {
        "",
        "\n",
        "Node 0 MemTotal: 4194304 kB\nNode 0 MemUsed: 100 kB\n", /* no MemFree */
        "Node 0 MemFree:\n",
        "Node 0 MemFree: kB\n",
        "Node 0 MemFree: lots kB\n",
        "Node 0 MemFree: 123456\n",    /* no unit */
        "Node 0 MemFree: 123456 MB\n", /* another unit */
        "Node 0 MemFree 123456 kB\n",  /* no colon */
        "Node 0 memfree: 123456 kB\n",
        "Node 0 MemFree: -5 kB\n",                   /* %llu would wrap it */
        "Node 0 MemFree: 99999999999999999999 kB\n", /* past 2^64 */
        "Node 0 MemFree: 9007199254740992 kB\n",     /* 2^53 kB: bytes past INT64_MAX */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put(f, MEMINFO0, "%s", bad[i]);
        int64_t got = cxs_node_free_bytes(0);
        if (got != -1)
            fail_msg("meminfo \"%s\": %lld, want -1", bad[i], (long long)got);
    }
}

/* ---- cxs_filler_fill where it takes nothing ------------------------------ */

static void test_fill_nothing_to_take(void **state)
{
    struct fixture *f = *state;
    struct cxs_filler *fl = calloc(1, sizeof *fl);
    char err[256] = "";
    assert_non_null(fl);
    /* the (fake) node has 1000 kB free, 16 MiB wanted: nothing is taken */
    put(f, MEMINFO0, "Node 0 MemTotal: 4194304 kB\nNode 0 MemFree: 1000 kB\n");
    assert_int_equal(cxs_filler_fill(0, 16 * MiB, fl, err, sizeof err), 0);
    assert_int_equal(fl->bytes, 0);
    assert_int_equal(fl->nchunks, 0);
    assert_int_equal(fl->node, 0);
    assert_int_equal(fl->free_before, 1000LL * 1024);
    assert_int_equal(fl->free_after, 1000LL * 1024);
    cxs_filler_free(fl);
    assert_int_equal(fl->bytes, 0);
    /* exactly as much free as wanted, and under 4 KiB more: nothing either */
    put(f, MEMINFO0, "Node 0 MemFree: 16384 kB\n");
    assert_int_equal(cxs_filler_fill(0, 16 * MiB, fl, err, sizeof err), 0);
    assert_int_equal(fl->bytes, 0);
    put(f, MEMINFO0, "Node 0 MemFree: 16387 kB\n");
    assert_int_equal(cxs_filler_fill(0, 16 * MiB, fl, err, sizeof err), 0);
    assert_int_equal(fl->bytes, 0);
    assert_int_equal(fl->free_after, 16387LL * 1024);
    free(fl);
}

static void test_fill_unreadable_node(void **state)
{
    struct fixture *f = *state;
    struct cxs_filler *fl = calloc(1, sizeof *fl);
    char err[256] = "";
    assert_non_null(fl);
    dir(f, NODE "node0");
    assert_int_equal(cxs_filler_fill(0, 16 * MiB, fl, err, sizeof err), CXS_EXIT_FAIL);
    assert_int_equal(fl->bytes, 0);
    assert_int_equal(fl->nchunks, 0);
    if (!strstr(err, "node 0's free memory") || !strstr(err, f->root))
        fail_msg("err: %s", err);
    put(f, MEMINFO0, "Node 0 MemFree: lots kB\n");
    err[0] = '\0';
    assert_int_equal(cxs_filler_fill(0, 16 * MiB, fl, err, sizeof err), CXS_EXIT_FAIL);
    assert_int_equal(fl->bytes, 0);
    assert_non_null(strstr(err, "node0/meminfo"));
    free(fl);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_nothing_to_take),
        cmocka_unit_test(test_step_rounds_down),
        cmocka_unit_test(test_step_capped),
        cmocka_unit_test(test_step_under_a_page_left),
        cmocka_unit_test(test_step_huge_values),
        T(test_free_kernel_format),
        T(test_free_unreadable),
        T(test_free_malformed),
        T(test_fill_nothing_to_take),
        T(test_fill_unreadable_node),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
