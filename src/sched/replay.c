/* The replay engine (see replay.h): the event loop over arrivals, completions and policy
 * timers, the start/preempt primitives the policies call, and the summary metrics. */
#include <string.h>

#include "aifactory/replay.h"
#include "aifactory/sched.h"
#include "sched_internal.h"

#define NS_PER_S 1e9

struct aif_replay {
    const aif_allocator *alloc;
    aif_replay_job *jobs;
    size_t n;
    int64_t gpus;
    uint64_t events;
    uint64_t preemptions;
};

/* ---- Primitives for the policies ---- */

/* The cluster groups job may use: those of its GPU type when the cluster has several. */
static uint32_t group_mask(const engine *e, const aif_job *job) {
    if (e->cfg->names.name == NULL || job->gpu_type == 0 ||
        aif_cluster_group_count(e->cluster) < 2) {
        return UINT32_MAX;
    }
    return aif_cluster_groups_of_type(e->cluster,
                                      e->cfg->names.name(e->cfg->names.ctx, job->gpu_type));
}

#define NO_JOB UINT32_MAX

static void running_link(engine *e, uint32_t j) {
    e->rnext[j & e->mask] = NO_JOB;
    e->rprev[j & e->mask] = e->rtail;
    if (e->rtail != NO_JOB) {
        e->rnext[e->rtail & e->mask] = j;
    } else {
        e->rhead = j;
    }
    e->rtail = j;
}

static void running_unlink(engine *e, uint32_t j) {
    uint32_t p = e->rprev[j & e->mask], n = e->rnext[j & e->mask];
    if (p != NO_JOB) {
        e->rnext[p & e->mask] = n;
    } else {
        e->rhead = n;
    }
    if (n != NO_JOB) {
        e->rprev[n & e->mask] = p;
    } else {
        e->rtail = p;
    }
}

aif_status aif__engine_start(engine *e, uint32_t j) {
    job_run *r = eng_run(e, j);
    const aif_job *job = eng_job(e, j);
    aif_replay_job *o = &e->out[j & e->mask];
    uint32_t nodes = 0;
    aif_status st;
    int64_t overhead = r->started ? e->cfg->preempt_overhead_ns : 0;
    int64_t length = r->remaining_ns + overhead;
    /* now <= the horizon (every event is), so the difference cannot overflow; past it the
     * makespan and the policies' sums (now + an estimate or a timer) would. */
    if (length > AIF_REPLAY_HORIZON_NS - e->now) {
        return AIF_ERANGE;
    }
    if (e->cluster != NULL) {
        st = aif_cluster_place_in(e->cluster, job->gpus, group_mask(e, job), &r->alloc, &nodes);
        if (st != AIF_OK) {
            return st;
        }
    } else if (job->gpus > e->capacity - e->busy) {
        return AIF_EEMPTY;
    }
    /* The GPU count rides in the event, so completion does not read the job record. */
    aif_event ev = {.time = e->now + length,
                    .data = j,
                    .target = (uint32_t)job->gpus,
                    .kind = EV_COMPLETE,
                    .cls = CLS_COMPLETE};
    st = aif_pq_push(e->pq, &ev, &r->done);
    if (st != AIF_OK) {
        if (e->cluster != NULL) {
            aif_cluster_release(e->cluster, job->gpus, r->alloc);
        }
        return st;
    }
    r->resumed = r->started;
    if (!r->started) {
        o->start_ns = e->now;
        r->started = true;
    }
    o->nodes = nodes;
    if (e->rnext != NULL) {
        running_link(e, j);
    }
    r->state = JOB_RUNNING;
    r->run_since_ns = e->now;
    r->finish_ns = ev.time;
    e->busy += job->gpus;
    e->waiting--;
    e->running++;
    return AIF_OK;
}

aif_status aif__engine_preempt(engine *e, uint32_t j) {
    job_run *r = eng_run(e, j);
    const aif_job *job = eng_job(e, j);
    aif_status st = aif_pq_cancel(e->pq, r->done, NULL);
    if (st != AIF_OK) {
        return st;
    }
    /* Progress counts only after this run's resume overhead has been paid. */
    int64_t ran = e->now - r->run_since_ns;
    int64_t useful = ran - (r->resumed ? e->cfg->preempt_overhead_ns : 0);
    if (useful > 0) {
        r->remaining_ns -= useful;
    }
    if (e->cluster != NULL) {
        aif_cluster_release(e->cluster, job->gpus, r->alloc);
    }
    if (e->rnext != NULL) {
        running_unlink(e, j);
    }
    r->state = JOB_WAITING;
    r->done = AIF_PQ_HANDLE_NONE;
    e->out[j & e->mask].preemptions++;
    e->preemptions++;
    e->busy -= job->gpus;
    e->running--;
    e->waiting++;
    return AIF_OK;
}

aif_status aif__engine_set_timer(engine *e, uint32_t j, int64_t t, aif_pq_handle *h) {
    aif__engine_cancel_timer(e, h);
    aif_event ev = {.time = t < e->now ? e->now : t, .data = j, .kind = EV_TIMER, .cls = CLS_TIMER};
    return aif_pq_push(e->pq, &ev, h);
}

void aif__engine_cancel_timer(engine *e, aif_pq_handle *h) {
    if (*h != AIF_PQ_HANDLE_NONE) {
        aif_pq_cancel(e->pq, *h, NULL);
        *h = AIF_PQ_HANDLE_NONE;
    }
}

/* ---- The loop ---- */

static aif_status complete(engine *e, uint32_t j, int32_t gpus) {
    job_run *r = eng_run(e, j);
    if (e->cluster != NULL) {
        aif_cluster_release(e->cluster, gpus, r->alloc);
    }
    if (e->rnext != NULL) {
        running_unlink(e, j);
    }
    r->state = JOB_DONE;
    r->remaining_ns = 0;
    r->done = AIF_PQ_HANDLE_NONE;
    e->out[j & e->mask].end_ns = e->now;
    e->busy -= gpus;
    e->running--;
    e->completed++;
    if (e->ops->finished) {
        e->ops->finished(e, e->pstate, j);
    }
    if (e->on_done) {
        e->on_done(e->done_ctx, j, eng_job(e, j), &e->out[j & e->mask]);
    }
    return AIF_OK;
}

/* Add busy GPUs x (t - now) to the integral, exactly: dt splits into whole seconds and the
 * rest, so no product exceeds busy x 1e9 (int64 holds it for any GPU count up to 9e9). */
static void integrate(engine *e, int64_t t) {
    int64_t dt = t - e->now;
    if (dt <= 0 || e->busy == 0) {
        return;
    }
    e->busy_gpu_s += e->busy * (dt / 1000000000);
    e->busy_gpu_ns += e->busy * (dt % 1000000000);
    if (e->busy_gpu_ns >= 1000000000) {
        e->busy_gpu_s += e->busy_gpu_ns / 1000000000;
        e->busy_gpu_ns %= 1000000000;
    }
}

aif_status aif__engine_run_until(engine *e, int64_t until) {
    aif_status st;
    for (;;) {
        bool more = e->next_arrival < e->n;
        aif_event top;
        bool have = aif_pq_peek(e->pq, &top) == AIF_OK;
        if (!more && !have) {
            break;
        }
        int64_t t = have ? top.time : INT64_MAX;
        if (more && eng_job(e, e->next_arrival)->submit_ns < t) {
            t = eng_job(e, e->next_arrival)->submit_ns;
        }
        if (t > until) {
            break;
        }
        integrate(e, t);
        e->now = t;
        /* One call per event; events that handlers add for this instant come out too. */
        while (have && aif_pq_pop_until(e->pq, t, &top) == AIF_OK) {
            e->events++;
            uint32_t j = (uint32_t)top.data;
            if (top.kind == EV_COMPLETE) {
                st = complete(e, j, (int32_t)top.target);
            } else {
                st = e->ops->timer ? e->ops->timer(e, e->pstate, j) : AIF_OK;
            }
            if (st != AIF_OK) {
                return st;
            }
        }
        while (e->next_arrival < e->n && eng_job(e, e->next_arrival)->submit_ns == t) {
            uint32_t j = e->next_arrival++;
            e->events++;
            eng_run(e, j)->state = JOB_WAITING;
            e->waiting++;
            if ((st = e->ops->enqueue(e, e->pstate, j)) != AIF_OK) {
                return st;
            }
        }
        if ((st = e->ops->schedule(e, e->pstate)) != AIF_OK) {
            return st;
        }
        if (e->cfg->on_step) {
            e->cfg->on_step(e->cfg->step_ctx, t, e->busy, e->waiting, e->running);
        }
    }
    if (until != INT64_MAX && until > e->now) {
        integrate(e, until);
        e->now = until;
    }
    return AIF_OK;
}

aif_status aif__replay_check_config(size_t n, const aif_replay_config *cfg) {
    if ((cfg->group_count == 0 && cfg->gpus < 1) || (cfg->group_count > 0 && !cfg->groups) ||
        !(cfg->estimate_factor >= 0) || cfg->preempt_overhead_ns < 0 ||
        cfg->las_threshold_count < 0 || cfg->las_threshold_count >= AIF_REPLAY_LAS_MAX_QUEUES ||
        !(cfg->las_starve_factor >= 0) || n > UINT32_MAX - 1) {
        return AIF_EINVAL;
    }
    /* The limits a run can hold: see replay.h (each keeps now + the value in int64 ns). */
    if (cfg->estimate_factor > AIF_REPLAY_FACTOR_MAX ||
        cfg->las_starve_factor > AIF_REPLAY_FACTOR_MAX ||
        cfg->preempt_overhead_ns > AIF_JOB_DURATION_LIMIT_NS) {
        return AIF_ERANGE;
    }
    for (int i = 0; i < cfg->las_threshold_count; i++) {
        if (!(cfg->las_thresholds_gpu_s[i] > 0) ||
            (i > 0 && !(cfg->las_thresholds_gpu_s[i] > cfg->las_thresholds_gpu_s[i - 1]))) {
            return AIF_EINVAL;
        }
        if (cfg->las_thresholds_gpu_s[i] > AIF_REPLAY_LAS_THRESHOLD_MAX_GPU_S) {
            return AIF_ERANGE;
        }
    }
    return AIF_OK;
}

/* The jobs' own checks, made in the pass that initializes their run state. */
static aif_status check_job(const engine *e, size_t i) {
    const aif_job *jobs = e->jobs;
    if (jobs[i].duration_ns <= 0 || jobs[i].gpus < 1 ||
        (i > 0 && jobs[i].submit_ns < jobs[i - 1].submit_ns)) {
        return AIF_EINVAL;
    }
    if (!aif__job_times_fit(jobs[i].submit_ns, jobs[i].duration_ns)) {
        return AIF_ERANGE;
    }
    int64_t room = aif_cluster_gpus(e->cluster);
    if (aif_cluster_group_count(e->cluster) > 1) {
        room = aif_cluster_largest_group(e->cluster, group_mask(e, &jobs[i]));
    }
    return jobs[i].gpus > room ? AIF_ERANGE : AIF_OK;
}

void aif_replay_destroy(aif_replay *r) {
    if (r == NULL) {
        return;
    }
    aif_free(r->alloc, r->jobs, (r->n ? r->n : 1) * sizeof *r->jobs);
    aif_free(r->alloc, r, sizeof *r);
}

aif_status aif_replay_run(const aif_allocator *a, const aif_job *jobs, size_t n,
                          const aif_replay_config *cfg, aif_replay **out) {
    return aif__replay_run_with(a, jobs, n, cfg, true, out);
}

aif_status aif__replay_run_with(const aif_allocator *a, const aif_job *jobs, size_t n,
                                const aif_replay_config *cfg, bool fast_path, aif_replay **out) {
    if ((jobs == NULL && n > 0) || cfg == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    size_t pi;
    aif_status st = aif_sched_policy_find(cfg->policy ? cfg->policy : "fifo", &pi);
    if (st != AIF_OK) {
        return st;
    }
    if ((st = aif__replay_check_config(n, cfg)) != AIF_OK) {
        return st;
    }
    a = a ? a : aif_allocator_system();
    aif_replay *res = aif_calloc(a, 1, sizeof *res);
    if (res == NULL) {
        return AIF_ENOMEM;
    }
    res->alloc = a;
    res->n = n;
    res->gpus = cfg->gpus;
    engine e = {.alloc = a,
                .jobs = jobs,
                .n = n,
                .cap = n ? n : 1,
                .mask = UINT32_MAX,
                .cfg = cfg,
                .ops = aif__sched_policy(pi)};
    size_t nn = n ? n : 1;
    if (fast_path && aif__replay_fifo_pool_applies(cfg, e.ops)) {
        /* Every job gets its start and end written, so the results need no prefill. */
        res->jobs = aif_alloc(a, nn * sizeof *res->jobs);
        st = res->jobs == NULL ? AIF_ENOMEM
                               : aif__replay_fifo_pool(a, jobs, n, cfg, res->jobs, &res->events);
        if (st != AIF_OK) {
            aif_replay_destroy(res);
            return st;
        }
        *out = res;
        return AIF_OK;
    }
    e.scan_limit = cfg->scan_limit ? cfg->scan_limit : 1000;
    /* Filled in one pass below rather than zeroed first: at 10^6 jobs these two arrays
     * are most of the replay's memory traffic. */
    res->jobs = aif_alloc(a, nn * sizeof *res->jobs);
    e.run = aif_alloc(a, nn * sizeof *e.run);
    e.out = res->jobs;
    if (res->jobs == NULL || e.run == NULL) {
        st = AIF_ENOMEM;
        goto done;
    }
    st = cfg->group_count > 0 ? aif_cluster_create_groups(a, cfg->groups, cfg->group_count,
                                                          cfg->placement, cfg->seed, &e.cluster)
                              : aif_cluster_create(a, cfg->gpus, cfg->gpus_per_node, cfg->placement,
                                                   cfg->seed, &e.cluster);
    if (st != AIF_OK) {
        goto done;
    }
    res->gpus = aif_cluster_gpus(e.cluster);
    for (size_t i = 0; i < n; i++) {
        if ((st = check_job(&e, i)) != AIF_OK) {
            goto done;
        }
        e.run[i] = (job_run){.remaining_ns = jobs[i].duration_ns, .slot = UINT32_MAX};
        res->jobs[i] = (aif_replay_job){.start_ns = -1, .end_ns = -1};
    }
    if ((st = aif_pq_create(a, 1024, &e.pq)) != AIF_OK ||
        (st = e.ops->create(&e, &e.pstate)) != AIF_OK) {
        goto done;
    }
    st = aif__engine_run_until(&e, INT64_MAX);
    if (st == AIF_OK && (e.waiting != 0 || e.running != 0)) {
        st = AIF_ESTATE; /* an invariant broke: every job must have run to completion */
    }
    e.ops->destroy(&e, e.pstate);
done:
    aif_pq_destroy(e.pq);
    aif_cluster_destroy(e.cluster);
    aif_free(a, e.run, nn * sizeof *e.run);
    if (st != AIF_OK) {
        aif_replay_destroy(res);
        return st;
    }
    res->events = e.events;
    res->preemptions = e.preemptions;
    *out = res;
    return AIF_OK;
}

const aif_replay_job *aif_replay_jobs(const aif_replay *r) {
    return r->jobs;
}

/* ---- Metrics ---- */

/* Selection of one rank from int64 values `stride` apart, shared with the fused fifo path
 * (replay_rows.c), which selects in place inside its rows. Median-of-three pivot, Hoare
 * partition (which also splits runs of equal values evenly). */
#define AT(i) v[(i)*stride]

int64_t aif__replay_select(int64_t *v, size_t stride, size_t lo, size_t hi, size_t k) {
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t x = AT(lo), y = AT(mid), z = AT(hi);
        int64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = lo, j = hi;
        for (;;) {
            while (AT(i) < pivot) {
                i++;
            }
            while (AT(j) > pivot) {
                j--;
            }
            if (i >= j) {
                break;
            }
            int64_t t = AT(i);
            AT(i) = AT(j);
            AT(j) = t;
            i++;
            j--;
        }
        /* AT(lo..j) <= pivot <= AT(j+1..hi) */
        if (k <= j) {
            hi = j;
        } else {
            lo = j + 1;
        }
    }
    return AT(k);
}

#undef AT

size_t aif__replay_rank_index(size_t n, double p) {
    size_t rank = (size_t)(p * (double)n + 0.999999999);
    rank = rank < 1 ? 1 : (rank > n ? n : rank);
    return rank - 1;
}

/* Percentiles are selected exactly without copying every value: a first pass counts the
 * values per bucket of a monotone, logarithmic bucketing (as in HDR histograms: the
 * exponent, then SUB_BITS bits below the leading one, so a bucket spans 1/1024 of its
 * value); the cumulative counts name the bucket that holds each wanted rank, and a second
 * pass copies out only the values of those few buckets, where quickselect finds the rank.
 * Small values (below 2^(SUB_BITS+1)) get a bucket each, so a bucket of, say, zero waits
 * answers with no second look. Negative values (impossible for a replay, kept exact
 * anyway) share bucket 0. */
#define SUB_BITS    10
#define EXACT_LIMIT ((uint64_t)2 << SUB_BITS)
#define NBUCKETS    (1 + ((size_t)(64 - SUB_BITS) << SUB_BITS))

/* Index of the highest set bit of u > 0. */
static int floor_log2(uint64_t u) {
#if defined(__GNUC__)
    return 63 - __builtin_clzll(u);
#else
    int e = 0;
    for (int step = 32; step > 0; step /= 2) {
        if (u >> step) {
            u >>= step;
            e += step;
        }
    }
    return e;
#endif
}

static size_t bucket_of(int64_t v) {
    if (v < 0) {
        return 0;
    }
    uint64_t u = (uint64_t)v;
    if (u < EXACT_LIMIT) {
        return 1 + (size_t)u;
    }
    int e = floor_log2(u);
    size_t mant = (size_t)(u >> (e - SUB_BITS)) & (((size_t)1 << SUB_BITS) - 1);
    return 1 + ((size_t)(e - SUB_BITS + 1) << SUB_BITS | mant);
}

/* What one wanted percentile needs: its bucket and its rank inside that bucket. */
typedef struct pct_target {
    size_t bucket;
    size_t rank; /* 0-based among the bucket's values */
    size_t seg;  /* index of the copy-out segment, or SIZE_MAX when the bucket is exact */
    double *out; /* where the value goes, in seconds */
} pct_target;

typedef struct pct_seg {
    size_t bucket;
    int series; /* 0 = JCT, 1 = wait */
    size_t off, len, cap;
} pct_seg;

/* Locate the targets of ascending percentiles p[] of m values counted in hist. */
static void locate(const uint32_t *hist, size_t m, const double *p, double *const *out, int count,
                   pct_target *t) {
    size_t b = 0, below = 0; /* values in buckets before b */
    for (int i = 0; i < count; i++) {
        size_t k = aif__replay_rank_index(m, p[i]);
        while (below + hist[b] <= k) {
            below += hist[b++];
        }
        t[i] = (pct_target){.bucket = b, .rank = k - below, .seg = SIZE_MAX, .out = out[i]};
    }
}

/* The JCT and wait of job i, in ns. */
static void times_of(const aif_replay *r, const aif_job *jobs, size_t i, int64_t *jct,
                     int64_t *wait) {
    *jct = r->jobs[i].end_ns - jobs[i].submit_ns;
    *wait = r->jobs[i].start_ns - jobs[i].submit_ns;
}

/* Second pass: copy out the values of the targets' buckets and select each rank. */
static aif_status select_targets(const aif_replay *r, const aif_job *jobs, bool all, uint32_t vc,
                                 const uint32_t *hist, pct_target *t, int nt, const int *series) {
    pct_seg seg[8];
    int nseg = 0;
    size_t total = 0;
    for (int i = 0; i < nt; i++) {
        if (t[i].bucket >= 1 && t[i].bucket <= EXACT_LIMIT) {
            *t[i].out = (double)(t[i].bucket - 1) / NS_PER_S;
            continue;
        }
        int s = 0;
        while (s < nseg && !(seg[s].bucket == t[i].bucket && seg[s].series == series[i])) {
            s++;
        }
        if (s == nseg) {
            size_t len = hist[(size_t)series[i] * NBUCKETS + t[i].bucket];
            seg[nseg++] =
                (pct_seg){.bucket = t[i].bucket, .series = series[i], .off = total, .cap = len};
            total += len;
        }
        t[i].seg = (size_t)s;
    }
    if (nseg == 0) {
        return AIF_OK;
    }
    int64_t *buf = aif_alloc(r->alloc, total * sizeof *buf);
    if (buf == NULL) {
        return AIF_ENOMEM;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (!all && jobs[i].vc != vc) {
            continue;
        }
        int64_t v[2];
        times_of(r, jobs, i, &v[0], &v[1]);
        size_t b[2] = {bucket_of(v[0]), bucket_of(v[1])};
        for (int s = 0; s < nseg; s++) {
            if (b[seg[s].series] == seg[s].bucket) {
                buf[seg[s].off + seg[s].len++] = v[seg[s].series];
            }
        }
    }
    for (int i = 0; i < nt; i++) {
        if (t[i].seg != SIZE_MAX) {
            const pct_seg *g = &seg[t[i].seg];
            /* Segments are disjoint and selection only reorders inside one, so selecting
             * several ranks from the same segment in turn stays exact. */
            *t[i].out =
                (double)aif__replay_select(buf + g->off, 1, 0, g->len - 1, t[i].rank) / NS_PER_S;
        }
    }
    aif_free(r->alloc, buf, total * sizeof *buf);
    return AIF_OK;
}

static aif_status summarize(const aif_replay *r, const aif_job *jobs, bool all, uint32_t vc,
                            aif_replay_summary *out) {
    if (r == NULL || out == NULL || (jobs == NULL && r->n > 0)) {
        return AIF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    out->gpus = r->gpus;
    out->events = r->events;
    if (r->n == 0) {
        return AIF_OK;
    }
    /* Two histograms back to back: JCT, then wait. */
    uint32_t *hist = aif_calloc(r->alloc, 2 * NBUCKETS, sizeof *hist);
    if (hist == NULL) {
        return AIF_ENOMEM;
    }
    int64_t first = INT64_MAX, last = INT64_MIN;
    double sum_jct = 0, sum_wait = 0, sum_slow = 0, gpu_s = 0;
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!all && jobs[i].vc != vc) {
            continue;
        }
        const aif_replay_job *o = &r->jobs[i];
        first = jobs[i].submit_ns < first ? jobs[i].submit_ns : first;
        last = o->end_ns > last ? o->end_ns : last;
        int64_t jct, wait;
        times_of(r, jobs, i, &jct, &wait);
        hist[bucket_of(jct)]++;
        hist[NBUCKETS + bucket_of(wait)]++;
        double d = (double)jobs[i].duration_ns / NS_PER_S;
        double j_s = (double)jct / NS_PER_S;
        sum_jct += j_s;
        sum_wait += (double)wait / NS_PER_S;
        double slow = j_s / (d > 10 ? d : 10);
        sum_slow += slow > 1 ? slow : 1;
        gpu_s += d * jobs[i].gpus;
        out->preemptions += o->preemptions;
        m++;
    }
    out->jobs = m;
    aif_status st = AIF_OK;
    if (m > 0) {
        out->makespan_s = (double)(last - first) / NS_PER_S;
        out->mean_jct_s = sum_jct / (double)m;
        out->mean_wait_s = sum_wait / (double)m;
        out->mean_slowdown = sum_slow / (double)m;
        out->gpu_utilization =
            out->makespan_s > 0 ? gpu_s / ((double)r->gpus * out->makespan_s) : 0;
        static const double jct_p[3] = {0.5, 0.95, 0.99};
        static const double wait_p[2] = {0.5, 0.95};
        static const int series[5] = {0, 0, 0, 1, 1};
        double *const jct_out[3] = {&out->median_jct_s, &out->p95_jct_s, &out->p99_jct_s};
        double *const wait_out[2] = {&out->median_wait_s, &out->p95_wait_s};
        pct_target t[5];
        locate(hist, m, jct_p, jct_out, 3, t);
        locate(hist + NBUCKETS, m, wait_p, wait_out, 2, t + 3);
        st = select_targets(r, jobs, all, vc, hist, t, 5, series);
    }
    aif_free(r->alloc, hist, 2 * NBUCKETS * sizeof *hist);
    if (st != AIF_OK) {
        memset(out, 0, sizeof *out);
    }
    return st;
}

aif_status aif_replay_summarize(const aif_replay *r, const aif_job *jobs, aif_replay_summary *out) {
    return summarize(r, jobs, true, 0, out);
}

aif_status aif_replay_summarize_vc(const aif_replay *r, const aif_job *jobs, uint32_t vc,
                                   aif_replay_summary *out) {
    return summarize(r, jobs, false, vc, out);
}
