/* Unit tests for the serving simulator (serve.h): length distributions, the deployment's
 * KV sizing and refusals, and the sanity checks no calibration can tune: a lone request's
 * TTFT is one prefill iteration, latency rises with load, throughput stays under the
 * performance model's offline steady state, KV is never over-committed and every block
 * comes back, the same seed gives the same result; plus preemption, routing, closed loop
 * and allocation failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serve_test_util.h"

#include "aifactory/serve.h"
#include "model/serve_internal.h"

/* A request with no shared prefix. */
#define RQ(t, in, out)                                                                             \
    { .arrival_s = (t), .input_tokens = (in), .output_tokens = (out) }

static aif_serve_config llama70b_h100(int tp, int replicas) {
    aif_serve_config c = {0};
    c.model = aif_model_find("llama2-70b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = tp;
    c.replicas = replicas;
    return c;
}

static void lengths_parse(void **state) {
    (void)state;
    aif_serve_lengths l;
    aif_error err = {0};
    assert_int_equal(aif_serve_lengths_parse("512", &l, &err), AIF_OK);
    assert_int_equal(l.kind, AIF_SERVE_LEN_FIXED);
    assert_true(l.a == 512);
    assert_int_equal(aif_serve_lengths_parse("uniform:10:20", &l, &err), AIF_OK);
    assert_true(aif_serve_lengths_mean(&l) == 15);
    assert_int_equal(aif_serve_lengths_parse("exp:300:4000", &l, &err), AIF_OK);
    assert_true(l.kind == AIF_SERVE_LEN_EXP && l.a == 300 && l.b == 4000);
    assert_int_equal(aif_serve_lengths_parse("lognormal:1000:0.5", &l, &err), AIF_OK);
    CLOSE(aif_serve_lengths_mean(&l), 1000 * exp(0.125), 1e-12);
    const char *bad[] = {
        "",          "-5",        "0",           "12.5",  "uniform:20:10", "exp", "exp:",
        "exp:1:2:3", "gamma:1:2", "lognormal:5", "12abc", "uniform:1.5:3", "2e9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(aif_serve_lengths_parse(bad[i], &l, &err), AIF_EPARSE);
        assert_non_null(strstr(err.message, "expected"));
    }
    assert_int_equal(aif_serve_lengths_parse("exp:10:x", &l, &err), AIF_EPARSE);
    assert_int_equal(err.offset, 7);
    /* Draws: whole tokens, at least 1, within the cap, and repeatable. */
    aif_rng r1, r2;
    aif_rng_seed(&r1, 7, 1);
    aif_rng_seed(&r2, 7, 1);
    assert_int_equal(aif_serve_lengths_parse("lognormal:100:2:500", &l, NULL), AIF_OK);
    double sum = 0;
    for (int i = 0; i < 10000; i++) {
        long v = aif_serve_lengths_draw(&l, &r1);
        assert_true(v >= 1 && v <= 500);
        assert_int_equal(v, aif_serve_lengths_draw(&l, &r2));
        sum += (double)v;
    }
    assert_true(sum / 10000 > 100 && sum / 10000 < 500);
    assert_int_equal(aif_serve_lengths_parse("uniform:3:5", &l, NULL), AIF_OK);
    for (int i = 0; i < 1000; i++) {
        long v = aif_serve_lengths_draw(&l, &r1);
        assert_true(v >= 3 && v <= 5);
    }
}

static void plan_and_refusals(void **state) {
    (void)state;
    aif_serve_layout lay;
    aif_error err = {0};
    aif_serve_config c = llama70b_h100(8, 1);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_OK);
    /* 0.9 x 80 GB usable per GPU less 69 GB / 8 of fp8 weights, over 8 GPUs, at
     * 80 layers x 2 x 8 heads x 128 x 1 byte = 163,840 bytes per token. */
    double kv = (0.9 * 80e9 - 68.98e9 / 8) * 8;
    CLOSE(lay.kv_bytes_per_replica, kv, 1e-9);
    assert_true(lay.kv_bytes_per_token == 163840.0);
    assert_int_equal(lay.kv_blocks_per_replica, (long)floor(kv / (163840.0 * 16)));
    assert_int_equal(lay.token_budget, 8192);
    assert_int_equal(lay.max_running, (long)aif_perf_calib_default()->max_batch);
    c.tp = 3;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "does not divide"));
    c.tp = 16;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "scale-up domain"));
    c.tp = 1;
    c.precision = AIF_PREC_BF16;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "use TP >= 2"));
    c = llama70b_h100(8, 1);
    c.precision = AIF_PREC_FP4; /* H100 has no FP4 */
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    c = llama70b_h100(8, 1);
    c.max_running = 70000;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_int_equal(aif_serve_plan(NULL, &lay, &err), AIF_EINVAL);
}

/* One request alone: its TTFT is exactly one prefill iteration of the performance model,
 * and each later token one decode step at its context. */
static void lone_request_is_one_prefill(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(8, 1);
    const aif_perf_calib *cal = aif_perf_calib_default();
    aif_serve_request rq[] = {{.arrival_s = 0.5, .input_tokens = 1000, .output_tokens = 1},
                              {.arrival_s = 100.0, .input_tokens = 1000, .output_tokens = 64}};
    list_source ls = {rq, 2, 0};
    aif_serve_source src = {&ls, list_next};
    aif_serve_result r;
    assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &r, NULL), AIF_OK);
    double prefill = aif_perf_prefill_s(cal, NULL, c.model, c.hw, c.precision, 8, 1, 1000);
    assert_int_equal(r.requests_completed, 2);
    assert_true(fabs(r.ttft_s.mean - prefill) <= 1e-9);
    assert_true(fabs(r.queue_s.mean) <= 1e-12);
    /* Decode steps at contexts 1001..1063, each priced on a shape rounded up by < 0.8%. */
    double decode = 0;
    for (int k = 1; k <= 63; k++) {
        decode += aif_perf_decode_step_s(cal, NULL, c.model, c.hw, c.precision, 8, 1, 1000 + k);
    }
    decode /= 63;
    assert_true(r.tpot_s.mean >= decode * (1 - 1e-9) && r.tpot_s.mean <= decode * 1.008);
    assert_int_equal(r.iterations, 1 + 1 + 63);
    assert_int_equal(r.kv_blocks_at_end, 0);
    assert_int_equal(r.preemptions, 0);
    assert_true(r.input_tokens == 2000 && r.output_tokens == 65);
}

/* The offline steady state of the performance model for the same deployment. */
static double offline_tokens_per_s(const aif_serve_config *c, double in, double out) {
    aif_perf_infer_query q = {c->model, c->hw, (long)c->tp * c->replicas, c->precision,
                              in,       out,   AIF_WORKLOAD_OFFLINE,      c->tp,
                              1,        NULL};
    aif_perf_infer_result r;
    assert_int_equal(aif_perf_infer(aif_perf_calib_default(), &q, &r), AIF_OK);
    return r.tokens_per_s;
}

/* Latency rises with load; throughput follows the offered load below capacity and never
 * passes the offline steady state above it. */
static void latency_rises_with_load(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(8, 1);
    double cap_tok = offline_tokens_per_s(&c, 1000, 200);
    double cap_rps = cap_tok / 200;
    const double loads[] = {0.05, 0.3, 0.6, 0.8, 0.95, 1.5, 4.0};
    double prev_e2e = 0, prev_ttft = 0, prev_tpot = 0;
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        aif_serve_result r;
        assert_int_equal(run_synthetic(&c, "1000", "200", loads[i] * cap_rps, 3000, 42, &r),
                         AIF_OK);
        assert_int_equal(r.requests_completed, 3000);
        assert_true(r.e2e_s.mean >= prev_e2e);
        assert_true(r.ttft_s.mean >= prev_ttft);
        assert_true(r.tpot_s.mean >= prev_tpot * 0.999);
        prev_e2e = r.e2e_s.mean;
        prev_ttft = r.ttft_s.mean;
        prev_tpot = r.tpot_s.mean;
        assert_true(r.output_tokens_per_s <= cap_tok);
        if (loads[i] <= 0.8) { /* below capacity the deployment keeps up */
            assert_true(r.output_tokens_per_s >= 0.85 * loads[i] * cap_tok);
        } else if (loads[i] > 1.2) { /* saturated: close to the steady state, not far off */
            assert_true(r.output_tokens_per_s >= 0.6 * cap_tok);
        }
        assert_true(r.peak_kv_occupancy <= 1.0);
        assert_int_equal(r.kv_blocks_at_end, 0);
    }
}

/* A replica with little KV: decode runs out of blocks, the newest sequences are preempted
 * and recomputed, nothing is over-committed, every block comes back. */
/* One TP-8 replica on H100s shrunk to leave about 40,000 tokens of KV (40,000 x 163,840 B
 * / 8 GPUs over the weights), the GPU kept in *small. */
static aif_serve_config kv_pressure(aif_perf_hw *small) {
    *small = *aif_perf_hw_find("h100");
    small->hbm_bytes = (68.98e9 / 8 + 40000 * 163840.0 / 8) / 0.9;
    aif_serve_config c = llama70b_h100(8, 1);
    c.hw = small;
    return c;
}

static void preemption_under_kv_pressure(void **state) {
    (void)state;
    aif_perf_hw small;
    aif_serve_config c = kv_pressure(&small);
    aif_serve_result r;
    assert_int_equal(run_synthetic(&c, "uniform:500:1500", "uniform:200:800", 1000, 400, 3, &r),
                     AIF_OK);
    assert_int_equal(r.requests_completed, 400);
    assert_true(r.preemptions > 0);
    assert_true(r.peak_kv_occupancy <= 1.0 && r.peak_kv_occupancy > 0.9);
    assert_int_equal(r.kv_blocks_at_end, 0);
    assert_true(r.layout.kv_tokens_per_replica >= 39000 && r.layout.kv_tokens_per_replica <= 40000);
}

/* Reserve admission (TensorRT-LLM's GUARANTEED_NO_EVICT) under the same pressure: a request
 * starts only when its whole prompt and output fit beside the running ones' reservations,
 * so nothing is preempted and the reserved blocks never exceed the cache. */
static void reserve_admission_never_preempts(void **state) {
    (void)state;
    aif_perf_hw small;
    aif_serve_config c = kv_pressure(&small);
    c.admission = AIF_SERVE_ADMIT_RESERVE;
    aif_serve_result r, again;
    assert_int_equal(run_synthetic(&c, "uniform:500:1500", "uniform:200:800", 1000, 400, 3, &r),
                     AIF_OK);
    assert_int_equal(r.requests_completed, 400);
    assert_int_equal(r.preemptions, 0);
    assert_true(r.peak_kv_occupancy <= 1.0);
    assert_int_equal(r.kv_blocks_at_end, 0);
    /* Fewer sequences run at once than greedy admission packs in. */
    aif_serve_config g = c;
    g.admission = AIF_SERVE_ADMIT_GREEDY;
    aif_serve_result gr;
    assert_int_equal(run_synthetic(&g, "uniform:500:1500", "uniform:200:800", 1000, 400, 3, &gr),
                     AIF_OK);
    assert_true(gr.preemptions > 0);
    assert_true(r.mean_batch < gr.mean_batch);
    assert_int_equal(run_synthetic(&c, "uniform:500:1500", "uniform:200:800", 1000, 400, 3, &again),
                     AIF_OK);
    assert_memory_equal(&r, &again, sizeof r);
    /* Shared prefixes under the same pressure: each sequence reserves its shared blocks too,
     * so still nothing is preempted, and every block comes back. */
    aif_serve_request rq[300];
    for (int i = 0; i < 300; i++) {
        rq[i] = (aif_serve_request){.arrival_s = 0.01 * i,
                                    .input_tokens = 1500 + 7 * (i % 50),
                                    .output_tokens = 300 + 11 * (i % 40),
                                    .prefix_id = (uint64_t)(i % 4) + 1,
                                    .prefix_tokens = 1000};
    }
    c.prefix_caching = 1;
    assert_int_equal(run_list(&c, rq, 300, &r), AIF_OK);
    assert_int_equal(r.requests_completed, 300);
    assert_int_equal(r.preemptions, 0);
    assert_true(r.prefix_hit_rate > 0);
    assert_int_equal(r.kv_blocks_at_end, 0);
    /* It never preempts, so swapping has nothing to do; disaggregated pools are not modelled. */
    aif_serve_layout lay;
    aif_error err = {0};
    c.hw = aif_perf_hw_find("h100");
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_OK);
    c.preemption = AIF_SERVE_PREEMPT_SWAP;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "reserve admission"));
    c.preemption = AIF_SERVE_PREEMPT_RECOMPUTE;
    aif_serve_disagg d = {.decode_replicas = 1};
    c.disagg = &d;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    c.disagg = NULL;
    c.admission = AIF_SERVE_ADMIT_COUNT;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    aif_serve_admission a;
    assert_int_equal(aif_serve_admission_parse("reserve", &a), AIF_OK);
    assert_int_equal(a, AIF_SERVE_ADMIT_RESERVE);
    assert_string_equal(aif_serve_admission_name(AIF_SERVE_ADMIT_GREEDY), "greedy");
    assert_int_equal(aif_serve_admission_parse("fifo", &a), AIF_EINVAL);
    assert_int_equal(aif_serve_admission_parse(NULL, &a), AIF_EINVAL);
}

static void deterministic(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(4, 2);
    c.route = AIF_SERVE_ROUTE_LEAST_TOKENS;
    aif_serve_result a, b, d;
    assert_int_equal(run_synthetic(&c, "exp:800:3000", "exp:150:1000", 8, 2000, 9, &a), AIF_OK);
    assert_int_equal(run_synthetic(&c, "exp:800:3000", "exp:150:1000", 8, 2000, 9, &b), AIF_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(run_synthetic(&c, "exp:800:3000", "exp:150:1000", 8, 2000, 10, &d), AIF_OK);
    assert_true(d.e2e_s.mean != a.e2e_s.mean);
}

/* Two replicas: least-tokens routing keeps two long requests apart where round-robin
 * alternates blindly; both finish everything. */
static void routing(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(4, 2);
    aif_serve_request rq[] = {{.arrival_s = 0, .input_tokens = 3000, .output_tokens = 500},
                              {.arrival_s = 0, .input_tokens = 100, .output_tokens = 10},
                              {.arrival_s = 0.001, .input_tokens = 3000, .output_tokens = 500}};
    aif_serve_result rr, lt;
    list_source ls = {rq, 3, 0};
    aif_serve_source src = {&ls, list_next};
    assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &rr, NULL), AIF_OK);
    c.route = AIF_SERVE_ROUTE_LEAST_TOKENS;
    ls.i = 0;
    assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &lt, NULL), AIF_OK);
    assert_int_equal(rr.requests_completed, 3);
    assert_int_equal(lt.requests_completed, 3);
    /* Round-robin puts the second long request with the first; least-tokens does not. */
    assert_true(lt.e2e_s.mean < rr.e2e_s.mean);
    aif_serve_route route;
    assert_int_equal(aif_serve_route_parse("least-tokens", &route), AIF_OK);
    assert_int_equal(route, AIF_SERVE_ROUTE_LEAST_TOKENS);
    assert_string_equal(aif_serve_route_name(AIF_SERVE_ROUTE_ROUND_ROBIN), "round-robin");
    assert_int_equal(aif_serve_route_parse("random", &route), AIF_EINVAL);
}

/* Closed loop of one: requests run one after another, none waits. */
static void closed_loop(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(8, 1);
    c.concurrency = 1;
    aif_serve_result r;
    assert_int_equal(run_synthetic(&c, "500", "50", 0, 20, 1, &r), AIF_OK);
    assert_int_equal(r.requests_completed, 20);
    assert_int_equal(r.peak_in_flight, 1);
    assert_true(fabs(r.queue_s.mean) < 1e-12);
    CLOSE(r.e2e_s.mean * 20, r.duration_s, 1e-9);
    c.concurrency = 64;
    assert_int_equal(run_synthetic(&c, "500", "50", 0, 1000, 1, &r), AIF_OK);
    assert_int_equal(r.peak_in_flight, 64);
    assert_true(r.mean_batch > 32);
}

static void bad_requests(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(8, 1);
    aif_serve_result r;
    aif_error err = {0};
    struct {
        aif_serve_request rq[2];
        aif_status st;
        const char *msg;
    } cases[] = {
        {{RQ(0, 100, 10), RQ(1, -5, 10)}, AIF_EINVAL, "request 2: expected at least 1 input"},
        {{RQ(0, 100, 0), RQ(1, 5, 10)}, AIF_EINVAL, "request 1: expected at least 1 input"},
        {{RQ(0, 4000, 200), RQ(1, 5, 10)}, AIF_ERANGE, "exceed llama2-70b's context of 4096"},
        {{RQ(2, 100, 10), RQ(1, 5, 10)}, AIF_EINVAL, "must not go back in time"},
        {{RQ(-1, 100, 10), RQ(1, 5, 10)}, AIF_EINVAL, "expected an arrival time"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        list_source ls = {cases[i].rq, 2, 0};
        aif_serve_source src = {&ls, list_next};
        memset(&err, 0, sizeof err);
        assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &r, &err), cases[i].st);
        assert_non_null(strstr(err.message, cases[i].msg));
    }
    /* Larger than the KV cache can ever hold (a model with a long context). */
    aif_perf_hw small = *aif_perf_hw_find("h100");
    small.hbm_bytes = (70.6e9 / 8 + 40000 * 163840.0 / 8) / 0.9;
    aif_serve_config big = c;
    big.model = aif_model_find("llama3.1-70b");
    big.hw = &small;
    aif_serve_request rq[] = {{.arrival_s = 0, .input_tokens = 60000, .output_tokens = 100}};
    list_source ls = {rq, 1, 0};
    aif_serve_source src = {&ls, list_next};
    assert_int_equal(aif_serve_run(NULL, &big, &src, 0, &r, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "more KV cache than a replica holds"));
}

/* Every allocation the run makes can fail; the run reports it and leaks nothing. */
static void allocation_failures(void **state) {
    (void)state;
    aif_serve_config c = llama70b_h100(4, 2);
    aif_serve_lengths li, lo;
    assert_int_equal(aif_serve_lengths_parse("exp:500", &li, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse("exp:100", &lo, NULL), AIF_OK);
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_serve_synthetic g;
    aif_serve_source src;
    aif_serve_result r;
    aif_serve_synthetic_init(&g, &li, &lo, 20, 5, &src);
    assert_int_equal(aif_serve_run(&t.base, &c, &src, 3000, &r, NULL), AIF_OK);
    long total = t.allocations;
    assert_int_equal(t.live_blocks, 0);
    for (long k = 1; k <= total; k++) {
        aif_test_allocator_init(&t, k);
        aif_serve_synthetic_init(&g, &li, &lo, 20, 5, &src);
        aif_error err = {0};
        assert_int_equal(aif_serve_run(&t.base, &c, &src, 3000, &r, &err), AIF_ENOMEM);
        assert_int_equal(t.live_blocks, 0);
    }
}

/* The price memo's buckets: exact below 128, never below the value, at most 0.8% above,
 * monotone, and one code per upper edge's value. */
static void price_buckets(void **state) {
    (void)state;
    double prev_upper = 0;
    for (double v = 0; v < 3e6; v = v < 300 ? v + 1 : v * 1.0137) {
        double up;
        uint64_t code = aif__serve_bucket(v, &up);
        assert_true(up >= v);
        if (v < 128) {
            assert_true(up == ceil(v) && code == (uint64_t)ceil(v));
        } else {
            assert_true(up <= v * (1 + 1.0 / 128) + 1);
        }
        assert_true(up >= prev_upper);
        assert_true(code < (1u << 13));
        prev_upper = up;
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lengths_parse),
        cmocka_unit_test(price_buckets),
        cmocka_unit_test(plan_and_refusals),
        cmocka_unit_test(lone_request_is_one_prefill),
        cmocka_unit_test(latency_rises_with_load),
        cmocka_unit_test(preemption_under_kv_pressure),
        cmocka_unit_test(reserve_admission_never_preempts),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(routing),
        cmocka_unit_test(closed_loop),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
