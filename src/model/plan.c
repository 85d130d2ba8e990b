/* Capacity planner arithmetic (see plan.h and docs/plan.md): resolve every input against
 * the catalog with its provenance, split the power over the mix, count whole systems, and
 * derive FLOPS, memory, capex, energy, depreciation and the break-even GPU-hour price. */
#include "aifactory/plan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Rounding guard: 10 GW / 174.24 kW is 57392.000 in exact arithmetic but may come out a
 * hair below in binary floating point; a whole system must not be lost to that. */
#define COUNT_EPS 1e-9

void aif_plan_input_init(aif_plan_input *in) {
    if (in == NULL) {
        return;
    }
    memset(in, 0, sizeof *in);
    in->basis = AIF_PLAN_FACILITY_POWER;
    in->power_case = AIF_PLAN_CASE_DEFAULT;
    in->pue = NAN;
    in->overhead_fraction = NAN;
    in->power_price_usd_per_mwh = NAN;
    in->load_factor = NAN;
    in->it_life_years = NAN;
    in->facility_life_years = NAN;
    in->capex_usd_per_mw = NAN;
    in->wacc = NAN;
}

const char *aif_capex_category_name(aif_capex_category c) {
    static const char *const names[AIF_CAPEX_CATEGORY_COUNT] = {
        "accelerators",          "host_cpus",         "network", "storage",
        "mechanical_electrical", "power_distribution"};
    return c >= 0 && c < AIF_CAPEX_CATEGORY_COUNT ? names[c] : NULL;
}

aif_status aif_plan_input_add(aif_plan_input *in, const char *system_id, double share) {
    if (in == NULL || system_id == NULL) {
        return AIF_EINVAL;
    }
    if (in->part_count >= AIF_PLAN_MAX_MIX) {
        return AIF_ERANGE;
    }
    aif_plan_part *p = &in->parts[in->part_count++];
    p->system_id = system_id;
    p->share = share;
    p->it_power_kw = NAN;
    p->price_usd = NAN;
    return AIF_OK;
}

static void note(aif_plan_result *out, const char *name, const char *unit, double value,
                 const char *origin, char confidence) {
    if (out->assumption_count >= AIF_PLAN_MAX_ASSUMPTIONS) {
        return; /* sized for the largest mix, so this cannot happen */
    }
    aif_plan_assumption *a = &out->assumptions[out->assumption_count++];
    snprintf(a->name, sizeof a->name, "%s", name);
    a->unit = unit;
    a->value = value;
    a->origin = origin;
    a->confidence = confidence;
}

static double pick_case(const aif_sourced *v, aif_plan_case c) {
    switch (c) {
    case AIF_PLAN_CASE_LOW:
        return v->low;
    case AIF_PLAN_CASE_HIGH:
        return v->high;
    case AIF_PLAN_CASE_DEFAULT:
        break;
    }
    return v->value;
}

/* A user value wins; otherwise the catalog's, recorded with its source. */
static aif_status resolve(aif_plan_result *out, const char *name, const char *unit, double user,
                          const aif_sourced *cat, double fallback, double *value) {
    if (!isnan(user)) {
        *value = user;
        note(out, name, unit, user, "user", 0);
    } else if (cat && cat->present) {
        *value = cat->value;
        note(out, name, unit, cat->value, cat->source, cat->confidence);
    } else if (!isnan(fallback)) {
        *value = fallback;
        note(out, name, unit, fallback, "default", 0);
    } else {
        return aif_error_set(&out->error, AIF_ESTATE,
                             "no value for %s: give it or add it to the catalog", name);
    }
    return AIF_OK;
}

typedef struct facility_inputs {
    double pue, overhead, price, load, it_life, fac_life, capex_per_mw;
    double power_dist_per_mw, network_vendor, wacc;
} facility_inputs;

static aif_status resolve_facility(const aif_catalog *cat, const aif_plan_input *in,
                                   aif_plan_result *out, facility_inputs *f) {
    const aif_facility *fd = aif_catalog_facility(cat);
    aif_status st = AIF_OK;
    if (st == AIF_OK) {
        st = resolve(out, "pue", "ratio", in->pue, &fd->pue, NAN, &f->pue);
    }
    if (st == AIF_OK) {
        st = resolve(out, "overhead_fraction", "fraction of rack IT", in->overhead_fraction,
                     &fd->overhead_fraction, NAN, &f->overhead);
    }
    if (st == AIF_OK) {
        st = resolve(out, "power_price_usd_per_mwh", "USD/MWh", in->power_price_usd_per_mwh,
                     &fd->power_price_usd_per_mwh, NAN, &f->price);
    }
    if (st == AIF_OK) {
        st = resolve(out, "load_factor", "fraction", in->load_factor, NULL, 1.0, &f->load);
    }
    if (st == AIF_OK) {
        st = resolve(out, "it_life_years", "years", in->it_life_years, &fd->it_life_years, NAN,
                     &f->it_life);
    }
    if (st == AIF_OK) {
        st = resolve(out, "facility_life_years", "years", in->facility_life_years,
                     &fd->facility_life_years, NAN, &f->fac_life);
    }
    if (st == AIF_OK) {
        st = resolve(out, "capex_usd_per_mw", "USD per facility MW", in->capex_usd_per_mw,
                     &fd->capex_usd_per_mw, NAN, &f->capex_per_mw);
    }
    if (st == AIF_OK) {
        st = resolve(out, "power_distribution_usd_per_mw", "USD per facility MW", NAN,
                     &fd->power_distribution_usd_per_mw, NAN, &f->power_dist_per_mw);
    }
    if (st == AIF_OK) {
        st = resolve(out, "network_vendor_fraction", "fraction of network", NAN,
                     &fd->network_vendor_fraction, NAN, &f->network_vendor);
    }
    if (st == AIF_OK) {
        st = resolve(out, "wacc", "fraction per year", in->wacc, &fd->wacc, NAN, &f->wacc);
    }
    if (st != AIF_OK) {
        return st;
    }
    if (!(f->wacc >= 0 && f->wacc <= 1)) {
        return aif_error_set(&out->error, AIF_ERANGE,
                             "WACC must be in [0, 1] (0%% to 100%%), got %g", f->wacc);
    }
    if (!(f->network_vendor >= 0 && f->network_vendor <= 1)) {
        return aif_error_set(&out->error, AIF_ERANGE,
                             "network vendor fraction must be in [0, 1], got %g",
                             f->network_vendor);
    }
    if (!(f->power_dist_per_mw >= 0) || !isfinite(f->power_dist_per_mw)) {
        return aif_error_set(&out->error, AIF_ERANGE, "prices must be >= 0");
    }
    if (!(f->pue >= 1) || !isfinite(f->pue)) {
        return aif_error_set(&out->error, AIF_ERANGE, "PUE must be >= 1, got %g", f->pue);
    }
    if (!(f->overhead >= 0 && f->overhead <= 1)) {
        return aif_error_set(&out->error, AIF_ERANGE, "overhead must be in [0, 1], got %g",
                             f->overhead);
    }
    if (!(f->load > 0 && f->load <= 1)) {
        return aif_error_set(&out->error, AIF_ERANGE, "load factor must be in (0, 1], got %g",
                             f->load);
    }
    if (!(f->it_life > 0) || !(f->fac_life > 0) || !isfinite(f->it_life) ||
        !isfinite(f->fac_life)) {
        return aif_error_set(&out->error, AIF_ERANGE, "service lives must be > 0 years");
    }
    if (!(f->price >= 0) || !(f->capex_per_mw >= 0) || !isfinite(f->price) ||
        !isfinite(f->capex_per_mw)) {
        return aif_error_set(&out->error, AIF_ERANGE, "prices must be >= 0");
    }
    return AIF_OK;
}

/* The system's bill of materials beyond its price: the host CPUs' part of the price (0
 * when the catalog does not split it), and network and storage per package, the system's
 * own where the catalog gives them, else the facility defaults. */
static aif_status resolve_bom(const aif_catalog *cat, aif_plan_result *out, const aif_system *s,
                              aif_plan_line *line) {
    const aif_facility *fd = aif_catalog_facility(cat);
    char name[64];
    line->host_cpu_usd = 0;
    if (s->host_cpu_usd.present && s->price_usd.value > 0) {
        /* The CPUs keep their share of the price when a plan gives its own price. */
        line->host_cpu_usd = fmin(s->host_cpu_usd.value, s->price_usd.value) *
                             (line->price_usd / s->price_usd.value);
        snprintf(name, sizeof name, "%s.host_cpu_usd", s->id);
        note(out, name, "USD per system", line->host_cpu_usd, s->host_cpu_usd.source,
             s->host_cpu_usd.confidence);
    }
    snprintf(name, sizeof name, "%s.network_usd_per_gpu", s->id);
    aif_status st =
        resolve(out, name, "USD per package", NAN,
                s->network_usd_per_gpu.present ? &s->network_usd_per_gpu : &fd->network_usd_per_gpu,
                NAN, &line->network_usd_per_gpu);
    if (st == AIF_OK) {
        snprintf(name, sizeof name, "%s.storage_usd_per_gpu", s->id);
        st = resolve(out, name, "USD per package", NAN,
                     s->storage_usd_per_gpu.present ? &s->storage_usd_per_gpu
                                                    : &fd->storage_usd_per_gpu,
                     NAN, &line->storage_usd_per_gpu);
    }
    if (st != AIF_OK) {
        return st;
    }
    if (!(line->network_usd_per_gpu >= 0) || !(line->storage_usd_per_gpu >= 0) ||
        !isfinite(line->network_usd_per_gpu) || !isfinite(line->storage_usd_per_gpu)) {
        return aif_error_set(&out->error, AIF_ERANGE, "network and storage of '%s' must be >= 0",
                             s->id);
    }
    return AIF_OK;
}

static aif_status resolve_part(const aif_catalog *cat, const aif_plan_input *in, size_t i,
                               aif_plan_result *out, aif_plan_line *line) {
    const aif_plan_part *p = &in->parts[i];
    const aif_system *s = aif_catalog_system_find(cat, p->system_id);
    if (s == NULL) {
        const char *near[3];
        size_t n = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, p->system_id, near, 3);
        char hint[128] = "";
        size_t used = 0;
        for (size_t k = 0; k < n && used < sizeof hint; k++) {
            used += (size_t)snprintf(hint + used, sizeof hint - used, "%s'%s'",
                                     k == 0       ? " (did you mean "
                                     : k + 1 == n ? " or "
                                                  : ", ",
                                     near[k]);
        }
        return aif_error_set(&out->error, AIF_ENOTFOUND, "unknown system '%s'%s%s", p->system_id,
                             hint, n ? "?)" : "; see 'aifactory catalog list'");
    }
    if (s->package == NULL) {
        return aif_error_set(&out->error, AIF_ESTATE, "system '%s' has no package", s->id);
    }
    double share = isnan(p->share) && in->part_count == 1 ? 1.0 : p->share;
    if (!(share > 0 && share <= 1)) {
        return aif_error_set(&out->error, AIF_ERANGE, "share of '%s' must be in (0, 1], got %g",
                             s->id, share);
    }
    char name[64];
    snprintf(name, sizeof name, "%s.share", s->id);
    note(out, name, "fraction of power", share, isnan(p->share) ? "default" : "user", 0);
    line->system = s;
    line->share = share;
    double kw_cat = pick_case(&s->it_power_kw, in->power_case);
    snprintf(name, sizeof name, "%s.it_power_kw", s->id);
    if (isnan(p->it_power_kw)) {
        line->it_power_kw = kw_cat;
        note(out, name, "kW per system", kw_cat, s->it_power_kw.source, s->it_power_kw.confidence);
    } else {
        line->it_power_kw = p->it_power_kw;
        note(out, name, "kW per system", p->it_power_kw, "user", 0);
    }
    snprintf(name, sizeof name, "%s.price_usd", s->id);
    if (isnan(p->price_usd)) {
        line->price_usd = s->price_usd.value;
        note(out, name, "USD per system", line->price_usd, s->price_usd.source,
             s->price_usd.confidence);
    } else {
        line->price_usd = p->price_usd;
        note(out, name, "USD per system", p->price_usd, "user", 0);
    }
    aif_status st = resolve_bom(cat, out, s, line);
    if (st != AIF_OK) {
        return st;
    }
    if (!(line->it_power_kw > 0) || !isfinite(line->it_power_kw)) {
        return aif_error_set(&out->error, AIF_ERANGE, "IT power of '%s' must be > 0 kW", s->id);
    }
    if (!(line->price_usd >= 0) || !isfinite(line->price_usd)) {
        return aif_error_set(&out->error, AIF_ERANGE, "price of '%s' must be >= 0", s->id);
    }
    return AIF_OK;
}

static void add_package_totals(aif_plan_result *out, const aif_package *pkg, double count) {
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        if (pkg->dense_tflops[k].present) {
            out->peak_pflops[k] += count * pkg->dense_tflops[k].value / 1000.0;
            out->has_peak[k] = true;
        }
    }
    out->hbm_tb += count * pkg->hbm_gb.value / 1000.0;
}

/* Bounded inputs can still give an unbounded plan (a per-system power of a milliwatt, a
 * price of 1e305 dollars): refuse it rather than hand out counts that overflow an integer
 * or sums that are infinite. */
static aif_status check_result(aif_plan_basis basis, aif_plan_result *out) {
    const double totals[] = {out->facility_mw,
                             out->facility_mw_drawn,
                             out->racks,
                             out->packages,
                             out->dies,
                             out->extra_packages,
                             out->hbm_tb,
                             out->capex_usd,
                             out->energy_mwh_per_year,
                             out->power_cost_usd_per_year,
                             out->depreciation_usd_per_year,
                             out->capital_charge_usd_per_year,
                             out->breakeven_usd_per_gpu_hour};
    /* The reverse plan is bounded by its amount (2^40, rounded up to whole systems); the
     * forward plan by the power only, which a tiny per-system power turns into any count. */
    if (basis != AIF_PLAN_GPUS && out->packages > AIF_PLAN_MAX_GPUS) {
        return aif_error_set(&out->error, AIF_ERANGE,
                             "the plan yields %g GPUs in %g systems, more than the 2^40 the "
                             "planner holds",
                             out->packages, out->racks);
    }
    bool finite = true;
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
        finite = finite && isfinite(totals[i]);
    }
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        finite = finite && isfinite(out->peak_pflops[k]);
    }
    if (!finite) {
        return aif_error_set(&out->error, AIF_ERANGE,
                             "the plan's totals are out of range (not finite); check the "
                             "prices and powers");
    }
    /* Whole dollars must fit the 64-bit integers of the JSON output. */
    if (out->capex_usd > AIF_PLAN_MAX_CAPEX_USD) {
        return aif_error_set(&out->error, AIF_ERANGE,
                             "the plan's capex ($%g) is above the $9e18 the planner holds; "
                             "check the prices",
                             out->capex_usd);
    }
    return AIF_OK;
}

double aif_plan_capital_recovery_factor(double rate, double years) {
    if (!(years > 0) || !(rate >= 0) || !isfinite(years)) {
        return NAN;
    }
    if (rate == 0) {
        return 1.0 / years;
    }
    /* r / (1 - (1 + r)^-n), with expm1/log1p so small rates keep their digits. */
    return rate / -expm1(-years * log1p(rate));
}

double aif_plan_facility_capex_usd(const aif_catalog *cat, double facility_mw,
                                   double mech_elec_usd_per_mw) {
    const aif_facility *fd = aif_catalog_facility(cat);
    if (fd == NULL || !fd->power_distribution_usd_per_mw.present ||
        (!(mech_elec_usd_per_mw > 0) && !fd->capex_usd_per_mw.present)) {
        return NAN;
    }
    double me = mech_elec_usd_per_mw > 0 ? mech_elec_usd_per_mw : fd->capex_usd_per_mw.value;
    return round(facility_mw * me) + round(facility_mw * fd->power_distribution_usd_per_mw.value);
}

/* Capex in whole dollars, so that the categories sum exactly to the total (and print so):
 * the facility categories from the planned facility power, the rest from the lines. */
static void sum_capex(aif_plan_result *out, const facility_inputs *f, double network_vendor_usd) {
    double *cat_usd = out->capex_by_category_usd;
    cat_usd[AIF_CAPEX_MECH_ELEC] = out->facility_mw * f->capex_per_mw;
    cat_usd[AIF_CAPEX_POWER_DISTRIBUTION] = out->facility_mw * f->power_dist_per_mw;
    out->capex_usd = 0;
    for (int c = 0; c < AIF_CAPEX_CATEGORY_COUNT; c++) {
        cat_usd[c] = round(cat_usd[c]);
        out->capex_usd += cat_usd[c];
    }
    out->capex_systems_usd = cat_usd[AIF_CAPEX_ACCELERATORS] + cat_usd[AIF_CAPEX_HOST_CPUS];
    out->capex_it_usd =
        out->capex_systems_usd + cat_usd[AIF_CAPEX_NETWORK] + cat_usd[AIF_CAPEX_STORAGE];
    out->capex_facility_usd = cat_usd[AIF_CAPEX_MECH_ELEC] + cat_usd[AIF_CAPEX_POWER_DISTRIBUTION];
    out->capex_vendor_usd = out->capex_systems_usd + round(network_vendor_usd);
}

aif_status aif_plan_compute(const aif_catalog *cat, const aif_plan_input *in,
                            aif_plan_result *out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (cat == NULL || in == NULL) {
        return aif_error_set(&out->error, AIF_EINVAL, "no catalog or no input");
    }
    if (in->part_count == 0 || in->part_count > AIF_PLAN_MAX_MIX) {
        return aif_error_set(&out->error, AIF_ERANGE, "give one system or a mix of 1 to %d systems",
                             AIF_PLAN_MAX_MIX);
    }
    if (!(in->amount > 0) || !isfinite(in->amount)) {
        return aif_error_set(&out->error, AIF_ERANGE, "%s must be a positive number, got %g",
                             in->basis == AIF_PLAN_GPUS ? "GPU count" : "power", in->amount);
    }
    if (in->basis == AIF_PLAN_GPUS && in->amount > AIF_PLAN_MAX_GPUS) {
        return aif_error_set(&out->error, AIF_ERANGE,
                             "GPU count must be at most 2^40 (%.0f), got %g", AIF_PLAN_MAX_GPUS,
                             in->amount);
    }
    if (in->basis != AIF_PLAN_GPUS && in->amount > AIF_PLAN_MAX_POWER_W) {
        return aif_error_set(&out->error, AIF_ERANGE, "power must be at most 1 TW, got %g W",
                             in->amount);
    }
    facility_inputs f;
    aif_status st = resolve_facility(cat, in, out, &f);
    double share_sum = 0;
    for (size_t i = 0; i < in->part_count && st == AIF_OK; i++) {
        st = resolve_part(cat, in, i, out, &out->lines[i]);
        share_sum += out->lines[i].share;
    }
    if (st != AIF_OK) {
        return st;
    }
    if (fabs(share_sum - 1.0) > 1e-6) {
        return aif_error_set(&out->error, AIF_ERANGE, "mix shares must sum to 1, got %g",
                             share_sum);
    }
    out->line_count = in->part_count;
    double grow = 1.0 + f.overhead; /* rack IT to all IT */

    double it_kw_budget = 0;
    if (in->basis == AIF_PLAN_GPUS) {
        /* The power P at which the share-weighted systems hold exactly `amount` packages:
         * packages = sum_i P * share_i / (kW_i * grow) * per_i. */
        double per_kw = 0;
        for (size_t i = 0; i < out->line_count; i++) {
            const aif_plan_line *l = &out->lines[i];
            per_kw += l->share * l->system->packages.value / (l->it_power_kw * grow);
        }
        it_kw_budget = in->amount / per_kw;
    } else {
        it_kw_budget =
            (in->basis == AIF_PLAN_FACILITY_POWER ? in->amount / f.pue : in->amount) / 1000.0;
    }

    double drawn_it_kw = 0, network_vendor_usd = 0;
    for (size_t i = 0; i < out->line_count; i++) {
        aif_plan_line *l = &out->lines[i];
        const aif_system *s = l->system;
        double exact = it_kw_budget * l->share / (l->it_power_kw * grow);
        l->systems =
            in->basis == AIF_PLAN_GPUS ? ceil(exact - COUNT_EPS) : floor(exact + COUNT_EPS);
        l->packages = l->systems * s->packages.value;
        l->dies = l->packages * s->package->dies.value;
        l->it_mw = l->systems * l->it_power_kw * grow / 1000.0;
        drawn_it_kw += l->it_mw * 1000.0;
        out->racks += l->systems;
        out->packages += l->packages;
        out->dies += l->dies;
        double *cat_usd = out->capex_by_category_usd;
        cat_usd[AIF_CAPEX_ACCELERATORS] += l->systems * (l->price_usd - l->host_cpu_usd);
        cat_usd[AIF_CAPEX_HOST_CPUS] += l->systems * l->host_cpu_usd;
        cat_usd[AIF_CAPEX_NETWORK] += l->packages * l->network_usd_per_gpu;
        cat_usd[AIF_CAPEX_STORAGE] += l->packages * l->storage_usd_per_gpu;
        network_vendor_usd += l->packages * l->network_usd_per_gpu * f.network_vendor;
        add_package_totals(out, s->package, l->packages);
        if (s->extra_package && s->extra_packages.present) {
            double extra = l->systems * s->extra_packages.value;
            out->extra_packages += extra;
            add_package_totals(out, s->extra_package, extra);
        }
    }
    out->facility_mw_drawn = drawn_it_kw * f.pue / 1000.0;
    if (in->basis == AIF_PLAN_GPUS) {
        out->facility_mw = out->facility_mw_drawn;
    } else {
        out->facility_mw = it_kw_budget * f.pue / 1000.0;
    }
    out->it_mw = out->facility_mw / f.pue;

    sum_capex(out, &f, network_vendor_usd);
    out->energy_mwh_per_year = out->facility_mw_drawn * f.load * AIF_HOURS_PER_YEAR;
    out->power_cost_usd_per_year = out->energy_mwh_per_year * f.price;
    out->depreciation_usd_per_year =
        out->capex_it_usd / f.it_life + out->capex_facility_usd / f.fac_life;
    out->wacc = f.wacc;
    out->capital_charge_usd_per_year =
        out->capex_it_usd * aif_plan_capital_recovery_factor(f.wacc, f.it_life) +
        out->capex_facility_usd * aif_plan_capital_recovery_factor(f.wacc, f.fac_life);
    double gpu_hours = out->packages * AIF_HOURS_PER_YEAR * f.load;
    if (gpu_hours > 0) {
        out->breakeven_usd_per_gpu_hour =
            (out->capital_charge_usd_per_year + out->power_cost_usd_per_year) / gpu_hours;
        out->breakeven_no_return_usd_per_gpu_hour =
            (out->depreciation_usd_per_year + out->power_cost_usd_per_year) / gpu_hours;
    }
    if (out->packages == 0) {
        return aif_error_set(&out->error, AIF_ERANGE, "the power is below one %s system",
                             out->lines[0].system->id);
    }
    return check_result(in->basis, out);
}

aif_status aif_plan_contract(const aif_plan_result *plan, double total_usd, double years,
                             double utilization, aif_contract_result *out) {
    if (plan == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (!(total_usd >= 0) || !(years > 0) || !(utilization > 0 && utilization <= 1) ||
        !(plan->packages > 0) || !isfinite(total_usd) || !isfinite(years)) {
        return AIF_ERANGE;
    }
    out->usd_per_year = total_usd / years;
    out->usd_per_mw_year = plan->facility_mw > 0 ? out->usd_per_year / plan->facility_mw : 0;
    out->gpu_hours_per_year = plan->packages * AIF_HOURS_PER_YEAR * utilization;
    out->usd_per_gpu_hour = out->usd_per_year / out->gpu_hours_per_year;
    return AIF_OK;
}

double aif_plan_energy_cost_usd_per_year(double mw, double load_factor, double usd_per_mwh) {
    return mw * load_factor * AIF_HOURS_PER_YEAR * usd_per_mwh;
}
