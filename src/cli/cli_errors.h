/* Printing library errors on stderr the one way every verb does: each error through
 * aif_error_format ("file:line:col: error: message"), then "N more errors not shown" when a
 * list kept fewer than it counted. */
#ifndef AIF_CLI_CLI_ERRORS_H
#define AIF_CLI_CLI_ERRORS_H

#include <stddef.h>

#include "aifactory/error.h"

/* Print `e`, prefixed "aifactory VERB: " when it is not tied to a file; `fallback` is the
 * status to name when e recorded nothing (status AIF_OK). */
void cli_print_error(const char *verb, const aif_error *e, aif_status fallback);

/* Print every kept error of `l` and the count of the dropped ones; returns l->count (0 for
 * NULL). */
size_t cli_print_error_list(const char *verb, const aif_error_list *l);

#endif
