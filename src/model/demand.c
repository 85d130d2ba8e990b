/* Inference demand (demand.h): user curves to token rates with diurnal and weekly shape, and
 * tokens per GPU at a latency target from the cached performance model. */
#include "aifactory/demand.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const double SECONDS_PER_YEAR = (double)(AIF_NS_PER_YEAR / AIF_NS_PER_S);

double aif_demand_wau(const aif_scenario_inference *d, aif_time t) {
    if (d == NULL || !d->present) {
        return 0.0;
    }
    if (d->wau_model == AIF_WAU_LOGISTIC) {
        double years = (double)(t - d->logistic_midpoint_at) * 1e-9 / SECONDS_PER_YEAR;
        return d->logistic_cap_users / (1.0 + exp(-d->logistic_rate_per_year * years));
    }
    size_t n = d->wau_point_count;
    const aif_scenario_point *p = d->wau_points;
    if (n == 0) {
        return 0.0;
    }
    if (t <= p[0].at) {
        return p[0].value;
    }
    for (size_t i = 1; i < n; i++) {
        if (t < p[i].at) {
            double f = (double)(t - p[i - 1].at) / (double)(p[i].at - p[i - 1].at);
            return p[i - 1].value + f * (p[i].value - p[i - 1].value);
        }
    }
    return p[n - 1].value;
}

double aif_demand_requests_per_s_mean(const aif_scenario_inference *d, size_t k, aif_time t) {
    if (d == NULL || !d->present || k >= d->class_count) {
        return 0.0;
    }
    const aif_scenario_model_class *c = &d->classes[k];
    double prompts_per_s = aif_demand_wau(d, t) * d->dau_per_wau * d->prompts_per_dau / 86400.0;
    double r = c->share * prompts_per_s;
    if (k == d->api_class && d->api_tokens_per_s > 0) {
        double years = (double)(t - d->api_at) * 1e-9 / SECONDS_PER_YEAR;
        double growth = d->api_growth_per_year > 0 ? pow(d->api_growth_per_year, years) : 1.0;
        /* API traffic is quoted in tokens (input + output); count it as requests of the
         * class's shape so it meets the same perf model. */
        r += d->api_tokens_per_s * growth / (c->input_tokens + c->output_tokens);
    }
    return r;
}

static double weights_mean(const double *w, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        s += w[i];
    }
    return s / (double)n;
}

double aif_demand_shape(const aif_scenario_inference *d, aif_date start, aif_time t) {
    aif_date day = aif_sim_to_date(t, start);
    aif_time into_day = t - aif_date_to_sim(day, start);
    int hour = (int)(into_day / AIF_NS_PER_HOUR);
    int64_t days = aif_date_to_days(day);
    /* 1970-01-01 was a Thursday: index 3 when Monday is 0. */
    int weekday = (int)((days % 7 + 7 + 3) % 7);
    double md = weights_mean(d->diurnal, 24), mw = weights_mean(d->weekly, 7);
    double f = md > 0 ? d->diurnal[hour] / md : 1.0;
    return f * (mw > 0 ? d->weekly[weekday] / mw : 1.0);
}

double aif_demand_tokens_per_s(const aif_scenario_inference *d, size_t k, aif_date start,
                               aif_time t) {
    if (d == NULL || !d->present || k >= d->class_count) {
        return 0.0;
    }
    return aif_demand_requests_per_s_mean(d, k, t) * d->classes[k].output_tokens *
           aif_demand_shape(d, start, t);
}

aif_workload aif_demand_workload(aif_latency_class c) {
    switch (c) {
    case AIF_LATENCY_INTERACTIVE:
        return AIF_WORKLOAD_INTERACTIVE;
    case AIF_LATENCY_OFFLINE:
        return AIF_WORKLOAD_OFFLINE;
    default:
        return AIF_WORKLOAD_SERVER;
    }
}

/* The class precision, or the hardware's inference precision when it lacks that one. */
static aif_precision class_precision(const aif_scenario_model_class *c, const aif_perf_hw *hw) {
    aif_precision prec = c->precision;
    if ((unsigned)prec >= AIF_PREC_COUNT || !(hw->peak_flops[prec] > 0)) {
        prec = hw->infer_precision;
    }
    return prec;
}

/* One scale-up domain, at most 72 GPUs: the unit a serving deployment is laid out on. */
static long domain_gpus(const aif_perf_hw *hw) {
    long gpus = hw->scaleup_domain_gpus < 72 ? hw->scaleup_domain_gpus : 72;
    return gpus > 0 ? gpus : 1;
}

aif_status aif_demand_tokens_per_gpu(aif_perf_cache *cache, const aif_scenario_model_class *c,
                                     const aif_perf_hw *hw, double *tokens_per_s_per_gpu) {
    if (cache == NULL || c == NULL || c->model == NULL || hw == NULL ||
        tokens_per_s_per_gpu == NULL) {
        return AIF_EINVAL;
    }
    aif_perf_infer_query q = {.model = c->model,
                              .hw = hw,
                              .gpus = domain_gpus(hw),
                              .precision = class_precision(c, hw),
                              .input_tokens = c->input_tokens,
                              .output_tokens = c->output_tokens,
                              .workload = aif_demand_workload(c->latency)};
    aif_perf_infer_result r;
    aif_status st = aif_perf_cache_infer(cache, &q, &r);
    if (st != AIF_OK) {
        return st;
    }
    *tokens_per_s_per_gpu = r.tokens_per_s_per_gpu;
    return AIF_OK;
}

int aif_demand_latency_target(aif_latency_class c, double *ttft_p99_s, double *tpot_p99_s) {
    /* src S7 row 18 (interactive) and MLPerf loadgen's Llama 2 70B server limits
     * (docs/perf.md): the reference benchmark of each class. */
    double ttft = 0, tpot = 0;
    if (c == AIF_LATENCY_INTERACTIVE) {
        ttft = 0.450;
        tpot = 0.040;
    } else if (c != AIF_LATENCY_OFFLINE) {
        ttft = 2.0;
        tpot = 0.200;
    }
    if (ttft_p99_s) {
        *ttft_p99_s = ttft;
    }
    if (tpot_p99_s) {
        *tpot_p99_s = tpot;
    }
    return ttft > 0;
}

int aif_demand_class_target(const aif_scenario_model_class *c, double *ttft_p99_s,
                            double *tpot_p99_s) {
    double ttft = 0, tpot = 0;
    int has = aif_demand_latency_target(c->latency, &ttft, &tpot);
    if (has && c->ttft_p99_s > 0) {
        ttft = c->ttft_p99_s;
    }
    if (has && c->tpot_p99_s > 0) {
        tpot = c->tpot_p99_s;
    }
    if (ttft_p99_s) {
        *ttft_p99_s = ttft;
    }
    if (tpot_p99_s) {
        *tpot_p99_s = tpot;
    }
    return has;
}

aif_perf_serve_query aif_demand_serve_query(const aif_scenario_model_class *c,
                                            const aif_perf_hw *hw) {
    aif_perf_serve_query q = {.model = c->model,
                              .hw = hw,
                              .gpus = domain_gpus(hw),
                              .precision = class_precision(c, hw),
                              .workload = aif_demand_workload(c->latency),
                              .input_tokens = c->input_tokens,
                              .output_tokens = c->output_tokens};
    aif_demand_class_target(c, &q.ttft_p99_s, &q.tpot_p99_s);
    return q;
}

aif_goodput_effort aif_demand_goodput_effort(void) {
    return (aif_goodput_effort){.requests = AIF_DEMAND_GOODPUT_REQUESTS,
                                .max_output_tokens = AIF_DEMAND_GOODPUT_MAX_OUTPUT_TOKENS,
                                .seed = 1};
}

/* The TPs a serving deployment of the fleet may take: powers of two up to 8 (one HGX
 * board, the widest TP serving engines run in production), those dividing the domain. */
static const int SERVE_TPS[] = {1, 2, 4, 8};

/* The prefill:decode splits a disaggregated class is tried at, each replica of the TP:
 * balanced, prefill-heavy (long prompts) and decode-heavy (long answers). ASSUMPTION: three
 * splits bound the search's cost (3 simulations per TP); `serve --find-split` searches
 * them all for one deployment. */
static const int SERVE_SPLITS[][2] = {{1, 1}, {2, 1}, {1, 2}};

aif_status aif_demand_serve_goodput(aif_goodput_cache *goodput, const aif_scenario_model_class *c,
                                    const aif_perf_hw *hw, aif_perf_serve_result *best) {
    if (goodput == NULL || c == NULL || c->model == NULL || hw == NULL || best == NULL ||
        c->latency == AIF_LATENCY_OFFLINE) {
        return AIF_EINVAL;
    }
    aif_perf_serve_query q = aif_demand_serve_query(c, hw);
    aif_status st = AIF_ERANGE;
    memset(best, 0, sizeof *best);
    snprintf(best->message, sizeof best->message, "no TP of 1, 2, 4 or 8 divides %ld GPUs", q.gpus);
    /* A colocated class is one layout per TP: the split {0, 0}. */
    static const int COLOCATED[][2] = {{0, 0}};
    const int(*splits)[2] = c->disaggregated ? SERVE_SPLITS : COLOCATED;
    size_t nsplits = c->disaggregated ? sizeof SERVE_SPLITS / sizeof SERVE_SPLITS[0] : 1;
    for (size_t i = 0; i < sizeof SERVE_TPS / sizeof SERVE_TPS[0]; i++) {
        if (q.gpus % SERVE_TPS[i] != 0) {
            continue;
        }
        q.tp = SERVE_TPS[i];
        for (size_t k = 0; k < nsplits; k++) {
            q.prefill_replicas = splits[k][0];
            q.decode_replicas = splits[k][1];
            aif_perf_serve_result r;
            aif_status s = aif_goodput_cache_get(goodput, &q, &r);
            if (s == AIF_ENOMEM) {
                return s;
            }
            if (s == AIF_OK &&
                (st != AIF_OK || r.tokens_per_s_per_gpu > best->tokens_per_s_per_gpu)) {
                *best = r;
                st = AIF_OK;
            } else if (s != AIF_OK && st != AIF_OK) {
                *best = r; /* the widest failure's reason: the one closest to fitting */
                st = s;
            }
        }
    }
    return st;
}

aif_status aif_demand_sized_tokens_per_gpu(aif_perf_cache *cache, aif_goodput_cache *goodput,
                                           aif_inference_sizing sizing,
                                           const aif_scenario_model_class *c, const aif_perf_hw *hw,
                                           double *tokens_per_s_per_gpu) {
    if (sizing == AIF_SIZING_CLOSED_FORM || goodput == NULL || c == NULL ||
        c->latency == AIF_LATENCY_OFFLINE) {
        return aif_demand_tokens_per_gpu(cache, c, hw, tokens_per_s_per_gpu);
    }
    if (c->model == NULL || hw == NULL || tokens_per_s_per_gpu == NULL) {
        return AIF_EINVAL;
    }
    aif_perf_serve_result r;
    aif_status st = aif_demand_serve_goodput(goodput, c, hw, &r);
    if (st != AIF_OK) {
        return st;
    }
    *tokens_per_s_per_gpu = r.tokens_per_s_per_gpu;
    return AIF_OK;
}
