/* Unit tests for design: Latin hypercube strata (each hit once per dimension), random
 * coordinates in (0, 1), determinism by seed, the normal and triangular quantiles against
 * their distribution functions, and FNV-1a's published test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/alloc.h"
#include "aifactory/design.h"

static void lhs_hits_every_stratum_once(void **state) {
    (void)state;
    enum { N = 97, DIMS = 5 };
    static double u[N * DIMS];
    aif_rng r;
    aif_rng_seed(&r, 42, 0);
    assert_int_equal(aif_design_lhs(NULL, &r, N, DIMS, u), AIF_OK);
    for (int j = 0; j < DIMS; j++) {
        int hits[N] = {0};
        for (int i = 0; i < N; i++) {
            double x = u[i * DIMS + j];
            assert_true(x > 0 && x < 1);
            hits[(int)(x * N)]++;
        }
        for (int k = 0; k < N; k++) {
            assert_int_equal(hits[k], 1);
        }
    }
}

static void lhs_is_deterministic_and_seeded(void **state) {
    (void)state;
    double a[40], b[40], c[40];
    aif_rng r;
    aif_rng_seed(&r, 7, 0);
    assert_int_equal(aif_design_lhs(NULL, &r, 20, 2, a), AIF_OK);
    aif_rng_seed(&r, 7, 0);
    assert_int_equal(aif_design_lhs(NULL, &r, 20, 2, b), AIF_OK);
    aif_rng_seed(&r, 8, 0);
    assert_int_equal(aif_design_lhs(NULL, &r, 20, 2, c), AIF_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
}

static void lhs_fails_cleanly_without_memory(void **state) {
    (void)state;
    double u[8] = {0};
    aif_test_allocator t;
    aif_test_allocator_init(&t, 1);
    aif_rng r;
    aif_rng_seed(&r, 1, 0);
    assert_int_equal(aif_design_lhs(&t.base, &r, 4, 2, u), AIF_ENOMEM);
    assert_int_equal(t.live_blocks, 0);
    assert_int_equal(aif_design_lhs(NULL, NULL, 4, 2, u), AIF_EINVAL);
    assert_int_equal(aif_design_lhs(NULL, &r, 0, 2, NULL), AIF_OK);
}

static void random_design_in_open_interval(void **state) {
    (void)state;
    double u[3000];
    aif_rng r;
    aif_rng_seed(&r, 3, 0);
    aif_design_random(&r, 1000, 3, u);
    double sum = 0;
    for (int i = 0; i < 3000; i++) {
        assert_true(u[i] > 0 && u[i] < 1);
        sum += u[i];
    }
    /* mean of 3000 uniforms: 0.5 with sd 0.0053; five sd */
    assert_true(fabs(sum / 3000 - 0.5) < 0.027);
}

static void normal_quantile_inverts_phi(void **state) {
    (void)state;
    for (double p = 1e-12; p < 1; p = p < 0.01 ? p * 10 : p + 0.01) {
        double x = aif_quantile_normal(p);
        double back = 0.5 * erfc(-x / sqrt(2.0));
        assert_true(fabs(back - p) <= 1e-14 + 1e-12 * p);
    }
    assert_true(aif_quantile_normal(0.5) == 0 || fabs(aif_quantile_normal(0.5)) < 1e-15);
    assert_true(fabs(aif_quantile_normal(0.975) - 1.959963984540054) < 1e-12);
    assert_true(isnan(aif_quantile_normal(0)));
    assert_true(isnan(aif_quantile_normal(1)));
}

static void triangular_quantile_inverts_cdf(void **state) {
    (void)state;
    const double lo = 50, mode = 70, hi = 120;
    for (double p = 0; p <= 1.0; p += 0.05) {
        double x = aif_quantile_triangular(p, lo, mode, hi);
        double cdf = x <= mode ? (x - lo) * (x - lo) / ((hi - lo) * (mode - lo))
                               : 1 - (hi - x) * (hi - x) / ((hi - lo) * (hi - mode));
        assert_true(fabs(cdf - p) < 1e-12);
    }
    assert_true(aif_quantile_triangular(0, lo, mode, hi) == lo);
    assert_true(aif_quantile_triangular(1, lo, mode, hi) == hi);
    assert_true(isnan(aif_quantile_triangular(0.5, 2, 3, 1)));
}

static void fnv1a_test_vectors(void **state) {
    (void)state;
    /* The FNV authors' published 64-bit FNV-1a values. */
    assert_true(aif_fnv1a64(AIF_FNV1A64_INIT, "", 0) == UINT64_C(0xcbf29ce484222325));
    assert_true(aif_fnv1a64(AIF_FNV1A64_INIT, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(aif_fnv1a64(AIF_FNV1A64_INIT, "foobar", 6) == UINT64_C(0x85944171f73967e8));
    uint64_t h = aif_fnv1a64(AIF_FNV1A64_INIT, "foo", 3);
    assert_true(aif_fnv1a64(h, "bar", 3) == UINT64_C(0x85944171f73967e8));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lhs_hits_every_stratum_once),
        cmocka_unit_test(lhs_is_deterministic_and_seeded),
        cmocka_unit_test(lhs_fails_cleanly_without_memory),
        cmocka_unit_test(random_design_in_open_interval),
        cmocka_unit_test(normal_quantile_inverts_phi),
        cmocka_unit_test(triangular_quantile_inverts_cdf),
        cmocka_unit_test(fnv1a_test_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
