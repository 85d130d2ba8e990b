/* Frontier training under failures: the checkpoint/restart arithmetic of one synchronous
 * (gang-scheduled) run, shared by the fleet engine and by a standalone Monte Carlo.
 *
 * A run needs `work_s` seconds of failure-free progress on its GPUs. Interruptions arrive
 * as a Poisson process at rate_per_gpu_year x GPUs (the Llama 3 figure is 0.17 per
 * GPU-year: one interruption every ~3.1 h on 16,384 GPUs). A checkpoint is taken every
 * `checkpoint_s` seconds of progress since the last (re)start, at no cost; an interruption
 * loses the progress since the last checkpoint and the run is down for `restart_s` before it
 * resumes (no failure can strike while it is down). Two measures come out: goodput (useful
 * work / wall time) and the effective training time in the Llama 3 sense (time spent
 * training, recomputed work included, / wall time), which differ by the lost work. */
#ifndef AIFACTORY_TRAINING_H
#define AIFACTORY_TRAINING_H

#include <stdint.h>

#include "aifactory/rng.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

/* The state of one run between events. Times are simulated ns; work in seconds. */
typedef struct aif_train_progress {
    double work_s;          /* failure-free progress the run needs */
    double saved_s;         /* progress safe in a checkpoint */
    double checkpoint_s;    /* progress between checkpoints (> 0) */
    double restart_s;       /* down time after each interruption (>= 0) */
    aif_time running_since; /* when progress resumed from saved_s */
    long interruptions;
    double lost_s; /* progress lost to interruptions */
    double down_s; /* time spent restarting */
} aif_train_progress;

/* Start a run at `now`. Errors: AIF_EINVAL (p NULL, work_s <= 0, checkpoint_s <= 0,
 * restart_s < 0, or any of them not finite). O(1). */
aif_status aif_train_progress_start(aif_train_progress *p, double work_s, double checkpoint_s,
                                    double restart_s, aif_time now);

/* When the run finishes if nothing interrupts it (rounded up to the next ns);
 * AIF_TIME_MAX when that is beyond every aif_time (the run never finishes). O(1). */
aif_time aif_train_progress_finish_time(const aif_train_progress *p);

/* Progress made by `now` (saved plus what is in flight, never beyond work_s; the saved part
 * alone while restarting). O(1). */
double aif_train_progress_done_s(const aif_train_progress *p, aif_time now);

/* An interruption at `now` (running_since <= now < finish time): keep whole checkpoints of
 * the progress since running_since, lose the rest, and resume at now + restart_s.
 * Errors: AIF_EINVAL (NULL), AIF_ESTATE (now outside the running interval). O(1). */
aif_status aif_train_progress_interrupt(aif_train_progress *p, aif_time now);

/* Mean time between interruptions, in seconds, of `gpus` GPUs at `rate_per_gpu_year`
 * (year = 365.25 days); INFINITY when the rate or the GPU count is 0. O(1). */
double aif_train_mtbi_s(double rate_per_gpu_year, double gpus);

/* Standalone Monte Carlo of one run (no event loop): parameters and outcome. */
typedef struct aif_train_params {
    double work_s;
    double gpus;
    double rate_per_gpu_year;
    double checkpoint_s;
    double restart_s;
} aif_train_params;

typedef struct aif_train_outcome {
    double wall_s;
    long interruptions;
    double lost_s;
    double down_s;
    double goodput;         /* work_s / wall_s */
    double effective_time;  /* (wall_s - down_s) / wall_s: Llama 3's measure */
    double mean_interval_s; /* wall_s / interruptions (INFINITY when none) */
} aif_train_outcome;

/* Run `p` to completion drawing interruption gaps from `rng` (consumed: one exponential per
 * interruption plus one). Errors: AIF_EINVAL (NULL, bad parameters, negative rate or GPUs),
 * AIF_ERANGE (the run would exceed ~292 simulated years). Cost O(interruptions). */
aif_status aif_train_simulate(const aif_train_params *p, aif_rng *rng, aif_train_outcome *out);

/* Closed-form expectations for the model above (renewal argument per checkpoint segment of
 * length C at failure rate L with restart R: E[time] = (1/L + R)(exp(L C) - 1), for
 * work_s a whole number of segments): expected goodput and effective training time. O(1). */
void aif_train_expected(const aif_train_params *p, double *goodput, double *effective_time);

#endif
