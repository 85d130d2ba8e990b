/* Inference demand: weekly active users over time -> daily actives -> prompts -> output
 * tokens per second per model class, shaped by a diurnal (24 weights) and a weekly (7
 * weights) profile, plus API traffic; and the tokens per second one GPU sustains at the
 * class's latency target: the serving simulator's goodput through a goodput cache, or the
 * performance model's closed form through its cache (docs/run.md "Inference sizing").
 *
 * It reads the bound scenario's demand section (aif_scenario_inference, scenario.h), a
 * transparent struct, so tests build one by hand. Profiles are divided by their mean, so
 * averaged over a whole week the shaped rate equals the unshaped daily mean: the profile
 * moves load between hours, it never adds or removes tokens. Nothing here allocates but
 * the borrowed goodput cache. */
#ifndef AIFACTORY_DEMAND_H
#define AIFACTORY_DEMAND_H

#include <stddef.h>

#include "aifactory/goodput_cache.h"
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

/* The latency target of a class as p99 limits in seconds: server TTFT 2 s and TPOT 200 ms,
 * interactive 450 ms and 40 ms (MLPerf Inference's Llama 2 70B server and interactive
 * limits, the reference of each class whatever model it serves); offline has none (both
 * 0). Returns 0 for offline, else 1. */
int aif_demand_latency_target(aif_latency_class c, double *ttft_p99_s, double *tpot_p99_s);

/* Class `c`'s latency target: its own ttft_p99_s / tpot_p99_s where set (> 0), else its
 * latency class's (aif_demand_latency_target). Returns 0 for offline, else 1. O(1). */
int aif_demand_class_target(const aif_scenario_model_class *c, double *ttft_p99_s,
                            double *tpot_p99_s);

/* The query the fleet asks of the serving simulator for class `c` on `hw`: one scale-up
 * domain (at most 72 GPUs) at the class precision (the hardware's inference precision when
 * it lacks that one), the class's latency target (aif_demand_class_target) and its mean input and
 * output lengths (the MLPerf mix's shape scaled to those means, perf_serve.h). Only for server and
 * interactive classes. */
aif_perf_serve_query aif_demand_serve_query(const aif_scenario_model_class *c,
                                            const aif_perf_hw *hw);

/* The serving simulator's best goodput for class `c` on one scale-up domain of `hw`: each
 * TP of 1, 2, 4 and 8 that divides the domain is simulated (a disaggregated class: at
 * prefill:decode splits of 1:1, 2:1 and 1:2 replicas of that TP, best->prefill_replicas and
 * decode_replicas telling which won) (aif_demand_serve_query with
 * that TP, through `goodput`, borrowed) and the highest output tokens/s per GPU is kept,
 * as an operator deploys the layout that serves most per GPU (the closed form's TP pick
 * can miss the latency target the simulator measures). Server and interactive classes
 * only. Errors: AIF_EINVAL (NULL, an offline class), AIF_ENOMEM, and, when no TP meets
 * the target, the widest TP's (AIF_ERANGE with best->message). Cost: up to 4 (disaggregated: 12)
 * simulations per new combination. */
aif_status aif_demand_serve_goodput(aif_goodput_cache *goodput, const aif_scenario_model_class *c,
                                    const aif_perf_hw *hw, aif_perf_serve_result *best);

/* The simulation effort of the fleet's goodput sizing (a goodput cache's, fixed for a
 * run): AIF_DEMAND_GOODPUT_REQUESTS requests per capacity probe, the search's default
 * tolerance (1%), seed 1. An eighth of `perf`'s 8,000, so that sizing the default run
 * costs seconds rather than half a minute; docs/run.md "Inference sizing" measures what
 * it costs in accuracy. */
#define AIF_DEMAND_GOODPUT_REQUESTS 1000
/* Output tokens per probe at most (3.5 M: the default's longest class, 3,000-token answers,
 * keeps its 1,000 requests); a class with longer answers gets fewer requests. */
#define AIF_DEMAND_GOODPUT_MAX_OUTPUT_TOKENS 3.5e6
aif_goodput_effort aif_demand_goodput_effort(void);

/* Output tokens per second one GPU of `hw` sustains for class `c`, sized as `sizing` says:
 * AIF_SIZING_GOODPUT asks the serving simulator (aif_demand_serve_goodput: each
 * combination is simulated once per cache) for server and interactive classes; offline classes,
 * AIF_SIZING_CLOSED_FORM, or `goodput` NULL take aif_demand_tokens_per_gpu. Errors: AIF_EINVAL
 * (NULL), and those of the model asked (AIF_ERANGE: the model does not fit or no rate meets the
 * target). */
aif_status aif_demand_sized_tokens_per_gpu(aif_perf_cache *cache, aif_goodput_cache *goodput,
                                           aif_inference_sizing sizing,
                                           const aif_scenario_model_class *c, const aif_perf_hw *hw,
                                           double *tokens_per_s_per_gpu);

#endif
