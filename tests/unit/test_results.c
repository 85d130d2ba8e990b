/* Unit tests for the results store: a synthetic run written, finished and read back through
 * SQLite, the CSV export byte for byte (RFC 4180 quoting included), summary.json, the
 * rejection of foreign, older and newer files, and every constructor and writer under
 * allocation failure. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "aifactory/results.h"

/* Each test works in its own fresh directory under the build tree. */
typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    snprintf(f->dir, sizeof f->dir, "test_results.XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/results.sqlite", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static int file_exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Count the directory entries of `dir` (other than . and ..) by listing it with ls. */
static int entries_in(const char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) {
            n = -1;
        }
        pclose(p);
    }
    return n;
}

/* A small run touching every table, with awkward text for CSV quoting. */
static aif_status fill(aif_results *r) {
    aif_results_run run = {.name = "tiny, \"quoted\"",
                           .kind = "replay",
                           .seed = 42,
                           .started_utc = "2025-01-01T00:00:00Z",
                           .finished_utc = NULL,
                           .wall_s = NAN,
                           .sim_start_s = 0.0,
                           .sim_end_s = 100.0};
    int64_t run_id = 0, sid = 0;
    aif_status st = aif_results_add_run(r, &run, &run_id);
    st = st ? st : aif_results_add_param(r, run_id, "policy", "fifo", "");
    st = st ? st : aif_results_add_param(r, run_id, "power", "10", "GW");
    st = st ? st : aif_results_add_metric(r, run_id, "jobs", 2, "jobs");
    st = st ? st : aif_results_add_metric(r, run_id, "mean JCT", 0.1, "s");
    st = st ? st : aif_results_add_series(r, run_id, "busy", "busy GPUs", "GPUs", &sid);
    st = st ? st : aif_results_add_point(r, sid, 0.0, 1.0);
    st = st ? st : aif_results_add_point(r, sid, 10.5, 3.0);
    st = st ? st
            : aif_results_add_event(r, run_id, 5.0, "milestone", "site A\nline 2", "{\"mw\": 100}");
    aif_record_ledger_entry e = {.time_s = 1.0,
                                 .category = "capex",
                                 .account = NULL,
                                 .counterparty = "vendor",
                                 .amount_usd = -1.5e9,
                                 .memo = "say \"hi\""};
    st = st ? st : aif_results_add_ledger(r, run_id, &e);
    aif_record_job j1 = {.job_id = "j1",
                         .vc = "vc-a",
                         .kind = "training",
                         .gpus = 8,
                         .submit_s = 0.0,
                         .start_s = 2.0,
                         .end_s = 12.0,
                         .status = "completed",
                         .interruptions = 1};
    aif_record_job j2 = {.job_id = "j2", .gpus = 1, .submit_s = 3.0, .start_s = NAN, .end_s = NAN};
    st = st ? st : aif_results_add_job(r, run_id, &j1);
    st = st ? st : aif_results_add_job(r, run_id, &j2);
    aif_record_contract c = {.contract_id = "c1",
                             .counterparty = "cloud co",
                             .kind = "lease",
                             .signed_s = 0.0,
                             .start_s = 1.0,
                             .end_s = NAN,
                             .gpus = 1000,
                             .power_mw = 1.25,
                             .value_usd = 2e6,
                             .detail_json = "[1,2]"};
    st = st ? st : aif_results_add_contract(r, run_id, &c);
    aif_record_year y = {.year = 2026,
                         .gpu_hours_inference = 1,
                         .gpu_hours_idle = 2.5,
                         .revenue_usd = 100,
                         .cost_of_revenue_usd = 40,
                         .gross_margin_usd = 60,
                         .cash_position_usd = -3,
                         .usd_per_million_tokens = NAN,
                         .contracted_facility_w = 1e9,
                         .procured_facility_w = 5e8};
    st = st ? st : aif_results_add_year(r, run_id, &y);
    aif_record_frontier_run fr = {.name = "big",
                                  .status = "finished",
                                  .gpus = 1000,
                                  .start_date = "2026-01-01",
                                  .end_date = "2026-01-03",
                                  .start_s = 0,
                                  .end_s = 172800,
                                  .days = 2};
    aif_record_frontier_run never = {.name = "later",
                                     .status = "never_started",
                                     .gpus = 8,
                                     .start_s = NAN,
                                     .end_s = NAN,
                                     .days = NAN};
    st = st ? st : aif_results_add_frontier_run(r, run_id, &fr);
    st = st ? st : aif_results_add_frontier_run(r, run_id, &never);
    return st;
}

static void round_trip_through_the_file(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    aif_error err = {0};
    assert_int_equal(aif_results_create(NULL, f->path, &r, &err), AIF_OK);
    assert_int_equal(fill(r), AIF_OK);
    /* Nothing appears under the final name before finish. */
    assert_false(file_exists(f->path));
    assert_int_equal(aif_results_finish(r), AIF_OK);
    assert_true(file_exists(f->path));
    assert_int_equal(entries_in(f->dir), 1); /* no temporary, -wal or -shm left */
    /* Writing after finish is refused with a reason. */
    int64_t id;
    aif_results_run run = {.name = "x", .kind = "y"};
    assert_int_equal(aif_results_add_run(r, &run, &id), AIF_ESTATE);
    assert_non_null(strstr(aif_results_error(r)->message, "finished"));
    aif_results_close(r);

    /* Read back with plain SQLite: schema version, application id and the values. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    const char *q = "SELECT (SELECT user_version FROM pragma_user_version),"
                    " (SELECT application_id FROM pragma_application_id),"
                    " (SELECT journal_mode FROM pragma_journal_mode),"
                    " (SELECT wait_s FROM jobs WHERE job_id = 'j1'),"
                    " (SELECT jct_s FROM jobs WHERE job_id = 'j1'),"
                    " (SELECT count(*) FROM jobs WHERE start_s IS NULL),"
                    " (SELECT sum(value) FROM timeseries),"
                    " (SELECT group_concat(name, '|') FROM metrics ORDER BY ord)";
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), AIF_RESULTS_SCHEMA_VERSION);
    assert_int_equal(sqlite3_column_int(s, 1), AIF_RESULTS_APPLICATION_ID);
    assert_string_equal((const char *)sqlite3_column_text(s, 2), "delete");
    assert_true(sqlite3_column_double(s, 3) == 2.0);
    assert_true(sqlite3_column_double(s, 4) == 12.0);
    assert_int_equal(sqlite3_column_int(s, 5), 1);
    assert_true(sqlite3_column_double(s, 6) == 4.0);
    assert_string_equal((const char *)sqlite3_column_text(s, 7), "jobs|mean JCT");
    sqlite3_finalize(s);
    /* Every table is STRICT. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*), sum(strict) FROM pragma_table_list "
                                        "WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 11);
    assert_int_equal(sqlite3_column_int(s, 1), 11);
    sqlite3_finalize(s);
    sqlite3_close(db);

    /* And through aif_results_open, which accepts it and refuses writes. */
    assert_int_equal(aif_results_open(NULL, f->path, &r, &err), AIF_OK);
    assert_int_equal(aif_results_add_run(r, &run, &id), AIF_ESTATE);
    aif_results_close(r);
}

static void csv_export_is_exact(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, f->path, &r, NULL), AIF_OK);
    assert_int_equal(fill(r), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    assert_int_equal(aif_results_export_csv(r, f->dir), AIF_OK);
    aif_results_close(r);

    static const struct {
        const char *file;
        const char *text;
    } expect[] = {
        {"runs.csv", "run_id,name,kind,seed,aifactory_version,started_utc,finished_utc,wall_s,"
                     "sim_start_s,sim_end_s\r\n"
                     "1,\"tiny, \"\"quoted\"\"\",replay,42," AIF_VERSION_STRING
                     ",2025-01-01T00:00:00Z,,,0,100\r\n"},
        {"params.csv", "run_id,name,value,unit\r\n1,policy,fifo,\r\n1,power,10,GW\r\n"},
        {"metrics.csv", "run_id,ord,name,value,unit\r\n1,0,jobs,2,jobs\r\n"
                        "1,1,mean JCT,0.1,s\r\n"},
        {"series.csv", "series_id,run_id,chart,name,unit\r\n1,1,busy,busy GPUs,GPUs\r\n"},
        {"timeseries.csv", "run_id,series_id,chart,series,unit,time_s,value\r\n"
                           "1,1,busy,busy GPUs,GPUs,0,1\r\n1,1,busy,busy GPUs,GPUs,10.5,3\r\n"},
        {"events.csv", "run_id,time_s,kind,subject,detail_json\r\n"
                       "1,5,milestone,\"site A\nline 2\",\"{\"\"mw\"\": 100}\"\r\n"},
        {"ledger.csv", "run_id,time_s,category,account,counterparty,amount_usd,memo\r\n"
                       "1,1,capex,,vendor,-1500000000,\"say \"\"hi\"\"\"\r\n"},
        {"jobs.csv", "run_id,job_id,vc,kind,gpus,submit_s,start_s,end_s,status,interruptions,"
                     "wait_s,jct_s\r\n"
                     "1,j1,vc-a,training,8,0,2,12,completed,1,2,12\r\n"
                     "1,j2,,,1,3,,,,0,,\r\n"},
        {"contracts.csv", "run_id,contract_id,counterparty,kind,signed_s,start_s,end_s,gpus,"
                          "power_mw,value_usd,detail_json\r\n"
                          "1,c1,cloud co,lease,0,1,,1000,1.25,2000000,\"[1,2]\"\r\n"},
        {"by_year.csv",
         "run_id,year,gpu_hours_inference,gpu_hours_training,gpu_hours_research,gpu_hours_idle,"
         "gpu_hours_failed,tokens_served,revenue_usd,revenue_share_usd,capex_usd,power_usd,"
         "cloud_usd,depreciation_usd,cost_of_revenue_usd,gross_margin_usd,tranche_usd,"
         "equity_usd,free_cash_flow_usd,cash_flow_usd,cash_position_usd,usd_per_million_tokens,"
         "contracted_facility_w,procured_facility_w\r\n"
         "1,2026,1,0,0,2.5,0,0,100,0,0,0,0,0,40,60,0,0,0,0,-3,,1000000000,500000000\r\n"},
        {"frontier_runs.csv", "run_id,name,status,gpus,start_date,end_date,start_s,end_s,days\r\n"
                              "1,big,finished,1000,2026-01-01,2026-01-03,0,172800,2\r\n"
                              "1,later,never_started,8,,,,,\r\n"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/%s", f->dir, expect[i].file);
        char *text = slurp(path);
        assert_non_null(text);
        assert_string_equal(text, expect[i].text);
        free(text);
    }
    /* The database and eleven CSV files, nothing temporary. */
    assert_int_equal(entries_in(f->dir), 12);
}

static void summary_json_has_runs_params_metrics_and_counts(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK); /* in memory */
    assert_int_equal(fill(r), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    char path[160];
    snprintf(path, sizeof path, "%s/summary.json", f->dir);
    assert_int_equal(aif_results_write_summary(r, path), AIF_OK);
    aif_results_close(r);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "format")), "aifactory-summary");
    json_t *run = json_array_get(json_object_get(root, "runs"), 0);
    assert_int_equal(json_array_size(json_object_get(root, "runs")), 1);
    assert_string_equal(json_string_value(json_object_get(run, "name")), "tiny, \"quoted\"");
    assert_int_equal(json_integer_value(json_object_get(run, "seed")), 42);
    assert_true(json_is_null(json_object_get(run, "wall_s")));
    json_t *m = json_object_get(json_object_get(run, "metrics"), "mean JCT");
    assert_true(json_real_value(json_object_get(m, "value")) == 0.1);
    assert_string_equal(json_string_value(json_object_get(m, "unit")), "s");
    json_t *p = json_object_get(json_object_get(run, "params"), "power");
    assert_string_equal(json_string_value(json_object_get(p, "value")), "10");
    json_t *rows = json_object_get(run, "rows");
    assert_int_equal(json_integer_value(json_object_get(rows, "timeseries")), 2);
    assert_int_equal(json_integer_value(json_object_get(rows, "jobs")), 2);
    assert_int_equal(json_integer_value(json_object_get(rows, "contracts")), 1);
    /* Keys keep a fixed order: params first then metrics then rows, after the columns. */
    const char *keys[] = {"run_id", "name", "kind"};
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach(run, key, v) {
        if (k < 3) {
            assert_string_equal(key, keys[k]);
        }
        k++;
    }
    assert_int_equal(k, 15);
    /* The finance view: by_year rows without run_id, frontier runs under --json's names. */
    json_t *year = json_array_get(json_object_get(run, "by_year"), 0);
    assert_int_equal(json_array_size(json_object_get(run, "by_year")), 1);
    assert_int_equal(json_integer_value(json_object_get(year, "year")), 2026);
    assert_null(json_object_get(year, "run_id"));
    assert_true(json_real_value(json_object_get(year, "gross_margin_usd")) == 60);
    assert_true(json_is_null(json_object_get(year, "usd_per_million_tokens")));
    json_t *fruns = json_object_get(run, "frontier_runs");
    assert_int_equal(json_array_size(fruns), 2);
    json_t *big = json_array_get(fruns, 0);
    assert_string_equal(json_string_value(json_object_get(big, "end")), "2026-01-03");
    assert_true(json_real_value(json_object_get(big, "days")) == 2);
    assert_true(json_is_null(json_object_get(json_array_get(fruns, 1), "start")));
    json_decref(root);
}

/* A stored name that is not UTF-8 (the readers refuse one, another program's store may
 * hold one): summary.json is still written, the bad byte as '?', the valid é kept. It used
 * to fail with "cannot build the summary: not an error". */
static void summary_json_of_a_name_not_utf8(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    aif_results_run run = {.name = "bad\xffn\xc3\xa9", .kind = "scenario"};
    assert_int_equal(aif_results_add_run(r, &run, NULL), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    char path[160];
    snprintf(path, sizeof path, "%s/summary.json", f->dir);
    assert_int_equal(aif_results_write_summary(r, path), AIF_OK);
    aif_results_close(r);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    json_t *got = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "name");
    assert_string_equal(json_string_value(got), "bad?n\xc3\xa9");
    json_decref(root);
}

static void bad_rows_are_rejected_with_reasons(void **state) {
    (void)state;
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    int64_t run_id, sid;
    aif_results_run run = {.name = "r", .kind = "scenario"};
    assert_int_equal(aif_results_add_run(r, &run, &run_id), AIF_OK);
    assert_int_equal(aif_results_add_event(r, run_id, 0, "k", "s", "{not json"), AIF_EINVAL);
    assert_non_null(strstr(aif_results_error(r)->message, "CHECK"));
    assert_int_equal(aif_results_add_param(r, run_id, "a", "1", ""), AIF_OK);
    assert_int_equal(aif_results_add_param(r, run_id, "a", "2", ""), AIF_EINVAL);
    assert_int_equal(aif_results_add_param(r, 99, "b", "1", ""), AIF_EINVAL); /* no run 99 */
    assert_int_equal(aif_results_add_metric(r, run_id, "m", INFINITY, ""), AIF_ERANGE);
    assert_int_equal(aif_results_add_series(r, run_id, "c", "n", "W", &sid), AIF_OK);
    assert_int_equal(aif_results_add_series(r, run_id, "c", "n", "W", &sid), AIF_EINVAL);
    assert_int_equal(aif_results_add_point(r, sid, NAN, 1), AIF_ERANGE);
    aif_record_job bad = {.job_id = "j", .gpus = -1, .submit_s = 0};
    assert_int_equal(aif_results_add_job(r, run_id, &bad), AIF_EINVAL);
    aif_results_run noname = {.kind = "x"};
    assert_int_equal(aif_results_add_run(r, &noname, &run_id), AIF_EINVAL);
    assert_int_equal(aif_results_add_run(NULL, &run, &run_id), AIF_EINVAL);
    /* The transaction survives rejected rows: the good ones are kept. */
    assert_int_equal(aif_results_finish(r), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_ESTATE);
    aif_results_close(r);
    aif_results_close(NULL);
    assert_int_equal(aif_results_create(NULL, "", &r, NULL), AIF_EINVAL);
    aif_error err;
    assert_int_equal(aif_results_create(NULL, "/nonexistent-dir/x.sqlite", &r, &err), AIF_EIO);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x.sqlite"));
}

/* Write a database by hand with the given application id and user_version. */
static void make_db(const char *path, int app_id, int version) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[160];
    snprintf(sql, sizeof sql,
             "PRAGMA application_id = %d; PRAGMA user_version = %d;"
             "CREATE TABLE runs(run_id INTEGER PRIMARY KEY, name TEXT);",
             app_id, version);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void old_foreign_and_newer_files_are_refused(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    aif_error err;
    char path[160];

    snprintf(path, sizeof path, "%s/old.sqlite", f->dir);
    make_db(path, AIF_RESULTS_APPLICATION_ID, 0);
    assert_int_equal(aif_results_open(NULL, path, &r, &err), AIF_EPARSE);
    assert_null(r);
    assert_non_null(
        strstr(err.message, "schema version 0 is older than this aifactory's version 2"));

    snprintf(path, sizeof path, "%s/new.sqlite", f->dir);
    make_db(path, AIF_RESULTS_APPLICATION_ID, 7);
    assert_int_equal(aif_results_open(NULL, path, &r, &err), AIF_EPARSE);
    assert_non_null(strstr(err.message, "schema version 7 is newer"));

    snprintf(path, sizeof path, "%s/foreign.sqlite", f->dir);
    make_db(path, 0, 1);
    assert_int_equal(aif_results_open(NULL, path, &r, &err), AIF_EPARSE);
    assert_non_null(strstr(err.message, "not an aifactory results database (application_id 0x0"));

    snprintf(path, sizeof path, "%s/text.sqlite", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++) {
        fputs("this is a text file, not a database\n", fp);
    }
    fclose(fp);
    assert_int_equal(aif_results_open(NULL, path, &r, &err), AIF_EPARSE);
    assert_non_null(strstr(err.message, "not an SQLite database"));

    snprintf(path, sizeof path, "%s/empty.sqlite", f->dir);
    fp = fopen(path, "w");
    fclose(fp);
    assert_int_equal(aif_results_open(NULL, path, &r, &err), AIF_EPARSE);

    snprintf(path, sizeof path, "%s/missing.sqlite", f->dir);
    assert_int_equal(aif_results_open(NULL, path, &r, &err), AIF_ENOTFOUND);
    assert_int_equal(aif_results_open(NULL, NULL, &r, &err), AIF_EINVAL);
    /* The refused files were not modified (still the versions written). */
    snprintf(path, sizeof path, "%s/old.sqlite", f->dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void unfinished_database_leaves_nothing(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, f->path, &r, NULL), AIF_OK);
    assert_int_equal(fill(r), AIF_OK);
    assert_int_equal(entries_in(f->dir) >= 1, 1);
    aif_results_close(r);
    assert_int_equal(entries_in(f->dir), 0);
    /* Exporting into a missing directory fails cleanly. */
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(aif_results_export_csv(r, "/nonexistent-dir"), AIF_EIO);
    assert_non_null(strstr(aif_results_error(r)->message, "/nonexistent-dir/runs.csv"));
    assert_int_equal(aif_results_write_summary(r, "/nonexistent-dir/s.json"), AIF_EIO);
    aif_results_close(r);
}

static void batches_commit_many_rows(void **state) {
    fixture *f = *state;
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, f->path, &r, NULL), AIF_OK);
    int64_t run_id, sid;
    aif_results_run run = {.name = "big", .kind = "scenario"};
    assert_int_equal(aif_results_add_run(r, &run, &run_id), AIF_OK);
    assert_int_equal(aif_results_add_series(r, run_id, "c", "s", "W", &sid), AIF_OK);
    for (int i = 0; i < 120000; i++) {
        assert_int_equal(aif_results_add_point(r, sid, i, i % 7), AIF_OK);
    }
    assert_int_equal(aif_results_finish(r), AIF_OK);
    aif_results_close(r);
    sqlite3 *db;
    sqlite3_open(f->path, &db);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "SELECT count(*), sum(value) FROM timeseries", -1, &s, NULL);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 120000);
    /* sum of i % 7 for i < 120000: 17142 full cycles of 21 plus 0..5 (15). */
    assert_int_equal(sqlite3_column_int(s, 1), 17142 * 21 + 15);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void every_allocation_failure_is_clean(void **state) {
    fixture *f = *state;
    int reached_success = 0;
    for (long fail_at = 1; fail_at < 40 && !reached_success; fail_at++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, fail_at);
        aif_results *r = NULL;
        aif_status st = aif_results_create(&t.base, f->path, &r, NULL);
        if (st == AIF_OK) {
            st = fill(r);
            st = st ? st : aif_results_finish(r);
            st = st ? st : aif_results_export_csv(r, f->dir);
            st = st ? st : aif_results_write_summary(r, f->path);
            aif_results_close(r);
            reached_success = st == AIF_OK;
        } else {
            assert_int_equal(st, AIF_ENOMEM);
            assert_null(r);
        }
        if (!reached_success && t.failures == 1) {
            assert_int_not_equal(st, AIF_OK);
        }
        assert_int_equal(t.live_blocks, 0);
        assert_int_equal(t.live_bytes, 0);
    }
    assert_true(reached_success);
    /* The same for opening an existing file. */
    reached_success = 0;
    for (long fail_at = 1; fail_at < 10 && !reached_success; fail_at++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, fail_at);
        aif_results *r = NULL;
        aif_status st = aif_results_open(&t.base, f->path, &r, NULL);
        reached_success = st == AIF_OK;
        /* f->path now holds summary.json: refused, but never a crash or leak. */
        assert_true(st == AIF_ENOMEM || st == AIF_EPARSE);
        reached_success = st == AIF_EPARSE;
        aif_results_close(r);
        assert_int_equal(t.live_blocks, 0);
    }
    assert_true(reached_success);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip_through_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_export_is_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(summary_json_has_runs_params_metrics_and_counts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(summary_json_of_a_name_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_rows_are_rejected_with_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(old_foreign_and_newer_files_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(unfinished_database_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_commit_many_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(every_allocation_failure_is_clean, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
