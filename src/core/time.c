/* Simulated time, durations and the UTC calendar (see time.h).
 *
 * Day numbers use the closed-form conversion between civil dates and a day count that
 * Howard Hinnant describes in "chrono-Compatible Low-Level Date Algorithms": shift the year
 * to start on March 1 so the leap day is the last day of the year, split the year into
 * 400-year eras of 146097 days, and count days inside the era with integer formulas. It
 * needs no tables and no loops, and with 64-bit arithmetic it is exact far beyond the
 * +-100000 years supported here. */
#include "aifactory/time.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/units.h"
#include "text_scan.h"

#define TWO_POW_63 9223372036854775808.0

aif_time aif_time_from_seconds(double s) {
    double ns = s * 1e9;
    if (isnan(ns)) {
        return 0;
    }
    if (ns >= TWO_POW_63) {
        return AIF_TIME_MAX;
    }
    if (ns < -TWO_POW_63) {
        return AIF_TIME_MIN;
    }
    return (aif_time)llround(ns);
}

aif_status aif_time_from_seconds_checked(double s, aif_time *out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    double ns = s * 1e9;
    if (!isfinite(ns) || ns >= TWO_POW_63 || ns < -TWO_POW_63) {
        return AIF_ERANGE;
    }
    *out = (aif_time)llround(ns);
    return AIF_OK;
}

double aif_time_to_seconds(aif_time t) {
    const aif_time exact = INT64_C(1) << 53;
    if (t > -exact && t < exact) {
        return (double)t / 1e9; /* one rounding: the nearest double */
    }
    return (double)(t / AIF_NS_PER_S) + (double)(t % AIF_NS_PER_S) / 1e9;
}

/* ---- Parsing helpers (the same message conventions as units.c) ---- */

/* The common start of the parsers below: both pointers given, the text stripped of blanks
 * on both sides to [*begin, *end), and not empty; `example` ("a duration such as '90s'")
 * words the message for empty text. */
static aif_status start_parse(const char *text, const void *out, const char *example,
                              aif_error *err, size_t *begin, size_t *end) {
    if (text == NULL || out == NULL) {
        return aif_error_set_offset(err, AIF_EINVAL, 0, "no text or no place for the result");
    }
    *begin = 0;
    *end = strlen(text);
    while (*end > 0 && aif__is_space(text[*end - 1])) {
        (*end)--;
    }
    while (*begin < *end && aif__is_space(text[*begin])) {
        (*begin)++;
    }
    if (*begin == *end) {
        return aif_error_set_offset(err, AIF_EPARSE, *begin, "expected %s, found end of text",
                                    example);
    }
    return AIF_OK;
}

/* ---- Durations ---- */

typedef struct duration_unit {
    const char *name;
    int scale10;    /* the number is read times 10^scale10 ... */
    int64_t factor; /* ... then multiplied by this to give ns */
} duration_unit;

static const duration_unit duration_units[] = {
    {"ns", 0, 1},          {"us", 3, 1},           {"ms", 6, 1},           {"s", 9, 1},
    {"sec", 9, 1},         {"secs", 9, 1},         {"second", 9, 1},       {"seconds", 9, 1},
    {"min", 9, 60},        {"mins", 9, 60},        {"minute", 9, 60},      {"minutes", 9, 60},
    {"h", 9, 3600},        {"hr", 9, 3600},        {"hrs", 9, 3600},       {"hour", 9, 3600},
    {"hours", 9, 3600},    {"d", 9, 86400},        {"day", 9, 86400},      {"days", 9, 86400},
    {"w", 9, 604800},      {"week", 9, 604800},    {"weeks", 9, 604800},   {"mo", 9, 2629800},
    {"month", 9, 2629800}, {"months", 9, 2629800}, {"y", 9, 31557600},     {"yr", 9, 31557600},
    {"yrs", 9, 31557600},  {"year", 9, 31557600},  {"years", 9, 31557600},
};

static const duration_unit *find_duration_unit(const char *s, size_t n) {
    char low[16];
    if (n >= sizeof low) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    }
    low[n] = '\0';
    for (size_t i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
        if (strcmp(low, duration_units[i].name) == 0) {
            return &duration_units[i];
        }
    }
    return NULL;
}

aif_status aif_duration_parse(const char *text, aif_time *out, aif_error *err) {
    size_t p = 0;
    size_t len = 0;
    aif_status st =
        start_parse(text, out, "a duration such as '90s' or '18 months'", err, &p, &len);
    if (st != AIF_OK) {
        return st;
    }
    char found[40];
    if (text[p] == '-') {
        return aif_error_set_offset(err, AIF_ERANGE, p, "a duration cannot be negative, found %s",
                                    aif__describe_word(text, p, len, found));
    }
    if (text[p] == '+') {
        p++;
    }
    size_t number_at = p;
    size_t number_end = 0;
    double v = 0.0;
    st = aif_number_scan(text, number_at, 0, &number_end, &v, err);
    if (st != AIF_OK) {
        return st;
    }
    int number_len = (int)(number_end - number_at);
    size_t u = number_end;
    while (u < len && aif__is_space(text[u])) {
        u++;
    }
    size_t u_end = u;
    while (u_end < len && aif__is_alpha(text[u_end])) {
        u_end++;
    }
    if (u_end == u) {
        if (u == len) {
            return aif_error_set_offset(err, AIF_EUNIT, u,
                                        "expected a unit such as s, h, d, months after '%.*s'",
                                        number_len, text + number_at);
        }
        return aif_error_set_offset(
            err, AIF_EUNIT, u, "expected a unit such as s, h, d, months after '%.*s', found %s",
            number_len, text + number_at, aif__describe_word(text, u, len, found));
    }
    const duration_unit *unit = find_duration_unit(text + u, u_end - u);
    if (unit == NULL) {
        if (u_end - u == 1 && (text[u] == 'm' || text[u] == 'M')) {
            return aif_error_set_offset(err, AIF_EUNIT, u,
                                        "ambiguous unit 'm' after '%.*s': write min or mo",
                                        number_len, text + number_at);
        }
        return aif_error_set_offset(
            err, AIF_EUNIT, u,
            "unknown duration unit '%.*s' (expected ns, us, ms, s, min, h, d, w, mo or "
            "y)",
            (int)(u_end - u), text + u);
    }
    size_t q = u_end;
    while (q < len && aif__is_space(text[q])) {
        q++;
    }
    if (q != len) {
        return aif_error_set_offset(err, AIF_EPARSE, q, "unexpected %s after '%.*s'",
                                    aif__describe_word(text, q, len, found),
                                    (int)(u_end - number_at), text + number_at);
    }
    /* Reading the number again with the unit's power of ten keeps decimal inputs exact. */
    st = aif_number_scan(text, number_at, unit->scale10, &number_end, &v, NULL);
    double ns = v * (double)unit->factor;
    if (st != AIF_OK || !(ns < TWO_POW_63)) {
        return aif_error_set_offset(err, AIF_ERANGE, number_at,
                                    "duration '%.*s' is too long: the limit is about 292 years",
                                    (int)(u_end - number_at), text + number_at);
    }
    *out = (aif_time)llround(ns);
    return AIF_OK;
}

static const struct {
    const char *name;
    double ns;
} format_units[] = {
    {"ns", 1.0},   {"us", 1e3},   {"ms", 1e6},    {"s", 1e9},
    {"min", 6e10}, {"h", 3.6e12}, {"d", 8.64e13}, {"y", 3.15576e16},
};
#define FORMAT_UNIT_COUNT (sizeof format_units / sizeof format_units[0])

static double round_for_display(double v) {
    return v < 10.0 ? round(v * 10.0) / 10.0 : round(v);
}

aif_status aif_duration_format(aif_time t, char *buf, size_t n) {
    if (buf == NULL || n == 0) {
        return AIF_EINVAL;
    }
    /* Magnitude as unsigned so that AIF_TIME_MIN has one too. */
    uint64_t mag = t < 0 ? (uint64_t)(-(t + 1)) + 1u : (uint64_t)t;
    double a = (double)mag;
    size_t i = 3; /* zero prints as "0 s" */
    if (mag > 0) {
        i = 0;
        while (i + 1 < FORMAT_UNIT_COUNT && a >= format_units[i + 1].ns) {
            i++;
        }
    }
    double r = round_for_display(a / format_units[i].ns);
    /* 59.97 s would print as "60 s": say "1 min" instead. */
    if (i + 1 < FORMAT_UNIT_COUNT && r * format_units[i].ns >= format_units[i + 1].ns) {
        i++;
        r = round_for_display(a / format_units[i].ns);
    }
    int decimals = (r < 10.0 && r != floor(r)) ? 1 : 0;
    int w = snprintf(buf, n, "%s%.*f %s", t < 0 ? "-" : "", decimals, r, format_units[i].name);
    return (w < 0 || (size_t)w >= n) ? AIF_ERANGE : AIF_OK;
}

/* ---- Calendar ---- */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static bool is_leap(int64_t y) {
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int32_t days_in_month(int64_t y, int32_t m) {
    static const int32_t lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y)) {
        return 29;
    }
    return lengths[m - 1];
}

bool aif_date_valid(aif_date d) {
    return d.year >= AIF_DATE_YEAR_MIN && d.year <= AIF_DATE_YEAR_MAX && d.month >= 1 &&
           d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

int64_t aif_date_to_days(aif_date d) {
    /* Carry an out-of-range month into the year first, so the formulas see 1..12. */
    int64_t m0 = (int64_t)d.month - 1;
    int64_t y = (int64_t)d.year + floor_div(m0, 12);
    int64_t m = m0 - floor_div(m0, 12) * 12 + 1;
    /* Years start on March 1: January and February belong to the previous year. */
    if (m <= 2) {
        y -= 1;
    }
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                                /* 0..399 */
    int64_t month_from_march = m > 2 ? m - 3 : m + 9;                   /* 0..11 */
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + d.day - 1; /* 0..365 if valid */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    /* 719468 days separate 0000-03-01 (day 0 of era 0) from 1970-01-01. */
    return era * 146097 + day_of_era - 719468;
}

/* Day numbers of the first and last supported dates. */
#define DAYS_MIN INT64_C(-37243778)
#define DAYS_MAX INT64_C(35805087)

aif_date aif_date_from_days(int64_t days) {
    if (days < DAYS_MIN) {
        days = DAYS_MIN;
    } else if (days > DAYS_MAX) {
        days = DAYS_MAX;
    }
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t day_of_era = z - era * 146097; /* 0..146096 */
    /* Remove the leap days accumulated so far, then divide by 365. */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return (aif_date){(int32_t)year, (int32_t)month, (int32_t)day};
}

aif_date aif_date_add_months(aif_date d, int32_t months) {
    int64_t total = (int64_t)d.year * 12 + ((int64_t)d.month - 1) + months;
    int64_t y = floor_div(total, 12);
    int32_t m = (int32_t)(total - y * 12 + 1);
    if (y < AIF_DATE_YEAR_MIN) {
        return (aif_date){AIF_DATE_YEAR_MIN, 1, 1};
    }
    if (y > AIF_DATE_YEAR_MAX) {
        return (aif_date){AIF_DATE_YEAR_MAX, 12, 31};
    }
    int32_t last = days_in_month(y, m);
    return (aif_date){(int32_t)y, m, d.day > last ? last : d.day};
}

static size_t digit_run(const char *text, size_t p, size_t len) {
    size_t n = 0;
    while (p + n < len && aif__is_digit(text[p + n])) {
        n++;
    }
    return n;
}

static int32_t digits_value(const char *text, size_t p, size_t n) {
    int32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (text[p + i] - '0');
    }
    return v;
}

/* "Q3" or "H2" after "YYYY-": the first month of that quarter or half. */
static aif_status parse_period(const char *text, size_t p, size_t len, int32_t *month,
                               aif_error *err) {
    bool quarter = text[p] == 'Q' || text[p] == 'q';
    int32_t count = quarter ? 4 : 2;
    const char *what = quarter ? "quarter" : "half";
    char letter = quarter ? 'Q' : 'H';
    char found[40];
    size_t n = digit_run(text, p + 1, len);
    if (n == 0) {
        return aif_error_set_offset(err, AIF_EPARSE, p + 1,
                                    "expected a %s number after '%c', found %s", what, letter,
                                    aif__describe_word(text, p + 1, len, found));
    }
    int32_t k = n == 1 ? text[p + 1] - '0' : 0;
    if (k < 1 || k > count) {
        return aif_error_set_offset(err, AIF_ERANGE, p + 1, "%s must be %c1..%c%d, found '%c%.*s'",
                                    what, letter, letter, (int)count, letter, (int)(n > 8 ? 8 : n),
                                    text + p + 1);
    }
    *month = (k - 1) * (12 / count) + 1;
    return AIF_OK;
}

aif_status aif_date_parse(const char *text, aif_date *out, aif_error *err) {
    size_t p = 0;
    size_t len = 0;
    aif_status st = start_parse(text, out, "a date such as 2026-07-01, 2026-07, 2026-Q3 or 2026-H2",
                                err, &p, &len);
    if (st != AIF_OK) {
        return st;
    }
    char found[40];
    size_t n = digit_run(text, p, len);
    if (n != 4) {
        return aif_error_set_offset(err, AIF_EPARSE, p, "expected a four-digit year, found %s",
                                    aif__describe_word(text, p, len, found));
    }
    aif_date d = {digits_value(text, p, 4), 1, 1};
    p += 4;
    if (p < len) {
        if (text[p] != '-') {
            return aif_error_set_offset(err, AIF_EPARSE, p,
                                        "expected '-' after the year %04d, found %s", (int)d.year,
                                        aif__describe_word(text, p, len, found));
        }
        p++;
        char c = p < len ? text[p] : '\0';
        if (c == 'Q' || c == 'q' || c == 'H' || c == 'h') {
            st = parse_period(text, p, len, &d.month, err);
            if (st != AIF_OK) {
                return st;
            }
            p += 2;
        } else if (aif__is_digit(c)) {
            n = digit_run(text, p, len);
            if (n != 2) {
                return aif_error_set_offset(
                    err, AIF_EPARSE, p,
                    "expected a two-digit month (01-12), found '%.*s' (write 2026-07-01, "
                    "not 2026-7-1)",
                    (int)(n > 8 ? 8 : n), text + p);
            }
            d.month = digits_value(text, p, 2);
            if (d.month < 1 || d.month > 12) {
                return aif_error_set_offset(err, AIF_ERANGE, p, "month must be 01-12, found '%.2s'",
                                            text + p);
            }
            p += 2;
            if (p < len && text[p] == '-') {
                p++;
                n = digit_run(text, p, len);
                if (n != 2) {
                    return aif_error_set_offset(
                        err, AIF_EPARSE, p,
                        "expected a two-digit day (01-31), found %s (write 2026-07-01, "
                        "not 2026-07-1)",
                        aif__describe_word(text, p, len, found));
                }
                d.day = digits_value(text, p, 2);
                int32_t last = days_in_month(d.year, d.month);
                if (d.day < 1 || d.day > last) {
                    return aif_error_set_offset(err, AIF_ERANGE, p,
                                                "day must be 01-%02d for %04d-%02d, found '%.2s'",
                                                (int)last, (int)d.year, (int)d.month, text + p);
                }
                p += 2;
            }
        } else {
            return aif_error_set_offset(
                err, AIF_EPARSE, p,
                "expected a month (01-12), a quarter (Q1-Q4) or a half (H1-H2) after "
                "'%04d-', found %s",
                (int)d.year, aif__describe_word(text, p, len, found));
        }
    }
    size_t date_end = p;
    while (p < len && aif__is_space(text[p])) {
        p++;
    }
    if (p != len) {
        return aif_error_set_offset(err, AIF_EPARSE, p, "unexpected %s after the date '%.*s'",
                                    aif__describe_word(text, p, len, found), (int)date_end, text);
    }
    *out = d;
    return AIF_OK;
}

aif_status aif_date_format(aif_date d, char buf[static 16]) {
    if (!aif_date_valid(d)) {
        snprintf(buf, 16, "invalid");
        return AIF_EINVAL;
    }
    const char *sign = d.year < 0 ? "-" : (d.year > 9999 ? "+" : "");
    /* The modulo operations are no-ops for valid dates; they tell the compiler the widths. */
    unsigned y = (unsigned)(d.year < 0 ? -d.year : d.year) % 1000000u;
    snprintf(buf, 16, "%s%04u-%02u-%02u", sign, y, (unsigned)d.month % 100u,
             (unsigned)d.day % 100u);
    return AIF_OK;
}

aif_time aif_date_to_sim(aif_date d, aif_date start) {
    int64_t diff = aif_date_to_days(d) - aif_date_to_days(start);
    if (diff > AIF_TIME_MAX / AIF_NS_PER_DAY) {
        return AIF_TIME_MAX;
    }
    if (diff < AIF_TIME_MIN / AIF_NS_PER_DAY) {
        return AIF_TIME_MIN;
    }
    return diff * AIF_NS_PER_DAY;
}

/* Whole days and the non-negative remainder, without forming days * AIF_NS_PER_DAY (which
 * overflows for t near AIF_TIME_MIN). */
static void split_days(aif_time t, int64_t *days, int64_t *rest) {
    *days = t / AIF_NS_PER_DAY;
    *rest = t % AIF_NS_PER_DAY;
    if (*rest < 0) {
        *days -= 1;
        *rest += AIF_NS_PER_DAY;
    }
}

aif_date aif_sim_to_date(aif_time t, aif_date start) {
    int64_t days = 0;
    int64_t rest = 0;
    split_days(t, &days, &rest);
    return aif_date_from_days(aif_date_to_days(start) + days);
}

aif_status aif_sim_format_datetime(aif_time t, aif_date start, char *buf, size_t n) {
    if (buf == NULL || n == 0) {
        return AIF_EINVAL;
    }
    buf[0] = '\0';
    if (!aif_date_valid(start)) {
        return AIF_EINVAL;
    }
    int64_t days = 0;
    int64_t rest = 0;
    split_days(t, &days, &rest);
    char date[16];
    aif_date_format(aif_date_from_days(aif_date_to_days(start) + days), date);
    int64_t s = rest / AIF_NS_PER_S;
    int w = snprintf(buf, n, "%s %02d:%02d:%02d", date, (int)(s / 3600), (int)(s / 60 % 60),
                     (int)(s % 60));
    return (w < 0 || (size_t)w >= n) ? AIF_ERANGE : AIF_OK;
}

aif_time aif_sim_add_calendar(aif_time t, aif_time d, aif_date start) {
    const aif_time month = AIF_NS_PER_YEAR / 12;
    if (t == AIF_TIME_MAX || d == AIF_TIME_MAX) {
        return AIF_TIME_MAX;
    }
    /* Whole months only, and few enough to stay inside the date range's 10^5 months. */
    if (d <= 0 || d % month != 0 || d / month > 120000) {
        return d > 0 && t > AIF_TIME_MAX - d ? AIF_TIME_MAX : t + d;
    }
    aif_date day = aif_sim_to_date(t, start);
    aif_time time_of_day = t - aif_date_to_sim(day, start);
    aif_time base = aif_date_to_sim(aif_date_add_months(day, (int32_t)(d / month)), start);
    return base > AIF_TIME_MAX - time_of_day ? AIF_TIME_MAX : base + time_of_day;
}
