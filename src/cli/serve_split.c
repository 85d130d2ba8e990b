/* `aifactory serve --find-capacity --find-split N` (serve_cli.h): the goodput of every
 * prefill:decode split of N replicas, P prefill and N - P decode for P = 1 .. N - 1, and of
 * N colocated replicas, each at the highest Poisson rate that meets the SLO, ranked by
 * output tokens/s per GPU, as DistServe's placement search asks. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "json_out.h"
#include "serve_cli.h"

typedef struct split_out {
    int prefill, decode; /* decode 0: N colocated replicas */
    long gpus;
    aif_status status;
    char why[AIF_ERROR_MESSAGE_MAX];
    double rate_per_s, tokens_per_s, tokens_per_s_per_gpu;
} split_out;

/* Search split `s` (its pools set in p->cfg): the capacity or the refusal. */
static void search(const serve_args *a, serve_plan *p, split_out *s) {
    aif_serve_capacity_query q = serve_capacity_query(a, p);
    aif_serve_capacity *c = malloc(sizeof *c);
    if (c == NULL) {
        s->status = AIF_ENOMEM;
        snprintf(s->why, sizeof s->why, "out of memory");
        return;
    }
    aif_error err = {0};
    s->status = aif_serve_find_capacity(NULL, &q, c, &err);
    if (s->status == AIF_OK) {
        s->rate_per_s = c->goodput_requests_per_s;
        s->tokens_per_s = c->goodput_output_tokens_per_s;
        s->tokens_per_s_per_gpu = c->goodput_output_tokens_per_s_per_gpu;
    } else {
        snprintf(s->why, sizeof s->why, "%s", err.message);
    }
    free(c);
}

/* Every split, then the colocated deployment last. p->cfg.tp is the prefill (and colocated)
 * TP; p->disagg holds the decode pool's system, TP and link. */
static void search_all(const serve_args *a, serve_plan *p, split_out *out, int n) {
    int dtp = p->disagg.decode_tp;
    for (int i = 0; i < n; i++) {
        split_out *s = &out[i];
        s->prefill = i + 1 < n ? i + 1 : n;
        s->decode = i + 1 < n ? n - (i + 1) : 0;
        if (s->decode > 0) {
            p->disagg.decode_replicas = s->decode;
            p->cfg.disagg = &p->disagg;
            p->cfg.replicas = s->prefill;
            s->gpus = (long)p->cfg.tp * s->prefill + (long)dtp * s->decode;
        } else {
            p->cfg.disagg = NULL;
            p->cfg.replicas = n;
            s->gpus = (long)p->cfg.tp * n;
        }
        search(a, p, s);
    }
}

/* The split with the most output tokens/s per GPU (the first of equals), or -1. */
static int best_of(const split_out *out, int n) {
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (out[i].status == AIF_OK &&
            (best < 0 || out[i].tokens_per_s_per_gpu > out[best].tokens_per_s_per_gpu)) {
            best = i;
        }
    }
    return best;
}

static int print_json(const serve_args *a, serve_plan *p, const split_out *out, int n, int best) {
    p->cfg.disagg = NULL;
    p->cfg.replicas = n;
    json_t *o = serve_json_header(a, p);
    if (o == NULL) {
        return cli_json_print("serve", NULL, 0);
    }
    json_object_set_new(o, "decode_system", json_string(p->dhw.id));
    json_object_set_new(o, "decode_tp", json_integer(p->disagg.decode_tp));
    json_object_set_new(o, "split_replicas", json_integer(n));
    json_object_set_new(o, "seed", json_integer((json_int_t)a->seed));
    json_t *arr = json_array();
    for (int i = 0; arr && i < n; i++) {
        const split_out *s = &out[i];
        json_t *e = json_pack("{s:i,s:i,s:I}", "prefill_replicas", s->prefill, "decode_replicas",
                              s->decode, "gpus", (json_int_t)s->gpus);
        if (s->status == AIF_OK) {
            json_object_set_new(e, "goodput_requests_per_s", cli_json_g(s->rate_per_s, 6));
            json_object_set_new(e, "goodput_output_tokens_per_s", cli_json_g(s->tokens_per_s, 6));
            json_object_set_new(e, "goodput_output_tokens_per_s_per_gpu",
                                cli_json_g(s->tokens_per_s_per_gpu, 6));
        } else {
            json_object_set_new(e, "error", json_string(s->why));
        }
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "splits", arr);
    json_object_set_new(o, "best", best < 0 ? json_null() : json_integer(best));
    return cli_json_print("serve", o, SERVE_JSON_FLAGS);
}

static void print_text(const serve_plan *p, const split_out *out, int n, int best) {
    printf("%s on %s, %s: prefill:decode splits of %d replicas (prefill TP %d, decode TP %d of "
           "%s), goodput at the SLO\n",
           p->m->id, p->hw.id, aif_precision_name(p->cfg.precision), n, p->cfg.tp,
           p->disagg.decode_tp, p->dhw.id);
    printf("  %-12s %5s %12s %16s %12s\n", "split", "GPUs", "requests/s", "output tok/s",
           "per GPU");
    for (int i = 0; i < n; i++) {
        const split_out *s = &out[i];
        char name[32];
        if (s->decode > 0) {
            snprintf(name, sizeof name, "%dP:%dD", s->prefill, s->decode);
        } else {
            snprintf(name, sizeof name, "colocated");
        }
        if (s->status != AIF_OK) {
            printf("  %-12s %5ld  (%s)\n", name, s->gpus, s->why);
            continue;
        }
        printf("  %-12s %5ld %12.4g %16.0f %12.1f%s\n", name, s->gpus, s->rate_per_s,
               s->tokens_per_s, s->tokens_per_s_per_gpu, i == best ? "  best" : "");
    }
}

int serve_find_split(const serve_args *a, serve_plan *p) {
    int n = a->find_split;
    split_out *out = calloc((size_t)n, sizeof *out);
    if (out == NULL) {
        fprintf(stderr, "aifactory serve: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    search_all(a, p, out, n);
    int rc = CLI_EXIT_OK;
    for (int i = 0; i < n; i++) {
        if (out[i].status == AIF_ENOMEM) {
            fprintf(stderr, "aifactory serve: out of memory\n");
            rc = CLI_EXIT_FAILURE;
        }
    }
    int best = best_of(out, n);
    if (rc == CLI_EXIT_OK) {
        if (a->common.json) {
            rc = print_json(a, p, out, n, best);
        } else if (!a->common.quiet) {
            print_text(p, out, n, best);
        }
    }
    if (rc == CLI_EXIT_OK && best < 0) {
        /* As for one deployment: an SLO no rate meets is the input's problem. */
        fprintf(stderr,
                "aifactory serve: no split of %d replicas meets the SLO; the first "
                "split's reason: %s\n",
                n, out[0].why);
        rc = CLI_EXIT_USAGE;
    }
    free(out);
    return rc;
}
