/* How a reader builds a catalog (for io's YAML reader; the aif__ prefix marks it as
 * internal to the library, not a stable API). A merge is all or nothing: the reader stages
 * the entries of one input in the catalog's arena, records every problem it finds, and
 * commits the staged entries only when there was none, so a failed merge leaves the
 * catalog's entries as they were. */
#ifndef AIFACTORY_CATALOG_BUILD_H
#define AIFACTORY_CATALOG_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/catalog.h"
#include "aifactory/error.h"

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

/* Start a merge: clear the errors of the last one. */
void aif__catalog_begin(aif_catalog *cat);

/* The arena staged entries and their strings are allocated from; it lives as long as the
 * catalog. */
aif_arena *aif__catalog_arena(aif_catalog *cat);

/* The allocator the catalog was created with (for buffers a reader frees itself). */
const aif_allocator *aif__catalog_allocator(const aif_catalog *cat);

/* The catalog's error list, for readers to record "file:line:col: message" on with
 * aif_error_list_add (never fails: past AIF_ERROR_LIST_MAX only the count grows). */
aif_error_list *aif__catalog_error_list(aif_catalog *cat);

/* Commit the staged entries: new ids are appended, known ids take the fields given.
 * Errors: AIF_ENOMEM (the catalog is then unchanged). Cost O(staged + entries). */
aif_status aif__catalog_commit(aif_catalog *cat, const aif__staged *staged);

#endif
