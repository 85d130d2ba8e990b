/* The catalog object's layout, private to model (catalog.c). Readers build catalogs
 * through catalog_build.h. */
#ifndef AIFACTORY_MODEL_CATALOG_INTERNAL_H
#define AIFACTORY_MODEL_CATALOG_INTERNAL_H

#include "aifactory/catalog_build.h"

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
    aif_error_list errors; /* of the last merge */
};

#endif
