/* Random variate samplers, alias tables, empirical distributions and the tagged aif_dist
 * value (see dist.h for contracts and the determinism rules every function here obeys:
 * plain double arithmetic plus sqrt, log, exp, pow and lgamma; nothing cached). */
#include "aifactory/dist.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define POISSON_MAX_LAMBDA 1e15

/* ---- Direct samplers ---- */

double aif_dist_uniform(aif_rng *r, double a, double b) {
    if (!(a <= b) || !isfinite(a) || !isfinite(b)) {
        return NAN;
    }
    return a + (b - a) * aif_rng_uniform(r);
}

double aif_dist_exponential(aif_rng *r, double rate) {
    if (!(rate > 0)) {
        return NAN;
    }
    return -log(aif_rng_uniform_pos(r)) / rate;
}

static double std_normal(aif_rng *r) {
    double x, s;
    do {
        x = 2.0 * aif_rng_uniform(r) - 1.0;
        double y = 2.0 * aif_rng_uniform(r) - 1.0;
        s = x * x + y * y;
    } while (s >= 1.0 || s == 0.0);
    return x * sqrt(-2.0 * log(s) / s);
}

double aif_dist_normal(aif_rng *r, double mean, double sd) {
    if (!(sd >= 0)) {
        return NAN;
    }
    return mean + sd * std_normal(r);
}

double aif_dist_lognormal(aif_rng *r, double mu, double sigma) {
    if (!(sigma >= 0)) {
        return NAN;
    }
    return exp(mu + sigma * std_normal(r));
}

/* Marsaglia & Tsang (2000) for shape >= 1: a squeeze test on a cubed normal variate that
 * accepts about 98% of proposals without computing a logarithm. */
static double gamma_shape_ge1(aif_rng *r, double shape) {
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = std_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = aif_rng_uniform_pos(r);
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2) {
            return d * v;
        }
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) {
            return d * v;
        }
    }
}

double aif_dist_gamma(aif_rng *r, double shape, double scale) {
    if (!(shape > 0) || !(scale > 0)) {
        return NAN;
    }
    if (shape >= 1.0) {
        return scale * gamma_shape_ge1(r, shape);
    }
    /* Gamma(k) = Gamma(k + 1) * U^(1/k): the method itself needs shape >= 1. */
    double g = gamma_shape_ge1(r, shape + 1.0);
    return scale * g * pow(aif_rng_uniform_pos(r), 1.0 / shape);
}

double aif_dist_weibull(aif_rng *r, double shape, double scale) {
    if (!(shape > 0) || !(scale > 0)) {
        return NAN;
    }
    return scale * pow(-log(aif_rng_uniform_pos(r)), 1.0 / shape);
}

double aif_dist_pareto(aif_rng *r, double xm, double alpha) {
    if (!(xm > 0) || !(alpha > 0)) {
        return NAN;
    }
    return xm * pow(aif_rng_uniform_pos(r), -1.0 / alpha);
}

/* Inversion by sequential search from 0, for small means (expected lambda + 1 steps). */
static double poisson_inversion(aif_rng *r, double lambda) {
    double p0 = exp(-lambda);
    for (;;) {
        double u = aif_rng_uniform(r);
        double k = 0, pk = p0, cdf = p0;
        while (u >= cdf) {
            k += 1.0;
            pk *= lambda / k;
            double next = cdf + pk;
            if (next == cdf) {
                break; /* the rounded CDF stopped short of u (mass < 2^-52): redraw */
            }
            cdf = next;
        }
        if (u < cdf) {
            return k;
        }
    }
}

/* Hormann (1993), "The transformed rejection method for generating Poisson random
 * variables": a fast inverse of an approximating hat, a cheap acceptance box, and an
 * exact acceptance test against the Poisson log-probability. Valid for lambda >= 10. */
static double poisson_ptrs(aif_rng *r, double lambda) {
    double slam = sqrt(lambda);
    double loglam = log(lambda);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double log_inv_alpha = log(1.1239 + 1.1328 / (b - 3.4));
    double v_r = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = aif_rng_uniform(r) - 0.5;
        double v = aif_rng_uniform_pos(r);
        double us = 0.5 - fabs(u);
        if (us < 0.013 && v > us) {
            continue; /* outside the hat's tails; also keeps us away from 0 */
        }
        double k = floor((2.0 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= v_r) {
            return k;
        }
        if (k < 0) {
            continue;
        }
        double lhs = log(v) + log_inv_alpha - log(a / (us * us) + b);
        if (lhs <= -lambda + k * loglam - lgamma(k + 1.0)) {
            return k;
        }
    }
}

double aif_dist_poisson(aif_rng *r, double lambda) {
    if (!(lambda >= 0) || !(lambda <= POISSON_MAX_LAMBDA)) {
        return NAN;
    }
    return lambda < 10.0 ? poisson_inversion(r, lambda) : poisson_ptrs(r, lambda);
}

/* ---- Alias table (Vose's numerically stable variant of Walker's method) ---- */

struct aif_discrete {
    const aif_allocator *alloc;
    size_t n;
    double *keep;  /* probability of keeping the drawn column */
    size_t *alias; /* otherwise this outcome */
    double *p;     /* normalised weights, for aif_discrete_probability */
    size_t bytes;  /* size of this block, for freeing */
};

aif_status aif_discrete_create(const aif_allocator *a, const double *weights, size_t n,
                               aif_discrete **out) {
    if (out == NULL || weights == NULL || n == 0) {
        return AIF_EINVAL;
    }
    double sum = 0;
    size_t heaviest = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(weights[i] >= 0) || !isfinite(weights[i])) {
            return AIF_EINVAL;
        }
        sum += weights[i];
        if (weights[i] > weights[heaviest]) {
            heaviest = i;
        }
    }
    if (!(sum > 0) || !isfinite(sum)) {
        return AIF_EINVAL;
    }
    size_t per_item = 2 * sizeof(double) + sizeof(size_t);
    if (n > (SIZE_MAX - sizeof(aif_discrete)) / per_item) {
        return AIF_EINVAL;
    }
    size_t bytes = sizeof(aif_discrete) + n * per_item;
    aif_discrete *d = aif_alloc(a, bytes);
    if (d == NULL) {
        return AIF_ENOMEM;
    }
    /* Work stack: "small" columns grow up from the front, "large" down from the back; an
     * index is in at most one of them, so n slots suffice. */
    size_t *stack = aif_alloc(a, n * sizeof(size_t));
    if (stack == NULL) {
        aif_free(a, d, bytes);
        return AIF_ENOMEM;
    }
    d->alloc = a;
    d->n = n;
    d->bytes = bytes;
    d->keep = (double *)(d + 1);
    d->p = d->keep + n;
    d->alias = (size_t *)(d->p + n);

    size_t n_small = 0, large_top = n; /* large occupies stack[large_top .. n) */
    for (size_t i = 0; i < n; i++) {
        d->p[i] = weights[i] / sum;
        d->keep[i] = d->p[i] * (double)n;
        d->alias[i] = i;
        if (d->keep[i] < 1.0) {
            stack[n_small++] = i;
        } else {
            stack[--large_top] = i;
        }
    }
    while (n_small > 0 && large_top < n) {
        size_t s = stack[--n_small];
        size_t l = stack[large_top++];
        d->alias[s] = l;
        d->keep[l] = (d->keep[l] + d->keep[s]) - 1.0;
        if (d->keep[l] < 1.0) {
            stack[n_small++] = l;
        } else {
            stack[--large_top] = l;
        }
    }
    /* Whatever is left is 1 up to rounding. A zero-weight outcome must never be kept, so
     * it borrows the heaviest outcome instead. */
    while (large_top < n) {
        d->keep[stack[large_top++]] = 1.0;
    }
    while (n_small > 0) {
        size_t s = stack[--n_small];
        if (weights[s] > 0) {
            d->keep[s] = 1.0;
        } else {
            d->keep[s] = 0.0;
            d->alias[s] = heaviest;
        }
    }
    aif_free(a, stack, n * sizeof(size_t));
    *out = d;
    return AIF_OK;
}

size_t aif_discrete_sample(const aif_discrete *d, aif_rng *r) {
    size_t i = (size_t)aif_rng_below(r, d->n);
    return aif_rng_uniform(r) < d->keep[i] ? i : d->alias[i];
}

size_t aif_discrete_size(const aif_discrete *d) {
    return d->n;
}

double aif_discrete_probability(const aif_discrete *d, size_t i) {
    return i < d->n ? d->p[i] : 0.0;
}

void aif_discrete_destroy(aif_discrete *d) {
    if (d != NULL) {
        aif_free(d->alloc, d, d->bytes);
    }
}

/* ---- Empirical distributions ---- */

struct aif_empirical {
    const aif_allocator *alloc;
    size_t n;
    aif_empirical_mode mode;
    double mean;
    double variance;
    double *x;
    double *cum;
};

static aif_status empirical_validate(const double *x, const double *cum, size_t n, aif_error *err) {
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            aif_error_set_offset(err, AIF_EPARSE, i, "point %zu: expected a finite value, found %g",
                                 i, x[i]);
            return AIF_ERANGE;
        }
        if (!(cum[i] >= 0.0 && cum[i] <= 1.0 + 1e-9)) {
            aif_error_set_offset(err, AIF_EPARSE, i,
                                 "point %zu: expected a cumulative probability in [0, 1], found %g",
                                 i, cum[i]);
            return AIF_ERANGE;
        }
        if (i > 0 && x[i] < x[i - 1]) {
            aif_error_set_offset(
                err, AIF_EPARSE, i,
                "point %zu: expected values in non-decreasing order, found %g after %g", i, x[i],
                x[i - 1]);
            return AIF_ERANGE;
        }
        if (i > 0 && cum[i] < cum[i - 1]) {
            aif_error_set_offset(
                err, AIF_EPARSE, i,
                "point %zu: expected non-decreasing cumulative probabilities, found %g "
                "after %g",
                i, cum[i], cum[i - 1]);
            return AIF_ERANGE;
        }
    }
    if (fabs(cum[n - 1] - 1.0) > 1e-9) {
        aif_error_set_offset(
            err, AIF_EPARSE, n - 1,
            "point %zu: expected the last cumulative probability to be 1, found %.17g", n - 1,
            cum[n - 1]);
        return AIF_ERANGE;
    }
    return AIF_OK;
}

/* Mean and variance, computed about a central shift so that large values with a small
 * spread do not lose the variance to cancellation. */
static void empirical_moments(aif_empirical *e) {
    const double *x = e->x, *c = e->cum;
    double shift = 0.5 * (x[0] + x[e->n - 1]);
    double a0 = x[0] - shift;
    double m1 = c[0] * a0, m2 = c[0] * a0 * a0;
    for (size_t i = 1; i < e->n; i++) {
        double w = c[i] - c[i - 1];
        double b = x[i] - shift;
        if (e->mode == AIF_EMPIRICAL_STEP) {
            m1 += w * b;
            m2 += w * b * b;
        } else {
            double a = x[i - 1] - shift; /* uniform on [a, b] with mass w */
            m1 += w * 0.5 * (a + b);
            m2 += w * (a * a + a * b + b * b) / 3.0;
        }
    }
    e->mean = shift + m1;
    double var = m2 - m1 * m1;
    e->variance = var > 0 ? var : 0.0;
}

aif_status aif_empirical_create(const aif_allocator *a, const double *values, const double *cum,
                                size_t n, aif_empirical_mode mode, aif_empirical **out,
                                aif_error *err) {
    if (out == NULL || values == NULL || cum == NULL ||
        (mode != AIF_EMPIRICAL_LINEAR && mode != AIF_EMPIRICAL_STEP)) {
        aif_error_set_offset(err, AIF_EPARSE, 0,
                             "expected points, an output pointer and a valid mode");
        return AIF_EINVAL;
    }
    if (n == 0) {
        aif_error_set_offset(err, AIF_EPARSE, 0, "expected at least one point, found none");
        return AIF_ERANGE;
    }
    aif_status s = empirical_validate(values, cum, n, err);
    if (s != AIF_OK) {
        return s;
    }
    if (n > (SIZE_MAX - sizeof(aif_empirical)) / (2 * sizeof(double))) {
        return AIF_EINVAL;
    }
    aif_empirical *e = aif_alloc(a, sizeof *e + 2 * n * sizeof(double));
    if (e == NULL) {
        return AIF_ENOMEM;
    }
    e->alloc = a;
    e->n = n;
    e->mode = mode;
    e->x = (double *)(e + 1);
    e->cum = e->x + n;
    memcpy(e->x, values, n * sizeof(double));
    memcpy(e->cum, cum, n * sizeof(double));
    e->cum[n - 1] = 1.0;
    empirical_moments(e);
    *out = e;
    return AIF_OK;
}

double aif_empirical_quantile(const aif_empirical *e, double p) {
    if (!(p >= 0.0)) {
        p = 0.0;
    }
    /* First point whose cumulative probability exceeds p. */
    size_t lo = 0, hi = e->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->cum[mid] > p) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if (lo == 0) {
        return e->x[0];
    }
    if (lo == e->n) {
        return e->x[e->n - 1];
    }
    if (e->mode == AIF_EMPIRICAL_STEP) {
        return e->x[lo];
    }
    double c0 = e->cum[lo - 1], c1 = e->cum[lo];
    return e->x[lo - 1] + (e->x[lo] - e->x[lo - 1]) * ((p - c0) / (c1 - c0));
}

double aif_empirical_sample(const aif_empirical *e, aif_rng *r) {
    return aif_empirical_quantile(e, aif_rng_uniform(r));
}

double aif_empirical_mean(const aif_empirical *e) {
    return e->mean;
}

double aif_empirical_variance(const aif_empirical *e) {
    return e->variance;
}

void aif_empirical_destroy(aif_empirical *e) {
    if (e != NULL) {
        aif_free(e->alloc, e, sizeof *e + 2 * e->n * sizeof(double));
    }
}

/* ---- Tagged distributions ---- */

static const char *const kind_names[AIF_DIST_KIND_COUNT] = {
    "constant", "uniform", "exponential", "normal",  "lognormal",
    "gamma",    "weibull", "pareto",      "poisson", "empirical",
};

/* How many of p[] each kind uses. */
static const int kind_params[AIF_DIST_KIND_COUNT] = {1, 2, 1, 2, 2, 2, 2, 2, 1, 0};

const char *aif_dist_kind_name(aif_dist_kind kind) {
    if ((int)kind < 0 || kind >= AIF_DIST_KIND_COUNT) {
        return "unknown";
    }
    return kind_names[kind];
}

aif_status aif_dist_kind_from_name(const char *name, aif_dist_kind *out) {
    if (name == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    for (int k = 0; k < AIF_DIST_KIND_COUNT; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (aif_dist_kind)k;
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}

static aif_status bad_param(aif_error *err, const aif_dist *d, const char *what, double found) {
    aif_error_set_offset(err, AIF_EPARSE, 0, "%s: expected %s, found %g", kind_names[d->kind], what,
                         found);
    return AIF_ERANGE;
}

aif_status aif_dist_check(const aif_dist *d, aif_error *err) {
    if (d == NULL || (int)d->kind < 0 || d->kind >= AIF_DIST_KIND_COUNT) {
        aif_error_set_offset(err, AIF_EPARSE, 0, "expected a distribution of a known kind");
        return AIF_EINVAL;
    }
    static const char *const pname[3] = {"first", "second", "third"};
    for (int i = 0; i < kind_params[d->kind]; i++) {
        if (!isfinite(d->p[i])) {
            aif_error_set_offset(err, AIF_EPARSE, 0, "%s: expected a finite %s parameter, found %g",
                                 kind_names[d->kind], pname[i], d->p[i]);
            return AIF_ERANGE;
        }
    }
    const double *p = d->p;
    switch (d->kind) {
    case AIF_DIST_CONSTANT:
        return AIF_OK;
    case AIF_DIST_UNIFORM:
        return p[0] <= p[1] ? AIF_OK : bad_param(err, d, "b >= a", p[1]);
    case AIF_DIST_EXPONENTIAL:
        return p[0] > 0 ? AIF_OK : bad_param(err, d, "rate > 0", p[0]);
    case AIF_DIST_NORMAL:
        return p[1] >= 0 ? AIF_OK : bad_param(err, d, "sd >= 0", p[1]);
    case AIF_DIST_LOGNORMAL:
        return p[1] >= 0 ? AIF_OK : bad_param(err, d, "sigma >= 0", p[1]);
    case AIF_DIST_GAMMA:
    case AIF_DIST_WEIBULL:
        if (!(p[0] > 0)) {
            return bad_param(err, d, "shape > 0", p[0]);
        }
        return p[1] > 0 ? AIF_OK : bad_param(err, d, "scale > 0", p[1]);
    case AIF_DIST_PARETO:
        if (!(p[0] > 0)) {
            return bad_param(err, d, "xm > 0", p[0]);
        }
        return p[1] > 0 ? AIF_OK : bad_param(err, d, "alpha > 0", p[1]);
    case AIF_DIST_POISSON:
        return p[0] >= 0 && p[0] <= POISSON_MAX_LAMBDA
                   ? AIF_OK
                   : bad_param(err, d, "lambda in [0, 1e15]", p[0]);
    case AIF_DIST_EMPIRICAL:
        if (d->emp == NULL) {
            aif_error_set_offset(err, AIF_EPARSE, 0,
                                 "empirical: expected a table of points, found none");
            return AIF_ERANGE;
        }
        return AIF_OK;
    case AIF_DIST_KIND_COUNT:
        break;
    }
    return AIF_EINVAL;
}

double aif_dist_sample(const aif_dist *d, aif_rng *r) {
    if (aif_dist_check(d, NULL) != AIF_OK) {
        return NAN;
    }
    const double *p = d->p;
    switch (d->kind) {
    case AIF_DIST_CONSTANT:
        return p[0];
    case AIF_DIST_UNIFORM:
        return aif_dist_uniform(r, p[0], p[1]);
    case AIF_DIST_EXPONENTIAL:
        return aif_dist_exponential(r, p[0]);
    case AIF_DIST_NORMAL:
        return aif_dist_normal(r, p[0], p[1]);
    case AIF_DIST_LOGNORMAL:
        return aif_dist_lognormal(r, p[0], p[1]);
    case AIF_DIST_GAMMA:
        return aif_dist_gamma(r, p[0], p[1]);
    case AIF_DIST_WEIBULL:
        return aif_dist_weibull(r, p[0], p[1]);
    case AIF_DIST_PARETO:
        return aif_dist_pareto(r, p[0], p[1]);
    case AIF_DIST_POISSON:
        return aif_dist_poisson(r, p[0]);
    case AIF_DIST_EMPIRICAL:
        return aif_empirical_sample(d->emp, r);
    case AIF_DIST_KIND_COUNT:
        break;
    }
    return NAN;
}

/* Gamma function through lgamma, for Weibull moments (arguments are > 1 here, so the
 * function is positive and exp(lgamma) is the value). */
static double gamma_fn(double x) {
    return exp(lgamma(x));
}

double aif_dist_mean(const aif_dist *d) {
    if (aif_dist_check(d, NULL) != AIF_OK) {
        return NAN;
    }
    const double *p = d->p;
    switch (d->kind) {
    case AIF_DIST_CONSTANT:
        return p[0];
    case AIF_DIST_UNIFORM:
        return 0.5 * (p[0] + p[1]);
    case AIF_DIST_EXPONENTIAL:
        return 1.0 / p[0];
    case AIF_DIST_NORMAL:
        return p[0];
    case AIF_DIST_LOGNORMAL:
        return exp(p[0] + 0.5 * p[1] * p[1]);
    case AIF_DIST_GAMMA:
        return p[0] * p[1];
    case AIF_DIST_WEIBULL:
        return p[1] * gamma_fn(1.0 + 1.0 / p[0]);
    case AIF_DIST_PARETO:
        return p[1] > 1.0 ? p[1] * p[0] / (p[1] - 1.0) : INFINITY;
    case AIF_DIST_POISSON:
        return p[0];
    case AIF_DIST_EMPIRICAL:
        return aif_empirical_mean(d->emp);
    case AIF_DIST_KIND_COUNT:
        break;
    }
    return NAN;
}

double aif_dist_variance(const aif_dist *d) {
    if (aif_dist_check(d, NULL) != AIF_OK) {
        return NAN;
    }
    const double *p = d->p;
    switch (d->kind) {
    case AIF_DIST_CONSTANT:
        return 0.0;
    case AIF_DIST_UNIFORM:
        return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
    case AIF_DIST_EXPONENTIAL:
        return 1.0 / (p[0] * p[0]);
    case AIF_DIST_NORMAL:
        return p[1] * p[1];
    case AIF_DIST_LOGNORMAL: {
        double s2 = p[1] * p[1];
        return (exp(s2) - 1.0) * exp(2.0 * p[0] + s2);
    }
    case AIF_DIST_GAMMA:
        return p[0] * p[1] * p[1];
    case AIF_DIST_WEIBULL: {
        double g1 = gamma_fn(1.0 + 1.0 / p[0]);
        return p[1] * p[1] * (gamma_fn(1.0 + 2.0 / p[0]) - g1 * g1);
    }
    case AIF_DIST_PARETO: {
        double al = p[1];
        if (!(al > 2.0)) {
            return INFINITY;
        }
        return p[0] * p[0] * al / ((al - 1.0) * (al - 1.0) * (al - 2.0));
    }
    case AIF_DIST_POISSON:
        return p[0];
    case AIF_DIST_EMPIRICAL:
        return aif_empirical_variance(d->emp);
    case AIF_DIST_KIND_COUNT:
        break;
    }
    return NAN;
}
