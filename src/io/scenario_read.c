/* The generic half of the scenario binder: error collection with file:line:col, node
 * positions, `--set` overrides applied to the document tree, and the typed readers (text,
 * quantities with units, plain numbers and percentages, dates, durations, booleans, enums)
 * that every section uses through a cursor (scenario_internal.h), the walk over a
 * sequence's items, and the stable sort by date. Each reader reports what was expected and
 * what was found at the value's own position, and keeps going so that one pass lists
 * every problem. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/catalog.h"
#include "scenario_internal.h"
#include "yaml.h"

void aif__scn_error(scn_ctx *c, scn_pos p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    aif_error_list_addv(&c->s->errors, p.file ? p.file : c->file, (unsigned long)p.line,
                        (unsigned long)p.col, fmt, ap);
    va_end(ap);
    c->failed = true;
}

scn_pos aif__scn_pos(const scn_ctx *c, struct fy_node *n, scn_pos at) {
    if (n == NULL) {
        return at;
    }
    for (size_t i = 0; i < c->placed_count; i++) {
        if (c->placed[i].node == n) {
            return (scn_pos){"--set", c->placed[i].index, c->placed[i].col};
        }
    }
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        /* libfyaml marks are 0-based; messages are 1-based. */
        return m ? (scn_pos){c->file, m->line + 1, m->column + 1} : at;
    }
    case FYNT_MAPPING: {
        void *iter = NULL;
        struct fy_node_pair *pair = fy_node_mapping_iterate(n, &iter);
        return pair ? aif__scn_pos(c, fy_node_pair_key(pair), at) : at;
    }
    case FYNT_SEQUENCE: {
        void *iter = NULL;
        struct fy_node *item = fy_node_sequence_iterate(n, &iter);
        return item ? aif__scn_pos(c, item, at) : at;
    }
    }
    return at;
}

void *aif__scn_alloc(scn_ctx *c, size_t count, size_t size) {
    if (count == 0) {
        count = 1; /* a valid, empty array keeps callers free of NULL checks */
    }
    if (size != 0 && count > (size_t)-1 / size) {
        c->status = AIF_ENOMEM;
        return NULL;
    }
    void *p = aif_arena_alloc(c->s->arena, count * size);
    if (p == NULL) {
        c->status = AIF_ENOMEM;
        return NULL;
    }
    memset(p, 0, count * size);
    return p;
}

const char *aif__scn_strdup(scn_ctx *c, struct fy_node *scalar) {
    size_t len = 0;
    const char *s = fy_node_get_scalar(scalar, &len);
    char *copy = aif_arena_strndup(c->s->arena, s ? s : "", s ? len : 0);
    if (copy == NULL) {
        c->status = AIF_ENOMEM;
    }
    return copy;
}

const char *aif__scn_nearest(const char *word, const char *const *names, size_t n) {
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        size_t d = aif_edit_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

size_t aif__scn_seq_len(scn_ctx *c, struct fy_node *n, scn_pos at, const char *what) {
    if (n == NULL || fy_node_get_type(n) != FYNT_SEQUENCE) {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: expected a sequence", what);
        return 0;
    }
    int k = fy_node_sequence_item_count(n);
    return k > 0 ? (size_t)k : 0;
}

scn_each aif__scn_each_begin(scn_ctx *c, struct fy_node *seq, scn_pos at, const char *what) {
    scn_each it = {.item = {c, NULL, NULL, at}, .seq = seq, .what = what};
    it.count = aif__scn_seq_len(c, seq, at, what);
    return it;
}

bool aif__scn_each_next(scn_each *it) {
    if (it->next >= it->count || it->item.c->status != AIF_OK) {
        return false;
    }
    it->index = it->next++;
    it->item.node = fy_node_sequence_get_by_index(it->seq, (int)it->index);
    snprintf(it->path, sizeof it->path, "%s.%zu", it->what, it->index);
    it->item.path = it->path;
    return true;
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
        c->status = AIF_ENOMEM;
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

bool aif__scn_check_keys(scn_ctx *c, struct fy_node *n, scn_pos at, const char *where,
                         const char *const *keys, size_t key_count) {
    if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING) {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: expected a mapping, found %s", where,
                       aif__yaml_node_kind(n));
        return false;
    }
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &iter)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pair);
        scn_pos kp = aif__scn_pos(c, k, at);
        char word[64];
        if (k == NULL || !fy_node_is_scalar(k)) {
            aif__scn_error(c, kp, "%s: expected a scalar key, found %s", where,
                           aif__yaml_node_kind(k));
            continue;
        }
        size_t len = 0;
        const char *ks = fy_node_get_scalar(k, &len);
        snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), ks ? ks : "");
        bool known = false;
        for (size_t i = 0; i < key_count && !known; i++) {
            known = strlen(keys[i]) == len && memcmp(keys[i], ks, len) == 0;
        }
        if (!known) {
            const char *near = aif__scn_nearest(word, keys, key_count);
            if (near) {
                aif__scn_error(c, kp, "%s: unknown key '%s' (did you mean '%s'?)", where, word,
                               near);
            } else {
                aif__scn_error(c, kp, "%s: unknown key '%s'", where, word);
            }
        }
    }
    return true;
}

struct fy_node *aif__scn_get(struct fy_node *map, const char *key) {
    if (map == NULL || fy_node_get_type(map) != FYNT_MAPPING) {
        return NULL;
    }
    return fy_node_mapping_lookup_by_string(map, key, FY_NT);
}

scn_pos aif__scn_key_pos(const scn_ctx *c, struct fy_node *map, const char *key, scn_pos at) {
    if (map == NULL || fy_node_get_type(map) != FYNT_MAPPING) {
        return at;
    }
    struct fy_node_pair *pair = fy_node_mapping_lookup_pair_by_string(map, key, FY_NT);
    if (pair == NULL) {
        return aif__scn_pos(c, map, at);
    }
    struct fy_node *v = fy_node_pair_value(pair);
    scn_pos kp = aif__scn_pos(c, fy_node_pair_key(pair), at);
    return v && fy_node_is_scalar(v) ? aif__scn_pos(c, v, kp) : kp;
}

bool aif__scn_scalar_text(scn_ctx *c, struct fy_node *n, scn_pos at, const char *where, char *buf,
                          size_t size) {
    if (n == NULL || !fy_node_is_scalar(n)) {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: expected a scalar, found %s", where,
                       aif__yaml_node_kind(n));
        return false;
    }
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (len >= size) {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: value too long (%zu bytes, at most %zu)",
                       where, len, size - 1);
        return false;
    }
    memcpy(buf, s ? s : "", len);
    buf[len] = '\0';
    return true;
}

/* The scalar value of `key`, NULL when absent or not a scalar (errors recorded). */
static struct fy_node *value_of(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at,
                                const char *where, bool required, char *buf, size_t size,
                                scn_pos *vp) {
    struct fy_node_pair *pair = NULL;
    if (map != NULL && fy_node_get_type(map) == FYNT_MAPPING) {
        pair = fy_node_mapping_lookup_pair_by_string(map, key, FY_NT);
    }
    if (pair == NULL) {
        if (required) {
            aif__scn_error(c, aif__scn_pos(c, map, at), "%s: missing required key '%s'", where,
                           key);
        }
        return NULL;
    }
    struct fy_node *v = fy_node_pair_value(pair);
    scn_pos kp = aif__scn_pos(c, fy_node_pair_key(pair), at);
    *vp = aif__scn_pos(c, v, kp);
    char what[128];
    snprintf(what, sizeof what, "%s.%s", where, key);
    if (!aif__scn_scalar_text(c, v, kp, what, buf, size)) {
        return NULL;
    }
    return v;
}

bool aif__scn_str(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                  bool required, const char **out) {
    char buf[512];
    scn_pos vp;
    struct fy_node *v = value_of(c, map, key, at, where, required, buf, sizeof buf, &vp);
    if (v == NULL) {
        return false;
    }
    if (buf[0] == '\0') {
        aif__scn_error(c, vp, "%s.%s: expected a non-empty text", where, key);
        return false;
    }
    const char *copy = aif__scn_strdup(c, v);
    if (copy == NULL) {
        return false;
    }
    *out = copy;
    return true;
}

static scn_pos shift(scn_pos p, size_t offset) {
    if (p.line > 0) {
        p.col += (int)offset;
    }
    return p;
}

bool aif__scn_qty(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                  bool required, aif_quantity_kind kind, double min, double *out) {
    char buf[128];
    scn_pos vp;
    if (value_of(c, map, key, at, where, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    double v = 0;
    aif_error perr = {0};
    if (aif_quantity_parse(buf, kind, &v, &perr) != AIF_OK) {
        aif__scn_error(c, shift(vp, perr.offset), "%s.%s: %s", where, key, perr.message);
        return false;
    }
    if (v < min && min > 0 && min <= SCN_POSITIVE) {
        aif__scn_error(c, vp, "%s.%s: expected a positive value, found '%s'", where, key, buf);
        return false;
    }
    if (v < min) {
        char lim[48] = "0";
        aif_quantity_format(min, kind, lim, sizeof lim);
        aif__scn_error(c, vp, "%s.%s: expected %s >= %s, found '%s'", where, key,
                       min > 0 ? "a positive value" : "a value", lim, buf);
        return false;
    }
    *out = v;
    return true;
}

bool aif__scn_num(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                  bool required, double min, double max, double *out) {
    char buf[128];
    scn_pos vp;
    if (value_of(c, map, key, at, where, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    size_t len = strlen(buf);
    double scale = 1;
    /* Shares and fractions read naturally as percentages ("20%"). */
    if (len > 0 && buf[len - 1] == '%') {
        buf[--len] = '\0';
        scale = 0.01;
    }
    double v = 0;
    aif_error perr = {0};
    if (aif_quantity_parse(buf, AIF_QTY_COUNT, &v, &perr) != AIF_OK) {
        /* The parser's message already says what was expected and what was found. */
        aif__scn_error(c, shift(vp, perr.offset), "%s.%s: %s", where, key, perr.message);
        return false;
    }
    v *= scale;
    if (!(v >= min && v <= max)) {
        aif__scn_error(c, vp, "%s.%s: expected a number in [%g, %g], found %g", where, key, min,
                       max, v);
        return false;
    }
    *out = v;
    return true;
}

bool aif__scn_date(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                   bool required, aif_time *out) {
    char buf[64];
    scn_pos vp;
    if (value_of(c, map, key, at, where, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    aif_date d;
    aif_error perr = {0};
    if (aif_date_parse(buf, &d, &perr) != AIF_OK) {
        aif__scn_error(c, shift(vp, perr.offset), "%s.%s: %s", where, key, perr.message);
        return false;
    }
    *out = aif_date_to_sim(d, c->s->sim.start_date);
    return true;
}

bool aif__scn_duration(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at,
                       const char *where, bool required, aif_time *out) {
    char buf[64];
    scn_pos vp;
    if (value_of(c, map, key, at, where, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    aif_time t = 0;
    aif_error perr = {0};
    if (aif_duration_parse(buf, &t, &perr) != AIF_OK) {
        aif__scn_error(c, shift(vp, perr.offset), "%s.%s: %s", where, key, perr.message);
        return false;
    }
    *out = t;
    return true;
}

bool aif__scn_bool(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                   bool required, bool *out) {
    static const char *const names[] = {"false", "true"};
    int v = 0;
    if (!aif__scn_enum(c, map, key, at, where, required, names, 2, &v)) {
        return false;
    }
    *out = v == 1;
    return true;
}

bool aif__scn_enum(scn_ctx *c, struct fy_node *map, const char *key, scn_pos at, const char *where,
                   bool required, const char *const *names, size_t n, int *out) {
    char buf[64];
    scn_pos vp;
    if (value_of(c, map, key, at, where, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(buf, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    }
    const char *near = aif__scn_nearest(buf, names, n);
    aif__scn_error(c, vp, "%s.%s: expected one of %s, found '%s'%s%s%s", where, key, list, buf,
                   near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return false;
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
                c->status = AIF_ENOMEM;
                return;
            }
            if (pair && last) {
                if (fy_node_pair_set_value(pair, fresh) != 0) {
                    c->status = AIF_ENOMEM;
                    return;
                }
            } else if (pair == NULL) {
                struct fy_node *k = fy_node_create_scalar_copy(c->doc, comp, len);
                if (k == NULL || fy_node_mapping_append(cur, k, fresh) != 0) {
                    c->status = AIF_ENOMEM;
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
                    c->status = AIF_ENOMEM;
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
    for (size_t i = 0; i < c->s->override_count && c->status == AIF_OK; i++) {
        apply_one(c, (int)i + 1, &c->s->overrides[i]);
    }
}
