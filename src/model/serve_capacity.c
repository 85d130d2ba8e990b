/* Capacity at a latency target (serve.h): the SLO text ("ttft_p99=2s,tpot_p99=200ms"),
 * which bounds a run meets, and the search for the highest Poisson arrival rate that
 * meets them. Every probe replays the same seeded requests (the synthetic source scales
 * the same arrival gaps by the rate), so the search is deterministic and a probe's verdict
 * depends only on its rate. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/serve.h"
#include "aifactory/time.h"

#define DEFAULT_PROBE_REQUESTS 1000
#define DEFAULT_TOLERANCE      0.01
#define HIGHEST_RATE           1e9
/* Halving below the first probe stops this far down: the requests then overlap so rarely
 * that a rate which still fails never will meet the SLO. */
#define LOWEST_FRACTION 1e-6

static const char *const slo_names[AIF_SERVE_SLO_COUNT] = {
    "ttft_p50", "ttft_p90", "ttft_p99", "tpot_p50", "tpot_p90",
    "tpot_p99", "e2e_p50",  "e2e_p90",  "e2e_p99",
};

const char *aif_serve_slo_name(aif_serve_slo_metric m) {
    return (unsigned)m < AIF_SERVE_SLO_COUNT ? slo_names[m] : "?";
}

static aif_status slo_fail(aif_error *err, size_t at, const char *fmt, const char *found) {
    aif_status st = aif_error_set(err, AIF_EPARSE, fmt, found);
    if (err) {
        err->offset = at;
    }
    return st;
}

#define SLO_EXPECTED                                                                               \
    "expected NAME=DURATION with NAME one of ttft_p50, ttft_p90, ttft_p99, tpot_p50, "             \
    "tpot_p90, tpot_p99, e2e_p50, e2e_p90, e2e_p99, found '%s'"

aif_status aif_serve_slo_parse(const char *text, aif_serve_slo *out, aif_error *err) {
    if (text == NULL || out == NULL) {
        return aif_error_set(err, AIF_EINVAL, "serve: missing SLO text");
    }
    aif_serve_slo slo;
    memset(&slo, 0, sizeof slo);
    size_t at = 0;
    for (;;) {
        size_t end = at + strcspn(text + at, ",");
        char item[128];
        snprintf(item, sizeof item, "%.*s", (int)(end - at), text + at);
        const char *eq = strchr(item, '=');
        int m = -1;
        for (int i = 0; eq && i < AIF_SERVE_SLO_COUNT; i++) {
            if (strlen(slo_names[i]) == (size_t)(eq - item) &&
                strncmp(item, slo_names[i], (size_t)(eq - item)) == 0) {
                m = i;
            }
        }
        if (m < 0 || end - at >= sizeof item) {
            return slo_fail(err, at, SLO_EXPECTED, item);
        }
        if (slo.limit_s[m] > 0) {
            return slo_fail(err, at, "expected each latency bounded once, found %s twice",
                            slo_names[m]);
        }
        aif_time ns = 0;
        aif_error why = {0};
        size_t value_at = at + (size_t)(eq - item) + 1;
        if (aif_duration_parse(eq + 1, &ns, &why) != AIF_OK) {
            return slo_fail(err, value_at + why.offset,
                            "expected a duration with a unit (2s, 200ms, 450 ms), found '%s'",
                            eq + 1);
        }
        if (ns <= 0) {
            return slo_fail(err, value_at, "expected a duration above 0, found '%s'", eq + 1);
        }
        slo.limit_s[m] = aif_time_to_seconds(ns);
        if (text[end] == '\0') {
            break;
        }
        at = end + 1;
    }
    *out = slo;
    return AIF_OK;
}

double aif_serve_slo_measured(const aif_serve_result *r, aif_serve_slo_metric m) {
    const aif_serve_stat *s = m <= AIF_SERVE_SLO_TTFT_P99   ? &r->ttft_s
                              : m <= AIF_SERVE_SLO_TPOT_P99 ? &r->tpot_s
                                                            : &r->e2e_s;
    switch (m % 3) {
    case 0:
        return s->p50;
    case 1:
        return s->p90;
    default:
        return s->p99;
    }
}

int aif_serve_slo_violated(const aif_serve_slo *slo, const aif_serve_result *r) {
    for (int m = 0; m < AIF_SERVE_SLO_COUNT; m++) {
        if (slo->limit_s[m] > 0 &&
            !(aif_serve_slo_measured(r, (aif_serve_slo_metric)m) <= slo->limit_s[m])) {
            return m;
        }
    }
    return -1;
}

/* ---- the search ---- */

typedef struct search {
    const aif_allocator *a;
    const aif_serve_capacity_query *q;
    aif_serve_config cfg; /* the query's, without an observer */
    long requests;
    aif_serve_capacity *out;
} search;

/* Simulate the query's requests at `rate` (0 with cfg.concurrency 1: one at a time). */
static aif_status simulate(search *s, double rate, aif_serve_result *r, double *span_s,
                           aif_error *err) {
    aif_serve_synthetic gen;
    aif_serve_source src;
    aif_serve_synthetic_init(&gen, &s->q->input, &s->q->output, rate, s->q->seed, &src);
    if (s->q->arrival_cv > 0) {
        gen.arrival_cv = s->q->arrival_cv;
    }
    if (s->q->mix) {
        gen.mix = s->q->mix;
        gen.mix_count = s->q->mix_count;
    }
    aif_status st = aif_serve_run(s->a, &s->cfg, &src, s->requests, r, err);
    *span_s = gen.clock_s; /* the last arrival: the source is not read past the run */
    return st;
}

/* Probe `rate`: *meets says whether it met the SLO; the run is kept when it did and is the
 * highest so far. */
static aif_status probe(search *s, double rate, int *meets, aif_error *err) {
    aif_serve_capacity *o = s->out;
    if (o->probe_count == AIF_SERVE_CAPACITY_MAX_PROBES) {
        return aif_error_set(err, AIF_ERANGE,
                             "the capacity search took more than %d probes without "
                             "converging; use a larger tolerance",
                             AIF_SERVE_CAPACITY_MAX_PROBES);
    }
    aif_serve_result r;
    double span = 0;
    aif_status st = simulate(s, rate, &r, &span, err);
    if (st != AIF_OK) {
        return st;
    }
    aif_serve_probe *p = &o->probes[o->probe_count++];
    p->rate_per_s = rate;
    p->meets = aif_serve_slo_violated(&s->q->slo, &r) < 0;
    for (int m = 0; m < AIF_SERVE_SLO_COUNT; m++) {
        p->measured_s[m] = aif_serve_slo_measured(&r, (aif_serve_slo_metric)m);
    }
    if (p->meets && rate > o->rate_per_s) {
        o->rate_per_s = rate;
        o->at_rate = r;
        o->arrival_span_s = span;
    }
    *meets = p->meets;
    return AIF_OK;
}

/* Near-zero load: the same requests one at a time. Missing the SLO there means no rate
 * meets it. */
static aif_status zero_load(search *s, aif_error *err) {
    s->cfg.concurrency = 1;
    double span = 0;
    aif_status st = simulate(s, 0, &s->out->zero_load, &span, err);
    s->cfg.concurrency = 0;
    if (st != AIF_OK) {
        return st;
    }
    int m = aif_serve_slo_violated(&s->q->slo, &s->out->zero_load);
    if (m >= 0) {
        return aif_error_set(err, AIF_ERANGE,
                             "no arrival rate meets the SLO %s <= %.4g s: at near-zero load "
                             "(one request at a time) %s is %.4g s",
                             slo_names[m], s->q->slo.limit_s[m], slo_names[m],
                             aif_serve_slo_measured(&s->out->zero_load, (aif_serve_slo_metric)m));
    }
    return AIF_OK;
}

static aif_status check_query(const aif_serve_capacity_query *q, aif_serve_capacity *out,
                              aif_error *err) {
    if (q == NULL || out == NULL || q->cfg == NULL) {
        return aif_error_set(err, AIF_EINVAL, "serve: missing capacity query or result");
    }
    if (q->cfg->concurrency != 0) {
        return aif_error_set(err, AIF_EINVAL,
                             "the capacity search varies the arrival rate; a closed "
                             "loop (concurrency %ld) has none",
                             q->cfg->concurrency);
    }
    int waits = 0;
    for (int m = 0; m < AIF_SERVE_SLO_COUNT; m++) {
        int tpot = m >= AIF_SERVE_SLO_TPOT_P50 && m <= AIF_SERVE_SLO_TPOT_P99;
        waits += !tpot && q->slo.limit_s[m] > 0;
    }
    if (!waits) {
        /* Past capacity the queue grows while the running requests decode as fast as
         * ever: only a bound on the wait (TTFT or end to end) sees it. */
        return aif_error_set(err, AIF_EINVAL,
                             "the SLO must bound TTFT or end-to-end latency (e.g. "
                             "ttft_p99=2s): a queue that grows without end leaves TPOT as it "
                             "is");
    }
    if (q->tolerance != 0 && !(q->tolerance >= 1e-4 && q->tolerance <= 1)) {
        return aif_error_set(err, AIF_EINVAL,
                             "expected a capacity tolerance from 0.0001 to 1, found %g",
                             q->tolerance);
    }
    if (q->requests < 0) {
        return aif_error_set(err, AIF_EINVAL, "expected requests per probe >= 1");
    }
    return AIF_OK;
}

aif_status aif_serve_find_capacity(const aif_allocator *a, const aif_serve_capacity_query *q,
                                   aif_serve_capacity *out, aif_error *err) {
    aif_status st = check_query(q, out, err);
    if (st != AIF_OK) {
        return st;
    }
    memset(out, 0, sizeof *out);
    search s = {a, q, *q->cfg, q->requests ? q->requests : DEFAULT_PROBE_REQUESTS, out};
    s.cfg.observer = NULL;
    double tol = q->tolerance ? q->tolerance : DEFAULT_TOLERANCE;
    if ((st = zero_load(&s, err)) != AIF_OK) {
        return st;
    }
    /* Invariants: lo met the SLO (0: none yet), hi failed (0: none yet). */
    double first = (double)out->zero_load.layout.replicas / out->zero_load.e2e_s.mean;
    double lo = 0, hi = 0;
    int meets = 0;
    if ((st = probe(&s, first, &meets, err)) != AIF_OK) {
        return st;
    }
    *(meets ? &lo : &hi) = first;
    for (;;) {
        double step = lo * (1 + tol), p;
        if (lo > 0 && hi == step) {
            break; /* lo meets and the rate one tolerance above it fails: done */
        }
        if (lo == 0) {
            p = hi / 2;
            if (p < first * LOWEST_FRACTION) {
                return aif_error_set(err, AIF_ERANGE,
                                     "no arrival rate meets the SLO: it fails down to %.4g "
                                     "requests/s although one request at a time meets it",
                                     hi);
            }
        } else if (hi == 0) {
            p = 2 * lo;
            if (p > HIGHEST_RATE) {
                return aif_error_set(err, AIF_ERANGE,
                                     "the SLO is still met at %.4g requests/s: %ld "
                                     "requests arrive too close together for a queue to break "
                                     "it; use more requests per probe",
                                     lo, s.requests);
            }
        } else if (hi <= step) {
            p = step; /* probe exactly one tolerance above lo */
        } else {
            p = sqrt(lo * hi);
            p = p < step ? step : p;
        }
        if ((st = probe(&s, p, &meets, err)) != AIF_OK) {
            return st;
        }
        if (meets) {
            lo = p;
            hi = p >= hi ? 0 : hi; /* a rate above a failing one met: search above it */
        } else if (hi == 0 || p < hi || p == step) {
            hi = p;
        }
    }
    out->failing_rate_per_s = hi;
    /* Goodput is the arrival rate served within the SLO, and the output tokens those
     * requests carry; not completions over the run's duration, which would count the
     * finite run's drain (the last requests finishing after the arrivals stop) as lost. */
    const aif_serve_result *r = &out->at_rate;
    double gpus =
        (double)r->layout.gpus_per_replica * r->layout.replicas +
        (double)r->decode_layout.gpus_per_replica * r->decode_layout.replicas; /* 0 colocated */
    out->goodput_requests_per_s = lo;
    out->goodput_output_tokens_per_s = lo * r->output_tokens / (double)r->requests_completed;
    out->goodput_output_tokens_per_s_per_gpu = out->goodput_output_tokens_per_s / gpus;
    return AIF_OK;
}
