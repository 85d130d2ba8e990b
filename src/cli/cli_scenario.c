/* Scenario loading for `run` and `validate` (see cli_scenario.h). */
#include "cli_errors.h"
#include "cli_scenario.h"

#include <stdio.h>
#include <string.h>

static int out_of_memory(const cli_verb_spec *spec, aif_scenario *sc) {
    fprintf(stderr, "aifactory %s: out of memory\n", spec->name);
    aif_scenario_destroy(sc);
    return CLI_EXIT_FAILURE;
}

/* The --set overrides, then --seed as one more. */
static int apply_sets(const cli_verb_spec *spec, aif_scenario *sc, const cli_list *sets,
                      const char *seed) {
    for (int i = 0; i < sets->count; i++) {
        if (aif_scenario_set(sc, sets->items[i]) != AIF_OK) {
            return cli_usage_error(spec, "--set expects KEY=VALUE with a dotted key, found '%s'",
                                   sets->items[i]);
        }
    }
    if (seed) {
        char buf[64];
        snprintf(buf, sizeof buf, "simulation.seed=%s", seed);
        if (aif_scenario_set(sc, buf) != AIF_OK) {
            return CLI_EXIT_FAILURE;
        }
    }
    return CLI_EXIT_OK;
}

static void print_errors(const cli_verb_spec *spec, const aif_scenario *sc, aif_status st) {
    size_t n = cli_print_error_list(spec->name, aif_scenario_errors(sc));
    if (st != AIF_OK && n == 0) {
        fprintf(stderr, "aifactory %s: %s\n", spec->name, aif_strerror(st));
    }
}

int cli_scenario_open(const cli_verb_spec *spec, const char *target, const cli_list *sets,
                      const char *seed, aif_scenario **out, aif_status *load_status) {
    *out = NULL;
    aif_scenario *sc = NULL;
    if (aif_scenario_create(NULL, &sc) != AIF_OK) {
        return out_of_memory(spec, NULL);
    }
    int rc = apply_sets(spec, sc, sets, seed);
    if (rc != CLI_EXIT_OK) {
        if (rc == CLI_EXIT_FAILURE) {
            return out_of_memory(spec, sc);
        }
        aif_scenario_destroy(sc);
        return rc;
    }
    /* A name that is not a readable file but names the embedded scenario loads that one. */
    FILE *probe = target ? fopen(target, "rb") : NULL;
    if (probe) {
        fclose(probe);
    }
    aif_status st;
    if (probe == NULL && (target == NULL || strcmp(target, aif_scenario_default_name()) == 0)) {
        st = aif_scenario_load_default(sc);
    } else {
        st = aif_scenario_load_file(sc, target);
    }
    if (st == AIF_ENOMEM) {
        return out_of_memory(spec, sc);
    }
    print_errors(spec, sc, st);
    *out = sc;
    *load_status = st;
    return CLI_EXIT_OK;
}

void cli_fleet_progress_observe(void *ctx, aif_time now, aif_time end) {
    (void)end;
    cli_fleet_progress *pc = ctx;
    pc->events += 4096;
    aif_progress_update(&pc->p, now, pc->events);
}
