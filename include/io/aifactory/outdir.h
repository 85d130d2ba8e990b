/* Output folders that are never seen half-written, and one writer at a time per folder.
 *
 * A command that writes a folder DIR (`run -o DIR`, `replay -o DIR`) writes every file into
 * a private folder beside it, ".DIR.tmp-XXXXXX" (same parent, so same file system), and
 * publishes it only when every file is complete and synced: on Linux by swapping the two
 * names in one atomic rename (renameat2 RENAME_EXCHANGE), elsewhere (or on a file system
 * without the exchange) by renaming DIR aside to ".DIR.old-XXXXXX", the new folder to DIR,
 * then deleting the old one. So a reader, or a process killed at any instant, finds in DIR
 * the previous complete result or the new complete one, never a mix and never a temporary
 * file.
 *
 * A lock on the file ".DIR.lock" beside DIR (an open-file-description lock on Linux, so
 * two handles in one process exclude each other too; a POSIX record lock elsewhere; taken
 * without waiting) is held from begin to commit or abort: a second writer into the same DIR is
 * refused at once rather than mixing its files with the first one's. The lock also makes clean-up
 * safe: whoever holds it knows any ".DIR.tmp-*" or ".DIR.old-*" sibling is left over from
 * a killed writer, removes it, and, when a kill landed between the two renames of the
 * fallback (DIR absent, ".DIR.old-*" present), renames the old folder back first.
 *
 * Only a folder that looks like one of ours is ever replaced or deleted: absent, empty, or
 * holding nothing but regular files with the names aifactory writes (results.sqlite,
 * sweep.sqlite, summary.json, report.html, the CSV files, and their temporary names). Anything else
 * is refused with AIF_EINVAL, never removed. The lock file is removed when the lock is let go
 * (safe: a process that locks the file checks afterwards that it is still the one at that
 * name). */
#ifndef AIFACTORY_OUTDIR_H
#define AIFACTORY_OUTDIR_H

#include "aifactory/error.h"
#include "aifactory/status.h"

/* Longest path (bytes, NUL included) of the folder and of its siblings. */
#define AIF_OUTDIR_PATH_MAX 4096

/* One publication in progress. A plain value: no allocation, nothing global; zeroed or
 * released, it holds nothing. */
typedef struct aif_outdir {
    char target[AIF_OUTDIR_PATH_MAX]; /* DIR, trailing slashes removed, a symlink followed */
    char tmp[AIF_OUTDIR_PATH_MAX];    /* the private folder: write the files here */
    char lock_path[AIF_OUTDIR_PATH_MAX];
    int lock_fd;
    int locked; /* lock_fd is open and locked */
    int active; /* tmp exists: begin succeeded and neither commit nor abort has run */
} aif_outdir;

/* Start writing the folder `dir`: create its missing parent folders, take the lock,
 * recover or remove what a killed writer left, check that an existing `dir` is one of
 * ours, and create the private folder (d->tmp, mode 0777 less the umask). Errors:
 * AIF_EINVAL (`dir` is empty, ".", "..", "/", too long, not a folder, or a folder that is
 * not an aifactory output folder), AIF_ESTATE (another process holds the lock: its pid is
 * in the message), AIF_EIO (a system call failed: the message names the path and the
 * errno, e.g. "Permission denied (EACCES)"). `err` may be NULL. On error nothing is held.
 * Cost O(entries of dir and of its parent folder). */
aif_status aif_outdir_begin(aif_outdir *d, const char *dir, aif_error *err);

/* Publish d->tmp as the folder: sync it, swap it in, delete the previous folder's files,
 * sync the parent, let go of the lock. On error (AIF_EIO) the previous folder is still in
 * place, the new files are deleted and the lock is let go. Always releases `d`. Cost
 * O(files in the two folders). */
aif_status aif_outdir_commit(aif_outdir *d, aif_error *err);

/* Delete the private folder (only the files aifactory writes; a stream into one of them
 * must be closed first) and let go of the lock, leaving the previous folder as it was.
 * Safe after commit, after abort and on a struct begin failed on. */
void aif_outdir_abort(aif_outdir *d);

/* Take only the lock of `dir` (for a command that replaces one file inside an existing
 * folder, such as `report`): as aif_outdir_begin without the private folder, the checks
 * or the clean-up. Release with aif_outdir_abort. Errors: AIF_EINVAL, AIF_ESTATE, AIF_EIO
 * as above. */
aif_status aif_outdir_lock(aif_outdir *d, const char *dir, aif_error *err);

/* Whether `name` (a file name, no folder) is one aifactory writes into an output folder,
 * or a temporary name of one. Cost O(length). */
int aif_outdir_is_output_name(const char *name);

#endif
