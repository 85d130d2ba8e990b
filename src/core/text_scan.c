/* The "what was found" wording of core's text parsers (text_scan.h). */
#include "text_scan.h"

#include <stdio.h>

const char *aif__describe_word(const char *text, size_t p, size_t len, char out[40]) {
    if (p >= len) {
        snprintf(out, 40, "end of text");
        return out;
    }
    size_t n = 0;
    while (p + n < len && !aif__is_space(text[p + n])) {
        n++;
    }
    if (n == 0) {
        n = 1; /* a lone space inside the text */
    }
    if (n > 24) {
        snprintf(out, 40, "'%.24s...'", text + p);
    } else {
        snprintf(out, 40, "'%.*s'", (int)n, text + p);
    }
    return out;
}
