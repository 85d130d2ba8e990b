/* `aifactory serve`: latency and throughput of one serving deployment under a request load,
 * from the request-level serving simulator (include/aifactory/serve.h). The load is a
 * trace (--trace FILE, serve_trace.h), Poisson arrivals (--rate) or a closed loop
 * (--concurrency) with lengths fixed or drawn (--input-len/--output-len). Models and
 * systems resolve as in `perf`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/models_file.h"
#include "aifactory/perf.h"
#include "aifactory/serve.h"
#include "aifactory/serve_trace.h"
#include "args.h"
#include "cli.h"
#include "cli_catalog.h"
#include "cli_models.h"
#include "json_out.h"
#include "serve_cli.h"

#define DEFAULT_REQUESTS 1000

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "model",
     .value_name = "ID",
     .help = "model id (list them: aifactory models list)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, model_id)},
    {.name = "system",
     .value_name = "ID",
     .help = "system id (list them: aifactory catalog list)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, system_id)},
    {.name = "gpus",
     .value_name = "N",
     .help = "GPUs of the deployment (replicas x TP x PP; with --ep, replicas x EP x PP)",
     .set = cli_set_int,
     .range = CLI_RANGE(1, false, 1048576, false),
     .offset = offsetof(serve_args, gpus)},
    {.name = "tp",
     .value_name = "K",
     .help = "GPUs per replica, tensor parallel (default: the TP perf picks)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 64, false),
     .offset = offsetof(serve_args, tp)},
    {.name = "pp",
     .value_name = "K",
     .help = "pipeline stages per replica, dividing the model's layers (default 1)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 1024, false),
     .offset = offsetof(serve_args, pp)},
    {.name = "ep",
     .value_name = "K",
     .help = "MoE: GPUs per stage the experts spread over, a multiple of TP (default 1: none)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 4096, false),
     .offset = offsetof(serve_args, ep)},
    {.name = "replicas",
     .value_name = "R",
     .help = "replicas (default: GPUs / GPUs per replica)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 1048576, false),
     .offset = offsetof(serve_args, replicas)},
    {.name = "precision",
     .value_name = "P",
     .help = "bf16, fp8 or fp4 (default: common practice for the system)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, precision)},
    {.name = "trace",
     .value_name = "FILE",
     .help = "requests from arrival_s,input_tokens,output_tokens[,prefix] CSV, Azure 2023 CSV or "
             "Mooncake JSONL (.zst too)",
     .set = cli_set_path,
     .offset = offsetof(serve_args, trace)},
    {.name = "rate",
     .value_name = "REQ_PER_S",
     .help = "Poisson arrivals at this rate",
     .set = cli_set_number,
     .range = CLI_RANGE(0, true, 1e9, false),
     .expects = "a positive number of requests per second",
     .offset = offsetof(serve_args, rate)},
    {.name = "concurrency",
     .value_name = "C",
     .help = "closed loop: C requests in flight, each replaced when it finishes",
     .set = cli_set_int,
     .range = CLI_RANGE(1, false, 1e7, false),
     .offset = offsetof(serve_args, concurrency)},
    {.name = "requests",
     .value_name = "N",
     .help = "requests to simulate (default 1000; a trace: all its rows)",
     .set = cli_set_int,
     .range = CLI_RANGE(1, false, 1e12, false),
     .offset = offsetof(serve_args, requests)},
    {.name = "input-len",
     .value_name = "L",
     .help = "prompt tokens: N, uniform:LO:HI, exp:MEAN[:MAX], lognormal:MEDIAN:SIGMA[:MAX]",
     .set = cli_set_text,
     .offset = offsetof(serve_args, input_len)},
    {.name = "output-len",
     .value_name = "L",
     .help = "generated tokens, as --input-len (default 200; input default 1000)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, output_len)},
    {.name = "arrivals",
     .value_name = "PROCESS",
     .help = "--rate: poisson (default) or gamma:CV, gaps with that coefficient of variation",
     .set = cli_set_text,
     .offset = offsetof(serve_args, arrivals)},
    {.name = "length-mix",
     .value_name = "FILE",
     .help = "draw (input, output) lengths jointly from a trace file's rows (any --trace "
             "layout)",
     .set = cli_set_path,
     .offset = offsetof(serve_args, length_mix)},
    {.name = "seed",
     .value_name = "N",
     .help = "random seed of arrivals and lengths (default 1)",
     .set = cli_set_u64,
     .offset = offsetof(serve_args, seed)},
    {.name = "route",
     .value_name = "POLICY",
     .help = "round-robin (default), least-tokens or prefix-affinity",
     .set = cli_set_text,
     .offset = offsetof(serve_args, route)},
    {.name = "prefix-cache",
     .value_name = "on|off",
     .help = "keep shared prompt blocks cached (LRU) and skip their prefill (default on)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, prefix_cache)},
    {.name = "prefix-bound",
     .help = "--trace: also report the hit rate of an infinite prefix cache (reads it twice)",
     .set = cli_set_flag,
     .offset = offsetof(serve_args, prefix_bound)},
    {.name = "preemption",
     .value_name = "MODE",
     .help = "when KV runs out: recompute (default) or swap to host memory",
     .set = cli_set_text,
     .offset = offsetof(serve_args, preemption)},
    {.name = "admission",
     .value_name = "POLICY",
     .help = "when a waiting request starts: greedy (default; vLLM) or reserve (KV for its "
             "whole prompt and output held from the start, never preempted; TensorRT-LLM)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, admission)},
    {.name = "swap-space",
     .value_name = "GIB",
     .help = "--preemption swap: host swap space per GPU in GiB (default 4)",
     .set = cli_set_number,
     .range = CLI_RANGE(0, true, 1e6, false),
     .expects = "a positive number of GiB",
     .offset = offsetof(serve_args, swap_space_gib)},
    {.name = "host-link",
     .value_name = "GB_PER_S",
     .help = "--preemption swap: GPU-host bandwidth per GPU and direction (default: the "
             "system's)",
     .set = cli_set_number,
     .range = CLI_RANGE(0, true, 1e6, false),
     .expects = "a positive number of GB/s",
     .offset = offsetof(serve_args, host_link_gbps)},
    {.name = "block-size",
     .value_name = "TOKENS",
     .help = "tokens per KV-cache block (default 16)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 4096, false),
     .offset = offsetof(serve_args, block)},
    {.name = "token-budget",
     .value_name = "TOKENS",
     .help = "tokens per iteration, decode and prefill chunks (default 8192)",
     .set = cli_set_int,
     .range = CLI_RANGE(1, false, 1048576, false),
     .offset = offsetof(serve_args, budget)},
    {.name = "max-running",
     .value_name = "N",
     .help = "sequences per replica at once (default 2048)",
     .set = cli_set_int,
     .range = CLI_RANGE(1, false, 65535, false),
     .offset = offsetof(serve_args, max_running)},
    {.name = "prefill-replicas",
     .value_name = "P",
     .help = "disaggregate: P prefill replicas of --tp GPUs of --system (with --decode-replicas)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 1048576, false),
     .offset = offsetof(serve_args, prefill_replicas)},
    {.name = "decode-replicas",
     .value_name = "D",
     .help = "disaggregate: D decode replicas; each prompt's KV moves to one after its prefill",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 1048576, false),
     .offset = offsetof(serve_args, decode_replicas)},
    {.name = "decode-tp",
     .value_name = "K",
     .help = "GPUs per decode replica (default: --tp)",
     .set = cli_set_int32,
     .range = CLI_RANGE(1, false, 64, false),
     .offset = offsetof(serve_args, decode_tp)},
    {.name = "kv-transfer",
     .value_name = "WHEN",
     .help = "disaggregated: a prompt's KV moves after its prefill (default) or layerwise, "
             "during the prefill's last iteration while the link is idle (Splitwise)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, kv_transfer)},
    {.name = "find-split",
     .value_name = "N",
     .help = "with --find-capacity and --tp: search every prefill:decode split of N replicas "
             "(and N colocated) for the most goodput per GPU",
     .set = cli_set_int32,
     .range = CLI_RANGE(2, false, 64, false),
     .expects = "a number of replicas from 2 to 64",
     .offset = offsetof(serve_args, find_split)},
    {.name = "decode-system",
     .value_name = "ID",
     .help = "system of the decode replicas (default: --system)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, decode_system)},
    {.name = "kv-link-gbps",
     .value_name = "GB_PER_S",
     .help = "KV transfer bandwidth, GB/s per transfer (default: the systems' NICs or NVLink)",
     .set = cli_set_number,
     .range = CLI_RANGE(0, true, 1e9, false),
     .expects = "a positive number of GB/s",
     .offset = offsetof(serve_args, kv_link_gbps)},
    {.name = "find-capacity",
     .help = "search the highest Poisson rate meeting --slo and report the goodput",
     .set = cli_set_flag,
     .offset = offsetof(serve_args, find_capacity)},
    {.name = "slo",
     .value_name = "BOUNDS",
     .help = "latency bounds, e.g. ttft_p99=2s,tpot_p99=200ms (ttft/tpot/e2e, p50/p90/p99)",
     .set = cli_set_text,
     .offset = offsetof(serve_args, slo)},
    {.name = "tolerance",
     .value_name = "FRAC",
     .help = "--find-capacity: stop when the failing rate is this fraction above (0.01)",
     .set = cli_set_number,
     .range = CLI_RANGE(1e-4, false, 1, false),
     .offset = offsetof(serve_args, tolerance)},
    {.name = "out",
     .alias = "output",
     .short_name = 'o',
     .value_name = "DIR",
     .help = "write requests.csv, results.sqlite, summary.json, report.html into DIR",
     .set = cli_set_path,
     .offset = offsetof(serve_args, out_dir)},
    {.name = "catalog",
     .value_name = "FILE",
     .help = "merge a hardware catalog file (repeatable)",
     .set = cli_set_list,
     .offset = offsetof(serve_args, catalogs)},
    {.name = "models",
     .value_name = "FILE",
     .help = "merge a models YAML file (repeatable; schema of data/models.yaml)",
     .set = cli_set_list,
     .offset = offsetof(serve_args, model_files)},
};

static const cli_verb_spec spec = {
    .name = "serve",
    .usage = "--model ID --system ID --gpus N (--rate R | --concurrency C | --trace FILE | "
             "--find-capacity --slo BOUNDS) [options]",
    .description =
        "Serving simulator: one deployment (replicas x TP x PP GPUs; with --ep, x EP for\n"
        "the MoE experts) serving requests iteration by iteration (continuous batching,\n"
        "chunked prefill, paged KV cache, preemption by recompute or swap to host memory),\n"
        "each iteration priced by the performance model. Loads: Poisson or gamma arrivals,\n"
        "a closed loop or a trace. Reports TTFT, TPOT, end-to-end and queueing latency\n"
        "(mean, p50, p90, p99) and throughput; --find-capacity searches the highest arrival\n"
        "rate meeting a latency SLO and reports the goodput.\n"
        "--prefill-replicas P --decode-replicas D disaggregates (DistServe, Splitwise):\n"
        "prompts prefill on one pool, their KV cache crosses the link to the other, which\n"
        "decodes; --gpus is then optional (P x --tp + D x --decode-tp). docs/serve.md.\n",
    .examples = "aifactory serve --model llama2-70b --system hgx-h100 --gpus 8 --rate 5 "
                "--requests 500\n"
                "aifactory serve --model llama3.1-8b --system h100 --gpus 8 --tp 1 --concurrency "
                "64 --input-len uniform:200:2000 --output-len exp:300:2000 --json\n"
                "aifactory serve --model llama2-70b --system hgx-h100 --gpus 8 --tp 8 "
                "--find-capacity --slo ttft_p99=2s,tpot_p99=200ms --requests 3000\n"
                "aifactory serve --model llama2-70b --system hgx-h100 --gpus 8 --rate 20 "
                "--requests 2000 -o serve-out\n"
                "aifactory serve --model llama2-70b --system hgx-h100 --tp 8 --prefill-replicas 1 "
                "--decode-replicas 2 --rate 8 --requests 300\n"
                "aifactory serve --model llama3.1-70b --system hgx-h100 --gpus 2 --tp 2 --rate 2 "
                "--arrivals gamma:2 --requests 100 --input-len uniform:8000:16000 --output-len "
                "uniform:500:1500 --preemption swap\n"
                "aifactory serve --model llama3.1-8b --system h100 --gpus 16 --tp 1 --route "
                "least-tokens --rate 40 --requests 2000 --length-mix "
                "tests/data/mooncake_conversation_1000.jsonl.zst\n"
                "aifactory serve --model mixtral-8x7b --system hgx-h100 --gpus 8 --tp 2 --pp 2 "
                "--ep 2 --rate 4 --requests 50\n",
    .options = options,
    .option_count = CLI_COUNT(options),
};

/* The disaggregation flags: both pool sizes or neither; the rest need them. */
static int check_split(const serve_args *a) {
    if (!a->find_capacity || !a->tp) {
        return cli_usage_error(&spec, "--find-split needs --find-capacity (with --slo) and "
                                      "--tp K, the GPUs of each replica");
    }
    if (a->prefill_replicas || a->decode_replicas || a->replicas || a->gpus) {
        return cli_usage_error(&spec, "--find-split N sets the replicas of each split; leave "
                                      "out --prefill-replicas, --decode-replicas, --replicas and "
                                      "--gpus");
    }
    if (a->pp > 1 || a->ep > 1 || (a->admission && strcmp(a->admission, "greedy") != 0) ||
        (a->preemption && strcmp(a->preemption, "swap") == 0)) {
        return cli_usage_error(&spec, "--find-split searches disaggregated pools, which take "
                                      "neither --pp, --ep, --admission reserve nor "
                                      "--preemption swap");
    }
    return CLI_EXIT_OK;
}

static int check_disagg(const serve_args *a) {
    if (a->find_split) {
        return check_split(a);
    }
    bool on = a->prefill_replicas > 0 || a->decode_replicas > 0;
    if (on && (a->prefill_replicas == 0 || a->decode_replicas == 0)) {
        return cli_usage_error(&spec,
                               "%s needs %s too, e.g. --prefill-replicas 1 "
                               "--decode-replicas 2",
                               a->prefill_replicas ? "--prefill-replicas" : "--decode-replicas",
                               a->prefill_replicas ? "--decode-replicas" : "--prefill-replicas");
    }
    if (!on && (a->decode_tp || a->decode_system || a->kv_link_gbps > 0 || a->kv_transfer)) {
        return cli_usage_error(&spec, "--decode-tp, --decode-system, --kv-link-gbps and "
                                      "--kv-transfer apply to a disaggregated deployment "
                                      "(--prefill-replicas P --decode-replicas D)");
    }
    if (on && a->replicas) {
        return cli_usage_error(&spec,
                               "--replicas %d is for a colocated deployment; with "
                               "--prefill-replicas and --decode-replicas leave it out",
                               a->replicas);
    }
    if (on && (a->pp > 1 || a->ep > 1)) {
        /* The pools, the KV link and the per-GPU figures count TP GPUs per replica. */
        return cli_usage_error(&spec, "--pp and --ep apply to colocated replicas; with "
                                      "--prefill-replicas/--decode-replicas leave them out");
    }
    if (on && !a->tp) {
        return cli_usage_error(&spec, "--prefill-replicas needs --tp K, the GPUs of each "
                                      "prefill replica (e.g. --tp 8)");
    }
    return CLI_EXIT_OK;
}

static int check_request(const serve_args *a) {
    int rc = check_disagg(a);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    bool split = a->prefill_replicas > 0 || a->find_split > 0;
    if (!a->model_id || !a->system_id || (!a->gpus && !split)) {
        return cli_usage_error(&spec, "--model, --system and --gpus are required");
    }
    int loads = (a->trace != NULL) + (a->rate > 0) + (a->concurrency > 0) + a->find_capacity;
    if (loads != 1) {
        return cli_usage_error(&spec,
                               "give exactly one of --trace, --rate, --concurrency and "
                               "--find-capacity, found %d",
                               loads);
    }
    if (a->find_capacity != (a->slo != NULL)) {
        return cli_usage_error(&spec, a->find_capacity ? "--find-capacity needs --slo, e.g. --slo "
                                                         "ttft_p99=2s,tpot_p99=200ms"
                                                       : "--slo applies to --find-capacity");
    }
    if (a->tolerance > 0 && !a->find_capacity) {
        return cli_usage_error(&spec, "--tolerance applies to --find-capacity");
    }
    if (a->find_capacity && a->out_dir) {
        return cli_usage_error(&spec, "-o applies to one run (--rate, --concurrency or "
                                      "--trace), not to --find-capacity");
    }
    if (a->arrivals && a->rate <= 0 && !a->find_capacity) {
        return cli_usage_error(&spec, "--arrivals applies to --rate and --find-capacity");
    }
    if (a->length_mix && (a->trace || a->input_len || a->output_len)) {
        return cli_usage_error(&spec, "--length-mix replaces --input-len and --output-len and "
                                      "applies to synthetic loads, not --trace");
    }
    if ((a->swap_space_gib > 0 || a->host_link_gbps > 0) &&
        (a->preemption == NULL || strcmp(a->preemption, "swap") != 0)) {
        return cli_usage_error(&spec, "--swap-space and --host-link apply to --preemption swap");
    }
    if (a->prefix_bound && !a->trace) {
        return cli_usage_error(&spec, "--prefix-bound applies to --trace");
    }
    if (a->trace && (a->input_len || a->output_len)) {
        return cli_usage_error(&spec, "--input-len and --output-len apply to --rate and "
                                      "--concurrency; a trace holds its own lengths");
    }
    return CLI_EXIT_OK;
}

static int parse_lengths(const char *flag, const char *text, const char *fallback,
                         aif_serve_lengths *out) {
    aif_error err = {0};
    if (aif_serve_lengths_parse(text ? text : fallback, out, &err) != AIF_OK) {
        return cli_usage_error(&spec, "%s: %s", flag, err.message);
    }
    return CLI_EXIT_OK;
}

static int colocated_layout(const serve_args *a, serve_plan *p);

/* The replicas and TP: the pools' as given (disaggregated), or colocated_layout; then
 * checked by the library. */
static int layout(const serve_args *a, serve_plan *p) {
    if (a->find_split) {
        /* Checked as N colocated replicas here; each split is planned by its search. */
        p->cfg.tp = a->tp;
        p->cfg.replicas = a->find_split;
        p->cfg.disagg = NULL;
        p->gpus = (long)a->tp * a->find_split;
    } else if (a->prefill_replicas > 0) {
        p->cfg.tp = a->tp;
        p->cfg.replicas = a->prefill_replicas;
        long total = (long)a->tp * a->prefill_replicas +
                     (long)(a->decode_tp ? a->decode_tp : a->tp) * a->decode_replicas;
        if (a->gpus && a->gpus != total) {
            return cli_usage_error(&spec,
                                   "--gpus %lld does not match the pools: %d prefill x TP %d + "
                                   "%d decode x TP %d = %ld GPUs; give --gpus %ld or leave it out",
                                   (long long)a->gpus, a->prefill_replicas, a->tp,
                                   a->decode_replicas, a->decode_tp ? a->decode_tp : a->tp, total,
                                   total);
        }
        p->gpus = total;
    } else {
        p->gpus = (long)a->gpus;
        int rc = colocated_layout(a, p);
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
    }
    aif_serve_layout lay;
    aif_error err = {0};
    if (aif_serve_plan(&p->cfg, &lay, &err) != AIF_OK) {
        fprintf(stderr, "aifactory serve: %s\n", err.message);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* TP and replicas from --gpus and whichever of --tp and --replicas was given; neither: the
 * TP the performance model picks for offline serving with --pp stages (default one). With
 * --ep and no --tp, TP is 1: attention data parallel over the EP GPUs, as DeepSeek-V3's
 * deployment runs it. A replica is TP x PP GPUs, or EP x PP with --ep. */
static int colocated_layout(const serve_args *a, serve_plan *p) {
    long gpus = (long)a->gpus;
    int tp = a->tp, pp = a->pp > 0 ? a->pp : 1, ep = a->ep > 0 ? a->ep : 1;
    if (tp == 0 && ep > 1) {
        tp = 1;
    }
    if (pp > 1 || ep > 1) {
        /* A PP or EP the model refuses is named before any layout is searched. */
        aif_serve_config probe = p->cfg;
        aif_serve_layout lay;
        aif_error perr = {0};
        probe.tp = tp ? tp : 1;
        probe.pp = pp;
        probe.ep = ep;
        probe.replicas = 1;
        if (aif_serve_plan(&probe, &lay, &perr) != AIF_OK && perr.status == AIF_EINVAL) {
            fprintf(stderr, "aifactory serve: %s\n", perr.message);
            return CLI_EXIT_USAGE;
        }
    }
    if (tp == 0 && a->replicas > 0) {
        if (gpus % a->replicas != 0) {
            return cli_usage_error(&spec, "--replicas %d does not divide --gpus %ld", a->replicas,
                                   gpus);
        }
        if (gpus / a->replicas % pp != 0) {
            return cli_usage_error(&spec,
                                   "--pp %d does not divide the %ld GPUs of each of --replicas "
                                   "%d",
                                   pp, gpus / a->replicas, a->replicas);
        }
        tp = (int)(gpus / a->replicas / pp);
    }
    if (tp == 0) {
        double din = a->trace ? aif_perf_calib_default()->mlperf_input_tokens
                              : aif_serve_lengths_mean(&p->in);
        double dout = a->trace ? 294.0 : aif_serve_lengths_mean(&p->out);
        aif_perf_infer_query q = {
            p->m, &p->hw, gpus, p->cfg.precision, din, dout, AIF_WORKLOAD_OFFLINE, 0, pp, NULL};
        aif_perf_infer_result r;
        if (aif_perf_infer(aif_perf_calib_default(), &q, &r) != AIF_OK) {
            fprintf(stderr, "aifactory serve: %s\n", r.message);
            return CLI_EXIT_USAGE;
        }
        tp = r.tp;
    }
    p->cfg.tp = tp;
    p->cfg.pp = pp;
    p->cfg.ep = ep;
    if (pp == 1 && ep == 1) {
        if (gpus % tp != 0) {
            return cli_usage_error(&spec, "--tp %d does not divide --gpus %ld", tp, gpus);
        }
        if (a->replicas > 0 && (long)a->replicas * tp != gpus) {
            return cli_usage_error(&spec, "--replicas %d x --tp %d is %ld GPUs, not --gpus %ld",
                                   a->replicas, tp, (long)a->replicas * tp, gpus);
        }
    } else {
        aif_perf_parallel par = {tp, pp, ep};
        long per = aif_perf_parallel_gpus(&par);
        if (gpus % per != 0) {
            return cli_usage_error(&spec,
                                   "a replica of TP %d x PP %d%s is %ld GPUs, which does not "
                                   "divide --gpus %ld; use --gpus a multiple of %ld",
                                   tp, pp, ep > 1 ? " with EP over the stage" : "", per, gpus, per);
        }
        if (a->replicas > 0 && (long)a->replicas * per != gpus) {
            return cli_usage_error(&spec,
                                   "--replicas %d x %ld GPUs per replica is %ld GPUs, not --gpus "
                                   "%ld",
                                   a->replicas, per, (long)a->replicas * per, gpus);
        }
    }
    aif_perf_parallel all = {tp, pp, ep};
    p->cfg.replicas = (int)(gpus / aif_perf_parallel_gpus(&all));
    return CLI_EXIT_OK;
}

static json_t *stat_json(const aif_serve_stat *s) {
    return json_pack("{s:o,s:o,s:o,s:o}", "mean", cli_json_g(s->mean, 6), "p50",
                     cli_json_g(s->p50, 6), "p90", cli_json_g(s->p90, 6), "p99",
                     cli_json_g(s->p99, 6));
}

json_t *serve_json_header(const serve_args *a, const serve_plan *p) {
    (void)a;
    json_t *o = json_pack("{s:s,s:s,s:I,s:i}", "model", p->m->id, "system", p->hw.id, "gpus",
                          (json_int_t)p->gpus, "tp", p->cfg.tp);
    /* pp and ep appear only when used, so runs without them print what they always did. */
    if (o && p->cfg.pp > 1) {
        json_object_set_new(o, "pp", json_integer(p->cfg.pp));
    }
    if (o && p->cfg.ep > 1) {
        json_object_set_new(o, "ep", json_integer(p->cfg.ep));
    }
    if (o &&
        (json_object_set_new(o, "replicas", json_integer(p->cfg.replicas)) != 0 ||
         json_object_set_new(o, "precision", json_string(aif_precision_name(p->cfg.precision))) !=
             0 ||
         json_object_set_new(o, "route", json_string(aif_serve_route_name(p->cfg.route))) != 0)) {
        json_decref(o);
        return NULL;
    }
    if (o && p->cfg.admission != AIF_SERVE_ADMIT_GREEDY) {
        /* Only when not the default, as for pp and ep. */
        json_object_set_new(o, "admission",
                            json_string(aif_serve_admission_name(p->cfg.admission)));
    }
    if (o && p->cfg.disagg) {
        /* Disaggregated: tp and replicas above are the prefill pool's. */
        aif_serve_link kind;
        double bw = aif_serve_kv_link(&p->cfg, &kind);
        json_object_set_new(o, "decode_system", json_string(p->dhw.id));
        json_object_set_new(o, "decode_tp", json_integer(p->disagg.decode_tp));
        json_object_set_new(o, "decode_replicas", json_integer(p->disagg.decode_replicas));
        json_object_set_new(o, "kv_link", json_string(aif_serve_link_name(kind)));
        json_object_set_new(o, "kv_link_bytes_per_s", cli_json_g(bw, 6));
        if (p->disagg.layerwise) {
            /* Only when not the default, so earlier outputs are unchanged. */
            json_object_set_new(o, "kv_transfer", json_string("layerwise"));
        }
    }
    return o;
}

static json_t *pool_json(const aif_serve_pool *q, const aif_serve_layout *lay) {
    json_t *o = json_object();
    if (o == NULL) {
        return NULL;
    }
    json_object_set_new(o, "replicas", json_integer(q->replicas));
    json_object_set_new(o, "tp", json_integer(q->tp));
    json_object_set_new(o, "kv_tokens_per_replica", json_integer(lay->kv_tokens_per_replica));
    json_object_set_new(o, "iterations", json_integer(q->iterations));
    json_object_set_new(o, "mean_batch", cli_json_g(q->mean_batch, 6));
    json_object_set_new(o, "mean_batch_tokens", cli_json_g(q->mean_batch_tokens, 6));
    json_object_set_new(o, "utilization", cli_json_fixed(q->utilization, 4));
    json_object_set_new(o, "mean_kv_occupancy", cli_json_fixed(q->mean_kv_occupancy, 4));
    json_object_set_new(o, "peak_kv_occupancy", cli_json_fixed(q->peak_kv_occupancy, 4));
    json_object_set_new(o, "preemptions", json_integer(q->preemptions));
    return o;
}

void serve_json_result(json_t *o, const aif_serve_result *r) {
    json_object_set_new(o, "kv_tokens_per_replica", json_integer(r->layout.kv_tokens_per_replica));
    json_object_set_new(o, "requests_completed", json_integer(r->requests_completed));
    json_object_set_new(o, "duration_s", cli_json_g(r->duration_s, 6));
    json_object_set_new(o, "ttft_s", stat_json(&r->ttft_s));
    json_object_set_new(o, "tpot_s", stat_json(&r->tpot_s));
    json_object_set_new(o, "e2e_s", stat_json(&r->e2e_s));
    json_object_set_new(o, "queue_s", stat_json(&r->queue_s));
    json_object_set_new(o, "input_tokens_per_s", cli_json_g(r->input_tokens_per_s, 6));
    json_object_set_new(o, "output_tokens_per_s", cli_json_g(r->output_tokens_per_s, 6));
    json_object_set_new(o, "output_tokens_per_s_per_gpu",
                        cli_json_g(r->output_tokens_per_s_per_gpu, 6));
    json_object_set_new(o, "preemptions", json_integer(r->preemptions));
    json_object_set_new(o, "prefix_hit_rate", cli_json_g(r->prefix_hit_rate, 6));
    json_object_set_new(o, "iterations", json_integer(r->iterations));
    json_object_set_new(o, "mean_batch", cli_json_g(r->mean_batch, 6));
    json_object_set_new(o, "mean_batch_tokens", cli_json_g(r->mean_batch_tokens, 6));
    json_object_set_new(o, "mean_kv_occupancy", cli_json_fixed(r->mean_kv_occupancy, 4));
    json_object_set_new(o, "peak_kv_occupancy", cli_json_fixed(r->peak_kv_occupancy, 4));
    json_object_set_new(o, "peak_in_flight", json_integer(r->peak_in_flight));
    if (r->disaggregated) {
        json_object_set_new(o, "kv_transfers", json_integer(r->kv_transfers));
        json_object_set_new(o, "kv_transfer_bytes", cli_json_g(r->kv_transfer_bytes, 6));
        json_object_set_new(o, "kv_transfer_s", stat_json(&r->kv_transfer_s));
        json_object_set_new(o, "prefill_pool", pool_json(&r->prefill_pool, &r->layout));
        json_object_set_new(o, "decode_pool", pool_json(&r->decode_pool, &r->decode_layout));
    }
    if (r->layout.host_link_bytes_per_s > 0) {
        /* Only with --preemption swap, so other runs print what they always did. */
        json_object_set_new(o, "preemption", json_string("swap"));
        json_object_set_new(
            o, "swap_tokens_per_replica",
            json_integer(r->layout.swap_blocks_per_replica * r->layout.kv_block_tokens));
        json_object_set_new(o, "host_link_bytes_per_s",
                            cli_json_g(r->layout.host_link_bytes_per_s, 6));
        json_object_set_new(o, "swaps_out", json_integer(r->swap_outs));
        json_object_set_new(o, "swaps_in", json_integer(r->swap_ins));
        json_object_set_new(o, "swap_bytes", cli_json_g(r->swap_bytes, 6));
        json_object_set_new(o, "swap_s", cli_json_g(r->swap_s, 6));
        json_object_set_new(o, "peak_swap_occupancy", cli_json_fixed(r->peak_swap_occupancy, 4));
    }
}

static int print_json(const serve_args *a, const serve_plan *p, const aif_serve_result *r,
                      double bound) {
    json_t *o = serve_json_header(a, p);
    if (o == NULL) {
        return cli_json_print("serve", NULL, 0);
    }
    serve_json_result(o, r);
    if (a->prefix_bound) {
        json_object_set_new(o, "prefix_hit_rate_bound", cli_json_g(bound, 6));
    }
    return cli_json_print("serve", o, SERVE_JSON_FLAGS);
}

static void print_stat(const char *name, const aif_serve_stat *s, double scale, const char *unit) {
    printf("  %-17s mean %.4g  p50 %.4g  p90 %.4g  p99 %.4g %s\n", name, s->mean * scale,
           s->p50 * scale, s->p90 * scale, s->p99 * scale, unit);
}

/* The two pools and the link of a disaggregated deployment. */
static void print_pools_header(const serve_plan *p, const aif_serve_layout *lay) {
    aif_serve_config dc = p->cfg;
    dc.disagg = NULL;
    dc.hw = &p->dhw;
    dc.tp = p->disagg.decode_tp;
    dc.replicas = p->disagg.decode_replicas;
    aif_serve_layout dl = {0};
    (void)aif_serve_plan(&dc, &dl, NULL); /* checked with the whole config */
    printf("  prefill pool      %d replica%s x TP %d of %s, KV cache %ld tokens per replica, "
           "%s routing\n",
           p->cfg.replicas, p->cfg.replicas == 1 ? "" : "s", p->cfg.tp, p->hw.id,
           lay->kv_tokens_per_replica, aif_serve_route_name(p->cfg.route));
    printf("  decode pool       %d replica%s x TP %d of %s, KV cache %ld tokens per replica, "
           "least-tokens routing (%d-token blocks)\n",
           dc.replicas, dc.replicas == 1 ? "" : "s", dc.tp, p->dhw.id, dl.kv_tokens_per_replica,
           lay->kv_block_tokens);
    aif_serve_link kind;
    double bw = aif_serve_kv_link(&p->cfg, &kind);
    printf("  KV link           %s, %.4g GB/s per transfer, one at a time out of each prefill "
           "and into each decode replica%s\n",
           aif_serve_link_name(kind), bw / 1e9,
           p->disagg.layerwise ? ", layer by layer during the last prefill iteration" : "");
}

void serve_print_header(const serve_args *a, const serve_plan *p, const aif_serve_layout *lay) {
    printf("%s on %lld%s%s, %s%s\n", p->m->id, (long long)p->gpus,
           p->from_catalog ? " GPUs of " : " x ", p->hw.id, aif_precision_name(p->cfg.precision),
           a->precision ? "" : " (default for this system)");
    if (p->cfg.disagg) {
        print_pools_header(p, lay);
        return;
    }
    char par[64] = "";
    if (lay->ep > 1) {
        snprintf(par, sizeof par, " x PP %d, experts over EP %d (%ld GPUs each)", lay->pp, lay->ep,
                 lay->gpus_per_replica);
    } else if (lay->pp > 1) {
        snprintf(par, sizeof par, " x PP %d", lay->pp);
    }
    printf("  deployment        %d replica%s x TP %d%s, KV cache %ld tokens per replica "
           "(%d-token blocks), %s routing%s\n",
           p->cfg.replicas, p->cfg.replicas == 1 ? "" : "s", p->cfg.tp, par,
           lay->kv_tokens_per_replica, lay->kv_block_tokens, aif_serve_route_name(p->cfg.route),
           p->cfg.admission == AIF_SERVE_ADMIT_RESERVE ? ", reserving admission" : "");
}

static void print_text(const serve_args *a, const serve_plan *p, const aif_serve_result *r,
                       double bound) {
    serve_print_header(a, p, &r->layout);
    if (a->trace) {
        printf("  load              trace %s\n", a->trace);
    } else if (a->rate > 0 && (a->arrivals || a->length_mix)) {
        char process[64];
        if (p->arrival_cv == 1) {
            snprintf(process, sizeof process, "Poisson");
        } else {
            snprintf(process, sizeof process, "gamma (CV %.4g)", p->arrival_cv);
        }
        if (a->length_mix) {
            printf("  load              %s %.4g req/s, lengths from %s (%ld pairs), seed %llu\n",
                   process, a->rate, a->length_mix, p->mix_count, (unsigned long long)a->seed);
        } else {
            printf("  load              %s %.4g req/s, input %s, output %s tokens, seed %llu\n",
                   process, a->rate, a->input_len ? a->input_len : "1000",
                   a->output_len ? a->output_len : "200", (unsigned long long)a->seed);
        }
    } else if (a->rate > 0) {
        printf("  load              Poisson %.4g req/s, input %s, output %s tokens, seed %llu\n",
               a->rate, a->input_len ? a->input_len : "1000", a->output_len ? a->output_len : "200",
               (unsigned long long)a->seed);
    } else if (a->length_mix) {
        printf("  load              closed loop of %lld, lengths from %s (%ld pairs), seed %llu\n",
               (long long)a->concurrency, a->length_mix, p->mix_count, (unsigned long long)a->seed);
    } else {
        printf("  load              closed loop of %lld, input %s, output %s tokens, seed %llu\n",
               (long long)a->concurrency, a->input_len ? a->input_len : "1000",
               a->output_len ? a->output_len : "200", (unsigned long long)a->seed);
    }
    serve_print_result(r);
    if (a->prefix_bound) {
        printf("  prefix bound      %.1f%% of prompt tokens with an infinite cache\n", 100 * bound);
    }
}

/* --prefix-bound: the trace read again into a cache that never evicts. */
static int prefix_bound(const serve_args *a, const serve_plan *p, long limit, int block,
                        double *bound) {
    aif_serve_source src;
    aif_serve_trace *trace = NULL;
    aif_error err = {0};
    aif_status st = aif_serve_trace_open(NULL, a->trace, &trace, &src, &err);
    if (st == AIF_OK) {
        st = aif_serve_prefix_bound(NULL, &src, block, limit, bound, &err);
    }
    aif_serve_trace_close(trace);
    (void)p;
    if (st != AIF_OK) {
        char buf[AIF_ERROR_MESSAGE_MAX + 256];
        aif_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s%s\n", err.file ? "" : "aifactory serve: ", buf);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static void print_pool(const char *name, const aif_serve_pool *q) {
    printf("  %-17s busy %.1f%%, %.4g sequences, %.4g tokens per iteration (mean of %ld); KV "
           "%.1f%% mean, %.1f%% peak; %ld preemptions\n",
           name, 100 * q->utilization, q->mean_batch, q->mean_batch_tokens, q->iterations,
           100 * q->mean_kv_occupancy, 100 * q->peak_kv_occupancy, q->preemptions);
}

void serve_print_result(const aif_serve_result *r) {
    printf("  completed         %ld requests in %.4g s\n", r->requests_completed, r->duration_s);
    print_stat("TTFT", &r->ttft_s, 1, "s");
    print_stat("TPOT", &r->tpot_s, 1e3, "ms");
    print_stat("end to end", &r->e2e_s, 1, "s");
    print_stat("queueing", &r->queue_s, 1, "s");
    printf("  throughput        input %.4g, output %.4g tokens/s (%.4g output per GPU)\n",
           r->input_tokens_per_s, r->output_tokens_per_s, r->output_tokens_per_s_per_gpu);
    printf("  batch             %.4g sequences, %.4g tokens per iteration (mean of %ld)\n",
           r->mean_batch, r->mean_batch_tokens, r->iterations);
    printf("  KV cache          %.1f%% in use on average, %.1f%% at peak; %ld preemptions\n",
           100 * r->mean_kv_occupancy, 100 * r->peak_kv_occupancy, r->preemptions);
    printf("  prefix cache      %.1f%% of prompt tokens hit, %ld cached blocks evicted\n",
           100 * r->prefix_hit_rate, r->prefix_evictions);
    if (r->disaggregated) {
        print_stat("KV transfer", &r->kv_transfer_s, 1, "s");
        printf("  KV moved          %ld caches, %.4g GB (first token to decode replica above)\n",
               r->kv_transfers, r->kv_transfer_bytes / 1e9);
        print_pool("prefill pool", &r->prefill_pool);
        print_pool("decode pool", &r->decode_pool);
    }
    if (r->layout.host_link_bytes_per_s > 0) {
        printf("  swap              %ld out, %ld in, %.4g GB moved in %.4g s (host link %.4g GB/s "
               "per replica); host space %ld tokens per replica, %.1f%% at peak\n",
               r->swap_outs, r->swap_ins, r->swap_bytes / 1e9, r->swap_s,
               r->layout.host_link_bytes_per_s / 1e9,
               r->layout.swap_blocks_per_replica * (long)r->layout.kv_block_tokens,
               100 * r->peak_swap_occupancy);
    }
}

/* Run the simulation on the load the command line names and print the result. */
static int simulate(const serve_args *a, serve_plan *p) {
    aif_serve_source src;
    aif_serve_synthetic gen;
    aif_serve_trace *trace = NULL;
    aif_error err = {0};
    long limit = a->requests ? (long)a->requests : (a->trace ? 0 : DEFAULT_REQUESTS);
    if (a->trace) {
        if (aif_serve_trace_open(NULL, a->trace, &trace, &src, &err) != AIF_OK) {
            char buf[AIF_ERROR_MESSAGE_MAX + 256];
            aif_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
            return err.status == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
        }
    } else {
        aif_serve_synthetic_init(&gen, &p->in, &p->out, a->rate, a->seed, &src);
        aif_serve_synthetic_set_arrival_cv(&gen, p->arrival_cv, NULL);
        if (p->mix) {
            aif_serve_synthetic_set_mix(&gen, p->mix, p->mix_count, NULL);
        }
    }
    serve_outputs outs;
    int rc = a->out_dir ? serve_outputs_begin(&outs, a, p) : CLI_EXIT_OK;
    if (rc != CLI_EXIT_OK) {
        aif_serve_trace_close(trace);
        return rc;
    }
    aif_serve_result r;
    aif_status st = aif_serve_run(NULL, &p->cfg, &src, limit, &r, &err);
    if (st != AIF_OK) {
        char buf[AIF_ERROR_MESSAGE_MAX + 256];
        const char *store = a->out_dir && st == AIF_EIO ? serve_outputs_error(&outs) : "";
        if (store[0] != '\0') {
            /* Writing a request to DIR failed (a full disk): say what the store says. */
            fprintf(stderr, "aifactory serve: results store: %s\n", store);
        } else if (trace && err.file == NULL) {
            /* The simulator refused a request: point at its row. */
            fprintf(stderr, "%s:%lu:1: error: %s\n", a->trace, aif_serve_trace_line(trace),
                    err.message);
        } else if (err.file) {
            aif_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        } else if (st == AIF_ERANGE && strstr(err.message, "context") != NULL) {
            /* A drawn length past the model's context: say how to bound the draws. */
            fprintf(stderr,
                    "aifactory serve: %s; cap the lengths (uniform:LO:HI, exp:MEAN:MAX, "
                    "lognormal:MEDIAN:SIGMA:MAX)\n",
                    err.message);
        } else {
            fprintf(stderr, "aifactory serve: %s\n", err.message);
        }
        rc = st == AIF_ENOMEM || st == AIF_EIO ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    if (a->out_dir) {
        rc = serve_outputs_end(&outs, rc, &r);
    }
    double bound = 0;
    if (rc == CLI_EXIT_OK && a->prefix_bound) {
        rc = prefix_bound(a, p, limit, r.layout.kv_block_tokens, &bound);
    }
    if (rc == CLI_EXIT_OK && a->common.json) {
        rc = print_json(a, p, &r, bound);
    } else if (rc == CLI_EXIT_OK && !a->common.quiet) {
        print_text(a, p, &r, bound);
    }
    aif_serve_trace_close(trace);
    return rc;
}

aif_serve_capacity_query serve_capacity_query(const serve_args *a, const serve_plan *p) {
    return (aif_serve_capacity_query){.cfg = &p->cfg,
                                      .input = p->in,
                                      .output = p->out,
                                      .seed = a->seed,
                                      .requests =
                                          a->requests ? (long)a->requests : DEFAULT_REQUESTS,
                                      .tolerance = a->tolerance,
                                      .slo = p->slo,
                                      .arrival_cv = p->arrival_cv,
                                      .mix = p->mix,
                                      .mix_count = p->mix_count};
}

/* --find-capacity: search the rate and print the answer. */
static int find_capacity(const serve_args *a, serve_plan *p) {
    aif_serve_capacity_query q = serve_capacity_query(a, p);
    aif_serve_capacity *c = malloc(sizeof *c);
    if (c == NULL) {
        fprintf(stderr, "aifactory serve: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    aif_error err = {0};
    aif_status st = aif_serve_find_capacity(NULL, &q, c, &err);
    int rc;
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory serve: %s\n", err.message);
        rc = st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    } else {
        rc = serve_print_capacity(a, p, c);
    }
    free(c);
    return rc;
}

/* The decode pool: its system (default --system), TP (default --tp) and the link. */
static int resolve_decode(const serve_args *a, const aif_catalog *cat, serve_plan *p) {
    p->dhw = p->hw;
    if (a->decode_system) {
        aif_error note;
        if (aif_perf_hw_resolve(cat, a->decode_system, &p->dhw, &note) != AIF_OK) {
            return cli_usage_error(&spec, "--decode-system: %s", note.message);
        }
        if (note.message[0] != '\0' && !a->common.quiet) {
            fprintf(stderr, "aifactory serve: note: %s\n", note.message);
        }
        if (p->dhw.peak_flops[p->cfg.precision] <= 0) {
            return cli_usage_error(&spec,
                                   "--decode-system %s does not support %s, the precision of "
                                   "both pools; give --precision one both support",
                                   p->dhw.id, aif_precision_name(p->cfg.precision));
        }
    }
    p->disagg = (aif_serve_disagg){.decode_replicas = a->decode_replicas,
                                   .decode_tp = a->decode_tp ? a->decode_tp : a->tp,
                                   .decode_hw = &p->dhw,
                                   .link_bytes_per_s = a->kv_link_gbps * 1e9};
    if (a->kv_transfer) {
        if (strcmp(a->kv_transfer, "after") != 0 && strcmp(a->kv_transfer, "layerwise") != 0) {
            return cli_usage_error(&spec, "--kv-transfer expects after or layerwise, found '%s'",
                                   a->kv_transfer);
        }
        p->disagg.layerwise = strcmp(a->kv_transfer, "layerwise") == 0;
    }
    p->cfg.disagg = &p->disagg;
    return CLI_EXIT_OK;
}

/* --length-mix FILE: the trace's (input, output) pairs; the lengths' means (for the TP
 * choice and the report) become those of the mix. */
static int load_mix(const serve_args *a, serve_plan *p) {
    aif_error err = {0};
    if (aif_serve_trace_lengths(NULL, a->length_mix, &p->mix, &p->mix_count, &err) != AIF_OK) {
        char buf[AIF_ERROR_MESSAGE_MAX + 256];
        aif_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s%s\n", err.file ? "" : "aifactory serve: --length-mix: ", buf);
        return err.status == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    double in = 0, out = 0;
    for (long i = 0; i < p->mix_count; i++) {
        in += (double)p->mix[2 * i];
        out += (double)p->mix[2 * i + 1];
    }
    p->in = (aif_serve_lengths){AIF_SERVE_LEN_FIXED, in / (double)p->mix_count, 0, 0};
    p->out = (aif_serve_lengths){AIF_SERVE_LEN_FIXED, out / (double)p->mix_count, 0, 0};
    return CLI_EXIT_OK;
}

static int resolve_and_run(const serve_args *a, const aif_model_set *models,
                           const aif_catalog *cat) {
    serve_plan p;
    memset(&p, 0, sizeof p);
    p.m = aif_model_set_find(models, a->model_id);
    if (p.m == NULL) {
        return cli_models_unknown(&spec, models, a->model_id);
    }
    aif_error note;
    if (aif_perf_hw_resolve(cat, a->system_id, &p.hw, &note) != AIF_OK) {
        return cli_usage_error(&spec, "%s", note.message);
    }
    if (note.message[0] != '\0' && !a->common.quiet) {
        fprintf(stderr, "aifactory serve: note: %s\n", note.message);
    }
    p.from_catalog = aif_perf_hw_find(p.hw.id) == NULL;
    p.cfg.model = p.m;
    p.cfg.hw = &p.hw;
    p.cfg.precision = p.hw.infer_precision;
    if (a->precision && aif_precision_parse(a->precision, &p.cfg.precision) != AIF_OK) {
        return cli_usage_error(&spec, "--precision expects bf16, fp8 or fp4, found '%s'",
                               a->precision);
    }
    if (p.hw.peak_flops[p.cfg.precision] <= 0) {
        return cli_usage_error(&spec, "%s does not support %s", p.hw.id,
                               aif_precision_name(p.cfg.precision));
    }
    if (a->route && aif_serve_route_parse(a->route, &p.cfg.route) != AIF_OK) {
        return cli_usage_error(&spec,
                               "--route expects round-robin, least-tokens or prefix-affinity, "
                               "found '%s'",
                               a->route);
    }
    p.cfg.prefix_caching = 1;
    if (a->prefix_cache && strcmp(a->prefix_cache, "on") != 0) {
        if (strcmp(a->prefix_cache, "off") != 0) {
            return cli_usage_error(&spec, "--prefix-cache expects on or off, found '%s'",
                                   a->prefix_cache);
        }
        p.cfg.prefix_caching = 0;
    }
    if (a->prefill_replicas > 0 || a->find_split) {
        int rc = resolve_decode(a, cat, &p);
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
    }
    if (a->preemption && aif_serve_preemption_parse(a->preemption, &p.cfg.preemption) != AIF_OK) {
        return cli_usage_error(&spec, "--preemption expects recompute or swap, found '%s'",
                               a->preemption);
    }
    if (a->admission && aif_serve_admission_parse(a->admission, &p.cfg.admission) != AIF_OK) {
        return cli_usage_error(&spec, "--admission expects greedy or reserve, found '%s'",
                               a->admission);
    }
    p.cfg.swap_space_bytes = a->swap_space_gib * 1073741824.0;
    p.cfg.host_link_bytes_per_s = a->host_link_gbps * 1e9;
    p.cfg.kv_block_tokens = a->block;
    p.cfg.token_budget = (long)a->budget;
    p.cfg.max_running = (long)a->max_running;
    p.cfg.concurrency = (long)a->concurrency;
    int rc = parse_lengths("--input-len", a->input_len, "1000", &p.in);
    if (rc == CLI_EXIT_OK) {
        rc = parse_lengths("--output-len", a->output_len, "200", &p.out);
    }
    aif_error err = {0};
    if (rc == CLI_EXIT_OK && a->slo && aif_serve_slo_parse(a->slo, &p.slo, &err) != AIF_OK) {
        rc = cli_usage_error(&spec, "--slo: %s", err.message);
    }
    p.arrival_cv = 1;
    if (rc == CLI_EXIT_OK && a->arrivals &&
        aif_serve_arrivals_parse(a->arrivals, &p.arrival_cv, &err) != AIF_OK) {
        rc = cli_usage_error(&spec, "--arrivals: %s", err.message);
    }
    if (rc == CLI_EXIT_OK && a->length_mix) {
        rc = load_mix(a, &p);
    }
    if (rc == CLI_EXIT_OK) {
        rc = layout(a, &p);
    }
    if (rc == CLI_EXIT_OK) {
        rc = a->find_split      ? serve_find_split(a, &p)
             : a->find_capacity ? find_capacity(a, &p)
                                : simulate(a, &p);
    }
    aif_serve_trace_lengths_free(NULL, p.mix, p.mix_count);
    return rc;
}

int cmd_serve(int argc, char **argv) {
    serve_args a = {.seed = 1};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc == CLI_EXIT_OK) {
        rc = check_request(&a);
    }
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    aif_model_set *models = NULL;
    rc = cli_models_open("serve", a.model_files.items, a.model_files.count, &models);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    aif_catalog *cat = NULL;
    rc = cli_catalog_open("serve", a.catalogs.items, a.catalogs.count, &cat);
    if (rc == CLI_EXIT_OK) {
        rc = resolve_and_run(&a, models, cat);
    }
    aif_catalog_destroy(cat);
    aif_model_set_destroy(models);
    return rc;
}
