/* The results store of a sweep (docs/sweep.md): the sweep, its runs and their metrics,
 * written one run at a time, each in its own transaction, so a sweep killed at any instant
 * leaves every run either stored whole or absent, and `--resume` can skip what is there.
 *
 * Two backends behind the same calls: one SQLite file (DIR/sweep.sqlite,
 * aif_sweep_store_open) or a PostgreSQL database that many sweeps from many machines share
 * (aif_sweep_store_open_pg, through libpq). Every other call dispatches to the store's own
 * backend, so the sweep's manager runs the same code whichever one holds the runs.
 *
 * Schema (SQLite: application_id 0x41494653 "AIFS", user_version 1; PostgreSQL: the same
 * tables and columns with its own types, JSONB for the JSON columns, and the version in the
 * comment of table sweeps):
 *   sweeps(id, hash, file, scenario, design, points, replications, seed, runs, parameters)
 *     one row per sweep definition; `hash` is aif_sweep_hash, `parameters` a JSON array of
 *     the varied key paths;
 *   runs(sweep, idx, key, point, replication, params, sets, status, error, wall_s)
 *     primary key (sweep, idx); `key` the run's configuration hash (16 hex digits),
 *     `params` a JSON object key path -> value as set, `sets` the JSON array of every
 *     assignment, `status` 'ok' or 'failed', `error` the failure's one line, `wall_s` the
 *     run's own seconds (not deterministic; never part of an analysis);
 *   metrics(sweep, run, name, value) primary key (sweep, run, name): the run's figures;
 *   series(sweep, run, name, unit, dates, vals) primary key (sweep, run, name): the run's
 *     key series, `dates` a JSON array of "YYYY-MM-DD" and `vals` the values at them (SQLite:
 *     a JSON array; PostgreSQL: DOUBLE PRECISION[]). Added to schema version 1 without a
 *     new version (a table more; a store written before has none and gets it when opened).
 * The writer of a sweep is one process (the sweep's manager): for a SQLite store the
 * folder's lock (outdir.h) keeps a second one out; a PostgreSQL store locks the sweep
 * itself (aif_sweep_store_sweep). */
#ifndef AIFACTORY_SWEEP_STORE_H
#define AIFACTORY_SWEEP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/status.h"
#include "aifactory/sweep.h"

#define AIF_SWEEP_STORE_APPLICATION_ID 0x41494653
#define AIF_SWEEP_STORE_SCHEMA_VERSION 1

typedef struct aif_sweep_store aif_sweep_store;

/* Open the store at `path`: with `create`, a new file (an existing one is an error) with
 * the schema; otherwise an existing file, whose application_id and user_version must be
 * ours. Errors (message in *err, which may be NULL): AIF_EIO (cannot open or write),
 * AIF_EPARSE (not a sweep store, or another schema version), AIF_ENOMEM. */
aif_status aif_sweep_store_open(const aif_allocator *a, const char *path, bool create,
                                aif_sweep_store **out, aif_error *err);

/* Open the PostgreSQL database at `url` (postgresql://[user[:password]@][host][:port]
 * [/dbname][?param=value&...], any form libpq takes; the password better comes from
 * PGPASSWORD or ~/.pgpass), creating the schema in one transaction when the tables are
 * absent. Errors (*err names the URL without its password, with libpq's reason on one
 * line): AIF_ENOTIMPL (this build has no PostgreSQL support), AIF_EINVAL (not a URL libpq
 * can read), AIF_EIO (cannot connect, or a query failed), AIF_EPARSE (the database has a
 * `sweeps` table that is not a sweep store, or another schema version), AIF_ENOMEM. */
aif_status aif_sweep_store_open_pg(const aif_allocator *a, const char *url, aif_sweep_store **out,
                                   aif_error *err);

/* Whether this build can open a PostgreSQL store (built with libpq: AIF_WITH_POSTGRESQL). */
bool aif_sweep_store_has_pg(void);

/* `url` as it may be shown: the password of its user part and a `password=` query parameter
 * removed ("postgresql://ann:secret@db/x?password=y&sslmode=require" gives
 * "postgresql://ann@db/x?sslmode=require"), truncated to fit `out` (n >= 1 bytes). Returns
 * out. Cost O(length). */
const char *aif_sweep_store_url_shown(const char *url, char *out, size_t n);

/* Close it (every transaction is already committed). NULL is a no-op. */
void aif_sweep_store_close(aif_sweep_store *st);

/* The id of the sweep whose hash is aif_sweep_hash(sw), adding its row when absent and
 * `add`. AIF_ENOTFOUND when absent and not `add`; *other (may be NULL) is then set when the
 * store holds a different sweep (a SQLite store holds one sweep; a PostgreSQL one holds
 * any number, so *other stays false). A PostgreSQL store also takes the sweep's lock, held
 * until close, so two processes never run the same sweep into one database: AIF_ESTATE
 * when another connection holds it. Errors: AIF_EIO, AIF_ENOMEM. */
aif_status aif_sweep_store_sweep(aif_sweep_store *st, const aif_sweep *sw, const char *file,
                                 bool add, int64_t *id, bool *other, aif_error *err);

/* Which runs of sweep `id` are stored with the key the plan gives them: done[i] = 1 for
 * those (done has aif_sweep_run_count entries). Errors: AIF_EIO. Cost O(runs). */
aif_status aif_sweep_store_done(aif_sweep_store *st, int64_t id, const aif_sweep *sw,
                                unsigned char *done, aif_error *err);

/* One series of a run: n points, each a date (days since 1970-01-01) and a value (NaN is
 * stored as null). */
typedef struct aif_sweep_store_series {
    const char *name; /* a lower-case identifier: [a-z0-9_]+ */
    const char *unit;
    size_t n;
    const int32_t *days;
    const double *values;
} aif_sweep_store_series;

/* One finished run: its metrics (names[i] = values[i], count of them; none when it failed)
 * and series, or its error. */
typedef struct aif_sweep_store_result {
    bool ok;
    const char *error; /* when !ok */
    double wall_s;
    const char *const *names;
    const double *values;
    size_t count;
    const aif_sweep_store_series *series; /* series_count of them, stored when ok */
    size_t series_count;
} aif_sweep_store_result;

/* Store run `run` of the sweep with its result in one transaction (replacing a row of the
 * same index). Errors: AIF_EIO, AIF_ENOMEM; nothing of the run is stored then. */
aif_status aif_sweep_store_put(aif_sweep_store *st, int64_t id, const aif_sweep *sw,
                               const aif_sweep_run *run, const aif_sweep_store_result *res,
                               aif_error *err);

/* Read run `idx` back: *ok, its error into `error` (size bytes, "" when ok) and the value
 * of each of names[0..count) into values (NaN for a name it lacks). AIF_ENOTFOUND when the
 * run is not stored. Errors: AIF_EIO. */
aif_status aif_sweep_store_get(aif_sweep_store *st, int64_t id, size_t idx, bool *ok, char *error,
                               size_t size, const char *const *names, double *values, size_t count,
                               aif_error *err);

/* Called once per stored series of a run (its arrays valid during the call only). */
typedef void (*aif_sweep_store_series_fn)(void *ctx, const aif_sweep_store_series *s);

/* Hand each series stored for run `idx` to fn, in name order (none for a failed run, or a
 * run stored before series were kept). Errors: AIF_EIO, AIF_EPARSE (a series' arrays are
 * not ours), AIF_ENOMEM. Cost: one query. */
aif_status aif_sweep_store_get_series(aif_sweep_store *st, int64_t id, size_t idx,
                                      aif_sweep_store_series_fn fn, void *ctx, aif_error *err);

#endif
