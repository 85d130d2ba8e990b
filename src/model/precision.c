/* Names, parsing and storage sizes of numeric precisions (see precision.h). */
#include "aifactory/precision.h"

#include <string.h>

static const char *const precision_names[AIF_PREC_COUNT] = {"bf16", "fp8", "fp4"};

const char *aif_precision_name(aif_precision p) {
    return ((unsigned)p < AIF_PREC_COUNT) ? precision_names[p] : "?";
}

aif_status aif_precision_parse(const char *name, aif_precision *out) {
    if (name == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    for (int i = 0; i < AIF_PREC_COUNT; i++) {
        if (strcmp(name, precision_names[i]) == 0) {
            *out = (aif_precision)i;
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}

double aif_precision_bytes(aif_precision p) {
    switch (p) {
    case AIF_PREC_BF16:
        return 2.0;
    case AIF_PREC_FP8:
        return 1.0;
    case AIF_PREC_FP4:
        return 0.5625; /* NVFP4: 4-bit values plus one 8-bit scale per 16 */
    default:
        return 2.0;
    }
}
