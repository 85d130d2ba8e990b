/* The step-wise scheduling session (session.h): the replay engine (replay.c) run in steps
 * over a pool whose size changes, with jobs appended as they arrive and per-job state kept
 * in rings indexed by id & mask that grow when the span of live ids outgrows them. */
#include "aifactory/session.h"

#include "aifactory/sched.h"
#include "sched_internal.h"

#define FIRST_SLOTS 256

struct aif_sched_session {
    const aif_allocator *alloc;
    aif_replay_config cfg; /* the engine points here */
    engine e;
    aif_job *jobs;   /* the ring e.jobs reads */
    uint32_t oldest; /* no id below it is unfinished */
    int64_t last_submit_ns;
    uint64_t capacity_preemptions;
    bool failed;
};

/* The per-slot arrays (jobs, run state, results, running-list links), always replaced
 * together, as one allocation group of `cap`-slot parts. */
enum { SLOT_ARRAYS = 5 };

static void slot_parts(aif_alloc_part p[SLOT_ARRAYS], size_t cap) {
    p[0] = (aif_alloc_part){cap * sizeof(aif_job), 0, NULL};
    p[1] = (aif_alloc_part){cap * sizeof(job_run), 0, NULL};
    p[2] = (aif_alloc_part){cap * sizeof(aif_replay_job), 0, NULL};
    p[3] = (aif_alloc_part){cap * sizeof(uint32_t), 0, NULL};
    p[4] = (aif_alloc_part){cap * sizeof(uint32_t), 0, NULL};
}

/* The arrays the session uses now. */
static void current_parts(const aif_sched_session *s, aif_alloc_part p[SLOT_ARRAYS]) {
    slot_parts(p, s->e.cap);
    p[0].ptr = s->jobs;
    p[1].ptr = s->e.run;
    p[2].ptr = s->e.out;
    p[3].ptr = s->e.rnext;
    p[4].ptr = s->e.rprev;
}

/* Make the group's arrays, of `cap` slots, the session's. */
static void install_parts(aif_sched_session *s, const aif_alloc_part p[SLOT_ARRAYS], size_t cap) {
    s->jobs = p[0].ptr;
    s->e.jobs = s->jobs;
    s->e.run = p[1].ptr;
    s->e.out = p[2].ptr;
    s->e.rnext = p[3].ptr;
    s->e.rprev = p[4].ptr;
    s->e.cap = cap;
    s->e.mask = (uint32_t)(cap - 1);
}

void aif_sched_session_destroy(aif_sched_session *s) {
    if (s == NULL) {
        return;
    }
    const aif_allocator *a = s->alloc;
    if (s->e.pstate != NULL) {
        s->e.ops->destroy(&s->e, s->e.pstate);
    }
    aif_pq_destroy(s->e.pq);
    aif_alloc_part part[SLOT_ARRAYS];
    current_parts(s, part);
    aif_free_group(a, part, SLOT_ARRAYS);
    aif_free(a, s, sizeof *s);
}

aif_status aif_sched_session_create(const aif_allocator *a, const aif_replay_config *config,
                                    aif_sched_session **out) {
    if (config == NULL || out == NULL || config->gpus < 0 || config->placement != AIF_PLACE_POOL ||
        config->group_count != 0) {
        return AIF_EINVAL;
    }
    size_t pi;
    aif_status st = aif_sched_policy_find(config->policy ? config->policy : "fifo", &pi);
    if (st != AIF_OK) {
        return st;
    }
    aif_replay_config probe = *config;
    probe.gpus = 1; /* the replay's checks want a cluster; a session may start empty */
    if ((st = aif__replay_check_config(0, &probe)) != AIF_OK) {
        return st;
    }
    a = a ? a : aif_allocator_system();
    aif_sched_session *s = aif_calloc(a, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    s->alloc = a;
    s->cfg = *config;
    s->cfg.names = (aif_job_names){0};
    engine *e = &s->e;
    *e = (engine){.alloc = a,
                  .cap = FIRST_SLOTS,
                  .mask = FIRST_SLOTS - 1,
                  .capacity = config->gpus,
                  .cfg = &s->cfg,
                  .ops = aif__sched_policy(pi),
                  .rhead = UINT32_MAX,
                  .rtail = UINT32_MAX,
                  .scan_limit = config->scan_limit ? config->scan_limit : 1000};
    aif_alloc_part part[SLOT_ARRAYS];
    slot_parts(part, FIRST_SLOTS);
    st = aif_alloc_group(a, part, SLOT_ARRAYS);
    if (st == AIF_OK) {
        install_parts(s, part, FIRST_SLOTS);
        st = aif_pq_create(a, 1024, &e->pq);
    }
    if (st == AIF_OK) {
        st = e->ops->create(e, &e->pstate);
        if (st != AIF_OK) {
            e->pstate = NULL;
        }
    }
    if (st != AIF_OK) {
        aif_sched_session_destroy(s);
        return st;
    }
    s->last_submit_ns = INT64_MIN;
    *out = s;
    return AIF_OK;
}

void aif_sched_session_on_done(aif_sched_session *s, aif_sched_session_done_fn fn, void *ctx) {
    s->e.on_done = fn;
    s->e.done_ctx = ctx;
}

/* Double the rings, re-placing the live ids [oldest, n) at id & new mask; the policy
 * re-places its own arrays through its grow hook. All or nothing. */
static aif_status grow(aif_sched_session *s) {
    engine *e = &s->e;
    size_t old_cap = e->cap, cap = old_cap * 2;
    if (cap > ((size_t)1 << 31)) {
        return AIF_ERANGE;
    }
    aif_alloc_part fresh[SLOT_ARRAYS], old[SLOT_ARRAYS];
    slot_parts(fresh, cap);
    if (aif_alloc_group(s->alloc, fresh, SLOT_ARRAYS) != AIF_OK) {
        return AIF_ENOMEM;
    }
    current_parts(s, old);
    aif_job *jobs = fresh[0].ptr;
    job_run *run = fresh[1].ptr;
    aif_replay_job *res = fresh[2].ptr;
    uint32_t *rnext = fresh[3].ptr, *rprev = fresh[4].ptr;
    uint32_t old_mask = e->mask, mask = (uint32_t)(cap - 1), hi = (uint32_t)e->n;
    for (uint32_t j = s->oldest; j != hi; j++) {
        jobs[j & mask] = s->jobs[j & old_mask];
        run[j & mask] = e->run[j & old_mask];
        res[j & mask] = e->out[j & old_mask];
        rnext[j & mask] = e->rnext[j & old_mask];
        rprev[j & mask] = e->rprev[j & old_mask];
    }
    install_parts(s, fresh, cap);
    aif_status st = e->ops->grow(e, e->pstate, old_mask, s->oldest, hi);
    if (st != AIF_OK) { /* the policy kept its old arrays: so does the engine */
        install_parts(s, old, old_cap);
        aif_free_group(s->alloc, fresh, SLOT_ARRAYS);
        return st;
    }
    aif_free_group(s->alloc, old, SLOT_ARRAYS);
    return AIF_OK;
}

aif_status aif_sched_session_submit(aif_sched_session *s, const aif_job *job, uint64_t *id) {
    if (s == NULL || job == NULL) {
        return AIF_EINVAL;
    }
    if (s->failed) {
        return AIF_ESTATE;
    }
    engine *e = &s->e;
    if (job->duration_ns <= 0 || job->gpus < 1 || job->submit_ns < e->now ||
        job->submit_ns < s->last_submit_ns) {
        return AIF_EINVAL;
    }
    if (e->n >= UINT32_MAX - 1) {
        return AIF_ERANGE;
    }
    uint32_t j = (uint32_t)e->n;
    while (s->oldest < j && eng_run(e, s->oldest)->state == JOB_DONE) {
        s->oldest++;
    }
    while ((size_t)(j - s->oldest) + 1 > e->cap) {
        aif_status st = grow(s);
        if (st != AIF_OK) {
            return st;
        }
    }
    s->jobs[j & e->mask] = *job;
    *eng_run(e, j) = (job_run){.remaining_ns = job->duration_ns, .slot = UINT32_MAX};
    e->out[j & e->mask] = (aif_replay_job){.start_ns = -1, .end_ns = -1};
    e->n++;
    s->last_submit_ns = job->submit_ns;
    if (id != NULL) {
        *id = j;
    }
    return AIF_OK;
}

aif_status aif_sched_session_set_capacity(aif_sched_session *s, int64_t gpus) {
    if (s == NULL || gpus < 0) {
        return AIF_EINVAL;
    }
    if (s->failed) {
        return AIF_ESTATE;
    }
    engine *e = &s->e;
    e->capacity = gpus;
    aif_status st = AIF_OK;
    /* The most recent start is the list's tail; each preemption unlinks it. */
    while (e->busy > gpus && e->rtail != UINT32_MAX && st == AIF_OK) {
        uint32_t v = e->rtail;
        st = aif__engine_preempt(e, v);
        if (st == AIF_OK) {
            st = e->ops->preempted ? e->ops->preempted(e, e->pstate, v) : AIF_OK;
        }
        if (st == AIF_OK) {
            st = e->ops->enqueue(e, e->pstate, v);
        }
        s->capacity_preemptions++;
    }
    if (st == AIF_OK) {
        st = e->ops->schedule(e, e->pstate);
    }
    if (st != AIF_OK) {
        s->failed = true;
        return st;
    }
    if (s->cfg.on_step) {
        s->cfg.on_step(s->cfg.step_ctx, e->now, e->busy, e->waiting, e->running);
    }
    return AIF_OK;
}

aif_status aif_sched_session_advance(aif_sched_session *s, int64_t t) {
    if (s == NULL || t < s->e.now) {
        return AIF_EINVAL;
    }
    if (s->failed) {
        return AIF_ESTATE;
    }
    aif_status st = aif__engine_run_until(&s->e, t);
    if (st != AIF_OK) {
        s->failed = true;
    }
    return st;
}

double aif_sched_session_take_busy_gpu_s(aif_sched_session *s) {
    double v = (double)s->e.busy_gpu_s + (double)s->e.busy_gpu_ns / 1e9;
    s->e.busy_gpu_s = 0;
    s->e.busy_gpu_ns = 0;
    return v;
}

void aif_sched_session_stats_get(const aif_sched_session *s, aif_sched_session_stats *out) {
    const engine *e = &s->e;
    *out = (aif_sched_session_stats){.now_ns = e->now,
                                     .capacity_gpus = e->capacity,
                                     .busy_gpus = e->busy,
                                     .waiting = e->waiting,
                                     .running = e->running,
                                     .submitted = e->n,
                                     .completed = e->completed,
                                     .preemptions = e->preemptions,
                                     .capacity_preemptions = s->capacity_preemptions,
                                     .events = e->events,
                                     .slots = e->cap};
}
