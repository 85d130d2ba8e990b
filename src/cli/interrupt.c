/* Signal handling for commands that write results (see interrupt.h).
 *
 * This file holds the program's only mutable static state, on purpose: a signal handler
 * can reach nothing but statics. The handler does only async-signal-safe work (unlink,
 * rmdir, signal, raise), and the registered path is written only while the signals are blocked,
 * so the handler never sees half a path. */
#include "interrupt.h"

#include <string.h>
#include <unistd.h>

#define PATH_CAP 4096
/* A command's output folder's lock file, its private folder and the file streaming into
 * it (outdir.h). */
#define PATHS_MAX 3

static char armed_paths[PATHS_MAX][PATH_CAP];
static volatile sig_atomic_t armed; /* how many of armed_paths are set */

static const int watched[] = {SIGINT, SIGTERM, SIGHUP};
#define WATCHED_COUNT (sizeof watched / sizeof watched[0])

static void watched_set(sigset_t *set) {
    sigemptyset(set);
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        sigaddset(set, watched[i]);
    }
}

void cli_signals_defer(sigset_t *saved) {
    sigset_t set;
    watched_set(&set);
    sigprocmask(SIG_BLOCK, &set, saved);
}

void cli_signals_restore(const sigset_t *saved) {
    sigprocmask(SIG_SETMASK, saved, NULL);
}

static void on_signal(int sig) {
    /* Newest first: the file before the folder that holds it, the folder before the lock
     * that guards it. A folder is not a file to unlink, so rmdir is tried next. */
    for (int i = (int)armed - 1; i >= 0; i--) {
        if (unlink(armed_paths[i]) != 0) {
            rmdir(armed_paths[i]);
        }
    }
    /* Die of the same signal, so the parent sees the usual 128 + sig status. */
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_interrupt_remove_on_signal(const char *path) {
    size_t n = strlen(path);
    if (n >= PATH_CAP || armed >= PATHS_MAX) {
        return;
    }
    sigset_t saved;
    cli_signals_defer(&saved);
    memcpy(armed_paths[armed], path, n + 1);
    armed = armed + 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        struct sigaction old;
        /* A signal the shell set to be ignored (e.g. a background job's SIGINT) stays
         * ignored. */
        if (sigaction(watched[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
            sigaction(watched[i], &sa, NULL);
        }
    }
    cli_signals_restore(&saved);
}

void cli_interrupt_forget(void) {
    sigset_t saved;
    cli_signals_defer(&saved);
    armed = 0;
    cli_signals_restore(&saved);
}
