/* Unit tests for model sets (aif_model_set_*): data/models.yaml agrees field by field with
 * the built-in table, user models are added or replace built-ins and run through the
 * performance model, bad files are rejected whole with file:line:col errors, and every
 * allocation failure is reported without leaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/models.h"
#include "aifactory/models_file.h"
#include "aifactory/perf.h"

static const char user_model[] = "# a user's model\n"
                                 "models:\n"
                                 "  - id: my-7b\n"
                                 "    params_total: 6.7e9\n"
                                 "    layers: 32\n"
                                 "    hidden: 4096\n"
                                 "    heads: 32\n"
                                 "    head_dim: 128\n"
                                 "    ffn: 11008\n"
                                 "    vocab: 32000\n"
                                 "    max_context: 4096\n"
                                 "    source: \"my notes\"\n";

static aif_status merge(aif_model_set *s, const char *text) {
    return aif_model_set_merge_string(s, "m.yaml", text, strlen(text));
}

/* The repository root from this file's path (CMake compiles with absolute paths). */
static void data_path(char *buf, size_t size, const char *rel) {
    const char *marker = strstr(__FILE__, "tests/unit/");
    assert_non_null(marker);
    snprintf(buf, size, "%.*s%s", (int)(marker - __FILE__), __FILE__, rel);
}

static void yaml_agrees_with_builtin(void **state) {
    (void)state;
    char path[1024];
    data_path(path, sizeof path, "data/models.yaml");
    aif_model_set *s = NULL;
    assert_int_equal(aif_model_set_create(NULL, 0, &s), AIF_OK);
    assert_int_equal(aif_model_set_count(s), 0);
    assert_int_equal(aif_model_set_merge_file(s, path), AIF_OK);
    assert_int_equal(aif_model_set_count(s), (size_t)aif_model_count());
    for (int i = 0; i < aif_model_count(); i++) {
        const aif_model_spec *b = aif_model_at(i);
        const aif_model_spec *y = aif_model_set_at(s, (size_t)i);
        assert_string_equal(y->id, b->id); /* same order too */
        assert_true(y->params_total == b->params_total);
        assert_true(y->params_active == b->params_active);
        assert_int_equal(y->layers, b->layers);
        assert_int_equal(y->hidden, b->hidden);
        assert_int_equal(y->heads, b->heads);
        assert_int_equal(y->kv_heads, b->kv_heads);
        assert_int_equal(y->head_dim, b->head_dim);
        assert_int_equal(y->ffn, b->ffn);
        assert_int_equal(y->vocab, b->vocab);
        assert_int_equal(y->max_context, b->max_context);
        assert_int_equal(y->experts, b->experts);
        assert_int_equal(y->experts_active, b->experts_active);
        assert_int_equal(y->kv_latent_dim, b->kv_latent_dim);
        assert_string_equal(y->source, b->source);
    }
    aif_model_set_destroy(s);
}

static void user_models_add_and_replace(void **state) {
    (void)state;
    aif_model_set *s = NULL;
    assert_int_equal(aif_model_set_create(NULL, 1, &s), AIF_OK);
    assert_int_equal(aif_model_set_count(s), 7);
    const aif_model_spec *l2 = aif_model_set_find(s, "llama2-70b");
    assert_non_null(l2);
    assert_ptr_not_equal(l2, aif_model_find("llama2-70b")); /* a copy, owned by the set */
    assert_int_equal(merge(s, user_model), AIF_OK);
    assert_int_equal(aif_model_set_count(s), 8);
    const aif_model_spec *m = aif_model_set_find(s, "my-7b");
    assert_ptr_equal(m, aif_model_set_at(s, 7));
    assert_true(m->params_total == 6.7e9 && m->params_active == 6.7e9); /* defaults */
    assert_int_equal(m->kv_heads, 32);
    assert_int_equal(m->experts + m->experts_active + m->kv_latent_dim, 0);
    assert_string_equal(m->source, "my notes");
    assert_int_equal(aif_model_check(m), AIF_OK);

    /* It runs through the performance model like a built-in. */
    aif_perf_infer_query q = {
        m, aif_perf_hw_find("h100"), 8, AIF_PREC_FP8, 389, 294, AIF_WORKLOAD_OFFLINE, 0, 0, NULL};
    aif_perf_infer_result r;
    assert_int_equal(aif_perf_infer(aif_perf_calib_default(), &q, &r), AIF_OK);
    assert_true(r.tokens_per_s > 0);

    /* A known id is replaced whole, in place. */
    assert_int_equal(merge(s, "models:\n"
                              "  - {id: llama2-70b, params_total: 7e10, params_active: 7e10,\n"
                              "     layers: 81, hidden: 8192, heads: 64, kv_heads: 8,\n"
                              "     head_dim: 128, ffn: 28672, vocab: 32000,\n"
                              "     max_context: 8192, source: override}\n"),
                     AIF_OK);
    assert_int_equal(aif_model_set_count(s), 8);
    assert_ptr_equal(aif_model_set_find(s, "llama2-70b"), l2);
    assert_int_equal(l2->layers, 81);
    assert_int_equal(l2->max_context, 8192);
    assert_string_equal(l2->source, "override");
    assert_int_equal(aif_model_find("llama2-70b")->layers, 80); /* built-in untouched */

    /* Empty and comment-only files add nothing. */
    assert_int_equal(merge(s, ""), AIF_OK);
    assert_int_equal(merge(s, "# nothing\n"), AIF_OK);
    assert_int_equal(aif_model_set_count(s), 8);
    assert_null(aif_model_set_find(s, "nope"));
    assert_null(aif_model_set_find(s, NULL));
    assert_null(aif_model_set_at(s, 8));
    aif_model_set_destroy(s);
}

static void expect_error(const char *text, unsigned long line, unsigned long col,
                         const char *fragment) {
    aif_model_set *s = NULL;
    assert_int_equal(aif_model_set_create(NULL, 1, &s), AIF_OK);
    assert_int_equal(merge(s, text), AIF_EPARSE);
    assert_int_equal(aif_model_set_count(s), 7); /* all or nothing */
    assert_true(aif_model_set_errors(s)->count >= 1);
    const aif_error *e = aif_error_list_at(aif_model_set_errors(s), 0);
    assert_string_equal(e->file, "m.yaml");
    if (strstr(e->message, fragment) == NULL || e->line != line || e->col != col) {
        fail_msg("got %lu:%lu: %s; wanted %lu:%lu: ...%s...", e->line, e->col, e->message, line,
                 col, fragment);
    }
    aif_model_set_destroy(s);
}

static void bad_files_are_located(void **state) {
    (void)state;
    char buf[1024];
    /* Line 4 of user_model is "params_total: 6.7e9": break it in several ways. */
    snprintf(buf, sizeof buf, "%s", user_model);
    char *p = strstr(buf, "6.7e9");
    memcpy(p, "lots!", 5);
    expect_error(buf, 4, 19, "params_total: expected a number, found 'lots!'");
    snprintf(buf, sizeof buf, "%s", user_model);
    memcpy(strstr(buf, "layers: 32"), "layers: .5", 10);
    expect_error(buf, 5, 13, "layers: expected a whole number >= 1");
    snprintf(buf, sizeof buf, "%s    colour: blue\n", user_model);
    expect_error(buf, 13, 5, "unknown key 'colour'");
    snprintf(buf, sizeof buf, "%s    kv_heads: 5\n", user_model);
    expect_error(buf, 3, 5, "my-7b: kv_heads (5) must divide heads (32)");
    snprintf(buf, sizeof buf, "%s    params_active: 7e9\n", user_model);
    expect_error(buf, 3, 5, "params_active (7e+09) exceeds params_total");
    snprintf(buf, sizeof buf, "%s    experts: 8\n", user_model);
    expect_error(buf, 3, 5, "experts_active <= experts");
    snprintf(buf, sizeof buf, "%s    layers: 2\n", user_model);
    expect_error(buf, 13, 5, "malformed YAML: duplicate key"); /* caught by libfyaml */
    expect_error("models:\n  - {id: x, source: s}\n", 2, 6,
                 "x: missing required field "
                 "'params_total'");
    expect_error("models:\n  - id: Bad Id\n", 2, 9, "invalid id 'Bad Id'");
    expect_error("models: {}\n", 1, 1, "models: expected a sequence");
    expect_error("models:\n  - 3\n", 2, 5, "each entry must be a mapping");
    expect_error("wrong: 1\n", 1, 1, "unknown key 'wrong'");
    expect_error("models:\n  - id: [\n", 3, 1, "malformed YAML");
    /* Two entries with one id. */
    snprintf(buf, sizeof buf, "%s%s", user_model, strstr(user_model, "  - id"));
    expect_error(buf, 13, 5, "my-7b: defined twice in this file (first at line 3)");

    /* Every error is collected, not just the first. */
    aif_model_set *s = NULL;
    assert_int_equal(aif_model_set_create(NULL, 0, &s), AIF_OK);
    assert_int_equal(merge(s, "models:\n  - {id: a, source: s}\n  - {id: b, layers: -1}\n"),
                     AIF_EPARSE);
    assert_true(aif_model_set_errors(s)->count >= 10);
    assert_null(aif_error_list_at(aif_model_set_errors(s), 99));
    assert_int_equal(aif_model_set_count(s), 0);
    /* A clean merge afterwards clears the errors. */
    assert_int_equal(merge(s, user_model), AIF_OK);
    assert_int_equal(aif_model_set_errors(s)->count, 0);
    assert_int_equal(aif_model_set_merge_file(s, "/nonexistent/models.yaml"), AIF_EIO);
    assert_int_equal(aif_model_set_errors(s)->count, 1);
    assert_int_equal(aif_error_list_at(aif_model_set_errors(s), 0)->line, 0);
    assert_non_null(
        strstr(aif_error_list_at(aif_model_set_errors(s), 0)->message, "cannot open models file"));
    assert_int_equal(aif_model_set_count(s), 1);

    assert_int_equal(aif_model_set_create(NULL, 0, NULL), AIF_EINVAL);
    assert_int_equal(aif_model_set_merge_string(NULL, "x", "", 0), AIF_EINVAL);
    assert_int_equal(aif_model_set_merge_string(s, NULL, "", 0), AIF_EINVAL);
    assert_int_equal(aif_model_set_merge_file(s, NULL), AIF_EINVAL);
    assert_int_equal(aif_model_set_count(NULL), 0);
    aif_model_set_destroy(s);
    aif_model_set_destroy(NULL);
}

static aif_status build(const aif_allocator *a, aif_model_set **out) {
    aif_status st = aif_model_set_create(a, 1, out);
    if (st != AIF_OK) {
        return st;
    }
    /* Enough new ids to grow the pointer array past its first 16 slots. */
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "models:\n");
    for (int i = 0; i < 12; i++) {
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "  - {id: m%d, params_total: 1e9, layers: 8, hidden: 1024, "
                              "heads: 8, head_dim: 128, ffn: 4096, vocab: 1000, "
                              "max_context: 2048, source: s}\n",
                              i);
    }
    return aif_model_set_merge_string(*out, "m.yaml", text, n);
}

static void allocation_failures(void **state) {
    (void)state;
    aif_test_allocator probe;
    aif_test_allocator_init(&probe, 0);
    aif_model_set *s = NULL;
    assert_int_equal(build(&probe.base, &s), AIF_OK);
    assert_int_equal(aif_model_set_count(s), 19);
    aif_model_set_destroy(s);
    assert_int_equal(probe.live_blocks, 0);
    long needed = probe.allocations;
    assert_true(needed >= 4);
    for (long k = 1; k <= needed; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        s = NULL;
        aif_status st = build(&t.base, &s);
        assert_int_equal(st, AIF_ENOMEM);
        if (s != NULL) {
            /* A failed merge leaves the set as it was. */
            assert_int_equal(aif_model_set_count(s), 7);
            aif_model_set_destroy(s);
        }
        assert_int_equal(t.failures, 1);
        assert_int_equal(t.live_blocks, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yaml_agrees_with_builtin),
        cmocka_unit_test(user_models_add_and_replace),
        cmocka_unit_test(bad_files_are_located),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
