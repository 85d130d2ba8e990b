/* The capacity planner: what a given power buys (systems, packages, dies, FLOPS, memory)
 * and what it costs (capex, power, depreciation, break-even $/GPU-hour), or the reverse,
 * the power and money a given number of GPUs needs. Pure arithmetic over the catalog; no
 * allocation, no I/O, so the CLI and the scenario engine share it. Formulas and defaults
 * are in docs/plan.md.
 *
 * Counting rules: a "GPU" is a package (what vendors sell and price); dies are reported
 * next to it (Blackwell and Rubin packages hold two). Power is IT power at the rack plus a
 * non-rack IT overhead fraction (scale-out network, storage, management), times PUE for
 * facility power. Systems are whole: the forward plan rounds down (never exceeds the
 * power), the reverse plan rounds up (never short of the GPUs). */
#ifndef AIFACTORY_PLAN_H
#define AIFACTORY_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/catalog.h"
#include "aifactory/error.h"
#include "aifactory/status.h"

#define AIF_HOURS_PER_YEAR       8760.0 /* 365 days; power prices are quoted per such year */
#define AIF_PLAN_MAX_MIX         8
#define AIF_PLAN_MAX_ASSUMPTIONS (12 + 6 * AIF_PLAN_MAX_MIX)

/* The largest plan the model holds (docs/plan.md, "Limits"): 1 TW of power, 100 times the
 * largest build-outs discussed, and 2^40 GPUs. Under these every count stays an exact
 * integer in a double and in the int64 of the JSON output, and every dollar sum is finite;
 * aif_plan_compute refuses amounts and results beyond them with AIF_ERANGE. */
#define AIF_PLAN_MAX_POWER_W   1e12
#define AIF_PLAN_MAX_GPUS      1099511627776.0 /* 2^40 packages */
#define AIF_PLAN_MAX_CAPEX_USD 9e18            /* whole dollars fit the JSON's 64-bit integers */

/* The bill of materials (docs/plan.md, "Capex"). The categories of a plan sum to its
 * capex_usd. Accelerator systems and host CPUs are what the system's vendor sells (the
 * system price, split where the catalog gives the CPUs' part); the network is per package
 * (the vendor sells a fraction of it); mechanical and electrical and power distribution are
 * per facility MW. */
typedef enum aif_capex_category {
    AIF_CAPEX_ACCELERATORS, /* systems as sold, less their host CPUs */
    AIF_CAPEX_HOST_CPUS,
    AIF_CAPEX_NETWORK, /* scale-out: NICs, DPUs, switches, optics, cables */
    AIF_CAPEX_STORAGE,
    AIF_CAPEX_MECH_ELEC, /* building shell, cooling, generators, switchgear */
    AIF_CAPEX_POWER_DISTRIBUTION,
    AIF_CAPEX_CATEGORY_COUNT
} aif_capex_category;

/* The category's key in `plan --json` ("accelerators", "host_cpus", "network", "storage",
 * "mechanical_electrical", "power_distribution"); NULL out of range. */
const char *aif_capex_category_name(aif_capex_category c);

/* What the plan starts from. */
typedef enum aif_plan_basis {
    AIF_PLAN_FACILITY_POWER, /* amount = facility watts */
    AIF_PLAN_IT_POWER,       /* amount = IT watts (before PUE) */
    AIF_PLAN_GPUS            /* amount = packages wanted */
} aif_plan_basis;

/* Which end of the catalog range for system IT power to plan with. */
typedef enum aif_plan_case {
    AIF_PLAN_CASE_DEFAULT,
    AIF_PLAN_CASE_LOW,
    AIF_PLAN_CASE_HIGH
} aif_plan_case;

/* One system of the mix. `share` is its share of the power (the shares of a mix sum to 1; a
 * single system may leave it NAN). `it_power_kw` and `price_usd` override the catalog when
 * not NAN. `system_id` is borrowed. */
typedef struct aif_plan_part {
    const char *system_id;
    double share;
    double it_power_kw;
    double price_usd;
} aif_plan_part;

/* Every double left NAN takes the catalog's facility default (load_factor: 1.0). */
typedef struct aif_plan_input {
    aif_plan_basis basis;
    double amount;
    aif_plan_part parts[AIF_PLAN_MAX_MIX];
    size_t part_count;
    aif_plan_case power_case;
    double pue;
    double overhead_fraction;
    double power_price_usd_per_mwh;
    double load_factor; /* average power draw / peak, also the share of hours sold */
    double it_life_years;
    double facility_life_years;
    double capex_usd_per_mw; /* mechanical and electrical per facility MW */
    double wacc;             /* cost of capital per year, in [0, 1] */
} aif_plan_input;

/* An input value the plan used and where it came from: "user", "default", or the catalog
 * source (with its confidence, 0 for the other two). */
typedef struct aif_plan_assumption {
    char name[64]; /* e.g. "pue", "gb200-nvl72.it_power_kw" */
    const char *unit;
    double value;
    const char *origin; /* borrowed from the catalog or a string literal */
    char confidence;
} aif_plan_assumption;

typedef struct aif_plan_line {
    const aif_system *system;
    double share;
    double it_power_kw;         /* per system, as used */
    double price_usd;           /* per system, as used */
    double host_cpu_usd;        /* the CPUs' part of price_usd (0: not split) */
    double network_usd_per_gpu; /* as used: the system's, else the facility default */
    double storage_usd_per_gpu;
    double systems;
    double packages;
    double dies;
    double it_mw; /* drawn by these systems, overhead included */
} aif_plan_line;

typedef struct aif_plan_result {
    double facility_mw;       /* the budget (power basis) or what the GPUs need (GPU basis) */
    double it_mw;             /* facility_mw / pue */
    double facility_mw_drawn; /* drawn by the whole systems at full load */
    double racks;             /* systems (racks or 8-GPU nodes) */
    double packages;
    double dies;
    double extra_packages;              /* second package type (Rubin CPX), not counted as GPUs */
    double peak_pflops[AIF_PREC_COUNT]; /* dense; from packages that support the precision */
    bool has_peak[AIF_PREC_COUNT];      /* false when no package of the mix supports it */
    double hbm_tb;
    /* Capex in whole dollars: the categories sum to capex_usd (exactly up to 2^53 dollars,
     * to a double's rounding above; `plan --json` sums them as 64-bit integers). */
    double capex_usd;
    double capex_by_category_usd[AIF_CAPEX_CATEGORY_COUNT];
    double capex_vendor_usd;   /* systems + the vendor's part of the network */
    double capex_systems_usd;  /* systems as sold (accelerators + host CPUs) */
    double capex_it_usd;       /* systems + network + storage: the IT life's share */
    double capex_facility_usd; /* mechanical and electrical + power distribution */
    double energy_mwh_per_year;
    double power_cost_usd_per_year;
    double depreciation_usd_per_year; /* straight line over the service lives, no return */
    double wacc;
    /* Capex as a level annual payment over each service life at the WACC (capital
     * recovery factor); equals depreciation at a WACC of 0. */
    double capital_charge_usd_per_year;
    double breakeven_usd_per_gpu_hour;           /* (capital charge + power) / GPU-hours sold */
    double breakeven_no_return_usd_per_gpu_hour; /* (depreciation + power) / GPU-hours */
    size_t line_count;
    aif_plan_line lines[AIF_PLAN_MAX_MIX];
    size_t assumption_count;
    aif_plan_assumption assumptions[AIF_PLAN_MAX_ASSUMPTIONS];
    aif_error error; /* why a call failed (one line in .message); zeroed on success */
} aif_plan_result;

/* Set every override to NAN, basis to facility power, amount 0, no parts. */
void aif_plan_input_init(aif_plan_input *in);

/* Append a system with its power share (NAN for a single system). Errors: AIF_EINVAL (NULL
 * arguments), AIF_ERANGE (more than AIF_PLAN_MAX_MIX parts). */
aif_status aif_plan_input_add(aif_plan_input *in, const char *system_id, double share);

/* Compute the plan. `out` is fully overwritten. Errors (recorded in out->error): AIF_EINVAL
 * (NULL arguments), AIF_ENOTFOUND (unknown system id; the message suggests the nearest
 * ids), AIF_ERANGE (amount <= 0, not finite, above AIF_PLAN_MAX_POWER_W or
 * AIF_PLAN_MAX_GPUS; a forward plan of more than AIF_PLAN_MAX_GPUS packages or totals
 * that are not finite, e.g. from a tiny per-system power or a huge price; PUE < 1, overhead outside
 * [0, 1], load factor outside (0, 1], life <= 0, negative price, shares outside (0, 1] or not
 * summing to 1 within 1e-6, no parts, WACC outside [0, 1], host CPUs above the system price,
 * capex above AIF_PLAN_MAX_CAPEX_USD), AIF_ESTATE (a value neither given nor in the catalog). Cost
 * O(parts); no allocation. */
aif_status aif_plan_compute(const aif_catalog *cat, const aif_plan_input *in, aif_plan_result *out);

/* A take-or-pay cloud contract priced against a plan: `total_usd` over `years` for the
 * plan's GPUs, sold `utilization` of the hours (1.0 = every hour). */
typedef struct aif_contract_result {
    double usd_per_year;
    double usd_per_mw_year; /* per facility MW */
    double gpu_hours_per_year;
    double usd_per_gpu_hour;
} aif_contract_result;

/* Errors: AIF_EINVAL (NULL), AIF_ERANGE (total < 0, years <= 0, utilization outside (0, 1],
 * a plan with no packages). O(1). */
aif_status aif_plan_contract(const aif_plan_result *plan, double total_usd, double years,
                             double utilization, aif_contract_result *out);

/* Facility capex (mechanical and electrical + power distribution) of `facility_mw`, with
 * `mech_elec_usd_per_mw` instead of the catalog's when it is > 0: what the fleet books for
 * a block whose scenario sets its own facility $/MW. NAN when the catalog lacks a value. */
double aif_plan_facility_capex_usd(const aif_catalog *cat, double facility_mw,
                                   double mech_elec_usd_per_mw);

/* Capital recovery factor: the level annual payment, per dollar of capex, that repays it
 * over `years` at `rate` per year (1 / years at a rate of 0). NAN for years <= 0 or a
 * rate < 0. O(1). */
double aif_plan_capital_recovery_factor(double rate, double years);

/* Cost of running `mw` for a year at `load_factor` and `usd_per_mwh`. O(1). */
double aif_plan_energy_cost_usd_per_year(double mw, double load_factor, double usd_per_mwh);

#endif
