/* Hooks into the event queue for its own tests only. */
#ifndef AIF_CORE_PQ_INTERNAL_H
#define AIF_CORE_PQ_INTERNAL_H

#include <stdint.h>

#include "aifactory/pq.h"

/* Make the queue renumber its compact sequence numbers after `limit` pushes instead of
 * 2^29, so tests can exercise renumbering without half a billion pushes. */
void aif__pq_set_seq_limit(aif_pq *pq, uint64_t limit);

#endif
