/* Unit tests for the fifo + pool fast path of the replay engine (src/sched/replay_fifo.c):
 * it must give the general event loop's results exactly, job by job to the nanosecond, with
 * the same event count, the same per-step callbacks and the same summary, on random traces
 * (with and without simultaneous events, small and large clusters) and on the bundled
 * Philly trace, and so must the fused path over compact rows (aif_replay_fifo_rows), summary
 * and steps; it must reject the same bad inputs with the same status, and fail cleanly
 * on every allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/replay.h"
#include "aifactory/rng.h"
#include "aifactory/trace.h"
#include "sched/sched_internal.h"

#define NS 1000000000LL

static void data_path(char *buf, size_t size, const char *name) {
    const char *f = __FILE__;
    const char *slash = strstr(f, "unit/test_replay_fast.c");
    assert_non_null(slash);
    snprintf(buf, size, "%.*sdata/%s", (int)(slash - f), f, name);
}

/* Random jobs: with `ties`, whole seconds and short durations, so arrivals and completions
 * often coincide; otherwise nanosecond times. GPU counts are powers of two up to max_gpus;
 * `long_runs` makes durations long enough that hundreds of jobs run at once. */
static aif_job *random_jobs(uint64_t seed, size_t n, int32_t max_gpus, bool ties, bool long_runs) {
    aif_rng r;
    aif_rng_seed(&r, seed, 11);
    aif_job *j = calloc(n ? n : 1, sizeof *j);
    assert_non_null(j);
    int64_t t = (int64_t)aif_rng_below(&r, 1000) * NS;
    for (size_t i = 0; i < n; i++) {
        t += ties ? (int64_t)aif_rng_below(&r, 3) * NS : (int64_t)aif_rng_below(&r, 5 * NS);
        int32_t g = (int32_t)1 << aif_rng_below(&r, 12);
        g = g > max_gpus ? max_gpus : g;
        int64_t span = long_runs ? 4000 : 40;
        int64_t d = ties ? (1 + (int64_t)aif_rng_below(&r, (uint64_t)span)) * NS
                         : 1 + (int64_t)aif_rng_below(&r, (uint64_t)span * NS);
        j[i] = (aif_job){.submit_ns = t,
                         .duration_ns = d,
                         .gpus = g,
                         .gpu_milli = 1000,
                         .id = (int64_t)i,
                         .vc = (uint32_t)(i % 3)};
    }
    return j;
}

/* Every (time, busy, queued, running) the on_step callback saw. */
typedef struct steps {
    int64_t *v; /* 4 per step */
    size_t len;
    size_t cap;
} steps;

static void record_step(void *ctx, int64_t now, int64_t busy, size_t queued, size_t running) {
    steps *s = ctx;
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->v = realloc(s->v, s->cap * 4 * sizeof *s->v);
        assert_non_null(s->v);
    }
    int64_t *p = s->v + 4 * s->len++;
    p[0] = now;
    p[1] = busy;
    p[2] = (int64_t)queued;
    p[3] = (int64_t)running;
}

static aif_replay *run_mode(const aif_job *jobs, size_t n, int64_t gpus, bool fast, steps *st) {
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = gpus};
    if (st) {
        c.on_step = record_step;
        c.step_ctx = st;
    }
    aif_replay *r = NULL;
    assert_int_equal(aif__replay_run_with(NULL, jobs, n, &c, fast, &r), AIF_OK);
    assert_non_null(r);
    return r;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v, as docs/replay.md defines it. */
static double sorted_pct_s(const int64_t *v, size_t n, double p) {
    size_t rank = (size_t)(p * (double)n + 0.999999999);
    rank = rank < 1 ? 1 : (rank > n ? n : rank);
    return (double)v[rank - 1] / 1e9;
}

/* The summary's percentiles (selected in place, nested) against a full sort. */
static void check_percentiles(const aif_job *jobs, size_t n, const aif_replay *r) {
    const aif_replay_job *o = aif_replay_jobs(r);
    int64_t *jct = malloc(n * sizeof *jct), *wait = malloc(n * sizeof *wait);
    assert_non_null(jct);
    assert_non_null(wait);
    for (size_t i = 0; i < n; i++) {
        jct[i] = o[i].end_ns - jobs[i].submit_ns;
        wait[i] = o[i].start_ns - jobs[i].submit_ns;
    }
    qsort(jct, n, sizeof *jct, cmp_i64);
    qsort(wait, n, sizeof *wait, cmp_i64);
    aif_replay_summary s;
    assert_int_equal(aif_replay_summarize(r, jobs, &s), AIF_OK);
    assert_true(s.median_jct_s == sorted_pct_s(jct, n, 0.5));
    assert_true(s.p95_jct_s == sorted_pct_s(jct, n, 0.95));
    assert_true(s.p99_jct_s == sorted_pct_s(jct, n, 0.99));
    assert_true(s.median_wait_s == sorted_pct_s(wait, n, 0.5));
    assert_true(s.p95_wait_s == sorted_pct_s(wait, n, 0.95));
    free(jct);
    free(wait);
}

static void assert_same_summary(const aif_replay_summary *a, const aif_replay_summary *b) {
    /* Bitwise equality: the fast path must not even reorder a floating-point sum. */
    assert_int_equal(a->jobs, b->jobs);
    assert_int_equal(a->gpus, b->gpus);
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->preemptions, b->preemptions);
    assert_true(a->makespan_s == b->makespan_s);
    assert_true(a->mean_jct_s == b->mean_jct_s);
    assert_true(a->median_jct_s == b->median_jct_s);
    assert_true(a->p95_jct_s == b->p95_jct_s);
    assert_true(a->p99_jct_s == b->p99_jct_s);
    assert_true(a->mean_wait_s == b->mean_wait_s);
    assert_true(a->median_wait_s == b->median_wait_s);
    assert_true(a->p95_wait_s == b->p95_wait_s);
    assert_true(a->mean_slowdown == b->mean_slowdown);
    assert_true(a->gpu_utilization == b->gpu_utilization);
}

/* The fused path over compact rows (aif_replay_fifo_rows): its summary and steps must be
 * the general engine's (gen, sg), bit for bit. */
static void compare_rows(const aif_job *jobs, size_t n, int64_t gpus, const aif_replay *gen,
                         const steps *sg) {
    aif_job_row *rows = calloc(n ? n : 1, sizeof *rows);
    assert_non_null(rows);
    for (size_t i = 0; i < n; i++) {
        rows[i] = (aif_job_row){jobs[i].submit_ns, jobs[i].duration_ns, jobs[i].gpus};
    }
    steps sr = {0};
    aif_replay_config c = {.policy = "fifo",
                           .placement = AIF_PLACE_POOL,
                           .gpus = gpus,
                           .on_step = record_step,
                           .step_ctx = &sr};
    assert_true(aif_replay_fifo_applies(&c));
    aif_replay_summary s1, s2;
    assert_int_equal(aif_replay_fifo_rows(NULL, rows, n, &c, &s1), AIF_OK);
    assert_int_equal(aif_replay_summarize(gen, jobs, &s2), AIF_OK);
    assert_same_summary(&s1, &s2);
    assert_int_equal(sr.len, sg->len);
    if (sr.len > 0) {
        assert_memory_equal(sr.v, sg->v, sr.len * 4 * sizeof *sr.v);
    }
    free(sr.v);
    free(rows);
}

/* Replay with both engines and require identical results in every respect. */
static void compare_engines(const aif_job *jobs, size_t n, int64_t gpus, const char *what) {
    steps sf = {0}, sg = {0};
    aif_replay *fast = run_mode(jobs, n, gpus, true, &sf);
    aif_replay *gen = run_mode(jobs, n, gpus, false, &sg);
    const aif_replay_job *a = aif_replay_jobs(fast);
    const aif_replay_job *b = aif_replay_jobs(gen);
    for (size_t i = 0; i < n; i++) {
        if (a[i].start_ns != b[i].start_ns || a[i].end_ns != b[i].end_ns ||
            a[i].preemptions != b[i].preemptions || a[i].nodes != b[i].nodes) {
            fail_msg("%s, job %zu: fast [%lld, %lld] general [%lld, %lld]", what, i,
                     (long long)a[i].start_ns, (long long)a[i].end_ns, (long long)b[i].start_ns,
                     (long long)b[i].end_ns);
        }
    }
    assert_int_equal(sf.len, sg.len);
    if (sf.len > 0) {
        assert_memory_equal(sf.v, sg.v, sf.len * 4 * sizeof *sf.v);
    }
    aif_replay_summary s1, s2;
    assert_int_equal(aif_replay_summarize(fast, jobs, &s1), AIF_OK);
    assert_int_equal(aif_replay_summarize(gen, jobs, &s2), AIF_OK);
    assert_same_summary(&s1, &s2);
    assert_int_equal(s1.events, 2 * n);
    check_percentiles(jobs, n, fast);
    for (uint32_t vc = 0; vc < 3; vc++) {
        assert_int_equal(aif_replay_summarize_vc(fast, jobs, vc, &s1), AIF_OK);
        assert_int_equal(aif_replay_summarize_vc(gen, jobs, vc, &s2), AIF_OK);
        assert_same_summary(&s1, &s2);
    }
    compare_rows(jobs, n, gpus, gen, &sg);
    aif_replay_destroy(fast);
    aif_replay_destroy(gen);
    free(sf.v);
    free(sg.v);
}

static void fast_path_matches_general_random(void **state) {
    (void)state;
    char what[64];
    for (uint64_t seed = 1; seed <= 24; seed++) {
        size_t n = 100 + 97 * seed;
        bool ties = seed % 2 == 0;
        bool long_runs = seed % 3 == 0;
        /* Small clusters (deep queues) and large ones (hundreds running: the heap grows). */
        int64_t gpus = seed % 4 < 2 ? 16 + (int64_t)seed : 2048 + 37 * (int64_t)seed;
        int32_t max_gpus = gpus < 64 ? 16 : 1024;
        aif_job *jobs = random_jobs(seed, n, max_gpus, ties, long_runs);
        snprintf(what, sizeof what, "seed %llu", (unsigned long long)seed);
        compare_engines(jobs, n, gpus, what);
        free(jobs);
    }
}

/* Many long 1-GPU jobs on a big pool: thousands run at once, so the running-job heap
 * grows several times. */
static void fast_path_matches_general_many_running(void **state) {
    (void)state;
    size_t n = 5000;
    aif_job *jobs = random_jobs(77, n, 1, false, true);
    compare_engines(jobs, n, 4000, "many running");
    compare_engines(jobs, n, 1, "one GPU");
    free(jobs);
}

/* A results array of several huge pages (300,000 jobs, 7 MB), which the fast path fills
 * with its pages arranged ahead of it (trace_pages.c): still identical, job by job. */
static void fast_path_matches_general_large(void **state) {
    (void)state;
    size_t n = 300000;
    aif_job *jobs = random_jobs(5, n, 64, true, false);
    compare_engines(jobs, n, 256, "300k jobs");
    free(jobs);
}

static void fast_path_matches_general_philly(void **state) {
    (void)state;
    char path[1024];
    data_path(path, sizeof path, "philly.csv.zst");
    aif_trace *t = NULL;
    assert_int_equal(aif_trace_read(NULL, path, NULL, &t, NULL), AIF_OK);
    assert_int_equal(aif_trace_count(t), 82247);
    compare_engines(aif_trace_jobs(t), aif_trace_count(t), 512, "philly on 512 GPUs");
    compare_engines(aif_trace_jobs(t), aif_trace_count(t), 2048, "philly on 2048 GPUs");
    aif_trace_destroy(t);
}

/* The library, not its callers, says when the fast path applies: fifo (or no policy) on a
 * plain pool only. */
static void fast_path_applies_to_fifo_pool_only(void **state) {
    (void)state;
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 8};
    assert_true(aif_replay_fifo_applies(&c));
    c.policy = NULL;
    assert_true(aif_replay_fifo_applies(&c));
    c.policy = "backfill";
    assert_false(aif_replay_fifo_applies(&c));
    c.policy = "fifo";
    c.placement = AIF_PLACE_FIRST_FIT;
    c.gpus_per_node = 8;
    assert_false(aif_replay_fifo_applies(&c));
    c.placement = AIF_PLACE_POOL;
    c.policy = "no-such-policy";
    assert_false(aif_replay_fifo_applies(&c));
    c.policy = "fifo";
    c.gpus = 0;
    assert_false(aif_replay_fifo_applies(&c));
    assert_false(aif_replay_fifo_applies(NULL));
}

static void empty_trace(void **state) {
    (void)state;
    aif_job dummy = {0};
    aif_replay *r = run_mode(&dummy, 0, 8, true, NULL);
    aif_replay_summary s;
    assert_int_equal(aif_replay_summarize(r, &dummy, &s), AIF_OK);
    assert_int_equal(s.jobs, 0);
    assert_int_equal(s.events, 0);
    aif_replay_destroy(r);
}

/* Bad jobs at several positions: both engines answer with the same status. */
static void same_errors_as_general(void **state) {
    (void)state;
    size_t n = 50;
    for (int kind = 0; kind < 5; kind++) {
        for (size_t at = 0; at < n; at += 7) {
            aif_job *jobs = random_jobs(5, n, 4, true, false);
            switch (kind) {
            case 0:
                jobs[at].duration_ns = 0;
                break;
            case 1:
                jobs[at].gpus = 0;
                break;
            case 2:
                jobs[at].gpus = 9; /* larger than the 8-GPU pool */
                break;
            case 3:
                jobs[at].submit_ns = at > 0 ? jobs[at - 1].submit_ns - 1 : jobs[1].submit_ns + 1;
                break;
            default:
                /* Two faults: the earlier one decides, as in the general engine's pass. */
                jobs[at].gpus = 9;
                jobs[n - 1].duration_ns = -1;
                break;
            }
            aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 8};
            aif_replay *r1 = NULL, *r2 = NULL;
            aif_status fast = aif__replay_run_with(NULL, jobs, n, &c, true, &r1);
            aif_status gen = aif__replay_run_with(NULL, jobs, n, &c, false, &r2);
            assert_int_equal(fast, gen);
            /* The last job with both faults: a bad duration is checked first. */
            bool range = kind == 2 || (kind == 4 && at != n - 1);
            assert_int_equal(fast, range ? AIF_ERANGE : AIF_EINVAL);
            assert_null(r1);
            assert_null(r2);
            free(jobs);
        }
    }
}

/* Percentiles of a vc subset against a full sort of that subset. */
static void check_vc_percentiles(const aif_job *jobs, size_t n, const aif_replay *r, uint32_t vc) {
    const aif_replay_job *o = aif_replay_jobs(r);
    int64_t *jct = malloc((n ? n : 1) * sizeof *jct), *wait = malloc((n ? n : 1) * sizeof *wait);
    assert_non_null(jct);
    assert_non_null(wait);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].vc == vc) {
            jct[m] = o[i].end_ns - jobs[i].submit_ns;
            wait[m++] = o[i].start_ns - jobs[i].submit_ns;
        }
    }
    qsort(jct, m, sizeof *jct, cmp_i64);
    qsort(wait, m, sizeof *wait, cmp_i64);
    aif_replay_summary s;
    assert_int_equal(aif_replay_summarize_vc(r, jobs, vc, &s), AIF_OK);
    assert_int_equal(s.jobs, m);
    if (m > 0) {
        assert_true(s.median_jct_s == sorted_pct_s(jct, m, 0.5));
        assert_true(s.p95_jct_s == sorted_pct_s(jct, m, 0.95));
        assert_true(s.p99_jct_s == sorted_pct_s(jct, m, 0.99));
        assert_true(s.median_wait_s == sorted_pct_s(wait, m, 0.5));
        assert_true(s.p95_wait_s == sorted_pct_s(wait, m, 0.95));
    }
    free(jct);
    free(wait);
}

/* The summary locates each percentile's histogram bucket, then selects inside it. Crowd
 * the buckets: durations 2^40 ns plus a few ns (one bucket spans 2^30 ns there, so all
 * JCTs share one bucket and the three JCT ranks are selected from one copy), many equal
 * values, all-zero waits (an exact bucket, answered without a second pass), tiny values
 * below the exact limit, and a deep queue (waits spread over many buckets). */
static void percentiles_exact_in_crowded_buckets(void **state) {
    (void)state;
    aif_rng rng;
    aif_rng_seed(&rng, 42, 3);
    size_t n = 4001;
    aif_job *jobs = calloc(n, sizeof *jobs);
    assert_non_null(jobs);
    for (int shape = 0; shape < 4; shape++) {
        for (size_t i = 0; i < n; i++) {
            int64_t d;
            switch (shape) {
            case 0:
                d = ((int64_t)1 << 40) + (int64_t)aif_rng_below(&rng, 7);
                break;
            case 1:
                d = 5 * NS; /* every JCT equal */
                break;
            case 2:
                d = 1 + (int64_t)aif_rng_below(&rng, 3000); /* below 2^11 ns: exact buckets */
                break;
            default:
                d = (1 + (int64_t)aif_rng_below(&rng, 100)) * NS;
                break;
            }
            jobs[i] = (aif_job){.submit_ns = (int64_t)i * (shape == 3 ? NS / 10 : 1),
                                .duration_ns = d,
                                .gpus = 1,
                                .gpu_milli = 1000,
                                .vc = (uint32_t)(i % 5 == 0)};
        }
        /* Shape 3 queues on 4 GPUs; the others all start at once on a pool of n GPUs. */
        aif_replay *r = run_mode(jobs, n, shape == 3 ? 4 : (int64_t)n, true, NULL);
        check_percentiles(jobs, n, r);
        check_vc_percentiles(jobs, n, r, 0);
        check_vc_percentiles(jobs, n, r, 1);
        check_vc_percentiles(jobs, n, r, 7); /* no such vc: zeros */
        aif_replay_destroy(r);
    }
    free(jobs);
}

/* Small job counts, where ranks sit at the ends: 1, 2 and 3 jobs. */
static void percentiles_of_few_jobs(void **state) {
    (void)state;
    for (size_t n = 1; n <= 3; n++) {
        aif_job jobs[3];
        for (size_t i = 0; i < n; i++) {
            jobs[i] = (aif_job){.submit_ns = 0, .duration_ns = (int64_t)(3 - i) * NS, .gpus = 1};
        }
        aif_replay *r = run_mode(jobs, n, 1, true, NULL);
        check_percentiles(jobs, n, r);
        aif_replay_summary s;
        assert_int_equal(aif_replay_summarize(r, jobs, &s), AIF_OK);
        /* One GPU, longest first: JCTs 3, 5, 6 s; waits 0, 3, 5 s. */
        static const double med_jct[3] = {3, 3, 5}, p99_jct[3] = {3, 5, 6};
        static const double med_wait[3] = {0, 0, 3}, p95_wait[3] = {0, 3, 5};
        assert_true(s.median_jct_s == med_jct[n - 1]);
        assert_true(s.p99_jct_s == p99_jct[n - 1]);
        assert_true(s.median_wait_s == med_wait[n - 1]);
        assert_true(s.p95_wait_s == p95_wait[n - 1]);
        aif_replay_destroy(r);
    }
}

/* The summary's own allocations (it uses the run's allocator) fail cleanly too: the k-th
 * request after the run fails, for every k the summary makes. */
static void summary_allocation_failures(void **state) {
    (void)state;
    size_t n = 2000;
    aif_job *jobs = random_jobs(8, n, 4, false, true);
    aif_replay *r = run_mode(jobs, n, 64, true, NULL);
    aif_replay_summary ref;
    assert_int_equal(aif_replay_summarize(r, jobs, &ref), AIF_OK);
    aif_replay_destroy(r);
    bool done = false;
    for (long k = 1; !done; k++) {
        aif_test_allocator ta;
        aif_test_allocator_init(&ta, 1000000);
        aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 64};
        r = NULL;
        assert_int_equal(aif_replay_run(&ta.base, jobs, n, &c, &r), AIF_OK);
        long used = ta.allocations;
        ta.fail_at = used + k;
        aif_replay_summary s;
        aif_status st = aif_replay_summarize(r, jobs, &s);
        if (st == AIF_OK) {
            assert_memory_equal(&s, &ref, sizeof s);
            done = ta.failures == 0;
        } else {
            assert_int_equal(st, AIF_ENOMEM);
        }
        aif_replay_destroy(r);
        assert_int_equal(ta.live_blocks, 0);
        assert_true(k < 10);
    }
    free(jobs);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    size_t n = 3000;
    aif_job *jobs = random_jobs(3, n, 1, false, true);
    bool done = false;
    for (long k = 1; !done; k++) {
        aif_test_allocator ta;
        aif_test_allocator_init(&ta, k);
        aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 3000};
        aif_replay *r = NULL;
        aif_status st = aif_replay_run(&ta.base, jobs, n, &c, &r);
        if (st == AIF_OK) {
            done = ta.failures == 0;
            aif_replay_destroy(r);
        } else {
            assert_int_equal(st, AIF_ENOMEM);
            assert_null(r);
        }
        assert_int_equal(ta.live_blocks, 0);
        assert_true(k < 50);
    }
    free(jobs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_path_matches_general_random),
        cmocka_unit_test(fast_path_matches_general_many_running),
        cmocka_unit_test(fast_path_matches_general_large),
        cmocka_unit_test(fast_path_matches_general_philly),
        cmocka_unit_test(fast_path_applies_to_fifo_pool_only),
        cmocka_unit_test(empty_trace),
        cmocka_unit_test(same_errors_as_general),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(percentiles_exact_in_crowded_buckets),
        cmocka_unit_test(percentiles_of_few_jobs),
        cmocka_unit_test(summary_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
