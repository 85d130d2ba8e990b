/* The HTML report writer (see report.h): wraps the report data model, our JS/CSS and the
 * inlined chart library into one self-contained page, written atomically. The page makes
 * no network request: every byte it needs is in the file. */
#include "aifactory/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/outfile.h"
#include "report_internal.h"

int aif_report_has_chart_library(void) {
    return aif__report_uplot_js[0] != '\0';
}

static void html_text(FILE *fp, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

/* JSON inside <script> must never contain "</script" or "<!--": '<' only occurs inside
 * JSON strings, where \u003c means the same character. */
static void script_json(FILE *fp, const char *s) {
    for (; *s; s++) {
        if (*s == '<') {
            fputs("\\u003c", fp);
        } else {
            fputc(*s, fp);
        }
    }
}

static void page(FILE *fp, const char *title, const char *json, int svg) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"aifactory " AIF_VERSION_STRING "\">\n<title>",
          fp);
    html_text(fp, title);
    fputs("</title>\n", fp);
    if (!svg) {
        fputs("<style>\n", fp);
        fputs((const char *)aif__report_uplot_css, fp);
        fputs("\n</style>\n", fp);
    }
    fputs("<style>\n", fp);
    fputs((const char *)aif__report_css, fp);
    fputs("\n</style>\n</head>\n<body>\n<main id=\"report\"><h1>", fp);
    html_text(fp, title);
    fputs("</h1>\n<noscript><p class=\"warning\">This report draws its charts and tables with "
          "JavaScript; enable it, or read the CSV files next to this report.</p></noscript>\n"
          "</main>\n<script type=\"application/json\" id=\"aif-data\">",
          fp);
    script_json(fp, json);
    fputs("</script>\n", fp);
    if (!svg) {
        fputs("<script>\n", fp);
        fputs((const char *)aif__report_uplot_js, fp);
        fputs("\n</script>\n", fp);
    }
    fputs("<script>\n", fp);
    fputs((const char *)aif__report_js, fp);
    fputs("\n</script>\n</body>\n</html>\n", fp);
}

aif_status aif_report_write(aif_results *r, int64_t run_id, const char *path,
                            const aif_report_options *opt) {
    if (r == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    json_t *data = NULL;
    size_t nonfinite = 0;
    aif_status st = aif__report_data(r, run_id, &data, &nonfinite);
    if (st != AIF_OK) {
        return st;
    }
    if (opt && opt->nonfinite) {
        *opt->nonfinite = nonfinite;
    }
    return aif__report_page(r, data, path, opt);
}

/* The page of document `data` (this takes the reference) at `path`, atomically. */
static aif_status page_file(const aif_allocator *a, json_t *data, const char *path,
                            const aif_report_options *opt, aif_error *err) {
    int svg = (opt && opt->force_svg) || !aif_report_has_chart_library();
    json_t *lib = json_object();
    int ok =
        lib && json_object_set_new(lib, "uplot", json_boolean(!svg)) == 0 &&
        json_object_set_new(lib, "uplot_version",
                            json_string((const char *)aif__report_uplot_version)) == 0 &&
        json_object_set_new(lib, "inlined", json_boolean(aif_report_has_chart_library())) == 0 &&
        json_object_set_new(data, "charts_library", json_incref(lib)) == 0;
    json_decref(lib);
    const char *name = json_string_value(json_object_get(json_object_get(data, "run"), "name"));
    char title[300];
    if (opt && opt->title) {
        snprintf(title, sizeof title, "%s", opt->title);
    } else {
        snprintf(title, sizeof title, "aifactory report: %s", name ? name : "run");
    }
    /* A long name cut mid-character would not be a JSON string: drop the partial one. */
    size_t tl = strlen(title), last = tl;
    while (last > 0 && ((unsigned char)title[last - 1] & 0xC0) == 0x80) {
        last--;
    }
    if (last > 0 && (unsigned char)title[last - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)title[last - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (last - 1 + need > tl) {
            title[last - 1] = '\0';
        }
    }
    ok = ok && json_object_set_new(data, "title", json_string(title)) == 0;
    /* Compact and in insertion order: the page is identical for identical results. */
    char *json = ok ? json_dumps(data, JSON_COMPACT) : NULL;
    json_decref(data);
    if (json == NULL) {
        return aif_error_set(err, AIF_ENOMEM, "report: out of memory");
    }
    aif_outfile f;
    aif_status st = aif_outfile_open(&f, a, path, err);
    if (st == AIF_OK) {
        page(f.fp, title, json, svg);
        st = aif_outfile_commit(&f, err);
    }
    free(json);
    return st;
}

aif_status aif__report_page(aif_results *r, json_t *data, const char *path,
                            const aif_report_options *opt) {
    aif_error err = {0};
    aif_status st = page_file(aif__results_allocator(r), data, path, opt, &err);
    if (st != AIF_OK) {
        return aif__results_fail(r, st, "%s", err.message);
    }
    return AIF_OK;
}

aif_status aif_report_write_document(const char *json, const char *path,
                                     const aif_report_options *opt, aif_error *err) {
    if (json == NULL || path == NULL) {
        return AIF_EINVAL;
    }
    json_error_t jerr;
    json_t *data = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(data)) {
        json_decref(data);
        return aif_error_set(err, AIF_EINVAL, "report: the document is not a JSON object: %s",
                             data ? "another JSON value" : jerr.text);
    }
    return page_file(NULL, data, path, opt, err);
}
