/* The policy registry (sched.h) and the indexed job heap shared by the policies. */
#include "aifactory/sched.h"

#include <string.h>

#include "sched_internal.h"

static const policy_ops *const registry[] = {
    &aif__policy_fifo, &aif__policy_backfill, &aif__policy_sjf,
    &aif__policy_srtf, &aif__policy_las,      &aif__policy_priority,
};

#define POLICY_COUNT (sizeof registry / sizeof registry[0])

size_t aif_sched_policy_count(void) {
    return POLICY_COUNT;
}

const policy_ops *aif__sched_policy(size_t i) {
    return i < POLICY_COUNT ? registry[i] : NULL;
}

const char *aif_sched_policy_name(size_t i) {
    return i < POLICY_COUNT ? registry[i]->name : NULL;
}

const char *aif_sched_policy_summary(size_t i) {
    return i < POLICY_COUNT ? registry[i]->summary : NULL;
}

bool aif_sched_policy_preemptive(size_t i) {
    return i < POLICY_COUNT && registry[i]->preemptive;
}

aif_status aif_sched_policy_find(const char *name, size_t *index) {
    if (name == NULL || index == NULL) {
        return AIF_EINVAL;
    }
    for (size_t i = 0; i < POLICY_COUNT; i++) {
        if (strcmp(registry[i]->name, name) == 0) {
            *index = i;
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}

/* ---- Indexed binary heap ---- */

aif_status aif__jheap_init(jheap *h, const aif_allocator *a, const engine *e, uint32_t cap) {
    cap = cap ? cap : 1;
    h->ids = aif_alloc(a, cap * sizeof *h->ids);
    h->keys = aif_alloc(a, cap * sizeof *h->keys);
    h->len = 0;
    h->cap = cap;
    h->run = e->run;
    h->mask = e->mask;
    if (h->ids == NULL || h->keys == NULL) {
        aif__jheap_free(h, a);
        return AIF_ENOMEM;
    }
    return AIF_OK;
}

void aif__jheap_free(jheap *h, const aif_allocator *a) {
    aif_free(a, h->ids, h->cap * sizeof *h->ids);
    aif_free(a, h->keys, h->cap * sizeof *h->keys);
    h->ids = NULL;
    h->keys = NULL;
}

aif_status aif__jheap_reserve(jheap *h, const aif_allocator *a, uint32_t cap) {
    if (cap <= h->cap) {
        return AIF_OK;
    }
    uint32_t *ids = aif_alloc(a, cap * sizeof *ids);
    int64_t *keys = aif_alloc(a, cap * sizeof *keys);
    if (ids == NULL || keys == NULL) {
        aif_free(a, ids, cap * sizeof *ids);
        aif_free(a, keys, cap * sizeof *keys);
        return AIF_ENOMEM;
    }
    memcpy(ids, h->ids, h->len * sizeof *ids);
    memcpy(keys, h->keys, h->len * sizeof *keys);
    aif__jheap_free(h, a);
    h->ids = ids;
    h->keys = keys;
    h->cap = cap;
    return AIF_OK;
}

void aif__jheap_remap(jheap *h, const engine *e, const id_remap *m, int key_sign) {
    h->run = e->run;
    h->mask = e->mask;
    for (uint32_t i = 0; i < h->len; i++) {
        uint32_t to = remap_id(m, h->ids[i]);
        h->keys[i] += key_sign * ((int64_t)to - (int64_t)h->ids[i]);
        h->ids[i] = to;
    }
}

static bool less(const jheap *h, uint32_t a, uint32_t b) {
    return h->keys[a] < h->keys[b] || (h->keys[a] == h->keys[b] && h->ids[a] < h->ids[b]);
}

static void put(jheap *h, uint32_t i, uint32_t id, int64_t key) {
    h->ids[i] = id;
    h->keys[i] = key;
    h->run[id & h->mask].slot = i;
}

static void sift_up(jheap *h, uint32_t i) {
    uint32_t id = h->ids[i];
    int64_t key = h->keys[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!(key < h->keys[p] || (key == h->keys[p] && id < h->ids[p]))) {
            break;
        }
        put(h, i, h->ids[p], h->keys[p]);
        i = p;
    }
    put(h, i, id, key);
}

static void sift_down(jheap *h, uint32_t i) {
    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        if (l < h->len && less(h, l, m)) {
            m = l;
        }
        if (l + 1 < h->len && less(h, l + 1, m)) {
            m = l + 1;
        }
        if (m == i) {
            return;
        }
        uint32_t id = h->ids[i];
        int64_t key = h->keys[i];
        put(h, i, h->ids[m], h->keys[m]);
        put(h, m, id, key);
        i = m;
    }
}

void aif__jheap_push(jheap *h, uint32_t id, int64_t key) {
    uint32_t i = h->len++;
    put(h, i, id, key);
    sift_up(h, i);
}

void aif__jheap_remove(jheap *h, uint32_t id) {
    uint32_t i = h->run[id & h->mask].slot;
    h->run[id & h->mask].slot = UINT32_MAX;
    uint32_t last = --h->len;
    if (i != last) {
        uint32_t moved = h->ids[last];
        put(h, i, moved, h->keys[last]);
        sift_down(h, i);
        sift_up(h, h->run[moved & h->mask].slot);
    }
}

uint32_t aif__jheap_pop(jheap *h) {
    uint32_t id = h->ids[0];
    aif__jheap_remove(h, id);
    return id;
}

void aif__jheap_update(jheap *h, uint32_t id, int64_t key) {
    uint32_t i = h->run[id & h->mask].slot;
    h->keys[i] = key;
    sift_up(h, i);
    sift_down(h, h->run[id & h->mask].slot);
}
