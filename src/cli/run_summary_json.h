/* `run --json`'s figures beyond the headline counts: everything the terminal summary
 * prints (run_summary_json.c). */
#ifndef AIF_CLI_RUN_SUMMARY_JSON_H
#define AIF_CLI_RUN_SUMMARY_JSON_H

#include <jansson.h>

#include "aifactory/fleet.h"
#include "aifactory/scenario.h"

/* Adds "money", "online_at_year_end", "demand", "frontier_runs" and "milestones" to `o`.
 * Dates are "YYYY-MM-DD" (null when not reached), money in dollars, power in GW. */
void run_summary_json_add(json_t *o, const aif_scenario *sc, const aif_fleet *f);

#endif
