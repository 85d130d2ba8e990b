/* Unit tests for failures by component (reliability.h): the H100 profile reproduces the
 * Llama 3 snapshot (419 interruptions in 54 days on 16,384 GPUs, 324 of them confirmed
 * hardware); a server loses its 8 GPUs to a GPU fault and a rack-scale system one 4-GPU
 * tray, with rack-level faults taking all 72; GPU-hours out of service are rate x blast x
 * repair; bad arguments are errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aifactory/catalog_read.h"
#include "aifactory/reliability.h"

static aif_catalog *load(void) {
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    return cat;
}

static void llama3_snapshot(void **state) {
    (void)state;
    aif_catalog *cat = load();
    double n = 0, hw = 0;
    assert_int_equal(aif_reliability_expected(cat, "hgx-h100", 16384, 54, &n, &hw), AIF_OK);
    assert_true(fabs(n - 419.0) < 1e-9);
    assert_true(fabs(hw - 324.0 / 419.0) < 1e-12); /* the paper's "~78%" */
    assert_true(hw > 0.77 && hw < 0.78);
    /* Linear in GPUs and days: one interruption every ~3.1 h on 16,384 GPUs. */
    assert_int_equal(aif_reliability_expected(cat, "hgx-h100", 16384, 1.0 / 24.0, &n, NULL),
                     AIF_OK);
    assert_true(1.0 / n > 3.0 && 1.0 / n < 3.2);
    assert_true(fabs(aif_reliability_reference_rate() - 419.0 / (16384.0 * 54.0 / 365.25)) < 1e-15);
    aif_catalog_destroy(cat);
}

static void blast_radius_by_form(void **state) {
    (void)state;
    aif_catalog *cat = load();
    aif_reliability server, rack;
    assert_int_equal(aif_reliability_for_system(aif_catalog_system_find(cat, "hgx-b200"), &server),
                     AIF_OK);
    assert_int_equal(aif_reliability_for_system(aif_catalog_system_find(cat, "gb200-nvl72"), &rack),
                     AIF_OK);
    assert_true(server.fault[AIF_FAULT_GPU].blast_gpus == 8);
    assert_true(rack.fault[AIF_FAULT_GPU].blast_gpus == 4);
    assert_true(server.fault[AIF_FAULT_RACK].per_gpu_year == 0);
    assert_true(rack.fault[AIF_FAULT_RACK].blast_gpus == 72);
    assert_true(fabs(rack.fault[AIF_FAULT_RACK].per_gpu_year - 1.0 / 72.0) < 1e-15);
    assert_true(rack.fault[AIF_FAULT_SOFTWARE].blast_gpus == 0);
    /* A rack-scale system adds its rack faults to the same per-GPU component rates. */
    assert_true(fabs(aif_reliability_rate(&rack) - aif_reliability_rate(&server) - 1.0 / 72.0) <
                1e-12);
    /* Lost GPU-hours per GPU-year, by hand: GPU + host faults x blast x 48 h, network x 8 x
     * 4 h, maintenance x blast x 4 h, rack x 72 x 72 h. */
    double gy = 16384.0 * 54.0 / 365.25;
    double want_rack =
        (268.0 + 21.0) / gy * 4 * 48 + 35.0 / gy * 8 * 4 + 32.0 / gy * 4 * 4 + 1.0 / 72.0 * 72 * 72;
    assert_true(fabs(aif_reliability_lost_gpu_hours_per_gpu_year(&rack) / want_rack - 1) < 1e-12);
    double want_server = (268.0 + 21.0) / gy * 8 * 48 + 35.0 / gy * 8 * 4 + 32.0 / gy * 8 * 4;
    assert_true(fabs(aif_reliability_lost_gpu_hours_per_gpu_year(&server) / want_server - 1) <
                1e-12);
    /* The old model (a 72-GPU rack down 3 days per GPU fault at 0.17 x 58.7%) lost ~5x more. */
    assert_true(0.17 * 0.587 * 72 * 72 > 5 * aif_reliability_lost_gpu_hours_per_gpu_year(&rack));
    assert_true(aif_reliability_max_repair_s() == 72.0 * 3600.0);
    aif_catalog_destroy(cat);
}

static void bad_arguments(void **state) {
    (void)state;
    aif_catalog *cat = load();
    double n;
    assert_int_equal(aif_reliability_expected(NULL, "hgx-h100", 1, 1, &n, NULL), AIF_EINVAL);
    assert_int_equal(aif_reliability_expected(cat, NULL, 1, 1, &n, NULL), AIF_EINVAL);
    assert_int_equal(aif_reliability_expected(cat, "hgx-h100", -1, 1, &n, NULL), AIF_EINVAL);
    assert_int_equal(aif_reliability_expected(cat, "hgx-h100", 1, NAN, &n, NULL), AIF_EINVAL);
    assert_int_equal(aif_reliability_expected(cat, "no-such", 1, 1, &n, NULL), AIF_ENOTFOUND);
    aif_reliability r;
    assert_int_equal(aif_reliability_for_system(NULL, &r), AIF_EINVAL);
    aif_system empty = {.id = "x"};
    assert_int_equal(aif_reliability_for_system(&empty, &r), AIF_EINVAL);
    aif_catalog_destroy(cat);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(llama3_snapshot),
        cmocka_unit_test(blast_radius_by_form),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
