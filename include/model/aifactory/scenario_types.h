/* The scenario's sections as plain value types: the simulated period, providers, sites
 * and their build-out, contracts, investments, inference demand, training, failures and
 * economics. They are the model's vocabulary (demand.h and contracts.h read them, the fleet
 * runtime composes them); io's scenario reader (scenario.h) fills them from a file.
 *
 * Units are in the field names (_w, _usd, _s, ...); an aif_time field is a date (relative
 * to t = 0, midnight UTC of simulation.start) when its name says `at`, `from`, `to`,
 * `start` or `deadline`, and a duration otherwise. Every reference is an index into the
 * scenario's arrays. */
#ifndef AIFACTORY_SCENARIO_TYPES_H
#define AIFACTORY_SCENARIO_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/catalog.h"
#include "aifactory/dist.h"
#include "aifactory/models.h"
#include "aifactory/precision.h"
#include "aifactory/time.h"

/* "No index": an optional reference that is absent (e.g. a frontier run with no site
 * constraint). */
#define AIF_SCENARIO_NONE ((size_t)-1)

/* ---- limits ----
 * The ranges a scenario's values may take, so that every value `validate` accepts is one
 * `run` holds: simulated times are int64 ns (about 292 years in all) and a date plus two
 * durations must stay inside them; money is int64 cents; a research job's GPU count is 32
 * bits; the engine steps every hour and keeps every waiting research job in memory. Each is
 * far beyond any real plan (the default runs 10 GW, 800k-GPU runs of 1e28 FLOP, 5 years).
 * The binder refuses a value beyond a limit at its file:line:col, naming the key, the value
 * and the limit; docs/scenario.md ("Limits") lists them. */
#define AIF_SCENARIO_YEAR_MIN           1970 /* every date is in [1970, 2100] */
#define AIF_SCENARIO_YEAR_MAX           2100
#define AIF_SCENARIO_SPAN_MAX_YEARS     100 /* simulation.end - simulation.start */
#define AIF_SCENARIO_DURATION_MAX_YEARS 50  /* every duration (lead time, life, term, ...) */
/* The repair ring holds one slot per hour of repair for every (site, type) cell. */
#define AIF_SCENARIO_REPAIR_MAX_DAYS 365
#define AIF_SCENARIO_POWER_MAX_W     1e12 /* any power value: 1 TW, 100 x a 10 GW plan */
/* Any amount of money: $100 trillion (a ledger entry holds at most 9e16 cents). */
#define AIF_SCENARIO_USD_MAX              1e14
#define AIF_SCENARIO_USD_PER_GPU_HOUR_MAX 1e3 /* rental and ROFR prices */
#define AIF_SCENARIO_USD_PER_MW_MAX       1e8 /* facility capex: a 1 TW block stays $1e14 */
#define AIF_SCENARIO_USD_PER_MWH_MAX      1e4 /* energy price */
/* Revenue a month (tokens at the peak rate x the price per million, plus subscribers): the
 * ledger sums months in int64 cents, so 100 years of such months stay below 9.2e18 cents. */
#define AIF_SCENARIO_USD_PER_MONTH_MAX 1e13
#define AIF_SCENARIO_FLOP_MAX          1e35            /* a frontier run's compute and triggers */
#define AIF_SCENARIO_GPUS_MAX          1099511627776.0 /* 2^40 packages, as the planner */
#define AIF_SCENARIO_JOB_GPUS_MAX      1073741824.0    /* 2^30: a research job's max_gpus */
#define AIF_SCENARIO_USERS_MAX         1e11            /* weekly users (12x the world's people) */
#define AIF_SCENARIO_TOKENS_MAX        1e18            /* any token count (per prompt, per run) */
/* Peak inference demand (users x daily share x prompts x tokens at the busiest hour of
 * the week) and API demand at the end of the period, each in tokens per second: 1e15 is
 * a million times the largest served today. */
#define AIF_SCENARIO_TOKENS_PER_S_MAX 1e15
/* research arrivals_per_day x the span in days: every waiting job is held in memory (the
 * default scenario draws 1.2e7). */
#define AIF_SCENARIO_RESEARCH_JOBS_MAX 5e7
/* interruptions_per_gpu_year x the largest frontier run's GPUs x the span in years: each
 * interruption of a run is an event (the default draws about 7e5). */
#define AIF_SCENARIO_RUN_INTERRUPTIONS_MAX 5e7
/* economics.wacc when the scenario gives none: 10% a year (docs/sources.md S2 rows 30-31:
 * above US sector costs of capital, at the low end of what GPU-backed credit costs). */
#define AIF_SCENARIO_DEFAULT_WACC 0.10

/* ---- simulation ---- */
typedef struct aif_scenario_simulation {
    aif_date start_date;  /* t = 0 is midnight UTC of this day */
    aif_date end_date;    /* exclusive: the run stops at its midnight */
    aif_time end;         /* end_date relative to start_date; > 0 */
    uint64_t seed;        /* default 1 */
    aif_time demand_step; /* demand resolution; default 1 h */
} aif_scenario_simulation;

/* ---- providers ---- */
typedef enum aif_provider_kind {
    AIF_PROVIDER_OWN,     /* we build and pay capex */
    AIF_PROVIDER_CLOUD,   /* we rent: per GPU-hour or a committed amount (take-or-pay) */
    AIF_PROVIDER_PARTNER, /* built for us, financed by a vendor deal */
    AIF_PROVIDER_KIND_COUNT
} aif_provider_kind;

typedef struct aif_scenario_provider {
    const char *id;
    const char *name; /* defaults to id */
    aif_provider_kind kind;
    /* Rental price for cloud providers when no commitment sets one; 0 when not given. */
    double price_usd_per_gpu_hour;
    /* Lead time from a procurement request to the first block online; default 1 year. */
    aif_time lead_time;
} aif_scenario_provider;

/* ---- sites, phases, blocks ---- */
typedef enum aif_power_basis {
    AIF_POWER_FACILITY, /* the figure includes PUE (grid power) */
    AIF_POWER_IT        /* critical IT power; facility = IT x PUE */
} aif_power_basis;

/* One block (a hall or building) of a phase: it comes online at `online`, retires at
 * `retire` (AIF_TIME_MAX when beyond any time), and carries `power_w` on the phase's basis. */
typedef struct aif_scenario_block {
    aif_time online;
    aif_time retire;
    double power_w;
} aif_scenario_block;

typedef struct aif_scenario_phase {
    const char *name;            /* defaults to "<site>.<index>" */
    const char *system_id;       /* catalog system id */
    const aif_system *system;    /* resolved in the scenario's catalog */
    double power_w;              /* total power of the phase, > 0 */
    aif_power_basis power_basis; /* default facility */
    double pue;                  /* 0: the catalog facility default */
    aif_time ready_at;           /* first block online */
    /* Ramp: power added per quarter (1/4 Julian year) from ready_at; 0 = no ramp, blocks
     * follow block_interval instead. */
    double ramp_w_per_quarter;
    double block_w;          /* block size; default power_w (a single block) */
    aif_time block_interval; /* between blocks when there is no ramp; default 0 */
    aif_time service_life;   /* IT life; default the catalog's it_life_years */
    aif_time retire_at;      /* explicit retirement date; AIF_TIME_MAX = use service_life */
    /* The expanded schedule: ceil(power_w / block_w) blocks in online order, the last one
     * possibly smaller; each retires at min(online + service_life, retire_at). */
    const aif_scenario_block *blocks;
    size_t block_count;
    int line, col; /* where the phase is defined, for messages */
} aif_scenario_phase;

typedef struct aif_scenario_site {
    const char *id;
    const char *name;     /* defaults to id */
    const char *location; /* free text; NULL when not given */
    size_t provider;      /* index into providers */
    const aif_scenario_phase *phases;
    size_t phase_count;
    /* When the site's capacity was decided (the deal signed): a ROFR whose window holds
     * this date is offered the site first (its holder may take it over). AIF_TIME_MIN when
     * not given: the site is no capacity decision of the scenario's period. */
    aif_time decided_at;
} aif_scenario_site;

/* ---- contracts ---- */
/* A committed spend with a provider: `total_usd` over [start_at, start_at + term). When
 * take_or_pay, the total is owed whatever the use. capacity_w and the price are optional
 * (0 when not given); when two of total, capacity and price are known the binder does not
 * derive the third: the engine does, with the catalog's power per package. */
typedef struct aif_scenario_commitment {
    const char *name;
    size_t provider;
    double total_usd;
    aif_time start_at;
    aif_time term;
    double capacity_w;
    double price_usd_per_gpu_hour;
    bool take_or_pay; /* default true */
    /* A take-or-pay floor buys GPU-hours at the price: the engine refuses a commitment whose
     * floor inside the period pays for more GPU-hours than its provider's sites offer in
     * its term, unless this is set (paying for capacity that is not modelled). */
    bool allow_unbacked;
} aif_scenario_commitment;

typedef enum aif_rofr_rule {
    AIF_ROFR_ALWAYS,        /* the holder takes every offer */
    AIF_ROFR_NEVER,         /* the holder declines every offer (it only delays) */
    AIF_ROFR_PROBABILITY,   /* accepts with `probability`, drawn per offer */
    AIF_ROFR_PRICE_AT_MOST, /* accepts when its price <= max_price_usd_per_gpu_hour */
    AIF_ROFR_RULE_COUNT
} aif_rofr_rule;

/* Right of first refusal: new capacity requested in [from, to) is offered to `holder`
 * first. */
typedef struct aif_scenario_rofr {
    const char *name;
    size_t holder; /* index into providers */
    aif_time from;
    aif_time to;
    aif_rofr_rule rule;
    double probability;                /* AIF_ROFR_PROBABILITY, in [0, 1] */
    double max_price_usd_per_gpu_hour; /* AIF_ROFR_PRICE_AT_MOST */
    double price_usd_per_gpu_hour;     /* the holder's price; 0 = its provider price */
} aif_scenario_rofr;

/* Preferred partners for new capacity, best first, in force over [from, to). */
typedef struct aif_scenario_preference {
    const size_t *providers; /* indices into providers */
    size_t provider_count;
    aif_time from;
    aif_time to; /* AIF_TIME_MAX when open-ended */
} aif_scenario_preference;

typedef enum aif_trigger_kind {
    AIF_TRIGGER_DATE,    /* fires at `at` */
    AIF_TRIGGER_COMPUTE, /* fires when cumulative training compute reaches `compute_flop` */
    AIF_TRIGGER_KIND_COUNT
} aif_trigger_kind;

/* A named event other terms refer to (the "AGI clause" is one). */
typedef struct aif_scenario_trigger {
    const char *name;
    aif_trigger_kind kind;
    aif_time at;
    double compute_flop;
} aif_scenario_trigger;

/* `fraction` of revenue goes to `partner` from `from` until `to` or until `until_trigger`
 * fires, whichever comes first. */
typedef struct aif_scenario_revenue_share {
    const char *name;
    size_t partner;  /* index into providers */
    double fraction; /* in [0, 1] */
    aif_time from;
    aif_time to;          /* AIF_TIME_MAX when open-ended */
    size_t until_trigger; /* index into triggers, or AIF_SCENARIO_NONE */
} aif_scenario_revenue_share;

/* Procurement beyond the contracted sites: when the forecast peak-hour inference demand one
 * planning horizon ahead exceeds what the fleet can serve (divided by threshold), one block
 * of `block_w` of `system_id` is ordered from the ROFR holder, preferred partner or
 * cheapest quote, until `cap_w` of facility power has been ordered. Absent or disabled:
 * no capacity beyond the sites. */
typedef struct aif_scenario_procurement {
    bool enabled;
    double cap_w;          /* facility power ordered over the run, at most */
    const char *system_id; /* default vr-nvl144 */
    double block_w;        /* default 500 MW */
    double threshold;      /* default 1 */
} aif_scenario_procurement;

typedef struct aif_scenario_contracts {
    const aif_scenario_commitment *commitments;
    size_t commitment_count;
    const aif_scenario_rofr *rofrs; /* sorted by `from` */
    size_t rofr_count;
    const aif_scenario_preference *preferences; /* sorted by `from` */
    size_t preference_count;
    const aif_scenario_trigger *triggers;
    size_t trigger_count;
    const aif_scenario_revenue_share *revenue_shares;
    size_t revenue_share_count;
    aif_scenario_procurement procurement;
} aif_scenario_contracts;

/* ---- investments ---- */
/* `amount_usd` is paid each time one more `step_w` of systems whose package vendor is
 * `vendor` (catalog vendor id, e.g. "nvidia") is online, on `power_basis`, counting from
 * `from`, until `cap_usd` has been paid. */
typedef struct aif_scenario_tranche {
    const char *name;
    const char *investor; /* free text, e.g. "Nvidia" */
    const char *vendor;
    double amount_usd;
    double step_w;
    double cap_usd;
    aif_power_basis power_basis; /* default facility */
    aif_time from;               /* only blocks online at or after this count; default 0 */
    size_t provider;             /* only this provider's sites count; AIF_SCENARIO_NONE: all */
} aif_scenario_tranche;

/* Warrants: `shares_per_step` vest each time one more `step_w` of `vendor` systems is online,
 * up to `shares_total`; valued at share_price_usd - strike_usd_per_share. */
typedef struct aif_scenario_warrant {
    const char *name;
    const char *issuer;
    const char *vendor;
    double shares_total;
    double shares_per_step;
    double step_w;
    double strike_usd_per_share;
    double share_price_usd; /* 0 when not given: shares are counted, not valued */
    size_t provider;        /* only this provider's sites count; AIF_SCENARIO_NONE: all */
} aif_scenario_warrant;

typedef struct aif_scenario_equity_round {
    const char *name;
    const char *investor;
    double amount_usd;
    aif_time at;
} aif_scenario_equity_round;

typedef struct aif_scenario_investments {
    const aif_scenario_tranche *tranches;
    size_t tranche_count;
    const aif_scenario_warrant *warrants;
    size_t warrant_count;
    const aif_scenario_equity_round *equity_rounds; /* sorted by `at` */
    size_t equity_round_count;
} aif_scenario_investments;

/* ---- demand ---- */
typedef enum aif_wau_model {
    AIF_WAU_POINTS,  /* piecewise-linear through points, constant beyond the ends */
    AIF_WAU_LOGISTIC /* cap / (1 + exp(-rate (t - midpoint))) */
} aif_wau_model;

typedef struct aif_scenario_point {
    aif_time at;
    double value;
} aif_scenario_point;

typedef enum aif_latency_class {
    AIF_LATENCY_SERVER,      /* MLPerf server-style: throughput under a loose TTFT/TPOT */
    AIF_LATENCY_INTERACTIVE, /* tight TTFT/TPOT (e.g. 450 ms / 40 ms) */
    AIF_LATENCY_OFFLINE,     /* batch: no latency target */
    AIF_LATENCY_CLASS_COUNT
} aif_latency_class;

typedef struct aif_scenario_model_class {
    const char *name;
    const char *model_id; /* models.h id */
    const aif_model_spec *model;
    double share;         /* of prompts; the shares sum to 1 (within 1e-6) */
    double input_tokens;  /* per prompt */
    double output_tokens; /* per prompt */
    aif_latency_class latency;
    aif_precision precision; /* serving precision; default fp8 */
    /* The class's own p99 limits in seconds, for goodput sizing (0: its latency class's,
     * aif_demand_latency_target); only server and interactive classes take them. */
    double ttft_p99_s, tpot_p99_s;
    /* Served by separate prefill and decode pools (goodput sizing only): the best of the
     * splits in aif_demand_serve_goodput instead of colocated replicas. */
    bool disaggregated;
} aif_scenario_model_class;

/* How the fleet sizes a latency class's serving GPUs (docs/run.md "Inference sizing"). */
typedef enum aif_inference_sizing {
    AIF_SIZING_CLOSED_FORM, /* the closed-form steady state of aif_perf_infer (default) */
    AIF_SIZING_GOODPUT,     /* the serving simulator's goodput at the class's latency target */
    AIF_SIZING_COUNT
} aif_inference_sizing;

typedef struct aif_scenario_inference {
    bool present; /* false when the file has no demand.inference */
    aif_wau_model wau_model;
    const aif_scenario_point *wau_points; /* users; sorted by `at`, strictly increasing */
    size_t wau_point_count;
    double logistic_cap_users;
    aif_time logistic_midpoint_at;
    double logistic_rate_per_year;
    double dau_per_wau;     /* in (0, 1]; default 0.4 */
    double prompts_per_dau; /* > 0 */
    /* Share of a serving GPU's throughput at its latency target (as `sizing` measures it)
     * that the fleet's serving capacity delivers over an hour, in [0.01, 1]; default 1.
     * Below 1 the serving pool holds GPUs for what the sizing leaves out (sub-hour bursts,
     * redundancy), which research cannot borrow. 0 (an input built in code that never set
     * it) counts as 1. */
    double serving_utilization;
    aif_inference_sizing sizing; /* default (and 0) closed-form */
    const aif_scenario_model_class *classes;
    size_t class_count;
    double diurnal[24]; /* hourly weights (UTC hour), normalized to mean 1 */
    double weekly[7];   /* Monday..Sunday weights, normalized to mean 1 */
    /* API traffic: tokens_per_s at api_at, multiplied by api_growth_per_year each year. */
    double api_tokens_per_s;
    aif_time api_at;
    double api_growth_per_year; /* factor, > 0; default 1 */
    size_t api_class;           /* index into classes, or AIF_SCENARIO_NONE */
} aif_scenario_inference;

typedef struct aif_scenario_frontier_run {
    const char *name;
    const char *model_id; /* NULL when the run is given by compute_flop only */
    const aif_model_spec *model;
    double tokens;              /* with a model: training tokens (compute = 6 N D) */
    double compute_flop;        /* > 0; derived from model and tokens when not given */
    aif_precision precision;    /* default bf16 */
    double gpus;                /* packages wanted */
    aif_time earliest_start_at; /* default 0 */
    aif_time deadline_at;       /* AIF_TIME_MAX when none */
    size_t site;                /* index into sites, or AIF_SCENARIO_NONE */
} aif_scenario_frontier_run;

typedef struct aif_scenario_research {
    bool present;
    double arrivals_per_day;
    aif_dist gpus;               /* packages per job */
    aif_dist duration_s;         /* seconds per job at full speed */
    double max_gpus;             /* samples are clamped to [1, max_gpus] */
    const char *trace_file;      /* NULL, or a path relative to the scenario file's directory */
    double trace_scale;          /* arrival multiplier for the trace; default 1 */
    double preemptible_fraction; /* default 1 */
    /* Elastic research: the share of the fleet's GPUs (online, each hour) that R&D, the
     * frontier runs and research together, may hold. Research jobs run on what inference and
     * frontier runs leave, up to that share, and GPUs of that pool the jobs leave idle run
     * preemptible background research (sweeps, evaluations) that yields at once to any job.
     * 0 (default): no budget, no background research; jobs use all that is left. */
    double budget_share;
} aif_scenario_research;

typedef struct aif_scenario_training {
    const aif_scenario_frontier_run *frontier_runs; /* sorted by earliest_start_at */
    size_t frontier_run_count;
    aif_scenario_research research;
} aif_scenario_training;

/* ---- failures ---- */
typedef struct aif_scenario_failures {
    double interruptions_per_gpu_year; /* default 0.17 (Llama 3) */
    double hardware_fraction;          /* needing a repair; default 0.587 (Llama 3) */
    aif_time repair_time;              /* default 3 days */
    aif_time checkpoint_interval;      /* 0 (default): Young's sqrt(2 x cost x MTBI) per run */
    aif_time checkpoint_cost;          /* training time one checkpoint blocks; default 30 s */
    aif_time restart_cost;             /* default 10 min */
} aif_scenario_failures;

/* ---- economics ---- */
typedef struct aif_scenario_economics {
    const aif_scenario_point *power_price; /* USD per MWh over time; step function */
    size_t power_price_count;              /* default: one point, the catalog price */
    double capex_usd_per_mw;               /* facility; 0 = catalog default */
    double it_life_years;                  /* depreciation; 0 = catalog default */
    double facility_life_years;            /* 0 = catalog default */
    double revenue_usd_per_mtok;           /* per million tokens served; default 0 */
    double subscription_usd_per_month;     /* per paying subscriber; default 0 */
    double paying_fraction;                /* of WAU; default 0 */
    double wacc; /* cost of capital per year, 0..1, discounts the NPV; default 0.10 */
} aif_scenario_economics;

/* Names for enums ("own", "facility", "probability", "interactive", ...); "unknown" outside
 * the enum. Never NULL. */
const char *aif_provider_kind_name(aif_provider_kind k);
const char *aif_rofr_rule_name(aif_rofr_rule r);
const char *aif_latency_class_name(aif_latency_class c);

#endif
