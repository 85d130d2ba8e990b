/* Unit tests for capacity at a latency target (serve.h, serve_capacity.c): the SLO text,
 * and checks of the search that no setting can tune: the rate found meets the SLO when it
 * is simulated again and the rate one tolerance above it does not; a looser SLO never gives
 * a lower rate or less goodput; the same query gives the same answer; an SLO below one
 * prefill is refused with the latency a near-zero load achieves. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/serve.h"

static aif_serve_config llama8b_h100(int replicas) {
    aif_serve_config c = {0};
    c.model = aif_model_find("llama3.1-8b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 1;
    c.replicas = replicas;
    return c;
}

static aif_serve_capacity_query query(const aif_serve_config *c, const char *slo, long requests) {
    aif_serve_capacity_query q = {.cfg = c, .seed = 3, .requests = requests};
    assert_int_equal(aif_serve_lengths_parse("uniform:200:2000", &q.input, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse("exp:150:600", &q.output, NULL), AIF_OK);
    assert_int_equal(aif_serve_slo_parse(slo, &q.slo, NULL), AIF_OK);
    return q;
}

/* Simulate the query's requests at `rate`. */
static aif_serve_result run_at(const aif_serve_capacity_query *q, double rate) {
    aif_serve_synthetic g;
    aif_serve_source src;
    aif_serve_synthetic_init(&g, &q->input, &q->output, rate, q->seed, &src);
    aif_serve_result r;
    aif_error err = {0};
    assert_int_equal(aif_serve_run(NULL, q->cfg, &src, q->requests, &r, &err), AIF_OK);
    return r;
}

static void slo_parse(void **state) {
    (void)state;
    aif_serve_slo s;
    aif_error err = {0};
    assert_int_equal(aif_serve_slo_parse("ttft_p99=2s,tpot_p99=200ms", &s, &err), AIF_OK);
    assert_true(s.limit_s[AIF_SERVE_SLO_TTFT_P99] == 2.0);
    assert_true(fabs(s.limit_s[AIF_SERVE_SLO_TPOT_P99] - 0.2) < 1e-12);
    assert_true(s.limit_s[AIF_SERVE_SLO_E2E_P99] == 0);
    assert_int_equal(aif_serve_slo_parse("e2e_p99=1 min", &s, &err), AIF_OK);
    assert_true(s.limit_s[AIF_SERVE_SLO_E2E_P99] == 60.0);
    assert_int_equal(aif_serve_slo_parse("ttft_p50=450us", &s, &err), AIF_OK);
    assert_true(fabs(s.limit_s[AIF_SERVE_SLO_TTFT_P50] - 450e-6) < 1e-15);
    /* Each refusal points at its character. */
    struct {
        const char *text;
        size_t offset;
    } bad[] = {{"", 0},
               {"ttft_p99", 0},
               {"ttft_p99=2s,", 12},
               {"ttft_p99=2s,ttft_p95=1s", 12},
               {"ttft_p99=2", 10},
               {"ttft_p99=0s", 9},
               {"tpot_p99=2s,tpot_p99=1s", 12},
               {"ttft_p99=fast", 9}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(aif_serve_slo_parse(bad[i].text, &s, &err), AIF_EPARSE);
        assert_int_equal(err.offset, bad[i].offset);
        assert_true(strstr(err.message, "expected") != NULL);
    }
    assert_string_equal(aif_serve_slo_name(AIF_SERVE_SLO_E2E_P99), "e2e_p99");
}

static void found_rate_meets_and_next_fails(void **state) {
    (void)state;
    aif_serve_config c = llama8b_h100(2);
    aif_serve_capacity_query q = query(&c, "ttft_p99=400ms,tpot_p99=30ms", 300);
    aif_serve_capacity *cap = malloc(sizeof *cap);
    aif_error err = {0};
    assert_int_equal(aif_serve_find_capacity(NULL, &q, cap, &err), AIF_OK);
    assert_true(cap->rate_per_s > 0);
    assert_true(cap->failing_rate_per_s == cap->rate_per_s * 1.01);
    aif_serve_result at = run_at(&q, cap->rate_per_s);
    assert_int_equal(aif_serve_slo_violated(&q.slo, &at), -1);
    assert_memory_equal(&at, &cap->at_rate, sizeof at);
    aif_serve_result above = run_at(&q, cap->rate_per_s * 1.01);
    assert_true(aif_serve_slo_violated(&q.slo, &above) >= 0);
    /* Goodput is the rate found and the output tokens its requests carry, per GPU over
     * the two GPUs. */
    assert_true(cap->goodput_requests_per_s == cap->rate_per_s);
    assert_true(cap->goodput_output_tokens_per_s == cap->rate_per_s * at.output_tokens / 300);
    assert_true(cap->goodput_output_tokens_per_s_per_gpu == cap->goodput_output_tokens_per_s / 2);
    /* The 300 requests arrive over about 300 / rate seconds. */
    assert_true(fabs(cap->arrival_span_s * cap->rate_per_s / 300 - 1) < 0.2);
    /* Every probe's verdict is its latencies against the bounds; the last is the failing
     * rate. */
    int met = 0;
    for (int i = 0; i < cap->probe_count; i++) {
        const aif_serve_probe *p = &cap->probes[i];
        int ok = p->measured_s[AIF_SERVE_SLO_TTFT_P99] <= 0.4 &&
                 p->measured_s[AIF_SERVE_SLO_TPOT_P99] <= 0.03;
        assert_int_equal(ok, p->meets);
        met += p->meets && p->rate_per_s == cap->rate_per_s;
    }
    assert_int_equal(met, 1);
    assert_true(cap->probes[cap->probe_count - 1].rate_per_s == cap->failing_rate_per_s);
    free(cap);
}

static void looser_slo_never_gives_less(void **state) {
    (void)state;
    aif_serve_config c = llama8b_h100(1);
    /* Each SLO loosens one bound of the one before. */
    const char *slos[] = {"ttft_p99=300ms,tpot_p99=20ms",
                          "ttft_p99=300ms,tpot_p99=30ms",
                          "ttft_p99=1s,tpot_p99=30ms",
                          "ttft_p99=1s,tpot_p99=60ms",
                          "ttft_p99=2s,tpot_p99=60ms",
                          "ttft_p99=2s,tpot_p99=200ms",
                          "ttft_p99=2s,tpot_p99=200ms,e2e_p99=1min"};
    aif_serve_capacity *cap = malloc(sizeof *cap);
    double last_rate = 0, last_goodput = 0, last_tokens = 0;
    for (size_t i = 0; i < sizeof slos / sizeof slos[0]; i++) {
        /* Enough requests that their arrivals span 20 times the loosest TTFT bound: a
         * queue growing past capacity then shows within it. */
        aif_serve_capacity_query q = query(&c, slos[i], 2000);
        aif_error err = {0};
        aif_status st = aif_serve_find_capacity(NULL, &q, cap, &err);
        if (st != AIF_OK) {
            print_error("%s: %s\n", slos[i], err.message);
        }
        assert_int_equal(st, AIF_OK);
        assert_true(cap->rate_per_s >= last_rate);
        assert_true(cap->goodput_requests_per_s >= last_goodput);
        assert_true(cap->goodput_output_tokens_per_s >= last_tokens);
        last_rate = cap->rate_per_s;
        last_goodput = cap->goodput_requests_per_s;
        last_tokens = cap->goodput_output_tokens_per_s;
    }
    free(cap);
}

static void same_query_same_answer(void **state) {
    (void)state;
    aif_serve_config c = llama8b_h100(1);
    aif_serve_capacity_query q = query(&c, "ttft_p90=500ms,e2e_p99=20s", 150);
    aif_serve_capacity *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    aif_error err = {0};
    assert_int_equal(aif_serve_find_capacity(NULL, &q, a, &err), AIF_OK);
    assert_int_equal(aif_serve_find_capacity(NULL, &q, b, &err), AIF_OK);
    assert_int_equal(a->probe_count, b->probe_count);
    assert_memory_equal(a->probes, b->probes, sizeof a->probes[0] * (size_t)a->probe_count);
    assert_memory_equal(&a->at_rate, &b->at_rate, sizeof a->at_rate);
    assert_true(a->rate_per_s == b->rate_per_s);
    /* Another seed draws other requests. */
    q.seed = 4;
    assert_int_equal(aif_serve_find_capacity(NULL, &q, b, &err), AIF_OK);
    assert_true(a->rate_per_s != b->rate_per_s);
    free(a);
    free(b);
}

static void slo_below_one_prefill_is_refused(void **state) {
    (void)state;
    aif_serve_config c = llama8b_h100(1);
    aif_serve_capacity_query q = query(&c, "tpot_p99=1s,ttft_p99=1ms", 50);
    aif_serve_capacity *cap = malloc(sizeof *cap);
    aif_error err = {0};
    assert_int_equal(aif_serve_find_capacity(NULL, &q, cap, &err), AIF_ERANGE);
    assert_non_null(strstr(err.message, "ttft_p99 <= 0.001 s"));
    assert_non_null(strstr(err.message, "near-zero load"));
    /* The latency it names is the lone-request one: at least one prefill of the shortest
     * prompt, well above the bound. */
    assert_true(cap->zero_load.ttft_s.p99 > 0.001);
    assert_int_equal(cap->probe_count, 0);
    free(cap);
}

static void bad_queries(void **state) {
    (void)state;
    aif_serve_config c = llama8b_h100(1);
    aif_serve_capacity_query q = query(&c, "ttft_p99=1s", 50);
    aif_serve_capacity *cap = malloc(sizeof *cap);
    aif_error err = {0};
    aif_serve_capacity_query bad = q;
    memset(&bad.slo, 0, sizeof bad.slo);
    assert_int_equal(aif_serve_find_capacity(NULL, &bad, cap, &err), AIF_EINVAL);
    /* TPOT alone cannot see a queue that grows. */
    assert_int_equal(aif_serve_slo_parse("tpot_p99=50ms", &bad.slo, NULL), AIF_OK);
    assert_int_equal(aif_serve_find_capacity(NULL, &bad, cap, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "TTFT or end-to-end"));
    bad = q;
    bad.tolerance = 2;
    assert_int_equal(aif_serve_find_capacity(NULL, &bad, cap, &err), AIF_EINVAL);
    aif_serve_config closed = c;
    closed.concurrency = 4;
    bad = q;
    bad.cfg = &closed;
    assert_int_equal(aif_serve_find_capacity(NULL, &bad, cap, &err), AIF_EINVAL);
    assert_int_equal(aif_serve_find_capacity(NULL, NULL, cap, &err), AIF_EINVAL);
    free(cap);
}

/* The observer sees every request once, in completion order, with its latencies. */
typedef struct seen {
    long requests, iterations, preemptions;
    double last_finish, sum_ttft;
} seen;

static aif_status on_request(void *ctx, const aif_serve_request_record *r) {
    seen *s = ctx;
    assert_true(r->finish_s >= s->last_finish);
    assert_true(r->arrival_s <= r->scheduled_s && r->scheduled_s <= r->first_token_s &&
                r->first_token_s <= r->finish_s);
    s->last_finish = r->finish_s;
    s->sum_ttft += r->first_token_s - r->arrival_s;
    s->preemptions += r->preemptions;
    s->requests++;
    return AIF_OK;
}

static aif_status on_iteration(void *ctx, const aif_serve_iteration_record *it) {
    seen *s = ctx;
    assert_true(it->end_s > it->start_s && it->sequences >= 1 && it->tokens >= it->sequences);
    s->iterations++;
    return AIF_OK;
}

static aif_status refuse(void *ctx, const aif_serve_request_record *r) {
    (void)ctx;
    (void)r;
    return AIF_EIO;
}

static void observer_sees_every_request(void **state) {
    (void)state;
    aif_serve_config c = llama8b_h100(2);
    seen s = {0};
    aif_serve_observer o = {&s, on_request, on_iteration};
    c.observer = &o;
    aif_serve_capacity_query q = query(&c, "ttft_p99=1s", 400);
    aif_serve_result r = run_at(&q, 40);
    assert_int_equal(s.requests, r.requests_completed);
    assert_int_equal(s.iterations, r.iterations);
    assert_int_equal(s.preemptions, r.preemptions);
    assert_true(fabs(s.sum_ttft / (double)s.requests - r.ttft_s.mean) <= 1e-9 * r.ttft_s.mean);
    o.request = refuse;
    aif_serve_synthetic g;
    aif_serve_source src;
    aif_serve_synthetic_init(&g, &q.input, &q.output, 40, 3, &src);
    aif_error err = {0};
    assert_int_equal(aif_serve_run(NULL, &c, &src, 10, &r, &err), AIF_EIO);
    assert_non_null(strstr(err.message, "observer"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slo_parse),
        cmocka_unit_test(found_rate_meets_and_next_fails),
        cmocka_unit_test(looser_slo_never_gives_less),
        cmocka_unit_test(same_query_same_answer),
        cmocka_unit_test(slo_below_one_prefill_is_refused),
        cmocka_unit_test(bad_queries),
        cmocka_unit_test(observer_sees_every_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
