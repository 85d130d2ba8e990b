/* Shared-internal interface between the fifo fast path over compact rows (replay_rows.c) and
 * the fifo + pool loop it reuses (replay_fifo.c); not a public API. */
#ifndef AIF_SCHED_REPLAY_ROWS_INTERNAL_H
#define AIF_SCHED_REPLAY_ROWS_INTERNAL_H

#include <stdint.h>

#include "aifactory/replay.h"
#include "aifactory/job.h"

/* What the fused path folds in as jobs start. */
typedef struct aif__fifo_acc {
    double sum_jct, sum_wait, sum_slow, gpu_s; /* seconds, summed in job order */
    int64_t last_end;                          /* INT64_MIN before any job */
} aif__fifo_acc;

/* aif__replay_fifo_pool (sched_internal.h) over compact rows, sorted as
 * aif__trace_read_rows gives them, folding the results into *acc (the sums in job order, as
 * aif_replay_summarize adds them) instead of writing per-job results: on success each
 * row's submit_ns holds the job's JCT and its duration_ns its wait (ns). Same errors
 * (AIF_EINVAL, AIF_ERANGE, AIF_ENOMEM) and cost; memory: the heap of running jobs only. */
aif_status aif__replay_fifo_rows(const aif_allocator *a, aif_job_row *rows, size_t n,
                                 const aif_replay_config *cfg, aif__fifo_acc *acc);

#endif
