/* The catalog object: storage of packages, systems and facility defaults, the
 * all-or-nothing commit of staged entries (catalog_build.h), copies that share a base's
 * strings, lookup, and nearest-id suggestions (see catalog.h). Reading catalog files is
 * io's (catalog_read.c). */
#include "aifactory/catalog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "catalog_internal.h"

aif_status aif_catalog_create(const aif_allocator *a, aif_catalog **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_catalog *cat = aif_calloc(a, 1, sizeof *cat);
    if (cat == NULL) {
        return AIF_ENOMEM;
    }
    cat->alloc = a;
    /* 16 KiB blocks: the default catalog needs about 60 KiB of entries and strings. */
    aif_status st = aif_arena_create(a, 16 * 1024, &cat->arena);
    if (st != AIF_OK) {
        aif_free(a, cat, sizeof *cat);
        return st;
    }
    *out = cat;
    return AIF_OK;
}

void aif_catalog_destroy(aif_catalog *cat) {
    if (cat == NULL) {
        return;
    }
    const aif_allocator *a = cat->alloc;
    aif_free(a, cat->packages, cat->package_cap * sizeof *cat->packages);
    aif_free(a, cat->systems, cat->system_cap * sizeof *cat->systems);
    aif_arena_destroy(cat->arena);
    aif_free(a, cat, sizeof *cat);
}

aif_error_list *aif__catalog_error_list(aif_catalog *cat) {
    return &cat->errors;
}

const aif_error_list *aif_catalog_errors(const aif_catalog *cat) {
    return cat ? &cat->errors : NULL;
}

/* Make room for `extra` more pointers up front, so that committing cannot fail midway. */
static aif_status reserve(const aif_allocator *a, void ***items, size_t count, size_t *cap,
                          size_t extra) {
    if (count + extra <= *cap) {
        return AIF_OK;
    }
    size_t new_cap = *cap ? *cap : 16;
    while (new_cap < count + extra) {
        new_cap *= 2;
    }
    void **grown = aif_realloc(a, *items, *cap * sizeof(void *), new_cap * sizeof(void *));
    if (grown == NULL) {
        return AIF_ENOMEM;
    }
    *items = grown;
    *cap = new_cap;
    return AIF_OK;
}

static void take(aif_sourced *dst, const aif_sourced *src) {
    if (src->present) {
        *dst = *src;
    }
}

static void take_str(const char **dst, const char *src) {
    if (src) {
        *dst = src;
    }
}

static void override_package(aif_package *dst, const aif_package *src) {
    take_str(&dst->name, src->name);
    take_str(&dst->vendor, src->vendor);
    take(&dst->dies, &src->dies);
    for (int p = 0; p < AIF_PREC_COUNT; p++) {
        take(&dst->dense_tflops[p], &src->dense_tflops[p]);
    }
    take(&dst->hbm_gb, &src->hbm_gb);
    take(&dst->hbm_tbps, &src->hbm_tbps);
    take(&dst->tdp_w, &src->tdp_w);
    take(&dst->scaleup_gbps, &src->scaleup_gbps);
    take(&dst->available, &src->available);
}

static void override_system(aif_system *dst, const aif_system *src) {
    take_str(&dst->name, src->name);
    take_str(&dst->package_id, src->package_id);
    take_str(&dst->extra_package_id, src->extra_package_id);
    take(&dst->packages, &src->packages);
    take(&dst->extra_packages, &src->extra_packages);
    take(&dst->scaleup_domain, &src->scaleup_domain);
    take(&dst->it_power_kw, &src->it_power_kw);
    take(&dst->price_usd, &src->price_usd);
    take(&dst->host_cpu_usd, &src->host_cpu_usd);
    take(&dst->network_usd_per_gpu, &src->network_usd_per_gpu);
    take(&dst->storage_usd_per_gpu, &src->storage_usd_per_gpu);
}

static void override_facility(aif_facility *dst, const aif_facility *src) {
    take(&dst->pue, &src->pue);
    take(&dst->overhead_fraction, &src->overhead_fraction);
    take(&dst->capex_usd_per_mw, &src->capex_usd_per_mw);
    take(&dst->power_distribution_usd_per_mw, &src->power_distribution_usd_per_mw);
    take(&dst->network_usd_per_gpu, &src->network_usd_per_gpu);
    take(&dst->network_vendor_fraction, &src->network_vendor_fraction);
    take(&dst->storage_usd_per_gpu, &src->storage_usd_per_gpu);
    take(&dst->wacc, &src->wacc);
    take(&dst->power_price_usd_per_mwh, &src->power_price_usd_per_mwh);
    take(&dst->it_life_years, &src->it_life_years);
    take(&dst->facility_life_years, &src->facility_life_years);
}

static aif_package *find_package_mut(aif_catalog *cat, const char *id) {
    for (size_t i = 0; i < cat->package_count; i++) {
        if (strcmp(cat->packages[i]->id, id) == 0) {
            return cat->packages[i];
        }
    }
    return NULL;
}

static aif_system *find_system_mut(aif_catalog *cat, const char *id) {
    for (size_t i = 0; i < cat->system_count; i++) {
        if (strcmp(cat->systems[i]->id, id) == 0) {
            return cat->systems[i];
        }
    }
    return NULL;
}

/* Point every system at its packages in this catalog. */
static void resolve_packages(aif_catalog *cat) {
    for (size_t i = 0; i < cat->system_count; i++) {
        aif_system *s = cat->systems[i];
        s->package = aif_catalog_package_find(cat, s->package_id);
        s->extra_package =
            s->extra_package_id ? aif_catalog_package_find(cat, s->extra_package_id) : NULL;
    }
}

static void commit(aif_catalog *cat, const aif__staged *staged) {
    for (aif__staged_package *sp = staged->packages; sp; sp = sp->next) {
        aif_package *existing = find_package_mut(cat, sp->p.id);
        if (existing) {
            override_package(existing, &sp->p);
        } else {
            cat->packages[cat->package_count++] = &sp->p;
        }
    }
    for (aif__staged_system *ss = staged->systems; ss; ss = ss->next) {
        aif_system *existing = find_system_mut(cat, ss->s.id);
        if (existing) {
            override_system(existing, &ss->s);
        } else {
            cat->systems[cat->system_count++] = &ss->s;
        }
    }
    override_facility(&cat->facility, &staged->facility);
    /* Re-resolved because an override may have changed a reference. */
    resolve_packages(cat);
}

void aif__catalog_begin(aif_catalog *cat) {
    cat->errors.count = 0;
}

const aif_allocator *aif__catalog_allocator(const aif_catalog *cat) {
    return cat->alloc;
}

aif_arena *aif__catalog_arena(aif_catalog *cat) {
    return cat->arena;
}

aif_status aif__catalog_commit(aif_catalog *cat, const aif__staged *staged) {
    aif_status st = reserve(cat->alloc, (void ***)&cat->packages, cat->package_count,
                            &cat->package_cap, staged->new_packages);
    if (st == AIF_OK) {
        st = reserve(cat->alloc, (void ***)&cat->systems, cat->system_count, &cat->system_cap,
                     staged->new_systems);
    }
    if (st != AIF_OK) {
        return st;
    }
    commit(cat, staged);
    return AIF_OK;
}

aif_status aif_catalog_copy(const aif_catalog *base, const aif_allocator *a, aif_catalog **out) {
    if (base == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    aif_catalog *cat = NULL;
    aif_status st = aif_catalog_create(a, &cat);
    if (st != AIF_OK) {
        return st;
    }
    size_t np = base->package_count, ns = base->system_count;
    st = reserve(a, (void ***)&cat->packages, 0, &cat->package_cap, np);
    if (st == AIF_OK) {
        st = reserve(a, (void ***)&cat->systems, 0, &cat->system_cap, ns);
    }
    /* One array per kind: the entries are copied by value, their strings stay base's. */
    aif_package *packages = np ? aif_arena_alloc(cat->arena, np * sizeof *packages) : NULL;
    aif_system *systems = ns ? aif_arena_alloc(cat->arena, ns * sizeof *systems) : NULL;
    if (st != AIF_OK || (np && packages == NULL) || (ns && systems == NULL)) {
        aif_catalog_destroy(cat);
        return AIF_ENOMEM;
    }
    for (size_t i = 0; i < np; i++) {
        packages[i] = *base->packages[i];
        cat->packages[i] = &packages[i];
    }
    for (size_t i = 0; i < ns; i++) {
        systems[i] = *base->systems[i];
        cat->systems[i] = &systems[i];
    }
    cat->package_count = np;
    cat->system_count = ns;
    cat->facility = base->facility;
    resolve_packages(cat);
    *out = cat;
    return AIF_OK;
}

size_t aif_catalog_package_count(const aif_catalog *cat) {
    return cat ? cat->package_count : 0;
}

const aif_package *aif_catalog_package_at(const aif_catalog *cat, size_t i) {
    return (cat && i < cat->package_count) ? cat->packages[i] : NULL;
}

size_t aif_catalog_system_count(const aif_catalog *cat) {
    return cat ? cat->system_count : 0;
}

const aif_system *aif_catalog_system_at(const aif_catalog *cat, size_t i) {
    return (cat && i < cat->system_count) ? cat->systems[i] : NULL;
}

const aif_package *aif_catalog_package_find(const aif_catalog *cat, const char *id) {
    if (cat == NULL || id == NULL) {
        return NULL;
    }
    return find_package_mut((aif_catalog *)cat, id);
}

const aif_system *aif_catalog_system_find(const aif_catalog *cat, const char *id) {
    if (cat == NULL || id == NULL) {
        return NULL;
    }
    return find_system_mut((aif_catalog *)cat, id);
}

const aif_facility *aif_catalog_facility(const aif_catalog *cat) {
    return cat ? &cat->facility : NULL;
}

static const char *system_id_at(const void *list, size_t i) {
    return ((const aif_catalog *)list)->systems[i]->id;
}

static const char *package_id_at(const void *list, size_t i) {
    return ((const aif_catalog *)list)->packages[i]->id;
}

size_t aif_catalog_suggest(const aif_catalog *cat, aif_catalog_kind kind, const char *id,
                           const char **out, size_t max) {
    if (cat == NULL) {
        return 0;
    }
    if (kind == AIF_CATALOG_SYSTEM) {
        return aif_suggest_from(id, system_id_at, cat, cat->system_count, out, max);
    }
    return aif_suggest_from(id, package_id_at, cat, cat->package_count, out, max);
}
