/* A sweep's manager and workers over MPI (see sweep_mpi.h). */
#include "sweep_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

/* Started by an MPI launcher: Open MPI's mpirun (OMPI_COMM_WORLD_SIZE) or a PMIx one. */
static bool launched_by_mpi(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL;
}

#ifndef AIF_WITH_MPI

/* The rank the launcher gave this process, from its environment (0 when it gave none). */
static int launcher_rank(void) {
    const char *r = getenv("OMPI_COMM_WORLD_RANK");
    if (r == NULL) {
        r = getenv("PMIX_RANK");
    }
    return r ? atoi(r) : 0;
}

int sweep_mpi_begin(sweep_mpi *m) {
    *m = (sweep_mpi){0};
    if (!launched_by_mpi()) {
        return CLI_EXIT_OK;
    }
    if (launcher_rank() == 0) {
        fprintf(stderr, "aifactory sweep: started by mpirun, but this aifactory was built without "
                        "MPI (AIF_WITH_MPI=OFF); rebuild it with Open MPI's development files, "
                        "or run it without mpirun (-j N)\n");
    }
    return CLI_EXIT_USAGE;
}

int sweep_mpi_worker(const sweep_mpi *m) {
    (void)m;
    return CLI_EXIT_OK;
}

int sweep_mpi_execute(sweep_mpi *m, const char *file, const aif_sweep *sw, const size_t *pending,
                      size_t n, sweep_on_result cb, void *ctx) {
    (void)m;
    (void)file;
    return sweep_execute(sw, pending, n, 1, cb, ctx);
}

void sweep_mpi_end(sweep_mpi *m) {
    (void)m;
}

#else

#include <mpi.h>
#include <stdint.h>
#include <time.h>

/* Every MPI call below runs under MPI_ERRORS_ARE_FATAL (the default handler on
 * MPI_COMM_WORLD): an MPI failure ends the whole job with MPI's own message, so the
 * calls' return codes are not checked one by one. A worker that dies ends the job the
 * same way (mpirun's default); the runs stored so far stay, and --resume runs the rest. */

/* Longest sweep file path handed to the workers, NUL included: Linux's PATH_MAX, so a
 * path the manager could open always fits. */
#define SWEEP_MPI_PATH_MAX 4096

/* Manager -> worker. */
enum { TAG_LOAD = 1, TAG_RUN, TAG_STOP };
/* Worker -> manager. */
enum { TAG_READY = 11, TAG_REFUSED, TAG_RESULT };

/* Everything a worker sends, whatever the tag: its host, the hash of the sweep it loaded
 * (READY), a run's outcome (RESULT) or why it cannot load the sweep (REFUSED: in
 * outcome.error). The same binary runs every rank, so the bytes are sent as they are. */
typedef struct worker_report {
    char host[MPI_MAX_PROCESSOR_NAME];
    char hash[17];
    sweep_outcome outcome;
} worker_report;

/* Wait for a message from `source` (or any) without spinning: Open MPI's blocking calls
 * poll at full speed, and a manager that spent a core waiting would slow the workers
 * sharing its machine. Each probe drives Open MPI's progress (system calls), so the sleeps
 * between probes grow from 10 us up to `cap_ns`: a message waits at most about cap_ns. */
static void wait_message(int source, long cap_ns, MPI_Status *st) {
    long sleep_ns = 10000;
    for (;;) {
        int ready = 0;
        MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &ready, st);
        if (ready) {
            return;
        }
        struct timespec ts = {0, sleep_ns < cap_ns ? sleep_ns : cap_ns};
        nanosleep(&ts, NULL);
        sleep_ns = sleep_ns < cap_ns ? sleep_ns * 2 : cap_ns;
    }
}

/* A worker waits only between two runs (the manager answers at once) and at the start. */
#define WORKER_WAIT_CAP_NS 1000000L

/* The manager's longest sleep between probes: 1% of the mean run time so far (a run then
 * waits at most about 1% of its time to be collected and replaced), within 50 us..10 ms;
 * 1 ms before any run has finished. Long runs then cost the manager few wake-ups. */
static long manager_wait_cap_ns(double wall_sum, size_t runs) {
    if (runs == 0) {
        return 1000000L;
    }
    double cap = wall_sum / (double)runs * 1e9 / 100.0;
    return cap < 50000.0 ? 50000L : cap > 10000000.0 ? 10000000L : (long)cap;
}

int sweep_mpi_begin(sweep_mpi *m) {
    *m = (sweep_mpi){0};
    if (!launched_by_mpi()) {
        return CLI_EXIT_OK;
    }
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
    if (m->size < 2) {
        fprintf(stderr, "aifactory sweep: mpirun started 1 rank, and under MPI rank 0 only hands "
                        "out the runs: start 2 or more (-np N), or run without mpirun (-j N)\n");
        MPI_Finalize();
        *m = (sweep_mpi){0};
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static void report_to_manager(int tag, worker_report *r) {
    MPI_Send(r, (int)sizeof *r, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
}

/* After the manager's TAG_LOAD: load the sweep, or say why not. NULL when it cannot. */
static aif_sweep *worker_load(const char *path, worker_report *r) {
    aif_sweep *sw = NULL;
    aif_status st = aif_sweep_create(NULL, &sw);
    if (st == AIF_OK) {
        st = aif_sweep_load_file(sw, path);
    }
    if (st == AIF_OK) {
        snprintf(r->hash, sizeof r->hash, "%s", aif_sweep_hash(sw));
        report_to_manager(TAG_READY, r);
        return sw;
    }
    const aif_error_list *l = sw ? aif_sweep_errors(sw) : NULL;
    if (l != NULL && l->count > 0) {
        aif_error_format(aif_error_list_at(l, 0), r->outcome.error, sizeof r->outcome.error);
    } else {
        snprintf(r->outcome.error, sizeof r->outcome.error, "%s: %s", path, aif_strerror(st));
    }
    aif_sweep_destroy(sw);
    report_to_manager(TAG_REFUSED, r);
    return NULL;
}

int sweep_mpi_worker(const sweep_mpi *m) {
    (void)m;
    worker_report *r = calloc(1, sizeof *r);
    if (r == NULL) {
        fprintf(stderr, "aifactory sweep: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_FAILURE);
        return CLI_EXIT_FAILURE;
    }
    int len = 0;
    MPI_Get_processor_name(r->host, &len);
    aif_sweep *sw = NULL;
    char path[SWEEP_MPI_PATH_MAX + 1];
    for (;;) {
        MPI_Status st;
        wait_message(0, WORKER_WAIT_CAP_NS, &st);
        if (st.MPI_TAG == TAG_LOAD) {
            MPI_Recv(path, SWEEP_MPI_PATH_MAX, MPI_CHAR, 0, TAG_LOAD, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            path[SWEEP_MPI_PATH_MAX] = '\0';
            sw = worker_load(path, r);
        } else if (st.MPI_TAG == TAG_RUN) {
            uint64_t idx = 0;
            MPI_Recv(&idx, 1, MPI_UINT64_T, 0, TAG_RUN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (sw != NULL && idx < aif_sweep_run_count(sw)) {
                sweep_run_one(sw, aif_sweep_run_at(sw, (size_t)idx), &r->outcome);
            } else {
                r->outcome = (sweep_outcome){.index = (size_t)idx};
                snprintf(r->outcome.error, sizeof r->outcome.error,
                         "the worker was handed run %llu, which its sweep does not have",
                         (unsigned long long)idx);
            }
            report_to_manager(TAG_RESULT, r);
        } else {
            MPI_Recv(NULL, 0, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            break; /* TAG_STOP */
        }
    }
    aif_sweep_destroy(sw);
    free(r);
    return CLI_EXIT_OK;
}

typedef struct rank_state {
    bool busy, stopped;
    size_t run; /* the run it holds while busy */
} rank_state;

static void send_stop(int rank) {
    MPI_Send(NULL, 0, MPI_BYTE, rank, TAG_STOP, MPI_COMM_WORLD);
}

/* What a worker's report says about the sweep: 0 to go on, 1 when it cannot take part
 * (the reason printed). */
static int check_report(int tag, int rank, const worker_report *r, const char *file,
                        const aif_sweep *sw, rank_state *s) {
    if (tag == TAG_REFUSED) {
        fprintf(stderr, "aifactory sweep: rank %d (%s) cannot load %s: %s\n", rank, r->host, file,
                r->outcome.error);
        return 1;
    }
    if (tag == TAG_READY && strcmp(r->hash, aif_sweep_hash(sw)) != 0) {
        fprintf(stderr,
                "aifactory sweep: rank %d (%s) read %s as another sweep (hash %s, not %s): "
                "every rank must see the same sweep and scenario files\n",
                rank, r->host, file, r->hash, aif_sweep_hash(sw));
        return 1;
    }
    if (tag == TAG_RESULT && (!s->busy || r->outcome.index != s->run)) {
        fprintf(stderr,
                "aifactory sweep: rank %d (%s) sent the result of run %zu, not of the run "
                "it was handed\n",
                rank, r->host, r->outcome.index);
        return 1;
    }
    return 0;
}

int sweep_mpi_execute(sweep_mpi *m, const char *file, const aif_sweep *sw, const size_t *pending,
                      size_t n, sweep_on_result cb, void *ctx) {
    if (n == 0) {
        return 0; /* sweep_mpi_end tells the workers */
    }
    rank_state *ranks = calloc((size_t)m->size, sizeof *ranks);
    worker_report *r = malloc(sizeof *r);
    if (ranks == NULL || r == NULL) {
        free(ranks);
        free(r);
        fprintf(stderr, "aifactory sweep: out of memory\n");
        return 1;
    }
    size_t path_len = strlen(file) + 1;
    if (path_len > SWEEP_MPI_PATH_MAX) {
        free(ranks);
        free(r);
        fprintf(stderr, "aifactory sweep: the sweep file's path is longer than %d bytes\n",
                SWEEP_MPI_PATH_MAX - 1);
        return 1;
    }
    for (int k = 1; k < m->size; k++) {
        MPI_Send(file, (int)path_len, MPI_CHAR, k, TAG_LOAD, MPI_COMM_WORLD);
    }
    m->released = true; /* from here on, this loop tells each worker to end */
    int rc = 0, live = m->size - 1;
    size_t next = 0, finished = 0;
    double wall_sum = 0.0;
    while (live > 0) {
        MPI_Status st;
        wait_message(MPI_ANY_SOURCE, manager_wait_cap_ns(wall_sum, finished), &st);
        int k = st.MPI_SOURCE, tag = st.MPI_TAG;
        MPI_Recv(r, (int)sizeof *r, MPI_BYTE, k, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        rank_state *s = &ranks[k];
        int bad = check_report(tag, k, r, file, sw, s);
        rc = rc ? rc : bad;
        if (tag == TAG_RESULT) {
            s->busy = false; /* whatever it sent, it now waits for its next message */
        }
        if (tag == TAG_RESULT && !bad) {
            wall_sum += r->outcome.wall_s;
            finished++;
            int c = cb(ctx, &r->outcome);
            if (c != 0) {
                /* The store cannot be written (the reason printed): the runs in flight
                 * could not be stored either, and they may run for hours, so end the job
                 * now rather than wait for them. Every run stored so far stays whole. */
                MPI_Abort(MPI_COMM_WORLD, c);
            }
        }
        if (rc == 0 && next < n) {
            uint64_t idx = pending[next++];
            MPI_Send(&idx, 1, MPI_UINT64_T, k, TAG_RUN, MPI_COMM_WORLD);
            s->busy = true;
            s->run = (size_t)idx;
        } else if (!s->busy && !s->stopped) {
            send_stop(k);
            s->stopped = true;
            live--;
        }
    }
    free(ranks);
    free(r);
    return rc;
}

void sweep_mpi_end(sweep_mpi *m) {
    if (m->size == 0) {
        return;
    }
    if (m->rank == 0 && !m->released) {
        for (int k = 1; k < m->size; k++) {
            send_stop(k);
        }
    }
    MPI_Finalize();
}

#endif
