/* An allocator for the trace harnesses that keeps large freed blocks for the next input
 * instead of giving them back. Under ASan every block over 128 KiB is mapped on malloc and
 * unmapped on free (page faults, shadow flushes, TLB shootdowns), and each input of the
 * trace and serve_trace harnesses takes several: the reader's 256 KiB window, the file
 * source's 128 KiB read-ahead, a replay summary's 432 KiB percentile histograms. That was
 * most of their time.
 *
 * What ASan checks is kept: a block is reused only for a request of exactly its size, so
 * the redzones on both sides still bound it; while it waits here it is poisoned, so a read
 * or write through a stale pointer is still reported (as use-after-poison). Only a stale
 * pointer used after the same size was handed out again goes unseen, as it would once
 * ASan's own quarantine had recycled the block. A reused block is filled as a fresh one
 * would be, so an input behaves the same when replayed alone. Everything else goes to
 * malloc, realloc and free as the system allocator does. The table is the harness
 * process's own state. */
#ifndef AIF_FUZZ_BLOCK_CACHE_H
#define AIF_FUZZ_BLOCK_CACHE_H

#include <sanitizer/asan_interface.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/alloc.h"

#define FUZZ_CACHE_MIN_BYTES (64u * 1024u)
#define FUZZ_CACHE_SLOTS     8
/* ASan's max_malloc_fill_size and malloc_fill_byte defaults. */
#define FUZZ_CACHE_FILL_BYTES 4096u
#define FUZZ_CACHE_FILL_BYTE  0xbe

static struct {
    void *block;
    size_t size;
} fuzz_cache[FUZZ_CACHE_SLOTS];

static inline void *fuzz_cache_resize(void *ctx, void *ptr, size_t old_size, size_t new_size) {
    (void)ctx;
    if (new_size == 0) {
        for (size_t i = 0; ptr && old_size >= FUZZ_CACHE_MIN_BYTES && i < FUZZ_CACHE_SLOTS; i++) {
            if (fuzz_cache[i].block == NULL) {
                ASAN_POISON_MEMORY_REGION(ptr, old_size);
                fuzz_cache[i].block = ptr;
                fuzz_cache[i].size = old_size;
                return NULL;
            }
        }
        free(ptr);
        return NULL;
    }
    if (ptr == NULL) {
        for (size_t i = 0; new_size >= FUZZ_CACHE_MIN_BYTES && i < FUZZ_CACHE_SLOTS; i++) {
            if (fuzz_cache[i].block != NULL && fuzz_cache[i].size == new_size) {
                void *p = fuzz_cache[i].block;
                fuzz_cache[i].block = NULL;
                ASAN_UNPOISON_MEMORY_REGION(p, new_size);
                /* As ASan hands out a fresh large block (its malloc fill, then the zeros of
                 * a new mapping), so a read of bytes never written finds what it would
                 * when the input is replayed on its own. */
                size_t fill = new_size < FUZZ_CACHE_FILL_BYTES ? new_size : FUZZ_CACHE_FILL_BYTES;
                memset(p, FUZZ_CACHE_FILL_BYTE, fill);
                memset((char *)p + fill, 0, new_size - fill);
                return p;
            }
        }
        return malloc(new_size);
    }
    return realloc(ptr, new_size);
}

static const aif_allocator fuzz_block_cache = {fuzz_cache_resize, NULL};

#endif
