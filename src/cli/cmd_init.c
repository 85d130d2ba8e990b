/* `aifactory init [--template NAME] FILE`: writes a commented scenario that validates and
 * runs as it is, so a new user starts from a working file instead of copying the 300-line
 * default. The file is written under a temporary name and renamed into place (outfile.h);
 * an existing FILE is kept unless --force. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "aifactory/outfile.h"
#include "aifactory/suggest.h"
#include "aifactory/syserr.h"
#include "aifactory/templates.h"
#include "args.h"
#include "cli_errors.h"
#include "cli.h"
#include "json_out.h"

typedef struct init_args {
    cli_common common;
    const char *template_name;
    bool force, list;
} init_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "template",
     .short_name = 't',
     .value_name = "NAME",
     .help = "full (default), single-site or cloud-only (see --list-templates)",
     .set = cli_set_text,
     .offset = offsetof(init_args, template_name)},
    {.name = "force",
     .help = "replace FILE if it exists",
     .set = cli_set_flag,
     .offset = offsetof(init_args, force)},
    {.name = "list-templates",
     .help = "list the templates and exit",
     .set = cli_set_flag,
     .offset = offsetof(init_args, list)},
};

static const cli_verb_spec spec = {
    .name = "init",
    .usage = "[--template NAME] FILE [options]",
    .description = "Write a commented scenario file to start from. Each template validates and\n"
                   "runs as written; values marked EXAMPLE are placeholders for your own.\n",
    .examples = "aifactory init --template single-site my-campus.yaml\n"
                "aifactory init --template cloud-only rented.yaml --force\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 1,
};

static const char *template_name_at(const void *list, size_t i) {
    (void)list;
    aif_scenario_template t;
    return aif_scenario_template_get(i, &t) ? t.name : NULL;
}

static int list_templates(const cli_common *c) {
    size_t n = aif_scenario_template_count();
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            aif_scenario_template t;
            aif_scenario_template_get(i, &t);
            json_array_append_new(arr,
                                  json_pack("{s:s,s:s}", "name", t.name, "summary", t.summary));
        }
        return cli_json_print("init", json_pack("{s:o}", "templates", arr), JSON_PRESERVE_ORDER);
    }
    if (!c->quiet) {
        for (size_t i = 0; i < n; i++) {
            aif_scenario_template t;
            aif_scenario_template_get(i, &t);
            printf("  %-12s %s\n", t.name, t.summary);
        }
    }
    return CLI_EXIT_OK;
}

/* The scenario name for FILE: its base name without the extension when that is a plain
 * id (letters, digits, '.', '_', '-'), so `run FILE` names its results after the file;
 * else "" (the template's own name is kept). */
static void name_for(const char *path, char *buf, size_t size) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strcspn(base, ".");
    buf[0] = '\0';
    if (len == 0 || len >= size) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = base[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        if (!ok) {
            return;
        }
    }
    memcpy(buf, base, len);
    buf[len] = '\0';
}

/* Write the template with its `name:` line set to `name` (when not ""). */
static bool write_template(FILE *fp, const aif_scenario_template *t, const char *name) {
    const char *text = t->text, *end = t->text + t->len;
    const char *line = strstr(text, "\nname: ");
    if (name[0] == '\0' || line == NULL) {
        return fwrite(text, 1, t->len, fp) == t->len;
    }
    line++;
    const char *after = memchr(line, '\n', (size_t)(end - line));
    after = after ? after : end;
    return fwrite(text, 1, (size_t)(line - text), fp) == (size_t)(line - text) &&
           fprintf(fp, "name: %s", name) > 0 &&
           fwrite(after, 1, (size_t)(end - after), fp) == (size_t)(end - after);
}

int cmd_init(int argc, char **argv) {
    init_args a = {0};
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        return cli_parse_exit(rc);
    }
    if (a.list) {
        return list_templates(&a.common);
    }
    const char *path = a.common.positional[0];
    if (path == NULL || path[0] == '\0') {
        return cli_usage_error(&spec, "give the FILE to write");
    }
    aif_scenario_template t;
    const char *want = a.template_name ? a.template_name : "full";
    if (!aif_scenario_template_find(want, &t)) {
        const char *near[3];
        size_t n =
            aif_suggest_from(want, template_name_at, NULL, aif_scenario_template_count(), near, 3);
        char hint[320];
        return cli_usage_error(&spec, "unknown --template '%.80s'%s; see --list-templates", want,
                               aif_suggest_text(hint, sizeof hint, near, n));
    }
    struct stat st;
    if (!a.force && stat(path, &st) == 0) {
        return cli_usage_error(&spec, "%s exists; give --force to replace it", path);
    }
    char name[128];
    name_for(path, name, sizeof name);
    aif_outfile out;
    aif_error err = {0};
    if (aif_outfile_open(&out, NULL, path, &err) != AIF_OK) {
        cli_print_error("init", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    if (!write_template(out.fp, &t, name)) {
        char why[AIF_SYSERR_MAX];
        aif_syserr(errno, why); /* before the abort's close and remove change errno */
        aif_outfile_abort(&out);
        fprintf(stderr, "aifactory init: cannot write %s: %s\n", path, why);
        return CLI_EXIT_FAILURE;
    }
    if (aif_outfile_commit(&out, &err) != AIF_OK) {
        cli_print_error("init", &err, AIF_EIO);
        return CLI_EXIT_FAILURE;
    }
    if (a.common.json) {
        return cli_json_print("init", json_pack("{s:s,s:s}", "file", path, "template", t.name),
                              JSON_PRESERVE_ORDER);
    }
    if (!a.common.quiet) {
        printf("wrote %s (template %s)\nnext: aifactory validate %s\n      aifactory run %s\n",
               path, t.name, path, path);
    }
    return CLI_EXIT_OK;
}
