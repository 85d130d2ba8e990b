/* `aifactory serve --find-capacity`: the capacity search's answer (serve.h,
 * aif_serve_find_capacity) as text or one JSON object, with every probe the search tried
 * so the answer can be checked by hand. */
#include <math.h>
#include <stdio.h>

#include "json_out.h"
#include "serve_cli.h"

/* A latency as "210 ms" below a second, "2.5 s" above. */
static void latency_text(double s, char *buf, size_t n) {
    if (s < 1) {
        snprintf(buf, n, "%.3g ms", s * 1e3);
    } else {
        snprintf(buf, n, "%.4g s", s);
    }
}

/* "ttft_p99 2.1 s, tpot_p99 20.3 ms" for the bounded latencies of `measured`. */
static void bounded_text(const aif_serve_slo *slo, const double *measured, const char *sep,
                         char *buf, size_t n) {
    size_t at = 0;
    buf[0] = '\0';
    for (int m = 0; m < AIF_SERVE_SLO_COUNT && at < n; m++) {
        if (slo->limit_s[m] > 0) {
            char v[32];
            latency_text(measured[m], v, sizeof v);
            at += (size_t)snprintf(buf + at, n - at, "%s%s %s", at ? sep : "",
                                   aif_serve_slo_name((aif_serve_slo_metric)m), v);
        }
    }
}

static void measured_of(const aif_serve_result *r, double *out) {
    for (int m = 0; m < AIF_SERVE_SLO_COUNT; m++) {
        out[m] = aif_serve_slo_measured(r, (aif_serve_slo_metric)m);
    }
}

static double tolerance(const serve_args *a) {
    return a->tolerance > 0 ? a->tolerance : 0.01;
}

static void print_text(const serve_args *a, const serve_plan *p, const aif_serve_capacity *c) {
    const aif_serve_slo *slo = &p->slo;
    char line[512];
    serve_print_header(a, p, &c->at_rate.layout);
    printf("  load              Poisson arrivals, input %s, output %s tokens, seed %llu, "
           "%lld requests per probe\n",
           a->input_len ? a->input_len : "1000", a->output_len ? a->output_len : "200",
           (unsigned long long)a->seed, (long long)(a->requests ? a->requests : 1000));
    bounded_text(slo, slo->limit_s, ", ", line, sizeof line);
    printf("  SLO               %s (upper bounds)\n", line);
    double m[AIF_SERVE_SLO_COUNT];
    measured_of(&c->zero_load, m);
    bounded_text(slo, m, ", ", line, sizeof line);
    printf("  near-zero load    %s (one request at a time)\n", line);
    printf("  capacity          %.4g requests/s meet the SLO; %.4g (%.3g%% more) do not\n",
           c->rate_per_s, c->failing_rate_per_s, 100 * tolerance(a));
    printf("  arrivals          over %.4g s at that rate\n", c->arrival_span_s);
    printf("  goodput           %.4g requests/s, %.4g output tokens/s (%.4g per GPU)\n",
           c->goodput_requests_per_s, c->goodput_output_tokens_per_s,
           c->goodput_output_tokens_per_s_per_gpu);
    printf("at capacity:\n");
    serve_print_result(&c->at_rate);
    printf("probes (requests/s: verdict, bounded latencies):\n");
    for (int i = 0; i < c->probe_count; i++) {
        const aif_serve_probe *pr = &c->probes[i];
        bounded_text(slo, pr->measured_s, ", ", line, sizeof line);
        printf("  %-10.6g %-6s %s\n", pr->rate_per_s, pr->meets ? "meets" : "fails", line);
    }
}

/* {"ttft_p99_s": 0.2, ...} of the bounded latencies. */
static json_t *bounded_json(const aif_serve_slo *slo, const double *values) {
    json_t *o = json_object();
    for (int m = 0; o && m < AIF_SERVE_SLO_COUNT; m++) {
        if (slo->limit_s[m] > 0) {
            char key[32];
            snprintf(key, sizeof key, "%s_s", aif_serve_slo_name((aif_serve_slo_metric)m));
            json_object_set_new(o, key, cli_json_g(values[m], 6));
        }
    }
    return o;
}

static int print_json(const serve_args *a, const serve_plan *p, const aif_serve_capacity *c) {
    json_t *o = serve_json_header(a, p);
    if (o == NULL) {
        return cli_json_print("serve", NULL, 0);
    }
    const aif_serve_slo *slo = &p->slo;
    json_object_set_new(o, "seed", json_integer((json_int_t)a->seed));
    json_object_set_new(o, "requests_per_probe",
                        json_integer(a->requests ? (json_int_t)a->requests : 1000));
    json_object_set_new(o, "tolerance", cli_json_g(tolerance(a), 6));
    json_object_set_new(o, "slo", bounded_json(slo, slo->limit_s));
    double m[AIF_SERVE_SLO_COUNT];
    measured_of(&c->zero_load, m);
    json_object_set_new(o, "zero_load", bounded_json(slo, m));
    json_object_set_new(o, "rate_per_s", cli_json_g(c->rate_per_s, 6));
    json_object_set_new(o, "failing_rate_per_s", cli_json_g(c->failing_rate_per_s, 6));
    json_object_set_new(o, "arrival_span_s", cli_json_g(c->arrival_span_s, 6));
    json_object_set_new(o, "goodput_requests_per_s", cli_json_g(c->goodput_requests_per_s, 6));
    json_object_set_new(o, "goodput_output_tokens_per_s",
                        cli_json_g(c->goodput_output_tokens_per_s, 6));
    json_object_set_new(o, "goodput_output_tokens_per_s_per_gpu",
                        cli_json_g(c->goodput_output_tokens_per_s_per_gpu, 6));
    json_t *at = json_object();
    serve_json_result(at, &c->at_rate);
    json_object_set_new(o, "at_capacity", at);
    json_t *probes = json_array();
    for (int i = 0; probes && i < c->probe_count; i++) {
        const aif_serve_probe *pr = &c->probes[i];
        json_t *e =
            json_pack("{s:o,s:b}", "rate_per_s", cli_json_g(pr->rate_per_s, 6), "meets", pr->meets);
        json_t *measured = bounded_json(slo, pr->measured_s);
        json_object_update(e, measured);
        json_decref(measured);
        json_array_append_new(probes, e);
    }
    json_object_set_new(o, "probes", probes);
    return cli_json_print("serve", o, SERVE_JSON_FLAGS);
}

/* Past capacity the queue grows over the arrival span, so a span short next to the
 * TTFT or end-to-end bound lets an overloaded rate pass: say how many requests would
 * span SPAN_PER_BOUND bounds (docs/serve.md measures how the answer settles). */
#define SPAN_PER_BOUND 50

static void note_short_span(const serve_args *a, const serve_plan *p, const aif_serve_capacity *c) {
    double bound = 0;
    int which = 0;
    for (int m = 0; m < AIF_SERVE_SLO_COUNT; m++) {
        int tpot = m >= AIF_SERVE_SLO_TPOT_P50 && m <= AIF_SERVE_SLO_TPOT_P99;
        if (!tpot && p->slo.limit_s[m] > bound) {
            bound = p->slo.limit_s[m];
            which = m;
        }
    }
    if (a->common.quiet || c->arrival_span_s >= SPAN_PER_BOUND * bound) {
        return;
    }
    fprintf(stderr,
            "aifactory serve: note: each probe's requests arrive over %.3g s at the rate found, "
            "under %d times the %s bound, so a queue building past capacity may not show "
            "yet; --requests %.0f gives a firmer answer\n",
            c->arrival_span_s, SPAN_PER_BOUND, aif_serve_slo_name((aif_serve_slo_metric)which),
            ceil(SPAN_PER_BOUND * bound * c->rate_per_s / 100) * 100);
}

int serve_print_capacity(const serve_args *a, const serve_plan *p, const aif_serve_capacity *c) {
    note_short_span(a, p, c);
    if (a->common.json) {
        return print_json(a, p, c);
    }
    if (!a->common.quiet) {
        print_text(a, p, c);
    }
    return CLI_EXIT_OK;
}
