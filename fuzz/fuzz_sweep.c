/* Fuzzes the sweep-file reader (sweep.h): aif_sweep_load_string on YAML or JSON text (the
 * whole input), named /nonexistent/sweep.yaml so a relative scenario path names no file.
 * Properties: no crash, undefined behaviour or leak; a refused file lists its errors, each
 * one line; an accepted file plans 1..AIF_SWEEP_MAX_RUNS runs, numbered point by point,
 * each with the fixed sets, one per parameter and a seed when replicated, and a 16-digit
 * key. */
#include <string.h>

#include "aifactory/sweep.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aif_sweep *s = NULL;
    if (aif_sweep_create(NULL, &s) != AIF_OK) {
        return 0;
    }
    aif_status st = aif_sweep_load_string(s, "/nonexistent/sweep.yaml", (const char *)data, size);
    if (st == AIF_OK) {
        size_t n = aif_sweep_run_count(s), reps = aif_sweep_replications(s);
        size_t np = aif_sweep_parameter_count(s);
        FUZZ_CHECK(n >= 1 && n <= AIF_SWEEP_MAX_RUNS);
        FUZZ_CHECK(n == aif_sweep_points(s) * reps);
        FUZZ_CHECK(np >= 1 && np <= AIF_SWEEP_MAX_PARAMETERS);
        for (size_t i = 0; i < n; i++) {
            const aif_sweep_run *r = aif_sweep_run_at(s, i);
            FUZZ_CHECK(r->index == i && r->point == i / reps && r->replication == i % reps);
            FUZZ_CHECK(r->set_count >= np && strlen(r->key_hex) == 16);
            for (size_t k = 0; k < r->set_count; k++) {
                FUZZ_CHECK(strchr(r->sets[k], '=') != NULL);
            }
        }
        FUZZ_CHECK(strlen(aif_sweep_hash(s)) == 16);
    } else {
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_ENOMEM);
        fuzz_error_list(aif_sweep_errors(s));
    }
    aif_sweep_destroy(s);
    return 0;
}
