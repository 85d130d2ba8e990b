/* Scenario loading shared by the `run` and `validate` verbs: the scenario file named on the
 * command line (or the embedded default, by its name or with none), the --set overrides and
 * --seed, and every load error printed as "file:line:col: error: message". */
#ifndef AIF_CLI_CLI_SCENARIO_H
#define AIF_CLI_CLI_SCENARIO_H

#include <stdint.h>

#include "aifactory/progress.h"
#include "aifactory/scenario.h"
#include "args.h"

/* Bind `target` (NULL: the default) with `sets` and, when not NULL, `seed` (digits) into a
 * new scenario. Returns CLI_EXIT_OK with *out set and *load_status the load's status, its
 * errors already printed; or, with *out NULL, CLI_EXIT_USAGE (a --set that is not
 * KEY=VALUE) or CLI_EXIT_FAILURE (out of memory), the reason printed. */
int cli_scenario_open(const cli_verb_spec *spec, const char *target, const cli_list *sets,
                      const char *seed, aif_scenario **out, aif_status *load_status);

/* Progress of a fleet run on stderr: pass cli_fleet_progress_observe and a zeroed struct
 * (its `p` initialised with aif_progress_init) to aif_fleet_run. */
typedef struct cli_fleet_progress {
    aif_progress p;
    uint64_t events;
} cli_fleet_progress;

/* The engine calls this every 4096 events (aif_fleet_run's observer period). */
void cli_fleet_progress_observe(void *ctx, aif_time now, aif_time end);

#endif
