/* Names of the scenario's enums (scenario_types.h), as the scenario file spells them. */
#include "aifactory/scenario_types.h"

const char *aif_provider_kind_name(aif_provider_kind k) {
    static const char *const names[] = {"own", "cloud", "partner"};
    return (unsigned)k < AIF_PROVIDER_KIND_COUNT ? names[k] : "unknown";
}

const char *aif_rofr_rule_name(aif_rofr_rule r) {
    static const char *const names[] = {"always", "never", "probability", "price_at_most"};
    return (unsigned)r < AIF_ROFR_RULE_COUNT ? names[r] : "unknown";
}

const char *aif_latency_class_name(aif_latency_class c) {
    static const char *const names[] = {"server", "interactive", "offline"};
    return (unsigned)c < AIF_LATENCY_CLASS_COUNT ? names[c] : "unknown";
}
