/* Exports of a results store (see results.h): one RFC 4180 CSV file per table, the
 * summary.json of the runs, and the write-to-a-temporary-file-then-rename helper that every
 * output of a run uses so that a reader never sees half a file. */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aifactory/outfile.h"
#include "results_internal.h"
#include "textcheck.h"

/* ---- CSV ---- */

typedef struct csv_table {
    const char *file;
    const char *sql;
} csv_table;

/* Rows in insertion order so that the files are identical for identical runs. */
static const csv_table csv_tables[] = {
    {"runs.csv", "SELECT * FROM runs ORDER BY run_id"},
    {"params.csv", "SELECT * FROM params ORDER BY rowid"},
    {"metrics.csv", "SELECT * FROM metrics ORDER BY run_id, ord"},
    {"series.csv", "SELECT * FROM series ORDER BY series_id"},
    {"timeseries.csv", "SELECT s.run_id, s.series_id, s.chart, s.name AS series, s.unit, "
                       "t.time_s, t.value FROM timeseries t JOIN series s USING(series_id) "
                       "ORDER BY s.series_id, t.time_s, t.rowid"},
    {"events.csv", "SELECT * FROM events ORDER BY rowid"},
    {"ledger.csv", "SELECT * FROM ledger ORDER BY rowid"},
    {"jobs.csv", "SELECT * FROM jobs ORDER BY rowid"},
    {"contracts.csv", "SELECT * FROM contracts ORDER BY rowid"},
    {"by_year.csv", "SELECT * FROM by_year ORDER BY run_id, year"},
    {"frontier_runs.csv", "SELECT * FROM frontier_runs ORDER BY rowid"},
};

/* RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled. */
static void csv_text(FILE *fp, const char *s) {
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', fp);
        }
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double. */
static void format_real(char *buf, size_t size, double v) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

static void csv_value(FILE *fp, sqlite3_stmt *s, int col) {
    char buf[40];
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL:
        break;
    case SQLITE_INTEGER:
        fprintf(fp, "%lld", (long long)sqlite3_column_int64(s, col));
        break;
    case SQLITE_FLOAT:
        format_real(buf, sizeof buf, sqlite3_column_double(s, col));
        fputs(buf, fp);
        break;
    default: {
        const unsigned char *t = sqlite3_column_text(s, col);
        csv_text(fp, t ? (const char *)t : "");
        break;
    }
    }
}

static aif_status write_csv(aif_results *r, const char *dir, const csv_table *t) {
    size_t n = strlen(dir) + strlen(t->file) + 2;
    const aif_allocator *a = aif__results_allocator(r);
    char *path = aif_alloc(a, n);
    if (path == NULL) {
        return aif__results_fail(r, AIF_ENOMEM, "results: out of memory");
    }
    snprintf(path, n, "%s/%s", dir, t->file);
    aif_outfile f;
    aif_error err = {0};
    aif_status st = aif_outfile_open(&f, a, path, &err);
    if (st != AIF_OK) {
        st = aif__results_fail(r, st, "%s", err.message);
        aif_free(a, path, n);
        return st;
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(aif__results_db(r), t->sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        int cols = sqlite3_column_count(s);
        for (int c = 0; c < cols; c++) {
            fputs(c ? "," : "", f.fp);
            csv_text(f.fp, sqlite3_column_name(s, c));
        }
        fputs("\r\n", f.fp);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            for (int c = 0; c < cols; c++) {
                fputs(c ? "," : "", f.fp);
                csv_value(f.fp, s, c);
            }
            fputs("\r\n", f.fp);
        }
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    if (rc != SQLITE_OK) {
        st = aif__results_fail(r, AIF_EIO, "%s: %s", path, sqlite3_errmsg(aif__results_db(r)));
        aif_outfile_abort(&f);
    } else if (aif_outfile_commit(&f, &err) != AIF_OK) {
        st = aif__results_fail(r, AIF_EIO, "%s", err.message);
    }
    sqlite3_finalize(s);
    aif_free(a, path, n);
    return st;
}

aif_status aif_results_export_csv(aif_results *r, const char *dir) {
    if (r == NULL || dir == NULL) {
        return AIF_EINVAL;
    }
    for (size_t i = 0; i < sizeof csv_tables / sizeof csv_tables[0]; i++) {
        aif_status st = write_csv(r, dir, &csv_tables[i]);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

/* ---- summary.json ---- */

/* A stored text as a JSON string. The readers refuse text that is not UTF-8, but a store
 * written by another program may hold some, and JSON cannot: each byte that does not fit
 * becomes '?' (the database keeps the bytes). NULL only when memory runs out. */
static json_t *text_json(const char *text) {
    json_t *j = json_string(text);
    if (j != NULL || text == NULL) {
        return j;
    }
    size_t n = strlen(text);
    char *copy = malloc(n + 1);
    if (copy == NULL) {
        return NULL;
    }
    memcpy(copy, text, n + 1);
    aif__text_fault fault;
    size_t from = 0;
    while (!aif__text_check(copy + from, n - from, &fault)) {
        copy[from + fault.offset] = '?';
        from += fault.offset + 1;
    }
    j = json_string(copy);
    free(copy);
    return j;
}

static json_t *column_json(sqlite3_stmt *s, int c) {
    switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL:
        return json_null();
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(s, c));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(s, c));
    default:
        return text_json((const char *)sqlite3_column_text(s, c));
    }
}

/* json_object_set_new that reports failure (jansson frees `value` either way). */
static int set(json_t *obj, const char *key, json_t *value) {
    return value != NULL && json_object_set_new(obj, key, value) == 0;
}

/* The rows of `sql` (first parameter bound to run_id) as an array of objects, one key per
 * column but run_id (the run they are listed under). */
static json_t *row_list(sqlite3 *db, const char *sql, sqlite3_int64 run_id) {
    sqlite3_stmt *s = NULL;
    json_t *out = json_array();
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run_id);
        while (out && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            json_t *row = json_object();
            for (int c = 0; row && c < sqlite3_column_count(s); c++) {
                const char *name = sqlite3_column_name(s, c);
                if (strcmp(name, "run_id") != 0 && !set(row, name, column_json(s, c))) {
                    json_decref(row);
                    row = NULL;
                }
            }
            if (row == NULL || json_array_append_new(out, row) != 0) {
                json_decref(out);
                out = NULL;
            }
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The rows of `sql` (first parameter bound to run_id) as an object keyed by column 0, each
 * value an object of the remaining columns. */
static json_t *keyed_rows(sqlite3 *db, const char *sql, sqlite3_int64 run_id) {
    sqlite3_stmt *s = NULL;
    json_t *out = json_object();
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run_id);
        while (out && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            json_t *row = json_object();
            for (int c = 1; row && c < sqlite3_column_count(s); c++) {
                if (!set(row, sqlite3_column_name(s, c), column_json(s, c))) {
                    json_decref(row);
                    row = NULL;
                }
            }
            if (!set(out, (const char *)sqlite3_column_text(s, 0), row)) {
                json_decref(out);
                out = NULL;
            }
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *run_json(sqlite3 *db, sqlite3_stmt *runs) {
    json_t *run = json_object();
    for (int c = 0; run && c < sqlite3_column_count(runs); c++) {
        if (!set(run, sqlite3_column_name(runs, c), column_json(runs, c))) {
            json_decref(run);
            return NULL;
        }
    }
    sqlite3_int64 id = sqlite3_column_int64(runs, 0);
    static const char *const counted[] = {"events", "ledger", "jobs", "contracts"};
    json_t *rows = json_object();
    int ok = run != NULL && rows != NULL;
    ok = ok && set(run, "params",
                   keyed_rows(db,
                              "SELECT name, value, unit FROM params WHERE run_id = ? ORDER BY "
                              "rowid",
                              id));
    ok = ok && set(run, "metrics",
                   keyed_rows(db,
                              "SELECT name, value, unit FROM metrics WHERE run_id = ? ORDER "
                              "BY ord",
                              id));
    /* The finance view of fleet runs (empty lists for other runs); the frontier runs under
     * the `run --json` names. */
    ok = ok && set(run, "by_year",
                   row_list(db, "SELECT * FROM by_year WHERE run_id = ?1 ORDER BY year", id));
    ok = ok && set(run, "frontier_runs",
                   row_list(db,
                            "SELECT name, status, gpus, start_date AS start, end_date AS \"end\", "
                            "days FROM frontier_runs WHERE run_id = ? ORDER BY rowid",
                            id));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM series WHERE run_id = %lld", (long long)id);
    sqlite3_stmt *s = NULL;
    for (size_t i = 0; ok && i <= sizeof counted / sizeof counted[0]; i++) {
        const char *name = i == 0 ? "timeseries" : counted[i - 1];
        if (i == 0) {
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM timeseries JOIN series USING(series_id) "
                     "WHERE run_id = %lld",
                     (long long)id);
        } else {
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE run_id = %lld", name,
                     (long long)id);
        }
        ok = sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
             sqlite3_step(s) == SQLITE_ROW &&
             set(rows, name, json_integer(sqlite3_column_int64(s, 0)));
        sqlite3_finalize(s);
        s = NULL;
    }
    ok = ok && json_object_set(run, "rows", rows) == 0;
    json_decref(rows);
    if (!ok) {
        json_decref(run);
        return NULL;
    }
    return run;
}

aif_status aif_results_write_summary(aif_results *r, const char *path) {
    if (r == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    sqlite3 *db = aif__results_db(r);
    json_t *root = json_object();
    json_t *runs = json_array();
    int ok = root && runs && set(root, "format", json_string("aifactory-summary")) &&
             set(root, "results_schema_version", json_integer(AIF_RESULTS_SCHEMA_VERSION)) &&
             set(root, "aifactory_version", json_string(AIF_VERSION_STRING));
    sqlite3_stmt *s = NULL;
    int rc = SQLITE_DONE;
    if (ok) {
        rc = sqlite3_prepare_v2(db, "SELECT * FROM runs ORDER BY run_id", -1, &s, NULL);
        while (rc == SQLITE_OK || rc == SQLITE_ROW) {
            rc = sqlite3_step(s);
            if (rc == SQLITE_ROW && json_array_append_new(runs, run_json(db, s)) != 0) {
                ok = 0;
                break;
            }
        }
        ok = ok && rc == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    ok = ok && json_object_set(root, "runs", runs) == 0;
    json_decref(runs);
    char *text = ok ? json_dumps(root, JSON_INDENT(2)) : NULL;
    json_decref(root);
    if (text == NULL) {
        /* SQLITE_ROW or SQLITE_DONE: the query was fine and building the JSON failed,
         * which only memory can make it do; SQLite's own message would be "not an
         * error" then. */
        bool sql_failed = rc != SQLITE_DONE && rc != SQLITE_ROW;
        return aif__results_fail(r, sql_failed ? AIF_EIO : AIF_ENOMEM,
                                 "%s: cannot build the summary: %s", path,
                                 sql_failed ? sqlite3_errmsg(db) : "out of memory");
    }
    aif_outfile f;
    aif_error err = {0};
    aif_status st = aif_outfile_open(&f, aif__results_allocator(r), path, &err);
    if (st == AIF_OK) {
        fputs(text, f.fp);
        fputc('\n', f.fp);
        st = aif_outfile_commit(&f, &err);
    }
    free(text);
    if (st != AIF_OK) {
        return aif__results_fail(r, st, "%s", err.message);
    }
    return AIF_OK;
}
