/* Latency-versus-load rows of `aifactory validate serve`: NVIDIA's NIM 1.8.0 sweep of
 * Llama-3.3-70B on 2 x H100 (FP8, TP 2, 5,000 in / 500 out, concurrency 1 to 250), each
 * level simulated as a closed loop with reserving admission, mean TTFT, mean ITL and output
 * throughput against the published ones. docs/validate.md. */
#ifndef AIF_CLI_VALIDATE_SERVE_CURVE_H
#define AIF_CLI_VALIDATE_SERVE_CURVE_H

#include <jansson.h>

/* Append one JSON row per level and metric to `rows` (name, model, reference, error,
 * tolerance, ok, unit, as the MLPerf rows); returns 1 when a level could not be simulated. */
int serve_curve_json(json_t *rows);

/* Print the levels as a text table with the mean absolute error per metric; returns 1 when
 * a level could not be simulated. */
int serve_curve_print(void);

#endif
