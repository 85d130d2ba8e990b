/* Shared-internal parts of the catalog module: the object layout, the error recorder and
 * the YAML reader entry point, used by catalog.c (storage, lookup, merge) and
 * catalog_parse.c (YAML to staged entries). Not installed, not for other modules. */
#ifndef AIFACTORY_MODEL_CATALOG_INTERNAL_H
#define AIFACTORY_MODEL_CATALOG_INTERNAL_H

#include "aifactory/catalog.h"

/* An entry read from one file, before the merge commits it. */
typedef struct aif__staged_package {
    aif_package p;
    bool is_new;
    struct aif__staged_package *next;
} aif__staged_package;

typedef struct aif__staged_system {
    aif_system s;
    bool is_new;
    int ref_line[2]; /* where `package` and `extra_package` were given, for errors */
    int ref_col[2];
    struct aif__staged_system *next;
} aif__staged_system;

typedef struct aif__staged {
    aif__staged_package *packages; /* in file order */
    aif__staged_package **packages_tail;
    aif__staged_system *systems;
    aif__staged_system **systems_tail;
    aif_facility facility;
    size_t new_packages;
    size_t new_systems;
} aif__staged;

struct aif_catalog {
    const aif_allocator *alloc;
    aif_arena *arena; /* every string and entry; lives as long as the catalog */
    aif_package **packages;
    size_t package_count;
    size_t package_cap;
    aif_system **systems;
    size_t system_count;
    size_t system_cap;
    aif_facility facility;
    size_t error_count; /* including errors beyond the kept ones */
    aif_catalog_error errors[AIF_CATALOG_MAX_ERRORS];
};

/* Record "file:line:col: message" on the catalog (printf-style). Never fails: past
 * AIF_CATALOG_MAX_ERRORS only the count grows. */
void aif__catalog_error(aif_catalog *cat, const char *file, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Parse `text` into `staged` (entries allocated from the catalog's arena), checking the
 * schema against the current catalog. Returns AIF_OK, AIF_EPARSE (errors recorded) or
 * AIF_ENOMEM. `file` must live as long as the catalog. */
aif_status aif__catalog_parse(aif_catalog *cat, const char *file, const char *text, size_t len,
                              aif__staged *staged);

#endif
