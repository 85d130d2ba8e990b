/* The fleet engine's setup, event dispatch and money (fleet.h): expand the build-out into
 * typed blocks, schedule block, month, hour, equity and contract events on one aif_sim
 * entity, and post capex, depreciation, power, cloud take-or-pay, tranches, warrants,
 * equity, revenue and revenue shares to the ledger. The hourly allocation lives in
 * fleet_work.c and fleet_research.c, triggers and shares in fleet_share.c. */
#include <math.h>
#include <string.h>

#include "aifactory/demand.h"
#include "aifactory/plan.h"
#include "fleet_internal.h"

void aif_fleet_options_default(aif_fleet_options *o) {
    *o = (aif_fleet_options){.procure_threshold = 1.0,
                             .procure_block_w = 500e6,
                             .procure_system_id = "vr-nvl144",
                             .max_orders = 40,
                             .research_policy = "fifo",
                             .idle_power_fraction = AIF_FLEET_IDLE_POWER_FRACTION};
}

static const char *const event_names[AIF_FEV_KIND_COUNT] = {
    "block_online", "block_retired",   "offer",     "order",       "tranche",
    "warrant",      "equity",          "run_start", "run_failure", "run_finish",
    "rofr_end",     "run_no_progress", "trigger"};

const char *aif_fleet_event_kind_name(aif_fleet_event_kind k) {
    return (unsigned)k < AIF_FEV_KIND_COUNT ? event_names[k] : "?";
}

void *fleet_vec_push(aif_fleet *f, fleet_vec *v) {
    if (v->count == v->capacity) {
        size_t cap = v->capacity ? v->capacity * 2 : 64;
        void *d = aif_realloc(f->alloc, v->data, v->capacity * v->item, cap * v->item);
        if (d == NULL) {
            return NULL;
        }
        v->data = d;
        v->capacity = cap;
    }
    void *slot = (char *)v->data + v->count * v->item;
    memset(slot, 0, v->item);
    v->count++;
    return slot;
}

static void vec_free(aif_fleet *f, fleet_vec *v) {
    aif_free(f->alloc, v->data, v->capacity * v->item);
    v->data = NULL;
    v->count = v->capacity = 0;
}

aif_status fleet_log(aif_fleet *f, aif_fleet_event_kind kind, int32_t provider, int64_t a, double b,
                     int64_t c) {
    aif_fleet_event *e = fleet_vec_push(f, &f->events);
    if (e == NULL) {
        return AIF_ENOMEM;
    }
    *e = (aif_fleet_event){.time = aif_sim_now(f->sim),
                           .kind = (uint32_t)kind,
                           .provider = provider,
                           .a = a,
                           .b = b,
                           .c = c};
    return AIF_OK;
}

static fleet_block *blk_at(aif_fleet *f, size_t i) {
    return &((fleet_block *)f->build.blocks.data)[i];
}

int64_t fleet_site_free(const aif_fleet *f, size_t site) {
    int64_t free_pk = 0;
    for (size_t t = 0; t < f->build.ntypes; t++) {
        size_t c = site * FLEET_MAX_TYPES + t;
        int64_t up =
            f->build.cell_racks[c] * f->build.types[t].packages_per_rack - f->build.cell_down[c];
        free_pk += up - f->build.cell_reserved[c];
    }
    return free_pk;
}

/* Energy drawn since the last integration by the own/partner blocks online, at the load
 * of the hour in progress (fleet_hour sets it), into the month's bill and the day's row.
 * Every caller changes paid_power_w or the load only after integrating up to its instant,
 * so the draw is exact for a load that is constant through each hour. The interval always
 * lies in the last day pushed: fleet_hour integrates before it pushes a new day. */
void fleet_integrate_power(aif_fleet *f, aif_time now) {
    if (now > f->money.power_since) {
        double j = f->money.paid_power_w * f->money.load_factor *
                   (double)(now - f->money.power_since) * 1e-9;
        f->money.energy_month_j += j;
        if (f->inference.days.count > 0) {
            ((aif_fleet_day *)f->inference.days.data)[f->inference.days.count - 1]
                .billed_energy_j += j;
        }
        f->money.power_since = now;
    }
}

void fleet_set_load(aif_fleet *f, aif_time now, double busy_share) {
    fleet_integrate_power(f, now);
    double idle = f->in->options.idle_power_fraction;
    double busy = busy_share < 0 ? 0 : busy_share > 1 ? 1 : busy_share;
    f->money.load_factor = idle + (1.0 - idle) * busy;
}

/* ---- hardware types ---- */

/* The perf model's built-in table holds the hardware its calibration was fitted on, so a
 * package it knows uses that entry; any other catalog system (Rubin, AMD, ...) is converted
 * from its own catalog figures by aif_perf_hw_resolve. Only when that fails (a package
 * without HBM or TFLOPS figures) does it borrow the newest Nvidia entry scaled by HBM
 * bandwidth, because serving is decode-bound (docs/run.md). */
static void resolve_hw(const aif_catalog *cat, const aif_system *sys, fleet_type *t) {
    static const char *const map[][2] = {{"h100-sxm", "h100"}, {"h200-sxm", "h200"},
                                         {"b200", "b200"},     {"gb200", "gb200"},
                                         {"b300", "b300"},     {"gb300", "gb300"}};
    const char *pid = sys->package ? sys->package->id : "";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(pid, map[i][0]) == 0 && aif_perf_hw_find(map[i][1]) != NULL) {
            t->hw = aif_perf_hw_find(map[i][1]);
            t->hw_scale = 1.0;
            return;
        }
    }
    if (aif_perf_hw_resolve(cat, sys->id, &t->hw_own, NULL) == AIF_OK) {
        t->hw = &t->hw_own;
        t->hw_scale = 1.0;
        return;
    }
    t->hw = aif_perf_hw_find("gb300");
    double bw = sys->package ? sys->package->hbm_tbps.value * 1e12 : 0;
    t->hw_scale = (t->hw && bw > 0) ? bw / t->hw->hbm_bytes_per_s : 1.0;
}

/* A type's serving rates are computed when first needed, not when the type appears: with
 * goodput sizing each new (class, type) costs serving simulations (docs/run.md "Inference
 * sizing"), and a type whose blocks come online after a short run ends never needs them.
 * The rates depend on the type and the scenario alone, so when they are computed changes
 * no result. */
void fleet_size_type(aif_fleet *f, size_t type) {
    fleet_type *t = &f->build.types[type];
    if (t->sized) {
        return;
    }
    t->sized = true;
    const aif_scenario_inference *d = &f->in->inference;
    /* 0 is an input built in code that never set it: the whole throughput. */
    double utilization = d->serving_utilization > 0 ? d->serving_utilization : 1.0;
    for (size_t k = 0; d->present && k < d->class_count && k < FLEET_MAX_CLASSES; k++) {
        double tps = 0;
        /* A class its system cannot serve at its target (the model does not fit, or no
         * rate meets the latency limits) keeps 0: its demand there goes unserved. */
        if (t->hw != NULL &&
            aif_demand_sized_tokens_per_gpu(f->perf, f->goodput, d->sizing, &d->classes[k], t->hw,
                                            &tps) == AIF_OK) {
            /* GPUs held for serving, not only those busy: see serving_utilization. */
            t->tokens_per_gpu[k] = tps * t->hw_scale * utilization;
        }
    }
}

static aif_status type_of(aif_fleet *f, const aif_system *sys, uint32_t *out) {
    for (size_t i = 0; i < f->build.ntypes; i++) {
        if (f->build.types[i].system == sys) {
            *out = (uint32_t)i;
            return AIF_OK;
        }
    }
    if (f->build.ntypes == FLEET_MAX_TYPES) {
        return aif_error_set(f->err, AIF_ERANGE, "more than %d system types", FLEET_MAX_TYPES);
    }
    fleet_type *t = &f->build.types[f->build.ntypes];
    t->system = sys;
    resolve_hw(f->in->catalog, sys, t);
    t->packages_per_rack = (int64_t)sys->packages.value;
    double dies = sys->package && sys->package->dies.present ? sys->package->dies.value : 1.0;
    t->dies_per_rack = (int64_t)(sys->packages.value * dies);
    if (aif_reliability_for_system(sys, &t->rel) != AIF_OK) {
        return aif_error_set(f->err, AIF_EINVAL, "system '%.60s' has no package count", sys->id);
    }
    *out = (uint32_t)f->build.ntypes++;
    return AIF_OK;
}

/* ---- blocks and money ---- */

static double life_years(const aif_fleet *f, bool facility) {
    const aif_scenario_economics *e = &f->in->economics;
    const aif_facility *fac = aif_catalog_facility(f->in->catalog);
    double v = facility ? e->facility_life_years : e->it_life_years;
    if (v > 0) {
        return v;
    }
    const aif_sourced *s = facility ? &fac->facility_life_years : &fac->it_life_years;
    return s->present ? s->value : (facility ? 14.0 : 5.0);
}

/* A block's PUE: its phase's when the scenario gives one (> 0), else the catalog
 * facility's, else 1.2 (the catalog's default, for a catalog without one). */
double fleet_pue(const aif_fleet *f, double phase_pue) {
    if (phase_pue > 0) {
        return phase_pue;
    }
    const aif_facility *fac = aif_catalog_facility(f->in->catalog);
    return fac->pue.present ? fac->pue.value : 1.2;
}

aif_status fleet_add_block(aif_fleet *f, const aif_block *b, int32_t order, double pue,
                           size_t *index) {
    uint32_t type;
    aif_status st = type_of(f, b->system, &type);
    if (st != AIF_OK) {
        return st;
    }
    fleet_block *fb = fleet_vec_push(f, &f->build.blocks);
    if (fb == NULL) {
        return AIF_ENOMEM;
    }
    fb->b = *b;
    fb->type = type;
    fb->order = order;
    fb->pue = pue;
    aif_provider_kind kind = f->in->providers[b->provider].kind;
    if (kind != AIF_PROVIDER_CLOUD) {
        double fac_usd = b->capex_facility_usd;
        if (f->in->economics.capex_usd_per_mw > 0) {
            fac_usd = aif_plan_facility_capex_usd(f->in->catalog, b->nominal_w / 1e6,
                                                  f->in->economics.capex_usd_per_mw);
        }
        if (aif_usd_to_cents(b->capex_systems_usd, &fb->capex_sys_cents) != AIF_OK ||
            aif_usd_to_cents(fac_usd, &fb->capex_fac_cents) != AIF_OK) {
            return aif_error_set(f->err, AIF_ERANGE, "block capex out of range");
        }
        fb->dep_sys_months = (int64_t)llround(life_years(f, false) * 12.0);
        fb->dep_fac_months = (int64_t)llround(life_years(f, true) * 12.0);
    }
    if (index != NULL) {
        *index = f->build.blocks.count - 1;
    }
    return AIF_OK;
}

aif_status fleet_schedule_block(aif_fleet *f, size_t i) {
    fleet_block *fb = blk_at(f, i);
    aif_time end = f->in->simulation.end;
    aif_time on = fb->b.online < 0 ? 0 : fb->b.online;
    if (on >= end || fb->b.retire <= on) {
        return AIF_OK;
    }
    aif_status st = aif_sim_schedule_at(f->sim, on, f->self, CLS_ONLINE, EV_ONLINE, i, NULL);
    if (st == AIF_OK && fb->b.retire < end) {
        st = aif_sim_schedule_at(f->sim, fb->b.retire, f->self, CLS_RETIRE, EV_RETIRE, i, NULL);
    }
    return st;
}

static aif_status milestones(aif_fleet *f, const fleet_block *fb) {
    const aif_scenario_investments *inv = &f->in->investments;
    const aif_package *pkg = fb->b.system->package;
    const char *vendor = pkg ? pkg->vendor : NULL;
    aif_time now = aif_sim_now(f->sim);
    for (size_t i = 0; i < inv->tranche_count; i++) {
        const aif_scenario_tranche *tr = &inv->tranches[i];
        if (vendor == NULL || tr->vendor == NULL || strcmp(vendor, tr->vendor) != 0 ||
            now < tr->from ||
            (tr->provider != AIF_SCENARIO_NONE && tr->provider != fb->b.provider)) {
            continue;
        }
        /* The IT basis counts the racks' own draw: facility power less the site's overhead. */
        f->money.tranche_w[i] +=
            tr->power_basis == AIF_POWER_IT ? fb->b.facility_w / fb->pue : fb->b.nominal_w;
        aif_milestone_rule r = {.step_w = tr->step_w};
        if (aif_usd_to_cents(tr->amount_usd, &r.cents_per_step) != AIF_OK ||
            aif_usd_to_cents(tr->cap_usd, &r.cap_cents) != AIF_OK) {
            return AIF_ERANGE;
        }
        int64_t due = aif_milestone_steps_due(&r, f->money.tranche_w[i], f->money.tranche_steps[i]);
        for (int64_t k = 0; k < due; k++) {
            int64_t step = f->money.tranche_steps[i] + k + 1;
            int64_t cents = aif_milestone_step_amount(&r, step);
            aif_status st = aif_ledger_post(f->ledger, now, AIF_LEDGER_TRANCHE, cents,
                                            (uint32_t)fb->b.provider);
            if (st == AIF_OK) {
                st = fleet_log(f, AIF_FEV_TRANCHE, (int32_t)fb->b.provider, (int64_t)i,
                               (double)cents / 100.0, step);
            }
            if (st != AIF_OK) {
                return st;
            }
            f->sum.tranches_paid++;
        }
        f->money.tranche_steps[i] += due;
    }
    for (size_t i = 0; i < inv->warrant_count; i++) {
        const aif_scenario_warrant *w = &inv->warrants[i];
        if (vendor == NULL || w->vendor == NULL || strcmp(vendor, w->vendor) != 0 ||
            !(w->shares_per_step > 0) ||
            (w->provider != AIF_SCENARIO_NONE && w->provider != fb->b.provider)) {
            continue;
        }
        f->money.warrant_w[i] += fb->b.nominal_w;
        /* Shares are counted whole: the last step vests what remains of the total. */
        aif_milestone_rule r = {.step_w = w->step_w,
                                .cents_per_step = llround(w->shares_per_step),
                                .cap_cents = llround(w->shares_total)};
        int64_t due = aif_milestone_steps_due(&r, f->money.warrant_w[i], f->money.warrant_steps[i]);
        double value = w->share_price_usd > 0 ? w->share_price_usd - w->strike_usd_per_share : 0;
        for (int64_t k = 0; k < due; k++) {
            int64_t step = f->money.warrant_steps[i] + k + 1;
            double shares = (double)aif_milestone_step_amount(&r, step);
            int64_t cents = 0;
            aif_status st = aif_usd_to_cents(shares * (value > 0 ? value : 0), &cents);
            if (st == AIF_OK) {
                st = aif_ledger_post(f->ledger, now, AIF_LEDGER_WARRANT, cents,
                                     (uint32_t)fb->b.provider);
            }
            if (st == AIF_OK) {
                st = fleet_log(f, AIF_FEV_WARRANT, (int32_t)fb->b.provider, (int64_t)i, shares,
                               step);
            }
            if (st != AIF_OK) {
                return st;
            }
        }
        f->money.warrant_steps[i] += due;
    }
    return AIF_OK;
}

static aif_status block_online(aif_fleet *f, size_t i) {
    fleet_block *fb = blk_at(f, i);
    aif_time now = aif_sim_now(f->sim);
    fleet_integrate_power(f, now);
    fb->online = true;
    bool procured = fb->b.origin == AIF_BLOCK_PROCURED;
    if (!fb->delivered) {
        fb->delivered_at = now;
        *(procured ? &f->sum.procured_facility_w : &f->sum.contracted_facility_w) +=
            fb->b.nominal_w;
    }
    if (procured) {
        f->build.online_procured_w += fb->b.nominal_w;
    }
    fb->delivered = true;
    f->build.cell_racks[fb->b.site * FLEET_MAX_TYPES + fb->type] += fb->b.racks;
    f->build.online_w += fb->b.nominal_w;
    f->build.online_packages += fb->b.packages;
    f->build.online_dies += fb->b.dies;
    if (f->in->providers[fb->b.provider].kind != AIF_PROVIDER_CLOUD) {
        f->money.paid_power_w += fb->b.facility_w;
        aif_status st = aif_ledger_post(f->ledger, now, AIF_LEDGER_CAPEX,
                                        fb->capex_sys_cents + fb->capex_fac_cents, fb->b.provider);
        if (st != AIF_OK) {
            return st;
        }
    }
    if (fb->order >= 0) {
        f->build.on_order_packages -= fb->b.packages;
    }
    aif_status st = fleet_log(f, AIF_FEV_BLOCK_ONLINE, (int32_t)fb->b.provider, (int64_t)i,
                              fb->b.nominal_w, fb->b.racks);
    return st == AIF_OK ? milestones(f, fb) : st;
}

static aif_status block_retire(aif_fleet *f, size_t i) {
    fleet_block *fb = blk_at(f, i);
    if (!fb->online) {
        return AIF_OK;
    }
    fleet_integrate_power(f, aif_sim_now(f->sim));
    fb->online = false;
    size_t c = fb->b.site * FLEET_MAX_TYPES + fb->type;
    f->build.cell_racks[c] -= fb->b.racks;
    f->build.online_w -= fb->b.nominal_w;
    if (fb->b.origin == AIF_BLOCK_PROCURED) {
        f->build.online_procured_w -= fb->b.nominal_w;
    }
    f->build.online_packages -= fb->b.packages;
    f->build.online_dies -= fb->b.dies;
    /* GPUs in repair at retirement retire with the block. */
    int64_t left = f->build.cell_racks[c] * f->build.types[fb->type].packages_per_rack;
    if (f->build.cell_down[c] > left) {
        f->build.cell_down[c] = left;
    }
    if (f->in->providers[fb->b.provider].kind != AIF_PROVIDER_CLOUD) {
        f->money.paid_power_w -= fb->b.facility_w;
    }
    return fleet_log(f, AIF_FEV_BLOCK_RETIRED, (int32_t)fb->b.provider, (int64_t)i, fb->b.nominal_w,
                     fb->b.racks);
}

static double power_price(const aif_fleet *f, aif_time t) {
    const aif_scenario_economics *e = &f->in->economics;
    double p = NAN;
    for (size_t i = 0; i < e->power_price_count; i++) {
        if (i == 0 || e->power_price[i].at <= t) {
            p = e->power_price[i].value;
        }
    }
    if (isnan(p)) {
        const aif_facility *fac = aif_catalog_facility(f->in->catalog);
        p = fac->power_price_usd_per_mwh.present ? fac->power_price_usd_per_mwh.value : 73.0;
    }
    return p;
}

static double provider_price(const aif_fleet *f, size_t p) {
    const aif_scenario_contracts *c = &f->in->contracts;
    for (size_t i = 0; i < c->commitment_count; i++) {
        if (c->commitments[i].provider == p && c->commitments[i].price_usd_per_gpu_hour > 0) {
            return c->commitments[i].price_usd_per_gpu_hour;
        }
    }
    return f->in->providers[p].price_usd_per_gpu_hour;
}

/* Post everything accrued since month_start, at `now` (a month boundary or the end). */
static aif_status post_month(aif_fleet *f, aif_time now) {
    fleet_integrate_power(f, now);
    double mwh = f->money.energy_month_j / 3.6e9;
    f->sum.energy_mwh += mwh;
    int64_t cents;
    aif_status st = aif_usd_to_cents(mwh * power_price(f, f->money.month_start), &cents);
    if (st == AIF_OK) {
        st = aif_ledger_post(f->ledger, now, AIF_LEDGER_POWER, cents, UINT32_MAX);
    }
    f->money.energy_month_j = 0;
    /* Depreciation: each own/partner block online during the month that ends now pays its
     * next installment. A block delivered at this very instant (the 1st of the month, when
     * its online event runs before this post) has not been online for any of the month. */
    int64_t dep = 0;
    for (size_t i = 0; st == AIF_OK && i < f->build.blocks.count; i++) {
        fleet_block *fb = blk_at(f, i);
        if (!fb->delivered || fb->delivered_at >= now || fb->dep_sys_months == 0) {
            continue;
        }
        dep += aif_straight_line_cents(fb->capex_sys_cents, fb->dep_sys_months, fb->age_months);
        dep += aif_straight_line_cents(fb->capex_fac_cents, fb->dep_fac_months, fb->age_months);
        fb->age_months++;
    }
    if (st == AIF_OK) {
        st = aif_ledger_post(f->ledger, now, AIF_LEDGER_DEPRECIATION, dep, UINT32_MAX);
    }
    /* Cloud: capacity online at the contract price, never below the take-or-pay floor. */
    const aif_scenario_contracts *c = &f->in->contracts;
    double month_ns = (double)AIF_NS_PER_YEAR / 12.0;
    for (size_t p = 0; st == AIF_OK && p < f->in->provider_count; p++) {
        int64_t usage = 0, floor_cents = 0;
        st = aif_usd_to_cents(f->money.cloud_pkg_hours[p] * provider_price(f, p), &usage);
        for (size_t k = 0; st == AIF_OK && k < c->commitment_count; k++) {
            const aif_scenario_commitment *cm = &c->commitments[k];
            if (cm->provider != p || !cm->take_or_pay || f->money.month_start < cm->start_at) {
                continue;
            }
            int64_t term_m = (int64_t)llround((double)cm->term / month_ns);
            int64_t m = (int64_t)llround((double)(f->money.month_start - cm->start_at) / month_ns);
            int64_t total;
            st = aif_usd_to_cents(cm->total_usd, &total);
            floor_cents += aif_take_or_pay_cents(0, total, term_m, m);
        }
        int64_t pay = usage > floor_cents ? usage : floor_cents;
        if (st == AIF_OK && pay > 0) {
            st = aif_ledger_post(f->ledger, now, AIF_LEDGER_CLOUD, pay, (uint32_t)p);
        }
        f->money.cloud_pkg_hours[p] = 0;
    }
    /* Revenue: tokens served and subscribers. */
    const aif_scenario_economics *e = &f->in->economics;
    double rev = f->money.tokens_month / 1e6 * e->revenue_usd_per_mtok;
    double months = (double)(now - f->money.month_start) / month_ns;
    rev += aif_demand_wau(&f->in->inference, f->money.month_start) * e->paying_fraction *
           e->subscription_usd_per_month * months;
    f->money.tokens_month = 0;
    if (st == AIF_OK) {
        st = aif_usd_to_cents(rev, &cents);
    }
    if (st == AIF_OK) {
        st = aif_ledger_post(f->ledger, now, AIF_LEDGER_REVENUE, cents, UINT32_MAX);
    }
    if (st == AIF_OK) {
        st = fleet_revenue_share_post(f, f->money.month_start, now, cents);
    }
    f->money.month_start = now;
    return st;
}

static aif_status handle(aif_sim *sim, uint32_t self, void *state, const aif_event *ev) {
    (void)sim;
    (void)self;
    aif_fleet *f = *(aif_fleet **)state;
    aif_time now = ev->time;
    aif_status st = AIF_OK;
    switch (ev->kind) {
    case EV_ONLINE:
        st = block_online(f, (size_t)ev->data);
        break;
    case EV_RETIRE:
        st = block_retire(f, (size_t)ev->data);
        break;
    case EV_HOUR:
        st = fleet_hour(f, now);
        if (st == AIF_OK && now + AIF_NS_PER_HOUR < f->in->simulation.end) {
            st = aif_sim_schedule_at(f->sim, now + AIF_NS_PER_HOUR, f->self, CLS_HOUR, EV_HOUR, 0,
                                     NULL);
        }
        break;
    case EV_MONTH: {
        st = post_month(f, now);
        aif_date start = f->in->simulation.start_date;
        aif_date next = aif_date_add_months(aif_sim_to_date(now, start), 1);
        aif_time t = aif_date_to_sim(next, start);
        if (st == AIF_OK && t < f->in->simulation.end) {
            st = aif_sim_schedule_at(f->sim, t, f->self, CLS_MONTH, EV_MONTH, 0, NULL);
        }
        break;
    }
    case EV_END:
        /* The last research hour ends with the period: count it before the books close. */
        st = fleet_compute_add(f, 0.0, f->research.flop_pending, now);
        f->research.flop_pending = 0;
        if (st == AIF_OK) {
            st = post_month(f, now);
        }
        break;
    case EV_TRIGGER:
        st = fleet_trigger_fire(f, (size_t)ev->data, now);
        break;
    case EV_DECIDE:
        st = fleet_decide_site(f, (size_t)ev->data);
        break;
    case EV_EQUITY: {
        const aif_scenario_equity_round *r = &f->in->investments.equity_rounds[ev->data];
        int64_t cents;
        st = aif_usd_to_cents(r->amount_usd, &cents);
        if (st == AIF_OK) {
            st = aif_ledger_post(f->ledger, now, AIF_LEDGER_EQUITY, cents, UINT32_MAX);
        }
        if (st == AIF_OK) {
            st = fleet_log(f, AIF_FEV_EQUITY, -1, (int64_t)ev->data, r->amount_usd, 0);
        }
        break;
    }
    case EV_ROFR_END:
        st = fleet_log(f, AIF_FEV_ROFR_END, (int32_t)f->in->contracts.rofrs[ev->data].holder,
                       (int64_t)ev->data, 0, 0);
        break;
    case EV_RUN_FINISH:
    case EV_RUN_FAIL:
        st = fleet_run_event(f, ev->kind, (size_t)ev->data, now);
        break;
    default:
        st = AIF_ESTATE;
    }
    return st;
}

static const aif_entity_ops fleet_ops = {
    .name = "fleet", .state_size = sizeof(aif_fleet *), .handle = handle};

/* ---- create / destroy ---- */

static aif_status expand_sites(aif_fleet *f) {
    const aif_fleet_input *in = f->in;
    aif_error err;
    for (size_t s = 0; s < in->site_count; s++) {
        const aif_scenario_site *site = &in->sites[s];
        for (size_t p = 0; p < site->phase_count; p++) {
            const aif_scenario_phase *ph = &site->phases[p];
            double pue = fleet_pue(f, ph->pue);
            for (size_t k = 0; k < ph->block_count; k++) {
                const aif_scenario_block *sb = &ph->blocks[k];
                double w = ph->power_basis == AIF_POWER_IT ? sb->power_w * pue : sb->power_w;
                aif_block b;
                aif_status st = aif_buildout_block(in->catalog, ph->system_id, w, &b, &err);
                if (st != AIF_OK) {
                    return aif_error_set(f->err, st, "site %s phase %zu: %.150s", site->id, p,
                                         err.message);
                }
                b.phase = (uint32_t)p;
                b.site = (uint32_t)s;
                b.provider = (uint32_t)site->provider;
                b.online = sb->online;
                b.retire = sb->retire;
                st = fleet_add_block(f, &b, -1, pue, NULL);
                if (st != AIF_OK) {
                    return st;
                }
            }
        }
    }
    return AIF_OK;
}

static aif_status alloc_arrays(aif_fleet *f) {
    const aif_fleet_input *in = f->in;
    f->build.nsites = in->site_count + in->provider_count;
    size_t cells = f->build.nsites * FLEET_MAX_TYPES;
    /* The ring spans the longest repair of any fault class (reliability.h). */
    f->build.repair_hours = (size_t)ceil(aif_reliability_max_repair_s() / 3600.0);
    size_t np = in->provider_count ? in->provider_count : 1;
    size_t nt = in->investments.tranche_count ? in->investments.tranche_count : 1;
    size_t nw = in->investments.warrant_count ? in->investments.warrant_count : 1;
    f->build.cell_racks = aif_calloc(f->alloc, cells, sizeof(int64_t));
    f->build.cell_down = aif_calloc(f->alloc, cells, sizeof(int64_t));
    f->build.cell_reserved = aif_calloc(f->alloc, cells, sizeof(int64_t));
    f->build.repair_ring =
        aif_calloc(f->alloc, (f->build.repair_hours + 1) * cells, sizeof(int64_t));
    f->money.cloud_pkg_hours = aif_calloc(f->alloc, np, sizeof(double));
    f->money.tranche_w = aif_calloc(f->alloc, nt, sizeof(double));
    f->money.tranche_steps = aif_calloc(f->alloc, nt, sizeof(int64_t));
    f->money.warrant_w = aif_calloc(f->alloc, nw, sizeof(double));
    f->money.warrant_steps = aif_calloc(f->alloc, nw, sizeof(int64_t));
    f->build.site_provider = aif_calloc(f->alloc, f->build.nsites, sizeof(size_t));
    if (f->build.site_provider == NULL) {
        return AIF_ENOMEM;
    }
    /* Scenario sites first, then one procurement site per provider. */
    for (size_t s = 0; s < f->build.nsites; s++) {
        f->build.site_provider[s] = s < in->site_count ? in->sites[s].provider : s - in->site_count;
    }
    if (!f->build.cell_racks || !f->build.cell_down || !f->build.cell_reserved ||
        !f->build.repair_ring || !f->money.cloud_pkg_hours || !f->money.tranche_w ||
        !f->money.tranche_steps || !f->money.warrant_w || !f->money.warrant_steps) {
        return AIF_ENOMEM;
    }
    return AIF_OK;
}

static aif_status procurement_setup(aif_fleet *f) {
    const aif_fleet_options *o = &f->in->options;
    if (o->max_orders <= 0) {
        return AIF_OK;
    }
    if (o->procure_system_id == NULL || !(o->procure_block_w > 0) || !(o->procure_threshold > 0)) {
        return aif_error_set(f->err, AIF_EINVAL,
                             "procurement needs a system, a block power > 0, a threshold > 0");
    }
    aif_plan_input pin;
    aif_plan_input_init(&pin);
    pin.amount = o->procure_block_w;
    aif_plan_result r;
    aif_error_clear(&r.error);
    aif_status st = aif_plan_input_add(&pin, o->procure_system_id, NAN);
    if (st == AIF_OK) {
        st = aif_plan_compute(f->in->catalog, &pin, &r);
    }
    if (st != AIF_OK) {
        return aif_error_set(f->err, st, "procurement system: %.170s", r.error.message);
    }
    f->build.procure_quote_own = r.breakeven_usd_per_gpu_hour;
    uint32_t type;
    st = type_of(f, r.lines[0].system, &type);
    f->build.procure_type = type;
    return st;
}

static aif_status schedule_initial(aif_fleet *f) {
    const aif_fleet_input *in = f->in;
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < f->build.blocks.count; i++) {
        st = fleet_schedule_block(f, i);
    }
    for (size_t i = 0; st == AIF_OK && i < in->investments.equity_round_count; i++) {
        aif_time at = in->investments.equity_rounds[i].at;
        if (at >= 0 && at < in->simulation.end) {
            st = aif_sim_schedule_at(f->sim, at, f->self, CLS_EQUITY, EV_EQUITY, i, NULL);
        }
    }
    if (st == AIF_OK) {
        st = fleet_decisions_schedule(f);
    }
    for (size_t i = 0; st == AIF_OK && i < in->contracts.rofr_count; i++) {
        aif_time to = in->contracts.rofrs[i].to;
        if (to >= 0 && to < in->simulation.end) {
            st = aif_sim_schedule_at(f->sim, to, f->self, CLS_CONTRACT, EV_ROFR_END, i, NULL);
        }
    }
    if (st == AIF_OK) {
        st = aif_sim_schedule_at(f->sim, 0, f->self, CLS_HOUR, EV_HOUR, 0, NULL);
    }
    if (st == AIF_OK) {
        aif_date start = in->simulation.start_date;
        aif_time t = aif_date_to_sim(aif_date_add_months(start, 1), start);
        if (t < in->simulation.end) {
            st = aif_sim_schedule_at(f->sim, t, f->self, CLS_MONTH, EV_MONTH, 0, NULL);
        }
    }
    if (st == AIF_OK) {
        st = aif_sim_schedule_at(f->sim, in->simulation.end, f->self, CLS_END, EV_END, 0, NULL);
    }
    return st;
}

aif_status aif_fleet_create(const aif_allocator *a, const aif_fleet_input *in, aif_fleet **out,
                            aif_error *err) {
    aif_error_clear(err);
    if (in == NULL || out == NULL || in->catalog == NULL || in->simulation.end <= 0 ||
        (in->providers == NULL && in->provider_count > 0) ||
        (in->sites == NULL && in->site_count > 0)) {
        return aif_error_set(err, AIF_EINVAL,
                             "missing input, catalog, or a period that ends after it starts");
    }
    if (!(in->options.idle_power_fraction >= 0 && in->options.idle_power_fraction <= 1)) {
        return aif_error_set(err, AIF_EINVAL, "idle power fraction %g is not in [0, 1]",
                             in->options.idle_power_fraction);
    }
    aif_fleet *f = aif_calloc(a, 1, sizeof *f);
    if (f == NULL) {
        return aif_error_set(err, AIF_ENOMEM, "%s", aif_strerror(AIF_ENOMEM));
    }
    f->alloc = a;
    f->in = in;
    f->err = err;
    /* Nothing is busy until the first hour allocates. */
    f->money.load_factor = in->options.idle_power_fraction;
    f->build.blocks.item = sizeof(fleet_block);
    f->events.item = sizeof(aif_fleet_event);
    f->inference.days.item = sizeof(aif_fleet_day);
    f->research.jobs.item = sizeof(aif_job);
    f->research.times.item = sizeof(int64_t);
    aif_sim_config sc = {.seed = in->simulation.seed, .initial_events = 1024};
    aif_status st = aif_sim_create(a, &sc, &f->sim);
    if (st == AIF_OK) {
        st = aif_perf_cache_create(a, aif_perf_calib_default(), 256, &f->perf);
    }
    if (st == AIF_OK) {
        aif_goodput_effort effort = aif_demand_goodput_effort();
        st = aif_goodput_cache_create(a, aif_perf_calib_default(), &effort, &f->goodput);
    }
    if (st == AIF_OK) {
        st = aif_ledger_create(a, &f->ledger);
    }
    if (st == AIF_OK) {
        st = alloc_arrays(f);
    }
    if (st == AIF_OK) {
        aif_fleet *self = f;
        st = aif_sim_add_entity(f->sim, &fleet_ops, NULL, &f->self);
        if (st == AIF_OK) {
            *(aif_fleet **)aif_sim_entity_state(f->sim, f->self) = self;
        }
    }
    if (st == AIF_OK) {
        st = expand_sites(f);
    }
    if (st == AIF_OK) {
        st = procurement_setup(f);
    }
    if (st == AIF_OK) {
        st = fleet_runs_create(f);
    }
    if (st == AIF_OK) {
        st = fleet_research_setup(f);
    }
    if (st == AIF_OK) {
        st = fleet_triggers_setup(f);
    }
    if (st == AIF_OK) {
        st = schedule_initial(f);
    }
    if (st != AIF_OK) {
        /* Errors without a word of their own (allocation, the sim) say what the status is. */
        if (err != NULL && err->message[0] == '\0') {
            aif_error_set(err, st, "%s", aif_strerror(st));
        }
        aif_fleet_destroy(f);
        return st;
    }
    uint64_t seed = in->simulation.seed;
    aif_rng_seed(&f->build.rng_failures, seed, 1);
    aif_rng_seed(&f->research.rng, seed, 2);
    aif_rng_seed(&f->build.rng_procure, seed, 3);
    f->err = NULL;
    *out = f;
    return AIF_OK;
}

/* What the sim's observer hook needs to call the caller's observer with the end date. */
typedef struct fleet_observer_ctx {
    aif_fleet_observer obs;
    void *ctx;
    aif_time end;
} fleet_observer_ctx;

static void fleet_observer(void *ctx, aif_time now, uint64_t events) {
    (void)events;
    const fleet_observer_ctx *c = ctx;
    c->obs(c->ctx, now, c->end);
}

aif_status aif_fleet_run(aif_fleet *f, aif_fleet_observer obs, void *ctx) {
    if (f == NULL) {
        return AIF_EINVAL;
    }
    if (f->ran) {
        return AIF_ESTATE;
    }
    f->ran = true;
    fleet_observer_ctx c = {.obs = obs, .ctx = ctx, .end = f->in->simulation.end};
    if (obs != NULL) {
        aif_sim_set_observer(f->sim, fleet_observer, &c, 4096);
    }
    aif_status st = aif_sim_run_until(f->sim, f->in->simulation.end);
    aif_sim_set_observer(f->sim, NULL, NULL, 0);
    if (st != AIF_OK) {
        return st;
    }
    aif_fleet_summary *s = &f->sum;
    const aif_ledger *l = f->ledger;
    s->vendor_investment_usd = (double)aif_ledger_total(l, AIF_LEDGER_TRANCHE) / 100.0;
    s->capex_usd = (double)aif_ledger_total(l, AIF_LEDGER_CAPEX) / 100.0;
    s->power_usd = (double)aif_ledger_total(l, AIF_LEDGER_POWER) / 100.0;
    s->cloud_payments_usd = (double)aif_ledger_total(l, AIF_LEDGER_CLOUD) / 100.0;
    s->opex_usd = s->power_usd + s->cloud_payments_usd;
    s->revenue_usd = (double)aif_ledger_total(l, AIF_LEDGER_REVENUE) / 100.0;
    s->equity_usd = (double)aif_ledger_total(l, AIF_LEDGER_EQUITY) / 100.0;
    s->warrants_usd = (double)aif_ledger_total(l, AIF_LEDGER_WARRANT) / 100.0;
    s->depreciation_usd = (double)aif_ledger_total(l, AIF_LEDGER_DEPRECIATION) / 100.0;
    s->cash_usd = (double)aif_ledger_cash(l) / 100.0;
    s->revenue_share_usd = (double)aif_ledger_total(l, AIF_LEDGER_REVENUE_SHARE) / 100.0;
    double demanded = 0, served = 0;
    for (size_t i = 0; i < f->inference.days.count; i++) {
        const aif_fleet_day *d = aif_fleet_day_at(f, i);
        demanded += d->tokens_demanded;
        served += d->tokens_served;
        for (int u = 0; u < 5; u++) {
            s->gpu_hours[u] += d->gpu_hours[u];
        }
    }
    s->inference_served_fraction = demanded > 0 ? served / demanded : 1.0;
    for (size_t i = 0; i < f->training.run_count; i++) {
        s->training_runs_completed += f->training.runs[i].state == 2;
        s->training_runs_no_progress += f->training.runs[i].state == 3;
    }
    s->events = aif_sim_events(f->sim);
    s->trace_hash = aif_sim_trace_hash(f->sim);
    return AIF_OK;
}

const aif_fleet_summary *aif_fleet_summary_get(const aif_fleet *f) {
    return &f->sum;
}
const aif_ledger *aif_fleet_ledger(const aif_fleet *f) {
    return f->ledger;
}
size_t aif_fleet_event_count(const aif_fleet *f) {
    return f->events.count;
}
const aif_fleet_event *aif_fleet_event_at(const aif_fleet *f, size_t i) {
    return i < f->events.count ? &((const aif_fleet_event *)f->events.data)[i] : NULL;
}
size_t aif_fleet_day_count(const aif_fleet *f) {
    return f->inference.days.count;
}
const aif_fleet_day *aif_fleet_day_at(const aif_fleet *f, size_t i) {
    return i < f->inference.days.count ? &((const aif_fleet_day *)f->inference.days.data)[i] : NULL;
}
size_t aif_fleet_run_count(const aif_fleet *f) {
    return f->training.run_count;
}
const aif_fleet_run_result *aif_fleet_run_at(const aif_fleet *f, size_t i) {
    return i < f->training.run_count ? &f->training.runs[i].res : NULL;
}
aif_time aif_fleet_trigger_time(const aif_fleet *f, size_t i) {
    return i < f->in->contracts.trigger_count ? f->training.trigger_at[i] : AIF_TIME_MAX;
}

aif_status aif_fleet_serving_rate(aif_fleet *f, const aif_system *sys, size_t k,
                                  double *tokens_per_s_per_gpu) {
    if (f == NULL || sys == NULL || tokens_per_s_per_gpu == NULL) {
        return AIF_EINVAL;
    }
    const aif_scenario_inference *d = &f->in->inference;
    if (!d->present || k >= d->class_count || k >= FLEET_MAX_CLASSES) {
        return AIF_ENOTFOUND;
    }
    for (size_t t = 0; t < f->build.ntypes; t++) {
        if (f->build.types[t].system == sys) {
            fleet_size_type(f, t);
            *tokens_per_s_per_gpu = f->build.types[t].tokens_per_gpu[k];
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}

long aif_fleet_serving_simulations(const aif_fleet *f) {
    return f ? aif_goodput_cache_simulations(f->goodput) : 0;
}

long aif_fleet_serving_lookups_cached(const aif_fleet *f) {
    return f ? aif_goodput_cache_hits(f->goodput) : 0;
}

size_t aif_fleet_block_count(const aif_fleet *f) {
    return f->build.blocks.count;
}
const aif_block *aif_fleet_block_at(const aif_fleet *f, size_t i) {
    return i < f->build.blocks.count ? &((const fleet_block *)f->build.blocks.data)[i].b : NULL;
}

void aif_fleet_destroy(aif_fleet *f) {
    if (f == NULL) {
        return;
    }
    size_t cells = f->build.nsites * FLEET_MAX_TYPES;
    size_t np = f->in->provider_count ? f->in->provider_count : 1;
    size_t nt = f->in->investments.tranche_count ? f->in->investments.tranche_count : 1;
    size_t nw = f->in->investments.warrant_count ? f->in->investments.warrant_count : 1;
    aif_sim_destroy(f->sim);
    aif_perf_cache_destroy(f->perf);
    aif_goodput_cache_destroy(f->goodput);
    aif_ledger_destroy(f->ledger);
    aif_free(f->alloc, f->build.cell_racks, cells * sizeof(int64_t));
    aif_free(f->alloc, f->build.cell_down, cells * sizeof(int64_t));
    aif_free(f->alloc, f->build.cell_reserved, cells * sizeof(int64_t));
    aif_free(f->alloc, f->build.repair_ring, (f->build.repair_hours + 1) * cells * sizeof(int64_t));
    aif_free(f->alloc, f->money.cloud_pkg_hours, np * sizeof(double));
    aif_free(f->alloc, f->money.tranche_w, nt * sizeof(double));
    aif_free(f->alloc, f->money.tranche_steps, nt * sizeof(int64_t));
    aif_free(f->alloc, f->money.warrant_w, nw * sizeof(double));
    aif_free(f->alloc, f->money.warrant_steps, nw * sizeof(int64_t));
    aif_free(f->alloc, f->build.site_provider, f->build.nsites * sizeof(size_t));
    aif_free(f->alloc, f->training.runs, f->training.run_count * sizeof *f->training.runs);
    fleet_triggers_free(f);
    vec_free(f, &f->build.blocks);
    vec_free(f, &f->events);
    vec_free(f, &f->inference.days);
    vec_free(f, &f->research.jobs);
    vec_free(f, &f->research.times);
    fleet_research_free(f);
    aif_free(f->alloc, f, sizeof *f);
}
