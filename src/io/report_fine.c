/* The compact form of a series' finest points in the report (report_internal.h): a long
 * run's charts show daily or weekly means, and the page swaps in these points when the
 * reader zooms into a short span. JSON numbers would cost 15 to 20 bytes a point, so the
 * times are run-length coded differences (a daily or hourly series is one pair) and the
 * values are little-endian 32-bit floats in base64 (5.3 bytes a point; seven significant
 * digits, more than the page's four, and exact for whole counts below 2^24), one per run
 * of equal values when runs are long. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "report_internal.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 (RFC 4648, padded) of n bytes, NUL-terminated, or NULL when out of memory. */
static char *base64(const aif_allocator *a, const unsigned char *in, size_t n, size_t *size) {
    *size = (n + 2) / 3 * 4 + 1;
    char *out = aif_calloc(a, *size, 1);
    if (out == NULL) {
        return NULL;
    }
    char *o = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        v |= i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0;
        v |= i + 2 < n ? (uint32_t)in[i + 2] : 0;
        *o++ = B64[(v >> 18) & 63];
        *o++ = B64[(v >> 12) & 63];
        *o++ = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? B64[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* n values as little-endian IEEE floats of `width` bytes (4 or 8), in base64. */
static json_t *packed(const aif_allocator *a, const double *v, size_t n, int width) {
    size_t bytes = n * (size_t)width;
    unsigned char *buf = aif_calloc(a, bytes ? bytes : 1, 1);
    if (buf == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t bits;
        if (width == 4) {
            float f = (float)v[i];
            uint32_t b32;
            memcpy(&b32, &f, sizeof b32);
            bits = b32;
        } else {
            memcpy(&bits, &v[i], sizeof bits);
        }
        for (int k = 0; k < width; k++) {
            buf[i * (size_t)width + (size_t)k] = (unsigned char)(bits >> (8 * k));
        }
    }
    size_t size;
    char *text = base64(a, buf, bytes, &size);
    aif_free(a, buf, bytes ? bytes : 1);
    json_t *s = text ? json_string(text) : NULL;
    if (text) {
        aif_free(a, text, size);
    }
    return s;
}

/* Whole seconds that a double holds exactly: their differences are exact too. */
static int whole(double t) {
    return isfinite(t) && t == floor(t) && fabs(t) < 9007199254740992.0;
}

/* Differences of successive times, each run of equal ones as [difference, count] and a
 * lone one as the bare difference. */
static json_t *run_lengths(const double *x, size_t n) {
    json_t *out = json_array();
    for (size_t i = 1; out && i < n;) {
        double d = x[i] - x[i - 1];
        size_t k = 1;
        while (i + k < n && x[i + k] - x[i + k - 1] == d) {
            k++;
        }
        json_t *item = k == 1 ? json_real(d) : json_pack("[fI]", d, (json_int_t)k);
        if (item == NULL || json_array_append_new(out, item) != 0) {
            json_decref(out);
            return NULL;
        }
        i += k;
    }
    return out;
}

json_t *aif__report_fine(const aif_allocator *a, const double *x, const double *y, size_t n,
                         double width_s) {
    int regular = n > 0;
    for (size_t i = 0; i < n && regular; i++) {
        regular = whole(x[i]);
    }
    json_t *f = json_object();
    int ok = f && json_object_set_new(f, "n", json_integer((json_int_t)n)) == 0 &&
             json_object_set_new(f, "bucket_s", json_real(width_s)) == 0;
    if (regular) {
        ok = ok && json_object_set_new(f, "x0", json_real(x[0])) == 0 &&
             json_object_set_new(f, "dx", run_lengths(x, n)) == 0;
    } else {
        ok = ok && json_object_set_new(f, "x64", packed(a, x, n, 8)) == 0;
    }
    /* Capacity and GPUs online hold one value for weeks: when at most half the points
     * start a run of equal values, only each run's value and length are written. */
    size_t runs = 0;
    for (size_t i = 0; i < n; i++) {
        runs += i == 0 || y[i] != y[i - 1];
    }
    if (runs > n / 2) {
        ok = ok && json_object_set_new(f, "y32", packed(a, y, n, 4)) == 0;
    } else if (ok) {
        double *vals = aif_calloc(a, runs ? runs : 1, sizeof *vals);
        json_t *lengths = json_array();
        size_t r = 0;
        for (size_t i = 0; vals && lengths && i < n; r++) {
            size_t k = 1;
            while (i + k < n && y[i + k] == y[i]) {
                k++;
            }
            vals[r] = y[i];
            if (json_array_append_new(lengths, json_integer((json_int_t)k)) != 0) {
                break;
            }
            i += k;
        }
        if (vals && r == runs) {
            ok = json_object_set_new(f, "yrun", lengths) == 0 &&
                 json_object_set_new(f, "y32", packed(a, vals, runs, 4)) == 0;
        } else {
            json_decref(lengths);
            ok = 0;
        }
        if (vals) {
            aif_free(a, vals, (runs ? runs : 1) * sizeof *vals);
        }
    }
    if (!ok) {
        json_decref(f);
        return NULL;
    }
    return f;
}
