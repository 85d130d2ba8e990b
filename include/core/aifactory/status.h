/* Status codes shared by every fallible call in libaifactory.
 *
 * One X-macro table generates the enum, the symbolic names and the messages, so the three
 * can never drift apart. Zero is success; every error is negative. The library never
 * prints: callers turn a code into text with aif_strerror() and add the detail that the
 * failing object recorded. */
#ifndef AIFACTORY_STATUS_H
#define AIFACTORY_STATUS_H

#include <stddef.h>

/* X(name, value, message) */
#define AIF_STATUS_TABLE(X)                                                                        \
    X(AIF_OK, 0, "success")                                                                        \
    X(AIF_ENOMEM, -1, "out of memory")                                                             \
    X(AIF_EINVAL, -2, "invalid argument")                                                          \
    X(AIF_EPARSE, -3, "malformed input")                                                           \
    X(AIF_ERANGE, -4, "value out of range")                                                        \
    X(AIF_ENOTFOUND, -5, "not found")                                                              \
    X(AIF_EIO, -6, "input/output error")                                                           \
    X(AIF_EEMPTY, -7, "nothing left")                                                              \
    X(AIF_ESTATE, -8, "operation not valid in the current state")                                  \
    X(AIF_EUNIT, -9, "unknown or mismatched unit")                                                 \
    X(AIF_ENOTIMPL, -10, "not implemented yet")

typedef enum aif_status {
#define AIF_STATUS_ENUM(name, value, message) name = value,
    AIF_STATUS_TABLE(AIF_STATUS_ENUM)
#undef AIF_STATUS_ENUM
} aif_status;

/* Human-readable message for a status ("out of memory"). Never NULL: unknown codes give
 * "unknown status". Cost O(1). */
const char *aif_strerror(aif_status status);

/* Symbolic name of a status ("AIF_ENOMEM"); "AIF_UNKNOWN" for codes outside the table. */
const char *aif_status_name(aif_status status);

#endif
