/* Performance model: training and inference throughput of an LLM on a GPU system, from
 * first principles (FLOPs, bytes moved, collective sizes, pipeline bubble) with a few
 * calibrated efficiency parameters.
 *
 * The model works on plain value types: a hardware description (aif_perf_hw), a model spec
 * (models.h) and the calibration (aif_perf_calib). A small built-in hardware table holds the
 * accelerators the calibration needs (sources in src/model/perf_hw.c and docs/perf.md); any
 * hardware catalog system (catalog.h) converts to the same description.
 * Every call is closed-form plus a bounded search over layouts and batch sizes (a few
 * thousand evaluations at most); aif_perf_cache memoizes results for callers that ask the
 * same question every simulated hour. Units: seconds, bytes, FLOP, tokens (SI, 1 GB = 1e9 B).
 * The equations and fitted values are documented in docs/perf.md. */
#ifndef AIFACTORY_PERF_H
#define AIFACTORY_PERF_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/catalog.h"
#include "aifactory/error.h"
#include "aifactory/models.h"
#include "aifactory/precision.h"
#include "aifactory/status.h"

/* What the model needs to know about one accelerator and its fabrics. Bandwidths are per
 * GPU and per direction. peak_flops is dense (no 2:4 sparsity); 0 means unsupported. */
typedef struct aif_perf_hw {
    const char *id; /* "h100" */
    const char
        *generation; /* "ampere", "hopper", "blackwell": groups for cross-generation checks */
    double peak_flops[AIF_PREC_COUNT];
    double hbm_bytes;
    double hbm_bytes_per_s;
    int scaleup_domain_gpus;       /* GPUs on one NVLink domain (8 for HGX, 72 for NVL72) */
    double scaleup_bytes_per_s;    /* NVLink, per GPU, one direction */
    double scaleout_bytes_per_s;   /* NIC bandwidth per GPU */
    aif_precision train_precision; /* common practice on this generation */
    aif_precision infer_precision;
    const char *source;
    double tdp_w; /* accelerator TDP in watts; 0 when unknown */
    /* On-chip L2 cache in bytes; 0 when unknown (every activation pass is then costed at HBM
     * bandwidth). Used only by the replicated element-wise term (act_passes). */
    double l2_bytes;
} aif_perf_hw;

/* Built-in hardware table: count, i-th entry (NULL outside), lookup by id (NULL if unknown). */
int aif_perf_hw_count(void);
const aif_perf_hw *aif_perf_hw_at(int i);
const aif_perf_hw *aif_perf_hw_find(const char *id);

/* Build the description of one GPU of catalog system `system_id` (catalog.h) into *out:
 * dense peaks per precision, HBM size and bandwidth and TDP from the system's package;
 * scale-up domain from the system (default: its package count) and per-direction scale-up
 * bandwidth as half the package's bidirectional `scaleup_gbps`; scale-out bandwidth, which
 * the catalog does not hold, from a documented default (50 GB/s = one 400 Gb/s NIC per GPU;
 * 100 GB/s for Blackwell Ultra packages b300/gb300). Default precisions: training fp8 (bf16
 * where fp8 is absent), inference the narrowest supported format (fp4, fp8, bf16).
 * A second package type of the system (Rubin CPX) is not modelled. out->id, ->source and
 * ->generation point into `cat` (or static text) and live as long as the catalog.
 * `err` (may be NULL) is cleared on entry; on failure it records the status and why. On
 * success err->status stays AIF_OK and err->message holds a note about any assumption made
 * beyond the catalog's figures (empty when none), for the caller to show the user.
 * Errors: AIF_EINVAL (NULL arguments; the package has no HBM size/bandwidth or no dense
 * TFLOPS), AIF_ENOTFOUND (no such system; the message suggests near ids).
 * Cost O(catalog entries). */
aif_status aif_perf_hw_from_catalog(const aif_catalog *cat, const char *system_id, aif_perf_hw *out,
                                    aif_error *err);

/* Resolve an id the way `aifactory perf --system` does: a built-in id (a100, h100, ...) is
 * used first, then a catalog system id (`cat` may be NULL: built-ins only). The built-in
 * table wins because it is the hardware the calibration was fitted and validated on, so an
 * id gives the same answer whatever catalog files are loaded; a catalog system that shares
 * a built-in id is reported as shadowed in err->message with err->status AIF_OK (a note,
 * as aif_perf_hw_from_catalog's). Errors as aif_perf_hw_from_catalog. */
aif_status aif_perf_hw_resolve(const aif_catalog *cat, const char *id, aif_perf_hw *out,
                               aif_error *err);

/* Constants of one serving stack (the engine, its kernels and scheduler). */
typedef struct aif_perf_framework {
    const char *name;
    double compute_eff;          /* achieved fraction of dense peak in GEMM-bound work */
    double iter_overhead_s;      /* fixed cost of one engine iteration (launch, scheduling) */
    double collective_latency_s; /* latency per hop of a tensor-parallel all-reduce */
    /* Passes over one token's hidden vector (bf16) per layer by element-wise work that tensor
     * parallelism does not split (norms, residual adds, rotary, sampling glue when they run
     * unfused and replicated on every rank); costed at HBM bandwidth per token. */
    double act_passes;
} aif_perf_framework;

/* The calibration: measured constants (fixed) and fitted ones (see docs/perf.md). */
typedef struct aif_perf_calib {
    double mem_eff;              /* achieved fraction of HBM bandwidth (measured copy: 3.0/3.35) */
    double link_eff;             /* achieved fraction of NVLink/NIC bandwidth in collectives */
    double hbm_usable_frac;      /* HBM left to weights + KV after runtime and workspace */
    double max_batch;            /* engine cap on concurrent sequences per replica */
    aif_perf_framework serve;    /* production engine (TensorRT-LLM class) */
    aif_perf_framework research; /* research stack measured by Splitwise */
    double server_load;          /* fraction of max throughput sustainable under p99 latency SLOs */
    double mlperf_input_tokens;  /* mean input of the MLPerf Llama-2-70B set (not published in our
                                    data) */
    double train_eff;            /* achieved fraction of peak in training compute */
    double dp_overlap;           /* fraction of the data-parallel gradient reduction hidden */
    int pipeline_interleave;     /* virtual pipeline stages per GPU (max; divides layers/stage) */
    /* Kernel-level constants measured first-hand on an H100 with bench/gpu_microbench.py
     * (data/validation/gpu_microbench_h100.csv; docs/perf.md "Kernel measurements"). */
    double gemm_eff[AIF_PREC_COUNT]; /* large library GEMM, achieved fraction of dense peak;
                                        0 = not measured (the next wider format's is used) */
    double gemm_overlap_p;           /* one GEMM's memory and math times combine as a p-norm */
    /* Causal prefill attention of S-token prompts runs at
     * attn_prefill_rel * S / (S + attn_prefill_half_tokens) of the GEMM rate (measured on an
     * H100: 0.46 of the bf16 GEMM rate at 512 tokens, 0.79 at 8,192); 0 = the GEMM rate. */
    double attn_prefill_rel;
    double attn_prefill_half_tokens;
    /* The same combination for the weight GEMMs of a serving iteration (aif_perf_infer,
     * prefill and decode primitives); 1 = additive, the committed end-to-end model. */
    double stage_overlap_p;
    /* Expert parallelism: tokens the busiest GPU of an expert-parallel group gets in an MoE
     * layer over the mean (max / mean routed load). ASSUMPTION (no published figure in
     * docs/sources.md): 1.2, after the redundant-expert balancing DeepSeek-V3 deploys;
     * values below 1 count as 1. docs/perf.md "Pipeline and expert parallelism". */
    double ep_imbalance;
} aif_perf_calib;

/* The committed calibration (fitted values of docs/perf.md). Never NULL; immutable. */
const aif_perf_calib *aif_perf_calib_default(void);

typedef enum aif_workload {
    AIF_WORKLOAD_OFFLINE,     /* maximum throughput, no latency limit */
    AIF_WORKLOAD_SERVER,      /* TTFT p99 <= 2 s, TPOT p99 <= 200 ms */
    AIF_WORKLOAD_INTERACTIVE, /* TTFT p99 <= 450 ms, TPOT p99 <= 40 ms */
    AIF_WORKLOAD_TRAINING,
    AIF_WORKLOAD_COUNT
} aif_workload;

const char *aif_workload_name(aif_workload w);
aif_status aif_workload_parse(const char *name, aif_workload *out);

/* ---- Training ---- */
typedef struct aif_perf_train_query {
    const aif_model_spec *model;
    const aif_perf_hw *hw;
    long gpus;
    aif_precision precision;
    int seq_len;       /* tokens per sequence */
    long global_batch; /* sequences per optimizer step */
    int tp, pp, dp;    /* 0 = choose automatically */
} aif_perf_train_query;

typedef struct aif_perf_train_result {
    int tp, pp, dp, interleave;
    long microbatches;      /* per pipeline per step (micro-batch of one sequence) */
    double flops_per_token; /* model FLOPs: 6*N_active + 12*L*d_attn*S */
    double step_time_s;
    double tokens_per_s; /* whole system */
    double tokens_per_s_per_gpu;
    double mfu;               /* model FLOPs / (GPUs * dense peak at the precision) */
    double mem_per_gpu_bytes; /* weights + optimizer + activations estimate */
    /* Step-time breakdown (seconds per step). */
    double compute_s, tp_comm_s, pp_comm_s, bubble_s, dp_exposed_s, optimizer_s;
    char message[160]; /* why a query failed, and what would fit */
} aif_perf_train_result;

/* Estimate one training step. Fixed tp/pp/dp are honoured; zeros are chosen (TP inside the
 * scale-up domain, smallest fast PP that fits memory, DP the rest), the fastest layout wins.
 * Errors: AIF_EINVAL (NULL, non-positive sizes, precision unsupported by the hardware, bad
 * model spec), AIF_ERANGE (no layout divides the GPUs / fits memory; out->message says what
 * would). Cost: O(layouts) ~ 100 evaluations. */
aif_status aif_perf_train(const aif_perf_calib *calib, const aif_perf_train_query *q,
                          aif_perf_train_result *out);

/* Seconds to train `tokens` tokens, or to spend `flops` model FLOPs, at r's rate. */
double aif_perf_train_time_for_tokens(const aif_perf_train_result *r, double tokens);
double aif_perf_train_time_for_flops(const aif_perf_train_result *r, double flops);

/* ---- Inference ---- */
typedef struct aif_perf_infer_query {
    const aif_model_spec *model;
    const aif_perf_hw *hw;
    long gpus;
    aif_precision precision;
    double input_tokens, output_tokens;  /* means per request */
    aif_workload workload;               /* offline, server or interactive */
    int tp, pp;                          /* 0 = choose automatically */
    const aif_perf_framework *framework; /* NULL = calib->serve */
} aif_perf_infer_query;

typedef struct aif_perf_infer_result {
    int tp, pp;
    long replicas;
    long batch;          /* concurrent sequences per replica */
    long max_batch;      /* what HBM allows per replica */
    double tokens_per_s; /* output tokens, whole system */
    double tokens_per_s_per_gpu;
    double ttft_s, tpot_s;
    double weight_bytes_per_gpu, kv_bytes_per_seq;
    char message[160];
} aif_perf_infer_result;

/* Estimate serving throughput with continuous batching (chunked prefill mixed into decode
 * iterations). Errors: AIF_EINVAL (NULL, bad sizes, training workload, unsupported
 * precision), AIF_ERANGE (the model does not fit, or no batch meets the latency targets;
 * out->message says what would). Cost: O(layouts * log(max_batch)). */
aif_status aif_perf_infer(const aif_perf_calib *calib, const aif_perf_infer_query *q,
                          aif_perf_infer_result *out);

/* Latency primitives on one replica of tp GPUs (pp = 1) for `batch` requests:
 * prefill of `prompt_tokens` each, and one decode iteration at context `context`. */
double aif_perf_prefill_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                          const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p, int tp,
                          double batch, double prompt_tokens);
double aif_perf_decode_step_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                              const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p,
                              int tp, double batch, double context);

/* One engine iteration on one replica of tp GPUs (pp = 1) as a serving simulator forms it:
 * `decode` sequences attending on average to `decode_context` cached tokens each (the new
 * token included), plus `prefill` prompt tokens (chunks of one or more prompts) whose causal
 * attention spans `prefill_span` tokens on average (a whole S-token prompt: S / 2; a chunk
 * of c tokens after o already cached: o + c / 2). The same equations as aif_perf_infer, so
 * aif_perf_prefill_s(.., 1, S) == aif_perf_iteration_s(.., 0, 0, S, S / 2) and
 * aif_perf_decode_step_s(.., b, ctx) == aif_perf_iteration_s(.., b, ctx, 0, 0).
 * Pure; O(1). Arguments are not checked (the caller validated the deployment). */
double aif_perf_iteration_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                            const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p, int tp,
                            double decode, double decode_context, double prefill,
                            double prefill_span);

/* ---- Pipeline and expert parallelism of one replica (docs/perf.md) ---- */

/* How one serving replica's GPUs split the model. Each of `pp` pipeline stages holds
 * layers / pp consecutive layers on its own GPUs. Without expert parallelism (ep <= 1) a
 * stage is `tp` GPUs sharding every layer (tensor parallel). With ep > 1 (MoE models; a
 * multiple of tp) a stage is `ep` GPUs: the routed experts of each MoE layer are spread
 * whole over them (E / ep experts per GPU) and the rest (attention, shared experts,
 * embeddings) runs data parallel over ep / tp groups of tp GPUs, as DeepSeek-V3's
 * deployment, SGLang's DP attention and vLLM's expert parallelism with data-parallel
 * attention do; tokens reach their experts by two all-to-all exchanges per MoE layer. */
typedef struct aif_perf_parallel {
    int tp; /* >= 1 */
    int pp; /* pipeline stages; 0 = 1 */
    int ep; /* expert-parallel GPUs per stage; 0 or 1 = none */
} aif_perf_parallel;

/* GPUs of one replica: pp x tp, or pp x ep with expert parallelism. O(1). */
long aif_perf_parallel_gpus(const aif_perf_parallel *par);

/* Weight bytes one GPU holds at precision p: every weight / (tp x pp), or with expert
 * parallelism the routed experts / (ep x pp) plus the rest / (tp x pp). O(1). */
double aif_perf_weight_bytes_per_gpu(const aif_model_spec *m, aif_precision p,
                                     const aif_perf_parallel *par);

/* Seconds to send the activations of `tokens` tokens from one pipeline stage to the next
 * (each of the stage's tp GPUs sends its 1/tp of the bf16 hidden vectors), over the
 * scale-up link when the replica fits in one scale-up domain and the scale-out NIC
 * otherwise, at link_eff, plus one collective latency. 0 for pp <= 1. O(1). */
double aif_perf_pp_transfer_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                              const aif_model_spec *m, const aif_perf_hw *hw,
                              const aif_perf_parallel *par, double tokens);

/* Expected number of the ep GPUs one token's experts_active routed experts land on (each
 * GPU holds experts / ep of them; the experts a token picks are distinct and, for this
 * count, uniformly chosen): ep x (1 - C(E - E/ep, k) / C(E, k)). 1 for dense models or
 * ep <= 1. O(k). */
double aif_perf_ep_fanout(const aif_model_spec *m, int ep);

/* Bytes one GPU sends in one all-to-all of one MoE layer when it routes `tokens` tokens:
 * tokens x hidden x bytes x fanout x (ep - 1) / ep (the copies bound for other GPUs).
 * `combine` 0: the dispatch, at one byte per element for FP8/FP4 weights and two for BF16
 * (DeepSeek-V3 dispatches in FP8); 1: the combine, in BF16. 0 without expert parallelism.
 * O(k). */
double aif_perf_ep_alltoall_bytes(const aif_model_spec *m, aif_precision p,
                                  const aif_perf_parallel *par, double tokens, int combine);

/* Seconds of the two all-to-alls of one MoE layer (dispatch and combine) for a GPU that
 * routes `tokens` tokens: each exchange moves its bytes x calib->ep_imbalance (the busiest
 * GPU receives that much over the mean) at link_eff, plus one collective latency. When the
 * ep GPUs fit in one scale-up domain, over the scale-up link; beyond it, a token crosses
 * the scale-out NIC once per other domain holding one of its experts (aif_perf_ep_fanout
 * over the domains) while the copies reach their GPUs over the scale-up link, and the
 * slower of the two sets the time. 0 without expert parallelism. O(k). */
double aif_perf_ep_alltoall_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                              const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p,
                              const aif_perf_parallel *par, double tokens);

/* aif_perf_iteration_s on a replica laid out as `par`. With pp = 1 and no expert
 * parallelism it is aif_perf_iteration_s, bit for bit. With pp > 1 the engine's batch runs
 * as m = min(pp, sequences) micro-batches in flight across the stages (sequences: decode
 * plus one when there is prefill); every sequence gets its token once its micro-batch has
 * passed every stage, and with m <= pp micro-batches no stage is busy for more than that
 * traversal, so the batch costs the traversal of its largest micro-batch:
 * pp x stage time + (pp - 1) x aif_perf_pp_transfer_s. The largest micro-batch carries
 * decode / m sequences and max(prefill / m, min(prefill, 2 x prefill_span)) prefill tokens
 * (a prompt's chunk is not split; 2 x span is a lone prompt's length). A lone prompt of S
 * tokens thus costs pp stage prefills of S plus pp - 1 transfers. With ep > 1 the same
 * split spreads the batch over the ep / tp attention groups, while the experts see every
 * token. Pure; O(k). Arguments are not checked. */
double aif_perf_iteration_par_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                                const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p,
                                const aif_perf_parallel *par, double decode, double decode_context,
                                double prefill, double prefill_span);

/* Bytes of KV cache one token holds across all layers at precision p (an FP8 cache for FP8
 * and FP4 weights, BF16 otherwise), summed over the GPUs that share it. Pure; O(1). */
double aif_perf_kv_bytes_per_token(const aif_model_spec *m, aif_precision p);

/* ---- Kernels ---- */

/* Time of one kernel that streams `mem_s` worth of HBM traffic and does `math_s` worth of
 * math: (mem_s^p + math_s^p)^(1/p); p <= 1 gives the sum (no overlap), large p the maximum.
 * Pure; O(1). */
double aif_perf_overlap_s(double p, double mem_s, double math_s);

/* Measured large-GEMM efficiency (fraction of dense peak) at precision p: gemm_eff[p], or
 * the next wider format's where p has none (fp4 -> fp8). NAN for NULL or a bad p. O(1). */
double aif_perf_gemm_eff(const aif_perf_calib *c, aif_precision p);

/* Rate of causal prefill attention over `prompt_tokens`-token prompts, as a fraction of the
 * GEMM rate at the same precision: attn_prefill_rel * S / (S + attn_prefill_half_tokens).
 * 1 where the calibration leaves the curve unset (rel <= 0); NAN for NULL. O(1). */
double aif_perf_attn_prefill_frac(const aif_perf_calib *c, double prompt_tokens);

/* Seconds for one dense m x k by k x n GEMM at precision p on one GPU of `hw` (bf16 result):
 * minimum HBM traffic at hbm_bytes_per_s * mem_eff, math at peak * gemm_eff[p], combined
 * with gemm_overlap_p. NAN for NULL arguments, non-positive sizes or a precision the
 * hardware lacks. O(1). */
double aif_perf_gemm_s(const aif_perf_calib *c, const aif_perf_hw *hw, aif_precision p, double m,
                       double n, double k);

/* ---- Cache ---- */
typedef struct aif_perf_cache aif_perf_cache;

/* A memo of inference and training answers keyed by the query (model and hardware by
 * address: they must outlive the cache). `slots` entries (0 picks 1024); when full it is
 * cleared. The calibration is copied. Errors: AIF_EINVAL, AIF_ENOMEM. */
aif_status aif_perf_cache_create(const aif_allocator *a, const aif_perf_calib *calib, size_t slots,
                                 aif_perf_cache **out);
aif_status aif_perf_cache_infer(aif_perf_cache *c, const aif_perf_infer_query *q,
                                aif_perf_infer_result *out);
aif_status aif_perf_cache_train(aif_perf_cache *c, const aif_perf_train_query *q,
                                aif_perf_train_result *out);
/* Lookups answered from the memo, and computed. */
long aif_perf_cache_hits(const aif_perf_cache *c);
long aif_perf_cache_misses(const aif_perf_cache *c);
void aif_perf_cache_destroy(aif_perf_cache *c);

/* ---- Validation and calibration ---- */
typedef struct aif_perf_check {
    const char *dataset; /* "mlperf-train-gpt3", "mlperf-inf-llama2", "trtllm", "splitwise",
                            "gpu-kernels" */
    const char *label;   /* row description */
    const char *unit;
    int held_out; /* 0: fitted row; 1: held out (other generation / round) */
    double predicted, published;
    double error; /* (predicted - published) / published */
} aif_perf_check;

/* Number of anchor rows. */
int aif_perf_anchor_count(void);

/* Predict every anchor row with `calib` into rows[0..count). `rows` must hold
 * aif_perf_anchor_count() entries. Errors: AIF_EINVAL. Cost: ~50 model evaluations. */
aif_status aif_perf_validate(const aif_perf_calib *calib, aif_perf_check *rows);

/* Mean absolute percentage error (as a fraction) over rows of `dataset` (NULL = all) with
 * held_out == held (-1 = both); *count gets the number of rows (may be NULL). */
double aif_perf_mape(const aif_perf_check *rows, int n, const char *dataset, int held, int *count);

/* Refit the fitted parameters on the fitted rows only, starting from `start`, with a
 * deterministic Nelder-Mead on squared log errors. *out gets the result. Errors: AIF_EINVAL.
 * Cost: a few thousand validations' worth of model evaluations (well under a second). */
aif_status aif_perf_fit(const aif_perf_calib *start, aif_perf_calib *out);

#endif
