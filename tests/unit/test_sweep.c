/* Unit tests for sweep files: a grid's runs in nested-loop order with their assignments,
 * keys and numbers; random and lhs designs (every lhs stratum of every parameter hit once,
 * values drawn within bounds, the same seed the same runs); replication seeds; every
 * error at its file:line:col; the limits; catalog values drawn from their ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/sweep.h"

static aif_sweep *load(const char *text, aif_status want) {
    aif_sweep *s = NULL;
    assert_int_equal(aif_sweep_create(NULL, &s), AIF_OK);
    aif_status st = aif_sweep_load_string(s, "t.yaml", text, strlen(text));
    if (st != want) {
        const aif_error_list *l = aif_sweep_errors(s);
        for (size_t i = 0; i < l->count && i < AIF_ERROR_LIST_MAX; i++) {
            char buf[600];
            aif_error_format(aif_error_list_at(l, i), buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
    }
    assert_int_equal(st, want);
    return s;
}

/* The first error, formatted. */
static void first_error(const aif_sweep *s, char *buf, size_t n) {
    assert_true(aif_sweep_errors(s)->count > 0);
    aif_error_format(aif_error_list_at(aif_sweep_errors(s), 0), buf, n);
}

static void grid_runs_in_order(void **state) {
    (void)state;
    aif_sweep *s = load("aifactory: 1\n"
                        "sweep:\n"
                        "  scenario: default\n"
                        "  set: {simulation.end: 2026-03-01}\n"
                        "  parameters:\n"
                        "    economics.power_price: {values: [60 USD/MWh, 90 USD/MWh]}\n"
                        "    sites.0.phases.0.system: {values: [gb200-nvl72, gb300-nvl72, "
                        "vr-nvl144]}\n",
                        AIF_OK);
    assert_int_equal(aif_sweep_run_count(s), 6);
    assert_int_equal(aif_sweep_points(s), 6);
    assert_null(aif_sweep_scenario_path(s));
    const aif_sweep_run *r = aif_sweep_run_at(s, 4);
    /* first parameter outermost: point 4 = (90, gb300) */
    assert_int_equal(r->set_count, 3);
    assert_string_equal(r->sets[0], "simulation.end=2026-03-01");
    assert_string_equal(r->sets[1], "economics.power_price=90 USD/MWh");
    assert_string_equal(r->sets[2], "sites.0.phases.0.system=gb300-nvl72");
    assert_true(r->param_values[0] == 90);
    /* system names are not numbers: ranked by their position in the list */
    assert_true(r->param_values[1] == 1);
    assert_int_equal(strlen(r->key_hex), 16);
    for (size_t i = 0; i < 6; i++) {
        for (size_t j = i + 1; j < 6; j++) {
            assert_true(aif_sweep_run_at(s, i)->key != aif_sweep_run_at(s, j)->key);
        }
    }
    /* The key is the configuration's: a second load gives the same keys and hash. */
    aif_sweep *again = load("aifactory: 1\n"
                            "sweep:\n"
                            "  scenario: default\n"
                            "  set: {simulation.end: 2026-03-01}\n"
                            "  parameters:\n"
                            "    economics.power_price: {values: [60 USD/MWh, 90 USD/MWh]}\n"
                            "    sites.0.phases.0.system: {values: [gb200-nvl72, gb300-nvl72, "
                            "vr-nvl144]}\n",
                            AIF_OK);
    assert_string_equal(aif_sweep_hash(s), aif_sweep_hash(again));
    assert_true(aif_sweep_run_at(again, 4)->key == r->key);
    aif_sweep_destroy(again);
    aif_sweep_destroy(s);
}

static void replications_set_seeds(void **state) {
    (void)state;
    aif_sweep *s = load("aifactory: 1\nsweep:\n  scenario: default\n"
                        "  parameters: {failures.repair_time: {values: [1 day, 3 days]}}\n"
                        "  replications: 3\n  seed: 5\n",
                        AIF_OK);
    assert_int_equal(aif_sweep_run_count(s), 6);
    const aif_sweep_run *a = aif_sweep_run_at(s, 1), *b = aif_sweep_run_at(s, 4);
    assert_int_equal(a->point, 0);
    assert_int_equal(a->replication, 1);
    assert_int_equal(b->point, 1);
    assert_int_equal(b->replication, 1);
    /* Common random numbers: replication r has the same seed at every point. */
    assert_string_equal(a->sets[a->set_count - 1], b->sets[b->set_count - 1]);
    assert_true(strncmp(a->sets[a->set_count - 1], "simulation.seed=", 16) == 0);
    assert_string_not_equal(aif_sweep_run_at(s, 0)->sets[1], a->sets[1]);
    /* points as written: "1 day" ranks as 1, "3 days" as 3 */
    assert_true(b->param_values[0] == 3);
    aif_sweep_destroy(s);
}

static const char lhs_text[] = "aifactory: 1\nsweep:\n  scenario: default\n"
                               "  parameters:\n"
                               "    economics.power_price: {uniform: [50, 100], unit: USD/MWh}\n"
                               "    failures.interruptions_per_gpu_year: {triangular: [0.1, 0.17, "
                               "0.4]}\n"
                               "    failures.hardware_fraction: {normal: {mean: 0.5, sd: 0.05}}\n"
                               "    economics.capex_per_mw: {lognormal: {median: 12, sigma: "
                               "0.2}, unit: MUSD}\n"
                               "    sites.0.phases.0.system: {values: [a, b, c, d]}\n"
                               "  design: lhs\n  samples: 40\n  seed: 9\n";

static void lhs_strata_hit_once(void **state) {
    (void)state;
    aif_sweep *s = load(lhs_text, AIF_OK);
    assert_int_equal(aif_sweep_run_count(s), 40);
    int price[40] = {0}, tri[40] = {0}, cat[4] = {0};
    for (size_t i = 0; i < 40; i++) {
        const aif_sweep_run *r = aif_sweep_run_at(s, i);
        double p = r->param_values[0];
        assert_true(p >= 50 && p < 100);
        /* uniform: stratum k is [50 + k 1.25, 50 + (k+1) 1.25) */
        price[(int)((p - 50) / 1.25)]++;
        /* triangular: its CDF maps the value back to its stratum */
        double x = r->param_values[1], lo = 0.1, mode = 0.17, hi = 0.4;
        double cdf = x <= mode ? (x - lo) * (x - lo) / ((hi - lo) * (mode - lo))
                               : 1 - (hi - x) * (hi - x) / ((hi - lo) * (hi - mode));
        tri[(int)(cdf * 40 + 1e-9 > 39.999999 ? 39 : cdf * 40 + 1e-9)]++;
        assert_true(r->param_values[3] > 0);
        cat[(int)r->param_values[4]]++;
        /* the text set is the number, shortest form, and the unit */
        assert_non_null(strstr(r->sets[0], " USD/MWh"));
        assert_true(strtod(r->param_texts[0], NULL) == p);
    }
    for (int k = 0; k < 40; k++) {
        assert_int_equal(price[k], 1);
        assert_int_equal(tri[k], 1);
    }
    /* 40 strata over 4 values: 10 each */
    for (int k = 0; k < 4; k++) {
        assert_int_equal(cat[k], 10);
    }
    aif_sweep *again = load(lhs_text, AIF_OK);
    for (size_t i = 0; i < 40; i++) {
        assert_string_equal(aif_sweep_run_at(s, i)->sets[2], aif_sweep_run_at(again, i)->sets[2]);
    }
    aif_sweep_destroy(again);
    aif_sweep_destroy(s);
}

static void random_design_draws_within_bounds(void **state) {
    (void)state;
    aif_sweep *s = load("aifactory: 1\nsweep:\n  scenario: default\n  design: random\n"
                        "  samples: 200\n  parameters:\n"
                        "    economics.power_price: {uniform: [50, 100]}\n"
                        "    failures.repair_time: {values: [1 day, 2 days]}\n",
                        AIF_OK);
    assert_int_equal(aif_sweep_run_count(s), 200);
    int ones = 0;
    double sum = 0;
    for (size_t i = 0; i < 200; i++) {
        const aif_sweep_run *r = aif_sweep_run_at(s, i);
        assert_true(r->param_values[0] >= 50 && r->param_values[0] < 100);
        sum += r->param_values[0];
        ones += r->param_values[1] == 1;
    }
    /* mean 75, sd of the mean 14.4 / sqrt(200) = 1.02: five sd */
    assert_true(fabs(sum / 200 - 75) < 5.1);
    assert_true(ones > 60 && ones < 140);
    aif_sweep_destroy(s);
}

/* `catalog: ranges` on the default scenario: one triangular parameter per ranged catalog
 * value (named by its key path, with the catalog's low, default and high), every draw
 * inside [low, high], set as the value's default, source and confidence; the same seed
 * draws the same values; a grid is refused at the entry. */
static const char ranges_text[] = "aifactory: 1\nsweep:\n  scenario: default\n"
                                  "  design: random\n  samples: 50\n  seed: 9\n  parameters:\n"
                                  "    failures.hardware_fraction: {uniform: [0.4, 0.6]}\n"
                                  "    catalog: ranges\n";

static void catalog_ranges_are_drawn_within_them(void **state) {
    (void)state;
    aif_sweep *s = load(ranges_text, AIF_OK);
    aif_sweep *again = load(ranges_text, AIF_OK);
    size_t np = aif_sweep_parameter_count(s);
    /* The default catalog's ranged numbers (data/catalog.yaml: 41 `low:`, one of them the
     * comment of its header) past the file's one parameter. */
    assert_int_equal(np, 1 + 40);
    bool price = false, pue = false;
    for (size_t j = 1; j < np; j++) {
        const aif_sweep_parameter *p = aif_sweep_parameter_at(s, j);
        assert_non_null(p->catalog_source);
        assert_int_equal(strncmp(p->key, "catalog.", 8), 0);
        assert_int_equal(p->kind, AIF_SWEEP_TRIANGULAR);
        assert_true(p->p[0] < p->p[2] && p->p[0] <= p->p[1] && p->p[1] <= p->p[2]);
        if (strcmp(p->key, "catalog.systems.gb200-nvl72.price_usd") == 0) {
            price = p->p[0] == 3e6 && p->p[1] == 4.5e6 && p->p[2] == 6.1e6;
        }
        if (strcmp(p->key, "catalog.facility.pue") == 0) {
            pue =
                p->p[0] == 1.1 && p->p[1] == 1.2 && p->p[2] == 1.3 && p->catalog_confidence == 'M';
        }
    }
    assert_true(price && pue);
    assert_string_equal(aif_sweep_hash(s), aif_sweep_hash(again));
    for (size_t i = 0; i < aif_sweep_run_count(s); i++) {
        const aif_sweep_run *r = aif_sweep_run_at(s, i);
        /* one assignment for the file's parameter, three for each catalog value */
        assert_int_equal(r->set_count, 1 + 3 * (np - 1));
        for (size_t j = 1; j < np; j++) {
            const aif_sweep_parameter *p = aif_sweep_parameter_at(s, j);
            assert_true(r->param_values[j] >= p->p[0] && r->param_values[j] <= p->p[2]);
            assert_true(strtod(r->param_texts[j], NULL) == r->param_values[j]);
            assert_string_equal(r->param_texts[j], aif_sweep_run_at(again, i)->param_texts[j]);
            char want[600];
            snprintf(want, sizeof want, "%s.default=%s", p->key, r->param_texts[j]);
            assert_string_equal(r->sets[1 + 3 * (j - 1)], want);
            snprintf(want, sizeof want, "%s.source=%s", p->key, p->catalog_source);
            assert_string_equal(r->sets[2 + 3 * (j - 1)], want);
        }
    }
    aif_sweep_destroy(again);
    aif_sweep_destroy(s);
    aif_sweep *g = load("aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n"
                        "    catalog: {draw: ranges, only: [catalog.facility.pue]}\n",
                        AIF_EPARSE);
    char buf[600];
    first_error(g, buf, sizeof buf);
    assert_non_null(strstr(buf, "t.yaml:5:5: error: sweep.parameters.catalog: a catalog range "
                                "has no grid values"));
    aif_sweep_destroy(g);
}

/* Each bad file gives its first error at the expected place. */
static void errors_have_positions(void **state) {
    (void)state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"aifactory: 2\nsweep: {scenario: default, parameters: {a.b: {values: [1]}}}\n",
         "t.yaml:1:12: error: aifactory: unsupported version 2"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n    a.b: {values: []}\n",
         "t.yaml:5:11: error: sweep.parameters.a.b.values: expected a list of 1..1000 values, "
         "found an empty one"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n    a..b: {values: [1]}\n",
         "t.yaml:5:5: error: sweep.parameters: expected a scenario key path"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n"
         "    a.b: {uniform: [3, 1]}\n",
         "t.yaml:5:21: error: sweep.parameters.a.b.uniform: expected [low, high] with low < high"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n"
         "    a.b: {uniform: [1, 3]}\n",
         "t.yaml:5:5: error: sweep.parameters.a.b: a grid takes 'values', found a distribution"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  design: lhs\n  parameters:\n"
         "    a.b: {uniform: [1, 3]}\n",
         "t.yaml:3:3: error: sweep: missing 'samples'"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  samples: 3\n  parameters:\n"
         "    a.b: {values: [1, 2]}\n",
         "t.yaml:4:12: error: sweep.samples: a grid runs every combination"},
        {"aifactory: 1\nsweep:\n  scenario: nowhere.yaml\n  parameters: {a.b: {values: [1]}}\n",
         "t.yaml:3:13: error: sweep.scenario: cannot open the scenario file nowhere.yaml: No such "
         "file or directory"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  replication: 2\n"
         "  parameters: {a.b: {values: [1]}}\n",
         "t.yaml:4:3: error: sweep: unknown key 'replication' (did you mean 'replications'?)"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n"
         "    a.b: {normal: {mean: 1, sd: 0}}\n",
         "t.yaml:5:33: error: sweep.parameters.a.b.normal.sd: expected a number above 0, found 0"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  parameters:\n"
         "    a.b: {values: [1], uniform: [0, 1]}\n",
         "t.yaml:5:11: error: sweep.parameters.a.b: expected one of 'values'"},
        {"aifactory: 1\nsweep:\n  scenario: default\n  replications: 1001\n"
         "  parameters: {a.b: {values: [1]}}\n",
         "t.yaml:4:17: error: sweep.replications: expected"},
    };
    int wrong = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_sweep *s = load(cases[i].text, AIF_EPARSE);
        char buf[600];
        first_error(s, buf, sizeof buf);
        if (strncmp(buf, cases[i].want, strlen(cases[i].want)) != 0) {
            fprintf(stderr, "case %zu: got '%s', want '%s...'\n", i, buf, cases[i].want);
            wrong++;
        }
        aif_sweep_destroy(s);
    }
    assert_int_equal(wrong, 0);
}

static void grid_too_large_is_refused(void **state) {
    (void)state;
    /* 1000 x 1000 values: 10^6 runs > AIF_SWEEP_MAX_RUNS */
    size_t cap = 40000;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap,
                                "aifactory: 1\nsweep:\n  scenario: default\n"
                                "  parameters:\n");
    for (int p = 0; p < 2; p++) {
        n += (size_t)snprintf(text + n, cap - n, "    k.p%d: {values: [", p);
        for (int v = 0; v < 1000; v++) {
            n += (size_t)snprintf(text + n, cap - n, "%s%d", v ? "," : "", v);
        }
        n += (size_t)snprintf(text + n, cap - n, "]}\n");
    }
    aif_sweep *s = load(text, AIF_EPARSE);
    char buf[600];
    first_error(s, buf, sizeof buf);
    assert_non_null(strstr(buf, "the grid has 1000000 runs"));
    aif_sweep_destroy(s);
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grid_runs_in_order),
        cmocka_unit_test(replications_set_seeds),
        cmocka_unit_test(lhs_strata_hit_once),
        cmocka_unit_test(random_design_draws_within_bounds),
        cmocka_unit_test(errors_have_positions),
        cmocka_unit_test(grid_too_large_is_refused),
        cmocka_unit_test(catalog_ranges_are_drawn_within_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
