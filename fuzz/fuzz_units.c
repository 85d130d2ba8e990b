/* Fuzzes the quantity reader (units.h): aif_quantity_parse for every kind (power, energy,
 * money, FLOP, FLOP/s, bytes, bytes/s, tokens, count, energy price) and the number lexer
 * under it, aif_number_scan. Input: byte 0 picks the kind, byte 1 the number scan's
 * start offset and power-of-ten scale; the rest is the text.
 * Properties: no crash or undefined behaviour; a parsed value is finite; an error's offset
 * lies within the text; whatever aif_quantity_format prints is read back by
 * aif_quantity_parse as the same kind, as units.h promises. */
#include <math.h>

#include "aifactory/units.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) {
        return 0;
    }
    aif_quantity_kind kind = (aif_quantity_kind)(data[0] % AIF_QTY_KIND_COUNT);
    unsigned ctl = data[1];
    char *text = fuzz_cstr(data + 2, size - 2);
    size_t len = strlen(text);

    double v = 0;
    aif_error err;
    aif_error_clear(&err);
    aif_status st = aif_quantity_parse(text, kind, &v, &err);
    if (st == AIF_OK) {
        FUZZ_CHECK(isfinite(v));
        char buf[64];
        if (aif_quantity_format(v, kind, buf, sizeof buf) == AIF_OK) {
            double back = 0;
            aif_error err2;
            aif_status st2 = aif_quantity_parse(buf, kind, &back, &err2);
            if (st2 != AIF_OK) {
                fprintf(stderr, "'%s' (%s) printed as '%s', read back: %s\n", text,
                        aif_quantity_kind_name(kind), buf, err2.message);
            }
            FUZZ_CHECK(st2 == AIF_OK);
            FUZZ_CHECK(isfinite(back));
        }
    } else {
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_EUNIT || st == AIF_ERANGE);
        FUZZ_CHECK(err.offset <= len);
        fuzz_error(&err);
    }

    /* The lexer alone, from an offset into the text and with a decimal scale. */
    size_t start = len ? (ctl & 15) % (len + 1) : 0;
    int scale10 = (int)(ctl >> 4) * 3 - 24;
    size_t end = 0;
    double n = 0;
    aif_error_clear(&err);
    st = aif_number_scan(text, start, scale10, &end, &n, &err);
    if (st == AIF_OK) {
        FUZZ_CHECK(end > start && end <= len);
        FUZZ_CHECK(isfinite(n) && n >= 0);
    } else {
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_ERANGE);
        fuzz_error(&err);
    }
    free(text);
    return 0;
}
