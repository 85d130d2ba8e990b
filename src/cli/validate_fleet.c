/* The table of `validate fleet` (validate_fleet.h): rows added by the groups, each error
 * measured against its tolerance, printed as text or JSON. The groups themselves live in
 * validate_fleet_<group>.c. */
#include "validate_fleet.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include <jansson.h>

#include "args.h"
#include "json_out.h"

void vf_check(vf_table *t, const vf_anchor *anchor, double model) {
    if (t->count >= VF_MAX_ROWS) {
        return;
    }
    vf_row *r = &t->rows[t->count++];
    *r = (vf_row){.anchor = *anchor, .model = model, .error = NAN};
    if (!isfinite(model)) {
        snprintf(r->why, sizeof r->why, "the model gave no finite value");
        return;
    }
    r->error =
        anchor->kind == VF_RELATIVE ? model / anchor->reference - 1.0 : model - anchor->reference;
    /* A hair of slack so that a value exactly on the tolerance passes whatever the
     * rounding of the division. */
    r->ok = fabs(r->error) <= anchor->tolerance * (1.0 + 1e-12);
}

void vf_miss(vf_table *t, const vf_anchor *anchor, const char *why, ...) {
    if (t->count >= VF_MAX_ROWS) {
        return;
    }
    vf_row *r = &t->rows[t->count++];
    *r = (vf_row){.anchor = *anchor, .model = NAN, .error = NAN};
    va_list ap;
    va_start(ap, why);
    vsnprintf(r->why, sizeof r->why, why, ap);
    va_end(ap);
}

bool vf_plan(const vf_context *ctx, const char *system, aif_plan_basis basis, double amount,
             aif_plan_result *r) {
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.basis = basis;
    in.amount = amount;
    return aif_plan_input_add(&in, system, NAN) == AIF_OK &&
           aif_plan_compute(ctx->catalog, &in, r) == AIF_OK;
}

typedef void (*vf_group)(const vf_context *ctx, vf_table *t);

/* In the order they print. A group computed from a simulated run goes after the planner's. */
static const vf_group groups[] = {vf_rows_plan, vf_rows_capex, vf_rows_failures, vf_rows_run};

void vf_collect(const vf_context *ctx, vf_table *t) {
    t->count = 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        groups[i](ctx, t);
    }
}

bool vf_all_ok(const vf_table *t) {
    bool ok = t->count > 0;
    for (size_t i = 0; i < t->count; i++) {
        ok = ok && t->rows[i].ok;
    }
    return ok;
}

/* "12.3 %" for a relative error or tolerance, "+1.2" in the row's unit otherwise. */
static void format_error(const vf_row *r, double v, bool sign, char *buf, size_t n) {
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
    } else if (r->anchor.kind == VF_RELATIVE) {
        snprintf(buf, n, sign ? "%+.1f%%" : "%.1f%%", 100 * v);
    } else {
        snprintf(buf, n, sign ? "%+.2f" : "%.2f", v);
    }
}

int vf_print_text(const vf_table *t) {
    size_t passed = 0;
    printf("%-34s %10s %10s %8s %7s %-4s %-18s %s\n", "row", "model", "reference", "error", "tol",
           "ok", "unit", "source");
    for (size_t i = 0; i < t->count; i++) {
        const vf_row *r = &t->rows[i];
        char err[32], tol[32], model[32];
        format_error(r, r->error, true, err, sizeof err);
        format_error(r, r->anchor.tolerance, false, tol, sizeof tol);
        if (isfinite(r->model)) {
            snprintf(model, sizeof model, "%.4g", r->model);
        } else {
            snprintf(model, sizeof model, "-");
        }
        printf("%-34s %10s %10.4g %8s %7s %-4s %-18s %s\n", r->anchor.name, model,
               r->anchor.reference, err, tol, r->ok ? "ok" : "MISS", r->anchor.unit,
               r->anchor.source);
        if (r->why[0]) {
            printf("  %s\n", r->why);
        }
        passed += r->ok;
    }
    printf("\n%zu of %zu rows within tolerance%s\n", passed, t->count,
           vf_all_ok(t) ? "" : " (exit 1)");
    return CLI_EXIT_OK;
}

static json_t *number_or_null(double v, int digits) {
    return isfinite(v) ? cli_json_g(v, digits) : json_null();
}

int vf_print_json(const vf_table *t) {
    json_t *rows = json_array();
    for (size_t i = 0; i < t->count; i++) {
        const vf_row *r = &t->rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(r->anchor.name));
        json_object_set_new(o, "model", number_or_null(r->model, 6));
        json_object_set_new(o, "reference", cli_json_g(r->anchor.reference, 6));
        json_object_set_new(o, "error",
                            isfinite(r->error) ? cli_json_fixed(r->error, 4) : json_null());
        json_object_set_new(o, "error_kind",
                            json_string(r->anchor.kind == VF_RELATIVE ? "relative" : "absolute"));
        json_object_set_new(o, "tolerance", cli_json_g(r->anchor.tolerance, 6));
        json_object_set_new(o, "unit", json_string(r->anchor.unit));
        json_object_set_new(o, "source", json_string(r->anchor.source));
        json_object_set_new(o, "ok", json_boolean(r->ok));
        if (r->why[0]) {
            json_object_set_new(o, "why", json_string(r->why));
        }
        json_array_append_new(rows, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "rows", rows);
    json_object_set_new(root, "all_ok", json_boolean(vf_all_ok(t)));
    return cli_json_print("validate", root,
                          JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
}
