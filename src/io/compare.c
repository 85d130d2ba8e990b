/* Comparing two runs read from results stores (see compare.h): each side's figures (its
 * metrics, then what is derived from its by_year, frontier_runs and events tables) merged
 * by name into outputs with a difference and a ratio, and its contract events matched
 * against the other side's on the calendar. Only reads: a saved run is never rerun. */
#include "aifactory/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/time.h"
#include "compare_internal.h"
#include "results_internal.h"

/* Kinds of fleet events that are contract events (fleet.c's names). */
#define CONTRACT_KINDS "('offer', 'tranche', 'warrant', 'equity', 'trigger', 'rofr_end')"

/* One named number of one side, before merging. */
typedef struct figure {
    const char *name, *unit;
    double value;
} figure;

/* A growable array of `size`-byte items. */
typedef struct vec {
    void *items;
    size_t n, cap;
} vec;

struct aif_compare {
    const aif_allocator *al;
    aif_arena *arena;
    aif_compare_run run[2];
    double b_offset_s;
    vec outputs;   /* aif_compare_output */
    vec only[2];   /* aif_compare_event */
    vec changed;   /* aif_compare_change */
    vec figs[2];   /* figure, while building */
    vec events[2]; /* aif_compare_event, while building */
};

/* Reading one side: its store, connection and first run. */
typedef struct reader {
    aif_compare *c;
    aif_results *r;
    sqlite3 *db;
    sqlite3_int64 run;
    aif_error *err;
    aif_status st;
    int index;
    bool has_start;
    aif_date start;
} reader;

static void *vec_push(const aif_allocator *al, vec *v, size_t size) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        void *p = aif_realloc(al, v->items, v->cap * size, cap * size);
        if (p == NULL) {
            return NULL;
        }
        v->items = p;
        v->cap = cap;
    }
    void *slot = (char *)v->items + v->n * size;
    v->n++;
    memset(slot, 0, size);
    return slot;
}

static void vec_free(const aif_allocator *al, vec *v, size_t size) {
    aif_free(al, v->items, v->cap * size);
    *v = (vec){0};
}

static aif_status side_fail(reader *s, aif_status st, const char *what) {
    if (s->st == AIF_OK) {
        s->st = aif_error_set(s->err, st, "comparing %s: %s: %s", s->index ? "B" : "A", what,
                              st == AIF_ENOMEM ? "out of memory" : sqlite3_errmsg(s->db));
    }
    return s->st;
}

static sqlite3_stmt *query(reader *s, const char *sql) {
    sqlite3_stmt *q = NULL;
    if (s->st != AIF_OK) {
        return NULL;
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        side_fail(s, AIF_EIO, "query");
        sqlite3_finalize(q);
        return NULL;
    }
    if (sqlite3_bind_parameter_count(q) >= 1) {
        sqlite3_bind_int64(q, 1, s->run);
    }
    return q;
}

static bool row(reader *s, sqlite3_stmt *q) {
    if (q == NULL || s->st != AIF_OK) {
        return false;
    }
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc != SQLITE_DONE) {
        side_fail(s, AIF_EIO, "reading");
    }
    return false;
}

static const char *keep(reader *s, const char *text) {
    const char *copy = aif_arena_strdup(s->c->arena, text ? text : "");
    if (copy == NULL) {
        side_fail(s, AIF_ENOMEM, "text");
    }
    return copy;
}

/* A column as text kept for the comparison's lifetime; NULL stays NULL. */
static const char *keep_col(reader *s, sqlite3_stmt *q, int i) {
    if (sqlite3_column_type(q, i) == SQLITE_NULL) {
        return NULL;
    }
    return keep(s, (const char *)sqlite3_column_text(q, i));
}

static double col_real(sqlite3_stmt *q, int i) {
    return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

/* Counts, shares and ratios are stored with no unit; the comparison names one for every
 * number: shares (a fleet run's served fraction, a replay's GPU utilisation) are
 * "fraction", a replay's slowdown (JCT over run time) a "ratio", the rest counts. */
static const char *unit_of(const char *name, const char *unit) {
    if (unit != NULL && unit[0] != '\0') {
        return unit;
    }
    size_t n = strlen(name);
    bool share = (n > 9 && strcmp(name + n - 9, "_fraction") == 0) ||
                 (n > 6 && strcmp(name + n - 6, "_share") == 0) || strstr(name, "utiliz") ||
                 strstr(name, "utilis");
    return share ? "fraction" : strstr(name, "slowdown") ? "ratio" : "count";
}

static void add_figure(reader *s, const char *name, double value, const char *unit) {
    if (s->st != AIF_OK) {
        return;
    }
    figure *f = vec_push(s->c->al, &s->c->figs[s->index], sizeof *f);
    if (f == NULL) {
        side_fail(s, AIF_ENOMEM, "outputs");
        return;
    }
    f->name = keep(s, name);
    f->unit = keep(s, unit_of(name, unit));
    f->value = value;
}

static const figure *find_figure(const vec *v, const char *name) {
    const figure *f = v->items;
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(f[i].name, name) == 0) {
            return &f[i];
        }
    }
    return NULL;
}

/* ---- one side ---- */

static void read_run(reader *s) {
    aif_compare_run *run = &s->c->run[s->index];
    sqlite3_stmt *q = query(s, "SELECT run_id, name, kind, seed, aifactory_version, sim_start_s, "
                               "sim_end_s FROM runs ORDER BY run_id LIMIT 1");
    if (!row(s, q)) {
        if (s->st == AIF_OK) {
            s->st = aif_error_set(s->err, AIF_ENOTFOUND, "comparing %s: the results hold no run",
                                  s->index ? "B" : "A");
        }
        sqlite3_finalize(q);
        return;
    }
    s->run = sqlite3_column_int64(q, 0);
    run->name = keep_col(s, q, 1);
    run->kind = keep_col(s, q, 2);
    run->seed = sqlite3_column_int64(q, 3);
    run->aifactory_version = keep_col(s, q, 4);
    run->sim_start_s = col_real(q, 5);
    run->sim_end_s = col_real(q, 6);
    sqlite3_finalize(q);
    q = query(s, "SELECT value FROM params WHERE run_id = ? AND name = 'start' AND unit = 'date'");
    if (row(s, q) &&
        aif_date_parse((const char *)sqlite3_column_text(q, 0), &s->start, NULL) == AIF_OK) {
        s->has_start = true;
        char buf[16];
        aif_date_format(s->start, buf);
        run->start_date = keep(s, buf);
    }
    sqlite3_finalize(q);
}

static void read_metrics(reader *s) {
    sqlite3_stmt *q = query(s, "SELECT name, value, unit FROM metrics WHERE run_id = ? ORDER BY "
                               "ord");
    while (row(s, q)) {
        add_figure(s, (const char *)sqlite3_column_text(q, 0), col_real(q, 1),
                   (const char *)sqlite3_column_text(q, 2));
    }
    sqlite3_finalize(q);
}

/* Shares of GPU-hours by use, from the five gpu_hours_* metrics of a fleet run. */
static void derive_shares(reader *s) {
    static const char *const uses[5] = {"gpu_hours_inference", "gpu_hours_training",
                                        "gpu_hours_research", "gpu_hours_idle", "gpu_hours_failed"};
    double h[5], total = 0;
    for (int u = 0; u < 5; u++) {
        const figure *f = find_figure(&s->c->figs[s->index], uses[u]);
        if (f == NULL) {
            return;
        }
        h[u] = f->value;
        total += h[u];
    }
    add_figure(s, "gpu_hours_total", total, "GPU-h");
    if (total > 0) {
        add_figure(s, "utilisation_share", (h[0] + h[1] + h[2]) / total, "fraction");
        add_figure(s, "idle_share", h[3] / total, "fraction");
        add_figure(s, "failed_share", h[4] / total, "fraction");
    }
}

/* The finance view: facility online at the end, tokens and margins over the whole run. */
static void derive_years(reader *s) {
    sqlite3_stmt *q = query(s, "SELECT count(*), total(tokens_served), total(gross_margin_usd), "
                               "total(free_cash_flow_usd) FROM by_year WHERE run_id = ?");
    bool any = row(s, q) && sqlite3_column_int64(q, 0) > 0;
    if (any) {
        add_figure(s, "tokens_served", sqlite3_column_double(q, 1), "tokens");
        add_figure(s, "gross_margin_usd", sqlite3_column_double(q, 2), "USD");
        add_figure(s, "free_cash_flow_usd", sqlite3_column_double(q, 3), "USD");
    }
    sqlite3_finalize(q);
    if (!any) {
        return;
    }
    q = query(s, "SELECT contracted_facility_w, procured_facility_w FROM by_year WHERE run_id = ? "
                 "ORDER BY year DESC LIMIT 1");
    if (row(s, q)) {
        double contracted = sqlite3_column_double(q, 0), procured = sqlite3_column_double(q, 1);
        add_figure(s, "facility_online_end_gw", (contracted + procured) / 1e9, "GW");
        add_figure(s, "contracted_facility_end_gw", contracted / 1e9, "GW");
        add_figure(s, "procured_facility_end_gw", procured / 1e9, "GW");
    }
    sqlite3_finalize(q);
    /* Year by year, as `run --json` shows them: the facility online at each year's end
     * and the year's revenue and free cash flow. */
    q = query(s, "SELECT year, (contracted_facility_w + procured_facility_w) / 1e9, revenue_usd, "
                 "free_cash_flow_usd FROM by_year WHERE run_id = ? ORDER BY year");
    static const char *const names[3] = {"facility_online_gw", "revenue_usd", "free_cash_flow_usd"};
    static const char *const units[3] = {"GW", "USD", "USD"};
    while (row(s, q)) {
        for (int k = 0; k < 3; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s.%lld", names[k], (long long)sqlite3_column_int64(q, 0));
            add_figure(s, name, sqlite3_column_double(q, 1 + k), units[k]);
        }
    }
    sqlite3_finalize(q);
}

/* Frontier runs: how many finished, and each run's length (NaN when it did not finish). */
static void derive_frontier(reader *s) {
    sqlite3_stmt *q = query(s, "SELECT count(*), count(days) FROM frontier_runs WHERE run_id = ?");
    bool any = row(s, q) && sqlite3_column_int64(q, 0) > 0;
    if (any) {
        add_figure(s, "frontier_runs", (double)sqlite3_column_int64(q, 0), "count");
        add_figure(s, "frontier_runs_finished", (double)sqlite3_column_int64(q, 1), "count");
    }
    sqlite3_finalize(q);
    if (!any) {
        return;
    }
    q = query(s, "SELECT name, days FROM frontier_runs WHERE run_id = ? ORDER BY rowid");
    while (row(s, q)) {
        char name[200];
        snprintf(name, sizeof name, "frontier_run.%.160s.days", sqlite3_column_text(q, 0));
        add_figure(s, name, col_real(q, 1), "days");
    }
    sqlite3_finalize(q);
}

/* Training-run failures and the work they cost, from a scenario's failure events. */
static void derive_failures(reader *s) {
    const char *kind = s->c->run[s->index].kind;
    if (kind == NULL || strcmp(kind, "scenario") != 0) {
        return;
    }
    sqlite3_stmt *q = query(s, "SELECT count(*), total(json_extract(detail_json, '$.work_lost_s')) "
                               "FROM events WHERE run_id = ? AND kind = 'run_failure'");
    if (row(s, q)) {
        add_figure(s, "training_run_failures", (double)sqlite3_column_int64(q, 0), "count");
        add_figure(s, "training_work_lost_days", sqlite3_column_double(q, 1) / 86400.0, "days");
    }
    sqlite3_finalize(q);
}

static void format_date(const reader *s, double time_s, char out[24]) {
    out[0] = '\0';
    if (!s->has_start || !isfinite(time_s)) {
        return;
    }
    aif_time t = (aif_time)llround(time_s * 1e9);
    if (t % AIF_NS_PER_DAY == 0) {
        (void)aif_date_format(aif_sim_to_date(t, s->start), out);
    } else {
        (void)aif_sim_format_datetime(t, s->start, out, 24);
    }
}

static void read_events(reader *s) {
    sqlite3_stmt *q = query(s, "SELECT time_s, kind, subject, detail_json FROM events WHERE "
                               "run_id = ? AND kind IN " CONTRACT_KINDS " ORDER BY time_s, rowid");
    while (row(s, q)) {
        aif_compare_event *e = vec_push(s->c->al, &s->c->events[s->index], sizeof *e);
        if (e == NULL) {
            side_fail(s, AIF_ENOMEM, "events");
            break;
        }
        e->time_s = col_real(q, 0);
        format_date(s, e->time_s, e->date);
        e->kind = keep_col(s, q, 1);
        e->subject = keep_col(s, q, 2);
        e->detail_json = keep_col(s, q, 3);
    }
    sqlite3_finalize(q);
}

static aif_status read_side(aif_compare *c, aif_results *r, int index, reader *s, aif_error *err) {
    *s = (reader){.c = c, .r = r, .db = aif__results_db(r), .err = err, .index = index};
    read_run(s);
    read_metrics(s);
    derive_shares(s);
    derive_years(s);
    derive_frontier(s);
    derive_failures(s);
    read_events(s);
    return s->st;
}

/* ---- merging ---- */

static aif_status add_output(aif_compare *c, const figure *fa, const figure *fb) {
    aif_compare_output *o = vec_push(c->al, &c->outputs, sizeof *o);
    if (o == NULL) {
        return AIF_ENOMEM;
    }
    o->name = fa ? fa->name : fb->name;
    o->unit = fa ? fa->unit : fb->unit;
    o->a = fa ? fa->value : NAN;
    o->b = fb ? fb->value : NAN;
    o->diff = o->b - o->a;
    o->ratio = o->a != 0 ? o->b / o->a : NAN;
    if (!isfinite(o->diff)) {
        o->diff = NAN;
    }
    if (!isfinite(o->ratio)) {
        o->ratio = NAN;
    }
    return AIF_OK;
}

static aif_status merge_outputs(aif_compare *c) {
    const figure *fa = c->figs[0].items, *fb = c->figs[1].items;
    for (size_t i = 0; i < c->figs[0].n; i++) {
        if (add_output(c, &fa[i], find_figure(&c->figs[1], fa[i].name)) != AIF_OK) {
            return AIF_ENOMEM;
        }
    }
    for (size_t i = 0; i < c->figs[1].n; i++) {
        if (find_figure(&c->figs[0], fb[i].name) == NULL && add_output(c, NULL, &fb[i]) != AIF_OK) {
            return AIF_ENOMEM;
        }
    }
    return AIF_OK;
}

static bool same_text(const char *x, const char *y) {
    return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

static bool same_thread(const aif_compare_event *x, const aif_compare_event *y) {
    return same_text(x->kind, y->kind) && same_text(x->subject, y->subject);
}

/* Pair A's contract events with B's (see compare.h): exact matches drop out, then events of
 * the same kind and subject pair in time order as changes, and the rest are one-sided. */
static aif_status match_events(aif_compare *c) {
    size_t na = c->events[0].n, nb = c->events[1].n;
    aif_compare_event *ea = c->events[0].items, *eb = c->events[1].items;
    /* 0: unmatched; 1: the same on both sides; 2: changed. */
    unsigned char *used_a = aif_calloc(c->al, na + nb + 1, 1);
    if (used_a == NULL) {
        return AIF_ENOMEM;
    }
    unsigned char *used_b = used_a + na;
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++) {
            if (!used_b[j] && same_thread(&ea[i], &eb[j]) &&
                ea[i].time_s == eb[j].time_s + c->b_offset_s &&
                same_text(ea[i].detail_json, eb[j].detail_json)) {
                used_a[i] = used_b[j] = 1;
                break;
            }
        }
    }
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < na; i++) {
        for (size_t j = 0; !used_a[i] && j < nb; j++) {
            if (!used_b[j] && same_thread(&ea[i], &eb[j])) {
                aif_compare_change *ch = vec_push(c->al, &c->changed, sizeof *ch);
                if (ch == NULL) {
                    st = AIF_ENOMEM;
                    break;
                }
                ch->a = ea[i];
                ch->b = eb[j];
                ch->shift_days = (eb[j].time_s + c->b_offset_s - ea[i].time_s) / 86400.0;
                used_a[i] = used_b[j] = 2;
            }
        }
    }
    for (int s = 0; st == AIF_OK && s < 2; s++) {
        const aif_compare_event *e = s ? eb : ea;
        const unsigned char *used = s ? used_b : used_a;
        for (size_t i = 0; i < (s ? nb : na); i++) {
            aif_compare_event *o = used[i] ? NULL : vec_push(c->al, &c->only[s], sizeof *o);
            if (!used[i] && o == NULL) {
                st = AIF_ENOMEM;
                break;
            }
            if (o) {
                *o = e[i];
            }
        }
    }
    aif_free(c->al, used_a, na + nb + 1);
    return st;
}

aif_status aif_compare_create(const aif_allocator *al, aif_results *a, aif_results *b,
                              aif_compare **out, aif_error *err) {
    if (a == NULL || b == NULL || out == NULL) {
        return aif_error_set(err, AIF_EINVAL, "compare: NULL argument");
    }
    *out = NULL;
    aif_compare *c = aif_calloc(al, 1, sizeof *c);
    if (c == NULL || aif_arena_create(al, 16384, &c->arena) != AIF_OK) {
        aif_free(al, c, sizeof *c);
        return aif_error_set(err, AIF_ENOMEM, "compare: out of memory");
    }
    c->al = al;
    reader sa, sb;
    aif_status st = read_side(c, a, 0, &sa, err);
    if (st == AIF_OK) {
        st = read_side(c, b, 1, &sb, err);
    }
    if (st == AIF_OK && sa.has_start && sb.has_start) {
        c->b_offset_s = (double)aif_date_to_sim(sb.start, sa.start) / 1e9;
    }
    if (st == AIF_OK && (merge_outputs(c) != AIF_OK || match_events(c) != AIF_OK)) {
        st = aif_error_set(err, AIF_ENOMEM, "compare: out of memory");
    }
    for (int s = 0; s < 2; s++) {
        vec_free(al, &c->figs[s], sizeof(figure));
    }
    if (st != AIF_OK) {
        aif_compare_destroy(c);
        return st;
    }
    *out = c;
    return AIF_OK;
}

const aif_compare_run *aif_compare_run_info(const aif_compare *c, aif_compare_side side) {
    return &c->run[side == AIF_COMPARE_B];
}

size_t aif_compare_output_count(const aif_compare *c) {
    return c->outputs.n;
}

const aif_compare_output *aif_compare_output_at(const aif_compare *c, size_t i) {
    return i < c->outputs.n ? &((const aif_compare_output *)c->outputs.items)[i] : NULL;
}

const aif_compare_output *aif_compare_output_find(const aif_compare *c, const char *name) {
    for (size_t i = 0; i < c->outputs.n; i++) {
        const aif_compare_output *o = aif_compare_output_at(c, i);
        if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

size_t aif_compare_only_count(const aif_compare *c, aif_compare_side side) {
    return c->only[side == AIF_COMPARE_B].n;
}

const aif_compare_event *aif_compare_only_at(const aif_compare *c, aif_compare_side side,
                                             size_t i) {
    const vec *v = &c->only[side == AIF_COMPARE_B];
    return i < v->n ? &((const aif_compare_event *)v->items)[i] : NULL;
}

size_t aif_compare_changed_count(const aif_compare *c) {
    return c->changed.n;
}

const aif_compare_change *aif_compare_changed_at(const aif_compare *c, size_t i) {
    return i < c->changed.n ? &((const aif_compare_change *)c->changed.items)[i] : NULL;
}

const aif_compare_event *aif__compare_events(const aif_compare *c, aif_compare_side side,
                                             size_t *n) {
    const vec *v = &c->events[side == AIF_COMPARE_B];
    *n = v->n;
    return v->items;
}

double aif_compare_b_offset_s(const aif_compare *c) {
    return c->b_offset_s;
}

void aif_compare_destroy(aif_compare *c) {
    if (c == NULL) {
        return;
    }
    const aif_allocator *al = c->al;
    vec_free(al, &c->outputs, sizeof(aif_compare_output));
    vec_free(al, &c->changed, sizeof(aif_compare_change));
    for (int s = 0; s < 2; s++) {
        vec_free(al, &c->only[s], sizeof(aif_compare_event));
        vec_free(al, &c->events[s], sizeof(aif_compare_event));
        vec_free(al, &c->figs[s], sizeof(figure));
    }
    aif_arena_destroy(c->arena);
    aif_free(al, c, sizeof *c);
}
