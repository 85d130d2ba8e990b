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

/* Copy a NUL-terminated string through the allocator (NULL on failure). Free with
 * aif_free(a, s, strlen(s) + 1). */
char *aif__results_strdup(const aif_allocator *a, const char *s);

#endif
