/* The simulation loop (see sim.h): entity table, scheduling, run modes and the trace hash.
 *
 * Entity states are carved, in order of addition, from chunks that never move, so the
 * pointer a handler holds stays valid when another entity is added mid-run, and the states
 * of many small entities sit side by side in memory instead of one heap block each (with a
 * large model that is one cache miss per event fewer). The loop itself touches only the
 * queue, the entity table and a few counters: nothing in it allocates or reads a clock. */
#include "aifactory/sim.h"

#include <string.h>

#define CHUNK_BYTES 65536 /* entity states are carved from chunks at least this big */
#define STATE_ALIGN 16    /* every state starts on a multiple of this: fits any scalar */

/* A block of entity states; the chunk list is freed at destroy. */
typedef struct chunk {
    struct chunk *next;
    size_t bytes; /* whole allocation, this header included */
} chunk;

#define CHUNK_HEADER ((sizeof(chunk) + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN)

#define ENT_BITS     8 /* entity records come in blocks of 2^8 */
#define ENT_PER_BLK  ((uint32_t)1 << ENT_BITS)
#define INLINE_STATE 16 /* states up to this size live inside their entity's record */

/* 32 bytes on 32-byte boundaries: dispatching an event reads one cache line, and for a
 * small state (such as a random stream and a counter) that line holds the state too. */
typedef struct entity {
    const aif_entity_ops *ops; /* NULL: init failed, the id is inert */
    void *state;               /* NULL, inline_state, or a piece of a chunk */
    _Alignas(STATE_ALIGN) unsigned char inline_state[INLINE_STATE];
} entity;

_Static_assert(sizeof(entity) == 32, "an entity record must be half a cache line");

/* A block of entity records: blocks never move, so neither do inline states. */
typedef struct ent_block {
    entity *recs; /* 32-byte aligned, inside base */
    void *base;   /* the allocation, ENT_BLOCK_BYTES long */
} ent_block;

#define ENT_BLOCK_BYTES (ENT_PER_BLK * sizeof(entity) + sizeof(entity))

struct aif_sim {
    const aif_allocator *alloc;
    aif_pq *pq;
    ent_block *blocks;
    uint32_t n_blocks;
    uint32_t cap_blocks;
    chunk *chunks;     /* newest first; states are bump-allocated in the newest */
    size_t chunk_used; /* bytes of the newest chunk in use, header included */
    uint32_t n_ents;
    aif_time now;
    uint64_t events;
    uint64_t hash;
    uint64_t seed;
    int stopped;
    aif_sim_observer observer;
    void *observer_ctx;
    uint64_t observer_every;
    uint64_t observer_left;
};

static inline entity *ent_at(const aif_sim *sim, uint32_t id) {
    return &sim->blocks[id >> ENT_BITS].recs[id & (ENT_PER_BLK - 1)];
}

/* Start value of the trace hash: an arbitrary odd constant, so an empty trace is not 0. */
#define HASH_INIT 0x51ed270b27c3a5f1u

/* A strong 64-bit bit mixer (the splitmix64 finalizer): every input bit flips about half
 * of the output bits, so folding fields through it makes order and values all matter. */
static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return x;
}

/* The fields are spread by independent odd multipliers (which the CPU computes in
 * parallel) and the sum goes through one mixer, so the hash costs one serial mix per event
 * rather than one per field. */
static uint64_t fold_event(uint64_t h, const aif_event *ev) {
    uint64_t x = (uint64_t)ev->time * 0x9e3779b97f4a7c15u +
                 ((uint64_t)ev->kind << 32 | ev->target) * 0xc2b2ae3d27d4eb4fu +
                 ev->data * 0x165667b19e3779f9u + ((uint64_t)ev->cls + 1) * 0xd6e8feb86659fd93u;
    return mix64(h ^ x);
}

aif_status aif_sim_create(const aif_allocator *a, const aif_sim_config *config, aif_sim **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_sim *sim = aif_alloc(a, sizeof *sim);
    if (sim == NULL) {
        return AIF_ENOMEM;
    }
    *sim = (aif_sim){.alloc = a, .hash = HASH_INIT, .seed = config ? config->seed : 0};
    aif_status s = aif_pq_create(a, config ? config->initial_events : 0, &sim->pq);
    if (s != AIF_OK) {
        aif_free(a, sim, sizeof *sim);
        return s;
    }
    *out = sim;
    return AIF_OK;
}

void aif_sim_destroy(aif_sim *sim) {
    if (sim == NULL) {
        return;
    }
    for (uint32_t i = 0; i < sim->n_ents; i++) {
        const entity *e = ent_at(sim, i);
        if (e->ops && e->ops->finalize) {
            e->ops->finalize(sim, i, e->state);
        }
    }
    while (sim->chunks) {
        chunk *c = sim->chunks;
        sim->chunks = c->next;
        aif_free(sim->alloc, c, c->bytes);
    }
    for (uint32_t b = 0; b < sim->n_blocks; b++) {
        aif_free(sim->alloc, sim->blocks[b].base, ENT_BLOCK_BYTES);
    }
    aif_free(sim->alloc, sim->blocks, sim->cap_blocks * sizeof *sim->blocks);
    aif_pq_destroy(sim->pq);
    aif_free(sim->alloc, sim, sizeof *sim);
}

/* Append one zeroed block of entity records; on failure nothing changes. */
static aif_status add_block(aif_sim *sim) {
    if (sim->n_blocks == sim->cap_blocks) {
        uint32_t ncap = sim->cap_blocks ? sim->cap_blocks * 2 : 4;
        ent_block *b = aif_realloc(sim->alloc, sim->blocks, sim->cap_blocks * sizeof *b,
                                   (size_t)ncap * sizeof *b);
        if (b == NULL) {
            return AIF_ENOMEM;
        }
        sim->blocks = b;
        sim->cap_blocks = ncap;
    }
    void *base = aif_calloc(sim->alloc, 1, ENT_BLOCK_BYTES);
    if (base == NULL) {
        return AIF_ENOMEM;
    }
    uintptr_t p = ((uintptr_t)base + sizeof(entity) - 1) & ~(uintptr_t)(sizeof(entity) - 1);
    sim->blocks[sim->n_blocks++] = (ent_block){(entity *)p, base};
    return AIF_OK;
}

static size_t round_state(size_t bytes) {
    return (bytes + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN;
}

/* Hand out `bytes` zeroed bytes from the newest chunk, starting a new chunk when it is
 * full. A state never straddles chunks, and chunks never move. */
static aif_status take_state(aif_sim *sim, size_t bytes, void **out) {
    size_t need = round_state(bytes);
    if (need < bytes || need > SIZE_MAX - CHUNK_HEADER) {
        return AIF_ENOMEM;
    }
    if (sim->chunks == NULL || sim->chunks->bytes - sim->chunk_used < need) {
        size_t size = CHUNK_HEADER + need > CHUNK_BYTES ? CHUNK_HEADER + need : CHUNK_BYTES;
        chunk *c = aif_calloc(sim->alloc, 1, size);
        if (c == NULL) {
            return AIF_ENOMEM;
        }
        *c = (chunk){sim->chunks, size};
        sim->chunks = c;
        sim->chunk_used = CHUNK_HEADER;
    }
    *out = (char *)sim->chunks + sim->chunk_used;
    sim->chunk_used += need;
    return AIF_OK;
}

aif_status aif_sim_add_entity(aif_sim *sim, const aif_entity_ops *ops, const void *config,
                              uint32_t *id) {
    if (sim == NULL || ops == NULL || ops->handle == NULL) {
        return AIF_EINVAL;
    }
    if (sim->n_ents == UINT32_MAX) {
        return AIF_ERANGE;
    }
    if (sim->n_ents >> ENT_BITS == sim->n_blocks) {
        aif_status s = add_block(sim);
        if (s != AIF_OK) {
            return s;
        }
    }
    entity *rec = ent_at(sim, sim->n_ents);
    void *state = NULL;
    if (ops->state_size > INLINE_STATE) {
        aif_status s = take_state(sim, ops->state_size, &state);
        if (s != AIF_OK) {
            return s;
        }
    } else if (ops->state_size > 0) {
        state = rec->inline_state; /* zeroed with the block */
    }
    uint32_t self = sim->n_ents++;
    rec->ops = ops;
    rec->state = state;
    if (ops->init) {
        aif_status s = ops->init(sim, self, state, config);
        if (s != AIF_OK) {
            /* Events init already scheduled for `self` cannot be recalled, so the id stays
             * taken by an inert entity instead of being handed to the next one. Its state
             * goes back to the chunk, zeroed, unless init itself added entities after it:
             * then the piece just stays unused until destroy. */
            if (state != NULL) {
                memset(state, 0, ops->state_size);
            }
            if (ops->state_size > INLINE_STATE &&
                (char *)sim->chunks + sim->chunk_used ==
                    (char *)state + round_state(ops->state_size)) {
                sim->chunk_used = (size_t)((char *)state - (char *)sim->chunks);
            }
            rec->ops = NULL;
            rec->state = NULL;
            return s;
        }
    }
    if (id) {
        *id = self;
    }
    return AIF_OK;
}

void *aif_sim_entity_state(aif_sim *sim, uint32_t id) {
    return sim && id < sim->n_ents ? ent_at(sim, id)->state : NULL;
}

uint32_t aif_sim_entity_count(const aif_sim *sim) {
    return sim ? sim->n_ents : 0;
}

aif_status aif_sim_schedule_at(aif_sim *sim, aif_time time, uint32_t target, unsigned cls,
                               uint32_t kind, uint64_t data, aif_pq_handle *handle) {
    if (sim == NULL || time < sim->now || target >= sim->n_ents || cls > 255) {
        return AIF_EINVAL;
    }
    aif_event ev = {.time = time, .data = data, .target = target, .kind = kind};
    ev.cls = (uint8_t)cls;
    return aif_pq_push(sim->pq, &ev, handle);
}

aif_status aif_sim_schedule_in(aif_sim *sim, aif_time delay, uint32_t target, unsigned cls,
                               uint32_t kind, uint64_t data, aif_pq_handle *handle) {
    if (sim == NULL || delay < 0) {
        return AIF_EINVAL;
    }
    if (delay > INT64_MAX - sim->now) {
        return AIF_ERANGE;
    }
    return aif_sim_schedule_at(sim, sim->now + delay, target, cls, kind, data, handle);
}

aif_status aif_sim_cancel(aif_sim *sim, aif_pq_handle handle) {
    return sim ? aif_pq_cancel(sim->pq, handle, NULL) : AIF_ENOTFOUND;
}

/* The loop behind every run mode: at most `max` events with time <= t_end; `advance`
 * moves now to t_end when the loop ends for lack of such events. */
static aif_status loop(aif_sim *sim, aif_time t_end, uint64_t max, int advance) {
    sim->stopped = 0;
    aif_event ev;
    for (uint64_t done = 0; done < max && !sim->stopped; done++) {
        if (aif_pq_pop_until(sim->pq, t_end, &ev) != AIF_OK) {
            break;
        }
        sim->now = ev.time;
        const entity *e = ent_at(sim, ev.target);
        if (e->ops == NULL) {
            continue; /* addressed to an entity whose init failed */
        }
        sim->events++;
        sim->hash = fold_event(sim->hash, &ev);
        aif_status s = e->ops->handle(sim, ev.target, e->state, &ev);
        if (sim->observer && --sim->observer_left == 0) {
            sim->observer_left = sim->observer_every;
            sim->observer(sim->observer_ctx, sim->now, sim->events);
        }
        if (s != AIF_OK) {
            sim->stopped = 0;
            return s;
        }
    }
    int stopped = sim->stopped;
    sim->stopped = 0;
    if (advance && !stopped) {
        sim->now = t_end;
    }
    return AIF_OK;
}

aif_status aif_sim_run_until(aif_sim *sim, aif_time t_end) {
    if (sim == NULL || t_end < sim->now) {
        return AIF_EINVAL;
    }
    return loop(sim, t_end, UINT64_MAX, 1);
}

aif_status aif_sim_run_steps(aif_sim *sim, uint64_t n) {
    return sim ? loop(sim, INT64_MAX, n, 0) : AIF_EINVAL;
}

aif_status aif_sim_run(aif_sim *sim) {
    return sim ? loop(sim, INT64_MAX, UINT64_MAX, 0) : AIF_EINVAL;
}

void aif_sim_stop(aif_sim *sim) {
    if (sim) {
        sim->stopped = 1;
    }
}

void aif_sim_set_observer(aif_sim *sim, aif_sim_observer fn, void *ctx, uint64_t every_n_events) {
    if (sim == NULL) {
        return;
    }
    int on = fn != NULL && every_n_events > 0;
    sim->observer = on ? fn : NULL;
    sim->observer_ctx = ctx;
    sim->observer_every = every_n_events;
    sim->observer_left = every_n_events;
}

aif_time aif_sim_now(const aif_sim *sim) {
    return sim->now;
}

uint64_t aif_sim_events(const aif_sim *sim) {
    return sim->events;
}

size_t aif_sim_pending(const aif_sim *sim) {
    return aif_pq_size(sim->pq);
}

uint64_t aif_sim_seed(const aif_sim *sim) {
    return sim->seed;
}

uint64_t aif_sim_trace_hash(const aif_sim *sim) {
    return sim->hash;
}
