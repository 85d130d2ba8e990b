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

#include "aifactory/outfile.h"
#include "aifactory/progress.h"
#include "aifactory/replay.h"
#include "aifactory/replay_results.h"
#include "aifactory/report.h"
#include "aifactory/results.h"
#include "aifactory/sched.h"
#include "aifactory/trace.h"
#include "args.h"
#include "cli.h"
#include "interrupt.h"

enum {
    OPT_FORMAT = CLI_COMMON_OPTIONS,
    OPT_SKIP_BAD,
    OPT_GPUS,
    OPT_GPUS_PER_NODE,
    OPT_POLICY,
    OPT_LIST_POLICIES,
    OPT_PLACEMENT,
    OPT_ESTIMATE,
    OPT_OVERHEAD,
    OPT_LAS_THRESHOLDS,
    OPT_LAS_STARVE,
    OPT_SCAN_LIMIT,
    OPT_SEED,
    OPT_OUTPUT,
    OPT_SAMPLE,
    OPT_CLUSTER,
};

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"trace-format", "FMT",
     "auto (default), generic, philly, helios, acme, alibaba-openb, tiresias"},
    {"skip-bad", NULL, "skip invalid rows (counted in the summary) instead of failing"},
    {"gpus", "N", "GPUs in the cluster (required)"},
    {"gpus-per-node", "K", "GPUs per node (default 8; implies consolidated placement)"},
    {"policy", "NAME", "scheduling policy (default fifo; see --list-policies)"},
    {"list-policies", NULL, "list the scheduling policies and placements, then exit"},
    {"placement", "NAME", "pool, first-fit, best-fit, consolidated or random"},
    {"estimate-factor", "X", "backfill: runtime estimate = duration * X (default 1)"},
    {"preempt-overhead-s", "S", "seconds added to a preempted job when it resumes"},
    {"las-thresholds", "LIST", "las: queue limits in GPU-seconds (default 57600)"},
    {"las-starve-factor", "X", "las: promote a job waiting X times its last run (0: off)"},
    {"scan-limit", "N", "greedy policies: waiting jobs examined per pass (default 1000)"},
    {"seed", "N", "seed for random placement (default 1)"},
    {"output", "DIR", "write jobs.csv, timeseries.csv, results.sqlite, summary.json, report.html"},
    {"sample-s", "S", "time series: one row per S seconds instead of per event"},
    {"cluster", "FILE", "cluster description (YAML: node groups, GPU types) instead of --gpus"},
};

static const cli_verb_spec spec = {
    .name = "replay",
    .usage = "TRACE [options]",
    .description = "Replay a cluster job trace under a scheduling and placement policy and "
                   "report\njob completion times, waits and utilization.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
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

/* Copy DIR/timeseries.csv (written during the run) into the store's three series: the
 * file is the buffer, so the run itself holds no time series in memory. */
static aif_status import_series(aif_results *db, const char *dir, const int64_t ids[3]) {
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL) {
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
        fprintf(stderr, "aifactory replay: %s\n", err.message[0] ? err.message : aif_strerror(st));
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

static bool parse_double(const char *s, double lo, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo) {
        return false;
    }
    *out = v;
    return true;
}

static bool parse_i64(const char *s, int64_t lo, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo) {
        return false;
    }
    *out = v;
    return true;
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

static void json_metrics(const aif_replay_summary *s) {
    printf("\"jobs\":%zu,\"makespan_s\":%.17g,\"mean_jct_s\":%.17g,\"median_jct_s\":%.17g,"
           "\"p95_jct_s\":%.17g,\"p99_jct_s\":%.17g,\"mean_wait_s\":%.17g,"
           "\"median_wait_s\":%.17g,\"p95_wait_s\":%.17g,\"mean_slowdown\":%.17g,"
           "\"gpu_utilization\":%.17g,\"preemptions\":%llu",
           s->jobs, s->makespan_s, s->mean_jct_s, s->median_jct_s, s->p95_jct_s, s->p99_jct_s,
           s->mean_wait_s, s->median_wait_s, s->p95_wait_s, s->mean_slowdown, s->gpu_utilization,
           (unsigned long long)s->preemptions);
}

/* JSON string body: the trace's strings are user data, so escape what JSON requires. */
static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
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

static int print_report(const report_in *in, const aif_replay_config *c, bool json, bool quiet) {
    const aif_replay_summary *sp = in->s;
    int rc = CLI_EXIT_OK;
    if (json) {
        printf("{\"trace_format\":\"%s\",\"policy\":\"%s\",\"placement\":\"%s\",\"gpus\":%lld,",
               aif_trace_format_name(in->format), c->policy, aif_placement_name(c->placement),
               (long long)c->gpus);
        json_metrics(sp);
        printf(",\"events\":%llu,\"skipped_rows\":%zu,\"filtered_rows\":%zu,\"by_vc\":{",
               (unsigned long long)sp->events, in->skipped, in->filtered);
        for (size_t i = 0; i < in->nvc && rc == CLI_EXIT_OK; i++) {
            aif_replay_summary v;
            if (aif_replay_summarize_vc(in->r, aif_trace_jobs(in->t), in->order[i], &v) != AIF_OK) {
                rc = CLI_EXIT_FAILURE;
                break;
            }
            printf(i ? "," : "");
            json_string(aif_trace_string(in->t, in->order[i]));
            printf(":{");
            json_metrics(&v);
            printf("}");
        }
        printf("}}\n");
    } else if (!quiet) {
        printf("trace: %zu jobs (%s), %zu skipped, %zu filtered\n", sp->jobs,
               aif_trace_format_name(in->format), in->skipped, in->filtered);
        printf("cluster: %lld GPUs, policy %s, placement %s\n", (long long)c->gpus, c->policy,
               aif_placement_name(c->placement));
        printf("makespan       %14.1f s\n", sp->makespan_s);
        printf("JCT mean/median/p95/p99  %.1f / %.1f / %.1f / %.1f s\n", sp->mean_jct_s,
               sp->median_jct_s, sp->p95_jct_s, sp->p99_jct_s);
        printf("wait mean/median/p95     %.1f / %.1f / %.1f s\n", sp->mean_wait_s,
               sp->median_wait_s, sp->p95_wait_s);
        printf("mean bounded slowdown    %.3f\n", sp->mean_slowdown);
        printf("GPU utilization          %.4f\n", sp->gpu_utilization);
        printf("preemptions %llu, events %llu, VCs %zu\n", (unsigned long long)sp->preemptions,
               (unsigned long long)sp->events, in->nvc);
    }
    if (rc != CLI_EXIT_OK) {
        fprintf(stderr, "aifactory replay: out of memory\n");
    }
    return rc;
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
    if (aif_outfile_open(&out, NULL, path) != AIF_OK) {
        fprintf(stderr, "aifactory replay: cannot write %s: %s\n", path, strerror(errno));
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
    if (aif_outfile_commit(&out) != AIF_OK) {
        fprintf(stderr, "aifactory replay: cannot write %s\n", path);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static int parse_thresholds(const char *v, aif_replay_config *c) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v);
    int n = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (n >= AIF_REPLAY_LAS_MAX_QUEUES - 1 ||
            !parse_double(tok, 0, &c->las_thresholds_gpu_s[n]) || c->las_thresholds_gpu_s[n] <= 0 ||
            (n > 0 && c->las_thresholds_gpu_s[n] <= c->las_thresholds_gpu_s[n - 1])) {
            return -1;
        }
        n++;
    }
    c->las_threshold_count = n;
    return n > 0 ? 0 : -1;
}

int cmd_replay(int argc, char **argv) {
    /* "-o DIR" is the documented short form of --output; the shared parser knows only long
     * options, so rewrite it before parsing. */
    char **args = malloc((size_t)(argc + 1) * sizeof *args);
    if (args == NULL) {
        return CLI_EXIT_FAILURE;
    }
    for (int i = 0; i < argc; i++) {
        args[i] = strcmp(argv[i], "-o") == 0 ? "--output" : argv[i];
    }
    args[argc] = NULL;
    cli_parser p;
    cli_common common = {.progress = "auto"};
    cli_parser_init(&p, &spec, argc, args);
    aif_trace_options topt = {AIF_TRACE_AUTO, false};
    aif_replay_config c = {.policy = "fifo", .gpus_per_node = 8, .seed = 1};
    const char *trace_path = NULL, *out_dir = NULL, *placement = NULL, *cluster_path = NULL;
    aif_cluster_spec spec_file;
    aif_status st;
    bool have_k = false, list = false;
    double d = 0;
    int64_t x = 0;
    int64_t sample_ns = 0;
    int rc = CLI_EXIT_OK;
    for (int opt; rc == CLI_EXIT_OK && (opt = cli_parser_next(&p)) != CLI_PARSE_DONE;) {
        const char *v = p.value;
        switch (opt) {
        case CLI_PARSE_ERROR:
            rc = CLI_EXIT_USAGE;
            break;
        case CLI_PARSE_POSITIONAL:
            if (trace_path) {
                rc = cli_usage_error(&spec, "one TRACE only, found '%s' as well", v);
            }
            trace_path = v;
            break;
        case OPT_FORMAT:
            if (aif_trace_format_parse(v, &topt.format) != AIF_OK) {
                rc = cli_usage_error(&spec, "unknown --trace-format '%s'", v);
            }
            break;
        case OPT_SKIP_BAD:
            topt.skip_bad = true;
            break;
        case OPT_GPUS:
            if (!parse_i64(v, 1, &c.gpus)) {
                rc = cli_usage_error(&spec, "--gpus expects a positive integer, found '%s'", v);
            }
            break;
        case OPT_GPUS_PER_NODE:
            if (!parse_i64(v, 1, &x) || x > 255) {
                rc = cli_usage_error(&spec, "--gpus-per-node expects 1..255, found '%s'", v);
            }
            c.gpus_per_node = (int32_t)x;
            have_k = true;
            break;
        case OPT_POLICY:
            c.policy = v;
            break;
        case OPT_LIST_POLICIES:
            list = true;
            break;
        case OPT_PLACEMENT:
            placement = v;
            break;
        case OPT_ESTIMATE:
            if (!parse_double(v, 0, &c.estimate_factor) || c.estimate_factor <= 0) {
                rc =
                    cli_usage_error(&spec, "--estimate-factor expects a number > 0, found '%s'", v);
            }
            break;
        case OPT_OVERHEAD:
            if (!parse_double(v, 0, &d) || d > 9e9) {
                rc = cli_usage_error(&spec,
                                     "--preempt-overhead-s expects seconds >= 0, found "
                                     "'%s'",
                                     v);
            }
            c.preempt_overhead_ns = (int64_t)llround(d * 1e9);
            break;
        case OPT_LAS_THRESHOLDS:
            if (parse_thresholds(v, &c) != 0) {
                rc = cli_usage_error(&spec,
                                     "--las-thresholds expects up to 7 increasing "
                                     "GPU-second limits, found '%s'",
                                     v);
            }
            break;
        case OPT_LAS_STARVE:
            if (!parse_double(v, 0, &c.las_starve_factor)) {
                rc = cli_usage_error(&spec,
                                     "--las-starve-factor expects a number >= 0, found "
                                     "'%s'",
                                     v);
            }
            break;
        case OPT_SCAN_LIMIT:
            if (!parse_i64(v, 1, &x) || x > UINT32_MAX) {
                rc = cli_usage_error(&spec,
                                     "--scan-limit expects a positive integer, found "
                                     "'%s'",
                                     v);
            }
            c.scan_limit = (uint32_t)x;
            break;
        case OPT_SEED:
            if (!parse_i64(v, 0, &x)) {
                rc = cli_usage_error(&spec, "--seed expects an integer >= 0, found '%s'", v);
            }
            c.seed = (uint64_t)x;
            break;
        case OPT_OUTPUT:
            out_dir = v;
            break;
        case OPT_CLUSTER:
            cluster_path = v;
            break;
        case OPT_SAMPLE:
            if (!parse_double(v, 0, &d) || d <= 0 || d > 9e9) {
                rc = cli_usage_error(&spec, "--sample-s expects seconds > 0, found '%s'", v);
            }
            sample_ns = (int64_t)llround(d * 1e9);
            break;
        default: {
            int r = cli_common_apply(&common, &p, opt);
            rc = r < 0 ? -1 : r;
        }
        }
    }
    free(args);
    if (rc != CLI_EXIT_OK) {
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    if (list) {
        list_policies();
        return CLI_EXIT_OK;
    }
    size_t pi;
    if (aif_sched_policy_find(c.policy, &pi) != AIF_OK) {
        return cli_usage_error(&spec, "unknown --policy '%s' (see --list-policies)", c.policy);
    }
    c.placement = have_k || cluster_path ? AIF_PLACE_CONSOLIDATED : AIF_PLACE_POOL;
    if (placement && aif_placement_parse(placement, &c.placement) != AIF_OK) {
        return cli_usage_error(&spec, "unknown --placement '%s'", placement);
    }
    if (trace_path == NULL) {
        return cli_usage_error(&spec, "missing TRACE (a .csv or .csv.zst job trace)");
    }
    if (cluster_path && (c.gpus || have_k)) {
        return cli_usage_error(&spec, "--cluster replaces --gpus and --gpus-per-node");
    }
    if (cluster_path) {
        char err[512];
        st = aif_cluster_spec_read(cluster_path, &spec_file, err, sizeof err);
        if (st != AIF_OK) {
            fprintf(stderr, "aifactory replay: %s\n", err[0] ? err : aif_strerror(st));
            return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
        }
        c.groups = spec_file.groups;
        c.group_count = spec_file.count;
        for (size_t i = 0; i < spec_file.count; i++) {
            c.gpus += spec_file.groups[i].nodes * spec_file.groups[i].gpus_per_node;
        }
    } else if (c.gpus == 0) {
        return cli_usage_error(&spec, "missing --gpus N (the cluster size) or --cluster FILE");
    }
    if (!cluster_path && c.placement != AIF_PLACE_POOL && c.gpus % c.gpus_per_node != 0) {
        return cli_usage_error(&spec, "--gpus %lld is not a whole number of %d-GPU nodes",
                               (long long)c.gpus, c.gpus_per_node);
    }

    aif_error err = {0};
    aif_progress_mode pmode = AIF_PROGRESS_AUTO;
    aif_progress_mode_parse(common.progress, &pmode);
    /* fifo on a pool with nothing but the summary to show (no -o, no progress line, no
     * VCs to break down) takes the fused read-and-replay, which gives the same summary
     * with a third of the memory. Any failure there (a VC column, a bad row, a job larger
     * than the pool) retries on the general path, so messages and exits stay its own. */
    bool quiet_progress = common.quiet || pmode == AIF_PROGRESS_NEVER ||
                          (pmode == AIF_PROGRESS_AUTO && !isatty(fileno(stderr)));
    if (!cluster_path && !out_dir && quiet_progress && c.placement == AIF_PLACE_POOL &&
        strcmp(c.policy, "fifo") == 0) {
        aif_replay_fifo_result res;
        st = aif_replay_fifo_read(NULL, trace_path, &topt, AIF_REPLAY_FIFO_NO_VC, &c, &res, &err);
        if (st == AIF_OK) {
            warn_skipped(&common, res.skipped_rows, &err);
            report_in in = {.s = &res.summary,
                            .format = res.format,
                            .skipped = res.skipped_rows,
                            .filtered = res.filtered_rows};
            return print_report(&in, &c, common.json, common.quiet);
        }
    }
    aif_trace *t = NULL;
    st = aif_trace_read(NULL, trace_path, &topt, &t, &err);
    if (st != AIF_OK) {
        char text[512];
        aif_error_format(&err, text, sizeof text);
        fprintf(stderr, "aifactory replay: %s\n", err.status != AIF_OK ? text : aif_strerror(st));
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    warn_skipped(&common, aif_trace_skipped_rows(t), &err);
    const aif_job *jobs = aif_trace_jobs(t);
    c.names = aif_trace_names(t);
    for (size_t i = 0; i < aif_trace_count(t); i++) {
        if (jobs[i].gpus > c.gpus) {
            fprintf(stderr,
                    "aifactory replay: job %lld (line %u) needs %d GPUs, more than the "
                    "cluster's %lld: it could never run\n",
                    (long long)jobs[i].id, jobs[i].line, jobs[i].gpus, (long long)c.gpus);
            aif_trace_destroy(t);
            return CLI_EXIT_USAGE;
        }
    }
    series ts = {.sample_ns = sample_ns};
    if (out_dir) {
        char path[4096];
        if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "aifactory replay: cannot create %s: %s\n", out_dir, strerror(errno));
            aif_trace_destroy(t);
            return CLI_EXIT_FAILURE;
        }
        snprintf(path, sizeof path, "%s/timeseries.csv", out_dir);
        if (aif_outfile_open(&ts.out, NULL, path) != AIF_OK) {
            fprintf(stderr, "aifactory replay: cannot write %s: %s\n", path, strerror(errno));
            aif_trace_destroy(t);
            return CLI_EXIT_FAILURE;
        }
        ts.f = ts.out.fp;
        cli_interrupt_remove_on_signal(ts.out.tmp_path);
        fprintf(ts.f, "time_s,busy_gpus,queued_jobs,running_jobs\n");
        c.on_step = on_step;
        c.step_ctx = &ts;
    }
    size_t njobs = aif_trace_count(t);
    ts.origin_ns = njobs ? jobs[0].submit_ns : 0;
    aif_progress prog;
    if (pmode != AIF_PROGRESS_NEVER && !common.quiet && njobs > 0) {
        /* Dated traces show their calendar dates; relative ones start at 1970-01-01. */
        int64_t day = ts.origin_ns / (86400 * INT64_C(1000000000));
        day -= ts.origin_ns < day * 86400 * INT64_C(1000000000);
        ts.day0_ns = day * 86400 * INT64_C(1000000000);
        aif_progress_config pc = {.out = stderr,
                                  .mode = pmode,
                                  .is_tty = -1,
                                  .label = "replay",
                                  .start = aif_date_from_days(day),
                                  .end = jobs[njobs - 1].submit_ns - ts.day0_ns};
        aif_progress_init(&prog, &pc);
        ts.progress_end = pc.end;
        ts.progress = &prog;
        c.on_step = on_step;
        c.step_ctx = &ts;
    }
    aif_replay *r = NULL;
    double t0 = clock_s();
    st = aif_replay_run(NULL, jobs, aif_trace_count(t), &c, &r);
    if (ts.progress) {
        aif_progress_finish(ts.progress, ts.progress_end, ts.steps);
    }
    /* From here to the end the outputs are written with the signals deferred: short, and
     * then nothing temporary is left behind (interrupt.h). */
    sigset_t saved;
    cli_signals_defer(&saved);
    if (ts.f && st == AIF_OK) {
        st = aif_outfile_commit(&ts.out);
    } else if (ts.f) {
        aif_outfile_abort(&ts.out);
    }
    cli_interrupt_forget();
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory replay: %s\n",
                st == AIF_ERANGE ? "a job needs more GPUs than any cluster group of its GPU "
                                   "type has: it could never run"
                                 : aif_strerror(st));
        aif_trace_destroy(t);
        cli_signals_restore(&saved);
        return st == AIF_EINVAL || st == AIF_ERANGE ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    rc = print_summary(t, r, &c, common.json, common.quiet);
    if (rc == CLI_EXIT_OK && out_dir) {
        rc = write_jobs_csv(out_dir, t, r);
    }
    if (rc == CLI_EXIT_OK && out_dir) {
        rc = write_store(out_dir, trace_path, t, r, &c, clock_s() - t0);
    }
    aif_replay_destroy(r);
    aif_trace_destroy(t);
    cli_signals_restore(&saved);
    return rc;
}
