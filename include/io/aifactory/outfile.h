/* Output files that are never seen half-written: a file is written under a temporary name
 * ("<path>.tmp-XXXXXX", made with mkstemp in the final directory) and renamed over `path`
 * only once it is complete and synced, so an interrupted or failed write leaves whatever
 * was there before (or nothing), never a partial file. Every output of a run goes through
 * it: results CSVs, summary.json, the report, a replay's jobs.csv and timeseries.csv. */
#ifndef AIFACTORY_OUTFILE_H
#define AIFACTORY_OUTFILE_H

#include <stdio.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/status.h"

typedef struct aif_outfile {
    FILE *fp; /* write here between open and commit */
    char *tmp_path;
    char *final_path;
    const aif_allocator *alloc;
} aif_outfile;

/* Create the temporary file next to `path` (mode 0644) and open it for writing. Errors:
 * AIF_ENOMEM, AIF_EIO; `err` (may be NULL) then says "cannot write PATH: <system reason>
 * (<ERRNO NAME>)". On error `f` holds nothing to release. */
aif_status aif_outfile_open(aif_outfile *f, const aif_allocator *a, const char *path,
                            aif_error *err);

/* Flush, sync, close and rename into place. On any failure (a write error seen by the
 * stream, fsync, close or rename) the temporary file is removed, AIF_EIO returned and
 * `err` (may be NULL) names the path and the system's reason, e.g. "cannot write
 * out/jobs.csv: No space left on device (ENOSPC)". Always releases `f`. */
aif_status aif_outfile_commit(aif_outfile *f, aif_error *err);

/* Close and remove the temporary file without publishing it. Safe on a zeroed struct and
 * after commit. */
void aif_outfile_abort(aif_outfile *f);

#endif
