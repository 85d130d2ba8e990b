/* Tests of the finance view of a fleet run (fleet_finance.h), each figure derived a second
 * way: on the default scenario (research arrivals cut to 300 a day, which the checks do not
 * depend on) the years' GPU-hours add up to the run's totals and, per year, to the package
 * hours the blocks were online; the years' money adds up to the ledger's totals to the
 * cent, a December bill posted on January 1 counts in December's year, the cash positions
 * end at the run's cash; contracted + procured capacity at each year end is the nominal
 * power of the blocks online then, split by whether they came from a scenario phase; the
 * cost per million tokens is the cost of revenue over the tokens of the daily rows. The NPV
 * is checked on hand-built ledgers (a 10% return discounted at 10% is worth 0) and on the
 * run at 0% (the plain sum of free cash flows). economics.wacc binds with its default and
 * bounds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/fleet.h"
#include "aifactory/fleet_finance.h"
#include "aifactory/scenario.h"

typedef struct loaded {
    aif_scenario *sc;
    aif_fleet_input in;
    aif_fleet *f;
} loaded;

static int run_default(void **state) {
    loaded *l = calloc(1, sizeof *l);
    assert_non_null(l);
    assert_int_equal(aif_scenario_create(NULL, &l->sc), AIF_OK);
    assert_int_equal(aif_scenario_set(l->sc, "demand.training.research.arrivals_per_day=300"),
                     AIF_OK);
    assert_int_equal(aif_scenario_load_default(l->sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(l->sc, &l->in), AIF_OK);
    assert_int_equal(aif_fleet_create(NULL, &l->in, &l->f, NULL), AIF_OK);
    assert_int_equal(aif_fleet_run(l->f, NULL, NULL), AIF_OK);
    *state = l;
    return 0;
}

static int free_default(void **state) {
    loaded *l = *state;
    aif_fleet_destroy(l->f);
    aif_scenario_destroy(l->sc);
    free(l);
    return 0;
}

static int64_t cents(double usd) {
    return llround(usd * 100.0);
}

static void assert_close(double a, double b, double rel) {
    assert_true(fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + 1e-9);
}

static void years_add_up(void **state) {
    const loaded *l = *state;
    const aif_fleet *f = l->f;
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    size_t n = aif_fleet_year_count(f);
    assert_int_equal(n, 6); /* 2025-09-01 .. 2031-01-01 */
    aif_fleet_year ys[6];
    assert_int_equal(aif_fleet_years(f, ys, 6), AIF_OK);
    double hours[5] = {0};
    int64_t rev = 0, capex = 0, power = 0, cloud = 0, dep = 0, share = 0, cash = 0;
    for (size_t i = 0; i < n; i++) {
        const aif_fleet_year *y = &ys[i];
        assert_int_equal(y->year, 2025 + (int)i);
        for (int u = 0; u < 5; u++) {
            hours[u] += y->gpu_hours[u];
        }
        rev += cents(y->revenue_usd);
        capex += cents(y->capex_usd);
        power += cents(y->power_usd);
        cloud += cents(y->cloud_usd);
        dep += cents(y->depreciation_usd);
        share += cents(y->revenue_share_usd);
        cash += cents(y->cash_flow_usd);
        assert_int_equal(cents(y->cash_position_usd), cash);
        assert_int_equal(cents(y->gross_margin_usd), cents(y->revenue_usd) -
                                                         cents(y->depreciation_usd) -
                                                         cents(y->power_usd) - cents(y->cloud_usd));
        /* GPU-hours by use add up to the package-hours online in the year, integrated
         * from the blocks' own online and retirement times. */
        double capacity = 0;
        for (size_t b = 0; b < aif_fleet_block_count(f); b++) {
            const aif_block *bl = aif_fleet_block_at(f, b);
            aif_time on = bl->online > y->from ? bl->online : y->from;
            aif_time off = bl->retire < y->to ? bl->retire : y->to;
            if (off > on) {
                capacity += (double)bl->packages * (double)(off - on) / 3.6e12;
            }
        }
        double used = 0;
        for (int u = 0; u < 5; u++) {
            used += y->gpu_hours[u];
        }
        assert_close(used, capacity, 1e-9);
    }
    for (int u = 0; u < 5; u++) {
        assert_close(hours[u], s->gpu_hours[u], 1e-12);
    }
    assert_int_equal(rev, cents(s->revenue_usd));
    assert_int_equal(capex, cents(s->capex_usd));
    assert_int_equal(power, cents(s->power_usd));
    assert_int_equal(cloud, cents(s->cloud_payments_usd));
    assert_int_equal(dep, cents(s->depreciation_usd));
    assert_int_equal(share, cents(s->revenue_share_usd));
    assert_int_equal(cash, cents(s->cash_usd));
    /* 2025's revenue is the bills of September to December: posted on Oct 1, Nov 1, Dec 1
     * and Jan 1 2026 (December's). */
    aif_date start = l->in.simulation.start_date;
    aif_time from = 0, to = aif_date_to_sim((aif_date){2026, 1, 1}, start);
    const aif_ledger *led = aif_fleet_ledger(f);
    int64_t rev2025 = 0;
    for (size_t i = 0; i < aif_ledger_count(led); i++) {
        const aif_ledger_entry *e = aif_ledger_at(led, i);
        if (e->kind == AIF_LEDGER_REVENUE && e->time > from && e->time <= to) {
            rev2025 += e->cents;
        }
    }
    assert_true(rev2025 > 0);
    assert_int_equal(cents(ys[0].revenue_usd), rev2025);
}

static void capacity_by_origin(void **state) {
    const loaded *l = *state;
    const aif_fleet *f = l->f;
    aif_fleet_year ys[6];
    assert_int_equal(aif_fleet_years(f, ys, 6), AIF_OK);
    for (size_t i = 0; i < 6; i++) {
        double w[2] = {0, 0};
        for (size_t b = 0; b < aif_fleet_block_count(f); b++) {
            const aif_block *bl = aif_fleet_block_at(f, b);
            /* ordered blocks belong to no scenario phase */
            bool procured = bl->phase == UINT32_MAX;
            assert_true(procured == aif_fleet_block_procured(f, b));
            if (bl->online < ys[i].to && bl->retire >= ys[i].to) {
                w[procured] += bl->nominal_w;
            }
        }
        assert_close(ys[i].contracted_facility_w, w[0], 1e-12);
        assert_close(ys[i].procured_facility_w, w[1], 1e-12);
    }
    /* The default procures for the 2030 peak-hour demand: none before 2028, some by 2030. */
    assert_true(ys[0].procured_facility_w == 0);
    assert_true(ys[2].procured_facility_w == 0);
    assert_true(ys[5].procured_facility_w > 0);
    assert_false(aif_fleet_block_procured(f, aif_fleet_block_count(f)));
}

static void cost_per_token_and_npv_of_run(void **state) {
    const loaded *l = *state;
    const aif_fleet *f = l->f;
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    double tokens = 0;
    for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
        tokens += aif_fleet_day_at(f, d)->tokens_served;
    }
    double cost = s->depreciation_usd + s->power_usd + s->cloud_payments_usd;
    assert_close(aif_fleet_usd_per_million_tokens(f), cost / (tokens / 1e6), 1e-9);
    /* At 0% the NPV is the plain sum of the years' free cash flows. */
    aif_fleet_year ys[6];
    assert_int_equal(aif_fleet_years(f, ys, 6), AIF_OK);
    double fcf = 0;
    for (size_t i = 0; i < 6; i++) {
        fcf += ys[i].free_cash_flow_usd;
    }
    assert_close(aif_fleet_npv_of_ledger(aif_fleet_ledger(f), 0), fcf, 1e-12);
    assert_close(fcf,
                 s->revenue_usd - s->revenue_share_usd - s->capex_usd - s->power_usd -
                     s->cloud_payments_usd,
                 1e-12);
    /* The run's NPV uses the scenario's default 10%. Discounting makes it more negative than
     * the sum: with revenue at $5 per million tokens and elastic research, the late years'
     * revenue (3x a year API growth) outweighs the early spending, and counts for less. */
    assert_true(aif_fleet_wacc(f) == 0.10);
    assert_true(aif_fleet_npv(f) == aif_fleet_npv_of_ledger(aif_fleet_ledger(f), 0.10));
    assert_true(aif_fleet_npv(f) < fcf);
}

static void npv_hand_built(void **state) {
    (void)state;
    aif_ledger *l = NULL;
    assert_int_equal(aif_ledger_create(NULL, &l), AIF_OK);
    /* -$100 now, +$110 in a year: worth 0 at 10%, $10 at 0%. Financing and book entries
     * are not free cash flow. */
    assert_int_equal(aif_ledger_post(l, 0, AIF_LEDGER_CAPEX, 10000, 0), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 0, AIF_LEDGER_TRANCHE, 5000, 0), AIF_OK);
    assert_int_equal(aif_ledger_post(l, 0, AIF_LEDGER_EQUITY, 7000, 0), AIF_OK);
    assert_int_equal(aif_ledger_post(l, AIF_NS_PER_YEAR / 2, AIF_LEDGER_DEPRECIATION, 3000, 0),
                     AIF_OK);
    assert_int_equal(aif_ledger_post(l, AIF_NS_PER_YEAR, AIF_LEDGER_REVENUE, 11000, 0), AIF_OK);
    assert_true(fabs(aif_fleet_npv_of_ledger(l, 0.10)) < 1e-9);
    assert_true(fabs(aif_fleet_npv_of_ledger(l, 0) - 10.0) < 1e-9);
    /* Two years on, power and a revenue share: -$121 + $100 discounted twice at 10%,
     * and half a year at 21% is a factor 1.1. */
    aif_ledger *m = NULL;
    assert_int_equal(aif_ledger_create(NULL, &m), AIF_OK);
    assert_int_equal(aif_ledger_post(m, 2 * AIF_NS_PER_YEAR, AIF_LEDGER_REVENUE, 12100, 0), AIF_OK);
    assert_int_equal(aif_ledger_post(m, 2 * AIF_NS_PER_YEAR, AIF_LEDGER_POWER, 2100, 0), AIF_OK);
    assert_true(fabs(aif_fleet_npv_of_ledger(m, 0.10) - 100.0 / 1.21) < 1e-9);
    aif_ledger *h = NULL;
    assert_int_equal(aif_ledger_create(NULL, &h), AIF_OK);
    assert_int_equal(aif_ledger_post(h, AIF_NS_PER_YEAR / 2, AIF_LEDGER_REVENUE_SHARE, 1100, 0),
                     AIF_OK);
    assert_true(fabs(aif_fleet_npv_of_ledger(h, 0.21) + 10.0) < 1e-9);
    /* Rates outside [0, 1] and no ledger have no value. */
    assert_true(isnan(aif_fleet_npv_of_ledger(l, -0.01)));
    assert_true(isnan(aif_fleet_npv_of_ledger(l, 1.01)));
    assert_true(isnan(aif_fleet_npv_of_ledger(NULL, 0.1)));
    aif_ledger_destroy(l);
    aif_ledger_destroy(m);
    aif_ledger_destroy(h);
}

static void errors(void **state) {
    const loaded *l = *state;
    aif_fleet_year ys[6];
    assert_int_equal(aif_fleet_years(NULL, ys, 6), AIF_EINVAL);
    assert_int_equal(aif_fleet_years(l->f, NULL, 6), AIF_EINVAL);
    assert_int_equal(aif_fleet_years(l->f, ys, 5), AIF_EINVAL);
    assert_int_equal(aif_fleet_year_count(NULL), 0);
    aif_fleet *fresh = NULL;
    assert_int_equal(aif_fleet_create(NULL, &l->in, &fresh, NULL), AIF_OK);
    assert_int_equal(aif_fleet_years(fresh, ys, 6), AIF_EINVAL); /* not run */
    aif_fleet_destroy(fresh);
}

/* economics.wacc: 10% unless given, a fraction in [0, 1] ("8%" or 0.08). */
static void wacc_binding(void **state) {
    (void)state;
    static const struct {
        const char *set;
        double wacc;
        bool ok;
    } cases[] = {{NULL, 0.10, true},
                 {"economics.wacc=8%", 0.08, true},
                 {"economics.wacc=0", 0, true},
                 {"economics.wacc=1.5", 0, false},
                 {"economics.wacc=-1%", 0, false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_scenario *sc = NULL;
        assert_int_equal(aif_scenario_create(NULL, &sc), AIF_OK);
        if (cases[i].set) {
            assert_int_equal(aif_scenario_set(sc, cases[i].set), AIF_OK);
        }
        aif_status st = aif_scenario_load_default(sc);
        assert_int_equal(st == AIF_OK, cases[i].ok);
        if (cases[i].ok) {
            assert_true(aif_scenario_economics_get(sc)->wacc == cases[i].wacc);
        } else {
            const aif_error_list *errs = aif_scenario_errors(sc);
            assert_true(errs->count > 0);
            assert_non_null(strstr(errs->items[0].message, "economics.wacc"));
        }
        aif_scenario_destroy(sc);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(years_add_up),
        cmocka_unit_test(capacity_by_origin),
        cmocka_unit_test(cost_per_token_and_npv_of_run),
        cmocka_unit_test(npv_hand_built),
        cmocka_unit_test(errors),
        cmocka_unit_test(wacc_binding),
    };
    return cmocka_run_group_tests(tests, run_default, free_default);
}
