/* The scenario binder's check that a cloud commitment pays for capacity that exists: a
 * take-or-pay commitment buys GPU-hours at its price, so one whose total buys more GPU-hours
 * than its provider's sites offer over the commitment's whole term pays for capacity the
 * scenario does not model. That is refused at the commitment's position unless it says
 * `allow_unbacked: true`. The whole term is judged, not the simulated part of it, so that
 * shortening the period (--set simulation.end) never turns a valid scenario invalid. */
#include <math.h>

#include "scenario_internal.h"
#include "aifactory/buildout.h"

/* Package-hours of the phase's blocks inside [from, to): each block counts its whole racks'
 * packages (as the engine plans them) for the part of its life in the window. */
static double phase_package_hours(const aif_scenario *s, const aif_scenario_phase *ph,
                                  aif_time from, aif_time to) {
    if (ph->system == NULL || ph->block_count == 0) {
        return 0;
    }
    const aif_facility *fac = aif_catalog_facility(s->catalog);
    double pue = ph->pue > 0 ? ph->pue : fac && fac->pue.present ? fac->pue.value : 1.2;
    double basis = ph->power_basis == AIF_POWER_IT ? pue : 1.0;
    double hours = 0;
    int64_t packages = 0;
    double packages_w = -1;
    for (size_t k = 0; k < ph->block_count; k++) {
        const aif_scenario_block *b = &ph->blocks[k];
        /* Blocks of a phase share one size but the last: plan a size once. */
        if (b->power_w != packages_w) {
            aif_block blk;
            if (aif_buildout_block(s->catalog, ph->system_id, b->power_w * basis, &blk, NULL) !=
                AIF_OK) {
                return 0; /* check_block_systems reports it */
            }
            packages = blk.packages;
            packages_w = b->power_w;
        }
        aif_time on = b->online > from ? b->online : from;
        aif_time off = b->retire < to ? b->retire : to;
        if (off > on) {
            hours += (double)packages * (double)(off - on) / (double)AIF_NS_PER_HOUR;
        }
    }
    return hours;
}

void aif__scn_check_commitment(const scn_cur *k, const aif_scenario_commitment *cm) {
    scn_ctx *c = aif__scn_of(k);
    const aif_scenario *s = c->s;
    if (!cm->take_or_pay || cm->allow_unbacked || cm->provider >= s->provider_count ||
        !(cm->total_usd > 0) || cm->term <= 0 || c->r.status != AIF_OK) {
        return;
    }
    const aif_scenario_provider *pr = &s->providers[cm->provider];
    double price =
        cm->price_usd_per_gpu_hour > 0 ? cm->price_usd_per_gpu_hour : pr->price_usd_per_gpu_hour;
    if (pr->kind != AIF_PROVIDER_CLOUD || !(price > 0)) {
        return; /* GPU-hours are what a cloud sells; without a price they cannot be counted */
    }
    aif_time from = cm->start_at;
    aif_time to = cm->start_at > 0 && cm->term > AIF_TIME_MAX - cm->start_at
                      ? AIF_TIME_MAX
                      : cm->start_at + cm->term;
    double offered = 0;
    for (size_t i = 0; i < s->site_count; i++) {
        if (s->sites[i].provider != cm->provider) {
            continue;
        }
        for (size_t p = 0; p < s->sites[i].phase_count; p++) {
            offered += phase_package_hours(s, &s->sites[i].phases[p], from, to);
        }
    }
    double bought = cm->total_usd / price;
    /* A relative slack for rounding: racks are whole, months are averages. */
    if (bought > offered * 1.01) {
        aif__scn_error(c, aif__cur_pos(k),
                       "%s (%s): $%.4g at $%.2f buys %.3g GPU-hours over its term, but %s's "
                       "sites offer %.3g GPU-hours in it (%.0f%%); add sites for %s, or set "
                       "allow_unbacked: true to pay for capacity the scenario does not model",
                       k->path, cm->name, cm->total_usd, price, bought, pr->id, offered,
                       100.0 * offered / bought, pr->id);
    }
}
