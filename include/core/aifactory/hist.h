/* Log-linear histogram for non-negative measurements (latencies, job completion times,
 * queue waits) with bounded relative error and exact summary statistics.
 *
 * Each power of two [2^e, 2^(e+1)) is split into 128 equal-width sub-buckets, so a bucket
 * is at most 1/128 of its lower edge wide and its midpoint is within 1/256 (0.39%) of any
 * value in it. Zero has its own exact bucket. Bucket counters for one power of two are
 * allocated only when a value first lands there, so an empty histogram is one small header
 * and memory grows with the dynamic range seen, not with the number of values. Count, sum,
 * min and max are kept exactly alongside (the sum with compensated summation), not
 * reconstructed from buckets. Not thread-safe: give each thread its own and merge. */
#ifndef AIFACTORY_HIST_H
#define AIFACTORY_HIST_H

#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

typedef struct aif_hist aif_hist;

/* Create an empty histogram taking memory from `a` (NULL = system).
 * Errors: AIF_EINVAL (out == NULL), AIF_ENOMEM. On error *out is untouched. O(1). */
aif_status aif_hist_create(const aif_allocator *a, aif_hist **out);

/* Record one value v >= 0 (finite). Errors: AIF_EINVAL for negative, NaN or infinite v (the
 * value is counted by aif_hist_rejected and otherwise ignored); AIF_ENOMEM when the counters
 * for a new power of two cannot be allocated (nothing recorded). O(1) amortised. */
aif_status aif_hist_add(aif_hist *h, double v);

/* Record `count` copies of v (count == 0 is a no-op that still validates v). Same errors as
 * aif_hist_add, plus AIF_ERANGE if the total count would overflow 2^64 - 1. */
aif_status aif_hist_add_n(aif_hist *h, double v, uint64_t count);

/* Exact number of values recorded, and of values rejected. */
uint64_t aif_hist_count(const aif_hist *h);
uint64_t aif_hist_rejected(const aif_hist *h);

/* Sum (compensated, so within one rounding of the exact sum in all practical cases), mean
 * (sum / count), smallest and largest value recorded. NaN when the histogram is empty. */
double aif_hist_sum(const aif_hist *h);
double aif_hist_mean(const aif_hist *h);
double aif_hist_min(const aif_hist *h);
double aif_hist_max(const aif_hist *h);

/* The p-th percentile, p in [0, 100], by the nearest-rank definition: with N values, the
 * value of rank k = max(1, ceil(p / 100 * N)) in ascending order (the ceiling taken with a
 * 1e-9 allowance, so that p = 99.9 with N = 1000 is rank 999, not 1000). Rank 1 reports
 * the exact minimum and rank N the exact maximum; other ranks report the midpoint of the
 * bucket holding that value, clamped to [min, max], within 0.4% of the true order
 * statistic (exactly 0 for zeros). NaN when empty or p is outside [0, 100] or NaN.
 * Cost O(number of powers of two spanned + 128). */
double aif_hist_percentile(const aif_hist *h, double p);

/* Add every value recorded in `src` to `dst` (src is unchanged; dst == src is allowed and
 * doubles it). Afterwards dst reports exactly what a histogram fed both input sets would
 * (the sum up to rounding). Errors: AIF_EINVAL (NULL), AIF_ERANGE (count overflow),
 * AIF_ENOMEM; on error dst's recorded data is unchanged. Cost O(buckets of src). */
aif_status aif_hist_merge(aif_hist *dst, const aif_hist *src);

/* Forget all values (and the rejected count) but keep the allocated counters for reuse. */
void aif_hist_reset(aif_hist *h);

/* Free the histogram. NULL is a no-op. */
void aif_hist_destroy(aif_hist *h);

#endif
