/* Policies that order jobs by a key: sjf (duration), srtf (remaining time, preemptive),
 * priority (the trace's priority, preemptive across classes) and las (Tiresias-style
 * discretized 2D-LAS over attained GPU-time, preemptive, with starvation promotion).
 *
 * Waiting jobs sit in a min-heap by key; for the preemptive policies running jobs sit in a
 * second heap whose top is the least deserving one, the first to preempt. A pass starts
 * waiting jobs best-first; a job that does not fit may preempt running jobs that rank
 * strictly below it, when that frees enough GPUs; otherwise it is skipped and the next is
 * tried (greedy), up to the configured scan limit.
 *
 * Per-job arrays (las bookkeeping) are indexed by id & mask (sched_internal.h); the heaps
 * and scratch arrays hold at most the live jobs, so they are sized to the engine's slots
 * and grow with them. A job preempted by a session's capacity shrink is accounted as one
 * this policy preempted (las attained service, starvation timer) and queued by its key. */
#include <math.h>

#include "sched_internal.h"

enum { K_SJF, K_SRTF, K_PRIORITY, K_LAS };

/* Two queues split at 16 GPU-hours, the setting of the Tiresias baseline in the Pollux
 * (OSDI'21) artifact, against whose published results docs/replay.md compares. */
#define LAS_DEFAULT_THRESHOLD_GPU_S (16 * 3600.0)
/* Attained service is a double sum of ns-resolution runs: allow for its rounding. */
#define LAS_EPS_GPU_S 1e-6

/* las bookkeeping per job (allocated for las only). */
typedef struct las_job {
    double attained_gpu_s; /* GPU-seconds received before the current run */
    int64_t last_run_ns;   /* length of the last run, for the starvation rule */
    aif_pq_handle timer;   /* demotion (running) or promotion (waiting) */
} las_job;

typedef struct keyed_state {
    int kind;
    las_job *las;
    jheap wait;
    jheap run;        /* preemptive only: key negated so the top is the worst */
    uint32_t *skip;   /* ids skipped in the current pass */
    uint32_t *victim; /* ids popped from `run` while looking for room */
    int64_t *vkey;
    uint32_t cap;   /* heaps and scratch: at least the live (waiting + running) jobs */
    uint32_t slots; /* las entries: the engine's per-job slots */
    uint32_t mask;  /* the engine's, for las */
    double thr[AIF_REPLAY_LAS_MAX_QUEUES - 1];
    int nthr;
    /* Jobs in `wait` by floor(log2(gpus)): lets a pass stop as soon as no waiting job can
     * fit the free GPUs, instead of popping through the whole scan limit. */
    uint32_t by_size[32];
} keyed_state;

static int size_class(int32_t gpus) {
    int c = 0;
    while (gpus >>= 1) {
        c++;
    }
    return c;
}

static void wait_push(engine *e, keyed_state *s, uint32_t j, int64_t key) {
    s->by_size[size_class(eng_job(e, j)->gpus)]++;
    aif__jheap_push(&s->wait, j, key);
}

static void wait_remove(engine *e, keyed_state *s, uint32_t j) {
    s->by_size[size_class(eng_job(e, j)->gpus)]--;
    aif__jheap_remove(&s->wait, j);
}

/* Some waiting job might fit `free` GPUs (never false when one does). */
static bool some_fit(const keyed_state *s, int64_t free) {
    for (int c = 0; c < 32 && ((int64_t)1 << c) <= free; c++) {
        if (s->by_size[c]) {
            return true;
        }
    }
    return false;
}

/* Pack (class, job id) so that heap order is class first, arrival order second. */
static int64_t pack(int64_t cls, uint32_t j) {
    return cls * ((int64_t)1 << 32) + j;
}

/* What running waiting job j to completion would take from now: its remaining work plus
 * the resume overhead it pays if it ran before. srtf compares this with a running job's
 * time to finish (which already holds any overhead of its current run); comparing the
 * bare remaining work instead let two jobs preempt each other forever at one instant. */
static int64_t srtf_cost(const engine *e, uint32_t j) {
    const job_run *r = eng_run(e, j);
    return r->remaining_ns + (r->started ? e->cfg->preempt_overhead_ns : 0);
}

static int64_t wait_key(const engine *e, const keyed_state *s, uint32_t j) {
    switch (s->kind) {
    case K_SJF:
        return eng_job(e, j)->duration_ns;
    case K_SRTF:
        return srtf_cost(e, j);
    case K_PRIORITY:
        return pack(-(int64_t)eng_job(e, j)->priority, j);
    default:
        return pack(eng_run(e, j)->queue, j);
    }
}

/* Larger = preempted first. */
static int64_t run_key(const engine *e, const keyed_state *s, uint32_t j) {
    switch (s->kind) {
    case K_SRTF:
        return -eng_run(e, j)->finish_ns;
    case K_PRIORITY:
        return -pack(-(int64_t)eng_job(e, j)->priority, j);
    default:
        return -pack(eng_run(e, j)->queue, j);
    }
}

/* Waiting job w ranks strictly above running job r. */
static bool outranks(const engine *e, const keyed_state *s, uint32_t w, uint32_t r) {
    switch (s->kind) {
    case K_SRTF:
        return srtf_cost(e, w) < eng_run(e, r)->finish_ns - e->now;
    case K_PRIORITY:
        return eng_job(e, w)->priority > eng_job(e, r)->priority;
    case K_LAS:
        return eng_run(e, w)->queue < eng_run(e, r)->queue;
    default:
        return false;
    }
}

/* las keeps only running jobs of queues > 0 in `run`: nothing outranks a top-queue job, so
 * those can never be preempted and are left out (a pass stops at them either way). Most
 * jobs finish in the top queue, so this spares a heap push and removal per job. */
static bool in_run_heap(const engine *e, const keyed_state *s, uint32_t j) {
    return s->kind != K_LAS || eng_run(e, j)->queue > 0;
}

/* Leave `run` (a running job that finished or was preempted). */
static void run_leave(engine *e, keyed_state *s, uint32_t j) {
    if (s->kind != K_SJF && eng_run(e, j)->slot != UINT32_MAX) {
        aif__jheap_remove(&s->run, j);
    }
}

/* When the current run of j starts to give service: after the resume overhead, which is
 * no progress (the engine counts none during it either). Counting the overhead as service
 * livelocked las: with an overhead as long as a queue's quantum, a resumed job was demoted
 * (and then preempted) before it progressed at all (tests/data/repro/las-livelock3.csv). */
static int64_t service_since(const engine *e, const job_run *r) {
    return r->run_since_ns + (r->resumed ? e->cfg->preempt_overhead_ns : 0);
}

static double attained_now(const engine *e, const keyed_state *s, uint32_t j) {
    const job_run *r = eng_run(e, j);
    double a = s->las[j & s->mask].attained_gpu_s;
    if (r->state == JOB_RUNNING && e->now > service_since(e, r)) {
        a += (double)(e->now - service_since(e, r)) / 1e9 * eng_job(e, j)->gpus;
    }
    return a;
}

/* las: the timer that demotes running job j when it crosses its queue's threshold. */
static aif_status las_arm_demotion(engine *e, keyed_state *s, uint32_t j) {
    int q = eng_run(e, j)->queue;
    if (q >= s->nthr) {
        aif__engine_cancel_timer(e, &s->las[j & s->mask].timer);
        return AIF_OK;
    }
    double left_gpu_s = s->thr[q] - attained_now(e, s, j);
    double dt_ns = left_gpu_s > 0 ? ceil(left_gpu_s * 1e9 / eng_job(e, j)->gpus) : 0;
    int64_t since = service_since(e, eng_run(e, j));
    if (since > e->now) {
        dt_ns += (double)(since - e->now); /* the overhead still to pay */
    }
    /* finish <= now + dt, written so that neither the conversion nor the sum can overflow
     * (a large threshold leaves dt far past any finish). */
    if (!(dt_ns < 0x1p63) || eng_run(e, j)->finish_ns - e->now <= (int64_t)dt_ns) {
        /* The job completes first (completions pop before timers at equal time, and a
         * running job's finish only moves by a preemption, which re-arms): the timer
         * would be cancelled unfired, so do not queue it. Most jobs end in the top
         * queue, and this halves the event queue's traffic. */
        aif__engine_cancel_timer(e, &s->las[j & s->mask].timer);
        return AIF_OK;
    }
    return aif__engine_set_timer(e, j, e->now + (int64_t)dt_ns, &s->las[j & s->mask].timer);
}

/* las: the timer that promotes waiting job j to the top queue if it starves. */
static aif_status las_arm_promotion(engine *e, keyed_state *s, uint32_t j) {
    las_job *l = &s->las[j & s->mask];
    double f = e->cfg->las_starve_factor;
    if (f <= 0 || eng_run(e, j)->queue == 0 || l->last_run_ns <= 0) {
        aif__engine_cancel_timer(e, &l->timer);
        return AIF_OK;
    }
    double dt = f * (double)l->last_run_ns;
    /* Past the horizon the timer could never fire (the run stops with AIF_ERANGE before, or
     * the job has started and cancelled it): drop it, and keep now + dt in int64. */
    if (!(dt < 0x1p63) || (int64_t)dt > AIF_REPLAY_HORIZON_NS - e->now) {
        aif__engine_cancel_timer(e, &l->timer);
        return AIF_OK;
    }
    return aif__engine_set_timer(e, j, e->now + (int64_t)dt, &l->timer);
}

/* las: book the run that just ended by preemption (attained service, the length of the
 * run for the starvation rule) and arm the promotion timer; nothing for other kinds. */
static aif_status las_stopped(engine *e, keyed_state *s, uint32_t j) {
    if (s->kind != K_LAS) {
        return AIF_OK;
    }
    int64_t ran = e->now - eng_run(e, j)->run_since_ns;
    int64_t served = e->now - service_since(e, eng_run(e, j));
    if (served > 0) {
        s->las[j & s->mask].attained_gpu_s += (double)served / 1e9 * eng_job(e, j)->gpus;
    }
    s->las[j & s->mask].last_run_ns = ran;
    return las_arm_promotion(e, s, j);
}

static aif_status keyed_create(engine *e, void **state, int kind) {
    keyed_state *s = aif_calloc(e->alloc, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    s->kind = kind;
    s->cap = (uint32_t)e->cap;
    s->slots = (uint32_t)e->cap;
    s->mask = e->mask;
    s->nthr = e->cfg->las_threshold_count;
    for (int i = 0; i < s->nthr; i++) {
        s->thr[i] = e->cfg->las_thresholds_gpu_s[i];
    }
    if (s->nthr == 0) {
        s->thr[0] = LAS_DEFAULT_THRESHOLD_GPU_S;
        s->nthr = 1;
    }
    bool pre = kind != K_SJF;
    aif_status st = aif__jheap_init(&s->wait, e->alloc, e, s->cap);
    if (st == AIF_OK && pre) {
        st = aif__jheap_init(&s->run, e->alloc, e, s->cap);
    }
    s->skip = aif_alloc(e->alloc, s->cap * sizeof *s->skip);
    s->victim = aif_alloc(e->alloc, s->cap * sizeof *s->victim);
    s->vkey = aif_alloc(e->alloc, s->cap * sizeof *s->vkey);
    if (kind == K_LAS) {
        s->las = aif_calloc(e->alloc, s->slots, sizeof *s->las);
    }
    if (st != AIF_OK || !s->skip || !s->victim || !s->vkey || (kind == K_LAS && !s->las)) {
        aif__jheap_free(&s->wait, e->alloc);
        aif__jheap_free(&s->run, e->alloc);
        aif_free(e->alloc, s->skip, s->cap * sizeof *s->skip);
        aif_free(e->alloc, s->victim, s->cap * sizeof *s->victim);
        aif_free(e->alloc, s->vkey, s->cap * sizeof *s->vkey);
        aif_free(e->alloc, s->las, s->slots * sizeof *s->las);
        aif_free(e->alloc, s, sizeof *s);
        return AIF_ENOMEM;
    }
    *state = s;
    return AIF_OK;
}

static void keyed_destroy(engine *e, void *state) {
    keyed_state *s = state;
    aif__jheap_free(&s->wait, e->alloc);
    aif__jheap_free(&s->run, e->alloc);
    aif_free(e->alloc, s->skip, s->cap * sizeof *s->skip);
    aif_free(e->alloc, s->victim, s->cap * sizeof *s->victim);
    aif_free(e->alloc, s->vkey, s->cap * sizeof *s->vkey);
    aif_free(e->alloc, s->las, s->slots * sizeof *s->las);
    aif_free(e->alloc, s, sizeof *s);
}

static aif_status reserve_live(engine *e, keyed_state *s, uint32_t need);

static aif_status keyed_enqueue(engine *e, void *state, uint32_t j) {
    keyed_state *s = state;
    aif_status st = reserve_live(e, s, (uint32_t)(e->waiting + e->running));
    if (st != AIF_OK) {
        return st;
    }
    wait_push(e, s, j, wait_key(e, s, j));
    return AIF_OK;
}

static void keyed_finished(engine *e, void *state, uint32_t j) {
    keyed_state *s = state;
    run_leave(e, s, j);
    if (s->kind == K_LAS) {
        aif__engine_cancel_timer(e, &s->las[j & s->mask].timer);
        /* Clean for the next id that takes this slot of a session's ring. */
        s->las[j & s->mask] = (las_job){0};
    }
}

static aif_status on_started(engine *e, keyed_state *s, uint32_t j) {
    wait_remove(e, s, j);
    if (s->kind == K_SJF) {
        return AIF_OK;
    }
    if (in_run_heap(e, s, j)) {
        aif__jheap_push(&s->run, j, run_key(e, s, j));
    }
    return s->kind == K_LAS ? las_arm_demotion(e, s, j) : AIF_OK;
}

/* Preempt the worst running jobs that w outranks until w's GPUs are free; false (nothing
 * changed) when even all of them would not be enough. */
static aif_status make_room(engine *e, keyed_state *s, uint32_t w, bool *ok) {
    int64_t need = eng_job(e, w)->gpus - eng_free(e);
    uint32_t nv = 0;
    int64_t freed = 0;
    while (freed < need && s->run.len > 0 && outranks(e, s, w, s->run.ids[0])) {
        s->vkey[nv] = s->run.keys[0];
        s->victim[nv++] = aif__jheap_pop(&s->run);
        freed += eng_job(e, s->victim[nv - 1])->gpus;
    }
    *ok = freed >= need;
    for (uint32_t i = 0; i < nv; i++) {
        uint32_t v = s->victim[i];
        if (!*ok) {
            aif__jheap_push(&s->run, v, s->vkey[i]);
            continue;
        }
        aif_status st = aif__engine_preempt(e, v);
        if (st == AIF_OK) {
            st = las_stopped(e, s, v);
        }
        if (st != AIF_OK) {
            return st;
        }
        wait_push(e, s, v, wait_key(e, s, v));
    }
    return AIF_OK;
}

static aif_status keyed_preempted(engine *e, void *state, uint32_t j) {
    keyed_state *s = state;
    run_leave(e, s, j);
    return las_stopped(e, s, j);
}

/* Room in the heaps and scratch arrays for `need` live jobs (sessions; a replay sizes
 * them to all its jobs at create). All or nothing. */
static aif_status reserve_live(engine *e, keyed_state *s, uint32_t need) {
    if (need <= s->cap) {
        return AIF_OK;
    }
    uint32_t cap = s->cap * 2 > need ? s->cap * 2 : need;
    uint32_t *skip = aif_alloc(e->alloc, cap * sizeof *skip);
    uint32_t *victim = aif_alloc(e->alloc, cap * sizeof *victim);
    int64_t *vkey = aif_alloc(e->alloc, cap * sizeof *vkey);
    /* Heaps only gain room, so a failure below leaves them valid (just larger). */
    aif_status st = aif__jheap_reserve(&s->wait, e->alloc, cap);
    if (st == AIF_OK && s->kind != K_SJF) {
        st = aif__jheap_reserve(&s->run, e->alloc, cap);
    }
    if (st != AIF_OK || !skip || !victim || !vkey) {
        aif_free(e->alloc, skip, cap * sizeof *skip);
        aif_free(e->alloc, victim, cap * sizeof *victim);
        aif_free(e->alloc, vkey, cap * sizeof *vkey);
        return AIF_ENOMEM;
    }
    aif_free(e->alloc, s->skip, s->cap * sizeof *s->skip);
    aif_free(e->alloc, s->victim, s->cap * sizeof *s->victim);
    aif_free(e->alloc, s->vkey, s->cap * sizeof *s->vkey);
    s->skip = skip;
    s->victim = victim;
    s->vkey = vkey;
    s->cap = cap;
    return AIF_OK;
}

/* The las entries move with the engine's ring; the heaps' ids are renumbered, and the keys
 * that embed the id (pack) move with it. */
static aif_status keyed_remap(engine *e, void *state, const id_remap *m) {
    keyed_state *s = state;
    if (s->kind == K_LAS) {
        uint32_t slots = (uint32_t)e->cap;
        las_job *las = aif_calloc(e->alloc, slots, sizeof *las);
        if (las == NULL) {
            return AIF_ENOMEM;
        }
        for (uint32_t j = m->lo; j != m->hi; j++) {
            if (remap_keeps(m, j)) {
                las[remap_id(m, j) & e->mask] = s->las[j & m->old_mask];
            }
        }
        aif_free(e->alloc, s->las, s->slots * sizeof *s->las);
        s->las = las;
        s->slots = slots;
    }
    s->mask = e->mask;
    int sign = s->kind == K_PRIORITY || s->kind == K_LAS;
    aif__jheap_remap(&s->wait, e, m, sign);
    aif__jheap_remap(&s->run, e, m, -sign);
    return AIF_OK;
}

static aif_status keyed_schedule(engine *e, void *state) {
    keyed_state *s = state;
    uint32_t nskip = 0;
    aif_status st = AIF_OK;
    bool pre = s->kind != K_SJF;
    while (s->wait.len > 0 && nskip <= e->scan_limit) {
        uint32_t w = s->wait.ids[0];
        bool fits = eng_job(e, w)->gpus <= eng_free(e);
        if (!fits && pre) {
            bool ok;
            if ((st = make_room(e, s, w, &ok)) != AIF_OK) {
                break;
            }
            fits = ok;
        }
        if (fits) {
            st = aif__engine_start(e, w);
            if (st == AIF_OK) {
                if ((st = on_started(e, s, w)) != AIF_OK) {
                    break;
                }
                continue;
            }
            if (st != AIF_EEMPTY) {
                break;
            }
            st = AIF_OK;
        }
        wait_remove(e, s, w);
        s->skip[nskip++] = w;
        /* Later jobs rank no higher than w: if none of them fits the free GPUs they can
         * only start by preempting, and they cannot outrank what w could not. */
        if (!some_fit(s, eng_free(e)) &&
            (!pre || s->run.len == 0 || !outranks(e, s, w, s->run.ids[0]))) {
            break;
        }
    }
    for (uint32_t i = 0; i < nskip; i++) {
        wait_push(e, s, s->skip[i], wait_key(e, s, s->skip[i]));
    }
    return st;
}

static aif_status las_timer(engine *e, void *state, uint32_t j) {
    keyed_state *s = state;
    job_run *r = eng_run(e, j);
    s->las[j & s->mask].timer = AIF_PQ_HANDLE_NONE; /* it just fired */
    if (r->state == JOB_RUNNING) {
        /* Demotion: the job used up its queue's share of attained service. */
        if (r->queue < s->nthr && attained_now(e, s, j) >= s->thr[r->queue] - LAS_EPS_GPU_S) {
            r->queue++;
            if (r->slot == UINT32_MAX) {
                aif__jheap_push(&s->run, j, run_key(e, s, j)); /* left the top queue */
            } else {
                aif__jheap_update(&s->run, j, run_key(e, s, j));
            }
        }
        return las_arm_demotion(e, s, j);
    }
    if (r->state == JOB_WAITING && r->queue > 0) {
        /* Starvation: back to the top queue with its attained service forgotten. */
        r->queue = 0;
        s->las[j & s->mask].attained_gpu_s = 0;
        aif__jheap_update(&s->wait, j, wait_key(e, s, j));
    }
    return AIF_OK;
}

static aif_status sjf_create(engine *e, void **state) {
    return keyed_create(e, state, K_SJF);
}
static aif_status srtf_create(engine *e, void **state) {
    return keyed_create(e, state, K_SRTF);
}
static aif_status priority_create(engine *e, void **state) {
    return keyed_create(e, state, K_PRIORITY);
}
static aif_status las_create(engine *e, void **state) {
    return keyed_create(e, state, K_LAS);
}

const policy_ops aif__policy_sjf = {
    .name = "sjf",
    .summary = "shortest job first by trace duration, non-preemptive (greedy)",
    .create = sjf_create,
    .destroy = keyed_destroy,
    .enqueue = keyed_enqueue,
    .finished = keyed_finished,
    .schedule = keyed_schedule,
    .preempted = keyed_preempted,
    .remap = keyed_remap,
};

const policy_ops aif__policy_srtf = {
    .name = "srtf",
    .summary = "shortest remaining time first, preemptive",
    .preemptive = true,
    .create = srtf_create,
    .destroy = keyed_destroy,
    .enqueue = keyed_enqueue,
    .finished = keyed_finished,
    .schedule = keyed_schedule,
    .preempted = keyed_preempted,
    .remap = keyed_remap,
};

const policy_ops aif__policy_las = {
    .name = "las",
    .summary = "Tiresias discretized 2D-LAS on attained GPU-time, preemptive, starvation "
               "promotion; no duration knowledge",
    .preemptive = true,
    .create = las_create,
    .destroy = keyed_destroy,
    .enqueue = keyed_enqueue,
    .finished = keyed_finished,
    .schedule = keyed_schedule,
    .preempted = keyed_preempted,
    .remap = keyed_remap,
    .timer = las_timer,
};

const policy_ops aif__policy_priority = {
    .name = "priority",
    .summary = "by the trace's priority column (higher first), preemptive across classes",
    .preemptive = true,
    .create = priority_create,
    .destroy = keyed_destroy,
    .enqueue = keyed_enqueue,
    .finished = keyed_finished,
    .schedule = keyed_schedule,
    .preempted = keyed_preempted,
    .remap = keyed_remap,
};
