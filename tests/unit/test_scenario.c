/* Unit tests for the scenario binder: the embedded default and the shipped scenarios bind
 * with the documented values and defaults; bad files list every error at its file:line:col;
 * --set overrides reach any scalar key; every allocation failure is reported cleanly. Data
 * files are found relative to this source file, so the tests run from any directory. */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/fleet.h"
#include "aifactory/scenario.h"

/* tests/unit/test_scenario.c -> the repository root. */
static void repo_path(char *buf, size_t n, const char *rel) {
    const char *here = __FILE__;
    const char *cut = strstr(here, "tests/unit/test_scenario.c");
    int len = cut ? (int)(cut - here) : 0;
    snprintf(buf, n, "%.*s%s", len, here, rel);
}

static aif_scenario *load_text(const char *text, const char *const *sets, size_t nsets,
                               aif_status expect) {
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    for (size_t i = 0; i < nsets; i++) {
        assert_int_equal(aif_scenario_set(s, sets[i]), AIF_OK);
    }
    assert_int_equal(aif_scenario_load_string(s, "t.yaml", text, strlen(text)), expect);
    return s;
}

static const char *const minimal =
    "aifactory: 1\n"
    "simulation: {start: 2026-01-01, end: 2027-01-01}\n"
    "providers:\n"
    "  - {id: me, kind: own}\n"
    "sites:\n"
    "  - id: s1\n"
    "    provider: me\n"
    "    phases:\n"
    "      - {system: gb200-nvl72, power: 1GW, ready: 2026-07, block: 300MW, "
    "block_interval: 1 month}\n";

static void default_scenario_binds(void **state) {
    (void)state;
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_load_default(s), AIF_OK);
    assert_int_equal(aif_scenario_errors(s)->count, 0);
    assert_string_equal(aif_scenario_name(s), "openai-nvidia-10gw");
    const aif_scenario_simulation *sim = aif_scenario_simulation_get(s);
    assert_int_equal(sim->start_date.year, 2025);
    assert_int_equal(sim->start_date.month, 9);
    assert_int_equal(sim->demand_step, AIF_NS_PER_HOUR);
    /* The Nvidia programme: 1 GW in H2 2026 then 9 GW in 250 MW blocks, 10 GW by 2029-12. */
    size_t nv = aif_scenario_site_find(s, "nvidia-10gw");
    assert_true(nv != AIF_SCENARIO_NONE);
    const aif_scenario_site *site = aif_scenario_site_at(s, nv);
    assert_int_equal(site->phase_count, 2);
    assert_string_equal(site->phases[0].system->id, "vr-nvl144");
    assert_int_equal(site->phases[0].block_count, 1);
    assert_int_equal(site->phases[0].blocks[0].online,
                     aif_date_to_sim((aif_date){2026, 7, 1}, sim->start_date));
    const aif_scenario_phase *ramp = &site->phases[1];
    assert_int_equal(ramp->block_count, 36);
    double total = 0;
    for (size_t k = 0; k < ramp->block_count; k++) {
        total += ramp->blocks[k].power_w;
    }
    assert_true(total == 9e9);
    aif_date last = aif_sim_to_date(ramp->blocks[35].online, sim->start_date);
    assert_int_equal(last.year, 2029);
    assert_int_equal(last.month, 12);
    /* Tranches: $10B per GW up to $100B, counting the Nvidia programme only. */
    const aif_scenario_investments *inv = aif_scenario_investments_get(s);
    assert_int_equal(inv->tranche_count, 1);
    assert_true(inv->tranches[0].amount_usd == 10e9);
    assert_true(inv->tranches[0].cap_usd == 100e9);
    assert_true(inv->tranches[0].step_w == 1e9);
    assert_int_equal(inv->tranches[0].provider, aif_scenario_provider_find(s, "nvidia-programme"));
    /* The ROFR ends on 2025-10-28. */
    const aif_scenario_contracts *k = aif_scenario_contracts_get(s);
    assert_int_equal(k->rofr_count, 1);
    assert_int_equal(k->rofrs[0].to, aif_date_to_sim((aif_date){2025, 10, 28}, sim->start_date));
    assert_int_equal(k->rofrs[0].holder, aif_scenario_provider_find(s, "azure"));
    assert_true(k->commitments[0].total_usd == 300e9);
    assert_true(k->revenue_shares[0].fraction == 0.2);
    assert_int_equal(k->revenue_shares[0].until_trigger, 0);
    /* Demand: WAU is a logistic fitted to the published points (src S5 rows 1-4) with a 3B
     * ceiling: within 3% of 700M (2025-08) and 800M (2025-10-06), 2.96B on 2030-01-01;
     * profiles have mean 1. */
    aif_time aug = aif_date_to_sim((aif_date){2025, 8, 1}, sim->start_date);
    aif_time oct = aif_date_to_sim((aif_date){2025, 10, 6}, sim->start_date);
    aif_time y2030 = aif_date_to_sim((aif_date){2030, 1, 1}, sim->start_date);
    aif_time mid = aif_date_to_sim((aif_date){2026, 7, 16}, sim->start_date);
    assert_true(fabs(aif_scenario_wau_at(s, aug) / 700e6 - 1) < 0.03);
    assert_true(fabs(aif_scenario_wau_at(s, oct) / 800e6 - 1) < 0.03);
    assert_true(fabs(aif_scenario_wau_at(s, mid) - 1.5e9) < 1.0);
    double years = (double)(y2030 - mid) / ((double)AIF_NS_PER_YEAR);
    assert_true(fabs(aif_scenario_wau_at(s, y2030) / (3e9 / (1 + exp(-1.28 * years))) - 1) < 1e-12);
    assert_true(fabs(aif_scenario_wau_at(s, y2030) - 2.965e9) < 1e6);
    const aif_scenario_inference *in = aif_scenario_inference_get(s);
    double sum = 0;
    for (int h = 0; h < 24; h++) {
        sum += in->diurnal[h];
    }
    assert_true(sum > 24 - 1e-9 && sum < 24 + 1e-9);
    assert_true(in->api_tokens_per_s == 1e8);
    const aif_scenario_failures *f = aif_scenario_failures_get(s);
    assert_true(in->api_growth_per_year == 3);
    /* Frontier runs 2026..2030 on Epoch's 4x a year from GPT-4: 1e27, 4e27, 1.6e28, then
     * held at 1.6e28; each a Llama 3.1 405B-shaped model. */
    const aif_scenario_training *tr = aif_scenario_training_get(s);
    assert_int_equal(tr->frontier_run_count, 5);
    assert_true(tr->frontier_runs[0].compute_flop == 1e27);
    assert_true(tr->frontier_runs[1].compute_flop == 4e27);
    assert_true(tr->frontier_runs[2].compute_flop == 1.6e28);
    assert_true(tr->frontier_runs[4].compute_flop == 1.6e28);
    assert_true(tr->frontier_runs[4].gpus == 800e3);
    assert_non_null(tr->frontier_runs[0].model);
    assert_string_equal(tr->frontier_runs[0].model->id, "llama3.1-405b");
    /* Failures: the Llama 3 rate; Young's checkpoint interval (none given) at a 30 s
     * checkpoint cost, 1 min restarts. */
    assert_true(f->interruptions_per_gpu_year == 0.17);
    assert_int_equal(f->checkpoint_interval, 0);
    assert_int_equal(f->checkpoint_cost, 30 * AIF_NS_PER_S);
    assert_int_equal(f->restart_cost, 60 * AIF_NS_PER_S);
    aif_scenario_destroy(s);
}

static void shipped_files_bind(void **state) {
    (void)state;
    const char *files[] = {"data/scenarios/openai-nvidia-10gw.yaml",
                           "data/scenarios/loi-collapsed.yaml", "data/scenarios/no-rofr.yaml"};
    for (size_t i = 0; i < 3; i++) {
        char path[1024];
        repo_path(path, sizeof path, files[i]);
        aif_scenario *s = NULL;
        assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
        assert_int_equal(aif_scenario_load_file(s, path), AIF_OK);
        const aif_scenario_investments *inv = aif_scenario_investments_get(s);
        const aif_scenario_contracts *k = aif_scenario_contracts_get(s);
        if (i == 1) {
            assert_int_equal(inv->tranche_count, 0);
            assert_int_equal(inv->equity_round_count, 1);
            assert_true(inv->equity_rounds[0].amount_usd == 30e9);
        } else {
            assert_int_equal(inv->tranche_count, 1);
        }
        assert_int_equal(k->rofr_count, i == 2 ? 0 : 1);
        aif_scenario_destroy(s);
    }
}

static void minimal_defaults_and_blocks(void **state) {
    (void)state;
    aif_scenario *s = load_text(minimal, NULL, 0, AIF_OK);
    assert_string_equal(aif_scenario_name(s), "t");
    assert_int_equal(aif_scenario_simulation_get(s)->seed, 1);
    const aif_scenario_phase *ph = &aif_scenario_site_at(s, 0)->phases[0];
    assert_int_equal(ph->power_basis, AIF_POWER_FACILITY);
    assert_int_equal(ph->block_count, 4);
    assert_true(ph->blocks[3].power_w == 1e9 - 3 * 300e6);
    /* block_interval: 1 month steps calendar months from 2026-07-01. */
    for (int k = 0; k < 4; k++) {
        aif_date d = aif_sim_to_date(ph->blocks[k].online, (aif_date){2026, 1, 1});
        assert_int_equal(d.year, 2026);
        assert_int_equal(d.month, 7 + k);
        assert_int_equal(d.day, 1);
        assert_int_equal(ph->blocks[k].online, aif_date_to_sim(d, (aif_date){2026, 1, 1}));
    }
    /* The 5-year service life ends on the calendar: 2031-07-01. */
    assert_int_equal(ph->blocks[0].retire,
                     aif_date_to_sim((aif_date){2031, 7, 1}, (aif_date){2026, 1, 1}));
    assert_false(aif_scenario_inference_get(s)->present);
    assert_true(aif_scenario_economics_get(s)->power_price[0].value == 73);
    assert_true(aif_scenario_failures_get(s)->hardware_fraction == 0.587);
    aif_scenario_destroy(s);
}

/* The supply keys: procurement beyond the sites (off unless given), a site's decision date,
 * a research budget, and a commitment that must be backed by its provider's sites. */
static void supply_keys(void **state) {
    (void)state;
    /* Without contracts.procurement there is none; with it, its values and defaults. */
    aif_scenario *s = load_text(minimal, NULL, 0, AIF_OK);
    assert_false(aif_scenario_contracts_get(s)->procurement.enabled);
    assert_int_equal(aif_scenario_site_at(s, 0)->decided_at, AIF_TIME_MIN);
    aif_scenario_destroy(s);
    const char *const on[] = {"contracts.procurement.cap=2 GW",
                              "sites.0.decided=2025-12-20",
                              "demand.training.research.budget_share=50%",
                              "demand.training.research.arrivals_per_day=10",
                              "demand.training.research.gpus.dist=constant",
                              "demand.training.research.gpus.value=8",
                              "demand.training.research.duration.dist=constant",
                              "demand.training.research.duration.value=1 h"};
    s = load_text(minimal, on, 8, AIF_OK);
    const aif_scenario_procurement *p = &aif_scenario_contracts_get(s)->procurement;
    assert_true(p->enabled && p->cap_w == 2e9 && p->block_w == 500e6 && p->threshold == 1.0);
    assert_string_equal(p->system_id, "vr-nvl144");
    assert_int_equal(aif_scenario_site_at(s, 0)->decided_at, -12 * AIF_NS_PER_DAY);
    assert_true(aif_scenario_training_get(s)->research.budget_share == 0.5);
    aif_fleet_input in;
    assert_int_equal(aif_fleet_input_from_scenario(s, &in), AIF_OK);
    assert_int_equal(in.options.max_orders, 4);
    aif_scenario_destroy(s);
    const char *const off[] = {"contracts.procurement.enabled=false"};
    s = load_text(minimal, off, 1, AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(s, &in), AIF_OK);
    assert_int_equal(in.options.max_orders, 0);
    aif_scenario_destroy(s);
    /* Errors: a cap is required when enabled, an unknown system, a share above 1. */
    const char *const bad[][2] = {
        {"contracts.procurement.block=250 MW", NULL},
        {"contracts.procurement.cap=1 GW", "contracts.procurement.system=nope"},
        {"demand.training.research.budget_share=1.5",
         "demand.training.research.arrivals_per_day=10"}};
    const char *const want[] = {"contracts.procurement: missing required key 'cap'",
                                "contracts.procurement.system: unknown system 'nope'",
                                "budget_share"};
    for (size_t i = 0; i < 3; i++) {
        s = load_text(minimal, bad[i], bad[i][1] ? 2 : 1, AIF_EPARSE);
        bool found = false;
        for (size_t k = 0; k < aif_scenario_errors(s)->count; k++) {
            found |= strstr(aif_error_list_at(aif_scenario_errors(s), k)->message, want[i]) != NULL;
        }
        assert_true(found);
        aif_scenario_destroy(s);
    }
    /* A cloud commitment: $10B at $2/GPU-hour buys 5e9 GPU-hours over its 5 years; 1 GW of
     * GB200 (~413k GPUs) from 2026-07 to 2031-01 offers ~1.6e10, a 10x larger total does
     * not fit, unless it says so. */
    char text[2048];
    snprintf(text, sizeof text,
             "aifactory: 1\n"
             "simulation: {start: 2026-01-01, end: 2027-01-01}\n"
             "providers:\n"
             "  - {id: c, kind: cloud, price_per_gpu_hour: $2}\n"
             "sites:\n"
             "  - id: s1\n"
             "    provider: c\n"
             "    phases:\n"
             "      - {system: gb200-nvl72, power: 1GW, ready: 2026-07}\n"
             "contracts:\n"
             "  commitments:\n"
             "    - {name: k, provider: c, total: %s, start: 2026-01, term: 5 years%s}\n",
             "$10B", "");
    s = load_text(text, NULL, 0, AIF_OK);
    aif_scenario_destroy(s);
    char big[2048];
    snprintf(big, sizeof big, "%.*s$100B, start: 2026-01, term: 5 years}\n",
             (int)(strstr(text, "$10B") - text), text);
    s = load_text(big, NULL, 0, AIF_EPARSE);
    const aif_error *e = aif_error_list_at(aif_scenario_errors(s), 0);
    assert_int_equal(e->line, 12);
    assert_non_null(strstr(e->message, "contracts.commitments.0 (k): $1e+11 at $2.00 buys 5e+10 "
                                       "GPU-hours over its term, but c's sites offer"));
    assert_non_null(strstr(e->message, "allow_unbacked: true"));
    aif_scenario_destroy(s);
    snprintf(big, sizeof big, "%.*s$100B, start: 2026-01, term: 5 years, allow_unbacked: true}\n",
             (int)(strstr(text, "$10B") - text), text);
    s = load_text(big, NULL, 0, AIF_OK);
    assert_true(aif_scenario_contracts_get(s)->commitments[0].allow_unbacked);
    aif_scenario_destroy(s);
}

static void bad_file_lists_every_error(void **state) {
    (void)state;
    char path[1024];
    repo_path(path, sizeof path, "tests/data/scenarios/bad-many.yaml");
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_load_file(s, path), AIF_EPARSE);
    static const struct {
        int line, col;
        const char *needle;
    } want[] = {
        {10, 11, "did you mean 'cloud'"},
        {15, 17, "unknown system 'vr-nvl145'"},
        {16, 16, "expected a positive value"},
        {19, 15, "unknown provider 'nobody'"},
        {23, 21, "month"},
        {26, 7, "missing required key 'holder'"},
        {29, 7, "overlap"},
        {34, 3, "checkpoint_interval"},
    };
    assert_int_equal(aif_scenario_errors(s)->count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const aif_error *e = aif_error_list_at(aif_scenario_errors(s), i);
        assert_string_equal(e->file, path);
        assert_int_equal(e->line, want[i].line);
        assert_int_equal(e->col, want[i].col);
        assert_non_null(strstr(e->message, want[i].needle));
    }
    assert_null(aif_scenario_simulation_get(s));
    aif_scenario_destroy(s);
}

static void missing_file_and_bad_yaml(void **state) {
    (void)state;
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_load_file(s, "/nonexistent/x.yaml"), AIF_EIO);
    assert_int_equal(aif_scenario_errors(s)->count, 1);
    assert_int_equal(aif_error_list_at(aif_scenario_errors(s), 0)->line, 0);
    assert_int_equal(aif_scenario_load_default(s), AIF_ESTATE);
    aif_scenario_destroy(s);
    s = load_text("aifactory: 1\nsites: [\n", NULL, 0, AIF_EPARSE);
    assert_non_null(
        strstr(aif_error_list_at(aif_scenario_errors(s), 0)->message, "malformed YAML"));
    aif_scenario_destroy(s);
    s = load_text("aifactory: 2\n", NULL, 0, AIF_EPARSE);
    bool version_error = false;
    for (size_t i = 0; i < aif_scenario_errors(s)->count; i++) {
        const aif_error *e = aif_error_list_at(aif_scenario_errors(s), i);
        version_error |=
            strstr(e->message, "unsupported version 2") != NULL && e->line == 1 && e->col == 12;
    }
    assert_true(version_error);
    aif_scenario_destroy(s);
    /* A missing trace file is an error at the key that names it. */
    char text[2048];
    snprintf(text, sizeof text,
             "%sdemand:\n  training:\n    research: {trace: no-such-trace.csv}\n", minimal);
    s = load_text(text, NULL, 0, AIF_EPARSE);
    assert_int_equal(aif_scenario_errors(s)->count, 1);
    assert_int_equal(aif_error_list_at(aif_scenario_errors(s), 0)->line, 12);
    assert_non_null(
        strstr(aif_error_list_at(aif_scenario_errors(s), 0)->message, "cannot open trace file"));
    aif_scenario_destroy(s);
}

static void json_and_inline_catalog(void **state) {
    (void)state;
    const char *json =
        "{\"aifactory\": 1, \"catalog\": {\"systems\": {\"gb200-nvl72\": {\"it_power_kw\": "
        "{\"value\": 130, \"confidence\": \"M\", \"source\": \"test\"}}}},\n"
        " \"simulation\": {\"start\": \"2026-01-01\", \"end\": \"2027\"},\n"
        " \"providers\": [{\"id\": \"me\", \"kind\": \"own\"}],\n"
        " \"sites\": [{\"id\": \"s\", \"provider\": \"me\", \"phases\": [{\"system\": "
        "\"gb200-nvl72\", \"power\": \"1 GW\", \"ready\": \"2026\"}]}]}\n";
    aif_scenario *s = load_text(json, NULL, 0, AIF_OK);
    const aif_system *sys = aif_catalog_system_find(aif_scenario_catalog(s), "gb200-nvl72");
    assert_true(sys->it_power_kw.value == 130);
    aif_scenario_destroy(s);
    /* Catalog errors keep the scenario's line and column. */
    const char *bad = "aifactory: 1\ncatalog:\n  systems:\n    x1:\n      bogus: 1\n";
    s = load_text(bad, NULL, 0, AIF_EPARSE);
    bool found = false;
    for (size_t i = 0; i < aif_scenario_errors(s)->count; i++) {
        const aif_error *e = aif_error_list_at(aif_scenario_errors(s), i);
        if (strstr(e->message, "bogus")) {
            found = e->line == 5 && e->col == 7;
        }
    }
    assert_true(found);
    aif_scenario_destroy(s);
}

static void set_overrides(void **state) {
    (void)state;
    const char *sets[] = {"sites.0.phases.0.power=2GW", "simulation.seed=42",
                          "failures.restart_cost=30 min", "economics.paying_fraction=10%"};
    aif_scenario *s = load_text(minimal, sets, 4, AIF_OK);
    assert_true(aif_scenario_site_at(s, 0)->phases[0].power_w == 2e9);
    assert_int_equal(aif_scenario_simulation_get(s)->seed, 42);
    assert_int_equal(aif_scenario_failures_get(s)->restart_cost, 30 * AIF_NS_PER_MIN);
    assert_true(aif_scenario_economics_get(s)->paying_fraction == 0.1);
    aif_scenario_destroy(s);
    const char *bad[] = {"sites.5.id=x", "sites.0.phases.0.power=-2GW"};
    s = load_text(minimal, bad, 2, AIF_EPARSE);
    assert_int_equal(aif_scenario_errors(s)->count, 2);
    assert_string_equal(aif_error_list_at(aif_scenario_errors(s), 0)->file, "--set");
    assert_int_equal(aif_error_list_at(aif_scenario_errors(s), 0)->line, 1);
    assert_int_equal(aif_error_list_at(aif_scenario_errors(s), 0)->col, 7);
    assert_int_equal(aif_error_list_at(aif_scenario_errors(s), 1)->line, 2);
    assert_int_equal(aif_error_list_at(aif_scenario_errors(s), 1)->col, 24);
    aif_scenario_destroy(s);
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_set(s, "noequals"), AIF_EINVAL);
    assert_int_equal(aif_scenario_set(s, "=1"), AIF_EINVAL);
    assert_int_equal(aif_scenario_set(s, "a..b=1"), AIF_EINVAL);
    assert_int_equal(aif_scenario_set(NULL, "a=1"), AIF_EINVAL);
    aif_scenario_destroy(s);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    aif_test_allocator probe;
    aif_test_allocator_init(&probe, 0);
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(&probe.base, &s), AIF_OK);
    assert_int_equal(aif_scenario_set(s, "simulation.seed=7"), AIF_OK);
    assert_int_equal(aif_scenario_load_default(s), AIF_OK);
    aif_scenario_destroy(s);
    assert_int_equal(probe.live_blocks, 0);
    long total = probe.allocations;
    assert_true(total > 3);
    for (long k = 1; k <= total; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        s = NULL;
        aif_status st = aif_scenario_create(&t.base, &s);
        if (st == AIF_OK) {
            st = aif_scenario_set(s, "simulation.seed=7");
        }
        if (st == AIF_OK) {
            st = aif_scenario_load_default(s);
        }
        assert_int_equal(st, AIF_ENOMEM);
        aif_scenario_destroy(s);
        assert_int_equal(t.live_blocks, 0);
    }
}

/* Entries sorted by date keep their input order on equal dates: the order reaches event
 * payloads, and qsort alone is not stable. Many equal keys, so an unstable sort would show. */
static void equal_dates_keep_input_order(void **state) {
    (void)state;
    enum { ROUNDS = 40 };
    char text[8192];
    int used = snprintf(text, sizeof text, "%sinvestments:\n  equity_rounds:\n", minimal);
    for (int i = 0; i < ROUNDS && used > 0 && (size_t)used < sizeof text; i++) {
        /* Every fifth round is a year earlier, so the sort does move entries. */
        used += snprintf(text + used, sizeof text - (size_t)used,
                         "    - {name: r%02d, amount: $1B, date: %s}\n", i,
                         i % 5 == 4 ? "2026-02" : "2026-06");
    }
    aif_scenario *s = load_text(text, NULL, 0, AIF_OK);
    const aif_scenario_investments *inv = aif_scenario_investments_get(s);
    assert_int_equal(inv->equity_round_count, ROUNDS);
    int early = 0, late = 0;
    for (size_t k = 0; k < inv->equity_round_count; k++) {
        int i = 0;
        assert_int_equal(sscanf(inv->equity_rounds[k].name, "r%d", &i), 1);
        if (k < ROUNDS / 5) {
            assert_int_equal(i % 5, 4);
            assert_true(i > early || k == 0);
            early = i;
        } else {
            assert_int_not_equal(i % 5, 4);
            assert_true(i > late || k == ROUNDS / 5);
            late = i;
        }
    }
    aif_scenario_destroy(s);
}

/* Weekly actives at any aif_time: the logistic took t - midpoint in int64, which overflowed
 * for t near AIF_TIME_MIN (found by fuzzing the scenario reader, issue 17). */
static void wau_at_extreme_times(void **state) {
    (void)state;
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_load_default(s), AIF_OK);
    assert_true(aif_scenario_wau_at(s, AIF_TIME_MIN) < 1.0);
    assert_true(fabs(aif_scenario_wau_at(s, AIF_TIME_MAX) - 3e9) < 1.0);
    aif_scenario_destroy(s);
    char text[1024];
    snprintf(
        text, sizeof text,
        "%sdemand:\n  inference:\n    wau:\n      points: [{date: 2026-01, users: 1M}, "
        "{date: 2027-01, users: 3M}]\n    prompts_per_dau: 10\n    classes: [{name: chat, model: "
        "llama2-70b, share: 1, input_tokens: 100, output_tokens: 100}]\n",
        minimal);
    s = load_text(text, NULL, 0, AIF_OK);
    assert_true(aif_scenario_wau_at(s, AIF_TIME_MIN) == 1e6);
    assert_true(aif_scenario_wau_at(s, AIF_TIME_MAX) == 3e6);
    /* Inference sizing: closed-form unless the file says goodput; anything else refused. */
    assert_int_equal(aif_scenario_inference_get(s)->sizing, AIF_SIZING_CLOSED_FORM);
    aif_scenario_destroy(s);
    const char *goodput[] = {"demand.inference.sizing=goodput"};
    s = load_text(text, goodput, 1, AIF_OK);
    assert_int_equal(aif_scenario_inference_get(s)->sizing, AIF_SIZING_GOODPUT);
    aif_scenario_destroy(s);
    const char *bad[] = {"demand.inference.sizing=simulated"};
    s = load_text(text, bad, 1, AIF_EPARSE);
    aif_scenario_destroy(s);
    /* A class's own p99 limits: durations with units, positive, at most an hour, and only
     * for a class with a latency target. */
    const char *limits[] = {"demand.inference.classes.0.ttft_p99=1.5 s",
                            "demand.inference.classes.0.tpot_p99=30 ms"};
    s = load_text(text, limits, 2, AIF_OK);
    const aif_scenario_model_class *cls = &aif_scenario_inference_get(s)->classes[0];
    assert_true(fabs(cls->ttft_p99_s - 1.5) < 1e-12 && fabs(cls->tpot_p99_s - 0.03) < 1e-12);
    aif_scenario_destroy(s);
    s = load_text(text, NULL, 0, AIF_OK);
    cls = &aif_scenario_inference_get(s)->classes[0];
    assert_true(cls->ttft_p99_s == 0 && cls->tpot_p99_s == 0);
    aif_scenario_destroy(s);
    const char *refused[][2] = {
        {"demand.inference.classes.0.ttft_p99=0 s", NULL},
        {"demand.inference.classes.0.ttft_p99=2 h", NULL},
        {"demand.inference.classes.0.tpot_p99=40", NULL},
        {"demand.inference.classes.0.latency=offline", "demand.inference.classes.0.tpot_p99=40 ms"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        s = load_text(text, refused[i], refused[i][1] ? 2 : 1, AIF_EPARSE);
        aif_scenario_destroy(s);
    }
    /* Disaggregated serving: only with goodput sizing (the closed form has no pools). */
    const char *disagg[] = {"demand.inference.sizing=goodput",
                            "demand.inference.classes.0.serving=disaggregated"};
    s = load_text(text, disagg, 2, AIF_OK);
    assert_true(aif_scenario_inference_get(s)->classes[0].disaggregated);
    aif_scenario_destroy(s);
    s = load_text(text, disagg + 1, 1, AIF_EPARSE);
    aif_scenario_destroy(s);
    const char *unknown[] = {"demand.inference.classes.0.serving=split"};
    s = load_text(text, unknown, 1, AIF_EPARSE);
    aif_scenario_destroy(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_scenario_binds),
        cmocka_unit_test(wau_at_extreme_times),
        cmocka_unit_test(equal_dates_keep_input_order),
        cmocka_unit_test(shipped_files_bind),
        cmocka_unit_test(minimal_defaults_and_blocks),
        cmocka_unit_test(supply_keys),
        cmocka_unit_test(bad_file_lists_every_error),
        cmocka_unit_test(missing_file_and_bad_yaml),
        cmocka_unit_test(json_and_inline_catalog),
        cmocka_unit_test(set_overrides),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
