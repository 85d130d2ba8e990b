/* `aifactory compare A B`: the key outputs of two runs side by side (A, B, B - A, B / A,
 * with units) and the contract events that differ, in a table or with --json as one JSON
 * object; with -o DIR also a report.html drawing the two runs' time series over each
 * other. A and B are run folders written by `run -o DIR` (read, never rerun) or scenario
 * files (run here, in memory, with --set and --seed; nothing written unless -o). The
 * output folder is written privately beside its name and published whole (outdir.h).
 * Exit 0 ok, 1 runtime failure, 2 usage or input error (a folder that is not a run
 * folder, a summary.json of another schema, a scenario that does not load). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "aifactory/compare.h"
#include "aifactory/report.h"
#include "args.h"
#include "cli.h"
#include "cli_errors.h"
#include "cli_outdir.h"
#include "compare_print.h"
#include "compare_source.h"
#include "interrupt.h"
#include "json_out.h"

typedef struct compare_args {
    cli_common common;
    cli_list sets;
    const char *seed; /* digits, checked */
    const char *out;
} compare_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "set",
     .value_name = "KEY=VALUE",
     .help = "override a key of the scenario sides, e.g. simulation.end=2027-01-01 (repeatable)",
     .set = cli_set_list,
     .offset = offsetof(compare_args, sets)},
    {.name = "seed",
     .value_name = "N",
     .help = "master seed of the scenario sides (overrides simulation.seed)",
     .set = cli_set_seed_text,
     .offset = offsetof(compare_args, seed)},
    {.name = "out",
     .alias = "output",
     .short_name = 'o',
     .value_name = "DIR",
     .help = "write report.html with the two runs' charts overlaid into DIR",
     .set = cli_set_path,
     .offset = offsetof(compare_args, out)},
};

static const cli_verb_spec spec = {
    .name = "compare",
    .usage = "A B [options]",
    .description = "Compare two runs: every key output with A, B, B - A and B / A, and the\n"
                   "contract events (offers, tranches, warrants, equity, triggers, ROFR ends)\n"
                   "that differ, dated. A and B are run folders (`aifactory run -o DIR`), read\n"
                   "without rerunning, or scenario files, run here in memory with --set and\n"
                   "--seed. With -o DIR, also a report.html with the two runs' charts overlaid.\n",
    .examples = "aifactory compare data/scenarios/openai-nvidia-10gw.yaml "
                "data/scenarios/no-rofr.yaml --set simulation.end=2025-11-01\n"
                "aifactory compare no-rofr data/scenarios/loi-collapsed.yaml --set "
                "simulation.end=2026-06-01 -o vs-loi    # no-rofr: from run's example\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 2,
};

/* The output folder must not be one of the runs compared: publishing the report there
 * would replace that run's files. Compared as files (device and inode), so "./a", "a/"
 * and a link to a are caught too. */
static int check_out(const compare_args *args) {
    struct stat out, side;
    if (stat(args->out, &out) != 0) {
        return CLI_EXIT_OK; /* not there yet: it cannot be a run folder */
    }
    for (int i = 0; i < 2; i++) {
        if (stat(args->common.positional[i], &side) == 0 && side.st_dev == out.st_dev &&
            side.st_ino == out.st_ino) {
            return cli_usage_error(&spec,
                                   "-o %s is run %c itself; writing the report there would "
                                   "replace that run's files (choose another output folder)",
                                   args->out, i ? 'B' : 'A');
        }
    }
    return CLI_EXIT_OK;
}

/* Write report.html into the private folder and publish it, signals deferred. */
static int write_report(aif_outdir *od, const aif_compare *c, compare_source *a,
                        compare_source *b) {
    sigset_t saved;
    cli_signals_defer(&saved);
    char path[4200];
    snprintf(path, sizeof path, "%s/report.html", od->tmp);
    size_t nonfinite = 0;
    aif_status st = aif_compare_report_write(c, a->results, b->results, path,
                                             &(aif_report_options){.nonfinite = &nonfinite});
    int rc;
    if (st == AIF_OK) {
        rc = cli_outdir_commit("compare", od);
    } else {
        const aif_error *e = aif_results_error(a->results);
        if (e->status == AIF_OK) {
            e = aif_results_error(b->results);
        }
        fprintf(stderr, "aifactory compare: writing %s: %s\n", od->target,
                e->message[0] ? e->message : aif_strerror(st));
        cli_outdir_abort(od);
        rc = st == AIF_EPARSE ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    cli_signals_restore(&saved);
    if (rc == CLI_EXIT_OK && nonfinite > 0) {
        fprintf(stderr,
                "aifactory compare: warning: %zu infinite or NaN values are shown as empty in "
                "the report (JSON has no such numbers)\n",
                nonfinite);
    }
    return rc;
}

static int compare_main(const compare_args *args) {
    if (args->common.positional_count < 2) {
        return cli_usage_error(&spec,
                               "expected two runs to compare, A and B (run folders or "
                               "scenario files), found %d",
                               args->common.positional_count);
    }
    /* The output folder is checked and locked before any simulation, so a busy or foreign
     * folder is refused at once, not after the runs. */
    aif_outdir od;
    int rc = CLI_EXIT_OK;
    if (args->out) {
        rc = check_out(args);
        if (rc == CLI_EXIT_OK) {
            rc = cli_outdir_begin("compare", &od, args->out);
        }
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
    }
    compare_options o = {.sets = &args->sets,
                         .seed = args->seed,
                         .quiet = args->common.quiet,
                         .progress = args->common.progress};
    compare_source a = {0}, b = {0};
    rc = compare_source_open(&spec, &o, "compare A", args->common.positional[0], &a);
    if (rc == CLI_EXIT_OK) {
        rc = compare_source_open(&spec, &o, "compare B", args->common.positional[1], &b);
    }
    aif_compare *c = NULL;
    if (rc == CLI_EXIT_OK) {
        aif_error err = {0};
        aif_status st = aif_compare_create(NULL, a.results, b.results, &c, &err);
        if (st != AIF_OK) {
            cli_print_error("compare", &err, st);
            rc = st == AIF_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
        }
    }
    char report[4200] = "";
    if (args->out && rc == CLI_EXIT_OK) {
        rc = write_report(&od, c, &a, &b);
        if (rc == CLI_EXIT_OK) {
            snprintf(report, sizeof report, "%s/report.html", args->out);
        }
    } else if (args->out) {
        cli_outdir_abort(&od);
    }
    if (rc == CLI_EXIT_OK && args->common.json) {
        rc = cli_json_print("compare", compare_json(c, &a, &b, report),
                            JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(12));
    } else if (rc == CLI_EXIT_OK && !args->common.quiet) {
        compare_print_table(stdout, c, &a, &b, report);
    }
    aif_compare_destroy(c);
    compare_source_close(&a);
    compare_source_close(&b);
    return rc;
}

int cmd_compare(int argc, char **argv) {
    compare_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    return compare_main(&a);
}
