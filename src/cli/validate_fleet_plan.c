/* `validate fleet` rows from the planner alone (no simulation): how many packages a power
 * buys, the power a GPU count needs, and what a gigawatt costs, each against a public
 * figure (docs/validate.md; sources in docs/sources.md). */
#include <math.h>
#include <stdlib.h>

#include "aifactory/plan.h"
#include "validate_fleet.h"

/* A single-system plan with the catalog's defaults; false (and `why` in r->error) when the
 * planner refuses it. */
static bool plan_one(const vf_context *ctx, const char *system, aif_plan_basis basis, double amount,
                     aif_plan_result *r) {
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.basis = basis;
    in.amount = amount;
    return aif_plan_input_add(&in, system, NAN) == AIF_OK &&
           aif_plan_compute(ctx->catalog, &in, r) == AIF_OK;
}

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

static const vf_anchor capex_nvidia = {.name = "capex.gb200_nvl72_per_gw",
                                       .unit = "USD B/GW",
                                       .reference = 55, /* 50-60 */
                                       .kind = VF_RELATIVE,
                                       .tolerance = 5.0 / 55.0,
                                       .source = "Nvidia FQ2 FY26 call: $50-60B per GW (Aug 2025)"};

static const vf_anchor capex_openai = {.name = "capex.openai_30gw_1.4t_per_gw",
                                       .unit = "USD B/GW",
                                       .reference = 1400.0 / 30.0,
                                       .kind = VF_RELATIVE,
                                       .tolerance = 0.20,
                                       .source = "OpenAI: ~30 GW for ~$1.4T (Oct 2025)"};

void vf_rows_plan(const vf_context *ctx, vf_table *t) {
    /* The plan result holds a table of assumptions (several kB): one heap block. */
    aif_plan_result *r = malloc(sizeof *r);
    const char *oom = "out of memory";
    if (r != NULL && plan_one(ctx, "gb200-nvl72", AIF_PLAN_FACILITY_POWER, 10e9, r)) {
        vf_check(t, &gb200_packages, r->packages / 1e6);
    } else {
        vf_miss(t, &gb200_packages, "plan failed: %s", r ? r->error.message : oom);
    }
    if (r != NULL && plan_one(ctx, "vr-nvl144", AIF_PLAN_FACILITY_POWER, 10e9, r)) {
        vf_check(t, &rubin_packages, r->packages / 1e6);
    } else {
        vf_miss(t, &rubin_packages, "plan failed: %s", r ? r->error.message : oom);
    }
    if (r != NULL && plan_one(ctx, "hgx-h100", AIF_PLAN_GPUS, 100000, r)) {
        vf_check(t, &h100_facility, r->facility_mw);
    } else {
        vf_miss(t, &h100_facility, "plan failed: %s", r ? r->error.message : oom);
    }
    if (r != NULL && plan_one(ctx, "gb200-nvl72", AIF_PLAN_FACILITY_POWER, 1e9, r)) {
        vf_check(t, &capex_nvidia, r->capex_usd / 1e9);
        vf_check(t, &capex_openai, r->capex_usd / 1e9);
    } else {
        vf_miss(t, &capex_nvidia, "plan failed: %s", r ? r->error.message : oom);
        vf_miss(t, &capex_openai, "plan failed: %s", r ? r->error.message : oom);
    }
    free(r);
}
