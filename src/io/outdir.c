/* Output folders published whole, one writer at a time (see outdir.h): the private folder
 * beside the target, the lock file, the swap, and the clean-up of what a killed writer
 * left. Everything removed here is first checked to be one of ours (output_name), so a
 * mistyped -o can never delete a user's folder. */
#if defined(__linux__)
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE (glibc 2.28+) */
#endif
/* AIF_OUTDIR_NO_EXCHANGE builds the fallback swap (rename aside, rename in) on Linux too,
 * for its tests (tests/CMakeLists.txt: test_outdir_fallback). */
#include "aifactory/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aifactory/syserr.h"

/* What aifactory writes into an output folder: a run's database, summary, report and one
 * CSV per table (results_export.c), a replay's jobs.csv and timeseries.csv, serve's
 * requests.csv, and a sweep's store (the databases first: their journals and write-ahead
 * logs are theirs too). */
static const char *const output_names[] = {
    "results.sqlite", "sweep.sqlite",   "summary.json",      "report.html",
    "jobs.csv",       "timeseries.csv", "runs.csv",          "params.csv",
    "metrics.csv",    "series.csv",     "events.csv",        "ledger.csv",
    "contracts.csv",  "by_year.csv",    "frontier_runs.csv", "requests.csv",
};

#define SUFFIX_LEN 6 /* the XXXXXX of a temporary name */

static bool is_suffix_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* ".tmp-XXXXXX" followed by nothing or by one of SQLite's side-file suffixes: a temporary
 * file of outfile.c or results.c that a kill left behind. */
static bool is_temp_tail(const char *s) {
    if (strncmp(s, ".tmp-", 5) != 0) {
        return false;
    }
    for (int i = 0; i < SUFFIX_LEN; i++) {
        if (!is_suffix_char(s[5 + i])) {
            return false;
        }
    }
    s += 5 + SUFFIX_LEN;
    return *s == '\0' || strcmp(s, "-journal") == 0 || strcmp(s, "-wal") == 0 ||
           strcmp(s, "-shm") == 0;
}

int aif_outdir_is_output_name(const char *name) {
    for (size_t i = 0; i < sizeof output_names / sizeof output_names[0]; i++) {
        size_t n = strlen(output_names[i]);
        if (strncmp(name, output_names[i], n) == 0 &&
            (name[n] == '\0' || is_temp_tail(name + n) ||
             (i < 2 && (strcmp(name + n, "-journal") == 0 || strcmp(name + n, "-wal") == 0 ||
                        strcmp(name + n, "-shm") == 0)))) {
            return 1;
        }
    }
    return 0;
}

static aif_status sys_fail(aif_error *err, const char *what, const char *path, int e) {
    char why[AIF_SYSERR_MAX];
    return aif_error_set(err, AIF_EIO, "%s %s: %s", what, path, aif_syserr(e, why));
}

/* ---- names ---- */

/* The length of the parent part of d->target, up to and including its last '/'. */
static size_t base_at(const aif_outdir *d) {
    const char *slash = strrchr(d->target, '/');
    return slash ? (size_t)(slash - d->target) + 1 : 0;
}

/* "<parent>/.<base><tail>" into out (AIF_OUTDIR_PATH_MAX bytes); false when too long. */
static bool sibling(const aif_outdir *d, const char *tail, char *out) {
    size_t at = base_at(d);
    int n =
        snprintf(out, AIF_OUTDIR_PATH_MAX, "%.*s.%s%s", (int)at, d->target, d->target + at, tail);
    return n > 0 && n < AIF_OUTDIR_PATH_MAX;
}

static void parent_of(const aif_outdir *d, char *out) {
    size_t at = base_at(d);
    if (at == 0) {
        snprintf(out, AIF_OUTDIR_PATH_MAX, ".");
    } else {
        snprintf(out, AIF_OUTDIR_PATH_MAX, "%.*s", at == 1 ? 1 : (int)at - 1, d->target);
    }
}

/* mkdir -p of every folder above the target. */
static aif_status make_parents(const aif_outdir *d, aif_error *err) {
    char buf[AIF_OUTDIR_PATH_MAX];
    size_t at = base_at(d);
    memcpy(buf, d->target, at);
    buf[at] = '\0';
    for (size_t i = 1; i < at; i++) {
        if (buf[i] == '/') {
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                return sys_fail(err, "cannot create", buf, errno);
            }
            buf[i] = '/';
        }
    }
    return AIF_OK;
}

/* Fill d->target from `dir`: trailing slashes dropped, a symbolic link followed (the swap
 * must replace the folder it points to, not the link), the sibling names checked to fit. */
static aif_status locate(aif_outdir *d, const char *dir, aif_error *err) {
    memset(d, 0, sizeof *d);
    d->lock_fd = -1;
    size_t n = dir ? strlen(dir) : 0;
    while (n > 1 && dir[n - 1] == '/') {
        n--;
    }
    if (n == 0) {
        return aif_error_set(err, AIF_EINVAL, "no output folder given");
    }
    if (n >= AIF_OUTDIR_PATH_MAX - 32) {
        return aif_error_set(err, AIF_EINVAL, "output folder '%.64s...' is too long", dir);
    }
    memcpy(d->target, dir, n);
    d->target[n] = '\0';
    struct stat sb;
    if (lstat(d->target, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        char *real = realpath(d->target, NULL);
        if (real == NULL) {
            return sys_fail(err, "cannot follow the link", d->target, errno);
        }
        int m = snprintf(d->target, sizeof d->target, "%s", real);
        free(real);
        if (m < 0 || (size_t)m >= AIF_OUTDIR_PATH_MAX - 32) {
            return aif_error_set(err, AIF_EINVAL, "output folder '%s' is too long", dir);
        }
    }
    const char *base = d->target + base_at(d);
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        return aif_error_set(err, AIF_EINVAL,
                             "output folder '%s' cannot be replaced as a whole; name a folder "
                             "of its own, e.g. %s/out",
                             dir, dir);
    }
    if (!sibling(d, ".tmp-XXXXXX", d->tmp) || !sibling(d, ".lock", d->lock_path)) {
        return aif_error_set(err, AIF_EINVAL, "output folder '%s' is too long", dir);
    }
    d->tmp[0] = '\0';
    return make_parents(d, err);
}

/* ---- the lock ---- */

static void unlock(aif_outdir *d) {
    if (d->locked) {
        /* Removed while still held: a process that opened the old file finds, once it has
         * the lock, that the name no longer leads to it, and starts again (take_lock). */
        unlink(d->lock_path);
        close(d->lock_fd);
        d->locked = 0;
        d->lock_fd = -1;
    }
}

/* Open-file-description locks where there are some (Linux): they exclude two handles of
 * one process too, so two runs in one process are kept apart like two processes; classic
 * POSIX record locks belong to the process, and elsewhere they are the fallback. */
#if defined(F_OFD_SETLK)
#define LOCK_CMD F_OFD_SETLK
#else
#define LOCK_CMD F_SETLK
#endif

/* The holder's pid, which it wrote into the lock file, or 0 when unknown. */
static long holder_pid(int fd) {
    char buf[24] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
    return pid > 0 ? pid : 0;
}

static aif_status busy(const aif_outdir *d, int fd, aif_error *err) {
    long pid = holder_pid(fd);
    char holder[48] = "";
    if (pid > 0) {
        snprintf(holder, sizeof holder, " (pid %ld)", pid);
    }
    return aif_error_set(err, AIF_ESTATE,
                         "%s is being written by another aifactory process%s; wait for it to "
                         "finish or choose another output folder",
                         d->target, holder);
}

static aif_status take_lock(aif_outdir *d, aif_error *err) {
    for (int tries = 0; tries < 16; tries++) {
        int fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            char why[AIF_SYSERR_MAX];
            return aif_error_set(err, AIF_EIO, "cannot write %s (its lock file %s): %s", d->target,
                                 d->lock_path, aif_syserr(errno, why));
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, LOCK_CMD, &fl) != 0) {
            int e = errno;
            aif_status st = e == EACCES || e == EAGAIN
                                ? busy(d, fd, err)
                                : sys_fail(err, "cannot lock", d->lock_path, e);
            close(fd);
            return st;
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(d->lock_path, &named) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
            /* The pid is for the message of a writer that is refused; nothing depends on
             * it, so a failed write is ignored. */
            char pid[24];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n) {
                (void)ftruncate(fd, 0);
            }
            d->lock_fd = fd;
            d->locked = 1;
            return AIF_OK;
        }
        close(fd); /* its holder removed it meanwhile: lock the file now at the name */
    }
    return aif_error_set(err, AIF_EIO, "cannot lock %s: it keeps being replaced", d->lock_path);
}

/* ---- folders of ours ---- */

/* AIF_OK when `path` is absent, or a folder holding only regular files with output names;
 * AIF_EINVAL (with the first foreign entry named) otherwise. */
static aif_status check_ours(const char *path, aif_error *err) {
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        return errno == ENOENT ? AIF_OK : sys_fail(err, "cannot read", path, errno);
    }
    if (!S_ISDIR(sb.st_mode)) {
        return aif_error_set(err, AIF_EINVAL,
                             "%s exists and is not a folder; choose another output folder", path);
    }
    DIR *dir = opendir(path);
    if (dir == NULL) {
        return sys_fail(err, "cannot read", path, errno);
    }
    aif_status st = AIF_OK;
    for (struct dirent *e; st == AIF_OK && (e = readdir(dir)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        struct stat fb;
        bool file =
            fstatat(dirfd(dir), e->d_name, &fb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(fb.st_mode);
        if (!file || !aif_outdir_is_output_name(e->d_name)) {
            st = aif_error_set(err, AIF_EINVAL,
                               "%s is not an aifactory output folder (it holds '%s'), so it is "
                               "not replaced; choose another output folder or empty it",
                               path, e->d_name);
        }
    }
    closedir(dir);
    return st;
}

/* Delete the output files in `path`, then the folder if that emptied it. Returns 0 when the
 * folder is gone. */
static int remove_ours(const char *path) {
    DIR *dir = opendir(path);
    if (dir == NULL) {
        return errno == ENOENT ? 0 : -1;
    }
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        struct stat fb;
        if (aif_outdir_is_output_name(e->d_name) &&
            fstatat(dirfd(dir), e->d_name, &fb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(fb.st_mode)) {
            unlinkat(dirfd(dir), e->d_name, 0);
        }
    }
    closedir(dir);
    return rmdir(path);
}

/* Whether `name` is ".<base><kind>XXXXXX", kind ".tmp-" or ".old-": a sibling of ours. */
static bool is_sibling(const char *name, const char *base, const char *kind) {
    size_t nb = strlen(base), nk = strlen(kind);
    if (name[0] != '.' || strncmp(name + 1, base, nb) != 0 ||
        strncmp(name + 1 + nb, kind, nk) != 0 || strlen(name + 1 + nb + nk) != SUFFIX_LEN) {
        return false;
    }
    for (int i = 0; i < SUFFIX_LEN; i++) {
        if (!is_suffix_char(name[1 + nb + nk + i])) {
            return false;
        }
    }
    return true;
}

/* With the lock held, every sibling ".<base>.tmp-*" or ".<base>.old-*" belongs to a writer
 * that was killed. When the target is missing, a kill fell between the two renames of the
 * fallback swap: the ".old" folder is the last complete result and goes back first. The
 * rest are deleted when they hold only our files, and left alone otherwise. */
static aif_status recover(aif_outdir *d, aif_error *err) {
    char parent[AIF_OUTDIR_PATH_MAX], path[2 * AIF_OUTDIR_PATH_MAX];
    parent_of(d, parent);
    const char *base = d->target + base_at(d);
    struct stat sb;
    bool missing = lstat(d->target, &sb) != 0 && errno == ENOENT;
    DIR *dir = opendir(parent);
    if (dir == NULL) {
        return sys_fail(err, "cannot read", parent, errno);
    }
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        bool old = is_sibling(e->d_name, base, ".old-");
        if (!old && !is_sibling(e->d_name, base, ".tmp-")) {
            continue;
        }
        snprintf(path, sizeof path, "%.*s%s", (int)base_at(d), d->target, e->d_name);
        if (old && missing && check_ours(path, NULL) == AIF_OK && rename(path, d->target) == 0) {
            missing = false;
        } else if (check_ours(path, NULL) == AIF_OK) {
            remove_ours(path);
        }
    }
    closedir(dir);
    return AIF_OK;
}

/* Six name characters that differ between processes and between tries. */
static void random_suffix(char out[SUFFIX_LEN + 1], unsigned attempt) {
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long x = ((unsigned long long)getpid() << 32) ^ (unsigned long long)ts.tv_nsec ^
                           ((unsigned long long)ts.tv_sec << 20) ^
                           (attempt * 0x9e3779b97f4a7c15ULL);
    for (int i = 0; i < SUFFIX_LEN; i++) {
        x ^= x >> 29;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 32;
        out[i] = set[x % (sizeof set - 1)];
    }
    out[SUFFIX_LEN] = '\0';
}

/* A new ".<base><kind>XXXXXX" name that nothing has; with `create`, made as a folder (mode
 * 0777 less the umask, as a plain mkdir would). */
static aif_status new_sibling(const aif_outdir *d, const char *kind, bool create, char *out,
                              aif_error *err) {
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        char tail[32], suffix[SUFFIX_LEN + 1];
        random_suffix(suffix, attempt);
        snprintf(tail, sizeof tail, "%s%s", kind, suffix);
        sibling(d, tail, out);
        struct stat sb;
        if (!create && lstat(out, &sb) != 0 && errno == ENOENT) {
            return AIF_OK;
        }
        if (create && mkdir(out, 0777) == 0) {
            return AIF_OK;
        }
        if (create && errno != EEXIST) {
            return sys_fail(err, "cannot write", d->target, errno);
        }
    }
    return aif_error_set(err, AIF_EIO, "cannot write %s: no free temporary name beside it",
                         d->target);
}

/* ---- the API ---- */

aif_status aif_outdir_lock(aif_outdir *d, const char *dir, aif_error *err) {
    aif_status st = locate(d, dir, err);
    return st == AIF_OK ? take_lock(d, err) : st;
}

aif_status aif_outdir_begin(aif_outdir *d, const char *dir, aif_error *err) {
    aif_status st = aif_outdir_lock(d, dir, err);
    if (st == AIF_OK) {
        st = recover(d, err);
    }
    if (st == AIF_OK) {
        st = check_ours(d->target, err);
    }
    if (st == AIF_OK) {
        st = new_sibling(d, ".tmp-", true, d->tmp, err);
    }
    if (st != AIF_OK) {
        unlock(d);
        return st;
    }
    d->active = 1;
    return AIF_OK;
}

void aif_outdir_abort(aif_outdir *d) {
    if (d->active) {
        remove_ours(d->tmp);
        d->active = 0;
    }
    unlock(d);
}

/* fsync a folder, so the names in it survive a power loss. */
static int sync_dir(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    /* Some file systems refuse to sync a folder (EINVAL); nothing more can be done there. */
    int e = fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
    close(fd);
    return e;
}

/* Put d->tmp at d->target. On success *garbage names the previous folder (now at another
 * name) or is "" when there was none. Returns 0 or an errno; on failure the target is as
 * it was. */
static int swap_in(aif_outdir *d, char *garbage, aif_error *err) {
    garbage[0] = '\0';
    struct stat sb;
    if (lstat(d->target, &sb) != 0) {
        return rename(d->tmp, d->target) == 0 ? 0 : errno;
    }
#if defined(RENAME_EXCHANGE) && !defined(AIF_OUTDIR_NO_EXCHANGE)
    if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->target, RENAME_EXCHANGE) == 0) {
        memcpy(garbage, d->tmp, AIF_OUTDIR_PATH_MAX);
        return 0;
    }
    /* Not Linux's local file systems (EINVAL), an old kernel (ENOSYS): the fallback. */
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
        return errno;
    }
#endif
    if (new_sibling(d, ".old-", false, garbage, err) != AIF_OK) {
        return EEXIST;
    }
    if (rename(d->target, garbage) != 0) {
        int e = errno;
        garbage[0] = '\0';
        return e;
    }
    /* A kill here leaves the target missing; the next writer puts ".old" back (recover). */
    if (rename(d->tmp, d->target) != 0) {
        int e = errno;
        rename(garbage, d->target);
        garbage[0] = '\0';
        return e;
    }
    return 0;
}

aif_status aif_outdir_commit(aif_outdir *d, aif_error *err) {
    if (!d->active) {
        aif_outdir_abort(d);
        return aif_error_set(err, AIF_ESTATE, "output folder: nothing to publish");
    }
    int e = sync_dir(d->tmp);
    char garbage[AIF_OUTDIR_PATH_MAX];
    if (e == 0) {
        e = swap_in(d, garbage, err);
    }
    if (e != 0) {
        aif_outdir_abort(d);
        return sys_fail(err, "cannot write", d->target, e);
    }
    d->active = 0;
    if (garbage[0] != '\0') {
        remove_ours(garbage);
    }
    char parent[AIF_OUTDIR_PATH_MAX];
    parent_of(d, parent);
    e = sync_dir(parent);
    unlock(d);
    return e == 0 ? AIF_OK : sys_fail(err, "cannot write", parent, e);
}
