/* Prefix caching for the serving simulator (serve_internal.h): one replica's cache of
 * prompt units, and the keys that name a request's units.
 *
 * A unit is a run of whole KV blocks at a fixed place in a prompt; its key hashes the
 * prompt up to and including it (a chain: each key mixes the one before), so two prompts
 * share unit i exactly when they agree on everything up to its end, as vLLM's block hashes
 * do. Units a sequence uses are referenced; units nobody uses stay cached until their
 * blocks are wanted, the least recently released first. */
#include <string.h>

#include "serve_internal.h"

/* splitmix64's finalizer: a bijection, so distinct inputs never collide before the chain
 * folds them together. */
static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

static uint64_t chain(uint64_t prev, uint64_t id) {
    uint64_t k = mix64(prev ^ mix64(id + 0x9E3779B97F4A7C15ull));
    return k ? k : 1; /* 0 is never a key */
}

aif_status aif__serve_prefix_keys(const aif_allocator *a, const aif_serve_request *rq, long block,
                                  uint64_t **keys, long *n, long *unit_tokens) {
    *keys = NULL;
    *n = 0;
    *unit_tokens = block;
    long count;
    uint64_t seed;
    if (rq->hash_count > 0) {
        /* The trace's blocks, whole ones inside the prompt only. */
        *unit_tokens = rq->hash_block_tokens;
        count = rq->input_tokens / rq->hash_block_tokens;
        if (count > rq->hash_count) {
            count = rq->hash_count;
        }
        seed = mix64((uint64_t)rq->hash_block_tokens);
    } else if (rq->prefix_tokens > 0) {
        /* A named prefix, cut at this engine's block size. */
        long len = rq->prefix_tokens < rq->input_tokens ? rq->prefix_tokens : rq->input_tokens;
        count = len / block;
        seed = mix64(rq->prefix_id ^ 0x5A17ED9E5EED0001ull) ^ (uint64_t)block;
    } else {
        return AIF_OK;
    }
    if (count <= 0) {
        return AIF_OK;
    }
    uint64_t *k = aif_alloc(a, (size_t)count * sizeof *k);
    if (k == NULL) {
        return AIF_ENOMEM;
    }
    uint64_t prev = seed;
    for (long i = 0; i < count; i++) {
        prev = chain(prev, rq->hash_count > 0 ? rq->hash_ids[i] : (uint64_t)i);
        k[i] = prev;
    }
    *keys = k;
    *n = count;
    return AIF_OK;
}

/* ---- the cache ---- */

static long home(const serve_cache *c, uint64_t key) {
    return (long)((key * 0x9E3779B97F4A7C15ull) >> 20) & (c->table_cap - 1);
}

long aif__serve_cache_find(const serve_cache *c, uint64_t key) {
    if (c->table_cap == 0) {
        return -1;
    }
    for (long i = home(c, key);; i = (i + 1) & (c->table_cap - 1)) {
        long u = c->table[i];
        if (u < 0) {
            return -1;
        }
        if (c->units[u].key == key) {
            return u;
        }
    }
}

long aif__serve_cache_match(const serve_cache *c, const uint64_t *keys, long n) {
    long m = 0;
    while (m < n && aif__serve_cache_find(c, keys[m]) >= 0) {
        m++;
    }
    return m;
}

static void table_put(serve_cache *c, long u) {
    long i = home(c, c->units[u].key);
    while (c->table[i] >= 0) {
        i = (i + 1) & (c->table_cap - 1);
    }
    c->table[i] = u;
}

/* Keep the table at most half full. */
static aif_status grow(const aif_allocator *a, serve_cache *c) {
    if (c->unit_used == c->unit_cap && c->free_unit < 0) {
        long cap = c->unit_cap ? c->unit_cap * 2 : 64;
        serve_unit *p =
            aif_realloc(a, c->units, (size_t)c->unit_cap * sizeof *p, (size_t)cap * sizeof *p);
        if (p == NULL) {
            return AIF_ENOMEM;
        }
        c->units = p;
        c->unit_cap = cap;
    }
    if (2 * (c->count + 1) > c->table_cap) {
        long cap = c->table_cap ? c->table_cap * 2 : 128;
        long *t = aif_alloc(a, (size_t)cap * sizeof *t);
        if (t == NULL) {
            return AIF_ENOMEM;
        }
        long *old = c->table;
        long old_cap = c->table_cap;
        memset(t, 0xff, (size_t)cap * sizeof *t); /* -1 everywhere */
        c->table = t;
        c->table_cap = cap;
        for (long i = 0; i < old_cap; i++) {
            if (old[i] >= 0) {
                table_put(c, old[i]);
            }
        }
        aif_free(a, old, (size_t)old_cap * sizeof *old);
    }
    return AIF_OK;
}

aif_status aif__serve_cache_insert(const aif_allocator *a, serve_cache *c, uint64_t key,
                                   long blocks, long *slot) {
    if (c->unit_cap == 0) {
        c->free_unit = c->lru_head = c->lru_tail = -1;
    }
    if (grow(a, c) != AIF_OK) {
        return AIF_ENOMEM;
    }
    if (c->holders && aif__serve_holders_add(a, c->holders, key, c->replica) != AIF_OK) {
        return AIF_ENOMEM;
    }
    long u;
    if (c->free_unit >= 0) {
        u = c->free_unit;
        c->free_unit = c->units[u].lru_next;
    } else {
        u = c->unit_used++;
    }
    c->units[u] = (serve_unit){key, 1, blocks, -1, -1};
    table_put(c, u);
    c->count++;
    c->blocks += blocks;
    *slot = u;
    return AIF_OK;
}

static void lru_unlink(serve_cache *c, long u) {
    serve_unit *x = &c->units[u];
    if (x->lru_prev >= 0) {
        c->units[x->lru_prev].lru_next = x->lru_next;
    } else {
        c->lru_head = x->lru_next;
    }
    if (x->lru_next >= 0) {
        c->units[x->lru_next].lru_prev = x->lru_prev;
    } else {
        c->lru_tail = x->lru_prev;
    }
    x->lru_prev = x->lru_next = -1;
}

void aif__serve_cache_ref(serve_cache *c, long u) {
    serve_unit *x = &c->units[u];
    if (x->refs++ == 0) {
        lru_unlink(c, u);
        c->free_blocks -= x->blocks;
    }
}

void aif__serve_cache_unref(serve_cache *c, long u) {
    serve_unit *x = &c->units[u];
    if (--x->refs > 0) {
        return;
    }
    x->lru_prev = c->lru_tail;
    x->lru_next = -1;
    if (c->lru_tail >= 0) {
        c->units[c->lru_tail].lru_next = u;
    } else {
        c->lru_head = u;
    }
    c->lru_tail = u;
    c->free_blocks += x->blocks;
}

/* Remove unit u's key from the table, shifting later entries of its probe run back so
 * no lookup stops early (no tombstones to clean up). */
static void table_remove(serve_cache *c, long u) {
    long mask = c->table_cap - 1;
    long i = home(c, c->units[u].key);
    while (c->table[i] != u) {
        i = (i + 1) & mask;
    }
    for (long j = (i + 1) & mask;; j = (j + 1) & mask) {
        long v = c->table[j];
        if (v < 0) {
            break;
        }
        long h = home(c, c->units[v].key);
        /* v may move to the hole at i when its home is not in (i, j] cyclically. */
        if (((j - h) & mask) >= ((j - i) & mask)) {
            c->table[i] = v;
            i = j;
        }
    }
    c->table[i] = -1;
}

long aif__serve_cache_evict(serve_cache *c) {
    long u = c->unit_cap > 0 ? c->lru_head : -1;
    if (u < 0) {
        return 0;
    }
    lru_unlink(c, u);
    table_remove(c, u);
    if (c->holders) {
        aif__serve_holders_remove(c->holders_alloc, c->holders, c->units[u].key, c->replica);
    }
    long blocks = c->units[u].blocks;
    c->blocks -= blocks;
    c->free_blocks -= blocks;
    c->count--;
    c->evictions++;
    c->units[u].lru_next = c->free_unit;
    c->free_unit = u;
    return blocks;
}

void aif__serve_cache_free(const aif_allocator *a, serve_cache *c) {
    aif_free(a, c->units, (size_t)c->unit_cap * sizeof *c->units);
    aif_free(a, c->table, (size_t)c->table_cap * sizeof *c->table);
    memset(c, 0, sizeof *c);
}

/* ---- the infinite-cache bound ---- */

aif_status aif_serve_prefix_bound(const aif_allocator *a, aif_serve_source *src, int block,
                                  long max_requests, double *rate, aif_error *err) {
    if (src == NULL || src->next == NULL || rate == NULL || block < 1) {
        return aif_error_set(err, AIF_EINVAL, "serve: missing source, block size or result");
    }
    *rate = 0;
    serve_cache c;
    memset(&c, 0, sizeof c);
    double hit = 0, total = 0;
    aif_status st = AIF_OK;
    for (long n = 0; max_requests <= 0 || n < max_requests; n++) {
        aif_serve_request rq;
        memset(&rq, 0, sizeof rq);
        st = src->next(src->ctx, &rq, err);
        if (st != AIF_OK) {
            break;
        }
        if (rq.input_tokens < 1 || rq.hash_count < 0 || rq.prefix_tokens < 0 ||
            (rq.hash_count > 0 && (rq.hash_ids == NULL || rq.hash_block_tokens < 1 ||
                                   rq.hash_block_tokens % block != 0))) {
            st = aif_error_set(err, AIF_EINVAL,
                               "request %ld: expected a prompt of at least 1 token and hash "
                               "blocks a whole number of %d-token KV blocks",
                               n + 1, block);
            break;
        }
        uint64_t *keys;
        long nkeys, unit;
        if (aif__serve_prefix_keys(a, &rq, block, &keys, &nkeys, &unit) != AIF_OK) {
            st = AIF_ENOMEM;
            break;
        }
        /* As the engine counts a hit on admission: leading whole units, one token left. */
        long most = (rq.input_tokens - 1) / unit;
        long m = aif__serve_cache_match(&c, keys, nkeys < most ? nkeys : most);
        hit += (double)(m * unit);
        total += (double)rq.input_tokens;
        for (long i = m; i < nkeys && st == AIF_OK; i++) {
            long slot;
            if (aif__serve_cache_find(&c, keys[i]) < 0) {
                st = aif__serve_cache_insert(a, &c, keys[i], 1, &slot);
            }
        }
        aif_free(a, keys, (size_t)nkeys * sizeof *keys);
        if (st != AIF_OK) {
            break;
        }
    }
    aif__serve_cache_free(a, &c);
    if (st == AIF_EEMPTY) {
        st = AIF_OK;
    }
    if (st == AIF_ENOMEM) {
        return aif_error_set(err, st, "serve: out of memory");
    }
    if (st == AIF_OK) {
        *rate = total > 0 ? hit / total : 0;
    }
    return st;
}
