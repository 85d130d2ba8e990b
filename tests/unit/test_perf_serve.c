/* Unit tests for `perf --workload server|interactive` (perf_serve.h): the MLPerf constraint
 * mapping (limits of mlperf.conf, the fallback for models without a benchmark, refusals),
 * the Llama-2-70B length mix's means, and the goodput search: it meets the limits it
 * reports, is deterministic, scales with replicas, is lower under the interactive limits
 * than under the server ones, and refuses what it cannot answer. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/perf_serve.h"

static void expect_limits(const char *model, aif_workload w, double ttft, double tpot, int own) {
    aif_mlperf_benchmark b;
    assert_int_equal(aif_mlperf_benchmark_for(model, w, &b), AIF_OK);
    assert_true(fabs(b.ttft_p99_s - ttft) < 1e-12);
    assert_true(fabs(b.tpot_p99_s - tpot) < 1e-12);
    assert_int_equal(b.own, own);
    assert_int_equal(b.workload, w);
}

/* MLPerf loadgen mlperf.conf: ttft_latency / tpot_latency per benchmark. */
static void constraint_mapping(void **state) {
    (void)state;
    expect_limits("llama2-70b", AIF_WORKLOAD_SERVER, 2.0, 0.200, 1);
    expect_limits("llama2-70b", AIF_WORKLOAD_INTERACTIVE, 0.450, 0.040, 1);
    expect_limits("mixtral-8x7b", AIF_WORKLOAD_SERVER, 2.0, 0.200, 1);
    expect_limits("llama3.1-405b", AIF_WORKLOAD_SERVER, 6.0, 0.175, 1);
    expect_limits("llama3.1-405b", AIF_WORKLOAD_INTERACTIVE, 4.5, 0.080, 1);
    expect_limits("llama3.1-8b", AIF_WORKLOAD_SERVER, 2.0, 0.100, 1);
    expect_limits("llama3.1-8b", AIF_WORKLOAD_INTERACTIVE, 0.500, 0.030, 1);
    expect_limits("deepseek-v3", AIF_WORKLOAD_SERVER, 2.0, 0.080, 1);
    expect_limits("deepseek-v3", AIF_WORKLOAD_INTERACTIVE, 1.5, 0.015, 1);
    /* No benchmark of its own: Llama-2-70B's limits of the same workload. */
    expect_limits("mixtral-8x7b", AIF_WORKLOAD_INTERACTIVE, 0.450, 0.040, 0);
    expect_limits("gpt3-175b", AIF_WORKLOAD_SERVER, 2.0, 0.200, 0);
    expect_limits("my-user-model", AIF_WORKLOAD_INTERACTIVE, 0.450, 0.040, 0);
    aif_mlperf_benchmark b;
    assert_int_equal(aif_mlperf_benchmark_for("llama2-70b", AIF_WORKLOAD_OFFLINE, &b), AIF_EINVAL);
    assert_int_equal(aif_mlperf_benchmark_for("llama2-70b", AIF_WORKLOAD_TRAINING, &b), AIF_EINVAL);
    assert_int_equal(aif_mlperf_benchmark_for(NULL, AIF_WORKLOAD_SERVER, &b), AIF_EINVAL);
    assert_int_equal(aif_mlperf_benchmark_for("llama2-70b", AIF_WORKLOAD_SERVER, NULL), AIF_EINVAL);
}

/* The mix's means are MLPerf's: 348 in (fitted) and 294.45 out, no draw above 1,024. */
static void length_mix_means(void **state) {
    (void)state;
    aif_mlperf_benchmark b;
    assert_int_equal(aif_mlperf_benchmark_for("llama2-70b", AIF_WORKLOAD_SERVER, &b), AIF_OK);
    aif_rng r;
    aif_rng_seed(&r, 7, 0);
    double in = 0, out = 0;
    long most = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        long a = aif_serve_lengths_draw(&b.input, &r), o = aif_serve_lengths_draw(&b.output, &r);
        in += (double)a;
        out += (double)o;
        most = a > most ? a : most;
        most = o > most ? o : most;
    }
    assert_true(fabs(in / n / 348.0 - 1) < 0.015);
    assert_true(fabs(out / n / 294.45 - 1) < 0.015);
    assert_true(most <= 1024);
}

static aif_perf_serve_query small(aif_workload w, long gpus, int tp) {
    aif_perf_serve_query q = {.model = aif_model_find("llama3.1-8b"),
                              .hw = aif_perf_hw_find("h100"),
                              .gpus = gpus,
                              .precision = AIF_PREC_FP8,
                              .workload = w,
                              .tp = tp,
                              .requests = 1500,
                              .seed = 5};
    return q;
}

static void goodput_meets_and_repeats(void **state) {
    (void)state;
    aif_perf_serve_query q = small(AIF_WORKLOAD_SERVER, 2, 1);
    aif_perf_serve_result a, b;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &a), AIF_OK);
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &b), AIF_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.goodput_requests_per_s > 0);
    assert_true(a.ttft_p99_s <= a.bench.ttft_p99_s);
    assert_true(a.tpot_p99_s <= a.bench.tpot_p99_s);
    assert_int_equal(a.tp, 1);
    assert_int_equal(a.replicas, 2);
    assert_int_equal(a.requests_per_probe, 1500);
    assert_true(fabs(a.tokens_per_s - 2 * a.tokens_per_s_per_gpu) < 1e-9 * a.tokens_per_s);
}

/* One replica is simulated: the system's goodput is exactly the replicas times it. */
static void goodput_scales_with_replicas(void **state) {
    (void)state;
    aif_perf_serve_query one = small(AIF_WORKLOAD_SERVER, 1, 1), four = one;
    four.gpus = 4;
    aif_perf_serve_result r1, r4;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &one, &r1), AIF_OK);
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &four, &r4), AIF_OK);
    assert_true(fabs(r4.tokens_per_s - 4 * r1.tokens_per_s) <= 1e-9 * r4.tokens_per_s);
    assert_true(fabs(r4.tokens_per_s_per_gpu - r1.tokens_per_s_per_gpu) <=
                1e-9 * r1.tokens_per_s_per_gpu);
}

/* A disaggregated unit is the serving simulator's pools: its goodput per GPU is that of
 * `serve --find-capacity` on P prefill and D decode replicas, the system scaled by GPUs;
 * a split with one side empty is refused. */
static void goodput_disaggregated(void **state) {
    (void)state;
    aif_perf_serve_query q = small(AIF_WORKLOAD_SERVER, 6, 1);
    q.prefill_replicas = 2;
    q.decode_replicas = 1;
    q.input_tokens = 2000;
    q.output_tokens = 200;
    aif_perf_serve_result r;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_OK);
    assert_int_equal(r.prefill_replicas, 2);
    assert_int_equal(r.decode_replicas, 1);
    assert_true(fabs(r.tokens_per_s - 6 * r.tokens_per_s_per_gpu) <= 1e-9 * r.tokens_per_s);
    aif_serve_disagg pools = {.decode_replicas = 1, .decode_tp = 1};
    aif_serve_config cfg = {.model = q.model,
                            .hw = q.hw,
                            .precision = q.precision,
                            .tp = 1,
                            .replicas = 2,
                            .disagg = &pools};
    /* The benchmark's mix scaled to the query's means, as perf_serve.c scales it. */
    aif_serve_capacity_query cq = {.cfg = &cfg, .seed = 5, .requests = 1500};
    aif_mlperf_benchmark b;
    assert_int_equal(aif_mlperf_benchmark_for("llama3.1-8b", AIF_WORKLOAD_SERVER, &b), AIF_OK);
    cq.input = b.input;
    cq.output = b.output;
    cq.input.a = 2000 * exp(-0.5 * b.input.b * b.input.b);
    cq.input.c = fmin(8 * 2000.0, 0.5 * (double)q.model->max_context);
    cq.output.a = 200 * exp(-0.5 * b.output.b * b.output.b);
    cq.output.c = fmin(8 * 200.0, 0.5 * (double)q.model->max_context);
    cq.slo.limit_s[AIF_SERVE_SLO_TTFT_P99] = r.ttft_limit_s;
    cq.slo.limit_s[AIF_SERVE_SLO_TPOT_P99] = r.tpot_limit_s;
    aif_serve_capacity cap;
    assert_int_equal(aif_serve_find_capacity(NULL, &cq, &cap, NULL), AIF_OK);
    assert_true(cap.goodput_output_tokens_per_s_per_gpu == r.tokens_per_s_per_gpu);
    q.decode_replicas = 0;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_EINVAL);
}

/* Stricter limits never serve more. */
static void interactive_below_server(void **state) {
    (void)state;
    aif_perf_serve_query s = small(AIF_WORKLOAD_SERVER, 1, 1);
    aif_perf_serve_query i = small(AIF_WORKLOAD_INTERACTIVE, 1, 1);
    aif_perf_serve_result rs, ri;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &s, &rs), AIF_OK);
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &i, &ri), AIF_OK);
    assert_true(ri.tokens_per_s < rs.tokens_per_s);
    assert_true(ri.tpot_p99_s <= 0.030);
}

static void refusals(void **state) {
    (void)state;
    aif_perf_serve_result r;
    aif_perf_serve_query q = small(AIF_WORKLOAD_OFFLINE, 1, 1);
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_EINVAL);
    assert_true(strlen(r.message) > 0);
    q = small(AIF_WORKLOAD_SERVER, 3, 2); /* TP 2 does not divide 3 GPUs */
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_ERANGE);
    assert_non_null(strstr(r.message, "does not divide"));
    q = small(AIF_WORKLOAD_SERVER, 1, 1);
    q.model = aif_model_find("llama3.1-405b"); /* 405 GB of fp8 weights on one H100 */
    assert_int_not_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_OK);
    assert_true(strlen(r.message) > 0);
    q = small(AIF_WORKLOAD_SERVER, 1, 1);
    q.precision = AIF_PREC_FP4; /* not on an H100 */
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_EINVAL);
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, NULL, &r), AIF_EINVAL);
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, NULL), AIF_EINVAL);
}

/* A mean given moves the mix's mean and keeps the answer sensible. */
static void given_means(void **state) {
    (void)state;
    aif_perf_serve_query q = small(AIF_WORKLOAD_SERVER, 1, 1);
    q.input_tokens = 1000;
    q.output_tokens = 100;
    aif_perf_serve_result r;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &r), AIF_OK);
    /* 1,500 draws of a lognormal of sigma 0.8 (coefficient of variation 0.94): a sample
     * mean within 10% (four standard errors). */
    assert_true(fabs(r.input_mean / 1000 - 1) < 0.10);
    assert_true(fabs(r.output_mean / 100 - 1) < 0.10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(constraint_mapping),
        cmocka_unit_test(length_mix_means),
        cmocka_unit_test(goodput_meets_and_repeats),
        cmocka_unit_test(goodput_scales_with_replicas),
        cmocka_unit_test(goodput_disaggregated),
        cmocka_unit_test(interactive_below_server),
        cmocka_unit_test(refusals),
        cmocka_unit_test(given_means),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
