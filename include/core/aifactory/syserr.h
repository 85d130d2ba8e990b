/* The system's reason for a failed call, worded for a person and named for a search: "No
 * space left on device (ENOSPC)". Every message about a failed file operation ends with
 * it, so a user can tell a full disk from a read-only folder from a missing path, and look
 * the name up. */
#ifndef AIFACTORY_SYSERR_H
#define AIFACTORY_SYSERR_H

#include <stddef.h>

/* The symbolic name of errno value `e` ("EACCES", "ENOSPC", ...) for the values file
 * operations meet, or NULL for any other. Cost O(1). */
const char *aif_errno_name(int e);

/* Longest text aif_syserr writes, NUL included; longer system texts are cut. */
#define AIF_SYSERR_MAX 128

/* Write "<system text> (<NAME>)" for errno value `e` into buf (AIF_SYSERR_MAX bytes) and
 * return buf: "Permission denied (EACCES)"; the text alone when the name is unknown, and
 * "unknown error (errno 0)"-style wording, never "Success", when `e` is 0 (a caller that
 * lost errno must not report success as the reason). Not thread-safe where strerror is
 * not. Cost O(text). */
const char *aif_syserr(int e, char buf[AIF_SYSERR_MAX]);

#endif
