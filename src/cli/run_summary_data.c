/* The figures of a run's summary (see run_summary_data.h). */
#include "run_summary_data.h"

#include "aifactory/contracts.h"

void summary_capacity_compute(const aif_scenario *sc, const aif_fleet *f, summary_capacity *out) {
    *out = (summary_capacity){0};
    const aif_scenario_simulation *sim = aif_scenario_simulation_get(sc);
    size_t np = aif_scenario_provider_count(sc);
    int y0 = sim->start_date.year;
    int years = aif_sim_to_date(sim->end - 1, sim->start_date).year - y0 + 1;
    if (years > SUMMARY_MAX_YEARS) {
        y0 += years - SUMMARY_MAX_YEARS;
        years = SUMMARY_MAX_YEARS;
    }
    if (np > SUMMARY_MAX_PROVIDERS) {
        np = SUMMARY_MAX_PROVIDERS;
    }
    out->first_year = y0;
    out->years = years;
    out->providers = np;
    double cur_w[SUMMARY_MAX_PROVIDERS] = {0}, cur_g[SUMMARY_MAX_PROVIDERS] = {0};
    size_t ne = aif_fleet_event_count(f), e = 0;
    for (int y = 0; y < years; y++) {
        aif_time t = aif_date_to_sim((aif_date){y0 + y + 1, 1, 1}, sim->start_date);
        for (; e < ne && aif_fleet_event_at(f, e)->time < t; e++) {
            const aif_fleet_event *ev = aif_fleet_event_at(f, e);
            if (ev->kind != AIF_FEV_BLOCK_ONLINE && ev->kind != AIF_FEV_BLOCK_RETIRED) {
                continue;
            }
            const aif_block *b = aif_fleet_block_at(f, (size_t)ev->a);
            double s = ev->kind == AIF_FEV_BLOCK_ONLINE ? 1 : -1;
            if (b->provider < np) {
                cur_w[b->provider] += s * b->nominal_w;
                cur_g[b->provider] += s * (double)b->packages;
            }
        }
        for (size_t p = 0; p < np; p++) {
            out->w[p][y] = cur_w[p];
            out->gpus[p][y] = cur_g[p];
            out->w[np][y] += cur_w[p];
            out->gpus[np][y] += cur_g[p];
        }
    }
}

void summary_provider_money_compute(const aif_scenario *sc, const aif_fleet *f,
                                    summary_provider_money *out) {
    *out = (summary_provider_money){0};
    size_t np = aif_scenario_provider_count(sc);
    out->providers = np > SUMMARY_MAX_PROVIDERS ? SUMMARY_MAX_PROVIDERS : np;
    const aif_ledger *l = aif_fleet_ledger(f);
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        if (e->party < out->providers && e->kind == AIF_LEDGER_CAPEX) {
            out->capex[e->party] += (double)e->cents / 100.0;
        } else if (e->party < out->providers && e->kind == AIF_LEDGER_CLOUD) {
            out->cloud[e->party] += (double)e->cents / 100.0;
        }
    }
}

void summary_served_compute(const aif_scenario *sc, const aif_fleet *f, summary_served *out) {
    *out = (summary_served){0};
    aif_date start = aif_scenario_simulation_get(sc)->start_date;
    double dem = 0, srv = 0;
    int year = start.year;
    size_t n = aif_fleet_day_count(f);
    for (size_t i = 0; i <= n; i++) {
        const aif_fleet_day *d = i < n ? aif_fleet_day_at(f, i) : NULL;
        int y = d ? aif_sim_to_date(d->time, start).year : year + 1;
        if (y != year) {
            if (dem > 0 && out->count < SUMMARY_MAX_YEARS) {
                out->year[out->count] = year;
                out->fraction[out->count] = srv / dem;
                out->count++;
            }
            dem = srv = 0;
            year = y;
        }
        if (d) {
            dem += d->tokens_demanded;
            srv += d->tokens_served;
        }
    }
}

void summary_rofr_compute(const aif_scenario *sc, const aif_fleet *f, size_t r, summary_rofr *out) {
    const aif_scenario_rofr *o = &aif_scenario_contracts_get(sc)->rofrs[r];
    *out = (summary_rofr){.last = -1};
    size_t ne = aif_fleet_event_count(f);
    for (size_t i = 0; i < ne; i++) {
        const aif_fleet_event *e = aif_fleet_event_at(f, i);
        if (e->kind == AIF_FEV_OFFER && e->a == AIF_OFFER_ROFR &&
            e->provider == (int32_t)o->holder && e->time >= o->from && e->time < o->to) {
            out->offers++;
            out->accepted += e->c != 0;
            out->last = e->time;
        }
    }
}

void summary_revenue_share_compute(const aif_scenario *sc, const aif_fleet *f, size_t r,
                                   summary_revenue_share *out) {
    const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
    const aif_scenario_revenue_share *v = &k->revenue_shares[r];
    *out = (summary_revenue_share){.stop = v->to};
    const aif_ledger *l = aif_fleet_ledger(f);
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        if (e->kind == AIF_LEDGER_REVENUE_SHARE && e->party == v->partner) {
            out->paid_usd += (double)e->cents / 100.0;
        }
    }
    if (v->until_trigger < k->trigger_count &&
        aif_fleet_trigger_time(f, v->until_trigger) < out->stop) {
        out->stop = aif_fleet_trigger_time(f, v->until_trigger);
        out->by_trigger = true;
    }
    out->ended = out->by_trigger || out->stop < aif_scenario_simulation_get(sc)->end;
}

double summary_gpu_hours_total(const aif_fleet_summary *s) {
    double total = 0;
    for (int u = 0; u < 5; u++) {
        total += s->gpu_hours[u];
    }
    return total > 0 ? total : 1;
}
