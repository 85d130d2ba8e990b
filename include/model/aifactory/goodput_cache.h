/* Memo of serving-simulator goodput (perf_serve.h) for callers that ask the same question
 * many times: the fleet simulation sizes each inference class on each system type from it
 * (docs/run.md "Inference sizing"). One simulation costs ~0.1-1 s, so each distinct
 * (model, hardware, precision, latency limits, mean lengths) is simulated once per cache;
 * every later ask is a lookup. The cache fixes the simulation's effort (requests per probe,
 * capacity tolerance and seed) at creation, so an answer depends only on the query. */
#ifndef AIFACTORY_GOODPUT_CACHE_H
#define AIFACTORY_GOODPUT_CACHE_H

#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/perf_serve.h"
#include "aifactory/status.h"

typedef struct aif_goodput_cache aif_goodput_cache;

/* The simulation effort every query of the cache runs at. */
typedef struct aif_goodput_effort {
    long requests;    /* per probe; 0 = AIF_PERF_SERVE_REQUESTS */
    double tolerance; /* capacity bracket; 0 = the search's default 0.01 */
    /* Output tokens a probe may simulate (requests x the query's mean output); 0 = no cap.
     * The near-zero-load run costs one decode step per output token, so long answers get
     * fewer requests (at least 50): the cost of a query is bounded whatever its lengths. */
    double max_output_tokens;
    uint64_t seed; /* 0 = 1 */
} aif_goodput_effort;

/* `calib` is copied (NULL: the default calibration); `effort` NULL: full effort (the
 * defaults above). Errors: AIF_EINVAL (out NULL, effort out of range), AIF_ENOMEM. */
aif_status aif_goodput_cache_create(const aif_allocator *a, const aif_perf_calib *calib,
                                    const aif_goodput_effort *effort, aif_goodput_cache **out);

/* aif_perf_serve_goodput of `q` with the cache's effort (q->requests, q->tolerance and
 * q->seed are ignored), simulated on the first ask and copied from the memo after; a
 * failure is memoized too (the same status and out->message). The key is the model and
 * hardware (by address), GPUs, TP, precision, workload, the limits and the mean lengths.
 * Errors: AIF_EINVAL (NULL), AIF_ENOMEM, and those of aif_perf_serve_goodput. O(entries)
 * per lookup: the entries are few (classes x system types of a run). */
aif_status aif_goodput_cache_get(aif_goodput_cache *c, const aif_perf_serve_query *q,
                                 aif_perf_serve_result *out);

/* Simulations run (misses) and lookups answered from the memo (hits). */
long aif_goodput_cache_simulations(const aif_goodput_cache *c);
long aif_goodput_cache_hits(const aif_goodput_cache *c);

void aif_goodput_cache_destroy(aif_goodput_cache *c);

#endif
