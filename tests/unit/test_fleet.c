/* Unit tests for the fleet engine on a small hand-built scenario: ten 1 GW Nvidia blocks
 * pay exactly ten $10B tranches on their online dates (on the IT basis, as many as their
 * facility power over the phase's PUE makes); no ROFR offer after the ROFR ends;
 * energy = sum of power x time and the ledger balances to the cent; same seed gives the
 * same results, another seed another failure log; every allocation failure is clean. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/catalog_read.h"
#include "aifactory/contracts.h"
#include "aifactory/demand.h"
#include "aifactory/fleet.h"
#include "aifactory/models.h"

typedef struct world {
    aif_catalog *cat;
    aif_scenario_provider providers[2];
    aif_scenario_block blocks[10];
    aif_scenario_phase phase;
    aif_scenario_site site;
    aif_scenario_rofr rofr;
    aif_scenario_tranche tranche;
    aif_scenario_frontier_run run;
    aif_scenario_model_class cls[2];
    aif_scenario_point wau[2];
    aif_fleet_input in;
} world;

static const aif_date START = {2025, 9, 1};

static void world_init(world *w, uint64_t seed) {
    memset(w, 0, sizeof *w);
    assert_int_equal(aif_catalog_create(NULL, &w->cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(w->cat), AIF_OK);
    w->providers[0] = (aif_scenario_provider){
        .id = "nvidia", .kind = AIF_PROVIDER_PARTNER, .lead_time = 180 * AIF_NS_PER_DAY};
    w->providers[1] = (aif_scenario_provider){.id = "azure",
                                              .kind = AIF_PROVIDER_CLOUD,
                                              .price_usd_per_gpu_hour = 2.5,
                                              .lead_time = 90 * AIF_NS_PER_DAY};
    for (int i = 0; i < 10; i++) {
        /* 1 GW each quarter from 2026-07-01. */
        aif_date d = aif_date_add_months((aif_date){2026, 7, 1}, 3 * i);
        w->blocks[i] = (aif_scenario_block){
            .online = aif_date_to_sim(d, START), .retire = AIF_TIME_MAX, .power_w = 1e9};
    }
    w->phase = (aif_scenario_phase){
        .system_id = "gb200-nvl72", .power_w = 10e9, .blocks = w->blocks, .block_count = 10};
    w->site = (aif_scenario_site){.id = "s", .provider = 0, .phases = &w->phase, .phase_count = 1};
    w->rofr = (aif_scenario_rofr){.holder = 1,
                                  .from = 0,
                                  .to = aif_date_to_sim((aif_date){2025, 10, 28}, START),
                                  .rule = AIF_ROFR_NEVER};
    w->tranche = (aif_scenario_tranche){
        .vendor = "nvidia", .amount_usd = 10e9, .step_w = 1e9, .cap_usd = 100e9};
    w->cls[0] = (aif_scenario_model_class){.name = "chat",
                                           .model = aif_model_find("llama3.1-70b"),
                                           .share = 1.0,
                                           .input_tokens = 1000,
                                           .output_tokens = 300,
                                           .latency = AIF_LATENCY_SERVER,
                                           .precision = AIF_PREC_FP8};
    w->wau[0] = (aif_scenario_point){0, 7e8};
    w->wau[1] = (aif_scenario_point){aif_date_to_sim((aif_date){2028, 1, 1}, START), 1.5e9};
    w->run = (aif_scenario_frontier_run){.name = "frontier",
                                         .compute_flop = 1e26,
                                         .precision = AIF_PREC_BF16,
                                         .gpus = 16384,
                                         .earliest_start_at = 0,
                                         .deadline_at = AIF_TIME_MAX,
                                         .site = AIF_SCENARIO_NONE};
    aif_fleet_input *in = &w->in;
    in->name = "test";
    in->catalog = w->cat;
    in->simulation =
        (aif_scenario_simulation){.start_date = START,
                                  .end_date = {2029, 1, 1},
                                  .end = aif_date_to_sim((aif_date){2029, 1, 1}, START),
                                  .seed = seed,
                                  .demand_step = AIF_NS_PER_HOUR};
    in->providers = w->providers;
    in->provider_count = 2;
    in->sites = &w->site;
    in->site_count = 1;
    in->contracts.rofrs = &w->rofr;
    in->contracts.rofr_count = 1;
    in->investments.tranches = &w->tranche;
    in->investments.tranche_count = 1;
    in->inference = (aif_scenario_inference){.present = true,
                                             .wau_points = w->wau,
                                             .wau_point_count = 2,
                                             .dau_per_wau = 0.4,
                                             .prompts_per_dau = 8,
                                             .classes = w->cls,
                                             .class_count = 1,
                                             .api_class = AIF_SCENARIO_NONE,
                                             /* These tests are about the engine, not the
                                              * sizing: the closed form keeps them fast
                                              * (serving_sized_by_goodput asks the
                                              * simulator). */
                                             .sizing = AIF_SIZING_CLOSED_FORM};
    for (int h = 0; h < 24; h++) {
        in->inference.diurnal[h] = 1.0 + 0.5 * sin(h * 0.2618);
    }
    for (int d = 0; d < 7; d++) {
        in->inference.weekly[d] = d < 5 ? 1.1 : 0.75;
    }
    in->training.frontier_runs = &w->run;
    in->training.frontier_run_count = 1;
    in->failures = (aif_scenario_failures){.interruptions_per_gpu_year = 0.17,
                                           .hardware_fraction = 0.587,
                                           .repair_time = 3 * AIF_NS_PER_DAY,
                                           .checkpoint_interval = AIF_NS_PER_HOUR,
                                           .restart_cost = 600 * AIF_NS_PER_S};
    in->economics = (aif_scenario_economics){.revenue_usd_per_mtok = 2.0};
    aif_fleet_options_default(&in->options);
    in->options.procure_system_id = "gb200-nvl72";
}

static void world_free(world *w) {
    aif_catalog_destroy(w->cat);
}

static aif_fleet *run_world(world *w) {
    aif_fleet *f = NULL;
    aif_error err = {0};
    assert_int_equal(aif_fleet_create(NULL, &w->in, &f, &err), AIF_OK);
    assert_int_equal(aif_fleet_run(f, NULL, NULL), AIF_OK);
    return f;
}

/* A lower threshold asks for headroom, so it can only order earlier and more; every order
 * follows the offers of its day, and nothing is ordered to arrive after the period. */
static void procurement_threshold_headroom(void **state) {
    (void)state;
    long orders[2];
    aif_time first[2];
    const double thresholds[2] = {1.0, 0.5};
    for (int i = 0; i < 2; i++) {
        world w;
        world_init(&w, 1);
        w.in.options.procure_threshold = thresholds[i];
        w.in.options.max_orders = 1000;
        w.in.options.procure_block_w = 20e6;
        aif_fleet *f = run_world(&w);
        orders[i] = aif_fleet_summary_get(f)->orders;
        first[i] = AIF_TIME_MAX;
        for (size_t e = 0; e < aif_fleet_event_count(f); e++) {
            const aif_fleet_event *ev = aif_fleet_event_at(f, e);
            if (ev->kind == AIF_FEV_ORDER && ev->time < first[i]) {
                first[i] = ev->time;
            }
        }
        for (size_t b = 0; b < aif_fleet_block_count(f); b++) {
            assert_true(aif_fleet_block_at(f, b)->online < w.in.simulation.end);
        }
        aif_fleet_destroy(f);
        world_free(&w);
    }
    assert_true(orders[0] > 0);
    assert_true(orders[1] > orders[0]);
    assert_true(first[1] <= first[0]);
}

static void tranches_on_gw_dates(void **state) {
    (void)state;
    world w;
    world_init(&w, 1);
    aif_fleet *f = run_world(&w);
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    assert_int_equal(s->tranches_paid, 10);
    assert_true(s->vendor_investment_usd == 100e9);
    size_t k = 0;
    for (size_t i = 0; i < aif_fleet_event_count(f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(f, i);
        if (e->kind == AIF_FEV_TRANCHE) {
            assert_int_equal(e->time, w.blocks[k].online); /* its GW's online date */
            k++;
        }
        if (e->kind == AIF_FEV_OFFER && e->a == AIF_OFFER_ROFR) {
            assert_true(e->time < w.rofr.to);
        }
    }
    assert_int_equal(k, 10);
    /* Demand outgrows the early fleet, so the holder did get offers before the end date. */
    assert_true(s->rofr_offers > 0);
    assert_int_equal(s->rofr_accepted, 0); /* rule: never */
    assert_true(s->orders > 0);
    /* Packages per GW as the planner counts them for the same system. */
    const aif_block *b = aif_fleet_block_at(f, 0);
    assert_true(b->packages > 400000 && b->packages < 460000);
    assert_int_equal(b->packages, b->racks * 72);
    aif_fleet_destroy(f);
    world_free(&w);
}

/* A tranche on the IT basis counts each block's drawn facility power divided by its own
 * phase's PUE: at PUE 1.5 the ten blocks count 2/3 of their facility power, where a fixed
 * 1.2 would count 5/6 and pay more steps. */
static void tranches_on_it_basis_use_the_phase_pue(void **state) {
    (void)state;
    world w;
    world_init(&w, 1);
    w.phase.pue = 1.5;
    w.tranche.power_basis = AIF_POWER_IT;
    w.in.options.max_orders = 0; /* only the phase's blocks */
    w.in.training.frontier_run_count = 0;
    aif_fleet *f = run_world(&w);
    double it_w = 0, fixed_w = 0;
    for (size_t i = 0; i < aif_fleet_block_count(f); i++) {
        it_w += aif_fleet_block_at(f, i)->facility_w / 1.5;
        fixed_w += aif_fleet_block_at(f, i)->facility_w / 1.2;
    }
    long want = (long)floor(it_w / w.tranche.step_w);
    assert_int_equal(aif_fleet_block_count(f), 10);
    assert_true(want < 10 && want < (long)floor(fixed_w / w.tranche.step_w));
    assert_int_equal(aif_fleet_summary_get(f)->tranches_paid, want);
    aif_fleet_destroy(f);
    world_free(&w);
}

/* Power by load, derived by hand: ten partner blocks all online by 2028-10-01, nothing but
 * one 16,384-GPU frontier run from 2028-11-01, no failures. Every hour draws the idle
 * fraction of the blocks' facility power, and the run's hours (from its start to the hour
 * after its finish: the load is set per hour) add (1 - idle) x its share of the GPUs. */
static void power_bill_follows_load(void **state) {
    (void)state;
    world w;
    world_init(&w, 1);
    const double idle = 0.25;
    w.in.options.idle_power_fraction = idle;
    w.in.options.max_orders = 0;
    w.in.inference.present = false;
    w.in.failures.interruptions_per_gpu_year = 0;
    w.run.compute_flop = 1e25;
    w.run.earliest_start_at = aif_date_to_sim((aif_date){2028, 11, 1}, START);
    aif_fleet *f = run_world(&w);
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    aif_time end = w.in.simulation.end;
    double idle_j = 0, full_w = 0;
    int64_t packages = 0;
    for (size_t i = 0; i < aif_fleet_block_count(f); i++) {
        const aif_block *b = aif_fleet_block_at(f, i);
        assert_true(b->online <= w.run.earliest_start_at);
        idle_j += idle * b->facility_w * (double)(end - b->online) * 1e-9;
        full_w += b->facility_w;
        packages += b->packages;
    }
    const aif_fleet_run_result *run = aif_fleet_run_at(f, 0);
    assert_int_equal(run->start, w.run.earliest_start_at);
    assert_true(run->finish < end);
    aif_time busy_ns =
        (run->finish - run->start + AIF_NS_PER_HOUR - 1) / AIF_NS_PER_HOUR * AIF_NS_PER_HOUR;
    double busy_j = (1.0 - idle) * full_w * (16384.0 / (double)packages) * (double)busy_ns * 1e-9;
    double want_mwh = (idle_j + busy_j) / 3.6e9;
    assert_true(fabs(s->energy_mwh - want_mwh) <= 1e-9 * want_mwh);
    /* The bill is that energy at the catalog's power price, rounded to the cent each month. */
    double price = aif_catalog_facility(w.cat)->power_price_usd_per_mwh.value;
    assert_true(fabs(s->power_usd - want_mwh * price) <= 0.01 * 41);
    /* The day rows hold the same energy, each day its own. */
    double day_j = 0;
    for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
        day_j += aif_fleet_day_at(f, d)->billed_energy_j;
    }
    assert_true(fabs(day_j / 3.6e9 - want_mwh) <= 1e-9 * want_mwh);
    /* Idle GPUs at the full-load draw would have cost 1 / idle times as much. */
    assert_true(s->energy_mwh < 0.5 * (idle_j / idle) / 3.6e9);
    aif_fleet_destroy(f);
    world_free(&w);
}

static void energy_and_ledger_identities(void **state) {
    (void)state;
    world w;
    world_init(&w, 2);
    w.in.options.idle_power_fraction = 1.0; /* every GPU billed at full load */
    aif_fleet *f = run_world(&w);
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    /* Energy = sum over own/partner blocks of drawn power x time online in the period. */
    double mwh = 0;
    for (size_t i = 0; i < aif_fleet_block_count(f); i++) {
        const aif_block *b = aif_fleet_block_at(f, i);
        if (w.providers[b->provider].kind == AIF_PROVIDER_CLOUD) {
            continue;
        }
        aif_time on = b->online,
                 off = b->retire < w.in.simulation.end ? b->retire : w.in.simulation.end;
        if (off > on) {
            mwh += b->facility_w * (double)(off - on) * 1e-9 / 3.6e9;
        }
    }
    assert_true(fabs(s->energy_mwh - mwh) <= 1e-9 * mwh);
    const aif_ledger *l = aif_fleet_ledger(f);
    int64_t cash = 0, capex = 0;
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        cash += aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind) * e->cents;
        capex += e->kind == AIF_LEDGER_CAPEX ? e->cents : 0;
    }
    assert_int_equal(cash, aif_ledger_cash(l));
    assert_true(s->cash_usd * 100.0 == (double)cash);
    double block_capex = 0;
    for (size_t i = 0; i < aif_fleet_block_count(f); i++) {
        const aif_block *b = aif_fleet_block_at(f, i);
        if (w.providers[b->provider].kind != AIF_PROVIDER_CLOUD &&
            b->online < w.in.simulation.end) {
            block_capex += b->capex_systems_usd + b->capex_facility_usd;
        }
    }
    assert_true(fabs((double)capex / 100.0 - block_capex) < 1.0 * (double)aif_fleet_block_count(f));
    /* GPU-hours by use add up to the packages online, hour by hour. */
    double used = 0;
    for (int u = 0; u < 5; u++) {
        assert_true(s->gpu_hours[u] >= 0);
        used += s->gpu_hours[u];
    }
    assert_true(used > 0);
    assert_int_equal(s->training_runs_completed, 1);
    assert_true(s->inference_served_fraction > 0 && s->inference_served_fraction <= 1.0);
    aif_fleet_destroy(f);
    world_free(&w);
}

/* Month starts t with from < t <= to: the installments of a block online at `from` by `to`
 * (one at each month end it was online for, the first at the end of its first month). */
static int64_t month_ends_after(aif_time from, aif_time to) {
    int64_t n = 0;
    for (int m = 0; m < 12 * 20; m++) {
        aif_time t = aif_date_to_sim(aif_date_add_months(START, m), START);
        n += t > from && t <= to;
    }
    return n;
}

/* Depreciation is straight-line by whole months online, derived here independently of the
 * engine: a block online on the 1st of a month pays its first installment at the end of
 * that month, not also at its start (2 months were booked for 1 GW online from 2026-04-01
 * to 2026-05-01). */
static void depreciation_counts_months_online(void **state) {
    (void)state;
    world w;
    world_init(&w, 3);
    w.in.simulation.end_date = (aif_date){2027, 5, 1};
    w.in.simulation.end = aif_date_to_sim(w.in.simulation.end_date, START);
    w.in.training.frontier_run_count = 0;
    w.in.options.max_orders = 0;
    aif_fleet *f = run_world(&w);
    const aif_facility *fac = aif_catalog_facility(w.cat);
    int64_t sys_months = llround(fac->it_life_years.value * 12);
    int64_t fac_months = llround(fac->facility_life_years.value * 12);
    int64_t want = 0;
    for (size_t i = 0; i < aif_fleet_block_count(f); i++) {
        const aif_block *b = aif_fleet_block_at(f, i);
        if (w.providers[b->provider].kind == AIF_PROVIDER_CLOUD ||
            b->online >= w.in.simulation.end) {
            continue;
        }
        int64_t m = month_ends_after(b->online, w.in.simulation.end);
        int64_t sys = llround(b->capex_systems_usd * 100),
                fa = llround(b->capex_facility_usd * 100);
        want += sys * (m < sys_months ? m : sys_months) / sys_months +
                fa * (m < fac_months ? m : fac_months) / fac_months;
    }
    /* Blocks of 2026-07-01, -10-01, 2027-01-01, -04-01 by 2027-05-01: 10 + 7 + 4 + 1 months. */
    assert_int_equal(month_ends_after(aif_date_to_sim((aif_date){2026, 4, 1}, START),
                                      aif_date_to_sim((aif_date){2026, 5, 1}, START)),
                     1);
    int64_t got = aif_ledger_total(aif_fleet_ledger(f), AIF_LEDGER_DEPRECIATION);
    assert_true(want > 0);
    assert_true(llabs(got - want) <= 2 * (int64_t)aif_fleet_block_count(f));
    aif_fleet_destroy(f);
    world_free(&w);
}

static void determinism(void **state) {
    (void)state;
    world a, b, c;
    world_init(&a, 7);
    world_init(&b, 7);
    world_init(&c, 8);
    aif_fleet *fa = run_world(&a), *fb = run_world(&b), *fc = run_world(&c);
    assert_int_equal(aif_fleet_event_count(fa), aif_fleet_event_count(fb));
    assert_memory_equal(aif_fleet_event_at(fa, 0), aif_fleet_event_at(fb, 0),
                        aif_fleet_event_count(fa) * sizeof(aif_fleet_event));
    assert_memory_equal(aif_fleet_day_at(fa, 0), aif_fleet_day_at(fb, 0),
                        aif_fleet_day_count(fa) * sizeof(aif_fleet_day));
    assert_true(aif_fleet_summary_get(fa)->trace_hash == aif_fleet_summary_get(fb)->trace_hash);
    /* Another seed: another failure log of the frontier run. */
    const aif_fleet_run_result *ra = aif_fleet_run_at(fa, 0), *rc = aif_fleet_run_at(fc, 0);
    assert_true(ra->interruptions != rc->interruptions || ra->lost_s != rc->lost_s);
    assert_true(ra->interruptions > 0);
    aif_fleet_destroy(fa);
    aif_fleet_destroy(fb);
    aif_fleet_destroy(fc);
    world_free(&a);
    world_free(&b);
    world_free(&c);
}

static void allocation_failures(void **state) {
    (void)state;
    world w;
    world_init(&w, 3);
    w.in.simulation.end = 400 * AIF_NS_PER_DAY;
    for (long k = 1; k <= 40; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_fleet *f = NULL;
        aif_error err = {0};
        aif_status st = aif_fleet_create(&t.base, &w.in, &f, &err);
        if (st == AIF_OK) {
            st = aif_fleet_run(f, NULL, NULL);
            aif_fleet_destroy(f);
        }
        assert_true(st == AIF_OK || st == AIF_ENOMEM);
        assert_int_equal(t.live_blocks, 0);
    }
    world_free(&w);
}

/* A serving pool at half its latency-bound throughput holds twice the GPUs for the same
 * tokens (up to the rounding of each hour's GPUs up), and serves the same tokens. */
static void serving_utilization_holds_gpus(void **state) {
    (void)state;
    double gpu_hours[2] = {0}, served[2] = {0};
    const double utilization[2] = {0 /* unset: 1 */, 0.5};
    for (int i = 0; i < 2; i++) {
        world w;
        world_init(&w, 1);
        w.in.inference.serving_utilization = utilization[i];
        aif_fleet *f = run_world(&w);
        for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
            gpu_hours[i] += aif_fleet_day_at(f, d)->gpu_hours[AIF_USE_INFERENCE];
            served[i] += aif_fleet_day_at(f, d)->tokens_served;
        }
        aif_fleet_destroy(f);
        world_free(&w);
    }
    assert_true(gpu_hours[0] > 0);
    assert_true(gpu_hours[1] / gpu_hours[0] > 1.99 && gpu_hours[1] / gpu_hours[0] < 2.01);
    assert_true(fabs(served[1] / served[0] - 1) < 1e-12);
}

/* Goodput sizing (`sizing: goodput`): the fleet's tokens/s per GPU for a class is the serving
 * simulator's best goodput per GPU at the class's target (times serving_utilization),
 * the closed form's under `sizing: closed-form`; two identical classes cost one set of
 * simulations (one per TP), the second answered from the memo; the same input twice gives
 * the same days. */
static void serving_sized_by_goodput(void **state) {
    (void)state;
    const aif_perf_hw *hw = aif_perf_hw_find("gb200");
    aif_goodput_effort effort = aif_demand_goodput_effort();
    aif_goodput_cache *gc = NULL;
    aif_perf_cache *pc = NULL;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &effort, &gc), AIF_OK);
    assert_int_equal(aif_perf_cache_create(NULL, aif_perf_calib_default(), 16, &pc), AIF_OK);
    double goodput = 0, closed = 0;
    world w;
    world_init(&w, 1);
    w.in.simulation.end = 400 * AIF_NS_PER_DAY; /* the first block is online on day 303 */
    w.cls[1] = w.cls[0];
    w.cls[1].name = "twin";
    w.cls[0].share = w.cls[1].share = 0.5;
    assert_int_equal(
        aif_demand_sized_tokens_per_gpu(pc, gc, AIF_SIZING_GOODPUT, &w.cls[0], hw, &goodput),
        AIF_OK);
    assert_int_equal(aif_demand_tokens_per_gpu(pc, &w.cls[0], hw, &closed), AIF_OK);
    assert_true(goodput > 0 && closed > 0 && goodput != closed);

    w.in.inference.class_count = 2;
    w.in.inference.sizing = AIF_SIZING_GOODPUT;
    w.in.inference.serving_utilization = 0.5;
    aif_fleet *f = run_world(&w), *g = run_world(&w);
    /* The run sized the type when its first block came online: one simulation per TP. */
    assert_int_equal(aif_fleet_serving_simulations(f), 4);
    double served = 0;
    for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
        served += aif_fleet_day_at(f, d)->tokens_served;
    }
    assert_true(served > 0);
    const aif_system *sys = aif_fleet_block_at(f, 0)->system;
    double rate = 0;
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(aif_fleet_serving_rate(f, sys, k, &rate), AIF_OK);
        assert_true(rate == goodput * 0.5);
    }
    assert_int_equal(aif_fleet_serving_simulations(f), 4); /* TP 1, 2, 4, 8 once */
    assert_int_equal(aif_fleet_serving_lookups_cached(f), 4);
    assert_int_equal(aif_fleet_serving_rate(f, sys, 2, &rate), AIF_ENOTFOUND);
    assert_int_equal(aif_fleet_serving_rate(NULL, sys, 0, &rate), AIF_EINVAL);
    assert_int_equal(aif_fleet_day_count(f), aif_fleet_day_count(g));
    assert_memory_equal(aif_fleet_day_at(f, 0), aif_fleet_day_at(g, 0),
                        aif_fleet_day_count(f) * sizeof(aif_fleet_day));
    aif_fleet_destroy(f);
    aif_fleet_destroy(g);

    w.in.inference.sizing = AIF_SIZING_CLOSED_FORM;
    f = run_world(&w);
    assert_int_equal(aif_fleet_serving_rate(f, sys, 0, &rate), AIF_OK);
    assert_true(rate == closed * 0.5);
    assert_int_equal(aif_fleet_serving_simulations(f), 0);
    aif_fleet_destroy(f);
    world_free(&w);
    aif_goodput_cache_destroy(gc);
    aif_perf_cache_destroy(pc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tranches_on_gw_dates),
        cmocka_unit_test(tranches_on_it_basis_use_the_phase_pue),
        cmocka_unit_test(procurement_threshold_headroom),
        cmocka_unit_test(energy_and_ledger_identities),
        cmocka_unit_test(power_bill_follows_load),
        cmocka_unit_test(depreciation_counts_months_online),
        cmocka_unit_test(serving_utilization_holds_gpus),
        cmocka_unit_test(serving_sized_by_goodput),
        cmocka_unit_test(determinism),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
