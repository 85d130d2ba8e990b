/* The one way io reads a libfyaml document tree (scenarios, catalogs, model files): a reader that
 * records every problem into an aif_error_list at FILE:LINE:COL and keeps going, node positions,
 * key checking with "did you mean", typed scalar reads (text, numbers with a range, quantities with
 * a unit, durations, booleans, enums) and the walks over a sequence's items and a mapping's pairs.
 * A cursor aims the readers at one mapping, so a call names only the key. Nothing here knows a file
 * format: each loader layers its own context on top (the scenario binder embeds the reader as the
 * first member of its context). Shared-internal. */
#ifndef AIF_IO_YAML_CURSOR_H
#define AIF_IO_YAML_CURSOR_H

#include <stdbool.h>
#include <stddef.h>

#include <libfyaml.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/time.h"
#include "aifactory/units.h"

/* The `min` that makes aif__y_qty accept any value above zero and say "expected a positive
 * value": far below the smallest magnitude any unit needs. */
#define AIF_Y_POSITIVE 1e-300

/* Position of a node in the input, 1-based; `file` NULL means the reader's file. */
typedef struct aif__ypos {
    const char *file;
    int line;
    int col;
} aif__ypos;

/* Where a node that did not come from the file (a scenario's --set value) is reported. */
typedef bool (*aif__yplaced_fn)(const void *ctx, struct fy_node *n, aif__ypos *out);

typedef struct aif__yreader {
    aif_error_list *errors;
    const char *file;       /* label for errors */
    aif_arena *arena;       /* where read strings are copied */
    bool by_children;       /* collections are located by their first child, not by the fallback */
    aif__yplaced_fn placed; /* optional */
    const void *placed_ctx;
    aif_status status; /* AIF_ENOMEM is sticky */
    bool failed;       /* any input error */
} aif__yreader;

void aif__y_error(aif__yreader *r, aif__ypos p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Where node `n` starts: scalars by their token, collections by their first child when
 * r->by_children; `at` otherwise and when unknown. */
aif__ypos aif__y_pos(const aif__yreader *r, struct fy_node *n, aif__ypos at);
/* `p` moved right by `offset` columns (into a value, where a parser stopped). */
aif__ypos aif__y_shift(aif__ypos p, size_t offset);

/* Arena copy of a scalar's text; NULL (r->status = AIF_ENOMEM) on failure. */
const char *aif__y_strdup(aif__yreader *r, struct fy_node *scalar);
/* Whether scalar `n` reads exactly `lit`. */
bool aif__y_scalar_is(struct fy_node *n, const char *lit);
/* A finite double from all of s[0..len) (the YAML forms 1200, 1.2e6); false otherwise. */
bool aif__y_parse_double(const char *s, size_t len, double *out);
/* The nearest of `names` to `word` (edit distance <= max(2, len/3)); NULL if none. */
const char *aif__y_nearest(const char *word, const char *const *names, size_t n);

/* "what: expected a scalar|mapping, found X" unless `n` is one. */
bool aif__y_expect_scalar(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *what);
bool aif__y_expect_mapping(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *what);
/* "where: unknown key 'K'", with " (did you mean 'X'?)" when one of `keys` is near. */
void aif__y_unknown_key(aif__yreader *r, struct fy_node *k, aif__ypos at, const char *where,
                        const char *const *keys, size_t key_count);
/* A scalar's text into buf ("value too long" past size - 1 bytes). */
bool aif__y_scalar_text(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *where,
                        char *buf, size_t size);

/* ---- cursors ----
 * A cursor is the reader aimed at one node (a mapping for the key readers), with its path
 * for messages ("sites.2.phases.0") and the position errors fall back on when a key is
 * absent. Typed readers return true when the key is present and valid (then *out is
 * written); false when absent (an error if `required`) or invalid (always an error). */
typedef struct aif__ycur {
    aif__yreader *r;
    struct fy_node *node;
    const char *path;
    aif__ypos mark;
} aif__ycur;

/* Reports every key of the mapping not in `keys` (with the nearest allowed key); false
 * when the node is not a mapping. */
bool aif__cur_keys(const aif__ycur *k, const char *const *keys, size_t key_count);
struct fy_node *aif__cur_get(const aif__ycur *k, const char *key);
/* Position of `key`'s value (or of the key, or of the mapping, or the mark). */
aif__ypos aif__cur_key_pos(const aif__ycur *k, const char *key);
aif__ypos aif__cur_pos(const aif__ycur *k);
/* The scalar text of `key` into buf, its position in *vp; NULL when absent or invalid. For
 * value kinds the cursor does not know (dates, durations). */
struct fy_node *aif__cur_value(const aif__ycur *k, const char *key, bool required, char *buf,
                               size_t size, aif__ypos *vp);
bool aif__cur_str(const aif__ycur *k, const char *key, bool required, const char **out);
bool aif__cur_qty(const aif__ycur *k, const char *key, bool required, aif_quantity_kind kind,
                  double min, double *out);
/* A plain number in [min, max]; "20%" is read as 0.2. */
bool aif__cur_num(const aif__ycur *k, const char *key, bool required, double min, double max,
                  double *out);
bool aif__cur_duration(const aif__ycur *k, const char *key, bool required, aif_time *out);
bool aif__cur_bool(const aif__ycur *k, const char *key, bool required, bool *out);
/* One of `names` (exact); *out is the index. */
bool aif__cur_enum(const aif__ycur *k, const char *key, bool required, const char *const *names,
                   size_t n, int *out);

/* Walking the items of a sequence: `item` is a cursor on the current one, path "what.N",
 * falling back on the sequence's position. Start with aif__y_each_begin, then
 *   while (aif__y_each_next(&it)) { ... it.item ... it.index ... }
 * The walk stops early once the reader is out of memory. */
typedef struct aif__yeach {
    aif__ycur item;
    size_t index; /* of the current item */
    size_t count; /* items in the sequence; 0 (with an error) when `seq` is not one */
    size_t next;
    struct fy_node *seq;
    const char *what;
    char path[128];
} aif__yeach;

/* Items of sequence `n` (0 with an error "what: expected a sequence" when it is not one). */
size_t aif__y_seq_len(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *what);
aif__yeach aif__y_each_begin(aif__yreader *r, struct fy_node *seq, aif__ypos at, const char *what);
bool aif__y_each_next(aif__yeach *it);

/* Walking the pairs of a mapping, for loaders that dispatch on each key themselves: `key`,
 * `value` and `key_pos` (the key's position, falling back on `at`) describe the current
 * pair. Nothing is checked at the start (each loader words "expected a mapping" its own way;
 * a node that is not one has no pairs). Start with aif__y_pairs_begin, then
 *   while (aif__y_pairs_next(&it)) { ... it.key ... it.value ... }
 * The walk stops early once the reader is out of memory. */
typedef struct aif__ypairs {
    aif__yreader *r;
    struct fy_node *map;
    aif__ypos at; /* a caller may move it (an entry located by its first key) */
    void *iter;
    struct fy_node *key;
    struct fy_node *value;
    aif__ypos key_pos;
} aif__ypairs;

aif__ypairs aif__y_pairs_begin(aif__yreader *r, struct fy_node *map, aif__ypos at);
bool aif__y_pairs_next(aif__ypairs *it);

#endif
