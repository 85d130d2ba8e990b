/* Progress of long runs, for people watching a terminal.
 *
 * On a TTY: one line on the output stream, redrawn in place at most 10 times a second,
 * with the simulated date, % done, events/s and the ETA. Not on a TTY: nothing in `auto`
 * mode (pipes and log files stay clean), or a plain log line every `log_interval_s` in
 * `always` mode. `never` prints nothing. The caller (normally the simulation's observer
 * hook, every N events) calls aif_progress_update(); the clock is read only there, so the
 * simulation loop itself never touches it. */
#ifndef AIFACTORY_PROGRESS_H
#define AIFACTORY_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "aifactory/status.h"
#include "aifactory/time.h"

typedef enum aif_progress_mode {
    AIF_PROGRESS_AUTO,   /* live line on a TTY, nothing otherwise */
    AIF_PROGRESS_ALWAYS, /* live line on a TTY, periodic log lines otherwise */
    AIF_PROGRESS_NEVER,
} aif_progress_mode;

/* "auto", "always" or "never"; anything else is AIF_EINVAL. */
aif_status aif_progress_mode_parse(const char *text, aif_progress_mode *out);

/* A monotonic clock in seconds; injectable so tests control time. */
typedef double (*aif_clock_fn)(void *ctx);

/* Seconds from CLOCK_MONOTONIC (the default clock). */
double aif_clock_monotonic(void *ctx);

typedef struct aif_progress_config {
    FILE *out; /* where to draw (stderr in the CLI); NULL draws nothing */
    aif_progress_mode mode;
    int is_tty;               /* 1 or 0; -1 asks isatty() about `out` */
    const char *label;        /* shown first, e.g. "run"; NULL for none */
    aif_date start;           /* the calendar date of simulated time 0 */
    aif_time end;             /* simulated end, for % and ETA; <= 0 if unknown */
    double redraw_interval_s; /* TTY: least time between redraws; 0 picks 0.1 */
    double log_interval_s;    /* not a TTY: time between log lines; 0 picks 10 */
    aif_clock_fn clock;       /* NULL picks aif_clock_monotonic */
    void *clock_ctx;
} aif_progress_config;

/* The reporter's state. A small value type: fields are private to progress.c. */
typedef struct aif_progress {
    aif_progress_config cfg;
    bool enabled;
    bool live;         /* redraw one line in place (TTY) rather than log lines */
    bool line_visible; /* a live line is on screen and must be cleared at the end */
    double started_s;
    double last_draw_s;
    uint64_t draws;
} aif_progress;

/* Set up `p` from `cfg` (copied; `label` must outlive `p`). Reads the clock once. */
void aif_progress_init(aif_progress *p, const aif_progress_config *cfg);

/* Report that simulated time `now` was reached after `events` events. Draws only when the
 * redraw or log interval has passed. Cost: one clock read, plus formatting when drawing. */
void aif_progress_update(aif_progress *p, aif_time now, uint64_t events);

/* The run ended: clear the live line (the summary follows on a clean screen), or write a
 * last log line in `always` mode off a TTY. */
void aif_progress_finish(aif_progress *p, aif_time now, uint64_t events);

/* How many times a line was drawn (for tests and diagnostics). */
uint64_t aif_progress_draws(const aif_progress *p);

#endif
