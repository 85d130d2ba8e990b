/* `validate fleet` rows from the default scenario: its failure model against Llama 3's
 * interruption statistics, and the simulated run against the lab's published figures (idle
 * capacity, the inference share of compute, revenue per GW, the fleet at the end of 2025,
 * the length of frontier runs). The run is the caller's (vf_context); a row whose figure the
 * run cannot give (no run, a period it does not cover, no finished frontier run) is a miss
 * that says why. docs/validate.md lists the rows and their sources. */
#include <math.h>
#include <stdlib.h>

#include "aifactory/ledger.h"
#include "aifactory/reliability.h"
#include "validate_fleet.h"

#define LLAMA3_GPUS 16384.0
#define LLAMA3_DAYS 54.0

static const vf_anchor llama3_interruptions = {
    .name = "failures.llama3_interruptions_54d",
    .unit = "interruptions",
    .reference = 419,
    .kind = VF_RELATIVE,
    .tolerance = 0.10,
    .source = "Llama 3: 419 unexpected in 54 days on 16,384 H100"};

static const vf_anchor llama3_hardware = {.name = "failures.hardware_share",
                                          .unit = "% of interruptions",
                                          .reference = 78,
                                          .kind = VF_ABSOLUTE,
                                          .tolerance = 5,
                                          .source = "Llama 3: ~78% hardware (58.7% GPU alone)"};

static const vf_anchor idle_share = {.name = "run.idle_share",
                                     .unit = "% of GPU-hours",
                                     .reference = 0,
                                     .kind = VF_ABSOLUTE,
                                     .tolerance = 15,
                                     .source = "OpenAI: compute-constrained (Oct 2025)"};

static const vf_anchor inference_share = {.name = "run.inference_share_2025",
                                          .unit = "% of GPU-hours",
                                          .reference = 100.0 * 2 / 7,
                                          .kind = VF_ABSOLUTE,
                                          .tolerance = 10,
                                          .source = "Epoch AI: 2024 compute $2B inference of $7B"};

static const vf_anchor arr_per_gw = {.name = "run.revenue_per_gw_2025",
                                     .unit = "USD B/GW-yr",
                                     .reference = 10,
                                     .kind = VF_RELATIVE,
                                     .tolerance = 0.30,
                                     .source = "OpenAI ARR/GW: ~$10B (2023-25)"};

static const vf_anchor gw_end_2025 = {.name = "run.facility_gw_end_2025",
                                      .unit = "GW",
                                      .reference = 1.9,
                                      .kind = VF_RELATIVE,
                                      .tolerance = 0.15,
                                      .source = "OpenAI CFO: ~1.9 GW in 2025 (Jan 2026)"};

static const vf_anchor gpus_end_2025 = {.name = "run.gpus_end_2025",
                                        .unit = "M packages",
                                        .reference = 1.0,
                                        .kind = VF_RELATIVE,
                                        .tolerance = 0.25,
                                        .source = "Altman: well over 1 M GPUs by end 2025"};

/* The reference is Epoch AI's trend of frontier run lengths (1.4x a year, and no longer
 * than about 9 months: runs longer than that lose to waiting for better hardware and
 * algorithms), anchored on Llama 3.1 405B's 78 days (30.84 M H100-hours on 16,384 GPUs),
 * taken as centred on April 2024 (ASSUMPTION: the dates of its pretraining are not
 * published; it was released in July 2024). The row's reference is the median of the trend
 * at the start of each finished run; docs/validate.md. */
static const vf_anchor frontier_days = {.name = "run.frontier_run_days_median",
                                        .unit = "days",
                                        .reference = 78,
                                        .kind = VF_RELATIVE,
                                        .tolerance = 0.50,
                                        .source = "Epoch AI: run length 1.4x/yr, <= 9 months"};

#define FRONTIER_BASE_DAYS       78.0
#define FRONTIER_GROWTH_PER_YEAR 1.4
#define FRONTIER_MAX_DAYS        (9 * 30.44)

/* Epoch's trend length of a frontier run starting on `start`. */
static double frontier_trend_days(aif_date start) {
    double years =
        (double)(aif_date_to_days(start) - aif_date_to_days((aif_date){2024, 4, 1})) / 365.25;
    return fmin(FRONTIER_BASE_DAYS * pow(FRONTIER_GROWTH_PER_YEAR, years), FRONTIER_MAX_DAYS);
}

void vf_rows_failures(const vf_context *ctx, vf_table *t) {
    if (ctx->input == NULL) {
        vf_miss(t, &llama3_interruptions, "no scenario: %s", ctx->run_error);
        vf_miss(t, &llama3_hardware, "no scenario: %s", ctx->run_error);
        return;
    }
    /* The engine's failure model (reliability.h: every fault class of the system, scaled by
     * the scenario's rate against Llama 3's) on Llama 3's cluster and window. */
    const aif_scenario_failures *fl = &ctx->input->failures;
    double n = 0, hw = 0;
    aif_status st = aif_reliability_expected(ctx->input->catalog, "hgx-h100", LLAMA3_GPUS,
                                             LLAMA3_DAYS, &n, &hw);
    if (st != AIF_OK) {
        vf_miss(t, &llama3_interruptions, "no hgx-h100 in the catalog: %s", aif_strerror(st));
        vf_miss(t, &llama3_hardware, "no hgx-h100 in the catalog: %s", aif_strerror(st));
        return;
    }
    vf_check(t, &llama3_interruptions,
             n * fl->interruptions_per_gpu_year / aif_reliability_reference_rate());
    vf_check(t, &llama3_hardware, 100 * hw);
}

/* The run's calendar year of a simulated time. */
static int year_of(const vf_context *ctx, aif_time t) {
    return aif_sim_to_date(t, ctx->input->simulation.start_date).year;
}

/* GPU-hours by use over the days of `year` (every day when year is 0); false when the run
 * has no day in it. */
static bool gpu_hours(const vf_context *ctx, int year, double hours[5]) {
    bool any = false;
    for (int k = 0; k < 5; k++) {
        hours[k] = 0;
    }
    for (size_t i = 0; i < aif_fleet_day_count(ctx->fleet); i++) {
        const aif_fleet_day *d = aif_fleet_day_at(ctx->fleet, i);
        if (year != 0 && year_of(ctx, d->time) != year) {
            continue;
        }
        for (int k = 0; k < 5; k++) {
            hours[k] += d->gpu_hours[k];
        }
        any = true;
    }
    return any;
}

static void check_shares(const vf_context *ctx, vf_table *t) {
    double h[5];
    gpu_hours(ctx, 0, h);
    double all = h[0] + h[1] + h[2] + h[3] + h[4];
    if (all > 0) {
        vf_check(t, &idle_share, 100 * h[AIF_USE_IDLE] / all);
    } else {
        vf_miss(t, &idle_share, "the run counted no GPU-hours");
    }
    /* Epoch's split is of compute spend between inference and research with training; at
     * one price per GPU-hour that is the split of the GPU-hours put to use. */
    double used = 0;
    if (gpu_hours(ctx, 2025, h)) {
        used = h[AIF_USE_INFERENCE] + h[AIF_USE_TRAINING] + h[AIF_USE_RESEARCH];
    }
    if (used > 0) {
        vf_check(t, &inference_share, 100 * h[AIF_USE_INFERENCE] / used);
    } else {
        vf_miss(t, &inference_share, "the run put no GPU-hours to use in 2025");
    }
}

/* Revenue booked in 2025 over the facility GW-years online in 2025 (the days' power). */
static void check_revenue(const vf_context *ctx, vf_table *t) {
    double gw_days = 0;
    for (size_t i = 0; i < aif_fleet_day_count(ctx->fleet); i++) {
        const aif_fleet_day *d = aif_fleet_day_at(ctx->fleet, i);
        if (year_of(ctx, d->time) == 2025) {
            gw_days += d->facility_w / 1e9;
        }
    }
    const aif_ledger *l = aif_fleet_ledger(ctx->fleet);
    double revenue = 0;
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        if (e->kind == AIF_LEDGER_REVENUE && year_of(ctx, e->time) == 2025) {
            revenue += (double)e->cents / 100.0;
        }
    }
    if (gw_days > 0) {
        vf_check(t, &arr_per_gw, revenue / 1e9 / (gw_days / 365.0));
    } else {
        vf_miss(t, &arr_per_gw, "no capacity online in 2025");
    }
}

/* Capacity online at the end of the last day of 2025. */
static void check_end_2025(const vf_context *ctx, vf_table *t) {
    const aif_fleet_day *last = NULL;
    for (size_t i = 0; i < aif_fleet_day_count(ctx->fleet); i++) {
        const aif_fleet_day *d = aif_fleet_day_at(ctx->fleet, i);
        if (year_of(ctx, d->time) == 2025) {
            last = d;
        }
    }
    aif_date end =
        last ? aif_sim_to_date(last->time, ctx->input->simulation.start_date) : (aif_date){0, 0, 0};
    if (last == NULL || end.month != 12 || end.day != 31) {
        vf_miss(t, &gw_end_2025, "the run does not cover 31 Dec 2025");
        vf_miss(t, &gpus_end_2025, "the run does not cover 31 Dec 2025");
        return;
    }
    vf_check(t, &gw_end_2025, last->facility_w / 1e9);
    vf_check(t, &gpus_end_2025, (double)last->packages / 1e6);
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, size_t n) {
    qsort(v, n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* The median length, start to finish, of the frontier runs that finished, against the
 * median of Epoch's trend length at their starts. */
static void check_frontier(const vf_context *ctx, vf_table *t) {
    size_t n = aif_fleet_run_count(ctx->fleet), done = 0;
    double *days = n ? malloc(2 * n * sizeof *days) : NULL;
    if (n > 0 && days == NULL) {
        vf_miss(t, &frontier_days, "out of memory");
        return;
    }
    double *trend = days + n;
    for (size_t i = 0; i < n; i++) {
        const aif_fleet_run_result *r = aif_fleet_run_at(ctx->fleet, i);
        if (r->site >= 0 && r->finish != AIF_TIME_MAX) {
            days[done] = aif_time_to_seconds(r->finish - r->start) / 86400.0;
            trend[done++] =
                frontier_trend_days(aif_sim_to_date(r->start, ctx->input->simulation.start_date));
        }
    }
    if (done == 0) {
        vf_miss(t, &frontier_days, "no frontier run finished in the run (%zu planned)", n);
    } else {
        vf_anchor a = frontier_days;
        a.reference = median_of(trend, done);
        vf_check(t, &a, median_of(days, done));
    }
    free(days);
}

void vf_rows_run(const vf_context *ctx, vf_table *t) {
    if (ctx->fleet == NULL || ctx->input == NULL) {
        const vf_anchor *rows[] = {&idle_share,  &inference_share, &arr_per_gw,
                                   &gw_end_2025, &gpus_end_2025,   &frontier_days};
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            vf_miss(t, rows[i], "no run: %s", ctx->run_error);
        }
        return;
    }
    check_shares(ctx, t);
    check_revenue(ctx, t);
    check_end_2025(ctx, t);
    check_frontier(ctx, t);
}
