/* Shared-internal state of the fleet engine (fleet.h), split over fleet.c (setup, events,
 * money), fleet_work.c (the hourly allocation: failures, frontier runs, inference),
 * fleet_research.c (the research queue and its policy), fleet_share.c (training compute,
 * triggers, revenue shares) and fleet_record.c. The state is split by concern (build-out,
 * money, inference, training, research: one struct each, below), so each file reaches for
 * the parts it owns by name. Not a public interface. */
#ifndef AIF_MODEL_FLEET_INTERNAL_H
#define AIF_MODEL_FLEET_INTERNAL_H

#include <stdbool.h>

#include "aifactory/contracts.h"
#include "aifactory/error.h"
#include "aifactory/fleet.h"
#include "aifactory/goodput_cache.h"
#include "aifactory/perf.h"
#include "aifactory/reliability.h"
#include "aifactory/rng.h"
#include "aifactory/session.h"
#include "aifactory/sim.h"
#include "aifactory/training.h"

#define FLEET_MAX_TYPES   16
#define FLEET_MAX_CLASSES 8

/* What an event of the fleet entity is (aif_event.kind). The values are folded into the
 * trace hash, so they keep their order. */
typedef enum fleet_event_kind {
    EV_RETIRE,
    EV_ONLINE,
    EV_RUN_FINISH,
    EV_RUN_FAIL,
    EV_EQUITY,
    EV_ROFR_END,
    EV_HOUR,
    EV_MONTH,
    EV_TRIGGER,
    EV_END,
    EV_DECIDE /* a site's capacity decision under a ROFR (fleet_contracts.c) */
} fleet_event_kind;

/* The priority class of each event (aif_sim_schedule_at's `cls`): events at the same
 * instant run in class order, then in the order they were scheduled. This order is what
 * makes a run deterministic and what its results rest on, so the values never move (they
 * are in the trace hash too):
 * - a block retires, then one comes online, before anything else at that instant, so the
 *   hour and the month that start then see the fleet as it is from then on;
 * - a frontier run finishes before a failure could strike it (a failure is only drawn
 *   before the finish, so they never tie in practice), and both before the hour, so the
 *   hour allocates the GPUs a finished run let go;
 * - equity rounds, ROFR ends and triggers only record (the ledger, the event log, a
 *   trigger's time), before the hour and the month that read what they record. ROFR ends
 *   and triggers share a class: at one instant they run in scheduling order, the triggers
 *   (scheduled by fleet_triggers_setup) before the ROFR ends (schedule_initial); giving
 *   either its own class would change the trace hash of every run that has one;
 * - the hour runs before the month, so the month that closes at a boundary also posts the
 *   tokens of the hour starting there (as it always has; moving it would move revenue);
 * - the end of the period comes after everything else at that instant, so the books close
 *   on a finished state. */
typedef enum fleet_event_class {
    CLS_RETIRE = 0,
    CLS_ONLINE = 1,
    CLS_RUN_FINISH = 2,
    CLS_RUN_FAIL = 3,
    CLS_EQUITY = 4,
    CLS_CONTRACT = 5, /* ROFR ends and triggers */
    CLS_HOUR = 6,
    CLS_MONTH = 7,
    /* A site's capacity decision runs with the retirements, before a block of that site
     * could come online at the same instant (the decision says whose block it is). */
    CLS_DECIDE = 0,
    CLS_END = 255
} fleet_event_class;

/* A system type of the fleet and what the perf model says about it. */
typedef struct fleet_type {
    const aif_system *system;
    const aif_perf_hw *hw; /* the perf model's hardware (built-in or &hw_own), or a proxy */
    aif_perf_hw hw_own;    /* converted from the catalog when the built-ins lack it */
    double hw_scale;       /* throughput multiplier when hw is a proxy (1 otherwise) */
    int64_t packages_per_rack;
    int64_t dies_per_rack;
    double tokens_per_gpu[FLEET_MAX_CLASSES]; /* 0: cannot serve the class */
    bool sized;                               /* tokens_per_gpu computed (fleet_size_type) */
    aif_reliability rel; /* fault rates, blast radius and repair time of its form */
    double research_mfu; /* perf model's MFU for research on it; 0 until first asked */
} fleet_type;

typedef struct fleet_block {
    aif_block b;
    uint32_t type;
    int32_t order; /* procurement order index, -1 for the scenario's own blocks */
    bool online;
    bool delivered;
    aif_time delivered_at; /* when it first came online: depreciation starts the month after */
    double pue;            /* its site's: facility W / IT W (the phase's, else the catalog's) */
    int64_t capex_sys_cents, capex_fac_cents;
    int64_t dep_sys_months, dep_fac_months, age_months; /* depreciation schedule */
} fleet_block;

typedef struct fleet_run {
    const aif_scenario_frontier_run *spec;
    aif_fleet_run_result res;
    aif_train_progress prog;
    aif_rng rng;
    int state;                /* 0 waiting, 1 running, 2 done, 3 cannot progress (never started) */
    double rate_per_gpu_year; /* interruptions, of the system it runs on (set at start) */
    aif_pq_handle finish_ev, fail_ev;
    int64_t reserved[FLEET_MAX_TYPES]; /* packages held per type at res.site */
} fleet_run;

/* A growable array through the allocator. */
typedef struct fleet_vec {
    void *data;
    size_t count, capacity, item;
} fleet_vec;

/* Capacity: the system types, the blocks (scenario and procured), racks online, in repair
 * and held per (site, type) cell, and procurement. fleet.c brings blocks online and retires
 * them; fleet_work.c draws failures and orders blocks. */
typedef struct fleet_build {
    size_t ntypes, nsites; /* nsites = scenario sites + one procurement site per provider */
    fleet_type types[FLEET_MAX_TYPES];
    int64_t *cell_racks;    /* online racks per (site, type) */
    int64_t *cell_down;     /* GPUs (packages) in repair */
    int64_t *cell_reserved; /* packages held by frontier runs */
    int64_t *repair_ring;   /* GPUs coming back, per (hour mod ring, cell) */
    size_t repair_hours;
    fleet_vec blocks;         /* fleet_block */
    double online_w;          /* nominal facility W online */
    double online_procured_w; /* of which procured (aif_block.origin) */
    int64_t online_packages, online_dies;
    double down_fraction; /* packages in repair / online, at the last hour */
    aif_rng rng_failures;
    double procure_quote_own; /* break-even $/GPU-hour of the procurement system */
    int64_t on_order_packages;
    size_t *site_provider; /* per site: who runs it (the scenario's, or a ROFR holder's) */
    size_t procure_type;
    aif_rng rng_procure;
} fleet_build;

/* Money accrued since the last monthly post (fleet.c) and the vendor milestones counted so
 * far; the hour adds cloud package-hours and tokens served. */
typedef struct fleet_money {
    double paid_power_w;  /* facility W of own/partner blocks online, at full load */
    double load_factor;   /* drawn / full-load W this hour: idle + (1 - idle) x busy share */
    aif_time power_since; /* last energy integration time */
    double energy_month_j;
    double *cloud_pkg_hours; /* per provider, this month */
    double tokens_month;     /* served, the revenue base */
    aif_time month_start;
    double *tranche_w; /* deployed power counted per tranche */
    int64_t *tranche_steps;
    double *warrant_w;
    int64_t *warrant_steps;
} fleet_money;

/* Inference and the use of the fleet, one row per day (fleet_work.c). */
typedef struct fleet_inference {
    fleet_vec days; /* aif_fleet_day */
} fleet_inference;

/* Frontier runs (fleet_work.c) and the training-compute clock of triggers (fleet_share.c). */
typedef struct fleet_training {
    fleet_run *runs;
    size_t run_count;
    aif_time *trigger_at; /* per trigger, AIF_TIME_MAX until it fires */
} fleet_training;

/* Research jobs (fleet_research.c). */
typedef struct fleet_research {
    aif_sched_session *session; /* the research jobs under the chosen policy */
    fleet_vec jobs;             /* aif_job: this hour's arrivals, before submission */
    fleet_vec times;            /* int64_t: their submit times, sorted before handed out */
    aif_rng rng;
    double flop_pending; /* compute of the research hour in progress */
} fleet_research;

struct aif_fleet {
    const aif_allocator *alloc;
    const aif_fleet_input *in;
    aif_sim *sim;
    uint32_t self;
    aif_perf_cache *perf;
    aif_goodput_cache *goodput; /* serving goodput per (class, system type): type_of */
    aif_ledger *ledger;
    bool ran;
    aif_error *err;   /* the create() caller's (may be NULL), only during create */
    fleet_vec events; /* aif_fleet_event */
    aif_fleet_summary sum;

    fleet_build build;
    fleet_money money;
    fleet_inference inference;
    fleet_training training;
    fleet_research research;
};

/* fleet.c */
void *fleet_vec_push(aif_fleet *f, fleet_vec *v);
aif_status fleet_log(aif_fleet *f, aif_fleet_event_kind kind, int32_t provider, int64_t a, double b,
                     int64_t c);
int64_t fleet_site_free(const aif_fleet *f, size_t site);
void fleet_integrate_power(aif_fleet *f, aif_time now);
/* Integrate up to `now`, then draw at `busy_share` (busy GPUs / GPUs online) from now on. */
void fleet_set_load(aif_fleet *f, aif_time now, double busy_share);
double fleet_pue(const aif_fleet *f, double phase_pue);
/* Compute type t's tokens_per_gpu on first need (no-op after): every reader of them calls
 * it for the types it may use first. */
void fleet_size_type(aif_fleet *f, size_t t);
aif_status fleet_add_block(aif_fleet *f, const aif_block *b, int32_t order, double pue,
                           size_t *index);
aif_status fleet_schedule_block(aif_fleet *f, size_t i);

/* fleet_work.c */
/* The MFU when the perf model has no answer (no model given, or no layout fits): Llama 3.1
 * 405B's average on 16,384 H100 (38-43%, rounded down for restarts). */
#define FLEET_FALLBACK_MFU 0.35
/* The perf model's MFU for `model` on type t at `gpus` (bucketed to a power of two, so one
 * cached answer serves a (model, system, precision, scale bucket)), else the fallback. */
double fleet_train_mfu(aif_fleet *f, const aif_model_spec *model, const fleet_type *t, double gpus,
                       aif_precision prec);
aif_status fleet_hour(aif_fleet *f, aif_time now);
aif_status fleet_run_event(aif_fleet *f, uint32_t kind, size_t run, aif_time now);
aif_status fleet_runs_create(aif_fleet *f);

/* fleet_research.c */
aif_status fleet_research_setup(aif_fleet *f);
/* The GPUs research may use this hour: `free_gpus` (what inference and frontier runs left),
 * under a research budget at most budget_share x `online` less the frontier runs' `reserved`.
 * O(1). */
int64_t fleet_research_pool(const aif_fleet *f, int64_t free_gpus, int64_t online,
                            int64_t reserved);
aif_status fleet_research_hour(aif_fleet *f, aif_time now, int64_t cap, const int64_t *free_by_type,
                               double *gpu_hours);
void fleet_research_free(aif_fleet *f);

/* fleet_contracts.c */
/* Schedule the capacity decision of every site whose `decided` date falls inside a ROFR
 * window of another provider. O(sites x rofrs). */
aif_status fleet_decisions_schedule(aif_fleet *f);
/* Offer site `site` to the ROFR holder (its rule decides); when it accepts, the site's
 * blocks not yet online become the holder's. Offers are logged. O(blocks). */
aif_status fleet_decide_site(aif_fleet *f, size_t site);

/* fleet_share.c */
aif_status fleet_triggers_setup(aif_fleet *f);
void fleet_triggers_free(aif_fleet *f);
aif_status fleet_trigger_fire(aif_fleet *f, size_t i, aif_time now);
aif_status fleet_compute_add(aif_fleet *f, double frontier_flop, double research_flop,
                             aif_time now);
aif_status fleet_revenue_share_post(aif_fleet *f, aif_time from, aif_time to,
                                    int64_t revenue_cents);

#endif
