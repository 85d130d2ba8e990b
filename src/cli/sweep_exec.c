/* Running a sweep's runs, here or in forked workers (see sweep_exec.h). */
#include "sweep_exec.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aifactory/fleet.h"
#include "aifactory/scenario.h"
#include "sweep_series.h"

const char *const sweep_metric_names[SWEEP_METRIC_COUNT] = {
    "peak_facility_gw",
    "peak_packages",
    "peak_dies",
    "inference_served_fraction",
    "gpu_hours_inference",
    "gpu_hours_training",
    "gpu_hours_research",
    "gpu_hours_idle",
    "gpu_hours_failed",
    "training_runs_completed",
    "training_runs_no_progress",
    "training_compute_flop",
    "research_jobs_done",
    "research_preemptions",
    "tranches_paid",
    "rofr_offers",
    "rofr_accepted",
    "procurement_orders",
    "capex_usd",
    "opex_usd",
    "power_usd",
    "energy_mwh",
    "cloud_payments_usd",
    "depreciation_usd",
    "vendor_investment_usd",
    "equity_usd",
    "warrants_usd",
    "revenue_usd",
    "revenue_share_usd",
    "cash_usd",
};

/* The figures in sweep_metric_names' order, from the engine's summary: the same values
 * `run --json` prints under those names. */
static void metrics_of(const aif_fleet_summary *s, double *v) {
    const double m[SWEEP_METRIC_COUNT] = {
        s->peak_facility_w / 1e9,
        (double)s->peak_packages,
        (double)s->peak_dies,
        s->inference_served_fraction,
        s->gpu_hours[0],
        s->gpu_hours[1],
        s->gpu_hours[2],
        s->gpu_hours[3],
        s->gpu_hours[4],
        (double)s->training_runs_completed,
        (double)s->training_runs_no_progress,
        s->frontier_compute_flop + s->research_compute_flop,
        (double)s->research_jobs_done,
        (double)s->research_preemptions,
        (double)s->tranches_paid,
        (double)s->rofr_offers,
        (double)s->rofr_accepted,
        (double)s->orders,
        s->capex_usd,
        s->opex_usd,
        s->power_usd,
        s->energy_mwh,
        s->cloud_payments_usd,
        s->depreciation_usd,
        s->vendor_investment_usd,
        s->equity_usd,
        s->warrants_usd,
        s->revenue_usd,
        s->revenue_share_usd,
        s->cash_usd,
    };
    memcpy(v, m, sizeof m);
}

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The scenario's first error as one line, and how many more there were. */
static void scenario_error(const aif_scenario *sc, aif_status st, char *out, size_t n) {
    const aif_error_list *l = aif_scenario_errors(sc);
    if (l == NULL || l->count == 0) {
        snprintf(out, n, "%s", aif_strerror(st));
        return;
    }
    size_t len = aif_error_format(aif_error_list_at(l, 0), out, n);
    if (l->count > 1 && len < n) {
        snprintf(out + len, n - len, " (and %zu more)", l->count - 1);
    }
}

void sweep_run_one(const aif_sweep *sw, const aif_sweep_run *run, sweep_outcome *out) {
    *out = (sweep_outcome){.index = run->index};
    double t0 = wall_now();
    aif_scenario *sc = NULL;
    aif_fleet *f = NULL;
    aif_status st = aif_scenario_create(NULL, &sc);
    for (size_t i = 0; st == AIF_OK && i < run->set_count; i++) {
        st = aif_scenario_set(sc, run->sets[i]);
        if (st != AIF_OK) {
            snprintf(out->error, sizeof out->error,
                     "--set:%zu: error: expected KEY=VALUE, found '%s'", i + 1, run->sets[i]);
        }
    }
    if (st == AIF_OK) {
        const char *path = aif_sweep_scenario_path(sw);
        size_t len = 0;
        const char *text = aif_sweep_scenario_text(sw, &len);
        st = path ? aif_scenario_load_string(sc, path, text, len) : aif_scenario_load_default(sc);
        if (st != AIF_OK) {
            scenario_error(sc, st, out->error, sizeof out->error);
        }
    }
    aif_fleet_input in;
    if (st == AIF_OK) {
        aif_fleet_input_from_scenario(sc, &in);
        aif_error err = {0};
        st = aif_fleet_create(NULL, &in, &f, &err);
        if (st != AIF_OK) {
            aif_error_format(&err, out->error, sizeof out->error);
            if (out->error[0] == '\0') {
                snprintf(out->error, sizeof out->error, "%s", aif_strerror(st));
            }
        }
    }
    if (st == AIF_OK) {
        st = aif_fleet_run(f, NULL, NULL);
        if (st != AIF_OK) {
            snprintf(out->error, sizeof out->error, "simulation failed: %s", aif_strerror(st));
        }
    }
    if (st == AIF_OK) {
        metrics_of(aif_fleet_summary_get(f), out->values);
        sweep_series_of(f, &in.simulation, &out->series);
        out->ok = true;
    } else if (out->error[0] == '\0') {
        snprintf(out->error, sizeof out->error, "%s", aif_strerror(st));
    }
    aif_fleet_destroy(f);
    aif_scenario_destroy(sc);
    out->wall_s = wall_now() - t0;
}

/* ---- the pool ---- */

typedef struct worker {
    pid_t pid;
    int task_fd;   /* manager -> worker: run indices */
    int result_fd; /* worker -> manager: sweep_outcome */
    bool busy;
    size_t run; /* the run it holds while busy */
} worker;

static bool write_all(int fd, const void *p, size_t n) {
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        b += w;
        n -= (size_t)w;
    }
    return true;
}

/* Bytes read: n, or fewer at end of file or on an error. */
static size_t read_all(int fd, void *p, size_t n) {
    char *b = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
    }
    return got;
}

/* The worker's life: run what it is handed until the manager closes the pipe. */
static void worker_main(const aif_sweep *sw, int task_fd, int result_fd) {
    /* Ctrl-C reaches the whole process group: a worker just ends (its run was not stored),
     * and must not run the manager's clean-up handlers. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    size_t idx;
    while (read_all(task_fd, &idx, sizeof idx) == sizeof idx) {
        sweep_outcome o;
        sweep_run_one(sw, aif_sweep_run_at(sw, idx), &o);
        if (!write_all(result_fd, &o, sizeof o)) {
            break;
        }
    }
    _exit(0);
}

static void close_fd(int *fd) {
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* A worker keeps only stdio and its two pipes. The manager's other descriptors (the
 * folder's lock, the store) are not its to hold: an inherited lock descriptor would keep
 * the folder locked after the manager died, until the worker ended too. */
static void close_inherited(int keep_a, int keep_b) {
    long max = sysconf(_SC_OPEN_MAX);
    int top = max > 0 && max < 65536 ? (int)max : 65536;
    for (int fd = 3; fd < top; fd++) {
        if (fd != keep_a && fd != keep_b) {
            close(fd);
        }
    }
}

static bool spawn(const aif_sweep *sw, worker *workers, int count, int w) {
    int task[2], result[2];
    if (pipe(task) != 0) {
        return false;
    }
    if (pipe(result) != 0) {
        close(task[0]);
        close(task[1]);
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(task[0]);
        close(task[1]);
        close(result[0]);
        close(result[1]);
        return false;
    }
    if (pid == 0) {
        /* The other workers' pipes are not this worker's: holding them would keep their
         * ends open after the manager closes them. */
        for (int i = 0; i < count; i++) {
            if (i != w) {
                close_fd(&workers[i].task_fd);
                close_fd(&workers[i].result_fd);
            }
        }
        close(task[1]);
        close(result[0]);
        close_inherited(task[0], result[1]);
        worker_main(sw, task[0], result[1]);
    }
    close(task[0]);
    close(result[1]);
    workers[w] = (worker){.pid = pid, .task_fd = task[1], .result_fd = result[0]};
    return true;
}

/* Reap worker w and describe how it ended. */
static void reap(worker *w, char *why, size_t n) {
    int status = 0;
    close_fd(&w->task_fd);
    close_fd(&w->result_fd);
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        snprintf(why, n, "the worker running it ended by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else {
        snprintf(why, n, "the worker running it exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    w->pid = 0;
}

static int pool_run(const aif_sweep *sw, const size_t *pending, size_t n, int jobs,
                    sweep_on_result cb, void *ctx) {
    int count = (size_t)jobs < n ? jobs : (int)n;
    worker *workers = calloc((size_t)count, sizeof *workers);
    struct pollfd *fds = calloc((size_t)count, sizeof *fds);
    if (workers == NULL || fds == NULL) {
        free(workers);
        free(fds);
        fprintf(stderr, "aifactory sweep: out of memory\n");
        return 1;
    }
    for (int i = 0; i < count; i++) {
        workers[i].task_fd = workers[i].result_fd = -1;
    }
    /* A worker that died makes writes to its pipe raise SIGPIPE: an error return instead. */
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    int rc = 0;
    size_t next = 0, done = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        if (!spawn(sw, workers, count, i)) {
            fprintf(stderr, "aifactory sweep: cannot start a worker: %s\n", strerror(errno));
            rc = 1;
        }
    }
    while (rc == 0 && done < n) {
        int live = 0;
        for (int i = 0; i < count; i++) {
            worker *w = &workers[i];
            if (w->pid > 0 && !w->busy && next < n) {
                size_t run = pending[next];
                w->run = run;
                if (!write_all(w->task_fd, &run, sizeof run)) {
                    /* It died between two runs: no run lost, replace it and hand the run
                     * to the new one. */
                    char why[SWEEP_ERROR_MAX];
                    reap(w, why, sizeof why);
                    if (!spawn(sw, workers, count, i) || !write_all(w->task_fd, &run, sizeof run)) {
                        fprintf(stderr, "aifactory sweep: cannot start a worker: %s\n",
                                strerror(errno));
                        rc = 1;
                        break;
                    }
                }
                w->run = run; /* spawn reset the slot */
                w->busy = true;
                next++;
            }
            if (w->pid > 0 && !w->busy) {
                close_fd(&w->task_fd); /* nothing left to hand out: let it end */
            }
            fds[i] = (struct pollfd){.fd = w->busy ? w->result_fd : -1, .events = POLLIN};
            live += w->busy;
        }
        if (rc != 0) {
            break;
        }
        if (live == 0) {
            break;
        }
        if (poll(fds, (nfds_t)count, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "aifactory sweep: waiting for the workers: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        for (int i = 0; i < count && rc == 0; i++) {
            worker *w = &workers[i];
            if (!w->busy || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            sweep_outcome o;
            if (read_all(w->result_fd, &o, sizeof o) != sizeof o || o.index != w->run) {
                o = (sweep_outcome){.index = w->run};
                reap(w, o.error, sizeof o.error);
                if (next < n && !spawn(sw, workers, count, i)) {
                    fprintf(stderr, "aifactory sweep: cannot start a worker: %s\n",
                            strerror(errno));
                    rc = 1;
                }
            }
            w->busy = false;
            done++;
            int c = cb(ctx, &o);
            rc = rc ? rc : c;
        }
    }
    for (int i = 0; i < count; i++) {
        if (workers[i].pid > 0) {
            if (rc != 0) {
                kill(workers[i].pid, SIGTERM);
            }
            char why[SWEEP_ERROR_MAX];
            reap(&workers[i], why, sizeof why);
        }
    }
    signal(SIGPIPE, old_pipe);
    free(workers);
    free(fds);
    return rc;
}

int sweep_execute(const aif_sweep *sw, const size_t *pending, size_t n, int jobs,
                  sweep_on_result cb, void *ctx) {
    if (jobs > 1 && n > 1) {
        return pool_run(sw, pending, n, jobs, cb, ctx);
    }
    for (size_t i = 0; i < n; i++) {
        sweep_outcome o;
        sweep_run_one(sw, aif_sweep_run_at(sw, pending[i]), &o);
        int rc = cb(ctx, &o);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}
