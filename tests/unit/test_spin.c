/* test_spin.c — the injection delay's calibration and conversion. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "spin.h"
#include "timer.h"

static void test_iters_from_ns(void **state)
{
    (void)state;
    assert_int_equal(cxs_spin_iters(0, 2.5), 0);
    assert_int_equal(cxs_spin_iters(1000, 2.5), 2500);
    assert_int_equal(cxs_spin_iters(80000, 0.5), 40000);
    assert_int_equal(cxs_spin_iters(-5, 2.5), 0);  /* no negative delays */
    assert_int_equal(cxs_spin_iters(100, 0), 0);   /* uncalibrated: no spin */
    assert_int_equal(cxs_spin_iters(NAN, 1.0), 0); /* garbage in, no spin */
    assert_int_equal(cxs_spin_iters(1.4, 1.0), 1); /* rounded to nearest */
}

static void test_calibration(void **state)
{
    (void)state;
    cxs_timer_init();
    double r = cxs_spin_calibrate();
    /* some iterations per ns, finite: a loop of empty iterations runs at
     * about one per cycle, so anything from 0.01 to 100 per ns is a clock */
    assert_true(r > 0.01 && r < 100);
    cxs_spin(0);
    cxs_spin(cxs_spin_iters(1000, r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iters_from_ns),
        cmocka_unit_test(test_calibration),
    };
    return cmocka_run_group_tests_name("spin", tests, NULL, NULL);
}
