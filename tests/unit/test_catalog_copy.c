/* Unit tests for aif_catalog_copy: a copy holds the base's entries and facility defaults,
 * its systems point at its own packages, merges into it (adding and overriding) leave the
 * base byte for byte as it was, and every allocation failure is reported cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/catalog.h"
#include "aifactory/catalog_read.h"

static aif_catalog *load_default(void) {
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    return cat;
}

static aif_status merge(aif_catalog *cat, const char *text) {
    return aif_catalog_merge_string(cat, "user.yaml", text, strlen(text));
}

/* Byte copies of every entry, to show later that nothing in `cat` was written. */
typedef struct snapshot {
    size_t np, ns;
    aif_package *packages;
    aif_system *systems;
    aif_facility facility;
} snapshot;

static snapshot take_snapshot(const aif_catalog *cat) {
    snapshot s = {.np = aif_catalog_package_count(cat), .ns = aif_catalog_system_count(cat)};
    s.packages = calloc(s.np, sizeof *s.packages);
    s.systems = calloc(s.ns, sizeof *s.systems);
    assert_non_null(s.packages);
    assert_non_null(s.systems);
    for (size_t i = 0; i < s.np; i++) {
        s.packages[i] = *aif_catalog_package_at(cat, i);
    }
    for (size_t i = 0; i < s.ns; i++) {
        s.systems[i] = *aif_catalog_system_at(cat, i);
    }
    s.facility = *aif_catalog_facility(cat);
    return s;
}

static void assert_unchanged(const aif_catalog *cat, snapshot *s) {
    assert_int_equal(aif_catalog_package_count(cat), s->np);
    assert_int_equal(aif_catalog_system_count(cat), s->ns);
    for (size_t i = 0; i < s->np; i++) {
        assert_memory_equal(aif_catalog_package_at(cat, i), &s->packages[i], sizeof *s->packages);
    }
    for (size_t i = 0; i < s->ns; i++) {
        assert_memory_equal(aif_catalog_system_at(cat, i), &s->systems[i], sizeof *s->systems);
    }
    assert_memory_equal(aif_catalog_facility(cat), &s->facility, sizeof s->facility);
    free(s->packages);
    free(s->systems);
}

static void copy_holds_the_base(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    aif_catalog *copy = NULL;
    assert_int_equal(aif_catalog_copy(base, NULL, &copy), AIF_OK);
    assert_int_equal(aif_catalog_errors(copy)->count, 0);
    assert_int_equal(aif_catalog_package_count(copy), aif_catalog_package_count(base));
    assert_int_equal(aif_catalog_system_count(copy), aif_catalog_system_count(base));
    for (size_t i = 0; i < aif_catalog_package_count(base); i++) {
        const aif_package *b = aif_catalog_package_at(base, i);
        const aif_package *c = aif_catalog_package_at(copy, i);
        assert_ptr_not_equal(b, c);
        assert_memory_equal(b, c, sizeof *b); /* strings shared, nothing to resolve */
        assert_ptr_equal(aif_catalog_package_find(copy, b->id), c);
    }
    for (size_t i = 0; i < aif_catalog_system_count(base); i++) {
        const aif_system *b = aif_catalog_system_at(base, i);
        const aif_system *c = aif_catalog_system_at(copy, i);
        assert_ptr_not_equal(b, c);
        assert_string_equal(b->id, c->id);
        assert_true(b->price_usd.value == c->price_usd.value);
        assert_true(b->it_power_kw.value == c->it_power_kw.value);
        /* The copy's systems point at the copy's packages. */
        assert_ptr_equal(c->package, aif_catalog_package_find(copy, c->package_id));
        assert_ptr_not_equal(c->package, b->package);
        if (b->extra_package_id) {
            assert_ptr_equal(c->extra_package, aif_catalog_package_find(copy, c->extra_package_id));
        }
    }
    assert_memory_equal(aif_catalog_facility(base), aif_catalog_facility(copy),
                        sizeof(aif_facility));
    aif_catalog_destroy(copy);
    aif_catalog_destroy(base);
}

static void merges_into_the_copy_leave_the_base(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    snapshot before = take_snapshot(base);
    double price = aif_catalog_system_find(base, "gb200-nvl72")->price_usd.value;
    aif_catalog *copy = NULL;
    assert_int_equal(aif_catalog_copy(base, NULL, &copy), AIF_OK);
    /* Override a system and a package, add a system on the overridden package, and change
     * a facility default. */
    assert_int_equal(merge(copy, "packages:\n  gb200:\n    name: Renamed\n"
                                 "systems:\n  gb200-nvl72:\n"
                                 "    price_usd: {value: 1000, source: s, confidence: L}\n"
                                 "  x:\n    name: X\n    package: gb200\n"
                                 "    packages: {value: 8, source: s, confidence: L}\n"
                                 "    it_power_kw: {value: 14, source: s, confidence: L}\n"
                                 "    price_usd: {value: 1, source: s, confidence: L}\n"
                                 "facility:\n  pue: {value: 1.5, source: s, confidence: L}\n"),
                     AIF_OK);
    assert_true(aif_catalog_system_find(copy, "gb200-nvl72")->price_usd.value == 1000);
    assert_string_equal(aif_catalog_system_find(copy, "x")->package->name, "Renamed");
    assert_true(aif_catalog_facility(copy)->pue.value == 1.5);
    assert_int_equal(aif_catalog_system_count(copy), aif_catalog_system_count(base) + 1);
    /* A refused merge reports into the copy's list only. */
    assert_int_equal(merge(copy, "systems:\n  y:\n    bogus: 1\n"), AIF_EPARSE);
    assert_true(aif_catalog_errors(copy)->count > 0);
    assert_int_equal(aif_catalog_errors(base)->count, 0);
    assert_true(aif_catalog_system_find(base, "gb200-nvl72")->price_usd.value == price);
    assert_null(aif_catalog_system_find(base, "x"));
    assert_unchanged(base, &before);
    /* Destroying the copy takes nothing of the base with it. */
    aif_catalog_destroy(copy);
    assert_string_equal(aif_catalog_package_find(base, "gb200")->name,
                        aif_catalog_system_find(base, "gb200-nvl72")->package->name);
    aif_catalog_destroy(base);
}

static void copy_of_an_empty_catalog_and_bad_arguments(void **state) {
    (void)state;
    aif_catalog *empty = NULL, *copy = NULL;
    assert_int_equal(aif_catalog_create(NULL, &empty), AIF_OK);
    assert_int_equal(aif_catalog_copy(empty, NULL, &copy), AIF_OK);
    assert_int_equal(aif_catalog_package_count(copy), 0);
    assert_int_equal(aif_catalog_system_count(copy), 0);
    assert_int_equal(aif_catalog_copy(NULL, NULL, &copy), AIF_EINVAL);
    assert_int_equal(aif_catalog_copy(empty, NULL, NULL), AIF_EINVAL);
    aif_catalog_destroy(copy);
    aif_catalog_destroy(empty);
}

/* Failing the Nth allocation, for every N a copy needs, returns AIF_ENOMEM with nothing
 * left allocated. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    aif_catalog *base = load_default();
    aif_test_allocator probe;
    aif_test_allocator_init(&probe, 0);
    aif_catalog *copy = NULL;
    assert_int_equal(aif_catalog_copy(base, &probe.base, &copy), AIF_OK);
    aif_catalog_destroy(copy);
    assert_int_equal(probe.live_blocks, 0);
    long needed = probe.allocations;
    assert_true(needed >= 4); /* the catalog, its arena, two entry lists */
    for (long k = 1; k <= needed; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        copy = NULL;
        assert_int_equal(aif_catalog_copy(base, &t.base, &copy), AIF_ENOMEM);
        assert_null(copy);
        assert_int_equal(t.failures, 1);
        assert_int_equal(t.live_blocks, 0);
    }
    aif_catalog_destroy(base);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copy_holds_the_base),
        cmocka_unit_test(merges_into_the_copy_leave_the_base),
        cmocka_unit_test(copy_of_an_empty_catalog_and_bad_arguments),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
