/* One row of a Mooncake request trace (JSON Lines, as the Mooncake FAST'25 traces are
 * published): `{"timestamp": MS, "input_length": N, "output_length": N, "hash_ids": [ID,
 * ...]}`. A small strict parser of exactly that object, so a bad row is named by its line
 * and column; used by serve_trace.c. Shared-internal. */
#ifndef AIF_IO_SERVE_JSONL_H
#define AIF_IO_SERVE_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/status.h"

/* Tokens each hash id covers in Mooncake's traces (their README: 512-token blocks). */
#define AIF_MOONCAKE_BLOCK_TOKENS 512

typedef struct aif__jsonl_row {
    int64_t arrival_ns; /* timestamp (ms) in ns */
    long input, output;
    uint64_t *ids; /* grown as needed, owned by the caller (free with ids_cap) */
    long count, ids_cap;
    unsigned long ts_line, ts_col; /* where the timestamp key is, for ordering errors */
} aif__jsonl_row;

/* Parse record `rec` (len bytes, starting on line `line` of `name`) into *row. Keys in
 * any order, each at most once; timestamp, input_length and output_length required;
 * hash_ids optional (none: no shared blocks), at most ceil(input_length / 512) ids, each
 * a whole number from 0 to 2^63 - 1. Errors: AIF_EPARSE with err's file, line and col at
 * the offending character; AIF_ENOMEM. */
aif_status aif__jsonl_row_parse(const aif_allocator *a, const char *name, const char *rec,
                                size_t len, unsigned long line, aif__jsonl_row *row,
                                aif_error *err);

#endif
