/* Percentiles and rank correlation across sweep runs (see rankstat.h). */
#include "aifactory/rankstat.h"

#include <math.h>
#include <stdlib.h>

double aif_quantile_sorted(const double *sorted, size_t n, double p) {
    if (n == 0 || sorted == NULL) {
        return NAN;
    }
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    if (lo + 1 >= n) {
        return sorted[n - 1];
    }
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int by_value(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->v != b->v) {
        return a->v < b->v ? -1 : 1;
    }
    return a->i < b->i ? -1 : a->i > b->i;
}

aif_status aif_ranks(const aif_allocator *a, const double *x, size_t n, double *rank) {
    if (n == 0) {
        return AIF_OK;
    }
    if (x == NULL || rank == NULL) {
        return AIF_EINVAL;
    }
    ranked *r = aif_alloc(a, n * sizeof *r);
    if (r == NULL) {
        return AIF_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r[i] = (ranked){x[i], i};
    }
    qsort(r, n, sizeof *r, by_value);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && r[j].v == r[i].v) {
            j++;
        }
        /* Positions i..j-1 hold one value: ranks i+1..j, their mean (i + 1 + j) / 2. */
        double mean = (double)(i + 1 + j) / 2.0;
        for (size_t k = i; k < j; k++) {
            rank[r[k].i] = mean;
        }
        i = j;
    }
    aif_free(a, r, n * sizeof *r);
    return AIF_OK;
}

aif_status aif_spearman(const aif_allocator *a, const double *x, const double *y, size_t n,
                        double *rho) {
    if (x == NULL || y == NULL || rho == NULL) {
        return AIF_EINVAL;
    }
    if (n < 2) {
        *rho = NAN;
        return AIF_OK;
    }
    double *rx = aif_alloc(a, 2 * n * sizeof *rx);
    if (rx == NULL) {
        return AIF_ENOMEM;
    }
    double *ry = rx + n;
    aif_status st = aif_ranks(a, x, n, rx);
    if (st == AIF_OK) {
        st = aif_ranks(a, y, n, ry);
    }
    if (st == AIF_OK) {
        /* Every ranking of n items has mean (n + 1) / 2: centre on it exactly. */
        double mean = (double)(n + 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < n; i++) {
            double dx = rx[i] - mean, dy = ry[i] - mean;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        double r = sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
        *rho = r > 1 ? 1 : r < -1 ? -1 : r;
    }
    aif_free(a, rx, 2 * n * sizeof *rx);
    return st;
}
