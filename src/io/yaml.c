/* libfyaml set up so that the library never prints (see yaml.h). */
#include "yaml.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "textcheck.h"

static int clamp_int(unsigned long v) {
    return v > INT_MAX ? INT_MAX : (int)v;
}

static aif_status report_diag(struct fy_diag *diag, aif__yaml_error_fn on_error, void *ctx);

/* The explicit tag on a node event, or NULL. */
static struct fy_token *event_tag(struct fy_event *ev) {
    switch (ev->type) {
    case FYET_SCALAR:
        return ev->scalar.tag;
    case FYET_MAPPING_START:
        return ev->mapping_start.tag;
    case FYET_SEQUENCE_START:
        return ev->sequence_start.tag;
    default:
        return NULL;
    }
}

/* Whether a tag is one of YAML's own (!!str, !!int, ...): the loaders read every scalar as
 * text, so those change nothing; any other tag would be dropped silently. */
static bool core_tag(struct fy_token *tag) {
    static const char core[] = "tag:yaml.org,2002:";
    size_t n = 0;
    const char *t = fy_token_get_text(tag, &n);
    return t != NULL && n > sizeof core - 1 && memcmp(t, core, sizeof core - 1) == 0;
}

/* fy_document_build_from_string reads the first document and ignores the rest of the
 * stream, so a second document (or anything after a JSON value, which YAML reads as one)
 * would be dropped unseen; and a tag would be dropped too, leaving the value untagged.
 * One pass over the events refuses both at their position. The document already parsed,
 * so this pass only meets new syntax errors in what follows it. */
static aif_status stream_check(const struct fy_parse_cfg *pcfg, const char *text, size_t len,
                               aif__yaml_error_fn on_error, void *ctx) {
    struct fy_parser *p = fy_parser_create(pcfg);
    if (p == NULL) {
        return AIF_ENOMEM;
    }
    if (fy_parser_set_string(p, text, len) != 0) {
        fy_parser_destroy(p);
        return AIF_ENOMEM;
    }
    aif_status st = AIF_OK;
    int documents = 0;
    struct fy_event *ev;
    while (st == AIF_OK && (ev = fy_parser_parse(p)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        int line = m ? m->line + 1 : 0;
        int col = m ? m->column + 1 : 0;
        struct fy_token *tag = event_tag(ev);
        if (ev->type == FYET_DOCUMENT_START && ++documents > 1) {
            on_error(ctx, line, col, "expected one document, found a second one");
            st = AIF_EPARSE;
        } else if (tag != NULL && !core_tag(tag)) {
            size_t n = 0;
            const char *t = fy_token_get_text(tag, &n);
            const struct fy_mark *tm = fy_token_start_mark(tag);
            char msg[128];
            snprintf(msg, sizeof msg, "custom tags are not supported, found '%.*s%s'",
                     (int)(n < 60 ? n : 60), t ? t : "", n > 60 ? "..." : "");
            on_error(ctx, tm ? tm->line + 1 : line, tm ? tm->column + 1 : col, msg);
            st = AIF_EPARSE;
        }
        fy_parser_event_free(p, ev);
    }
    if (st == AIF_OK && fy_parser_get_stream_error(p)) {
        /* The first error is enough: the parser can record the same one more than once. */
        void *iter = NULL;
        struct fy_diag_error *e = fy_diag_errors_iterate(pcfg->diag, &iter);
        on_error(ctx, e ? e->line : 0, e ? e->column : 0,
                 e ? e->msg : "unreadable text after the document");
        st = AIF_EPARSE;
    }
    fy_parser_destroy(p);
    return st;
}

/* Does the line's content end with a block scalar header ("key: |", "- >-", "x: |2")?
 * Its following, more indented lines are then text, not YAML structure. */
static bool opens_block_scalar(const char *line, size_t n) {
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r')) {
        n--;
    }
    while (n > 0 && (line[n - 1] == '-' || line[n - 1] == '+' ||
                     (line[n - 1] >= '0' && line[n - 1] <= '9'))) {
        n--;
    }
    return n > 0 && (line[n - 1] == '|' || line[n - 1] == '>') &&
           (n == 1 || line[n - 2] == ' ' || line[n - 2] == '\t');
}

/* The first block-context explicit key indicator ("? " at the start of a line's content,
 * after any "- " entries), outside block scalars: 1-based line and column, or false.
 * libfyaml 0.7.12 dereferences a freed pointer cleaning up after some parse errors in an
 * explicit key (`? x:`, a tab, `:` kills the process), and no aifactory file needs explicit
 * keys, so they are refused before libfyaml sees the text. O(len). */
static bool find_explicit_key(const char *text, size_t len, unsigned long *line_no,
                              unsigned long *col) {
    size_t block_indent = 0;
    bool in_block = false;
    unsigned long line = 1;
    for (size_t start = 0; start < len; line++) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t i = start;
        while (i < end && text[i] == ' ') {
            i++;
        }
        size_t indent = i - start;
        bool blank = i == end || text[i] == '\r';
        if (in_block && (blank || indent > block_indent)) {
            start = end + 1;
            continue;
        }
        in_block = false;
        while (i + 1 < end && text[i] == '-' && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
            i += 2;
            while (i < end && (text[i] == ' ' || text[i] == '\t')) {
                i++;
            }
        }
        if (i < end && text[i] == '?' &&
            (i + 1 == end || text[i + 1] == ' ' || text[i + 1] == '\t' || text[i + 1] == '\r')) {
            *line_no = line;
            *col = (unsigned long)(i - start) + 1;
            return true;
        }
        if (opens_block_scalar(text + start, end - start)) {
            in_block = true;
            block_indent = indent;
        }
        start = end + 1;
    }
    return false;
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
    unsigned long key_line, key_col;
    if (find_explicit_key(text, len, &key_line, &key_col)) {
        on_error(ctx, clamp_int(key_line), clamp_int(key_col),
                 "explicit mapping keys ('? ') are not supported; write 'key: value'");
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
        aif_status st = stream_check(&pcfg, text, len, on_error, ctx);
        if (st != AIF_OK) {
            /* Callers read a document only on success: the refused one must not be bound. */
            fy_document_destroy(out->doc);
            out->doc = NULL;
        }
        return st;
    }
    return report_diag(out->diag, on_error, ctx);
}

static aif_status report_diag(struct fy_diag *diag, aif__yaml_error_fn on_error, void *ctx) {
    void *iter = NULL;
    struct fy_diag_error *e;
    bool any = false;
    while ((e = fy_diag_errors_iterate(diag, &iter)) != NULL) {
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
