/* Private pieces of the serving simulator (serve.h): one sequence, one replica's engine and
 * the iteration-price cache, shared by serve.c (the deployment: arrivals, routing,
 * metrics) and serve_engine.c (one replica: batching, paged KV, preemption). */
#ifndef AIF_MODEL_SERVE_INTERNAL_H
#define AIF_MODEL_SERVE_INTERNAL_H

#include <stdint.h>

#include "aifactory/hist.h"
#include "aifactory/serve.h"

enum {
    SEQ_WAITING,
    SEQ_PREFILL,
    SEQ_DECODE,
    SEQ_HANDOFF, /* prefilled, KV not yet moved */
    SEQ_SWAPPED  /* KV in host memory (swap preemption) */
};

typedef struct serve_seq serve_seq;
struct serve_seq {
    serve_seq *prev, *next;   /* running list (by id), waiting queue or swapped list (by id) */
    serve_seq *pprev, *pnext; /* prefilling list, in admission order */
    int64_t arrival_ns, sched_ns, first_token_ns; /* -1 until it happens */
    int64_t last_chunk_ns; /* disaggregated: start of the iteration that ended its prefill */
    long id;               /* arrival order, from 0 */
    long input, output;
    long prefill_len;  /* tokens to prefill this time: input, or input + generated after
                          a preemption (recompute) */
    long prefill_done; /* of prefill_len */
    long chunk;        /* prefill tokens scheduled in the iteration in progress */
    long generated;
    long kp, gp;      /* decoding: iteration that finished the prefill, and `generated` then */
    long blocks;      /* KV blocks held while prefilling (decoding: derived from kp) */
    long reserved;    /* reserve admission: blocks of input + output held for it, else 0 */
    long preempted;   /* times preempted (reported per request) */
    long swap_blocks; /* swapped out: KV blocks held in host memory (its whole context) */
    /* Prefix caching (serve_prefix.c): the keys of the prompt's whole cacheable units
     * (unit_tokens each, unit_blocks KV blocks), and how many leading units this sequence
     * references in its replica's cache; those blocks are the cache's, not counted in
     * blocks_used. */
    uint64_t *keys;
    long nkeys, ref_units, unit_tokens, unit_blocks;
    long cached_first;        /* tokens hit when first scheduled; -1 before */
    serve_seq *lprev, *lnext; /* the deployment's requests in flight (to free their keys) */
    uint32_t epoch;           /* bumped by preemption: stale completion entries are skipped */
    int state;
    int replica;  /* the one it was routed to (disaggregated: the prefill replica) */
    int dreplica; /* disaggregated: the decode replica, from the transfer's start */
};

/* Which replicas cache each unit key (serve_holders.c), for prefix-affinity routing. */
typedef struct serve_holder_entry {
    uint64_t key; /* 0: empty slot (no unit key is 0) */
    int *reps;    /* [n] replicas holding the unit, in no order */
    int n, cap;
} serve_holder_entry;

typedef struct serve_holders {
    serve_holder_entry *slots; /* [cap], cap a power of two or 0 */
    long cap, count;
} serve_holders;

/* The entry of `key` (NULL: no replica holds it). O(1) expected. */
const serve_holder_entry *aif__serve_holders_get(const serve_holders *h, uint64_t key);

/* Replica `replica` now caches `key` (it did not). Errors: AIF_ENOMEM. */
aif_status aif__serve_holders_add(const aif_allocator *a, serve_holders *h, uint64_t key,
                                  int replica);

/* Replica `replica` evicted `key`. O(replicas holding it). */
void aif__serve_holders_remove(const aif_allocator *a, serve_holders *h, uint64_t key, int replica);
void aif__serve_holders_free(const aif_allocator *a, serve_holders *h);

/* One replica's prefix cache: units of KV blocks keyed by a hash of the prompt up to and
 * including them. Units live in an array at stable indices (a free list reuses them); an
 * open-addressing table (linear probing, backward-shift deletion) maps keys to them. Units
 * no sequence references are kept in LRU order and evicted from the oldest. */
typedef struct serve_unit {
    uint64_t key;
    long refs;
    long blocks;
    long lru_prev, lru_next; /* -1 ends; only while refs == 0 (lru_next: the free list) */
} serve_unit;

typedef struct serve_cache {
    serve_unit *units; /* [unit_cap] */
    long unit_cap, unit_used, free_unit;
    long *table; /* [table_cap] unit index, -1 empty; table_cap a power of two or 0 */
    long table_cap, count;
    long lru_head, lru_tail;
    long blocks;      /* held by every cached unit */
    long free_blocks; /* held by units no sequence references: evictable */
    long evictions;
    /* prefix-affinity routing: the deployment's index of holders, kept in step by insert
     * and evict (NULL: none), and this cache's replica */
    serve_holders *holders;
    const aif_allocator *holders_alloc;
    int replica;
} serve_cache;

/* The unit holding `key`, or -1. O(1) expected. */
long aif__serve_cache_find(const serve_cache *c, uint64_t key);

/* Add `key` (not present) holding `blocks` blocks, referenced once; *slot gets its unit.
 * Errors: AIF_ENOMEM. */
aif_status aif__serve_cache_insert(const aif_allocator *a, serve_cache *c, uint64_t key,
                                   long blocks, long *slot);

/* Reference a cached unit (taking it off the LRU list if it was free). */
void aif__serve_cache_ref(serve_cache *c, long slot);

/* Drop one reference; at none the unit joins the LRU list as the most recent. */
void aif__serve_cache_unref(serve_cache *c, long slot);

/* Evict the least recently used free unit; returns its blocks (0: none was free). */
long aif__serve_cache_evict(serve_cache *c);

void aif__serve_cache_free(const aif_allocator *a, serve_cache *c);

/* Leading units of `keys` cached in `c` (stops at the first missing). */
long aif__serve_cache_match(const serve_cache *c, const uint64_t *keys, long n);

/* The keys of a request's cacheable units at KV block size `block` (serve_prefix.c):
 * *n units of *unit_tokens tokens; NULL with *n = 0 when it shares nothing whole.
 * Errors: AIF_ENOMEM. */
aif_status aif__serve_prefix_keys(const aif_allocator *a, const aif_serve_request *rq, long block,
                                  uint64_t **keys, long *n, long *unit_tokens);

/* A decoding sequence's last iteration, in a min-heap on (iter, id). */
typedef struct serve_due {
    long iter;
    long id;
    serve_seq *seq;
    uint32_t epoch;
} serve_due;

/* One replica. The decode state is held in aggregates so an iteration costs O(1) plus its
 * prefill chunks and completions, not O(running sequences): a decoding sequence's KV grows
 * by one token per iteration, so it needs a new block exactly when the iteration index is
 * congruent to (kp + 1 - prefill_len) modulo the block size (residue[] counts those), and
 * the context it attends to is prefill_len - kp + iter (decode_base sums the first part). */
typedef struct serve_replica {
    long iter; /* index of the iteration in progress, or of the next one */
    int busy, queued;
    serve_seq *run_head, *run_tail; /* every admitted sequence, ordered by id */
    serve_seq *wait_head, *wait_tail;
    serve_seq *pre_head, *pre_tail;
    serve_seq *swap_head, *swap_tail; /* swapped out to host memory, by id */
    long host_blocks;                 /* held by swapped sequences */
    double swap_bytes_now;            /* moved by the iteration being formed */
    int preempted_now;                /* the iteration being formed preempted a sequence */
    long running, decoding;
    int64_t decode_base; /* sum over decoding sequences of prefill_len - kp */
    long *residue;       /* [kv_block_tokens] */
    serve_due *due;      /* min-heap */
    long due_count, due_cap;
    long blocks_used;     /* private blocks of the sequences; cached ones are in `cache` */
    long reserved_blocks; /* reserve admission: summed `reserved` of the running sequences */
    serve_cache cache;
    long outstanding_tokens; /* input + output of routed, unfinished requests */
    /* the iteration in progress */
    long cur_decode, cur_prefill_seqs, cur_prefill_tokens;
    int64_t cur_start_ns;
} serve_replica;

/* Replicas by (outstanding tokens, index), an indexed min-heap (serve_route.c): heap[0] is
 * the replica least-tokens routing picks; pos[r] is replica r's place in heap. */
typedef struct serve_router {
    int *heap, *pos;
    int n;
} serve_router;

/* Errors: AIF_ENOMEM (free with aif__serve_router_free either way). */
aif_status aif__serve_router_init(const aif_allocator *a, serve_router *h, int n);
void aif__serve_router_free(const aif_allocator *a, serve_router *h);

/* Replica `replica`'s outstanding tokens changed: restore the order. O(log R). */
void aif__serve_router_fix(serve_router *h, const serve_replica *reps, int replica);

/* Direct-mapped memo of iteration prices on a bucketed shape. */
#define SERVE_PRICE_SLOTS 16384u
typedef struct serve_price_slot {
    uint64_t key; /* 0 = empty (no real shape has key 0: the iteration has tokens) */
    int64_t ns;
} serve_price_slot;

/* What every replica shares: the settings, the price memo and the counters. */
typedef struct serve_engine {
    const aif_allocator *alloc;
    const aif_serve_config *cfg;
    const aif_perf_calib *calib;
    aif_serve_layout lay;
    long watermark_blocks; /* new requests are admitted only above this many free blocks */
    serve_price_slot *prices;
    long price_hits, price_misses;
    long preemptions, iterations;
    int swap;           /* preemption by swap */
    int reserve;        /* reserve admission (aif_serve_admission) */
    double block_bytes; /* KV bytes of one block on a replica */
    long swap_outs, swap_ins, peak_host_blocks;
    double swap_bytes, swap_ns;
    double batch_seqs_sum, batch_tokens_sum;
    double busy_ns; /* iteration time summed over the replicas */
    /* 1: a prefill pool (disaggregation): a prompt whose prefill completes leaves with its
     * first token (state SEQ_HANDOFF, in `finished`), its KV blocks still held until
     * aif__serve_replica_release; 0: it decodes here. */
    int handoff;
    double kv_block_ns; /* integral of blocks in use over time, all replicas */
    long peak_blocks;
    int prefix; /* prefix caching on */
    /* finished sequences of the last iteration ended, for the deployment to record */
    serve_seq **finished;
    long finished_count, finished_cap;
} serve_engine;

/* Round v >= 0 up to the upper edge of its bucket (exact below 128, then 128 buckets per
 * power of two: at most 0.8% above v), and give the bucket's code. O(1). */
uint64_t aif__serve_bucket(double v, double *upper);

/* Seconds of one iteration, in integer nanoseconds (at least 1), priced on the bucketed
 * shape so the answer depends on the shape only, never on what the memo held. */
int64_t aif__serve_price_ns(serve_engine *e, long decode, double decode_context,
                            long prefill_tokens, double prefill_span);

/* Start replica r's next iteration at `now` if it has work: forms the batch (preempting
 * when KV runs out) and returns its end time; returns -1 when the replica goes idle.
 * AIF_ENOMEM leaves *status set. */
int64_t aif__serve_replica_start(serve_engine *e, serve_replica *r, int64_t now,
                                 aif_status *status);

/* End the iteration in progress at `now`: prefill chunks advance, first tokens and
 * completions happen. Finished sequences are appended to e->finished (still owned by the
 * caller, who records and frees them). Errors: AIF_ENOMEM. */
aif_status aif__serve_replica_end(serve_engine *e, serve_replica *r, int64_t now);

/* Queue an arrived sequence on replica r. */
void aif__serve_replica_enqueue(serve_replica *r, serve_seq *s);

/* Disaggregation (serve_disagg.c). A prefill replica's handed-off sequence s has moved its
 * KV: free its blocks and cache references. */
void aif__serve_replica_release(serve_replica *r, serve_seq *s);

/* Hold `blocks` blocks on replica r for a KV cache on its way (evicting free cached units
 * as needed); the caller checked they are free. */
void aif__serve_replica_reserve(serve_engine *e, serve_replica *r, long blocks);

/* Sequence s's KV (prefill_len tokens, reserved) has arrived on decode replica r: it
 * decodes from r's next iteration. Errors: AIF_ENOMEM. */
aif_status aif__serve_replica_admit_decode(serve_engine *e, serve_replica *r, serve_seq *s);

/* The KV transfers between the pools: a FIFO of prefilled sequences per prefill replica,
 * one transfer at a time out of each prefill replica and into each decode replica. */
typedef struct serve_xfer {
    int prefill, decode;
    double bytes_per_token, bytes_per_s;
    serve_seq **head, **tail; /* [prefill] waiting to send, linked by next, oldest first */
    serve_seq **sending;      /* [prefill] in flight, or NULL */
    unsigned char *receiving; /* [decode] */
    long *reserved;           /* [decode] transfers in flight into it */
    int64_t *egress_idle_ns;  /* [prefill] when its last transfer ended (layer-wise mode) */
    int64_t *ingress_idle_ns; /* [decode] likewise */
    int layerwise;            /* aif_serve_disagg.layerwise */
    int layers;               /* the model's: the last layer's share moves after the prefill */
    long waiting;             /* queued, not started */
    long transfers;           /* completed */
    double bytes;             /* of the completed */
    aif_hist *time;           /* first token to arrival, seconds */
} serve_xfer;

aif_status aif__serve_xfer_init(const aif_allocator *a, serve_xfer *x, int prefill, int decode);
void aif__serve_xfer_free(const aif_allocator *a, serve_xfer *x);

/* Prefill replica p handed off s at its first token. */
void aif__serve_xfer_queue(serve_xfer *x, int p, serve_seq *s);

/* Start the oldest waiting transfer that can start at `now` (its prefill replica idle, a
 * decode replica idle with the blocks free for it): returns 1 with *p its prefill replica
 * and *end its arrival, 0 when none can. `dreps` are the decode replicas. */
int aif__serve_xfer_start(serve_xfer *x, serve_engine *de, serve_replica *dreps, int64_t now,
                          int *p, int64_t *end);

/* The transfer out of prefill replica p arrived at `now`: returns its sequence (its decode
 * replica in dreplica), the links freed. Errors: AIF_ENOMEM (the histogram). */
aif_status aif__serve_xfer_done(serve_xfer *x, int p, int64_t now, serve_seq **out);

/* Blocks in use on a replica: the sequences' own and the cached ones they reference
 * (cached blocks nobody references count as free: they are evicted on demand). */
static inline long aif__serve_kv_used(const serve_replica *r) {
    return r->blocks_used + r->cache.blocks - r->cache.free_blocks;
}

/* KV blocks a sequence of `tokens` tokens holds. */
static inline long aif__serve_blocks(long tokens, long block) {
    return (tokens + block - 1) / block;
}

#endif
