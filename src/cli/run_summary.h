/* The one-screen terminal summary of `aifactory run` (run_summary.c). */
#ifndef AIF_CLI_RUN_SUMMARY_H
#define AIF_CLI_RUN_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "aifactory/fleet.h"
#include "aifactory/scenario.h"

/* Print to `out` what a reader of the run wants first: GW and GPUs online at
 * each year end by provider, what they cost, the demand served, the training runs and when
 * they finished, each contract milestone with its date, and where the results and report
 * are. `f` has run; `report` may be "" (no report written). Headings are bold when `color`.
 * Cost O(events + days + ledger entries). */
void run_summary_print(FILE *out, const aif_scenario *sc, const aif_fleet *f, double wall_s,
                       const char *dir, const char *report, bool color);

#endif
