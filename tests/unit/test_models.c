/* Unit tests for the built-in model table: lookups, derived sizes, consistency of each
 * spec, and parameter counts recomputed from the shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/models.h"

static void lookup_every_issue_id(void **state) {
    (void)state;
    const char *ids[] = {"gpt3-175b",     "llama2-70b",   "llama3.1-8b", "llama3.1-70b",
                         "llama3.1-405b", "mixtral-8x7b", "deepseek-v3"};
    assert_int_equal(aif_model_count(), 7);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const aif_model_spec *m = aif_model_find(ids[i]);
        assert_non_null(m);
        assert_string_equal(m->id, ids[i]);
        assert_int_equal(aif_model_check(m), AIF_OK);
        assert_true(strlen(m->source) > 10);
    }
    assert_null(aif_model_find("gpt5"));
    assert_null(aif_model_find(NULL));
    assert_null(aif_model_at(-1));
    assert_null(aif_model_at(7));
    assert_ptr_equal(aif_model_at(0), aif_model_find("gpt3-175b"));
}

static void derived_sizes(void **state) {
    (void)state;
    /* GQA: 2 * 8 KV heads * 128 = 2048 elements per token per layer. */
    assert_true(aif_model_kv_elems_per_token_layer(aif_model_find("llama2-70b")) == 2048.0);
    /* MHA GPT-3: 2 * 96 * 128. MLA DeepSeek-V3: latent 512 + rope 64. */
    assert_true(aif_model_kv_elems_per_token_layer(aif_model_find("gpt3-175b")) == 24576.0);
    assert_true(aif_model_kv_elems_per_token_layer(aif_model_find("deepseek-v3")) == 576.0);
    assert_true(aif_model_attn_dim(aif_model_find("llama3.1-405b")) == 16384.0);
}

/* Dense Llama-style count: embeddings in and out, attention (q, o full; k, v grouped) and
 * the three FFN matrices per layer; norms are negligible. */
static double llama_params(const aif_model_spec *m) {
    double h = m->hidden, kv = (double)m->kv_heads * m->head_dim;
    double per_layer = h * h * 2 + h * kv * 2 + 3.0 * h * m->ffn;
    return m->layers * per_layer + 2.0 * m->vocab * h;
}

static void params_match_shapes(void **state) {
    (void)state;
    const char *dense[] = {"llama2-70b", "llama3.1-8b", "llama3.1-70b", "llama3.1-405b"};
    for (size_t i = 0; i < 4; i++) {
        const aif_model_spec *m = aif_model_find(dense[i]);
        double ratio = llama_params(m) / m->params_total;
        assert_true(ratio > 0.995 && ratio < 1.005);
    }
    /* GPT-3: 12 * L * h^2 plus embeddings (vocab and 2048 positions). */
    const aif_model_spec *g = aif_model_find("gpt3-175b");
    double gpt =
        12.0 * g->layers * (double)g->hidden * g->hidden + (double)(g->vocab + 2048) * g->hidden;
    assert_true(gpt / g->params_total > 0.99 && gpt / g->params_total < 1.01);
    /* Mixtral: 8 experts of 3*h*ffn per layer, 2 active. */
    const aif_model_spec *x = aif_model_find("mixtral-8x7b");
    double h = x->hidden, kv = (double)x->kv_heads * x->head_dim;
    double attn = x->layers * (h * h * 2 + h * kv * 2) + 2.0 * x->vocab * h;
    double expert = x->layers * 3.0 * h * x->ffn;
    assert_true((attn + 8 * expert) / x->params_total > 0.99 &&
                (attn + 8 * expert) / x->params_total < 1.01);
    assert_true((attn + 2 * expert) / x->params_active > 0.98 &&
                (attn + 2 * expert) / x->params_active < 1.02);
}

static void check_rejects_bad_specs(void **state) {
    (void)state;
    aif_model_spec m = *aif_model_find("llama2-70b");
    assert_int_equal(aif_model_check(NULL), AIF_EINVAL);
    m.kv_heads = 7; /* does not divide 64 heads */
    assert_int_equal(aif_model_check(&m), AIF_EINVAL);
    m = *aif_model_find("llama2-70b");
    m.params_active = m.params_total * 2;
    assert_int_equal(aif_model_check(&m), AIF_EINVAL);
    m = *aif_model_find("mixtral-8x7b");
    m.experts_active = 9;
    assert_int_equal(aif_model_check(&m), AIF_EINVAL);
    m = *aif_model_find("llama2-70b");
    m.layers = 0;
    assert_int_equal(aif_model_check(&m), AIF_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookup_every_issue_id),
        cmocka_unit_test(derived_sizes),
        cmocka_unit_test(params_match_shapes),
        cmocka_unit_test(check_rejects_bad_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
