/* What a sweep store's backends share (sweep_store.h): each backend's handle begins with an
 * aif_sweep_store whose `ops` are its own operations, and the public calls dispatch
 * through them (sweep_store.c). SQLite: sweep_store_sqlite.c; PostgreSQL: sweep_store_pg.c. */
#ifndef AIF_IO_SWEEP_STORE_INTERNAL_H
#define AIF_IO_SWEEP_STORE_INTERNAL_H

#include "aifactory/sweep_store.h"

typedef struct aif_sweep_store_ops {
    aif_status (*sweep)(aif_sweep_store *st, const aif_sweep *sw, const char *file, bool add,
                        int64_t *id, bool *other, aif_error *err);
    aif_status (*done)(aif_sweep_store *st, int64_t id, const aif_sweep *sw, unsigned char *done,
                       aif_error *err);
    aif_status (*put)(aif_sweep_store *st, int64_t id, const aif_sweep *sw,
                      const aif_sweep_run *run, const aif_sweep_store_result *res, aif_error *err);
    aif_status (*get)(aif_sweep_store *st, int64_t id, size_t idx, bool *ok, char *error,
                      size_t size, const char *const *names, double *values, size_t count,
                      aif_error *err);
    aif_status (*series)(aif_sweep_store *st, int64_t id, size_t idx, aif_sweep_store_series_fn fn,
                         void *ctx, aif_error *err);
    void (*close)(aif_sweep_store *st);
} aif_sweep_store_ops;

struct aif_sweep_store {
    const aif_sweep_store_ops *ops;
    const aif_allocator *alloc;
};

/* The JSON texts both backends store for a run: `params` (key path -> value as set, in the
 * parameters' order) and `sets` (every assignment). Both malloc'd (free()), or NULL when
 * memory runs out. */
void aif__sweep_store_run_json(const aif_sweep *sw, const aif_sweep_run *run, char **params,
                               char **sets);

/* The JSON array of the varied key paths (column sweeps.parameters), malloc'd, or NULL. */
char *aif__sweep_store_param_keys_json(const aif_sweep *sw);

/* A series' dates as a JSON array of "YYYY-MM-DD" (dates) or its values as a JSON array
 * of numbers, each with 17 significant digits, NaN as null (!dates); malloc'd, or NULL. */
char *aif__sweep_store_series_json(const aif_sweep_store_series *s, bool dates);

/* Read back what either backend stores (a JSON array, or a PostgreSQL array literal
 * "{1.5,NULL}"): *n items into days (dates) or values (numbers; null is NaN), at most cap.
 * false when the text is not such an array or holds more than cap items. */
bool aif__sweep_store_parse_dates(const char *text, int32_t *days, size_t cap, size_t *n);
bool aif__sweep_store_parse_values(const char *text, double *values, size_t cap, size_t *n);

/* The most points a stored series may have when read back. */
#define AIF_SWEEP_STORE_SERIES_MAX 100000

#endif
