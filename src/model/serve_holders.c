/* Which replicas cache each prefix unit (serve_internal.h), for prefix-affinity routing: an
 * open-addressing table (linear probing, backward-shift deletion) from a unit's key to the
 * replicas whose caches hold it, kept in step with every cache insert and eviction. With
 * it the router looks only at replicas that hold one of the prompt's units instead of
 * asking every replica's cache. */
#include <string.h>

#include "serve_internal.h"

static long home(const serve_holders *h, uint64_t key) {
    return (long)((key * 0x9E3779B97F4A7C15ull) >> 24) & (h->cap - 1);
}

static long slot_of(const serve_holders *h, uint64_t key) {
    if (h->cap == 0) {
        return -1;
    }
    for (long i = home(h, key);; i = (i + 1) & (h->cap - 1)) {
        if (h->slots[i].key == key) {
            return i;
        }
        if (h->slots[i].key == 0) {
            return -1;
        }
    }
}

const serve_holder_entry *aif__serve_holders_get(const serve_holders *h, uint64_t key) {
    long i = slot_of(h, key);
    return i < 0 ? NULL : &h->slots[i];
}

static void put(serve_holders *h, serve_holder_entry e) {
    long i = home(h, e.key);
    while (h->slots[i].key != 0) {
        i = (i + 1) & (h->cap - 1);
    }
    h->slots[i] = e;
}

/* Keep the table at most half full. */
static aif_status grow(const aif_allocator *a, serve_holders *h) {
    if (2 * (h->count + 1) <= h->cap) {
        return AIF_OK;
    }
    long cap = h->cap ? h->cap * 2 : 1024;
    serve_holder_entry *s = aif_calloc(a, (size_t)cap, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    serve_holder_entry *old = h->slots;
    long old_cap = h->cap;
    h->slots = s;
    h->cap = cap;
    for (long i = 0; i < old_cap; i++) {
        if (old[i].key != 0) {
            put(h, old[i]);
        }
    }
    aif_free(a, old, (size_t)old_cap * sizeof *old);
    return AIF_OK;
}

aif_status aif__serve_holders_add(const aif_allocator *a, serve_holders *h, uint64_t key,
                                  int replica) {
    long i = slot_of(h, key);
    if (i < 0) {
        if (grow(a, h) != AIF_OK) {
            return AIF_ENOMEM;
        }
        put(h, (serve_holder_entry){key, NULL, 0, 0});
        h->count++;
        i = slot_of(h, key);
    }
    serve_holder_entry *e = &h->slots[i];
    if (e->n == e->cap) {
        int cap = e->cap ? e->cap * 2 : 2;
        int *r = aif_realloc(a, e->reps, (size_t)e->cap * sizeof *r, (size_t)cap * sizeof *r);
        if (r == NULL) {
            return AIF_ENOMEM; /* the entry stays, maybe empty: harmless */
        }
        e->reps = r;
        e->cap = cap;
    }
    e->reps[e->n++] = replica;
    return AIF_OK;
}

/* Empty slot i, shifting later entries of its probe run back (no tombstones). */
static void remove_slot(serve_holders *h, long i) {
    long mask = h->cap - 1;
    for (long j = (i + 1) & mask;; j = (j + 1) & mask) {
        if (h->slots[j].key == 0) {
            break;
        }
        long k = home(h, h->slots[j].key);
        if (((j - k) & mask) >= ((j - i) & mask)) {
            h->slots[i] = h->slots[j];
            i = j;
        }
    }
    memset(&h->slots[i], 0, sizeof h->slots[i]);
}

void aif__serve_holders_remove(const aif_allocator *a, serve_holders *h, uint64_t key,
                               int replica) {
    long i = slot_of(h, key);
    if (i < 0) {
        return;
    }
    serve_holder_entry *e = &h->slots[i];
    for (int k = 0; k < e->n; k++) {
        if (e->reps[k] == replica) {
            e->reps[k] = e->reps[--e->n];
            break;
        }
    }
    if (e->n == 0) {
        aif_free(a, e->reps, (size_t)e->cap * sizeof *e->reps);
        remove_slot(h, i);
        h->count--;
    }
}

void aif__serve_holders_free(const aif_allocator *a, serve_holders *h) {
    for (long i = 0; i < h->cap; i++) {
        aif_free(a, h->slots[i].reps, (size_t)h->slots[i].cap * sizeof *h->slots[i].reps);
    }
    aif_free(a, h->slots, (size_t)h->cap * sizeof *h->slots);
    memset(h, 0, sizeof *h);
}
