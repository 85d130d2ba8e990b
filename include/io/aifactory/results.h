/* The results store: one SQLite database per run (or per sweep of runs), the CSV export of
 * every table and the summary.json of a run.
 *
 * The store takes generic content so that the simulation, the trace replay and anything
 * later can write to it without schema changes: run metadata, parameters, key numbers
 * (metrics), named time series grouped by a `chart` tag, events with a JSON detail, ledger
 * entries, jobs and contracts. The schema (units in column names, STRICT tables, a version
 * in `PRAGMA user_version` and an application id) is documented in docs/results.md.
 * A database is written in WAL mode inside a transaction that is committed in batches with
 * prepared statements, into a temporary file next to its destination, and renamed into
 * place only by aif_results_finish(): a crash never leaves a half-written file under the
 * final name. Wall-clock metadata lives only in the `runs` table and in summary.json, so
 * everything else is identical for identical inputs and seed.
 *
 * Memory: the handle and its strings come from the caller's allocator; SQLite and jansson
 * use their own allocators internally (configuring them is process-wide state). */
#ifndef AIFACTORY_RESULTS_H
#define AIFACTORY_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/record.h"
#include "aifactory/status.h"

/* Schema version written to PRAGMA user_version; files with another version are refused. */
#define AIF_RESULTS_SCHEMA_VERSION 2
/* PRAGMA application_id of every aifactory results database ("AIFR"). */
#define AIF_RESULTS_APPLICATION_ID 0x41494652

typedef struct aif_results aif_results;

/* One row of `runs`. Strings may be NULL where noted; they are copied. */
typedef struct aif_results_run {
    const char *name;         /* scenario or trace name; required */
    const char *kind;         /* "scenario", "replay", ...; required */
    int64_t seed;             /* master seed of the run */
    const char *started_utc;  /* wall clock, ISO 8601, or NULL */
    const char *finished_utc; /* wall clock, ISO 8601, or NULL */
    double wall_s;            /* wall-clock duration; NaN when unknown */
    double sim_start_s;       /* simulated time span covered by the run */
    double sim_end_s;
} aif_results_run;

/* Create a new results database that will be renamed to `path` by aif_results_finish();
 * until then it lives in a temporary file "<path>.tmp-XXXXXX" in the same directory.
 * path == NULL creates an in-memory store (for tests and for reports of data that was never
 * saved). An existing file at `path` is replaced only at finish.
 * On error, the reason goes to `err` (may be NULL).
 * Errors: AIF_EINVAL, AIF_ENOMEM, AIF_EIO (cannot create or write the file).
 * Cost: one file creation and the schema (a few ms). */
aif_status aif_results_create(const aif_allocator *a, const char *path, aif_results **out,
                              aif_error *err);

/* Open an existing results database read-only. A missing file is AIF_ENOTFOUND; a file
 * that is not SQLite, not an aifactory results database, or of another schema version is
 * AIF_EPARSE with a message naming what was found and what was expected. Writes through
 * the returned handle are refused (AIF_ESTATE). Errors also AIF_EINVAL, AIF_ENOMEM,
 * AIF_EIO. */
aif_status aif_results_open(const aif_allocator *a, const char *path, aif_results **out,
                            aif_error *err);

/* Add a run; its id (1, 2, ...) goes to *run_id. Errors: AIF_EINVAL (NULL name/kind),
 * AIF_ESTATE (read-only or finished handle), AIF_EIO. Amortized O(1) like every add. */
aif_status aif_results_add_run(aif_results *r, const aif_results_run *run, int64_t *run_id);

/* Record a scenario parameter or assumption as text with its unit ("" for none).
 * A second value for the same (run, name) is AIF_EINVAL. */
aif_status aif_results_add_param(aif_results *r, int64_t run_id, const char *name,
                                 const char *value, const char *unit);

/* Record one key number shown in the report header and in summary.json, in the order
 * added. A second value for the same (run, name) is AIF_EINVAL; non-finite is AIF_ERANGE. */
aif_status aif_results_add_metric(aif_results *r, int64_t run_id, const char *name, double value,
                                  const char *unit);

/* Declare a time series `name` in unit `unit`, drawn on the report chart `chart` (series
 * with the same chart tag share one chart, so they should share a unit). Its id goes to
 * *series_id. A duplicate (run, chart, name) is AIF_EINVAL. */
aif_status aif_results_add_series(aif_results *r, int64_t run_id, const char *chart,
                                  const char *name, const char *unit, int64_t *series_id);

/* Append one point; points are read back in time order. Non-finite is AIF_ERANGE. */
aif_status aif_results_add_point(aif_results *r, int64_t series_id, double time_s, double value);

/* Record an event (a milestone, a tranche, an offer, a failure). detail_json is a JSON
 * text or NULL; malformed JSON is AIF_EINVAL. */
aif_status aif_results_add_event(aif_results *r, int64_t run_id, double time_s, const char *kind,
                                 const char *subject, const char *detail_json);

aif_status aif_results_add_ledger(aif_results *r, int64_t run_id,
                                  const aif_record_ledger_entry *entry);
aif_status aif_results_add_job(aif_results *r, int64_t run_id, const aif_record_job *job);
aif_status aif_results_add_contract(aif_results *r, int64_t run_id,
                                    const aif_record_contract *contract);
/* One calendar year of a fleet run (by_year; one row per (run, year), a second is
 * AIF_EIO from the primary key) and a frontier run (frontier_runs). */
aif_status aif_results_add_year(aif_results *r, int64_t run_id, const aif_record_year *year);
aif_status aif_results_add_frontier_run(aif_results *r, int64_t run_id,
                                        const aif_record_frontier_run *run);

/* Commit everything, leave WAL mode (so the result is one self-contained file), flush it
 * to disk and rename it to its final path. The handle stays usable for reading (export,
 * summary, report). Errors: AIF_ESTATE (already finished or read-only), AIF_EIO. On error
 * the temporary file is removed when the handle is closed. Cost: O(data) for the flush. */
aif_status aif_results_finish(aif_results *r);

/* Write one CSV file per table into the existing directory `dir` ("runs.csv", ...,
 * "timeseries.csv" with the series names joined in): a header row, RFC 4180 quoting,
 * CRLF line ends, NULL as an empty field, reals in the shortest form that reads back
 * exactly. Each file is written to a temporary name and renamed. Errors: AIF_EIO,
 * AIF_ENOMEM, AIF_EINVAL. Cost: one pass over every table. */
aif_status aif_results_export_csv(aif_results *r, const char *dir);

/* Write summary.json (runs with parameters, metrics and row counts; keys in a fixed
 * order) to `path`, atomically. Errors: AIF_EIO, AIF_ENOMEM, AIF_EINVAL. */
aif_status aif_results_write_summary(aif_results *r, const char *path);

/* A record sink (record.h) that files every record under run `run_id` of `r`, through
 * the aif_results_add_* calls above (same errors). Valid while `r` is open. */
aif_record_sink aif_results_sink(aif_results *r, int64_t run_id);

/* The last failure on this handle (status AIF_OK and an empty message if none). Valid
 * until the next call on the handle. */
const aif_error *aif_results_error(const aif_results *r);

/* Close the handle. An unfinished database is discarded (its temporary file removed).
 * NULL is a no-op. */
void aif_results_close(aif_results *r);

#endif
