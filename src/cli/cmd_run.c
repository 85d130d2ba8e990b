/* `aifactory run`: the product's main job. Binds a scenario (a file, or the embedded default)
 * with any --set/--seed overrides, lists every input error as file:line:col (exit 2), runs
 * the fleet engine with a progress line on stderr, and writes the run's folder: the results
 * database, one CSV per table, summary.json and report.html (each written to a temporary
 * name and renamed). Then it prints the one-screen summary (run_summary.c), or with --json
 * the summary keys of issue 6 as one JSON object. Exit 0 ok, 1 runtime failure (engine,
 * I/O, memory), 2 usage or input error. */
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
#include "args.h"
#include "cli.h"
#include "interrupt.h"
#include "run_summary.h"

enum {
    OPT_SET = CLI_COMMON_OPTIONS,
    OPT_SEED,
    OPT_OUT,
    OPT_NO_REPORT,
    OPT_DETERMINISTIC,
    OPT_RESEARCH_POLICY
};

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"set", "KEY=VALUE", "override a scenario key, e.g. sites.0.phases.0.power=2GW (repeatable)"},
    {"seed", "N", "master seed (overrides simulation.seed)"},
    {"out", "DIR", "output folder (also -o); default ./aifactory-out/<scenario>-<UTC time>/"},
    {"no-report", NULL, "do not write report.html"},
    {"deterministic", NULL, "--json: leave out wall_s, so the output depends on inputs only"},
    {"research-policy", "NAME",
     "policy of the research jobs: fifo (default), backfill, sjf, srtf, las or priority"},
};

static const cli_verb_spec spec = {
    .name = "run",
    .usage = "[SCENARIO] [options]",
    .description = "Simulate an AI factory scenario (build-out, contracts, demand, "
                   "training,\nfailures and money) and write its results. With no SCENARIO, runs "
                   "the built-in\ndefault (the 10 GW build-out).\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

#define MAX_SETS 64

typedef struct run_args {
    cli_common common;
    const char *target;
    const char *sets[MAX_SETS];
    int set_count;
    const char *seed;
    const char *out;
    bool no_report;
    bool deterministic;
    const char *research_policy;
} run_args;

/* Returns CLI_EXIT_OK to go on, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, run_args *a) {
    cli_parser p;
    cli_parser_init(&p, &spec, argc, argv);
    for (;;) {
        int opt = cli_parser_next(&p);
        if (opt == CLI_PARSE_DONE) {
            return CLI_EXIT_OK;
        }
        if (opt == CLI_PARSE_ERROR) {
            return CLI_EXIT_USAGE;
        }
        switch (opt) {
        case CLI_PARSE_POSITIONAL:
            if (a->target) {
                return cli_usage_error(&spec, "one SCENARIO expected, also got '%s'", p.value);
            }
            a->target = p.value;
            break;
        case OPT_SET:
            if (a->set_count == MAX_SETS) {
                return cli_usage_error(&spec, "at most %d --set options", MAX_SETS);
            }
            a->sets[a->set_count++] = p.value;
            break;
        case OPT_SEED: {
            char *end = NULL;
            errno = 0;
            (void)strtoull(p.value, &end, 10);
            if (p.value[0] < '0' || p.value[0] > '9' || *end != '\0' || errno == ERANGE) {
                return cli_usage_error(&spec, "--seed expects an integer in [0, 2^64), found '%s'",
                                       p.value);
            }
            a->seed = p.value;
            break;
        }
        case OPT_OUT:
            a->out = p.value;
            break;
        case OPT_NO_REPORT:
            a->no_report = true;
            break;
        case OPT_DETERMINISTIC:
            a->deterministic = true;
            break;
        case OPT_RESEARCH_POLICY:
            a->research_policy = p.value;
            break;
        default: {
            int rc = cli_common_apply(&a->common, &p, opt);
            if (rc != CLI_EXIT_OK) {
                return rc;
            }
        }
        }
    }
}

/* Load the scenario with the overrides; prints every error. Returns an exit code. */
static int load(const run_args *a, aif_scenario **out) {
    aif_scenario *sc = NULL;
    if (aif_scenario_create(NULL, &sc) != AIF_OK) {
        fprintf(stderr, "aifactory run: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    for (int i = 0; i < a->set_count; i++) {
        if (aif_scenario_set(sc, a->sets[i]) != AIF_OK) {
            aif_scenario_destroy(sc);
            return cli_usage_error(&spec, "--set expects KEY=VALUE with a dotted key, found '%s'",
                                   a->sets[i]);
        }
    }
    if (a->seed) {
        char buf[64];
        snprintf(buf, sizeof buf, "simulation.seed=%s", a->seed);
        if (aif_scenario_set(sc, buf) != AIF_OK) {
            aif_scenario_destroy(sc);
            fprintf(stderr, "aifactory run: out of memory\n");
            return CLI_EXIT_FAILURE;
        }
    }
    /* A name that is not a readable file but names the embedded scenario runs that one. */
    FILE *probe = a->target ? fopen(a->target, "rb") : NULL;
    if (probe) {
        fclose(probe);
    }
    aif_status st;
    if (probe == NULL &&
        (a->target == NULL || strcmp(a->target, aif_scenario_default_name()) == 0)) {
        st = aif_scenario_load_default(sc);
    } else {
        st = aif_scenario_load_file(sc, a->target);
    }
    if (st == AIF_OK) {
        *out = sc;
        return CLI_EXIT_OK;
    }
    size_t n = aif_scenario_error_count(sc);
    for (size_t i = 0; i < n && i < AIF_SCENARIO_MAX_ERRORS; i++) {
        const aif_scenario_error *e = aif_scenario_error_at(sc, i);
        if (e->line > 0) {
            fprintf(stderr, "%s:%d:%d: error: %s\n", e->file, e->line, e->col, e->message);
        } else {
            fprintf(stderr, "%s: error: %s\n", e->file, e->message);
        }
    }
    if (n > AIF_SCENARIO_MAX_ERRORS) {
        fprintf(stderr, "aifactory run: %zu more errors not shown\n", n - AIF_SCENARIO_MAX_ERRORS);
    }
    if (n == 0) {
        fprintf(stderr, "aifactory run: %s\n", aif_strerror(st));
    }
    aif_scenario_destroy(sc);
    return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

/* mkdir -p: every missing component of `path` is created. */
static int make_dirs(const char *path) {
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                return -1;
            }
            buf[i] = c;
        }
    }
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

typedef struct progress_ctx {
    aif_progress p;
    uint64_t events;
} progress_ctx;

/* The engine calls this every 4096 events (aif_fleet_run's observer period). */
static void on_progress(void *ctx, aif_time now, aif_time end) {
    (void)end;
    progress_ctx *pc = ctx;
    pc->events += 4096;
    aif_progress_update(&pc->p, now, pc->events);
}

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

/* Write the run's folder. Returns an exit code; prints the reason on failure. */
static int write_outputs(const run_args *a, const aif_fleet *f, const char *dir,
                         const aif_results_run *meta, char *report, size_t report_n) {
    char path[4200];
    aif_error err = {0};
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    aif_results *r = NULL;
    aif_status st = aif_results_create(NULL, path, &r, &err);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory run: %s\n", err.message);
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
    report[0] = '\0';
    if (st == AIF_OK && !a->no_report) {
        snprintf(report, report_n, "%s/report.html", dir);
        st = aif_report_write(r, run_id, report, NULL);
    }
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory run: writing %s: %s\n", dir,
                aif_results_error(r)->message[0] ? aif_results_error(r)->message
                                                 : aif_strerror(st));
    }
    aif_results_close(r);
    return st == AIF_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

static void print_json(const run_args *a, const aif_fleet_input *in, const aif_fleet *f,
                       double wall_s, const char *dir) {
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
    if (!a->deterministic) {
        json_object_set_new(o, "wall_s", json_real(wall_s));
    }
    json_object_set_new(o, "out_dir", json_string(dir));
    char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (text) {
        printf("%s\n", text);
        free(text);
    }
    json_decref(o);
}

/* "-o DIR" is the one short option besides -h: rewrite it for the long-only parser. */
static char **expand_short(int argc, char **argv) {
    char **v = malloc(((size_t)argc + 1) * sizeof *v);
    if (v == NULL) {
        return NULL;
    }
    bool ended = false;
    for (int i = 0; i < argc; i++) {
        ended = ended || strcmp(argv[i], "--") == 0;
        v[i] = (!ended && i > 0 && strcmp(argv[i], "-o") == 0) ? (char *)"--out" : argv[i];
    }
    v[argc] = NULL;
    return v;
}

static int run_main(const run_args *a) {
    aif_scenario *sc = NULL;
    int rc = load(a, &sc);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    aif_fleet_input in;
    aif_fleet_input_from_scenario(sc, &in);
    if (a->research_policy) {
        in.options.research_policy = a->research_policy;
    }
    aif_fleet *f = NULL;
    char error[200];
    aif_status st = aif_fleet_create(NULL, &in, &f, error);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory run: %s\n", error);
        aif_scenario_destroy(sc);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    progress_ctx pc = {0};
    aif_progress_mode mode = AIF_PROGRESS_AUTO;
    aif_progress_mode_parse(a->common.progress, &mode);
    aif_progress_config pcfg = {.out = stderr,
                                .mode = a->common.quiet ? AIF_PROGRESS_NEVER : mode,
                                .is_tty = -1,
                                .label = "run",
                                .start = in.simulation.start_date,
                                .end = in.simulation.end};
    aif_progress_init(&pc.p, &pcfg);
    time_t started = time(NULL);
    double t0 = wall_now();
    st = aif_fleet_run(f, on_progress, &pc);
    double wall_s = wall_now() - t0;
    aif_progress_finish(&pc.p, in.simulation.end, aif_fleet_summary_get(f)->events);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory run: simulation failed: %s\n", aif_strerror(st));
        rc = CLI_EXIT_FAILURE;
    }
    char dir[4096], stamp[32];
    if (a->out) {
        snprintf(dir, sizeof dir, "%s", a->out);
    } else {
        utc_stamp(started, "%Y%m%dT%H%M%SZ", stamp, sizeof stamp);
        snprintf(dir, sizeof dir, "aifactory-out/%s-%s", in.name, stamp);
    }
    if (rc == CLI_EXIT_OK && make_dirs(dir) != 0) {
        fprintf(stderr, "aifactory run: cannot create %s: %s\n", dir, strerror(errno));
        rc = CLI_EXIT_FAILURE;
    }
    char report[4200] = "";
    if (rc == CLI_EXIT_OK) {
        char started_utc[32], finished_utc[32];
        utc_stamp(started, "%Y-%m-%dT%H:%M:%SZ", started_utc, sizeof started_utc);
        utc_stamp(time(NULL), "%Y-%m-%dT%H:%M:%SZ", finished_utc, sizeof finished_utc);
        aif_results_run meta = {.name = in.name,
                                .kind = "scenario",
                                .seed = (int64_t)in.simulation.seed,
                                .started_utc = started_utc,
                                .finished_utc = finished_utc,
                                .wall_s = wall_s,
                                .sim_start_s = 0,
                                .sim_end_s = (double)in.simulation.end * 1e-9};
        /* Deferred signals: a Ctrl-C while writing ends the command once every file is in
         * place, never with a temporary file left behind (interrupt.h). */
        sigset_t saved;
        cli_signals_defer(&saved);
        rc = write_outputs(a, f, dir, &meta, report, sizeof report);
        cli_signals_restore(&saved);
    }
    if (rc == CLI_EXIT_OK) {
        if (a->common.json) {
            print_json(a, &in, f, wall_s, dir);
        } else if (!a->common.quiet) {
            const char *nc = getenv("NO_COLOR");
            bool color = isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
            run_summary_print(stdout, sc, f, wall_s, dir, report, color);
        }
    }
    aif_fleet_destroy(f);
    aif_scenario_destroy(sc);
    return rc;
}

int cmd_run(int argc, char **argv) {
    char **v = expand_short(argc, argv);
    if (v == NULL) {
        fprintf(stderr, "aifactory run: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    run_args a = {.common = {.progress = "auto"}};
    int rc = parse(argc, v, &a);
    if (rc == CLI_EXIT_OK) {
        rc = run_main(&a);
    } else if (rc < 0) {
        rc = CLI_EXIT_OK;
    }
    free(v);
    return rc;
}
