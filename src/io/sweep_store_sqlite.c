/* The SQLite backend of a sweep's store (see sweep_store.h): DIR/sweep.sqlite. Each run goes in
 * with its metrics in one transaction (BEGIN IMMEDIATE ... COMMIT, write-ahead log, synchronous
 * NORMAL), so a kill between runs or inside one leaves the file with whole runs only: a commit is
 * in the log whole or not at all, and SQLite ignores a torn tail of the log the next time the file
 * is opened. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sweep_store_internal.h"

typedef struct sqlite_store {
    aif_sweep_store base;
    sqlite3 *db;
} sqlite_store;

static aif_status sqlite_sweep(aif_sweep_store *base, const aif_sweep *sw, const char *file,
                               bool add, int64_t *id, bool *other, aif_error *err);
static aif_status sqlite_done(aif_sweep_store *base, int64_t id, const aif_sweep *sw,
                              unsigned char *done, aif_error *err);
static aif_status sqlite_put(aif_sweep_store *base, int64_t id, const aif_sweep *sw,
                             const aif_sweep_run *run, const aif_sweep_store_result *res,
                             aif_error *err);
static aif_status sqlite_get(aif_sweep_store *base, int64_t id, size_t idx, bool *ok, char *error,
                             size_t size, const char *const *names, double *values, size_t count,
                             aif_error *err);
static aif_status sqlite_series(aif_sweep_store *base, int64_t id, size_t idx,
                                aif_sweep_store_series_fn fn, void *ctx, aif_error *err);
static void sqlite_close(aif_sweep_store *base);

static const aif_sweep_store_ops sqlite_ops = {
    .sweep = sqlite_sweep,
    .done = sqlite_done,
    .put = sqlite_put,
    .get = sqlite_get,
    .series = sqlite_series,
    .close = sqlite_close,
};

static const char schema_sql[] =
    "CREATE TABLE sweeps (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, file TEXT,"
    " scenario TEXT NOT NULL, design TEXT NOT NULL, points INTEGER NOT NULL,"
    " replications INTEGER NOT NULL, seed INTEGER NOT NULL, runs INTEGER NOT NULL,"
    " parameters TEXT NOT NULL);"
    "CREATE TABLE runs (sweep INTEGER NOT NULL REFERENCES sweeps(id), idx INTEGER NOT NULL,"
    " key TEXT NOT NULL, point INTEGER NOT NULL, replication INTEGER NOT NULL,"
    " params TEXT NOT NULL, sets TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), error TEXT, wall_s REAL,"
    " PRIMARY KEY (sweep, idx));"
    "CREATE TABLE metrics (sweep INTEGER NOT NULL, run INTEGER NOT NULL, name TEXT NOT NULL,"
    " value REAL, PRIMARY KEY (sweep, run, name),"
    " FOREIGN KEY (sweep, run) REFERENCES runs(sweep, idx) ON DELETE CASCADE);";

/* The runs' key series (sweep_store.h); IF NOT EXISTS: a store written before they were kept
 * gets the table when opened. */
static const char series_sql[] =
    "CREATE TABLE IF NOT EXISTS series (sweep INTEGER NOT NULL, run INTEGER NOT NULL,"
    " name TEXT NOT NULL, unit TEXT NOT NULL, dates TEXT NOT NULL, vals TEXT NOT NULL,"
    " PRIMARY KEY (sweep, run, name),"
    " FOREIGN KEY (sweep, run) REFERENCES runs(sweep, idx) ON DELETE CASCADE);";

static aif_status sql_fail(sqlite_store *st, int rc, const char *what, aif_error *err) {
    int primary = rc & 0xff;
    aif_status s = primary == SQLITE_NOMEM                                 ? AIF_ENOMEM
                   : primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT ? AIF_EPARSE
                                                                           : AIF_EIO;
    return aif_error_set(err, s, "%s: %s", what, st && st->db ? sqlite3_errmsg(st->db) : "sqlite");
}

static aif_status exec(sqlite_store *st, const char *sql, aif_error *err) {
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? AIF_OK : sql_fail(st, rc, "sweep store", err);
}

static int64_t pragma_int(sqlite_store *st, const char *sql) {
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        v = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return v;
}

aif_status aif_sweep_store_open(const aif_allocator *a, const char *path, bool create,
                                aif_sweep_store **out, aif_error *err) {
    if (path == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    if (create && access(path, F_OK) == 0) {
        return aif_error_set(err, AIF_EIO, "cannot create %s: it exists", path);
    }
    sqlite_store *st = aif_calloc(a, 1, sizeof *st);
    if (st == NULL) {
        return AIF_ENOMEM;
    }
    st->base = (aif_sweep_store){.ops = &sqlite_ops, .alloc = a};
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    aif_status s = AIF_OK;
    if (rc != SQLITE_OK) {
        s = aif_error_set(err, AIF_EIO, "cannot open %s: %s", path,
                          st->db ? sqlite3_errmsg(st->db) : "out of memory");
    }
    if (s == AIF_OK) {
        /* A write-ahead log: each run's commit is atomic against a kill at any instant
         * without an fsync per run (synchronous NORMAL syncs at checkpoints; only a power
         * loss could drop the last commits, never tear one). */
        s = exec(
            st, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            err);
    }
    if (s == AIF_OK && create) {
        char pragmas[128];
        snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                 AIF_SWEEP_STORE_APPLICATION_ID, AIF_SWEEP_STORE_SCHEMA_VERSION);
        s = exec(st, pragmas, err);
        if (s == AIF_OK) {
            s = exec(st, schema_sql, err);
        }
    } else if (s == AIF_OK) {
        int64_t app = pragma_int(st, "PRAGMA application_id");
        int64_t ver = pragma_int(st, "PRAGMA user_version");
        if (app != AIF_SWEEP_STORE_APPLICATION_ID || ver != AIF_SWEEP_STORE_SCHEMA_VERSION) {
            s = aif_error_set(err, AIF_EPARSE,
                              "%s: expected a sweep store (schema version %d), found %s", path,
                              AIF_SWEEP_STORE_SCHEMA_VERSION,
                              app == AIF_SWEEP_STORE_APPLICATION_ID ? "another schema version"
                                                                    : "another kind of file");
        }
    }
    if (s == AIF_OK) {
        s = exec(st, series_sql, err);
    }
    if (s != AIF_OK) {
        sqlite_close(&st->base);
        return s;
    }
    *out = &st->base;
    return AIF_OK;
}

static void sqlite_close(aif_sweep_store *base) {
    sqlite_store *st = (sqlite_store *)base;
    sqlite3_close(st->db);
    aif_free(st->base.alloc, st, sizeof *st);
}

static aif_status sqlite_sweep(aif_sweep_store *base, const aif_sweep *sw, const char *file,
                               bool add, int64_t *id, bool *other, aif_error *err) {
    sqlite_store *st = (sqlite_store *)base;
    if (other) {
        *other = false;
    }
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT id FROM sweeps WHERE hash = ?", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        return sql_fail(st, rc, "sweep store", err);
    }
    sqlite3_bind_text(q, 1, aif_sweep_hash(sw), -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        return AIF_OK;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        return sql_fail(st, rc, "sweep store", err);
    }
    if (!add) {
        if (other) {
            *other = pragma_int(st, "SELECT count(*) FROM sweeps") > 0;
        }
        return AIF_ENOTFOUND;
    }
    char *params = aif__sweep_store_param_keys_json(sw);
    if (params == NULL) {
        return AIF_ENOMEM;
    }
    rc = sqlite3_prepare_v2(st->db,
                            "INSERT INTO sweeps (hash, file, scenario, design, points, "
                            "replications, seed, runs, parameters) VALUES (?,?,?,?,?,?,?,?,?)",
                            -1, &q, NULL);
    if (rc == SQLITE_OK) {
        const char *scenario = aif_sweep_scenario_path(sw);
        sqlite3_bind_text(q, 1, aif_sweep_hash(sw), -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, file, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, scenario ? scenario : "default", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, aif_sweep_design_name(aif_sweep_design_get(sw)), -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, (sqlite3_int64)aif_sweep_points(sw));
        sqlite3_bind_int64(q, 6, (sqlite3_int64)aif_sweep_replications(sw));
        sqlite3_bind_int64(q, 7, (sqlite3_int64)aif_sweep_seed(sw));
        sqlite3_bind_int64(q, 8, (sqlite3_int64)aif_sweep_run_count(sw));
        sqlite3_bind_text(q, 9, params, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
    }
    sqlite3_finalize(q);
    free(params);
    if (rc != SQLITE_DONE) {
        return sql_fail(st, rc, "sweep store", err);
    }
    *id = sqlite3_last_insert_rowid(st->db);
    return AIF_OK;
}

static aif_status sqlite_done(aif_sweep_store *base, int64_t id, const aif_sweep *sw,
                              unsigned char *done, aif_error *err) {
    sqlite_store *st = (sqlite_store *)base;
    size_t n = aif_sweep_run_count(sw);
    memset(done, 0, n);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT idx, key FROM runs WHERE sweep = ?", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        return sql_fail(st, rc, "sweep store", err);
    }
    sqlite3_bind_int64(q, 1, id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t idx = sqlite3_column_int64(q, 0);
        const char *key = (const char *)sqlite3_column_text(q, 1);
        if (idx >= 0 && (uint64_t)idx < n && key &&
            strcmp(key, aif_sweep_run_at(sw, (size_t)idx)->key_hex) == 0) {
            done[idx] = 1;
        }
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? AIF_OK : sql_fail(st, rc, "sweep store", err);
}

static aif_status put_run(sqlite_store *st, int64_t id, const aif_sweep *sw,
                          const aif_sweep_run *run, const aif_sweep_store_result *res,
                          aif_error *err) {
    char *ptext = NULL, *stext = NULL;
    aif__sweep_store_run_json(sw, run, &ptext, &stext);
    sqlite3_stmt *q = NULL;
    int rc = ptext && stext ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(st->db,
                                "INSERT OR REPLACE INTO runs (sweep, idx, key, point, replication, "
                                "params, sets, status, error, wall_s) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                -1, &q, NULL);
    }
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)run->index);
        sqlite3_bind_text(q, 3, run->key_hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 4, (sqlite3_int64)run->point);
        sqlite3_bind_int64(q, 5, (sqlite3_int64)run->replication);
        sqlite3_bind_text(q, 6, ptext, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 7, stext, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 8, res->ok ? "ok" : "failed", -1, SQLITE_STATIC);
        if (res->ok) {
            sqlite3_bind_null(q, 9);
        } else {
            sqlite3_bind_text(q, 9, res->error ? res->error : "", -1, SQLITE_STATIC);
        }
        sqlite3_bind_double(q, 10, res->wall_s);
        rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
    }
    sqlite3_finalize(q);
    free(ptext);
    free(stext);
    if (rc == SQLITE_OK && res->ok && res->count > 0) {
        rc = sqlite3_prepare_v2(
            st->db, "INSERT INTO metrics (sweep, run, name, value) VALUES (?,?,?,?)", -1, &q, NULL);
        for (size_t i = 0; rc == SQLITE_OK && i < res->count; i++) {
            sqlite3_reset(q);
            sqlite3_bind_int64(q, 1, id);
            sqlite3_bind_int64(q, 2, (sqlite3_int64)run->index);
            sqlite3_bind_text(q, 3, res->names[i], -1, SQLITE_STATIC);
            if (isfinite(res->values[i])) {
                sqlite3_bind_double(q, 4, res->values[i]);
            } else {
                sqlite3_bind_null(q, 4);
            }
            rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
        }
        sqlite3_finalize(q);
    }
    for (size_t i = 0; rc == SQLITE_OK && res->ok && i < res->series_count; i++) {
        const aif_sweep_store_series *se = &res->series[i];
        char *dates = aif__sweep_store_series_json(se, true);
        char *vals = aif__sweep_store_series_json(se, false);
        rc = dates && vals ? sqlite3_prepare_v2(st->db,
                                                "INSERT INTO series (sweep, run, name, unit, dates,"
                                                " vals) VALUES (?,?,?,?,?,?)",
                                                -1, &q, NULL)
                           : SQLITE_NOMEM;
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, id);
            sqlite3_bind_int64(q, 2, (sqlite3_int64)run->index);
            sqlite3_bind_text(q, 3, se->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 4, se->unit ? se->unit : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 5, dates, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 6, vals, -1, SQLITE_STATIC);
            rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
            sqlite3_finalize(q);
        }
        free(dates);
        free(vals);
    }
    return rc == SQLITE_OK ? AIF_OK : sql_fail(st, rc, "storing a run", err);
}

static aif_status sqlite_put(aif_sweep_store *base, int64_t id, const aif_sweep *sw,
                             const aif_sweep_run *run, const aif_sweep_store_result *res,
                             aif_error *err) {
    sqlite_store *st = (sqlite_store *)base;
    aif_status s = exec(st, "BEGIN IMMEDIATE", err);
    if (s != AIF_OK) {
        return s;
    }
    /* A replaced run's old metrics go with it (ON DELETE CASCADE of REPLACE needs
     * recursive triggers; delete them explicitly). */
    char del[160];
    snprintf(del, sizeof del,
             "DELETE FROM metrics WHERE sweep = %lld AND run = %zu;"
             "DELETE FROM series WHERE sweep = %lld AND run = %zu",
             (long long)id, run->index, (long long)id, run->index);
    s = exec(st, del, err);
    if (s == AIF_OK) {
        s = put_run(st, id, sw, run, res, err);
    }
    if (s == AIF_OK) {
        s = exec(st, "COMMIT", err);
    }
    if (s != AIF_OK) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return s;
}

static aif_status sqlite_get(aif_sweep_store *base, int64_t id, size_t idx, bool *ok, char *error,
                             size_t size, const char *const *names, double *values, size_t count,
                             aif_error *err) {
    sqlite_store *st = (sqlite_store *)base;
    for (size_t i = 0; i < count; i++) {
        values[i] = NAN;
    }
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(
        st->db, "SELECT status, error FROM runs WHERE sweep = ? AND idx = ?", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        return sql_fail(st, rc, "sweep store", err);
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)idx);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        return rc == SQLITE_DONE ? AIF_ENOTFOUND : sql_fail(st, rc, "sweep store", err);
    }
    const char *status = (const char *)sqlite3_column_text(q, 0);
    *ok = status && strcmp(status, "ok") == 0;
    const char *e = (const char *)sqlite3_column_text(q, 1);
    snprintf(error, size, "%s", e ? e : "");
    sqlite3_finalize(q);
    rc = sqlite3_prepare_v2(st->db, "SELECT name, value FROM metrics WHERE sweep = ? AND run = ?",
                            -1, &q, NULL);
    if (rc != SQLITE_OK) {
        return sql_fail(st, rc, "sweep store", err);
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)idx);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        for (size_t i = 0; name && i < count; i++) {
            if (strcmp(name, names[i]) == 0) {
                values[i] =
                    sqlite3_column_type(q, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 1);
            }
        }
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? AIF_OK : sql_fail(st, rc, "sweep store", err);
}

static aif_status sqlite_series(aif_sweep_store *base, int64_t id, size_t idx,
                                aif_sweep_store_series_fn fn, void *ctx, aif_error *err) {
    sqlite_store *st = (sqlite_store *)base;
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT name, unit, dates, vals FROM series"
                                " WHERE sweep = ? AND run = ? ORDER BY name",
                                -1, &q, NULL);
    if (rc != SQLITE_OK) {
        return sql_fail(st, rc, "sweep store", err);
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)idx);
    aif_status s = AIF_OK;
    while (s == AIF_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *dates = (const char *)sqlite3_column_text(q, 2);
        const char *vals = (const char *)sqlite3_column_text(q, 3);
        size_t cap = dates ? strlen(dates) / 3 + 1 : 1, nd = 0, nv = 0;
        int32_t *days = malloc(cap * sizeof *days);
        double *values = malloc(cap * sizeof *values);
        if (days == NULL || values == NULL) {
            s = AIF_ENOMEM;
        } else if (!aif__sweep_store_parse_dates(dates, days, cap, &nd) ||
                   !aif__sweep_store_parse_values(vals, values, cap, &nv) || nd != nv) {
            s = aif_error_set(err, AIF_EPARSE,
                              "sweep store: run %zu: series '%s' is not a sweep's series", idx,
                              (const char *)sqlite3_column_text(q, 0));
        } else {
            aif_sweep_store_series se = {.name = (const char *)sqlite3_column_text(q, 0),
                                         .unit = (const char *)sqlite3_column_text(q, 1),
                                         .n = nd,
                                         .days = days,
                                         .values = values};
            fn(ctx, &se);
        }
        free(days);
        free(values);
    }
    sqlite3_finalize(q);
    if (s != AIF_OK) {
        return s;
    }
    return rc == SQLITE_DONE ? AIF_OK : sql_fail(st, rc, "sweep store", err);
}
