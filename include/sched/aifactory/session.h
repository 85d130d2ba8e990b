/* Step-wise scheduling: a session drives one of the replay policies (sched.h) over a pool
 * of GPUs whose size can change, with jobs submitted as they arrive instead of a whole
 * trace up front. The fleet simulation runs its research jobs through it.
 *
 * A session is aif_replay_run cut into steps: the same engine and the same policy code, the
 * same per-instant rule (at each distinct event time: completions and timers, then
 * arrivals, then one scheduling pass). Fed a whole trace with a constant capacity it gives
 * exactly aif_replay_run's per-job results. What it adds: submit() appends a job (ids are
 * assigned 0, 1, 2, ... in submission order, which must be arrival order);
 * set_capacity() resizes the pool at the current time, preempting the most recently
 * started jobs when the running ones no longer fit; advance() runs time forward; busy
 * GPU-time is integrated for the caller's accounting.
 *
 * Memory is bounded by the number of live jobs (submitted and not finished), not by the
 * number ever submitted nor by how far apart the live ones are: per-job state lives in
 * power-of-two rings indexed by an internal id. When the ids from the oldest unfinished job
 * to the newest outgrow the ring, the session doubles it if the live jobs fill more than
 * half of it, and otherwise compacts: it renumbers the live jobs to consecutive internal
 * ids in the same order, into a ring of at least twice their number, which changes no
 * result (every policy orders jobs by arrival the same way). So a ring holds fewer than
 * 4 x (peak live jobs + 1) slots, or 256, even when a job running for months pins the
 * oldest id; each re-placement costs O(ring) and comes at least half a ring of submissions
 * after the previous one. A job that never finishes (too large for every capacity it
 * meets, or starved) stays live and keeps its slot. Results of finished jobs are handed out
 * once, through the on_done callback, under the ids submit() gave. */
#ifndef AIFACTORY_SESSION_H
#define AIFACTORY_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/replay.h"
#include "aifactory/status.h"
#include "aifactory/job.h"

typedef struct aif_sched_session aif_sched_session;

/* Counters and the current state (aif_sched_session_stats). */
typedef struct aif_sched_session_stats {
    int64_t now_ns;
    int64_t capacity_gpus;
    int64_t busy_gpus;
    size_t waiting, running;
    uint64_t submitted, completed;
    uint64_t preemptions;          /* all: by the policy and by capacity shrinks */
    uint64_t capacity_preemptions; /* those made by set_capacity */
    uint64_t events;               /* as aif_replay_summary.events */
    size_t slots;                  /* ring size of the per-job arrays now */
    uint64_t compactions;          /* times the live jobs were renumbered into a new ring */
} aif_sched_session_stats;

/* Called once per finished job with its id, the job as submitted and its result
 * (start_ns = first start, end_ns, preemptions; nodes 0). Both pointers are valid for the
 * call only. */
typedef void (*aif_sched_session_done_fn)(void *ctx, uint64_t id, const aif_job *job,
                                          const aif_replay_job *result);

/* Create a session at time 0 with `config->gpus` GPUs (>= 0; 0 is allowed: nothing runs
 * until capacity is set). The config is copied; its policy, preempt overhead, estimate
 * factor, las settings, scan limit and on_step are used; placement must be
 * AIF_PLACE_POOL and group_count 0 (a session has no node topology). Errors: AIF_EINVAL
 * (NULL, bad settings as aif_replay_run, non-pool placement), AIF_ENOTFOUND (unknown
 * policy), AIF_ENOMEM. *out is untouched on error. Cost O(1) plus a small initial ring. */
aif_status aif_sched_session_create(const aif_allocator *a, const aif_replay_config *config,
                                    aif_sched_session **out);

/* Free the session and everything it holds (NULL is a no-op). Unfinished jobs are dropped
 * without callbacks. */
void aif_sched_session_destroy(aif_sched_session *s);

/* Set the callback for finished jobs (NULL: none). */
void aif_sched_session_on_done(aif_sched_session *s, aif_sched_session_done_fn fn, void *ctx);

/* Append a job (copied; id, name and string fields are kept but not used). It arrives at
 * job->submit_ns, which must be >= the session's current time and >= the previous
 * submission's; its id (the number of jobs submitted before it, a 64-bit count that
 * internal renumbering never changes) goes to *id (may be NULL). Errors: AIF_EINVAL (NULL,
 * duration <= 0, gpus < 1, submit time too early), AIF_ERANGE (over 2^30 jobs live at once: the
 * ring would pass 2^31 slots), AIF_ESTATE (an earlier call failed midway), AIF_ENOMEM (the
 * ring could not be re-placed; the session is unchanged). Cost O(1) amortized; re-placing
 * the ring (growing or compacting it) costs O(ring + pending events). A job larger than
 * every capacity it meets waits forever. */
aif_status aif_sched_session_submit(aif_sched_session *s, const aif_job *job, uint64_t *id);

/* Resize the pool to `gpus` (>= 0) at the current time. While the running jobs hold more
 * than that, the most recently started one (at one instant: the one started last) is
 * preempted: it keeps its progress, pays preempt_overhead_ns when it resumes, goes back to
 * the policy's queue and counts in preemptions and capacity_preemptions. Then the policy
 * makes one scheduling pass (growing capacity can start waiting jobs at once). Errors:
 * AIF_EINVAL (gpus < 0, NULL), AIF_ESTATE (an earlier failure), AIF_ENOMEM (before any
 * preemption: the session is unchanged; later: the session is failed). Cost O(1) per
 * preempted job (running jobs are kept in start order) plus one scheduling pass. */
aif_status aif_sched_session_set_capacity(aif_sched_session *s, int64_t gpus);

/* Run every instant up to and including t (completions and policy timers, then arrivals,
 * then a scheduling pass, as aif_replay_run), calling on_done for each finished job, and
 * leave the current time at t. Errors: AIF_EINVAL (t before the current time), AIF_ESTATE,
 * AIF_ENOMEM (the session is then failed: later calls return AIF_ESTATE). Cost
 * O(events log active) as the replay. */
aif_status aif_sched_session_advance(aif_sched_session *s, int64_t t);

/* Busy GPU-seconds accumulated (busy GPUs integrated over time) since the previous call or
 * the creation, and reset. Exact to the GPU-nanosecond internally; returned as a double. */
double aif_sched_session_take_busy_gpu_s(aif_sched_session *s);

/* The counters and current state. */
void aif_sched_session_stats_get(const aif_sched_session *s, aif_sched_session_stats *out);

#endif
