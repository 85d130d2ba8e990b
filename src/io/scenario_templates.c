/* The scenario templates compiled into the library (see templates.h). */
#include "aifactory/templates.h"

#include <string.h>

#include "aifactory/scenario.h"
#include "templates_data.h"

enum { TEMPLATE_COUNT = 3 };

static const char *const names[TEMPLATE_COUNT] = {"full", "single-site", "cloud-only"};
static const char *const summaries[TEMPLATE_COUNT] = {
    "the built-in 10 GW build-out: own, partner and cloud sites, contracts, money",
    "one owned 1 GW campus serving a chat product and training one model",
    "rented capacity from two clouds under a take-or-pay commitment, serving an API",
};

size_t aif_scenario_template_count(void) {
    return TEMPLATE_COUNT;
}

bool aif_scenario_template_get(size_t i, aif_scenario_template *out) {
    *out = (aif_scenario_template){0};
    if (i >= TEMPLATE_COUNT) {
        return false;
    }
    out->name = names[i];
    out->summary = summaries[i];
    switch (i) {
    case 0:
        out->text = aif_scenario_default_yaml(&out->len);
        break;
    case 1:
        out->text = aif__template_single_site_yaml;
        out->len = aif__template_single_site_yaml_len;
        break;
    default:
        out->text = aif__template_cloud_only_yaml;
        out->len = aif__template_cloud_only_yaml_len;
        break;
    }
    return true;
}

bool aif_scenario_template_find(const char *name, aif_scenario_template *out) {
    for (size_t i = 0; i < TEMPLATE_COUNT; i++) {
        if (name != NULL && strcmp(names[i], name) == 0) {
            return aif_scenario_template_get(i, out);
        }
    }
    *out = (aif_scenario_template){0};
    return false;
}
