/* Kernel-level time of the performance model: how one kernel that both streams operands from
 * HBM and computes on them combines the two times, and the time of one dense GEMM.
 *
 * A GEMM kernel overlaps its loads with its math (double-buffered tiles), so its time is
 * neither the sum of the memory and math times (no overlap) nor their maximum (perfect
 * overlap). The p-norm (t_mem^p + t_math^p)^(1/p) spans both (p = 1: sum; p -> inf: max)
 * with one exponent, fitted on GEMMs measured first-hand (bench/gpu_microbench.py,
 * data/validation/gpu_microbench_*.csv; docs/perf.md "Kernel measurements"). */
#include <math.h>

#include "aifactory/perf.h"

double aif_perf_overlap_s(double p, double mem_s, double math_s) {
    double hi = mem_s > math_s ? mem_s : math_s;
    double lo = mem_s > math_s ? math_s : mem_s;
    if (!(hi > 0)) {
        return 0.0;
    }
    if (!(p > 1.0)) {
        return mem_s + math_s; /* p <= 1 (and NaN) mean no overlap */
    }
    /* Scaled by the larger term so that large p cannot overflow. */
    return hi * pow(1.0 + pow(lo / hi, p), 1.0 / p);
}

double aif_perf_gemm_eff(const aif_perf_calib *c, aif_precision p) {
    if (c == NULL || (unsigned)p >= AIF_PREC_COUNT) {
        return NAN;
    }
    /* No measured efficiency for a format (fp4 today): use the next wider format's. */
    double eff = c->gemm_eff[p];
    for (int w = (int)p - 1; !(eff > 0) && w >= 0; w--) {
        eff = c->gemm_eff[w];
    }
    return eff > 0 ? eff : NAN;
}

double aif_perf_attn_prefill_frac(const aif_perf_calib *c, double prompt_tokens) {
    if (c == NULL) {
        return NAN;
    }
    if (!(c->attn_prefill_rel > 0)) {
        return 1.0;
    }
    double s = prompt_tokens > 1.0 ? prompt_tokens : 1.0;
    double half = c->attn_prefill_half_tokens > 0 ? c->attn_prefill_half_tokens : 0.0;
    return c->attn_prefill_rel * s / (s + half);
}

double aif_perf_gemm_s(const aif_perf_calib *c, const aif_perf_hw *hw, aif_precision p, double m,
                       double n, double k) {
    if (c == NULL || hw == NULL || (unsigned)p >= AIF_PREC_COUNT || !(m > 0) || !(n > 0) ||
        !(k > 0) || hw->peak_flops[p] <= 0 || hw->hbm_bytes_per_s <= 0) {
        return NAN;
    }
    double eff = aif_perf_gemm_eff(c, p);
    if (!(eff > 0)) {
        return NAN;
    }
    /* Minimum traffic: both operands read once, the bf16 result written once. */
    double bytes = aif_precision_bytes(p) * (m * k + k * n) + 2.0 * m * n;
    double mem_s = bytes / (hw->hbm_bytes_per_s * c->mem_eff);
    double math_s = 2.0 * m * n * k / (hw->peak_flops[p] * eff);
    return aif_perf_overlap_s(c->gemm_overlap_p, mem_s, math_s);
}
