/* `aifactory run`: the product's main job. Binds a scenario (a file, or the embedded default)
 * with any --set/--seed overrides, lists every input error as file:line:col (exit 2), runs
 * the fleet engine with a progress line on stderr, and writes the run's folder: the results
 * database, one CSV per table, summary.json and report.html (each written to a temporary
 * name and renamed). Then it prints the one-screen summary (run_summary.c), or with --json
 * the summary keys of issue 6 as one JSON object. The folder is written privately beside
 * its name and published whole (outdir.h), one writer at a time. Exit 0 ok, 1 runtime failure
 * (engine, I/O, memory), 2 usage or input error. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "aifactory/fleet.h"
#include "aifactory/progress.h"
#include "aifactory/report.h"
#include "aifactory/results.h"
#include "aifactory/scenario.h"
#include "cli_errors.h"
#include "args.h"
#include "cli.h"
#include "cli_outdir.h"
#include "cli_scenario.h"
#include "interrupt.h"
#include "json_out.h"
#include "run_summary.h"
#include "run_summary_json.h"

typedef struct run_args {
    cli_common common;
    cli_list sets;
    const char *seed; /* digits, checked */
    const char *out;
    bool no_report;
    bool deterministic;
    const char *research_policy;
} run_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "set",
     .value_name = "KEY=VALUE",
     .help = "override a scenario key, e.g. sites.0.phases.0.power=2GW (repeatable)",
     .set = cli_set_list,
     .offset = offsetof(run_args, sets)},
    {.name = "seed",
     .value_name = "N",
     .help = "master seed (overrides simulation.seed)",
     .set = cli_set_seed_text,
     .offset = offsetof(run_args, seed)},
    {.name = "out",
     .alias = "output",
     .short_name = 'o',
     .value_name = "DIR",
     .help = "output folder; default ./aifactory-out/<scenario>-<UTC time>/",
     .set = cli_set_path,
     .offset = offsetof(run_args, out)},
    {.name = "no-report",
     .help = "do not write report.html",
     .set = cli_set_flag,
     .offset = offsetof(run_args, no_report)},
    {.name = "deterministic",
     .help = "--json: leave out wall_s, so the output depends on inputs only",
     .set = cli_set_flag,
     .offset = offsetof(run_args, deterministic)},
    {.name = "research-policy",
     .value_name = "NAME",
     .help = "policy of the research jobs: fifo (default), backfill, sjf, srtf, las or priority",
     .set = cli_set_text,
     .offset = offsetof(run_args, research_policy)},
};

static const cli_verb_spec spec = {
    .name = "run",
    .usage = "[SCENARIO] [options]",
    .description = "Simulate an AI factory scenario (build-out, contracts, demand, "
                   "training,\nfailures and money) and write its results. With no SCENARIO, runs "
                   "the built-in\ndefault (the 10 GW build-out).\n",
    .examples =
        "aifactory run    # the built-in 10 GW scenario; results in ./aifactory-out/\n"
        "aifactory run data/scenarios/no-rofr.yaml --set simulation.end=2026-06-01 -o no-rofr\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 1,
};

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void utc_stamp(time_t t, const char *fmt, char *buf, size_t n) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, fmt, &tm);
}

/* Write the run's files into `dir` (the output folder's private folder; `shown` is the
 * folder's name for messages). Returns an exit code; prints the reason on failure. */
static int write_outputs(const run_args *a, const aif_fleet *f, const char *dir, const char *shown,
                         const aif_results_run *meta) {
    char path[4200];
    aif_error err = {0};
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    aif_results *r = NULL;
    aif_status st = aif_results_create(NULL, path, &r, &err);
    if (st != AIF_OK) {
        cli_print_error("run", &err, st);
        return CLI_EXIT_FAILURE;
    }
    int64_t run_id = 0;
    st = aif_results_add_run(r, meta, &run_id);
    if (st == AIF_OK) {
        aif_record_sink sink = aif_results_sink(r, run_id);
        st = aif_fleet_record(NULL, f, &sink);
    }
    if (st == AIF_OK) {
        st = aif_results_finish(r);
    }
    if (st == AIF_OK) {
        st = aif_results_export_csv(r, dir);
    }
    if (st == AIF_OK) {
        snprintf(path, sizeof path, "%s/summary.json", dir);
        st = aif_results_write_summary(r, path);
    }
    if (st == AIF_OK && !a->no_report) {
        snprintf(path, sizeof path, "%s/report.html", dir);
        st = aif_report_write(r, run_id, path, NULL);
    }
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory run: writing %s: %s\n", shown,
                aif_results_error(r)->message[0] ? aif_results_error(r)->message
                                                 : aif_strerror(st));
    }
    aif_results_close(r);
    return st == AIF_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

static int print_json(const run_args *a, const aif_scenario *sc, const aif_fleet_input *in,
                      const aif_fleet *f, double wall_s, const char *dir) {
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    char start[16], end[16];
    aif_date_format(in->simulation.start_date, start);
    aif_date_format(in->simulation.end_date, end);
    json_t *use = json_object();
    static const char *const uses[5] = {"inference", "training", "research", "idle", "failed"};
    for (int u = 0; u < 5; u++) {
        json_object_set_new(use, uses[u], json_real(s->gpu_hours[u]));
    }
    json_t *o = json_object();
    json_object_set_new(o, "scenario", json_string(in->name));
    json_object_set_new(o, "seed", json_integer((json_int_t)in->simulation.seed));
    json_object_set_new(o, "start", json_string(start));
    json_object_set_new(o, "end", json_string(end));
    json_object_set_new(o, "peak_facility_gw", json_real(s->peak_facility_w / 1e9));
    json_object_set_new(o, "peak_packages", json_integer(s->peak_packages));
    json_object_set_new(o, "peak_dies", json_integer(s->peak_dies));
    json_object_set_new(o, "gpu_hours_by_use", use);
    json_object_set_new(o, "inference_served_fraction", json_real(s->inference_served_fraction));
    json_object_set_new(o, "training_runs_completed", json_integer(s->training_runs_completed));
    json_object_set_new(o, "training_runs_no_progress", json_integer(s->training_runs_no_progress));
    json_object_set_new(o, "tranches_paid", json_integer(s->tranches_paid));
    json_object_set_new(o, "vendor_investment_usd", json_real(s->vendor_investment_usd));
    json_object_set_new(o, "capex_usd", json_real(s->capex_usd));
    json_object_set_new(o, "opex_usd", json_real(s->opex_usd));
    json_object_set_new(o, "cloud_payments_usd", json_real(s->cloud_payments_usd));
    json_object_set_new(o, "rofr_offers", json_integer(s->rofr_offers));
    json_object_set_new(o, "rofr_accepted", json_integer(s->rofr_accepted));
    json_object_set_new(o, "research_preemptions", json_integer(s->research_preemptions));
    json_object_set_new(o, "training_compute_flop",
                        json_real(s->frontier_compute_flop + s->research_compute_flop));
    json_object_set_new(o, "revenue_share_usd", json_real(s->revenue_share_usd));
    json_t *trig = json_object();
    for (size_t i = 0; i < in->contracts.trigger_count; i++) {
        aif_time t = aif_fleet_trigger_time(f, i);
        char when[64] = "";
        if (t != AIF_TIME_MAX) {
            aif_sim_format_datetime(t, in->simulation.start_date, when, sizeof when);
        }
        json_object_set_new(trig, in->contracts.triggers[i].name,
                            t != AIF_TIME_MAX ? json_string(when) : json_null());
    }
    json_object_set_new(o, "triggers", trig);
    json_object_set_new(o, "events", json_integer((json_int_t)s->events));
    run_summary_json_add(o, sc, f);
    if (!a->deterministic) {
        json_object_set_new(o, "wall_s", json_real(wall_s));
    }
    json_object_set_new(o, "out_dir", json_string(dir));
    return cli_json_print("run", o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(12));
}

/* The scenario with the overrides, and the fleet it builds. Returns an exit code; on
 * success the caller owns both. */
static int make_fleet(const run_args *a, aif_scenario **sc, aif_fleet_input *in, aif_fleet **f) {
    aif_status st = AIF_OK;
    int rc = cli_scenario_open(&spec, a->common.positional[0], &a->sets, a->seed, sc, &st);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (st != AIF_OK) {
        aif_scenario_destroy(*sc);
        return CLI_EXIT_USAGE;
    }
    aif_fleet_input_from_scenario(*sc, in);
    if (a->research_policy) {
        in->options.research_policy = a->research_policy;
    }
    aif_error error = {0};
    st = aif_fleet_create(NULL, in, f, &error);
    if (st != AIF_OK) {
        cli_print_error("run", &error, st);
        aif_scenario_destroy(*sc);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* Run the engine with the progress line; returns the wall-clock seconds it took. */
static aif_status simulate(const run_args *a, const aif_fleet_input *in, aif_fleet *f,
                           double *wall_s) {
    cli_fleet_progress pc = {0};
    aif_progress_config pcfg = {.out = stderr,
                                .mode = a->common.quiet ? AIF_PROGRESS_NEVER
                                                        : (aif_progress_mode)a->common.progress,
                                .is_tty = -1,
                                .label = "run",
                                .start = in->simulation.start_date,
                                .end = in->simulation.end};
    aif_progress_init(&pc.p, &pcfg);
    double t0 = wall_now();
    aif_status st = aif_fleet_run(f, cli_fleet_progress_observe, &pc);
    *wall_s = wall_now() - t0;
    aif_progress_finish(&pc.p, in->simulation.end, aif_fleet_summary_get(f)->events);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory run: simulation failed: %s\n", aif_strerror(st));
    }
    return st;
}

/* Write every output into the private folder and publish it, signals deferred. */
static int publish(const run_args *a, const aif_fleet_input *in, const aif_fleet *f, time_t started,
                   double wall_s, aif_outdir *od) {
    char started_utc[32], finished_utc[32];
    utc_stamp(started, "%Y-%m-%dT%H:%M:%SZ", started_utc, sizeof started_utc);
    utc_stamp(time(NULL), "%Y-%m-%dT%H:%M:%SZ", finished_utc, sizeof finished_utc);
    aif_results_run meta = {.name = in->name,
                            .kind = "scenario",
                            .seed = (int64_t)in->simulation.seed,
                            .started_utc = started_utc,
                            .finished_utc = finished_utc,
                            .wall_s = wall_s,
                            .sim_start_s = 0,
                            .sim_end_s = (double)in->simulation.end / 1e9};
    /* Deferred signals: a Ctrl-C while writing ends the command once the folder is
     * published (or dropped), never with a temporary file left behind (interrupt.h). */
    sigset_t saved;
    cli_signals_defer(&saved);
    int rc = write_outputs(a, f, od->tmp, od->target, &meta);
    if (rc == CLI_EXIT_OK) {
        rc = cli_outdir_commit("run", od);
    } else {
        cli_outdir_abort(od);
    }
    cli_signals_restore(&saved);
    return rc;
}

/* The scenario's name as the one path component it becomes in the default folder. The name
 * is free text from the file, so "../../x" or "a/b" must not lead outside ./aifactory-out/:
 * bytes other than [A-Za-z0-9._-] become '-', leading dots and dashes are dropped (no
 * hidden, ".." or option-like folder), the length is bounded and an empty result is
 * "scenario". Plain ASCII tests, not isalnum: the locale must not change a path. */
enum { FOLDER_NAME_MAX = 64 };
static void folder_name(const char *name, char out[FOLDER_NAME_MAX + 1]) {
    size_t n = 0;
    for (const char *p = name ? name : ""; *p != '\0' && n < FOLDER_NAME_MAX; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
        char put = keep ? c : '-';
        if (n == 0 && (put == '.' || put == '-')) {
            continue;
        }
        out[n++] = put;
    }
    if (n == 0) {
        n = (size_t)snprintf(out, FOLDER_NAME_MAX + 1, "scenario");
    }
    out[n] = '\0';
}

static int run_main(const run_args *a) {
    aif_scenario *sc = NULL;
    aif_fleet_input in;
    aif_fleet *f = NULL;
    int rc = make_fleet(a, &sc, &in, &f);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    time_t started = time(NULL);
    double wall_s = 0;
    char dir[4096], stamp[32], report[4200] = "";
    if (a->out) {
        snprintf(dir, sizeof dir, "%s", a->out);
    } else {
        char name[FOLDER_NAME_MAX + 1];
        folder_name(in.name, name);
        utc_stamp(started, "%Y%m%dT%H%M%SZ", stamp, sizeof stamp);
        snprintf(dir, sizeof dir, "aifactory-out/%s-%s", name, stamp);
    }
    /* The folder is locked and checked before the simulation, so a busy or foreign folder
     * is refused at once, not after the run's minutes. */
    aif_outdir od;
    rc = cli_outdir_begin("run", &od, dir);
    if (rc == CLI_EXIT_OK) {
        rc = simulate(a, &in, f, &wall_s) == AIF_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        if (rc == CLI_EXIT_OK) {
            rc = publish(a, &in, f, started, wall_s, &od);
        } else {
            cli_outdir_abort(&od);
        }
    }
    if (rc == CLI_EXIT_OK && !a->no_report) {
        snprintf(report, sizeof report, "%s/report.html", dir);
    }
    if (rc == CLI_EXIT_OK && a->common.json) {
        rc = print_json(a, sc, &in, f, wall_s, dir);
    } else if (rc == CLI_EXIT_OK && !a->common.quiet) {
        const char *nc = getenv("NO_COLOR");
        bool color = isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
        run_summary_print(stdout, sc, f, wall_s, dir, report, color);
    }
    aif_fleet_destroy(f);
    aif_scenario_destroy(sc);
    return rc;
}

int cmd_run(int argc, char **argv) {
    run_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    return run_main(&a);
}
