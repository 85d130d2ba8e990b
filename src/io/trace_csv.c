/* CSV field splitting and the value parsers of the trace reader (see trace_internal.h).
 *
 * Numbers are parsed by hand rather than with strtod so that decimal seconds become exact
 * integer nanoseconds ("0.1" is 100,000,000 ns, not the nearest double) and so that the
 * parsers never depend on the process locale. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trace_internal.h"

static bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

/* isdigit() consults the locale table; a trace is ASCII whatever the locale says. */
static bool digit(char c) {
    return (unsigned char)(c - '0') < 10;
}

static const uint64_t pow10_table[20] = {1u,
                                         10u,
                                         100u,
                                         1000u,
                                         10000u,
                                         100000u,
                                         1000000u,
                                         10000000u,
                                         100000000u,
                                         1000000000u,
                                         10000000000u,
                                         100000000000u,
                                         1000000000000u,
                                         10000000000000u,
                                         100000000000000u,
                                         1000000000000000u,
                                         10000000000000000u,
                                         100000000000000000u,
                                         1000000000000000000u,
                                         10000000000000000000u};

/* INT64_MAX / 10^k: the largest mantissa that 10^k can scale without overflow (a table,
 * so the check costs no division). */
static const uint64_t max_before_scale[19] = {9223372036854775807u,
                                              922337203685477580u,
                                              92233720368547758u,
                                              9223372036854775u,
                                              922337203685477u,
                                              92233720368547u,
                                              9223372036854u,
                                              922337203685u,
                                              92233720368u,
                                              9223372036u,
                                              922337203u,
                                              92233720u,
                                              9223372u,
                                              922337u,
                                              92233u,
                                              9223u,
                                              922u,
                                              92u,
                                              9u};

int aif__csv_split(char *rec, size_t len, char **fields, int max) {
    char *p = rec;
    char *end = rec + len;
    int n = 0;
    for (;;) {
        while (p < end && is_blank(*p)) {
            p++;
        }
        char *field;
        if (p < end && *p == '"') {
            /* Quoted: unquote in place; the writer trails the reader by >= 1 byte. */
            char *w = p;
            field = p;
            p++;
            for (;;) {
                if (p >= end) {
                    return -1; /* the source guarantees balance; be safe anyway */
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\0') {
                    return -2;
                }
                *w++ = *p++;
            }
            while (p < end && is_blank(*p)) {
                p++;
            }
            if (p < end && *p != ',') {
                return -1;
            }
            *w = '\0';
        } else {
            field = p;
            /* Fields are short: a byte loop beats a memchr call per field. */
            char *stop = p;
            while (stop < end && *stop != ',') {
                if (*stop == '\0') {
                    return -2;
                }
                stop++;
            }
            char *t = stop;
            while (t > field && is_blank(t[-1])) {
                t--;
            }
            p = stop;
            *t = '\0'; /* overwrites the comma, a blank, or the record's terminator slot */
        }
        if (n < max) {
            fields[n] = field;
        }
        n++;
        if (p >= end) {
            return n;
        }
        p++; /* past the comma */
    }
}

/* The shape nearly every trace writes, "123" or "123.456" (at most 9 digits on either side
 * of the point), read straight to nanoseconds; false sends anything else to the general
 * parser. Both give the same value for such text, so this changes speed only. */
static bool plain_seconds(const char *s, int64_t *ns) {
    const char *p = s;
    int64_t whole = 0;
    while (digit(*p) && p - s < 9) {
        whole = whole * 10 + (*p++ - '0');
    }
    if (p == s) {
        return false;
    }
    int64_t frac = 0;
    int fd = 0;
    if (*p == '.') {
        p++;
        while (digit(*p) && fd < 9) {
            frac = frac * 10 + (*p++ - '0');
            fd++;
        }
    }
    if (*p != '\0') {
        return false;
    }
    *ns = whole * 1000000000 + frac * (int64_t)pow10_table[9 - fd];
    return true;
}

bool aif__csv_plain_row(const char *rec, size_t len, const unsigned char *kind, int n,
                        int64_t *out) {
    const char *p = rec;
    const char *end = rec + len;
    for (int f = 0; f < n; f++) {
        /* The digit limits are those of plain_seconds and of aif__parse_int's fast path:
         * past them the general parsers round or check overflow, so such text goes there. */
        const char *s = p;
        const ptrdiff_t lim = kind[f] == PLAIN_INT ? 18 : 9;
        int64_t v = 0;
        while (p < end && digit(*p) && p - s < lim) {
            v = v * 10 + (*p++ - '0');
        }
        if (p == s) {
            return false;
        }
        if (kind[f] == PLAIN_SECONDS) {
            int64_t frac = 0;
            ptrdiff_t fd = 0;
            if (p < end && *p == '.') {
                const char *fs = ++p;
                while (p < end && digit(*p) && p - fs < 9) {
                    frac = frac * 10 + (*p++ - '0');
                }
                fd = p - fs;
            }
            v = v * 1000000000 + frac * (int64_t)pow10_table[9 - fd];
        }
        out[f] = v;
        if (f + 1 < n) {
            if (p == end || *p != ',') {
                return false;
            }
            p++;
        }
    }
    return p == end;
}

aif_status aif__parse_seconds(const char *s, int64_t *ns) {
    if (plain_seconds(s, ns)) {
        return AIF_OK;
    }
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    uint64_t mant = 0;
    int exp10 = 0;
    int digits = 0;
    int sig = 0;
    while (digit(*p)) {
        if (sig < 18) {
            mant = mant * 10 + (uint64_t)(*p - '0');
            if (mant) {
                sig++;
            }
        } else {
            exp10++; /* digits beyond 18 significant are below a nanosecond or overflow */
        }
        digits++;
        p++;
    }
    if (*p == '.') {
        p++;
        while (digit(*p)) {
            if (sig < 18) {
                mant = mant * 10 + (uint64_t)(*p - '0');
                if (mant) {
                    sig++;
                }
                exp10--;
            }
            digits++;
            p++;
        }
    }
    if (digits == 0) {
        return AIF_EPARSE;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = false;
        if (*p == '+' || *p == '-') {
            eneg = *p == '-';
            p++;
        }
        if (!digit(*p)) {
            return AIF_EPARSE;
        }
        int e = 0;
        while (digit(*p)) {
            if (e < 10000) {
                e = e * 10 + (*p - '0');
            }
            p++;
        }
        exp10 += eneg ? -e : e;
    }
    if (*p != '\0') {
        return AIF_EPARSE;
    }
    int scale = exp10 + 9; /* to nanoseconds */
    if (mant == 0) {
        *ns = 0;
        return AIF_OK;
    }
    if (scale >= 0) {
        if (scale > 18 || mant > max_before_scale[scale]) {
            return AIF_ERANGE;
        }
        mant *= pow10_table[scale];
    } else if (scale < -19) {
        mant = 0;
    } else {
        uint64_t div = pow10_table[-scale];
        mant = (mant + div / 2) / div; /* mant < 10^19, so the sum cannot wrap */
    }
    if (mant > (uint64_t)INT64_MAX) {
        return AIF_ERANGE;
    }
    *ns = neg ? -(int64_t)mant : (int64_t)mant;
    return AIF_OK;
}

static int read_digits(const char **p, int count) {
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (!digit(**p)) {
            return -1;
        }
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar: count in 400-year eras
 * that start on March 1st, so the leap day is the last day of its year. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

aif_status aif__parse_date(const char *s, int64_t *ns) {
    const char *p = s;
    int y = read_digits(&p, 4);
    if (y < 0 || *p++ != '-') {
        return AIF_EPARSE;
    }
    int mo = read_digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-') {
        return AIF_EPARSE;
    }
    int d = read_digits(&p, 2);
    if (d < 1 || d > days_in_month(y, mo)) {
        return AIF_EPARSE;
    }
    int h = 0, mi = 0, se = 0;
    int64_t frac = 0;
    if (*p == ' ' || *p == 'T') {
        p++;
        h = read_digits(&p, 2);
        if (h < 0 || h > 23 || *p++ != ':') {
            return AIF_EPARSE;
        }
        mi = read_digits(&p, 2);
        if (mi < 0 || mi > 59) {
            return AIF_EPARSE;
        }
        if (*p == ':') {
            p++;
            se = read_digits(&p, 2);
            if (se < 0 || se > 59) {
                return AIF_EPARSE;
            }
            if (*p == '.') {
                p++;
                int64_t scale = 100000000;
                if (!digit(*p)) {
                    return AIF_EPARSE;
                }
                while (digit(*p)) {
                    frac += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
        }
    }
    if (*p == 'Z') {
        p++;
    }
    if (*p != '\0') {
        return AIF_EPARSE;
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    /* Years 0000-9999 fit in int64 seconds but not all in int64 ns (1678-2262 do): check
     * the seconds against the job time limit before scaling them. */
    if (secs < -AIF_JOB_TIME_LIMIT_S || secs >= AIF_JOB_TIME_LIMIT_S) {
        return AIF_ERANGE;
    }
    *ns = secs * 1000000000 + frac;
    return AIF_OK;
}

aif_status aif__parse_time(const char *s, int64_t *ns) {
    /* Short-circuit order keeps every read inside the string (s[i] != NUL before s[i+1]). */
    bool dated = digit(s[0]) && digit(s[1]) && digit(s[2]) && digit(s[3]) && s[4] == '-';
    return dated ? aif__parse_date(s, ns) : aif__parse_seconds(s, ns);
}

aif_status aif__parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out) {
    /* Fast path: up to 18 plain digits cannot overflow, so only the range is left. */
    if (digit(*s)) {
        const char *q = s;
        int64_t v = 0;
        while (digit(*q) && q - s < 18) {
            v = v * 10 + (*q++ - '0');
        }
        if (*q == '\0') {
            if (v < lo || v > hi) {
                return AIF_ERANGE;
            }
            *out = v;
            return AIF_OK;
        }
    }
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (!digit(*p)) {
        return AIF_EPARSE;
    }
    uint64_t v = 0;
    bool big = false;
    while (digit(*p)) {
        if (v > ((uint64_t)INT64_MAX - 9) / 10) {
            big = true;
        } else {
            v = v * 10 + (uint64_t)(*p - '0');
        }
        p++;
    }
    if (*p == '.') {
        p++;
        while (*p == '0') {
            p++;
        }
    }
    if (*p != '\0') {
        return AIF_EPARSE;
    }
    if (big) {
        return AIF_ERANGE;
    }
    int64_t x = neg ? -(int64_t)v : (int64_t)v;
    if (x < lo || x > hi) {
        return AIF_ERANGE;
    }
    *out = x;
    return AIF_OK;
}
