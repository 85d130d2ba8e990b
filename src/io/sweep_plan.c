/* Expanding a checked sweep into its runs (see sweep.h): the design's points, each
 * parameter's value at each point as the text `--set` takes and as a number, the
 * replications' seeds, and each run's key.
 *
 * Points: a grid walks the parameters' values like nested loops, the first parameter
 * outermost; random and lhs designs draw an n x parameters matrix of coordinates in (0, 1)
 * from stream 0 of the sweep's seed (design.h) and map each through the parameter's
 * quantile function (a list of values: the value at floor(u x count)). Replication r of
 * every point sets simulation.seed to the r-th output of stream 1 of the sweep's seed,
 * shifted to 53 bits (the scenario's seed range): every point sees the same seeds (common
 * random numbers), so differences between points are not seed noise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/design.h"
#include "sweep_internal.h"

/* The shortest "%.*g" text that reads back as x exactly: stable across runs and
 * machines, and no "0.30000000000000004" in a run's configuration. */
static void format_number(double x, char *buf, size_t n) {
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, n, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) {
            return;
        }
    }
}

/* Whether every value starts with a number followed by nothing or a space (a unit):
 * then those numbers rank the values; otherwise their positions in the list do. */
static bool values_numeric(const aif_sweep_parameter *p) {
    for (size_t i = 0; i < p->value_count; i++) {
        char *end = NULL;
        double x = strtod(p->values[i], &end);
        if (end == p->values[i] || !isfinite(x) || (*end != '\0' && *end != ' ')) {
            return false;
        }
    }
    return true;
}

static double value_number(const aif_sweep_parameter *p, size_t k, bool numeric) {
    return numeric ? strtod(p->values[k], NULL) : (double)k;
}

static double quantile(const aif_sweep_parameter *p, double u) {
    switch (p->kind) {
    case AIF_SWEEP_UNIFORM:
        return p->p[0] + u * (p->p[1] - p->p[0]);
    case AIF_SWEEP_NORMAL:
        return p->p[0] + p->p[1] * aif_quantile_normal(u);
    case AIF_SWEEP_LOGNORMAL:
        return p->p[0] * exp(p->p[1] * aif_quantile_normal(u));
    case AIF_SWEEP_TRIANGULAR:
        return aif_quantile_triangular(u, p->p[0], p->p[1], p->p[2]);
    case AIF_SWEEP_VALUES:
        break;
    }
    return NAN;
}

/* Assignments one parameter makes: "key=value", or for a catalog value its default,
 * source and confidence (a whole sourced value, docs/catalog.md). */
#define SETS_PER_PARAMETER 3

typedef struct point_values {
    const char **texts; /* per parameter: the value as set */
    double *numbers;
    const char **sets; /* the parameters' assignments, in order */
    size_t set_count;
} point_values;

/* "key<suffix>=value" in the arena, appended to pv->sets. */
static aif_status add_set(aif_sweep *s, point_values *pv, const char *key, const char *suffix,
                          const char *value) {
    size_t n = strlen(key) + strlen(suffix) + strlen(value) + 2;
    char *a = aif_arena_alloc(s->arena, n);
    if (a == NULL) {
        return AIF_ENOMEM;
    }
    snprintf(a, n, "%s%s=%s", key, suffix, value);
    pv->sets[pv->set_count++] = a;
    return AIF_OK;
}

/* Value of parameter p at point i into pv (arena strings). */
static aif_status fill_point(aif_sweep *s, size_t i, const double *u, const bool *numeric,
                             point_values *pv) {
    size_t np = s->param_count, stride = 1;
    for (size_t j = np; j-- > 0;) {
        const aif_sweep_parameter *p = &s->params[j];
        char num[64], text[AIF_SWEEP_MAX_TEXT + 80];
        const char *value = NULL;
        if (p->kind == AIF_SWEEP_VALUES) {
            size_t k;
            if (s->design == AIF_SWEEP_GRID) {
                k = (i / stride) % p->value_count;
                stride *= p->value_count;
            } else {
                k = (size_t)(u[i * np + j] * (double)p->value_count);
                k = k < p->value_count ? k : p->value_count - 1;
            }
            value = p->values[k];
            pv->numbers[j] = value_number(p, k, numeric[j]);
        } else {
            double x = quantile(p, u[i * np + j]);
            if (p->catalog_source != NULL) {
                /* The catalog holds a value to its range: no rounding may step outside. */
                x = fmin(fmax(x, p->p[0]), p->p[2]);
            }
            format_number(x, num, sizeof num);
            snprintf(text, sizeof text, "%s%s%s", num, p->unit ? " " : "", p->unit ? p->unit : "");
            value = text;
            pv->numbers[j] = strtod(num, NULL);
        }
        pv->texts[j] = aif_arena_strdup(s->arena, value);
        if (pv->texts[j] == NULL) {
            return AIF_ENOMEM;
        }
    }
    /* The assignments in parameter order (the loop above runs backwards for the grid). */
    for (size_t j = 0; j < np; j++) {
        const aif_sweep_parameter *p = &s->params[j];
        if (p->catalog_source == NULL) {
            if (add_set(s, pv, p->key, "", pv->texts[j]) != AIF_OK) {
                return AIF_ENOMEM;
            }
            continue;
        }
        const char confidence[2] = {p->catalog_confidence, '\0'};
        char value_key[16];
        snprintf(value_key, sizeof value_key, ".%s", p->catalog_value_key);
        if (add_set(s, pv, p->key, value_key, pv->texts[j]) != AIF_OK ||
            add_set(s, pv, p->key, ".source", p->catalog_source) != AIF_OK ||
            add_set(s, pv, p->key, ".confidence", confidence) != AIF_OK) {
            return AIF_ENOMEM;
        }
    }
    return AIF_OK;
}

static void hex64(uint64_t x, char out[17]) {
    snprintf(out, 17, "%016llx", (unsigned long long)x);
}

/* The run's key: FNV-1a over "aifactory-sweep-run 1\nscenario HASH\n" and each
 * assignment followed by a newline. */
static uint64_t run_key(uint64_t scenario_hash, const char *const *sets, size_t n) {
    char head[64];
    snprintf(head, sizeof head, "aifactory-sweep-run 1\nscenario %016llx\n",
             (unsigned long long)scenario_hash);
    uint64_t h = aif_fnv1a64(AIF_FNV1A64_INIT, head, strlen(head));
    for (size_t i = 0; i < n; i++) {
        h = aif_fnv1a64(h, sets[i], strlen(sets[i]));
        h = aif_fnv1a64(h, "\n", 1);
    }
    return h;
}

static aif_status make_runs(aif_sweep *s, const double *u, const bool *numeric,
                            const char *const *seed_sets, uint64_t scenario_hash) {
    size_t np = s->param_count, reps = s->replications;
    size_t per_run = s->set_count + np * SETS_PER_PARAMETER + (reps > 1);
    uint64_t sweep_hash = AIF_FNV1A64_INIT;
    for (size_t i = 0; i < s->points; i++) {
        point_values pv = {aif_arena_alloc(s->arena, np * sizeof(char *)),
                           aif_arena_alloc(s->arena, np * sizeof(double)),
                           aif_arena_alloc(s->arena, np * SETS_PER_PARAMETER * sizeof(char *)), 0};
        if (pv.texts == NULL || pv.numbers == NULL || pv.sets == NULL ||
            fill_point(s, i, u, numeric, &pv) != AIF_OK) {
            return AIF_ENOMEM;
        }
        for (size_t r = 0; r < reps; r++) {
            const char **sets = aif_arena_alloc(s->arena, per_run * sizeof *sets);
            if (sets == NULL) {
                return AIF_ENOMEM;
            }
            size_t n = 0;
            for (size_t k = 0; k < s->set_count; k++) {
                sets[n++] = s->sets[k];
            }
            for (size_t j = 0; j < pv.set_count; j++) {
                sets[n++] = pv.sets[j];
            }
            if (reps > 1) {
                sets[n++] = seed_sets[r];
            }
            aif_sweep_run *run = &s->runs[i * reps + r];
            *run = (aif_sweep_run){.index = i * reps + r,
                                   .point = i,
                                   .replication = r,
                                   .sets = sets,
                                   .set_count = n,
                                   .param_texts = pv.texts,
                                   .param_values = pv.numbers,
                                   .key = run_key(scenario_hash, sets, n)};
            hex64(run->key, run->key_hex);
            sweep_hash = aif_fnv1a64(sweep_hash, run->key_hex, 16);
        }
    }
    hex64(sweep_hash, s->hash);
    return AIF_OK;
}

aif_status aif__sweep_plan(aif_sweep *s) {
    size_t np = s->param_count;
    if (s->design == AIF_SWEEP_GRID) {
        s->points = 1;
        for (size_t j = 0; j < np; j++) {
            s->points *= s->params[j].value_count;
        }
    } else {
        s->points = s->samples;
    }
    s->run_count = s->points * s->replications;
    s->runs = aif_arena_alloc(s->arena, s->run_count * sizeof *s->runs);
    bool *numeric = aif_arena_alloc(s->arena, np * sizeof *numeric);
    const char **seed_sets = aif_arena_alloc(s->arena, s->replications * sizeof *seed_sets);
    if (s->runs == NULL || numeric == NULL || seed_sets == NULL) {
        return AIF_ENOMEM;
    }
    for (size_t j = 0; j < np; j++) {
        numeric[j] = s->params[j].kind != AIF_SWEEP_VALUES || values_numeric(&s->params[j]);
    }
    aif_rng seeds;
    aif_rng_seed(&seeds, s->seed, 1);
    for (size_t r = 0; r < s->replications; r++) {
        char buf[64];
        snprintf(buf, sizeof buf, "simulation.seed=%llu",
                 (unsigned long long)(aif_rng_next(&seeds) >> 11));
        seed_sets[r] = aif_arena_strdup(s->arena, buf);
        if (seed_sets[r] == NULL) {
            return AIF_ENOMEM;
        }
    }
    double *u = NULL;
    size_t ubytes = s->design == AIF_SWEEP_GRID ? 0 : s->points * np * sizeof *u;
    aif_status st = AIF_OK;
    if (ubytes > 0) {
        u = aif_alloc(s->alloc, ubytes);
        if (u == NULL) {
            return AIF_ENOMEM;
        }
        aif_rng design;
        aif_rng_seed(&design, s->seed, 0);
        if (s->design == AIF_SWEEP_RANDOM) {
            aif_design_random(&design, s->points, np, u);
        } else {
            st = aif_design_lhs(s->alloc, &design, s->points, np, u);
        }
    }
    size_t slen = 0;
    const char *stext = aif_sweep_scenario_text(s, &slen);
    uint64_t scenario_hash = aif_fnv1a64(AIF_FNV1A64_INIT, stext, slen);
    if (st == AIF_OK) {
        st = make_runs(s, u, numeric, seed_sets, scenario_hash);
    }
    if (u) {
        aif_free(s->alloc, u, ubytes);
    }
    return st;
}
