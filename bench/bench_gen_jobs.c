/* gen_jobs: seeded synthetic job traces for the replay benchmarks, written as generic CSV
 * (job_id,submit_s,gpus,duration_s).
 *
 * Arrivals are Poisson; GPU counts are heavy-tailed powers of two in 1..max (a Pareto draw
 * rounded down to a power of two, so most jobs are small and a few are huge, as in the
 * Philly and Helios logs); durations are log-normal (defaults near Philly: median ~1,000 s,
 * long tail) clipped to [1 s, max]. The arrival rate is chosen to offer `--load` of the
 * `--fleet-gpus` fleet unless `--rate` is given. Same arguments => same file, byte for byte.
 *
 * Usage: bench_gen_jobs [--jobs N] [--seed S] [--fleet-gpus G] [--load L | --rate R]
 *                       [--max-gpus M] [--gpu-alpha A] [--mu MU] [--sigma SIGMA]
 *                       [--max-duration-s D] [-o FILE] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/dist.h"
#include "aifactory/rng.h"

typedef struct gen_params {
    long jobs;
    unsigned long long seed;
    double fleet_gpus;
    double load;
    double rate; /* jobs per second; 0 = from load */
    int max_gpus;
    double gpu_alpha;
    double mu;
    double sigma;
    double max_duration_s;
} gen_params;

static int sample_gpus(aif_rng *r, const gen_params *p) {
    double x = aif_dist_pareto(r, 1.0, p->gpu_alpha);
    int g = 1;
    while (g * 2 <= p->max_gpus && (double)(g * 2) <= x) {
        g *= 2;
    }
    return g;
}

static double sample_duration(aif_rng *r, const gen_params *p) {
    double d = aif_dist_lognormal(r, p->mu, p->sigma);
    d = d < 1 ? 1 : d;
    d = d > p->max_duration_s ? p->max_duration_s : d;
    return floor(d); /* whole seconds keep totals exact in the replay's checks */
}

/* Mean GPU-seconds per job, estimated on a separate stream so it does not shift the trace. */
static double mean_gpu_seconds(const gen_params *p) {
    aif_rng r;
    aif_rng_seed(&r, p->seed, 99);
    double sum = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) {
        sum += sample_gpus(&r, p) * sample_duration(&r, p);
    }
    return sum / n;
}

static int usage(void) {
    fprintf(stderr, "usage: bench_gen_jobs [--jobs N] [--seed S] [--fleet-gpus G] [--load L | "
                    "--rate R] [--max-gpus M] [--gpu-alpha A] [--mu MU] [--sigma SIGMA] "
                    "[--max-duration-s D] [-o FILE]\n");
    return 2;
}

int main(int argc, char **argv) {
    gen_params p = {.jobs = 1000000,
                    .seed = 1,
                    .fleet_gpus = 15360,
                    .load = 0.9,
                    .max_gpus = 2048,
                    .gpu_alpha = 1.3,
                    .mu = log(1000.0),
                    .sigma = 1.8,
                    .max_duration_s = 14 * 86400.0};
    const char *out_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            return usage();
        }
        i++;
        if (strcmp(a, "--jobs") == 0) {
            p.jobs = strtol(v, NULL, 10);
        } else if (strcmp(a, "--seed") == 0) {
            p.seed = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--fleet-gpus") == 0) {
            p.fleet_gpus = strtod(v, NULL);
        } else if (strcmp(a, "--load") == 0) {
            p.load = strtod(v, NULL);
        } else if (strcmp(a, "--rate") == 0) {
            p.rate = strtod(v, NULL);
        } else if (strcmp(a, "--max-gpus") == 0) {
            p.max_gpus = (int)strtol(v, NULL, 10);
        } else if (strcmp(a, "--gpu-alpha") == 0) {
            p.gpu_alpha = strtod(v, NULL);
        } else if (strcmp(a, "--mu") == 0) {
            p.mu = strtod(v, NULL);
        } else if (strcmp(a, "--sigma") == 0) {
            p.sigma = strtod(v, NULL);
        } else if (strcmp(a, "--max-duration-s") == 0) {
            p.max_duration_s = strtod(v, NULL);
        } else if (strcmp(a, "-o") == 0) {
            out_path = v;
        } else {
            return usage();
        }
    }
    if (p.jobs < 0 || p.max_gpus < 1 || p.gpu_alpha <= 0 || p.sigma < 0 || p.load <= 0 ||
        p.fleet_gpus <= 0 || p.max_duration_s < 1) {
        return usage();
    }
    if (p.rate <= 0) {
        p.rate = p.load * p.fleet_gpus / mean_gpu_seconds(&p);
    }
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (out == NULL) {
        perror(out_path);
        return 1;
    }
    static char buf[1 << 16];
    setvbuf(out, buf, _IOFBF, sizeof buf);
    aif_rng arrivals, sizes;
    aif_rng_seed(&arrivals, p.seed, 1);
    aif_rng_seed(&sizes, p.seed, 2);
    fprintf(out, "job_id,submit_s,gpus,duration_s\n");
    double t = 0;
    for (long i = 0; i < p.jobs; i++) {
        t += aif_dist_exponential(&arrivals, p.rate);
        int g = sample_gpus(&sizes, &p);
        double d = sample_duration(&sizes, &p);
        /* Millisecond submit times: exact in the reader's nanoseconds. */
        fprintf(out, "%ld,%.3f,%d,%.0f\n", i, t, g, d);
    }
    if (fflush(out) != 0 || (out_path && fclose(out) != 0)) {
        perror(out_path ? out_path : "stdout");
        return 1;
    }
    fprintf(stderr, "gen_jobs: %ld jobs, rate %.4f jobs/s, span %.0f s\n", p.jobs, p.rate, t);
    return 0;
}
