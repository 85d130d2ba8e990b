/* A small, strict command-line option parser shared by every verb.
 *
 * Long options only (plus -h), written `--name value` or `--name=value`; `--` ends options.
 * Errors are printed by the parser in the one format every verb uses
 * ("aifactory VERB: reason" then "Try 'aifactory VERB --help'.") so messages never drift
 * between verbs; the verb then exits with CLI_EXIT_USAGE. */
#ifndef AIF_CLI_ARGS_H
#define AIF_CLI_ARGS_H

#include <stdbool.h>
#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

typedef struct cli_option {
    const char *name;       /* long name without dashes, e.g. "json" */
    const char *value_name; /* NULL for a flag; else shown in help, e.g. "QTY" */
    const char *help;       /* one line */
} cli_option;

/* The options every verb accepts, in this order, so their indices are fixed. */
enum { CLI_OPT_HELP, CLI_OPT_JSON, CLI_OPT_QUIET, CLI_OPT_PROGRESS, CLI_COMMON_OPTIONS };
#define CLI_COMMON_OPTION_LIST                                                                     \
    {"help", NULL, "show this help and exit"},                                                     \
        {"json", NULL, "print the result as one JSON object on stdout"},                           \
        {"quiet", NULL, "print nothing but errors (and the JSON object with --json)"}, {           \
        "progress", "WHEN", "progress on stderr: auto (TTY only), always, never"                   \
    }

typedef struct cli_verb_spec {
    const char *name;        /* "plan" */
    const char *usage;       /* after "aifactory plan ", e.g. "[options]" */
    const char *description; /* a paragraph, lines ending with \n */
    const cli_option *options;
    int option_count;
} cli_verb_spec;

typedef struct cli_parser {
    const cli_verb_spec *spec;
    int argc;
    char **argv;
    int index;          /* next argv element to read */
    bool options_ended; /* after "--" */
    const char *value;  /* the value of the last option or the positional argument */
} cli_parser;

enum { CLI_PARSE_DONE = -1, CLI_PARSE_ERROR = -2, CLI_PARSE_POSITIONAL = -3 };

/* argv[0] is the verb name; parsing starts at argv[1]. */
void cli_parser_init(cli_parser *p, const cli_verb_spec *spec, int argc, char **argv);

/* The index of the next option in spec->options (its value, if any, in p->value),
 * CLI_PARSE_POSITIONAL (the argument in p->value), CLI_PARSE_DONE, or CLI_PARSE_ERROR after
 * printing the reason to stderr. */
int cli_parser_next(cli_parser *p);

/* Print "aifactory VERB: <message>" and the help hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_verb_spec *spec, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print the verb's full help (usage, description, options) to `out`. */
void cli_print_help(const cli_verb_spec *spec, FILE *out);

/* Common state every verb reads from the common options. */
typedef struct cli_common {
    bool json;
    bool quiet;
    const char *progress; /* "auto" unless given */
} cli_common;

/* Apply a common option (index < CLI_COMMON_OPTIONS) to `c`. Returns CLI_EXIT_OK, or
 * CLI_EXIT_USAGE after printing the reason (e.g. a bad --progress value). --help prints the
 * help and returns -1 so the verb exits 0 at once. */
int cli_common_apply(cli_common *c, const cli_parser *p, int option);

#endif
