/* Recording and printing aif_error (error.h): the single place where error detail is
 * written, so messages are cut, terminated and positioned the same way everywhere. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/error.h"

static void record(aif_error *e, aif_status status, const char *file, unsigned long line,
                   unsigned long col, const char *fmt, va_list ap) {
    e->status = status;
    e->offset = 0;
    e->file = file;
    e->line = line;
    e->col = col;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
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

size_t aif_error_format(const aif_error *e, char *buf, size_t n) {
    const char *msg = e->message[0] ? e->message : aif_strerror(e->status);
    int len;
    if (e->file == NULL) {
        len = snprintf(buf, n, "%s", msg);
    } else if (e->line == 0) {
        len = snprintf(buf, n, "%s: error: %s", e->file, msg);
    } else if (e->col == 0) {
        len = snprintf(buf, n, "%s:%lu: error: %s", e->file, e->line, msg);
    } else {
        len = snprintf(buf, n, "%s:%lu:%lu: error: %s", e->file, e->line, e->col, msg);
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
