/* The fleet engine's capacity decisions under a right of first refusal (fleet.h): a site of
 * the scenario whose capacity was decided (`sites[].decided`) inside a ROFR window is offered
 * to the ROFR's holder on that date, as procurement offers are (contracts.h). When the holder
 * takes it, the site's blocks are the holder's from then on: it runs them and bills them at
 * its terms (a cloud holder: its price per GPU-hour, no capex), and milestones tied to the
 * site's own provider (tranches, warrants) no longer count them. Each offer is an event. */
#include "fleet_internal.h"

/* The ROFR in force at `t` whose holder is not `provider` (a provider cannot hold a right of
 * first refusal over itself), as contracts.h takes it; holder -1 when none. */
static aif_rofr rofr_at(const aif_fleet *f, aif_time t, size_t provider) {
    const aif_scenario_contracts *c = &f->in->contracts;
    for (size_t i = 0; i < c->rofr_count; i++) {
        const aif_scenario_rofr *r = &c->rofrs[i];
        if (t >= r->from && t < r->to && r->holder != provider) {
            return (aif_rofr){.holder = (int32_t)r->holder,
                              .from = r->from,
                              .to = r->to,
                              .rule = r->rule,
                              .probability = r->probability,
                              .max_usd_per_gpu_hour = r->max_price_usd_per_gpu_hour};
        }
    }
    return (aif_rofr){.holder = -1};
}

/* What a provider asks per GPU-hour: a ROFR price when the holder has one, a cloud's price,
 * else the planner's break-even of the procurement system (own and partner capacity). */
static double quote_price(const aif_fleet *f, size_t p, const aif_scenario_rofr *r) {
    if (r != NULL && r->holder == p && r->price_usd_per_gpu_hour > 0) {
        return r->price_usd_per_gpu_hour;
    }
    const aif_scenario_provider *pr = &f->in->providers[p];
    return pr->kind == AIF_PROVIDER_CLOUD ? pr->price_usd_per_gpu_hour : f->build.procure_quote_own;
}

aif_status fleet_decisions_schedule(aif_fleet *f) {
    const aif_fleet_input *in = f->in;
    for (size_t s = 0; s < in->site_count; s++) {
        aif_time at = in->sites[s].decided_at;
        if (at == AIF_TIME_MIN || at >= in->simulation.end ||
            rofr_at(f, at, in->sites[s].provider).holder < 0) {
            continue;
        }
        /* A decision before the start is made at the start, before any block comes online. */
        aif_status st =
            aif_sim_schedule_at(f->sim, at > 0 ? at : 0, f->self, CLS_DECIDE, EV_DECIDE, s, NULL);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

/* Hand the site's blocks that are not online yet to `holder`: they are its capacity now,
 * so a cloud holder carries their capex (none is booked) and bills their GPU-hours. */
static void transfer_site(aif_fleet *f, size_t site, size_t holder) {
    fleet_block *blocks = f->build.blocks.data;
    bool cloud = f->in->providers[holder].kind == AIF_PROVIDER_CLOUD;
    for (size_t i = 0; i < f->build.blocks.count; i++) {
        fleet_block *fb = &blocks[i];
        if (fb->b.site != site || fb->b.origin != AIF_BLOCK_CONTRACTED || fb->delivered) {
            continue;
        }
        fb->b.provider = (uint32_t)holder;
        if (cloud) {
            fb->capex_sys_cents = fb->capex_fac_cents = 0;
            fb->dep_sys_months = fb->dep_fac_months = 0;
        }
    }
    f->build.site_provider[site] = holder;
}

aif_status fleet_decide_site(aif_fleet *f, size_t site) {
    const aif_fleet_input *in = f->in;
    size_t own = in->sites[site].provider;
    /* The window is judged at the decision's own date (a decision dated before the start is
     * made at the start, see fleet_decisions_schedule). */
    aif_time t = in->sites[site].decided_at;
    aif_rofr rofr = rofr_at(f, t, own);
    if (rofr.holder < 0) {
        return AIF_OK;
    }
    const aif_scenario_rofr *spec = NULL;
    for (size_t i = 0; i < in->contracts.rofr_count; i++) {
        if ((int32_t)in->contracts.rofrs[i].holder == rofr.holder &&
            in->contracts.rofrs[i].from == rofr.from) {
            spec = &in->contracts.rofrs[i];
        }
    }
    aif_quote quotes[2];
    size_t holder = (size_t)rofr.holder;
    quotes[0] =
        (aif_quote){.provider = (uint32_t)holder, .usd_per_gpu_hour = quote_price(f, holder, spec)};
    quotes[1] =
        (aif_quote){.provider = (uint32_t)own, .usd_per_gpu_hour = quote_price(f, own, spec)};
    for (size_t q = 0; q < 2; q++) {
        quotes[q].available = quotes[q].usd_per_gpu_hour >= 0;
    }
    /* The site's own provider stands in as the preferred partner: it made the deal. */
    aif_procure_decision d;
    aif_status st =
        aif_procure_decide(&rofr, (int32_t)own, quotes, 2, t, &f->build.rng_procure, &d);
    for (size_t k = 0; st == AIF_OK && k < d.count; k++) {
        const aif_offer *o = &d.offers[k];
        if (o->kind == AIF_OFFER_ROFR) {
            f->sum.rofr_offers++;
            f->sum.rofr_accepted += o->accepted;
            f->sum.site_offers++;
            f->sum.site_offers_accepted += o->accepted;
        }
        st = fleet_log(f, AIF_FEV_OFFER, (int32_t)o->provider, o->kind, o->usd_per_gpu_hour,
                       o->accepted);
    }
    if (st == AIF_OK && d.chosen == rofr.holder) {
        transfer_site(f, site, holder);
    }
    return st;
}
