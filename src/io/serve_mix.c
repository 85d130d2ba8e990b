/* A trace's empirical length mix (serve_trace.h): every row's (input, output) pair, read
 * with the trace reader `serve --trace` uses, for the synthetic source to draw from
 * (aif_serve_synthetic_set_mix), so arrivals can be Poisson or gamma at any rate while the
 * lengths keep the trace's joint distribution. */
#include <string.h>

#include "aifactory/serve_trace.h"

aif_status aif_serve_trace_lengths(const aif_allocator *a, const char *path, long **pairs,
                                   long *count, aif_error *err) {
    if (path == NULL || pairs == NULL || count == NULL) {
        return aif_error_set(err, AIF_EINVAL, "length mix: NULL argument");
    }
    *pairs = NULL;
    *count = 0;
    aif_serve_trace *t = NULL;
    aif_serve_source src;
    aif_status st = aif_serve_trace_open(a, path, &t, &src, err);
    long n = 0, cap = 0;
    long *v = NULL;
    while (st == AIF_OK) {
        aif_serve_request rq = {0};
        st = src.next(src.ctx, &rq, err);
        if (st != AIF_OK) {
            break;
        }
        if (n == cap) {
            long c = cap ? cap * 2 : 1024;
            long *p = aif_realloc(a, v, (size_t)cap * 2 * sizeof *v, (size_t)c * 2 * sizeof *v);
            if (p == NULL) {
                st = aif_error_set(err, AIF_ENOMEM, "length mix: out of memory");
                break;
            }
            v = p;
            cap = c;
        }
        v[2 * n] = rq.input_tokens;
        v[2 * n + 1] = rq.output_tokens;
        n++;
    }
    aif_serve_trace_close(t);
    if (err && err->file) {
        err->file = path; /* the reader's copy of the name went with it */
    }
    if (st == AIF_EEMPTY && n == 0) {
        st = aif_error_set(err, AIF_EINVAL, "%s: the trace holds no request", path);
    } else if (st == AIF_EEMPTY) {
        st = AIF_OK;
    }
    if (st != AIF_OK) {
        aif_free(a, v, (size_t)cap * 2 * sizeof *v);
        return st;
    }
    /* Hand out a block of exactly n pairs, so it is freed knowing only the count. */
    long *exact = aif_alloc(a, (size_t)n * 2 * sizeof *v);
    if (exact != NULL) {
        memcpy(exact, v, (size_t)n * 2 * sizeof *v);
    }
    aif_free(a, v, (size_t)cap * 2 * sizeof *v);
    if (exact == NULL) {
        return aif_error_set(err, AIF_ENOMEM, "length mix: out of memory");
    }
    *pairs = exact;
    *count = n;
    return AIF_OK;
}

void aif_serve_trace_lengths_free(const aif_allocator *a, long *pairs, long count) {
    aif_free(a, pairs, (size_t)count * 2 * sizeof *pairs);
}
