/* errno values as "text (NAME)" (syserr.h). The table lists the values that file, folder
 * and lock operations return on Linux and the BSDs; any other keeps the system's text. */
#include "aifactory/syserr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct errno_entry {
    int value;
    const char *name;
} errno_entry;

static const errno_entry names[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {EIO, "EIO"},
    {EBADF, "EBADF"},
    {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},
    {ETXTBSY, "ETXTBSY"},
    {EFBIG, "EFBIG"},
    {ENOSPC, "ENOSPC"},
    {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"},
    {EMLINK, "EMLINK"},
    {EPIPE, "EPIPE"},
    {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOLCK, "ENOLCK"},
    {ENOSYS, "ENOSYS"},
    {ENOTEMPTY, "ENOTEMPTY"},
    {ELOOP, "ELOOP"},
    {EDQUOT, "EDQUOT"},
    {ESTALE, "ESTALE"},
    {EINTR, "EINTR"},
    {ENOTSUP, "ENOTSUP"},
    {ENXIO, "ENXIO"},
    {ENODEV, "ENODEV"},
    {EOVERFLOW, "EOVERFLOW"},
};

const char *aif_errno_name(int e) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].value == e) {
            return names[i].name;
        }
    }
    return NULL;
}

const char *aif_syserr(int e, char buf[AIF_SYSERR_MAX]) {
    const char *name = aif_errno_name(e);
    if (e == 0) {
        snprintf(buf, AIF_SYSERR_MAX, "unknown system error (no errno recorded)");
    } else if (name != NULL) {
        snprintf(buf, AIF_SYSERR_MAX, "%s (%s)", strerror(e), name);
    } else {
        snprintf(buf, AIF_SYSERR_MAX, "%s (errno %d)", strerror(e), e);
    }
    return buf;
}
