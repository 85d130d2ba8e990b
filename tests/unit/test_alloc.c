/* Unit tests for status and alloc: messages, the test allocator, arena and pool, including
 * their behaviour when the Nth allocation fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

static void status_names_and_messages(void **state) {
    (void)state;
    assert_string_equal(aif_strerror(AIF_OK), "success");
    assert_string_equal(aif_strerror(AIF_ENOMEM), "out of memory");
    assert_string_equal(aif_status_name(AIF_EPARSE), "AIF_EPARSE");
    assert_string_equal(aif_strerror((aif_status)-999), "unknown status");
    assert_string_equal(aif_status_name((aif_status)42), "AIF_UNKNOWN");
    /* Every code in the table has a distinct name and a non-empty message. */
    aif_status all[] = {
#define AIF_LIST(name, value, message) name,
        AIF_STATUS_TABLE(AIF_LIST)
#undef AIF_LIST
    };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i] <= 0);
        assert_true(strlen(aif_strerror(all[i])) > 0);
        for (size_t j = i + 1; j < n; j++) {
            assert_int_not_equal(all[i], all[j]);
        }
    }
}

static void test_allocator_counts_and_fails(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 2);
    void *a = aif_alloc(&t.base, 10);
    assert_non_null(a);
    assert_null(aif_alloc(&t.base, 10)); /* the 2nd request fails */
    void *c = aif_alloc(&t.base, 10);
    assert_non_null(c);
    assert_int_equal(t.allocations, 3);
    assert_int_equal(t.failures, 1);
    assert_int_equal(t.live_blocks, 2);
    assert_int_equal(t.live_bytes, 20);
    a = aif_realloc(&t.base, a, 10, 100);
    assert_non_null(a);
    assert_int_equal(t.live_bytes, 110);
    aif_free(&t.base, a, 100);
    aif_free(&t.base, c, 10);
    assert_int_equal(t.live_blocks, 0);
    assert_int_equal(t.live_bytes, 0);
    assert_null(aif_calloc(&t.base, SIZE_MAX / 2, 4)); /* overflow is refused */
    unsigned char *z = aif_calloc(NULL, 16, 4);
    assert_non_null(z);
    for (int i = 0; i < 64; i++) {
        assert_int_equal(z[i], 0);
    }
    aif_free(NULL, z, 64);
}

static void arena_alignment_and_reset(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_arena *arena = NULL;
    assert_int_equal(aif_arena_create(&t.base, 256, &arena), AIF_OK);
    for (int i = 1; i < 200; i++) {
        char *p = aif_arena_alloc(arena, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        memset(p, 0xab, (size_t)i);
    }
    char *big = aif_arena_alloc(arena, 10000); /* larger than a block */
    assert_non_null(big);
    memset(big, 1, 10000);
    assert_string_equal(aif_arena_strdup(arena, "rubin"), "rubin");
    assert_string_equal(aif_arena_strndup(arena, "gb200-nvl72", 5), "gb200");
    assert_null(aif_arena_alloc(arena, 0));
    assert_true(aif_arena_used(arena) >= 10000);
    aif_arena_reset(arena);
    assert_int_equal(aif_arena_used(arena), 0);
    assert_int_equal(t.live_blocks, 2); /* the arena header and the kept block */
    assert_non_null(aif_arena_alloc(arena, 8));
    aif_arena_destroy(arena);
    assert_int_equal(t.live_blocks, 0);
    aif_arena_destroy(NULL);
}

static void pool_reuses_items(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_pool *pool = NULL;
    assert_int_equal(aif_pool_create(&t.base, 24, 4, &pool), AIF_OK);
    void *items[10];
    for (int i = 0; i < 10; i++) {
        items[i] = aif_pool_get(pool);
        assert_non_null(items[i]);
        memset(items[i], i, 24);
    }
    assert_int_equal(aif_pool_live(pool), 10);
    assert_int_equal(aif_pool_capacity(pool), 12);
    long before = t.allocations;
    for (int round = 0; round < 1000; round++) {
        aif_pool_put(pool, items[round % 10]);
        items[round % 10] = aif_pool_get(pool);
    }
    assert_int_equal(t.allocations, before); /* steady state allocates nothing */
    for (int i = 0; i < 10; i++) {
        aif_pool_put(pool, items[i]);
    }
    assert_int_equal(aif_pool_live(pool), 0);
    aif_pool_destroy(pool);
    assert_int_equal(t.live_blocks, 0);
    assert_int_equal(aif_pool_create(NULL, 0, 4, &pool), AIF_EINVAL);
}

/* Every constructor fails cleanly (an error code, nothing leaked) when allocation N fails. */
static void groups_are_all_or_nothing(void **state) {
    (void)state;
    /* Every allocation in turn fails: nothing is left allocated and every ptr is NULL. */
    for (long fail = 1; fail <= 3; fail++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, fail);
        aif_alloc_part p[] = {{16, 0, NULL}, {32, 1, NULL}, {8, 0, NULL}};
        assert_int_equal(aif_alloc_group(&t.base, p, 3), AIF_ENOMEM);
        assert_int_equal(t.live_blocks, 0);
        for (int i = 0; i < 3; i++) {
            assert_null(p[i].ptr);
        }
    }
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_alloc_part p[] = {{16, 0, NULL}, {32, 1, NULL}, {8, 0, NULL}};
    assert_int_equal(aif_alloc_group(&t.base, p, 3), AIF_OK);
    assert_int_equal(t.live_blocks, 3);
    assert_int_equal(t.live_bytes, 56);
    const unsigned char *zeroed = p[1].ptr;
    for (int i = 0; i < 32; i++) {
        assert_int_equal(zeroed[i], 0);
    }
    aif_free_group(&t.base, p, 3);
    assert_int_equal(t.live_blocks, 0);
    assert_null(p[0].ptr);
    aif_free_group(&t.base, p, 3); /* NULL parts: a no-op */
    assert_int_equal(t.frees, 3);
}

static void constructors_fail_cleanly(void **state) {
    (void)state;
    for (long n = 1; n <= 3; n++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, n);
        aif_arena *arena = NULL;
        aif_status s = aif_arena_create(&t.base, 0, &arena);
        if (s == AIF_OK) {
            void *p = aif_arena_alloc(arena, 100);
            assert_true(p != NULL || t.failures == 1);
            aif_arena_destroy(arena);
        } else {
            assert_int_equal(s, AIF_ENOMEM);
            assert_null(arena);
        }
        aif_pool *pool = NULL;
        s = aif_pool_create(&t.base, 16, 8, &pool);
        if (s == AIF_OK) {
            void *p = aif_pool_get(pool);
            (void)p;
            aif_pool_destroy(pool);
        } else {
            assert_int_equal(s, AIF_ENOMEM);
        }
        assert_int_equal(t.live_blocks, 0);
        assert_int_equal(t.failures, 1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_names_and_messages),
        cmocka_unit_test(test_allocator_counts_and_fails),
        cmocka_unit_test(arena_alignment_and_reset),
        cmocka_unit_test(pool_reuses_items),
        cmocka_unit_test(groups_are_all_or_nothing),
        cmocka_unit_test(constructors_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
