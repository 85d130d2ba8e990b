/* Build-out expansion (buildout.h): phases -> dated blocks of whole racks via the planner,
 * kept sorted by online time so the engine can schedule them in one pass. */
#include "aifactory/buildout.h"

#include <math.h>
#include <stdlib.h>

#include "aifactory/plan.h"

#define MAX_BLOCKS 1000000

const char *aif_block_origin_name(aif_block_origin o) {
    switch (o) {
    case AIF_BLOCK_CONTRACTED:
        return "contracted";
    case AIF_BLOCK_PROCURED:
        return "procured";
    }
    return "?";
}

struct aif_buildout {
    const aif_allocator *alloc;
    aif_block *blocks;
    size_t count;
    size_t capacity;
};

aif_status aif_buildout_block(const aif_catalog *cat, const char *system_id, double facility_w,
                              aif_block *out, aif_error *err) {
    aif_error_clear(err);
    if (cat == NULL || system_id == NULL || out == NULL || !isfinite(facility_w) ||
        facility_w <= 0) {
        return aif_error_set(err, AIF_EINVAL,
                             "block needs a catalog, a system id and a positive power");
    }
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.basis = AIF_PLAN_FACILITY_POWER;
    in.amount = facility_w;
    aif_status st = aif_plan_input_add(&in, system_id, NAN);
    if (st != AIF_OK) {
        return aif_error_set(err, st, "%s", aif_strerror(st));
    }
    aif_plan_result res; /* a few KiB of assumption table: fine on the stack at setup */
    aif_plan_result *r = &res;
    st = aif_plan_compute(cat, &in, r);
    if (st != AIF_OK) {
        return aif_error_set(err, st, "%s", r->error.message);
    }
    if (r->racks < 1) {
        return aif_error_set(err, AIF_ERANGE, "a block of %.3g MW is too small for one %s system",
                             facility_w / 1e6, system_id);
    }
    *out = (aif_block){.system = r->lines[0].system,
                       .nominal_w = facility_w,
                       .facility_w = r->facility_mw_drawn * 1e6,
                       .racks = (int64_t)r->racks,
                       .packages = (int64_t)r->packages,
                       .dies = (int64_t)r->dies,
                       .capex_systems_usd = r->capex_it_usd,
                       .capex_facility_usd = r->capex_facility_usd};
    return AIF_OK;
}

static int block_cmp(const void *pa, const void *pb) {
    const aif_block *a = pa, *b = pb;
    if (a->online != b->online) {
        return a->online < b->online ? -1 : 1;
    }
    if (a->phase != b->phase) {
        return a->phase < b->phase ? -1 : 1;
    }
    return (a->nominal_w < b->nominal_w) - (a->nominal_w > b->nominal_w);
}

static aif_status grow(aif_buildout *b, size_t need) {
    if (need <= b->capacity) {
        return AIF_OK;
    }
    size_t cap = b->capacity ? b->capacity : 16;
    while (cap < need) {
        cap *= 2;
    }
    aif_block *nb = aif_realloc(b->alloc, b->blocks, b->capacity * sizeof *nb, cap * sizeof *nb);
    if (nb == NULL) {
        return AIF_ENOMEM;
    }
    b->blocks = nb;
    b->capacity = cap;
    return AIF_OK;
}

static aif_status phase_blocks(const aif_catalog *cat, const aif_buildout_phase *ph, uint32_t idx,
                               aif_buildout *b, aif_error *err) {
    if (ph->system_id == NULL || !isfinite(ph->facility_w) || ph->facility_w <= 0 ||
        !(ph->ramp_w_per_quarter >= 0) || !(ph->block_w >= 0) || !(ph->it_life_years >= 0)) {
        return aif_error_set(err, AIF_EINVAL,
                             "phase %u: power must be > 0; ramp, block and life >= 0", idx);
    }
    double block_w = ph->block_w > 0 && ph->block_w < ph->facility_w ? ph->block_w : ph->facility_w;
    double nblocks = ceil(ph->facility_w / block_w * (1.0 - 1e-12));
    if (nblocks > MAX_BLOCKS || b->count + (size_t)nblocks > MAX_BLOCKS) {
        return aif_error_set(err, AIF_ERANGE, "phase %u: more than %d blocks", idx, MAX_BLOCKS);
    }
    size_t n = (size_t)nblocks;
    double last_w = ph->facility_w - (double)(n - 1) * block_w;
    aif_block full, last;
    aif_error sub;
    aif_status st = aif_buildout_block(cat, ph->system_id, block_w, &full, &sub);
    if (st == AIF_OK) {
        st = aif_buildout_block(cat, ph->system_id, last_w, &last, &sub);
    }
    if (st != AIF_OK) {
        return aif_error_set(err, st, "phase %u: %s", idx, sub.message);
    }
    double life = ph->it_life_years;
    if (!(life > 0)) {
        const aif_facility *f = aif_catalog_facility(cat);
        life = f->it_life_years.present ? f->it_life_years.value : 5.0;
    }
    aif_time life_ns = aif_time_from_seconds(life * (double)(AIF_NS_PER_YEAR / AIF_NS_PER_S));
    st = grow(b, b->count + n);
    if (st != AIF_OK) {
        return aif_error_set(err, st, "phase %u: out of memory", idx);
    }
    double quarter_s = (double)(AIF_NS_PER_YEAR / AIF_NS_PER_S) / 4.0;
    for (size_t k = 0; k < n; k++) {
        aif_block blk = (k + 1 == n) ? last : full;
        blk.phase = idx;
        blk.site = ph->site;
        blk.provider = ph->provider;
        blk.online = ph->ready;
        if (ph->ramp_w_per_quarter > 0) {
            blk.online +=
                aif_time_from_seconds((double)k * block_w / ph->ramp_w_per_quarter * quarter_s);
        }
        blk.retire = blk.online + life_ns;
        b->blocks[b->count++] = blk;
    }
    return AIF_OK;
}

aif_status aif_buildout_create(const aif_allocator *a, const aif_catalog *cat,
                               const aif_buildout_phase *phases, size_t n, aif_buildout **out,
                               aif_error *err) {
    aif_error_clear(err);
    if (cat == NULL || (phases == NULL && n > 0) || out == NULL) {
        return aif_error_set(err, AIF_EINVAL, "missing catalog, phases or output");
    }
    aif_buildout *b = aif_calloc(a, 1, sizeof *b);
    if (b == NULL) {
        return aif_error_set(err, AIF_ENOMEM, "out of memory");
    }
    b->alloc = a;
    for (size_t i = 0; i < n; i++) {
        aif_status st = phase_blocks(cat, &phases[i], (uint32_t)i, b, err);
        if (st != AIF_OK) {
            aif_buildout_destroy(b);
            return st;
        }
    }
    /* Blocks of one phase are generated in time order and qsort is not stable; the
     * comparison's tie-breaks (phase, then the larger full blocks before the remainder)
     * make the order total for equal-time blocks that differ. */
    if (b->count > 1) {
        qsort(b->blocks, b->count, sizeof *b->blocks, block_cmp);
    }
    *out = b;
    return AIF_OK;
}

void aif_buildout_destroy(aif_buildout *b) {
    if (b == NULL) {
        return;
    }
    aif_free(b->alloc, b->blocks, b->capacity * sizeof *b->blocks);
    aif_free(b->alloc, b, sizeof *b);
}

size_t aif_buildout_count(const aif_buildout *b) {
    return b->count;
}

const aif_block *aif_buildout_at(const aif_buildout *b, size_t i) {
    return i < b->count ? &b->blocks[i] : NULL;
}

aif_status aif_buildout_add(aif_buildout *b, const aif_block *blk) {
    if (b == NULL || blk == NULL) {
        return AIF_EINVAL;
    }
    aif_status st = grow(b, b->count + 1);
    if (st != AIF_OK) {
        return st;
    }
    size_t i = b->count;
    while (i > 0 && block_cmp(&b->blocks[i - 1], blk) > 0) {
        b->blocks[i] = b->blocks[i - 1];
        i--;
    }
    b->blocks[i] = *blk;
    b->count++;
    return AIF_OK;
}
