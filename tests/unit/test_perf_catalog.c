/* Unit tests for the catalog adapter of the performance model (aif_perf_hw_from_catalog,
 * aif_perf_hw_resolve): the calibrated systems give exactly the built-in descriptions and
 * predictions, the one documented difference (GB300 HBM) is pinned, every catalog system
 * converts and runs, uncalibrated systems carry the catalog's figures, and bad input fails
 * with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/catalog_read.h"
#include "aifactory/perf.h"

static aif_catalog *load_default(void) {
    aif_catalog *cat = NULL;
    assert_int_equal(aif_catalog_create(NULL, &cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(cat), AIF_OK);
    return cat;
}

static aif_perf_hw from_catalog(const aif_catalog *cat, const char *id) {
    aif_perf_hw hw;
    aif_error msg;
    assert_int_equal(aif_perf_hw_from_catalog(cat, id, &hw, &msg), AIF_OK);
    assert_string_equal(hw.id, id);
    return hw;
}

/* Every number the model reads, compared exactly. */
static void assert_same_figures(const aif_perf_hw *a, const aif_perf_hw *b) {
    for (int p = 0; p < AIF_PREC_COUNT; p++) {
        assert_true(a->peak_flops[p] == b->peak_flops[p]);
    }
    assert_true(a->hbm_bytes == b->hbm_bytes);
    assert_true(a->hbm_bytes_per_s == b->hbm_bytes_per_s);
    assert_int_equal(a->scaleup_domain_gpus, b->scaleup_domain_gpus);
    assert_true(a->scaleup_bytes_per_s == b->scaleup_bytes_per_s);
    assert_true(a->scaleout_bytes_per_s == b->scaleout_bytes_per_s);
    assert_int_equal(a->train_precision, b->train_precision);
    assert_int_equal(a->infer_precision, b->infer_precision);
    assert_true(a->tdp_w == b->tdp_w);
    assert_true(a->l2_bytes == b->l2_bytes);
    assert_string_equal(a->generation, b->generation);
}

static void assert_same_infer(const aif_perf_infer_result *a, const aif_perf_infer_result *b) {
    assert_int_equal(a->tp, b->tp);
    assert_int_equal(a->pp, b->pp);
    assert_int_equal(a->batch, b->batch);
    assert_int_equal(a->max_batch, b->max_batch);
    assert_true(a->tokens_per_s == b->tokens_per_s);
    assert_true(a->ttft_s == b->ttft_s);
    assert_true(a->tpot_s == b->tpot_s);
}

static const struct {
    const char *builtin, *system;
    long gpus; /* a multiple of the scale-up domain, so training layouts agree too */
} calibrated[] = {
    {"h100", "hgx-h100", 512},     {"h200", "hgx-h200", 512}, {"b200", "hgx-b200", 512},
    {"gb200", "gb200-nvl72", 576}, {"b300", "hgx-b300", 512},
};

static void calibrated_systems_match_builtin(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    const aif_perf_calib *c = aif_perf_calib_default();
    for (size_t i = 0; i < sizeof calibrated / sizeof calibrated[0]; i++) {
        const aif_perf_hw *b = aif_perf_hw_find(calibrated[i].builtin);
        aif_perf_hw h = from_catalog(cat, calibrated[i].system);
        assert_same_figures(&h, b);
        for (int w = AIF_WORKLOAD_OFFLINE; w <= AIF_WORKLOAD_INTERACTIVE; w++) {
            aif_perf_infer_query q = {aif_model_find("llama2-70b"),
                                      b,
                                      8,
                                      b->infer_precision,
                                      389,
                                      294,
                                      (aif_workload)w,
                                      0,
                                      0,
                                      NULL};
            aif_perf_infer_result rb, rh;
            assert_int_equal(aif_perf_infer(c, &q, &rb), AIF_OK);
            q.hw = &h;
            assert_int_equal(aif_perf_infer(c, &q, &rh), AIF_OK);
            assert_same_infer(&rh, &rb);
        }
        aif_perf_train_query t = {
            aif_model_find("gpt3-175b"), b, calibrated[i].gpus, AIF_PREC_FP8, 2048, 2304, 0, 0, 0};
        aif_perf_train_result tb, th;
        assert_int_equal(aif_perf_train(c, &t, &tb), AIF_OK);
        t.hw = &h;
        assert_int_equal(aif_perf_train(c, &t, &th), AIF_OK);
        assert_true(th.step_time_s == tb.step_time_s);
        assert_int_equal(th.tp * 1000 + th.pp, tb.tp * 1000 + tb.pp);
    }
    aif_catalog_destroy(cat);
}

/* The catalog's GB300 default is 288 GB (raw); the built-in uses the 279 GB usable figure.
 * Only HBM differs, so only capacity-bound answers move, and upwards. */
static void gb300_differs_only_in_hbm(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    const aif_perf_hw *b = aif_perf_hw_find("gb300");
    aif_perf_hw h = from_catalog(cat, "gb300-nvl72");
    assert_true(h.hbm_bytes == 288e9);
    assert_true(b->hbm_bytes == 279e9);
    aif_perf_hw same = h;
    same.hbm_bytes = b->hbm_bytes;
    assert_same_figures(&same, b);

    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_infer_query q = {aif_model_find("llama3.1-70b"), b, 8, AIF_PREC_FP4, 389, 294,
                              AIF_WORKLOAD_OFFLINE,           1, 1, NULL};
    aif_perf_infer_result rb, rh;
    assert_int_equal(aif_perf_infer(c, &q, &rb), AIF_OK);
    q.hw = &h;
    assert_int_equal(aif_perf_infer(c, &q, &rh), AIF_OK);
    assert_true(rh.max_batch > rb.max_batch);
    assert_true(rh.tokens_per_s >= rb.tokens_per_s);
    /* Latency at a fixed batch does not depend on capacity at all. */
    assert_true(aif_perf_decode_step_s(c, &c->serve, q.model, &h, AIF_PREC_FP4, 2, 64, 683) ==
                aif_perf_decode_step_s(c, &c->serve, q.model, b, AIF_PREC_FP4, 2, 64, 683));
    aif_catalog_destroy(cat);
}

static void every_catalog_system_runs(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    const aif_perf_calib *c = aif_perf_calib_default();
    size_t n = aif_catalog_system_count(cat);
    assert_int_equal(n, 12);
    for (size_t i = 0; i < n; i++) {
        const aif_system *s = aif_catalog_system_at(cat, i);
        aif_perf_hw h = from_catalog(cat, s->id);
        assert_true(h.peak_flops[h.infer_precision] > 0);
        assert_true(h.peak_flops[h.train_precision] > 0);
        assert_true(h.hbm_bytes > 0 && h.hbm_bytes_per_s > 0);
        assert_true(h.scaleup_bytes_per_s > 0 && h.scaleout_bytes_per_s > 0);
        assert_int_equal(h.scaleup_domain_gpus, (int)s->scaleup_domain.value);
        aif_perf_infer_query q = {aif_model_find("llama3.1-8b"),
                                  &h,
                                  8,
                                  h.infer_precision,
                                  389,
                                  294,
                                  AIF_WORKLOAD_SERVER,
                                  0,
                                  0,
                                  NULL};
        aif_perf_infer_result r;
        assert_int_equal(aif_perf_infer(c, &q, &r), AIF_OK);
        assert_true(r.tokens_per_s > 0);
        aif_perf_train_query t = {
            aif_model_find("llama3.1-70b"), &h, 576, h.train_precision, 4096, 1152, 0, 0, 0};
        aif_perf_train_result tr;
        assert_int_equal(aif_perf_train(c, &t, &tr), AIF_OK);
        assert_true(tr.mfu > 0.05 && tr.mfu < 0.6);
    }
    aif_catalog_destroy(cat);
}

static void uncalibrated_systems_carry_catalog_figures(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    aif_error msg;
    aif_perf_hw r = from_catalog(cat, "vr-nvl144");
    assert_true(r.peak_flops[AIF_PREC_BF16] == 8350e12);
    assert_true(r.peak_flops[AIF_PREC_FP8] == 16700e12);
    assert_true(r.peak_flops[AIF_PREC_FP4] == 50000e12);
    assert_true(r.hbm_bytes == 288e9 && r.hbm_bytes_per_s == 13e12);
    assert_int_equal(r.scaleup_domain_gpus, 72);
    assert_true(r.scaleup_bytes_per_s == 1800e9); /* 3.6 TB/s both ways */
    assert_true(r.scaleout_bytes_per_s == 50e9);
    assert_true(r.tdp_w == 1800);
    assert_int_equal(r.train_precision, AIF_PREC_FP8);
    assert_int_equal(r.infer_precision, AIF_PREC_FP4);
    assert_string_equal(r.generation, "rubin");

    /* MI450 has no BF16 figure: training defaults to FP8 and BF16 is unsupported. */
    aif_perf_hw m = from_catalog(cat, "helios-mi450");
    assert_true(m.peak_flops[AIF_PREC_BF16] == 0);
    assert_int_equal(m.train_precision, AIF_PREC_FP8);
    assert_true(m.tdp_w == 0); /* not in the catalog */

    /* MI355X has no scale-up bandwidth: the NIC speed is assumed and the caller told. */
    aif_perf_hw x;
    assert_int_equal(aif_perf_hw_from_catalog(cat, "mi355x-8", &x, &msg), AIF_OK);
    assert_true(x.scaleup_bytes_per_s == 50e9);
    assert_non_null(strstr(msg.message, "no scale-up bandwidth"));
    assert_int_equal(msg.status, AIF_OK); /* a note, not an error */
    /* ... which a user catalog file can supply. */
    const char *fix = "packages:\n  mi355x:\n    scaleup_gbps: {value: 1075, confidence: L, "
                      "source: user}\n";
    assert_int_equal(aif_catalog_merge_string(cat, "fix.yaml", fix, strlen(fix)), AIF_OK);
    assert_int_equal(aif_perf_hw_from_catalog(cat, "mi355x-8", &x, &msg), AIF_OK);
    assert_true(x.scaleup_bytes_per_s == 537.5e9);
    assert_string_equal(msg.message, "");
    /* Calibrated systems need no assumption beyond the documented NIC default. */
    assert_int_equal(aif_perf_hw_from_catalog(cat, "hgx-h100", &x, &msg), AIF_OK);
    assert_string_equal(msg.message, "");
    aif_catalog_destroy(cat);
}

static void bad_input(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    aif_perf_hw h;
    aif_error msg;
    assert_int_equal(aif_perf_hw_from_catalog(NULL, "hgx-h100", &h, &msg), AIF_EINVAL);
    assert_int_equal(aif_perf_hw_from_catalog(cat, NULL, &h, &msg), AIF_EINVAL);
    assert_int_equal(aif_perf_hw_from_catalog(cat, "hgx-h100", NULL, &msg), AIF_EINVAL);
    assert_int_equal(aif_perf_hw_from_catalog(cat, "hgx-h100", &h, NULL), AIF_OK);
    assert_int_equal(aif_perf_hw_from_catalog(cat, "gb200-nvl7", &h, &msg), AIF_ENOTFOUND);
    assert_string_equal(
        msg.message, "unknown system 'gb200-nvl7' (did you mean 'gb200-nvl72' or 'gb300-nvl72'?)");
    assert_int_equal(aif_perf_hw_from_catalog(cat, "zzzzzzzzzz", &h, &msg), AIF_ENOTFOUND);
    assert_string_equal(msg.message, "unknown system 'zzzzzzzzzz'");
    assert_int_equal(msg.status, AIF_ENOTFOUND);
    /* A system of CPX cards alone has no HBM bandwidth; a package without TFLOPS neither
     * gives the model anything to compute with. */
    const char *user = "packages:\n"
                       "  blank:\n"
                       "    name: Blank\n"
                       "    dies: {value: 1, confidence: L, source: s}\n"
                       "    hbm_gb: {value: 10, confidence: L, source: s}\n"
                       "    hbm_tbps: {value: 1, confidence: L, source: s}\n"
                       "systems:\n"
                       "  cpx-only:\n"
                       "    name: CPX\n"
                       "    package: rubin-cpx\n"
                       "    packages: {value: 8, confidence: L, source: s}\n"
                       "    it_power_kw: {value: 5, confidence: L, source: s}\n"
                       "    price_usd: {value: 1, confidence: L, source: s}\n"
                       "  blank-8:\n"
                       "    name: B\n"
                       "    package: blank\n"
                       "    packages: {value: 8, confidence: L, source: s}\n"
                       "    it_power_kw: {value: 5, confidence: L, source: s}\n"
                       "    price_usd: {value: 1, confidence: L, source: s}\n";
    assert_int_equal(aif_catalog_merge_string(cat, "u.yaml", user, strlen(user)), AIF_OK);
    assert_int_equal(aif_perf_hw_from_catalog(cat, "cpx-only", &h, &msg), AIF_EINVAL);
    assert_non_null(strstr(msg.message, "no HBM size or bandwidth"));
    assert_int_equal(aif_perf_hw_from_catalog(cat, "blank-8", &h, &msg), AIF_EINVAL);
    assert_non_null(strstr(msg.message, "no dense TFLOPS"));
    assert_int_equal(msg.status, AIF_EINVAL);
    aif_catalog_destroy(cat);
}

static void resolve_prefers_builtin(void **state) {
    (void)state;
    aif_catalog *cat = load_default();
    aif_perf_hw h;
    aif_error msg;
    assert_int_equal(aif_perf_hw_resolve(cat, "h100", &h, &msg), AIF_OK);
    assert_memory_equal(&h, aif_perf_hw_find("h100"), sizeof h);
    assert_string_equal(msg.message, "");
    assert_int_equal(aif_perf_hw_resolve(NULL, "a100", &h, &msg), AIF_OK);
    assert_string_equal(h.id, "a100");
    assert_int_equal(aif_perf_hw_resolve(cat, "gb200-nvl72", &h, &msg), AIF_OK);
    assert_int_equal(h.scaleup_domain_gpus, 72);
    assert_int_equal(aif_perf_hw_resolve(NULL, "gb200-nvl72", &h, &msg), AIF_ENOTFOUND);
    assert_int_equal(aif_perf_hw_resolve(cat, NULL, &h, &msg), AIF_EINVAL);
    assert_int_equal(msg.status, AIF_EINVAL);
    /* A success after a failure leaves no stale error behind. */
    assert_int_equal(aif_perf_hw_resolve(NULL, "a100", &h, &msg), AIF_OK);
    assert_int_equal(msg.status, AIF_OK);
    assert_string_equal(msg.message, "");
    /* A user system named like a built-in is shadowed, and the caller is told. */
    const char *user = "systems:\n"
                       "  h100:\n"
                       "    name: My H100 box\n"
                       "    package: h200-sxm\n"
                       "    packages: {value: 4, confidence: L, source: s}\n"
                       "    it_power_kw: {value: 5, confidence: L, source: s}\n"
                       "    price_usd: {value: 1, confidence: L, source: s}\n";
    assert_int_equal(aif_catalog_merge_string(cat, "u.yaml", user, strlen(user)), AIF_OK);
    assert_int_equal(aif_perf_hw_resolve(cat, "h100", &h, &msg), AIF_OK);
    assert_true(h.hbm_bytes == 80e9);
    assert_non_null(strstr(msg.message, "built-in"));
    assert_int_equal(msg.status, AIF_OK);
    /* ... while from_catalog reads it, with the domain defaulting to the package count. */
    assert_int_equal(aif_perf_hw_from_catalog(cat, "h100", &h, &msg), AIF_OK);
    assert_true(h.hbm_bytes == 141e9);
    assert_int_equal(h.scaleup_domain_gpus, 4);
    aif_catalog_destroy(cat);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calibrated_systems_match_builtin),
        cmocka_unit_test(gb300_differs_only_in_hbm),
        cmocka_unit_test(every_catalog_system_runs),
        cmocka_unit_test(uncalibrated_systems_carry_catalog_figures),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(resolve_prefers_builtin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
