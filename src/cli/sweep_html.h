/* The HTML report of a sweep (docs/sweep.md "The report"): DIR/report.html, one
 * self-contained page drawn by the same web/report.js as a run's report, with fan charts
 * (P10-P90 bands over time) of the runs' key series, a tornado chart per output and the
 * table of runs. Built from the store, so a resumed sweep's page holds every run. */
#ifndef AIF_CLI_SWEEP_HTML_H
#define AIF_CLI_SWEEP_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "aifactory/sweep.h"
#include "aifactory/sweep_store.h"
#include "sweep_exec.h"

/* One run as read back from the store. */
typedef struct run_row {
    bool ok;
    char error[SWEEP_ERROR_MAX];
    double values[SWEEP_METRIC_COUNT];
} run_row;

/* One output across the successful runs (sweep_report.c). */
typedef struct output_stats {
    size_t n; /* successful runs with a finite value */
    double mean, pct[5];
    double rho[AIF_SWEEP_MAX_PARAMETERS + AIF_SWEEP_MAX_CATALOG_RANGES];
} output_stats;

/* The page's document (the JSON object web/report.js draws for a sweep): the sweep, the
 * outputs table, the fan charts of the series read from `st`, the tornado charts and the
 * table of runs. NULL when memory runs out or the store cannot be read (the reason in
 * *err). Deterministic: the same stored runs give the same document. */
json_t *sweep_html_document(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                            const run_row *rows, const output_stats *stats, aif_error *err);

/* Write DIR/report.html (atomically). Returns an exit code: 0, or 1 with the reason printed. */
int sweep_html_write(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                     const char *dir, const run_row *rows, const output_stats *stats);

#endif
