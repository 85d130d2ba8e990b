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
#include <stddef.h>
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

/* Groups of equal nodes; a heterogeneous cluster has one group per GPU type (or shape). */
#define AIF_CLUSTER_MAX_GROUPS 16

typedef struct aif_cluster_group {
    const char *gpu_type;     /* e.g. "H100"; NULL or "" for untyped (copied) */
    int64_t nodes;            /* >= 1 */
    int32_t gpus_per_node;    /* >= 1; <= 255 for node-aware placement */
    int32_t nodes_per_domain; /* NVLink domain / rack size in nodes; 0 = unknown. Recorded
                               * and reported, not yet used by placement */
} aif_cluster_group;

/* A cluster of `count` groups (1..AIF_CLUSTER_MAX_GROUPS). A job is placed in the first
 * group, in the given order, that can take it whole (jobs never span groups).
 * Errors: AIF_EINVAL (bad counts or shapes, NULL), AIF_ENOMEM. */
aif_status aif_cluster_create_groups(const aif_allocator *a, const aif_cluster_group *groups,
                                     size_t count, aif_placement placement, uint64_t seed,
                                     aif_cluster **out);

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

/* As aif_cluster_place, only in the groups whose bit is set in `groups` (bit i = group i;
 * UINT32_MAX = any). Cost: the above per group tried, in group order. */
aif_status aif_cluster_place_in(aif_cluster *c, int32_t gpus, uint32_t groups, uint32_t *alloc,
                                uint32_t *nodes);

/* Number of groups (1 for aif_cluster_create). */
size_t aif_cluster_group_count(const aif_cluster *c);

/* The group mask for a job asking for `gpu_type`: the groups of that type, or all groups
 * when the type is NULL, empty or matches none (the job then runs anywhere). O(groups). */
uint32_t aif_cluster_groups_of_type(const aif_cluster *c, const char *gpu_type);

/* GPUs of the largest group in `groups`: the biggest job those groups can ever run. */
int64_t aif_cluster_largest_group(const aif_cluster *c, uint32_t groups);

/* A cluster description read from a file (the value type owns its names). */
typedef struct aif_cluster_spec {
    aif_cluster_group groups[AIF_CLUSTER_MAX_GROUPS];
    size_t count;
    char names[AIF_CLUSTER_MAX_GROUPS][64];
} aif_cluster_spec;

/* Give back the allocation made for a job of `gpus` GPUs. Cost O(nodes it spans). */
void aif_cluster_release(aif_cluster *c, int32_t gpus, uint32_t alloc);

#endif
