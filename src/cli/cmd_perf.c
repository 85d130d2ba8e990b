/* `aifactory perf`: training or inference throughput of a model on a system, from the
 * performance model (include/aifactory/perf.h). Systems are the model's calibrated built-in
 * ids (h100, ...) or any catalog system (hgx-h100, gb200-nvl72, mi355x-8, ...; plus
 * --catalog files), resolved by aif_perf_hw_resolve; models are the built-in table plus
 * --models files. Defaults for precision follow each generation's common practice and are
 * printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/models_file.h"
#include "aifactory/perf.h"
#include "aifactory/perf_serve.h"
#include "cli_errors.h"
#include "args.h"
#include "cli.h"
#include "cli_models.h"
#include "cli_catalog.h"
#include "json_out.h"

/* Values print with 6 significant digits, as they always have. */
#define PERF_JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6))

/* What the command line asks for; 0 or NULL = default or automatic. */
typedef struct perf_args {
    cli_common common;
    const char *model_id, *system_id, *workload, *precision;
    int64_t gpus, in, out, batch;
    int64_t requests; /* server/interactive: simulated requests per probe */
    uint64_t seed;
    int32_t seq, tp, pp, dp;         /* int in the library's queries */
    double train_tokens, train_flop; /* the training budget: at most one is set */
    cli_list catalogs, model_files;
} perf_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "model",
     .value_name = "ID",
     .help = "model id (list them: aifactory models list)",
     .set = cli_set_text,
     .offset = offsetof(perf_args, model_id)},
    {.name = "system",
     .value_name = "ID",
     .help = "system id (list them: aifactory catalog list)",
     .set = cli_set_text,
     .offset = offsetof(perf_args, system_id)},
    {.name = "gpus",
     .value_name = "N",
     .help = "number of GPUs",
     .set = cli_set_int,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, gpus)},
    {.name = "workload",
     .value_name = "KIND",
     .help = "offline, server, interactive or training",
     .set = cli_set_text,
     .offset = offsetof(perf_args, workload)},
    {.name = "precision",
     .value_name = "P",
     .help = "bf16, fp8 or fp4 (default: common practice for the system)",
     .set = cli_set_text,
     .offset = offsetof(perf_args, precision)},
    {.name = "input-tokens",
     .value_name = "N",
     .help = "mean input tokens per request (default: MLPerf Llama-2-70B mix)",
     .set = cli_set_int,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, in)},
    {.name = "output-tokens",
     .value_name = "N",
     .help = "mean output tokens per request (default 294)",
     .set = cli_set_int,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, out)},
    {.name = "seq-len",
     .value_name = "N",
     .help = "training sequence length (default 4096)",
     .set = cli_set_int32,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, seq)},
    {.name = "global-batch",
     .value_name = "N",
     .help = "training sequences per step (default 1024)",
     .set = cli_set_int,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, batch)},
    {.name = "tp",
     .value_name = "N",
     .help = "tensor-parallel size (default: automatic)",
     .set = cli_set_int32,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, tp)},
    {.name = "pp",
     .value_name = "N",
     .help = "pipeline-parallel size (default: automatic)",
     .set = cli_set_int32,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, pp)},
    {.name = "dp",
     .value_name = "N",
     .help = "data-parallel size (training; default: automatic)",
     .set = cli_set_int32,
     .range = CLI_AT_LEAST(1),
     .offset = offsetof(perf_args, dp)},
    {.name = "train-tokens",
     .value_name = "N",
     .help = "training: time and GPU-hours to train on N tokens (default 1e12)",
     .set = cli_set_number,
     .range = CLI_RANGE(0, true, 1e40, false),
     .expects = "a positive number such as 1.5e13",
     .offset = offsetof(perf_args, train_tokens)},
    {.name = "train-flop",
     .value_name = "F",
     .help = "training: time and GPU-hours to spend F FLOP of model compute",
     .set = cli_set_number,
     .range = CLI_RANGE(0, true, 1e40, false),
     .expects = "a positive number such as 1.5e13",
     .offset = offsetof(perf_args, train_flop)},
    {.name = "requests",
     .value_name = "N",
     .help = "server/interactive: simulated requests per capacity probe (default 8000)",
     .set = cli_set_int,
     .range = CLI_RANGE(100, false, 1e7, false),
     .offset = offsetof(perf_args, requests)},
    {.name = "seed",
     .value_name = "N",
     .help = "server/interactive: seed of the simulated arrivals and lengths (default 1)",
     .set = cli_set_u64,
     .offset = offsetof(perf_args, seed)},
    {.name = "catalog",
     .value_name = "FILE",
     .help = "merge a hardware catalog file (repeatable)",
     .set = cli_set_list,
     .offset = offsetof(perf_args, catalogs)},
    {.name = "models",
     .value_name = "FILE",
     .help = "merge a models YAML file (repeatable; schema of data/models.yaml)",
     .set = cli_set_list,
     .offset = offsetof(perf_args, model_files)},
};

static const cli_verb_spec spec = {
    .name = "perf",
    .usage = "--model ID --system ID --gpus N --workload KIND [options]",
    .description = "Performance model: training and inference throughput of a model on a "
                   "system,\nfrom first principles calibrated on public results. Offline and "
                   "training are\nclosed-form; server and interactive are the serving "
                   "simulator's goodput under the\nMLPerf benchmark's p99 TTFT/TPOT limits "
                   "(docs/perf.md).\n",
    .examples =
        "aifactory perf --model llama2-70b --system hgx-h100 --gpus 8 --workload offline\n"
        "aifactory perf --model llama3.1-405b --system gb200-nvl72 --gpus 72 --workload training\n",
    .options = options,
    .option_count = CLI_COUNT(options),
};

/* For catalog systems, the per-GPU figures the adapter derived, so users can check them. */
static void print_hw(const aif_perf_hw *hw, bool from_catalog) {
    if (!from_catalog) {
        return;
    }
    printf("  hardware          %s (catalog): %.0f GB HBM at %.2f TB/s, scale-up %d GPUs at "
           "%.0f GB/s, scale-out %.0f GB/s per GPU\n",
           hw->source, hw->hbm_bytes / 1e9, hw->hbm_bytes_per_s / 1e12, hw->scaleup_domain_gpus,
           hw->scaleup_bytes_per_s / 1e9, hw->scaleout_bytes_per_s / 1e9);
}

/* Time and GPU-hours to the requested training budget (default: 1e12 tokens): into `o`
 * with --json, else as one text line. */
static void print_budget(const perf_args *a, const aif_perf_train_result *r, json_t *o) {
    double tokens = a->train_flop > 0 ? a->train_flop / r->flops_per_token
                                      : (a->train_tokens > 0 ? a->train_tokens : 1e12);
    double seconds = a->train_flop > 0 ? aif_perf_train_time_for_flops(r, a->train_flop)
                                       : aif_perf_train_time_for_tokens(r, tokens);
    double flop = tokens * r->flops_per_token, gpu_hours = seconds * (double)a->gpus / 3600.0;
    if (o) {
        json_object_set_new(o, "budget_tokens", cli_json_g(tokens, 6));
        json_object_set_new(o, "budget_flop", cli_json_g(flop, 6));
        json_object_set_new(o, "budget_time_s", cli_json_g(seconds, 6));
        json_object_set_new(o, "budget_gpu_hours", cli_json_g(gpu_hours, 6));
    } else {
        printf("  budget            %.4g tokens = %.4g FLOP: %.1f days, %.4g GPU-hours\n", tokens,
               flop, seconds / 86400.0, gpu_hours);
    }
}

/* After a refusal, the smallest GPU count above the requested one that the model accepts with
 * the same pins (--tp/--pp/--dp), so the error says what would work: every count up to 64,
 * then multiples of 64 up to 2^20 (~16k closed-form evaluations, well under a second). */
static long smallest_fitting(const aif_perf_train_query *tq, const aif_perf_infer_query *iq) {
    const aif_perf_calib *c = aif_perf_calib_default();
    long g = (tq ? tq->gpus : iq->gpus) + 1;
    if (g > 64) {
        g = (g + 63) / 64 * 64;
    }
    for (; g <= (1L << 20); g += g < 64 ? 1 : 64) {
        aif_status st;
        if (tq) {
            aif_perf_train_query q = *tq;
            aif_perf_train_result r;
            q.gpus = g;
            st = aif_perf_train(c, &q, &r);
        } else {
            aif_perf_infer_query q = *iq;
            aif_perf_infer_result r;
            q.gpus = g;
            st = aif_perf_infer(c, &q, &r);
        }
        if (st == AIF_OK) {
            return g;
        }
    }
    return 0;
}

/* The model's message; for a refusal (AIF_ERANGE) also a GPU count that would work. */
static int refused(aif_status st, const char *message, const aif_perf_train_query *tq,
                   const aif_perf_infer_query *iq) {
    fprintf(stderr, "aifactory perf: %s\n", message);
    if (st != AIF_ERANGE) {
        return CLI_EXIT_USAGE;
    }
    long asked = tq ? tq->gpus : iq->gpus;
    long g = smallest_fitting(tq, iq);
    if (g > 0) {
        fprintf(stderr, "aifactory perf: the smallest GPU count above %ld that works here: %ld\n",
                asked, g);
    } else {
        fprintf(stderr,
                "aifactory perf: no GPU count from %ld to 1048576 works with these settings "
                "(try another --precision, or drop --tp/--pp/--dp)\n",
                asked + 1);
    }
    return CLI_EXIT_USAGE;
}

/* What one query runs on, resolved from the command line. */
typedef struct perf_target {
    const aif_model_spec *m;
    const aif_perf_hw *hw;
    aif_workload w;
    aif_precision prec;
    bool prec_default; /* --precision not given: the system's usual one */
    bool from_catalog; /* a catalog id names a node or rack, not a GPU */
} perf_target;

/* The keys every --json answer starts with. */
static json_t *json_head(const perf_args *a, const perf_target *t) {
    return json_pack("{s:s,s:s,s:I,s:s,s:s}", "model", t->m->id, "system", t->hw->id, "gpus",
                     (json_int_t)a->gpus, "workload", aif_workload_name(t->w), "precision",
                     aif_precision_name(t->prec));
}

static void print_train_text(const perf_args *a, const perf_target *t,
                             const aif_perf_train_result *r) {
    printf("%s training on %lld%s%s, %s%s\n", t->m->id, (long long)a->gpus,
           t->from_catalog ? " GPUs of " : " x ", t->hw->id, aif_precision_name(t->prec),
           t->prec_default ? " (default for this system)" : "");
    print_hw(t->hw, t->from_catalog);
    printf("  layout            TP %d x PP %d (interleave %d) x DP %d, %ld micro-batches\n", r->tp,
           r->pp, r->interleave, r->dp, r->microbatches);
    printf("  step time         %.3f s  (seq %lld, global batch %lld)\n", r->step_time_s,
           (long long)a->seq, (long long)a->batch);
    printf("  tokens/s          %.4g  (%.4g per GPU)\n", r->tokens_per_s, r->tokens_per_s_per_gpu);
    printf("  MFU               %.1f%%\n", 100 * r->mfu);
    printf("  step breakdown    compute %.3f, TP %.3f, PP %.3f, bubble %.3f, DP %.3f, "
           "optimizer %.3f s\n",
           r->compute_s, r->tp_comm_s, r->pp_comm_s, r->bubble_s, r->dp_exposed_s, r->optimizer_s);
    print_budget(a, r, NULL);
}

static int run_training(const perf_args *a, const perf_target *t) {
    aif_perf_train_query q = {t->m, t->hw, a->gpus, t->prec, a->seq, a->batch, a->tp, a->pp, a->dp};
    aif_perf_train_result r;
    aif_status st = aif_perf_train(aif_perf_calib_default(), &q, &r);
    if (st != AIF_OK) {
        return refused(st, r.message, &q, NULL);
    }
    if (a->common.json) {
        json_t *o = json_head(a, t);
        json_object_set_new(o, "tokens_per_s", cli_json_g(r.tokens_per_s, 6));
        json_object_set_new(o, "tokens_per_s_per_gpu", cli_json_g(r.tokens_per_s_per_gpu, 6));
        json_object_set_new(o, "batch", json_integer(a->batch));
        json_object_set_new(o, "tp", json_integer(r.tp));
        json_object_set_new(o, "pp", json_integer(r.pp));
        json_object_set_new(o, "dp", json_integer(r.dp));
        json_object_set_new(o, "step_time_s", cli_json_g(r.step_time_s, 6));
        json_object_set_new(o, "mfu", cli_json_fixed(r.mfu, 4));
        json_object_set_new(o, "seq_len", json_integer(a->seq));
        json_object_set_new(o, "flops_per_token", cli_json_g(r.flops_per_token, 6));
        print_budget(a, &r, o);
        return cli_json_print("perf", o, PERF_JSON_FLAGS);
    }
    if (!a->common.quiet) {
        print_train_text(a, t, &r);
    }
    return CLI_EXIT_OK;
}

static void print_infer_text(const perf_args *a, const perf_target *t,
                             const aif_perf_infer_query *q, const aif_perf_infer_result *r) {
    printf("%s %s inference on %lld%s%s, %s%s\n", t->m->id, aif_workload_name(t->w),
           (long long)a->gpus, t->from_catalog ? " GPUs of " : " x ", t->hw->id,
           aif_precision_name(t->prec), t->prec_default ? " (default for this system)" : "");
    print_hw(t->hw, t->from_catalog);
    printf("  request           %.0f in / %.0f out tokens\n", q->input_tokens, q->output_tokens);
    printf("  layout            TP %d x PP %d, %ld replicas\n", r->tp, r->pp, r->replicas);
    printf("  batch             %ld concurrent sequences per replica (HBM allows %ld)\n", r->batch,
           r->max_batch);
    printf("  output tokens/s   %.4g  (%.4g per GPU)\n", r->tokens_per_s, r->tokens_per_s_per_gpu);
    printf("  TTFT / TPOT       %.3f s / %.1f ms\n", r->ttft_s, 1e3 * r->tpot_s);
}

static int run_inference(const perf_args *a, const perf_target *t) {
    double din = a->in ? (double)a->in : aif_perf_calib_default()->mlperf_input_tokens;
    double dout = a->out ? (double)a->out : 294.0;
    aif_perf_infer_query q = {t->m, t->hw, a->gpus, t->prec, din, dout, t->w, a->tp, a->pp, NULL};
    aif_perf_infer_result r;
    aif_status st = aif_perf_infer(aif_perf_calib_default(), &q, &r);
    if (st != AIF_OK) {
        return refused(st, r.message, NULL, &q);
    }
    if (a->common.json) {
        json_t *o = json_head(a, t);
        json_object_set_new(o, "input_tokens", cli_json_g(din, 6));
        json_object_set_new(o, "output_tokens", cli_json_g(dout, 6));
        json_object_set_new(o, "tokens_per_s", cli_json_g(r.tokens_per_s, 6));
        json_object_set_new(o, "tokens_per_s_per_gpu", cli_json_g(r.tokens_per_s_per_gpu, 6));
        json_object_set_new(o, "batch", json_integer(r.batch));
        json_object_set_new(o, "tp", json_integer(r.tp));
        json_object_set_new(o, "pp", json_integer(r.pp));
        json_object_set_new(o, "dp", json_integer(r.replicas));
        json_object_set_new(o, "ttft_s", cli_json_g(r.ttft_s, 6));
        json_object_set_new(o, "tpot_s", cli_json_g(r.tpot_s, 6));
        return cli_json_print("perf", o, PERF_JSON_FLAGS);
    }
    if (!a->common.quiet) {
        print_infer_text(a, t, &q, &r);
    }
    return CLI_EXIT_OK;
}

static void print_serving_text(const perf_args *a, const perf_target *t,
                               const aif_perf_serve_result *r) {
    const aif_mlperf_benchmark *b = &r->bench;
    printf("%s %s inference on %lld%s%s, %s%s\n", t->m->id, aif_workload_name(t->w),
           (long long)a->gpus, t->from_catalog ? " GPUs of " : " x ", t->hw->id,
           aif_precision_name(t->prec), t->prec_default ? " (default for this system)" : "");
    print_hw(t->hw, t->from_catalog);
    printf("  benchmark         MLPerf %s%s: p99 TTFT <= %.4g s, p99 TPOT <= %.4g ms, Poisson "
           "arrivals\n",
           b->name, b->own ? "" : " (this model has no MLPerf benchmark: its limits)",
           b->ttft_p99_s, 1e3 * b->tpot_p99_s);
    printf("  request           %.0f in / %.0f out tokens (means of the simulated requests)\n",
           r->input_mean, r->output_mean);
    printf("  layout            TP %d x PP 1, %ld replicas\n", r->tp, r->replicas);
    printf("  goodput           %.4g requests/s, %.4g output tokens/s (%.4g per GPU)\n",
           r->goodput_requests_per_s, r->tokens_per_s, r->tokens_per_s_per_gpu);
    printf("  at that rate      p99 TTFT %.3f s, p99 TPOT %.1f ms, %.1f sequences per iteration\n",
           r->ttft_p99_s, 1e3 * r->tpot_p99_s, r->mean_batch);
    printf("  offline           %.4g output tokens/s at this layout (closed form)\n",
           r->offline_tokens_per_s);
    printf("  simulated         one replica, %ld requests per probe, %d probes, seed %llu\n",
           r->requests_per_probe, r->probes, (unsigned long long)(a->seed ? a->seed : 1));
}

/* Server and interactive: the serving simulator's goodput under the MLPerf limits. */
static int run_serving(const perf_args *a, const perf_target *t) {
    aif_perf_serve_query q = {.model = t->m,
                              .hw = t->hw,
                              .gpus = (long)a->gpus,
                              .precision = t->prec,
                              .workload = t->w,
                              .tp = a->tp,
                              .input_tokens = (double)a->in,
                              .output_tokens = (double)a->out,
                              .requests = (long)a->requests,
                              .seed = a->seed};
    if (a->pp > 1) {
        return cli_usage_error(&spec,
                               "--workload %s is simulated without pipeline parallelism; "
                               "drop --pp %d",
                               aif_workload_name(t->w), a->pp);
    }
    aif_perf_serve_result r;
    aif_status st = aif_perf_serve_goodput(NULL, aif_perf_calib_default(), &q, &r);
    if (st != AIF_OK) {
        double din = a->in ? (double)a->in : aif_perf_calib_default()->mlperf_input_tokens;
        double dout = a->out ? (double)a->out : 294.0;
        aif_perf_infer_query iq = {t->m, t->hw, a->gpus, t->prec, din, dout, t->w, a->tp, 1, NULL};
        return refused(st, r.message, NULL, &iq);
    }
    if (a->common.json) {
        json_t *o = json_head(a, t);
        json_object_set_new(o, "benchmark", json_string(r.bench.name));
        json_object_set_new(o, "benchmark_own", json_boolean(r.bench.own));
        json_object_set_new(o, "ttft_p99_limit_s", cli_json_g(r.bench.ttft_p99_s, 6));
        json_object_set_new(o, "tpot_p99_limit_s", cli_json_g(r.bench.tpot_p99_s, 6));
        json_object_set_new(o, "input_tokens", cli_json_g(r.input_mean, 6));
        json_object_set_new(o, "output_tokens", cli_json_g(r.output_mean, 6));
        json_object_set_new(o, "tokens_per_s", cli_json_g(r.tokens_per_s, 6));
        json_object_set_new(o, "tokens_per_s_per_gpu", cli_json_g(r.tokens_per_s_per_gpu, 6));
        json_object_set_new(o, "goodput_requests_per_s", cli_json_g(r.goodput_requests_per_s, 6));
        json_object_set_new(o, "mean_batch", cli_json_g(r.mean_batch, 6));
        json_object_set_new(o, "tp", json_integer(r.tp));
        json_object_set_new(o, "pp", json_integer(1));
        json_object_set_new(o, "dp", json_integer(r.replicas));
        json_object_set_new(o, "ttft_s", cli_json_g(r.ttft_p99_s, 6));
        json_object_set_new(o, "tpot_s", cli_json_g(r.tpot_p99_s, 6));
        json_object_set_new(o, "offline_tokens_per_s", cli_json_g(r.offline_tokens_per_s, 6));
        json_object_set_new(o, "requests_per_probe", json_integer(r.requests_per_probe));
        json_object_set_new(o, "probes", json_integer(r.probes));
        json_object_set_new(o, "seed", json_integer((json_int_t)(a->seed ? a->seed : 1)));
        return cli_json_print("perf", o, PERF_JSON_FLAGS);
    }
    if (!a->common.quiet) {
        print_serving_text(a, t, &r);
    }
    return CLI_EXIT_OK;
}

/* The precision: --precision, else the system's usual one for the workload. */
static int run(const perf_args *a, const aif_model_spec *m, const aif_perf_hw *hw, aif_workload w) {
    perf_target t = {.m = m,
                     .hw = hw,
                     .w = w,
                     .prec = w == AIF_WORKLOAD_TRAINING ? hw->train_precision : hw->infer_precision,
                     .prec_default = a->precision == NULL,
                     .from_catalog = aif_perf_hw_find(hw->id) == NULL};
    if (a->precision && aif_precision_parse(a->precision, &t.prec) != AIF_OK) {
        return cli_usage_error(&spec, "--precision expects bf16, fp8 or fp4, found '%s'",
                               a->precision);
    }
    if (hw->peak_flops[t.prec] <= 0) {
        return cli_usage_error(&spec, "%s does not support %s", hw->id, aif_precision_name(t.prec));
    }
    if (w == AIF_WORKLOAD_TRAINING) {
        return run_training(a, &t);
    }
    return w == AIF_WORKLOAD_OFFLINE ? run_inference(a, &t) : run_serving(a, &t);
}

/* What needs the whole command line: the required options and the budget's pairing. */
static int check_request(const perf_args *a, aif_workload *w) {
    if (!a->model_id || !a->system_id || !a->gpus || !a->workload) {
        return cli_usage_error(&spec, "--model, --system, --gpus and --workload are required");
    }
    if (aif_workload_parse(a->workload, w) != AIF_OK) {
        return cli_usage_error(
            &spec, "--workload expects offline, server, interactive or training, found '%s'",
            a->workload);
    }
    if (a->train_tokens > 0 && a->train_flop > 0) {
        return cli_usage_error(&spec, "give --train-tokens or --train-flop, not both");
    }
    if ((a->requests > 0 || a->seed > 0) && *w != AIF_WORKLOAD_SERVER &&
        *w != AIF_WORKLOAD_INTERACTIVE) {
        return cli_usage_error(&spec, "--requests and --seed apply to --workload server and "
                                      "interactive (the serving simulator)");
    }
    if ((a->train_tokens > 0 || a->train_flop > 0) && *w != AIF_WORKLOAD_TRAINING) {
        return cli_usage_error(&spec,
                               "--train-tokens and --train-flop apply to --workload training");
    }
    return CLI_EXIT_OK;
}

/* Find the model and the system among the loaded ones, then run. */
static int resolve_and_run(const perf_args *a, const aif_model_set *models, const aif_catalog *cat,
                           aif_workload w) {
    const aif_model_spec *m = aif_model_set_find(models, a->model_id);
    aif_perf_hw hw;
    aif_error note;
    if (m == NULL) {
        return cli_models_unknown(&spec, models, a->model_id);
    }
    if (aif_perf_hw_resolve(cat, a->system_id, &hw, &note) != AIF_OK) {
        return cli_usage_error(&spec, "%s", note.message);
    }
    if (note.message[0] != '\0') {
        fprintf(stderr, "aifactory perf: note: %s\n", note.message);
    }
    return run(a, m, &hw, w);
}

int cmd_perf(int argc, char **argv) {
    perf_args a = {.seq = 4096, .batch = 1024};
    aif_workload w = AIF_WORKLOAD_OFFLINE;
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc == CLI_EXIT_OK) {
        rc = check_request(&a, &w);
    }
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    aif_model_set *models = NULL;
    rc = cli_models_open("perf", a.model_files.items, a.model_files.count, &models);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    aif_catalog *cat = NULL;
    rc = cli_catalog_open("perf", a.catalogs.items, a.catalogs.count, &cat);
    if (rc == CLI_EXIT_OK) {
        rc = resolve_and_run(&a, models, cat, w);
    }
    aif_catalog_destroy(cat);
    aif_model_set_destroy(models);
    return rc;
}
