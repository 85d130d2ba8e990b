/* `aifactory models list|show ID`: the LLM architectures the performance model knows (the
 * built-in table, plus --models files), each with its source, so a user can find an id
 * without reading data/models.yaml. --json prints one JSON object with a fixed key order. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/models.h"
#include "aifactory/suggest.h"
#include "args.h"
#include "cli.h"
#include "cli_errors.h"
#include "cli_models.h"
#include "json_out.h"

typedef struct models_args {
    cli_common common;
    cli_list models;
} models_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "models",
     .value_name = "FILE",
     .help = "merge a models YAML file (repeatable; schema of data/models.yaml)",
     .set = cli_set_list,
     .offset = offsetof(models_args, models)},
};

static const cli_verb_spec spec = {
    .name = "models",
    .usage = "(list | show ID) [options]",
    .description = "The LLM architectures the performance model knows (perf --model ID, the\n"
                   "scenario's inference and training models), with their sizes and sources.\n",
    .examples = "aifactory models list\n"
                "aifactory models show deepseek-v3 --json\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 2,
};

int cli_models_open(const char *verb, const char *const *files, int file_count,
                    aif_model_set **out) {
    aif_model_set *set = NULL;
    aif_status st = aif_model_set_create(NULL, 1, &set);
    for (int i = 0; i < file_count && st == AIF_OK; i++) {
        st = aif_model_set_merge_file(set, files[i]);
    }
    if (st == AIF_OK) {
        *out = set;
        return CLI_EXIT_OK;
    }
    size_t n = cli_print_error_list(verb, aif_model_set_errors(set));
    if (n == 0) {
        fprintf(stderr, "aifactory %s: cannot load models: %s\n", verb, aif_strerror(st));
    }
    aif_model_set_destroy(set);
    return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

static const char *model_id_at(const void *list, size_t i) {
    const aif_model_spec *m = aif_model_set_at(list, i);
    return m ? m->id : NULL;
}

int cli_models_unknown(const cli_verb_spec *verb, const aif_model_set *set, const char *id) {
    const char *near[3];
    size_t n = aif_suggest_from(id, model_id_at, set, aif_model_set_count(set), near, 3);
    char hint[320];
    return cli_usage_error(verb, "unknown model '%.80s'%s; see 'aifactory models list'", id,
                           aif_suggest_text(hint, sizeof hint, near, n));
}

static const char *kind_of(const aif_model_spec *m) {
    return m->experts > 0 ? "MoE" : "dense";
}

static json_t *model_json(const aif_model_spec *m, bool full) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(m->id));
    json_object_set_new(o, "kind", json_string(kind_of(m)));
    json_object_set_new(o, "params_total", json_real(m->params_total));
    json_object_set_new(o, "params_active", json_real(m->params_active));
    json_object_set_new(o, "layers", json_integer(m->layers));
    json_object_set_new(o, "max_context", json_integer(m->max_context));
    if (full) {
        json_object_set_new(o, "hidden", json_integer(m->hidden));
        json_object_set_new(o, "heads", json_integer(m->heads));
        json_object_set_new(o, "kv_heads", json_integer(m->kv_heads));
        json_object_set_new(o, "head_dim", json_integer(m->head_dim));
        json_object_set_new(o, "ffn", json_integer(m->ffn));
        json_object_set_new(o, "vocab", json_integer(m->vocab));
        json_object_set_new(o, "experts", json_integer(m->experts));
        json_object_set_new(o, "experts_active", json_integer(m->experts_active));
        json_object_set_new(o, "kv_latent_dim", json_integer(m->kv_latent_dim));
        json_object_set_new(o, "kv_bytes_per_token_bf16",
                            json_real(2 * aif_model_kv_elems_per_token_layer(m) * m->layers));
    }
    json_object_set_new(o, "source", m->source ? json_string(m->source) : json_null());
    return o;
}

static int do_list(const aif_model_set *set, const cli_common *c) {
    size_t n = aif_model_set_count(set);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(arr, model_json(aif_model_set_at(set, i), false));
        }
        json_t *root = json_object();
        json_object_set_new(root, "models", arr);
        return cli_json_print("models", root,
                              JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    }
    if (c->quiet) {
        return CLI_EXIT_OK;
    }
    printf("%-16s %-6s %12s %12s %7s %9s  %s\n", "id", "kind", "params (B)", "active (B)", "layers",
           "context", "source");
    for (size_t i = 0; i < n; i++) {
        const aif_model_spec *m = aif_model_set_at(set, i);
        printf("%-16s %-6s %12.1f %12.1f %7d %9d  %s\n", m->id, kind_of(m), m->params_total / 1e9,
               m->params_active / 1e9, m->layers, m->max_context, m->source ? m->source : "-");
    }
    return CLI_EXIT_OK;
}

static void show_text(const aif_model_spec *m) {
    printf("%s (%s)\n", m->id, kind_of(m));
    printf("  %-26s %.4g (%.1f B)\n", "params_total", m->params_total, m->params_total / 1e9);
    printf("  %-26s %.4g (%.1f B)\n", "params_active", m->params_active, m->params_active / 1e9);
    const struct {
        const char *key;
        int value;
    } ints[] = {{"layers", m->layers},
                {"hidden", m->hidden},
                {"heads", m->heads},
                {"kv_heads", m->kv_heads},
                {"head_dim", m->head_dim},
                {"ffn", m->ffn},
                {"vocab", m->vocab},
                {"max_context (tokens)", m->max_context},
                {"experts", m->experts},
                {"experts_active", m->experts_active},
                {"kv_latent_dim", m->kv_latent_dim}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        printf("  %-26s %d\n", ints[i].key, ints[i].value);
    }
    printf("  %-26s %.0f\n", "KV bytes/token (bf16)",
           2 * aif_model_kv_elems_per_token_layer(m) * m->layers);
    printf("  %-26s %s\n", "source", m->source ? m->source : "-");
}

int cmd_models(int argc, char **argv) {
    models_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    int npos = a.common.positional_count;
    const char *const *pos = a.common.positional;
    bool list = npos == 1 && strcmp(pos[0], "list") == 0;
    bool show = npos == 2 && strcmp(pos[0], "show") == 0;
    if (!list && !show) {
        if (npos >= 1 && strcmp(pos[0], "show") == 0) {
            return cli_usage_error(&spec, "'show' needs an ID (see 'aifactory models list')");
        }
        return cli_usage_error(&spec, "expected 'list' or 'show ID'");
    }
    aif_model_set *set = NULL;
    rc = cli_models_open("models", a.models.items, a.models.count, &set);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (list) {
        rc = do_list(set, &a.common);
    } else {
        const aif_model_spec *m = aif_model_set_find(set, pos[1]);
        if (m == NULL) {
            rc = cli_models_unknown(&spec, set, pos[1]);
        } else if (a.common.json) {
            rc = cli_json_print("models", model_json(m, true),
                                JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        } else if (!a.common.quiet) {
            show_text(m);
        }
    }
    aif_model_set_destroy(set);
    return rc;
}
