/* FIFO with EASY backfilling: jobs start in arrival order while the head fits; when the
 * head is blocked it gets a reservation (the earliest estimated time enough GPUs are free
 * for it), and later jobs may start now if they cannot delay that reservation. Strict FIFO
 * (policy_fifo.c) is the plain reference; this file is the fast one, benchmarked by
 * bench_replay, so most of it is about not touching what cannot change the outcome.
 *
 * Waiting jobs form a doubly linked list in arrival order (links indexed by job), so the
 * head is O(1) and a backfilled job leaves from the middle in O(1). Running jobs are also
 * kept in a treap ordered by estimated end time whose nodes carry the GPU sum of their
 * subtree: the blocked head's reservation ("shadow time": the earliest estimated end by
 * which enough GPUs are free) and the GPUs left over at that time ("extra") are then found
 * in O(log running) instead of sorting the running set at every pass.
 *
 * Only the reservation reads the treap, and most started jobs (two thirds of a 10^6-job
 * trace) finish before the next reservation is computed. A started job therefore waits in
 * a pending array and joins the treap only when a reservation is next needed; a job that
 * ends before that leaves the array in O(1) and never touches the treap. The reservation
 * depends only on the set of running jobs (never on the treap's shape), so this is exact.
 *
 * The backfill scan behind the blocked head refuses almost every candidate (on a 10^6-job
 * trace, 99.9% of them). Waiting jobs are therefore also summarized per block of BLOCK
 * consecutive ids (the list is in id order, so a block's waiting jobs are consecutive in
 * it): how many there are, the first and last, and lower bounds of their GPUs and estimated
 * run times. A scan skips a whole block when those bounds show that none of its jobs can
 * start, and counts the block's jobs as scanned, so scan_limit keeps its meaning exactly:
 * the same jobs start at the same times as in a job-by-job scan.
 *
 * The engine's per-job arrays are indexed by id & mask (sched_internal.h). This policy's
 * own per-job arrays form a separate, smaller ring: only waiting jobs use them, and waiting
 * ids span far fewer ids than the trace (a few thousand of 10^6 in the benchmark), so the
 * ring stays in cache and the replay does not fault in pages for 10^6 entries. A job
 * preempted by a session's capacity shrink comes back through enqueue with an id older
 * than the queue's tail and is put back in id order. */
#include "sched_internal.h"

#define NONE    UINT32_MAX
#define PENDING (UINT32_MAX - 1)

typedef struct tnode {
    int64_t key; /* estimated end, ns */
    int64_t sum; /* GPUs in this subtree */
    uint32_t left, right;
    uint32_t prio;
    uint32_t job;
    int64_t gpus;
} tnode;

typedef struct backfill_state {
    /* The ring of n slots (a power of two), indexed by id & mask; it holds every waiting
     * id, since they span at most n ids, and grows when they would not. */
    uint32_t mask;
    uint32_t *next; /* waiting list links, by job */
    uint32_t *prev;
    uint32_t head, tail;
    /* Treap nodes live in a dense slot array (running jobs only, so it stays in cache);
     * a running job's slot is kept in its run state's policy slot (job_run.slot). */
    tnode *t;
    uint32_t tcap;
    uint32_t tfree; /* free-slot list through .left */
    /* Slots of started jobs not yet linked into the treap (see the top of the file); a
     * pending node has .left == PENDING and its index in this array in .right. */
    uint32_t *pend;
    uint32_t npend;
    uint32_t pcap; /* >= tcap */
    /* The treap's version (bumped whenever its set of jobs changes) and the last query
     * of the reservation: over a third of the reservations ask the same question of the
     * same running set (a pass with no start or completion since the previous one). */
    uint64_t tver;
    uint64_t q_ver; /* 0: no cached query (tver starts at 1) */
    int64_t q_need, q_shadow, q_freed;
    /* Passes with no completion since the previous pass only need to look at the jobs
     * that arrived since: free GPUs only went down and the reservation did not move, so
     * every job examined before would be refused again. */
    bool changed;
    uint32_t first_new; /* first job enqueued since the last pass, NONE if none */
    uint32_t last_head;
    /* Per waiting job, written at arrival: its GPUs and its estimated run time (the
     * duration times the estimate factor). The scan reads these two small arrays instead
     * of the 64-byte job record of every candidate it refuses. */
    uint32_t *gpus;
    int64_t *est;
    /* Block summaries (see the top of the file), by block_of(). */
    struct wblock *blk;
    size_t nblk;
    uint32_t bmask;
    uint32_t root;
    size_t n;
} backfill_state;
#define RING_MIN    256 /* backfill's first ring: grows by doubling */
#define BLOCK_SHIFT 5
#define BLOCK       (1u << BLOCK_SHIFT)

/* The waiting jobs of one block of ids. The bounds are exact when set and may only
 * become loose (too low) as jobs leave: a loose bound skips fewer blocks, never more. */
typedef struct wblock {
    int64_t min_est;   /* <= the estimated run time of every waiting job of the block */
    uint32_t min_gpus; /* <= the GPUs of every waiting job of the block */
    uint32_t count;
    uint32_t first, last; /* in id (= list) order; meaningful when count > 0 */
} wblock;

/* Blocks are indexed by (id >> BLOCK_SHIFT) & bmask. The ring of cap slots holds a span of
 * at most cap waiting ids, which meets at most cap / BLOCK + 1 distinct id >> BLOCK_SHIFT
 * values: a ring of 2 cap / BLOCK blocks (at least 2, a power of two like cap) gives each
 * of them its own block. */
static size_t block_count(size_t cap) {
    size_t nb = 2 * cap >> BLOCK_SHIFT;
    return nb < 2 ? 2 : nb;
}

static wblock *block_of(const backfill_state *s, uint32_t j) {
    return &s->blk[(j >> BLOCK_SHIFT) & s->bmask];
}

/* j joined the waiting list (already linked). */
static void block_add(backfill_state *s, uint32_t j) {
    wblock *b = block_of(s, j);
    uint32_t g = s->gpus[j & s->mask];
    int64_t est = s->est[j & s->mask];
    if (b->count++ == 0) {
        *b = (wblock){est, g, 1, j, j};
        return;
    }
    b->first = j < b->first ? j : b->first;
    b->last = j > b->last ? j : b->last;
    b->min_gpus = g < b->min_gpus ? g : b->min_gpus;
    b->min_est = est < b->min_est ? est : b->min_est;
}

/* j is leaving the waiting list (still linked: its neighbours are read). */
static void block_remove(backfill_state *s, uint32_t j) {
    wblock *b = block_of(s, j);
    if (--b->count == 0) {
        return;
    }
    if (b->first == j) {
        b->first = s->next[j & s->mask];
    }
    if (b->last == j) {
        b->last = s->prev[j & s->mask];
    }
}

static void list_append(backfill_state *s, uint32_t j) {
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
static void list_insert_ordered(backfill_state *s, uint32_t j) {
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

static void list_remove(backfill_state *s, uint32_t j) {
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

/* Give backfill's ring `cap` slots (a power of two, at least the span of waiting ids),
 * re-placing the waiting jobs and rebuilding the block summaries. All or nothing:
 * AIF_ENOMEM leaves everything as it was. */
/* The ring's arrays (`cap` slots, `nblk` blocks) as one allocation group, pointing at
 * next .. blk (NULL for a group still to be allocated). Only the block counts need zeroing:
 * a block's other fields are set when it fills. */
enum { RING_PARTS = 5 };

static void ring_parts(aif_alloc_part p[RING_PARTS], size_t cap, size_t nblk, uint32_t *next,
                       uint32_t *prev, uint32_t *gpus, int64_t *est, wblock *blk) {
    p[0] = (aif_alloc_part){cap * sizeof *next, 0, next};
    p[1] = (aif_alloc_part){cap * sizeof *prev, 0, prev};
    p[2] = (aif_alloc_part){cap * sizeof *gpus, 0, gpus};
    p[3] = (aif_alloc_part){cap * sizeof *est, 0, est};
    p[4] = (aif_alloc_part){nblk * sizeof *blk, 1, blk};
}

static aif_status ring_resize(backfill_state *s, const aif_allocator *a, size_t cap,
                              const id_remap *m) {
    size_t nblk = block_count(cap);
    aif_alloc_part part[RING_PARTS], old[RING_PARTS];
    ring_parts(part, cap, nblk, NULL, NULL, NULL, NULL, NULL);
    if (aif_alloc_group(a, part, RING_PARTS) != AIF_OK) {
        return AIF_ENOMEM;
    }
    uint32_t *next = part[0].ptr, *prev = part[1].ptr, *gpus = part[2].ptr;
    int64_t *est = part[3].ptr;
    wblock *blk = part[4].ptr;
    uint32_t nm = (uint32_t)(cap - 1);
    const id_remap same = {0};
    m = m ? m : &same;
    for (uint32_t j = s->head; j != NONE; j = s->next[j & s->mask]) {
        uint32_t k = remap_id(m, j) & nm;
        next[k] = remap_id(m, s->next[j & s->mask]);
        prev[k] = remap_id(m, s->prev[j & s->mask]);
        gpus[k] = s->gpus[j & s->mask];
        est[k] = s->est[j & s->mask];
    }
    s->head = remap_id(m, s->head);
    s->tail = remap_id(m, s->tail);
    ring_parts(old, s->n, s->nblk, s->next, s->prev, s->gpus, s->est, s->blk);
    aif_free_group(a, old, RING_PARTS);
    s->next = next;
    s->prev = prev;
    s->gpus = gpus;
    s->est = est;
    s->blk = blk;
    s->n = cap;
    s->mask = nm;
    s->nblk = nblk;
    s->bmask = (uint32_t)(nblk - 1);
    for (uint32_t j = s->head; j != NONE; j = s->next[j & nm]) {
        block_add(s, j);
    }
    return AIF_OK;
}

/* ---- Treap keyed by (estimated end, job id) ---- */

static bool tkey_less(const backfill_state *s, uint32_t a, uint32_t b) {
    return s->t[a].key < s->t[b].key || (s->t[a].key == s->t[b].key && s->t[a].job < s->t[b].job);
}

static int64_t tsum(const backfill_state *s, uint32_t x) {
    return x == NONE ? 0 : s->t[x].sum;
}

static void tfix(backfill_state *s, uint32_t x) {
    s->t[x].sum = s->t[x].gpus + tsum(s, s->t[x].left) + tsum(s, s->t[x].right);
}

/* Split x into nodes ordered before node k (*l) and the rest (*r). */
static void tsplit(backfill_state *s, uint32_t x, uint32_t k, uint32_t *l, uint32_t *r) {
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

static uint32_t tmerge(backfill_state *s, uint32_t a, uint32_t b) {
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
static aif_status treserve(backfill_state *s, engine *e) {
    if (s->tfree == NONE) {
        uint32_t ncap = s->tcap * 2;
        /* pend first: a pend larger than the node array is still consistent. */
        if (s->pcap < ncap) {
            uint32_t *np = aif_realloc(e->alloc, s->pend, s->pcap * sizeof *np, ncap * sizeof *np);
            if (np == NULL) {
                return AIF_ENOMEM;
            }
            s->pend = np;
            s->pcap = ncap;
        }
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
static void tlink(backfill_state *s, uint32_t x) {
    int64_t g = s->t[x].gpus;
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

/* j started: give it a node (a free slot exists, see treserve) and leave it pending. */
static void tadd_pending(backfill_state *s, engine *e, uint32_t j, int64_t key) {
    uint32_t x = s->tfree;
    s->tfree = s->t[x].left;
    /* A fixed integer hash of the job id as priority: deterministic, well spread. */
    uint32_t h = j * 2654435761u;
    int64_t g = eng_job(e, j)->gpus;
    s->t[x] = (tnode){key, g, PENDING, s->npend, h ^ (h >> 15), j, g};
    s->pend[s->npend++] = x;
    eng_run(e, j)->slot = x;
}

/* Link every pending node into the treap: needed before the treap is read. */
static void tflush(backfill_state *s) {
    s->tver += s->npend > 0;
    for (uint32_t i = 0; i < s->npend; i++) {
        uint32_t x = s->pend[i];
        s->t[x].left = s->t[x].right = NONE;
        tlink(s, x);
    }
    s->npend = 0;
}

/* Erase node k: descend to it (taking its GPUs out of every subtree on the way) and
 * replace it by the merge of its children. */
static void terase_node(backfill_state *s, uint32_t k) {
    uint32_t *link = &s->root;
    int64_t g = s->t[k].gpus;
    while (*link != k) {
        uint32_t y = *link;
        s->t[y].sum -= g;
        link = tkey_less(s, k, y) ? &s->t[y].left : &s->t[y].right;
    }
    *link = tmerge(s, s->t[k].left, s->t[k].right);
}

static void terase(backfill_state *s, engine *e, uint32_t j) {
    uint32_t x = eng_run(e, j)->slot;
    if (s->t[x].left == PENDING) {
        uint32_t i = s->t[x].right;
        uint32_t y = s->pend[--s->npend];
        s->pend[i] = y;
        s->t[y].right = i;
    } else {
        terase_node(s, x);
        s->tver++;
    }
    s->t[x].left = s->tfree;
    s->tfree = x;
    eng_run(e, j)->slot = UINT32_MAX;
}

/* GPUs of the running jobs whose estimated end is <= t. */
static int64_t gpus_ending_by(const backfill_state *s, int64_t t) {
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
static int64_t shadow_time(const backfill_state *s, int64_t need, int64_t *freed) {
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

static void backfill_destroy(engine *e, void *state) {
    backfill_state *s = state;
    aif_alloc_part ring[RING_PARTS];
    ring_parts(ring, s->n, s->nblk, s->next, s->prev, s->gpus, s->est, s->blk);
    aif_free_group(e->alloc, ring, RING_PARTS);
    aif_free(e->alloc, s->t, s->tcap * sizeof *s->t);
    aif_free(e->alloc, s->pend, s->pcap * sizeof *s->pend);
    aif_free(e->alloc, s, sizeof *s);
}

static aif_status backfill_create(engine *e, void **state) {
    backfill_state *s = aif_calloc(e->alloc, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    s->head = s->tail = s->root = s->first_new = s->last_head = NONE;
    s->tver = 1;
    s->changed = true;
    s->tcap = 256;
    s->t = aif_alloc(e->alloc, s->tcap * sizeof *s->t);
    s->pend = aif_alloc(e->alloc, s->tcap * sizeof *s->pend);
    s->pcap = s->pend != NULL ? s->tcap : 0;
    if (s->t == NULL || s->pend == NULL || ring_resize(s, e->alloc, RING_MIN, NULL) != AIF_OK) {
        backfill_destroy(e, s);
        return AIF_ENOMEM;
    }
    for (uint32_t i = 0; i < s->tcap; i++) {
        s->t[i].left = i + 1 < s->tcap ? i + 1 : NONE;
    }
    s->tfree = 0;
    *state = s;
    return AIF_OK;
}

/* The run time backfill assumes for j: its duration, times the estimate factor if set. */
static int64_t estimate_run(const engine *e, uint32_t j) {
    double f = e->cfg->estimate_factor;
    if (f <= 0 || f == 1) {
        return eng_job(e, j)->duration_ns; /* the common case, kept off the FPU */
    }
    /* Clamped to the job time limit so that the conversion is defined and now + the
     * estimate stays in int64 (now <= AIF_REPLAY_HORIZON_NS, replay.h). */
    double est = (double)eng_job(e, j)->duration_ns * f;
    return est < (double)AIF_JOB_TIME_LIMIT_NS ? (int64_t)est : AIF_JOB_TIME_LIMIT_NS;
}

static aif_status backfill_enqueue(engine *e, void *state, uint32_t j) {
    backfill_state *s = state;
    uint32_t lo = s->head == NONE || j < s->head ? j : s->head;
    uint32_t hi = s->tail == NONE || j > s->tail ? j : s->tail;
    if ((size_t)(hi - lo) + 1 > s->n) {
        size_t cap = s->n * 2;
        while (cap < (size_t)(hi - lo) + 1) {
            cap *= 2;
        }
        aif_status st = ring_resize(s, e->alloc, cap, NULL);
        if (st != AIF_OK) {
            return st;
        }
    }
    if (s->tail == NONE || j > s->tail) {
        list_append(s, j);
    } else {
        list_insert_ordered(s, j); /* preempted (backfill_left forced a full scan) */
    }
    s->gpus[j & s->mask] = (uint32_t)eng_job(e, j)->gpus;
    s->est[j & s->mask] = estimate_run(e, j);
    block_add(s, j);
    if (s->first_new == NONE) {
        s->first_new = j;
    }
    return AIF_OK;
}

/* Running job j ended or was preempted: it leaves the running set, and the next pass
 * scans from the head since GPUs were freed. */
static void backfill_left(engine *e, void *state, uint32_t j) {
    backfill_state *s = state;
    terase(s, e, j);
    s->changed = true;
}

static aif_status backfill_preempted(engine *e, void *state, uint32_t j) {
    backfill_left(e, state, j);
    return AIF_OK;
}

/* The ring is this policy's own (sized by the waiting span, not by the engine's ring), so
 * growing the engine's changes nothing here. A renumbering rewrites every id held: the
 * waiting list and its ring (rebuilt, and shrunk when the waiting span got much smaller:
 * it can only have shrunk), the treap nodes (their priorities stay, so the shape does;
 * order by (end, id) is kept) and the marks of the last pass. */
static aif_status backfill_remap(engine *e, void *state, const id_remap *m) {
    backfill_state *s = state;
    if (m->to == NULL) {
        return AIF_OK;
    }
    size_t cap = s->n;
    if (s->head != NONE) {
        size_t span = (size_t)(remap_id(m, s->tail) - remap_id(m, s->head)) + 1;
        while (cap > RING_MIN && cap / 4 >= span) {
            cap /= 2;
        }
    } else {
        cap = RING_MIN;
    }
    aif_status st = ring_resize(s, e->alloc, cap, m);
    if (st != AIF_OK) {
        return st;
    }
    for (uint32_t j = e->rhead; j != NONE; j = e->rnext[j & e->mask]) {
        s->t[eng_run(e, j)->slot].job = j;
    }
    s->first_new = remap_id(m, s->first_new);
    /* The last pass's head can only have left the queue by starting in a later pass, which
     * resets the mark; if it did anyway, the next pass must see a change, as it would have
     * (no live job has its id). */
    if (s->last_head != NONE && !remap_keeps(m, s->last_head)) {
        s->changed = true;
        s->last_head = NONE;
    } else {
        s->last_head = remap_id(m, s->last_head);
    }
    return AIF_OK;
}

/* Start j if it fits; *started says whether it did. */
static aif_status try_start(engine *e, backfill_state *s, uint32_t j, bool *started) {
    *started = false;
    if (eng_job(e, j)->gpus > eng_free(e)) {
        return AIF_OK;
    }
    aif_status st = treserve(s, e);
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
    block_remove(s, j);
    list_remove(s, j);
    tadd_pending(s, e, j, e->now + s->est[j & s->mask]);
    *started = true;
    return AIF_OK;
}

/* The blocked head's reservation: *shadow, the earliest estimated end by which enough
 * GPUs are free for it (INT64_MAX if never), and *extra, the GPUs spare at that time that
 * later jobs may use without delaying it. Cost O(log running) per job started since the
 * previous reservation and still running (they join the treap now), plus O(log running). */
static void reserve(const engine *e, backfill_state *s, int64_t *shadow, int64_t *extra) {
    tflush(s);
    int64_t free_now = eng_free(e);
    int64_t head_gpus = eng_job(e, s->head)->gpus;
    int64_t need = head_gpus - free_now;
    if (need < 1) {
        /* Enough GPUs by count, but placement (fragmentation) blocks the head: reserve
         * from the next estimated end, the earliest moment the shape can change. */
        need = 1;
    }
    if (s->q_ver != s->tver || s->q_need != need) {
        int64_t freed = 0;
        int64_t t = shadow_time(s, need, &freed);
        /* Every job ending at the shadow time frees its GPUs then, not only those the
         * prefix needed: count ties too, or the spare GPUs would depend on the order of
         * equal ends. */
        if (t != INT64_MAX) {
            freed = gpus_ending_by(s, t);
        }
        s->q_ver = s->tver;
        s->q_need = need;
        s->q_shadow = t;
        s->q_freed = freed;
    }
    *shadow = s->q_shadow;
    int64_t freed = s->q_freed;
    *extra = free_now + freed - head_gpus;
}

/* The blocked head's reservation, computed when a pass first needs it: most passes end
 * (no free GPUs) or skip everything (all too big) without it, and nothing starts before
 * it is known. */
typedef struct resv {
    bool known;
    int64_t shadow, extra; /* as reserve() gives them; extra goes down as jobs use it */
} resv;

static void resv_need(const engine *e, backfill_state *s, resv *r) {
    if (!r->known) {
        reserve(e, s, &r->shadow, &r->extra);
        r->known = true;
    }
}

/* Whether no waiting job of block b can start now: all are too big for the free GPUs, or
 * all are too big for the spare GPUs and end after the reservation. */
static bool block_hopeless(const engine *e, backfill_state *s, const wblock *b, int64_t free_gpus,
                           resv *r) {
    if ((int64_t)b->min_gpus > free_gpus) {
        return true;
    }
    resv_need(e, s, r);
    return (int64_t)b->min_gpus > r->extra && e->now + b->min_est > r->shadow;
}

/* Start candidate c (g GPUs, estimated run time est) now if it cannot delay the
 * reservation: it ends before it, or uses only GPUs it leaves over. */
static aif_status try_backfill(engine *e, backfill_state *s, uint32_t c, int64_t g, int64_t est,
                               int64_t free_gpus, resv *r, bool *started) {
    *started = false;
    if (g > free_gpus) {
        return AIF_OK; /* the cheapest test first: most candidates are too big */
    }
    resv_need(e, s, r);
    bool before = e->now + est <= r->shadow;
    if (g > r->extra && !before) {
        return AIF_OK;
    }
    aif_status st = try_start(e, s, c, started);
    if (*started && !before) {
        r->extra -= g;
    }
    return st;
}

/* While the scan walks a block from its first job, the bounds of the jobs it leaves
 * waiting there, to tighten the block's summary once it reaches the block's end. */
typedef struct walk {
    wblock *b; /* NULL: the scan entered the current block in its middle */
    uint32_t min_gpus;
    int64_t min_est;
} walk;

/* EASY's scan behind the blocked head, from waiting job `from` (NONE: nothing to scan),
 * looking at no more than scan_limit jobs (a skipped block counts all its jobs). */
static aif_status backfill_scan(engine *e, backfill_state *s, uint32_t from) {
    resv r = {0};
    walk w = {NULL, UINT32_MAX, INT64_MAX};
    uint32_t scanned = 0;
    uint32_t m = s->mask;
    for (uint32_t c = from; c != NONE && scanned < e->scan_limit;) {
        int64_t free_gpus = eng_free(e);
        if (free_gpus == 0) {
            break;
        }
        wblock *b = block_of(s, c);
        if (c == b->first) {
            if (block_hopeless(e, s, b, free_gpus, &r)) {
                if (e->scan_limit - scanned < b->count) {
                    break; /* the rest of the scan lies in this block: nothing starts */
                }
                scanned += b->count;
                c = s->next[b->last & m];
                continue;
            }
            w = (walk){b, UINT32_MAX, INT64_MAX};
        }
        /* Read before c may start and leave the list and its block. */
        uint32_t nx = s->next[c & m];
        bool last = c == b->last;
        uint32_t g = s->gpus[c & m];
        int64_t est = s->est[c & m];
        scanned++;
        bool started;
        aif_status st = try_backfill(e, s, c, g, est, free_gpus, &r, &started);
        if (st != AIF_OK) {
            return st;
        }
        if (w.b == b) {
            if (!started) {
                w.min_gpus = g < w.min_gpus ? g : w.min_gpus;
                w.min_est = est < w.min_est ? est : w.min_est;
            }
            if (last && b->count > 0) {
                b->min_gpus = w.min_gpus;
                b->min_est = w.min_est;
            }
        }
        c = nx;
    }
    return AIF_OK;
}

static aif_status backfill_schedule(engine *e, void *state) {
    backfill_state *s = state;
    bool started = true;
    while (s->head != NONE && started) {
        aif_status st = try_start(e, s, s->head, &started);
        if (st != AIF_OK) {
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
    uint32_t from = s->next[s->head & s->mask];
    if (!changed) {
        /* Only the jobs that arrived since the last pass can start. first_new may have
         * started in the FIFO part above; then so did all before it. */
        bool waits = eng_run(e, first_new)->state == JOB_WAITING && first_new != s->head;
        from = waits ? first_new : NONE;
    }
    return backfill_scan(e, s, from);
}

const policy_ops aif__policy_backfill = {
    .name = "backfill",
    .summary = "FIFO with EASY backfilling against the blocked head's reservation",
    .create = backfill_create,
    .destroy = backfill_destroy,
    .enqueue = backfill_enqueue,
    .finished = backfill_left,
    .schedule = backfill_schedule,
    .preempted = backfill_preempted,
    .remap = backfill_remap,
};
