/* Log-linear histogram (see hist.h): a table of lazily allocated counter blocks, one per
 * power of two, indexed from the lowest exponent seen; exact scalars kept beside it. */
#include "aifactory/hist.h"

#include <math.h>
#include <string.h>

#define SUB 128 /* sub-buckets per power of two; slot SUB of a block holds its total */

struct aif_hist {
    const aif_allocator *alloc;
    uint64_t **blocks; /* blocks[i] counts [2^(e_lo+i), 2^(e_lo+i+1)); NULL until needed */
    size_t nblocks;
    int e_lo;
    uint64_t count; /* all accepted values, zeros included */
    uint64_t zeros;
    uint64_t rejected;
    double sum, comp; /* Neumaier compensated sum: sum + comp */
    double min, max;
};

aif_status aif_hist_create(const aif_allocator *a, aif_hist **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_hist *h = aif_alloc(a, sizeof *h);
    if (h == NULL) {
        return AIF_ENOMEM;
    }
    *h = (aif_hist){.alloc = a};
    aif_hist_reset(h);
    *out = h;
    return AIF_OK;
}

void aif_hist_reset(aif_hist *h) {
    for (size_t i = 0; i < h->nblocks; i++) {
        if (h->blocks[i]) {
            memset(h->blocks[i], 0, (SUB + 1) * sizeof(uint64_t));
        }
    }
    h->count = h->zeros = h->rejected = 0;
    h->sum = h->comp = 0.0;
    h->min = INFINITY;
    h->max = -INFINITY;
}

void aif_hist_destroy(aif_hist *h) {
    if (h == NULL) {
        return;
    }
    for (size_t i = 0; i < h->nblocks; i++) {
        aif_free(h->alloc, h->blocks[i], (SUB + 1) * sizeof(uint64_t));
    }
    aif_free(h->alloc, h->blocks, h->nblocks * sizeof(uint64_t *));
    aif_free(h->alloc, h, sizeof *h);
}

/* Power of two and sub-bucket of a positive finite v: v in [2^e, 2^(e+1)). frexp is exact,
 * and so is the scaling of its mantissa, so the bucket never depends on rounding. */
static void locate(double v, int *e, int *sub) {
    int fe;
    double m = frexp(v, &fe); /* v = m * 2^fe, m in [0.5, 1) */
    *e = fe - 1;
    *sub = (int)((2.0 * m - 1.0) * SUB);
}

/* The counter block for exponent e, growing the table and allocating as needed; NULL on
 * allocation failure (the histogram's recorded data is unchanged either way). */
static uint64_t *block_for(aif_hist *h, int e) {
    if (h->nblocks == 0 || e < h->e_lo || e >= h->e_lo + (int)h->nblocks) {
        int lo = h->nblocks == 0 || e < h->e_lo ? e : h->e_lo;
        int hi =
            h->nblocks == 0 || e >= h->e_lo + (int)h->nblocks ? e : h->e_lo + (int)h->nblocks - 1;
        size_t n = (size_t)(hi - lo + 1);
        uint64_t **t = aif_alloc(h->alloc, n * sizeof *t);
        if (t == NULL) {
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            t[i] = NULL;
        }
        for (size_t i = 0; i < h->nblocks; i++) {
            t[(size_t)(h->e_lo - lo) + i] = h->blocks[i];
        }
        aif_free(h->alloc, h->blocks, h->nblocks * sizeof *h->blocks);
        h->blocks = t;
        h->nblocks = n;
        h->e_lo = lo;
    }
    size_t i = (size_t)(e - h->e_lo);
    if (h->blocks[i] == NULL) {
        h->blocks[i] = aif_calloc(h->alloc, SUB + 1, sizeof(uint64_t));
    }
    return h->blocks[i];
}

static void sum_add(aif_hist *h, double x) {
    double t = h->sum + x;
    if (fabs(h->sum) >= fabs(x)) {
        h->comp += (h->sum - t) + x;
    } else {
        h->comp += (x - t) + h->sum;
    }
    h->sum = t;
}

aif_status aif_hist_add_n(aif_hist *h, double v, uint64_t count) {
    if (!(v >= 0.0) || isinf(v)) {
        h->rejected = count > UINT64_MAX - h->rejected ? UINT64_MAX : h->rejected + count;
        return AIF_EINVAL;
    }
    if (count == 0) {
        return AIF_OK;
    }
    if (count > UINT64_MAX - h->count) {
        return AIF_ERANGE;
    }
    if (v == 0.0) {
        h->zeros += count;
    } else {
        int e, sub;
        locate(v, &e, &sub);
        uint64_t *b = block_for(h, e);
        if (b == NULL) {
            return AIF_ENOMEM;
        }
        b[sub] += count;
        b[SUB] += count;
    }
    h->count += count;
    sum_add(h, count == 1 ? v : v * (double)count);
    h->min = fmin(h->min, v);
    h->max = fmax(h->max, v);
    return AIF_OK;
}

aif_status aif_hist_add(aif_hist *h, double v) {
    return aif_hist_add_n(h, v, 1);
}

uint64_t aif_hist_count(const aif_hist *h) {
    return h->count;
}

uint64_t aif_hist_rejected(const aif_hist *h) {
    return h->rejected;
}

double aif_hist_sum(const aif_hist *h) {
    return h->count ? h->sum + h->comp : NAN;
}

double aif_hist_mean(const aif_hist *h) {
    return h->count ? (h->sum + h->comp) / (double)h->count : NAN;
}

double aif_hist_min(const aif_hist *h) {
    return h->count ? h->min : NAN;
}

double aif_hist_max(const aif_hist *h) {
    return h->count ? h->max : NAN;
}

double aif_hist_percentile(const aif_hist *h, double p) {
    if (h->count == 0 || !(p >= 0.0 && p <= 100.0)) {
        return NAN;
    }
    /* The allowance keeps a decimal p whose product with N lands a hair above an integer
     * (0.999 * 1000 = 999.0000000000001) on the rank it means. */
    double kd = ceil(p / 100.0 * (double)h->count - 1e-9);
    uint64_t rank = kd >= (double)h->count ? h->count : kd < 1.0 ? 1 : (uint64_t)kd;
    if (rank == 1) {
        return h->min;
    }
    if (rank == h->count) {
        return h->max;
    }
    if (rank <= h->zeros) {
        return 0.0;
    }
    uint64_t seen = h->zeros;
    for (size_t i = 0; i < h->nblocks; i++) {
        const uint64_t *b = h->blocks[i];
        if (b == NULL || seen + b[SUB] < rank) {
            seen += b ? b[SUB] : 0;
            continue;
        }
        for (int s = 0; s < SUB; s++) {
            seen += b[s];
            if (seen >= rank) {
                double mid = ldexp(1.0 + (s + 0.5) / SUB, h->e_lo + (int)i);
                return fmin(fmax(mid, h->min), h->max);
            }
        }
    }
    return h->max; /* unreachable while the counters agree with h->count */
}

aif_status aif_hist_merge(aif_hist *dst, const aif_hist *src) {
    if (dst == NULL || src == NULL) {
        return AIF_EINVAL;
    }
    if (src->count > UINT64_MAX - dst->count) {
        return AIF_ERANGE;
    }
    /* Take src's scalars first: dst may be src. */
    const uint64_t n = src->count, zeros = src->zeros, rejected = src->rejected;
    const double s = src->sum, c = src->comp, lo = src->min, hi = src->max;
    /* Phase 1 allocates every block dst will need, so a failure leaves the data intact. */
    for (size_t i = 0; i < src->nblocks; i++) {
        if (src->blocks[i] && src->blocks[i][SUB] > 0 &&
            block_for(dst, src->e_lo + (int)i) == NULL) {
            return AIF_ENOMEM;
        }
    }
    for (size_t i = 0; i < src->nblocks; i++) {
        const uint64_t *b = src->blocks[i];
        if (b == NULL || b[SUB] == 0) {
            continue;
        }
        uint64_t *d = dst->blocks[(size_t)(src->e_lo + (int)i - dst->e_lo)];
        for (int k = 0; k <= SUB; k++) {
            d[k] += b[k];
        }
    }
    dst->count += n;
    dst->zeros += zeros;
    dst->rejected = rejected > UINT64_MAX - dst->rejected ? UINT64_MAX : dst->rejected + rejected;
    if (n > 0) {
        sum_add(dst, s);
        sum_add(dst, c);
        dst->min = fmin(dst->min, lo);
        dst->max = fmax(dst->max, hi);
    }
    return AIF_OK;
}
