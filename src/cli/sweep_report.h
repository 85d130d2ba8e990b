/* What a sweep's runs say together (docs/sweep.md): every run read back from the store, and
 * for each key figure its mean and percentiles across the successful runs and its Spearman
 * rank correlation with each parameter; printed as JSON (`sweep --json`) or as a table. */
#ifndef AIF_CLI_SWEEP_REPORT_H
#define AIF_CLI_SWEEP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "aifactory/sweep.h"
#include "aifactory/sweep_store.h"

/* Where a sweep's results are and where its page goes. */
typedef struct sweep_report_where {
    const char *db;       /* the database's URL without its password when the runs are in
                           * PostgreSQL, else NULL: they are in out_dir/sweep.sqlite */
    const char *out_dir;  /* the folder the user named (-o or the default); NULL for a --db
                           * sweep without -o, which gets no page */
    const char *html_dir; /* where report.html is written now: out_dir itself, or the private
                           * folder that becomes it when `publish` runs; NULL: no page */
    /* Called once the page is written and before anything is printed (a --db sweep's
     * folder is published there, so what is printed names a folder that exists); NULL:
     * nothing to do. Returns an exit code, the reason printed. */
    int (*publish)(void *ctx);
    void *publish_ctx;
} sweep_report_where;

/* Read every run of sweep `id` from `st`, write report.html into where->html_dir (when not
 * NULL), and print the JSON document or the table on stdout. *failed gets the number of
 * failed runs. Returns an exit code (1 when the store cannot be read, the page cannot be
 * written or published, or memory runs out, the reason printed). */
int sweep_report(const aif_sweep *sw, aif_sweep_store *st, int64_t id, const char *file,
                 const sweep_report_where *where, bool json, bool quiet, size_t *failed);

#endif
