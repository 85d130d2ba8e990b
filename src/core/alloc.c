/* The injectable allocator, the test allocator, the arena and the pool (see alloc.h). */
#include "aifactory/alloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN_UP(n, a) (((n) + ((a)-1)) & ~((size_t)(a)-1))
#define MAX_ALIGN      alignof(max_align_t)

static void *system_resize(void *ctx, void *ptr, size_t old_size, size_t new_size) {
    (void)ctx;
    (void)old_size;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

static const aif_allocator system_allocator = {system_resize, NULL};

const aif_allocator *aif_allocator_system(void) {
    return &system_allocator;
}

static const aif_allocator *or_system(const aif_allocator *a) {
    return a ? a : &system_allocator;
}

void *aif_alloc(const aif_allocator *a, size_t size) {
    if (size == 0) {
        return NULL;
    }
    a = or_system(a);
    return a->resize(a->ctx, NULL, 0, size);
}

void *aif_calloc(const aif_allocator *a, size_t count, size_t size) {
    if (count == 0 || size == 0 || count > SIZE_MAX / size) {
        return NULL;
    }
    void *p = aif_alloc(a, count * size);
    if (p) {
        memset(p, 0, count * size);
    }
    return p;
}

void *aif_realloc(const aif_allocator *a, void *ptr, size_t old_size, size_t new_size) {
    if (new_size == 0) {
        aif_free(a, ptr, old_size);
        return NULL;
    }
    a = or_system(a);
    return a->resize(a->ctx, ptr, ptr ? old_size : 0, new_size);
}

void aif_free(const aif_allocator *a, void *ptr, size_t size) {
    if (ptr == NULL) {
        return;
    }
    a = or_system(a);
    a->resize(a->ctx, ptr, size, 0);
}

aif_status aif_alloc_group(const aif_allocator *a, aif_alloc_part *parts, size_t n) {
    for (size_t i = 0; i < n; i++) {
        parts[i].ptr =
            parts[i].zero ? aif_calloc(a, 1, parts[i].bytes) : aif_alloc(a, parts[i].bytes);
        if (parts[i].ptr == NULL) {
            aif_free_group(a, parts, i);
            return AIF_ENOMEM;
        }
    }
    return AIF_OK;
}

void aif_free_group(const aif_allocator *a, aif_alloc_part *parts, size_t n) {
    for (size_t i = 0; i < n; i++) {
        aif_free(a, parts[i].ptr, parts[i].bytes);
        parts[i].ptr = NULL;
    }
}

static void *test_resize(void *ctx, void *ptr, size_t old_size, size_t new_size) {
    aif_test_allocator *t = ctx;
    if (new_size == 0) {
        if (ptr) {
            t->frees++;
            t->live_blocks--;
            t->live_bytes -= old_size;
        }
        return t->parent->resize(t->parent->ctx, ptr, old_size, 0);
    }
    /* Shrinking never fails in real allocators that matter to us, so it is not counted. */
    if (ptr == NULL || new_size > old_size) {
        t->allocations++;
        if (t->fail_at > 0 && t->allocations == t->fail_at) {
            t->failures++;
            return NULL;
        }
    }
    void *p = t->parent->resize(t->parent->ctx, ptr, old_size, new_size);
    if (p) {
        if (ptr == NULL) {
            t->live_blocks++;
        }
        t->live_bytes += new_size;
        t->live_bytes -= ptr ? old_size : 0;
    }
    return p;
}

void aif_test_allocator_init(aif_test_allocator *t, long fail_at) {
    memset(t, 0, sizeof *t);
    t->base.resize = test_resize;
    t->base.ctx = t;
    t->parent = &system_allocator;
    t->fail_at = fail_at;
}

/* ---- Arena ---- */

typedef struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
} arena_block;

#define BLOCK_HEADER ALIGN_UP(sizeof(arena_block), MAX_ALIGN)

struct aif_arena {
    const aif_allocator *alloc;
    arena_block *head; /* newest block first */
    size_t block_bytes;
    size_t used_total;
};

static arena_block *arena_block_new(const aif_allocator *a, size_t size) {
    arena_block *b = aif_alloc(a, BLOCK_HEADER + size);
    if (b) {
        b->next = NULL;
        b->size = size;
        b->used = 0;
    }
    return b;
}

aif_status aif_arena_create(const aif_allocator *a, size_t block_bytes, aif_arena **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    a = or_system(a);
    aif_arena *arena = aif_alloc(a, sizeof *arena);
    if (arena == NULL) {
        return AIF_ENOMEM;
    }
    arena->alloc = a;
    arena->head = NULL;
    arena->block_bytes = block_bytes ? ALIGN_UP(block_bytes, MAX_ALIGN) : 64 * 1024;
    arena->used_total = 0;
    *out = arena;
    return AIF_OK;
}

void *aif_arena_alloc(aif_arena *arena, size_t size) {
    if (size == 0 || size > SIZE_MAX - BLOCK_HEADER - MAX_ALIGN) {
        return NULL;
    }
    size = ALIGN_UP(size, MAX_ALIGN);
    arena_block *b = arena->head;
    if (b == NULL || b->size - b->used < size) {
        size_t want = size > arena->block_bytes ? size : arena->block_bytes;
        arena_block *nb = arena_block_new(arena->alloc, want);
        if (nb == NULL) {
            return NULL;
        }
        if (b != NULL && size > arena->block_bytes) {
            /* An oversized request gets its own block behind the current one, so the
             * current block's free space is not abandoned. */
            nb->next = b->next;
            b->next = nb;
            b = nb;
        } else {
            nb->next = b;
            arena->head = nb;
            b = nb;
        }
    }
    void *p = (char *)b + BLOCK_HEADER + b->used;
    b->used += size;
    arena->used_total += size;
    return p;
}

char *aif_arena_strndup(aif_arena *arena, const char *s, size_t len) {
    char *p = aif_arena_alloc(arena, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *aif_arena_strdup(aif_arena *arena, const char *s) {
    return aif_arena_strndup(arena, s, strlen(s));
}

size_t aif_arena_used(const aif_arena *arena) {
    return arena->used_total;
}

static void arena_free_chain(const aif_allocator *a, arena_block *b) {
    while (b) {
        arena_block *next = b->next;
        aif_free(a, b, BLOCK_HEADER + b->size);
        b = next;
    }
}

void aif_arena_reset(aif_arena *arena) {
    arena_block *b = arena->head;
    if (b == NULL) {
        return;
    }
    /* Keep the oldest standard-size block: it is the one steady use will refill. */
    arena_block *keep = NULL;
    arena_block **link = &arena->head;
    while (*link) {
        arena_block *cur = *link;
        if (cur->next == NULL && cur->size == arena->block_bytes) {
            keep = cur;
            *link = NULL;
            break;
        }
        link = &cur->next;
    }
    arena_free_chain(arena->alloc, arena->head);
    arena->head = keep;
    if (keep) {
        keep->used = 0;
    }
    arena->used_total = 0;
}

void aif_arena_destroy(aif_arena *arena) {
    if (arena == NULL) {
        return;
    }
    arena_free_chain(arena->alloc, arena->head);
    aif_free(arena->alloc, arena, sizeof *arena);
}

/* ---- Pool ---- */

typedef struct pool_chunk {
    struct pool_chunk *next;
} pool_chunk;

#define CHUNK_HEADER ALIGN_UP(sizeof(pool_chunk), MAX_ALIGN)

typedef struct free_item {
    struct free_item *next;
} free_item;

struct aif_pool {
    const aif_allocator *alloc;
    pool_chunk *chunks;
    free_item *free_list;
    size_t item_size;
    size_t per_chunk;
    size_t live;
    size_t capacity;
};

aif_status aif_pool_create(const aif_allocator *a, size_t item_size, size_t items_per_chunk,
                           aif_pool **out) {
    if (out == NULL || item_size == 0 || item_size > SIZE_MAX / 2) {
        return AIF_EINVAL;
    }
    a = or_system(a);
    size_t per_chunk = items_per_chunk ? items_per_chunk : 256;
    size_t size =
        ALIGN_UP(item_size < sizeof(free_item) ? sizeof(free_item) : item_size, MAX_ALIGN);
    if (per_chunk > (SIZE_MAX - CHUNK_HEADER) / size) {
        return AIF_EINVAL;
    }
    aif_pool *pool = aif_alloc(a, sizeof *pool);
    if (pool == NULL) {
        return AIF_ENOMEM;
    }
    *pool = (aif_pool){.alloc = a, .item_size = size, .per_chunk = per_chunk};
    *out = pool;
    return AIF_OK;
}

static int pool_grow(aif_pool *pool) {
    pool_chunk *c = aif_alloc(pool->alloc, CHUNK_HEADER + pool->per_chunk * pool->item_size);
    if (c == NULL) {
        return 0;
    }
    c->next = pool->chunks;
    pool->chunks = c;
    char *items = (char *)c + CHUNK_HEADER;
    /* Thread the new items so the lowest address is handed out first (cache-friendly). */
    for (size_t i = pool->per_chunk; i-- > 0;) {
        free_item *it = (free_item *)(items + i * pool->item_size);
        it->next = pool->free_list;
        pool->free_list = it;
    }
    pool->capacity += pool->per_chunk;
    return 1;
}

void *aif_pool_get(aif_pool *pool) {
    if (pool->free_list == NULL && !pool_grow(pool)) {
        return NULL;
    }
    free_item *it = pool->free_list;
    pool->free_list = it->next;
    pool->live++;
    return it;
}

void aif_pool_put(aif_pool *pool, void *item) {
    free_item *it = item;
    it->next = pool->free_list;
    pool->free_list = it;
    pool->live--;
}

size_t aif_pool_live(const aif_pool *pool) {
    return pool->live;
}

size_t aif_pool_capacity(const aif_pool *pool) {
    return pool->capacity;
}

void aif_pool_destroy(aif_pool *pool) {
    if (pool == NULL) {
        return;
    }
    pool_chunk *c = pool->chunks;
    while (c) {
        pool_chunk *next = c->next;
        aif_free(pool->alloc, c, CHUNK_HEADER + pool->per_chunk * pool->item_size);
        c = next;
    }
    aif_free(pool->alloc, pool, sizeof *pool);
}
