/* Catalog loading shared by the `catalog` and `plan` verbs: the embedded
 * default plus every
 * --catalog FILE in order, with load errors printed as "file:line:col: error:
 * message". */
#ifndef AIF_CLI_CLI_CATALOG_H
#define AIF_CLI_CLI_CATALOG_H

#include "aifactory/catalog.h"

/* Returns CLI_EXIT_OK with *out set, CLI_EXIT_USAGE after printing every error
 * of the first bad file, or CLI_EXIT_FAILURE on out-of-memory. */
int cli_catalog_open(const char *verb, const char *const *files, int file_count, aif_catalog **out);

#endif
