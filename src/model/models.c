/* Built-in LLM architecture table (mirrors data/models.yaml) and small derived sizes.
 *
 * Parameter counts are the published totals; shapes come from each model's released
 * config (Hugging Face config.json or the paper). Sources are kept per row so `aifactory
 * perf` and docs can cite them. */
#include "aifactory/models.h"

#include <string.h>

static const aif_model_spec builtin_models[] = {
    /* Brown et al. 2020, "Language Models are Few-Shot Learners", Table 2.1 (175B row);
     * MLPerf Training GPT-3 reference (seq 2048, vocab 50257). */
    {"gpt3-175b", 175.0e9, 175.0e9, 96, 12288, 96, 96, 128, 49152, 50257, 2048, 0, 0, 0,
     "Brown et al. 2020 Table 2.1; MLPerf Training gpt3 reference"},
    /* meta-llama/Llama-2-70b-hf config.json; 68.98e9 parameters counted from its shapes. */
    {"llama2-70b", 68.98e9, 68.98e9, 80, 8192, 64, 8, 128, 28672, 32000, 4096, 0, 0, 0,
     "meta-llama/Llama-2-70b-hf config.json; Touvron et al. 2023"},
    /* meta-llama/Llama-3.1-8B config.json; model card 8.03B. */
    {"llama3.1-8b", 8.03e9, 8.03e9, 32, 4096, 32, 8, 128, 14336, 128256, 131072, 0, 0, 0,
     "meta-llama/Llama-3.1-8B config.json and MODEL_CARD.md"},
    /* meta-llama/Llama-3.1-70B config.json; 70.6B. Llama 3.3 70B has the same shapes. */
    {"llama3.1-70b", 70.6e9, 70.6e9, 80, 8192, 64, 8, 128, 28672, 128256, 131072, 0, 0, 0,
     "meta-llama/Llama-3.1-70B config.json and MODEL_CARD.md"},
    /* meta-llama/Llama-3.1-405B config.json; 405.9B; Llama 3 paper (Dubey et al. 2024) Table 3. */
    {"llama3.1-405b", 405.9e9, 405.9e9, 126, 16384, 128, 8, 128, 53248, 128256, 131072, 0, 0, 0,
     "meta-llama/Llama-3.1-405B config.json; Llama 3 paper Table 3"},
    /* mistralai/Mixtral-8x7B-v0.1 config.json; 46.7B total, 12.9B active (Jiang et al. 2024). */
    {"mixtral-8x7b", 46.7e9, 12.9e9, 32, 4096, 32, 8, 128, 14336, 32000, 32768, 8, 2, 0,
     "mistralai/Mixtral-8x7B-v0.1 config.json; Jiang et al. 2024"},
    /* deepseek-ai/DeepSeek-V3 config.json: 61 layers, MLA (kv_lora_rank 512 + rope 64),
     * 256 routed experts (8 active) of width 2048; 671B total, 37B active (tech report). */
    {"deepseek-v3", 671.0e9, 37.0e9, 61, 7168, 128, 128, 128, 2048, 129280, 131072, 256, 8, 576,
     "deepseek-ai/DeepSeek-V3 config.json; DeepSeek-V3 technical report (2024)"},
};

enum { MODEL_COUNT = sizeof builtin_models / sizeof builtin_models[0] };

int aif_model_count(void) {
    return MODEL_COUNT;
}

const aif_model_spec *aif_model_at(int i) {
    return (i >= 0 && i < MODEL_COUNT) ? &builtin_models[i] : NULL;
}

const aif_model_spec *aif_model_find(const char *id) {
    if (id == NULL) {
        return NULL;
    }
    for (int i = 0; i < MODEL_COUNT; i++) {
        if (strcmp(builtin_models[i].id, id) == 0) {
            return &builtin_models[i];
        }
    }
    return NULL;
}

double aif_model_kv_elems_per_token_layer(const aif_model_spec *m) {
    if (m->kv_latent_dim > 0) {
        return (double)m->kv_latent_dim;
    }
    return 2.0 * m->kv_heads * m->head_dim;
}

double aif_model_attn_dim(const aif_model_spec *m) {
    return (double)m->heads * m->head_dim;
}

aif_status aif_model_check(const aif_model_spec *m) {
    if (m == NULL || m->params_total <= 0 || m->params_active <= 0 ||
        m->params_active > m->params_total * (1 + 1e-9) || m->layers <= 0 || m->hidden <= 0 ||
        m->heads <= 0 || m->kv_heads <= 0 || m->head_dim <= 0 || m->heads % m->kv_heads != 0 ||
        m->max_context <= 0 || m->experts < 0 || m->experts_active < 0 ||
        m->experts_active > m->experts) {
        return AIF_EINVAL;
    }
    return AIF_OK;
}
