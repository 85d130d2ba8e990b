/* Hold-model benchmark of the event queue (aif_pq) against a minimal binary heap.
 *
 * The classic hold model keeps N events pending: fill the queue with N exponential times,
 * then repeat "pop the minimum at time t, push t + Exp(1)". Both queues see the same
 * stream of increments, runs alternate between them, and the median of the repetitions is
 * reported, because the machine is shared and single runs are noisy. The baseline is a
 * plain binary heap of (time, seq) keys with hole-based sifting: what anyone would write
 * in an afternoon, and the bar aif_pq must clear.
 *
 * Usage: bench_hold [--reps R] [--events M] [--n N1,N2,...] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "aifactory/pq.h"

#define INC_COUNT 4096 /* precomputed increments, so the timed loop measures the queue */
#define MEAN_NS   1000000.0

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int64_t exp_ns(uint64_t *s) {
    double u = (double)(splitmix64(s) >> 11) * 0x1.0p-53; /* [0, 1) */
    return (int64_t)(-log1p(-u) * MEAN_NS);
}

/* ---- baseline: binary heap of (time, seq) ---- */

typedef struct bkey {
    int64_t time;
    uint64_t seq;
} bkey;

typedef struct bheap {
    bkey *a;
    size_t n;
    uint64_t seq;
} bheap;

static int bless(const bkey *x, const bkey *y) {
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void bheap_push(bheap *h, int64_t t) {
    bkey x = {t, h->seq++};
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!bless(&x, &h->a[p])) {
            break;
        }
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = x;
}

static int64_t bheap_pop(bheap *h) {
    int64_t top = h->a[0].time;
    bkey x = h->a[--h->n];
    size_t n = h->n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) {
            break;
        }
        if (c + 1 < n && bless(&h->a[c + 1], &h->a[c])) {
            c++;
        }
        if (!bless(&h->a[c], &x)) {
            break;
        }
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = x;
    return top;
}

/* ---- one timed run of each ---- */

typedef struct workload {
    size_t n;
    long events;
    uint64_t seed;
    int64_t inc[INC_COUNT];
} workload;

/* Returns events/s; *check receives the final time so the work cannot be optimized out. */
static double run_plain(const workload *w, int64_t *check) {
    bheap h = {malloc(w->n * sizeof(bkey)), 0, 0};
    if (h.a == NULL) {
        return 0;
    }
    uint64_t s = w->seed;
    for (size_t i = 0; i < w->n; i++) {
        bheap_push(&h, exp_ns(&s));
    }
    int64_t t = 0;
    for (size_t i = 0; i < w->n; i++) { /* warm-up: one turnover, untimed */
        t = bheap_pop(&h);
        bheap_push(&h, t + w->inc[i % INC_COUNT]);
    }
    double t0 = bench_cpu_s();
    for (long i = 0; i < w->events; i++) {
        t = bheap_pop(&h);
        bheap_push(&h, t + w->inc[(size_t)i % INC_COUNT]);
    }
    double dt = bench_cpu_s() - t0;
    *check = t;
    free(h.a);
    return (double)w->events / dt;
}

static double run_pq(const workload *w, int64_t *check) {
    aif_pq *pq = NULL;
    if (aif_pq_create(NULL, w->n, &pq) != AIF_OK) {
        return 0;
    }
    uint64_t s = w->seed;
    aif_event ev = {0};
    for (size_t i = 0; i < w->n; i++) {
        ev.time = exp_ns(&s);
        aif_pq_push(pq, &ev, NULL);
    }
    for (size_t i = 0; i < w->n; i++) {
        aif_pq_pop(pq, &ev);
        ev.time += w->inc[i % INC_COUNT];
        aif_pq_push(pq, &ev, NULL);
    }
    double t0 = bench_cpu_s();
    for (long i = 0; i < w->events; i++) {
        aif_pq_pop(pq, &ev);
        *check = ev.time;
        ev.time += w->inc[(size_t)i % INC_COUNT];
        aif_pq_push(pq, &ev, NULL);
    }
    double dt = bench_cpu_s() - t0;
    aif_pq_destroy(pq);
    return (double)w->events / dt;
}

int main(int argc, char **argv) {
    int reps = 5;
    long events = 2000000;
    const char *list = "1000,10000,100000,1000000";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            events = atol(argv[++i]);
        } else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) {
            list = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--reps R] [--events M] [--n N1,N2,...]\n", argv[0]);
            return 2;
        }
    }
    if (reps < 1 || reps > 100 || events < 1) {
        fprintf(stderr, "bench_hold: --reps must be 1..100 and --events positive\n");
        return 2;
    }
    workload *w = malloc(sizeof *w);
    double *plain = malloc((size_t)reps * sizeof *plain);
    double *mine = malloc((size_t)reps * sizeof *mine);
    if (w == NULL || plain == NULL || mine == NULL) {
        return 1;
    }
    uint64_t s = 42;
    for (size_t i = 0; i < INC_COUNT; i++) {
        w->inc[i] = exp_ns(&s);
    }
    printf("hold model, %ld timed events per run, median of %d runs\n", events, reps);
    printf("%10s %16s %16s %8s\n", "N", "binheap ev/s", "aif_pq ev/s", "ratio");
    int64_t c1 = 0, c2 = 0;
    for (const char *p = list; *p;) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p || n < 1) {
            fprintf(stderr, "bench_hold: bad --n list '%s'\n", list);
            return 2;
        }
        w->n = (size_t)n;
        w->events = events;
        for (int r = 0; r < reps; r++) {
            w->seed = 1000 + (uint64_t)r;
            /* Alternate which queue runs first so drift in machine load hits both. */
            if (r % 2 == 0) {
                plain[r] = run_plain(w, &c1);
                mine[r] = run_pq(w, &c2);
            } else {
                mine[r] = run_pq(w, &c2);
                plain[r] = run_plain(w, &c1);
            }
            if (c1 != c2) {
                fprintf(stderr, "bench_hold: queues disagree (%lld vs %lld)\n", (long long)c1,
                        (long long)c2);
                return 1;
            }
        }
        double mp = bench_median(plain, reps), mm = bench_median(mine, reps);
        printf("%10ld %16.0f %16.0f %8.2f\n", n, mp, mm, mm / mp);
        fflush(stdout);
        p = *end == ',' ? end + 1 : end;
    }
    free(w);
    free(plain);
    free(mine);
    return 0;
}
