/* Fuzzes the catalog reader (catalog_read.h): aif_catalog_merge_string on YAML or JSON
 * text, into an empty catalog or over the default one (bit 0 of byte 0), since entries with
 * a known id override fields while new ones must be complete. The rest is the text. The
 * default catalog is loaded once per process; each input merges over a copy of it
 * (aif_catalog_copy), which shares its strings.
 * Properties: no crash, undefined behaviour or leak; a refused merge leaves the entry
 * counts unchanged (catalog_read.h: "a merge with any error leaves the catalog's entries
 * unchanged"); a merge into the copy leaves the default catalog byte for byte as loaded;
 * every error formats as one line. */
#include "fuzz_default_catalog.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_default_catalog_load();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    aif_catalog *cat = NULL;
    if (data[0] & 1) {
        FUZZ_CHECK(aif_catalog_copy(fuzz_default, NULL, &cat) == AIF_OK);
    } else {
        FUZZ_CHECK(aif_catalog_create(NULL, &cat) == AIF_OK);
    }
    size_t packages = aif_catalog_package_count(cat);
    size_t systems = aif_catalog_system_count(cat);
    aif_status st = aif_catalog_merge_string(cat, "fuzz.yaml", (const char *)data + 1, size - 1);
    fuzz_error_list(aif_catalog_errors(cat));
    if (st != AIF_OK) {
        FUZZ_CHECK(st == AIF_EPARSE);
        FUZZ_CHECK(aif_catalog_package_count(cat) == packages);
        FUZZ_CHECK(aif_catalog_system_count(cat) == systems);
    } else {
        /* Every system's package reference resolved. */
        for (size_t i = 0; i < aif_catalog_system_count(cat); i++) {
            FUZZ_CHECK(aif_catalog_system_at(cat, i) != NULL);
        }
    }
    fuzz_default_catalog_check();
    aif_catalog_destroy(cat);
    return 0;
}
