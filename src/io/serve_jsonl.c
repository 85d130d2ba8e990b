/* The Mooncake request-trace row (serve_jsonl.h): a hand-written reader of one flat JSON
 * object with four known keys, so each refusal points at the character that caused it
 * (a general JSON library reports positions less precisely and would accept keys and
 * types the simulator cannot use). */
#include "serve_jsonl.h"

#include <stdio.h>
#include <string.h>

#define LEN_MAX 1000000000LL
/* 9.2e9 s, the simulator's limit on arrivals, in ms. */
#define MS_MAX 9200000000000LL
/* ceil(10^9 / 512): the most ids any accepted prompt can have. */
#define IDS_MAX 1953125L

enum { K_TIMESTAMP, K_INPUT, K_OUTPUT, K_HASH, K_COUNT };
static const char *const keys[K_COUNT] = {"timestamp", "input_length", "output_length", "hash_ids"};

typedef struct cursor {
    const char *rec, *p, *end;
    const char *name;
    unsigned long line;
    aif_error *err;
} cursor;

/* Line and column of position q (a record spans lines only when a quote is left open). */
static void position(const cursor *c, const char *q, unsigned long *line, unsigned long *col) {
    *line = c->line;
    const char *start = c->rec;
    for (const char *x = c->rec; x < q; x++) {
        if (*x == '\n') {
            ++*line;
            start = x + 1;
        }
    }
    *col = (unsigned long)(q - start) + 1;
}

static aif_status fail(const cursor *c, const char *q, const char *fmt, const char *a,
                       const char *b) {
    unsigned long line, col;
    position(c, q, &line, &col);
    char msg[AIF_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, fmt, a, b);
    return aif_error_set_at(c->err, AIF_EPARSE, c->name, line, col, "%s", msg);
}

/* The text at q up to the next delimiter (at most 24 bytes), for "found '...'". */
static const char *found(const cursor *c, const char *q, char *buf, size_t n) {
    if (q >= c->end) {
        return "the end of the line";
    }
    size_t k = 0;
    buf[k++] = '\'';
    while (q < c->end && k < n - 2 && k < 25 && (k == 1 || strchr(",}]: \t\n", *q) == NULL)) {
        buf[k++] = *q++;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return buf;
}

static void skip_ws(cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n')) {
        c->p++;
    }
}

static int digit(char ch) {
    return ch >= '0' && ch <= '9';
}

/* A whole number from 0 to max (no sign, fraction or exponent). */
static int read_uint(cursor *c, uint64_t max, uint64_t *out) {
    const char *q = c->p;
    uint64_t v = 0;
    while (q < c->end && digit(*q)) {
        uint64_t d = (uint64_t)(*q - '0');
        if (v > (max - d) / 10) {
            return 0;
        }
        v = v * 10 + d;
        q++;
    }
    if (q == c->p || (q < c->end && (*q == '.' || *q == 'e' || *q == 'E'))) {
        return 0;
    }
    c->p = q;
    *out = v;
    return 1;
}

/* Milliseconds from 0, whole or with up to 6 decimals, in ns. */
static int read_ms(cursor *c, int64_t *ns) {
    uint64_t ms;
    const char *q = c->p;
    uint64_t v = 0;
    while (q < c->end && digit(*q) && v <= (uint64_t)MS_MAX) {
        v = v * 10 + (uint64_t)(*q++ - '0');
    }
    if (q == c->p || v > (uint64_t)MS_MAX) {
        return 0;
    }
    ms = v;
    int64_t frac = 0;
    if (q < c->end && *q == '.') {
        q++;
        int n = 0;
        while (q < c->end && digit(*q) && n < 6) {
            frac = frac * 10 + (*q++ - '0');
            n++;
        }
        if (n == 0 || (q < c->end && digit(*q))) {
            return 0;
        }
        while (n++ < 6) {
            frac *= 10;
        }
    }
    if (q < c->end && (*q == 'e' || *q == 'E')) {
        return 0;
    }
    c->p = q;
    *ns = (int64_t)ms * 1000000 + frac;
    return 1;
}

static aif_status read_ids(const aif_allocator *a, cursor *c, aif__jsonl_row *row) {
    char buf[32];
    if (c->p >= c->end || *c->p != '[') {
        return fail(c, c->p,
                    "hash_ids: expected a list of whole numbers such as [0, 1, 2], "
                    "found %s%s",
                    found(c, c->p, buf, sizeof buf), "");
    }
    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        return AIF_OK;
    }
    for (;;) {
        uint64_t v;
        const char *at = c->p;
        if (!read_uint(c, (uint64_t)INT64_MAX, &v)) {
            return fail(c, at, "hash_ids: expected a whole number from 0 to 2^63 - 1, found %s%s",
                        found(c, at, buf, sizeof buf), "");
        }
        if (row->count == IDS_MAX) {
            return fail(c, at, "hash_ids: expected at most %s ids, found more%s", "1953125", "");
        }
        if (row->count == row->ids_cap) {
            long cap = row->ids_cap ? row->ids_cap * 2 : 64;
            uint64_t *p =
                aif_realloc(a, row->ids, (size_t)row->ids_cap * sizeof *p, (size_t)cap * sizeof *p);
            if (p == NULL) {
                return aif_error_set(c->err, AIF_ENOMEM, "out of memory reading %s", c->name);
            }
            row->ids = p;
            row->ids_cap = cap;
        }
        row->ids[row->count++] = v;
        skip_ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            skip_ws(c);
            continue;
        }
        if (c->p < c->end && *c->p == ']') {
            c->p++;
            return AIF_OK;
        }
        return fail(c, c->p, "hash_ids: expected ',' or ']' after an id, found %s%s",
                    found(c, c->p, buf, sizeof buf), "");
    }
}

/* The key at c->p (a quoted name); *which gets its index. */
static aif_status read_key(cursor *c, int *which) {
    char buf[32];
    const char *at = c->p;
    if (c->p >= c->end || *c->p != '"') {
        return fail(c, at, "expected a key in double quotes, found %s%s",
                    found(c, at, buf, sizeof buf), "");
    }
    const char *s = ++c->p;
    while (c->p < c->end && *c->p != '"') {
        c->p++;
    }
    if (c->p >= c->end) {
        return fail(c, at, "expected a closing '\"' after the key%s%s", "", "");
    }
    size_t n = (size_t)(c->p - s);
    c->p++;
    for (int k = 0; k < K_COUNT; k++) {
        if (strlen(keys[k]) == n && memcmp(keys[k], s, n) == 0) {
            *which = k;
            return AIF_OK;
        }
    }
    char name[40];
    snprintf(name, sizeof name, "%.*s%s", n > 32 ? 32 : (int)n, s, n > 32 ? "..." : "");
    return fail(c, s,
                "expected one of the keys timestamp, input_length, output_length, "
                "hash_ids, found '%s'%s",
                name, "");
}

static aif_status read_value(const aif_allocator *a, cursor *c, int k, aif__jsonl_row *row) {
    char buf[32];
    const char *at = c->p;
    uint64_t v;
    switch (k) {
    case K_TIMESTAMP:
        if (!read_ms(c, &row->arrival_ns)) {
            return fail(c, at, "timestamp: expected milliseconds from 0 (such as 1500), found %s%s",
                        found(c, at, buf, sizeof buf), "");
        }
        return AIF_OK;
    case K_INPUT:
    case K_OUTPUT:
        if (!read_uint(c, (uint64_t)LEN_MAX, &v) || v < 1) {
            return fail(c, at,
                        "%s: expected a whole number of tokens from 1 to 1000000000, found %s",
                        keys[k], found(c, at, buf, sizeof buf));
        }
        *(k == K_INPUT ? &row->input : &row->output) = (long)v;
        return AIF_OK;
    default:
        return read_ids(a, c, row);
    }
}

aif_status aif__jsonl_row_parse(const aif_allocator *a, const char *name, const char *rec,
                                size_t len, unsigned long line, aif__jsonl_row *row,
                                aif_error *err) {
    cursor c = {rec, rec, rec + len, name, line, err};
    char buf[32];
    row->count = 0;
    skip_ws(&c);
    if (c.p >= c.end || *c.p != '{') {
        return fail(&c, c.p, "expected a request object {\"timestamp\": ...}, found %s%s",
                    found(&c, c.p, buf, sizeof buf), "");
    }
    c.p++;
    const char *seen[K_COUNT] = {NULL, NULL, NULL, NULL};
    skip_ws(&c);
    if (c.p < c.end && *c.p == '}') {
        c.p++;
    } else {
        for (;;) {
            int k = 0;
            const char *at = c.p;
            aif_status st = read_key(&c, &k);
            if (st != AIF_OK) {
                return st;
            }
            if (seen[k]) {
                return fail(&c, at, "expected each key once, found '%s' again%s", keys[k], "");
            }
            seen[k] = at;
            skip_ws(&c);
            if (c.p >= c.end || *c.p != ':') {
                return fail(&c, c.p, "expected ':' after the key '%s', found %s", keys[k],
                            found(&c, c.p, buf, sizeof buf));
            }
            c.p++;
            skip_ws(&c);
            if ((st = read_value(a, &c, k, row)) != AIF_OK) {
                return st;
            }
            skip_ws(&c);
            if (c.p < c.end && *c.p == ',') {
                c.p++;
                skip_ws(&c);
                continue;
            }
            if (c.p < c.end && *c.p == '}') {
                c.p++;
                break;
            }
            return fail(&c, c.p, "expected ',' or '}' after the value of '%s', found %s", keys[k],
                        found(&c, c.p, buf, sizeof buf));
        }
    }
    const char *close = c.p - 1;
    skip_ws(&c);
    if (c.p < c.end) {
        return fail(&c, c.p, "expected the end of the line after the object, found %s%s",
                    found(&c, c.p, buf, sizeof buf), "");
    }
    for (int k = 0; k < K_HASH; k++) {
        if (!seen[k]) {
            return fail(&c, close, "expected the key '%s' in the request object%s", keys[k], "");
        }
    }
    position(&c, seen[K_TIMESTAMP], &row->ts_line, &row->ts_col);
    long most = (row->input + AIF_MOONCAKE_BLOCK_TOKENS - 1) / AIF_MOONCAKE_BLOCK_TOKENS;
    if (row->count > most) {
        char what[96];
        snprintf(what, sizeof what, "%ld ids for %ld input tokens (at most %ld)", row->count,
                 row->input, most);
        return fail(&c, seen[K_HASH],
                    "hash_ids: expected one id per 512-token block of the "
                    "prompt, found %s%s",
                    what, "");
    }
    return AIF_OK;
}
