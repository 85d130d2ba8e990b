/* The serving deployment (serve.h): checks the config and sizes the KV cache, pulls
 * requests from the source as their arrival times come, routes them to replicas, advances
 * the replicas' iterations in time order and records every finished request's latencies.
 *
 * Events are arrivals and replica iteration ends, ordered by (time, arrivals first, replica
 * index): an arrival at the instant an iteration ends joins the next batch. The replicas
 * with an iteration pending sit in a binary heap, one entry each. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "serve_internal.h"

#define SERVE_DEFAULT_BLOCK  16
#define SERVE_DEFAULT_BUDGET 8192
#define SERVE_MAX_RUNNING    65535L
#define SERVE_MAX_BUDGET     1048576L

/* The index of `name` in names[0..count), or -1 (also for NULL). */
static int name_index(const char *const *names, int count, const char *name) {
    for (int i = 0; name && i < count; i++) {
        if (strcmp(name, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static const char *const route_names[AIF_SERVE_ROUTE_COUNT] = {"round-robin", "least-tokens",
                                                               "prefix-affinity"};

const char *aif_serve_route_name(aif_serve_route r) {
    return (unsigned)r < AIF_SERVE_ROUTE_COUNT ? route_names[r] : "?";
}

aif_status aif_serve_route_parse(const char *name, aif_serve_route *out) {
    int i = name_index(route_names, AIF_SERVE_ROUTE_COUNT, name);
    if (i < 0) {
        return AIF_EINVAL;
    }
    *out = (aif_serve_route)i;
    return AIF_OK;
}

static const char *const preemption_names[AIF_SERVE_PREEMPT_COUNT] = {"recompute", "swap"};

const char *aif_serve_preemption_name(aif_serve_preemption p) {
    return (unsigned)p < AIF_SERVE_PREEMPT_COUNT ? preemption_names[p] : "?";
}

aif_status aif_serve_preemption_parse(const char *name, aif_serve_preemption *out) {
    int i = name_index(preemption_names, AIF_SERVE_PREEMPT_COUNT, name);
    if (i < 0) {
        return AIF_EINVAL;
    }
    *out = (aif_serve_preemption)i;
    return AIF_OK;
}

static const char *const admission_names[AIF_SERVE_ADMIT_COUNT] = {"greedy", "reserve"};

const char *aif_serve_admission_name(aif_serve_admission a) {
    return (unsigned)a < AIF_SERVE_ADMIT_COUNT ? admission_names[a] : "?";
}

aif_status aif_serve_admission_parse(const char *name, aif_serve_admission *out) {
    int i = name_index(admission_names, AIF_SERVE_ADMIT_COUNT, name);
    if (i < 0) {
        return AIF_EINVAL;
    }
    *out = (aif_serve_admission)i;
    return AIF_OK;
}

double aif_serve_host_link_bytes_per_s(const aif_perf_hw *hw) {
    const char *id = hw && hw->id ? hw->id : "";
    /* Grace-Blackwell superchips: NVLink-C2C, 900 GB/s both ways for two GPUs. */
    if (strstr(id, "gb200") || strstr(id, "gb300")) {
        return 225e9;
    }
    /* A100: PCIe Gen4 x16; the rest: PCIe Gen5 x16 (64 GB/s each way). */
    if (hw && hw->generation && strcmp(hw->generation, "ampere") == 0) {
        return 32e9;
    }
    return 64e9;
}

/* What would hold the weights: the smallest TP that divides the heads, stays in the
 * scale-up domain and leaves usable HBM over, or a lower precision. */
static const char *fitting_tp(const aif_model_spec *m, const aif_perf_hw *hw, double need,
                              double usable) {
    static const char *const words[] = {"use TP >= 1", "use TP >= 2",  "use TP >= 4",
                                        "use TP >= 8", "use TP >= 16", "use TP >= 32",
                                        "use TP >= 64"};
    for (int k = 0, tp = 1; tp <= 64 && tp <= hw->scaleup_domain_gpus; k++, tp *= 2) {
        if (m->heads % tp == 0 && need / tp < usable) {
            return words[k];
        }
    }
    return "no TP in the scale-up domain holds it: use a lower precision or a larger GPU";
}

/* The smallest EP above the layout's (a multiple of TP dividing the experts; want_ep 1) or
 * PP above it (dividing the layers; want_ep 0) whose weights per GPU leave usable HBM
 * over, or 0 when none does. */
static int fitting_width(const aif_serve_config *c, const aif_serve_layout *lay, double usable,
                         int want_ep) {
    const aif_model_spec *m = c->model;
    int step = want_ep ? c->tp : 1, top = want_ep ? m->experts : m->layers;
    int from = want_ep ? (lay->ep > 1 ? lay->ep : c->tp) + step : lay->pp + 1;
    for (int k = from; k <= top; k += step) {
        aif_perf_parallel par = {c->tp, want_ep ? lay->pp : k, want_ep ? k : lay->ep};
        if (top % k == 0 && aif_perf_weight_bytes_per_gpu(m, c->precision, &par) < usable) {
            return k;
        }
    }
    return 0;
}

/* Pipeline stages and expert parallelism: out->pp, ->ep and ->gpus_per_replica, or why
 * the values cannot work and which would. */
static aif_status plan_parallel(const aif_serve_config *c, aif_serve_layout *out, aif_error *err) {
    const aif_model_spec *m = c->model;
    int pp = c->pp > 0 ? c->pp : 1, ep = c->ep > 0 ? c->ep : 1;
    if (c->pp < 0 || m->layers % pp != 0) {
        return aif_error_set(err, AIF_EINVAL,
                             "PP %d does not divide %s's %d layers; use a divisor of %d "
                             "(1 = no pipeline)",
                             c->pp, m->id, m->layers, m->layers);
    }
    if (c->ep < 0 || (ep > 1 && m->experts <= 0)) {
        return aif_error_set(err, AIF_EINVAL,
                             "EP %d needs an MoE model; %s is dense: drop --ep (or use 1)", c->ep,
                             m->id);
    }
    if (c->disagg && (pp > 1 || ep > 1)) {
        /* The pools, the KV link and the per-GPU figures of disaggregation count TP GPUs
         * per replica. */
        return aif_error_set(err, AIF_EINVAL,
                             "serve: PP %d and EP %d apply to colocated replicas; a "
                             "disaggregated config takes neither (leave them 0 or 1)",
                             pp, ep);
    }
    if (ep > 1 && (m->experts % ep != 0 || ep % c->tp != 0)) {
        char fits[96] = "";
        size_t used = 0;
        for (int k = c->tp; k <= m->experts && used + 12 < sizeof fits; k += c->tp) {
            if (m->experts % k == 0 && k > 1) {
                used +=
                    (size_t)snprintf(fits + used, sizeof fits - used, "%s%d", used ? ", " : "", k);
            }
        }
        return aif_error_set(err, AIF_EINVAL,
                             "EP %d must divide %s's %d routed experts and be a multiple of TP "
                             "%d; use %s",
                             ep, m->id, m->experts, c->tp,
                             used ? fits : "a smaller TP (or no --ep)");
    }
    out->pp = pp;
    out->ep = ep;
    aif_perf_parallel par = {c->tp, pp, ep};
    out->gpus_per_replica = aif_perf_parallel_gpus(&par);
    return AIF_OK;
}

static aif_status plan_decode(const aif_serve_config *c, aif_serve_layout *out, aif_error *err);

aif_status aif_serve_plan(const aif_serve_config *c, aif_serve_layout *out, aif_error *err) {
    if (c == NULL || out == NULL || c->model == NULL || c->hw == NULL) {
        return aif_error_set(err, AIF_EINVAL, "serve: missing model, system or output");
    }
    memset(out, 0, sizeof *out);
    const aif_model_spec *m = c->model;
    const aif_perf_calib *calib = c->calib ? c->calib : aif_perf_calib_default();
    if (aif_model_check(m) != AIF_OK) {
        return aif_error_set(err, AIF_EINVAL, "model '%s' has an inconsistent spec",
                             m->id ? m->id : "?");
    }
    if ((unsigned)c->precision >= AIF_PREC_COUNT || c->hw->peak_flops[c->precision] <= 0) {
        return aif_error_set(err, AIF_EINVAL, "%s does not support %s", c->hw->id,
                             aif_precision_name(c->precision));
    }
    if (c->tp < 1 || c->replicas < 1 || c->kv_block_tokens < 0 || c->token_budget < 0 ||
        c->max_running < 0 || c->concurrency < 0 || (unsigned)c->route >= AIF_SERVE_ROUTE_COUNT ||
        (unsigned)c->preemption >= AIF_SERVE_PREEMPT_COUNT ||
        (unsigned)c->admission >= AIF_SERVE_ADMIT_COUNT || !(c->swap_space_bytes >= 0) ||
        !(c->host_link_bytes_per_s >= 0)) {
        return aif_error_set(err, AIF_EINVAL,
                             "serve: expected positive TP and replicas and non-negative engine "
                             "settings, found TP %d, %d replicas",
                             c->tp, c->replicas);
    }
    if (m->heads % c->tp != 0) {
        return aif_error_set(err, AIF_EINVAL,
                             "TP %d does not divide %s's %d attention heads; use a power of two "
                             "that divides them",
                             c->tp, m->id, m->heads);
    }
    if (c->tp > c->hw->scaleup_domain_gpus) {
        return aif_error_set(err, AIF_ERANGE,
                             "TP %d spans more than one %d-GPU scale-up domain of %s; use TP "
                             "<= %d",
                             c->tp, c->hw->scaleup_domain_gpus, c->hw->id,
                             c->hw->scaleup_domain_gpus);
    }
    aif_status pst = plan_parallel(c, out, err);
    if (pst != AIF_OK) {
        return pst;
    }
    out->tp = c->tp;
    out->replicas = c->replicas;
    out->kv_block_tokens = c->kv_block_tokens ? c->kv_block_tokens : SERVE_DEFAULT_BLOCK;
    out->token_budget = c->token_budget ? c->token_budget : SERVE_DEFAULT_BUDGET;
    out->max_running = c->max_running ? c->max_running : (long)calib->max_batch;
    if (out->max_running > SERVE_MAX_RUNNING || out->token_budget > SERVE_MAX_BUDGET ||
        out->kv_block_tokens > 4096) {
        return aif_error_set(err, AIF_EINVAL,
                             "serve: at most %ld running sequences, %ld tokens per iteration "
                             "and 4096 tokens per KV block, found %ld, %ld and %d",
                             SERVE_MAX_RUNNING, SERVE_MAX_BUDGET, out->max_running,
                             out->token_budget, out->kv_block_tokens);
    }
    aif_perf_parallel par = {c->tp, out->pp, out->ep};
    out->weight_bytes_per_gpu = aif_perf_weight_bytes_per_gpu(m, c->precision, &par);
    out->kv_bytes_per_token = aif_perf_kv_bytes_per_token(m, c->precision);
    double usable = c->hw->hbm_bytes * calib->hbm_usable_frac;
    out->kv_bytes_per_replica =
        (usable - out->weight_bytes_per_gpu) * (double)out->gpus_per_replica;
    double blocks =
        floor(out->kv_bytes_per_replica / (out->kv_bytes_per_token * out->kv_block_tokens));
    if (!(blocks >= 1)) {
        double need = m->params_total * aif_precision_bytes(c->precision);
        int ep_fit = fitting_width(c, out, usable, 1), pp_fit = fitting_width(c, out, usable, 0);
        if ((out->pp > 1 || out->ep > 1) && ep_fit == 0 && pp_fit == 0) {
            return aif_error_set(err, AIF_ERANGE,
                                 "%s at %s puts %.0f GB of weights on each GPU of a TP %d x PP "
                                 "%d x EP %d replica, over the %.0f GB (usable) of %s; no larger "
                                 "EP or PP holds it: use a lower precision or a larger GPU",
                                 m->id, aif_precision_name(c->precision),
                                 out->weight_bytes_per_gpu / 1e9, c->tp, out->pp, out->ep,
                                 usable / 1e9, c->hw->id);
        }
        if (out->pp > 1 || out->ep > 1) {
            return aif_error_set(err, AIF_ERANGE,
                                 "%s at %s puts %.0f GB of weights on each GPU of a TP %d x PP "
                                 "%d x EP %d replica, over the %.0f GB (usable) of %s: no room "
                                 "for KV cache; %s %d",
                                 m->id, aif_precision_name(c->precision),
                                 out->weight_bytes_per_gpu / 1e9, c->tp, out->pp, out->ep,
                                 usable / 1e9, c->hw->id, ep_fit ? "use EP" : "use PP",
                                 ep_fit ? ep_fit : pp_fit);
        }
        return aif_error_set(err, AIF_ERANGE,
                             "%s at %s needs %.0f GB of weights; TP %d x %.0f GB (usable) of "
                             "%s leaves no room for KV cache: %s",
                             m->id, aif_precision_name(c->precision), need / 1e9, c->tp,
                             usable / 1e9, c->hw->id, fitting_tp(m, c->hw, need, usable));
    }
    if (blocks > 1e15 / out->kv_block_tokens) {
        blocks = floor(1e15 / out->kv_block_tokens); /* a tiny model: beyond any request */
    }
    out->kv_blocks_per_replica = (long)blocks;
    out->kv_tokens_per_replica = out->kv_blocks_per_replica * out->kv_block_tokens;
    if (c->preemption == AIF_SERVE_PREEMPT_SWAP) {
        /* vLLM's swap space: 4 GiB of host memory per GPU by default. */
        double space = (c->swap_space_bytes > 0 ? c->swap_space_bytes : 4.0 * 1073741824.0) * c->tp;
        double swap = floor(space / (out->kv_bytes_per_token * out->kv_block_tokens));
        out->swap_blocks_per_replica = swap < 1e15 ? (long)swap : (long)1e15;
        double link = c->host_link_bytes_per_s > 0 ? c->host_link_bytes_per_s
                                                   : aif_serve_host_link_bytes_per_s(c->hw);
        out->host_link_bytes_per_s = link * c->tp; /* each GPU copies its shard */
    }
    if (c->disagg && c->preemption == AIF_SERVE_PREEMPT_SWAP) {
        return aif_error_set(err, AIF_EINVAL,
                             "preemption by swap is not modelled with disaggregated "
                             "pools; use recompute");
    }
    if (c->admission == AIF_SERVE_ADMIT_RESERVE &&
        (c->preemption == AIF_SERVE_PREEMPT_SWAP || c->disagg)) {
        return aif_error_set(err, AIF_EINVAL,
                             "reserve admission never preempts, so it takes no swap, and it is "
                             "not modelled with disaggregated pools; use greedy admission");
    }
    if (c->disagg) {
        aif_serve_layout dl;
        return plan_decode(c, &dl, err);
    }
    return AIF_OK;
}

/* The decode pool of a disaggregated config as a config of its own (colocated). */
static void decode_config(const aif_serve_config *c, aif_serve_config *out) {
    *out = *c;
    out->disagg = NULL;
    out->observer = NULL;
    out->hw = c->disagg->decode_hw ? c->disagg->decode_hw : c->hw;
    out->tp = c->disagg->decode_tp > 0 ? c->disagg->decode_tp : c->tp;
    out->replicas = c->disagg->decode_replicas;
}

/* The decode pool's layout; its refusals say they are the decode pool's. */
static aif_status plan_decode(const aif_serve_config *c, aif_serve_layout *out, aif_error *err) {
    const aif_serve_disagg *g = c->disagg;
    if (g->decode_replicas < 1 || g->decode_tp < 0 || !(g->link_bytes_per_s >= 0) ||
        !isfinite(g->link_bytes_per_s)) {
        return aif_error_set(err, AIF_EINVAL,
                             "serve: expected at least 1 decode replica, a non-negative decode "
                             "TP and link bandwidth, found %d replicas, TP %d, %g bytes/s",
                             g->decode_replicas, g->decode_tp, g->link_bytes_per_s);
    }
    aif_serve_config dc;
    decode_config(c, &dc);
    aif_status st = aif_serve_plan(&dc, out, err);
    if (st != AIF_OK && err) {
        char why[AIF_ERROR_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        aif_error_set(err, st, "decode pool: %s", why);
    }
    return st;
}

/* ---- the deployment ---- */

/* An event: replica `replica`'s iteration ends (or it starts one), or, for replica < 0,
 * the KV transfer out of prefill replica -1 - replica arrives. At one instant transfers
 * come first, so KV that arrives as a decode iteration would start joins it. */
typedef struct wake {
    int64_t t;
    int replica;
} wake;

typedef struct deployment {
    serve_engine e;
    aif_serve_layout lay;
    serve_replica *reps; /* disaggregated: the prefill replicas, then the decode ones */
    int nreps;           /* all of them */
    /* Disaggregation (cfg->disagg): the decode pool's engine and config, the transfers. */
    serve_engine de;
    aif_serve_config dcfg;
    serve_xfer x;
    wake *heap;
    int heap_count;
    aif_pool *seqs;
    aif_hist *ttft, *tpot, *e2e, *queue;
    aif_serve_source *src;
    long max_requests, taken, in_flight, peak_in_flight;
    long next_replica;
    serve_seq *live;       /* requests in flight holding prefix keys, newest first */
    serve_router router;   /* least-tokens and prefix-affinity: replicas by outstanding tokens */
    serve_holders holders; /* prefix-affinity: which replicas cache each unit */
    int64_t last_arrival_ns, first_arrival_ns, last_finish_ns;
    double input_done, output_done, hit_done;
    long completed;
} deployment;

static int wake_less(const wake *a, const wake *b) {
    return a->t < b->t || (a->t == b->t && a->replica < b->replica);
}

static void heap_push(deployment *d, wake w) {
    int i = d->heap_count++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!wake_less(&w, &d->heap[p])) {
            break;
        }
        d->heap[i] = d->heap[p];
        i = p;
    }
    d->heap[i] = w;
}

static wake heap_pop(deployment *d) {
    wake top = d->heap[0], last = d->heap[--d->heap_count];
    int i = 0, n = d->heap_count;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n) {
            break;
        }
        if (c + 1 < n && wake_less(&d->heap[c + 1], &d->heap[c])) {
            c++;
        }
        if (!wake_less(&d->heap[c], &last)) {
            break;
        }
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (n > 0) {
        d->heap[i] = last;
    }
    return top;
}

/* Wake replica i at t unless it is already busy or due. */
static void wake_replica(deployment *d, int i, int64_t t) {
    serve_replica *r = &d->reps[i];
    if (!r->busy && !r->queued) {
        r->queued = 1;
        heap_push(d, (wake){t, i});
    }
}

/* Take the next request from the source and check it. *got = 0 at the end. */
static aif_status pull(deployment *d, aif_serve_request *rq, int *got, aif_error *err) {
    *got = 0;
    if (d->max_requests > 0 && d->taken >= d->max_requests) {
        return AIF_OK;
    }
    memset(rq, 0, sizeof *rq); /* a source may set only the fields it knows */
    aif_status st = d->src->next(d->src->ctx, rq, err);
    if (st == AIF_EEMPTY) {
        return AIF_OK;
    }
    if (st != AIF_OK) {
        return st;
    }
    long n = d->taken + 1;
    const aif_model_spec *m = d->e.cfg->model;
    if (rq->input_tokens < 1 || rq->output_tokens < 1) {
        return aif_error_set(err, AIF_EINVAL,
                             "request %ld: expected at least 1 input and 1 output token, found "
                             "%ld and %ld",
                             n, rq->input_tokens, rq->output_tokens);
    }
    if (rq->input_tokens > m->max_context - rq->output_tokens) {
        return aif_error_set(err, AIF_ERANGE,
                             "request %ld: %ld input + %ld output tokens exceed %s's context of "
                             "%d tokens",
                             n, rq->input_tokens, rq->output_tokens, m->id, m->max_context);
    }
    if (rq->hash_count < 0 || rq->prefix_tokens < 0 ||
        (rq->hash_count > 0 && (rq->hash_ids == NULL || rq->hash_block_tokens < 1)) ||
        rq->prefix_tokens > rq->input_tokens) {
        return aif_error_set(err, AIF_EINVAL,
                             "request %ld: expected hash ids with a positive block size and a "
                             "shared prefix within the prompt, found %ld ids of %ld tokens and "
                             "a %ld-token prefix of a %ld-token prompt",
                             n, rq->hash_count, rq->hash_block_tokens, rq->prefix_tokens,
                             rq->input_tokens);
    }
    if (d->e.prefix && rq->hash_count > 0 && rq->hash_block_tokens % d->lay.kv_block_tokens != 0) {
        return aif_error_set(err, AIF_EINVAL,
                             "request %ld: its %ld-token hash blocks are not a whole number of "
                             "%d-token KV blocks; use a KV block size that divides %ld",
                             n, rq->hash_block_tokens, d->lay.kv_block_tokens,
                             rq->hash_block_tokens);
    }
    long need = aif__serve_blocks(rq->input_tokens + rq->output_tokens, d->lay.kv_block_tokens);
    if (d->e.handoff) {
        /* The prefill replica holds the prompt, the decode replica the whole context. */
        if (aif__serve_blocks(rq->input_tokens, d->lay.kv_block_tokens) >
            d->lay.kv_blocks_per_replica) {
            return aif_error_set(err, AIF_ERANGE,
                                 "request %ld: %ld input tokens need more KV cache than a "
                                 "prefill replica holds (%ld tokens); use a larger TP or a lower "
                                 "precision",
                                 n, rq->input_tokens, d->lay.kv_tokens_per_replica);
        }
        if (need > d->de.lay.kv_blocks_per_replica) {
            return aif_error_set(err, AIF_ERANGE,
                                 "request %ld: %ld tokens need more KV cache than a decode "
                                 "replica holds (%ld tokens); use a larger decode TP or a lower "
                                 "precision",
                                 n, rq->input_tokens + rq->output_tokens,
                                 d->de.lay.kv_tokens_per_replica);
        }
    } else if (need > d->lay.kv_blocks_per_replica) {
        return aif_error_set(err, AIF_ERANGE,
                             "request %ld: %ld tokens need more KV cache than a replica holds "
                             "(%ld tokens); use a larger TP or a lower precision",
                             n, rq->input_tokens + rq->output_tokens, d->lay.kv_tokens_per_replica);
    }
    if (d->e.cfg->concurrency == 0) {
        if (!(rq->arrival_s >= 0 && rq->arrival_s <= 9.2e9)) {
            return aif_error_set(err, AIF_EINVAL,
                                 "request %ld: expected an arrival time from 0 to 9.2e9 s, found "
                                 "%g",
                                 n, rq->arrival_s);
        }
        int64_t t = (int64_t)llround(rq->arrival_s * 1e9);
        if (t < d->last_arrival_ns) {
            return aif_error_set(err, AIF_EINVAL,
                                 "request %ld: arrivals must not go back in time, found %.9g s "
                                 "after %.9g s",
                                 n, rq->arrival_s, (double)d->last_arrival_ns / 1e9);
        }
        d->last_arrival_ns = t;
    }
    d->taken++;
    *got = 1;
    return AIF_OK;
}

static int pick_replica(deployment *d, const serve_seq *s) {
    int n = d->lay.replicas;
    if (d->e.cfg->route == AIF_SERVE_ROUTE_ROUND_ROBIN) {
        int r = (int)(d->next_replica % n);
        d->next_replica++;
        return r;
    }
    if (d->e.cfg->route == AIF_SERVE_ROUTE_PREFIX_AFFINITY && s->nkeys > 0) {
        /* The longest cached leading run of the prompt's units, then the fewest tokens, then
         * the lowest index. A replica that caches unit j caches its whole run 0..j: a unit's
         * key chains its prefix's, every sequence that references a unit references the
         * units before it, and a sequence returns its units deepest first, so the LRU never
         * frees a unit before the units after it (serve_prefix.c). Going down from the last
         * unit, the first with holders gives the longest run, and its holders are exactly
         * the replicas with that run. */
        for (long j = s->nkeys - 1; j >= 0; j--) {
            const serve_holder_entry *h = aif__serve_holders_get(&d->holders, s->keys[j]);
            int best = -1;
            for (int k = 0; h && k < h->n; k++) {
                int c = h->reps[k];
                long tc = d->reps[c].outstanding_tokens;
                long tb = best < 0 ? 0 : d->reps[best].outstanding_tokens;
                if (best < 0 || tc < tb || (tc == tb && c < best)) {
                    best = c;
                }
            }
            if (best >= 0) {
                return best;
            }
        }
    }
    /* The fewest tokens, ties to the lowest index: the router heap's top. */
    return d->router.heap[0];
}

static void live_remove(deployment *d, serve_seq *s) {
    if (s->lprev) {
        s->lprev->lnext = s->lnext;
    } else {
        d->live = s->lnext;
    }
    if (s->lnext) {
        s->lnext->lprev = s->lprev;
    }
}

/* Return a request's record (and its prefix keys) to the pool. */
static void seq_free(deployment *d, serve_seq *s) {
    if (s->keys) {
        live_remove(d, s);
        aif_free(d->e.alloc, s->keys, (size_t)s->nkeys * sizeof *s->keys);
    }
    aif_pool_put(d->seqs, s);
}

static aif_status arrive(deployment *d, const aif_serve_request *rq, int64_t t) {
    serve_seq *s = aif_pool_get(d->seqs);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    memset(s, 0, sizeof *s);
    s->id = d->taken - 1;
    s->arrival_ns = t;
    s->sched_ns = -1;
    s->first_token_ns = -1;
    s->input = rq->input_tokens;
    s->output = rq->output_tokens;
    s->prefill_len = rq->input_tokens;
    s->cached_first = -1;
    if (d->e.prefix && (rq->hash_count > 0 || rq->prefix_tokens > 0)) {
        if (aif__serve_prefix_keys(d->e.alloc, rq, d->lay.kv_block_tokens, &s->keys, &s->nkeys,
                                   &s->unit_tokens) != AIF_OK) {
            return AIF_ENOMEM;
        }
        s->unit_blocks = s->unit_tokens / d->lay.kv_block_tokens;
    }
    /* Only records holding keys are listed (teardown frees the keys; the pool holds the
     * rest): at many replicas linking every request costs two cache misses. */
    if (s->keys) {
        s->lnext = d->live;
        if (d->live) {
            d->live->lprev = s;
        }
        d->live = s;
    }
    int r = pick_replica(d, s);
    s->replica = r;
    serve_replica *rep = &d->reps[r];
    rep->outstanding_tokens += s->input + s->output;
    if (d->router.heap) {
        aif__serve_router_fix(&d->router, d->reps, r);
    }
    aif__serve_replica_enqueue(rep, s);
    if (s->id == 0) {
        d->first_arrival_ns = t;
    }
    if (++d->in_flight > d->peak_in_flight) {
        d->peak_in_flight = d->in_flight;
    }
    wake_replica(d, r, t);
    return AIF_OK;
}

/* Hand a finished request to the observer, if there is one. */
static aif_status observe_request(const deployment *d, const serve_seq *s, int64_t now) {
    const aif_serve_observer *o = d->e.cfg->observer;
    if (o == NULL || o->request == NULL) {
        return AIF_OK;
    }
    aif_serve_request_record rec = {
        .id = s->id,
        .replica = s->replica,
        .arrival_s = (double)s->arrival_ns / 1e9,
        .scheduled_s = (double)s->sched_ns / 1e9,
        .first_token_s = (double)s->first_token_ns / 1e9,
        .finish_s = (double)now / 1e9,
        .input_tokens = s->input,
        .output_tokens = s->output,
        .preemptions = s->preempted,
        .cached_tokens = s->cached_first,
    };
    return o->request(o->ctx, &rec);
}

static aif_status observe_iteration(const deployment *d, const serve_replica *rep, int replica,
                                    int64_t start, int64_t end) {
    const aif_serve_observer *o = d->e.cfg->observer;
    if (o == NULL || o->iteration == NULL) {
        return AIF_OK;
    }
    aif_serve_iteration_record it = {
        .start_s = (double)start / 1e9,
        .end_s = (double)end / 1e9,
        .replica = replica,
        .sequences = rep->cur_decode + rep->cur_prefill_seqs,
        .tokens = rep->cur_decode + rep->cur_prefill_tokens,
        .kv_blocks_used = aif__serve_kv_used(rep),
    };
    return o->iteration(o->ctx, &it);
}

static aif_status record(deployment *d, serve_seq *s, int64_t now) {
    aif_status ob = observe_request(d, s, now);
    if (ob != AIF_OK) {
        seq_free(d, s);
        return ob;
    }
    double ttft = (double)(s->first_token_ns - s->arrival_ns) / 1e9;
    double e2e = (double)(now - s->arrival_ns) / 1e9;
    aif_status st = aif_hist_add(d->ttft, ttft);
    if (st == AIF_OK) {
        st = aif_hist_add(d->e2e, e2e);
    }
    if (st == AIF_OK) {
        st = aif_hist_add(d->queue, (double)(s->sched_ns - s->arrival_ns) / 1e9);
    }
    if (st == AIF_OK && s->output > 1) {
        st = aif_hist_add(d->tpot, (e2e - ttft) / (double)(s->output - 1));
    }
    d->input_done += (double)s->input;
    d->output_done += (double)s->output;
    d->hit_done += (double)s->cached_first;
    d->completed++;
    d->in_flight--;
    d->last_finish_ns = now;
    seq_free(d, s);
    return st;
}

static void stat_of(const aif_hist *h, aif_serve_stat *out) {
    if (aif_hist_count(h) == 0) {
        *out = (aif_serve_stat){0, 0, 0, 0};
        return;
    }
    out->mean = aif_hist_mean(h);
    out->p50 = aif_hist_percentile(h, 50);
    out->p90 = aif_hist_percentile(h, 90);
    out->p99 = aif_hist_percentile(h, 99);
}

/* One pool's figures over the run's duration `dur` (seconds). */
static void pool_of(const serve_engine *e, double dur, aif_serve_pool *out) {
    const aif_serve_layout *l = &e->lay;
    out->replicas = l->replicas;
    out->tp = l->tp;
    out->iterations = e->iterations;
    if (e->iterations > 0) {
        out->mean_batch = e->batch_seqs_sum / (double)e->iterations;
        out->mean_batch_tokens = e->batch_tokens_sum / (double)e->iterations;
    }
    if (dur > 0) {
        out->utilization = e->busy_ns / (dur * 1e9 * l->replicas);
        out->mean_kv_occupancy =
            e->kv_block_ns / (dur * 1e9) / ((double)l->kv_blocks_per_replica * l->replicas);
    }
    out->peak_kv_occupancy = (double)e->peak_blocks / (double)l->kv_blocks_per_replica;
    out->preemptions = e->preemptions;
}

/* A disaggregated run's figures over both pools. */
static void summarize_disagg(const deployment *d, aif_serve_result *out) {
    double dur = out->duration_s;
    const serve_engine *e = &d->e, *de = &d->de;
    out->disaggregated = 1;
    out->decode_layout = de->lay;
    pool_of(e, dur, &out->prefill_pool);
    pool_of(de, dur, &out->decode_pool);
    double blocks = (double)e->lay.kv_blocks_per_replica * e->lay.replicas +
                    (double)de->lay.kv_blocks_per_replica * de->lay.replicas;
    if (dur > 0) {
        double gpus = (double)e->lay.gpus_per_replica * e->lay.replicas +
                      (double)de->lay.gpus_per_replica * de->lay.replicas;
        out->output_tokens_per_s_per_gpu = out->output_tokens_per_s / gpus;
        out->mean_kv_occupancy = (e->kv_block_ns + de->kv_block_ns) / (dur * 1e9) / blocks;
    }
    out->preemptions = e->preemptions + de->preemptions;
    out->iterations = e->iterations + de->iterations;
    if (out->iterations > 0) {
        out->mean_batch = (e->batch_seqs_sum + de->batch_seqs_sum) / (double)out->iterations;
        out->mean_batch_tokens =
            (e->batch_tokens_sum + de->batch_tokens_sum) / (double)out->iterations;
    }
    out->peak_kv_occupancy =
        fmax(out->prefill_pool.peak_kv_occupancy, out->decode_pool.peak_kv_occupancy);
    out->price_hits += de->price_hits;
    out->price_misses += de->price_misses;
    out->kv_transfers = d->x.transfers;
    out->kv_transfer_bytes = d->x.bytes;
    stat_of(d->x.time, &out->kv_transfer_s);
    out->kv_link_bytes_per_s = aif_serve_kv_link(d->e.cfg, &out->kv_link);
}

static void summarize(const deployment *d, aif_serve_result *out) {
    memset(out, 0, sizeof *out);
    out->layout = d->lay;
    out->requests_completed = d->completed;
    double dur = (double)(d->last_finish_ns - d->first_arrival_ns) / 1e9;
    out->duration_s = dur;
    stat_of(d->ttft, &out->ttft_s);
    stat_of(d->tpot, &out->tpot_s);
    stat_of(d->e2e, &out->e2e_s);
    stat_of(d->queue, &out->queue_s);
    out->input_tokens = d->input_done;
    out->output_tokens = d->output_done;
    if (dur > 0) {
        double gpus = (double)d->lay.gpus_per_replica * d->lay.replicas;
        out->input_tokens_per_s = d->input_done / dur;
        out->output_tokens_per_s = d->output_done / dur;
        out->output_tokens_per_s_per_gpu = out->output_tokens_per_s / gpus;
        out->mean_kv_occupancy = d->e.kv_block_ns / (dur * 1e9) /
                                 ((double)d->lay.kv_blocks_per_replica * d->lay.replicas);
    }
    out->preemptions = d->e.preemptions;
    out->prefix_hit_tokens = d->hit_done;
    out->prefix_hit_rate = d->input_done > 0 ? d->hit_done / d->input_done : 0;
    out->iterations = d->e.iterations;
    if (d->e.iterations > 0) {
        out->mean_batch = d->e.batch_seqs_sum / (double)d->e.iterations;
        out->mean_batch_tokens = d->e.batch_tokens_sum / (double)d->e.iterations;
    }
    out->peak_kv_occupancy = (double)d->e.peak_blocks / (double)d->lay.kv_blocks_per_replica;
    out->peak_in_flight = d->peak_in_flight;
    out->swap_outs = d->e.swap_outs;
    out->swap_ins = d->e.swap_ins;
    out->swap_bytes = d->e.swap_bytes;
    out->swap_s = d->e.swap_ns / 1e9;
    if (d->lay.swap_blocks_per_replica > 0) {
        out->peak_swap_occupancy =
            (double)d->e.peak_host_blocks / (double)d->lay.swap_blocks_per_replica;
    }
    for (int i = 0; i < d->nreps; i++) {
        out->swap_blocks_at_end += d->reps[i].host_blocks;
        out->kv_blocks_at_end += aif__serve_kv_used(&d->reps[i]);
        out->prefix_evictions += d->reps[i].cache.evictions;
    }
    out->price_hits = d->e.price_hits;
    out->price_misses = d->e.price_misses;
    if (d->e.handoff) {
        summarize_disagg(d, out);
    }
}

/* Start every KV transfer that can start at t; each ends with an event of its prefill
 * replica's link (replica -1 - p). */
static void start_transfers(deployment *d, int64_t t) {
    int p;
    int64_t end;
    while (aif__serve_xfer_start(&d->x, &d->de, d->reps + d->lay.replicas, t, &p, &end)) {
        heap_push(d, (wake){end, -1 - p});
    }
}

/* The KV out of prefill replica p has arrived: its blocks there are free, the sequence
 * decodes on its decode replica, and the links take the next transfers. */
static aif_status transfer_done(deployment *d, int p, int64_t t) {
    serve_seq *s;
    aif_status st = aif__serve_xfer_done(&d->x, p, t, &s);
    if (st != AIF_OK) {
        return st;
    }
    aif__serve_replica_release(&d->reps[p], s);
    wake_replica(d, p, t);
    int q = d->lay.replicas + s->dreplica;
    if ((st = aif__serve_replica_admit_decode(&d->de, &d->reps[q], s)) != AIF_OK) {
        return st;
    }
    wake_replica(d, q, t);
    start_transfers(d, t);
    return AIF_OK;
}

/* The event loop. */
static aif_status simulate(deployment *d, aif_error *err) {
    const aif_serve_config *c = d->e.cfg;
    aif_serve_request rq;
    int have = 0;
    aif_status st;
    if (c->concurrency > 0) {
        for (long i = 0; i < c->concurrency; i++) {
            if ((st = pull(d, &rq, &have, err)) != AIF_OK) {
                return st;
            }
            if (!have || (st = arrive(d, &rq, 0)) != AIF_OK) {
                break;
            }
        }
        have = 0;
    } else if ((st = pull(d, &rq, &have, err)) != AIF_OK) {
        return st;
    }
    for (;;) {
        int64_t next_arrival = have ? (int64_t)llround(rq.arrival_s * 1e9) : INT64_MAX;
        if (have && (d->heap_count == 0 || next_arrival <= d->heap[0].t)) {
            if ((st = arrive(d, &rq, next_arrival)) != AIF_OK ||
                (st = pull(d, &rq, &have, err)) != AIF_OK) {
                return st;
            }
            continue;
        }
        if (d->heap_count == 0) {
            break;
        }
        wake w = heap_pop(d);
        if (w.replica < 0) {
            if ((st = transfer_done(d, -1 - w.replica, w.t)) != AIF_OK) {
                return st;
            }
            continue;
        }
        serve_replica *rep = &d->reps[w.replica];
        serve_engine *e = w.replica < d->lay.replicas ? &d->e : &d->de;
        /* rep->queued stays set while it is handled, so a closed-loop arrival routed to it
         * joins the batch formed below instead of waking it twice. */
        if (rep->busy) {
            e->finished_count = 0;
            if ((st = aif__serve_replica_end(e, rep, w.t)) != AIF_OK) {
                return st;
            }
            if (d->router.heap && w.replica < d->lay.replicas && e->finished_count > 0) {
                aif__serve_router_fix(&d->router, d->reps, w.replica);
            }
            long done = 0;
            for (long i = 0; i < e->finished_count; i++) {
                serve_seq *s = e->finished[i];
                if (s->state == SEQ_HANDOFF) {
                    aif__serve_xfer_queue(&d->x, w.replica, s);
                    continue;
                }
                done++;
                if ((st = record(d, s, w.t)) != AIF_OK) {
                    return st;
                }
            }
            if (d->x.waiting > 0) {
                start_transfers(d, w.t);
            }
            /* Closed loop: each finished request is replaced at once. */
            for (long i = 0; c->concurrency > 0 && i < done; i++) {
                aif_serve_request next;
                int got = 0;
                if ((st = pull(d, &next, &got, err)) != AIF_OK) {
                    return st;
                }
                if (got && (st = arrive(d, &next, w.t)) != AIF_OK) {
                    return st;
                }
            }
        }
        int64_t end = aif__serve_replica_start(e, rep, w.t, &st);
        if (st != AIF_OK) {
            return st;
        }
        rep->queued = end >= 0;
        if (end >= 0) {
            heap_push(d, (wake){end, w.replica});
            if ((st = observe_iteration(d, rep, w.replica, w.t, end)) != AIF_OK) {
                return st;
            }
        }
    }
    return AIF_OK;
}

/* One event per replica, plus one per prefill replica's outgoing transfer. */
static int heap_cap(const deployment *d) {
    return d->nreps + (d->e.handoff ? d->lay.replicas : 0);
}

static void teardown(deployment *d) {
    const aif_allocator *a = d->e.alloc;
    for (serve_seq *s = d->live; s; s = s->lnext) {
        aif_free(a, s->keys, (size_t)s->nkeys * sizeof *s->keys);
    }
    if (d->reps) {
        for (int i = 0; i < d->nreps; i++) {
            aif__serve_cache_free(a, &d->reps[i].cache);
            aif_free(a, d->reps[i].residue, sizeof(long) * (size_t)d->lay.kv_block_tokens);
            aif_free(a, d->reps[i].due, sizeof(serve_due) * (size_t)d->reps[i].due_cap);
        }
        aif_free(a, d->reps, sizeof(serve_replica) * (size_t)d->nreps);
    }
    aif_free(a, d->heap, sizeof(wake) * (size_t)heap_cap(d));
    aif__serve_router_free(a, &d->router);
    aif__serve_holders_free(a, &d->holders);
    aif_free(a, d->e.prices, sizeof(serve_price_slot) * SERVE_PRICE_SLOTS);
    if (d->e.handoff) {
        aif_free(a, d->de.prices, sizeof(serve_price_slot) * SERVE_PRICE_SLOTS);
        aif_free(a, d->de.finished, sizeof(serve_seq *) * (size_t)d->de.finished_cap);
        aif__serve_xfer_free(a, &d->x);
    }
    aif_free(a, d->e.finished, sizeof(serve_seq *) * (size_t)d->e.finished_cap);
    if (d->seqs) {
        aif_pool_destroy(d->seqs);
    }
    aif_hist_destroy(d->ttft);
    aif_hist_destroy(d->tpot);
    aif_hist_destroy(d->e2e);
    aif_hist_destroy(d->queue);
}

static aif_status setup(deployment *d) {
    const aif_allocator *a = d->e.alloc;
    int n = d->nreps;
    d->reps = aif_calloc(a, (size_t)n, sizeof *d->reps);
    d->heap = aif_calloc(a, (size_t)heap_cap(d), sizeof *d->heap);
    d->e.prices = aif_calloc(a, SERVE_PRICE_SLOTS, sizeof *d->e.prices);
    if (d->reps == NULL || d->heap == NULL || d->e.prices == NULL) {
        return AIF_ENOMEM;
    }
    if (d->e.handoff) {
        d->de.prices = aif_calloc(a, SERVE_PRICE_SLOTS, sizeof *d->de.prices);
        if (d->de.prices == NULL ||
            aif__serve_xfer_init(a, &d->x, d->lay.replicas, d->de.lay.replicas) != AIF_OK) {
            return AIF_ENOMEM;
        }
        d->x.layerwise = d->e.cfg->disagg->layerwise != 0;
        d->x.layers = d->e.cfg->model->layers;
    }
    for (int i = 0; i < n; i++) {
        d->reps[i].residue = aif_calloc(a, (size_t)d->lay.kv_block_tokens, sizeof(long));
        if (d->reps[i].residue == NULL) {
            return AIF_ENOMEM;
        }
    }
    aif_status st = AIF_OK;
    if (d->e.cfg->route != AIF_SERVE_ROUTE_ROUND_ROBIN) {
        st = aif__serve_router_init(a, &d->router, d->lay.replicas); /* the routed pool */
    }
    /* Only the routed pool's caches (a disaggregated run's decode pool is not routed to). */
    for (int i = 0; i < d->lay.replicas && d->e.cfg->route == AIF_SERVE_ROUTE_PREFIX_AFFINITY;
         i++) {
        d->reps[i].cache.holders = &d->holders;
        d->reps[i].cache.holders_alloc = a;
        d->reps[i].cache.replica = i;
    }
    if (st == AIF_OK) {
        st = aif_pool_create(a, sizeof(serve_seq), 1024, &d->seqs);
    }
    if (st == AIF_OK) {
        st = aif_hist_create(a, &d->ttft);
    }
    if (st == AIF_OK) {
        st = aif_hist_create(a, &d->tpot);
    }
    if (st == AIF_OK) {
        st = aif_hist_create(a, &d->e2e);
    }
    if (st == AIF_OK) {
        st = aif_hist_create(a, &d->queue);
    }
    return st;
}

aif_status aif_serve_run(const aif_allocator *a, const aif_serve_config *cfg, aif_serve_source *src,
                         long max_requests, aif_serve_result *out, aif_error *err) {
    if (out == NULL || src == NULL || src->next == NULL) {
        return aif_error_set(err, AIF_EINVAL, "serve: missing source or result");
    }
    memset(out, 0, sizeof *out);
    deployment d;
    memset(&d, 0, sizeof d);
    aif_status st = aif_serve_plan(cfg, &d.lay, err);
    if (st != AIF_OK) {
        return st;
    }
    d.e.alloc = a;
    d.e.cfg = cfg;
    d.e.calib = cfg->calib ? cfg->calib : aif_perf_calib_default();
    d.e.lay = d.lay;
    d.e.prefix = cfg->prefix_caching != 0;
    d.e.swap = cfg->preemption == AIF_SERVE_PREEMPT_SWAP;
    d.e.block_bytes = d.lay.kv_bytes_per_token * d.lay.kv_block_tokens;
    /* vLLM keeps 1% of the blocks free when it admits a new request; reserving admission
     * needs no such slack (TensorRT-LLM keeps none). */
    d.e.reserve = cfg->admission == AIF_SERVE_ADMIT_RESERVE;
    d.e.watermark_blocks = d.e.reserve ? 0 : d.lay.kv_blocks_per_replica / 100;
    d.nreps = d.lay.replicas;
    if (cfg->disagg) {
        /* The config's replicas prefill; a second engine of the decode pool's own config
         * (its system, TP and KV layout) decodes. */
        decode_config(cfg, &d.dcfg);
        if ((st = plan_decode(cfg, &d.de.lay, err)) != AIF_OK) {
            return st;
        }
        d.de.alloc = a;
        d.de.cfg = &d.dcfg;
        d.de.calib = d.e.calib;
        d.de.prefix = d.e.prefix;
        d.de.watermark_blocks = d.de.lay.kv_blocks_per_replica / 100;
        d.e.handoff = 1;
        d.nreps += d.de.lay.replicas;
        d.x.bytes_per_token = d.lay.kv_bytes_per_token;
        d.x.bytes_per_s = aif_serve_kv_link(cfg, NULL);
        if (!(d.x.bytes_per_s > 0)) {
            return aif_error_set(err, AIF_EINVAL,
                                 "serve: the link between the pools has no bandwidth (%g "
                                 "bytes/s); give one",
                                 d.x.bytes_per_s);
        }
    }
    d.src = src;
    d.max_requests = max_requests;
    st = setup(&d);
    if (st == AIF_OK) {
        st = simulate(&d, err);
    }
    if (st == AIF_ENOMEM) {
        aif_error_set(err, st, "serve: out of memory");
    } else if (st != AIF_OK && err && err->status == AIF_OK) {
        aif_error_set(err, st, "serve: the request observer failed");
    }
    if (st == AIF_OK) {
        summarize(&d, out);
    }
    teardown(&d);
    return st;
}
