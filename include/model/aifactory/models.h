/* LLM architecture specs used by the performance model: parameter counts, shapes and the
 * sizes that set FLOPs per token, weight bytes and KV-cache bytes.
 *
 * The built-in table mirrors data/models.yaml (ids, values and sources are the same), so the
 * library and the tests need no file at run time. Specs are small transparent value types;
 * callers may build their own (a user's model) and pass it to aif_perf_*. A model set
 * (aif_model_set_*) holds the built-in table plus models read from YAML files of the
 * data/models.yaml schema (docs/perf.md), so users can add their own. */
#ifndef AIFACTORY_MODELS_H
#define AIFACTORY_MODELS_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

typedef struct aif_model_spec {
    const char *id;       /* "llama2-70b" */
    double params_total;  /* every weight stored, embeddings included */
    double params_active; /* weights touched per token (== total for dense models) */
    int layers;           /* transformer blocks */
    int hidden;           /* model (residual) width */
    int heads;            /* query heads */
    int kv_heads;         /* key/value heads (GQA); == heads for MHA */
    int head_dim;         /* per-head width */
    int ffn;              /* FFN inner width (per expert for MoE) */
    int vocab;            /* vocabulary size */
    int max_context;      /* tokens */
    int experts;          /* routed experts per MoE layer; 0 for dense */
    int experts_active;   /* routed experts per token; 0 for dense */
    int kv_latent_dim;    /* MLA: cached latent+rope width per layer (replaces 2*kv*hd) */
    const char *source;   /* where the numbers come from */
} aif_model_spec;

/* Number of built-in models, and the i-th (0 <= i < count; NULL outside). Cost O(1). */
int aif_model_count(void);
const aif_model_spec *aif_model_at(int i);

/* The built-in model with this id, or NULL (id == NULL or unknown). Cost O(count). */
const aif_model_spec *aif_model_find(const char *id);

/* KV-cache elements stored per token per layer (2*kv_heads*head_dim, or the MLA latent
 * width). Multiply by layers and bytes per element for bytes per token. */
double aif_model_kv_elems_per_token_layer(const aif_model_spec *m);

/* Attention width (heads * head_dim) that sets attention FLOPs. */
double aif_model_attn_dim(const aif_model_spec *m);

/* Check a (user) spec for consistency: positive sizes, active <= total, kv_heads dividing
 * heads, experts_active <= experts. Returns AIF_OK or AIF_EINVAL. Cost O(1). */
aif_status aif_model_check(const aif_model_spec *m);

#endif
