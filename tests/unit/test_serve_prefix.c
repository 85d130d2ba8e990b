/* Unit tests for prefix caching in the serving simulator (serve_prefix.c and its use in
 * the engine and router): the cache's hits, reference counts and LRU eviction; a shared
 * prefix gets hits and a lower TTFT than the same requests without caching; prefix-affinity
 * routing beats round-robin on hit rate; the bundled Mooncake slice gives a deterministic
 * hit rate below the infinite-cache bound; every block comes back under preemption. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "serve_test_util.h"

#include "aifactory/serve.h"
#include "aifactory/serve_trace.h"
#include "model/serve_internal.h"
#include "aifactory/alloc.h"

/* tests/data/NAME, found from this file's own path (CMake compiles it by absolute path). */
static void data_path(char *buf, size_t size, const char *name) {
    const char *f = __FILE__;
    const char *slash = strstr(f, "unit/test_serve_prefix.c");
    assert_non_null(slash);
    snprintf(buf, size, "%.*sdata/%s", (int)(slash - f), f, name);
}

#define MOONCAKE "mooncake_conversation_1000.jsonl.zst"

static aif_serve_config small_deployment(int replicas, aif_serve_route route, int prefix) {
    aif_serve_config c = {0};
    c.model = aif_model_find("llama3.1-8b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 1;
    c.replicas = replicas;
    c.route = route;
    c.prefix_caching = prefix;
    return c;
}

/* A list every test here expects to run. */
static aif_status run_list_ok(const aif_serve_config *c, const aif_serve_request *rq, long n,
                              aif_serve_result *r) {
    aif_status st = run_list(c, rq, n, r);
    assert_int_equal(st, AIF_OK);
    return st;
}

/* ---- the cache itself ---- */

static void cache_hit_ref_lru_evict(void **state) {
    (void)state;
    serve_cache c;
    memset(&c, 0, sizeof c);
    long u[4];
    assert_int_equal(aif__serve_cache_find(&c, 11), -1);
    assert_int_equal(aif__serve_cache_evict(&c), 0); /* nothing allocated: nothing to evict */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(aif__serve_cache_insert(NULL, &c, (uint64_t)(11 + i), 2, &u[i]), AIF_OK);
    }
    assert_int_equal(c.blocks, 8);
    assert_int_equal(c.free_blocks, 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(aif__serve_cache_find(&c, (uint64_t)(11 + i)), u[i]);
    }
    uint64_t keys[] = {11, 12, 99, 13};
    assert_int_equal(aif__serve_cache_match(&c, keys, 4), 2); /* stops at the first miss */
    /* Referenced units are never evicted. */
    assert_int_equal(aif__serve_cache_evict(&c), 0);
    /* A second reference keeps a unit in use after the first is dropped. */
    aif__serve_cache_ref(&c, u[0]);
    aif__serve_cache_unref(&c, u[0]);
    assert_int_equal(c.free_blocks, 0);
    /* Released in the order 13, 11, 14, 12: evicted in that order (least recent first). */
    aif__serve_cache_unref(&c, u[2]);
    aif__serve_cache_unref(&c, u[0]);
    aif__serve_cache_unref(&c, u[3]);
    aif__serve_cache_unref(&c, u[1]);
    assert_int_equal(c.free_blocks, 8);
    /* Using a free unit again takes it off the LRU list; released, it is the most recent. */
    aif__serve_cache_ref(&c, u[2]);
    assert_int_equal(c.free_blocks, 6);
    aif__serve_cache_unref(&c, u[2]);
    uint64_t order[] = {11, 14, 12, 13};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(aif__serve_cache_evict(&c), 2);
        assert_int_equal(aif__serve_cache_find(&c, order[i]), -1);
        for (int j = i + 1; j < 4; j++) {
            assert_true(aif__serve_cache_find(&c, order[j]) >= 0);
        }
    }
    assert_int_equal(aif__serve_cache_evict(&c), 0);
    assert_int_equal(c.blocks, 0);
    assert_int_equal(c.count, 0);
    assert_int_equal(c.evictions, 4);
    aif__serve_cache_free(NULL, &c);
}

/* The discipline the engine follows (a sequence references the cached leading run of its
 * prompt's chain, adds the units after it in order, and returns them deepest first) keeps
 * every cached run whole under random evictions: no unit is cached without the units
 * before it, which prefix-affinity routing relies on. 8 chains share their first units (a
 * tree of depth 12); 4,000 sequences of random lifetimes. */
static void runs_evict_from_their_end(void **state) {
    (void)state;
    enum { CHAINS = 8, DEPTH = 12, LIVE = 6, STEPS = 4000 };
    uint64_t key[CHAINS][DEPTH];
    for (int p = 0; p < CHAINS; p++) {
        for (int j = 0; j < DEPTH; j++) {
            /* Chains p and q share units up to their common prefix length (p ^ q)'s rank. */
            int shared = j < 3 ? 0 : (j < 6 ? p / 4 : (j < 9 ? p / 2 : p));
            key[p][j] = (uint64_t)(j + 1) * 1000003u + (uint64_t)shared * 7919u + 1;
        }
    }
    serve_cache c;
    memset(&c, 0, sizeof c);
    struct live {
        int chain, units, left;
        long slot[DEPTH];
    } live[LIVE];
    memset(live, 0, sizeof live);
    uint64_t x = 88172645463325252ull;
    for (int step = 0; step < STEPS; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        struct live *q = &live[x % LIVE];
        if (q->units > 0 && --q->left <= 0) {
            for (int j = q->units - 1; j >= 0; j--) { /* deepest first */
                aif__serve_cache_unref(&c, q->slot[j]);
            }
            q->units = 0;
        } else if (q->units == 0) {
            q->chain = (int)((x >> 8) % CHAINS);
            q->left = 1 + (int)((x >> 16) % 9);
            int want = 1 + (int)((x >> 24) % DEPTH);
            for (int j = 0; j < want; j++) {
                long u = aif__serve_cache_find(&c, key[q->chain][j]);
                if (u >= 0) {
                    aif__serve_cache_ref(&c, u);
                } else {
                    assert_int_equal(aif__serve_cache_insert(NULL, &c, key[q->chain][j], 1, &u),
                                     AIF_OK);
                }
                q->slot[j] = u;
            }
            q->units = want;
        }
        for (int e = (int)((x >> 32) % 4); e > 0; e--) {
            aif__serve_cache_evict(&c);
        }
        for (int p = 0; p < CHAINS; p++) {
            for (int j = 1; j < DEPTH; j++) {
                if (aif__serve_cache_find(&c, key[p][j]) >= 0) {
                    assert_true(aif__serve_cache_find(&c, key[p][j - 1]) >= 0);
                }
            }
        }
    }
    assert_true(c.evictions > 100);
    aif__serve_cache_free(NULL, &c);
}

/* Many keys through growth and backward-shift deletion: every lookup stays right. */
static void cache_table_churn(void **state) {
    (void)state;
    serve_cache c;
    memset(&c, 0, sizeof c);
    enum { N = 5000 };
    for (uint64_t k = 1; k <= N; k++) {
        long u;
        /* Keys that collide in their low bits probe long runs. */
        assert_int_equal(aif__serve_cache_insert(NULL, &c, k << 32, 1, &u), AIF_OK);
        aif__serve_cache_unref(&c, u);
    }
    for (uint64_t k = 1; k <= N / 2; k++) {
        assert_int_equal(aif__serve_cache_evict(&c), 1); /* oldest first: key k */
        assert_int_equal(aif__serve_cache_find(&c, k << 32), -1);
    }
    for (uint64_t k = N / 2 + 1; k <= N; k++) {
        long u = aif__serve_cache_find(&c, k << 32);
        assert_true(u >= 0);
        assert_true(c.units[u].key == k << 32);
    }
    /* Freed units are reused. */
    long u;
    long used = c.unit_used;
    assert_int_equal(aif__serve_cache_insert(NULL, &c, 7, 1, &u), AIF_OK);
    assert_int_equal(c.unit_used, used);
    aif__serve_cache_free(NULL, &c);
}

/* Keys chain: two prompts share unit i only when everything up to it agrees. */
static void keys_chain(void **state) {
    (void)state;
    uint64_t a_ids[] = {1, 2, 3}, b_ids[] = {1, 2, 4}, c_ids[] = {9, 2, 3};
    aif_serve_request a = {.input_tokens = 1536,
                           .output_tokens = 1,
                           .hash_ids = a_ids,
                           .hash_count = 3,
                           .hash_block_tokens = 512};
    aif_serve_request b = a, c = a;
    b.hash_ids = b_ids;
    c.hash_ids = c_ids;
    uint64_t *ka, *kb, *kc;
    long na, nb, nc, unit;
    assert_int_equal(aif__serve_prefix_keys(NULL, &a, 16, &ka, &na, &unit), AIF_OK);
    assert_int_equal(unit, 512);
    assert_int_equal(aif__serve_prefix_keys(NULL, &b, 16, &kb, &nb, &unit), AIF_OK);
    assert_int_equal(aif__serve_prefix_keys(NULL, &c, 16, &kc, &nc, &unit), AIF_OK);
    assert_int_equal(na, 3);
    assert_true(ka[0] == kb[0] && ka[1] == kb[1] && ka[2] != kb[2]);
    assert_true(ka[1] != kc[1] && ka[2] != kc[2]); /* same ids after a different first */
    aif_free(NULL, ka, 3 * sizeof *ka);
    aif_free(NULL, kb, 3 * sizeof *kb);
    aif_free(NULL, kc, 3 * sizeof *kc);
    /* Only whole blocks inside the prompt: 1500 tokens hold two of 512. */
    a.input_tokens = 1500;
    assert_int_equal(aif__serve_prefix_keys(NULL, &a, 16, &ka, &na, &unit), AIF_OK);
    assert_int_equal(na, 2);
    aif_free(NULL, ka, 2 * sizeof *ka);
    /* A named prefix is cut at the engine's block size. */
    aif_serve_request p = {
        .input_tokens = 4000, .output_tokens = 1, .prefix_id = 42, .prefix_tokens = 1000};
    assert_int_equal(aif__serve_prefix_keys(NULL, &p, 16, &ka, &na, &unit), AIF_OK);
    assert_int_equal(na, 62);
    assert_int_equal(unit, 16);
    aif_free(NULL, ka, 62 * sizeof *ka);
}

/* ---- the engine ---- */

enum { SHARED_N = 20 };

/* SHARED_N requests a second apart (light load), each a 4,000-token prompt whose first
 * 3,000 tokens are the same system prompt. */
static void shared_requests(aif_serve_request *rq) {
    for (int i = 0; i < SHARED_N; i++) {
        rq[i] = (aif_serve_request){.arrival_s = i,
                                    .input_tokens = 4000,
                                    .output_tokens = 50,
                                    .prefix_id = 7,
                                    .prefix_tokens = 3000};
    }
}

static void shared_prefix_hits_and_lowers_ttft(void **state) {
    (void)state;
    aif_serve_request rq[SHARED_N];
    shared_requests(rq);
    aif_serve_config on = small_deployment(1, AIF_SERVE_ROUTE_ROUND_ROBIN, 1);
    aif_serve_config off = on;
    off.prefix_caching = 0;
    aif_serve_result r_on, r_off;
    run_list_ok(&on, rq, SHARED_N, &r_on);
    run_list_ok(&off, rq, SHARED_N, &r_off);
    /* Every request after the first finds 187 whole 16-token blocks (2,992 tokens). */
    double want = (SHARED_N - 1) * 2992.0 / (SHARED_N * 4000.0);
    assert_true(fabs(r_on.prefix_hit_rate - want) < 1e-12);
    assert_true(r_on.prefix_hit_tokens == (SHARED_N - 1) * 2992.0);
    assert_true(r_off.prefix_hit_rate == 0);
    assert_true(r_on.ttft_s.mean < 0.6 * r_off.ttft_s.mean);
    assert_true(r_on.ttft_s.p50 < r_off.ttft_s.p50);
    assert_int_equal(r_on.kv_blocks_at_end, 0);
    assert_int_equal(r_on.requests_completed, SHARED_N);
    /* A trace with no prefixes runs identically with caching on or off. */
    for (int i = 0; i < SHARED_N; i++) {
        rq[i].prefix_tokens = 0;
    }
    run_list_ok(&on, rq, SHARED_N, &r_on);
    assert_memory_equal(&r_on, &r_off, sizeof r_on);
}

/* Three prefixes over four replicas: round-robin scatters each prefix over every replica,
 * prefix-affinity keeps each on the replica that computed it. */
static void affinity_beats_round_robin(void **state) {
    (void)state;
    enum { N = 48 };
    aif_serve_request rq[N];
    for (int i = 0; i < N; i++) {
        rq[i] = (aif_serve_request){.arrival_s = 0.5 * i,
                                    .input_tokens = 3000,
                                    .output_tokens = 20,
                                    .prefix_id = (uint64_t)(i % 3),
                                    .prefix_tokens = 2048};
    }
    aif_serve_result rr, pa;
    aif_serve_config c = small_deployment(4, AIF_SERVE_ROUTE_ROUND_ROBIN, 1);
    run_list_ok(&c, rq, N, &rr);
    c.route = AIF_SERVE_ROUTE_PREFIX_AFFINITY;
    run_list_ok(&c, rq, N, &pa);
    /* Affinity: only the first request of each prefix misses. */
    assert_true(fabs(pa.prefix_hit_rate - (N - 3) * 2048.0 / (N * 3000.0)) < 1e-12);
    /* Round-robin: the first of each prefix on each of the four replicas misses (12). */
    assert_true(fabs(rr.prefix_hit_rate - (N - 12) * 2048.0 / (N * 3000.0)) < 1e-12);
    assert_true(pa.prefix_hit_rate > rr.prefix_hit_rate);
    assert_true(pa.ttft_s.mean < rr.ttft_s.mean);
    /* With no prefix anywhere, affinity routes as least-tokens. */
    for (int i = 0; i < N; i++) {
        rq[i].prefix_tokens = 0;
    }
    aif_serve_result lt;
    run_list_ok(&c, rq, N, &pa);
    c.route = AIF_SERVE_ROUTE_LEAST_TOKENS;
    run_list_ok(&c, rq, N, &lt);
    assert_memory_equal(&pa, &lt, sizeof pa);
}

/* A KV cache far too small for the load: preemption, eviction and recompute all happen,
 * and still every block comes back and the cache never over-commits. */
static void tight_cache_returns_every_block(void **state) {
    (void)state;
    enum { N = 200 };
    aif_serve_request rq[N];
    for (int i = 0; i < N; i++) {
        rq[i] = (aif_serve_request){.arrival_s = 0.001 * i,
                                    .input_tokens = 2000 + 37 * (i % 11),
                                    .output_tokens = 300 + 13 * (i % 7),
                                    .prefix_id = (uint64_t)(i % 5),
                                    .prefix_tokens = 1500};
    }
    aif_serve_config c = small_deployment(2, AIF_SERVE_ROUTE_PREFIX_AFFINITY, 1);
    /* About 20,000 tokens of KV per replica (as test_serve.c's preemption test does):
     * llama3.1-8b at FP8 holds 65,536 bytes per token over its 8.03e9 bytes of weights. */
    aif_perf_hw small = *aif_perf_hw_find("h100");
    small.hbm_bytes = (8.03e9 + 20000 * 65536.0) / 0.9;
    c.hw = &small;
    aif_serve_layout lay;
    assert_int_equal(aif_serve_plan(&c, &lay, NULL), AIF_OK);
    assert_true(lay.kv_tokens_per_replica > 15000 && lay.kv_tokens_per_replica < 25000);
    aif_serve_result r;
    run_list_ok(&c, rq, N, &r);
    assert_int_equal(r.requests_completed, N);
    assert_true(r.preemptions > 0);
    assert_true(r.prefix_evictions > 0);
    assert_true(r.prefix_hit_rate > 0);
    assert_true(r.peak_kv_occupancy <= 1.0);
    assert_int_equal(r.kv_blocks_at_end, 0);
}

/* Every allocation failure on the way is reported without a leak. */
static void allocation_failures(void **state) {
    (void)state;
    aif_serve_request rq[SHARED_N];
    shared_requests(rq);
    aif_serve_config c = small_deployment(2, AIF_SERVE_ROUTE_PREFIX_AFFINITY, 1);
    int ok = 0;
    for (int fail_at = 1; fail_at < 400 && !ok; fail_at++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, fail_at);
        list_source ls = {rq, SHARED_N, 0};
        aif_serve_source src = {&ls, list_next};
        aif_serve_result r;
        aif_error err = {0};
        aif_status st = aif_serve_run(&t.base, &c, &src, 0, &r, &err);
        assert_true(st == AIF_OK || st == AIF_ENOMEM);
        ok = st == AIF_OK;
        assert_int_equal(t.live_blocks, 0);
    }
    assert_true(ok);
}

/* A trace's hash blocks must be whole KV blocks. */
static void hash_blocks_must_be_whole(void **state) {
    (void)state;
    uint64_t ids[] = {1, 2};
    aif_serve_request rq = {.input_tokens = 1024,
                            .output_tokens = 5,
                            .hash_ids = ids,
                            .hash_count = 2,
                            .hash_block_tokens = 512};
    aif_serve_config c = small_deployment(1, AIF_SERVE_ROUTE_ROUND_ROBIN, 1);
    c.kv_block_tokens = 48;
    list_source ls = {&rq, 1, 0};
    aif_serve_source src = {&ls, list_next};
    aif_serve_result r;
    aif_error err = {0};
    assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &r, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "not a whole number of 48-token KV blocks"));
}

/* ---- the bundled Mooncake slice ---- */

static void mooncake_run(aif_serve_route route, int replicas, aif_serve_result *r) {
    char path[1024];
    data_path(path, sizeof path, MOONCAKE);
    aif_serve_trace *t = NULL;
    aif_serve_source src;
    aif_error err = {0};
    assert_int_equal(aif_serve_trace_open(NULL, path, &t, &src, &err), AIF_OK);
    aif_serve_config c = small_deployment(replicas, route, 1);
    aif_status st = aif_serve_run(NULL, &c, &src, 0, r, &err);
    if (st != AIF_OK) {
        fail_msg("%s", err.message);
    }
    aif_serve_trace_close(t);
}

static void mooncake_slice_against_bound(void **state) {
    (void)state;
    char path[1024];
    data_path(path, sizeof path, MOONCAKE);
    aif_serve_trace *t = NULL;
    aif_serve_source src;
    aif_error err = {0};
    assert_int_equal(aif_serve_trace_open(NULL, path, &t, &src, &err), AIF_OK);
    double bound = 0;
    assert_int_equal(aif_serve_prefix_bound(NULL, &src, 16, 0, &bound, &err), AIF_OK);
    aif_serve_trace_close(t);
    /* Checked independently (Python over the same rows: leading whole 512-token blocks
     * seen before, at most the prompt less one token): 3,067,392 of 14,234,475 tokens. */
    assert_true(fabs(bound - 2959360.0 / 13732944.0) < 1e-12);
    aif_serve_result rr, pa, again, one;
    mooncake_run(AIF_SERVE_ROUTE_ROUND_ROBIN, 8, &rr);
    mooncake_run(AIF_SERVE_ROUTE_PREFIX_AFFINITY, 8, &pa);
    mooncake_run(AIF_SERVE_ROUTE_PREFIX_AFFINITY, 8, &again);
    mooncake_run(AIF_SERVE_ROUTE_ROUND_ROBIN, 1, &one);
    assert_memory_equal(&pa, &again, sizeof pa); /* deterministic */
    assert_int_equal(pa.requests_completed, 1000);
    assert_true(rr.prefix_hit_rate > 0);
    assert_true(pa.prefix_hit_rate > 2 * rr.prefix_hit_rate);
    assert_true(pa.prefix_hit_rate <= bound);
    assert_true(rr.prefix_hit_rate <= bound);
    assert_true(one.prefix_hit_rate <= bound);
    assert_int_equal(pa.kv_blocks_at_end, 0);
    assert_int_equal(one.kv_blocks_at_end, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cache_hit_ref_lru_evict),
        cmocka_unit_test(cache_table_churn),
        cmocka_unit_test(runs_evict_from_their_end),
        cmocka_unit_test(keys_chain),
        cmocka_unit_test(shared_prefix_hits_and_lowers_ttft),
        cmocka_unit_test(affinity_beats_round_robin),
        cmocka_unit_test(tight_cache_returns_every_block),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(hash_blocks_must_be_whole),
        cmocka_unit_test(mooncake_slice_against_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
