/* What every fuzz harness shares: the libFuzzer entry point's prototype, a check that
 * aborts (so libFuzzer saves the input) when a documented property of the library does not
 * hold, and helpers that print every error the library reported into a buffer, which runs
 * the message and position code on whatever the input made of them. Header-only and
 * static: each harness is one translation unit with no state of its own. */
#ifndef AIF_FUZZ_UTIL_H
#define AIF_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property is a finding like a crash: abort, so the input is kept. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a NUL-terminated string (the C-string APIs stop at an embedded NUL, as
 * they would for a command-line argument). Free with free(). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (s == NULL) {
        abort();
    }
    if (size > 0) {
        memcpy(s, data, size);
    }
    s[size] = '\0';
    return s;
}

/* Format one error: the text must be one terminated line of printable text within the
 * buffer (error.h escapes control characters that a message quotes from the input). */
static inline void fuzz_error(const aif_error *e) {
    char buf[512];
    size_t n = aif_error_format(e, buf, sizeof buf);
    size_t got = strlen(buf);
    FUZZ_CHECK(got < sizeof buf);
    FUZZ_CHECK(n >= got);
    for (size_t i = 0; i < got; i++) {
        unsigned char c = (unsigned char)buf[i];
        FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    }
}

static inline void fuzz_error_list(const aif_error_list *l) {
    if (l == NULL) {
        return;
    }
    for (size_t i = 0; i < l->count; i++) {
        const aif_error *e = aif_error_list_at(l, i);
        if (e == NULL) {
            FUZZ_CHECK(i >= AIF_ERROR_LIST_MAX);
            break;
        }
        fuzz_error(e);
    }
}

#endif
