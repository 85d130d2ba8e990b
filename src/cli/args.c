/* The option parser, the setters and the help printer shared by all verbs (see args.h).
 * Every message about a bad option or value is worded here, once. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/error.h"
#include "aifactory/units.h"

const char *const cli_progress_choices[] = {"auto", "always", "never", NULL};

int cli_usage_error(const cli_verb_spec *spec, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char msg[AIF_ERROR_MESSAGE_MAX];
    aif_message_vformat(msg, sizeof msg, fmt, ap); /* long quoted input is cut */
    fprintf(stderr, "aifactory %s: %s\nTry 'aifactory %s --help'.\n", spec->name, msg, spec->name);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_parse_exit(int rc) {
    return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
}

/* ---- numbers ---- */

bool cli_number_parse(const char *text, double *out) {
    size_t start = text[0] == '-' || text[0] == '+' ? 1 : 0;
    size_t end = 0;
    double v = 0;
    if (aif_number_scan(text, start, 0, &end, &v, NULL) != AIF_OK || text[end] != '\0') {
        return false;
    }
    *out = text[0] == '-' ? -v : v;
    return true;
}

/* A whole number written in digits, with an optional sign; int64 range. */
static bool integer_parse(const char *text, int64_t *out) {
    const char *digits = text[0] == '-' || text[0] == '+' ? text + 1 : text;
    if (*digits < '0' || *digits > '9') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0') {
        return false;
    }
    *out = v;
    return true;
}

static bool in_range(double v, const cli_range *r) {
    bool lo_ok = isinf(r->lo) || (r->lo_open ? v > r->lo : v >= r->lo);
    bool hi_ok = isinf(r->hi) || (r->hi_open ? v < r->hi : v <= r->hi);
    return lo_ok && hi_ok;
}

/* "--pue must be >= 1, found '0.9'", "--overhead must be in [0, 1], found '-0.1'". */
static int range_error(const cli_value *v) {
    const cli_option *o = v->opt;
    const cli_range *r = &o->range;
    if (o->expects) {
        return cli_usage_error(v->spec, "--%s expects %s, found '%s'", o->name, o->expects,
                               v->text);
    }
    if (isinf(r->hi)) {
        return cli_usage_error(v->spec, "--%s must be %s %g, found '%s'", o->name,
                               r->lo_open ? ">" : ">=", r->lo, v->text);
    }
    return cli_usage_error(v->spec, "--%s must be in %s%g, %g%s, found '%s'", o->name,
                           r->lo_open ? "(" : "[", r->lo, r->hi, r->hi_open ? ")" : "]", v->text);
}

/* The value is not a number at all. */
static int number_error(const cli_value *v, const char *what) {
    return cli_usage_error(v->spec, "--%s expects %s, found '%s'", v->opt->name,
                           v->opt->expects ? v->opt->expects : what, v->text);
}

int cli_set_number(const cli_value *v) {
    double x = 0;
    if (!cli_number_parse(v->text, &x)) {
        return number_error(v, "a number");
    }
    if (!in_range(x, &v->opt->range)) {
        return range_error(v);
    }
    *(double *)v->field = x;
    return CLI_EXIT_OK;
}

/* Read a whole number within the option's range and within [type_lo, type_hi], the values
 * its destination holds: a table cannot forget the type's bounds, and the message names the
 * tighter of the two limits. */
static int set_integer(const cli_value *v, double type_lo, double type_hi, int64_t *out) {
    cli_range r = v->opt->range;
    if (isinf(r.lo) || r.lo < type_lo) {
        r.lo = type_lo;
        r.lo_open = false;
    }
    if (isinf(r.hi) || r.hi > type_hi) {
        r.hi = type_hi;
        r.hi_open = false;
    }
    int64_t x = 0;
    if (!integer_parse(v->text, &x) || !in_range((double)x, &r)) {
        if (v->opt->expects == NULL && r.hi == (double)INT64_MAX) {
            return cli_usage_error(v->spec, "--%s expects an integer >= %.0f, found '%s'",
                                   v->opt->name, r.lo, v->text);
        }
        if (v->opt->expects == NULL) {
            return cli_usage_error(v->spec, "--%s expects an integer in [%.0f, %.0f], found '%s'",
                                   v->opt->name, r.lo, r.hi, v->text);
        }
        return number_error(v, NULL);
    }
    *out = x;
    return CLI_EXIT_OK;
}

int cli_set_int(const cli_value *v) {
    int64_t x = 0;
    int rc = set_integer(v, (double)INT64_MIN, (double)INT64_MAX, &x);
    if (rc == CLI_EXIT_OK) {
        *(int64_t *)v->field = x;
    }
    return rc;
}

int cli_set_int32(const cli_value *v) {
    int64_t x = 0;
    int rc = set_integer(v, INT32_MIN, INT32_MAX, &x);
    if (rc == CLI_EXIT_OK) {
        *(int32_t *)v->field = (int32_t)x;
    }
    return rc;
}

int cli_set_u64(const cli_value *v) {
    char *end = NULL;
    errno = 0;
    unsigned long long x = strtoull(v->text, &end, 10);
    if (v->text[0] < '0' || v->text[0] > '9' || *end != '\0' || errno == ERANGE) {
        return number_error(v, "an integer in [0, 2^64)");
    }
    *(uint64_t *)v->field = (uint64_t)x;
    return CLI_EXIT_OK;
}

int cli_set_quantity(const cli_value *v) {
    aif_error err;
    double x = 0;
    if (aif_quantity_parse(v->text, (aif_quantity_kind)v->opt->kind, &x, &err) != AIF_OK) {
        return cli_usage_error(v->spec, "--%s '%s': %s", v->opt->name, v->text, err.message);
    }
    if (!in_range(x, &v->opt->range)) {
        return range_error(v);
    }
    *(double *)v->field = x;
    return CLI_EXIT_OK;
}

/* ---- other setters ---- */

int cli_set_flag(const cli_value *v) {
    *(bool *)v->field = true;
    return CLI_EXIT_OK;
}

int cli_set_text(const cli_value *v) {
    *(const char **)v->field = v->text;
    return CLI_EXIT_OK;
}

int cli_set_seed_text(const cli_value *v) {
    uint64_t seed = 0;
    cli_value check = *v;
    check.field = &seed;
    int rc = cli_set_u64(&check);
    return rc == CLI_EXIT_OK ? cli_set_text(v) : rc;
}

int cli_set_path(const cli_value *v) {
    /* Refused here, not when the work is done: an empty name fails only at the first write,
     * after a whole simulation. */
    if (v->text[0] == '\0') {
        return cli_usage_error(v->spec, "--%s expects a non-empty path, found ''", v->opt->name);
    }
    return cli_set_text(v);
}

int cli_set_list(const cli_value *v) {
    cli_list *l = v->field;
    if (l->count == CLI_MAX_LIST) {
        return cli_usage_error(v->spec, "at most %d --%s options", CLI_MAX_LIST, v->opt->name);
    }
    l->items[l->count++] = v->text;
    return CLI_EXIT_OK;
}

int cli_set_choice(const cli_value *v) {
    const char *const *c = v->opt->choices;
    for (int i = 0; c[i]; i++) {
        if (strcmp(c[i], v->text) == 0) {
            *(int *)v->field = i;
            return CLI_EXIT_OK;
        }
    }
    /* "auto, always or never" */
    char list[256] = "";
    size_t n = 0;
    for (int i = 0; c[i] && n < sizeof list; i++) {
        const char *sep = i == 0 ? "" : (c[i + 1] ? ", " : " or ");
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", sep, c[i]);
    }
    return cli_usage_error(v->spec, "--%s expects %s, found '%s'", v->opt->name, list, v->text);
}

int cli_show_help(const cli_value *v) {
    cli_print_help(v->spec, stdout);
    return CLI_EXIT_HELP;
}

/* ---- the parser ---- */

typedef struct parser {
    const cli_verb_spec *spec;
    int argc;
    char **argv;
    int index; /* next argv element to read */
    void *args;
} parser;

static bool name_is(const char *name, const char *s, size_t len) {
    return name && strlen(name) == len && strncmp(name, s, len) == 0;
}

static const cli_option *find_long(const cli_verb_spec *spec, const char *s, size_t len) {
    for (int i = 0; i < spec->option_count; i++) {
        if (name_is(spec->options[i].name, s, len) || name_is(spec->options[i].alias, s, len)) {
            return &spec->options[i];
        }
    }
    return NULL;
}

static const cli_option *find_short(const cli_verb_spec *spec, char c) {
    for (int i = 0; i < spec->option_count; i++) {
        if (spec->options[i].short_name == c) {
            return &spec->options[i];
        }
    }
    return NULL;
}

static int apply(const parser *p, const cli_option *o, const char *text) {
    cli_value v = {.spec = p->spec,
                   .opt = o,
                   .text = text,
                   .args = p->args,
                   .field = (char *)p->args + o->offset};
    return o->set(&v);
}

/* The value of an option that takes one: `inline_value` (after '=' or the short letter) if
 * there, else the next argument. */
static int apply_with_value(parser *p, const cli_option *o, const char *inline_value) {
    if (inline_value) {
        return apply(p, o, inline_value);
    }
    if (p->index >= p->argc) {
        return cli_usage_error(p->spec, "option '--%s' needs a value (%s)", o->name, o->value_name);
    }
    return apply(p, o, p->argv[p->index++]);
}

static int parse_long(parser *p, const char *arg) {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_option *o = find_long(p->spec, name, len);
    if (o == NULL) {
        return cli_usage_error(p->spec, "unknown option '--%.*s'", (int)len, name);
    }
    if (o->value_name == NULL) {
        if (eq) {
            return cli_usage_error(p->spec, "option '--%s' takes no value, found '%s'", o->name,
                                   eq + 1);
        }
        return apply(p, o, NULL);
    }
    return apply_with_value(p, o, eq ? eq + 1 : NULL);
}

/* "-o DIR", "-oDIR", "-h". */
static int parse_short(parser *p, const char *arg) {
    const cli_option *o = find_short(p->spec, arg[1]);
    if (o == NULL) {
        return cli_usage_error(p->spec, "unknown option '%s'", arg);
    }
    if (o->value_name == NULL) {
        if (arg[2] != '\0') {
            return cli_usage_error(p->spec, "unknown option '%s'", arg);
        }
        return apply(p, o, NULL);
    }
    return apply_with_value(p, o, arg[2] ? arg + 2 : NULL);
}

static int take_positional(parser *p, const char *arg) {
    cli_common *c = p->args;
    if (c->positional_count >= p->spec->max_positional) {
        return cli_usage_error(p->spec, "unexpected argument '%s'", arg);
    }
    c->positional[c->positional_count++] = arg;
    return CLI_EXIT_OK;
}

int cli_parse(const cli_verb_spec *spec, int argc, char **argv, void *args) {
    parser p = {.spec = spec, .argc = argc, .argv = argv, .index = 1, .args = args};
    bool options_ended = false;
    int rc = CLI_EXIT_OK;
    while (rc == CLI_EXIT_OK && p.index < argc) {
        const char *arg = argv[p.index++];
        if (options_ended || arg[0] != '-' || arg[1] == '\0') {
            rc = take_positional(&p, arg);
        } else if (strcmp(arg, "--") == 0) {
            options_ended = true;
        } else if (arg[1] == '-') {
            rc = parse_long(&p, arg);
        } else {
            rc = parse_short(&p, arg);
        }
    }
    return rc;
}

void cli_print_help(const cli_verb_spec *spec, FILE *out) {
    fprintf(out, "Usage: aifactory %s %s\n\n%s\nOptions:\n", spec->name, spec->usage,
            spec->description);
    for (int i = 0; i < spec->option_count; i++) {
        const cli_option *o = &spec->options[i];
        char left[64], letter[8] = "";
        /* -h stays implicit, as it always was: the help line reads "--help". */
        if (o->short_name && o->set != cli_show_help) {
            snprintf(letter, sizeof letter, "-%c, ", o->short_name);
        }
        snprintf(left, sizeof left, "%s--%s%s%s", letter, o->name, o->value_name ? " " : "",
                 o->value_name ? o->value_name : "");
        fprintf(out, "  %-24s %s", left, o->help);
        if (o->alias) {
            fprintf(out, " (also --%s)", o->alias);
        }
        fputc('\n', out);
    }
    if (spec->examples) {
        fputs("\nExamples:\n", out);
        for (const char *line = spec->examples; *line;) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            fprintf(out, "  %.*s\n", (int)len, line);
            line += len + (end != NULL);
        }
    }
}
