/* Synthetic serving workloads (serve.h): token-length distributions written as short text
 * ("512", "uniform:100:2000", "exp:300:4000", "lognormal:1000:0.8:8000") or a trace's
 * empirical (input, output) mix, and a Poisson or gamma arrival process. Arrivals, input and output
 * lengths draw from three streams of one seed, so a different rate replays the same requests, only
 * closer together or further apart. */
#include <math.h>
#include <string.h>

#include "aifactory/dist.h"
#include "aifactory/serve.h"
#include "aifactory/units.h"

enum { STREAM_ARRIVALS = 1, STREAM_INPUTS = 2, STREAM_OUTPUTS = 3 };

/* Largest length accepted: far beyond any model's context, small enough for a long. */
#define LEN_MAX 1e9

static const char *const kind_names[] = {"uniform", "exp", "lognormal"};

static aif_status bad(aif_error *err, size_t at, const char *text, const char *what) {
    aif_error_set_offset(err, AIF_EPARSE, at,
                         "expected %s (a length: N, uniform:LO:HI, exp:MEAN[:MAX] or "
                         "lognormal:MEDIAN:SIGMA[:MAX]), found '%s'",
                         what, text);
    return AIF_EPARSE;
}

/* Read up to `max` positive numbers separated by ':' from text+pos; *n gets how many. */
static aif_status numbers(const char *text, size_t pos, double *v, int max, int *n,
                          aif_error *err) {
    *n = 0;
    for (;;) {
        size_t end;
        double x;
        if (*n == max) {
            return bad(err, pos, text, "no more numbers");
        }
        if (aif_number_scan(text, pos, 0, &end, &x, NULL) != AIF_OK || !(x > 0) ||
            !(x <= LEN_MAX)) {
            return bad(err, pos, text, "a positive number up to 1e9");
        }
        v[(*n)++] = x;
        pos = end;
        if (text[pos] == '\0') {
            return AIF_OK;
        }
        if (text[pos] != ':') {
            return bad(err, pos, text, "':' or the end");
        }
        pos++;
    }
}

aif_status aif_serve_lengths_parse(const char *text, aif_serve_lengths *out, aif_error *err) {
    if (text == NULL || out == NULL) {
        return aif_error_set(err, AIF_EINVAL, "lengths: NULL argument");
    }
    memset(out, 0, sizeof *out);
    double v[3] = {0, 0, 0};
    int n = 0;
    const char *colon = strchr(text, ':');
    if (colon == NULL) {
        aif_status st = numbers(text, 0, v, 1, &n, err);
        if (st == AIF_OK && v[0] != floor(v[0])) {
            return bad(err, 0, text, "a whole number of tokens");
        }
        out->kind = AIF_SERVE_LEN_FIXED;
        out->a = v[0];
        return st;
    }
    size_t name_len = (size_t)(colon - text);
    int kind = -1;
    for (int i = 0; i < 3; i++) {
        if (strlen(kind_names[i]) == name_len && strncmp(text, kind_names[i], name_len) == 0) {
            kind = i;
        }
    }
    if (kind < 0) {
        return bad(err, 0, text, "uniform, exp or lognormal");
    }
    aif_status st = numbers(text, name_len + 1, v, 3, &n, err);
    if (st != AIF_OK) {
        return st;
    }
    switch (kind) {
    case 0:
        if (n != 2 || v[0] > v[1] || v[0] != floor(v[0]) || v[1] != floor(v[1])) {
            return bad(err, name_len + 1, text, "two whole numbers LO:HI with LO <= HI");
        }
        out->kind = AIF_SERVE_LEN_UNIFORM;
        break;
    case 1:
        if (n > 2) {
            return bad(err, name_len + 1, text, "MEAN or MEAN:MAX");
        }
        out->kind = AIF_SERVE_LEN_EXP;
        break;
    default:
        if (n < 2) {
            return bad(err, name_len + 1, text, "MEDIAN:SIGMA or MEDIAN:SIGMA:MAX");
        }
        out->kind = AIF_SERVE_LEN_LOGNORMAL;
        break;
    }
    out->a = v[0];
    out->b = v[1];
    out->c = v[2];
    return AIF_OK;
}

double aif_serve_lengths_mean(const aif_serve_lengths *l) {
    switch (l->kind) {
    case AIF_SERVE_LEN_FIXED:
        return l->a;
    case AIF_SERVE_LEN_UNIFORM:
        return 0.5 * (l->a + l->b);
    case AIF_SERVE_LEN_EXP:
        return l->a;
    default:
        return l->a * exp(0.5 * l->b * l->b);
    }
}

static long clamp_len(double x, double cap) {
    if (cap > 0 && x > cap) {
        x = cap;
    }
    x = floor(x + 0.5);
    if (!(x >= 1)) { /* also NaN */
        return 1;
    }
    return x > LEN_MAX ? (long)LEN_MAX : (long)x;
}

long aif_serve_lengths_draw(const aif_serve_lengths *l, aif_rng *r) {
    switch (l->kind) {
    case AIF_SERVE_LEN_FIXED:
        return clamp_len(l->a, 0);
    case AIF_SERVE_LEN_UNIFORM:
        return (long)l->a + (long)aif_rng_below(r, (uint64_t)(l->b - l->a) + 1);
    case AIF_SERVE_LEN_EXP:
        return clamp_len(aif_dist_exponential(r, 1.0 / l->a), l->b);
    default:
        return clamp_len(aif_dist_lognormal(r, log(l->a), l->b), l->c);
    }
}

static aif_status synthetic_next(void *ctx, aif_serve_request *out, aif_error *err) {
    (void)err;
    aif_serve_synthetic *g = ctx;
    if (g->rate_per_s > 0) {
        if (g->arrival_cv == 1) {
            g->clock_s += aif_dist_exponential(&g->arrivals, g->rate_per_s);
        } else {
            /* Gamma with shape k = 1 / cv^2 and mean 1 / rate: scale 1 / (rate k). */
            double k = 1.0 / (g->arrival_cv * g->arrival_cv);
            g->clock_s += aif_dist_gamma(&g->arrivals, k, 1.0 / (g->rate_per_s * k));
        }
    }
    out->arrival_s = g->clock_s;
    if (g->mix) {
        uint64_t i = aif_rng_below(&g->inputs, (uint64_t)g->mix_count);
        out->input_tokens = g->mix[2 * i];
        out->output_tokens = g->mix[2 * i + 1];
        return AIF_OK;
    }
    out->input_tokens = aif_serve_lengths_draw(&g->input, &g->inputs);
    out->output_tokens = aif_serve_lengths_draw(&g->output, &g->outputs);
    return AIF_OK;
}

aif_status aif_serve_synthetic_set_arrival_cv(aif_serve_synthetic *g, double cv, aif_error *err) {
    if (g == NULL || !(cv >= 0.01 && cv <= 100)) {
        return aif_error_set(err, AIF_EINVAL,
                             "arrivals: expected a coefficient of variation from 0.01 to 100, "
                             "found %g",
                             cv);
    }
    g->arrival_cv = cv;
    return AIF_OK;
}

aif_status aif_serve_synthetic_set_mix(aif_serve_synthetic *g, const long *pairs, long count,
                                       aif_error *err) {
    if (g == NULL || pairs == NULL || count < 1) {
        return aif_error_set(err, AIF_EINVAL, "length mix: expected at least one pair");
    }
    for (long i = 0; i < 2 * count; i++) {
        if (pairs[i] < 1) {
            return aif_error_set(err, AIF_EINVAL, "length mix: pair %ld has a length below 1 (%ld)",
                                 i / 2 + 1, pairs[i]);
        }
    }
    g->mix = pairs;
    g->mix_count = count;
    return AIF_OK;
}

aif_status aif_serve_arrivals_parse(const char *text, double *cv, aif_error *err) {
    if (text == NULL || cv == NULL) {
        return aif_error_set(err, AIF_EINVAL, "arrivals: NULL argument");
    }
    if (strcmp(text, "poisson") == 0) {
        *cv = 1;
        return AIF_OK;
    }
    size_t end;
    double x;
    if (strncmp(text, "gamma:", 6) != 0 || aif_number_scan(text, 6, 0, &end, &x, NULL) != AIF_OK ||
        text[end] != '\0' || !(x >= 0.01 && x <= 100)) {
        aif_error_set_offset(err, AIF_EPARSE, strncmp(text, "gamma:", 6) == 0 ? 6 : 0,
                             "expected poisson or gamma:CV (a coefficient of variation from "
                             "0.01 to 100; 1 is Poisson), found '%s'",
                             text);
        return AIF_EPARSE;
    }
    *cv = x;
    return AIF_OK;
}

void aif_serve_synthetic_init(aif_serve_synthetic *g, const aif_serve_lengths *input,
                              const aif_serve_lengths *output, double rate_per_s, uint64_t seed,
                              aif_serve_source *src) {
    memset(g, 0, sizeof *g);
    g->input = *input;
    g->output = *output;
    g->rate_per_s = rate_per_s;
    g->arrival_cv = 1;
    aif_rng_seed(&g->arrivals, seed, STREAM_ARRIVALS);
    aif_rng_seed(&g->inputs, seed, STREAM_INPUTS);
    aif_rng_seed(&g->outputs, seed, STREAM_OUTPUTS);
    src->ctx = g;
    src->next = synthetic_next;
}
