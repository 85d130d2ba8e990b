/* Serving goodput under a benchmark's own latency constraints: what `aifactory perf
 * --workload server|interactive` answers. Each latency workload maps, for a model, to the
 * MLPerf Inference benchmark that defines it (its p99 TTFT and TPOT limits and its request
 * length mix); the answer is the serving simulator's goodput (serve.h,
 * aif_serve_find_capacity) under those limits, not the closed-form steady state of
 * aif_perf_infer. docs/perf.md ("Server and interactive: the serving simulator") describes
 * the mapping, its sources and the trade-off of requests per probe. */
#ifndef AIFACTORY_PERF_SERVE_H
#define AIFACTORY_PERF_SERVE_H

#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/models.h"
#include "aifactory/perf.h"
#include "aifactory/serve.h"
#include "aifactory/status.h"

/* One MLPerf latency benchmark: limits and the request length mix it draws. */
typedef struct aif_mlperf_benchmark {
    const char *name;     /* "llama2-70b server", "llama2-70b-interactive", ... */
    const char *model_id; /* our model id it maps */
    aif_workload workload;
    double ttft_p99_s, tpot_p99_s;
    aif_serve_lengths input, output; /* the length mix (documented; ASSUMPTION where marked) */
    int own;                         /* 1: the benchmark of this model; 0: a model without
                                        one gets the Llama-2-70B limits of the workload */
    const char *source;              /* short citation (URL in docs/sources.md) */
} aif_mlperf_benchmark;

/* The benchmark behind `workload` (server or interactive) for `model_id`: its own MLPerf
 * benchmark where one exists (llama2-70b, llama3.1-405b, llama3.1-8b, mixtral-8x7b), else
 * Llama-2-70B's limits and length mix with out->own = 0. Errors: AIF_EINVAL (NULL, or a
 * workload other than server or interactive). O(table). */
aif_status aif_mlperf_benchmark_for(const char *model_id, aif_workload workload,
                                    aif_mlperf_benchmark *out);

/* The query: the deployment of `perf` plus the simulation's size. */
typedef struct aif_perf_serve_query {
    const aif_model_spec *model;
    const aif_perf_hw *hw;
    long gpus;
    aif_precision precision;
    aif_workload workload; /* server or interactive */
    int tp;                /* 0: the TP aif_perf_infer picks for this workload at one stage */
    /* Mean lengths; 0 = the benchmark's mix. A mean given keeps the mix's shape (its
     * distribution is scaled to that mean). */
    double input_tokens, output_tokens;
    long requests; /* per probe; 0 = AIF_PERF_SERVE_REQUESTS */
    uint64_t seed; /* 0 = 1 */
    /* Limits in seconds; 0 = the benchmark's. A caller with its own latency target (the
     * fleet's latency classes) sets both. */
    double ttft_p99_s, tpot_p99_s;
    double tolerance; /* relative width of the capacity bracket; 0 = the search's 0.01 */
    /* Both 0: colocated replicas of tp GPUs. Both >= 1: one disaggregated unit of
     * prefill_replicas prefill and decode_replicas decode replicas of tp GPUs each on `hw`
     * (serve.h), its goodput per GPU over the unit's GPUs and scaled to `gpus`. */
    int prefill_replicas, decode_replicas;
} aif_perf_serve_query;

/* Requests per probe by default: the answer moves by under 1% past it on the MLPerf rows
 * (docs/perf.md, "Requests per probe"). */
#define AIF_PERF_SERVE_REQUESTS 8000

typedef struct aif_perf_serve_result {
    aif_mlperf_benchmark bench;
    int tp;
    int prefill_replicas, decode_replicas; /* the query's: 0 colocated */
    long replicas;
    double goodput_requests_per_s; /* whole system */
    double tokens_per_s;           /* output tokens of the goodput, whole system */
    double tokens_per_s_per_gpu;
    double input_mean, output_mean; /* of the simulated requests */
    double ttft_p99_s, tpot_p99_s;  /* at the rate found (one replica) */
    double mean_batch;              /* sequences per iteration at that rate */
    double offline_tokens_per_s;    /* aif_perf_infer offline at the same TP, for reference */
    long requests_per_probe;
    int probes;
    double ttft_limit_s, tpot_limit_s; /* the limits simulated (the benchmark's or the query's) */
    char message[200];                 /* why a query failed */
} aif_perf_serve_result;

/* Goodput of `gpus` GPUs as replicas of `tp` GPUs at the benchmark's limits. One replica
 * is simulated, fed 1/replicas of the Poisson stream (a random split of a Poisson stream
 * is Poisson), and its goodput is multiplied by the replicas: the answer of random routing,
 * and replicas times cheaper than simulating them all. Deterministic for a query.
 * Errors: AIF_EINVAL (NULL, a workload other than server or interactive, bad sizes, a
 * precision the hardware lacks), AIF_ERANGE (no layout fits, tp does not divide gpus, or
 * no rate meets the limits; out->message says which). Cost: ~20 simulations of
 * `requests` requests on one replica (release build: ~0.3-0.6 s at 8,000). */
aif_status aif_perf_serve_goodput(const aif_allocator *a, const aif_perf_calib *calib,
                                  const aif_perf_serve_query *q, aif_perf_serve_result *out);

#endif
