/* Unit tests for rng: published reference outputs of splitmix64, xoshiro256** and its jump,
 * exact conversions to double, stream seeding (reproducible, distinct), and the absence of
 * bias in aif_rng_below() by chi-square tests with a fixed seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/rng.h"

/* splitmix64 from state 1477776061723855037: the first ten outputs of the reference
 * splitmix64.c, as recorded in the test suite of the Rust crate rand_xoshiro
 * (github.com/rust-random/rngs, rand_xoshiro/src/splitmix64.rs). */
static void splitmix64_reference(void **state) {
    (void)state;
    static const uint64_t expected[10] = {
        UINT64_C(1985237415132408290),  UINT64_C(2979275885539914483),
        UINT64_C(13511426838097143398), UINT64_C(8488337342461049707),
        UINT64_C(15141737807933549159), UINT64_C(17093170987380407015),
        UINT64_C(16389528042912955399), UINT64_C(13177319091862933652),
        UINT64_C(10841969400225389492), UINT64_C(17094824097954834098),
    };
    uint64_t sm = UINT64_C(1477776061723855037);
    for (int i = 0; i < 10; i++) {
        assert_true(aif_splitmix64_next(&sm) == expected[i]);
    }
}

/* xoshiro256** from the state {1, 2, 3, 4}: the first ten outputs of the reference
 * xoshiro256starstar.c, as recorded in rand_xoshiro's test suite
 * (github.com/rust-random/rngs, rand_xoshiro/src/xoshiro256starstar.rs). */
static void xoshiro_reference(void **state) {
    (void)state;
    static const uint64_t expected[10] = {
        UINT64_C(11520),
        UINT64_C(0),
        UINT64_C(1509978240),
        UINT64_C(1215971899390074240),
        UINT64_C(1216172134540287360),
        UINT64_C(607988272756665600),
        UINT64_C(16172922978634559625),
        UINT64_C(8476171486693032832),
        UINT64_C(10595114339597558777),
        UINT64_C(2904607092377533576),
    };
    aif_rng r;
    aif_rng_seed_state(&r, (const uint64_t[4]){1, 2, 3, 4});
    for (int i = 0; i < 10; i++) {
        assert_true(aif_rng_next(&r) == expected[i]);
    }
}

/* From the state {0, 0, 0, 1}: outputs without and with one jump, and the state after the
 * jump, as produced by the reference xoshiro256starstar.c and recorded in
 * github.com/DSCF-1224/xoshiro-fortran, reference/xoshiro256starstar/README.md. */
static void jump_reference(void **state) {
    (void)state;
    static const uint64_t plain[10] = {
        UINT64_C(0x0000000000000000), UINT64_C(0x0000000000000000), UINT64_C(0x0000000000001680),
        UINT64_C(0x02d0000000001680), UINT64_C(0x02d0005a2d001680), UINT64_C(0x0000005a2d0b4120),
        UINT64_C(0x68b45a5a2d0b57a0), UINT64_C(0x68b48716ad000120), UINT64_C(0x1cb48716b2a00288),
        UINT64_C(0x11b10070bdeb59bc),
    };
    static const uint64_t after_jump[4] = {
        UINT64_C(0x934d05e8b2076310),
        UINT64_C(0xeabdd0bf76a1be51),
        UINT64_C(0x75dd6a992accb1e8),
        UINT64_C(0xc660c602a7330187),
    };
    static const uint64_t jumped[10] = {
        UINT64_C(0xaed8d3ed373a211a), UINT64_C(0x055baff45a8cdb8e), UINT64_C(0x4f99e3c7b7aa48f2),
        UINT64_C(0x36634b1d710c7653), UINT64_C(0xf9660f773c654151), UINT64_C(0x6d5b9d0ca69a4a72),
        UINT64_C(0x13c137b2c8a18efa), UINT64_C(0x8f201fdd0471f897), UINT64_C(0xa17a56c3464c3f89),
        UINT64_C(0x101e70c7c75f6456),
    };
    const uint64_t start[4] = {0, 0, 0, 1};
    aif_rng r;
    aif_rng_seed_state(&r, start);
    for (int i = 0; i < 10; i++) {
        assert_true(aif_rng_next(&r) == plain[i]);
    }
    aif_rng_seed_state(&r, start);
    aif_rng_jump(&r);
    for (int i = 0; i < 4; i++) {
        assert_true(r.s[i] == after_jump[i]);
    }
    for (int i = 0; i < 10; i++) {
        assert_true(aif_rng_next(&r) == jumped[i]);
    }
}

static void doubles_are_exact(void **state) {
    (void)state;
    aif_rng r;
    aif_rng_seed_state(&r, (const uint64_t[4]){1, 2, 3, 4});
    /* Outputs 11520 and 0: 11520 >> 11 == 5, and 0 maps to the smallest open value. */
    assert_true(aif_rng_uniform(&r) == 5 * 0x1.0p-53);
    assert_true(aif_rng_uniform_pos(&r) == 0x1.0p-53);
    /* Output 1509978240 >> 12 == 368647. */
    assert_true(aif_rng_uniform_pos(&r) == (368647 + 0.5) * 0x1.0p-52);

    /* The all-zero state is refused (it would be a fixed point). */
    aif_rng_seed_state(&r, (const uint64_t[4]){0, 0, 0, 0});
    assert_true((r.s[0] | r.s[1] | r.s[2] | r.s[3]) != 0);

    aif_rng_seed(&r, 7, 0);
    double sum = 0;
    const int n = 1000000;
    for (int i = 0; i < n; i++) {
        double u = aif_rng_uniform(&r);
        double v = aif_rng_uniform_pos(&r);
        assert_true(u >= 0.0 && u < 1.0);
        assert_true(v > 0.0 && v < 1.0);
        sum += u;
    }
    /* Mean 1/2, standard error sqrt(1/12 / n); allow five of them. */
    double se = 0.28867513459481287 / 1000.0;
    assert_true(sum / n > 0.5 - 5 * se && sum / n < 0.5 + 5 * se);
}

static void seeding_reproduces_and_streams_differ(void **state) {
    (void)state;
    /* Recorded outputs of the frozen seeding derivation: a change here breaks every saved
     * result, so it must be deliberate (see rng.h). The derivation itself is checked
     * against a separate transcription below. */
    static const uint64_t seed42[2][4] = {
        {UINT64_C(14257794457769711309), UINT64_C(815174737260518801),
         UINT64_C(15102611911390383123), UINT64_C(10808112889339995962)},
        {UINT64_C(2836616738116617394), UINT64_C(14365635103462401129),
         UINT64_C(12856630581264406311), UINT64_C(10091332553410720526)},
    };
    aif_rng a, b;
    for (int stream = 0; stream < 2; stream++) {
        aif_rng_seed(&a, 42, (uint64_t)stream);
        for (int i = 0; i < 4; i++) {
            assert_true(aif_rng_next(&a) == seed42[stream][i]);
        }
    }
    aif_rng_seed(&a, 42, 0);
    aif_rng_seed(&b, 42, 0);
    for (int i = 0; i < 1000; i++) {
        assert_true(aif_rng_next(&a) == aif_rng_next(&b));
    }

    /* Independent transcription of the documented derivation. */
    uint64_t seed = 12345, stream = 678;
    uint64_t x = seed, y = stream ^ UINT64_C(0x6a09e667f3bcc909);
    uint64_t s[4];
    for (int i = 0; i < 4; i++) {
        uint64_t p = aif_splitmix64_next(&x);
        uint64_t q = aif_splitmix64_next(&y);
        s[i] = p + ((q << 32) | (q >> 32));
    }
    aif_rng_seed(&a, seed, stream);
    assert_memory_equal(a.s, s, sizeof s);

    /* Streams of one seed, and one stream of neighbouring seeds, share no early outputs and
     * do not collide under a seed/stream swap. */
    enum { K = 16, L = 64 };
    static uint64_t out[K][L];
    for (int k = 0; k < K; k++) {
        aif_rng_seed(&a, 1, (uint64_t)k);
        for (int i = 0; i < L; i++) {
            out[k][i] = aif_rng_next(&a);
        }
    }
    for (int k = 0; k < K; k++) {
        for (int j = k + 1; j < K; j++) {
            for (int i = 0; i < L; i++) {
                assert_true(out[k][i] != out[j][i]);
            }
        }
    }
    aif_rng_seed(&a, 3, 5);
    aif_rng_seed(&b, 5, 3);
    assert_memory_not_equal(a.s, b.s, sizeof a.s);
    aif_rng_seed(&a, 3, 5);
    aif_rng_seed(&b, 4, 5);
    assert_memory_not_equal(a.s, b.s, sizeof a.s);
}

/* Pearson chi-square statistic of `counts` against equal expected frequencies. */
static double chi_square_uniform(const long *counts, int bins, long total) {
    double expect = (double)total / bins;
    double chi = 0;
    for (int i = 0; i < bins; i++) {
        double d = (double)counts[i] - expect;
        chi += d * d / expect;
    }
    return chi;
}

static void below_is_unbiased(void **state) {
    (void)state;
    aif_rng r;
    aif_rng_seed(&r, 2024, 1);
    assert_true(aif_rng_below(&r, 0) == 0);
    for (int i = 0; i < 100; i++) {
        assert_true(aif_rng_below(&r, 1) == 0);
    }

    /* Small n: 7 bins, 700 000 draws. Critical value of chi-square with 6 degrees of
     * freedom at p = 0.001 is 22.46. */
    long small[7] = {0};
    const long n_small = 700000;
    for (long i = 0; i < n_small; i++) {
        uint64_t v = aif_rng_below(&r, 7);
        assert_true(v < 7);
        small[v]++;
    }
    assert_true(chi_square_uniform(small, 7, n_small) < 22.46);

    /* Large n = 2^64 * 2/3 + 1: a plain `x % n` would put twice as much mass in the lower
     * half of [0, n) as in the upper half. Three equal thirds of [0, n), 300 000 draws;
     * chi-square critical value for 2 degrees of freedom at p = 0.001 is 13.82. */
    uint64_t big = UINT64_MAX / 3 * 2 + 1;
    long thirds[3] = {0};
    const long n_big = 300000;
    for (long i = 0; i < n_big; i++) {
        uint64_t v = aif_rng_below(&r, big);
        assert_true(v < big);
        thirds[v / (big / 3 + 1)]++;
    }
    assert_true(chi_square_uniform(thirds, 3, n_big) < 13.82);
}

static void jump_makes_disjoint_copies(void **state) {
    (void)state;
    aif_rng a, b;
    aif_rng_seed(&a, 99, 0);
    b = a;
    aif_rng_jump(&b);
    assert_memory_not_equal(a.s, b.s, sizeof a.s);
    for (int i = 0; i < 1000; i++) {
        assert_true(aif_rng_next(&a) != aif_rng_next(&b));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splitmix64_reference),
        cmocka_unit_test(xoshiro_reference),
        cmocka_unit_test(jump_reference),
        cmocka_unit_test(doubles_are_exact),
        cmocka_unit_test(seeding_reproduces_and_streams_differ),
        cmocka_unit_test(below_is_unbiased),
        cmocka_unit_test(jump_makes_disjoint_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
