/* `aifactory validate fleet`: the fleet model held against public anchors, one row per
 * anchor (model value, reference, error, tolerance, source, ok). Rows come from groups:
 * each group is one function that computes its model values and adds its rows to the
 * table with vf_check (or vf_miss when the value cannot be computed, so the row is shown
 * and fails). A new group is a function in its own file, declared here and listed in
 * validate_fleet.c's `groups`; docs/validate.md lists the rows and their sources. */
#ifndef AIF_CLI_VALIDATE_FLEET_H
#define AIF_CLI_VALIDATE_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "aifactory/catalog.h"
#include "aifactory/error.h"
#include "aifactory/fleet.h"
#include "aifactory/plan.h"

#define VF_MAX_ROWS 64

/* How a row's error is measured and held against its tolerance. */
typedef enum vf_kind {
    VF_RELATIVE, /* error = model / reference - 1; ok when |error| <= tolerance */
    VF_ABSOLUTE  /* error = model - reference (e.g. percentage points); same test */
} vf_kind;

/* A public anchor: what the model is compared with. Strings are static. */
typedef struct vf_anchor {
    const char *name; /* short id, e.g. "plan.gb200_10gw_packages" */
    const char *unit; /* of model and reference, e.g. "packages", "USD B/GW", "%" */
    double reference; /* a band's midpoint when the source gives a range */
    vf_kind kind;
    double tolerance;   /* relative fraction (VF_RELATIVE) or in `unit` (VF_ABSOLUTE) */
    const char *source; /* short citation; the URL is in docs/sources.md */
} vf_anchor;

typedef struct vf_row {
    vf_anchor anchor;
    double model; /* NAN when it could not be computed */
    double error; /* NAN when model is NAN */
    bool ok;
    char why[160]; /* why the model value is missing; "" otherwise */
} vf_row;

typedef struct vf_table {
    vf_row rows[VF_MAX_ROWS];
    size_t count;
} vf_table;

/* What a group may use. The run is the default scenario (with validate's --set
 * overrides) simulated in process; `fleet` is NULL when it could not be built or run, and
 * `run_error` then says why, so each run-based row shows as a miss with that reason. */
typedef struct vf_context {
    const aif_catalog *catalog;   /* the default catalog */
    const aif_fleet_input *input; /* the scenario's inputs; NULL when it did not bind */
    const aif_fleet *fleet;       /* the finished run, or NULL */
    const char *run_error;        /* why `fleet` is NULL */
} vf_context;

/* Add a row for `anchor` with the model's value. A full table drops the row (the table is
 * sized for every group). */
void vf_check(vf_table *t, const vf_anchor *anchor, double model);

/* Add a row that fails because its model value could not be computed (`why`, printf). */
void vf_miss(vf_table *t, const vf_anchor *anchor, const char *why, ...) AIF_PRINTF_LIKE(3, 4);

/* A single-system plan with the catalog's defaults into `r`; false when the planner
 * refuses it (the reason in r->error.message). */
bool vf_plan(const vf_context *ctx, const char *system, aif_plan_basis basis, double amount,
             aif_plan_result *r);

/* The groups. Each adds its rows (never fewer rows on failure: a value that cannot be
 * computed is a failing row). */
void vf_rows_plan(const vf_context *ctx, vf_table *t);     /* validate_fleet_plan.c */
void vf_rows_capex(const vf_context *ctx, vf_table *t);    /* validate_fleet_capex.c */
void vf_rows_failures(const vf_context *ctx, vf_table *t); /* validate_fleet_run.c */
void vf_rows_run(const vf_context *ctx, vf_table *t);      /* validate_fleet_run.c */

/* Every group's rows, in order. */
void vf_collect(const vf_context *ctx, vf_table *t);

/* True when every row passes (and there is at least one row). */
bool vf_all_ok(const vf_table *t);

/* The table as text (name, model, reference, error, tolerance, ok, source) or as one JSON
 * object {"rows": [...], "all_ok": bool}. Return a CLI exit code of the printing (0, or 1
 * when stdout failed). */
int vf_print_text(const vf_table *t);
int vf_print_json(const vf_table *t);

#endif
