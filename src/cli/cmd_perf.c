/* `aifactory perf`: training or inference throughput of a model on a system, from the
 * performance model (include/aifactory/perf.h). Systems are the model's built-in hardware
 * table until the shared catalog lands; defaults for precision follow each generation's
 * common practice and are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/perf.h"
#include "cli/args.h"
#include "cli/cli.h"

enum {
    OPT_MODEL = CLI_COMMON_OPTIONS,
    OPT_SYSTEM,
    OPT_GPUS,
    OPT_WORKLOAD,
    OPT_PRECISION,
    OPT_INPUT,
    OPT_OUTPUT,
    OPT_SEQ,
    OPT_BATCH,
    OPT_TP,
    OPT_PP,
    OPT_DP,
};

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"model", "ID", "model id (gpt3-175b, llama2-70b, llama3.1-8b/70b/405b, mixtral-8x7b, ...)"},
    {"system", "ID", "accelerator (a100, h100, h200, b200, gb200, b300, gb300)"},
    {"gpus", "N", "number of GPUs"},
    {"workload", "KIND", "offline, server, interactive or training"},
    {"precision", "P", "bf16, fp8 or fp4 (default: common practice for the system)"},
    {"input-tokens", "N", "mean input tokens per request (default: MLPerf Llama-2-70B mix)"},
    {"output-tokens", "N", "mean output tokens per request (default 294)"},
    {"seq-len", "N", "training sequence length (default 4096)"},
    {"global-batch", "N", "training sequences per step (default 1024)"},
    {"tp", "N", "tensor-parallel size (default: automatic)"},
    {"pp", "N", "pipeline-parallel size (default: automatic)"},
    {"dp", "N", "data-parallel size (training; default: automatic)"},
};

static const cli_verb_spec spec = {
    .name = "perf",
    .usage = "--model ID --system ID --gpus N --workload KIND [options]",
    .description = "Performance model: training and inference throughput of a model on a "
                   "system,\nfrom first principles calibrated on public results.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

static int parse_long(const char *s, const char *name, long lo, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo) {
        return cli_usage_error(&spec, "--%s expects an integer >= %ld, found '%s'", name, lo, s);
    }
    *out = v;
    return CLI_EXIT_OK;
}

int cmd_perf(int argc, char **argv) {
    cli_parser p;
    cli_common common = {.progress = "auto"};
    const char *model_id = NULL, *system_id = NULL, *workload_s = NULL, *prec_s = NULL;
    long gpus = 0, in = 0, out = 0, seq = 4096, batch = 1024, tp = 0, pp = 0, dp = 0;
    cli_parser_init(&p, &spec, argc, argv);
    for (;;) {
        int opt = cli_parser_next(&p);
        int rc = CLI_EXIT_OK;
        if (opt == CLI_PARSE_DONE) {
            break;
        }
        if (opt == CLI_PARSE_ERROR) {
            return CLI_EXIT_USAGE;
        }
        switch (opt) {
        case CLI_PARSE_POSITIONAL:
            return cli_usage_error(&spec, "unexpected argument '%s'", p.value);
        case OPT_MODEL:
            model_id = p.value;
            break;
        case OPT_SYSTEM:
            system_id = p.value;
            break;
        case OPT_WORKLOAD:
            workload_s = p.value;
            break;
        case OPT_PRECISION:
            prec_s = p.value;
            break;
        case OPT_GPUS:
            rc = parse_long(p.value, "gpus", 1, &gpus);
            break;
        case OPT_INPUT:
            rc = parse_long(p.value, "input-tokens", 1, &in);
            break;
        case OPT_OUTPUT:
            rc = parse_long(p.value, "output-tokens", 1, &out);
            break;
        case OPT_SEQ:
            rc = parse_long(p.value, "seq-len", 1, &seq);
            break;
        case OPT_BATCH:
            rc = parse_long(p.value, "global-batch", 1, &batch);
            break;
        case OPT_TP:
            rc = parse_long(p.value, "tp", 1, &tp);
            break;
        case OPT_PP:
            rc = parse_long(p.value, "pp", 1, &pp);
            break;
        case OPT_DP:
            rc = parse_long(p.value, "dp", 1, &dp);
            break;
        default:
            rc = cli_common_apply(&common, &p, opt);
            if (rc < 0) {
                return CLI_EXIT_OK;
            }
        }
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
    }
    if (!model_id || !system_id || !gpus || !workload_s) {
        return cli_usage_error(&spec, "--model, --system, --gpus and --workload are required");
    }
    const aif_model_spec *m = aif_model_find(model_id);
    if (m == NULL) {
        return cli_usage_error(&spec, "unknown model '%s'", model_id);
    }
    const aif_perf_hw *hw = aif_perf_hw_find(system_id);
    if (hw == NULL) {
        return cli_usage_error(&spec, "unknown system '%s'", system_id);
    }
    aif_workload w;
    if (aif_workload_parse(workload_s, &w) != AIF_OK) {
        return cli_usage_error(
            &spec, "--workload expects offline, server, interactive or training, found '%s'",
            workload_s);
    }
    aif_precision prec = w == AIF_WORKLOAD_TRAINING ? hw->train_precision : hw->infer_precision;
    int prec_default = prec_s == NULL;
    if (prec_s && aif_precision_parse(prec_s, &prec) != AIF_OK) {
        return cli_usage_error(&spec, "--precision expects bf16, fp8 or fp4, found '%s'", prec_s);
    }
    if (hw->peak_flops[prec] <= 0) {
        return cli_usage_error(&spec, "%s does not support %s", hw->id, aif_precision_name(prec));
    }
    const aif_perf_calib *c = aif_perf_calib_default();
    const char *pnote = prec_default ? " (default for this system)" : "";
    if (w == AIF_WORKLOAD_TRAINING) {
        aif_perf_train_query q = {m, hw, gpus, prec, (int)seq, batch, (int)tp, (int)pp, (int)dp};
        aif_perf_train_result r;
        aif_status st = aif_perf_train(c, &q, &r);
        if (st != AIF_OK) {
            fprintf(stderr, "aifactory perf: %s\n", r.message);
            return CLI_EXIT_USAGE;
        }
        if (common.json) {
            printf("{\"model\":\"%s\",\"system\":\"%s\",\"gpus\":%ld,\"workload\":\"training\","
                   "\"precision\":\"%s\",\"tokens_per_s\":%.6g,\"tokens_per_s_per_gpu\":%.6g,"
                   "\"batch\":%ld,\"tp\":%d,\"pp\":%d,\"dp\":%d,\"step_time_s\":%.6g,"
                   "\"mfu\":%.4f,\"seq_len\":%ld,\"flops_per_token\":%.6g}\n",
                   m->id, hw->id, gpus, aif_precision_name(prec), r.tokens_per_s,
                   r.tokens_per_s_per_gpu, batch, r.tp, r.pp, r.dp, r.step_time_s, r.mfu, seq,
                   r.flops_per_token);
        } else if (!common.quiet) {
            printf("%s training on %ld x %s, %s%s\n", m->id, gpus, hw->id, aif_precision_name(prec),
                   pnote);
            printf("  layout            TP %d x PP %d (interleave %d) x DP %d, %ld micro-batches\n",
                   r.tp, r.pp, r.interleave, r.dp, r.microbatches);
            printf("  step time         %.3f s  (seq %ld, global batch %ld)\n", r.step_time_s, seq,
                   batch);
            printf("  tokens/s          %.4g  (%.4g per GPU)\n", r.tokens_per_s,
                   r.tokens_per_s_per_gpu);
            printf("  MFU               %.1f%%\n", 100 * r.mfu);
            printf("  step breakdown    compute %.3f, TP %.3f, PP %.3f, bubble %.3f, DP %.3f, "
                   "optimizer %.3f s\n",
                   r.compute_s, r.tp_comm_s, r.pp_comm_s, r.bubble_s, r.dp_exposed_s,
                   r.optimizer_s);
            printf("  1e12 tokens in    %.1f days\n",
                   aif_perf_train_time_for_tokens(&r, 1e12) / 86400);
        }
        return CLI_EXIT_OK;
    }
    double din = in ? (double)in : c->mlperf_input_tokens, dout = out ? (double)out : 294.0;
    aif_perf_infer_query q = {m, hw, gpus, prec, din, dout, w, (int)tp, (int)pp, NULL};
    aif_perf_infer_result r;
    aif_status st = aif_perf_infer(c, &q, &r);
    if (st != AIF_OK) {
        fprintf(stderr, "aifactory perf: %s\n", r.message);
        return CLI_EXIT_USAGE;
    }
    if (common.json) {
        printf("{\"model\":\"%s\",\"system\":\"%s\",\"gpus\":%ld,\"workload\":\"%s\","
               "\"precision\":\"%s\",\"input_tokens\":%.6g,\"output_tokens\":%.6g,"
               "\"tokens_per_s\":%.6g,\"tokens_per_s_per_gpu\":%.6g,\"batch\":%ld,\"tp\":%d,"
               "\"pp\":%d,\"dp\":%ld,\"ttft_s\":%.6g,\"tpot_s\":%.6g}\n",
               m->id, hw->id, gpus, aif_workload_name(w), aif_precision_name(prec), din, dout,
               r.tokens_per_s, r.tokens_per_s_per_gpu, r.batch, r.tp, r.pp, r.replicas, r.ttft_s,
               r.tpot_s);
    } else if (!common.quiet) {
        printf("%s %s inference on %ld x %s, %s%s\n", m->id, aif_workload_name(w), gpus, hw->id,
               aif_precision_name(prec), pnote);
        printf("  request           %.0f in / %.0f out tokens\n", din, dout);
        printf("  layout            TP %d x PP %d, %ld replicas\n", r.tp, r.pp, r.replicas);
        printf("  batch             %ld concurrent sequences per replica (HBM allows %ld)\n",
               r.batch, r.max_batch);
        printf("  output tokens/s   %.4g  (%.4g per GPU)\n", r.tokens_per_s,
               r.tokens_per_s_per_gpu);
        printf("  TTFT / TPOT       %.3f s / %.1f ms\n", r.ttft_s, 1e3 * r.tpot_s);
    }
    return CLI_EXIT_OK;
}
