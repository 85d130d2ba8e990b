/* `aifactory validate`: validation of scenarios and models. `validate perf` compares the
 * performance model with every published anchor row (predicted, published, error) and
 * prints the MAPE per data set, fitted rows and held-out rows apart; `--refit` first refits
 * the calibration on the fitted rows. Scenario validation lands with its issue. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/perf.h"
#include "cli/args.h"
#include "cli/cli.h"

enum { OPT_REFIT = CLI_COMMON_OPTIONS };

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"refit", NULL, "perf: refit the calibration on the fitted rows before comparing"},
};

static const cli_verb_spec spec = {
    .name = "validate",
    .usage = "(SCENARIO | perf) [options]",
    .description = "Check a scenario file and list every error with file:line:col, or "
                   "(validate\nperf) compare the performance model with published results.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

static const char *const datasets[] = {"mlperf-train-gpt3", "llama3-train", "mlperf-inf-llama2",
                                       "trtllm", "splitwise"};
enum { DATASET_COUNT = sizeof datasets / sizeof datasets[0] };

static int validate_perf(const cli_common *common, int refit) {
    aif_perf_calib calib = *aif_perf_calib_default();
    if (refit && aif_perf_fit(aif_perf_calib_default(), &calib) != AIF_OK) {
        fprintf(stderr, "aifactory validate: refit failed\n");
        return CLI_EXIT_FAILURE;
    }
    int n = aif_perf_anchor_count();
    aif_perf_check rows[256];
    if (n > 256 || aif_perf_validate(&calib, rows) != AIF_OK) {
        fprintf(stderr, "aifactory validate: validation failed\n");
        return CLI_EXIT_FAILURE;
    }
    if (common->json) {
        printf("{\"rows\":[");
        for (int i = 0; i < n; i++) {
            printf("%s{\"dataset\":\"%s\",\"label\":\"%s\",\"unit\":\"%s\",\"held_out\":%s,"
                   "\"predicted\":%.6g,\"published\":%.6g,\"error\":%.4f}",
                   i ? "," : "", rows[i].dataset, rows[i].label, rows[i].unit,
                   rows[i].held_out ? "true" : "false", rows[i].predicted, rows[i].published,
                   rows[i].error);
        }
        printf("],\"mape\":[");
        for (int d = 0; d < DATASET_COUNT; d++) {
            int kf, kh;
            double f = aif_perf_mape(rows, n, datasets[d], 0, &kf);
            double h = aif_perf_mape(rows, n, datasets[d], 1, &kh);
            printf("%s{\"dataset\":\"%s\",\"fitted_rows\":%d,\"fitted_mape\":%.4f,"
                   "\"held_out_rows\":%d,\"held_out_mape\":%.4f}",
                   d ? "," : "", datasets[d], kf, f, kh, h);
        }
        printf("]}\n");
        return CLI_EXIT_OK;
    }
    if (common->quiet) {
        return CLI_EXIT_OK;
    }
    for (int held = 0; held <= 1; held++) {
        printf("%s\n", held ? "Held-out rows (not used by the fit)"
                            : "Fitted rows (used by the calibration)");
        printf("  %-18s %-36s %12s %12s %8s  %s\n", "dataset", "row", "predicted", "published",
               "error", "unit");
        for (int i = 0; i < n; i++) {
            if (rows[i].held_out != held) {
                continue;
            }
            printf("  %-18s %-36s %12.5g %12.5g %+7.1f%%  %s\n", rows[i].dataset, rows[i].label,
                   rows[i].predicted, rows[i].published, 100 * rows[i].error, rows[i].unit);
        }
        printf("\n");
    }
    printf("MAPE per data set (fitted | held out)\n");
    for (int d = 0; d < DATASET_COUNT; d++) {
        int kf, kh;
        double f = aif_perf_mape(rows, n, datasets[d], 0, &kf);
        double h = aif_perf_mape(rows, n, datasets[d], 1, &kh);
        char fs[32] = "-", hs[32] = "-";
        if (kf) {
            snprintf(fs, sizeof fs, "%.1f%% (%d)", 100 * f, kf);
        }
        if (kh) {
            snprintf(hs, sizeof hs, "%.1f%% (%d)", 100 * h, kh);
        }
        printf("  %-18s %14s | %s\n", datasets[d], fs, hs);
    }
    return CLI_EXIT_OK;
}

int cmd_validate(int argc, char **argv) {
    cli_parser p;
    cli_common common = {.progress = "auto"};
    const char *target = NULL;
    int refit = 0;
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
            if (target) {
                return cli_usage_error(&spec, "unexpected argument '%s'", p.value);
            }
            target = p.value;
            continue;
        }
        if (opt == OPT_REFIT) {
            refit = 1;
            continue;
        }
        int rc = cli_common_apply(&common, &p, opt);
        if (rc != CLI_EXIT_OK) {
            return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (target && strcmp(target, "perf") == 0) {
        return validate_perf(&common, refit);
    }
    fprintf(stderr, "aifactory validate: scenario validation is not implemented yet\n");
    return CLI_EXIT_FAILURE;
}
