/* Character classes and the "what was found" wording shared by core's text parsers
 * (quantities in units.c, durations and dates in time.c), so both describe bad input the
 * same way. Private to core. */
#ifndef AIF_CORE_TEXT_SCAN_H
#define AIF_CORE_TEXT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

static inline bool aif__is_digit(char c) {
    return c >= '0' && c <= '9';
}

static inline bool aif__is_space(char c) {
    return c == ' ' || c == '\t';
}

static inline bool aif__is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The text at `p` as a message shows it: the next word in quotes, shortened past 24
 * characters, or "end of text". Writes and returns `out`. */
const char *aif__describe_word(const char *text, size_t p, size_t len, char out[40]);

#endif
