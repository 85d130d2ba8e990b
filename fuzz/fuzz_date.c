/* Fuzzes the calendar (time.h): aif_date_parse, then the arithmetic a scenario does with a
 * parsed date: days since 1970 and back, month steps, simulated time from a start date and
 * back, and the date-time printer. Input: bytes 0-3 a month step and bytes 4-11 a simulated
 * time (both little-endian, so the fuzzer reaches the extremes), the rest the text.
 * Properties: no crash or undefined behaviour (these are integer conversions of wide
 * ranges); a parsed date is valid and prints as text that parses back to itself; days
 * convert back to the same date; month steps and sim times stay valid dates. */
#include "aifactory/time.h"
#include "fuzz_util.h"

static uint64_t le(const uint8_t *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 12) {
        return 0;
    }
    int32_t months = (int32_t)(uint32_t)le(data, 4);
    aif_time t = (aif_time)le(data + 4, 8);
    char *text = fuzz_cstr(data + 12, size - 12);
    size_t len = strlen(text);

    aif_date d;
    aif_error err;
    aif_error_clear(&err);
    aif_status st = aif_date_parse(text, &d, &err);
    if (st != AIF_OK) {
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_ERANGE);
        FUZZ_CHECK(err.offset <= len);
        fuzz_error(&err);
        free(text);
        return 0;
    }
    FUZZ_CHECK(aif_date_valid(d));
    char buf[16];
    FUZZ_CHECK(aif_date_format(d, buf) == AIF_OK);
    aif_date back;
    FUZZ_CHECK(aif_date_parse(buf, &back, NULL) == AIF_OK);
    FUZZ_CHECK(back.year == d.year && back.month == d.month && back.day == d.day);

    int64_t days = aif_date_to_days(d);
    aif_date again = aif_date_from_days(days);
    FUZZ_CHECK(again.year == d.year && again.month == d.month && again.day == d.day);

    aif_date later = aif_date_add_months(d, months);
    FUZZ_CHECK(aif_date_valid(later));
    aif_time at = aif_date_to_sim(later, d);
    (void)at;
    aif_date day = aif_sim_to_date(t, d);
    FUZZ_CHECK(aif_date_valid(day));
    char when[64];
    FUZZ_CHECK(aif_sim_format_datetime(t, d, when, sizeof when) == AIF_OK);
    free(text);
    return 0;
}
