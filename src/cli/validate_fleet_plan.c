/* `validate fleet` rows from the planner's counts (no simulation): how many packages a
 * power buys and the power a GPU count needs, each against a public figure
 * (docs/validate.md; sources in docs/sources.md). */
#include <math.h>
#include <stdlib.h>

#include "validate_fleet.h"

static const vf_anchor gb200_packages = {.name = "plan.gb200_nvl72_10gw_packages",
                                         .unit = "M packages",
                                         .reference = 4.5, /* 4-5 M */
                                         .kind = VF_RELATIVE,
                                         .tolerance = 0.5 / 4.5,
                                         .source = "Huang: 10 GW = 4-5 M GPUs (Sep 2025)"};

static const vf_anchor rubin_packages = {.name = "plan.vr_nvl144_10gw_packages",
                                         .unit = "M packages",
                                         .reference = 2.65, /* 2.4-2.9 M */
                                         .kind = VF_RELATIVE,
                                         .tolerance = 0.25 / 2.65,
                                         .source =
                                             "190-230 kW per 72-package rack, +10% IT, PUE 1.2"};

static const vf_anchor h100_facility = {.name = "plan.hgx_h100_100k_facility_mw",
                                        .unit = "MW",
                                        .reference = 150,
                                        .kind = VF_RELATIVE,
                                        .tolerance = 0.15,
                                        .source = "xAI Colossus: 100k H100 in ~150 MW (2024)"};

void vf_rows_plan(const vf_context *ctx, vf_table *t) {
    /* The plan result holds a table of assumptions (several kB): one heap block. */
    aif_plan_result *r = malloc(sizeof *r);
    const char *oom = "out of memory";
    if (r != NULL && vf_plan(ctx, "gb200-nvl72", AIF_PLAN_FACILITY_POWER, 10e9, r)) {
        vf_check(t, &gb200_packages, r->packages / 1e6);
    } else {
        vf_miss(t, &gb200_packages, "plan failed: %s", r ? r->error.message : oom);
    }
    if (r != NULL && vf_plan(ctx, "vr-nvl144", AIF_PLAN_FACILITY_POWER, 10e9, r)) {
        vf_check(t, &rubin_packages, r->packages / 1e6);
    } else {
        vf_miss(t, &rubin_packages, "plan failed: %s", r ? r->error.message : oom);
    }
    if (r != NULL && vf_plan(ctx, "hgx-h100", AIF_PLAN_GPUS, 100000, r)) {
        vf_check(t, &h100_facility, r->facility_mw);
    } else {
        vf_miss(t, &h100_facility, "plan failed: %s", r ? r->error.message : oom);
    }
    free(r);
}
