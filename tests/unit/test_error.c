/* Tests of message formatting (error.h): quoted input longer than AIF_QUOTE_MAX bytes is cut
 * at a UTF-8 character boundary with its length said, apostrophes inside words are not
 * quotes, a message cut to its buffer stays valid UTF-8, and aif_error records go through
 * the same cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/error.h"

static size_t fmt(char *out, size_t n, const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    size_t w = aif_message_vformat(out, n, f, ap);
    va_end(ap);
    return w;
}

static void short_quotes_kept(void **state) {
    (void)state;
    char out[128];
    fmt(out, sizeof out, "unknown id '%s' (did you mean '%s'?)", "abc", "abd");
    assert_string_equal(out, "unknown id 'abc' (did you mean 'abd'?)");
    /* The scenario's days: an apostrophe in a word opens no quote. */
    fmt(out, sizeof out, "the scenario's %d days", 3);
    assert_string_equal(out, "the scenario's 3 days");
    /* A closing quote after punctuation opens no new run, however long the rest. */
    char big[256];
    fmt(big, sizeof big,
        "folder '.' cannot be replaced as a whole; name a folder of its own, e.g. %s", "./out");
    assert_string_equal(big, "folder '.' cannot be replaced as a whole; name a folder of its own, "
                             "e.g. ./out");
}

static void long_quote_cut(void **state) {
    (void)state;
    static char big[100001];
    memset(big, 'x', sizeof big - 1);
    char out[AIF_ERROR_MESSAGE_MAX];
    fmt(out, sizeof out, "unknown model '%s', see list", big);
    char want[200];
    snprintf(want, sizeof want, "unknown model '%.*s\u2026(100000 bytes)', see list", AIF_QUOTE_MAX,
             big);
    assert_string_equal(out, want);
    /* Two-byte characters: the cut falls on a character boundary (30 of them = 60 bytes,
     * then 31 would be 62). */
    char e[402];
    for (int i = 0; i < 200; i++) {
        memcpy(e + 2 * i, "\xc3\xa9", 2);
    }
    e[400] = '\0';
    fmt(out, sizeof out, "'%s'", e);
    assert_int_equal(strstr(out, "\u2026") - out, 1 + 60);
    /* Three-byte characters: 20 of them fill 60 bytes exactly; with one ASCII byte first the
     * 21st would straddle the limit and is dropped. */
    char t[700] = "a";
    for (int i = 0; i < 200; i++) {
        strcat(t, "\xe2\x82\xac");
    }
    fmt(out, sizeof out, "'%s'", t);
    assert_int_equal(strstr(out, "\u2026") - out, 1 + 1 + 57);
    assert_non_null(strstr(out, "(601 bytes)'"));
}

static void buffer_cut_keeps_utf8(void **state) {
    (void)state;
    char out[8];
    /* "ab" then a 3-byte character at bytes 2..4, then another at 5..7: 7 bytes fit, the
     * second character would need 8. */
    size_t w = fmt(out, sizeof out, "%s", "ab\xe2\x82\xac\xe2\x82\xac");
    assert_int_equal(w, 5);
    assert_string_equal(out, "ab\xe2\x82\xac");
}

static void error_records_cut(void **state) {
    (void)state;
    static char big[5000];
    memset(big, '9', sizeof big - 1);
    aif_error e = {0};
    aif_error_set_at(&e, AIF_EPARSE, "f.yaml", 1, 2, "expected a number, found '%s'", big);
    assert_non_null(strstr(e.message, "\u2026(4999 bytes)'"));
    aif_error_list l = {0};
    aif_error_list_add(&l, "f.yaml", 3, 4, "bad '%s'", big);
    assert_non_null(strstr(aif_error_list_at(&l, 0)->message, "(4999 bytes)"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_quotes_kept),
        cmocka_unit_test(long_quote_cut),
        cmocka_unit_test(buffer_cut_keeps_utf8),
        cmocka_unit_test(error_records_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
