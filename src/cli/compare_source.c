/* The two sides of `aifactory compare` (compare_source.h): a run folder opened read-only
 * after its summary.json is checked, or a scenario simulated here and recorded into an
 * in-memory results store, so both sides are read the same way and a saved run is never
 * rerun. */
#include "compare_source.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "aifactory/fleet.h"
#include "aifactory/progress.h"
#include "aifactory/syserr.h"
#include "cli_errors.h"
#include "cli_scenario.h"

/* One line on stderr, exit 2: a folder that is not what `run -o` writes. */
static int bad_folder(const char *path, const char *what) {
    fprintf(stderr, "aifactory compare: %s: %s\n", path, what);
    return CLI_EXIT_USAGE;
}

/* summary.json must say it is aifactory's, of this schema version, with a run. */
static int check_summary(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    struct stat st;
    if (stat(path, &st) != 0) {
        return bad_folder(dir, "not an aifactory run folder: it has no summary.json (expected "
                               "the folder `aifactory run -o DIR` writes: summary.json, "
                               "results.sqlite, CSV files, report.html)");
    }
    json_error_t jerr;
    json_t *s = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (s == NULL) {
        fprintf(stderr,
                "aifactory compare: %s:%d:%d: error: not valid JSON (%s); expected the "
                "summary.json that `aifactory run` writes\n",
                path, jerr.line, jerr.column, jerr.text);
        return CLI_EXIT_USAGE;
    }
    const char *format = json_string_value(json_object_get(s, "format"));
    json_t *version = json_object_get(s, "results_schema_version");
    json_t *runs = json_object_get(s, "runs");
    int rc = CLI_EXIT_OK;
    if (format == NULL || strcmp(format, "aifactory-summary") != 0) {
        fprintf(stderr,
                "aifactory compare: %s: error: not an aifactory summary (expected \"format\": "
                "\"aifactory-summary\", found %s%s%s)\n",
                path, format ? "\"" : "", format ? format : "none", format ? "\"" : "");
        rc = CLI_EXIT_USAGE;
    } else if (!json_is_integer(version) ||
               json_integer_value(version) != AIF_RESULTS_SCHEMA_VERSION) {
        long long v = json_is_integer(version) ? (long long)json_integer_value(version) : -1;
        if (v >= 0) {
            fprintf(stderr,
                    "aifactory compare: %s: error: results schema version %lld is %s than this "
                    "aifactory's version %d; rerun the simulation to regenerate it\n",
                    path, v, v < AIF_RESULTS_SCHEMA_VERSION ? "older" : "newer",
                    AIF_RESULTS_SCHEMA_VERSION);
        } else {
            fprintf(stderr,
                    "aifactory compare: %s: error: expected \"results_schema_version\": %d, "
                    "found none\n",
                    path, AIF_RESULTS_SCHEMA_VERSION);
        }
        rc = CLI_EXIT_USAGE;
    } else if (!json_is_array(runs) || json_array_size(runs) == 0) {
        fprintf(stderr, "aifactory compare: %s: error: expected \"runs\" with one run, found %s\n",
                path, json_is_array(runs) ? "none" : "no list");
        rc = CLI_EXIT_USAGE;
    }
    json_decref(s);
    return rc;
}

static int open_folder(const char *dir, compare_source *src) {
    int rc = check_summary(dir);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    struct stat st;
    if (stat(path, &st) != 0) {
        return bad_folder(dir, "not a complete aifactory run folder: it has summary.json but no "
                               "results.sqlite (expected both, as `aifactory run -o DIR` writes "
                               "them)");
    }
    aif_error err = {0};
    aif_status s = aif_results_open(NULL, path, &src->results, &err);
    if (s != AIF_OK) {
        cli_print_error("compare", &err, s);
        return s == AIF_EIO || s == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    src->run_folder = true;
    return CLI_EXIT_OK;
}

/* Simulate the fleet and record it into a new in-memory store. */
static int simulate(const compare_options *o, const char *label, const aif_fleet_input *in,
                    aif_fleet *f, compare_source *src) {
    cli_fleet_progress pc = {0};
    aif_progress_config pcfg = {.out = stderr,
                                .mode =
                                    o->quiet ? AIF_PROGRESS_NEVER : (aif_progress_mode)o->progress,
                                .is_tty = -1,
                                .label = label,
                                .start = in->simulation.start_date,
                                .end = in->simulation.end};
    aif_progress_init(&pc.p, &pcfg);
    aif_status st = aif_fleet_run(f, cli_fleet_progress_observe, &pc);
    aif_progress_finish(&pc.p, in->simulation.end, aif_fleet_summary_get(f)->events);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory compare: %s: simulation failed: %s\n", src->path,
                aif_strerror(st));
        return CLI_EXIT_FAILURE;
    }
    aif_error err = {0};
    st = aif_results_create(NULL, NULL, &src->results, &err);
    /* No wall clock: what is compared depends on the inputs only. */
    aif_results_run meta = {.name = in->name,
                            .kind = "scenario",
                            .seed = (int64_t)in->simulation.seed,
                            .wall_s = NAN,
                            .sim_start_s = 0,
                            .sim_end_s = (double)in->simulation.end / 1e9};
    int64_t run_id = 0;
    if (st == AIF_OK) {
        st = aif_results_add_run(src->results, &meta, &run_id);
    }
    if (st == AIF_OK) {
        aif_record_sink sink = aif_results_sink(src->results, run_id);
        st = aif_fleet_record(NULL, f, &sink);
    }
    if (st == AIF_OK) {
        st = aif_results_finish(src->results);
    }
    if (st != AIF_OK) {
        const aif_error *e = src->results ? aif_results_error(src->results) : &err;
        fprintf(stderr, "aifactory compare: %s: recording the run: %s\n", src->path,
                e->message[0] ? e->message : aif_strerror(st));
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static int run_scenario(const cli_verb_spec *spec, const compare_options *o, const char *label,
                        compare_source *src) {
    aif_scenario *sc = NULL;
    aif_status st = AIF_OK;
    int rc = cli_scenario_open(spec, src->path, o->sets, o->seed, &sc, &st);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (st != AIF_OK) {
        aif_scenario_destroy(sc);
        return CLI_EXIT_USAGE;
    }
    aif_fleet_input in;
    aif_fleet_input_from_scenario(sc, &in);
    aif_fleet *f = NULL;
    aif_error err = {0};
    st = aif_fleet_create(NULL, &in, &f, &err);
    if (st != AIF_OK) {
        cli_print_error("compare", &err, st);
        aif_scenario_destroy(sc);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    rc = simulate(o, label, &in, f, src);
    aif_fleet_destroy(f);
    aif_scenario_destroy(sc);
    return rc;
}

int compare_source_open(const cli_verb_spec *spec, const compare_options *o, const char *label,
                        const char *path, compare_source *src) {
    *src = (compare_source){.path = path};
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        return open_folder(path, src);
    }
    /* Anything else is a scenario: a file, or the name of the embedded default (a missing
     * file is reported by the scenario reader, with its path). */
    return run_scenario(spec, o, label, src);
}

void compare_source_close(compare_source *src) {
    aif_results_close(src->results);
    src->results = NULL;
}
