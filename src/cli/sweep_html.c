/* The HTML report of a sweep (see sweep_html.h). The document is reduced here, in C, as a
 * run's report is (report_data.c): the page receives percentiles per date, not every run's
 * series, so it stays small however many runs there are; only the table of runs grows with
 * them. */
#include "sweep_html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/outdir.h"
#include "aifactory/rankstat.h"
#include "aifactory/report.h"
#include "cli_errors.h"
#include "json_out.h"

/* The fan charts' bands, and the share of runs at each end of a parameter that a tornado
 * compares (docs/sweep.md). */
static const double fan_p[5] = {0.10, 0.25, 0.50, 0.75, 0.90};
static const char *const fan_names[5] = {"p10", "p25", "p50", "p75", "p90"};
#define TORNADO_TAIL 0.2
/* Bars per tornado: the rest are counted, not drawn (`catalog: ranges` adds 40 and more). */
#define TORNADO_MAX_BARS 15

static const char *const series_titles[SWEEP_SERIES_COUNT] = {
    "GPUs online",
    "Facility power online",
    "Tokens served per period",
    "Capital spending, cumulative",
    "Revenue, cumulative",
    "Cash position",
};

/* The key metrics of the table of runs (every metric is in --json and the store). */
static const char *const table_metrics[] = {
    "capex_usd", "opex_usd",      "revenue_usd",      "cash_usd",
    "power_usd", "peak_packages", "peak_facility_gw", "inference_served_fraction",
};
#define TABLE_METRICS (sizeof table_metrics / sizeof table_metrics[0])

static json_t *num(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

static int by_double(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int by_int32(const void *pa, const void *pb) {
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

static size_t metric_index(const char *name) {
    for (size_t m = 0; m < SWEEP_METRIC_COUNT; m++) {
        if (strcmp(sweep_metric_names[m], name) == 0) {
            return m;
        }
    }
    return SIZE_MAX;
}

/* ---- the runs' series, read back from the store ---- */

typedef struct run_series {
    size_t n[SWEEP_SERIES_COUNT];
    int32_t *days[SWEEP_SERIES_COUNT];
    double *v[SWEEP_SERIES_COUNT];
} run_series;

typedef struct collect {
    run_series *rs;
    bool nomem;
} collect;

static void on_series(void *ctx, const aif_sweep_store_series *s) {
    collect *c = ctx;
    for (size_t k = 0; k < SWEEP_SERIES_COUNT; k++) {
        if (strcmp(s->name, sweep_series_names[k]) != 0 || c->rs->days[k] != NULL) {
            continue;
        }
        c->rs->days[k] = malloc((s->n + 1) * sizeof *c->rs->days[k]);
        c->rs->v[k] = malloc((s->n + 1) * sizeof *c->rs->v[k]);
        if (c->rs->days[k] == NULL || c->rs->v[k] == NULL) {
            c->nomem = true;
            return;
        }
        memcpy(c->rs->days[k], s->days, s->n * sizeof *s->days);
        memcpy(c->rs->v[k], s->values, s->n * sizeof *s->values);
        c->rs->n[k] = s->n;
    }
}

static void free_series(run_series *rs, size_t runs) {
    for (size_t i = 0; rs && i < runs; i++) {
        for (size_t k = 0; k < SWEEP_SERIES_COUNT; k++) {
            free(rs[i].days[k]);
            free(rs[i].v[k]);
        }
    }
    free(rs);
}

/* The value of run series (days, v, n) at `day` (days ascending); false when it has none. */
static bool value_at(const int32_t *days, const double *v, size_t n, int32_t day, double *out) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (days[mid] < day) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < n && days[lo] == day && isfinite(v[lo])) {
        *out = v[lo];
        return true;
    }
    return false;
}

/* One fan chart: at every date any successful run has a point, the percentiles over the
 * runs with a value there. NULL when no run has the series. */
static json_t *fan(const run_row *rows, const run_series *rs, size_t runs, size_t k,
                   double *scratch, bool *nomem) {
    size_t total = 0;
    for (size_t i = 0; i < runs; i++) {
        total += rows[i].ok ? rs[i].n[k] : 0;
    }
    if (total == 0) {
        return NULL;
    }
    int32_t *dates = malloc(total * sizeof *dates);
    if (dates == NULL) {
        *nomem = true;
        return NULL;
    }
    size_t nd = 0;
    for (size_t i = 0; i < runs; i++) {
        for (size_t j = 0; rows[i].ok && j < rs[i].n[k]; j++) {
            dates[nd++] = rs[i].days[k][j];
        }
    }
    qsort(dates, nd, sizeof *dates, by_int32);
    size_t u = 0;
    for (size_t j = 0; j < nd; j++) {
        if (u == 0 || dates[u - 1] != dates[j]) {
            dates[u++] = dates[j];
        }
    }
    json_t *o = json_object(), *x = json_array(), *count = json_array(), *band[5];
    for (int p = 0; p < 5; p++) {
        band[p] = json_array();
    }
    for (size_t j = 0; j < u; j++) {
        size_t n = 0;
        for (size_t i = 0; i < runs; i++) {
            if (rows[i].ok &&
                value_at(rs[i].days[k], rs[i].v[k], rs[i].n[k], dates[j], &scratch[n])) {
                n++;
            }
        }
        qsort(scratch, n, sizeof *scratch, by_double);
        /* Unix seconds of the date's midnight (UTC): the page's time axis. */
        json_array_append_new(x, json_integer((json_int_t)dates[j] * 86400));
        json_array_append_new(count, json_integer((json_int_t)n));
        for (int p = 0; p < 5; p++) {
            json_array_append_new(band[p], num(aif_quantile_sorted(scratch, n, fan_p[p])));
        }
    }
    free(dates);
    char id[48];
    snprintf(id, sizeof id, "fan-%s", sweep_series_names[k]);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "name", json_string(sweep_series_names[k]));
    json_object_set_new(o, "title", json_string(series_titles[k]));
    json_object_set_new(o, "unit", json_string(sweep_series_units[k]));
    json_object_set_new(o, "x", x);
    json_object_set_new(o, "runs", count);
    for (int p = 0; p < 5; p++) {
        json_object_set_new(o, fan_names[p], band[p]);
    }
    return o;
}

/* ---- tornado charts ---- */

typedef struct bar {
    size_t param;
    double low, high; /* the output's mean over the runs at each end of the parameter */
    size_t n_low, n_high;
    double swing;
} bar;

static int by_swing(const void *pa, const void *pb) {
    const bar *a = pa, *b = pb;
    if (a->swing != b->swing) {
        return a->swing < b->swing ? 1 : -1;
    }
    return (a->param > b->param) - (a->param < b->param);
}

/* The output's mean over the runs whose value of parameter p is at most `cut` (high:
 * at least `cut`). */
static double end_mean(const aif_sweep *sw, const run_row *rows, size_t runs, size_t m, size_t p,
                       double cut, bool high, size_t *n) {
    double sum = 0;
    *n = 0;
    for (size_t i = 0; i < runs; i++) {
        double x = aif_sweep_run_at(sw, i)->param_values[p];
        if (!rows[i].ok || !isfinite(rows[i].values[m]) || !isfinite(x)) {
            continue;
        }
        if (high ? x >= cut : x <= cut) {
            sum += rows[i].values[m];
            (*n)++;
        }
    }
    return *n ? sum / (double)*n : NAN;
}

static json_t *tornado(const aif_sweep *sw, const run_row *rows, size_t runs, size_t m,
                       const output_stats *s, double *scratch, bar *bars) {
    size_t np = aif_sweep_parameter_count(sw);
    for (size_t p = 0; p < np; p++) {
        size_t n = 0;
        for (size_t i = 0; i < runs; i++) {
            double x = aif_sweep_run_at(sw, i)->param_values[p];
            if (rows[i].ok && isfinite(rows[i].values[m]) && isfinite(x)) {
                scratch[n++] = x;
            }
        }
        qsort(scratch, n, sizeof *scratch, by_double);
        double lo = aif_quantile_sorted(scratch, n, TORNADO_TAIL);
        double hi = aif_quantile_sorted(scratch, n, 1 - TORNADO_TAIL);
        bar *b = &bars[p];
        *b = (bar){.param = p};
        if (n > 0 && hi > lo) {
            b->low = end_mean(sw, rows, runs, m, p, lo, false, &b->n_low);
            b->high = end_mean(sw, rows, runs, m, p, hi, true, &b->n_high);
        } else {
            /* The parameter does not vary over these runs: no ends to compare. */
            b->low = b->high = s->mean;
        }
        b->swing = fabs(b->high - b->low);
        if (!isfinite(b->swing)) {
            b->swing = 0;
        }
    }
    qsort(bars, np, sizeof *bars, by_swing);
    json_t *list = json_array();
    for (size_t j = 0; j < np && j < TORNADO_MAX_BARS; j++) {
        const bar *b = &bars[j];
        json_array_append_new(list, json_pack("{s:s,s:o,s:o,s:I,s:I,s:o}", "parameter",
                                              aif_sweep_parameter_at(sw, b->param)->key, "low",
                                              num(b->low), "high", num(b->high), "low_runs",
                                              (json_int_t)b->n_low, "high_runs",
                                              (json_int_t)b->n_high, "rho", num(s->rho[b->param])));
    }
    return json_pack("{s:s,s:o,s:I,s:o,s:I}", "output", sweep_metric_names[m], "mean", num(s->mean),
                     "runs", (json_int_t)s->n, "bars", list, "more",
                     (json_int_t)(np > TORNADO_MAX_BARS ? np - TORNADO_MAX_BARS : 0));
}

/* An output worth a tornado: some successful run, and not the same value in all of them. */
static bool varies(const output_stats *s) {
    return s->n > 1 && s->pct[0] != s->pct[4];
}

/* ---- tables ---- */

static json_t *outputs_table(const aif_sweep *sw, const output_stats *stats) {
    json_t *cols = json_pack("[s,s,s,s,s,s,s,s,s,s]", "output", "runs", "mean", "p5", "p25", "p50",
                             "p75", "p95", "most sensitive to", "spearman");
    json_t *rows = json_array();
    for (size_t m = 0; m < SWEEP_METRIC_COUNT; m++) {
        const output_stats *s = &stats[m];
        size_t best = SIZE_MAX;
        for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
            if (isfinite(s->rho[p]) && (best == SIZE_MAX || fabs(s->rho[p]) > fabs(s->rho[best]))) {
                best = p;
            }
        }
        json_array_append_new(
            rows, json_pack("[s,I,o,o,o,o,o,o,o,o]", sweep_metric_names[m], (json_int_t)s->n,
                            num(s->mean), num(s->pct[0]), num(s->pct[1]), num(s->pct[2]),
                            num(s->pct[3]), num(s->pct[4]),
                            best == SIZE_MAX ? json_null()
                                             : json_string(aif_sweep_parameter_at(sw, best)->key),
                            best == SIZE_MAX ? json_null() : num(s->rho[best])));
    }
    return json_pack("{s:s,s:s,s:o,s:o}", "id", "outputs", "title",
                     "Outputs across the successful runs", "columns", cols, "rows", rows);
}

static json_t *runs_table(const aif_sweep *sw, const run_row *rows) {
    json_t *cols = json_pack("[s,s,s,s]", "run", "point", "replication", "status");
    for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
        json_array_append_new(cols, json_string(aif_sweep_parameter_at(sw, p)->key));
    }
    for (size_t t = 0; t < TABLE_METRICS; t++) {
        json_array_append_new(cols, json_string(table_metrics[t]));
    }
    json_array_append_new(cols, json_string("error"));
    json_t *list = json_array();
    for (size_t i = 0; i < aif_sweep_run_count(sw); i++) {
        const aif_sweep_run *run = aif_sweep_run_at(sw, i);
        json_t *r = json_pack("[I,I,I,s]", (json_int_t)i, (json_int_t)run->point,
                              (json_int_t)run->replication, rows[i].ok ? "ok" : "failed");
        for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
            json_array_append_new(r, cli_json_text(run->param_texts[p]));
        }
        for (size_t t = 0; t < TABLE_METRICS; t++) {
            size_t m = metric_index(table_metrics[t]);
            json_array_append_new(r, rows[i].ok && m != SIZE_MAX ? num(rows[i].values[m])
                                                                 : json_null());
        }
        json_array_append_new(r, rows[i].ok ? json_null() : cli_json_text(rows[i].error));
        json_array_append_new(list, r);
    }
    return json_pack("{s:s,s:s,s:o,s:o}", "id", "runs", "title", "Runs", "columns", cols, "rows",
                     list);
}

static json_t *head(const aif_sweep *sw, const char *file, const run_row *rows) {
    size_t runs = aif_sweep_run_count(sw), failed = 0;
    for (size_t i = 0; i < runs; i++) {
        failed += !rows[i].ok;
    }
    json_t *params = json_array();
    for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
        json_array_append_new(params, json_string(aif_sweep_parameter_at(sw, p)->key));
    }
    const char *scenario = aif_sweep_scenario_path(sw);
    json_t *h = json_object();
    json_object_set_new(h, "file", cli_json_text(file));
    json_object_set_new(h, "scenario", cli_json_text(scenario ? scenario : "default"));
    json_object_set_new(h, "design", json_string(aif_sweep_design_name(aif_sweep_design_get(sw))));
    json_object_set_new(h, "points", json_integer((json_int_t)aif_sweep_points(sw)));
    json_object_set_new(h, "replications", json_integer((json_int_t)aif_sweep_replications(sw)));
    json_object_set_new(h, "seed", json_integer((json_int_t)aif_sweep_seed(sw)));
    json_object_set_new(h, "hash", json_string(aif_sweep_hash(sw)));
    json_object_set_new(h, "parameters", params);
    json_object_set_new(h, "runs", json_integer((json_int_t)runs));
    json_object_set_new(h, "failed", json_integer((json_int_t)failed));
    json_object_set_new(h, "tornado_tail", json_real(TORNADO_TAIL));
    return h;
}

json_t *sweep_html_document(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                            const run_row *rows, const output_stats *stats, aif_error *err) {
    size_t runs = aif_sweep_run_count(sw);
    size_t np = aif_sweep_parameter_count(sw);
    run_series *rs = calloc(runs + 1, sizeof *rs);
    double *scratch = malloc((runs + 1) * sizeof *scratch);
    bar *bars = malloc((np + 1) * sizeof *bars);
    json_t *doc = NULL;
    aif_status s = rs && scratch && bars ? AIF_OK : AIF_ENOMEM;
    collect c = {0};
    for (size_t i = 0; s == AIF_OK && i < runs; i++) {
        if (!rows[i].ok) {
            continue;
        }
        c.rs = &rs[i];
        s = aif_sweep_store_get_series(st, id, i, on_series, &c, err);
        if (s == AIF_OK && c.nomem) {
            s = AIF_ENOMEM;
        }
    }
    if (s == AIF_OK) {
        json_t *fans = json_array(), *torn = json_array(), *flat = json_array();
        bool nomem = false;
        for (size_t k = 0; k < SWEEP_SERIES_COUNT; k++) {
            json_t *f = fan(rows, rs, runs, k, scratch, &nomem);
            if (f) {
                json_array_append_new(fans, f);
            }
        }
        for (size_t m = 0; m < SWEEP_METRIC_COUNT; m++) {
            if (varies(&stats[m])) {
                json_array_append_new(torn, tornado(sw, rows, runs, m, &stats[m], scratch, bars));
            } else {
                json_array_append_new(flat, json_string(sweep_metric_names[m]));
            }
        }
        doc = nomem ? NULL : json_object();
        if (doc) {
            json_object_set_new(doc, "sweep", head(sw, file, rows));
            json_object_set_new(doc, "fans", fans);
            json_object_set_new(doc, "tornado", torn);
            json_object_set_new(doc, "constant_outputs", flat);
            json_object_set_new(doc, "outputs", outputs_table(sw, stats));
            json_object_set_new(doc, "runs", runs_table(sw, rows));
        } else {
            json_decref(fans);
            json_decref(torn);
            json_decref(flat);
            s = AIF_ENOMEM;
        }
    }
    if (s == AIF_ENOMEM) {
        aif_error_set(err, AIF_ENOMEM, "report: out of memory");
    }
    free_series(rs, runs);
    free(scratch);
    free(bars);
    return s == AIF_OK ? doc : NULL;
}

int sweep_html_write(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                     const char *dir, const run_row *rows, const output_stats *stats) {
    aif_error err = {0};
    json_t *doc = sweep_html_document(sw, st, id, file, rows, stats, &err);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    aif_status s = doc == NULL ? (err.status ? err.status : AIF_ENOMEM)
                   : text      ? AIF_OK
                               : AIF_ENOMEM;
    if (s == AIF_OK) {
        char path[AIF_OUTDIR_PATH_MAX + 16], title[320];
        snprintf(path, sizeof path, "%s/report.html", dir);
        const char *slash = strrchr(file, '/');
        snprintf(title, sizeof title, "aifactory sweep: %.280s", slash ? slash + 1 : file);
        aif_report_options opt = {.title = title};
        s = aif_report_write_document(text, path, &opt, &err);
    }
    free(text);
    if (s != AIF_OK) {
        cli_print_error("sweep", &err, s);
        return 1;
    }
    return 0;
}
