/* Scenario loading shared by the `run` and `validate` verbs: the scenario file named on the
 * command line (or the embedded default, by its name or with none), the --set overrides and
 * --seed, and every load error printed as "file:line:col: error: message". */
#ifndef AIF_CLI_CLI_SCENARIO_H
#define AIF_CLI_CLI_SCENARIO_H

#include "aifactory/scenario.h"
#include "args.h"

/* Bind `target` (NULL: the default) with `sets` and, when not NULL, `seed` (digits) into a
 * new scenario. Returns CLI_EXIT_OK with *out set and *load_status the load's status, its
 * errors already printed; or, with *out NULL, CLI_EXIT_USAGE (a --set that is not
 * KEY=VALUE) or CLI_EXIT_FAILURE (out of memory), the reason printed. */
int cli_scenario_open(const cli_verb_spec *spec, const char *target, const cli_list *sets,
                      const char *seed, aif_scenario **out, aif_status *load_status);

#endif
