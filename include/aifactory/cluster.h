/* The GPU cluster a scheduler places jobs on: a pool of fungible GPUs or a set of equal
 * nodes, and the placement rules that pick which nodes a job gets.
 *
 * Placement must stay cheap on million-GPU fleets, so node-aware placements never scan all
 * nodes: nodes are kept in buckets by free GPU count (O(1) to find the tightest node or a
 * whole free node, O(1) to move a node when its free count changes) and a max segment tree
 * over node index answers "lowest-index node with at least r free GPUs" in O(log nodes).
 *
 * Placement rules for a job of g GPUs on nodes of K GPUs:
 *   pool          GPUs are fungible: the job fits when g <= free GPUs. No nodes.
 *   consolidated  the fewest nodes possible: g < K on one node (the tightest that fits);
 *                 g >= K on g/K whole free nodes plus, if g % K != 0, one node (tightest)
 *                 for the remainder. If that shape is not available the job waits.
 *   best-fit      as consolidated; when the shape is not available but enough GPUs are
 *                 free, the job is split over the tightest nodes (fewest free first).
 *   first-fit     the lowest-index node(s) of the same shape; if unavailable, split over
 *                 nodes in index order.
 *   random        a uniformly random node among those that fit each part of the shape
 *                 (seeded); never split.
 * A job that is split or spans nodes holds exactly g GPUs (no rounding up to whole nodes). */
#ifndef AIFACTORY_CLUSTER_H
#define AIFACTORY_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

typedef enum aif_placement {
    AIF_PLACE_POOL,
    AIF_PLACE_FIRST_FIT,
    AIF_PLACE_BEST_FIT,
    AIF_PLACE_CONSOLIDATED,
    AIF_PLACE_RANDOM,
    AIF_PLACE_COUNT
} aif_placement;

/* "pool", "first-fit", "best-fit", "consolidated", "random"; "?" out of range. */
const char *aif_placement_name(aif_placement p);

/* Errors: AIF_EINVAL (NULL), AIF_ENOTFOUND (unknown name). */
aif_status aif_placement_parse(const char *name, aif_placement *out);

typedef struct aif_cluster aif_cluster;

/* A cluster of `gpus` GPUs in nodes of `gpus_per_node` (ignored by pool placement, which
 * has no nodes). `seed` drives random placement. Errors: AIF_EINVAL (gpus < 1,
 * gpus_per_node < 1, gpus not a multiple of gpus_per_node for node-aware placement, more
 * than 2^31 nodes, out NULL, bad placement), AIF_ENOMEM. Memory O(nodes * gpus_per_node)
 * for the buckets (about 40 bytes per node at 8 GPUs per node). */
aif_status aif_cluster_create(const aif_allocator *a, int64_t gpus, int32_t gpus_per_node,
                              aif_placement placement, uint64_t seed, aif_cluster **out);

void aif_cluster_destroy(aif_cluster *c);

int64_t aif_cluster_gpus(const aif_cluster *c);
int64_t aif_cluster_free_gpus(const aif_cluster *c);
aif_placement aif_cluster_placement(const aif_cluster *c);

/* Place a job of `gpus` GPUs now. On success *alloc identifies the allocation (0 for pool
 * placement) and *nodes the number of nodes it spans (0 for pool). Errors: AIF_EEMPTY when
 * the job does not fit now (nothing changed), AIF_EINVAL (gpus < 1), AIF_ENOMEM (the piece
 * table could not grow; nothing changed). Cost O(1) for pool and consolidated/best-fit
 * shapes, O(log nodes) per node for first-fit, plus O(pieces) for a split. */
aif_status aif_cluster_place(aif_cluster *c, int32_t gpus, uint32_t *alloc, uint32_t *nodes);

/* Give back the allocation made for a job of `gpus` GPUs. Cost O(nodes it spans). */
void aif_cluster_release(aif_cluster *c, int32_t gpus, uint32_t alloc);

#endif
