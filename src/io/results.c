/* The results store (see results.h): schema creation and checking, the prepared insert
 * statements with batched transactions, and the temporary-file-then-rename life cycle of
 * a results database. The CSV and JSON exports are in results_export.c. */
#include "aifactory/results.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aifactory/syserr.h"
#include "results_internal.h"

/* Rows per transaction: large enough that commits are rare, small enough that the WAL
 * stays a few MB. */
#define BATCH_ROWS 50000

enum {
    ST_RUN,
    ST_PARAM,
    ST_METRIC,
    ST_SERIES,
    ST_POINT,
    ST_EVENT,
    ST_LEDGER,
    ST_JOB,
    ST_CONTRACT,
    ST_YEAR,
    ST_FRONTIER_RUN,
    ST_COUNT
};

static const char *const insert_sql[ST_COUNT] = {
    [ST_RUN] = "INSERT INTO runs(name, kind, seed, aifactory_version, started_utc, "
               "finished_utc, wall_s, sim_start_s, sim_end_s) VALUES(?,?,?,?,?,?,?,?,?)",
    [ST_PARAM] = "INSERT INTO params(run_id, name, value, unit) VALUES(?,?,?,?)",
    [ST_METRIC] = "INSERT INTO metrics(run_id, ord, name, value, unit) VALUES(?1, "
                  "(SELECT count(*) FROM metrics WHERE run_id = ?1), ?2, ?3, ?4)",
    [ST_SERIES] = "INSERT INTO series(run_id, chart, name, unit) VALUES(?,?,?,?)",
    [ST_POINT] = "INSERT INTO timeseries(series_id, time_s, value) VALUES(?,?,?)",
    [ST_EVENT] = "INSERT INTO events(run_id, time_s, kind, subject, detail_json) "
                 "VALUES(?,?,?,?,?)",
    [ST_LEDGER] = "INSERT INTO ledger(run_id, time_s, category, account, counterparty, "
                  "amount_usd, memo) VALUES(?,?,?,?,?,?,?)",
    [ST_JOB] = "INSERT INTO jobs(run_id, job_id, vc, kind, gpus, submit_s, start_s, end_s, "
               "status, interruptions) VALUES(?,?,?,?,?,?,?,?,?,?)",
    [ST_CONTRACT] = "INSERT INTO contracts(run_id, contract_id, counterparty, kind, signed_s, "
                    "start_s, end_s, gpus, power_mw, value_usd, detail_json) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
    [ST_YEAR] = "INSERT INTO by_year VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_FRONTIER_RUN] = "INSERT INTO frontier_runs(run_id, name, status, gpus, start_date, "
                        "end_date, start_s, end_s, days) VALUES(?,?,?,?,?,?,?,?,?)",
};

/* Version 2 of the schema (1 had no by_year and frontier_runs); docs/results.md explains
 * every column. Any change here bumps
 * AIF_RESULTS_SCHEMA_VERSION. */
static const char schema_sql[] =
    "CREATE TABLE runs("
    " run_id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
    " seed INTEGER NOT NULL, aifactory_version TEXT NOT NULL, started_utc TEXT,"
    " finished_utc TEXT, wall_s REAL, sim_start_s REAL NOT NULL, sim_end_s REAL NOT NULL"
    ") STRICT;"
    "CREATE TABLE params("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), name TEXT NOT NULL,"
    " value TEXT NOT NULL, unit TEXT NOT NULL, PRIMARY KEY(run_id, name)"
    ") STRICT;"
    "CREATE TABLE metrics("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER NOT NULL,"
    " name TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,"
    " PRIMARY KEY(run_id, name)"
    ") STRICT;"
    "CREATE TABLE series("
    " series_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(run_id),"
    " chart TEXT NOT NULL, name TEXT NOT NULL, unit TEXT NOT NULL,"
    " UNIQUE(run_id, chart, name)"
    ") STRICT;"
    "CREATE TABLE timeseries("
    " series_id INTEGER NOT NULL REFERENCES series(series_id), time_s REAL NOT NULL,"
    " value REAL NOT NULL"
    ") STRICT;"
    "CREATE INDEX timeseries_by_series ON timeseries(series_id, time_s);"
    "CREATE TABLE events("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), time_s REAL NOT NULL,"
    " kind TEXT NOT NULL, subject TEXT NOT NULL,"
    " detail_json TEXT CHECK(detail_json IS NULL OR json_valid(detail_json))"
    ") STRICT;"
    "CREATE TABLE ledger("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), time_s REAL NOT NULL,"
    " category TEXT NOT NULL, account TEXT, counterparty TEXT, amount_usd REAL NOT NULL,"
    " memo TEXT"
    ") STRICT;"
    "CREATE TABLE jobs("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), job_id TEXT NOT NULL, vc TEXT,"
    " kind TEXT, gpus INTEGER NOT NULL CHECK(gpus >= 0), submit_s REAL NOT NULL,"
    " start_s REAL, end_s REAL, status TEXT, interruptions INTEGER NOT NULL,"
    " wait_s REAL GENERATED ALWAYS AS (start_s - submit_s) VIRTUAL,"
    " jct_s REAL GENERATED ALWAYS AS (end_s - submit_s) VIRTUAL"
    ") STRICT;"
    "CREATE TABLE contracts("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), contract_id TEXT NOT NULL,"
    " counterparty TEXT, kind TEXT, signed_s REAL, start_s REAL, end_s REAL,"
    " gpus INTEGER NOT NULL, power_mw REAL, value_usd REAL,"
    " detail_json TEXT CHECK(detail_json IS NULL OR json_valid(detail_json))"
    ") STRICT;"
    "CREATE TABLE by_year("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), year INTEGER NOT NULL,"
    " gpu_hours_inference REAL NOT NULL, gpu_hours_training REAL NOT NULL,"
    " gpu_hours_research REAL NOT NULL, gpu_hours_idle REAL NOT NULL,"
    " gpu_hours_failed REAL NOT NULL, tokens_served REAL NOT NULL,"
    " revenue_usd REAL NOT NULL, revenue_share_usd REAL NOT NULL, capex_usd REAL NOT NULL,"
    " power_usd REAL NOT NULL, cloud_usd REAL NOT NULL, depreciation_usd REAL NOT NULL,"
    " cost_of_revenue_usd REAL NOT NULL, gross_margin_usd REAL NOT NULL,"
    " tranche_usd REAL NOT NULL, equity_usd REAL NOT NULL, free_cash_flow_usd REAL NOT NULL,"
    " cash_flow_usd REAL NOT NULL, cash_position_usd REAL NOT NULL,"
    " usd_per_million_tokens REAL, contracted_facility_w REAL NOT NULL,"
    " procured_facility_w REAL NOT NULL, PRIMARY KEY(run_id, year)"
    ") STRICT;"
    "CREATE TABLE frontier_runs("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), name TEXT NOT NULL,"
    " status TEXT NOT NULL, gpus REAL NOT NULL, start_date TEXT, end_date TEXT,"
    " start_s REAL, end_s REAL, days REAL"
    ") STRICT;";

struct aif_results {
    const aif_allocator *alloc;
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    char *final_path; /* NULL for an in-memory store */
    char *tmp_path;   /* non-NULL while the database is unpublished */
    int writable;     /* created here and not yet finished */
    int in_txn;
    long batch_rows;
    aif_error error; /* the last failure on this handle */
};

sqlite3 *aif__results_db(const aif_results *r) {
    return r->db;
}

const aif_allocator *aif__results_allocator(const aif_results *r) {
    return r->alloc;
}

aif_status aif__results_fail(aif_results *r, aif_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    aif_error_setv(&r->error, status, fmt, ap);
    va_end(ap);
    return status;
}

const aif_error *aif_results_error(const aif_results *r) {
    return &r->error;
}

char *aif__results_strdup(const aif_allocator *a, const char *s) {
    size_t n = strlen(s) + 1;
    char *p = aif_alloc(a, n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}

static void free_str(const aif_allocator *a, char *s) {
    if (s) {
        aif_free(a, s, strlen(s) + 1);
    }
}

/* Map a failed SQLite call to a status, keeping SQLite's own message as the detail. */
static aif_status sql_fail(aif_results *r, int rc, const char *what) {
    aif_status st = AIF_EIO;
    int primary = rc & 0xff;
    if (primary == SQLITE_NOMEM) {
        st = AIF_ENOMEM;
    } else if (primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH ||
               primary == SQLITE_TOOBIG) {
        st = AIF_EINVAL;
    } else if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
        st = AIF_EPARSE;
    }
    /* SQLite words a full disk as "database or disk is full" and a read-only folder as
     * "unable to open database file"; the system's errno says which, by name. */
    int e = r->db ? sqlite3_system_errno(r->db) : 0;
    bool sys = e != 0 &&
               (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
                primary == SQLITE_READONLY || primary == SQLITE_PERM);
    char why[AIF_SYSERR_MAX];
    return aif__results_fail(r, st, "%s: %s%s%s", what, r->db ? sqlite3_errmsg(r->db) : "sqlite",
                             sys ? ": " : "", sys ? aif_syserr(e, why) : "");
}

static aif_status exec(aif_results *r, const char *sql) {
    int rc = sqlite3_exec(r->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? AIF_OK : sql_fail(r, rc, sql);
}

static void handle_free(aif_results *r) {
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(r->stmt[i]);
    }
    sqlite3_close(r->db);
    if (r->tmp_path) {
        /* Never published: nothing of it may survive, WAL side files included. */
        remove(r->tmp_path);
        size_t n = strlen(r->tmp_path);
        char side[4096];
        if (n + 5 < sizeof side) {
            snprintf(side, sizeof side, "%s-wal", r->tmp_path);
            remove(side);
            snprintf(side, sizeof side, "%s-shm", r->tmp_path);
            remove(side);
            snprintf(side, sizeof side, "%s-journal", r->tmp_path);
            remove(side);
        }
    }
    free_str(r->alloc, r->final_path);
    free_str(r->alloc, r->tmp_path);
    aif_free(r->alloc, r, sizeof *r);
}

void aif_results_close(aif_results *r) {
    if (r) {
        handle_free(r);
    }
}

static aif_results *handle_new(const aif_allocator *a) {
    a = a ? a : aif_allocator_system();
    aif_results *r = aif_alloc(a, sizeof *r);
    if (r) {
        memset(r, 0, sizeof *r);
        r->alloc = a;
    }
    return r;
}

/* Make "<path>.tmp-XXXXXX" with mkstemp so two writers never share a temporary file. */
static aif_status make_temp(aif_results *r, const char *path) {
    size_t n = strlen(path) + sizeof ".tmp-XXXXXX";
    char *tmp = aif_alloc(r->alloc, n);
    if (tmp == NULL) {
        return aif__results_fail(r, AIF_ENOMEM, "results: out of memory");
    }
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno; /* before free, which may change it */
        char why[AIF_SYSERR_MAX];
        aif_free(r->alloc, tmp, n);
        return aif__results_fail(r, AIF_EIO, "cannot write %s: %s", path, aif_syserr(e, why));
    }
    /* mkstemp makes owner-only files; a results file is meant to be shared like any
     * other output, so give it the usual permissions. */
    (void)fchmod(fd, 0644);
    close(fd);
    r->tmp_path = tmp;
    return AIF_OK;
}

static aif_status prepare_all(aif_results *r) {
    for (int i = 0; i < ST_COUNT; i++) {
        int rc = sqlite3_prepare_v3(r->db, insert_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                    &r->stmt[i], NULL);
        if (rc != SQLITE_OK) {
            return sql_fail(r, rc, "preparing an insert");
        }
    }
    return AIF_OK;
}

static aif_status create_schema(aif_results *r) {
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA application_id = %d; PRAGMA user_version = %d; PRAGMA foreign_keys = ON;",
             AIF_RESULTS_APPLICATION_ID, AIF_RESULTS_SCHEMA_VERSION);
    aif_status st = exec(r, pragmas);
    if (st == AIF_OK && r->tmp_path) {
        /* The temporary file is thrown away if we crash, so syncing every commit buys
         * nothing; finish() syncs once before the rename. */
        st = exec(r, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
    }
    if (st == AIF_OK) {
        st = exec(r, "BEGIN");
    }
    if (st == AIF_OK) {
        r->in_txn = 1;
        st = exec(r, schema_sql);
    }
    return st == AIF_OK ? prepare_all(r) : st;
}

aif_status aif_results_create(const aif_allocator *a, const char *path, aif_results **out,
                              aif_error *err) {
    if (out == NULL || (path && path[0] == '\0')) {
        return aif_error_set(err, AIF_EINVAL, "results: no output path");
    }
    aif_results *r = handle_new(a);
    if (r == NULL) {
        return aif_error_set(err, AIF_ENOMEM, "results: out of memory");
    }
    aif_status st = AIF_OK;
    const char *open_path = ":memory:";
    if (path) {
        r->final_path = aif__results_strdup(r->alloc, path);
        st = r->final_path ? make_temp(r, path)
                           : aif__results_fail(r, AIF_ENOMEM, "results: out of memory");
        open_path = r->tmp_path;
    }
    if (st == AIF_OK) {
        int rc =
            sqlite3_open_v2(open_path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
        st = rc == SQLITE_OK ? create_schema(r) : sql_fail(r, rc, "opening the database");
    }
    if (st != AIF_OK) {
        if (err != NULL) {
            *err = r->error;
        }
        handle_free(r);
        return st;
    }
    r->writable = 1;
    *out = r;
    return AIF_OK;
}

/* Read one integer pragma; a file that is not SQLite fails here with SQLITE_NOTADB. */
static int pragma_int(aif_results *r, const char *sql, long long *value) {
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *value = sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

static aif_status check_schema(aif_results *r, const char *path) {
    long long app = 0, version = 0;
    int rc = pragma_int(r, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK) {
        rc = pragma_int(r, "PRAGMA user_version", &version);
    }
    if ((rc & 0xff) == SQLITE_NOTADB) {
        return aif__results_fail(r, AIF_EPARSE,
                                 "%s: not an SQLite database (expected an aifactory results "
                                 "database)",
                                 path);
    }
    if (rc != SQLITE_OK) {
        return sql_fail(r, rc, path);
    }
    if (app != AIF_RESULTS_APPLICATION_ID) {
        return aif__results_fail(r, AIF_EPARSE,
                                 "%s: an SQLite database but not an aifactory results database "
                                 "(application_id 0x%llx, expected 0x%x)",
                                 path, (unsigned long long)app, AIF_RESULTS_APPLICATION_ID);
    }
    if (version != AIF_RESULTS_SCHEMA_VERSION) {
        return aif__results_fail(
            r, AIF_EPARSE,
            "%s: results schema version %lld is %s than this aifactory's version %d; "
            "rerun the simulation to regenerate it%s",
            path, version, version < AIF_RESULTS_SCHEMA_VERSION ? "older" : "newer",
            AIF_RESULTS_SCHEMA_VERSION,
            version < AIF_RESULTS_SCHEMA_VERSION ? "" : ", or use a newer aifactory");
    }
    return AIF_OK;
}

aif_status aif_results_open(const aif_allocator *a, const char *path, aif_results **out,
                            aif_error *err) {
    if (out == NULL || path == NULL || path[0] == '\0') {
        return aif_error_set(err, AIF_EINVAL, "results: no input path");
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        int e = errno;
        return aif_error_set(err, e == ENOENT ? AIF_ENOTFOUND : AIF_EIO, "%s: %s", path,
                             strerror(e));
    }
    aif_results *r = handle_new(a);
    if (r == NULL) {
        return aif_error_set(err, AIF_ENOMEM, "results: out of memory");
    }
    aif_status st;
    int rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        st = sql_fail(r, rc, path);
    } else {
        st = check_schema(r, path);
    }
    if (st != AIF_OK) {
        if (err != NULL) {
            *err = r->error;
        }
        handle_free(r);
        return st;
    }
    *out = r;
    return AIF_OK;
}

/* ---- inserts ---- */

static aif_status check_writable(aif_results *r) {
    if (r == NULL) {
        return AIF_EINVAL;
    }
    if (!r->writable) {
        return aif__results_fail(r, AIF_ESTATE,
                                 "results: the database is read-only or already finished");
    }
    return AIF_OK;
}

static int bind_text(sqlite3_stmt *s, int i, const char *v) {
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static int bind_real(sqlite3_stmt *s, int i, double v) {
    /* NaN means "unknown" in the C structs and NULL in the database. */
    return isnan(v) ? sqlite3_bind_null(s, i) : sqlite3_bind_double(s, i, v);
}

/* Run a bound insert, reset it, and roll the transaction over every BATCH_ROWS rows. */
static aif_status step_insert(aif_results *r, int which, const char *what) {
    sqlite3_stmt *s = r->stmt[which];
    int rc = sqlite3_step(s);
    aif_status st = AIF_OK;
    if (rc != SQLITE_DONE) {
        st = sql_fail(r, rc, what);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (st == AIF_OK && ++r->batch_rows >= BATCH_ROWS) {
        r->batch_rows = 0;
        st = exec(r, "COMMIT; BEGIN");
    }
    return st;
}

aif_status aif_results_add_run(aif_results *r, const aif_results_run *run, int64_t *run_id) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (run == NULL || run->name == NULL || run->kind == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: a run needs a name and a kind");
    }
    sqlite3_stmt *s = r->stmt[ST_RUN];
    bind_text(s, 1, run->name);
    bind_text(s, 2, run->kind);
    sqlite3_bind_int64(s, 3, run->seed);
    bind_text(s, 4, AIF_VERSION_STRING);
    bind_text(s, 5, run->started_utc);
    bind_text(s, 6, run->finished_utc);
    bind_real(s, 7, run->wall_s);
    sqlite3_bind_double(s, 8, run->sim_start_s);
    sqlite3_bind_double(s, 9, run->sim_end_s);
    st = step_insert(r, ST_RUN, "adding a run");
    if (st == AIF_OK && run_id) {
        *run_id = sqlite3_last_insert_rowid(r->db);
    }
    return st;
}

aif_status aif_results_add_param(aif_results *r, int64_t run_id, const char *name,
                                 const char *value, const char *unit) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (name == NULL || value == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: a parameter needs a name and value");
    }
    sqlite3_stmt *s = r->stmt[ST_PARAM];
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, name);
    bind_text(s, 3, value);
    bind_text(s, 4, unit ? unit : "");
    return step_insert(r, ST_PARAM, "adding a parameter");
}

aif_status aif_results_add_metric(aif_results *r, int64_t run_id, const char *name, double value,
                                  const char *unit) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (name == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: a metric needs a name");
    }
    if (!isfinite(value)) {
        return aif__results_fail(r, AIF_ERANGE, "results: metric %s is not finite", name);
    }
    sqlite3_stmt *s = r->stmt[ST_METRIC];
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, name);
    sqlite3_bind_double(s, 3, value);
    bind_text(s, 4, unit ? unit : "");
    return step_insert(r, ST_METRIC, "adding a metric");
}

aif_status aif_results_add_series(aif_results *r, int64_t run_id, const char *chart,
                                  const char *name, const char *unit, int64_t *series_id) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (chart == NULL || name == NULL || series_id == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: a series needs a chart and a name");
    }
    sqlite3_stmt *s = r->stmt[ST_SERIES];
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, chart);
    bind_text(s, 3, name);
    bind_text(s, 4, unit ? unit : "");
    st = step_insert(r, ST_SERIES, "adding a series");
    if (st == AIF_OK) {
        *series_id = sqlite3_last_insert_rowid(r->db);
    }
    return st;
}

aif_status aif_results_add_point(aif_results *r, int64_t series_id, double time_s, double value) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (!isfinite(time_s) || !isfinite(value)) {
        return aif__results_fail(r, AIF_ERANGE, "results: series %lld: point is not finite",
                                 (long long)series_id);
    }
    sqlite3_stmt *s = r->stmt[ST_POINT];
    sqlite3_bind_int64(s, 1, series_id);
    sqlite3_bind_double(s, 2, time_s);
    sqlite3_bind_double(s, 3, value);
    return step_insert(r, ST_POINT, "adding a point");
}

aif_status aif_results_add_event(aif_results *r, int64_t run_id, double time_s, const char *kind,
                                 const char *subject, const char *detail_json) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (kind == NULL || subject == NULL || !isfinite(time_s)) {
        return aif__results_fail(r, AIF_EINVAL,
                                 "results: an event needs a finite time, a kind and a subject");
    }
    sqlite3_stmt *s = r->stmt[ST_EVENT];
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_double(s, 2, time_s);
    bind_text(s, 3, kind);
    bind_text(s, 4, subject);
    bind_text(s, 5, detail_json);
    return step_insert(r, ST_EVENT, "adding an event");
}

aif_status aif_results_add_ledger(aif_results *r, int64_t run_id,
                                  const aif_record_ledger_entry *e) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (e == NULL || e->category == NULL || !isfinite(e->time_s) || !isfinite(e->amount_usd)) {
        return aif__results_fail(r, AIF_EINVAL,
                                 "results: a ledger entry needs a finite time and amount and "
                                 "a category");
    }
    sqlite3_stmt *s = r->stmt[ST_LEDGER];
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_double(s, 2, e->time_s);
    bind_text(s, 3, e->category);
    bind_text(s, 4, e->account);
    bind_text(s, 5, e->counterparty);
    sqlite3_bind_double(s, 6, e->amount_usd);
    bind_text(s, 7, e->memo);
    return step_insert(r, ST_LEDGER, "adding a ledger entry");
}

aif_status aif_results_add_job(aif_results *r, int64_t run_id, const aif_record_job *j) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (j == NULL || j->job_id == NULL || !isfinite(j->submit_s)) {
        return aif__results_fail(r, AIF_EINVAL,
                                 "results: a job needs an id and a finite submit time");
    }
    sqlite3_stmt *s = r->stmt[ST_JOB];
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, j->job_id);
    bind_text(s, 3, j->vc);
    bind_text(s, 4, j->kind);
    sqlite3_bind_int64(s, 5, j->gpus);
    sqlite3_bind_double(s, 6, j->submit_s);
    bind_real(s, 7, j->start_s);
    bind_real(s, 8, j->end_s);
    bind_text(s, 9, j->status);
    sqlite3_bind_int64(s, 10, j->interruptions);
    return step_insert(r, ST_JOB, "adding a job");
}

aif_status aif_results_add_contract(aif_results *r, int64_t run_id, const aif_record_contract *c) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (c == NULL || c->contract_id == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: a contract needs an id");
    }
    sqlite3_stmt *s = r->stmt[ST_CONTRACT];
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, c->contract_id);
    bind_text(s, 3, c->counterparty);
    bind_text(s, 4, c->kind);
    bind_real(s, 5, c->signed_s);
    bind_real(s, 6, c->start_s);
    bind_real(s, 7, c->end_s);
    sqlite3_bind_int64(s, 8, c->gpus);
    bind_real(s, 9, c->power_mw);
    bind_real(s, 10, c->value_usd);
    bind_text(s, 11, c->detail_json);
    return step_insert(r, ST_CONTRACT, "adding a contract");
}

aif_status aif_results_add_year(aif_results *r, int64_t run_id, const aif_record_year *y) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (y == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: no year row given");
    }
    /* In the column order of the by_year table. */
    const double v[] = {y->gpu_hours_inference,
                        y->gpu_hours_training,
                        y->gpu_hours_research,
                        y->gpu_hours_idle,
                        y->gpu_hours_failed,
                        y->tokens_served,
                        y->revenue_usd,
                        y->revenue_share_usd,
                        y->capex_usd,
                        y->power_usd,
                        y->cloud_usd,
                        y->depreciation_usd,
                        y->cost_of_revenue_usd,
                        y->gross_margin_usd,
                        y->tranche_usd,
                        y->equity_usd,
                        y->free_cash_flow_usd,
                        y->cash_flow_usd,
                        y->cash_position_usd,
                        y->usd_per_million_tokens,
                        y->contracted_facility_w,
                        y->procured_facility_w};
    sqlite3_stmt *s = r->stmt[ST_YEAR];
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, y->year);
    for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++) {
        bind_real(s, 3 + i, v[i]);
    }
    return step_insert(r, ST_YEAR, "adding a year");
}

aif_status aif_results_add_frontier_run(aif_results *r, int64_t run_id,
                                        const aif_record_frontier_run *f) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    if (f == NULL || f->name == NULL || f->status == NULL) {
        return aif__results_fail(r, AIF_EINVAL, "results: a frontier run needs a name and status");
    }
    sqlite3_stmt *s = r->stmt[ST_FRONTIER_RUN];
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, f->name);
    bind_text(s, 3, f->status);
    bind_real(s, 4, f->gpus);
    bind_text(s, 5, f->start_date);
    bind_text(s, 6, f->end_date);
    bind_real(s, 7, f->start_s);
    bind_real(s, 8, f->end_s);
    bind_real(s, 9, f->days);
    return step_insert(r, ST_FRONTIER_RUN, "adding a frontier run");
}

/* ---- publishing ---- */

static aif_status sync_file(aif_results *r, const char *path) {
    FILE *fp = fopen(path, "rb+");
    int e = fp == NULL ? errno : 0;
    if (fp != NULL && fsync(fileno(fp)) != 0) {
        e = errno;
    }
    if (fp != NULL && fclose(fp) != 0 && e == 0) {
        e = errno;
    }
    char why[AIF_SYSERR_MAX];
    return e == 0 ? AIF_OK
                  : aif__results_fail(r, AIF_EIO, "cannot write %s: %s", path, aif_syserr(e, why));
}

aif_status aif_results_finish(aif_results *r) {
    aif_status st = check_writable(r);
    if (st != AIF_OK) {
        return st;
    }
    r->writable = 0;
    st = exec(r, "COMMIT");
    r->in_txn = 0;
    if (st != AIF_OK || r->tmp_path == NULL) {
        return st;
    }
    /* Back to a rollback journal: the published file is then self-contained (no -wal or
     * -shm beside it) and opens read-only from any directory. */
    st = exec(r, "PRAGMA journal_mode = DELETE");
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(r->stmt[i]);
        r->stmt[i] = NULL;
    }
    int rc = sqlite3_close(r->db);
    r->db = NULL;
    if (st == AIF_OK && rc != SQLITE_OK) {
        st = aif__results_fail(r, AIF_EIO, "%s: closing the database failed", r->tmp_path);
    }
    if (st == AIF_OK) {
        st = sync_file(r, r->tmp_path);
    }
    if (st == AIF_OK && rename(r->tmp_path, r->final_path) != 0) {
        char why[AIF_SYSERR_MAX];
        st = aif__results_fail(r, AIF_EIO, "cannot write %s: %s", r->final_path,
                               aif_syserr(errno, why));
    }
    if (st != AIF_OK) {
        return st;
    }
    free_str(r->alloc, r->tmp_path);
    r->tmp_path = NULL;
    rc = sqlite3_open_v2(r->final_path, &r->db, SQLITE_OPEN_READONLY, NULL);
    return rc == SQLITE_OK ? AIF_OK : sql_fail(r, rc, r->final_path);
}
