/* Unit tests for the serving simulator at scale and its newer modes (serve.h): the router's
 * index picks what a scan of every replica picks, a large deployment conserves its blocks,
 * preemption by swap to host memory (it beats recompute on long prompts, loses no block,
 * is deterministic, and with no room on the host is exactly recompute), gamma arrivals
 * (sample mean and CV) and lengths drawn jointly from a trace's mix. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "serve_test_util.h"

#include "aifactory/serve.h"
#include "model/serve_internal.h"

/* The replica a least-tokens scan picks: the fewest tokens, ties to the lowest index. */
static int scan(const serve_replica *reps, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
        if (reps[i].outstanding_tokens < reps[best].outstanding_tokens) {
            best = i;
        }
    }
    return best;
}

/* Random raises and falls of one replica's tokens, from a small range so ties are common:
 * after every change the heap's top is the scan's pick. */
static void router_matches_scan(void **state) {
    (void)state;
    int sizes[] = {1, 2, 3, 37, 1000};
    aif_rng rng;
    aif_rng_seed(&rng, 7, 1);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        serve_replica *reps = calloc((size_t)n, sizeof *reps);
        assert_non_null(reps);
        serve_router h = {0};
        assert_int_equal(aif__serve_router_init(NULL, &h, n), AIF_OK);
        assert_int_equal(h.heap[0], 0);
        for (int step = 0; step < 20000; step++) {
            int r = (int)aif_rng_below(&rng, (uint64_t)n);
            long v = (long)aif_rng_below(&rng, 8);
            reps[r].outstanding_tokens = step % 3 == 0 ? v : reps[r].outstanding_tokens + v - 3;
            aif__serve_router_fix(&h, reps, r);
            assert_int_equal(h.heap[0], scan(reps, n));
            assert_int_equal(h.pos[h.heap[0]], 0);
        }
        aif__serve_router_free(NULL, &h);
        free(reps);
    }
}

/* The holders index against a plain table of who holds what, through random adds and
 * removes of 200 keys on 50 replicas (the table grows and entries empty out). */
static void holders_index(void **state) {
    (void)state;
    enum { KEYS = 200, REPS = 50 };
    static unsigned char held[KEYS][REPS];
    memset(held, 0, sizeof held);
    serve_holders h = {0};
    aif_rng rng;
    aif_rng_seed(&rng, 3, 1);
    for (int step = 0; step < 200000; step++) {
        int k = (int)aif_rng_below(&rng, KEYS), r = (int)aif_rng_below(&rng, REPS);
        uint64_t key = 0x1234567ull * (uint64_t)(k + 1);
        if (held[k][r]) {
            aif__serve_holders_remove(NULL, &h, key, r);
            held[k][r] = 0;
        } else {
            assert_int_equal(aif__serve_holders_add(NULL, &h, key, r), AIF_OK);
            held[k][r] = 1;
        }
        if (step % 1000 == 0) {
            for (int j = 0; j < KEYS; j++) {
                const serve_holder_entry *e =
                    aif__serve_holders_get(&h, 0x1234567ull * (uint64_t)(j + 1));
                int want = 0, got = 0;
                for (int i = 0; i < REPS; i++) {
                    want += held[j][i];
                }
                for (int i = 0; e && i < e->n; i++) {
                    assert_true(held[j][e->reps[i]]);
                    got++;
                }
                assert_int_equal(got, want);
                assert_true(want > 0 || e == NULL);
            }
        }
    }
    aif__serve_holders_free(NULL, &h);
}

/* 300 replicas behind least-tokens routing: every request completes, every block comes
 * back, the same run gives the same bytes. */
static void many_replicas(void **state) {
    (void)state;
    aif_serve_config c = {0};
    c.model = aif_model_find("llama3.1-8b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 1;
    c.replicas = 300;
    c.route = AIF_SERVE_ROUTE_LEAST_TOKENS;
    aif_serve_result a, b;
    assert_int_equal(run_synthetic(&c, "exp:1000:8000", "exp:200:2000", 3000, 30000, 4, &a),
                     AIF_OK);
    assert_int_equal(a.requests_completed, 30000);
    assert_int_equal(a.kv_blocks_at_end, 0);
    assert_int_equal(run_synthetic(&c, "exp:1000:8000", "exp:200:2000", 3000, 30000, 4, &b),
                     AIF_OK);
    assert_memory_equal(&a, &b, sizeof a);
    c.route = AIF_SERVE_ROUTE_PREFIX_AFFINITY; /* no prefixes: the same as least-tokens */
    assert_int_equal(run_synthetic(&c, "exp:1000:8000", "exp:200:2000", 3000, 30000, 4, &b),
                     AIF_OK);
    b.layout = a.layout;
    assert_memory_equal(&a, &b, sizeof a);
}

/* One replica of llama3.1-70b (TP 8, FP8) with about 60,000 tokens of KV, loaded with long
 * prompts arriving faster than it serves them, so decode runs out of blocks. */
static aif_serve_config pressed(aif_perf_hw *small) {
    *small = *aif_perf_hw_find("h100");
    /* 70.6e9 bytes of weights at FP8 over 8 GPUs, plus 60,000 tokens x 163,840 B. */
    small->hbm_bytes = (70.6e9 / 8 + 60000 * 163840.0 / 8) / 0.9;
    aif_serve_config c = {0};
    c.model = aif_model_find("llama3.1-70b");
    c.hw = small;
    c.precision = AIF_PREC_FP8;
    c.tp = 8;
    c.replicas = 1;
    return c;
}

#define LONG_IN  "uniform:12000:16000"
#define LONG_OUT "uniform:1000:2000"

static void swap_beats_recompute(void **state) {
    (void)state;
    aif_perf_hw small;
    aif_serve_config c = pressed(&small);
    aif_serve_result rec, sw;
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 5, 60, 3, &rec), AIF_OK);
    c.preemption = AIF_SERVE_PREEMPT_SWAP;
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 5, 60, 3, &sw), AIF_OK);
    assert_true(rec.layout.kv_tokens_per_replica >= 59000 &&
                rec.layout.kv_tokens_per_replica <= 60000);
    assert_int_equal(rec.requests_completed, 60);
    assert_int_equal(sw.requests_completed, 60);
    assert_true(rec.preemptions > 0);
    assert_int_equal(rec.swap_outs, 0);
    assert_true(sw.swap_outs > 0);
    /* Recompute prefills 12,000-16,000 tokens again per preemption; swap copies the KV
     * over PCIe (64 GB/s x 8 GPUs) twice. */
    assert_true(sw.e2e_s.mean < rec.e2e_s.mean);
    assert_true(sw.duration_s < rec.duration_s);
    assert_true(sw.output_tokens_per_s > rec.output_tokens_per_s);
    /* 4 GiB per GPU of host space: 32 GiB / (16 x 163,840 B) blocks. */
    assert_int_equal(sw.layout.swap_blocks_per_replica,
                     (long)floor(32.0 * 1073741824.0 / (16 * 163840.0)));
    CLOSE(sw.layout.host_link_bytes_per_s, 8 * 64e9, 1e-12);
}

/* Conservation: every sequence swapped out comes back, no block is lost on either side,
 * the transfers' time is their bytes over the link, the host space is never over-filled. */
static void swap_conserves_blocks(void **state) {
    (void)state;
    aif_perf_hw small;
    aif_serve_config c = pressed(&small);
    c.preemption = AIF_SERVE_PREEMPT_SWAP;
    aif_serve_result r, again;
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 20, 200, 5, &r), AIF_OK);
    assert_int_equal(r.requests_completed, 200);
    assert_true(r.swap_outs > 0);
    assert_int_equal(r.swap_ins, r.swap_outs);
    assert_true(r.preemptions >= r.swap_outs);
    assert_int_equal(r.swap_blocks_at_end, 0);
    assert_int_equal(r.kv_blocks_at_end, 0);
    assert_true(r.peak_kv_occupancy <= 1.0);
    assert_true(r.peak_swap_occupancy > 0 && r.peak_swap_occupancy <= 1.0);
    /* Each swap moves whole blocks of what the sequence computed (at most 18,000 tokens:
     * 1,125 blocks) out and the same back in. */
    double block_bytes = 16 * 163840.0;
    double blocks = r.swap_bytes / block_bytes;
    assert_true(blocks == floor(blocks) && fmod(blocks, 2) == 0);
    assert_true(r.swap_bytes > 0 && r.swap_bytes <= 2.0 * (double)r.swap_outs * 1125 * block_bytes);
    assert_true(fabs(r.swap_s - r.swap_bytes / (8 * 64e9)) <= 1e-9 * (double)r.iterations);
    /* Deterministic: the same run, the same bytes. */
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 20, 200, 5, &again), AIF_OK);
    assert_memory_equal(&r, &again, sizeof r);
    /* A small host space holds fewer sequences at once: some preemptions recompute. */
    c.swap_space_bytes = 2.0 * 1073741824.0 / 8; /* 2 GiB per replica: about 13,000 tokens */
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 20, 200, 5, &again), AIF_OK);
    assert_int_equal(again.requests_completed, 200);
    assert_true(again.preemptions > again.swap_outs);
    assert_int_equal(again.swap_blocks_at_end, 0);
    assert_int_equal(again.kv_blocks_at_end, 0);
}

/* The synthetic source with request i naming shared prefix i mod 3 of 4,000 tokens. */
typedef struct shared_source {
    aif_serve_source inner;
    long count;
} shared_source;

static aif_status shared_next(void *ctx, aif_serve_request *out, aif_error *err) {
    shared_source *p = ctx;
    aif_status st = p->inner.next(p->inner.ctx, out, err);
    out->prefix_id = (uint64_t)(p->count++ % 3) + 1;
    out->prefix_tokens = 4000;
    return st;
}

/* Swap with the prefix cache on: sequences holding cached units swap out and in (their
 * units released and found again), and still no block is lost. */
static void swap_with_prefix_cache(void **state) {
    (void)state;
    aif_perf_hw small;
    aif_serve_config c = pressed(&small);
    c.preemption = AIF_SERVE_PREEMPT_SWAP;
    c.prefix_caching = 1;
    aif_serve_lengths li, lo;
    assert_int_equal(aif_serve_lengths_parse(LONG_IN, &li, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse(LONG_OUT, &lo, NULL), AIF_OK);
    aif_serve_result r[2];
    for (int k = 0; k < 2; k++) {
        aif_serve_synthetic g;
        shared_source ss = {{0}, 0};
        aif_serve_synthetic_init(&g, &li, &lo, 20, 6, &ss.inner);
        aif_serve_source src = {&ss, shared_next};
        assert_int_equal(aif_serve_run(NULL, &c, &src, 200, &r[k], NULL), AIF_OK);
    }
    assert_int_equal(r[0].requests_completed, 200);
    assert_true(r[0].swap_outs > 0);
    assert_true(r[0].prefix_hit_rate > 0.1);
    assert_int_equal(r[0].swap_ins, r[0].swap_outs);
    assert_int_equal(r[0].swap_blocks_at_end, 0);
    assert_int_equal(r[0].kv_blocks_at_end, 0);
    assert_true(r[0].peak_kv_occupancy <= 1.0);
    assert_memory_equal(&r[0], &r[1], sizeof r[0]);
}

/* With no room on the host every preemption recomputes: the run is recompute's, figure
 * for figure. */
static void swap_without_space_is_recompute(void **state) {
    (void)state;
    aif_perf_hw small;
    aif_serve_config c = pressed(&small);
    aif_serve_result rec, sw;
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 5, 60, 3, &rec), AIF_OK);
    c.preemption = AIF_SERVE_PREEMPT_SWAP;
    c.swap_space_bytes = 1;
    assert_int_equal(run_synthetic(&c, LONG_IN, LONG_OUT, 5, 60, 3, &sw), AIF_OK);
    assert_int_equal(sw.swap_outs, 0);
    assert_int_equal(sw.layout.swap_blocks_per_replica, 0);
    sw.layout = rec.layout;
    assert_memory_equal(&rec, &sw, sizeof rec);
    aif_serve_preemption p;
    assert_int_equal(aif_serve_preemption_parse("swap", &p), AIF_OK);
    assert_int_equal(p, AIF_SERVE_PREEMPT_SWAP);
    assert_int_equal(aif_serve_preemption_parse("drop", &p), AIF_EINVAL);
    assert_string_equal(aif_serve_preemption_name(AIF_SERVE_PREEMPT_RECOMPUTE), "recompute");
    CLOSE(aif_serve_host_link_bytes_per_s(aif_perf_hw_find("gb200")), 225e9, 1e-12);
    CLOSE(aif_serve_host_link_bytes_per_s(aif_perf_hw_find("a100")), 32e9, 1e-12);
}

/* Sample mean and coefficient of variation of n gaps at `rate` with `cv`. */
static void gaps(double rate, double cv, long n, double *mean, double *sample_cv) {
    aif_serve_lengths l = {AIF_SERVE_LEN_FIXED, 100, 0, 0};
    aif_serve_synthetic g;
    aif_serve_source src;
    aif_serve_synthetic_init(&g, &l, &l, rate, 11, &src);
    assert_int_equal(aif_serve_synthetic_set_arrival_cv(&g, cv, NULL), AIF_OK);
    double last = 0, s = 0, s2 = 0;
    for (long i = 0; i < n; i++) {
        aif_serve_request rq;
        assert_int_equal(src.next(src.ctx, &rq, NULL), AIF_OK);
        double d = rq.arrival_s - last;
        last = rq.arrival_s;
        s += d;
        s2 += d * d;
    }
    *mean = s / (double)n;
    *sample_cv = sqrt(s2 / (double)n - *mean * *mean) / *mean;
}

static void gamma_arrivals(void **state) {
    (void)state;
    double cvs[] = {0.25, 0.5, 1, 2, 4};
    for (size_t i = 0; i < sizeof cvs / sizeof cvs[0]; i++) {
        double mean, cv;
        gaps(10, cvs[i], 400000, &mean, &cv);
        CLOSE(mean, 0.1, 0.02);
        CLOSE(cv, cvs[i], 0.03);
    }
    /* CV 1 draws exactly the Poisson gaps of the default source. */
    aif_serve_lengths l = {AIF_SERVE_LEN_FIXED, 100, 0, 0};
    aif_serve_synthetic a, b;
    aif_serve_source sa, sb;
    aif_serve_synthetic_init(&a, &l, &l, 3, 5, &sa);
    aif_serve_synthetic_init(&b, &l, &l, 3, 5, &sb);
    assert_int_equal(aif_serve_synthetic_set_arrival_cv(&b, 1, NULL), AIF_OK);
    for (int i = 0; i < 1000; i++) {
        aif_serve_request x, y;
        assert_int_equal(sa.next(sa.ctx, &x, NULL), AIF_OK);
        assert_int_equal(sb.next(sb.ctx, &y, NULL), AIF_OK);
        assert_true(x.arrival_s == y.arrival_s);
    }
    double cv;
    aif_error err = {0};
    assert_int_equal(aif_serve_arrivals_parse("gamma:2.5", &cv, &err), AIF_OK);
    assert_true(cv == 2.5);
    assert_int_equal(aif_serve_arrivals_parse("poisson", &cv, &err), AIF_OK);
    assert_true(cv == 1);
    const char *bad[] = {"gamma",    "gamma:",    "gamma:0",   "gamma:-1",
                         "gamma:1x", "weibull:2", "gamma:1000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(aif_serve_arrivals_parse(bad[i], &cv, &err), AIF_EPARSE);
    }
    assert_int_equal(aif_serve_synthetic_set_arrival_cv(&a, 0, &err), AIF_EINVAL);
}

/* Lengths drawn from a mix come as whole pairs, each about equally often, the same for a
 * seed; arrivals are unchanged by the mix. */
static void length_mix(void **state) {
    (void)state;
    static const long pairs[] = {100, 10, 2000, 300, 500, 50, 7000, 1};
    aif_serve_lengths l = {AIF_SERVE_LEN_FIXED, 100, 0, 0};
    aif_serve_synthetic g, h;
    aif_serve_source src, plain;
    aif_serve_synthetic_init(&g, &l, &l, 2, 9, &src);
    aif_serve_synthetic_init(&h, &l, &l, 2, 9, &plain);
    assert_int_equal(aif_serve_synthetic_set_mix(&g, pairs, 4, NULL), AIF_OK);
    long seen[4] = {0};
    double in_sum = 0;
    long n = 40000;
    for (long i = 0; i < n; i++) {
        aif_serve_request rq, p;
        assert_int_equal(src.next(src.ctx, &rq, NULL), AIF_OK);
        assert_int_equal(plain.next(plain.ctx, &p, NULL), AIF_OK);
        assert_true(rq.arrival_s == p.arrival_s);
        int k = -1;
        for (int j = 0; j < 4; j++) {
            if (rq.input_tokens == pairs[2 * j] && rq.output_tokens == pairs[2 * j + 1]) {
                k = j;
            }
        }
        assert_true(k >= 0);
        seen[k]++;
        in_sum += (double)rq.input_tokens;
    }
    for (int j = 0; j < 4; j++) {
        CLOSE((double)seen[j], n / 4.0, 0.03);
    }
    CLOSE(in_sum / (double)n, (100 + 2000 + 500 + 7000) / 4.0, 0.03);
    /* The same seed gives the same draws. */
    aif_serve_synthetic_init(&g, &l, &l, 2, 9, &src);
    aif_serve_synthetic_set_mix(&g, pairs, 4, NULL);
    aif_serve_synthetic_init(&h, &l, &l, 2, 9, &plain);
    aif_serve_synthetic_set_mix(&h, pairs, 4, NULL);
    for (int i = 0; i < 100; i++) {
        aif_serve_request x, y;
        src.next(src.ctx, &x, NULL);
        plain.next(plain.ctx, &y, NULL);
        assert_true(x.input_tokens == y.input_tokens && x.output_tokens == y.output_tokens);
    }
    static const long bad[] = {100, 0};
    assert_int_equal(aif_serve_synthetic_set_mix(&g, bad, 1, NULL), AIF_EINVAL);
    assert_int_equal(aif_serve_synthetic_set_mix(&g, pairs, 0, NULL), AIF_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(router_matches_scan),
        cmocka_unit_test(holders_index),
        cmocka_unit_test(many_replicas),
        cmocka_unit_test(swap_beats_recompute),
        cmocka_unit_test(swap_conserves_blocks),
        cmocka_unit_test(swap_with_prefix_cache),
        cmocka_unit_test(swap_without_space_is_recompute),
        cmocka_unit_test(gamma_arrivals),
        cmocka_unit_test(length_mix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
