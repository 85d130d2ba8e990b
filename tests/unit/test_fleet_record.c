/* Tests of `aifactory run`'s library path on the embedded default scenario: the scenario
 * binds into the fleet input (aif_fleet_input_from_scenario), the run pays exactly ten $10B
 * Nvidia tranches, each on the date the Nvidia programme's cumulative GW came online, makes
 * no ROFR offer after the ROFR ends, and builds Nvidia blocks with the planner's packages
 * per GW; recorded into a results store (aif_fleet_record), two runs with the same seed give
 * byte-identical CSV files (all but runs.csv) and another seed another failure log; every
 * allocation failure in the recorder is clean. */
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

#include "aifactory/contracts.h"
#include "aifactory/fleet.h"
#include "aifactory/plan.h"

typedef struct loaded {
    aif_scenario *sc;
    aif_fleet_input in;
    aif_fleet *f;
} loaded;

/* Load the default scenario with optional overrides (NULL-terminated) and run it. */
static void load_run(loaded *l, const char *const *sets) {
    memset(l, 0, sizeof *l);
    assert_int_equal(aif_scenario_create(NULL, &l->sc), AIF_OK);
    for (size_t i = 0; sets && sets[i]; i++) {
        assert_int_equal(aif_scenario_set(l->sc, sets[i]), AIF_OK);
    }
    assert_int_equal(aif_scenario_load_default(l->sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(l->sc, &l->in), AIF_OK);
    char err[200];
    assert_int_equal(aif_fleet_create(NULL, &l->in, &l->f, err), AIF_OK);
    assert_int_equal(aif_fleet_run(l->f, NULL, NULL), AIF_OK);
}

static void unload(loaded *l) {
    aif_fleet_destroy(l->f);
    aif_scenario_destroy(l->sc);
}

static void input_from_scenario(void **state) {
    (void)state;
    aif_fleet_input in;
    assert_int_equal(aif_fleet_input_from_scenario(NULL, &in), AIF_EINVAL);
    aif_scenario *sc = NULL;
    assert_int_equal(aif_scenario_create(NULL, &sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(sc, &in), AIF_EINVAL); /* not loaded */
    assert_int_equal(aif_scenario_load_default(sc), AIF_OK);
    assert_int_equal(aif_fleet_input_from_scenario(sc, NULL), AIF_EINVAL);
    assert_int_equal(aif_fleet_input_from_scenario(sc, &in), AIF_OK);
    assert_string_equal(in.name, "openai-nvidia-10gw");
    assert_ptr_equal(in.catalog, aif_scenario_catalog(sc));
    assert_int_equal(in.provider_count, aif_scenario_provider_count(sc));
    assert_ptr_equal(in.providers, aif_scenario_provider_at(sc, 0));
    assert_ptr_equal(in.sites, aif_scenario_site_at(sc, 0));
    assert_int_equal(in.investments.tranche_count, 1);
    assert_int_equal(in.options.max_orders, 40);
    aif_scenario_destroy(sc);
}

static void default_scenario_checks(void **state) {
    (void)state;
    loaded l;
    load_run(&l, NULL);
    const aif_fleet_summary *s = aif_fleet_summary_get(l.f);
    const aif_scenario_tranche *tr = &l.in.investments.tranches[0];
    size_t nvidia = aif_scenario_provider_find(l.sc, "nvidia-programme");
    assert_int_equal(tr->provider, nvidia);
    assert_int_equal(s->tranches_paid, 10);
    assert_true(s->vendor_investment_usd == 100e9);
    /* Each tranche k is paid on the day the programme's cumulative nominal power reached
     * k GW: replay the programme's block events and compare the dates. */
    double gw = 0;
    int paid = 0, crossed = 0;
    aif_time crossing[11];
    for (size_t i = 0; i < aif_fleet_event_count(l.f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l.f, i);
        if (e->kind == AIF_FEV_BLOCK_ONLINE && e->provider == (int32_t)nvidia &&
            e->time >= tr->from) {
            gw += aif_fleet_block_at(l.f, (size_t)e->a)->nominal_w / 1e9;
            while (crossed < 10 && gw >= crossed + 1 - 1e-9) {
                crossing[crossed++] = e->time;
            }
        }
        if (e->kind == AIF_FEV_TRANCHE) {
            assert_int_equal(e->provider, (int32_t)nvidia);
            assert_true(e->b == 10e9);
            assert_true(paid < crossed);
            assert_true(e->time == crossing[paid]);
            paid++;
        }
    }
    assert_int_equal(paid, 10);
    assert_int_equal(crossed, 10);
    /* The first GW is one block on 2026-07-01 (H2 2026). */
    assert_true(crossing[0] == aif_date_to_sim((aif_date){2026, 7, 1}, l.in.simulation.start_date));
    /* No ROFR offer after the ROFR ended on 2025-10-28. */
    aif_time rofr_end = aif_date_to_sim((aif_date){2025, 10, 28}, l.in.simulation.start_date);
    assert_true(l.in.contracts.rofrs[0].to == rofr_end);
    for (size_t i = 0; i < aif_fleet_event_count(l.f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(l.f, i);
        if (e->kind == AIF_FEV_OFFER && e->a == AIF_OFFER_ROFR) {
            assert_true(e->time < rofr_end);
        }
    }
    /* Packages per block agree with `plan` for the same system and power: whole racks of
     * the planner's count (rounded down). */
    int checked = 0;
    for (size_t i = 0; i < aif_fleet_block_count(l.f); i++) {
        const aif_block *b = aif_fleet_block_at(l.f, i);
        if (b->provider != nvidia) {
            continue;
        }
        aif_plan_input pin;
        aif_plan_input_init(&pin);
        pin.amount = b->nominal_w;
        assert_int_equal(aif_plan_input_add(&pin, b->system->id, NAN), AIF_OK);
        aif_plan_result r;
        assert_int_equal(aif_plan_compute(l.in.catalog, &pin, &r), AIF_OK);
        int64_t per_rack = (int64_t)b->system->packages.value;
        assert_int_equal(b->racks, (int64_t)floor(r.racks + 1e-9));
        assert_int_equal(b->packages, b->racks * per_rack);
        assert_true((double)b->packages <= r.packages + 1e-6);
        assert_true((double)b->packages > r.packages - (double)per_rack);
        checked++;
    }
    assert_int_equal(checked, 1 + 36); /* first GW, then 9 GW in 250 MW blocks */
    unload(&l);
}

/* ---- CSV determinism ---- */

static void record_to(const char *dir, const char *const *sets) {
    loaded l;
    load_run(&l, sets);
    char path[512];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    aif_results *r = NULL;
    char err[256];
    assert_int_equal(aif_results_create(NULL, path, &r, err, sizeof err), AIF_OK);
    aif_results_run meta = {.name = l.in.name, .kind = "scenario", .wall_s = NAN};
    int64_t id = 0;
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    assert_int_equal(aif_fleet_record(NULL, l.f, r, id), AIF_OK);
    assert_int_equal(aif_results_finish(r), AIF_OK);
    assert_int_equal(aif_results_export_csv(r, dir), AIF_OK);
    aif_results_close(r);
    unload(&l);
}

/* The whole file, or NULL; *n gets its size. */
static char *slurp(const char *dir, const char *name, size_t *n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    size_t got = buf ? fread(buf, 1, (size_t)len, fp) : 0;
    fclose(fp);
    *n = got;
    return buf;
}

static int same_file(const char *a, const char *b, const char *name) {
    size_t na = 0, nb = 0;
    char *x = slurp(a, name, &na), *y = slurp(b, name, &nb);
    assert_non_null(x);
    assert_non_null(y);
    int same = na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static void remove_dir(const char *dir) {
    static const char *const files[] = {
        "results.sqlite", "runs.csv",   "params.csv", "metrics.csv", "series.csv",
        "timeseries.csv", "events.csv", "ledger.csv", "jobs.csv",    "contracts.csv"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void csv_determinism(void **state) {
    (void)state;
    char d1[] = "/tmp/aif_run_a_XXXXXX", d2[] = "/tmp/aif_run_b_XXXXXX",
         d3[] = "/tmp/aif_run_c_XXXXXX";
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    assert_non_null(mkdtemp(d3));
    /* Two simulated years keep the test short; the frontier-2026 run and its failures,
     * tranches, research jobs and cloud bills all fall inside them. */
    const char *const seed1[] = {"simulation.end=2027-09-01", NULL};
    const char *const seed2[] = {"simulation.end=2027-09-01", "simulation.seed=2", NULL};
    record_to(d1, seed1);
    record_to(d2, seed1);
    record_to(d3, seed2);
    static const char *const csvs[] = {"params.csv", "metrics.csv", "series.csv", "timeseries.csv",
                                       "events.csv", "ledger.csv",  "jobs.csv",   "contracts.csv"};
    for (size_t i = 0; i < sizeof csvs / sizeof csvs[0]; i++) {
        assert_true(same_file(d1, d2, csvs[i]));
    }
    /* Another seed: another failure log (events), the same contracts. */
    assert_false(same_file(d1, d3, "events.csv"));
    assert_true(same_file(d1, d3, "contracts.csv"));
    size_t n = 0;
    char *ev = slurp(d1, "events.csv", &n);
    assert_non_null(ev);
    assert_non_null(strstr(ev, "run_failure"));
    assert_non_null(strstr(ev, "tranche,nvidia-loi"));
    free(ev);
    remove_dir(d1);
    remove_dir(d2);
    remove_dir(d3);
}

static void record_errors(void **state) {
    (void)state;
    const char *const sets[] = {"simulation.end=2026-01-01", NULL};
    loaded l;
    load_run(&l, sets);
    aif_results *r = NULL;
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL, 0), AIF_OK);
    aif_results_run meta = {.name = "t", .kind = "scenario", .wall_s = NAN};
    int64_t id = 0;
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    assert_int_equal(aif_fleet_record(NULL, NULL, r, id), AIF_EINVAL);
    assert_int_equal(aif_fleet_record(NULL, l.f, NULL, id), AIF_EINVAL);
    /* The recorder's one scratch allocation fails cleanly. */
    aif_test_allocator t;
    aif_test_allocator_init(&t, 1);
    assert_int_equal(aif_fleet_record(&t.base, l.f, r, id), AIF_ENOMEM);
    assert_int_equal(t.live_blocks, 0);
    aif_results_close(r);
    /* In a fresh store, it succeeds with every block returned. */
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL, 0), AIF_OK);
    assert_int_equal(aif_results_add_run(r, &meta, &id), AIF_OK);
    aif_test_allocator_init(&t, 0);
    assert_int_equal(aif_fleet_record(&t.base, l.f, r, id), AIF_OK);
    assert_int_equal(t.live_blocks, 0);
    assert_true(t.allocations >= 1);
    aif_results_close(r);
    /* A fleet that has not run is refused. */
    aif_fleet *fresh = NULL;
    char err[200];
    assert_int_equal(aif_fleet_create(NULL, &l.in, &fresh, err), AIF_OK);
    assert_int_equal(aif_results_create(NULL, NULL, &r, NULL, 0), AIF_OK);
    assert_int_equal(aif_fleet_record(NULL, fresh, r, 1), AIF_EINVAL);
    aif_results_close(r);
    aif_fleet_destroy(fresh);
    unload(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_from_scenario),
        cmocka_unit_test(default_scenario_checks),
        cmocka_unit_test(csv_determinism),
        cmocka_unit_test(record_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
