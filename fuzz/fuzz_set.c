/* Fuzzes `--set KEY=VALUE` (aif_scenario_set and the overrides' application to the
 * document tree): each input line is one assignment (at most FUZZ_MAX_SETS), applied to the
 * scenario compiled into the library, as `aifactory validate --set ... --set ...` does.
 * Paths create mapping keys, index sequences and replace subtrees, and values are read as
 * YAML scalars by every section's validation.
 * The scenario binds over the default catalog loaded once per process
 * (aif_scenario_use_catalog), as in the scenario harness.
 * Properties: no crash, undefined behaviour, hang or leak; the shared catalog is left
 * byte for byte as loaded; a refused load has errors and an accepted one none; errors of an
 * override name one that was given (line = its position); an accepted scenario fills a
 * fleet input. */
#include "fuzz_scenario_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aif_scenario *s = fuzz_scenario_new();
    size_t sets = 0;
    size_t pos = 0;
    while (pos < size && sets < FUZZ_MAX_SETS) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        sets += (size_t)fuzz_apply_set(s, data + pos, end - pos);
        pos = end + 1;
    }
    aif_status st = aif_scenario_load_default(s);
    FUZZ_CHECK(st != AIF_EINVAL && st != AIF_ESTATE);
    fuzz_default_catalog_check();
    if (st != AIF_ENOMEM) {
        fuzz_check_loaded(s, st, sets);
    }
    aif_scenario_destroy(s);
    return 0;
}
