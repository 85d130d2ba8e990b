/* Unit tests for the checkpoint/restart model: exact arithmetic of one interruption, and the
 * Llama 3 check (16,384 GPUs at 0.17 interruptions per GPU-year: one every ~3.1 h, > 90%
 * effective training time with hourly checkpoints), against the closed form. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aifactory/training.h"

static void interrupt_arithmetic(void **state) {
    (void)state;
    aif_train_progress p;
    assert_int_equal(aif_train_progress_start(&p, 10 * 3600.0, 3600.0, 600.0, 0), AIF_OK);
    assert_int_equal(aif_train_progress_finish_time(&p), 10 * AIF_NS_PER_HOUR);
    /* At 2.5 h: two checkpoints kept, 0.5 h lost, resume 10 min later. */
    assert_int_equal(aif_train_progress_interrupt(&p, 5 * AIF_NS_PER_HOUR / 2), AIF_OK);
    assert_true(fabs(p.saved_s - 7200.0) < 1e-9);
    assert_true(fabs(p.lost_s - 1800.0) < 1e-9);
    assert_true(fabs(p.down_s - 600.0) < 1e-9);
    assert_int_equal(p.running_since, 5 * AIF_NS_PER_HOUR / 2 + 600 * AIF_NS_PER_S);
    assert_int_equal(aif_train_progress_finish_time(&p), p.running_since + 8 * AIF_NS_PER_HOUR);
    assert_true(fabs(aif_train_progress_done_s(&p, p.running_since + AIF_NS_PER_HOUR) - 10800.0) <
                1e-6);
    /* Not while restarting, not after the end. */
    assert_int_equal(aif_train_progress_interrupt(&p, p.running_since - 1), AIF_ESTATE);
    assert_int_equal(aif_train_progress_interrupt(&p, aif_train_progress_finish_time(&p)),
                     AIF_ESTATE);
    assert_int_equal(aif_train_progress_start(&p, 0, 1, 0, 0), AIF_EINVAL);
    assert_int_equal(aif_train_progress_start(&p, 1, 0, 0, 0), AIF_EINVAL);
}

static void llama3_rate(void **state) {
    (void)state;
    double mtbi_h = aif_train_mtbi_s(0.17, 16384) / 3600.0;
    assert_true(mtbi_h > 3.1 && mtbi_h < 3.2); /* 8766 h / (0.17 * 16384) = 3.147 h */
    aif_train_params p = {.work_s = 54 * 86400.0,
                          .gpus = 16384,
                          .rate_per_gpu_year = 0.17,
                          .checkpoint_s = 3600,
                          .restart_s = 600};
    double eg, ee;
    aif_train_expected(&p, &eg, &ee);
    long total = 0;
    double wall = 0, eff = 0, good = 0;
    for (uint64_t s = 1; s <= 20; s++) {
        aif_rng r;
        aif_rng_seed(&r, s, 7);
        aif_train_outcome o;
        assert_int_equal(aif_train_simulate(&p, &r, &o), AIF_OK);
        assert_true(o.effective_time > 0.90); /* Llama 3: > 90% effective training time */
        total += o.interruptions;
        wall += o.wall_s;
        eff += o.effective_time;
        good += o.goodput;
    }
    /* Mean interval: interruptions per wall hour minus the down time (no failures then). */
    double interval_h = wall / 3600.0 / (double)total;
    assert_true(interval_h > 3.1 && interval_h < 3.5);
    /* ~6,900 interruptions in all: the means are within ~2% of the closed form. */
    assert_true(fabs(eff / 20 - ee) < 0.005);
    assert_true(fabs(good / 20 - eg) < 0.01);
    assert_true(ee > 0.94 && ee < 0.96);
    assert_true(eg > 0.79 && eg < 0.82);
}

static void no_failures_and_bad_input(void **state) {
    (void)state;
    aif_train_params p = {.work_s = 100, .gpus = 8, .rate_per_gpu_year = 0, .checkpoint_s = 10};
    aif_rng r;
    aif_rng_seed(&r, 1, 1);
    aif_train_outcome o;
    assert_int_equal(aif_train_simulate(&p, &r, &o), AIF_OK);
    assert_int_equal(o.interruptions, 0);
    assert_true(o.wall_s == 100.0 && o.goodput == 1.0 && o.effective_time == 1.0);
    p.gpus = -1;
    assert_int_equal(aif_train_simulate(&p, &r, &o), AIF_EINVAL);
    assert_int_equal(aif_train_simulate(NULL, &r, &o), AIF_EINVAL);
}

/* A run longer than every aif_time (1e35 FLOP on one GPU is ~1e23 s) never finishes: its
 * finish saturates at AIF_TIME_MAX instead of overflowing, from any start. */
static void finish_beyond_time(void **state) {
    (void)state;
    aif_train_progress p;
    assert_int_equal(aif_train_progress_start(&p, 1e23, 60, 60, 0), AIF_OK);
    assert_true(aif_train_progress_finish_time(&p) == AIF_TIME_MAX);
    assert_int_equal(aif_train_progress_start(&p, 9.2e9, 60, 60, AIF_NS_PER_YEAR), AIF_OK);
    assert_true(aif_train_progress_finish_time(&p) == AIF_TIME_MAX);
    assert_int_equal(aif_train_progress_start(&p, 100, 60, 60, AIF_NS_PER_YEAR), AIF_OK);
    assert_true(aif_train_progress_finish_time(&p) == AIF_NS_PER_YEAR + 100 * AIF_NS_PER_S);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interrupt_arithmetic),
        cmocka_unit_test(llama3_rate),
        cmocka_unit_test(no_failures_and_bad_input),
        cmocka_unit_test(finish_beyond_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
