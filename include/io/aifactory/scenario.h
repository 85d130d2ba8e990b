/* Scenarios: the typed, validated form of a scenario file (docs/scenario.md), the input of
 * `aifactory run` and `aifactory validate`.
 *
 * A scenario file (YAML or JSON, `aifactory: 1`) describes the simulated period, catalog
 * overrides, providers, sites and their build-out, contracts, investments, demand,
 * failures and economics. The binder reads it with libfyaml, applies `--set` overrides to
 * the document tree, then checks every value (units through units.h and time.h, ranges,
 * unknown keys with a nearest-key suggestion, cross-references against the catalog and
 * between sections) and collects every problem with its file:line:col in one pass. On
 * success the structs below are complete: defaults are filled in, every time is an
 * aif_time relative to midnight UTC of simulation.start (t = 0), every reference is
 * resolved to an index, and the arrays are sorted as documented. Everything a scenario
 * owns lives in one arena and in its catalog, and is freed by aif_scenario_destroy; all
 * pointers handed out stay valid until then. Units are in the field names (_w, _usd, _s,
 * ...); an aif_time field is a date (relative to t = 0) when its name says `at`, `from`,
 * `to`, `start` or `deadline`, and a duration otherwise. The section types themselves
 * are the model's (scenario_types.h); this header is the reader that fills them. */
#ifndef AIFACTORY_SCENARIO_H
#define AIFACTORY_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/catalog.h"
#include "aifactory/error.h"
#include "aifactory/fleet.h"
#include "aifactory/scenario_types.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

/* The only scenario format version this library reads (`aifactory: 1`). */
#define AIF_SCENARIO_VERSION 1

/* ---- the scenario ---- */
typedef struct aif_scenario aif_scenario;

/* Create an empty, unloaded scenario. Memory comes from `a` (NULL: system allocator).
 * Errors: AIF_EINVAL (out NULL), AIF_ENOMEM. Cost O(1). */
aif_status aif_scenario_create(const aif_allocator *a, aif_scenario **out);

/* Free the scenario, its arena and the catalog it owns (not one given to
 * aif_scenario_use_catalog). NULL is a no-op. */
void aif_scenario_destroy(aif_scenario *s);

/* Record an override "path.to.key=value" applied to the document before binding, by every
 * later load. Path components are mapping keys or sequence indices ("sites.0.phases.1.
 * power=2GW"); missing mapping keys are created; indices must exist. The text is copied.
 * Call before loading; overrides accumulate. Errors: AIF_EINVAL (NULL arguments, no '=',
 * empty path or component), AIF_ESTATE (already loaded), AIF_ENOMEM. Cost O(length). */
aif_status aif_scenario_set(aif_scenario *s, const char *assignment);

/* Bind later loads against `base` instead of loading the default catalog: a file without a
 * `catalog:` section reads `base` itself, and one with a section merges it over a copy
 * (aif_catalog_copy), so `base` is never changed and one catalog, loaded once, serves many
 * scenarios. With the default catalog as `base` a load gives what it gives without this
 * call, errors included. `base` is borrowed: it must outlive the scenario and not be
 * merged into while the scenario lives. Errors: AIF_EINVAL (NULL arguments), AIF_ESTATE
 * (already loaded). Cost O(1). */
aif_status aif_scenario_use_catalog(aif_scenario *s, const aif_catalog *base);

/* Bind scenario `text` of `len` bytes; `name` labels errors (copied) and its directory is
 * the base for relative paths inside the file. Loads the default catalog (or takes the one
 * given to aif_scenario_use_catalog) and merges the file's `catalog:` section first. All
 * errors are collected (see aif_scenario_errors). Errors: AIF_EINVAL (NULL arguments),
 * AIF_ESTATE (already loaded), AIF_EPARSE (malformed input or any schema/validation
 * error), AIF_ENOMEM. After an error the scenario may only be queried for errors and
 * destroyed. Cost O(size of text + catalog); with a base catalog, O(size of text + catalog
 * section + entries) and no catalog parsing when there is no section. */
aif_status aif_scenario_load_string(aif_scenario *s, const char *name, const char *text,
                                    size_t len);

/* Read `path` and bind it as above. Errors: also AIF_EIO (unreadable file; one error entry
 * naming it). */
aif_status aif_scenario_load_file(aif_scenario *s, const char *path);

/* Bind the default scenario compiled into the library (openai-nvidia-10gw). */
aif_status aif_scenario_load_default(aif_scenario *s);

/* The embedded default scenario text (NUL-terminated), its length in *len (may be NULL),
 * and its name ("openai-nvidia-10gw"). */
const char *aif_scenario_default_yaml(size_t *len);
const char *aif_scenario_default_name(void);

/* Errors of the last load, in document order (overrides first), each printed as
 * "file:line:col: error: message". For a value that came from an override, file is
 * "--set", line is the override's 1-based position in the list given to aif_scenario_set,
 * and col points into its "path=value" text. line/col are 0 when unknown (a file that
 * cannot be read). NULL for a NULL scenario. The list lives in the scenario. O(1). */
const aif_error_list *aif_scenario_errors(const aif_scenario *s);

/* Accessors of a loaded scenario (NULL / zeroed data before a successful load). O(1).
 * `name` is the file's `name:` key, or the file name without directory and extension. */
const char *aif_scenario_name(const aif_scenario *s);
const char *aif_scenario_description(const aif_scenario *s); /* NULL when none */
const aif_catalog *aif_scenario_catalog(const aif_scenario *s);
const aif_scenario_simulation *aif_scenario_simulation_get(const aif_scenario *s);
size_t aif_scenario_provider_count(const aif_scenario *s);
const aif_scenario_provider *aif_scenario_provider_at(const aif_scenario *s, size_t i);
size_t aif_scenario_site_count(const aif_scenario *s);
const aif_scenario_site *aif_scenario_site_at(const aif_scenario *s, size_t i);
const aif_scenario_contracts *aif_scenario_contracts_get(const aif_scenario *s);
const aif_scenario_investments *aif_scenario_investments_get(const aif_scenario *s);
const aif_scenario_inference *aif_scenario_inference_get(const aif_scenario *s);
const aif_scenario_training *aif_scenario_training_get(const aif_scenario *s);
const aif_scenario_failures *aif_scenario_failures_get(const aif_scenario *s);
const aif_scenario_economics *aif_scenario_economics_get(const aif_scenario *s);

/* Fill `out` from a loaded scenario: its name, catalog and every section (the pointers are
 * borrowed from `s`, so the scenario must outlive the fleet) and the default engine options
 * (aif_fleet_options_default). Errors: AIF_EINVAL (NULL argument or a scenario that is not
 * loaded); *out untouched on error. O(1). */
aif_status aif_fleet_input_from_scenario(const aif_scenario *s, aif_fleet_input *out);

/* Index of the provider / site with this id, or AIF_SCENARIO_NONE. O(count). */
size_t aif_scenario_provider_find(const aif_scenario *s, const char *id);
size_t aif_scenario_site_find(const aif_scenario *s, const char *id);

/* Weekly active users at time t (points interpolated linearly and held constant beyond the
 * ends, or the logistic curve); 0 without inference demand. O(log points). */
double aif_scenario_wau_at(const aif_scenario *s, aif_time t);

#endif
