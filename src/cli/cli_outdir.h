/* The output folder of a verb that writes one (`run -o`, `replay -o`): aif_outdir (outdir.h)
 * with the CLI's messages, exit codes and signal clean-up. */
#ifndef AIF_CLI_OUTDIR_H
#define AIF_CLI_OUTDIR_H

#include "aifactory/outdir.h"

/* Lock `dir` and create its private folder (d->tmp, where the files go), registering both
 * for removal if a signal ends the command. Returns an exit code, the reason printed as
 * "aifactory VERB: ...": 0; 2 when `dir` is not a folder aifactory may replace; 1 when
 * another process is writing it or a system call failed. */
int cli_outdir_begin(const char *verb, aif_outdir *d, const char *dir);

/* Publish the private folder as `dir` (with the signals deferred: the caller's writing
 * phase). Returns 0 or 1, the reason printed. */
int cli_outdir_commit(const char *verb, aif_outdir *d);

/* Drop the private folder and the lock (a failed or interrupted command). */
void cli_outdir_abort(aif_outdir *d);

#endif
