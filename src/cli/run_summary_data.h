/* The figures of a run's summary, computed once from the engine's event log, daily rows
 * and ledger, for both renderings: the terminal text (run_summary.c) and `run --json`
 * (run_summary_json.c), so the two always agree. */
#ifndef AIF_CLI_RUN_SUMMARY_DATA_H
#define AIF_CLI_RUN_SUMMARY_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/fleet.h"
#include "aifactory/scenario.h"

#define SUMMARY_MAX_YEARS     12
#define SUMMARY_MAX_PROVIDERS 32

/* Facility W and GPUs online at each year end, by provider (row np is the total). */
typedef struct summary_capacity {
    int first_year, years;
    size_t providers;
    double w[SUMMARY_MAX_PROVIDERS + 1][SUMMARY_MAX_YEARS];
    double gpus[SUMMARY_MAX_PROVIDERS + 1][SUMMARY_MAX_YEARS];
} summary_capacity;

void summary_capacity_compute(const aif_scenario *sc, const aif_fleet *f, summary_capacity *out);

/* Capex and cloud payments per provider, in dollars, from the ledger. */
typedef struct summary_provider_money {
    size_t providers;
    double capex[SUMMARY_MAX_PROVIDERS], cloud[SUMMARY_MAX_PROVIDERS];
} summary_provider_money;

void summary_provider_money_compute(const aif_scenario *sc, const aif_fleet *f,
                                    summary_provider_money *out);

/* Share of demanded inference tokens served in each calendar year with demand. */
typedef struct summary_served {
    int count;
    int year[SUMMARY_MAX_YEARS];
    double fraction[SUMMARY_MAX_YEARS];
} summary_served;

void summary_served_compute(const aif_scenario *sc, const aif_fleet *f, summary_served *out);

/* Offers a ROFR saw in its window, how many were accepted, and the last one (-1: none). */
typedef struct summary_rofr {
    long offers, accepted;
    aif_time last;
} summary_rofr;

void summary_rofr_compute(const aif_scenario *sc, const aif_fleet *f, size_t r, summary_rofr *out);

/* What a revenue share paid and when and why it stopped. */
typedef struct summary_revenue_share {
    double paid_usd;
    aif_time stop;   /* the window's end, or the trigger's time */
    bool by_trigger; /* stopped by its `until` trigger */
    bool ended;      /* stopped before the end of the simulation */
} summary_revenue_share;

void summary_revenue_share_compute(const aif_scenario *sc, const aif_fleet *f, size_t r,
                                   summary_revenue_share *out);

/* GPU-hours over all uses (inference, training, research, idle, failed); 1 when none, so
 * shares can be divided by it. */
double summary_gpu_hours_total(const aif_fleet_summary *s);

#endif
