/* Recording and printing aif_error (error.h): the single place where error detail is
 * written, so messages are cut, terminated and positioned the same way everywhere. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/error.h"

static bool word_char(unsigned char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           ch >= 0x80;
}

/* Back from `at` to the start of the UTF-8 character it is in (continuation bytes are
 * 10xxxxxx), never before `from`. */
static size_t char_start(const char *s, size_t from, size_t at) {
    while (at > from && ((unsigned char)s[at] & 0xC0) == 0x80) {
        at--;
    }
    return at;
}

/* Copy src[0..len) into out[0..n) with long quoted runs cut; returns the length written. */
static size_t cut_quotes(const char *src, size_t len, char *out, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n;) {
        bool opens = src[i] == '\'' && (i == 0 || !word_char((unsigned char)src[i - 1]));
        size_t end = i + 1; /* the closing quote, or len when the run is not closed */
        while (opens && end < len &&
               !(src[end] == '\'' && (end + 1 == len || !word_char((unsigned char)src[end + 1])))) {
            end++;
        }
        if (!opens) {
            out[o++] = src[i++];
            continue;
        }
        if (end - (i + 1) <= AIF_QUOTE_MAX) {
            /* A short run is copied whole with its closing quote, so that quote is never
             * taken for the opening of another run ("'.' cannot be ..."). */
            size_t stop = end < len ? end + 1 : len;
            while (i < stop && o + 1 < n) {
                out[o++] = src[i++];
            }
            continue;
        }
        size_t keep = char_start(src, i + 1, i + 1 + AIF_QUOTE_MAX) - (i + 1);
        int w = snprintf(out + o, n - o, "'%.*s\u2026(%zu bytes)", (int)keep, src + i + 1,
                         end - (i + 1));
        o = w < 0 || (size_t)w >= n - o ? n - 1 : o + (size_t)w;
        i = end; /* the closing quote, if any, is copied next */
    }
    /* A cut mid-character would leave invalid UTF-8 at the end: drop the partial one. */
    if (o > 0) {
        size_t last = char_start(out, 0, o - 1);
        unsigned char lead = (unsigned char)out[last];
        size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (last + need > o) {
            o = last;
        }
    }
    out[o] = '\0';
    return o;
}

size_t aif_message_vformat(char *out, size_t n, const char *fmt, va_list ap) {
    if (out == NULL || n == 0) {
        return 0;
    }
    char local[1024];
    va_list again;
    va_copy(again, ap);
    int len = vsnprintf(local, sizeof local, fmt, ap);
    char *text = local;
    if (len < 0) {
        len = 0;
        local[0] = '\0';
    } else if ((size_t)len >= sizeof local) {
        char *big = malloc((size_t)len + 1);
        if (big != NULL) {
            vsnprintf(big, (size_t)len + 1, fmt, again);
            text = big;
        } else {
            len = (int)sizeof local - 1;
        }
    }
    va_end(again);
    size_t w = cut_quotes(text, (size_t)len, out, n);
    if (text != local) {
        free(text);
    }
    return w;
}

/* Messages quote input ("found 'x'"), and input may hold a line break, a tab or a terminal
 * escape: each control character becomes a C-style escape ("\\n", "\\x1b") so that an
 * error stays one line of plain text. Escapes that no longer fit are cut whole. */
static bool is_control(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

static void escape_controls(char *msg, size_t cap) {
    size_t n = strlen(msg);
    size_t i = 0;
    while (i < n && !is_control((unsigned char)msg[i])) {
        i++;
    }
    if (i == n) {
        return; /* the common case: nothing to rewrite */
    }
    char out[AIF_ERROR_MESSAGE_MAX];
    size_t o = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)msg[i];
        char esc[5] = {(char)c};
        size_t len = 1;
        if (c == '\n' || c == '\t' || c == '\r') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
            len = 2;
        } else if (is_control(c)) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            len = 4;
        }
        if (o + len >= cap || o + len >= sizeof out) {
            break;
        }
        memcpy(out + o, esc, len);
        o += len;
    }
    memcpy(msg, out, o);
    msg[o] = '\0';
}

static void record(aif_error *e, aif_status status, const char *file, unsigned long line,
                   unsigned long col, const char *fmt, va_list ap) {
    e->status = status;
    e->offset = 0;
    e->file = file;
    e->line = line;
    e->col = col;
    aif_message_vformat(e->message, sizeof e->message, fmt, ap);
    escape_controls(e->message, sizeof e->message);
}

aif_status aif_error_set(aif_error *e, aif_status status, const char *fmt, ...) {
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        record(e, status, NULL, 0, 0, fmt, ap);
        va_end(ap);
    }
    return status;
}

aif_status aif_error_setv(aif_error *e, aif_status status, const char *fmt, va_list ap) {
    if (e != NULL) {
        record(e, status, NULL, 0, 0, fmt, ap);
    }
    return status;
}

aif_status aif_error_set_at(aif_error *e, aif_status status, const char *file, unsigned long line,
                            unsigned long col, const char *fmt, ...) {
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        record(e, status, file, line, col, fmt, ap);
        va_end(ap);
    }
    return status;
}

aif_status aif_error_set_offset(aif_error *e, aif_status status, size_t offset, const char *fmt,
                                ...) {
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        record(e, status, NULL, 0, 0, fmt, ap);
        va_end(ap);
        e->offset = offset;
    }
    return status;
}

void aif_error_clear(aif_error *e) {
    if (e != NULL) {
        memset(e, 0, sizeof *e);
    }
}

/* The file name as printed: a name is bytes from the input (a scenario may name a catalog
 * file), so its control characters are escaped as the message's are, keeping the error on
 * one line. Returns `file` itself when it has none. */
static const char *printable_file(const char *file, char *tmp, size_t cap) {
    const char *p = file;
    while (*p != '\0' && !is_control((unsigned char)*p)) {
        p++;
    }
    if (*p == '\0') {
        return file;
    }
    snprintf(tmp, cap, "%s", file);
    escape_controls(tmp, cap);
    return tmp;
}

size_t aif_error_format(const aif_error *e, char *buf, size_t n) {
    const char *msg = e->message[0] ? e->message : aif_strerror(e->status);
    char file_tmp[AIF_ERROR_MESSAGE_MAX];
    const char *file = e->file ? printable_file(e->file, file_tmp, sizeof file_tmp) : NULL;
    int len;
    if (file == NULL) {
        len = snprintf(buf, n, "%s", msg);
    } else if (e->line == 0) {
        len = snprintf(buf, n, "%s: error: %s", file, msg);
    } else if (e->col == 0) {
        len = snprintf(buf, n, "%s:%lu: error: %s", file, e->line, msg);
    } else {
        len = snprintf(buf, n, "%s:%lu:%lu: error: %s", file, e->line, e->col, msg);
    }
    return len < 0 ? 0 : (size_t)len;
}

void aif_error_list_addv(aif_error_list *l, const char *file, unsigned long line, unsigned long col,
                         const char *fmt, va_list ap) {
    if (l->count < AIF_ERROR_LIST_MAX) {
        record(&l->items[l->count], AIF_EPARSE, file, line, col, fmt, ap);
    }
    l->count++;
}

void aif_error_list_add(aif_error_list *l, const char *file, unsigned long line, unsigned long col,
                        const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    aif_error_list_addv(l, file, line, col, fmt, ap);
    va_end(ap);
}

const aif_error *aif_error_list_at(const aif_error_list *l, size_t i) {
    return i < l->count && i < AIF_ERROR_LIST_MAX ? &l->items[i] : NULL;
}
