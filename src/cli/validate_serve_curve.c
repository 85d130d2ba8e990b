/* The latency-versus-load rows of `aifactory validate serve` (validate_serve_curve.h):
 * NVIDIA's published NIM sweep of Llama-3.3-70B on two H100s, replayed as closed loops in
 * the serving simulator. The rows are compiled in; data/validation/ holds their record. */
#include <math.h>
#include <stdio.h>

#include <jansson.h>

#include "aifactory/models.h"
#include "aifactory/perf.h"
#include "aifactory/serve.h"
#include "cli.h"
#include "json_out.h"
#include "validate_serve_curve.h"

/* The targets: latency within 15%, throughput (goodput) within 10%. */
#define LATENCY_TOLERANCE    0.15
#define THROUGHPUT_TOLERANCE 0.10

/* Closed-loop requests per simulated client: enough that the first wave (every client's
 * prompt arriving at once) no longer dominates the mean TTFT (docs/validate.md). */
#define REQUESTS_PER_CLIENT 40
#define MIN_REQUESTS        200

typedef struct curve_row {
    int concurrency;
    double ttft_ms, itl_ms, tokens_per_s; /* published means; output tokens/s */
} curve_row;

/* data/validation/nim_llama3.3-70b_h100x2_fp8.csv: NIM 1.8.0, 2 x H100 80G, FP8, TP 2,
 * 5,000 input and 500 output tokens per request, AIPerf at a fixed concurrency. */
static const curve_row nim_rows[] = {
    {1, 406.77, 18.58, 51.67},      {5, 546.7, 21.83, 218.48},     {25, 688.69, 38.75, 623.4},
    {50, 834.51, 59.73, 814.37},    {100, 7996.25, 92.91, 917.26}, {150, 34794.22, 92.86, 920.9},
    {200, 61680.22, 93.06, 920.54}, {250, 88605.32, 93.2, 920.12},
};
enum { CURVE_ROWS = sizeof nim_rows / sizeof nim_rows[0] };

typedef struct curve_out {
    double ttft_ms, itl_ms, tokens_per_s; /* NAN when the run failed */
    const char *why;
} curve_out;

/* Llama 3.3 70B has Llama 3.1 70B's architecture; TensorRT-LLM (inside NIM) admits by
 * reservation (its default GUARANTEED_NO_EVICT policy). */
static void simulate(const curve_row *w, curve_out *out, aif_error *err) {
    aif_serve_config c = {0};
    c.model = aif_model_find("llama3.1-70b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 2;
    c.replicas = 1;
    c.concurrency = w->concurrency;
    c.admission = AIF_SERVE_ADMIT_RESERVE;
    aif_serve_lengths in, outl;
    aif_serve_synthetic g;
    aif_serve_source src;
    *out = (curve_out){NAN, NAN, NAN, NULL};
    if (aif_serve_lengths_parse("5000", &in, err) != AIF_OK ||
        aif_serve_lengths_parse("500", &outl, err) != AIF_OK) {
        out->why = err->message;
        return;
    }
    aif_serve_synthetic_init(&g, &in, &outl, 0, 1, &src);
    long n = (long)w->concurrency * REQUESTS_PER_CLIENT;
    aif_serve_result r;
    if (aif_serve_run(NULL, &c, &src, n < MIN_REQUESTS ? MIN_REQUESTS : n, &r, err) != AIF_OK) {
        out->why = err->message;
        return;
    }
    out->ttft_ms = r.ttft_s.mean * 1e3;
    out->itl_ms = r.tpot_s.mean * 1e3;
    out->tokens_per_s = r.output_tokens_per_s;
}

static double rel_err(double model, double ref) {
    return model / ref - 1;
}

typedef struct metric {
    const char *name, *unit;
    double tolerance;
} metric;

static const metric metrics[] = {{"mean TTFT", "ms", LATENCY_TOLERANCE},
                                 {"mean ITL", "ms", LATENCY_TOLERANCE},
                                 {"output throughput", "tok/s", THROUGHPUT_TOLERANCE}};
enum { METRICS = sizeof metrics / sizeof metrics[0] };

static void values(const curve_row *w, const curve_out *o, double model[METRICS],
                   double ref[METRICS]) {
    model[0] = o->ttft_ms;
    model[1] = o->itl_ms;
    model[2] = o->tokens_per_s;
    ref[0] = w->ttft_ms;
    ref[1] = w->itl_ms;
    ref[2] = w->tokens_per_s;
}

int serve_curve_json(json_t *rows) {
    int failed = 0;
    for (int i = 0; i < CURVE_ROWS; i++) {
        aif_error err = {0};
        curve_out o;
        simulate(&nim_rows[i], &o, &err);
        failed |= o.why != NULL;
        double model[METRICS], ref[METRICS];
        values(&nim_rows[i], &o, model, ref);
        for (int k = 0; k < METRICS; k++) {
            char name[96];
            snprintf(name, sizeof name, "NIM 1.8.0 2xH100 llama3.3-70b 5000/500 c=%d %s",
                     nim_rows[i].concurrency, metrics[k].name);
            double e = rel_err(model[k], ref[k]);
            json_t *r = json_pack("{s:s,s:s,s:s,s:I,s:i,s:i}", "name", name, "workload",
                                  "concurrency", "system", "h100", "gpus", (json_int_t)2, "tp", 2,
                                  "concurrency", nim_rows[i].concurrency);
            json_object_set_new(r, "model",
                                isnan(model[k]) ? json_null() : cli_json_g(model[k], 6));
            json_object_set_new(r, "reference", cli_json_g(ref[k], 7));
            json_object_set_new(r, "error", isnan(e) ? json_null() : cli_json_fixed(e, 4));
            json_object_set_new(r, "tolerance", cli_json_fixed(metrics[k].tolerance, 2));
            json_object_set_new(r, "ok", json_boolean(fabs(e) <= metrics[k].tolerance));
            json_object_set_new(r, "unit", json_string(metrics[k].unit));
            json_array_append_new(rows, r);
        }
    }
    return failed;
}

int serve_curve_print(void) {
    printf("NIM 1.8.0 latency vs load, llama3.3-70b (as llama3.1-70b) on 2 x H100 FP8 TP 2, 5,000 "
           "in / 500 out, closed loop (held out: nothing fitted to it)\n");
    printf("  %5s %9s %9s %7s %7s %7s %7s %7s %7s %7s\n", "conc", "TTFT ms", "published", "error",
           "ITL ms", "publ.", "error", "tok/s", "publ.", "error");
    double sum[METRICS] = {0};
    int ok[METRICS] = {0}, n = 0, failed = 0;
    for (int i = 0; i < CURVE_ROWS; i++) {
        aif_error err = {0};
        curve_out o;
        simulate(&nim_rows[i], &o, &err);
        if (o.why != NULL) {
            printf("  %5d  (%s)\n", nim_rows[i].concurrency, o.why);
            failed = 1;
            continue;
        }
        double model[METRICS], ref[METRICS], e[METRICS];
        values(&nim_rows[i], &o, model, ref);
        for (int k = 0; k < METRICS; k++) {
            e[k] = rel_err(model[k], ref[k]);
            sum[k] += fabs(e[k]);
            ok[k] += fabs(e[k]) <= metrics[k].tolerance;
        }
        n++;
        printf("  %5d %9.1f %9.1f %+6.1f%% %7.2f %7.2f %+6.1f%% %7.0f %7.0f %+6.1f%%\n",
               nim_rows[i].concurrency, model[0], ref[0], 100 * e[0], model[1], ref[1], 100 * e[1],
               model[2], ref[2], 100 * e[2]);
    }
    if (n > 0) {
        for (int k = 0; k < METRICS; k++) {
            printf("  %-17s mean absolute error %5.1f%%, within %.0f%%: %d of %d\n",
                   metrics[k].name, 100 * sum[k] / n, 100 * metrics[k].tolerance, ok[k], n);
        }
    }
    return failed;
}
