/* Scenario templates for `aifactory init`: commented scenario files compiled into the
 * library, each of which validates and runs as it is. "full" is the built-in default
 * scenario (openai-nvidia-10gw); "single-site" one owned campus; "cloud-only" rented
 * capacity under a commitment (data/templates/). */
#ifndef AIFACTORY_TEMPLATES_H
#define AIFACTORY_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aif_scenario_template {
    const char *name;    /* "single-site" */
    const char *summary; /* one line */
    const char *text;    /* the YAML, NUL-terminated */
    size_t len;
} aif_scenario_template;

/* Number of templates; the first is the default. */
size_t aif_scenario_template_count(void);

/* The i-th template into *out; false (and *out zeroed) outside 0..count-1. */
bool aif_scenario_template_get(size_t i, aif_scenario_template *out);

/* The template of this name into *out; false when there is none. */
bool aif_scenario_template_find(const char *name, aif_scenario_template *out);

#endif
