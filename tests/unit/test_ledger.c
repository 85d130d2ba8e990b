/* Unit tests for the money ledger: exact cent arithmetic, straight-line installments that
 * sum to the cost, the cash and book identities, and allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aifactory/ledger.h"

static void cents_and_installments(void **state) {
    (void)state;
    int64_t c = 0;
    assert_int_equal(aif_usd_to_cents(10e9, &c), AIF_OK);
    assert_int_equal(c, INT64_C(1000000000000));
    assert_int_equal(aif_usd_to_cents(0.125, &c), AIF_OK);
    assert_int_equal(c, 13); /* halves away from zero */
    assert_int_equal(aif_usd_to_cents(1e300, &c), AIF_ERANGE);
    assert_int_equal(aif_usd_to_cents(0.0 / 0.0, &c), AIF_ERANGE);
    /* 100 cents over 3 periods: 33, 33, 34 in cumulative-floor order; sum exact. */
    assert_int_equal(aif_straight_line_cents(100, 3, 0), 33);
    assert_int_equal(aif_straight_line_cents(100, 3, 1), 33);
    assert_int_equal(aif_straight_line_cents(100, 3, 2), 34);
    assert_int_equal(aif_straight_line_cents(100, 3, 3), 0);
    int64_t cost = INT64_C(123456789012345), sum = 0;
    for (int64_t i = 0; i < 60; i++) {
        int64_t x = aif_straight_line_cents(cost, 60, i);
        assert_true(x == cost / 60 || x == cost / 60 + 1);
        sum += x;
    }
    assert_int_equal(sum, cost);
}

static void identities(void **state) {
    (void)state;
    aif_ledger *l = NULL;
    assert_int_equal(aif_ledger_create(NULL, &l), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 0, AIF_LEDGER_EQUITY, 3000, 0), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 1, AIF_LEDGER_CAPEX, 1200, 1), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 2, AIF_LEDGER_POWER, 101, 1), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 3, AIF_LEDGER_DEPRECIATION, 20, 1), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 4, AIF_LEDGER_TRANCHE, 500, 2), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 5, AIF_LEDGER_WARRANT, 77, 2), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 5, AIF_LEDGER_CLOUD, 9, 3), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 5, AIF_LEDGER_REVENUE, 1, 3), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 5, AIF_LEDGER_REVENUE, -1, 3), AIF_EINVAL);
    assert_int_equal(aif_ledger_post(l, 5, AIF_LEDGER_KIND_COUNT, 1, 3), AIF_EINVAL);
    assert_int_equal(aif_ledger_cash(l), 3000 - 1200 - 101 + 500 - 9 + 1);
    assert_int_equal(aif_ledger_book_value(l), 1180);
    assert_int_equal(aif_ledger_count(l), 8);
    int64_t cash = 0;
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        cash += aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind) * e->cents;
    }
    assert_int_equal(cash, aif_ledger_cash(l));
    assert_null(aif_ledger_at(l, 8));
    assert_string_equal(aif_ledger_kind_name(AIF_LEDGER_DEPRECIATION), "depreciation");
    assert_int_equal(aif_ledger_post(l, 6, AIF_LEDGER_EQUITY, INT64_MAX, 0), AIF_ERANGE);
    aif_ledger_destroy(l);
}

static void growth_and_failures(void **state) {
    (void)state;
    for (long k = 1; k <= 3; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_ledger *l = NULL;
        aif_status st = aif_ledger_create(&t.base, &l);
        for (int i = 0; st == AIF_OK && i < 600; i++) {
            st = aif_ledger_post(l, i, AIF_LEDGER_POWER, 1, 0);
        }
        assert_int_equal(st, AIF_ENOMEM);
        aif_ledger_destroy(l);
        assert_int_equal(t.live_blocks, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cents_and_installments),
        cmocka_unit_test(identities),
        cmocka_unit_test(growth_and_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
