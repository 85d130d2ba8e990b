/* A generator of valid-but-extreme scenarios: what `validate` accepts, `run` completes.
 * From a small scenario that exercises every section (one month, one site, a cloud, a
 * commitment, a ROFR, a trigger, a revenue share, investments, inference with an API, a
 * frontier run, research, failures, economics, catalog numbers), each of DRAWS seeded draws
 * overrides one to three numeric keys with values at and near the documented limits
 * (scenario_types.h, catalog.h), zeros, and tiny and huge magnitudes. Every draw is
 * validated: a refusal must carry positioned messages. An accepted draw is simulated and
 * recorded when its values keep the run cheap (a few keys scale the work with their value:
 * those beyond `run_max` are only validated, their products are limits of their own): the
 * run must finish and record no infinite number. Only a catalog system that cannot make the
 * run's procurement block (a run option, not the scenario's) may be refused, with a message,
 * when the run starts. Under ASan and UBSan this proves the binder's limits hold the
 * engine's arithmetic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/fleet.h"
#include "aifactory/record.h"
#include "aifactory/rng.h"
#include "aifactory/scenario.h"

#define DRAWS 500
#define SEED  17

static const char base_yaml[] =
    "aifactory: 1\n"
    "simulation: {start: 2026-01-01, end: 2026-02-01}\n"
    "catalog:\n"
    "  packages:\n"
    "    gb200:\n"
    "      dies: {default: 2, source: https://example.org, confidence: L}\n"
    "      dense_tflops: {bf16: {default: 2500, source: https://example.org, confidence: L}}\n"
    "      hbm_gb: {default: 186, source: https://example.org, confidence: L}\n"
    "  systems:\n"
    "    gb200-nvl72:\n"
    "      packages: {default: 72, source: https://example.org, confidence: L}\n"
    "      it_power_kw: {default: 132, source: https://example.org, confidence: L}\n"
    "      price_usd: {default: 3.9e6, source: https://example.org, confidence: L}\n"
    "  facility:\n"
    "    pue: {default: 1.2, source: https://example.org, confidence: L}\n"
    "    capex_usd_per_mw: {default: 1.2e7, source: https://example.org, confidence: L}\n"
    "    power_price_usd_per_mwh: {default: 70, source: https://example.org, confidence: L}\n"
    "    it_life_years: {default: 5, source: https://example.org, confidence: L}\n"
    "    facility_life_years: {default: 14, source: https://example.org, confidence: L}\n"
    "providers:\n"
    "  - {id: me, kind: own, lead_time: 1 month}\n"
    "  - {id: cloudco, kind: cloud, price_per_gpu_hour: $3.40, lead_time: 2 months}\n"
    "sites:\n"
    "  - id: campus\n"
    "    provider: me\n"
    "    phases:\n"
    "      - {system: gb200-nvl72, power: 100 MW, ready: 2026-01, block: 25 MW,\n"
    "         block_interval: 1 week, service_life: 5 years, pue: 1.2}\n"
    "  - id: rented\n"
    "    provider: cloudco\n"
    "    phases:\n"
    "      - {system: hgx-h100, power: 50 MW, ready: 2025-06, retire: 2030-01}\n"
    "contracts:\n"
    "  commitments:\n"
    "    - {name: c1, provider: cloudco, total: $1B, start: 2026-01, term: 2 years,\n"
    "       capacity: 50 MW, price_per_gpu_hour: $3}\n"
    "  rofr:\n"
    "    - {holder: cloudco, from: 2026-01-01, to: 2026-07-01, accept: price_at_most,\n"
    "       max_price_per_gpu_hour: $3}\n"
    "  triggers:\n"
    "    - {name: agi, compute: 1e25 FLOP}\n"
    "  revenue_share:\n"
    "    - {name: rs, partner: cloudco, fraction: 20%, until: agi}\n"
    "investments:\n"
    "  tranches:\n"
    "    - {name: t1, vendor: nvidia, amount: $1B, per: 25 MW, cap: $10B}\n"
    "  warrants:\n"
    "    - {name: w1, vendor: nvidia, shares: 1M, per_step: 100k, per: 25 MW, strike: $1,\n"
    "       share_price: $10}\n"
    "  equity_rounds:\n"
    "    - {name: e1, amount: $1B, date: 2026-01-15}\n"
    "demand:\n"
    "  inference:\n"
    "    wau:\n"
    "      logistic: {cap: 50M, midpoint: 2026-01-15, rate_per_year: 1.3}\n"
    "    dau_per_wau: 0.4\n"
    "    prompts_per_dau: 5\n"
    "    classes:\n"
    "      - {name: chat, model: llama3.1-70b, share: 1, input_tokens: 2000,\n"
    "         output_tokens: 500}\n"
    "    api: {tokens_per_min: 10M, date: 2026-01-01, growth_per_year: 2, class: chat}\n"
    "  training:\n"
    "    frontier_runs:\n"
    "      - {name: run1, compute: 1e22 FLOP, gpus: 1000, earliest_start: 2026-01-05}\n"
    "    research:\n"
    "      arrivals_per_day: 20\n"
    "      gpus: {dist: lognormal, median: 8, sigma: 1.5}\n"
    "      duration: {dist: lognormal, median: 2 h, sigma: 1.5}\n"
    "      max_gpus: 512\n"
    "failures:\n"
    "  interruptions_per_gpu_year: 0.17\n"
    "  hardware_fraction: 0.5\n"
    "  repair_time: 2 days\n"
    "  checkpoint_interval: 10 min\n"
    "  restart_cost: 5 min\n"
    "economics:\n"
    "  power_price: 70 $/MWh\n"
    "  capex_per_mw: $12M\n"
    "  it_life: 5 years\n"
    "  facility_life: 14 years\n"
    "  revenue_per_million_tokens: $2\n"
    "  subscription_per_month: $20\n"
    "  paying_fraction: 5%\n";

typedef enum kind { DUR, POWER, MONEY, COUNT, NUM, FRACTION, DATE, FLOP, ENERGY } kind;

typedef struct key {
    const char *path;
    kind k;
    /* The run is skipped (validation only) when a drawn magnitude exceeds this: these keys
     * scale the simulated work with their value. 0 = no limit. */
    double run_max;
} key;

static const key keys[] = {
    {"simulation.end", DATE, -1},
    {"simulation.seed", NUM, 0},
    {"providers.0.lead_time", DUR, 0},
    {"providers.1.lead_time", DUR, 0},
    {"providers.1.price_per_gpu_hour", MONEY, 0},
    {"sites.0.phases.0.power", POWER, 0},
    {"sites.0.phases.0.block", POWER, 0},
    {"sites.0.phases.0.pue", NUM, 0},
    {"sites.0.phases.0.ready", DATE, 0},
    {"sites.0.phases.0.block_interval", DUR, 0},
    {"sites.0.phases.0.service_life", DUR, 0},
    {"sites.1.phases.0.power", POWER, 0},
    {"sites.1.phases.0.retire", DATE, 0},
    {"contracts.commitments.0.total", MONEY, 0},
    {"contracts.commitments.0.term", DUR, 0},
    {"contracts.commitments.0.capacity", POWER, 0},
    {"contracts.commitments.0.price_per_gpu_hour", MONEY, 0},
    {"contracts.commitments.0.start", DATE, 0},
    {"contracts.rofr.0.max_price_per_gpu_hour", MONEY, 0},
    {"contracts.rofr.0.to", DATE, 0},
    {"contracts.triggers.0.compute", FLOP, 0},
    {"contracts.revenue_share.0.fraction", FRACTION, 0},
    {"investments.tranches.0.amount", MONEY, 0},
    {"investments.tranches.0.per", POWER, 0},
    {"investments.tranches.0.cap", MONEY, 0},
    {"investments.warrants.0.shares", COUNT, 0},
    {"investments.warrants.0.per_step", COUNT, 0},
    {"investments.warrants.0.per", POWER, 0},
    {"investments.warrants.0.strike", MONEY, 0},
    {"investments.warrants.0.share_price", MONEY, 0},
    {"investments.equity_rounds.0.amount", MONEY, 0},
    {"investments.equity_rounds.0.date", DATE, 0},
    {"demand.inference.wau.logistic.cap", COUNT, 0},
    {"demand.inference.wau.logistic.rate_per_year", NUM, 0},
    {"demand.inference.wau.logistic.midpoint", DATE, 0},
    {"demand.inference.dau_per_wau", FRACTION, 0},
    {"demand.inference.prompts_per_dau", NUM, 0},
    {"demand.inference.classes.0.input_tokens", COUNT, 0},
    {"demand.inference.classes.0.output_tokens", COUNT, 0},
    {"demand.inference.api.tokens_per_min", COUNT, 0},
    {"demand.inference.api.growth_per_year", NUM, 0},
    {"demand.inference.api.date", DATE, 0},
    {"demand.training.frontier_runs.0.compute", FLOP, 0},
    {"demand.training.frontier_runs.0.gpus", COUNT, 1e6},
    {"demand.training.frontier_runs.0.earliest_start", DATE, 0},
    {"demand.training.research.arrivals_per_day", NUM, 200},
    {"demand.training.research.max_gpus", COUNT, 0},
    {"demand.training.research.gpus.median", COUNT, 0},
    {"demand.training.research.gpus.sigma", NUM, 0},
    {"demand.training.research.duration.median", DUR, 0},
    {"demand.training.research.duration.sigma", NUM, 0},
    {"demand.training.research.preemptible_fraction", FRACTION, 0},
    {"failures.interruptions_per_gpu_year", NUM, 1},
    {"failures.hardware_fraction", FRACTION, 0},
    {"failures.repair_time", DUR, 0},
    {"failures.checkpoint_interval", DUR, 0},
    {"failures.restart_cost", DUR, 0},
    {"economics.power_price", ENERGY, 0},
    {"economics.capex_per_mw", MONEY, 0},
    {"economics.it_life", DUR, 0},
    {"economics.facility_life", DUR, 0},
    {"economics.revenue_per_million_tokens", MONEY, 0},
    {"economics.subscription_per_month", MONEY, 0},
    {"economics.paying_fraction", FRACTION, 0},
    /* The catalog numbers a run plans with, merged over the built-in catalog. */
    {"catalog.systems.gb200-nvl72.packages.default", COUNT, 0},
    {"catalog.systems.gb200-nvl72.it_power_kw.default", NUM, 0},
    {"catalog.systems.gb200-nvl72.price_usd.default", NUM, 0},
    {"catalog.packages.gb200.dies.default", COUNT, 0},
    {"catalog.packages.gb200.dense_tflops.bf16.default", NUM, 0},
    {"catalog.packages.gb200.hbm_gb.default", NUM, 0},
    {"catalog.facility.pue.default", NUM, 0},
    {"catalog.facility.capex_usd_per_mw.default", NUM, 0},
    {"catalog.facility.power_price_usd_per_mwh.default", NUM, 0},
    {"catalog.facility.it_life_years.default", NUM, 0},
    {"catalog.facility.facility_life_years.default", NUM, 0},
};
#define KEY_COUNT (sizeof keys / sizeof keys[0])

/* Magnitudes at and around the limits of scenario_types.h, and the far ends of a double. */
static const double specials[] = {
    0,    1e-300, 1e-9, 1e-3,      1,    2,       1e4,  1e4 * 1.0001, 1e5,  1e9,     1e10,
    1e11, 1.1e11, 1e12, 1.0001e12, 1e15, 1.01e15, 1e18, 1.01e18,      1e35, 1.01e35, 1e300};

/* Durations in seconds near the limits: 365 days, 50 years (Julian), and beyond. */
static const double dur_specials[] = {0,        1e-9,       1,          3600,  31536000,
                                      31536001, 1577880000, 1577880001, 9.2e9, 1e12};

static const int years[] = {1969, 1970, 1971, 2000, 2025, 2026, 2027, 2099, 2100, 2101, 9999};

/* A magnitude: half the time one of the specials, else 10^U(-12, 40). */
static double magnitude(aif_rng *r, const double *sp, size_t n) {
    if (aif_rng_uniform(r) < 0.5) {
        return sp[(size_t)(aif_rng_uniform(r) * (double)n) % n];
    }
    return pow(10.0, -12.0 + 52.0 * aif_rng_uniform(r));
}

/* The text of one value of kind `k` into buf; its magnitude (for run_max) in *mag. */
static void draw_value(aif_rng *r, kind k, char *buf, size_t n, double *mag) {
    const size_t ns = sizeof specials / sizeof specials[0];
    double v = k == DUR ? magnitude(r, dur_specials, sizeof dur_specials / sizeof dur_specials[0])
                        : magnitude(r, specials, ns);
    *mag = v;
    switch (k) {
    case DUR:
        snprintf(buf, n, "%.17g s", v);
        break;
    case POWER:
        snprintf(buf, n, "%.17g W", v);
        break;
    case MONEY:
        snprintf(buf, n, "$%.17g", v);
        break;
    case FLOP:
        snprintf(buf, n, "%.17g FLOP", v);
        break;
    case ENERGY:
        snprintf(buf, n, "%.17g $/MWh", v);
        break;
    case FRACTION:
        v = aif_rng_uniform(r) < 0.5 ? (double)(aif_rng_uniform(r) < 0.5) : aif_rng_uniform(r);
        *mag = v;
        snprintf(buf, n, "%.17g", v);
        break;
    case DATE: {
        int y = years[(size_t)(aif_rng_uniform(r) * 11) % 11];
        *mag = (double)y;
        snprintf(buf, n, "%d-%02d-01", y, 1 + (int)(aif_rng_uniform(r) * 12) % 12);
        break;
    }
    default:
        snprintf(buf, n, "%.17g", v);
        break;
    }
}

/* A sink that keeps nothing and checks that no number is infinite (JSON has no inf). */
typedef struct check_sink {
    size_t records;
    size_t infinite;
} check_sink;

static check_sink *cs(const aif_record_sink *s) {
    return s->ctx;
}
static aif_status count(const aif_record_sink *s, double v) {
    cs(s)->records++;
    cs(s)->infinite += isinf(v) != 0;
    return AIF_OK;
}
static aif_status s_param(const aif_record_sink *s, const char *name, const char *value,
                          const char *unit) {
    (void)name, (void)value, (void)unit;
    return count(s, 0);
}
static aif_status s_metric(const aif_record_sink *s, const char *name, double value,
                           const char *unit) {
    (void)name, (void)unit;
    return count(s, value);
}
static aif_status s_series(const aif_record_sink *s, const char *chart, const char *name,
                           const char *unit, int64_t *id) {
    (void)chart, (void)name, (void)unit;
    *id = (int64_t)cs(s)->records;
    return count(s, 0);
}
static aif_status s_point(const aif_record_sink *s, int64_t id, double t, double v) {
    (void)id;
    count(s, t);
    return count(s, v);
}
static aif_status s_event(const aif_record_sink *s, double t, const char *kind_name,
                          const char *subject, const char *detail) {
    (void)kind_name, (void)subject;
    assert_true(detail == NULL || strstr(detail, "inf") == NULL || strstr(detail, "\"") != NULL);
    return count(s, t);
}
static aif_status s_ledger(const aif_record_sink *s, const aif_record_ledger_entry *e) {
    (void)e;
    return count(s, 0);
}
static aif_status s_job(const aif_record_sink *s, const aif_record_job *j) {
    (void)j;
    return count(s, 0);
}
static aif_status s_contract(const aif_record_sink *s, const aif_record_contract *c) {
    return count(s, c->value_usd);
}
static aif_status s_year(const aif_record_sink *s, const aif_record_year *y) {
    count(s, y->cash_position_usd);
    return count(s, y->gross_margin_usd);
}
static aif_status s_frontier_run(const aif_record_sink *s, const aif_record_frontier_run *r) {
    return count(s, r->gpus);
}
static const aif_record_sink_ops check_ops = {s_param, s_metric,      s_series, s_point,
                                              s_event, s_ledger,      s_job,    s_contract,
                                              s_year,  s_frontier_run};

/* Every message of a refusal is positioned, short and says which key. */
static void check_refusal(const aif_scenario *sc) {
    const aif_error_list *errs = aif_scenario_errors(sc);
    assert_true(errs->count > 0);
    const aif_error *e;
    for (size_t i = 0; (e = aif_error_list_at(errs, i)) != NULL; i++) {
        assert_non_null(e->file);
        assert_true(e->line >= 1);
        assert_true(e->message[0] != '\0');
    }
}

typedef struct tally {
    int accepted, refused, ran, procure_refused;
} tally;

static void one_draw(aif_rng *r, int draw, tally *t) {
    aif_scenario *sc = NULL;
    assert_int_equal(aif_scenario_create(NULL, &sc), AIF_OK);
    int n = 1 + (int)(aif_rng_uniform(r) * 3);
    bool cheap = true;
    char sets[3][160];
    for (int i = 0; i < n; i++) {
        const key *k = &keys[(size_t)(aif_rng_uniform(r) * (double)KEY_COUNT) % KEY_COUNT];
        char value[96];
        double mag = 0;
        draw_value(r, k->k, value, sizeof value, &mag);
        snprintf(sets[i], sizeof sets[i], "%s=%s", k->path, value);
        assert_int_equal(aif_scenario_set(sc, sets[i]), AIF_OK);
        cheap = cheap && (k->run_max == 0 || (k->run_max > 0 && mag <= k->run_max));
    }
    aif_status st = aif_scenario_load_string(sc, "extreme.yaml", base_yaml, sizeof base_yaml - 1);
    if (st != AIF_OK) {
        assert_int_equal(st, AIF_EPARSE);
        check_refusal(sc);
        t->refused++;
        aif_scenario_destroy(sc);
        return;
    }
    t->accepted++;
    if (cheap) {
        aif_fleet_input in;
        assert_int_equal(aif_fleet_input_from_scenario(sc, &in), AIF_OK);
        in.options.procure_system_id = "gb200-nvl72";
        aif_fleet *f = NULL;
        aif_error err = {0};
        st = aif_fleet_create(NULL, &in, &f, &err);
        /* The procurement block is a run option (500 MW of the procurement system), not the
         * scenario's: a catalog system that cannot make one is refused when the run starts,
         * with a message, before anything is simulated. */
        if (st != AIF_OK && strncmp(err.message, "procurement system: ", 20) == 0) {
            t->procure_refused++;
            aif_scenario_destroy(sc);
            return;
        }
        if (st == AIF_OK) {
            st = aif_fleet_run(f, NULL, NULL);
        }
        check_sink c = {0};
        aif_record_sink sink = {&check_ops, &c, 1};
        if (st == AIF_OK) {
            st = aif_fleet_record(NULL, f, &sink);
        }
        if (st != AIF_OK || c.infinite > 0) {
            print_message("draw %d: %s %s %s -> status %d (%s), %zu infinite numbers\n", draw,
                          sets[0], n > 1 ? sets[1] : "", n > 2 ? sets[2] : "", (int)st, err.message,
                          c.infinite);
        }
        assert_int_equal(st, AIF_OK);
        assert_int_equal(c.infinite, 0);
        t->ran++;
        aif_fleet_destroy(f);
    }
    aif_scenario_destroy(sc);
}

/* The base scenario itself binds and runs. */
static void base_runs(void **state) {
    (void)state;
    aif_scenario *sc = NULL;
    assert_int_equal(aif_scenario_create(NULL, &sc), AIF_OK);
    aif_status st = aif_scenario_load_string(sc, "extreme.yaml", base_yaml, sizeof base_yaml - 1);
    const aif_error *e = aif_error_list_at(aif_scenario_errors(sc), 0);
    if (e != NULL) {
        print_message("%s:%lu:%lu: %s\n", e->file, e->line, e->col, e->message);
    }
    assert_int_equal(st, AIF_OK);
    aif_scenario_destroy(sc);
}

static void extreme_draws(void **state) {
    (void)state;
    aif_rng r;
    /* AIF_EXTREME_SEED explores other draws by hand; the test itself uses SEED. */
    const char *env = getenv("AIF_EXTREME_SEED");
    aif_rng_seed(&r, env ? strtoull(env, NULL, 10) : SEED, 0);
    tally t = {0};
    for (int d = 0; d < DRAWS; d++) {
        one_draw(&r, d, &t);
    }
    print_message("%d draws: %d refused, %d accepted, %d simulated, %d procurement refused\n",
                  DRAWS, t.refused, t.accepted, t.ran, t.procure_refused);
    /* The draws must exercise both sides of the limits. */
    assert_true(t.refused > DRAWS / 10);
    assert_true(t.ran > DRAWS / 10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_runs),
        cmocka_unit_test(extreme_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
