/* The serving simulator's request trace (serve_trace.h): the trace reader's record source
 * (plain, zstd or memory; trace_internal.h) cut into rows, each checked and handed to the
 * simulator as it asks, so a trace of any length is read in constant memory. Three
 * layouts: the generic `arrival_s,input_tokens,output_tokens[,prefix]`, the Azure LLM
 * inference 2023 trace's `TIMESTAMP,ContextTokens,GeneratedTokens` (dates), and Mooncake's
 * JSON Lines with hash ids (serve_jsonl.c). */
#include <stdio.h>
#include <string.h>

#include "aifactory/serve_trace.h"
#include "serve_jsonl.h"
#include "textcheck.h"
#include "trace_internal.h"

#define LEN_MAX 1000000000LL

struct aif_serve_trace {
    const aif_allocator *alloc;
    trace_source *src;
    char *name;
    unsigned long line; /* of the last row handed out */
    int64_t last_ns;
    int started; /* a record (header or row) has been seen */
    int azure;   /* the Azure LLM inference 2023 columns: dates, relative to the first row */
    int jsonl;   /* Mooncake JSON Lines */
    int64_t origin_ns;
    aif__jsonl_row row; /* the last JSONL row: its ids are handed out until the next */
};

static const char *const columns[4] = {"arrival_s", "input_tokens", "output_tokens", "prefix"};
static const char *const azure_columns[3] = {"TIMESTAMP", "ContextTokens", "GeneratedTokens"};

static unsigned long col_of(const char *rec, const char *field) {
    return (unsigned long)(field - rec) + 1;
}

static aif_status row_error(aif_serve_trace *t, aif_error *err, aif_status st, unsigned long line,
                            unsigned long col, const char *fmt, const char *a, const char *b) {
    char msg[AIF_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, fmt, a, b);
    return aif_error_set_at(err, st, t->name, line, col, "%s", msg);
}

/* The header, when the first record starts with a letter: exactly the generic names (the
 * fourth, prefix, optional), or exactly the Azure LLM inference 2023 ones. */
static aif_status header(aif_serve_trace *t, char *rec, char **f, int n, unsigned long line,
                         aif_error *err) {
    t->azure = n > 0 && strcmp(f[0], azure_columns[0]) == 0;
    const char *const *want = t->azure ? azure_columns : columns;
    for (int i = 0; i < 3; i++) {
        if (i >= n || strcmp(f[i], want[i]) != 0) {
            return row_error(t, err, AIF_EPARSE, line, i < n ? col_of(rec, f[i]) : 1,
                             "expected the header 'arrival_s,input_tokens,output_tokens[,prefix]' "
                             "or 'TIMESTAMP,ContextTokens,GeneratedTokens' (or no header), found "
                             "column '%s'%s",
                             i < n ? f[i] : "", i < n ? "" : " missing");
        }
    }
    int most = t->azure ? 3 : 4;
    if (n == 4 && !t->azure && strcmp(f[3], columns[3]) != 0) {
        return row_error(t, err, AIF_EPARSE, line, col_of(rec, f[3]),
                         "expected the fourth column 'prefix' (or none), found '%s'%s", f[3], "");
    }
    if (n > most) {
        return row_error(t, err, AIF_EPARSE, line, col_of(rec, f[most]),
                         "expected %s columns, found '%s' after them", most == 3 ? "3" : "4",
                         f[most]);
    }
    return AIF_OK;
}

static aif_status length(aif_serve_trace *t, char *rec, char *f, int which, unsigned long line,
                         long *out, aif_error *err) {
    int64_t v;
    if (aif__parse_int(f, 1, LEN_MAX, &v) != AIF_OK) {
        return row_error(t, err, AIF_EPARSE, line, col_of(rec, f),
                         "%s: expected a whole number of tokens from 1 to 1000000000, found "
                         "'%s'",
                         (t->azure ? azure_columns : columns)[which], f);
    }
    *out = (long)v;
    return AIF_OK;
}

/* The optional fourth column, "ID:TOKENS": the prompt's first TOKENS tokens are the same
 * text in every request naming ID (1 to 64 letters, digits, '_', '-' or '.'); empty: none.
 * The id is kept as its 64-bit FNV-1a hash. */
static aif_status prefix_field(aif_serve_trace *t, char *rec, char *f, unsigned long line,
                               aif_serve_request *out, aif_error *err) {
    if (f[0] == '\0') {
        return AIF_OK;
    }
    char *colon = strrchr(f, ':');
    size_t n = colon ? (size_t)(colon - f) : 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)f[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.')) {
            n = 0;
            break;
        }
        h = (h ^ ch) * 0x100000001b3ull;
    }
    if (n == 0 || n > 64) {
        return row_error(t, err, AIF_EPARSE, line, col_of(rec, f),
                         "prefix: expected ID:TOKENS (an id of 1 to 64 letters, digits, '_', '-' "
                         "or '.', and the tokens it covers), found '%s'%s",
                         f, "");
    }
    int64_t v;
    if (aif__parse_int(colon + 1, 1, out->input_tokens, &v) != AIF_OK) {
        char most[32];
        snprintf(most, sizeof most, "%ld", out->input_tokens);
        return row_error(t, err, AIF_EPARSE, line, col_of(rec, colon + 1),
                         "prefix: expected the shared tokens as a whole number from 1 to the "
                         "prompt's %s, found '%s'",
                         most, colon + 1);
    }
    out->prefix_id = h;
    out->prefix_tokens = (long)v;
    return AIF_OK;
}

/* A Mooncake JSON Lines row (serve_jsonl.c), arrivals in ms from the trace's start. */
static aif_status jsonl_row(aif_serve_trace *t, const char *rec, size_t len, unsigned long line,
                            aif_serve_request *out, aif_error *err) {
    aif_status st = aif__jsonl_row_parse(t->alloc, t->name, rec, len, line, &t->row, err);
    if (st != AIF_OK) {
        return st;
    }
    if (t->row.arrival_ns < t->last_ns) {
        return row_error(t, err, AIF_EPARSE, t->row.ts_line, t->row.ts_col,
                         "timestamp: expected rows in arrival order, found one earlier than the "
                         "row before%s%s",
                         "", "");
    }
    t->last_ns = t->row.arrival_ns;
    t->line = line;
    out->arrival_s = (double)t->row.arrival_ns / 1e9;
    out->input_tokens = t->row.input;
    out->output_tokens = t->row.output;
    out->hash_ids = t->row.count > 0 ? t->row.ids : NULL;
    out->hash_count = t->row.count;
    out->hash_block_tokens = t->row.count > 0 ? AIF_MOONCAKE_BLOCK_TOKENS : 0;
    return AIF_OK;
}

static aif_status trace_next(void *ctx, aif_serve_request *out, aif_error *err) {
    aif_serve_trace *t = ctx;
    /* Nothing shared unless the row says so. */
    out->hash_ids = NULL;
    out->hash_count = out->hash_block_tokens = out->prefix_tokens = 0;
    out->prefix_id = 0;
    char *rec;
    size_t len;
    unsigned long line;
    aif_status st;
    while ((st = aif__trace_source_next(t->src, &rec, &len, &line)) == AIF_OK) {
        if (len == 0) {
            continue;
        }
        aif__text_fault fault;
        if (!aif__text_check(rec, len, &fault)) {
            char msg[64];
            return aif_error_set_at(err, AIF_EPARSE, t->name, line, fault.col, "%s",
                                    aif__text_fault_message(&fault, msg, sizeof msg));
        }
        if (!t->started) {
            size_t i = 0;
            while (i < len && (rec[i] == ' ' || rec[i] == '\t')) {
                i++;
            }
            t->jsonl = i < len && rec[i] == '{';
        }
        if (t->jsonl) {
            t->started = 1;
            return jsonl_row(t, rec, len, line, out, err);
        }
        char *f[5];
        int n = aif__csv_split(rec, len, f, 5);
        if (n < 0) {
            return aif_error_set_at(err, AIF_EPARSE, t->name, line, 1,
                                    "expected a CSV row, found a malformed quote");
        }
        int first = !t->started;
        t->started = 1;
        if (first && n > 0 &&
            ((f[0][0] >= 'a' && f[0][0] <= 'z') || (f[0][0] >= 'A' && f[0][0] <= 'Z'))) {
            st = header(t, rec, f, n, line, err);
            if (st != AIF_OK) {
                return st;
            }
            continue;
        }
        int most = t->azure ? 3 : 4;
        if (n < 3 || n > most) {
            char found[32];
            snprintf(found, sizeof found, "%d", n);
            return row_error(t, err, AIF_EPARSE, line, n > most ? col_of(rec, f[most]) : 1,
                             "expected %s, found %s columns",
                             t->azure ? "3 columns (TIMESTAMP,ContextTokens,GeneratedTokens)"
                                      : "3 or 4 columns (arrival_s,input_tokens,output_tokens"
                                        "[,prefix])",
                             found);
        }
        int64_t ns;
        if (t->azure) {
            /* Azure rows carry dates; arrivals count from the first row. */
            st = aif__parse_date(f[0], &ns);
            if (st != AIF_OK) {
                return row_error(t, err, AIF_EPARSE, line, col_of(rec, f[0]),
                                 "TIMESTAMP: expected a date such as 2023-11-16 18:15:46.68, "
                                 "found '%s'%s",
                                 f[0], "");
            }
            if (t->line == 0) {
                t->origin_ns = ns;
            }
            ns -= t->origin_ns;
        } else {
            st = aif__parse_seconds(f[0], &ns);
            if (st != AIF_OK || ns < 0) {
                return row_error(t, err, AIF_EPARSE, line, col_of(rec, f[0]),
                                 "arrival_s: expected seconds from 0 (such as 12.5), found "
                                 "'%s'%s",
                                 f[0], "");
            }
        }
        if (ns < t->last_ns) {
            return row_error(t, err, AIF_EPARSE, line, col_of(rec, f[0]),
                             "%s: expected rows in arrival order, found '%s' after a later "
                             "arrival",
                             t->azure ? "TIMESTAMP" : "arrival_s", f[0]);
        }
        if ((st = length(t, rec, f[1], 1, line, &out->input_tokens, err)) != AIF_OK ||
            (st = length(t, rec, f[2], 2, line, &out->output_tokens, err)) != AIF_OK ||
            (n == 4 && (st = prefix_field(t, rec, f[3], line, out, err)) != AIF_OK)) {
            return st;
        }
        t->last_ns = ns;
        t->line = line;
        out->arrival_s = (double)ns / 1e9;
        return AIF_OK;
    }
    if (st == AIF_EEMPTY) {
        return AIF_EEMPTY;
    }
    if (st == AIF_ENOMEM) {
        return aif_error_set(err, st, "out of memory reading %s", t->name);
    }
    return aif_error_set_at(err, st, t->name, 0, 0, "%s",
                            st == AIF_EPARSE ? "expected a closing quote before the end"
                                             : "cannot read the trace (read or zstd error)");
}

static aif_status finish_open(const aif_allocator *a, const char *name, trace_source *src,
                              aif_serve_trace **out, aif_serve_source *s, aif_error *err) {
    size_t n = strlen(name) + 1;
    aif_serve_trace *t = aif_calloc(a, 1, sizeof *t);
    char *copy = aif_alloc(a, n);
    if (t == NULL || copy == NULL) {
        aif_free(a, t, sizeof *t);
        aif_free(a, copy, n);
        aif__trace_source_close(src);
        return aif_error_set(err, AIF_ENOMEM, "out of memory opening %s", name);
    }
    memcpy(copy, name, n);
    t->alloc = a;
    t->src = src;
    t->name = copy;
    *out = t;
    s->ctx = t;
    s->next = trace_next;
    return AIF_OK;
}

aif_status aif_serve_trace_open(const aif_allocator *a, const char *path, aif_serve_trace **out,
                                aif_serve_source *src, aif_error *err) {
    if (path == NULL || out == NULL || src == NULL) {
        return aif_error_set(err, AIF_EINVAL, "serve trace: NULL argument");
    }
    trace_source *s;
    aif_status st = aif__trace_source_open_file(a, path, &s);
    if (st == AIF_ENOMEM) {
        return aif_error_set(err, st, "out of memory opening %s", path);
    }
    if (st != AIF_OK) {
        return aif_error_set_at(err, st, path, 0, 0, "cannot open the trace file");
    }
    return finish_open(a, path, s, out, src, err);
}

aif_status aif_serve_trace_open_memory(const aif_allocator *a, const char *name, const char *text,
                                       size_t len, aif_serve_trace **out, aif_serve_source *src,
                                       aif_error *err) {
    if (name == NULL || (text == NULL && len > 0) || out == NULL || src == NULL) {
        return aif_error_set(err, AIF_EINVAL, "serve trace: NULL argument");
    }
    trace_source *s;
    aif_status st = aif__trace_source_open_memory(a, text ? text : "", len, &s);
    if (st != AIF_OK) {
        return aif_error_set(err, st, "out of memory opening %s", name);
    }
    return finish_open(a, name, s, out, src, err);
}

unsigned long aif_serve_trace_line(const aif_serve_trace *t) {
    return t ? t->line : 0;
}

void aif_serve_trace_close(aif_serve_trace *t) {
    if (t == NULL) {
        return;
    }
    aif__trace_source_close(t->src);
    aif_free(t->alloc, t->row.ids, (size_t)t->row.ids_cap * sizeof *t->row.ids);
    aif_free(t->alloc, t->name, strlen(t->name) + 1);
    aif_free(t->alloc, t, sizeof *t);
}
