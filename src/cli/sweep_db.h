/* `sweep --db URL` (docs/sweep.md): the runs go to a PostgreSQL database shared by many
 * sweeps instead of DIR/sweep.sqlite. The store's calls are the same for both backends
 * (sweep_store.h); this is the part that differs: opening the database and finding or
 * adding the sweep in it. */
#ifndef AIF_CLI_SWEEP_DB_H
#define AIF_CLI_SWEEP_DB_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/sweep.h"
#include "aifactory/sweep_store.h"

/* Open the database at `url`, find the sweep in it or add it, and lock it (a second process
 * running the same sweep into the same database is refused). Every problem is one line on
 * stderr naming the URL without its password; returns the exit code: 0, 2 for a URL that is
 * not a postgresql:// one, a build without PostgreSQL, or a database holding other tables
 * by our names, 1 when the database cannot be reached or written. */
int sweep_db_open(const aif_sweep *sw, const char *file, const char *url, aif_sweep_store **st,
                  int64_t *id);

#endif
