/* Shared-internal interface between the replay engine (replay.c), the step-wise session
 * (session.c), the policies (policy_*.c) and the fifo + pool fast path (replay_fifo.c):
 * per-job run state, the operations a policy may perform (start, preempt), the policy ops
 * table, and an indexed binary heap of job ids used by several policies.
 *
 * Job ids are assigned in arrival order. Every per-job array (the engine's jobs, run state
 * and results, and the policies' own) is indexed by `id & mask`: aif_replay_run sizes them
 * to the whole job array with mask = UINT32_MAX (so the index is the id), while a session
 * keeps a power-of-two ring that covers the ids from the oldest unfinished job to the
 * newest. When that span outgrows the ring, the session either doubles the ring (ids
 * unchanged) or, when the live jobs fill little of it, compacts: it renumbers the live jobs
 * to consecutive ids from 0, in the same order, into a ring sized for them (the `remap`
 * hook). Since the renumbering is monotone, every comparison between two ids (arrival
 * order, tie-breaks) has the same outcome before and after, and the results do not change;
 * policies must therefore use ids only through comparisons and as indices, never for their
 * absolute value where it could change an outcome. */
#ifndef AIF_SCHED_INTERNAL_H
#define AIF_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "aifactory/cluster.h"
#include "aifactory/pq.h"
#include "aifactory/replay.h"
#include "aifactory/job.h"

enum { JOB_FUTURE, JOB_WAITING, JOB_RUNNING, JOB_DONE };

/* Event kinds in the engine's queue. Completions sort before timers at equal time. */
enum { EV_COMPLETE = 1, EV_TIMER = 2 };
enum { CLS_COMPLETE = 0, CLS_TIMER = 1 };

typedef struct job_run {
    int64_t remaining_ns; /* work left, excluding any pending resume overhead */
    int64_t run_since_ns; /* when the current run began (running jobs) */
    int64_t finish_ns;    /* when the current run ends (running jobs) */
    aif_pq_handle done;   /* completion event while running */
    uint32_t alloc;
    /* The policy's index for this job, UINT32_MAX when in none: its position in a jheap
     * (below), or backfill's running-set node (policy_backfill.c). */
    uint32_t slot;
    uint8_t state;
    uint8_t queue; /* las queue */
    bool started;  /* has run before: a new run is a resume and pays the overhead */
    bool resumed;  /* the current run is a resume */
} job_run;

typedef struct engine engine;
typedef struct policy_ops policy_ops;

/* A session's ring being re-placed (policy_ops.remap): the ids [lo, hi) were the known ones
 * from the oldest unfinished job, at `id & old_mask`. With `to` NULL the ring only grew
 * and ids are unchanged; otherwise the live jobs get new ids, and to[id & old_mask] is,
 * for every old id in [lo, hi), the number of live ids in [lo, id): the live job's new id,
 * or for a finished one the new id of the next live job (so a range of live ids maps to a
 * range). hi maps to to_hi, the number of live jobs. */
typedef struct id_remap {
    uint32_t old_mask;
    uint32_t lo, hi;
    const uint32_t *to;
    uint32_t to_hi;
} id_remap;

/* The new id of old id j (UINT32_MAX, the "no job" mark of every structure, is kept). */
static inline uint32_t remap_id(const id_remap *m, uint32_t j) {
    if (m->to == NULL || j == UINT32_MAX) {
        return j;
    }
    if (j < m->lo) {
        return 0;
    }
    return j < m->hi ? m->to[j & m->old_mask] : m->to_hi + (j - m->hi);
}

/* Whether old id j in [lo, hi) is one of the live jobs that keep their state (always
 * true when ids are unchanged: the ring's copy then keeps every slot). */
static inline bool remap_keeps(const id_remap *m, uint32_t j) {
    return m->to == NULL || remap_id(m, j) != remap_id(m, j + 1);
}

struct policy_ops {
    const char *name;
    const char *summary;
    bool preemptive;
    aif_status (*create)(engine *e, void **state);
    void (*destroy)(engine *e, void *state);
    /* A job became waiting (arrival, or preemption by the engine's caller). */
    aif_status (*enqueue)(engine *e, void *state, uint32_t j);
    /* A running job finished (its GPUs are already released). */
    void (*finished)(engine *e, void *state, uint32_t j);
    /* Start (and preempt) jobs at the current time. */
    aif_status (*schedule)(engine *e, void *state);
    /* A timer this policy set fired for job j (optional). The policy's handle is stale. */
    aif_status (*timer)(engine *e, void *state, uint32_t j);
    /* Running job j was preempted by the engine's caller (a session's capacity shrink),
     * after aif__engine_preempt: leave the policy's running structures. The engine then
     * calls enqueue for it, as for an arrival; j may be older than jobs already queued. */
    aif_status (*preempted)(engine *e, void *state, uint32_t j);
    /* A session re-placed the engine's per-job arrays (now e->mask, e->cap slots) and maybe
     * renumbered its live jobs (id_remap above); its counters, running list and arrivals
     * already use the new ids, the event queue's payloads not yet. Re-place the policy's
     * own per-job arrays and rewrite every job id it holds (remap_id). On failure
     * (AIF_ENOMEM) nothing of the policy changed and the engine rolls back. */
    aif_status (*remap)(engine *e, void *state, const id_remap *m);
};

struct engine {
    const aif_allocator *alloc;
    const aif_job *jobs; /* by id & mask, as run and out */
    size_t n;            /* ids [0, n) are known (submitted); arrivals come from next_arrival */
    size_t cap;          /* slots of every per-job array */
    uint32_t mask;       /* UINT32_MAX (replay) or cap - 1 (session ring) */
    uint32_t next_arrival;
    job_run *run;
    aif_replay_job *out;
    aif_cluster *cluster; /* NULL: a pool of `capacity` GPUs (sessions) */
    int64_t capacity;
    /* Busy GPU x time since the last take, split to stay exact in int64: whole
     * GPU-seconds and the GPU-nanoseconds below one second's worth. */
    int64_t busy_gpu_s;
    int64_t busy_gpu_ns;
    aif_pq *pq;
    const aif_replay_config *cfg;
    const policy_ops *ops;
    void *pstate;
    int64_t now;
    int64_t busy;
    size_t waiting;
    size_t running;
    uint64_t events;
    uint64_t preemptions;
    uint32_t scan_limit;
    /* Sessions: running jobs in start order (a list through these arrays, by id & mask;
     * rtail is the most recent start), so a capacity shrink finds its victims without a
     * scan. NULL in aif_replay_run, which does not keep it. */
    uint32_t *rnext, *rprev;
    uint32_t rhead, rtail;
    /* Called when a job completes (sessions), with its id. */
    void (*on_done)(void *ctx, uint64_t id, const aif_job *job, const aif_replay_job *result);
    void *done_ctx;
    uint64_t completed;
};

static inline const aif_job *eng_job(const engine *e, uint32_t j) {
    return &e->jobs[j & e->mask];
}

static inline job_run *eng_run(const engine *e, uint32_t j) {
    return &e->run[j & e->mask];
}

/* Free GPUs of the cluster, or of the session's pool. */
static inline int64_t eng_free(const engine *e) {
    return e->cluster ? aif_cluster_free_gpus(e->cluster) : e->capacity - e->busy;
}

/* Try to place and start waiting job j now. AIF_OK: started; AIF_EEMPTY: does not fit
 * (nothing changed); AIF_ENOMEM. The caller removes j from its own waiting structure. */
aif_status aif__engine_start(engine *e, uint32_t j);

/* Stop running job j, keep its progress, release its GPUs and make it waiting again. The
 * caller re-enqueues it in its own structures (the engine does not call enqueue). */
aif_status aif__engine_preempt(engine *e, uint32_t j);

/* Process every instant t' <= until (completions and timers, then arrivals of ids below
 * e->n with submit_ns == t', then one scheduling pass), integrating busy GPU-time, then
 * leave e->now = until when until is finite (INT64_MAX: run until nothing is left, now
 * stays at the last instant). Errors: those of the policy (AIF_ENOMEM). */
aif_status aif__engine_run_until(engine *e, int64_t until);

/* Set (replacing the pending one in *h, if any) a policy timer for job j at absolute
 * time t (clamped to now); the policy owns the handle and clears it when the timer fires. */
aif_status aif__engine_set_timer(engine *e, uint32_t j, int64_t t, aif_pq_handle *h);
void aif__engine_cancel_timer(engine *e, aif_pq_handle *h);

/* ---- Indexed binary min-heap of job ids by a 64-bit key (ties: smaller id first). ---- */
typedef struct jheap {
    uint32_t *ids;
    int64_t *keys; /* parallel to ids */
    uint32_t len;
    uint32_t cap;
    job_run *run; /* for slot, by id & mask */
    uint32_t mask;
} jheap;

aif_status aif__jheap_init(jheap *h, const aif_allocator *a, const engine *e, uint32_t cap);
void aif__jheap_free(jheap *h, const aif_allocator *a);
/* Make room for `cap` ids. On AIF_ENOMEM the heap is unchanged. */
aif_status aif__jheap_reserve(jheap *h, const aif_allocator *a, uint32_t cap);
/* Follow a session's re-placed ring: point at the engine's new run states and rewrite the
 * ids, and the keys by key_sign x (new id - old id) (0: keys do not hold the id; +1: key =
 * id or class x 2^32 + id; -1: the negation of such a key). The renumbering is monotone and
 * the keys move with it, so the heap order holds. */
void aif__jheap_remap(jheap *h, const engine *e, const id_remap *m, int key_sign);
void aif__jheap_push(jheap *h, uint32_t id, int64_t key); /* capacity must suffice */
uint32_t aif__jheap_pop(jheap *h);
void aif__jheap_remove(jheap *h, uint32_t id);
void aif__jheap_update(jheap *h, uint32_t id, int64_t key);

/* aif_replay_run with the fast paths allowed or not (fast_path = false always runs the
 * general event loop; the tests compare the two). Same contract as aif_replay_run. */
aif_status aif__replay_run_with(const aif_allocator *a, const aif_job *jobs, size_t n,
                                const aif_replay_config *cfg, bool fast_path, aif_replay **out);

/* ---- The fifo + pool fast path (replay_fifo.c) ---- */

/* Whether the fast path replays this configuration (ops: the policy found for it). */
bool aif__replay_fifo_pool_applies(const aif_replay_config *cfg, const policy_ops *ops);

/* Replay sorted `jobs` under fifo on a pool of cfg->gpus GPUs, writing every job's start
 * and end into out[0..n) (nodes and preemptions 0) and the event count into *events.
 * Validates the jobs as the general engine does: AIF_EINVAL (duration <= 0, gpus < 1,
 * unsorted), AIF_ERANGE (a job larger than the pool), AIF_ENOMEM. Cost O(n log running);
 * memory: the heap of running jobs only. */
aif_status aif__replay_fifo_pool(const aif_allocator *a, const aif_job *jobs, size_t n,
                                 const aif_replay_config *cfg, aif_replay_job *out,
                                 uint64_t *events);

/* The replay's checks of a configuration for n jobs (AIF_EINVAL when one fails). */
aif_status aif__replay_check_config(size_t n, const aif_replay_config *cfg);

/* Whether a job's submit time and duration are within AIF_JOB_TIME_LIMIT_NS and
 * AIF_JOB_DURATION_LIMIT_NS (job.h), the bounds that keep submit + duration and the
 * makespan in int64 ns. Three compares: the fifo fast path makes them per job. */
static inline bool aif__job_times_fit(int64_t submit_ns, int64_t duration_ns) {
    return submit_ns >= -AIF_JOB_TIME_LIMIT_NS && submit_ns <= AIF_JOB_TIME_LIMIT_NS &&
           duration_ns <= AIF_JOB_DURATION_LIMIT_NS;
}

/* Percentile helpers shared by summarize (replay.c) and the fused fifo path, which must give
 * identical values: the 0-based index of the nearest-rank percentile p in (0, 1] of n
 * values, and the k-th smallest of the values v[lo*stride], ..., v[hi*stride]
 * (quickselect, reordering only those values; lo <= k <= hi). */
size_t aif__replay_rank_index(size_t n, double p);
int64_t aif__replay_select(int64_t *v, size_t stride, size_t lo, size_t hi, size_t k);

/* The registry (sched.c). */
const policy_ops *aif__sched_policy(size_t i);

extern const policy_ops aif__policy_fifo;
extern const policy_ops aif__policy_backfill;
extern const policy_ops aif__policy_sjf;
extern const policy_ops aif__policy_srtf;
extern const policy_ops aif__policy_las;
extern const policy_ops aif__policy_priority;

#endif
