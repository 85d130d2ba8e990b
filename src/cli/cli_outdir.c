/* Output folders for the verbs (cli_outdir.h). */
#include "cli_outdir.h"

#include "args.h"
#include "cli_errors.h"
#include "interrupt.h"

int cli_outdir_begin(const char *verb, aif_outdir *d, const char *dir) {
    aif_error err = {0};
    /* Deferred from before the lock file exists until it is registered, so a signal in
     * between cannot leave it behind. */
    sigset_t saved;
    cli_signals_defer(&saved);
    aif_status st = aif_outdir_begin(d, dir, &err);
    if (st == AIF_OK) {
        cli_interrupt_remove_on_signal(d->lock_path);
        cli_interrupt_remove_on_signal(d->tmp);
    }
    cli_signals_restore(&saved);
    if (st != AIF_OK) {
        cli_print_error(verb, &err, st);
        /* A folder of the user's (or a name that cannot be one) is a usage error; a busy
         * folder or a failing disk is the run's failure, and running again later may
         * work. */
        return st == AIF_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

int cli_outdir_commit(const char *verb, aif_outdir *d) {
    aif_error err = {0};
    aif_status st = aif_outdir_commit(d, &err);
    cli_interrupt_forget();
    if (st != AIF_OK) {
        cli_print_error(verb, &err, st);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

void cli_outdir_abort(aif_outdir *d) {
    aif_outdir_abort(d);
    cli_interrupt_forget();
}
