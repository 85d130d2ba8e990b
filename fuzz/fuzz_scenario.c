/* Fuzzes the scenario binder (scenario.h): YAML or JSON text through libfyaml, the
 * overrides, and every section's validation, as `aifactory validate FILE --set ...` does.
 * Input: leading lines that start with "@@" are --set assignments (without the "@@"; at
 * most FUZZ_MAX_SETS), the rest is the scenario text, bound as "/nonexistent/scenario.yaml"
 * so relative file references resolve to nothing.
 * The scenario binds over the default catalog loaded once per process
 * (aif_scenario_use_catalog); a `catalog:` section merges over a copy of it.
 * Properties: no crash, undefined behaviour, hang or leak; the shared catalog is left
 * byte for byte as loaded; a refused scenario has errors and an accepted one none; errors
 * format as lines and those of an override name one that was given; an accepted scenario
 * fills a fleet input and its ids find themselves. */
#include "fuzz_scenario_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aif_scenario *s = fuzz_scenario_new();
    size_t sets = 0;
    size_t pos = 0;
    while (size - pos >= 2 && data[pos] == '@' && data[pos + 1] == '@' && sets < FUZZ_MAX_SETS) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        sets += (size_t)fuzz_apply_set(s, data + pos + 2, end - pos - 2);
        pos = nl ? end + 1 : size;
    }
    aif_status st = aif_scenario_load_string(s, "/nonexistent/scenario.yaml",
                                             (const char *)data + pos, size - pos);
    FUZZ_CHECK(st != AIF_EINVAL && st != AIF_ESTATE);
    fuzz_default_catalog_check();
    if (st != AIF_ENOMEM) {
        fuzz_check_loaded(s, st, sets);
    }
    aif_scenario_destroy(s);
    return 0;
}
