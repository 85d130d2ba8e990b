/* Experimental designs and quantile functions for sweeps (see design.h). */
#include "aifactory/design.h"

#include <math.h>

void aif_design_random(aif_rng *r, size_t n, size_t dims, double *u) {
    for (size_t i = 0; i < n * dims; i++) {
        u[i] = aif_rng_uniform_pos(r);
    }
}

aif_status aif_design_lhs(const aif_allocator *a, aif_rng *r, size_t n, size_t dims, double *u) {
    if (n == 0 || dims == 0) {
        return AIF_OK;
    }
    if (r == NULL || u == NULL) {
        return AIF_EINVAL;
    }
    size_t *perm = aif_alloc(a, n * sizeof *perm);
    if (perm == NULL) {
        return AIF_ENOMEM;
    }
    for (size_t j = 0; j < dims; j++) {
        for (size_t i = 0; i < n; i++) {
            perm[i] = i;
        }
        /* Fisher-Yates from the top: each of the n! orders equally likely. */
        for (size_t i = n - 1; i > 0; i--) {
            size_t k = (size_t)aif_rng_below(r, (uint64_t)i + 1);
            size_t t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        for (size_t i = 0; i < n; i++) {
            double v = aif_rng_uniform_pos(r);
            double x = ((double)perm[i] + v) / (double)n;
            /* (k + v) / n rounds to at most (k + 1) / n; keep it inside the stratum's open
             * interval so a quantile never sees 1. */
            u[i * dims + j] = x < 1.0 ? x : nextafter(1.0, 0.0);
        }
    }
    aif_free(a, perm, n * sizeof *perm);
    return AIF_OK;
}

/* Acklam's coefficients: central region |p - 0.5| <= 0.47575, tails beyond. */
static const double acklam_a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
static const double acklam_b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
static const double acklam_c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
static const double acklam_d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};

static double tail(double q) {
    const double *c = acklam_c, *d = acklam_d;
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}

double aif_quantile_normal(double p) {
    if (!(p > 0 && p < 1)) {
        return NAN;
    }
    const double low = 0.02425;
    double x;
    if (p < low) {
        x = tail(sqrt(-2 * log(p)));
    } else if (p > 1 - low) {
        x = -tail(sqrt(-2 * log(1 - p)));
    } else {
        const double *a = acklam_a, *b = acklam_b;
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    /* One Halley step on Phi(x) - p, Phi written with erfc so the tails keep precision. */
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = e * 2.50662827463100050242 * exp(x * x / 2); /* sqrt(2 pi) */
    return x - u / (1 + x * u / 2);
}

double aif_quantile_triangular(double p, double lo, double mode, double hi) {
    if (!(lo < hi && lo <= mode && mode <= hi && p >= 0 && p <= 1)) {
        return NAN;
    }
    double span = hi - lo;
    if (p < (mode - lo) / span) {
        return lo + sqrt(p * span * (mode - lo));
    }
    return hi - sqrt((1 - p) * span * (hi - mode));
}

uint64_t aif_fnv1a64(uint64_t h, const void *data, size_t n) {
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}
