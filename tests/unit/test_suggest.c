/* "Did you mean": ranking of near names and the one message shape (suggest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/suggest.h"

static const char *const names[] = {"fifo", "backfill", "sjf", "srtf", "las", "priority"};

static void prefix_ranks_before_edits(void **state) {
    (void)state;
    const char *const ids[] = {"gb300-nvl72", "hgx-b200", "gb200", "b200-nvl", "nvl"};
    const char *near[4];
    size_t n = aif_suggest("b200", ids, 5, near, 4);
    assert_int_equal(n, 3);
    assert_string_equal(near[0], "b200-nvl"); /* starts with it */
    assert_string_equal(near[1], "gb200");    /* contains it, 1 edit */
    assert_string_equal(near[2], "hgx-b200"); /* contains it, 4 edits */
}

static void typo_is_found_and_far_words_are_not(void **state) {
    (void)state;
    const char *near[3];
    assert_int_equal(aif_suggest("fif", names, 6, near, 3), 1);
    assert_string_equal(near[0], "fifo");
    assert_int_equal(aif_suggest("backfil", names, 6, near, 3), 1);
    assert_string_equal(near[0], "backfill");
    assert_int_equal(aif_suggest("completely-different", names, 6, near, 3), 0);
    assert_int_equal(aif_suggest("", names, 6, near, 3), 0);
    assert_int_equal(aif_suggest(NULL, names, 6, near, 3), 0);
}

static void exact_name_is_not_suggested(void **state) {
    (void)state;
    const char *near[3];
    assert_int_equal(aif_suggest("sjf", names, 6, near, 3), 0);
}

static void max_is_respected_best_first(void **state) {
    (void)state;
    const char *const ids[] = {"a-3", "a-1", "a-2", "a-4"};
    const char *near[2];
    assert_int_equal(aif_suggest("a-", ids, 4, near, 2), 2);
    assert_string_equal(near[0], "a-3"); /* ties keep list order */
    assert_string_equal(near[1], "a-1");
}

static void text_shapes(void **state) {
    (void)state;
    char buf[128];
    const char *one[] = {"fifo"};
    const char *two[] = {"fifo", "sjf"};
    const char *three[] = {"fifo", "sjf", "las"};
    assert_string_equal(aif_suggest_text(buf, sizeof buf, one, 0), "");
    assert_string_equal(aif_suggest_text(buf, sizeof buf, one, 1), " (did you mean 'fifo'?)");
    assert_string_equal(aif_suggest_text(buf, sizeof buf, two, 2),
                        " (did you mean 'fifo' or 'sjf'?)");
    assert_string_equal(aif_suggest_text(buf, sizeof buf, three, 3),
                        " (did you mean 'fifo', 'sjf' or 'las'?)");
    char small[10];
    aif_suggest_text(small, sizeof small, three, 3);
    assert_int_equal(strlen(small), sizeof small - 1); /* cut, still terminated */
}

static void edit_distance(void **state) {
    (void)state;
    assert_int_equal(aif_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(aif_edit_distance("", "abc"), 3);
    assert_int_equal(aif_edit_distance("same", "same"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefix_ranks_before_edits),
        cmocka_unit_test(typo_is_found_and_far_words_are_not),
        cmocka_unit_test(exact_name_is_not_suggested),
        cmocka_unit_test(max_is_respected_best_first),
        cmocka_unit_test(text_shapes),
        cmocka_unit_test(edit_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
