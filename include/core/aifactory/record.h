/* Where a simulation writes what it found: the output interface (a sink) every
 * simulation hands its records to, so that no simulation knows how they are stored. io
 * implements it over the results store (aif_results_sink in results.h); a test can
 * implement it over arrays. A record is one of: a parameter (an assumption, as text with
 * its unit), a metric (a key number), a time series and its points, an event, a ledger
 * entry, a job, a contract, a calendar year of a fleet or a frontier run. Strings are borrowed for
 * the call only: a sink copies what it keeps. */
#ifndef AIFACTORY_RECORD_H
#define AIFACTORY_RECORD_H

#include <stdint.h>

#include "aifactory/status.h"

/* A ledger record (the `ledger` table): a cash movement, positive into the operator, negative out.
 */
typedef struct aif_record_ledger_entry {
    double time_s;
    const char *category;     /* "capex", "opex", "cloud", "tranche", "revenue", ... */
    const char *account;      /* or NULL */
    const char *counterparty; /* or NULL */
    double amount_usd;
    const char *memo; /* or NULL */
} aif_record_ledger_entry;

/* A job record (the `jobs` table). start_s and end_s are NaN while a job never started or never
 * ended; they are stored as NULL. wait_s and jct_s are derived by the database. */
typedef struct aif_record_job {
    const char *job_id; /* required */
    const char *vc;     /* virtual cluster / tenant, or NULL */
    const char *kind;   /* "training", "inference", "research", ... or NULL */
    int64_t gpus;
    double submit_s;
    double start_s;
    double end_s;
    const char *status; /* "completed", "failed", "killed", "pending", ... or NULL */
    int64_t interruptions;
} aif_record_job;

/* A contract record (the `contracts` table). Times may be NaN (stored as NULL). */
typedef struct aif_record_contract {
    const char *contract_id; /* required */
    const char *counterparty;
    const char *kind; /* "lease", "ppa", "cloud", "financing", ... */
    double signed_s;
    double start_s;
    double end_s;
    int64_t gpus;
    double power_mw;
    double value_usd;
    const char *detail_json; /* a JSON text or NULL */
} aif_record_contract;

/* One calendar year of a simulated fleet (the `by_year` table): use, money and capacity.
 * Money in dollars; usd_per_million_tokens is NaN (stored as NULL) when none was served. */
typedef struct aif_record_year {
    int64_t year;
    double gpu_hours_inference, gpu_hours_training, gpu_hours_research, gpu_hours_idle,
        gpu_hours_failed;
    double tokens_served;
    double revenue_usd, revenue_share_usd;
    double capex_usd, power_usd, cloud_usd, depreciation_usd;
    double cost_of_revenue_usd, gross_margin_usd;
    double tranche_usd, equity_usd;
    double free_cash_flow_usd, cash_flow_usd, cash_position_usd;
    double usd_per_million_tokens;
    double contracted_facility_w, procured_facility_w; /* online at the year's end */
} aif_record_year;

/* A frontier training run (the `frontier_runs` table). Dates are "YYYY-MM-DD" or NULL, the
 * times NaN (stored as NULL), while the run did not start or finish. */
typedef struct aif_record_frontier_run {
    const char *name;   /* required */
    const char *status; /* "finished", "not_finished", "never_started", "cannot_progress" */
    double gpus;
    const char *start_date, *end_date;
    double start_s, end_s;
    double days; /* end - start, NaN while not finished */
} aif_record_frontier_run;

typedef struct aif_record_sink aif_record_sink;

/* What a sink does with each kind of record. Every call returns AIF_OK or the sink's
 * error, which the simulation passes back to its caller unchanged (and then stops). */
typedef struct aif_record_sink_ops {
    aif_status (*param)(const aif_record_sink *s, const char *name, const char *value,
                        const char *unit);
    aif_status (*metric)(const aif_record_sink *s, const char *name, double value,
                         const char *unit);
    /* Declare series `name` in `unit` on chart `chart`; its id (the sink's) goes to *id. */
    aif_status (*series)(const aif_record_sink *s, const char *chart, const char *name,
                         const char *unit, int64_t *id);
    aif_status (*point)(const aif_record_sink *s, int64_t series_id, double time_s, double value);
    aif_status (*event)(const aif_record_sink *s, double time_s, const char *kind,
                        const char *subject, const char *detail_json);
    aif_status (*ledger)(const aif_record_sink *s, const aif_record_ledger_entry *entry);
    aif_status (*job)(const aif_record_sink *s, const aif_record_job *job);
    aif_status (*contract)(const aif_record_sink *s, const aif_record_contract *contract);
    /* Optional (NULL: the sink keeps none): a year of a fleet, a frontier run. */
    aif_status (*year)(const aif_record_sink *s, const aif_record_year *year);
    aif_status (*frontier_run)(const aif_record_sink *s, const aif_record_frontier_run *run);
} aif_record_sink_ops;

/* A sink: its operations, its state, and the key under which it files this run's records
 * (a results store's run id; any value the implementation likes). */
struct aif_record_sink {
    const aif_record_sink_ops *ops;
    void *ctx;
    int64_t run_id;
};

#endif
