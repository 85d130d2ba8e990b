/* Whole-file reading (see textfile.h). The buffer doubles as it fills, so a file is read
 * with O(log size) allocations and no size query that a pipe or /proc file would defeat. */
#include "textfile.h"

#include <errno.h>
#include <stdio.h>

aif_status aif__text_read(const aif_allocator *a, const char *path, aif__text *out,
                          const char **failed_op, int *sys_errno) {
    *out = (aif__text){0};
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *failed_op = "open";
        *sys_errno = errno;
        return AIF_EIO;
    }
    aif__text t = {.cap = 4096};
    t.data = aif_alloc(a, t.cap);
    aif_status st = t.data ? AIF_OK : AIF_ENOMEM;
    while (st == AIF_OK) {
        if (t.len > AIF__TEXT_MAX_BYTES) {
            *failed_op = "read";
            *sys_errno = EFBIG;
            st = AIF_EIO;
            break;
        }
        if (t.len == t.cap) {
            char *grown = aif_realloc(a, t.data, t.cap, t.cap * 2);
            if (grown == NULL) {
                st = AIF_ENOMEM;
                break;
            }
            t.data = grown;
            t.cap *= 2;
        }
        errno = 0;
        size_t got = fread(t.data + t.len, 1, t.cap - t.len, f);
        t.len += got;
        if (got == 0) {
            if (ferror(f)) {
                *failed_op = "read";
                *sys_errno = errno;
                st = AIF_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (st != AIF_OK) {
        aif__text_free(a, &t);
        return st;
    }
    *out = t;
    return AIF_OK;
}

void aif__text_free(const aif_allocator *a, aif__text *t) {
    aif_free(a, t->data, t->cap);
    *t = (aif__text){0};
}
