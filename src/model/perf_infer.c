/* Inference: prefill and decode iteration times on a replica, the largest batch HBM
 * allows, and the batch and layout that maximize throughput under a workload's latency
 * targets.
 *
 * An engine iteration is a sum of terms, one per kind of operator: the weight GEMMs take
 * weight bytes / HBM bandwidth + FLOPs / compute; attention takes KV bytes / HBM bandwidth +
 * attention FLOPs / compute; element-wise work that tensor parallelism replicates (costed at
 * HBM bandwidth for the part of the activations that does not fit in L2), tensor-parallel
 * all-reduces and a fixed engine overhead are added. Continuous batching with chunked prefill
 * mixes, in steady state, batch * input / output prefill tokens into every decode iteration of
 * `batch` sequences, so prefill rides on the GEMMs that decode has to run anyway. Equations:
 * docs/perf.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/perf.h"

/* The most GPUs an error message counts as an integer (2^40); beyond, it says "more than". */
#define AIF_PERF_MAX_GPUS_SHOWN 1099511627776.0

typedef struct replica {
    const aif_perf_calib *c;
    const aif_perf_framework *fw;
    const aif_model_spec *m;
    const aif_perf_hw *hw;
    aif_precision p;
    int tp, pp;
    int ep;       /* expert-parallel GPUs per stage; 0 or 1 = none */
    int skip_p2p; /* 1: stage_time leaves out the send to the next stage (priced apart) */
} replica;

static double kv_bytes_per_elem(aif_precision p) {
    return p == AIF_PREC_BF16 ? 2.0 : 1.0; /* FP8 KV cache with FP8/FP4 weights */
}

/* Attention runs at FP8 at best: FP4 attention kernels are not the norm. */
static double attn_peak(const aif_perf_hw *hw, aif_precision p) {
    aif_precision a = p == AIF_PREC_FP4 ? AIF_PREC_FP8 : p;
    return hw->peak_flops[a] > 0 ? hw->peak_flops[a] : hw->peak_flops[AIF_PREC_BF16];
}

/* Fraction of routed-expert weights a step touches when `tokens` tokens each pick k of E. */
static double expert_touch(const aif_model_spec *m, double tokens) {
    if (m->experts <= 0) {
        return 1.0;
    }
    double miss = 1.0 - (double)m->experts_active / m->experts;
    return 1.0 - pow(miss, tokens);
}

/* Weights read by one GPU in one iteration of `tokens` tokens. */
static double weight_bytes_read(const replica *r, double tokens) {
    const aif_model_spec *m = r->m;
    double stored = m->params_total;
    if (m->experts > 0) {
        /* With routed-expert weights X and shared weights s: total = s + X and
         * active = s + X*k/E, so X = (total - active) * E / (E - k). Only touched experts
         * are read. */
        double expert_total = (m->params_total - m->params_active) * m->experts /
                              (double)(m->experts - m->experts_active);
        double shared = m->params_total - expert_total;
        stored = shared + expert_total * expert_touch(m, tokens);
    }
    return stored * aif_precision_bytes(r->p) / ((double)r->tp * r->pp);
}

/* The largest of `parts` pieces `pre` prefill tokens split into, when a prompt's chunk is
 * not split and prompts average `plen` tokens: an even share, or one whole chunk. */
static double largest_share(double pre, double parts, double plen) {
    double even = pre / parts, whole = pre < plen ? pre : plen;
    return even > whole ? even : whole;
}

static aif_perf_parallel par_of(const replica *r) {
    return (aif_perf_parallel){r->tp, r->pp, r->ep};
}

/* One pipeline stage of an expert-parallel replica (r->ep > 1, a multiple of r->tp): the
 * batch spreads over ep / tp attention groups of tp GPUs (data parallel); the busiest runs
 * its share through attention and the non-expert weights, held by tp x pp GPUs each, while
 * the routed experts, spread whole over ep GPUs, see every token of the stage (the busiest
 * GPU ep_imbalance times its share), reached by the two all-to-alls of each layer. Every
 * layer is taken as an MoE layer. The terms are stage_time's otherwise. */
static double stage_time_ep(const replica *r, double dec, double ctx, double pre, double plen) {
    const aif_model_spec *m = r->m;
    const aif_perf_hw *hw = r->hw;
    aif_perf_parallel par = par_of(r);
    double groups = (double)r->ep / r->tp;
    double gdec = dec / groups, gpre = largest_share(pre, groups, plen);
    double gtok = gdec + gpre, tokens = dec + pre;
    double bw = hw->hbm_bytes_per_s * r->c->mem_eff;
    double peak = hw->peak_flops[r->p] * r->fw->compute_eff;
    double apeak = attn_peak(hw, r->p) * r->fw->compute_eff;
    double imb = r->c->ep_imbalance > 1.0 ? r->c->ep_imbalance : 1.0;
    double routed = 0.0;
    if (m->experts > 0 && m->experts_active < m->experts) {
        routed = (m->params_total - m->params_active) * m->experts /
                 (double)(m->experts - m->experts_active);
    }
    double rest = m->params_total - routed;
    double routed_active = m->params_active - rest;
    double dense_gpus = (double)r->tp * r->pp, expert_gpus = (double)r->ep * r->pp;
    double w_read = (rest / dense_gpus + routed * expert_touch(m, tokens) / expert_gpus) *
                    aif_precision_bytes(r->p);
    double flops = 2.0 * (rest * gtok / dense_gpus + routed_active * tokens * imb / expert_gpus);
    double t_gemm = aif_perf_overlap_s(r->c->stage_overlap_p, w_read / bw, flops / peak);
    double layers = (double)m->layers / r->pp;
    double kv_tok = aif_model_kv_elems_per_token_layer(m) * layers * kv_bytes_per_elem(r->p);
    double d = aif_model_attn_dim(m);
    double t_attn =
        (gdec * ctx + gpre) * kv_tok / r->tp / bw + gdec * 4.0 * ctx * d * layers / r->tp / apeak;
    if (gpre > 0) {
        t_attn += gpre * 4.0 * plen * 0.5 * d * layers / r->tp /
                  (apeak * aif_perf_attn_prefill_frac(r->c, plen));
    }
    /* One all-reduce per layer (attention) inside the group; the MoE layer's is replaced
     * by the dispatch and combine all-to-alls, each GPU routing 1/tp of its group's tokens. */
    double t_comm = 0;
    if (r->tp > 1) {
        double link = (r->tp <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s
                                                        : hw->scaleout_bytes_per_s) *
                      r->c->link_eff;
        t_comm = layers * (r->fw->collective_latency_s * (r->tp - 1) +
                           gtok * m->hidden * 2.0 * 2.0 * (r->tp - 1) / r->tp / link);
    }
    double t_a2a = layers * aif_perf_ep_alltoall_s(r->c, r->fw, m, hw, r->p, &par, gtok / r->tp);
    double t_p2p = 0;
    if (r->pp > 1 && !r->skip_p2p) {
        t_p2p = aif_perf_pp_transfer_s(r->c, r->fw, m, hw, &par, gtok);
    }
    double act = gtok * m->hidden * 2.0;
    double act_hbm = act > hw->l2_bytes ? act - hw->l2_bytes : 0.0;
    double t_elem = r->fw->act_passes * layers * act_hbm / bw;
    return t_gemm + t_attn + t_comm + t_a2a + t_p2p + t_elem + r->fw->iter_overhead_s;
}

/* One iteration on one pipeline stage: `dec` decode sequences at mean context `ctx`, plus
 * `pre` prefill tokens whose prompts average `plen` tokens. */
static double stage_time(const replica *r, double dec, double ctx, double pre, double plen) {
    if (r->ep > 1) {
        return stage_time_ep(r, dec, ctx, pre, plen);
    }
    const aif_model_spec *m = r->m;
    const aif_perf_hw *hw = r->hw;
    double n = (double)r->tp * r->pp;
    double bw = hw->hbm_bytes_per_s * r->c->mem_eff;
    double peak = hw->peak_flops[r->p] * r->fw->compute_eff;
    double apeak = attn_peak(hw, r->p) * r->fw->compute_eff;
    double tokens = dec + pre;
    double t_gemm = aif_perf_overlap_s(r->c->stage_overlap_p, weight_bytes_read(r, tokens) / bw,
                                       2.0 * m->params_active * tokens / n / peak);
    double layers = (double)m->layers / r->pp;
    double kv_tok = aif_model_kv_elems_per_token_layer(m) * layers * kv_bytes_per_elem(r->p);
    double d = aif_model_attn_dim(m);
    /* Decode reads the whole context; causal prefill attends to plen/2 tokens on average and
     * runs at a rate that grows with the prompt (aif_perf_attn_prefill_frac). */
    double dec_flops = dec * 4.0 * ctx * d * layers / r->tp;
    double pre_flops = pre * 4.0 * plen * 0.5 * d * layers / r->tp;
    /* Decode reads every cached token; prefill writes its own (read back from cache). */
    double kv_read = (dec * ctx + pre) * kv_tok / r->tp;
    double t_attn = kv_read / bw + dec_flops / apeak;
    if (pre_flops > 0) {
        t_attn += pre_flops / (apeak * aif_perf_attn_prefill_frac(r->c, plen));
    }
    double t_comm = 0;
    if (r->tp > 1) {
        double link = (r->tp <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s
                                                        : hw->scaleout_bytes_per_s) *
                      r->c->link_eff;
        double bytes = tokens * m->hidden * 2.0;
        t_comm =
            2.0 * layers *
            (r->fw->collective_latency_s * (r->tp - 1) + bytes * 2.0 * (r->tp - 1) / r->tp / link);
    }
    double t_p2p = 0;
    if (r->pp > 1 && !r->skip_p2p) {
        double link =
            (n <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s : hw->scaleout_bytes_per_s) *
            r->c->link_eff;
        t_p2p = tokens * m->hidden * 2.0 / r->tp / link + r->fw->collective_latency_s;
    }
    /* Replicated element-wise work: every rank touches every token's full hidden vector.
     * Passes over an activation tensor that fits in L2 stay on chip; the part beyond it
     * streams from HBM. */
    double act = tokens * m->hidden * 2.0;
    double act_hbm = act > hw->l2_bytes ? act - hw->l2_bytes : 0.0;
    double t_elem = r->fw->act_passes * layers * act_hbm / bw;
    return t_gemm + t_attn + t_comm + t_p2p + t_elem + r->fw->iter_overhead_s;
}

double aif_perf_prefill_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                          const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p, int tp,
                          double batch, double prompt_tokens) {
    replica r = {calib, fw ? fw : &calib->serve, m, hw, p, tp, 1, 0, 0};
    return stage_time(&r, 0, 0, batch * prompt_tokens, prompt_tokens);
}

double aif_perf_decode_step_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                              const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p,
                              int tp, double batch, double context) {
    replica r = {calib, fw ? fw : &calib->serve, m, hw, p, tp, 1, 0, 0};
    return stage_time(&r, batch, context, 0, 0);
}

double aif_perf_iteration_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                            const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p, int tp,
                            double decode, double decode_context, double prefill,
                            double prefill_span) {
    replica r = {calib, fw ? fw : &calib->serve, m, hw, p, tp, 1, 0, 0};
    /* stage_time takes the prompt length whose causal attention averages half of it. */
    return stage_time(&r, decode, decode_context, prefill, 2.0 * prefill_span);
}

double aif_perf_iteration_par_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                                const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p,
                                const aif_perf_parallel *par, double decode, double decode_context,
                                double prefill, double prefill_span) {
    int pp = par->pp > 1 ? par->pp : 1;
    replica r = {calib, fw ? fw : &calib->serve,   m, hw, p, par->tp,
                 pp,    par->ep > 1 ? par->ep : 0, 1};
    double plen = 2.0 * prefill_span;
    if (pp == 1) {
        return stage_time(&r, decode, decode_context, prefill, plen);
    }
    /* m = min(pp, sequences) micro-batches; the largest one's traversal of every stage. */
    double seqs = decode + (prefill > 0 ? 1.0 : 0.0);
    double mb = seqs < pp ? (seqs > 1.0 ? seqs : 1.0) : (double)pp;
    double d = decode / mb, pre = largest_share(prefill, mb, plen);
    double sent = d + pre; /* what one tp group of a stage sends on */
    if (r.ep > 1) {
        double groups = (double)r.ep / r.tp;
        sent = d / groups + largest_share(pre, groups, plen);
    }
    aif_perf_parallel q = par_of(&r);
    return pp * stage_time(&r, d, decode_context, pre, plen) +
           (pp - 1) * aif_perf_pp_transfer_s(calib, fw, m, hw, &q, sent);
}

double aif_perf_kv_bytes_per_token(const aif_model_spec *m, aif_precision p) {
    return aif_model_kv_elems_per_token_layer(m) * m->layers * kv_bytes_per_elem(p);
}

typedef struct point {
    double tput; /* output tokens/s of the replica */
    double ttft, tpot;
} point;

/* Steady state of continuous batching with B sequences in flight on the replica: pp
 * micro-batches of B/pp; each stage iteration moves one micro-batch one stage on. */
static point steady(const replica *r, double B, double in, double out) {
    double b = B / r->pp;
    double pre = b * in / out;
    double t = stage_time(r, b, in + out * 0.5, pre, in);
    point pt;
    pt.tpot = t * r->pp;
    pt.tput = b / t;
    /* A new request's prompt is prefilled on its own at full rate, after waiting for the
     * iteration in progress; each stage passes it on. */
    double alone = stage_time(r, 0, 0, in, in);
    pt.ttft = r->pp * alone + t;
    return pt;
}

static void limits(aif_workload w, double *ttft, double *tpot) {
    switch (w) {
    case AIF_WORKLOAD_SERVER:
        *ttft = 2.0;
        *tpot = 0.2;
        break;
    case AIF_WORKLOAD_INTERACTIVE:
        *ttft = 0.45;
        *tpot = 0.04;
        break;
    default:
        *ttft = HUGE_VAL;
        *tpot = HUGE_VAL;
        break;
    }
}

/* Best batch for one layout; returns 0 and fills res, or -1 (does not fit), -2 (SLO). */
static int best_batch(const replica *r, const aif_perf_infer_query *q, long gpus,
                      aif_perf_infer_result *res) {
    const aif_model_spec *m = r->m;
    double n = (double)r->tp * r->pp;
    double w_gpu = m->params_total * aif_precision_bytes(r->p) / n;
    double free_b = r->hw->hbm_bytes * r->c->hbm_usable_frac - w_gpu;
    double seq = q->input_tokens + q->output_tokens;
    double kv_seq_gpu =
        seq * aif_model_kv_elems_per_token_layer(m) * m->layers * kv_bytes_per_elem(r->p) / n;
    res->weight_bytes_per_gpu = w_gpu;
    res->kv_bytes_per_seq = kv_seq_gpu * n;
    if (free_b <= kv_seq_gpu) {
        return -1;
    }
    /* Capped in double before the conversion: with a tiny model the quotient is beyond any
     * integer type. */
    double fit = floor(free_b / kv_seq_gpu);
    long bmax = fit > (double)r->c->max_batch ? (long)r->c->max_batch : (long)fit;
    if (bmax < r->pp) {
        return -1;
    }
    double lim_ttft, lim_tpot;
    limits(q->workload, &lim_ttft, &lim_tpot);
    /* Latency grows with batch: binary search the largest batch within the limits. */
    long lo = r->pp, hi = bmax;
    point p = steady(r, (double)lo, q->input_tokens, q->output_tokens);
    if (p.tpot > lim_tpot || p.ttft > lim_ttft) {
        return -2;
    }
    while (lo < hi) {
        long mid = lo + (hi - lo + 1) / 2;
        point pm = steady(r, (double)mid, q->input_tokens, q->output_tokens);
        if (pm.tpot <= lim_tpot && pm.ttft <= lim_ttft) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    p = steady(r, (double)lo, q->input_tokens, q->output_tokens);
    double load = q->workload == AIF_WORKLOAD_OFFLINE ? 1.0 : r->c->server_load;
    long replicas = gpus / (long)n;
    res->tp = r->tp;
    res->pp = r->pp;
    res->replicas = replicas;
    res->batch = lo;
    res->max_batch = bmax;
    res->tokens_per_s = p.tput * load * replicas;
    res->tokens_per_s_per_gpu = res->tokens_per_s / gpus;
    res->ttft_s = p.ttft;
    res->tpot_s = p.tpot;
    return 0;
}

aif_status aif_perf_infer(const aif_perf_calib *calib, const aif_perf_infer_query *q,
                          aif_perf_infer_result *out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (calib == NULL || q == NULL || q->model == NULL || q->hw == NULL || q->gpus <= 0 ||
        !(q->input_tokens >= 1) || !(q->output_tokens >= 1) || q->tp < 0 || q->pp < 0 ||
        (unsigned)q->workload >= AIF_WORKLOAD_TRAINING ||
        (unsigned)q->precision >= AIF_PREC_COUNT || q->hw->peak_flops[q->precision] <= 0 ||
        aif_model_check(q->model) != AIF_OK) {
        snprintf(out->message, sizeof out->message, "invalid query (sizes, model or precision)");
        return AIF_EINVAL;
    }
    const aif_model_spec *m = q->model;
    replica r = {
        calib, q->framework ? q->framework : &calib->serve, m, q->hw, q->precision, 1, 1, 0, 0};
    aif_perf_infer_result best = {0}, trial;
    int found = 0, slo_miss = 0, laid_out = 0;
    for (int tp = 1; tp <= 64; tp *= 2) {
        if ((q->tp && tp != q->tp) || (!q->tp && tp > q->hw->scaleup_domain_gpus) ||
            m->heads % tp != 0) {
            continue;
        }
        for (int pp = 1; pp <= 16; pp++) {
            if ((q->pp && pp != q->pp) || m->layers % pp != 0 || q->gpus % ((long)tp * pp) != 0) {
                continue;
            }
            laid_out = 1;
            r.tp = tp;
            r.pp = pp;
            memset(&trial, 0, sizeof trial);
            int rc = best_batch(&r, q, q->gpus, &trial);
            if (rc == -2) {
                slo_miss = 1;
            }
            if (rc == 0 && (!found || trial.tokens_per_s > best.tokens_per_s * (1 + 1e-12))) {
                best = trial;
                found = 1;
            }
        }
    }
    if (!found) {
        double need = m->params_total * aif_precision_bytes(q->precision);
        double per_gpu = q->hw->hbm_bytes * calib->hbm_usable_frac;
        if (!laid_out) {
            snprintf(out->message, sizeof out->message,
                     "no TP x PP layout divides %ld GPUs (TP must divide %d heads and stay in "
                     "the %d-GPU domain, PP must divide %d layers)",
                     q->gpus, m->heads, q->hw->scaleup_domain_gpus, m->layers);
        } else if (slo_miss) {
            snprintf(out->message, sizeof out->message,
                     "no batch meets the %s latency targets on %ld GPUs; try more GPUs per "
                     "replica (--tp) or a lower precision",
                     aif_workload_name(q->workload), q->gpus);
        } else if (!(need / per_gpu <= AIF_PERF_MAX_GPUS_SHOWN)) {
            /* Weights of a huge (or absurd) parameter count: the GPU count it would take is
             * beyond any integer, so it is not converted to one. */
            snprintf(out->message, sizeof out->message,
                     "%s at %s needs %.3g GB of weights; no layout holds it: the weights alone "
                     "need more than %.0f GPUs of %.0f GB (usable)",
                     m->id ? m->id : "model", aif_precision_name(q->precision), need / 1e9,
                     AIF_PERF_MAX_GPUS_SHOWN, per_gpu / 1e9);
        } else {
            snprintf(out->message, sizeof out->message,
                     "%s at %s needs %.0f GB of weights plus KV cache; no layout on %ld x "
                     "%.0f GB (usable) holds it: the weights alone need %ld such GPUs",
                     m->id ? m->id : "model", aif_precision_name(q->precision), need / 1e9, q->gpus,
                     per_gpu / 1e9, (long)ceil(need / per_gpu));
        }
        return AIF_ERANGE;
    }
    *out = best;
    return AIF_OK;
}
