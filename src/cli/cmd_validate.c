/* `aifactory validate`: validation of scenarios and models. `validate fleet` holds the fleet
 * model (planner counts, capex) against public anchors (validate_fleet.h) and exits 1 when a
 * row misses its tolerance. `validate perf` compares the
 * performance model with every published anchor row (predicted, published, error) and
 * prints the MAPE per data set, fitted rows and held-out rows apart; `--refit` first refits
 * the calibration on the fitted rows. `validate serve` holds `perf --workload
 * server|interactive` (the serving simulator) against every MLPerf Llama-2-70B server and
 * interactive row we hold (validate_serve.h). `validate SCENARIO` binds a scenario file (or the
 * embedded default, by name or with no argument), applies any --set overrides, and lists
 * every error as file:line:col (exit 2), or prints "ok" and a short summary (exit 0). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/fleet.h"
#include "aifactory/perf.h"
#include "aifactory/scenario.h"
#include "aifactory/units.h"
#include "args.h"
#include "cli.h"
#include "cli_catalog.h"
#include "cli_scenario.h"
#include "json_out.h"
#include "validate_fleet.h"
#include "validate_serve.h"

typedef struct validate_args {
    cli_common common;
    bool refit;
    cli_list sets;
    double stage_overlap_p; /* 0: the committed value */
} validate_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "refit",
     .help = "perf: refit the calibration on the fitted rows before comparing",
     .set = cli_set_flag,
     .offset = offsetof(validate_args, refit)},
    {.name = "set",
     .value_name = "KEY=VALUE",
     .help = "override a scenario key, e.g. sites.0.phases.0.power=2GW (repeatable; with\n"
             "fleet, of the default scenario it runs)",
     .set = cli_set_list,
     .offset = offsetof(validate_args, sets)},
    {.name = "stage-overlap",
     .value_name = "P",
     .help = "perf: overlap exponent of a serving iteration's weight GEMMs, 1 (additive, the\n"
             "committed model) to 64 (max of memory and math); with --refit, refit around it",
     .set = cli_set_number,
     .offset = offsetof(validate_args, stage_overlap_p),
     .range = CLI_RANGE(1, false, 64, false),
     .expects = "a number from 1 to 64"},
};

static const cli_verb_spec spec = {
    .name = "validate",
    .usage = "[SCENARIO | perf | serve | fleet] [options]",
    .description =
        "Check a scenario file (default: the embedded openai-nvidia-10gw) and list every\n"
        "error with file:line:col, or (validate perf) compare the performance model with\n"
        "published results, or (validate serve) the serving simulator's goodput with every\n"
        "MLPerf Llama-2-70B server and interactive result held, or (validate fleet) hold\n"
        "the planner's counts and capex and a run of the default scenario (with any --set)\n"
        "against public anchors, one row each (model, reference, error, tolerance, source);\n"
        "validate fleet exits 0 when every row is within its tolerance, 1 when one misses.\n",
    .examples = "aifactory validate data/scenarios/no-rofr.yaml\n"
                "aifactory validate perf --json\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 1,
};

static const char *const datasets[] = {
    "mlperf-train-gpt3", "llama3-train", "mlperf-inf-llama2", "trtllm",
    "splitwise",         "gpu-kernels",  "gpu-attention"};
enum { DATASET_COUNT = sizeof datasets / sizeof datasets[0] };

/* Every row and the MAPE per data set, as one JSON object; errors to 4 decimals. */
static int print_perf_json(const aif_perf_check *rows, int n) {
    json_t *jrows = json_array(), *jmape = json_array();
    for (int i = 0; i < n; i++) {
        const aif_perf_check *r = &rows[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:o,s:o,s:o}", "dataset", r->dataset, "label",
                              r->label, "unit", r->unit, "held_out", r->held_out, "predicted",
                              cli_json_g(r->predicted, 6), "published", cli_json_g(r->published, 6),
                              "error", cli_json_fixed(r->error, 4));
        json_array_append_new(jrows, o);
    }
    for (int d = 0; d < DATASET_COUNT; d++) {
        int kf, kh;
        double f = aif_perf_mape(rows, n, datasets[d], 0, &kf);
        double h = aif_perf_mape(rows, n, datasets[d], 1, &kh);
        json_array_append_new(jmape, json_pack("{s:s,s:i,s:o,s:i,s:o}", "dataset", datasets[d],
                                               "fitted_rows", kf, "fitted_mape",
                                               cli_json_fixed(f, 4), "held_out_rows", kh,
                                               "held_out_mape", cli_json_fixed(h, 4)));
    }
    json_t *root = json_pack("{s:o,s:o}", "rows", jrows, "mape", jmape);
    return cli_json_print("validate", root,
                          JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
}

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
        return print_perf_json(rows, n);
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

/* The load's errors (already on stderr) as JSON: file, line, col, message. */
static json_t *errors_json(const aif_scenario *sc) {
    json_t *errs = json_array();
    const aif_error_list *list = aif_scenario_errors(sc);
    const aif_error *e;
    for (size_t i = 0; (e = aif_error_list_at(list, i)) != NULL; i++) {
        json_array_append_new(errs,
                              json_pack("{s:s,s:i,s:i,s:s}", "file", e->file, "line", (int)e->line,
                                        "col", (int)e->col, "message", e->message));
    }
    return errs;
}

static int print_scenario_json(const aif_scenario *sc, aif_status st, const char *start,
                               const char *end) {
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_boolean(st == AIF_OK));
    json_object_set_new(o, "errors", errors_json(sc));
    if (st == AIF_OK) {
        const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
        const aif_scenario_investments *inv = aif_scenario_investments_get(sc);
        json_object_set_new(o, "scenario", json_string(aif_scenario_name(sc)));
        json_object_set_new(o, "start", json_string(start));
        json_object_set_new(o, "end", json_string(end));
        json_object_set_new(o, "seed",
                            json_integer((json_int_t)aif_scenario_simulation_get(sc)->seed));
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
    int rc = cli_json_print("validate", o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    return st != AIF_OK ? CLI_EXIT_USAGE : rc;
}

static void print_scenario_text(const aif_scenario *sc, const char *start, const char *end) {
    char power[48];
    aif_quantity_format(phase_total_w(sc), AIF_QTY_POWER, power, sizeof power);
    printf("ok: %s, %s to %s, seed %llu\n", aif_scenario_name(sc), start, end,
           (unsigned long long)aif_scenario_simulation_get(sc)->seed);
    size_t np = aif_scenario_provider_count(sc), ns = aif_scenario_site_count(sc);
    printf("  %zu %s, %zu %s, %s of phases\n", np, np == 1 ? "provider" : "providers", ns,
           ns == 1 ? "site" : "sites", power);
    const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
    const aif_scenario_investments *inv = aif_scenario_investments_get(sc);
    const struct {
        size_t n;
        const char *one, *many;
    } counts[] = {
        {k->commitment_count, "commitment", "commitments"},
        {k->rofr_count, "ROFR", "ROFRs"},
        {k->revenue_share_count, "revenue share", "revenue shares"},
        {inv->tranche_count, "tranche", "tranches"},
        {inv->warrant_count, "warrant", "warrants"},
        {inv->equity_round_count, "equity round", "equity rounds"},
        {aif_scenario_inference_get(sc)->class_count, "model class", "model classes"},
        {aif_scenario_training_get(sc)->frontier_run_count, "frontier run", "frontier runs"},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        /* Two lines: contracts and money, then demand. */
        const char *lead = i == 0 || i == 6 ? "  " : ", ";
        printf("%s%zu %s", lead, counts[i].n, counts[i].n == 1 ? counts[i].one : counts[i].many);
        if (i == 5 || i == 7) {
            printf("\n");
        }
    }
}

static int validate_scenario(const cli_common *common, const char *target, const cli_list *sets) {
    aif_scenario *sc = NULL;
    aif_status st = AIF_OK;
    int rc = cli_scenario_open(&spec, target, sets, NULL, &sc, &st);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    char start[16] = "", end[16] = "";
    const aif_scenario_simulation *sim = aif_scenario_simulation_get(sc);
    if (sim) {
        aif_date_format(sim->start_date, start);
        aif_date_format(sim->end_date, end);
    }
    rc = st == AIF_OK ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (common->json) {
        rc = print_scenario_json(sc, st, start, end);
    } else if (st == AIF_OK && !common->quiet) {
        print_scenario_text(sc, start, end);
    }
    aif_scenario_destroy(sc);
    return rc;
}

/* The default scenario with `sets`, simulated in process for the run-based rows. On
 * failure *fleet stays NULL and *why says what went wrong (the rows show it); a --set that is
 * not KEY=VALUE, or a scenario that does not bind, is a usage error (exit 2) as for run. */
static int fleet_run(const cli_list *sets, aif_scenario **sc, aif_fleet_input *in,
                     aif_fleet **fleet, aif_error *why) {
    aif_status st = AIF_OK;
    int rc = cli_scenario_open(&spec, NULL, sets, NULL, sc, &st);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (st != AIF_OK) {
        return CLI_EXIT_USAGE;
    }
    aif_fleet_input_from_scenario(*sc, in);
    st = aif_fleet_create(NULL, in, fleet, why);
    if (st == AIF_OK) {
        st = aif_fleet_run(*fleet, NULL, NULL);
        if (st != AIF_OK) {
            aif_error_set(why, st, "simulation failed: %s", aif_strerror(st));
            aif_fleet_destroy(*fleet);
            *fleet = NULL;
        }
    }
    return CLI_EXIT_OK;
}

/* Exit 0 when every anchor row passes, 1 when one misses (so CI can run it). */
static int validate_fleet(const cli_common *common, const cli_list *sets) {
    aif_catalog *cat = NULL;
    int rc = cli_catalog_open("validate", NULL, 0, &cat);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    aif_scenario *sc = NULL;
    aif_fleet_input in;
    aif_fleet *fleet = NULL;
    aif_error why = {0};
    vf_table *t = NULL;
    rc = fleet_run(sets, &sc, &in, &fleet, &why);
    if (rc == CLI_EXIT_OK && (t = calloc(1, sizeof *t)) == NULL) {
        fprintf(stderr, "aifactory validate: out of memory\n");
        rc = CLI_EXIT_FAILURE;
    }
    if (rc == CLI_EXIT_OK) {
        vf_context ctx = {
            .catalog = cat, .input = &in, .fleet = fleet, .run_error = fleet ? NULL : why.message};
        vf_collect(&ctx, t);
        if (common->json) {
            rc = vf_print_json(t);
        } else if (!common->quiet) {
            rc = vf_print_text(t);
        }
        if (rc == CLI_EXIT_OK && !vf_all_ok(t)) {
            rc = CLI_EXIT_FAILURE;
        }
    }
    free(t);
    aif_fleet_destroy(fleet);
    aif_scenario_destroy(sc);
    aif_catalog_destroy(cat);
    return rc;
}

int cmd_validate(int argc, char **argv) {
    validate_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    const char *target = a.common.positional[0];
    if (target && strcmp(target, "perf") == 0) {
        return validate_perf(&a.common, a.refit, a.stage_overlap_p);
    }
    if (target && strcmp(target, "fleet") == 0) {
        if (a.refit || a.stage_overlap_p > 0) {
            return cli_usage_error(&spec, "--refit and --stage-overlap do not apply to "
                                          "'validate fleet'");
        }
        return validate_fleet(&a.common, &a.sets);
    }
    if (target && strcmp(target, "serve") == 0) {
        if (a.refit || a.stage_overlap_p > 0 || a.sets.count > 0) {
            return cli_usage_error(&spec, "--refit, --stage-overlap and --set do not apply to "
                                          "'validate serve'");
        }
        return validate_serve(&a.common);
    }
    if (a.stage_overlap_p > 0) {
        return cli_usage_error(&spec, "--stage-overlap applies to 'validate perf' only");
    }
    return validate_scenario(&a.common, target, &a.sets);
}
