/* test_threads.c — pinning and the start-together team. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>

#include <cmocka.h>

#include "testutil.h"
#include "threads.h"

struct shared {
    atomic_int arrived;
    int saw_all[8];
    int cpu[8];
};

static int member(int i, void *arg)
{
    struct shared *s = arg;
    /* Released only once every member is pinned and ready: all have been
     * created, so each sees the others arrive without waiting on them. */
    atomic_fetch_add(&s->arrived, 1);
    while (atomic_load(&s->arrived) < 4)
        sched_yield();
    s->saw_all[i] = 1;
    s->cpu[i] = sched_getcpu();
    return 0;
}

static int failing(int i, void *arg)
{
    (void)arg;
    return i == 1 ? 7 : 0;
}

static void test_team_runs_all_pinned(void **state)
{
    (void)state;
    cpu_set_t allowed;
    assert_int_equal(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    int first = -1;
    for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
        if (CPU_ISSET(c, &allowed))
            first = c;
    int cpus[4] = {first, first, first, first};
    struct shared s = {0};
    assert_int_equal(cxs_team_run(4, cpus, member, &s), 0);
    for (int i = 0; i < 4; i++) {
        assert_true(s.saw_all[i]);
        assert_int_equal(s.cpu[i], first);
    }
}

static void test_team_reports_failure(void **state)
{
    (void)state;
    int cpus[3] = {0, 0, 0};
    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &allowed)) {
            cpus[0] = cpus[1] = cpus[2] = c;
            break;
        }
    assert_int_equal(cxs_team_run(3, cpus, failing, NULL), 7);
}

static void test_pin_bad_cpu(void **state)
{
    (void)state;
    assert_int_equal(cxs_pin_self_cpu(CPU_SETSIZE - 1), -1);
    struct cxs_topo t = {.nnodes = 1};
    t.nodes[0].id = 0; /* no CPUs */
    assert_int_equal(cxs_pin_self_node(&t, 0), -1);
    assert_int_equal(cxs_pin_self_node(&t, 5), -1);
}

/* Pinning this thread to one CPU must not hide the others from the CPU
 * picker: --matrix pins to node 0's CPU, then needs node 1's. */
static void test_pick_cpu_after_pinning(void **state)
{
    (void)state;
    cpu_set_t allowed;
    assert_int_equal(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    int first = -1, last = -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &allowed)) {
            if (first < 0)
                first = c;
            last = c;
        }
    if (first == last)
        SKIP_BECAUSE("this process may run on one CPU only");
    assert_int_equal(cxs_pin_self_cpu(first), 0);
    assert_true(cxs_cpu_allowed(last));
    int cpus[2] = {first, last};
    struct cxs_node n = {.id = 1, .ncpus = 2, .cpus = cpus};
    assert_int_equal(cxs_node_pick_cpu(&n), last);
    assert_false(cxs_cpu_allowed(-1));
    assert_false(cxs_cpu_allowed(CPU_SETSIZE));
    int none[1] = {CPU_SETSIZE + 5};
    struct cxs_node m = {.id = 2, .ncpus = 1, .cpus = none};
    assert_int_equal(cxs_node_pick_cpu(&m), -1);
    assert_int_equal(sched_setaffinity(0, sizeof allowed, &allowed), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_team_runs_all_pinned),
        cmocka_unit_test(test_team_reports_failure),
        cmocka_unit_test(test_pin_bad_cpu),
        cmocka_unit_test(test_pick_cpu_after_pinning),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
