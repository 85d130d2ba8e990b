/* JSON on stdout for every verb's --json: one jansson object, one way to print it.
 *
 * The numbers keep the form the verbs have always printed: a value shown with N significant
 * digits (printf's %.Ng) goes through cli_json_g, which gives a JSON integer when that form
 * has no decimal point (so 24361 stays "24361", not "24361.0") and a real otherwise; the
 * document is then printed with JSON_REAL_PRECISION(N). */
#ifndef AIF_CLI_JSON_OUT_H
#define AIF_CLI_JSON_OUT_H

#include <stddef.h>

#include <jansson.h>

/* The number `v` as printf("%.*g", digits, v) would show it. Never NULL unless out of
 * memory. */
json_t *cli_json_g(double v, int digits);

/* `v` rounded to `decimals` places (what %.Nf shows): for fractions printed with a fixed
 * number of decimals, in a document printed at a precision (6, say) that shows them whole
 * without the binary noise of 17 digits. */
json_t *cli_json_fixed(double v, int decimals);

/* A string from user data (a trace's VC names): text that is not UTF-8 has its non-ASCII
 * bytes replaced by '?', since JSON text must be UTF-8. */
json_t *cli_json_text(const char *s);

/* Print `root` (consumed, may be NULL after an allocation failure) with `flags` and a
 * newline to stdout. Returns CLI_EXIT_OK, or CLI_EXIT_FAILURE after printing
 * "aifactory VERB: out of memory". */
int cli_json_print(const char *verb, json_t *root, size_t flags);

#endif
