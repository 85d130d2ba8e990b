/* The fleet engine's research jobs (fleet.h): Poisson arrivals of jobs with sampled GPUs
 * and durations, run by any policy of the sched.h registry through a scheduling session
 * (session.h) over a pool the size of the GPUs inference, frontier runs and failures leave
 * free that hour. A shrinking pool (an inference peak) preempts the most recently started
 * research jobs; they keep their progress and go back to the policy. Each hour's research
 * GPU-hours are the session's busy GPU-time integrated over the hour, and count as
 * training compute (peak x the perf model's MFU) once the hour ends. Under a research budget
 * (elastic research, research.budget_share) the pool is also capped at the budget's share of the
 * fleet, and the part of it the jobs leave idle runs background research. */
#include <math.h>

#include "aifactory/dist.h"
#include "aifactory/sched.h"
#include "fleet_internal.h"

/* Research jobs carry no model: they are counted as training llama3.1-70b (ASSUMPTION: a
 * mid-size dense model stands for the experiments and ablations of a frontier lab) at the
 * scale of the mean research job, at each system's training precision (docs/run.md). */
#define RESEARCH_MODEL "llama3.1-70b"

/* The perf model's MFU of research on type t, computed once per type (the fleet's perf
 * cache holds it per model, system, precision and scale bucket). */
static double research_mfu(aif_fleet *f, fleet_type *t) {
    if (!(t->research_mfu > 0)) {
        const aif_scenario_research *rs = &f->in->training.research;
        double gpus = aif_dist_mean(&rs->gpus);
        if (!isfinite(gpus) || gpus < 1) {
            gpus = 1;
        }
        if (rs->max_gpus >= 1 && gpus > rs->max_gpus) {
            gpus = rs->max_gpus;
        }
        t->research_mfu = fleet_train_mfu(f, aif_model_find(RESEARCH_MODEL), t, gpus,
                                          t->hw != NULL ? t->hw->train_precision : AIF_PREC_BF16);
    }
    return t->research_mfu;
}

/* The priority policy's classes (ASSUMPTION, research jobs carry no priority of their
 * own): jobs of at most one 8-GPU node, debugging and small experiments that people wait
 * on, outrank larger jobs. Other policies ignore it. */
#define RESEARCH_SMALL_GPUS 8

/* The greedy policies look at most this many waiting jobs past the first that cannot
 * start, per pass (the replay's default is 1000): a research queue that backs up for days
 * would otherwise cost a thousand heap operations at every arrival and completion. */
#define RESEARCH_SCAN 64

aif_status fleet_research_setup(aif_fleet *f) {
    const char *name = f->in->options.research_policy ? f->in->options.research_policy : "fifo";
    size_t index;
    if (aif_sched_policy_find(name, &index) != AIF_OK) {
        return aif_error_set(f->err, AIF_ENOTFOUND,
                             "unknown research policy '%.60s' (see aifactory replay --help)", name);
    }
    /* The pool starts empty; the first hour sets its size. Registry defaults otherwise:
     * no resume overhead (as before the session: a research job's restart cost is not in
     * the scenario), las thresholds as the replay's. */
    aif_replay_config c = {
        .policy = name, .placement = AIF_PLACE_POOL, .gpus = 0, .scan_limit = RESEARCH_SCAN};
    return aif_sched_session_create(f->alloc, &c, &f->research.session);
}

void fleet_research_free(aif_fleet *f) {
    aif_sched_session_destroy(f->research.session);
    f->research.session = NULL;
}

/* Shell sort (Ciura's gaps) of an hour's few hundred times, without comparator calls. */
static void sort_times(int64_t *v, size_t n) {
    static const size_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < n; i++) {
            int64_t x = v[i];
            size_t j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap) {
                v[j] = v[j - gap];
            }
            v[j] = x;
        }
    }
}

/* This hour's arrivals: a Poisson count, then per job its GPUs, duration and a uniform
 * time in the hour, all from the research stream. The jobs are i.i.d., so handing the
 * sorted times out in draw order gives the same process as sorting the jobs by time, for
 * the price of sorting integers. */
static aif_status arrivals(aif_fleet *f, aif_time now) {
    const aif_scenario_research *rs = &f->in->training.research;
    if (!rs->present || !(rs->arrivals_per_day > 0)) {
        return AIF_OK;
    }
    double n = aif_dist_poisson(&f->research.rng, rs->arrivals_per_day / 24.0);
    f->research.jobs.count = 0;
    f->research.times.count = 0;
    for (double k = 0; k < n; k++) {
        double g = aif_dist_sample(&rs->gpus, &f->research.rng);
        double d = aif_dist_sample(&rs->duration_s, &f->research.rng);
        double u = aif_rng_uniform(&f->research.rng);
        double maxg = rs->max_gpus >= 1 ? rs->max_gpus : 1e6;
        g = isfinite(g) ? fmin(fmax(round(g), 1.0), maxg) : 1.0;
        d = isfinite(d) && d > 0 ? d : 3600.0;
        aif_job *j = fleet_vec_push(f, &f->research.jobs);
        int64_t *t = j != NULL ? fleet_vec_push(f, &f->research.times) : NULL;
        if (t == NULL) {
            return AIF_ENOMEM;
        }
        int64_t dur = (int64_t)fmin(d * 1e9, 1e18);
        *t = now + (int64_t)(u * (double)AIF_NS_PER_HOUR);
        *j = (aif_job){.duration_ns = dur > 0 ? dur : 1,
                       .id = (int64_t)k,
                       .gpus = (int32_t)g,
                       .gpu_milli = 1000,
                       .priority = g <= RESEARCH_SMALL_GPUS};
    }
    int64_t *times = f->research.times.data;
    aif_job *jobs = f->research.jobs.data;
    sort_times(times, f->research.times.count);
    for (size_t i = 0; i < f->research.jobs.count; i++) {
        jobs[i].submit_ns = times[i];
        aif_status st = aif_sched_session_submit(f->research.session, &jobs[i], NULL);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

int64_t fleet_research_pool(const aif_fleet *f, int64_t free_gpus, int64_t online,
                            int64_t reserved) {
    const aif_scenario_research *rs = &f->in->training.research;
    if (!rs->present || !(rs->budget_share > 0)) {
        return free_gpus;
    }
    /* R&D (frontier runs and research) holds at most the budget's share of the GPUs online;
     * the frontier runs' hold counts first. */
    double budget = floor(rs->budget_share * (double)online) - (double)reserved;
    int64_t room = budget > 0 ? (int64_t)budget : 0;
    return room < free_gpus ? room : free_gpus;
}

aif_status fleet_research_hour(aif_fleet *f, aif_time now, int64_t cap, const int64_t *free_by_type,
                               double *gpu_hours) {
    *gpu_hours = 0;
    /* Inference took its GPUs first: the pool is what is left. The session stands 1 ns
     * before this hour (see below), so the shrink and its preemptions come before the
     * events of the hour's first instant. */
    aif_status st = aif_sched_session_set_capacity(f->research.session, cap);
    if (st == AIF_OK) {
        st = arrivals(f, now);
    }
    /* Up to the last nanosecond of the hour: the boundary instant belongs to the next
     * hour, after its capacity is set, so jobs never start on a pool about to shrink. */
    if (st == AIF_OK) {
        st = aif_sched_session_advance(f->research.session, now + AIF_NS_PER_HOUR - 1);
    }
    if (st != AIF_OK) {
        return st;
    }
    double gpu_s = aif_sched_session_take_busy_gpu_s(f->research.session);
    aif_sched_session_stats ss;
    aif_sched_session_stats_get(f->research.session, &ss);
    f->sum.research_jobs_done = (long)ss.completed;
    f->sum.research_preemptions = (long)ss.preemptions;
    /* Under a research budget, what the jobs leave of the pool runs background research
     * that yields at once to any job (the pool is constant within the hour). */
    if (f->in->training.research.budget_share > 0) {
        double background = fmax(0.0, (double)cap * 3600.0 - gpu_s);
        f->sum.research_background_gpu_hours += background / 3600.0;
        gpu_s += background;
    }
    *gpu_hours = gpu_s / 3600.0;
    /* The research pool is fungible across types, so its FLOP/s is the mean peak of the
     * free GPUs it runs on, weighted by how many each type has free. */
    double peak = 0, n = 0;
    for (size_t t = 0; t < f->build.ntypes; t++) {
        fleet_type *ty = &f->build.types[t];
        if (free_by_type[t] > 0 && ty->hw != NULL) {
            peak += (double)free_by_type[t] * ty->hw->peak_flops[ty->hw->train_precision] *
                    ty->hw_scale * research_mfu(f, ty);
            n += (double)free_by_type[t];
        }
    }
    f->research.flop_pending = n > 0 ? gpu_s * peak / n : 0.0;
    return AIF_OK;
}
