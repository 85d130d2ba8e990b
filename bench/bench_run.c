/* bench_run: wall time, events/s and peak memory of `aifactory run` on the embedded default
 * scenario (openai-nvidia-10gw), and on a variant with every phase's power, ramp rate and
 * block size scaled (by --set) so the phases add up to --gw (default 100, ~4.2x), to show
 * that cost grows at most linearly with fleet size (capacity is counted in racks per cell,
 * so it should hardly grow at all). Each configuration is timed --reps times (default 5):
 * scenario binding, fleet construction and the simulation apart, then once the recording
 * into an in-memory results store with the CSV export (the run's output cost). Prints the
 * medians and the peak RSS of the process (getrusage). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_stats.h"
#include "aifactory/fleet.h"
#include "aifactory/results.h"
#include "aifactory/scenario.h"

#define MAX_SETS 96

/* Overrides that scale every phase of the default scenario so that the phases add up to
 * about `gw` (0: no overrides); the scaled total goes to *phases_gw. */
static int scale_sets(double gw, char sets[MAX_SETS][96], double *phases_gw) {
    aif_scenario *sc = NULL;
    int n = 0;
    if (aif_scenario_create(NULL, &sc) != AIF_OK || aif_scenario_load_default(sc) != AIF_OK) {
        aif_scenario_destroy(sc);
        return 0;
    }
    double total = 0;
    for (size_t s = 0; s < aif_scenario_site_count(sc); s++) {
        const aif_scenario_site *site = aif_scenario_site_at(sc, s);
        for (size_t k = 0; k < site->phase_count; k++) {
            total += site->phases[k].power_w;
        }
    }
    /* A multiple of 1/4 keeps every scaled power exact in binary, so power / block stays a
     * whole number of blocks (an inexact quotient would add a sliver block that is below one
     * rack, which the binder rejects). */
    double scale = gw > 0 ? round(4 * gw * 1e9 / total) / 4 : 1;
    *phases_gw = total * scale / 1e9;
    if (gw == 0) {
        aif_scenario_destroy(sc);
        return 0;
    }
    for (size_t s = 0; s < aif_scenario_site_count(sc); s++) {
        const aif_scenario_site *site = aif_scenario_site_at(sc, s);
        for (size_t k = 0; k < site->phase_count && n + 3 <= MAX_SETS; k++) {
            const aif_scenario_phase *ph = &site->phases[k];
            snprintf(sets[n++], 96, "sites.%zu.phases.%zu.power=%.9gMW", s, k,
                     ph->power_w * scale / 1e6);
            snprintf(sets[n++], 96, "sites.%zu.phases.%zu.block=%.9gMW", s, k,
                     ph->block_w * scale / 1e6);
            if (ph->ramp_w_per_quarter > 0) {
                snprintf(sets[n++], 96, "sites.%zu.phases.%zu.ramp.per_quarter=%.9gMW", s, k,
                         ph->ramp_w_per_quarter * scale / 1e6);
            }
        }
    }
    aif_scenario_destroy(sc);
    return n;
}

typedef struct sample {
    double load_s, create_s, run_s, record_s;
    double peak_gw;
    uint64_t events;
} sample;

static int one_run(char sets[][96], int nsets, int record, sample *out) {
    double t0 = bench_wall_s();
    aif_scenario *sc = NULL;
    if (aif_scenario_create(NULL, &sc) != AIF_OK) {
        return 1;
    }
    for (int i = 0; i < nsets; i++) {
        aif_scenario_set(sc, sets[i]);
    }
    if (aif_scenario_load_default(sc) != AIF_OK) {
        const aif_error_list *errs = aif_scenario_errors(sc);
        for (size_t i = 0; i < errs->count && i < 5; i++) {
            fprintf(stderr, "bench_run: %s\n", aif_error_list_at(errs, i)->message);
        }
        aif_scenario_destroy(sc);
        return 1;
    }
    aif_fleet_input in;
    aif_fleet_input_from_scenario(sc, &in);
    double t1 = bench_wall_s();
    aif_fleet *f = NULL;
    aif_error err = {0};
    if (aif_fleet_create(NULL, &in, &f, &err) != AIF_OK) {
        fprintf(stderr, "bench_run: %s\n", err.message);
        aif_scenario_destroy(sc);
        return 1;
    }
    double t2 = bench_wall_s();
    int rc = aif_fleet_run(f, NULL, NULL) != AIF_OK;
    double t3 = bench_wall_s();
    out->load_s = t1 - t0;
    out->create_s = t2 - t1;
    out->run_s = t3 - t2;
    out->events = aif_fleet_summary_get(f)->events;
    out->peak_gw = aif_fleet_summary_get(f)->peak_facility_w / 1e9;
    out->record_s = NAN;
    if (rc == 0 && record) {
        aif_results *r = NULL;
        int64_t id = 0;
        aif_results_run meta = {.name = in.name, .kind = "scenario", .wall_s = NAN};
        char dir[] = "/tmp/bench_run_XXXXXX";
        rc = mkdtemp(dir) == NULL || aif_results_create(NULL, NULL, &r, NULL) != AIF_OK ||
             aif_results_add_run(r, &meta, &id) != AIF_OK;
        aif_record_sink sink = aif_results_sink(r, id);
        rc = rc || aif_fleet_record(NULL, f, &sink) != AIF_OK ||
             aif_results_export_csv(r, dir) != AIF_OK;
        aif_results_close(r);
        out->record_s = bench_wall_s() - t3;
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        rc |= system(cmd) != 0;
    }
    aif_fleet_destroy(f);
    aif_scenario_destroy(sc);
    return rc;
}

static int bench(const char *label, double gw, int reps) {
    static char sets[MAX_SETS][96];
    double phases_gw = 0;
    int nsets = scale_sets(gw, sets, &phases_gw);
    double load[64], create[64], run[64], total[64];
    sample s = {0};
    double record_s = NAN;
    for (int i = 0; i < reps; i++) {
        if (one_run(sets, nsets, i == 0, &s) != 0) {
            return 1;
        }
        if (i == 0) {
            record_s = s.record_s;
        }
        load[i] = s.load_s;
        create[i] = s.create_s;
        run[i] = s.run_s;
        total[i] = s.load_s + s.create_s + s.run_s;
    }
    qsort(load, (size_t)reps, sizeof(double), bench_cmp_double);
    qsort(create, (size_t)reps, sizeof(double), bench_cmp_double);
    qsort(run, (size_t)reps, sizeof(double), bench_cmp_double);
    qsort(total, (size_t)reps, sizeof(double), bench_cmp_double);
    int m = reps / 2;
    printf("%-16s phases %6.1f GW, peak %6.1f GW  events %9llu  load %.3f s  create %.3f s  run "
           "%.3f s  "
           "total %.3f s  %.3g events/s  record+csv %.2f s\n",
           label, phases_gw, s.peak_gw, (unsigned long long)s.events, load[m], create[m], run[m],
           total[m], (double)s.events / run[m], record_s);
    return 0;
}

int main(int argc, char **argv) {
    int reps = 5;
    double gw = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reps") == 0) {
            reps = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--gw") == 0) {
            gw = atof(argv[i + 1]);
        }
    }
    if (reps < 1 || reps > 64 || !(gw > 0)) {
        fprintf(stderr, "usage: bench_run [--reps R (5, <= 64)] [--gw G (100)]\n");
        return 2;
    }
    printf("bench_run: median of %d runs (record+csv: first run only)\n", reps);
    struct rusage ru;
    if (bench("default", 0, reps) != 0) {
        return 1;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS after the default runs %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    char label[32];
    snprintf(label, sizeof label, "scaled to %g GW", gw);
    if (bench(label, gw, reps) != 0) {
        return 1;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS after all runs %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
