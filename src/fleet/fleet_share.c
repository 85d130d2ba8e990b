/* The fleet engine's contract clock (fleet.h): cumulative training compute, the triggers
 * that fire on a date or when that compute reaches a threshold (the "AGI clause"), and the
 * monthly revenue shares paid to partners until their end date or their trigger, pro-rated
 * by time over partial months and posted to the ledger in integer cents. */
#include <math.h>

#include "fleet_internal.h"

aif_status fleet_triggers_setup(aif_fleet *f) {
    const aif_scenario_contracts *c = &f->in->contracts;
    for (size_t i = 0; i < c->revenue_share_count; i++) {
        const aif_scenario_revenue_share *v = &c->revenue_shares[i];
        if (v->partner >= f->in->provider_count || !(v->fraction >= 0 && v->fraction <= 1) ||
            (v->until_trigger != AIF_SCENARIO_NONE && v->until_trigger >= c->trigger_count)) {
            return aif_error_set(f->err, AIF_EINVAL,
                                 "revenue share %zu: bad partner, fraction or trigger", i);
        }
    }
    size_t n = c->trigger_count ? c->trigger_count : 1;
    f->training.trigger_at = aif_alloc(f->alloc, n * sizeof *f->training.trigger_at);
    if (f->training.trigger_at == NULL) {
        return AIF_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        f->training.trigger_at[i] = AIF_TIME_MAX;
    }
    aif_time end = f->in->simulation.end;
    for (size_t i = 0; i < c->trigger_count; i++) {
        const aif_scenario_trigger *t = &c->triggers[i];
        aif_time at = AIF_TIME_MAX;
        if (t->kind == AIF_TRIGGER_DATE) {
            at = t->at > 0 ? t->at : 0;
        } else if (!(t->compute_flop > 0)) {
            at = 0; /* a threshold of nothing is reached before any work is done */
        }
        if (at < end) {
            aif_status st =
                aif_sim_schedule_at(f->sim, at, f->self, CLS_CONTRACT, EV_TRIGGER, i, NULL);
            if (st != AIF_OK) {
                return st;
            }
        }
    }
    return AIF_OK;
}

void fleet_triggers_free(aif_fleet *f) {
    size_t n = f->in->contracts.trigger_count ? f->in->contracts.trigger_count : 1;
    aif_free(f->alloc, f->training.trigger_at, n * sizeof *f->training.trigger_at);
    f->training.trigger_at = NULL;
}

aif_status fleet_trigger_fire(aif_fleet *f, size_t i, aif_time now) {
    if (f->training.trigger_at[i] != AIF_TIME_MAX) {
        return AIF_OK;
    }
    f->training.trigger_at[i] = now;
    f->sum.triggers_fired++;
    return fleet_log(f, AIF_FEV_TRIGGER, -1, (int64_t)i,
                     f->sum.frontier_compute_flop + f->sum.research_compute_flop,
                     (int64_t)f->in->contracts.triggers[i].kind);
}

aif_status fleet_compute_add(aif_fleet *f, double frontier_flop, double research_flop,
                             aif_time now) {
    f->sum.frontier_compute_flop += frontier_flop;
    f->sum.research_compute_flop += research_flop;
    double total = f->sum.frontier_compute_flop + f->sum.research_compute_flop;
    const aif_scenario_contracts *c = &f->in->contracts;
    for (size_t i = 0; i < c->trigger_count; i++) {
        const aif_scenario_trigger *t = &c->triggers[i];
        if (t->kind == AIF_TRIGGER_COMPUTE && total >= t->compute_flop) {
            aif_status st = fleet_trigger_fire(f, i, now);
            if (st != AIF_OK) {
                return st;
            }
        }
    }
    return AIF_OK;
}

aif_status fleet_revenue_share_post(aif_fleet *f, aif_time from, aif_time to,
                                    int64_t revenue_cents) {
    const aif_scenario_contracts *c = &f->in->contracts;
    if (to <= from || revenue_cents <= 0) {
        return AIF_OK;
    }
    for (size_t i = 0; i < c->revenue_share_count; i++) {
        const aif_scenario_revenue_share *v = &c->revenue_shares[i];
        aif_time start = v->from > from ? v->from : from;
        aif_time stop = v->to < to ? v->to : to;
        if (v->until_trigger != AIF_SCENARIO_NONE &&
            f->training.trigger_at[v->until_trigger] < stop) {
            stop = f->training.trigger_at[v->until_trigger];
        }
        if (stop <= start) {
            continue;
        }
        /* Revenue accrues unevenly inside a month, but the contract terms are dates, so a
         * partial month pays the share of the month's revenue pro-rated by time. */
        double share = (double)revenue_cents * v->fraction;
        if (stop - start < to - from) {
            share *= (double)(stop - start) / (double)(to - from);
        }
        int64_t cents = (int64_t)llround(share);
        aif_status st =
            aif_ledger_post(f->ledger, to, AIF_LEDGER_REVENUE_SHARE, cents, (uint32_t)v->partner);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}
