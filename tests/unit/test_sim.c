/* Unit tests for the simulation loop (sim): event order across entities, cancellation from
 * handlers, the run modes and their end times, stop, handler errors, the observer, entity
 * life cycle, determinism of a seeded PHOLD-like model, no allocation per event, and
 * failure injection on create, add_entity and schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/alloc.h"
#include "aifactory/sim.h"

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* ---- a recording entity: appends what it sees to a shared log ---- */

enum { K_PLAIN, K_STOP, K_FAIL, K_CANCEL, K_SPAWN };

typedef struct log_entry {
    aif_time time;
    uint32_t target;
    uint8_t cls;
    uint64_t data;
} log_entry;

typedef struct shared_log {
    log_entry e[64];
    int n;
    int finalized;
    aif_pq_handle victim; /* what a K_CANCEL event cancels */
    aif_status cancel_result;
} shared_log;

typedef struct rec_state {
    shared_log *log;
} rec_state;

static aif_status rec_init(aif_sim *sim, uint32_t self, void *state, const void *config) {
    (void)sim;
    (void)self;
    ((rec_state *)state)->log = (shared_log *)(uintptr_t)config;
    return AIF_OK;
}

static aif_status rec_handle(aif_sim *sim, uint32_t self, void *state, const aif_event *ev) {
    shared_log *log = ((rec_state *)state)->log;
    assert_int_equal(aif_sim_now(sim), ev->time);
    assert_int_equal(ev->target, self);
    log->e[log->n++] = (log_entry){ev->time, self, ev->cls, ev->data};
    switch (ev->kind) {
    case K_STOP:
        aif_sim_stop(sim);
        break;
    case K_FAIL:
        return AIF_ERANGE;
    case K_CANCEL:
        log->cancel_result = aif_sim_cancel(sim, log->victim);
        break;
    case K_SPAWN:
        /* A zero delay lands at the current time, after everything already queued there
         * in the same class. */
        return aif_sim_schedule_in(sim, 0, self, ev->cls, K_PLAIN, ev->data + 1000, NULL);
    default:
        break;
    }
    return AIF_OK;
}

static void rec_finalize(aif_sim *sim, uint32_t self, void *state) {
    (void)sim;
    (void)self;
    ((rec_state *)state)->log->finalized++;
}

static const aif_entity_ops rec_ops = {"recorder", sizeof(rec_state), rec_init, rec_handle,
                                       rec_finalize};

static aif_sim *make_sim(shared_log *log, uint32_t n_entities) {
    aif_sim *sim = NULL;
    assert_int_equal(aif_sim_create(NULL, NULL, &sim), AIF_OK);
    for (uint32_t i = 0; i < n_entities; i++) {
        uint32_t id = 99;
        assert_int_equal(aif_sim_add_entity(sim, &rec_ops, log, &id), AIF_OK);
        assert_int_equal(id, i);
    }
    return sim;
}

static void orders_by_time_class_seq_across_entities(void **state) {
    (void)state;
    shared_log log = {0};
    aif_sim *sim = make_sim(&log, 3);
    /* (time, target, cls, data); data is the expected position in the trace. */
    const struct {
        aif_time t;
        uint32_t target;
        unsigned cls;
        uint64_t want;
    } in[] = {{20, 2, 1, 4}, {20, 0, 1, 5},  {10, 1, 7, 1}, {20, 1, 0, 3},
              {10, 0, 9, 2}, {5, 2, 255, 0}, {20, 2, 1, 6}, {30, 0, 0, 7}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        assert_int_equal(
            aif_sim_schedule_at(sim, in[i].t, in[i].target, in[i].cls, K_PLAIN, in[i].want, NULL),
            AIF_OK);
    }
    assert_int_equal(aif_sim_pending(sim), 8);
    assert_int_equal(aif_sim_run(sim), AIF_OK);
    assert_int_equal(log.n, 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(log.e[i].data, (uint64_t)i);
    }
    assert_int_equal(log.e[3].target, 1);
    assert_int_equal(log.e[3].cls, 0);
    assert_int_equal(aif_sim_now(sim), 30);
    assert_int_equal(aif_sim_events(sim), 8);
    assert_int_equal(aif_sim_entity_count(sim), 3);
    /* Bad arguments are refused without side effects. */
    assert_int_equal(aif_sim_schedule_at(sim, 29, 0, 0, 0, 0, NULL), AIF_EINVAL); /* past */
    assert_int_equal(aif_sim_schedule_at(sim, 40, 3, 0, 0, 0, NULL), AIF_EINVAL); /* target */
    assert_int_equal(aif_sim_schedule_at(sim, 40, 0, 256, 0, 0, NULL), AIF_EINVAL);
    assert_int_equal(aif_sim_schedule_in(sim, -1, 0, 0, 0, 0, NULL), AIF_EINVAL);
    assert_int_equal(aif_sim_schedule_in(sim, INT64_MAX, 0, 0, 0, 0, NULL), AIF_ERANGE);
    assert_int_equal(aif_sim_pending(sim), 0);
    assert_int_equal(aif_sim_add_entity(sim, NULL, NULL, NULL), AIF_EINVAL);
    aif_sim_destroy(sim);
    assert_int_equal(log.finalized, 3);
    aif_sim_destroy(NULL);
}

static void cancel_inside_handler(void **state) {
    (void)state;
    shared_log log = {0};
    aif_sim *sim = make_sim(&log, 2);
    aif_pq_handle fired;
    assert_int_equal(aif_sim_schedule_at(sim, 1, 0, 0, K_PLAIN, 1, &fired), AIF_OK);
    assert_int_equal(aif_sim_schedule_at(sim, 5, 0, 0, K_CANCEL, 2, NULL), AIF_OK);
    assert_int_equal(aif_sim_schedule_at(sim, 9, 1, 0, K_PLAIN, 3, &log.victim), AIF_OK);
    assert_int_equal(aif_sim_schedule_at(sim, 12, 1, 0, K_PLAIN, 4, NULL), AIF_OK);
    assert_int_equal(aif_sim_run(sim), AIF_OK);
    assert_int_equal(log.cancel_result, AIF_OK);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.e[2].data, 4);
    assert_int_equal(aif_sim_cancel(sim, log.victim), AIF_ENOTFOUND); /* already cancelled */
    assert_int_equal(aif_sim_cancel(sim, fired), AIF_ENOTFOUND);      /* already fired */
    aif_sim_destroy(sim);
}

static void run_modes_and_end_times(void **state) {
    (void)state;
    shared_log log = {0};
    aif_sim *sim = make_sim(&log, 1);
    const aif_time times[] = {10, 20, 20, 30, 40};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(aif_sim_schedule_at(sim, times[i], 0, 0, K_PLAIN, i, NULL), AIF_OK);
    }
    assert_int_equal(aif_sim_run_until(sim, 20), AIF_OK); /* events exactly at t_end run */
    assert_int_equal(log.n, 3);
    assert_int_equal(aif_sim_now(sim), 20);
    assert_int_equal(aif_sim_run_until(sim, 25), AIF_OK); /* nothing due: time still moves */
    assert_int_equal(log.n, 3);
    assert_int_equal(aif_sim_now(sim), 25);
    assert_int_equal(aif_sim_run_until(sim, 24), AIF_EINVAL);
    assert_int_equal(aif_sim_schedule_at(sim, 24, 0, 0, K_PLAIN, 9, NULL), AIF_EINVAL);
    assert_int_equal(aif_sim_schedule_in(sim, 0, 0, 0, K_PLAIN, 5, NULL), AIF_OK); /* at 25 */
    assert_int_equal(aif_sim_run_steps(sim, 2), AIF_OK);
    assert_int_equal(log.n, 5);
    assert_int_equal(log.e[3].time, 25);
    assert_int_equal(aif_sim_now(sim), 30);
    assert_int_equal(aif_sim_run_steps(sim, 0), AIF_OK);
    assert_int_equal(log.n, 5);
    assert_int_equal(aif_sim_run(sim), AIF_OK);
    assert_int_equal(aif_sim_now(sim), 40);
    assert_int_equal(aif_sim_run_steps(sim, 10), AIF_OK); /* empty queue: nothing to do */
    assert_int_equal(aif_sim_run(sim), AIF_OK);
    assert_int_equal(aif_sim_now(sim), 40);
    assert_int_equal(aif_sim_events(sim), 6);
    aif_sim_destroy(sim);
}

static void stop_and_errors_end_the_run(void **state) {
    (void)state;
    shared_log log = {0};
    aif_sim *sim = make_sim(&log, 1);
    assert_int_equal(aif_sim_schedule_at(sim, 1, 0, 0, K_PLAIN, 0, NULL), AIF_OK);
    assert_int_equal(aif_sim_schedule_at(sim, 2, 0, 0, K_STOP, 1, NULL), AIF_OK);
    assert_int_equal(aif_sim_schedule_at(sim, 3, 0, 0, K_FAIL, 2, NULL), AIF_OK);
    assert_int_equal(aif_sim_schedule_at(sim, 4, 0, 0, K_SPAWN, 3, NULL), AIF_OK);
    assert_int_equal(aif_sim_run_until(sim, 100), AIF_OK);
    assert_int_equal(log.n, 2);
    assert_int_equal(aif_sim_now(sim), 2); /* stopped: time stays at the stopping event */
    assert_int_equal(aif_sim_run(sim), AIF_ERANGE);
    assert_int_equal(log.n, 3);
    assert_int_equal(aif_sim_now(sim), 3);
    assert_int_equal(aif_sim_events(sim), 3);
    assert_int_equal(aif_sim_run(sim), AIF_OK); /* the run can go on after an error */
    assert_int_equal(log.n, 5);
    assert_int_equal(log.e[4].data, 1003);
    assert_int_equal(log.e[4].time, 4);
    aif_sim_destroy(sim);
}

typedef struct obs_log {
    int calls;
    aif_time last_now;
    uint64_t last_events;
} obs_log;

static void observe(void *ctx, aif_time now, uint64_t events) {
    obs_log *o = ctx;
    o->calls++;
    o->last_now = now;
    o->last_events = events;
}

/* ---- PHOLD-like model: each event sends one event to a random entity ---- */

typedef struct phold_state {
    uint64_t rng;
    uint32_t entities;
    uint64_t received;
} phold_state;

typedef struct phold_config {
    uint32_t entities;
    int initial;
} phold_config;

static aif_status phold_init(aif_sim *sim, uint32_t self, void *state, const void *config) {
    const phold_config *c = config;
    phold_state *s = state;
    /* Stream derived from (seed, entity id), as the rng module will do. */
    s->rng = aif_sim_seed(sim) ^ ((uint64_t)self * 0xd1342543de82ef95u);
    s->entities = c->entities;
    for (int i = 0; i < c->initial; i++) {
        aif_status st =
            aif_sim_schedule_in(sim, (aif_time)(splitmix64(&s->rng) % 1000), self, 0, 0, 0, NULL);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

static aif_status phold_handle(aif_sim *sim, uint32_t self, void *state, const aif_event *ev) {
    (void)self;
    phold_state *s = state;
    s->received++;
    uint64_t r = splitmix64(&s->rng);
    uint32_t to = (uint32_t)(r % s->entities);
    aif_time delay = 100 + (aif_time)((r >> 32) % 1000); /* lookahead + spread */
    return aif_sim_schedule_in(sim, delay, to, (unsigned)(r >> 60), 0, ev->data + 1, NULL);
}

static const aif_entity_ops phold_ops = {"phold", sizeof(phold_state), phold_init, phold_handle,
                                         NULL};

static aif_sim *make_phold(const aif_allocator *a, uint64_t seed, uint32_t entities) {
    aif_sim_config cfg = {.seed = seed, .initial_events = 0};
    aif_sim *sim = NULL;
    assert_int_equal(aif_sim_create(a, &cfg, &sim), AIF_OK);
    assert_int_equal(aif_sim_seed(sim), seed);
    phold_config pc = {entities, 4};
    for (uint32_t i = 0; i < entities; i++) {
        assert_int_equal(aif_sim_add_entity(sim, &phold_ops, &pc, NULL), AIF_OK);
    }
    return sim;
}

static void phold_is_deterministic(void **state) {
    (void)state;
    /* Two sims with the same seed run interleaved in one process, plus one other seed. */
    aif_sim *a = make_phold(NULL, 1, 50);
    aif_sim *b = make_phold(NULL, 1, 50);
    aif_sim *c = make_phold(NULL, 2, 50);
    uint64_t empty = aif_sim_trace_hash(a);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(aif_sim_run_steps(a, 1000), AIF_OK);
        assert_int_equal(aif_sim_run_until(b, aif_sim_now(a)), AIF_OK);
        assert_int_equal(aif_sim_run_steps(c, 1000), AIF_OK);
    }
    /* b ran by time, a by steps; b may also have run events at a's last time. */
    assert_int_equal(aif_sim_run_until(a, aif_sim_now(b)), AIF_OK);
    assert_int_equal(aif_sim_events(a), aif_sim_events(b));
    assert_true(aif_sim_events(a) >= 20000);
    assert_int_equal(aif_sim_trace_hash(a), aif_sim_trace_hash(b));
    assert_int_equal(aif_sim_pending(a), 200);
    assert_true(aif_sim_trace_hash(a) != empty);
    assert_true(aif_sim_trace_hash(c) != aif_sim_trace_hash(a));
    uint64_t total = 0;
    for (uint32_t i = 0; i < 50; i++) {
        total += ((phold_state *)aif_sim_entity_state(a, i))->received;
    }
    assert_int_equal(total, aif_sim_events(a));
    assert_null(aif_sim_entity_state(a, 50));
    aif_sim_destroy(a);
    aif_sim_destroy(b);
    aif_sim_destroy(c);
}

static void observer_every_n(void **state) {
    (void)state;
    aif_sim *sim = make_phold(NULL, 5, 10);
    obs_log o = {0};
    aif_sim_set_observer(sim, observe, &o, 100);
    assert_int_equal(aif_sim_run_steps(sim, 1050), AIF_OK);
    assert_int_equal(o.calls, 10);
    assert_int_equal(o.last_events, 1000);
    assert_true(o.last_now > 0 && o.last_now <= aif_sim_now(sim));
    aif_sim_set_observer(sim, NULL, NULL, 0);
    assert_int_equal(aif_sim_run_steps(sim, 1000), AIF_OK);
    assert_int_equal(o.calls, 10);
    aif_sim_destroy(sim);
}

static void steady_state_allocates_nothing(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    aif_sim *sim = make_phold(&t.base, 9, 100);
    assert_int_equal(aif_sim_run_steps(sim, 1000), AIF_OK);
    long before = t.allocations;
    assert_int_equal(aif_sim_run_steps(sim, 100000), AIF_OK);
    assert_int_equal(aif_sim_events(sim), 101000);
    assert_int_equal(t.allocations, before);
    aif_sim_destroy(sim);
    assert_int_equal(t.live_blocks, 0);
}

/* ---- entity life cycle ---- */

static aif_status bad_init(aif_sim *sim, uint32_t self, void *state, const void *config) {
    (void)state;
    (void)config;
    aif_status s = aif_sim_schedule_in(sim, 5, self, 0, K_PLAIN, 0, NULL);
    return s == AIF_OK ? AIF_EPARSE : s;
}

static void failed_init_leaves_an_inert_id(void **state) {
    (void)state;
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    shared_log log = {0};
    aif_sim *sim = NULL;
    assert_int_equal(aif_sim_create(&t.base, NULL, &sim), AIF_OK);
    const aif_entity_ops bad = {"bad", 64, bad_init, rec_handle, rec_finalize};
    uint32_t id = 77;
    assert_int_equal(aif_sim_add_entity(sim, &bad, NULL, &id), AIF_EPARSE);
    assert_int_equal(id, 77);
    assert_int_equal(aif_sim_add_entity(sim, &rec_ops, &log, &id), AIF_OK);
    assert_int_equal(id, 1);
    assert_null(aif_sim_entity_state(sim, 0));
    assert_int_equal(aif_sim_schedule_at(sim, 5, 1, 0, K_PLAIN, 8, NULL), AIF_OK);
    assert_int_equal(aif_sim_run(sim), AIF_OK);
    assert_int_equal(log.n, 1); /* the event for the failed entity was dropped */
    assert_int_equal(aif_sim_events(sim), 1);
    aif_sim_destroy(sim);
    assert_int_equal(log.finalized, 1);
    assert_int_equal(t.live_blocks, 0);
}

/* Allocation k fails for every k that building and loading a sim makes: each call either
 * succeeds or returns AIF_ENOMEM, and destroy frees everything. */
static void failure_injection(void **state) {
    (void)state;
    int completed = 0;
    for (long k = 1; k <= 200 && !completed; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        shared_log log = {0};
        aif_sim *sim = NULL;
        aif_sim_config cfg = {3, 0};
        aif_status s = aif_sim_create(&t.base, &cfg, &sim);
        if (s != AIF_OK) {
            assert_int_equal(s, AIF_ENOMEM);
            assert_null(sim);
            assert_int_equal(t.live_blocks, 0);
            continue;
        }
        uint32_t added = 0;
        for (int i = 0; i < 40; i++) {
            s = aif_sim_add_entity(sim, &rec_ops, &log, NULL);
            assert_true(s == AIF_OK || s == AIF_ENOMEM);
            added += s == AIF_OK;
        }
        assert_int_equal(aif_sim_entity_count(sim), added);
        size_t scheduled = 0;
        for (int i = 0; i < 150 && added > 0; i++) {
            s = aif_sim_schedule_at(sim, 1000 - i, (uint32_t)i % added, 0, K_PLAIN, 0, NULL);
            assert_true(s == AIF_OK || s == AIF_ENOMEM);
            scheduled += s == AIF_OK;
        }
        assert_int_equal(aif_sim_pending(sim), scheduled);
        if (t.failures == 0) {
            completed = 1;
        } else {
            assert_int_equal(t.failures, 1);
        }
        aif_sim_destroy(sim);
        assert_int_equal(t.live_blocks, 0);
        assert_int_equal(log.finalized, (int)added);
    }
    assert_true(completed);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(orders_by_time_class_seq_across_entities),
        cmocka_unit_test(cancel_inside_handler),
        cmocka_unit_test(run_modes_and_end_times),
        cmocka_unit_test(stop_and_errors_end_the_run),
        cmocka_unit_test(phold_is_deterministic),
        cmocka_unit_test(observer_every_n),
        cmocka_unit_test(steady_state_allocates_nothing),
        cmocka_unit_test(failed_init_leaves_an_inert_id),
        cmocka_unit_test(failure_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
