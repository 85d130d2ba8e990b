/* Model sets (models_file.h): the built-in model table plus user models read from YAML files of
 * the data/models.yaml schema, so `aifactory perf --models FILE` can size models nobody
 * compiled in.
 *
 * libfyaml builds the document tree (its diagnostics are collected, never printed); each
 * entry is checked field by field and every problem is recorded with its file:line:col so
 * one run reports all of them. Entries are staged in the set's arena and committed only when
 * the whole file was clean, which makes a merge all or nothing. libfyaml's own memory does
 * not go through the set's allocator (it has no hook for one); everything the set keeps
 * does. */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "aifactory/models_file.h"
#include "textfile.h"
#include "yaml.h"
#include "yaml_cursor.h"

struct aif_model_set {
    const aif_allocator *alloc;
    aif_arena *arena; /* specs, strings and file names; lives as long as the set */
    aif_model_spec **models;
    size_t count;
    size_t cap;
    aif_error_list errors; /* of the last merge */
};

typedef enum field_kind { FIELD_PARAMS, FIELD_POSITIVE, FIELD_NONNEGATIVE, FIELD_TEXT } field_kind;

typedef struct field_spec {
    const char *key;
    size_t offset;
    field_kind kind;
    bool required;
} field_spec;

#define FIELD(name, kind, req)                                                                     \
    { #name, offsetof(aif_model_spec, name), kind, req }

static const field_spec fields[] = {
    FIELD(id, FIELD_TEXT, true),
    FIELD(params_total, FIELD_PARAMS, true),
    FIELD(params_active, FIELD_PARAMS, false),
    FIELD(layers, FIELD_POSITIVE, true),
    FIELD(hidden, FIELD_POSITIVE, true),
    FIELD(heads, FIELD_POSITIVE, true),
    FIELD(kv_heads, FIELD_POSITIVE, false),
    FIELD(head_dim, FIELD_POSITIVE, true),
    FIELD(ffn, FIELD_POSITIVE, true),
    FIELD(vocab, FIELD_POSITIVE, true),
    FIELD(max_context, FIELD_POSITIVE, true),
    FIELD(experts, FIELD_NONNEGATIVE, false),
    FIELD(experts_active, FIELD_NONNEGATIVE, false),
    FIELD(kv_latent_dim, FIELD_NONNEGATIVE, false),
    FIELD(source, FIELD_TEXT, true),
};

enum { FIELD_COUNT = sizeof fields / sizeof fields[0] };

typedef aif__ypos pos;

typedef struct staged {
    aif_model_spec *spec;
    pos at;
    struct staged *next;
} staged;

/* The shared reader (yaml_cursor.h) comes first: errors go to the set's list, and a
 * collection is located by the key that introduced it. */
typedef struct parse_ctx {
    aif__yreader r; /* AIF_ENOMEM in r.status is sticky; schema errors only set r.failed */
    aif_model_set *set;
    staged *head;
    staged **tail;
    size_t new_ids;
} parse_ctx;

#define FAIL(ctx, ...) aif__y_error(&(ctx)->r, __VA_ARGS__)

/* Copy of a scalar's text into buf (truncated), for messages and number parsing. */
static const char *scalar_text(struct fy_node *n, char *buf, size_t size) {
    size_t len = 0;
    const char *s = n && fy_node_is_scalar(n) ? fy_node_get_scalar(n, &len) : NULL;
    if (len >= size) {
        len = size - 1;
    }
    memcpy(buf, s ? s : "", s ? len : 0);
    buf[s ? len : 0] = '\0';
    return buf;
}

static void parse_field(parse_ctx *ctx, const field_spec *f, struct fy_node *v, pos kp,
                        aif_model_spec *m) {
    char buf[96];
    pos vp = aif__y_pos(&ctx->r, v, kp);
    if (v == NULL || !fy_node_is_scalar(v)) {
        FAIL(ctx, vp, "%s: expected a scalar", f->key);
        return;
    }
    scalar_text(v, buf, sizeof buf);
    if (f->kind == FIELD_TEXT) {
        const char *copy = aif__y_strdup(&ctx->r, v);
        if (copy == NULL) {
            return;
        }
        if (f->offset == offsetof(aif_model_spec, id) && !aif__yaml_valid_id(copy, strlen(copy))) {
            FAIL(ctx, vp,
                 "id: invalid id '%s' (expected lower-case letters, digits, '-', '_' or '.', "
                 "starting with a letter or digit)",
                 buf);
        } else if (copy[0] == '\0') {
            FAIL(ctx, vp, "%s: must not be empty", f->key);
        }
        *(const char **)((char *)m + f->offset) = copy;
        return;
    }
    double x = 0;
    if (!aif__y_parse_double(buf, strlen(buf), &x)) {
        FAIL(ctx, vp, "%s: expected a number, found '%s'", f->key, buf);
        return;
    }
    if (f->kind == FIELD_PARAMS) {
        if (!(x > 0)) {
            FAIL(ctx, vp, "%s: expected a positive number, found %s", f->key, buf);
            return;
        }
        *(double *)((char *)m + f->offset) = x;
        return;
    }
    double lo = f->kind == FIELD_POSITIVE ? 1 : 0;
    if (x != floor(x) || x < lo || x > INT_MAX) {
        FAIL(ctx, vp, "%s: expected a whole number >= %.0f, found %s", f->key, lo, buf);
        return;
    }
    *(int *)((char *)m + f->offset) = (int)x;
}

/* Relations between fields, reported one by one (aif_model_check only says yes or no). */
static void check_relations(parse_ctx *ctx, const aif_model_spec *m, pos at) {
    if (m->params_active > m->params_total) {
        FAIL(ctx, at, "%s: params_active (%g) exceeds params_total (%g)", m->id, m->params_active,
             m->params_total);
    }
    if (m->heads % m->kv_heads != 0) {
        FAIL(ctx, at, "%s: kv_heads (%d) must divide heads (%d)", m->id, m->kv_heads, m->heads);
    }
    if (m->experts_active > m->experts || (m->experts > 0 && m->experts_active == 0)) {
        FAIL(ctx, at, "%s: expected 1 <= experts_active <= experts for MoE, found %d of %d", m->id,
             m->experts_active, m->experts);
    }
}

static aif_model_spec *find_in(aif_model_spec *const *models, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(models[i]->id, id) == 0) {
            return models[i];
        }
    }
    return NULL;
}

static void parse_entry(parse_ctx *ctx, struct fy_node *n, pos at) {
    if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING) {
        FAIL(ctx, aif__y_pos(&ctx->r, n, at), "models: each entry must be a mapping");
        return;
    }
    aif_model_spec *m = aif_arena_alloc(ctx->set->arena, sizeof *m);
    staged *st = aif_arena_alloc(ctx->set->arena, sizeof *st);
    if (m == NULL || st == NULL) {
        ctx->r.status = AIF_ENOMEM;
        return;
    }
    memset(m, 0, sizeof *m);
    bool seen[FIELD_COUNT] = {false};
    bool first = true;
    bool had_errors = ctx->r.failed;
    ctx->r.failed = false;
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        pos kp = it.key_pos;
        if (first) {
            at = it.at = kp; /* an entry is located by its first key */
            first = false;
        }
        size_t i = 0;
        while (i < FIELD_COUNT && !aif__y_scalar_is(k, fields[i].key)) {
            i++;
        }
        if (i == FIELD_COUNT) {
            char buf[48];
            FAIL(ctx, kp, "unknown key '%s'", scalar_text(k, buf, sizeof buf));
        } else if (seen[i]) {
            FAIL(ctx, kp, "%s: given twice", fields[i].key);
        } else {
            seen[i] = true;
            parse_field(ctx, &fields[i], it.value, kp, m);
        }
    }
    if (ctx->r.status != AIF_OK) {
        return;
    }
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        if (fields[i].required && !seen[i]) {
            FAIL(ctx, at, "%s: missing required field '%s'", m->id ? m->id : "entry",
                 fields[i].key);
        }
    }
    if (!seen[2]) {
        m->params_active = m->params_total;
    }
    if (!seen[6]) {
        m->kv_heads = m->heads;
    }
    if (!ctx->r.failed) {
        check_relations(ctx, m, at);
    }
    if (!ctx->r.failed) {
        for (staged *o = ctx->head; o; o = o->next) {
            if (strcmp(o->spec->id, m->id) == 0) {
                FAIL(ctx, at, "%s: defined twice in this file (first at line %d)", m->id,
                     o->at.line);
                break;
            }
        }
    }
    bool entry_failed = ctx->r.failed;
    ctx->r.failed = had_errors || entry_failed;
    if (entry_failed) {
        return;
    }
    st->spec = m;
    st->at = at;
    st->next = NULL;
    *ctx->tail = st;
    ctx->tail = &st->next;
    ctx->new_ids += find_in(ctx->set->models, ctx->set->count, m->id) == NULL;
}

static void parse_root(parse_ctx *ctx, struct fy_node *root) {
    pos top = {NULL, 1, 1};
    if (root == NULL) {
        return; /* an empty file adds nothing */
    }
    if (fy_node_get_type(root) != FYNT_MAPPING) {
        FAIL(ctx, aif__y_pos(&ctx->r, root, top), "expected a mapping with a 'models' sequence");
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, root, top);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        struct fy_node *v = it.value;
        pos kp = it.key_pos;
        if (!aif__y_scalar_is(k, "models")) {
            char buf[48];
            FAIL(ctx, kp, "unknown key '%s' (expected 'models')", scalar_text(k, buf, sizeof buf));
            continue;
        }
        if (v == NULL || fy_node_get_type(v) != FYNT_SEQUENCE) {
            FAIL(ctx, aif__y_pos(&ctx->r, v, kp), "models: expected a sequence of entries");
            continue;
        }
        void *it2 = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(v, &it2)) != NULL && ctx->r.status == AIF_OK) {
            parse_entry(ctx, item, kp);
        }
    }
}

static void yaml_error(void *ctx, int line, int col, const char *message) {
    parse_ctx *c = ctx;
    FAIL(c, ((pos){NULL, line, col}), "malformed YAML: %s", message);
}

static aif_status parse(parse_ctx *ctx, const char *text, size_t len) {
    aif__yaml y;
    aif_status st = aif__yaml_parse(text, len, &y, yaml_error, ctx);
    if (st == AIF_ENOMEM) {
        aif__yaml_close(&y);
        return st;
    }
    /* Syntax errors are recorded and flagged; no document and no error is an empty file. */
    if (y.doc != NULL) {
        parse_root(ctx, fy_document_root(y.doc));
    }
    aif__yaml_close(&y);
    return ctx->r.status;
}

/* Grow the pointer array to hold `extra` more, before committing, so commit cannot fail. */
static aif_status reserve(aif_model_set *s, size_t extra) {
    if (s->count + extra <= s->cap) {
        return AIF_OK;
    }
    size_t cap = s->cap ? s->cap : 16;
    while (cap < s->count + extra) {
        cap *= 2;
    }
    aif_model_spec **grown =
        aif_realloc(s->alloc, s->models, s->cap * sizeof *s->models, cap * sizeof *s->models);
    if (grown == NULL) {
        return AIF_ENOMEM;
    }
    s->models = grown;
    s->cap = cap;
    return AIF_OK;
}

aif_status aif_model_set_create(const aif_allocator *a, int with_builtin, aif_model_set **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_model_set *s = aif_calloc(a, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    s->alloc = a;
    aif_status st = aif_arena_create(a, 4096, &s->arena);
    int n = with_builtin ? aif_model_count() : 0;
    if (st == AIF_OK) {
        st = reserve(s, (size_t)n);
    }
    for (int i = 0; i < n && st == AIF_OK; i++) {
        aif_model_spec *m = aif_arena_alloc(s->arena, sizeof *m);
        if (m == NULL) {
            st = AIF_ENOMEM;
            break;
        }
        *m = *aif_model_at(i); /* strings stay the built-in literals */
        s->models[s->count++] = m;
    }
    if (st != AIF_OK) {
        aif_model_set_destroy(s);
        return st;
    }
    *out = s;
    return AIF_OK;
}

void aif_model_set_destroy(aif_model_set *s) {
    if (s == NULL) {
        return;
    }
    aif_free(s->alloc, s->models, s->cap * sizeof *s->models);
    aif_arena_destroy(s->arena);
    aif_free(s->alloc, s, sizeof *s);
}

aif_status aif_model_set_merge_string(aif_model_set *s, const char *name, const char *text,
                                      size_t len) {
    if (s == NULL || name == NULL || (text == NULL && len > 0)) {
        return AIF_EINVAL;
    }
    s->errors.count = 0;
    const char *file = aif_arena_strdup(s->arena, name);
    if (file == NULL) {
        return AIF_ENOMEM;
    }
    parse_ctx ctx = {.r = {.errors = &s->errors, .file = file, .arena = s->arena, .status = AIF_OK},
                     .set = s};
    ctx.tail = &ctx.head;
    aif_status st = parse(&ctx, text ? text : "", len);
    if (st != AIF_OK) {
        return st;
    }
    if (ctx.r.failed) {
        return AIF_EPARSE;
    }
    st = reserve(s, ctx.new_ids);
    if (st != AIF_OK) {
        return st;
    }
    for (staged *e = ctx.head; e; e = e->next) {
        aif_model_spec *old = find_in(s->models, s->count, e->spec->id);
        if (old != NULL) {
            *old = *e->spec; /* replace in place: pointers callers hold stay valid */
        } else {
            s->models[s->count++] = e->spec;
        }
    }
    return AIF_OK;
}

aif_status aif_model_set_merge_file(aif_model_set *s, const char *path) {
    if (s == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    s->errors.count = 0;
    const char *file = aif_arena_strdup(s->arena, path);
    if (file == NULL) {
        return AIF_ENOMEM;
    }
    aif__text text;
    const char *op = NULL;
    int sys_errno = 0;
    aif_status st = aif__text_read(s->alloc, path, &text, &op, &sys_errno);
    if (st == AIF_EIO) {
        aif_error_list_add(&s->errors, file, 0, 0, "cannot %s models file: %s", op,
                           strerror(sys_errno));
        return AIF_EIO;
    }
    if (st != AIF_OK) {
        return st;
    }
    st = aif_model_set_merge_string(s, path, text.data, text.len);
    aif__text_free(s->alloc, &text);
    return st;
}

const aif_error_list *aif_model_set_errors(const aif_model_set *s) {
    return s ? &s->errors : NULL;
}

size_t aif_model_set_count(const aif_model_set *s) {
    return s ? s->count : 0;
}

const aif_model_spec *aif_model_set_at(const aif_model_set *s, size_t i) {
    return (s && i < s->count) ? s->models[i] : NULL;
}

const aif_model_spec *aif_model_set_find(const aif_model_set *s, const char *id) {
    if (s == NULL || id == NULL) {
        return NULL;
    }
    return find_in(s->models, s->count, id);
}
