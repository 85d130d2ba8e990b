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
#include "args.h"
#include "cli.h"
#include "cli_catalog.h"

#define MAX_MODEL_FILES 16

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
    OPT_TRAIN_TOKENS,
    OPT_TRAIN_FLOP,
    OPT_CATALOG,
    OPT_MODELS,
};

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"model", "ID", "model id (gpt3-175b, llama2-70b, llama3.1-8b/70b/405b, mixtral-8x7b, ...)"},
    {"system", "ID",
     "built-in id (h100, gb200, ...) or catalog system (gb200-nvl72, mi355x-8, ...)"},
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
    {"train-tokens", "N", "training: time and GPU-hours to train on N tokens (default 1e12)"},
    {"train-flop", "F", "training: time and GPU-hours to spend F FLOP of model compute"},
    {"catalog", "FILE", "merge a hardware catalog file (repeatable)"},
    {"models", "FILE", "merge a models YAML file (repeatable; schema of data/models.yaml)"},
};

static const cli_verb_spec spec = {
    .name = "perf",
    .usage = "--model ID --system ID --gpus N --workload KIND [options]",
    .description = "Performance model: training and inference throughput of a model on a "
                   "system,\nfrom first principles calibrated on public results.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

/* What the command line asks for, after parsing; 0 = default or automatic. */
typedef struct perf_request {
    long gpus, in, out, seq, batch, tp, pp, dp;
    double train_tokens, train_flop; /* the training budget: at most one is set */
} perf_request;

/* A positive, finite amount such as 1.5e13 (tokens or FLOP). */
static int parse_amount(const char *s, const char *name, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v > 0) || v > 1e40) {
        return cli_usage_error(&spec, "--%s expects a positive number such as 1.5e13, found '%s'",
                               name, s);
    }
    *out = v;
    return CLI_EXIT_OK;
}

static int parse_long(const char *s, const char *name, long lo, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo) {
        return cli_usage_error(&spec, "--%s expects an integer >= %ld, found '%s'", name, lo, s);
    }
    *out = v;
    return CLI_EXIT_OK;
}

/* The built-in models plus every --models file, errors printed as file:line:col. */
static int open_models(const char *const *files, int count, aif_model_set **out) {
    aif_model_set *set = NULL;
    aif_status st = aif_model_set_create(NULL, 1, &set);
    for (int i = 0; i < count && st == AIF_OK; i++) {
        st = aif_model_set_merge_file(set, files[i]);
    }
    if (st == AIF_OK) {
        *out = set;
        return CLI_EXIT_OK;
    }
    size_t n = aif_model_set_error_count(set);
    for (size_t i = 0; i < n && i < AIF_MODEL_MAX_ERRORS; i++) {
        const aif_model_error *e = aif_model_set_error_at(set, i);
        if (e->line > 0) {
            fprintf(stderr, "%s:%d:%d: error: %s\n", e->file, e->line, e->col, e->message);
        } else {
            fprintf(stderr, "%s: error: %s\n", e->file, e->message);
        }
    }
    if (n > AIF_MODEL_MAX_ERRORS) {
        fprintf(stderr, "aifactory perf: %zu more errors not shown\n", n - AIF_MODEL_MAX_ERRORS);
    }
    if (n == 0) {
        fprintf(stderr, "aifactory perf: cannot load models: %s\n", aif_strerror(st));
    }
    aif_model_set_destroy(set);
    return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

static int run(const cli_common *common, const aif_model_spec *m, const aif_perf_hw *hw,
               aif_workload w, const char *prec_s, const perf_request *rq);

int cmd_perf(int argc, char **argv) {
    cli_parser p;
    cli_common common = {.progress = "auto"};
    const char *model_id = NULL, *system_id = NULL, *workload_s = NULL, *prec_s = NULL;
    perf_request rq = {.seq = 4096, .batch = 1024};
    const char *catalogs[CLI_MAX_CATALOG_FILES], *model_files[MAX_MODEL_FILES];
    int ncatalogs = 0, nmodel_files = 0;
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
            rc = parse_long(p.value, "gpus", 1, &rq.gpus);
            break;
        case OPT_INPUT:
            rc = parse_long(p.value, "input-tokens", 1, &rq.in);
            break;
        case OPT_OUTPUT:
            rc = parse_long(p.value, "output-tokens", 1, &rq.out);
            break;
        case OPT_SEQ:
            rc = parse_long(p.value, "seq-len", 1, &rq.seq);
            break;
        case OPT_BATCH:
            rc = parse_long(p.value, "global-batch", 1, &rq.batch);
            break;
        case OPT_TP:
            rc = parse_long(p.value, "tp", 1, &rq.tp);
            break;
        case OPT_PP:
            rc = parse_long(p.value, "pp", 1, &rq.pp);
            break;
        case OPT_DP:
            rc = parse_long(p.value, "dp", 1, &rq.dp);
            break;
        case OPT_TRAIN_TOKENS:
            rc = parse_amount(p.value, "train-tokens", &rq.train_tokens);
            break;
        case OPT_TRAIN_FLOP:
            rc = parse_amount(p.value, "train-flop", &rq.train_flop);
            break;
        case OPT_CATALOG:
            if (ncatalogs == CLI_MAX_CATALOG_FILES) {
                return cli_usage_error(&spec, "at most %d --catalog files", CLI_MAX_CATALOG_FILES);
            }
            catalogs[ncatalogs++] = p.value;
            break;
        case OPT_MODELS:
            if (nmodel_files == MAX_MODEL_FILES) {
                return cli_usage_error(&spec, "at most %d --models files", MAX_MODEL_FILES);
            }
            model_files[nmodel_files++] = p.value;
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
    if (!model_id || !system_id || !rq.gpus || !workload_s) {
        return cli_usage_error(&spec, "--model, --system, --gpus and --workload are required");
    }
    aif_workload w;
    if (aif_workload_parse(workload_s, &w) != AIF_OK) {
        return cli_usage_error(
            &spec, "--workload expects offline, server, interactive or training, found '%s'",
            workload_s);
    }
    if (rq.train_tokens > 0 && rq.train_flop > 0) {
        return cli_usage_error(&spec, "give --train-tokens or --train-flop, not both");
    }
    if ((rq.train_tokens > 0 || rq.train_flop > 0) && w != AIF_WORKLOAD_TRAINING) {
        return cli_usage_error(&spec,
                               "--train-tokens and --train-flop apply to --workload training");
    }
    aif_model_set *models = NULL;
    int rc = open_models(model_files, nmodel_files, &models);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    aif_catalog *cat = NULL;
    rc = cli_catalog_open("perf", catalogs, ncatalogs, &cat);
    if (rc != CLI_EXIT_OK) {
        aif_model_set_destroy(models);
        return rc;
    }
    const aif_model_spec *m = aif_model_set_find(models, model_id);
    aif_perf_hw hw;
    aif_error note;
    if (m == NULL) {
        rc = cli_usage_error(&spec, "unknown model '%s'", model_id);
    } else if (aif_perf_hw_resolve(cat, system_id, &hw, &note) != AIF_OK) {
        rc = cli_usage_error(&spec, "%s", note.message);
    } else {
        if (note.message[0] != '\0') {
            fprintf(stderr, "aifactory perf: note: %s\n", note.message);
        }
        rc = run(&common, m, &hw, w, prec_s, &rq);
    }
    aif_catalog_destroy(cat);
    aif_model_set_destroy(models);
    return rc;
}

/* For catalog systems, the per-GPU figures the adapter derived, so users can check them. */
static void print_hw(const aif_perf_hw *hw, int from_catalog) {
    if (!from_catalog) {
        return;
    }
    printf("  hardware          %s (catalog): %.0f GB HBM at %.2f TB/s, scale-up %d GPUs at "
           "%.0f GB/s, scale-out %.0f GB/s per GPU\n",
           hw->source, hw->hbm_bytes / 1e9, hw->hbm_bytes_per_s / 1e12, hw->scaleup_domain_gpus,
           hw->scaleup_bytes_per_s / 1e9, hw->scaleout_bytes_per_s / 1e9);
}

/* Time and GPU-hours to the requested training budget (default: 1e12 tokens). */
static void print_budget(const cli_common *common, const perf_request *rq,
                         const aif_perf_train_result *r, long gpus) {
    double tokens = rq->train_flop > 0 ? rq->train_flop / r->flops_per_token
                                       : (rq->train_tokens > 0 ? rq->train_tokens : 1e12);
    double seconds = rq->train_flop > 0 ? aif_perf_train_time_for_flops(r, rq->train_flop)
                                        : aif_perf_train_time_for_tokens(r, tokens);
    double flop = tokens * r->flops_per_token, gpu_hours = seconds * (double)gpus / 3600.0;
    if (common->json) {
        printf(",\"budget_tokens\":%.6g,\"budget_flop\":%.6g,\"budget_time_s\":%.6g,"
               "\"budget_gpu_hours\":%.6g",
               tokens, flop, seconds, gpu_hours);
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

static int refused(const char *message, const aif_perf_train_query *tq,
                   const aif_perf_infer_query *iq) {
    fprintf(stderr, "aifactory perf: %s\n", message);
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

static int run(const cli_common *common, const aif_model_spec *m, const aif_perf_hw *hw,
               aif_workload w, const char *prec_s, const perf_request *rq) {
    long gpus = rq->gpus, seq = rq->seq, batch = rq->batch;
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
    /* A catalog id names a node or rack, so say that --gpus counts GPUs, not systems. */
    int from_catalog = aif_perf_hw_find(hw->id) == NULL;
    const char *on = from_catalog ? " GPUs of " : " x ";
    if (w == AIF_WORKLOAD_TRAINING) {
        aif_perf_train_query q = {m,     hw,          gpus,        prec,       (int)seq,
                                  batch, (int)rq->tp, (int)rq->pp, (int)rq->dp};
        aif_perf_train_result r;
        aif_status st = aif_perf_train(c, &q, &r);
        if (st != AIF_OK) {
            if (st == AIF_ERANGE) {
                return refused(r.message, &q, NULL);
            }
            fprintf(stderr, "aifactory perf: %s\n", r.message);
            return CLI_EXIT_USAGE;
        }
        if (common->json) {
            printf("{\"model\":\"%s\",\"system\":\"%s\",\"gpus\":%ld,\"workload\":\"training\","
                   "\"precision\":\"%s\",\"tokens_per_s\":%.6g,\"tokens_per_s_per_gpu\":%.6g,"
                   "\"batch\":%ld,\"tp\":%d,\"pp\":%d,\"dp\":%d,\"step_time_s\":%.6g,"
                   "\"mfu\":%.4f,\"seq_len\":%ld,\"flops_per_token\":%.6g",
                   m->id, hw->id, gpus, aif_precision_name(prec), r.tokens_per_s,
                   r.tokens_per_s_per_gpu, batch, r.tp, r.pp, r.dp, r.step_time_s, r.mfu, seq,
                   r.flops_per_token);
            print_budget(common, rq, &r, gpus);
            printf("}\n");
        } else if (!common->quiet) {
            printf("%s training on %ld%s%s, %s%s\n", m->id, gpus, on, hw->id,
                   aif_precision_name(prec), pnote);
            print_hw(hw, from_catalog);
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
            print_budget(common, rq, &r, gpus);
        }
        return CLI_EXIT_OK;
    }
    double din = rq->in ? (double)rq->in : c->mlperf_input_tokens;
    double dout = rq->out ? (double)rq->out : 294.0;
    aif_perf_infer_query q = {m, hw, gpus, prec, din, dout, w, (int)rq->tp, (int)rq->pp, NULL};
    aif_perf_infer_result r;
    aif_status st = aif_perf_infer(c, &q, &r);
    if (st != AIF_OK) {
        if (st == AIF_ERANGE) {
            return refused(r.message, NULL, &q);
        }
        fprintf(stderr, "aifactory perf: %s\n", r.message);
        return CLI_EXIT_USAGE;
    }
    if (common->json) {
        printf("{\"model\":\"%s\",\"system\":\"%s\",\"gpus\":%ld,\"workload\":\"%s\","
               "\"precision\":\"%s\",\"input_tokens\":%.6g,\"output_tokens\":%.6g,"
               "\"tokens_per_s\":%.6g,\"tokens_per_s_per_gpu\":%.6g,\"batch\":%ld,\"tp\":%d,"
               "\"pp\":%d,\"dp\":%ld,\"ttft_s\":%.6g,\"tpot_s\":%.6g}\n",
               m->id, hw->id, gpus, aif_workload_name(w), aif_precision_name(prec), din, dout,
               r.tokens_per_s, r.tokens_per_s_per_gpu, r.batch, r.tp, r.pp, r.replicas, r.ttft_s,
               r.tpot_s);
    } else if (!common->quiet) {
        printf("%s %s inference on %ld%s%s, %s%s\n", m->id, aif_workload_name(w), gpus, on, hw->id,
               aif_precision_name(prec), pnote);
        print_hw(hw, from_catalog);
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
