/* Cluster description files for `aifactory replay --cluster FILE` (see aif_cluster_spec_read
 * in cluster.h): a YAML (or JSON) mapping with a `groups` sequence, one entry per group of
 * equal nodes:
 *
 *     groups:
 *       - gpu_type: H100        # optional; jobs asking for this type run only here
 *         nodes: 1920
 *         gpus_per_node: 8
 *         nodes_per_domain: 9   # optional: NVLink domain / rack size, recorded only
 *
 * Every problem is reported as "FILE:LINE:COL: error: what was expected, what was found";
 * the first one stops the read. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/cluster_file.h"
#include "textfile.h"
#include "yaml.h"

typedef struct ctx {
    const char *file;
    aif_error *err;
    bool failed;
} ctx;

static void fail_at(ctx *c, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void fail_at(ctx *c, int line, int col, const char *fmt, ...) {
    if (c->failed) {
        return;
    }
    c->failed = true;
    if (c->err == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    aif_error_setv(c->err, AIF_EPARSE, fmt, ap);
    va_end(ap);
    c->err->file = c->file;
    c->err->line = line > 0 ? (unsigned long)line : 0;
    c->err->col = col > 0 ? (unsigned long)col : 0;
}

static void on_yaml_error(void *p, int line, int col, const char *message) {
    fail_at(p, line, col, "%s", message);
}

/* 1-based line and column of a node: its scalar token, or its first key for a mapping. */
static void where(struct fy_node *n, int *line, int *col) {
    *line = *col = 0;
    struct fy_token *t = NULL;
    if (n && fy_node_get_type(n) == FYNT_SCALAR) {
        t = fy_node_get_scalar_token(n);
    } else if (n && fy_node_get_type(n) == FYNT_MAPPING) {
        void *iter = NULL;
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &iter);
        t = p ? fy_node_get_scalar_token(fy_node_pair_key(p)) : NULL;
    }
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    if (m) {
        *line = m->line + 1;
        *col = m->column + 1;
    }
}

static bool read_int(ctx *c, struct fy_node *map, size_t gi, const char *key, bool required,
                     int64_t lo, int64_t hi, int64_t *out) {
    struct fy_node *v = fy_node_mapping_lookup_by_string(map, key, FY_NT);
    int line, col;
    if (v == NULL) {
        if (required) {
            where(map, &line, &col);
            fail_at(c, line, col, "groups[%zu]: missing '%s'", gi, key);
        }
        return !required;
    }
    where(v, &line, &col);
    size_t len = 0;
    const char *s = fy_node_get_type(v) == FYNT_SCALAR ? fy_node_get_scalar(v, &len) : NULL;
    char buf[32];
    char *end = NULL;
    long long x = 0;
    if (s && len > 0 && len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        errno = 0;
        x = strtoll(buf, &end, 10);
    }
    if (s == NULL || end == NULL || *end != '\0' || errno != 0 || x < lo || x > hi) {
        fail_at(c, line, col, "groups[%zu].%s: expected an integer in %lld..%lld, found %s%.*s%s",
                gi, key, (long long)lo, (long long)hi, s ? "'" : "",
                s ? (int)(len > 40 ? 40 : len) : 0, s ? s : aif__yaml_node_kind(v), s ? "'" : "");
        return false;
    }
    *out = x;
    return true;
}

static aif_status bind(ctx *c, struct fy_node *root, aif_cluster_spec *out) {
    int line = 1, col = 1;
    if (root == NULL || fy_node_get_type(root) != FYNT_MAPPING) {
        where(root, &line, &col);
        fail_at(c, line ? line : 1, col ? col : 1, "expected a mapping with 'groups', found %s",
                aif__yaml_node_kind(root));
        return AIF_EPARSE;
    }
    struct fy_node *groups = fy_node_mapping_lookup_by_string(root, "groups", FY_NT);
    if (groups == NULL || fy_node_get_type(groups) != FYNT_SEQUENCE ||
        fy_node_sequence_item_count(groups) < 1) {
        where(groups ? groups : root, &line, &col);
        fail_at(c, line ? line : 1, col ? col : 1,
                "'groups': expected a sequence of 1..%d groups, found %s", AIF_CLUSTER_MAX_GROUPS,
                groups ? aif__yaml_node_kind(groups) : "nothing");
        return AIF_EPARSE;
    }
    int count = fy_node_sequence_item_count(groups);
    if (count > AIF_CLUSTER_MAX_GROUPS) {
        where(fy_node_sequence_get_by_index(groups, AIF_CLUSTER_MAX_GROUPS), &line, &col);
        fail_at(c, line, col, "'groups': at most %d groups, found %d", AIF_CLUSTER_MAX_GROUPS,
                count);
        return AIF_EPARSE;
    }
    memset(out, 0, sizeof *out);
    for (int i = 0; i < count; i++) {
        struct fy_node *g = fy_node_sequence_get_by_index(groups, i);
        if (fy_node_get_type(g) != FYNT_MAPPING) {
            where(g, &line, &col);
            fail_at(c, line, col, "groups[%d]: expected a mapping, found %s", i,
                    aif__yaml_node_kind(g));
            return AIF_EPARSE;
        }
        int64_t nodes = 0, k = 0, domain = 0;
        if (!read_int(c, g, (size_t)i, "nodes", true, 1, INT64_C(1) << 31, &nodes) ||
            !read_int(c, g, (size_t)i, "gpus_per_node", true, 1, 255, &k) ||
            !read_int(c, g, (size_t)i, "nodes_per_domain", false, 1, INT64_C(1) << 31, &domain)) {
            return AIF_EPARSE;
        }
        struct fy_node *t = fy_node_mapping_lookup_by_string(g, "gpu_type", FY_NT);
        if (t) {
            size_t len = 0;
            const char *s = fy_node_get_type(t) == FYNT_SCALAR ? fy_node_get_scalar(t, &len) : NULL;
            if (s == NULL || len == 0 || len >= sizeof out->names[i]) {
                where(t, &line, &col);
                fail_at(c, line, col, "groups[%d].gpu_type: expected a name of 1..%zu characters",
                        i, sizeof out->names[i] - 1);
                return AIF_EPARSE;
            }
            memcpy(out->names[i], s, len);
            out->names[i][len] = '\0';
        }
        out->groups[i] = (aif_cluster_group){.gpu_type = t ? out->names[i] : NULL,
                                             .nodes = nodes,
                                             .gpus_per_node = (int32_t)k,
                                             .nodes_per_domain = (int32_t)domain};
    }
    out->count = (size_t)count;
    return AIF_OK;
}

aif_status aif_cluster_spec_parse(const char *name, const char *text, size_t len,
                                  aif_cluster_spec *out, aif_error *err) {
    if (out == NULL || (text == NULL && len > 0)) {
        return AIF_EINVAL;
    }
    ctx c = {.file = name ? name : "<cluster>", .err = err};
    aif_error_clear(err);
    aif__yaml y;
    aif_status st = aif__yaml_parse(text ? text : "", len, &y, on_yaml_error, &c);
    if (st == AIF_OK) {
        st = bind(&c, y.doc ? fy_document_root(y.doc) : NULL, out);
    } else if (st == AIF_ENOMEM) {
        fail_at(&c, 0, 0, "out of memory");
    }
    aif__yaml_close(&y);
    if (st == AIF_OK) {
        /* The names moved with *out: point the groups at their own copies. */
        for (size_t i = 0; i < out->count; i++) {
            if (out->groups[i].gpu_type) {
                out->groups[i].gpu_type = out->names[i];
            }
        }
    }
    return st;
}

aif_status aif_cluster_spec_read(const char *path, aif_cluster_spec *out, aif_error *err) {
    if (path == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    aif__text t = {0};
    const char *op = "read";
    int e = 0;
    aif_status st = aif__text_read(NULL, path, &t, &op, &e);
    if (st != AIF_OK) {
        return aif_error_set_at(err, st, path, 0, 0, "cannot %s the cluster file: %s", op,
                                e ? strerror(e) : aif_strerror(st));
    }
    st = aif_cluster_spec_parse(path, t.data, t.len, out, err);
    aif__text_free(NULL, &t);
    return st;
}
