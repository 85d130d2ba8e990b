/* Sweep files: many runs of one scenario with some of its values varied (docs/sweep.md),
 * the input of `aifactory sweep`.
 *
 * A sweep file (YAML or JSON, `aifactory: 1`) names a scenario (a file relative to the sweep
 * file, or `default`), fixed overrides (`set`), the parameters to vary (each a scenario key
 * path with a list of `values` or a distribution: uniform, normal, lognormal, triangular),
 * a design (grid, random, lhs), the number of samples, the replications (seeds) per point
 * and the design's seed. Loading reads and checks it like a scenario: every problem is
 * collected with its file:line:col in one pass, and the scenario file is read (its text is
 * part of each run's key). A loaded sweep is expanded into its runs: each run is the
 * scenario plus an ordered list of "key=value" assignments (the fixed `set` first, then one
 * per parameter, then simulation.seed when there are several replications), which is what
 * `aifactory run --set` takes, and is keyed by the FNV-1a 64-bit hash of its canonical
 * text (the scenario text's hash, then each assignment on a line). Same file and seed, same
 * runs, on every machine. Everything lives in one arena freed by aif_sweep_destroy. */
#ifndef AIFACTORY_SWEEP_H
#define AIFACTORY_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/status.h"

/* The only sweep format version this library reads (`aifactory: 1`). */
#define AIF_SWEEP_VERSION 1

/* Limits of a sweep file (docs/sweep.md): each is far above what one machine runs in a
 * day, and bounds the memory a file can ask for. */
#define AIF_SWEEP_MAX_PARAMETERS   32
#define AIF_SWEEP_MAX_SETS         64
#define AIF_SWEEP_MAX_VALUES       1000   /* values of one grid parameter */
#define AIF_SWEEP_MAX_SAMPLES      100000 /* points of a random or lhs design */
#define AIF_SWEEP_MAX_REPLICATIONS 1000
#define AIF_SWEEP_MAX_RUNS         100000             /* points x replications */
#define AIF_SWEEP_MAX_TEXT         256                /* bytes of a key path or value */
#define AIF_SWEEP_SEED_MAX         9007199254740992.0 /* 2^53, as simulation.seed */
/* Parameters a `catalog: ranges` entry may add (one per ranged catalog value; the default
 * catalog has 40), beyond the file's own AIF_SWEEP_MAX_PARAMETERS. */
#define AIF_SWEEP_MAX_CATALOG_RANGES 256

typedef enum aif_sweep_design {
    AIF_SWEEP_GRID = 0, /* every combination of the parameters' values */
    AIF_SWEEP_RANDOM,   /* `samples` independent draws of every parameter */
    AIF_SWEEP_LHS,      /* a Latin hypercube of `samples` points */
} aif_sweep_design;

typedef enum aif_sweep_param_kind {
    AIF_SWEEP_VALUES = 0, /* values[0..value_count) as written */
    AIF_SWEEP_UNIFORM,    /* p = lo, hi */
    AIF_SWEEP_NORMAL,     /* p = mean, sd */
    AIF_SWEEP_LOGNORMAL,  /* p = median, sigma (of the log) */
    AIF_SWEEP_TRIANGULAR, /* p = lo, mode, hi */
} aif_sweep_param_kind;

typedef struct aif_sweep_parameter {
    const char *key; /* scenario key path, e.g. "failures.interruptions_per_gpu_year" */
    aif_sweep_param_kind kind;
    const char *const *values; /* AIF_SWEEP_VALUES */
    size_t value_count;
    double p[3];
    const char *unit; /* appended to a drawn number ("70 USD/MWh"); NULL when none */
    /* A catalog value drawn from its range (`catalog: ranges`): key is
     * "catalog.<section>.<id>.<field>", set as its `default` (or `value`), `source` and
     * `confidence`
     * (a whole sourced value, so that it needs nothing from the scenario's own section).
     * NULL for every other parameter. */
    const char *catalog_source;
    char catalog_confidence;
    /* "default", or "value" where the scenario's own catalog section writes the field so
     * (a sourced value takes one of the two) */
    const char *catalog_value_key;
} aif_sweep_parameter;

/* One run of the sweep. Runs are numbered point by point, replications innermost:
 * index = point * replications + replication. */
typedef struct aif_sweep_run {
    size_t index, point, replication;
    const char *const *sets; /* "key=value", in order */
    size_t set_count;
    const char *const *param_texts; /* each parameter's value as set */
    const double *param_values;     /* each parameter's value as a number (docs/sweep.md) */
    uint64_t key;
    char key_hex[17]; /* key as 16 lower-case hex digits */
} aif_sweep_run;

typedef struct aif_sweep aif_sweep;

/* An empty sweep; memory from `a` (NULL: system). Errors: AIF_EINVAL, AIF_ENOMEM. O(1). */
aif_status aif_sweep_create(const aif_allocator *a, aif_sweep **out);

/* Free it and everything it handed out. NULL is a no-op. */
void aif_sweep_destroy(aif_sweep *s);

/* Read the sweep file `path`, check it, read its scenario and expand the runs. Every
 * problem goes to aif_sweep_errors, each with file:line:col. Errors: AIF_EINVAL (NULL),
 * AIF_ESTATE (already loaded), AIF_EIO (the sweep file cannot be read), AIF_EPARSE (any
 * input error, the scenario file that cannot be read included), AIF_ENOMEM. After an
 * error the sweep may only be queried for errors and destroyed. Cost O(file + runs x
 * parameters). */
aif_status aif_sweep_load_file(aif_sweep *s, const char *path);

/* As aif_sweep_load_file from `text` of `len` bytes; `name` labels errors and its folder is
 * the base of the scenario's path. */
aif_status aif_sweep_load_string(aif_sweep *s, const char *name, const char *text, size_t len);

/* Errors of the load, in document order. O(1). */
const aif_error_list *aif_sweep_errors(const aif_sweep *s);

/* The scenario: its path (relative paths resolved against the sweep file's folder), or NULL
 * for the built-in default; its text and length (the file's bytes, or the default's). */
const char *aif_sweep_scenario_path(const aif_sweep *s);
const char *aif_sweep_scenario_text(const aif_sweep *s, size_t *len);

aif_sweep_design aif_sweep_design_get(const aif_sweep *s);
const char *aif_sweep_design_name(aif_sweep_design d);
size_t aif_sweep_parameter_count(const aif_sweep *s);
const aif_sweep_parameter *aif_sweep_parameter_at(const aif_sweep *s, size_t i);
size_t aif_sweep_points(const aif_sweep *s);
size_t aif_sweep_replications(const aif_sweep *s);
uint64_t aif_sweep_seed(const aif_sweep *s);

/* The runs, by index. O(1). */
size_t aif_sweep_run_count(const aif_sweep *s);
const aif_sweep_run *aif_sweep_run_at(const aif_sweep *s, size_t i);

/* The sweep's identity: FNV-1a over every run's key in order, as 16 hex digits. Two loads
 * with the same value plan the same runs. */
const char *aif_sweep_hash(const aif_sweep *s);

#endif
