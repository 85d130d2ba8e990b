/* `run --json`: every figure of the terminal summary (run_summary.c), from the same
 * computations (run_summary_data.h), as JSON with units in the key names. */
#include "run_summary_json.h"

#include <math.h>
#include <stdlib.h>

#include "aifactory/contracts.h"
#include "aifactory/fleet_finance.h"
#include "run_summary_data.h"

static json_t *date_json(aif_time t, aif_date start) {
    char buf[16];
    if (t == AIF_TIME_MAX || aif_date_format(aif_sim_to_date(t, start), buf) != AIF_OK) {
        return json_null();
    }
    return json_string(buf);
}

static json_t *money_json(const aif_scenario *sc, const aif_fleet *f) {
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    summary_provider_money pm;
    summary_provider_money_compute(sc, f, &pm);
    json_t *by = json_object();
    for (size_t p = 0; p < pm.providers; p++) {
        json_object_set_new(
            by, aif_scenario_provider_at(sc, p)->id,
            json_pack("{s:f,s:f}", "capex_usd", pm.capex[p], "cloud_paid_usd", pm.cloud[p]));
    }
    json_t *o = json_object();
    json_object_set_new(o, "capex_usd", json_real(s->capex_usd));
    json_object_set_new(o, "power_usd", json_real(s->power_usd));
    json_object_set_new(o, "energy_mwh", json_real(s->energy_mwh));
    json_object_set_new(o, "cloud_payments_usd", json_real(s->cloud_payments_usd));
    json_object_set_new(o, "depreciation_usd", json_real(s->depreciation_usd));
    json_object_set_new(o, "vendor_investment_usd", json_real(s->vendor_investment_usd));
    json_object_set_new(o, "equity_usd", json_real(s->equity_usd));
    json_object_set_new(o, "warrants_usd", json_real(s->warrants_usd));
    json_object_set_new(o, "revenue_usd", json_real(s->revenue_usd));
    json_object_set_new(o, "revenue_share_usd", json_real(s->revenue_share_usd));
    json_object_set_new(o, "cash_usd", json_real(s->cash_usd));
    json_object_set_new(o, "by_provider", by);
    return o;
}

static json_t *capacity_json(const aif_scenario *sc, const aif_fleet *f) {
    summary_capacity c;
    summary_capacity_compute(sc, f, &c);
    json_t *years = json_array();
    for (int y = 0; y < c.years; y++) {
        json_t *by = json_object();
        for (size_t p = 0; p < c.providers; p++) {
            json_object_set_new(
                by, aif_scenario_provider_at(sc, p)->id,
                json_pack("{s:f,s:f}", "facility_gw", c.w[p][y] / 1e9, "gpus", c.gpus[p][y]));
        }
        json_array_append_new(years, json_pack("{s:i,s:f,s:f,s:o}", "year", c.first_year + y,
                                               "facility_gw", c.w[c.providers][y] / 1e9, "gpus",
                                               c.gpus[c.providers][y], "by_provider", by));
    }
    return years;
}

static json_t *demand_json(const aif_scenario *sc, const aif_fleet *f) {
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    summary_served sv;
    summary_served_compute(sc, f, &sv);
    json_t *by_year = json_object();
    for (int i = 0; i < sv.count; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", sv.year[i]);
        json_object_set_new(by_year, key, json_real(sv.fraction[i]));
    }
    static const char *const uses[5] = {"inference", "training", "research", "idle", "failed"};
    double total = summary_gpu_hours_total(s);
    json_t *share = json_object();
    for (int u = 0; u < 5; u++) {
        json_object_set_new(share, uses[u], json_real(s->gpu_hours[u] / total));
    }
    return json_pack(
        "{s:f,s:o,s:f,s:o,s:I,s:I,s:I}", "inference_served_fraction", s->inference_served_fraction,
        "served_fraction_by_year", by_year, "gpu_hours_total", total, "gpu_hours_share", share,
        "research_jobs_done", (json_int_t)s->research_jobs_done, "research_preemptions",
        (json_int_t)s->research_preemptions, "procurement_orders", (json_int_t)s->orders);
}

/* A real, or null when not finite (no token served: no cost per token). */
static json_t *real_or_null(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

/* One object per calendar year, with the keys (and units) of by_year.csv. */
static json_t *years_json(const aif_fleet *f) {
    json_t *arr = json_array();
    size_t n = aif_fleet_year_count(f);
    aif_fleet_year *ys = calloc(n, sizeof *ys);
    if (ys == NULL || aif_fleet_years(f, ys, n) != AIF_OK) {
        free(ys);
        return arr;
    }
    for (size_t i = 0; i < n; i++) {
        const aif_fleet_year *y = &ys[i];
        json_t *o = json_pack(
            "{s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}",
            "year", y->year, "gpu_hours_inference", y->gpu_hours[AIF_USE_INFERENCE],
            "gpu_hours_training", y->gpu_hours[AIF_USE_TRAINING], "gpu_hours_research",
            y->gpu_hours[AIF_USE_RESEARCH], "gpu_hours_idle", y->gpu_hours[AIF_USE_IDLE],
            "gpu_hours_failed", y->gpu_hours[AIF_USE_FAILED], "tokens_served", y->tokens_served,
            "revenue_usd", y->revenue_usd, "revenue_share_usd", y->revenue_share_usd, "capex_usd",
            y->capex_usd, "power_usd", y->power_usd, "cloud_usd", y->cloud_usd, "depreciation_usd",
            y->depreciation_usd, "cost_of_revenue_usd", y->cost_of_revenue_usd, "gross_margin_usd",
            y->gross_margin_usd, "tranche_usd", y->tranche_usd, "equity_usd", y->equity_usd,
            "free_cash_flow_usd", y->free_cash_flow_usd, "cash_flow_usd", y->cash_flow_usd,
            "cash_position_usd", y->cash_position_usd);
        json_object_set_new(o, "usd_per_million_tokens", real_or_null(y->usd_per_million_tokens));
        json_object_set_new(o, "contracted_facility_w", json_real(y->contracted_facility_w));
        json_object_set_new(o, "procured_facility_w", json_real(y->procured_facility_w));
        json_array_append_new(arr, o);
    }
    free(ys);
    return arr;
}

static json_t *runs_json(const aif_scenario *sc, const aif_fleet *f) {
    aif_date start = aif_scenario_simulation_get(sc)->start_date;
    json_t *arr = json_array();
    for (size_t i = 0; i < aif_fleet_run_count(f); i++) {
        const aif_fleet_run_result *r = aif_fleet_run_at(f, i);
        bool started = r->site >= 0 && !r->no_progress;
        bool finished = started && r->finish != AIF_TIME_MAX;
        json_t *o = json_pack("{s:s,s:s,s:f}", "name", r->name, "status", aif_fleet_run_status(r),
                              "gpus", r->gpus);
        json_object_set_new(o, "start", started ? date_json(r->start, start) : json_null());
        json_object_set_new(o, "finish", finished ? date_json(r->finish, start) : json_null());
        /* "end": the name frontier_runs.csv and summary.json use for the finish */
        json_object_set_new(o, "end", finished ? date_json(r->finish, start) : json_null());
        json_object_set_new(o, "days",
                            finished
                                ? json_real((double)(r->finish - r->start) / (double)AIF_NS_PER_DAY)
                                : json_null());
        json_object_set_new(o, "interruptions", json_integer(r->interruptions));
        json_object_set_new(o, "expected_goodput", json_real(r->expected_goodput));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* Tranche payments or warrant steps: the dates and the amounts (dollars or shares). */
static json_t *payments_json(const aif_fleet *f, uint32_t kind, size_t idx, aif_date start,
                             double *total) {
    json_t *dates = json_array();
    *total = 0;
    for (size_t i = 0; i < aif_fleet_event_count(f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(f, i);
        if (e->kind == kind && (size_t)e->a == idx) {
            json_array_append_new(dates, date_json(e->time, start));
            *total += e->b;
        }
    }
    return dates;
}

static json_t *milestones_json(const aif_scenario *sc, const aif_fleet *f) {
    aif_date start = aif_scenario_simulation_get(sc)->start_date;
    const aif_scenario_investments *inv = aif_scenario_investments_get(sc);
    const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
    json_t *tranches = json_array(), *warrants = json_array(), *equity = json_array();
    for (size_t t = 0; t < inv->tranche_count; t++) {
        double total;
        json_t *dates = payments_json(f, AIF_FEV_TRANCHE, t, start, &total);
        json_array_append_new(tranches,
                              json_pack("{s:s,s:f,s:I,s:f,s:o}", "name", inv->tranches[t].name,
                                        "amount_usd", inv->tranches[t].amount_usd, "paid",
                                        (json_int_t)json_array_size(dates), "total_usd", total,
                                        "dates", dates));
    }
    for (size_t w = 0; w < inv->warrant_count; w++) {
        double total;
        json_t *dates = payments_json(f, AIF_FEV_WARRANT, w, start, &total);
        json_array_append_new(warrants,
                              json_pack("{s:s,s:I,s:f,s:o}", "name", inv->warrants[w].name, "steps",
                                        (json_int_t)json_array_size(dates), "shares_vested", total,
                                        "dates", dates));
    }
    for (size_t i = 0; i < aif_fleet_event_count(f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(f, i);
        if (e->kind == AIF_FEV_EQUITY) {
            json_array_append_new(equity,
                                  json_pack("{s:s,s:f,s:o}", "name", inv->equity_rounds[e->a].name,
                                            "amount_usd", e->b, "date", date_json(e->time, start)));
        }
    }
    json_t *rofrs = json_array();
    for (size_t r = 0; r < k->rofr_count; r++) {
        const aif_scenario_rofr *o = &k->rofrs[r];
        summary_rofr st;
        summary_rofr_compute(sc, f, r, &st);
        json_array_append_new(rofrs,
                              json_pack("{s:s,s:s,s:o,s:o,s:I,s:I,s:o}", "name", o->name, "holder",
                                        aif_scenario_provider_at(sc, o->holder)->id, "from",
                                        o->from < 0 ? json_null() : date_json(o->from, start), "to",
                                        date_json(o->to, start), "offers", (json_int_t)st.offers,
                                        "accepted", (json_int_t)st.accepted, "last_offer",
                                        st.last >= 0 ? date_json(st.last, start) : json_null()));
    }
    json_t *commitments = json_array();
    for (size_t c = 0; c < k->commitment_count; c++) {
        const aif_scenario_commitment *cm = &k->commitments[c];
        json_array_append_new(commitments,
                              json_pack("{s:s,s:f,s:o,s:f,s:b}", "name", cm->name, "total_usd",
                                        cm->total_usd, "start", date_json(cm->start_at, start),
                                        "term_years", (double)cm->term / (double)AIF_NS_PER_YEAR,
                                        "take_or_pay", cm->take_or_pay));
    }
    json_t *shares = json_array();
    for (size_t r = 0; r < k->revenue_share_count; r++) {
        const aif_scenario_revenue_share *v = &k->revenue_shares[r];
        summary_revenue_share rs;
        summary_revenue_share_compute(sc, f, r, &rs);
        json_array_append_new(
            shares,
            json_pack("{s:s,s:s,s:f,s:f,s:o,s:o}", "name", v->name, "partner",
                      aif_scenario_provider_at(sc, v->partner)->id, "fraction", v->fraction,
                      "paid_usd", rs.paid_usd, "stopped_by",
                      rs.by_trigger ? json_string(k->triggers[v->until_trigger].name) : json_null(),
                      "stopped_on", rs.ended ? date_json(rs.stop, start) : json_null()));
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "tranches", tranches, "warrants", warrants,
                     "equity_rounds", equity, "rofrs", rofrs, "commitments", commitments,
                     "revenue_shares", shares);
}

void run_summary_json_add(json_t *o, const aif_scenario *sc, const aif_fleet *f) {
    json_object_set_new(o, "money", money_json(sc, f));
    json_object_set_new(o, "online_at_year_end", capacity_json(sc, f));
    json_object_set_new(o, "demand", demand_json(sc, f));
    json_object_set_new(o, "frontier_runs", runs_json(sc, f));
    json_object_set_new(o, "milestones", milestones_json(sc, f));
    json_object_set_new(o, "by_year", years_json(f));
    json_object_set_new(o, "wacc", json_real(aif_fleet_wacc(f)));
    json_object_set_new(o, "npv_usd", real_or_null(aif_fleet_npv(f)));
    json_object_set_new(o, "usd_per_million_tokens",
                        real_or_null(aif_fleet_usd_per_million_tokens(f)));
}
