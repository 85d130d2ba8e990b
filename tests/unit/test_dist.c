/* Unit tests for dist: sample moments of every sampler against exact moments (n = 10^6,
 * bounds of five standard errors computed from the known variance and fourth moment),
 * Kolmogorov-Smirnov tests, alias-table frequencies, empirical quantiles and moments,
 * parameter validation, failure injection, and bit-exact recorded samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/alloc.h"
#include "aifactory/dist.h"

#define N_SAMPLES 1000000

/* Central fourth moment minus sigma^4 (the variance of (X - mu)^2), from raw moments. */
static double var_of_sq_dev(const double m[5]) {
    double mu = m[1];
    double var = m[2] - mu * mu;
    double mu4 = m[4] - 4 * mu * m[3] + 6 * mu * mu * m[2] - 3 * mu * mu * mu * mu;
    return mu4 - var * var;
}

/* Draw N_SAMPLES from `d` and require the sample mean and variance to lie within five
 * standard errors of aif_dist_mean / aif_dist_variance. `excess` is Var((X-mu)^2) / var^2,
 * the distribution's excess kurtosis plus 2. */
static void check_moments(const aif_dist *d, uint64_t stream, double excess) {
    assert_int_equal(aif_dist_check(d, NULL), AIF_OK);
    aif_rng r;
    aif_rng_seed(&r, 31337, stream);
    double mean = aif_dist_mean(d), var = aif_dist_variance(d);
    /* Shift by the true mean so the accumulation does not cancel (Welford on X - mean). */
    double m = 0, m2 = 0;
    for (long i = 1; i <= N_SAMPLES; i++) {
        double x = aif_dist_sample(d, &r) - mean;
        double delta = x - m;
        m += delta / (double)i;
        m2 += delta * (x - m);
    }
    double s_var = m2 / (N_SAMPLES - 1);
    double se_mean = sqrt(var / N_SAMPLES);
    double se_var = var * sqrt(excess / N_SAMPLES);
    if (!(fabs(m) <= 5 * se_mean) || !(fabs(s_var - var) <= 5 * se_var)) {
        print_error("%s(%g, %g): mean %.9g vs %.9g (se %.3g), var %.9g vs %.9g (se %.3g)\n",
                    aif_dist_kind_name(d->kind), d->p[0], d->p[1], m + mean, mean, se_mean, s_var,
                    var, se_var);
        fail();
    }
}

static void moments_continuous(void **state) {
    (void)state;
    /* Uniform: excess kurtosis -6/5. */
    check_moments(&(aif_dist){.kind = AIF_DIST_UNIFORM, .p = {-1, 3}}, 1, 2 - 1.2);
    /* Exponential: excess kurtosis 6. */
    check_moments(&(aif_dist){.kind = AIF_DIST_EXPONENTIAL, .p = {2.5}}, 2, 8);
    check_moments(&(aif_dist){.kind = AIF_DIST_NORMAL, .p = {10, 2}}, 3, 2);
    check_moments(&(aif_dist){.kind = AIF_DIST_NORMAL, .p = {-1e6, 1e-3}}, 4, 2);
    /* Lognormal excess kurtosis: e^{4s2} + 2e^{3s2} + 3e^{2s2} - 6. */
    double sig[2] = {0.5, 1.0};
    for (int i = 0; i < 2; i++) {
        double s2 = sig[i] * sig[i];
        double k = exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 6;
        check_moments(&(aif_dist){.kind = AIF_DIST_LOGNORMAL, .p = {1.0, sig[i]}}, 5 + (uint64_t)i,
                      k + 2);
    }
    /* Gamma: excess kurtosis 6 / shape. */
    double shapes[3] = {0.5, 1.0, 7.5};
    for (int i = 0; i < 3; i++) {
        check_moments(&(aif_dist){.kind = AIF_DIST_GAMMA, .p = {shapes[i], 2.0}}, 10 + (uint64_t)i,
                      6 / shapes[i] + 2);
    }
}

static void moments_heavy_and_discrete(void **state) {
    (void)state;
    /* Weibull raw moments: scale^r * Gamma(1 + r / shape). */
    double wshape[3] = {0.7, 1.5, 3.0};
    for (int i = 0; i < 3; i++) {
        double m[5];
        for (int k = 0; k <= 4; k++) {
            m[k] = pow(3.0, k) * tgamma(1 + k / wshape[i]);
        }
        double var = m[2] - m[1] * m[1];
        check_moments(&(aif_dist){.kind = AIF_DIST_WEIBULL, .p = {wshape[i], 3.0}},
                      20 + (uint64_t)i, var_of_sq_dev(m) / (var * var));
    }
    /* Pareto raw moments: alpha xm^r / (alpha - r), finite for r < alpha. */
    double alphas[2] = {6.0, 9.0};
    for (int i = 0; i < 2; i++) {
        double m[5];
        for (int k = 0; k <= 4; k++) {
            m[k] = alphas[i] * pow(2.0, k) / (alphas[i] - k);
        }
        double var = m[2] - m[1] * m[1];
        check_moments(&(aif_dist){.kind = AIF_DIST_PARETO, .p = {2.0, alphas[i]}}, 30 + (uint64_t)i,
                      var_of_sq_dev(m) / (var * var));
    }
    /* Poisson: excess kurtosis 1 / lambda. Covers both methods (switch at 10). */
    double lambdas[6] = {0.5, 3.0, 9.99, 12.0, 300.0, 1e5};
    for (int i = 0; i < 6; i++) {
        check_moments(&(aif_dist){.kind = AIF_DIST_POISSON, .p = {lambdas[i]}}, 40 + (uint64_t)i,
                      1 / lambdas[i] + 2);
    }
}

/* Exact values of aif_dist_mean / aif_dist_variance, by hand. */
static void exact_moments(void **state) {
    (void)state;
    aif_dist d = {.kind = AIF_DIST_GAMMA, .p = {7.5, 2}};
    assert_true(aif_dist_mean(&d) == 15.0 && aif_dist_variance(&d) == 30.0);
    d = (aif_dist){.kind = AIF_DIST_UNIFORM, .p = {2, 8}};
    assert_true(aif_dist_mean(&d) == 5.0 && aif_dist_variance(&d) == 3.0);
    d = (aif_dist){.kind = AIF_DIST_WEIBULL, .p = {1, 4}}; /* exponential with mean 4 */
    assert_true(fabs(aif_dist_mean(&d) - 4.0) < 1e-12);
    assert_true(fabs(aif_dist_variance(&d) - 16.0) < 1e-12);
    d = (aif_dist){.kind = AIF_DIST_PARETO, .p = {1, 3}};
    assert_true(aif_dist_mean(&d) == 1.5 && aif_dist_variance(&d) == 0.75);
    d.p[1] = 1.5;
    assert_true(isinf(aif_dist_variance(&d)) && aif_dist_mean(&d) == 3.0);
    d.p[1] = 1.0;
    assert_true(isinf(aif_dist_mean(&d)));
    d = (aif_dist){.kind = AIF_DIST_LOGNORMAL, .p = {0, 0}};
    assert_true(aif_dist_mean(&d) == 1.0 && aif_dist_variance(&d) == 0.0);
    d = (aif_dist){.kind = AIF_DIST_CONSTANT, .p = {42}};
    aif_rng r;
    aif_rng_seed(&r, 1, 1);
    assert_true(aif_dist_sample(&d, &r) == 42.0 && aif_dist_variance(&d) == 0.0);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic of sorted samples against a CDF. */
static double ks_stat(const double *x, size_t n, double (*cdf)(double)) {
    double dmax = 0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i]);
        double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
        dmax = fmax(dmax, fmax(lo, hi));
    }
    return dmax;
}

static double exp_cdf(double x) { /* rate 0.5 */
    return x <= 0 ? 0 : 1 - exp(-0.5 * x);
}

static double normal_cdf(double x) { /* mean 3, sd 2 */
    return 0.5 * erfc(-(x - 3) / (2 * sqrt(2.0)));
}

static double gamma_half_cdf(double x) { /* shape 0.5, scale 1: P(1/2, x) = erf(sqrt x) */
    return x <= 0 ? 0 : erf(sqrt(x));
}

static void kolmogorov_smirnov(void **state) {
    (void)state;
    enum { N = 200000 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    /* Critical value at p = 0.001: 1.949 / sqrt(N). */
    double crit = 1.949 / sqrt((double)N);
    aif_rng r;

    aif_rng_seed(&r, 5, 1);
    for (int i = 0; i < N; i++) {
        x[i] = aif_dist_exponential(&r, 0.5);
    }
    qsort(x, N, sizeof *x, cmp_double);
    assert_true(ks_stat(x, N, exp_cdf) < crit);

    aif_rng_seed(&r, 5, 2);
    for (int i = 0; i < N; i++) {
        x[i] = aif_dist_normal(&r, 3, 2);
    }
    qsort(x, N, sizeof *x, cmp_double);
    assert_true(ks_stat(x, N, normal_cdf) < crit);

    aif_rng_seed(&r, 5, 3);
    for (int i = 0; i < N; i++) {
        x[i] = aif_dist_gamma(&r, 0.5, 1);
    }
    qsort(x, N, sizeof *x, cmp_double);
    assert_true(ks_stat(x, N, gamma_half_cdf) < crit);
    free(x);
}

/* Upper 0.001 point of chi-square with df degrees of freedom (Wilson-Hilferty; within a
 * few percent for df >= 3, which is all a bound needs). */
static double chi_square_crit_001(int df) {
    double h = 2.0 / (9.0 * df);
    double c = 1.0 - h + 3.0902 * sqrt(h);
    return df * c * c * c;
}

/* Poisson frequencies against the exact pmf by chi-square, pooling neighbouring values so
 * every cell expects at least 50 (the last cell takes the whole upper tail). */
static void poisson_chi_square(void **state) {
    (void)state;
    const double lambdas[3] = {0.5, 12.0, 300.0};
    enum { N = 400000, MAXK = 700 };
    static long counts[MAXK + 1];
    static double expect[MAXK + 1];
    for (int t = 0; t < 3; t++) {
        double lam = lambdas[t];
        memset(counts, 0, sizeof counts);
        aif_rng r;
        aif_rng_seed(&r, 77, (uint64_t)t);
        for (int i = 0; i < N; i++) {
            double k = aif_dist_poisson(&r, lam);
            assert_true(k >= 0 && k == floor(k));
            counts[k > MAXK ? MAXK : (int)k]++;
        }
        double below = 0;
        for (int k = 0; k < MAXK; k++) {
            expect[k] = N * exp(k * log(lam) - lam - lgamma(k + 1.0));
            below += expect[k];
        }
        expect[MAXK] = N - below;
        static double cell_obs[MAXK + 1], cell_exp[MAXK + 1];
        int cells = 0;
        double obs = 0, exp_cell = 0;
        for (int k = 0; k <= MAXK; k++) {
            obs += (double)counts[k];
            exp_cell += expect[k];
            if (exp_cell >= 50) {
                cell_obs[cells] = obs;
                cell_exp[cells++] = exp_cell;
                obs = exp_cell = 0;
            }
        }
        cell_obs[cells - 1] += obs; /* a short upper tail joins the last full cell */
        cell_exp[cells - 1] += exp_cell;
        double chi = 0;
        for (int c = 0; c < cells; c++) {
            double d = cell_obs[c] - cell_exp[c];
            chi += d * d / cell_exp[c];
        }
        int df = cells - 1;
        assert_true(df >= 3);
        if (!(chi < chi_square_crit_001(df))) {
            print_error("poisson(%g): chi-square %g over %d cells\n", lam, chi, cells);
            fail();
        }
    }
}

static void alias_table(void **state) {
    (void)state;
    const double w[6] = {1, 2, 3, 0, 4, 0.5};
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_discrete *d = NULL;
    assert_int_equal(aif_discrete_create(&t.base, w, 6, &d), AIF_OK);
    assert_int_equal(aif_discrete_size(d), 6);
    assert_true(fabs(aif_discrete_probability(d, 2) - 3 / 10.5) < 1e-15);
    assert_true(aif_discrete_probability(d, 3) == 0.0 && aif_discrete_probability(d, 6) == 0.0);
    long counts[6] = {0};
    aif_rng r;
    aif_rng_seed(&r, 11, 0);
    for (int i = 0; i < N_SAMPLES; i++) {
        counts[aif_discrete_sample(d, &r)]++;
    }
    assert_int_equal(counts[3], 0);
    for (int i = 0; i < 6; i++) {
        double p = w[i] / 10.5;
        double se = sqrt(p * (1 - p) / N_SAMPLES);
        assert_true(fabs((double)counts[i] / N_SAMPLES - p) <= 5 * se);
    }
    aif_discrete_destroy(d);
    assert_int_equal(t.live_blocks, 0);

    /* One outcome; all weight on one of many. */
    assert_int_equal(aif_discrete_create(NULL, (const double[]){5}, 1, &d), AIF_OK);
    assert_int_equal(aif_discrete_sample(d, &r), 0);
    aif_discrete_destroy(d);
    double spike[100] = {0};
    spike[37] = 1e-300;
    assert_int_equal(aif_discrete_create(NULL, spike, 100, &d), AIF_OK);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(aif_discrete_sample(d, &r), 37);
    }
    aif_discrete_destroy(d);
    aif_discrete_destroy(NULL);

    /* Bad input. */
    d = NULL;
    assert_int_equal(aif_discrete_create(NULL, (const double[]){1, -1}, 2, &d), AIF_EINVAL);
    assert_int_equal(aif_discrete_create(NULL, (const double[]){0, 0}, 2, &d), AIF_EINVAL);
    assert_int_equal(aif_discrete_create(NULL, (const double[]){1, NAN}, 2, &d), AIF_EINVAL);
    assert_int_equal(aif_discrete_create(NULL, (const double[]){1, INFINITY}, 2, &d), AIF_EINVAL);
    assert_int_equal(aif_discrete_create(NULL, w, 0, &d), AIF_EINVAL);
    assert_int_equal(aif_discrete_create(NULL, NULL, 3, &d), AIF_EINVAL);
    assert_null(d);
}

static void empirical_quantiles_and_moments(void **state) {
    (void)state;
    aif_empirical *e = NULL;
    /* Uniform on [0, 20] with a kink: half the mass below 10. */
    const double x1[3] = {0, 10, 20}, c1[3] = {0, 0.5, 1};
    assert_int_equal(aif_empirical_create(NULL, x1, c1, 3, AIF_EMPIRICAL_LINEAR, &e, NULL), AIF_OK);
    assert_true(aif_empirical_quantile(e, 0.0) == 0.0);
    assert_true(aif_empirical_quantile(e, 0.25) == 5.0);
    assert_true(aif_empirical_quantile(e, 0.5) == 10.0);
    assert_true(aif_empirical_quantile(e, 0.75) == 15.0);
    assert_true(aif_empirical_quantile(e, 1.0) == 20.0);
    assert_true(aif_empirical_quantile(e, -3.0) == 0.0);
    assert_true(aif_empirical_mean(e) == 10.0);
    assert_true(fabs(aif_empirical_variance(e) - 400.0 / 12.0) < 1e-12);
    aif_dist d = {.kind = AIF_DIST_EMPIRICAL, .emp = e};
    check_moments(&d, 50, 2 - 1.2); /* it is uniform on [0, 20] */
    aif_empirical_destroy(e);

    /* An atom of 0.2 at 5, then linear to 15; last probability within 1e-9 of 1. */
    const double x2[2] = {5, 15}, c2[2] = {0.2, 1 - 5e-10};
    assert_int_equal(aif_empirical_create(NULL, x2, c2, 2, AIF_EMPIRICAL_LINEAR, &e, NULL), AIF_OK);
    assert_true(aif_empirical_quantile(e, 0.1) == 5.0);
    assert_true(aif_empirical_quantile(e, 0.6) == 10.0);
    assert_true(fabs(aif_empirical_mean(e) - (0.2 * 5 + 0.8 * 10)) < 1e-12);
    aif_empirical_destroy(e);

    /* Step mode: P(1) = 0.2, P(2) = 0.3, P(3) = 0.5. */
    const double x3[3] = {1, 2, 3}, c3[3] = {0.2, 0.5, 1};
    assert_int_equal(aif_empirical_create(NULL, x3, c3, 3, AIF_EMPIRICAL_STEP, &e, NULL), AIF_OK);
    assert_true(aif_empirical_quantile(e, 0.1) == 1.0);
    assert_true(aif_empirical_quantile(e, 0.2) == 2.0);
    assert_true(aif_empirical_quantile(e, 0.49) == 2.0);
    assert_true(aif_empirical_quantile(e, 0.5) == 3.0);
    assert_true(fabs(aif_empirical_mean(e) - 2.3) < 1e-12);
    assert_true(fabs(aif_empirical_variance(e) - 0.61) < 1e-12);
    long counts[4] = {0};
    aif_rng r;
    aif_rng_seed(&r, 8, 8);
    for (int i = 0; i < N_SAMPLES; i++) {
        counts[(int)aif_empirical_sample(e, &r)]++;
    }
    const double p3[4] = {0, 0.2, 0.3, 0.5};
    for (int i = 1; i <= 3; i++) {
        double se = sqrt(p3[i] * (1 - p3[i]) / N_SAMPLES);
        assert_true(fabs((double)counts[i] / N_SAMPLES - p3[i]) <= 5 * se);
    }
    aif_empirical_destroy(e);
    aif_empirical_destroy(NULL);
}

static void empirical_validation(void **state) {
    (void)state;
    aif_empirical *e = NULL;
    aif_error err;
    const aif_empirical_mode L = AIF_EMPIRICAL_LINEAR;
    assert_int_equal(aif_empirical_create(NULL, (const double[]){1, 0}, (const double[]){0.5, 1}, 2,
                                          L, &e, &err),
                     AIF_ERANGE);
    assert_int_equal(err.offset, 1);
    assert_non_null(strstr(err.message, "non-decreasing"));
    assert_int_equal(aif_empirical_create(NULL, (const double[]){0, 1, 2},
                                          (const double[]){0.5, 0.4, 1}, 3, L, &e, &err),
                     AIF_ERANGE);
    assert_int_equal(err.offset, 1);
    assert_int_equal(aif_empirical_create(NULL, (const double[]){0, 1}, (const double[]){0, 0.99},
                                          2, L, &e, &err),
                     AIF_ERANGE);
    assert_non_null(strstr(err.message, "to be 1"));
    assert_int_equal(aif_empirical_create(NULL, (const double[]){0, 1}, (const double[]){-0.1, 1},
                                          2, L, &e, &err),
                     AIF_ERANGE);
    assert_int_equal(err.offset, 0);
    assert_int_equal(aif_empirical_create(NULL, (const double[]){0, NAN}, (const double[]){0, 1}, 2,
                                          L, &e, &err),
                     AIF_ERANGE);
    assert_int_equal(
        aif_empirical_create(NULL, (const double[]){0}, (const double[]){1}, 0, L, &e, &err),
        AIF_ERANGE);
    assert_int_equal(aif_empirical_create(NULL, (const double[]){0}, (const double[]){1}, 1,
                                          (aif_empirical_mode)7, &e, NULL),
                     AIF_EINVAL);
    assert_null(e);
}

static void check_and_names(void **state) {
    (void)state;
    aif_error err;
    struct {
        aif_dist d;
        aif_status want;
        const char *needle;
    } cases[] = {
        {{.kind = AIF_DIST_CONSTANT, .p = {3}}, AIF_OK, NULL},
        {{.kind = AIF_DIST_CONSTANT, .p = {NAN}}, AIF_ERANGE, "finite"},
        {{.kind = AIF_DIST_UNIFORM, .p = {2, 1}}, AIF_ERANGE, "b >= a"},
        {{.kind = AIF_DIST_EXPONENTIAL, .p = {0}}, AIF_ERANGE, "rate > 0"},
        {{.kind = AIF_DIST_NORMAL, .p = {0, -1}}, AIF_ERANGE, "sd >= 0"},
        {{.kind = AIF_DIST_NORMAL, .p = {0, 0}}, AIF_OK, NULL},
        {{.kind = AIF_DIST_LOGNORMAL, .p = {0, -0.1}}, AIF_ERANGE, "sigma"},
        {{.kind = AIF_DIST_GAMMA, .p = {0, 1}}, AIF_ERANGE, "shape > 0"},
        {{.kind = AIF_DIST_GAMMA, .p = {1, 0}}, AIF_ERANGE, "scale > 0"},
        {{.kind = AIF_DIST_WEIBULL, .p = {-1, 1}}, AIF_ERANGE, "weibull: expected shape"},
        {{.kind = AIF_DIST_PARETO, .p = {0, 1}}, AIF_ERANGE, "xm > 0"},
        {{.kind = AIF_DIST_PARETO, .p = {1, INFINITY}}, AIF_ERANGE, "finite second"},
        {{.kind = AIF_DIST_POISSON, .p = {-1}}, AIF_ERANGE, "lambda"},
        {{.kind = AIF_DIST_POISSON, .p = {2e15}}, AIF_ERANGE, "lambda"},
        {{.kind = AIF_DIST_EMPIRICAL}, AIF_ERANGE, "empirical"},
        {{.kind = (aif_dist_kind)99}, AIF_EINVAL, "known kind"},
    };
    aif_rng r;
    aif_rng_seed(&r, 1, 2);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err.message[0] = '\0';
        assert_int_equal(aif_dist_check(&cases[i].d, &err), cases[i].want);
        if (cases[i].needle) {
            assert_non_null(strstr(err.message, cases[i].needle));
            assert_true(isnan(aif_dist_sample(&cases[i].d, &r)));
            assert_true(isnan(aif_dist_mean(&cases[i].d)));
        }
    }
    assert_int_equal(aif_dist_check(NULL, NULL), AIF_EINVAL);

    for (int k = 0; k < AIF_DIST_KIND_COUNT; k++) {
        aif_dist_kind back;
        assert_int_equal(aif_dist_kind_from_name(aif_dist_kind_name((aif_dist_kind)k), &back),
                         AIF_OK);
        assert_int_equal(back, k);
    }
    assert_string_equal(aif_dist_kind_name(AIF_DIST_LOGNORMAL), "lognormal");
    assert_string_equal(aif_dist_kind_name((aif_dist_kind)-1), "unknown");
    aif_dist_kind k = AIF_DIST_GAMMA;
    assert_int_equal(aif_dist_kind_from_name("Gamma", &k), AIF_ENOTFOUND);
    assert_int_equal(aif_dist_kind_from_name("", &k), AIF_ENOTFOUND);
    assert_int_equal(k, AIF_DIST_GAMMA);
    assert_int_equal(aif_dist_kind_from_name(NULL, &k), AIF_EINVAL);

    /* Direct samplers answer NaN outside their domain instead of looping. */
    assert_true(isnan(aif_dist_gamma(&r, -1, 1)));
    assert_true(isnan(aif_dist_gamma(&r, NAN, 1)));
    assert_true(isnan(aif_dist_poisson(&r, -1)));
    assert_true(isnan(aif_dist_poisson(&r, INFINITY)));
    assert_true(isnan(aif_dist_exponential(&r, 0)));
    assert_true(isnan(aif_dist_normal(&r, 0, -1)));
    assert_true(isnan(aif_dist_uniform(&r, 1, 0)));
    assert_true(isnan(aif_dist_weibull(&r, 1, 0)));
    assert_true(isnan(aif_dist_pareto(&r, 1, 0)));
    assert_true(isnan(aif_dist_lognormal(&r, 0, -1)));
    assert_true(aif_dist_poisson(&r, 0) == 0.0);
}

static void constructors_fail_cleanly(void **state) {
    (void)state;
    const double w[4] = {1, 2, 3, 4};
    const double x[3] = {0, 1, 2}, c[3] = {0.1, 0.5, 1};
    for (long n = 1; n <= 4; n++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, n);
        aif_discrete *d = NULL;
        aif_status s = aif_discrete_create(&t.base, w, 4, &d);
        if (n <= 2) {
            assert_int_equal(s, AIF_ENOMEM);
            assert_null(d);
        } else {
            assert_int_equal(s, AIF_OK);
            aif_discrete_destroy(d);
        }
        assert_int_equal(t.live_blocks, 0);

        aif_test_allocator u;
        aif_test_allocator_init(&u, n);
        aif_empirical *e = NULL;
        s = aif_empirical_create(&u.base, x, c, 3, AIF_EMPIRICAL_STEP, &e, NULL);
        if (n == 1) {
            assert_int_equal(s, AIF_ENOMEM);
            assert_null(e);
        } else {
            assert_int_equal(s, AIF_OK);
            aif_empirical_destroy(e);
        }
        assert_int_equal(u.live_blocks, 0);
    }
}

/* The first five samples of each sampler from rng seed (12345, 3), recorded as exact hex
 * floats. Any change means saved results no longer reproduce, so it must be deliberate. */
static void recorded_samples(void **state) {
    (void)state;
    static const double want[11][5] = {
        /* uniform(-1, 3) */ {0x1.4e9082a404b2dp+1, 0x1.68eb6909bcdc8p+0, -0x1.0abf18352828p-5,
                              0x1.10011f835726cp-1, -0x1.3bc360df1c8cp-4},
        /* exponential(2) */
        {0x1.9fe6f9234c13cp-5, 0x1.037286d54b647p-2, 0x1.6b5dacd160b69p-1, 0x1.eb9fe83d885b3p-2,
         0x1.776dc33be995p-1},
        /* normal(10, 2) */
        {0x1.751dfdec2640dp+3, 0x1.d0689d7450324p+2, 0x1.045ce8d0a6e52p+3, 0x1.73d1606832553p+3,
         0x1.92acecb4457ccp+3},
        /* lognormal(0, 0.5) */
        {0x1.83ab987a1b2f5p+0, 0x1.01dc6e9ed7ddbp-1, 0x1.414fa81bd4bc9p-1, 0x1.7fc14ecac2e86p+0,
         0x1.e85f843255ba4p+0},
        /* gamma(0.5, 2) */
        {0x1.5aff9506008edp-1, 0x1.e5b3ccacf7dddp-1, 0x1.1c9103dd3e90cp+0, 0x1.1a054fb609e4ap-1,
         0x1.96890d13b1b11p-6},
        /* gamma(7.5, 1) */
        {0x1.34086c35643d9p+3, 0x1.6df94ba36e80cp+2, 0x1.31ebac90ff622p+3, 0x1.73877a849622ap+2,
         0x1.2cfaf8caa6bdcp+3},
        /* weibull(1.5, 3) */
        {0x1.4e4e952611a1ap-1, 0x1.e824b64c94028p+0, 0x1.e4fdcca4b2666p+1, 0x1.75be579ac15e4p+1,
         0x1.efaaa2aea525cp+1},
        /* pareto(1, 3) */
        {0x1.08d01c3c41b3cp+0, 0x1.2f1b984797a57p+0, 0x1.9ae238aac7004p+0, 0x1.609197f6613fdp+0,
         0x1.a16367f89eb7dp+0},
        /* poisson(3) */ {5, 3, 2, 2, 2},
        /* poisson(300) */ {327, 286, 285, 303, 317},
        /* poisson(1e5) */ {100489, 99751, 99738, 100053, 100316},
    };
    for (int s = 0; s < 11; s++) {
        aif_rng r;
        aif_rng_seed(&r, 12345, 3);
        for (int i = 0; i < 5; i++) {
            double v = 0;
            switch (s) {
            case 0:
                v = aif_dist_uniform(&r, -1, 3);
                break;
            case 1:
                v = aif_dist_exponential(&r, 2);
                break;
            case 2:
                v = aif_dist_normal(&r, 10, 2);
                break;
            case 3:
                v = aif_dist_lognormal(&r, 0, 0.5);
                break;
            case 4:
                v = aif_dist_gamma(&r, 0.5, 2);
                break;
            case 5:
                v = aif_dist_gamma(&r, 7.5, 1);
                break;
            case 6:
                v = aif_dist_weibull(&r, 1.5, 3);
                break;
            case 7:
                v = aif_dist_pareto(&r, 1, 3);
                break;
            case 8:
                v = aif_dist_poisson(&r, 3);
                break;
            case 9:
                v = aif_dist_poisson(&r, 300);
                break;
            default:
                v = aif_dist_poisson(&r, 1e5);
                break;
            }
            if (v != want[s][i]) {
                print_error("sampler %d sample %d: got %a, recorded %a\n", s, i, v, want[s][i]);
                fail();
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(moments_continuous),
        cmocka_unit_test(moments_heavy_and_discrete),
        cmocka_unit_test(exact_moments),
        cmocka_unit_test(kolmogorov_smirnov),
        cmocka_unit_test(poisson_chi_square),
        cmocka_unit_test(alias_table),
        cmocka_unit_test(empirical_quantiles_and_moments),
        cmocka_unit_test(empirical_validation),
        cmocka_unit_test(check_and_names),
        cmocka_unit_test(constructors_fail_cleanly),
        cmocka_unit_test(recorded_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
