/* Calibration of the performance model: the committed parameter values, the anchor rows
 * (published measurements copied into data/validation/ with attribution), prediction of every
 * row, and a small deterministic Nelder-Mead fitter.
 *
 * Parameters fall in three independent groups, each fitted on its own rows only:
 *   training  (train_eff, dp_overlap)                on MLPerf Training v3.1 NVIDIA Eos GPT-3;
 *   serving   (serve.compute_eff, serve.iter_overhead_s, server_load, mlperf_input_tokens)
 *                                                    on H100 rows of MLPerf Inference v4.1
 *                                                    and the TensorRT-LLM table;
 *   research  (research.compute_eff, .iter_overhead_s, .collective_latency_s)
 *                                                    on Splitwise H100 latencies.
 * Every other row is held out: other hardware generations (H200, B200, GB200, A100), other
 * MLPerf rounds and submitters, and the Llama 3 405B training throughput. Measured constants
 * (HBM efficiency 3.0/3.35 TB/s, link efficiency) are fixed, not fitted. The gpu-kernels rows
 * (GEMMs and HBM streams measured first-hand on an H100 and an H200) and gpu-attention rows
 * (fused attention, same machines) check the kernel-level constants: H100 rows are where the
 * constants come from, H200 rows are held out. */
#include <math.h>
#include <string.h>

#include "aifactory/perf.h"

/* Fitted values: regenerate with `aifactory validate perf --refit` and paste here; the unit
 * test test_perf_calib checks that a refit reproduces them. */
static const aif_perf_calib default_calib = {
    .mem_eff = 0.90,
    .link_eff = 0.80,
    .hbm_usable_frac = 0.90,
    .max_batch = 2048,
    .serve = {"trtllm", 0.601113, 7.13907e-05, 5e-6, 0.0},
    .research = {"splitwise", 0.627634, 0.0122342, 1.34952e-05, 163.551},
    .server_load = 0.885,
    .mlperf_input_tokens = 348.481,
    .train_eff = 0.493519,
    .dp_overlap = 0.633871,
    .pipeline_interleave = 6,
    /* Measured (bench/gpu_microbench.py on an H100 SXM at 700 W, 2026-11-27): median of the
     * ten compute-bound GEMMs per format, 696.7 and 1,237.9 TFLOP/s; overlap exponent from
     * the least-squares log fit over the H100 GEMM rows (p = 2: 5.4%, 3: 3.9%, 4: 4.1%,
     * sum: 24.9% mean error). */
    .gemm_eff = {0.7044, 0.6255, 0.0},
    .gemm_overlap_p = 3.0,
    /* Measured the same way (gpu_microbench_h100_attn.csv): causal prefill attention at 512,
     * 2,048 and 8,192 tokens, 320.7 / 470.5 / 550.4 TFLOP/s, fitted (log least squares) by
     * 571.8 TFLOP/s * S / (S + 405), within 1.5%; 571.8 is 0.8207 of the bf16 GEMM rate. */
    .attn_prefill_rel = 0.8207,
    .attn_prefill_half_tokens = 405.0,
    .stage_overlap_p = 1.0,
    /* ASSUMPTION (docs/perf.md "Pipeline and expert parallelism"): no published max/mean
     * expert-parallel load figure is in docs/sources.md. */
    .ep_imbalance = 1.2,
};

const aif_perf_calib *aif_perf_calib_default(void) {
    return &default_calib;
}

typedef enum anchor_kind {
    ANCHOR_TRAIN_TTT,       /* MLPerf time to train, minutes */
    ANCHOR_TRAIN_TFLOPS,    /* achieved model TFLOP/s per GPU */
    ANCHOR_INF_SYSTEM,      /* MLPerf system output tokens/s */
    ANCHOR_INF_PER_GPU,     /* output tokens/s per GPU */
    ANCHOR_PREFILL_MS,      /* Splitwise prompt latency */
    ANCHOR_DECODE_MS,       /* Splitwise per-token latency */
    ANCHOR_GEMM_US,         /* one GEMM measured first-hand, microseconds */
    ANCHOR_HBM_TBPS,        /* HBM stream measured first-hand, TB/s */
    ANCHOR_ATTN_DECODE_US,  /* bf16 decode attention measured first-hand, microseconds */
    ANCHOR_ATTN_PREFILL_US, /* bf16 causal prefill attention measured first-hand, us */
} anchor_kind;

/* GROUP_KERNEL rows are never fitted: their constants are measured. */
typedef enum group { GROUP_TRAIN, GROUP_SERVE, GROUP_RESEARCH, GROUP_KERNEL } group;

typedef struct anchor {
    const char *dataset;
    const char *label;
    anchor_kind kind;
    int held_out;
    const char *model;
    const char *hw;
    aif_precision prec;
    long gpus; /* gpu-kernels GEMM rows: the inner dimension k (a = m, b = n) */
    int tp, pp;
    double a, b; /* train: global batch, tokens to train | inference: input, output tokens |
                    splitwise: batch, prompt/context tokens */
    aif_workload workload;
    double published;
} anchor;

#define P8  AIF_PREC_FP8
#define P16 AIF_PREC_BF16
#define P4  AIF_PREC_FP4
#define OFF AIF_WORKLOAD_OFFLINE
#define SRV AIF_WORKLOAD_SERVER
/* MLPerf Llama-2-70B rows use the fitted mean input (a < 0 means "mlperf mix"). */
#define MIX -1.0, 294.0

static const anchor anchors[] = {
    /* MLPerf Training GPT-3 175B (data/validation/mlperf_training_gpt3_175b.csv): TP4 PP8,
     * FP8, seq 2048; tokens trained from each run's MLLOG trained_samples. */
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 512 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100", P8,
     512, 4, 8, 2048, 1207959552, 0, 58.301},
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 768 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100", P8,
     768, 4, 8, 3072, 1258291200, 0, 40.616},
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 4096 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100", P8,
     4096, 4, 8, 2048, 1207959552, 0, 8.576},
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 6144 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100", P8,
     6144, 4, 8, 3072, 1258291200, 0, 6.025},
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 8192 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100", P8,
     8192, 4, 8, 4096, 1308622848, 0, 4.927},
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 10240 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100",
     P8, 10240, 4, 8, 2560, 1205862400, 0, 4.071},
    {"mlperf-train-gpt3", "v3.1 NVIDIA Eos 10752 H100", ANCHOR_TRAIN_TTT, 0, "gpt3-175b", "h100",
     P8, 10752, 4, 8, 2688, 1211105280, 0, 3.922},
    /* Held out: other round (v3.0 software) and other submitters; tokens assumed equal to the
     * v3.1 NVIDIA run with the same global batch. */
    {"mlperf-train-gpt3", "v3.0 NVIDIA 512 H100", ANCHOR_TRAIN_TTT, 1, "gpt3-175b", "h100", P8, 512,
     4, 8, 2048, 1207959552, 0, 64.269},
    {"mlperf-train-gpt3", "v3.0 NVIDIA 768 H100", ANCHOR_TRAIN_TTT, 1, "gpt3-175b", "h100", P8, 768,
     4, 8, 3072, 1258291200, 0, 44.227},
    {"mlperf-train-gpt3", "v3.0 CoreWeave 768 H100", ANCHOR_TRAIN_TTT, 1, "gpt3-175b", "h100", P8,
     768, 4, 8, 3072, 1258291200, 0, 45.53},
    {"mlperf-train-gpt3", "v3.0 CoreWeave 1536 H100", ANCHOR_TRAIN_TTT, 1, "gpt3-175b", "h100", P8,
     1536, 4, 8, 3072, 1258291200, 0, 24.227},
    {"mlperf-train-gpt3", "v3.0 CoreWeave 3584 H100", ANCHOR_TRAIN_TTT, 1, "gpt3-175b", "h100", P8,
     3584, 4, 8, 2688, 1211105280, 0, 10.962},
    {"mlperf-train-gpt3", "v3.1 Azure 10752 H100", ANCHOR_TRAIN_TTT, 1, "gpt3-175b", "h100", P8,
     10752, 4, 8, 2688, 1211105280, 0, 4.014},
    /* Llama 3 405B pre-training, BF16, TP8 PP16 seq 8192, 16M-token batches (Llama 3 paper
     * Table 4; sources.md §6 row 8). Held out: other model, other precision. */
    {"llama3-train", "Llama 3 405B 8192 H100 bf16", ANCHOR_TRAIN_TFLOPS, 1, "llama3.1-405b", "h100",
     P16, 8192, 8, 16, 2048, 0, 0, 430},
    {"llama3-train", "Llama 3 405B 16384 H100 bf16", ANCHOR_TRAIN_TFLOPS, 1, "llama3.1-405b",
     "h100", P16, 16384, 8, 16, 2048, 0, 0, 400},

    /* MLPerf Inference v4.1 Llama-2-70B (99), closed division, system tokens/s
     * (data/validation/mlperf_inference_v4.1_llama2-70b.csv), at the layout submitted:
     * NVIDIA's harness (closed/NVIDIA/configs/llama2-70b in mlcommons/inference_results_v4.1)
     * runs H100-SXM-80GB as TP2 replicas and H200-SXM-141GB as TP1. */
    {"mlperf-inf-llama2", "NVIDIA 8xH100 Offline", ANCHOR_INF_SYSTEM, 0, "llama2-70b", "h100", P8,
     8, 2, 1, MIX, OFF, 24524.9},
    {"mlperf-inf-llama2", "NVIDIA 8xH100 Server", ANCHOR_INF_SYSTEM, 0, "llama2-70b", "h100", P8, 8,
     2, 1, MIX, SRV, 21605.79},
    {"mlperf-inf-llama2", "Dell 4xH100 Offline", ANCHOR_INF_SYSTEM, 0, "llama2-70b", "h100", P8, 4,
     2, 1, MIX, OFF, 10699.6},
    {"mlperf-inf-llama2", "Dell 4xH100 Server", ANCHOR_INF_SYSTEM, 0, "llama2-70b", "h100", P8, 4,
     2, 1, MIX, SRV, 9522.20},
    {"mlperf-inf-llama2", "NVIDIA 8xH200 Offline", ANCHOR_INF_SYSTEM, 1, "llama2-70b", "h200", P8,
     8, 1, 1, MIX, OFF, 31302.7},
    {"mlperf-inf-llama2", "NVIDIA 8xH200 Server", ANCHOR_INF_SYSTEM, 1, "llama2-70b", "h200", P8, 8,
     1, 1, MIX, SRV, 29228.22},
    {"mlperf-inf-llama2", "NVIDIA 1xH200-CTS Offline", ANCHOR_INF_SYSTEM, 1, "llama2-70b", "h200",
     P8, 1, 1, 1, MIX, OFF, 4487.88},
    {"mlperf-inf-llama2", "NVIDIA 1xH200-CTS Server", ANCHOR_INF_SYSTEM, 1, "llama2-70b", "h200",
     P8, 1, 1, 1, MIX, SRV, 4202.30},
    {"mlperf-inf-llama2", "NVIDIA 1xB200 Offline (fp4)", ANCHOR_INF_SYSTEM, 1, "llama2-70b", "b200",
     P4, 1, 1, 1, MIX, OFF, 11264.4},
    {"mlperf-inf-llama2", "NVIDIA 1xB200 Server (fp4)", ANCHOR_INF_SYSTEM, 1, "llama2-70b", "b200",
     P4, 1, 1, 1, MIX, SRV, 10755.59},

    /* TensorRT-LLM perf-overview, max throughput, ISL/OSL 1000/1000, tokens/s per GPU
     * (sources.md §7 rows 6, 7, 9). Llama 3.3 70B has Llama 3.1 70B's shapes. */
    {"trtllm", "H100 TP2 Llama-3.3-70B fp8", ANCHOR_INF_PER_GPU, 0, "llama3.1-70b", "h100", P8, 2,
     2, 1, 1000, 1000, OFF, 2103},
    {"trtllm", "H100 TP8 Llama-3.1-405B fp8", ANCHOR_INF_PER_GPU, 0, "llama3.1-405b", "h100", P8, 8,
     8, 1, 1000, 1000, OFF, 365},
    {"trtllm", "H100 TP1 Llama-3.1-8B fp8", ANCHOR_INF_PER_GPU, 0, "llama3.1-8b", "h100", P8, 1, 1,
     1, 1000, 1000, OFF, 15220},
    {"trtllm", "H200 TP1 Llama-3.3-70B fp8", ANCHOR_INF_PER_GPU, 1, "llama3.1-70b", "h200", P8, 1,
     1, 1, 1000, 1000, OFF, 2909},
    {"trtllm", "H200 TP8 Llama-3.1-405B fp8", ANCHOR_INF_PER_GPU, 1, "llama3.1-405b", "h200", P8, 8,
     8, 1, 1000, 1000, OFF, 416},
    {"trtllm", "H200 TP1 Llama-3.1-8B fp8", ANCHOR_INF_PER_GPU, 1, "llama3.1-8b", "h200", P8, 1, 1,
     1, 1000, 1000, OFF, 17744},
    {"trtllm", "B200 TP1 Llama-3.3-70B fp4", ANCHOR_INF_PER_GPU, 1, "llama3.1-70b", "b200", P4, 1,
     1, 1, 1000, 1000, OFF, 7007},
    {"trtllm", "B200 TP4 Llama-3.1-405B fp4", ANCHOR_INF_PER_GPU, 1, "llama3.1-405b", "b200", P4, 4,
     4, 1, 1000, 1000, OFF, 1302},
    {"trtllm", "GB200 TP1 Llama-3.3-70B fp4", ANCHOR_INF_PER_GPU, 1, "llama3.1-70b", "gb200", P4, 1,
     1, 1, 1000, 1000, OFF, 7326},
    {"trtllm", "GB200 TP4 Llama-3.1-405B fp4", ANCHOR_INF_PER_GPU, 1, "llama3.1-405b", "gb200", P4,
     4, 4, 1, 1000, 1000, OFF, 1347},

/* Splitwise (Patel et al. 2024) measured Llama-2-70B latencies, fp16, mean of the
 * repeated runs (data/validation/splitwise_llama2_70b.csv). a = batch, b = prompt tokens
 * (prefill) or context (decode: prompt 512 + half of the 128 generated). */
#define SW(hwid, ho, tp, kind, batch, tokens, ms)                                                  \
    {                                                                                              \
        "splitwise", hwid " TP" #tp " " #kind " b" #batch " n" #tokens, ANCHOR_##kind##_MS, ho,    \
            "llama2-70b", hwid, P16, tp, tp, 1, batch, tokens, OFF, ms                             \
    }
    SW("h100", 0, 2, PREFILL, 1, 512, 84.4),
    SW("h100", 0, 2, PREFILL, 1, 2048, 308.2),
    SW("h100", 0, 2, PREFILL, 1, 8192, 1339.2),
    SW("h100", 0, 2, PREFILL, 16, 512, 1191.6),
    SW("h100", 0, 2, DECODE, 1, 576, 37.14),
    SW("h100", 0, 2, DECODE, 16, 576, 41.97),
    SW("h100", 0, 4, PREFILL, 1, 512, 61.0),
    SW("h100", 0, 4, PREFILL, 1, 2048, 200.9),
    SW("h100", 0, 4, PREFILL, 1, 8192, 943.3),
    SW("h100", 0, 4, PREFILL, 16, 512, 882.2),
    SW("h100", 0, 4, DECODE, 1, 576, 29.38),
    SW("h100", 0, 4, DECODE, 16, 576, 32.84),
    SW("h100", 0, 8, PREFILL, 1, 512, 55.5),
    SW("h100", 0, 8, PREFILL, 1, 2048, 136.6),
    SW("h100", 0, 8, PREFILL, 1, 8192, 848.4),
    SW("h100", 0, 8, PREFILL, 16, 512, 805.4),
    SW("h100", 0, 8, DECODE, 1, 576, 30.5),
    SW("h100", 0, 8, DECODE, 16, 576, 34.17),
    SW("a100", 1, 2, PREFILL, 1, 512, 195.6),
    SW("a100", 1, 2, PREFILL, 1, 2048, 687.3),
    SW("a100", 1, 2, PREFILL, 1, 8192, 2990.3),
    SW("a100", 1, 2, PREFILL, 16, 512, 3234.2),
    SW("a100", 1, 2, DECODE, 1, 576, 58.55),
    SW("a100", 1, 2, DECODE, 16, 576, 65.6),
    SW("a100", 1, 4, PREFILL, 1, 512, 127.5),
    SW("a100", 1, 4, PREFILL, 1, 2048, 403.3),
    SW("a100", 1, 4, PREFILL, 1, 8192, 2333.4),
    SW("a100", 1, 4, PREFILL, 16, 512, 2885.5),
    SW("a100", 1, 4, DECODE, 1, 576, 44.54),
    SW("a100", 1, 4, DECODE, 16, 576, 48.66),
    SW("a100", 1, 8, PREFILL, 1, 512, 94.0),
    SW("a100", 1, 8, PREFILL, 1, 2048, 274.2),
    SW("a100", 1, 8, PREFILL, 1, 8192, 1544.4),
    SW("a100", 1, 8, PREFILL, 16, 512, 2063.5),
    SW("a100", 1, 8, DECODE, 1, 576, 45.21),
    SW("a100", 1, 8, DECODE, 16, 576, 50.44),
#undef SW
/* GEMMs and HBM streams measured first-hand with bench/gpu_microbench.py, 2026-11-27
 * (data/validation/gpu_microbench_*.csv): Llama-70B-like shapes at TP1 (gate+up
 * 8192 -> 57344 for 16 to 8192 tokens; down 28672 -> 8192), 4 GiB copy (read + write
 * counted) and read. H100 rows hold the measured constants; H200 rows are held out. */
#define KGEMM(hwid, ho, pr, pname, shape, m, n, kk, us)                                            \
    {                                                                                              \
        .dataset = "gpu-kernels", .label = hwid " " pname " GEMM " shape, .kind = ANCHOR_GEMM_US,  \
        .held_out = ho, .hw = hwid, .prec = pr, .a = m, .b = n, .gpus = kk, .published = us        \
    }
#define KHBM(hwid, ho, what, tbps)                                                                 \
    {                                                                                              \
        .dataset = "gpu-kernels", .label = hwid " HBM " what " 4 GiB", .kind = ANCHOR_HBM_TBPS,    \
        .held_out = ho, .hw = hwid, .published = tbps                                              \
    }
    KHBM("h100", 0, "copy", 3.031),
    KHBM("h100", 0, "read", 3.080),
    KGEMM("h100", 0, P16, "bf16", "16x57344x8192", 16, 57344, 8192, 313.4),
    KGEMM("h100", 0, P16, "bf16", "128x57344x8192", 128, 57344, 8192, 323.6),
    KGEMM("h100", 0, P16, "bf16", "256x57344x8192", 256, 57344, 8192, 407.2),
    KGEMM("h100", 0, P16, "bf16", "1024x57344x8192", 1024, 57344, 8192, 1431.3),
    KGEMM("h100", 0, P16, "bf16", "8192x57344x8192", 8192, 57344, 8192, 10967.7),
    KGEMM("h100", 0, P16, "bf16", "256x8192x28672", 256, 8192, 28672, 206.2),
    KGEMM("h100", 0, P16, "bf16", "4096x8192x28672", 4096, 8192, 28672, 2687.1),
    KGEMM("h100", 0, P8, "fp8", "16x57344x8192", 16, 57344, 8192, 176.1),
    KGEMM("h100", 0, P8, "fp8", "128x57344x8192", 128, 57344, 8192, 177.0),
    KGEMM("h100", 0, P8, "fp8", "256x57344x8192", 256, 57344, 8192, 222.8),
    KGEMM("h100", 0, P8, "fp8", "1024x57344x8192", 1024, 57344, 8192, 818.4),
    KGEMM("h100", 0, P8, "fp8", "8192x57344x8192", 8192, 57344, 8192, 6003.8),
    KGEMM("h100", 0, P8, "fp8", "256x8192x28672", 256, 8192, 28672, 104.1),
    KGEMM("h100", 0, P8, "fp8", "4096x8192x28672", 4096, 8192, 28672, 1538.6),
    KHBM("h200", 1, "copy", 4.272),
    KHBM("h200", 1, "read", 4.318),
    KGEMM("h200", 1, P16, "bf16", "16x57344x8192", 16, 57344, 8192, 209.6),
    KGEMM("h200", 1, P16, "bf16", "128x57344x8192", 128, 57344, 8192, 387.9),
    KGEMM("h200", 1, P16, "bf16", "256x57344x8192", 256, 57344, 8192, 387.4),
    KGEMM("h200", 1, P16, "bf16", "1024x57344x8192", 1024, 57344, 8192, 1400.8),
    KGEMM("h200", 1, P16, "bf16", "8192x57344x8192", 8192, 57344, 8192, 11276.9),
    KGEMM("h200", 1, P16, "bf16", "256x8192x28672", 256, 8192, 28672, 194.1),
    KGEMM("h200", 1, P16, "bf16", "4096x8192x28672", 4096, 8192, 28672, 2756.6),
    KGEMM("h200", 1, P8, "fp8", "16x57344x8192", 16, 57344, 8192, 111.2),
    KGEMM("h200", 1, P8, "fp8", "128x57344x8192", 128, 57344, 8192, 141.0),
    KGEMM("h200", 1, P8, "fp8", "256x57344x8192", 256, 57344, 8192, 209.5),
    KGEMM("h200", 1, P8, "fp8", "1024x57344x8192", 1024, 57344, 8192, 771.0),
    KGEMM("h200", 1, P8, "fp8", "8192x57344x8192", 8192, 57344, 8192, 6176.4),
    KGEMM("h200", 1, P8, "fp8", "256x8192x28672", 256, 8192, 28672, 105.6),
    KGEMM("h200", 1, P8, "fp8", "4096x8192x28672", 4096, 8192, 28672, 1501.4),
/* bf16 attention at Llama-70B head shapes (64 query heads, 8 KV heads, d 128) through
 * PyTorch's fused kernels (data/validation/gpu_microbench_*_attn.csv): a = sequences,
 * b = context (decode) or prompt length (prefill). The H100 prefill rows are where the
 * prefill-attention curve (attn_prefill_rel, attn_prefill_half_tokens) comes from; the H100
 * decode rows check mem_eff; the H200 rows are held out. */
#define KATTN(hwid, ho, which, shape, batch, tokens, us)                                           \
    {                                                                                              \
        .dataset = "gpu-attention", .label = hwid " bf16 " #which " attention " shape,             \
        .kind = ANCHOR_ATTN_##which##_US, .held_out = ho, .hw = hwid, .prec = P16, .a = batch,     \
        .b = tokens, .published = us                                                               \
    }
    KATTN("h100", 0, DECODE, "b16 ctx2048", 16, 2048, 50.9),
    KATTN("h100", 0, DECODE, "b64 ctx1024", 64, 1024, 95.9),
    KATTN("h100", 0, DECODE, "b64 ctx4096", 64, 4096, 360.6),
    KATTN("h100", 0, DECODE, "b256 ctx1024", 256, 1024, 359.6),
    KATTN("h100", 0, PREFILL, "b16 seq512", 16, 512, 214.3),
    KATTN("h100", 0, PREFILL, "b4 seq2048", 4, 2048, 584.2),
    KATTN("h100", 0, PREFILL, "b1 seq8192", 1, 8192, 1997.7),
    KATTN("h200", 1, DECODE, "b16 ctx2048", 16, 2048, 37.7),
    KATTN("h200", 1, DECODE, "b64 ctx1024", 64, 1024, 72.3),
    KATTN("h200", 1, DECODE, "b64 ctx4096", 64, 4096, 271.7),
    KATTN("h200", 1, DECODE, "b256 ctx1024", 256, 1024, 288.9),
    KATTN("h200", 1, PREFILL, "b16 seq512", 16, 512, 218.7),
    KATTN("h200", 1, PREFILL, "b4 seq2048", 4, 2048, 589.7),
    KATTN("h200", 1, PREFILL, "b1 seq8192", 1, 8192, 1986.2),
#undef KGEMM
#undef KHBM
#undef KATTN
};

enum { ANCHOR_COUNT = sizeof anchors / sizeof anchors[0] };

/* Share of MLPerf GPT-3 time-to-train spent in the periodic evaluations, measured from the
 * v3.1 NVIDIA logs (validation_epoch_timing over block time: 9.7% at 512 GPUs, 11% at
 * 10,752); part of the benchmark protocol, not of the training throughput. */
#define MLPERF_GPT3_EVAL_OVERHEAD 0.10

int aif_perf_anchor_count(void) {
    return ANCHOR_COUNT;
}

static group anchor_group(const anchor *a) {
    switch (a->kind) {
    case ANCHOR_TRAIN_TTT:
    case ANCHOR_TRAIN_TFLOPS:
        return GROUP_TRAIN;
    case ANCHOR_PREFILL_MS:
    case ANCHOR_DECODE_MS:
        return GROUP_RESEARCH;
    case ANCHOR_GEMM_US:
    case ANCHOR_HBM_TBPS:
    case ANCHOR_ATTN_DECODE_US:
    case ANCHOR_ATTN_PREFILL_US:
        return GROUP_KERNEL;
    default:
        return GROUP_SERVE;
    }
}

/* One bf16 attention kernel at Llama-70B head shapes, costed as the serving iteration costs
 * attention (perf_infer.c): KV bytes at HBM bandwidth plus FLOPs at the BF16 GEMM rate.
 * Decode: `batch` sequences each attend one new token to `tokens` cached ones; prefill:
 * causal attention over `tokens`-token prompts. */
static double attention_s(const aif_perf_calib *c, const aif_perf_hw *hw, int prefill, double batch,
                          double tokens) {
    const double d = 128, q_heads = 64, kv_heads = 8;
    double math = hw->peak_flops[AIF_PREC_BF16] * aif_perf_gemm_eff(c, AIF_PREC_BF16);
    if (prefill) {
        return 2.0 * batch * q_heads * tokens * tokens * d /
               (math * aif_perf_attn_prefill_frac(c, tokens));
    }
    double kv_bytes = 2.0 * 2.0 * batch * kv_heads * tokens * d;
    return kv_bytes / (hw->hbm_bytes_per_s * c->mem_eff) +
           4.0 * batch * q_heads * tokens * d / math;
}

/* Prediction of one anchor; NAN when the model refuses the configuration. */
static double predict(const aif_perf_calib *c, const anchor *a) {
    const aif_model_spec *m = aif_model_find(a->model);
    const aif_perf_hw *hw = aif_perf_hw_find(a->hw);
    switch (a->kind) {
    case ANCHOR_TRAIN_TTT:
    case ANCHOR_TRAIN_TFLOPS: {
        int seq = a->kind == ANCHOR_TRAIN_TTT ? 2048 : 8192;
        aif_perf_train_query q = {m, hw, a->gpus, a->prec, seq, (long)a->a, a->tp, a->pp, 0};
        aif_perf_train_result r;
        if (aif_perf_train(c, &q, &r) != AIF_OK) {
            return NAN;
        }
        if (a->kind == ANCHOR_TRAIN_TFLOPS) {
            return r.tokens_per_s_per_gpu * r.flops_per_token / 1e12;
        }
        double steps = ceil(a->b / ((double)a->a * seq));
        return steps * r.step_time_s * (1.0 + MLPERF_GPT3_EVAL_OVERHEAD) / 60.0;
    }
    case ANCHOR_INF_SYSTEM:
    case ANCHOR_INF_PER_GPU: {
        double in = a->a < 0 ? c->mlperf_input_tokens : a->a;
        aif_perf_infer_query q = {m,    hw,          a->gpus, a->prec, in,
                                  a->b, a->workload, a->tp,   a->pp,   NULL};
        aif_perf_infer_result r;
        if (aif_perf_infer(c, &q, &r) != AIF_OK) {
            return NAN;
        }
        return a->kind == ANCHOR_INF_SYSTEM ? r.tokens_per_s : r.tokens_per_s_per_gpu;
    }
    case ANCHOR_PREFILL_MS:
        return 1e3 * aif_perf_prefill_s(c, &c->research, m, hw, a->prec, a->tp, a->a, a->b);
    case ANCHOR_DECODE_MS:
        return 1e3 * aif_perf_decode_step_s(c, &c->research, m, hw, a->prec, a->tp, a->a, a->b);
    case ANCHOR_GEMM_US:
        return 1e6 * aif_perf_gemm_s(c, hw, a->prec, a->a, a->b, (double)a->gpus);
    case ANCHOR_HBM_TBPS:
        /* A plain stream runs at the measured efficiency whatever its direction. */
        return hw ? hw->hbm_bytes_per_s * c->mem_eff / 1e12 : NAN;
    case ANCHOR_ATTN_DECODE_US:
    case ANCHOR_ATTN_PREFILL_US:
        return hw ? 1e6 * attention_s(c, hw, a->kind == ANCHOR_ATTN_PREFILL_US, a->a, a->b) : NAN;
    }
    return NAN;
}

aif_status aif_perf_validate(const aif_perf_calib *calib, aif_perf_check *rows) {
    if (calib == NULL || rows == NULL) {
        return AIF_EINVAL;
    }
    static const char *const units[] = {"min", "TFLOP/s/GPU", "tok/s", "tok/s/GPU", "ms",
                                        "ms",  "us",          "TB/s",  "us",        "us"};
    for (int i = 0; i < ANCHOR_COUNT; i++) {
        const anchor *a = &anchors[i];
        double p = predict(calib, a);
        rows[i] = (aif_perf_check){a->dataset,
                                   a->label,
                                   units[a->kind],
                                   a->held_out,
                                   p,
                                   a->published,
                                   (p - a->published) / a->published};
    }
    return AIF_OK;
}

double aif_perf_mape(const aif_perf_check *rows, int n, const char *dataset, int held, int *count) {
    double sum = 0;
    int k = 0;
    for (int i = 0; rows && i < n; i++) {
        if ((dataset && strcmp(dataset, rows[i].dataset) != 0) ||
            (held >= 0 && rows[i].held_out != held)) {
            continue;
        }
        sum += isfinite(rows[i].error) ? fabs(rows[i].error) : 1.0;
        k++;
    }
    if (count) {
        *count = k;
    }
    return k ? sum / k : 0.0;
}

/* ---- Fitting ---- */

enum { MAX_PARAMS = 5 };

typedef struct fit_space {
    group g;
    int n;
    double *slot[MAX_PARAMS];
    double lo[MAX_PARAMS], hi[MAX_PARAMS];
} fit_space;

static void set_params(fit_space *s, const double *x) {
    for (int i = 0; i < s->n; i++) {
        double v = exp(x[i]);
        *s->slot[i] = v < s->lo[i] ? s->lo[i] : (v > s->hi[i] ? s->hi[i] : v);
    }
}

/* Mean squared log error over the group's fitted rows; a refused row costs a lot. */
static double objective(aif_perf_calib *c, fit_space *s, const double *x) {
    set_params(s, x);
    double sum = 0;
    int k = 0;
    for (int i = 0; i < ANCHOR_COUNT; i++) {
        const anchor *a = &anchors[i];
        if (a->held_out || anchor_group(a) != s->g) {
            continue;
        }
        double p = predict(c, a);
        double e = (isfinite(p) && p > 0) ? log(p / a->published) : 3.0;
        sum += e * e;
        k++;
    }
    return k ? sum / k : 0.0;
}

/* Nelder-Mead in log-parameter space, fixed iteration count, so results are reproducible. */
static void nelder_mead(aif_perf_calib *c, fit_space *s) {
    int n = s->n;
    double x[MAX_PARAMS + 1][MAX_PARAMS], f[MAX_PARAMS + 1];
    for (int j = 0; j <= n; j++) {
        for (int i = 0; i < n; i++) {
            x[j][i] = log(*s->slot[i]) + (j == i + 1 ? 0.2 : 0.0);
        }
    }
    double start[MAX_PARAMS];
    for (int i = 0; i < n; i++) {
        start[i] = x[0][i];
    }
    (void)start;
    for (int j = 0; j <= n; j++) {
        f[j] = objective(c, s, x[j]);
    }
    for (int iter = 0; iter < 400; iter++) {
        /* Order: best first (insertion sort keeps ties stable). */
        for (int a = 1; a <= n; a++) {
            for (int b = a; b > 0 && f[b] < f[b - 1]; b--) {
                double tf = f[b];
                f[b] = f[b - 1];
                f[b - 1] = tf;
                for (int i = 0; i < n; i++) {
                    double t = x[b][i];
                    x[b][i] = x[b - 1][i];
                    x[b - 1][i] = t;
                }
            }
        }
        double cen[MAX_PARAMS] = {0}, xr[MAX_PARAMS], xe[MAX_PARAMS], xc[MAX_PARAMS];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                cen[i] += x[j][i] / n;
            }
        }
        for (int i = 0; i < n; i++) {
            xr[i] = cen[i] + (cen[i] - x[n][i]);
        }
        double fr = objective(c, s, xr);
        if (fr < f[0]) {
            for (int i = 0; i < n; i++) {
                xe[i] = cen[i] + 2.0 * (cen[i] - x[n][i]);
            }
            double fe = objective(c, s, xe);
            memcpy(x[n], fe < fr ? xe : xr, sizeof xe);
            f[n] = fe < fr ? fe : fr;
        } else if (fr < f[n - 1]) {
            memcpy(x[n], xr, sizeof xr);
            f[n] = fr;
        } else {
            for (int i = 0; i < n; i++) {
                xc[i] = cen[i] + 0.5 * (x[n][i] - cen[i]);
            }
            double fc = objective(c, s, xc);
            if (fc < f[n]) {
                memcpy(x[n], xc, sizeof xc);
                f[n] = fc;
            } else {
                for (int j = 1; j <= n; j++) {
                    for (int i = 0; i < n; i++) {
                        x[j][i] = x[0][i] + 0.5 * (x[j][i] - x[0][i]);
                    }
                    f[j] = objective(c, s, x[j]);
                }
            }
        }
    }
    int best = 0;
    for (int j = 1; j <= n; j++) {
        if (f[j] < f[best]) {
            best = j;
        }
    }
    set_params(s, x[best]);
}

aif_status aif_perf_fit(const aif_perf_calib *start, aif_perf_calib *out) {
    if (start == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    aif_perf_calib c = *start;
    fit_space train = {GROUP_TRAIN, 2, {&c.train_eff, &c.dp_overlap}, {0.05, 0.0}, {1.0, 1.0}};
    fit_space serve = {
        GROUP_SERVE,
        4,
        {&c.serve.compute_eff, &c.serve.iter_overhead_s, &c.server_load, &c.mlperf_input_tokens},
        {0.05, 1e-5, 0.885, 50},
        {1.0, 0.1, 0.885, 2000}};
    fit_space research = {GROUP_RESEARCH,
                          4,
                          {&c.research.compute_eff, &c.research.iter_overhead_s,
                           &c.research.collective_latency_s, &c.research.act_passes},
                          {0.02, 1e-5, 1e-7, 0.1},
                          {1.0, 0.2, 1e-3, 1000}};
    nelder_mead(&c, &train);
    nelder_mead(&c, &serve);
    nelder_mead(&c, &research);
    *out = c;
    return AIF_OK;
}
