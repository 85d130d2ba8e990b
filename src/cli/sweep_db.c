/* Opening a sweep's PostgreSQL store (see sweep_db.h). */
#include "sweep_db.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli_errors.h"

/* A URL is what libpq reads as one (its key=value form is refused too: it has no scheme to
 * tell it from a typo, and would be echoed with any password in it). */
static bool is_pg_url(const char *url) {
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

int sweep_db_open(const aif_sweep *sw, const char *file, const char *url, aif_sweep_store **st,
                  int64_t *id) {
    if (!is_pg_url(url)) {
        const char *scheme_end = strstr(url, "://");
        int len = scheme_end && scheme_end - url <= 32 ? (int)(scheme_end - url) : -1;
        if (len >= 0) {
            fprintf(stderr,
                    "aifactory sweep: --db: expected a postgresql:// URL, found scheme '%.*s'\n",
                    len, url);
        } else {
            fprintf(stderr, "aifactory sweep: --db: expected a postgresql:// URL "
                            "(postgresql://[user@][host][:port][/dbname][?param=value...])\n");
        }
        return CLI_EXIT_USAGE;
    }
    aif_error err = {0};
    aif_status s = aif_sweep_store_open_pg(NULL, url, st, &err);
    if (s == AIF_OK) {
        s = aif_sweep_store_sweep(*st, sw, file, true, id, NULL, &err);
    }
    if (s != AIF_OK) {
        cli_print_error("sweep", &err, s);
        aif_sweep_store_close(*st);
        *st = NULL;
        return s == AIF_EINVAL || s == AIF_EPARSE || s == AIF_ENOTIMPL ? CLI_EXIT_USAGE
                                                                       : CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
