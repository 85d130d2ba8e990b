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
#include "yaml_cursor.h"

/* Declared by the file generated from data/scenarios/openai-nvidia-10gw.yaml. */
extern const char aif__scenario_default_yaml[];
extern const size_t aif__scenario_default_yaml_len;

/* The `min` that makes aif__cur_qty accept any value above zero (yaml_cursor.h). */
#define SCN_POSITIVE AIF_Y_POSITIVE
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
    /* What the scenario reads: its own catalog, or the caller's base (aif_scenario_use_catalog)
     * while the file has no catalog section. Never written through. */
    const aif_catalog *catalog;
    aif_catalog *own_catalog;        /* NULL, or the one it owns and merges into */
    const aif_catalog *base_catalog; /* NULL: load the default catalog */
    bool loaded;                     /* a load was attempted: overrides are frozen */
    bool ok;                         /* the last load succeeded */
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
typedef aif__ypos scn_pos;

/* One override node placed in the tree, so errors about it point at the --set text. */
typedef struct scn_placed {
    struct fy_node *node;
    int index; /* 1-based */
    int col;   /* 1-based column of the value in "path=value" */
} scn_placed;

/* The binding context. The shared reader comes first, so a cursor's reader is the context
 * (aif__scn_of). */
typedef struct scn_ctx {
    aif__yreader r; /* errors into s->errors, strings into s->arena, placed nodes at --set */
    aif_scenario *s;
    const char *file; /* label for errors */
    const char *dir;  /* directory of the file, "" for none; ends with '/' when not empty */
    const char *text; /* the whole input, for the catalog section */
    size_t len;
    struct fy_document *doc;
    scn_placed *placed;
    size_t placed_count;
    bool catalog_overridden;
    /* Demand at its peak, for the limits on what it bills (scenario_demand.c). */
    double peak_users;
    double peak_tokens_per_s;
} scn_ctx;

/* Set up c->r for scenario `s` read from `file`, with the --set nodes in c->placed. */
void aif__scn_reader_init(scn_ctx *c);

/* Errors, positions and sequence walks are the shared reader's (yaml_cursor.h). */
#define aif__scn_error(c, ...) aif__y_error(&(c)->r, __VA_ARGS__)
static inline scn_pos aif__scn_pos(const scn_ctx *c, struct fy_node *n, scn_pos at) {
    return aif__y_pos(&c->r, n, at);
}

/* Apply the scenario's overrides to c->doc; errors are recorded. */
void aif__scn_apply_overrides(scn_ctx *c);

/* Arena helpers: NULL (and c->r.status = AIF_ENOMEM) on failure. */
void *aif__scn_alloc(scn_ctx *c, size_t count, size_t size);

/* Sort `n` entries of `size` bytes at `v` by the aif_time at byte `key_offset` of each,
 * equal times kept in input order: the order feeds event payloads, and qsort alone is not
 * stable. Scratch memory comes from the scenario's allocator (c->r.status = AIF_ENOMEM on
 * failure, `v` then unchanged). Cost O(n log n). */
void aif__scn_sort_by_time(scn_ctx *c, void *v, size_t n, size_t size, size_t key_offset);

/* ---- cursors ----
 * A cursor (yaml_cursor.h) is the one way a binder reads a node; the scenario adds the two
 * reader that needs the scenario itself (dates are relative to the simulation start). */
typedef aif__ycur scn_cur;
typedef aif__yeach scn_each;

/* The binding context a cursor reads for (its reader is the context's first member). */
static inline scn_ctx *aif__scn_of(const scn_cur *k) {
    return (scn_ctx *)(void *)k->r;
}
static inline scn_each aif__scn_each_begin(scn_ctx *c, struct fy_node *seq, scn_pos at,
                                           const char *what) {
    return aif__y_each_begin(&c->r, seq, at, what);
}
/* A date, stored relative to the simulation start. */
bool aif__cur_date(const scn_cur *k, const char *key, bool required, aif_time *out);

/* The scenario's limits (scenario_types.h) on top of the cursor's readers: a duration of
 * at most `max`, a quantity in [min, max]; beyond the limit an error names the key, the
 * value and the limit. aif__scn_over reports `v` over `max` for a value read otherwise. */
#define SCN_DURATION_MAX ((aif_time)AIF_SCENARIO_DURATION_MAX_YEARS * AIF_NS_PER_YEAR)
bool aif__scn_duration(const scn_cur *k, const char *key, bool required, aif_time max,
                       aif_time *out);
bool aif__scn_qty(const scn_cur *k, const char *key, bool required, aif_quantity_kind kind,
                  double min, double max, double *out);
void aif__scn_over(const scn_cur *k, const char *key, double v, double max, aif_quantity_kind kind);

/* Refuse a take-or-pay commitment (read at cursor `k`, the sites already bound) whose
 * floor inside the period buys more GPU-hours at its price than its provider's sites offer
 * in its term, unless it allows that (scenario_commit.c). */
void aif__scn_check_commitment(const scn_cur *k, const aif_scenario_commitment *cm);

/* The sections (scenario_bind.c, scenario_demand.c). */
void aif__scn_bind(scn_ctx *c, struct fy_node *root);
void aif__scn_bind_demand(scn_ctx *c, struct fy_node *demand, scn_pos at);

#endif
