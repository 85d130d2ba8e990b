/* Shared internals of the scenario binder (src/io/scenario*.c): the scenario object, the
 * binding context that walks one libfyaml document, and the typed readers every section
 * uses. Not installed; nothing outside src/io includes it. */
#ifndef AIF_IO_SCENARIO_INTERNAL_H
#define AIF_IO_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <libfyaml.h>

#include "aifactory/scenario.h"
#include "aifactory/units.h"

/* Declared by the file generated from data/scenarios/openai-nvidia-10gw.yaml. */
extern const char aif__scenario_default_yaml[];
extern const size_t aif__scenario_default_yaml_len;

/* The `min` that makes aif__scn_qty accept any value above zero and say "expected a
 * positive value": far below the smallest magnitude any unit needs. */
#define SCN_POSITIVE 1e-300
/* Times (ns, as doubles) at or above this are past every aif_time (AIF_TIME_MAX is about
 * 9.22e18): converting them would overflow, so they saturate to AIF_TIME_MAX. */
#define SCN_TIME_SATURATE 9.2e18
/* 2^53, the largest integer a double holds exactly: a larger seed would be rounded. */
#define SCN_SEED_MAX 9007199254740992.0
/* Largest `aifactory:` version number read as a number before it is compared with
 * AIF_SCENARIO_VERSION (beyond it the value is not a version at all). */
#define SCN_VERSION_MAX 1e9
/* Most candidate names one "did you mean" suggestion looks at. */
#define SCN_SUGGEST_MAX 256

typedef struct scn_override {
    const char *text; /* "path=value", arena copy */
    size_t eq;        /* offset of '=' */
} scn_override;

struct aif_scenario {
    const aif_allocator *alloc;
    aif_arena *arena;
    aif_catalog *catalog;
    bool loaded; /* a load was attempted: overrides are frozen */
    bool ok;     /* the last load succeeded */
    scn_override *overrides;
    size_t override_count, override_cap;
    aif_error_list errors; /* of the last load */

    const char *name;
    const char *description;
    aif_scenario_simulation sim;
    aif_scenario_provider *providers;
    size_t provider_count;
    aif_scenario_site *sites;
    size_t site_count;
    aif_scenario_contracts contracts;
    aif_scenario_investments investments;
    aif_scenario_inference inference;
    aif_scenario_training training;
    aif_scenario_failures failures;
    aif_scenario_economics economics;
};

/* Position of a node in the input, 1-based; `file` is the scenario's name or "--set". */
typedef struct scn_pos {
    const char *file;
    int line;
    int col;
} scn_pos;

/* One override node placed in the tree, so errors about it point at the --set text. */
typedef struct scn_placed {
    struct fy_node *node;
    int index; /* 1-based */
    int col;   /* 1-based column of the value in "path=value" */
} scn_placed;

typedef struct scn_ctx {
    aif_scenario *s;
    const char *file; /* label for errors */
    const char *dir;  /* directory of the file, "" for none; ends with '/' when not empty */
    const char *text; /* the whole input, for the catalog section */
    size_t len;
    struct fy_document *doc;
    scn_placed *placed;
    size_t placed_count;
    bool catalog_overridden;
    aif_status status; /* AIF_ENOMEM is sticky */
    bool failed;       /* any input error */
} scn_ctx;

/* Errors. */
void aif__scn_error(scn_ctx *c, scn_pos p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Where node `n` starts (scalars by their token; collections by their first child); `at`
 * when unknown. */
scn_pos aif__scn_pos(const scn_ctx *c, struct fy_node *n, scn_pos at);

/* Apply the scenario's overrides to c->doc; errors are recorded. */
void aif__scn_apply_overrides(scn_ctx *c);

/* Arena helpers: NULL (and c->status = AIF_ENOMEM) on failure. */
void *aif__scn_alloc(scn_ctx *c, size_t count, size_t size);
const char *aif__scn_strdup(scn_ctx *c, struct fy_node *scalar);

/* Mapping reading. `where` names the mapping in messages ("sites[2]"). check_keys reports
 * every key not in `keys` (with the nearest allowed key) and returns false when `n` is not a
 * mapping. */
bool aif__scn_check_keys(scn_ctx *c, struct fy_node *n, scn_pos at, const char *where,
                         const char *const *keys, size_t key_count);
struct fy_node *aif__scn_get(struct fy_node *map, const char *key);
/* Position of `key`'s value (or of the key, or `at`). */
scn_pos aif__scn_key_pos(const scn_ctx *c, struct fy_node *map, const char *key, scn_pos at);

/* Typed readers: return true when the key is present and valid (then *out is written);
 * false when absent (an error if `required`) or invalid (always an error). */
bool aif__scn_str(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                  bool required, const char **out);
bool aif__scn_qty(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                  bool required, aif_quantity_kind kind, double min, double *out);
/* A plain number in [min, max]; "20%" is read as 0.2. */
bool aif__scn_num(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                  bool required, double min, double max, double *out);
/* A date, stored relative to the simulation start. */
bool aif__scn_date(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                   bool required, aif_time *out);
bool aif__scn_duration(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at,
                       const char *where, bool required, aif_time *out);
bool aif__scn_bool(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                   bool required, bool *out);
/* One of `names` (exact); *out is the index. */
bool aif__scn_enum(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                   bool required, const char *const *names, size_t n, int *out);
/* Parse a scalar node's text (helpers for values that are not under a key). */
bool aif__scn_scalar_text(scn_ctx *c, struct fy_node *n, scn_pos at, const char *where, char *buf,
                          size_t size);

/* Sort `n` entries of `size` bytes at `v` by the aif_time at byte `key_offset` of each,
 * equal times kept in input order: the order feeds event payloads, and qsort alone is not
 * stable. Scratch memory comes from the scenario's allocator (c->status = AIF_ENOMEM on
 * failure, `v` then unchanged). Cost O(n log n). */
void aif__scn_sort_by_time(scn_ctx *c, void *v, size_t n, size_t size, size_t key_offset);

/* Suggest the nearest of `names` to `word` (edit distance <= max(2, len/3)); NULL if none. */
const char *aif__scn_nearest(const char *word, const char *const *names, size_t n);

/* ---- cursors ----
 * A cursor is the one way a binder reads a node: the context, the node (a mapping for the
 * key readers), its path for messages ("sites.2.phases.0") and the position errors fall
 * back on when a key is absent. The readers below are the typed readers above, aimed by
 * the cursor, so a call names only the key and what to do with it. */
typedef struct scn_cur {
    scn_ctx *c;
    struct fy_node *node;
    const char *path;
    scn_pos mark;
} scn_cur;

/* Walking the items of a sequence: `item` is a cursor on the current one, path "what.N",
 * falling back on the sequence's position. Start with aif__scn_each_begin, then
 *   while (aif__scn_each_next(&it)) { ... it.item ... it.index ... }
 * The walk stops early once the context is out of memory. */
typedef struct scn_each {
    scn_cur item;
    size_t index; /* of the current item */
    size_t count; /* items in the sequence; 0 (with an error) when `seq` is not one */
    size_t next;
    struct fy_node *seq;
    const char *what;
    char path[128];
} scn_each;

/* Items of sequence `n` (0 with an error "what: expected a sequence" when it is not one). */
size_t aif__scn_seq_len(scn_ctx *c, struct fy_node *n, scn_pos at, const char *what);
scn_each aif__scn_each_begin(scn_ctx *c, struct fy_node *seq, scn_pos at, const char *what);
bool aif__scn_each_next(scn_each *it);

static inline bool aif__cur_keys(const scn_cur *k, const char *const *keys, size_t key_count) {
    return aif__scn_check_keys(k->c, k->node, k->mark, k->path, keys, key_count);
}
static inline struct fy_node *aif__cur_get(const scn_cur *k, const char *key) {
    return aif__scn_get(k->node, key);
}
static inline scn_pos aif__cur_key_pos(const scn_cur *k, const char *key) {
    return aif__scn_key_pos(k->c, k->node, key, k->mark);
}
static inline scn_pos aif__cur_pos(const scn_cur *k) {
    return aif__scn_pos(k->c, k->node, k->mark);
}
static inline bool aif__cur_str(const scn_cur *k, const char *key, bool required,
                                const char **out) {
    return aif__scn_str(k->c, k->node, key, k->mark, k->path, required, out);
}
static inline bool aif__cur_qty(const scn_cur *k, const char *key, bool required,
                                aif_quantity_kind kind, double min, double *out) {
    return aif__scn_qty(k->c, k->node, key, k->mark, k->path, required, kind, min, out);
}
static inline bool aif__cur_num(const scn_cur *k, const char *key, bool required, double min,
                                double max, double *out) {
    return aif__scn_num(k->c, k->node, key, k->mark, k->path, required, min, max, out);
}
static inline bool aif__cur_date(const scn_cur *k, const char *key, bool required, aif_time *out) {
    return aif__scn_date(k->c, k->node, key, k->mark, k->path, required, out);
}
static inline bool aif__cur_duration(const scn_cur *k, const char *key, bool required,
                                     aif_time *out) {
    return aif__scn_duration(k->c, k->node, key, k->mark, k->path, required, out);
}
static inline bool aif__cur_bool(const scn_cur *k, const char *key, bool required, bool *out) {
    return aif__scn_bool(k->c, k->node, key, k->mark, k->path, required, out);
}
static inline bool aif__cur_enum(const scn_cur *k, const char *key, bool required,
                                 const char *const *names, size_t n, int *out) {
    return aif__scn_enum(k->c, k->node, key, k->mark, k->path, required, names, n, out);
}

/* The sections (scenario_bind.c, scenario_demand.c). */
void aif__scn_bind(scn_ctx *c, struct fy_node *root);
void aif__scn_bind_demand(scn_ctx *c, struct fy_node *demand, scn_pos at);

#endif
