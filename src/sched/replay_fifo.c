/* The exact fast path of the replay engine for fifo on a pool cluster (no node topology,
 * no GPU types), the case the speed target measures. It follows the same rule as
 * the general loop in replay.c (at each distinct event time: every completion, then every
 * arrival, then start jobs from the head while the head fits) but keeps only what that
 * case needs: arrivals are a cursor over the sorted job array, the waiting queue is the
 * index range [head, next) of that array, and running jobs live in a binary min-heap of
 * (end time, GPU count) pairs. A job's start and end are both known when it starts, so its
 * result is written once, in job order, and no per-job run state exists at all. The
 * results are identical to the general engine's, job by job (tests/unit/test_replay_fast.c
 * compares the two).
 *
 * The same loop also serves the fused read-and-replay (replay_rows.c), whose jobs are
 * compact rows (aif_job_row, job.h) and whose results are folded into the summary's sums as
 * jobs start, in job order (the order aif_replay_summarize adds them in), so that no
 * per-job result array exists. The loop is written once, reading the jobs through small
 * typed accessors, and inlined into both callers with their layout as a constant. */
#include <stddef.h>

#include "aifactory/pages.h"
#include "replay_rows_internal.h"
#include "sched_internal.h"

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

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* The jobs the loop replays, through one of two typed arrays: the replay's full records
 * (aif_job) or the fused path's compact rows (aif_job_row), where the results also go.
 * `compact` is a constant at each of the two call sites below and the loop is inlined into
 * both, so each copy reads its one layout with no test. */
typedef struct fifo_input {
    const aif_job *jobs; /* when !compact */
    aif_job_row *rows;   /* when compact */
    bool compact;
} fifo_input;

static ALWAYS_INLINE int64_t in_submit(const fifo_input *in, size_t i) {
    return in->compact ? in->rows[i].submit_ns : in->jobs[i].submit_ns;
}

static ALWAYS_INLINE int64_t in_duration(const fifo_input *in, size_t i) {
    return in->compact ? in->rows[i].duration_ns : in->jobs[i].duration_ns;
}

static ALWAYS_INLINE int64_t in_gpus(const fifo_input *in, size_t i) {
    return in->compact ? in->rows[i].gpus : in->jobs[i].gpus;
}

/* Job i (g GPUs) started at t and ends at end: write its result to out[i], or (compact
 * rows) fold it into acc and leave its JCT and wait in its row. The loop never reads a
 * started job's row again (arrivals are read at `next`, past every started job). */
static ALWAYS_INLINE void record_start(const fifo_input *in, size_t i, int64_t g, int64_t t,
                                       int64_t end, aif_replay_job *out, aif__fifo_acc *acc) {
    if (!in->compact) {
        out[i] = (aif_replay_job){.start_ns = t, .end_ns = end};
        return;
    }
    aif_job_row *row = &in->rows[i];
    /* The same expressions, in the same order, as aif_replay_summarize. */
    int64_t jct = end - row->submit_ns, wait = t - row->submit_ns;
    double d = (double)row->duration_ns / 1e9;
    double j_s = (double)jct / 1e9;
    acc->sum_jct += j_s;
    acc->sum_wait += (double)wait / 1e9;
    double slow = j_s / (d > 10 ? d : 10);
    acc->sum_slow += slow > 1 ? slow : 1;
    acc->gpu_s += d * (double)g;
    acc->last_end = end > acc->last_end ? end : acc->last_end;
    row->submit_ns = jct;
    row->duration_ns = wait;
}

/* Admit the arrivals at time t from *next on, validating them as they arrive, in index
 * order, so the first bad job is the one the general engine's up-front pass reports. */
static ALWAYS_INLINE aif_status admit(const fifo_input *in, size_t n, int64_t pool, int64_t t,
                                      size_t *next) {
    size_t i = *next;
    for (; i < n && in_submit(in, i) == t; i++) {
        if (in_duration(in, i) <= 0 || in_gpus(in, i) < 1) {
            *next = i;
            return AIF_EINVAL;
        }
        if (in_gpus(in, i) > pool || !aif__job_times_fit(t, in_duration(in, i))) {
            *next = i;
            return AIF_ERANGE;
        }
    }
    *next = i;
    return AIF_OK;
}

/* The fifo + pool loop over `in`: with compact rows the results are folded into acc (see
 * record_start), otherwise written to out. */
static ALWAYS_INLINE aif_status fifo_loop(const aif_allocator *a, const fifo_input *in, size_t n,
                                          const aif_replay_config *cfg, aif_replay_job *out,
                                          aif__fifo_acc *acc) {
    const int64_t gpus = cfg->gpus;
    heap h = {.alloc = a};
    aif_status st = AIF_OK;
    int64_t free_gpus = gpus;
    size_t head = 0, next = 0;
    int64_t now = INT64_MIN;
    /* The results are written once, in job order: their pages are arranged ahead of the
     * writer as the trace reader does for its job array (trace_pages.c). */
    aif__pages pages = {0};
    size_t mark = in->compact ? SIZE_MAX : 0;
    while (next < n || h.len > 0) {
        int64_t t = h.len > 0 ? h.v[0].end_ns : INT64_MAX;
        if (next < n && in_submit(in, next) < t) {
            t = in_submit(in, next);
        }
        /* An unsorted job shows up here as time going backwards. */
        if (t < now) {
            st = AIF_EINVAL;
            break;
        }
        now = t;
        while (h.len > 0 && h.v[0].end_ns == t) {
            free_gpus += heap_pop(&h);
        }
        if ((st = admit(in, n, gpus, t, &next)) != AIF_OK) {
            break;
        }
        while (head < next && in_gpus(in, head) <= free_gpus) {
            if (head >= mark) {
                size_t m = aif__pages_next(&pages, out, n * sizeof *out, head * sizeof *out);
                mark = (m + sizeof *out - 1) / sizeof *out;
            }
            int64_t g = in_gpus(in, head);
            /* t <= the horizon and the duration is checked on admission: no overflow. */
            int64_t end = t + in_duration(in, head);
            if (end > AIF_REPLAY_HORIZON_NS) {
                st = AIF_ERANGE; /* the general engine's start refuses the same job */
                break;
            }
            if ((st = heap_push(&h, end, g)) != AIF_OK) {
                break;
            }
            free_gpus -= g;
            record_start(in, head, g, t, end, out, acc);
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
    return st;
}

bool aif__replay_fifo_pool_applies(const aif_replay_config *cfg, const policy_ops *ops) {
    return ops == &aif__policy_fifo && cfg->placement == AIF_PLACE_POOL && cfg->group_count == 0;
}

aif_status aif__replay_fifo_pool(const aif_allocator *a, const aif_job *jobs, size_t n,
                                 const aif_replay_config *cfg, aif_replay_job *out,
                                 uint64_t *events) {
    fifo_input in = {.jobs = jobs, .compact = false};
    aif_status st = fifo_loop(a, &in, n, cfg, out, NULL);
    /* Every job arrives once and completes once: the general engine's event count. */
    *events = 2 * (uint64_t)n;
    return st;
}

aif_status aif__replay_fifo_rows(const aif_allocator *a, aif_job_row *rows, size_t n,
                                 const aif_replay_config *cfg, aif__fifo_acc *acc) {
    *acc = (aif__fifo_acc){.last_end = INT64_MIN};
    fifo_input in = {.rows = rows, .compact = true};
    return fifo_loop(a, &in, n, cfg, NULL, acc);
}
