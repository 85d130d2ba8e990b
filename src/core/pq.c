/* The event queue (see pq.h): a 4-ary implicit min-heap of 16-byte keys, a slot array, and
 * for large queues a far tier of time buckets in front of which the heap stays small.
 *
 * Speed comes from keeping the heap small and cache-aligned: an entry is just the time
 * (sign bit flipped, so one unsigned 128-bit compare orders entries) and one 64-bit word
 * packing class, a 29-bit sequence number and the 27-bit slot index of the event's
 * payload, so a family of four children is exactly one 64-byte cache line (the array is
 * offset so that families start on line boundaries). Sifting touches nothing else: there
 * is no slot -> position map to update on every move. A slot is 32 bytes on a 32-byte
 * boundary, so handing an event out reads one line, fetched ahead while the heap sifts.
 *
 * The far tier: once 4096 events are pending, only events before a time `bound` live in
 * the heap. Later ones are appended, unsorted, to equal-width time buckets (or, beyond the
 * last bucket, to a FAR list), in blocks taken from a pool sized with the capacity, so
 * nothing allocates per event. When the heap runs dry the next bucket is heapified into it
 * and the bound moves to that bucket's end; when the buckets run out, FAR is spread over
 * fresh buckets whose width is set from a sample so that the first holds about 256
 * events. Every heap entry is earlier than every far entry, so the order is exactly that
 * of one heap, and the heap the hot path sifts through stays a few hundred entries deep
 * in cache instead of the whole queue (the idea of the calendar and ladder queues, kept to
 * two levels).
 *
 * Cancellation is lazy: a cancelled event's slot is marked dead (and its generation
 * bumped, so the handle goes stale at once); its entry is dropped when it reaches the top
 * of the heap or when its bucket moves into the heap, and everything is rebuilt without
 * dead entries (far tier folded back into the heap) whenever they outnumber live ones, so
 * memory and cost stay O(live events).
 *
 * Pop is lazy too: it hands out the top event and remembers that the top is taken. If the
 * next operation is a push - the common case in a simulation, where handling an event
 * schedules the next - the new entry replaces the top and sifts down once, instead of one
 * sift to remove the top and another to insert.
 *
 * Sequence numbers in the key are 29 bits; the full 64-bit counter lives in the slot for
 * reporting. When the small counter runs out, the far tier is folded back and the pending
 * entries are renumbered by rank, which keeps every comparison's outcome, so the order is
 * exactly that of 64-bit counters. */
#include "aifactory/pq.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pq_internal.h"

#define ARITY      4
#define SLOT_BITS  27
#define SEQ_BITS   29
#define CLS_SHIFT  (SLOT_BITS + SEQ_BITS)
#define SLOT_MASK  (((uint64_t)1 << SLOT_BITS) - 1)
#define SEQ_MASK   ((((uint64_t)1 << SEQ_BITS) - 1) << SLOT_BITS)
#define MAX_CAP    ((size_t)1 << SLOT_BITS)
#define NIL        UINT32_MAX
#define MIN_CAP    64
#define LINE_BYTES 64
/* Below this capacity the heap's lines are cache-resident and prefetching them is waste (the
 * new top's payload slot is still prefetched). */
#define PREFETCH_MIN 8192

#define BLK_BITS   6 /* the far tier stores entries in blocks of 2^6 (1 KiB) */
#define BLK        ((uint32_t)1 << BLK_BITS)
#define TIER_MIN   4096 /* heaps smaller than this stay one tier */
#define BUCKET_AIM 256  /* entries per bucket when the far tier is spread out */

enum { SLOT_FREE, SLOT_LIVE, SLOT_DEAD };

/* Signed times are stored with the sign bit flipped, which maps signed order onto
 * unsigned order: a comparison is then two unsigned words, with no conversion per compare. */
#define TIME_BIAS ((uint64_t)1 << 63)

typedef struct hent {
    uint64_t utime; /* (uint64_t)time ^ TIME_BIAS */
    uint64_t key;   /* cls << 56 | seq << 27 | slot: one unsigned compare after the time */
} hent;

static inline uint64_t to_utime(aif_time t) {
    return (uint64_t)t ^ TIME_BIAS;
}

static inline aif_time from_utime(uint64_t u) {
    return (aif_time)(u ^ TIME_BIAS);
}

/* The payload and bookkeeping of one event, read by every pop: 32 bytes on 32-byte
 * boundaries, so handing an event out touches exactly one cache line. The time and class
 * are not repeated here (the heap key has them); the time is kept in a separate cold
 * array that only cancellation reads. */
typedef struct slot {
    uint64_t data;
    uint64_t seq;    /* the full insertion counter, for aif_event.seq */
    uint32_t target; /* while the slot is free: the next free slot */
    uint32_t kind;
    uint32_t gen;
    uint8_t state;
    uint8_t cls; /* for cancel's copy of the event; pop takes it from the key */
} slot;

_Static_assert(sizeof(slot) == 32, "a slot must be half a cache line");

/* The far tier (see the file comment): entries at or after `bound`, kept unsorted in
 * lists of blocks. List k < nb holds the times [base + k*width, base + (k+1)*width);
 * list FAR (index nbmax) holds everything later. Lists below `cur` are empty. */
typedef struct tiers {
    void *mem; /* one allocation for everything below, sized for `for_cap` */
    size_t mem_bytes;
    size_t for_cap;
    hent *pool;         /* nblk blocks of BLK entries */
    uint32_t *blk_next; /* per block: the next block of its list */
    uint32_t *head;     /* per list: first block, NIL when empty */
    uint32_t *tail;     /* per list: last block */
    uint32_t *fill;     /* per list: entries in its last block */
    uint32_t free_blk;  /* free blocks, chained through blk_next */
    uint32_t nblk;
    uint32_t nbmax; /* most buckets a spread may use; list nbmax is FAR */
    uint32_t nb;    /* buckets of the current spread */
    uint32_t cur;   /* next bucket to move into the heap */
    uint64_t base;
    uint64_t width;
    uint64_t bound; /* the heap holds exactly the entries with utime < bound */
    size_t count;   /* entries in all lists */
    size_t far_n;   /* entries in FAR */
} tiers;

struct aif_pq {
    const aif_allocator *alloc;
    void *heap_block; /* heap is carved from it with cache-line alignment */
    hent *heap;
    void *slot_block; /* slots are carved from it with 32-byte alignment */
    slot *slots;
    aif_time *times; /* each slot's event time, read only by cancel */
    size_t n;        /* heap entries: live + dead (+ the taken top) */
    size_t dead;     /* cancelled entries still in the heap */
    size_t cap;
    uint32_t free_head;
    bool top_taken; /* heap[0] was popped; its removal waits for the next operation */
    uint64_t next_seq;
    uint64_t small_seq;
    uint64_t small_seq_limit;
    bool tiered;       /* the far tier is in use */
    size_t tier_at;    /* heap size at which a push turns the far tier on */
    size_t tier_min;   /* TIER_MIN, or lower in tests */
    size_t bucket_aim; /* BUCKET_AIM, or lower in tests */
    tiers far;
};

static size_t heap_block_bytes(size_t cap) {
    return cap * sizeof(hent) + LINE_BYTES;
}

static size_t slot_block_bytes(size_t cap) {
    return cap * sizeof(slot) + sizeof(slot);
}

static slot *align_slots(void *block) {
    uintptr_t p = (uintptr_t)block;
    return (slot *)((p + sizeof(slot) - 1) & ~(uintptr_t)(sizeof(slot) - 1));
}

/* Place the heap so that heap[1] (and so every family 4i+1..4i+4) starts a cache line. */
static hent *align_heap(void *block) {
    uintptr_t p = (uintptr_t)block + sizeof(hent);
    p = (p + LINE_BYTES - 1) & ~(uintptr_t)(LINE_BYTES - 1);
    return (hent *)(p - sizeof(hent));
}

/* Chain slots [from, to) in increasing order in front of the free list. */
static void init_slots(aif_pq *pq, size_t from, size_t to) {
    for (size_t s = to; s-- > from;) {
        pq->slots[s] = (slot){.gen = 1, .target = pq->free_head, .state = SLOT_FREE};
        pq->free_head = (uint32_t)s;
    }
}

aif_status aif_pq_create(const aif_allocator *a, size_t initial_capacity, aif_pq **out) {
    if (out == NULL || initial_capacity > MAX_CAP) {
        return AIF_EINVAL;
    }
    size_t cap = MIN_CAP;
    while (cap < initial_capacity) {
        cap *= 2;
    }
    aif_pq *pq = aif_alloc(a, sizeof *pq);
    if (pq == NULL) {
        return AIF_ENOMEM;
    }
    *pq = (aif_pq){.alloc = a,
                   .cap = cap,
                   .free_head = NIL,
                   .tier_at = TIER_MIN,
                   .tier_min = TIER_MIN,
                   .bucket_aim = BUCKET_AIM};
    pq->small_seq_limit = (uint64_t)1 << SEQ_BITS;
    pq->heap_block = aif_alloc(a, heap_block_bytes(cap));
    pq->slot_block = aif_alloc(a, slot_block_bytes(cap));
    pq->times = aif_alloc(a, cap * sizeof(aif_time));
    if (pq->heap_block == NULL || pq->slot_block == NULL || pq->times == NULL) {
        aif_free(a, pq->heap_block, heap_block_bytes(cap));
        aif_free(a, pq->slot_block, slot_block_bytes(cap));
        aif_free(a, pq->times, cap * sizeof(aif_time));
        aif_free(a, pq, sizeof *pq);
        return AIF_ENOMEM;
    }
    pq->heap = align_heap(pq->heap_block);
    pq->slots = align_slots(pq->slot_block);
    init_slots(pq, 0, cap);
    *out = pq;
    return AIF_OK;
}

void aif_pq_destroy(aif_pq *pq) {
    if (pq == NULL) {
        return;
    }
    aif_free(pq->alloc, pq->heap_block, heap_block_bytes(pq->cap));
    aif_free(pq->alloc, pq->slot_block, slot_block_bytes(pq->cap));
    aif_free(pq->alloc, pq->times, pq->cap * sizeof(aif_time));
    aif_free(pq->alloc, pq->far.mem, pq->far.mem_bytes);
    aif_free(pq->alloc, pq, sizeof *pq);
}

/* Double the capacity; on failure nothing changes. */
static aif_status grow(aif_pq *pq) {
    if (pq->cap >= MAX_CAP) {
        return AIF_ERANGE;
    }
    size_t ncap = pq->cap * 2;
    void *block = aif_alloc(pq->alloc, heap_block_bytes(ncap));
    void *sblock = block ? aif_alloc(pq->alloc, slot_block_bytes(ncap)) : NULL;
    aif_time *times = sblock ? aif_realloc(pq->alloc, pq->times, pq->cap * sizeof(aif_time),
                                           ncap * sizeof(aif_time))
                             : NULL;
    if (times == NULL) { /* the old times array is then untouched */
        aif_free(pq->alloc, block, heap_block_bytes(ncap));
        aif_free(pq->alloc, sblock, slot_block_bytes(ncap));
        return AIF_ENOMEM;
    }
    hent *heap = align_heap(block);
    memcpy(heap, pq->heap, pq->n * sizeof *heap);
    slot *slots = align_slots(sblock);
    memcpy(slots, pq->slots, pq->cap * sizeof *slots);
    aif_free(pq->alloc, pq->heap_block, heap_block_bytes(pq->cap));
    aif_free(pq->alloc, pq->slot_block, slot_block_bytes(pq->cap));
    pq->heap_block = block;
    pq->heap = heap;
    pq->slot_block = sblock;
    pq->slots = slots;
    pq->times = times;
    init_slots(pq, pq->cap, ncap);
    pq->cap = ncap;
    return AIF_OK;
}

/* Evaluated without short-circuit branches: in a heap the outcome is a coin toss, and a
 * mispredicted branch costs more than computing both halves. */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128;
/* One 128-bit unsigned compare: the biased time as the high word, the key as the low. */
static inline unsigned less(const hent *a, const hent *b) {
    u128 x = (u128)a->utime << 64 | a->key;
    u128 y = (u128)b->utime << 64 | b->key;
    return x < y;
}
#else
static inline unsigned less(const hent *a, const hent *b) {
    return (unsigned)(a->utime < b->utime) |
           ((unsigned)(a->utime == b->utime) & (unsigned)(a->key < b->key));
}
#endif

static inline uint32_t slot_of(const hent *e) {
    return (uint32_t)(e->key & SLOT_MASK);
}

/* Move the hole at `i` up until `x` fits, shifting parents down. */
/* Store an entry that arrived in registers word by word: building it as one 16-byte value
 * first makes the compiler bounce it through the stack, and the wide reload of two narrow
 * stores stalls (store-forwarding failure), which was a sixth of the pop+push time. */
static inline void put(hent *dst, hent x) {
    uint64_t u = x.utime, k = x.key;
#if defined(__GNUC__)
    __asm__("" : "+r"(u), "+r"(k)); /* keep them scalar: no merging into a vector store */
#endif
    dst->utime = u;
    dst->key = k;
}

static void sift_up(hent *h, size_t i, hent x) {
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!less(&x, &h[parent])) {
            break;
        }
        h[i] = h[parent];
        i = parent;
    }
    put(&h[i], x);
}

/* Ask the cache for a slot record early. The next pop reads the top event's slot, which was
 * written when that event was pushed, long ago: at 10^5+ pending events it is a cache miss,
 * and fetching it while the rest of a sift runs hides most of it. */
static inline void prefetch_slot(const aif_pq *pq, const hent *e) {
#if defined(__GNUC__)
    __builtin_prefetch(&pq->slots[slot_of(e)]);
#else
    (void)pq;
    (void)e;
#endif
}

/* *a = the smaller of *a and b, and *ia = the index of the smaller of the two. In a heap
 * the outcome is a coin toss, and compilers turn the C version of this select into
 * branches (a mispredict per level); on x86-64 it is written as one compare and
 * conditional moves, so the winner stays in registers and is never reloaded from the
 * address a comparison computed. AIF_PQ_PORTABLE selects the C version everywhere (the
 * test unit.test_pq_portable runs the queue's tests on it). */
static inline void take_min(hent *a, size_t *ia, hent b, size_t ib) {
#if defined(__GNUC__) && defined(__x86_64__) && !defined(AIF_PQ_PORTABLE)
    uint64_t t;
    __asm__("cmp %[ak], %[bk]\n\t"
            "mov %[bu], %[t]\n\t"
            "sbb %[au], %[t]\n\t" /* carry: (bu, bk) < (au, ak) as 128-bit numbers */
            "cmovb %[bu], %[au]\n\t"
            "cmovb %[bk], %[ak]\n\t"
            "cmovb %[ib], %[ia]"
            : [au] "+&r"(a->utime), [ak] "+&r"(a->key), [ia] "+&r"(*ia), [t] "=&r"(t)
            : [bu] "r"(b.utime), [bk] "r"(b.key), [ib] "r"(ib)
            : "cc");
#else
    if (less(&b, a)) {
        *a = b;
        *ia = ib;
    }
#endif
}

/* Index of the smallest of the children of `i` among the first n entries, or 0 if `i` has
 * none. */
static inline size_t min_child(const hent *h, size_t n, size_t i) {
    size_t c = ARITY * i + 1;
    if (c + ARITY <= n) {
        /* A full family: a three-round tournament keeps the comparisons independent. */
        hent m01 = h[c], m23 = h[c + 2];
        size_t i01 = c, i23 = c + 2;
        take_min(&m01, &i01, h[c + 1], c + 1);
        take_min(&m23, &i23, h[c + 3], c + 3);
        take_min(&m01, &i01, m23, i23);
        return i01;
    }
    if (c >= n) {
        return 0;
    }
    size_t best = c;
    for (size_t k = c + 1; k < n; k++) {
        if (less(&h[k], &h[best])) {
            best = k;
        }
    }
    return best;
}

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Move the hole at `i` down until `x` fits among the first n entries. Full families are
 * settled by a three-round tournament whose rounds compare values already in registers.
 * Inlined into its two callers so that the small-heap path of a pop+push pays no call. */
static ALWAYS_INLINE void sift_hole(hent *h, size_t n, size_t i, hent x) {
    size_t c;
    for (;;) {
        c = ARITY * i + 1;
#if defined(__GNUC__)
        /* The grandchildren's families are 4 consecutive lines; ask for them now so the
         * next level's loads are under way while this level compares. */
        size_t g = ARITY * c + 1;
        if (n >= PREFETCH_MIN && g + ARITY * ARITY <= n) {
            const char *p = (const char *)&h[g];
            __builtin_prefetch(p);
            __builtin_prefetch(p + 64);
            __builtin_prefetch(p + 128);
            __builtin_prefetch(p + 192);
        }
#endif
        if (c + ARITY > n) {
            break;
        }
        hent m01 = h[c], m23 = h[c + 2];
        size_t i01 = c, i23 = c + 2;
        take_min(&m01, &i01, h[c + 1], c + 1);
        take_min(&m23, &i23, h[c + 3], c + 3);
        take_min(&m01, &i01, m23, i23);
        if (!less(&m01, &x)) {
            break;
        }
        put(&h[i], m01);
        i = i01;
    }
    if (c + ARITY <= n) {
        put(&h[i], x);
        return;
    }
    /* The last, partial family (or none). */
    size_t best = min_child(h, n, i);
    if (best != 0 && less(&h[best], &x)) {
        h[i] = h[best];
        i = best;
    }
    put(&h[i], x);
}

static void sift_down(hent *h, size_t n, size_t i, hent x) {
    sift_hole(h, n, i, x);
}

/* sift_down from the root, prefetching the slot of whichever entry ends up on top (known
 * after the first level) before sifting further. */
static void sift_down_root(aif_pq *pq, hent x) {
    hent *h = pq->heap;
    if (pq->cap < PREFETCH_MIN) {
        /* The new top is known after the first level: ask for its slot (an L2 hit at
         * most here) while the rest of the sift runs, then sift on without prefetching. */
        if (pq->n < 1 + ARITY) {
            sift_hole(h, pq->n, 0, x);
            prefetch_slot(pq, &h[0]);
            return;
        }
        hent m01 = h[1], m23 = h[3];
        size_t i01 = 1, i23 = 3;
        take_min(&m01, &i01, h[2], 2);
        take_min(&m23, &i23, h[4], 4);
        take_min(&m01, &i01, m23, i23);
        if (!less(&m01, &x)) {
            put(&h[0], x);
            prefetch_slot(pq, &x);
            return;
        }
        put(&h[0], m01);
        prefetch_slot(pq, &m01);
        sift_hole(h, pq->n, i01, x);
        return;
    }
    size_t best = min_child(h, pq->n, 0);
    if (best == 0 || !less(&h[best], &x)) {
        put(&h[0], x);
        prefetch_slot(pq, &x);
    } else {
        h[0] = h[best];
        prefetch_slot(pq, &h[0]);
        sift_down(h, pq->n, best, x);
    }
    /* The event after this top is, unless a push beats it, the smallest child of the
     * root: ask for its slot a whole operation early, which on a large heap is what it
     * takes to hide the miss (the children are one line, just touched). */
    if (pq->cap >= PREFETCH_MIN) {
        size_t next = min_child(h, pq->n, 0);
        prefetch_slot(pq, &h[next]);
    }
}

static void free_slot(aif_pq *pq, uint32_t s) {
    slot *sl = &pq->slots[s];
    if (sl->state == SLOT_LIVE) {
        uint32_t g = sl->gen + 1;
        sl->gen = g ? g : 1; /* 0 would make AIF_PQ_HANDLE_NONE a valid handle */
    }
    sl->state = SLOT_FREE;
    sl->target = pq->free_head;
    pq->free_head = s;
}

/* Remove heap[0] (whose slot the caller has dealt with), refilling from the last entry. */
static void drop_top(aif_pq *pq) {
    size_t last = --pq->n;
    if (last > 0) {
        sift_down_root(pq, pq->heap[last]);
    }
}

/* Floyd's bottom-up heap construction over heap[0..n). */
static void heapify(aif_pq *pq) {
    if (pq->n < 2) {
        return;
    }
    for (size_t i = (pq->n - 2) / ARITY + 1; i-- > 0;) {
        sift_down(pq->heap, pq->n, i, pq->heap[i]);
    }
}

/* ---- the far tier ---- */

static uint32_t far_list(const tiers *t) {
    return t->nbmax;
}

/* Size the far tier's memory for `cap` events: every list wastes at most one partly
 * filled block, so cap / BLK + lists + 1 blocks always suffice. */
static aif_status tiers_alloc(aif_pq *pq) {
    tiers *t = &pq->far;
    if (t->mem != NULL && t->for_cap == pq->cap) {
        return AIF_OK;
    }
    aif_free(pq->alloc, t->mem, t->mem_bytes);
    t->mem = NULL;
    uint32_t nbmax = (uint32_t)(2 * pq->cap / pq->bucket_aim + 1);
    uint32_t nblk = (uint32_t)(pq->cap / BLK) + nbmax + 2;
    size_t lists = (size_t)nbmax + 1;
    size_t bytes = (size_t)nblk * BLK * sizeof(hent) + (size_t)nblk * sizeof(uint32_t) +
                   3 * lists * sizeof(uint32_t);
    void *mem = aif_alloc(pq->alloc, bytes);
    if (mem == NULL) {
        return AIF_ENOMEM;
    }
    *t = (tiers){.mem = mem, .mem_bytes = bytes, .for_cap = pq->cap, .nblk = nblk, .nbmax = nbmax};
    t->pool = mem;
    t->blk_next = (uint32_t *)(t->pool + (size_t)nblk * BLK);
    t->head = t->blk_next + nblk;
    t->tail = t->head + lists;
    t->fill = t->tail + lists;
    return AIF_OK;
}

/* Empty every list and chain all blocks into the free list. */
static void tiers_reset(tiers *t) {
    for (uint32_t b = 0; b < t->nblk; b++) {
        t->blk_next[b] = b + 1 < t->nblk ? b + 1 : NIL;
    }
    t->free_blk = 0;
    for (uint32_t l = 0; l <= t->nbmax; l++) {
        t->head[l] = NIL;
    }
    t->nb = t->cur = 0;
    t->base = t->bound = 0;
    t->width = 1;
    t->count = t->far_n = 0;
}

static void list_append(tiers *t, uint32_t l, hent x) {
    if (t->head[l] == NIL || t->fill[l] == BLK) {
        uint32_t b = t->free_blk; /* never NIL: see tiers_alloc */
        t->free_blk = t->blk_next[b];
        t->blk_next[b] = NIL;
        if (t->head[l] == NIL) {
            t->head[l] = b;
        } else {
            t->blk_next[t->tail[l]] = b;
        }
        t->tail[l] = b;
        t->fill[l] = 0;
    }
    t->pool[(size_t)t->tail[l] * BLK + t->fill[l]++] = x;
    t->count++;
}

/* File an entry at or after the bound into its bucket, or FAR. */
static void tiers_put(tiers *t, hent x) {
    uint64_t k = (x.utime - t->base) / t->width;
    if (k < t->nb) {
        list_append(t, (uint32_t)k, x);
    } else {
        list_append(t, far_list(t), x);
        t->far_n++;
    }
}

/* Call fn(ctx, entry) for every entry of list l in order of insertion, emptying it. The
 * block being read is freed only after its entries are handed out, so fn may append. */
#define LIST_DRAIN(t, l, x, body)                                                                  \
    do {                                                                                           \
        uint32_t b_ = (t)->head[l], last_ = (t)->tail[l], fill_ = (t)->fill[l];                    \
        (t)->head[l] = NIL;                                                                        \
        while (b_ != NIL) {                                                                        \
            uint32_t k_ = b_ == last_ ? fill_ : BLK;                                               \
            const hent *e_ = &(t)->pool[(size_t)b_ * BLK];                                         \
            for (uint32_t i_ = 0; i_ < k_; i_++) {                                                 \
                hent x = e_[i_];                                                                   \
                (t)->count--;                                                                      \
                body;                                                                              \
            }                                                                                      \
            uint32_t nx_ = (t)->blk_next[b_];                                                      \
            (t)->blk_next[b_] = (t)->free_blk;                                                     \
            (t)->free_blk = b_;                                                                    \
            b_ = nx_;                                                                              \
        }                                                                                          \
    } while (0)

/* Move every far entry back into the heap array (unordered: the caller heapifies) and
 * turn the far tier off until a push finds `again` entries in the heap. */
static void flatten(aif_pq *pq, size_t again) {
    if (!pq->tiered) {
        return;
    }
    tiers *t = &pq->far;
    for (uint32_t l = 0; l <= t->nbmax; l++) {
        LIST_DRAIN(t, l, x, pq->heap[pq->n++] = x);
    }
    pq->tiered = false;
    pq->tier_at = again > pq->tier_min ? again : pq->tier_min;
}

static int by_utime(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Spread FAR over fresh buckets of equal width starting at its earliest time. The width is
 * set from a sample so that the first bucket gets about BUCKET_AIM entries (pending times
 * are usually densest near the front); entries beyond the last bucket stay in FAR for a
 * later spread. Returns false (nothing changed) when the buckets would run past the largest
 * representable time. */
static bool spread(tiers *t, size_t aim) {
    enum { SAMPLE = 256 };
    uint64_t sample[SAMPLE];
    uint32_t fl = far_list(t);
    uint64_t lo = UINT64_MAX, hi = 0;
    size_t seen = 0, taken = 0;
    size_t stride = t->far_n / SAMPLE + 1;
    for (uint32_t b = t->head[fl]; b != NIL; b = t->blk_next[b]) {
        uint32_t k = b == t->tail[fl] ? t->fill[fl] : BLK;
        for (uint32_t i = 0; i < k; i++, seen++) {
            uint64_t u = t->pool[(size_t)b * BLK + i].utime;
            lo = u < lo ? u : lo;
            hi = u > hi ? u : hi;
            if (seen % stride == 0 && taken < SAMPLE) {
                sample[taken++] = u;
            }
        }
    }
    qsort(sample, taken, sizeof *sample, by_utime);
    size_t pick = (size_t)((double)taken * (double)aim / (double)t->far_n);
    uint64_t width = pick + 1 < taken ? sample[pick + 1] - lo + 1 : hi - lo + 1;
    if (width == 0 || width > UINT64_MAX - lo) {
        /* Bucket 0 would end past the last instant: it ends there instead, and entries at
         * the last instant itself stay in FAR. */
        width = UINT64_MAX - lo;
    }
    if (width == 0) {
        return false; /* everything left is at the last instant */
    }
    uint64_t span = (hi - lo) / width + 1;
    uint64_t room = (UINT64_MAX - lo) / width; /* buckets whose end is representable */
    span = span < room ? span : room;
    uint32_t nb = span > t->nbmax ? t->nbmax : (uint32_t)span;
    t->base = lo;
    t->width = width;
    t->nb = nb;
    t->cur = 0;
    t->bound = lo;
    t->far_n = 0;
    LIST_DRAIN(t, fl, x, tiers_put(t, x));
    return true;
}

/* The heap is empty and the far tier is not: move the next bucket into the heap, dropping
 * cancelled entries on the way, until the heap holds a live entry or nothing is left. */
static void refill(aif_pq *pq) {
    tiers *t = &pq->far;
    while (pq->n == 0 && t->count > 0) {
        while (t->cur < t->nb && t->head[t->cur] == NIL) {
            t->cur++;
        }
        if (t->cur == t->nb) {
            if (!spread(t, pq->bucket_aim)) {
                flatten(pq, 2 * (pq->n + 1)); /* times near the end of time: wait */
                heapify(pq);
                return; /* dead entries brought back are purged by the caller */
            }
            continue;
        }
        uint32_t l = t->cur++;
        t->bound = t->base + t->cur * t->width;
        LIST_DRAIN(t, l, x, {
            uint32_t s_ = slot_of(&x);
            if (pq->slots[s_].state == SLOT_DEAD) {
                free_slot(pq, s_);
                pq->dead--;
            } else {
                pq->heap[pq->n++] = x;
            }
        });
        heapify(pq);
    }
}

/* Keep the invariant that the top entry, if any, is live, and that the heap is empty only
 * when the far tier is empty too. */
static void fix_top_slow(aif_pq *pq) {
    for (;;) {
        while (pq->dead > 0 && pq->n > 0 && pq->slots[slot_of(&pq->heap[0])].state == SLOT_DEAD) {
            free_slot(pq, slot_of(&pq->heap[0]));
            pq->dead--;
            drop_top(pq);
        }
        if (pq->n > 0 || !pq->tiered || pq->far.count == 0) {
            return;
        }
        refill(pq);
    }
}

/* The common case - a heap with no dead entries at all - decided inline. */
static inline void fix_top(aif_pq *pq) {
    if (pq->n == 0 || pq->dead > 0) {
        fix_top_slow(pq);
    }
}

/* Turn the far tier on: every heap entry goes to FAR, which the first refill spreads into
 * buckets. If its memory cannot be had, stay one tier and try again at twice the size. */
static void tier_on(aif_pq *pq) {
    if (tiers_alloc(pq) != AIF_OK) {
        pq->tier_at = pq->n * 2;
        return;
    }
    tiers *t = &pq->far;
    tiers_reset(t);
    for (size_t i = 0; i < pq->n; i++) {
        list_append(t, far_list(t), pq->heap[i]);
        t->far_n++;
    }
    pq->n = 0;
    pq->tiered = true;
    fix_top(pq);
}

/* Finish a lazy pop: take the popped entry out of the heap for real. */
static void settle(aif_pq *pq) {
    if (pq->top_taken) {
        pq->top_taken = false;
        drop_top(pq);
        fix_top(pq);
    }
}

/* Drop every dead entry and rebuild the heap: O(n), run when dead entries dominate. */
static void compact(aif_pq *pq) {
    settle(pq);
    flatten(pq, 0);
    size_t kept = 0;
    for (size_t i = 0; i < pq->n; i++) {
        uint32_t s = slot_of(&pq->heap[i]);
        if (pq->slots[s].state == SLOT_DEAD) {
            free_slot(pq, s);
        } else {
            pq->heap[kept++] = pq->heap[i];
        }
    }
    pq->n = kept;
    pq->dead = 0;
    heapify(pq);
}

static int by_small_seq(const void *a, const void *b) {
    uint64_t x = ((const hent *)a)->key & SEQ_MASK;
    uint64_t y = ((const hent *)b)->key & SEQ_MASK;
    return (x > y) - (x < y);
}

/* The 29-bit counter ran out: renumber pending entries 0..n-1 in sequence order. Every
 * comparison between pending entries keeps its outcome, so the order is unchanged. */
static void renumber(aif_pq *pq) {
    settle(pq);
    flatten(pq, 0);
    qsort(pq->heap, pq->n, sizeof(hent), by_small_seq);
    for (size_t i = 0; i < pq->n; i++) {
        pq->heap[i].key = (pq->heap[i].key & ~SEQ_MASK) | ((uint64_t)i << SLOT_BITS);
    }
    pq->small_seq = pq->n;
    heapify(pq);
    fix_top(pq);
}

aif_status aif_pq_push(aif_pq *pq, const aif_event *ev, aif_pq_handle *handle) {
    if (pq == NULL || ev == NULL) {
        return AIF_EINVAL;
    }
    if (pq->free_head == NIL) {
        if (pq->tiered) { /* its memory is sized for the old capacity */
            settle(pq);
            flatten(pq, 0);
            heapify(pq);
            fix_top(pq);
        }
        aif_status s = grow(pq);
        if (s != AIF_OK) {
            return s;
        }
    }
    if (pq->small_seq >= pq->small_seq_limit) {
        renumber(pq);
    }
    uint32_t s = pq->free_head;
    slot *sl = &pq->slots[s];
    pq->free_head = sl->target;
    pq->times[s] = ev->time;
    sl->cls = ev->cls;
    sl->data = ev->data;
    sl->seq = pq->next_seq++;
    sl->target = ev->target;
    sl->kind = ev->kind;
    sl->state = SLOT_LIVE;
    hent x = {.utime = to_utime(ev->time),
              .key = (uint64_t)ev->cls << CLS_SHIFT | pq->small_seq++ << SLOT_BITS | s};
    if (pq->tiered && x.utime >= pq->far.bound) {
        settle(pq); /* may move the bound */
        if (x.utime >= pq->far.bound) {
            tiers_put(&pq->far, x);
            fix_top(pq); /* the heap may have been empty */
        } else {
            sift_up(pq->heap, pq->n++, x);
        }
    } else if (pq->top_taken) {
        pq->top_taken = false;
        sift_down_root(pq, x);
        fix_top(pq);
    } else {
        sift_up(pq->heap, pq->n++, x);
    }
    if (!pq->tiered && pq->n >= pq->tier_at) {
        tier_on(pq);
    }
    if (handle) {
        *handle = (aif_pq_handle)sl->gen << 32 | s;
    }
    return AIF_OK;
}

static void fill_event(const aif_pq *pq, uint32_t s, aif_time time, aif_event *out) {
    const slot *sl = &pq->slots[s];
    out->time = time;
    out->seq = sl->seq;
    out->cls = sl->cls;
    out->data = sl->data;
    out->target = sl->target;
    out->kind = sl->kind;
}

aif_status aif_pq_peek(aif_pq *pq, aif_event *out) {
    if (pq == NULL) {
        return AIF_EEMPTY;
    }
    settle(pq);
    if (pq->n == 0) {
        return AIF_EEMPTY;
    }
    if (out) {
        fill_event(pq, slot_of(&pq->heap[0]), from_utime(pq->heap[0].utime), out);
    }
    return AIF_OK;
}

aif_status aif_pq_pop(aif_pq *pq, aif_event *out) {
    return aif_pq_pop_until(pq, INT64_MAX, out);
}

aif_status aif_pq_pop_until(aif_pq *pq, aif_time t_end, aif_event *out) {
    if (pq == NULL) {
        return AIF_EEMPTY;
    }
    settle(pq);
    if (pq->n == 0 || pq->heap[0].utime > to_utime(t_end)) {
        return AIF_EEMPTY;
    }
    if (out) {
        fill_event(pq, slot_of(&pq->heap[0]), from_utime(pq->heap[0].utime), out);
    }
    free_slot(pq, slot_of(&pq->heap[0]));
    pq->top_taken = true;
    return AIF_OK;
}

aif_status aif_pq_cancel(aif_pq *pq, aif_pq_handle handle, aif_event *out) {
    if (pq == NULL) {
        return AIF_ENOTFOUND;
    }
    uint64_t s = handle & UINT32_MAX;
    uint32_t g = (uint32_t)(handle >> 32);
    if (s >= pq->cap || g == 0 || pq->slots[s].gen != g || pq->slots[s].state != SLOT_LIVE) {
        return AIF_ENOTFOUND;
    }
    slot *sl = &pq->slots[s];
    if (out) {
        fill_event(pq, (uint32_t)s, pq->times[s], out);
    }
    uint32_t ng = sl->gen + 1;
    sl->gen = ng ? ng : 1;
    sl->state = SLOT_DEAD;
    pq->dead++;
    if (!pq->top_taken) {
        fix_top(pq);
    }
    if (pq->dead > 32 && pq->dead * 2 > pq->n + pq->far.count) {
        compact(pq);
    }
    return AIF_OK;
}

/* Cancelled slots keep their stale payload (nothing reads it again); the lazily popped top's
 * slot is already free. */
void aif_pq_map_data(aif_pq *pq, uint64_t (*fn)(void *ctx, uint64_t data), void *ctx) {
    for (size_t s = 0; pq != NULL && s < pq->cap; s++) {
        if (pq->slots[s].state == SLOT_LIVE) {
            pq->slots[s].data = fn(ctx, pq->slots[s].data);
        }
    }
}

size_t aif_pq_size(const aif_pq *pq) {
    return pq ? pq->n + pq->far.count - pq->dead - (pq->top_taken ? 1 : 0) : 0;
}

size_t aif_pq_capacity(const aif_pq *pq) {
    return pq ? pq->cap : 0;
}

void aif__pq_set_seq_limit(aif_pq *pq, uint64_t limit) {
    pq->small_seq_limit = limit;
}

void aif__pq_set_tiers(aif_pq *pq, size_t tier_min, size_t bucket_aim) {
    pq->tier_min = tier_min;
    pq->tier_at = tier_min;
    pq->bucket_aim = bucket_aim;
}
