/* Unit tests for prefill/decode disaggregation (serve.h's aif_serve_disagg): a lone
 * request's TTFT is one prefill on the prefill system and its KV crosses the link in
 * bytes / bandwidth; transfers that share a prefill replica's egress or a decode replica's
 * ingress run one after the other; latency rises with load; the same inputs give the same
 * result; neither pool over-commits its KV and every block comes back; with an infinitely
 * fast link and equal systems the decode pool batches exactly as a colocated replica's
 * decode phase; refusals name the decode pool; the capacity search counts both pools;
 * allocation failures leak nothing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serve_test_util.h"

#include "aifactory/serve.h"

/* llama2-70b, FP8, on H100s: P prefill and D decode replicas of TP 8 (16+ GPUs: two
 * HGX nodes, so the KV crosses the NICs). */
static aif_serve_config split(int prefill, aif_serve_disagg *g, int decode) {
    memset(g, 0, sizeof *g);
    g->decode_replicas = decode;
    aif_serve_config c = {0};
    c.model = aif_model_find("llama2-70b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 8;
    c.replicas = prefill;
    c.disagg = g;
    return c;
}

/* The link: 8 GPUs x 50 GB/s of NIC x the calibration's link efficiency; scale-up when
 * every GPU of both pools is in one NVLink domain. */
static void link_choice(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 1);
    const aif_perf_calib *cal = aif_perf_calib_default();
    aif_serve_link kind;
    double bw = aif_serve_kv_link(&c, &kind);
    assert_int_equal(kind, AIF_SERVE_LINK_SCALEOUT);
    assert_true(bw == 8 * c.hw->scaleout_bytes_per_s * cal->link_eff);
    assert_true(bw == 8 * 50e9 * 0.8);
    c.tp = 4;
    g.decode_tp = 4; /* 4 + 4 GPUs: one HGX node's NVLink */
    bw = aif_serve_kv_link(&c, &kind);
    assert_int_equal(kind, AIF_SERVE_LINK_SCALEUP);
    assert_true(bw == 4 * c.hw->scaleup_bytes_per_s * cal->link_eff);
    g.decode_tp = 2; /* the slower side bounds a transfer */
    bw = aif_serve_kv_link(&c, &kind);
    assert_true(bw == 2 * c.hw->scaleup_bytes_per_s * cal->link_eff);
    g.link_bytes_per_s = 1e9;
    assert_true(aif_serve_kv_link(&c, &kind) == 1e9);
    assert_int_equal(kind, AIF_SERVE_LINK_GIVEN);
    c.disagg = NULL;
    assert_true(aif_serve_kv_link(&c, &kind) == 0);
    assert_string_equal(aif_serve_link_name(AIF_SERVE_LINK_SCALEUP), "scale-up");
}

/* One request alone: TTFT is one prefill of the prefill system, the transfer is its
 * bytes over the link, and each later token one decode step of the decode system; the
 * transfer delays the second token, not the first. */
static void lone_request(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 1);
    aif_perf_hw a100 = *aif_perf_hw_find("h100");
    a100.hbm_bytes_per_s *= 0.5; /* a slower decode system: its steps must be priced there */
    a100.id = "h100-slow";
    g.decode_hw = &a100;
    const aif_perf_calib *cal = aif_perf_calib_default();
    aif_serve_request rq[] = {{.arrival_s = 0.5, .input_tokens = 1000, .output_tokens = 64}};
    aif_serve_result r;
    assert_int_equal(run_list(&c, rq, 1, &r), AIF_OK);
    assert_int_equal(r.requests_completed, 1);
    assert_true(r.disaggregated);
    double prefill = aif_perf_prefill_s(cal, NULL, c.model, c.hw, c.precision, 8, 1, 1000);
    assert_true(fabs(r.ttft_s.mean - prefill) <= 1e-9);
    double bytes = 1000 * 163840.0;
    double wire = bytes / (8 * 50e9 * 0.8);
    assert_true(r.kv_transfers == 1 && r.kv_transfer_bytes == bytes);
    assert_true(fabs(r.kv_transfer_s.mean - wire) <= 1e-9);
    assert_true(r.kv_link_bytes_per_s == 8 * 50e9 * 0.8);
    double decode = 0;
    for (int k = 1; k <= 63; k++) {
        decode += aif_perf_decode_step_s(cal, NULL, c.model, &a100, c.precision, 8, 1, 1000 + k);
    }
    double after = r.tpot_s.mean * 63; /* the transfer, then 63 decode steps */
    assert_true(after >= wire + decode - 1e-9 && after <= wire + decode * 1.008 + 1e-9);
    assert_int_equal(r.prefill_pool.iterations, 1);
    assert_int_equal(r.decode_pool.iterations, 63);
    assert_true(r.prefill_pool.mean_batch_tokens == 1000);
    assert_true(r.decode_pool.mean_batch_tokens == 1);
    assert_int_equal(r.kv_blocks_at_end, 0);
    /* A single output token ends at the prefill: nothing crosses. */
    aif_serve_request one[] = {{.arrival_s = 0, .input_tokens = 1000, .output_tokens = 1}};
    assert_int_equal(run_list(&c, one, 1, &r), AIF_OK);
    assert_true(r.kv_transfers == 0 && r.decode_pool.iterations == 0);
}

/* Two caches ready at once over one prefill replica's egress (P 1, D 2) or into one decode
 * replica's ingress (P 2, D 1): the second waits for the first, so it takes twice as long. */
static void transfers_contend(void **state) {
    (void)state;
    double wire = 1000 * 163840.0 / (8 * 50e9 * 0.8);
    aif_serve_request rq[] = {{.arrival_s = 0, .input_tokens = 1000, .output_tokens = 10},
                              {.arrival_s = 0, .input_tokens = 1000, .output_tokens = 10}};
    for (int k = 0; k < 2; k++) {
        aif_serve_disagg g;
        aif_serve_config c = k == 0 ? split(1, &g, 2) : split(2, &g, 1);
        aif_serve_result r;
        assert_int_equal(run_list(&c, rq, 2, &r), AIF_OK);
        assert_int_equal(r.kv_transfers, 2);
        assert_true(fabs(r.ttft_s.p99 - r.ttft_s.mean) <= 1e-12); /* first tokens together */
        assert_true(fabs(r.kv_transfer_s.mean - 1.5 * wire) <= 2e-9);
        /* The same with a 1,000x faster link: the wait shrinks with the wire time. */
        g.link_bytes_per_s = 1000 * 8 * 50e9 * 0.8;
        assert_int_equal(run_list(&c, rq, 2, &r), AIF_OK);
        assert_true(fabs(r.kv_transfer_s.mean - 1.5 * wire / 1000) <= 2e-9);
    }
    /* Two prefill replicas sending to two decode replicas: no shared end, no wait. */
    aif_serve_disagg g;
    aif_serve_config c = split(2, &g, 2);
    aif_serve_result r;
    assert_int_equal(run_list(&c, rq, 2, &r), AIF_OK);
    assert_true(fabs(r.kv_transfer_s.mean - wire) <= 2e-9);
}

/* Layer-wise transfer (Splitwise): a lone prompt's KV crosses while its prefill runs, so
 * only the last layer's share is left after it (1/80 of the wire time for llama2-70b); the
 * second of two caches sharing an egress waited for the first, so it gains nothing; under
 * load the transfers are shorter on average and move the same bytes. */
static void layerwise_transfer(void **state) {
    (void)state;
    double wire = 1000 * 163840.0 / (8 * 50e9 * 0.8);
    aif_serve_request lone[] = {{.arrival_s = 0.5, .input_tokens = 1000, .output_tokens = 64}};
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 1);
    g.layerwise = 1;
    aif_serve_result r, a;
    assert_int_equal(run_list(&c, lone, 1, &r), AIF_OK);
    assert_true(fabs(r.kv_transfer_s.mean - wire / 80) <= 1e-9);
    aif_serve_request two[] = {{.arrival_s = 0, .input_tokens = 1000, .output_tokens = 10},
                               {.arrival_s = 0, .input_tokens = 1000, .output_tokens = 10}};
    c = split(1, &g, 2);
    g.layerwise = 1;
    assert_int_equal(run_list(&c, two, 2, &r), AIF_OK);
    /* The first: its last layer's share; the second: waits for it, then its whole cache. */
    assert_true(fabs(r.kv_transfer_s.mean - 0.5 * (wire / 80 + wire / 80 + wire)) <= 2e-9);
    c = split(2, &g, 1);
    assert_int_equal(run_synthetic(&c, "uniform:500:3000", "exp:200:1000", 6, 600, 4, &a), AIF_OK);
    g.layerwise = 1;
    assert_int_equal(run_synthetic(&c, "uniform:500:3000", "exp:200:1000", 6, 600, 4, &r), AIF_OK);
    assert_int_equal(r.requests_completed, 600);
    assert_true(r.kv_transfer_s.mean < a.kv_transfer_s.mean);
    assert_true(r.kv_transfer_bytes == a.kv_transfer_bytes);
    assert_int_equal(r.kv_blocks_at_end, 0);
}

static void latency_rises_with_load(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 1);
    const double rates[] = {0.5, 2, 4, 6, 8, 12};
    double prev_e2e = 0, prev_ttft = 0, prev_xfer = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        aif_serve_result r;
        assert_int_equal(run_synthetic(&c, "1000", "200", rates[i], 1500, 42, &r), AIF_OK);
        assert_int_equal(r.requests_completed, 1500);
        assert_true(r.e2e_s.mean >= prev_e2e);
        assert_true(r.ttft_s.mean >= prev_ttft);
        assert_true(r.kv_transfer_s.mean >= prev_xfer * 0.999);
        prev_e2e = r.e2e_s.mean;
        prev_ttft = r.ttft_s.mean;
        prev_xfer = r.kv_transfer_s.mean;
        assert_true(r.peak_kv_occupancy <= 1.0);
        assert_int_equal(r.kv_blocks_at_end, 0);
        assert_true(r.prefill_pool.utilization > 0 && r.prefill_pool.utilization <= 1);
        assert_true(r.decode_pool.utilization > 0 && r.decode_pool.utilization <= 1);
    }
}

static void deterministic(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(2, &g, 3);
    aif_serve_result a, b;
    assert_int_equal(run_synthetic(&c, "uniform:100:2000", "exp:300:2000", 9, 800, 5, &a), AIF_OK);
    assert_int_equal(run_synthetic(&c, "uniform:100:2000", "exp:300:2000", 9, 800, 5, &b), AIF_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.requests_completed, 800);
    /* Every request with more than one output token crossed (exp:300 draws 1 rarely). */
    assert_true(a.kv_transfers > 780 && a.kv_transfers <= 800);
}

/* Small decode KV under heavy load: decode preempts (and recomputes there), transfers wait
 * for blocks, neither pool is over-committed and every block comes back. */
static void kv_never_overcommitted(void **state) {
    (void)state;
    aif_perf_hw small = *aif_perf_hw_find("h100");
    /* Leave about 40,000 tokens of KV per decode replica. */
    small.hbm_bytes = (68.98e9 / 8 + 40000 * 163840.0 / 8) / 0.9;
    small.id = "h100-small";
    aif_serve_disagg g;
    aif_serve_config c = split(2, &g, 1);
    g.decode_hw = &small;
    aif_serve_result r;
    assert_int_equal(run_synthetic(&c, "uniform:500:1500", "uniform:200:800", 1000, 400, 3, &r),
                     AIF_OK);
    assert_int_equal(r.requests_completed, 400);
    assert_true(r.decode_layout.kv_tokens_per_replica < 41000);
    assert_true(r.decode_pool.preemptions > 0);
    assert_int_equal(r.prefill_pool.preemptions, 0);
    assert_true(r.decode_pool.peak_kv_occupancy <= 1.0 && r.decode_pool.peak_kv_occupancy > 0.9);
    assert_true(r.prefill_pool.peak_kv_occupancy <= 1.0);
    assert_int_equal(r.kv_blocks_at_end, 0);
    /* The transfers waited for blocks: far longer than the wire time. */
    assert_true(r.kv_transfer_s.p99 > 100 * 1500 * 163840.0 / (8 * 50e9 * 0.8));
    /* Prefill KV small too: handed-off prompts hold their blocks until sent. */
    aif_serve_config c2 = c;
    c2.hw = &small;
    assert_int_equal(run_synthetic(&c2, "uniform:500:1500", "uniform:200:800", 1000, 400, 3, &r),
                     AIF_OK);
    assert_int_equal(r.requests_completed, 400);
    assert_true(r.prefill_pool.peak_kv_occupancy <= 1.0 && r.decode_pool.peak_kv_occupancy <= 1);
    assert_int_equal(r.kv_blocks_at_end, 0);
}

typedef struct iter_log {
    int decode_replica;
    long decode_iters, mixed;
    long seqs;
} iter_log;

static aif_status on_iter(void *ctx, const aif_serve_iteration_record *it) {
    iter_log *l = ctx;
    if (it->replica == l->decode_replica) {
        l->decode_iters++;
        l->mixed += it->tokens != it->sequences || it->sequences != l->seqs;
    }
    return AIF_OK;
}

/* An infinitely fast link between equal pools: the decode pool's iterations are the decode
 * phase of a colocated replica, step for step, so the latencies are the same. */
static void infinite_link_is_decode_batching(void **state) {
    (void)state;
    aif_serve_request rq[8];
    for (int i = 0; i < 8; i++) {
        rq[i] = (aif_serve_request){.arrival_s = 1.0, .input_tokens = 700, .output_tokens = 120};
    }
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 1);
    g.link_bytes_per_s = 1e30;
    iter_log log = {.decode_replica = 1, .seqs = 8};
    aif_serve_observer ob = {&log, NULL, on_iter};
    c.observer = &ob;
    aif_serve_result d, colo;
    assert_int_equal(run_list(&c, rq, 8, &d), AIF_OK);
    aif_serve_config cc = c;
    cc.disagg = NULL;
    cc.observer = NULL;
    assert_int_equal(run_list(&cc, rq, 8, &colo), AIF_OK);
    assert_int_equal(log.decode_iters, 119);
    assert_int_equal(log.mixed, 0);
    assert_true(d.kv_transfer_s.p99 <= 1e-9);
    assert_true(fabs(d.ttft_s.mean - colo.ttft_s.mean) <= 1e-12);
    assert_true(fabs(d.tpot_s.mean - colo.tpot_s.mean) <= 1e-12);
    assert_true(fabs(d.e2e_s.p99 - colo.e2e_s.p99) <= 1e-12);
    assert_int_equal(d.iterations, colo.iterations);
}

static void refusals(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 1);
    aif_serve_layout lay;
    aif_error err = {0};
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_OK);
    g.decode_tp = 3;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "decode pool: TP 3 does not divide"));
    g.decode_tp = 16;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "decode pool"));
    g.decode_tp = 0;
    g.decode_replicas = 0;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    /* A request whose context does not fit a decode replica is named. */
    aif_perf_hw small = *aif_perf_hw_find("h100");
    small.hbm_bytes = (68.98e9 / 8 + 4000 * 163840.0 / 8) / 0.9;
    g.decode_replicas = 1;
    g.decode_hw = &small;
    aif_serve_request rq[] = {{.arrival_s = 0, .input_tokens = 2000, .output_tokens = 2090}};
    list_source ls = {rq, 1, 0};
    aif_serve_source src = {&ls, list_next};
    aif_serve_result r;
    assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &r, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "decode replica holds"));
}

/* The capacity search runs on a disaggregated deployment and its goodput per GPU counts
 * both pools. */
static void capacity_counts_both_pools(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(1, &g, 2);
    aif_serve_capacity_query q = {.cfg = &c, .seed = 1, .requests = 300};
    assert_int_equal(aif_serve_lengths_parse("1000", &q.input, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse("200", &q.output, NULL), AIF_OK);
    aif_error err = {0};
    assert_int_equal(aif_serve_slo_parse("ttft_p99=2s,tpot_p99=200ms", &q.slo, &err), AIF_OK);
    static aif_serve_capacity cap;
    assert_int_equal(aif_serve_find_capacity(NULL, &q, &cap, &err), AIF_OK);
    assert_true(cap.rate_per_s > 0);
    assert_true(cap.at_rate.disaggregated);
    assert_true(fabs(cap.goodput_output_tokens_per_s_per_gpu * 24 -
                     cap.goodput_output_tokens_per_s) <= 1e-9 * cap.goodput_output_tokens_per_s);
    assert_int_equal(aif_serve_slo_violated(&q.slo, &cap.at_rate), -1);
}

/* Every allocation failure, in either pool or the transfers, is reported without a leak. */
static void allocation_failures(void **state) {
    (void)state;
    aif_serve_disagg g;
    aif_serve_config c = split(2, &g, 2);
    c.tp = 4;
    g.decode_tp = 4;
    aif_serve_lengths li, lo;
    assert_int_equal(aif_serve_lengths_parse("exp:500", &li, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse("exp:100", &lo, NULL), AIF_OK);
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_serve_synthetic gen;
    aif_serve_source src;
    aif_serve_result r;
    aif_serve_synthetic_init(&gen, &li, &lo, 20, 5, &src);
    assert_int_equal(aif_serve_run(&t.base, &c, &src, 3000, &r, NULL), AIF_OK);
    assert_true(r.kv_transfers > 2500);
    long total = t.allocations;
    assert_int_equal(t.live_blocks, 0);
    for (long k = 1; k <= total; k++) {
        aif_test_allocator_init(&t, k);
        aif_serve_synthetic_init(&gen, &li, &lo, 20, 5, &src);
        aif_error err = {0};
        assert_int_equal(aif_serve_run(&t.base, &c, &src, 3000, &r, &err), AIF_ENOMEM);
        assert_int_equal(t.live_blocks, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_choice),
        cmocka_unit_test(lone_request),
        cmocka_unit_test(transfers_contend),
        cmocka_unit_test(layerwise_transfer),
        cmocka_unit_test(latency_rises_with_load),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(kv_never_overcommitted),
        cmocka_unit_test(infinite_link_is_decode_batching),
        cmocka_unit_test(refusals),
        cmocka_unit_test(capacity_counts_both_pools),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
