/* Unit tests for EASY backfilling's scan limit and estimates: the engine (which skips whole
 * blocks of waiting jobs that cannot start, and keeps its per-job data in a ring sized by
 * the waiting span) is checked job by job against a brute-force reference that walks the
 * queue one job at a time, on bursty random traces with long queues, several scan limits
 * (below, at and above the block size) and estimate factors; plus hand-computed cases
 * where the scan limit decides, ring growth on a long backlog, clean allocation failure
 * while the ring grows, and a wide pool where thousands of jobs run at once (the running
 * set grows, and most started jobs end before a reservation links them into its treap). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/replay.h"
#include "aifactory/rng.h"

#define NS 1000000000LL

static aif_job mk(int64_t submit_s, int32_t gpus, int64_t dur_s) {
    return (aif_job){
        .submit_ns = submit_s * NS, .duration_ns = dur_s * NS, .gpus = gpus, .gpu_milli = 1000};
}

static aif_replay_config backfill_cfg(int64_t gpus, uint32_t scan_limit, double factor) {
    return (aif_replay_config){.policy = "backfill",
                               .placement = AIF_PLACE_POOL,
                               .gpus = gpus,
                               .scan_limit = scan_limit,
                               .estimate_factor = factor};
}

/* ---- The reference ---- */

static int64_t estimate(const aif_job *j, double factor) {
    if (factor <= 0 || factor == 1) {
        return j->duration_ns;
    }
    return (int64_t)((double)j->duration_ns * factor);
}

/* EASY backfilling on a pool, one candidate at a time, with the policy's documented pass
 * rule: at each distinct event time, free what ends, queue what arrives, start the head
 * while it fits; then, if the head is blocked, reserve for it (the earliest estimated end
 * by which enough GPUs are free, and the GPUs spare then) and offer the candidates behind
 * it, in arrival order, up to `limit` of them: a candidate starts if it fits the free GPUs
 * and either ends (by its estimate) by the reservation or fits the spare GPUs, which it
 * then uses up. A pass is full (candidates from just behind the head) after a completion or
 * when the head changed; otherwise only jobs that arrived since the previous pass are
 * offered, counted from the first of them. Quadratic: for tests only. */
static void reference(const aif_job *jobs, size_t n, int64_t gpus, uint32_t limit, double factor,
                      int64_t *start) {
    size_t cap = n ? n : 1;
    int64_t *end = malloc(cap * sizeof *end);     /* running: actual end */
    int64_t *est_end = malloc(cap * sizeof *end); /* running: estimated end */
    int32_t *g = malloc(cap * sizeof *g);
    size_t *queue = malloc(cap * sizeof *queue);
    bool *is_new = calloc(cap, sizeof *is_new);
    assert_true(end && est_end && g && queue && is_new);
    size_t running = 0, queued = 0, next = 0, done = 0;
    int64_t free_gpus = gpus;
    size_t last_head = SIZE_MAX;
    bool completed = false;
    while (done < n) {
        int64_t t = next < n ? jobs[next].submit_ns : INT64_MAX;
        for (size_t i = 0; i < running; i++) {
            t = end[i] < t ? end[i] : t;
        }
        for (size_t i = 0; i < running;) {
            if (end[i] == t) {
                free_gpus += g[i];
                running--;
                end[i] = end[running];
                est_end[i] = est_end[running];
                g[i] = g[running];
                done++;
                completed = true;
            } else {
                i++;
            }
        }
        while (next < n && jobs[next].submit_ns == t) {
            is_new[next] = true;
            queue[queued++] = next++;
        }
        size_t h = 0;
        while (h < queued && jobs[queue[h]].gpus <= free_gpus) {
            size_t j = queue[h++];
            start[j] = t;
            end[running] = t + jobs[j].duration_ns;
            est_end[running] = t + estimate(&jobs[j], factor);
            g[running++] = jobs[j].gpus;
            free_gpus -= jobs[j].gpus;
        }
        memmove(queue, queue + h, (queued - h) * sizeof *queue);
        queued -= h;
        size_t head = queued > 0 ? queue[0] : SIZE_MAX;
        bool full = completed || head != last_head;
        size_t from = 1;
        if (!full) {
            while (from < queued && !is_new[queue[from]]) {
                from++;
            }
        }
        if (queued > 0 && from < queued) {
            int64_t need = jobs[head].gpus - free_gpus, acc = 0, shadow = INT64_MAX;
            /* The reservation: the smallest estimated end by which `need` GPUs are free. */
            while (acc < need) {
                int64_t best = INT64_MAX;
                for (size_t i = 0; i < running; i++) {
                    if (est_end[i] > (shadow == INT64_MAX ? INT64_MIN : shadow) &&
                        est_end[i] < best) {
                        best = est_end[i];
                    }
                }
                if (best == INT64_MAX) {
                    break;
                }
                shadow = best;
                acc = 0;
                for (size_t i = 0; i < running; i++) {
                    acc += est_end[i] <= shadow ? g[i] : 0;
                }
            }
            if (acc < need) {
                shadow = INT64_MAX; /* never enough: every fitting job may start */
            }
            int64_t extra = free_gpus + acc - jobs[head].gpus;
            uint32_t offered = 0;
            for (size_t q = from; q < queued && offered < limit; q++, offered++) {
                size_t j = queue[q];
                int64_t jg = jobs[j].gpus;
                bool before = t + estimate(&jobs[j], factor) <= shadow;
                if (jg <= free_gpus && (jg <= extra || before)) {
                    start[j] = t;
                    end[running] = t + jobs[j].duration_ns;
                    est_end[running] = t + estimate(&jobs[j], factor);
                    g[running++] = jobs[j].gpus;
                    free_gpus -= jg;
                    extra -= before ? 0 : jg;
                    queue[q] = SIZE_MAX;
                }
            }
            size_t k = 0;
            for (size_t q = 0; q < queued; q++) {
                if (queue[q] != SIZE_MAX) {
                    queue[k++] = queue[q];
                }
            }
            queued = k;
        }
        for (size_t q = 0; q < queued; q++) {
            is_new[queue[q]] = false;
        }
        last_head = head;
        completed = false;
    }
    free(end);
    free(est_end);
    free(g);
    free(queue);
    free(is_new);
}

/* Bursts of arrivals (so queues grow to hundreds of jobs) of mostly small jobs with a few
 * wide ones, on `gpus` GPUs; durations from 1 s to ~3 h, with many equal values (ties in
 * estimated ends). */
static aif_job *bursty_jobs(uint64_t seed, size_t n, int32_t gpus) {
    aif_rng r;
    aif_rng_seed(&r, seed, 0);
    aif_job *jobs = malloc(n * sizeof *jobs);
    assert_non_null(jobs);
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (aif_rng_below(&r, 50) == 0) {
            t += (int64_t)aif_rng_below(&r, 20000); /* a lull: the queue drains */
        } else if (aif_rng_below(&r, 3) == 0) {
            t += (int64_t)aif_rng_below(&r, 30);
        }
        int32_t g = 1 << aif_rng_below(&r, 4);
        if (aif_rng_below(&r, 10) == 0) {
            g = 1 + (int32_t)aif_rng_below(&r, (uint64_t)gpus);
        }
        int64_t d = aif_rng_below(&r, 4) == 0 ? 600 : 1 + (int64_t)aif_rng_below(&r, 10000);
        jobs[i] = mk(t, g, d);
        if (aif_rng_below(&r, 2) == 0) {
            jobs[i].duration_ns += (int64_t)aif_rng_below(&r, NS);
        }
    }
    return jobs;
}

static void check_against_reference(const aif_job *jobs, size_t n, int64_t gpus, uint32_t limit,
                                    double factor) {
    int64_t *ref = malloc((n ? n : 1) * sizeof *ref);
    assert_non_null(ref);
    reference(jobs, n, gpus, limit == 0 ? 1000 : limit, factor, ref);
    aif_replay_config c = backfill_cfg(gpus, limit, factor);
    aif_replay *r = NULL;
    assert_int_equal(aif_replay_run(NULL, jobs, n, &c, &r), AIF_OK);
    const aif_replay_job *o = aif_replay_jobs(r);
    for (size_t i = 0; i < n; i++) {
        if (o[i].start_ns != ref[i]) {
            fail_msg("limit %u factor %g job %zu: engine starts at %lld, reference at %lld",
                     (unsigned)limit, factor, i, (long long)o[i].start_ns, (long long)ref[i]);
        }
        assert_int_equal(o[i].end_ns, o[i].start_ns + jobs[i].duration_ns);
    }
    aif_replay_destroy(r);
    free(ref);
}

static void matches_reference_scan_limits(void **state) {
    (void)state;
    static const uint32_t limits[] = {1, 2, 31, 32, 33, 64, 100, 0, UINT32_MAX};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        size_t n = 2500;
        aif_job *jobs = bursty_jobs(seed, n, 64);
        for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
            check_against_reference(jobs, n, 64, limits[k], 0);
        }
        free(jobs);
    }
}

static void matches_reference_estimate_factors(void **state) {
    (void)state;
    static const double factors[] = {0.5, 1, 1.7, 4};
    for (uint64_t seed = 11; seed <= 13; seed++) {
        size_t n = 2000;
        aif_job *jobs = bursty_jobs(seed, n, 48);
        for (size_t k = 0; k < sizeof factors / sizeof factors[0]; k++) {
            check_against_reference(jobs, n, 48, (uint32_t)(5 + 40 * k), factors[k]);
        }
        free(jobs);
    }
}

/* 4 GPUs. A (3 GPUs, 0-10 s) runs; B (4 GPUs) blocks at 1 s with its reservation at 10 s
 * and no spare GPUs then; behind it, at 1 s: 70 jobs of 1 GPU and 100 s (each would delay
 * B), then C (1 GPU, 5 s: it ends by 10 s). C is the 71st candidate: a scan limit of 70
 * keeps it waiting until B has run, 71 lets it start at once in the free GPU. A whole block
 * of refused jobs (ids 32-63) lies between, and limits inside it end the scan there. */
static void scan_limit_decides(void **state) {
    (void)state;
    enum { LONG = 70, N = LONG + 3 };
    aif_job jobs[N];
    jobs[0] = mk(0, 3, 10);
    jobs[1] = mk(1, 4, 10);
    for (size_t i = 2; i < 2 + LONG; i++) {
        jobs[i] = mk(1, 1, 100);
    }
    jobs[N - 1] = mk(1, 1, 5);
    static const uint32_t limits[] = {1, 40, 62, 70, 71, 72, 0};
    for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
        aif_replay_config c = backfill_cfg(4, limits[k], 0);
        aif_replay *r = NULL;
        assert_int_equal(aif_replay_run(NULL, jobs, N, &c, &r), AIF_OK);
        const aif_replay_job *o = aif_replay_jobs(r);
        assert_int_equal(o[1].start_ns, 10 * NS);
        if (limits[k] == 0 || limits[k] >= 71) {
            assert_int_equal(o[N - 1].start_ns, 1 * NS);
            assert_int_equal(o[N - 1].end_ns, 6 * NS);
        } else {
            /* B runs 10-20 s; then the 1-GPU jobs fill the pool from the front. */
            assert_true(o[N - 1].start_ns >= 20 * NS);
        }
        assert_int_equal(o[2].start_ns, 20 * NS);
        assert_int_equal(o[5].start_ns, 20 * NS);
        assert_int_equal(o[6].start_ns, 120 * NS);
        aif_replay_destroy(r);
    }
}

/* A wide job that never fits until the pool drains holds a backlog of thousands behind it:
 * the waiting ids span far beyond the first ring, which must grow (and wrap) while jobs
 * keep starting from the middle of the queue. Checked against the reference. */
static aif_job *backlog_jobs(size_t n) {
    aif_job *jobs = malloc(n * sizeof *jobs);
    assert_non_null(jobs);
    jobs[0] = mk(0, 30, 5000);
    jobs[1] = mk(1, 32, 100);
    for (size_t i = 2; i < n; i++) {
        /* 1- and 2-GPU jobs, short ones ending before the reservation now and then. */
        int64_t d = i % 7 == 0 ? 50 : 6000 + (int64_t)(i % 13);
        jobs[i] = mk(2 + (int64_t)(i / 4), 1 + (int32_t)(i % 2), d);
    }
    return jobs;
}

/* Failing the k-th allocation for k = 1, 2, ... (the ring's and the running set's growth
 * mid-replay included) gives AIF_ENOMEM and frees everything; once nothing fails, the
 * result is the reference's. */
static void failures_are_clean(const aif_job *jobs, size_t n, int64_t gpus) {
    int64_t *ref = malloc(n * sizeof *ref);
    assert_non_null(ref);
    reference(jobs, n, gpus, 1000, 0, ref);
    bool done = false;
    for (long k = 1; !done; k++) {
        aif_test_allocator ta;
        aif_test_allocator_init(&ta, k);
        aif_replay_config c = backfill_cfg(gpus, 0, 0);
        aif_replay *r = NULL;
        aif_status st = aif_replay_run(&ta.base, jobs, n, &c, &r);
        if (st == AIF_OK) {
            done = ta.failures == 0;
            const aif_replay_job *o = aif_replay_jobs(r);
            for (size_t i = 0; done && i < n; i++) {
                assert_int_equal(o[i].start_ns, ref[i]);
            }
            aif_replay_destroy(r);
        } else {
            assert_int_equal(st, AIF_ENOMEM);
            assert_null(r);
        }
        assert_int_equal(ta.live_blocks, 0);
        assert_true(k < 200);
    }
    free(ref);
}

static void ring_grows_with_backlog(void **state) {
    (void)state;
    size_t n = 6000;
    aif_job *jobs = backlog_jobs(n);
    check_against_reference(jobs, n, 32, 0, 0);
    check_against_reference(jobs, n, 32, 300, 0);
    check_against_reference(jobs, n, 32, UINT32_MAX, 2);
    free(jobs);
}

/* Every failed allocation, including those of the ring's growth mid-replay, gives
 * AIF_ENOMEM and frees everything; with enough memory the result is the reference's. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    size_t n = 2000;
    aif_job *jobs = backlog_jobs(n);
    failures_are_clean(jobs, n, 32);
    free(jobs);
}

/* 2,000 GPUs and small jobs: over a thousand run at once, so the running set outgrows its
 * first 256 slots twice; wide jobs (up to the whole pool) block the head now and then, so
 * reservations are computed with many started jobs pending, while short jobs start and end
 * between reservations. */
static aif_job *wide_pool_jobs(size_t n) {
    aif_rng r;
    aif_rng_seed(&r, 77, 0);
    aif_job *jobs = malloc(n * sizeof *jobs);
    assert_non_null(jobs);
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        t += (int64_t)aif_rng_below(&r, 3);
        int32_t g = 1 + (int32_t)aif_rng_below(&r, 3);
        if (aif_rng_below(&r, 200) == 0) {
            g = 500 + (int32_t)aif_rng_below(&r, 1501);
        }
        int64_t d = aif_rng_below(&r, 3) == 0 ? 1 + (int64_t)aif_rng_below(&r, 20)
                                              : 2000 + (int64_t)aif_rng_below(&r, 3000);
        jobs[i] = mk(t, g, d);
    }
    return jobs;
}

static void running_set_grows(void **state) {
    (void)state;
    size_t n = 4000;
    aif_job *jobs = wide_pool_jobs(n);
    check_against_reference(jobs, n, 2000, 0, 0);
    check_against_reference(jobs, n, 2000, 7, 0);
    check_against_reference(jobs, n, 2000, UINT32_MAX, 1.5);
    free(jobs);
}

/* Allocation failures while the running set grows (its node array and pending array grow
 * separately, either may fail) are clean, and the result with enough memory exact. */
static void running_set_growth_failures_are_clean(void **state) {
    (void)state;
    size_t n = 4000;
    aif_job *jobs = wide_pool_jobs(n);
    failures_are_clean(jobs, n, 2000);
    free(jobs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_reference_scan_limits),
        cmocka_unit_test(matches_reference_estimate_factors),
        cmocka_unit_test(scan_limit_decides),
        cmocka_unit_test(ring_grows_with_backlog),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(running_set_grows),
        cmocka_unit_test(running_set_growth_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
