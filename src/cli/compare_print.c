/* The renderings of `aifactory compare` (compare_print.h): the terminal table and the
 * --json document, both from one aif_compare, so they always agree. */
#include "compare_print.h"

#include <math.h>
#include <string.h>

#include "aifactory/time.h"
#include "json_out.h"

/* ---- shared ---- */

/* The calendar end of a side ("YYYY-MM-DD", exclusive), or "" without a start date. */
static void end_date(const aif_compare_run *r, char out[16]) {
    aif_date start;
    out[0] = '\0';
    if (r->start_date && isfinite(r->sim_end_s) &&
        aif_date_parse(r->start_date, &start, NULL) == AIF_OK) {
        (void)aif_date_format(aif_sim_to_date((aif_time)llround(r->sim_end_s * 1e9), start), out);
    }
}

static const char *source_kind(const compare_source *s) {
    return s->run_folder ? "run_folder" : "scenario";
}

/* ---- terminal ---- */

/* A number in at most ~10 characters: whole numbers as they are below a million, then
 * four significant digits with M, B or T (millions, billions, trillions), scientific from
 * 1e15; other fractions to four significant digits; `sign` puts '+' on positive values. */
static void format_num(double v, bool sign, char out[32]) {
    if (!isfinite(v)) {
        snprintf(out, 32, "–");
        return;
    }
    const char *plus = sign && v > 0 ? "+" : "";
    double m = fabs(v);
    if (v == 0) {
        snprintf(out, 32, "0");
    } else if (m >= 1e15) {
        snprintf(out, 32, "%s%.4g", plus, v);
    } else if (m >= 1e12) {
        snprintf(out, 32, "%s%.4g T", plus, v / 1e12);
    } else if (m >= 1e9) {
        snprintf(out, 32, "%s%.4g B", plus, v / 1e9);
    } else if (m >= 1e6) {
        snprintf(out, 32, "%s%.4g M", plus, v / 1e6);
    } else if (m == floor(m)) {
        snprintf(out, 32, "%s%.0f", plus, v);
    } else {
        snprintf(out, 32, "%s%.4g", plus, v);
    }
}

/* Printed width of UTF-8 text (the dash of a missing number is one column, three bytes). */
static int columns(const char *s) {
    int n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

static void right(FILE *out, const char *s, int width) {
    for (int pad = width - columns(s); pad > 0; pad--) {
        fputc(' ', out);
    }
    fputs(s, out);
}

static void print_side(FILE *out, const char *label, const compare_source *s,
                       const aif_compare_run *r) {
    char end[16];
    end_date(r, end);
    fprintf(out, "%s: %s (%s run, from the %s %s; seed %lld", label, r->name ? r->name : "",
            r->kind ? r->kind : "unknown", s->run_folder ? "run folder" : "scenario", s->path,
            (long long)r->seed);
    if (r->start_date && end[0]) {
        fprintf(out, "; %s to %s", r->start_date, end);
    }
    fputs(")\n", out);
}

static void print_event(FILE *out, const char *what, const aif_compare_event *e) {
    fprintf(out, "  %-9s  %-19s  %-9s %-24s %s\n", what, e->date[0] ? e->date : "-",
            e->kind ? e->kind : "", e->subject ? e->subject : "",
            e->detail_json ? e->detail_json : "");
}

static void print_events(FILE *out, const aif_compare *c) {
    size_t na = aif_compare_only_count(c, AIF_COMPARE_A);
    size_t nb = aif_compare_only_count(c, AIF_COMPARE_B);
    size_t nc = aif_compare_changed_count(c);
    if (na + nb + nc == 0) {
        fputs("\nContract events (offers, tranches, warrants, equity, triggers, ROFR ends): "
              "the same in both runs\n",
              out);
        return;
    }
    fprintf(out,
            "\nContract events that differ: %zu only in A, %zu only in B, %zu changed "
            "(dates are each run's own, UTC)\n",
            na, nb, nc);
    for (size_t i = 0; i < na; i++) {
        print_event(out, "only in A", aif_compare_only_at(c, AIF_COMPARE_A, i));
    }
    for (size_t i = 0; i < nb; i++) {
        print_event(out, "only in B", aif_compare_only_at(c, AIF_COMPARE_B, i));
    }
    for (size_t i = 0; i < nc; i++) {
        const aif_compare_change *ch = aif_compare_changed_at(c, i);
        char shift[32];
        format_num(ch->shift_days, true, shift);
        fprintf(out, "  changed    %-9s %-24s A %s, B %s (%s days)\n", ch->a.kind ? ch->a.kind : "",
                ch->a.subject ? ch->a.subject : "", ch->a.date[0] ? ch->a.date : "-",
                ch->b.date[0] ? ch->b.date : "-", shift);
        if (!(ch->a.detail_json == NULL && ch->b.detail_json == NULL) &&
            (ch->a.detail_json == NULL || ch->b.detail_json == NULL ||
             strcmp(ch->a.detail_json, ch->b.detail_json) != 0)) {
            fprintf(out, "             A %s\n             B %s\n",
                    ch->a.detail_json ? ch->a.detail_json : "null",
                    ch->b.detail_json ? ch->b.detail_json : "null");
        }
    }
}

void compare_print_table(FILE *out, const aif_compare *c, const compare_source *a,
                         const compare_source *b, const char *report) {
    print_side(out, "A", a, aif_compare_run_info(c, AIF_COMPARE_A));
    print_side(out, "B", b, aif_compare_run_info(c, AIF_COMPARE_B));
    size_t n = aif_compare_output_count(c);
    int wn = 6, wu = 4;
    for (size_t i = 0; i < n; i++) {
        const aif_compare_output *o = aif_compare_output_at(c, i);
        wn = columns(o->name) > wn ? columns(o->name) : wn;
        wu = columns(o->unit) > wu ? columns(o->unit) : wu;
    }
    fprintf(out, "\n%-*s  %-*s  %11s  %11s  %11s  %8s\n", wn, "output", wu, "unit", "A", "B",
            "B - A", "B / A");
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) {
        const aif_compare_output *o = aif_compare_output_at(c, i);
        char va[32], vb[32], vd[32], vr[32];
        format_num(o->a, false, va);
        format_num(o->b, false, vb);
        format_num(o->diff, true, vd);
        if (isfinite(o->ratio)) {
            snprintf(vr, sizeof vr, "%.4g", o->ratio);
        } else {
            snprintf(vr, sizeof vr, "–");
        }
        differ += !(o->diff == 0 || (isnan(o->a) && isnan(o->b)));
        fprintf(out, "%-*s  ", wn, o->name);
        fputs(o->unit, out);
        for (int pad = wu - columns(o->unit); pad > 0; pad--) {
            fputc(' ', out);
        }
        fputs("  ", out);
        right(out, va, 11);
        fputs("  ", out);
        right(out, vb, 11);
        fputs("  ", out);
        right(out, vd, 11);
        fputs("  ", out);
        right(out, vr, 8);
        fputc('\n', out);
    }
    fprintf(out, "\n%zu of %zu outputs differ", differ, n);
    fputs(" (B - A: B's value minus A's; B / A: their ratio; – where undefined)\n", out);
    print_events(out, c);
    if (report && report[0]) {
        fprintf(out, "\nReport: %s\n", report);
    }
}

/* ---- --json ---- */

/* Text from a results file goes through cli_json_text: a file not written by aifactory
 * may hold bytes that are not UTF-8, which JSON cannot carry. */

static json_t *num(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *source_json(const compare_source *s, const aif_compare_run *r) {
    char end[16];
    end_date(r, end);
    json_t *o = json_object();
    json_object_set_new(o, "path", cli_json_text(s->path));
    json_object_set_new(o, "source", json_string(source_kind(s)));
    json_object_set_new(o, "name", r->name ? cli_json_text(r->name) : json_null());
    json_object_set_new(o, "kind", r->kind ? cli_json_text(r->kind) : json_null());
    json_object_set_new(o, "seed", json_integer((json_int_t)r->seed));
    json_object_set_new(o, "start", r->start_date ? json_string(r->start_date) : json_null());
    json_object_set_new(o, "end", end[0] ? json_string(end) : json_null());
    json_object_set_new(o, "sim_end_s", num(r->sim_end_s));
    json_object_set_new(o, "aifactory_version",
                        r->aifactory_version ? cli_json_text(r->aifactory_version) : json_null());
    return o;
}

/* An event's detail as JSON (it is stored as JSON text); text that does not parse stays
 * a string. */
static json_t *detail(const char *text) {
    if (text == NULL) {
        return json_null();
    }
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : cli_json_text(text);
}

static json_t *moment(const aif_compare_event *e) {
    json_t *o = json_object();
    json_object_set_new(o, "date", e->date[0] ? json_string(e->date) : json_null());
    json_object_set_new(o, "time_s", num(e->time_s));
    return o;
}

static json_t *event_json(const aif_compare_event *e) {
    json_t *o = moment(e);
    json_object_set_new(o, "kind", cli_json_text(e->kind ? e->kind : ""));
    json_object_set_new(o, "subject", cli_json_text(e->subject ? e->subject : ""));
    json_object_set_new(o, "detail", detail(e->detail_json));
    return o;
}

json_t *compare_json(const aif_compare *c, const compare_source *a, const compare_source *b,
                     const char *report) {
    json_t *root = json_object();
    json_object_set_new(root, "a", source_json(a, aif_compare_run_info(c, AIF_COMPARE_A)));
    json_object_set_new(root, "b", source_json(b, aif_compare_run_info(c, AIF_COMPARE_B)));
    json_t *outs = json_array();
    for (size_t i = 0; i < aif_compare_output_count(c); i++) {
        const aif_compare_output *o = aif_compare_output_at(c, i);
        json_t *x = json_object();
        json_object_set_new(x, "name", cli_json_text(o->name));
        json_object_set_new(x, "unit", cli_json_text(o->unit));
        json_object_set_new(x, "a", num(o->a));
        json_object_set_new(x, "b", num(o->b));
        json_object_set_new(x, "diff", num(o->diff));
        json_object_set_new(x, "ratio", num(o->ratio));
        json_array_append_new(outs, x);
    }
    json_object_set_new(root, "outputs", outs);
    static const char *const only_keys[2] = {"events_only_in_a", "events_only_in_b"};
    for (int s = 0; s < 2; s++) {
        json_t *arr = json_array();
        for (size_t i = 0; i < aif_compare_only_count(c, (aif_compare_side)s); i++) {
            json_array_append_new(arr, event_json(aif_compare_only_at(c, (aif_compare_side)s, i)));
        }
        json_object_set_new(root, only_keys[s], arr);
    }
    json_t *changed = json_array();
    for (size_t i = 0; i < aif_compare_changed_count(c); i++) {
        const aif_compare_change *ch = aif_compare_changed_at(c, i);
        json_t *x = json_object();
        json_object_set_new(x, "kind", cli_json_text(ch->a.kind ? ch->a.kind : ""));
        json_object_set_new(x, "subject", cli_json_text(ch->a.subject ? ch->a.subject : ""));
        json_t *ma = moment(&ch->a), *mb = moment(&ch->b);
        json_object_set_new(ma, "detail", detail(ch->a.detail_json));
        json_object_set_new(mb, "detail", detail(ch->b.detail_json));
        json_object_set_new(x, "a", ma);
        json_object_set_new(x, "b", mb);
        json_object_set_new(x, "shift_days", num(ch->shift_days));
        json_array_append_new(changed, x);
    }
    json_object_set_new(root, "events_changed", changed);
    json_object_set_new(root, "report", report && report[0] ? cli_json_text(report) : json_null());
    return root;
}
