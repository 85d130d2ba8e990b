/* Unit tests for the performance model's physics: enums and hardware table, training step
 * time and layouts (strong scaling, bubble, memory limits), inference rooflines, latency
 * targets, error reporting, and the cache (including failed allocations). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/perf.h"

#define CLOSE(a, b, rel) assert_true(fabs((a) - (b)) <= (rel)*fabs(b))

static void enums_and_hardware(void **state) {
    (void)state;
    aif_precision p;
    assert_int_equal(aif_precision_parse("fp8", &p), AIF_OK);
    assert_int_equal(p, AIF_PREC_FP8);
    assert_int_equal(aif_precision_parse("int3", &p), AIF_ENOTFOUND);
    assert_int_equal(aif_precision_parse(NULL, &p), AIF_EINVAL);
    assert_string_equal(aif_precision_name(AIF_PREC_FP4), "fp4");
    assert_string_equal(aif_precision_name((aif_precision)9), "?");
    assert_true(aif_precision_bytes(AIF_PREC_BF16) == 2.0);
    assert_true(aif_precision_bytes(AIF_PREC_FP4) == 0.5625);
    aif_workload w;
    assert_int_equal(aif_workload_parse("interactive", &w), AIF_OK);
    assert_int_equal(w, AIF_WORKLOAD_INTERACTIVE);
    assert_int_equal(aif_workload_parse("batch", &w), AIF_ENOTFOUND);
    assert_string_equal(aif_workload_name(AIF_WORKLOAD_TRAINING), "training");

    const aif_perf_hw *h = aif_perf_hw_find("h100");
    assert_non_null(h);
    assert_true(h->peak_flops[AIF_PREC_BF16] == 989e12);
    assert_true(h->peak_flops[AIF_PREC_FP8] == 1979e12);
    assert_true(h->peak_flops[AIF_PREC_FP4] == 0);
    assert_true(h->hbm_bytes_per_s == 3350e9);
    assert_int_equal(aif_perf_hw_find("gb200")->scaleup_domain_gpus, 72);
    assert_int_equal(aif_perf_hw_find("b200")->infer_precision, AIF_PREC_FP4);
    assert_null(aif_perf_hw_find("tpu"));
    assert_null(aif_perf_hw_at(aif_perf_hw_count()));
}

static aif_perf_train_query gpt3(long gpus, long batch) {
    return (aif_perf_train_query){aif_model_find("gpt3-175b"),
                                  aif_perf_hw_find("h100"),
                                  gpus,
                                  AIF_PREC_FP8,
                                  2048,
                                  batch,
                                  4,
                                  8,
                                  0};
}

static void training_identities(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_train_query q = gpt3(512, 2048);
    aif_perf_train_result r;
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_OK);
    assert_int_equal(r.tp, 4);
    assert_int_equal(r.pp, 8);
    assert_int_equal(r.dp, 16);
    assert_int_equal(r.microbatches, 128);
    assert_int_equal(r.interleave, 6); /* 12 layers per stage, at most 6 virtual stages */
    /* 6N + 12 L d S */
    assert_true(r.flops_per_token == 6.0 * 175e9 + 12.0 * 96 * 12288 * 2048.0);
    CLOSE(r.tokens_per_s, 2048.0 * 2048 / r.step_time_s, 1e-12);
    CLOSE(r.tokens_per_s_per_gpu * 512, r.tokens_per_s, 1e-12);
    CLOSE(r.mfu, r.tokens_per_s * r.flops_per_token / (512 * 1979e12), 1e-12);
    CLOSE(r.step_time_s,
          r.compute_s + r.tp_comm_s + r.pp_comm_s + r.bubble_s + r.dp_exposed_s + r.optimizer_s,
          1e-12);
    /* Interleaved 1F1B bubble: (pp - 1) / v micro-batch times. */
    CLOSE(r.bubble_s, 7.0 / 6.0 * (r.compute_s + r.tp_comm_s + r.pp_comm_s) / 128, 1e-12);
    CLOSE(aif_perf_train_time_for_tokens(&r, 1e9), 1e9 / r.tokens_per_s, 1e-12);
    CLOSE(aif_perf_train_time_for_flops(&r, 1e21), 1e21 / (r.tokens_per_s * r.flops_per_token),
          1e-12);
    /* The fitted model lands near the measured 11.04 s step of the 512-GPU MLPerf run. */
    CLOSE(r.step_time_s, 11.04, 0.05);
}

static void strong_scaling_bends(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_train_query small = gpt3(512, 2048), big = gpt3(10752, 2688);
    aif_perf_train_result a, b;
    assert_int_equal(aif_perf_train(c, &small, &a), AIF_OK);
    assert_int_equal(aif_perf_train(c, &big, &b), AIF_OK);
    /* MLPerf: 21x the GPUs for 14.9x the speed (per-token throughput ratio 13.5x once the
     * larger batch's extra tokens are accounted: 1.211e9 vs 1.208e9 tokens). */
    double speedup = b.tokens_per_s / a.tokens_per_s;
    assert_true(speedup > 13.0 && speedup < 16.5);
    assert_true(b.mfu < a.mfu);
    assert_true(b.bubble_s / b.step_time_s > a.bubble_s / a.step_time_s);
}

static void automatic_layout_and_limits(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_train_query q = {aif_model_find("llama3.1-70b"),
                              aif_perf_hw_find("h100"),
                              1024,
                              AIF_PREC_FP8,
                              8192,
                              1024,
                              0,
                              0,
                              0};
    aif_perf_train_result r;
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_OK);
    assert_true(r.tp >= 1 && r.tp <= 8);
    assert_int_equal((long)r.tp * r.pp * r.dp, 1024);
    assert_true(r.mem_per_gpu_bytes <= 80e9 * c->hbm_usable_frac);
    assert_true(r.mfu > 0.2 && r.mfu < 0.6);
    /* 405B on 8 GPUs: nothing fits, and the message says what would. */
    q.model = aif_model_find("llama3.1-405b");
    q.gpus = 8;
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_ERANGE);
    assert_non_null(strstr(r.message, "fits memory"));
    /* 7 GPUs: no layout divides them with TP | 64 heads and PP | 80 layers... except
     * TP1 PP1 DP7, which does not fit memory either. */
    q.model = aif_model_find("llama3.1-70b");
    q.gpus = 7;
    q.tp = 2;
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_ERANGE);
    assert_non_null(strstr(r.message, "divides"));
    /* Llama 3 405B as Meta trained it (16,384 H100, BF16, seq 8192, 2,048-sequence batches):
     * no stage count that divides its 126 layers divides 16,384 GPUs with TP <= 8, so only a
     * power-of-two pipeline with uneven stages lays it out. */
    q = (aif_perf_train_query){aif_model_find("llama3.1-405b"),
                               aif_perf_hw_find("h100"),
                               16384,
                               AIF_PREC_BF16,
                               8192,
                               2048,
                               0,
                               0,
                               0};
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_OK);
    assert_true((r.pp & (r.pp - 1)) == 0 && 126 % r.pp != 0);
    assert_int_equal((long)r.tp * r.pp * r.dp, 16384);
    assert_true(r.mem_per_gpu_bytes <= 80e9 * c->hbm_usable_frac);
    /* Bad queries. */
    q = (aif_perf_train_query){aif_model_find("llama3.1-8b"),
                               aif_perf_hw_find("h100"),
                               8,
                               AIF_PREC_FP4,
                               4096,
                               64,
                               0,
                               0,
                               0};
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_EINVAL); /* no FP4 on Hopper */
    q.precision = AIF_PREC_BF16;
    q.seq_len = 0;
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_EINVAL);
    assert_int_equal(aif_perf_train(NULL, &q, &r), AIF_EINVAL);
    assert_int_equal(aif_perf_train(c, &q, NULL), AIF_EINVAL);
}

static void decode_is_memory_bound(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    const aif_model_spec *m = aif_model_find("llama2-70b");
    const aif_perf_hw *h = aif_perf_hw_find("h200");
    /* One sequence on one GPU: reading 69 GB of FP8 weights dominates. */
    double t = aif_perf_decode_step_s(c, NULL, m, h, AIF_PREC_FP8, 1, 1, 1000);
    double weights = m->params_total * 1.0 / (h->hbm_bytes_per_s * c->mem_eff);
    assert_true(t > weights && t < weights * 1.05);
    /* Doubling a small batch barely moves the step; the KV read grows with context. */
    double t2 = aif_perf_decode_step_s(c, NULL, m, h, AIF_PREC_FP8, 1, 2, 1000);
    assert_true(t2 < t * 1.02);
    double tk = aif_perf_decode_step_s(c, NULL, m, h, AIF_PREC_FP8, 1, 64, 8000);
    double kv = 64 * 8000 * 2048.0 * 80 / (h->hbm_bytes_per_s * c->mem_eff);
    assert_true(tk > weights + kv);
    /* Prefill is compute-bound: 8x the prompt costs close to 8x the time. */
    double p1 = aif_perf_prefill_s(c, NULL, m, h, AIF_PREC_FP8, 1, 1, 1024);
    double p8 = aif_perf_prefill_s(c, NULL, m, h, AIF_PREC_FP8, 1, 1, 8192);
    assert_true(p8 / p1 > 6.5 && p8 / p1 < 10.0);
    /* TP splits the work: TP8 prefill is faster than TP1. */
    assert_true(aif_perf_prefill_s(c, NULL, m, h, AIF_PREC_FP8, 8, 1, 8192) < p8 / 4);
}

static aif_perf_infer_query llama2(const char *hw, long gpus, aif_workload w) {
    const aif_perf_hw *h = aif_perf_hw_find(hw);
    return (aif_perf_infer_query){
        aif_model_find("llama2-70b"), h, gpus, h->infer_precision, 389, 294, w, 0, 0, NULL};
}

static void inference_workloads(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_infer_result off, srv, inter;
    aif_perf_infer_query q = llama2("h100", 8, AIF_WORKLOAD_OFFLINE);
    assert_int_equal(aif_perf_infer(c, &q, &off), AIF_OK);
    q.workload = AIF_WORKLOAD_SERVER;
    assert_int_equal(aif_perf_infer(c, &q, &srv), AIF_OK);
    q.workload = AIF_WORKLOAD_INTERACTIVE;
    assert_int_equal(aif_perf_infer(c, &q, &inter), AIF_OK);
    assert_true(srv.tpot_s <= 0.2 && srv.ttft_s <= 2.0);
    assert_true(inter.tpot_s <= 0.04 && inter.ttft_s <= 0.45);
    assert_true(off.tokens_per_s > srv.tokens_per_s);
    assert_true(srv.tokens_per_s > inter.tokens_per_s);
    assert_true(inter.batch < off.batch);
    assert_int_equal(off.replicas * off.tp * off.pp, 8);
    CLOSE(off.tokens_per_s_per_gpu * 8, off.tokens_per_s, 1e-12);
    assert_true(off.batch <= off.max_batch);
    /* Within 10% of MLPerf v4.1's 24,525 tok/s (a fitted row). */
    CLOSE(off.tokens_per_s, 24524.9, 0.10);
    /* More HBM and bandwidth: H200 serves more than H100. */
    aif_perf_infer_result h200;
    q = llama2("h200", 8, AIF_WORKLOAD_OFFLINE);
    assert_int_equal(aif_perf_infer(c, &q, &h200), AIF_OK);
    assert_true(h200.tokens_per_s > off.tokens_per_s);
}

static void inference_errors(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_infer_result r;
    aif_perf_infer_query q = llama2("h100", 1, AIF_WORKLOAD_OFFLINE);
    q.model = aif_model_find("llama3.1-405b");
    assert_int_equal(aif_perf_infer(c, &q, &r), AIF_ERANGE);
    assert_non_null(strstr(r.message, "the weights alone need 6 such GPUs"));
    q = llama2("h100", 8, AIF_WORKLOAD_TRAINING);
    assert_int_equal(aif_perf_infer(c, &q, &r), AIF_EINVAL);
    q = llama2("h100", 8, AIF_WORKLOAD_OFFLINE);
    q.precision = AIF_PREC_FP4;
    assert_int_equal(aif_perf_infer(c, &q, &r), AIF_EINVAL);
    q = llama2("h100", 8, AIF_WORKLOAD_OFFLINE);
    q.tp = 3;
    assert_int_equal(aif_perf_infer(c, &q, &r), AIF_ERANGE);
    assert_non_null(strstr(r.message, "divides"));
    q.tp = 0;
    q.output_tokens = 0;
    assert_int_equal(aif_perf_infer(c, &q, &r), AIF_EINVAL);
    assert_int_equal(aif_perf_infer(c, NULL, &r), AIF_EINVAL);
}

static void moe_reads_fewer_weights(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    const aif_perf_hw *h = aif_perf_hw_find("h200");
    const aif_model_spec *x = aif_model_find("mixtral-8x7b");
    /* One token touches 2 of 8 experts: far less than all 46.7e9 weights are read. */
    double t1 = aif_perf_decode_step_s(c, NULL, x, h, AIF_PREC_FP8, 1, 1, 100);
    double all = x->params_total / (h->hbm_bytes_per_s * c->mem_eff);
    assert_true(t1 < 0.5 * all);
    /* A large batch touches every expert. */
    double t256 = aif_perf_decode_step_s(c, NULL, x, h, AIF_PREC_FP8, 1, 256, 100);
    assert_true(t256 > all);
}

static void cache_memoizes(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_perf_cache *cache = NULL;
    assert_int_equal(aif_perf_cache_create(&t.base, aif_perf_calib_default(), 8, &cache), AIF_OK);
    aif_perf_infer_query q = llama2("h100", 8, AIF_WORKLOAD_OFFLINE);
    aif_perf_infer_result a, b, direct;
    assert_int_equal(aif_perf_cache_infer(cache, &q, &a), AIF_OK);
    assert_int_equal(aif_perf_cache_infer(cache, &q, &b), AIF_OK);
    assert_int_equal(aif_perf_infer(aif_perf_calib_default(), &q, &direct), AIF_OK);
    assert_true(a.tokens_per_s == b.tokens_per_s && a.tokens_per_s == direct.tokens_per_s);
    assert_int_equal(aif_perf_cache_hits(cache), 1);
    assert_int_equal(aif_perf_cache_misses(cache), 1);
    aif_perf_train_query tq = gpt3(512, 2048);
    aif_perf_train_result tr1, tr2;
    assert_int_equal(aif_perf_cache_train(cache, &tq, &tr1), AIF_OK);
    assert_int_equal(aif_perf_cache_train(cache, &tq, &tr2), AIF_OK);
    assert_true(tr1.step_time_s == tr2.step_time_s);
    assert_int_equal(aif_perf_cache_hits(cache), 2);
    /* Errors are memoized too, and many distinct keys overflow and clear the table. */
    q.tp = 3;
    assert_int_equal(aif_perf_cache_infer(cache, &q, &a), AIF_ERANGE);
    assert_int_equal(aif_perf_cache_infer(cache, &q, &a), AIF_ERANGE);
    for (long g = 8; g <= 64; g += 8) {
        q = llama2("h100", g, AIF_WORKLOAD_OFFLINE);
        assert_int_equal(aif_perf_cache_infer(cache, &q, &a), AIF_OK);
    }
    assert_int_equal(aif_perf_cache_infer(cache, NULL, &a), AIF_EINVAL);
    aif_perf_cache_destroy(cache);
    aif_perf_cache_destroy(NULL);
    assert_int_equal(t.live_blocks, 0);
    /* Every allocation failing in turn: a clean error, nothing leaked. */
    for (long k = 1; k <= 2; k++) {
        aif_test_allocator_init(&t, k);
        cache = NULL;
        assert_int_equal(aif_perf_cache_create(&t.base, aif_perf_calib_default(), 0, &cache),
                         AIF_ENOMEM);
        assert_null(cache);
        assert_int_equal(t.live_blocks, 0);
    }
    assert_int_equal(aif_perf_cache_create(NULL, NULL, 0, &cache), AIF_EINVAL);
}

/* When selective recomputation does not fit, only as many layers are recomputed as memory
 * needs: memory then sits exactly at the usable HBM and compute grows by less than 4/3. */
static void partial_recomputation(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    const aif_perf_hw *h = aif_perf_hw_find("h100");
    aif_perf_train_query q = {
        aif_model_find("llama3.1-405b"), h, 8192, AIF_PREC_BF16, 8192, 2048, 8, 16, 0};
    aif_perf_train_result r;
    assert_int_equal(aif_perf_train(c, &q, &r), AIF_OK);
    CLOSE(r.mem_per_gpu_bytes, h->hbm_bytes * c->hbm_usable_frac, 1e-9);
    /* Compute with no recomputation: the stage's FLOPs at train_eff scaled to BF16 by the
     * measured GEMM efficiencies (126 layers, 16 stages of 8 layers: the fullest stage paces
     * the pipeline). */
    double eff = c->train_eff * c->gemm_eff[AIF_PREC_BF16] / c->gemm_eff[AIF_PREC_FP8];
    double plain = r.flops_per_token * 8192.0 * (8.0 * 16 / 126) / (8.0 * 16) /
                   (h->peak_flops[AIF_PREC_BF16] * eff) * r.microbatches;
    double factor = r.compute_s / plain;
    assert_true(factor > 1.0 + 1e-6 && factor < 4.0 / 3.0 - 1e-6);
    /* GPT-3 175B at MLPerf's layout fits with selective recomputation only. */
    aif_perf_train_query g = {
        aif_model_find("gpt3-175b"), h, 512, AIF_PREC_FP8, 2048, 2048, 4, 8, 0};
    assert_int_equal(aif_perf_train(c, &g, &r), AIF_OK);
    assert_true(r.mem_per_gpu_bytes < h->hbm_bytes * c->hbm_usable_frac);
}

/* The replicated element-wise term: zero for the production engine, and for the research
 * stack free while a prefill's activations fit in L2, growing once they spill to HBM. */
static void elementwise_passes_and_l2(void **state) {
    (void)state;
    const aif_perf_calib *c = aif_perf_calib_default();
    const aif_model_spec *m = aif_model_find("llama2-70b");
    aif_perf_hw h = *aif_perf_hw_find("h100"), no_l2 = h;
    no_l2.l2_bytes = 0;
    /* Production engine: the L2 size does not matter. */
    assert_true(aif_perf_prefill_s(c, NULL, m, &h, AIF_PREC_FP8, 2, 1, 2048) ==
                aif_perf_prefill_s(c, NULL, m, &no_l2, AIF_PREC_FP8, 2, 1, 2048));
    const aif_perf_framework *rs = &c->research;
    /* 2,048 tokens x 8,192 x 2 B = 33.6 MB fit in 50 MB: the term vanishes. */
    double with = aif_perf_prefill_s(c, rs, m, &h, AIF_PREC_BF16, 4, 1, 2048);
    double without = aif_perf_prefill_s(c, rs, m, &no_l2, AIF_PREC_BF16, 4, 1, 2048);
    double passes =
        rs->act_passes * m->layers * 2048.0 * m->hidden * 2.0 / (h.hbm_bytes_per_s * c->mem_eff);
    CLOSE(without - with, passes, 1e-9);
    /* 8,192 tokens spill 134 - 50 MB. */
    with = aif_perf_prefill_s(c, rs, m, &h, AIF_PREC_BF16, 4, 1, 8192);
    without = aif_perf_prefill_s(c, rs, m, &no_l2, AIF_PREC_BF16, 4, 1, 8192);
    CLOSE(without - with,
          rs->act_passes * m->layers * h.l2_bytes / (h.hbm_bytes_per_s * c->mem_eff), 1e-9);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enums_and_hardware),
        cmocka_unit_test(training_identities),
        cmocka_unit_test(strong_scaling_bends),
        cmocka_unit_test(automatic_layout_and_limits),
        cmocka_unit_test(decode_is_memory_bound),
        cmocka_unit_test(inference_workloads),
        cmocka_unit_test(inference_errors),
        cmocka_unit_test(moe_reads_fewer_weights),
        cmocka_unit_test(cache_memoizes),
        cmocka_unit_test(partial_recomputation),
        cmocka_unit_test(elementwise_passes_and_l2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
