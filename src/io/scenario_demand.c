/* The scenario sections that describe load and risk: inference demand (weekly users,
 * daily actives, prompts, model classes, diurnal and weekly profiles, API tokens), training
 * demand (frontier runs and a research job population), failures and economics. Defaults
 * that docs/scenario.md promises are filled here; profile weights are normalized to mean 1
 * so that they shape demand without changing its daily total. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static size_t seq_len(scn_ctx *c, struct fy_node *n, scn_pos at, const char *where) {
    if (n == NULL || fy_node_get_type(n) != FYNT_SEQUENCE) {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: expected a sequence", where);
        return 0;
    }
    int k = fy_node_sequence_item_count(n);
    return k > 0 ? (size_t)k : 0;
}

/* A profile of exactly `n` non-negative weights, not all zero, normalized to mean 1. */
static void read_profile(scn_ctx *c, struct fy_node *m, const char *key, scn_pos at, double *out,
                         size_t n) {
    for (size_t i = 0; i < n; i++) {
        out[i] = 1.0;
    }
    struct fy_node *seq = aif__scn_get(m, key);
    if (seq == NULL) {
        return;
    }
    char where[128];
    snprintf(where, sizeof where, "demand.inference.%s", key);
    scn_pos p = aif__scn_key_pos(c, m, key, at);
    size_t k = seq_len(c, seq, p, where);
    if (k != n) {
        if (fy_node_get_type(seq) == FYNT_SEQUENCE) {
            aif__scn_error(c, p, "%s: expected %zu weights, found %zu", where, n, k);
        }
        return;
    }
    double sum = 0, w[24];
    for (size_t i = 0; i < n; i++) {
        struct fy_node *item = fy_node_sequence_get_by_index(seq, (int)i);
        char buf[64], *end = NULL;
        w[i] = 0;
        if (!aif__scn_scalar_text(c, item, p, where, buf, sizeof buf)) {
            return;
        }
        w[i] = strtod(buf, &end);
        if (end == buf || *end != '\0' || !isfinite(w[i]) || w[i] < 0) {
            aif__scn_error(c, aif__scn_pos(c, item, p),
                           "%s.%zu: expected a weight >= 0, found '%s'", where, i, buf);
            return;
        }
        sum += w[i];
    }
    if (!(sum > 0)) {
        aif__scn_error(c, p, "%s: the weights are all zero", where);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = w[i] * (double)n / sum;
    }
}

static void bind_wau(scn_ctx *c, struct fy_node *n, scn_pos at, aif_scenario_inference *in) {
    static const char *const keys[] = {"points", "logistic"};
    static const char *const pkeys[] = {"date", "users"};
    static const char *const lkeys[] = {"cap", "midpoint", "rate_per_year"};
    const char *where = "demand.inference.wau";
    if (!aif__scn_check_keys(c, n, at, where, keys, COUNT_OF(keys))) {
        return;
    }
    struct fy_node *pts = aif__scn_get(n, "points");
    struct fy_node *log = aif__scn_get(n, "logistic");
    if ((pts == NULL) == (log == NULL)) {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: give exactly one of 'points', 'logistic'",
                       where);
        return;
    }
    if (log) {
        scn_pos lp = aif__scn_key_pos(c, n, "logistic", at);
        in->wau_model = AIF_WAU_LOGISTIC;
        if (aif__scn_check_keys(c, log, lp, "demand.inference.wau.logistic", lkeys, 3)) {
            aif__scn_qty(c, log, "cap", lp, "demand.inference.wau.logistic", true, AIF_QTY_COUNT, 1,
                         &in->logistic_cap_users);
            aif__scn_date(c, log, "midpoint", lp, "demand.inference.wau.logistic", true,
                          &in->logistic_midpoint_at);
            aif__scn_num(c, log, "rate_per_year", lp, "demand.inference.wau.logistic", true, 1e-6,
                         100, &in->logistic_rate_per_year);
        }
        return;
    }
    scn_pos pp = aif__scn_key_pos(c, n, "points", at);
    size_t k = seq_len(c, pts, pp, "demand.inference.wau.points");
    if (k == 0) {
        if (fy_node_get_type(pts) == FYNT_SEQUENCE) {
            aif__scn_error(c, pp, "demand.inference.wau.points: expected at least one point");
        }
        return;
    }
    aif_scenario_point *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < k; i++) {
        struct fy_node *m = fy_node_sequence_get_by_index(pts, (int)i);
        char w[128];
        snprintf(w, sizeof w, "demand.inference.wau.points.%zu", i);
        if (!aif__scn_check_keys(c, m, pp, w, pkeys, 2)) {
            continue;
        }
        aif__scn_date(c, m, "date", pp, w, true, &v[i].at);
        aif__scn_qty(c, m, "users", pp, w, true, AIF_QTY_COUNT, 0, &v[i].value);
        if (i > 0 && v[i].at <= v[i - 1].at) {
            aif__scn_error(c, aif__scn_key_pos(c, m, "date", pp),
                           "%s.date: expected dates in increasing order", w);
        }
    }
    aif__scn_sort_by_time(c, v, k, sizeof *v, offsetof(aif_scenario_point, at));
    in->wau_points = v;
    in->wau_point_count = k;
}

static void bind_classes(scn_ctx *c, struct fy_node *n, scn_pos at, aif_scenario_inference *in) {
    static const char *const keys[] = {"name",          "model",   "share",    "input_tokens",
                                       "output_tokens", "latency", "precision"};
    static const char *const lat[] = {"server", "interactive", "offline"};
    static const char *const prec[] = {"bf16", "fp8", "fp4"};
    size_t k = seq_len(c, n, at, "demand.inference.classes");
    aif_scenario_model_class *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL) {
        return;
    }
    double total = 0;
    bool all_ok = k > 0;
    for (size_t i = 0; i < k && c->status == AIF_OK; i++) {
        struct fy_node *m = fy_node_sequence_get_by_index(n, (int)i);
        char w[128];
        snprintf(w, sizeof w, "demand.inference.classes.%zu", i);
        if (!aif__scn_check_keys(c, m, at, w, keys, COUNT_OF(keys))) {
            all_ok = false;
            continue;
        }
        aif__scn_str(c, m, "name", at, w, true, &v[i].name);
        if (aif__scn_str(c, m, "model", at, w, true, &v[i].model_id)) {
            v[i].model = aif_model_find(v[i].model_id);
            if (v[i].model == NULL) {
                const char *ids[64];
                int nm = aif_model_count() < 64 ? aif_model_count() : 64;
                for (int j = 0; j < nm; j++) {
                    ids[j] = aif_model_at(j)->id;
                }
                const char *near = aif__scn_nearest(v[i].model_id, ids, (size_t)nm);
                aif__scn_error(c, aif__scn_key_pos(c, m, "model", at),
                               "%s.model: unknown model '%s'%s%s%s", w, v[i].model_id,
                               near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            }
        }
        all_ok = aif__scn_num(c, m, "share", at, w, true, 0, 1, &v[i].share) && all_ok;
        total += v[i].share;
        aif__scn_qty(c, m, "input_tokens", at, w, true, AIF_QTY_TOKENS, 0, &v[i].input_tokens);
        aif__scn_qty(c, m, "output_tokens", at, w, true, AIF_QTY_TOKENS, 1, &v[i].output_tokens);
        int l = AIF_LATENCY_SERVER, p = AIF_PREC_FP8;
        aif__scn_enum(c, m, "latency", at, w, false, lat, COUNT_OF(lat), &l);
        aif__scn_enum(c, m, "precision", at, w, false, prec, COUNT_OF(prec), &p);
        v[i].latency = (aif_latency_class)l;
        v[i].precision = (aif_precision)p;
    }
    if (all_ok && fabs(total - 1.0) > 1e-6) {
        aif__scn_error(c, at, "demand.inference.classes: shares sum to %g, expected 1", total);
    }
    in->classes = v;
    in->class_count = k;
}

static void bind_api(scn_ctx *c, struct fy_node *n, scn_pos at, aif_scenario_inference *in) {
    static const char *const keys[] = {"tokens_per_min", "date", "growth_per_year", "class"};
    const char *w = "demand.inference.api";
    if (!aif__scn_check_keys(c, n, at, w, keys, COUNT_OF(keys))) {
        return;
    }
    double per_min = 0;
    if (aif__scn_qty(c, n, "tokens_per_min", at, w, true, AIF_QTY_TOKENS, 0, &per_min)) {
        in->api_tokens_per_s = per_min / 60.0;
    }
    aif__scn_date(c, n, "date", at, w, true, &in->api_at);
    aif__scn_num(c, n, "growth_per_year", at, w, false, 1e-3, 1e3, &in->api_growth_per_year);
    const char *cls = NULL;
    if (aif__scn_str(c, n, "class", at, w, true, &cls)) {
        for (size_t i = 0; i < in->class_count; i++) {
            if (in->classes[i].name && strcmp(in->classes[i].name, cls) == 0) {
                in->api_class = i;
            }
        }
        if (in->api_class == AIF_SCENARIO_NONE) {
            aif__scn_error(c, aif__scn_key_pos(c, n, "class", at),
                           "%s.class: unknown model class '%s'", w, cls);
        }
    }
}

static void bind_inference(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {
        "wau", "dau_per_wau", "prompts_per_dau", "classes", "diurnal", "weekly", "api"};
    aif_scenario_inference *in = &c->s->inference;
    const char *w = "demand.inference";
    in->api_class = AIF_SCENARIO_NONE;
    in->api_growth_per_year = 1;
    in->dau_per_wau = 0.4;
    for (int h = 0; h < 24; h++) {
        in->diurnal[h] = 1;
    }
    for (int d = 0; d < 7; d++) {
        in->weekly[d] = 1;
    }
    if (n == NULL || !aif__scn_check_keys(c, n, at, w, keys, COUNT_OF(keys))) {
        return;
    }
    in->present = true;
    struct fy_node *x;
    if ((x = aif__scn_get(n, "wau")) != NULL) {
        bind_wau(c, x, aif__scn_key_pos(c, n, "wau", at), in);
    } else {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: missing required key 'wau'", w);
    }
    aif__scn_num(c, n, "dau_per_wau", at, w, false, 1e-6, 1, &in->dau_per_wau);
    aif__scn_num(c, n, "prompts_per_dau", at, w, true, 1e-6, 1e6, &in->prompts_per_dau);
    if ((x = aif__scn_get(n, "classes")) != NULL) {
        bind_classes(c, x, aif__scn_key_pos(c, n, "classes", at), in);
    } else {
        aif__scn_error(c, aif__scn_pos(c, n, at), "%s: missing required key 'classes'", w);
    }
    read_profile(c, n, "diurnal", at, in->diurnal, 24);
    read_profile(c, n, "weekly", at, in->weekly, 7);
    if ((x = aif__scn_get(n, "api")) != NULL && c->status == AIF_OK) {
        bind_api(c, x, aif__scn_key_pos(c, n, "api", at), in);
    }
}

static void bind_runs(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "model",          "tokens",   "compute", "precision",
                                       "gpus", "earliest_start", "deadline", "site"};
    static const char *const prec[] = {"bf16", "fp8", "fp4"};
    size_t k = seq_len(c, n, at, "demand.training.frontier_runs");
    aif_scenario_frontier_run *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < k && c->status == AIF_OK; i++) {
        struct fy_node *m = fy_node_sequence_get_by_index(n, (int)i);
        char w[128];
        snprintf(w, sizeof w, "demand.training.frontier_runs.%zu", i);
        v[i].deadline_at = AIF_TIME_MAX;
        v[i].site = AIF_SCENARIO_NONE;
        if (!aif__scn_check_keys(c, m, at, w, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__scn_str(c, m, "name", at, w, true, &v[i].name);
        bool has_model = aif__scn_str(c, m, "model", at, w, false, &v[i].model_id);
        if (has_model && (v[i].model = aif_model_find(v[i].model_id)) == NULL) {
            aif__scn_error(c, aif__scn_key_pos(c, m, "model", at), "%s.model: unknown model '%s'",
                           w, v[i].model_id);
        }
        bool has_tokens =
            aif__scn_qty(c, m, "tokens", at, w, false, AIF_QTY_TOKENS, 1, &v[i].tokens);
        bool has_compute =
            aif__scn_qty(c, m, "compute", at, w, false, AIF_QTY_FLOP, 1, &v[i].compute_flop);
        if (!has_compute && v[i].model && has_tokens) {
            /* The first-cut training cost: 6 FLOP per active parameter per token. */
            v[i].compute_flop = 6.0 * v[i].model->params_active * v[i].tokens;
        } else if (!has_compute && aif__scn_get(m, "compute") == NULL &&
                   !(has_model && has_tokens)) {
            aif__scn_error(c, aif__scn_pos(c, m, at), "%s: give 'compute', or 'model' and 'tokens'",
                           w);
        }
        int p = AIF_PREC_BF16;
        aif__scn_enum(c, m, "precision", at, w, false, prec, COUNT_OF(prec), &p);
        v[i].precision = (aif_precision)p;
        aif__scn_qty(c, m, "gpus", at, w, true, AIF_QTY_COUNT, 1, &v[i].gpus);
        aif__scn_date(c, m, "earliest_start", at, w, false, &v[i].earliest_start_at);
        if (aif__scn_date(c, m, "deadline", at, w, false, &v[i].deadline_at) &&
            v[i].deadline_at <= v[i].earliest_start_at) {
            aif__scn_error(c, aif__scn_key_pos(c, m, "deadline", at),
                           "%s.deadline: expected a date after earliest_start", w);
        }
        const char *site = NULL;
        if (aif__scn_str(c, m, "site", at, w, false, &site)) {
            for (size_t j = 0; j < c->s->site_count; j++) {
                if (c->s->sites[j].id && strcmp(c->s->sites[j].id, site) == 0) {
                    v[i].site = j;
                }
            }
            if (v[i].site == AIF_SCENARIO_NONE) {
                aif__scn_error(c, aif__scn_key_pos(c, m, "site", at), "%s.site: unknown site '%s'",
                               w, site);
            }
        }
    }
    aif__scn_sort_by_time(c, v, k, sizeof *v,
                          offsetof(aif_scenario_frontier_run, earliest_start_at));
    c->s->training.frontier_runs = v;
    c->s->training.frontier_run_count = k;
}

/* {dist: lognormal, median: 6 h, sigma: 1.5}: scale parameters read as durations (in
 * seconds) or counts, shape parameters as plain numbers. */
static void bind_dist(scn_ctx *c, struct fy_node *m, const char *key, scn_pos at, const char *where,
                      bool duration, aif_dist *out) {
    static const char *const keys[] = {"dist",   "value", "min",   "max",   "mean", "sd",
                                       "median", "sigma", "shape", "scale", "xm",   "alpha"};
    static const char *const kinds[] = {"constant",  "uniform", "exponential", "normal",
                                        "lognormal", "gamma",   "weibull",     "pareto"};
    struct fy_node *n = aif__scn_get(m, key);
    char w[96];
    snprintf(w, sizeof w, "%s.%s", where, key);
    scn_pos p = aif__scn_key_pos(c, m, key, at);
    if (n == NULL) {
        aif__scn_error(c, aif__scn_pos(c, m, at), "%s: missing required key '%s'", where, key);
        return;
    }
    if (!aif__scn_check_keys(c, n, p, w, keys, COUNT_OF(keys))) {
        return;
    }
    int kind = 0;
    if (!aif__scn_enum(c, n, "dist", p, w, true, kinds, COUNT_OF(kinds), &kind)) {
        return;
    }
    /* Parameter names per kind: scale-like (unit-bearing) first, then shape-like. */
    static const char *const scale_names[][2] = {{"value", NULL}, {"min", "max"},   {"mean", NULL},
                                                 {"mean", "sd"},  {"median", NULL}, {"scale", NULL},
                                                 {"scale", NULL}, {"xm", NULL}};
    static const char *const shape_names[] = {NULL,    NULL,    NULL,    NULL,
                                              "sigma", "shape", "shape", "alpha"};
    double sv[2] = {0, 0}, shape = 0;
    for (int j = 0; j < 2; j++) {
        const char *name = scale_names[kind][j];
        if (name == NULL) {
            continue;
        }
        aif_time t = 0;
        if (duration ? aif__scn_duration(c, n, name, p, w, true, &t)
                     : aif__scn_qty(c, n, name, p, w, true, AIF_QTY_COUNT, 0, &sv[j])) {
            if (duration) {
                sv[j] = aif_time_to_seconds(t);
            }
        }
    }
    if (shape_names[kind]) {
        aif__scn_num(c, n, shape_names[kind], p, w, true, 1e-9, 1e3, &shape);
    }
    aif_dist d = {0};
    switch (kind) {
    case 0:
        d = (aif_dist){AIF_DIST_CONSTANT, {sv[0]}, NULL};
        break;
    case 1:
        d = (aif_dist){AIF_DIST_UNIFORM, {sv[0], sv[1]}, NULL};
        break;
    case 2:
        d = (aif_dist){AIF_DIST_EXPONENTIAL, {sv[0] > 0 ? 1.0 / sv[0] : 0}, NULL};
        break;
    case 3:
        d = (aif_dist){AIF_DIST_NORMAL, {sv[0], sv[1]}, NULL};
        break;
    case 4:
        d = (aif_dist){AIF_DIST_LOGNORMAL, {sv[0] > 0 ? log(sv[0]) : 0, shape}, NULL};
        break;
    case 5:
        d = (aif_dist){AIF_DIST_GAMMA, {shape, sv[0]}, NULL};
        break;
    case 6:
        d = (aif_dist){AIF_DIST_WEIBULL, {shape, sv[0]}, NULL};
        break;
    default:
        d = (aif_dist){AIF_DIST_PARETO, {sv[0], shape}, NULL};
        break;
    }
    aif_error perr = {0};
    if (!c->failed && aif_dist_check(&d, &perr) != AIF_OK) {
        aif__scn_error(c, p, "%s: %s", w, perr.message);
    }
    *out = d;
}

static void bind_research(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {
        "arrivals_per_day",    "gpus", "duration", "max_gpus", "trace", "trace_scale",
        "preemptible_fraction"};
    const char *w = "demand.training.research";
    aif_scenario_research *r = &c->s->training.research;
    r->trace_scale = 1;
    r->preemptible_fraction = 1;
    if (!aif__scn_check_keys(c, n, at, w, keys, COUNT_OF(keys))) {
        return;
    }
    r->present = true;
    const char *trace = NULL;
    if (aif__scn_str(c, n, "trace", at, w, false, &trace)) {
        size_t need = strlen(c->dir) + strlen(trace) + 1;
        char *path = aif__scn_alloc(c, need, 1);
        if (path == NULL) {
            return;
        }
        snprintf(path, need, "%s%s", trace[0] == '/' ? "" : c->dir, trace);
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            aif__scn_error(c, aif__scn_key_pos(c, n, "trace", at),
                           "%s.trace: cannot open trace file '%s'", w, path);
        } else {
            fclose(f);
        }
        r->trace_file = path;
        aif__scn_num(c, n, "trace_scale", at, w, false, 1e-6, 1e6, &r->trace_scale);
    } else {
        aif__scn_num(c, n, "arrivals_per_day", at, w, true, 0, 1e9, &r->arrivals_per_day);
        bind_dist(c, n, "gpus", at, w, false, &r->gpus);
        bind_dist(c, n, "duration", at, w, true, &r->duration_s);
        r->max_gpus = 1e9;
        aif__scn_qty(c, n, "max_gpus", at, w, false, AIF_QTY_COUNT, 1, &r->max_gpus);
    }
    aif__scn_num(c, n, "preemptible_fraction", at, w, false, 0, 1, &r->preemptible_fraction);
}

static void bind_training(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"frontier_runs", "research"};
    c->s->training.research.trace_scale = 1;
    if (n == NULL || !aif__scn_check_keys(c, n, at, "demand.training", keys, 2)) {
        return;
    }
    struct fy_node *x;
    if ((x = aif__scn_get(n, "frontier_runs")) != NULL) {
        bind_runs(c, x, aif__scn_key_pos(c, n, "frontier_runs", at));
    }
    if ((x = aif__scn_get(n, "research")) != NULL && c->status == AIF_OK) {
        bind_research(c, x, aif__scn_key_pos(c, n, "research", at));
    }
}

static void bind_failures(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"interruptions_per_gpu_year", "hardware_fraction",
                                       "repair_time", "checkpoint_interval", "restart_cost"};
    const char *w = "failures";
    aif_scenario_failures *f = &c->s->failures;
    /* Llama 3 405B: 419 unexpected interruptions in 54 days on 16,384 GPUs, 58.7% GPU. */
    f->interruptions_per_gpu_year = 0.17;
    f->hardware_fraction = 0.587;
    f->repair_time = 3 * AIF_NS_PER_DAY;
    f->checkpoint_interval = AIF_NS_PER_HOUR;
    f->restart_cost = 10 * AIF_NS_PER_MIN;
    if (n == NULL || !aif__scn_check_keys(c, n, at, w, keys, COUNT_OF(keys))) {
        return;
    }
    aif__scn_num(c, n, "interruptions_per_gpu_year", at, w, false, 0, 1e3,
                 &f->interruptions_per_gpu_year);
    aif__scn_num(c, n, "hardware_fraction", at, w, false, 0, 1, &f->hardware_fraction);
    aif__scn_duration(c, n, "repair_time", at, w, false, &f->repair_time);
    if (aif__scn_duration(c, n, "checkpoint_interval", at, w, false, &f->checkpoint_interval) &&
        f->checkpoint_interval <= 0) {
        aif__scn_error(c, aif__scn_key_pos(c, n, "checkpoint_interval", at),
                       "failures.checkpoint_interval: expected > 0");
    }
    aif__scn_duration(c, n, "restart_cost", at, w, false, &f->restart_cost);
}

static void bind_power_price(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const pkeys[] = {"date", "price"};
    aif_scenario_economics *e = &c->s->economics;
    if (fy_node_is_scalar(n)) {
        aif_scenario_point *v = aif__scn_alloc(c, 1, sizeof *v);
        struct fy_node *parent = fy_node_get_parent(n);
        if (v != NULL && aif__scn_qty(c, parent, "power_price", at, "economics", true,
                                      AIF_QTY_ENERGY_PRICE, 0, &v->value)) {
            v->at = AIF_TIME_MIN;
            e->power_price = v;
            e->power_price_count = 1;
        }
        return;
    }
    size_t k = seq_len(c, n, at, "economics.power_price");
    aif_scenario_point *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL || k == 0) {
        return;
    }
    for (size_t i = 0; i < k; i++) {
        struct fy_node *m = fy_node_sequence_get_by_index(n, (int)i);
        char w[128];
        snprintf(w, sizeof w, "economics.power_price.%zu", i);
        if (!aif__scn_check_keys(c, m, at, w, pkeys, 2)) {
            continue;
        }
        aif__scn_date(c, m, "date", at, w, true, &v[i].at);
        aif__scn_qty(c, m, "price", at, w, true, AIF_QTY_ENERGY_PRICE, 0, &v[i].value);
        if (i > 0 && v[i].at <= v[i - 1].at) {
            aif__scn_error(c, aif__scn_key_pos(c, m, "date", at),
                           "%s.date: expected dates in increasing order", w);
        }
    }
    e->power_price = v;
    e->power_price_count = k;
}

static void bind_economics(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"power_price",
                                       "capex_per_mw",
                                       "it_life",
                                       "facility_life",
                                       "revenue_per_million_tokens",
                                       "subscription_per_month",
                                       "paying_fraction"};
    const char *w = "economics";
    aif_scenario_economics *e = &c->s->economics;
    const aif_facility *fac = aif_catalog_facility(c->s->catalog);
    if (n != NULL && aif__scn_check_keys(c, n, at, w, keys, COUNT_OF(keys))) {
        struct fy_node *pp = aif__scn_get(n, "power_price");
        if (pp) {
            bind_power_price(c, pp, aif__scn_key_pos(c, n, "power_price", at));
        }
        aif__scn_qty(c, n, "capex_per_mw", at, w, false, AIF_QTY_MONEY, 0, &e->capex_usd_per_mw);
        aif_time t = 0;
        if (aif__scn_duration(c, n, "it_life", at, w, false, &t)) {
            e->it_life_years = (double)t / (double)AIF_NS_PER_YEAR;
        }
        if (aif__scn_duration(c, n, "facility_life", at, w, false, &t)) {
            e->facility_life_years = (double)t / (double)AIF_NS_PER_YEAR;
        }
        aif__scn_qty(c, n, "revenue_per_million_tokens", at, w, false, AIF_QTY_MONEY, 0,
                     &e->revenue_usd_per_mtok);
        aif__scn_qty(c, n, "subscription_per_month", at, w, false, AIF_QTY_MONEY, 0,
                     &e->subscription_usd_per_month);
        aif__scn_num(c, n, "paying_fraction", at, w, false, 0, 1, &e->paying_fraction);
    }
    /* Defaults from the catalog's facility block, so the engine never sees a zero life. */
    if (e->capex_usd_per_mw == 0 && fac && fac->capex_usd_per_mw.present) {
        e->capex_usd_per_mw = fac->capex_usd_per_mw.value;
    }
    if (e->it_life_years == 0) {
        e->it_life_years = fac && fac->it_life_years.present ? fac->it_life_years.value : 5;
    }
    if (e->facility_life_years == 0) {
        e->facility_life_years =
            fac && fac->facility_life_years.present ? fac->facility_life_years.value : 14;
    }
    if (e->power_price_count == 0) {
        aif_scenario_point *v = aif__scn_alloc(c, 1, sizeof *v);
        if (v != NULL) {
            v->at = AIF_TIME_MIN;
            v->value = fac && fac->power_price_usd_per_mwh.present
                           ? fac->power_price_usd_per_mwh.value
                           : 70;
            e->power_price = v;
            e->power_price_count = 1;
        }
    }
}

void aif__scn_bind_demand(scn_ctx *c, struct fy_node *root, scn_pos top) {
    static const char *const keys[] = {"inference", "training"};
    struct fy_node *demand = aif__scn_get(root, "demand");
    scn_pos dp = aif__scn_key_pos(c, root, "demand", top);
    struct fy_node *inf = NULL, *tr = NULL;
    if (demand && aif__scn_check_keys(c, demand, dp, "demand", keys, 2)) {
        inf = aif__scn_get(demand, "inference");
        tr = aif__scn_get(demand, "training");
    }
    bind_inference(c, inf, aif__scn_key_pos(c, demand, "inference", dp));
    if (c->status == AIF_OK) {
        bind_training(c, tr, aif__scn_key_pos(c, demand, "training", dp));
    }
    bind_failures(c, aif__scn_get(root, "failures"), aif__scn_key_pos(c, root, "failures", top));
    if (c->status == AIF_OK) {
        bind_economics(c, aif__scn_get(root, "economics"),
                       aif__scn_key_pos(c, root, "economics", top));
    }
}
