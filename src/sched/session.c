/* The step-wise scheduling session (session.h): the replay engine (replay.c) run in steps
 * over a pool whose size changes, with jobs appended as they arrive and per-job state kept
 * in rings indexed by internal id & mask. When the span of live ids outgrows the ring it
 * doubles, or, when the live jobs are few for it, they are renumbered in order into a
 * ring sized for them (compaction, sched_internal.h), so memory follows the live jobs. */
#include "aifactory/session.h"

#include "aifactory/sched.h"
#include "sched_internal.h"
#include "session_internal.h"

#define FIRST_SLOTS 256

struct aif_sched_session {
    const aif_allocator *alloc;
    aif_replay_config cfg; /* the engine points here */
    engine e;
    aif_job *jobs;     /* the ring e.jobs reads */
    uint64_t *ext;     /* by internal id & mask: the id the caller knows (submission number) */
    uint32_t oldest;   /* no internal id below it is unfinished */
    uint32_t id_limit; /* internal ids reaching it force a renumbering (tests lower it) */
    bool compact;      /* renumbering allowed (tests turn it off to compare) */
    int64_t last_submit_ns;
    uint64_t submitted;
    uint64_t compactions;
    uint64_t capacity_preemptions;
    aif_sched_session_done_fn done_fn;
    void *done_ctx;
    bool failed;
};

/* The per-slot arrays (jobs, run state, results, caller ids, running-list links), always
 * replaced together, as one allocation group of `cap`-slot parts. */
enum { SLOT_ARRAYS = 6 };

static void slot_parts(aif_alloc_part p[SLOT_ARRAYS], size_t cap) {
    p[0] = (aif_alloc_part){cap * sizeof(aif_job), 0, NULL};
    p[1] = (aif_alloc_part){cap * sizeof(job_run), 0, NULL};
    p[2] = (aif_alloc_part){cap * sizeof(aif_replay_job), 0, NULL};
    p[3] = (aif_alloc_part){cap * sizeof(uint64_t), 0, NULL};
    p[4] = (aif_alloc_part){cap * sizeof(uint32_t), 0, NULL};
    p[5] = (aif_alloc_part){cap * sizeof(uint32_t), 0, NULL};
}

/* The arrays the session uses now. */
static void current_parts(const aif_sched_session *s, aif_alloc_part p[SLOT_ARRAYS]) {
    slot_parts(p, s->e.cap);
    p[0].ptr = s->jobs;
    p[1].ptr = s->e.run;
    p[2].ptr = s->e.out;
    p[3].ptr = s->ext;
    p[4].ptr = s->e.rnext;
    p[5].ptr = s->e.rprev;
}

/* Make the group's arrays, of `cap` slots, the session's. */
static void install_parts(aif_sched_session *s, const aif_alloc_part p[SLOT_ARRAYS], size_t cap) {
    s->jobs = p[0].ptr;
    s->e.jobs = s->jobs;
    s->e.run = p[1].ptr;
    s->e.out = p[2].ptr;
    s->ext = p[3].ptr;
    s->e.rnext = p[4].ptr;
    s->e.rprev = p[5].ptr;
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
    s->id_limit = UINT32_MAX - 1;
    s->compact = true;
    *out = s;
    return AIF_OK;
}

/* The engine reports internal ids; the caller gets the submission number. */
static void done_external(void *ctx, uint64_t id, const aif_job *job, const aif_replay_job *r) {
    aif_sched_session *s = ctx;
    s->done_fn(s->done_ctx, s->ext[id & s->e.mask], job, r);
}

void aif_sched_session_on_done(aif_sched_session *s, aif_sched_session_done_fn fn, void *ctx) {
    s->done_fn = fn;
    s->done_ctx = ctx;
    s->e.on_done = fn ? done_external : NULL;
    s->e.done_ctx = s;
}

static uint64_t remap_payload(void *ctx, uint64_t data) {
    return remap_id(ctx, (uint32_t)data);
}

/* Re-place the live ids [oldest, n) into rings of `cap` slots: at the same ids (the rings
 * grow), or renumbered from 0 in the same order, finished jobs dropped (compaction; see
 * sched_internal.h). The policy follows through its remap hook and the event queue's job
 * ids are rewritten. All or nothing: on AIF_ENOMEM the session is unchanged. Cost O(old
 * ring + new ring + the policy's live state + the event queue's capacity). */
static aif_status rehome(aif_sched_session *s, size_t cap, bool renumber) {
    engine *e = &s->e;
    const aif_allocator *a = s->alloc;
    size_t old_cap = e->cap;
    uint32_t *to = NULL;
    if (renumber && (to = aif_alloc(a, old_cap * sizeof *to)) == NULL) {
        return AIF_ENOMEM;
    }
    id_remap m = {e->mask, s->oldest, (uint32_t)e->n, to, (uint32_t)e->n};
    if (to != NULL) {
        uint32_t k = 0;
        for (uint32_t j = m.lo; j != m.hi; j++) {
            to[j & m.old_mask] = k;
            k += e->run[j & m.old_mask].state != JOB_DONE;
        }
        m.to_hi = k;
    }
    aif_alloc_part fresh[SLOT_ARRAYS], old[SLOT_ARRAYS];
    slot_parts(fresh, cap);
    /* The caller sized cap from the engine's counters: the live jobs must fit with room for
     * the next one (a broken count would make ids share slots). */
    size_t need = (size_t)(to != NULL ? m.to_hi : m.hi - m.lo) + 1;
    aif_status st = need > cap ? AIF_ESTATE : AIF_OK;
    if (st != AIF_OK || aif_alloc_group(a, fresh, SLOT_ARRAYS) != AIF_OK) {
        aif_free(a, to, old_cap * sizeof *to);
        return st != AIF_OK ? st : AIF_ENOMEM;
    }
    current_parts(s, old);
    aif_job *jobs = fresh[0].ptr;
    job_run *run = fresh[1].ptr;
    aif_replay_job *res = fresh[2].ptr;
    uint64_t *ext = fresh[3].ptr;
    uint32_t *rnext = fresh[4].ptr, *rprev = fresh[5].ptr;
    uint32_t mask = (uint32_t)(cap - 1);
    for (uint32_t j = m.lo; j != m.hi; j++) {
        if (!remap_keeps(&m, j)) {
            continue;
        }
        uint32_t o = j & m.old_mask, k = remap_id(&m, j) & mask;
        jobs[k] = s->jobs[o];
        run[k] = e->run[o];
        res[k] = e->out[o];
        ext[k] = s->ext[o];
        bool running = run[k].state == JOB_RUNNING; /* only they are linked */
        rnext[k] = running ? remap_id(&m, e->rnext[o]) : UINT32_MAX;
        rprev[k] = running ? remap_id(&m, e->rprev[o]) : UINT32_MAX;
    }
    engine saved = *e;
    uint32_t oldest = s->oldest;
    install_parts(s, fresh, cap);
    e->n = remap_id(&m, m.hi);
    e->next_arrival = remap_id(&m, e->next_arrival);
    e->rhead = remap_id(&m, e->rhead);
    e->rtail = remap_id(&m, e->rtail);
    s->oldest = remap_id(&m, m.lo);
    st = e->ops->remap(e, e->pstate, &m);
    if (st != AIF_OK) { /* the policy kept its state: so does the engine */
        *e = saved;
        s->jobs = old[0].ptr;
        s->ext = old[3].ptr;
        s->oldest = oldest;
        aif_free_group(a, fresh, SLOT_ARRAYS);
        aif_free(a, to, old_cap * sizeof *to);
        return st;
    }
    if (to != NULL) {
        aif_pq_map_data(e->pq, remap_payload, &m); /* completions and timers carry job ids */
        s->compactions++;
    }
    aif_free_group(a, old, SLOT_ARRAYS);
    aif_free(a, to, old_cap * sizeof *to);
    return AIF_OK;
}

/* Make room for one more id: the span of ids [oldest, n] must fit the ring, and ids must
 * stay below id_limit. When the live jobs (not finished) would fill at most half of the
 * ring, renumber them into one sized for them (at least twice their number, so the next
 * renumbering is as many submissions away); otherwise double the ring. So the ring stays
 * below 4 x (live jobs + 1) slots (or FIRST_SLOTS) however far apart the live ids are (a
 * job running for months amid short ones), and each re-placement, O(ring), follows at
 * least half a ring of submissions. */
static aif_status make_room(aif_sched_session *s) {
    engine *e = &s->e;
    size_t span = e->n - s->oldest + 1;
    size_t live = e->waiting + e->running + (e->n - e->next_arrival);
    bool renumber = s->compact && (e->n >= s->id_limit || (live + 1) * 2 <= e->cap);
    size_t cap = renumber ? FIRST_SLOTS : e->cap;
    while (cap < (renumber ? 2 * (live + 1) : span)) {
        cap *= 2;
    }
    if (cap > ((size_t)1 << 31) || (!renumber && e->n >= s->id_limit)) {
        return AIF_ERANGE;
    }
    return rehome(s, cap, renumber);
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
    while (s->oldest < e->n && eng_run(e, s->oldest)->state == JOB_DONE) {
        s->oldest++;
    }
    if (e->n - s->oldest + 1 > e->cap || e->n >= s->id_limit) {
        aif_status st = make_room(s);
        if (st != AIF_OK) {
            return st;
        }
    }
    uint32_t j = (uint32_t)e->n;
    s->jobs[j & e->mask] = *job;
    *eng_run(e, j) = (job_run){.remaining_ns = job->duration_ns, .slot = UINT32_MAX};
    e->out[j & e->mask] = (aif_replay_job){.start_ns = -1, .end_ns = -1};
    s->ext[j & e->mask] = s->submitted;
    e->n++;
    s->last_submit_ns = job->submit_ns;
    if (id != NULL) {
        *id = s->submitted;
    }
    s->submitted++;
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
                                     .submitted = s->submitted,
                                     .completed = e->completed,
                                     .preemptions = e->preemptions,
                                     .capacity_preemptions = s->capacity_preemptions,
                                     .events = e->events,
                                     .slots = e->cap,
                                     .compactions = s->compactions};
}

void aif__sched_session_tune(aif_sched_session *s, uint32_t id_limit, bool compact) {
    s->id_limit = id_limit < UINT32_MAX - 1 ? id_limit : UINT32_MAX - 1;
    s->compact = compact;
}
