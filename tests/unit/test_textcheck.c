/* Unit tests for the byte gate in front of the parsers (src/io/textcheck.h): well-formed
 * UTF-8 passes; each malformed form that used to hang libfyaml after a `%` (stray byte,
 * overlong, surrogate, past U+10FFFF, truncated) and NUL is refused at its line and column;
 * the scenario loader reports the same for the file and for --set values, and refuses a
 * second document or a custom tag (src/io/yaml.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/scenario.h"
#include "io/textcheck.h"

static void check_bad(const char *text, size_t len, size_t offset, unsigned long line,
                      unsigned long col, unsigned char byte) {
    aif__text_fault f = {0};
    assert_false(aif__text_check(text, len, &f));
    assert_int_equal(f.offset, offset);
    assert_int_equal(f.line, line);
    assert_int_equal(f.col, col);
    assert_int_equal(f.byte, byte);
}

static void valid_text_passes(void **state) {
    (void)state;
    aif__text_fault f;
    const char *ok[] = {"",
                        "aifactory: 1\n",
                        "name: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80\n",
                        "\xef\xbb\xbf# BOM\n",
                        "%YAML 1.2\n---\na: 1\n",
                        "\xed\x9f\xbf \xee\x80\x80 \xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_true(aif__text_check(ok[i], strlen(ok[i]), &f));
    }
}

static void malformed_bytes_are_found(void **state) {
    (void)state;
    check_bad("%\xff", 2, 1, 1, 2, 0xff);
    check_bad("a: 1\n%     \xd3 x\n", 14, 11, 2, 7, 0xd3);
    check_bad("\xc0\x80", 2, 0, 1, 1, 0xc0);         /* overlong NUL */
    check_bad("\xe0\x80\xaf", 3, 0, 1, 1, 0xe0);     /* overlong '/' */
    check_bad("x\xed\xa0\x80", 4, 1, 1, 2, 0xed);    /* surrogate */
    check_bad("\xf4\x90\x80\x80", 4, 0, 1, 1, 0xf4); /* past U+10FFFF */
    check_bad("\xf5\x80\x80\x80", 4, 0, 1, 1, 0xf5);
    check_bad("\x80", 1, 0, 1, 1, 0x80);             /* lone continuation */
    check_bad("\xc3\xa9\xe2\x82", 4, 2, 1, 2, 0xe2); /* truncated at the end */
    check_bad("\xe2\x82x", 3, 0, 1, 1, 0xe2);        /* truncated mid-text */
    check_bad("a\nbc\0d", 6, 4, 2, 3, 0x00);
}

static void messages_name_the_byte(void **state) {
    (void)state;
    char buf[64];
    aif__text_fault f = {0, 1, 1, 0xff};
    assert_string_equal(aif__text_fault_message(&f, buf, sizeof buf),
                        "expected UTF-8 text, found byte 0xff");
    f.byte = 0;
    assert_string_equal(aif__text_fault_message(&f, buf, sizeof buf),
                        "expected text, found a NUL byte");
}

static void scenario_refuses_bad_bytes(void **state) {
    (void)state;
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_load_string(s, "t.yaml", "%\xff", 2), AIF_EPARSE);
    const aif_error_list *e = aif_scenario_errors(s);
    assert_int_equal(e->count, 1);
    assert_string_equal(e->items[0].file, "t.yaml");
    assert_int_equal(e->items[0].line, 1);
    assert_int_equal(e->items[0].col, 2);
    assert_string_equal(e->items[0].message,
                        "malformed YAML: expected UTF-8 text, found byte 0xff");
    aif_scenario_destroy(s);

    s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_set(s, "name=a\xff"), AIF_OK);
    assert_int_equal(aif_scenario_load_default(s), AIF_EPARSE);
    e = aif_scenario_errors(s);
    assert_int_equal(e->count, 1);
    assert_string_equal(e->items[0].file, "--set");
    assert_int_equal(e->items[0].line, 1);
    assert_int_equal(e->items[0].col, 7);
    aif_scenario_destroy(s);
}

/* One error, at `line`:`col`, with `message`, and no binding errors after it. */
static void check_refused(const char *text, unsigned long line, unsigned long col,
                          const char *message) {
    aif_scenario *s = NULL;
    assert_int_equal(aif_scenario_create(NULL, &s), AIF_OK);
    assert_int_equal(aif_scenario_load_string(s, "t.yaml", text, strlen(text)), AIF_EPARSE);
    const aif_error_list *e = aif_scenario_errors(s);
    assert_int_equal(e->count, 1);
    assert_int_equal(e->items[0].line, line);
    assert_int_equal(e->items[0].col, col);
    assert_string_equal(e->items[0].message, message);
    aif_scenario_destroy(s);
}

/* libfyaml's document builder drops what follows the first document and any tag; the
 * reader refuses both rather than bind a part of the input. */
static void stream_holds_one_untagged_document(void **state) {
    (void)state;
    check_refused("aifactory: 1\n---\nname: b\n", 2, 1,
                  "malformed YAML: expected one document, found a second one");
    check_refused("{\"aifactory\": 1} xx", 1, 18, "malformed YAML: missing document start");
    check_refused("aifactory: !foo 1\n", 1, 12,
                  "malformed YAML: custom tags are not supported, found '!foo'");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_text_passes),
        cmocka_unit_test(malformed_bytes_are_found),
        cmocka_unit_test(messages_name_the_byte),
        cmocka_unit_test(scenario_refuses_bad_bytes),
        cmocka_unit_test(stream_holds_one_untagged_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
