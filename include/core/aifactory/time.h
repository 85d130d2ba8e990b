/* Simulated time, durations with units, and the UTC calendar.
 *
 * Inside the simulator time is an int64 count of nanoseconds (aif_time), which spans about
 * +-292 years; seconds and dates appear only at input and output. Durations are physical
 * lengths: a day is 86400 s, a year is 365.25 days (the Julian year) and a month is 1/12 of
 * that (30.4375 days), so "18 months" is always the same number of nanoseconds. Calendar
 * arithmetic ("the first of the month, 18 months after the start") uses the date functions
 * instead. The calendar is the proleptic Gregorian one in UTC, with no time zones and no
 * leap seconds; dates are supported for years -100000..100000. A scenario's start date at
 * midnight UTC is t = 0. Nothing here allocates or keeps state. */
#ifndef AIFACTORY_TIME_H
#define AIFACTORY_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/error.h"
#include "aifactory/status.h"

/* Nanoseconds of simulated time (or a duration in nanoseconds). */
/* pq.h declares the same type under the same guard, so either header may come first. */
#ifndef AIF_TIME_DEFINED
#define AIF_TIME_DEFINED
typedef int64_t aif_time;
#endif

#define AIF_NS_PER_US   INT64_C(1000)
#define AIF_NS_PER_MS   INT64_C(1000000)
#define AIF_NS_PER_S    INT64_C(1000000000)
#define AIF_NS_PER_MIN  (INT64_C(60) * AIF_NS_PER_S)
#define AIF_NS_PER_HOUR (INT64_C(3600) * AIF_NS_PER_S)
#define AIF_NS_PER_DAY  (INT64_C(86400) * AIF_NS_PER_S)
#define AIF_NS_PER_YEAR (INT64_C(31557600) * AIF_NS_PER_S) /* 365.25 days */
#define AIF_TIME_MAX    INT64_MAX
#define AIF_TIME_MIN    INT64_MIN

/* Seconds to nanoseconds for trusted values, rounded to the nearest ns (halves away from
 * zero). Values beyond the range saturate at AIF_TIME_MIN/AIF_TIME_MAX; NaN gives 0, which
 * is why untrusted input must go through aif_time_from_seconds_checked. Cost O(1). */
aif_time aif_time_from_seconds(double s);

/* Checked conversion: *out = s seconds in ns, rounded to nearest.
 * Errors: AIF_EINVAL (out NULL), AIF_ERANGE (s is NaN or infinite, or s * 1e9 does not fit
 * in int64); *out is written only on success. Cost O(1). */
aif_status aif_time_from_seconds_checked(double s, aif_time *out);

/* Nanoseconds to seconds: the nearest double for |t| below 2^53 ns (104 days), within two
 * roundings beyond. Cost O(1). */
double aif_time_to_seconds(aif_time t);

/* Parse a non-negative duration: a number ("90", "1.5", "2e3") then optional blanks and a
 * unit, case-insensitive: ns; us; ms; s, sec, secs, second, seconds; min, mins, minute,
 * minutes; h, hr, hrs, hour, hours; d, day, days; w, week, weeks; mo, month, months; y, yr,
 * yrs, year, years. "m" is rejected as ambiguous (min or mo?). Blanks around the text are
 * ignored. The result is rounded to the nearest ns; decimal inputs are converted exactly
 * ("0.1 s" is 100000000 ns).
 * Parameters: text (NUL-terminated), out (written only on success), err (may be NULL; on
 * failure gets the offset of the offending byte and a message, e.g. "expected a unit such
 * as s, h, d, months after '90'").
 * Errors: AIF_EINVAL (text or out NULL), AIF_EPARSE (empty, not a number, trailing junk),
 * AIF_EUNIT (missing or unknown unit), AIF_ERANGE (negative, NaN/inf, or longer than
 * AIF_TIME_MAX, about 292 years). Cost O(length of text). */
aif_status aif_duration_parse(const char *text, aif_time *out, aif_error *err);

/* Write a short human form of a duration: the largest of ns, us, ms, s, min, h, d, y that
 * keeps the number >= 1, with one decimal below 10 and none above, trailing ".0" dropped:
 * "250 ms", "7.6 min", "3.1 h", "54 d", "1.5 y", "0 s". Negative values get a '-'. The
 * output is accepted by aif_duration_parse (negative ones excepted). Assumes the C locale
 * for LC_NUMERIC, like every text form in libaifactory.
 * Errors: AIF_EINVAL (buf NULL or n == 0), AIF_ERANGE (buf too small; it holds the
 * truncated, NUL-terminated text). Cost O(1). */
aif_status aif_duration_format(aif_time t, char *buf, size_t n);

/* A calendar day (proleptic Gregorian, UTC). Year 0 is 1 BC. */
typedef struct aif_date {
    int32_t year;
    int32_t month; /* 1..12 */
    int32_t day;   /* 1..31 */
} aif_date;

#define AIF_DATE_YEAR_MIN (-100000)
#define AIF_DATE_YEAR_MAX 100000

/* True when year is in [AIF_DATE_YEAR_MIN, AIF_DATE_YEAR_MAX], month in 1..12 and day in
 * 1..(days of that month, leap years included). Cost O(1). */
bool aif_date_valid(aif_date d);

/* Days since 1970-01-01 (negative before). Closed form, O(1). For a valid date the result
 * is exact; a month or day out of range is carried arithmetically (month 13 is January of
 * the next year, day 0 the last day of the previous month), never undefined behaviour. */
int64_t aif_date_to_days(aif_date d);

/* Inverse of aif_date_to_days. Day numbers outside the supported years are clamped to
 * -100000-01-01 or 100000-12-31. O(1). */
aif_date aif_date_from_days(int64_t days);

/* The same day `months` later (or earlier when negative), with the day clamped to the
 * length of the target month: 2024-01-31 + 1 month = 2024-02-29, 2025-01-31 + 1 = 2025-02-28.
 * A result beyond the supported years is clamped like aif_date_from_days. O(1). */
aif_date aif_date_add_months(aif_date d, int32_t months);

/* Parse a date: "2026-07-01", "2026-07" (first of the month), "2026" (January 1),
 * "2026-H1"/"2026-H2" (January 1 / July 1), "2027-Q1".."2027-Q4" (first day of the
 * quarter); 'h' and 'q' may be lower case. The year has exactly four digits and month and
 * day exactly two, as in ISO 8601: "2026-7-1" is rejected (with a hint) rather than
 * guessed. Blanks around the text are ignored.
 * Parameters: text (NUL-terminated), out (written only on success), err (may be NULL).
 * Errors: AIF_EINVAL (text or out NULL), AIF_EPARSE (shape: empty, wrong digit count,
 * missing '-', trailing junk), AIF_ERANGE (month not 01-12, day beyond the month such as
 * 2025-02-29, quarter not 1-4, half not 1-2); err->offset points at the offending field.
 * Cost O(length of text). */
aif_status aif_date_parse(const char *text, aif_date *out, aif_error *err);

/* Write "YYYY-MM-DD" into buf. Years outside 0..9999 get a sign and at least four digits
 * ("-0044-03-15", "+10000-01-01"); aif_date_parse does not read those back.
 * Errors: AIF_EINVAL (date not valid; buf gets "invalid"). Cost O(1). */
aif_status aif_date_format(aif_date d, char buf[static 16]);

/* Simulated time of midnight UTC at the start of day d, for a scenario whose t = 0 is
 * midnight UTC of `start`. Saturates at AIF_TIME_MIN/MAX more than ~292 years away. O(1). */
aif_time aif_date_to_sim(aif_date d, aif_date start);

/* The calendar day containing simulated time t (rounding toward minus infinity, so
 * t = -1 ns is the day before `start`). O(1). */
aif_date aif_sim_to_date(aif_time t, aif_date start);

/* t + d, where a d of a whole number of months (as "18 months" or "5 years" read: 1/12 of
 * 365.25 days each) is added on the calendar: the same day of the month and time of day
 * that many months later, not 30.4375 days per month, so a 12-month lead time from
 * midnight ends at midnight. Other d are added as they are. Saturates at AIF_TIME_MAX (and
 * for t or d past it returns AIF_TIME_MAX). O(1). */
aif_time aif_sim_add_calendar(aif_time t, aif_time d, aif_date start);

/* Write the UTC date and time of t as "2026-07-01 13:45:00" (seconds truncated toward
 * minus infinity). Errors: AIF_EINVAL (buf NULL, n == 0 or start invalid), AIF_ERANGE (buf
 * too small; truncated text). O(1). */
aif_status aif_sim_format_datetime(aif_time t, aif_date start, char *buf, size_t n);

#endif
