/* Reading and checking a sweep file (see sweep.h, docs/sweep.md): the document is walked
 * with the shared reader (yaml_cursor.h), every problem recorded at its file:line:col, then
 * the scenario file is read and the runs are planned (sweep_plan.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/scenario.h"
#include "sweep_internal.h"
#include "textcheck.h"
#include "yaml.h"
#include "yaml_cursor.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

typedef aif__ypos ypos;
typedef aif__ycur ycur;

aif_status aif_sweep_create(const aif_allocator *a, aif_sweep **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_sweep *s = aif_calloc(a, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    s->alloc = a;
    if (aif_arena_create(a, 0, &s->arena) != AIF_OK) {
        aif_free(a, s, sizeof *s);
        return AIF_ENOMEM;
    }
    *out = s;
    return AIF_OK;
}

void aif_sweep_destroy(aif_sweep *s) {
    if (s == NULL) {
        return;
    }
    aif__text_free(s->alloc, &s->scenario);
    aif_arena_destroy(s->arena);
    aif_free(s->alloc, s, sizeof *s);
}

static void on_yaml_error(void *p, int line, int col, const char *message) {
    aif__y_error(p, (ypos){NULL, line, col}, "%s", message);
}

/* A key path "a.b.0.c": 1..AIF_SWEEP_MAX_TEXT-1 bytes, no '=', no empty component. */
static bool key_path_ok(const char *k, size_t len) {
    if (len == 0 || len >= AIF_SWEEP_MAX_TEXT || k[0] == '.' || k[len - 1] == '.') {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (k[i] == '=' || (k[i] == '.' && k[i + 1] == '.') || (unsigned char)k[i] < ' ') {
            return false;
        }
    }
    return true;
}

/* The text of mapping key `k` as a key path, or NULL after an error. */
static const char *read_key_path(aif__yreader *r, struct fy_node *k, ypos at, const char *where) {
    size_t len = 0;
    const char *t = fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
    if (t == NULL || !key_path_ok(t, len)) {
        aif__y_error(r, aif__y_pos(r, k, at),
                     "%s: expected a scenario key path such as 'sites.0.phases.0.power' (1..%d "
                     "bytes, no '=', no empty part), found %s%.*s%s",
                     where, AIF_SWEEP_MAX_TEXT - 1, t ? "'" : "",
                     t ? (int)(len > 40 ? 40 : len) : (int)strlen(aif__yaml_node_kind(k)),
                     t ? t : aif__yaml_node_kind(k), t ? "'" : "");
        return NULL;
    }
    return aif_arena_strndup(r->arena, t, len);
}

/* A value for a key: a non-empty scalar of at most AIF_SWEEP_MAX_TEXT-1 bytes. */
static const char *read_value(aif__yreader *r, struct fy_node *v, ypos at, const char *where) {
    size_t len = 0;
    const char *t = v && fy_node_is_scalar(v) ? fy_node_get_scalar(v, &len) : NULL;
    if (t == NULL || len == 0 || len >= AIF_SWEEP_MAX_TEXT) {
        aif__y_error(r, aif__y_pos(r, v, at), "%s: expected a value of 1..%d bytes, found %s",
                     where, AIF_SWEEP_MAX_TEXT - 1,
                     t ? (len ? "a longer one" : "an empty one") : aif__yaml_node_kind(v));
        return NULL;
    }
    return aif_arena_strndup(r->arena, t, len);
}

/* "key=value" in the arena. */
static const char *assignment(aif__yreader *r, const char *key, const char *value) {
    size_t n = strlen(key) + strlen(value) + 2;
    char *a = aif_arena_alloc(r->arena, n);
    if (a == NULL) {
        r->status = AIF_ENOMEM;
        return NULL;
    }
    snprintf(a, n, "%s=%s", key, value);
    return a;
}

/* A whole number in lo..hi at `key` (absent: *out keeps its default). */
static void read_count(const ycur *c, const char *key, double lo, double hi, uint64_t *out) {
    double x = 0;
    if (!aif__cur_num(c, key, false, lo, hi, &x)) {
        return;
    }
    if (x != floor(x)) {
        aif__y_error(c->r, aif__cur_key_pos(c, key), "%s.%s: expected a whole number, found %g",
                     c->path, key, x);
        return;
    }
    *out = (uint64_t)x;
}

static void read_sets(aif_sweep *s, aif__yreader *r, struct fy_node *set, ypos at) {
    if (set == NULL) {
        return;
    }
    if (!fy_node_is_mapping(set)) {
        aif__y_error(r, aif__y_pos(r, set, at),
                     "sweep.set: expected a mapping of scenario keys to values, found %s",
                     aif__yaml_node_kind(set));
        return;
    }
    int n = fy_node_mapping_item_count(set);
    if (n > AIF_SWEEP_MAX_SETS) {
        aif__y_error(r, aif__y_pos(r, set, at), "sweep.set: at most %d keys, found %d",
                     AIF_SWEEP_MAX_SETS, n);
        return;
    }
    s->sets = aif_arena_alloc(r->arena, (size_t)(n > 0 ? n : 1) * sizeof *s->sets);
    if (s->sets == NULL) {
        r->status = AIF_ENOMEM;
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(r, set, at);
    while (aif__y_pairs_next(&it)) {
        const char *k = read_key_path(r, it.key, it.key_pos, "sweep.set");
        const char *v = read_value(r, it.value, it.key_pos, "sweep.set");
        const char *a = k && v ? assignment(r, k, v) : NULL;
        if (a) {
            s->sets[s->set_count++] = a;
        }
    }
}

/* A sequence of exactly `n` numbers into p[0..n). */
static bool read_numbers(aif__yreader *r, struct fy_node *seq, ypos at, const char *what, size_t n,
                         double *p) {
    bool ok = fy_node_is_sequence(seq) && (size_t)fy_node_sequence_item_count(seq) == n;
    for (size_t i = 0; ok && i < n; i++) {
        struct fy_node *item = fy_node_sequence_get_by_index(seq, (int)i);
        size_t len = 0;
        const char *t = fy_node_is_scalar(item) ? fy_node_get_scalar(item, &len) : NULL;
        if (t == NULL || !aif__y_parse_double(t, len, &p[i])) {
            aif__y_error(r, aif__y_pos(r, item, at), "%s: expected a number, found %s%.*s%s", what,
                         t ? "'" : "",
                         t ? (int)(len > 40 ? 40 : len) : (int)strlen(aif__yaml_node_kind(item)),
                         t ? t : aif__yaml_node_kind(item), t ? "'" : "");
            return false;
        }
    }
    if (!ok) {
        aif__y_error(r, aif__y_pos(r, seq, at), "%s: expected a list of %zu numbers, found %s",
                     what, n, aif__yaml_node_kind(seq));
    }
    return ok;
}

static void read_values(aif__yreader *r, aif_sweep_parameter *p, struct fy_node *seq, ypos at,
                        const char *what) {
    int n = fy_node_is_sequence(seq) ? fy_node_sequence_item_count(seq) : 0;
    if (n < 1 || n > AIF_SWEEP_MAX_VALUES) {
        aif__y_error(r, aif__y_pos(r, seq, at), "%s: expected a list of 1..%d values, found %s",
                     what, AIF_SWEEP_MAX_VALUES,
                     fy_node_is_sequence(seq) ? (n ? "a longer one" : "an empty one")
                                              : aif__yaml_node_kind(seq));
        return;
    }
    const char **v = aif_arena_alloc(r->arena, (size_t)n * sizeof *v);
    if (v == NULL) {
        r->status = AIF_ENOMEM;
        return;
    }
    for (int i = 0; i < n; i++) {
        v[i] = read_value(r, fy_node_sequence_get_by_index(seq, i), at, what);
    }
    p->values = v;
    p->value_count = (size_t)n;
}

static const char *const kind_keys[] = {"values", "uniform", "normal", "lognormal", "triangular"};

/* A distribution's parameters, checked for its domain. */
static void read_distribution(const ycur *c, aif_sweep_parameter *p, struct fy_node *v, ypos at,
                              const char *what) {
    aif__yreader *r = c->r;
    if (p->kind == AIF_SWEEP_UNIFORM || p->kind == AIF_SWEEP_TRIANGULAR) {
        size_t n = p->kind == AIF_SWEEP_UNIFORM ? 2 : 3;
        if (!read_numbers(r, v, at, what, n, p->p)) {
            return;
        }
        double lo = p->p[0], hi = p->p[n - 1], mode = p->p[1];
        if (!(lo < hi) || (n == 3 && (mode < lo || mode > hi))) {
            aif__y_error(r, aif__y_pos(r, v, at),
                         n == 2 ? "%s: expected [low, high] with low < high, found [%g, %g]"
                                : "%s: expected [low, mode, high] with low <= mode <= high and "
                                  "low < high, found [%g, %g, %g]",
                         what, p->p[0], p->p[1], p->p[2]);
        }
        return;
    }
    /* normal {mean, sd}, lognormal {median, sigma} */
    bool normal = p->kind == AIF_SWEEP_NORMAL;
    const char *const keys[2] = {normal ? "mean" : "median", normal ? "sd" : "sigma"};
    if (!aif__y_expect_mapping(r, v, at, what)) {
        return;
    }
    const ycur d = {r, v, what, at};
    aif__cur_keys(&d, keys, 2);
    for (int i = 0; i < 2; i++) {
        bool positive = i == 1 || !normal;
        if (aif__cur_num(&d, keys[i], true, -HUGE_VAL, HUGE_VAL, &p->p[i]) && positive &&
            !(p->p[i] > 0)) {
            aif__y_error(r, aif__cur_key_pos(&d, keys[i]),
                         "%s.%s: expected a number above 0, found %g", what, keys[i], p->p[i]);
        }
    }
}

static void read_parameter(aif_sweep *s, aif__yreader *r, struct fy_node *k, struct fy_node *v,
                           ypos key_pos) {
    aif_sweep_parameter *p = &s->params[s->param_count];
    *p = (aif_sweep_parameter){0};
    s->param_pos[s->param_count] = aif__y_pos(r, k, key_pos);
    p->key = read_key_path(r, k, key_pos, "sweep.parameters");
    if (p->key == NULL) {
        return;
    }
    char what[AIF_SWEEP_MAX_TEXT + 32];
    snprintf(what, sizeof what, "sweep.parameters.%s", p->key);
    if (!aif__y_expect_mapping(r, v, key_pos, what)) {
        return;
    }
    static const char *const keys[] = {"values",    "uniform",    "normal",
                                       "lognormal", "triangular", "unit"};
    const ycur c = {r, v, what, aif__y_pos(r, v, key_pos)};
    aif__cur_keys(&c, keys, COUNT_OF(keys));
    int found = -1, more = 0;
    for (int i = 0; i < (int)COUNT_OF(kind_keys); i++) {
        if (aif__cur_get(&c, kind_keys[i])) {
            more += found >= 0;
            found = found < 0 ? i : found;
        }
    }
    if (found < 0 || more) {
        aif__y_error(r, aif__cur_pos(&c),
                     "%s: expected one of 'values', 'uniform', 'normal', 'lognormal', "
                     "'triangular', found %s",
                     what, found < 0 ? "none" : "several");
        return;
    }
    p->kind = (aif_sweep_param_kind)found;
    char sub[sizeof what + 16];
    snprintf(sub, sizeof sub, "%s.%s", what, kind_keys[found]);
    struct fy_node *body = aif__cur_get(&c, kind_keys[found]);
    ypos body_at = aif__cur_key_pos(&c, kind_keys[found]);
    if (p->kind == AIF_SWEEP_VALUES) {
        read_values(r, p, body, body_at, sub);
    } else {
        read_distribution(&c, p, body, body_at, sub);
    }
    if (aif__cur_get(&c, "unit")) {
        if (p->kind == AIF_SWEEP_VALUES) {
            aif__y_error(r, aif__cur_key_pos(&c, "unit"),
                         "%s.unit: a unit goes with a distribution; write it in each value "
                         "instead ('2 GW')",
                         what);
        } else {
            p->unit = read_value(r, aif__cur_get(&c, "unit"), aif__cur_key_pos(&c, "unit"), sub);
        }
    }
    s->param_count++;
}

static void read_parameters(aif_sweep *s, aif__yreader *r, struct fy_node *params, ypos at) {
    int n = params && fy_node_is_mapping(params) ? fy_node_mapping_item_count(params) : 0;
    if (n < 1 || n > AIF_SWEEP_MAX_PARAMETERS) {
        aif__y_error(r, aif__y_pos(r, params, at),
                     "sweep.parameters: expected a mapping of 1..%d scenario keys to a list of "
                     "values or a distribution, found %s",
                     AIF_SWEEP_MAX_PARAMETERS,
                     params == NULL                ? "nothing"
                     : !fy_node_is_mapping(params) ? aif__yaml_node_kind(params)
                     : n == 0                      ? "an empty one"
                                                   : "more keys");
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(r, params, at);
    while (aif__y_pairs_next(&it)) {
        /* `catalog` is no scenario key a run could set whole: it asks for the ranges. */
        if (fy_node_is_scalar(it.key) && aif__y_scalar_is(it.key, "catalog")) {
            aif__sweep_catalog_ranges(s, r, it.key, it.value, it.key_pos);
        } else {
            read_parameter(s, r, it.key, it.value, it.key_pos);
        }
    }
}

/* The scenario: `default` or a file, read now (its text is part of every run's key). */
static void read_scenario(aif_sweep *s, aif__yreader *r, const ycur *c) {
    const char *name = NULL;
    if (!aif__cur_str(c, "scenario", true, &name)) {
        return;
    }
    if (strcmp(name, "default") == 0 || strcmp(name, aif_scenario_default_name()) == 0) {
        s->scenario_path = NULL;
        return;
    }
    const char *slash = strrchr(s->file, '/');
    size_t dir = name[0] == '/' || slash == NULL ? 0 : (size_t)(slash - s->file) + 1;
    size_t n = dir + strlen(name) + 1;
    char *path = aif_arena_alloc(r->arena, n);
    if (path == NULL) {
        r->status = AIF_ENOMEM;
        return;
    }
    snprintf(path, n, "%.*s%s", (int)dir, s->file, name);
    s->scenario_path = path;
    const char *op = "read";
    int e = 0;
    aif_status st = aif__text_read(s->alloc, path, &s->scenario, &op, &e);
    if (st == AIF_ENOMEM) {
        r->status = AIF_ENOMEM;
    } else if (st != AIF_OK) {
        aif__y_error(r, aif__cur_key_pos(c, "scenario"),
                     "sweep.scenario: cannot %s the scenario file %s: %s", op, path,
                     e ? strerror(e) : aif_strerror(st));
    }
}

static void check_design(aif_sweep *s, aif__yreader *r, const ycur *c, bool has_samples) {
    if (s->design == AIF_SWEEP_GRID) {
        if (has_samples) {
            aif__y_error(r, aif__cur_key_pos(c, "samples"),
                         "sweep.samples: a grid runs every combination of the values; remove "
                         "'samples' or choose design random or lhs");
        }
        double runs = (double)s->replications;
        for (size_t i = 0; i < s->param_count; i++) {
            const aif_sweep_parameter *p = &s->params[i];
            if (p->catalog_source != NULL) {
                aif__y_error(r, s->param_pos[i],
                             "sweep.parameters.catalog: a catalog range has no grid values (it "
                             "is drawn between low and high); choose design random or lhs");
                return;
            }
            if (p->kind != AIF_SWEEP_VALUES) {
                aif__y_error(r, s->param_pos[i],
                             "sweep.parameters.%s: a grid takes 'values', found a distribution "
                             "('%s'); choose design random or lhs",
                             p->key, kind_keys[p->kind]);
                return;
            }
            runs *= (double)p->value_count;
        }
        if (runs > AIF_SWEEP_MAX_RUNS) {
            aif__y_error(r, aif__cur_key_pos(c, "parameters"),
                         "sweep.parameters: the grid has %.0f runs (values multiplied, times "
                         "the replications), more than the %d a sweep may have",
                         runs, AIF_SWEEP_MAX_RUNS);
        }
        return;
    }
    if (!has_samples) {
        aif__y_error(r, aif__cur_pos(c), "sweep: missing 'samples' (the points a %s design draws)",
                     aif_sweep_design_name(s->design));
    } else if ((double)s->samples * (double)s->replications > AIF_SWEEP_MAX_RUNS) {
        aif__y_error(r, aif__cur_key_pos(c, "samples"),
                     "sweep.samples: %zu samples times %zu replications is more than the %d "
                     "runs a sweep may have",
                     s->samples, s->replications, AIF_SWEEP_MAX_RUNS);
    }
}

static void bind(aif_sweep *s, aif__yreader *r, struct fy_node *root) {
    const ypos top = {NULL, 1, 1};
    static const char *const top_keys[] = {"aifactory", "sweep"};
    const ycur doc = {r, root, "sweep file", top};
    if (root == NULL || !fy_node_is_mapping(root)) {
        aif__y_error(r, top, "expected a mapping with 'aifactory: 1' and 'sweep', found %s",
                     aif__yaml_node_kind(root));
        return;
    }
    aif__cur_keys(&doc, top_keys, COUNT_OF(top_keys));
    double version = 0;
    if (aif__cur_num(&doc, "aifactory", true, 0, 1e9, &version) && version != AIF_SWEEP_VERSION) {
        aif__y_error(r, aif__cur_key_pos(&doc, "aifactory"),
                     "aifactory: unsupported version %g (this build reads version %d)", version,
                     AIF_SWEEP_VERSION);
    }
    struct fy_node *sw = aif__cur_get(&doc, "sweep");
    if (sw == NULL || !fy_node_is_mapping(sw)) {
        aif__y_error(r, aif__y_pos(r, sw, top), "sweep: expected a mapping, found %s",
                     aif__yaml_node_kind(sw));
        return;
    }
    static const char *const keys[] = {"scenario", "set",          "parameters", "design",
                                       "samples",  "replications", "seed"};
    const ycur c = {r, sw, "sweep", aif__y_pos(r, sw, top)};
    aif__cur_keys(&c, keys, COUNT_OF(keys));
    read_scenario(s, r, &c);
    read_sets(s, r, aif__cur_get(&c, "set"), aif__cur_key_pos(&c, "set"));
    read_parameters(s, r, aif__cur_get(&c, "parameters"), aif__cur_key_pos(&c, "parameters"));
    static const char *const designs[] = {"grid", "random", "lhs"};
    int design = AIF_SWEEP_GRID;
    aif__cur_enum(&c, "design", false, designs, COUNT_OF(designs), &design);
    s->design = (aif_sweep_design)design;
    uint64_t samples = 0, reps = 1, seed = 1;
    read_count(&c, "samples", 1, AIF_SWEEP_MAX_SAMPLES, &samples);
    read_count(&c, "replications", 1, AIF_SWEEP_MAX_REPLICATIONS, &reps);
    read_count(&c, "seed", 0, AIF_SWEEP_SEED_MAX, &seed);
    s->samples = (size_t)samples;
    s->replications = (size_t)reps;
    s->seed = seed;
    if (!r->failed && r->status == AIF_OK) {
        check_design(s, r, &c, aif__cur_get(&c, "samples") != NULL);
    }
}

aif_status aif_sweep_load_string(aif_sweep *s, const char *name, const char *text, size_t len) {
    if (s == NULL || name == NULL || (text == NULL && len > 0)) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    s->loaded = true;
    s->file = aif_arena_strdup(s->arena, name);
    if (s->file == NULL) {
        return AIF_ENOMEM;
    }
    aif__yreader r = {.errors = &s->errors,
                      .file = s->file,
                      .arena = s->arena,
                      .by_children = true,
                      .status = AIF_OK};
    aif__text_fault fault;
    if (!aif__text_check(text ? text : "", len, &fault)) {
        char msg[64];
        aif_error_list_add(&s->errors, s->file, fault.line, fault.col, "%s",
                           aif__text_fault_message(&fault, msg, sizeof msg));
        return AIF_EPARSE;
    }
    aif__yaml y;
    aif_status st = aif__yaml_parse(text ? text : "", len, &y, on_yaml_error, &r);
    if (st == AIF_OK) {
        bind(s, &r, y.doc ? fy_document_root(y.doc) : NULL);
    }
    aif__yaml_close(&y);
    if (st == AIF_OK && r.status != AIF_OK) {
        st = r.status;
    }
    if (st == AIF_OK && (r.failed || s->errors.count > 0)) {
        st = AIF_EPARSE;
    }
    if (st == AIF_OK) {
        st = aif__sweep_plan(s);
    }
    return st;
}

aif_status aif_sweep_load_file(aif_sweep *s, const char *path) {
    if (s == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    aif__text t = {0};
    const char *op = "read";
    int e = 0;
    aif_status st = aif__text_read(s->alloc, path, &t, &op, &e);
    if (st == AIF_ENOMEM) {
        return st;
    }
    if (st != AIF_OK) {
        s->loaded = true;
        aif_error_list_add(&s->errors, path, 0, 0, "cannot %s the sweep file: %s", op,
                           e ? strerror(e) : aif_strerror(st));
        return AIF_EIO;
    }
    st = aif_sweep_load_string(s, path, t.data, t.len);
    aif__text_free(s->alloc, &t);
    return st;
}

const aif_error_list *aif_sweep_errors(const aif_sweep *s) {
    return s ? &s->errors : NULL;
}

const char *aif_sweep_scenario_path(const aif_sweep *s) {
    return s->scenario_path;
}

const char *aif_sweep_scenario_text(const aif_sweep *s, size_t *len) {
    if (s->scenario_path == NULL) {
        return aif_scenario_default_yaml(len);
    }
    if (len) {
        *len = s->scenario.len;
    }
    return s->scenario.data;
}

aif_sweep_design aif_sweep_design_get(const aif_sweep *s) {
    return s->design;
}

const char *aif_sweep_design_name(aif_sweep_design d) {
    static const char *const names[] = {"grid", "random", "lhs"};
    return (unsigned)d < COUNT_OF(names) ? names[d] : "unknown";
}

size_t aif_sweep_parameter_count(const aif_sweep *s) {
    return s->param_count;
}

const aif_sweep_parameter *aif_sweep_parameter_at(const aif_sweep *s, size_t i) {
    return i < s->param_count ? &s->params[i] : NULL;
}

size_t aif_sweep_points(const aif_sweep *s) {
    return s->points;
}

size_t aif_sweep_replications(const aif_sweep *s) {
    return s->replications;
}

uint64_t aif_sweep_seed(const aif_sweep *s) {
    return s->seed;
}

size_t aif_sweep_run_count(const aif_sweep *s) {
    return s->run_count;
}

const aif_sweep_run *aif_sweep_run_at(const aif_sweep *s, size_t i) {
    return i < s->run_count ? &s->runs[i] : NULL;
}

const char *aif_sweep_hash(const aif_sweep *s) {
    return s->hash;
}
