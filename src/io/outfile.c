/* Output files written under a temporary name and renamed into place (see outfile.h). */
#include "aifactory/outfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results_internal.h"

aif_status aif_outfile_open(aif_outfile *f, const aif_allocator *a, const char *path) {
    memset(f, 0, sizeof *f);
    f->alloc = a;
    size_t n = strlen(path) + sizeof ".tmp-XXXXXX";
    f->final_path = aif__results_strdup(a, path);
    f->tmp_path = f->final_path ? aif_alloc(a, n) : NULL;
    if (f->tmp_path == NULL) {
        aif_outfile_abort(f);
        return AIF_ENOMEM;
    }
    snprintf(f->tmp_path, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(f->tmp_path);
    if (fd < 0) {
        aif_outfile_abort(f);
        return AIF_EIO;
    }
    (void)fchmod(fd, 0644);
    f->fp = fdopen(fd, "wb");
    if (f->fp == NULL) {
        close(fd);
        aif_outfile_abort(f);
        return AIF_EIO;
    }
    return AIF_OK;
}

static void file_release(aif_outfile *f) {
    if (f->tmp_path) {
        aif_free(f->alloc, f->tmp_path, strlen(f->tmp_path) + 1);
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
    if (f->tmp_path) {
        remove(f->tmp_path);
    }
    file_release(f);
}

aif_status aif_outfile_commit(aif_outfile *f) {
    int ok = !ferror(f->fp) && fflush(f->fp) == 0 && fsync(fileno(f->fp)) == 0;
    ok = (fclose(f->fp) == 0) && ok;
    f->fp = NULL;
    if (ok && rename(f->tmp_path, f->final_path) == 0) {
        file_release(f);
        return AIF_OK;
    }
    aif_outfile_abort(f);
    return AIF_EIO;
}
