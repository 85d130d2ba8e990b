/* `aifactory validate`: validation of scenarios and models. `validate perf` compares the
 * performance model with every published anchor row (predicted, published, error) and
 * prints the MAPE per data set, fitted rows and held-out rows apart; `--refit` first refits
 * the calibration on the fitted rows. `validate SCENARIO` binds a scenario file (or the
 * embedded default, by name or with no argument), applies any --set overrides, and lists
 * every error as file:line:col (exit 2), or prints "ok" and a short summary (exit 0). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/perf.h"
#include "aifactory/scenario.h"
#include "aifactory/units.h"
#include "args.h"
#include "cli.h"

enum { OPT_REFIT = CLI_COMMON_OPTIONS, OPT_SET, OPT_STAGE_OVERLAP };

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"refit", NULL, "perf: refit the calibration on the fitted rows before comparing"},
    {"set", "KEY=VALUE", "override a scenario key, e.g. sites.0.phases.0.power=2GW (repeatable)"},
    {"stage-overlap", "P",
     "perf: overlap exponent of a serving iteration's weight GEMMs, 1 (additive, the\n"
     "committed model) to 64 (max of memory and math); with --refit, refit around it"},
};

static const cli_verb_spec spec = {
    .name = "validate",
    .usage = "[SCENARIO | perf] [options]",
    .description = "Check a scenario file (default: the embedded openai-nvidia-10gw) and "
                   "list every\nerror with file:line:col, or (validate perf) compare the "
                   "performance model with\npublished results.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

static const char *const datasets[] = {
    "mlperf-train-gpt3", "llama3-train", "mlperf-inf-llama2", "trtllm",
    "splitwise",         "gpu-kernels",  "gpu-attention"};
enum { DATASET_COUNT = sizeof datasets / sizeof datasets[0] };

static int validate_perf(const cli_common *common, int refit, double stage_overlap_p) {
    aif_perf_calib start = *aif_perf_calib_default();
    if (stage_overlap_p > 0) {
        start.stage_overlap_p = stage_overlap_p;
    }
    aif_perf_calib calib = start;
    if (refit && aif_perf_fit(&start, &calib) != AIF_OK) {
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
    if (refit) {
        /* The values to paste into src/model/perf_calib.c after a change to the model. */
        printf("Refitted parameters\n  train_eff %.6g  dp_overlap %.6g\n"
               "  serve: compute_eff %.6g  iter_overhead_s %.6g  mlperf_input_tokens %.6g\n"
               "  research: compute_eff %.6g  iter_overhead_s %.6g  collective_latency_s %.6g  "
               "act_passes %.6g\n\n",
               calib.train_eff, calib.dp_overlap, calib.serve.compute_eff,
               calib.serve.iter_overhead_s, calib.mlperf_input_tokens, calib.research.compute_eff,
               calib.research.iter_overhead_s, calib.research.collective_latency_s,
               calib.research.act_passes);
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

static double phase_total_w(const aif_scenario *sc) {
    double w = 0;
    for (size_t i = 0; i < aif_scenario_site_count(sc); i++) {
        const aif_scenario_site *site = aif_scenario_site_at(sc, i);
        for (size_t k = 0; k < site->phase_count; k++) {
            w += site->phases[k].power_w;
        }
    }
    return w;
}

static int validate_scenario(const cli_common *common, const char *target, char **sets,
                             int set_count) {
    aif_scenario *sc = NULL;
    if (aif_scenario_create(NULL, &sc) != AIF_OK) {
        fprintf(stderr, "aifactory validate: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    for (int i = 0; i < set_count; i++) {
        if (aif_scenario_set(sc, sets[i]) != AIF_OK) {
            aif_scenario_destroy(sc);
            return cli_usage_error(&spec, "--set expects KEY=VALUE with a dotted key, found '%s'",
                                   sets[i]);
        }
    }
    FILE *probe = target ? fopen(target, "rb") : NULL;
    if (probe) {
        fclose(probe);
    }
    aif_status st;
    if (probe == NULL && (target == NULL || strcmp(target, aif_scenario_default_name()) == 0)) {
        st = aif_scenario_load_default(sc);
    } else {
        st = aif_scenario_load_file(sc, target);
    }
    if (st == AIF_ENOMEM) {
        fprintf(stderr, "aifactory validate: out of memory\n");
        aif_scenario_destroy(sc);
        return CLI_EXIT_FAILURE;
    }
    size_t n = aif_scenario_error_count(sc);
    json_t *errs = common->json ? json_array() : NULL;
    for (size_t i = 0; i < n && i < AIF_SCENARIO_MAX_ERRORS; i++) {
        const aif_scenario_error *e = aif_scenario_error_at(sc, i);
        if (e->line > 0) {
            fprintf(stderr, "%s:%d:%d: error: %s\n", e->file, e->line, e->col, e->message);
        } else {
            fprintf(stderr, "%s: error: %s\n", e->file, e->message);
        }
        if (errs) {
            json_array_append_new(errs, json_pack("{s:s,s:i,s:i,s:s}", "file", e->file, "line",
                                                  e->line, "col", e->col, "message", e->message));
        }
    }
    if (n > AIF_SCENARIO_MAX_ERRORS) {
        fprintf(stderr, "aifactory validate: %zu more errors not shown\n",
                n - AIF_SCENARIO_MAX_ERRORS);
    }
    int rc = st == AIF_OK ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (st != AIF_OK && n == 0) {
        fprintf(stderr, "aifactory validate: %s\n", aif_strerror(st));
    }
    char start[16] = "", end[16] = "";
    const aif_scenario_simulation *sim = aif_scenario_simulation_get(sc);
    if (sim) {
        aif_date_format(sim->start_date, start);
        aif_date_format(sim->end_date, end);
    }
    if (common->json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_boolean(st == AIF_OK));
        json_object_set_new(o, "errors", errs);
        if (st == AIF_OK) {
            const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
            const aif_scenario_investments *inv = aif_scenario_investments_get(sc);
            json_object_set_new(o, "scenario", json_string(aif_scenario_name(sc)));
            json_object_set_new(o, "start", json_string(start));
            json_object_set_new(o, "end", json_string(end));
            json_object_set_new(o, "seed", json_integer((json_int_t)sim->seed));
            json_object_set_new(o, "providers",
                                json_integer((json_int_t)aif_scenario_provider_count(sc)));
            json_object_set_new(o, "sites", json_integer((json_int_t)aif_scenario_site_count(sc)));
            json_object_set_new(o, "power_w", json_real(phase_total_w(sc)));
            json_object_set_new(o, "commitments", json_integer((json_int_t)k->commitment_count));
            json_object_set_new(o, "rofrs", json_integer((json_int_t)k->rofr_count));
            json_object_set_new(o, "tranches", json_integer((json_int_t)inv->tranche_count));
            json_object_set_new(
                o, "frontier_runs",
                json_integer((json_int_t)aif_scenario_training_get(sc)->frontier_run_count));
        }
        char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
        if (text) {
            printf("%s\n", text);
            free(text);
        }
        json_decref(o);
    } else if (st == AIF_OK && !common->quiet) {
        char power[48];
        aif_quantity_format(phase_total_w(sc), AIF_QTY_POWER, power, sizeof power);
        printf("ok: %s, %s to %s, seed %llu\n", aif_scenario_name(sc), start, end,
               (unsigned long long)sim->seed);
        printf("  %zu providers, %zu sites, %s of phases\n", aif_scenario_provider_count(sc),
               aif_scenario_site_count(sc), power);
        const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
        const aif_scenario_investments *inv = aif_scenario_investments_get(sc);
        printf("  %zu commitments, %zu ROFRs, %zu revenue shares, %zu tranches, %zu warrants, "
               "%zu equity rounds\n",
               k->commitment_count, k->rofr_count, k->revenue_share_count, inv->tranche_count,
               inv->warrant_count, inv->equity_round_count);
        printf("  %zu model classes, %zu frontier runs\n",
               aif_scenario_inference_get(sc)->class_count,
               aif_scenario_training_get(sc)->frontier_run_count);
    }
    aif_scenario_destroy(sc);
    return rc;
}

int cmd_validate(int argc, char **argv) {
    cli_parser p;
    cli_common common = {.progress = "auto"};
    const char *target = NULL;
    int refit = 0;
    double stage_overlap_p = 0; /* 0: the committed value */
    char *sets[64];
    int set_count = 0;
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
        if (opt == OPT_STAGE_OVERLAP) {
            char *end = NULL;
            stage_overlap_p = strtod(p.value, &end);
            if (end == p.value || *end != '\0' ||
                !(stage_overlap_p >= 1 && stage_overlap_p <= 64)) {
                return cli_usage_error(
                    &spec, "--stage-overlap expects a number from 1 to 64, got '%s'", p.value);
            }
            continue;
        }
        if (opt == OPT_SET) {
            if (set_count == 64) {
                return cli_usage_error(&spec, "at most 64 --set options");
            }
            sets[set_count++] = (char *)p.value;
            continue;
        }
        int rc = cli_common_apply(&common, &p, opt);
        if (rc != CLI_EXIT_OK) {
            return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (target && strcmp(target, "perf") == 0) {
        return validate_perf(&common, refit, stage_overlap_p);
    }
    if (stage_overlap_p > 0) {
        return cli_usage_error(&spec, "--stage-overlap applies to 'validate perf' only");
    }
    return validate_scenario(&common, target, sets, set_count);
}
