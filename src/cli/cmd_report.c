/* `aifactory report DIR`: regenerate the HTML report from the results database
 * DIR/results.sqlite (see docs/results.md), into DIR/report.html or, with -o/--out, into
 * another folder. Exit 0 on success, 2 when DIR holds no usable results database
 * (missing, foreign or of another schema version), 1 when the report cannot be written. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aifactory/outdir.h"
#include "aifactory/report.h"
#include "aifactory/results.h"
#include "aifactory/syserr.h"
#include "cli_errors.h"
#include "args.h"
#include "cli.h"
#include "json_out.h"

typedef struct report_args {
    cli_common common;
    const char *out;
} report_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "out",
     .alias = "output",
     .short_name = 'o',
     .value_name = "DIR",
     .help = "write report.html into DIR instead of the run's folder",
     .set = cli_set_path,
     .offset = offsetof(report_args, out)},
};

static const cli_verb_spec spec = {
    .name = "report",
    .usage = "DIR [options]",
    .description = "Regenerate the HTML report of a run from its results database in DIR.\n",
    .examples = "aifactory report no-rofr    # rewrites no-rofr/report.html\n"
                "aifactory report philly -o philly-report.html\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 1,
};

static int print_result(const report_args *a, const char *html_path, const char *db_path) {
    if (a->common.json) {
        json_t *o = json_pack("{s:s, s:s, s:b}", "report", html_path, "database", db_path,
                              "chart_library", aif_report_has_chart_library());
        return cli_json_print("report", o, JSON_COMPACT);
    }
    if (!a->common.quiet) {
        printf("report: %s\n", html_path);
    }
    return CLI_EXIT_OK;
}

int cmd_report(int argc, char **argv) {
    report_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    const char *dir = a.common.positional[0];
    if (dir == NULL) {
        return cli_usage_error(&spec, "missing DIR (a run's output folder)");
    }
    char db_path[4096], html_path[4096];
    snprintf(db_path, sizeof db_path, "%s/results.sqlite", dir);
    snprintf(html_path, sizeof html_path, "%s/report.html", a.out ? a.out : dir);
    aif_error err = {0};
    aif_results *r = NULL;
    aif_status st = aif_results_open(NULL, db_path, &r, &err);
    if (st != AIF_OK) {
        cli_print_error("report", &err, st);
        return st == AIF_EIO || st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    /* The folder's lock (outdir.h): a `run -o` or `replay -o` swapping the folder meanwhile
     * could otherwise get this report of the old results into its new folder. A lock file
     * that cannot be created (the folder's parent is read-only, as a shared results
     * folder may be) cannot be held by a writer either, so the report goes on without. */
    aif_outdir lock;
    st = aif_outdir_lock(&lock, a.out ? a.out : dir, &err);
    if (st == AIF_EINVAL || st == AIF_ESTATE) {
        cli_print_error("report", &err, st);
        aif_results_close(r);
        return st == AIF_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    if (a.out && mkdir(a.out, 0777) != 0 && errno != EEXIST) {
        char why[AIF_SYSERR_MAX];
        fprintf(stderr, "aifactory report: cannot create %s: %s\n", a.out, aif_syserr(errno, why));
        aif_outdir_abort(&lock);
        aif_results_close(r);
        return CLI_EXIT_FAILURE;
    }
    size_t nonfinite = 0;
    st = aif_report_write(r, 0, html_path, &(aif_report_options){.nonfinite = &nonfinite});
    aif_outdir_abort(&lock);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory report: %s\n", aif_results_error(r)->message);
        aif_results_close(r);
        /* No such run, or results that are not aifactory's (not UTF-8): bad input. */
        return st == AIF_ENOTFOUND || st == AIF_EPARSE ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    if (nonfinite > 0) {
        fprintf(stderr,
                "aifactory report: warning: %zu infinite or NaN values are shown as empty "
                "(JSON has no such numbers)\n",
                nonfinite);
    }
    aif_results_close(r);
    return print_result(&a, html_path, db_path);
}
