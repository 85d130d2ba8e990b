/* Hooks into the event queue for its own tests only. */
#ifndef AIF_CORE_PQ_INTERNAL_H
#define AIF_CORE_PQ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/pq.h"

/* Make the queue renumber its compact sequence numbers after `limit` pushes instead of
 * 2^29, so tests can exercise renumbering without half a billion pushes. */
void aif__pq_set_seq_limit(aif_pq *pq, uint64_t limit);

/* Make the queue turn its far tier on at `tier_min` heap entries instead of 4096 and aim
 * at `bucket_aim` (>= 1) entries per bucket instead of 256, so tests can exercise bucket
 * spreading, refills and flattening with small queues. Call it on a new, empty queue. */
void aif__pq_set_tiers(aif_pq *pq, size_t tier_min, size_t bucket_aim);

#endif
