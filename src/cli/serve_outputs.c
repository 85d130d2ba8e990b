/* `aifactory serve -o DIR`: requests.csv (one row per request, in completion order),
 * results.sqlite (the run, its parameters and key numbers, the serve_requests table and
 * the series over time: serve_store.h), summary.json and report.html, all written into
 * the output folder's private folder and published whole (outdir.h), or not at all.
 * Rows are streamed to the CSV and the store as requests finish, so the simulation's
 * memory stays O(requests in flight). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/report.h"
#include "cli_errors.h"
#include "interrupt.h"
#include "serve_cli.h"

static aif_status csv_request(void *ctx, const aif_serve_request_record *q) {
    serve_outputs *o = ctx;
    FILE *f = o->csv.fp;
    double ttft = q->first_token_s - q->arrival_s;
    fprintf(f, "%ld,%d,%.9g,%.9g,%.9g,%.9g,%ld,%ld,%.9g,", q->id, q->replica, q->arrival_s,
            q->scheduled_s, q->first_token_s, q->finish_s, q->input_tokens, q->output_tokens, ttft);
    if (q->output_tokens > 1) {
        fprintf(f, "%.9g", (q->finish_s - q->first_token_s) / (double)(q->output_tokens - 1));
    }
    fprintf(f, ",%.9g,%.9g,%ld,%ld\n", q->finish_s - q->arrival_s, q->scheduled_s - q->arrival_s,
            q->preemptions, q->cached_tokens);
    return o->store_observer.request(o->store_observer.ctx, q);
}

static aif_status store_iteration(void *ctx, const aif_serve_iteration_record *it) {
    serve_outputs *o = ctx;
    return o->store_observer.iteration(o->store_observer.ctx, it);
}

/* The store's failure as one line; returns the exit code. */
static int store_error(const serve_outputs *o, aif_status st) {
    const char *m = o->db ? aif_results_error(o->db)->message : "";
    fprintf(stderr, "aifactory serve: results store: %s\n", m[0] ? m : aif_strerror(st));
    return CLI_EXIT_FAILURE;
}

static aif_status add_params(const serve_args *a, const serve_plan *p, serve_outputs *o) {
    char buf[5][64];
    snprintf(buf[0], sizeof buf[0], "%ld", p->gpus);
    snprintf(buf[1], sizeof buf[1], "%d", p->cfg.tp);
    snprintf(buf[2], sizeof buf[2], "%d", p->cfg.replicas);
    snprintf(buf[3], sizeof buf[3], "%.6g", a->rate);
    snprintf(buf[4], sizeof buf[4], "%lld", (long long)a->concurrency);
    struct {
        const char *name, *value, *unit;
    } params[] = {
        {"model", p->m->id, ""},
        {"system", p->hw.id, ""},
        {"GPUs", buf[0], "GPUs"},
        {"tensor parallel", buf[1], "GPUs"},
        {"replicas", buf[2], "replicas"},
        {"precision", aif_precision_name(p->cfg.precision), ""},
        {"route", aif_serve_route_name(p->cfg.route), ""},
        {a->trace      ? "trace"
         : a->rate > 0 ? "Poisson rate"
                       : "concurrency",
         a->trace      ? a->trace
         : a->rate > 0 ? buf[3]
                       : buf[4],
         a->trace      ? ""
         : a->rate > 0 ? "requests/s"
                       : "requests"},
        {"input tokens",
         a->trace       ? "from the trace"
         : a->input_len ? a->input_len
                        : "1000",
         ""},
        {"output tokens",
         a->trace        ? "from the trace"
         : a->output_len ? a->output_len
                         : "200",
         ""},
    };
    aif_status st = AIF_OK;
    for (size_t i = 0; st == AIF_OK && i < sizeof params / sizeof params[0]; i++) {
        st = aif_results_add_param(o->db, o->run_id, params[i].name, params[i].value,
                                   params[i].unit);
    }
    if (st == AIF_OK && p->cfg.disagg) {
        /* Disaggregated: the replicas and TP above are the prefill pool's. */
        char d[3][64];
        aif_serve_link kind;
        snprintf(d[0], sizeof d[0], "%d", p->disagg.decode_replicas);
        snprintf(d[1], sizeof d[1], "%d", p->disagg.decode_tp);
        snprintf(d[2], sizeof d[2], "%.6g", aif_serve_kv_link(&p->cfg, &kind) / 1e9);
        if ((st = aif_results_add_param(o->db, o->run_id, "decode system", p->dhw.id, "")) ==
                AIF_OK &&
            (st = aif_results_add_param(o->db, o->run_id, "decode replicas", d[0], "replicas")) ==
                AIF_OK &&
            (st = aif_results_add_param(o->db, o->run_id, "decode tensor parallel", d[1],
                                        "GPUs")) == AIF_OK) {
            st = aif_results_add_param(o->db, o->run_id, "KV link", d[2], "GB/s");
        }
    }
    return st;
}

/* Create the store with its run and parameters, ready for rows. */
static int open_store(const serve_args *a, const serve_plan *p, serve_outputs *o) {
    char path[AIF_OUTDIR_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/results.sqlite", o->od.tmp);
    aif_error err = {0};
    aif_status st = aif_results_create(NULL, path, &o->db, &err);
    if (st != AIF_OK) {
        cli_print_error("serve", &err, st);
        return CLI_EXIT_FAILURE;
    }
    const char *base = a->trace ? strrchr(a->trace, '/') : NULL;
    aif_results_run run = {.name = a->trace ? (base ? base + 1 : a->trace) : "serve",
                           .kind = "serve",
                           .seed = (int64_t)a->seed,
                           .wall_s = NAN};
    aif_serve_layout lay;
    if ((st = aif_serve_plan(&p->cfg, &lay, &err)) == AIF_OK && p->cfg.disagg) {
        /* The series cover both pools: sequences per replica over all P + D replicas, the
         * KV occupancy over all their blocks (the mean per replica, rounded down). */
        aif_serve_config dc = p->cfg;
        dc.disagg = NULL;
        dc.hw = &p->dhw;
        dc.tp = p->disagg.decode_tp;
        dc.replicas = p->disagg.decode_replicas;
        aif_serve_layout dl;
        if ((st = aif_serve_plan(&dc, &dl, &err)) == AIF_OK) {
            long n = (long)lay.replicas + dl.replicas;
            lay.kv_blocks_per_replica = (lay.kv_blocks_per_replica * lay.replicas +
                                         dl.kv_blocks_per_replica * dl.replicas) /
                                        n;
            lay.replicas = (int)n;
        }
    }
    if (st == AIF_OK && (st = aif_results_add_run(o->db, &run, &o->run_id)) == AIF_OK &&
        (st = add_params(a, p, o)) == AIF_OK) {
        st = aif_serve_store_open(o->db, o->run_id, &lay, &o->store);
    }
    return st == AIF_OK ? CLI_EXIT_OK : store_error(o, st);
}

static int open_csv(serve_outputs *o) {
    char path[AIF_OUTDIR_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/requests.csv", o->od.tmp);
    aif_error err = {0};
    if (aif_outfile_open(&o->csv, NULL, path, &err) != AIF_OK) {
        cli_print_error("serve", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    o->csv_open = true;
    cli_interrupt_remove_on_signal(o->csv.tmp_path);
    fprintf(o->csv.fp,
            "request,replica,arrival_s,scheduled_s,first_token_s,finish_s,"
            "input_tokens,output_tokens,ttft_s,tpot_s,e2e_s,queue_s,preemptions,cached_tokens\n");
    return CLI_EXIT_OK;
}

static void drop(serve_outputs *o) {
    if (o->csv_open) {
        aif_outfile_abort(&o->csv);
        o->csv_open = false;
    }
    aif_serve_store_close(o->store);
    aif_results_close(o->db);
    o->store = NULL;
    o->db = NULL;
    cli_outdir_abort(&o->od);
}

int serve_outputs_begin(serve_outputs *o, const serve_args *a, serve_plan *p) {
    memset(o, 0, sizeof *o);
    int rc = cli_outdir_begin("serve", &o->od, a->out_dir);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if ((rc = open_csv(o)) != CLI_EXIT_OK || (rc = open_store(a, p, o)) != CLI_EXIT_OK) {
        drop(o);
        return rc;
    }
    o->store_observer = aif_serve_store_observer(o->store);
    o->observer = (aif_serve_observer){o, csv_request, store_iteration};
    p->cfg.observer = &o->observer;
    return CLI_EXIT_OK;
}

const char *serve_outputs_error(const serve_outputs *o) {
    return o->db ? aif_results_error(o->db)->message : "";
}

/* The files after a successful run, in the private folder. */
static int write_files(serve_outputs *o, const aif_serve_result *r) {
    aif_error err = {0};
    o->csv_open = false;
    if (aif_outfile_commit(&o->csv, &err) != AIF_OK) {
        cli_print_error("serve", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    aif_status st = aif_serve_store_finish(o->store, r);
    if (st == AIF_OK) {
        st = aif_results_finish(o->db);
    }
    char path[AIF_OUTDIR_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/summary.json", o->od.tmp);
    if (st == AIF_OK) {
        st = aif_results_write_summary(o->db, path);
    }
    snprintf(path, sizeof path, "%s/report.html", o->od.tmp);
    if (st == AIF_OK) {
        st = aif_report_write(o->db, o->run_id, path, NULL);
    }
    return st == AIF_OK ? CLI_EXIT_OK : store_error(o, st);
}

int serve_outputs_end(serve_outputs *o, int run_rc, const aif_serve_result *r) {
    /* Written with the signals deferred: short, and then nothing temporary is left
     * behind (interrupt.h). */
    sigset_t saved;
    cli_signals_defer(&saved);
    int rc = run_rc == CLI_EXIT_OK ? write_files(o, r) : run_rc;
    if (rc == CLI_EXIT_OK) {
        aif_serve_store_close(o->store);
        aif_results_close(o->db);
        o->store = NULL;
        o->db = NULL;
        rc = cli_outdir_commit("serve", &o->od);
    } else {
        drop(o);
    }
    cli_signals_restore(&saved);
    return rc;
}
