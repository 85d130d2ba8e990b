/* Request traces for the serving simulator (serve.h): a generic CSV of
 * `arrival_s,input_tokens,output_tokens[,prefix]` rows, the Azure LLM inference 2023 trace
 * (`TIMESTAMP,ContextTokens,GeneratedTokens`) or Mooncake's JSON Lines, read as a stream
 * (memory O(1) in the trace's length) from a plain or zstd-compressed file, or from memory.
 *
 * Generic: the first record may be the header `arrival_s,input_tokens,output_tokens`
 * (those names, in that order, and optionally `prefix`); arrival times are seconds from
 * the start (decimal, non-negative); `prefix`, empty or ID:TOKENS, names a shared prefix
 * of the prompt (aif_serve_request's prefix_id, the FNV-1a hash of ID, and prefix_tokens).
 * Azure: the header is required; TIMESTAMP is a date ("2023-11-16 18:15:46.6805900", UTC)
 * and arrivals count from the first row. Mooncake (the first record starts with '{'): one
 * object per line with `timestamp` (ms), `input_length`, `output_length` and optional
 * `hash_ids` (one per 512-token block: aif_serve_request's hash_ids, valid until the next
 * request is read). In all, blank lines are skipped, arrivals must not decrease and
 * lengths are whole numbers from 1 to 10^9. A bad row stops the read with
 * "FILE:LINE:COL: error: ..." (aif_error_format) naming what was expected and what was
 * found. docs/serve.md describes the layouts. */
#ifndef AIFACTORY_SERVE_TRACE_H
#define AIFACTORY_SERVE_TRACE_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/serve.h"
#include "aifactory/status.h"

typedef struct aif_serve_trace aif_serve_trace;

/* Open `path` and set *src to read its requests in order (`src` stays valid until close).
 * Errors: AIF_EINVAL (NULL), AIF_EIO (cannot open: err says why), AIF_ENOMEM. Rows are
 * checked as they are read: src->next returns AIF_EPARSE / AIF_ERANGE with err->file,
 * ->line and ->col set, AIF_EIO for a read or zstd error. */
aif_status aif_serve_trace_open(const aif_allocator *a, const char *path, aif_serve_trace **out,
                                aif_serve_source *src, aif_error *err);

/* The same over `len` bytes of `text` (copied as read), named `name` in messages. */
aif_status aif_serve_trace_open_memory(const aif_allocator *a, const char *name, const char *text,
                                       size_t len, aif_serve_trace **out, aif_serve_source *src,
                                       aif_error *err);

/* The line of the last request handed out (0 before the first), for messages about a
 * request the simulator refuses. */
unsigned long aif_serve_trace_line(const aif_serve_trace *t);

/* Close and free; NULL is a no-op. */
void aif_serve_trace_close(aif_serve_trace *t);

/* Every row's (input, output) lengths of the trace at `path` (any layout the reader
 * takes), as pairs (*pairs)[2i], (*pairs)[2i + 1], for aif_serve_synthetic_set_mix.
 * Errors: as the reader's (err->file and line set for a bad row), AIF_EINVAL for a trace
 * with no request, AIF_ENOMEM. Memory: two longs per row. Free with
 * aif_serve_trace_lengths_free. */
aif_status aif_serve_trace_lengths(const aif_allocator *a, const char *path, long **pairs,
                                   long *count, aif_error *err);
void aif_serve_trace_lengths_free(const aif_allocator *a, long *pairs, long count);

#endif
