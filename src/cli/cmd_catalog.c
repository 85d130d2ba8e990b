/* `aifactory catalog list|show ID`: prints the hardware catalog
 * (docs/catalog.md) as a table, or every field of one entry with its source and
 * confidence; --json prints one JSON object with a fixed key order. Also holds
 * the catalog loading shared with `plan`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/catalog.h"
#include "aifactory/catalog_read.h"
#include "cli_errors.h"
#include "args.h"
#include "cli.h"
#include "cli_catalog.h"
#include "json_out.h"

typedef struct catalog_args {
    cli_common common;
    cli_list catalogs;
} catalog_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "catalog",
     .value_name = "FILE",
     .help = "merge a catalog YAML file over the default (repeatable)",
     .set = cli_set_list,
     .offset = offsetof(catalog_args, catalogs)},
};

static const cli_verb_spec spec = {
    .name = "catalog",
    .usage = "(list | show ID) [options]",
    .description = "The hardware catalog: accelerator packages, systems and facility "
                   "defaults,\neach value with its source and confidence.\n",
    .examples = "aifactory catalog list\n"
                "aifactory catalog show gb200-nvl72\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 2,
};

int cli_catalog_open(const char *verb, const char *const *files, int file_count,
                     aif_catalog **out) {
    aif_catalog *cat = NULL;
    aif_status st = aif_catalog_create(NULL, &cat);
    if (st == AIF_OK) {
        st = aif_catalog_load_default(cat);
    }
    for (int i = 0; i < file_count && st == AIF_OK; i++) {
        st = aif_catalog_merge_file(cat, files[i]);
    }
    if (st == AIF_OK) {
        *out = cat;
        return CLI_EXIT_OK;
    }
    size_t n = cli_print_error_list(verb, aif_catalog_errors(cat));
    if (n == 0) {
        fprintf(stderr, "aifactory %s: cannot load the catalog: %s\n", verb, aif_strerror(st));
    }
    aif_catalog_destroy(cat);
    return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

static json_t *sourced_json(const aif_sourced *v) {
    json_t *o = json_object();
    if (v->text) {
        json_object_set_new(o, "date", json_string(v->text));
    } else {
        json_object_set_new(o, "value", json_real(v->value));
        if (v->has_range) {
            json_object_set_new(o, "low", json_real(v->low));
            json_object_set_new(o, "high", json_real(v->high));
        }
    }
    json_object_set_new(o, "confidence", json_sprintf("%c", v->confidence));
    json_object_set_new(o, "source", json_string(v->source));
    if (v->note) {
        json_object_set_new(o, "note", json_string(v->note));
    }
    return o;
}

typedef struct named_field {
    const char *key;
    const aif_sourced *v;
} named_field;

static size_t package_fields(const aif_package *p, named_field *f) {
    static const char *const tf[AIF_PREC_COUNT] = {"dense_tflops_bf16", "dense_tflops_fp8",
                                                   "dense_tflops_fp4"};
    size_t n = 0;
    f[n++] = (named_field){"dies", &p->dies};
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        f[n++] = (named_field){tf[k], &p->dense_tflops[k]};
    }
    f[n++] = (named_field){"hbm_gb", &p->hbm_gb};
    f[n++] = (named_field){"hbm_tbps", &p->hbm_tbps};
    f[n++] = (named_field){"tdp_w", &p->tdp_w};
    f[n++] = (named_field){"scaleup_gbps", &p->scaleup_gbps};
    f[n++] = (named_field){"available", &p->available};
    return n;
}

static size_t system_fields(const aif_system *s, named_field *f) {
    size_t n = 0;
    f[n++] = (named_field){"packages", &s->packages};
    f[n++] = (named_field){"extra_packages", &s->extra_packages};
    f[n++] = (named_field){"scaleup_domain", &s->scaleup_domain};
    f[n++] = (named_field){"it_power_kw", &s->it_power_kw};
    f[n++] = (named_field){"price_usd", &s->price_usd};
    return n;
}

static size_t facility_fields(const aif_facility *fa, named_field *f) {
    size_t n = 0;
    f[n++] = (named_field){"pue", &fa->pue};
    f[n++] = (named_field){"overhead_fraction", &fa->overhead_fraction};
    f[n++] = (named_field){"capex_usd_per_mw", &fa->capex_usd_per_mw};
    f[n++] = (named_field){"power_price_usd_per_mwh", &fa->power_price_usd_per_mwh};
    f[n++] = (named_field){"it_life_years", &fa->it_life_years};
    f[n++] = (named_field){"facility_life_years", &fa->facility_life_years};
    return n;
}

static double val(const aif_sourced *v) {
    return v->present ? v->value : 0;
}

/* The figure a list row is headed by: a package's dense bf16 TFLOPS (else its first
 * precision present), whose source is the one the row shows. */
static const aif_sourced *package_headline(const aif_package *p) {
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        if (p->dense_tflops[k].present) {
            return &p->dense_tflops[k];
        }
    }
    return &p->hbm_gb;
}

/* A source cut to fit one terminal line: the scheme and "www." dropped, at most 48
 * characters, "..." where cut (`catalog show ID` prints each source whole). */
static void short_source(const char *src, char *buf, size_t size) {
    if (src == NULL) {
        snprintf(buf, size, "-");
        return;
    }
    const char *s = src;
    for (const char *const *pre = (const char *const[]){"https://", "http://", NULL}; *pre; pre++) {
        if (strncmp(s, *pre, strlen(*pre)) == 0) {
            s += strlen(*pre);
        }
    }
    if (strncmp(s, "www.", 4) == 0) {
        s += 4;
    }
    enum { SHOWN = 48 };
    if (strlen(s) > SHOWN) {
        snprintf(buf, size, "%.*s...", SHOWN - 3, s);
    } else {
        snprintf(buf, size, "%s", s);
    }
}

static void list_row(const char *id, const char *kind, const char *specs, const aif_sourced *v) {
    char src[64];
    short_source(v->present ? v->source : NULL, src, sizeof src);
    printf("%-14s %-8s %-52s %s", id, kind, specs, src);
    if (v->present) {
        printf(" [%c]", v->confidence);
    }
    printf("\n");
}

/* A list entry's "source" and "confidence": those of the figure its row is headed by. */
static void set_headline_source(json_t *o, const aif_sourced *v) {
    json_object_set_new(o, "source",
                        v->present && v->source ? json_string(v->source) : json_null());
    json_object_set_new(o, "confidence",
                        v->present ? json_sprintf("%c", v->confidence) : json_null());
}

static int do_list(const aif_catalog *cat, bool json, bool quiet) {
    if (json) {
        json_t *root = json_object();
        json_t *pk = json_array(), *sy = json_array();
        for (size_t i = 0; i < aif_catalog_package_count(cat); i++) {
            const aif_package *p = aif_catalog_package_at(cat, i);
            json_t *o = json_object();
            json_object_set_new(o, "id", json_string(p->id));
            json_object_set_new(o, "name", json_string(p->name));
            json_object_set_new(o, "dies", json_real(val(&p->dies)));
            for (int k = 0; k < AIF_PREC_COUNT; k++) {
                char key[32];
                snprintf(key, sizeof key, "dense_tflops_%s", aif_precision_name(k));
                json_object_set_new(o, key,
                                    p->dense_tflops[k].present ? json_real(p->dense_tflops[k].value)
                                                               : json_null());
            }
            json_object_set_new(o, "hbm_gb", json_real(val(&p->hbm_gb)));
            json_object_set_new(o, "tdp_w",
                                p->tdp_w.present ? json_real(p->tdp_w.value) : json_null());
            set_headline_source(o, package_headline(p));
            json_array_append_new(pk, o);
        }
        for (size_t i = 0; i < aif_catalog_system_count(cat); i++) {
            const aif_system *s = aif_catalog_system_at(cat, i);
            json_t *o = json_object();
            json_object_set_new(o, "id", json_string(s->id));
            json_object_set_new(o, "name", json_string(s->name));
            json_object_set_new(o, "package", json_string(s->package_id));
            json_object_set_new(o, "packages", json_real(val(&s->packages)));
            json_object_set_new(o, "it_power_kw", json_real(val(&s->it_power_kw)));
            json_object_set_new(o, "price_usd", json_real(val(&s->price_usd)));
            set_headline_source(o, &s->price_usd);
            json_array_append_new(sy, o);
        }
        json_object_set_new(root, "packages", pk);
        json_object_set_new(root, "systems", sy);
        json_t *fields = json_object();
        named_field f[16];
        size_t n = facility_fields(aif_catalog_facility(cat), f);
        for (size_t i = 0; i < n; i++) {
            if (f[i].v->present) {
                json_object_set_new(fields, f[i].key, sourced_json(f[i].v));
            }
        }
        json_object_set_new(root, "facility", fields);
        return cli_json_print("catalog", root,
                              JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    }
    if (quiet) {
        return CLI_EXIT_OK;
    }
    printf("%-14s %-8s %-52s %s\n", "id", "kind", "key specs (dense TFLOPS bf16/fp8/fp4)",
           "source of the headline figure [confidence]");
    for (size_t i = 0; i < aif_catalog_package_count(cat); i++) {
        const aif_package *p = aif_catalog_package_at(cat, i);
        char tf[3][16], specs[96];
        for (int k = 0; k < AIF_PREC_COUNT; k++) {
            if (p->dense_tflops[k].present) {
                snprintf(tf[k], sizeof tf[k], "%.0f", p->dense_tflops[k].value);
            } else {
                snprintf(tf[k], sizeof tf[k], "-");
            }
        }
        int w = snprintf(specs, sizeof specs, "%.0f die(s), %s/%s/%s TFLOPS, %.0f GB HBM",
                         val(&p->dies), tf[0], tf[1], tf[2], val(&p->hbm_gb));
        if (p->tdp_w.present && w > 0 && (size_t)w < sizeof specs) {
            snprintf(specs + w, sizeof specs - (size_t)w, ", %.0f W", p->tdp_w.value);
        }
        list_row(p->id, "package", specs, package_headline(p));
    }
    for (size_t i = 0; i < aif_catalog_system_count(cat); i++) {
        const aif_system *s = aif_catalog_system_at(cat, i);
        char specs[96];
        snprintf(specs, sizeof specs, "%.0f x %s, %g kW, $%.0f", val(&s->packages), s->package_id,
                 val(&s->it_power_kw), val(&s->price_usd));
        list_row(s->id, "system", specs, &s->price_usd);
    }
    const aif_facility *fa = aif_catalog_facility(cat);
    char specs[96];
    snprintf(specs, sizeof specs, "PUE %g, non-rack IT %g %%, $%g M/MW, $%g/MWh", val(&fa->pue),
             100 * val(&fa->overhead_fraction), val(&fa->capex_usd_per_mw) / 1e6,
             val(&fa->power_price_usd_per_mwh));
    list_row("facility", "facility", specs, &fa->capex_usd_per_mw);
    return CLI_EXIT_OK;
}

/* One catalog entry to show: what it is and its sourced fields. */
typedef struct entry {
    const char *id, *kind, *name;
    const aif_package *p; /* or NULL */
    const aif_system *s;  /* or NULL */
    named_field f[16];
    size_t n;
} entry;

/* Find `id` among packages, systems and "facility"; an unknown id is a usage error that
 * suggests the nearest ids. */
static int find_entry(const aif_catalog *cat, const char *id, entry *e) {
    *e = (entry){
        .id = id, .p = aif_catalog_package_find(cat, id), .s = aif_catalog_system_find(cat, id)};
    if (e->p) {
        e->kind = "package";
        e->name = e->p->name;
        e->n = package_fields(e->p, e->f);
    } else if (e->s) {
        e->kind = "system";
        e->name = e->s->name;
        e->n = system_fields(e->s, e->f);
    } else if (strcmp(id, "facility") == 0) {
        e->kind = "facility";
        e->name = "facility defaults";
        e->n = facility_fields(aif_catalog_facility(cat), e->f);
    } else {
        const char *near[3];
        size_t k = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, id, near, 3);
        if (k == 0) {
            k = aif_catalog_suggest(cat, AIF_CATALOG_PACKAGE, id, near, 3);
        }
        char hint[320];
        return cli_usage_error(&spec, "unknown id '%.80s'%s; see 'aifactory catalog list'", id,
                               aif_suggest_text(hint, sizeof hint, near, k));
    }
    return CLI_EXIT_OK;
}

static int show_json(const entry *e) {
    json_t *root = json_object();
    json_object_set_new(root, "id", json_string(e->id));
    json_object_set_new(root, "kind", json_string(e->kind));
    json_object_set_new(root, "name", json_string(e->name));
    if (e->p && e->p->vendor) {
        json_object_set_new(root, "vendor", json_string(e->p->vendor));
    }
    if (e->s) {
        json_object_set_new(root, "package", json_string(e->s->package_id));
        if (e->s->extra_package_id) {
            json_object_set_new(root, "extra_package", json_string(e->s->extra_package_id));
        }
    }
    json_t *fields = json_object();
    for (size_t i = 0; i < e->n; i++) {
        if (e->f[i].v->present) {
            json_object_set_new(fields, e->f[i].key, sourced_json(e->f[i].v));
        }
    }
    json_object_set_new(root, "fields", fields);
    return cli_json_print("catalog", root,
                          JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(10));
}

static void show_field(const named_field *f) {
    const aif_sourced *v = f->v;
    if (v->text) {
        printf("  %-22s %-24s", f->key, v->text);
    } else if (v->has_range) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.10g (%.10g-%.10g)", v->value, v->low, v->high);
        printf("  %-22s %-24s", f->key, buf);
    } else {
        printf("  %-22s %-24.10g", f->key, v->value);
    }
    printf(" [%c] %s", v->confidence, v->source);
    if (v->note) {
        printf(" (%s)", v->note);
    }
    printf("\n");
}

static void show_text(const entry *e) {
    printf("%s (%s): %s\n", e->id, e->kind, e->name);
    if (e->s) {
        printf("  %-22s %s\n", "package", e->s->package_id);
        if (e->s->extra_package_id) {
            printf("  %-22s %s\n", "extra_package", e->s->extra_package_id);
        }
    }
    for (size_t i = 0; i < e->n; i++) {
        if (e->f[i].v->present) {
            show_field(&e->f[i]);
        }
    }
}

static int do_show(const aif_catalog *cat, const char *id, bool json, bool quiet) {
    entry e;
    int rc = find_entry(cat, id, &e);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (json) {
        return show_json(&e);
    }
    if (!quiet) { /* with --quiet, that the id was found is the whole answer */
        show_text(&e);
    }
    return CLI_EXIT_OK;
}

int cmd_catalog(int argc, char **argv) {
    catalog_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    int npos = a.common.positional_count;
    const char *const *positional = a.common.positional;
    bool list = npos == 1 && strcmp(positional[0], "list") == 0;
    bool show = npos == 2 && strcmp(positional[0], "show") == 0;
    if (!list && !show) {
        if (npos >= 1 && strcmp(positional[0], "show") == 0) {
            return cli_usage_error(&spec, "'show' needs an ID");
        }
        return cli_usage_error(&spec, "expected 'list' or 'show ID'");
    }
    aif_catalog *cat = NULL;
    rc = cli_catalog_open("catalog", a.catalogs.items, a.catalogs.count, &cat);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    rc = list ? do_list(cat, a.common.json, a.common.quiet)
              : do_show(cat, positional[1], a.common.json, a.common.quiet);
    aif_catalog_destroy(cat);
    return rc;
}
