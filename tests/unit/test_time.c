/* Unit tests for time: seconds <-> ns conversion, duration parsing and formatting, the
 * proleptic Gregorian calendar (anchors checked with `date -u -d DATE +%s` / 86400), date
 * parsing, and simulated time relative to a start date. The module allocates nothing, so
 * there is no failure-injection test here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "aifactory/time.h"

static void seconds_conversion(void **state) {
    (void)state;
    assert_int_equal(aif_time_from_seconds(1.5), INT64_C(1500000000));
    assert_int_equal(aif_time_from_seconds(0.1), INT64_C(100000000));
    assert_int_equal(aif_time_from_seconds(-2.5e-9), -3); /* halves away from zero */
    assert_int_equal(aif_time_from_seconds(0.4e-9), 0);
    assert_int_equal(aif_time_from_seconds(9.2e9), INT64_C(9200000000000000000));
    assert_int_equal(aif_time_from_seconds(1e10), AIF_TIME_MAX);
    assert_int_equal(aif_time_from_seconds(-1e10), AIF_TIME_MIN);
    assert_int_equal(aif_time_from_seconds(INFINITY), AIF_TIME_MAX);
    assert_int_equal(aif_time_from_seconds(NAN), 0);

    aif_time t = 77;
    assert_int_equal(aif_time_from_seconds_checked(36.25, &t), AIF_OK);
    assert_int_equal(t, INT64_C(36250000000));
    t = 77;
    assert_int_equal(aif_time_from_seconds_checked(NAN, &t), AIF_ERANGE);
    assert_int_equal(aif_time_from_seconds_checked(INFINITY, &t), AIF_ERANGE);
    assert_int_equal(aif_time_from_seconds_checked(-INFINITY, &t), AIF_ERANGE);
    assert_int_equal(aif_time_from_seconds_checked(9.3e9, &t), AIF_ERANGE);
    assert_int_equal(aif_time_from_seconds_checked(-9.3e9, &t), AIF_ERANGE);
    assert_int_equal(t, 77); /* untouched on error */
    assert_int_equal(aif_time_from_seconds_checked(1.0, NULL), AIF_EINVAL);

    assert_true(aif_time_to_seconds(INT64_C(1500000000)) == 1.5);
    assert_true(aif_time_to_seconds(-250) == -2.5e-7);
    assert_true(aif_time_to_seconds(0) == 0.0);
    assert_true(fabs(aif_time_to_seconds(AIF_TIME_MAX) - 9223372036.854775807) < 1e-5);
    assert_true(fabs(aif_time_to_seconds(AIF_TIME_MIN) + 9223372036.854775808) < 1e-5);
    for (int64_t s = -100000; s <= 100000; s += 997) {
        assert_int_equal(aif_time_from_seconds(aif_time_to_seconds(s * 1000003)), s * 1000003);
    }
}

typedef struct duration_case {
    const char *text;
    aif_time ns;
} duration_case;

static void duration_parse_valid(void **state) {
    (void)state;
    const int64_t S = AIF_NS_PER_S;
    const duration_case cases[] = {
        {"90s", 90 * S},
        {"36h", 36 * 3600 * S},
        {"18 months", 18 * INT64_C(2629800) * S},
        {"1.5 d", 129600 * S},
        {"2 weeks", 1209600 * S},
        {"500ms", 500000000},
        {"250 us", 250000},
        {"7 ns", 7},
        {"0.1 s", 100000000},
        {"1e3 s", 1000 * S},
        {"2.5E-3s", 2500000},
        {"  3 min  ", 180 * S},
        {"\t3\tmin", 180 * S},
        {"2 HOURS", 7200 * S},
        {"1 hr", 3600 * S},
        {"4 hrs", 4 * 3600 * S},
        {"1.25 minutes", 75 * S},
        {"3 sec", 3 * S},
        {"1 second", S},
        {"1 day", 86400 * S},
        {"1 w", 604800 * S},
        {"1 mo", INT64_C(2629800) * S},
        {"1 month", INT64_C(2629800) * S},
        {"12 months", INT64_C(31557600) * S}, /* twelve months are exactly one year */
        {"1 y", INT64_C(31557600) * S},
        {"1 yr", INT64_C(31557600) * S},
        {"2 years", 2 * INT64_C(31557600) * S},
        {"292 years", 292 * INT64_C(31557600) * S},
        {"+5 s", 5 * S},
        {"0 s", 0},
        {".5 h", 1800 * S},
        {"0.4 ns", 0},
        {"0.5 ns", 1},
        {"7.3 min", 438 * S},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_time t = -1;
        aif_error err = {0};
        aif_status st = aif_duration_parse(cases[i].text, &t, &err);
        if (st != AIF_OK || t != cases[i].ns) {
            fail_msg("'%s': status %d (%s), got %lld want %lld", cases[i].text, st, err.message,
                     (long long)t, (long long)cases[i].ns);
        }
    }
}

typedef struct bad_case {
    const char *text;
    aif_status status;
    size_t offset;
    const char *message; /* a substring of err.message */
} bad_case;

static void duration_parse_invalid(void **state) {
    (void)state;
    const bad_case cases[] = {
        {"", AIF_EPARSE, 0, "expected a duration such as '90s' or '18 months', found end of text"},
        {"   ", AIF_EPARSE, 0, "found end of text"},
        {"90", AIF_EUNIT, 2, "expected a unit such as s, h, d, months after '90'"},
        {"1.5 ", AIF_EUNIT, 3, "after '1.5'"},
        {"-5s", AIF_ERANGE, 0, "cannot be negative, found '-5s'"},
        {"abc", AIF_EPARSE, 0, "expected a number, found 'abc'"},
        {"s", AIF_EPARSE, 0, "expected a number, found 's'"},
        {"5 parsecs", AIF_EUNIT, 2, "unknown duration unit 'parsecs'"},
        {"5m", AIF_EUNIT, 1, "ambiguous unit 'm' after '5': write min or mo"},
        {"5 s x", AIF_EPARSE, 4, "unexpected 'x' after '5 s'"},
        {"5s5", AIF_EPARSE, 2, "unexpected '5' after '5s'"},
        {"5 s.", AIF_EPARSE, 3, "unexpected '.'"},
        {"5 %", AIF_EUNIT, 2, "after '5', found '%'"},
        {"300 years", AIF_ERANGE, 0, "duration '300 years' is too long"},
        {"1e12 d", AIF_ERANGE, 0, "too long"},
        {"1e999 s", AIF_ERANGE, 0, "number '1e999' is too large"},
        {"nan s", AIF_ERANGE, 0, "expected a finite number, found 'nan'"},
        {"inf h", AIF_ERANGE, 0, "finite"},
        {"5. s", AIF_EPARSE, 2, "expected a digit after '5.'"},
        {"1,000 s", AIF_EPARSE, 1, "found ',' inside a number"},
        {"0x10 s", AIF_EUNIT, 1, "unknown duration unit 'x'"},
        {"5 GW", AIF_EUNIT, 2, "unknown duration unit 'GW'"},
        {"5 secondsandmore", AIF_EUNIT, 2, "unknown duration unit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_time t = 1234;
        aif_error err = {0};
        aif_status st = aif_duration_parse(cases[i].text, &t, &err);
        if (st != cases[i].status || err.offset != cases[i].offset ||
            strstr(err.message, cases[i].message) == NULL || t != 1234) {
            fail_msg("'%s': status %d offset %zu message \"%s\"; want %d at %zu with \"%s\"",
                     cases[i].text, st, err.offset, err.message, cases[i].status, cases[i].offset,
                     cases[i].message);
        }
    }
    aif_time t = 0;
    assert_int_equal(aif_duration_parse(NULL, &t, NULL), AIF_EINVAL);
    assert_int_equal(aif_duration_parse("5 s", NULL, NULL), AIF_EINVAL);
    assert_int_equal(aif_duration_parse("5", &t, NULL), AIF_EUNIT); /* err is optional */
}

static void duration_format(void **state) {
    (void)state;
    const int64_t S = AIF_NS_PER_S;
    const struct {
        aif_time t;
        const char *text;
    } cases[] = {
        {250 * AIF_NS_PER_MS, "250 ms"},
        {456 * S, "7.6 min"},
        {11160 * S, "3.1 h"},
        {54 * AIF_NS_PER_DAY, "54 d"},
        {0, "0 s"},
        {1, "1 ns"},
        {1500, "1.5 us"},
        {90 * S, "1.5 min"},
        {59970 * AIF_NS_PER_MS, "1 min"}, /* not "60 s" */
        {S, "1 s"},
        {AIF_NS_PER_YEAR * 3 / 2, "1.5 y"},
        {-90 * S, "-1.5 min"},
        {AIF_TIME_MAX, "292 y"},
        {AIF_TIME_MIN, "-292 y"},
        {364 * AIF_NS_PER_DAY, "364 d"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(aif_duration_format(cases[i].t, buf, sizeof buf), AIF_OK);
        assert_string_equal(buf, cases[i].text);
        if (cases[i].t >= 0) {
            aif_time back = -1;
            assert_int_equal(aif_duration_parse(buf, &back, NULL), AIF_OK);
            /* At most the rounding of the shown digits: 0.05 of the unit below 10 units. */
            double rel = fabs((double)back - (double)cases[i].t) / (double)cases[i].t;
            assert_true(cases[i].t == 0 || rel < 0.035);
        }
    }
    assert_int_equal(aif_duration_format(250 * AIF_NS_PER_MS, buf, 4), AIF_ERANGE);
    assert_string_equal(buf, "250");
    assert_int_equal(aif_duration_format(1, buf, 0), AIF_EINVAL);
    assert_int_equal(aif_duration_format(1, NULL, 8), AIF_EINVAL);
}

/* Reference day count by summing year and month lengths, independent of the closed form. */
static bool ref_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t ref_days(int64_t y, int m, int d) {
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = 0;
    for (int64_t k = 1970; k < y; k++) {
        n += ref_leap(k) ? 366 : 365;
    }
    for (int64_t k = y; k < 1970; k++) {
        n -= ref_leap(k) ? 366 : 365;
    }
    for (int k = 1; k < m; k++) {
        n += len[k - 1] + (k == 2 && ref_leap(y) ? 1 : 0);
    }
    return n + d - 1;
}

static void calendar_anchors_and_leap_years(void **state) {
    (void)state;
    /* Each value is `date -u -d DATE +%s` divided by 86400. */
    const struct {
        aif_date d;
        int64_t days;
    } anchors[] = {
        {{1970, 1, 1}, 0},       {{2000, 3, 1}, 11017},    {{2026, 11, 27}, 20784},
        {{1600, 1, 1}, -135140}, {{2400, 12, 31}, 157419}, {{1900, 3, 1}, -25508},
        {{2100, 3, 1}, 47541},   {{2024, 2, 29}, 19782},   {{2026, 7, 1}, 20635},
        {{1969, 12, 31}, -1},
    };
    for (size_t i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
        assert_int_equal(aif_date_to_days(anchors[i].d), anchors[i].days);
        aif_date back = aif_date_from_days(anchors[i].days);
        assert_int_equal(back.year, anchors[i].d.year);
        assert_int_equal(back.month, anchors[i].d.month);
        assert_int_equal(back.day, anchors[i].d.day);
    }
    /* The ends of the supported range, against the summing reference. */
    assert_int_equal(aif_date_to_days((aif_date){-100000, 1, 1}), ref_days(-100000, 1, 1));
    assert_int_equal(aif_date_to_days((aif_date){100000, 12, 31}), ref_days(100000, 12, 31));
    assert_int_equal(aif_date_to_days((aif_date){-1, 3, 1}), ref_days(-1, 3, 1));
    assert_int_equal(aif_date_to_days((aif_date){0, 2, 29}), ref_days(0, 2, 29));

    /* 1900 and 2100 are not leap years, 2000 and 2024 are. */
    assert_false(aif_date_valid((aif_date){1900, 2, 29}));
    assert_true(aif_date_valid((aif_date){2000, 2, 29}));
    assert_true(aif_date_valid((aif_date){2024, 2, 29}));
    assert_false(aif_date_valid((aif_date){2100, 2, 29}));
    assert_false(aif_date_valid((aif_date){2025, 2, 29}));
    assert_true(aif_date_valid((aif_date){0, 2, 29})); /* year 0 is divisible by 400 */
    assert_int_equal(
        aif_date_to_days((aif_date){1900, 3, 1}) - aif_date_to_days((aif_date){1900, 2, 28}), 1);
    assert_int_equal(
        aif_date_to_days((aif_date){2000, 3, 1}) - aif_date_to_days((aif_date){2000, 2, 28}), 2);
    assert_int_equal(
        aif_date_to_days((aif_date){2101, 1, 1}) - aif_date_to_days((aif_date){2100, 1, 1}), 365);
    assert_int_equal(
        aif_date_to_days((aif_date){2025, 1, 1}) - aif_date_to_days((aif_date){2024, 1, 1}), 366);

    assert_false(aif_date_valid((aif_date){2026, 0, 1}));
    assert_false(aif_date_valid((aif_date){2026, 13, 1}));
    assert_false(aif_date_valid((aif_date){2026, 4, 31}));
    assert_false(aif_date_valid((aif_date){2026, 4, 0}));
    assert_false(aif_date_valid((aif_date){100001, 1, 1}));
    assert_false(aif_date_valid((aif_date){INT32_MIN, INT32_MIN, INT32_MIN}));
    assert_true(aif_date_valid((aif_date){-100000, 1, 1}));

    /* Out-of-range fields carry, and never overflow. */
    assert_int_equal(aif_date_to_days((aif_date){2026, 13, 1}),
                     aif_date_to_days((aif_date){2027, 1, 1}));
    assert_int_equal(aif_date_to_days((aif_date){2026, 0, 1}),
                     aif_date_to_days((aif_date){2025, 12, 1}));
    assert_int_equal(aif_date_to_days((aif_date){2026, 3, 0}),
                     aif_date_to_days((aif_date){2026, 2, 28}));
    (void)aif_date_to_days((aif_date){INT32_MAX, INT32_MAX, INT32_MAX});
    (void)aif_date_to_days((aif_date){INT32_MIN, INT32_MIN, INT32_MIN});

    aif_date lo = aif_date_from_days(INT64_MIN);
    aif_date hi = aif_date_from_days(INT64_MAX);
    assert_true(lo.year == -100000 && lo.month == 1 && lo.day == 1);
    assert_true(hi.year == 100000 && hi.month == 12 && hi.day == 31);
}

static void calendar_round_trip_every_day(void **state) {
    (void)state;
    int64_t first = aif_date_to_days((aif_date){1600, 1, 1});
    int64_t last = aif_date_to_days((aif_date){2400, 12, 31});
    assert_int_equal(last - first + 1, 801 * 365 + 195); /* 195 leap days in 1600..2400 */
    aif_date prev = aif_date_from_days(first - 1);
    assert_true(prev.year == 1599 && prev.month == 12 && prev.day == 31);
    for (int64_t n = first; n <= last; n++) {
        aif_date d = aif_date_from_days(n);
        assert_true(aif_date_valid(d));
        assert_int_equal(aif_date_to_days(d), n);
        /* Consecutive day numbers are consecutive calendar days. */
        bool next_day = d.year == prev.year && d.month == prev.month && d.day == prev.day + 1;
        bool next_month = d.year == prev.year && d.month == prev.month + 1 && d.day == 1;
        bool next_year = d.year == prev.year + 1 && d.month == 1 && d.day == 1 &&
                         prev.month == 12 && prev.day == 31;
        assert_true(next_day || next_month || next_year);
        prev = d;
    }
    /* Sparse check across the whole range against the summing reference. */
    for (int32_t y = -100000; y <= 100000; y += 9973) {
        assert_int_equal(aif_date_to_days((aif_date){y, 3, 1}), ref_days(y, 3, 1));
    }
}

static void calendar_add_months(void **state) {
    (void)state;
    const struct {
        aif_date from;
        int32_t months;
        aif_date to;
    } cases[] = {
        {{2024, 1, 31}, 1, {2024, 2, 29}},          {{2025, 1, 31}, 1, {2025, 2, 28}},
        {{2026, 3, 31}, -1, {2026, 2, 28}},         {{2026, 11, 15}, 18, {2028, 5, 15}},
        {{2026, 1, 15}, -13, {2024, 12, 15}},       {{2026, 7, 1}, 0, {2026, 7, 1}},
        {{2026, 12, 31}, 1, {2027, 1, 31}},         {{2026, 8, 31}, 1, {2026, 9, 30}},
        {{2000, 2, 29}, 12, {2001, 2, 28}},         {{2000, 2, 29}, 48, {2004, 2, 29}},
        {{1900, 1, 29}, 1, {1900, 2, 28}},          {{100000, 12, 1}, 1, {100000, 12, 31}},
        {{2026, 7, 1}, INT32_MIN, {-100000, 1, 1}}, {{2026, 7, 1}, INT32_MAX, {100000, 12, 31}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_date got = aif_date_add_months(cases[i].from, cases[i].months);
        if (got.year != cases[i].to.year || got.month != cases[i].to.month ||
            got.day != cases[i].to.day) {
            fail_msg("case %zu: got %d-%d-%d", i, got.year, got.month, got.day);
        }
    }
}

static void date_parse_valid(void **state) {
    (void)state;
    const struct {
        const char *text;
        aif_date d;
    } cases[] = {
        {"2026-07-01", {2026, 7, 1}},  {"2026-07", {2026, 7, 1}},
        {"2026", {2026, 1, 1}},        {"2026-H1", {2026, 1, 1}},
        {"2026-H2", {2026, 7, 1}},     {"2027-Q1", {2027, 1, 1}},
        {"2027-Q2", {2027, 4, 1}},     {"2027-Q3", {2027, 7, 1}},
        {"2027-Q4", {2027, 10, 1}},    {"2027-q3", {2027, 7, 1}},
        {"2027-h2", {2027, 7, 1}},     {"2024-02-29", {2024, 2, 29}},
        {"2000-02-29", {2000, 2, 29}}, {" 2026-12-31\t", {2026, 12, 31}},
        {"0000-01-01", {0, 1, 1}},     {"9999-12-31", {9999, 12, 31}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_date d = {0, 0, 0};
        aif_error err = {0};
        aif_status st = aif_date_parse(cases[i].text, &d, &err);
        if (st != AIF_OK || d.year != cases[i].d.year || d.month != cases[i].d.month ||
            d.day != cases[i].d.day) {
            fail_msg("'%s': status %d (%s), got %d-%d-%d", cases[i].text, st, err.message, d.year,
                     d.month, d.day);
        }
    }
}

static void date_parse_invalid(void **state) {
    (void)state;
    const bad_case cases[] = {
        {"2025-02-29", AIF_ERANGE, 8, "day must be 01-28 for 2025-02, found '29'"},
        {"1900-02-29", AIF_ERANGE, 8, "day must be 01-28 for 1900-02"},
        {"2100-02-29", AIF_ERANGE, 8, "01-28"},
        {"2026-06-31", AIF_ERANGE, 8, "day must be 01-30 for 2026-06, found '31'"},
        {"2026-06-00", AIF_ERANGE, 8, "found '00'"},
        {"2026-13-01", AIF_ERANGE, 5, "month must be 01-12, found '13'"},
        {"2026-00", AIF_ERANGE, 5, "month must be 01-12, found '00'"},
        {"2026-Q5", AIF_ERANGE, 6, "quarter must be Q1..Q4, found 'Q5'"},
        {"2026-Q0", AIF_ERANGE, 6, "found 'Q0'"},
        {"2026-Q12", AIF_ERANGE, 6, "found 'Q12'"},
        {"2026-Q", AIF_EPARSE, 6, "expected a quarter number after 'Q', found end of text"},
        {"2026-H3", AIF_ERANGE, 6, "half must be H1..H2, found 'H3'"},
        {"2026-7-1", AIF_EPARSE, 5, "expected a two-digit month (01-12), found '7'"},
        {"2026-07-1", AIF_EPARSE, 8, "expected a two-digit day (01-31), found '1'"},
        {"2026-07-001", AIF_EPARSE, 8, "two-digit day"},
        {"26-07-01", AIF_EPARSE, 0, "expected a four-digit year, found '26-07-01'"},
        {"20260", AIF_EPARSE, 0, "four-digit year, found '20260'"},
        {"", AIF_EPARSE, 0, "expected a date such as 2026-07-01"},
        {"2026/07/01", AIF_EPARSE, 4, "expected '-' after the year 2026, found '/07/01'"},
        {"2026-07-01x", AIF_EPARSE, 10, "unexpected 'x' after the date '2026-07-01'"},
        {"2026-07-01 12:00", AIF_EPARSE, 11, "unexpected '12:00'"},
        {"2026-Q1-01", AIF_EPARSE, 7, "unexpected '-01'"},
        {"2026-X1", AIF_EPARSE, 5, "expected a month (01-12), a quarter (Q1-Q4) or a half"},
        {"2026-", AIF_EPARSE, 5, "found end of text"},
        {"-2026-01-01", AIF_EPARSE, 0, "four-digit year"},
        {"July 2026", AIF_EPARSE, 0, "found 'July'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_date d = {1, 2, 3};
        aif_error err = {0};
        aif_status st = aif_date_parse(cases[i].text, &d, &err);
        if (st != cases[i].status || err.offset != cases[i].offset ||
            strstr(err.message, cases[i].message) == NULL || d.year != 1) {
            fail_msg("'%s': status %d offset %zu message \"%s\"; want %d at %zu with \"%s\"",
                     cases[i].text, st, err.offset, err.message, cases[i].status, cases[i].offset,
                     cases[i].message);
        }
    }
    aif_date d;
    assert_int_equal(aif_date_parse(NULL, &d, NULL), AIF_EINVAL);
    assert_int_equal(aif_date_parse("2026", NULL, NULL), AIF_EINVAL);
    assert_int_equal(aif_date_parse("2026-13", &d, NULL), AIF_ERANGE);
}

static void date_format(void **state) {
    (void)state;
    char buf[16];
    assert_int_equal(aif_date_format((aif_date){2026, 7, 1}, buf), AIF_OK);
    assert_string_equal(buf, "2026-07-01");
    assert_int_equal(aif_date_format((aif_date){-44, 3, 15}, buf), AIF_OK);
    assert_string_equal(buf, "-0044-03-15");
    assert_int_equal(aif_date_format((aif_date){10000, 1, 1}, buf), AIF_OK);
    assert_string_equal(buf, "+10000-01-01");
    assert_int_equal(aif_date_format((aif_date){-100000, 12, 31}, buf), AIF_OK);
    assert_string_equal(buf, "-100000-12-31");
    assert_int_equal(aif_date_format((aif_date){2025, 2, 29}, buf), AIF_EINVAL);
    assert_string_equal(buf, "invalid");
    /* Every day of a leap year survives format then parse. */
    for (int64_t n = aif_date_to_days((aif_date){2028, 1, 1});
         n < aif_date_to_days((aif_date){2029, 1, 1}); n++) {
        aif_date d = aif_date_from_days(n);
        aif_date back = {0, 0, 0};
        assert_int_equal(aif_date_format(d, buf), AIF_OK);
        assert_int_equal(aif_date_parse(buf, &back, NULL), AIF_OK);
        assert_int_equal(aif_date_to_days(back), n);
    }
}

static void sim_time_and_dates(void **state) {
    (void)state;
    const aif_date start = {2026, 7, 1};
    const aif_time day = AIF_NS_PER_DAY;
    assert_int_equal(aif_date_to_sim(start, start), 0);
    assert_int_equal(aif_date_to_sim((aif_date){2026, 7, 2}, start), day);
    assert_int_equal(aif_date_to_sim((aif_date){2026, 6, 30}, start), -day);
    assert_int_equal(aif_date_to_sim((aif_date){2027, 7, 1}, start), 365 * day);
    assert_int_equal(aif_date_to_sim((aif_date){2028, 7, 1}, start), (365 + 366) * day);
    assert_int_equal(aif_date_to_sim((aif_date){100000, 1, 1}, start), AIF_TIME_MAX);
    assert_int_equal(aif_date_to_sim((aif_date){-100000, 1, 1}, start), AIF_TIME_MIN);

    const struct {
        aif_time t;
        aif_date d;
    } floors[] = {
        {0, {2026, 7, 1}},         {day - 1, {2026, 7, 1}},    {day, {2026, 7, 2}},
        {-1, {2026, 6, 30}},       {-day, {2026, 6, 30}},      {-day - 1, {2026, 6, 29}},
        {184 * day, {2027, 1, 1}}, {-181 * day, {2026, 1, 1}}, {-182 * day, {2025, 12, 31}},
    };
    for (size_t i = 0; i < sizeof floors / sizeof floors[0]; i++) {
        aif_date d = aif_sim_to_date(floors[i].t, start);
        if (d.year != floors[i].d.year || d.month != floors[i].d.month ||
            d.day != floors[i].d.day) {
            fail_msg("t=%lld: got %d-%d-%d", (long long)floors[i].t, d.year, d.month, d.day);
        }
    }
    /* Round trips around the start date, at the first and last ns of each day. */
    for (int64_t k = -1000; k <= 1000; k++) {
        aif_date d = aif_date_from_days(aif_date_to_days(start) + k);
        aif_time t = aif_date_to_sim(d, start);
        assert_int_equal(t, k * day);
        aif_date a = aif_sim_to_date(t, start);
        aif_date b = aif_sim_to_date(t + day - 1, start);
        aif_date c = aif_sim_to_date(t - 1, start);
        assert_int_equal(aif_date_to_days(a), aif_date_to_days(d));
        assert_int_equal(aif_date_to_days(b), aif_date_to_days(d));
        assert_int_equal(aif_date_to_days(c), aif_date_to_days(d) - 1);
    }

    char buf[32];
    aif_time t = 13 * AIF_NS_PER_HOUR + 45 * AIF_NS_PER_MIN;
    assert_int_equal(aif_sim_format_datetime(t, start, buf, sizeof buf), AIF_OK);
    assert_string_equal(buf, "2026-07-01 13:45:00");
    assert_int_equal(aif_sim_format_datetime(-1, start, buf, sizeof buf), AIF_OK);
    assert_string_equal(buf, "2026-06-30 23:59:59");
    assert_int_equal(aif_sim_format_datetime(day + 999999999, start, buf, sizeof buf), AIF_OK);
    assert_string_equal(buf, "2026-07-02 00:00:00");
    /* `date -u -d @-7440508037`: 1782864000 s (the start) plus floor(INT64_MIN / 1e9) s. */
    assert_int_equal(aif_sim_format_datetime(AIF_TIME_MIN, start, buf, sizeof buf), AIF_OK);
    assert_string_equal(buf, "1734-03-22 00:12:43");
    assert_int_equal(aif_sim_format_datetime(t, start, buf, 11), AIF_ERANGE);
    assert_string_equal(buf, "2026-07-01");
    assert_int_equal(aif_sim_format_datetime(t, (aif_date){2026, 2, 30}, buf, sizeof buf),
                     AIF_EINVAL);
    assert_int_equal(aif_sim_format_datetime(t, start, NULL, 8), AIF_EINVAL);
}

/* Whole months run on the calendar; anything else is plain addition; saturation. */
static void sim_add_calendar(void **state) {
    (void)state;
    const aif_date start = {2025, 9, 1};
    const aif_time month = AIF_NS_PER_YEAR / 12;
    aif_time oct2 = aif_date_to_sim((aif_date){2028, 10, 2}, start);
    /* 12 months from midnight is midnight a year later, not 06:00 (365.25 days). */
    assert_int_equal(aif_sim_add_calendar(oct2, 12 * month, start),
                     aif_date_to_sim((aif_date){2029, 10, 2}, start));
    /* The time of day is kept; the day is clamped to the month's last. */
    aif_time jan31_noon = aif_date_to_sim((aif_date){2026, 1, 31}, start) + 12 * AIF_NS_PER_HOUR;
    assert_int_equal(aif_sim_add_calendar(jan31_noon, month, start),
                     aif_date_to_sim((aif_date){2026, 2, 28}, start) + 12 * AIF_NS_PER_HOUR);
    /* Not whole months: plain addition. */
    assert_int_equal(aif_sim_add_calendar(oct2, 90 * AIF_NS_PER_DAY, start),
                     oct2 + 90 * AIF_NS_PER_DAY);
    assert_int_equal(aif_sim_add_calendar(oct2, 0, start), oct2);
    assert_int_equal(aif_sim_add_calendar(oct2, -month, start), oct2 - month);
    /* Saturation. */
    assert_int_equal(aif_sim_add_calendar(AIF_TIME_MAX, month, start), AIF_TIME_MAX);
    assert_int_equal(aif_sim_add_calendar(oct2, AIF_TIME_MAX, start), AIF_TIME_MAX);
    assert_int_equal(aif_sim_add_calendar(AIF_TIME_MAX - 1, AIF_NS_PER_DAY, start), AIF_TIME_MAX);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seconds_conversion),
        cmocka_unit_test(duration_parse_valid),
        cmocka_unit_test(duration_parse_invalid),
        cmocka_unit_test(duration_format),
        cmocka_unit_test(calendar_anchors_and_leap_years),
        cmocka_unit_test(calendar_round_trip_every_day),
        cmocka_unit_test(calendar_add_months),
        cmocka_unit_test(date_parse_valid),
        cmocka_unit_test(date_parse_invalid),
        cmocka_unit_test(date_format),
        cmocka_unit_test(sim_time_and_dates),
        cmocka_unit_test(sim_add_calendar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
