/* Memory by lifetime: an injectable allocator, an arena for bulk-freed data, and a
 * fixed-size pool with a free list for objects that come and go (events, jobs).
 *
 * Every object in libaifactory takes a `const aif_allocator *` at creation (NULL means the
 * C library's malloc/realloc/free) and allocates only through it. Tests pass an
 * aif_test_allocator to count allocations or to make the Nth one fail, which is how the
 * failure path of every constructor is proven clean. */
#ifndef AIFACTORY_ALLOC_H
#define AIFACTORY_ALLOC_H

#include <stddef.h>

#include "aifactory/status.h"

/* One function does everything, as in Lua: resize the block `ptr` of `old_size` bytes to
 * `new_size` bytes. ptr == NULL allocates; new_size == 0 frees and returns NULL. On failure
 * it returns NULL and leaves the old block untouched. Blocks are aligned for any type. */
typedef struct aif_allocator {
    void *(*resize)(void *ctx, void *ptr, size_t old_size, size_t new_size);
    void *ctx;
} aif_allocator;

/* The C library allocator. Returns a pointer to an immutable object; never NULL. */
const aif_allocator *aif_allocator_system(void);

/* Allocate `size` bytes (NULL on failure or when size == 0). a == NULL: system allocator. */
void *aif_alloc(const aif_allocator *a, size_t size);

/* Allocate count * size zeroed bytes; NULL on failure or on multiplication overflow. */
void *aif_calloc(const aif_allocator *a, size_t count, size_t size);

/* Grow or shrink a block; on failure returns NULL and the old block is still valid. */
void *aif_realloc(const aif_allocator *a, void *ptr, size_t old_size, size_t new_size);

/* Free a block of `size` bytes (the size it was allocated with). NULL ptr is a no-op. */
void aif_free(const aif_allocator *a, void *ptr, size_t size);

/* One array of a group allocated all or nothing (aif_alloc_group): `bytes` (> 0) to
 * allocate, zero-filled when `zero` is set; `ptr` receives the block. */
typedef struct aif_alloc_part {
    size_t bytes;
    int zero;
    void *ptr;
} aif_alloc_part;

/* Allocate every part, or none: on AIF_ENOMEM the parts already allocated are freed and
 * every ptr is NULL. For structures whose arrays must be replaced together. */
aif_status aif_alloc_group(const aif_allocator *a, aif_alloc_part *parts, size_t n);

/* Free every part's ptr (allocated with its `bytes`) and set it to NULL. */
void aif_free_group(const aif_allocator *a, aif_alloc_part *parts, size_t n);

/* A counting allocator that can fail on demand, for tests.
 * `fail_at` = N makes the Nth allocation request (new block or growth, counted from 1)
 * fail; 0 never fails. Frees and shrinks always succeed. Counters are public so tests can
 * assert "no allocation in steady state" and "no leak" (live_blocks == 0). */
typedef struct aif_test_allocator {
    aif_allocator base; /* pass &t.base wherever an allocator is wanted */
    const aif_allocator *parent;
    long fail_at;
    long allocations; /* allocation requests seen, including the failed one */
    long failures;
    long frees;
    long live_blocks;
    size_t live_bytes;
} aif_test_allocator;

/* Set up `t` over the system allocator; it needs no destruction. */
void aif_test_allocator_init(aif_test_allocator *t, long fail_at);

/* ---- Arena: many small allocations, freed all at once. ---- */
typedef struct aif_arena aif_arena;

/* Create an arena that takes memory from `a` in blocks of at least `block_bytes` (0 picks
 * 64 KiB). Requests larger than a block get a block of their own.
 * Errors: AIF_EINVAL (out == NULL), AIF_ENOMEM. On error *out is untouched. */
aif_status aif_arena_create(const aif_allocator *a, size_t block_bytes, aif_arena **out);

/* `size` bytes aligned for any type, valid until reset or destroy; NULL on out-of-memory or
 * size == 0. Amortized O(1). */
void *aif_arena_alloc(aif_arena *arena, size_t size);

/* Copy a NUL-terminated string (or its first `len` bytes, plus a NUL) into the arena. */
char *aif_arena_strdup(aif_arena *arena, const char *s);
char *aif_arena_strndup(aif_arena *arena, const char *s, size_t len);

/* Bytes handed out since creation or the last reset. */
size_t aif_arena_used(const aif_arena *arena);

/* Free everything allocated from the arena but keep its first block for reuse. */
void aif_arena_reset(aif_arena *arena);

/* Free the arena and all its memory. NULL is a no-op. */
void aif_arena_destroy(aif_arena *arena);

/* ---- Pool: fixed-size items with a free list; O(1) get and put, no per-item malloc. ---- */
typedef struct aif_pool aif_pool;

/* Items of `item_size` bytes (rounded up for alignment), taken from `a` in chunks of
 * `items_per_chunk` (0 picks 256). Errors: AIF_EINVAL (item_size == 0 or out == NULL),
 * AIF_ENOMEM. Creating allocates nothing beyond the pool header; the first chunk comes
 * with the first get. */
aif_status aif_pool_create(const aif_allocator *a, size_t item_size, size_t items_per_chunk,
                           aif_pool **out);

/* An item (contents unspecified), or NULL when a new chunk was needed and could not be had. */
void *aif_pool_get(aif_pool *pool);

/* Return an item obtained from this pool. */
void aif_pool_put(aif_pool *pool, void *item);

/* Items currently handed out, and items the pool holds in total (handed out + free). */
size_t aif_pool_live(const aif_pool *pool);
size_t aif_pool_capacity(const aif_pool *pool);

/* Free the pool and every chunk (live items included). NULL is a no-op. */
void aif_pool_destroy(aif_pool *pool);

#endif
