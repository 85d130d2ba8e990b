/* xoshiro256** and splitmix64, written from Blackman & Vigna's published descriptions
 * ("Scrambled linear pseudorandom number generators", ACM TOMS 2021), plus Lemire's
 * bounded-integer method ("Fast random integer generation in an interval", ACM TOMACS
 * 2019). See rng.h for the contracts, in particular the frozen seeding derivation. */
#include "aifactory/rng.h"

#include <stddef.h>

#define GOLDEN_GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define STREAM_KEY   UINT64_C(0x6a09e667f3bcc909) /* fractional bits of sqrt(2) */

static uint64_t rotl64(uint64_t x, unsigned k) {
    return (x << k) | (x >> (64u - k));
}

uint64_t aif_splitmix64_next(uint64_t *state) {
    *state += GOLDEN_GAMMA;
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void aif_rng_seed(aif_rng *r, uint64_t seed, uint64_t stream) {
    uint64_t x = seed;
    uint64_t y = stream ^ STREAM_KEY;
    for (int i = 0; i < 4; i++) {
        uint64_t a = aif_splitmix64_next(&x);
        uint64_t b = aif_splitmix64_next(&y);
        r->s[i] = a + rotl64(b, 32);
    }
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) {
        r->s[0] = GOLDEN_GAMMA;
    }
}

void aif_rng_seed_state(aif_rng *r, const uint64_t s[4]) {
    if ((s[0] | s[1] | s[2] | s[3]) == 0) {
        aif_rng_seed(r, 0, 0);
        return;
    }
    for (int i = 0; i < 4; i++) {
        r->s[i] = s[i];
    }
}

uint64_t aif_rng_next(aif_rng *r) {
    uint64_t *s = r->s;
    uint64_t out = rotl64(s[1] * 5u, 7) * 9u;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return out;
}

double aif_rng_uniform(aif_rng *r) {
    /* The high bits are the best-mixed ones; 53 of them fill a double's mantissa exactly. */
    return (double)(aif_rng_next(r) >> 11) * 0x1.0p-53;
}

double aif_rng_uniform_pos(aif_rng *r) {
    /* k + 0.5 with k < 2^52 needs 53 significant bits, so the sum is exact and the result
     * can be neither 0 nor 1. */
    return ((double)(aif_rng_next(r) >> 12) + 0.5) * 0x1.0p-52;
}

/* High 64 bits of the 128-bit product a * b, from 32-bit halves (portable C17). */
static uint64_t mul_high64(uint64_t a, uint64_t b) {
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
    uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo;
    uint64_t hi_lo = a_hi * b_lo;
    uint64_t lo_hi = a_lo * b_hi;
    uint64_t hi_hi = a_hi * b_hi;
    uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
    return hi_hi + (hi_lo >> 32) + (cross >> 32);
}

uint64_t aif_rng_below(aif_rng *r, uint64_t n) {
    if (n == 0) {
        return 0;
    }
    uint64_t x = aif_rng_next(r);
    uint64_t low = x * n;
    if (low < n) {
        /* Only products whose low word falls under 2^64 mod n map unevenly; redraw those. */
        uint64_t threshold = (0u - n) % n;
        while (low < threshold) {
            x = aif_rng_next(r);
            low = x * n;
        }
    }
    return mul_high64(x, n);
}

void aif_rng_jump(aif_rng *r) {
    /* Coefficients of the jump polynomial for 2^128 steps, as published with xoshiro256. */
    static const uint64_t poly[4] = {UINT64_C(0x180ec6d33cfd0aba), UINT64_C(0xd5a61266f0c9392c),
                                     UINT64_C(0xa9582618e03fc9aa), UINT64_C(0x39abdc4529b1661c)};
    uint64_t acc[4] = {0, 0, 0, 0};
    for (size_t w = 0; w < 4; w++) {
        for (unsigned bit = 0; bit < 64; bit++) {
            if (poly[w] & (UINT64_C(1) << bit)) {
                for (size_t i = 0; i < 4; i++) {
                    acc[i] ^= r->s[i];
                }
            }
            (void)aif_rng_next(r);
        }
    }
    for (size_t i = 0; i < 4; i++) {
        r->s[i] = acc[i];
    }
}
