/* The fleet engine behind `aifactory run`: a deterministic discrete-event simulation of a
 * multi-provider AI fleet over years, with its build-out, procurement and contracts, money,
 * hourly inference demand, frontier training under failures and research jobs.
 *
 * Input is the bound scenario's sections (scenario.h structs, transparent, so tests and the
 * scenario loader fill them) plus a few engine options. One aif_sim entity handles
 * every event: blocks online/retired, hourly demand ticks (allocation: frontier runs hold
 * their reservations, inference takes what it needs with priority, research jobs fill the
 * rest in the order of a fifo or sjf policy and are preempted first), monthly money ticks
 * (power, depreciation, cloud take-or-pay, revenue, revenue shares to partners),
 * frontier-run interruptions and completions, triggers (a date or cumulative training
 * compute), procurement orders and deliveries, tranche/warrant milestones and equity
 * rounds. Capacity and failures are counted in racks (whole systems) per site and system
 * type; fleet hardware failures are drawn per hour per cell and keep racks in repair.
 * Same input + seed => identical results.
 * See docs/run.md for the model and its documented gaps. */
#ifndef AIFACTORY_FLEET_H
#define AIFACTORY_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/buildout.h"
#include "aifactory/catalog.h"
#include "aifactory/error.h"
#include "aifactory/ledger.h"
#include "aifactory/record.h"
#include "aifactory/scenario_types.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

/* Engine knobs the scenario schema does not (yet) carry. */
typedef struct aif_fleet_options {
    /* Daily: order one block when the peak-hour inference demand forecast one planning
     * horizon ahead (the longest provider lead time), divided by the threshold, exceeds
     * what the fleet expected then (scheduled + ordered blocks, less repairs and frontier
     * runs) can serve: 1.0 orders at any shortfall, 0.8 keeps 25% headroom. */
    double procure_threshold;
    double procure_block_w;        /* facility power of one procured block */
    const char *procure_system_id; /* system of procured blocks */
    int max_orders;                /* cap on procurement orders over the run */
    /* Policy of the research jobs: any name from sched.h (NULL = "fifo"), run through a
     * scheduling session (session.h); see docs/run.md. */
    const char *research_policy;
    /* Facility draw of an idle GPU (with its share of host, network and cooling) as a
     * fraction of its draw at full load; busy GPUs (inference, training, research) draw
     * all of it. Billing and the drawn-power series follow the hour's busy share
     * (docs/run.md "Power by load"). In [0, 1]; 1 bills every GPU at full load. */
    double idle_power_fraction;
} aif_fleet_options;

/* The default idle fraction: an idle accelerator draws ~14% of its loaded power (H200:
 * 80 W idle against 593 W serving), and the rest of the node (CPUs, memory, NICs,
 * switches, fans and pumps) keeps about half its loaded draw (ASSUMPTION); at the
 * accelerators' ~70% of a node's IT power that gives 0.7 x 0.14 + 0.3 x 0.5 = 0.25
 * (docs/sources.md S3 rows 30, 32; docs/run.md "Power by load"). */
#define AIF_FLEET_IDLE_POWER_FRACTION 0.25

/* threshold 1.0, 500 MW blocks of vr-nvl144, at most 40 orders, research policy fifo,
 * idle power fraction AIF_FLEET_IDLE_POWER_FRACTION. */
void aif_fleet_options_default(aif_fleet_options *o);

/* Everything a run reads; every pointer is borrowed until aif_fleet_destroy. */
typedef struct aif_fleet_input {
    const char *name;
    const aif_catalog *catalog;
    aif_scenario_simulation simulation;
    const aif_scenario_provider *providers;
    size_t provider_count;
    const aif_scenario_site *sites;
    size_t site_count;
    aif_scenario_contracts contracts;
    aif_scenario_investments investments;
    aif_scenario_inference inference;
    aif_scenario_training training;
    aif_scenario_failures failures;
    aif_scenario_economics economics;
    aif_fleet_options options;
} aif_fleet_input;

typedef enum aif_fleet_event_kind {
    AIF_FEV_BLOCK_ONLINE,
    AIF_FEV_BLOCK_RETIRED,
    AIF_FEV_OFFER,           /* a = offer kind (aif_offer_kind), b = price, accepted in c */
    AIF_FEV_ORDER,           /* provider chosen, a = block index to come, b = facility W */
    AIF_FEV_TRANCHE,         /* a = tranche index, b = USD */
    AIF_FEV_WARRANT,         /* a = warrant index, b = shares vested */
    AIF_FEV_EQUITY,          /* a = round index, b = USD */
    AIF_FEV_RUN_START,       /* a = run index, b = GPUs, site in c */
    AIF_FEV_RUN_FAILURE,     /* a = run index, b = work lost in s */
    AIF_FEV_RUN_FINISH,      /* a = run index, b = wall days */
    AIF_FEV_ROFR_END,        /* a = ROFR index */
    AIF_FEV_RUN_NO_PROGRESS, /* a = run index, b = closed-form goodput; never started */
    AIF_FEV_TRIGGER,         /* a = trigger index, b = cumulative training FLOP, c = kind */
    AIF_FEV_KIND_COUNT
} aif_fleet_event_kind;

/* "block_online", "offer", ... ("?" outside the enum). */
const char *aif_fleet_event_kind_name(aif_fleet_event_kind k);

typedef struct aif_fleet_event {
    aif_time time;
    uint32_t kind;    /* aif_fleet_event_kind */
    int32_t provider; /* -1 when none */
    int64_t a;
    double b;
    int64_t c;
} aif_fleet_event;

/* One row per simulated day (UTC). GPU-hours are package-hours. */
typedef struct aif_fleet_day {
    aif_time time;     /* midnight */
    double facility_w; /* online at the end of the day */
    int64_t packages;  /* online at the end of the day */
    int64_t dies;
    double gpu_hours[5]; /* inference, training, research, idle, failed */
    double tokens_demanded;
    double tokens_served;
    double peak_inference_gpus;
    double procured_w;      /* facility W of procured blocks online at the end of the day (the
                               rest of facility_w is contracted) */
    double billed_energy_j; /* facility energy drawn by own/partner blocks at load */
} aif_fleet_day;

enum { AIF_USE_INFERENCE, AIF_USE_TRAINING, AIF_USE_RESEARCH, AIF_USE_IDLE, AIF_USE_FAILED };

/* A frontier run's outcome. */
typedef struct aif_fleet_run_result {
    const char *name;
    int32_t site; /* -1 while never started */
    aif_time start;
    aif_time finish; /* AIF_TIME_MAX when it did not finish in the period */
    double gpus;
    double work_s;
    long interruptions;
    double lost_s;
    double down_s;
    /* Closed-form goodput (aif_train_expected) of useful work, checkpoint time excluded, on
     * the system it runs on (before it starts: the least reliable of the fleet). Below
     * AIF_FLEET_MIN_GOODPUT the run cannot make progress: it is never started (no_progress
     * set, one AIF_FEV_RUN_NO_PROGRESS event) instead of restarting forever. */
    double expected_goodput;
    double checkpoint_s; /* work between checkpoints (Young's optimum unless the scenario
                            fixes it); 0 until started */
    bool no_progress;
} aif_fleet_run_result;

/* The closed-form goodput below which a frontier run is reported as unable to progress. */
#define AIF_FLEET_MIN_GOODPUT 0.01

typedef struct aif_fleet_summary {
    double peak_facility_w;
    int64_t peak_packages;
    int64_t peak_dies;
    double gpu_hours[5];
    double inference_served_fraction; /* tokens served / demanded */
    long training_runs_completed;
    long training_runs_no_progress; /* runs never started: goodput < AIF_FLEET_MIN_GOODPUT */
    long tranches_paid;
    double vendor_investment_usd;
    double capex_usd;
    double opex_usd; /* power + cloud */
    double power_usd;
    double cloud_payments_usd;
    double revenue_usd;
    double equity_usd;
    double warrants_usd;
    double depreciation_usd;
    double cash_usd;
    double energy_mwh;
    long rofr_offers;
    long rofr_accepted;
    long orders;
    long research_jobs_done;
    long research_preemptions; /* research jobs stopped: GPUs taken back, or by the policy */
    /* Cumulative training compute (FLOP): frontier runs count their compute_flop when they
     * finish; research counts each hour's GPU-hours at peak x the perf model's MFU once the hour
     * ends. */
    double frontier_compute_flop;
    double research_compute_flop;
    long triggers_fired;
    double revenue_share_usd; /* revenue paid to partners (ledger kind revenue_share) */
    /* Nominal facility W of the blocks that came online in the period, by origin
     * (aif_block.origin): the scenario's sites (contracted) and procurement orders. */
    double contracted_facility_w;
    double procured_facility_w;
    /* Research GPU-hours of background research (the research budget's pool the jobs left
     * idle); included in gpu_hours[AIF_USE_RESEARCH]. */
    double research_background_gpu_hours;
    long site_offers; /* offers of a site's capacity to a ROFR holder (decided in its window) */
    long site_offers_accepted;
    uint64_t events;
    uint64_t trace_hash;
} aif_fleet_summary;

typedef struct aif_fleet aif_fleet;

/* Build the model of `in` (borrowed until destroy): expand the build-out through the
 * planner, resolve hardware for the performance model, and schedule the initial events.
 * Errors (recorded on `err`, which may be NULL, with a message saying what; cleared on
 * success): AIF_EINVAL (NULL, missing catalog, end <= 0, bad option), AIF_ENOTFOUND
 * (unknown system), AIF_ERANGE, AIF_ENOMEM. *out untouched on error and nothing leaked. Cost
 * O(blocks log blocks + phases x planner). */
aif_status aif_fleet_create(const aif_allocator *a, const aif_fleet_input *in, aif_fleet **out,
                            aif_error *err);

/* Observer for progress: called every `every` events with the simulated time. */
typedef void (*aif_fleet_observer)(void *ctx, aif_time now, aif_time end);

/* Run the simulation to the end date. Errors: AIF_ESTATE (already run), AIF_ENOMEM, and
 * model errors from handlers. Cost O(hours x (types x classes) + events log pending). */
aif_status aif_fleet_run(aif_fleet *f, aif_fleet_observer obs, void *ctx);

/* Results (valid until destroy). O(1). */
const aif_fleet_summary *aif_fleet_summary_get(const aif_fleet *f);
const aif_ledger *aif_fleet_ledger(const aif_fleet *f);
size_t aif_fleet_block_count(const aif_fleet *f); /* scenario blocks, then procured ones */
const aif_block *aif_fleet_block_at(const aif_fleet *f, size_t i);
size_t aif_fleet_event_count(const aif_fleet *f);
const aif_fleet_event *aif_fleet_event_at(const aif_fleet *f, size_t i);
size_t aif_fleet_day_count(const aif_fleet *f);
const aif_fleet_day *aif_fleet_day_at(const aif_fleet *f, size_t i);
size_t aif_fleet_run_count(const aif_fleet *f);
const aif_fleet_run_result *aif_fleet_run_at(const aif_fleet *f, size_t i);

/* The output tokens/s per GPU the fleet sizes class k of the scenario's inference demand
 * with on system `sys` (a system of a block of the fleet): the class's rate per GPU as
 * demand.inference.sizing says (aif_demand_sized_tokens_per_gpu), times the hardware
 * scale of a system the performance model lacks, times serving_utilization; 0 when the
 * system cannot serve the class. The fleet computes a type's rates when it first needs
 * them (a type none of whose blocks is online in the run may not have them yet): this
 * computes them if not yet. Errors: AIF_EINVAL (NULL), AIF_ENOTFOUND (no block of the
 * fleet has `sys`, or k is not a class). O(system types), plus the sizing on first ask. */
aif_status aif_fleet_serving_rate(aif_fleet *f, const aif_system *sys, size_t k,
                                  double *tokens_per_s_per_gpu);

/* Serving-simulator runs the fleet's sizing made (one per distinct model, hardware,
 * precision, latency target, lengths and TP; docs/run.md "Inference sizing") and the
 * lookups its memo answered. O(1). */
long aif_fleet_serving_simulations(const aif_fleet *f);
long aif_fleet_serving_lookups_cached(const aif_fleet *f);

/* When trigger `i` (index into in->contracts.triggers) fired: a date trigger at its date
 * (time 0 when the date is before the start), a compute trigger at the moment cumulative
 * training compute (frontier + research, see aif_fleet_summary) first reached its threshold.
 * AIF_TIME_MAX when it did not fire in the period or i is out of range. O(1). */
aif_time aif_fleet_trigger_time(const aif_fleet *f, size_t i);

/* Hand a finished run (aif_fleet_run returned AIF_OK) to the record sink `sink` (record.h;
 * io's results store is one: aif_results_sink). Wall-clock data is the caller's, so
 * everything recorded here is a pure function of the input and seed: the scenario's main
 * assumptions (params), the summary (metrics: the `run --json` keys with units), daily
 * series by chart tag (capacity online in GW and GPUs by provider and by system, power
 * draw, inference demand vs served, GPU-hours by use, monthly cash flows by ledger kind and
 * the cumulative cash position), every engine event with a JSON detail, the cash entries of
 * the ledger, the frontier runs as jobs, and the contracts and investments. Errors: the
 * sink's (the first one stops the recording), AIF_EINVAL (NULL argument or a fleet that
 * has not run), AIF_ENOMEM from `a` (scratch arrays; NULL: system allocator). What was
 * handed over before an error stays with the sink. Cost O(days x (providers + systems) +
 * events + ledger entries) rows. */
aif_status aif_fleet_record(const aif_allocator *a, const aif_fleet *f,
                            const aif_record_sink *sink);

/* Free the fleet. NULL is a no-op. */
void aif_fleet_destroy(aif_fleet *f);

#endif
