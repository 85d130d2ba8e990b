/* The bridge from a bound scenario (scenario.h) to the fleet engine's input (fleet.h): the
 * engine reads the scenario's typed sections directly, so this only borrows them and adds
 * the engine options the scenario schema does not carry yet. */
#include <math.h>

#include "aifactory/scenario.h"

aif_status aif_fleet_input_from_scenario(const aif_scenario *s, aif_fleet_input *out) {
    if (s == NULL || out == NULL || aif_scenario_simulation_get(s) == NULL) {
        return AIF_EINVAL;
    }
    aif_fleet_input in = {
        .name = aif_scenario_name(s),
        .catalog = aif_scenario_catalog(s),
        .simulation = *aif_scenario_simulation_get(s),
        .providers = aif_scenario_provider_at(s, 0),
        .provider_count = aif_scenario_provider_count(s),
        .sites = aif_scenario_site_at(s, 0),
        .site_count = aif_scenario_site_count(s),
        .contracts = *aif_scenario_contracts_get(s),
        .investments = *aif_scenario_investments_get(s),
        .inference = *aif_scenario_inference_get(s),
        .training = *aif_scenario_training_get(s),
        .failures = *aif_scenario_failures_get(s),
        .economics = *aif_scenario_economics_get(s),
    };
    aif_fleet_options_default(&in.options);
    /* Procurement beyond the sites is the scenario's choice: off unless it gives a cap,
     * which bounds the number of blocks ordered. */
    const aif_scenario_procurement *p = &in.contracts.procurement;
    in.options.max_orders = 0;
    if (p->enabled && p->block_w > 0) {
        double blocks = floor(p->cap_w / p->block_w * (1.0 + 1e-9));
        in.options.max_orders = blocks < 1e6 ? (int)blocks : 1000000;
        in.options.procure_block_w = p->block_w;
        in.options.procure_system_id = p->system_id;
        in.options.procure_threshold = p->threshold;
    }
    *out = in;
    return AIF_OK;
}
