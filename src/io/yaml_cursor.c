/* The shared YAML reader (yaml_cursor.h): error recording, node positions, key checks and
 * the typed scalar readers every io loader uses. Each reader reports what was expected and
 * what was found at the value's own position, and keeps going so that one pass lists every
 * problem. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/catalog.h"
#include "yaml.h"
#include "yaml_cursor.h"

void aif__y_error(aif__yreader *r, aif__ypos p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    aif_error_list_addv(r->errors, p.file ? p.file : r->file, (unsigned long)p.line,
                        (unsigned long)p.col, fmt, ap);
    va_end(ap);
    r->failed = true;
}

aif__ypos aif__y_pos(const aif__yreader *r, struct fy_node *n, aif__ypos at) {
    aif__ypos placed;
    if (n == NULL) {
        return at;
    }
    if (r->placed != NULL && r->placed(r->placed_ctx, n, &placed)) {
        return placed;
    }
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        /* libfyaml marks are 0-based; messages are 1-based. */
        return m ? (aif__ypos){r->file, m->line + 1, m->column + 1} : at;
    }
    case FYNT_MAPPING: {
        void *iter = NULL;
        struct fy_node_pair *pair = fy_node_mapping_iterate(n, &iter);
        return pair && r->by_children ? aif__y_pos(r, fy_node_pair_key(pair), at) : at;
    }
    case FYNT_SEQUENCE: {
        void *iter = NULL;
        struct fy_node *item = fy_node_sequence_iterate(n, &iter);
        return item && r->by_children ? aif__y_pos(r, item, at) : at;
    }
    }
    return at;
}

aif__ypos aif__y_shift(aif__ypos p, size_t offset) {
    if (p.line > 0) {
        p.col += (int)offset;
    }
    return p;
}

const char *aif__y_strdup(aif__yreader *r, struct fy_node *scalar) {
    size_t len = 0;
    const char *s = fy_node_get_scalar(scalar, &len);
    char *copy = aif_arena_strndup(r->arena, s ? s : "", s ? len : 0);
    if (copy == NULL) {
        r->status = AIF_ENOMEM;
    }
    return copy;
}

bool aif__y_scalar_is(struct fy_node *n, const char *lit) {
    size_t len = 0;
    const char *s = n && fy_node_is_scalar(n) ? fy_node_get_scalar(n, &len) : NULL;
    return s && len == strlen(lit) && memcmp(s, lit, len) == 0;
}

bool aif__y_parse_double(const char *s, size_t len, double *out) {
    char buf[64];
    if (s == NULL || len == 0 || len >= sizeof buf) {
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

const char *aif__y_nearest(const char *word, const char *const *names, size_t n) {
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

bool aif__y_expect_scalar(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *what) {
    if (n == NULL || !fy_node_is_scalar(n)) {
        aif__y_error(r, aif__y_pos(r, n, at), "%s: expected a scalar, found %s", what,
                     aif__yaml_node_kind(n));
        return false;
    }
    return true;
}

bool aif__y_expect_mapping(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *what) {
    if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING) {
        aif__y_error(r, aif__y_pos(r, n, at), "%s: expected a mapping, found %s", what,
                     aif__yaml_node_kind(n));
        return false;
    }
    return true;
}

void aif__y_unknown_key(aif__yreader *r, struct fy_node *k, aif__ypos at, const char *where,
                        const char *const *keys, size_t key_count) {
    size_t len = 0;
    const char *ks = fy_node_get_scalar(k, &len);
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), ks ? ks : "");
    const char *near = keys ? aif__y_nearest(word, keys, key_count) : NULL;
    aif__y_error(r, aif__y_pos(r, k, at), "%s: unknown key '%s'%s%s%s", where, word,
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

bool aif__y_scalar_text(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *where,
                        char *buf, size_t size) {
    if (!aif__y_expect_scalar(r, n, at, where)) {
        return false;
    }
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (len >= size) {
        aif__y_error(r, aif__y_pos(r, n, at), "%s: value too long (%zu bytes, at most %zu)", where,
                     len, size - 1);
        return false;
    }
    memcpy(buf, s ? s : "", len);
    buf[len] = '\0';
    return true;
}

bool aif__cur_keys(const aif__ycur *k, const char *const *keys, size_t key_count) {
    if (!aif__y_expect_mapping(k->r, k->node, k->mark, k->path)) {
        return false;
    }
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(k->node, &iter)) != NULL) {
        struct fy_node *key = fy_node_pair_key(pair);
        if (key == NULL || !fy_node_is_scalar(key)) {
            aif__y_error(k->r, aif__y_pos(k->r, key, k->mark),
                         "%s: expected a scalar key, found %s", k->path, aif__yaml_node_kind(key));
            continue;
        }
        size_t len = 0;
        const char *ks = fy_node_get_scalar(key, &len);
        bool known = false;
        for (size_t i = 0; i < key_count && !known; i++) {
            known = strlen(keys[i]) == len && memcmp(keys[i], ks, len) == 0;
        }
        if (!known) {
            aif__y_unknown_key(k->r, key, k->mark, k->path, keys, key_count);
        }
    }
    return true;
}

struct fy_node *aif__cur_get(const aif__ycur *k, const char *key) {
    if (k->node == NULL || fy_node_get_type(k->node) != FYNT_MAPPING) {
        return NULL;
    }
    return fy_node_mapping_lookup_by_string(k->node, key, FY_NT);
}

aif__ypos aif__cur_key_pos(const aif__ycur *k, const char *key) {
    if (k->node == NULL || fy_node_get_type(k->node) != FYNT_MAPPING) {
        return k->mark;
    }
    struct fy_node_pair *pair = fy_node_mapping_lookup_pair_by_string(k->node, key, FY_NT);
    if (pair == NULL) {
        return aif__y_pos(k->r, k->node, k->mark);
    }
    struct fy_node *v = fy_node_pair_value(pair);
    aif__ypos kp = aif__y_pos(k->r, fy_node_pair_key(pair), k->mark);
    return v && fy_node_is_scalar(v) ? aif__y_pos(k->r, v, kp) : kp;
}

aif__ypos aif__cur_pos(const aif__ycur *k) {
    return aif__y_pos(k->r, k->node, k->mark);
}

struct fy_node *aif__cur_value(const aif__ycur *k, const char *key, bool required, char *buf,
                               size_t size, aif__ypos *vp) {
    struct fy_node_pair *pair = NULL;
    if (k->node != NULL && fy_node_get_type(k->node) == FYNT_MAPPING) {
        pair = fy_node_mapping_lookup_pair_by_string(k->node, key, FY_NT);
    }
    if (pair == NULL) {
        if (required) {
            aif__y_error(k->r, aif__y_pos(k->r, k->node, k->mark), "%s: missing required key '%s'",
                         k->path, key);
        }
        return NULL;
    }
    struct fy_node *v = fy_node_pair_value(pair);
    aif__ypos kp = aif__y_pos(k->r, fy_node_pair_key(pair), k->mark);
    *vp = aif__y_pos(k->r, v, kp);
    char what[128];
    snprintf(what, sizeof what, "%s.%s", k->path, key);
    if (!aif__y_scalar_text(k->r, v, kp, what, buf, size)) {
        return NULL;
    }
    return v;
}

bool aif__cur_str(const aif__ycur *k, const char *key, bool required, const char **out) {
    char buf[512];
    aif__ypos vp;
    struct fy_node *v = aif__cur_value(k, key, required, buf, sizeof buf, &vp);
    if (v == NULL) {
        return false;
    }
    if (buf[0] == '\0') {
        aif__y_error(k->r, vp, "%s.%s: expected a non-empty text", k->path, key);
        return false;
    }
    const char *copy = aif__y_strdup(k->r, v);
    if (copy == NULL) {
        return false;
    }
    *out = copy;
    return true;
}

/* A value the text parser refused: its message (which already says what was expected and
 * what was found) at the byte it points to. Returns false for the caller to pass on. */
static bool value_refused(const aif__ycur *k, const char *key, aif__ypos vp,
                          const aif_error *perr) {
    aif__y_error(k->r, aif__y_shift(vp, perr->offset), "%s.%s: %s", k->path, key, perr->message);
    return false;
}

bool aif__cur_qty(const aif__ycur *k, const char *key, bool required, aif_quantity_kind kind,
                  double min, double *out) {
    char buf[128];
    aif__ypos vp;
    if (aif__cur_value(k, key, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    double v = 0;
    aif_error perr = {0};
    if (aif_quantity_parse(buf, kind, &v, &perr) != AIF_OK) {
        return value_refused(k, key, vp, &perr);
    }
    if (v < min && min > 0 && min <= AIF_Y_POSITIVE) {
        aif__y_error(k->r, vp, "%s.%s: expected a positive value, found '%s'", k->path, key, buf);
        return false;
    }
    if (v < min) {
        char lim[48] = "0";
        aif_quantity_format(min, kind, lim, sizeof lim);
        aif__y_error(k->r, vp, "%s.%s: expected %s >= %s, found '%s'", k->path, key,
                     min > 0 ? "a positive value" : "a value", lim, buf);
        return false;
    }
    *out = v;
    return true;
}

bool aif__cur_num(const aif__ycur *k, const char *key, bool required, double min, double max,
                  double *out) {
    char buf[128];
    aif__ypos vp;
    if (aif__cur_value(k, key, required, buf, sizeof buf, &vp) == NULL) {
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
        return value_refused(k, key, vp, &perr);
    }
    v *= scale;
    if (!(v >= min && v <= max)) {
        aif__y_error(k->r, vp, "%s.%s: expected a number in [%g, %g], found %g", k->path, key, min,
                     max, v);
        return false;
    }
    *out = v;
    return true;
}

bool aif__cur_duration(const aif__ycur *k, const char *key, bool required, aif_time *out) {
    char buf[64];
    aif__ypos vp;
    if (aif__cur_value(k, key, required, buf, sizeof buf, &vp) == NULL) {
        return false;
    }
    aif_time t = 0;
    aif_error perr = {0};
    if (aif_duration_parse(buf, &t, &perr) != AIF_OK) {
        return value_refused(k, key, vp, &perr);
    }
    *out = t;
    return true;
}

bool aif__cur_bool(const aif__ycur *k, const char *key, bool required, bool *out) {
    static const char *const names[] = {"false", "true"};
    int v = 0;
    if (!aif__cur_enum(k, key, required, names, 2, &v)) {
        return false;
    }
    *out = v == 1;
    return true;
}

bool aif__cur_enum(const aif__ycur *k, const char *key, bool required, const char *const *names,
                   size_t n, int *out) {
    char buf[64];
    aif__ypos vp;
    if (aif__cur_value(k, key, required, buf, sizeof buf, &vp) == NULL) {
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
    const char *near = aif__y_nearest(buf, names, n);
    aif__y_error(k->r, vp, "%s.%s: expected one of %s, found '%s'%s%s%s", k->path, key, list, buf,
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return false;
}

size_t aif__y_seq_len(aif__yreader *r, struct fy_node *n, aif__ypos at, const char *what) {
    if (n == NULL || fy_node_get_type(n) != FYNT_SEQUENCE) {
        aif__y_error(r, aif__y_pos(r, n, at), "%s: expected a sequence", what);
        return 0;
    }
    int k = fy_node_sequence_item_count(n);
    return k > 0 ? (size_t)k : 0;
}

aif__yeach aif__y_each_begin(aif__yreader *r, struct fy_node *seq, aif__ypos at, const char *what) {
    aif__yeach it = {.item = {r, NULL, NULL, at}, .seq = seq, .what = what};
    it.count = aif__y_seq_len(r, seq, at, what);
    return it;
}

bool aif__y_each_next(aif__yeach *it) {
    if (it->next >= it->count || it->item.r->status != AIF_OK) {
        return false;
    }
    it->index = it->next++;
    it->item.node = fy_node_sequence_get_by_index(it->seq, (int)it->index);
    snprintf(it->path, sizeof it->path, "%s.%zu", it->what, it->index);
    it->item.path = it->path;
    return true;
}

aif__ypairs aif__y_pairs_begin(aif__yreader *r, struct fy_node *map, aif__ypos at) {
    return (aif__ypairs){.r = r, .map = map, .at = at};
}

bool aif__y_pairs_next(aif__ypairs *it) {
    if (it->map == NULL || fy_node_get_type(it->map) != FYNT_MAPPING || it->r->status != AIF_OK) {
        return false;
    }
    struct fy_node_pair *pair = fy_node_mapping_iterate(it->map, &it->iter);
    if (pair == NULL) {
        return false;
    }
    it->key = fy_node_pair_key(pair);
    it->value = fy_node_pair_value(pair);
    it->key_pos = aif__y_pos(it->r, it->key, it->at);
    return true;
}
