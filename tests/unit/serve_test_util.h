/* What the serving simulator's unit tests share: a fixed list of requests as a source, and
 * runs of a list or of a synthetic load that print the library's message when they fail
 * (some tests expect a refusal, so the status is returned, not asserted). Included after
 * cmocka.h. */
#ifndef AIF_TEST_SERVE_TEST_UTIL_H
#define AIF_TEST_SERVE_TEST_UTIL_H

#include <math.h>

#include "aifactory/serve.h"

#define CLOSE(a, b, rel) assert_true(fabs((a) - (b)) <= (rel)*fabs(b))

typedef struct list_source {
    const aif_serve_request *rq;
    long n, i;
} list_source;

static inline aif_status list_next(void *ctx, aif_serve_request *out, aif_error *err) {
    (void)err;
    list_source *l = ctx;
    if (l->i == l->n) {
        return AIF_EEMPTY;
    }
    *out = l->rq[l->i++];
    return AIF_OK;
}

static inline aif_status serve_run_printed(const aif_serve_config *c, aif_serve_source *src, long n,
                                           aif_serve_result *r) {
    aif_error err = {0};
    aif_status st = aif_serve_run(NULL, c, src, n, r, &err);
    if (st != AIF_OK) {
        print_message("serve: %s\n", err.message);
    }
    return st;
}

/* Every request of the list. */
static inline aif_status run_list(const aif_serve_config *c, const aif_serve_request *rq, long n,
                                  aif_serve_result *r) {
    list_source ls = {rq, n, 0};
    aif_serve_source src = {&ls, list_next};
    return serve_run_printed(c, &src, 0, r);
}

/* n requests of Poisson arrivals at `rate`, lengths as `serve --input-len/--output-len`. */
static inline aif_status run_synthetic(const aif_serve_config *c, const char *in, const char *out,
                                       double rate, long n, uint64_t seed, aif_serve_result *r) {
    aif_serve_lengths li, lo;
    assert_int_equal(aif_serve_lengths_parse(in, &li, NULL), AIF_OK);
    assert_int_equal(aif_serve_lengths_parse(out, &lo, NULL), AIF_OK);
    aif_serve_synthetic g;
    aif_serve_source src;
    aif_serve_synthetic_init(&g, &li, &lo, rate, seed, &src);
    return serve_run_printed(c, &src, n, r);
}

#endif
