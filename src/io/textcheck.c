/* UTF-8 and NUL check of input text (see textcheck.h). A hand-written decoder rather than
 * mbrtowc so the result does not depend on the process locale. */
#include "textcheck.h"

#include <stdio.h>

/* Length of the well-formed sequence starting at s[0..avail), or 0 if it is not one. The
 * second-byte ranges follow RFC 3629's table: they exclude overlong forms (E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF) and code points past U+10FFFF (F4 90.., F5..FF). */
static size_t sequence_length(const unsigned char *s, size_t avail) {
    unsigned char b = s[0];
    if (b < 0x80) {
        return 1;
    }
    size_t need;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
        need = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
        need = 3;
        lo = b == 0xe0 ? 0xa0 : 0x80;
        hi = b == 0xed ? 0x9f : 0xbf;
    } else if (b >= 0xf0 && b <= 0xf4) {
        need = 4;
        lo = b == 0xf0 ? 0x90 : 0x80;
        hi = b == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (avail < need || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t k = 2; k < need; k++) {
        if (s[k] < 0x80 || s[k] > 0xbf) {
            return 0;
        }
    }
    return need;
}

bool aif__text_check(const char *text, size_t len, aif__text_fault *fault) {
    const unsigned char *s = (const unsigned char *)text;
    unsigned long line = 1;
    unsigned long col = 1;
    size_t i = 0;
    while (i < len) {
        size_t n = s[i] == 0 ? 0 : sequence_length(s + i, len - i);
        if (n == 0) {
            *fault = (aif__text_fault){i, line, col, s[i]};
            return false;
        }
        if (s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return true;
}

const char *aif__text_fault_message(const aif__text_fault *fault, char *buf, size_t n) {
    if (fault->byte == 0) {
        snprintf(buf, n, "expected text, found a NUL byte");
    } else {
        snprintf(buf, n, "expected UTF-8 text, found byte 0x%02x", (unsigned)fault->byte);
    }
    return buf;
}
