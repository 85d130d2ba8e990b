/* Cluster job traces: read a CSV (or zstd-compressed CSV) job log into a compact job array.
 *
 * A trace is the input of `aifactory replay` and of the fleet simulation's research-job
 * population. The reader streams the file (a 10^7-row trace never sits in memory as text),
 * splits RFC-4180-style fields (quotes, doubled quotes, quoted newlines, CRLF), maps the
 * columns of one of the known formats by their header names, validates every row, and
 * stores each job as a fixed-size record; strings such as user and virtual cluster are
 * interned in one table, so memory is O(jobs) with a small constant and there is no
 * allocation per row. Jobs are then sorted stably by submit time (ties keep file order).
 * Times are aif_time-compatible int64 nanoseconds; dates in the file are read as UTC. */
#ifndef AIFACTORY_TRACE_H
#define AIFACTORY_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/job.h"
#include "aifactory/replay.h"
#include "aifactory/status.h"

/* Trace formats. AUTO detects the format from the header row. */
typedef enum aif_trace_format {
    AIF_TRACE_AUTO,
    AIF_TRACE_GENERIC, /* job_id,submit_s,gpus,duration_s[,user,vc,priority,gpu_type,status] */
    AIF_TRACE_PHILLY,  /* timestamp,duration,num_gpus,gpu_time,cluster (Pollux's philly.csv) */
    AIF_TRACE_HELIOS,  /* job_id,user,vc,gpu_num,...,submit_time,...,duration,state */
    AIF_TRACE_ACME,    /* as Helios, without a vc column */
    AIF_TRACE_ALIBABA_OPENB, /* name,...,num_gpu,gpu_milli,...,creation_time,deletion_time,... */
    AIF_TRACE_TIRESIAS,      /* job_id,num_gpu,submit_time,iterations,model_name,duration,... */
    AIF_TRACE_FORMAT_COUNT
} aif_trace_format;

/* The name used on the command line ("generic", "alibaba-openb", ...); "?" if out of range. */
const char *aif_trace_format_name(aif_trace_format format);

/* Parse a format name (including "auto"). Errors: AIF_EINVAL (NULL), AIF_ENOTFOUND. */
aif_status aif_trace_format_parse(const char *name, aif_trace_format *out);

typedef struct aif_trace_options {
    aif_trace_format format; /* AIF_TRACE_AUTO to detect */
    bool skip_bad;           /* skip and count invalid rows instead of failing */
} aif_trace_options;

typedef struct aif_trace aif_trace;

/* Read the trace at `path` (.csv, or zstd-compressed: detected by its magic number, so the
 * .csv.zst extension is only a convention). `opt` NULL means auto-detection, no skipping.
 * On success *out owns the jobs (free with aif_trace_destroy). `err` (may be NULL) receives
 * the reason on failure and the first skipped row with skip_bad, positioned at the file
 * (`path`, or `name` for aif_trace_parse, which must outlive `err`) and line (0 when not
 * tied to a row); aif_error_format prints "FILE:LINE: field 'gpus': expected ..., found
 * '...'".
 * Errors: AIF_EINVAL (NULL path/out), AIF_EIO (cannot open/read, corrupt zstd), AIF_EPARSE
 * (unknown header, a bad row without skip_bad, unterminated quote), AIF_ENOMEM.
 * Cost: O(bytes) parsing plus O(n log n) sorting when the rows are not already in order;
 * memory O(jobs + distinct strings + longest row). *out is untouched on error. */
aif_status aif_trace_read(const aif_allocator *a, const char *path, const aif_trace_options *opt,
                          aif_trace **out, aif_error *err);

/* As aif_trace_read, from `len` bytes of CSV text in memory (not compressed); `name` is used
 * in messages. The text is not retained. */
aif_status aif_trace_parse(const aif_allocator *a, const char *name, const char *text, size_t len,
                           const aif_trace_options *opt, aif_trace **out, aif_error *err);

/* Free the trace; NULL is a no-op. */
void aif_trace_destroy(aif_trace *trace);

/* The jobs, sorted by submit time (stable); valid until destroy. O(1). */
const aif_job *aif_trace_jobs(const aif_trace *trace);
size_t aif_trace_count(const aif_trace *trace);

/* The format that was read (the detected one under AUTO). */
aif_trace_format aif_trace_format_of(const aif_trace *trace);

/* Rows skipped as invalid (skip_bad), and rows dropped by design (jobs without GPUs in the
 * Helios, Acme and Alibaba logs, which also list CPU-only jobs). */
size_t aif_trace_skipped_rows(const aif_trace *trace);
size_t aif_trace_filtered_rows(const aif_trace *trace);

/* An interned string by id: "" for 0, NULL for an id the table does not hold. O(1). */
const char *aif_trace_string(const aif_trace *trace, uint32_t id);

/* Number of distinct interned strings (id 0 excluded); ids run 1..count. */
uint32_t aif_trace_string_count(const aif_trace *trace);

/* The trace's names as schedulers take them (job.h; aif_replay_config.names): valid while
 * the trace lives. */
aif_job_names aif_trace_names(const aif_trace *trace);

/* Summary statistics of a trace, as the datasets' READMEs report them. */
typedef struct aif_trace_stats {
    size_t jobs;
    size_t single_gpu_jobs;
    double median_duration_s; /* mean of the two middle values when the count is even */
    double mean_duration_s;
    double gpu_hours; /* sum of gpus * duration / 3600 */
    int64_t first_submit_ns;
    int64_t last_submit_ns;
    int32_t max_gpus;
} aif_trace_stats;

/* Compute the statistics. Errors: AIF_EINVAL (NULL), AIF_ENOMEM (the median needs a copy of
 * the durations). Cost O(n) expected (selection), memory O(n) temporary. An empty trace
 * gives zeros. */
aif_status aif_trace_stats_compute(const aif_trace *trace, aif_trace_stats *out);

/* ---- Read and replay under fifo in one pass (summary only) ---- */

/* What aif_replay_fifo_read gives: the summary aif_replay_summarize would give for the
 * whole trace, and the reader's counts (aif_trace_format_of, aif_trace_skipped_rows,
 * aif_trace_filtered_rows). */
typedef struct aif_replay_fifo_result {
    aif_replay_summary summary;
    aif_trace_format format;
    size_t skipped_rows;
    size_t filtered_rows;
} aif_replay_fifo_result;

/* Flags of aif_replay_fifo_read. */
enum {
    /* For callers that break results down by virtual cluster, which this path cannot: a
     * trace whose header has a VC column stops the call with AIF_ENOTIMPL right after the
     * header, before any row is read, so the caller can take the general path instead at
     * almost no cost. */
    AIF_REPLAY_FIFO_NO_VC = 1u
};

/* Read the trace at `path` and replay it under fifo on a pool of config->gpus GPUs in one
 * go, keeping 24 bytes per job (submit, duration, GPUs) instead of a trace's aif_job array
 * and the replay's per-job results: the same summary, bit for bit, as aif_trace_read +
 * aif_replay_run + aif_replay_summarize, with the same validation, messages in `err`,
 * skipped-row counting and stable sort. For runs that need no per-job output and no per-VC
 * breakdown. `config` must name fifo (or NULL policy) with AIF_PLACE_POOL and no groups;
 * its on_step is called as aif_replay_run calls it. `flags`: 0 or AIF_REPLAY_FIFO_NO_VC.
 * Nothing is retained past the call.
 * Errors: AIF_EINVAL (NULL path/config/out, another policy or placement, gpus < 1), those
 * of aif_trace_read (AIF_EIO, AIF_EPARSE, with `err` set), then those of aif_replay_run
 * (AIF_ERANGE: a job larger than the pool), AIF_ENOTIMPL (see AIF_REPLAY_FIFO_NO_VC),
 * AIF_ENOMEM. *out is untouched on error.
 * Cost: as the three calls (O(bytes) parse, O(n log n) sort only when unsorted,
 * O(n log running) replay, O(n) expected percentile selection); memory 24 bytes per job
 * plus the running jobs' heap. */
aif_status aif_replay_fifo_read(const aif_allocator *a, const char *path,
                                const aif_trace_options *opt, unsigned flags,
                                const aif_replay_config *config, aif_replay_fifo_result *out,
                                aif_error *err);

/* As aif_replay_fifo_read, from `len` bytes of CSV text in memory (as aif_trace_parse;
 * `name` is used in messages). */
aif_status aif_replay_fifo_parse(const aif_allocator *a, const char *name, const char *text,
                                 size_t len, const aif_trace_options *opt, unsigned flags,
                                 const aif_replay_config *config, aif_replay_fifo_result *out,
                                 aif_error *err);

#endif
