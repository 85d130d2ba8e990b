/* The byte gate every text input passes before a parser sees it: valid UTF-8 and no NUL.
 * libfyaml 0.7.12 loops forever in its directive scanner when a `%` line holds bytes that
 * are not UTF-8 (an overlong form, a surrogate, a stray 0xff), so no text may reach it
 * unchecked; a NUL would silently end the text for any C-string consumer. Shared-internal. */
#ifndef AIF_IO_TEXTCHECK_H
#define AIF_IO_TEXTCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Where the first bad byte is and what it is, for "FILE:LINE:COL: error: ...". */
typedef struct aif__text_fault {
    size_t offset;      /* bytes from the start of the text */
    unsigned long line; /* 1-based; lines end at '\n' */
    unsigned long col;  /* 1-based, in characters (code points), as libfyaml counts */
    unsigned char byte; /* the first byte that does not fit */
} aif__text_fault;

/* Whether text[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) holding no NUL. On false, *fault names the first bad byte.
 * Cost O(len), no allocation. */
bool aif__text_check(const char *text, size_t len, aif__text_fault *fault);

/* "expected UTF-8 text, found byte 0xff" or "expected text, found a NUL byte", written
 * into buf (always terminated); returns buf. 48 bytes are enough. */
const char *aif__text_fault_message(const aif__text_fault *fault, char *buf, size_t n);

#endif
