/* Unit tests for the HTML report: the data embedded in the page for a replay (CDF points,
 * time-bucketed busy GPUs and queue length, per-VC table) and a scenario (tagged series,
 * cumulative cash, events, contracts) against values worked out by hand; a self-contained
 * page that never names a remote resource; byte-identical output for identical input;
 * reports from a database file; and clean failure under allocation faults. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <jansson.h>

#include "aifactory/report.h"
#include "aifactory/results.h"
#include "test_report_fixture.h"

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    buf[got] = '\0';
    fclose(fp);
    return buf;
}

/* The JSON between the data <script> tags of a page. */
static json_t *page_data(const char *html) {
    const char *open = "<script type=\"application/json\" id=\"aif-data\">";
    const char *a = strstr(html, open);
    assert_non_null(a);
    a += strlen(open);
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    json_error_t err;
    json_t *d = json_loadb(a, (size_t)(b - a), 0, &err);
    assert_non_null(d);
    return d;
}

static json_t *find(json_t *arr, const char *id) {
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "id")), id) == 0) {
            return v;
        }
    }
    fail_msg("no chart or table %s", id);
    return NULL;
}

static double num(json_t *arr, size_t i) {
    return json_number_value(json_array_get(arr, i));
}

static json_t *first_series(json_t *chart, const char *axis) {
    return json_object_get(json_array_get(json_object_get(chart, "series"), 0), axis);
}

static void write_page(aif_results *r, const aif_report_options *opt, char *path, size_t size) {
    snprintf(path, size, "report_test_%ld.html", (long)getpid());
    assert_int_equal(aif_report_write(r, 0, path, opt), AIF_OK);
}

static void replay_page_has_exact_curves(void **state) {
    (void)state;
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(fx_tiny_replay(r, &run), AIF_OK);
    char path[64];
    write_page(r, NULL, path, sizeof path);
    char *html = slurp(path);
    json_t *d = page_data(html);
    json_t *charts = json_object_get(d, "charts");

    json_t *jct = find(charts, "jct-cdf");
    assert_true(json_is_true(json_object_get(jct, "x_log")));
    json_t *x = first_series(jct, "x"), *y = first_series(jct, "y");
    assert_int_equal(json_array_size(x), 3);
    assert_true(num(x, 0) == 20 && num(x, 1) == 50 && num(x, 2) == 60);
    assert_true(num(y, 0) == 1.0 / 3 && num(y, 1) == 2.0 / 3 && num(y, 2) == 1.0);

    json_t *wait = find(charts, "wait-cdf");
    assert_true(json_is_false(json_object_get(wait, "x_log"))); /* a zero wait */
    x = first_series(wait, "x");
    assert_true(num(x, 0) == 0 && num(x, 1) == 10 && num(x, 2) == 20);

    /* 400 buckets of 0.25 s plus a closing point at 100 s. */
    json_t *busy = find(charts, "busy-gpus");
    x = first_series(busy, "x");
    y = first_series(busy, "y");
    assert_int_equal(json_array_size(y), 401);
    assert_true(num(x, 100) == 25.0 && num(x, 400) == 100.0);
    assert_true(num(y, 0) == 4 && num(y, 79) == 4 && num(y, 80) == 6 && num(y, 100) == 6);
    assert_true(num(y, 120) == 4 && num(y, 220) == 0 && num(y, 399) == 8 && num(y, 400) == 8);
    json_t *queue = first_series(find(charts, "queue-length"), "y");
    assert_true(num(queue, 0) == 0 && num(queue, 40) == 1 && num(queue, 80) == 0);
    assert_true(num(queue, 200) == 1 && num(queue, 240) == 0 && num(queue, 380) == 1);

    json_t *vc = find(json_object_get(d, "tables"), "per-vc");
    json_t *cols = json_object_get(vc, "columns");
    assert_string_equal(json_string_value(json_array_get(cols, 4)), "GPU-hours (GPU h)");
    json_t *a = json_array_get(json_object_get(vc, "rows"), 0);
    json_t *b = json_array_get(json_object_get(vc, "rows"), 1);
    assert_string_equal(json_string_value(json_array_get(a, 0)), "a");
    assert_int_equal(json_integer_value(json_array_get(a, 1)), 2);
    assert_int_equal(json_integer_value(json_array_get(b, 2)), 1); /* completed */
    assert_int_equal(json_integer_value(json_array_get(b, 3)), 9); /* GPUs requested */
    assert_true(num(a, 4) == 220.0 / 3600.0);
    assert_true(num(a, 5) == 5.0 && num(a, 6) == 10.0 && num(a, 7) == 35.0);
    assert_true(num(b, 5) == 20.0 && num(b, 7) == 60.0);

    json_t *metrics = json_object_get(d, "metrics");
    assert_string_equal(json_string_value(json_object_get(json_array_get(metrics, 1), "name")),
                        "mean JCT");
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "run"), "kind")),
                        "replay");
    json_decref(d);
    free(html);
    remove(path);
    aif_results_close(r);
}

/* Issue 18: under LAS a preempted job waits again between its first start and its end.
 * Two 8-GPU jobs on an 8-GPU cluster, each preempted once: counting them busy from first
 * start to end would show 16 busy GPUs. With the engine's busy-GPU and queue series the
 * chart follows them; without them no occupancy chart is drawn at all. */
static void preempted_jobs_are_not_busy(void **state) {
    (void)state;
    for (int with_series = 0; with_series < 2; with_series++) {
        aif_results *r;
        int64_t run, busy_id, queue_id;
        assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
        aif_results_run rr = {.name = "las", .kind = "replay", .wall_s = NAN, .sim_end_s = 40};
        assert_int_equal(aif_results_add_run(r, &rr, &run), AIF_OK);
        /* j1 runs [0,10) and [20,30); j2 runs [10,20) and [30,40). */
        const aif_record_job jobs[] = {
            {.job_id = "j1",
             .gpus = 8,
             .submit_s = 0,
             .start_s = 0,
             .end_s = 30,
             .interruptions = 1},
            {.job_id = "j2",
             .gpus = 8,
             .submit_s = 0,
             .start_s = 10,
             .end_s = 40,
             .interruptions = 1},
        };
        for (int i = 0; i < 2; i++) {
            assert_int_equal(aif_results_add_job(r, run, &jobs[i]), AIF_OK);
        }
        if (with_series) {
            assert_int_equal(aif_results_add_series(r, run, "GPUs", "busy GPUs", "GPU", &busy_id),
                             AIF_OK);
            assert_int_equal(
                aif_results_add_series(r, run, "jobs", "queued jobs", "jobs", &queue_id), AIF_OK);
            for (int t = 0; t <= 40; t += 10) {
                assert_int_equal(aif_results_add_point(r, busy_id, t, t < 40 ? 8 : 0), AIF_OK);
                assert_int_equal(aif_results_add_point(r, queue_id, t, t < 30 ? 1 : 0), AIF_OK);
            }
        }
        char path[64];
        write_page(r, NULL, path, sizeof path);
        char *html = slurp(path);
        json_t *d = page_data(html);
        json_t *charts = json_object_get(d, "charts");
        size_t i;
        json_t *ch, *busy = NULL;
        json_array_foreach(charts, i, ch) {
            if (strcmp(json_string_value(json_object_get(ch, "id")), "busy-gpus") == 0) {
                busy = ch;
            }
        }
        if (!with_series) {
            assert_null(busy);
        } else {
            assert_non_null(busy);
            json_t *y = first_series(busy, "y");
            for (size_t k = 0; k < json_array_size(y); k++) {
                assert_true(fabs(num(y, k) - 8.0) < 1e-9);
            }
            json_t *q = first_series(find(charts, "queue-length"), "y");
            assert_true(fabs(num(q, 0) - 1.0) < 1e-9 && num(q, 399) == 0.0);
        }
        json_decref(d);
        free(html);
        remove(path);
        aif_results_close(r);
    }
}

static void scenario_page_groups_series_and_money(void **state) {
    (void)state;
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(fx_scenario(r, &run), AIF_OK);
    char path[64];
    write_page(r, NULL, path, sizeof path);
    char *html = slurp(path);
    json_t *d = page_data(html);
    json_t *charts = json_object_get(d, "charts");
    /* Three chart tags in order of first declaration, then the cash chart; no job charts. */
    assert_int_equal(json_array_size(charts), 4);
    json_t *cap = json_array_get(charts, 0);
    assert_string_equal(json_string_value(json_object_get(cap, "title")), "capacity online");
    assert_string_equal(json_string_value(json_object_get(cap, "unit")), "GW");
    assert_int_equal(json_array_size(json_object_get(cap, "series")), 2);
    assert_int_equal(json_array_size(first_series(cap, "x")), 25);
    json_t *cash = find(charts, "cash-position");
    json_t *series = json_object_get(cash, "series");
    /* capex, tranche, revenue, opex, then the net position. */
    assert_int_equal(json_array_size(series), 5);
    json_t *net = json_array_get(series, 4);
    assert_string_equal(json_string_value(json_object_get(net, "name")), "net position");
    json_t *ny = json_object_get(net, "y");
    assert_int_equal(json_array_size(ny), 4); /* four distinct booking times */
    assert_true(num(ny, 0) == -4e9 && num(ny, 1) == -2e9 && num(ny, 2) == -0.8e9);
    assert_true(num(ny, 3) == 2.2e9);
    json_t *rev = json_object_get(json_array_get(series, 2), "y");
    assert_true(num(rev, 0) == 0 && num(rev, 2) == 1.5e9 && num(rev, 3) == 4.5e9);
    json_t *ev = json_object_get(d, "events");
    assert_int_equal(json_integer_value(json_object_get(ev, "total")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ev, "subject"), 1)),
                        "tranche 1 <paid>");
    find(json_object_get(d, "tables"), "contracts");
    assert_int_equal(json_array_size(json_object_get(d, "metrics")), 10);
    /* The '<' of the event subject cannot end the script element early. */
    assert_null(strstr(html, "<paid>"));
    assert_non_null(strstr(html, "\\u003cpaid>"));
    json_decref(d);
    free(html);
    remove(path);
    aif_results_close(r);
}

/* A scenario with a start date: the page gets the date, frontier runs become a training
 * table (dates, interruptions and work lost counted from every run_failure event, not only
 * those shown), no job CDFs, contract dates, and the event strip keeps the rare kinds by
 * capping each kind at 300 markers. */
static void scenario_training_runs_dates_and_event_cap(void **state) {
    (void)state;
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(fx_scenario_dated(r, &run), AIF_OK);
    char path[64];
    write_page(r, NULL, path, sizeof path);
    char *html = slurp(path);
    json_t *d = page_data(html);
    json_t *runj = json_object_get(d, "run");
    assert_string_equal(json_string_value(json_object_get(runj, "start_date")), "2025-09-01");
    json_t *charts = json_object_get(d, "charts");
    assert_int_equal(json_array_size(charts), 4);
    for (size_t i = 0; i < json_array_size(charts); i++) {
        const char *id = json_string_value(json_object_get(json_array_get(charts, i), "id"));
        assert_true(strcmp(id, "jct-cdf") != 0 && strcmp(id, "busy-gpus") != 0);
    }
    json_t *tables = json_object_get(d, "tables");
    json_t *tr = json_object_get(find(tables, "training-runs"), "rows");
    assert_int_equal(json_array_size(tr), 2);
    static const char *const want1[] = {"big-1",      "site A",     NULL,       "2025-12-10",
                                        "2025-12-10", "2026-01-09", "completed"};
    static const char *const want2[] = {"big-2",      "site A", NULL,     "2026-03-20",
                                        "2026-05-09", NULL,     "running"};
    json_t *r1 = json_array_get(tr, 0), *r2 = json_array_get(tr, 1);
    for (size_t i = 0; i < 7; i++) {
        if (want1[i]) {
            assert_string_equal(json_string_value(json_array_get(r1, i)), want1[i]);
        }
        if (want2[i]) {
            assert_string_equal(json_string_value(json_array_get(r2, i)), want2[i]);
        }
    }
    assert_int_equal(json_integer_value(json_array_get(r1, 2)), 1000);
    assert_true(json_is_null(json_array_get(r2, 5)));
    assert_true(num(r1, 7) == 1.0 && json_is_null(json_array_get(r2, 7)));
    assert_true(num(r1, 8) == 30.0 && num(r2, 8) == 480.0);
    assert_int_equal(json_integer_value(json_array_get(r1, 9)), 2);
    assert_int_equal(json_integer_value(json_array_get(r2, 9)), 350);
    assert_true(fabs(num(r1, 10) - 0.125) < 1e-12 && fabs(num(r2, 10) - 3.5) < 1e-12);
    json_t *con = json_array_get(json_object_get(find(tables, "contracts"), "rows"), 0);
    assert_string_equal(json_string_value(json_array_get(con, 3)), "2025-09-01");
    assert_string_equal(json_string_value(json_array_get(con, 4)), "2026-02-28");
    assert_string_equal(json_string_value(json_array_get(con, 5)), "2027-09-01");
    json_t *ev = json_object_get(d, "events");
    assert_int_equal(json_integer_value(json_object_get(ev, "total")), 3 + 2 + 350 + 1);
    json_t *kinds = json_object_get(ev, "kind");
    size_t failures = 0, tranche = 0;
    for (size_t i = 0; i < json_array_size(kinds); i++) {
        failures += strcmp(json_string_value(json_array_get(kinds, i)), "run_failure") == 0;
        tranche += strcmp(json_string_value(json_array_get(kinds, i)), "tranche") == 0;
    }
    assert_int_equal(failures, 300);
    assert_int_equal(tranche, 1);
    assert_int_equal(json_array_size(kinds), 3 + 300 + 1);
    json_decref(d);
    free(html);
    remove(path);
    aif_results_close(r);
}

static void page_is_self_contained_and_deterministic(void **state) {
    (void)state;
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(fx_random_replay(r, 200, &run), AIF_OK);
    char path[64];
    write_page(r, NULL, path, sizeof path);
    char *one = slurp(path);
    write_page(r, NULL, path, sizeof path);
    char *two = slurp(path);
    assert_string_equal(one, two);
    /* No external scripts, styles, images or fonts: nothing to fetch when opened. */
    assert_null(strstr(one, "<script src"));
    assert_null(strstr(one, "<link"));
    assert_null(strstr(one, "src=\"http"));
    assert_null(strstr(one, "url(http"));
    assert_null(strstr(one, "@import"));
    assert_non_null(strstr(one, "<script type=\"application/json\" id=\"aif-data\">"));
    json_t *d = page_data(one);
    json_t *lib = json_object_get(d, "charts_library");
    assert_int_equal(json_is_true(json_object_get(lib, "uplot")), aif_report_has_chart_library());
    json_decref(d);
    /* Forcing the built-in charts leaves the library out of the page. */
    aif_report_options opt = {.title = "Forced <svg>", .force_svg = 1};
    write_page(r, &opt, path, sizeof path);
    char *svg = slurp(path);
    assert_true(strlen(svg) < strlen(one) || !aif_report_has_chart_library());
    assert_non_null(strstr(svg, "<title>Forced &lt;svg&gt;</title>"));
    d = page_data(svg);
    assert_true(json_is_false(json_object_get(json_object_get(d, "charts_library"), "uplot")));
    json_decref(d);
    free(one);
    free(two);
    free(svg);
    remove(path);
    aif_results_close(r);
}

static void report_from_a_database_file(void **state) {
    (void)state;
    char db[64], html[64];
    snprintf(db, sizeof db, "report_test_%ld.sqlite", (long)getpid());
    snprintf(html, sizeof html, "report_test_%ld.html", (long)getpid());
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, db, &r, NULL), AIF_OK);
    assert_int_equal(fx_scenario(r, &run), AIF_OK);
    assert_int_equal(fx_tiny_replay(r, &run), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    aif_results_close(r);
    assert_int_equal(aif_results_open(NULL, db, &r, NULL), AIF_OK);
    assert_int_equal(aif_report_write(r, 2, html, NULL), AIF_OK);
    char *text = slurp(html);
    json_t *d = page_data(text);
    assert_string_equal(json_string_value(json_object_get(d, "title")),
                        "aifactory report: tiny replay");
    json_decref(d);
    free(text);
    assert_int_equal(aif_report_write(r, 3, html, NULL), AIF_ENOTFOUND);
    assert_non_null(strstr(aif_results_error(r)->message, "no run 3"));
    assert_int_equal(aif_report_write(r, 1, "/nonexistent-dir/r.html", NULL), AIF_EIO);
    assert_int_equal(aif_report_write(NULL, 1, html, NULL), AIF_EINVAL);
    aif_results_close(r);
    remove(db);
    remove(html);
}

/* Change the stored results behind the writer's back, as another tool or damage could. */
static void tamper(const char *db, const char *sql) {
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* Infinite numbers become null and are counted (JSON has none); text that is not UTF-8 is
 * refused with a message saying so, not reported as out of memory. */
static void report_of_foreign_values(void **state) {
    (void)state;
    char db[64], html[64];
    snprintf(db, sizeof db, "report_foreign_%ld.sqlite", (long)getpid());
    snprintf(html, sizeof html, "report_foreign_%ld.html", (long)getpid());
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, db, &r, NULL), AIF_OK);
    assert_int_equal(fx_tiny_replay(r, &run), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    aif_results_close(r);
    tamper(db, "UPDATE metrics SET value = 1e999 WHERE rowid = (SELECT min(rowid) FROM metrics); "
               "UPDATE metrics SET value = -1e999 WHERE rowid = (SELECT max(rowid) FROM metrics)");
    size_t nonfinite = 0;
    assert_int_equal(aif_results_open(NULL, db, &r, NULL), AIF_OK);
    assert_int_equal(aif_report_write(r, 0, html, &(aif_report_options){.nonfinite = &nonfinite}),
                     AIF_OK);
    assert_int_equal(nonfinite, 2);
    char *text = slurp(html);
    json_t *d = page_data(text);
    assert_true(
        json_is_null(json_object_get(json_array_get(json_object_get(d, "metrics"), 0), "value")));
    json_decref(d);
    free(text);
    aif_results_close(r);
    tamper(db, "UPDATE runs SET name = CAST(X'41ff42' AS TEXT)");
    assert_int_equal(aif_results_open(NULL, db, &r, NULL), AIF_OK);
    assert_int_equal(aif_report_write(r, 0, html, NULL), AIF_EPARSE);
    assert_non_null(strstr(aif_results_error(r)->message, "not UTF-8 (byte 0xff at offset 1"));
    aif_results_close(r);
    remove(db);
    remove(html);
}

/* Four years of daily points: "steps" holds each value for 30 days (long runs of equal
 * values), "cycle" is day % 7 (no runs) and "offset" is recorded half a second past each
 * day (times that are not whole seconds). */
static aif_status fx_four_years_daily(aif_results *r, int64_t *run_id) {
    const int days = 1461;
    aif_results_run run = {
        .name = "daily", .kind = "scenario", .seed = 1, .wall_s = NAN, .sim_end_s = days * 86400.0};
    FX_TRY(aif_results_add_run(r, &run, run_id));
    int64_t steps, cycle, offset;
    FX_TRY(aif_results_add_series(r, *run_id, "levels", "steps", "GW", &steps));
    FX_TRY(aif_results_add_series(r, *run_id, "levels", "cycle", "GW", &cycle));
    FX_TRY(aif_results_add_series(r, *run_id, "shifted", "offset", "GW", &offset));
    for (int d = 0; d < days; d++) {
        FX_TRY(aif_results_add_point(r, steps, d * 86400.0, 0.25 * (d / 30)));
        FX_TRY(aif_results_add_point(r, cycle, d * 86400.0, d % 7));
        FX_TRY(aif_results_add_point(r, offset, d * 86400.0 + 0.5, 1.0 / 3.0));
    }
    return AIF_OK;
}

/* Decoded base64 (RFC 4648, padded) of `text`; *n gets the byte count. */
static unsigned char *unbase64(const char *text, size_t *n) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(text);
    assert_int_equal(len % 4, 0);
    unsigned char *out = malloc(len / 4 * 3 + 1);
    *n = 0;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            const char *p = text[i + k] == '=' ? NULL : strchr(alphabet, text[i + k]);
            assert_true(p != NULL || text[i + k] == '=');
            pad += p == NULL;
            v = v << 6 | (p ? (uint32_t)(p - alphabet) : 0);
        }
        for (int k = 0; k < 3 - pad; k++) {
            out[(*n)++] = (unsigned char)(v >> (16 - 8 * k));
        }
    }
    return out;
}

/* The i-th little-endian float of `width` bytes in `bytes`. */
static double float_at(const unsigned char *bytes, size_t i, int width) {
    uint64_t bits = 0;
    for (int k = 0; k < width; k++) {
        bits |= (uint64_t)bytes[i * (size_t)width + (size_t)k] << (8 * k);
    }
    if (width == 4) {
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, sizeof f);
        return f;
    }
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static json_t *series_named(json_t *chart, const char *name) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(chart, "series"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0) {
            return s;
        }
    }
    fail_msg("no series %s", name);
    return NULL;
}

/* A run over three years draws weekly means; each series also carries its daily points,
 * in the compact form the page decodes when zoomed in, and they decode to the recorded
 * values. */
static void long_run_carries_its_finest_points(void **state) {
    (void)state;
    aif_results *r;
    int64_t run;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(fx_four_years_daily(r, &run), AIF_OK);
    char path[64];
    write_page(r, NULL, path, sizeof path);
    char *html = slurp(path);
    json_t *d = page_data(html);
    json_t *levels = find(json_object_get(d, "charts"), "series-0");
    assert_true(json_number_value(json_object_get(levels, "bucket_s")) == 7 * 86400.0);
    assert_int_equal(json_array_size(first_series(levels, "x")), 209); /* 1461 days / 7 */

    /* "cycle": every value, times as one run of one-day steps. */
    json_t *f = json_object_get(series_named(levels, "cycle"), "fine");
    assert_non_null(f);
    assert_int_equal(json_integer_value(json_object_get(f, "n")), 1461);
    assert_true(json_number_value(json_object_get(f, "bucket_s")) == 0);
    assert_true(json_number_value(json_object_get(f, "x0")) == 0);
    json_t *dx = json_object_get(f, "dx");
    assert_int_equal(json_array_size(dx), 1);
    assert_true(num(json_array_get(dx, 0), 0) == 86400);
    assert_int_equal(json_integer_value(json_array_get(json_array_get(dx, 0), 1)), 1460);
    assert_null(json_object_get(f, "yrun"));
    size_t n;
    unsigned char *y = unbase64(json_string_value(json_object_get(f, "y32")), &n);
    assert_int_equal(n, 1461 * 4);
    for (size_t i = 0; i < 1461; i++) {
        assert_true(float_at(y, i, 4) == (double)(i % 7));
    }
    free(y);

    /* "steps": one value per 30-day run, and the runs' lengths. */
    f = json_object_get(series_named(levels, "steps"), "fine");
    json_t *runs = json_object_get(f, "yrun");
    assert_int_equal(json_array_size(runs), 49);
    y = unbase64(json_string_value(json_object_get(f, "y32")), &n);
    assert_int_equal(n, 49 * 4);
    size_t total = 0;
    for (size_t k = 0; k < 49; k++) {
        assert_true(float_at(y, k, 4) == 0.25 * (double)k);
        json_int_t len = json_integer_value(json_array_get(runs, k));
        assert_int_equal(len, k < 48 ? 30 : 1461 - 48 * 30);
        total += (size_t)len;
    }
    assert_int_equal(total, 1461);
    free(y);

    /* "offset": times that are not whole seconds travel as float64, exactly. */
    f = json_object_get(series_named(find(json_object_get(d, "charts"), "series-1"), "offset"),
                        "fine");
    assert_null(json_object_get(f, "dx"));
    unsigned char *x = unbase64(json_string_value(json_object_get(f, "x64")), &n);
    assert_int_equal(n, 1461 * 8);
    for (size_t i = 0; i < 1461; i++) {
        assert_true(float_at(x, i, 8) == (double)i * 86400.0 + 0.5);
    }
    free(x);
    y = unbase64(json_string_value(json_object_get(f, "y32")), &n);
    assert_true(float_at(y, 0, 4) == (double)(1.0f / 3.0f));
    free(y);

    /* A run short enough to draw every point carries nothing more. */
    json_decref(d);
    free(html);
    aif_results_close(r);
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    assert_int_equal(fx_scenario_dated(r, &run), AIF_OK);
    write_page(r, NULL, path, sizeof path);
    html = slurp(path);
    assert_null(strstr(html, "\"fine\""));
    free(html);
    aif_results_close(r);
    remove(path);
}

/* A replay recording a point every 12 minutes for 100 days (12 000 points, more than the
 * page draws: 2 000 means of 72 minutes) carries hourly means for zooming; every point of
 * hour k holds k, so each mean is exactly k. */
static void busy_replay_carries_hourly_means(void **state) {
    (void)state;
    aif_results *r;
    int64_t run, sid;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    aif_results_run rr = {
        .name = "busy", .kind = "replay", .seed = 1, .wall_s = NAN, .sim_end_s = 100 * 86400.0};
    assert_int_equal(aif_results_add_run(r, &rr, &run), AIF_OK);
    assert_int_equal(aif_results_add_series(r, run, "jobs", "queued jobs", "jobs", &sid), AIF_OK);
    for (int i = 0; i < 12000; i++) {
        assert_int_equal(aif_results_add_point(r, sid, i * 720.0, i / 5), AIF_OK);
    }
    char path[64];
    write_page(r, NULL, path, sizeof path);
    char *html = slurp(path);
    json_t *d = page_data(html);
    json_t *jobs = find(json_object_get(d, "charts"), "series-0");
    assert_true(json_number_value(json_object_get(jobs, "bucket_s")) == 4320);
    json_t *f = json_object_get(json_array_get(json_object_get(jobs, "series"), 0), "fine");
    assert_int_equal(json_integer_value(json_object_get(f, "n")), 2400);
    assert_true(json_number_value(json_object_get(f, "bucket_s")) == 3600);
    json_t *dx = json_array_get(json_object_get(f, "dx"), 0);
    assert_true(num(dx, 0) == 3600 && json_integer_value(json_array_get(dx, 1)) == 2399);
    size_t n;
    unsigned char *y = unbase64(json_string_value(json_object_get(f, "y32")), &n);
    assert_int_equal(n, 2400 * 4);
    for (size_t k = 0; k < 2400; k++) {
        assert_true(float_at(y, k, 4) == (double)k);
    }
    free(y);
    json_decref(d);
    free(html);
    aif_results_close(r);
    remove(path);
}

/* Every fixture's page, failing the Nth allocation until one succeeds. */
static void fail_each_allocation(aif_status (*fixture)(aif_results *, int64_t *), long tries) {
    char path[64];
    snprintf(path, sizeof path, "report_fail_%ld.html", (long)getpid());
    int reached_success = 0;
    for (long fail_at = 1; fail_at < tries && !reached_success; fail_at++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, 0);
        aif_results *r;
        int64_t run;
        assert_int_equal(aif_results_create(&t.base, NULL, &r, NULL), AIF_OK);
        assert_int_equal(fixture(r, &run), AIF_OK);
        t.fail_at = t.allocations + fail_at;
        aif_status st = aif_report_write(r, 0, path, NULL);
        reached_success = st == AIF_OK;
        assert_true(st == AIF_OK || st == AIF_ENOMEM);
        assert_true(st == AIF_ENOMEM || t.failures == 0);
        aif_results_close(r);
        assert_int_equal(t.live_blocks, 0);
    }
    assert_true(reached_success);
    remove(path);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    fail_each_allocation(fx_tiny_replay, 20);
    fail_each_allocation(fx_scenario_dated, 20);
    fail_each_allocation(fx_four_years_daily, 40);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_page_has_exact_curves),
        cmocka_unit_test(preempted_jobs_are_not_busy),
        cmocka_unit_test(scenario_page_groups_series_and_money),
        cmocka_unit_test(scenario_training_runs_dates_and_event_cap),
        cmocka_unit_test(page_is_self_contained_and_deterministic),
        cmocka_unit_test(report_from_a_database_file),
        cmocka_unit_test(report_of_foreign_values),
        cmocka_unit_test(long_run_carries_its_finest_points),
        cmocka_unit_test(busy_replay_carries_hourly_means),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
