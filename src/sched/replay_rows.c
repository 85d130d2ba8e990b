/* The fifo fast path over compact rows (aif_replay_fifo_rows in replay.h), which io uses
 * to read and replay a trace in one pass (aif_replay_fifo_read in trace.h): the
 * trace reader keeps compact rows (trace.c), the fifo loop folds the results into the
 * summary's sums as jobs start and leaves each job's JCT and wait in its row
 * (replay_fifo.c), and the percentiles are then selected exactly from those values. The
 * general path's memory is a 64-byte aif_job and a 24-byte result per job; this path's is
 * a 24-byte row, so the whole run touches about a third of the memory. */
#include <string.h>

#include "aifactory/replay.h"
#include "aifactory/sched.h"
#include "replay_rows_internal.h"
#include "sched_internal.h"

/* Ascending percentiles p[0..count) of n values in seconds: each selection leaves the
 * values above its rank to the right, so the next (higher) one searches only there. */
static void percentiles(int64_t *v, size_t stride, size_t n, const double *p, double *const *out,
                        int count) {
    size_t lo = 0;
    for (int i = 0; i < count; i++) {
        size_t k = aif__replay_rank_index(n, p[i]);
        /* The values stay in their rows (stride: each row's JCT or wait field); copying them
         * out would add a buffer a third the size of the rows. */
        *out[i] = (double)aif__replay_select(v, stride, lo, n - 1, k) / 1e9;
        lo = k;
    }
}

bool aif_replay_fifo_applies(const aif_replay_config *cfg) {
    size_t pi;
    return cfg != NULL &&
           aif_sched_policy_find(cfg->policy ? cfg->policy : "fifo", &pi) == AIF_OK &&
           aif__replay_fifo_pool_applies(cfg, aif__sched_policy(pi)) &&
           aif__replay_check_config(0, cfg) == AIF_OK;
}

aif_status aif_replay_fifo_rows(const aif_allocator *a, aif_job_row *rows, size_t n,
                                const aif_replay_config *cfg, aif_replay_summary *s) {
    if (s == NULL || (rows == NULL && n > 0) || !aif_replay_fifo_applies(cfg) ||
        aif__replay_check_config(n, cfg) != AIF_OK) {
        return AIF_EINVAL;
    }
    /* The first submit time is gone once the loop has run (rows then hold JCTs). */
    int64_t first = n ? rows[0].submit_ns : 0;
    aif__fifo_acc acc;
    aif_status st = aif__replay_fifo_rows(a, rows, n, cfg, &acc);
    if (st != AIF_OK) {
        return st;
    }
    memset(s, 0, sizeof *s);
    s->gpus = cfg->gpus;
    s->events = 2 * (uint64_t)n;
    s->jobs = n;
    if (n == 0) {
        return AIF_OK;
    }
    s->makespan_s = (double)(acc.last_end - first) / 1e9;
    s->mean_jct_s = acc.sum_jct / (double)n;
    s->mean_wait_s = acc.sum_wait / (double)n;
    s->mean_slowdown = acc.sum_slow / (double)n;
    s->gpu_utilization = s->makespan_s > 0 ? acc.gpu_s / ((double)cfg->gpus * s->makespan_s) : 0;
    static const double jct_p[3] = {0.5, 0.95, 0.99};
    static const double wait_p[2] = {0.5, 0.95};
    double *const jct_out[3] = {&s->median_jct_s, &s->p95_jct_s, &s->p99_jct_s};
    double *const wait_out[2] = {&s->median_wait_s, &s->p95_wait_s};
    /* Each row is three int64s wide: JCT (in submit_ns), wait (in duration_ns), GPUs. */
    _Static_assert(sizeof(aif_job_row) == 3 * sizeof(int64_t), "rows of three int64s");
    int64_t *v = &rows[0].submit_ns;
    percentiles(v, 3, n, jct_p, jct_out, 3);
    percentiles(v + 1, 3, n, wait_p, wait_out, 2);
    return AIF_OK;
}
