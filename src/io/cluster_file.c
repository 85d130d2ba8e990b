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
 * the first one stops the read. The shared reader (yaml_cursor.h) does the reading into an
 * error list; the public calls hand back that list's first entry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/cluster_file.h"
#include "textfile.h"
#include "yaml.h"
#include "yaml_cursor.h"

static void on_yaml_error(void *p, int line, int col, const char *message) {
    aif__y_error(p, (aif__ypos){NULL, line, col}, "%s", message);
}

/* Integer `key` of group `g` (a cursor on its mapping) in lo..hi; messages name the group
 * as "groups[N]", as docs/replay.md does. */
static bool read_int(const aif__ycur *g, size_t gi, const char *key, bool required, int64_t lo,
                     int64_t hi, int64_t *out) {
    struct fy_node *v = aif__cur_get(g, key);
    if (v == NULL) {
        if (required) {
            aif__y_error(g->r, aif__cur_pos(g), "groups[%zu]: missing '%s'", gi, key);
        }
        return !required;
    }
    size_t len = 0;
    const char *s = fy_node_is_scalar(v) ? fy_node_get_scalar(v, &len) : NULL;
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
        /* A scalar is quoted (cut at 40 bytes); anything else is named by its kind. */
        const char *found = s ? s : aif__yaml_node_kind(v);
        int shown = s ? (int)(len > 40 ? 40 : len) : (int)strlen(found);
        aif__y_error(g->r, aif__y_pos(g->r, v, aif__cur_key_pos(g, key)),
                     "groups[%zu].%s: expected an integer in %lld..%lld, found %s%.*s%s", gi, key,
                     (long long)lo, (long long)hi, s ? "'" : "", shown, found, s ? "'" : "");
        return false;
    }
    *out = x;
    return true;
}

/* Group `gi` into out->groups[gi] (its name into out->names[gi]); stops at the first error. */
static bool read_group(const aif__ycur *g, size_t gi, aif_cluster_spec *out) {
    char what[32];
    snprintf(what, sizeof what, "groups[%zu]", gi);
    if (!aif__y_expect_mapping(g->r, g->node, g->mark, what)) {
        return false;
    }
    int64_t nodes = 0, k = 0, domain = 0;
    if (!read_int(g, gi, "nodes", true, 1, INT64_C(1) << 31, &nodes) ||
        !read_int(g, gi, "gpus_per_node", true, 1, 255, &k) ||
        !read_int(g, gi, "nodes_per_domain", false, 1, INT64_C(1) << 31, &domain)) {
        return false;
    }
    struct fy_node *t = aif__cur_get(g, "gpu_type");
    if (t) {
        size_t len = 0;
        const char *s = fy_node_is_scalar(t) ? fy_node_get_scalar(t, &len) : NULL;
        if (s == NULL || len == 0 || len >= sizeof out->names[gi]) {
            aif__y_error(g->r, aif__y_pos(g->r, t, aif__cur_key_pos(g, "gpu_type")),
                         "groups[%zu].gpu_type: expected a name of 1..%zu characters", gi,
                         sizeof out->names[gi] - 1);
            return false;
        }
        memcpy(out->names[gi], s, len);
        out->names[gi][len] = '\0';
    }
    out->groups[gi] = (aif_cluster_group){.gpu_type = t ? out->names[gi] : NULL,
                                          .nodes = nodes,
                                          .gpus_per_node = (int32_t)k,
                                          .nodes_per_domain = (int32_t)domain};
    return true;
}

static aif_status bind(aif__yreader *r, struct fy_node *root, aif_cluster_spec *out) {
    /* A problem with no position of its own is reported at the start of the file. */
    const aif__ypos top = {NULL, 1, 1};
    if (root == NULL || fy_node_get_type(root) != FYNT_MAPPING) {
        /* A top-level sequence is reported at the start, not at its first item. */
        aif__ypos at = root && fy_node_is_scalar(root) ? aif__y_pos(r, root, top) : top;
        aif__y_error(r, at, "expected a mapping with 'groups', found %s",
                     aif__yaml_node_kind(root));
        return AIF_EPARSE;
    }
    struct fy_node *groups = fy_node_mapping_lookup_by_string(root, "groups", FY_NT);
    if (groups == NULL || fy_node_get_type(groups) != FYNT_SEQUENCE ||
        fy_node_sequence_item_count(groups) < 1) {
        aif__y_error(r, aif__y_pos(r, groups ? groups : root, top),
                     "'groups': expected a sequence of 1..%d groups, found %s",
                     AIF_CLUSTER_MAX_GROUPS, groups ? aif__yaml_node_kind(groups) : "nothing");
        return AIF_EPARSE;
    }
    int count = fy_node_sequence_item_count(groups);
    if (count > AIF_CLUSTER_MAX_GROUPS) {
        struct fy_node *extra = fy_node_sequence_get_by_index(groups, AIF_CLUSTER_MAX_GROUPS);
        aif__y_error(r, aif__y_pos(r, extra, top), "'groups': at most %d groups, found %d",
                     AIF_CLUSTER_MAX_GROUPS, count);
        return AIF_EPARSE;
    }
    memset(out, 0, sizeof *out);
    aif__yeach it = aif__y_each_begin(r, groups, aif__y_pos(r, groups, top), "groups");
    while (aif__y_each_next(&it)) {
        if (!read_group(&it.item, it.index, out)) {
            return AIF_EPARSE;
        }
    }
    out->count = (size_t)count;
    return AIF_OK;
}

aif_status aif_cluster_spec_parse(const char *name, const char *text, size_t len,
                                  aif_cluster_spec *out, aif_error *err) {
    if (out == NULL || (text == NULL && len > 0)) {
        return AIF_EINVAL;
    }
    aif_error_clear(err);
    /* The public API reports one error; a list is what the shared reader records into. */
    aif_error_list errors = {0};
    aif__yreader r = {.errors = &errors,
                      .file = name ? name : "<cluster>",
                      .by_children = true,
                      .status = AIF_OK};
    aif__yaml y;
    aif_status st = aif__yaml_parse(text ? text : "", len, &y, on_yaml_error, &r);
    if (st == AIF_OK) {
        st = bind(&r, y.doc ? fy_document_root(y.doc) : NULL, out);
    } else if (st == AIF_ENOMEM) {
        aif__y_error(&r, (aif__ypos){NULL, 0, 0}, "out of memory");
    }
    aif__yaml_close(&y);
    if (st != AIF_OK && err != NULL && errors.count > 0) {
        *err = errors.items[0];
        err->status = AIF_EPARSE;
    }
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
