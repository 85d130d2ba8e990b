/* Speed of the serving simulator (serve.h): one 8-GPU replica (llama3.1-70b, TP 8, FP8 on an
 * HGX H100) under Poisson arrivals at a fraction (--load, default 0.8) of the offline steady
 * state the performance model gives for the same deployment and mean lengths. Lengths are
 * log-normal, fitted to the median and mean of the Azure LLM inference 2023 conversation
 * trace (input median 1,020, mean 1,155, capped at its maximum 14,050; output median 129,
 * mean 211, capped at 1,000; docs/sources.md C7 row 1), drawn per request, so memory stays
 * O(requests in flight) however many are simulated.
 *
 * Prints, per repetition, simulated requests per second of process CPU time and of wall
 * time, then the medians, the simulation's own figures (so a run that fell behind its load
 * shows) and the peak RSS. With --disagg P:D the deployment is disaggregated instead
 * (serve.h's aif_serve_disagg): P prefill and D decode replicas of the same TP 8 H100s,
 * the KV over their NICs, at min(P, D) times the arrival rate.
 * Usage: bench_serve [--reps R (5)] [--requests N (1000000)] [--load F (0.8)]
 * [--disagg P:D] [--replicas R (1)] [--route POLICY (round-robin)]
 * [--prefixes GROUPS:TOKENS (none)]
 *
 * With --replicas R the deployment is R such replicas behind the router and the load is the
 * same fraction of R replicas' capacity (the scale case of docs/serve.md: 1,000 replicas,
 * 10^7 requests). --prefixes G:T gives request i the named prefix i mod G of T tokens (at
 * most its prompt less one), so prefix-affinity routing has units to match. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_stats.h"
#include "aifactory/serve.h"

/* The synthetic source, with a named prefix per request (--prefixes). */
typedef struct prefixed {
    aif_serve_source inner;
    long groups, tokens, count;
} prefixed;

static aif_status prefixed_next(void *ctx, aif_serve_request *out, aif_error *err) {
    prefixed *p = ctx;
    aif_status st = p->inner.next(p->inner.ctx, out, err);
    if (st == AIF_OK) {
        out->prefix_id = (uint64_t)(p->count++ % p->groups) + 1;
        out->prefix_tokens = p->tokens < out->input_tokens ? p->tokens : out->input_tokens - 1;
    }
    return st;
}

#define MAX_REPS 64

int main(int argc, char **argv) {
    int reps = 5;
    long requests = 1000000;
    double load = 0.8;
    int prefill = 0, decode = 0;
    int replicas = 1;
    aif_serve_route route = AIF_SERVE_ROUTE_ROUND_ROBIN;
    long groups = 0, prefix_tokens = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reps") == 0) {
            reps = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--requests") == 0) {
            requests = atol(argv[i + 1]);
        } else if (strcmp(argv[i], "--load") == 0) {
            load = atof(argv[i + 1]);
        } else if (strcmp(argv[i], "--disagg") == 0) {
            if (sscanf(argv[i + 1], "%d:%d", &prefill, &decode) != 2 || prefill < 1 || decode < 1) {
                fprintf(stderr, "bench_serve: --disagg expects P:D, e.g. 1:2\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--replicas") == 0) {
            replicas = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--route") == 0 &&
                   aif_serve_route_parse(argv[i + 1], &route) == AIF_OK) {
        } else if (strcmp(argv[i], "--prefixes") == 0 &&
                   sscanf(argv[i + 1], "%ld:%ld", &groups, &prefix_tokens) == 2) {
        } else {
            fprintf(stderr,
                    "usage: bench_serve [--reps R] [--requests N] [--load F] [--disagg P:D] "
                    "[--replicas R] [--route round-robin|least-tokens|prefix-affinity] [--prefixes "
                    "GROUPS:TOKENS]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > MAX_REPS || requests < 1 || !(load > 0) || replicas < 1 || groups < 0 ||
        (groups > 0 && prefix_tokens < 1)) {
        fprintf(stderr,
                "bench_serve: reps 1-%d, requests >= 1, load > 0, replicas >= 1, "
                "prefixes G:T with G, T >= 1\n",
                MAX_REPS);
        return 2;
    }
    aif_serve_config c = {0};
    c.model = aif_model_find("llama3.1-70b");
    c.hw = aif_perf_hw_find("h100");
    c.precision = AIF_PREC_FP8;
    c.tp = 8;
    c.replicas = replicas;
    c.route = route;
    /* On, as `serve` runs by default: the load names no shared prefix, so this measures
     * what the cache costs a trace without prefixes (the simulated figures are those of a
     * run with the cache off). */
    c.prefix_caching = 1;
    aif_serve_lengths in = {AIF_SERVE_LEN_LOGNORMAL, 1020, sqrt(2 * log(1155.0 / 1020)), 14050};
    aif_serve_lengths out = {AIF_SERVE_LEN_LOGNORMAL, 129, sqrt(2 * log(211.0 / 129)), 1000};
    aif_perf_infer_query q = {c.model, c.hw, 8,   c.precision, 1155, 211, AIF_WORKLOAD_OFFLINE,
                              8,       1,    NULL};
    aif_perf_infer_result pr;
    if (aif_perf_infer(aif_perf_calib_default(), &q, &pr) != AIF_OK) {
        fprintf(stderr, "bench_serve: %s\n", pr.message);
        return 1;
    }
    double rate = load * replicas * pr.tokens_per_s / 211.0;
    aif_serve_disagg dg = {.decode_replicas = decode};
    if (prefill > 0) {
        c.replicas = prefill;
        c.disagg = &dg;
        rate = load * pr.tokens_per_s / 211.0 * (prefill < decode ? prefill : decode);
        printf("disaggregated: %d prefill and %d decode replicas\n", prefill, decode);
    }
    printf("llama3.1-70b, %d x TP 8 h100 fp8, %s routing: offline %.0f output tokens/s = %.2f "
           "req/s per replica; load %.2f -> %.2f req/s, %ld requests\n",
           c.replicas, aif_serve_route_name(route), pr.tokens_per_s, pr.tokens_per_s / 211.0, load,
           rate, requests);
    double cpu[MAX_REPS], wall[MAX_REPS];
    aif_serve_result r;
    for (int k = 0; k < reps; k++) {
        aif_serve_synthetic g;
        aif_serve_source src;
        aif_serve_synthetic_init(&g, &in, &out, rate, 1, &src);
        prefixed px = {src, groups, prefix_tokens, 0};
        if (groups > 0) {
            src = (aif_serve_source){&px, prefixed_next};
        }
        aif_error err = {0};
        double c0 = bench_cpu_s(), w0 = bench_wall_s();
        aif_status st = aif_serve_run(NULL, &c, &src, requests, &r, &err);
        cpu[k] = bench_cpu_s() - c0;
        wall[k] = bench_wall_s() - w0;
        if (st != AIF_OK || r.requests_completed != requests) {
            fprintf(stderr, "bench_serve: %s\n", err.message);
            return 1;
        }
        printf("rep %d: %.3f s CPU, %.3f s wall: %.0f requests/s (CPU), %.0f (wall)\n", k + 1,
               cpu[k], wall[k], (double)requests / cpu[k], (double)requests / wall[k]);
    }
    double mc = bench_median(cpu, reps), mw = bench_median(wall, reps);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("median: %.0f simulated requests/s of CPU time, %.0f of wall time\n",
           (double)requests / mc, (double)requests / mw);
    printf("simulated: %.0f s, %.0f output tokens/s, TTFT p99 %.3f s, TPOT p99 %.1f ms, "
           "mean batch %.0f, peak in flight %ld, %ld iterations (%.2f per request), price "
           "memo %.1f%% hits, %ld preemptions\n",
           r.duration_s, r.output_tokens_per_s, r.ttft_s.p99, 1e3 * r.tpot_s.p99, r.mean_batch,
           r.peak_in_flight, r.iterations, (double)r.iterations / (double)requests,
           100.0 * (double)r.price_hits / (double)(r.price_hits + r.price_misses), r.preemptions);
    printf("peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
