/* Model sets: the built-in model table (models.h) plus user models read from YAML files of
 * the data/models.yaml schema, so `aifactory perf --models FILE` can size models nobody
 * compiled in. */
#ifndef AIFACTORY_MODELS_FILE_H
#define AIFACTORY_MODELS_FILE_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/models.h"
#include "aifactory/status.h"

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
 * Errors: AIF_EINVAL (NULL arguments), AIF_EPARSE (see aif_model_set_errors), AIF_ENOMEM.
 * Cost O(len + entries x set size). */
aif_status aif_model_set_merge_string(aif_model_set *s, const char *name, const char *text,
                                      size_t len);

/* Read the file at `path` and merge it as above. Errors: also AIF_EIO (unreadable file,
 * recorded as an error with line 0). */
aif_status aif_model_set_merge_file(aif_model_set *s, const char *path);

/* Errors of the last merge (cleared when a merge starts), in file order, each with its
 * file:line:col (line 0 when not tied to a line, e.g. an unreadable file). NULL for a NULL
 * set. The list lives in the set. O(1). */
const aif_error_list *aif_model_set_errors(const aif_model_set *s);

/* Models in order (built-ins, then new ids in file order); _at is NULL past the end, _find
 * NULL for unknown ids. Pointers stay valid until the set is destroyed. Cost O(1), O(n). */
size_t aif_model_set_count(const aif_model_set *s);
const aif_model_spec *aif_model_set_at(const aif_model_set *s, size_t i);
const aif_model_spec *aif_model_set_find(const aif_model_set *s, const char *id);

#endif
