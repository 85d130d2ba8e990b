/* Memo of performance-model answers, for callers (the fleet simulation) that ask the same
 * (model, system, GPUs, workload) question every simulated hour.
 *
 * Open addressing over a fixed table of `slots` entries keyed by the query bytes that matter
 * (model and hardware by address). When the table fills it is cleared and refilled: the
 * working set of a simulation is small, and a clear is cheaper than an eviction policy. */
#include <string.h>

#include "aifactory/perf.h"

typedef struct entry {
    int used; /* 1 inference, 2 training */
    aif_perf_infer_query iq;
    aif_perf_train_query tq;
    aif_status status;
    aif_perf_infer_result ir;
    aif_perf_train_result tr;
} entry;

struct aif_perf_cache {
    const aif_allocator *a;
    aif_perf_calib calib;
    size_t slots, used;
    long hits, misses;
    entry *table;
};

aif_status aif_perf_cache_create(const aif_allocator *a, const aif_perf_calib *calib, size_t slots,
                                 aif_perf_cache **out) {
    if (calib == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    if (slots == 0) {
        slots = 1024;
    }
    aif_perf_cache *c = aif_alloc(a, sizeof *c);
    if (c == NULL) {
        return AIF_ENOMEM;
    }
    *c = (aif_perf_cache){.a = a, .calib = *calib, .slots = slots};
    c->table = aif_calloc(a, slots, sizeof *c->table);
    if (c->table == NULL) {
        aif_free(a, c, sizeof *c);
        return AIF_ENOMEM;
    }
    *out = c;
    return AIF_OK;
}

void aif_perf_cache_destroy(aif_perf_cache *c) {
    if (c == NULL) {
        return;
    }
    aif_free(c->a, c->table, c->slots * sizeof *c->table);
    aif_free(c->a, c, sizeof *c);
}

/* FNV-1a over the fields, one at a time (struct padding is never hashed). */
static size_t mix(size_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * (size_t)1099511628211ULL;
    }
    return h;
}
#define MIX(h, field) h = mix(h, &(field), sizeof(field))

static int same_infer(const aif_perf_infer_query *x, const aif_perf_infer_query *y) {
    return x->model == y->model && x->hw == y->hw && x->gpus == y->gpus &&
           x->precision == y->precision && x->input_tokens == y->input_tokens &&
           x->output_tokens == y->output_tokens && x->workload == y->workload && x->tp == y->tp &&
           x->pp == y->pp && x->framework == y->framework;
}

static int same_train(const aif_perf_train_query *x, const aif_perf_train_query *y) {
    return x->model == y->model && x->hw == y->hw && x->gpus == y->gpus &&
           x->precision == y->precision && x->seq_len == y->seq_len &&
           x->global_batch == y->global_batch && x->tp == y->tp && x->pp == y->pp && x->dp == y->dp;
}

/* The slot holding the query, or the empty slot where it belongs (clearing a full table). */
static entry *probe(aif_perf_cache *c, size_t h, int kind, const aif_perf_infer_query *iq,
                    const aif_perf_train_query *tq) {
    if (c->used * 4 >= c->slots * 3) {
        memset(c->table, 0, c->slots * sizeof *c->table);
        c->used = 0;
    }
    for (size_t i = 0;; i++) {
        entry *e = &c->table[(h + i) % c->slots];
        if (!e->used ||
            (e->used == kind && (kind == 1 ? same_infer(&e->iq, iq) : same_train(&e->tq, tq)))) {
            return e;
        }
    }
}

aif_status aif_perf_cache_infer(aif_perf_cache *c, const aif_perf_infer_query *q,
                                aif_perf_infer_result *out) {
    if (c == NULL || q == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    size_t h = 14695981039346656037ULL;
    MIX(h, q->model);
    MIX(h, q->hw);
    MIX(h, q->gpus);
    MIX(h, q->precision);
    MIX(h, q->input_tokens);
    MIX(h, q->output_tokens);
    MIX(h, q->workload);
    MIX(h, q->tp);
    MIX(h, q->pp);
    entry *e = probe(c, h, 1, q, NULL);
    if (e->used) {
        c->hits++;
        *out = e->ir;
        return e->status;
    }
    c->misses++;
    e->used = 1;
    e->iq = *q;
    e->status = aif_perf_infer(&c->calib, q, &e->ir);
    c->used++;
    *out = e->ir;
    return e->status;
}

aif_status aif_perf_cache_train(aif_perf_cache *c, const aif_perf_train_query *q,
                                aif_perf_train_result *out) {
    if (c == NULL || q == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    size_t h = 1469598103934665603ULL;
    MIX(h, q->model);
    MIX(h, q->hw);
    MIX(h, q->gpus);
    MIX(h, q->precision);
    MIX(h, q->seq_len);
    MIX(h, q->global_batch);
    MIX(h, q->tp);
    MIX(h, q->pp);
    MIX(h, q->dp);
    entry *e = probe(c, h, 2, NULL, q);
    if (e->used) {
        c->hits++;
        *out = e->tr;
        return e->status;
    }
    c->misses++;
    e->used = 2;
    e->tq = *q;
    e->status = aif_perf_train(&c->calib, q, &e->tr);
    c->used++;
    *out = e->tr;
    return e->status;
}

long aif_perf_cache_hits(const aif_perf_cache *c) {
    return c ? c->hits : 0;
}

long aif_perf_cache_misses(const aif_perf_cache *c) {
    return c ? c->misses : 0;
}
