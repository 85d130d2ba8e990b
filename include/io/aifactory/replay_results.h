/* Saving a finished trace replay (replay.h) into a results store (results.h). */
#ifndef AIFACTORY_REPLAY_RESULTS_H
#define AIFACTORY_REPLAY_RESULTS_H

#include <stdint.h>

#include "aifactory/replay.h"
#include "aifactory/results.h"
#include "aifactory/trace.h"

/* Write a finished replay into run `run_id` of the results store `db`: the configuration
 * as params (policy, placement, gpus, ...), the summary as metrics (with units), and one
 * `jobs` row per job (submit, start and end in seconds since the trace's first
 * submission, preemptions as interruptions, status "completed"). Time series are the
 * caller's (see on_step). Errors: those of aif_results_add_* (AIF_EIO, AIF_ENOMEM,
 * AIF_ESTATE), AIF_EINVAL for NULL arguments. Cost O(jobs). */
aif_status aif_replay_save(aif_results *db, int64_t run_id, const aif_trace *trace,
                           const aif_replay *r, const aif_replay_config *config);

#endif
