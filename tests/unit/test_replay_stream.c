/* Unit tests for the fused fifo read-and-replay (aif_replay_fifo_read/parse, io/trace_replay.c over
 * sched/replay_rows.c): on random traces (plain rows, rows with extra columns that take the general
 * parser, unsorted rows, simultaneous events, bad rows skipped with --skip-bad) and on the bundled
 * zstd Philly trace it must give, bit for bit, the summary and the reader's counts of
 * aif_trace_read + aif_replay_run + aif_replay_summarize; it must fail with the same status
 * and message on the same bad inputs, refuse other policies, and fail cleanly on every
 * allocation failure. */
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

/* An error as the CLI prints it ("file:line: message"), formatted into a buffer that lives
 * as long as the enclosing block. */
static const char *shown(const aif_error *e, char *buf, size_t n) {
    aif_error_format(e, buf, n);
    return buf;
}
#define SHOWN(e) shown(&(e), (char[512]){0}, 512)

static void data_path(char *buf, size_t size, const char *name) {
    const char *f = __FILE__;
    const char *slash = strstr(f, "unit/test_replay_stream.c");
    assert_non_null(slash);
    snprintf(buf, size, "%.*sdata/%s", (int)(slash - f), f, name);
}

/* A generic CSV of n rows. `extra` adds a vc column (rows then take the general parser);
 * `shuffle` swaps neighbours so the rows are out of order; `bad` writes every 37th row with
 * a bad GPU count; `ties` uses whole seconds so events coincide. Returned text is malloc'ed. */
static char *random_csv(uint64_t seed, size_t n, bool extra, bool shuffle, bool bad, bool ties,
                        size_t *len) {
    aif_rng r;
    aif_rng_seed(&r, seed, 5);
    size_t cap = 64 + n * 96;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t w = (size_t)snprintf(s, cap, "job_id,submit_s,gpus,duration_s%s\n", extra ? ",vc" : "");
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        t += ties ? aif_rng_below(&r, 3) * 1000000000u : aif_rng_below(&r, 4000000000u);
        uint64_t sub = t;
        if (shuffle && i % 5 == 1) {
            sub = t > 7000000000u ? t - 7000000000u : 0;
        }
        unsigned g = 1u << aif_rng_below(&r, 7);
        uint64_t d =
            ties ? (1 + aif_rng_below(&r, 40)) * 1000000000u : 1 + aif_rng_below(&r, 60000000000u);
        const char *gs = bad && i % 37 == 5 ? "x" : NULL;
        char gbuf[16];
        snprintf(gbuf, sizeof gbuf, "%u", g);
        w += (size_t)snprintf(s + w, cap - w, "%zu,%llu.%09llu,%s,%llu.%09llu%s%s\n", i,
                              (unsigned long long)(sub / 1000000000u),
                              (unsigned long long)(sub % 1000000000u), gs ? gs : gbuf,
                              (unsigned long long)(d / 1000000000u),
                              (unsigned long long)(d % 1000000000u), extra ? ",vc" : "",
                              extra ? (i % 2 ? "a" : "b") : "");
    }
    *len = w;
    return s;
}

/* The general path's result for the same input. */
static aif_status general(const char *text, size_t len, const aif_trace_options *opt, int64_t gpus,
                          aif_replay_fifo_result *out, aif_error *err) {
    aif_trace *t = NULL;
    aif_status st = aif_trace_parse(NULL, "mem", text, len, opt, &t, err);
    if (st != AIF_OK) {
        return st;
    }
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = gpus};
    aif_replay *r = NULL;
    st = aif_replay_run(NULL, aif_trace_jobs(t), aif_trace_count(t), &c, &r);
    if (st == AIF_OK) {
        memset(out, 0, sizeof *out);
        st = aif_replay_summarize(r, aif_trace_jobs(t), &out->summary);
        out->format = aif_trace_format_of(t);
        out->skipped_rows = aif_trace_skipped_rows(t);
        out->filtered_rows = aif_trace_filtered_rows(t);
    }
    aif_replay_destroy(r);
    aif_trace_destroy(t);
    return st;
}

static aif_status check_same(const char *text, size_t len, const aif_trace_options *opt,
                             int64_t gpus) {
    aif_replay_fifo_result a, b;
    aif_error ea, eb;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    aif_status sa = general(text, len, opt, gpus, &a, &ea);
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = gpus};
    aif_status sb = aif_replay_fifo_parse(NULL, "mem", text, len, opt, 0, &c, &b, &eb);
    assert_int_equal(sa, sb);
    if (sa == AIF_OK) {
        assert_memory_equal(&a.summary, &b.summary, sizeof a.summary);
        assert_int_equal(a.format, b.format);
        assert_int_equal(a.skipped_rows, b.skipped_rows);
        assert_int_equal(a.filtered_rows, b.filtered_rows);
    }
    if (sa == AIF_EPARSE || (opt && opt->skip_bad && a.skipped_rows > 0)) {
        assert_string_equal(SHOWN(ea), SHOWN(eb));
        assert_int_equal(ea.line, eb.line);
    }
    return sa;
}

static void matches_general_random(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 24; seed++) {
        bool extra = seed % 2, shuffle = seed % 3 == 0, ties = seed % 4 < 2;
        size_t n = 1 + (size_t)(seed * 397 % 3000), len;
        char *text = random_csv(seed, n, extra, shuffle, false, ties, &len);
        assert_int_equal(check_same(text, len, NULL, seed % 5 == 0 ? 64 : 512), AIF_OK);
        free(text);
    }
}

/* Few jobs: every nearest-rank percentile lands on the first or last values. */
static void matches_general_few_jobs(void **state) {
    (void)state;
    for (size_t n = 1; n <= 40; n++) {
        size_t len;
        char *text = random_csv(100 + n, n, false, n % 2 == 0, false, true, &len);
        assert_int_equal(check_same(text, len, NULL, 64), AIF_OK);
        free(text);
    }
}

static void matches_general_bad_rows(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        size_t len;
        char *text = random_csv(seed, 1500, seed % 2, seed % 3 == 0, true, seed % 2, &len);
        aif_trace_options skip = {AIF_TRACE_AUTO, true}, strict = {AIF_TRACE_GENERIC, false};
        assert_int_equal(check_same(text, len, &skip, 256), AIF_OK);
        assert_int_equal(check_same(text, len, &strict, 256), AIF_EPARSE);
        free(text);
    }
}

static void matches_general_philly_zstd(void **state) {
    (void)state;
    char path[1024];
    data_path(path, sizeof path, "philly.csv.zst");
    aif_trace *t = NULL;
    aif_error err;
    assert_int_equal(aif_trace_read(NULL, path, NULL, &t, &err), AIF_OK);
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 2048};
    aif_replay *r = NULL;
    assert_int_equal(aif_replay_run(NULL, aif_trace_jobs(t), aif_trace_count(t), &c, &r), AIF_OK);
    aif_replay_summary ref;
    assert_int_equal(aif_replay_summarize(r, aif_trace_jobs(t), &ref), AIF_OK);
    aif_replay_fifo_result res;
    assert_int_equal(aif_replay_fifo_read(NULL, path, NULL, 0, &c, &res, &err), AIF_OK);
    assert_memory_equal(&ref, &res.summary, sizeof ref);
    assert_int_equal(res.summary.jobs, 82247);
    assert_int_equal(res.format, AIF_TRACE_PHILLY);
    aif_replay_destroy(r);
    aif_trace_destroy(t);
}

static void errors_as_general(void **state) {
    (void)state;
    static const char big[] = "job_id,submit_s,gpus,duration_s\n1,0,4,10\n2,1,9,10\n";
    static const char bad[] = "job_id,submit_s,gpus,duration_s\n1,0,4,10\n2,1,4,-3\n";
    static const char empty[] = "job_id,submit_s,gpus,duration_s\n";
    check_same(big, strlen(big), NULL, 8);
    check_same(bad, strlen(bad), NULL, 8);
    check_same(empty, strlen(empty), NULL, 8);
    aif_replay_fifo_result res;
    aif_error err;
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 8};
    assert_int_equal(aif_replay_fifo_parse(NULL, "m", big, strlen(big), NULL, 0, &c, &res, &err),
                     AIF_ERANGE);
    c.policy = "backfill";
    assert_int_equal(
        aif_replay_fifo_parse(NULL, "m", empty, strlen(empty), NULL, 0, &c, &res, &err),
        AIF_EINVAL);
    c.policy = NULL;
    c.placement = AIF_PLACE_FIRST_FIT;
    assert_int_equal(
        aif_replay_fifo_parse(NULL, "m", empty, strlen(empty), NULL, 0, &c, &res, &err),
        AIF_EINVAL);
    c.placement = AIF_PLACE_POOL;
    c.gpus = 0;
    assert_int_equal(
        aif_replay_fifo_parse(NULL, "m", empty, strlen(empty), NULL, 0, &c, &res, &err),
        AIF_EINVAL);
    c.gpus = 8;
    assert_int_equal(aif_replay_fifo_read(NULL, NULL, NULL, 0, &c, &res, &err), AIF_EINVAL);
    assert_int_equal(aif_replay_fifo_read(NULL, "/nonexistent/x.csv", NULL, 0, &c, &res, &err),
                     AIF_EIO);
    assert_non_null(strstr(SHOWN(err), "/nonexistent/x.csv"));
    assert_int_equal(
        aif_replay_fifo_parse(NULL, "m", empty, strlen(empty), NULL, 2, &c, &res, &err),
        AIF_EINVAL);
}

/* AIF_REPLAY_FIFO_NO_VC stops at a header with a VC column, and only then. */
static void no_vc_flag(void **state) {
    (void)state;
    static const char vc[] = "job_id,submit_s,gpus,duration_s,vc\n1,0,4,10,a\n";
    static const char plain[] = "job_id,submit_s,gpus,duration_s\n1,0,4,10\n";
    aif_replay_fifo_result res;
    aif_error err;
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 8};
    assert_int_equal(aif_replay_fifo_parse(NULL, "m", vc, strlen(vc), NULL, AIF_REPLAY_FIFO_NO_VC,
                                           &c, &res, &err),
                     AIF_ENOTIMPL);
    assert_int_equal(aif_replay_fifo_parse(NULL, "m", vc, strlen(vc), NULL, 0, &c, &res, &err),
                     AIF_OK);
    assert_int_equal(res.summary.jobs, 1);
    assert_int_equal(aif_replay_fifo_parse(NULL, "m", plain, strlen(plain), NULL,
                                           AIF_REPLAY_FIFO_NO_VC, &c, &res, &err),
                     AIF_OK);
    assert_true(res.summary.mean_jct_s == 10.0);
    char path[1024];
    data_path(path, sizeof path, "philly.csv.zst");
    assert_int_equal(aif_replay_fifo_read(NULL, path, NULL, AIF_REPLAY_FIFO_NO_VC, &c, &res, &err),
                     AIF_ENOTIMPL);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    size_t len;
    /* Unsorted, with a skipped row and an extra column: every allocation the path makes. */
    char *text = random_csv(7, 3000, true, true, true, false, &len);
    aif_trace_options opt = {AIF_TRACE_AUTO, true};
    aif_replay_fifo_result ref;
    aif_error err;
    aif_replay_config c = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = 128};
    assert_int_equal(aif_replay_fifo_parse(NULL, "m", text, len, &opt, 0, &c, &ref, &err), AIF_OK);
    bool done = false;
    for (long k = 1; !done; k++) {
        aif_test_allocator ta;
        aif_test_allocator_init(&ta, k);
        aif_replay_fifo_result res;
        aif_status st = aif_replay_fifo_parse(&ta.base, "m", text, len, &opt, 0, &c, &res, &err);
        if (st == AIF_OK) {
            assert_memory_equal(&res, &ref, sizeof res);
            done = ta.failures == 0;
        } else {
            assert_int_equal(st, AIF_ENOMEM);
        }
        assert_int_equal(ta.live_blocks, 0);
        assert_true(k < 100);
    }
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_general_random),
        cmocka_unit_test(matches_general_few_jobs),
        cmocka_unit_test(matches_general_bad_rows),
        cmocka_unit_test(matches_general_philly_zstd),
        cmocka_unit_test(errors_as_general),
        cmocka_unit_test(no_vc_flag),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
