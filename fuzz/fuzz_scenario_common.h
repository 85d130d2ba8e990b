/* What the scenario and --set harnesses share: a scenario bound over the default catalog
 * loaded once per process, applying KEY=VALUE overrides the way the command line's --set
 * does, and the checks run on the outcome of a load. Header-only, included by
 * fuzz_scenario.c and fuzz_set.c alone. */
#ifndef AIF_FUZZ_SCENARIO_COMMON_H
#define AIF_FUZZ_SCENARIO_COMMON_H

#include "aifactory/scenario.h"
#include "fuzz_default_catalog.h"
#include "fuzz_util.h"

/* More overrides than any command line needs; bounds the work per input. */
#define FUZZ_MAX_SETS 16

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_default_catalog_load();
    return 0;
}

/* A new scenario that binds over the shared default catalog. */
static inline aif_scenario *fuzz_scenario_new(void) {
    aif_scenario *s = NULL;
    FUZZ_CHECK(aif_scenario_create(NULL, &s) == AIF_OK);
    FUZZ_CHECK(aif_scenario_use_catalog(s, fuzz_default) == AIF_OK);
    return s;
}

/* aif_scenario_set on `line` (len bytes, copied to a C string as argv would hold it);
 * returns 1 when it was recorded. A refused assignment is the CLI's usage error, not a
 * finding; only the documented codes may come back. */
static inline int fuzz_apply_set(aif_scenario *s, const uint8_t *line, size_t len) {
    char *a = fuzz_cstr(line, len);
    aif_status st = aif_scenario_set(s, a);
    free(a);
    FUZZ_CHECK(st == AIF_OK || st == AIF_EINVAL);
    return st == AIF_OK;
}

/* After a load: the errors format as lines, errors of an override point at one that was
 * given, and a loaded scenario answers its accessors consistently. */
static inline void fuzz_check_loaded(const aif_scenario *s, aif_status st, size_t sets) {
    const aif_error_list *errors = aif_scenario_errors(s);
    fuzz_error_list(errors);
    for (size_t i = 0; i < errors->count && i < AIF_ERROR_LIST_MAX; i++) {
        const aif_error *e = aif_error_list_at(errors, i);
        if (e->file != NULL && strcmp(e->file, "--set") == 0) {
            FUZZ_CHECK(e->line >= 1 && e->line <= sets);
        }
    }
    if (st != AIF_OK) {
        FUZZ_CHECK(st == AIF_EPARSE);
        FUZZ_CHECK(errors->count > 0);
        return;
    }
    FUZZ_CHECK(errors->count == 0);
    aif_fleet_input in;
    FUZZ_CHECK(aif_fleet_input_from_scenario(s, &in) == AIF_OK);
    FUZZ_CHECK(aif_scenario_name(s) != NULL && aif_scenario_catalog(s) != NULL);
    for (size_t i = 0; i < aif_scenario_provider_count(s); i++) {
        const aif_scenario_provider *p = aif_scenario_provider_at(s, i);
        FUZZ_CHECK(p != NULL && aif_scenario_provider_find(s, p->id) == i);
    }
    for (size_t i = 0; i < aif_scenario_site_count(s); i++) {
        const aif_scenario_site *site = aif_scenario_site_at(s, i);
        FUZZ_CHECK(site != NULL && aif_scenario_site_find(s, site->id) == i);
    }
    const aif_scenario_simulation *sim = aif_scenario_simulation_get(s);
    FUZZ_CHECK(sim != NULL);
    /* Demand at the start, a year in, and the far ends of simulated time. */
    const aif_time at[] = {0, AIF_NS_PER_YEAR, AIF_TIME_MIN, AIF_TIME_MAX};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        double wau = aif_scenario_wau_at(s, at[i]);
        FUZZ_CHECK(wau == wau); /* not NaN */
    }
}

#endif
