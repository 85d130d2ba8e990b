/* `aifactory plan`: the capacity planner on the command line. It parses the options into an
 * aif_plan_input, lets the library (include/aifactory/plan.h, docs/plan.md) do all of the
 * arithmetic, and prints the result as a table with units or as one JSON object whose keys
 * carry their units and come in a fixed order. A contract mode prices a take-or-pay deal
 * (total dollars over years) against the GPUs the plan yields. Every bad input is one line
 * on stderr and exit 2. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/plan.h"
#include "aifactory/units.h"
#include "args.h"
#include "cli.h"
#include "cli_catalog.h"

enum {
    OPT_POWER = CLI_COMMON_OPTIONS,
    OPT_IT_POWER,
    OPT_GPUS,
    OPT_SYSTEM,
    OPT_MIX,
    OPT_PUE,
    OPT_OVERHEAD,
    OPT_POWER_PRICE,
    OPT_LOAD_FACTOR,
    OPT_LIFE_YEARS,
    OPT_FACILITY_LIFE,
    OPT_CAPEX_PER_MW,
    OPT_SYSTEM_PRICE,
    OPT_SYSTEM_POWER,
    OPT_POWER_CASE,
    OPT_CONTRACT_USD,
    OPT_CONTRACT_YEARS,
    OPT_CATALOG,
};

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {"power", "QTY", "facility power to fill, e.g. 10GW, '800 MW'"},
    {"it-power", "QTY", "IT power to fill (before PUE) instead of facility power"},
    {"gpus", "N", "reverse: the power and cost of N GPUs (packages), e.g. 4.5M"},
    {"system", "ID", "system to plan with (see 'aifactory catalog list')"},
    {"mix", "ID:SHARE,...", "several systems by power share, shares summing to 1"},
    {"pue", "X", "power usage effectiveness, >= 1 (default: catalog)"},
    {"overhead", "X", "non-rack IT power / rack IT power, in [0, 1] (default: catalog)"},
    {"power-price", "PRICE", "energy price, e.g. 66 or '$66/MWh' (default: catalog)"},
    {"load-factor", "X", "average draw / peak and share of hours sold, in (0, 1] (default 1)"},
    {"life-years", "N", "IT (systems) service life in years (default: catalog)"},
    {"facility-life-years", "N", "facility service life in years (default: catalog)"},
    {"capex-per-mw", "MONEY", "facility capex per facility MW, e.g. '$12M' (default: catalog)"},
    {"system-price", "[ID:]USD", "price of one system, e.g. '$3.9M' (repeatable with ID:)"},
    {"system-power", "[ID:]QTY", "IT power of one system, e.g. 140kW (repeatable with ID:)"},
    {"power-case", "CASE", "catalog system power: default, low or high end of its range"},
    {"contract-usd", "MONEY", "contract mode: total contract value, e.g. '$300B'"},
    {"contract-years", "N", "contract mode: contract length in years"},
    {"catalog", "FILE", "merge a catalog YAML file over the default (repeatable)"},
};

static const cli_verb_spec spec = {
    .name = "plan",
    .usage = "(--power QTY | --it-power QTY | --gpus N) (--system ID | --mix ID:SHARE,...) "
             "[options]",
    .description = "Capacity planner: what a given power buys (systems, packages, dies, FLOPS,\n"
                   "HBM) and what it costs, or the power a given number of GPUs needs. With\n"
                   "--contract-usd and --contract-years, also the $/GPU-hour a contract implies.\n"
                   "Formulas, defaults and their sources: docs/plan.md.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

/* A per-system override given as "[ID:]VALUE"; id is NULL when it names no system. */
typedef struct override {
    const char *id;
    size_t id_len;
    double value;
} override;

typedef struct plan_args {
    cli_common common;
    int basis_count; /* how many of --power, --it-power, --gpus were given */
    const char *basis_text;
    const char *system_id;
    const char *mix_text;
    char mix_buf[512]; /* --mix split in place; the plan borrows its ids */
    override prices[AIF_PLAN_MAX_MIX], powers[AIF_PLAN_MAX_MIX];
    int price_count, power_count;
    double contract_usd, contract_years;
    const char *files[CLI_MAX_CATALOG_FILES];
    int file_count;
    aif_plan_input in;
} plan_args;

static int parse_qty(const char *text, aif_quantity_kind kind, const char *flag, double *out) {
    aif_error err;
    if (aif_quantity_parse(text, kind, out, &err) != AIF_OK) {
        return cli_usage_error(&spec, "--%s '%s': %s", flag, text, err.message);
    }
    return CLI_EXIT_OK;
}

static int parse_number(const char *text, const char *flag, double *out) {
    char *end;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !isfinite(v)) {
        return cli_usage_error(&spec, "--%s expects a number, found '%s'", flag, text);
    }
    *out = v;
    return CLI_EXIT_OK;
}

/* Parse a plain number and check lo <(=) v <(=) hi; `lo_open`/`hi_open` make the bound
 * strict, and an infinite bound is not checked. */
static int parse_bounded(const char *text, const char *flag, double lo, bool lo_open, double hi,
                         double *out) {
    double v = NAN; /* set on success; the compiler cannot see that the error path returns */
    int rc = parse_number(text, flag, &v);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    bool ok = lo_open ? v > lo : v >= lo;
    ok = ok && (isinf(hi) || v <= hi);
    if (!ok) {
        if (isinf(hi)) {
            return cli_usage_error(&spec, "--%s must be %s %g, found '%s'", flag,
                                   lo_open ? ">" : ">=", lo, text);
        }
        return cli_usage_error(&spec, "--%s must be in %s%g, %g], found '%s'", flag,
                               lo_open ? "(" : "[", lo, hi, text);
    }
    *out = v;
    return CLI_EXIT_OK;
}

static int parse_basis(plan_args *a, int opt, const char *text) {
    static const char *const flags[] = {"power", "it-power", "gpus"};
    const char *flag = flags[opt - OPT_POWER];
    if (++a->basis_count > 1) {
        return cli_usage_error(&spec, "give only one of --power, --it-power and --gpus");
    }
    a->basis_text = text;
    double v = NAN; /* set on success; the compiler cannot see that the error path returns */
    int rc = parse_qty(text, opt == OPT_GPUS ? AIF_QTY_COUNT : AIF_QTY_POWER, flag, &v);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (opt == OPT_GPUS) {
        if (!(v >= 1) || v != floor(v)) {
            return cli_usage_error(&spec, "--gpus must be a whole number >= 1, found '%s'", text);
        }
        a->in.basis = AIF_PLAN_GPUS;
    } else {
        if (!(v > 0)) {
            return cli_usage_error(&spec, "--%s must be > 0, found '%s'", flag, text);
        }
        a->in.basis = opt == OPT_POWER ? AIF_PLAN_FACILITY_POWER : AIF_PLAN_IT_POWER;
    }
    a->in.amount = v;
    return CLI_EXIT_OK;
}

/* "[ID:]VALUE": the value is a quantity of `kind`, > 0 (power) or >= 0 (money). */
static int parse_override(override *list, int *count, const char *text, const char *flag,
                          aif_quantity_kind kind) {
    if (*count == AIF_PLAN_MAX_MIX) {
        return cli_usage_error(&spec, "at most %d --%s options", AIF_PLAN_MAX_MIX, flag);
    }
    override *o = &list[*count];
    const char *colon = strchr(text, ':');
    const char *value = colon ? colon + 1 : text;
    o->id = colon ? text : NULL;
    o->id_len = colon ? (size_t)(colon - text) : 0;
    if (colon && o->id_len == 0) {
        return cli_usage_error(&spec, "--%s expects [ID:]VALUE, found '%s'", flag, text);
    }
    int rc = parse_qty(value, kind, flag, &o->value);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    bool ok = kind == AIF_QTY_POWER ? o->value > 0 : o->value >= 0;
    if (!ok) {
        return cli_usage_error(&spec, "--%s must be %s 0, found '%s'", flag,
                               kind == AIF_QTY_POWER ? ">" : ">=", value);
    }
    (*count)++;
    return CLI_EXIT_OK;
}

/* Split "id:share,id:share" in place into the plan's parts. */
static int parse_mix(plan_args *a) {
    size_t len = strlen(a->mix_text);
    if (len >= sizeof a->mix_buf) {
        return cli_usage_error(&spec, "--mix is too long (%zu characters)", len);
    }
    memcpy(a->mix_buf, a->mix_text, len + 1);
    char *item = a->mix_buf;
    for (;;) {
        char *comma = strchr(item, ',');
        if (comma) {
            *comma = '\0';
        }
        char *colon = strchr(item, ':');
        if (colon == NULL || colon == item || colon[1] == '\0') {
            return cli_usage_error(&spec, "--mix expects ID:SHARE,..., found '%s'", a->mix_text);
        }
        *colon = '\0';
        char *end;
        double share = strtod(colon + 1, &end);
        if (*end != '\0' || !isfinite(share)) {
            return cli_usage_error(&spec, "--mix: share of '%s' must be a number, found '%s'", item,
                                   colon + 1);
        }
        for (size_t i = 0; i < a->in.part_count; i++) {
            if (strcmp(a->in.parts[i].system_id, item) == 0) {
                return cli_usage_error(&spec, "--mix lists '%s' twice", item);
            }
        }
        if (aif_plan_input_add(&a->in, item, share) != AIF_OK) {
            return cli_usage_error(&spec, "--mix takes at most %d systems", AIF_PLAN_MAX_MIX);
        }
        if (comma == NULL) {
            return CLI_EXIT_OK;
        }
        item = comma + 1;
    }
}

/* Attach --system-price / --system-power overrides to the parts they name. */
static int apply_overrides(plan_args *a, const override *list, int count, const char *flag,
                           bool price) {
    for (int k = 0; k < count; k++) {
        const override *o = &list[k];
        aif_plan_part *part = NULL;
        if (o->id == NULL) {
            if (a->in.part_count != 1) {
                return cli_usage_error(&spec,
                                       "--%s without an ID needs a single --system; "
                                       "write ID:VALUE with --mix",
                                       flag);
            }
            part = &a->in.parts[0];
        } else {
            for (size_t i = 0; i < a->in.part_count && part == NULL; i++) {
                const char *id = a->in.parts[i].system_id;
                if (strlen(id) == o->id_len && strncmp(id, o->id, o->id_len) == 0) {
                    part = &a->in.parts[i];
                }
            }
            if (part == NULL) {
                return cli_usage_error(&spec, "--%s names '%.*s', which is not in the plan", flag,
                                       (int)o->id_len, o->id);
            }
        }
        if (price) {
            part->price_usd = o->value;
        } else {
            part->it_power_kw = o->value / 1000.0;
        }
    }
    return CLI_EXIT_OK;
}

static int parse_option(plan_args *a, const cli_parser *p, int opt) {
    const char *v = p->value;
    double *nonneg = NULL;
    switch (opt) {
    case CLI_PARSE_POSITIONAL:
        return cli_usage_error(&spec, "unexpected argument '%s'", v);
    case OPT_POWER:
    case OPT_IT_POWER:
    case OPT_GPUS:
        return parse_basis(a, opt, v);
    case OPT_SYSTEM:
    case OPT_MIX:
        if (a->system_id || a->mix_text) {
            return cli_usage_error(&spec, "give one --system, or one --mix for several systems");
        }
        *(opt == OPT_SYSTEM ? &a->system_id : &a->mix_text) = v;
        return CLI_EXIT_OK;
    case OPT_PUE:
        return parse_bounded(v, "pue", 1, false, INFINITY, &a->in.pue);
    case OPT_OVERHEAD:
        return parse_bounded(v, "overhead", 0, false, 1, &a->in.overhead_fraction);
    case OPT_LOAD_FACTOR:
        return parse_bounded(v, "load-factor", 0, true, 1, &a->in.load_factor);
    case OPT_LIFE_YEARS:
        return parse_bounded(v, "life-years", 0, true, INFINITY, &a->in.it_life_years);
    case OPT_FACILITY_LIFE:
        return parse_bounded(v, "facility-life-years", 0, true, INFINITY,
                             &a->in.facility_life_years);
    case OPT_CONTRACT_YEARS:
        return parse_bounded(v, "contract-years", 0, true, INFINITY, &a->contract_years);
    case OPT_POWER_PRICE:
        nonneg = &a->in.power_price_usd_per_mwh;
        if (parse_qty(v, AIF_QTY_ENERGY_PRICE, "power-price", nonneg) != CLI_EXIT_OK) {
            return CLI_EXIT_USAGE;
        }
        break;
    case OPT_CAPEX_PER_MW:
        nonneg = &a->in.capex_usd_per_mw;
        if (parse_qty(v, AIF_QTY_MONEY, "capex-per-mw", nonneg) != CLI_EXIT_OK) {
            return CLI_EXIT_USAGE;
        }
        break;
    case OPT_CONTRACT_USD:
        nonneg = &a->contract_usd;
        if (parse_qty(v, AIF_QTY_MONEY, "contract-usd", nonneg) != CLI_EXIT_OK) {
            return CLI_EXIT_USAGE;
        }
        break;
    case OPT_SYSTEM_PRICE:
        return parse_override(a->prices, &a->price_count, v, "system-price", AIF_QTY_MONEY);
    case OPT_SYSTEM_POWER:
        return parse_override(a->powers, &a->power_count, v, "system-power", AIF_QTY_POWER);
    case OPT_POWER_CASE:
        if (strcmp(v, "default") == 0) {
            a->in.power_case = AIF_PLAN_CASE_DEFAULT;
        } else if (strcmp(v, "low") == 0) {
            a->in.power_case = AIF_PLAN_CASE_LOW;
        } else if (strcmp(v, "high") == 0) {
            a->in.power_case = AIF_PLAN_CASE_HIGH;
        } else {
            return cli_usage_error(&spec, "--power-case expects default, low or high, found '%s'",
                                   v);
        }
        return CLI_EXIT_OK;
    case OPT_CATALOG:
        if (a->file_count == CLI_MAX_CATALOG_FILES) {
            return cli_usage_error(&spec, "at most %d --catalog files", CLI_MAX_CATALOG_FILES);
        }
        a->files[a->file_count++] = v;
        return CLI_EXIT_OK;
    default:
        return cli_common_apply(&a->common, p, opt);
    }
    /* The money and price options share one check: a negative price is a typo. */
    if (!(*nonneg >= 0)) {
        return cli_usage_error(&spec, "--%s must be >= 0, found '%s'", options[opt].name, v);
    }
    return CLI_EXIT_OK;
}

/* Everything after parsing that needs the whole command line: one basis, one system or
 * mix, overrides attached, contract options paired. */
static int finish_args(plan_args *a) {
    if (a->basis_count == 0) {
        return cli_usage_error(&spec, "give --power, --it-power or --gpus");
    }
    if (a->system_id == NULL && a->mix_text == NULL) {
        return cli_usage_error(&spec, "give --system ID or --mix ID:SHARE,...");
    }
    if (a->system_id) {
        aif_plan_input_add(&a->in, a->system_id, NAN);
    } else {
        int rc = parse_mix(a);
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
    }
    int rc = apply_overrides(a, a->prices, a->price_count, "system-price", true);
    if (rc == CLI_EXIT_OK) {
        rc = apply_overrides(a, a->powers, a->power_count, "system-power", false);
    }
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (isnan(a->contract_usd) != isnan(a->contract_years)) {
        return cli_usage_error(&spec, "contract mode needs both --contract-usd and "
                                      "--contract-years");
    }
    return CLI_EXIT_OK;
}

/* A value in readable units ("10 GW", "$292 B"); the buffer lives in the returned struct. */
typedef struct qtext {
    char s[48];
} qtext;

static qtext qty(double v, aif_quantity_kind kind) {
    qtext t;
    if (aif_quantity_format(v, kind, t.s, sizeof t.s) != AIF_OK) {
        snprintf(t.s, sizeof t.s, "%.6g", v);
    }
    return t;
}

static double used_value(const aif_plan_result *r, const char *name, double fallback) {
    for (size_t i = 0; i < r->assumption_count; i++) {
        if (strcmp(r->assumptions[i].name, name) == 0) {
            return r->assumptions[i].value;
        }
    }
    return fallback;
}

static const char *basis_name(aif_plan_basis b) {
    switch (b) {
    case AIF_PLAN_IT_POWER:
        return "it_power";
    case AIF_PLAN_GPUS:
        return "gpus";
    case AIF_PLAN_FACILITY_POWER:
        break;
    }
    return "facility_power";
}

static void print_text(const plan_args *a, const aif_plan_result *r, const aif_contract_result *c) {
    const aif_plan_input *in = &a->in;
    if (in->basis == AIF_PLAN_GPUS) {
        printf("Plan for %.0f GPUs (packages)", in->amount);
    } else {
        printf("Plan for %s of %s power", qty(in->amount, AIF_QTY_POWER).s,
               in->basis == AIF_PLAN_IT_POWER ? "IT" : "facility");
    }
    printf(", PUE %g, non-rack IT overhead %g %%\n\n", used_value(r, "pue", NAN),
           100 * used_value(r, "overhead_fraction", NAN));
    printf("  %-16s %6s %10s %10s %10s %10s %10s\n", "system", "share", "kW/system", "systems",
           "packages", "dies", "IT MW");
    for (size_t i = 0; i < r->line_count; i++) {
        const aif_plan_line *l = &r->lines[i];
        printf("  %-16s %6.3f %10.4g %10.0f %10.0f %10.0f %10.2f\n", l->system->id, l->share,
               l->it_power_kw, l->systems, l->packages, l->dies, l->it_mw);
    }
    printf("\n");
    if (in->basis == AIF_PLAN_GPUS) {
        printf("  %-22s %-14s (%.6g MW drawn by the whole systems)\n", "facility power",
               qty(r->facility_mw * 1e6, AIF_QTY_POWER).s, r->facility_mw);
    } else {
        printf("  %-22s %-14s (%.6g MW; whole systems draw %.6g MW)\n", "facility power",
               qty(r->facility_mw * 1e6, AIF_QTY_POWER).s, r->facility_mw, r->facility_mw_drawn);
    }
    printf("  %-22s %-14s (%.6g MW, overhead included)\n", "IT power",
           qty(r->it_mw * 1e6, AIF_QTY_POWER).s, r->it_mw);
    printf("  %-22s %.0f\n", "racks (systems)", r->racks);
    printf("  %-22s %.0f\n", "packages (GPUs)", r->packages);
    printf("  %-22s %.0f\n", "dies", r->dies);
    if (r->extra_packages > 0) {
        printf("  %-22s %.0f (second package type, not counted as GPUs)\n", "extra packages",
               r->extra_packages);
    }
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        char label[32];
        snprintf(label, sizeof label, "peak dense %s", aif_precision_name((aif_precision)k));
        if (r->has_peak[k]) {
            printf("  %-22s %s\n", label, qty(r->peak_pflops[k] * 1e15, AIF_QTY_FLOPS).s);
        } else {
            printf("  %-22s - (not supported)\n", label);
        }
    }
    printf("  %-22s %s\n", "HBM", qty(r->hbm_tb * 1e12, AIF_QTY_BYTES).s);
    printf("  %-22s %-14s (systems %s + facility %s)\n", "capex",
           qty(r->capex_usd, AIF_QTY_MONEY).s, qty(r->capex_systems_usd, AIF_QTY_MONEY).s,
           qty(r->capex_facility_usd, AIF_QTY_MONEY).s);
    printf("  %-22s %-14s (load factor %g)\n", "energy per year",
           qty(r->energy_mwh_per_year * 1e6, AIF_QTY_ENERGY).s, used_value(r, "load_factor", NAN));
    printf("  %-22s %-14s (at %s)\n", "power cost per year",
           qty(r->power_cost_usd_per_year, AIF_QTY_MONEY).s,
           qty(used_value(r, "power_price_usd_per_mwh", NAN), AIF_QTY_ENERGY_PRICE).s);
    printf("  %-22s %s\n", "depreciation per year",
           qty(r->depreciation_usd_per_year, AIF_QTY_MONEY).s);
    printf("  %-22s %s per GPU-hour\n", "break-even price",
           qty(r->breakeven_usd_per_gpu_hour, AIF_QTY_MONEY).s);
    if (c) {
        printf("\n  %-22s %s over %g years = %s per year\n", "contract",
               qty(a->contract_usd, AIF_QTY_MONEY).s, a->contract_years,
               qty(c->usd_per_year, AIF_QTY_MONEY).s);
        printf("  %-22s %s per facility MW-year\n", "", qty(c->usd_per_mw_year, AIF_QTY_MONEY).s);
        printf("  %-22s %s per year\n", "GPU-hours sold",
               qty(c->gpu_hours_per_year, AIF_QTY_COUNT).s);
        printf("  %-22s %s per GPU-hour\n", "implied price",
               qty(c->usd_per_gpu_hour, AIF_QTY_MONEY).s);
    }
    printf("\nAssumptions (value, unit, [confidence] origin):\n");
    for (size_t i = 0; i < r->assumption_count; i++) {
        const aif_plan_assumption *s = &r->assumptions[i];
        printf("  %-28s %-12.10g %-20s ", s->name, s->value, s->unit);
        if (s->confidence) {
            printf("[%c] ", s->confidence);
        }
        printf("%s\n", s->origin);
    }
}

static json_t *count_json(double v) {
    return json_integer((json_int_t)llround(v));
}

static json_t *assumption_json(const char *name, double value, const char *unit, const char *origin,
                               char confidence) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "value", json_real(value));
    json_object_set_new(o, "unit", json_string(unit));
    json_object_set_new(o, "origin", json_string(origin));
    json_object_set_new(o, "confidence", confidence ? json_sprintf("%c", confidence) : json_null());
    return o;
}

static int print_json(const plan_args *a, const aif_plan_result *r, const aif_contract_result *c) {
    static const char *const peak_keys[AIF_PREC_COUNT] = {"peak_pflops_bf16", "peak_pflops_fp8",
                                                          "peak_pflops_fp4"};
    json_t *root = json_object();
    json_object_set_new(root, "basis", json_string(basis_name(a->in.basis)));
    json_object_set_new(root, "facility_mw", json_real(r->facility_mw));
    json_object_set_new(root, "it_mw", json_real(r->it_mw));
    json_object_set_new(root, "racks", count_json(r->racks));
    json_object_set_new(root, "packages", count_json(r->packages));
    json_object_set_new(root, "dies", count_json(r->dies));
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        json_object_set_new(root, peak_keys[k],
                            r->has_peak[k] ? json_real(r->peak_pflops[k]) : json_null());
    }
    json_object_set_new(root, "hbm_tb", json_real(r->hbm_tb));
    json_object_set_new(root, "capex_usd", json_real(r->capex_usd));
    json_object_set_new(root, "capex_systems_usd", json_real(r->capex_systems_usd));
    json_object_set_new(root, "capex_facility_usd", json_real(r->capex_facility_usd));
    json_object_set_new(root, "power_cost_usd_per_year", json_real(r->power_cost_usd_per_year));
    json_object_set_new(root, "energy_mwh_per_year", json_real(r->energy_mwh_per_year));
    json_object_set_new(root, "depreciation_usd_per_year", json_real(r->depreciation_usd_per_year));
    json_object_set_new(root, "breakeven_usd_per_gpu_hour",
                        json_real(r->breakeven_usd_per_gpu_hour));
    json_object_set_new(root, "facility_mw_drawn", json_real(r->facility_mw_drawn));
    json_object_set_new(root, "extra_packages", count_json(r->extra_packages));
    json_t *lines = json_array();
    for (size_t i = 0; i < r->line_count; i++) {
        const aif_plan_line *l = &r->lines[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(l->system->id));
        json_object_set_new(o, "share", json_real(l->share));
        json_object_set_new(o, "it_power_kw", json_real(l->it_power_kw));
        json_object_set_new(o, "price_usd", json_real(l->price_usd));
        json_object_set_new(o, "systems", count_json(l->systems));
        json_object_set_new(o, "packages", count_json(l->packages));
        json_object_set_new(o, "dies", count_json(l->dies));
        json_object_set_new(o, "it_mw", json_real(l->it_mw));
        json_array_append_new(lines, o);
    }
    json_object_set_new(root, "systems", lines);
    if (c) {
        json_t *o = json_object();
        json_object_set_new(o, "total_usd", json_real(a->contract_usd));
        json_object_set_new(o, "years", json_real(a->contract_years));
        json_object_set_new(o, "usd_per_year", json_real(c->usd_per_year));
        json_object_set_new(o, "usd_per_mw_year", json_real(c->usd_per_mw_year));
        json_object_set_new(o, "gpu_hours_per_year", json_real(c->gpu_hours_per_year));
        json_object_set_new(o, "usd_per_gpu_hour", json_real(c->usd_per_gpu_hour));
        json_object_set_new(root, "contract", o);
    }
    /* The amount planned for and the contract terms are inputs too, so they lead the list
     * of what the library resolved. */
    json_t *as = json_array();
    if (a->in.basis == AIF_PLAN_GPUS) {
        json_array_append_new(as, assumption_json("gpus", a->in.amount, "packages", "user", 0));
    } else {
        json_array_append_new(
            as,
            assumption_json(a->in.basis == AIF_PLAN_IT_POWER ? "it_power_mw" : "facility_power_mw",
                            a->in.amount / 1e6, "MW", "user", 0));
    }
    if (c) {
        json_array_append_new(as,
                              assumption_json("contract_usd", a->contract_usd, "USD", "user", 0));
        json_array_append_new(
            as, assumption_json("contract_years", a->contract_years, "years", "user", 0));
    }
    for (size_t i = 0; i < r->assumption_count; i++) {
        const aif_plan_assumption *s = &r->assumptions[i];
        json_array_append_new(
            as, assumption_json(s->name, s->value, s->unit, s->origin, s->confidence));
    }
    json_object_set_new(root, "assumptions", as);
    char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(root);
    if (s == NULL) {
        fprintf(stderr, "aifactory plan: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    puts(s);
    free(s);
    return CLI_EXIT_OK;
}

static int run_plan(const plan_args *a, const aif_catalog *cat) {
    aif_plan_result r;
    aif_status st = aif_plan_compute(cat, &a->in, &r);
    if (st == AIF_EINVAL) {
        fprintf(stderr, "aifactory plan: %s\n", r.error.message);
        return CLI_EXIT_FAILURE;
    }
    if (st != AIF_OK) {
        return cli_usage_error(&spec, "%s", r.error.message);
    }
    aif_contract_result contract;
    bool has_contract = !isnan(a->contract_usd);
    if (has_contract) {
        double utilization = used_value(&r, "load_factor", 1.0);
        if (aif_plan_contract(&r, a->contract_usd, a->contract_years, utilization, &contract) !=
            AIF_OK) {
            return cli_usage_error(&spec, "the contract terms are out of range");
        }
    }
    const aif_contract_result *c = has_contract ? &contract : NULL;
    if (a->common.json) {
        return print_json(a, &r, c);
    }
    if (!a->common.quiet) {
        print_text(a, &r, c);
    }
    return CLI_EXIT_OK;
}

int cmd_plan(int argc, char **argv) {
    /* The arguments hold a whole mix, its overrides and the --mix text: one heap block keeps
     * this frame small (the plan result below is already several kB). */
    plan_args *a = calloc(1, sizeof *a);
    if (a == NULL) {
        fprintf(stderr, "aifactory plan: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    a->common = (cli_common){false, false, "auto"};
    a->contract_usd = NAN;
    a->contract_years = NAN;
    aif_plan_input_init(&a->in);
    cli_parser p;
    cli_parser_init(&p, &spec, argc, argv);
    int rc = CLI_EXIT_OK;
    for (;;) {
        int opt = cli_parser_next(&p);
        if (opt == CLI_PARSE_DONE) {
            break;
        }
        if (opt == CLI_PARSE_ERROR) {
            rc = CLI_EXIT_USAGE;
            break;
        }
        rc = parse_option(a, &p, opt);
        if (rc != CLI_EXIT_OK) {
            break;
        }
    }
    if (rc == CLI_EXIT_OK) {
        rc = finish_args(a);
    }
    aif_catalog *cat = NULL;
    if (rc == CLI_EXIT_OK) {
        rc = cli_catalog_open("plan", a->files, a->file_count, &cat);
    }
    if (rc == CLI_EXIT_OK) {
        rc = run_plan(a, cat);
    }
    aif_catalog_destroy(cat);
    free(a);
    return rc < 0 ? CLI_EXIT_OK : rc; /* --help answers -1: exit 0 */
}
