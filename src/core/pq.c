/* The event queue (see pq.h): a 4-ary implicit min-heap of compact keys plus a slot array.
 *
 * Heap entries hold the whole comparison key inline (time, then class and seq packed into
 * one word) and a 32-bit slot index, so sifting compares and moves only the heap array.
 * The payload of an event stays put in its slot; `pos[slot]` tracks where the slot's entry
 * sits in the heap so cancellation can find it, and `gen[slot]` is bumped every time the
 * slot is released so old handles stop matching. A 4-ary heap halves the depth of a binary
 * one and its four children are adjacent in memory, which is why it wins at large sizes.
 * All four arrays live in one block, so growing is one allocation that either succeeds or
 * leaves the queue exactly as it was. */
#include "aifactory/pq.h"

#include <string.h>

#define ARITY     4
#define SEQ_BITS  56
#define SEQ_LIMIT ((uint64_t)1 << SEQ_BITS)
#define MAX_CAP   ((size_t)1 << 31)
#define NIL       UINT32_MAX
#define MIN_CAP   64

typedef struct hent {
    aif_time time;
    uint64_t key; /* cls << 56 | seq: one unsigned compare orders class, then insertion */
    uint32_t slot;
} hent;

typedef struct payload {
    uint64_t data;
    uint32_t target;
    uint32_t kind;
} payload;

struct aif_pq {
    const aif_allocator *alloc;
    void *block; /* heap, pay, pos and gen, carved out of one allocation */
    hent *heap;
    payload *pay;
    uint32_t *pos; /* live slot: its heap index; free slot: next free slot (or NIL) */
    uint32_t *gen;
    size_t n;
    size_t cap;
    uint32_t free_head;
    uint64_t next_seq;
};

#define SLOT_BYTES (sizeof(hent) + sizeof(payload) + 2 * sizeof(uint32_t))

static size_t block_bytes(size_t cap) {
    return cap * SLOT_BYTES;
}

/* Lay the four arrays out in `block`; the order keeps every array naturally aligned. */
static void carve(void *block, size_t cap, hent **heap, payload **pay, uint32_t **pos,
                  uint32_t **gen) {
    char *p = block;
    *heap = (hent *)p;
    p += cap * sizeof(hent);
    *pay = (payload *)p;
    p += cap * sizeof(payload);
    *pos = (uint32_t *)p;
    p += cap * sizeof(uint32_t);
    *gen = (uint32_t *)p;
}

/* Make slots [from, to) free and generation 1, chained in increasing order in front of the
 * current free list (which is empty whenever this runs on growth). */
static void init_slots(aif_pq *pq, size_t from, size_t to) {
    for (size_t s = from; s < to; s++) {
        pq->pos[s] = s + 1 < to ? (uint32_t)(s + 1) : pq->free_head;
        pq->gen[s] = 1;
    }
    if (from < to) {
        pq->free_head = (uint32_t)from;
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
    if (cap > SIZE_MAX / SLOT_BYTES) {
        return AIF_ENOMEM;
    }
    aif_pq *pq = aif_alloc(a, sizeof *pq);
    if (pq == NULL) {
        return AIF_ENOMEM;
    }
    void *block = aif_alloc(a, block_bytes(cap));
    if (block == NULL) {
        aif_free(a, pq, sizeof *pq);
        return AIF_ENOMEM;
    }
    *pq = (aif_pq){.alloc = a, .block = block, .cap = cap, .free_head = NIL};
    carve(block, cap, &pq->heap, &pq->pay, &pq->pos, &pq->gen);
    init_slots(pq, 0, cap);
    *out = pq;
    return AIF_OK;
}

void aif_pq_destroy(aif_pq *pq) {
    if (pq == NULL) {
        return;
    }
    aif_free(pq->alloc, pq->block, block_bytes(pq->cap));
    aif_free(pq->alloc, pq, sizeof *pq);
}

/* Double the capacity. A fresh block is copied into rather than realloc'ed, because the
 * arrays after the heap move when the capacity changes. */
static aif_status grow(aif_pq *pq) {
    if (pq->cap >= MAX_CAP) {
        return AIF_ERANGE;
    }
    if (pq->cap * 2 > SIZE_MAX / SLOT_BYTES) {
        return AIF_ENOMEM; /* only reachable where size_t is 32 bits */
    }
    size_t ncap = pq->cap * 2;
    void *block = aif_alloc(pq->alloc, block_bytes(ncap));
    if (block == NULL) {
        return AIF_ENOMEM;
    }
    hent *heap;
    payload *pay;
    uint32_t *pos, *gen;
    carve(block, ncap, &heap, &pay, &pos, &gen);
    memcpy(heap, pq->heap, pq->n * sizeof *heap);
    memcpy(pay, pq->pay, pq->cap * sizeof *pay);
    memcpy(pos, pq->pos, pq->cap * sizeof *pos);
    memcpy(gen, pq->gen, pq->cap * sizeof *gen);
    aif_free(pq->alloc, pq->block, block_bytes(pq->cap));
    size_t old = pq->cap;
    pq->block = block;
    pq->heap = heap;
    pq->pay = pay;
    pq->pos = pos;
    pq->gen = gen;
    pq->cap = ncap;
    init_slots(pq, old, ncap);
    return AIF_OK;
}

static inline int less(const hent *a, const hent *b) {
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

/* Move the hole at `i` up until `x` fits, shifting parents down (moves, not swaps). */
static void sift_up(aif_pq *pq, size_t i, hent x) {
    hent *h = pq->heap;
    uint32_t *pos = pq->pos;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!less(&x, &h[parent])) {
            break;
        }
        h[i] = h[parent];
        pos[h[i].slot] = (uint32_t)i;
        i = parent;
    }
    h[i] = x;
    pos[x.slot] = (uint32_t)i;
}

/* Move the hole at `i` down until `x` fits, lifting the smallest child each step. */
static void sift_down(aif_pq *pq, size_t i, hent x) {
    hent *h = pq->heap;
    uint32_t *pos = pq->pos;
    size_t n = pq->n;
    for (;;) {
        size_t c = ARITY * i + 1;
        if (c >= n) {
            break;
        }
        size_t best = c;
        if (c + ARITY <= n) {
            /* Full family: a two-round tournament keeps the comparisons independent. */
            size_t b01 = less(&h[c + 1], &h[c]) ? c + 1 : c;
            size_t b23 = less(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
            best = less(&h[b23], &h[b01]) ? b23 : b01;
        } else {
            for (size_t k = c + 1; k < n; k++) {
                if (less(&h[k], &h[best])) {
                    best = k;
                }
            }
        }
        if (!less(&h[best], &x)) {
            break;
        }
        h[i] = h[best];
        pos[h[i].slot] = (uint32_t)i;
        i = best;
    }
    h[i] = x;
    pos[x.slot] = (uint32_t)i;
}

aif_status aif_pq_push(aif_pq *pq, const aif_event *ev, aif_pq_handle *handle) {
    if (pq == NULL || ev == NULL) {
        return AIF_EINVAL;
    }
    if (pq->next_seq >= SEQ_LIMIT) {
        return AIF_ERANGE;
    }
    if (pq->n == pq->cap) {
        aif_status s = grow(pq);
        if (s != AIF_OK) {
            return s;
        }
    }
    uint32_t slot = pq->free_head;
    pq->free_head = pq->pos[slot];
    pq->pay[slot] = (payload){.data = ev->data, .target = ev->target, .kind = ev->kind};
    hent x = {
        .time = ev->time, .key = (uint64_t)ev->cls << SEQ_BITS | pq->next_seq++, .slot = slot};
    size_t i = pq->n++;
    sift_up(pq, i, x);
    if (handle) {
        *handle = (aif_pq_handle)pq->gen[slot] << 32 | slot;
    }
    return AIF_OK;
}

static void fill_event(const aif_pq *pq, const hent *e, aif_event *out) {
    const payload *p = &pq->pay[e->slot];
    out->time = e->time;
    out->seq = e->key & (SEQ_LIMIT - 1);
    out->cls = (uint8_t)(e->key >> SEQ_BITS);
    out->data = p->data;
    out->target = p->target;
    out->kind = p->kind;
}

/* Return a slot to the free list; the new generation invalidates handles to it. */
static void release(aif_pq *pq, uint32_t slot) {
    uint32_t g = pq->gen[slot] + 1;
    pq->gen[slot] = g ? g : 1; /* 0 would make AIF_PQ_HANDLE_NONE a valid handle */
    pq->pos[slot] = pq->free_head;
    pq->free_head = slot;
}

aif_status aif_pq_peek(const aif_pq *pq, aif_event *out) {
    if (pq == NULL || pq->n == 0) {
        return AIF_EEMPTY;
    }
    if (out) {
        fill_event(pq, &pq->heap[0], out);
    }
    return AIF_OK;
}

/* Take the entry at heap index `i` out, refilling the hole with the last entry. */
static void remove_at(aif_pq *pq, size_t i) {
    release(pq, pq->heap[i].slot);
    size_t last = --pq->n;
    if (i == last) {
        return;
    }
    hent x = pq->heap[last];
    if (i > 0 && less(&x, &pq->heap[(i - 1) / ARITY])) {
        sift_up(pq, i, x);
    } else {
        sift_down(pq, i, x);
    }
}

aif_status aif_pq_pop(aif_pq *pq, aif_event *out) {
    if (pq == NULL || pq->n == 0) {
        return AIF_EEMPTY;
    }
    if (out) {
        fill_event(pq, &pq->heap[0], out);
    }
    remove_at(pq, 0);
    return AIF_OK;
}

aif_status aif_pq_cancel(aif_pq *pq, aif_pq_handle handle, aif_event *out) {
    if (pq == NULL) {
        return AIF_ENOTFOUND;
    }
    uint64_t slot = handle & UINT32_MAX;
    uint32_t g = (uint32_t)(handle >> 32);
    if (slot >= pq->cap || g == 0 || pq->gen[slot] != g) {
        return AIF_ENOTFOUND;
    }
    /* A free slot's pos is a free-list link, so also check that the heap points back. */
    uint32_t i = pq->pos[slot];
    if (i >= pq->n || pq->heap[i].slot != slot) {
        return AIF_ENOTFOUND;
    }
    if (out) {
        fill_event(pq, &pq->heap[i], out);
    }
    remove_at(pq, i);
    return AIF_OK;
}

size_t aif_pq_size(const aif_pq *pq) {
    return pq ? pq->n : 0;
}

size_t aif_pq_capacity(const aif_pq *pq) {
    return pq ? pq->cap : 0;
}
