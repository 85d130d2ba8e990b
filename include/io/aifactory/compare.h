/* Comparing two runs: the key outputs of each side with their difference and ratio, and the
 * contract events that differ, read from two results stores (results.h). A store is a
 * run folder's results.sqlite opened read-only, or an in-memory store a scenario was just
 * recorded into, so the comparison never reruns a saved run and treats both kinds alike.
 *
 * The outputs are the run's metrics (the numbers of summary.json and `run --json`, in the
 * first side's order, then any only the second has), followed by figures derived from the
 * stored tables: the shares of GPU-hours by use, the facility online at the end, the
 * frontier runs finished and how long each took, and the training-run failures and the
 * work they cost. A number one side lacks is NaN there, and its difference and ratio are
 * NaN; a ratio with a zero denominator is NaN too. Every output has a unit; a count has
 * "count" and a share "fraction".
 *
 * Contract events (kinds offer, tranche, warrant, equity, trigger, rofr_end) are matched
 * in two passes: first an event with the same kind, subject, calendar moment and detail
 * on both sides is the same event and drops out; then what is left is paired by kind and
 * subject in time order (a tranche paid a month later, an offer accepted in one run and
 * declined in the other) as "changed"; the rest are only in A or only in B. Times are
 * compared on the calendar: a side that starts later has its events shifted by the gap,
 * so two runs with different start dates line up.
 *
 * Memory: everything comes from the caller's allocator and lives until
 * aif_compare_destroy. */
#ifndef AIFACTORY_COMPARE_H
#define AIFACTORY_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/error.h"
#include "aifactory/report.h"
#include "aifactory/results.h"
#include "aifactory/status.h"

typedef struct aif_compare aif_compare;

/* The sides of a comparison. */
typedef enum aif_compare_side { AIF_COMPARE_A = 0, AIF_COMPARE_B = 1 } aif_compare_side;

/* What one side is: its first run's row and calendar start. */
typedef struct aif_compare_run {
    const char *name, *kind, *aifactory_version;
    int64_t seed;
    double sim_start_s, sim_end_s;
    const char *start_date; /* "YYYY-MM-DD", or NULL when the run has no calendar start */
} aif_compare_run;

/* One key output. */
typedef struct aif_compare_output {
    const char *name; /* the metric's name (e.g. "capex_usd") or a derived figure's */
    const char *unit; /* never empty */
    double a, b;      /* NaN: that side has no such output */
    double diff;      /* b - a; NaN when either is */
    double ratio;     /* b / a; NaN when either is, or a is 0 */
} aif_compare_output;

/* One contract event of one side. */
typedef struct aif_compare_event {
    double time_s;    /* simulated seconds since its own run's start */
    char date[24];    /* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" when not at midnight; "" when
                         the run has no calendar start */
    const char *kind; /* "offer", "tranche", ... */
    const char *subject;
    const char *detail_json; /* JSON text, or NULL */
} aif_compare_event;

/* An event both sides have, on different dates or with a different detail. */
typedef struct aif_compare_change {
    aif_compare_event a, b;
    double shift_days; /* B's calendar moment minus A's, in days */
} aif_compare_change;

/* Compare the first run of `a` with the first run of `b` (neither is modified; the same
 * store twice is allowed and compares equal). On success *out owns the result.
 * Errors: AIF_EINVAL (NULL argument), AIF_ENOTFOUND (a store with no run), AIF_ENOMEM,
 * AIF_EIO (a read failed); the reason goes to `err` (may be NULL).
 * Cost: one pass over each run's metrics, by_year, frontier_runs and contract events, and
 * one aggregate over its failure events: milliseconds for the default scenario. */
aif_status aif_compare_create(const aif_allocator *al, aif_results *a, aif_results *b,
                              aif_compare **out, aif_error *err);

/* The side's run. */
const aif_compare_run *aif_compare_run_info(const aif_compare *c, aif_compare_side side);

/* The outputs, in order. */
size_t aif_compare_output_count(const aif_compare *c);
const aif_compare_output *aif_compare_output_at(const aif_compare *c, size_t i);

/* The named output, or NULL. */
const aif_compare_output *aif_compare_output_find(const aif_compare *c, const char *name);

/* Contract events only on one side, in time order. */
size_t aif_compare_only_count(const aif_compare *c, aif_compare_side side);
const aif_compare_event *aif_compare_only_at(const aif_compare *c, aif_compare_side side, size_t i);

/* Events on both sides that differ in date or detail, in A's time order. */
size_t aif_compare_changed_count(const aif_compare *c);
const aif_compare_change *aif_compare_changed_at(const aif_compare *c, size_t i);

/* The seconds to add to a B time to put it on A's calendar (0 when either side has no
 * calendar start, or both start on the same day). */
double aif_compare_b_offset_s(const aif_compare *c);

/* Write the comparison's HTML report to `path`, atomically: the page of report.h with the
 * key outputs as a table (A, B, B - A, B / A), the differing contract events as a table,
 * both runs' contract events on one strip, and every chart of either run with the two
 * runs' series drawn over each other ("A · name", "B · name"; B on A's calendar).
 * `ra` and `rb` are the stores `c` was made from; they are only read. `opt` may be NULL.
 * Errors: AIF_EINVAL, AIF_ENOTFOUND, AIF_ENOMEM, AIF_EIO, AIF_EPARSE (text that is not
 * UTF-8); the reason is in aif_results_error(ra) (or rb's, for a failure reading B).
 * Cost: building both runs' report data (report.h) and one page. */
aif_status aif_compare_report_write(const aif_compare *c, aif_results *ra, aif_results *rb,
                                    const char *path, const aif_report_options *opt);

/* Free everything. NULL is a no-op. */
void aif_compare_destroy(aif_compare *c);

#endif
