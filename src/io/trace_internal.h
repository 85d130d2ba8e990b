/* Shared-internal pieces of the trace reader: the record source (a file, a zstd stream or a
 * memory buffer, cut into CSV records), the field splitter and the value parsers. Kept
 * apart from trace.c so each can be tested and replaced on its own; not a public API. */
#ifndef AIF_IO_TRACE_INTERNAL_H
#define AIF_IO_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aifactory/alloc.h"
#include "aifactory/job.h"
#include "aifactory/pages.h"
#include "aifactory/status.h"

/* ---- Record source ---- */

/* Yields one CSV record at a time (a line, or several when a quoted field holds a newline),
 * with the line terminator (LF or CRLF) removed. The record text lives in the source's
 * window and is writable so the splitter can unquote in place; it is valid until the next
 * call. Memory: one window that grows to the longest record, plus zstd's buffers. */
typedef struct trace_source trace_source;

/* Open `path` (zstd detected by magic number). Errors: AIF_EIO (cannot open/read),
 * AIF_ENOMEM. */
aif_status aif__trace_source_open_file(const aif_allocator *a, const char *path,
                                       trace_source **out);

/* A source over `len` bytes of memory (copied into the window as it is read). */
aif_status aif__trace_source_open_memory(const aif_allocator *a, const char *text, size_t len,
                                         trace_source **out);

/* Next record: AIF_OK with rec, len and line set (line: 1-based, line where it starts), AIF_EEMPTY
 * at end of input, AIF_EIO (read error, corrupt or truncated zstd), AIF_EPARSE (quote still open at
 * end of input), AIF_ENOMEM. */
aif_status aif__trace_source_next(trace_source *s, char **rec, size_t *len, unsigned long *line);

/* How far the source is: `taken` bytes handed out as records (terminators included) of
 * `total`, the input's size when known up front (a plain file, memory, or a zstd frame that records
 * its size; else 0). Lets the reader size its job array once instead of growing it. O(1). */
void aif__trace_source_progress(const trace_source *s, uint64_t *taken, uint64_t *total);

void aif__trace_source_close(trace_source *s);

/* ---- Field splitting and values ---- */

/* Split `rec` (length len, writable) at commas into at most `max` fields, unquoting quoted
 * fields in place and NUL-terminating every field. Returns the number of fields found (it
 * may exceed max: the excess is not stored), -1 for a malformed quote (text after a
 * closing quote), or -2 when the record holds a NUL byte (which would cut a field short). Unquoted
 * fields have surrounding spaces trimmed. */
int aif__csv_split(char *rec, size_t len, char **fields, int max);

/* What aif__csv_plain_row reads in one field. */
enum plain_kind {
    PLAIN_INT,    /* 1 to 18 digits: the integer */
    PLAIN_SECONDS /* 1 to 9 digits, optionally '.' and up to 9 more: nanoseconds */
};

/* The fast shape of a record: exactly `n` fields, each written as `kind[i]` says, split by
 * single commas and holding nothing else (no blanks, quotes, signs or exponents). Fills
 * out[0..n) and returns true when the record has that shape; false leaves the record to
 * the general splitter and parsers, which give the same values for every record this
 * accepts, so the shape decides speed only. The record is not modified. O(len). */
bool aif__csv_plain_row(const char *rec, size_t len, const unsigned char *kind, int n,
                        int64_t *out);

/* Decimal seconds ("12", "66.0", "1.5e3", "-3") to nanoseconds, rounded to the nearest ns.
 * Errors: AIF_EPARSE (not a number), AIF_ERANGE (beyond +-9.2e9 s). */
aif_status aif__parse_seconds(const char *s, int64_t *ns);

/* "YYYY-MM-DD HH:MM:SS" (or with 'T', optional fractional seconds and a trailing 'Z') as
 * UTC, to nanoseconds since 1970-01-01. Errors: AIF_EPARSE, AIF_ERANGE (not strictly within
 * AIF_JOB_TIME_LIMIT_S of 1970, job.h). */
aif_status aif__parse_date(const char *s, int64_t *ns);

/* A time column: a date when it looks like one (digit run of 4 then '-'), else seconds. */
aif_status aif__parse_time(const char *s, int64_t *ns);

/* A decimal integer in [lo, hi]; "8.0" is accepted as 8 (some exports write floats).
 * Errors: AIF_EPARSE, AIF_ERANGE. */
aif_status aif__parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* ---- Compact rows for the fused fifo replay (trace.c) ---- */

/* A trace read down to its rows: sorted stably by submit time, with the reader's counts. */
typedef struct aif__trace_rows {
    const aif_allocator *alloc;
    aif_job_row *v;
    size_t count;
    size_t cap;
    int format; /* the aif_trace_format read (the detected one under AUTO) */
    size_t skipped;
    size_t filtered;
} aif__trace_rows;

struct aif_trace_options;
struct aif_error;

/* Read a trace exactly as aif_trace_read (path != NULL) or aif_trace_parse (path NULL:
 * `text`, `len`, `name` for messages) would, with the same validation, messages, skipping
 * and stable sort, but keep only each job's submit time, duration and GPU count. With
 * `refuse_vc`, a header that maps a virtual-cluster column stops the read with
 * AIF_ENOTIMPL before any row is read (for callers that would need the VCs). On success
 * *out owns the rows (aif__trace_rows_free); on error *out holds nothing. Errors: those of
 * aif_trace_read. Cost as aif_trace_read; memory 24 bytes per job. */
aif_status aif__trace_read_rows(const aif_allocator *a, const char *path, const char *name,
                                const char *text, size_t len, const struct aif_trace_options *opt,
                                bool refuse_vc, aif__trace_rows *out, struct aif_error *err);

void aif__trace_rows_free(aif__trace_rows *rows);

#endif
