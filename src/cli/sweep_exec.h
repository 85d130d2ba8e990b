/* Running a sweep's runs (docs/sweep.md): one run in this process (the scenario with the
 * run's assignments, the fleet, its key figures), and a pool of worker processes that run
 * them side by side.
 *
 * The pool is the manager/worker shape of the MPI design on one machine: the
 * calling process forks N workers, hands each one run at a time over a pipe (run times
 * differ by orders of magnitude, so nothing is divided up in advance), reads each result
 * back over another pipe and passes it to the caller, which is the only writer of the
 * store. A worker builds everything per run (the library keeps no global state), so a
 * result depends on the run only, not on the worker or the order. A worker that dies (a
 * crash, a kill) fails its run with the signal's name and is replaced. */
#ifndef AIF_CLI_SWEEP_EXEC_H
#define AIF_CLI_SWEEP_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/sweep.h"

/* The key figures of a run that a sweep keeps, as `run --json` names them (docs/sweep.md). */
#define SWEEP_METRIC_COUNT 30
extern const char *const sweep_metric_names[SWEEP_METRIC_COUNT];

#define SWEEP_ERROR_MAX 480

/* The key series of a run that a sweep keeps for its fan charts (docs/sweep.md "The
 * report"): sampled at the end of each calendar month of the run (each `step` months past
 * SWEEP_SERIES_POINTS months, so a run of any length fits), the last point at the run's
 * end. */
#define SWEEP_SERIES_COUNT  6
#define SWEEP_SERIES_POINTS 480
extern const char *const sweep_series_names[SWEEP_SERIES_COUNT];
extern const char *const sweep_series_units[SWEEP_SERIES_COUNT];

typedef struct sweep_series {
    uint32_t points;                   /* 0 when the run failed */
    int32_t days[SWEEP_SERIES_POINTS]; /* each point's date, days since 1970-01-01 */
    double v[SWEEP_SERIES_COUNT][SWEEP_SERIES_POINTS];
} sweep_series;

/* What one run gave: its figures and series, or its first error as one line. The whole
 * struct travels as bytes between processes (pipes, MPI), so it holds no pointers. */
typedef struct sweep_outcome {
    size_t index;
    bool ok;
    double wall_s; /* the run's own seconds (scenario, engine, figures) */
    double values[SWEEP_METRIC_COUNT];
    char error[SWEEP_ERROR_MAX];
    sweep_series series;
} sweep_outcome;

/* Run `run` of `sw` here and now into *out. Never fails as a call: a run's problem
 * (bad assignment, engine error, out of memory) is out->error. */
void sweep_run_one(const aif_sweep *sw, const aif_sweep_run *run, sweep_outcome *out);

/* Called once per finished run, in the order the runs finish; returns 0 to go on, or a
 * nonzero exit code that stops the sweep (the store could not be written). */
typedef int (*sweep_on_result)(void *ctx, const sweep_outcome *o);

/* Run pending[0..n) (run indices) with `jobs` workers: in this process when jobs == 1,
 * otherwise in forked workers (min(jobs, n) of them). Returns 0, the callback's code, or 1
 * when the workers could not be started (the reason printed). */
int sweep_execute(const aif_sweep *sw, const size_t *pending, size_t n, int jobs,
                  sweep_on_result cb, void *ctx);

#endif
