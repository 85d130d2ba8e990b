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

/* A profile of exactly `n` non-negative weights, not all zero, normalized to mean 1. */
static void read_profile(const scn_cur *cur, const char *key, double *out, size_t n) {
    scn_ctx *c = aif__scn_of(cur);
    for (size_t i = 0; i < n; i++) {
        out[i] = 1.0;
    }
    struct fy_node *seq = aif__cur_get(cur, key);
    if (seq == NULL) {
        return;
    }
    char where[128];
    snprintf(where, sizeof where, "demand.inference.%s", key);
    scn_pos p = aif__cur_key_pos(cur, key);
    size_t k = aif__y_seq_len(&c->r, seq, p, where);
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
        if (!aif__y_scalar_text(&c->r, item, p, where, buf, sizeof buf)) {
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

/* Peak prompt traffic in tokens/s: the most users, their daily share, prompts and the
 * largest class's tokens at the busiest hour of the busiest weekday. Checked so that the
 * hourly allocation and the revenue it bills stay finite numbers the engine holds. */
static void check_peak(const scn_cur *cur, const aif_scenario_inference *in) {
    scn_ctx *c = aif__scn_of(cur);
    double users = in->wau_model == AIF_WAU_LOGISTIC ? in->logistic_cap_users : 0;
    for (size_t i = 0; in->wau_model == AIF_WAU_POINTS && i < in->wau_point_count; i++) {
        users = fmax(users, in->wau_points[i].value);
    }
    double tokens = 0, hour = 0, day = 0;
    for (size_t k = 0; k < in->class_count; k++) {
        tokens = fmax(tokens, in->classes[k].input_tokens + in->classes[k].output_tokens);
    }
    for (int h = 0; h < 24; h++) {
        hour = fmax(hour, in->diurnal[h]);
    }
    for (int d = 0; d < 7; d++) {
        day = fmax(day, in->weekly[d]);
    }
    double peak = users * in->dau_per_wau * in->prompts_per_dau * tokens / 86400.0 * hour * day;
    c->peak_users = users;
    c->peak_tokens_per_s += peak;
    if (!(peak <= AIF_SCENARIO_TOKENS_PER_S_MAX)) {
        aif__scn_error(c, aif__cur_pos(cur),
                       "demand.inference: users x dau_per_wau x prompts_per_dau x tokens per "
                       "prompt peak at %g tokens/s; at most %g tokens/s can be served",
                       peak, AIF_SCENARIO_TOKENS_PER_S_MAX);
    }
}

static void bind_wau(scn_ctx *c, struct fy_node *n, scn_pos at, aif_scenario_inference *in) {
    static const char *const keys[] = {"points", "logistic"};
    static const char *const pkeys[] = {"date", "users"};
    static const char *const lkeys[] = {"cap", "midpoint", "rate_per_year"};
    const char *where = "demand.inference.wau";
    const scn_cur cur = {&c->r, n, where, at};
    if (!aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    struct fy_node *pts = aif__cur_get(&cur, "points");
    struct fy_node *log = aif__cur_get(&cur, "logistic");
    if ((pts == NULL) == (log == NULL)) {
        aif__scn_error(c, aif__cur_pos(&cur), "%s: give exactly one of 'points', 'logistic'",
                       where);
        return;
    }
    if (log) {
        const scn_cur lc = {&c->r, log, "demand.inference.wau.logistic",
                            aif__cur_key_pos(&cur, "logistic")};
        in->wau_model = AIF_WAU_LOGISTIC;
        if (aif__cur_keys(&lc, lkeys, 3)) {
            aif__scn_qty(&lc, "cap", true, AIF_QTY_COUNT, 1, AIF_SCENARIO_USERS_MAX,
                         &in->logistic_cap_users);
            aif__cur_date(&lc, "midpoint", true, &in->logistic_midpoint_at);
            aif__cur_num(&lc, "rate_per_year", true, 1e-6, 100, &in->logistic_rate_per_year);
        }
        return;
    }
    scn_pos pp = aif__cur_key_pos(&cur, "points");
    scn_each it = aif__scn_each_begin(c, pts, pp, "demand.inference.wau.points");
    size_t k = it.count;
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
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *w = it.item.path;
        if (!aif__cur_keys(&it.item, pkeys, 2)) {
            continue;
        }
        aif__cur_date(&it.item, "date", true, &v[i].at);
        aif__scn_qty(&it.item, "users", true, AIF_QTY_COUNT, 0, AIF_SCENARIO_USERS_MAX,
                     &v[i].value);
        if (i > 0 && v[i].at <= v[i - 1].at) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "date"),
                           "%s.date: expected dates in increasing order", w);
        }
    }
    aif__scn_sort_by_time(c, v, k, sizeof *v, offsetof(aif_scenario_point, at));
    in->wau_points = v;
    in->wau_point_count = k;
}

/* A class's own p99 latency limit (optional): a positive duration of at most an hour, for
 * a class that has a latency target (not offline). */
static void bind_class_limit(scn_ctx *c, const scn_cur *k, const char *key, aif_latency_class l,
                             double *out_s) {
    aif_time t = 0;
    if (!aif__scn_duration(k, key, false, AIF_NS_PER_HOUR, &t)) {
        return;
    }
    if (t <= 0) {
        aif__scn_error(c, aif__cur_key_pos(k, key), "%s.%s: expected a positive duration, found 0",
                       k->path, key);
    } else if (l == AIF_LATENCY_OFFLINE) {
        aif__scn_error(c, aif__cur_key_pos(k, key),
                       "%s.%s: an offline class has no latency target; use latency: server or "
                       "interactive",
                       k->path, key);
    } else {
        *out_s = (double)t / 1e9;
    }
}

static void bind_classes(scn_ctx *c, struct fy_node *n, scn_pos at, aif_scenario_inference *in) {
    static const char *const keys[] = {"name",          "model",   "share",     "input_tokens",
                                       "output_tokens", "latency", "precision", "ttft_p99",
                                       "tpot_p99",      "serving"};
    static const char *const serving[] = {"colocated", "disaggregated"};
    static const char *const lat[] = {"server", "interactive", "offline"};
    static const char *const prec[] = {"bf16", "fp8", "fp4"};
    scn_each it = aif__scn_each_begin(c, n, at, "demand.inference.classes");
    size_t k = it.count;
    aif_scenario_model_class *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL) {
        return;
    }
    double total = 0;
    bool all_ok = k > 0;
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *w = it.item.path;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            all_ok = false;
            continue;
        }
        aif__cur_str(&it.item, "name", true, &v[i].name);
        if (aif__cur_str(&it.item, "model", true, &v[i].model_id)) {
            v[i].model = aif_model_find(v[i].model_id);
            if (v[i].model == NULL) {
                const char *ids[64];
                int nm = aif_model_count() < 64 ? aif_model_count() : 64;
                for (int j = 0; j < nm; j++) {
                    ids[j] = aif_model_at(j)->id;
                }
                const char *near = aif__y_nearest(v[i].model_id, ids, (size_t)nm);
                aif__scn_error(c, aif__cur_key_pos(&it.item, "model"),
                               "%s.model: unknown model '%s'%s%s%s", w, v[i].model_id,
                               near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            }
        }
        all_ok = aif__cur_num(&it.item, "share", true, 0, 1, &v[i].share) && all_ok;
        total += v[i].share;
        aif__scn_qty(&it.item, "input_tokens", true, AIF_QTY_TOKENS, 0, AIF_SCENARIO_TOKENS_MAX,
                     &v[i].input_tokens);
        aif__scn_qty(&it.item, "output_tokens", true, AIF_QTY_TOKENS, 1, AIF_SCENARIO_TOKENS_MAX,
                     &v[i].output_tokens);
        int l = AIF_LATENCY_SERVER, p = AIF_PREC_FP8;
        aif__cur_enum(&it.item, "latency", false, lat, COUNT_OF(lat), &l);
        aif__cur_enum(&it.item, "precision", false, prec, COUNT_OF(prec), &p);
        v[i].latency = (aif_latency_class)l;
        v[i].precision = (aif_precision)p;
        bind_class_limit(c, &it.item, "ttft_p99", v[i].latency, &v[i].ttft_p99_s);
        bind_class_limit(c, &it.item, "tpot_p99", v[i].latency, &v[i].tpot_p99_s);
        int mode = 0;
        if (aif__cur_enum(&it.item, "serving", false, serving, COUNT_OF(serving), &mode) &&
            mode == 1) {
            if (in->sizing != AIF_SIZING_GOODPUT || v[i].latency == AIF_LATENCY_OFFLINE) {
                /* Only the serving simulator has pools; the closed form would ignore it. */
                aif__scn_error(c, aif__cur_key_pos(&it.item, "serving"),
                               "%s.serving: disaggregated pools are sized by the serving "
                               "simulator: needs demand.inference.sizing: goodput and a "
                               "server or interactive latency",
                               w);
            }
            v[i].disaggregated = true;
        }
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
    const scn_cur cur = {&c->r, n, w, at};
    if (!aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    double per_min = 0;
    if (aif__scn_qty(&cur, "tokens_per_min", true, AIF_QTY_TOKENS, 0, AIF_SCENARIO_TOKENS_MAX,
                     &per_min)) {
        in->api_tokens_per_s = per_min / 60.0;
    }
    aif__cur_date(&cur, "date", true, &in->api_at);
    if (aif__cur_num(&cur, "growth_per_year", false, 1e-3, 1e3, &in->api_growth_per_year)) {
        /* Growth compounds over the period: the rate at its far end must be one the engine
         * can serve and bill (a 1000x yearly growth over decades is not). */
        double years = fabs((double)(c->s->sim.end - in->api_at)) / (double)AIF_NS_PER_YEAR;
        double g = in->api_growth_per_year;
        double peak = in->api_tokens_per_s * pow(g >= 1 ? g : 1 / g, years);
        c->peak_tokens_per_s += peak;
        if (!(peak <= AIF_SCENARIO_TOKENS_PER_S_MAX)) {
            aif__scn_error(c, aif__cur_key_pos(&cur, "growth_per_year"),
                           "%s.growth_per_year: %g a year over the %.0f years to the end of the "
                           "period gives %g tokens/s; at most %g tokens/s can be served",
                           w, g, years, peak, AIF_SCENARIO_TOKENS_PER_S_MAX);
        }
    }
    const char *cls = NULL;
    if (aif__cur_str(&cur, "class", true, &cls)) {
        for (size_t i = 0; i < in->class_count; i++) {
            if (in->classes[i].name && strcmp(in->classes[i].name, cls) == 0) {
                in->api_class = i;
            }
        }
        if (in->api_class == AIF_SCENARIO_NONE) {
            aif__scn_error(c, aif__cur_key_pos(&cur, "class"), "%s.class: unknown model class '%s'",
                           w, cls);
        }
    }
}

static void bind_inference(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"wau",     "dau_per_wau", "prompts_per_dau",     "classes",
                                       "diurnal", "weekly",      "serving_utilization", "sizing",
                                       "api"};
    static const char *const sizing[] = {"closed-form", "goodput"};
    aif_scenario_inference *in = &c->s->inference;
    const char *w = "demand.inference";
    const scn_cur cur = {&c->r, n, w, at};
    in->api_class = AIF_SCENARIO_NONE;
    in->api_growth_per_year = 1;
    in->dau_per_wau = 0.4;
    in->serving_utilization = 1;
    for (int h = 0; h < 24; h++) {
        in->diurnal[h] = 1;
    }
    for (int d = 0; d < 7; d++) {
        in->weekly[d] = 1;
    }
    if (n == NULL || !aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    in->present = true;
    struct fy_node *x;
    if ((x = aif__cur_get(&cur, "wau")) != NULL) {
        bind_wau(c, x, aif__cur_key_pos(&cur, "wau"), in);
    } else {
        aif__scn_error(c, aif__cur_pos(&cur), "%s: missing required key 'wau'", w);
    }
    aif__cur_num(&cur, "dau_per_wau", false, 1e-6, 1, &in->dau_per_wau);
    aif__cur_num(&cur, "prompts_per_dau", true, 1e-6, 1e6, &in->prompts_per_dau);
    aif__cur_num(&cur, "serving_utilization", false, 0.01, 1, &in->serving_utilization);
    int sz = AIF_SIZING_CLOSED_FORM;
    aif__cur_enum(&cur, "sizing", false, sizing, COUNT_OF(sizing), &sz);
    in->sizing = (aif_inference_sizing)sz;
    if ((x = aif__cur_get(&cur, "classes")) != NULL) {
        bind_classes(c, x, aif__cur_key_pos(&cur, "classes"), in);
    } else {
        aif__scn_error(c, aif__cur_pos(&cur), "%s: missing required key 'classes'", w);
    }
    read_profile(&cur, "diurnal", in->diurnal, 24);
    read_profile(&cur, "weekly", in->weekly, 7);
    check_peak(&cur, in);
    if ((x = aif__cur_get(&cur, "api")) != NULL && c->r.status == AIF_OK) {
        bind_api(c, x, aif__cur_key_pos(&cur, "api"), in);
    }
}

static void bind_runs(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "model",          "tokens",   "compute", "precision",
                                       "gpus", "earliest_start", "deadline", "site"};
    static const char *const prec[] = {"bf16", "fp8", "fp4"};
    scn_each it = aif__scn_each_begin(c, n, at, "demand.training.frontier_runs");
    size_t k = it.count;
    aif_scenario_frontier_run *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *w = it.item.path;
        v[i].deadline_at = AIF_TIME_MAX;
        v[i].site = AIF_SCENARIO_NONE;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", true, &v[i].name);
        bool has_model = aif__cur_str(&it.item, "model", false, &v[i].model_id);
        if (has_model && (v[i].model = aif_model_find(v[i].model_id)) == NULL) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "model"), "%s.model: unknown model '%s'",
                           w, v[i].model_id);
        }
        bool has_tokens = aif__scn_qty(&it.item, "tokens", false, AIF_QTY_TOKENS, 1,
                                       AIF_SCENARIO_TOKENS_MAX, &v[i].tokens);
        bool has_compute = aif__scn_qty(&it.item, "compute", false, AIF_QTY_FLOP, 1,
                                        AIF_SCENARIO_FLOP_MAX, &v[i].compute_flop);
        if (!has_compute && v[i].model && has_tokens) {
            /* The first-cut training cost: 6 FLOP per active parameter per token. */
            v[i].compute_flop = 6.0 * v[i].model->params_active * v[i].tokens;
            if (!(v[i].compute_flop <= AIF_SCENARIO_FLOP_MAX)) {
                aif__scn_error(c, aif__cur_key_pos(&it.item, "tokens"),
                               "%s.tokens: 6 x %g active parameters x %g tokens is %g FLOP; at "
                               "most %g FLOP can be simulated",
                               w, v[i].model->params_active, v[i].tokens, v[i].compute_flop,
                               AIF_SCENARIO_FLOP_MAX);
            }
        } else if (!has_compute && aif__cur_get(&it.item, "compute") == NULL &&
                   !(has_model && has_tokens)) {
            aif__scn_error(c, aif__cur_pos(&it.item), "%s: give 'compute', or 'model' and 'tokens'",
                           w);
        }
        int p = AIF_PREC_BF16;
        aif__cur_enum(&it.item, "precision", false, prec, COUNT_OF(prec), &p);
        v[i].precision = (aif_precision)p;
        aif__scn_qty(&it.item, "gpus", true, AIF_QTY_COUNT, 1, AIF_SCENARIO_GPUS_MAX, &v[i].gpus);
        aif__cur_date(&it.item, "earliest_start", false, &v[i].earliest_start_at);
        if (aif__cur_date(&it.item, "deadline", false, &v[i].deadline_at) &&
            v[i].deadline_at <= v[i].earliest_start_at) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "deadline"),
                           "%s.deadline: expected a date after earliest_start", w);
        }
        const char *site = NULL;
        if (aif__cur_str(&it.item, "site", false, &site)) {
            for (size_t j = 0; j < c->s->site_count; j++) {
                if (c->s->sites[j].id && strcmp(c->s->sites[j].id, site) == 0) {
                    v[i].site = j;
                }
            }
            if (v[i].site == AIF_SCENARIO_NONE) {
                aif__scn_error(c, aif__cur_key_pos(&it.item, "site"), "%s.site: unknown site '%s'",
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
static void bind_dist(const scn_cur *parent, const char *key, bool duration, aif_dist *out) {
    static const char *const keys[] = {"dist",   "value", "min",   "max",   "mean", "sd",
                                       "median", "sigma", "shape", "scale", "xm",   "alpha"};
    static const char *const kinds[] = {"constant",  "uniform", "exponential", "normal",
                                        "lognormal", "gamma",   "weibull",     "pareto"};
    scn_ctx *c = aif__scn_of(parent);
    struct fy_node *n = aif__cur_get(parent, key);
    char w[96];
    snprintf(w, sizeof w, "%s.%s", parent->path, key);
    scn_pos p = aif__cur_key_pos(parent, key);
    if (n == NULL) {
        aif__scn_error(c, aif__cur_pos(parent), "%s: missing required key '%s'", parent->path, key);
        return;
    }
    const scn_cur dc = {&c->r, n, w, p};
    if (!aif__cur_keys(&dc, keys, COUNT_OF(keys))) {
        return;
    }
    int kind = 0;
    if (!aif__cur_enum(&dc, "dist", true, kinds, COUNT_OF(kinds), &kind)) {
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
        if (duration ? aif__scn_duration(&dc, name, true, SCN_DURATION_MAX, &t)
                     : aif__cur_qty(&dc, name, true, AIF_QTY_COUNT, 0, &sv[j])) {
            if (duration) {
                sv[j] = aif_time_to_seconds(t);
            }
        }
    }
    if (shape_names[kind]) {
        aif__cur_num(&dc, shape_names[kind], true, 1e-9, 1e3, &shape);
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
    if (!c->r.failed && aif_dist_check(&d, &perr) != AIF_OK) {
        aif__scn_error(c, p, "%s: %s", w, perr.message);
    }
    *out = d;
}

static void bind_research(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {
        "arrivals_per_day",     "gpus",        "duration", "max_gpus", "trace", "trace_scale",
        "preemptible_fraction", "budget_share"};
    const char *w = "demand.training.research";
    const scn_cur cur = {&c->r, n, w, at};
    aif_scenario_research *r = &c->s->training.research;
    r->trace_scale = 1;
    r->preemptible_fraction = 1;
    if (!aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    r->present = true;
    const char *trace = NULL;
    if (aif__cur_str(&cur, "trace", false, &trace)) {
        size_t need = strlen(c->dir) + strlen(trace) + 1;
        char *path = aif__scn_alloc(c, need, 1);
        if (path == NULL) {
            return;
        }
        snprintf(path, need, "%s%s", trace[0] == '/' ? "" : c->dir, trace);
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            aif__scn_error(c, aif__cur_key_pos(&cur, "trace"),
                           "%s.trace: cannot open trace file '%s'", w, path);
        } else {
            fclose(f);
        }
        r->trace_file = path;
        aif__cur_num(&cur, "trace_scale", false, 1e-6, 1e6, &r->trace_scale);
    } else {
        if (aif__cur_num(&cur, "arrivals_per_day", true, 0, 1e9, &r->arrivals_per_day)) {
            /* Every job drawn is held until it runs, so the total is bounded, not the rate. */
            double days = (double)c->s->sim.end / (double)AIF_NS_PER_DAY;
            double jobs = r->arrivals_per_day * (days > 0 ? days : 0);
            if (jobs > AIF_SCENARIO_RESEARCH_JOBS_MAX) {
                aif__scn_error(c, aif__cur_key_pos(&cur, "arrivals_per_day"),
                               "%s.arrivals_per_day: %g a day over the scenario's %.0f days is "
                               "%.3g research jobs; at most %g can be simulated",
                               w, r->arrivals_per_day, days, jobs, AIF_SCENARIO_RESEARCH_JOBS_MAX);
            }
        }
        bind_dist(&cur, "gpus", false, &r->gpus);
        bind_dist(&cur, "duration", true, &r->duration_s);
        r->max_gpus = 1e9;
        aif__scn_qty(&cur, "max_gpus", false, AIF_QTY_COUNT, 1, AIF_SCENARIO_JOB_GPUS_MAX,
                     &r->max_gpus);
    }
    aif__cur_num(&cur, "preemptible_fraction", false, 0, 1, &r->preemptible_fraction);
    aif__cur_num(&cur, "budget_share", false, 0, 1, &r->budget_share);
}

static void bind_training(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"frontier_runs", "research"};
    const scn_cur cur = {&c->r, n, "demand.training", at};
    c->s->training.research.trace_scale = 1;
    if (n == NULL || !aif__cur_keys(&cur, keys, 2)) {
        return;
    }
    struct fy_node *x;
    if ((x = aif__cur_get(&cur, "frontier_runs")) != NULL) {
        bind_runs(c, x, aif__cur_key_pos(&cur, "frontier_runs"));
    }
    if ((x = aif__cur_get(&cur, "research")) != NULL && c->r.status == AIF_OK) {
        bind_research(c, x, aif__cur_key_pos(&cur, "research"));
    }
}

/* Every interruption of a frontier run is an event with its restart: their expected
 * number over the period, at the largest run's size, must be one the engine gets through
 * (a rate of 1e3 a GPU-year on 2^40 GPUs would strike every 30 ns for decades). */
static void check_interruptions(scn_ctx *c, const scn_cur *cur) {
    const aif_scenario_training *t = &c->s->training;
    double gpus = 0;
    size_t which = 0;
    for (size_t i = 0; i < t->frontier_run_count; i++) {
        if (t->frontier_runs[i].gpus > gpus) {
            gpus = t->frontier_runs[i].gpus;
            which = i;
        }
    }
    double years = (double)c->s->sim.end / (double)AIF_NS_PER_YEAR;
    double rate = c->s->failures.interruptions_per_gpu_year;
    double n = rate * gpus * (years > 0 ? years : 0);
    if (n > AIF_SCENARIO_RUN_INTERRUPTIONS_MAX) {
        aif__scn_error(c, aif__cur_key_pos(cur, "interruptions_per_gpu_year"),
                       "failures.interruptions_per_gpu_year: %g a GPU-year x %g GPUs (frontier run "
                       "'%s') x %.3g years is %.3g interruptions; at most %g can be simulated",
                       rate, gpus, t->frontier_runs[which].name ? t->frontier_runs[which].name : "",
                       years, n, AIF_SCENARIO_RUN_INTERRUPTIONS_MAX);
    }
}

static void bind_failures(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {
        "interruptions_per_gpu_year", "hardware_fraction", "repair_time",
        "checkpoint_interval",        "checkpoint_cost",   "restart_cost"};
    const scn_cur cur = {&c->r, n, "failures", at};
    aif_scenario_failures *f = &c->s->failures;
    /* Llama 3 405B: 419 unexpected interruptions in 54 days on 16,384 GPUs, 58.7% GPU. */
    f->interruptions_per_gpu_year = 0.17;
    f->hardware_fraction = 0.587;
    f->repair_time = 3 * AIF_NS_PER_DAY;
    /* 0: each frontier run checkpoints at Young's optimum for its own failure rate. */
    f->checkpoint_interval = 0;
    f->checkpoint_cost = 30 * AIF_NS_PER_S; /* ASSUMPTION: docs/run.md */
    f->restart_cost = 10 * AIF_NS_PER_MIN;
    if (n == NULL || !aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        check_interruptions(c, &cur);
        return;
    }
    aif__cur_num(&cur, "interruptions_per_gpu_year", false, 0, 1e3, &f->interruptions_per_gpu_year);
    check_interruptions(c, &cur);
    aif__cur_num(&cur, "hardware_fraction", false, 0, 1, &f->hardware_fraction);
    aif__scn_duration(&cur, "repair_time", false, AIF_SCENARIO_REPAIR_MAX_DAYS * AIF_NS_PER_DAY,
                      &f->repair_time);
    if (aif__scn_duration(&cur, "checkpoint_interval", false, SCN_DURATION_MAX,
                          &f->checkpoint_interval) &&
        f->checkpoint_interval <= 0) {
        aif__scn_error(c, aif__cur_key_pos(&cur, "checkpoint_interval"),
                       "failures.checkpoint_interval: expected > 0");
    }
    aif__scn_duration(&cur, "checkpoint_cost", false, SCN_DURATION_MAX, &f->checkpoint_cost);
    aif__scn_duration(&cur, "restart_cost", false, SCN_DURATION_MAX, &f->restart_cost);
}

/* `econ` is the economics mapping: a scalar price is read through it by its key (a --set
 * value has no parent in the tree to find it by). */
static void bind_power_price(scn_ctx *c, const scn_cur *econ, struct fy_node *n, scn_pos at) {
    static const char *const pkeys[] = {"date", "price"};
    aif_scenario_economics *e = &c->s->economics;
    if (fy_node_is_scalar(n)) {
        aif_scenario_point *v = aif__scn_alloc(c, 1, sizeof *v);
        if (v != NULL && aif__scn_qty(econ, "power_price", true, AIF_QTY_ENERGY_PRICE, 0,
                                      AIF_SCENARIO_USD_PER_MWH_MAX, &v->value)) {
            v->at = AIF_TIME_MIN;
            e->power_price = v;
            e->power_price_count = 1;
        }
        return;
    }
    scn_each it = aif__scn_each_begin(c, n, at, "economics.power_price");
    size_t k = it.count;
    aif_scenario_point *v = aif__scn_alloc(c, k, sizeof *v);
    if (v == NULL || k == 0) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *w = it.item.path;
        if (!aif__cur_keys(&it.item, pkeys, 2)) {
            continue;
        }
        aif__cur_date(&it.item, "date", true, &v[i].at);
        aif__scn_qty(&it.item, "price", true, AIF_QTY_ENERGY_PRICE, 0, AIF_SCENARIO_USD_PER_MWH_MAX,
                     &v[i].value);
        if (i > 0 && v[i].at <= v[i - 1].at) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "date"),
                           "%s.date: expected dates in increasing order", w);
        }
    }
    e->power_price = v;
    e->power_price_count = k;
}

/* A month of revenue at the peak of demand must be an amount the ledger can sum over the
 * whole period: tokens at the peak rate for 31 days, and every paying user. */
static void check_revenue(scn_ctx *c, const scn_cur *cur, const aif_scenario_economics *e) {
    double tokens = c->peak_tokens_per_s * 31 * 86400.0 / 1e6 * e->revenue_usd_per_mtok;
    double subs = c->peak_users * e->paying_fraction * e->subscription_usd_per_month;
    const double max = AIF_SCENARIO_USD_PER_MONTH_MAX;
    if (!(tokens <= max)) {
        aif__scn_error(c, aif__cur_key_pos(cur, "revenue_per_million_tokens"),
                       "economics.revenue_per_million_tokens: $%g x %g tokens/s at the peak is "
                       "$%g a month; at most $%g a month can be booked",
                       e->revenue_usd_per_mtok, c->peak_tokens_per_s, tokens, max);
    }
    if (!(subs <= max)) {
        aif__scn_error(c, aif__cur_key_pos(cur, "subscription_per_month"),
                       "economics.subscription_per_month: $%g x %g users x %g paying is $%g a "
                       "month; at most $%g a month can be booked",
                       e->subscription_usd_per_month, c->peak_users, e->paying_fraction, subs, max);
    }
}

static void bind_economics(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"power_price",
                                       "capex_per_mw",
                                       "it_life",
                                       "facility_life",
                                       "revenue_per_million_tokens",
                                       "subscription_per_month",
                                       "paying_fraction",
                                       "wacc"};
    const scn_cur cur = {&c->r, n, "economics", at};
    aif_scenario_economics *e = &c->s->economics;
    const aif_facility *fac = aif_catalog_facility(c->s->catalog);
    e->wacc = AIF_SCENARIO_DEFAULT_WACC;
    if (n != NULL && aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        struct fy_node *pp = aif__cur_get(&cur, "power_price");
        if (pp) {
            bind_power_price(c, &cur, pp, aif__cur_key_pos(&cur, "power_price"));
        }
        aif__scn_qty(&cur, "capex_per_mw", false, AIF_QTY_MONEY, 0, AIF_SCENARIO_USD_PER_MW_MAX,
                     &e->capex_usd_per_mw);
        aif_time t = 0;
        if (aif__scn_duration(&cur, "it_life", false, SCN_DURATION_MAX, &t)) {
            e->it_life_years = (double)t / (double)AIF_NS_PER_YEAR;
        }
        if (aif__scn_duration(&cur, "facility_life", false, SCN_DURATION_MAX, &t)) {
            e->facility_life_years = (double)t / (double)AIF_NS_PER_YEAR;
        }
        aif__scn_qty(&cur, "revenue_per_million_tokens", false, AIF_QTY_MONEY, 0,
                     AIF_SCENARIO_USD_MAX, &e->revenue_usd_per_mtok);
        aif__scn_qty(&cur, "subscription_per_month", false, AIF_QTY_MONEY, 0, AIF_SCENARIO_USD_MAX,
                     &e->subscription_usd_per_month);
        aif__cur_num(&cur, "paying_fraction", false, 0, 1, &e->paying_fraction);
        aif__cur_num(&cur, "wacc", false, 0, 1, &e->wacc);
        check_revenue(c, &cur, e);
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
    const scn_cur doc = {&c->r, root, "scenario", top};
    const scn_cur dc = {&c->r, aif__cur_get(&doc, "demand"), "demand",
                        aif__cur_key_pos(&doc, "demand")};
    struct fy_node *inf = NULL, *tr = NULL;
    if (dc.node && aif__cur_keys(&dc, keys, 2)) {
        inf = aif__cur_get(&dc, "inference");
        tr = aif__cur_get(&dc, "training");
    }
    bind_inference(c, inf, aif__cur_key_pos(&dc, "inference"));
    if (c->r.status == AIF_OK) {
        bind_training(c, tr, aif__cur_key_pos(&dc, "training"));
    }
    bind_failures(c, aif__cur_get(&doc, "failures"), aif__cur_key_pos(&doc, "failures"));
    if (c->r.status == AIF_OK) {
        bind_economics(c, aif__cur_get(&doc, "economics"), aif__cur_key_pos(&doc, "economics"));
    }
}
