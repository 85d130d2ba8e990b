/* The option parser and help printer shared by all verbs (see args.h). */
#include "args.h"

#include <stdarg.h>
#include <string.h>

void cli_parser_init(cli_parser *p, const cli_verb_spec *spec, int argc, char **argv) {
    *p = (cli_parser){.spec = spec, .argc = argc, .argv = argv, .index = 1};
}

int cli_usage_error(const cli_verb_spec *spec, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "aifactory %s: ", spec->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'aifactory %s --help'.\n", spec->name);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

static int find_option(const cli_verb_spec *spec, const char *name, size_t len) {
    for (int i = 0; i < spec->option_count; i++) {
        if (strlen(spec->options[i].name) == len &&
            strncmp(spec->options[i].name, name, len) == 0) {
            return i;
        }
    }
    return -1;
}

int cli_parser_next(cli_parser *p) {
    if (p->index >= p->argc) {
        return CLI_PARSE_DONE;
    }
    const char *arg = p->argv[p->index++];
    p->value = NULL;
    if (p->options_ended || arg[0] != '-' || arg[1] == '\0') {
        p->value = arg;
        return CLI_PARSE_POSITIONAL;
    }
    if (strcmp(arg, "--") == 0) {
        p->options_ended = true;
        return cli_parser_next(p);
    }
    if (strcmp(arg, "-h") == 0) {
        return CLI_OPT_HELP;
    }
    if (arg[1] != '-') {
        cli_usage_error(p->spec, "unknown option '%s' (options are long, e.g. --help)", arg);
        return CLI_PARSE_ERROR;
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int opt = find_option(p->spec, name, len);
    if (opt < 0) {
        cli_usage_error(p->spec, "unknown option '--%.*s'", (int)len, name);
        return CLI_PARSE_ERROR;
    }
    const cli_option *o = &p->spec->options[opt];
    if (o->value_name == NULL) {
        if (eq) {
            cli_usage_error(p->spec, "option '--%s' takes no value, found '%s'", o->name, eq + 1);
            return CLI_PARSE_ERROR;
        }
        return opt;
    }
    if (eq) {
        p->value = eq + 1;
    } else if (p->index < p->argc) {
        p->value = p->argv[p->index++];
    } else {
        cli_usage_error(p->spec, "option '--%s' needs a value (%s)", o->name, o->value_name);
        return CLI_PARSE_ERROR;
    }
    return opt;
}

void cli_print_help(const cli_verb_spec *spec, FILE *out) {
    fprintf(out, "Usage: aifactory %s %s\n\n%s\nOptions:\n", spec->name, spec->usage,
            spec->description);
    for (int i = 0; i < spec->option_count; i++) {
        const cli_option *o = &spec->options[i];
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->value_name ? " " : "",
                 o->value_name ? o->value_name : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
}

int cli_common_apply(cli_common *c, const cli_parser *p, int option) {
    switch (option) {
    case CLI_OPT_HELP:
        cli_print_help(p->spec, stdout);
        return -1;
    case CLI_OPT_JSON:
        c->json = true;
        return CLI_EXIT_OK;
    case CLI_OPT_QUIET:
        c->quiet = true;
        return CLI_EXIT_OK;
    case CLI_OPT_PROGRESS:
        if (strcmp(p->value, "auto") != 0 && strcmp(p->value, "always") != 0 &&
            strcmp(p->value, "never") != 0) {
            return cli_usage_error(p->spec, "--progress expects auto, always or never, found '%s'",
                                   p->value);
        }
        c->progress = p->value;
        return CLI_EXIT_OK;
    default:
        return CLI_EXIT_OK;
    }
}
