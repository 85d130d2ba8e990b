/* Memo of serving-simulator goodput (goodput_cache.h). A growing array searched linearly:
 * a run asks for at most (classes x system types) distinct entries, a few dozen, and each
 * miss costs a simulation that dwarfs any lookup. */
#include <string.h>

#include "aifactory/goodput_cache.h"

typedef struct entry {
    aif_perf_serve_query q; /* with the cache's effort filled in */
    aif_status status;
    aif_perf_serve_result r;
} entry;

struct aif_goodput_cache {
    const aif_allocator *a;
    aif_perf_calib calib;
    aif_goodput_effort effort;
    entry *v;
    size_t n, cap;
    long hits, misses;
};

aif_status aif_goodput_cache_create(const aif_allocator *a, const aif_perf_calib *calib,
                                    const aif_goodput_effort *effort, aif_goodput_cache **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    *out = NULL;
    aif_goodput_effort e = effort ? *effort : (aif_goodput_effort){0};
    if (e.requests < 0 || e.max_output_tokens < 0 ||
        (e.tolerance != 0 && !(e.tolerance >= 1e-4 && e.tolerance <= 1))) {
        return AIF_EINVAL;
    }
    aif_goodput_cache *c = aif_alloc(a, sizeof *c);
    if (c == NULL) {
        return AIF_ENOMEM;
    }
    *c = (aif_goodput_cache){.a = a, .calib = calib ? *calib : *aif_perf_calib_default()};
    c->effort = e;
    *out = c;
    return AIF_OK;
}

void aif_goodput_cache_destroy(aif_goodput_cache *c) {
    if (c == NULL) {
        return;
    }
    aif_free(c->a, c->v, c->cap * sizeof *c->v);
    aif_free(c->a, c, sizeof *c);
}

/* The fields that decide the answer; the effort is the cache's, the same for all. */
static int same(const aif_perf_serve_query *x, const aif_perf_serve_query *y) {
    return x->model == y->model && x->hw == y->hw && x->gpus == y->gpus && x->tp == y->tp &&
           x->precision == y->precision && x->workload == y->workload &&
           x->input_tokens == y->input_tokens && x->output_tokens == y->output_tokens &&
           x->ttft_p99_s == y->ttft_p99_s && x->tpot_p99_s == y->tpot_p99_s &&
           x->prefill_replicas == y->prefill_replicas && x->decode_replicas == y->decode_replicas;
}

static aif_status grow(aif_goodput_cache *c) {
    size_t cap = c->cap ? 2 * c->cap : 16;
    entry *v = aif_alloc(c->a, cap * sizeof *v);
    if (v == NULL) {
        return AIF_ENOMEM;
    }
    if (c->n > 0) {
        memcpy(v, c->v, c->n * sizeof *v);
    }
    aif_free(c->a, c->v, c->cap * sizeof *c->v);
    c->v = v;
    c->cap = cap;
    return AIF_OK;
}

aif_status aif_goodput_cache_get(aif_goodput_cache *c, const aif_perf_serve_query *q,
                                 aif_perf_serve_result *out) {
    if (c == NULL || q == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    aif_perf_serve_query key = *q;
    key.requests = c->effort.requests;
    key.tolerance = c->effort.tolerance;
    key.seed = c->effort.seed;
    if (c->effort.max_output_tokens > 0 && q->output_tokens > 0) {
        long full = key.requests ? key.requests : AIF_PERF_SERVE_REQUESTS;
        double fit = c->effort.max_output_tokens / q->output_tokens;
        key.requests = fit < (double)full ? (fit > 50 ? (long)fit : 50) : full;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (same(&c->v[i].q, &key)) {
            c->hits++;
            *out = c->v[i].r;
            return c->v[i].status;
        }
    }
    if (c->n == c->cap && grow(c) != AIF_OK) {
        return AIF_ENOMEM;
    }
    entry *e = &c->v[c->n++];
    e->q = key;
    e->status = aif_perf_serve_goodput(c->a, &c->calib, &key, &e->r);
    c->misses++;
    *out = e->r;
    return e->status;
}

long aif_goodput_cache_simulations(const aif_goodput_cache *c) {
    return c ? c->misses : 0;
}

long aif_goodput_cache_hits(const aif_goodput_cache *c) {
    return c ? c->hits : 0;
}
