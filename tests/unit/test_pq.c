/* Unit tests for the event queue (pq): ordering by (time, class, seq) against a sorted-array
 * reference over long random operation sequences, cancellation through fresh, stale and
 * forged handles, growth, allocation failure at every step, and no allocation in steady
 * state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/alloc.h"
#include "aifactory/pq.h"
#include "core/pq_internal.h"

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static aif_event make_event(aif_time t, uint8_t cls, uint64_t data) {
    aif_event e = {0};
    e.time = t;
    e.cls = cls;
    e.data = data;
    e.target = (uint32_t)(data * 7u);
    e.kind = (uint32_t)(data >> 3);
    return e;
}

/* ---- reference: an array kept sorted by (time, cls, seq) ---- */

typedef struct ref_item {
    aif_event ev;
    aif_pq_handle h;
} ref_item;

static int ref_less(const aif_event *a, const aif_event *b) {
    if (a->time != b->time) {
        return a->time < b->time;
    }
    if (a->cls != b->cls) {
        return a->cls < b->cls;
    }
    return a->seq < b->seq;
}

static void ref_insert(ref_item *r, size_t *n, ref_item it) {
    size_t i = *n;
    while (i > 0 && ref_less(&it.ev, &r[i - 1].ev)) {
        r[i] = r[i - 1];
        i--;
    }
    r[i] = it;
    (*n)++;
}

static void ref_remove(ref_item *r, size_t *n, size_t i) {
    memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof *r);
    (*n)--;
}

static void assert_same_event(const aif_event *a, const aif_event *b) {
    assert_int_equal(a->time, b->time);
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->cls, b->cls);
    assert_int_equal(a->data, b->data);
    assert_int_equal(a->target, b->target);
    assert_int_equal(a->kind, b->kind);
}

/* Pop everything: the queue must hand out exactly the reference's events, in its order. */
static void drain_in_order(aif_pq *pq, ref_item *ref, size_t *n) {
    while (*n > 0) {
        aif_event got;
        assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
        assert_same_event(&got, &ref[0].ev);
        ref_remove(ref, n, 0);
    }
    assert_int_equal(aif_pq_pop(pq, NULL), AIF_EEMPTY);
}

/* Time of a pushed event. TIMES_TIES: a narrow window around a slowly rising floor, so
 * ties are everywhere. TIMES_WIDE: exponential-like spread with a long tail and some times
 * before the floor. TIMES_EDGES: mostly near the floor, some at the two ends of the time
 * range, where bucket arithmetic could overflow. */
enum { TIMES_TIES, TIMES_WIDE, TIMES_EDGES };

static aif_time pick_time(int mode, aif_time t0, uint64_t r) {
    uint64_t x = r >> 8;
    switch (mode) {
    case TIMES_WIDE:
        if (x % 16 == 0) {
            return t0 - (aif_time)(x % 1000);
        }
        return t0 + (aif_time)((x % 1000) * (x % 1000) * ((x >> 20) % 64));
    case TIMES_EDGES:
        if (x % 8 == 0) {
            return INT64_MAX - (aif_time)((x >> 4) % 4);
        }
        if (x % 8 == 1) {
            return INT64_MIN + (aif_time)((x >> 4) % 4);
        }
        return t0 > INT64_MAX - 100 ? t0 : t0 + (aif_time)(x % 100);
    default:
        return t0 + (aif_time)(x % 8);
    }
}

/* How a random run sets the queue up. */
typedef struct ops_setup {
    int mode;                /* how push times are picked: TIMES_* */
    size_t max_pending;      /* at most this many events pending (0: 1024) */
    uint64_t seq_limit;      /* > 0: the queue renumbers when this many sequence numbers
                                are out; a renumbering restarts the count at the heap's
                                size (cancelled entries included), so from there on it
                                renumbers at every push */
    unsigned renumber_every; /* > 0: force a renumbering at every this many pushes */
    size_t tier_min;         /* > 0: the far tier turns on from this many heap entries */
} ops_setup;

/* The queue's own sequence limit (pq_internal.h), restored after a forced renumbering. */
#define QUEUE_SEQ_LIMIT ((uint64_t)1 << 29)

/* 10^5 mixed push/pop/cancel operations with few distinct classes, set up as `o` says;
 * every result must match the reference exactly. */
static void run_random_ops(ops_setup o) {
    enum { OPS = 100000, MAXN = 1024 };
    size_t max_pending = o.max_pending > 0 ? o.max_pending : MAXN;
    assert_true(max_pending <= MAXN);
    ref_item *ref = malloc(MAXN * sizeof *ref);
    aif_pq_handle *dead = malloc(OPS * sizeof *dead);
    assert_non_null(ref);
    assert_non_null(dead);
    size_t n = 0, ndead = 0;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_pq *pq = NULL;
    assert_int_equal(aif_pq_create(&t.base, 0, &pq), AIF_OK);
    if (o.seq_limit > 0) {
        aif__pq_set_seq_limit(pq, o.seq_limit);
    }
    if (o.tier_min > 0) {
        aif__pq_set_tiers(pq, o.tier_min, 16);
    }
    uint64_t s = 7;
    uint64_t seq = 0;
    for (long op = 0; op < OPS; op++) {
        uint64_t r = splitmix64(&s);
        unsigned what = (unsigned)(r % 10);
        if ((what < 5 && n < max_pending) || n == 0) {
            aif_time t0 = n ? ref[0].ev.time : 0;
            aif_event e = make_event(pick_time(o.mode, t0, r), (uint8_t)((r >> 16) % 3), r >> 20);
            ref_item it = {e, 0};
            bool forced = o.renumber_every > 0 && seq % o.renumber_every == o.renumber_every - 1;
            if (forced) {
                aif__pq_set_seq_limit(pq, 0); /* this push renumbers first */
            }
            assert_int_equal(aif_pq_push(pq, &e, &it.h), AIF_OK);
            if (forced) {
                aif__pq_set_seq_limit(pq, QUEUE_SEQ_LIMIT);
            }
            assert_int_not_equal(it.h, AIF_PQ_HANDLE_NONE);
            it.ev.seq = seq++;
            ref_insert(ref, &n, it);
        } else if (what < 8) {
            aif_event got;
            assert_int_equal(aif_pq_peek(pq, &got), AIF_OK);
            assert_same_event(&got, &ref[0].ev);
            assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
            assert_same_event(&got, &ref[0].ev);
            dead[ndead++] = ref[0].h;
            ref_remove(ref, &n, 0);
        } else if (what < 9) {
            size_t i = (size_t)((r >> 8) % n);
            aif_event got;
            assert_int_equal(aif_pq_cancel(pq, ref[i].h, &got), AIF_OK);
            assert_same_event(&got, &ref[i].ev);
            dead[ndead++] = ref[i].h;
            ref_remove(ref, &n, i);
        } else if (ndead > 0) {
            /* A stale handle, whose slot may be live again, must not touch anything. */
            aif_pq_handle h = dead[(r >> 8) % ndead];
            assert_int_equal(aif_pq_cancel(pq, h, NULL), AIF_ENOTFOUND);
        }
        assert_int_equal(aif_pq_size(pq), n);
    }
    drain_in_order(pq, ref, &n);
    aif_pq_destroy(pq);
    assert_int_equal(t.live_blocks, 0);
    free(ref);
    free(dead);
}

static void random_ops_match_reference(void **state) {
    (void)state;
    run_random_ops((ops_setup){.mode = TIMES_TIES});
}

/* The same sequence with the compact sequence numbers renumbered every 37 pushes, at every
 * queue size on the way up to the 1024 pending it then keeps; and, through the queue's own
 * limit, at nearly every push with up to 48 pending: ties must still pop in insertion
 * order. (The queue's own limit of 37 with 1024 pending renumbers - sorts the whole heap -
 * at every push, which took most of this test's time and checks nothing more.) */
static void renumbering_keeps_order(void **state) {
    (void)state;
    run_random_ops((ops_setup){.mode = TIMES_TIES, .renumber_every = 37});
    run_random_ops((ops_setup){.mode = TIMES_TIES, .max_pending = 48, .seq_limit = 37});
}

/* The same checks with the far tier on: buckets spread, refilled, re-spread, flattened
 * by compaction and renumbering (the tier back on at the next push), and refused near the
 * ends of the time range. */
static void two_tiers_match_reference(void **state) {
    (void)state;
    run_random_ops((ops_setup){.mode = TIMES_TIES, .tier_min = 64});
    run_random_ops((ops_setup){.mode = TIMES_WIDE, .tier_min = 64});
    run_random_ops((ops_setup){.mode = TIMES_EDGES, .tier_min = 200});
    run_random_ops((ops_setup){.mode = TIMES_WIDE, .renumber_every = 37, .tier_min = 64});
    run_random_ops((ops_setup){.mode = TIMES_WIDE, .tier_min = 1});
}

/* The pop-then-push pattern of a simulation (the pop is finished by the push, which
 * replaces the top and sifts it down) at every heap size from 1 to 300, so the sift meets
 * full families, the partial last family and childless nodes at every depth. Times come
 * from a narrow window, so most comparisons are decided by class or sequence number. */
static void replace_top_at_every_size(void **state) {
    (void)state;
    enum { MAXN = 300 };
    ref_item *ref = malloc((MAXN + 1) * sizeof *ref);
    assert_non_null(ref);
    uint64_t s = 99;
    for (size_t size = 1; size <= MAXN; size++) {
        aif_pq *pq = NULL;
        assert_int_equal(aif_pq_create(NULL, 0, &pq), AIF_OK);
        size_t n = 0;
        uint64_t seq = 0;
        for (size_t i = 0; i < size; i++) {
            uint64_t r = splitmix64(&s);
            ref_item it = {make_event((aif_time)(r % 16), (uint8_t)((r >> 8) % 3), r >> 16), 0};
            assert_int_equal(aif_pq_push(pq, &it.ev, NULL), AIF_OK);
            it.ev.seq = seq++;
            ref_insert(ref, &n, it);
        }
        for (size_t k = 0; k < 4 * size + 8; k++) {
            aif_event got;
            assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
            assert_same_event(&got, &ref[0].ev);
            ref_remove(ref, &n, 0);
            uint64_t r = splitmix64(&s);
            ref_item it = {
                make_event(got.time + (aif_time)(r % 4), (uint8_t)((r >> 8) % 3), r >> 16), 0};
            assert_int_equal(aif_pq_push(pq, &it.ev, NULL), AIF_OK);
            it.ev.seq = seq++;
            ref_insert(ref, &n, it);
        }
        drain_in_order(pq, ref, &n);
        aif_pq_destroy(pq);
    }
    free(ref);
}

static void class_then_seq_break_ties(void **state) {
    (void)state;
    aif_pq *pq = NULL;
    assert_int_equal(aif_pq_create(NULL, 4, &pq), AIF_OK);
    /* Pushed out of order; expected pop order by (time, cls, insertion). */
    const struct {
        aif_time t;
        uint8_t cls;
        uint64_t id;
    } in[] = {{10, 2, 0}, {10, 0, 1}, {5, 255, 2}, {10, 0, 3}, {10, 2, 4}, {-3, 9, 5}, {5, 0, 6}};
    const uint64_t want[] = {5, 6, 2, 1, 3, 0, 4};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        aif_event e = make_event(in[i].t, in[i].cls, in[i].id);
        e.seq = 999; /* ignored */
        assert_int_equal(aif_pq_push(pq, &e, NULL), AIF_OK);
    }
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        aif_event got;
        assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
        assert_int_equal(got.data, want[i]);
        assert_int_equal(got.seq, want[i]); /* seq = insertion index */
    }
    aif_event untouched = make_event(1, 1, 1);
    assert_int_equal(aif_pq_peek(pq, &untouched), AIF_EEMPTY);
    assert_int_equal(untouched.data, 1);
    aif_pq_destroy(pq);
}

static void cancel_head_middle_last_and_stale(void **state) {
    (void)state;
    aif_pq *pq = NULL;
    assert_int_equal(aif_pq_create(NULL, 0, &pq), AIF_OK);
    aif_pq_handle h[10];
    for (int i = 0; i < 10; i++) {
        aif_event e = make_event(100 + i, 0, (uint64_t)i);
        assert_int_equal(aif_pq_push(pq, &e, &h[i]), AIF_OK);
    }
    aif_event got;
    assert_int_equal(aif_pq_cancel(pq, h[0], &got), AIF_OK); /* head */
    assert_int_equal(got.data, 0);
    assert_int_equal(aif_pq_cancel(pq, h[5], NULL), AIF_OK); /* middle */
    assert_int_equal(aif_pq_cancel(pq, h[9], &got), AIF_OK); /* last */
    assert_int_equal(got.time, 109);
    assert_int_equal(aif_pq_cancel(pq, h[5], NULL), AIF_ENOTFOUND); /* already cancelled */
    assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
    assert_int_equal(got.data, 1);
    assert_int_equal(aif_pq_cancel(pq, h[1], NULL), AIF_ENOTFOUND); /* already fired */
    /* Reuse the freed slots; the old handles must still not reach the new events. */
    aif_pq_handle nh[3];
    for (int i = 0; i < 3; i++) {
        aif_event e = make_event(50 + i, 0, 100 + (uint64_t)i);
        assert_int_equal(aif_pq_push(pq, &e, &nh[i]), AIF_OK);
    }
    assert_int_equal(aif_pq_cancel(pq, h[0], NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_cancel(pq, h[1], NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_cancel(pq, h[9], NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_size(pq), 9);
    /* Forged handles: none, slot out of range, generation 0, never-used slot. */
    assert_int_equal(aif_pq_cancel(pq, AIF_PQ_HANDLE_NONE, NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_cancel(pq, ((uint64_t)1 << 32) | 0xfffffffu, NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_cancel(pq, h[2] & UINT32_MAX, NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_cancel(pq, ((uint64_t)1 << 32) | 60u, NULL), AIF_ENOTFOUND);
    assert_int_equal(aif_pq_size(pq), 9);
    assert_int_equal(aif_pq_cancel(pq, nh[1], &got), AIF_OK);
    assert_int_equal(got.data, 101);
    const uint64_t order[] = {100, 102, 2, 3, 4, 6, 7, 8};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
        assert_int_equal(got.data, order[i]);
    }
    assert_int_equal(aif_pq_size(pq), 0);
    assert_int_equal(aif_pq_cancel(NULL, h[3], NULL), AIF_ENOTFOUND);
    aif_pq_destroy(pq);
    aif_pq_destroy(NULL);
}

static uint64_t shift_data(void *ctx, uint64_t data) {
    (void)ctx;
    return data * 3 + 1;
}

/* aif_pq_map_data rewrites the payload of every pending event and nothing else: a queue
 * mapped midway (far tier on, cancelled entries and a lazily popped top pending) pops in
 * the same order as an unmapped twin, with the mapped payloads, and its handles still
 * cancel the same events. */
static void map_data_keeps_order_and_handles(void **state) {
    (void)state;
    aif_pq *q[2] = {NULL, NULL};
    static aif_pq_handle h[2][6000];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(aif_pq_create(NULL, 0, &q[k]), AIF_OK);
        uint64_t rs = 99;
        for (uint64_t i = 0; i < 6000; i++) {
            aif_event e = make_event((aif_time)(splitmix64(&rs) % 5000), (uint8_t)(i % 3), i);
            assert_int_equal(aif_pq_push(q[k], &e, &h[k][i]), AIF_OK);
        }
        for (size_t i = 0; i < 6000; i += 7) {
            assert_int_equal(aif_pq_cancel(q[k], h[k][i], NULL), AIF_OK);
        }
        assert_int_equal(aif_pq_pop(q[k], NULL), AIF_OK); /* the top is taken lazily */
    }
    aif_pq_map_data(q[0], shift_data, NULL);
    aif_pq_map_data(NULL, shift_data, NULL); /* a no-op */
    for (size_t i = 3; i < 6000; i += 11) {
        aif_event a, b;
        aif_status sa = aif_pq_cancel(q[0], h[0][i], &a), sb = aif_pq_cancel(q[1], h[1][i], &b);
        assert_int_equal(sa, sb);
        if (sa == AIF_OK) {
            assert_int_equal(a.data, b.data * 3 + 1);
        }
    }
    assert_int_equal(aif_pq_size(q[0]), aif_pq_size(q[1]));
    aif_event a, b;
    while (aif_pq_pop(q[1], &b) == AIF_OK) {
        assert_int_equal(aif_pq_pop(q[0], &a), AIF_OK);
        assert_int_equal(a.time, b.time);
        assert_int_equal(a.seq, b.seq);
        assert_int_equal(a.cls, b.cls);
        assert_int_equal(a.target, b.target);
        assert_int_equal(a.kind, b.kind);
        assert_int_equal(a.data, b.data * 3 + 1);
    }
    assert_int_equal(aif_pq_pop(q[0], &a), AIF_EEMPTY);
    aif_pq_destroy(q[0]);
    aif_pq_destroy(q[1]);
}

static void grows_and_keeps_order(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_pq *pq = NULL;
    assert_int_equal(aif_pq_create(&t.base, 1, &pq), AIF_OK);
    assert_int_equal(aif_pq_capacity(pq), 64);
    enum { N = 5000 };
    uint64_t s = 3;
    for (int i = 0; i < N; i++) {
        aif_event e = make_event((aif_time)(splitmix64(&s) % 1000000), 0, (uint64_t)i);
        assert_int_equal(aif_pq_push(pq, &e, NULL), AIF_OK);
    }
    assert_int_equal(aif_pq_capacity(pq), 8192);
    /* header, heap, slots and times, then three blocks per doubling from 64 to 8192, and
     * the far tier's block twice: at 4096 pending, and again after the last doubling */
    assert_int_equal(t.allocations, 4 + 3 * 7 + 2);
    assert_int_equal(t.live_blocks, 5);
    aif_event prev, got;
    assert_int_equal(aif_pq_pop(pq, &prev), AIF_OK);
    for (int i = 1; i < N; i++) {
        assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
        assert_false(ref_less(&got, &prev));
        prev = got;
    }
    aif_pq_destroy(pq);
    assert_int_equal(t.live_blocks, 0);
    assert_int_equal(aif_pq_create(NULL, 0, NULL), AIF_EINVAL);
    assert_int_equal(aif_pq_create(NULL, ((size_t)1 << 31) + 1, &pq), AIF_EINVAL);
    assert_int_equal(aif_pq_push(NULL, &got, NULL), AIF_EINVAL);
}

/* Allocation N fails, for every N a create + growth sequence makes: create returns
 * AIF_ENOMEM cleanly, or a push that needed to grow returns AIF_ENOMEM and the queue keeps
 * all its events and order; nothing leaks. */
/* Allocation k fails, for every k a queue of 600 events makes (with the far tier off, and
 * on from 100 events): create fails cleanly, a push that must grow returns AIF_ENOMEM and
 * leaves the queue as it was, a failed far-tier allocation only leaves the queue one heap;
 * nothing leaks and the order holds. */
static void check_allocation_failures(size_t tier_min) {
    int completed = 0;
    for (long k = 1; k <= 40 && !completed; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_pq *pq = NULL;
        aif_status s = aif_pq_create(&t.base, 0, &pq);
        if (s != AIF_OK) {
            assert_int_equal(s, AIF_ENOMEM);
            assert_null(pq);
            assert_int_equal(t.live_blocks, 0);
            continue;
        }
        if (tier_min > 0) {
            aif__pq_set_tiers(pq, tier_min, 16);
        }
        aif_pq_handle h[600];
        size_t pushed = 0;
        int failed = 0;
        for (size_t i = 0; i < 600; i++) {
            aif_event e = make_event((aif_time)((i * 37) % 101), (uint8_t)(i % 2), i);
            s = aif_pq_push(pq, &e, &h[pushed]);
            if (s == AIF_ENOMEM) {
                failed++;
                assert_int_equal(aif_pq_size(pq), pushed);
                continue;
            }
            assert_int_equal(s, AIF_OK);
            pushed++;
        }
        assert_true(failed <= 1); /* the next push after the failure grows fine */
        assert_true(t.failures <= 1);
        assert_true(failed <= t.failures);
        assert_int_equal(aif_pq_size(pq), pushed);
        assert_int_equal(aif_pq_cancel(pq, h[pushed / 2], NULL), AIF_OK);
        aif_event prev, got;
        assert_int_equal(aif_pq_pop(pq, &prev), AIF_OK);
        for (size_t i = 2; i < pushed; i++) {
            assert_int_equal(aif_pq_pop(pq, &got), AIF_OK);
            assert_false(ref_less(&got, &prev));
            prev = got;
        }
        assert_int_equal(aif_pq_size(pq), 0);
        aif_pq_destroy(pq);
        assert_int_equal(t.live_blocks, 0);
        completed = t.failures == 0;
    }
    assert_true(completed);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    check_allocation_failures(0);
    check_allocation_failures(100);
}

/* After warm-up, 10^5 hold operations (pop, push later) and cancel/re-push pairs allocate
 * nothing. */
/* `tier_min` > 0: the same with the far tier turned on from that many pending events. */
static void check_steady_state(size_t tier_min) {
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_pq *pq = NULL;
    assert_int_equal(aif_pq_create(&t.base, 0, &pq), AIF_OK);
    if (tier_min > 0) {
        aif__pq_set_tiers(pq, tier_min, 16);
    }
    uint64_t s = 11;
    for (int i = 0; i < 1000; i++) {
        aif_event e = make_event((aif_time)(splitmix64(&s) % 100000), 0, (uint64_t)i);
        assert_int_equal(aif_pq_push(pq, &e, NULL), AIF_OK);
    }
    long before = 0;
    aif_pq_handle h = AIF_PQ_HANDLE_NONE;
    /* The first 10^4 operations are the warm-up: cancelled entries leave the heap lazily,
     * so the working size includes them (at most about as many again as live ones). */
    for (int i = 0; i < 110000; i++) {
        if (i == 10000) {
            before = t.allocations;
        }
        aif_event e;
        assert_int_equal(aif_pq_pop(pq, &e), AIF_OK);
        e.time += (aif_time)(splitmix64(&s) % 100000);
        if (i % 10 == 0 && h != AIF_PQ_HANDLE_NONE) {
            if (aif_pq_cancel(pq, h, NULL) == AIF_OK) {
                assert_int_equal(aif_pq_push(pq, &e, NULL), AIF_OK);
            }
        }
        assert_int_equal(aif_pq_push(pq, &e, &h), AIF_OK);
    }
    assert_int_equal(t.allocations, before);
    assert_int_equal(aif_pq_size(pq), 1000);
    aif_pq_destroy(pq);
    assert_int_equal(t.live_blocks, 0);
}

static void steady_state_allocates_nothing(void **state) {
    (void)state;
    check_steady_state(0);
    check_steady_state(100);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_ops_match_reference),
        cmocka_unit_test(renumbering_keeps_order),
        cmocka_unit_test(two_tiers_match_reference),
        cmocka_unit_test(replace_top_at_every_size),
        cmocka_unit_test(class_then_seq_break_ties),
        cmocka_unit_test(cancel_head_middle_last_and_stale),
        cmocka_unit_test(grows_and_keeps_order),
        cmocka_unit_test(map_data_keeps_order_and_handles),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(steady_state_allocates_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
