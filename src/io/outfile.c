/* Output files written under a temporary name and renamed into place (see outfile.h). The
 * errno of the first failing call is kept until the message is made: the clean-up after a
 * failure (close, remove) would otherwise overwrite it, and the user would read "No such
 * file or directory" for a folder that is read-only. */
#include "aifactory/outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aifactory/syserr.h"
#include "results_internal.h"

static aif_status fail(aif_outfile *f, aif_error *err, const char *path, int e) {
    char why[AIF_SYSERR_MAX];
    aif_error_set(err, AIF_EIO, "cannot write %s: %s", path, aif_syserr(e, why));
    aif_outfile_abort(f);
    return AIF_EIO;
}

aif_status aif_outfile_open(aif_outfile *f, const aif_allocator *a, const char *path,
                            aif_error *err) {
    memset(f, 0, sizeof *f);
    f->alloc = a;
    size_t n = strlen(path) + sizeof ".tmp-XXXXXX";
    f->final_path = aif__results_strdup(a, path);
    f->tmp_path = f->final_path ? aif_alloc(a, n) : NULL;
    if (f->tmp_path == NULL) {
        aif_outfile_abort(f);
        return aif_error_set(err, AIF_ENOMEM, "cannot write %s: out of memory", path);
    }
    snprintf(f->tmp_path, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(f->tmp_path);
    if (fd < 0) {
        /* Nothing was created: the template must not be removed as if it were a file. */
        int e = errno;
        f->tmp_path[0] = '\0';
        return fail(f, err, path, e);
    }
    (void)fchmod(fd, 0644);
    f->fp = fdopen(fd, "wb");
    if (f->fp == NULL) {
        int e = errno;
        close(fd);
        return fail(f, err, path, e);
    }
    return AIF_OK;
}

static void file_release(aif_outfile *f) {
    if (f->tmp_path) {
        aif_free(f->alloc, f->tmp_path, strlen(f->final_path) + sizeof ".tmp-XXXXXX");
    }
    if (f->final_path) {
        aif_free(f->alloc, f->final_path, strlen(f->final_path) + 1);
    }
    memset(f, 0, sizeof *f);
}

void aif_outfile_abort(aif_outfile *f) {
    if (f->fp) {
        fclose(f->fp);
    }
    if (f->tmp_path && f->tmp_path[0] != '\0') {
        remove(f->tmp_path);
    }
    file_release(f);
}

aif_status aif_outfile_commit(aif_outfile *f, aif_error *err) {
    /* A write that failed earlier left the stream's error flag but not its errno; the
     * flush retries what is still buffered and so usually fails again with the reason
     * (a full disk stays full). EIO is the answer only when nothing else is known. */
    int e = 0;
    bool had_error = ferror(f->fp) != 0;
    errno = 0;
    if (fflush(f->fp) != 0 || had_error) {
        e = errno != 0 ? errno : EIO;
    }
    if (e == 0 && fsync(fileno(f->fp)) != 0) {
        e = errno;
    }
    if (fclose(f->fp) != 0 && e == 0) {
        e = errno;
    }
    f->fp = NULL;
    if (e == 0 && rename(f->tmp_path, f->final_path) != 0) {
        e = errno;
    }
    if (e == 0) {
        file_release(f);
        return AIF_OK;
    }
    /* The message needs the path after the abort has released it. */
    char path[4200];
    snprintf(path, sizeof path, "%s", f->final_path);
    return fail(f, err, path, e);
}
