/* Numeric precisions of accelerator arithmetic, shared by the catalog (dense TFLOPS per
 * precision) and the performance model (bytes per weight, default precision per
 * generation). */
#ifndef AIFACTORY_PRECISION_H
#define AIFACTORY_PRECISION_H

#include "aifactory/status.h"

typedef enum aif_precision {
    AIF_PREC_BF16,
    AIF_PREC_FP8,
    AIF_PREC_FP4,
    AIF_PREC_COUNT
} aif_precision;

/* "bf16", "fp8", "fp4"; "?" outside the enum. */
const char *aif_precision_name(aif_precision p);

/* Parse a precision name (case-sensitive). Errors: AIF_EINVAL (NULL), AIF_ENOTFOUND. */
aif_status aif_precision_parse(const char *name, aif_precision *out);

/* Bytes per weight element stored at this precision (fp4 counts its block scales). */
double aif_precision_bytes(aif_precision p);

#endif
