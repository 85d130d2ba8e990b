/* Writes the outputs of three synthetic runs for the browser test: for a scenario, a
 * replay and a four-year run recorded hourly (for zooming), a results database, its CSV files,
 * summary.json, report.html (uPlot when the build inlined it) and report-svg.html (the built-in SVG
 * charts), each in its own folder under the directory given as the only argument. */
#include <stdio.h>
#include <sys/stat.h>

#include "aifactory/report.h"
#include "aifactory/results.h"
#include "test_report_fixture.h"

static int emit(const char *dir, aif_status (*fixture)(aif_results *, int64_t *)) {
    char path[512];
    char err[256] = "";
    aif_results *r = NULL;
    int64_t run = 0;
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    aif_status st = aif_results_create(NULL, path, &r, NULL);
    if (st == AIF_OK) {
        st = fixture(r, &run);
        st = st ? st : aif_results_finish(r);
        st = st ? st : aif_results_export_csv(r, dir);
        snprintf(path, sizeof path, "%s/summary.json", dir);
        st = st ? st : aif_results_write_summary(r, path);
        snprintf(path, sizeof path, "%s/report.html", dir);
        st = st ? st : aif_report_write(r, run, path, NULL);
        aif_report_options svg = {.title = NULL, .force_svg = 1};
        snprintf(path, sizeof path, "%s/report-svg.html", dir);
        st = st ? st : aif_report_write(r, run, path, &svg);
        snprintf(err, sizeof err, "%.255s", aif_results_error(r)->message);
        aif_results_close(r);
    }
    if (st != AIF_OK) {
        fprintf(stderr, "make_reports: %s: %s (%s)\n", dir, aif_strerror(st), err);
        return 1;
    }
    printf("%s\n", dir);
    return 0;
}

static aif_status random_replay(aif_results *r, int64_t *run) {
    return fx_random_replay(r, 400, run);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: make_reports OUTDIR\n");
        return 2;
    }
    char dir[400];
    mkdir(argv[1], 0755);
    snprintf(dir, sizeof dir, "%s/scenario", argv[1]);
    int rc = emit(dir, fx_scenario_dated);
    snprintf(dir, sizeof dir, "%s/replay", argv[1]);
    rc |= emit(dir, random_replay);
    snprintf(dir, sizeof dir, "%s/long", argv[1]);
    rc |= emit(dir, fx_long_hourly);
    printf("chart library inlined: %s\n", aif_report_has_chart_library() ? "uPlot" : "no");
    return rc;
}
