/* Synthetic runs for the report tests and the browser test's report generator: a tiny
 * replay whose every chart value is known by hand, a scenario run that exercises tagged
 * series, the ledger, events and contracts, and a larger pseudo-random replay (a fixed LCG,
 * so it is the same on every machine) that looks like a real trace. Header-only so the
 * unit test and tests/browser/make_reports.c share it. */
#ifndef AIFACTORY_TEST_REPORT_FIXTURE_H
#define AIFACTORY_TEST_REPORT_FIXTURE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "aifactory/results.h"

#define FX_TRY(call)                                                                               \
    do {                                                                                           \
        aif_status fx_st_ = (call);                                                                \
        if (fx_st_ != AIF_OK) {                                                                    \
            return fx_st_;                                                                         \
        }                                                                                          \
    } while (0)

/* Four jobs over 100 s: busy GPUs 4 on [0,20), 6 on [20,30), 4 on [30,50), 0 on [50,60),
 * 8 on [60,100]; one job waiting on [10,20), [40,60) and [90,100]. */
static inline aif_status fx_tiny_replay(aif_results *r, int64_t *run_id) {
    aif_results_run run = {.name = "tiny replay",
                           .kind = "replay",
                           .seed = 7,
                           .wall_s = NAN,
                           .sim_start_s = 0,
                           .sim_end_s = 100};
    FX_TRY(aif_results_add_run(r, &run, run_id));
    const aif_record_job jobs[] = {
        {.job_id = "j1", .vc = "a", .gpus = 4, .submit_s = 0, .start_s = 0, .end_s = 50},
        {.job_id = "j2", .vc = "a", .gpus = 2, .submit_s = 10, .start_s = 20, .end_s = 30},
        {.job_id = "j3", .vc = "b", .gpus = 8, .submit_s = 40, .start_s = 60, .end_s = 100},
        {.job_id = "j4", .vc = "b", .gpus = 1, .submit_s = 90, .start_s = NAN, .end_s = NAN},
    };
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        FX_TRY(aif_results_add_job(r, *run_id, &jobs[i]));
    }
    FX_TRY(aif_results_add_metric(r, *run_id, "jobs", 4, "jobs"));
    FX_TRY(aif_results_add_metric(r, *run_id, "mean JCT", 130.0 / 3.0, "s"));
    FX_TRY(aif_results_add_param(r, *run_id, "policy", "fifo", ""));
    return AIF_OK;
}

/* A scenario-like run: two charts of tagged series, a ledger, events and a contract. */
static inline aif_status fx_scenario(aif_results *r, int64_t *run_id) {
    const double day = 86400.0;
    aif_results_run run = {.name = "small build-out",
                           .kind = "scenario",
                           .seed = 1,
                           .started_utc = "2025-06-01T12:00:00Z",
                           .wall_s = 0.5,
                           .sim_start_s = 0,
                           .sim_end_s = 730 * day};
    FX_TRY(aif_results_add_run(r, &run, run_id));
    int64_t gw_a, gw_b, gpus, draw;
    FX_TRY(aif_results_add_series(r, *run_id, "capacity online", "provider A", "GW", &gw_a));
    FX_TRY(aif_results_add_series(r, *run_id, "capacity online", "provider B", "GW", &gw_b));
    FX_TRY(aif_results_add_series(r, *run_id, "GPUs online", "all systems", "GPUs", &gpus));
    FX_TRY(aif_results_add_series(r, *run_id, "power draw", "facility", "MW", &draw));
    for (int m = 0; m <= 24; m++) {
        double t = m * 30.4375 * day;
        double a = m < 6 ? 0 : 0.25 * ((m - 6) / 3 + 1);
        double b = m < 12 ? 0 : 0.5;
        FX_TRY(aif_results_add_point(r, gw_a, t, a));
        FX_TRY(aif_results_add_point(r, gw_b, t, b));
        FX_TRY(aif_results_add_point(r, gpus, t, (a + b) * 1e9 / 1400.0));
        FX_TRY(aif_results_add_point(r, draw, t, (a + b) * 1000.0 * (0.7 + 0.01 * (m % 5))));
    }
    const aif_record_ledger_entry ledger[] = {
        {.time_s = 0, .category = "capex", .amount_usd = -4e9, .memo = "site A"},
        {.time_s = 180 * day, .category = "tranche", .amount_usd = 2e9, .counterparty = "bank"},
        {.time_s = 365 * day, .category = "revenue", .amount_usd = 1.5e9},
        {.time_s = 365 * day, .category = "opex", .amount_usd = -3e8},
        {.time_s = 730 * day, .category = "revenue", .amount_usd = 3e9},
    };
    for (size_t i = 0; i < sizeof ledger / sizeof ledger[0]; i++) {
        FX_TRY(aif_results_add_ledger(r, *run_id, &ledger[i]));
    }
    FX_TRY(aif_results_add_event(r, *run_id, 30 * day, "milestone", "site A energised",
                                 "{\"site\": \"A\", \"mw\": 250}"));
    FX_TRY(aif_results_add_event(r, *run_id, 180 * day, "tranche", "tranche 1 <paid>", NULL));
    FX_TRY(aif_results_add_event(r, *run_id, 400 * day, "rofr", "offer from provider B",
                                 "{\"decision\": \"accepted\"}"));
    aif_record_contract c = {.contract_id = "lease-A",
                             .counterparty = "provider A",
                             .kind = "lease",
                             .signed_s = 0,
                             .start_s = 180 * day,
                             .end_s = 730 * day,
                             .gpus = 100000,
                             .power_mw = 250,
                             .value_usd = 5e9,
                             .detail_json = NULL};
    FX_TRY(aif_results_add_contract(r, *run_id, &c));
    static const struct {
        const char *name;
        double value;
        const char *unit;
    } keys[] = {
        {"power online", 1.25, "GW"}, {"GPUs online", 892857, "GPUs"},
        {"energy", 6.1, "TWh"},       {"capex", 4e9, "USD"},
        {"revenue", 4.5e9, "USD"},    {"net position", 1.9e9, "USD"},
        {"served demand", 97.5, "%"}, {"idle GPU-hours", 12.25, "%"},
        {"training runs", 3, "runs"}, {"interruptions", 14, "events"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        FX_TRY(aif_results_add_metric(r, *run_id, keys[i].name, keys[i].value, keys[i].unit));
    }
    FX_TRY(aif_results_add_param(r, *run_id, "power budget", "1.25", "GW"));
    FX_TRY(aif_results_add_param(r, *run_id, "GPU system", "GB200 NVL72", ""));
    return AIF_OK;
}

/* n jobs over a day on a 512-GPU cluster shared by three VCs, from a fixed LCG; the key
 * numbers are computed from the same jobs so the page can be checked against them. */
static inline aif_status fx_random_replay(aif_results *r, int n, int64_t *run_id) {
    aif_results_run run = {.name = "synthetic trace",
                           .kind = "replay",
                           .seed = 12345,
                           .wall_s = NAN,
                           .sim_start_s = 0,
                           .sim_end_s = 86400};
    FX_TRY(aif_results_add_run(r, &run, run_id));
    static const char *const vcs[] = {"research", "prod", "interns"};
    uint64_t x = 12345;
    double sum_jct = 0, sum_wait = 0, max_wait = 0, gpu_s = 0;
    int done = 0;
    double free_at[8] = {0}; /* eight 64-GPU slots: a crude FIFO for plausible waits */
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u1 = (double)(x >> 11) / 9007199254740992.0;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u2 = (double)(x >> 11) / 9007199254740992.0;
        double submit = 80000.0 * i / n;
        double dur = 60.0 * exp(4.7 * u1); /* 1 minute to ~1.8 hours, load ~0.8 */
        int slot = 0;
        for (int k = 1; k < 8; k++) {
            slot = free_at[k] < free_at[slot] ? k : slot;
        }
        double start = free_at[slot] > submit ? free_at[slot] : submit;
        double end = start + dur;
        free_at[slot] = end;
        char id[16];
        snprintf(id, sizeof id, "job-%04d", i);
        aif_record_job j = {.job_id = id,
                            .vc = vcs[(int)(u2 * 3)],
                            .kind = "training",
                            .gpus = 64,
                            .submit_s = submit,
                            .start_s = start,
                            .end_s = end <= 86400 ? end : NAN,
                            .status = end <= 86400 ? "completed" : "running"};
        FX_TRY(aif_results_add_job(r, *run_id, &j));
        sum_wait += start - submit;
        max_wait = start - submit > max_wait ? start - submit : max_wait;
        if (end <= 86400) {
            sum_jct += end - submit;
            gpu_s += 64 * dur;
            done++;
        }
    }
    FX_TRY(aif_results_add_metric(r, *run_id, "jobs", n, "jobs"));
    FX_TRY(aif_results_add_metric(r, *run_id, "completed", done, "jobs"));
    FX_TRY(aif_results_add_metric(r, *run_id, "mean JCT", done ? sum_jct / done : 0, "s"));
    FX_TRY(aif_results_add_metric(r, *run_id, "mean wait", sum_wait / n, "s"));
    FX_TRY(aif_results_add_metric(r, *run_id, "max wait", max_wait, "s"));
    FX_TRY(aif_results_add_metric(r, *run_id, "completed GPU-hours", gpu_s / 3600, "GPU h"));
    FX_TRY(aif_results_add_param(r, *run_id, "policy", "fifo", ""));
    FX_TRY(aif_results_add_param(r, *run_id, "cluster", "512", "GPUs"));
    return AIF_OK;
}

/* fx_scenario with a calendar start (2025-09-01), two frontier training runs and their
 * interruptions: "big-1" (1000 GPUs, days 100 to 130, 2 interruptions losing 1 h and 2 h)
 * and "big-2" (4000 GPUs, submitted day 200, started day 250, still running at day 730,
 * 350 interruptions of 864 s each, one minute apart from day 300: more than the page's
 * per-kind cap of 300 events). */
static inline aif_status fx_scenario_dated(aif_results *r, int64_t *run_id) {
    const double day = 86400.0;
    FX_TRY(fx_scenario(r, run_id));
    FX_TRY(aif_results_add_param(r, *run_id, "start", "2025-09-01", "date"));
    const aif_record_job jobs[] = {
        {.job_id = "big-1",
         .vc = "site A",
         .kind = "training",
         .gpus = 1000,
         .submit_s = 100 * day,
         .start_s = 100 * day,
         .end_s = 130 * day,
         .status = "completed",
         .interruptions = 2},
        {.job_id = "big-2",
         .vc = "site A",
         .kind = "training",
         .gpus = 4000,
         .submit_s = 200 * day,
         .start_s = 250 * day,
         .end_s = NAN,
         .status = "running"},
    };
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        FX_TRY(aif_results_add_job(r, *run_id, &jobs[i]));
    }
    FX_TRY(aif_results_add_event(r, *run_id, 110 * day, "run_failure", "big-1",
                                 "{\"work_lost_s\": 3600}"));
    FX_TRY(aif_results_add_event(r, *run_id, 120 * day, "run_failure", "big-1",
                                 "{\"work_lost_s\": 7200}"));
    for (int i = 0; i < 350; i++) {
        FX_TRY(aif_results_add_event(r, *run_id, 300 * day + 60.0 * i, "run_failure", "big-2",
                                     "{\"work_lost_s\": 864}"));
    }
    FX_TRY(aif_results_add_event(r, *run_id, 130 * day, "run_finish", "big-1", NULL));
    return AIF_OK;
}

/* A four-year run recorded hourly, dated from 2025-01-01: inference demanded (tokens/s)
 * with a daily cycle on a rising trend, and served, which falls short by up to 30% in the
 * evening peaks. Its chart is drawn as weekly means; the page zooms into the hourly
 * points. Every value is a whole number, so the page's 32-bit floats hold them exactly.
 * One event and one contract, for the event strip and a table. */
static inline aif_status fx_long_hourly(aif_results *r, int64_t *run_id) {
    const int hours = 4 * 8766;
    aif_results_run run = {.name = "four years hourly",
                           .kind = "scenario",
                           .seed = 3,
                           .wall_s = NAN,
                           .sim_start_s = 0,
                           .sim_end_s = hours * 3600.0};
    FX_TRY(aif_results_add_run(r, &run, run_id));
    FX_TRY(aif_results_add_param(r, *run_id, "start", "2025-01-01", "date"));
    int64_t dem, srv;
    FX_TRY(aif_results_add_series(r, *run_id, "Inference demand vs served", "demanded", "tokens/s",
                                  &dem));
    FX_TRY(aif_results_add_series(r, *run_id, "Inference demand vs served", "served", "tokens/s",
                                  &srv));
    double total_d = 0, total_s = 0;
    for (int h = 0; h < hours; h++) {
        int hour = h % 24;
        double d = 100000.0 + 25.0 * (h / 24) + 2000.0 * (hour < 12 ? hour : 24 - hour);
        double s = hour >= 8 && hour < 12 ? floor(d * (0.7 + 0.1 * (hour - 8))) : d;
        FX_TRY(aif_results_add_point(r, dem, h * 3600.0, d));
        FX_TRY(aif_results_add_point(r, srv, h * 3600.0, s));
        total_d += d;
        total_s += s;
    }
    FX_TRY(aif_results_add_metric(r, *run_id, "inference_served_fraction", total_s / total_d, ""));
    FX_TRY(aif_results_add_event(r, *run_id, 400 * 86400.0, "milestone", "site online", NULL));
    aif_record_contract c = {.contract_id = "cloud-1",
                             .counterparty = "provider A",
                             .kind = "cloud",
                             .signed_s = 0,
                             .start_s = 0,
                             .end_s = hours * 3600.0,
                             .value_usd = 1e9};
    FX_TRY(aif_results_add_contract(r, *run_id, &c));
    return AIF_OK;
}

#endif
