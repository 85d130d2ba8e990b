/* Library errors on stderr (cli_errors.h). */
#include "cli_errors.h"

#include <stdio.h>

void cli_print_error(const char *verb, const aif_error *e, aif_status fallback) {
    char text[AIF_ERROR_MESSAGE_MAX + 4200]; /* the message and a path of up to 4 KiB */
    if (e->status == AIF_OK && e->message[0] == '\0') {
        fprintf(stderr, "aifactory %s: %s\n", verb, aif_strerror(fallback));
        return;
    }
    aif_error_format(e, text, sizeof text);
    fprintf(stderr, "aifactory %s: %s\n", verb, text);
}

size_t cli_print_error_list(const char *verb, const aif_error_list *l) {
    if (l == NULL) {
        return 0;
    }
    char text[AIF_ERROR_MESSAGE_MAX + 4200];
    for (size_t i = 0; i < l->count && i < AIF_ERROR_LIST_MAX; i++) {
        aif_error_format(aif_error_list_at(l, i), text, sizeof text);
        fprintf(stderr, "%s\n", text);
    }
    if (l->count > AIF_ERROR_LIST_MAX) {
        fprintf(stderr, "aifactory %s: %zu more errors not shown\n", verb,
                l->count - AIF_ERROR_LIST_MAX);
    }
    return l->count;
}
