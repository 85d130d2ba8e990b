/* Experimental designs for sweeps: points in the unit hypercube drawn at random or by Latin
 * hypercube sampling, the inverse distribution functions that turn a coordinate into a
 * parameter value (uniform, normal, lognormal, triangular), and the 64-bit FNV-1a hash that
 * keys a run by its resolved configuration.
 *
 * A design is an n x dims matrix of coordinates in (0, 1), row-major (point i, dimension
 * j at u[i * dims + j]). A value is then quantile(u): so a random design draws every
 * parameter independently from its distribution, and a Latin hypercube places exactly one
 * point in each of the n equal-probability strata of every parameter. Everything draws
 * from the caller's generator only, so the same seed gives the same design on every
 * machine (the quantiles use libm's exp, log, sqrt and erfc; see dist.h on libm). */
#ifndef AIFACTORY_DESIGN_H
#define AIFACTORY_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/rng.h"
#include "aifactory/status.h"

/* n x dims independent coordinates, each aif_rng_uniform_pos (in the open interval (0, 1)),
 * drawn point by point. `u` holds n * dims doubles. Cost O(n dims). */
void aif_design_random(aif_rng *r, size_t n, size_t dims, double *u);

/* A Latin hypercube of n points: for each dimension (in order) a uniformly random
 * permutation p of 0..n-1 (Fisher-Yates with aif_rng_below), then point i's coordinate is
 * (p[i] + v) / n with v = aif_rng_uniform_pos, so every stratum [k/n, (k+1)/n) of every
 * dimension holds exactly one point. `u` holds n * dims doubles; n * sizeof(size_t) bytes
 * of scratch come from `a` (NULL: system). Errors: AIF_EINVAL (r or u NULL with n, dims >
 * 0), AIF_ENOMEM (u untouched). Cost O(n dims). */
aif_status aif_design_lhs(const aif_allocator *a, aif_rng *r, size_t n, size_t dims, double *u);

/* The standard normal quantile: x with Phi(x) = p, for p in (0, 1) (NaN outside). Acklam's
 * rational approximation (relative error 1.15e-9) refined by one Halley step on erfc, which
 * brings it to about 1e-15 in p. Cost O(1). */
double aif_quantile_normal(double p);

/* The quantile of the triangular distribution on [lo, hi] with mode `mode` (lo <= mode <=
 * hi, lo < hi), for p in [0, 1]: lo + sqrt(p (hi - lo)(mode - lo)) below the mode's
 * probability (mode - lo) / (hi - lo), hi - sqrt((1 - p)(hi - lo)(hi - mode)) above. NaN
 * for parameters outside the domain. Cost O(1). */
double aif_quantile_triangular(double p, double lo, double mode, double hi);

/* FNV-1a, 64 bits (offset basis 14695981039346656037, prime 1099511628211): `h` folded
 * over n bytes of `data`. Start with AIF_FNV1A64_INIT; chain calls to hash pieces. O(n). */
#define AIF_FNV1A64_INIT UINT64_C(14695981039346656037)
uint64_t aif_fnv1a64(uint64_t h, const void *data, size_t n);

#endif
