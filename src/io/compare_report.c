/* The HTML report of a comparison (aif_compare_report_write in compare.h): both runs'
 * report documents (report_data.c) merged into one that the ordinary page draws. Each
 * chart of either run becomes one chart holding A's series and B's ("A · served",
 * "B · served"), B's times moved onto A's calendar; the key outputs and the contract events
 * that differ become tables; both runs' contract events share the event strip; the
 * assumptions table lists the parameters that differ. The page's code is unchanged: a
 * merged chart's title starts with "A vs B: ", so it is never drawn as one stacked area
 * (the page stacks "Capacity online by ..." and "GPU-hours by use" charts, and two runs
 * must not add up). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compare_internal.h"
#include "report_internal.h"

/* Building the document: the first failure is kept, later steps do nothing. */
typedef struct doc {
    aif_results *r; /* where a failure is recorded */
    aif_status st;
} doc;

static json_t *need(doc *d, json_t *v) {
    if (v == NULL && d->st == AIF_OK) {
        d->st = aif__results_fail(d->r, AIF_ENOMEM, "compare report: out of memory");
    }
    return v;
}

static void put(doc *d, json_t *obj, const char *key, json_t *v) {
    if (d->st != AIF_OK || need(d, v) == NULL || obj == NULL ||
        json_object_set_new(obj, key, v) != 0) {
        need(d, NULL);
    }
}

static void push(doc *d, json_t *arr, json_t *v) {
    if (d->st != AIF_OK || need(d, v) == NULL || arr == NULL ||
        json_array_append_new(arr, v) != 0) {
        need(d, NULL);
    }
}

static json_t *real_or_null(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *text_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *prefixed(const char *prefix, const char *s) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s", prefix, s ? s : "");
    return json_string(buf);
}

/* A copy of series `s` named "<side> · <name>", its times moved by `shift_s`. Moved
 * series lose their finest points: those are coded on the run's own time steps. */
static json_t *side_series(doc *d, json_t *s, const char *side, double shift_s) {
    json_t *o = need(d, json_copy(s));
    if (o == NULL) {
        return NULL;
    }
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%s · ", side);
    put(d, o, "name", prefixed(prefix, json_string_value(json_object_get(s, "name"))));
    if (shift_s != 0) {
        json_t *x = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(s, "x"), i, v) {
            push(d, x, json_is_number(v) ? json_real(json_number_value(v) + shift_s) : json_null());
        }
        put(d, o, "x", x);
        json_object_del(o, "fine");
    }
    return o;
}

static void add_series(doc *d, json_t *to, json_t *chart, const char *side, double shift_s) {
    bool time_axis = strcmp(json_string_value(json_object_get(chart, "x_kind")), "time") == 0;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(chart, "series"), i, s) {
        push(d, to, side_series(d, s, side, time_axis ? shift_s : 0));
    }
}

enum { MAX_MATCHED = 512 }; /* charts of B past this many are drawn on their own */

static json_t *chart_titled(json_t *charts, const char *title, const char *used) {
    size_t i;
    json_t *ch;
    json_array_foreach(charts, i, ch) {
        if (i < MAX_MATCHED && !used[i] &&
            strcmp(json_string_value(json_object_get(ch, "title")), title) == 0) {
            return ch;
        }
    }
    return NULL;
}

/* A copy of chart `from` (A's, or B's when A has none) with both runs' series. */
static json_t *merged_chart(doc *d, json_t *from, json_t *ca, json_t *cb, double shift_s, int k) {
    json_t *m = need(d, json_copy(from));
    if (m == NULL) {
        return NULL;
    }
    char id[32];
    snprintf(id, sizeof id, "compare-%d", k);
    put(d, m, "id", json_string(id));
    put(d, m, "title", prefixed("A vs B: ", json_string_value(json_object_get(from, "title"))));
    json_t *series = json_array();
    put(d, m, "series", series);
    if (ca) {
        add_series(d, series, ca, "A", 0);
    }
    if (cb) {
        add_series(d, series, cb, "B", shift_s);
    }
    return m;
}

static json_t *merged_charts(doc *d, json_t *da, json_t *db, double shift_s) {
    json_t *out = json_array(), *ca_all = json_object_get(da, "charts"),
           *cb_all = json_object_get(db, "charts");
    size_t nb = json_array_size(cb_all);
    char used[MAX_MATCHED] = {0};
    int k = 0;
    size_t i;
    json_t *ca;
    json_array_foreach(ca_all, i, ca) {
        json_t *cb = chart_titled(cb_all, json_string_value(json_object_get(ca, "title")), used);
        if (cb != NULL) {
            for (size_t j = 0; j < nb && j < MAX_MATCHED; j++) {
                used[j] |= json_array_get(cb_all, j) == cb;
            }
        }
        push(d, out, merged_chart(d, ca, ca, cb, shift_s, k++));
    }
    for (size_t j = 0; j < nb; j++) {
        if (j >= MAX_MATCHED || !used[j]) {
            json_t *cb = json_array_get(cb_all, j);
            push(d, out, merged_chart(d, cb, NULL, cb, shift_s, k++));
        }
    }
    return out;
}

static json_t *table(doc *d, const char *id, const char *title, const char *const *columns,
                     size_t ncol, json_t *rows) {
    json_t *t = json_object(), *cols = json_array();
    for (size_t i = 0; i < ncol; i++) {
        push(d, cols, json_string(columns[i]));
    }
    put(d, t, "id", json_string(id));
    put(d, t, "title", json_string(title));
    put(d, t, "columns", cols);
    put(d, t, "rows", rows);
    return t;
}

static json_t *outputs_table(doc *d, const aif_compare *c) {
    static const char *const cols[] = {"output", "unit", "A", "B", "B − A", "B / A"};
    json_t *rows = json_array();
    for (size_t i = 0; i < aif_compare_output_count(c); i++) {
        const aif_compare_output *o = aif_compare_output_at(c, i);
        push(d, rows,
             json_pack("[s,s,o,o,o,o]", o->name, o->unit, real_or_null(o->a), real_or_null(o->b),
                       real_or_null(o->diff), real_or_null(o->ratio)));
    }
    return table(d, "compare-outputs", "Key outputs: A, B, difference and ratio", cols,
                 sizeof cols / sizeof cols[0], rows);
}

static json_t *when(const aif_compare_event *e) {
    return e->date[0] ? json_string(e->date) : json_real(e->time_s);
}

static json_t *event_row(const char *change, const aif_compare_event *a, const aif_compare_event *b,
                         double shift_days) {
    const aif_compare_event *e = a ? a : b;
    return json_pack("[s,o,o,o,o,o,o,o]", change, text_or_null(e->kind), text_or_null(e->subject),
                     a ? when(a) : json_null(), b ? when(b) : json_null(), real_or_null(shift_days),
                     text_or_null(a ? a->detail_json : NULL),
                     text_or_null(b ? b->detail_json : NULL));
}

static json_t *events_table(doc *d, const aif_compare *c) {
    static const char *const cols[] = {"difference", "kind",         "subject",  "date A",
                                       "date B",     "shift (days)", "detail A", "detail B"};
    json_t *rows = json_array();
    for (size_t i = 0; i < aif_compare_only_count(c, AIF_COMPARE_A); i++) {
        push(d, rows, event_row("only in A", aif_compare_only_at(c, AIF_COMPARE_A, i), NULL, NAN));
    }
    for (size_t i = 0; i < aif_compare_only_count(c, AIF_COMPARE_B); i++) {
        push(d, rows, event_row("only in B", NULL, aif_compare_only_at(c, AIF_COMPARE_B, i), NAN));
    }
    for (size_t i = 0; i < aif_compare_changed_count(c); i++) {
        const aif_compare_change *ch = aif_compare_changed_at(c, i);
        push(d, rows, event_row("changed", &ch->a, &ch->b, ch->shift_days));
    }
    return table(d, "compare-events", "Contract events that differ", cols,
                 sizeof cols / sizeof cols[0], rows);
}

/* Both runs' contract events on one strip (A's calendar), kinds "A · offer", "B · offer". */
static json_t *event_strip(doc *d, const aif_compare *c) {
    json_t *e = json_object(), *t = json_array(), *k = json_array(), *sub = json_array(),
           *det = json_array();
    size_t n[2];
    const aif_compare_event *ev[2] = {aif__compare_events(c, AIF_COMPARE_A, &n[0]),
                                      aif__compare_events(c, AIF_COMPARE_B, &n[1])};
    double shift[2] = {0, aif_compare_b_offset_s(c)};
    size_t i[2] = {0, 0};
    /* Merge the two time-ordered lists; A first at equal times. */
    while (i[0] < n[0] || i[1] < n[1]) {
        int s = i[1] >= n[1] || (i[0] < n[0] && ev[0][i[0]].time_s <= ev[1][i[1]].time_s + shift[1])
                    ? 0
                    : 1;
        const aif_compare_event *x = &ev[s][i[s]++];
        push(d, t, json_real(x->time_s + shift[s]));
        push(d, k, prefixed(s ? "B · " : "A · ", x->kind));
        push(d, sub, text_or_null(x->subject));
        push(d, det, text_or_null(x->detail_json));
    }
    put(d, e, "time_s", t);
    put(d, e, "kind", k);
    put(d, e, "subject", sub);
    put(d, e, "detail", det);
    put(d, e, "total", json_integer((json_int_t)(n[0] + n[1])));
    put(d, e, "per_kind_limit", json_integer((json_int_t)(n[0] + n[1])));
    return e;
}

static bool same_name(const char *x, const char *y) {
    return y != NULL && strcmp(x, y) == 0;
}

/* The parameters that differ: [name, A's value, B's value, unit]. */
static json_t *params_table(doc *d, json_t *da, json_t *db) {
    static const char *const cols[] = {"parameter", "A", "B", "unit"};
    json_t *ra = json_object_get(json_object_get(da, "params"), "rows");
    json_t *rb = json_object_get(json_object_get(db, "params"), "rows");
    json_t *rows = json_array();
    for (int side = 0; side < 2; side++) {
        json_t *mine = side ? rb : ra, *other = side ? ra : rb;
        size_t i, j;
        json_t *p, *q;
        json_array_foreach(mine, i, p) {
            const char *name = json_string_value(json_array_get(p, 0));
            json_t *match = NULL;
            json_array_foreach(other, j, q) {
                if (name && same_name(name, json_string_value(json_array_get(q, 0)))) {
                    match = q;
                    break;
                }
            }
            if (side == 1 && match != NULL) {
                continue; /* listed from A's side */
            }
            if (match != NULL && json_equal(json_array_get(p, 1), json_array_get(match, 1))) {
                continue;
            }
            json_t *va = json_array_get(side ? match : p, 1);
            json_t *vb = json_array_get(side ? p : match, 1);
            push(d, rows,
                 json_pack("[O,O,O,O]", json_array_get(p, 0), va ? va : json_null(),
                           vb ? vb : json_null(), json_array_get(p, 2)));
        }
    }
    return table(d, "params", "Assumptions that differ", cols, sizeof cols / sizeof cols[0], rows);
}

static json_t *run_header(doc *d, const aif_compare *c) {
    const aif_compare_run *a = aif_compare_run_info(c, AIF_COMPARE_A);
    const aif_compare_run *b = aif_compare_run_info(c, AIF_COMPARE_B);
    char name[400], seed[64];
    snprintf(name, sizeof name, "A: %.180s vs B: %.180s", a->name ? a->name : "",
             b->name ? b->name : "");
    if (a->seed == b->seed) {
        snprintf(seed, sizeof seed, "%lld", (long long)a->seed);
    } else {
        snprintf(seed, sizeof seed, "%lld (A), %lld (B)", (long long)a->seed, (long long)b->seed);
    }
    double end_b = b->sim_end_s + aif_compare_b_offset_s(c);
    json_t *run = json_object();
    put(d, run, "run_id", json_integer(1));
    put(d, run, "name", json_string(name));
    put(d, run, "kind", json_string("comparison"));
    put(d, run, "seed", json_string(seed));
    put(d, run, "sim_start_s", real_or_null(a->sim_start_s));
    put(d, run, "sim_end_s", real_or_null(end_b > a->sim_end_s ? end_b : a->sim_end_s));
    put(d, run, "start_date", text_or_null(a->start_date));
    return run;
}

aif_status aif_compare_report_write(const aif_compare *c, aif_results *ra, aif_results *rb,
                                    const char *path, const aif_report_options *opt) {
    if (c == NULL || ra == NULL || rb == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    json_t *da = NULL, *db = NULL;
    size_t nfa = 0, nfb = 0;
    aif_status st = aif__report_data(ra, 0, &da, &nfa);
    if (st != AIF_OK) {
        return st;
    }
    st = aif__report_data(rb, 0, &db, &nfb);
    if (st != AIF_OK) {
        json_decref(da);
        return st;
    }
    if (opt && opt->nonfinite) {
        *opt->nonfinite = nfa + nfb;
    }
    doc d = {.r = ra, .st = AIF_OK};
    json_t *out = json_object(), *tables = json_array();
    put(&d, out, "run", run_header(&d, c));
    put(&d, out, "metrics", json_array());
    put(&d, out, "params", params_table(&d, da, db));
    put(&d, out, "charts", merged_charts(&d, da, db, aif_compare_b_offset_s(c)));
    push(&d, tables, outputs_table(&d, c));
    push(&d, tables, events_table(&d, c));
    put(&d, out, "tables", tables);
    put(&d, out, "events", event_strip(&d, c));
    json_decref(da);
    json_decref(db);
    if (d.st != AIF_OK) {
        json_decref(out);
        return d.st;
    }
    aif_report_options o = opt ? *opt : (aif_report_options){0};
    char title[480];
    if (o.title == NULL) {
        const aif_compare_run *a = aif_compare_run_info(c, AIF_COMPARE_A);
        const aif_compare_run *b = aif_compare_run_info(c, AIF_COMPARE_B);
        snprintf(title, sizeof title, "aifactory comparison: %.200s vs %.200s",
                 a->name ? a->name : "A", b->name ? b->name : "B");
        o.title = title;
    }
    return aif__report_page(ra, out, path, &o);
}
