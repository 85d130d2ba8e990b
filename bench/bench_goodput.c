/* Cost and accuracy of the fleet's goodput sizing (demand.h, docs/run.md "Inference
 * sizing"): the serving simulator's best goodput per GPU (aif_demand_serve_goodput: TP 1,
 * 2, 4 and 8) for every class x system pair of the default scenario
 * (data/scenarios/openai-nvidia-10gw.yaml: chat, reasoning and api on vr-nvl144,
 * gb200-nvl72, gb300-nvl72, hgx-h100 and helios-mi450, with the hardware the fleet gives
 * them: the performance model's own gb200, gb300 and h100, the catalog's figures for the
 * others), at each requests-per-probe effort of --requests (the first is the reference).
 * Prints each pair's goodput per GPU and TP at each effort, the error against the
 * reference, and the CPU time of each effort's 15 pairs (a fresh cache each).
 * Usage: bench_goodput [--requests LIST (8000,2000,1000,500)] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aifactory/catalog_read.h"
#include "aifactory/demand.h"
#include "aifactory/models.h"

#define MAX_EFFORTS 8
#define SYSTEMS     5
#define CLASSES     3

static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    long efforts[MAX_EFFORTS] = {8000, 2000, 1000, 500};
    int ne = 4;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--requests") != 0) {
            fprintf(stderr, "usage: bench_goodput [--requests LIST]\n");
            return 2;
        }
        ne = 0;
        for (char *p = argv[i + 1]; *p && ne < MAX_EFFORTS; p += *p == ',') {
            efforts[ne++] = strtol(p, &p, 10);
        }
    }
    aif_catalog *cat = NULL;
    if (aif_catalog_create(NULL, &cat) != AIF_OK || aif_catalog_load_default(cat) != AIF_OK) {
        fprintf(stderr, "bench_goodput: cannot load the default catalog\n");
        return 1;
    }
    static const char *const sys[SYSTEMS] = {"vr-nvl144", "gb200-nvl72", "gb300-nvl72", "hgx-h100",
                                             "helios-mi450"};
    static const char *const builtin[SYSTEMS] = {NULL, "gb200", "gb300", "h100", NULL};
    aif_perf_hw own[SYSTEMS];
    const aif_perf_hw *hw[SYSTEMS];
    for (int s = 0; s < SYSTEMS; s++) {
        hw[s] = builtin[s] ? aif_perf_hw_find(builtin[s]) : NULL;
        if (hw[s] == NULL && aif_perf_hw_resolve(cat, sys[s], &own[s], NULL) == AIF_OK) {
            hw[s] = &own[s];
        }
        if (hw[s] == NULL) {
            fprintf(stderr, "bench_goodput: no hardware for %s\n", sys[s]);
            return 1;
        }
    }
    /* The default scenario's classes (data/scenarios/openai-nvidia-10gw.yaml). */
    const aif_scenario_model_class cls[CLASSES] = {{.name = "chat",
                                                    .model_id = "llama3.1-70b",
                                                    .model = aif_model_find("llama3.1-70b"),
                                                    .share = 0.8,
                                                    .input_tokens = 5000,
                                                    .output_tokens = 500,
                                                    .latency = AIF_LATENCY_INTERACTIVE,
                                                    .precision = AIF_PREC_FP8},
                                                   {.name = "reasoning",
                                                    .model_id = "deepseek-v3",
                                                    .model = aif_model_find("deepseek-v3"),
                                                    .share = 0.2,
                                                    .input_tokens = 20000,
                                                    .output_tokens = 3000,
                                                    .latency = AIF_LATENCY_SERVER,
                                                    .precision = AIF_PREC_FP8},
                                                   {.name = "api",
                                                    .model_id = "llama3.1-405b",
                                                    .model = aif_model_find("llama3.1-405b"),
                                                    .share = 0,
                                                    .input_tokens = 3000,
                                                    .output_tokens = 1000,
                                                    .latency = AIF_LATENCY_SERVER,
                                                    .precision = AIF_PREC_FP8}};
    double tps[MAX_EFFORTS][SYSTEMS][CLASSES] = {{{0}}};
    int tp[MAX_EFFORTS][SYSTEMS][CLASSES] = {{{0}}};
    double cost[MAX_EFFORTS] = {0};
    long sims[MAX_EFFORTS] = {0};
    for (int e = 0; e < ne; e++) {
        aif_goodput_effort eff = {.requests = efforts[e], .seed = 1};
        aif_goodput_cache *c = NULL;
        if (aif_goodput_cache_create(NULL, NULL, &eff, &c) != AIF_OK) {
            fprintf(stderr, "bench_goodput: bad effort %ld\n", efforts[e]);
            return 2;
        }
        double t0 = cpu_s();
        for (int s = 0; s < SYSTEMS; s++) {
            for (int k = 0; k < CLASSES; k++) {
                aif_perf_serve_result r;
                if (aif_demand_serve_goodput(c, &cls[k], hw[s], &r) == AIF_OK) {
                    tps[e][s][k] = r.tokens_per_s_per_gpu;
                    tp[e][s][k] = r.tp;
                }
            }
        }
        cost[e] = cpu_s() - t0;
        sims[e] = aif_goodput_cache_simulations(c);
        aif_goodput_cache_destroy(c);
    }
    printf("%-13s %-9s", "system", "class");
    for (int e = 0; e < ne; e++) {
        printf(" %14ld", efforts[e]);
    }
    printf("   (output tokens/s per GPU, TP; error vs %ld)\n", efforts[0]);
    double worst[MAX_EFFORTS] = {0}, sum[MAX_EFFORTS] = {0};
    int n = 0;
    for (int s = 0; s < SYSTEMS; s++) {
        for (int k = 0; k < CLASSES; k++) {
            printf("%-13s %-9s", sys[s], cls[k].name);
            for (int e = 0; e < ne; e++) {
                printf(" %9.1f TP%-2d", tps[e][s][k], tp[e][s][k]);
            }
            double ref = tps[0][s][k];
            for (int e = 1; e < ne && ref > 0; e++) {
                double err = 100 * (tps[e][s][k] / ref - 1);
                printf(" %+6.1f%%", err);
                worst[e] = fmax(worst[e], fabs(err));
                sum[e] += fabs(err);
            }
            n += ref > 0;
            printf("\n");
        }
    }
    for (int e = 0; e < ne; e++) {
        printf("requests %5ld: %3ld simulations, %6.2f s CPU", efforts[e], sims[e], cost[e]);
        if (e > 0 && n > 0) {
            printf(", error vs %ld: mean |%.1f|%%, max |%.1f|%% over %d pairs", efforts[0],
                   sum[e] / n, worst[e], n);
        }
        printf("\n");
    }
    aif_catalog_destroy(cat);
    return 0;
}
