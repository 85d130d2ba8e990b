/* A serving run in a results store (serve_store.h): the serve_requests table, filled as
 * requests finish, and the bucketed series over time, written at the end. */
#include <math.h>
#include <string.h>

#include "aifactory/serve_store.h"
#include "results_internal.h"

/* Rows between commits, so that the open transaction stays small. */
#define ROWS_PER_COMMIT 8192
/* The first bucket width: 1 ms, doubled as the run outgrows the buckets. */
#define FIRST_WIDTH_S 1e-3

static const char table_sql[] =
    "CREATE TABLE serve_requests("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id), request INTEGER NOT NULL,"
    " replica INTEGER NOT NULL, arrival_s REAL NOT NULL, scheduled_s REAL NOT NULL,"
    " first_token_s REAL NOT NULL, finish_s REAL NOT NULL,"
    " input_tokens INTEGER NOT NULL CHECK(input_tokens >= 1),"
    " output_tokens INTEGER NOT NULL CHECK(output_tokens >= 1),"
    " preemptions INTEGER NOT NULL,"
    " cached_tokens INTEGER NOT NULL DEFAULT 0,"
    " ttft_s REAL GENERATED ALWAYS AS (first_token_s - arrival_s) VIRTUAL,"
    " tpot_s REAL GENERATED ALWAYS AS (CASE WHEN output_tokens > 1 THEN (finish_s -"
    " first_token_s) / (output_tokens - 1) END) VIRTUAL,"
    " e2e_s REAL GENERATED ALWAYS AS (finish_s - arrival_s) VIRTUAL,"
    " queue_s REAL GENERATED ALWAYS AS (scheduled_s - arrival_s) VIRTUAL"
    ") STRICT;";

static const char insert_sql[] =
    "INSERT INTO serve_requests(run_id, request, replica, arrival_s, scheduled_s, "
    "first_token_s, finish_s, input_tokens, output_tokens, preemptions, cached_tokens) "
    "VALUES(?,?,?,?,?,?,?,?,?,?,?)";

struct aif_serve_store {
    aif_results *r;
    int64_t run_id;
    aif_serve_layout lay;
    sqlite3_stmt *insert;
    long rows;
    /* Integrals over each bucket of [i * width, (i + 1) * width) s, all replicas. */
    double width, end_s;
    int used;                                /* buckets up to the last one touched */
    double seq_s[AIF_SERVE_STORE_BUCKETS];   /* sequences in the batch x seconds */
    double block_s[AIF_SERVE_STORE_BUCKETS]; /* KV blocks in use x seconds */
    double tokens[AIF_SERVE_STORE_BUCKETS];  /* tokens processed */
};

static aif_status sql_fail(aif_serve_store *s, const char *what) {
    return aif__results_fail(s->r, AIF_EIO, "serve results: %s: %s", what,
                             sqlite3_errmsg(aif__results_db(s->r)));
}

aif_status aif_serve_store_open(aif_results *r, int64_t run_id, const aif_serve_layout *layout,
                                aif_serve_store **out) {
    if (r == NULL || layout == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    const aif_allocator *a = aif__results_allocator(r);
    aif_serve_store *s = aif_calloc(a, 1, sizeof *s);
    if (s == NULL) {
        return aif__results_fail(r, AIF_ENOMEM, "serve results: out of memory");
    }
    s->r = r;
    s->run_id = run_id;
    s->lay = *layout;
    s->width = FIRST_WIDTH_S;
    sqlite3 *db = aif__results_db(r);
    if (sqlite3_exec(db, table_sql, NULL, NULL, NULL) != SQLITE_OK) {
        aif_status st = sql_fail(s, "cannot create the serve_requests table");
        aif_free(a, s, sizeof *s);
        return st;
    }
    if (sqlite3_prepare_v2(db, insert_sql, -1, &s->insert, NULL) != SQLITE_OK) {
        aif_status st = sql_fail(s, "cannot prepare the request insert");
        aif_free(a, s, sizeof *s);
        return st;
    }
    *out = s;
    return AIF_OK;
}

static aif_status on_request(void *ctx, const aif_serve_request_record *q) {
    aif_serve_store *s = ctx;
    sqlite3_stmt *st = s->insert;
    sqlite3_bind_int64(st, 1, s->run_id);
    sqlite3_bind_int64(st, 2, q->id);
    sqlite3_bind_int(st, 3, q->replica);
    sqlite3_bind_double(st, 4, q->arrival_s);
    sqlite3_bind_double(st, 5, q->scheduled_s);
    sqlite3_bind_double(st, 6, q->first_token_s);
    sqlite3_bind_double(st, 7, q->finish_s);
    sqlite3_bind_int64(st, 8, q->input_tokens);
    sqlite3_bind_int64(st, 9, q->output_tokens);
    sqlite3_bind_int64(st, 10, q->preemptions);
    sqlite3_bind_int64(st, 11, q->cached_tokens);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        return sql_fail(s, "cannot add a request");
    }
    if (++s->rows % ROWS_PER_COMMIT == 0 &&
        sqlite3_exec(aif__results_db(s->r), "COMMIT; BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        return sql_fail(s, "cannot commit");
    }
    return AIF_OK;
}

/* Halve the resolution: bucket i takes buckets 2i and 2i + 1. */
static void coarsen(aif_serve_store *s) {
    int n = AIF_SERVE_STORE_BUCKETS;
    for (int i = 0; i < n / 2; i++) {
        s->seq_s[i] = s->seq_s[2 * i] + s->seq_s[2 * i + 1];
        s->block_s[i] = s->block_s[2 * i] + s->block_s[2 * i + 1];
        s->tokens[i] = s->tokens[2 * i] + s->tokens[2 * i + 1];
    }
    memset(s->seq_s + n / 2, 0, sizeof s->seq_s[0] * (size_t)(n / 2));
    memset(s->block_s + n / 2, 0, sizeof s->block_s[0] * (size_t)(n / 2));
    memset(s->tokens + n / 2, 0, sizeof s->tokens[0] * (size_t)(n / 2));
    s->used = (s->used + 1) / 2;
    s->width *= 2;
}

static aif_status on_iteration(void *ctx, const aif_serve_iteration_record *it) {
    aif_serve_store *s = ctx;
    while (it->end_s > s->width * AIF_SERVE_STORE_BUCKETS) {
        coarsen(s);
    }
    double dur = it->end_s - it->start_s;
    int first = (int)floor(it->start_s / s->width);
    for (int b = first; b < AIF_SERVE_STORE_BUCKETS && b * s->width < it->end_s; b++) {
        double lo = fmax(it->start_s, b * s->width), hi = fmin(it->end_s, (b + 1) * s->width);
        if (hi <= lo) {
            continue;
        }
        s->seq_s[b] += (double)it->sequences * (hi - lo);
        s->block_s[b] += (double)it->kv_blocks_used * (hi - lo);
        s->tokens[b] += (double)it->tokens * (hi - lo) / dur;
        s->used = b + 1 > s->used ? b + 1 : s->used;
    }
    s->end_s = fmax(s->end_s, it->end_s);
    return AIF_OK;
}

aif_serve_observer aif_serve_store_observer(aif_serve_store *s) {
    return (aif_serve_observer){s, on_request, on_iteration};
}

static aif_status add_series(aif_serve_store *s) {
    int64_t id[3];
    const char *chart[3] = {"batch size (sequences per replica, mean per interval)",
                            "KV-cache occupancy (fraction of blocks, mean per interval)",
                            "tokens processed per second (prefill and decode)"};
    const char *name[3] = {"sequences per replica", "KV occupancy", "tokens per second"};
    const char *unit[3] = {"sequences", "fraction", "tokens/s"};
    for (int k = 0; k < 3; k++) {
        aif_status st = aif_results_add_series(s->r, s->run_id, chart[k], name[k], unit[k], &id[k]);
        if (st != AIF_OK) {
            return st;
        }
    }
    double replicas = (double)s->lay.replicas;
    double blocks = (double)s->lay.kv_blocks_per_replica * replicas;
    for (int b = 0; b < s->used; b++) {
        /* The last bucket ends with the run. */
        double w = fmin(s->width, s->end_s - b * s->width);
        if (w <= 0) {
            continue;
        }
        double v[3] = {s->seq_s[b] / (w * replicas), s->block_s[b] / (w * blocks),
                       s->tokens[b] / w};
        for (int k = 0; k < 3; k++) {
            aif_status st = aif_results_add_point(s->r, id[k], b * s->width, v[k]);
            if (st != AIF_OK) {
                return st;
            }
        }
    }
    return AIF_OK;
}

/* A disaggregated run's KV transfers and pools (serve.h's aif_serve_disagg). */
static aif_status add_disagg_metrics(aif_serve_store *s, const aif_serve_result *r) {
    struct {
        const char *name;
        double value;
        const char *unit;
    } m[] = {
        {"kv_transfer_mean_s", r->kv_transfer_s.mean, "s"},
        {"kv_transfer_p50_s", r->kv_transfer_s.p50, "s"},
        {"kv_transfer_p90_s", r->kv_transfer_s.p90, "s"},
        {"kv_transfer_p99_s", r->kv_transfer_s.p99, "s"},
        {"kv_transfer_bytes", r->kv_transfer_bytes, "bytes"},
        {"prefill_utilization", r->prefill_pool.utilization, ""},
        {"prefill_mean_batch_tokens", r->prefill_pool.mean_batch_tokens, "tokens"},
        {"decode_utilization", r->decode_pool.utilization, ""},
        {"decode_mean_batch", r->decode_pool.mean_batch, "sequences"},
        {"decode_kv_preemptions", (double)r->decode_pool.preemptions, "preemptions"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        aif_status st = aif_results_add_metric(s->r, s->run_id, m[i].name, m[i].value, m[i].unit);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

static aif_status add_metrics(aif_serve_store *s, const aif_serve_result *r) {
    struct {
        const char *name;
        double value;
        const char *unit;
    } m[] = {
        {"requests_completed", (double)r->requests_completed, "requests"},
        {"ttft_p50_s", r->ttft_s.p50, "s"},
        {"ttft_p99_s", r->ttft_s.p99, "s"},
        {"tpot_p50_s", r->tpot_s.p50, "s"},
        {"tpot_p99_s", r->tpot_s.p99, "s"},
        {"e2e_p99_s", r->e2e_s.p99, "s"},
        {"queue_p99_s", r->queue_s.p99, "s"},
        {"output_tokens_per_s", r->output_tokens_per_s, "tokens/s"},
        {"output_tokens_per_s_per_gpu", r->output_tokens_per_s_per_gpu, "tokens/s"},
        {"mean_kv_occupancy", r->mean_kv_occupancy, ""},
        {"kv_preemptions", (double)r->preemptions, "preemptions"},
        {"prefix_hit_rate", r->prefix_hit_rate, ""},
        {"kv_swaps", (double)r->swap_outs, "swaps"},
        {"kv_swap_bytes", r->swap_bytes, "bytes"},
        {"kv_swap_s", r->swap_s, "s"},
    };
    /* Swap preemption's figures only when it was on, so other runs keep their rows. */
    size_t n = sizeof m / sizeof m[0] - (r->layout.host_link_bytes_per_s > 0 ? 0 : 3);
    for (size_t i = 0; i < n; i++) {
        aif_status st = aif_results_add_metric(s->r, s->run_id, m[i].name, m[i].value, m[i].unit);
        if (st != AIF_OK) {
            return st;
        }
    }
    return r->disaggregated ? add_disagg_metrics(s, r) : AIF_OK;
}

aif_status aif_serve_store_finish(aif_serve_store *s, const aif_serve_result *result) {
    if (s == NULL || result == NULL) {
        return AIF_EINVAL;
    }
    /* No statement of ours may stay open when the store leaves WAL mode at finish. */
    sqlite3_finalize(s->insert);
    s->insert = NULL;
    aif_status st = add_metrics(s, result);
    if (st == AIF_OK) {
        st = add_series(s);
    }
    /* The run's row was written before its length was known. */
    sqlite3_stmt *u = NULL;
    if (st == AIF_OK &&
        (sqlite3_prepare_v2(aif__results_db(s->r),
                            "UPDATE runs SET sim_end_s = ?1 WHERE run_id = ?2", -1, &u,
                            NULL) != SQLITE_OK ||
         sqlite3_bind_double(u, 1, s->end_s) != SQLITE_OK ||
         sqlite3_bind_int64(u, 2, s->run_id) != SQLITE_OK || sqlite3_step(u) != SQLITE_DONE)) {
        st = sql_fail(s, "cannot record the run's length");
    }
    sqlite3_finalize(u);
    return st;
}

void aif_serve_store_close(aif_serve_store *s) {
    if (s == NULL) {
        return;
    }
    sqlite3_finalize(s->insert);
    aif_free(aif__results_allocator(s->r), s, sizeof *s);
}
