/* Unit tests for aif_scenario_use_catalog: a scenario bound over a caller's default catalog
 * gives what a scenario that loads the default itself gives (values and errors alike),
 * reads the base directly when the file has no catalog section, merges a section into a
 * copy, and never changes the base; argument and state errors; allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/catalog_read.h"
#include "aifactory/scenario.h"

static const char *const minimal =
    "aifactory: 1\n"
    "simulation: {start: 2026-01-01, end: 2027-01-01}\n"
    "providers:\n"
    "  - {id: me, kind: own}\n"
    "sites:\n"
    "  - id: s1\n"
    "    provider: me\n"
    "    phases:\n"
    "      - {system: gb200-nvl72, power: 1GW, ready: 2026-07, block: 300MW, "
    "block_interval: 1 month}\n";

/* The minimal scenario with a catalog section that overrides a price and adds a system. */
static const char *const with_catalog =
    "aifactory: 1\n"
    "catalog:\n"
    "  systems:\n"
    "    gb200-nvl72:\n"
    "      price_usd: {value: 5000000, source: test, confidence: L}\n"
    "    x8:\n"
    "      name: X8\n"
    "      package: b200\n"
    "      packages: {value: 8, source: test, confidence: L}\n"
    "      it_power_kw: {value: 14, source: test, confidence: L}\n"
    "      price_usd: {value: 400000, source: test, confidence: L}\n"
    "simulation: {start: 2026-01-01, end: 2027-01-01}\n"
    "providers:\n"
    "  - {id: me, kind: own}\n"
    "sites:\n"
    "  - id: s1\n"
    "    provider: me\n"
    "    phases:\n"
    "      - {system: x8, power: 1GW, ready: 2026-07, block: 300MW, "
    "block_interval: 1 month}\n";

static aif_catalog *load_default(void) {
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    return cat;
}

/* Bind `text` (NULL: the embedded default scenario) with `sets`, over `base` when given. */
static aif_scenario *bind(const aif_catalog *base, const char *text, const char *const *sets,
                          size_t nsets, aif_status expect) {
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    if (base) {
        assert_int_equal(aif_scenario_use_catalog(s, base), AIF_OK);
    }
    for (size_t i = 0; i < nsets; i++) {
        assert_int_equal(aif_scenario_set(s, sets[i]), AIF_OK);
    }
    aif_status st = text ? aif_scenario_load_string(s, "t.yaml", text, strlen(text))
                         : aif_scenario_load_default(s);
    assert_int_equal(st, expect);
    return s;
}

/* Same errors, same sites and blocks, same catalog entries by value. */
static void assert_same_binding(const aif_scenario *a, const aif_scenario *b) {
    const aif_error_list *ea = aif_scenario_errors(a), *eb = aif_scenario_errors(b);
    assert_int_equal(ea->count, eb->count);
    for (size_t i = 0; i < ea->count && i < AIF_ERROR_LIST_MAX; i++) {
        char fa[512], fb[512];
        aif_error_format(aif_error_list_at(ea, i), fa, sizeof fa);
        aif_error_format(aif_error_list_at(eb, i), fb, sizeof fb);
        assert_string_equal(fa, fb);
    }
    assert_int_equal(aif_scenario_site_count(a), aif_scenario_site_count(b));
    for (size_t i = 0; i < aif_scenario_site_count(a); i++) {
        const aif_scenario_site *sa = aif_scenario_site_at(a, i);
        const aif_scenario_site *sb = aif_scenario_site_at(b, i);
        assert_int_equal(sa->phase_count, sb->phase_count);
        for (size_t k = 0; k < sa->phase_count; k++) {
            assert_int_equal(sa->phases[k].block_count, sb->phases[k].block_count);
            for (size_t j = 0; j < sa->phases[k].block_count; j++) {
                assert_memory_equal(&sa->phases[k].blocks[j], &sb->phases[k].blocks[j],
                                    sizeof sa->phases[k].blocks[j]);
            }
        }
    }
    const aif_catalog *ca = aif_scenario_catalog(a), *cb = aif_scenario_catalog(b);
    assert_int_equal(aif_catalog_system_count(ca), aif_catalog_system_count(cb));
    for (size_t i = 0; i < aif_catalog_system_count(ca); i++) {
        const aif_system *x = aif_catalog_system_at(ca, i), *y = aif_catalog_system_at(cb, i);
        assert_string_equal(x->id, y->id);
        assert_true(x->price_usd.value == y->price_usd.value);
        assert_string_equal(x->package->id, y->package->id);
    }
}

static void without_a_section_the_base_is_read_as_it_is(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    aif_scenario *own = bind(NULL, NULL, NULL, 0, AIF_OK);
    aif_scenario *shared = bind(base, NULL, NULL, 0, AIF_OK);
    assert_ptr_equal(aif_scenario_catalog(shared), base);
    assert_ptr_not_equal(aif_scenario_catalog(own), base);
    assert_same_binding(own, shared);
    aif_scenario_destroy(shared);
    aif_scenario_destroy(own);
    aif_scenario *a = bind(NULL, minimal, NULL, 0, AIF_OK);
    aif_scenario *b = bind(base, minimal, NULL, 0, AIF_OK);
    assert_same_binding(a, b);
    aif_scenario_destroy(b);
    aif_scenario_destroy(a);
    aif_catalog_destroy(base);
}

static void a_section_merges_into_a_copy(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    size_t systems = aif_catalog_system_count(base);
    const aif_system *gb = aif_catalog_system_find(base, "gb200-nvl72");
    aif_system before = *gb;
    aif_scenario *a = bind(NULL, with_catalog, NULL, 0, AIF_OK);
    aif_scenario *b = bind(base, with_catalog, NULL, 0, AIF_OK);
    assert_same_binding(a, b);
    const aif_catalog *cb = aif_scenario_catalog(b);
    assert_ptr_not_equal(cb, base);
    assert_true(aif_catalog_system_find(cb, "gb200-nvl72")->price_usd.value == 5e6);
    assert_non_null(aif_catalog_system_find(cb, "x8"));
    /* The base: no new system, the override not applied, the entry byte for byte. */
    assert_int_equal(aif_catalog_system_count(base), systems);
    assert_null(aif_catalog_system_find(base, "x8"));
    assert_memory_equal(gb, &before, sizeof before);
    aif_scenario_destroy(b);
    aif_scenario_destroy(a);
    /* The same through --set, which emits the section from the tree. */
    const char *sets[] = {"catalog.systems.gb200-nvl72.price_usd.value=6000000"};
    a = bind(NULL, with_catalog, sets, 1, AIF_OK);
    b = bind(base, with_catalog, sets, 1, AIF_OK);
    assert_same_binding(a, b);
    assert_true(aif_catalog_system_find(aif_scenario_catalog(b), "gb200-nvl72")->price_usd.value ==
                6e6);
    assert_memory_equal(gb, &before, sizeof before);
    aif_scenario_destroy(b);
    aif_scenario_destroy(a);
    aif_catalog_destroy(base);
}

static void errors_are_the_same_over_a_base(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    const char *bad_section = "aifactory: 1\ncatalog:\n  systems:\n    x1:\n      bogus: 1\n";
    const char *bad_kind = "aifactory: 1\ncatalog: [1, 2]\n";
    const char *missing_file = "aifactory: 1\ncatalog: no-such-catalog.yaml\n";
    const char *texts[] = {bad_section, bad_kind, missing_file};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        aif_scenario *a = bind(NULL, texts[i], NULL, 0, AIF_EPARSE);
        aif_scenario *b = bind(base, texts[i], NULL, 0, AIF_EPARSE);
        assert_true(aif_scenario_errors(b)->count > 0);
        assert_same_binding(a, b);
        aif_scenario_destroy(b);
        aif_scenario_destroy(a);
    }
    /* An unknown system named by a site, with the base's nearest id suggested. */
    const char *sets[] = {"sites.0.phases.0.system=gb200-nvl7"};
    aif_scenario *a = bind(NULL, minimal, sets, 1, AIF_EPARSE);
    aif_scenario *b = bind(base, minimal, sets, 1, AIF_EPARSE);
    assert_same_binding(a, b);
    assert_non_null(strstr(aif_error_list_at(aif_scenario_errors(b), 0)->message, "gb200-nvl72"));
    aif_scenario_destroy(b);
    aif_scenario_destroy(a);
    assert_int_equal(aif_catalog_errors(base)->count, 0);
    aif_catalog_destroy(base);
}

static void arguments_and_state(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_use_catalog(NULL, base), AIF_EINVAL);
    assert_int_equal(aif_scenario_use_catalog(s, NULL), AIF_EINVAL);
    assert_int_equal(aif_scenario_use_catalog(s, base), AIF_OK);
    assert_int_equal(aif_scenario_load_string(s, "t.yaml", minimal, strlen(minimal)), AIF_OK);
    assert_int_equal(aif_scenario_use_catalog(s, base), AIF_ESTATE);
    aif_scenario_destroy(s);
    aif_catalog_destroy(base);
}

/* Failing the Nth allocation of a load over a base, for every N, is AIF_ENOMEM with
 * nothing left allocated, with and without a catalog section. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    const char *texts[] = {minimal, with_catalog};
    for (size_t i = 0; i < 2; i++) {
        const char *text = texts[i];
        aif_test_allocator probe;
        aif_test_allocator_init(&probe, 0);
        aif_scenario *s = NULL;
        assert_int_equal(aif_scenario_create(&probe.base, &s), AIF_OK);
        assert_int_equal(aif_scenario_use_catalog(s, base), AIF_OK);
        assert_int_equal(aif_scenario_load_string(s, "t.yaml", text, strlen(text)), AIF_OK);
        aif_scenario_destroy(s);
        assert_int_equal(probe.live_blocks, 0);
        for (long k = 1; k <= probe.allocations; k++) {
            aif_test_allocator t;
            aif_test_allocator_init(&t, k);
            s = NULL;
            aif_status st = aif_scenario_create(&t.base, &s);
            if (st == AIF_OK) {
                assert_int_equal(aif_scenario_use_catalog(s, base), AIF_OK);
                st = aif_scenario_load_string(s, "t.yaml", text, strlen(text));
            }
            assert_int_equal(st, AIF_ENOMEM);
            aif_scenario_destroy(s);
            assert_int_equal(t.live_blocks, 0);
        }
    }
    assert_int_equal(aif_catalog_system_count(base), 12);
    aif_catalog_destroy(base);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(without_a_section_the_base_is_read_as_it_is),
        cmocka_unit_test(a_section_merges_into_a_copy),
        cmocka_unit_test(errors_are_the_same_over_a_base),
        cmocka_unit_test(arguments_and_state),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
