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

struct aif_cluster {
    const aif_allocator *alloc;
    aif_placement placement;
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

void aif_cluster_destroy(aif_cluster *c) {
    if (c == NULL) {
        return;
    }
    const aif_allocator *a = c->alloc;
    size_t n = c->nodes;
    aif_free(a, c->node_free, n);
    aif_free(a, c->bucket, (size_t)(c->k + 1) * n * sizeof *c->bucket);
    aif_free(a, c->bucket_len, (size_t)(c->k + 1) * sizeof *c->bucket_len);
    aif_free(a, c->pos, n * sizeof *c->pos);
    aif_free(a, c->tree, 2 * (size_t)c->tsize * sizeof *c->tree);
    aif_free(a, c->pieces, (size_t)c->piece_cap * sizeof *c->pieces);
    aif_free(a, c, sizeof *c);
}

aif_status aif_cluster_create(const aif_allocator *a, int64_t gpus, int32_t gpus_per_node,
                              aif_placement placement, uint64_t seed, aif_cluster **out) {
    if (out == NULL || gpus < 1 || (unsigned)placement >= AIF_PLACE_COUNT) {
        return AIF_EINVAL;
    }
    bool nodes_needed = placement != AIF_PLACE_POOL;
    if (nodes_needed && (gpus_per_node < 1 || gpus_per_node > 255 || gpus % gpus_per_node != 0 ||
                         gpus / gpus_per_node > (INT64_C(1) << 31))) {
        return AIF_EINVAL;
    }
    a = a ? a : aif_allocator_system();
    aif_cluster *c = aif_calloc(a, 1, sizeof *c);
    if (c == NULL) {
        return AIF_ENOMEM;
    }
    c->alloc = a;
    c->placement = placement;
    c->gpus = c->free = gpus;
    aif_rng_seed(&c->rng, seed, 0x706c6163u); /* "plac": placement's own stream */
    if (!nodes_needed) {
        *out = c;
        return AIF_OK;
    }
    c->k = gpus_per_node;
    uint32_t n = (uint32_t)(gpus / gpus_per_node);
    c->nodes = n;
    c->tsize = 1;
    while (c->tsize < n) {
        c->tsize *= 2;
    }
    size_t kb = (size_t)c->k + 1;
    c->node_free = aif_alloc(a, n);
    c->bucket = aif_alloc(a, kb * n * sizeof *c->bucket);
    c->bucket_len = aif_calloc(a, kb, sizeof *c->bucket_len);
    c->pos = aif_alloc(a, (size_t)n * sizeof *c->pos);
    c->tree = aif_calloc(a, 2 * (size_t)c->tsize, sizeof *c->tree);
    c->piece_cap = 1024;
    c->pieces = aif_alloc(a, c->piece_cap * sizeof *c->pieces);
    if (!c->node_free || !c->bucket || !c->bucket_len || !c->pos || !c->tree || !c->pieces) {
        aif_cluster_destroy(c);
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
    *out = c;
    return AIF_OK;
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

/* ---- Node bookkeeping ---- */

static uint32_t *bucket_of(aif_cluster *c, int f) {
    return c->bucket + (size_t)f * c->nodes;
}

static void set_node_free(aif_cluster *c, uint32_t node, int nf) {
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
static uint32_t first_with(const aif_cluster *c, int r) {
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
static int tightest(const aif_cluster *c, int r, int hi) {
    for (int f = r; f <= hi; f++) {
        if (c->bucket_len[f] > 0) {
            return f;
        }
    }
    return -1;
}

/* A node with free >= r chosen by the placement rule, or UINT32_MAX. */
static uint32_t choose_node(aif_cluster *c, int r) {
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
        uint64_t x = aif_rng_below(&c->rng, total);
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

static aif_status reserve_pieces(aif_cluster *c, uint32_t count) {
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
static void take(aif_cluster *c, uint32_t node, int g, uint32_t *head) {
    uint32_t p = c->piece_free;
    c->piece_free = c->pieces[p].next;
    c->pieces[p] = (piece){node, (uint32_t)g, *head};
    *head = p;
    set_node_free(c, node, c->node_free[node] - g);
}

/* The shape "g/k whole nodes + one node for the remainder" is available now. */
static bool shape_fits(const aif_cluster *c, int32_t g) {
    uint32_t whole = (uint32_t)(g / c->k);
    int rem = g % c->k;
    uint32_t full = c->bucket_len[c->k];
    if (rem == 0) {
        return full >= whole;
    }
    /* The remainder goes to a partial node when one fits it, else it needs one more. */
    return tightest(c, rem, c->k - 1) >= 0 ? full >= whole : full >= whole + 1;
}

aif_status aif_cluster_place(aif_cluster *c, int32_t gpus, uint32_t *alloc, uint32_t *nodes) {
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

void aif_cluster_release(aif_cluster *c, int32_t gpus, uint32_t alloc) {
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
