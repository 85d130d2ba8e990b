/* Training step time: compute, tensor/pipeline/data-parallel communication, the pipeline
 * bubble and the optimizer, for a (TP, PP, DP) layout chosen automatically or given.
 *
 * One step runs m = global_batch / dp micro-batches of one sequence through a pipeline of
 * pp stages; with v interleaved virtual stages the bubble costs (pp - 1) / v micro-batch
 * times (Narayanan et al. 2021). Tensor parallelism adds four activation all-reduces per
 * layer per micro-batch (two forward, two backward); the data-parallel gradient all-reduce
 * overlaps the backward pass except for a fitted fraction. Equations: docs/perf.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/perf.h"

typedef struct layout {
    int tp, pp, dp;
} layout;

static double ring_factor(int n) {
    return n > 1 ? 2.0 * (n - 1) / n : 0.0;
}

/* Largest divisor of n that is <= cap (>= 1). */
static int divisor_at_most(int n, int cap) {
    for (int v = cap; v > 1; v--) {
        if (n % v == 0) {
            return v;
        }
    }
    return 1;
}

/* train_eff is fitted on FP8 rows (MLPerf GPT-3). Another precision reaches a different
 * fraction of its own peak: scale by the ratio of the measured library-GEMM efficiencies
 * (bf16 0.704 vs fp8 0.626 on an H100 at 700 W, i.e. FP8 math runs 1.78x BF16's, not 2x). */
static double train_eff_at(const aif_perf_calib *c, aif_precision p) {
    double ratio = aif_perf_gemm_eff(c, p) / aif_perf_gemm_eff(c, AIF_PREC_FP8);
    return c->train_eff * (ratio > 0 ? ratio : 1.0);
}

/* Evaluate one layout; returns 0 if it runs, -1 if it does not fit memory. */
static int evaluate(const aif_perf_calib *c, const aif_perf_train_query *q, layout l,
                    aif_perf_train_result *r) {
    const aif_model_spec *m = q->model;
    const aif_perf_hw *hw = q->hw;
    double S = q->seq_len;
    double n_model = (double)l.tp * l.pp;
    double peak = hw->peak_flops[q->precision];
    double bw_mem = hw->hbm_bytes_per_s * c->mem_eff;
    /* A TP or PP group that outgrows the NVLink domain talks over the NICs. */
    double bw_tp =
        (l.tp <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s : hw->scaleout_bytes_per_s) *
        c->link_eff;
    double bw_pp =
        (n_model <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s : hw->scaleout_bytes_per_s) *
        c->link_eff;
    double bw_dp =
        (q->gpus <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s : hw->scaleout_bytes_per_s) *
        c->link_eff;

    /* Uneven splits (126 layers on 16 stages) run at the pace of the fullest stage. */
    int stage_layers = (m->layers + l.pp - 1) / l.pp;
    double layers_per_stage = stage_layers;
    int v = l.pp > 1 ? divisor_at_most(stage_layers, c->pipeline_interleave) : 1;
    long mb = (q->global_batch + l.dp - 1) / l.dp;

    double fpt = 6.0 * m->params_active + 12.0 * m->layers * aif_model_attn_dim(m) * S;
    double params_gpu = m->params_total / n_model;
    /* Memory: bf16 weights + bf16 grads, fp32 master + Adam moments sharded over DP, and
     * activations with selective recomputation (~34 bytes * S * h per layer, / tp; 1F1B
     * keeps pp micro-batches of L/pp layers in flight). If that does not fit, recompute
     * whole layers in the backward pass, as few as needed (Megatron's block-granularity
     * recomputation): a recomputed layer keeps only its input (2 bytes * S * h) plus one
     * layer's working set, and costs one more forward (1/3 of its FLOPs). */
    double state = params_gpu * (4.0 + 12.0 / l.dp);
    double layer_sel = 34.0 * S * m->hidden / l.tp;
    double layer_full = 2.0 * S * m->hidden / l.tp;
    double cap = hw->hbm_bytes * c->hbm_usable_frac;
    double mem = state + layer_sel * m->layers;
    double recompute = 1.0;
    if (mem > cap) {
        /* Fraction f of layers recomputed: state + layer_sel * (1 + L (1 - f)) +
         * layer_full * L f = cap. */
        double full = state + layer_sel + layer_sel * m->layers;
        double f = (full - cap) / ((layer_sel - layer_full) * m->layers);
        f = f < 0 ? 0 : f;
        if (f > 1) {
            r->mem_per_gpu_bytes = state + layer_sel + layer_full * m->layers;
            return -1;
        }
        mem = state + layer_sel + layer_sel * m->layers * (1 - f) + layer_full * m->layers * f;
        recompute = 1.0 + f / 3.0;
    }
    /* Per micro-batch, per stage: the stage's share of the FLOPs. */
    double t_comp = recompute * fpt * S * (stage_layers * l.pp / (double)m->layers) / n_model /
                    (peak * train_eff_at(c, q->precision));
    double act_bytes = S * m->hidden * 2.0; /* one bf16 activation tensor of a sequence */
    double t_tp = l.tp > 1 ? 4.0 * layers_per_stage * act_bytes * ring_factor(l.tp) / bw_tp : 0;
    /* Each virtual stage boundary sends activations forward and gradients back. */
    double t_pp = l.pp > 1 ? 2.0 * v * act_bytes / l.tp / bw_pp : 0;
    double t_mb = t_comp + t_tp + t_pp;

    double t_dp = ring_factor(l.dp) * params_gpu * 2.0 / bw_dp;
    /* Mixed-precision Adam over the DP-sharded optimizer state: read and write ~32 B/param. */
    double t_opt = params_gpu / l.dp * 32.0 / bw_mem;

    double bubble = (l.pp - 1) / (double)v * t_mb;
    double step = mb * t_mb + bubble + (1.0 - c->dp_overlap) * t_dp + t_opt;

    double tokens = (double)mb * l.dp * S;
    *r = (aif_perf_train_result){
        .tp = l.tp,
        .pp = l.pp,
        .dp = l.dp,
        .interleave = v,
        .microbatches = mb,
        .flops_per_token = fpt,
        .step_time_s = step,
        .tokens_per_s = tokens / step,
        .tokens_per_s_per_gpu = tokens / step / q->gpus,
        .mfu = tokens / step * fpt / (q->gpus * peak),
        .mem_per_gpu_bytes = mem,
        .compute_s = mb * t_comp,
        .tp_comm_s = mb * t_tp,
        .pp_comm_s = mb * t_pp,
        .bubble_s = bubble,
        .dp_exposed_s = (1.0 - c->dp_overlap) * t_dp,
        .optimizer_s = t_opt,
    };
    return 0;
}

static aif_status check_query(const aif_perf_calib *c, const aif_perf_train_query *q) {
    if (c == NULL || q == NULL || q->model == NULL || q->hw == NULL || q->gpus <= 0 ||
        q->seq_len <= 0 || q->global_batch <= 0 || q->tp < 0 || q->pp < 0 || q->dp < 0 ||
        (unsigned)q->precision >= AIF_PREC_COUNT || q->hw->peak_flops[q->precision] <= 0 ||
        aif_model_check(q->model) != AIF_OK) {
        return AIF_EINVAL;
    }
    return AIF_OK;
}

aif_status aif_perf_train(const aif_perf_calib *calib, const aif_perf_train_query *q,
                          aif_perf_train_result *out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    aif_status st = check_query(calib, q);
    if (st != AIF_OK) {
        snprintf(out->message, sizeof out->message, "invalid query (sizes, model or precision)");
        return st;
    }
    const aif_model_spec *m = q->model;
    int tp_max = q->hw->scaleup_domain_gpus < 8 ? q->hw->scaleup_domain_gpus : 8;
    aif_perf_train_result best = {0}, trial;
    int found = 0;
    double min_mem = HUGE_VAL;
    for (int tp = 1; tp <= 64; tp *= 2) {
        if ((q->tp && tp != q->tp) || (!q->tp && tp > tp_max) || m->heads % tp != 0) {
            continue;
        }
        for (int pp = 1; pp <= m->layers; pp++) {
            /* Automatic layouts split layers evenly, or into a power-of-two number of stages
             * of at most ceil(L/pp) layers (Llama 3 405B: 126 layers on 16 stages), since
             * power-of-two stage counts divide the usual GPU counts; a given --pp may be any
             * split. The fullest stage sets the pace, so an uneven split wins only where no
             * even one fits or is faster. */
            int even = m->layers % pp == 0, pow2 = (pp & (pp - 1)) == 0;
            if ((q->pp && pp != q->pp) || (!q->pp && !even && !pow2)) {
                continue;
            }
            long n_model = (long)tp * pp;
            if (q->gpus % n_model != 0) {
                continue;
            }
            long dp = q->gpus / n_model;
            if ((q->dp && dp != q->dp) || dp > q->global_batch) {
                continue;
            }
            if (evaluate(calib, q, (layout){tp, pp, (int)dp}, &trial) != 0) {
                if (trial.mem_per_gpu_bytes < min_mem) {
                    min_mem = trial.mem_per_gpu_bytes;
                }
                continue;
            }
            if (!found || trial.step_time_s < best.step_time_s) {
                best = trial;
                found = 1;
            }
        }
    }
    if (!found) {
        if (min_mem < HUGE_VAL) {
            snprintf(out->message, sizeof out->message,
                     "no layout of %ld GPUs fits memory (best needs %.0f GB per GPU of %.0f); "
                     "use more GPUs or a larger --pp",
                     q->gpus, min_mem / 1e9, q->hw->hbm_bytes * calib->hbm_usable_frac / 1e9);
        } else {
            snprintf(out->message, sizeof out->message,
                     "no TP x PP x DP layout divides %ld GPUs (TP must divide %d heads, PP %d "
                     "layers or be a power of two, DP <= global batch)",
                     q->gpus, m->heads, m->layers);
        }
        return AIF_ERANGE;
    }
    *out = best;
    return AIF_OK;
}

double aif_perf_train_time_for_tokens(const aif_perf_train_result *r, double tokens) {
    return (r && r->tokens_per_s > 0) ? tokens / r->tokens_per_s : HUGE_VAL;
}

double aif_perf_train_time_for_flops(const aif_perf_train_result *r, double flops) {
    return (r && r->tokens_per_s > 0 && r->flops_per_token > 0)
               ? flops / (r->tokens_per_s * r->flops_per_token)
               : HUGE_VAL;
}
