/* Reads one catalog YAML document (docs/catalog.md) into staged entries, checking the
 * schema as it goes and recording every problem with its file:line:col, so that one pass
 * reports all of them. libfyaml builds the document tree; its own syntax errors are
 * collected through a diagnostic object instead of being printed. Nothing here changes the
 * catalog's entries until the whole input is read: then the staged entries are committed
 * (catalog_build.h) only when no error was found. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "aifactory/catalog_build.h"
#include "aifactory/catalog_read.h"
#include "catalog_data.h"
#include "textfile.h"
#include "yaml.h"
#include "yaml_cursor.h"

#define SCHEMA_ID "aifactory-catalog/1"

/* How a number is checked beyond being finite. */
typedef enum value_rule {
    RULE_POSITIVE,    /* > 0 */
    RULE_NONNEGATIVE, /* >= 0 */
    RULE_COUNT,       /* integer >= 1 */
    RULE_PUE,         /* >= 1 */
    RULE_FRACTION,    /* 0 <= x <= 1 */
    RULE_TEXT         /* a date or other text, in `date` */
} value_rule;

typedef struct field_spec {
    const char *key;
    size_t offset; /* of the aif_sourced inside the entry struct */
    value_rule rule;
    bool required; /* for new entries */
    double max;    /* the largest value a run can plan with (catalog.h); 0: none */
} field_spec;

static const field_spec package_fields[] = {
    {"dies", offsetof(aif_package, dies), RULE_COUNT, true, 0},
    {"hbm_gb", offsetof(aif_package, hbm_gb), RULE_POSITIVE, true, 0},
    {"hbm_tbps", offsetof(aif_package, hbm_tbps), RULE_POSITIVE, false, 0},
    {"tdp_w", offsetof(aif_package, tdp_w), RULE_POSITIVE, false, 0},
    {"scaleup_gbps", offsetof(aif_package, scaleup_gbps), RULE_NONNEGATIVE, false, 0},
    {"available", offsetof(aif_package, available), RULE_TEXT, false, 0},
};

static const field_spec system_fields[] = {
    {"packages", offsetof(aif_system, packages), RULE_COUNT, true, AIF_CATALOG_PACKAGES_MAX},
    {"extra_packages", offsetof(aif_system, extra_packages), RULE_COUNT, false, 0},
    {"scaleup_domain", offsetof(aif_system, scaleup_domain), RULE_COUNT, false, 0},
    {"it_power_kw", offsetof(aif_system, it_power_kw), RULE_POSITIVE, true,
     AIF_CATALOG_IT_POWER_MAX_KW},
    {"price_usd", offsetof(aif_system, price_usd), RULE_POSITIVE, true, AIF_CATALOG_PRICE_MAX_USD},
    {"host_cpu_usd", offsetof(aif_system, host_cpu_usd), RULE_NONNEGATIVE, false,
     AIF_CATALOG_PRICE_MAX_USD},
    {"network_usd_per_gpu", offsetof(aif_system, network_usd_per_gpu), RULE_NONNEGATIVE, false,
     AIF_CATALOG_USD_PER_GPU_MAX},
    {"storage_usd_per_gpu", offsetof(aif_system, storage_usd_per_gpu), RULE_NONNEGATIVE, false,
     AIF_CATALOG_USD_PER_GPU_MAX},
};

static const field_spec facility_fields[] = {
    {"pue", offsetof(aif_facility, pue), RULE_PUE, false, AIF_CATALOG_PUE_MAX},
    {"overhead_fraction", offsetof(aif_facility, overhead_fraction), RULE_FRACTION, false, 0},
    {"capex_usd_per_mw", offsetof(aif_facility, capex_usd_per_mw), RULE_NONNEGATIVE, false,
     AIF_CATALOG_CAPEX_MAX_USD_PER_MW},
    {"power_distribution_usd_per_mw", offsetof(aif_facility, power_distribution_usd_per_mw),
     RULE_NONNEGATIVE, false, AIF_CATALOG_CAPEX_MAX_USD_PER_MW},
    {"network_usd_per_gpu", offsetof(aif_facility, network_usd_per_gpu), RULE_NONNEGATIVE, false,
     AIF_CATALOG_USD_PER_GPU_MAX},
    {"network_vendor_fraction", offsetof(aif_facility, network_vendor_fraction), RULE_FRACTION,
     false, 0},
    {"storage_usd_per_gpu", offsetof(aif_facility, storage_usd_per_gpu), RULE_NONNEGATIVE, false,
     AIF_CATALOG_USD_PER_GPU_MAX},
    {"wacc", offsetof(aif_facility, wacc), RULE_FRACTION, false, 0},
    {"power_price_usd_per_mwh", offsetof(aif_facility, power_price_usd_per_mwh), RULE_NONNEGATIVE,
     false, AIF_CATALOG_POWER_PRICE_MAX_USD_PER_MWH},
    {"it_life_years", offsetof(aif_facility, it_life_years), RULE_POSITIVE, false,
     AIF_CATALOG_LIFE_MAX_YEARS},
    {"facility_life_years", offsetof(aif_facility, facility_life_years), RULE_POSITIVE, false,
     AIF_CATALOG_LIFE_MAX_YEARS},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The shared reader (yaml_cursor.h) comes first: errors go to the catalog's list, and a
 * collection is located by the key that introduced it. */
typedef struct parse_ctx {
    aif__yreader r; /* AIF_ENOMEM in r.status is sticky; schema errors only set r.failed */
    aif_catalog *cat;
    aif__staged *staged;
} parse_ctx;

typedef aif__ypos pos;

/* A finite number in the YAML forms we document (1200, 1.2e6). */
static bool parse_number(parse_ctx *ctx, struct fy_node *n, pos at, const char *what, double *out) {
    if (!aif__y_expect_scalar(&ctx->r, n, at, what)) {
        return false;
    }
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (len == 0 || len >= 64) {
        aif__y_error(&ctx->r, aif__y_pos(&ctx->r, n, at), "%s: expected a number, found '%.*s'",
                     what, (int)(len > 40 ? 40 : len), s ? s : "");
        return false;
    }
    if (!aif__y_parse_double(s, len, out)) {
        aif__y_error(&ctx->r, aif__y_pos(&ctx->r, n, at),
                     "%s: expected a finite number, found '%.*s'", what, (int)len, s);
        return false;
    }
    return true;
}

static bool check_rule(parse_ctx *ctx, pos p, const char *what, value_rule rule, double v) {
    switch (rule) {
    case RULE_POSITIVE:
        if (!(v > 0)) {
            aif__y_error(&ctx->r, p, "%s: expected a positive number, found %g", what, v);
            return false;
        }
        break;
    case RULE_NONNEGATIVE:
        if (v < 0) {
            aif__y_error(&ctx->r, p, "%s: expected a number >= 0, found %g", what, v);
            return false;
        }
        break;
    case RULE_COUNT:
        if (v < 1 || v != floor(v) || v > 1e9) {
            aif__y_error(&ctx->r, p, "%s: expected a whole count >= 1, found %g", what, v);
            return false;
        }
        break;
    case RULE_PUE:
        if (v < 1) {
            aif__y_error(&ctx->r, p, "%s: expected a PUE >= 1, found %g", what, v);
            return false;
        }
        break;
    case RULE_FRACTION:
        if (v < 0 || v > 1) {
            aif__y_error(&ctx->r, p, "%s: expected a fraction in [0, 1], found %g", what, v);
            return false;
        }
        break;
    case RULE_TEXT:
        break;
    }
    return true;
}

/* One sourced value: {value|default|date, low, high, source, confidence, note}. */
static void parse_sourced(parse_ctx *ctx, struct fy_node *n, pos at, const char *what,
                          value_rule rule, double max, aif_sourced *out) {
    /* A field given but invalid is marked so that "missing required field" stays quiet. */
    out->line = -1;
    if (!aif__y_expect_mapping(&ctx->r, n, at, what)) {
        return;
    }
    aif_sourced v = {0};
    bool has_value = false, has_low = false, has_high = false, ok = true;
    pos value_pos = at;
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        struct fy_node *val = it.value;
        pos kp = it.key_pos;
        if (!aif__y_expect_scalar(&ctx->r, k, at, what)) {
            ok = false;
            continue;
        }
        if (rule == RULE_TEXT ? aif__y_scalar_is(k, "date")
                              : aif__y_scalar_is(k, "value") || aif__y_scalar_is(k, "default")) {
            if (has_value) {
                aif__y_error(&ctx->r, kp, "%s: more than one of value/default", what);
                ok = false;
            } else if (rule == RULE_TEXT) {
                has_value = aif__y_expect_scalar(&ctx->r, val, kp, what) &&
                            (v.text = aif__y_strdup(&ctx->r, val)) != NULL;
            } else {
                has_value = parse_number(ctx, val, kp, what, &v.value);
            }
            value_pos = aif__y_pos(&ctx->r, val, kp);
            ok = ok && has_value;
        } else if (rule != RULE_TEXT && aif__y_scalar_is(k, "low")) {
            has_low = parse_number(ctx, val, kp, what, &v.low);
            ok = ok && has_low;
        } else if (rule != RULE_TEXT && aif__y_scalar_is(k, "high")) {
            has_high = parse_number(ctx, val, kp, what, &v.high);
            ok = ok && has_high;
        } else if (aif__y_scalar_is(k, "source")) {
            if (aif__y_expect_scalar(&ctx->r, val, kp, what)) {
                v.source = aif__y_strdup(&ctx->r, val);
                if (v.source && v.source[0] == '\0') {
                    aif__y_error(&ctx->r, aif__y_pos(&ctx->r, val, kp),
                                 "%s: source must not be empty", what);
                    ok = false;
                }
            } else {
                ok = false;
            }
        } else if (aif__y_scalar_is(k, "note")) {
            ok = aif__y_expect_scalar(&ctx->r, val, kp, what) &&
                 (v.note = aif__y_strdup(&ctx->r, val)) && ok;
        } else if (aif__y_scalar_is(k, "confidence")) {
            if (!aif__y_expect_scalar(&ctx->r, val, kp, what)) {
                ok = false;
            } else if (aif__y_scalar_is(val, "H") || aif__y_scalar_is(val, "M") ||
                       aif__y_scalar_is(val, "L")) {
                v.confidence = fy_node_get_scalar(val, &(size_t){0})[0];
            } else {
                aif__y_error(&ctx->r, aif__y_pos(&ctx->r, val, kp),
                             "%s: confidence must be H, M or L", what);
                ok = false;
            }
        } else {
            size_t klen = 0;
            const char *ks = fy_node_get_scalar(k, &klen);
            aif__y_error(&ctx->r, kp,
                         "%s: unknown key '%.*s' (expected %s, source, confidence, note)", what,
                         (int)(klen > 40 ? 40 : klen), ks,
                         rule == RULE_TEXT ? "date" : "value or default, low, high");
            ok = false;
        }
    }
    if (ctx->r.status != AIF_OK) {
        return;
    }
    if (!has_value && ok) {
        aif__y_error(&ctx->r, at, "%s: missing '%s'", what, rule == RULE_TEXT ? "date" : "value");
        ok = false;
    }
    if (v.source == NULL && ok) {
        aif__y_error(&ctx->r, at, "%s: missing 'source'", what);
        ok = false;
    }
    if (v.confidence == 0 && ok) {
        aif__y_error(&ctx->r, at, "%s: missing 'confidence' (H, M or L)", what);
        ok = false;
    }
    if (has_low != has_high && ok) {
        aif__y_error(&ctx->r, at, "%s: give both 'low' and 'high', or neither", what);
        ok = false;
    }
    if (!ok || !check_rule(ctx, value_pos, what, rule, v.value)) {
        return;
    }
    /* The planner multiplies these by block sizes into int64 cents and counts: past the
     * limit a run could not hold what validation accepted. */
    if (max > 0 && !(v.value <= max && (!has_low || v.high <= max))) {
        aif__y_error(&ctx->r, value_pos, "%s: expected at most %g, found %g", what, max,
                     has_low && v.high > v.value ? v.high : v.value);
        return;
    }
    if (has_low) {
        if (!(v.low <= v.value && v.value <= v.high)) {
            aif__y_error(&ctx->r, at, "%s: expected low <= default <= high, found %g, %g, %g", what,
                         v.low, v.value, v.high);
            return;
        }
        v.has_range = true;
    } else {
        v.low = v.high = v.value;
    }
    v.present = true;
    v.file = ctx->r.file;
    v.line = at.line;
    v.col = at.col;
    *out = v;
}

static const field_spec *find_field(const field_spec *fields, size_t n, struct fy_node *k) {
    for (size_t i = 0; i < n; i++) {
        if (aif__y_scalar_is(k, fields[i].key)) {
            return &fields[i];
        }
    }
    return NULL;
}

static void check_required(parse_ctx *ctx, const char *id, pos at, const field_spec *fields,
                           size_t n, const void *entry) {
    for (size_t i = 0; i < n; i++) {
        const aif_sourced *v = (const aif_sourced *)((const char *)entry + fields[i].offset);
        if (fields[i].required && !v->present && v->line != -1) {
            aif__y_error(&ctx->r, at, "%s: missing required field '%s'", id, fields[i].key);
        }
    }
}

static void parse_tflops(parse_ctx *ctx, struct fy_node *n, pos at, const char *id,
                         aif_package *p) {
    if (!aif__y_expect_mapping(&ctx->r, n, at, "dense_tflops")) {
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        pos kp = it.key_pos;
        bool found = false;
        for (int prec = 0; prec < AIF_PREC_COUNT; prec++) {
            if (k && fy_node_is_scalar(k) && aif__y_scalar_is(k, aif_precision_name(prec))) {
                char what[96];
                snprintf(what, sizeof what, "%s.dense_tflops.%s", id, aif_precision_name(prec));
                parse_sourced(ctx, it.value, kp, what, RULE_POSITIVE, 0, &p->dense_tflops[prec]);
                found = true;
            }
        }
        if (!found) {
            aif__y_error(&ctx->r, kp,
                         "%s.dense_tflops: unknown precision (expected bf16, fp8, fp4)", id);
        }
    }
}

static void parse_package(parse_ctx *ctx, const char *id, struct fy_node *n, pos at) {
    if (!aif__y_expect_mapping(&ctx->r, n, at, id)) {
        return;
    }
    aif__staged_package *sp = aif_arena_alloc(aif__catalog_arena(ctx->cat), sizeof *sp);
    if (sp == NULL) {
        ctx->r.status = AIF_ENOMEM;
        return;
    }
    memset(sp, 0, sizeof *sp);
    sp->p.id = id;
    sp->is_new = aif_catalog_package_find(ctx->cat, id) == NULL;
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        struct fy_node *v = it.value;
        pos kp = it.key_pos;
        char what[96];
        const field_spec *f = NULL;
        if (!aif__y_expect_scalar(&ctx->r, k, at, id)) {
            continue;
        }
        if (aif__y_scalar_is(k, "name") || aif__y_scalar_is(k, "vendor")) {
            const char **dst = aif__y_scalar_is(k, "name") ? &sp->p.name : &sp->p.vendor;
            if (aif__y_expect_scalar(&ctx->r, v, kp, id)) {
                *dst = aif__y_strdup(&ctx->r, v);
            }
        } else if (aif__y_scalar_is(k, "dense_tflops")) {
            parse_tflops(ctx, v, kp, id, &sp->p);
        } else if ((f = find_field(package_fields, COUNT_OF(package_fields), k)) != NULL) {
            snprintf(what, sizeof what, "%s.%s", id, f->key);
            parse_sourced(ctx, v, kp, what, f->rule, f->max,
                          (aif_sourced *)((char *)&sp->p + f->offset));
        } else {
            aif__y_unknown_key(&ctx->r, k, at, id, NULL, 0);
        }
    }
    if (sp->is_new) {
        if (sp->p.name == NULL) {
            aif__y_error(&ctx->r, at, "%s: missing required field 'name'", id);
        }
        check_required(ctx, id, at, package_fields, COUNT_OF(package_fields), &sp->p);
    }
    *ctx->staged->packages_tail = sp;
    ctx->staged->packages_tail = &sp->next;
    ctx->staged->new_packages += sp->is_new;
}

static void parse_system(parse_ctx *ctx, const char *id, struct fy_node *n, pos at) {
    if (!aif__y_expect_mapping(&ctx->r, n, at, id)) {
        return;
    }
    aif__staged_system *ss = aif_arena_alloc(aif__catalog_arena(ctx->cat), sizeof *ss);
    if (ss == NULL) {
        ctx->r.status = AIF_ENOMEM;
        return;
    }
    memset(ss, 0, sizeof *ss);
    ss->s.id = id;
    ss->is_new = aif_catalog_system_find(ctx->cat, id) == NULL;
    pos package_pos = at, extra_pos = at;
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        struct fy_node *v = it.value;
        pos kp = it.key_pos;
        char what[96];
        const field_spec *f = NULL;
        if (!aif__y_expect_scalar(&ctx->r, k, at, id)) {
            continue;
        }
        if (aif__y_scalar_is(k, "name")) {
            if (aif__y_expect_scalar(&ctx->r, v, kp, id)) {
                ss->s.name = aif__y_strdup(&ctx->r, v);
            }
        } else if (aif__y_scalar_is(k, "package") || aif__y_scalar_is(k, "extra_package")) {
            bool extra = aif__y_scalar_is(k, "extra_package");
            if (aif__y_expect_scalar(&ctx->r, v, kp, id)) {
                *(extra ? &ss->s.extra_package_id : &ss->s.package_id) = aif__y_strdup(&ctx->r, v);
                *(extra ? &extra_pos : &package_pos) = aif__y_pos(&ctx->r, v, kp);
            }
        } else if ((f = find_field(system_fields, COUNT_OF(system_fields), k)) != NULL) {
            snprintf(what, sizeof what, "%s.%s", id, f->key);
            parse_sourced(ctx, v, kp, what, f->rule, f->max,
                          (aif_sourced *)((char *)&ss->s + f->offset));
        } else {
            aif__y_unknown_key(&ctx->r, k, at, id, NULL, 0);
        }
    }
    if (ss->is_new) {
        if (ss->s.name == NULL) {
            aif__y_error(&ctx->r, at, "%s: missing required field 'name'", id);
        }
        if (ss->s.package_id == NULL) {
            aif__y_error(&ctx->r, at, "%s: missing required field 'package'", id);
        }
        check_required(ctx, id, at, system_fields, COUNT_OF(system_fields), &ss->s);
    }
    if ((ss->s.extra_package_id != NULL) != ss->s.extra_packages.present &&
        (ss->is_new || ss->s.extra_package_id != NULL)) {
        aif__y_error(&ctx->r, at, "%s: give both 'extra_package' and 'extra_packages', or neither",
                     id);
    }
    /* Remember where the references were so the cross-check can point at them. */
    ss->ref_line[0] = package_pos.line;
    ss->ref_col[0] = package_pos.col;
    ss->ref_line[1] = extra_pos.line;
    ss->ref_col[1] = extra_pos.col;
    *ctx->staged->systems_tail = ss;
    ctx->staged->systems_tail = &ss->next;
    ctx->staged->new_systems += ss->is_new;
}

/* packages: and systems: are mappings from id to entry. */
static void parse_entries(parse_ctx *ctx, struct fy_node *n, pos at, bool systems) {
    const char *section = systems ? "systems" : "packages";
    if (!aif__y_expect_mapping(&ctx->r, n, at, section)) {
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        if (!aif__y_expect_scalar(&ctx->r, k, at, section)) {
            continue;
        }
        pos kp = it.key_pos;
        size_t len = 0;
        const char *s = fy_node_get_scalar(k, &len);
        if (!aif__yaml_valid_id(s, len)) {
            aif__y_error(&ctx->r, kp,
                         "%s: invalid id '%.*s' (expected lower-case letters, digits, '-', "
                         "'_' or '.', starting with a letter or digit)",
                         section, (int)(len > 40 ? 40 : len), s);
            continue;
        }
        const char *id = aif__y_strdup(&ctx->r, k);
        if (id == NULL) {
            return;
        }
        if (systems) {
            parse_system(ctx, id, it.value, kp);
        } else {
            parse_package(ctx, id, it.value, kp);
        }
    }
}

static void parse_facility(parse_ctx *ctx, struct fy_node *n, pos at) {
    if (!aif__y_expect_mapping(&ctx->r, n, at, "facility")) {
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, n, at);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        if (!aif__y_expect_scalar(&ctx->r, k, at, "facility")) {
            continue;
        }
        pos kp = it.key_pos;
        const field_spec *f = find_field(facility_fields, COUNT_OF(facility_fields), k);
        if (f == NULL) {
            aif__y_unknown_key(&ctx->r, k, at, "facility", NULL, 0);
            continue;
        }
        char what[96];
        snprintf(what, sizeof what, "facility.%s", f->key);
        parse_sourced(ctx, it.value, kp, what, f->rule, f->max,
                      (aif_sourced *)((char *)&ctx->staged->facility + f->offset));
    }
}

static bool staged_package_exists(const parse_ctx *ctx, const char *id) {
    if (aif_catalog_package_find(ctx->cat, id)) {
        return true;
    }
    for (const aif__staged_package *p = ctx->staged->packages; p; p = p->next) {
        if (strcmp(p->p.id, id) == 0) {
            return true;
        }
    }
    return false;
}

/* Systems may name packages defined earlier, later in the same file, or in the catalog. */
static void check_references(parse_ctx *ctx) {
    for (const aif__staged_system *s = ctx->staged->systems; s; s = s->next) {
        const char *refs[2] = {s->s.package_id, s->s.extra_package_id};
        for (int i = 0; i < 2; i++) {
            if (refs[i] && !staged_package_exists(ctx, refs[i])) {
                const char *near[1] = {NULL};
                size_t nn = aif_catalog_suggest(ctx->cat, AIF_CATALOG_PACKAGE, refs[i], near, 1);
                aif__y_error(&ctx->r, (pos){NULL, s->ref_line[i], s->ref_col[i]},
                             "%s: unknown package '%s'%s%s%s", s->s.id, refs[i],
                             nn ? " (did you mean '" : "", nn ? near[0] : "", nn ? "'?)" : "");
            }
        }
    }
}

static void parse_root(parse_ctx *ctx, struct fy_node *root) {
    pos top = {NULL, 1, 1};
    if (root == NULL) {
        return; /* an empty file adds nothing */
    }
    if (!aif__y_expect_mapping(&ctx->r, root, top, "catalog")) {
        return;
    }
    aif__ypairs it = aif__y_pairs_begin(&ctx->r, root, top);
    while (aif__y_pairs_next(&it)) {
        struct fy_node *k = it.key;
        struct fy_node *v = it.value;
        if (!aif__y_expect_scalar(&ctx->r, k, top, "catalog")) {
            continue;
        }
        pos kp = it.key_pos;
        if (aif__y_scalar_is(k, "schema")) {
            if (aif__y_expect_scalar(&ctx->r, v, kp, "schema") && !aif__y_scalar_is(v, SCHEMA_ID)) {
                aif__y_error(&ctx->r, aif__y_pos(&ctx->r, v, kp), "schema: expected '%s'",
                             SCHEMA_ID);
            }
        } else if (aif__y_scalar_is(k, "packages")) {
            parse_entries(ctx, v, kp, false);
        } else if (aif__y_scalar_is(k, "systems")) {
            parse_entries(ctx, v, kp, true);
        } else if (aif__y_scalar_is(k, "facility")) {
            parse_facility(ctx, v, kp);
        } else {
            aif__y_unknown_key(&ctx->r, k, top,
                               "catalog (expected schema, packages, systems, facility)", NULL, 0);
        }
    }
    if (ctx->r.status == AIF_OK) {
        check_references(ctx);
    }
}

static void yaml_error(void *ctx, int line, int col, const char *message) {
    parse_ctx *c = ctx;
    aif_error_list_add(c->r.errors, c->r.file, (unsigned long)line, (unsigned long)col,
                       "malformed YAML: %s", message);
}

static aif_status parse_document(aif_catalog *cat, const char *file, const char *text, size_t len,
                                 aif__staged *staged) {
    parse_ctx ctx = {.r = {.errors = aif__catalog_error_list(cat),
                           .file = file,
                           .arena = aif__catalog_arena(cat),
                           .status = AIF_OK},
                     .cat = cat,
                     .staged = staged};
    aif__yaml y;
    aif_status st = aif__yaml_parse(text, len, &y, yaml_error, &ctx);
    if (st != AIF_OK || y.doc == NULL) {
        /* No document and no error is an empty catalog file, not a bad one. */
        aif__yaml_close(&y);
        return st;
    }
    parse_root(&ctx, fy_document_root(y.doc));
    aif__yaml_close(&y);
    if (ctx.r.status != AIF_OK) {
        return ctx.r.status;
    }
    return ctx.r.failed ? AIF_EPARSE : AIF_OK;
}

const char *aif_catalog_default_yaml(size_t *len) {
    if (len) {
        *len = aif__catalog_yaml_len;
    }
    return aif__catalog_yaml;
}

aif_status aif_catalog_merge_string(aif_catalog *cat, const char *name, const char *text,
                                    size_t len) {
    if (cat == NULL || name == NULL || text == NULL) {
        return AIF_EINVAL;
    }
    aif__catalog_begin(cat);
    const char *file = aif_arena_strdup(aif__catalog_arena(cat), name);
    if (file == NULL) {
        return AIF_ENOMEM;
    }
    aif__staged staged;
    memset(&staged, 0, sizeof staged);
    staged.packages_tail = &staged.packages;
    staged.systems_tail = &staged.systems;
    aif_status st = parse_document(cat, file, text, len, &staged);
    return st == AIF_OK ? aif__catalog_commit(cat, &staged) : st;
}

aif_status aif_catalog_load_default(aif_catalog *cat) {
    return aif_catalog_merge_string(cat, "<builtin>/catalog.yaml", aif__catalog_yaml,
                                    aif__catalog_yaml_len);
}

aif_status aif_catalog_merge_file(aif_catalog *cat, const char *path) {
    if (cat == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    aif__catalog_begin(cat);
    aif__text text;
    const char *op = NULL;
    int sys_errno = 0;
    aif_status st = aif__text_read(aif__catalog_allocator(cat), path, &text, &op, &sys_errno);
    if (st == AIF_EIO) {
        const char *file = aif_arena_strdup(aif__catalog_arena(cat), path);
        aif_error_list_add(aif__catalog_error_list(cat), file ? file : "", 0, 0,
                           "cannot %s catalog file: %s", op, strerror(sys_errno));
        return file ? AIF_EIO : AIF_ENOMEM;
    }
    if (st != AIF_OK) {
        return st;
    }
    st = aif_catalog_merge_string(cat, path, text.data, text.len);
    aif__text_free(aif__catalog_allocator(cat), &text);
    return st;
}
