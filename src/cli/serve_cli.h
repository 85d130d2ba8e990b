/* What `aifactory serve` (cmd_serve.c) shares with its capacity report
 * (serve_capacity_out.c) and its output folder (serve_outputs.c): the parsed command line,
 * the resolved deployment and the summary fields every report prints. */
#ifndef AIF_CLI_SERVE_CLI_H
#define AIF_CLI_SERVE_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "aifactory/outfile.h"
#include "aifactory/results.h"
#include "aifactory/serve.h"
#include "aifactory/serve_store.h"
#include "cli_outdir.h"
#include "args.h"

/* How every serve report prints JSON: keys in order, one line, 6 significant digits. */
#define SERVE_JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6))

typedef struct serve_args {
    cli_common common;
    const char *model_id, *system_id, *precision, *trace, *input_len, *output_len, *route;
    const char *slo, *out_dir, *prefix_cache, *decode_system, *preemption, *arrivals, *length_mix,
        *admission, *kv_transfer;
    int64_t gpus, requests, concurrency, budget, max_running;
    int32_t tp, replicas, block, pp, ep;
    int32_t prefill_replicas, decode_replicas, decode_tp; /* disaggregation */
    int32_t find_split; /* --find-split N: search the P:D splits of N replicas */
    double rate, tolerance, kv_link_gbps, swap_space_gib, host_link_gbps;
    bool find_capacity, prefix_bound;
    uint64_t seed;
    cli_list catalogs, model_files;
} serve_args;

/* Everything the run needs, resolved from the command line. */
typedef struct serve_plan {
    const aif_model_spec *m;
    aif_perf_hw hw;
    aif_serve_config cfg;
    aif_serve_lengths in, out;
    double arrival_cv; /* 1: Poisson */
    long *mix;         /* --length-mix: [2 * mix_count] (input, output) pairs, or NULL */
    long mix_count;
    aif_serve_slo slo;
    bool from_catalog;
    long gpus; /* of the whole deployment (both pools when disaggregated) */
    /* --prefill-replicas/--decode-replicas: cfg.disagg points at `disagg`. */
    aif_perf_hw dhw;
    aif_serve_disagg disagg;
} serve_plan;

/* The JSON object's deployment fields (model .. route), NULL when out of memory. */
json_t *serve_json_header(const serve_args *a, const serve_plan *p);

/* Add a run's summary fields (kv_tokens_per_replica .. peak_in_flight) to `o`. */
void serve_json_result(json_t *o, const aif_serve_result *r);

/* The text report's first lines: the deployment. */
void serve_print_header(const serve_args *a, const serve_plan *p, const aif_serve_layout *lay);

/* The text report's latency and throughput lines of one run. */
void serve_print_result(const aif_serve_result *r);

/* The capacity search the command line asks for, on p->cfg as it stands. */
aif_serve_capacity_query serve_capacity_query(const serve_args *a, const serve_plan *p);

/* --find-capacity --find-split N: every prefill:decode split of N replicas and N colocated
 * ones, searched at the SLO and ranked by goodput per GPU (serve_split.c). Exit 2 when
 * none meets the SLO. */
int serve_find_split(const serve_args *a, serve_plan *p);

/* -o DIR: the output folder of one run. */
typedef struct serve_outputs {
    aif_outdir od;
    aif_outfile csv; /* requests.csv */
    bool csv_open;
    aif_results *db;
    int64_t run_id;
    aif_serve_store *store;
    aif_serve_observer store_observer; /* the store's */
    aif_serve_observer observer;       /* the CSV's, then the store's */
} serve_outputs;

/* Lock DIR, open its private folder, requests.csv and results.sqlite, and set the
 * config's observer to fill them. Returns an exit code, the reason printed; on failure
 * nothing is held. */
int serve_outputs_begin(serve_outputs *o, const serve_args *a, serve_plan *p);

/* The store's last failure ("" if none), for a run that stopped while writing a row. */
const char *serve_outputs_error(const serve_outputs *o);

/* After the run: with run_rc 0, finish the files (summary.json and report.html too) and
 * publish the folder; otherwise drop everything. Returns the exit code. */
int serve_outputs_end(serve_outputs *o, int run_rc, const aif_serve_result *r);

/* --find-capacity: the search's answer as text or (--json) one object. Returns an exit
 * code. */
int serve_print_capacity(const serve_args *a, const serve_plan *p, const aif_serve_capacity *c);

#endif
