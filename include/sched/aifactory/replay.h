/* Trace replay: run a job array (trace.h) through a scheduling policy (sched.h) on a
 * cluster (cluster.h) and report per-job times and summary metrics.
 *
 * The engine is a discrete-event loop over three sources: the sorted arrivals (a cursor,
 * never queued), job completions and policy timers (an aif_pq, cancellable on
 * preemption). At each distinct event time it applies every completion and timer, then
 * every arrival, then asks the policy to start (and, if preemptive, preempt) jobs once.
 * Under fifo + pool this is exactly the rule "whenever a job arrives or completes, start
 * jobs from the head while the head fits": durations are > 0, so batching the events of
 * one instant changes nothing. fifo on a pool cluster takes an exact fast path with the
 * same results (a heap of running jobs' ends and no per-job run state). A job holds its
 * GPUs for exactly its remaining duration; a preempted job keeps its progress and pays
 * `preempt_overhead_ns` again on each resume.
 *
 * Metrics (seconds): makespan = max(end) - min(submit); JCT = end - submit; wait = first
 * start - submit; slowdown = max(1, JCT / max(duration, 10 s)) (bounded slowdown); utilization =
 * sum(gpus * duration) / (gpus of the cluster * makespan). Percentiles are nearest-rank
 * over the exact values. */
#ifndef AIFACTORY_REPLAY_H
#define AIFACTORY_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/cluster.h"
#include "aifactory/status.h"
#include "aifactory/job.h"

#define AIF_REPLAY_LAS_MAX_QUEUES 8

/* The latest time a replay may reach: a job that would end later stops the run with
 * AIF_ERANGE. INT64_MAX less the job time limit (job.h), about 2162-01-01, so the makespan
 * (from a submit >= -limit) and any policy's now + an estimate or a timer (each clamped to
 * the limit) fit in int64 ns. */
#define AIF_REPLAY_HORIZON_NS (INT64_MAX - AIF_JOB_TIME_LIMIT_NS)
/* The largest estimate_factor and las_starve_factor a configuration may hold. */
#define AIF_REPLAY_FACTOR_MAX 1e6
/* The largest las threshold, in GPU-seconds (1e15: 16.7M GPUs for ~2 years). */
#define AIF_REPLAY_LAS_THRESHOLD_MAX_GPU_S 1e15

typedef struct aif_replay_config {
    const char *policy;      /* a name from sched.h; NULL = "fifo" */
    aif_placement placement; /* AIF_PLACE_POOL ignores gpus_per_node */
    int64_t gpus;            /* cluster size, >= 1 (unless groups are given) */
    int32_t gpus_per_node;   /* for node-aware placement */
    /* A heterogeneous cluster instead of gpus/gpus_per_node: `group_count` groups
     * (cluster.h). Jobs whose gpu_type names a group's type run only in such groups; the
     * names come from `names` (those of the trace the jobs were read from; none ignores
     * types). */
    const aif_cluster_group *groups;
    size_t group_count;
    aif_job_names names;
    uint64_t seed;          /* random placement */
    double estimate_factor; /* backfill: estimate = duration * factor (0 means 1) */
    int64_t preempt_overhead_ns;
    /* las: queue thresholds in attained GPU-seconds (ascending; queues = count + 1) and
     * the starvation rule: a job waiting longer than starve_factor * its last run is
     * promoted to the top queue with its attained service reset (0 disables). With count
     * 0 there are two queues split at 57,600 GPU-seconds (16 GPU-hours). */
    double las_thresholds_gpu_s[AIF_REPLAY_LAS_MAX_QUEUES - 1];
    int las_threshold_count;
    double las_starve_factor;
    /* Greedy policies (backfill, sjf, srtf, las, priority) look at most this many waiting
     * jobs past the first that cannot start, per scheduling pass (0 = 1000), as Slurm's
     * bf_max_job_test does; fifo never looks past the head. */
    uint32_t scan_limit;
    /* Called after each scheduling pass (once per distinct event time), if not NULL. */
    void (*on_step)(void *ctx, int64_t now_ns, int64_t busy_gpus, size_t queued, size_t running);
    void *step_ctx;
} aif_replay_config;

/* What happened to one job (index = position in the job array given to the run). */
typedef struct aif_replay_job {
    int64_t start_ns; /* first start */
    int64_t end_ns;
    uint32_t preemptions;
    uint32_t nodes; /* nodes spanned at the last start (0 under pool placement) */
} aif_replay_job;

typedef struct aif_replay_summary {
    size_t jobs;
    int64_t gpus;
    double makespan_s;
    double mean_jct_s, median_jct_s, p95_jct_s, p99_jct_s;
    double mean_wait_s, median_wait_s, p95_wait_s;
    double mean_slowdown;
    double gpu_utilization;
    uint64_t preemptions;
    uint64_t events;
} aif_replay_summary;

typedef struct aif_replay aif_replay;

/* Replay `n` jobs (sorted by submit_ns, as aif_trace_jobs gives them; the array is
 * borrowed for the call only). Errors: AIF_EINVAL (NULL, gpus < 1, unsorted jobs, bad
 * las thresholds, cluster shape, a negative or NaN factor), AIF_ENOTFOUND (unknown policy),
 * AIF_ERANGE (a job larger than the cluster: it could never run; a submit time or duration
 * past AIF_JOB_TIME_LIMIT_NS or AIF_JOB_DURATION_LIMIT_NS (job.h); a job that would end past
 * AIF_REPLAY_HORIZON_NS; a factor above AIF_REPLAY_FACTOR_MAX, a las threshold above
 * AIF_REPLAY_LAS_THRESHOLD_MAX_GPU_S or a preempt overhead above AIF_JOB_DURATION_LIMIT_NS),
 * AIF_ENOMEM. *out is untouched on error. Cost O(events log active) for fifo/pool; memory O(n). */
aif_status aif_replay_run(const aif_allocator *a, const aif_job *jobs, size_t n,
                          const aif_replay_config *config, aif_replay **out);

void aif_replay_destroy(aif_replay *r);

/* Per-job results, n entries, valid until destroy. */
const aif_replay_job *aif_replay_jobs(const aif_replay *r);

/* Summary metrics. Errors: AIF_ENOMEM (the percentiles need a copy of the times). */
aif_status aif_replay_summarize(const aif_replay *r, const aif_job *jobs, aif_replay_summary *out);

/* Summary over the subset of jobs with jobs[i].vc == vc (for per-VC breakdowns). */
aif_status aif_replay_summarize_vc(const aif_replay *r, const aif_job *jobs, uint32_t vc,
                                   aif_replay_summary *out);

/* ---- The fifo fast path over compact rows (summary only) ---- */

/* Whether `config` is one the fifo fast path replays exactly: fifo (or NULL policy) on a
 * pool (AIF_PLACE_POOL, no groups) with a valid configuration. aif_replay_run takes the
 * fast path by itself when this holds; readers that can produce compact rows
 * (aif_replay_fifo_read in trace.h) ask it before reading. O(policies). */
bool aif_replay_fifo_applies(const aif_replay_config *config);

/* Replay `n` compact rows, sorted stably by submit time, under fifo on a pool of
 * config->gpus GPUs and fill *out with the summary aif_replay_run + aif_replay_summarize
 * would give for the same jobs, bit for bit. The rows are consumed: on return each row's
 * submit_ns holds the job's JCT and its duration_ns its wait (ns). config->on_step is
 * called as aif_replay_run calls it. Errors: AIF_EINVAL (NULL out or config, a config for
 * which aif_replay_fifo_applies is false, a job with duration <= 0 or gpus < 1, rows out
 * of order), AIF_ERANGE (a job larger than the pool), AIF_ENOMEM; *out is untouched on
 * error. Cost O(n log running) plus O(n) expected for the percentiles; memory: the heap
 * of running jobs only. */
aif_status aif_replay_fifo_rows(const aif_allocator *a, aif_job_row *rows, size_t n,
                                const aif_replay_config *config, aif_replay_summary *out);

#endif
