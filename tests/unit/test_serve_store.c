/* Unit tests for a serving run in a results store (serve_store.h): one serve_requests row
 * per finished request whose latencies match the simulator's own summary, series over time
 * whose integrals keep the run's totals through every coarsening of the buckets (KV
 * block-seconds, tokens processed), the run's length recorded, the report's latency CDFs,
 * and a store that refuses a second table. */
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

#include "aifactory/report.h"
#include "aifactory/results.h"
#include "aifactory/serve_store.h"
#include "io/results_internal.h"

static double one(aif_results *r, const char *sql) {
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(aif__results_db(r), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    double v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The integral over time of series `name`: each point holds until the next, the last
 * until the run's end. */
static double integral(aif_results *r, const char *name, double end_s) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT total(value * (next_s - time_s)) FROM (SELECT value, time_s, "
             "coalesce(lead(time_s) OVER (ORDER BY time_s), %.17g) AS next_s FROM timeseries "
             "WHERE series_id = (SELECT series_id FROM series WHERE name = '%s'))",
             end_s, name);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(aif__results_db(r), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    double v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void requests_and_series(void **state) {
    (void)state;
    aif_results *db = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &db, NULL), AIF_OK);
    int64_t run = 0;
    aif_results_run meta = {.name = "serve", .kind = "serve", .seed = 1, .wall_s = NAN};
    assert_int_equal(aif_results_add_run(db, &meta, &run), AIF_OK);
    aif_serve_config c = {0};
    c.model = aif_model_find("llama2-70b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 4;
    c.replicas = 2;
    aif_serve_layout lay;
    assert_int_equal(aif_serve_plan(&c, &lay, NULL), AIF_OK);
    aif_serve_store *st = NULL;
    assert_int_equal(aif_serve_store_open(db, run, &lay, &st), AIF_OK);
    aif_serve_observer o = aif_serve_store_observer(st);
    c.observer = &o;
    aif_serve_lengths in, out;
    assert_int_equal(aif_serve_lengths_parse("uniform:100:3000", &in, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse("exp:200:800", &out, NULL), AIF_OK);
    aif_serve_synthetic g;
    aif_serve_source src;
    aif_serve_synthetic_init(&g, &in, &out, 30, 9, &src);
    aif_serve_result r;
    aif_error err = {0};
    assert_int_equal(aif_serve_run(NULL, &c, &src, 1500, &r, &err), AIF_OK);
    assert_int_equal(aif_serve_store_finish(st, &r), AIF_OK);
    aif_serve_store_close(st);

    assert_true(one(db, "SELECT count(*) FROM serve_requests") == 1500);
    double ttft = one(db, "SELECT avg(ttft_s) FROM serve_requests");
    assert_true(fabs(ttft - r.ttft_s.mean) <= 1e-9 * r.ttft_s.mean);
    double e2e = one(db, "SELECT avg(e2e_s) FROM serve_requests");
    assert_true(fabs(e2e - r.e2e_s.mean) <= 1e-9 * r.e2e_s.mean);
    assert_true(one(db, "SELECT sum(output_tokens) FROM serve_requests") == r.output_tokens);
    assert_true(one(db, "SELECT sum(preemptions) FROM serve_requests") == (double)r.preemptions);
    assert_true(one(db, "SELECT count(*) FROM serve_requests WHERE output_tokens = 1 AND "
                        "tpot_s IS NOT NULL") == 0);
    double end = one(db, "SELECT sim_end_s FROM runs");
    double first = one(db, "SELECT min(arrival_s) FROM serve_requests");
    assert_true(fabs(end - first - r.duration_s) < 1e-6);
    /* The run spans tens of seconds: the 1 ms buckets were coarsened many times, and the
     * integrals survive it. KV: occupancy x blocks is block-seconds. */
    double blocks = (double)lay.kv_blocks_per_replica * lay.replicas;
    double kv = integral(db, "KV occupancy", end) * blocks;
    double kv_run = r.mean_kv_occupancy * r.duration_s * blocks;
    assert_true(fabs(kv - kv_run) <= 1e-6 * kv_run);
    double tokens = integral(db, "tokens per second", end);
    double tokens_run = r.mean_batch_tokens * (double)r.iterations;
    assert_true(fabs(tokens - tokens_run) <= 1e-6 * tokens_run);
    double points = one(db, "SELECT count(*) FROM timeseries");
    assert_true(points >= 3 * AIF_SERVE_STORE_BUCKETS / 2 && points <= 3 * AIF_SERVE_STORE_BUCKETS);

    /* The report draws the latency CDFs. */
    char path[] = "/tmp/aif_serve_store_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(aif_report_write(db, run, path, NULL), AIF_OK);
    FILE *f = fopen(path, "rb");
    static char page[1 << 20];
    size_t n = fread(page, 1, sizeof page - 1, f);
    fclose(f);
    page[n] = '\0';
    unlink(path);
    assert_non_null(strstr(page, "\"id\":\"ttft-cdf\""));
    assert_non_null(strstr(page, "\"id\":\"tpot-cdf\""));
    assert_non_null(strstr(page, "\"id\":\"e2e-cdf\""));
    assert_non_null(strstr(page, "KV-cache occupancy"));

    /* One serve table per store. */
    assert_int_equal(aif_serve_store_open(db, run, &lay, &st), AIF_EIO);
    assert_non_null(strstr(aif_results_error(db)->message, "serve_requests"));
    aif_results_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_and_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
