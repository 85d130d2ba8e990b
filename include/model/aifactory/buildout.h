/* Build-out: a site's phases become blocks of capacity (halls, buildings) that come online
 * and retire on their dates, each converted to whole racks, packages and dies through the
 * planner's power chain (plan.h), so the fleet engine tracks capacity per site and provider
 * at rack granularity.
 *
 * A phase has a facility power, a system type, a ready date and a block size. Without a
 * ramp every block is online on the ready date; with a ramp of R watts per quarter (a
 * quarter is a quarter of a 365.25-day year) block k (0-based) comes online when the ramp
 * has delivered the power of the blocks before it: ready + k * block_w / R quarters. The
 * last block holds the remainder. Each block retires after the IT service life. Racks are
 * counted per block (the planner rounds down), so a phase never draws more than its power. */
#ifndef AIFACTORY_BUILDOUT_H
#define AIFACTORY_BUILDOUT_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/catalog.h"
#include "aifactory/error.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

typedef struct aif_buildout_phase {
    uint32_t site;
    uint32_t provider;
    const char *system_id;     /* borrowed; a catalog system id */
    double facility_w;         /* total facility power of the phase (> 0) */
    aif_time ready;            /* first block online */
    double ramp_w_per_quarter; /* 0: every block on the ready date */
    double block_w;            /* 0: one block of the whole phase */
    double it_life_years;      /* 0: the catalog's facility default */
} aif_buildout_phase;

/* Where a block of capacity comes from: a site of the scenario (a contracted deal), or
 * procurement beyond the contracts (the fleet engine's orders). */
typedef enum aif_block_origin { AIF_BLOCK_CONTRACTED, AIF_BLOCK_PROCURED } aif_block_origin;

/* "contracted", "procured" ("?" outside the enum). */
const char *aif_block_origin_name(aif_block_origin o);

typedef struct aif_block {
    uint32_t phase;
    uint32_t site;
    uint32_t provider;
    const aif_system *system; /* owned by the catalog */
    aif_time online;
    aif_time retire;
    double nominal_w;  /* the facility power the block was built for */
    double facility_w; /* drawn by its whole racks at full load (<= nominal_w) */
    int64_t racks;
    int64_t packages;
    int64_t dies;
    double capex_systems_usd;  /* IT, over the IT life: systems, network, storage (plan.h) */
    double capex_facility_usd; /* over the facility life: mechanical and electrical, power
                                  distribution */
    aif_block_origin origin;   /* AIF_BLOCK_CONTRACTED unless the fleet engine procured it */
} aif_block;

typedef struct aif_buildout aif_buildout;

/* Expand `n` phases (borrowed for the call) into blocks sorted by (online, phase, index).
 * `cat` must outlive the result (blocks point at its systems). Errors: AIF_EINVAL (NULL
 * arguments, power <= 0 or not finite, negative ramp, block or life), AIF_ENOTFOUND (unknown
 * system id), AIF_ERANGE (more than 1e6 blocks, or a block too small for one rack), the
 * planner's errors, AIF_ENOMEM. On error *out is untouched and `err` (may be NULL; cleared
 * on entry) records the status, the phase and the reason. Cost O(blocks log blocks); two
 * planner calls per phase. */
aif_status aif_buildout_create(const aif_allocator *a, const aif_catalog *cat,
                               const aif_buildout_phase *phases, size_t n, aif_buildout **out,
                               aif_error *err);

/* Free the build-out. NULL is a no-op. */
void aif_buildout_destroy(aif_buildout *b);

/* Number of blocks and the i-th in online order (NULL past the end). O(1). */
size_t aif_buildout_count(const aif_buildout *b);
const aif_block *aif_buildout_at(const aif_buildout *b, size_t i);

/* Append one more block (procured capacity), keeping online order; `blk` is copied.
 * Errors: AIF_EINVAL, AIF_ENOMEM. O(blocks) worst case. */
aif_status aif_buildout_add(aif_buildout *b, const aif_block *blk);

/* One block of `facility_w` for `system_id` through the planner (racks rounded down).
 * Errors as aif_buildout_create (the reason without a phase), recorded in `err` (may be
 * NULL; cleared on entry). O(1). */
aif_status aif_buildout_block(const aif_catalog *cat, const char *system_id, double facility_w,
                              aif_block *out, aif_error *err);

#endif
