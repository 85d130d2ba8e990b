/* `aifactory replay`: read a job trace, replay it under a scheduling policy and placement on
 * a cluster, print the summary (text, or one JSON object with --json) and optionally write
 * per-job and time-series CSV files into a directory. All the work is in the library
 * (trace.h, replay.h); this file maps options to a configuration and results to text. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aifactory/cluster_file.h"
#include "aifactory/outfile.h"
#include "aifactory/progress.h"
#include "aifactory/replay.h"
#include "aifactory/replay_results.h"
#include "aifactory/report.h"
#include "aifactory/results.h"
#include "aifactory/sched.h"
#include "aifactory/suggest.h"
#include "aifactory/syserr.h"
#include "aifactory/trace.h"
#include "cli_errors.h"
#include "args.h"
#include "cli.h"
#include "cli_outdir.h"
#include "interrupt.h"
#include "json_out.h"

/* The command line, typed; the library's configuration is made from it by make_config. */
typedef struct replay_args {
    cli_common common;
    aif_trace_options topt;
    int64_t gpus, gpus_per_node, scan_limit; /* 0: not given */
    uint64_t seed;
    double estimate_factor, preempt_overhead_s, las_starve_factor, sample_s;
    const char *policy, *placement, *out_dir, *cluster_path;
    bool list_policies;
    aif_replay_config c; /* --las-thresholds go straight here */
} replay_args;

static int set_trace_format(const cli_value *v) {
    if (aif_trace_format_parse(v->text, v->field) != AIF_OK) {
        return cli_usage_error(v->spec, "unknown --trace-format '%s'", v->text);
    }
    return CLI_EXIT_OK;
}

/* "L1,L2,...": up to 7 increasing GPU-second limits, each > 0. */
static int set_las_thresholds(const cli_value *v) {
    aif_replay_config *c = v->field;
    char buf[512], *save = NULL;
    snprintf(buf, sizeof buf, "%s", v->text);
    int n = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        double x = 0;
        if (n >= AIF_REPLAY_LAS_MAX_QUEUES - 1 || !cli_number_parse(tok, &x) || !(x > 0) ||
            (n > 0 && x <= c->las_thresholds_gpu_s[n - 1])) {
            n = -1;
            break;
        }
        if (x > AIF_REPLAY_LAS_THRESHOLD_MAX_GPU_S) {
            return cli_usage_error(v->spec, "--%s: %s GPU-seconds is above the limit of 1e15",
                                   v->opt->name, tok);
        }
        c->las_thresholds_gpu_s[n++] = x;
    }
    if (n <= 0) {
        return cli_usage_error(v->spec, "--%s expects %s, found '%s'", v->opt->name,
                               v->opt->expects, v->text);
    }
    c->las_threshold_count = n;
    return CLI_EXIT_OK;
}

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "trace-format",
     .value_name = "FMT",
     .help = "auto (default), generic, philly, helios, acme, alibaba-openb, tiresias",
     .set = set_trace_format,
     .offset = offsetof(replay_args, topt.format)},
    {.name = "skip-bad",
     .help = "skip invalid rows (counted in the summary) instead of failing",
     .set = cli_set_flag,
     .offset = offsetof(replay_args, topt.skip_bad)},
    {.name = "gpus",
     .value_name = "N",
     .help = "GPUs in the cluster (required)",
     .set = cli_set_int,
     .offset = offsetof(replay_args, gpus),
     .range = CLI_AT_LEAST(1),
     .expects = "a positive integer"},
    {.name = "gpus-per-node",
     .value_name = "K",
     .help = "GPUs per node (default 8; implies consolidated placement)",
     .set = cli_set_int,
     .offset = offsetof(replay_args, gpus_per_node),
     .range = CLI_RANGE(1, false, 255, false),
     .expects = "1..255"},
    {.name = "policy",
     .value_name = "NAME",
     .help = "scheduling policy (default fifo; see --list-policies)",
     .set = cli_set_text,
     .offset = offsetof(replay_args, policy)},
    {.name = "list-policies",
     .help = "list the scheduling policies and placements, then exit",
     .set = cli_set_flag,
     .offset = offsetof(replay_args, list_policies)},
    {.name = "placement",
     .value_name = "NAME",
     .help = "pool, first-fit, best-fit, consolidated or random",
     .set = cli_set_text,
     .offset = offsetof(replay_args, placement)},
    {.name = "estimate-factor",
     .value_name = "X",
     .help = "backfill: runtime estimate = duration * X (default 1)",
     .set = cli_set_number,
     .offset = offsetof(replay_args, estimate_factor),
     .range = CLI_RANGE(0, true, AIF_REPLAY_FACTOR_MAX, false),
     .expects = "a number > 0 and <= 1e6"},
    {.name = "preempt-overhead-s",
     .value_name = "S",
     .help = "seconds added to a preempted job when it resumes",
     .set = cli_set_number,
     .offset = offsetof(replay_args, preempt_overhead_s),
     .range = CLI_RANGE(0, false, (double)AIF_JOB_DURATION_LIMIT_S, false),
     .expects = "seconds in 0..1577880000 (50 years)"},
    {.name = "las-thresholds",
     .value_name = "LIST",
     .help = "las: queue limits in GPU-seconds (default 57600)",
     .set = set_las_thresholds,
     .offset = offsetof(replay_args, c),
     .expects = "up to 7 increasing GPU-second limits"},
    {.name = "las-starve-factor",
     .value_name = "X",
     .help = "las: promote a job waiting X times its last run (0: off)",
     .set = cli_set_number,
     .offset = offsetof(replay_args, las_starve_factor),
     .range = CLI_RANGE(0, false, AIF_REPLAY_FACTOR_MAX, false),
     .expects = "a number in 0..1e6"},
    {.name = "scan-limit",
     .value_name = "N",
     .help = "greedy policies: waiting jobs examined per pass (default 1000)",
     .set = cli_set_int,
     .offset = offsetof(replay_args, scan_limit),
     .range = CLI_RANGE(1, false, UINT32_MAX, false),
     .expects = "a positive integer"},
    {.name = "seed",
     .value_name = "N",
     .help = "seed for random placement (default 1)",
     .set = cli_set_u64,
     .offset = offsetof(replay_args, seed)},
    {.name = "out",
     .alias = "output",
     .short_name = 'o',
     .value_name = "DIR",
     .help = "write jobs.csv, timeseries.csv, results.sqlite, summary.json, report.html",
     .set = cli_set_path,
     .offset = offsetof(replay_args, out_dir)},
    {.name = "sample-s",
     .value_name = "S",
     .help = "time series: one row per S seconds instead of per event",
     .set = cli_set_number,
     .offset = offsetof(replay_args, sample_s),
     .range = CLI_RANGE(0, true, 9e9, false),
     .expects = "seconds > 0"},
    {.name = "cluster",
     .value_name = "FILE",
     .help = "cluster description (YAML: node groups, GPU types) instead of --gpus",
     .set = cli_set_text,
     .offset = offsetof(replay_args, cluster_path)},
};

static const cli_verb_spec spec = {
    .name = "replay",
    .usage = "TRACE [options]",
    .description = "Replay a cluster job trace under a scheduling and placement policy and "
                   "report\njob completion times, waits and utilization.\n",
    .examples = "aifactory replay tests/data/tiresias_60_job.csv --gpus 64 --policy backfill\n"
                "aifactory replay tests/data/philly.csv.zst --gpus 2048 --policy las -o philly\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 1,
};

typedef struct series {
    aif_outfile out; /* timeseries.csv, published only when the replay succeeds */
    FILE *f;         /* out.fp, or NULL without -o */
    int64_t origin_ns;
    int64_t sample_ns; /* 0: every step */
    int64_t next_ns;
    bool have_last;
    int64_t last_busy;
    size_t last_queued, last_running;
    aif_progress *progress; /* or NULL */
    int64_t day0_ns;        /* midnight UTC before the first submission: progress's t = 0 */
    int64_t progress_end;
    uint64_t steps; /* distinct event times so far */
} series;

static void series_row(series *s, int64_t t, int64_t busy, size_t q, size_t r) {
    fprintf(s->f, "%.3f,%lld,%zu,%zu\n", (double)(t - s->origin_ns) / 1e9, (long long)busy, q, r);
}

/* With sampling, a row at each multiple of the interval shows the state in force then. */
static void on_step(void *ctx, int64_t now, int64_t busy, size_t queued, size_t running) {
    series *s = ctx;
    /* The progress line reads a clock, so it is asked only every 4096 event times. */
    if (s->progress && (++s->steps & 4095) == 0) {
        aif_progress_update(s->progress, now - s->day0_ns, s->steps);
    }
    if (s->f == NULL) {
        return;
    }
    if (s->sample_ns == 0) {
        series_row(s, now, busy, queued, running);
        return;
    }
    while (s->have_last && s->next_ns < now) {
        series_row(s, s->next_ns, s->last_busy, s->last_queued, s->last_running);
        s->next_ns += s->sample_ns;
    }
    if (!s->have_last || s->next_ns == now) {
        series_row(s, now, busy, queued, running);
        s->next_ns = now + s->sample_ns;
    }
    s->have_last = true;
    s->last_busy = busy;
    s->last_queued = queued;
    s->last_running = running;
}

/* Copy DIR/timeseries.csv (written during the run, in this command's private folder: no
 * other writer's file) into the store's three series: the file is the buffer, so the run
 * itself holds no time series in memory. A file that cannot be read is said here, with
 * the system's reason, since the store has no message for it. */
static aif_status import_series(aif_results *db, const char *dir, const int64_t ids[3]) {
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    errno = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL) {
        char why[AIF_SYSERR_MAX];
        fprintf(stderr, "aifactory replay: cannot read %s: %s\n", path, aif_syserr(errno, why));
        if (f) {
            fclose(f);
        }
        return AIF_EIO;
    }
    aif_status st = AIF_OK;
    while (st == AIF_OK && fgets(line, sizeof line, f)) {
        double t, v[3];
        if (sscanf(line, "%lf,%lf,%lf,%lf", &t, &v[0], &v[1], &v[2]) != 4) {
            st = AIF_EIO;
            break;
        }
        for (int i = 0; i < 3 && st == AIF_OK; i++) {
            st = aif_results_add_point(db, ids[i], t, v[i]);
        }
    }
    fclose(f);
    return st;
}

/* Write DIR/results.sqlite (run, series, params, metrics, jobs) and DIR/summary.json. */
static int write_store(const char *dir, const char *trace_path, const aif_trace *t,
                       const aif_replay *r, const aif_replay_config *c, double wall_s) {
    char path[4096];
    aif_error err = {0};
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    aif_results *db = NULL;
    aif_status st = aif_results_create(NULL, path, &db, &err);
    if (st != AIF_OK) {
        cli_print_error("replay", &err, st);
        return CLI_EXIT_FAILURE;
    }
    aif_replay_summary s;
    const char *base = strrchr(trace_path, '/');
    int64_t run_id = 0, ids[3];
    if ((st = aif_replay_summarize(r, aif_trace_jobs(t), &s)) == AIF_OK) {
        aif_results_run run = {.name = base ? base + 1 : trace_path,
                               .kind = "replay",
                               .seed = (int64_t)c->seed,
                               .wall_s = wall_s,
                               .sim_end_s = s.makespan_s};
        st = aif_results_add_run(db, &run, &run_id);
    }
    if (st == AIF_OK) {
        st = aif_results_add_series(db, run_id, "GPUs", "busy GPUs", "GPU", &ids[0]);
    }
    if (st == AIF_OK) {
        st = aif_results_add_series(db, run_id, "jobs", "queued jobs", "jobs", &ids[1]);
    }
    if (st == AIF_OK) {
        st = aif_results_add_series(db, run_id, "jobs", "running jobs", "jobs", &ids[2]);
    }
    if (st == AIF_OK) {
        st = import_series(db, dir, ids);
    }
    if (st == AIF_OK) {
        st = aif_replay_save(db, run_id, t, r, c);
    }
    if (st == AIF_OK) {
        st = aif_results_finish(db);
    }
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (st == AIF_OK) {
        st = aif_results_write_summary(db, path);
    }
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (st == AIF_OK) {
        st = aif_report_write(db, run_id, path, NULL);
    }
    if (st != AIF_OK) {
        const char *m = aif_results_error(db)->message;
        fprintf(stderr, "aifactory replay: results store: %s\n", m[0] ? m : aif_strerror(st));
    }
    aif_results_close(db);
    return st == AIF_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

static double clock_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void list_policies(void) {
    printf("Policies:\n");
    for (size_t i = 0; i < aif_sched_policy_count(); i++) {
        printf("  %-10s %s\n", aif_sched_policy_name(i), aif_sched_policy_summary(i));
    }
    printf("Placements:\n");
    for (int i = 0; i < AIF_PLACE_COUNT; i++) {
        printf("  %s\n", aif_placement_name((aif_placement)i));
    }
}

/* The summary's metrics into `o`, full precision (the document prints 17 digits). */
static void metrics_json(json_t *o, const aif_replay_summary *s) {
    json_object_set_new(o, "jobs", json_integer((json_int_t)s->jobs));
    json_object_set_new(o, "makespan_s", cli_json_g(s->makespan_s, 17));
    json_object_set_new(o, "mean_jct_s", cli_json_g(s->mean_jct_s, 17));
    json_object_set_new(o, "median_jct_s", cli_json_g(s->median_jct_s, 17));
    json_object_set_new(o, "p95_jct_s", cli_json_g(s->p95_jct_s, 17));
    json_object_set_new(o, "p99_jct_s", cli_json_g(s->p99_jct_s, 17));
    json_object_set_new(o, "mean_wait_s", cli_json_g(s->mean_wait_s, 17));
    json_object_set_new(o, "median_wait_s", cli_json_g(s->median_wait_s, 17));
    json_object_set_new(o, "p95_wait_s", cli_json_g(s->p95_wait_s, 17));
    json_object_set_new(o, "mean_slowdown", cli_json_g(s->mean_slowdown, 17));
    json_object_set_new(o, "gpu_utilization", cli_json_g(s->gpu_utilization, 17));
    json_object_set_new(o, "preemptions", json_integer((json_int_t)s->preemptions));
}

/* With --skip-bad: how many rows were dropped and the first one's message. */
static void warn_skipped(const cli_common *common, size_t skipped, const aif_error *err) {
    if (skipped > 0 && !common->quiet && !common->json) {
        char text[512];
        aif_error_format(err, text, sizeof text);
        fprintf(stderr, "aifactory replay: skipped %zu bad rows; first: %s\n", skipped, text);
    }
}

/* What print_report needs of a run: its summary and the reader's counts, and for the
 * per-VC breakdown the trace and the replay (NULL with nvc 0: the fused path). */
typedef struct report_in {
    const aif_replay_summary *s;
    aif_trace_format format;
    size_t skipped, filtered;
    const aif_trace *t;
    const aif_replay *r;
    const uint32_t *order; /* VC ids in order of first appearance */
    size_t nvc;
} report_in;

/* The metrics of each VC, keyed by its name (user data: made valid UTF-8). */
static json_t *by_vc_json(const report_in *in) {
    json_t *by_vc = json_object();
    for (size_t i = 0; i < in->nvc; i++) {
        aif_replay_summary v;
        json_t *name = cli_json_text(aif_trace_string(in->t, in->order[i]));
        json_t *m = json_object();
        if (name == NULL || m == NULL ||
            aif_replay_summarize_vc(in->r, aif_trace_jobs(in->t), in->order[i], &v) != AIF_OK) {
            json_decref(name);
            json_decref(m);
            json_decref(by_vc);
            return NULL;
        }
        metrics_json(m, &v);
        json_object_set_new(by_vc, json_string_value(name), m);
        json_decref(name);
    }
    return by_vc;
}

static int print_report_json(const report_in *in, const aif_replay_config *c) {
    const aif_replay_summary *sp = in->s;
    json_t *by_vc = by_vc_json(in);
    if (by_vc == NULL) {
        fprintf(stderr, "aifactory replay: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    json_t *o = json_object();
    json_object_set_new(o, "trace_format", json_string(aif_trace_format_name(in->format)));
    json_object_set_new(o, "policy", cli_json_text(c->policy));
    json_object_set_new(o, "placement", json_string(aif_placement_name(c->placement)));
    json_object_set_new(o, "gpus", json_integer(c->gpus));
    metrics_json(o, sp);
    json_object_set_new(o, "events", json_integer((json_int_t)sp->events));
    json_object_set_new(o, "skipped_rows", json_integer((json_int_t)in->skipped));
    json_object_set_new(o, "filtered_rows", json_integer((json_int_t)in->filtered));
    json_object_set_new(o, "by_vc", by_vc);
    return cli_json_print("replay", o,
                          JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(17));
}

static void print_report_text(const report_in *in, const aif_replay_config *c) {
    const aif_replay_summary *sp = in->s;
    printf("trace: %zu jobs (%s), %zu skipped, %zu filtered\n", sp->jobs,
           aif_trace_format_name(in->format), in->skipped, in->filtered);
    printf("cluster: %lld GPUs, policy %s, placement %s\n", (long long)c->gpus, c->policy,
           aif_placement_name(c->placement));
    printf("makespan       %14.1f s\n", sp->makespan_s);
    printf("JCT mean/median/p95/p99  %.1f / %.1f / %.1f / %.1f s\n", sp->mean_jct_s,
           sp->median_jct_s, sp->p95_jct_s, sp->p99_jct_s);
    printf("wait mean/median/p95     %.1f / %.1f / %.1f s\n", sp->mean_wait_s, sp->median_wait_s,
           sp->p95_wait_s);
    printf("mean bounded slowdown    %.3f\n", sp->mean_slowdown);
    printf("GPU utilization          %.4f\n", sp->gpu_utilization);
    printf("preemptions %llu, events %llu, VCs %zu\n", (unsigned long long)sp->preemptions,
           (unsigned long long)sp->events, in->nvc);
}

static int print_report(const report_in *in, const aif_replay_config *c, bool json, bool quiet) {
    if (json) {
        return print_report_json(in, c);
    }
    if (!quiet) {
        print_report_text(in, c);
    }
    return CLI_EXIT_OK;
}

static int print_summary(const aif_trace *t, const aif_replay *r, const aif_replay_config *c,
                         bool json, bool quiet) {
    const aif_job *jobs = aif_trace_jobs(t);
    aif_replay_summary s;
    if (aif_replay_summarize(r, jobs, &s) != AIF_OK) {
        fprintf(stderr, "aifactory replay: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    /* VCs in order of first appearance in the (sorted) trace. */
    size_t nvc = 0;
    uint32_t nstr = aif_trace_string_count(t);
    bool *seen = calloc((size_t)nstr + 1, 1);
    uint32_t *order = calloc((size_t)nstr + 1, sizeof *order);
    if (seen == NULL || order == NULL) {
        free(seen);
        free(order);
        fprintf(stderr, "aifactory replay: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    for (size_t i = 0; i < aif_trace_count(t); i++) {
        if (jobs[i].vc && !seen[jobs[i].vc]) {
            seen[jobs[i].vc] = true;
            order[nvc++] = jobs[i].vc;
        }
    }
    report_in in = {.s = &s,
                    .format = aif_trace_format_of(t),
                    .skipped = aif_trace_skipped_rows(t),
                    .filtered = aif_trace_filtered_rows(t),
                    .t = t,
                    .r = r,
                    .order = order,
                    .nvc = nvc};
    int rc = print_report(&in, c, json, quiet);
    free(seen);
    free(order);
    return rc;
}

static int write_jobs_csv(const char *dir, const aif_trace *t, const aif_replay *r) {
    char path[4096];
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    aif_outfile out;
    aif_error err = {0};
    if (aif_outfile_open(&out, NULL, path, &err) != AIF_OK) {
        cli_print_error("replay", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    FILE *f = out.fp;
    const aif_job *jobs = aif_trace_jobs(t);
    const aif_replay_job *o = aif_replay_jobs(r);
    int64_t origin = aif_trace_count(t) ? jobs[0].submit_ns : 0;
    fprintf(f, "job_id,name,vc,gpus,duration_s,submit_s,start_s,end_s,wait_s,jct_s,"
               "preemptions,nodes\n");
    for (size_t i = 0; i < aif_trace_count(t); i++) {
        const aif_job *j = &jobs[i];
        fprintf(f, "%lld,%s,%s,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%u,%u\n", (long long)j->id,
                aif_trace_string(t, j->name), aif_trace_string(t, j->vc), j->gpus,
                (double)j->duration_ns / 1e9, (double)(j->submit_ns - origin) / 1e9,
                (double)(o[i].start_ns - origin) / 1e9, (double)(o[i].end_ns - origin) / 1e9,
                (double)(o[i].start_ns - j->submit_ns) / 1e9,
                (double)(o[i].end_ns - j->submit_ns) / 1e9, o[i].preemptions, o[i].nodes);
    }
    if (aif_outfile_commit(&out, &err) != AIF_OK) {
        cli_print_error("replay", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* --cluster FILE: the node groups replace --gpus; the cluster's size is their sum. */
static int read_cluster(const char *path, aif_cluster_spec *cluster, aif_replay_config *c) {
    aif_error err = {0};
    aif_status st = aif_cluster_spec_read(path, cluster, &err);
    if (st != AIF_OK) {
        cli_print_error("replay", &err, st);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    c->groups = cluster->groups;
    c->group_count = cluster->count;
    for (size_t i = 0; i < cluster->count; i++) {
        c->gpus += cluster->groups[i].nodes * cluster->groups[i].gpus_per_node;
    }
    return CLI_EXIT_OK;
}

static const char *policy_name_at(const void *list, size_t i) {
    (void)list;
    return aif_sched_policy_name(i);
}

static const char *placement_name_at(const void *list, size_t i) {
    (void)list;
    return aif_placement_name((aif_placement)i);
}

/* "unknown --policy 'fif' (did you mean 'fifo'?); see --list-policies". */
static int unknown_name(aif_name_at_fn name_at, size_t count, const char *flag, const char *name) {
    const char *near[3];
    size_t n = aif_suggest_from(name, name_at, NULL, count, near, 3);
    char hint[320];
    return cli_usage_error(&spec, "unknown %s '%.80s'%s; see --list-policies", flag, name,
                           aif_suggest_text(hint, sizeof hint, near, n));
}

/* Check what needs the whole command line and fill a->c, the library's configuration. */
static int make_config(replay_args *a, aif_cluster_spec *cluster) {
    aif_replay_config *c = &a->c;
    c->policy = a->policy;
    c->gpus = a->gpus;
    c->gpus_per_node = a->gpus_per_node ? (int32_t)a->gpus_per_node : 8;
    c->seed = a->seed;
    c->estimate_factor = a->estimate_factor;
    c->preempt_overhead_ns = (int64_t)llround(a->preempt_overhead_s * 1e9);
    c->las_starve_factor = a->las_starve_factor;
    c->scan_limit = (uint32_t)a->scan_limit;
    size_t pi;
    if (aif_sched_policy_find(c->policy, &pi) != AIF_OK) {
        return unknown_name(policy_name_at, aif_sched_policy_count(), "--policy", c->policy);
    }
    bool nodes = a->gpus_per_node || a->cluster_path;
    c->placement = nodes ? AIF_PLACE_CONSOLIDATED : AIF_PLACE_POOL;
    if (a->placement && aif_placement_parse(a->placement, &c->placement) != AIF_OK) {
        return unknown_name(placement_name_at, AIF_PLACE_COUNT, "--placement", a->placement);
    }
    if (a->common.positional[0] == NULL) {
        return cli_usage_error(&spec, "missing TRACE (a .csv or .csv.zst job trace)");
    }
    if (a->cluster_path && (c->gpus || a->gpus_per_node)) {
        return cli_usage_error(&spec, "--cluster replaces --gpus and --gpus-per-node");
    }
    if (a->cluster_path) {
        return read_cluster(a->cluster_path, cluster, c);
    }
    if (c->gpus == 0) {
        return cli_usage_error(&spec, "missing --gpus N (the cluster size) or --cluster FILE");
    }
    if (c->placement != AIF_PLACE_POOL && c->gpus % c->gpus_per_node != 0) {
        return cli_usage_error(&spec, "--gpus %lld is not a whole number of %d-GPU nodes",
                               (long long)c->gpus, c->gpus_per_node);
    }
    return CLI_EXIT_OK;
}

/* fifo on a pool with nothing but the summary to show (no -o, no progress line, no VCs to
 * break down) takes the fused read-and-replay, which gives the same summary with a third
 * of the memory. Returns true with *rc set when it answered; false when the general path
 * must run: the case does not apply, or the fused path failed (a VC column, a bad row, a
 * job larger than the pool), so that messages and exits stay the general path's own. */
static bool try_fused_fifo(const replay_args *a, bool progress_shown, int *rc) {
    const aif_replay_config *c = &a->c;
    /* The library says whether the configuration is one its fast path replays exactly;
     * the CLI adds only what it needs shown (per-job outputs, progress, a cluster file). */
    if (a->cluster_path || a->out_dir || progress_shown || !aif_replay_fifo_applies(c)) {
        return false;
    }
    aif_replay_fifo_result res;
    aif_error err = {0};
    if (aif_replay_fifo_read(NULL, a->common.positional[0], &a->topt, AIF_REPLAY_FIFO_NO_VC, c,
                             &res, &err) != AIF_OK) {
        return false;
    }
    warn_skipped(&a->common, res.skipped_rows, &err);
    report_in in = {.s = &res.summary,
                    .format = res.format,
                    .skipped = res.skipped_rows,
                    .filtered = res.filtered_rows};
    *rc = print_report(&in, c, a->common.json, a->common.quiet);
    return true;
}

/* Read the whole trace and check that every job fits the cluster. */
static int read_trace(const replay_args *a, aif_trace **out) {
    aif_error err = {0};
    aif_trace *t = NULL;
    aif_status st = aif_trace_read(NULL, a->common.positional[0], &a->topt, &t, &err);
    if (st != AIF_OK) {
        /* Real traces carry a few malformed rows (deleted before they started, times out
         * of order): the message says how to go on past them. */
        size_t len = strlen(err.message);
        if (err.line > 1 && !a->topt.skip_bad && st != AIF_ENOMEM && st != AIF_EIO &&
            len < sizeof err.message) {
            snprintf(err.message + len, sizeof err.message - len,
                     " (--skip-bad skips invalid rows)");
        }
        cli_print_error("replay", &err, st);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    warn_skipped(&a->common, aif_trace_skipped_rows(t), &err);
    const aif_job *jobs = aif_trace_jobs(t);
    for (size_t i = 0; i < aif_trace_count(t); i++) {
        if (jobs[i].gpus > a->c.gpus) {
            fprintf(stderr,
                    "aifactory replay: job %lld (line %u) needs %d GPUs, more than the "
                    "cluster's %lld: it could never run\n",
                    (long long)jobs[i].id, jobs[i].line, jobs[i].gpus, (long long)a->c.gpus);
            aif_trace_destroy(t);
            return CLI_EXIT_USAGE;
        }
    }
    *out = t;
    return CLI_EXIT_OK;
}

/* With -o: start timeseries.csv in the output folder's private folder `dir`, removed if a
 * signal ends the run. */
static int open_series(const char *dir, series *ts, aif_replay_config *c) {
    char path[4200];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    aif_error err = {0};
    if (aif_outfile_open(&ts->out, NULL, path, &err) != AIF_OK) {
        cli_print_error("replay", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    ts->f = ts->out.fp;
    cli_interrupt_remove_on_signal(ts->out.tmp_path);
    fprintf(ts->f, "time_s,busy_gpus,queued_jobs,running_jobs\n");
    c->on_step = on_step;
    c->step_ctx = ts;
    return CLI_EXIT_OK;
}

/* The progress line, dated: dated traces show their calendar dates, relative ones start
 * at 1970-01-01. */
static void start_progress(aif_progress_mode mode, const aif_trace *t, series *ts,
                           aif_progress *prog, aif_replay_config *c) {
    size_t njobs = aif_trace_count(t);
    const int64_t day_ns = 86400 * INT64_C(1000000000);
    int64_t day = ts->origin_ns / day_ns;
    day -= ts->origin_ns < day * day_ns;
    ts->day0_ns = day * day_ns;
    aif_progress_config pc = {.out = stderr,
                              .mode = mode,
                              .is_tty = -1,
                              .label = "replay",
                              .start = aif_date_from_days(day),
                              .end = aif_trace_jobs(t)[njobs - 1].submit_ns - ts->day0_ns};
    aif_progress_init(prog, &pc);
    ts->progress_end = pc.end;
    ts->progress = prog;
    c->on_step = on_step;
    c->step_ctx = ts;
}

/* After the replay, with the signals deferred: publish or drop the time series, then the
 * summary, jobs.csv and the results store. */
static int finish(const replay_args *a, aif_status st, series *ts, const aif_trace *t,
                  const aif_replay *r, double wall_s, const char *dir) {
    aif_error err = {0};
    if (ts->f && st == AIF_OK && aif_outfile_commit(&ts->out, &err) != AIF_OK) {
        cli_print_error("replay", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    } else if (ts->f && st != AIF_OK) {
        aif_outfile_abort(&ts->out);
    }
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory replay: %s\n",
                st == AIF_ERANGE ? "a job needs more GPUs than any cluster group of its GPU "
                                   "type has (it could never run), or the queue would run "
                                   "past the simulation's time limit (about year 2162)"
                                 : aif_strerror(st));
        return st == AIF_EINVAL || st == AIF_ERANGE ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    int rc = print_summary(t, r, &a->c, a->common.json, a->common.quiet);
    if (rc == CLI_EXIT_OK && dir) {
        rc = write_jobs_csv(dir, t, r);
    }
    if (rc == CLI_EXIT_OK && dir) {
        rc = write_store(dir, a->common.positional[0], t, r, &a->c, wall_s);
    }
    return rc;
}

/* Most time-series rows --sample-s may ask for (about 0.5 GB of timeseries.csv): 0.26 s
 * steps over a month reach it. */
#define MAX_SAMPLED_ROWS 1e7

/* Refuse a --sample-s that would write more than MAX_SAMPLED_ROWS rows over the span from
 * the first submission to the latest submit + duration (a lower bound on the run's length,
 * so on its rows), or one below 1 ns, which would round to 0 and silently mean "every
 * event". */
static int check_sample(const replay_args *a, const aif_trace *t) {
    size_t n = aif_trace_count(t);
    if (a->sample_s <= 0 || n == 0) {
        return CLI_EXIT_OK;
    }
    const aif_job *jobs = aif_trace_jobs(t);
    int64_t last_end = jobs[0].submit_ns;
    for (size_t i = 0; i < n; i++) {
        int64_t end = jobs[i].submit_ns + jobs[i].duration_ns; /* bounded by the reader */
        last_end = end > last_end ? end : last_end;
    }
    double span_s = (double)(last_end - jobs[0].submit_ns) / 1e9;
    if (a->sample_s < 1e-9 || span_s / a->sample_s > MAX_SAMPLED_ROWS) {
        return cli_usage_error(&spec,
                               "--sample-s %g would write more than %.0e rows over the trace's "
                               "%g s; use at least %g s",
                               a->sample_s, MAX_SAMPLED_ROWS, span_s,
                               fmax(span_s / MAX_SAMPLED_ROWS, 1e-9));
    }
    return CLI_EXIT_OK;
}

/* The general path: the whole trace in memory, any policy and placement, -o outputs. */
static int replay_general(replay_args *a, aif_progress_mode mode) {
    aif_trace *t = NULL;
    int rc = read_trace(a, &t);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if ((rc = check_sample(a, t)) != CLI_EXIT_OK) {
        aif_trace_destroy(t);
        return rc;
    }
    a->c.names = aif_trace_names(t);
    size_t njobs = aif_trace_count(t);
    series ts = {.sample_ns = (int64_t)llround(a->sample_s * 1e9),
                 .origin_ns = njobs ? aif_trace_jobs(t)[0].submit_ns : 0};
    /* -o: every file goes into a private folder published whole at the end (outdir.h); the
     * lock keeps a second replay into the same folder out. */
    aif_outdir od;
    if (a->out_dir && (rc = cli_outdir_begin("replay", &od, a->out_dir)) != CLI_EXIT_OK) {
        aif_trace_destroy(t);
        return rc;
    }
    if (a->out_dir && (rc = open_series(od.tmp, &ts, &a->c)) != CLI_EXIT_OK) {
        cli_outdir_abort(&od);
        aif_trace_destroy(t);
        return rc;
    }
    aif_progress prog;
    if (mode != AIF_PROGRESS_NEVER && !a->common.quiet && njobs > 0) {
        start_progress(mode, t, &ts, &prog, &a->c);
    }
    aif_replay *r = NULL;
    double t0 = clock_s();
    aif_status st = aif_replay_run(NULL, aif_trace_jobs(t), njobs, &a->c, &r);
    if (ts.progress) {
        aif_progress_finish(ts.progress, ts.progress_end, ts.steps);
    }
    /* From here to the end the outputs are written with the signals deferred: short, and
     * then nothing temporary is left behind (interrupt.h). */
    sigset_t saved;
    cli_signals_defer(&saved);
    rc = finish(a, st, &ts, t, r, clock_s() - t0, a->out_dir ? od.tmp : NULL);
    if (a->out_dir && rc == CLI_EXIT_OK) {
        rc = cli_outdir_commit("replay", &od);
    } else if (a->out_dir) {
        cli_outdir_abort(&od);
    }
    cli_interrupt_forget();
    aif_replay_destroy(r);
    aif_trace_destroy(t);
    cli_signals_restore(&saved);
    return rc;
}

int cmd_replay(int argc, char **argv) {
    replay_args a = {.policy = "fifo", .seed = 1};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    if (a.list_policies) {
        list_policies();
        return CLI_EXIT_OK;
    }
    aif_cluster_spec cluster;
    rc = make_config(&a, &cluster);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    aif_progress_mode mode = (aif_progress_mode)a.common.progress;
    bool progress_shown = !a.common.quiet && mode != AIF_PROGRESS_NEVER &&
                          (mode != AIF_PROGRESS_AUTO || isatty(fileno(stderr)));
    if (try_fused_fifo(&a, progress_shown, &rc)) {
        return rc;
    }
    return replay_general(&a, mode);
}
