/* Fuzzes the duration reader (time.h): aif_duration_parse, and aif_duration_format /
 * aif_time_from_seconds_checked on what it yields. The input is the text.
 * Properties: no crash or undefined behaviour; a parsed duration is >= 0; an error's offset
 * lies within the text; the printed form is read back (time.h promises it for non-negative
 * durations); a duration's seconds convert back to nanoseconds without a range error. */
#include "aifactory/time.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_cstr(data, size);
    size_t len = strlen(text);
    aif_time t = 0;
    aif_error err;
    aif_error_clear(&err);
    aif_status st = aif_duration_parse(text, &t, &err);
    if (st == AIF_OK) {
        FUZZ_CHECK(t >= 0);
        char buf[32];
        FUZZ_CHECK(aif_duration_format(t, buf, sizeof buf) == AIF_OK);
        aif_time back = 0;
        aif_error err2;
        aif_status st2 = aif_duration_parse(buf, &back, &err2);
        if (st2 != AIF_OK) {
            fprintf(stderr, "'%s' printed as '%s', read back: %s\n", text, buf, err2.message);
        }
        FUZZ_CHECK(st2 == AIF_OK);
        /* Seconds as a double and back: within the range for every duration (2^63 ns is
         * 9.2e9 s, a double's rounding cannot push it past), or a clean range error. */
        aif_time again = 0;
        aif_status st3 = aif_time_from_seconds_checked(aif_time_to_seconds(t), &again);
        FUZZ_CHECK(st3 == AIF_OK || st3 == AIF_ERANGE);
    } else {
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_EUNIT || st == AIF_ERANGE);
        FUZZ_CHECK(err.offset <= len);
        fuzz_error(&err);
    }
    free(text);
    return 0;
}
