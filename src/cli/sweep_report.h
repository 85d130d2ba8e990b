/* What a sweep's runs say together (docs/sweep.md): every run read back from the store, and
 * for each key figure its mean and percentiles across the successful runs and its Spearman
 * rank correlation with each parameter; printed as JSON (`sweep --json`) or as a table. */
#ifndef AIF_CLI_SWEEP_REPORT_H
#define AIF_CLI_SWEEP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "aifactory/sweep.h"
#include "aifactory/sweep_store.h"

/* Read every run of sweep `id` from `st` and print the JSON document or the table on
 * stdout (`dir`: the output folder, for both; `db`: instead, the database's URL without its
 * password when the runs are in PostgreSQL, else NULL). *failed gets the number of failed runs.
 * Returns an exit code (1 when the store cannot be read or memory runs out, the reason
 * printed). */
int sweep_report(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                 const char *dir, const char *db, bool json, bool quiet, size_t *failed);

#endif
