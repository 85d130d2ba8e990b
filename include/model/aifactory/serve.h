/* Request-level serving simulator: one deployment (a model on R replicas of TP GPUs each)
 * serving a stream of requests, iteration by iteration, as a vLLM/Sarathi-style engine does.
 *
 * Each replica runs iteration-level continuous batching with a token budget per iteration:
 * every running sequence that is decoding gets one token, then the rest of the budget goes
 * to prefill chunks (in-progress prompts first, then new requests in arrival order, up to
 * `max_running` sequences). KV cache is paged in blocks of `kv_block_tokens` tokens and
 * allocated block by block as sequences grow; when a decode step finds no free block the
 * newest running sequence is preempted and later recomputed (its prompt plus what it had
 * generated is prefilled again). An iteration costs what the performance model prices for
 * the batch actually formed (aif_perf_iteration_s), memoized by a bucketed batch shape.
 * Requests reach replicas through a router (round-robin or least outstanding tokens).
 *
 * Requests come from a source (aif_serve_source): synthetic Poisson arrivals with lengths
 * from aif_serve_lengths (aif_serve_synthetic_*), or a trace read by the io layer. Memory is
 * O(requests in flight): requests are pulled as their arrival time comes, and latencies go
 * to log-linear histograms (hist.h, within 0.4% of the exact percentiles).
 * Time is simulated in integer nanoseconds; the same source and config give bit-identical
 * results. docs/serve.md describes the model and what is not built yet. */
#ifndef AIFACTORY_SERVE_H
#define AIFACTORY_SERVE_H

#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/models.h"
#include "aifactory/perf.h"
#include "aifactory/precision.h"
#include "aifactory/rng.h"
#include "aifactory/status.h"

/* One request: when it arrives, how long its prompt is, how many tokens it generates. */
typedef struct aif_serve_request {
    double arrival_s; /* seconds from the start; ignored in closed loop (concurrency > 0) */
    long input_tokens;
    long output_tokens;
} aif_serve_request;

/* A stream of requests in non-decreasing arrival order. `next` returns AIF_OK with *out set,
 * AIF_EEMPTY when there are no more, or another status with `err` saying why (the
 * simulation stops and returns it). */
typedef struct aif_serve_source {
    void *ctx;
    aif_status (*next)(void *ctx, aif_serve_request *out, aif_error *err);
} aif_serve_source;

typedef enum aif_serve_route {
    AIF_SERVE_ROUTE_ROUND_ROBIN,  /* replica 0, 1, ..., R-1, 0, ... */
    AIF_SERVE_ROUTE_LEAST_TOKENS, /* fewest input + output tokens of unfinished requests;
                                     ties to the lowest index */
    AIF_SERVE_ROUTE_COUNT
} aif_serve_route;

/* "round-robin" / "least-tokens"; parse returns AIF_EINVAL for anything else. */
const char *aif_serve_route_name(aif_serve_route r);
aif_status aif_serve_route_parse(const char *name, aif_serve_route *out);

/* The deployment and the engine's settings; zeros pick the documented defaults. */
typedef struct aif_serve_config {
    const aif_model_spec *model; /* must outlive the run */
    const aif_perf_hw *hw;       /* one GPU of the system */
    const aif_perf_calib *calib; /* NULL = aif_perf_calib_default() */
    aif_precision precision;     /* weights (and FP8 KV cache below BF16) */
    int tp;                      /* GPUs per replica (tensor parallel) */
    int replicas;                /* >= 1 */
    int kv_block_tokens;         /* tokens per KV block; 0 = 16 */
    long token_budget;           /* tokens per iteration (decode + prefill); 0 = 8192 */
    long max_running;            /* sequences per replica; 0 = calib->max_batch */
    long concurrency;            /* > 0: closed loop, this many requests in flight */
    aif_serve_route route;
} aif_serve_config;

/* What the deployment holds, derived from the config (aif_serve_plan). KV capacity is the
 * HBM the calibration deems usable (calib->hbm_usable_frac: runtime, activations and
 * workspace take the rest) minus the weights, over the replica's GPUs. */
typedef struct aif_serve_layout {
    int tp, replicas, kv_block_tokens;
    long token_budget, max_running;
    double weight_bytes_per_gpu;
    double kv_bytes_per_token;   /* whole replica */
    double kv_bytes_per_replica; /* usable HBM minus weights, summed over the TP GPUs */
    long kv_blocks_per_replica;
    long kv_tokens_per_replica; /* blocks * block size */
} aif_serve_layout;

/* Check the config and derive its layout. Errors: AIF_EINVAL (NULL, non-positive sizes,
 * a precision the hardware lacks, a bad model spec, tp not dividing the model's heads,
 * max_running above 65,535 or token_budget above 1,048,576), AIF_ERANGE (tp beyond the
 * scale-up domain, or the weights leave no room for a KV block); err->message names the
 * value and what would work. O(1). */
aif_status aif_serve_plan(const aif_serve_config *cfg, aif_serve_layout *out, aif_error *err);

/* Mean and percentiles of one latency, in seconds (0 when nothing was measured). */
typedef struct aif_serve_stat {
    double mean, p50, p90, p99;
} aif_serve_stat;

typedef struct aif_serve_result {
    aif_serve_layout layout;
    long requests_completed;
    double duration_s;                  /* first arrival to last completion */
    aif_serve_stat ttft_s;              /* arrival to first token */
    aif_serve_stat tpot_s;              /* (e2e - ttft) / (output - 1), requests with output > 1 */
    aif_serve_stat e2e_s;               /* arrival to last token */
    aif_serve_stat queue_s;             /* arrival to first scheduled (first prefill chunk) */
    double input_tokens, output_tokens; /* of completed requests */
    double input_tokens_per_s, output_tokens_per_s, output_tokens_per_s_per_gpu;
    long preemptions;
    double prefix_hit_rate;        /* 0: prefix caching is not modelled yet */
    long iterations;               /* over all replicas */
    double mean_batch;             /* sequences per iteration (decode + prefill), mean */
    double mean_batch_tokens;      /* tokens per iteration, mean */
    double mean_kv_occupancy;      /* KV blocks in use / blocks, time-weighted over the run */
    double peak_kv_occupancy;      /* the highest fraction any replica reached (never above 1) */
    long peak_in_flight;           /* most requests arrived and not finished at once */
    long kv_blocks_at_end;         /* blocks still held once every request finished: 0 */
    long price_hits, price_misses; /* iteration-price cache */
} aif_serve_result;

/* Simulate until the source is exhausted (or `max_requests` > 0 requests were taken) and
 * every request finished. The source is only read forward, one request ahead.
 * Errors: as aif_serve_plan; AIF_ERANGE for a request that cannot be served (input + output
 * beyond the model's context, or more KV than a replica can ever hold; the message says
 * which request, 1-based, and the limit); AIF_EINVAL for a request with lengths below 1 or
 * an arrival that is negative, not finite or earlier than the one before; AIF_ENOMEM;
 * whatever the source returns. Cost: O(iterations + requests * log(requests in flight)),
 * memory O(requests in flight). */
aif_status aif_serve_run(const aif_allocator *a, const aif_serve_config *cfg, aif_serve_source *src,
                         long max_requests, aif_serve_result *out, aif_error *err);

/* ---- Synthetic workloads ---- */

/* A token-length distribution; draws are rounded to whole tokens and are at least 1. */
typedef enum aif_serve_len_kind {
    AIF_SERVE_LEN_FIXED,     /* a */
    AIF_SERVE_LEN_UNIFORM,   /* integers in [a, b] */
    AIF_SERVE_LEN_EXP,       /* exponential with mean a, capped at b (0: no cap) */
    AIF_SERVE_LEN_LOGNORMAL, /* median a, log-space sigma b, capped at c (0: no cap) */
} aif_serve_len_kind;

typedef struct aif_serve_lengths {
    aif_serve_len_kind kind;
    double a, b, c;
} aif_serve_lengths;

/* Parse "N", "uniform:LO:HI", "exp:MEAN[:MAX]" or "lognormal:MEDIAN:SIGMA[:MAX]" (all
 * numbers positive; LO <= HI). Errors: AIF_EPARSE with err->offset at the bad character
 * and the message saying what was expected. O(length). */
aif_status aif_serve_lengths_parse(const char *text, aif_serve_lengths *out, aif_error *err);

/* Mean of the distribution before rounding and capping (for reports). O(1). */
double aif_serve_lengths_mean(const aif_serve_lengths *l);

/* Draw one length. O(1). */
long aif_serve_lengths_draw(const aif_serve_lengths *l, aif_rng *r);

/* Poisson arrivals at `rate_per_s` (0: all at time 0, as closed loop wants) with input and
 * output lengths drawn independently. Arrivals, inputs and outputs use three streams of
 * `seed`, so changing the rate keeps the same lengths and scales the same gaps. */
typedef struct aif_serve_synthetic {
    aif_serve_lengths input, output;
    double rate_per_s;
    double clock_s;
    aif_rng arrivals, inputs, outputs;
} aif_serve_synthetic;

/* Set up `g` and the source `src` reading from it (endless: bound it with max_requests). */
void aif_serve_synthetic_init(aif_serve_synthetic *g, const aif_serve_lengths *input,
                              const aif_serve_lengths *output, double rate_per_s, uint64_t seed,
                              aif_serve_source *src);

#endif
