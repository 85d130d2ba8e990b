/* Inference demand (demand.h): user curves to token rates with diurnal and weekly shape, and
 * tokens per GPU at a latency target from the cached performance model. */
#include "aifactory/demand.h"

#include <math.h>

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

aif_status aif_demand_tokens_per_gpu(aif_perf_cache *cache, const aif_scenario_model_class *c,
                                     const aif_perf_hw *hw, double *tokens_per_s_per_gpu) {
    if (cache == NULL || c == NULL || c->model == NULL || hw == NULL ||
        tokens_per_s_per_gpu == NULL) {
        return AIF_EINVAL;
    }
    aif_precision prec = c->precision;
    if ((unsigned)prec >= AIF_PREC_COUNT || !(hw->peak_flops[prec] > 0)) {
        prec = hw->infer_precision;
    }
    long gpus = hw->scaleup_domain_gpus < 72 ? hw->scaleup_domain_gpus : 72;
    aif_perf_infer_query q = {.model = c->model,
                              .hw = hw,
                              .gpus = gpus > 0 ? gpus : 1,
                              .precision = prec,
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
