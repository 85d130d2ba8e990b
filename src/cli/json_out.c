/* JSON output of the verbs (see json_out.h). */
#include "json_out.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

json_t *cli_json_g(double v, int digits) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    /* Digits only (and a sign): printf would show a whole number, and so does JSON, when
     * an int64 holds it (strtoll would saturate a larger one to INT64_MAX silently). */
    const char *body = buf + (buf[0] == '-');
    if (isfinite(v) && fabs(v) < 0x1p63 && strspn(body, "0123456789") == strlen(body)) {
        return json_integer((json_int_t)strtoll(buf, NULL, 10));
    }
    return json_real(v);
}

json_t *cli_json_fixed(double v, int decimals) {
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return cli_json_g(strtod(buf, NULL), 15);
}

json_t *cli_json_text(const char *s) {
    json_t *j = json_string(s);
    if (j != NULL || s == NULL) {
        return j;
    }
    char *copy = strdup(s);
    if (copy == NULL) {
        return NULL;
    }
    for (char *c = copy; *c; c++) {
        if ((unsigned char)*c >= 0x80) {
            *c = '?';
        }
    }
    j = json_string(copy);
    free(copy);
    return j;
}

int cli_json_print(const char *verb, json_t *root, size_t flags) {
    char *text = root ? json_dumps(root, flags) : NULL;
    json_decref(root);
    if (text == NULL) {
        fprintf(stderr, "aifactory %s: out of memory\n", verb);
        return CLI_EXIT_FAILURE;
    }
    /* A failed write leaves the stream in error for main's check of stdout at exit
     * (main.c); its errno is kept for that message, which free may otherwise overwrite. */
    int written = puts(text);
    int saved = errno;
    free(text);
    if (written == EOF) {
        errno = saved;
    }
    return CLI_EXIT_OK;
}
