/* One serving replica's engine: iteration-level continuous batching with a token budget,
 * decode first and then chunked prefill (Sarathi-Serve's stall-free schedule, as vLLM V1
 * and TensorRT-LLM run it), paged KV allocated block by block, and preemption of the newest
 * running sequence when a decode step finds no free block: by recompute, or (swap mode) by
 * copying its KV to host memory and back, the copies priced into the iteration.
 *
 * Decoding sequences are not visited per iteration: their block demand and attention
 * context follow from the iteration index (serve_internal.h), and their completions sit in
 * a heap keyed by the iteration in which they end. An iteration therefore costs O(1) plus
 * its prefill chunks, its completions and its preemptions. */
#include <math.h>
#include <string.h>

#include "serve_internal.h"

/* ---- price memo ---- */

uint64_t aif__serve_bucket(double v, double *upper) {
    uint64_t n = (uint64_t)ceil(v);
    if (n < 128) {
        *upper = (double)n;
        return n;
    }
    int e = 63 - __builtin_clzll(n);
    uint64_t step = (uint64_t)1 << (e - 7);
    uint64_t m = (n + step - 1) / step; /* 128..256 */
    *upper = (double)(m * step);
    return ((uint64_t)(e - 6) << 8) + m; /* codes above 127, distinct per (e, m) */
}

int64_t aif__serve_price_ns(serve_engine *e, long decode, double decode_context,
                            long prefill_tokens, double prefill_span) {
    double d, ctx, pre, span;
    uint64_t kd = aif__serve_bucket((double)decode, &d);
    uint64_t kc = decode > 0 ? aif__serve_bucket(decode_context, &ctx) : (ctx = 0, 0);
    uint64_t kp = aif__serve_bucket((double)prefill_tokens, &pre);
    uint64_t ks = prefill_tokens > 0 ? aif__serve_bucket(prefill_span, &span) : (span = 0, 0);
    /* 13 bits hold any code of a value below 2^38; decode and prefill counts are bounded
     * by the config (65,535 and 2^20), contexts by the model's. */
    uint64_t key = kd | kc << 13 | kp << 26 | ks << 39;
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    serve_price_slot *slot = &e->prices[(h >> 40) & (SERVE_PRICE_SLOTS - 1)];
    if (slot->key == key) {
        e->price_hits++;
        return slot->ns;
    }
    e->price_misses++;
    const aif_serve_config *c = e->cfg;
    aif_perf_parallel par = {c->tp, e->lay.pp, e->lay.ep};
    double s = aif_perf_iteration_par_s(e->calib, NULL, c->model, c->hw, c->precision, &par, d, ctx,
                                        pre, span);
    int64_t ns = (int64_t)llround(s * 1e9);
    if (ns < 1) {
        ns = 1;
    }
    slot->key = key;
    slot->ns = ns;
    return ns;
}

/* ---- lists ---- */

static void wait_push_back(serve_replica *r, serve_seq *s) {
    s->prev = r->wait_tail;
    s->next = NULL;
    if (r->wait_tail) {
        r->wait_tail->next = s;
    } else {
        r->wait_head = s;
    }
    r->wait_tail = s;
}

static void wait_push_front(serve_replica *r, serve_seq *s) {
    s->prev = NULL;
    s->next = r->wait_head;
    if (r->wait_head) {
        r->wait_head->prev = s;
    } else {
        r->wait_tail = s;
    }
    r->wait_head = s;
}

static serve_seq *wait_pop_front(serve_replica *r) {
    serve_seq *s = r->wait_head;
    r->wait_head = s->next;
    if (r->wait_head) {
        r->wait_head->prev = NULL;
    } else {
        r->wait_tail = NULL;
    }
    return s;
}

/* The running list stays ordered by id so its tail is the newest request; a recomputed
 * (older) sequence walks back from the tail to its place. */
static void run_insert(serve_replica *r, serve_seq *s) {
    serve_seq *after = r->run_tail;
    while (after && after->id > s->id) {
        after = after->prev;
    }
    s->prev = after;
    s->next = after ? after->next : r->run_head;
    if (s->next) {
        s->next->prev = s;
    } else {
        r->run_tail = s;
    }
    if (after) {
        after->next = s;
    } else {
        r->run_head = s;
    }
    r->running++;
}

static void run_remove(serve_replica *r, serve_seq *s) {
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        r->run_head = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    } else {
        r->run_tail = s->prev;
    }
    r->running--;
}

static void pre_push_back(serve_replica *r, serve_seq *s) {
    s->pprev = r->pre_tail;
    s->pnext = NULL;
    if (r->pre_tail) {
        r->pre_tail->pnext = s;
    } else {
        r->pre_head = s;
    }
    r->pre_tail = s;
}

static void pre_remove(serve_replica *r, serve_seq *s) {
    if (s->pprev) {
        s->pprev->pnext = s->pnext;
    } else {
        r->pre_head = s->pnext;
    }
    if (s->pnext) {
        s->pnext->pprev = s->pprev;
    } else {
        r->pre_tail = s->pprev;
    }
}

void aif__serve_replica_enqueue(serve_replica *r, serve_seq *s) {
    s->state = SEQ_WAITING;
    wait_push_back(r, s);
}

/* ---- completion heap ---- */

static int due_less(const serve_due *a, const serve_due *b) {
    return a->iter < b->iter || (a->iter == b->iter && a->id < b->id);
}

/* Inlined into both callers: the colocated hot path (aif__serve_replica_end) keeps it as
 * it was before disaggregation added a second caller. */
static inline __attribute__((always_inline)) aif_status due_push(serve_engine *e, serve_replica *r,
                                                                 serve_due d) {
    if (r->due_count == r->due_cap) {
        long cap = r->due_cap ? r->due_cap * 2 : 64;
        serve_due *p =
            aif_realloc(e->alloc, r->due, (size_t)r->due_cap * sizeof *p, (size_t)cap * sizeof *p);
        if (p == NULL) {
            return AIF_ENOMEM;
        }
        r->due = p;
        r->due_cap = cap;
    }
    long i = r->due_count++;
    while (i > 0) {
        long parent = (i - 1) / 2;
        if (!due_less(&d, &r->due[parent])) {
            break;
        }
        r->due[i] = r->due[parent];
        i = parent;
    }
    r->due[i] = d;
    return AIF_OK;
}

static void due_pop(serve_replica *r) {
    serve_due last = r->due[--r->due_count];
    long i = 0, n = r->due_count;
    for (;;) {
        long c = 2 * i + 1;
        if (c >= n) {
            break;
        }
        if (c + 1 < n && due_less(&r->due[c + 1], &r->due[c])) {
            c++;
        }
        if (!due_less(&r->due[c], &last)) {
            break;
        }
        r->due[i] = r->due[c];
        i = c;
    }
    if (n > 0) {
        r->due[i] = last;
    }
}

/* ---- prefix cache (serve_prefix.c) ---- */

/* Blocks of the cached units sequence s references (not in blocks_used). */
static long shared_blocks(const serve_seq *s) {
    return s->ref_units * s->unit_blocks;
}

/* Evict cached units nobody references, least recently used first, until the sequences'
 * blocks and the cache fit the replica again. Callers check first that the blocks in use
 * (aif__serve_kv_used) fit, so this always ends within the cache. */
static void evict_to_fit(serve_engine *e, serve_replica *r) {
    while (r->blocks_used + r->cache.blocks > e->lay.kv_blocks_per_replica &&
           aif__serve_cache_evict(&r->cache) > 0) {
    }
}

/* Drop sequence s's references, its last unit first so its first unit is the most
 * recently used and evicted last (vLLM frees a sequence's blocks in that order). The LRU
 * list then frees a cached run from its end, so no replica caches a unit without the
 * units before it, which prefix-affinity routing relies on (pick_replica in serve.c). */
static void release_units(serve_replica *r, serve_seq *s) {
    for (long j = s->ref_units - 1; j >= 0; j--) {
        aif__serve_cache_unref(&r->cache, aif__serve_cache_find(&r->cache, s->keys[j]));
    }
    s->ref_units = 0;
}

/* A sequence about to be admitted takes the leading units of its prompt that are cached
 * (at least one token is left to compute: the last one yields the first output token) and
 * its prefill starts after them. */
static void attach_cached(serve_replica *r, serve_seq *s) {
    long n = (s->prefill_len - 1) / s->unit_tokens;
    if (n > s->nkeys) {
        n = s->nkeys;
    }
    long m = 0;
    for (; m < n; m++) {
        long u = aif__serve_cache_find(&r->cache, s->keys[m]);
        if (u < 0) {
            break;
        }
        aif__serve_cache_ref(&r->cache, u);
    }
    s->ref_units = m;
    s->blocks = shared_blocks(s);
    s->prefill_done = m * s->unit_tokens;
}

/* The prompt's units the prefill has now computed whole pass to the cache (or, when a
 * sequence computed the same unit meanwhile, this copy is dropped for the cached one). */
static aif_status donate_units(serve_engine *e, serve_replica *r, serve_seq *s) {
    while (s->ref_units < s->nkeys && (s->ref_units + 1) * s->unit_tokens <= s->prefill_done) {
        uint64_t key = s->keys[s->ref_units];
        long u = aif__serve_cache_find(&r->cache, key);
        if (u >= 0) {
            aif__serve_cache_ref(&r->cache, u);
        } else if (aif__serve_cache_insert(e->alloc, &r->cache, key, s->unit_blocks, &u) !=
                   AIF_OK) {
            return AIF_ENOMEM;
        }
        r->blocks_used -= s->unit_blocks;
        s->ref_units++;
    }
    return AIF_OK;
}

/* ---- decode bookkeeping ---- */

static long residue_of(const serve_seq *s, long block) {
    long v = (s->kp + 1 - s->prefill_len) % block;
    return v < 0 ? v + block : v;
}

/* Blocks a decoding sequence holds once iteration `iter` has written its token. */
static long decode_blocks_after(const serve_seq *s, long iter, long block) {
    return aif__serve_blocks(s->prefill_len + iter - s->kp, block);
}

static void decode_leave(serve_replica *r, const serve_seq *s, long block) {
    r->decoding--;
    r->decode_base -= s->prefill_len - s->kp;
    r->residue[residue_of(s, block)]--;
}

/* ---- swap preemption ---- */

/* The swapped list stays ordered by id, so the oldest request comes back first. */
static void swap_insert(serve_replica *r, serve_seq *s) {
    serve_seq *after = r->swap_tail;
    while (after && after->id > s->id) {
        after = after->prev;
    }
    s->prev = after;
    s->next = after ? after->next : r->swap_head;
    if (s->next) {
        s->next->prev = s;
    } else {
        r->swap_tail = s;
    }
    if (after) {
        after->next = s;
    } else {
        r->swap_head = s;
    }
}

static void swap_remove(serve_replica *r, serve_seq *s) {
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        r->swap_head = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    } else {
        r->swap_tail = s->prev;
    }
}

/* Copy sequence s's KV (all it has computed, cached units included) to host memory and
 * free its blocks; a decoding sequence keeps its place in its output, a prefilling one its
 * progress through the prompt. Returns 0, doing nothing, when there is nothing to copy (a
 * prompt not started) or the replica's swap space cannot hold it. s is already off the
 * running list; no chunk of it is scheduled (preemption comes before prefill). */
static int swap_out(serve_engine *e, serve_replica *r, serve_seq *s) {
    long block = e->lay.kv_block_tokens;
    int decoding = s->state == SEQ_DECODE;
    /* KV written before this iteration */
    long ctx = decoding ? s->prefill_len + (r->iter - 1) - s->kp : s->prefill_done;
    long blocks = aif__serve_blocks(ctx, block);
    if (ctx == 0 || r->host_blocks + blocks > e->lay.swap_blocks_per_replica) {
        return 0;
    }
    if (decoding) {
        r->blocks_used -= blocks - shared_blocks(s);
        decode_leave(r, s, block);
        s->epoch++;
        s->generated = s->gp + (r->iter - 1 - s->kp);
        s->prefill_len = ctx; /* on return it decodes on from this context */
        s->prefill_done = ctx;
    } else {
        r->blocks_used -= s->blocks - shared_blocks(s);
        pre_remove(r, s);
    }
    release_units(r, s);
    s->blocks = 0;
    s->swap_blocks = blocks;
    r->host_blocks += blocks;
    if (r->host_blocks > e->peak_host_blocks) {
        e->peak_host_blocks = r->host_blocks;
    }
    r->swap_bytes_now += (double)blocks * e->block_bytes;
    s->state = SEQ_SWAPPED;
    swap_insert(r, s);
    e->swap_outs++;
    return 1;
}

/* Bring swapped sequences back, oldest first, while their blocks (and a decode's token of
 * this iteration) fit above the watermark: a decoding one decodes in this iteration, as if
 * its prefill had ended in the last one; a prefilling one rejoins the prompts in progress,
 * last, its blocks its own (its whole units pass to the cache again as its next chunk
 * ends). */
static aif_status swap_in(serve_engine *e, serve_replica *r) {
    long block = e->lay.kv_block_tokens;
    while (r->swap_head && r->running < e->lay.max_running) {
        serve_seq *s = r->swap_head;
        int decoding = s->prefill_done == s->prefill_len;
        long need = decoding ? aif__serve_blocks(s->prefill_len + 1, block) : s->swap_blocks;
        long reserve = r->running > 0 ? e->watermark_blocks : 0;
        if (need > e->lay.kv_blocks_per_replica - aif__serve_kv_used(r) - reserve) {
            break;
        }
        swap_remove(r, s);
        r->host_blocks -= s->swap_blocks;
        r->swap_bytes_now += (double)s->swap_blocks * e->block_bytes;
        s->swap_blocks = 0;
        e->swap_ins++;
        r->blocks_used += need;
        evict_to_fit(e, r);
        if (!decoding) {
            s->state = SEQ_PREFILL;
            s->blocks = need;
            run_insert(r, s);
            pre_push_back(r, s);
            continue;
        }
        s->state = SEQ_DECODE;
        s->kp = r->iter - 1;
        s->gp = s->generated;
        r->decoding++;
        r->decode_base += s->prefill_len - s->kp;
        r->residue[residue_of(s, block)]++;
        run_insert(r, s);
        serve_due d = {s->kp + s->output - s->gp, s->id, s, s->epoch};
        if (due_push(e, r, d) != AIF_OK) {
            return AIF_ENOMEM;
        }
    }
    return AIF_OK;
}

/* Reserve admission: sequence s no longer runs here; its reservation is free. */
static void unreserve(serve_replica *r, serve_seq *s) {
    r->reserved_blocks -= s->reserved;
    s->reserved = 0;
}

/* Preempt the newest running sequence: swap it out (swap mode, decoding, room on the host)
 * or free its blocks and put it first in the queue to be prefilled again with what it has
 * generated (recompute). */
static void preempt_newest(serve_engine *e, serve_replica *r) {
    long block = e->lay.kv_block_tokens;
    serve_seq *s = r->run_tail;
    run_remove(r, s);
    unreserve(r, s);
    r->preempted_now = 1;
    s->preempted++;
    e->preemptions++;
    if (e->swap && swap_out(e, r, s)) {
        return;
    }
    if (s->state == SEQ_DECODE) {
        /* Before iteration r->iter allocated anything: the blocks after iter - 1. */
        r->blocks_used -= decode_blocks_after(s, r->iter - 1, block) - shared_blocks(s);
        decode_leave(r, s, block);
        s->epoch++;
        /* The tokens decoded since the prefill are kept (their text is the client's): the
         * recompute prefills them with the prompt and decodes on from there. */
        s->generated = s->gp + (r->iter - 1 - s->kp);
    } else {
        r->blocks_used -= s->blocks - shared_blocks(s);
        pre_remove(r, s);
    }
    release_units(r, s);
    s->blocks = 0;
    s->prefill_len = s->input + s->generated;
    s->prefill_done = 0;
    s->chunk = 0;
    wait_push_front(r, s);
    s->state = SEQ_WAITING;
}

/* Give sequence s up to `budget` prefill tokens within the free blocks (less `reserve`).
 * Returns the chunk scheduled (0: none fits). */
static long schedule_chunk(serve_engine *e, serve_replica *r, serve_seq *s, long budget,
                           long reserve) {
    long block = e->lay.kv_block_tokens;
    long chunk = s->prefill_len - s->prefill_done;
    if (chunk > budget) {
        chunk = budget;
    }
    long free_blocks = e->lay.kv_blocks_per_replica - aif__serve_kv_used(r) - reserve;
    long room = (s->blocks + (free_blocks > 0 ? free_blocks : 0)) * block - s->prefill_done;
    if (chunk > room) {
        chunk = room;
    }
    if (chunk <= 0) {
        return 0;
    }
    long need = aif__serve_blocks(s->prefill_done + chunk, block);
    r->blocks_used += need - s->blocks;
    s->blocks = need;
    evict_to_fit(e, r);
    s->chunk = chunk;
    return chunk;
}

/* Form the batch of iteration r->iter: decode tokens, swapped sequences back (swap mode),
 * then prefill chunks. Errors: AIF_ENOMEM. */
static aif_status form_batch(serve_engine *e, serve_replica *r, int64_t now, double *span_sum) {
    long block = e->lay.kv_block_tokens;
    long total = e->lay.kv_blocks_per_replica;
    long slot = r->iter % block;
    /* Decode first: every decoding sequence writes one token; those at a block boundary
     * need a new block, and the newest running sequences make room. */
    while (r->residue[slot] > total - aif__serve_kv_used(r)) {
        preempt_newest(e, r);
    }
    r->blocks_used += r->residue[slot];
    evict_to_fit(e, r);
    /* Swapped sequences return before new work (vLLM: not in an iteration that preempted,
     * unless nothing else runs) and, while any waits, no new request is admitted. */
    if (r->swap_head && (!r->preempted_now || r->running == 0) && swap_in(e, r) != AIF_OK) {
        return AIF_ENOMEM;
    }
    r->cur_decode = r->decoding;
    long budget = e->lay.token_budget - r->decoding;
    long tokens = 0, seqs = 0;
    *span_sum = 0;
    /* In-progress prompts, in admission order. */
    for (serve_seq *s = r->pre_head; s && budget > 0; s = s->pnext) {
        long c = schedule_chunk(e, r, s, budget, 0);
        if (c == 0) {
            break;
        }
        *span_sum += (double)c * ((double)s->prefill_done + 0.5 * (double)c);
        budget -= c;
        tokens += c;
        seqs++;
        if (s->prefill_done + c < s->prefill_len) {
            break; /* the budget ran out inside this prompt */
        }
    }
    /* New requests in arrival order, while the budget, the sequence cap and the KV cache
     * (less a small watermark, so admissions do not starve running decodes) allow. */
    while (budget > 0 && r->wait_head && r->swap_head == NULL && r->running < e->lay.max_running &&
           (r->pre_tail == NULL ||
            r->pre_tail->prefill_done + r->pre_tail->chunk == r->pre_tail->prefill_len)) {
        serve_seq *s = r->wait_head;
        /* Reserve admission: its whole prompt and output must fit beside what the running
         * sequences hold reserved, so no decode step ever runs out of blocks. */
        long whole = e->reserve ? aif__serve_blocks(s->input + s->output, block) : 0;
        if (e->reserve && r->reserved_blocks + whole > total) {
            break;
        }
        long reserve = r->running > 0 ? e->watermark_blocks : 0;
        if (s->nkeys > 0) {
            attach_cached(r, s);
        }
        long c = schedule_chunk(e, r, s, budget, reserve);
        if (c == 0) {
            release_units(r, s);
            s->blocks = 0;
            s->prefill_done = 0;
            break;
        }
        if (s->cached_first < 0) {
            s->cached_first = s->prefill_done;
        }
        wait_pop_front(r);
        s->reserved = whole;
        r->reserved_blocks += whole;
        s->state = SEQ_PREFILL;
        if (s->sched_ns < 0) {
            s->sched_ns = now;
        }
        run_insert(r, s);
        pre_push_back(r, s);
        *span_sum += (double)c * ((double)s->prefill_done + 0.5 * (double)c);
        budget -= c;
        tokens += c;
        seqs++;
    }
    r->cur_prefill_seqs = seqs;
    r->cur_prefill_tokens = tokens;
    return AIF_OK;
}

int64_t aif__serve_replica_start(serve_engine *e, serve_replica *r, int64_t now,
                                 aif_status *status) {
    *status = AIF_OK;
    if (r->running == 0 && r->wait_head == NULL && r->swap_head == NULL) {
        r->busy = 0;
        return -1;
    }
    double span_sum = 0;
    r->preempted_now = 0;
    r->swap_bytes_now = 0;
    if ((*status = form_batch(e, r, now, &span_sum)) != AIF_OK) {
        return -1;
    }
    /* Prompts in progress can hold every block between them with no decode to preempt;
     * the newest gives way until something moves (a lone request always fits). */
    while (r->cur_decode == 0 && r->cur_prefill_tokens == 0) {
        if (r->running == 0) {
            r->busy = 0;
            return -1; /* nothing admissible: cannot happen for a request that fits */
        }
        for (serve_seq *s = r->pre_head; s; s = s->pnext) {
            s->chunk = 0;
        }
        preempt_newest(e, r);
        if ((*status = form_batch(e, r, now, &span_sum)) != AIF_OK) {
            return -1;
        }
    }
    double ctx = r->cur_decode > 0 ? (double)(r->decode_base + (int64_t)r->cur_decode * r->iter) /
                                         (double)r->cur_decode
                                   : 0.0;
    double span = r->cur_prefill_tokens > 0 ? span_sum / (double)r->cur_prefill_tokens : 0.0;
    int64_t dt = aif__serve_price_ns(e, r->cur_decode, ctx, r->cur_prefill_tokens, span);
    if (r->swap_bytes_now > 0) {
        /* The block copies run before the forward pass and hold up the whole batch (vLLM
         * issues them ahead of the model step on the same stream): no overlap. */
        int64_t copy = (int64_t)llround(r->swap_bytes_now / e->lay.host_link_bytes_per_s * 1e9);
        dt += copy;
        e->swap_ns += (double)copy;
        e->swap_bytes += r->swap_bytes_now;
    }
    r->busy = 1;
    r->cur_start_ns = now;
    e->iterations++;
    e->batch_seqs_sum += (double)(r->cur_decode + r->cur_prefill_seqs);
    e->batch_tokens_sum += (double)(r->cur_decode + r->cur_prefill_tokens);
    e->busy_ns += (double)dt;
    long used = aif__serve_kv_used(r);
    e->kv_block_ns += (double)used * (double)dt;
    if (used > e->peak_blocks) {
        e->peak_blocks = used;
    }
    return now + dt;
}

static aif_status finish(serve_engine *e, serve_replica *r, serve_seq *s) {
    if (e->finished_count == e->finished_cap) {
        long cap = e->finished_cap ? e->finished_cap * 2 : 256;
        serve_seq **p = aif_realloc(e->alloc, e->finished, (size_t)e->finished_cap * sizeof *p,
                                    (size_t)cap * sizeof *p);
        if (p == NULL) {
            return AIF_ENOMEM;
        }
        e->finished = p;
        e->finished_cap = cap;
    }
    run_remove(r, s);
    unreserve(r, s);
    r->outstanding_tokens -= s->input + s->output;
    e->finished[e->finished_count++] = s;
    return AIF_OK;
}

aif_status aif__serve_replica_end(serve_engine *e, serve_replica *r, int64_t now) {
    long block = e->lay.kv_block_tokens;
    long i = r->iter;
    /* Prompts scheduled this iteration: a prefix of the prefilling list. */
    serve_seq *s = r->pre_head;
    while (s && s->chunk > 0) {
        serve_seq *next = s->pnext;
        s->prefill_done += s->chunk;
        s->chunk = 0;
        if (s->ref_units < s->nkeys) {
            aif_status st = donate_units(e, r, s);
            if (st != AIF_OK) {
                return st;
            }
        }
        if (s->prefill_done == s->prefill_len) {
            pre_remove(r, s);
            s->generated++; /* the last chunk samples the next token */
            if (s->first_token_ns < 0) {
                s->first_token_ns = now;
            }
            if (s->generated >= s->output) {
                r->blocks_used -= s->blocks - shared_blocks(s);
                release_units(r, s);
                s->blocks = 0;
                aif_status st = finish(e, r, s);
                if (st != AIF_OK) {
                    return st;
                }
            } else if (e->handoff) {
                s->last_chunk_ns = r->cur_start_ns;
                /* A prefill pool: the first token is out; the KV stays held here until
                 * it has crossed to a decode replica (aif__serve_replica_release). */
                aif_status st = finish(e, r, s);
                if (st != AIF_OK) {
                    return st;
                }
                s->state = SEQ_HANDOFF;
            } else {
                s->state = SEQ_DECODE;
                s->kp = i;
                s->gp = s->generated;
                s->blocks = 0;
                r->decoding++;
                r->decode_base += s->prefill_len - s->kp;
                r->residue[residue_of(s, block)]++;
                serve_due d = {s->kp + s->output - s->gp, s->id, s, s->epoch};
                aif_status st = due_push(e, r, d);
                if (st != AIF_OK) {
                    return st;
                }
            }
        }
        s = next;
    }
    /* Decoding sequences whose last token this iteration wrote. */
    while (r->due_count > 0 && r->due[0].iter <= i) {
        serve_due d = r->due[0];
        due_pop(r);
        serve_seq *q = d.seq;
        if (q->id != d.id || d.epoch != q->epoch || q->state != SEQ_DECODE || d.iter != i) {
            continue; /* preempted since (and maybe finished, its record reused) */
        }
        q->generated = q->output;
        r->blocks_used -= decode_blocks_after(q, i, block) - shared_blocks(q);
        release_units(r, q);
        decode_leave(r, q, block);
        aif_status st = finish(e, r, q);
        if (st != AIF_OK) {
            return st;
        }
    }
    r->iter++;
    r->busy = 0;
    return AIF_OK;
}

/* ---- disaggregation (serve_disagg.c moves the KV between the pools) ---- */

void aif__serve_replica_release(serve_replica *r, serve_seq *s) {
    r->blocks_used -= s->blocks - shared_blocks(s);
    release_units(r, s);
    s->blocks = 0;
}

void aif__serve_replica_reserve(serve_engine *e, serve_replica *r, long blocks) {
    r->blocks_used += blocks;
    evict_to_fit(e, r);
    long used = aif__serve_kv_used(r);
    if (used > e->peak_blocks) {
        e->peak_blocks = used;
    }
}

aif_status aif__serve_replica_admit_decode(serve_engine *e, serve_replica *r, serve_seq *s) {
    long block = e->lay.kv_block_tokens;
    /* Its first decode step is the replica's next iteration; the blocks reserved for it
     * are those a sequence that finished its prefill in iteration kp holds. */
    s->state = SEQ_DECODE;
    s->kp = r->busy ? r->iter : r->iter - 1;
    s->gp = s->generated;
    s->blocks = 0;
    run_insert(r, s);
    r->decoding++;
    r->decode_base += s->prefill_len - s->kp;
    r->residue[residue_of(s, block)]++;
    return due_push(e, r, (serve_due){s->kp + s->output - s->gp, s->id, s, s->epoch});
}
