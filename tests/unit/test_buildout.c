/* Unit tests for the build-out's error reporting (buildout.h): every failure records its
 * status and a one-line reason in the caller's aif_error (named by phase for a build-out),
 * a success leaves the error cleared, and a NULL error is allowed everywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/buildout.h"
#include "aifactory/catalog_read.h"

static aif_catalog *load_default(void) {
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    return cat;
}

/* A stale error, so that tests see a call clear or overwrite it. */
static aif_error stale(void) {
    aif_error e;
    aif_error_set(&e, AIF_EPARSE, "left over");
    return e;
}

static void block_errors(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    aif_block b;
    aif_error err = stale();
    assert_int_equal(aif_buildout_block(cat, "gb200-nvl72", 100e6, &b, &err), AIF_OK);
    assert_int_equal(err.status, AIF_OK);
    assert_string_equal(err.message, "");
    assert_true(b.racks >= 1);

    assert_int_equal(aif_buildout_block(cat, "gb200-nvl72", 0, &b, &err), AIF_EINVAL);
    assert_int_equal(err.status, AIF_EINVAL);
    assert_string_equal(err.message, "block needs a catalog, a system id and a positive power");

    /* The planner's message is passed on as it is. */
    assert_int_equal(aif_buildout_block(cat, "no-such-system", 100e6, &b, &err), AIF_ENOTFOUND);
    assert_int_equal(err.status, AIF_ENOTFOUND);
    assert_non_null(strstr(err.message, "unknown system 'no-such-system'"));
    assert_null(err.file);

    aif_error_clear(&err);
    assert_int_equal(aif_buildout_block(cat, "gb200-nvl72", 1.0, &b, &err), AIF_ERANGE);
    assert_int_equal(err.status, AIF_ERANGE);
    assert_true(err.message[0] != '\0');

    assert_int_equal(aif_buildout_block(cat, "no-such-system", 100e6, &b, NULL), AIF_ENOTFOUND);
    aif_catalog_destroy(cat);
}

static void create_errors(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    aif_buildout_phase ph[2] = {
        {.system_id = "gb200-nvl72", .facility_w = 200e6, .block_w = 50e6},
        {.system_id = "gb200-nvl72", .facility_w = -1},
    };
    aif_buildout *b = NULL;
    aif_error err = stale();
    assert_int_equal(aif_buildout_create(NULL, cat, ph, 1, &b, &err), AIF_OK);
    assert_int_equal(err.status, AIF_OK);
    assert_string_equal(err.message, "");
    assert_int_equal(aif_buildout_count(b), 4);
    aif_buildout_destroy(b);

    b = NULL;
    assert_int_equal(aif_buildout_create(NULL, cat, ph, 2, &b, &err), AIF_EINVAL);
    assert_null(b);
    assert_int_equal(err.status, AIF_EINVAL);
    assert_string_equal(err.message, "phase 1: power must be > 0; ramp, block and life >= 0");

    ph[1] = (aif_buildout_phase){.system_id = "no-such-system", .facility_w = 10e6};
    assert_int_equal(aif_buildout_create(NULL, cat, ph, 2, &b, &err), AIF_ENOTFOUND);
    assert_int_equal(err.status, AIF_ENOTFOUND);
    assert_non_null(strstr(err.message, "phase 1: unknown system 'no-such-system'"));

    assert_int_equal(aif_buildout_create(NULL, NULL, ph, 1, &b, &err), AIF_EINVAL);
    assert_string_equal(err.message, "missing catalog, phases or output");
    assert_int_equal(aif_buildout_create(NULL, cat, ph, 2, &b, NULL), AIF_ENOTFOUND);
    aif_catalog_destroy(cat);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_errors),
        cmocka_unit_test(create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
