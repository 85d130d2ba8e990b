/* bench_replay: time a whole trace replay (parse + replay + summary) with the library, or
 * with a minimal plain-C FIFO replay written as the baseline the issue measures against.
 *
 * The baseline does the least a correct fifo + pool replay of a generic CSV must do: read
 * the file with stdio, parse four numeric fields per row by hand, keep jobs in flat arrays,
 * and run the FIFO rule with a binary heap of completion times. It prints the same mean JCT
 * as the library, which doubles as a cross-check.
 *
 * Usage: bench_replay TRACE GPUS [--baseline] [--policy P] [--placement P]
 *                     [--gpus-per-node K]
 * Prints one line: mode, mean JCT, utilization, the CPU seconds of each phase (read_s,
 * replay_s, summary_s; fused_s for the fused fifo + pool path), then the whole run's wall and CPU
 * seconds and peak RSS (MiB). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_stats.h"
#include "aifactory/replay.h"
#include "aifactory/trace.h"

static double peak_rss_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

/* ---- Baseline ---- */

/* Decimal seconds with up to 9 fractional digits to ns (what gen_jobs writes). */
static int64_t parse_ns(const char **p) {
    const char *s = *p;
    int64_t whole = 0, frac = 0, scale = 1000000000;
    while (*s >= '0' && *s <= '9') {
        whole = whole * 10 + (*s++ - '0');
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            scale /= 10;
            frac += (*s++ - '0') * scale;
        }
    }
    *p = s;
    return whole * 1000000000 + frac;
}

typedef struct ev {
    int64_t end;
    int32_t gpus;
} ev;

static void heap_push(ev *h, size_t *n, ev x) {
    size_t i = (*n)++;
    while (i > 0 && h[(i - 1) / 2].end > x.end) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = x;
}

static ev heap_pop(ev *h, size_t *n) {
    ev top = h[0], last = h[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) {
            break;
        }
        if (c + 1 < *n && h[c + 1].end < h[c].end) {
            c++;
        }
        if (h[c].end >= last.end) {
            break;
        }
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

static int baseline(const char *path, int64_t gpus) {
    double t0 = bench_cpu_s();
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    int64_t *sub = malloc(cap * sizeof *sub), *dur = malloc(cap * sizeof *dur);
    int32_t *g = malloc(cap * sizeof *g);
    char line[512];
    if (!fgets(line, sizeof line, f)) {
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        if (n == cap) {
            cap *= 2;
            sub = realloc(sub, cap * sizeof *sub);
            dur = realloc(dur, cap * sizeof *dur);
            g = realloc(g, cap * sizeof *g);
        }
        const char *p = strchr(line, ',') + 1; /* skip job_id */
        sub[n] = parse_ns(&p);
        p++;
        g[n] = (int32_t)strtol(p, (char **)&p, 10);
        if (g[n] > gpus) { /* would never start: FIFO would wait forever */
            fprintf(stderr, "bench_replay: a job needs %d GPUs, more than the pool's %lld\n",
                    (int)g[n], (long long)gpus);
            fclose(f);
            free(sub);
            free(dur);
            free(g);
            return 2;
        }
        p++;
        dur[n] = parse_ns(&p);
        n++;
    }
    fclose(f);
    double t1 = bench_cpu_s();
    ev *heap = malloc((n + 1) * sizeof *heap);
    size_t hn = 0, head = 0, next = 0;
    int64_t free_gpus = gpus, last_end = 0;
    double sum_jct = 0, work = 0;
    while (head < n) {
        int64_t t = next < n ? sub[next] : INT64_MAX;
        if (hn > 0 && heap[0].end < t) {
            t = heap[0].end;
        }
        while (hn > 0 && heap[0].end == t) {
            free_gpus += heap_pop(heap, &hn).gpus;
        }
        while (next < n && sub[next] == t) {
            next++;
        }
        while (head < next && g[head] <= free_gpus) {
            int64_t end = t + dur[head];
            heap_push(heap, &hn, (ev){end, g[head]});
            free_gpus -= g[head];
            sum_jct += (double)(end - sub[head]) / 1e9;
            work += (double)dur[head] / 1e9 * g[head];
            last_end = end > last_end ? end : last_end;
            head++;
        }
    }
    double makespan = n ? (double)(last_end - sub[0]) / 1e9 : 0;
    printf("mean_jct_s %.6f utilization %.6f read_s %.3f replay_s %.3f ",
           n ? sum_jct / (double)n : 0, makespan > 0 ? work / ((double)gpus * makespan) : 0,
           t1 - t0, bench_cpu_s() - t1);
    free(sub);
    free(dur);
    free(g);
    free(heap);
    return 0;
}

/* ---- Library ---- */

/* fifo on a pool takes the library's fused read-and-replay (aif_replay_fifo_read), which
 * has no separate phases: its one time is printed as fused_s. */
static int library_fused(const char *path, aif_replay_config *c) {
    aif_replay_fifo_result res;
    aif_error err;
    double t0 = bench_cpu_s();
    aif_status st = aif_replay_fifo_read(NULL, path, NULL, 0, c, &res, &err);
    if (st != AIF_OK) {
        char text[512];
        aif_error_format(&err, text, sizeof text);
        fprintf(stderr, "%s\n", st == AIF_EPARSE || st == AIF_EIO ? text : aif_strerror(st));
        return 1;
    }
    printf("mean_jct_s %.6f utilization %.6f preemptions %llu fused_s %.3f ",
           res.summary.mean_jct_s, res.summary.gpu_utilization,
           (unsigned long long)res.summary.preemptions, bench_cpu_s() - t0);
    return 0;
}

static int library(const char *path, aif_replay_config *c) {
    if (aif_replay_fifo_applies(c)) {
        return library_fused(path, c);
    }
    aif_trace *t = NULL;
    aif_error err;
    double t0 = bench_cpu_s();
    if (aif_trace_read(NULL, path, NULL, &t, &err) != AIF_OK) {
        char text[512];
        aif_error_format(&err, text, sizeof text);
        fprintf(stderr, "%s\n", text);
        return 1;
    }
    double t1 = bench_cpu_s();
    aif_replay *r = NULL;
    aif_status st = aif_replay_run(NULL, aif_trace_jobs(t), aif_trace_count(t), c, &r);
    if (st != AIF_OK) {
        fprintf(stderr, "replay: %s\n", aif_strerror(st));
        return 1;
    }
    double t2 = bench_cpu_s();
    aif_replay_summary s;
    if (aif_replay_summarize(r, aif_trace_jobs(t), &s) != AIF_OK) {
        return 1;
    }
    double t3 = bench_cpu_s();
    printf("mean_jct_s %.6f utilization %.6f preemptions %llu read_s %.3f replay_s %.3f "
           "summary_s %.3f ",
           s.mean_jct_s, s.gpu_utilization, (unsigned long long)s.preemptions, t1 - t0, t2 - t1,
           t3 - t2);
    aif_replay_destroy(r);
    aif_trace_destroy(t);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: bench_replay TRACE GPUS [--baseline] [--policy P] "
                        "[--placement P] [--gpus-per-node K]\n");
        return 2;
    }
    aif_replay_config c = {
        .policy = "fifo", .placement = AIF_PLACE_POOL, .gpus_per_node = 8, .seed = 1};
    c.gpus = strtoll(argv[2], NULL, 10);
    int base = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--baseline") == 0) {
            base = 1;
        } else if (i + 1 < argc && strcmp(argv[i], "--policy") == 0) {
            c.policy = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--placement") == 0) {
            if (aif_placement_parse(argv[++i], &c.placement) != AIF_OK) {
                return 2;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--gpus-per-node") == 0) {
            c.gpus_per_node = (int32_t)strtol(argv[++i], NULL, 10);
        } else {
            return 2;
        }
    }
    double t0 = bench_wall_s(), c0 = bench_cpu_s();
    printf("%s ", base ? "baseline" : c.policy);
    int rc = base ? baseline(argv[1], c.gpus) : library(argv[1], &c);
    printf("wall_s %.3f cpu_s %.3f peak_rss_mib %.1f\n", bench_wall_s() - t0, bench_cpu_s() - c0,
           peak_rss_mib());
    return rc;
}
