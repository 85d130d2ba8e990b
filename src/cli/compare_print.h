/* The two renderings of `aifactory compare`: the terminal table (every output with A, B,
 * B - A and B / A and its unit, then the contract events that differ, dated) and the
 * --json document (docs/compare.md). */
#ifndef AIF_CLI_COMPARE_PRINT_H
#define AIF_CLI_COMPARE_PRINT_H

#include <stdio.h>

#include <jansson.h>

#include "aifactory/compare.h"
#include "compare_source.h"

/* Print the table to `out`; `report` is the report's path, or NULL when none was written. */
void compare_print_table(FILE *out, const aif_compare *c, const compare_source *a,
                         const compare_source *b, const char *report);

/* The --json document (a new reference; NULL only when out of memory). */
json_t *compare_json(const aif_compare *c, const compare_source *a, const compare_source *b,
                     const char *report);

#endif
