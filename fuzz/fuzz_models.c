/* Fuzzes the models-file reader (models_file.h): aif_model_set_merge_string on YAML or
 * JSON text, into an empty set or over the built-in models (bit 0 of byte 0: ids already
 * there are replaced whole). The rest is the text.
 * Properties: no crash, undefined behaviour or leak; a refused merge leaves the set as it
 * was ("all or nothing"); every error formats as one line. */
#include "aifactory/models_file.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    aif_model_set *set = NULL;
    FUZZ_CHECK(aif_model_set_create(NULL, data[0] & 1, &set) == AIF_OK);
    size_t before = aif_model_set_count(set);
    aif_status st = aif_model_set_merge_string(set, "fuzz.yaml", (const char *)data + 1, size - 1);
    fuzz_error_list(aif_model_set_errors(set));
    if (st != AIF_OK) {
        FUZZ_CHECK(st == AIF_EPARSE);
        FUZZ_CHECK(aif_model_set_count(set) == before);
    } else {
        FUZZ_CHECK(aif_model_set_count(set) >= before);
        for (size_t i = 0; i < aif_model_set_count(set); i++) {
            const aif_model_spec *m = aif_model_set_at(set, i);
            FUZZ_CHECK(m != NULL && aif_model_set_find(set, m->id) != NULL);
        }
    }
    aif_model_set_destroy(set);
    return 0;
}
