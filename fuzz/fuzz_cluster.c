/* Fuzzes the cluster-file reader (cluster_file.h): aif_cluster_spec_parse on YAML or JSON
 * text (the whole input).
 * Properties: no crash, undefined behaviour or leak; an accepted file has 1..16 groups of
 * >= 1 node and 1..255 GPUs per node, as cluster_file.h documents; an error formats as one
 * line. */
#include "aifactory/cluster_file.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aif_cluster_spec spec;
    aif_error err;
    aif_error_clear(&err);
    aif_status st = aif_cluster_spec_parse("fuzz.yaml", (const char *)data, size, &spec, &err);
    if (st == AIF_OK) {
        FUZZ_CHECK(spec.count >= 1 && spec.count <= AIF_CLUSTER_MAX_GROUPS);
        for (size_t i = 0; i < spec.count; i++) {
            FUZZ_CHECK(spec.groups[i].nodes >= 1);
            FUZZ_CHECK(spec.groups[i].gpus_per_node >= 1 && spec.groups[i].gpus_per_node <= 255);
        }
    } else {
        FUZZ_CHECK(st == AIF_EPARSE);
        fuzz_error(&err);
    }
    return 0;
}
