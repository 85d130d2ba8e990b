/* Hooks into the scheduling session (session.c) for its own tests only. */
#ifndef AIF_SCHED_SESSION_INTERNAL_H
#define AIF_SCHED_SESSION_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "aifactory/session.h"

/* Renumber the live jobs whenever internal ids reach `id_limit` (>= 1; by default only near
 * 2^32, so tests lower it to force a compaction every few submissions), and allow
 * compaction at all (`compact`; false: the rings only double, the behaviour before
 * compaction existed, kept to compare results with). */
void aif__sched_session_tune(aif_sched_session *s, uint32_t id_limit, bool compact);

#endif
