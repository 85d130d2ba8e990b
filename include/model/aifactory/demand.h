/* Inference demand: weekly active users over time -> daily actives -> prompts -> output
 * tokens per second per model class, shaped by a diurnal (24 weights) and a weekly (7
 * weights) profile, plus API traffic; and the tokens per second one GPU sustains at the
 * class's latency target, asked of the performance model through its cache.
 *
 * It reads the bound scenario's demand section (aif_scenario_inference, scenario.h), a
 * transparent struct, so tests build one by hand. Profiles are divided by their mean, so
 * averaged over a whole week the shaped rate equals the unshaped daily mean: the profile
 * moves load between hours, it never adds or removes tokens. Nothing here allocates. */
#ifndef AIFACTORY_DEMAND_H
#define AIFACTORY_DEMAND_H

#include <stddef.h>

#include "aifactory/perf.h"
#include "aifactory/scenario_types.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

/* Weekly active users at t: points interpolated linearly and flat beyond the ends, or the
 * logistic cap / (1 + exp(-rate (t - midpoint))); 0 when demand is absent. O(points). */
double aif_demand_wau(const aif_scenario_inference *d, aif_time t);

/* Mean requests per second of class k at t, before the diurnal/weekly shape: its share of
 * WAU x dau_per_wau x prompts_per_dau / 86400, plus, for the API class, API tokens/s
 * (grown by api_growth_per_year per year from api_at) divided by the class's input +
 * output tokens per request. O(points). */
double aif_demand_requests_per_s_mean(const aif_scenario_inference *d, size_t k, aif_time t);

/* The profile factor at t for a scenario whose t = 0 is midnight UTC of `start`:
 * diurnal[hour] / mean(diurnal) x weekly[weekday] / mean(weekly) (Monday = 0); 1 when a
 * profile sums to 0. O(31). */
double aif_demand_shape(const aif_scenario_inference *d, aif_date start, aif_time t);

/* Output tokens per second of class k at t: mean requests x output tokens x shape. */
double aif_demand_tokens_per_s(const aif_scenario_inference *d, size_t k, aif_date start,
                               aif_time t);

/* The perf workload of a latency class (server, interactive, offline). O(1). */
aif_workload aif_demand_workload(aif_latency_class c);

/* Output tokens per second one GPU of `hw` sustains for class `c` at its latency target: the
 * performance model on one scale-up domain (hw->scaleup_domain_gpus GPUs, at most 72) at
 * the class precision (the hardware's inference precision when it lacks that one), through
 * `cache` (borrowed; its memo makes the hourly question O(1)). Errors: AIF_EINVAL (NULL),
 * the perf model's errors (AIF_ERANGE: the model does not fit or no batch meets the
 * target). */
aif_status aif_demand_tokens_per_gpu(aif_perf_cache *cache, const aif_scenario_model_class *c,
                                     const aif_perf_hw *hw, double *tokens_per_s_per_gpu);

#endif
