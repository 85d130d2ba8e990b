/* `validate fleet` rows for capex: what 1 GW of GB200 NVL72 costs in all, how much of it
 * the systems' vendor sells, and each bill-of-materials category's share against
 * Bernstein's split of a GW (docs/validate.md; sources in docs/sources.md). */
#include <math.h>
#include <stdlib.h>

#include "validate_fleet.h"

static const vf_anchor capex_nvidia = {.name = "capex.gb200_nvl72_per_gw",
                                       .unit = "USD B/GW",
                                       .reference = 55, /* 50-60 */
                                       .kind = VF_RELATIVE,
                                       .tolerance = 5.0 / 55.0,
                                       .source = "Nvidia FQ2 FY26 call: $50-60B per GW (Aug 2025)"};

static const vf_anchor vendor_nvidia = {.name = "capex.gb200_nvl72_vendor_per_gw",
                                        .unit = "USD B/GW",
                                        .reference = 35,
                                        .kind = VF_RELATIVE,
                                        .tolerance = 0.10,
                                        .source = "Nvidia FQ2 FY26 call: ~$35B Nvidia content"};

/* OpenAI's figure averages several vendors' systems, some cheaper than Nvidia's: the
 * tolerance is the spread between it and Nvidia's midpoint (55 / 46.7 - 1 = 18%). */
static const vf_anchor capex_openai = {.name = "capex.openai_30gw_1.4t_per_gw",
                                       .unit = "USD B/GW",
                                       .reference = 1400.0 / 30.0,
                                       .kind = VF_RELATIVE,
                                       .tolerance = 0.20,
                                       .source = "OpenAI: ~30 GW for ~$1.4T (Oct 2025)"};

#define BERNSTEIN "Bernstein split of a GW (2025)"

/* Bernstein's split, in aif_capex_category order, in percentage points. The tolerance is
 * "a few points" for the large categories, the source's own range for storage (1-1.5%). */
static const vf_anchor split[AIF_CAPEX_CATEGORY_COUNT] = {
    {"capex.share.accelerators", "% of capex", 39, VF_ABSOLUTE, 5, BERNSTEIN ": GPUs 39%"},
    {"capex.share.host_cpus", "% of capex", 3, VF_ABSOLUTE, 2, BERNSTEIN ": CPUs ~3%"},
    {"capex.share.network", "% of capex", 13, VF_ABSOLUTE, 5, BERNSTEIN ": networking 13%"},
    {"capex.share.storage", "% of capex", 1.25, VF_ABSOLUTE, 0.25, BERNSTEIN ": storage 1-1.5%"},
    {"capex.share.mechanical_electrical", "% of capex", 100.0 / 3.0, VF_ABSOLUTE, 5,
     BERNSTEIN ": M&E ~1/3"},
    {"capex.share.power_distribution", "% of capex", 10, VF_ABSOLUTE, 5,
     BERNSTEIN ": power distribution ~10%"},
};

void vf_rows_capex(const vf_context *ctx, vf_table *t) {
    aif_plan_result *r = malloc(sizeof *r);
    if (r == NULL || !vf_plan(ctx, "gb200-nvl72", AIF_PLAN_FACILITY_POWER, 1e9, r)) {
        const char *why = r ? r->error.message : "out of memory";
        vf_miss(t, &capex_nvidia, "plan failed: %s", why);
        vf_miss(t, &vendor_nvidia, "plan failed: %s", why);
        vf_miss(t, &capex_openai, "plan failed: %s", why);
        for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
            vf_miss(t, &split[k], "plan failed: %s", why);
        }
        free(r);
        return;
    }
    vf_check(t, &capex_nvidia, r->capex_usd / 1e9);
    vf_check(t, &vendor_nvidia, r->capex_vendor_usd / 1e9);
    vf_check(t, &capex_openai, r->capex_usd / 1e9);
    for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
        vf_check(t, &split[k], 100 * r->capex_by_category_usd[k] / r->capex_usd);
    }
    free(r);
}
