/* Prefill/decode disaggregation (serve.h's aif_serve_disagg): the link between the pools
 * and the KV transfers over it.
 *
 * A prefilled sequence waits in its prefill replica's FIFO. Each prefill replica sends one
 * KV cache at a time (its egress) and each decode replica receives one at a time (its
 * ingress), so two transfers that share either end run one after the other at the full
 * rate: a per-link FIFO, which is what a store of whole caches over RDMA does when each
 * transfer saturates the NICs (an ASSUMPTION against fair sharing: the mean wait is the
 * same, the order is simpler). The oldest waiting transfer whose prefill replica is idle
 * starts first, on the decode replica with the fewest outstanding tokens among those idle
 * with the KV blocks free for it (less vLLM's 1% admission watermark when it is busy) and
 * room under the sequence cap; when none has, it waits (and so do younger ones: transfers
 * start in the order their first tokens came). Those blocks are reserved on the decode
 * replica when the transfer starts, and the prefill replica keeps its copy until the last
 * byte has left (DistServe's pull: the decode side fetches when it has memory). */
#include <math.h>
#include <string.h>

#include "serve_internal.h"

static const char *const link_names[] = {"scale-out", "scale-up", "given"};

const char *aif_serve_link_name(aif_serve_link l) {
    return (unsigned)l <= AIF_SERVE_LINK_GIVEN ? link_names[l] : "?";
}

double aif_serve_kv_link(const aif_serve_config *c, aif_serve_link *kind) {
    if (kind) {
        *kind = AIF_SERVE_LINK_SCALEOUT;
    }
    if (c == NULL || c->disagg == NULL || c->hw == NULL) {
        return 0;
    }
    const aif_serve_disagg *g = c->disagg;
    if (g->link_bytes_per_s > 0) {
        if (kind) {
            *kind = AIF_SERVE_LINK_GIVEN;
        }
        return g->link_bytes_per_s;
    }
    const aif_perf_hw *dh = g->decode_hw ? g->decode_hw : c->hw;
    int dtp = g->decode_tp > 0 ? g->decode_tp : c->tp;
    const aif_perf_calib *calib = c->calib ? c->calib : aif_perf_calib_default();
    int same = dh == c->hw || (dh->id && c->hw->id && strcmp(dh->id, c->hw->id) == 0);
    long gpus = (long)c->tp * c->replicas + (long)dtp * g->decode_replicas;
    int up = same && gpus <= c->hw->scaleup_domain_gpus;
    if (kind && up) {
        *kind = AIF_SERVE_LINK_SCALEUP;
    }
    /* Each GPU holds its TP shard of the KV and moves it over its own link. */
    double out = c->tp * (up ? c->hw->scaleup_bytes_per_s : c->hw->scaleout_bytes_per_s);
    double in = dtp * (up ? dh->scaleup_bytes_per_s : dh->scaleout_bytes_per_s);
    return fmin(out, in) * calib->link_eff;
}

aif_status aif__serve_xfer_init(const aif_allocator *a, serve_xfer *x, int prefill, int decode) {
    x->prefill = prefill;
    x->decode = decode;
    x->head = aif_calloc(a, (size_t)prefill, sizeof *x->head);
    x->tail = aif_calloc(a, (size_t)prefill, sizeof *x->tail);
    x->sending = aif_calloc(a, (size_t)prefill, sizeof *x->sending);
    x->receiving = aif_calloc(a, (size_t)decode, sizeof *x->receiving);
    x->reserved = aif_calloc(a, (size_t)decode, sizeof *x->reserved);
    x->egress_idle_ns = aif_calloc(a, (size_t)prefill, sizeof *x->egress_idle_ns);
    x->ingress_idle_ns = aif_calloc(a, (size_t)decode, sizeof *x->ingress_idle_ns);
    if (x->head == NULL || x->tail == NULL || x->sending == NULL || x->receiving == NULL ||
        x->reserved == NULL || x->egress_idle_ns == NULL || x->ingress_idle_ns == NULL) {
        return AIF_ENOMEM;
    }
    return aif_hist_create(a, &x->time);
}

void aif__serve_xfer_free(const aif_allocator *a, serve_xfer *x) {
    aif_free(a, x->head, (size_t)x->prefill * sizeof *x->head);
    aif_free(a, x->tail, (size_t)x->prefill * sizeof *x->tail);
    aif_free(a, x->sending, (size_t)x->prefill * sizeof *x->sending);
    aif_free(a, x->receiving, (size_t)x->decode * sizeof *x->receiving);
    aif_free(a, x->reserved, (size_t)x->decode * sizeof *x->reserved);
    aif_free(a, x->egress_idle_ns, (size_t)x->prefill * sizeof *x->egress_idle_ns);
    aif_free(a, x->ingress_idle_ns, (size_t)x->decode * sizeof *x->ingress_idle_ns);
    aif_hist_destroy(x->time);
    memset(x, 0, sizeof *x);
}

void aif__serve_xfer_queue(serve_xfer *x, int p, serve_seq *s) {
    s->next = NULL;
    s->prev = x->tail[p];
    if (x->tail[p]) {
        x->tail[p]->next = s;
    } else {
        x->head[p] = s;
    }
    x->tail[p] = s;
    x->waiting++;
}

/* The decode replica that takes a cache of `blocks` blocks now, or -1. */
static int pick_decode(const serve_xfer *x, const serve_engine *de, const serve_replica *dreps,
                       long blocks) {
    int best = -1;
    for (int q = 0; q < x->decode; q++) {
        const serve_replica *r = &dreps[q];
        long busy = r->running + x->reserved[q];
        long room = de->lay.kv_blocks_per_replica - aif__serve_kv_used(r) -
                    (busy > 0 ? de->watermark_blocks : 0);
        if (x->receiving[q] || room < blocks || busy >= de->lay.max_running) {
            continue;
        }
        if (best < 0 || r->outstanding_tokens < dreps[best].outstanding_tokens) {
            best = q;
        }
    }
    return best;
}

int aif__serve_xfer_start(serve_xfer *x, serve_engine *de, serve_replica *dreps, int64_t now,
                          int *p, int64_t *end) {
    if (x->waiting == 0) {
        return 0;
    }
    int from = -1;
    for (int i = 0; i < x->prefill; i++) {
        const serve_seq *h = x->head[i];
        if (h && x->sending[i] == NULL &&
            (from < 0 || h->first_token_ns < x->head[from]->first_token_ns ||
             (h->first_token_ns == x->head[from]->first_token_ns && h->id < x->head[from]->id))) {
            from = i;
        }
    }
    if (from < 0) {
        return 0;
    }
    serve_seq *s = x->head[from];
    long blocks = aif__serve_blocks(s->prefill_len, de->lay.kv_block_tokens);
    int q = pick_decode(x, de, dreps, blocks);
    if (q < 0) {
        return 0;
    }
    x->head[from] = s->next;
    if (x->head[from] == NULL) {
        x->tail[from] = NULL;
    }
    x->waiting--;
    x->sending[from] = s;
    x->receiving[q] = 1;
    x->reserved[q]++;
    s->dreplica = q;
    dreps[q].outstanding_tokens += s->input + s->output;
    aif__serve_replica_reserve(de, &dreps[q], blocks);
    double bytes = (double)s->prefill_len * x->bytes_per_token;
    int64_t ns = (int64_t)llround(bytes / x->bytes_per_s * 1e9);
    if (x->layerwise) {
        /* Layer by layer from the start of the prefill's last iteration, as long as both
         * ends were idle: that much is already across when the prompt's last layer ends;
         * the last layer's KV always crosses after. */
        int64_t idle = s->last_chunk_ns;
        idle = x->egress_idle_ns[from] > idle ? x->egress_idle_ns[from] : idle;
        idle = x->ingress_idle_ns[q] > idle ? x->ingress_idle_ns[q] : idle;
        int64_t early = s->first_token_ns > idle ? s->first_token_ns - idle : 0;
        int64_t tail = ns / (x->layers > 0 ? x->layers : 1);
        ns = ns - early > tail ? ns - early : tail;
    }
    *p = from;
    *end = now + ns;
    return 1;
}

aif_status aif__serve_xfer_done(serve_xfer *x, int p, int64_t now, serve_seq **out) {
    serve_seq *s = x->sending[p];
    x->sending[p] = NULL;
    x->receiving[s->dreplica] = 0;
    x->reserved[s->dreplica]--;
    x->egress_idle_ns[p] = now;
    x->ingress_idle_ns[s->dreplica] = now;
    x->transfers++;
    x->bytes += (double)s->prefill_len * x->bytes_per_token;
    *out = s;
    return aif_hist_add(x->time, (double)(now - s->first_token_ns) / 1e9);
}
