/* The priority queue of pending simulation events.
 *
 * Events are totally ordered by (time, class, seq): `time` in int64 nanoseconds, `cls` a
 * small priority class (0..255, lower first at equal time, e.g. capacity changes before job
 * arrivals) and `seq` an insertion counter the queue assigns, so two runs that push the
 * same events in the same order pop them in the same order, bit for bit. Every push returns
 * a handle that cancels the event; handles carry a generation number, so a handle whose
 * event already fired or was cancelled is refused (AIF_ENOTFOUND) and can never remove
 * another event that reuses the same slot. The implementation is a cache-aligned 4-ary
 * heap of 16-byte keys with lazy cancellation and lazy pops, fronting a tier of time
 * buckets once the queue is large (see pq.c); slots and bucket blocks are recycled through
 * free lists, so a queue that has reached its working size never allocates again. At most 2^27
 * events can be pending at once. */
#ifndef AIFACTORY_PQ_H
#define AIFACTORY_PQ_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

/* Simulated time in nanoseconds. The time module adopts the same guard, so whichever header
 * comes first defines it and the other one stays silent. */
#ifndef AIF_TIME_DEFINED
#define AIF_TIME_DEFINED
typedef int64_t aif_time;
#endif

/* One event: the ordering key (time, cls, seq) and a payload the queue carries untouched.
 * `seq` is assigned by aif_pq_push (whatever the caller put there is ignored). */
typedef struct aif_event {
    aif_time time;   /* when it happens, ns */
    uint64_t seq;    /* insertion counter, unique per queue */
    uint64_t data;   /* free payload (a job id, an amount, a pointer-sized cookie) */
    uint32_t target; /* who receives it (an entity id in aif_sim) */
    uint32_t kind;   /* what it is, meaning defined by the receiver */
    uint8_t cls;     /* priority class at equal time, lower first */
} aif_event;

/* Identifies one pushed event for cancellation. 0 (AIF_PQ_HANDLE_NONE) is never issued. */
typedef uint64_t aif_pq_handle;
#define AIF_PQ_HANDLE_NONE ((aif_pq_handle)0)

typedef struct aif_pq aif_pq;

/* Create an empty queue with room for `initial_capacity` pending events before it first
 * grows (0 picks 64). Memory comes from `a` (NULL: system allocator) in three blocks that
 * double when full, plus one for the far tier once 4096 events are pending (if that one
 * cannot be had, the queue just stays one heap). Errors: AIF_EINVAL (out == NULL or
 * capacity above 2^27), AIF_ENOMEM. On error *out is untouched. Cost O(initial_capacity). */
aif_status aif_pq_create(const aif_allocator *a, size_t initial_capacity, aif_pq **out);

/* Free the queue and every pending event in it. NULL is a no-op. */
void aif_pq_destroy(aif_pq *pq);

/* Insert a copy of *ev (ev->seq is ignored and replaced by the next insertion counter).
 * If `handle` is not NULL it receives the event's handle. Errors: AIF_EINVAL (NULL
 * arguments), AIF_ENOMEM when the queue had to grow and could not (the queue is then
 * unchanged), AIF_ERANGE with 2^27 events pending. Cost O(log n), O(1) expected for
 * random times; amortized O(1) extra when it grows or when the far tier has to be turned
 * on, refilled or re-spread (each pending event is moved a bounded number of times). */
aif_status aif_pq_push(aif_pq *pq, const aif_event *ev, aif_pq_handle *handle);

/* Copy the first event (smallest (time, cls, seq)) to *out without removing it.
 * Errors: AIF_EEMPTY when nothing is pending (*out untouched). Cost O(1), plus finishing a
 * preceding lazy pop (O(log n)). Not const: it may finish that pop. */
aif_status aif_pq_peek(aif_pq *pq, aif_event *out);

/* Remove the first event and copy it to *out (out may be NULL to drop it). Its handle
 * becomes stale. Errors: AIF_EEMPTY when nothing is pending. Cost O(log n). */
aif_status aif_pq_pop(aif_pq *pq, aif_event *out);

/* Like aif_pq_pop, but only when the first event's time is <= t_end; otherwise
 * AIF_EEMPTY and nothing is removed. The loop of a simulation run is one call per event. */
aif_status aif_pq_pop_until(aif_pq *pq, aif_time t_end, aif_event *out);

/* Remove the pending event `handle` refers to, copying it to *out when out is not NULL.
 * Errors: AIF_ENOTFOUND when the handle is stale (already popped or cancelled), forged, or
 * AIF_PQ_HANDLE_NONE; the queue is then unchanged. Cost O(1); the entry leaves the heap when it
 * reaches the top or when cancelled entries outnumber live ones (amortized O(log n)). A slot's
 * generation is 32 bits, so a stale handle could only be mistaken after 2^32 reuses of the same
 * slot. */
aif_status aif_pq_cancel(aif_pq *pq, aif_pq_handle handle, aif_event *out);

/* Rewrite the payload of every pending event in place: data = fn(ctx, data). Times,
 * classes, sequence numbers, handles and so the order are unchanged, and nothing is
 * allocated. For a owner that renumbers what the payloads refer to (a scheduling session
 * compacting its job ids). Cost O(capacity). */
void aif_pq_map_data(aif_pq *pq, uint64_t (*fn)(void *ctx, uint64_t data), void *ctx);

/* Number of pending events. Cost O(1). */
size_t aif_pq_size(const aif_pq *pq);

/* Events the queue can hold before it next grows. Cost O(1). */
size_t aif_pq_capacity(const aif_pq *pq);

#endif
