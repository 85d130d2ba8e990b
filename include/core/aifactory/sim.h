/* The discrete-event simulation loop.
 *
 * An aif_sim owns the event queue (pq.h), the current time, a table of entities, a count
 * of processed events and a running hash of everything processed. Entities are plugins
 * described by an ops table: the engine allocates and zeroes each entity's state, calls
 * init when the entity is added, handle for every event addressed to it, and finalize when
 * the simulation is destroyed. Events are processed in (time, class, seq) order, so the
 * same model with the same seed gives the same trace hash on every run and every machine.
 * There is no global state: any number of simulations can live in one process, and once
 * the queue and entity table have reached their working size no event allocates. */
#ifndef AIFACTORY_SIM_H
#define AIFACTORY_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/pq.h"
#include "aifactory/status.h"

typedef struct aif_sim aif_sim;

/* An entity type. `state_size` bytes (0 allowed: state is then NULL) are allocated zeroed
 * for each entity and owned by the engine. `init` (optional) runs when the entity is added
 * and may schedule events; `handle` (required) runs for each event whose target is the
 * entity, and an error it returns stops the run, which returns that error; `finalize`
 * (optional) runs at aif_sim_destroy and must free what init acquired, not the state. */
typedef struct aif_entity_ops {
    const char *name;
    size_t state_size;
    aif_status (*init)(aif_sim *sim, uint32_t self, void *state, const void *config);
    aif_status (*handle)(aif_sim *sim, uint32_t self, void *state, const aif_event *ev);
    void (*finalize)(aif_sim *sim, uint32_t self, void *state);
} aif_entity_ops;

typedef struct aif_sim_config {
    uint64_t seed;         /* entities derive their random streams from (seed, entity id) */
    size_t initial_events; /* expected pending events, to size the queue (0: a default) */
} aif_sim_config;

/* Called every `every_n_events` processed events with the current time and event count. */
typedef void (*aif_sim_observer)(void *ctx, aif_time now, uint64_t events);

/* Create a simulation at time 0 with no entities. `config` may be NULL (seed 0, defaults).
 * Memory comes from `a` (NULL: system). Errors: AIF_EINVAL (out == NULL), AIF_ENOMEM;
 * on error *out is untouched and nothing is leaked. */
aif_status aif_sim_create(const aif_allocator *a, const aif_sim_config *config, aif_sim **out);

/* Call every entity's finalize (in the order they were added), then free the states, the
 * pending events and the simulation. NULL is a no-op. Cost O(entities + pending). */
void aif_sim_destroy(aif_sim *sim);

/* Add an entity of type `ops` (borrowed: it must outlive the simulation) and call its init
 * with `config` (borrowed for the call). The new id, counted from 0 in order of addition,
 * goes to *id when id is not NULL. Errors: AIF_EINVAL (ops or ops->handle NULL),
 * AIF_ENOMEM (nothing changed), or init's own error: the id is then used up by an inert
 * entity whose state is freed and which silently drops events init scheduled for it.
 * Cost amortized O(1) plus init. */
aif_status aif_sim_add_entity(aif_sim *sim, const aif_entity_ops *ops, const void *config,
                              uint32_t *id);

/* The state of entity `id`, owned by the engine; NULL for a bad id, state_size 0 or an
 * entity whose init failed. */
void *aif_sim_entity_state(aif_sim *sim, uint32_t id);

/* Number of entities added (failed ones included, as their ids are used up). */
uint32_t aif_sim_entity_count(const aif_sim *sim);

/* Schedule an event for entity `target` at absolute time `time` (>= now) with priority
 * class `cls` (0..255, lower first at equal time) and payload (kind, data). The handle for
 * aif_sim_cancel goes to *handle when not NULL. Errors: AIF_EINVAL (time in the past,
 * unknown target, cls > 255), AIF_ENOMEM (queue growth failed; nothing scheduled),
 * AIF_ERANGE (queue limits, see pq.h). Cost O(log pending). */
aif_status aif_sim_schedule_at(aif_sim *sim, aif_time time, uint32_t target, unsigned cls,
                               uint32_t kind, uint64_t data, aif_pq_handle *handle);

/* As aif_sim_schedule_at at now + delay. Errors as above, plus AIF_EINVAL for a negative
 * delay and AIF_ERANGE when now + delay overflows. */
aif_status aif_sim_schedule_in(aif_sim *sim, aif_time delay, uint32_t target, unsigned cls,
                               uint32_t kind, uint64_t data, aif_pq_handle *handle);

/* Cancel a pending event. Errors: AIF_ENOTFOUND when it already fired or was cancelled.
 * Cost O(log pending). */
aif_status aif_sim_cancel(aif_sim *sim, aif_pq_handle handle);

/* Process every event with time <= t_end, then set now = t_end. Returns early (now = the
 * last event's time) after aif_sim_stop or a handler error, which it returns.
 * Errors: AIF_EINVAL when t_end < now. Cost O(events log pending). */
aif_status aif_sim_run_until(aif_sim *sim, aif_time t_end);

/* Process at most n events (fewer if the queue empties or aif_sim_stop is called); now is
 * left at the last processed event's time. Returns a handler's error, if any. */
aif_status aif_sim_run_steps(aif_sim *sim, uint64_t n);

/* Process events until the queue is empty, aif_sim_stop is called, or a handler fails. */
aif_status aif_sim_run(aif_sim *sim);

/* Called from a handler: the current run call returns AIF_OK after this event. */
void aif_sim_stop(aif_sim *sim);

/* Call `fn(ctx, now, events)` after every `every_n_events` processed events (0 or fn NULL
 * disables). It costs one countdown per event; the loop never reads a clock. */
void aif_sim_set_observer(aif_sim *sim, aif_sim_observer fn, void *ctx, uint64_t every_n_events);

/* Current simulated time (ns), number of processed events, pending events, the seed from
 * the config, and a 64-bit hash folded over (time, class, kind, target, data) of every
 * processed event in order: equal hashes mean, with overwhelming probability, equal
 * traces. All O(1). */
aif_time aif_sim_now(const aif_sim *sim);
uint64_t aif_sim_events(const aif_sim *sim);
size_t aif_sim_pending(const aif_sim *sim);
uint64_t aif_sim_seed(const aif_sim *sim);
uint64_t aif_sim_trace_hash(const aif_sim *sim);

#endif
