/* Unit tests for the step-wise scheduling session: fed a trace job by job with a constant
 * capacity it reproduces aif_replay_run's per-job results exactly for every policy; a
 * capacity shrink preempts the newest jobs first and they resume with their progress; busy
 * GPU-time is integrated exactly; the rings grow with the span of live jobs and stay small
 * when jobs finish; compaction (renumbering the live jobs into a smaller ring) changes no
 * result of any policy, with long jobs pinning the oldest id, capacity shrinks and las
 * timers pending, and keeps the ring bounded by the live jobs; backfill keeps every job
 * through repeated shrinks; argument errors; clean allocation failure at every step, a
 * failed compaction leaving the session unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/replay.h"
#include "aifactory/rng.h"
#include "aifactory/sched.h"
#include "aifactory/session.h"
#include "sched/session_internal.h"

#define NS 1000000000LL

static aif_job mk(int64_t submit_s, int32_t gpus, int64_t dur_s) {
    return (aif_job){
        .submit_ns = submit_s * NS, .duration_ns = dur_s * NS, .gpus = gpus, .gpu_milli = 1000};
}

static aif_replay_config cfg_of(const char *policy, int64_t gpus) {
    return (aif_replay_config){.policy = policy, .placement = AIF_PLACE_POOL, .gpus = gpus};
}

/* Results collected through on_done, by id. */
typedef struct sink {
    aif_replay_job *res;
    size_t n;
    size_t calls;
} sink;

static void on_done(void *ctx, uint64_t id, const aif_job *job, const aif_replay_job *r) {
    sink *k = ctx;
    assert_true(id < k->n);
    assert_true(job->duration_ns > 0);
    k->res[id] = *r;
    k->calls++;
}

/* Random jobs in bursts (so queues build and the rings must grow), sizes 1..24 GPUs,
 * durations 1..2000 s, priorities 0..2. */
static aif_job *random_jobs(uint64_t seed, size_t n) {
    aif_rng r;
    aif_rng_seed(&r, seed, 0);
    aif_job *jobs = malloc(n * sizeof *jobs);
    assert_non_null(jobs);
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        t += (int64_t)aif_rng_below(&r, 4) == 0 ? (int64_t)aif_rng_below(&r, 400) : 0;
        jobs[i] = mk(t, 1 + (int32_t)aif_rng_below(&r, 24), 1 + (int64_t)aif_rng_below(&r, 2000));
        jobs[i].duration_ns += (int64_t)aif_rng_below(&r, NS); /* sub-second ends too */
        jobs[i].priority = (int32_t)aif_rng_below(&r, 3);
    }
    return jobs;
}

/* Feed the jobs one by one, advancing to just before the next distinct submit time, so
 * every instant is processed once, as in the replay. */
static void feed(aif_sched_session *s, const aif_job *jobs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t id;
        assert_int_equal(aif_sched_session_submit(s, &jobs[i], &id), AIF_OK);
        assert_int_equal(id, i);
        if (i + 1 < n && jobs[i + 1].submit_ns > jobs[i].submit_ns) {
            assert_int_equal(aif_sched_session_advance(s, jobs[i + 1].submit_ns - 1), AIF_OK);
        }
    }
    assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
}

static void matches_replay_every_policy(void **state) {
    (void)state;
    size_t n = 4000;
    aif_job *jobs = random_jobs(7, n);
    aif_replay_job *res = calloc(n, sizeof *res);
    assert_non_null(res);
    for (size_t p = 0; p < aif_sched_policy_count(); p++) {
        aif_replay_config c = cfg_of(aif_sched_policy_name(p), 48);
        c.preempt_overhead_ns = strcmp(c.policy, "srtf") ? 7 * NS : 0;
        c.las_thresholds_gpu_s[0] = 2000;
        c.las_thresholds_gpu_s[1] = 20000;
        c.las_threshold_count = 2;
        c.las_starve_factor = 3;
        c.scan_limit = 50;
        aif_replay *r = NULL;
        assert_int_equal(aif_replay_run(NULL, jobs, n, &c, &r), AIF_OK);
        aif_replay_summary sum;
        assert_int_equal(aif_replay_summarize(r, jobs, &sum), AIF_OK);
        for (int whole = 0; whole < 2; whole++) {
            aif_sched_session *s = NULL;
            assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
            memset(res, 0xff, n * sizeof *res);
            sink k = {res, n, 0};
            aif_sched_session_on_done(s, on_done, &k);
            if (whole) {
                /* All up front, as the replay takes them. */
                for (size_t i = 0; i < n; i++) {
                    assert_int_equal(aif_sched_session_submit(s, &jobs[i], NULL), AIF_OK);
                }
                assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
            } else {
                feed(s, jobs, n);
            }
            assert_int_equal(k.calls, n);
            assert_memory_equal(res, aif_replay_jobs(r), n * sizeof *res);
            aif_sched_session_stats st;
            aif_sched_session_stats_get(s, &st);
            assert_int_equal(st.completed, n);
            assert_int_equal(st.submitted, n);
            assert_int_equal(st.waiting + st.running, 0);
            assert_int_equal(st.events, sum.events);
            assert_int_equal(st.preemptions, sum.preemptions);
            assert_int_equal(st.capacity_preemptions, 0);
            assert_true(st.slots >= 256);
            if (whole) {
                assert_true(st.slots >= n); /* every job was live at once */
            }
            /* Busy GPU-time is sum(gpus x time run), overheads included. */
            double gs = aif_sched_session_take_busy_gpu_s(s);
            assert_true(gs >= sum.gpu_utilization * (double)c.gpus * sum.makespan_s * 0.999999);
            aif_sched_session_destroy(s);
        }
        if (aif_sched_policy_preemptive(p)) {
            assert_true(sum.preemptions > 0); /* the comparison covers resumes too */
        }
        aif_replay_destroy(r);
    }
    free(res);
    free(jobs);
}

/* Exact: A(4 GPUs, 40 s) at 0, B(3, 50 s) at 1, C(3, 60 s) at 2 on 10 GPUs; at 5 s the
 * pool shrinks to 6: C (newest) and then B are preempted; A alone fits, and neither
 * preempted job fits the 2 GPUs left (A also has the shortest remaining time, so srtf
 * does not preempt it either). Every policy gives the same times here. */
static void shrink_preempts_newest_first(void **state) {
    (void)state;
    const char *policies[] = {"fifo", "backfill", "sjf", "srtf", "las", "priority"};
    for (size_t p = 0; p < 6; p++) {
        aif_replay_config c = cfg_of(policies[p], 10);
        c.preempt_overhead_ns = 2 * NS;
        aif_sched_session *s = NULL;
        assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
        aif_replay_job res[3];
        sink k = {res, 3, 0};
        aif_sched_session_on_done(s, on_done, &k);
        aif_job jobs[3] = {mk(0, 4, 40), mk(1, 3, 50), mk(2, 3, 60)};
        for (int i = 0; i < 3; i++) {
            assert_int_equal(aif_sched_session_submit(s, &jobs[i], NULL), AIF_OK);
        }
        assert_int_equal(aif_sched_session_advance(s, 5 * NS), AIF_OK);
        aif_sched_session_stats st;
        aif_sched_session_stats_get(s, &st);
        assert_int_equal(st.busy_gpus, 10);
        assert_int_equal(st.now_ns, 5 * NS);
        /* 4 GPUs x 5 s + 3 x 4 s + 3 x 3 s */
        assert_true(aif_sched_session_take_busy_gpu_s(s) == 41.0);
        assert_int_equal(aif_sched_session_set_capacity(s, 6), AIF_OK);
        aif_sched_session_stats_get(s, &st);
        assert_int_equal(st.capacity_preemptions, 2);
        assert_int_equal(st.preemptions, 2);
        assert_int_equal(st.busy_gpus, 4);
        assert_int_equal(st.running, 1);
        assert_int_equal(st.waiting, 2);
        assert_int_equal(aif_sched_session_advance(s, 10 * NS), AIF_OK);
        assert_true(aif_sched_session_take_busy_gpu_s(s) == 20.0);
        /* Back to 10 GPUs at 10 s: B and C resume, paying the 2 s overhead. */
        assert_int_equal(aif_sched_session_set_capacity(s, 10), AIF_OK);
        aif_sched_session_stats_get(s, &st);
        assert_int_equal(st.busy_gpus, 10);
        assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
        assert_int_equal(k.calls, 3);
        assert_int_equal(res[0].start_ns, 0);
        assert_int_equal(res[0].end_ns, 40 * NS);
        assert_int_equal(res[0].preemptions, 0);
        /* B ran 1..5 (4 s): 46 s left + 2 s overhead from 10 s. */
        assert_int_equal(res[1].start_ns, 1 * NS);
        assert_int_equal(res[1].end_ns, 58 * NS);
        assert_int_equal(res[1].preemptions, 1);
        /* C ran 2..5 (3 s): 57 s left + 2 s from 10 s. */
        assert_int_equal(res[2].start_ns, 2 * NS);
        assert_int_equal(res[2].end_ns, 69 * NS);
        assert_int_equal(res[2].preemptions, 1);
        /* After 10 s: 4 x 30 s + 3 x 48 s + 3 x 59 s */
        assert_true(aif_sched_session_take_busy_gpu_s(s) == 120.0 + 144.0 + 177.0);
        aif_sched_session_stats_get(s, &st);
        assert_int_equal(st.completed, 3);
        assert_int_equal(st.running + st.waiting, 0);
        aif_sched_session_destroy(s);
    }
}

/* A shrink to below the oldest job's size preempts everything; strict FIFO then resumes
 * in arrival order, and a smaller preempted job cannot pass the blocked older one. */
static void fifo_resumes_in_arrival_order(void **state) {
    (void)state;
    aif_replay_config c = cfg_of("fifo", 9);
    aif_sched_session *s = NULL;
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
    aif_replay_job res[4];
    sink k = {res, 4, 0};
    aif_sched_session_on_done(s, on_done, &k);
    aif_job jobs[4] = {mk(0, 5, 10), mk(0, 2, 10), mk(0, 1, 10), mk(1, 1, 10)};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(aif_sched_session_submit(s, &jobs[i], NULL), AIF_OK);
    }
    assert_int_equal(aif_sched_session_advance(s, 1 * NS), AIF_OK); /* all four run */
    assert_int_equal(aif_sched_session_set_capacity(s, 4), AIF_OK);
    aif_sched_session_stats st;
    aif_sched_session_stats_get(s, &st);
    /* Newest first: job 3 (1 s), then 2, 1 and 0 (all at 0 s, larger id first) until
     * busy <= 4: 9 -> 8 -> 7 -> 5 -> 0. Job 0 (5 GPUs) cannot restart on 4 and blocks. */
    assert_int_equal(st.capacity_preemptions, 4);
    assert_int_equal(st.busy_gpus, 0);
    assert_int_equal(aif_sched_session_set_capacity(s, 7), AIF_OK);
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.busy_gpus, 7); /* jobs 0 and 1 in order; 2 waits behind */
    assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
    assert_int_equal(res[0].end_ns, 10 * NS);
    assert_int_equal(res[1].end_ns, 10 * NS);
    assert_int_equal(res[2].end_ns, 19 * NS); /* 9 s left from 10 s */
    assert_int_equal(res[3].end_ns, 20 * NS); /* 10 s left from 10 s */
    assert_int_equal(res[3].preemptions, 1);
    aif_sched_session_destroy(s);
}

/* The rings follow the span of live ids: a long stream of short jobs on a big pool keeps
 * the first ring; a backlog grows it past the backlog; the results stay exact. */
static void rings_grow_with_live_span(void **state) {
    (void)state;
    aif_replay_config c = cfg_of("backfill", 1000);
    aif_sched_session *s = NULL;
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
    for (int64_t i = 0; i < 100000; i++) {
        aif_job j = mk(i, 1 + (int32_t)(i % 7), 3);
        assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_OK);
        assert_int_equal(aif_sched_session_advance(s, i * NS), AIF_OK);
    }
    aif_sched_session_stats st;
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.slots, 256);
    assert_int_equal(st.completed, 100000 - 3);
    /* 1 GPU, 10000 one-second jobs at once: all live, the rings double to 16384. */
    assert_int_equal(aif_sched_session_advance(s, 200000 * NS), AIF_OK);
    assert_int_equal(aif_sched_session_set_capacity(s, 1), AIF_OK);
    for (int i = 0; i < 10000; i++) {
        aif_job j = mk(200000, 1, 1);
        assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_OK);
    }
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.slots, 16384);
    assert_int_equal(aif_sched_session_advance(s, 210000 * NS - 1), AIF_OK);
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.completed, 100000 + 9999);
    assert_true(aif_sched_session_take_busy_gpu_s(s) > 0);
    assert_int_equal(aif_sched_session_advance(s, 210000 * NS), AIF_OK);
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.completed, 110000);
    aif_sched_session_destroy(s);
}

/* Backfill under repeated shrinks and regrowths of the pool with short scans: preempted
 * jobs go back into the waiting list by arrival (often older than the blocked head, so
 * the policy's ring of waiting ids must stretch back), and every job still completes
 * once, after its submit time, having run its whole duration plus the resume overhead. */
static void backfill_survives_shrinks(void **state) {
    (void)state;
    size_t n = 3000;
    aif_job *jobs = random_jobs(21, n);
    aif_replay_job *res = calloc(n, sizeof *res);
    assert_non_null(res);
    for (uint32_t limit = 3; limit <= 40; limit += 37) {
        aif_replay_config c = cfg_of("backfill", 48);
        c.scan_limit = limit;
        c.preempt_overhead_ns = 3 * NS;
        aif_sched_session *s = NULL;
        assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
        sink k = {res, n, 0};
        aif_sched_session_on_done(s, on_done, &k);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(aif_sched_session_submit(s, &jobs[i], NULL), AIF_OK);
            if (i + 1 < n && jobs[i + 1].submit_ns > jobs[i].submit_ns) {
                assert_int_equal(aif_sched_session_advance(s, jobs[i + 1].submit_ns - 1), AIF_OK);
            }
            if (i % 150 == 149) {
                assert_int_equal(aif_sched_session_set_capacity(s, i % 300 == 149 ? 24 : 48),
                                 AIF_OK);
            }
        }
        assert_int_equal(aif_sched_session_set_capacity(s, 48), AIF_OK);
        assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
        assert_int_equal(k.calls, n);
        aif_sched_session_stats st;
        aif_sched_session_stats_get(s, &st);
        assert_true(st.capacity_preemptions > 0);
        assert_int_equal(st.preemptions, st.capacity_preemptions);
        uint64_t pre = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(res[i].start_ns >= jobs[i].submit_ns);
            int64_t least = jobs[i].duration_ns + (res[i].preemptions ? c.preempt_overhead_ns : 0);
            assert_true(res[i].end_ns - res[i].start_ns >= least);
            pre += res[i].preemptions;
        }
        assert_int_equal(pre, st.preemptions);
        aif_sched_session_destroy(s);
    }
    free(res);
    free(jobs);
}

/* Jobs as random_jobs, with a long one (1-2 GPUs, ~2.3 days) every 300 jobs: each pins the
 * oldest unfinished id while thousands of short jobs pass, as research jobs of months do in
 * the fleet, so the live ids are far apart and the session compacts. */
static aif_job *pinned_jobs(uint64_t seed, size_t n) {
    aif_job *jobs = random_jobs(seed, n);
    for (size_t i = 5; i < n; i += 300) {
        jobs[i].duration_ns = 200000 * NS + (int64_t)i;
        jobs[i].gpus = 1 + (int32_t)(i % 2);
    }
    return jobs;
}

/* Everything a run of a session reports, to compare two runs bit for bit. */
typedef struct outcome {
    aif_replay_job *res;
    double *busy; /* take_busy_gpu_s after each step */
    aif_sched_session_stats st;
} outcome;

/* Feed the jobs as feed() does, with the test hooks set, optionally shrinking the pool to
 * half every 150 jobs and restoring it 150 jobs later (capacity preemptions: the newest
 * running jobs, long ones included, stop and requeue). */
static void run_session(const aif_replay_config *c, const aif_job *jobs, size_t n,
                        uint32_t id_limit, bool compact, bool shrinks, outcome *o) {
    aif_sched_session *s = NULL;
    assert_int_equal(aif_sched_session_create(NULL, c, &s), AIF_OK);
    aif__sched_session_tune(s, id_limit, compact);
    memset(o->res, 0xff, n * sizeof *o->res);
    sink k = {o->res, n, 0};
    aif_sched_session_on_done(s, on_done, &k);
    size_t steps = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id;
        assert_int_equal(aif_sched_session_submit(s, &jobs[i], &id), AIF_OK);
        assert_int_equal(id, i);
        if (i + 1 < n && jobs[i + 1].submit_ns > jobs[i].submit_ns) {
            assert_int_equal(aif_sched_session_advance(s, jobs[i + 1].submit_ns - 1), AIF_OK);
            o->busy[steps++] = aif_sched_session_take_busy_gpu_s(s);
        }
        if (shrinks && i % 150 == 149) {
            int64_t g = i % 300 == 149 ? c->gpus / 2 : c->gpus;
            assert_int_equal(aif_sched_session_set_capacity(s, g), AIF_OK);
        }
    }
    assert_int_equal(aif_sched_session_set_capacity(s, c->gpus), AIF_OK);
    assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
    o->busy[steps++] = aif_sched_session_take_busy_gpu_s(s);
    assert_int_equal(k.calls, n);
    aif_sched_session_stats_get(s, &o->st);
    aif_sched_session_destroy(s);
}

static void same_outcome(const outcome *a, const outcome *b, size_t n) {
    assert_memory_equal(a->res, b->res, n * sizeof *a->res);
    assert_memory_equal(a->busy, b->busy, (n + 1) * sizeof *a->busy);
    assert_int_equal(a->st.now_ns, b->st.now_ns);
    assert_int_equal(a->st.submitted, b->st.submitted);
    assert_int_equal(a->st.completed, b->st.completed);
    assert_int_equal(a->st.events, b->st.events);
    assert_int_equal(a->st.preemptions, b->st.preemptions);
    assert_int_equal(a->st.capacity_preemptions, b->st.capacity_preemptions);
}

/* Every policy, with long jobs pinning the window: compacting on the natural rule (the
 * live jobs fill at most half the ring) and forced every 61 ids (so nearly every state a
 * policy can be in meets a renumbering: preempted jobs queued, las demotion and promotion
 * timers pending, backfill reservations cached, fifo blocked), with and without capacity
 * shrinks, gives bit for bit what the same session gives without compaction, and with a
 * constant pool what aif_replay_run gives. */
static void compaction_changes_no_result(void **state) {
    (void)state;
    size_t n = 4000;
    aif_job *jobs = pinned_jobs(11, n);
    outcome o[2];
    for (int k = 0; k < 2; k++) {
        o[k].res = calloc(n, sizeof *o[k].res);
        o[k].busy = calloc(n + 1, sizeof *o[k].busy);
        assert_non_null(o[k].res);
        assert_non_null(o[k].busy);
    }
    for (size_t p = 0; p < aif_sched_policy_count(); p++) {
        /* ~80% loaded on average (bursts queue up, shrinks overload it), so the live jobs
         * are few next to the span the long jobs pin. */
        aif_replay_config c = cfg_of(aif_sched_policy_name(p), 320);
        c.preempt_overhead_ns = strcmp(c.policy, "srtf") ? 7 * NS : 0;
        c.las_thresholds_gpu_s[0] = 2000;
        c.las_thresholds_gpu_s[1] = 20000;
        c.las_threshold_count = 2;
        c.las_starve_factor = 3;
        c.scan_limit = 50;
        aif_replay *r = NULL;
        assert_int_equal(aif_replay_run(NULL, jobs, n, &c, &r), AIF_OK);
        for (int shrinks = 0; shrinks < 2; shrinks++) {
            run_session(&c, jobs, n, UINT32_MAX, false, shrinks, &o[1]);
            assert_int_equal(o[1].st.compactions, 0);
            if (!shrinks) {
                assert_memory_equal(o[1].res, aif_replay_jobs(r), n * sizeof *o[1].res);
            } else {
                assert_true(o[1].st.capacity_preemptions > 0);
            }
            for (uint32_t limit = 61; limit != 0; limit = limit == 61 ? UINT32_MAX : 0) {
                run_session(&c, jobs, n, limit, true, shrinks, &o[0]);
                same_outcome(&o[0], &o[1], n);
                /* 61: at least every 61 submissions; natural: long jobs pin the window. */
                assert_true(o[0].st.compactions >= (limit == 61 ? n / 61 : 5));
                assert_true(o[0].st.slots < o[1].st.slots);
            }
        }
        aif_replay_destroy(r);
    }
    for (int k = 0; k < 2; k++) {
        free(o[k].res);
        free(o[k].busy);
    }
    free(jobs);
}

/* One job running for ~1.2 days pins id 0 while 10^5 one-second jobs pass: with compaction
 * the ring stays at its first 256 slots under every policy (a few jobs are live at once),
 * and the long job's result arrives under its own id; without it the ring spans all 10^5
 * ids. */
static void ring_bounded_by_live_jobs(void **state) {
    (void)state;
    size_t n = 100001;
    aif_replay_job *res = calloc(n, sizeof *res);
    assert_non_null(res);
    for (size_t p = 0; p <= aif_sched_policy_count(); p++) {
        bool compact = p < aif_sched_policy_count();
        aif_replay_config c = cfg_of(compact ? aif_sched_policy_name(p) : "fifo", 64);
        c.las_starve_factor = 2;
        aif_sched_session *s = NULL;
        assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
        aif__sched_session_tune(s, UINT32_MAX, compact);
        sink k = {res, n, 0};
        aif_sched_session_on_done(s, on_done, &k);
        aif_job pin = mk(0, 2, 100002);
        assert_int_equal(aif_sched_session_submit(s, &pin, NULL), AIF_OK);
        size_t most = 0;
        for (int64_t i = 1; i < (int64_t)n; i++) {
            aif_job j = mk(i, 1 + (int32_t)(i % 5), 1);
            assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_OK);
            assert_int_equal(aif_sched_session_advance(s, i * NS), AIF_OK);
            aif_sched_session_stats st;
            aif_sched_session_stats_get(s, &st);
            most = st.slots > most ? st.slots : most;
        }
        assert_int_equal(aif_sched_session_advance(s, INT64_MAX), AIF_OK);
        aif_sched_session_stats st;
        aif_sched_session_stats_get(s, &st);
        assert_int_equal(st.completed, n);
        assert_int_equal(k.calls, n);
        assert_int_equal(res[0].start_ns, 0);
        assert_int_equal(res[0].end_ns, 100002 * NS);
        assert_int_equal(res[n - 1].start_ns, (int64_t)(n - 1) * NS);
        if (compact) {
            assert_int_equal(most, 256);
            assert_true(st.compactions > n / 512);
        } else {
            assert_true(most >= n);
            assert_int_equal(st.compactions, 0);
        }
        aif_sched_session_destroy(s);
    }
    free(res);
}

static void bad_arguments(void **state) {
    (void)state;
    aif_sched_session *s = NULL;
    aif_replay_config c = cfg_of("nope", 4);
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_ENOTFOUND);
    c = cfg_of("las", -1);
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_EINVAL);
    c = cfg_of("las", 4);
    c.placement = AIF_PLACE_BEST_FIT;
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_EINVAL);
    c = cfg_of("las", 4);
    c.las_threshold_count = 1; /* threshold 0 */
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_EINVAL);
    assert_null(s);
    c = cfg_of(NULL, 0); /* fifo, empty pool */
    assert_int_equal(aif_sched_session_create(NULL, &c, &s), AIF_OK);
    aif_job j = mk(5, 1, 1);
    assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_OK);
    j = mk(4, 1, 1);
    assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_EINVAL); /* out of order */
    j = mk(6, 0, 1);
    assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_EINVAL);
    j = mk(6, 1, 0);
    assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_EINVAL);
    assert_int_equal(aif_sched_session_set_capacity(s, -1), AIF_EINVAL);
    assert_int_equal(aif_sched_session_advance(s, 10 * NS), AIF_OK);
    assert_int_equal(aif_sched_session_advance(s, 9 * NS), AIF_EINVAL); /* backwards */
    j = mk(9, 1, 1);
    assert_int_equal(aif_sched_session_submit(s, &j, NULL), AIF_EINVAL); /* in the past */
    aif_sched_session_stats st;
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.waiting, 1); /* no GPUs yet */
    assert_int_equal(aif_sched_session_set_capacity(s, 1), AIF_OK);
    assert_int_equal(aif_sched_session_advance(s, 11 * NS), AIF_OK);
    aif_sched_session_stats_get(s, &st);
    assert_int_equal(st.completed, 1);
    aif_sched_session_destroy(s);
    aif_sched_session_destroy(NULL);
}

/* Every allocation failing in turn: each call reports AIF_ENOMEM (or AIF_ESTATE after a
 * failure midway), nothing crashes, nothing leaks. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    size_t n = 700;
    aif_job *jobs = random_jobs(3, n);
    for (size_t p = 0; p < aif_sched_policy_count(); p++) {
        bool done = false;
        for (long k = 1; !done; k++) {
            aif_test_allocator ta;
            aif_test_allocator_init(&ta, k);
            aif_replay_config c = cfg_of(aif_sched_policy_name(p), 24);
            aif_sched_session *s = NULL;
            aif_status st = aif_sched_session_create(&ta.base, &c, &s);
            for (size_t i = 0; st == AIF_OK && i < n; i++) {
                st = aif_sched_session_submit(s, &jobs[i], NULL);
                if (st == AIF_OK && i % 100 == 99) {
                    st = aif_sched_session_set_capacity(s, i % 200 == 199 ? 12 : 48);
                }
            }
            if (st == AIF_OK) {
                st = aif_sched_session_advance(s, INT64_MAX);
            }
            assert_true(st == AIF_OK || st == AIF_ENOMEM || st == AIF_ESTATE);
            if (st == AIF_OK) {
                done = ta.failures == 0;
                aif_sched_session_stats ss;
                aif_sched_session_stats_get(s, &ss);
                assert_int_equal(ss.completed, n);
            }
            aif_sched_session_destroy(s);
            assert_int_equal(ta.live_blocks, 0);
            assert_true(k < 200);
        }
    }
    free(jobs);
}

/* The session compacting every 40 ids while allocation number k fails, for every k: a
 * submit that fails (AIF_ENOMEM: the compaction could not allocate, in the engine or the
 * policy) leaves the session unchanged, so submitting again goes on to exactly the results
 * of a run without failures; other failures end the run cleanly; nothing leaks. */
static void failed_compaction_leaves_session_unchanged(void **state) {
    (void)state;
    size_t n = 600;
    aif_job *jobs = pinned_jobs(5, n);
    aif_replay_job *want = calloc(n, sizeof *want), *got = calloc(n, sizeof *got);
    assert_non_null(want);
    assert_non_null(got);
    for (size_t p = 0; p < aif_sched_policy_count(); p++) {
        aif_replay_config c = cfg_of(aif_sched_policy_name(p), 320);
        c.las_starve_factor = 2;
        c.las_thresholds_gpu_s[0] = 3000;
        c.las_threshold_count = 1;
        bool done = false;
        long retried = 0;
        for (long k = 0; !done; k++) {
            aif_test_allocator ta;
            aif_test_allocator_init(&ta, k);
            aif_sched_session *s = NULL;
            aif_status st = aif_sched_session_create(&ta.base, &c, &s);
            sink snk = {k == 0 ? want : got, n, 0};
            if (st == AIF_OK) {
                aif__sched_session_tune(s, 100, true);
                aif_sched_session_on_done(s, on_done, &snk);
            }
            for (size_t i = 0; st == AIF_OK && i < n; i++) {
                st = aif_sched_session_submit(s, &jobs[i], NULL);
                if (st == AIF_ENOMEM) {
                    retried++;
                    st = aif_sched_session_submit(s, &jobs[i], NULL);
                    assert_int_equal(st, AIF_OK); /* the allocator fails once */
                }
                if (st == AIF_OK && i + 1 < n && jobs[i + 1].submit_ns > jobs[i].submit_ns) {
                    st = aif_sched_session_advance(s, jobs[i + 1].submit_ns - 1);
                }
                if (st == AIF_OK && i % 100 == 99) {
                    st = aif_sched_session_set_capacity(s, i % 200 == 99 ? 280 : 320);
                }
            }
            if (st == AIF_OK) {
                st = aif_sched_session_advance(s, INT64_MAX);
            }
            assert_true(st == AIF_OK || st == AIF_ENOMEM || st == AIF_ESTATE);
            if (st == AIF_OK) {
                done = k > 0 && ta.failures == 0;
                assert_int_equal(snk.calls, n);
                if (k > 0) {
                    assert_memory_equal(got, want, n * sizeof *got);
                } else {
                    aif_sched_session_stats ss;
                    aif_sched_session_stats_get(s, &ss);
                    assert_true(ss.compactions >= n / 100);
                }
            }
            aif_sched_session_destroy(s);
            assert_int_equal(ta.live_blocks, 0);
            assert_true(k < 400);
        }
        assert_true(retried > 0);
    }
    free(want);
    free(got);
    free(jobs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_replay_every_policy),
        cmocka_unit_test(shrink_preempts_newest_first),
        cmocka_unit_test(fifo_resumes_in_arrival_order),
        cmocka_unit_test(rings_grow_with_live_span),
        cmocka_unit_test(backfill_survives_shrinks),
        cmocka_unit_test(compaction_changes_no_result),
        cmocka_unit_test(ring_bounded_by_live_jobs),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(failed_compaction_leaves_session_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
