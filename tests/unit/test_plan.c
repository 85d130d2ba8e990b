/* Unit tests for the planner: the published checks of issue 3 (Nvidia's 10 GW = 4-5 M
 * GPUs, Vera Rubin packages vs dies, power cost of a GW-year, Oracle's implied $/GPU-hour,
 * xAI Colossus), exact arithmetic on small cases, round trips, mixes, provenance of every
 * input, and every bad-input error. The planner allocates nothing, so there is no
 * allocation-failure case beyond the catalog's own (test_catalog.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/catalog_read.h"
#include "aifactory/plan.h"

#define GW 1e9
#define MW 1e6

static int setup(void **state) {
    aif_catalog *cat = NULL;
    if (aif_catalog_create(NULL, &cat) != AIF_OK || aif_catalog_load_default(cat) != AIF_OK) {
        aif_catalog_destroy(cat);
        return -1;
    }
    *state = cat;
    return 0;
}

static int teardown(void **state) {
    aif_catalog_destroy(*state);
    return 0;
}

static void in_range(double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
        fail_msg("%.6g not in [%.6g, %.6g]", v, lo, hi);
    }
}

static void near(double v, double want, double rel) {
    if (!(fabs(v - want) <= rel * fabs(want))) {
        fail_msg("%.10g != %.10g (rel %.1g)", v, want, rel);
    }
}

static aif_plan_result plan_one(const aif_catalog *cat, aif_plan_basis basis, double amount,
                                const char *system, aif_plan_case c) {
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.basis = basis;
    in.amount = amount;
    in.power_case = c;
    assert_int_equal(aif_plan_input_add(&in, system, NAN), AIF_OK);
    aif_plan_result r;
    aif_status st = aif_plan_compute(cat, &in, &r);
    if (st != AIF_OK) {
        fail_msg("plan failed: %s", r.error.message);
    }
    return r;
}

/* Nvidia: "10 GW = 4-5 million GPUs"; GB200 NVL72 at PUE 1.2 and 10 % overhead. */
static void ten_gw_gb200_is_four_to_five_million(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_result r =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, "gb200-nvl72", AIF_PLAN_CASE_DEFAULT);
    /* 10 GW / (132 kW x 1.1 x 1.2) = 57392.1 racks, rounded down. */
    assert_true(r.racks == 57392);
    assert_true(r.packages == 57392.0 * 72);
    assert_true(r.dies == 2 * r.packages);
    in_range(r.packages, 4.0e6, 5.0e6);
    near(r.facility_mw, 10000, 1e-12);
    near(r.it_mw, 10000 / 1.2, 1e-12);
    near(r.facility_mw_drawn, 57392 * 0.132 * 1.1 * 1.2, 1e-12);
    assert_true(r.facility_mw_drawn <= r.facility_mw);
    near(r.peak_pflops[AIF_PREC_BF16], r.packages * 2.5, 1e-12);
    near(r.peak_pflops[AIF_PREC_FP4], r.packages * 10.0, 1e-12);
    near(r.hbm_tb, r.packages * 0.186, 1e-12);
    /* The other end of the rack-power range stays in the band too. */
    aif_plan_result lo =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, "gb200-nvl72", AIF_PLAN_CASE_LOW);
    in_range(lo.packages, 4.0e6, 5.0e6);
    assert_true(lo.packages > r.packages);
}

/* Vera Rubin NVL144 = 72 packages, 144 dies, 190-230 kW: 2.4-2.9 M packages, 4.7-5.7 M dies
 * (the published band is rounded: its ends are 2.37 and 5.74, so the range ends get 2 %). */
static void ten_gw_vera_rubin_packages_and_dies(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_result r =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, "vr-nvl144", AIF_PLAN_CASE_DEFAULT);
    in_range(r.packages, 2.4e6, 2.9e6);
    in_range(r.dies, 4.7e6, 5.7e6);
    assert_true(r.dies == 2 * r.packages);
    assert_true(r.packages == 2597400); /* 36075 racks at 210 kW */
    aif_plan_case cases[2] = {AIF_PLAN_CASE_LOW, AIF_PLAN_CASE_HIGH};
    for (int i = 0; i < 2; i++) {
        aif_plan_result e = plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, "vr-nvl144", cases[i]);
        in_range(e.packages, 2.4e6 * 0.98, 2.9e6 * 1.02);
        in_range(e.dies, 4.7e6 * 0.98, 5.7e6 * 1.02);
    }
    assert_true(
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, "vr-nvl144", AIF_PLAN_CASE_LOW).packages ==
        2870784);
    assert_true(
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, "vr-nvl144", AIF_PLAN_CASE_HIGH).packages ==
        2371536);
}

/* 1 GW for a year at $66-80/MWh is $0.58-0.70 B. */
static void one_gw_year_power_cost(void **state) {
    const aif_catalog *cat = *state;
    near(aif_plan_energy_cost_usd_per_year(1000, 1.0, 66), 578.16e6, 1e-12);
    near(aif_plan_energy_cost_usd_per_year(1000, 1.0, 80), 700.8e6, 1e-12);
    double prices[2] = {66, 80};
    for (int i = 0; i < 2; i++) {
        aif_plan_input in;
        aif_plan_input_init(&in);
        in.amount = 1 * GW;
        in.power_price_usd_per_mwh = prices[i];
        in.load_factor = 1.0;
        assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", NAN), AIF_OK);
        aif_plan_result r;
        assert_int_equal(aif_plan_compute(cat, &in, &r), AIF_OK);
        /* Whole racks draw a little under the budget (less than one rack). */
        assert_true(1000 - r.facility_mw_drawn < 0.175);
        in_range(r.power_cost_usd_per_year, 0.575e9, 0.705e9);
        near(r.energy_mwh_per_year, r.facility_mw_drawn * 8760, 1e-12);
        near(r.power_cost_usd_per_year, r.energy_mwh_per_year * prices[i], 1e-12);
    }
}

/* Oracle: $300 B over 5 years for 4.5 GW -> $3.0-3.8 per GPU-hour at full use. */
static void oracle_contract_gpu_hour(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_result r =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 4.5 * GW, "gb200-nvl72", AIF_PLAN_CASE_DEFAULT);
    aif_contract_result c;
    assert_int_equal(aif_plan_contract(&r, 300e9, 5, 1.0, &c), AIF_OK);
    near(c.usd_per_year, 60e9, 1e-12);
    near(c.usd_per_mw_year, 60e9 / 4500, 1e-12); /* $13.3 M per MW-year */
    assert_true(r.packages == 1859472);
    near(c.usd_per_gpu_hour, 60e9 / (1859472.0 * 8760), 1e-12);
    in_range(c.usd_per_gpu_hour, 3.0, 3.8);
    aif_plan_result lo =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 4.5 * GW, "gb200-nvl72", AIF_PLAN_CASE_LOW);
    assert_int_equal(aif_plan_contract(&lo, 300e9, 5, 1.0, &c), AIF_OK);
    in_range(c.usd_per_gpu_hour, 3.0, 3.8);
    /* Selling 80 % of the hours raises the price by 1/0.8. */
    aif_contract_result c80;
    assert_int_equal(aif_plan_contract(&lo, 300e9, 5, 0.8, &c80), AIF_OK);
    near(c80.usd_per_gpu_hour, c.usd_per_gpu_hour / 0.8, 1e-12);
    assert_int_equal(aif_plan_contract(&lo, 300e9, 0, 1.0, &c), AIF_ERANGE);
    assert_int_equal(aif_plan_contract(&lo, 300e9, 5, 1.5, &c), AIF_ERANGE);
    assert_int_equal(aif_plan_contract(NULL, 300e9, 5, 1.0, &c), AIF_EINVAL);
}

/* xAI Colossus: 100k H100 on ~150 MW. HGX nodes at 10.2 kW, PUE 1.2 -> 150-200 MW. */
static void colossus_hundred_thousand_h100(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_result r = plan_one(cat, AIF_PLAN_GPUS, 100000, "hgx-h100", AIF_PLAN_CASE_DEFAULT);
    assert_true(r.racks == 12500);
    assert_true(r.packages == 100000 && r.dies == 100000);
    near(r.facility_mw, 168.3, 1e-12);
    in_range(r.facility_mw, 150, 200);
    assert_false(r.has_peak[AIF_PREC_FP4]); /* Hopper has no FP4 */
    assert_true(r.peak_pflops[AIF_PREC_FP4] == 0);
    near(r.peak_pflops[AIF_PREC_BF16], 98900, 1e-12);
}

/* plan --gpus of plan --power's packages gives back the power within one rack. */
static void round_trip_power_gpus_power(void **state) {
    const aif_catalog *cat = *state;
    const char *systems[] = {"gb200-nvl72", "vr-nvl144", "hgx-h100", "mi355x-8", "helios-mi450"};
    for (size_t i = 0; i < 5; i++) {
        aif_plan_result fwd =
            plan_one(cat, AIF_PLAN_FACILITY_POWER, 10 * GW, systems[i], AIF_PLAN_CASE_DEFAULT);
        aif_plan_result back =
            plan_one(cat, AIF_PLAN_GPUS, fwd.packages, systems[i], AIF_PLAN_CASE_DEFAULT);
        assert_true(back.racks == fwd.racks);
        double rack_mw = fwd.facility_mw_drawn / fwd.racks;
        assert_true(fabs(back.facility_mw - fwd.facility_mw) <= rack_mw);
        /* One GPU more than whole systems needs one more system. */
        aif_plan_result more =
            plan_one(cat, AIF_PLAN_GPUS, fwd.packages + 1, systems[i], AIF_PLAN_CASE_DEFAULT);
        assert_true(more.racks == fwd.racks + 1);
    }
}

/* Exact money arithmetic on one system with every input given. */
static void money_exact(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.basis = AIF_PLAN_IT_POWER;
    in.amount = 1 * MW;
    in.pue = 1.25;
    in.overhead_fraction = 0.0;
    in.power_price_usd_per_mwh = 50;
    in.load_factor = 0.5;
    in.it_life_years = 4;
    in.facility_life_years = 10;
    in.capex_usd_per_mw = 10e6;
    in.wacc = 0; /* straight line: the capital charge is the depreciation */
    assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", NAN), AIF_OK);
    in.parts[0].it_power_kw = 100;
    in.parts[0].price_usd = 2e6;
    aif_plan_result r;
    assert_int_equal(aif_plan_compute(cat, &in, &r), AIF_OK);
    assert_true(r.racks == 10 && r.packages == 720 && r.dies == 1440);
    near(r.it_mw, 1.0, 1e-12);
    near(r.facility_mw, 1.25, 1e-12);
    near(r.facility_mw_drawn, 1.25, 1e-12);
    /* The bill of materials from the catalog's per-GPU and per-MW figures: the racks as
     * priced (the CPUs keep their share of a price given by the user), 720 packages of
     * network and storage, 1.25 MW of mechanical/electrical and power distribution. */
    const aif_facility *f = aif_catalog_facility(cat);
    const aif_system *gb = aif_catalog_system_find(cat, "gb200-nvl72");
    double cpu = round(10 * gb->host_cpu_usd.value * 2e6 / gb->price_usd.value);
    double net = 720 * f->network_usd_per_gpu.value, sto = 720 * f->storage_usd_per_gpu.value;
    double pd = 1.25 * f->power_distribution_usd_per_mw.value;
    assert_true(r.capex_by_category_usd[AIF_CAPEX_HOST_CPUS] == cpu);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_ACCELERATORS] == 20e6 - cpu);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_NETWORK] == net);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_STORAGE] == sto);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_MECH_ELEC] == 12.5e6);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_POWER_DISTRIBUTION] == pd);
    near(r.capex_systems_usd, 20e6, 1e-12);
    near(r.capex_it_usd, 20e6 + net + sto, 1e-12);
    near(r.capex_facility_usd, 12.5e6 + pd, 1e-12);
    near(r.capex_usd, 20e6 + net + sto + 12.5e6 + pd, 1e-12);
    near(r.capex_vendor_usd, 20e6 + round(net * f->network_vendor_fraction.value), 1e-12);
    near(r.energy_mwh_per_year, 1.25 * 0.5 * 8760, 1e-12);
    near(r.power_cost_usd_per_year, 1.25 * 0.5 * 8760 * 50, 1e-12);
    double dep = (20e6 + net + sto) / 4 + (12.5e6 + pd) / 10;
    near(r.depreciation_usd_per_year, dep, 1e-12);
    near(r.capital_charge_usd_per_year, dep, 1e-12);
    near(r.breakeven_usd_per_gpu_hour, (dep + 273750) / (720 * 8760 * 0.5), 1e-12);
    near(r.breakeven_no_return_usd_per_gpu_hour, r.breakeven_usd_per_gpu_hour, 1e-12);
    /* Every input is listed once with where it came from: the user's, the share's default,
     * and the bill of materials' catalog figures that no flag sets. */
    static const char *const from_catalog[] = {
        "power_distribution_usd_per_mw", "network_vendor_fraction", "gb200-nvl72.host_cpu_usd",
        "gb200-nvl72.network_usd_per_gpu", "gb200-nvl72.storage_usd_per_gpu"};
    assert_int_equal(r.assumption_count, 16);
    for (size_t i = 0; i < r.assumption_count; i++) {
        const aif_plan_assumption *a = &r.assumptions[i];
        bool catalog = false;
        for (size_t k = 0; k < sizeof from_catalog / sizeof from_catalog[0]; k++) {
            catalog = catalog || strcmp(a->name, from_catalog[k]) == 0;
        }
        if (strcmp(a->name, "gb200-nvl72.share") == 0) {
            assert_string_equal(a->origin, "default");
        } else if (catalog) {
            assert_true(a->confidence != 0);
        } else {
            assert_string_equal(a->origin, "user");
        }
    }
}

/* The categories of every catalog system's plan, and of a mix, are whole dollars that sum
 * exactly to the capex; the vendor's share lies between the systems and the whole; the
 * facility categories are what the fleet books through aif_plan_facility_capex_usd. */
static void bom_categories_sum_to_capex(void **state) {
    const aif_catalog *cat = *state;
    for (size_t i = 0; i < aif_catalog_system_count(cat); i++) {
        const aif_system *s = aif_catalog_system_at(cat, i);
        aif_plan_result r =
            plan_one(cat, AIF_PLAN_FACILITY_POWER, 1.37 * GW, s->id, AIF_PLAN_CASE_DEFAULT);
        double sum = 0;
        for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
            double v = r.capex_by_category_usd[k];
            assert_true(v >= 0 && v == round(v));
            sum += v;
        }
        assert_true(sum == r.capex_usd);
        assert_true(r.capex_it_usd + r.capex_facility_usd == r.capex_usd);
        assert_true(r.capex_vendor_usd >= r.capex_systems_usd);
        assert_true(r.capex_vendor_usd <= r.capex_it_usd);
        near(r.capex_systems_usd, r.racks * s->price_usd.value, 1e-12);
        assert_true(r.capex_facility_usd == aif_plan_facility_capex_usd(cat, r.facility_mw, NAN));
    }
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.amount = 3.3 * GW;
    assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", 0.3), AIF_OK);
    assert_int_equal(aif_plan_input_add(&in, "hgx-h100", 0.7), AIF_OK);
    aif_plan_result r;
    assert_int_equal(aif_plan_compute(cat, &in, &r), AIF_OK);
    double sum = 0;
    for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
        sum += r.capex_by_category_usd[k];
    }
    assert_true(sum == r.capex_usd);
    /* hgx-h100 gives no CPU split: only the NVL72 racks carry host CPUs. */
    const aif_system *gb = aif_catalog_system_find(cat, "gb200-nvl72");
    assert_true(r.capex_by_category_usd[AIF_CAPEX_HOST_CPUS] ==
                round(r.lines[0].systems * gb->host_cpu_usd.value));
    /* A scenario's own facility $/MW replaces mechanical/electrical only. */
    const aif_facility *f = aif_catalog_facility(cat);
    near(aif_plan_facility_capex_usd(cat, 100, 9e6),
         100 * 9e6 + 100 * f->power_distribution_usd_per_mw.value, 1e-12);
}

/* 1 GW of GB200 NVL72 against Nvidia's $50-60 B with ~$35 B of its own, and Bernstein's
 * split within a few points (the same anchors as `validate fleet`). */
static void gb200_gigawatt_capex_matches_anchors(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_result r =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 1 * GW, "gb200-nvl72", AIF_PLAN_CASE_DEFAULT);
    in_range(r.capex_usd, 50e9, 60e9);
    in_range(r.capex_vendor_usd, 31.5e9, 38.5e9);
    static const double bernstein[AIF_CAPEX_CATEGORY_COUNT] = {39, 3, 13, 1.25, 100.0 / 3, 10};
    for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
        double pct = 100 * r.capex_by_category_usd[k] / r.capex_usd;
        in_range(pct, bernstein[k] - 5, bernstein[k] + 5);
    }
}

/* The capital charge is capex repaid as a level annuity over each life at the WACC. */
static void wacc_capital_charge(void **state) {
    const aif_catalog *cat = *state;
    near(aif_plan_capital_recovery_factor(0, 5), 0.2, 1e-15);
    /* 0.1 / (1 - 1.1^-5) = 0.26379748... */
    near(aif_plan_capital_recovery_factor(0.1, 5), 0.1 / (1 - pow(1.1, -5)), 1e-12);
    near(aif_plan_capital_recovery_factor(1e-12, 5), 0.2, 1e-9);
    assert_true(isnan(aif_plan_capital_recovery_factor(-0.01, 5)));
    assert_true(isnan(aif_plan_capital_recovery_factor(0.1, 0)));
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.amount = 1 * GW;
    assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", NAN), AIF_OK);
    aif_plan_result lo, hi;
    in.wacc = 0.08;
    assert_int_equal(aif_plan_compute(cat, &in, &lo), AIF_OK);
    in.wacc = 0.12;
    assert_int_equal(aif_plan_compute(cat, &in, &hi), AIF_OK);
    near(lo.capital_charge_usd_per_year,
         lo.capex_it_usd * aif_plan_capital_recovery_factor(0.08, 5) +
             lo.capex_facility_usd * aif_plan_capital_recovery_factor(0.08, 14),
         1e-12);
    assert_true(hi.breakeven_usd_per_gpu_hour > lo.breakeven_usd_per_gpu_hour);
    assert_true(lo.breakeven_usd_per_gpu_hour > lo.breakeven_no_return_usd_per_gpu_hour);
    near(lo.breakeven_no_return_usd_per_gpu_hour, hi.breakeven_no_return_usd_per_gpu_hour, 1e-15);
    /* The catalog's default is used, and named, when none is given. */
    in.wacc = NAN;
    assert_int_equal(aif_plan_compute(cat, &in, &lo), AIF_OK);
    assert_true(lo.wacc == aif_catalog_facility(cat)->wacc.value);
}

/* A system's own network and storage figures win over the facility defaults. */
static void system_bom_overrides_facility(void **state) {
    (void)state;
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    const char *yaml = "schema: aifactory-catalog/1\n"
                       "systems:\n"
                       "  hgx-h100:\n"
                       "    network_usd_per_gpu: {value: 5000, confidence: L, source: test}\n"
                       "    storage_usd_per_gpu: {value: 100, confidence: L, source: test}\n";
    assert_int_equal(aif_catalog_merge_string(cat, "test.yaml", yaml, strlen(yaml)), AIF_OK);
    aif_plan_result r = plan_one(cat, AIF_PLAN_GPUS, 800, "hgx-h100", AIF_PLAN_CASE_DEFAULT);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_NETWORK] == 800 * 5000.0);
    assert_true(r.capex_by_category_usd[AIF_CAPEX_STORAGE] == 800 * 100.0);
    aif_catalog_destroy(cat);
}

/* Defaults come from the catalog, with their source and confidence. */
static void assumptions_carry_provenance(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_result r =
        plan_one(cat, AIF_PLAN_FACILITY_POWER, 1 * GW, "vr-nvl144", AIF_PLAN_CASE_DEFAULT);
    const aif_facility *f = aif_catalog_facility(cat);
    int seen = 0;
    for (size_t i = 0; i < r.assumption_count; i++) {
        const aif_plan_assumption *a = &r.assumptions[i];
        if (strcmp(a->name, "pue") == 0) {
            assert_true(a->value == 1.2);
            assert_string_equal(a->origin, f->pue.source);
            assert_int_equal(a->confidence, 'M');
            seen++;
        } else if (strcmp(a->name, "load_factor") == 0) {
            assert_true(a->value == 1.0);
            assert_string_equal(a->origin, "default");
            seen++;
        } else if (strcmp(a->name, "vr-nvl144.it_power_kw") == 0) {
            assert_true(a->value == 210);
            assert_int_equal(a->confidence, 'L');
            assert_string_equal(a->unit, "kW per system");
            seen++;
        }
    }
    assert_int_equal(seen, 3);
    /* Depreciation dominates power: capex/5 y >> energy cost. */
    assert_true(r.depreciation_usd_per_year > 5 * r.power_cost_usd_per_year);
    in_range(r.breakeven_usd_per_gpu_hour, 1.0, 10.0);
}

/* A mix by power share: each part gets its share of the power. */
static void mix_by_power_share(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.amount = 10 * GW;
    assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", 0.6), AIF_OK);
    assert_int_equal(aif_plan_input_add(&in, "vr-nvl144", 0.4), AIF_OK);
    aif_plan_result r;
    assert_int_equal(aif_plan_compute(cat, &in, &r), AIF_OK);
    assert_int_equal(r.line_count, 2);
    assert_true(r.lines[0].systems == floor(6e9 / 1.2 / 1000 / (132 * 1.1)));
    assert_true(r.lines[1].systems == floor(4e9 / 1.2 / 1000 / (210 * 1.1)));
    assert_true(r.packages == r.lines[0].packages + r.lines[1].packages);
    assert_true(r.racks == r.lines[0].systems + r.lines[1].systems);
    near(r.lines[0].it_mw / (r.lines[0].it_mw + r.lines[1].it_mw), 0.6, 1e-4);
    /* Reverse with the same mix gives the same racks back. */
    aif_plan_input back = in;
    back.basis = AIF_PLAN_GPUS;
    back.amount = r.packages;
    aif_plan_result rb;
    assert_int_equal(aif_plan_compute(cat, &back, &rb), AIF_OK);
    assert_true(fabs(rb.packages - r.packages) <= 72);
    assert_true(fabs(rb.facility_mw - r.facility_mw) <= 0.3);
    /* Rubin CPX racks count their CPX cards apart from the GPUs. */
    aif_plan_result cpx = plan_one(cat, AIF_PLAN_GPUS, 72, "vr-nvl144-cpx", AIF_PLAN_CASE_DEFAULT);
    assert_true(cpx.racks == 1 && cpx.packages == 72 && cpx.extra_packages == 144);
    near(cpx.peak_pflops[AIF_PREC_FP4], (72 * 50000.0 + 144 * 20000.0) / 1000, 1e-12);
    near(cpx.hbm_tb, (72 * 288 + 144 * 128) / 1000.0, 1e-12);
}

static void expect_error(const aif_catalog *cat, const aif_plan_input *in, aif_status want,
                         const char *part) {
    aif_plan_result r;
    assert_int_equal(aif_plan_compute(cat, in, &r), want);
    assert_int_equal(r.error.status, want);
    if (strstr(r.error.message, part) == NULL) {
        fail_msg("error '%s' lacks '%s'", r.error.message, part);
    }
    assert_null(strchr(r.error.message, '\n'));
}

static void bad_inputs_are_one_line_errors(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.amount = 1 * GW;
    expect_error(cat, &in, AIF_ERANGE, "give one system");
    assert_int_equal(aif_plan_input_add(&in, "gb200", NAN), AIF_OK);
    expect_error(cat, &in, AIF_ENOTFOUND, "unknown system 'gb200' (did you mean 'gb200-nvl72'");
    in.parts[0].system_id = "qqqqqqqqqqqq";
    expect_error(cat, &in, AIF_ENOTFOUND, "see 'aifactory catalog list'");
    in.parts[0].system_id = "gb200-nvl72";
    in.amount = -1;
    expect_error(cat, &in, AIF_ERANGE, "power must be a positive number");
    in.amount = 0;
    expect_error(cat, &in, AIF_ERANGE, "power must be a positive number");
    in.amount = NAN;
    expect_error(cat, &in, AIF_ERANGE, "power must be a positive number");
    in.amount = 1 * GW;
    in.pue = 0.9;
    expect_error(cat, &in, AIF_ERANGE, "PUE must be >= 1");
    in.pue = NAN;
    in.overhead_fraction = 1.5;
    expect_error(cat, &in, AIF_ERANGE, "overhead");
    in.overhead_fraction = NAN;
    in.load_factor = 0;
    expect_error(cat, &in, AIF_ERANGE, "load factor");
    in.load_factor = NAN;
    in.wacc = 1.5;
    expect_error(cat, &in, AIF_ERANGE, "WACC must be in [0, 1]");
    in.wacc = -0.01;
    expect_error(cat, &in, AIF_ERANGE, "WACC must be in [0, 1]");
    in.wacc = NAN;
    in.it_life_years = 0;
    expect_error(cat, &in, AIF_ERANGE, "service lives");
    in.it_life_years = NAN;
    in.power_price_usd_per_mwh = -1;
    expect_error(cat, &in, AIF_ERANGE, "prices");
    in.power_price_usd_per_mwh = NAN;
    in.parts[0].it_power_kw = 0;
    expect_error(cat, &in, AIF_ERANGE, "IT power of 'gb200-nvl72'");
    in.parts[0].it_power_kw = NAN;
    in.amount = 1000; /* 1 kW: less than one rack */
    expect_error(cat, &in, AIF_ERANGE, "below one gb200-nvl72 system");
    in.amount = 1 * GW;
    in.parts[0].share = 0.5;
    assert_int_equal(aif_plan_input_add(&in, "vr-nvl144", 0.4), AIF_OK);
    expect_error(cat, &in, AIF_ERANGE, "mix shares must sum to 1, got 0.9");
    in.parts[1].share = NAN;
    expect_error(cat, &in, AIF_ERANGE, "share of 'vr-nvl144'");
    in.basis = AIF_PLAN_GPUS;
    in.amount = -5;
    expect_error(cat, &in, AIF_ERANGE, "GPU count must be a positive number");
    /* An empty catalog has no facility defaults: the error names the missing value. */
    aif_catalog *empty = NULL;
    assert_int_equal(aif_catalog_create(NULL, &empty), AIF_OK);
    aif_plan_input_init(&in);
    in.amount = 1 * GW;
    assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", NAN), AIF_OK);
    expect_error(empty, &in, AIF_ESTATE, "no value for pue");
    aif_catalog_destroy(empty);
    expect_error(NULL, &in, AIF_EINVAL, "no catalog");
    assert_int_equal(aif_plan_compute(cat, &in, NULL), AIF_EINVAL);
    for (int i = 1; i < AIF_PLAN_MAX_MIX; i++) {
        assert_int_equal(aif_plan_input_add(&in, "hgx-h100", 0.1), AIF_OK);
    }
    assert_int_equal(aif_plan_input_add(&in, "hgx-h100", 0.1), AIF_ERANGE);
    assert_int_equal(aif_plan_input_add(NULL, "x", 1), AIF_EINVAL);
}

/* The planner's own limits (AIF_PLAN_MAX_*, docs/plan.md): amounts beyond them, and results
 * that overflow from bounded inputs, are AIF_ERANGE with the limit named, so a library caller
 * never gets a count that is not an integer or a sum that is not finite. */
static void limits_are_refused(void **state) {
    const aif_catalog *cat = *state;
    aif_plan_input in;
    aif_plan_input_init(&in);
    assert_int_equal(aif_plan_input_add(&in, "gb200-nvl72", NAN), AIF_OK);
    in.amount = AIF_PLAN_MAX_POWER_W; /* 1 TW itself is a plan */
    aif_plan_result r;
    assert_int_equal(aif_plan_compute(cat, &in, &r), AIF_OK);
    assert_true(r.packages > 1e8 && r.packages <= AIF_PLAN_MAX_GPUS);
    in.amount = 1e308;
    expect_error(cat, &in, AIF_ERANGE, "power must be at most 1 TW");
    in.amount = INFINITY;
    expect_error(cat, &in, AIF_ERANGE, "power must be a positive number");
    in.basis = AIF_PLAN_GPUS;
    in.amount = AIF_PLAN_MAX_GPUS;
    assert_int_equal(aif_plan_compute(cat, &in, &r), AIF_OK);
    assert_true(isfinite(r.breakeven_usd_per_gpu_hour));
    in.amount = 1e308;
    expect_error(cat, &in, AIF_ERANGE, "GPU count must be at most 2^40");
    /* Bounded amount, unbounded result: a one-watt rack fills 1 TW with 1e12 racks. */
    in.basis = AIF_PLAN_FACILITY_POWER;
    in.amount = AIF_PLAN_MAX_POWER_W;
    in.parts[0].it_power_kw = 1e-3;
    expect_error(cat, &in, AIF_ERANGE, "more than the 2^40 the planner holds");
    in.parts[0].it_power_kw = NAN;
    in.parts[0].price_usd = 1e305; /* times 5.7 million racks: infinite capex */
    expect_error(cat, &in, AIF_ERANGE, "not finite");
    /* Finite, but more dollars than the JSON's 64-bit integers hold: 2^40 GPUs in racks
     * priced at the catalog's largest price, $1e9, is $1.5e19. */
    in.basis = AIF_PLAN_GPUS;
    in.amount = AIF_PLAN_MAX_GPUS;
    in.parts[0].price_usd = 1e9;
    expect_error(cat, &in, AIF_ERANGE, "above the $9e18 the planner holds");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ten_gw_gb200_is_four_to_five_million),
        cmocka_unit_test(ten_gw_vera_rubin_packages_and_dies),
        cmocka_unit_test(one_gw_year_power_cost),
        cmocka_unit_test(oracle_contract_gpu_hour),
        cmocka_unit_test(colossus_hundred_thousand_h100),
        cmocka_unit_test(round_trip_power_gpus_power),
        cmocka_unit_test(money_exact),
        cmocka_unit_test(bom_categories_sum_to_capex),
        cmocka_unit_test(gb200_gigawatt_capex_matches_anchors),
        cmocka_unit_test(wacc_capital_charge),
        cmocka_unit_test(system_bom_overrides_facility),
        cmocka_unit_test(assumptions_carry_provenance),
        cmocka_unit_test(mix_by_power_share),
        cmocka_unit_test(bad_inputs_are_one_line_errors),
        cmocka_unit_test(limits_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
