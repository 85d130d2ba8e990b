/* Cost of the performance model as the fleet simulation uses it: the same (model, system,
 * GPUs, workload) questions asked every simulated hour.
 *
 * The query set is every built-in model on every built-in GPU, for three serving workloads
 * at two replica sizes and for training at two cluster sizes (refused queries count: the
 * model still has to search every layout to refuse). The baseline is the direct call
 * (aif_perf_infer / aif_perf_train, a layout search each time); the measured path is
 * aif_perf_cache, replayed for --hours simulated hours. Both run in this process, in
 * alternating repetitions, and the medians are reported with their ratio.
 *
 * Usage: bench_perf [--reps R] [--hours H] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "aifactory/perf.h"

#define MAX_QUERIES 1024
#define MAX_REPS    64

typedef struct query {
    int training;
    aif_perf_infer_query iq;
    aif_perf_train_query tq;
} query;

static int build_queries(query *q) {
    static const aif_workload serving[] = {AIF_WORKLOAD_OFFLINE, AIF_WORKLOAD_SERVER,
                                           AIF_WORKLOAD_INTERACTIVE};
    static const long infer_gpus[] = {8, 64}, train_gpus[] = {1024, 8192};
    int n = 0;
    for (int mi = 0; mi < aif_model_count(); mi++) {
        const aif_model_spec *m = aif_model_at(mi);
        for (int hi = 0; hi < aif_perf_hw_count(); hi++) {
            const aif_perf_hw *hw = aif_perf_hw_at(hi);
            for (int w = 0; w < 3; w++) {
                for (int g = 0; g < 2 && n < MAX_QUERIES; g++) {
                    q[n++] = (query){.iq = {m, hw, infer_gpus[g], hw->infer_precision, 1000, 300,
                                            serving[w], 0, 0, NULL}};
                }
            }
            for (int g = 0; g < 2 && n < MAX_QUERIES; g++) {
                q[n++] =
                    (query){.training = 1,
                            .tq = {m, hw, train_gpus[g], hw->train_precision, 4096, 1024, 0, 0, 0}};
            }
        }
    }
    return n;
}

/* One pass over every query by direct calls; returns answers that were OK (a checksum). */
static long direct_pass(const aif_perf_calib *calib, const query *q, int n) {
    long ok = 0;
    for (int i = 0; i < n; i++) {
        if (q[i].training) {
            aif_perf_train_result r;
            ok += aif_perf_train(calib, &q[i].tq, &r) == AIF_OK;
        } else {
            aif_perf_infer_result r;
            ok += aif_perf_infer(calib, &q[i].iq, &r) == AIF_OK;
        }
    }
    return ok;
}

static long cached_pass(aif_perf_cache *cache, const query *q, int n) {
    long ok = 0;
    for (int i = 0; i < n; i++) {
        if (q[i].training) {
            aif_perf_train_result r;
            ok += aif_perf_cache_train(cache, &q[i].tq, &r) == AIF_OK;
        } else {
            aif_perf_infer_result r;
            ok += aif_perf_cache_infer(cache, &q[i].iq, &r) == AIF_OK;
        }
    }
    return ok;
}

int main(int argc, char **argv) {
    int reps = 7;
    long hours = 8760;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc) {
            hours = atol(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_perf [--reps R] [--hours H]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > MAX_REPS || hours < 1) {
        fprintf(stderr, "bench_perf: --reps must be 1..%d and --hours >= 1\n", MAX_REPS);
        return 2;
    }
    static query q[MAX_QUERIES];
    int n = build_queries(q);
    const aif_perf_calib *calib = aif_perf_calib_default();
    double direct_us[MAX_REPS], cached_ns[MAX_REPS];
    long ok_direct = 0, ok_cached = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = bench_cpu_s();
        ok_direct = direct_pass(calib, q, n);
        direct_us[r] = (bench_cpu_s() - t0) / n * 1e6;

        aif_perf_cache *cache;
        if (aif_perf_cache_create(NULL, calib, 4096, &cache) != AIF_OK) {
            fprintf(stderr, "bench_perf: out of memory\n");
            return 1;
        }
        t0 = bench_cpu_s();
        for (long h = 0; h < hours; h++) {
            ok_cached = cached_pass(cache, q, n);
        }
        cached_ns[r] = (bench_cpu_s() - t0) / ((double)n * (double)hours) * 1e9;
        if (aif_perf_cache_misses(cache) != n) {
            fprintf(stderr, "bench_perf: expected %d misses, got %ld\n", n,
                    aif_perf_cache_misses(cache));
            return 1;
        }
        aif_perf_cache_destroy(cache);
    }
    if (ok_direct != ok_cached) {
        fprintf(stderr, "bench_perf: cached answers differ (%ld vs %ld OK)\n", ok_cached,
                ok_direct);
        return 1;
    }
    double d = bench_median(direct_us, reps), c = bench_median(cached_ns, reps);
    printf("queries            %d (%ld answered, %ld refused), %ld simulated hours\n", n, ok_direct,
           n - ok_direct, hours);
    printf("direct call        %.2f us per query (median of %d)\n", d, reps);
    printf("cached call        %.1f ns per query, first hour's misses included\n", c);
    printf("speed-up           %.0fx\n", d * 1e3 / c);
    printf("one simulated year of these %d queries every hour: %.3f s cached, %.1f s direct\n", n,
           c * 1e-9 * n * 8760, d * 1e-6 * n * 8760);
    return 0;
}
