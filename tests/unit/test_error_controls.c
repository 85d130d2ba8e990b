/* aif_error (error.h): control characters quoted from the input are escaped, so an error
 * stays one line (the cut of long quotes is tested in test_error.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/error.h"

/* A quoted input's line break, tab or terminal escape is escaped, so a message stays one
 * line (issue 17: fuzzing found messages that echoed a YAML key or a CSV field holding a
 * newline across two lines). */
static void controls_are_escaped(void **state) {
    (void)state;
    aif_error e;
    aif_error_set_at(&e, AIF_EPARSE, "f.yaml", 2, 3, "unknown key '%s'", "a\nb\tc\r\x1b[31m\x7f");
    assert_string_equal(e.message, "unknown key 'a\\nb\\tc\\r\\x1b[31m\\x7f'");
    char buf[128];
    aif_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "f.yaml:2:3: error: unknown key 'a\\nb\\tc\\r\\x1b[31m\\x7f'");
    aif_error_set(&e, AIF_EPARSE, "plain text, untouched: 'x'");
    assert_string_equal(e.message, "plain text, untouched: 'x'");
}

/* A message of control characters longer than the buffer is cut at a whole escape. */
static void escapes_are_cut_whole(void **state) {
    (void)state;
    char text[AIF_ERROR_MESSAGE_MAX];
    memset(text, '\x01', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    aif_error e;
    aif_error_set(&e, AIF_EPARSE, "%s", text);
    size_t n = strlen(e.message);
    assert_true(n < AIF_ERROR_MESSAGE_MAX);
    assert_int_equal(n % 4, 0);
    assert_memory_equal(e.message + n - 4, "\\x01", 4);
    aif_error_list l = {0};
    aif_error_list_add(&l, "f", 1, 1, "found '%s'", "\n");
    assert_string_equal(aif_error_list_at(&l, 0)->message, "found '\\n'");
}

/* A file name is input too: a scenario's `catalog: "\t\x16"` names the file "<dir>/\x16",
 * and the error about it must stay one line (found by the scenario harness's campaign;
 * tests/data/repro/scenario-catalog-control-name.yaml). */
static void file_names_are_escaped(void **state) {
    (void)state;
    aif_error e;
    aif_error_set_at(&e, AIF_EIO, "/tmp/\x16\n", 0, 0, "cannot open catalog file");
    char buf[128];
    aif_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "/tmp/\\x16\\n: error: cannot open catalog file");
    aif_error_set_at(&e, AIF_EPARSE, "plain.yaml", 1, 2, "x");
    aif_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "plain.yaml:1:2: error: x");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(controls_are_escaped),
        cmocka_unit_test(escapes_are_cut_whole),
        cmocka_unit_test(file_names_are_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
