/* A serving run (serve.h) in a results store (results.h): every request in the
 * `serve_requests` table, and the deployment's sequences in flight, KV-cache occupancy and
 * token rate over time as the store's generic time series, so the HTML report draws the
 * latency CDFs and the charts over time (docs/results.md has the table).
 *
 * Rows go into the store's open transaction as the simulation hands them over (the store
 * is a file: nothing per request stays in memory); the series are kept as at most
 * AIF_SERVE_STORE_BUCKETS time buckets whose width doubles (merging pairs) whenever the run
 * outgrows them, so memory is O(1) in the length of the run. */
#ifndef AIFACTORY_SERVE_STORE_H
#define AIFACTORY_SERVE_STORE_H

#include <stdint.h>

#include "aifactory/results.h"
#include "aifactory/serve.h"

#define AIF_SERVE_STORE_BUCKETS 512

typedef struct aif_serve_store aif_serve_store;

/* Create the serve_requests table in `r` (a writable store) for run `run_id` of a
 * deployment of `layout`. Errors: AIF_EINVAL (NULL argument), AIF_ESTATE (the store is
 * read-only or finished, or already has the table), AIF_ENOMEM, AIF_EIO; the reason is in
 * aif_results_error(r). */
aif_status aif_serve_store_open(aif_results *r, int64_t run_id, const aif_serve_layout *layout,
                                aif_serve_store **out);

/* An observer (serve.h) that files each request and iteration in the store. */
aif_serve_observer aif_serve_store_observer(aif_serve_store *s);

/* Write the time series and the run's key numbers (metrics) from `result`. Call once,
 * after the run and before aif_results_finish. Errors as aif_results_add_point. */
aif_status aif_serve_store_finish(aif_serve_store *s, const aif_serve_result *result);

/* Release the handle (the rows stay in the store). NULL is a no-op. */
void aif_serve_store_close(aif_serve_store *s);

#endif
