/* Unit tests for version: the version is the project's "MAJOR.MINOR.PATCH" and the commit is
 * a short lower-case hex hash or "unknown" (a build outside git). Nothing allocates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/version.h"

static void version_is_the_projects(void **state) {
    (void)state;
    assert_string_equal(aif_version(), AIF_VERSION_STRING);
    int dots = 0;
    for (const char *c = aif_version(); *c; c++) {
        dots += *c == '.';
        assert_true(*c == '.' || (*c >= '0' && *c <= '9'));
    }
    assert_int_equal(dots, 2);
}

static void commit_is_a_hash_or_unknown(void **state) {
    (void)state;
    const char *commit = aif_version_commit();
    if (strcmp(commit, "unknown") == 0) {
        return;
    }
    assert_true(strlen(commit) >= 7);
    assert_int_equal(strspn(commit, "0123456789abcdef"), strlen(commit));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_is_the_projects),
        cmocka_unit_test(commit_is_a_hash_or_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
