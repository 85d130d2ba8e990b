/* `run --json`'s figures beyond the headline counts: everything the terminal summary
 * prints (run_summary_json.c). */
#ifndef AIF_CLI_RUN_SUMMARY_JSON_H
#define AIF_CLI_RUN_SUMMARY_JSON_H

#include <jansson.h>

#include "aifactory/fleet.h"
#include "aifactory/scenario.h"

/* Adds "money", "online_at_year_end", "demand", "frontier_runs", "milestones", then the
 * finance view (fleet_finance.h): "by_year" (one object per calendar year, the keys of
 * by_year.csv), "wacc", "npv_usd" and "usd_per_million_tokens" (null when no token was
 * served) to `o`. Dates are "YYYY-MM-DD" (null when not reached), money in dollars, power
 * in GW except the by_year capacities (W, as in the CSV). */
void run_summary_json_add(json_t *o, const aif_scenario *sc, const aif_fleet *f);

#endif
