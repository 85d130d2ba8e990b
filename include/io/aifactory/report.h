/* The HTML report of a run: one self-contained file that opens offline in any browser.
 *
 * The page is generated from a results store (a finished database file, or an in-memory
 * store filled by the caller) so it shows whatever the run recorded, with no report change
 * when the simulation adds series: the key numbers (metrics) and assumptions (params) in a
 * header; one chart per `chart` tag of the time series; for runs with jobs (a trace
 * replay, training runs) the JCT and wait CDFs, busy GPUs and queue length over time and a
 * per-VC table; the cumulative cash position by ledger category; an event strip and the
 * contracts. The data goes into the page as embedded JSON; our JS/CSS and, when npm was
 * available at build time, the pinned uPlot library are inlined from C sources generated
 * at build time. Without uPlot the page draws its own SVG charts, and says so. */
#ifndef AIFACTORY_REPORT_H
#define AIFACTORY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/error.h"
#include "aifactory/results.h"
#include "aifactory/status.h"

typedef struct aif_report_options {
    const char *title; /* page title; NULL: "aifactory report: <run name>" */
    int force_svg;     /* 1: draw the built-in SVG charts even when uPlot is inlined */
    /* When not NULL, gets how many infinite or NaN numbers the page shows as null (JSON
     * has neither), so the caller can say so. */
    size_t *nonfinite;
} aif_report_options;

/* Write the report of run `run_id` (0: the first run in the store) to `path`, atomically
 * (temporary file in the same directory, then rename). `opt` may be NULL for defaults.
 * The store is only read. Errors: AIF_EINVAL (NULL argument), AIF_ENOTFOUND (no such run),
 * AIF_ENOMEM, AIF_EIO; the reason is in aif_results_error(r). Cost: one pass over the
 * run's rows; the page draws at most a few thousand points per chart (longer series are
 * thinned, job curves are summarised into quantiles and time buckets), and a chart drawn
 * as means also carries its series' finest points (at most 100 000 each, compactly
 * coded) for the page to draw when zoomed in. */
aif_status aif_report_write(aif_results *r, int64_t run_id, const char *path,
                            const aif_report_options *opt);

/* Write the page of a document the caller built (`json`: the text of one JSON object in the
 * form web/report.js draws; a sweep's report is one, with a top-level "sweep" key: see
 * docs/sweep.md), with the chart library's flags and the title (opt->title, else
 * "aifactory report: <run.name>") added, to `path`, atomically. The page is a function of
 * the text: the same text gives the same bytes. Errors (message in *err, may be NULL):
 * AIF_EINVAL (NULL argument, or not a JSON object), AIF_ENOMEM, AIF_EIO. */
aif_status aif_report_write_document(const char *json, const char *path,
                                     const aif_report_options *opt, aif_error *err);

/* 1 when the pinned chart library was inlined at build time, 0 when the build fell back to
 * the built-in SVG charts. */
int aif_report_has_chart_library(void);

#endif
