/* Pseudo-random numbers for the simulator: xoshiro256** (Blackman & Vigna) as the generator,
 * splitmix64 to expand a (seed, stream) pair into a generator state.
 *
 * The generator is a small transparent value type with no hidden state: copy it to fork a
 * sequence, keep one per simulation object that needs its own stream. Everything here is
 * integer arithmetic (plus one exact scaling to double), so a given (seed, stream) produces
 * the same numbers on every machine and compiler. The seeding derivation documented at
 * aif_rng_seed() is part of the reproducibility contract: it must never change, or saved
 * scenario results stop reproducing. Not for cryptography. */
#ifndef AIFACTORY_RNG_H
#define AIFACTORY_RNG_H

#include <stdint.h>

/* xoshiro256** state. Any value except all-zero is valid; aif_rng_seed() never produces
 * the all-zero state. */
typedef struct aif_rng {
    uint64_t s[4];
} aif_rng;

/* One splitmix64 step: add the golden-ratio increment 0x9e3779b97f4a7c15 to *state and
 * return the mixed result. Used to expand seeds; also a usable fast generator on its own
 * (period 2^64). Cost O(1). */
uint64_t aif_splitmix64_next(uint64_t *state);

/* Seed `r` for stream `stream` of master seed `seed`. Different streams of one seed are
 * statistically independent sequences (each an unrelated point in the 2^256 - 1 cycle, so
 * overlaps within any practical run length have probability below 2^-100).
 *
 * Derivation (frozen; it is what makes saved results reproducible):
 *     x = seed;                        y = stream ^ 0x6a09e667f3bcc909;
 *     for i in 0..3:
 *         a = splitmix64_next(&x);     b = splitmix64_next(&y);
 *         s[i] = a + rotl64(b, 32)     (mod 2^64)
 *     if s is all zero: s[0] = 0x9e3779b97f4a7c15
 * The constant decorrelates the stream sequence from the seed sequence (so seed/stream
 * swaps do not collide) and the rotation stops the two sequences cancelling. Cost O(1). */
void aif_rng_seed(aif_rng *r, uint64_t seed, uint64_t stream);

/* Load a raw state (for reference tests and checkpoints). An all-zero `s` is replaced by
 * the state aif_rng_seed(r, 0, 0) gives, because the all-zero state is a fixed point. */
void aif_rng_seed_state(aif_rng *r, const uint64_t s[4]);

/* Next 64 random bits (the xoshiro256** output). Cost O(1), about 1 ns. */
uint64_t aif_rng_next(aif_rng *r);

/* Uniform double in [0, 1): the top 53 bits of one output times 2^-53 (exact). */
double aif_rng_uniform(aif_rng *r);

/* Uniform double in the open interval (0, 1), safe for log(): (k + 0.5) * 2^-52 with k the
 * top 52 bits of one output (exact; smallest value 2^-53, largest 1 - 2^-53). */
double aif_rng_uniform_pos(aif_rng *r);

/* Unbiased integer in [0, n) by Lemire's multiply-and-reject method (one output in the
 * common case, a retry with probability below n / 2^64). n == 0 returns 0 and consumes
 * nothing. Cost O(1) expected. */
uint64_t aif_rng_below(aif_rng *r, uint64_t n);

/* Advance `r` by 2^128 steps with the published jump polynomial: calling it k times on
 * copies of one state gives k non-overlapping subsequences of length 2^128. Cost 256
 * generator steps. */
void aif_rng_jump(aif_rng *r);

#endif
