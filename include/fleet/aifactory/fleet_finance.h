/* The finance view of a finished fleet run (fleet.h): a profit-and-loss and cash-flow line
 * per calendar year, the net present value of the run's free cash flows at the cost of
 * capital, and the cost per million tokens served. Everything is derived from what the
 * engine already keeps (the daily rows, the ledger, the blocks and their online/retired
 * events), so every figure adds up to the run's totals in aif_fleet_summary.
 *
 * Conventions (docs/run.md, "Finance outputs"):
 * - a calendar year is [Jan 1, next Jan 1) in UTC, cut to the simulated period;
 * - monthly bills (power, cloud, revenue, revenue shares, depreciation) are posted at the
 *   end of the month they are for, so they count in the year of the month they cover (a
 *   December bill posted on Jan 1 is December's); capex, tranches and equity count on the
 *   date they are posted;
 * - cost of revenue = depreciation + power + cloud; gross margin = revenue - cost of
 *   revenue (revenue shares are shown apart, below the gross margin);
 * - free cash flow = revenue - revenue shares - capex - power - cloud: the operating and
 *   investing cash, before financing (tranches, equity), which the cost of capital prices;
 * - capacity is split by origin: blocks the scenario contracted (its sites' phases) and
 *   blocks the engine's procurement ordered (aif_fleet_block_procured). */
#ifndef AIFACTORY_FLEET_FINANCE_H
#define AIFACTORY_FLEET_FINANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/fleet.h"
#include "aifactory/ledger.h"

/* The most calendar years aif_fleet_years serves: a scenario spans at most 100 years
 * (AIF_SCENARIO_SPAN_MAX_YEARS), which touch at most 101 calendar years. */
#define AIF_FLEET_MAX_YEARS 101

/* One calendar year of a run. Money in dollars, GPU-hours in package-hours, power in W. */
typedef struct aif_fleet_year {
    int year;
    aif_time from, to;   /* the part of the year inside the period, simulated time */
    double gpu_hours[5]; /* by use: AIF_USE_INFERENCE .. AIF_USE_FAILED */
    double tokens_served;
    double revenue_usd;
    double revenue_share_usd;
    double capex_usd;
    double power_usd;
    double cloud_usd;
    double depreciation_usd;
    double cost_of_revenue_usd; /* depreciation + power + cloud */
    double gross_margin_usd;    /* revenue - cost of revenue */
    double tranche_usd;         /* vendor investment received */
    double equity_usd;          /* equity rounds received */
    double free_cash_flow_usd;  /* revenue - revenue shares - capex - power - cloud */
    double cash_flow_usd;       /* every cash entry of the year, financing included */
    double cash_position_usd;   /* cumulative cash at the year's end */
    /* cost of revenue per million tokens served in the year; NaN when none was served */
    double usd_per_million_tokens;
    /* nominal facility W online at the year's end (the period's end for the last year),
     * by origin */
    double contracted_facility_w;
    double procured_facility_w;
} aif_fleet_year;

/* Whether block `i` (aif_fleet_block_at) was ordered by the engine's procurement (true) or
 * is one of the scenario's own contracted blocks (false). The one place that decides the
 * origin of capacity. O(1); false for i out of range. */
bool aif_fleet_block_procured(const aif_fleet *f, size_t i);

/* Number of calendar years the run's period touches (1 for a period inside one year).
 * 0 for NULL. O(1). */
size_t aif_fleet_year_count(const aif_fleet *f);

/* Fill out[0 .. aif_fleet_year_count(f)) with the years in order; money is summed in
 * cents, so each year's figures are exact sums of its ledger entries. Errors: AIF_EINVAL
 * (NULL arguments, a fleet that has not run, cap below the year count), AIF_ERANGE (more
 * than AIF_FLEET_MAX_YEARS years). Cost O(days + ledger
 * entries + events). */
aif_status aif_fleet_years(const aif_fleet *f, aif_fleet_year *out, size_t cap);

/* Net present value at the annual rate `wacc` of the free cash flows in `l` (the kinds
 * above; financing and book entries are left out): each entry discounted to t = 0 by
 * (1 + wacc)^(-t / 365.25 days), at its posting time t. A rate of 0 gives the plain sum.
 * NaN for a NULL ledger or a rate outside [0, 1]. O(entries). */
double aif_fleet_npv_of_ledger(const aif_ledger *l, double wacc);

/* The run's NPV at its scenario's economics.wacc (aif_fleet_npv_of_ledger on its ledger). */
double aif_fleet_npv(const aif_fleet *f);

/* The run's cost of revenue (depreciation + power + cloud) per million tokens served over
 * the whole period; NaN when no token was served. O(days + ledger entries). */
double aif_fleet_usd_per_million_tokens(const aif_fleet *f);

/* The cost of capital the run was given (economics.wacc). */
double aif_fleet_wacc(const aif_fleet *f);

/* A frontier run's outcome as a word: "finished", "not_finished", "never_started" or
 * "cannot_progress" (the same in `run --json`, frontier_runs.csv and summary.json). */
const char *aif_fleet_run_status(const aif_fleet_run_result *r);

#endif
