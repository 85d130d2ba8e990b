/* libfyaml set up so that the library never prints (see yaml.h). */
#include "yaml.h"

#include <limits.h>

#include "textcheck.h"

static int clamp_int(unsigned long v) {
    return v > INT_MAX ? INT_MAX : (int)v;
}

aif_status aif__yaml_parse(const char *text, size_t len, aif__yaml *out,
                           aif__yaml_error_fn on_error, void *ctx) {
    *out = (aif__yaml){0};
    /* Every YAML input passes here, so this one check keeps bytes that hang libfyaml (see
     * textcheck.h) from every loader: scenario, catalog, models and cluster files. */
    aif__text_fault fault;
    if (!aif__text_check(text, len, &fault)) {
        char msg[64];
        on_error(ctx, clamp_int(fault.line), clamp_int(fault.col),
                 aif__text_fault_message(&fault, msg, sizeof msg));
        return AIF_EPARSE;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL; /* collect, never print */
    dcfg.colorize = false;
    out->diag = fy_diag_create(&dcfg);
    if (out->diag == NULL) {
        return AIF_ENOMEM;
    }
    fy_diag_set_collect_errors(out->diag, true);
    struct fy_parse_cfg pcfg = {0};
    pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_NONE;
    pcfg.diag = out->diag;
    out->doc = fy_document_build_from_string(&pcfg, text, len);
    if (out->doc != NULL) {
        return AIF_OK;
    }
    void *iter = NULL;
    struct fy_diag_error *e;
    bool any = false;
    while ((e = fy_diag_errors_iterate(out->diag, &iter)) != NULL) {
        on_error(ctx, e->line, e->column, e->msg);
        any = true;
    }
    /* libfyaml builds no document for an empty stream and reports no error then. */
    return any ? AIF_EPARSE : AIF_OK;
}

void aif__yaml_close(aif__yaml *y) {
    if (y->doc) {
        fy_document_destroy(y->doc);
    }
    if (y->diag) {
        fy_diag_destroy(y->diag);
    }
    *y = (aif__yaml){0};
}

const char *aif__yaml_node_kind(struct fy_node *n) {
    if (n == NULL) {
        return "nothing";
    }
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR:
        return "a scalar";
    case FYNT_SEQUENCE:
        return "a sequence";
    case FYNT_MAPPING:
        return "a mapping";
    }
    return "an unknown node";
}

bool aif__yaml_valid_id(const char *s, size_t len) {
    if (len == 0 || len > 64) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (!alnum && (i == 0 || (ch != '-' && ch != '_' && ch != '.'))) {
            return false;
        }
    }
    return true;
}
