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
 * Requests reach replicas through a router (round-robin, least outstanding tokens or
 * prefix affinity). With swap preemption a preempted sequence's KV goes to host memory
 * over the host link and comes back, each copy adding its time to the iteration.
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
    /* What the prompt shares with other prompts, for prefix caching (all zero: nothing;
     * the simulator clears these before asking a source, so an older source stays valid).
     * Either way only whole blocks inside the prompt can be cached or hit.
     * - hash_ids: block i of hash_block_tokens tokens, tokens [i*G, (i+1)*G), is named by
     *   hash_ids[i] (Mooncake's traces: G = 512); two prompts share block i when their ids
     *   0..i are equal. The array stays valid until the source's next call.
     * - prefix_id: the first prefix_tokens tokens are the same text in every request with
     *   this id (a system prompt, a shared document); the simulator cuts them into its own
     *   KV blocks. Used when hash_count is 0. */
    const uint64_t *hash_ids;
    long hash_count;
    long hash_block_tokens;
    uint64_t prefix_id;
    long prefix_tokens;
} aif_serve_request;

/* A stream of requests in non-decreasing arrival order. `next` returns AIF_OK with *out set,
 * AIF_EEMPTY when there are no more, or another status with `err` saying why (the
 * simulation stops and returns it). */
typedef struct aif_serve_source {
    void *ctx;
    aif_status (*next)(void *ctx, aif_serve_request *out, aif_error *err);
} aif_serve_source;

typedef enum aif_serve_route {
    AIF_SERVE_ROUTE_ROUND_ROBIN,     /* replica 0, 1, ..., R-1, 0, ... */
    AIF_SERVE_ROUTE_LEAST_TOKENS,    /* fewest input + output tokens of unfinished requests;
                                        ties to the lowest index */
    AIF_SERVE_ROUTE_PREFIX_AFFINITY, /* the replica whose prefix cache holds the longest
                                        leading part of the prompt; ties (no prefix
                                        anywhere included) as least-tokens */
    AIF_SERVE_ROUTE_COUNT
} aif_serve_route;

/* "round-robin", "least-tokens" or "prefix-affinity"; parse returns AIF_EINVAL for
 * anything else. */
const char *aif_serve_route_name(aif_serve_route r);
aif_status aif_serve_route_parse(const char *name, aif_serve_route *out);

/* What happens to a running sequence evicted from the KV cache when a decode step finds no
 * free block (vLLM's preemption modes). */
typedef enum aif_serve_preemption {
    AIF_SERVE_PREEMPT_RECOMPUTE, /* its blocks are freed and its prompt plus output so far is
                                    prefilled again later */
    AIF_SERVE_PREEMPT_SWAP,      /* a decoding sequence's blocks are copied to host memory over
                                    the host link and copied back when blocks free up; a
                                    sequence still prefilling, or one the host swap space
                                    cannot hold, is recomputed */
    AIF_SERVE_PREEMPT_COUNT
} aif_serve_preemption;

/* "recompute" or "swap"; parse returns AIF_EINVAL for anything else. */
const char *aif_serve_preemption_name(aif_serve_preemption p);
aif_status aif_serve_preemption_parse(const char *name, aif_serve_preemption *out);

/* When a waiting request may start (its prefill admitted). Greedy (vLLM): whenever its next
 * prefill chunk fits in the free blocks; running sequences may later run out of blocks and
 * be preempted. Reserve (TensorRT-LLM's GUARANTEED_NO_EVICT, its default): only when the
 * blocks of its whole prompt and output fit beside those reserved for every running
 * sequence, so none is ever preempted; shared prefix blocks are reserved by each sequence
 * that uses them (a conservative count). */
typedef enum aif_serve_admission {
    AIF_SERVE_ADMIT_GREEDY,
    AIF_SERVE_ADMIT_RESERVE,
    AIF_SERVE_ADMIT_COUNT
} aif_serve_admission;

/* "greedy" or "reserve"; parse returns AIF_EINVAL for anything else. */
const char *aif_serve_admission_name(aif_serve_admission a);
aif_status aif_serve_admission_parse(const char *name, aif_serve_admission *out);

/* Host link of one GPU of `hw`, bytes/s in one direction, for KV swapping: NVLink-C2C to
 * the Grace CPU on GB200/GB300 (900 GB/s both ways per superchip of two GPUs: 225 GB/s
 * per GPU per direction when both swap at once), PCIe Gen4 x16 on A100 (32 GB/s), PCIe
 * Gen5 x16 otherwise (64 GB/s). docs/serve.md "Preemption by swap" has the sources. */
double aif_serve_host_link_bytes_per_s(const aif_perf_hw *hw);

/* One finished request, handed to an observer (a caller that keeps every request, such as
 * `serve -o DIR`). Times are seconds from the simulation's start (closed loop: from 0). */
typedef struct aif_serve_request_record {
    long id; /* arrival order, from 0 */
    int replica;
    double arrival_s, scheduled_s, first_token_s, finish_s;
    long input_tokens, output_tokens;
    long preemptions;   /* times this request was preempted and recomputed */
    long cached_tokens; /* prompt tokens found in the prefix cache when first scheduled */
} aif_serve_request_record;

/* One iteration as it starts on a replica. */
typedef struct aif_serve_iteration_record {
    double start_s, end_s;
    int replica;
    long sequences;      /* decode + prefill sequences in the batch */
    long tokens;         /* decode + prefill tokens */
    long kv_blocks_used; /* on this replica, after the batch took its blocks */
} aif_serve_iteration_record;

/* Optional callbacks; either may be NULL. A status other than AIF_OK stops the run and is
 * returned (err says "serve: the request observer failed" unless the callback reports through its
 * own context). Called in simulated-time order. */
typedef struct aif_serve_observer {
    void *ctx;
    aif_status (*request)(void *ctx, const aif_serve_request_record *r);
    aif_status (*iteration)(void *ctx, const aif_serve_iteration_record *it);
} aif_serve_observer;

/* Prefill/decode disaggregation (DistServe, Splitwise; serve_disagg.c, docs/serve.md): the
 * config's replicas x TP GPUs of its system become the prefill pool, and these settings the
 * decode pool. A request is prefilled on a prefill replica (its first token comes from
 * there), its KV cache (context tokens x aif_perf_kv_bytes_per_token at the config's
 * precision) crosses the link between the pools, and a decode replica generates the rest.
 * Transfers are FIFO: each prefill replica sends one at a time and each decode replica
 * receives one at a time, at min(egress, ingress) bytes/s, and a transfer starts only when
 * a decode replica has the KV blocks free for it (least outstanding tokens among those). */
typedef struct aif_serve_disagg {
    int decode_replicas;          /* >= 1 */
    int decode_tp;                /* GPUs per decode replica; 0 = the config's tp */
    const aif_perf_hw *decode_hw; /* one GPU of the decode system; NULL = the config's hw */
    /* Bytes/s of one transfer; 0 = derived (aif_serve_kv_link): each replica's GPUs send
     * their KV shards over their own links, at the calibration's link efficiency. */
    double link_bytes_per_s;
    /* 0: a prompt's KV moves after its prefill ends. 1: layer by layer during the
     * iteration that ends its prefill (Splitwise), as far as both ends of the link were
     * idle then; the last layer's share always moves after. */
    int layerwise;
} aif_serve_disagg;

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
    const aif_serve_observer *observer; /* NULL: nothing is reported per request */
    /* 1: KV blocks of prompts that name shared blocks (aif_serve_request's hash_ids and
     * prefix_id) stay cached after use, reference-counted while sequences use them and
     * evicted least recently used first when free blocks run short; a prompt whose leading
     * blocks are cached skips their prefill. 0: off (every prompt prefilled whole). */
    int prefix_caching;
    /* Pipeline stages per replica (0 = 1): must divide the model's layers; each stage's
     * GPUs hold layers / pp of it and the batch runs as micro-batches in flight across the
     * stages (aif_perf_iteration_par_s). */
    int pp;
    /* MoE expert parallelism (0 or 1 = none): each stage's routed experts spread whole over
     * `ep` GPUs, a multiple of tp dividing the model's experts; the rest runs data parallel
     * over ep / tp groups of tp GPUs (aif_perf_parallel). A replica is then pp x ep GPUs.
     * pp and ep are for colocated replicas: aif_serve_plan refuses them with `disagg`. */
    int ep;
    /* NULL: every replica prefills and decodes (colocated). Otherwise the replicas above are
     * the prefill pool and this the decode pool (must outlive the run). */
    const aif_serve_disagg *disagg;
    aif_serve_preemption preemption; /* recompute (0, the default) or swap */
    aif_serve_admission admission;   /* greedy (0, the default) or reserve; reserve takes
                                        neither swap nor `disagg` (aif_serve_plan refuses) */
    double swap_space_bytes;         /* swap: host memory per GPU; 0 = 4 GiB (vLLM's default) */
    double host_link_bytes_per_s;    /* swap: per GPU and direction; 0 = the system's
                                        (aif_serve_host_link_bytes_per_s) */
} aif_serve_config;

typedef enum aif_serve_link {
    AIF_SERVE_LINK_SCALEOUT, /* the GPUs' NICs */
    AIF_SERVE_LINK_SCALEUP,  /* NVLink: both pools in one scale-up domain */
    AIF_SERVE_LINK_GIVEN,    /* aif_serve_disagg.link_bytes_per_s */
} aif_serve_link;

/* "scale-out", "scale-up" or "given". */
const char *aif_serve_link_name(aif_serve_link l);

/* The link a disaggregated config's KV transfers cross: bytes/s of one transfer and
 * which fabric (`kind` may be NULL); 0 for a colocated config. Scale-up when both pools are the
 * same system and all their GPUs fit in one scale-up domain (an NVL72 rack), else scale-out (the
 * NICs); per replica tp x the per-GPU bandwidth x calib->link_eff, the slower side of the two pools
 * bounding a transfer; disagg->link_bytes_per_s overrides. O(1). */
double aif_serve_kv_link(const aif_serve_config *cfg, aif_serve_link *kind);

/* What the deployment holds, derived from the config (aif_serve_plan). KV capacity is the
 * HBM the calibration deems usable (calib->hbm_usable_frac: runtime, activations and
 * workspace take the rest) minus the weights, over the replica's GPUs. */
typedef struct aif_serve_layout {
    int tp, replicas, kv_block_tokens;
    int pp, ep;            /* 1 when not used */
    long gpus_per_replica; /* tp x pp, or ep x pp with expert parallelism */
    long token_budget, max_running;
    double weight_bytes_per_gpu;
    double kv_bytes_per_token;   /* whole replica */
    double kv_bytes_per_replica; /* usable HBM minus weights, summed over the replica's GPUs */
    long kv_blocks_per_replica;
    long kv_tokens_per_replica; /* blocks * block size */
    /* swap preemption only (else 0): KV blocks the replica's host swap space holds and the
     * replica's host link (its GPUs' links side by side), bytes/s per direction */
    long swap_blocks_per_replica;
    double host_link_bytes_per_s;
} aif_serve_layout;

/* Check the config and derive its layout. Errors: AIF_EINVAL (NULL, non-positive sizes,
 * a precision the hardware lacks, a bad model spec, tp not dividing the model's heads,
 * pp not dividing its layers, ep on a dense model, not dividing its experts or not a
 * multiple of tp, pp or ep above 1 with disagg,
 * max_running above 65,535 or token_budget above 1,048,576), AIF_ERANGE (tp beyond the
 * scale-up domain, or the weights leave no room for a KV block); err->message names the
 * value and what would work. O(1). */
aif_status aif_serve_plan(const aif_serve_config *cfg, aif_serve_layout *out, aif_error *err);

/* Mean and percentiles of one latency, in seconds (0 when nothing was measured). */
typedef struct aif_serve_stat {
    double mean, p50, p90, p99;
} aif_serve_stat;

/* One pool of a disaggregated deployment. */
typedef struct aif_serve_pool {
    int replicas, tp;
    long iterations;
    double mean_batch, mean_batch_tokens; /* per iteration */
    double utilization;                   /* busy time / (duration x replicas) */
    double mean_kv_occupancy, peak_kv_occupancy;
    long preemptions;
} aif_serve_pool;

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
    double prefix_hit_rate;        /* prompt tokens found cached when first scheduled / prompt
                                      tokens, over completed requests (0 without caching) */
    long iterations;               /* over all replicas */
    double mean_batch;             /* sequences per iteration (decode + prefill), mean */
    double mean_batch_tokens;      /* tokens per iteration, mean */
    double mean_kv_occupancy;      /* KV blocks in use / blocks, time-weighted over the run */
    double peak_kv_occupancy;      /* the highest fraction any replica reached (never above 1) */
    long peak_in_flight;           /* most requests arrived and not finished at once */
    long kv_blocks_at_end;         /* blocks still held once every request finished: 0 */
    long price_hits, price_misses; /* iteration-price cache */
    double prefix_hit_tokens;      /* numerator of prefix_hit_rate */
    long prefix_evictions;         /* cached prefix blocks evicted: a trace's hash blocks (each
                                      G / kv_block_tokens KV blocks), or KV blocks of a named
                                      prefix */
    /* Disaggregated runs only (cfg->disagg; all zero otherwise). `layout` is then the
     * prefill pool's; iterations, batches and KV occupancy above cover both pools, the
     * occupancy as a fraction of all their blocks, its peak the higher pool's. */
    int disaggregated;
    aif_serve_layout decode_layout;
    aif_serve_pool prefill_pool, decode_pool;
    long kv_transfers;            /* KV caches moved from prefill to decode */
    double kv_transfer_bytes;     /* their bytes */
    aif_serve_stat kv_transfer_s; /* first token to the KV on a decode replica: the wait for
                                     a link and free blocks plus bytes / link_bytes_per_s */
    double kv_link_bytes_per_s;   /* of one transfer (aif_serve_kv_link) */
    aif_serve_link kv_link;       /* which fabric */
    /* Swap preemption (0 under recompute): sequences swapped out to host memory and back
     * in (each swap-out is also a preemption), bytes moved both ways, the seconds the
     * transfers added to iterations, the host swap space's peak occupancy (fraction of
     * swap_blocks_per_replica, the highest replica) and its blocks still held at the end
     * (0: none lost). */
    long swap_outs, swap_ins;
    double swap_bytes, swap_s;
    double peak_swap_occupancy;
    long swap_blocks_at_end;
} aif_serve_result;

/* Simulate until the source is exhausted (or `max_requests` > 0 requests were taken) and
 * every request finished. The source is only read forward, one request ahead.
 * Errors: as aif_serve_plan; AIF_ERANGE for a request that cannot be served (input + output
 * beyond the model's context, or more KV than a replica can ever hold; the message says
 * which request, 1-based, and the limit); AIF_EINVAL for a request with lengths below 1,
 * an arrival that is negative, not finite or earlier than the one before, a shared prefix
 * longer than its prompt, or (prefix caching on) hash blocks that are not a whole number
 * of KV blocks; AIF_ENOMEM;
 * whatever the source returns. Cost: O(iterations + requests * log(requests in flight)),
 * times O(log replicas) for the event heap and least-tokens routing, plus O(prompt
 * blocks) per request that shares a prefix (with prefix-affinity routing, times the
 * replicas caching the unit that decides it); memory O(requests in flight) plus each
 * replica's cached blocks (at most its KV cache) and, swapping, nothing per block. */
aif_status aif_serve_run(const aif_allocator *a, const aif_serve_config *cfg, aif_serve_source *src,
                         long max_requests, aif_serve_result *out, aif_error *err);

/* The prefix-hit rate the requests of `src` would get from one cache that never evicts
 * and sees every request's prompt before the next arrives (an upper bound for any number
 * of replicas, any routing and any cache size): each prompt's leading whole blocks already
 * computed by an earlier prompt, at most its length less one token, as aif_serve_run
 * counts a hit, over all prompt tokens. `block` is the KV block size (aif_serve_layout's
 * kv_block_tokens). Reads up to max_requests requests (0: all). Errors: AIF_EINVAL (NULL,
 * a block below 1, a request with no prompt or hash blocks that are not whole KV blocks),
 * AIF_ENOMEM, whatever the source returns. Cost O(prompt blocks); memory O(distinct
 * blocks), not O(requests in flight): for measurement, not inside a fleet run. */
aif_status aif_serve_prefix_bound(const aif_allocator *a, aif_serve_source *src, int block,
                                  long max_requests, double *rate, aif_error *err);

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

/* Poisson arrivals at `rate_per_s` (0: all at time 0, as closed loop wants; gamma gaps with
 * aif_serve_synthetic_set_arrival_cv) with input and output lengths drawn independently
 * (or as pairs from a mix, aif_serve_synthetic_set_mix). Arrivals, inputs and outputs use three
 * streams of `seed`, so changing the rate keeps the same lengths and scales the same gaps. */
typedef struct aif_serve_synthetic {
    aif_serve_lengths input, output;
    double rate_per_s;
    double clock_s;
    aif_rng arrivals, inputs, outputs;
    double arrival_cv; /* gaps' coefficient of variation; 1 = Poisson (the default) */
    const long *mix;   /* NULL, or [2 * mix_count] (input, output) pairs to draw from */
    long mix_count;
} aif_serve_synthetic;

/* Set up `g` and the source `src` reading from it (endless: bound it with max_requests). */
void aif_serve_synthetic_init(aif_serve_synthetic *g, const aif_serve_lengths *input,
                              const aif_serve_lengths *output, double rate_per_s, uint64_t seed,
                              aif_serve_source *src);

/* Gamma-distributed gaps between arrivals with mean 1 / rate and coefficient of variation
 * `cv` (shape 1 / cv^2): below 1 more regular than Poisson, above 1 burstier; cv = 1 draws
 * exactly the Poisson gaps aif_serve_synthetic_init's source draws. Call after init.
 * Errors: AIF_EINVAL unless 0.01 <= cv <= 100. */
aif_status aif_serve_synthetic_set_arrival_cv(aif_serve_synthetic *g, double cv, aif_error *err);

/* Draw each request's (input, output) lengths jointly: one of `count` pairs
 * pairs[2i], pairs[2i + 1], equally likely, from the inputs stream (a trace's empirical
 * mix, aif_serve_trace_lengths). The pairs stay the caller's and must outlive the source;
 * the length distributions are then unused. Errors: AIF_EINVAL (NULL, count < 1 or a
 * length below 1). O(count) to check. */
aif_status aif_serve_synthetic_set_mix(aif_serve_synthetic *g, const long *pairs, long count,
                                       aif_error *err);

/* Parse --arrivals: "poisson" (cv 1) or "gamma:CV". Errors: AIF_EPARSE. */
aif_status aif_serve_arrivals_parse(const char *text, double *cv, aif_error *err);

/* ---- Capacity at a latency target (serve_capacity.c) ---- */

/* The latencies a service-level objective (SLO) may bound. */
typedef enum aif_serve_slo_metric {
    AIF_SERVE_SLO_TTFT_P50,
    AIF_SERVE_SLO_TTFT_P90,
    AIF_SERVE_SLO_TTFT_P99,
    AIF_SERVE_SLO_TPOT_P50,
    AIF_SERVE_SLO_TPOT_P90,
    AIF_SERVE_SLO_TPOT_P99,
    AIF_SERVE_SLO_E2E_P50,
    AIF_SERVE_SLO_E2E_P90,
    AIF_SERVE_SLO_E2E_P99,
    AIF_SERVE_SLO_COUNT
} aif_serve_slo_metric;

/* Upper bounds in seconds; 0 = that latency is not bounded. */
typedef struct aif_serve_slo {
    double limit_s[AIF_SERVE_SLO_COUNT];
} aif_serve_slo;

/* "ttft_p99", "tpot_p50", "e2e_p99", ...; "?" out of range. */
const char *aif_serve_slo_name(aif_serve_slo_metric m);

/* Parse "NAME=DURATION[,NAME=DURATION...]", e.g. "ttft_p99=2s,tpot_p99=200ms": names as
 * aif_serve_slo_name gives them, durations as aif_duration_parse reads them (a unit is
 * required), each above 0. Errors: AIF_EPARSE with err->offset at the bad character
 * (an unknown name, a name twice, a missing '=', a bad or zero duration). O(length). */
aif_status aif_serve_slo_parse(const char *text, aif_serve_slo *out, aif_error *err);

/* The latency `m` of a result, in seconds. O(1). */
double aif_serve_slo_measured(const aif_serve_result *r, aif_serve_slo_metric m);

/* The first bounded latency of `r` above its limit, or -1 when `r` meets the SLO (an SLO
 * with no bound is always met). O(1). */
int aif_serve_slo_violated(const aif_serve_slo *slo, const aif_serve_result *r);

/* The search for the highest Poisson arrival rate that meets an SLO. */
typedef struct aif_serve_capacity_query {
    const aif_serve_config *cfg; /* concurrency must be 0; the observer is not called */
    aif_serve_lengths input, output;
    uint64_t seed;
    long requests;    /* per probe; 0 = 1000 */
    double tolerance; /* relative width of the answer's bracket; 0 = 0.01; 1e-4 to 1 */
    aif_serve_slo slo;
    double arrival_cv; /* gamma gaps (aif_serve_synthetic_set_arrival_cv); 0 = Poisson */
    const long *mix;   /* NULL, or pairs to draw lengths from (aif_serve_synthetic_set_mix) */
    long mix_count;
} aif_serve_capacity_query;

/* One simulated rate: whether it met the SLO and the latencies measured. */
typedef struct aif_serve_probe {
    double rate_per_s;
    int meets;
    double measured_s[AIF_SERVE_SLO_COUNT];
} aif_serve_probe;

#define AIF_SERVE_CAPACITY_MAX_PROBES 64

typedef struct aif_serve_capacity {
    double rate_per_s;         /* the highest rate found to meet the SLO */
    double failing_rate_per_s; /* rate_per_s * (1 + tolerance): probed, and it fails */
    /* Goodput: the arrival rate served within the SLO (rate_per_s), and the output tokens
     * per second those requests carry (rate_per_s x the mean output of the requests). */
    double goodput_requests_per_s;
    double goodput_output_tokens_per_s;
    double goodput_output_tokens_per_s_per_gpu;
    aif_serve_result at_rate;   /* the run at rate_per_s */
    double arrival_span_s;      /* its first to last arrival */
    aif_serve_result zero_load; /* the same requests one at a time (concurrency 1) */
    int probe_count;            /* the zero-load run is not counted */
    aif_serve_probe probes[AIF_SERVE_CAPACITY_MAX_PROBES];
} aif_serve_capacity;

/* Search the highest Poisson arrival rate at which q->requests requests drawn with
 * q->seed meet q->slo (every arrival rate replays the same requests, only closer together
 * or further apart), by deterministic geometric bisection. The SLO must bound TTFT or
 * end-to-end latency: beyond capacity the queue grows and only those see it; it grows over
 * the arrival span (requests / rate), so the span should be well above the bound (with
 * fewer requests the answer overestimates). Steps:
 *  1. the requests run one at a time (concurrency 1): the latencies of a near-zero load;
 *     if they miss the SLO no rate meets it: AIF_ERANGE, the message naming the bound and
 *     the latency achieved;
 *  2. the first probe is R / (mean end-to-end latency at near-zero load), the rate the R
 *     replicas sustain serving one request each; from there the rate doubles while the
 *     SLO holds (or halves while it fails) until a rate that meets and one that fails
 *     bracket the answer;
 *  3. the bracket [lo, hi] shrinks at its geometric mean (never below lo * (1 + tol)) until
 *     hi = lo * (1 + tol) has been probed and fails.
 * So the answer meets the SLO and the rate (1 + tol) above it does not, both simulated;
 * the same query gives the same answer. Errors: those of aif_serve_run (for the first
 * probe that fails); AIF_EINVAL (a closed-loop config, no TTFT or end-to-end bound in the
 * SLO, a tolerance outside [1e-4, 1]); AIF_ERANGE (the SLO is missed at near-zero load, or
 * still met at 1e9 requests/s, or the search took more than AIF_SERVE_CAPACITY_MAX_PROBES probes).
 * Cost: up to ~20 runs of q->requests requests for tol = 0.01; memory as one run. */
aif_status aif_serve_find_capacity(const aif_allocator *a, const aif_serve_capacity_query *q,
                                   aif_serve_capacity *out, aif_error *err);

#endif
