/* Building a libfyaml document from text with every syntax error collected rather than
 * printed, for the loaders (catalog, models, scenarios). Shared-internal. */
#ifndef AIF_IO_YAML_H
#define AIF_IO_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include <libfyaml.h>

#include "aifactory/status.h"

typedef struct aif__yaml {
    struct fy_document *doc; /* NULL for an empty stream (blanks and comments only) */
    struct fy_diag *diag;
} aif__yaml;

/* Called once per syntax error with 1-based line and column and libfyaml's message. */
typedef void (*aif__yaml_error_fn)(void *ctx, int line, int col, const char *message);

/* Parse YAML (or JSON) `text`. Returns AIF_OK with out->doc set, or with out->doc NULL when
 * the stream is empty; AIF_EPARSE after reporting each error through `on_error`; or
 * AIF_ENOMEM. Release with aif__yaml_close in every case. */
aif_status aif__yaml_parse(const char *text, size_t len, aif__yaml *out,
                           aif__yaml_error_fn on_error, void *ctx);

/* "a scalar", "a sequence", "a mapping", or "nothing" for NULL: for "expected X, found Y". */
const char *aif__yaml_node_kind(struct fy_node *n);

/* Whether s[0..len) is a valid entry id: 1-64 characters of [a-z0-9-_.], starting with a
 * letter or digit. Ids are the same everywhere (catalog, models, scenarios). */
bool aif__yaml_valid_id(const char *s, size_t len);

/* Destroy the document and its diagnostics; safe on a zeroed value. */
void aif__yaml_close(aif__yaml *y);

#endif
