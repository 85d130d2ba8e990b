/* Unit tests for the catalog: the embedded default loads cleanly with every issue-listed id,
 * values and sources are read exactly, user files add and override entries, bad files are
 * rejected whole with every error located, suggestions, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <cmocka.h>

#include "aifactory/catalog.h"
#include "aifactory/catalog_read.h"

static aif_catalog *load_default(const aif_allocator *a) {
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(a, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    assert_int_equal(aif_catalog_errors(cat)->count, 0);
    return cat;
}

static aif_status merge(aif_catalog *cat, const char *text) {
    return aif_catalog_merge_string(cat, "user.yaml", text, strlen(text));
}

static void default_has_every_issue_id(void **state) {
    (void)state;
    aif_catalog *cat = load_default(NULL);
    static const char *const packages[] = {"h100-sxm", "h200-sxm", "b200",   "b300",
                                           "gb200",    "gb300",    "rubin",  "rubin-cpx",
                                           "mi300x",   "mi325x",   "mi355x", "mi450"};
    static const char *const systems[] = {
        "hgx-h100",  "hgx-h200",      "hgx-b200", "hgx-b300", "gb200-nvl72", "gb300-nvl72",
        "vr-nvl144", "vr-nvl144-cpx", "mi300x-8", "mi325x-8", "mi355x-8",    "helios-mi450"};
    assert_int_equal(aif_catalog_package_count(cat), 12);
    assert_int_equal(aif_catalog_system_count(cat), 12);
    for (size_t i = 0; i < 12; i++) {
        assert_non_null(aif_catalog_package_find(cat, packages[i]));
        const aif_system *s = aif_catalog_system_find(cat, systems[i]);
        assert_non_null(s);
        assert_non_null(s->package);
        assert_string_equal(aif_catalog_system_at(cat, i)->id, systems[i]);
        assert_string_equal(aif_catalog_package_at(cat, i)->id, packages[i]);
    }
    assert_null(aif_catalog_package_at(cat, 12));
    assert_null(aif_catalog_system_at(cat, 12));
    assert_null(aif_catalog_system_find(cat, "gb200"));
    aif_catalog_destroy(cat);
}

/* Every value present anywhere carries a source and a confidence; ranges are ordered. */
static void check_sourced(const aif_sourced *v) {
    if (!v->present) {
        return;
    }
    assert_non_null(v->source);
    assert_true(strlen(v->source) > 4);
    assert_true(v->confidence == 'H' || v->confidence == 'M' || v->confidence == 'L');
    assert_true(v->low <= v->value && v->value <= v->high);
    assert_true(v->line > 0 && v->col > 0);
}

static void default_values_are_sourced(void **state) {
    (void)state;
    aif_catalog *cat = load_default(NULL);
    for (size_t i = 0; i < aif_catalog_package_count(cat); i++) {
        const aif_package *p = aif_catalog_package_at(cat, i);
        assert_non_null(p->name);
        check_sourced(&p->dies);
        for (int k = 0; k < AIF_PREC_COUNT; k++) {
            check_sourced(&p->dense_tflops[k]);
        }
        check_sourced(&p->hbm_gb);
        check_sourced(&p->hbm_tbps);
        check_sourced(&p->tdp_w);
        check_sourced(&p->scaleup_gbps);
        check_sourced(&p->available);
        assert_true(p->available.present);
    }
    for (size_t i = 0; i < aif_catalog_system_count(cat); i++) {
        const aif_system *s = aif_catalog_system_at(cat, i);
        check_sourced(&s->packages);
        check_sourced(&s->it_power_kw);
        check_sourced(&s->price_usd);
        check_sourced(&s->scaleup_domain);
        check_sourced(&s->host_cpu_usd);
        check_sourced(&s->network_usd_per_gpu);
        check_sourced(&s->storage_usd_per_gpu);
        assert_true(s->it_power_kw.present && s->price_usd.present);
    }
    const aif_facility *f = aif_catalog_facility(cat);
    const aif_sourced *fs[] = {&f->pue,
                               &f->overhead_fraction,
                               &f->capex_usd_per_mw,
                               &f->power_price_usd_per_mwh,
                               &f->it_life_years,
                               &f->facility_life_years,
                               &f->power_distribution_usd_per_mw,
                               &f->network_usd_per_gpu,
                               &f->network_vendor_fraction,
                               &f->storage_usd_per_gpu,
                               &f->wacc};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        assert_true(fs[i]->present);
        check_sourced(fs[i]);
    }
    aif_catalog_destroy(cat);
}

static void default_exact_values(void **state) {
    (void)state;
    aif_catalog *cat = load_default(NULL);
    const aif_package *h100 = aif_catalog_package_find(cat, "h100-sxm");
    assert_true(h100->dense_tflops[AIF_PREC_BF16].value == 989);
    assert_true(h100->dense_tflops[AIF_PREC_FP8].value == 1979);
    assert_false(h100->dense_tflops[AIF_PREC_FP4].present); /* Hopper has no FP4 */
    assert_true(h100->hbm_tbps.value == 3.35);
    assert_true(h100->tdp_w.value == 700);
    assert_int_equal(h100->tdp_w.confidence, 'H');
    assert_string_equal(h100->tdp_w.source,
                        "meta-llama/llama-models:models/llama3_1/MODEL_CARD.md");
    assert_true(h100->dies.value == 1);
    const aif_package *gb200 = aif_catalog_package_find(cat, "gb200");
    assert_true(gb200->dies.value == 2);
    assert_true(gb200->dense_tflops[AIF_PREC_FP4].value == 10000);
    const aif_system *vr = aif_catalog_system_find(cat, "vr-nvl144");
    assert_true(vr->packages.value == 72);
    assert_true(vr->package->dies.value == 2); /* 144 dies in 72 packages */
    assert_true(vr->it_power_kw.has_range);
    assert_true(vr->it_power_kw.low == 190 && vr->it_power_kw.high == 230);
    assert_int_equal(vr->it_power_kw.confidence, 'L');
    const aif_system *cpx = aif_catalog_system_find(cat, "vr-nvl144-cpx");
    assert_string_equal(cpx->extra_package->id, "rubin-cpx");
    assert_true(cpx->extra_packages.value == 144);
    const aif_package *rubin = aif_catalog_package_find(cat, "rubin");
    assert_string_equal(rubin->available.text, "2026-H2");
    const aif_facility *f = aif_catalog_facility(cat);
    assert_true(f->pue.value == 1.2);
    assert_true(f->overhead_fraction.value == 0.10);
    assert_true(f->it_life_years.value == 5 && f->facility_life_years.value == 14);
    assert_true(f->power_price_usd_per_mwh.low == 66);
    /* The bill of materials and the cost of capital (docs/plan.md). */
    assert_true(f->wacc.value == 0.10 && f->wacc.low == 0.07 && f->wacc.high == 0.15);
    assert_true(f->network_vendor_fraction.value == 0.85);
    const aif_system *gb = aif_catalog_system_find(cat, "gb200-nvl72");
    assert_true(gb->host_cpu_usd.present && gb->host_cpu_usd.value < gb->price_usd.value);
    assert_false(vr->host_cpu_usd.present);
    size_t len = 0;
    const char *yaml = aif_catalog_default_yaml(&len);
    assert_int_equal(strlen(yaml), len);
    assert_non_null(strstr(yaml, "schema: aifactory-catalog/1"));
    aif_catalog_destroy(cat);
}

static void user_file_adds_and_overrides(void **state) {
    (void)state;
    aif_catalog *cat = load_default(NULL);
    const aif_system *gb = aif_catalog_system_find(cat, "gb200-nvl72");
    const char *text = "systems:\n"
                       "  gb200-nvl72:\n"
                       "    price_usd: {value: 2500000, source: 'my quote', confidence: M}\n"
                       "  my-rack:\n"
                       "    name: My rack\n"
                       "    package: my-gpu\n"
                       "    packages: {value: 16, source: me, confidence: L}\n"
                       "    it_power_kw: {value: 20, source: me, confidence: L}\n"
                       "    price_usd: {value: 1e6, source: me, confidence: L}\n"
                       "packages:\n"
                       "  my-gpu:\n"
                       "    name: My GPU\n"
                       "    dies: {value: 1, source: me, confidence: L}\n"
                       "    hbm_gb: {value: 64, source: me, confidence: L}\n"
                       "facility:\n"
                       "  pue: {default: 1.3, low: 1.25, high: 1.4, source: site, confidence: H}\n";
    assert_int_equal(merge(cat, text), AIF_OK);
    assert_int_equal(aif_catalog_errors(cat)->count, 0);
    /* The override changed only the price, in place: the pointer and the power stay. */
    assert_ptr_equal(aif_catalog_system_find(cat, "gb200-nvl72"), gb);
    assert_true(gb->price_usd.value == 2500000);
    assert_string_equal(gb->price_usd.source, "my quote");
    assert_string_equal(gb->price_usd.file, "user.yaml");
    assert_int_equal(gb->price_usd.line, 3);
    assert_int_equal(gb->price_usd.col, 5);
    assert_true(gb->it_power_kw.value == 132);
    const aif_system *mine = aif_catalog_system_find(cat, "my-rack");
    assert_non_null(mine);
    assert_string_equal(mine->package->id, "my-gpu");
    assert_true(mine->price_usd.value == 1e6);
    assert_int_equal(aif_catalog_system_count(cat), 13);
    assert_string_equal(aif_catalog_system_at(cat, 12)->id, "my-rack");
    assert_true(aif_catalog_facility(cat)->pue.value == 1.3);
    assert_true(aif_catalog_facility(cat)->overhead_fraction.value == 0.10);
    /* An empty document changes nothing and is not an error. */
    assert_int_equal(merge(cat, ""), AIF_OK);
    assert_int_equal(aif_catalog_system_count(cat), 13);
    aif_catalog_destroy(cat);
}

static void bad_file_lists_every_error_and_changes_nothing(void **state) {
    (void)state;
    aif_catalog *cat = load_default(NULL);
    const char *text = "systems:\n"                                             /* 1 */
                       "  gb200-nvl72:\n"                                       /* 2 */
                       "    price_usd: {value: -5, source: x, confidence: H}\n" /* 3 */
                       "  my-rack:\n"                                           /* 4 */
                       "    name: Mine\n"                                       /* 5 */
                       "    package: gb20\n"                                    /* 6 */
                       "    packages: {value: 7.5, source: x, confidence: L}\n" /* 7 */
                       "    it_power_kw: {default: 1, low: 2, high: 3, source: x, confidence: L}\n"
                       "    colour: red\n"                                /* 9 */
                       "facility:\n"                                      /* 10 */
                       "  pue: {value: 0.9, source: x, confidence: Q}\n"; /* 11 */
    assert_int_equal(merge(cat, text), AIF_EPARSE);
    struct {
        int line, col;
        const char *part;
    } want[] = {
        {3, 24, "gb200-nvl72.price_usd: expected a positive number, found -5"},
        {7, 23, "my-rack.packages: expected a whole count >= 1, found 7.5"},
        {8, 5, "expected low <= default <= high"},
        {9, 5, "unknown key 'colour'"},
        {4, 3, "my-rack: missing required field 'price_usd'"},
        {11, 44, "confidence must be H, M or L"},
        {6, 14, "unknown package 'gb20' (did you mean 'gb200'?)"},
    };
    size_t n = sizeof want / sizeof want[0];
    assert_int_equal(aif_catalog_errors(cat)->count, n);
    for (size_t i = 0; i < n; i++) {
        const aif_error *e = aif_error_list_at(aif_catalog_errors(cat), i);
        assert_string_equal(e->file, "user.yaml");
        assert_int_equal(e->line, want[i].line);
        assert_int_equal(e->col, want[i].col);
        assert_non_null(strstr(e->message, want[i].part));
    }
    assert_null(aif_error_list_at(aif_catalog_errors(cat), n));
    /* All or nothing: the valid parts of the bad file were not applied. */
    assert_true(aif_catalog_system_find(cat, "gb200-nvl72")->price_usd.value == 4500000);
    assert_null(aif_catalog_system_find(cat, "my-rack"));
    assert_true(aif_catalog_facility(cat)->pue.value == 1.2);
    aif_catalog_destroy(cat);
}

static void malformed_yaml_and_schema_errors(void **state) {
    (void)state;
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(merge(cat, "packages: [1,\n"), AIF_EPARSE);
    assert_int_equal(aif_catalog_errors(cat)->count, 1);
    const aif_error *first = aif_error_list_at(aif_catalog_errors(cat), 0);
    if (first == NULL) {
        fail_msg("no error recorded");
        return;
    }
    assert_non_null(strstr(first->message, "malformed YAML"));
    assert_int_equal(first->line, 2);
    assert_int_equal(merge(cat, "schema: other/2\n"), AIF_EPARSE);
    assert_int_equal(aif_error_list_at(aif_catalog_errors(cat), 0)->col, 9);
    assert_int_equal(merge(cat, "- a\n- b\n"), AIF_EPARSE);
    assert_non_null(
        strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message, "expected a mapping"));
    assert_int_equal(merge(cat, "packages:\n  x: {name: X, dies: 1}\n"), AIF_EPARSE);
    assert_non_null(strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message,
                           "x.dies: expected a mapping"));
    assert_int_equal(merge(cat, "packages:\n  Bad: {}\n"), AIF_EPARSE);
    assert_non_null(
        strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message, "invalid id 'Bad'"));
    assert_int_equal(merge(cat, "facility:\n  pue: {value: abc, source: s, confidence: H}\n"),
                     AIF_EPARSE);
    assert_non_null(strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message,
                           "finite number, found 'abc'"));
    assert_int_equal(merge(cat, "facility:\n  wacc: {value: 1.5, source: s, confidence: L}\n"),
                     AIF_EPARSE);
    assert_non_null(strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message,
                           "facility.wacc: expected a fraction in [0, 1], found 1.5"));
    assert_int_equal(
        merge(cat, "facility:\n  network_usd_per_gpu: {value: -1, source: s, confidence: L}\n"),
        AIF_EPARSE);
    assert_non_null(strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message,
                           "facility.network_usd_per_gpu: expected a number >= 0"));
    assert_int_equal(merge(cat, "facility:\n  pue: {value: 1.1, confidence: H}\n"), AIF_EPARSE);
    assert_non_null(
        strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message, "missing 'source'"));
    assert_int_equal(
        merge(cat, "facility:\n  pue: {value: 1.1, low: 1, source: s, confidence: H}\n"),
        AIF_EPARSE);
    assert_non_null(
        strstr(aif_error_list_at(aif_catalog_errors(cat), 0)->message, "both 'low' and 'high'"));
    assert_int_equal(merge(cat, "a: 1\na: 2\n"), AIF_EPARSE); /* duplicate keys */
    assert_int_equal(aif_error_list_at(aif_catalog_errors(cat), 0)->line, 2);
    assert_int_equal(aif_catalog_merge_file(cat, "/nonexistent/catalog.yaml"), AIF_EIO);
    assert_int_equal(aif_error_list_at(aif_catalog_errors(cat), 0)->line, 0);
    assert_string_equal(aif_error_list_at(aif_catalog_errors(cat), 0)->file,
                        "/nonexistent/catalog.yaml");
    assert_int_equal(aif_catalog_package_count(cat), 0);
    assert_int_equal(aif_catalog_merge_string(NULL, "x", "", 0), AIF_EINVAL);
    assert_int_equal(aif_catalog_create(NULL, NULL), AIF_EINVAL);
    aif_catalog_destroy(cat);
    aif_catalog_destroy(NULL);
}

/* Many errors: only the first AIF_ERROR_LIST_MAX are kept, the count is exact. */
static void error_list_is_capped(void **state) {
    (void)state;
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    char text[8192] = "facility:\n";
    for (int i = 0; i < AIF_ERROR_LIST_MAX + 20; i++) {
        char line[64];
        snprintf(line, sizeof line, "  bad%d: 1\n", i);
        strcat(text, line);
    }
    assert_int_equal(merge(cat, text), AIF_EPARSE);
    assert_int_equal(aif_catalog_errors(cat)->count, AIF_ERROR_LIST_MAX + 20);
    assert_non_null(aif_error_list_at(aif_catalog_errors(cat), AIF_ERROR_LIST_MAX - 1));
    assert_null(aif_error_list_at(aif_catalog_errors(cat), AIF_ERROR_LIST_MAX));
    aif_catalog_destroy(cat);
}

static void merge_file_reads_disk(void **state) {
    (void)state;
    char path[] = "/tmp/aif_catalog_testXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("systems:\n  hgx-h100:\n    it_power_kw: {value: 8.5, source: me, confidence: M}\n", f);
    fclose(f);
    aif_catalog *cat = load_default(NULL);
    assert_int_equal(aif_catalog_merge_file(cat, path), AIF_OK);
    const aif_system *s = aif_catalog_system_find(cat, "hgx-h100");
    assert_true(s->it_power_kw.value == 8.5);
    assert_string_equal(s->it_power_kw.file, path);
    remove(path);
    aif_catalog_destroy(cat);
}

static void suggestions_and_edit_distance(void **state) {
    (void)state;
    aif_catalog *cat = load_default(NULL);
    const char *out[4];
    size_t n = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, "gb200", out, 4);
    assert_int_equal(n, 1); /* the prefix match; hgx-b200 is 3 edits away, too far */
    assert_string_equal(out[0], "gb200-nvl72");
    n = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, "gb300-nvl27", out, 4);
    assert_true(n >= 1);
    assert_string_equal(out[0], "gb300-nvl72");
    n = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, "vr-nvl144", out, 4);
    assert_int_equal(n, 1); /* the id itself is never suggested */
    assert_string_equal(out[0], "vr-nvl144-cpx");
    n = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, "mi300x", out, 4);
    assert_string_equal(out[0], "mi300x-8");
    n = aif_catalog_suggest(cat, AIF_CATALOG_PACKAGE, "h100", out, 1);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "h100-sxm");
    assert_int_equal(aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, "zzzzzzzzzzzz", out, 4), 0);
    assert_int_equal(aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, "", out, 4), 0);
    assert_string_equal(aif_precision_name(AIF_PREC_FP8), "fp8");
    assert_string_equal(aif_precision_name(AIF_PREC_COUNT), "?");
    aif_catalog_destroy(cat);
}

/* Failing the Nth allocation, for every N the load needs, returns AIF_ENOMEM cleanly. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    aif_test_allocator probe;
    aif_test_allocator_init(&probe, 0);
    aif_catalog_destroy(load_default(&probe.base));
    assert_int_equal(probe.live_blocks, 0);
    long needed = probe.allocations;
    assert_true(needed > 2);
    for (long k = 1; k <= needed; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_catalog *cat = NULL;
        aif_status st = aif_catalog_create(&t.base, &cat);
        if (st == AIF_OK) {
            st = aif_catalog_load_default(cat);
            if (st == AIF_OK) {
                st = merge(cat, "systems:\n  x:\n    name: X\n    package: b200\n"
                                "    packages: {value: 8, source: s, confidence: L}\n"
                                "    it_power_kw: {value: 14, source: s, confidence: L}\n"
                                "    price_usd: {value: 1, source: s, confidence: L}\n");
            }
            if (st != AIF_OK) {
                assert_int_equal(st, AIF_ENOMEM);
                /* A failed merge leaves a usable catalog behind. */
                assert_true(aif_catalog_system_count(cat) == 0 ||
                            aif_catalog_system_count(cat) == 12);
            }
            aif_catalog_destroy(cat);
        } else {
            assert_int_equal(st, AIF_ENOMEM);
        }
        assert_int_equal(t.failures, 1);
        assert_int_equal(t.live_blocks, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_has_every_issue_id),
        cmocka_unit_test(default_values_are_sourced),
        cmocka_unit_test(default_exact_values),
        cmocka_unit_test(user_file_adds_and_overrides),
        cmocka_unit_test(bad_file_lists_every_error_and_changes_nothing),
        cmocka_unit_test(malformed_yaml_and_schema_errors),
        cmocka_unit_test(error_list_is_capped),
        cmocka_unit_test(merge_file_reads_disk),
        cmocka_unit_test(suggestions_and_edit_distance),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
