/* Unit tests for hist: exact scalars, rejection of bad values, percentiles against exact
 * sorted-array order statistics on wide-range lognormal data, merge equivalence, zeros,
 * add_n, and clean failure when the Nth allocation fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/alloc.h"
#include "aifactory/dist.h"
#include "aifactory/hist.h"

/* Nearest rank as documented in hist.h. */
static size_t nearest_rank(double p, size_t n) {
    double k = ceil(p / 100.0 * (double)n - 1e-9);
    return k < 1 ? 1 : k > (double)n ? n : (size_t)k;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void scalars_and_rejection(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_hist *h = NULL;
    assert_int_equal(aif_hist_create(&t.base, &h), AIF_OK);
    assert_int_equal(t.live_blocks, 1); /* empty: the header only */
    assert_true(t.live_bytes < 128);
    assert_int_equal(aif_hist_count(h), 0);
    assert_true(isnan(aif_hist_mean(h)) && isnan(aif_hist_min(h)) && isnan(aif_hist_max(h)));
    assert_true(isnan(aif_hist_sum(h)) && isnan(aif_hist_percentile(h, 50)));

    const double v[5] = {0.25, 3, 0, 1e9, 7.5};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(aif_hist_add(h, v[i]), AIF_OK);
    }
    assert_int_equal(aif_hist_add(h, -1), AIF_EINVAL);
    assert_int_equal(aif_hist_add(h, NAN), AIF_EINVAL);
    assert_int_equal(aif_hist_add(h, INFINITY), AIF_EINVAL);
    assert_int_equal(aif_hist_add_n(h, -0.5, 4), AIF_EINVAL);
    assert_int_equal(aif_hist_rejected(h), 7);
    assert_int_equal(aif_hist_count(h), 5);
    assert_true(aif_hist_sum(h) == 1000000010.75);
    assert_true(aif_hist_mean(h) == 1000000010.75 / 5);
    assert_true(aif_hist_min(h) == 0.0 && aif_hist_max(h) == 1e9);
    assert_true(aif_hist_percentile(h, 0) == 0.0);
    assert_true(aif_hist_percentile(h, 100) == 1e9);
    assert_true(isnan(aif_hist_percentile(h, 100.5)));
    assert_true(isnan(aif_hist_percentile(h, -1)));
    assert_true(isnan(aif_hist_percentile(h, NAN)));
    /* Rank 3 of {0, 0.25, 3, 7.5, 1e9} is 3: reported within 1/256. */
    assert_true(fabs(aif_hist_percentile(h, 60) - 3) <= 3.0 / 256);

    /* Compensated sum: 1 + many tiny values keeps the tiny ones. */
    aif_hist_reset(h);
    assert_int_equal(aif_hist_count(h), 0);
    assert_int_equal(aif_hist_rejected(h), 0);
    long before = t.allocations;
    assert_int_equal(aif_hist_add(h, 3.0), AIF_OK);
    assert_true(t.allocations == before); /* reset kept the counters for reuse */
    assert_true(aif_hist_percentile(h, 50) == 3.0 && aif_hist_count(h) == 1);
    aif_hist_reset(h);
    assert_int_equal(aif_hist_add(h, 1.0), AIF_OK);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(aif_hist_add(h, 1e-17), AIF_OK);
    }
    assert_true(fabs(aif_hist_sum(h) - (1.0 + 1e-14)) <= 1e-16 * 2);
    aif_hist_destroy(h);
    assert_int_equal(t.live_blocks, 0);
    aif_hist_destroy(NULL);
    assert_int_equal(aif_hist_create(NULL, NULL), AIF_EINVAL);
}

static void zeros_and_add_n(void **state) {
    (void)state;
    aif_hist *a = NULL, *b = NULL;
    assert_int_equal(aif_hist_create(NULL, &a), AIF_OK);
    assert_int_equal(aif_hist_create(NULL, &b), AIF_OK);
    assert_int_equal(aif_hist_add_n(a, 0.0, 10), AIF_OK);
    assert_int_equal(aif_hist_add_n(a, 1.0, 10), AIF_OK);
    assert_int_equal(aif_hist_add_n(a, 5.0, 0), AIF_OK);
    assert_int_equal(aif_hist_count(a), 20);
    assert_true(aif_hist_percentile(a, 50) == 0.0);   /* rank 10 */
    assert_true(aif_hist_percentile(a, 50.1) == 1.0); /* rank 11, clamped to max */
    assert_true(aif_hist_max(a) == 1.0 && aif_hist_sum(a) == 10.0);

    /* add_n(v, k) is k adds. */
    for (int i = 0; i < 10; i++) {
        assert_int_equal(aif_hist_add(b, 0.0), AIF_OK);
        assert_int_equal(aif_hist_add(b, 1.0), AIF_OK);
    }
    for (double p = 0; p <= 100; p += 0.5) {
        assert_true(aif_hist_percentile(a, p) == aif_hist_percentile(b, p));
    }
    assert_true(aif_hist_sum(a) == aif_hist_sum(b));

    /* Count overflow is refused and changes nothing. */
    aif_hist_reset(b);
    assert_int_equal(aif_hist_add_n(b, 2.0, UINT64_MAX), AIF_OK);
    assert_int_equal(aif_hist_add(b, 2.0), AIF_ERANGE);
    assert_int_equal(aif_hist_merge(b, a), AIF_ERANGE);
    assert_true(aif_hist_count(b) == UINT64_MAX);
    assert_true(fabs(aif_hist_percentile(b, 50) - 2.0) <= 2.0 / 256);
    aif_hist_destroy(a);
    aif_hist_destroy(b);
}

/* 10^5 lognormal values spanning roughly 1e-6 .. 1e9 (median 10^1.5, sigma 3.8). */
enum { NV = 100000 };

static double *lognormal_data(uint64_t stream) {
    double *x = malloc(NV * sizeof *x);
    assert_non_null(x);
    aif_rng r;
    aif_rng_seed(&r, 4242, stream);
    for (int i = 0; i < NV; i++) {
        x[i] = aif_dist_lognormal(&r, 1.5 * log(10.0), 3.8);
    }
    return x;
}

static void percentiles_match_sorted(void **state) {
    (void)state;
    double *x = lognormal_data(1);
    aif_hist *h = NULL;
    assert_int_equal(aif_hist_create(NULL, &h), AIF_OK);
    double exact_sum = 0;
    for (int i = 0; i < NV; i++) {
        assert_int_equal(aif_hist_add(h, x[i]), AIF_OK);
        exact_sum += x[i];
    }
    qsort(x, NV, sizeof *x, cmp_double);
    assert_true(x[0] < 1e-5 && x[NV - 1] > 1e8); /* the range the test is about */
    assert_true(aif_hist_min(h) == x[0] && aif_hist_max(h) == x[NV - 1]);
    assert_true(fabs(aif_hist_sum(h) - exact_sum) <= 1e-12 * exact_sum);
    const double named[] = {50, 90, 95, 99, 99.9};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        double want = x[nearest_rank(named[i], NV) - 1];
        assert_true(fabs(aif_hist_percentile(h, named[i]) - want) <= 0.01 * want);
    }
    /* Every 0.01 percentile: within the 1/256 bound the design promises. */
    double worst = 0;
    for (int k = 0; k <= 10000; k++) {
        double p = k / 100.0;
        double want = x[nearest_rank(p, NV) - 1];
        double got = aif_hist_percentile(h, p);
        worst = fmax(worst, fabs(got - want) / want);
    }
    assert_true(worst <= 1.0 / 256);
    aif_hist_destroy(h);
    free(x);
}

static void merge_equals_union(void **state) {
    (void)state;
    double *x = lognormal_data(2);
    aif_hist *a = NULL, *b = NULL, *u = NULL;
    assert_int_equal(aif_hist_create(NULL, &a), AIF_OK);
    assert_int_equal(aif_hist_create(NULL, &b), AIF_OK);
    assert_int_equal(aif_hist_create(NULL, &u), AIF_OK);
    /* Split by value so the two halves cover different exponent ranges. */
    for (int i = 0; i < NV; i++) {
        assert_int_equal(aif_hist_add(x[i] < 30 ? a : b, x[i]), AIF_OK);
        assert_int_equal(aif_hist_add(u, x[i]), AIF_OK);
    }
    assert_int_equal(aif_hist_add(a, 0.0), AIF_OK);
    assert_int_equal(aif_hist_add(u, 0.0), AIF_OK);
    assert_int_equal(aif_hist_add(b, -2), AIF_EINVAL);
    assert_int_equal(aif_hist_add(u, -2), AIF_EINVAL);
    assert_int_equal(aif_hist_merge(b, a), AIF_OK); /* into the one with the higher range */
    assert_true(aif_hist_count(b) == aif_hist_count(u));
    assert_true(aif_hist_rejected(b) == aif_hist_rejected(u));
    assert_true(aif_hist_min(b) == aif_hist_min(u) && aif_hist_max(b) == aif_hist_max(u));
    assert_true(fabs(aif_hist_sum(b) - aif_hist_sum(u)) <= 1e-13 * aif_hist_sum(u));
    for (int k = 0; k <= 1000; k++) {
        assert_true(aif_hist_percentile(b, k / 10.0) == aif_hist_percentile(u, k / 10.0));
    }

    /* Merging with itself doubles every count and keeps every percentile. */
    double p50 = aif_hist_percentile(u, 50), p99 = aif_hist_percentile(u, 99);
    assert_int_equal(aif_hist_merge(u, u), AIF_OK);
    assert_true(aif_hist_count(u) == 2 * (uint64_t)(NV + 1));
    assert_true(aif_hist_percentile(u, 50) == p50 && aif_hist_percentile(u, 99) == p99);

    /* Merging an empty histogram changes nothing; merging into an empty one copies. */
    aif_hist_reset(a);
    uint64_t n = aif_hist_count(b);
    assert_int_equal(aif_hist_merge(b, a), AIF_OK);
    assert_true(aif_hist_count(b) == n);
    assert_int_equal(aif_hist_merge(a, b), AIF_OK);
    assert_true(aif_hist_percentile(a, 90) == aif_hist_percentile(b, 90));
    assert_int_equal(aif_hist_merge(a, NULL), AIF_EINVAL);
    aif_hist_destroy(a);
    aif_hist_destroy(b);
    aif_hist_destroy(u);
    free(x);
}

/* Allocation N fails: create fails cleanly, or an add/merge reports AIF_ENOMEM and leaves
 * the recorded data exactly as it was; nothing leaks. */
static void failures_are_clean(void **state) {
    (void)state;
    const double v[6] = {1.0, 1e-3, 1e6, 1.5, 2e-3, 0.0};
    for (long n = 1; n <= 12; n++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, n);
        aif_hist *h = NULL;
        aif_status s = aif_hist_create(&t.base, &h);
        if (s != AIF_OK) {
            assert_int_equal(s, AIF_ENOMEM);
            assert_null(h);
            assert_int_equal(t.live_blocks, 0);
            continue;
        }
        uint64_t expect = 0;
        for (int i = 0; i < 6; i++) {
            double p50 = aif_hist_percentile(h, 50);
            s = aif_hist_add(h, v[i]);
            if (s == AIF_OK) {
                expect++;
            } else {
                assert_int_equal(s, AIF_ENOMEM);
                assert_true(p50 == aif_hist_percentile(h, 50) || isnan(p50));
            }
            assert_true(aif_hist_count(h) == expect);
        }
        /* Merge a wide source into h under the same failing allocator. */
        aif_hist *src = NULL;
        assert_int_equal(aif_hist_create(NULL, &src), AIF_OK);
        assert_int_equal(aif_hist_add(src, 1e-9), AIF_OK);
        assert_int_equal(aif_hist_add(src, 1e12), AIF_OK);
        uint64_t before = aif_hist_count(h);
        double p90 = aif_hist_percentile(h, 90);
        s = aif_hist_merge(h, src);
        if (s == AIF_OK) {
            assert_true(aif_hist_count(h) == before + 2);
        } else {
            assert_int_equal(s, AIF_ENOMEM);
            assert_true(aif_hist_count(h) == before);
            assert_true(p90 == aif_hist_percentile(h, 90) || isnan(p90));
        }
        aif_hist_destroy(src);
        aif_hist_destroy(h);
        assert_int_equal(t.live_blocks, 0);
        assert_int_equal(t.failures, t.allocations >= n ? 1 : 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars_and_rejection),    cmocka_unit_test(zeros_and_add_n),
        cmocka_unit_test(percentiles_match_sorted), cmocka_unit_test(merge_equals_union),
        cmocka_unit_test(failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
