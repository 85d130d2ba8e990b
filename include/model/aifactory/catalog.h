/* The hardware catalog: accelerator packages, systems built from them, and facility
 * defaults, each figure kept with its source and a confidence grade.
 *
 * A catalog starts empty; aif_catalog_load_default() merges the copy of data/catalog.yaml
 * compiled into the library, and aif_catalog_merge_file()/_merge_string() merge user files
 * of the same schema (docs/catalog.md), adding entries or overriding fields by id. A merge
 * is all or nothing: every problem in the file is collected with its file:line:col, and the
 * catalog changes only when there were none. Entries are read through const pointers that
 * stay valid until the catalog is destroyed (a later merge edits entries in place).
 * aif_catalog_copy() starts a catalog from another one without parsing it again. The
 * library never prints; callers format the collected errors. */
#ifndef AIFACTORY_CATALOG_H
#define AIFACTORY_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/precision.h"
#include "aifactory/error.h"
#include "aifactory/status.h"
#include "aifactory/suggest.h"

/* One sourced figure. `value` is the chosen default; `low`/`high` bound it (both equal to
 * `value` when the source gives a single number). `text` holds non-numeric values (an
 * availability date) and is NULL otherwise. `present` is false for a field the entry does
 * not have (e.g. fp4 on Hopper). `file`, `line`, `col` (1-based) say where it was defined. */
typedef struct aif_sourced {
    bool present;
    bool has_range;
    double value;
    double low;
    double high;
    const char *text;
    const char *source;
    const char *note; /* NULL when none */
    char confidence;  /* 'H', 'M' or 'L' */
    const char *file;
    int line;
    int col;
} aif_sourced;

typedef struct aif_package {
    const char *id;
    const char *name;
    const char *vendor;
    aif_sourced dies;                         /* dies per package (Blackwell, Rubin: 2) */
    aif_sourced dense_tflops[AIF_PREC_COUNT]; /* absent where unsupported */
    aif_sourced hbm_gb;
    aif_sourced hbm_tbps;
    aif_sourced tdp_w;
    aif_sourced scaleup_gbps; /* per package, e.g. NVLink */
    aif_sourced available;    /* date in .text */
} aif_package;

/* The largest catalog values a run can plan with: blocks of up to 1 TW (scenario_types.h)
 * are priced into int64 cents and counted in int64 systems. Each is far beyond any real
 * system or site (an NVL72 rack costs about $3.9M and draws 132 kW). */
#define AIF_CATALOG_PRICE_MAX_USD               1e9 /* a system */
#define AIF_CATALOG_PACKAGES_MAX                1e6 /* packages in a system */
#define AIF_CATALOG_IT_POWER_MAX_KW             1e5 /* a system: 100 MW */
#define AIF_CATALOG_PUE_MAX                     3.0
#define AIF_CATALOG_CAPEX_MAX_USD_PER_MW        1e8
#define AIF_CATALOG_USD_PER_GPU_MAX             1e7 /* network or storage per package */
#define AIF_CATALOG_POWER_PRICE_MAX_USD_PER_MWH 1e4
#define AIF_CATALOG_LIFE_MAX_YEARS              50.0

typedef struct aif_system {
    const char *id;
    const char *name;
    const char *package_id;
    const aif_package *package;   /* resolved after every successful merge */
    aif_sourced packages;         /* packages of `package` per system */
    const char *extra_package_id; /* NULL, or a second package type (Rubin CPX) */
    const aif_package *extra_package;
    aif_sourced extra_packages;
    aif_sourced scaleup_domain; /* packages in one scale-up domain */
    aif_sourced it_power_kw;    /* system IT power; default = planning value */
    aif_sourced price_usd;      /* what the system's vendor sells it for */
    /* The bill of materials beyond the price (docs/plan.md, "Capex"); each may be absent. */
    aif_sourced host_cpu_usd;        /* the host CPUs' part of price_usd (absent: not split) */
    aif_sourced network_usd_per_gpu; /* scale-out network per package; absent: facility's */
    aif_sourced storage_usd_per_gpu; /* storage per package; absent: the facility's */
} aif_system;

typedef struct aif_facility {
    aif_sourced pue;
    aif_sourced overhead_fraction; /* non-rack IT (network, storage, management) / rack IT */
    aif_sourced capex_usd_per_mw;  /* mechanical and electrical (building, cooling, generators,
                                      switchgear) per facility MW */
    aif_sourced power_distribution_usd_per_mw; /* per facility MW */
    aif_sourced network_usd_per_gpu;     /* scale-out network (NICs, DPUs, switches, optics) */
    aif_sourced network_vendor_fraction; /* of the network, what the system's vendor sells */
    aif_sourced storage_usd_per_gpu;
    aif_sourced power_price_usd_per_mwh;
    aif_sourced it_life_years;
    aif_sourced facility_life_years;
    aif_sourced wacc; /* cost of capital, a fraction per year */
} aif_facility;

typedef enum aif_catalog_kind { AIF_CATALOG_PACKAGE, AIF_CATALOG_SYSTEM } aif_catalog_kind;

typedef struct aif_catalog aif_catalog;

/* Create an empty catalog whose memory comes from `a` (NULL: system allocator).
 * Errors: AIF_EINVAL (out == NULL), AIF_ENOMEM. Cost O(1). */
aif_status aif_catalog_create(const aif_allocator *a, aif_catalog **out);

/* Free the catalog and everything it owns; pointers obtained from it become invalid. NULL
 * is a no-op. */
void aif_catalog_destroy(aif_catalog *cat);

/* A new catalog holding the entries and facility defaults of `base`, to merge more files
 * over without touching `base` (a default catalog loaded once, then one copy per input).
 * The copy has its own entries, so merges into either leave the other as it was, but it
 * shares the strings of `base` instead of copying them: `base` must outlive the copy. Its
 * error list starts empty. Memory comes from `a` (NULL: system allocator).
 * Errors: AIF_EINVAL (base or out NULL), AIF_ENOMEM. Cost O(entries), no parsing. */
aif_status aif_catalog_copy(const aif_catalog *base, const aif_allocator *a, aif_catalog **out);

/* Errors collected by the last merge (cleared when a merge starts), in file order, each
 * with its file:line:col (line 0 when not tied to a line, e.g. an unreadable file). NULL for
 * a NULL catalog. The list lives in the catalog. O(1). */
const aif_error_list *aif_catalog_errors(const aif_catalog *cat);

/* Entries in insertion order (default catalog order, then new user entries). _at returns
 * NULL past the end. O(1). */
size_t aif_catalog_package_count(const aif_catalog *cat);
const aif_package *aif_catalog_package_at(const aif_catalog *cat, size_t i);
size_t aif_catalog_system_count(const aif_catalog *cat);
const aif_system *aif_catalog_system_at(const aif_catalog *cat, size_t i);

/* Look up by exact id; NULL when unknown. O(entries). */
const aif_package *aif_catalog_package_find(const aif_catalog *cat, const char *id);
const aif_system *aif_catalog_system_find(const aif_catalog *cat, const char *id);

/* Facility defaults (fields not present when no file defined them). */
const aif_facility *aif_catalog_facility(const aif_catalog *cat);

/* Up to `max` ids of `kind` nearest to `id` (ids that start with or contain it first, then
 * by edit distance, at most 3 edits or a third of the length), best first, written to `out`
 * (pointers owned by the catalog). Returns how many were written. O(entries x len^2). */
size_t aif_catalog_suggest(const aif_catalog *cat, aif_catalog_kind kind, const char *id,
                           const char **out, size_t max);

#endif
