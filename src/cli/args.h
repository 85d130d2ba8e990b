/* The one command-line option parser and number parser shared by every verb.
 *
 * A verb describes its options in a static table (cli_option): long name, an alias kept for
 * an older spelling, an optional short letter, whether it takes a value, and where the
 * value goes: a typed field of the verb's argument struct, written by one of the setters
 * below (flag, text, list, integer, number, quantity, choice) or by a verb's own callback.
 * cli_parse walks argv once with that table. Options are written `--name value`,
 * `--name=value`, `-x value` or `-xvalue` for the few with a short letter, and `--` ends
 * options. Errors are printed here in the one format every verb uses ("aifactory VERB:
 * reason" then "Try 'aifactory VERB --help'."), and every number is read by the same code
 * (the library's aif_number_scan / aif_quantity_parse), so a message never drifts between
 * verbs; the verb then exits with CLI_EXIT_USAGE. */
#ifndef AIF_CLI_ARGS_H
#define AIF_CLI_ARGS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

/* What cli_parse returns after --help printed the help: the verb exits 0 at once. */
enum { CLI_EXIT_HELP = -1 };

/* Most positional arguments a verb takes (catalog's `show ID`). */
#define CLI_MAX_POSITIONAL 2

/* The options every verb accepts, and its positional arguments. Every verb's argument
 * struct starts with a cli_common, so one table entry serves all verbs. */
typedef struct cli_common {
    bool json;
    bool quiet;
    int progress; /* index in "auto", "always", "never": the order of aif_progress_mode */
    const char *positional[CLI_MAX_POSITIONAL];
    int positional_count;
} cli_common;

typedef struct cli_verb_spec cli_verb_spec;
typedef struct cli_option cli_option;

/* What a setter is handed for one option on the command line. */
typedef struct cli_value {
    const cli_verb_spec *spec;
    const cli_option *opt;
    const char *text; /* the value; NULL for a flag */
    void *args;       /* the verb's argument struct */
    void *field;      /* args + opt->offset: the option's destination */
} cli_value;

/* Store the value; CLI_EXIT_OK, CLI_EXIT_HELP, or CLI_EXIT_USAGE after cli_usage_error. */
typedef int (*cli_setter)(const cli_value *v);

/* Bounds of a number option: lo <(=) v <(=) hi, strict where `_open`; an infinite bound
 * is not checked. */
typedef struct cli_range {
    double lo, hi;
    bool lo_open, hi_open;
} cli_range;

struct cli_option {
    const char *name;       /* long name without dashes, e.g. "out" */
    const char *alias;      /* an older long name still accepted, e.g. "output"; or NULL */
    char short_name;        /* e.g. 'o'; 0 for none */
    const char *value_name; /* NULL for a flag; else shown in help, e.g. "DIR" */
    const char *help;       /* one line */
    cli_setter set;
    size_t offset;              /* of the destination in the verb's argument struct */
    cli_range range;            /* cli_set_int(32), cli_set_number, cli_set_quantity */
    int kind;                   /* cli_set_quantity: an aif_quantity_kind */
    const char *const *choices; /* cli_set_choice: NULL-terminated */
    const char *expects;        /* what a bad value is told it needs; NULL: from range */
};

/* Positional arguments go to cli_common.positional; more than `max_positional` is an
 * error ("unexpected argument"). */
struct cli_verb_spec {
    const char *name;        /* "plan" */
    const char *usage;       /* after "aifactory plan ", e.g. "[options]" */
    const char *description; /* a paragraph, lines ending with \n */
    const char *examples;    /* worked command lines, one per line ending with \n; or NULL */
    const cli_option *options;
    int option_count;
    int max_positional;
};

/* The range of a bounded option, e.g. CLI_RANGE(0, true, 1, false) for (0, 1]. */
#define CLI_RANGE(lo, lo_open, hi, hi_open)                                                        \
    { (lo), (hi), (lo_open), (hi_open) }
#define CLI_AT_LEAST(lo) CLI_RANGE(lo, false, INFINITY, false)
#define CLI_ABOVE(lo)    CLI_RANGE(lo, true, INFINITY, false)

/* The setters. The destination's type is in the name of each. */
int cli_set_flag(const cli_value *v); /* bool = true */
int cli_set_text(const cli_value *v); /* const char * = the value */
int cli_set_path(const cli_value *v); /* const char * = the value, not empty */
/* const char * = the value, once checked as a 64-bit seed (digits): a scenario's --seed,
 * handed on as text to simulation.seed. */
int cli_set_seed_text(const cli_value *v);
int cli_set_list(const cli_value *v); /* cli_list: appends (repeatable options) */
/* The integer setters check the option's range and the destination type's: a value the
 * field cannot hold is refused with that limit, never truncated. */
int cli_set_int(const cli_value *v);      /* int64_t, a whole number within range */
int cli_set_int32(const cli_value *v);    /* int32_t, a whole number within range */
int cli_set_u64(const cli_value *v);      /* uint64_t, a whole number in [0, 2^64) */
int cli_set_number(const cli_value *v);   /* double, a plain number within range */
int cli_set_quantity(const cli_value *v); /* double, an aif_quantity of `kind` within range */
int cli_set_choice(const cli_value *v);   /* int, the index of the value in `choices` */
int cli_show_help(const cli_value *v);    /* prints the help, returns CLI_EXIT_HELP */

/* The values of a repeatable option, in order. */
#define CLI_MAX_LIST 64
typedef struct cli_list {
    const char *items[CLI_MAX_LIST];
    int count;
} cli_list;

extern const char *const cli_progress_choices[]; /* "auto", "always", "never" */

/* The options every verb accepts, first in each table. */
#define CLI_COMMON_OPTION_LIST                                                                     \
    {.name = "help", .short_name = 'h', .help = "show this help and exit", .set = cli_show_help},  \
        {.name = "json",                                                                           \
         .help = "print the result as one JSON object on stdout",                                  \
         .set = cli_set_flag,                                                                      \
         .offset = offsetof(cli_common, json)},                                                    \
        {.name = "quiet",                                                                          \
         .help = "print nothing but errors (and the JSON object with --json)",                     \
         .set = cli_set_flag,                                                                      \
         .offset = offsetof(cli_common, quiet)},                                                   \
    {                                                                                              \
        .name = "progress", .value_name = "WHEN",                                                  \
        .help = "progress on stderr: auto (TTY only), always, never", .set = cli_set_choice,       \
        .offset = offsetof(cli_common, progress), .choices = cli_progress_choices                  \
    }

/* The usual table size for a cli_verb_spec. */
#define CLI_COUNT(table) ((int)(sizeof(table) / sizeof((table)[0])))

/* Parse argv (argv[0] is the verb name) into `args`, a struct that starts with a
 * cli_common. Returns CLI_EXIT_OK, CLI_EXIT_HELP after printing the help, or
 * CLI_EXIT_USAGE after printing the reason. */
int cli_parse(const cli_verb_spec *spec, int argc, char **argv, void *args);

/* The exit status for what cli_parse returned when it was not CLI_EXIT_OK. */
int cli_parse_exit(int rc);

/* Print "aifactory VERB: <message>" and the help hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_verb_spec *spec, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print the verb's full help (usage, description, options) to `out`. */
void cli_print_help(const cli_verb_spec *spec, FILE *out);

/* The one reader of plain numbers: an optional sign, then a decimal number as
 * aif_number_scan reads it ("12", "0.5", "1.5e13"), and nothing else. */
bool cli_number_parse(const char *text, double *out);

#endif
