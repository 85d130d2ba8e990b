/* Quantities with units (see units.h): the decimal-number lexer shared by every text
 * reader, the per-kind unit vocabularies, the parser that checks a unit against the
 * requested kind, and the readable formatter.
 *
 * Values are computed by handing strtod one decimal string whose exponent already includes
 * the unit's power of ten, so "1.2 GW" rounds once to the double nearest 1.2e9 instead of
 * rounding 1.2 and then rounding the product. Only characters this file has validated
 * reach strtod, which keeps hex floats, "inf" and locale-specific forms out. */
#include "aifactory/units.h"
#include "text_scan.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MANTISSA 100 /* characters; longer numbers are surely typing mistakes */
#define MAX_TOKENS   4

static char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool starts_with_nocase(const char *s, const char *prefix) {
    for (; *prefix; s++, prefix++) {
        if (lower(*s) != *prefix) {
            return false;
        }
    }
    return true;
}

aif_status aif_number_scan(const char *text, size_t start, int scale10, size_t *end, double *out,
                           aif_error *err) {
    if (text == NULL || end == NULL || out == NULL) {
        return aif_error_set_offset(err, AIF_EINVAL, 0, "no text or no place for the result");
    }
    const char *s = text;
    size_t len = strlen(text);
    char what[40];
    if (start > len) {
        return aif_error_set_offset(err, AIF_EINVAL, len, "scan starts past the end of the text");
    }
    size_t p = start;
    if (!aif__is_digit(s[p]) && !(s[p] == '.' && aif__is_digit(s[p + 1]))) {
        if (starts_with_nocase(s + p, "nan") || starts_with_nocase(s + p, "inf")) {
            return aif_error_set_offset(err, AIF_ERANGE, p, "expected a finite number, found %s",
                                        aif__describe_word(s, p, len, what));
        }
        return aif_error_set_offset(err, AIF_EPARSE, p, "expected a number, found %s",
                                    aif__describe_word(s, p, len, what));
    }
    while (aif__is_digit(s[p])) {
        p++;
    }
    if (s[p] == '.') {
        if (!aif__is_digit(s[p + 1])) {
            return aif_error_set_offset(
                err, AIF_EPARSE, p + 1, "expected a digit after '%.*s', found %s",
                (int)(p + 1 - start), s + start, aif__describe_word(s, p + 1, len, what));
        }
        p++;
        while (aif__is_digit(s[p])) {
            p++;
        }
    }
    size_t mantissa_len = p - start;
    if (mantissa_len > MAX_MANTISSA) {
        return aif_error_set_offset(err, AIF_EPARSE, start, "number has more than %d digits",
                                    MAX_MANTISSA);
    }
    long exponent = 0;
    /* Look ahead only past characters known not to be the terminating NUL. */
    bool is_e = s[p] == 'e' || s[p] == 'E';
    bool has_sign = is_e && (s[p + 1] == '+' || s[p + 1] == '-');
    /* An 'e' that does not start an exponent belongs to what follows ("1.2EFLOPS"). */
    if (is_e && aif__is_digit(s[p + 1 + (has_sign ? 1 : 0)])) {
        long sign = s[p + 1] == '-' ? -1 : 1;
        p += has_sign ? 2 : 1;
        while (aif__is_digit(s[p])) {
            if (exponent < 100000) { /* beyond this every double is 0 or inf anyway */
                exponent = exponent * 10 + (s[p] - '0');
            }
            p++;
        }
        exponent *= sign;
    }
    if (s[p] == ',' && aif__is_digit(s[p + 1])) {
        return aif_error_set_offset(
            err, AIF_EPARSE, p,
            "found ',' inside a number: write digits without separators and use '.' "
            "for decimals (e.g. 16384, 1.5)");
    }
    if (scale10 > 1000) {
        scale10 = 1000;
    } else if (scale10 < -1000) {
        scale10 = -1000;
    }
    exponent += scale10;

    char buf[MAX_MANTISSA + 32];
    memcpy(buf, s + start, mantissa_len);
    int tail = snprintf(buf + mantissa_len, sizeof buf - mantissa_len, "e%ld", exponent);
    size_t buf_len = mantissa_len + (size_t)tail;
    errno = 0;
    char *stop = NULL;
    double v = strtod(buf, &stop);
    /* A short read means the decimal point is not '.', i.e. not the C locale. */
    if (stop != buf + buf_len) {
        return aif_error_set_offset(err, AIF_EPARSE, start,
                                    "could not read '%.*s' as a number (the C locale is assumed)",
                                    (int)mantissa_len, s + start);
    }
    if (!isfinite(v) || (errno == ERANGE && fabs(v) >= 1.0)) {
        return aif_error_set_offset(err, AIF_ERANGE, start, "number '%.*s' is too large",
                                    (int)(p - start), s + start);
    }
    *end = p;
    *out = v;
    return AIF_OK;
}

/* ---- Unit vocabularies ---- */

typedef struct prefix {
    const char *symbol;
    int exp10;
} prefix;

/* Ordered by exponent so that formatting can index by power of 1000. */
static const prefix si_prefixes[] = {
    {"m", -3}, {"", 0},   {"k", 3},  {"M", 6},  {"G", 9},
    {"T", 12}, {"P", 15}, {"E", 18}, {"Z", 21}, {"Y", 24},
};
#define SI_COUNT (sizeof si_prefixes / sizeof si_prefixes[0])

static const struct {
    const char *symbol;
    int exp2;
} binary_prefixes[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};

/* Scales written after a plain number: money, tokens, counts. */
static const prefix scale_words[] = {
    {"k", 3}, {"K", 3},  {"thousand", 3}, {"M", 6},  {"million", 6},
    {"B", 9}, {"bn", 9}, {"billion", 9},  {"T", 12}, {"trillion", 12},
};

typedef struct family {
    const char *bases[4]; /* NULL-terminated */
    int min_exp10, max_exp10;
    bool binary;
    bool bare_ok;
    const char *expect; /* "a power unit (...)" */
} family;

static const family power_family = {{"W", NULL}, -3,    12,
                                    false,       false, "a power unit (mW, W, kW, MW, GW, TW)"};
static const family energy_family = {
    {"Wh", NULL}, -3, 12, false, false, "an energy unit (Wh, kWh, MWh, GWh, TWh)"};
static const family flop_family = {
    {"FLOP", "FLOPs", NULL}, 0, 24, false, true, "a FLOP count unit (FLOP, PFLOP, EFLOP, ZFLOP)"};
static const family flops_family = {
    {"FLOPS", "FLOP/s", "FLOPs", NULL},           0, 24, false, false,
    "a FLOP rate unit (TFLOP/s, PFLOPS, EFLOP/s)"};
static const family bytes_family = {
    {"B", NULL}, 0, 18, true, false, "a byte unit (B, kB, MB, GB, TB, PB, KiB, MiB, GiB, TiB)"};
static const family bytes_rate_family = {
    {"B/s", NULL}, 0, 18, true, false, "a bandwidth unit (B/s, MB/s, GB/s, TB/s, GiB/s)"};

static bool word_equal(const char *s, size_t n, const char *word) {
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool is_base(const family *f, const char *s, size_t n) {
    for (size_t i = 0; f->bases[i]; i++) {
        if (word_equal(s, n, f->bases[i])) {
            return true;
        }
    }
    return false;
}

/* Does the token name a unit of family f? On success gives its power of ten and of two. */
static bool match_family(const family *f, const char *s, size_t n, int *exp10, int *exp2) {
    for (size_t i = 0; i < SI_COUNT; i++) {
        const prefix *pr = &si_prefixes[i];
        size_t pl = strlen(pr->symbol);
        if (pr->exp10 < f->min_exp10 || pr->exp10 > f->max_exp10 || pl > n) {
            continue;
        }
        if (memcmp(s, pr->symbol, pl) == 0 && is_base(f, s + pl, n - pl)) {
            *exp10 = pr->exp10;
            *exp2 = 0;
            return true;
        }
    }
    if (f->binary) {
        for (size_t i = 0; i < sizeof binary_prefixes / sizeof binary_prefixes[0]; i++) {
            if (n > 2 && memcmp(s, binary_prefixes[i].symbol, 2) == 0 && is_base(f, s + 2, n - 2)) {
                *exp10 = 0;
                *exp2 = binary_prefixes[i].exp2;
                return true;
            }
        }
    }
    return false;
}

/* ASCII case-insensitive "prefix then base equals the token", without locale. */
static bool folded_equal(const char *s, size_t n, const char *prefix_symbol, const char *base) {
    size_t pl = strlen(prefix_symbol), bl = strlen(base);
    if (pl + bl != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char want = i < pl ? prefix_symbol[i] : base[i - pl];
        char got = s[i];
        if (got >= 'A' && got <= 'Z') {
            got = (char)(got - 'A' + 'a');
        }
        if (want >= 'A' && want <= 'Z') {
            want = (char)(want - 'A' + 'a');
        }
        if (got != want) {
            return false;
        }
    }
    return true;
}

static bool all_lower(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z') {
            return false;
        }
    }
    return true;
}

/* The units of family f an all-lower-case token names when case is ignored ("gw" -> GW).
 * Users type lower case; it is accepted where only one scale fits (mixed case such as "mB"
 * is a different unit written wrongly, and stays an error). Returns how many distinct scales
 * fit (0, 1, or more: ambiguous, as "mw" for mW and MW); with one, gives it; with more,
 * `larger` is the largest, which the message proposes: a milliwatt AI factory is a slip. */
static int match_family_folded(const family *f, const char *s, size_t n, int *exp10, int *exp2,
                               const char **larger) {
    int found = 0;
    for (size_t i = 0; i < SI_COUNT; i++) {
        const prefix *pr = &si_prefixes[i];
        if (pr->exp10 < f->min_exp10 || pr->exp10 > f->max_exp10) {
            continue;
        }
        for (size_t b = 0; f->bases[b]; b++) {
            if (!folded_equal(s, n, pr->symbol, f->bases[b])) {
                continue;
            }
            found++; /* prefixes ascend, so the last one found is the largest */
            *larger = pr->symbol;
            *exp10 = pr->exp10;
            *exp2 = 0;
            break;
        }
    }
    if (f->binary) {
        for (size_t i = 0; i < sizeof binary_prefixes / sizeof binary_prefixes[0]; i++) {
            for (size_t b = 0; f->bases[b]; b++) {
                if (folded_equal(s, n, binary_prefixes[i].symbol, f->bases[b])) {
                    *exp10 = 0;
                    *exp2 = binary_prefixes[i].exp2;
                    found++;
                    break;
                }
            }
        }
    }
    return found;
}

static bool match_scale(const char *s, size_t n, int *exp10) {
    for (size_t i = 0; i < sizeof scale_words / sizeof scale_words[0]; i++) {
        if (word_equal(s, n, scale_words[i].symbol)) {
            *exp10 = scale_words[i].exp10;
            return true;
        }
    }
    return false;
}

static bool is_token_word(const char *s, size_t n) {
    return word_equal(s, n, "tokens") || word_equal(s, n, "token") || word_equal(s, n, "tok");
}

/* Per-MWh scale of an energy-price denominator such as "/kWh": 1 MWh = 1000 kWh, so a
 * price per kWh is 10^3 times larger per MWh. */
static bool match_per_energy(const char *s, size_t n, int *exp10) {
    int e10 = 0;
    int e2 = 0;
    if (n < 2 || s[0] != '/' || !match_family(&energy_family, s + 1, n - 1, &e10, &e2)) {
        return false;
    }
    if (e10 < 0) {
        return false; /* $/mWh is surely a slip */
    }
    *exp10 = 6 - e10;
    return true;
}

static bool match_price_unit(const char *s, size_t n, int *exp10) {
    if (n > 1 && s[0] == '$') {
        return match_per_energy(s + 1, n - 1, exp10);
    }
    if (n > 3 && memcmp(s, "USD", 3) == 0) {
        return match_per_energy(s + 3, n - 3, exp10);
    }
    return false;
}

/* Which kinds would accept this token as (part of) their unit; for wrong-dimension hints. */
static void token_kinds(const char *s, size_t n, char *out, size_t cap) {
    static const struct {
        const family *f;
        aif_quantity_kind kind;
    } families[] = {
        {&power_family, AIF_QTY_POWER}, {&energy_family, AIF_QTY_ENERGY},
        {&flop_family, AIF_QTY_FLOP},   {&flops_family, AIF_QTY_FLOPS},
        {&bytes_family, AIF_QTY_BYTES}, {&bytes_rate_family, AIF_QTY_BYTES_PER_S},
    };
    bool hit[AIF_QTY_KIND_COUNT] = {false};
    int e10 = 0;
    int e2 = 0;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        hit[families[i].kind] = match_family(families[i].f, s, n, &e10, &e2);
    }
    bool scale = match_scale(s, n, &e10);
    hit[AIF_QTY_MONEY] = scale || word_equal(s, n, "USD") || (n > 0 && s[0] == '$');
    hit[AIF_QTY_TOKENS] = scale || is_token_word(s, n);
    hit[AIF_QTY_COUNT] = scale;
    hit[AIF_QTY_ENERGY_PRICE] = match_price_unit(s, n, &e10) || match_per_energy(s, n, &e10);
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < AIF_QTY_KIND_COUNT; k++) {
        if (!hit[k]) {
            continue;
        }
        int w = snprintf(out + used, cap - used, "%s%s", used ? ", " : " (",
                         aif_quantity_kind_name((aif_quantity_kind)k));
        if (w < 0 || (size_t)w >= cap - used) {
            out[0] = '\0';
            return;
        }
        used += (size_t)w;
    }
    if (used > 0 && used + 2 <= cap) {
        out[used] = ')';
        out[used + 1] = '\0';
    }
}

/* ---- Parser ---- */

typedef struct token {
    size_t start, len;
} token;

typedef struct parse_ctx {
    const char *text;
    size_t len;       /* after trimming trailing blanks */
    size_t num_start; /* first byte of "$50" or "50", for messages */
    size_t num_end;
    bool dollar;
    token tok[MAX_TOKENS];
    size_t ntok;
    aif_error *err;
} parse_ctx;

static aif_status unit_error(const parse_ctx *c, size_t t, const char *expect) {
    char found[40];
    char kinds[96] = "";
    size_t offset = c->len;
    if (t < c->ntok) {
        offset = c->tok[t].start;
        token_kinds(c->text + c->tok[t].start, c->tok[t].len, kinds, sizeof kinds);
    }
    return aif_error_set_offset(c->err, AIF_EUNIT, offset, "expected %s after '%.*s', found %s%s",
                                expect, (int)(c->num_end - c->num_start), c->text + c->num_start,
                                aif__describe_word(c->text, offset, c->len, found), kinds);
}

static aif_status match_prefixed(const parse_ctx *c, const family *f, int *exp10, int *exp2,
                                 size_t *used) {
    *exp10 = 0;
    *exp2 = 0;
    if (c->ntok == 0) {
        *used = 0;
        return f->bare_ok ? AIF_OK : unit_error(c, 0, f->expect);
    }
    const char *s = c->text + c->tok[0].start;
    size_t n = c->tok[0].len;
    if (match_family(f, s, n, exp10, exp2)) {
        *used = 1;
        return AIF_OK;
    }
    if (f->binary && n >= 2 && s[0] == 'K' && is_base(f, s + 1, n - 1)) {
        return aif_error_set_offset(c->err, AIF_EUNIT, c->tok[0].start,
                                    "ambiguous unit '%.*s': write k%.*s (1000) or Ki%.*s (1024)",
                                    (int)n, s, (int)(n - 1), s + 1, (int)(n - 1), s + 1);
    }
    const char *larger = NULL;
    int fits = all_lower(s, n) ? match_family_folded(f, s, n, exp10, exp2, &larger) : 0;
    if (fits == 1) {
        *used = 1;
        return AIF_OK;
    }
    if (fits > 1) {
        return aif_error_set_offset(c->err, AIF_EUNIT, c->tok[0].start,
                                    "ambiguous unit '%.*s': case sets the scale; %s%s is probably "
                                    "meant (write it so), m%s is 1/1000 of %s",
                                    (int)n, s, larger, f->bases[0], f->bases[0], f->bases[0]);
    }
    return unit_error(c, 0, f->expect);
}

static aif_status match_money(const parse_ctx *c, int *exp10, size_t *used) {
    size_t t = 0;
    bool usd = false;
    *exp10 = 0;
    if (t < c->ntok) {
        const char *s = c->text + c->tok[t].start;
        if (match_scale(s, c->tok[t].len, exp10)) {
            t++;
        } else if (!word_equal(s, c->tok[t].len, "USD")) {
            return unit_error(c, t, "a scale (k, M, B, T) or USD");
        }
    }
    if (t < c->ntok && word_equal(c->text + c->tok[t].start, c->tok[t].len, "USD")) {
        if (c->dollar) {
            return aif_error_set_offset(c->err, AIF_EUNIT, c->tok[t].start,
                                        "currency given twice: write $50B or 50B USD, not both");
        }
        usd = true;
        t++;
    }
    if (!c->dollar && !usd) {
        size_t offset = t < c->ntok ? c->tok[t].start : c->len;
        char found[40];
        return aif_error_set_offset(
            c->err, AIF_EUNIT, offset,
            "expected a currency ('$' before the number or 'USD' after it) for '%.*s', "
            "found %s",
            (int)(c->num_end - c->num_start), c->text + c->num_start,
            aif__describe_word(c->text, offset, c->len, found));
    }
    *used = t;
    return AIF_OK;
}

static aif_status match_plain(const parse_ctx *c, bool tokens, int *exp10, size_t *used) {
    size_t t = 0;
    *exp10 = 0;
    if (t < c->ntok && match_scale(c->text + c->tok[t].start, c->tok[t].len, exp10)) {
        t++;
    }
    if (tokens && t < c->ntok && is_token_word(c->text + c->tok[t].start, c->tok[t].len)) {
        t++;
    }
    if (t == 0 && c->ntok > 0) {
        return unit_error(c, 0,
                          tokens ? "a scale (k, M, B, T) or 'tokens'" : "a scale (k, M, B, T)");
    }
    *used = t;
    return AIF_OK;
}

static aif_status match_price(const parse_ctx *c, int *exp10, size_t *used) {
    *exp10 = 0;
    *used = 0;
    if (c->ntok == 0) {
        return c->dollar ? unit_error(c, 0, "a per-energy unit such as '/MWh'") : AIF_OK;
    }
    const char *s = c->text + c->tok[0].start;
    size_t n = c->tok[0].len;
    bool ok = c->dollar ? match_per_energy(s, n, exp10) : match_price_unit(s, n, exp10);
    if (!ok) {
        return unit_error(c, 0, c->dollar ? "'/MWh' or '/kWh'" : "'$/MWh', '$/kWh' or 'USD/MWh'");
    }
    *used = 1;
    return AIF_OK;
}

static const char *kind_example(aif_quantity_kind kind) {
    static const char *const examples[AIF_QTY_KIND_COUNT] = {
        "a power such as '10 GW'",           "an energy such as '5 MWh'",
        "an amount such as '$50B'",          "a FLOP count such as '3.8e25'",
        "a FLOP rate such as '989 TFLOP/s'", "a size such as '80 GB'",
        "a bandwidth such as '3.35 TB/s'",   "a token count such as '6B tokens'",
        "a count such as '16384'",           "a price such as '66 $/MWh'",
    };
    return examples[kind];
}

aif_status aif_quantity_parse(const char *text, aif_quantity_kind kind, double *out,
                              aif_error *err) {
    if (text == NULL || out == NULL || (int)kind < 0 || kind >= AIF_QTY_KIND_COUNT) {
        return aif_error_set_offset(err, AIF_EINVAL, 0,
                                    "no text, no place for the result, or unknown kind");
    }
    parse_ctx c = {.text = text, .len = strlen(text), .err = err};
    while (c.len > 0 && aif__is_space(text[c.len - 1])) {
        c.len--;
    }
    size_t p = 0;
    while (p < c.len && aif__is_space(text[p])) {
        p++;
    }
    char found[40];
    if (p == c.len) {
        return aif_error_set_offset(err, AIF_EPARSE, p, "expected %s, found end of text",
                                    kind_example(kind));
    }
    c.num_start = p;
    bool negative = false;
    if (text[p] == '-' || text[p] == '+') {
        negative = text[p] == '-';
        p++;
    }
    if (text[p] == '$') {
        if (kind != AIF_QTY_MONEY && kind != AIF_QTY_ENERGY_PRICE) {
            return aif_error_set_offset(err, AIF_EUNIT, p, "expected %s, found %s (money)",
                                        kind_example(kind),
                                        aif__describe_word(text, p, c.len, found));
        }
        c.dollar = true;
        p++;
    }
    size_t number_at = p;
    double v = 0.0;
    aif_status st = aif_number_scan(text, number_at, 0, &c.num_end, &v, err);
    if (st != AIF_OK) {
        return st;
    }
    if (c.num_end > c.len) {
        c.num_end = c.len; /* cannot happen: numbers hold no blanks; keeps slicing safe */
    }
    for (size_t q = c.num_end; q < c.len;) {
        while (q < c.len && aif__is_space(text[q])) {
            q++;
        }
        size_t start = q;
        while (q < c.len && !aif__is_space(text[q])) {
            q++;
        }
        if (c.ntok == MAX_TOKENS) {
            break; /* the grammar uses at most two; the rest is reported as junk */
        }
        c.tok[c.ntok].start = start;
        c.tok[c.ntok].len = q - start;
        c.ntok++;
    }

    int exp10 = 0;
    int exp2 = 0;
    size_t used = 0;
    switch (kind) {
    case AIF_QTY_POWER:
        st = match_prefixed(&c, &power_family, &exp10, &exp2, &used);
        break;
    case AIF_QTY_ENERGY:
        st = match_prefixed(&c, &energy_family, &exp10, &exp2, &used);
        break;
    case AIF_QTY_FLOP:
        st = match_prefixed(&c, &flop_family, &exp10, &exp2, &used);
        break;
    case AIF_QTY_FLOPS:
        st = match_prefixed(&c, &flops_family, &exp10, &exp2, &used);
        break;
    case AIF_QTY_BYTES:
        st = match_prefixed(&c, &bytes_family, &exp10, &exp2, &used);
        break;
    case AIF_QTY_BYTES_PER_S:
        st = match_prefixed(&c, &bytes_rate_family, &exp10, &exp2, &used);
        break;
    case AIF_QTY_MONEY:
        st = match_money(&c, &exp10, &used);
        break;
    case AIF_QTY_TOKENS:
        st = match_plain(&c, true, &exp10, &used);
        break;
    case AIF_QTY_COUNT:
        st = match_plain(&c, false, &exp10, &used);
        break;
    case AIF_QTY_ENERGY_PRICE:
        st = match_price(&c, &exp10, &used);
        break;
    case AIF_QTY_KIND_COUNT:
        st = AIF_EINVAL;
        break;
    }
    if (st != AIF_OK) {
        return st;
    }
    if (used < c.ntok) {
        size_t at = c.tok[used].start;
        size_t before = used > 0 ? c.tok[used - 1].start + c.tok[used - 1].len : c.num_end;
        return aif_error_set_offset(err, AIF_EPARSE, at, "unexpected %s after '%.*s'",
                                    aif__describe_word(text, at, c.len, found),
                                    (int)(before - c.num_start), text + c.num_start);
    }
    st = aif_number_scan(text, number_at, exp10, &c.num_end, &v, err);
    if (st != AIF_OK) {
        return st;
    }
    v = ldexp(v, exp2);
    if (!isfinite(v)) {
        return aif_error_set_offset(err, AIF_ERANGE, number_at, "value '%.*s' is too large",
                                    (int)(c.len - c.num_start), text + c.num_start);
    }
    *out = negative ? -v : v;
    return AIF_OK;
}

/* ---- Formatting ---- */

/* Three significant digits without a "+" or leading zeros in any exponent ("3.8e25"). */
static void three_digits(double m, char out[32]) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.3g", m);
    char *e = strchr(tmp, 'e');
    if (e == NULL) {
        memcpy(out, tmp, strlen(tmp) + 1);
        return;
    }
    size_t head = (size_t)(e - tmp) + 1;
    memcpy(out, tmp, head);
    const char *x = e + 1;
    if (*x == '-') {
        out[head++] = '-';
    }
    if (*x == '+' || *x == '-') {
        x++;
    }
    while (*x == '0' && x[1] != '\0') {
        x++;
    }
    memcpy(out + head, x, strlen(x) + 1);
}

/* Scale |v| by a power of 1000 drawn from si_prefixes[lo..hi] (indexes) so that the
 * rounded mantissa lies in [1, 1000) where the range allows; returns the index chosen. */
static size_t pick_prefix(double a, size_t lo, size_t hi, char digits[32]) {
    size_t i = lo;
    while (i < hi && a >= pow(10.0, si_prefixes[i + 1].exp10)) {
        i++;
    }
    three_digits(a / pow(10.0, si_prefixes[i].exp10), digits);
    /* 999.7 rounds up to "1e3": move to the next prefix instead. */
    if (i < hi && strtod(digits, NULL) >= 1000.0) {
        i++;
        three_digits(a / pow(10.0, si_prefixes[i].exp10), digits);
    }
    return i;
}

static size_t si_index(int exp10) {
    for (size_t i = 0; i < SI_COUNT; i++) {
        if (si_prefixes[i].exp10 == exp10) {
            return i;
        }
    }
    return 1;
}

/* Scale letter for a power of ten (k, M, B, T), for money, tokens and counts. */
static const char *scale_symbol(int exp10) {
    switch (exp10) {
    case 3:
        return "k";
    case 6:
        return "M";
    case 9:
        return "B";
    case 12:
        return "T";
    default:
        return "";
    }
}

static aif_status emit(char *buf, size_t n, const char *fmt, ...) AIF_PRINTF_LIKE(3, 4);

static aif_status emit(char *buf, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return (w < 0 || (size_t)w >= n) ? AIF_ERANGE : AIF_OK;
}

aif_status aif_quantity_format(double v, aif_quantity_kind kind, char *buf, size_t n) {
    if (buf == NULL || n == 0) {
        return AIF_EINVAL;
    }
    buf[0] = '\0';
    if ((int)kind < 0 || kind >= AIF_QTY_KIND_COUNT || !isfinite(v)) {
        return AIF_EINVAL;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    char d[32];
    size_t lo = si_index(0);
    switch (kind) {
    case AIF_QTY_POWER:
    case AIF_QTY_ENERGY: {
        /* Below 1 W the milli prefix reads better than "0.5 W"; zero stays "0 W". */
        size_t first = (a > 0 && a < 1.0) ? si_index(-3) : lo;
        size_t i = pick_prefix(a, first, si_index(12), d);
        return emit(buf, n, "%s%s %s%s", sign, d, si_prefixes[i].symbol,
                    kind == AIF_QTY_POWER ? "W" : "Wh");
    }
    case AIF_QTY_FLOPS: {
        size_t i = pick_prefix(a, lo, si_index(24), d);
        return emit(buf, n, "%s%s %sFLOP/s", sign, d, si_prefixes[i].symbol);
    }
    case AIF_QTY_BYTES:
    case AIF_QTY_BYTES_PER_S: {
        size_t i = pick_prefix(a, lo, si_index(18), d);
        return emit(buf, n, "%s%s %sB%s", sign, d, si_prefixes[i].symbol,
                    kind == AIF_QTY_BYTES ? "" : "/s");
    }
    case AIF_QTY_FLOP:
        three_digits(a, d);
        return emit(buf, n, "%s%s FLOP", sign, d);
    case AIF_QTY_ENERGY_PRICE:
        three_digits(a, d);
        return emit(buf, n, "%s%s $/MWh", sign, d);
    case AIF_QTY_MONEY:
    case AIF_QTY_TOKENS:
    case AIF_QTY_COUNT: {
        if (kind == AIF_QTY_MONEY && a < 999.995) {
            return emit(buf, n, "%s$%.2f", sign, a);
        }
        size_t i = pick_prefix(a, lo, si_index(12), d);
        const char *scale = scale_symbol(si_prefixes[i].exp10);
        const char *gap = scale[0] ? " " : "";
        if (kind == AIF_QTY_MONEY) {
            return emit(buf, n, "%s$%s%s%s", sign, d, gap, scale);
        }
        return emit(buf, n, "%s%s%s%s%s", sign, d, gap, scale,
                    kind == AIF_QTY_TOKENS ? " tokens" : "");
    }
    case AIF_QTY_KIND_COUNT:
        break;
    }
    return AIF_EINVAL;
}

static const char *const kind_names[AIF_QTY_KIND_COUNT] = {
    "power", "energy",    "money",  "FLOP count", "FLOP rate",
    "bytes", "bandwidth", "tokens", "count",      "energy price",
};

static const char *const kind_units[AIF_QTY_KIND_COUNT] = {
    "W", "Wh", "USD", "FLOP", "FLOP/s", "B", "B/s", "tokens", "1", "USD/MWh",
};

const char *aif_quantity_kind_name(aif_quantity_kind kind) {
    if ((int)kind < 0 || kind >= AIF_QTY_KIND_COUNT) {
        return "unknown";
    }
    return kind_names[kind];
}

const char *aif_quantity_kind_unit(aif_quantity_kind kind) {
    if ((int)kind < 0 || kind >= AIF_QTY_KIND_COUNT) {
        return "";
    }
    return kind_units[kind];
}
