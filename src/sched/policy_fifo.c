/* Strict FIFO, the reference policy: waiting jobs start in arrival order, and a job that
 * does not fit (too few free GPUs, or no placement on the cluster's nodes) blocks every job
 * behind it. It is kept plain on purpose: the fifo + pool fast path (replay_fifo.c) and
 * EASY backfill (policy_backfill.c) are checked against it, so it should be obviously right.
 *
 * Ids are given in arrival order and jobs start in that order, so the waiting jobs are the
 * id range [head, arrived) and need no list. The only exception is a running job preempted
 * by a session's capacity shrink (session.c): it arrived before every job of the range, so
 * it waits in a small heap by id that is served before the range. */
#include "sched_internal.h"

typedef struct fifo_state {
    uint32_t head;    /* oldest arrival that has not started */
    uint32_t arrived; /* one past the newest arrival */
    jheap preempted;  /* preempted jobs by id; allocated at the first one */
} fifo_state;

static aif_status fifo_create(engine *e, void **state) {
    fifo_state *s = aif_calloc(e->alloc, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    *state = s;
    return AIF_OK;
}

static void fifo_destroy(engine *e, void *state) {
    fifo_state *s = state;
    aif__jheap_free(&s->preempted, e->alloc);
    aif_free(e->alloc, s, sizeof *s);
}

/* Room for one more preempted job (the heap is made or doubled on demand). */
static aif_status preempted_reserve(engine *e, fifo_state *s) {
    jheap *h = &s->preempted;
    if (h->ids == NULL) {
        return aif__jheap_init(h, e->alloc, e, 64);
    }
    return h->len < h->cap ? AIF_OK : aif__jheap_reserve(h, e->alloc, h->cap * 2);
}

static aif_status fifo_enqueue(engine *e, void *state, uint32_t j) {
    fifo_state *s = state;
    if (j >= s->arrived) {
        s->arrived = j + 1; /* an arrival: ids come in order */
        return AIF_OK;
    }
    aif_status st = preempted_reserve(e, s);
    if (st == AIF_OK) {
        aif__jheap_push(&s->preempted, j, j);
    }
    return st;
}

/* The heap indexes the engine's run states, which a session may have re-placed; the range
 * [head, arrived) holds only waiting (live) jobs, so it maps to a range. */
static aif_status fifo_remap(engine *e, void *state, const id_remap *m) {
    fifo_state *s = state;
    s->head = remap_id(m, s->head);
    s->arrived = remap_id(m, s->arrived);
    aif__jheap_remap(&s->preempted, e, m, 1); /* keyed by id */
    return AIF_OK;
}

/* Start j if it fits now; *started says whether it did. */
static aif_status start_if_fits(engine *e, uint32_t j, bool *started) {
    *started = false;
    if (eng_job(e, j)->gpus > eng_free(e)) {
        return AIF_OK; /* the cheap test first: the engine's placement is not free */
    }
    aif_status st = aif__engine_start(e, j);
    if (st == AIF_EEMPTY) {
        return AIF_OK; /* enough GPUs, but no placement */
    }
    *started = st == AIF_OK;
    return st;
}

/* Start from the front of the queue (preempted jobs, then the range) until one does not
 * fit. */
static aif_status fifo_schedule(engine *e, void *state) {
    fifo_state *s = state;
    bool started = true;
    aif_status st = AIF_OK;
    while (st == AIF_OK && started && s->preempted.len > 0) {
        st = start_if_fits(e, s->preempted.ids[0], &started);
        if (started) {
            aif__jheap_pop(&s->preempted);
        }
    }
    while (st == AIF_OK && started && s->head < s->arrived) {
        st = start_if_fits(e, s->head, &started);
        s->head += started;
    }
    return st;
}

const policy_ops aif__policy_fifo = {
    .name = "fifo",
    .summary = "strict FIFO: start from the head while the head fits; a blocked head blocks all",
    .create = fifo_create,
    .destroy = fifo_destroy,
    .enqueue = fifo_enqueue,
    .schedule = fifo_schedule,
    .remap = fifo_remap,
};
