/* `aifactory report DIR`: regenerate DIR/report.html from the results database
 * DIR/results.sqlite (see docs/results.md). Exit 0 on success, 2 when DIR holds no usable
 * results database (missing, foreign or of another schema version), 1 when the report
 * cannot be written. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/report.h"
#include "aifactory/results.h"
#include "args.h"
#include "cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "report",
    .usage = "DIR [options]",
    .description = "Regenerate the HTML report of a run from its results database in DIR.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_report(int argc, char **argv) {
    cli_parser p;
    cli_common common = {.progress = "auto"};
    const char *dir = NULL;
    cli_parser_init(&p, &spec, argc, argv);
    for (;;) {
        int opt = cli_parser_next(&p);
        if (opt == CLI_PARSE_DONE) {
            break;
        }
        if (opt == CLI_PARSE_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (opt == CLI_PARSE_POSITIONAL) {
            if (dir != NULL) {
                return cli_usage_error(&spec, "one DIR expected, also got '%s'", p.value);
            }
            dir = p.value;
            continue;
        }
        int rc = cli_common_apply(&common, &p, opt);
        if (rc != CLI_EXIT_OK) {
            return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (dir == NULL) {
        return cli_usage_error(&spec, "missing DIR (a run's output folder)");
    }
    char db_path[4096], html_path[4096];
    snprintf(db_path, sizeof db_path, "%s/results.sqlite", dir);
    snprintf(html_path, sizeof html_path, "%s/report.html", dir);
    aif_error err = {0};
    aif_results *r = NULL;
    aif_status st = aif_results_open(NULL, db_path, &r, &err);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory report: %s\n", err.message);
        return st == AIF_EIO || st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    st = aif_report_write(r, 0, html_path, NULL);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory report: %s\n", aif_results_error(r)->message);
        aif_results_close(r);
        return st == AIF_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    aif_results_close(r);
    if (common.json) {
        json_t *o = json_pack("{s:s, s:s, s:b}", "report", html_path, "database", db_path,
                              "chart_library", aif_report_has_chart_library());
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (text) {
            printf("%s\n", text);
        }
        json_decref(o);
        free(text);
    } else if (!common.quiet) {
        printf("report: %s\n", html_path);
    }
    return CLI_EXIT_OK;
}
