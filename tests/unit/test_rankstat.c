/* Unit tests for rankstat: type-7 percentiles, average ranks with ties, and Spearman's rho
 * against values worked by hand (perfect, reversed, tied, constant). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/rankstat.h"

static void percentiles_interpolate(void **state) {
    (void)state;
    const double x[5] = {1, 2, 3, 4, 10};
    assert_true(aif_quantile_sorted(x, 5, 0) == 1);
    assert_true(aif_quantile_sorted(x, 5, 1) == 10);
    assert_true(aif_quantile_sorted(x, 5, 0.5) == 3);
    /* h = 4 * 0.95 = 3.8: 4 + 0.8 * (10 - 4) = 8.8 */
    assert_true(fabs(aif_quantile_sorted(x, 5, 0.95) - 8.8) < 1e-12);
    /* h = 4 * 0.05 = 0.2: 1 + 0.2 * 1 = 1.2 */
    assert_true(fabs(aif_quantile_sorted(x, 5, 0.05) - 1.2) < 1e-12);
    assert_true(aif_quantile_sorted(x, 1, 0.3) == 1);
    assert_true(isnan(aif_quantile_sorted(x, 0, 0.5)));
}

static void ranks_average_ties(void **state) {
    (void)state;
    const double x[6] = {3, 1, 3, 2, 3, 0};
    double r[6];
    assert_int_equal(aif_ranks(NULL, x, 6, r), AIF_OK);
    /* sorted: 0 1 2 3 3 3 -> ranks 1 2 3 5 5 5 */
    const double want[6] = {5, 2, 5, 3, 5, 1};
    for (int i = 0; i < 6; i++) {
        assert_true(r[i] == want[i]);
    }
}

static void spearman_known_values(void **state) {
    (void)state;
    const double x[5] = {1, 2, 3, 4, 5};
    const double up[5] = {10, 20, 25, 100, 1000}; /* monotone: rho 1 */
    const double down[5] = {5, 4, 3, 2, 1};
    const double flat[5] = {7, 7, 7, 7, 7};
    const double some[5] = {2, 1, 4, 3, 5}; /* d^2 = 1+1+1+1+0 = 4: 1 - 6*4/120 = 0.8 */
    double rho;
    assert_int_equal(aif_spearman(NULL, x, up, 5, &rho), AIF_OK);
    assert_true(fabs(rho - 1) < 1e-15);
    assert_int_equal(aif_spearman(NULL, x, down, 5, &rho), AIF_OK);
    assert_true(fabs(rho + 1) < 1e-15);
    assert_int_equal(aif_spearman(NULL, x, some, 5, &rho), AIF_OK);
    assert_true(fabs(rho - 0.8) < 1e-12);
    assert_int_equal(aif_spearman(NULL, x, flat, 5, &rho), AIF_OK);
    assert_true(isnan(rho));
    assert_int_equal(aif_spearman(NULL, x, up, 1, &rho), AIF_OK);
    assert_true(isnan(rho));
    /* Ties: x = (1,1,2,2), y = (1,2,3,4): ranks (1.5,1.5,3.5,3.5) vs (1,2,3,4);
     * cov = sum dx dy = (-1)(-1.5)+(-1)(-0.5)+(1)(0.5)+(1)(1.5) = 4, sxx = 4, syy = 5:
     * rho = 4 / sqrt(20). */
    const double tx[4] = {1, 1, 2, 2}, ty[4] = {1, 2, 3, 4};
    assert_int_equal(aif_spearman(NULL, tx, ty, 4, &rho), AIF_OK);
    assert_true(fabs(rho - 4 / sqrt(20.0)) < 1e-12);
}

static void spearman_without_memory(void **state) {
    (void)state;
    const double x[3] = {1, 2, 3};
    double rho = 42;
    aif_test_allocator t;
    /* Three allocations (the rank pairs, then one index per sample): each may fail. */
    for (long k = 1; k <= 4; k++) {
        aif_test_allocator_init(&t, k);
        aif_status st = aif_spearman(&t.base, x, x, 3, &rho);
        assert_int_equal(st, k <= 3 ? AIF_ENOMEM : AIF_OK);
        assert_int_equal(t.live_blocks, 0);
    }
    assert_true(fabs(rho - 1) < 1e-15);
    assert_int_equal(aif_spearman(NULL, NULL, x, 3, &rho), AIF_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_interpolate),
        cmocka_unit_test(ranks_average_ties),
        cmocka_unit_test(spearman_known_values),
        cmocka_unit_test(spearman_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
