/* Random variates for the simulator: direct samplers, a tagged distribution value for
 * config-driven use, Walker/Vose alias tables and empirical (tabulated CDF) distributions.
 *
 * Determinism: every sampler uses only IEEE-754 double arithmetic (no long double, no x87
 * extended precision, no fused multiply-add: GCC in ISO C17 mode does not contract a*b+c into
 * an FMA; a Clang build for an FMA-capable target needs -ffp-contract=off to keep this
 * promise), sqrt (exact under IEEE-754) and the <math.h> functions log, exp, pow and lgamma.
 * The same seed therefore produces bit-identical samples on every machine that uses the same
 * libm; a different libm may differ in the last bit of a log/exp/pow result in rare cases,
 * which can change a rejection decision, so cross-libm reproducibility is a goal checked by
 * tests, not a proof. Each sampler consumes a data-dependent but deterministic number of
 * generator outputs; nothing is cached between calls (the normal sampler discards the second
 * value of each polar pair rather than hide it in state).
 *
 * Direct samplers do not validate their parameters (that is aif_dist_check's job); for
 * parameters outside the documented domain they return NaN, never loop or crash. */
#ifndef AIFACTORY_DIST_H
#define AIFACTORY_DIST_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/rng.h"
#include "aifactory/error.h"
#include "aifactory/status.h"

/* ---- Direct samplers. Cost O(1) expected unless noted. ---- */

/* Uniform on [a, b) (a + (b - a) * u). Domain: finite a <= b. */
double aif_dist_uniform(aif_rng *r, double a, double b);

/* Exponential with the given rate (mean 1 / rate), by inversion. Domain: rate > 0. */
double aif_dist_exponential(aif_rng *r, double rate);

/* Normal by Marsaglia's polar method (second value of each pair discarded). sd >= 0. */
double aif_dist_normal(aif_rng *r, double mean, double sd);

/* exp(N(mu, sigma^2)). Domain: sigma >= 0. */
double aif_dist_lognormal(aif_rng *r, double mu, double sigma);

/* Gamma with shape k and scale theta (mean k * theta), by Marsaglia & Tsang's squeeze
 * method; shape < 1 samples shape + 1 and multiplies by u^(1/shape). Domain: shape > 0,
 * scale > 0. */
double aif_dist_gamma(aif_rng *r, double shape, double scale);

/* Weibull with shape k and scale lambda, by inversion: lambda * (-log u)^(1/k).
 * Domain: shape > 0, scale > 0. */
double aif_dist_weibull(aif_rng *r, double shape, double scale);

/* Pareto (type I) with minimum xm and tail index alpha, by inversion: xm * u^(-1/alpha).
 * Domain: xm > 0, alpha > 0. */
double aif_dist_pareto(aif_rng *r, double xm, double alpha);

/* Poisson with mean lambda, returned as an integer-valued double. Exact for every lambda:
 * sequential inversion (chop-down search) for lambda < 10, Hormann's transformed rejection
 * with squeeze (PTRS, 1993) otherwise. Domain: 0 <= lambda <= 1e15. */
double aif_dist_poisson(aif_rng *r, double lambda);

/* ---- Alias table: O(1) sampling of an index with probability proportional to weights. */
typedef struct aif_discrete aif_discrete;

/* Build a Walker/Vose alias table over `n` weights (copied; the caller keeps `weights`).
 * Weights must be finite and >= 0 with a positive sum. Cost O(n) time, O(n) memory taken
 * from `a` (NULL = system). Errors: AIF_EINVAL (out or weights NULL, n == 0, bad weight),
 * AIF_ENOMEM. On error *out is untouched and nothing is leaked. */
aif_status aif_discrete_create(const aif_allocator *a, const double *weights, size_t n,
                               aif_discrete **out);

/* An index in [0, n) drawn with probability weights[i] / sum. Two generator outputs, O(1). */
size_t aif_discrete_sample(const aif_discrete *d, aif_rng *r);

/* Number of outcomes, and the normalised probability of outcome i (0 when i >= n). */
size_t aif_discrete_size(const aif_discrete *d);
double aif_discrete_probability(const aif_discrete *d, size_t i);

/* Free the table. NULL is a no-op. */
void aif_discrete_destroy(aif_discrete *d);

/* ---- Empirical distributions from tabulated CDF points. ---- */

typedef enum aif_empirical_mode {
    /* Continuous: the CDF rises linearly between consecutive points. A first point with
     * cumulative probability p0 > 0 is an atom of mass p0 at its value. */
    AIF_EMPIRICAL_LINEAR = 0,
    /* Discrete: value i has probability cum[i] - cum[i-1] (cum[-1] = 0). */
    AIF_EMPIRICAL_STEP = 1,
} aif_empirical_mode;

typedef struct aif_empirical aif_empirical;

/* Build from `n` points (values[i], cum[i]), both copied. Rules: n >= 1; values finite and
 * non-decreasing; cum finite, within [0, 1] and non-decreasing; cum[n-1] within 1e-9 of 1
 * (it is then taken as exactly 1). Cost O(n); memory from `a` (NULL = system).
 * Errors: AIF_EINVAL (NULL arguments, bad mode), AIF_ERANGE (a rule broken; if `err` is not
 * NULL, err->offset is the index of the offending point and err->message says what was
 * expected and found), AIF_ENOMEM. On error *out is untouched and nothing is leaked. */
aif_status aif_empirical_create(const aif_allocator *a, const double *values, const double *cum,
                                size_t n, aif_empirical_mode mode, aif_empirical **out,
                                aif_error *err);

/* The p-quantile (inverse CDF) for p in [0, 1); p outside gives the nearest end value.
 * Cost O(log n). */
double aif_empirical_quantile(const aif_empirical *e, double p);

/* One sample by inversion of one uniform. Cost O(log n). */
double aif_empirical_sample(const aif_empirical *e, aif_rng *r);

/* Exact mean and variance of the tabulated distribution. O(1) (computed at creation). */
double aif_empirical_mean(const aif_empirical *e);
double aif_empirical_variance(const aif_empirical *e);

/* Free it. NULL is a no-op. */
void aif_empirical_destroy(aif_empirical *e);

/* ---- Tagged distribution value, as written in scenario files. ---- */

typedef enum aif_dist_kind {
    AIF_DIST_CONSTANT = 0, /* p[0] = value */
    AIF_DIST_UNIFORM,      /* p[0] = a, p[1] = b */
    AIF_DIST_EXPONENTIAL,  /* p[0] = rate */
    AIF_DIST_NORMAL,       /* p[0] = mean, p[1] = sd */
    AIF_DIST_LOGNORMAL,    /* p[0] = mu, p[1] = sigma (of the underlying normal) */
    AIF_DIST_GAMMA,        /* p[0] = shape, p[1] = scale */
    AIF_DIST_WEIBULL,      /* p[0] = shape, p[1] = scale */
    AIF_DIST_PARETO,       /* p[0] = xm, p[1] = alpha */
    AIF_DIST_POISSON,      /* p[0] = lambda */
    AIF_DIST_EMPIRICAL,    /* emp (borrowed; must outlive the aif_dist) */
    AIF_DIST_KIND_COUNT
} aif_dist_kind;

typedef struct aif_dist {
    aif_dist_kind kind;
    double p[3];
    const struct aif_empirical *emp;
} aif_dist;

/* Validate parameters: all used p[] finite; uniform a <= b; exponential rate > 0; normal
 * sd >= 0; lognormal sigma >= 0; gamma, weibull shape > 0 and scale > 0; pareto xm > 0 and
 * alpha > 0; poisson 0 <= lambda <= 1e15; empirical emp != NULL.
 * Errors: AIF_EINVAL (d NULL or unknown kind), AIF_ERANGE (bad parameter). When `err` is
 * not NULL it receives a message naming the kind, the parameter and the value found
 * (offset 0). O(1). */
aif_status aif_dist_check(const aif_dist *d, aif_error *err);

/* One sample of a checked distribution (NaN if it does not pass aif_dist_check). */
double aif_dist_sample(const aif_dist *d, aif_rng *r);

/* Exact mean and variance (INFINITY where they diverge, e.g. pareto alpha <= 1; NaN for an
 * invalid distribution). O(1). */
double aif_dist_mean(const aif_dist *d);
double aif_dist_variance(const aif_dist *d);

/* Lower-case name ("lognormal"); "unknown" outside the enum. */
const char *aif_dist_kind_name(aif_dist_kind kind);

/* Kind for an exact lower-case name. Errors: AIF_EINVAL (NULL argument), AIF_ENOTFOUND
 * (*out untouched). */
aif_status aif_dist_kind_from_name(const char *name, aif_dist_kind *out);

#endif
