/* Quantities with units: the text form of every physical or financial value that a user
 * types (a CLI flag, a scenario field) and the readable form every report prints.
 *
 * A quantity is held as a double in its kind's base unit (W, Wh, USD, FLOP, FLOP/s, B,
 * B/s, tokens, 1, USD/MWh). Parsing is strict: the text must be one number in the C locale
 * ('.' is the only decimal point, no digit grouping: "16,384" is rejected with a hint),
 * followed by a unit that belongs to the requested kind. Prefix letters are
 * case-sensitive where case carries meaning ("mW" is a milliwatt, "MW" a megawatt).
 * Values scaled by a power of ten ("1.2 GW", "$1.5T") are rounded once from the decimal
 * text, so "1.2 GW" is exactly the double 1.2e9. Signs are accepted for every kind
 * ("-$5B" is a refund); whether a negative value makes sense is for the caller to check.
 * Nothing here allocates or keeps state. */
#ifndef AIFACTORY_UNITS_H
#define AIFACTORY_UNITS_H

#include <stddef.h>

#include "aifactory/error.h"
#include "aifactory/status.h"

typedef enum aif_quantity_kind {
    AIF_QTY_POWER,        /* W; W kW MW GW TW, and mW */
    AIF_QTY_ENERGY,       /* Wh; Wh kWh MWh GWh TWh, and mWh */
    AIF_QTY_MONEY,        /* USD; "$50B", "$300 k", "50 billion USD", "-$5B", "$3.50" */
    AIF_QTY_FLOP,         /* FLOP; "3.8e25", "1e26 FLOPs", "2 ZFLOP" */
    AIF_QTY_FLOPS,        /* FLOP/s; "989 TFLOPS", "50 PFLOP/s" */
    AIF_QTY_BYTES,        /* B; kB MB GB TB PB EB (1000^k), KiB MiB GiB TiB PiB EiB (1024^k) */
    AIF_QTY_BYTES_PER_S,  /* B/s; "3.35 TB/s" */
    AIF_QTY_TOKENS,       /* tokens; "6B tokens", "700M", "1.5k tok", "1000" */
    AIF_QTY_COUNT,        /* plain number, k/M/B/T suffix ok: "4.5M", "16384" */
    AIF_QTY_ENERGY_PRICE, /* USD per MWh; "66 $/MWh", "$66/MWh", "66", "0.066 $/kWh" */
    AIF_QTY_KIND_COUNT
} aif_quantity_kind;

/* Parse `text` as a quantity of `kind` and store its value in the kind's base unit.
 *
 * Accepted forms (ASCII spaces/tabs may surround the text and separate number and unit):
 *  - power, energy, FLOP, FLOP/s, bytes, bytes/s: number + SI-prefixed unit, "10GW",
 *    "800 MW", "3.35 TB/s". FLOP rates accept FLOPS, FLOP/s and FLOPs (the kind already
 *    says it is a rate); FLOP counts accept FLOP and FLOPs and reject FLOPS as a rate.
 *    Bytes use "kB" (1000) or "KiB" (1024); "KB" is rejected as ambiguous. A bare number
 *    is an error for these kinds except FLOP, where it is a plain count ("3.8e25").
 *  - money: [-] "$" number [scale] or [-] number [scale] "USD"; scale is k/K/thousand,
 *    M/million, B/bn/billion, T/trillion. The currency is required ("50" alone is an
 *    error); "$" and "USD" together are rejected.
 *  - tokens and count: number [scale] (same scales as money), tokens then optionally
 *    "tokens"/"token"/"tok".
 *  - energy price: "66 $/MWh", "66 USD/MWh", "$66/MWh", "0.066 $/kWh" (any of Wh, kWh,
 *    MWh, GWh), or a bare number meaning USD/MWh.
 * Parameters: text (NUL-terminated, read only), kind, out (written only on success), err
 * (may be NULL; on failure gets the byte offset of the offending character and a message
 * saying what was expected and what was found, e.g. "expected a power unit (mW, W, kW,
 * MW, GW, TW) after '50', found 'B' (money, bytes, tokens, count)").
 * Errors: AIF_EINVAL (text or out NULL, kind unknown), AIF_EPARSE (empty text, not a
 * number, trailing junk, digit grouping), AIF_EUNIT (missing, unknown or wrong-dimension
 * unit), AIF_ERANGE (NaN, infinity, a value that overflows a double such as "1e999").
 * Cost: O(length of text), no allocation. */
aif_status aif_quantity_parse(const char *text, aif_quantity_kind kind, double *out,
                              aif_error *err);

/* Write `v` (in the kind's base unit) in a readable form with three significant digits and
 * a prefix that puts the leading number in [1, 1000): "10 GW", "$300 B", "1.44 TB",
 * "989 TFLOP/s", "66 $/MWh", "6 B tokens", "4.5 M"; FLOP counts use e-notation
 * ("3.8e25 FLOP"); money below $1000 keeps cents ("$3.50"). Every output is accepted by
 * aif_quantity_parse for the same kind, and values with at most three significant digits
 * come back as the same double. Like parsing, this assumes the C locale for LC_NUMERIC.
 * buf receives at most n bytes including the NUL.
 * Errors: AIF_EINVAL (buf NULL, n == 0, kind unknown, v not finite), AIF_ERANGE (buf too
 * small: it holds the truncated, NUL-terminated text). Cost O(1). */
aif_status aif_quantity_format(double v, aif_quantity_kind kind, char *buf, size_t n);

/* Short name of the kind for messages ("power", "FLOP rate", "energy price"); "unknown"
 * for values outside the enum. Never NULL; static storage. */
const char *aif_quantity_kind_name(aif_quantity_kind kind);

/* Base unit of the kind ("W", "USD/MWh", "1" for counts); "" for values outside the enum.
 * Never NULL; static storage. */
const char *aif_quantity_kind_unit(aif_quantity_kind kind);

/* Scan one unsigned decimal number starting at byte `start` of `text` and return its value
 * multiplied by 10^scale10, rounded once (so scanning "1.2" with scale10 = 9 gives exactly
 * 1.2e9). The number is digits with an optional fraction (".5" and "2.50" are fine, "5."
 * is not) and an optional exponent ("e25", "E-3"). An 'e' not followed by digits is left
 * unread so that "1.2EFLOPS" scans as 1.2 followed by "EFLOPS". This is the lexer behind
 * aif_quantity_parse and aif_duration_parse, exposed for other text readers.
 * Parameters: text (NUL-terminated), start (offset where the number must begin), scale10,
 * end (receives the offset just past the number), out (the value), err (may be NULL).
 * Both end and out are written only on success.
 * Errors: AIF_EINVAL (text, end or out NULL), AIF_EPARSE (no number at start, a ',' inside
 * the number, more than 100 mantissa characters), AIF_ERANGE ("nan", "inf", or a result
 * that overflows a double). Results that underflow become 0 or a subnormal.
 * Cost: O(length of the number). */
aif_status aif_number_scan(const char *text, size_t start, int scale10, size_t *end, double *out,
                           aif_error *err);

#endif
