/* Tests of `aifactory run`'s library path on the embedded default scenario: the scenario
 * binds into the fleet input (aif_fleet_input_from_scenario), the run pays exactly ten $10B
 * Nvidia tranches, each on the date the Nvidia programme's cumulative GW came online, makes
 * no ROFR offer after the ROFR ends, and builds Nvidia blocks with the planner's packages
 * per GW; recorded into a results store (aif_fleet_record), two runs with the same seed give
 * byte-identical CSV files (all but runs.csv) and another seed another failure log; every
 * allocation failure in the recorder is clean. Frontier runs: with the default's failure
 * parameters all five finish at about the closed-form goodput; with the Llama 3 setting
 * (hourly checkpoints, 10 min restarts) the 400k and 800k runs are reported once as unable
 * to progress and hold no GPUs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aifactory/contracts.h"
#include "aifactory/fleet.h"
#include "aifactory/plan.h"
#include "aifactory/reliability.h"
#include "aifactory/results.h"
#include "aifactory/scenario.h"
#include "aifactory/training.h"

typedef struct loaded {
    aif_scenario *sc;
    aif_fleet_input in;
    aif_fleet *f;
} loaded;

/* Load the default scenario with optional overrides (NULL-terminated) and run it. */
static void load_run(loaded *l, const char *const *sets) {
    memset(l, 0, sizeof *l);
    assert_int_equal(aif_scenario_create(NULL, &l->sc), AIF_OK);
    for (size_t i = 0; sets && sets[i]; i++) {
        assert_int_equal(aif_scenario_set(l->sc, sets[i]), AIF_OK);
    }
    assert_int_equal(aif_scenario_load_default(l->sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(l->sc, &l->in), AIF_OK);
    aif_error err = {0};
    assert_int_equal(aif_fleet_create(NULL, &l->in, &l->f, &err), AIF_OK);
    assert_int_equal(aif_fleet_run(l->f, NULL, NULL), AIF_OK);
}

static void unload(loaded *l) {
    aif_fleet_destroy(l->f);
    aif_scenario_destroy(l->sc);
}

/* The default scenario run once, unchanged, over its whole five years (the longest part of
 * this test), shared by the tests that check it through the group state. */
static int run_default(void **state) {
    loaded *l = malloc(sizeof *l);
    assert_non_null(l);
    load_run(l, NULL);
    *state = l;
    return 0;
}

static int free_default(void **state) {
    unload(*state);
    free(*state);
    return 0;
}

/* Research arrivals cut from 6000 to 300 a day (most of a run's time) for the tests whose
 * checks do not depend on them. */
#define FEW_RESEARCH_JOBS "demand.training.research.arrivals_per_day=300"

static void input_from_scenario(void **state) {
    (void)state;
    aif_fleet_input in;
    assert_int_equal(aif_fleet_input_from_scenario(NULL, &in), AIF_EINVAL);
    aif_scenario *sc = NULL;
    assert_int_equal(aif_scenario_create(NULL, &sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(sc, &in), AIF_EINVAL); /* not loaded */
    assert_int_equal(aif_scenario_load_default(sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(sc, NULL), AIF_EINVAL);
    assert_int_equal(aif_fleet_input_from_scenario(sc, &in), AIF_OK);
    assert_string_equal(in.name, "openai-nvidia-10gw");
    assert_ptr_equal(in.catalog, aif_scenario_catalog(sc));
    assert_int_equal(in.provider_count, aif_scenario_provider_count(sc));
    assert_ptr_equal(in.providers, aif_scenario_provider_at(sc, 0));
    assert_ptr_equal(in.sites, aif_scenario_site_at(sc, 0));
    assert_int_equal(in.investments.tranche_count, 1);
    /* Procurement beyond the sites is the scenario's: a 3.4 GW cap in 500 MW blocks of
     * vr-nvl144 allows 6 orders. */
    const aif_scenario_procurement *pr = &in.contracts.procurement;
    assert_true(pr->enabled);
    assert_true(pr->cap_w == 3.4e9 && pr->block_w == 500e6 && pr->threshold == 1.0);
    assert_string_equal(pr->system_id, "vr-nvl144");
    assert_int_equal(in.options.max_orders, 6);
    assert_string_equal(in.options.procure_system_id, "vr-nvl144");
    assert_true(fabs(in.training.research.budget_share - 0.714) < 1e-12);
    aif_scenario_destroy(sc);
}

/* The default's AGI clause: trigger `agi` at 1e29 FLOP of cumulative training compute ends
 * Microsoft's 20% revenue share (from 2025-01 to 2033-01). Research (jobs and background
 * research up to the 71.4% budget) crosses the threshold long before the
 * frontier runs' FLOP: on 2026-12-11 at 20:00 at seed 1 (the end of a research hour,
 * research at the perf model's MFU). Each
 * month's share is 20% of that month's revenue, pro-rated in the month the trigger fires,
 * and nothing is paid after it. */
static void revenue_share_checks(const loaded *l) {
    const aif_fleet_summary *s = aif_fleet_summary_get(l->f);
    const aif_scenario_contracts *c = &l->in.contracts;
    assert_int_equal(c->trigger_count, 1);
    assert_int_equal(c->revenue_share_count, 1);
    const aif_scenario_revenue_share *v = &c->revenue_shares[0];
    assert_int_equal(v->until_trigger, 0);
    assert_int_equal(v->partner, aif_scenario_provider_find(l->sc, "azure"));
    assert_true(c->triggers[0].compute_flop == 1e29);
    assert_true(s->frontier_compute_flop == 1e27 + 4e27 + 3 * 1.6e28);
    assert_int_equal(s->triggers_fired, 1);
    aif_time fired = aif_fleet_trigger_time(l->f, 0);
    assert_true(fired == aif_date_to_sim((aif_date){2026, 12, 11}, l->in.simulation.start_date) +
                             20 * AIF_NS_PER_HOUR);
    int events = 0;
    for (size_t i = 0; i < aif_fleet_event_count(l->f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l->f, i);
        if (e->kind == AIF_FEV_TRIGGER) {
            assert_int_equal(e->time, fired);
            assert_true(e->b >= 1e29 && e->b < 1.001e29); /* crossed within one hour */
            events++;
        }
    }
    assert_int_equal(events, 1);
    const aif_ledger *lg = aif_fleet_ledger(l->f);
    aif_time month_start = 0;
    int64_t total = 0;
    for (size_t i = 0; i < aif_ledger_count(lg); i++) {
        const aif_ledger_entry *e = aif_ledger_at(lg, i);
        if (e->kind != AIF_LEDGER_REVENUE) {
            continue;
        }
        const aif_ledger_entry *next = aif_ledger_at(lg, i + 1);
        if (month_start >= fired) {
            assert_true(next == NULL || next->kind != AIF_LEDGER_REVENUE_SHARE);
        } else {
            double share = (double)e->cents * 0.20;
            if (fired < e->time) {
                share *= (double)(fired - month_start) / (double)(e->time - month_start);
            }
            assert_int_equal(next->kind, AIF_LEDGER_REVENUE_SHARE);
            assert_int_equal(next->party, v->partner);
            assert_int_equal(next->cents, llround(share));
            total += next->cents;
        }
        month_start = e->time;
    }
    assert_int_equal(total, aif_ledger_total(lg, AIF_LEDGER_REVENUE_SHARE));
    assert_true(s->revenue_share_usd > 7.95e9 && s->revenue_share_usd < 8.01e9);
}

/* Cents of the ledger entries of `kind` whose party is `party`. */
static int64_t ledger_party_total(const aif_fleet *f, aif_ledger_kind kind, uint32_t party) {
    const aif_ledger *lg = aif_fleet_ledger(f);
    int64_t total = 0;
    for (size_t i = 0; i < aif_ledger_count(lg); i++) {
        const aif_ledger_entry *e = aif_ledger_at(lg, i);
        total += e->kind == kind && e->party == party ? e->cents : 0;
    }
    return total;
}

/* The default's supply: capacity by origin, the ROFR over the sites decided in its window,
 * the AMD warrant's partial last step and the research budget. */
static void supply_checks(const loaded *l) {
    const aif_fleet_summary *s = aif_fleet_summary_get(l->f);
    aif_time end = l->in.simulation.end;
    /* Origin: the scenario's blocks are contracted, the ordered ones procured; the summary
     * sums the nominal power of those delivered in the period, by origin. */
    double contracted = 0, procured = 0;
    long ordered = 0;
    for (size_t i = 0; i < aif_fleet_block_count(l->f); i++) {
        const aif_block *b = aif_fleet_block_at(l->f, i);
        bool is_ordered = b->phase == UINT32_MAX;
        assert_int_equal(b->origin, is_ordered ? AIF_BLOCK_PROCURED : AIF_BLOCK_CONTRACTED);
        ordered += is_ordered;
        if (b->online < end && b->retire > (b->online > 0 ? b->online : 0)) {
            *(is_ordered ? &procured : &contracted) += b->nominal_w;
        }
    }
    assert_int_equal(ordered, s->orders);
    assert_true(fabs(s->contracted_facility_w - contracted) < 1.0);
    assert_true(fabs(s->procured_facility_w - procured) < 1.0);
    assert_true(procured > 0 && procured <= 3.3e9 + 1.0); /* the procurement cap */
    assert_string_equal(aif_block_origin_name(AIF_BLOCK_PROCURED), "procured");
    /* The ROFR (2025-01-21 .. 2025-10-28, accept with probability 0.5) is offered each of the
     * five sites decided in its window; at seed 1 Microsoft takes Stargate's SoftBank sites
     * (decided 2025-09-23), whose blocks are then Azure's: no capex of Stargate is booked. */
    assert_int_equal(s->site_offers, 5);
    assert_int_equal(s->rofr_offers, 5);
    assert_int_equal(s->site_offers_accepted, 1);
    size_t azure = aif_scenario_provider_find(l->sc, "azure");
    size_t stargate = aif_scenario_provider_find(l->sc, "stargate");
    size_t site = SIZE_MAX;
    for (size_t i = 0; i < l->in.site_count; i++) {
        site = strcmp(l->in.sites[i].id, "stargate-softbank") == 0 ? i : site;
    }
    assert_true(site < l->in.site_count);
    int moved = 0;
    for (size_t i = 0; i < aif_fleet_block_count(l->f); i++) {
        const aif_block *b = aif_fleet_block_at(l->f, i);
        if (b->site == site) {
            assert_int_equal(b->provider, azure);
            moved++;
        }
    }
    assert_int_equal(moved, 6); /* 1.5 GW in 250 MW blocks */
    assert_int_equal(ledger_party_total(l->f, AIF_LEDGER_CAPEX, (uint32_t)stargate), 0);
    /* The AMD warrant: 160 M shares at 26.67 M per GW vest five whole steps and a sixth of
     * what remains, 160 M - 5 x 26.67 M = 26.65 M, when the sixth GW is deployed. */
    double shares = 0, last = 0;
    int steps = 0;
    for (size_t i = 0; i < aif_fleet_event_count(l->f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l->f, i);
        if (e->kind == AIF_FEV_WARRANT) {
            shares += e->b;
            last = e->b;
            steps++;
        }
    }
    assert_int_equal(steps, 6);
    assert_true(shares == 160e6);
    assert_true(last == 160e6 - 5 * 26.67e6);
    /* Research budget: each day R&D (frontier runs and research) holds at most 71.4% of the
     * GPU-hours, background research fills the rest of its pool, and the idle share of the
     * whole run stays under 15%. */
    double total = 0;
    for (size_t i = 0; i < aif_fleet_day_count(l->f); i++) {
        const aif_fleet_day *d = aif_fleet_day_at(l->f, i);
        double day = 0;
        for (int u = 0; u < 5; u++) {
            day += d->gpu_hours[u];
        }
        assert_true(d->gpu_hours[AIF_USE_RESEARCH] + d->gpu_hours[AIF_USE_TRAINING] <=
                    0.714 * day + 1e-6 * day);
        total += day;
    }
    assert_true(s->research_background_gpu_hours > 0);
    assert_true(s->research_background_gpu_hours < s->gpu_hours[AIF_USE_RESEARCH]);
    assert_true(s->gpu_hours[AIF_USE_IDLE] < 0.15 * total);
}

static void default_scenario_checks(void **state) {
    const loaded l = *(const loaded *)*state; /* the default's run */
    const aif_fleet_summary *s = aif_fleet_summary_get(l.f);
    const aif_scenario_tranche *tr = &l.in.investments.tranches[0];
    size_t nvidia = aif_scenario_provider_find(l.sc, "nvidia-programme");
    assert_int_equal(tr->provider, nvidia);
    assert_int_equal(s->tranches_paid, 10);
    assert_true(s->vendor_investment_usd == 100e9);
    /* Each tranche k is paid on the day the programme's cumulative nominal power reached
     * k GW: replay the programme's block events and compare the dates. */
    double gw = 0;
    int paid = 0, crossed = 0;
    aif_time crossing[11];
    for (size_t i = 0; i < aif_fleet_event_count(l.f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l.f, i);
        if (e->kind == AIF_FEV_BLOCK_ONLINE && e->provider == (int32_t)nvidia &&
            e->time >= tr->from) {
            gw += aif_fleet_block_at(l.f, (size_t)e->a)->nominal_w / 1e9;
            while (crossed < 10 && gw >= crossed + 1 - 1e-9) {
                crossing[crossed++] = e->time;
            }
        }
        if (e->kind == AIF_FEV_TRANCHE) {
            assert_int_equal(e->provider, (int32_t)nvidia);
            assert_true(e->b == 10e9);
            assert_true(paid < crossed);
            assert_true(e->time == crossing[paid]);
            paid++;
        }
    }
    assert_int_equal(paid, 10);
    assert_int_equal(crossed, 10);
    /* The first GW is one block on 2026-07-01 (H2 2026). */
    assert_true(crossing[0] == aif_date_to_sim((aif_date){2026, 7, 1}, l.in.simulation.start_date));
    /* No ROFR offer after the ROFR ended on 2025-10-28. */
    aif_time rofr_end = aif_date_to_sim((aif_date){2025, 10, 28}, l.in.simulation.start_date);
    assert_true(l.in.contracts.rofrs[0].to == rofr_end);
    /* The check is not vacuous: the default procures (from 2028, for the 2030 peak-hour
     * demand), so offers are made, all after the ROFR ended and none of them ROFR offers. */
    int offers_after = 0;
    for (size_t i = 0; i < aif_fleet_event_count(l.f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l.f, i);
        if (e->kind == AIF_FEV_OFFER && e->a == AIF_OFFER_ROFR) {
            assert_true(e->time < rofr_end);
        }
        offers_after += e->kind == AIF_FEV_OFFER && e->time >= rofr_end;
    }
    assert_true(offers_after > 0);
    assert_true(aif_fleet_summary_get(l.f)->orders > 0);
    /* Packages per block agree with `plan` for the same system and power: whole racks of
     * the planner's count (rounded down). */
    int checked = 0, procured = 0;
    for (size_t i = 0; i < aif_fleet_block_count(l.f); i++) {
        const aif_block *b = aif_fleet_block_at(l.f, i);
        if (b->provider != nvidia) {
            continue;
        }
        procured += b->phase == UINT32_MAX; /* ordered blocks have no scenario phase */
        aif_plan_input pin;
        aif_plan_input_init(&pin);
        pin.amount = b->nominal_w;
        assert_int_equal(aif_plan_input_add(&pin, b->system->id, NAN), AIF_OK);
        aif_plan_result r;
        assert_int_equal(aif_plan_compute(l.in.catalog, &pin, &r), AIF_OK);
        int64_t per_rack = (int64_t)b->system->packages.value;
        assert_int_equal(b->racks, (int64_t)floor(r.racks + 1e-9));
        assert_int_equal(b->packages, b->racks * per_rack);
        assert_true((double)b->packages <= r.packages + 1e-6);
        assert_true((double)b->packages > r.packages - (double)per_rack);
        checked++;
    }
    /* first GW, then 9 GW in 250 MW blocks, then the ordered ones */
    assert_int_equal(checked - procured, 1 + 36);
    revenue_share_checks(&l);
    supply_checks(&l);
}

/* The closed-form goodput of useful work for `work` seconds on `gpus` GPUs of `sys` at the
 * input's failure parameters: every fault class of the system (reliability.h), scaled by the
 * scenario's rate against Llama 3's; checkpoints every tau of work (the scenario's interval,
 * else Young's sqrt(2 x cost x MTBI)), each blocking for the checkpoint cost. */
static double closed_form(const aif_fleet_input *in, double gpus, const aif_system *sys,
                          double work) {
    aif_reliability rel;
    assert_int_equal(aif_reliability_for_system(sys, &rel), AIF_OK);
    double rate = aif_reliability_rate(&rel) * in->failures.interruptions_per_gpu_year /
                  aif_reliability_reference_rate();
    double cost = (double)in->failures.checkpoint_cost * 1e-9;
    double tau = (double)in->failures.checkpoint_interval * 1e-9;
    if (!(tau > 0)) {
        tau = fmin(fmax(sqrt(2.0 * cost * 31557600.0 / (rate * gpus)), 1.0), work);
    }
    aif_train_params p = {.work_s = work * (tau + cost) / tau,
                          .gpus = gpus,
                          .rate_per_gpu_year = rate,
                          .checkpoint_s = tau + cost,
                          .restart_s = (double)in->failures.restart_cost * 1e-9};
    double g = 0;
    aif_train_expected(&p, &g, NULL);
    return g * tau / (tau + cost);
}

static void frontier_runs_progress(void **state) {
    const loaded l = *(const loaded *)*state; /* the default's run */
    const aif_fleet_summary *s = aif_fleet_summary_get(l.f);
    assert_int_equal(aif_fleet_run_count(l.f), 5);
    assert_int_equal(s->training_runs_completed, 5);
    assert_int_equal(s->training_runs_no_progress, 0);
    for (size_t i = 0; i < 5; i++) {
        const aif_fleet_run_result *r = aif_fleet_run_at(l.f, i);
        /* The run's goodput is the closed form on the system of its site that it runs on. */
        bool matched = false;
        double g = 0;
        for (size_t b = 0; b < aif_fleet_block_count(l.f) && !matched; b++) {
            const aif_block *blk = aif_fleet_block_at(l.f, b);
            if ((int32_t)blk->site == r->site && blk->online <= r->start) {
                g = closed_form(&l.in, r->gpus, blk->system, r->work_s);
                matched = r->expected_goodput == g;
            }
        }
        assert_true(matched);
        assert_false(r->no_progress);
        assert_true(r->finish != AIF_TIME_MAX);
        /* Measured goodput (work / wall) near the closed form: hundreds to thousands of
         * interruptions per run keep the sampling error to a few percent. */
        double measured = r->work_s / ((double)(r->finish - r->start) * 1e-9);
        assert_true(fabs(measured / g - 1) < 0.08);
    }
    /* 100k / 400k / 800k rack-scale GPUs at Young's interval for a 30 s checkpoint cost and
     * 1 min restarts. */
    assert_true(fabs(aif_fleet_run_at(l.f, 0)->expected_goodput - 0.796) < 0.005);
    assert_true(fabs(aif_fleet_run_at(l.f, 1)->expected_goodput - 0.587) < 0.005);
    assert_true(fabs(aif_fleet_run_at(l.f, 2)->expected_goodput - 0.435) < 0.005);
    for (size_t i = 0; i < 5; i++) {
        const aif_fleet_run_result *r = aif_fleet_run_at(l.f, i);
        /* Young's interval for the run's own MTBI (rack-scale profile, scaled by 0.17). */
        double mtbi = 31557600.0 / (0.17 / aif_reliability_reference_rate() *
                                    (419.0 / (16384.0 * 54.0 / 365.25) + 1.0 / 72.0) * r->gpus);
        assert_true(fabs(r->checkpoint_s / sqrt(2.0 * 30.0 * mtbi) - 1) < 1e-12);
        /* Weeks to months, as real frontier runs (Llama 3 405B: 54+ days). */
        double days = (double)(r->finish - r->start) * 1e-9 / 86400.0;
        assert_true(days > 30 && days < 200);
    }
}

/* The Llama 3 setting: 400k GPUs are interrupted every ~7.7 min, 800k every ~3.9 min, so
 * the 2027 and 2028 runs cannot progress; the 100k run still finishes. (Research jobs are
 * preemptible and take no part in this.) */
static void llama_setting_runs_no_progress(void **state) {
    (void)state;
    const char *const llama[] = {"simulation.end=2028-07-01",
                                 "failures.checkpoint_interval=1h",
                                 "failures.checkpoint_cost=0s",
                                 "failures.restart_cost=10min",
                                 FEW_RESEARCH_JOBS,
                                 NULL};
    loaded l;
    load_run(&l, llama);
    const aif_fleet_summary *s = aif_fleet_summary_get(l.f);
    assert_int_equal(s->training_runs_completed, 1);
    assert_int_equal(s->training_runs_no_progress, 2);
    assert_true(s->gpu_hours[AIF_USE_TRAINING] > 0);
    int reported[5] = {0}, started[5] = {0}, failed[5] = {0};
    for (size_t i = 0; i < aif_fleet_event_count(l.f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l.f, i);
        if (e->kind != AIF_FEV_RUN_NO_PROGRESS && e->kind != AIF_FEV_RUN_START &&
            e->kind != AIF_FEV_RUN_FAILURE) {
            continue;
        }
        assert_true(e->a >= 0 && e->a < 5);
        if (e->kind == AIF_FEV_RUN_NO_PROGRESS) {
            reported[e->a]++;
            assert_true(e->b == aif_fleet_run_at(l.f, (size_t)e->a)->expected_goodput);
            /* Reported when a site could hold it (the goodput depends on its system). */
            assert_true(e->time >= l.in.training.frontier_runs[e->a].earliest_start_at);
        }
        started[e->a] += e->kind == AIF_FEV_RUN_START;
        failed[e->a] += e->kind == AIF_FEV_RUN_FAILURE;
    }
    assert_int_equal(reported[0], 0);
    assert_int_equal(started[0], 1);
    assert_true(failed[0] > 100);
    for (size_t i = 1; i <= 2; i++) {
        const aif_fleet_run_result *r = aif_fleet_run_at(l.f, i);
        assert_true(r->no_progress);
        assert_int_equal(r->site, -1);
        assert_int_equal(reported[i], 1);
        assert_int_equal(started[i], 0);
        assert_int_equal(failed[i], 0);
        assert_true(r->expected_goodput < AIF_FLEET_MIN_GOODPUT);
    }
    /* 400k rack-scale GPUs at 1 h / 10 min: every fault class of the rack-scale profile
     * (Llama 3's 419 per 16,384 x 54 GPU-days plus one rack fault per 72-GPU rack-year),
     * scaled by 0.17 against Llama 3's rate; C / ((1/L + R)(e^{LC} - 1)). */
    const aif_system *rack = aif_catalog_system_find(l.in.catalog, "gb200-nvl72");
    assert_true(aif_fleet_run_at(l.f, 1)->expected_goodput == closed_form(&l.in, 4e5, rack, 1.0));
    double per_gpu_year = 419.0 / (16384.0 * 54.0 / 365.25) + 1.0 / 72.0;
    double lam = per_gpu_year * 0.17 / aif_reliability_reference_rate() * 4e5 / 31557600.0;
    double expect = 3600.0 / ((1.0 / lam + 600.0) * expm1(lam * 3600.0));
    assert_true(fabs(aif_fleet_run_at(l.f, 1)->expected_goodput / expect - 1) < 1e-12);
    assert_true(expect > 0.0006 && expect < 0.0011);
    unload(&l);
}

/* ---- CSV determinism ---- */

static void record_to(const char *dir, const char *const *sets) {
    loaded l;
    load_run(&l, sets);
    char path[512];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    aif_results *r = NULL;
    aif_error err;
    assert_int_equal(aif_results_create(NULL, path, &r, &err), AIF_OK);
    aif_results_run meta = {.name = l.in.name, .kind = "scenario", .wall_s = NAN};
    int64_t id = 0;
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    aif_record_sink sink = aif_results_sink(r, id);
    assert_int_equal(aif_fleet_record(NULL, l.f, &sink), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    assert_int_equal(aif_results_export_csv(r, dir), AIF_OK);
    aif_results_close(r);
    unload(&l);
}

/* The whole file, or NULL; *n gets its size. */
static char *slurp(const char *dir, const char *name, size_t *n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    size_t got = buf ? fread(buf, 1, (size_t)len, fp) : 0;
    fclose(fp);
    *n = got;
    return buf;
}

static int same_file(const char *a, const char *b, const char *name) {
    size_t na = 0, nb = 0;
    char *x = slurp(a, name, &na), *y = slurp(b, name, &nb);
    assert_non_null(x);
    assert_non_null(y);
    int same = na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static void remove_dir(const char *dir) {
    static const char *const files[] = {
        "results.sqlite", "runs.csv",   "params.csv", "metrics.csv", "series.csv",
        "timeseries.csv", "events.csv", "ledger.csv", "jobs.csv",    "contracts.csv"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Where the ROFR holder accepted an offer the scenario without the ROFR differs: no-rofr.yaml
 * (the default less the ROFR) keeps Stargate's SoftBank sites with Stargate, so their capex
 * is booked and no ROFR offer is made; everything else (the same racks online) is equal, so
 * the default's capex is exactly that much lower. Both over 2025-09 .. 2027-01. */
static void no_rofr_differs(void **state) {
    (void)state;
    const char *const sets[] = {"simulation.end=2027-01-01", FEW_RESEARCH_JOBS, NULL};
    loaded def, nr;
    load_run(&def, sets);
    char path[1024];
    const char *here = __FILE__;
    const char *cut = strstr(here, "tests/unit/test_fleet_record.c");
    snprintf(path, sizeof path, "%.*sdata/scenarios/no-rofr.yaml", cut ? (int)(cut - here) : 0,
             here);
    memset(&nr, 0, sizeof nr);
    assert_int_equal(aif_scenario_create(NULL, &nr.sc), AIF_OK);
    for (size_t i = 0; sets[i]; i++) {
        assert_int_equal(aif_scenario_set(nr.sc, sets[i]), AIF_OK);
    }
    assert_int_equal(aif_scenario_load_file(nr.sc, path), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(nr.sc, &nr.in), AIF_OK);
    assert_int_equal(aif_fleet_create(NULL, &nr.in, &nr.f, NULL), AIF_OK);
    assert_int_equal(aif_fleet_run(nr.f, NULL, NULL), AIF_OK);
    const aif_fleet_summary *a = aif_fleet_summary_get(def.f), *b = aif_fleet_summary_get(nr.f);
    assert_int_equal(a->rofr_offers, 5);
    assert_int_equal(a->rofr_accepted, 1);
    assert_int_equal(b->rofr_offers, 0);
    uint32_t stargate = (uint32_t)aif_scenario_provider_find(nr.sc, "stargate");
    uint32_t azure = (uint32_t)aif_scenario_provider_find(nr.sc, "azure");
    int64_t kept = ledger_party_total(nr.f, AIF_LEDGER_CAPEX, stargate);
    assert_true(kept > 0);
    assert_int_equal(ledger_party_total(def.f, AIF_LEDGER_CAPEX, stargate), 0);
    assert_int_equal(aif_ledger_total(aif_fleet_ledger(def.f), AIF_LEDGER_CAPEX),
                     aif_ledger_total(aif_fleet_ledger(nr.f), AIF_LEDGER_CAPEX) - kept);
    /* Azure bills the racks it took over: more cloud payments to it in the default. */
    assert_true(ledger_party_total(def.f, AIF_LEDGER_CLOUD, azure) >
                ledger_party_total(nr.f, AIF_LEDGER_CLOUD, azure));
    /* The same GPUs online each day. */
    assert_int_equal(aif_fleet_day_count(def.f), aif_fleet_day_count(nr.f));
    for (size_t i = 0; i < aif_fleet_day_count(def.f); i++) {
        assert_int_equal(aif_fleet_day_at(def.f, i)->packages, aif_fleet_day_at(nr.f, i)->packages);
    }
    unload(&def);
    unload(&nr);
}

static void csv_determinism(void **state) {
    (void)state;
    char d1[] = "/tmp/aif_run_a_XXXXXX", d2[] = "/tmp/aif_run_b_XXXXXX",
         d3[] = "/tmp/aif_run_c_XXXXXX";
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    assert_non_null(mkdtemp(d3));
    /* Two simulated years, with a twentieth of the research jobs, keep the test short;
     * the frontier-2026 run and its failures, tranches, research jobs and cloud bills all
     * fall inside them. */
    const char *const seed1[] = {"simulation.end=2027-09-01", FEW_RESEARCH_JOBS, NULL};
    const char *const seed2[] = {"simulation.end=2027-09-01", FEW_RESEARCH_JOBS,
                                 "simulation.seed=2", NULL};
    record_to(d1, seed1);
    record_to(d2, seed1);
    record_to(d3, seed2);
    static const char *const csvs[] = {"params.csv", "metrics.csv", "series.csv", "timeseries.csv",
                                       "events.csv", "ledger.csv",  "jobs.csv",   "contracts.csv"};
    for (size_t i = 0; i < sizeof csvs / sizeof csvs[0]; i++) {
        assert_true(same_file(d1, d2, csvs[i]));
    }
    /* Another seed: another failure log (events), the same contracts. */
    assert_false(same_file(d1, d3, "events.csv"));
    assert_true(same_file(d1, d3, "contracts.csv"));
    size_t n = 0;
    char *ev = slurp(d1, "events.csv", &n);
    assert_non_null(ev);
    assert_non_null(strstr(ev, "run_failure"));
    assert_non_null(strstr(ev, "tranche,nvidia-loi"));
    free(ev);
    remove_dir(d1);
    remove_dir(d2);
    remove_dir(d3);
}

static void record_errors(void **state) {
    (void)state;
    const char *const sets[] = {"simulation.end=2026-01-01", FEW_RESEARCH_JOBS, NULL};
    loaded l;
    load_run(&l, sets);
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    aif_results_run meta = {.name = "t", .kind = "scenario", .wall_s = NAN};
    int64_t id = 0;
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    aif_record_sink sink = aif_results_sink(r, id);
    assert_int_equal(aif_fleet_record(NULL, NULL, &sink), AIF_EINVAL);
    assert_int_equal(aif_fleet_record(NULL, l.f, NULL), AIF_EINVAL);
    /* The recorder's one scratch allocation fails cleanly. */
    aif_test_allocator t;
    aif_test_allocator_init(&t, 1);
    assert_int_equal(aif_fleet_record(&t.base, l.f, &sink), AIF_ENOMEM);
    assert_int_equal(t.live_blocks, 0);
    aif_results_close(r);
    /* In a fresh store, it succeeds with every block returned. */
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    aif_test_allocator_init(&t, 0);
    sink = aif_results_sink(r, id);
    assert_int_equal(aif_fleet_record(&t.base, l.f, &sink), AIF_OK);
    assert_int_equal(t.live_blocks, 0);
    assert_true(t.allocations >= 1);
    aif_results_close(r);
    /* A fleet that has not run is refused. */
    aif_fleet *fresh = NULL;
    aif_error err = {0};
    assert_int_equal(aif_fleet_create(NULL, &l.in, &fresh, &err), AIF_OK);
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    sink = aif_results_sink(r, 1);
    assert_int_equal(aif_fleet_record(NULL, fresh, &sink), AIF_EINVAL);
    aif_results_close(r);
    aif_fleet_destroy(fresh);
    unload(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_from_scenario),    cmocka_unit_test(default_scenario_checks),
        cmocka_unit_test(frontier_runs_progress), cmocka_unit_test(llama_setting_runs_no_progress),
        cmocka_unit_test(csv_determinism),        cmocka_unit_test(record_errors),
        cmocka_unit_test(no_rofr_differs),
    };
    /* The group state, the default's run, goes to every test; those that check it use it. */
    return cmocka_run_group_tests(tests, run_default, free_default);
}
