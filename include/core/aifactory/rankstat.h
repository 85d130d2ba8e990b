/* Statistics across the runs of a sweep: percentiles of a sample and Spearman's rank
 * correlation between two samples.
 *
 * Percentiles interpolate linearly between order statistics (Hyndman and Fan's type 7, the
 * default of R and NumPy): the p-quantile of sorted x[0..n) is x[h] + (h - floor(h))
 * (x[floor(h) + 1] - x[floor(h)]) with h = (n - 1) p. Spearman's rho is Pearson's
 * correlation of the two samples' ranks, tied values taking the mean of the ranks they
 * span (so it stays exact with ties, e.g. a grid parameter's repeated values). Sorting
 * breaks ties on the position in the input, so the results do not depend on the sort. */
#ifndef AIFACTORY_RANKSTAT_H
#define AIFACTORY_RANKSTAT_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

/* The p-quantile (p in [0, 1], clamped) of `sorted` (n ascending finite values); NaN when
 * n == 0. Cost O(1). */
double aif_quantile_sorted(const double *sorted, size_t n, double p);

/* The ranks of x[0..n) into rank[0..n): 1 for the smallest, ties averaged. Memory for an
 * index of n entries comes from `a` (NULL: system). Errors: AIF_EINVAL (NULL with n > 0),
 * AIF_ENOMEM (rank untouched). Cost O(n log n). */
aif_status aif_ranks(const aif_allocator *a, const double *x, size_t n, double *rank);

/* Spearman's rank correlation of x and y (n pairs of finite values) into *rho, in [-1, 1];
 * NaN when n < 2 or either sample is constant (no ranking to correlate). Errors:
 * AIF_EINVAL, AIF_ENOMEM (*rho untouched). Memory O(n) from `a`. Cost O(n log n). */
aif_status aif_spearman(const aif_allocator *a, const double *x, const double *y, size_t n,
                        double *rho);

#endif
