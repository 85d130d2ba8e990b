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

/* ---- Model sets: built-in models plus user YAML files ---- */

/* One problem found in a models file; printed as "file:line:col: error: message". line and
 * col are 1-based, 0 when unknown (a file that could not be opened). */
typedef struct aif_model_error {
    const char *file;
    int line;
    int col;
    char message[160];
} aif_model_error;

#define AIF_MODEL_MAX_ERRORS 32

typedef struct aif_model_set aif_model_set;

/* Create a set whose memory comes from `a` (NULL: system allocator), holding copies of the
 * built-in models when `with_builtin` is non-zero, else empty. Errors: AIF_EINVAL (out ==
 * NULL), AIF_ENOMEM. Cost O(built-in count). */
aif_status aif_model_set_create(const aif_allocator *a, int with_builtin, aif_model_set **out);

/* Free the set; specs obtained from it become invalid. NULL is a no-op. */
void aif_model_set_destroy(aif_model_set *s);

/* Merge YAML `text` (`len` bytes; `name`, copied, labels errors) of the form
 *   models:
 *     - {id: my-model, params_total: 7e9, layers: 32, hidden: 4096, heads: 32, ...}
 * Required per entry: id, params_total, layers, hidden, heads, head_dim, ffn, vocab,
 * max_context, source; optional: params_active (= total), kv_heads (= heads), experts,
 * experts_active, kv_latent_dim (0). An entry whose id is already in the set replaces it
 * whole (same pointer, new values); new ids are appended. All or nothing: every problem is
 * recorded with file:line:col and the set changes only when there were none.
 * Errors: AIF_EINVAL (NULL arguments), AIF_EPARSE (see aif_model_set_error_at), AIF_ENOMEM.
 * Cost O(len + entries x set size). */
aif_status aif_model_set_merge_string(aif_model_set *s, const char *name, const char *text,
                                      size_t len);

/* Read the file at `path` and merge it as above. Errors: also AIF_EIO (unreadable file,
 * recorded as an error with line 0). */
aif_status aif_model_set_merge_file(aif_model_set *s, const char *path);

/* Errors of the last merge (cleared when a merge starts); at most AIF_MODEL_MAX_ERRORS are
 * kept, the count includes dropped ones. _at returns NULL past the kept ones. */
size_t aif_model_set_error_count(const aif_model_set *s);
const aif_model_error *aif_model_set_error_at(const aif_model_set *s, size_t i);

/* Models in order (built-ins, then new ids in file order); _at is NULL past the end, _find
 * NULL for unknown ids. Pointers stay valid until the set is destroyed. Cost O(1), O(n). */
size_t aif_model_set_count(const aif_model_set *s);
const aif_model_spec *aif_model_set_at(const aif_model_set *s, size_t i);
const aif_model_spec *aif_model_set_find(const aif_model_set *s, const char *id);

#endif
