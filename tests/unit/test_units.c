/* Unit tests for units: the number lexer, valid quantities of every kind with exact
 * expected doubles, rejected inputs with their status, offset and message, readable
 * formatting, and format -> parse round trips. The module allocates nothing, so there is
 * no failure-injection test here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aifactory/units.h"

static void number_scan(void **state) {
    (void)state;
    size_t end = 0;
    double v = 0;
    assert_int_equal(aif_number_scan("x1.2EFLOPS", 1, 0, &end, &v, NULL), AIF_OK);
    assert_true(v == 1.2);
    assert_int_equal(end, 4); /* the 'E' is a prefix here, not an exponent */
    assert_int_equal(aif_number_scan("1.2", 0, 9, &end, &v, NULL), AIF_OK);
    assert_true(v == 1.2e9);
    assert_int_equal(aif_number_scan("0.066e-1", 0, 4, &end, &v, NULL), AIF_OK);
    assert_true(v == 66.0);
    assert_int_equal(end, 8);
    assert_int_equal(aif_number_scan("1e+3x", 0, 0, &end, &v, NULL), AIF_OK);
    assert_true(v == 1000.0);
    assert_int_equal(end, 4);
    assert_int_equal(aif_number_scan("7e", 0, 0, &end, &v, NULL), AIF_OK);
    assert_int_equal(end, 1);
    assert_int_equal(aif_number_scan("1e-400", 0, 0, &end, &v, NULL), AIF_OK); /* underflow */
    assert_true(v == 0.0);
    assert_int_equal(aif_number_scan("1e99999999999", 0, 0, &end, &v, NULL), AIF_ERANGE);
    assert_int_equal(aif_number_scan("1e308", 0, 1, &end, &v, NULL), AIF_ERANGE);

    aif_error err = {0};
    char longnum[160];
    memset(longnum, '1', sizeof longnum - 1);
    longnum[sizeof longnum - 1] = '\0';
    assert_int_equal(aif_number_scan(longnum, 0, 0, &end, &v, &err), AIF_EPARSE);
    assert_non_null(strstr(err.message, "more than 100 digits"));
    assert_int_equal(aif_number_scan("Infinity", 0, 0, &end, &v, &err), AIF_ERANGE);
    assert_int_equal(aif_number_scan("-1", 0, 0, &end, &v, &err), AIF_EPARSE);
    assert_int_equal(aif_number_scan("12", 3, 0, &end, &v, &err), AIF_EINVAL);
    assert_int_equal(aif_number_scan(NULL, 0, 0, &end, &v, &err), AIF_EINVAL);
    assert_int_equal(aif_number_scan("1", 0, 0, NULL, &v, &err), AIF_EINVAL);
}

typedef struct good_case {
    const char *text;
    aif_quantity_kind kind;
    double value;
} good_case;

static void parse_valid(void **state) {
    (void)state;
    const good_case cases[] = {
        {"10GW", AIF_QTY_POWER, 1e10},
        {"800 MW", AIF_QTY_POWER, 8e8},
        {"1.2 GW", AIF_QTY_POWER, 1.2e9},
        {"5 kW", AIF_QTY_POWER, 5e3},
        {"250 mW", AIF_QTY_POWER, 0.25},
        {"10 gw", AIF_QTY_POWER, 10e9}, /* lower case where only one scale fits */
        {"2 kwh", AIF_QTY_ENERGY, 2e3},
        {"3 gb", AIF_QTY_BYTES, 3e9},
        {"4 gib", AIF_QTY_BYTES, 4.0 * 1073741824.0},
        {"5 pflops", AIF_QTY_FLOPS, 5e15},
        {"3 W", AIF_QTY_POWER, 3.0},
        {"2 TW", AIF_QTY_POWER, 2e12},
        {" \t10 GW\t ", AIF_QTY_POWER, 1e10},
        {"-5 MW", AIF_QTY_POWER, -5e6},
        {"1e3 MW", AIF_QTY_POWER, 1e9},
        {"0.7GW", AIF_QTY_POWER, 7e8},
        {"5 MWh", AIF_QTY_ENERGY, 5e6},
        {"1.5 TWh", AIF_QTY_ENERGY, 1.5e12},
        {"700 kWh", AIF_QTY_ENERGY, 7e5},
        {"$50B", AIF_QTY_MONEY, 5e10},
        {"$300 B", AIF_QTY_MONEY, 3e11},
        {"$1.5T", AIF_QTY_MONEY, 1.5e12},
        {"$10M", AIF_QTY_MONEY, 1e7},
        {"$300k", AIF_QTY_MONEY, 3e5},
        {"$300K", AIF_QTY_MONEY, 3e5},
        {"50B USD", AIF_QTY_MONEY, 5e10},
        {"50 billion USD", AIF_QTY_MONEY, 5e10},
        {"$3.50", AIF_QTY_MONEY, 3.5},
        {"-$5B", AIF_QTY_MONEY, -5e9},
        {"12 USD", AIF_QTY_MONEY, 12.0},
        {"$2 bn", AIF_QTY_MONEY, 2e9},
        {"$1.2 trillion", AIF_QTY_MONEY, 1.2e12},
        {"$7 thousand", AIF_QTY_MONEY, 7e3},
        {"$4 million", AIF_QTY_MONEY, 4e6},
        {"3.8e25", AIF_QTY_FLOP, 3.8e25},
        {"3.8e25 FLOP", AIF_QTY_FLOP, 3.8e25},
        {"1e26 FLOPs", AIF_QTY_FLOP, 1e26},
        {"2 ZFLOP", AIF_QTY_FLOP, 2e21},
        {"5 EFLOP", AIF_QTY_FLOP, 5e18},
        {"1 YFLOPs", AIF_QTY_FLOP, 1e24},
        {"989 TFLOPS", AIF_QTY_FLOPS, 989e12},
        {"989 TFLOP/s", AIF_QTY_FLOPS, 989e12},
        {"1.2 EFLOPS", AIF_QTY_FLOPS, 1.2e18},
        {"1.2EFLOPS", AIF_QTY_FLOPS, 1.2e18},
        {"50 PFLOP/s", AIF_QTY_FLOPS, 5e16},
        {"2.25 PFLOPs", AIF_QTY_FLOPS, 2.25e15},
        {"80 GB", AIF_QTY_BYTES, 8e10},
        {"1.44 TB", AIF_QTY_BYTES, 1.44e12},
        {"512 B", AIF_QTY_BYTES, 512.0},
        {"2 PB", AIF_QTY_BYTES, 2e15},
        {"1 kB", AIF_QTY_BYTES, 1e3},
        {"1 KiB", AIF_QTY_BYTES, 1024.0},
        {"192 GiB", AIF_QTY_BYTES, 206158430208.0},
        {"1.5 MiB", AIF_QTY_BYTES, 1572864.0},
        {"1 EiB", AIF_QTY_BYTES, 1152921504606846976.0},
        {"3.35 TB/s", AIF_QTY_BYTES_PER_S, 3.35e12},
        {"900 GB/s", AIF_QTY_BYTES_PER_S, 9e11},
        {"64 GiB/s", AIF_QTY_BYTES_PER_S, 68719476736.0},
        {"6B tokens", AIF_QTY_TOKENS, 6e9},
        {"700M", AIF_QTY_TOKENS, 7e8},
        {"1.5k tok", AIF_QTY_TOKENS, 1500.0},
        {"1000", AIF_QTY_TOKENS, 1000.0},
        {"15 trillion tokens", AIF_QTY_TOKENS, 1.5e13},
        {"1 token", AIF_QTY_TOKENS, 1.0},
        {"2 T", AIF_QTY_TOKENS, 2e12},
        {"4.5M", AIF_QTY_COUNT, 4.5e6},
        {"16384", AIF_QTY_COUNT, 16384.0},
        {"72", AIF_QTY_COUNT, 72.0},
        {"1.2 k", AIF_QTY_COUNT, 1200.0},
        {"3 billion", AIF_QTY_COUNT, 3e9},
        {"66 $/MWh", AIF_QTY_ENERGY_PRICE, 66.0},
        {"$66/MWh", AIF_QTY_ENERGY_PRICE, 66.0},
        {"66", AIF_QTY_ENERGY_PRICE, 66.0},
        {"0.066 $/kWh", AIF_QTY_ENERGY_PRICE, 66.0},
        {"80 USD/MWh", AIF_QTY_ENERGY_PRICE, 80.0},
        {"$0.08/kWh", AIF_QTY_ENERGY_PRICE, 80.0},
        {"$50000/GWh", AIF_QTY_ENERGY_PRICE, 50.0},
        {"-12 $/MWh", AIF_QTY_ENERGY_PRICE, -12.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1.0;
        aif_error err = {0};
        aif_status st = aif_quantity_parse(cases[i].text, cases[i].kind, &v, &err);
        if (st != AIF_OK || v != cases[i].value) {
            fail_msg("'%s' as %s: status %d (%s), got %.17g want %.17g", cases[i].text,
                     aif_quantity_kind_name(cases[i].kind), st, err.message, v, cases[i].value);
        }
    }
}

typedef struct bad_case {
    const char *text;
    aif_quantity_kind kind;
    aif_status status;
    size_t offset;
    const char *message; /* a substring of err.message */
} bad_case;

static void parse_invalid(void **state) {
    (void)state;
    const bad_case cases[] = {
        {"", AIF_QTY_POWER, AIF_EPARSE, 0, "expected a power such as '10 GW', found end of text"},
        {"   ", AIF_QTY_COUNT, AIF_EPARSE, 0, "found end of text"},
        {"ten GW", AIF_QTY_POWER, AIF_EPARSE, 0, "expected a number, found 'ten'"},
        {"10 GW x", AIF_QTY_POWER, AIF_EPARSE, 6, "unexpected 'x' after '10 GW'"},
        {"10", AIF_QTY_POWER, AIF_EUNIT, 2,
         "expected a power unit (mW, W, kW, MW, GW, TW) after '10', found end of text"},
        {"50B", AIF_QTY_POWER, AIF_EUNIT, 2, "found 'B' (money, bytes, tokens, count)"},
        {"10 GWh", AIF_QTY_POWER, AIF_EUNIT, 3, "found 'GWh' (energy)"},
        {"10 GW", AIF_QTY_ENERGY, AIF_EUNIT, 3, "expected an energy unit"},
        {"$50B", AIF_QTY_POWER, AIF_EUNIT, 0, "found '$50B' (money)"},
        {"10 mw", AIF_QTY_POWER, AIF_EUNIT, 3, "ambiguous unit 'mw': case sets the scale; MW is"},
        {"10 Gw", AIF_QTY_POWER, AIF_EUNIT, 3, "found 'Gw'"},
        {"10 G W", AIF_QTY_POWER, AIF_EUNIT, 3, "found 'G'"},
        {"nan GW", AIF_QTY_POWER, AIF_ERANGE, 0, "expected a finite number, found 'nan'"},
        {"-inf", AIF_QTY_COUNT, AIF_ERANGE, 1, "finite"},
        {"1e999", AIF_QTY_FLOP, AIF_ERANGE, 0, "number '1e999' is too large"},
        {"1e300 YFLOP", AIF_QTY_FLOP, AIF_ERANGE, 0, "too large"},
        {"1e306 EiB", AIF_QTY_BYTES, AIF_ERANGE, 0, "too large"},
        {"16,384", AIF_QTY_COUNT, AIF_EPARSE, 2, "found ',' inside a number"},
        {"1,5 GW", AIF_QTY_POWER, AIF_EPARSE, 1, "use '.' for decimals"},
        {"5 KB", AIF_QTY_BYTES, AIF_EUNIT, 2, "ambiguous unit 'KB': write kB (1000) or KiB (1024)"},
        {"5 KB/s", AIF_QTY_BYTES_PER_S, AIF_EUNIT, 2, "ambiguous unit 'KB/s'"},
        {"5 mB", AIF_QTY_BYTES, AIF_EUNIT, 2, "expected a byte unit"},
        {"80", AIF_QTY_BYTES, AIF_EUNIT, 2, "found end of text"},
        {"1e26 FLOPS", AIF_QTY_FLOP, AIF_EUNIT, 5, "found 'FLOPS' (FLOP rate)"},
        {"989 TFLOP", AIF_QTY_FLOPS, AIF_EUNIT, 4, "found 'TFLOP' (FLOP count)"},
        {"989", AIF_QTY_FLOPS, AIF_EUNIT, 3, "expected a FLOP rate unit"},
        {"3 TB", AIF_QTY_BYTES_PER_S, AIF_EUNIT, 2, "found 'TB' (bytes)"},
        {"50", AIF_QTY_MONEY, AIF_EUNIT, 2, "expected a currency ('$' before the number or "},
        {"50B", AIF_QTY_MONEY, AIF_EUNIT, 3, "for '50', found end of text"},
        {"$50B USD", AIF_QTY_MONEY, AIF_EUNIT, 5, "currency given twice"},
        {"50 EUR", AIF_QTY_MONEY, AIF_EUNIT, 3, "expected a scale (k, M, B, T) or USD after '50'"},
        {"$50 B x", AIF_QTY_MONEY, AIF_EPARSE, 6, "unexpected 'x' after '$50 B'"},
        {"$-5B", AIF_QTY_MONEY, AIF_EPARSE, 1, "expected a number, found '-5B'"},
        {"$5 m", AIF_QTY_MONEY, AIF_EUNIT, 3, "found 'm'"},
        {"$66", AIF_QTY_ENERGY_PRICE, AIF_EUNIT, 3, "expected a per-energy unit such as '/MWh'"},
        {"66 $/MW", AIF_QTY_ENERGY_PRICE, AIF_EUNIT, 3, "found '$/MW'"},
        {"$66 $/MWh", AIF_QTY_ENERGY_PRICE, AIF_EUNIT, 4, "expected '/MWh' or '/kWh'"},
        {"66 MWh", AIF_QTY_ENERGY_PRICE, AIF_EUNIT, 3, "(energy)"},
        {"6B tokenz", AIF_QTY_TOKENS, AIF_EPARSE, 3, "unexpected 'tokenz' after '6B'"},
        {"6 tokens B", AIF_QTY_TOKENS, AIF_EPARSE, 9, "unexpected 'B'"},
        {"5 m", AIF_QTY_COUNT, AIF_EUNIT, 2, "expected a scale (k, M, B, T) after '5', found 'm'"},
        {"5 tokens", AIF_QTY_COUNT, AIF_EUNIT, 2, "found 'tokens' (tokens)"},
        {"0x10", AIF_QTY_COUNT, AIF_EUNIT, 1, "found 'x10'"},
        {"1.2.3 GW", AIF_QTY_POWER, AIF_EUNIT, 3, "found '.3'"},
        {"5.", AIF_QTY_COUNT, AIF_EPARSE, 2, "expected a digit after '5.'"},
        {"--5", AIF_QTY_COUNT, AIF_EPARSE, 1, "expected a number, found '-5'"},
        {"five", AIF_QTY_COUNT, AIF_EPARSE, 0, "found 'five'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = 1234.0;
        aif_error err = {0};
        aif_status st = aif_quantity_parse(cases[i].text, cases[i].kind, &v, &err);
        if (st != cases[i].status || err.offset != cases[i].offset ||
            strstr(err.message, cases[i].message) == NULL || v != 1234.0) {
            fail_msg("'%s' as %s: status %d offset %zu message \"%s\"; want %d at %zu with "
                     "\"%s\"",
                     cases[i].text, aif_quantity_kind_name(cases[i].kind), st, err.offset,
                     err.message, cases[i].status, cases[i].offset, cases[i].message);
        }
    }
    double v = 0;
    assert_int_equal(aif_quantity_parse(NULL, AIF_QTY_POWER, &v, NULL), AIF_EINVAL);
    assert_int_equal(aif_quantity_parse("1 W", AIF_QTY_POWER, NULL, NULL), AIF_EINVAL);
    assert_int_equal(aif_quantity_parse("1 W", AIF_QTY_KIND_COUNT, &v, NULL), AIF_EINVAL);
    assert_int_equal(aif_quantity_parse("1 W", (aif_quantity_kind)-1, &v, NULL), AIF_EINVAL);
    assert_int_equal(aif_quantity_parse("1", AIF_QTY_POWER, &v, NULL), AIF_EUNIT);
    /* A very long junk word is quoted shortened, and the message stays within bounds. */
    aif_error err = {0};
    assert_int_equal(aif_quantity_parse("10 GWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                                        AIF_QTY_POWER, &v, &err),
                     AIF_EUNIT);
    assert_non_null(strstr(err.message, "...'"));
}

static void format_readable(void **state) {
    (void)state;
    const struct {
        double v;
        aif_quantity_kind kind;
        const char *text;
    } cases[] = {
        {1e10, AIF_QTY_POWER, "10 GW"},
        {0.25, AIF_QTY_POWER, "250 mW"},
        {0.0, AIF_QTY_POWER, "0 W"},
        {999.7e9, AIF_QTY_POWER, "1 TW"},
        {5e15, AIF_QTY_POWER, "5e3 TW"},
        {5e6, AIF_QTY_ENERGY, "5 MWh"},
        {3e11, AIF_QTY_MONEY, "$300 B"},
        {3.5, AIF_QTY_MONEY, "$3.50"},
        {-5e9, AIF_QTY_MONEY, "-$5 B"},
        {999.996, AIF_QTY_MONEY, "$1 k"},
        {1.5e12, AIF_QTY_MONEY, "$1.5 T"},
        {3.8e25, AIF_QTY_FLOP, "3.8e25 FLOP"},
        {1e3, AIF_QTY_FLOP, "1e3 FLOP"},
        {12.5, AIF_QTY_FLOP, "12.5 FLOP"},
        {989e12, AIF_QTY_FLOPS, "989 TFLOP/s"},
        {1.2e18, AIF_QTY_FLOPS, "1.2 EFLOP/s"},
        {1.44e12, AIF_QTY_BYTES, "1.44 TB"},
        {206158430208.0, AIF_QTY_BYTES, "206 GB"},
        {3.35e12, AIF_QTY_BYTES_PER_S, "3.35 TB/s"},
        {6e9, AIF_QTY_TOKENS, "6 B tokens"},
        {700, AIF_QTY_TOKENS, "700 tokens"},
        {4.5e6, AIF_QTY_COUNT, "4.5 M"},
        {72, AIF_QTY_COUNT, "72"},
        {16384, AIF_QTY_COUNT, "16.4 k"},
        {66, AIF_QTY_ENERGY_PRICE, "66 $/MWh"},
        {-12.5, AIF_QTY_ENERGY_PRICE, "-12.5 $/MWh"},
    };
    char buf[48];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(aif_quantity_format(cases[i].v, cases[i].kind, buf, sizeof buf), AIF_OK);
        if (strcmp(buf, cases[i].text) != 0) {
            fail_msg("%.17g as %s: got '%s' want '%s'", cases[i].v,
                     aif_quantity_kind_name(cases[i].kind), buf, cases[i].text);
        }
    }
    assert_int_equal(aif_quantity_format(1e10, AIF_QTY_POWER, buf, 4), AIF_ERANGE);
    assert_string_equal(buf, "10 ");
    assert_int_equal(aif_quantity_format(NAN, AIF_QTY_POWER, buf, sizeof buf), AIF_EINVAL);
    assert_int_equal(aif_quantity_format(INFINITY, AIF_QTY_MONEY, buf, sizeof buf), AIF_EINVAL);
    assert_int_equal(aif_quantity_format(1.0, AIF_QTY_KIND_COUNT, buf, sizeof buf), AIF_EINVAL);
    assert_int_equal(aif_quantity_format(1.0, AIF_QTY_POWER, NULL, 8), AIF_EINVAL);
    assert_int_equal(aif_quantity_format(1.0, AIF_QTY_POWER, buf, 0), AIF_EINVAL);
}

/* Values with three significant digits over a wide range survive format -> parse exactly. */
static void format_parse_round_trip(void **state) {
    (void)state;
    const char *mantissas[] = {"1", "1.23", "9.99", "4.5", "7.07", "2.5", "6.66"};
    char text[32];
    char buf[64];
    int checked = 0;
    for (int kind = 0; kind < AIF_QTY_KIND_COUNT; kind++) {
        for (size_t m = 0; m < sizeof mantissas / sizeof mantissas[0]; m++) {
            for (int e = -2; e <= 27; e++) {
                if (kind == AIF_QTY_MONEY && e < 0) {
                    continue; /* money keeps cents only */
                }
                for (int sign = 1; sign >= -1; sign -= 2) {
                    snprintf(text, sizeof text, "%s%se%d", sign < 0 ? "-" : "", mantissas[m], e);
                    double v = strtod(text, NULL);
                    double back = 0.0;
                    aif_error err = {0};
                    assert_int_equal(
                        aif_quantity_format(v, (aif_quantity_kind)kind, buf, sizeof buf), AIF_OK);
                    aif_status st = aif_quantity_parse(buf, (aif_quantity_kind)kind, &back, &err);
                    if (st != AIF_OK || back != v) {
                        fail_msg("%s as %s: formatted '%s', parsed %.17g (%s)", text,
                                 aif_quantity_kind_name((aif_quantity_kind)kind), buf, back,
                                 err.message);
                    }
                    checked++;
                }
            }
        }
    }
    assert_true(checked > 3000);
}

static void kind_names_and_units(void **state) {
    (void)state;
    assert_string_equal(aif_quantity_kind_name(AIF_QTY_POWER), "power");
    assert_string_equal(aif_quantity_kind_unit(AIF_QTY_POWER), "W");
    assert_string_equal(aif_quantity_kind_unit(AIF_QTY_ENERGY), "Wh");
    assert_string_equal(aif_quantity_kind_unit(AIF_QTY_MONEY), "USD");
    assert_string_equal(aif_quantity_kind_unit(AIF_QTY_FLOPS), "FLOP/s");
    assert_string_equal(aif_quantity_kind_unit(AIF_QTY_COUNT), "1");
    assert_string_equal(aif_quantity_kind_name(AIF_QTY_ENERGY_PRICE), "energy price");
    assert_string_equal(aif_quantity_kind_unit(AIF_QTY_ENERGY_PRICE), "USD/MWh");
    assert_string_equal(aif_quantity_kind_name(AIF_QTY_KIND_COUNT), "unknown");
    assert_string_equal(aif_quantity_kind_unit((aif_quantity_kind)-3), "");
    for (int k = 0; k < AIF_QTY_KIND_COUNT; k++) {
        assert_true(strlen(aif_quantity_kind_name((aif_quantity_kind)k)) > 0);
        assert_true(strlen(aif_quantity_kind_unit((aif_quantity_kind)k)) > 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_scan),
        cmocka_unit_test(parse_valid),
        cmocka_unit_test(parse_invalid),
        cmocka_unit_test(format_readable),
        cmocka_unit_test(format_parse_round_trip),
        cmocka_unit_test(kind_names_and_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
