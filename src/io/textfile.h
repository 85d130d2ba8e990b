/* Whole-file reading for the loaders that parse a file in one piece (catalog, model and
 * scenario YAML). Shared-internal: not part of the public API. */
#ifndef AIF_IO_TEXTFILE_H
#define AIF_IO_TEXTFILE_H

#include <stddef.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"

typedef struct aif__text {
    char *data; /* not NUL-terminated; `len` bytes of file content */
    size_t len;
    size_t cap; /* bytes allocated, for aif__text_free */
} aif__text;

/* The largest file read whole: thousands of times any scenario, catalog, models or cluster
 * file, and a bound on what a path such as /dev/zero (which never ends) can take. */
#define AIF__TEXT_MAX_BYTES ((size_t)64 << 20)

/* Read all of `path` into memory taken from `a`. Errors: AIF_ENOMEM, or AIF_EIO with
 * *failed_op set to "open" or "read" and *sys_errno to the errno of the failing call (0 if
 * the C library set none; EFBIG for a file longer than AIF__TEXT_MAX_BYTES), so the caller
 * can word the message for its own kind of file. On error nothing stays allocated. Cost
 * O(file size). */
aif_status aif__text_read(const aif_allocator *a, const char *path, aif__text *out,
                          const char **failed_op, int *sys_errno);

/* Free what aif__text_read allocated; safe on a zeroed or already freed text. */
void aif__text_free(const aif_allocator *a, aif__text *t);

#endif
