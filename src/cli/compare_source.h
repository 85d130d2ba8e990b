/* One side of `aifactory compare`: a run folder written by `run -o DIR` (its summary.json
 * checked, its results.sqlite opened read-only, nothing rerun) or a scenario file (run
 * here with the --set overrides and --seed, recorded into an in-memory results store,
 * nothing written). */
#ifndef AIF_CLI_COMPARE_SOURCE_H
#define AIF_CLI_COMPARE_SOURCE_H

#include <stdbool.h>

#include "aifactory/results.h"
#include "args.h"

/* What the command line says about running a scenario side. */
typedef struct compare_options {
    const cli_list *sets;
    const char *seed; /* digits, or NULL */
    bool quiet;
    int progress; /* an aif_progress_mode */
} compare_options;

typedef struct compare_source {
    const char *path;     /* as given on the command line */
    bool run_folder;      /* a run folder; else a scenario run here */
    aif_results *results; /* owned; closed by compare_source_close */
} compare_source;

/* Open `path` as a side (`label` names it on the progress line, "compare A"). Returns an
 * exit code, the reason printed on one line naming the path: 0; 2 for a folder that is not
 * a run folder (no summary.json, one that is not valid JSON, not aifactory's, of another
 * schema version, or no results.sqlite) or a scenario that does not load; 1 for a failed
 * simulation, read or allocation. */
int compare_source_open(const cli_verb_spec *spec, const compare_options *o, const char *label,
                        const char *path, compare_source *src);

void compare_source_close(compare_source *src);

#endif
