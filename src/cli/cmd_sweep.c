/* `aifactory sweep FILE`: many runs of one scenario with values varied by a design
 * (docs/sweep.md). Reads and checks the sweep file (every error as file:line:col, exit 2),
 * plans the runs, runs the missing ones (here, in -j N forked workers, or under mpirun in
 * the other ranks: sweep_mpi.h) and stores each run with its key figures in
 * DIR/sweep.sqlite as it finishes, then writes DIR/report.html (sweep_html.h) and prints
 * the analysis (mean, percentiles and rank correlations) as a table or, with --json, as one
 * object.
 *
 * The folder: a new sweep publishes DIR whole, as `run -o` does (outdir.h), holding the
 * store with the sweep and no runs yet; then, under DIR's lock, each finished run is added
 * in its own transaction. So DIR always holds a consistent store, a kill loses at most the
 * runs in flight, and `--resume` reopens the store under the lock and runs only what is
 * not there. With --db URL the runs go to a PostgreSQL database instead (sweep_db.h),
 * through the same store calls. Exit 0 when every run succeeded, 1 when a run failed (all
 * others are still run and stored) or on a runtime failure, 2 for a usage or input error. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aifactory/outdir.h"
#include "aifactory/sweep.h"
#include "aifactory/sweep_store.h"
#include "args.h"
#include "cli.h"
#include "cli_errors.h"
#include "cli_outdir.h"
#include "interrupt.h"
#include "sweep_db.h"
#include "sweep_exec.h"
#include "sweep_mpi.h"
#include "sweep_report.h"

/* More workers than this gains nothing on any one machine, and bounds the descriptors. */
#define SWEEP_MAX_JOBS 256

typedef struct sweep_args {
    cli_common common;
    int32_t jobs;
    const char *out;
    bool resume;
    const char *db;
} sweep_args;

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "jobs",
     .short_name = 'j',
     .value_name = "N",
     .help = "run N simulations at a time, in worker processes (default 1: in this one)",
     .set = cli_set_int32,
     .offset = offsetof(sweep_args, jobs),
     .range = {1, SWEEP_MAX_JOBS, false, false}},
    {.name = "out",
     .alias = "output",
     .short_name = 'o',
     .value_name = "DIR",
     .help = "output folder (sweep.sqlite, report.html); default "
             "./aifactory-out/<sweep>-<UTC time>/; with --db, the folder of report.html "
             "alone (none without -o)",
     .set = cli_set_path,
     .offset = offsetof(sweep_args, out)},
    {.name = "resume",
     .help = "keep the runs already stored in DIR (or the --db) and run only the missing ones",
     .set = cli_set_flag,
     .offset = offsetof(sweep_args, resume)},
    {.name = "db",
     .value_name = "URL",
     .help = "store the runs in this PostgreSQL database (postgresql://[user@][host][:port]"
             "[/dbname][?param=value...]), shared by any number of sweeps, instead of DIR",
     .set = cli_set_text,
     .offset = offsetof(sweep_args, db)},
};

static const cli_verb_spec spec = {
    .name = "sweep",
    .usage = "FILE [options]",
    .description = "Run a scenario many times with values varied by a grid, random draws or a "
                   "Latin\nhypercube, store every run's key figures and series, and report "
                   "their\npercentiles and rank correlations with the varied values; -o DIR "
                   "also gets\nreport.html: fan charts of the key series, a tornado chart per "
                   "output and the\ntable of runs (docs/sweep.md).\n"
                   "A parameter is `values: [...]` (a grid), a distribution (`uniform`, "
                   "`normal`,\n`lognormal`, `triangular`), or the entry `catalog: ranges`, which "
                   "draws every\nsourced catalog value with a low/high range from "
                   "triangular(low, default, high)\n(`catalog: {draw: ranges, only: [PREFIX...]}` "
                   "for some of them; random or lhs\ndesigns only).\n"
                   "Under `mpirun -np N aifactory sweep FILE` (N >= 2), rank 0 hands the runs "
                   "one\nat a time to the other ranks and alone writes the store (-j is for a "
                   "sweep\nwithout mpirun).\n",
    /* Examples only of what runs without a launcher: golden.help_examples_run runs each. */
    .examples = "aifactory sweep tests/data/sweeps/grid.yaml -j 2 -o grid-sweep\n"
                "aifactory sweep tests/data/sweeps/grid.yaml -o grid-sweep --resume --json\n"
                "aifactory sweep tests/data/sweeps/catalog-ranges.yaml -j 2 -o ranges-sweep\n",
    .options = options,
    .option_count = CLI_COUNT(options),
    .max_positional = 1,
};

typedef struct sweep_ctx {
    const aif_sweep *sw;
    aif_sweep_store *store;
    int64_t id;
    size_t finished, total;
    bool progress;
} sweep_ctx;

/* The manager's one write per run, signals deferred so a Ctrl-C ends the sweep between
 * two runs' transactions (SQLite's journal would undo a torn one anyway). */
static int on_result(void *p, const sweep_outcome *o) {
    sweep_ctx *c = p;
    aif_sweep_store_series series[SWEEP_SERIES_COUNT];
    for (size_t i = 0; i < SWEEP_SERIES_COUNT; i++) {
        series[i] = (aif_sweep_store_series){.name = sweep_series_names[i],
                                             .unit = sweep_series_units[i],
                                             .n = o->series.points,
                                             .days = o->series.days,
                                             .values = o->series.v[i]};
    }
    aif_sweep_store_result res = {.ok = o->ok,
                                  .error = o->error,
                                  .wall_s = o->wall_s,
                                  .names = sweep_metric_names,
                                  .values = o->values,
                                  .count = o->ok ? SWEEP_METRIC_COUNT : 0,
                                  .series = series,
                                  .series_count =
                                      o->ok && o->series.points ? SWEEP_SERIES_COUNT : 0};
    aif_error err = {0};
    sigset_t saved;
    cli_signals_defer(&saved);
    aif_status st =
        aif_sweep_store_put(c->store, c->id, c->sw, aif_sweep_run_at(c->sw, o->index), &res, &err);
    cli_signals_restore(&saved);
    if (st != AIF_OK) {
        cli_print_error("sweep", &err, st);
        return CLI_EXIT_FAILURE;
    }
    c->finished++;
    if (c->progress) {
        fprintf(stderr, "\raifactory sweep: %zu/%zu runs", c->finished, c->total);
        if (c->finished == c->total) {
            fputc('\n', stderr);
        }
    }
    return 0;
}

static void store_path(const char *dir, char *out, size_t n) {
    snprintf(out, n, "%s/sweep.sqlite", dir);
}

/* A new sweep: DIR published whole with the store holding the sweep and no runs. */
static int publish_empty(const aif_sweep *sw, const char *file, const char *dir) {
    aif_outdir od;
    int rc = cli_outdir_begin("sweep", &od, dir);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    char path[AIF_OUTDIR_PATH_MAX + 16];
    store_path(od.tmp, path, sizeof path);
    aif_sweep_store *st = NULL;
    aif_error err = {0};
    int64_t id = 0;
    aif_status s = aif_sweep_store_open(NULL, path, true, &st, &err);
    if (s == AIF_OK) {
        s = aif_sweep_store_sweep(st, sw, file, true, &id, NULL, &err);
    }
    aif_sweep_store_close(st);
    if (s != AIF_OK) {
        cli_print_error("sweep", &err, s);
        cli_outdir_abort(&od);
        return CLI_EXIT_FAILURE;
    }
    sigset_t saved;
    cli_signals_defer(&saved);
    rc = cli_outdir_commit("sweep", &od);
    cli_signals_restore(&saved);
    return rc;
}

/* Take DIR's lock and open its store; for a resume, find this sweep in it. */
static int open_store(const aif_sweep *sw, const char *file, const char *dir, aif_outdir *lock,
                      aif_sweep_store **st, int64_t *id) {
    aif_error err = {0};
    aif_status s = aif_outdir_lock(lock, dir, &err);
    if (s != AIF_OK) {
        cli_print_error("sweep", &err, s);
        return s == AIF_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    char path[AIF_OUTDIR_PATH_MAX + 16];
    store_path(dir, path, sizeof path);
    s = aif_sweep_store_open(NULL, path, false, st, &err);
    bool other = false;
    if (s == AIF_OK) {
        s = aif_sweep_store_sweep(*st, sw, file, false, id, &other, &err);
        if (s == AIF_ENOTFOUND && !other) {
            s = aif_sweep_store_sweep(*st, sw, file, true, id, NULL, &err);
        }
    }
    if (s == AIF_ENOTFOUND) {
        fprintf(stderr,
                "aifactory sweep: %s holds the runs of another sweep (a different file, scenario "
                "or seed); run without --resume to start over, or choose another -o\n",
                dir);
        return CLI_EXIT_USAGE;
    }
    if (s != AIF_OK) {
        cli_print_error("sweep", &err, s);
        return s == AIF_EPARSE ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* A --db sweep's report folder, holding report.html alone, published whole (as `run -o`). */
typedef struct report_page {
    aif_outdir od;
    bool published;
} report_page;

static int publish_page(void *ctx) {
    report_page *p = ctx;
    sigset_t saved;
    cli_signals_defer(&saved);
    int rc = cli_outdir_commit("sweep", &p->od);
    cli_signals_restore(&saved);
    p->published = rc == CLI_EXIT_OK;
    return rc;
}

static void default_dir(const char *file, char *out, size_t n) {
    const char *slash = strrchr(file, '/');
    const char *base = slash ? slash + 1 : file;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char name[65];
    size_t k = 0;
    for (size_t i = 0; i < len && k < 64; i++) {
        char c = base[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || (k > 0 && (c == '.' || c == '-'));
        if (keep) {
            name[k++] = c;
        }
    }
    name[k] = '\0';
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(out, n, "aifactory-out/%s-%s", k ? name : "sweep", stamp);
}

static int load_sweep(const char *file, aif_sweep **out) {
    aif_sweep *sw = NULL;
    if (aif_sweep_create(NULL, &sw) != AIF_OK) {
        fprintf(stderr, "aifactory sweep: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    aif_status st = aif_sweep_load_file(sw, file);
    if (st != AIF_OK) {
        if (cli_print_error_list("sweep", aif_sweep_errors(sw)) == 0) {
            fprintf(stderr, "aifactory sweep: %s\n", aif_strerror(st));
        }
        aif_sweep_destroy(sw);
        return st == AIF_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    *out = sw;
    return CLI_EXIT_OK;
}

static int sweep_main(const sweep_args *a, sweep_mpi *mpi) {
    const char *file = a->common.positional[0];
    if (file == NULL) {
        return cli_usage_error(&spec, "expected a sweep FILE");
    }
    if (mpi->size > 0 && a->jobs > 1) {
        return cli_usage_error(&spec, "-j starts workers on this machine; under mpirun the "
                                      "workers are ranks 1..N-1 (choose them with -np)");
    }
    if (a->resume && a->out == NULL && a->db == NULL) {
        return cli_usage_error(&spec, "--resume needs -o DIR, the folder of the sweep to resume "
                                      "(or --db URL)");
    }
    aif_sweep *sw = NULL;
    int rc = load_sweep(file, &sw);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    char dir[AIF_OUTDIR_PATH_MAX];
    if (a->out) {
        snprintf(dir, sizeof dir, "%s", a->out);
    } else {
        default_dir(file, dir, sizeof dir);
    }
    char path[AIF_OUTDIR_PATH_MAX + 16];
    store_path(dir, path, sizeof path);
    aif_outdir lock = {0};
    report_page page = {0}; /* a --db sweep's report folder, published at the end */
    bool page_open = false;
    aif_sweep_store *st = NULL;
    int64_t id = 0;
    if (a->db && a->out) {
        /* Claimed before the runs, so a folder aifactory may not replace is refused now
         * rather than after them. */
        rc = cli_outdir_begin("sweep", &page.od, dir);
        page_open = rc == CLI_EXIT_OK;
    }
    if (a->db) {
        if (rc == CLI_EXIT_OK) {
            rc = sweep_db_open(sw, file, a->db, &st, &id);
        }
        aif_sweep_store_url_shown(a->db, path, sizeof path); /* where the runs are */
    } else {
        /* --resume of a folder with no store yet starts the sweep, as a first run would. */
        if (!a->resume || access(path, F_OK) != 0) {
            rc = publish_empty(sw, file, dir);
        }
        if (rc == CLI_EXIT_OK) {
            rc = open_store(sw, file, dir, &lock, &st, &id);
        }
    }
    size_t n = aif_sweep_run_count(sw), pending_n = 0;
    unsigned char *done = rc == CLI_EXIT_OK ? calloc(n, 1) : NULL;
    size_t *pending = rc == CLI_EXIT_OK ? calloc(n, sizeof *pending) : NULL;
    if (rc == CLI_EXIT_OK && (done == NULL || pending == NULL)) {
        fprintf(stderr, "aifactory sweep: out of memory\n");
        rc = CLI_EXIT_FAILURE;
    }
    if (rc == CLI_EXIT_OK) {
        aif_error err = {0};
        /* A database keeps a sweep's runs across invocations: only --resume keeps them. */
        aif_status s = a->db && !a->resume ? AIF_OK : aif_sweep_store_done(st, id, sw, done, &err);
        if (s != AIF_OK) {
            cli_print_error("sweep", &err, s);
            rc = CLI_EXIT_FAILURE;
        }
    }
    if (rc == CLI_EXIT_OK) {
        for (size_t i = 0; i < n; i++) {
            if (!done[i]) {
                pending[pending_n++] = i;
            }
        }
        sweep_ctx ctx = {.sw = sw,
                         .store = st,
                         .id = id,
                         .total = pending_n,
                         .progress = !a->common.quiet &&
                                     (a->common.progress == 1 ||
                                      (a->common.progress == 0 && isatty(STDERR_FILENO)))};
        rc = mpi->size > 0 ? sweep_mpi_execute(mpi, file, sw, pending, pending_n, on_result, &ctx)
                           : sweep_execute(sw, pending, pending_n, a->jobs > 0 ? a->jobs : 1,
                                           on_result, &ctx);
    }
    size_t failed = 0;
    if (rc == CLI_EXIT_OK) {
        sweep_report_where where = {.db = a->db ? path : NULL,
                                    .out_dir = a->db && !a->out ? NULL : dir,
                                    .html_dir = page_open ? page.od.tmp
                                                : a->db   ? NULL
                                                          : dir,
                                    .publish = page_open ? publish_page : NULL,
                                    .publish_ctx = &page};
        rc = sweep_report(sw, st, id, file, &where, a->common.json, a->common.quiet, &failed);
    }
    if (rc == CLI_EXIT_OK && failed > 0) {
        fprintf(stderr, "aifactory sweep: %zu of %zu runs failed (their errors are in %s)\n",
                failed, n, path);
        rc = CLI_EXIT_FAILURE;
    }
    aif_sweep_store_close(st);
    aif_outdir_abort(&lock);
    if (page_open && !page.published) {
        cli_outdir_abort(&page.od);
    }
    free(done);
    free(pending);
    aif_sweep_destroy(sw);
    return rc;
}

/* Under mpirun, rank 0 is this verb as always (it alone reads the arguments and prints);
 * every other rank is a worker that waits for the sweep file's path (sweep_mpi.h). */
int cmd_sweep(int argc, char **argv) {
    sweep_mpi mpi;
    int rc = sweep_mpi_begin(&mpi);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (mpi.rank > 0) {
        rc = sweep_mpi_worker(&mpi);
    } else {
        sweep_args a = {.jobs = 1};
        rc = cli_parse(&spec, argc, argv, &a);
        rc = rc != CLI_EXIT_OK ? cli_parse_exit(rc) : sweep_main(&a, &mpi);
    }
    sweep_mpi_end(&mpi);
    return rc;
}
