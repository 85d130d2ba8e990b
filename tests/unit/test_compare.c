/* Unit tests for comparing two runs (compare.h): outputs merged by name with differences
 * and ratios worked out by hand, units named for counts and shares, the figures derived
 * from by_year, frontier_runs and failure events, contract events matched exactly, paired
 * as changes or left one-sided (on the calendar, across different start dates), a run
 * compared with itself giving all zeros, the errors, every allocation failure, and the
 * overlaid report's document. */
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
#include <jansson.h>

#include "aifactory/compare.h"
#include "aifactory/results.h"

/* A small scenario-like run: start date, metrics, by_year, frontier runs, events. */
typedef struct fixture {
    const char *start;
    double capex, revenue, offers;
    double idle_h;
    const char *tranche_day; /* seconds of the tranche, as text for the event */
    double tranche_s;
    int extra_offer;      /* an offer only this run has */
    int failures;         /* run_failure events */
    double frontier_days; /* NaN: not finished */
    int extra_metric;     /* a metric only this run has */
} fixture;

static aif_results *make_run(const fixture *f) {
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL), AIF_OK);
    aif_results_run meta = {.name = "t",
                            .kind = "scenario",
                            .seed = 7,
                            .wall_s = NAN,
                            .sim_start_s = 0,
                            .sim_end_s = 365 * 86400.0};
    int64_t id = 0;
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    assert_int_equal(aif_results_add_param(r, id, "start", f->start, "date"), AIF_OK);
    assert_int_equal(aif_results_add_metric(r, id, "capex_usd", f->capex, "USD"), AIF_OK);
    assert_int_equal(aif_results_add_metric(r, id, "revenue_usd", f->revenue, "USD"), AIF_OK);
    assert_int_equal(aif_results_add_metric(r, id, "rofr_offers", f->offers, ""), AIF_OK);
    assert_int_equal(aif_results_add_metric(r, id, "inference_served_fraction", 0.5, ""), AIF_OK);
    static const char *const uses[] = {"gpu_hours_inference", "gpu_hours_training",
                                       "gpu_hours_research", "gpu_hours_idle", "gpu_hours_failed"};
    double hours[] = {100, 200, 300, f->idle_h, 400 - f->idle_h};
    for (int u = 0; u < 5; u++) {
        assert_int_equal(aif_results_add_metric(r, id, uses[u], hours[u], "GPU-h"), AIF_OK);
    }
    if (f->extra_metric) {
        assert_int_equal(aif_results_add_metric(r, id, "only_here_usd", 5, "USD"), AIF_OK);
    }
    aif_record_year y = {.year = 2026,
                         .tokens_served = 1e12,
                         .gross_margin_usd = 10,
                         .free_cash_flow_usd = -20,
                         .contracted_facility_w = 2e9,
                         .procured_facility_w = 0.5e9};
    assert_int_equal(aif_results_add_year(r, id, &y), AIF_OK);
    aif_record_frontier_run fr = {.name = "f1",
                                  .status = isnan(f->frontier_days) ? "not_finished" : "finished",
                                  .gpus = 1000,
                                  .start_s = 0,
                                  .end_s = NAN,
                                  .days = f->frontier_days};
    assert_int_equal(aif_results_add_frontier_run(r, id, &fr), AIF_OK);
    /* The same ROFR offer in both runs, the tranche on each run's day, and noise that is
     * not a contract event. */
    assert_int_equal(aif_results_add_event(r, id, 86400, "offer", "azure",
                                           "{\"offer\":\"rofr\",\"accepted\":false}"),
                     AIF_OK);
    assert_int_equal(
        aif_results_add_event(r, id, f->tranche_s, "tranche", "t1", "{\"amount_usd\":1e9}"),
        AIF_OK);
    if (f->extra_offer) {
        assert_int_equal(aif_results_add_event(r, id, 3 * 86400, "offer", "oracle",
                                               "{\"offer\":\"preferred\",\"accepted\":true}"),
                         AIF_OK);
    }
    for (int i = 0; i < f->failures; i++) {
        assert_int_equal(aif_results_add_event(r, id, 1000.0 * (i + 1), "run_failure", "f1",
                                               "{\"work_lost_s\":43200}"),
                         AIF_OK);
    }
    int64_t sid = 0;
    assert_int_equal(aif_results_add_series(r, id, "GW online", "total", "GW", &sid), AIF_OK);
    assert_int_equal(aif_results_add_point(r, sid, 0, 1), AIF_OK);
    assert_int_equal(aif_results_add_point(r, sid, 86400, 2), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    return r;
}

static const fixture base = {.start = "2026-01-01",
                             .capex = 100,
                             .revenue = 0,
                             .offers = 5,
                             .idle_h = 100,
                             .tranche_s = 10 * 86400.0,
                             .failures = 2,
                             .frontier_days = NAN};

static const aif_compare_output *out(const aif_compare *c, const char *name) {
    const aif_compare_output *o = aif_compare_output_find(c, name);
    assert_non_null(o);
    return o;
}

static void test_same_run_is_all_zero(void **state) {
    (void)state;
    aif_results *r = make_run(&base);
    aif_compare *c = NULL;
    assert_int_equal(aif_compare_create(NULL, r, r, &c, NULL), AIF_OK);
    assert_true(aif_compare_output_count(c) > 10);
    for (size_t i = 0; i < aif_compare_output_count(c); i++) {
        const aif_compare_output *o = aif_compare_output_at(c, i);
        assert_true(o->unit[0] != '\0');
        if (isnan(o->a)) { /* an unfinished frontier run: nothing on either side */
            assert_true(isnan(o->b));
            continue;
        }
        assert_true(o->diff == 0);
        assert_true(o->a == 0 ? isnan(o->ratio) : o->ratio == 1);
    }
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_A), 0);
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_B), 0);
    assert_int_equal(aif_compare_changed_count(c), 0);
    assert_string_equal(aif_compare_run_info(c, AIF_COMPARE_B)->start_date, "2026-01-01");
    aif_compare_destroy(c);
    aif_results_close(r);
}

static void test_outputs_and_units(void **state) {
    (void)state;
    fixture fb = base;
    fb.capex = 250;
    fb.offers = 0;
    fb.idle_h = 300;
    fb.revenue = 7;
    fb.extra_metric = 1;
    fb.failures = 5;
    fb.frontier_days = 12.5;
    aif_results *ra = make_run(&base), *rb = make_run(&fb);
    aif_compare *c = NULL;
    assert_int_equal(aif_compare_create(NULL, ra, rb, &c, NULL), AIF_OK);
    /* Metrics first, in A's order. */
    assert_string_equal(aif_compare_output_at(c, 0)->name, "capex_usd");
    const aif_compare_output *o = out(c, "capex_usd");
    assert_string_equal(o->unit, "USD");
    assert_true(o->a == 100 && o->b == 250 && o->diff == 150 && o->ratio == 2.5);
    o = out(c, "revenue_usd"); /* 0 -> 7: a difference, no ratio */
    assert_true(o->diff == 7 && isnan(o->ratio));
    o = out(c, "rofr_offers");
    assert_string_equal(o->unit, "count");
    assert_true(o->diff == -5 && o->ratio == 0);
    assert_string_equal(out(c, "inference_served_fraction")->unit, "fraction");
    /* Derived: 1000 GPU-hours, idle 100 vs 300, failed 300 vs 100. */
    o = out(c, "gpu_hours_total");
    assert_true(o->a == 1000 && o->b == 1000);
    o = out(c, "idle_share");
    assert_string_equal(o->unit, "fraction");
    assert_true(fabs(o->a - 0.1) < 1e-15 && fabs(o->b - 0.3) < 1e-15);
    assert_true(fabs(out(c, "utilisation_share")->a - 0.6) < 1e-15);
    assert_true(fabs(out(c, "failed_share")->b - 0.1) < 1e-15);
    o = out(c, "facility_online_end_gw");
    assert_true(o->a == 2.5 && o->diff == 0);
    assert_true(out(c, "tokens_served")->a == 1e12);
    o = out(c, "facility_online_gw.2026");
    assert_string_equal(o->unit, "GW");
    assert_true(o->a == 2.5);
    assert_true(out(c, "free_cash_flow_usd.2026")->b == -20);
    assert_true(out(c, "frontier_runs_finished")->a == 0);
    assert_true(out(c, "frontier_runs_finished")->b == 1);
    o = out(c, "frontier_run.f1.days");
    assert_string_equal(o->unit, "days");
    assert_true(isnan(o->a) && o->b == 12.5 && isnan(o->diff) && isnan(o->ratio));
    o = out(c, "training_run_failures");
    assert_true(o->a == 2 && o->b == 5);
    o = out(c, "training_work_lost_days"); /* 12 h each */
    assert_true(o->a == 1 && o->b == 2.5);
    /* A metric only B has comes last, with nothing for A. */
    o = aif_compare_output_at(c, aif_compare_output_count(c) - 1);
    assert_string_equal(o->name, "only_here_usd");
    assert_true(isnan(o->a) && o->b == 5 && isnan(o->diff));
    aif_compare_destroy(c);
    aif_results_close(ra);
    aif_results_close(rb);
}

static void test_events_matched(void **state) {
    (void)state;
    fixture fb = base;
    fb.tranche_s = 40 * 86400.0 + 3600; /* paid 30 days and an hour later */
    fb.extra_offer = 1;
    aif_results *ra = make_run(&base), *rb = make_run(&fb);
    aif_compare *c = NULL;
    assert_int_equal(aif_compare_create(NULL, ra, rb, &c, NULL), AIF_OK);
    /* The ROFR offer on day 1 is the same in both; run_failure is not a contract event. */
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_A), 0);
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_B), 1);
    const aif_compare_event *e = aif_compare_only_at(c, AIF_COMPARE_B, 0);
    assert_string_equal(e->kind, "offer");
    assert_string_equal(e->subject, "oracle");
    assert_string_equal(e->date, "2026-01-04");
    assert_int_equal(aif_compare_changed_count(c), 1);
    const aif_compare_change *ch = aif_compare_changed_at(c, 0);
    assert_string_equal(ch->a.kind, "tranche");
    assert_string_equal(ch->a.date, "2026-01-11");
    assert_string_equal(ch->b.date, "2026-02-10 01:00:00");
    assert_true(fabs(ch->shift_days - (30 + 1 / 24.0)) < 1e-12);
    aif_compare_destroy(c);
    /* The other way round, the sides swap. */
    assert_int_equal(aif_compare_create(NULL, rb, ra, &c, NULL), AIF_OK);
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_A), 1);
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_B), 0);
    assert_true(aif_compare_changed_at(c, 0)->shift_days < 0);
    aif_compare_destroy(c);
    aif_results_close(ra);
    aif_results_close(rb);
}

/* A run that starts ten days later, with every event ten days earlier in its own time, has
 * the same calendar: nothing differs. */
static void test_calendar_alignment(void **state) {
    (void)state;
    fixture fa = base, fb = base;
    fa.tranche_s = 20 * 86400.0;
    fb.start = "2026-01-11";
    fb.tranche_s = 10 * 86400.0;
    aif_results *ra = make_run(&fa), *rb = make_run(&fb);
    aif_compare *c = NULL;
    assert_int_equal(aif_compare_create(NULL, ra, rb, &c, NULL), AIF_OK);
    assert_true(aif_compare_b_offset_s(c) == 10 * 86400.0);
    /* The tranche lines up; the day-1 offer of each run is ten days apart. */
    assert_int_equal(aif_compare_changed_count(c), 1);
    const aif_compare_change *ch = aif_compare_changed_at(c, 0);
    assert_string_equal(ch->a.kind, "offer");
    assert_true(ch->shift_days == 10);
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_A), 0);
    assert_int_equal(aif_compare_only_count(c, AIF_COMPARE_B), 0);
    aif_compare_destroy(c);
    aif_results_close(ra);
    aif_results_close(rb);
}

static void test_errors(void **state) {
    (void)state;
    aif_results *empty = NULL, *r = make_run(&base);
    assert_int_equal(aif_results_create(NULL, NULL, &empty, NULL), AIF_OK);
    aif_compare *c = NULL;
    aif_error err = {0};
    assert_int_equal(aif_compare_create(NULL, r, empty, &c, &err), AIF_ENOTFOUND);
    assert_null(c);
    assert_non_null(strstr(err.message, "B"));
    assert_int_equal(aif_compare_create(NULL, NULL, r, &c, NULL), AIF_EINVAL);
    aif_compare_destroy(NULL);
    aif_results_close(empty);
    aif_results_close(r);
}

/* Every allocation of a comparison fails in turn: a clean AIF_ENOMEM, nothing leaked. */
static void test_allocation_failures(void **state) {
    (void)state;
    fixture fb = base;
    fb.extra_offer = 1;
    fb.tranche_s = 50 * 86400.0;
    aif_results *ra = make_run(&base), *rb = make_run(&fb);
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_compare *c = NULL;
    assert_int_equal(aif_compare_create(&t.base, ra, rb, &c, NULL), AIF_OK);
    long needed = t.allocations;
    aif_compare_destroy(c);
    assert_int_equal(t.live_blocks, 0);
    for (long n = 1; n <= needed; n++) {
        aif_test_allocator_init(&t, n);
        c = NULL;
        assert_int_equal(aif_compare_create(&t.base, ra, rb, &c, NULL), AIF_ENOMEM);
        assert_null(c);
        assert_int_equal(t.live_blocks, 0);
    }
    aif_results_close(ra);
    aif_results_close(rb);
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    buf[got] = '\0';
    fclose(fp);
    return buf;
}

static json_t *find_by(json_t *arr, const char *key, const char *value) {
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(json_object_get(v, key));
        if (s && strcmp(s, value) == 0) {
            return v;
        }
    }
    return NULL;
}

/* The page's document: one chart with both runs' series (B's times on A's calendar), the
 * outputs and event tables, both runs' contract events on the strip. */
static void test_report_document(void **state) {
    (void)state;
    fixture fb = base;
    fb.start = "2026-01-02";
    fb.capex = 300;
    aif_results *ra = make_run(&base), *rb = make_run(&fb);
    aif_compare *c = NULL;
    assert_int_equal(aif_compare_create(NULL, ra, rb, &c, NULL), AIF_OK);
    char path[] = "/tmp/aif_test_compare_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(aif_compare_report_write(c, ra, rb, path, NULL), AIF_OK);
    char *html = slurp(path);
    unlink(path);
    assert_null(strstr(html, "src=\"http"));
    assert_non_null(strstr(html, "<title>aifactory comparison: t vs t</title>"));
    const char *open = "<script type=\"application/json\" id=\"aif-data\">";
    const char *a = strstr(html, open);
    assert_non_null(a);
    a += strlen(open);
    const char *b = strstr(a, "</script>");
    json_t *d = json_loadb(a, (size_t)(b - a), 0, NULL);
    assert_non_null(d);
    json_t *ch = find_by(json_object_get(d, "charts"), "title", "A vs B: GW online");
    assert_non_null(ch);
    json_t *series = json_object_get(ch, "series");
    assert_int_equal(json_array_size(series), 2);
    json_t *sa = find_by(series, "name", "A · total"), *sb = find_by(series, "name", "B · total");
    assert_non_null(sa);
    assert_non_null(sb);
    assert_true(json_number_value(json_array_get(json_object_get(sa, "x"), 1)) == 86400);
    assert_true(json_number_value(json_array_get(json_object_get(sb, "x"), 1)) == 2 * 86400);
    json_t *t = find_by(json_object_get(d, "tables"), "id", "compare-outputs");
    assert_non_null(t);
    json_t *row = json_array_get(json_object_get(t, "rows"), 0);
    assert_string_equal(json_string_value(json_array_get(row, 0)), "capex_usd");
    assert_true(json_number_value(json_array_get(row, 4)) == 200);
    assert_true(json_number_value(json_array_get(row, 5)) == 3);
    assert_non_null(find_by(json_object_get(d, "tables"), "id", "compare-events"));
    json_t *ev = json_object_get(d, "events");
    assert_int_equal(json_integer_value(json_object_get(ev, "total")), 4);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ev, "kind"), 0)),
                        "A · offer");
    json_t *params = json_object_get(json_object_get(d, "params"), "rows");
    assert_int_equal(json_array_size(params), 1); /* the start date */
    json_decref(d);
    free(html);
    /* The built-in SVG charts, as without the chart library: no uPlot in the page. */
    fd = mkstemp(path);
    close(fd);
    aif_report_options svg = {.force_svg = 1};
    assert_int_equal(aif_compare_report_write(c, ra, rb, path, &svg), AIF_OK);
    html = slurp(path);
    unlink(path);
    assert_non_null(strstr(html, "\"uplot\":false"));
    assert_null(strstr(html, "var uPlot="));
    free(html);
    aif_compare_destroy(c);
    aif_results_close(ra);
    aif_results_close(rb);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_run_is_all_zero),
        cmocka_unit_test(test_outputs_and_units),
        cmocka_unit_test(test_events_matched),
        cmocka_unit_test(test_calendar_alignment),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_report_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
