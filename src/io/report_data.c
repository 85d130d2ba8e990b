/* The data model of the HTML report: reads one run from a results store and builds the
 * JSON document that report.js draws (see report.h for what the page shows). Everything
 * heavy is reduced here, in C, so the page stays small whatever the size of the run: job
 * durations become at most CDF_POINTS quantiles, busy GPUs and queue length become
 * BUCKETS time-weighted means, long series become weekly or time-weighted means. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"
#include "textcheck.h"

#define CDF_POINTS   200
#define BUCKETS      400
#define MAX_POINTS   4000
#define MAX_EVENTS   5000
#define MAX_PER_KIND 300
#define FINE_STEP_S  3600.0
#define MAX_FINE     100000

typedef struct ctx {
    aif_results *r;
    sqlite3 *db;
    sqlite3_int64 run;
    double t0, t1;    /* simulated span of the run */
    int replay;       /* a trace replay: its series are steps */
    aif_status st;    /* first failure; later steps become no-ops */
    size_t nonfinite; /* infinite or NaN numbers written as null */
} ctx;

static int fail(ctx *c, aif_status st, const char *what) {
    if (c->st == AIF_OK) {
        c->st = aif__results_fail(c->r, st, "report: %s: %s", what,
                                  st == AIF_ENOMEM ? "out of memory" : sqlite3_errmsg(c->db));
    }
    return 0;
}

/* Attach `v` to `obj` under `key`; a NULL `v` (an earlier allocation failed) fails. */
static int put(ctx *c, json_t *obj, const char *key, json_t *v) {
    /* After a failure containers may already be freed: touch nothing, drop `v`. */
    if (c->st != AIF_OK || v == NULL || obj == NULL) {
        json_decref(v);
        return fail(c, AIF_ENOMEM, key);
    }
    return json_object_set_new(obj, key, v) == 0 ? 1 : fail(c, AIF_ENOMEM, key);
}

static int push(ctx *c, json_t *arr, json_t *v) {
    if (c->st != AIF_OK || v == NULL || arr == NULL) {
        json_decref(v);
        return fail(c, AIF_ENOMEM, "array");
    }
    return json_array_append_new(arr, v) == 0 ? 1 : fail(c, AIF_ENOMEM, "array");
}

static sqlite3_stmt *query(ctx *c, const char *sql) {
    sqlite3_stmt *s = NULL;
    if (c->st != AIF_OK) {
        return NULL;
    }
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
        fail(c, AIF_EIO, "query");
        sqlite3_finalize(s);
        return NULL;
    }
    if (sqlite3_bind_parameter_count(s) >= 1) {
        sqlite3_bind_int64(s, 1, c->run);
    }
    return s;
}

/* Step a query; a failure other than "no more rows" is recorded. */
static int row(ctx *c, sqlite3_stmt *s) {
    if (s == NULL) {
        return 0;
    }
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        return 1;
    }
    if (rc != SQLITE_DONE) {
        fail(c, AIF_EIO, "reading");
    }
    return 0;
}

/* Text for the page. JSON strings are UTF-8, and a results file written by another tool
 * or damaged may hold other bytes: the report is refused, saying where, rather than
 * written with them or reported as out of memory. NULL text is null. */
static json_t *jstr(ctx *c, const char *s) {
    if (s == NULL) {
        return json_null();
    }
    json_t *v = json_string(s);
    aif__text_fault fault;
    if (v == NULL && c->st == AIF_OK && !aif__text_check(s, strlen(s), &fault)) {
        c->st = aif__results_fail(c->r, AIF_EPARSE,
                                  "report: run %lld holds text that is not UTF-8 (byte 0x%02x at "
                                  "offset %zu of a %zu-byte value); the results file was not "
                                  "written by aifactory, or is damaged",
                                  (long long)c->run, fault.byte, fault.offset, strlen(s));
    }
    return v;
}

/* A number for the page: JSON has no infinity or NaN, so they are written as null (a gap
 * in a chart, an empty cell) and counted, for the caller to say so. */
static json_t *jreal(ctx *c, double v) {
    if (!isfinite(v)) {
        c->nonfinite++;
        return json_null();
    }
    return json_real(v);
}

static json_t *col(ctx *c, sqlite3_stmt *s, int i) {
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
        return json_null();
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT:
        return jreal(c, sqlite3_column_double(s, i));
    default:
        return jstr(c, (const char *)sqlite3_column_text(s, i));
    }
}

static sqlite3_int64 count(ctx *c, const char *sql) {
    sqlite3_stmt *s = query(c, sql);
    sqlite3_int64 n = row(c, s) ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return n;
}

/* A generic table: the query's column names (which carry the units) and its rows. */
static json_t *table(ctx *c, const char *id, const char *title, const char *sql) {
    json_t *t = json_object(), *cols = json_array(), *rows = json_array();
    put(c, t, "id", jstr(c, id));
    put(c, t, "title", jstr(c, title));
    sqlite3_stmt *s = query(c, sql);
    int n = s ? sqlite3_column_count(s) : 0;
    for (int i = 0; i < n; i++) {
        push(c, cols, jstr(c, sqlite3_column_name(s, i)));
    }
    while (c->st == AIF_OK && row(c, s)) {
        json_t *r = json_array();
        for (int i = 0; i < n; i++) {
            push(c, r, col(c, s, i));
        }
        push(c, rows, r);
    }
    sqlite3_finalize(s);
    put(c, t, "columns", cols);
    put(c, t, "rows", rows);
    return t;
}

/* A chart with no series yet. kind: "time" (x is simulated time in s) or "duration". */
static json_t *chart(ctx *c, const char *id, const char *title, const char *y_label,
                     const char *unit, const char *x_kind, int step) {
    if (c->st != AIF_OK) {
        return NULL;
    }
    json_t *ch = json_object();
    put(c, ch, "id", jstr(c, id));
    put(c, ch, "title", jstr(c, title));
    put(c, ch, "y_label", jstr(c, y_label));
    put(c, ch, "unit", jstr(c, unit));
    put(c, ch, "x_kind", jstr(c, x_kind));
    put(c, ch, "x_log", json_false());
    put(c, ch, "step", json_boolean(step));
    put(c, ch, "series", json_array());
    return ch;
}

static json_t *series(ctx *c, json_t *ch, const char *name, json_t **x, json_t **y) {
    *x = *y = NULL;
    if (c->st != AIF_OK) {
        return NULL;
    }
    json_t *s = json_object();
    *x = json_array();
    *y = json_array();
    put(c, s, "name", jstr(c, name));
    put(c, s, "x", *x);
    put(c, s, "y", *y);
    push(c, json_object_get(ch, "series"), s);
    return s;
}

static void point(ctx *c, json_t *x, json_t *y, double xv, double yv) {
    if (c->st != AIF_OK) {
        return;
    }
    push(c, x, jreal(c, xv));
    push(c, y, jreal(c, yv));
}

/* ---- header ---- */

static void header(ctx *c, json_t *d) {
    json_t *run = json_object();
    sqlite3_stmt *s = query(c, "SELECT run_id, name, kind, seed, sim_start_s, sim_end_s "
                               "FROM runs WHERE run_id = ?");
    if (row(c, s)) {
        for (int i = 0; i < 6; i++) {
            put(c, run, sqlite3_column_name(s, i), col(c, s, i));
        }
        c->t0 = sqlite3_column_double(s, 4);
        c->t1 = sqlite3_column_double(s, 5);
    }
    sqlite3_finalize(s);
    /* Scenario runs store their calendar start as a param; the page then labels time axes
     * with dates. Replays have none and keep elapsed time. */
    s = query(c, "SELECT value FROM params WHERE run_id = ? AND name = 'start' AND unit = 'date' "
                 "AND value GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'");
    put(c, run, "start_date", row(c, s) ? col(c, s, 0) : json_null());
    sqlite3_finalize(s);
    put(c, d, "run", run);
    json_t *metrics = json_array();
    s = query(c, "SELECT name, value, unit FROM metrics WHERE run_id = ? ORDER BY ord");
    while (row(c, s)) {
        json_t *m = json_object();
        put(c, m, "name", col(c, s, 0));
        put(c, m, "value", col(c, s, 1));
        put(c, m, "unit", col(c, s, 2));
        push(c, metrics, m);
    }
    sqlite3_finalize(s);
    put(c, d, "metrics", metrics);
}

/* ---- time series grouped by chart tag ---- */

/* Add value v over [a, b) into nb time buckets of width w starting at t0; with `cover`,
 * also the time each bucket was covered (so a mean ignores time before the first point). */
static void spread_n(double *sum, double *cover, long nb, double t0, double w, double a, double b,
                     double v) {
    if ((v == 0 && cover == NULL) || b <= a) {
        return;
    }
    long k = (long)floor((a - t0) / w);
    k = k < 0 ? 0 : (k >= nb ? nb - 1 : k);
    while (a < b && k < nb) {
        double edge = k == nb - 1 ? b : t0 + (double)(k + 1) * w;
        double e = edge < b ? edge : b;
        if (e > a) {
            sum[k] += v * (e - a);
            if (cover) {
                cover[k] += e - a;
            }
            a = e;
        }
        k++;
    }
}

/* The width of the intervals a series is averaged over, or 0 to keep every point. A
 * scenario records one point a day: over ~3 years daily points draw the weekly cycle as a
 * solid band, so weekly means read better (the CSV keeps every day). A replay records a
 * point per event: past MAX_POINTS they become MAX_POINTS/2 time-weighted means, which,
 * unlike keeping every k-th point, cannot alias into a sawtooth. */
static double bucket_width(double span, sqlite3_int64 n) {
    /* Monthly series (cash flows) have fewer points than weeks: they stay as they are. */
    if (span > 3 * 365.25 * 86400 && (double)n > span / (7 * 86400)) {
        return 7 * 86400;
    }
    return n > MAX_POINTS ? span / (MAX_POINTS / 2) : 0;
}

static size_t buckets_over_run(const ctx *c, double w) {
    long nb = (long)ceil((c->t1 - c->t0) / w);
    return nb < 1 ? 1 : (size_t)nb;
}

/* Time-weighted means of a step series (a value holds until the next point; the last one
 * for the median gap, at most to the end of the run) over intervals of width w, into xs and
 * ys (room for buckets_over_run points each). Returns how many intervals held data. */
static size_t bucketed(ctx *c, sqlite3_stmt *pts, sqlite3_int64 n, double w, double *xs,
                       double *ys) {
    long nb = (long)buckets_over_run(c, w);
    double *sum = aif_calloc(aif__results_allocator(c->r), 2 * (size_t)nb, sizeof *sum);
    if (sum == NULL) {
        fail(c, AIF_ENOMEM, "buckets");
        return 0;
    }
    double *cover = sum + nb;
    double last = 0, v = 0, gap = 0;
    sqlite3_int64 i = 0;
    while (c->st == AIF_OK && row(c, pts)) {
        double t = sqlite3_column_double(pts, 0);
        if (i > 0) {
            spread_n(sum, cover, nb, c->t0, w, last, t, v);
            gap = t - last;
        }
        last = t;
        v = sqlite3_column_double(pts, 1);
        i++;
    }
    if (i > 0 && n > 0) {
        double end = last + (gap > 0 ? gap : w);
        spread_n(sum, cover, nb, c->t0, w, last, end < c->t1 ? end : c->t1, v);
    }
    size_t k = 0;
    for (long b = 0; b < nb; b++) {
        if (cover[b] > 0) {
            xs[k] = c->t0 + (double)b * w;
            ys[k++] = sum[b] / cover[b];
        }
    }
    aif_free(aif__results_allocator(c->r), sum, 2 * (size_t)nb * sizeof *sum);
    return k;
}

/* The aggregate of a series: its means over intervals of width w, as chart points. */
static void aggregate(ctx *c, sqlite3_stmt *pts, json_t *x, json_t *y, sqlite3_int64 n, double w) {
    size_t cap = buckets_over_run(c, w);
    double *buf = aif_calloc(aif__results_allocator(c->r), 2 * cap, sizeof *buf);
    if (buf == NULL) {
        fail(c, AIF_ENOMEM, "buckets");
        return;
    }
    size_t k = bucketed(c, pts, n, w, buf, buf + cap);
    for (size_t i = 0; i < k && c->st == AIF_OK; i++) {
        point(c, x, y, buf[i], buf[cap + i]);
    }
    aif_free(aif__results_allocator(c->r), buf, 2 * cap * sizeof *buf);
}

/* The finest level of a series whose chart shows means over intervals of width agg_w, for
 * the page to draw when zoomed into a short span: the points as recorded when they are at
 * most hourly on average (a scenario's daily points), else hourly time-weighted means (a
 * replay's per-event steps), coarser only past MAX_FINE points. Nothing when that is not
 * finer than the aggregate. `pts` is the series' point query, bound; it is run again. */
static void fine(ctx *c, json_t *s, sqlite3_stmt *pts, sqlite3_int64 n, double agg_w) {
    double span = c->t1 - c->t0;
    double fw =
        (double)n > span / FINE_STEP_S + 1 || n > MAX_FINE ? fmax(FINE_STEP_S, span / MAX_FINE) : 0;
    if (c->st != AIF_OK || n == 0 || !(span > 0) || !(fw < agg_w)) {
        return;
    }
    size_t cap = fw > 0 ? buckets_over_run(c, fw) : (size_t)n;
    const aif_allocator *a = aif__results_allocator(c->r);
    double *buf = aif_calloc(a, 2 * cap, sizeof *buf);
    if (buf == NULL) {
        fail(c, AIF_ENOMEM, "fine points");
        return;
    }
    sqlite3_reset(pts);
    size_t k = 0;
    if (fw > 0) {
        k = bucketed(c, pts, n, fw, buf, buf + cap);
    } else {
        while (k < cap && c->st == AIF_OK && row(c, pts)) {
            buf[k] = sqlite3_column_double(pts, 0);
            buf[cap + k++] = sqlite3_column_double(pts, 1);
        }
    }
    if (c->st == AIF_OK && k > 0) {
        put(c, s, "fine", aif__report_fine(a, buf, buf + cap, k, fw));
    }
    aif_free(a, buf, 2 * cap * sizeof *buf);
}

static void tagged_charts(ctx *c, json_t *charts) {
    sqlite3_stmt *s = query(c, "SELECT series_id, chart, name, unit, (SELECT count(*) FROM "
                               "timeseries t WHERE t.series_id = s.series_id) FROM series s "
                               "WHERE run_id = ? ORDER BY (SELECT min(series_id) FROM series "
                               "WHERE run_id = s.run_id AND chart = s.chart), series_id");
    sqlite3_stmt *pts = query(c, "SELECT time_s, value FROM timeseries WHERE series_id = ?1 "
                                 "ORDER BY time_s, rowid");
    json_t *ch = NULL;
    int k = 0;
    while (c->st == AIF_OK && row(c, s)) {
        const char *tag = (const char *)sqlite3_column_text(s, 1);
        const char *unit = (const char *)sqlite3_column_text(s, 3);
        sqlite3_int64 n = sqlite3_column_int64(s, 4);
        double w = bucket_width(c->t1 - c->t0, n);
        if (ch == NULL || strcmp(tag, json_string_value(json_object_get(ch, "title"))) != 0) {
            char id[32];
            snprintf(id, sizeof id, "series-%d", k++);
            /* A replay records its state at each event: it holds until the next one. */
            ch = chart(c, id, tag, tag, unit, "time", c->replay);
            /* The page says what a point is: "weekly means" or a raw value. */
            put(c, ch, "bucket_s", jreal(c, w));
            push(c, charts, ch);
            if (c->st != AIF_OK) {
                break;
            }
        }
        json_t *x, *y;
        json_t *so = series(c, ch, (const char *)sqlite3_column_text(s, 2), &x, &y);
        sqlite3_reset(pts);
        sqlite3_bind_int64(pts, 1, sqlite3_column_int64(s, 0));
        if (w > 0) {
            aggregate(c, pts, x, y, n, w);
            fine(c, so, pts, n, w);
            continue;
        }
        while (c->st == AIF_OK && row(c, pts)) {
            point(c, x, y, sqlite3_column_double(pts, 0), sqlite3_column_double(pts, 1));
        }
    }
    sqlite3_finalize(pts);
    sqlite3_finalize(s);
}

/* ---- jobs: CDFs, busy GPUs and queue length, per-VC table ---- */

/* The CDF of `column` of `table` (jobs, or a serving run's serve_requests), as at most
 * CDF_POINTS order statistics; `what` names the rows on the y axis. */
static void cdf_of(ctx *c, json_t *charts, const char *id, const char *title, const char *table,
                   const char *column, const char *what) {
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*), min(%s) FROM %s WHERE run_id = ? AND %s IS "
             "NOT NULL",
             column, table, column);
    sqlite3_stmt *s = query(c, sql);
    sqlite3_int64 n = 0;
    double lo = 0;
    if (row(c, s)) {
        n = sqlite3_column_int64(s, 0);
        lo = sqlite3_column_double(s, 1);
    }
    sqlite3_finalize(s);
    if (n == 0) {
        return;
    }
    json_t *ch = chart(c, id, title, what, "", "duration", 1);
    /* Durations span seconds to weeks: a log axis, unless some are zero. */
    put(c, ch, "x_log", json_boolean(lo > 0));
    json_t *x, *y;
    series(c, ch, title, &x, &y);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE run_id = ? AND %s IS NOT NULL ORDER BY 1",
             column, table, column);
    s = query(c, sql);
    sqlite3_int64 k = n < CDF_POINTS ? n : CDF_POINTS;
    sqlite3_int64 q = 0, i = 0;
    /* Emit the order statistics at ranks ceil((q+1) n / k): every job when n <= k. */
    sqlite3_int64 next = ((q + 1) * n + k - 1) / k - 1;
    while (c->st == AIF_OK && row(c, s)) {
        if (i == next) {
            point(c, x, y, sqlite3_column_double(s, 0), (double)(i + 1) / (double)n);
            q++;
            next = ((q + 1) * n + k - 1) / k - 1;
        }
        i++;
    }
    sqlite3_finalize(s);
    push(c, charts, ch);
}

static void cdf(ctx *c, json_t *charts, const char *id, const char *title, const char *column) {
    cdf_of(c, charts, id, title, "jobs", column, "fraction of jobs");
}

/* A serving run (serve_store.h): the latency CDFs of its requests. */
static void serve_cdfs(ctx *c, json_t *charts) {
    if (count(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                 "'serve_requests'") == 0) {
        return;
    }
    static const char *const cols[][2] = {{"ttft_s", "Time to first token (TTFT) CDF"},
                                          {"tpot_s", "Time per output token (TPOT) CDF"},
                                          {"e2e_s", "End-to-end latency CDF"},
                                          {"queue_s", "Queueing delay CDF"}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        char id[32];
        snprintf(id, sizeof id, "%.*s-cdf", (int)strcspn(cols[i][0], "_"), cols[i][0]);
        cdf_of(c, charts, id, cols[i][1], "serve_requests", cols[i][0], "fraction of requests");
    }
}

static void spread(double *sum, double t0, double w, double a, double b, double v) {
    spread_n(sum, NULL, BUCKETS, t0, w, a, b, v);
}

/* Spread a recorded step series (each value holds until the next point, the last until
 * the end of the run) into the buckets. Returns 0 when the run recorded no series `name`. */
static int recorded(ctx *c, const char *name, double *sum, double t0, double t1, double w) {
    sqlite3_stmt *s = query(c, "SELECT time_s, value FROM timeseries WHERE series_id = (SELECT "
                               "min(series_id) FROM series WHERE run_id = ?1 AND name = ?2) "
                               "ORDER BY time_s, rowid");
    if (s == NULL) {
        return 0;
    }
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    int any = 0;
    double last = t0, v = 0;
    while (c->st == AIF_OK && row(c, s)) {
        double t = sqlite3_column_double(s, 0);
        t = t < t0 ? t0 : (t > t1 ? t1 : t);
        spread(sum, t0, w, last, t, v);
        last = t > last ? t : last;
        v = sqlite3_column_double(s, 1);
        any = 1;
    }
    sqlite3_finalize(s);
    spread(sum, t0, w, last, t1, v);
    return any;
}

/* The finest level (see fine) of the run's recorded series `name`. */
static void fine_of_named(ctx *c, json_t *s, const char *name, double agg_w) {
    sqlite3_stmt *q = query(c, "SELECT series_id, (SELECT count(*) FROM timeseries t WHERE "
                               "t.series_id = s.series_id) FROM series s WHERE run_id = ?1 AND "
                               "name = ?2 ORDER BY series_id LIMIT 1");
    if (q == NULL) {
        return;
    }
    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
    if (row(c, q)) {
        sqlite3_stmt *pts = query(c, "SELECT time_s, value FROM timeseries WHERE series_id = ?1 "
                                     "ORDER BY time_s, rowid");
        if (pts != NULL) {
            sqlite3_bind_int64(pts, 1, sqlite3_column_int64(q, 0));
            fine(c, s, pts, sqlite3_column_int64(q, 1), agg_w);
        }
        sqlite3_finalize(pts);
    }
    sqlite3_finalize(q);
}

/* Busy GPUs and queue length from the jobs table: a job holds its GPUs from its first
 * start to its end. That is only true without preemption, so this is used only when the
 * run recorded no busy-GPU series and no job was interrupted. */
static void from_jobs(ctx *c, double *busy, double *queue, double t0, double t1, double w) {
    /* At equal times ends free GPUs before starts take them, so the curve never
     * overshoots the capacity. */
    sqlite3_stmt *s = query(c, "SELECT end_s, 0, gpus FROM jobs WHERE run_id = ?1 AND start_s "
                               "IS NOT NULL AND end_s IS NOT NULL "
                               "UNION ALL SELECT submit_s, 1, 0 FROM jobs WHERE run_id = ?1 "
                               "UNION ALL SELECT start_s, 2, gpus FROM jobs WHERE run_id = ?1 "
                               "AND start_s IS NOT NULL ORDER BY 1, 2");
    double vb = 0, vq = 0, last = t0;
    while (c->st == AIF_OK && row(c, s)) {
        double t = sqlite3_column_double(s, 0);
        t = t < t0 ? t0 : (t > t1 ? t1 : t);
        spread(busy, t0, w, last, t, vb);
        spread(queue, t0, w, last, t, vq);
        last = t > last ? t : last;
        double g = sqlite3_column_double(s, 2);
        switch (sqlite3_column_int(s, 1)) {
        case 0:
            vb -= g;
            break;
        case 1:
            vq += 1;
            break;
        default:
            vq -= 1;
            vb += g;
            break;
        }
    }
    sqlite3_finalize(s);
    spread(busy, t0, w, last, t1, vb);
    spread(queue, t0, w, last, t1, vq);
}

static void occupancy(ctx *c, json_t *charts) {
    double t0 = c->t0, t1 = c->t1;
    if (!(t1 > t0)) {
        return;
    }
    /* A preempted job (LAS, backfill) waits again between its first start and its end, so
     * the jobs table cannot say when it held GPUs: counting it busy over the whole span
     * drew 6,522 busy GPUs on a 400-GPU cluster. The engine's own busy-GPU and queue
     * series are exact; without them an interrupted run gets no occupancy chart. */
    int interrupted =
        count(c, "SELECT count(*) FROM jobs WHERE run_id = ? AND interruptions > 0") > 0;
    double *busy = aif_calloc(aif__results_allocator(c->r), 2 * BUCKETS, sizeof *busy);
    if (busy == NULL) {
        fail(c, AIF_ENOMEM, "buckets");
        return;
    }
    double *queue = busy + BUCKETS;
    double w = (t1 - t0) / BUCKETS;
    int exact =
        recorded(c, "busy GPUs", busy, t0, t1, w) && recorded(c, "queued jobs", queue, t0, t1, w);
    if (!exact && interrupted) {
        aif_free(aif__results_allocator(c->r), busy, 2 * BUCKETS * sizeof *busy);
        return;
    }
    if (!exact) {
        memset(busy, 0, 2 * BUCKETS * sizeof *busy);
        from_jobs(c, busy, queue, t0, t1, w);
    }
    json_t *cb =
        chart(c, "busy-gpus", "Busy GPUs (mean per interval)", "busy GPUs", "GPUs", "time", 1);
    json_t *cq = chart(c, "queue-length", "Queue length (mean per interval)", "waiting jobs",
                       "jobs", "time", 1);
    json_t *xb, *yb, *xq, *yq;
    json_t *sb = series(c, cb, "busy GPUs", &xb, &yb);
    json_t *sq = series(c, cq, "waiting jobs", &xq, &yq);
    if (exact) {
        fine_of_named(c, sb, "busy GPUs", w);
        fine_of_named(c, sq, "queued jobs", w);
    }
    for (int k = 0; k <= BUCKETS && c->st == AIF_OK; k++) {
        /* A step curve needs a closing point at t1 that repeats the last bucket. */
        int b = k < BUCKETS ? k : BUCKETS - 1;
        double t = k < BUCKETS ? t0 + (double)k * w : t1;
        point(c, xb, yb, t, busy[b] / w);
        point(c, xq, yq, t, queue[b] / w);
    }
    aif_free(aif__results_allocator(c->r), busy, 2 * BUCKETS * sizeof *busy);
    push(c, charts, cb);
    push(c, charts, cq);
}

/* Frontier training runs of a scenario: a handful of very large jobs, so a table says more
 * than CDFs. Dates come from the run's start param; interruptions and the work they cost
 * are counted from the run_failure events, since a run still going at the end of the
 * simulation has no final count in the jobs table. */
static void training_runs(ctx *c, json_t *tables) {
    push(c, tables,
         table(c, "training-runs", "Training runs",
               "WITH s AS (SELECT (SELECT value FROM params p WHERE p.run_id = ?1 AND p.name = "
               "'start' AND p.unit = 'date') AS d, (SELECT sim_end_s FROM runs WHERE run_id = ?1) "
               "AS t1), f AS (SELECT subject, count(*) AS n, total(json_extract(detail_json, "
               "'$.work_lost_s')) AS lost FROM events WHERE run_id = ?1 AND kind = 'run_failure' "
               "GROUP BY subject) SELECT j.job_id AS \"run\", j.vc AS \"site\", j.gpus AS "
               "\"GPUs\", date(s.d, '+' || CAST(j.submit_s AS INTEGER) || ' seconds') AS "
               "\"submitted\", date(s.d, '+' || CAST(j.start_s AS INTEGER) || ' seconds') AS "
               "\"started\", date(s.d, '+' || CAST(j.end_s AS INTEGER) || ' seconds') AS "
               "\"finished\", j.status AS \"status\", CASE WHEN j.end_s IS NOT NULL THEN 1.0 "
               "END AS \"progress (fraction)\", (coalesce(j.end_s, s.t1) - j.start_s) / 86400.0 "
               "AS \"running (days)\", max(j.interruptions, coalesce(f.n, 0)) AS "
               "\"interruptions\", coalesce(f.lost, 0) / 86400.0 AS \"work lost (days)\" FROM "
               "jobs j CROSS JOIN s LEFT JOIN f ON f.subject = j.job_id WHERE j.run_id = ?1 "
               "ORDER BY j.submit_s, j.rowid"));
}

/* ---- money and contracts ---- */

static void cash(ctx *c, json_t *charts) {
    sqlite3_int64 times = count(c, "SELECT count(DISTINCT time_s) FROM ledger WHERE run_id = ?");
    if (times == 0) {
        return;
    }
    json_t *ch = chart(c, "cash-position", "Cumulative cash position by category",
                       "cumulative cash", "USD", "time", 1);
    json_t *names = json_array(), *xs = json_array(), *ys = json_array();
    sqlite3_stmt *s = query(c, "SELECT category FROM ledger WHERE run_id = ? GROUP BY category "
                               "ORDER BY min(rowid)");
    while (row(c, s)) {
        json_t *x, *y;
        series(c, ch, (const char *)sqlite3_column_text(s, 0), &x, &y);
        push(c, names, col(c, s, 0));
        push(c, xs, json_incref(x));
        push(c, ys, json_incref(y));
    }
    sqlite3_finalize(s);
    json_t *xn, *yn;
    series(c, ch, "net position", &xn, &yn);
    size_t nc = json_array_size(names);
    /* A ledger has a handful of categories; past 64 the extra ones are not charted. */
    double sums[64] = {0};
    nc = nc < 64 ? nc : 64;
    sqlite3_int64 stride = times > MAX_POINTS ? (times + MAX_POINTS - 1) / MAX_POINTS : 1, i = 0;
    s = query(c, "SELECT time_s, category, total(amount_usd) FROM ledger WHERE run_id = ? "
                 "GROUP BY time_s, category ORDER BY time_s");
    int more = row(c, s);
    while (c->st == AIF_OK && more) {
        double t = sqlite3_column_double(s, 0);
        /* Fold every category booked at time t, then emit one point per series. */
        while (more && sqlite3_column_double(s, 0) == t) {
            const char *cat = (const char *)sqlite3_column_text(s, 1);
            for (size_t j = 0; j < nc; j++) {
                if (strcmp(cat, json_string_value(json_array_get(names, j))) == 0) {
                    sums[j] += sqlite3_column_double(s, 2);
                }
            }
            more = row(c, s);
        }
        if (i % stride == 0 || i == times - 1) {
            double net = 0;
            for (size_t j = 0; j < nc; j++) {
                point(c, json_array_get(xs, j), json_array_get(ys, j), t, sums[j]);
                net += sums[j];
            }
            point(c, xn, yn, t, net);
        }
        i++;
    }
    sqlite3_finalize(s);
    json_decref(names);
    json_decref(xs);
    json_decref(ys);
    push(c, charts, ch);
}

static json_t *events(ctx *c) {
    json_t *e = json_object(), *t = json_array(), *k = json_array(), *sub = json_array(),
           *det = json_array();
    put(c, e, "time_s", t);
    put(c, e, "kind", k);
    put(c, e, "subject", sub);
    put(c, e, "detail", det);
    put(c, e, "total", json_integer(count(c, "SELECT count(*) FROM events WHERE run_id = ?")));
    put(c, e, "per_kind_limit", json_integer(MAX_PER_KIND));
    /* A few kinds (run failures: 200k in the default scenario) would crowd out the rare
     * contract events that the strip is for: keep the first MAX_PER_KIND of each kind. */
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT time_s, kind, subject, detail_json FROM (SELECT *, row_number() OVER "
             "(PARTITION BY kind ORDER BY time_s, rowid) AS k, rowid AS rid FROM events WHERE "
             "run_id = ?) WHERE k <= %d ORDER BY time_s, rid LIMIT %d",
             MAX_PER_KIND, MAX_EVENTS);
    sqlite3_stmt *s = query(c, sql);
    while (c->st == AIF_OK && row(c, s)) {
        push(c, t, col(c, s, 0));
        push(c, k, col(c, s, 1));
        push(c, sub, col(c, s, 2));
        push(c, det, col(c, s, 3));
    }
    sqlite3_finalize(s);
    return e;
}

/* A contract time column as an ISO date, or as "day N" when the run has no start date. */
#define CONTRACT_DATE(c)                                                                           \
    "CASE WHEN " c "_s IS NULL THEN NULL WHEN s.d IS NULL THEN 'day ' || printf('%g', " c          \
    "_s / 86400.0) ELSE date(s.d, printf('%+d seconds', CAST(" c "_s AS INTEGER))) END AS "        \
    "\"" c "\""

aif_status aif__report_data(aif_results *r, int64_t run_id, json_t **out, size_t *nonfinite) {
    ctx c = {.r = r, .db = aif__results_db(r), .run = run_id, .st = AIF_OK};
    if (c.run == 0) {
        c.run = count(&c, "SELECT coalesce(min(run_id), 0) FROM runs");
    }
    if (c.st == AIF_OK && count(&c, "SELECT count(*) FROM runs WHERE run_id = ?") == 0) {
        return aif__results_fail(r, AIF_ENOTFOUND, "report: no run %lld in the results",
                                 (long long)run_id);
    }
    json_t *d = json_object(), *charts = json_array(), *tables = json_array();
    header(&c, d);
    put(&c, d, "params",
        table(&c, "params", "Assumptions",
              "SELECT name AS parameter, value, unit FROM params WHERE run_id = ? ORDER BY "
              "rowid"));
    c.replay = count(&c, "SELECT count(*) FROM runs WHERE run_id = ? AND kind = 'replay'") > 0;
    tagged_charts(&c, charts);
    int scenario =
        count(&c, "SELECT count(*) FROM runs WHERE run_id = ? AND kind = 'scenario'") > 0;
    if (scenario && count(&c, "SELECT count(*) FROM jobs WHERE run_id = ?") > 0) {
        training_runs(&c, tables);
    } else if (count(&c, "SELECT count(*) FROM jobs WHERE run_id = ?") > 0) {
        cdf(&c, charts, "jct-cdf", "Job completion time (JCT) CDF", "jct_s");
        cdf(&c, charts, "wait-cdf", "Queueing delay (wait) CDF", "wait_s");
        occupancy(&c, charts);
        push(&c, tables,
             table(&c, "per-vc", "Per virtual cluster",
                   "SELECT coalesce(vc, '(none)') AS \"VC\", count(*) AS \"jobs\", "
                   "count(end_s) AS \"completed\", sum(gpus) AS \"GPUs requested\", "
                   "total(gpus * (end_s - start_s)) / 3600.0 AS \"GPU-hours (GPU h)\", "
                   "avg(wait_s) AS \"mean wait (s)\", max(wait_s) AS \"max wait (s)\", "
                   "avg(jct_s) AS \"mean JCT (s)\", max(jct_s) AS \"max JCT (s)\" "
                   "FROM jobs WHERE run_id = ? GROUP BY 1 ORDER BY 1"));
    }
    serve_cdfs(&c, charts);
    cash(&c, charts);
    if (count(&c, "SELECT count(*) FROM by_year WHERE run_id = ?") > 0) {
        /* Few, short columns: the table must fit the page (the CSV has them all). */
        push(&c, tables,
             table(&c, "by-year", "Finance by calendar year (billion USD; GW online at year end)",
                   "SELECT CAST(year AS TEXT) AS year, revenue_usd / 1e9 AS \"revenue\", "
                   "cost_of_revenue_usd / 1e9 AS \"cost of revenue\", gross_margin_usd / 1e9 "
                   "AS \"margin\", capex_usd / 1e9 AS \"capex\", free_cash_flow_usd / 1e9 AS "
                   "\"free cash\", cash_position_usd / 1e9 AS \"cash\", "
                   "usd_per_million_tokens AS \"$/M tokens\", contracted_facility_w / 1e9 AS "
                   "\"contracted GW\", procured_facility_w / 1e9 AS \"procured GW\" "
                   "FROM by_year WHERE run_id = ? ORDER BY year"));
    }
    if (count(&c, "SELECT count(*) FROM contracts WHERE run_id = ?") > 0) {
        push(
            &c, tables,
            table(&c, "contracts", "Contracts",
                  /* Dates when the run has a calendar start, else days since the start. */
                  "WITH s AS (SELECT (SELECT value FROM params WHERE run_id = ?1 AND name = "
                  "'start' AND unit = 'date') AS d) SELECT contract_id AS \"contract\", "
                  "counterparty, kind, " CONTRACT_DATE("signed") ", " CONTRACT_DATE(
                      "start") ", " CONTRACT_DATE("end") ", gpus AS \"GPUs\", power_mw AS \"power "
                                                         "(MW)\", "
                                                         "value_usd AS \"value (USD)\" FROM "
                                                         "contracts CROSS JOIN s WHERE run_id = ?1 "
                                                         "ORDER BY contracts.rowid"));
    }
    put(&c, d, "charts", charts);
    put(&c, d, "tables", tables);
    put(&c, d, "events", events(&c));
    if (c.st != AIF_OK) {
        json_decref(d);
        return c.st;
    }
    *out = d;
    *nonfinite = c.nonfinite;
    return AIF_OK;
}
