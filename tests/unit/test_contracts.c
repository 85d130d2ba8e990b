/* Unit tests for contract decisions: dated ROFR, preferred partner, cheapest offer,
 * milestone tranches (10 x $10B cap) and take-or-pay floors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "aifactory/contracts.h"

static void rofr_then_preferred_then_cheapest(void **state) {
    (void)state;
    aif_quote q[3] = {{0, true, 3.0}, {1, true, 2.0}, {2, true, 1.5}};
    aif_rofr r = {.holder = 0,
                  .from = 100,
                  .to = 200,
                  .rule = AIF_ROFR_PRICE_AT_MOST,
                  .max_usd_per_gpu_hour = 2.5};
    aif_procure_decision d;
    /* Active ROFR, holder's price above its limit: declines; preferred (1) takes it. */
    assert_int_equal(aif_procure_decide(&r, 1, q, 3, 150, NULL, &d), AIF_OK);
    assert_int_equal(d.count, 2);
    assert_int_equal(d.offers[0].kind, AIF_OFFER_ROFR);
    assert_false(d.offers[0].accepted);
    assert_int_equal(d.offers[1].kind, AIF_OFFER_PREFERRED);
    assert_int_equal(d.chosen, 1);
    /* The ROFR has ended at `to` (exclusive): no offer to the holder. */
    assert_int_equal(aif_procure_decide(&r, -1, q, 3, 200, NULL, &d), AIF_OK);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.offers[0].kind, AIF_OFFER_CHEAPEST);
    assert_int_equal(d.chosen, 2);
    r.rule = AIF_ROFR_ALWAYS;
    assert_int_equal(aif_procure_decide(&r, 1, q, 3, 100, NULL, &d), AIF_OK);
    assert_int_equal(d.chosen, 0);
    assert_int_equal(d.count, 1);
    /* Probability rule needs an rng and accepts about p of the time. */
    r.rule = AIF_ROFR_PROBABILITY;
    r.probability = 0.3;
    assert_int_equal(aif_procure_decide(&r, 1, q, 3, 100, NULL, &d), AIF_EINVAL);
    aif_rng g;
    aif_rng_seed(&g, 5, 0);
    int yes = 0;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(aif_procure_decide(&r, -1, q, 3, 100, &g, &d), AIF_OK);
        yes += d.chosen == 0;
    }
    assert_true(yes > 2860 && yes < 3140); /* 3000 +- 3 sd */
    /* Nobody can supply. */
    aif_quote none[1] = {{0, false, 1.0}};
    assert_int_equal(aif_procure_decide(NULL, 0, none, 1, 0, NULL, &d), AIF_OK);
    assert_int_equal(d.chosen, -1);
}

static void tranches_and_floors(void **state) {
    (void)state;
    aif_milestone_rule r = {.step_w = 1e9,
                            .cents_per_step = INT64_C(1000000000000),
                            .cap_cents = INT64_C(10000000000000)};
    int64_t paid = 0;
    for (int gw = 1; gw <= 12; gw++) {
        /* Sums of 100 MW blocks land a hair below whole GW. */
        double w = 0;
        for (int b = 0; b < gw * 10; b++) {
            w += 1e8;
        }
        int64_t due = aif_milestone_steps_due(&r, w, paid);
        assert_int_equal(due, gw <= 10 ? 1 : 0);
        paid += due;
    }
    assert_int_equal(paid, 10);
    assert_int_equal(paid * r.cents_per_step, INT64_C(10000000000000)); /* $100B */
    assert_int_equal(aif_milestone_steps_due(&r, 2.5e9, 0), 2);
    /* $300B over 60 months: $5B a month floor; usage above it is paid in full. */
    int64_t commit = INT64_C(30000000000000);
    assert_int_equal(aif_take_or_pay_cents(0, commit, 60, 0), INT64_C(500000000000));
    assert_int_equal(aif_take_or_pay_cents(INT64_C(600000000000), commit, 60, 5),
                     INT64_C(600000000000));
    assert_int_equal(aif_take_or_pay_cents(7, commit, 60, 60), 7);
}

/* A cap that is not a whole number of steps vests its remainder as a last, partial step:
 * the AMD warrant, 160 M shares at 26.67 M per GW, vests 26.67 M at each of the first five
 * GW and 160 - 5 x 26.67 = 26.65 M at the sixth (not 133.35 M in all), and nothing after. */
static void partial_last_step(void **state) {
    (void)state;
    aif_milestone_rule r = {.step_w = 1e9, .cents_per_step = 26670000, .cap_cents = 160000000};
    int64_t paid = 0, vested = 0;
    for (int gw = 1; gw <= 8; gw++) {
        int64_t due = aif_milestone_steps_due(&r, gw * 1e9, paid);
        assert_int_equal(due, gw <= 6 ? 1 : 0);
        for (int64_t k = 1; k <= due; k++) {
            int64_t amount = aif_milestone_step_amount(&r, paid + k);
            assert_int_equal(amount, gw < 6 ? 26670000 : 26650000);
            vested += amount;
        }
        paid += due;
        /* Vested so far: min(gw, 6) whole steps' worth, but never past the total. */
        int64_t whole = (gw < 6 ? gw : 6) * INT64_C(26670000);
        assert_int_equal(vested, whole < 160000000 ? whole : 160000000);
    }
    assert_int_equal(vested, 160000000);
    /* Outside 1..6, or a rule without a step amount: nothing. */
    assert_int_equal(aif_milestone_step_amount(&r, 0), 0);
    assert_int_equal(aif_milestone_step_amount(&r, 7), 0);
    assert_int_equal(aif_milestone_step_amount(NULL, 1), 0);
    /* A whole number of steps has no partial one: 10 x $10B. */
    aif_milestone_rule t = {.step_w = 1e9, .cents_per_step = 10, .cap_cents = 100};
    assert_int_equal(aif_milestone_steps_due(&t, 12e9, 0), 10);
    assert_int_equal(aif_milestone_step_amount(&t, 10), 10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rofr_then_preferred_then_cheapest),
        cmocka_unit_test(tranches_and_floors),
        cmocka_unit_test(partial_last_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
