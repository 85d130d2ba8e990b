/* The scenario object: creation, `--set` overrides, loading from a string, a file or the
 * embedded default (parse with libfyaml, apply the overrides to the tree, bind), the
 * collected errors in document order, and read-only accessors for the engine. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "textcheck.h"
#include "textfile.h"
#include "yaml.h"

aif_status aif_scenario_create(const aif_allocator *a, aif_scenario **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_scenario *s = aif_calloc(a, 1, sizeof *s);
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

void aif_scenario_destroy(aif_scenario *s) {
    if (s == NULL) {
        return;
    }
    aif_catalog_destroy(s->own_catalog);
    aif_free(s->alloc, s->overrides, s->override_cap * sizeof *s->overrides);
    aif_arena_destroy(s->arena);
    aif_free(s->alloc, s, sizeof *s);
}

aif_status aif_scenario_set(aif_scenario *s, const char *assignment) {
    if (s == NULL || assignment == NULL) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment || eq[-1] == '.' || assignment[0] == '.') {
        return AIF_EINVAL;
    }
    /* Only the key is a dotted path; the value after '=' is any text ("see ../x"). */
    for (const char *p = assignment; p < eq; p++) {
        if (*p == ' ' || *p == '\t' || (p[0] == '.' && p[1] == '.')) {
            return AIF_EINVAL;
        }
    }
    if (s->override_count == s->override_cap) {
        size_t cap = s->override_cap ? s->override_cap * 2 : 8;
        scn_override *grown = aif_realloc(s->alloc, s->overrides, s->override_cap * sizeof *grown,
                                          cap * sizeof *grown);
        if (grown == NULL) {
            return AIF_ENOMEM;
        }
        s->overrides = grown;
        s->override_cap = cap;
    }
    const char *copy = aif_arena_strdup(s->arena, assignment);
    if (copy == NULL) {
        return AIF_ENOMEM;
    }
    s->overrides[s->override_count++] = (scn_override){copy, (size_t)(eq - assignment)};
    return AIF_OK;
}

aif_status aif_scenario_use_catalog(aif_scenario *s, const aif_catalog *base) {
    if (s == NULL || base == NULL) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    s->base_catalog = base;
    return AIF_OK;
}

/* Errors in document order: overrides first, then by line and column. Insertion sort keeps
 * equal positions in the order they were found, and the list is short. */
static void sort_errors(aif_scenario *s) {
    aif_error *items = s->errors.items;
    size_t n = s->errors.count < AIF_ERROR_LIST_MAX ? s->errors.count : AIF_ERROR_LIST_MAX;
    for (size_t i = 1; i < n; i++) {
        aif_error e = items[i];
        bool eset = strcmp(e.file, "--set") == 0;
        size_t j = i;
        while (j > 0) {
            const aif_error *p = &items[j - 1];
            bool pset = strcmp(p->file, "--set") == 0;
            bool after =
                (pset && !eset) ||
                (pset == eset && (p->line > e.line || (p->line == e.line && p->col > e.col)));
            if (!after) {
                break;
            }
            items[j] = items[j - 1];
            j--;
        }
        items[j] = e;
    }
}

typedef struct yaml_error_ctx {
    aif_scenario *s;
    const char *file;
} yaml_error_ctx;

static void yaml_error(void *ctx, int line, int col, const char *message) {
    yaml_error_ctx *c = ctx;
    aif_error_list_add(&c->s->errors, c->file, (unsigned long)line, (unsigned long)col,
                       "malformed YAML: %s", message);
}

static aif_status load(aif_scenario *s, const char *name, const char *text, size_t len) {
    s->loaded = true;
    s->errors.count = 0;
    const char *file = aif_arena_strdup(s->arena, name);
    const char *slash = file ? strrchr(file, '/') : NULL;
    const char *dir =
        file ? aif_arena_strndup(s->arena, file, slash ? (size_t)(slash - file) + 1 : 0) : NULL;
    /* Each override places at most one new key per path component plus its value. */
    size_t slots = 1;
    for (size_t i = 0; i < s->override_count; i++) {
        for (size_t k = 0; k < s->overrides[i].eq; k++) {
            slots += s->overrides[i].text[k] == '.';
        }
        slots += 2;
    }
    scn_placed *placed = aif_arena_alloc(s->arena, slots * sizeof *placed);
    if (file == NULL || dir == NULL || placed == NULL) {
        return AIF_ENOMEM;
    }
    /* Override values become scalars without passing the YAML parser, yet they are echoed in
     * messages and outputs: they must be text under the same rule as the file. */
    bool bad_set = false;
    for (size_t i = 0; i < s->override_count; i++) {
        const char *t = s->overrides[i].text;
        aif__text_fault fault;
        if (!aif__text_check(t, strlen(t), &fault)) {
            char msg[64];
            aif_error_list_add(&s->errors, "--set", (unsigned long)i + 1, fault.col, "%s",
                               aif__text_fault_message(&fault, msg, sizeof msg));
            bad_set = true;
        }
    }
    if (bad_set) {
        return AIF_EPARSE;
    }
    aif__yaml y;
    aif_status parsed = aif__yaml_parse(text, len, &y, yaml_error, &(yaml_error_ctx){s, file});
    if (parsed == AIF_ENOMEM) {
        aif__yaml_close(&y);
        return AIF_ENOMEM;
    }
    if (y.doc == NULL) {
        if (s->errors.count == 0) {
            aif_error_list_add(&s->errors, file, 1, 1, "empty scenario (expected 'aifactory: 1')");
        }
        aif__yaml_close(&y);
        return AIF_EPARSE;
    }
    struct fy_document *doc = y.doc;
    scn_ctx c = {
        .s = s, .file = file, .dir = dir, .text = text, .len = len, .doc = doc, .placed = placed};
    aif__scn_reader_init(&c);
    aif__scn_apply_overrides(&c);
    if (c.r.status == AIF_OK) {
        aif__scn_bind(&c, fy_document_root(doc));
    }
    aif__yaml_close(&y);
    sort_errors(s);
    if (c.r.status != AIF_OK) {
        return c.r.status;
    }
    if (c.r.failed || s->errors.count > 0) {
        return AIF_EPARSE;
    }
    s->ok = true;
    return AIF_OK;
}

aif_status aif_scenario_load_string(aif_scenario *s, const char *name, const char *text,
                                    size_t len) {
    if (s == NULL || name == NULL || text == NULL) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    return load(s, name, text, len);
}

aif_status aif_scenario_load_file(aif_scenario *s, const char *path) {
    if (s == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    aif__text text;
    const char *op = NULL;
    int sys_errno = 0;
    aif_status st = aif__text_read(s->alloc, path, &text, &op, &sys_errno);
    if (st == AIF_EIO) {
        s->loaded = true;
        const char *file = aif_arena_strdup(s->arena, path);
        if (file == NULL) {
            return AIF_ENOMEM;
        }
        aif_error_list_add(&s->errors, file, 0, 0, "cannot %s scenario file: %s", op,
                           strerror(sys_errno));
        return AIF_EIO;
    }
    if (st != AIF_OK) {
        return st;
    }
    st = load(s, path, text.data, text.len);
    aif__text_free(s->alloc, &text);
    return st;
}

const char *aif_scenario_default_yaml(size_t *len) {
    if (len) {
        *len = aif__scenario_default_yaml_len;
    }
    return aif__scenario_default_yaml;
}

const char *aif_scenario_default_name(void) {
    return "openai-nvidia-10gw";
}

aif_status aif_scenario_load_default(aif_scenario *s) {
    if (s == NULL) {
        return AIF_EINVAL;
    }
    if (s->loaded) {
        return AIF_ESTATE;
    }
    return load(s, "openai-nvidia-10gw.yaml", aif__scenario_default_yaml,
                aif__scenario_default_yaml_len);
}

const aif_error_list *aif_scenario_errors(const aif_scenario *s) {
    return s ? &s->errors : NULL;
}

#define LOADED(s) ((s) != NULL && (s)->ok)

const char *aif_scenario_name(const aif_scenario *s) {
    return LOADED(s) ? s->name : NULL;
}
const char *aif_scenario_description(const aif_scenario *s) {
    return LOADED(s) ? s->description : NULL;
}
const aif_catalog *aif_scenario_catalog(const aif_scenario *s) {
    return LOADED(s) ? s->catalog : NULL;
}
const aif_scenario_simulation *aif_scenario_simulation_get(const aif_scenario *s) {
    return LOADED(s) ? &s->sim : NULL;
}
size_t aif_scenario_provider_count(const aif_scenario *s) {
    return LOADED(s) ? s->provider_count : 0;
}
const aif_scenario_provider *aif_scenario_provider_at(const aif_scenario *s, size_t i) {
    return LOADED(s) && i < s->provider_count ? &s->providers[i] : NULL;
}
size_t aif_scenario_site_count(const aif_scenario *s) {
    return LOADED(s) ? s->site_count : 0;
}
const aif_scenario_site *aif_scenario_site_at(const aif_scenario *s, size_t i) {
    return LOADED(s) && i < s->site_count ? &s->sites[i] : NULL;
}
const aif_scenario_contracts *aif_scenario_contracts_get(const aif_scenario *s) {
    return LOADED(s) ? &s->contracts : NULL;
}
const aif_scenario_investments *aif_scenario_investments_get(const aif_scenario *s) {
    return LOADED(s) ? &s->investments : NULL;
}
const aif_scenario_inference *aif_scenario_inference_get(const aif_scenario *s) {
    return LOADED(s) ? &s->inference : NULL;
}
const aif_scenario_training *aif_scenario_training_get(const aif_scenario *s) {
    return LOADED(s) ? &s->training : NULL;
}
const aif_scenario_failures *aif_scenario_failures_get(const aif_scenario *s) {
    return LOADED(s) ? &s->failures : NULL;
}
const aif_scenario_economics *aif_scenario_economics_get(const aif_scenario *s) {
    return LOADED(s) ? &s->economics : NULL;
}

size_t aif_scenario_provider_find(const aif_scenario *s, const char *id) {
    for (size_t i = 0; LOADED(s) && id && i < s->provider_count; i++) {
        if (strcmp(s->providers[i].id, id) == 0) {
            return i;
        }
    }
    return AIF_SCENARIO_NONE;
}

size_t aif_scenario_site_find(const aif_scenario *s, const char *id) {
    for (size_t i = 0; LOADED(s) && id && i < s->site_count; i++) {
        if (strcmp(s->sites[i].id, id) == 0) {
            return i;
        }
    }
    return AIF_SCENARIO_NONE;
}

double aif_scenario_wau_at(const aif_scenario *s, aif_time t) {
    if (!LOADED(s) || !s->inference.present) {
        return 0;
    }
    const aif_scenario_inference *in = &s->inference;
    /* Differences in double: t may be any aif_time (AIF_TIME_MIN included), and an int64
     * difference of two far-apart times overflows. */
    if (in->wau_model == AIF_WAU_LOGISTIC) {
        double years = ((double)t - (double)in->logistic_midpoint_at) / (double)AIF_NS_PER_YEAR;
        return in->logistic_cap_users / (1 + exp(-in->logistic_rate_per_year * years));
    }
    const aif_scenario_point *p = in->wau_points;
    size_t n = in->wau_point_count;
    if (t <= p[0].at) {
        return p[0].value;
    }
    if (t >= p[n - 1].at) {
        return p[n - 1].value;
    }
    size_t lo = 0, hi = n - 1; /* p[lo].at < t < p[hi].at */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].at <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    double f = ((double)t - (double)p[lo].at) / ((double)p[hi].at - (double)p[lo].at);
    return p[lo].value + f * (p[hi].value - p[lo].value);
}
