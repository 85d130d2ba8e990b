/* Unit tests for the serving-goodput memo (goodput_cache.h) and the demand sizing built on
 * it (demand.h): a combination is simulated once and every later ask is a copy of that
 * answer, failures included; the answer is the simulator's (aif_perf_serve_goodput at the
 * cache's effort); a class sized by goodput gets the best TP's goodput per GPU at its
 * latency target, one sized closed-form (or offline) the performance model's steady state. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/demand.h"
#include "aifactory/goodput_cache.h"
#include "aifactory/models.h"

static const aif_goodput_effort SMALL = {.requests = 400, .seed = 3};

static aif_perf_serve_query query(int tp) {
    return (aif_perf_serve_query){.model = aif_model_find("llama3.1-8b"),
                                  .hw = aif_perf_hw_find("h100"),
                                  .gpus = 8,
                                  .precision = AIF_PREC_FP8,
                                  .workload = AIF_WORKLOAD_SERVER,
                                  .tp = tp,
                                  .input_tokens = 600,
                                  .output_tokens = 150,
                                  .ttft_p99_s = 2.0,
                                  .tpot_p99_s = 0.2};
}

/* The second ask is a copy of the first (no simulation); another key simulates again; the
 * answer is the simulator's at the cache's effort, whatever effort the query carries. */
static void simulates_each_combination_once(void **state) {
    (void)state;
    aif_goodput_cache *c = NULL;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &SMALL, &c), AIF_OK);
    aif_perf_serve_query q = query(1);
    q.requests = 99999; /* ignored: the cache's effort */
    aif_perf_serve_result a, b, direct;
    assert_int_equal(aif_goodput_cache_get(c, &q, &a), AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(c), 1);
    assert_int_equal(aif_goodput_cache_hits(c), 0);
    assert_int_equal(aif_goodput_cache_get(c, &q, &b), AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(c), 1);
    assert_int_equal(aif_goodput_cache_hits(c), 1);
    assert_memory_equal(&a, &b, sizeof a);
    q.requests = SMALL.requests;
    q.seed = SMALL.seed;
    assert_int_equal(aif_perf_serve_goodput(NULL, NULL, &q, &direct), AIF_OK);
    assert_true(direct.tokens_per_s_per_gpu > 0);
    assert_true(a.tokens_per_s_per_gpu == direct.tokens_per_s_per_gpu);
    assert_int_equal(a.requests_per_probe, 400);
    /* The limits asked are the limits simulated, not the benchmark's (llama3.1-8b server:
     * TPOT 100 ms). */
    assert_true(a.ttft_limit_s == 2.0 && a.tpot_limit_s == 0.2);
    assert_true(a.tpot_p99_s <= 0.2 && a.ttft_p99_s <= 2.0);
    q.output_tokens = 300; /* another length mix: another simulation */
    assert_int_equal(aif_goodput_cache_get(c, &q, &b), AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(c), 2);
    assert_true(b.tokens_per_s_per_gpu != a.tokens_per_s_per_gpu);
    q.prefill_replicas = q.decode_replicas = 1; /* disaggregated: another key */
    assert_int_equal(aif_goodput_cache_get(c, &q, &b), AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(c), 3);
    assert_int_equal(b.prefill_replicas, 1);
    aif_goodput_cache_destroy(c);
}

/* A cap on output tokens per probe cuts the requests of a query with long answers (never
 * below 50) and leaves a short one alone. */
static void output_token_cap(void **state) {
    (void)state;
    aif_goodput_effort capped = SMALL;
    capped.max_output_tokens = 380 * 150.0; /* 380 requests of 150 output tokens */
    aif_goodput_cache *c = NULL;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &capped, &c), AIF_OK);
    aif_perf_serve_query q = query(1);
    aif_perf_serve_result r;
    assert_int_equal(aif_goodput_cache_get(c, &q, &r), AIF_OK);
    assert_int_equal(r.requests_per_probe, 380);
    q.output_tokens = 10; /* 3,000 fit: the effort's 400 */
    assert_int_equal(aif_goodput_cache_get(c, &q, &r), AIF_OK);
    assert_int_equal(r.requests_per_probe, 400);
    aif_goodput_cache_destroy(c);
    capped.max_output_tokens = -1;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &capped, &c), AIF_EINVAL);
}

/* A failure is memoized with its status and reason. */
static void failures_are_memoized(void **state) {
    (void)state;
    aif_goodput_cache *c = NULL;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &SMALL, &c), AIF_OK);
    aif_perf_serve_query q = query(3); /* TP 3 does not divide 8 GPUs */
    aif_perf_serve_result a, b;
    assert_int_equal(aif_goodput_cache_get(c, &q, &a), AIF_ERANGE);
    assert_int_equal(aif_goodput_cache_get(c, &q, &b), AIF_ERANGE);
    assert_string_equal(a.message, b.message);
    assert_true(strstr(a.message, "divide") != NULL);
    assert_int_equal(aif_goodput_cache_simulations(c), 1);
    assert_int_equal(aif_goodput_cache_hits(c), 1);
    aif_goodput_cache_destroy(c);
}

static void bad_arguments(void **state) {
    (void)state;
    aif_goodput_cache *c = NULL;
    aif_goodput_effort bad = {.tolerance = 2};
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &bad, &c), AIF_EINVAL);
    assert_null(c);
    bad = (aif_goodput_effort){.requests = -1};
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &bad, &c), AIF_EINVAL);
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, NULL, NULL), AIF_EINVAL);
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, NULL, &c), AIF_OK);
    aif_perf_serve_query q = query(1);
    aif_perf_serve_result r;
    assert_int_equal(aif_goodput_cache_get(NULL, &q, &r), AIF_EINVAL);
    assert_int_equal(aif_goodput_cache_get(c, NULL, &r), AIF_EINVAL);
    assert_int_equal(aif_goodput_cache_get(c, &q, NULL), AIF_EINVAL);
    assert_int_equal(aif_goodput_cache_simulations(NULL), 0);
    assert_int_equal(aif_goodput_cache_hits(NULL), 0);
    aif_goodput_cache_destroy(c);
    aif_goodput_cache_destroy(NULL);
}

static void latency_targets(void **state) {
    (void)state;
    double ttft = -1, tpot = -1;
    assert_int_equal(aif_demand_latency_target(AIF_LATENCY_SERVER, &ttft, &tpot), 1);
    assert_true(ttft == 2.0 && tpot == 0.2);
    assert_int_equal(aif_demand_latency_target(AIF_LATENCY_INTERACTIVE, &ttft, &tpot), 1);
    assert_true(ttft == 0.45 && tpot == 0.04);
    assert_int_equal(aif_demand_latency_target(AIF_LATENCY_OFFLINE, &ttft, &tpot), 0);
    assert_true(ttft == 0 && tpot == 0);
    /* A class's own limits replace its latency class's, one at a time; the serving query
     * carries them. */
    aif_scenario_model_class cls = {.latency = AIF_LATENCY_INTERACTIVE, .ttft_p99_s = 2.0};
    assert_int_equal(aif_demand_class_target(&cls, &ttft, &tpot), 1);
    assert_true(ttft == 2.0 && tpot == 0.04);
    cls.tpot_p99_s = 0.03;
    assert_int_equal(aif_demand_class_target(&cls, &ttft, &tpot), 1);
    assert_true(ttft == 2.0 && tpot == 0.03);
    cls.model = aif_model_find("llama3.1-8b");
    aif_perf_serve_query q = aif_demand_serve_query(&cls, aif_perf_hw_find("h100"));
    assert_true(q.ttft_p99_s == 2.0 && q.tpot_p99_s == 0.03);
    cls.latency = AIF_LATENCY_OFFLINE;
    assert_int_equal(aif_demand_class_target(&cls, &ttft, NULL), 0);
    assert_true(ttft == 0);
}

/* A one-class demand of `model` at FP8 with these mean lengths and latency class. */
static aif_scenario_model_class one_class(const char *model, double in, double out,
                                          aif_latency_class latency) {
    return (aif_scenario_model_class){.name = "class",
                                      .model = aif_model_find(model),
                                      .share = 1,
                                      .input_tokens = in,
                                      .output_tokens = out,
                                      .latency = latency,
                                      .precision = AIF_PREC_FP8};
}

/* Goodput sizing: the highest goodput per GPU over TP 1, 2, 4 and 8, each simulated once
 * at the class's target and lengths; closed-form sizing and offline classes: the closed
 * form. Two caches give the same answers (fixed seed). */
static void class_sizing(void **state) {
    (void)state;
    const aif_perf_hw *hw = aif_perf_hw_find("h100");
    aif_scenario_model_class cls = one_class("llama3.1-8b", 600, 150, AIF_LATENCY_INTERACTIVE);
    aif_perf_cache *pc = NULL;
    aif_goodput_cache *gc = NULL, *again = NULL;
    assert_int_equal(aif_perf_cache_create(NULL, aif_perf_calib_default(), 16, &pc), AIF_OK);
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &SMALL, &gc), AIF_OK);
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &SMALL, &again), AIF_OK);

    double sized = 0, repeat = 0, best = 0;
    assert_int_equal(aif_demand_sized_tokens_per_gpu(pc, gc, AIF_SIZING_GOODPUT, &cls, hw, &sized),
                     AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(gc), 4);
    const int tps[] = {1, 2, 4, 8};
    for (int i = 0; i < 4; i++) {
        aif_perf_serve_query q = aif_demand_serve_query(&cls, hw);
        assert_true(q.ttft_p99_s == 0.45 && q.tpot_p99_s == 0.04);
        assert_int_equal(q.gpus, 8);
        q.tp = tps[i];
        q.requests = SMALL.requests;
        q.seed = SMALL.seed;
        aif_perf_serve_result r;
        if (aif_perf_serve_goodput(NULL, NULL, &q, &r) == AIF_OK) {
            best = fmax(best, r.tokens_per_s_per_gpu);
        }
    }
    assert_true(best > 0);
    assert_true(sized == best);
    /* Asked again: copies, no simulation. Another cache: the same answer. */
    assert_int_equal(aif_demand_sized_tokens_per_gpu(pc, gc, AIF_SIZING_GOODPUT, &cls, hw, &repeat),
                     AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(gc), 4);
    assert_int_equal(aif_goodput_cache_hits(gc), 4);
    assert_true(repeat == sized);
    assert_int_equal(
        aif_demand_sized_tokens_per_gpu(pc, again, AIF_SIZING_GOODPUT, &cls, hw, &repeat), AIF_OK);
    assert_true(repeat == sized);

    double closed = 0, direct = 0;
    assert_int_equal(aif_demand_tokens_per_gpu(pc, &cls, hw, &direct), AIF_OK);
    assert_int_equal(
        aif_demand_sized_tokens_per_gpu(pc, gc, AIF_SIZING_CLOSED_FORM, &cls, hw, &closed), AIF_OK);
    assert_true(closed == direct && closed > 0);
    assert_true(closed != sized);
    cls.latency = AIF_LATENCY_OFFLINE;
    assert_int_equal(aif_demand_tokens_per_gpu(pc, &cls, hw, &direct), AIF_OK);
    assert_int_equal(aif_demand_sized_tokens_per_gpu(pc, gc, AIF_SIZING_GOODPUT, &cls, hw, &closed),
                     AIF_OK);
    assert_true(closed == direct);
    assert_int_equal(aif_goodput_cache_simulations(gc), 4); /* offline never simulates */
    aif_perf_serve_result r;
    assert_int_equal(aif_demand_serve_goodput(gc, &cls, hw, &r), AIF_EINVAL);

    aif_goodput_cache_destroy(again);
    aif_goodput_cache_destroy(gc);
    aif_perf_cache_destroy(pc);
}

/* A disaggregated class: every TP at three prefill:decode splits (12 simulations on an
 * 8-GPU domain), the best per GPU kept with its split. */
static void class_disaggregated(void **state) {
    (void)state;
    const aif_perf_hw *hw = aif_perf_hw_find("h100");
    aif_scenario_model_class cls = one_class("llama3.1-8b", 2000, 150, AIF_LATENCY_SERVER);
    cls.disaggregated = true;
    aif_goodput_cache *gc = NULL;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &SMALL, &gc), AIF_OK);
    aif_perf_serve_result best;
    assert_int_equal(aif_demand_serve_goodput(gc, &cls, hw, &best), AIF_OK);
    assert_int_equal(aif_goodput_cache_simulations(gc), 12);
    assert_true(best.prefill_replicas >= 1 && best.decode_replicas >= 1);
    const int splits[][2] = {{1, 1}, {2, 1}, {1, 2}};
    for (int i = 0; i < 3; i++) {
        aif_perf_serve_query q = aif_demand_serve_query(&cls, hw);
        q.tp = best.tp;
        q.prefill_replicas = splits[i][0];
        q.decode_replicas = splits[i][1];
        aif_perf_serve_result r;
        if (aif_goodput_cache_get(gc, &q, &r) == AIF_OK) {
            assert_true(r.tokens_per_s_per_gpu <= best.tokens_per_s_per_gpu);
        }
    }
    assert_int_equal(aif_goodput_cache_simulations(gc), 12); /* all asked before */
    aif_goodput_cache_destroy(gc);
}

/* A class no TP can serve at its target: the refusal, with the widest TP's reason. */
static void class_no_tp_meets_target(void **state) {
    (void)state;
    const aif_perf_hw *hw = aif_perf_hw_find("h100");
    aif_scenario_model_class cls = one_class("deepseek-v3", 1000, 100, AIF_LATENCY_SERVER);
    aif_goodput_cache *gc = NULL;
    assert_int_equal(aif_goodput_cache_create(NULL, NULL, &SMALL, &gc), AIF_OK);
    aif_perf_serve_result r;
    assert_int_equal(aif_demand_serve_goodput(gc, &cls, hw, &r), AIF_ERANGE);
    assert_int_equal(r.tp, 8);
    assert_true(r.message[0] != '\0');
    double tps = -1;
    assert_int_equal(aif_demand_sized_tokens_per_gpu(NULL, gc, AIF_SIZING_GOODPUT, &cls, hw, &tps),
                     AIF_ERANGE);
    assert_true(tps == -1);
    aif_goodput_cache_destroy(gc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simulates_each_combination_once),
        cmocka_unit_test(output_token_cap),
        cmocka_unit_test(failures_are_memoized),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(latency_targets),
        cmocka_unit_test(class_sizing),
        cmocka_unit_test(class_disaggregated),
        cmocka_unit_test(class_no_tp_meets_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
