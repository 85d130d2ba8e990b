/* The scenario half of the binder's reading: the shared reader (yaml_cursor.h) set up for a
 * scenario (errors into its list, `--set` values reported at their place in the --set
 * text), arena allocation, the reader that needs the scenario (dates are relative to the
 * simulation start), `--set` overrides applied to the document tree, and the stable sort by
 * date. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "yaml.h"

/* --set values and the keys they add are reported at their place in the --set text. */
static bool placed_pos(const void *ctx, struct fy_node *n, aif__ypos *out) {
    const scn_ctx *c = ctx;
    for (size_t i = 0; i < c->placed_count; i++) {
        if (c->placed[i].node == n) {
            *out = (aif__ypos){"--set", c->placed[i].index, c->placed[i].col};
            return true;
        }
    }
    return false;
}

void aif__scn_reader_init(scn_ctx *c) {
    c->r = (aif__yreader){.errors = &c->s->errors,
                          .file = c->file,
                          .arena = c->s->arena,
                          .by_children = true,
                          .placed = placed_pos,
                          .placed_ctx = c,
                          .status = AIF_OK};
}

void *aif__scn_alloc(scn_ctx *c, size_t count, size_t size) {
    if (count == 0) {
        count = 1; /* a valid, empty array keeps callers free of NULL checks */
    }
    if (size != 0 && count > (size_t)-1 / size) {
        c->r.status = AIF_ENOMEM;
        return NULL;
    }
    void *p = aif_arena_alloc(c->s->arena, count * size);
    if (p == NULL) {
        c->r.status = AIF_ENOMEM;
        return NULL;
    }
    memset(p, 0, count * size);
    return p;
}

/* A sort key with the entry's input index as the tie-break. */
typedef struct time_ref {
    aif_time key;
    size_t index;
} time_ref;

static int time_ref_cmp(const void *a, const void *b) {
    const time_ref *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return (x->index > y->index) - (x->index < y->index);
}

void aif__scn_sort_by_time(scn_ctx *c, void *v, size_t n, size_t size, size_t key_offset) {
    if (n < 2) {
        return;
    }
    /* n and size are the lengths of an array already allocated, so the products fit. */
    aif_alloc_part parts[] = {{n * sizeof(time_ref), 0, NULL}, {n * size, 0, NULL}};
    if (aif_alloc_group(c->s->alloc, parts, 2) != AIF_OK) {
        c->r.status = AIF_ENOMEM;
        return;
    }
    time_ref *refs = parts[0].ptr;
    char *copy = parts[1].ptr;
    memcpy(copy, v, n * size);
    for (size_t i = 0; i < n; i++) {
        memcpy(&refs[i].key, copy + i * size + key_offset, sizeof refs[i].key);
        refs[i].index = i;
    }
    qsort(refs, n, sizeof *refs, time_ref_cmp);
    for (size_t i = 0; i < n; i++) {
        memcpy((char *)v + i * size, copy + refs[i].index * size, size);
    }
    aif_free_group(c->s->alloc, parts, 2);
}

bool aif__cur_date(const scn_cur *k, const char *key, bool required, aif_time *out) {
    char buf[64];
    scn_pos vp;
    if (aif__cur_value(k, key, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    aif_date d;
    aif_error perr = {0};
    if (aif_date_parse(buf, &d, &perr) != AIF_OK) {
        aif__y_error(k->r, aif__y_shift(vp, perr.offset), "%s.%s: %s", k->path, key, perr.message);
        return false;
    }
    /* Within the window, any date plus two durations stays inside int64 ns. */
    if (d.year < AIF_SCENARIO_YEAR_MIN || d.year > AIF_SCENARIO_YEAR_MAX) {
        aif__y_error(k->r, vp, "%s.%s: expected a date in the years %d to %d, found '%s'", k->path,
                     key, AIF_SCENARIO_YEAR_MIN, AIF_SCENARIO_YEAR_MAX, buf);
        return false;
    }
    *out = aif_date_to_sim(d, aif__scn_of(k)->s->sim.start_date);
    return true;
}

bool aif__scn_duration(const scn_cur *k, const char *key, bool required, aif_time max,
                       aif_time *out) {
    aif_time t = 0;
    if (!aif__cur_duration(k, key, required, &t)) {
        return false;
    }
    if (t > max) {
        char lim[32], got[32];
        aif_duration_format(max, lim, sizeof lim);
        aif_duration_format(t, got, sizeof got);
        aif__y_error(k->r, aif__cur_key_pos(k, key), "%s.%s: expected at most %s, found %s",
                     k->path, key, lim, got);
        return false;
    }
    *out = t;
    return true;
}

bool aif__scn_qty(const scn_cur *k, const char *key, bool required, aif_quantity_kind kind,
                  double min, double max, double *out) {
    double v = 0;
    if (!aif__cur_qty(k, key, required, kind, min, &v)) {
        return false;
    }
    if (!(v <= max)) {
        aif__scn_over(k, key, v, max, kind);
        return false;
    }
    *out = v;
    return true;
}

void aif__scn_over(const scn_cur *k, const char *key, double v, double max,
                   aif_quantity_kind kind) {
    char lim[48], got[48];
    /* Counts read best as plain numbers ("1e+12", not "1 T"); the rest with their unit. */
    bool plain = kind == AIF_QTY_COUNT || kind == AIF_QTY_TOKENS || kind == AIF_QTY_MONEY;
    const char *pre = kind == AIF_QTY_MONEY ? "$" : "";
    const char *post = kind == AIF_QTY_TOKENS ? " tokens" : "";
    if (plain || aif_quantity_format(max, kind, lim, sizeof lim) != AIF_OK) {
        snprintf(lim, sizeof lim, "%s%.10g%s", pre, max, post);
    }
    if (plain || aif_quantity_format(v, kind, got, sizeof got) != AIF_OK) {
        snprintf(got, sizeof got, "%s%.10g%s", pre, v, post);
    }
    aif__y_error(k->r, aif__cur_key_pos(k, key), "%s.%s: expected at most %s, found %s", k->path,
                 key, lim, got);
}

/* ---- --set overrides ---- */

static bool is_index(const char *s, size_t len, long *out) {
    if (len == 0 || len > 9) {
        return false;
    }
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static void apply_one(scn_ctx *c, int index, const scn_override *o) {
    const char *text = o->text;
    const char *value = text + o->eq + 1;
    scn_pos at = {"--set", index, 1};
    struct fy_node *cur = fy_document_root(c->doc);
    if (cur == NULL || fy_node_get_type(cur) != FYNT_MAPPING) {
        aif__scn_error(c, at, "cannot apply '%s': the scenario is not a mapping", text);
        return;
    }
    size_t pos = 0;
    for (;;) {
        const char *comp = text + pos;
        size_t len = strcspn(comp, ".=");
        bool last = comp[len] == '=';
        scn_pos cp = {"--set", index, (int)pos + 1};
        if (pos == 0 && len == 7 && memcmp(comp, "catalog", 7) == 0) {
            c->catalog_overridden = true;
        }
        struct fy_node *next = NULL;
        if (fy_node_get_type(cur) == FYNT_MAPPING) {
            struct fy_node_pair *pair = NULL;
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(len < 127 ? len : 127), comp);
            pair = fy_node_mapping_lookup_pair_by_string(cur, key, FY_NT);
            struct fy_node *fresh = last ? fy_node_create_scalar_copy(c->doc, value, strlen(value))
                                    : pair ? NULL
                                           : fy_node_create_mapping(c->doc);
            if ((last || pair == NULL) && fresh == NULL) {
                c->r.status = AIF_ENOMEM;
                return;
            }
            if (pair && last) {
                if (fy_node_pair_set_value(pair, fresh) != 0) {
                    c->r.status = AIF_ENOMEM;
                    return;
                }
            } else if (pair == NULL) {
                struct fy_node *k = fy_node_create_scalar_copy(c->doc, comp, len);
                if (k == NULL || fy_node_mapping_append(cur, k, fresh) != 0) {
                    c->r.status = AIF_ENOMEM;
                    return;
                }
                /* A new key's errors (unknown key) point at its place in the --set text. */
                c->placed[c->placed_count++] = (scn_placed){k, index, (int)pos + 1};
            }
            next = pair && !last ? fy_node_pair_value(pair) : fresh;
            if (last) {
                c->placed[c->placed_count++] = (scn_placed){fresh, index, (int)o->eq + 2};
                return;
            }
        } else if (fy_node_get_type(cur) == FYNT_SEQUENCE) {
            long i = 0;
            int count = fy_node_sequence_item_count(cur);
            if (!is_index(comp, len, &i) || i >= count) {
                aif__scn_error(c, cp, "'%.*s': expected an index in 0..%d of the sequence",
                               (int)len, comp, count - 1);
                return;
            }
            struct fy_node *item = fy_node_sequence_get_by_index(cur, (int)i);
            if (last) {
                struct fy_node *fresh = fy_node_create_scalar_copy(c->doc, value, strlen(value));
                if (fresh == NULL || fy_node_sequence_insert_before(cur, item, fresh) != 0) {
                    c->r.status = AIF_ENOMEM;
                    return;
                }
                fy_node_free(fy_node_sequence_remove(cur, item));
                c->placed[c->placed_count++] = (scn_placed){fresh, index, (int)o->eq + 2};
                return;
            }
            next = item;
        } else {
            aif__scn_error(c, cp, "'%.*s': cannot descend into a scalar", (int)(comp - text), text);
            return;
        }
        cur = next;
        pos += len + 1;
    }
}

void aif__scn_apply_overrides(scn_ctx *c) {
    for (size_t i = 0; i < c->s->override_count && c->r.status == AIF_OK; i++) {
        apply_one(c, (int)i + 1, &c->s->overrides[i]);
    }
}
