/* The default catalog, loaded once per process (LLVMFuzzerInitialize) instead of parsed
 * again for every input: the scenario, set and catalog harnesses bind or merge over it
 * (aif_scenario_use_catalog, aif_catalog_copy), as many scenarios can share one catalog.
 * Its entries are snapshotted byte for byte at load, and fuzz_default_catalog_check()
 * aborts when an input changed any of them: a binder or merge that wrote into the shared
 * catalog would be a finding. Header-only; the statics are the harness process's own state
 * (the library keeps none). */
#ifndef AIF_FUZZ_DEFAULT_CATALOG_H
#define AIF_FUZZ_DEFAULT_CATALOG_H

#include "aifactory/catalog_read.h"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static aif_catalog *fuzz_default;
static aif_package *fuzz_default_packages; /* byte copies of the entries at load */
static aif_system *fuzz_default_systems;
static size_t fuzz_default_package_count, fuzz_default_system_count;
static aif_facility fuzz_default_facility;

static inline void fuzz_default_catalog_load(void) {
    FUZZ_CHECK(aif_catalog_create(NULL, &fuzz_default) == AIF_OK);
    FUZZ_CHECK(aif_catalog_load_default(fuzz_default) == AIF_OK);
    size_t np = aif_catalog_package_count(fuzz_default);
    size_t ns = aif_catalog_system_count(fuzz_default);
    fuzz_default_packages = calloc(np + 1, sizeof *fuzz_default_packages);
    fuzz_default_systems = calloc(ns + 1, sizeof *fuzz_default_systems);
    FUZZ_CHECK(fuzz_default_packages != NULL && fuzz_default_systems != NULL);
    for (size_t i = 0; i < np; i++) {
        fuzz_default_packages[i] = *aif_catalog_package_at(fuzz_default, i);
    }
    for (size_t i = 0; i < ns; i++) {
        fuzz_default_systems[i] = *aif_catalog_system_at(fuzz_default, i);
    }
    fuzz_default_package_count = np;
    fuzz_default_system_count = ns;
    fuzz_default_facility = *aif_catalog_facility(fuzz_default);
}

/* The shared catalog is as it was loaded: same entries, every byte of each (pointers to
 * its strings and resolved packages included), and the same facility defaults. */
static inline void fuzz_default_catalog_check(void) {
    const aif_catalog *cat = fuzz_default;
    size_t np = fuzz_default_package_count, ns = fuzz_default_system_count;
    FUZZ_CHECK(aif_catalog_package_count(cat) == np && aif_catalog_system_count(cat) == ns);
    for (size_t i = 0; i < np; i++) {
        FUZZ_CHECK(memcmp(aif_catalog_package_at(cat, i), &fuzz_default_packages[i],
                          sizeof *fuzz_default_packages) == 0);
    }
    for (size_t i = 0; i < ns; i++) {
        FUZZ_CHECK(memcmp(aif_catalog_system_at(cat, i), &fuzz_default_systems[i],
                          sizeof *fuzz_default_systems) == 0);
    }
    FUZZ_CHECK(memcmp(aif_catalog_facility(cat), &fuzz_default_facility,
                      sizeof fuzz_default_facility) == 0);
}

#endif
