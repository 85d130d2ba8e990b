/* What the sweep file reader (sweep_file.c) and the run planner (sweep_plan.c) share.
 * Private to io. */
#ifndef AIF_IO_SWEEP_INTERNAL_H
#define AIF_IO_SWEEP_INTERNAL_H

#include <stdbool.h>

#include "aifactory/sweep.h"
#include "textfile.h"
#include "yaml_cursor.h"

struct aif_sweep {
    const aif_allocator *alloc;
    aif_arena *arena;
    aif_error_list errors;
    bool loaded;
    const char *file;
    const char *scenario_path; /* NULL: the built-in default */
    aif__text scenario;        /* the scenario file's bytes (empty for the default) */
    const char **sets;         /* the fixed "key=value" assignments */
    size_t set_count;
    aif_sweep_parameter params[AIF_SWEEP_MAX_PARAMETERS + AIF_SWEEP_MAX_CATALOG_RANGES];
    size_t param_count;
    /* each parameter's key, for messages */
    aif__ypos param_pos[AIF_SWEEP_MAX_PARAMETERS + AIF_SWEEP_MAX_CATALOG_RANGES];
    aif_sweep_design design;
    size_t samples, replications, points;
    uint64_t seed;
    aif_sweep_run *runs;
    size_t run_count;
    char hash[17];
};

/* A `catalog: ranges` entry (value `v` of key `k`): one triangular parameter per catalog
 * value of the scenario's catalog with low < high (sweep_catalog.c). */
void aif__sweep_catalog_ranges(aif_sweep *s, aif__yreader *r, struct fy_node *k, struct fy_node *v,
                               aif__ypos key_pos);

/* Expand the checked sweep into its runs (s->runs). Errors: AIF_ENOMEM. */
aif_status aif__sweep_plan(aif_sweep *s);

#endif
