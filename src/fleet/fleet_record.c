/* Recording a finished fleet run through a record sink (fleet.h, aif_fleet_record): the
 * assumptions, the summary numbers, the daily and monthly time series the report charts by
 * tag, the event log, the cash ledger, the frontier runs as jobs and the contracts. Nothing
 * here reads a clock, so the rows are a pure function of the engine's input and seed; the
 * caller owns the run row and its wall-clock data. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/contracts.h"
#include "aifactory/fleet_finance.h"
#include "fleet_internal.h"

/* Simulated seconds; AIF_TIME_MAX (open-ended) becomes NaN, which the store writes as NULL. */
/* Dividing by 1e9 (exact) rounds once, so whole seconds stay whole: multiplying by the
 * inexact 1e-9 wrote 7776000.000000001 for 90 days. */
static double secs(aif_time t) {
    return t == AIF_TIME_MAX ? NAN : (double)t / 1e9;
}

/* A JSON number, or null for non-finite values (JSON has no NaN). */
static const char *num(char buf[40], double v) {
    if (!isfinite(v)) {
        return "null";
    }
    snprintf(buf, 40, "%.15g", v);
    return buf;
}

/* A quoted JSON string of `src`, cut short (still valid) when `dst` is too small. */
static const char *jstr(char *dst, size_t n, const char *src) {
    size_t k = 0;
    dst[k++] = '"';
    for (const unsigned char *p = (const unsigned char *)(src ? src : ""); *p; p++) {
        size_t need = (*p == '"' || *p == '\\') ? 2 : (*p < 0x20 ? 6 : 1);
        if (k + need + 2 > n) {
            break;
        }
        if (need == 2) {
            dst[k++] = '\\';
            dst[k++] = (char)*p;
        } else if (need == 6) {
            snprintf(dst + k, 7, "\\u%04x", *p);
            k += 6;
        } else {
            dst[k++] = (char)*p;
        }
    }
    dst[k++] = '"';
    dst[k] = '\0';
    return dst;
}

static const char *provider_id(const aif_fleet *f, int64_t p) {
    return p >= 0 && (size_t)p < f->in->provider_count ? f->in->providers[p].id : NULL;
}

static const fleet_block *block(const aif_fleet *f, int64_t i) {
    return &((const fleet_block *)f->build.blocks.data)[i];
}

/* ---- params and metrics ---- */

static aif_status param_num(const aif_record_sink *r, const char *name, double v,
                            const char *unit) {
    char b[40];
    return r->ops->param(r, name, num(b, v), unit);
}

static aif_status record_params(const aif_fleet *f, const aif_record_sink *r) {
    const aif_fleet_input *in = f->in;
    char a[16], b[16], name[256];
    aif_date_format(in->simulation.start_date, a);
    aif_date_format(in->simulation.end_date, b);
    aif_status st = r->ops->param(r, "scenario", in->name ? in->name : "", "");
    if (st == AIF_OK) {
        st = r->ops->param(r, "start", a, "date");
    }
    if (st == AIF_OK) {
        st = r->ops->param(r, "end", b, "date (exclusive)");
    }
    if (st == AIF_OK) {
        st = param_num(r, "seed", (double)in->simulation.seed, "");
    }
    for (size_t p = 0; st == AIF_OK && p < in->provider_count; p++) {
        snprintf(name, sizeof name, "provider.%s.kind", in->providers[p].id);
        st = r->ops->param(r, name, aif_provider_kind_name(in->providers[p].kind), "");
    }
    for (size_t s = 0; st == AIF_OK && s < in->site_count; s++) {
        const aif_scenario_site *site = &in->sites[s];
        for (size_t k = 0; st == AIF_OK && k < site->phase_count; k++) {
            snprintf(name, sizeof name, "site.%s.phase.%zu.system", site->id, k);
            st = r->ops->param(r, name, site->phases[k].system_id, "");
            if (st == AIF_OK) {
                snprintf(name, sizeof name, "site.%s.phase.%zu.power", site->id, k);
                st = param_num(r, name, site->phases[k].power_w,
                               site->phases[k].power_basis == AIF_POWER_IT ? "W (IT)"
                                                                           : "W (facility)");
            }
        }
    }
    const aif_scenario_failures *fl = &in->failures;
    if (st == AIF_OK) {
        st = param_num(r, "failures.interruptions", fl->interruptions_per_gpu_year, "per GPU-year");
    }
    if (st == AIF_OK) {
        st = param_num(r, "failures.repair_time", secs(fl->repair_time), "s");
    }
    if (st == AIF_OK) {
        st = param_num(r, "failures.checkpoint_interval", secs(fl->checkpoint_interval), "s");
    }
    if (st == AIF_OK) {
        st = param_num(r, "failures.checkpoint_cost", secs(fl->checkpoint_cost), "s");
    }
    if (st == AIF_OK) {
        st = param_num(r, "procurement.threshold", in->options.procure_threshold, "");
    }
    if (st == AIF_OK) {
        st = param_num(r, "procurement.block", in->options.procure_block_w, "W (facility)");
    }
    if (st == AIF_OK && in->options.procure_system_id) {
        st = r->ops->param(r, "procurement.system", in->options.procure_system_id, "");
    }
    if (st == AIF_OK) {
        const char *pol = in->options.research_policy ? in->options.research_policy : "fifo";
        st = r->ops->param(r, "research.policy", pol, "");
    }
    if (st == AIF_OK) {
        st = param_num(r, "economics.wacc", in->economics.wacc, "per year");
    }
    return st;
}

/* Each trigger's outcome as text, so summary.json carries the date: "2029-01-17T05:00:00Z"
 * or "not fired". Metrics hold the same moment as seconds for fired triggers. */
static aif_status record_triggers(const aif_fleet *f, const aif_record_sink *r) {
    const aif_scenario_contracts *c = &f->in->contracts;
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < c->trigger_count; i++) {
        char name[160], value[64] = "not fired";
        aif_time t = f->training.trigger_at[i];
        snprintf(name, sizeof name, "trigger.%.120s.fired", c->triggers[i].name);
        if (t != AIF_TIME_MAX) {
            (void)aif_sim_format_datetime(t, f->in->simulation.start_date, value, sizeof value);
        }
        st = r->ops->param(r, name, value, "");
        if (st == AIF_OK && t != AIF_TIME_MAX) {
            snprintf(name, sizeof name, "trigger_%.120s_s", c->triggers[i].name);
            st = r->ops->metric(r, name, secs(t), "s since start");
        }
    }
    return st;
}

static aif_status record_metrics(const aif_fleet *f, const aif_record_sink *r) {
    const aif_fleet_summary *s = &f->sum;
    const struct {
        const char *name;
        double v;
        const char *unit;
    } m[] = {
        {"peak_facility_gw", s->peak_facility_w / 1e9, "GW"},
        {"peak_packages", (double)s->peak_packages, "GPUs"},
        {"peak_dies", (double)s->peak_dies, "dies"},
        {"gpu_hours_inference", s->gpu_hours[AIF_USE_INFERENCE], "GPU-h"},
        {"gpu_hours_training", s->gpu_hours[AIF_USE_TRAINING], "GPU-h"},
        {"gpu_hours_research", s->gpu_hours[AIF_USE_RESEARCH], "GPU-h"},
        {"gpu_hours_idle", s->gpu_hours[AIF_USE_IDLE], "GPU-h"},
        {"gpu_hours_failed", s->gpu_hours[AIF_USE_FAILED], "GPU-h"},
        {"inference_served_fraction", s->inference_served_fraction, ""},
        {"training_runs_completed", (double)s->training_runs_completed, ""},
        {"training_runs_no_progress", (double)s->training_runs_no_progress, ""},
        {"tranches_paid", (double)s->tranches_paid, ""},
        {"vendor_investment_usd", s->vendor_investment_usd, "USD"},
        {"capex_usd", s->capex_usd, "USD"},
        {"opex_usd", s->opex_usd, "USD"},
        {"power_usd", s->power_usd, "USD"},
        {"cloud_payments_usd", s->cloud_payments_usd, "USD"},
        {"revenue_usd", s->revenue_usd, "USD"},
        {"equity_usd", s->equity_usd, "USD"},
        {"cash_usd", s->cash_usd, "USD"},
        {"depreciation_usd", s->depreciation_usd, "USD"},
        {"warrants_usd", s->warrants_usd, "USD"},
        {"energy_mwh", s->energy_mwh, "MWh"},
        {"rofr_offers", (double)s->rofr_offers, ""},
        {"rofr_accepted", (double)s->rofr_accepted, ""},
        {"orders", (double)s->orders, ""},
        {"research_jobs_done", (double)s->research_jobs_done, ""},
        {"research_preemptions", (double)s->research_preemptions, ""},
        {"frontier_compute_flop", s->frontier_compute_flop, "FLOP"},
        {"research_compute_flop", s->research_compute_flop, "FLOP"},
        {"triggers_fired", (double)s->triggers_fired, ""},
        {"revenue_share_usd", s->revenue_share_usd, "USD"},
        {"events", (double)s->events, ""},
    };
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < sizeof m / sizeof m[0]; i++) {
        st = r->ops->metric(r, m[i].name, m[i].v, m[i].unit);
    }
    /* The finance view (fleet_finance.h); no cost per token when none was served, no
     * NPV for a rate outside [0, 1] (an input not from the scenario binder). */
    double npv = aif_fleet_npv(f);
    if (st == AIF_OK && isfinite(npv)) {
        st = r->ops->metric(r, "npv_usd", npv, "USD");
    }
    double per_mtok = aif_fleet_usd_per_million_tokens(f);
    if (st == AIF_OK && isfinite(per_mtok)) {
        st = r->ops->metric(r, "usd_per_million_tokens", per_mtok, "USD per million tokens");
    }
    return st;
}

/* ---- the finance view: years and frontier runs ---- */

static aif_status record_years(const aif_allocator *a, const aif_fleet *f,
                               const aif_record_sink *r) {
    if (r->ops->year == NULL) {
        return AIF_OK;
    }
    size_t n = aif_fleet_year_count(f);
    aif_fleet_year *ys = aif_calloc(a, n, sizeof *ys);
    if (ys == NULL) {
        return AIF_ENOMEM;
    }
    aif_status st = aif_fleet_years(f, ys, n);
    for (size_t i = 0; st == AIF_OK && i < n; i++) {
        const aif_fleet_year *y = &ys[i];
        aif_record_year row = {.year = y->year,
                               .gpu_hours_inference = y->gpu_hours[AIF_USE_INFERENCE],
                               .gpu_hours_training = y->gpu_hours[AIF_USE_TRAINING],
                               .gpu_hours_research = y->gpu_hours[AIF_USE_RESEARCH],
                               .gpu_hours_idle = y->gpu_hours[AIF_USE_IDLE],
                               .gpu_hours_failed = y->gpu_hours[AIF_USE_FAILED],
                               .tokens_served = y->tokens_served,
                               .revenue_usd = y->revenue_usd,
                               .revenue_share_usd = y->revenue_share_usd,
                               .capex_usd = y->capex_usd,
                               .power_usd = y->power_usd,
                               .cloud_usd = y->cloud_usd,
                               .depreciation_usd = y->depreciation_usd,
                               .cost_of_revenue_usd = y->cost_of_revenue_usd,
                               .gross_margin_usd = y->gross_margin_usd,
                               .tranche_usd = y->tranche_usd,
                               .equity_usd = y->equity_usd,
                               .free_cash_flow_usd = y->free_cash_flow_usd,
                               .cash_flow_usd = y->cash_flow_usd,
                               .cash_position_usd = y->cash_position_usd,
                               .usd_per_million_tokens = y->usd_per_million_tokens,
                               .contracted_facility_w = y->contracted_facility_w,
                               .procured_facility_w = y->procured_facility_w};
        st = r->ops->year(r, &row);
    }
    aif_free(a, ys, n * sizeof *ys);
    return st;
}

static aif_status record_frontier_runs(const aif_fleet *f, const aif_record_sink *r) {
    if (r->ops->frontier_run == NULL) {
        return AIF_OK;
    }
    aif_date start = f->in->simulation.start_date;
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < aif_fleet_run_count(f); i++) {
        const aif_fleet_run_result *res = aif_fleet_run_at(f, i);
        bool started = res->site >= 0 && !res->no_progress;
        bool finished = started && res->finish != AIF_TIME_MAX;
        char from[16] = "", to[16] = "";
        if (started) {
            (void)aif_date_format(aif_sim_to_date(res->start, start), from);
        }
        if (finished) {
            (void)aif_date_format(aif_sim_to_date(res->finish, start), to);
        }
        aif_record_frontier_run row = {
            .name = res->name,
            .status = aif_fleet_run_status(res),
            .gpus = res->gpus,
            .start_date = started ? from : NULL,
            .end_date = finished ? to : NULL,
            .start_s = started ? secs(res->start) : NAN,
            .end_s = finished ? secs(res->finish) : NAN,
            .days = finished ? (double)(res->finish - res->start) / (double)AIF_NS_PER_DAY : NAN};
        st = r->ops->frontier_run(r, &row);
    }
    return st;
}

/* ---- daily series ---- */

/* Running totals of one group (a provider or a system type) and its series. */
typedef struct group {
    double w, pkgs;
    int64_t sid_w, sid_pkgs;
} group;

static aif_status add_group_series(const aif_record_sink *r, const char *by, const char *name,
                                   group *g) {
    char chart[96];
    snprintf(chart, sizeof chart, "Capacity online by %s", by);
    aif_status st = r->ops->series(r, chart, name, "GW", &g->sid_w);
    if (st == AIF_OK) {
        snprintf(chart, sizeof chart, "GPUs online by %s", by);
        st = r->ops->series(r, chart, name, "GPUs", &g->sid_pkgs);
    }
    return st;
}

static aif_status record_days(const aif_allocator *a, const aif_fleet *f,
                              const aif_record_sink *r) {
    size_t np = f->in->provider_count, nt = f->build.ntypes;
    group *g = aif_calloc(a, np + nt + 1, sizeof *g);
    if (g == NULL) {
        return AIF_ENOMEM;
    }
    group *byp = g, *byt = g + np;
    aif_status st = AIF_OK;
    for (size_t p = 0; st == AIF_OK && p < np; p++) {
        st = add_group_series(r, "provider", f->in->providers[p].id, &byp[p]);
    }
    for (size_t t = 0; st == AIF_OK && t < nt; t++) {
        st = add_group_series(r, "system", f->build.types[t].system->id, &byt[t]);
    }
    int64_t sid[10];
    static const char *const use_names[5] = {"inference", "training", "research", "idle", "failed"};
    const char *tok = "Inference demand vs served", *pow = "Power draw (full load; billed at load)";
    const char *use = "GPU-hours by use (per day)";
    if (st == AIF_OK) {
        st = r->ops->series(r, tok, "demanded", "tokens/s", &sid[0]);
    }
    if (st == AIF_OK) {
        st = r->ops->series(r, tok, "served", "tokens/s", &sid[1]);
    }
    if (st == AIF_OK) {
        st = r->ops->series(r, pow, "all sites", "GW", &sid[2]);
    }
    if (st == AIF_OK) {
        st = r->ops->series(r, pow, "billed to us (own, partner)", "GW", &sid[3]);
    }
    for (int u = 0; st == AIF_OK && u < 5; u++) {
        st = r->ops->series(r, use, use_names[u], "GPU-h", &sid[4 + u]);
    }
    /* What the bill counts: the billed blocks' draw at each hour's load, a daily mean. */
    if (st == AIF_OK) {
        st = r->ops->series(r, pow, "billed to us, drawn at load (daily mean)", "GW", &sid[9]);
    }
    /* Capacity per group is rebuilt from the block events, which are in time order. */
    double draw = 0, billed = 0;
    size_t ev = 0, nev = f->events.count;
    const aif_fleet_event *evs = f->events.data;
    for (size_t d = 0; st == AIF_OK && d < f->inference.days.count; d++) {
        const aif_fleet_day *day = aif_fleet_day_at(f, d);
        aif_time day_end = day->time + AIF_NS_PER_DAY;
        for (; ev < nev && evs[ev].time < day_end; ev++) {
            uint32_t k = evs[ev].kind;
            if (k != AIF_FEV_BLOCK_ONLINE && k != AIF_FEV_BLOCK_RETIRED) {
                continue;
            }
            const fleet_block *fb = block(f, evs[ev].a);
            double sign = k == AIF_FEV_BLOCK_ONLINE ? 1.0 : -1.0;
            byp[fb->b.provider].w += sign * fb->b.nominal_w;
            byp[fb->b.provider].pkgs += sign * (double)fb->b.packages;
            byt[fb->type].w += sign * fb->b.nominal_w;
            byt[fb->type].pkgs += sign * (double)fb->b.packages;
            draw += sign * fb->b.facility_w;
            if (f->in->providers[fb->b.provider].kind != AIF_PROVIDER_CLOUD) {
                billed += sign * fb->b.facility_w;
            }
        }
        double t = secs(day->time);
        for (size_t i = 0; st == AIF_OK && i < np + nt; i++) {
            st = r->ops->point(r, g[i].sid_w, t, g[i].w / 1e9);
            if (st == AIF_OK) {
                st = r->ops->point(r, g[i].sid_pkgs, t, g[i].pkgs);
            }
        }
        double v[10] = {day->tokens_demanded / 86400.0, day->tokens_served / 86400.0, draw / 1e9,
                        billed / 1e9};
        for (int u = 0; u < 5; u++) {
            v[4 + u] = day->gpu_hours[u];
        }
        v[9] = round(day->billed_energy_j / 86400.0) / 1e9; /* whole watts: no float noise */
        for (int i = 0; st == AIF_OK && i < 10; i++) {
            st = r->ops->point(r, sid[i], t, v[i]);
        }
    }
    aif_free(a, g, (np + nt + 1) * sizeof *g);
    return st;
}

/* ---- monthly money ---- */

/* Ledger kinds the engine posts at a month's end for the month just ended. */
static bool posted_for_month_before(aif_ledger_kind k) {
    return k == AIF_LEDGER_POWER || k == AIF_LEDGER_CLOUD || k == AIF_LEDGER_REVENUE ||
           k == AIF_LEDGER_DEPRECIATION || k == AIF_LEDGER_REVENUE_SHARE;
}

static aif_status record_money(const aif_fleet *f, const aif_record_sink *r) {
    const char *flow = "Cash flows (per month)";
    int64_t sid[AIF_LEDGER_KIND_COUNT + 1];
    aif_status st = AIF_OK;
    for (int k = 0; st == AIF_OK && k < AIF_LEDGER_KIND_COUNT; k++) {
        sid[k] = -1;
        if (aif_ledger_kind_cash_sign((aif_ledger_kind)k) != 0) {
            st = r->ops->series(r, flow, aif_ledger_kind_name((aif_ledger_kind)k), "USD", &sid[k]);
        }
    }
    if (st == AIF_OK) {
        st = r->ops->series(r, "Cumulative cash position", "cash", "USD",
                            &sid[AIF_LEDGER_KIND_COUNT]);
    }
    const aif_ledger *l = f->ledger;
    size_t n = aif_ledger_count(l), i = 0;
    aif_date start = f->in->simulation.start_date;
    aif_time end = f->in->simulation.end;
    int64_t cash = 0;
    /* A month's bucket holds what happened in it: the events posted in [month start, next
     * month start) (capex, tranches, equity) and the bills the engine posts at the month's
     * end for the month before (power, cloud, revenue, revenue shares), posted in (month
     * start, next month start]. Bucketing the bills by their posting time put November's
     * and December's revenue both in the last month (83B against 39B). The last bucket
     * also takes what is posted at the end of the period. Two cursors, one per kind of
     * entry, walk the ledger once. */
    size_t ie = 0;
    for (int32_t m = 0; st == AIF_OK; m++) {
        aif_time t0 = aif_date_to_sim(aif_date_add_months(start, m), start);
        if (t0 >= end) {
            break;
        }
        aif_time t1 = aif_date_to_sim(aif_date_add_months(start, m + 1), start);
        int64_t sum[AIF_LEDGER_KIND_COUNT] = {0};
        for (; ie < n; ie++) {
            const aif_ledger_entry *e = aif_ledger_at(l, ie);
            if (posted_for_month_before((aif_ledger_kind)e->kind)) {
                continue;
            }
            if (t1 < end && e->time >= t1) {
                break;
            }
            int sign = aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind);
            sum[e->kind] += sign * e->cents;
            cash += sign * e->cents;
        }
        for (; i < n; i++) {
            const aif_ledger_entry *e = aif_ledger_at(l, i);
            if (!posted_for_month_before((aif_ledger_kind)e->kind)) {
                continue;
            }
            if (t1 < end && e->time > t1) {
                break;
            }
            int sign = aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind);
            sum[e->kind] += sign * e->cents;
            cash += sign * e->cents;
        }
        for (int k = 0; st == AIF_OK && k < AIF_LEDGER_KIND_COUNT; k++) {
            if (sid[k] >= 0) {
                st = r->ops->point(r, sid[k], secs(t0), (double)sum[k] / 100.0);
            }
        }
        if (st == AIF_OK) {
            st = r->ops->point(r, sid[AIF_LEDGER_KIND_COUNT], secs(t1 < end ? t1 : end),
                               (double)cash / 100.0);
        }
    }
    for (size_t k = 0; st == AIF_OK && k < n; k++) {
        const aif_ledger_entry *e = aif_ledger_at(l, k);
        int sign = aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind);
        if (sign == 0) {
            continue; /* book entries (depreciation, warrants) are not cash movements */
        }
        aif_record_ledger_entry le = {
            .time_s = secs(e->time),
            .category = aif_ledger_kind_name((aif_ledger_kind)e->kind),
            .counterparty = provider_id(f, e->party == UINT32_MAX ? -1 : (int64_t)e->party),
            .amount_usd = (double)(sign * e->cents) / 100.0};
        st = r->ops->ledger(r, &le);
    }
    return st;
}

/* ---- events ---- */

static aif_status record_event(const aif_fleet *f, const aif_record_sink *r,
                               const aif_fleet_event *e) {
    const aif_fleet_input *in = f->in;
    char detail[512], s1[96], n1[40], n2[40];
    const char *subject = provider_id(f, e->provider);
    switch ((aif_fleet_event_kind)e->kind) {
    case AIF_FEV_BLOCK_ONLINE:
    case AIF_FEV_BLOCK_RETIRED: {
        const fleet_block *fb = block(f, e->a);
        snprintf(detail, sizeof detail,
                 "{\"block\":%lld,\"system\":%s,\"power_w\":%s,\"racks\":%lld,\"packages\":%lld}",
                 (long long)e->a, jstr(s1, sizeof s1, fb->b.system->id), num(n1, e->b),
                 (long long)e->c, (long long)fb->b.packages);
        break;
    }
    case AIF_FEV_OFFER:
        snprintf(detail, sizeof detail,
                 "{\"offer\":\"%s\",\"price_usd_per_gpu_hour\":%s,\"accepted\":%s}",
                 aif_offer_kind_name((aif_offer_kind)e->a), num(n1, e->b), e->c ? "true" : "false");
        break;
    case AIF_FEV_ORDER:
        snprintf(detail, sizeof detail, "{\"block\":%lld,\"power_w\":%s,\"racks\":%lld}",
                 (long long)e->a, num(n1, e->b), (long long)e->c);
        break;
    case AIF_FEV_TRANCHE:
        subject = in->investments.tranches[e->a].name;
        snprintf(detail, sizeof detail, "{\"amount_usd\":%s,\"step\":%lld,\"provider\":%s}",
                 num(n1, e->b), (long long)e->c, jstr(s1, sizeof s1, provider_id(f, e->provider)));
        break;
    case AIF_FEV_WARRANT:
        subject = in->investments.warrants[e->a].name;
        snprintf(detail, sizeof detail, "{\"shares\":%s,\"step\":%lld,\"provider\":%s}",
                 num(n1, e->b), (long long)e->c, jstr(s1, sizeof s1, provider_id(f, e->provider)));
        break;
    case AIF_FEV_EQUITY:
        subject = in->investments.equity_rounds[e->a].name;
        snprintf(detail, sizeof detail, "{\"amount_usd\":%s}", num(n1, e->b));
        break;
    case AIF_FEV_RUN_START:
        subject = f->training.runs[e->a].res.name;
        snprintf(
            detail, sizeof detail, "{\"gpus\":%s,\"site\":%s}", num(n1, e->b),
            jstr(s1, sizeof s1,
                 e->c >= 0 && (size_t)e->c < in->site_count ? in->sites[e->c].id : "procured"));
        break;
    case AIF_FEV_RUN_FAILURE:
        subject = f->training.runs[e->a].res.name;
        snprintf(detail, sizeof detail, "{\"work_lost_s\":%s}", num(n1, e->b));
        break;
    case AIF_FEV_RUN_FINISH:
        subject = f->training.runs[e->a].res.name;
        snprintf(detail, sizeof detail, "{\"wall_days\":%s}", num(n1, e->b));
        break;
    case AIF_FEV_RUN_NO_PROGRESS:
        subject = f->training.runs[e->a].res.name;
        snprintf(detail, sizeof detail, "{\"expected_goodput\":%s,\"gpus\":%s}", num(n1, e->b),
                 num(n2, f->training.runs[e->a].res.gpus));
        break;
    case AIF_FEV_TRIGGER:
        subject = in->contracts.triggers[e->a].name;
        snprintf(detail, sizeof detail, "{\"kind\":\"%s\",\"training_compute_flop\":%s}",
                 e->c == AIF_TRIGGER_DATE ? "date" : "compute", num(n1, e->b));
        break;
    case AIF_FEV_ROFR_END:
        subject = in->contracts.rofrs[e->a].name;
        snprintf(detail, sizeof detail, "{\"holder\":%s}",
                 jstr(s1, sizeof s1, provider_id(f, e->provider)));
        break;
    default:
        snprintf(detail, sizeof detail, "{\"a\":%lld,\"b\":%s,\"c\":%lld}", (long long)e->a,
                 num(n2, e->b), (long long)e->c);
    }
    return r->ops->event(r, secs(e->time), aif_fleet_event_kind_name((aif_fleet_event_kind)e->kind),
                         subject ? subject : "", detail);
}

/* ---- jobs and contracts ---- */

static const char *job_status(int state) {
    static const char *const names[] = {"pending", "running", "completed", "no_progress"};
    return state >= 0 && state < 4 ? names[state] : "?";
}

static aif_status record_jobs(const aif_fleet *f, const aif_record_sink *r) {
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < f->training.run_count; i++) {
        const fleet_run *fr = &f->training.runs[i];
        const aif_fleet_run_result *res = &fr->res;
        aif_record_job j = {.job_id = res->name,
                            .vc = res->site >= 0 && (size_t)res->site < f->in->site_count
                                      ? f->in->sites[res->site].id
                                      : NULL,
                            .kind = "training",
                            .gpus = (int64_t)llround(res->gpus),
                            .submit_s = secs(fr->spec->earliest_start_at),
                            .start_s = fr->state > 0 ? secs(res->start) : NAN,
                            .end_s = fr->state == 2 ? secs(res->finish) : NAN,
                            .status = job_status(fr->state),
                            .interruptions = res->interruptions};
        st = r->ops->job(r, &j);
    }
    return st;
}

static aif_status record_contracts(const aif_fleet *f, const aif_record_sink *r) {
    const aif_scenario_contracts *c = &f->in->contracts;
    const aif_scenario_investments *inv = &f->in->investments;
    char d[256], n1[40], n2[40], s1[96];
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < c->commitment_count; i++) {
        const aif_scenario_commitment *m = &c->commitments[i];
        snprintf(d, sizeof d, "{\"take_or_pay\":%s,\"price_usd_per_gpu_hour\":%s}",
                 m->take_or_pay ? "true" : "false", num(n1, m->price_usd_per_gpu_hour));
        aif_record_contract k = {.contract_id = m->name ? m->name : "unnamed",
                                 .counterparty = provider_id(f, (int64_t)m->provider),
                                 .kind = "commitment",
                                 .signed_s = NAN,
                                 .start_s = secs(m->start_at),
                                 .end_s = secs(m->start_at + m->term),
                                 .power_mw = m->capacity_w / 1e6,
                                 .value_usd = m->total_usd,
                                 .detail_json = d};
        st = r->ops->contract(r, &k);
    }
    for (size_t i = 0; st == AIF_OK && i < c->rofr_count; i++) {
        const aif_scenario_rofr *o = &c->rofrs[i];
        snprintf(d, sizeof d, "{\"rule\":\"%s\",\"probability\":%s}", aif_rofr_rule_name(o->rule),
                 num(n1, o->probability));
        aif_record_contract k = {.contract_id = o->name ? o->name : "unnamed",
                                 .counterparty = provider_id(f, (int64_t)o->holder),
                                 .kind = "rofr",
                                 .signed_s = NAN,
                                 .start_s = secs(o->from),
                                 .end_s = secs(o->to),
                                 .value_usd = NAN,
                                 .detail_json = d};
        st = r->ops->contract(r, &k);
    }
    for (size_t i = 0; st == AIF_OK && i < inv->tranche_count; i++) {
        const aif_scenario_tranche *t = &inv->tranches[i];
        snprintf(d, sizeof d, "{\"vendor\":%s,\"amount_usd\":%s,\"step_w\":%s}",
                 jstr(s1, sizeof s1, t->vendor), num(n1, t->amount_usd), num(n2, t->step_w));
        aif_record_contract k = {.contract_id = t->name ? t->name : "unnamed",
                                 .counterparty = t->investor,
                                 .kind = "tranches",
                                 .signed_s = NAN,
                                 .start_s = secs(t->from),
                                 .end_s = NAN,
                                 .value_usd = t->cap_usd,
                                 .detail_json = d};
        st = r->ops->contract(r, &k);
    }
    for (size_t i = 0; st == AIF_OK && i < inv->warrant_count; i++) {
        const aif_scenario_warrant *w = &inv->warrants[i];
        snprintf(d, sizeof d, "{\"vendor\":%s,\"shares\":%s,\"shares_per_step\":%s}",
                 jstr(s1, sizeof s1, w->vendor), num(n1, w->shares_total),
                 num(n2, w->shares_per_step));
        aif_record_contract k = {.contract_id = w->name ? w->name : "unnamed",
                                 .counterparty = w->issuer,
                                 .kind = "warrant",
                                 .signed_s = NAN,
                                 .start_s = NAN,
                                 .end_s = NAN,
                                 .value_usd = NAN,
                                 .detail_json = d};
        st = r->ops->contract(r, &k);
    }
    for (size_t i = 0; st == AIF_OK && i < inv->equity_round_count; i++) {
        const aif_scenario_equity_round *e = &inv->equity_rounds[i];
        aif_record_contract k = {.contract_id = e->name ? e->name : "unnamed",
                                 .counterparty = e->investor,
                                 .kind = "equity",
                                 .signed_s = secs(e->at),
                                 .start_s = secs(e->at),
                                 .end_s = NAN,
                                 .value_usd = e->amount_usd};
        st = r->ops->contract(r, &k);
    }
    for (size_t i = 0; st == AIF_OK && i < c->revenue_share_count; i++) {
        const aif_scenario_revenue_share *v = &c->revenue_shares[i];
        snprintf(
            d, sizeof d, "{\"fraction\":%s,\"until_trigger\":%s}", num(n1, v->fraction),
            jstr(s1, sizeof s1,
                 v->until_trigger < c->trigger_count ? c->triggers[v->until_trigger].name : ""));
        aif_record_contract k = {.contract_id = v->name ? v->name : "unnamed",
                                 .counterparty = provider_id(f, (int64_t)v->partner),
                                 .kind = "revenue_share",
                                 .signed_s = NAN,
                                 .start_s = secs(v->from),
                                 .end_s = secs(v->to),
                                 .value_usd = NAN,
                                 .detail_json = d};
        st = r->ops->contract(r, &k);
    }
    return st;
}

aif_status aif_fleet_record(const aif_allocator *a, const aif_fleet *f, const aif_record_sink *r) {
    if (f == NULL || r == NULL || r->ops == NULL || !f->ran) {
        return AIF_EINVAL;
    }
    aif_status st = record_params(f, r);
    if (st == AIF_OK) {
        st = record_metrics(f, r);
    }
    if (st == AIF_OK) {
        st = record_triggers(f, r);
    }
    if (st == AIF_OK) {
        st = record_days(a, f, r);
    }
    if (st == AIF_OK) {
        st = record_money(f, r);
    }
    for (size_t i = 0; st == AIF_OK && i < f->events.count; i++) {
        st = record_event(f, r, aif_fleet_event_at(f, i));
    }
    if (st == AIF_OK) {
        st = record_jobs(f, r);
    }
    if (st == AIF_OK) {
        st = record_contracts(f, r);
    }
    if (st == AIF_OK) {
        st = record_years(a, f, r);
    }
    if (st == AIF_OK) {
        st = record_frontier_runs(f, r);
    }
    return st;
}
