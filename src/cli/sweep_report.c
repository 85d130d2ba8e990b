/* The analysis and output of a sweep (see sweep_report.h). Everything comes from the store,
 * so a resumed sweep reports the runs of earlier invocations exactly as this one's. */
#include "sweep_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/rankstat.h"
#include "cli_errors.h"
#include "json_out.h"
#include "sweep_exec.h"
#include "sweep_html.h"

static const double percentiles[5] = {0.05, 0.25, 0.50, 0.75, 0.95};
static const char *const percentile_names[5] = {"p5", "p25", "p50", "p75", "p95"};

static int by_double(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Stats of metric m over the rows; x and y are scratch of `runs` doubles each. */
static bool stats_of(const aif_sweep *sw, const run_row *rows, size_t runs, size_t m, double *x,
                     double *y, output_stats *out) {
    *out = (output_stats){0};
    size_t n = 0;
    double sum = 0;
    for (size_t i = 0; i < runs; i++) {
        if (rows[i].ok && isfinite(rows[i].values[m])) {
            y[n++] = rows[i].values[m];
            sum += rows[i].values[m];
        }
    }
    out->n = n;
    out->mean = n ? sum / (double)n : NAN;
    for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
        size_t k = 0;
        for (size_t i = 0; i < runs; i++) {
            if (rows[i].ok && isfinite(rows[i].values[m])) {
                x[k] = aif_sweep_run_at(sw, i)->param_values[p];
                y[k] = rows[i].values[m];
                k++;
            }
        }
        if (aif_spearman(NULL, x, y, k, &out->rho[p]) != AIF_OK) {
            return false;
        }
    }
    /* y was reordered above: gather it again to sort. */
    n = 0;
    for (size_t i = 0; i < runs; i++) {
        if (rows[i].ok && isfinite(rows[i].values[m])) {
            y[n++] = rows[i].values[m];
        }
    }
    qsort(y, n, sizeof *y, by_double);
    for (int p = 0; p < 5; p++) {
        out->pct[p] = aif_quantile_sorted(y, n, percentiles[p]);
    }
    return true;
}

static json_t *num(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *run_json(const aif_sweep *sw, const run_row *row, size_t i) {
    const aif_sweep_run *run = aif_sweep_run_at(sw, i);
    json_t *params = json_object();
    for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
        json_object_set_new(params, aif_sweep_parameter_at(sw, p)->key,
                            cli_json_text(run->param_texts[p]));
    }
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)i));
    json_object_set_new(o, "point", json_integer((json_int_t)run->point));
    json_object_set_new(o, "replication", json_integer((json_int_t)run->replication));
    json_object_set_new(o, "key", json_string(run->key_hex));
    json_object_set_new(o, "params", params);
    json_object_set_new(o, "status", json_string(row->ok ? "ok" : "failed"));
    if (row->ok) {
        json_t *metrics = json_object();
        for (size_t m = 0; m < SWEEP_METRIC_COUNT; m++) {
            json_object_set_new(metrics, sweep_metric_names[m], num(row->values[m]));
        }
        json_object_set_new(o, "metrics", metrics);
    } else {
        json_object_set_new(o, "error", cli_json_text(row->error));
    }
    return o;
}

static json_t *output_json(const aif_sweep *sw, const output_stats *s) {
    json_t *o = json_object();
    json_object_set_new(o, "runs", json_integer((json_int_t)s->n));
    json_object_set_new(o, "mean", num(s->mean));
    for (int p = 0; p < 5; p++) {
        json_object_set_new(o, percentile_names[p], num(s->pct[p]));
    }
    json_t *rho = json_object();
    for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
        json_object_set_new(rho, aif_sweep_parameter_at(sw, p)->key, num(s->rho[p]));
    }
    json_object_set_new(o, "spearman", rho);
    return o;
}

static int print_json(const aif_sweep *sw, const run_row *rows, const output_stats *stats,
                      const char *file, const sweep_report_where *where, size_t failed) {
    size_t runs = aif_sweep_run_count(sw);
    const char *scenario = aif_sweep_scenario_path(sw);
    json_t *params = json_array();
    for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
        json_array_append_new(params, json_string(aif_sweep_parameter_at(sw, p)->key));
    }
    json_t *head = json_object();
    json_object_set_new(head, "file", cli_json_text(file));
    json_object_set_new(head, "scenario", cli_json_text(scenario ? scenario : "default"));
    json_object_set_new(head, "design",
                        json_string(aif_sweep_design_name(aif_sweep_design_get(sw))));
    json_object_set_new(head, "points", json_integer((json_int_t)aif_sweep_points(sw)));
    json_object_set_new(head, "replications", json_integer((json_int_t)aif_sweep_replications(sw)));
    json_object_set_new(head, "seed", json_integer((json_int_t)aif_sweep_seed(sw)));
    json_object_set_new(head, "hash", json_string(aif_sweep_hash(sw)));
    json_object_set_new(head, "parameters", params);
    json_t *list = json_array();
    for (size_t i = 0; i < runs; i++) {
        json_array_append_new(list, run_json(sw, &rows[i], i));
    }
    json_t *outputs = json_object();
    for (size_t m = 0; m < SWEEP_METRIC_COUNT; m++) {
        json_object_set_new(outputs, sweep_metric_names[m], output_json(sw, &stats[m]));
    }
    json_t *o = json_object();
    json_object_set_new(o, "sweep", head);
    json_object_set_new(o, "runs", list);
    json_object_set_new(o, "failed", json_integer((json_int_t)failed));
    json_object_set_new(o, "outputs", outputs);
    if (where->db) {
        json_object_set_new(o, "db", cli_json_text(where->db));
    }
    if (where->out_dir) {
        json_object_set_new(o, "out_dir", cli_json_text(where->out_dir));
    }
    return cli_json_print("sweep", o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(12));
}

static void print_table(const aif_sweep *sw, const run_row *rows, const output_stats *stats,
                        const sweep_report_where *w, size_t failed) {
    size_t runs = aif_sweep_run_count(sw);
    size_t reps = aif_sweep_replications(sw);
    printf("sweep: %zu runs (%zu points x %zu replication%s, %s design), %zu ok, %zu failed\n",
           runs, aif_sweep_points(sw), reps, reps == 1 ? "" : "s",
           aif_sweep_design_name(aif_sweep_design_get(sw)), runs - failed, failed);
    printf("%-27s %11s %11s %11s %11s  %s\n", "output", "mean", "p5", "p50", "p95",
           "most sensitive to (spearman)");
    size_t hidden = 0;
    for (size_t m = 0; m < SWEEP_METRIC_COUNT; m++) {
        const output_stats *s = &stats[m];
        if (s->n == 0 || (s->pct[0] == 0 && s->pct[4] == 0)) {
            hidden++;
            continue;
        }
        size_t best = SIZE_MAX;
        for (size_t p = 0; p < aif_sweep_parameter_count(sw); p++) {
            if (isfinite(s->rho[p]) && (best == SIZE_MAX || fabs(s->rho[p]) > fabs(s->rho[best]))) {
                best = p;
            }
        }
        printf("%-27s %11.4g %11.4g %11.4g %11.4g  ", sweep_metric_names[m], s->mean, s->pct[0],
               s->pct[2], s->pct[4]);
        if (best == SIZE_MAX) {
            printf("- (constant)\n");
        } else if (fabs(s->rho[best]) < 0.005) {
            printf("- (no rank correlation)\n");
        } else {
            printf("%s %+.2f\n", aif_sweep_parameter_at(sw, best)->key, s->rho[best]);
        }
    }
    if (hidden) {
        printf("(%zu outputs zero in every run, or with no successful run, not shown)\n", hidden);
    }
    for (size_t i = 0, shown = 0; i < runs && shown < 5; i++) {
        if (!rows[i].ok) {
            printf("run %zu failed: %s\n", i, rows[i].error);
            shown++;
        }
    }
    char where[AIF_ERROR_MESSAGE_MAX];
    if (w->db) {
        snprintf(where, sizeof where, "%s (sweep %s)", w->db, aif_sweep_hash(sw));
    } else {
        snprintf(where, sizeof where, "%s/sweep.sqlite", w->out_dir);
    }
    if (failed > 5) {
        printf("(%zu more failed runs; see runs.error in %s)\n", failed - 5, where);
    }
    printf("results: %s\n", where);
    if (w->db && w->out_dir) {
        printf("report: %s/report.html\n", w->out_dir);
    }
}

int sweep_report(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                 const sweep_report_where *where, bool json, bool quiet, size_t *failed) {
    size_t runs = aif_sweep_run_count(sw);
    run_row *rows = calloc(runs, sizeof *rows);
    output_stats *stats = calloc(SWEEP_METRIC_COUNT, sizeof *stats);
    double *x = calloc(2 * runs + 1, sizeof *x);
    int rc = rows && stats && x ? 0 : 1;
    if (rc) {
        fprintf(stderr, "aifactory sweep: out of memory\n");
    }
    *failed = 0;
    for (size_t i = 0; rc == 0 && i < runs; i++) {
        aif_error err = {0};
        aif_status s =
            aif_sweep_store_get(st, id, i, &rows[i].ok, rows[i].error, sizeof rows[i].error,
                                sweep_metric_names, rows[i].values, SWEEP_METRIC_COUNT, &err);
        if (s == AIF_ENOTFOUND) {
            rows[i].ok = false;
            snprintf(rows[i].error, sizeof rows[i].error, "not run");
        } else if (s != AIF_OK) {
            cli_print_error("sweep", &err, s);
            rc = 1;
        }
        *failed += !rows[i].ok;
    }
    for (size_t m = 0; rc == 0 && m < SWEEP_METRIC_COUNT; m++) {
        if (!stats_of(sw, rows, runs, m, x, x + runs, &stats[m])) {
            fprintf(stderr, "aifactory sweep: out of memory\n");
            rc = 1;
        }
    }
    /* The page first: --json and the table are the last things printed. A sweep into a
     * database gets a page only when -o names a folder for it. */
    if (rc == 0 && where->html_dir != NULL) {
        rc = sweep_html_write(sw, st, id, file, where->html_dir, rows, stats);
    }
    if (rc == 0 && where->publish != NULL) {
        rc = where->publish(where->publish_ctx);
    }
    if (rc == 0 && json) {
        rc = print_json(sw, rows, stats, file, where, *failed);
    } else if (rc == 0 && !quiet) {
        print_table(sw, rows, stats, where, *failed);
    }
    free(rows);
    free(stats);
    free(x);
    return rc;
}
