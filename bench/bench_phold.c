/* PHOLD-like benchmark of the whole event loop (aif_sim) against the same model written
 * directly on a minimal binary heap.
 *
 * E entities start with K events each; handling an event draws a random target entity and
 * a delay of lookahead + Exp(1) from the handling entity's own stream and schedules one new
 * event, so the number pending stays E*K. The aif_sim version pays for what a real model
 * uses (entity dispatch through ops tables, payloads, cancellable handles, the trace hash);
 * the baseline is the bare minimum. Runs alternate and medians are reported.
 *
 * Usage: bench_phold [--reps R] [--events M] [--entities E1,E2,...] [--per-entity K] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "aifactory/sim.h"

#define MEAN_NS      1000000.0
#define LOOKAHEAD_NS 100000

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* One draw: target entity and delay, identical in both implementations. */
static void draw(uint64_t *rng, uint32_t entities, uint32_t *to, int64_t *delay) {
    uint64_t r = splitmix64(rng);
    *to = (uint32_t)(r % entities);
    double u = (double)(splitmix64(rng) >> 11) * 0x1.0p-53;
    *delay = LOOKAHEAD_NS + (int64_t)(-log1p(-u) * MEAN_NS);
}

typedef struct params {
    uint32_t entities;
    int per_entity;
    long events;
    uint64_t seed;
} params;

/* ---- through aif_sim ---- */

typedef struct ent_state {
    uint64_t rng;
    uint32_t entities;
} ent_state;

static aif_status ent_init(aif_sim *sim, uint32_t self, void *state, const void *config) {
    const params *p = config;
    ent_state *s = state;
    s->rng = aif_sim_seed(sim) ^ ((uint64_t)self * 0xd1342543de82ef95u);
    s->entities = p->entities;
    for (int i = 0; i < p->per_entity; i++) {
        uint32_t to;
        int64_t d;
        draw(&s->rng, s->entities, &to, &d);
        /* Later entities do not exist yet, so the first events go to the entity itself. */
        aif_status st = aif_sim_schedule_in(sim, d, self, 0, 0, 0, NULL);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

static aif_status ent_handle(aif_sim *sim, uint32_t self, void *state, const aif_event *ev) {
    (void)self;
    ent_state *s = state;
    uint32_t to;
    int64_t d;
    draw(&s->rng, s->entities, &to, &d);
    return aif_sim_schedule_in(sim, d, to, 0, 0, ev->data + 1, NULL);
}

static const aif_entity_ops ent_ops = {"phold", sizeof(ent_state), ent_init, ent_handle, NULL};

static double run_sim(const params *p, int64_t *check) {
    aif_sim_config cfg = {p->seed, (size_t)p->entities * (size_t)p->per_entity};
    aif_sim *sim = NULL;
    if (aif_sim_create(NULL, &cfg, &sim) != AIF_OK) {
        return 0;
    }
    for (uint32_t i = 0; i < p->entities; i++) {
        if (aif_sim_add_entity(sim, &ent_ops, p, NULL) != AIF_OK) {
            aif_sim_destroy(sim);
            return 0;
        }
    }
    double t0 = bench_cpu_s();
    aif_sim_run_steps(sim, (uint64_t)p->events);
    double dt = bench_cpu_s() - t0;
    *check = aif_sim_now(sim);
    aif_sim_destroy(sim);
    return (double)p->events / dt;
}

/* ---- baseline: the same model on a bare binary heap ---- */

typedef struct bev {
    int64_t time;
    uint64_t seq;
    uint32_t target;
    uint64_t data;
} bev;

typedef struct bheap {
    bev *a;
    size_t n;
    uint64_t seq;
} bheap;

static int bless(const bev *x, const bev *y) {
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void bheap_push(bheap *h, bev x) {
    x.seq = h->seq++;
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

static bev bheap_pop(bheap *h) {
    bev top = h->a[0];
    bev x = h->a[--h->n];
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

static double run_plain(const params *p, int64_t *check) {
    size_t total = (size_t)p->entities * (size_t)p->per_entity;
    bheap h = {malloc((total + 1) * sizeof(bev)), 0, 0};
    ent_state *ents = malloc(p->entities * sizeof *ents);
    if (h.a == NULL || ents == NULL) {
        free(h.a);
        free(ents);
        return 0;
    }
    for (uint32_t i = 0; i < p->entities; i++) {
        ents[i].rng = p->seed ^ ((uint64_t)i * 0xd1342543de82ef95u);
        ents[i].entities = p->entities;
        for (int k = 0; k < p->per_entity; k++) {
            uint32_t to;
            int64_t d;
            draw(&ents[i].rng, p->entities, &to, &d);
            bheap_push(&h, (bev){d, 0, i, 0});
        }
    }
    double t0 = bench_cpu_s();
    int64_t now = 0;
    for (long i = 0; i < p->events; i++) {
        bev ev = bheap_pop(&h);
        now = ev.time;
        ent_state *s = &ents[ev.target];
        uint32_t to;
        int64_t d;
        draw(&s->rng, s->entities, &to, &d);
        bheap_push(&h, (bev){now + d, 0, to, ev.data + 1});
    }
    double dt = bench_cpu_s() - t0;
    *check = now;
    free(h.a);
    free(ents);
    return (double)p->events / dt;
}

int main(int argc, char **argv) {
    int reps = 5, per_entity = 8;
    long events = 2000000;
    const char *list = "100,10000,100000";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            events = atol(argv[++i]);
        } else if (strcmp(argv[i], "--entities") == 0 && i + 1 < argc) {
            list = argv[++i];
        } else if (strcmp(argv[i], "--per-entity") == 0 && i + 1 < argc) {
            per_entity = atoi(argv[++i]);
        } else {
            fprintf(stderr,
                    "usage: %s [--reps R] [--events M] [--entities E1,E2,...] "
                    "[--per-entity K]\n",
                    argv[0]);
            return 2;
        }
    }
    if (reps < 1 || reps > 100 || events < 1 || per_entity < 1) {
        fprintf(stderr, "bench_phold: --reps 1..100, --events and --per-entity positive\n");
        return 2;
    }
    double *plain = malloc((size_t)reps * sizeof *plain);
    double *mine = malloc((size_t)reps * sizeof *mine);
    if (plain == NULL || mine == NULL) {
        return 1;
    }
    printf("PHOLD-like model, %d events per entity pending, %ld timed events per run, "
           "median of %d runs\n",
           per_entity, events, reps);
    printf("%10s %10s %16s %16s %8s\n", "entities", "pending", "binheap ev/s", "aif_sim ev/s",
           "ratio");
    for (const char *q = list; *q;) {
        char *end;
        long e = strtol(q, &end, 10);
        if (end == q || e < 1 || e > 100000000) {
            fprintf(stderr, "bench_phold: bad --entities list '%s'\n", list);
            return 2;
        }
        params p = {(uint32_t)e, per_entity, events, 0};
        for (int r = 0; r < reps; r++) {
            int64_t c1 = 0, c2 = 0;
            p.seed = 77 + (uint64_t)r;
            if (r % 2 == 0) {
                plain[r] = run_plain(&p, &c1);
                mine[r] = run_sim(&p, &c2);
            } else {
                mine[r] = run_sim(&p, &c2);
                plain[r] = run_plain(&p, &c1);
            }
            if (c1 != c2) {
                fprintf(stderr, "bench_phold: models disagree (%lld vs %lld)\n", (long long)c1,
                        (long long)c2);
                return 1;
            }
        }
        double mp = bench_median(plain, reps), mm = bench_median(mine, reps);
        printf("%10ld %10ld %16.0f %16.0f %8.2f\n", e, e * per_entity, mp, mm, mm / mp);
        fflush(stdout);
        q = *end == ',' ? end + 1 : end;
    }
    free(plain);
    free(mine);
    return 0;
}
