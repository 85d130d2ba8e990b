/* Saving a trace replay into the results store (see aif_replay_save in replay.h), so that
 * replays share the database, CSV export, summary.json and report of every other run. */
#include <math.h>
#include <stdio.h>

#include "aifactory/replay_results.h"

static aif_status param(aif_results *db, int64_t run, const char *name, const char *value,
                        const char *unit) {
    return aif_results_add_param(db, run, name, value, unit);
}

static aif_status param_num(aif_results *db, int64_t run, const char *name, double v,
                            const char *unit) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    return param(db, run, name, buf, unit);
}

aif_status aif_replay_save(aif_results *db, int64_t run_id, const aif_trace *trace,
                           const aif_replay *r, const aif_replay_config *c) {
    if (db == NULL || trace == NULL || r == NULL || c == NULL) {
        return AIF_EINVAL;
    }
    const aif_job *jobs = aif_trace_jobs(trace);
    size_t n = aif_trace_count(trace);
    aif_replay_summary s;
    aif_status st = aif_replay_summarize(r, jobs, &s);
    if (st != AIF_OK) {
        return st;
    }
    char las[256] = "";
    size_t used = 0;
    for (int i = 0; i < c->las_threshold_count && used < sizeof las; i++) {
        used += (size_t)snprintf(las + used, sizeof las - used, "%s%.17g", i ? "," : "",
                                 c->las_thresholds_gpu_s[i]);
    }
    char groups[1024] = "";
    used = 0;
    for (size_t i = 0; i < c->group_count && used < sizeof groups; i++) {
        const aif_cluster_group *g = &c->groups[i];
        used += (size_t)snprintf(groups + used, sizeof groups - used, "%s%s:%lldx%d", i ? "," : "",
                                 g->gpu_type ? g->gpu_type : "any", (long long)g->nodes,
                                 g->gpus_per_node);
    }
    if ((c->group_count > 0 &&
         (st = param(db, run_id, "cluster_groups", groups, "type:nodes x GPUs"))) ||
        (st = param(db, run_id, "policy", c->policy ? c->policy : "fifo", "")) ||
        (st = param(db, run_id, "placement", aif_placement_name(c->placement), "")) ||
        (st = param(db, run_id, "trace_format", aif_trace_format_name(aif_trace_format_of(trace)),
                    "")) ||
        (st = param_num(db, run_id, "gpus", (double)c->gpus, "GPU")) ||
        (st = param_num(db, run_id, "gpus_per_node", c->gpus_per_node, "GPU")) ||
        (st = param_num(db, run_id, "estimate_factor",
                        c->estimate_factor > 0 ? c->estimate_factor : 1, "")) ||
        (st = param_num(db, run_id, "preempt_overhead_s", (double)c->preempt_overhead_ns / 1e9,
                        "s")) ||
        (st = param(db, run_id, "las_thresholds_gpu_s", las, "GPU*s")) ||
        (st = param_num(db, run_id, "las_starve_factor", c->las_starve_factor, "")) ||
        (st = param_num(db, run_id, "skipped_rows", (double)aif_trace_skipped_rows(trace),
                        "rows")) ||
        (st = param_num(db, run_id, "filtered_rows", (double)aif_trace_filtered_rows(trace),
                        "rows"))) {
        return st;
    }
    const struct {
        const char *name;
        double value;
        const char *unit;
    } metrics[] = {
        {"jobs", (double)s.jobs, "jobs"},
        {"makespan_s", s.makespan_s, "s"},
        {"mean_jct_s", s.mean_jct_s, "s"},
        {"median_jct_s", s.median_jct_s, "s"},
        {"p95_jct_s", s.p95_jct_s, "s"},
        {"p99_jct_s", s.p99_jct_s, "s"},
        {"mean_wait_s", s.mean_wait_s, "s"},
        {"median_wait_s", s.median_wait_s, "s"},
        {"mean_slowdown", s.mean_slowdown, ""},
        {"gpu_utilization", s.gpu_utilization, ""},
        {"preemptions", (double)s.preemptions, "preemptions"},
        {"events", (double)s.events, "events"},
    };
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
        if ((st = aif_results_add_metric(db, run_id, metrics[i].name, metrics[i].value,
                                         metrics[i].unit)) != AIF_OK) {
            return st;
        }
    }
    const aif_replay_job *o = aif_replay_jobs(r);
    int64_t origin = n ? jobs[0].submit_ns : 0;
    for (size_t i = 0; i < n; i++) {
        const aif_job *j = &jobs[i];
        char id[32];
        const char *name = aif_trace_string(trace, j->name);
        if (j->name == 0) {
            snprintf(id, sizeof id, "%lld", (long long)j->id);
            name = id;
        }
        aif_record_job row = {
            .job_id = name,
            .vc = j->vc ? aif_trace_string(trace, j->vc) : NULL,
            .kind = "trace",
            .gpus = j->gpus,
            .submit_s = (double)(j->submit_ns - origin) / 1e9,
            .start_s = o[i].start_ns >= 0 ? (double)(o[i].start_ns - origin) / 1e9 : NAN,
            .end_s = o[i].end_ns >= 0 ? (double)(o[i].end_ns - origin) / 1e9 : NAN,
            .status = "completed",
            .interruptions = o[i].preemptions,
        };
        if ((st = aif_results_add_job(db, run_id, &row)) != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}
