/* UTF-8 and NUL check of input text (see textcheck.h). A hand-written decoder rather than
 * mbrtowc so the result does not depend on the process locale. */
#include "textcheck.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* How many bytes from s[0] are plain ASCII without NUL (0x01..0x7f), which need no
 * decoding: almost all of every input. Eight at a time, since the trace reader checks every
 * record of a 10^6-row file: a word has a byte with the high bit set, or a zero byte, when
 * the usual bit tricks say so. */
static size_t ascii_run(const unsigned char *s, size_t len) {
    const uint64_t high = 0x8080808080808080u;
    const uint64_t ones = 0x0101010101010101u;
    size_t i = 0;
    uint64_t w;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, sizeof w);
        if (((w & high) | ((w - ones) & ~w & high)) != 0) {
            break;
        }
    }
    if (i + 8 > len && len >= 8) {
        /* The tail, as one word that overlaps bytes already checked (records are short, so
         * the tail is a good share of each). */
        memcpy(&w, s + len - 8, sizeof w);
        if (((w & high) | ((w - ones) & ~w & high)) == 0) {
            return len;
        }
    }
    while (i < len && s[i] != 0 && s[i] < 0x80) {
        i++;
    }
    return i;
}

/* Line and column (in code points, as libfyaml counts) of byte `at`; only on failure. */
static void locate(const unsigned char *s, size_t at, aif__text_fault *fault) {
    fault->line = 1;
    fault->col = 1;
    for (size_t i = 0; i < at; i++) {
        if (s[i] == '\n') {
            fault->line++;
            fault->col = 1;
        } else if ((s[i] & 0xc0) != 0x80) {
            fault->col++; /* a lead byte starts the next character */
        }
    }
}

bool aif__text_check(const char *text, size_t len, aif__text_fault *fault) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    for (;;) {
        i += ascii_run(s + i, len - i);
        if (i == len) {
            return true;
        }
        size_t n = s[i] == 0 ? 0 : sequence_length(s + i, len - i);
        if (n == 0) {
            *fault = (aif__text_fault){.offset = i, .byte = s[i]};
            locate(s, i, fault);
            return false;
        }
        i += n;
    }
}

const char *aif__text_fault_message(const aif__text_fault *fault, char *buf, size_t n) {
    if (fault->byte == 0) {
        snprintf(buf, n, "expected text, found a NUL byte");
    } else {
        snprintf(buf, n, "expected UTF-8 text, found byte 0x%02x", (unsigned)fault->byte);
    }
    return buf;
}
