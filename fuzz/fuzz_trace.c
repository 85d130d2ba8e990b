/* Fuzzes the trace readers (trace.h): aif_trace_parse in every format (generic, Philly,
 * Helios, Acme, Alibaba OpenB, Tiresias, or detected from the header), with and without
 * skip_bad, then what a replay does with a trace: its statistics, a fifo replay, and the
 * fused read-and-replay path, which must give the same summary bit for bit.
 * Input: byte 0 bits 0-2 the format (7: auto), bit 3 skip_bad, bit 4 replay, bit 5 read
 * from a file (aif_trace_read, aif_replay_fifo_read: the file source, and zstd when the
 * bytes start with its magic number) instead of memory; byte 1 the allocation that fails
 * (0: none), which walks the reader's out-of-memory paths; the rest is the CSV text (or a
 * zstd frame of it).
 * Properties: no crash, undefined behaviour or leak (every block handed out by the
 * counting allocator is given back); on success jobs are sorted by submit time with >= 1
 * GPU and a positive duration, and every string id resolves; aif_replay_fifo_parse accepts
 * exactly what aif_trace_parse accepts and its summary equals aif_trace_parse +
 * aif_replay_run + aif_replay_summarize on the same pool.
 * Memory comes from the counting allocator over fuzz_block_cache.h, which keeps the
 * reader's and the replay's large blocks from one input to the next (ASan's checks kept). */
#include <stdbool.h>
#include <unistd.h>

#include "aifactory/alloc.h"
#include "aifactory/trace.h"
#include "fuzz_block_cache.h"
#include "fuzz_util.h"

/* Where file-mode inputs are written: one temporary file per process, made on first use
 * and removed at exit (harness state; the library keeps none). */
static char trace_path[] = "/tmp/aif-fuzz-trace-XXXXXX";
static int trace_fd = -1;

static void remove_trace_file(void) {
    unlink(trace_path);
}

static const char *write_trace_file(const char *text, size_t len) {
    if (trace_fd < 0) {
        trace_fd = mkstemp(trace_path);
        FUZZ_CHECK(trace_fd >= 0);
        atexit(remove_trace_file);
    }
    FUZZ_CHECK(ftruncate(trace_fd, 0) == 0);
    for (size_t done = 0; done < len;) {
        ssize_t n = pwrite(trace_fd, text + done, len - done, (off_t)done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    return trace_path;
}

/* The input as the reader sees it: memory, or the file it was written to. */
typedef struct trace_input {
    const char *text;
    size_t len;
    const char *path; /* NULL: memory */
} trace_input;

static void check_jobs(const aif_trace *t) {
    const aif_job *jobs = aif_trace_jobs(t);
    size_t n = aif_trace_count(t);
    for (size_t i = 0; i < n; i++) {
        const aif_job *j = &jobs[i];
        FUZZ_CHECK(i == 0 || jobs[i - 1].submit_ns <= j->submit_ns);
        FUZZ_CHECK(j->gpus >= 1);
        FUZZ_CHECK(j->duration_ns > 0);
        FUZZ_CHECK(aif_trace_string(t, j->name) != NULL);
        FUZZ_CHECK(aif_trace_string(t, j->user) != NULL);
        FUZZ_CHECK(aif_trace_string(t, j->vc) != NULL);
        FUZZ_CHECK(aif_trace_string(t, j->gpu_type) != NULL);
        FUZZ_CHECK(aif_trace_string(t, j->status) != NULL);
    }
    aif_trace_stats stats;
    aif_status st = aif_trace_stats_compute(t, &stats);
    FUZZ_CHECK(st == AIF_OK || st == AIF_ENOMEM);
    if (st == AIF_OK) {
        FUZZ_CHECK(stats.jobs == n);
    }
}

/* fifo on a pool as large as the largest job, through both paths. */
static void replay_both(const aif_allocator *a, const aif_trace *t, const trace_input *in,
                        const aif_trace_options *opt) {
    const aif_job *jobs = aif_trace_jobs(t);
    size_t n = aif_trace_count(t);
    int64_t gpus = 1;
    for (size_t i = 0; i < n; i++) {
        gpus = jobs[i].gpus > gpus ? jobs[i].gpus : gpus;
    }
    aif_replay_config cfg = {.policy = "fifo", .placement = AIF_PLACE_POOL, .gpus = gpus};
    aif_replay *r = NULL;
    aif_status st = aif_replay_run(a, jobs, n, &cfg, &r);
    aif_replay_summary general = {0};
    if (st == AIF_OK) {
        st = aif_replay_summarize(r, jobs, &general);
        aif_replay_destroy(r);
    }
    aif_replay_fifo_result fused = {0};
    aif_error err;
    aif_error_clear(&err);
    aif_status st2 = in->path ? aif_replay_fifo_read(a, in->path, opt, 0, &cfg, &fused, &err)
                              : aif_replay_fifo_parse(a, "fuzz.csv", in->text, in->len, opt, 0,
                                                      &cfg, &fused, &err);
    if (st == AIF_ENOMEM || st2 == AIF_ENOMEM) {
        return; /* the failing allocation fell in one path only */
    }
    if (st != st2) {
        fprintf(stderr, "replay: %s, fused: %s (%s)\n", aif_status_name(st), aif_status_name(st2),
                err.message);
    }
    FUZZ_CHECK(st == st2);
    if (st == AIF_OK) {
        FUZZ_CHECK(memcmp(&general, &fused.summary, sizeof general) == 0);
        FUZZ_CHECK(fused.format == aif_trace_format_of(t));
        FUZZ_CHECK(fused.skipped_rows == aif_trace_skipped_rows(t));
        FUZZ_CHECK(fused.filtered_rows == aif_trace_filtered_rows(t));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) {
        return 0;
    }
    unsigned mode = data[0];
    aif_trace_options opt = {.format = (mode & 7) == 7 ? AIF_TRACE_AUTO
                                                       : (aif_trace_format)((mode & 7) % 6 + 1),
                             .skip_bad = (mode & 8) != 0};
    aif_test_allocator ta;
    aif_test_allocator_init(&ta, (long)data[1]);
    ta.parent = &fuzz_block_cache; /* counted and failed as before, large blocks kept */
    trace_input in = {(const char *)data + 2, size - 2, NULL};
    if (mode & 32) {
        in.path = write_trace_file(in.text, in.len);
    }

    aif_trace *t = NULL;
    aif_error err;
    aif_error_clear(&err);
    aif_status st = in.path
                        ? aif_trace_read(&ta.base, in.path, &opt, &t, &err)
                        : aif_trace_parse(&ta.base, "fuzz.csv", in.text, in.len, &opt, &t, &err);
    if (st == AIF_OK) {
        check_jobs(t);
        if (mode & 16) {
            replay_both(&ta.base, t, &in, &opt);
        }
        if (err.status != AIF_OK) {
            fuzz_error(&err); /* the first skipped row */
        }
        aif_trace_destroy(t);
    } else {
        FUZZ_CHECK(t == NULL);
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_ENOMEM || st == AIF_EIO);
        fuzz_error(&err);
    }
    FUZZ_CHECK(ta.live_blocks == 0);
    return 0;
}
