/* Shared-internal view of the results store for its other source files (CSV and JSON
 * export, the HTML report): the SQLite connection, the allocator, error text and the
 * atomic-file helpers that every output of a run goes through. */
#ifndef AIFACTORY_IO_RESULTS_INTERNAL_H
#define AIFACTORY_IO_RESULTS_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "aifactory/results.h"

/* The connection of an open store (never NULL for a live handle). */
sqlite3 *aif__results_db(const aif_results *r);

/* The allocator the handle was created with (never NULL). */
const aif_allocator *aif__results_allocator(const aif_results *r);

/* Record a printf-style reason on the handle; returns `status` for tail calls. */
aif_status aif__results_fail(aif_results *r, aif_status status, const char *fmt, ...);

/* An output file written under a temporary name in its final directory and renamed into
 * place on commit, so readers never see a partial file. */
typedef struct aif__results_file {
    FILE *fp;
    char *tmp_path;
    char *final_path;
    const aif_allocator *alloc;
} aif__results_file;

/* Open "<path>.tmp-XXXXXX" for writing. Errors: AIF_ENOMEM, AIF_EIO. */
aif_status aif__results_file_open(aif__results_file *f, const aif_allocator *a, const char *path);

/* Flush, sync, close and rename into place; on any failure the temporary file is removed
 * and AIF_EIO returned. Always releases `f`. */
aif_status aif__results_file_commit(aif__results_file *f);

/* Close and remove the temporary file without publishing it. Safe on a zeroed struct. */
void aif__results_file_abort(aif__results_file *f);

/* Copy a NUL-terminated string through the allocator (NULL on failure). Free with
 * aif_free(a, s, strlen(s) + 1). */
char *aif__results_strdup(const aif_allocator *a, const char *s);

#endif
