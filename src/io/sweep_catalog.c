/* `catalog: ranges` in a sweep file (docs/sweep.md): every sourced value of the scenario's
 * catalog that has a range (low < high) becomes one parameter, drawn by the sweep's design
 * from triangular(low, default, high) and set on each run as a catalog override.
 *
 * The catalog walked is the scenario's own (the built-in catalog with the scenario's
 * `catalog` section merged over it), so a range the scenario narrows or adds is the one
 * drawn. Parameters come in catalog order (packages, systems, facility; entries in
 * insertion order, fields in schema order), so the same file and seed draw the same
 * values. Why triangular: the catalog records no distribution, only the figure chosen
 * (`default`) and the range its sources support; a triangle keeps the chosen figure the
 * most likely one and never leaves the range, where a uniform draw would make the ends as
 * likely as the figure a person picked. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/catalog.h"
#include "aifactory/scenario.h"
#include "sweep_internal.h"
#include "yaml.h"

/* The numbers drawn: every sourced number but the whole counts (dies, packages per system,
 * scale-up domain), which a draw between low and high would make fractional. */
typedef struct named_field {
    const char *key;
    size_t offset;
} named_field;

static const named_field package_fields[] = {
    {"hbm_gb", offsetof(aif_package, hbm_gb)},
    {"hbm_tbps", offsetof(aif_package, hbm_tbps)},
    {"tdp_w", offsetof(aif_package, tdp_w)},
    {"scaleup_gbps", offsetof(aif_package, scaleup_gbps)},
};

static const named_field system_fields[] = {
    {"it_power_kw", offsetof(aif_system, it_power_kw)},
    {"price_usd", offsetof(aif_system, price_usd)},
    {"host_cpu_usd", offsetof(aif_system, host_cpu_usd)},
    {"network_usd_per_gpu", offsetof(aif_system, network_usd_per_gpu)},
    {"storage_usd_per_gpu", offsetof(aif_system, storage_usd_per_gpu)},
};

static const named_field facility_fields[] = {
    {"pue", offsetof(aif_facility, pue)},
    {"overhead_fraction", offsetof(aif_facility, overhead_fraction)},
    {"capex_usd_per_mw", offsetof(aif_facility, capex_usd_per_mw)},
    {"power_distribution_usd_per_mw", offsetof(aif_facility, power_distribution_usd_per_mw)},
    {"network_usd_per_gpu", offsetof(aif_facility, network_usd_per_gpu)},
    {"network_vendor_fraction", offsetof(aif_facility, network_vendor_fraction)},
    {"storage_usd_per_gpu", offsetof(aif_facility, storage_usd_per_gpu)},
    {"power_price_usd_per_mwh", offsetof(aif_facility, power_price_usd_per_mwh)},
    {"it_life_years", offsetof(aif_facility, it_life_years)},
    {"facility_life_years", offsetof(aif_facility, facility_life_years)},
    {"wacc", offsetof(aif_facility, wacc)},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ONLY    32

typedef struct walk {
    aif_sweep *s;
    aif__yreader *r;
    aif__ypos at;
    const char *only[MAX_ONLY];
    aif__ypos only_pos[MAX_ONLY];
    size_t only_count;
    bool only_used[MAX_ONLY];
    bool full; /* the limit was reported */
} walk;

/* Whether `key` is `prefix` or lies under it ("catalog.systems.x" holds
 * "catalog.systems.x.price_usd", not "catalog.systems.x2.price_usd"). */
static bool under(const char *key, const char *prefix) {
    size_t n = strlen(prefix);
    return strncmp(key, prefix, n) == 0 && (key[n] == '\0' || key[n] == '.');
}

static bool wanted(walk *w, const char *key) {
    bool any = w->only_count == 0;
    for (size_t i = 0; i < w->only_count; i++) {
        if (under(key, w->only[i])) {
            w->only_used[i] = true;
            any = true;
        }
    }
    return any;
}

/* One sourced value at key path `key`: a parameter when it has a range. */
static void add(walk *w, const char *key, const aif_sourced *v) {
    aif_sweep *s = w->s;
    /* (Catalog ids are at most 64 bytes: every key path fits AIF_SWEEP_MAX_TEXT.) */
    if (!v->present || !v->has_range || !(v->low < v->high) || strlen(key) >= AIF_SWEEP_MAX_TEXT ||
        !wanted(w, key)) {
        return;
    }
    if (s->param_count >= COUNT_OF(s->params)) {
        if (!w->full) {
            aif__y_error(w->r, w->at,
                         "sweep.parameters.catalog: more than %d parameters in all; restrict "
                         "the ranges drawn with 'only'",
                         (int)COUNT_OF(s->params));
        }
        w->full = true;
        return;
    }
    const char *k = aif_arena_strdup(w->r->arena, key);
    const char *src = aif_arena_strdup(w->r->arena, v->source ? v->source : "catalog");
    if (k == NULL || src == NULL) {
        w->r->status = AIF_ENOMEM;
        return;
    }
    s->param_pos[s->param_count] = w->at;
    s->params[s->param_count++] = (aif_sweep_parameter){.key = k,
                                                        .kind = AIF_SWEEP_TRIANGULAR,
                                                        .p = {v->low, v->value, v->high},
                                                        .catalog_source = src,
                                                        .catalog_value_key = "default",
                                                        .catalog_confidence = v->confidence};
}

/* Ids holding a '.' cannot be named in a key path (its parts are split at dots). */
static bool id_ok(const char *id) {
    return strchr(id, '.') == NULL;
}

static void add_fields(walk *w, const char *head, const void *entry, const named_field *f,
                       size_t n) {
    char key[2 * AIF_SWEEP_MAX_TEXT];
    for (size_t i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%s.%s", head, f[i].key);
        add(w, key, (const aif_sourced *)((const char *)entry + f[i].offset));
    }
}

static void add_catalog(walk *w, const aif_catalog *cat) {
    char head[AIF_SWEEP_MAX_TEXT], key[2 * AIF_SWEEP_MAX_TEXT];
    for (size_t i = 0; i < aif_catalog_package_count(cat); i++) {
        const aif_package *p = aif_catalog_package_at(cat, i);
        if (!id_ok(p->id)) {
            continue;
        }
        snprintf(head, sizeof head, "catalog.packages.%s", p->id);
        for (int prec = 0; prec < AIF_PREC_COUNT; prec++) {
            snprintf(key, sizeof key, "%s.dense_tflops.%s", head, aif_precision_name(prec));
            add(w, key, &p->dense_tflops[prec]);
        }
        add_fields(w, head, p, package_fields, COUNT_OF(package_fields));
    }
    for (size_t i = 0; i < aif_catalog_system_count(cat); i++) {
        const aif_system *sys = aif_catalog_system_at(cat, i);
        if (id_ok(sys->id)) {
            snprintf(head, sizeof head, "catalog.systems.%s", sys->id);
            add_fields(w, head, sys, system_fields, COUNT_OF(system_fields));
        }
    }
    add_fields(w, "catalog.facility", aif_catalog_facility(cat), facility_fields,
               COUNT_OF(facility_fields));
}

static void ignore_yaml_error(void *ctx, int line, int col, const char *message) {
    (void)ctx, (void)line, (void)col, (void)message;
}

/* The node at key path `key` ("catalog.a.b") under `root`, or NULL. */
static struct fy_node *node_at(struct fy_node *root, const char *key) {
    struct fy_node *n = root;
    char part[AIF_SWEEP_MAX_TEXT];
    for (const char *k = key; n != NULL && *k != '\0';) {
        size_t len = strcspn(k, ".");
        snprintf(part, sizeof part, "%.*s", (int)len, k);
        n = fy_node_is_mapping(n) ? fy_node_mapping_lookup_by_string(n, part, FY_NT) : NULL;
        k += len + (k[len] == '.');
    }
    return n;
}

/* Fit the overrides to the scenario's own `catalog` section: a run's `--set` can reach
 * into an inline section only (not a file's), and a field the section writes with
 * `value:` must be overridden there, not beside it as `default:`. */
static void fit_to_section(walk *w, size_t from) {
    size_t len = 0;
    const char *text = aif_sweep_scenario_text(w->s, &len);
    aif__yaml y;
    aif_status st = aif__yaml_parse(text ? text : "", text ? len : 0, &y, ignore_yaml_error, NULL);
    if (st != AIF_OK) {
        aif__yaml_close(&y);
        /* It bound a moment ago: only memory can fail now. */
        w->r->status = st == AIF_ENOMEM ? AIF_ENOMEM : w->r->status;
        return;
    }
    struct fy_node *root = y.doc ? fy_document_root(y.doc) : NULL;
    struct fy_node *cat = node_at(root, "catalog");
    if (cat != NULL && fy_node_is_scalar(cat)) {
        aif__y_error(w->r, w->at,
                     "sweep.parameters.catalog: the scenario's catalog is a file ('%s'), which "
                     "a run's overrides cannot reach; write its entries in the scenario's "
                     "inline 'catalog' section instead",
                     fy_node_get_scalar0(cat) ? fy_node_get_scalar0(cat) : "");
    }
    for (size_t i = from; cat != NULL && i < w->s->param_count; i++) {
        aif_sweep_parameter *p = &w->s->params[i];
        struct fy_node *field = node_at(root, p->key);
        if (field && fy_node_is_mapping(field) &&
            fy_node_mapping_lookup_by_string(field, "value", FY_NT) != NULL) {
            p->catalog_value_key = "value";
        }
    }
    aif__yaml_close(&y);
}

/* `only: [prefix, ...]`: each a key path under `catalog`. */
static bool read_only(walk *w, struct fy_node *seq, aif__ypos at) {
    aif__yreader *r = w->r;
    int n = seq && fy_node_is_sequence(seq) ? fy_node_sequence_item_count(seq) : 0;
    if (n < 1 || n > MAX_ONLY) {
        aif__y_error(r, aif__y_pos(r, seq, at),
                     "sweep.parameters.catalog.only: expected a list of 1..%d key paths such as "
                     "'catalog.systems.gb200-nvl72', found %s",
                     MAX_ONLY,
                     seq == NULL || !fy_node_is_sequence(seq) ? "something else"
                     : n == 0                                 ? "an empty one"
                                                              : "a longer one");
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n; i++) {
        struct fy_node *item = fy_node_sequence_get_by_index(seq, i);
        size_t len = 0;
        const char *t = fy_node_is_scalar(item) ? fy_node_get_scalar(item, &len) : NULL;
        if (t == NULL || len >= AIF_SWEEP_MAX_TEXT || !(len == 7 || len > 8) ||
            strncmp(t, "catalog", 7) != 0 || (len > 7 && t[7] != '.')) {
            aif__y_error(r, aif__y_pos(r, item, at),
                         "sweep.parameters.catalog.only: expected a key path starting with "
                         "'catalog.' such as 'catalog.systems.gb200-nvl72', found %s%.*s%s",
                         t ? "'" : "", t ? (int)(len > 40 ? 40 : len) : 8, t ? t : "no scalar",
                         t ? "'" : "");
            ok = false;
            continue;
        }
        w->only_pos[w->only_count] = aif__y_pos(r, item, at);
        w->only[w->only_count] = aif_arena_strndup(r->arena, t, len);
        if (w->only[w->only_count] == NULL) {
            r->status = AIF_ENOMEM;
            return false;
        }
        w->only_count++;
    }
    return ok;
}

/* The spec: `ranges`, or {draw: ranges, only: [...]}. */
static bool read_spec(walk *w, struct fy_node *v, aif__ypos at) {
    aif__yreader *r = w->r;
    if (v && fy_node_is_scalar(v) && aif__y_scalar_is(v, "ranges")) {
        return true;
    }
    if (v && fy_node_is_mapping(v)) {
        static const char *const keys[] = {"draw", "only"};
        const aif__ycur c = {r, v, "sweep.parameters.catalog", aif__y_pos(r, v, at)};
        aif__cur_keys(&c, keys, COUNT_OF(keys));
        struct fy_node *draw = aif__cur_get(&c, "draw");
        if (draw == NULL || !fy_node_is_scalar(draw) || !aif__y_scalar_is(draw, "ranges")) {
            aif__y_error(r, draw ? aif__y_pos(r, draw, at) : aif__cur_pos(&c),
                         "sweep.parameters.catalog.draw: expected 'ranges', found %s",
                         draw ? "something else" : "nothing");
            return false;
        }
        struct fy_node *only = aif__cur_get(&c, "only");
        return only == NULL || read_only(w, only, aif__cur_key_pos(&c, "only"));
    }
    aif__y_error(r, aif__y_pos(r, v, at),
                 "sweep.parameters.catalog: expected 'ranges' or {draw: ranges, only: [key "
                 "path, ...]}, found %s",
                 aif__yaml_node_kind(v));
    return false;
}

void aif__sweep_catalog_ranges(aif_sweep *s, aif__yreader *r, struct fy_node *k, struct fy_node *v,
                               aif__ypos key_pos) {
    walk w = {.s = s, .r = r, .at = aif__y_pos(r, k, key_pos)};
    if (!read_spec(&w, v, key_pos)) {
        return;
    }
    /* The scenario's catalog: bind the scenario once (its errors would fail every run). */
    aif_scenario *scn = NULL;
    size_t len = 0;
    const char *text = aif_sweep_scenario_text(s, &len);
    const char *name = s->scenario_path ? s->scenario_path : aif_scenario_default_name();
    aif_status st = aif_scenario_create(s->alloc, &scn);
    if (st == AIF_OK) {
        st = aif_scenario_load_string(scn, name, text ? text : "", text ? len : 0);
    }
    if (st == AIF_ENOMEM) {
        r->status = AIF_ENOMEM;
    } else if (st != AIF_OK) {
        const aif_error *e = scn ? aif_error_list_at(aif_scenario_errors(scn), 0) : NULL;
        char why[AIF_ERROR_MESSAGE_MAX + 300];
        if (e) {
            aif_error_format(e, why, sizeof why);
        } else {
            snprintf(why, sizeof why, "%s: %s", name, aif_strerror(st));
        }
        aif__y_error(r, w.at,
                     "sweep.parameters.catalog: the ranges come from the scenario's catalog, "
                     "and the scenario does not load: %s",
                     why);
    } else {
        size_t before = s->param_count;
        add_catalog(&w, aif_scenario_catalog(scn));
        fit_to_section(&w, before);
        for (size_t i = 0; i < w.only_count && r->status == AIF_OK; i++) {
            if (!w.only_used[i]) {
                aif__y_error(r, w.only_pos[i],
                             "sweep.parameters.catalog.only: '%s' holds no catalog value with "
                             "a range (low < high)",
                             w.only[i]);
            }
        }
        if (s->param_count == before && w.only_count == 0 && !w.full) {
            aif__y_error(r, w.at,
                         "sweep.parameters.catalog: the scenario's catalog has no value with a "
                         "range (low < high) to draw");
        }
    }
    aif_scenario_destroy(scn);
}
