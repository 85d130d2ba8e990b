/* The registry of scheduling policies for trace replay (and, later, the fleet simulation).
 *
 * Policies are named plugins in one static table; the CLI's --policy and --list-policies
 * and scenario files select them by name. The policies themselves live in src/sched/ and
 * are driven by the replay engine (replay.h):
 *   fifo      strict FIFO: start from the head while the head fits; a blocked head blocks all.
 *   backfill  FIFO with EASY backfilling against the blocked head's reservation.
 *   sjf       shortest job first by trace duration, non-preemptive.
 *   srtf      shortest remaining time first, preemptive.
 *   las       Tiresias-style discretized two-dimensional least-attained-service (attained
 *             GPU-time), preemptive, with starvation promotion; uses no duration knowledge.
 *   priority  by the trace's priority column (higher first), preemptive across classes. */
#ifndef AIFACTORY_SCHED_H
#define AIFACTORY_SCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/status.h"

/* Number of registered policies; indices 0..count-1 are stable within a build. */
size_t aif_sched_policy_count(void);

/* Name and one-line summary of policy i; NULL when i is out of range. */
const char *aif_sched_policy_name(size_t i);
const char *aif_sched_policy_summary(size_t i);

/* Whether policy i may preempt running jobs. false when out of range. */
bool aif_sched_policy_preemptive(size_t i);

/* Index of the policy called `name`. Errors: AIF_EINVAL (NULL), AIF_ENOTFOUND. */
aif_status aif_sched_policy_find(const char *name, size_t *index);

#endif
