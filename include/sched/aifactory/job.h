/* Jobs as the schedulers see them: the full record a trace reader produces (aif_job) and
 * the compact row the fifo fast path replays (aif_job_row). Sched owns these types; io's
 * trace readers fill them. */
#ifndef AIFACTORY_JOB_H
#define AIFACTORY_JOB_H

#include <stdint.h>

/* The largest submit time a job may carry either side of 1970-01-01, and the longest
 * duration: 100 and 50 years of 365.25 days, in seconds and in nanoseconds. Why: int64 ns
 * holds +-292 years, so a submit plus a duration (<= 150 years) stays within the replay's
 * horizon (AIF_REPLAY_HORIZON_NS, replay.h, about 192 years) and the span from the earliest
 * submit to any end fits too. Trace readers refuse rows past them; the replay engine
 * refuses such jobs with AIF_ERANGE. */
#define AIF_JOB_TIME_LIMIT_S      INT64_C(3155760000)
#define AIF_JOB_DURATION_LIMIT_S  INT64_C(1577880000)
#define AIF_JOB_DURATION_LIMIT_NS (AIF_JOB_DURATION_LIMIT_S * INT64_C(1000000000))
#define AIF_JOB_TIME_LIMIT_NS     (AIF_JOB_TIME_LIMIT_S * INT64_C(1000000000))

/* One job. String fields are ids into the trace's intern table (0 = absent, ""). */
typedef struct aif_job {
    int64_t submit_ns;   /* as in the file (absolute epoch time for dated formats) */
    int64_t duration_ns; /* > 0: the time the job holds its GPUs when run uninterrupted */
    int64_t id;          /* numeric job id, or the 1-based data row when the id is not a number */
    int32_t gpus;        /* >= 1 whole GPUs requested */
    int32_t gpu_milli;   /* share of each GPU in 1/1000 (1000 = whole GPU; Alibaba sharing) */
    int32_t priority;    /* larger = more important; 0 when the trace has none */
    uint32_t name;       /* the job id text when it is not a plain integer, else 0 */
    uint32_t user;
    uint32_t vc;
    uint32_t gpu_type;
    uint32_t status;
    uint32_t line; /* 1-based line of the row in the file (its first line if quoted newlines) */
} aif_job;

/* The names behind a job's string ids (gpu_type, user, ...): `name(ctx, id)` returns the
 * text of id, "" for 0. A trace supplies its intern table this way (aif_trace_names in
 * trace.h) without sched knowing what a trace is. A zeroed value means "no names". */
typedef struct aif_job_names {
    const void *ctx;
    const char *(*name)(const void *ctx, uint32_t id);
} aif_job_names;

/* What a fifo replay on a pool needs of a job, 24 bytes instead of aif_job's 64; the
 * first two fields sit where aif_job has them, so one loop reads both layouts. */
typedef struct aif_job_row {
    int64_t submit_ns;
    int64_t duration_ns;
    int32_t gpus;
} aif_job_row;

#endif
