/* What Ctrl-C (SIGINT), SIGTERM and SIGHUP do to a command that is writing results: never
 * leave a half-written or temporary file behind.
 *
 * Outputs are written to temporary files and renamed into place (outfile.h, results.h), so
 * an interruption can never corrupt a published file; what it could leave is the temporary
 * file itself. Two tools prevent that: a short writing phase (a run's results, a replay's
 * store) defers the signals until it is done, so the command then ends with everything
 * published; a long phase that streams into one temporary file (a replay's time series)
 * registers that file, and the signal handler removes it before the process dies. Either
 * way the process ends by the signal's default action (exit status 128 + signal). */
#ifndef AIF_CLI_INTERRUPT_H
#define AIF_CLI_INTERRUPT_H

#include <signal.h>

/* Block the three signals until cli_signals_restore; they stay pending, not lost. */
void cli_signals_defer(sigset_t *saved);

/* Restore the mask saved by cli_signals_defer: a signal that arrived meanwhile is
 * delivered now (and ends the process). */
void cli_signals_restore(const sigset_t *saved);

/* Remove `path` (a file, or an empty folder; copied; at most 4095 bytes, longer paths are
 * not registered) if one of the signals arrives before cli_interrupt_forget. Up to three
 * paths, removed newest first: register a lock file, then the folder it guards, then the
 * file being written in it. */
void cli_interrupt_remove_on_signal(const char *path);

/* Stop watching the registered paths (after they were committed or removed). */
void cli_interrupt_forget(void);

#endif
