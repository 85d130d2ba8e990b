/* Unit tests for sweep_store: a new store holds the sweep and no runs; runs go in whole,
 * ok with their metrics or failed with their error; `done` matches a run only under the key
 * the plan gives it; a reopened store finds its sweep and refuses another one's; a file
 * that is not a sweep store is refused. The same calls against PostgreSQL when
 * AIF_TEST_PG_URL names a database (tests/postgres/sweep_pg.sh sets it; skipped otherwise),
 * a URL shown without its password, and a URL libpq cannot read refused without a
 * connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/sweep.h"
#include "aifactory/sweep_store.h"

static aif_sweep *plan_reps(const char *seed, int replications) {
    char text[512];
    snprintf(text, sizeof text,
             "aifactory: 1\nsweep:\n  scenario: default\n  seed: %s\n  replications: %d\n"
             "  parameters: {economics.power_price: {values: [60 USD/MWh, 90 USD/MWh]}}\n",
             seed, replications);
    aif_sweep *s = NULL;
    assert_int_equal(aif_sweep_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_sweep_load_string(s, "t.yaml", text, strlen(text)), AIF_OK);
    return s;
}

static aif_sweep *plan(const char *seed) {
    return plan_reps(seed, 2);
}

/* ---- series: stored with a run, read back exactly, in name order, replaced with it ---- */

typedef struct seen_series {
    size_t count;
    char names[4][32];
    size_t n[4];
    int32_t days[4][4];
    double values[4][4];
} seen_series;

static void on_series(void *ctx, const aif_sweep_store_series *s) {
    seen_series *seen = ctx;
    assert_true(seen->count < 4 && s->n <= 4);
    snprintf(seen->names[seen->count], sizeof seen->names[0], "%s", s->name);
    seen->n[seen->count] = s->n;
    memcpy(seen->days[seen->count], s->days, s->n * sizeof *s->days);
    memcpy(seen->values[seen->count], s->values, s->n * sizeof *s->values);
    seen->count++;
}

static void series_round_trip(aif_sweep_store *st, int64_t id, const aif_sweep *sw, size_t ok_run,
                              size_t failed_run) {
    aif_error err = {0};
    const char *const names[1] = {"capex_usd"};
    const double values[1] = {1};
    const int32_t days[3] = {20485, 20513, 20544}; /* 2026-02-01, 03-01, 04-01 */
    const double cash[3] = {0.1 + 0.2, -1.25e-300, NAN};
    const double gpus[3] = {0, 20592, 1e300};
    const aif_sweep_store_series first[2] = {
        {.name = "zeta", .unit = "GPUs", .n = 3, .days = days, .values = gpus},
        {.name = "cash_usd", .unit = "USD", .n = 3, .days = days, .values = cash}};
    aif_sweep_store_result r = {.ok = true,
                                .names = names,
                                .values = values,
                                .count = 1,
                                .series = first,
                                .series_count = 2};
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, ok_run), &r, &err),
                     AIF_OK);
    seen_series seen = {0};
    assert_int_equal(aif_sweep_store_get_series(st, id, ok_run, on_series, &seen, &err), AIF_OK);
    assert_int_equal(seen.count, 2);
    assert_string_equal(seen.names[0], "cash_usd");
    assert_string_equal(seen.names[1], "zeta");
    assert_true(seen.n[0] == 3 && seen.n[1] == 3);
    for (size_t i = 0; i < 3; i++) {
        assert_true(seen.days[0][i] == days[i] && seen.days[1][i] == days[i]);
        assert_true(seen.values[1][i] == gpus[i]);
    }
    assert_true(seen.values[0][0] == 0.1 + 0.2 && seen.values[0][1] == -1.25e-300 &&
                isnan(seen.values[0][2]));
    /* stored again with one series of one point: the old ones go */
    const aif_sweep_store_series second[1] = {
        {.name = "cash_usd", .unit = "USD", .n = 1, .days = days, .values = gpus + 1}};
    r.series = second;
    r.series_count = 1;
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, ok_run), &r, &err),
                     AIF_OK);
    seen = (seen_series){0};
    assert_int_equal(aif_sweep_store_get_series(st, id, ok_run, on_series, &seen, &err), AIF_OK);
    assert_true(seen.count == 1 && seen.n[0] == 1 && seen.values[0][0] == 20592);
    /* a failed run has none */
    seen = (seen_series){0};
    assert_int_equal(aif_sweep_store_get_series(st, id, failed_run, on_series, &seen, &err),
                     AIF_OK);
    assert_int_equal(seen.count, 0);
}

static void store_round_trip(void **state) {
    (void)state;
    char dir[] = "/tmp/aif-sweep-store-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/sweep.sqlite", dir);
    aif_sweep *sw = plan("4");
    assert_int_equal(aif_sweep_run_count(sw), 4);
    aif_sweep_store *st = NULL;
    aif_error err = {0};
    assert_int_equal(aif_sweep_store_open(NULL, path, true, &st, &err), AIF_OK);
    int64_t id = 0;
    assert_int_equal(aif_sweep_store_sweep(st, sw, "t.yaml", true, &id, NULL, &err), AIF_OK);
    unsigned char done[4];
    assert_int_equal(aif_sweep_store_done(st, id, sw, done, &err), AIF_OK);
    assert_int_equal(done[0] + done[1] + done[2] + done[3], 0);

    const char *const names[2] = {"capex_usd", "cash_usd"};
    const double values[2] = {2.5e9, -1.25};
    aif_sweep_store_result ok = {
        .ok = true, .wall_s = 0.5, .names = names, .values = values, .count = 2};
    aif_sweep_store_result bad = {.ok = false, .error = "--set:2:24: error: no such system"};
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 2), &ok, &err), AIF_OK);
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 3), &bad, &err), AIF_OK);
    /* storing a run again replaces it whole */
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 2), &ok, &err), AIF_OK);
    aif_sweep_store_close(st);

    assert_int_equal(aif_sweep_store_open(NULL, path, false, &st, &err), AIF_OK);
    bool other = true;
    int64_t again = 0;
    assert_int_equal(aif_sweep_store_sweep(st, sw, "t.yaml", false, &again, &other, &err), AIF_OK);
    assert_true(again == id);
    assert_int_equal(aif_sweep_store_done(st, id, sw, done, &err), AIF_OK);
    assert_int_equal(done[0], 0);
    assert_int_equal(done[1], 0);
    assert_int_equal(done[2], 1);
    assert_int_equal(done[3], 1);
    bool run_ok = false;
    char error[128];
    const char *const want[3] = {"cash_usd", "capex_usd", "revenue_usd"};
    double got[3];
    assert_int_equal(
        aif_sweep_store_get(st, id, 2, &run_ok, error, sizeof error, want, got, 3, &err), AIF_OK);
    assert_true(run_ok);
    assert_true(got[0] == -1.25 && got[1] == 2.5e9 && isnan(got[2]));
    assert_int_equal(
        aif_sweep_store_get(st, id, 3, &run_ok, error, sizeof error, want, got, 3, &err), AIF_OK);
    assert_false(run_ok);
    assert_string_equal(error, "--set:2:24: error: no such system");
    assert_int_equal(
        aif_sweep_store_get(st, id, 0, &run_ok, error, sizeof error, want, got, 3, &err),
        AIF_ENOTFOUND);

    series_round_trip(st, id, sw, 2, 3);

    /* another seed plans other runs: another sweep, which the store does not hold */
    aif_sweep *other_sw = plan("5");
    assert_int_equal(aif_sweep_store_sweep(st, other_sw, "t.yaml", false, &again, &other, &err),
                     AIF_ENOTFOUND);
    assert_true(other);
    aif_sweep_store_close(st);

    /* creating over an existing file is refused; so is a file of another kind */
    assert_int_equal(aif_sweep_store_open(NULL, path, true, &st, &err), AIF_EIO);
    char junk[64];
    snprintf(junk, sizeof junk, "%s/junk.sqlite", dir);
    FILE *f = fopen(junk, "w");
    fputs("not a database, just text that is long enough to be read as a header......\n", f);
    fclose(f);
    aif_status s = aif_sweep_store_open(NULL, junk, false, &st, &err);
    assert_true(s == AIF_EPARSE || s == AIF_EIO);

    remove(junk);
    remove(path);
    rmdir(dir);
    aif_sweep_destroy(other_sw);
    aif_sweep_destroy(sw);
}

/* The PostgreSQL backend through the same calls: a sweep added once and found again, runs
 * replaced whole, `done` by key, metrics read back exactly (NaN for a name not stored). */
static void pg_round_trip(void **state) {
    (void)state;
    const char *url = getenv("AIF_TEST_PG_URL");
    if (url == NULL || !aif_sweep_store_has_pg()) {
        skip();
    }
    aif_sweep *sw = plan("6");
    aif_sweep_store *st = NULL;
    aif_error err = {0};
    assert_int_equal(aif_sweep_store_open_pg(NULL, url, &st, &err), AIF_OK);
    int64_t id = 0, again = 0;
    bool other = true;
    assert_int_equal(aif_sweep_store_sweep(st, sw, "t.yaml", true, &id, &other, &err), AIF_OK);
    assert_false(other);
    /* the same connection may ask again (its lock is its own) */
    assert_int_equal(aif_sweep_store_sweep(st, sw, "t.yaml", false, &again, NULL, &err), AIF_OK);
    assert_true(again == id);
    const char *const names[2] = {"capex_usd", "cash_usd"};
    const double values[2] = {0.1 + 0.2, -1.25e-300};
    const double nan_values[2] = {NAN, 7};
    aif_sweep_store_result ok = {
        .ok = true, .wall_s = 0.5, .names = names, .values = values, .count = 2};
    aif_sweep_store_result with_nan = {
        .ok = true, .wall_s = 0.5, .names = names, .values = nan_values, .count = 2};
    aif_sweep_store_result bad = {.ok = false, .error = "--set:2:24: error: no 'such' system"};
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 1), &with_nan, &err),
                     AIF_OK);
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 1), &ok, &err), AIF_OK);
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 2), &bad, &err), AIF_OK);
    assert_int_equal(aif_sweep_store_put(st, id, sw, aif_sweep_run_at(sw, 3), &with_nan, &err),
                     AIF_OK);
    aif_sweep_store_close(st);

    assert_int_equal(aif_sweep_store_open_pg(NULL, url, &st, &err), AIF_OK);
    assert_int_equal(aif_sweep_store_sweep(st, sw, "t.yaml", false, &again, NULL, &err), AIF_OK);
    assert_true(again == id);
    unsigned char done[4];
    assert_int_equal(aif_sweep_store_done(st, id, sw, done, &err), AIF_OK);
    assert_true(done[0] == 0 && done[1] == 1 && done[2] == 1 && done[3] == 1);
    bool run_ok = false;
    char error[128];
    const char *const want[3] = {"cash_usd", "capex_usd", "revenue_usd"};
    double got[3];
    assert_int_equal(
        aif_sweep_store_get(st, id, 1, &run_ok, error, sizeof error, want, got, 3, &err), AIF_OK);
    assert_true(run_ok);
    assert_true(got[0] == -1.25e-300 && got[1] == 0.1 + 0.2 && isnan(got[2]));
    assert_int_equal(
        aif_sweep_store_get(st, id, 2, &run_ok, error, sizeof error, want, got, 3, &err), AIF_OK);
    assert_false(run_ok);
    assert_string_equal(error, "--set:2:24: error: no 'such' system");
    assert_int_equal(
        aif_sweep_store_get(st, id, 3, &run_ok, error, sizeof error, want, got, 3, &err), AIF_OK);
    assert_true(got[0] == 7 && isnan(got[1]) && isnan(got[2]));
    series_round_trip(st, id, sw, 3, 2);
    assert_int_equal(
        aif_sweep_store_get(st, id, 0, &run_ok, error, sizeof error, want, got, 3, &err),
        AIF_ENOTFOUND);

    /* A sweep of 1,200 runs: the report reads them back 1,024 at a time, across the seam. */
    aif_sweep *big = plan_reps("6", 600);
    assert_int_equal(aif_sweep_run_count(big), 1200);
    assert_int_equal(aif_sweep_store_sweep(st, big, "big.yaml", true, &again, NULL, &err), AIF_OK);
    assert_true(again != id);
    const size_t stored[4] = {0, 1023, 1024, 1199};
    for (size_t i = 0; i < 4; i++) {
        const double v[2] = {(double)stored[i], -(double)stored[i]};
        aif_sweep_store_result r = {.ok = true, .names = names, .values = v, .count = 2};
        assert_int_equal(
            aif_sweep_store_put(st, again, big, aif_sweep_run_at(big, stored[i]), &r, &err),
            AIF_OK);
    }
    for (size_t i = 0; i < 1200; i++) {
        aif_status s =
            aif_sweep_store_get(st, again, i, &run_ok, error, sizeof error, want, got, 3, &err);
        bool is_stored = i == 0 || i == 1023 || i == 1024 || i == 1199;
        assert_int_equal(s, is_stored ? AIF_OK : AIF_ENOTFOUND);
        if (is_stored) {
            assert_true(got[0] == -(double)i && got[1] == (double)i);
        }
    }
    aif_sweep_destroy(big);
    aif_sweep_store_close(st);
    aif_sweep_destroy(sw);
}

static void url_shown(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"postgresql://ann:secret@db.example:5433/x?password=y&sslmode=require",
         "postgresql://ann@db.example:5433/x?sslmode=require"},
        {"postgresql://ann@db/x", "postgresql://ann@db/x"},
        {"postgresql:///x?host=/tmp/s&password=p", "postgresql:///x?host=/tmp/s"},
        {"postgresql://:pw@h/x", "postgresql://h/x"},
        {"postgres://a:p@ss@h/x@y", "postgres://a@h/x@y"},
        {"postgresql://h/x?a=1&password=p&passwordx=2", "postgresql://h/x?a=1&passwordx=2"},
        {"postgresql://h/x?password=p", "postgresql://h/x"},
        {"postgresql://h", "postgresql://h"},
    };
    char out[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(aif_sweep_store_url_shown(cases[i][0], out, sizeof out), cases[i][1]);
    }
    assert_string_equal(aif_sweep_store_url_shown("postgresql://a:b@h/x", out, 10), "postgresq");
}

static void pg_bad_url(void **state) {
    (void)state;
    aif_sweep_store *st = NULL;
    aif_error err = {0};
    aif_status s = aif_sweep_store_open_pg(NULL, "postgresql://a:s3cret@/x?nosuch=1", &st, &err);
    assert_null(st);
    assert_int_equal(s, aif_sweep_store_has_pg() ? AIF_EINVAL : AIF_ENOTIMPL);
    assert_non_null(strstr(err.message, "postgresql://a@/x?nosuch=1: "));
    assert_null(strstr(err.message, "s3cret"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_round_trip),
        cmocka_unit_test(url_shown),
        cmocka_unit_test(pg_bad_url),
        cmocka_unit_test(pg_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
