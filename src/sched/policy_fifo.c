/* The FIFO family: strict FIFO and FIFO with EASY backfilling.
 *
 * Waiting jobs form a doubly linked list in arrival order (links indexed by job), so the
 * head is O(1) and a backfilled job leaves from the middle in O(1). For backfill, running
 * jobs are also kept in a treap ordered by estimated end time whose nodes carry the GPU sum
 * of their subtree: the blocked head's reservation ("shadow time": the earliest estimated
 * end by which enough GPUs are free) and the GPUs left over at that time ("extra") are then
 * found in O(log running) instead of sorting the running set at every pass.
 *
 * Per-job arrays are indexed by id & mask (sched_internal.h). A job preempted by a
 * session's capacity shrink comes back through enqueue with an id older than the queue's
 * tail: backfill puts it back in id order; strict FIFO keeps such jobs in a small heap by
 * id that is served before the [head, arrived) range, since they all arrived earlier. */
#include <string.h>

#include "sched/sched_internal.h"

#define NONE UINT32_MAX

typedef struct tnode {
    int64_t key; /* estimated end, ns */
    int64_t sum; /* GPUs in this subtree */
    uint32_t left, right;
    uint32_t prio;
    uint32_t job;
    int64_t gpus;
} tnode;

typedef struct fifo_state {
    /* Strict FIFO starts jobs in arrival order, so its queue is the index range
     * [head, arrived) and needs no links; backfill removes from the middle and uses the
     * doubly linked list below. */
    uint32_t arrived;
    jheap back;     /* strict FIFO: preempted jobs by id (allocated at the first one) */
    uint32_t mask;  /* the engine's, for the arrays below */
    uint32_t *next; /* waiting list links, by job (backfill) */
    uint32_t *prev;
    uint32_t head, tail;
    bool backfill;
    /* Treap nodes live in a dense slot array (running jobs only, so it stays in cache);
     * a running job's slot is kept in its run state's heap_pos, unused by these policies. */
    tnode *t;
    uint32_t tcap;
    uint32_t tfree; /* free-slot list through .left */
    /* Backfill passes with no completion since the previous pass only need to look at
     * the jobs that arrived since: free GPUs only went down and the reservation did not
     * move, so every job examined before would be refused again. */
    bool changed;
    uint32_t first_new; /* first job enqueued since the last pass, NONE if none */
    uint32_t last_head;
    /* Waiting jobs by floor(log2(gpus)): a full scan stops once no job left behind the
     * cursor could fit the free GPUs (exact pruning, no result changes). */
    uint32_t by_size[32];
    uint32_t size_mask; /* bit c set when by_size[c] > 0 */
    /* Per job: gpus | size class << GC_SHIFT, written at arrival. The backfill scan walks
     * the waiting list and reads only this 4-byte word per candidate instead of the
     * 64-byte job record: most candidates are refused on size alone, and this keeps the
     * scan out of cache misses on the job array. */
    uint32_t *gc;
    uint32_t root;
    size_t n;
} fifo_state;

static int size_class(int32_t gpus) {
    int c = 0;
    while (gpus >>= 1) {
        c++;
    }
    return c;
}

#define GC_SHIFT 27 /* gpus <= 2^24 need 25 bits; classes 0..24 fit in the top 5 */
#define GC_GPUS  ((UINT32_C(1) << GC_SHIFT) - 1)

/* Some job in a size class of `mask` (bit c: floor(log2(gpus)) == c) might fit `free` GPUs
 * (never false when one does): the smallest class present has members of >= 2^c GPUs. */
static bool some_fit(uint32_t mask, int64_t free) {
    return mask != 0 && (int64_t)(mask & (~mask + 1)) <= free;
}

static void class_add(uint32_t by_size[32], uint32_t *mask, int c) {
    by_size[c]++;
    *mask |= UINT32_C(1) << c;
}

static void class_remove(uint32_t by_size[32], uint32_t *mask, int c) {
    if (--by_size[c] == 0) {
        *mask &= ~(UINT32_C(1) << c);
    }
}

static void list_append(fifo_state *s, uint32_t j) {
    uint32_t m = s->mask;
    s->next[j & m] = NONE;
    s->prev[j & m] = s->tail;
    if (s->tail != NONE) {
        s->next[s->tail & m] = j;
    } else {
        s->head = j;
    }
    s->tail = j;
}

/* Insert j before the first waiting job with a larger id (a preempted job going back to
 * its arrival position); the walk is short since it stops at the first younger job. */
static void list_insert_ordered(fifo_state *s, uint32_t j) {
    uint32_t m = s->mask;
    uint32_t c = s->head;
    while (c != NONE && c < j) {
        c = s->next[c & m];
    }
    if (c == NONE) {
        list_append(s, j);
        return;
    }
    uint32_t p = s->prev[c & m];
    s->next[j & m] = c;
    s->prev[j & m] = p;
    s->prev[c & m] = j;
    if (p != NONE) {
        s->next[p & m] = j;
    } else {
        s->head = j;
    }
}

static void list_remove(fifo_state *s, uint32_t j) {
    uint32_t m = s->mask;
    uint32_t p = s->prev[j & m], n = s->next[j & m];
    if (p != NONE) {
        s->next[p & m] = n;
    } else {
        s->head = n;
    }
    if (n != NONE) {
        s->prev[n & m] = p;
    } else {
        s->tail = p;
    }
}

/* ---- Treap keyed by (estimated end, job id) ---- */

static bool tkey_less(const fifo_state *s, uint32_t a, uint32_t b) {
    return s->t[a].key < s->t[b].key || (s->t[a].key == s->t[b].key && s->t[a].job < s->t[b].job);
}

static int64_t tsum(const fifo_state *s, uint32_t x) {
    return x == NONE ? 0 : s->t[x].sum;
}

static void tfix(fifo_state *s, uint32_t x) {
    s->t[x].sum = s->t[x].gpus + tsum(s, s->t[x].left) + tsum(s, s->t[x].right);
}

/* Split x into nodes ordered before node k (*l) and the rest (*r). */
static void tsplit(fifo_state *s, uint32_t x, uint32_t k, uint32_t *l, uint32_t *r) {
    if (x == NONE) {
        *l = *r = NONE;
        return;
    }
    if (tkey_less(s, x, k)) {
        tsplit(s, s->t[x].right, k, &s->t[x].right, r);
        *l = x;
    } else {
        tsplit(s, s->t[x].left, k, l, &s->t[x].left);
        *r = x;
    }
    tfix(s, x);
}

static uint32_t tmerge(fifo_state *s, uint32_t a, uint32_t b) {
    if (a == NONE) {
        return b;
    }
    if (b == NONE) {
        return a;
    }
    if (s->t[a].prio > s->t[b].prio) {
        s->t[a].right = tmerge(s, s->t[a].right, b);
        tfix(s, a);
        return a;
    }
    s->t[b].left = tmerge(s, a, s->t[b].left);
    tfix(s, b);
    return b;
}

/* Make sure a free slot exists, so that inserting after a job started cannot fail. */
static aif_status treserve(fifo_state *s, engine *e) {
    if (s->tfree == NONE) {
        uint32_t ncap = s->tcap * 2;
        tnode *nt = aif_realloc(e->alloc, s->t, s->tcap * sizeof *nt, ncap * sizeof *nt);
        if (nt == NULL) {
            return AIF_ENOMEM;
        }
        for (uint32_t i = s->tcap; i < ncap; i++) {
            nt[i].left = i + 1 < ncap ? i + 1 : NONE;
        }
        s->tfree = s->tcap;
        s->t = nt;
        s->tcap = ncap;
    }
    return AIF_OK;
}

/* Insert by descending to where x's priority belongs (adding its GPUs to every subtree it
 * joins on the way) and splitting only the small subtree found there: one pass down
 * instead of a split and two merges of the whole tree. */
static void tinsert(fifo_state *s, engine *e, uint32_t j, int64_t key) {
    uint32_t x = s->tfree;
    s->tfree = s->t[x].left;
    /* A fixed integer hash of the job id as priority: deterministic, well spread. */
    uint32_t h = j * 2654435761u;
    int64_t g = eng_job(e, j)->gpus;
    s->t[x] = (tnode){key, g, NONE, NONE, h ^ (h >> 15), j, g};
    eng_run(e, j)->heap_pos = x;
    uint32_t *link = &s->root;
    while (*link != NONE && s->t[*link].prio >= s->t[x].prio) {
        uint32_t y = *link;
        s->t[y].sum += g;
        link = tkey_less(s, x, y) ? &s->t[y].left : &s->t[y].right;
    }
    tsplit(s, *link, x, &s->t[x].left, &s->t[x].right);
    tfix(s, x);
    *link = x;
}

/* Erase node k: descend to it (taking its GPUs out of every subtree on the way) and
 * replace it by the merge of its children. */
static void terase_node(fifo_state *s, uint32_t k) {
    uint32_t *link = &s->root;
    int64_t g = s->t[k].gpus;
    while (*link != k) {
        uint32_t y = *link;
        s->t[y].sum -= g;
        link = tkey_less(s, k, y) ? &s->t[y].left : &s->t[y].right;
    }
    *link = tmerge(s, s->t[k].left, s->t[k].right);
}

static void terase(fifo_state *s, engine *e, uint32_t j) {
    uint32_t x = eng_run(e, j)->heap_pos;
    terase_node(s, x);
    s->t[x].left = s->tfree;
    s->tfree = x;
    eng_run(e, j)->heap_pos = UINT32_MAX;
}

/* GPUs of the running jobs whose estimated end is <= t. */
static int64_t gpus_ending_by(const fifo_state *s, int64_t t) {
    int64_t acc = 0;
    uint32_t x = s->root;
    while (x != NONE) {
        if (s->t[x].key <= t) {
            acc += tsum(s, s->t[x].left) + s->t[x].gpus;
            x = s->t[x].right;
        } else {
            x = s->t[x].left;
        }
    }
    return acc;
}

/* Estimated end of the earliest-ending prefix that frees at least `need` GPUs, and the
 * GPUs that prefix frees (*freed). INT64_MAX when even all running jobs are not enough. */
static int64_t shadow_time(const fifo_state *s, int64_t need, int64_t *freed) {
    uint32_t x = s->root;
    int64_t acc = 0;
    if (tsum(s, x) < need) {
        *freed = tsum(s, x);
        return INT64_MAX;
    }
    for (;;) {
        int64_t l = tsum(s, s->t[x].left);
        if (acc + l >= need) {
            x = s->t[x].left;
            continue;
        }
        acc += l + s->t[x].gpus;
        if (acc >= need) {
            *freed = acc;
            return s->t[x].key;
        }
        x = s->t[x].right;
    }
}

/* ---- ops ---- */

static aif_status create_common(engine *e, void **state, bool backfill) {
    fifo_state *s = aif_calloc(e->alloc, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    size_t n = e->cap;
    s->n = n;
    s->mask = e->mask;
    s->backfill = backfill;
    s->head = s->tail = s->root = s->first_new = s->last_head = NONE;
    s->changed = true;
    if (!backfill) {
        s->head = 0;
        *state = s;
        return AIF_OK;
    }
    s->next = aif_alloc(e->alloc, n * sizeof *s->next);
    s->prev = aif_alloc(e->alloc, n * sizeof *s->prev);
    s->gc = aif_alloc(e->alloc, n * sizeof *s->gc);
    s->tcap = 256;
    s->t = aif_alloc(e->alloc, s->tcap * sizeof *s->t);
    if (s->next == NULL || s->prev == NULL || s->gc == NULL || s->t == NULL) {
        aif_free(e->alloc, s->next, n * sizeof *s->next);
        aif_free(e->alloc, s->prev, n * sizeof *s->prev);
        aif_free(e->alloc, s->gc, n * sizeof *s->gc);
        aif_free(e->alloc, s->t, s->tcap * sizeof *s->t);
        aif_free(e->alloc, s, sizeof *s);
        return AIF_ENOMEM;
    }
    for (uint32_t i = 0; i < s->tcap; i++) {
        s->t[i].left = i + 1 < s->tcap ? i + 1 : NONE;
    }
    s->tfree = 0;
    *state = s;
    return AIF_OK;
}

static aif_status fifo_create(engine *e, void **state) {
    return create_common(e, state, false);
}

static aif_status backfill_create(engine *e, void **state) {
    return create_common(e, state, true);
}

static void fifo_destroy(engine *e, void *state) {
    fifo_state *s = state;
    aif__jheap_free(&s->back, e->alloc);
    aif_free(e->alloc, s->next, s->n * sizeof *s->next);
    aif_free(e->alloc, s->prev, s->n * sizeof *s->prev);
    aif_free(e->alloc, s->gc, s->n * sizeof *s->gc);
    aif_free(e->alloc, s->t, s->tcap * sizeof *s->t);
    aif_free(e->alloc, s, sizeof *s);
}

static aif_status fifo_enqueue(engine *e, void *state, uint32_t j) {
    fifo_state *s = state;
    if (s->backfill) {
        if (s->tail == NONE || j > s->tail) {
            list_append(s, j);
        } else {
            list_insert_ordered(s, j); /* preempted (fifo_preempted forced a full scan) */
        }
        int32_t g = eng_job(e, j)->gpus;
        int c = size_class(g);
        s->gc[j & s->mask] = (uint32_t)g | (uint32_t)c << GC_SHIFT;
        class_add(s->by_size, &s->size_mask, c);
        if (s->first_new == NONE) {
            s->first_new = j;
        }
    } else if (j >= s->arrived) {
        s->arrived = j + 1;
    } else {
        /* Preempted: it arrived before everything in [head, arrived). */
        aif_status st = s->back.ids == NULL ? aif__jheap_init(&s->back, e->alloc, e, 64)
                        : s->back.len == s->back.cap
                            ? aif__jheap_reserve(&s->back, e->alloc, s->back.cap * 2)
                            : AIF_OK;
        if (st != AIF_OK) {
            return st;
        }
        aif__jheap_push(&s->back, j, j);
    }
    return AIF_OK;
}

static aif_status fifo_preempted(engine *e, void *state, uint32_t j) {
    fifo_state *s = state;
    if (s->backfill) {
        terase(s, e, j);
        s->changed = true;
    }
    return AIF_OK;
}

static aif_status fifo_grow(engine *e, void *state, uint32_t old_mask, uint32_t lo, uint32_t hi) {
    fifo_state *s = state;
    size_t n = e->cap;
    if (s->backfill) {
        uint32_t *next = aif_alloc(e->alloc, n * sizeof *next);
        uint32_t *prev = aif_alloc(e->alloc, n * sizeof *prev);
        uint32_t *gc = aif_alloc(e->alloc, n * sizeof *gc);
        if (next == NULL || prev == NULL || gc == NULL) {
            aif_free(e->alloc, next, n * sizeof *next);
            aif_free(e->alloc, prev, n * sizeof *prev);
            aif_free(e->alloc, gc, n * sizeof *gc);
            return AIF_ENOMEM;
        }
        for (uint32_t j = lo; j != hi; j++) {
            next[j & e->mask] = s->next[j & old_mask];
            prev[j & e->mask] = s->prev[j & old_mask];
            gc[j & e->mask] = s->gc[j & old_mask];
        }
        aif_free(e->alloc, s->next, s->n * sizeof *s->next);
        aif_free(e->alloc, s->prev, s->n * sizeof *s->prev);
        aif_free(e->alloc, s->gc, s->n * sizeof *s->gc);
        s->next = next;
        s->prev = prev;
        s->gc = gc;
    }
    s->back.run = e->run;
    s->back.mask = e->mask;
    s->n = n;
    s->mask = e->mask;
    return AIF_OK;
}

static void fifo_finished(engine *e, void *state, uint32_t j) {
    fifo_state *s = state;
    if (s->backfill) {
        terase(s, e, j);
        s->changed = true;
    }
}

static int64_t estimate_end(const engine *e, uint32_t j) {
    double f = e->cfg->estimate_factor;
    if (f <= 0 || f == 1) {
        return e->now + eng_job(e, j)->duration_ns; /* the common case, kept off the FPU */
    }
    return e->now + (int64_t)((double)eng_job(e, j)->duration_ns * f);
}

/* Start j if it fits; *started says whether it did. */
static aif_status try_start(engine *e, fifo_state *s, uint32_t j, bool *started) {
    *started = false;
    if (eng_job(e, j)->gpus > eng_free(e)) {
        return AIF_OK;
    }
    aif_status st = s->backfill ? treserve(s, e) : AIF_OK;
    if (st != AIF_OK) {
        return st;
    }
    st = aif__engine_start(e, j);
    if (st == AIF_EEMPTY) {
        return AIF_OK;
    }
    if (st != AIF_OK) {
        return st;
    }
    if (s->backfill) {
        list_remove(s, j);
        class_remove(s->by_size, &s->size_mask, (int)(s->gc[j & s->mask] >> GC_SHIFT));
        tinsert(s, e, j, estimate_end(e, j));
    }
    *started = true;
    return AIF_OK;
}

static aif_status fifo_schedule(engine *e, void *state) {
    fifo_state *s = state;
    bool started = true;
    aif_status st;
    if (!s->backfill) {
        while (s->back.len > 0 && started) {
            if ((st = try_start(e, s, s->back.ids[0], &started)) != AIF_OK) {
                return st;
            }
            if (started) {
                aif__jheap_pop(&s->back);
            }
        }
        while (s->head < s->arrived && started) {
            if ((st = try_start(e, s, s->head, &started)) != AIF_OK) {
                return st;
            }
            s->head += started;
        }
        return AIF_OK;
    }
    while (s->head != NONE && started) {
        if ((st = try_start(e, s, s->head, &started)) != AIF_OK) {
            return st;
        }
    }
    uint32_t first_new = s->first_new;
    bool changed = s->changed || s->head != s->last_head;
    s->first_new = NONE;
    s->changed = false;
    s->last_head = s->head;
    if (s->head == NONE || (!changed && first_new == NONE)) {
        return AIF_OK;
    }
    /* EASY: reserve for the blocked head, then let later jobs start now if they cannot
     * delay that reservation (they end before it, or use only GPUs it leaves over). */
    int64_t free_now = eng_free(e);
    int64_t head_gpus = eng_job(e, s->head)->gpus;
    int64_t need = head_gpus - free_now;
    if (need < 1) {
        /* Enough GPUs by count, but placement (fragmentation) blocks the head: reserve
         * from the next estimated end, the earliest moment the shape can change. */
        need = 1;
    }
    int64_t freed = 0;
    int64_t shadow = shadow_time(s, need, &freed);
    /* Every job ending at the shadow time frees its GPUs then, not only those the prefix
     * needed: count ties too, or the spare GPUs would depend on the order of equal ends. */
    if (shadow != INT64_MAX) {
        freed = gpus_ending_by(s, shadow);
    }
    int64_t extra = free_now + freed - head_gpus;
    uint32_t scanned = 0;
    uint32_t from = s->next[s->head & s->mask];
    /* Jobs not yet passed by the cursor, by size class (full scans only). */
    uint32_t ahead[32];
    uint32_t ahead_mask = s->size_mask;
    memcpy(ahead, s->by_size, sizeof ahead);
    class_remove(ahead, &ahead_mask, (int)(s->gc[s->head & s->mask] >> GC_SHIFT));
    if (!changed) {
        /* first_new may have started in the FIFO part above; then so did all before it. */
        from =
            eng_run(e, first_new)->state == JOB_WAITING && first_new != s->head ? first_new : NONE;
    }
    for (uint32_t c = from; c != NONE && scanned < e->scan_limit;) {
        int64_t free_gpus = eng_free(e);
        if (free_gpus == 0 || (changed && !some_fit(ahead_mask, free_gpus))) {
            break;
        }
        uint32_t nx = s->next[c & s->mask];
        uint32_t gc = s->gc[c & s->mask];
        int64_t g = gc & GC_GPUS;
        scanned++;
        class_remove(ahead, &ahead_mask, (int)(gc >> GC_SHIFT));
        /* Cheapest test first: most candidates are too big. */
        if (g <= free_gpus) {
            bool before = estimate_end(e, c) <= shadow;
            if (g <= extra || before) {
                if ((st = try_start(e, s, c, &started)) != AIF_OK) {
                    return st;
                }
                if (started && !before) {
                    extra -= g;
                }
            }
        }
        c = nx;
    }
    return AIF_OK;
}

const policy_ops aif__policy_fifo = {
    .name = "fifo",
    .summary = "strict FIFO: start from the head while the head fits; a blocked head blocks all",
    .create = fifo_create,
    .destroy = fifo_destroy,
    .enqueue = fifo_enqueue,
    .finished = fifo_finished,
    .schedule = fifo_schedule,
    .preempted = fifo_preempted,
    .grow = fifo_grow,
};

const policy_ops aif__policy_backfill = {
    .name = "backfill",
    .summary = "FIFO with EASY backfilling against the blocked head's reservation",
    .create = backfill_create,
    .destroy = fifo_destroy,
    .enqueue = fifo_enqueue,
    .finished = fifo_finished,
    .schedule = fifo_schedule,
    .preempted = fifo_preempted,
    .grow = fifo_grow,
};
