/* Pipeline and expert parallelism of one serving replica (perf.h, aif_perf_parallel): GPU
 * counts, weights per GPU, the inter-stage activation transfer and the all-to-all exchanges
 * of an expert-parallel MoE layer. The iteration time that combines them with the stage's
 * compute lives with the other inference equations in perf_infer.c; docs/perf.md
 * "Pipeline and expert parallelism" gives the equations and their sources. */
#include "aifactory/perf.h"

static int stages(const aif_perf_parallel *par) {
    return par->pp > 1 ? par->pp : 1;
}

long aif_perf_parallel_gpus(const aif_perf_parallel *par) {
    int width = par->ep > 1 && par->ep > par->tp ? par->ep : par->tp;
    return (long)width * stages(par);
}

/* Routed-expert weights of an MoE model: with routed-expert weights X and the rest s,
 * total = s + X and active = s + X*k/E, so X = (total - active) * E / (E - k). */
static double routed_params(const aif_model_spec *m) {
    if (m->experts <= 0 || m->experts_active >= m->experts) {
        return 0.0;
    }
    return (m->params_total - m->params_active) * m->experts /
           (double)(m->experts - m->experts_active);
}

double aif_perf_weight_bytes_per_gpu(const aif_model_spec *m, aif_precision p,
                                     const aif_perf_parallel *par) {
    double b = aif_precision_bytes(p);
    double pp = (double)stages(par);
    if (par->ep <= 1) {
        return m->params_total * b / ((double)par->tp * pp);
    }
    double routed = routed_params(m);
    return (m->params_total - routed) * b / ((double)par->tp * pp) +
           routed * b / ((double)par->ep * pp);
}

/* Per-GPU, per-direction bandwidth of a group of `gpus`: the scale-up link inside one
 * domain, the NIC beyond it, at the calibrated efficiency. */
static double link_bytes_per_s(const aif_perf_calib *c, const aif_perf_hw *hw, long gpus) {
    double bw =
        gpus <= hw->scaleup_domain_gpus ? hw->scaleup_bytes_per_s : hw->scaleout_bytes_per_s;
    return bw * c->link_eff;
}

double aif_perf_pp_transfer_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                              const aif_model_spec *m, const aif_perf_hw *hw,
                              const aif_perf_parallel *par, double tokens) {
    if (stages(par) <= 1) {
        return 0.0;
    }
    const aif_perf_framework *f = fw ? fw : &calib->serve;
    double link = link_bytes_per_s(calib, hw, aif_perf_parallel_gpus(par));
    /* The same send perf_infer.c's stage time charges a pipeline stage. */
    return tokens * m->hidden * 2.0 / par->tp / link + f->collective_latency_s;
}

double aif_perf_ep_fanout(const aif_model_spec *m, int ep) {
    if (ep <= 1 || m->experts <= 0 || m->experts_active <= 0) {
        return 1.0;
    }
    /* P(a GPU holds none of the token's k distinct experts) = C(E - E/ep, k) / C(E, k). */
    double e = (double)m->experts, other = e - e / ep, miss = 1.0;
    for (int i = 0; i < m->experts_active; i++) {
        miss *= other - i > 0 ? (other - i) / (e - i) : 0.0;
    }
    return ep * (1.0 - miss);
}

double aif_perf_ep_alltoall_bytes(const aif_model_spec *m, aif_precision p,
                                  const aif_perf_parallel *par, double tokens, int combine) {
    if (par->ep <= 1 || m->experts <= 0) {
        return 0.0;
    }
    double elem = combine || p == AIF_PREC_BF16 ? 2.0 : 1.0;
    return tokens * m->hidden * elem * aif_perf_ep_fanout(m, par->ep) * (par->ep - 1) /
           (double)par->ep;
}

double aif_perf_ep_alltoall_s(const aif_perf_calib *calib, const aif_perf_framework *fw,
                              const aif_model_spec *m, const aif_perf_hw *hw, aif_precision p,
                              const aif_perf_parallel *par, double tokens) {
    if (par->ep <= 1 || m->experts <= 0) {
        return 0.0;
    }
    const aif_perf_framework *f = fw ? fw : &calib->serve;
    double imb = calib->ep_imbalance > 1.0 ? calib->ep_imbalance : 1.0;
    double bytes = aif_perf_ep_alltoall_bytes(m, p, par, tokens, 0) +
                   aif_perf_ep_alltoall_bytes(m, p, par, tokens, 1);
    int dom = hw->scaleup_domain_gpus > 0 ? hw->scaleup_domain_gpus : 1;
    if (par->ep <= dom) {
        return bytes * imb / link_bytes_per_s(calib, hw, par->ep) + 2.0 * f->collective_latency_s;
    }
    /* Across domains a token crosses the NIC once per other domain holding one of its
     * experts and reaches the GPUs there over NVLink (DeepSeek-V3's dispatch: IB to the
     * same-index GPU of each target node, then NVLink forwarding). The two links run at
     * once; the slower sets the time. */
    int domains = (par->ep + dom - 1) / dom;
    double per_copy = bytes / (aif_perf_ep_fanout(m, par->ep) * (par->ep - 1) / par->ep);
    double nic_bytes = per_copy * aif_perf_ep_fanout(m, domains) * (domains - 1) / domains;
    double nic_s = nic_bytes / link_bytes_per_s(calib, hw, par->ep);
    double nvlink_s = bytes / link_bytes_per_s(calib, hw, dom);
    return (nic_s > nvlink_s ? nic_s : nvlink_s) * imb + 2.0 * f->collective_latency_s;
}
