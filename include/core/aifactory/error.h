/* The one shape of error detail in libaifactory.
 *
 * A fallible call returns an aif_status; when the caller wants to know why, it passes an
 * aif_error (or the object keeps an aif_error_list, for inputs where one pass should report
 * every problem at once). Both are plain values owned by the caller: no allocation, no
 * global state. aif_error_set / aif_error_set_at are the only ways to record one and
 * aif_error_format the only way to print one ("file:line:col: error: message", or the
 * message alone when the error is not tied to a file), so every verb words errors the same way. */
#ifndef AIFACTORY_ERROR_H
#define AIFACTORY_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "aifactory/status.h"

#if defined(__GNUC__)
#define AIF_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define AIF_PRINTF_LIKE(fmt, args)
#endif

/* Longest message kept (bytes, NUL included); longer ones are cut, still NUL-terminated.
 * A message is one line: control characters in it (a quoted input's line break, tab or
 * terminal escape) are recorded as "\n", "\t", "\r" or "\xNN". */
#define AIF_ERROR_MESSAGE_MAX 320

/* Why a call failed. `file` is NULL when the error is not tied to an input file; it is not
 * copied, so it must outlive the error (a caller's path, a static name, or a string in the
 * arena of the object that recorded it). `line` and `col` are 1-based, 0 when unknown.
 * `offset` is the 0-based byte offset in the text handed to a text parser (a quantity, a
 * date), for callers that map it to a column. `message` says what was expected and what
 * was found. A zeroed aif_error ({0}) means "no error". */
typedef struct aif_error {
    aif_status status;
    const char *file;
    unsigned long line;
    unsigned long col;
    size_t offset;
    char message[AIF_ERROR_MESSAGE_MAX];
} aif_error;

/* Record `status` and a printf-style message on `e` (which may be NULL: nothing is
 * recorded) with no file position; returns `status` so a call can end with
 * `return aif_error_set(err, AIF_EPARSE, "...")`. Cost O(message). */
aif_status aif_error_set(aif_error *e, aif_status status, const char *fmt, ...)
    AIF_PRINTF_LIKE(3, 4);

/* As aif_error_set, with the arguments as a va_list (for a module's own variadic
 * recorder that adds context before it records). */
aif_status aif_error_setv(aif_error *e, aif_status status, const char *fmt, va_list ap)
    AIF_PRINTF_LIKE(3, 0);

/* As aif_error_set, with the input position `file:line:col` (file may be NULL). */
aif_status aif_error_set_at(aif_error *e, aif_status status, const char *file, unsigned long line,
                            unsigned long col, const char *fmt, ...) AIF_PRINTF_LIKE(6, 7);

/* As aif_error_set, for text parsers: the problem is at byte `offset` of the text parsed. */
aif_status aif_error_set_offset(aif_error *e, aif_status status, size_t offset, const char *fmt,
                                ...) AIF_PRINTF_LIKE(4, 5);

/* Longest quoted input kept in a message (bytes): a longer run between quotes ('...') is
 * cut to its first AIF_QUOTE_MAX bytes at a UTF-8 character boundary and followed by
 * "…(N bytes)", so a 100 KB id or a 300-digit number is not echoed back whole. */
#define AIF_QUOTE_MAX 60

/* Format a message into out[0..n) as vsnprintf does, then cut every quoted run longer than
 * AIF_QUOTE_MAX as above, and the whole at a UTF-8 boundary when it does not fit. Every
 * aif_error message goes through it; the CLI's usage errors too. A quote opens after a
 * character that is not a letter or digit and closes before one ("the scenario's" is no
 * quote). Returns the length written (without the NUL). Cost O(formatted length); a
 * message over 1 KB is formatted in a malloc'd buffer (cut at 1 KB if that fails). */
size_t aif_message_vformat(char *out, size_t n, const char *fmt, va_list ap) AIF_PRINTF_LIKE(3, 0);

/* Reset `e` to "no error" (NULL is ignored). */
void aif_error_clear(aif_error *e);

/* Write `e` as one line into buf[0..n), in the compilers' convention for input errors:
 * "file:line:col: error: message", "file:line: error: message" (col 0), "file: error:
 * message" (line 0), or the message alone when the error is not tied to a file; the
 * status's generic text (aif_strerror) when the message is empty. Returns the length it
 * would have written, as snprintf does. */
size_t aif_error_format(const aif_error *e, char *buf, size_t n);

/* Most errors one list keeps; the count goes on past it, so "and N more" can be said. */
#define AIF_ERROR_LIST_MAX 100

/* Every problem one input pass found (a scenario, a catalog, a models file), in the order
 * found. `count` includes the ones dropped past AIF_ERROR_LIST_MAX; `items` holds the first
 * min(count, AIF_ERROR_LIST_MAX). Zero it to start. */
typedef struct aif_error_list {
    size_t count;
    aif_error items[AIF_ERROR_LIST_MAX];
} aif_error_list;

/* Append one error (status AIF_EPARSE) at file:line:col. Never fails: past the limit only
 * the count grows. */
void aif_error_list_add(aif_error_list *l, const char *file, unsigned long line, unsigned long col,
                        const char *fmt, ...) AIF_PRINTF_LIKE(5, 6);

/* As aif_error_list_add with the arguments already gathered, for readers that wrap it in
 * their own printf-like helper. */
void aif_error_list_addv(aif_error_list *l, const char *file, unsigned long line, unsigned long col,
                         const char *fmt, va_list ap) AIF_PRINTF_LIKE(5, 0);

/* The i-th kept error, or NULL past the kept ones. */
const aif_error *aif_error_list_at(const aif_error_list *l, size_t i);

#endif
