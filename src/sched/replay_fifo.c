/* The exact fast path of the replay engine for fifo on a pool cluster (no node topology,
 * no GPU types), the case the speed target measures. It follows the same rule as
 * the general loop in replay.c (at each distinct event time: every completion, then every
 * arrival, then start jobs from the head while the head fits) but keeps only what that
 * case needs: arrivals are a cursor over the sorted job array, the waiting queue is the
 * index range [head, next) of that array, and running jobs live in a binary min-heap of
 * (end time, GPU count) pairs. A job's start and end are both known when it starts, so its
 * result is written once, in job order, and no per-job run state exists at all. The
 * results are identical to the general engine's, job by job (tests/unit/test_replay_fast.c
 * compares the two). */
#include "io/trace_internal.h"
#include "sched/sched_internal.h"

typedef struct running {
    int64_t end_ns;
    int64_t gpus;
} running;

typedef struct heap {
    const aif_allocator *alloc;
    running *v;
    size_t len;
    size_t cap;
} heap;

static aif_status heap_push(heap *h, int64_t end_ns, int64_t gpus) {
    if (h->len == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 256;
        running *nv = aif_realloc(h->alloc, h->v, h->cap * sizeof *nv, ncap * sizeof *nv);
        if (nv == NULL) {
            return AIF_ENOMEM;
        }
        h->v = nv;
        h->cap = ncap;
    }
    /* Hole-based sift-up: move parents down and write the new entry once. */
    size_t i = h->len++;
    while (i > 0 && h->v[(i - 1) / 2].end_ns > end_ns) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = (running){end_ns, gpus};
    return AIF_OK;
}

/* Remove the minimum (the heap must not be empty) and return its GPU count. */
static int64_t heap_pop(heap *h) {
    running *v = h->v;
    int64_t gpus = v[0].gpus;
    running last = v[--h->len];
    size_t n = h->len, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) {
            break;
        }
        c += c + 1 < n && v[c + 1].end_ns < v[c].end_ns;
        if (v[c].end_ns >= last.end_ns) {
            break;
        }
        v[i] = v[c];
        i = c;
    }
    v[i] = last;
    return gpus;
}

bool aif__replay_fifo_pool_applies(const aif_replay_config *cfg, const policy_ops *ops) {
    return ops == &aif__policy_fifo && cfg->placement == AIF_PLACE_POOL && cfg->group_count == 0;
}

aif_status aif__replay_fifo_pool(const aif_allocator *a, const aif_job *jobs, size_t n,
                                 const aif_replay_config *cfg, aif_replay_job *out,
                                 uint64_t *events) {
    const int64_t gpus = cfg->gpus;
    heap h = {.alloc = a};
    aif_status st = AIF_OK;
    int64_t free_gpus = gpus;
    size_t head = 0, next = 0;
    int64_t now = INT64_MIN;
    /* The results are written once, in job order: their pages are arranged ahead of the
     * writer as the trace reader does for its job array (trace_pages.c). */
    aif__pages pages = {0};
    size_t mark = 0;
    while (next < n || h.len > 0) {
        int64_t t = h.len > 0 ? h.v[0].end_ns : INT64_MAX;
        if (next < n && jobs[next].submit_ns < t) {
            t = jobs[next].submit_ns;
        }
        /* Jobs are validated as they arrive, in index order, so the first bad job is the
         * one the general engine's up-front pass would report. An unsorted job shows up
         * here as time going backwards. */
        if (t < now) {
            st = AIF_EINVAL;
            break;
        }
        now = t;
        while (h.len > 0 && h.v[0].end_ns == t) {
            free_gpus += heap_pop(&h);
        }
        while (next < n && jobs[next].submit_ns == t) {
            const aif_job *j = &jobs[next];
            if (j->duration_ns <= 0 || j->gpus < 1) {
                st = AIF_EINVAL;
                break;
            }
            if (j->gpus > gpus) {
                st = AIF_ERANGE;
                break;
            }
            next++;
        }
        if (st != AIF_OK) {
            break;
        }
        while (head < next && jobs[head].gpus <= free_gpus) {
            if (head >= mark) {
                size_t m = aif__pages_next(&pages, out, n * sizeof *out, head * sizeof *out);
                mark = (m + sizeof *out - 1) / sizeof *out;
            }
            int64_t end = t + jobs[head].duration_ns;
            if ((st = heap_push(&h, end, jobs[head].gpus)) != AIF_OK) {
                break;
            }
            free_gpus -= jobs[head].gpus;
            out[head] = (aif_replay_job){.start_ns = t, .end_ns = end};
            head++;
        }
        if (st != AIF_OK) {
            break;
        }
        if (cfg->on_step) {
            cfg->on_step(cfg->step_ctx, t, gpus - free_gpus, next - head, h.len);
        }
    }
    aif_free(a, h.v, h.cap * sizeof *h.v);
    /* Every job arrives once and completes once: the general engine's event count. */
    *events = 2 * (uint64_t)n;
    return st;
}
