/* A sweep under Open MPI (`mpirun -np N aifactory sweep FILE`, docs/sweep.md): rank 0 is
 * the manager, exactly the sweep a plain invocation runs (it checks the file, publishes and
 * locks DIR, is the only writer of the store, prints the report), except that it hands the
 * runs to ranks 1..N-1 one at a time instead of to forked workers; each worker loads the
 * same sweep file, runs what it is handed with sweep_run_one and sends back the outcome
 * (the metrics, or the error). A run's figures depend on the run only, so they are the
 * serial sweep's whatever rank runs it.
 *
 * MPI is initialised only when the process was started by an MPI launcher (Open MPI's
 * mpirun sets OMPI_COMM_WORLD_SIZE, a PMIx launcher such as `srun --mpi=pmix` sets
 * PMIX_RANK): any other start is a plain sweep, `-j N` included, that never touches MPI.
 * So one binary serves both, and a plain sweep pays nothing for MPI (no singleton
 * start-up, no runtime left behind). A binary built without MPI (AIF_WITH_MPI off) that is
 * started by a launcher refuses with exit 2 rather than run N copies of the same sweep. */
#ifndef AIF_CLI_SWEEP_MPI_H
#define AIF_CLI_SWEEP_MPI_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/sweep.h"
#include "sweep_exec.h"

typedef struct sweep_mpi {
    int rank, size; /* size 0: not started by an MPI launcher (a plain sweep) */
    bool released;  /* manager: every worker was told to end (or will be by execute) */
} sweep_mpi;

/* Start MPI when launched by mpirun (m->size > 0 then), otherwise leave m->size at 0.
 * Returns CLI_EXIT_OK, or CLI_EXIT_USAGE after one line on stderr: one rank only (there
 * would be no worker), or a build without MPI started by a launcher. */
int sweep_mpi_begin(sweep_mpi *m);

/* A worker's life (rank > 0): wait for the sweep file's path, load it, report its hash,
 * then run each run it is handed until told to stop. Prints nothing: a problem goes to the
 * manager, which reports it. Returns CLI_EXIT_OK (the exit status is the manager's). */
int sweep_mpi_worker(const sweep_mpi *m);

/* The manager (rank 0): as sweep_execute, with the workers being ranks 1..size-1, each
 * first told to load `file` and checked to plan the same sweep (its hash). Returns 0, or 1
 * when a worker could not load the sweep or planned another one (the reason printed; the
 * runs in flight are still stored). A callback that fails (the store cannot be written)
 * ends the whole job with MPI_Abort and its code. Every worker has been told to end when
 * it returns. */
int sweep_mpi_execute(sweep_mpi *m, const char *file, const aif_sweep *sw, const size_t *pending,
                      size_t n, sweep_on_result cb, void *ctx);

/* Tell the workers that were not yet told to end (the manager stopped before handing out
 * anything: a usage error, --help, nothing left to run), then finalize MPI. A no-op for a
 * plain sweep. */
void sweep_mpi_end(sweep_mpi *m);

#endif
