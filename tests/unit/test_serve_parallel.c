/* Unit tests for pipeline (PP) and expert (EP) parallelism in the performance model's
 * iteration price (perf.h, aif_perf_parallel) and the serving simulator (serve.h):
 * PP = 1 and EP = 1 give today's prices bit for bit; a pipeline stage costs what the model
 * cut into PP pieces costs on one stage; a lone request's TTFT is the stages' prefill plus
 * PP - 1 activation transfers; PP and EP raise the KV cache a GPU holds by the amounts the
 * weights give; the all-to-all bytes and time of a known shape match a hand calculation;
 * refusals name the value; the same run gives the same result. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serve_test_util.h"

#include "aifactory/serve.h"

static aif_serve_config deployment(const char *model, const char *hw, aif_precision p, int tp,
                                   int pp, int ep) {
    aif_serve_config c = {0};
    c.model = aif_model_find(model);
    c.hw = aif_perf_hw_find(hw);
    assert_non_null(c.model);
    assert_non_null(c.hw);
    c.precision = p;
    c.tp = tp;
    c.pp = pp;
    c.ep = ep;
    c.replicas = 1;
    return c;
}

/* One pipeline stage of `m`: its layers and weights cut into pp equal pieces. */
static aif_model_spec one_stage(const aif_model_spec *m, int pp) {
    aif_model_spec s = *m;
    s.layers = m->layers / pp;
    s.params_total = m->params_total / pp;
    s.params_active = m->params_active / pp;
    return s;
}

/* PP = 1 and EP = 1 (or 0) are today's iteration price, bit for bit, on every model. */
static void identity_without_pp_or_ep(void **state) {
    (void)state;
    const aif_perf_calib *cal = aif_perf_calib_default();
    const aif_perf_hw *hw = aif_perf_hw_find("h100");
    const double shapes[][4] = {{0, 0, 1000, 500},   {1, 1001, 0, 0},      {64, 3000, 512, 1700},
                                {255, 700.5, 0, 0},  {0, 0, 8192, 6000},   {1, 5, 3, 1.5},
                                {2048, 4096, 8, 12}, {17, 123.25, 77, 900}};
    for (int i = 0; i < aif_model_count(); i++) {
        const aif_model_spec *m = aif_model_at(i);
        for (int tp = 1; tp <= 8; tp *= 2) {
            for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
                const double *s = shapes[k];
                double want = aif_perf_iteration_s(cal, NULL, m, hw, AIF_PREC_FP8, tp, s[0], s[1],
                                                   s[2], s[3]);
                aif_perf_parallel a = {tp, 1, 1}, b = {tp, 0, 0};
                assert_true(aif_perf_iteration_par_s(cal, NULL, m, hw, AIF_PREC_FP8, &a, s[0], s[1],
                                                     s[2], s[3]) == want);
                assert_true(aif_perf_iteration_par_s(cal, NULL, m, hw, AIF_PREC_FP8, &b, s[0], s[1],
                                                     s[2], s[3]) == want);
            }
        }
    }
}

/* A lone prompt crosses every stage: PP stage prefills plus PP - 1 transfers, each stage
 * priced as the model cut into PP pieces; a full decode batch runs as PP micro-batches. */
static void pipeline_stage_prices(void **state) {
    (void)state;
    const aif_perf_calib *cal = aif_perf_calib_default();
    const aif_perf_hw *h100 = aif_perf_hw_find("h100");
    const aif_model_spec *m = aif_model_find("llama2-70b");
    aif_model_spec stage = one_stage(m, 4);
    aif_perf_parallel par = {2, 4, 1};
    /* 1,000 tokens x 8,192 x 2 bytes / TP 2 over 450 GB/s x 0.8 NVLink, plus 5 us. */
    double xfer = 1000.0 * 8192 * 2 / 2 / (450e9 * 0.8) + 5e-6;
    CLOSE(aif_perf_pp_transfer_s(cal, NULL, m, h100, &par, 1000), xfer, 1e-12);
    CLOSE(xfer, 27.7556e-6, 1e-5);
    double pre = aif_perf_prefill_s(cal, NULL, &stage, h100, AIF_PREC_FP8, 2, 1, 1000);
    double lone = aif_perf_iteration_par_s(cal, NULL, m, h100, AIF_PREC_FP8, &par, 0, 0, 1000, 500);
    CLOSE(lone, 4 * pre + 3 * xfer, 1e-12);
    /* 256 decodes: 4 micro-batches of 64, the traversal of one. */
    double dec = aif_perf_decode_step_s(cal, NULL, &stage, h100, AIF_PREC_FP8, 2, 64, 2000);
    double xdec = aif_perf_pp_transfer_s(cal, NULL, m, h100, &par, 64);
    CLOSE(aif_perf_iteration_par_s(cal, NULL, m, h100, AIF_PREC_FP8, &par, 256, 2000, 0, 0),
          4 * dec + 3 * xdec, 1e-12);
    /* 3 decodes: 3 micro-batches of one. */
    double dec1 = aif_perf_decode_step_s(cal, NULL, &stage, h100, AIF_PREC_FP8, 2, 1, 2000);
    CLOSE(aif_perf_iteration_par_s(cal, NULL, m, h100, AIF_PREC_FP8, &par, 3, 2000, 0, 0),
          4 * dec1 + 3 * aif_perf_pp_transfer_s(cal, NULL, m, h100, &par, 1), 1e-12);
    /* One stage sends nothing. */
    assert_true(aif_perf_pp_transfer_s(cal, NULL, m, h100, &(aif_perf_parallel){2, 1, 1}, 1000) ==
                0);
    /* A replica beyond the 8-GPU NVLink domain sends over the 50 GB/s NIC. */
    aif_perf_parallel wide = {8, 2, 1};
    CLOSE(aif_perf_pp_transfer_s(cal, NULL, m, h100, &wide, 1000),
          1000.0 * 8192 * 2 / 8 / (50e9 * 0.8) + 5e-6, 1e-12);
}

/* In the simulator, a lone request's TTFT is the stages' prefill plus PP - 1 transfers. */
static void lone_request_ttft_with_pp(void **state) {
    (void)state;
    const aif_perf_calib *cal = aif_perf_calib_default();
    aif_serve_config c = deployment("llama2-70b", "h100", AIF_PREC_FP8, 2, 4, 1);
    aif_model_spec stage = one_stage(c.model, 4);
    aif_perf_parallel par = {2, 4, 1};
    aif_serve_request rq[] = {{.arrival_s = 0.25, .input_tokens = 1000, .output_tokens = 1}};
    list_source ls = {rq, 1, 0};
    aif_serve_source src = {&ls, list_next};
    aif_serve_result r;
    assert_int_equal(aif_serve_run(NULL, &c, &src, 0, &r, NULL), AIF_OK);
    double want = 4 * aif_perf_prefill_s(cal, NULL, &stage, c.hw, c.precision, 2, 1, 1000) +
                  3 * aif_perf_pp_transfer_s(cal, NULL, c.model, c.hw, &par, 1000);
    assert_int_equal(r.requests_completed, 1);
    assert_true(fabs(r.ttft_s.mean - want) <= 1e-9);
    assert_int_equal(r.layout.pp, 4);
    assert_int_equal(r.layout.gpus_per_replica, 8);
}

/* KV cache: usable HBM (0.9 x 80 GB) less the GPU's share of the weights, over the replica. */
static void pp_raises_kv_per_gpu(void **state) {
    (void)state;
    aif_serve_layout one, four;
    aif_serve_config c = deployment("llama2-70b", "h100", AIF_PREC_FP8, 2, 1, 1);
    assert_int_equal(aif_serve_plan(&c, &one, NULL), AIF_OK);
    c.pp = 4;
    assert_int_equal(aif_serve_plan(&c, &four, NULL), AIF_OK);
    /* 68.98 GB of FP8 weights: 34.49 GB per GPU at TP 2, 8.6225 GB at TP 2 x PP 4. */
    CLOSE(one.kv_bytes_per_replica, (72e9 - 34.49e9) * 2, 1e-9);
    CLOSE(four.kv_bytes_per_replica, (72e9 - 8.6225e9) * 8, 1e-9);
    CLOSE(four.weight_bytes_per_gpu, 8.6225e9, 1e-9);
    /* Per GPU: 37.51 GB of KV without stages, 63.3775 GB with four (x1.69). */
    CLOSE(four.kv_bytes_per_replica / 8 / (one.kv_bytes_per_replica / 2), 63.3775 / 37.51, 1e-9);
    assert_int_equal(four.kv_blocks_per_replica,
                     (long)floor((72e9 - 8.6225e9) * 8 / (163840.0 * 16)));
}

/* All-to-all of one MoE layer, by hand. Mixtral: 8 experts, 2 active, hidden 4,096. At
 * EP 8 each GPU holds one expert, so a token's 2 experts sit on exactly 2 GPUs. */
static void ep_alltoall_by_hand(void **state) {
    (void)state;
    const aif_perf_calib *cal = aif_perf_calib_default();
    const aif_perf_hw *h100 = aif_perf_hw_find("h100");
    const aif_model_spec *mix = aif_model_find("mixtral-8x7b");
    aif_perf_parallel par = {1, 1, 8};
    CLOSE(aif_perf_ep_fanout(mix, 8), 2.0, 1e-15);
    CLOSE(aif_perf_ep_fanout(mix, 2), 2 * (1 - (4.0 / 8) * (3.0 / 7)), 1e-15);
    assert_true(aif_perf_ep_fanout(mix, 1) == 1.0);
    /* 1,000 tokens x 4,096 x 2 copies x 7/8 remote: FP8 dispatch, BF16 combine. */
    double disp = 1000.0 * 4096 * 1 * 2 * 7 / 8, comb = disp * 2;
    CLOSE(disp, 7.168e6, 1e-12);
    CLOSE(aif_perf_ep_alltoall_bytes(mix, AIF_PREC_FP8, &par, 1000, 0), disp, 1e-12);
    CLOSE(aif_perf_ep_alltoall_bytes(mix, AIF_PREC_FP8, &par, 1000, 1), comb, 1e-12);
    CLOSE(aif_perf_ep_alltoall_bytes(mix, AIF_PREC_BF16, &par, 1000, 0), comb, 1e-12);
    /* x 1.2 imbalance over 450 GB/s x 0.8, plus two 5 us latencies: 81.68 us. */
    double t = (disp + comb) * 1.2 / (450e9 * 0.8) + 2 * 5e-6;
    CLOSE(t, 81.68e-6, 1e-9);
    CLOSE(aif_perf_ep_alltoall_s(cal, NULL, mix, h100, AIF_PREC_FP8, &par, 1000), t, 1e-12);
    /* EP 16 leaves the 8-GPU domain: the 50 GB/s NIC. */
    aif_perf_parallel wide = {1, 1, 16};
    const aif_model_spec *ds = aif_model_find("deepseek-v3");
    /* DeepSeek-V3: 256 experts, 8 active: 32 per GPU at EP 8, a token reaches 5.2947. */
    CLOSE(aif_perf_ep_fanout(ds, 8), 5.294652000382481, 1e-12);
    /* At EP 16 over two 8-GPU domains a token crosses the NIC once if the other domain
     * holds one of its 8 experts: 1 - C(128, 8) / C(256, 8) = 0.99651; the NVLink carries
     * its 5.69 other-GPU copies. */
    double miss = 1;
    for (int i = 0; i < 8; i++) {
        miss *= (128.0 - i) / (256.0 - i);
    }
    CLOSE(aif_perf_ep_fanout(ds, 2), 2 * (1 - miss), 1e-12);
    CLOSE(1 - miss, 0.99651, 1e-5);
    double nic = 100.0 * 7168 * 3 * (1 - miss) / (50e9 * 0.8);
    double nvl = 100.0 * 7168 * 3 * aif_perf_ep_fanout(ds, 16) * 15 / 16 / (450e9 * 0.8);
    assert_true(nic > nvl);
    CLOSE(aif_perf_ep_alltoall_s(cal, NULL, ds, h100, AIF_PREC_FP8, &wide, 100), nic * 1.2 + 1e-5,
          1e-12);
    /* Without EP, or on a dense model: nothing. */
    aif_perf_parallel none = {8, 1, 1};
    assert_true(aif_perf_ep_alltoall_s(cal, NULL, mix, h100, AIF_PREC_FP8, &none, 1000) == 0);
    assert_true(
        aif_perf_ep_alltoall_bytes(aif_model_find("llama2-70b"), AIF_PREC_FP8, &par, 1000, 0) == 0);
}

/* Expert weights spread over EP GPUs: more KV per GPU. DeepSeek-V3 (671 B, 37 B active,
 * 256 experts of which 8 active: 654.45 B routed, 16.55 B the rest) at FP8 on H200s. */
static void ep_raises_kv(void **state) {
    (void)state;
    aif_serve_layout tp8, ep16;
    aif_serve_config c = deployment("deepseek-v3", "h200", AIF_PREC_FP8, 8, 1, 1);
    assert_int_equal(aif_serve_plan(&c, &tp8, NULL), AIF_OK);
    c.ep = 16;
    assert_int_equal(aif_serve_plan(&c, &ep16, NULL), AIF_OK);
    assert_int_equal(ep16.gpus_per_replica, 16);
    double routed = 634e9 * 256 / 248, rest = 671e9 - routed;
    CLOSE(tp8.weight_bytes_per_gpu, 83.875e9, 1e-12);
    CLOSE(ep16.weight_bytes_per_gpu, rest / 8 + routed / 16, 1e-12);
    CLOSE(ep16.weight_bytes_per_gpu, 42.9718e9, 1e-5);
    /* 0.9 x 141 GB usable: 43.03 GB of KV per GPU at TP 8, 83.93 GB with EP 16. */
    CLOSE(tp8.kv_bytes_per_replica, (126.9e9 - 83.875e9) * 8, 1e-12);
    CLOSE(ep16.kv_bytes_per_replica, (126.9e9 - ep16.weight_bytes_per_gpu) * 16, 1e-12);
    assert_true(ep16.kv_blocks_per_replica > 3 * tp8.kv_blocks_per_replica);
    /* Mixtral at TP 2 on H100s: EP 4 (4 GPUs) holds more than two TP 2 replicas. */
    aif_serve_layout m2, m4;
    c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 2, 1, 1);
    assert_int_equal(aif_serve_plan(&c, &m2, NULL), AIF_OK);
    c.ep = 4;
    assert_int_equal(aif_serve_plan(&c, &m4, NULL), AIF_OK);
    assert_true(m4.kv_blocks_per_replica > 2 * m2.kv_blocks_per_replica);
}

/* Refusals name the value and what would work. */
static void refusals(void **state) {
    (void)state;
    aif_serve_layout lay;
    aif_error err = {0};
    aif_serve_config c = deployment("llama2-70b", "h100", AIF_PREC_FP8, 2, 3, 1);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "PP 3 does not divide llama2-70b's 80 layers"));
    c = deployment("llama2-70b", "h100", AIF_PREC_FP8, 2, 1, 2);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "EP 2 needs an MoE model"));
    c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 2, 1, 3);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "EP 3 must divide mixtral-8x7b's 8 routed experts"));
    assert_non_null(strstr(err.message, "use 2, 4, 8"));
    c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 4, 1, 2);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "multiple of TP 4; use 4, 8"));
    c = deployment("deepseek-v3", "h100", AIF_PREC_FP8, 8, 1, 1);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_ERANGE);
    c = deployment("deepseek-v3", "h100", AIF_PREC_FP8, 1, 1, 8);
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "use EP 16"));
    /* PP and EP are for colocated replicas: a disaggregated config with either is refused
     * (its pools, KV link and per-GPU figures count TP GPUs per replica). */
    aif_serve_disagg g = {.decode_replicas = 1};
    c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 2, 2, 1);
    c.disagg = &g;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "PP 2 and EP 1 apply to colocated replicas"));
    c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 2, 1, 2);
    c.disagg = &g;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "PP 1 and EP 2 apply to colocated replicas"));
    c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 2, 1, 1);
    c.disagg = &g;
    assert_int_equal(aif_serve_plan(&c, &lay, &err), AIF_OK);
}

/* An MoE deployment with PP and EP under load: the same inputs, the same result; every
 * block returned; EP's shorter decode steps (no second all-reduce per layer) show. */
static void moe_runs_deterministic(void **state) {
    (void)state;
    aif_serve_lengths in, out;
    assert_int_equal(aif_serve_lengths_parse("uniform:200:2000", &in, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse("exp:200:1000", &out, NULL), AIF_OK);
    aif_serve_result r[2];
    for (int k = 0; k < 2; k++) {
        aif_serve_config c = deployment("mixtral-8x7b", "h100", AIF_PREC_FP8, 2, 2, 4);
        aif_serve_synthetic g;
        aif_serve_source src;
        aif_serve_synthetic_init(&g, &in, &out, 20.0, 7, &src);
        assert_int_equal(aif_serve_run(NULL, &c, &src, 300, &r[k], NULL), AIF_OK);
    }
    assert_int_equal(r[0].requests_completed, 300);
    assert_true(r[0].ttft_s.p99 == r[1].ttft_s.p99 && r[0].tpot_s.mean == r[1].tpot_s.mean);
    assert_true(r[0].duration_s == r[1].duration_s && r[0].iterations == r[1].iterations);
    assert_int_equal(r[0].kv_blocks_at_end, 0);
    assert_int_equal(r[0].layout.gpus_per_replica, 8);
    CLOSE(r[0].output_tokens_per_s_per_gpu, r[0].output_tokens_per_s / 8, 1e-12);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identity_without_pp_or_ep),
        cmocka_unit_test(pipeline_stage_prices),
        cmocka_unit_test(lone_request_ttft_with_pp),
        cmocka_unit_test(pp_raises_kv_per_gpu),
        cmocka_unit_test(ep_alltoall_by_hand),
        cmocka_unit_test(ep_raises_kv),
        cmocka_unit_test(refusals),
        cmocka_unit_test(moe_runs_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
