/* `aifactory validate serve` (validate_serve.h). Rows are compiled in; the files under
 * data/validation/ are their record. One simulation per (hardware, TP, precision,
 * workload) serves every row of that layout: a system's goodput is its replicas times one
 * replica's (aif_perf_serve_goodput), so the 31 rows cost 5 simulations. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/models.h"
#include "aifactory/perf.h"
#include "aifactory/perf_serve.h"
#include "cli.h"
#include "json_out.h"
#include "validate_serve.h"
#include "validate_serve_curve.h"

/* Held to the target for goodput at an SLO (10%); docs/validate.md. */
#define TOLERANCE 0.10

typedef struct serve_row {
    const char *name; /* round, submitter, system */
    const char *hw;   /* built-in hardware id */
    aif_precision precision;
    long gpus;
    int tp; /* the submitted layout where known (NVIDIA's harness), else the model's pick */
    aif_workload workload;
    double published;        /* completed output tokens/s, whole system */
    double ttft_ms, tpot_ms; /* published p99s, for the record */
} serve_row;

#define SRV AIF_WORKLOAD_SERVER
#define INT AIF_WORKLOAD_INTERACTIVE
#define P8  AIF_PREC_FP8
#define P4  AIF_PREC_FP4

/* data/validation/mlperf_inference_v4.1_llama2-70b.csv: every closed llama2-70b-99 Server
 * row on H100-SXM, H200-SXM (the CTS and MaxQ variants on the 700 W H200 model) and B200,
 * at the layouts of NVIDIA's v4.1 harness (H100 TP2, H200 and B200 TP1; docs/perf.md).
 * data/validation/mlperf_inference_v5.0_llama2-70b_server.csv: NVIDIA's v5.0 Server and
 * interactive rows (layouts ASSUMED as v4.1's; interactive TP: the model's pick). */
static const serve_row rows[] = {
    {"v4.1 ASUSTeK ESC_N8_E11_H100x8", "h100", P8, 8, 2, SRV, 20605.31, 350.7, 125.4},
    {"v4.1 Dell XE8640_H100x4", "h100", P8, 4, 2, SRV, 9522.20, 495.0, 186.4},
    {"v4.1 Dell XE9640_H100x4", "h100", P8, 4, 2, SRV, 8937.82, 389.2, 136.6},
    {"v4.1 Dell XE9680_H100x8", "h100", P8, 8, 2, SRV, 21589.17, 474.0, 179.8},
    {"v4.1 Dell XE9680_H200x8", "h200", P8, 8, 1, SRV, 29739.88, 489.2, 158.9},
    {"v4.1 Fujitsu GX2560M7_H100x4", "h100", P8, 4, 2, SRV, 9493.99, 497.9, 188.3},
    {"v4.1 GigaComputing G593_SD1_H200x8", "h200", P8, 8, 1, SRV, 29715.28, 572.4, 195.8},
    {"v4.1 Google DGX-H100x8", "h100", P8, 8, 2, SRV, 21588.35, 484.3, 184.3},
    {"v4.1 HPE Cray_XD670_H100x8", "h100", P8, 8, 2, SRV, 23132.81, 381.8, 141.0},
    {"v4.1 Juniper DGX-H100x16", "h100", P8, 16, 2, SRV, 41091.60, 610.6, 164.3},
    {"v4.1 Juniper DGX-H100x32", "h100", P8, 32, 2, SRV, 82273.20, 599.5, 162.4},
    {"v4.1 Lenovo H200x8", "h200", P8, 8, 1, SRV, 30068.50, 555.7, 189.1},
    {"v4.1 Lenovo 8xH200", "h200", P8, 8, 1, SRV, 30438.66, 561.0, 191.2},
    {"v4.1 NVIDIA B200x1 (fp4)", "b200", P4, 1, 1, SRV, 10755.59, 357.2, 151.9},
    {"v4.1 NVIDIA DGX-H100x8", "h100", P8, 8, 2, SRV, 21605.79, 461.3, 175.4},
    {"v4.1 NVIDIA H200-CTSx1", "h200", P8, 1, 1, SRV, 4202.30, 496.6, 167.9},
    {"v4.1 NVIDIA H200-CTSx8", "h200", P8, 8, 1, SRV, 32789.74, 510.4, 181.5},
    {"v4.1 NVIDIA H200x8", "h200", P8, 8, 1, SRV, 29228.22, 452.7, 146.0},
    {"v4.1 NVIDIA H200x8 MaxQ", "h200", P8, 8, 1, SRV, 23113.14, 519.3, 158.8},
    {"v4.1 NVIDIA H200x8 Triton", "h200", P8, 8, 1, SRV, 30128.44, 533.6, 176.8},
    {"v4.1 Supermicro AS_4125GS_H100x8", "h100", P8, 8, 2, SRV, 23699.66, 1387.1, 175.3},
    {"v4.1 Supermicro AS_8125GS_H100x8", "h100", P8, 8, 2, SRV, 21775.48, 1247.5, 188.1},
    {"v4.1 Supermicro SYS_421GE_H100x8", "h100", P8, 8, 2, SRV, 21888.60, 1753.0, 190.7},
    {"v4.1 Supermicro SYS_821GE_H100x8", "h100", P8, 8, 2, SRV, 21986.02, 862.0, 188.2},
    {"v4.1 SMC H100x8", "h100", P8, 8, 2, SRV, 21326.97, 495.8, 187.0},
    {"v5.0 NVIDIA DGX-H100x8", "h100", P8, 8, 2, SRV, 31106.28, 1450.7, 141.4},
    {"v5.0 NVIDIA H200x8", "h200", P8, 8, 1, SRV, 33071.46, 937.6, 181.9},
    {"v5.0 NVIDIA B200x1 (fp4)", "b200", P4, 1, 1, SRV, 12078.40, 1292.9, 159.0},
    {"v5.0 NVIDIA B200x8 (fp4)", "b200", P4, 8, 1, SRV, 98443.30, 1567.2, 159.1},
    {"v5.0 NVIDIA H200x8 interactive", "h200", P8, 8, 0, INT, 19424.25, 363.3, 35.7},
    {"v5.0 NVIDIA B200x8 interactive (fp4)", "b200", P4, 8, 0, INT, 59409.25, 212.3, 39.1},
};
enum { ROW_COUNT = sizeof rows / sizeof rows[0] };

/* One simulated layout: per-GPU goodput, reused by every row of that layout. */
typedef struct layout_memo {
    const char *hw;
    aif_precision precision;
    int tp;
    aif_workload workload;
    aif_status status;
    aif_perf_serve_result r;
} layout_memo;

typedef struct row_out {
    double model, closed_form; /* system output tokens/s; NAN when not computed */
    int tp;
    const char *why;
} row_out;

/* Simulate row `w`'s layout, or reuse it. The GPU count only scales: one replica's
 * goodput is simulated (perf_serve.h), so any multiple of tp shares the answer. */
static const layout_memo *layout_for(const serve_row *w, layout_memo *memo, int *count) {
    for (int i = 0; i < *count; i++) {
        layout_memo *m = &memo[i];
        if (strcmp(m->hw, w->hw) == 0 && m->precision == w->precision && m->tp == w->tp &&
            m->workload == w->workload) {
            return m;
        }
    }
    layout_memo *m = &memo[(*count)++];
    *m =
        (layout_memo){.hw = w->hw, .precision = w->precision, .tp = w->tp, .workload = w->workload};
    aif_perf_serve_query q = {.model = aif_model_find("llama2-70b"),
                              .hw = aif_perf_hw_find(w->hw),
                              .gpus = w->tp ? w->tp : 8,
                              .precision = w->precision,
                              .workload = w->workload,
                              .tp = w->tp};
    m->status = aif_perf_serve_goodput(NULL, aif_perf_calib_default(), &q, &m->r);
    return m;
}

/* The closed-form answer `perf --workload` gave before (aif_perf_infer). */
static double closed_form(const serve_row *w, int tp) {
    const aif_perf_calib *c = aif_perf_calib_default();
    aif_perf_infer_query q = {aif_model_find("llama2-70b"),
                              aif_perf_hw_find(w->hw),
                              w->gpus,
                              w->precision,
                              c->mlperf_input_tokens,
                              294.0,
                              w->workload,
                              tp,
                              1,
                              NULL};
    aif_perf_infer_result r;
    return aif_perf_infer(c, &q, &r) == AIF_OK ? r.tokens_per_s : NAN;
}

static void compute(row_out *out) {
    layout_memo memo[ROW_COUNT];
    int count = 0;
    for (int i = 0; i < ROW_COUNT; i++) {
        const layout_memo *m = layout_for(&rows[i], memo, &count);
        out[i] = (row_out){.model = NAN, .closed_form = NAN, .tp = m->r.tp, .why = NULL};
        if (m->status != AIF_OK) {
            out[i].why = m->r.message;
            continue;
        }
        out[i].model = m->r.tokens_per_s_per_gpu * (double)rows[i].gpus;
        out[i].closed_form = closed_form(&rows[i], m->r.tp);
    }
}

static double err_of(double model, double ref) {
    return model / ref - 1;
}

static int print_json(const row_out *out) {
    json_t *arr = json_array();
    int failed = 0;
    for (int i = 0; i < ROW_COUNT; i++) {
        const serve_row *w = &rows[i];
        double e = err_of(out[i].model, w->published);
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:i}", "name", w->name, "workload",
                              aif_workload_name(w->workload), "system", w->hw, "gpus",
                              (json_int_t)w->gpus, "tp", out[i].tp);
        json_object_set_new(o, "model",
                            isnan(out[i].model) ? json_null() : cli_json_g(out[i].model, 6));
        json_object_set_new(o, "reference", cli_json_g(w->published, 7));
        json_object_set_new(o, "error", isnan(e) ? json_null() : cli_json_fixed(e, 4));
        json_object_set_new(o, "closed_form",
                            isnan(out[i].closed_form) ? json_null()
                                                      : cli_json_g(out[i].closed_form, 6));
        double ce = err_of(out[i].closed_form, w->published);
        json_object_set_new(o, "closed_form_error",
                            isnan(ce) ? json_null() : cli_json_fixed(ce, 4));
        json_object_set_new(o, "tolerance", cli_json_fixed(TOLERANCE, 2));
        json_object_set_new(o, "ok", json_boolean(fabs(e) <= TOLERANCE));
        json_object_set_new(o, "unit", json_string("tok/s"));
        json_array_append_new(arr, o);
        failed |= isnan(out[i].model);
    }
    failed |= serve_curve_json(arr);
    json_t *root = json_pack("{s:o}", "rows", arr);
    int rc = cli_json_print("validate", root, JSON_PRESERVE_ORDER | JSON_COMPACT);
    return rc != CLI_EXIT_OK ? rc : (failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK);
}

/* Mean absolute error of the rows of one round and workload (text summary). */
static void summary(const row_out *out, const char *round, aif_workload w) {
    double sum = 0, csum = 0;
    int n = 0, ok = 0;
    for (int i = 0; i < ROW_COUNT; i++) {
        if (rows[i].workload != w || strncmp(rows[i].name, round, strlen(round)) != 0 ||
            isnan(out[i].model)) {
            continue;
        }
        double e = err_of(out[i].model, rows[i].published);
        sum += fabs(e);
        csum += fabs(err_of(out[i].closed_form, rows[i].published));
        ok += fabs(e) <= TOLERANCE;
        n++;
    }
    if (n > 0) {
        printf("  %-5s %-12s %2d rows  simulator %5.1f%%  closed form %5.1f%%  within %.0f%%: "
               "%d\n",
               round, aif_workload_name(w), n, 100 * sum / n, 100 * csum / n, 100 * TOLERANCE, ok);
    }
}

int validate_serve(const cli_common *common) {
    row_out out[ROW_COUNT];
    compute(out);
    if (common->json) {
        return print_json(out);
    }
    int failed = 0;
    printf("MLPerf Llama-2-70B server and interactive rows: serving simulator (perf "
           "--workload) vs published\n");
    printf("  %-38s %-11s %2s %9s %9s %7s %9s %7s %4s\n", "row", "workload", "tp", "model",
           "published", "error", "closed", "error", "ok");
    for (int i = 0; i < ROW_COUNT; i++) {
        const serve_row *w = &rows[i];
        if (isnan(out[i].model)) {
            printf("  %-38s %-11s %2d %9s %9.0f %7s  (%s)\n", w->name,
                   aif_workload_name(w->workload), out[i].tp, "-", w->published, "-", out[i].why);
            failed = 1;
            continue;
        }
        double e = err_of(out[i].model, w->published);
        double ce = err_of(out[i].closed_form, w->published);
        printf("  %-38s %-11s %2d %9.0f %9.0f %+6.1f%% %9.0f %+6.1f%% %4s\n", w->name,
               aif_workload_name(w->workload), out[i].tp, out[i].model, w->published, 100 * e,
               out[i].closed_form, 100 * ce, fabs(e) <= TOLERANCE ? "yes" : "no");
    }
    printf("Mean absolute error (tolerance %.0f%% per row; tokens/s of the whole system)\n",
           100 * TOLERANCE);
    summary(out, "v4.1", SRV);
    summary(out, "v5.0", SRV);
    summary(out, "v5.0", INT);
    failed |= serve_curve_print();
    return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
