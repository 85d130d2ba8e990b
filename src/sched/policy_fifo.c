/* The FIFO family: strict FIFO and FIFO with EASY backfilling.
 *
 * Waiting jobs form a doubly linked list in arrival order (links indexed by job), so the
 * head is O(1) and a backfilled job leaves from the middle in O(1). For backfill, running
 * jobs are also kept in a treap ordered by estimated end time whose nodes carry the GPU sum
 * of their subtree: the blocked head's reservation ("shadow time": the earliest estimated
 * end by which enough GPUs are free) and the GPUs left over at that time ("extra") are then
 * found in O(log running) instead of sorting the running set at every pass. */
#include <string.h>

#include "sched/sched_internal.h"

#define NONE UINT32_MAX

typedef struct tnode {
    int64_t key; /* estimated end, ns */
    int64_t sum; /* GPUs in this subtree */
    uint32_t left, right;
    uint32_t prio;
} tnode;

typedef struct fifo_state {
    uint32_t *next; /* waiting list links, by job */
    uint32_t *prev;
    uint32_t head, tail;
    bool backfill;
    tnode *t; /* by job; backfill only */
    uint32_t root;
    size_t n;
} fifo_state;

static void list_append(fifo_state *s, uint32_t j) {
    s->next[j] = NONE;
    s->prev[j] = s->tail;
    if (s->tail != NONE) {
        s->next[s->tail] = j;
    } else {
        s->head = j;
    }
    s->tail = j;
}

static void list_remove(fifo_state *s, uint32_t j) {
    uint32_t p = s->prev[j], n = s->next[j];
    if (p != NONE) {
        s->next[p] = n;
    } else {
        s->head = n;
    }
    if (n != NONE) {
        s->prev[n] = p;
    } else {
        s->tail = p;
    }
}

/* ---- Treap keyed by (estimated end, job id) ---- */

static bool tkey_less(const fifo_state *s, uint32_t a, uint32_t b) {
    return s->t[a].key < s->t[b].key || (s->t[a].key == s->t[b].key && a < b);
}

static int64_t tsum(const fifo_state *s, uint32_t x) {
    return x == NONE ? 0 : s->t[x].sum;
}

static void tfix(fifo_state *s, uint32_t x, int64_t gpus) {
    s->t[x].sum = gpus + tsum(s, s->t[x].left) + tsum(s, s->t[x].right);
}

/* Split x into nodes ordered before `k` (*l) and the rest (*r). */
static void tsplit(fifo_state *s, const engine *e, uint32_t x, uint32_t k, uint32_t *l,
                   uint32_t *r) {
    if (x == NONE) {
        *l = *r = NONE;
        return;
    }
    if (tkey_less(s, x, k)) {
        tsplit(s, e, s->t[x].right, k, &s->t[x].right, r);
        *l = x;
    } else {
        tsplit(s, e, s->t[x].left, k, l, &s->t[x].left);
        *r = x;
    }
    tfix(s, x, e->jobs[x].gpus);
}

static uint32_t tmerge(fifo_state *s, const engine *e, uint32_t a, uint32_t b) {
    if (a == NONE) {
        return b;
    }
    if (b == NONE) {
        return a;
    }
    if (s->t[a].prio > s->t[b].prio) {
        s->t[a].right = tmerge(s, e, s->t[a].right, b);
        tfix(s, a, e->jobs[a].gpus);
        return a;
    }
    s->t[b].left = tmerge(s, e, a, s->t[b].left);
    tfix(s, b, e->jobs[b].gpus);
    return b;
}

static void tinsert(fifo_state *s, const engine *e, uint32_t j, int64_t key) {
    /* A fixed integer hash of the id as priority: deterministic, well spread. */
    uint32_t h = j * 2654435761u;
    s->t[j] = (tnode){key, e->jobs[j].gpus, NONE, NONE, h ^ (h >> 15)};
    uint32_t l, r;
    tsplit(s, e, s->root, j, &l, &r);
    s->root = tmerge(s, e, tmerge(s, e, l, j), r);
}

static uint32_t terase_at(fifo_state *s, const engine *e, uint32_t x, uint32_t j) {
    if (x == j) {
        return tmerge(s, e, s->t[x].left, s->t[x].right);
    }
    if (tkey_less(s, j, x)) {
        s->t[x].left = terase_at(s, e, s->t[x].left, j);
    } else {
        s->t[x].right = terase_at(s, e, s->t[x].right, j);
    }
    tfix(s, x, e->jobs[x].gpus);
    return x;
}

/* Estimated end of the earliest-ending prefix that frees at least `need` GPUs, and the
 * GPUs that prefix frees (*freed). INT64_MAX when even all running jobs are not enough. */
static int64_t shadow_time(const fifo_state *s, const engine *e, int64_t need, int64_t *freed) {
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
        acc += l + e->jobs[x].gpus;
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
    size_t n = e->n ? e->n : 1;
    s->n = n;
    s->backfill = backfill;
    s->head = s->tail = s->root = NONE;
    s->next = aif_alloc(e->alloc, n * sizeof *s->next);
    s->prev = aif_alloc(e->alloc, n * sizeof *s->prev);
    if (backfill) {
        s->t = aif_alloc(e->alloc, n * sizeof *s->t);
    }
    if (s->next == NULL || s->prev == NULL || (backfill && s->t == NULL)) {
        aif_free(e->alloc, s->next, n * sizeof *s->next);
        aif_free(e->alloc, s->prev, n * sizeof *s->prev);
        aif_free(e->alloc, s->t, n * sizeof *s->t);
        aif_free(e->alloc, s, sizeof *s);
        return AIF_ENOMEM;
    }
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
    aif_free(e->alloc, s->next, s->n * sizeof *s->next);
    aif_free(e->alloc, s->prev, s->n * sizeof *s->prev);
    aif_free(e->alloc, s->t, s->n * sizeof *s->t);
    aif_free(e->alloc, s, sizeof *s);
}

static aif_status fifo_enqueue(engine *e, void *state, uint32_t j) {
    (void)e;
    list_append(state, j);
    return AIF_OK;
}

static void fifo_finished(engine *e, void *state, uint32_t j) {
    fifo_state *s = state;
    if (s->backfill) {
        s->root = terase_at(s, e, s->root, j);
    }
}

static int64_t estimate_end(const engine *e, uint32_t j) {
    double f = e->cfg->estimate_factor > 0 ? e->cfg->estimate_factor : 1.0;
    return e->now + (int64_t)((double)e->jobs[j].duration_ns * f);
}

/* Start j if it fits; *started says whether it did. */
static aif_status try_start(engine *e, fifo_state *s, uint32_t j, bool *started) {
    *started = false;
    if (e->jobs[j].gpus > aif_cluster_free_gpus(e->cluster)) {
        return AIF_OK;
    }
    aif_status st = aif__engine_start(e, j);
    if (st == AIF_EEMPTY) {
        return AIF_OK;
    }
    if (st != AIF_OK) {
        return st;
    }
    list_remove(s, j);
    if (s->backfill) {
        tinsert(s, e, j, estimate_end(e, j));
    }
    *started = true;
    return AIF_OK;
}

static aif_status fifo_schedule(engine *e, void *state) {
    fifo_state *s = state;
    bool started = true;
    aif_status st;
    while (s->head != NONE && started) {
        if ((st = try_start(e, s, s->head, &started)) != AIF_OK) {
            return st;
        }
    }
    if (!s->backfill || s->head == NONE) {
        return AIF_OK;
    }
    /* EASY: reserve for the blocked head, then let later jobs start now if they cannot
     * delay that reservation (they end before it, or use only GPUs it leaves over). */
    int64_t free_now = aif_cluster_free_gpus(e->cluster);
    int64_t need = e->jobs[s->head].gpus - free_now;
    if (need < 1) {
        /* Enough GPUs by count, but placement (fragmentation) blocks the head: reserve
         * from the next estimated end, the earliest moment the shape can change. */
        need = 1;
    }
    int64_t freed = 0;
    int64_t shadow = shadow_time(s, e, need, &freed);
    int64_t extra = free_now + freed - e->jobs[s->head].gpus;
    uint32_t scanned = 0;
    for (uint32_t c = s->next[s->head]; c != NONE && scanned < e->scan_limit;) {
        uint32_t nx = s->next[c];
        int64_t g = e->jobs[c].gpus;
        scanned++;
        if (g <= aif_cluster_free_gpus(e->cluster)) {
            bool before = estimate_end(e, c) <= shadow;
            if (before || g <= extra) {
                if ((st = try_start(e, s, c, &started)) != AIF_OK) {
                    return st;
                }
                if (started && !before) {
                    extra -= g;
                }
            }
        }
        if (aif_cluster_free_gpus(e->cluster) == 0) {
            break;
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
};

const policy_ops aif__policy_backfill = {
    .name = "backfill",
    .summary = "FIFO with EASY backfilling against the blocked head's reservation",
    .create = backfill_create,
    .destroy = fifo_destroy,
    .enqueue = fifo_enqueue,
    .finished = fifo_finished,
    .schedule = fifo_schedule,
};
