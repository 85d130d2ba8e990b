/* Cluster state and placement (see cluster.h): free-count buckets, a max segment tree over
 * node index, and a table of allocation pieces (node, GPUs) chained per job and recycled
 * through a free list, so placing and releasing never allocate in steady state. */
#include "aifactory/cluster.h"

#include <string.h>

#include "aifactory/rng.h"

typedef struct piece {
    uint32_t node;
    uint32_t gpus;
    uint32_t next; /* next piece of the same allocation, or of the free list; 0 = none */
} piece;

/* One group of equal nodes (a GPU type); the cluster is up to AIF_CLUSTER_MAX_GROUPS. */
typedef struct group {
    const aif_allocator *alloc;
    aif_placement placement;
    aif_rng *rng;   /* the cluster's */
    char *gpu_type; /* or NULL */
    size_t gpu_type_size;
    int32_t nodes_per_domain;
    int64_t gpus;
    int64_t free;
    int32_t k; /* GPUs per node */
    uint32_t nodes;
    uint8_t *node_free;   /* free GPUs per node */
    uint32_t *bucket;     /* (k + 1) arrays of `nodes` ids: nodes by free count */
    uint32_t *bucket_len; /* k + 1 lengths */
    uint32_t *pos;        /* node -> index in its bucket */
    int32_t *tree;        /* max segment tree over node_free, leaves at [tsize, 2 tsize) */
    uint32_t tsize;
    piece *pieces; /* pieces[0] unused so 0 can mean "none" */
    uint32_t piece_cap;
    uint32_t piece_free;
} group;

struct aif_cluster {
    const aif_allocator *alloc;
    aif_placement placement;
    int64_t gpus;
    int64_t free;
    int ngroups;
    group g[AIF_CLUSTER_MAX_GROUPS];
    aif_rng rng;
};

static const char *const placement_names[AIF_PLACE_COUNT] = {"pool", "first-fit", "best-fit",
                                                             "consolidated", "random"};

const char *aif_placement_name(aif_placement p) {
    return (unsigned)p < AIF_PLACE_COUNT ? placement_names[p] : "?";
}

aif_status aif_placement_parse(const char *name, aif_placement *out) {
    if (name == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    for (int i = 0; i < AIF_PLACE_COUNT; i++) {
        if (strcmp(name, placement_names[i]) == 0) {
            *out = (aif_placement)i;
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}

static void group_free(group *c) {
    const aif_allocator *a = c->alloc;
    if (a == NULL) {
        return; /* never initialized */
    }
    size_t n = c->nodes;
    aif_free(a, c->gpu_type, c->gpu_type_size);
    aif_free(a, c->node_free, n);
    aif_free(a, c->bucket, (size_t)(c->k + 1) * n * sizeof *c->bucket);
    aif_free(a, c->bucket_len, (size_t)(c->k + 1) * sizeof *c->bucket_len);
    aif_free(a, c->pos, n * sizeof *c->pos);
    aif_free(a, c->tree, 2 * (size_t)c->tsize * sizeof *c->tree);
    aif_free(a, c->pieces, (size_t)c->piece_cap * sizeof *c->pieces);
}

void aif_cluster_destroy(aif_cluster *c) {
    if (c == NULL) {
        return;
    }
    for (int i = 0; i < c->ngroups; i++) {
        group_free(&c->g[i]);
    }
    aif_free(c->alloc, c, sizeof *c);
}

static bool group_shape_ok(const aif_cluster_group *s, aif_placement placement) {
    if (s->nodes < 1 || s->gpus_per_node < 1 || s->nodes_per_domain < 0) {
        return false;
    }
    if (placement != AIF_PLACE_POOL && (s->gpus_per_node > 255 || s->nodes > (INT64_C(1) << 31))) {
        return false;
    }
    return s->nodes <= INT64_MAX / s->gpus_per_node;
}

static aif_status group_init(group *c, const aif_allocator *a, const aif_cluster_group *spec,
                             aif_placement placement, aif_rng *rng) {
    c->alloc = a;
    c->placement = placement;
    c->rng = rng;
    c->nodes_per_domain = spec->nodes_per_domain;
    c->gpus = c->free = spec->nodes * spec->gpus_per_node;
    c->k = spec->gpus_per_node;
    if (spec->gpu_type && spec->gpu_type[0]) {
        c->gpu_type_size = strlen(spec->gpu_type) + 1;
        c->gpu_type = aif_alloc(a, c->gpu_type_size);
        if (c->gpu_type == NULL) {
            c->gpu_type_size = 0;
            return AIF_ENOMEM;
        }
        memcpy(c->gpu_type, spec->gpu_type, c->gpu_type_size);
    }
    if (placement == AIF_PLACE_POOL) {
        return AIF_OK; /* no nodes to track */
    }
    uint32_t n = (uint32_t)spec->nodes;
    c->tsize = 1;
    while (c->tsize < n) {
        c->tsize *= 2;
    }
    size_t kb = (size_t)c->k + 1;
    /* Set sizes only once each block exists, so group_free frees exactly what was taken. */
    c->node_free = aif_alloc(a, n);
    c->nodes = c->node_free ? n : 0;
    if (c->node_free) {
        c->bucket = aif_alloc(a, kb * n * sizeof *c->bucket);
        c->bucket_len = aif_calloc(a, kb, sizeof *c->bucket_len);
        c->pos = aif_alloc(a, (size_t)n * sizeof *c->pos);
        c->tree = aif_calloc(a, 2 * (size_t)c->tsize, sizeof *c->tree);
        c->piece_cap = 1024;
        c->pieces = aif_alloc(a, c->piece_cap * sizeof *c->pieces);
    }
    if (!c->node_free || !c->bucket || !c->bucket_len || !c->pos || !c->tree || !c->pieces) {
        return AIF_ENOMEM;
    }
    uint32_t *full = c->bucket + (size_t)c->k * n;
    for (uint32_t i = 0; i < n; i++) {
        c->node_free[i] = (uint8_t)c->k;
        /* Reverse order so that taking from the end of the bucket yields node 0 first. */
        full[i] = n - 1 - i;
        c->pos[n - 1 - i] = i;
        c->tree[c->tsize + i] = c->k;
    }
    c->bucket_len[c->k] = n;
    for (uint32_t i = c->tsize; i-- > 1;) {
        int32_t l = c->tree[2 * i], r = c->tree[2 * i + 1];
        c->tree[i] = l > r ? l : r;
    }
    for (uint32_t i = 1; i < c->piece_cap; i++) {
        c->pieces[i].next = i + 1 < c->piece_cap ? i + 1 : 0;
    }
    c->piece_free = 1;
    return AIF_OK;
}

aif_status aif_cluster_create_groups(const aif_allocator *a, const aif_cluster_group *groups,
                                     size_t count, aif_placement placement, uint64_t seed,
                                     aif_cluster **out) {
    if (out == NULL || groups == NULL || count < 1 || count > AIF_CLUSTER_MAX_GROUPS ||
        (unsigned)placement >= AIF_PLACE_COUNT) {
        return AIF_EINVAL;
    }
    int64_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (!group_shape_ok(&groups[i], placement) ||
            total > INT64_MAX - groups[i].nodes * groups[i].gpus_per_node) {
            return AIF_EINVAL;
        }
        total += groups[i].nodes * groups[i].gpus_per_node;
    }
    a = a ? a : aif_allocator_system();
    aif_cluster *c = aif_calloc(a, 1, sizeof *c);
    if (c == NULL) {
        return AIF_ENOMEM;
    }
    c->alloc = a;
    c->placement = placement;
    c->gpus = c->free = total;
    aif_rng_seed(&c->rng, seed, 0x706c6163u); /* "plac": placement's own stream */
    for (size_t i = 0; i < count; i++) {
        c->ngroups = (int)i + 1;
        if (group_init(&c->g[i], a, &groups[i], placement, &c->rng) != AIF_OK) {
            aif_cluster_destroy(c);
            return AIF_ENOMEM;
        }
    }
    *out = c;
    return AIF_OK;
}

aif_status aif_cluster_create(const aif_allocator *a, int64_t gpus, int32_t gpus_per_node,
                              aif_placement placement, uint64_t seed, aif_cluster **out) {
    if (gpus < 1) {
        return AIF_EINVAL;
    }
    aif_cluster_group one = {.nodes = gpus, .gpus_per_node = 1};
    if (placement != AIF_PLACE_POOL) {
        if (gpus_per_node < 1 || gpus % gpus_per_node != 0) {
            return AIF_EINVAL;
        }
        one = (aif_cluster_group){.nodes = gpus / gpus_per_node, .gpus_per_node = gpus_per_node};
    }
    return aif_cluster_create_groups(a, &one, 1, placement, seed, out);
}

int64_t aif_cluster_gpus(const aif_cluster *c) {
    return c->gpus;
}

int64_t aif_cluster_free_gpus(const aif_cluster *c) {
    return c->free;
}

aif_placement aif_cluster_placement(const aif_cluster *c) {
    return c->placement;
}

size_t aif_cluster_group_count(const aif_cluster *c) {
    return (size_t)c->ngroups;
}

uint32_t aif_cluster_groups_of_type(const aif_cluster *c, const char *gpu_type) {
    uint32_t mask = 0;
    if (gpu_type && gpu_type[0]) {
        for (int i = 0; i < c->ngroups; i++) {
            if (c->g[i].gpu_type && strcmp(c->g[i].gpu_type, gpu_type) == 0) {
                mask |= UINT32_C(1) << i;
            }
        }
    }
    return mask ? mask : (UINT32_C(1) << c->ngroups) - 1;
}

int64_t aif_cluster_largest_group(const aif_cluster *c, uint32_t mask) {
    int64_t best = 0;
    for (int i = 0; i < c->ngroups; i++) {
        if ((mask >> i & 1) && c->g[i].gpus > best) {
            best = c->g[i].gpus;
        }
    }
    return best;
}

/* ---- Node bookkeeping ---- */

static uint32_t *bucket_of(group *c, int f) {
    return c->bucket + (size_t)f * c->nodes;
}

static void set_node_free(group *c, uint32_t node, int nf) {
    int of = c->node_free[node];
    /* Swap-remove from the old bucket, append to the new one. */
    uint32_t *ob = bucket_of(c, of);
    uint32_t p = c->pos[node];
    uint32_t last = ob[--c->bucket_len[of]];
    ob[p] = last;
    c->pos[last] = p;
    uint32_t *nb = bucket_of(c, nf);
    c->pos[node] = c->bucket_len[nf];
    nb[c->bucket_len[nf]++] = node;
    c->node_free[node] = (uint8_t)nf;
    uint32_t i = c->tsize + node;
    c->tree[i] = nf;
    for (i /= 2; i >= 1; i /= 2) {
        int32_t l = c->tree[2 * i], r = c->tree[2 * i + 1];
        int32_t m = l > r ? l : r;
        if (c->tree[i] == m) {
            break; /* ancestors are unchanged too */
        }
        c->tree[i] = m;
    }
}

/* Lowest-index node with at least r free GPUs, or UINT32_MAX. */
static uint32_t first_with(const group *c, int r) {
    if (c->tree[1] < r) {
        return UINT32_MAX;
    }
    uint32_t i = 1;
    while (i < c->tsize) {
        i = c->tree[2 * i] >= r ? 2 * i : 2 * i + 1;
    }
    return i - c->tsize;
}

/* Smallest free count f in [r, k] that has a node, or -1. */
static int tightest(const group *c, int r, int hi) {
    for (int f = r; f <= hi; f++) {
        if (c->bucket_len[f] > 0) {
            return f;
        }
    }
    return -1;
}

/* A node with free >= r chosen by the placement rule, or UINT32_MAX. */
static uint32_t choose_node(group *c, int r) {
    switch (c->placement) {
    case AIF_PLACE_FIRST_FIT:
        return first_with(c, r);
    case AIF_PLACE_RANDOM: {
        uint64_t total = 0;
        for (int f = r; f <= c->k; f++) {
            total += c->bucket_len[f];
        }
        if (total == 0) {
            return UINT32_MAX;
        }
        uint64_t x = aif_rng_below(c->rng, total);
        for (int f = r; f <= c->k; f++) {
            if (x < c->bucket_len[f]) {
                return bucket_of(c, f)[x];
            }
            x -= c->bucket_len[f];
        }
        return UINT32_MAX;
    }
    default: {
        int f = tightest(c, r, c->k);
        return f < 0 ? UINT32_MAX : bucket_of(c, f)[c->bucket_len[f] - 1];
    }
    }
}

static aif_status reserve_pieces(group *c, uint32_t count) {
    uint32_t have = 0;
    for (uint32_t p = c->piece_free; p && have < count; p = c->pieces[p].next) {
        have++;
    }
    if (have >= count) {
        return AIF_OK;
    }
    uint32_t ncap = c->piece_cap;
    while (ncap - c->piece_cap < count - have) {
        ncap *= 2;
    }
    piece *np = aif_realloc(c->alloc, c->pieces, c->piece_cap * sizeof *np, ncap * sizeof *np);
    if (np == NULL) {
        return AIF_ENOMEM;
    }
    for (uint32_t i = c->piece_cap; i < ncap; i++) {
        np[i].next = i + 1 < ncap ? i + 1 : c->piece_free;
    }
    c->piece_free = c->piece_cap;
    c->pieces = np;
    c->piece_cap = ncap;
    return AIF_OK;
}

/* Take `g` GPUs on `node`, prepending a piece to the chain *head. */
static void take(group *c, uint32_t node, int g, uint32_t *head) {
    uint32_t p = c->piece_free;
    c->piece_free = c->pieces[p].next;
    c->pieces[p] = (piece){node, (uint32_t)g, *head};
    *head = p;
    set_node_free(c, node, c->node_free[node] - g);
}

/* The shape "g/k whole nodes + one node for the remainder" is available now. */
static bool shape_fits(const group *c, int32_t g) {
    uint32_t whole = (uint32_t)(g / c->k);
    int rem = g % c->k;
    uint32_t full = c->bucket_len[c->k];
    if (rem == 0) {
        return full >= whole;
    }
    /* The remainder goes to a partial node when one fits it, else it needs one more. */
    return tightest(c, rem, c->k - 1) >= 0 ? full >= whole : full >= whole + 1;
}

static aif_status group_place(group *c, int32_t gpus, uint32_t *alloc, uint32_t *nodes) {
    if (gpus < 1) {
        return AIF_EINVAL;
    }
    if (gpus > c->free) {
        return AIF_EEMPTY;
    }
    if (c->placement == AIF_PLACE_POOL) {
        c->free -= gpus;
        *alloc = 0;
        *nodes = 0;
        return AIF_OK;
    }
    bool shape = shape_fits(c, gpus);
    bool split =
        !shape && (c->placement == AIF_PLACE_BEST_FIT || c->placement == AIF_PLACE_FIRST_FIT);
    if (!shape && !split) {
        return AIF_EEMPTY;
    }
    uint32_t need = shape ? (uint32_t)(gpus / c->k) + 1 : (uint32_t)gpus;
    if (reserve_pieces(c, need) != AIF_OK) {
        return AIF_ENOMEM;
    }
    uint32_t head = 0, count = 0;
    if (shape) {
        int rem = gpus % c->k;
        /* The remainder first, so that it never lands on a node the whole part needs when
         * a partial node could take it. */
        if (rem) {
            uint32_t node;
            int f = tightest(c, rem, c->k - 1);
            if (c->placement == AIF_PLACE_FIRST_FIT || c->placement == AIF_PLACE_RANDOM) {
                node = choose_node(c, rem);
                if (c->node_free[node] == c->k && f >= 0 &&
                    c->bucket_len[c->k] < (uint32_t)(gpus / c->k) + 1) {
                    /* Its pick would starve the whole part: use a partial node instead. */
                    node = bucket_of(c, f)[c->bucket_len[f] - 1];
                }
            } else {
                node = f >= 0 ? bucket_of(c, f)[c->bucket_len[f] - 1] : choose_node(c, rem);
            }
            take(c, node, rem, &head);
            count++;
        }
        for (int32_t w = 0; w < gpus / c->k; w++) {
            take(c, choose_node(c, c->k), c->k, &head);
            count++;
        }
    } else {
        int left = gpus;
        while (left > 0) {
            uint32_t node;
            if (c->placement == AIF_PLACE_FIRST_FIT) {
                node = first_with(c, 1);
            } else {
                int f = tightest(c, 1, c->k);
                node = bucket_of(c, f)[c->bucket_len[f] - 1];
            }
            int g = c->node_free[node] < left ? c->node_free[node] : left;
            take(c, node, g, &head);
            left -= g;
            count++;
        }
    }
    c->free -= gpus;
    *alloc = head;
    *nodes = count;
    return AIF_OK;
}

static void group_release(group *c, int32_t gpus, uint32_t alloc) {
    c->free += gpus;
    uint32_t p = alloc;
    while (p) {
        piece *pc = &c->pieces[p];
        uint32_t next = pc->next;
        set_node_free(c, pc->node, c->node_free[pc->node] + (int)pc->gpus);
        pc->next = c->piece_free;
        c->piece_free = p;
        p = next;
    }
}

/* An allocation id is the group in the top bits and the group's piece chain below. */
#define GROUP_SHIFT 28
#define PIECE_MASK  ((UINT32_C(1) << GROUP_SHIFT) - 1)

aif_status aif_cluster_place_in(aif_cluster *c, int32_t gpus, uint32_t groups, uint32_t *alloc,
                                uint32_t *nodes) {
    if (gpus < 1) {
        return AIF_EINVAL;
    }
    if (gpus > c->free) {
        return AIF_EEMPTY;
    }
    for (int i = 0; i < c->ngroups; i++) {
        if (!(groups >> i & 1) || gpus > c->g[i].free) {
            continue;
        }
        uint32_t a;
        aif_status st = group_place(&c->g[i], gpus, &a, nodes);
        if (st == AIF_EEMPTY) {
            continue;
        }
        if (st != AIF_OK) {
            return st;
        }
        if (a > PIECE_MASK) {
            /* More than 2^28 pieces live: the id cannot say which group; give it back. */
            group_release(&c->g[i], gpus, a);
            return AIF_ENOMEM;
        }
        c->free -= gpus;
        *alloc = (uint32_t)i << GROUP_SHIFT | a;
        return AIF_OK;
    }
    return AIF_EEMPTY;
}

aif_status aif_cluster_place(aif_cluster *c, int32_t gpus, uint32_t *alloc, uint32_t *nodes) {
    return aif_cluster_place_in(c, gpus, UINT32_MAX, alloc, nodes);
}

void aif_cluster_release(aif_cluster *c, int32_t gpus, uint32_t alloc) {
    c->free += gpus;
    group_release(&c->g[alloc >> GROUP_SHIFT], gpus, alloc & PIECE_MASK);
}
