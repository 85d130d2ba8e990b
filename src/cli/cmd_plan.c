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
#include "cli_errors.h"
#include "args.h"
#include "cli.h"
#include "cli_catalog.h"
#include "json_out.h"

/* A per-system override given as "[ID:]VALUE"; id is NULL when it names no system. */
typedef struct override {
    const char *id;
    size_t id_len;
    double value;
} override;

typedef struct overrides {
    override items[AIF_PLAN_MAX_MIX];
    int count;
} overrides;

typedef struct plan_args {
    cli_common common;
    int basis_count; /* how many of --power, --it-power, --gpus were given */
    const char *system_id;
    const char *mix_text;
    char mix_buf[512]; /* --mix split in place; the plan borrows its ids */
    overrides prices, powers;
    int power_case; /* index in power_cases */
    double contract_usd, contract_years;
    cli_list catalogs;
    aif_plan_input in;
} plan_args;

static const char *const power_cases[] = {"default", "low", "high", NULL};
static const aif_plan_case power_case_values[] = {AIF_PLAN_CASE_DEFAULT, AIF_PLAN_CASE_LOW,
                                                  AIF_PLAN_CASE_HIGH};

/* --power, --it-power or --gpus: the one amount the plan is for. */
static int set_basis(const cli_value *v) {
    plan_args *a = v->args;
    if (++a->basis_count > 1) {
        return cli_usage_error(v->spec, "give only one of --power, --it-power and --gpus");
    }
    cli_value q = *v;
    q.field = &a->in.amount;
    int rc = cli_set_quantity(&q);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    /* The upper limits are the planner's (AIF_PLAN_MAX_*, docs/plan.md): said here, at the
     * flag, in the flag's own words. */
    if (strcmp(v->opt->name, "gpus") == 0) {
        if (!(a->in.amount >= 1) || a->in.amount != floor(a->in.amount)) {
            return cli_usage_error(v->spec, "--gpus must be a whole number >= 1, found '%s'",
                                   v->text);
        }
        if (a->in.amount > AIF_PLAN_MAX_GPUS) {
            return cli_usage_error(v->spec, "--gpus must be at most 2^40 (%.0f), found '%s'",
                                   AIF_PLAN_MAX_GPUS, v->text);
        }
        a->in.basis = AIF_PLAN_GPUS;
    } else if (a->in.amount < 1e3 && strstr(v->text, "mW") != NULL) {
        /* No system draws under a kilowatt: "mW" (milliwatts) is a slip for "MW". */
        return cli_usage_error(v->spec, "--%s '%s' is in milliwatts (mW); for megawatts write MW",
                               v->opt->name, v->text);
    } else if (a->in.amount > AIF_PLAN_MAX_POWER_W) {
        return cli_usage_error(v->spec, "--%s must be at most 1 TW, found '%s'", v->opt->name,
                               v->text);
    } else {
        a->in.basis =
            strcmp(v->opt->name, "power") == 0 ? AIF_PLAN_FACILITY_POWER : AIF_PLAN_IT_POWER;
    }
    return CLI_EXIT_OK;
}

/* --system or --mix, only one of them, once. */
static int set_systems(const cli_value *v) {
    plan_args *a = v->args;
    if (a->system_id || a->mix_text) {
        return cli_usage_error(v->spec, "give one --system, or one --mix for several systems");
    }
    return cli_set_text(v);
}

/* "[ID:]VALUE": the value is a quantity of the option's kind within its range. */
static int set_override(const cli_value *v) {
    overrides *list = v->field;
    if (list->count == AIF_PLAN_MAX_MIX) {
        return cli_usage_error(v->spec, "at most %d --%s options", AIF_PLAN_MAX_MIX, v->opt->name);
    }
    override *o = &list->items[list->count];
    const char *colon = strchr(v->text, ':');
    o->id = colon ? v->text : NULL;
    o->id_len = colon ? (size_t)(colon - v->text) : 0;
    if (colon && o->id_len == 0) {
        return cli_usage_error(v->spec, "--%s expects [ID:]VALUE, found '%s'", v->opt->name,
                               v->text);
    }
    cli_value q = *v;
    q.text = colon ? colon + 1 : v->text;
    q.field = &o->value;
    int rc = cli_set_quantity(&q);
    if (rc == CLI_EXIT_OK) {
        list->count++;
    }
    return rc;
}

/* --wacc: a rate per year as "8%" or 0.08, in [0, 1]. A bare number above 1 ("8") is most
 * likely meant in percent, so it is refused with both spellings rather than read as 800%. */
static int set_wacc(const cli_value *v) {
    double *out = v->field;
    const char *t = v->text;
    char *end = NULL;
    double x = strtod(t, &end);
    bool percent = end != t && *end == '%' && end[1] == '\0';
    if (end == t || !(percent || *end == '\0') || !isfinite(x)) {
        return cli_usage_error(v->spec, "--wacc expects a rate such as 8%% or 0.08, found '%s'", t);
    }
    if (percent) {
        x /= 100.0;
    }
    if (!(x >= 0 && x <= 1)) {
        return cli_usage_error(v->spec,
                               "--wacc must be from 0 to 1 (0%% to 100%%), found '%s'; for 8%% "
                               "write 8%% or 0.08",
                               t);
    }
    *out = x;
    return CLI_EXIT_OK;
}

#define ANY_NUMBER CLI_RANGE(-INFINITY, false, INFINITY, false)

static const cli_option options[] = {
    CLI_COMMON_OPTION_LIST,
    {.name = "power",
     .value_name = "QTY",
     .help = "facility power to fill, e.g. 10GW, '800 MW'",
     .set = set_basis,
     .kind = AIF_QTY_POWER,
     .range = CLI_ABOVE(0)},
    {.name = "it-power",
     .value_name = "QTY",
     .help = "IT power to fill (before PUE) instead of facility power",
     .set = set_basis,
     .kind = AIF_QTY_POWER,
     .range = CLI_ABOVE(0)},
    {.name = "gpus",
     .value_name = "N",
     .help = "reverse: the power and cost of N GPUs (packages), e.g. 4.5M",
     .set = set_basis,
     .kind = AIF_QTY_COUNT,
     .range = ANY_NUMBER},
    {.name = "system",
     .value_name = "ID",
     .help = "system to plan with (see 'aifactory catalog list')",
     .set = set_systems,
     .offset = offsetof(plan_args, system_id)},
    {.name = "mix",
     .value_name = "ID:SHARE,...",
     .help = "several systems by power share, shares summing to 1",
     .set = set_systems,
     .offset = offsetof(plan_args, mix_text)},
    {.name = "pue",
     .value_name = "X",
     .help = "power usage effectiveness, >= 1 (default: catalog)",
     .set = cli_set_number,
     .offset = offsetof(plan_args, in.pue),
     .range = CLI_AT_LEAST(1)},
    {.name = "overhead",
     .value_name = "X",
     .help = "non-rack IT power / rack IT power, in [0, 1] (default: catalog)",
     .set = cli_set_number,
     .offset = offsetof(plan_args, in.overhead_fraction),
     .range = CLI_RANGE(0, false, 1, false)},
    {.name = "power-price",
     .value_name = "PRICE",
     .help = "energy price, e.g. 66 or '$66/MWh' (default: catalog)",
     .set = cli_set_quantity,
     .offset = offsetof(plan_args, in.power_price_usd_per_mwh),
     .kind = AIF_QTY_ENERGY_PRICE,
     .range = CLI_AT_LEAST(0)},
    {.name = "load-factor",
     .value_name = "X",
     .help = "average draw / peak and share of hours sold, in (0, 1] (default 1)",
     .set = cli_set_number,
     .offset = offsetof(plan_args, in.load_factor),
     .range = CLI_RANGE(0, true, 1, false)},
    {.name = "life-years",
     .value_name = "N",
     .help = "IT (systems) service life in years (default: catalog)",
     .set = cli_set_number,
     .offset = offsetof(plan_args, in.it_life_years),
     .range = CLI_ABOVE(0)},
    {.name = "facility-life-years",
     .value_name = "N",
     .help = "facility service life in years (default: catalog)",
     .set = cli_set_number,
     .offset = offsetof(plan_args, in.facility_life_years),
     .range = CLI_ABOVE(0)},
    {.name = "wacc",
     .value_name = "RATE",
     .help = "cost of capital per year, e.g. 8% or 0.08 (default: catalog)",
     .set = set_wacc,
     .offset = offsetof(plan_args, in.wacc)},
    {.name = "capex-per-mw",
     .value_name = "MONEY",
     .help = "facility mechanical and electrical capex per facility MW, e.g. '$16M'\n"
             "(default: catalog; power distribution is added)",
     .set = cli_set_quantity,
     .offset = offsetof(plan_args, in.capex_usd_per_mw),
     .kind = AIF_QTY_MONEY,
     .range = CLI_AT_LEAST(0)},
    {.name = "system-price",
     .value_name = "[ID:]USD",
     .help = "price of one system, e.g. '$3.9M' (repeatable with ID:)",
     .set = set_override,
     .offset = offsetof(plan_args, prices),
     .kind = AIF_QTY_MONEY,
     .range = CLI_AT_LEAST(0)},
    {.name = "system-power",
     .value_name = "[ID:]QTY",
     .help = "IT power of one system, e.g. 140kW (repeatable with ID:)",
     .set = set_override,
     .offset = offsetof(plan_args, powers),
     .kind = AIF_QTY_POWER,
     .range = CLI_ABOVE(0)},
    {.name = "power-case",
     .value_name = "CASE",
     .help = "catalog system power: default, low or high end of its range",
     .set = cli_set_choice,
     .offset = offsetof(plan_args, power_case),
     .choices = power_cases},
    {.name = "contract-usd",
     .value_name = "MONEY",
     .help = "contract mode: total contract value, e.g. '$300B'",
     .set = cli_set_quantity,
     .offset = offsetof(plan_args, contract_usd),
     .kind = AIF_QTY_MONEY,
     .range = CLI_AT_LEAST(0)},
    {.name = "contract-years",
     .value_name = "N",
     .help = "contract mode: contract length in years",
     .set = cli_set_number,
     .offset = offsetof(plan_args, contract_years),
     .range = CLI_ABOVE(0)},
    {.name = "catalog",
     .value_name = "FILE",
     .help = "merge a catalog YAML file over the default (repeatable)",
     .set = cli_set_list,
     .offset = offsetof(plan_args, catalogs)},
};

static const cli_verb_spec spec = {
    .name = "plan",
    .usage = "(--power QTY | --it-power QTY | --gpus N) (--system ID | --mix ID:SHARE,...) "
             "[options]",
    .description = "Capacity planner: what a given power buys (systems, packages, dies, FLOPS,\n"
                   "HBM) and what it costs, or the power a given number of GPUs needs. With\n"
                   "--contract-usd and --contract-years, also the $/GPU-hour a contract implies.\n"
                   "Formulas, defaults and their sources: docs/plan.md.\n",
    .examples = "aifactory plan --power 1GW --system gb200-nvl72\n"
                "aifactory plan --gpus 100000 --system hgx-h100 --json\n",
    .options = options,
    .option_count = CLI_COUNT(options),
};

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
static int apply_overrides(plan_args *a, const overrides *list, const char *flag, bool price) {
    for (int k = 0; k < list->count; k++) {
        const override *o = &list->items[k];
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
    a->in.power_case = power_case_values[a->power_case];
    int rc = apply_overrides(a, &a->prices, "system-price", true);
    if (rc == CLI_EXIT_OK) {
        rc = apply_overrides(a, &a->powers, "system-power", false);
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

/* What a plan's systems are: "rack" (rack-scale, e.g. 72 packages on one NVLink domain),
 * "node" (8-GPU servers such as HGX), or "mixed". A system of at most 16 packages is a
 * node: no rack-scale product is that small, no server that large. */
static const char *system_form(const aif_plan_result *r) {
    bool racks = false, nodes = false;
    for (size_t i = 0; i < r->line_count; i++) {
        const aif_sourced *p = &r->lines[i].system->packages;
        if (p->present && p->value <= 16) {
            nodes = true;
        } else {
            racks = true;
        }
    }
    return racks && nodes ? "mixed" : nodes ? "node" : "rack";
}

static const char *system_form_label(const aif_plan_result *r) {
    const char *form = system_form(r);
    return strcmp(form, "node") == 0   ? "nodes (servers)"
           : strcmp(form, "rack") == 0 ? "racks"
                                       : "systems (racks and nodes)";
}

/* The bill of materials' rows in the terminal, in aif_capex_category order. */
static const char *const capex_label[AIF_CAPEX_CATEGORY_COUNT] = {
    "accelerator systems",  "host CPUs",         "scale-out network", "storage",
    "mech. and electrical", "power distribution"};

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
    printf("  %-22s %.0f\n", system_form_label(r), r->racks);
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
    printf("  %-22s %-14s (%s of it sold by the systems' vendor)\n", "capex",
           qty(r->capex_usd, AIF_QTY_MONEY).s, qty(r->capex_vendor_usd, AIF_QTY_MONEY).s);
    for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
        double usd = r->capex_by_category_usd[k];
        printf("    %-20s %-14s %5.1f %%\n", capex_label[k], qty(usd, AIF_QTY_MONEY).s,
               r->capex_usd > 0 ? 100 * usd / r->capex_usd : 0.0);
    }
    printf("  %-22s %-14s (load factor %g)\n", "energy per year",
           qty(r->energy_mwh_per_year * 1e6, AIF_QTY_ENERGY).s, used_value(r, "load_factor", NAN));
    printf("  %-22s %-14s (at %s)\n", "power cost per year",
           qty(r->power_cost_usd_per_year, AIF_QTY_MONEY).s,
           qty(used_value(r, "power_price_usd_per_mwh", NAN), AIF_QTY_ENERGY_PRICE).s);
    printf("  %-22s %s\n", "depreciation per year",
           qty(r->depreciation_usd_per_year, AIF_QTY_MONEY).s);
    printf("  %-22s %-14s (at a WACC of %g %%)\n", "capital cost per year",
           qty(r->capital_charge_usd_per_year, AIF_QTY_MONEY).s, 100 * r->wacc);
    printf("  %-22s %s per GPU-hour (%s with no return on capital)\n", "break-even price",
           qty(r->breakeven_usd_per_gpu_hour, AIF_QTY_MONEY).s,
           qty(r->breakeven_no_return_usd_per_gpu_hour, AIF_QTY_MONEY).s);
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

/* One object per system of the plan. */
static json_t *lines_json(const aif_plan_result *r) {
    json_t *lines = json_array();
    for (size_t i = 0; i < r->line_count; i++) {
        const aif_plan_line *l = &r->lines[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(l->system->id));
        json_object_set_new(o, "share", json_real(l->share));
        json_object_set_new(o, "it_power_kw", json_real(l->it_power_kw));
        json_object_set_new(o, "price_usd", json_real(l->price_usd));
        json_object_set_new(o, "host_cpu_usd", json_real(l->host_cpu_usd));
        json_object_set_new(o, "network_usd_per_gpu", json_real(l->network_usd_per_gpu));
        json_object_set_new(o, "storage_usd_per_gpu", json_real(l->storage_usd_per_gpu));
        json_object_set_new(o, "systems", count_json(l->systems));
        json_object_set_new(o, "packages", count_json(l->packages));
        json_object_set_new(o, "dies", count_json(l->dies));
        json_object_set_new(o, "it_mw", json_real(l->it_mw));
        json_array_append_new(lines, o);
    }
    return lines;
}

/* The amount planned for and the contract terms are inputs too, so they lead the list of
 * what the library resolved. */
static json_t *assumptions_json(const plan_args *a, const aif_plan_result *r,
                                const aif_contract_result *c) {
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
    return as;
}

static int print_json(const plan_args *a, const aif_plan_result *r, const aif_contract_result *c) {
    static const char *const peak_keys[AIF_PREC_COUNT] = {"peak_pflops_bf16", "peak_pflops_fp8",
                                                          "peak_pflops_fp4"};
    json_t *root = json_object();
    json_object_set_new(root, "basis", json_string(basis_name(a->in.basis)));
    json_object_set_new(root, "facility_mw", json_real(r->facility_mw));
    json_object_set_new(root, "it_mw", json_real(r->it_mw));
    json_object_set_new(root, "racks", count_json(r->racks));
    json_object_set_new(root, "system_form", json_string(system_form(r)));
    json_object_set_new(root, "packages", count_json(r->packages));
    json_object_set_new(root, "dies", count_json(r->dies));
    for (int k = 0; k < AIF_PREC_COUNT; k++) {
        json_object_set_new(root, peak_keys[k],
                            r->has_peak[k] ? json_real(r->peak_pflops[k]) : json_null());
    }
    json_object_set_new(root, "hbm_tb", json_real(r->hbm_tb));
    /* Whole dollars as integers, the total their sum, so the categories add up to capex_usd
     * as printed whatever its size (the planner bounds it to 9e18). */
    json_t *by_category = json_object();
    long long capex = 0;
    for (int k = 0; k < AIF_CAPEX_CATEGORY_COUNT; k++) {
        long long usd = llround(r->capex_by_category_usd[k]);
        capex += usd;
        json_object_set_new(by_category, aif_capex_category_name((aif_capex_category)k),
                            json_integer((json_int_t)usd));
    }
    json_object_set_new(root, "capex_usd", json_integer((json_int_t)capex));
    json_object_set_new(root, "capex_by_category_usd", by_category);
    json_object_set_new(root, "capex_vendor_usd", count_json(r->capex_vendor_usd));
    json_object_set_new(root, "capex_systems_usd", json_real(r->capex_systems_usd));
    json_object_set_new(root, "capex_facility_usd", json_real(r->capex_facility_usd));
    json_object_set_new(root, "power_cost_usd_per_year", json_real(r->power_cost_usd_per_year));
    json_object_set_new(root, "energy_mwh_per_year", json_real(r->energy_mwh_per_year));
    json_object_set_new(root, "depreciation_usd_per_year", json_real(r->depreciation_usd_per_year));
    json_object_set_new(root, "wacc", json_real(r->wacc));
    json_object_set_new(root, "capital_charge_usd_per_year",
                        json_real(r->capital_charge_usd_per_year));
    json_object_set_new(root, "breakeven_usd_per_gpu_hour",
                        json_real(r->breakeven_usd_per_gpu_hour));
    json_object_set_new(root, "breakeven_no_return_usd_per_gpu_hour",
                        json_real(r->breakeven_no_return_usd_per_gpu_hour));
    json_object_set_new(root, "facility_mw_drawn", json_real(r->facility_mw_drawn));
    json_object_set_new(root, "extra_packages", count_json(r->extra_packages));
    json_object_set_new(root, "systems", lines_json(r));
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
    json_object_set_new(root, "assumptions", assumptions_json(a, r, c));
    return cli_json_print("plan", root,
                          JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(10));
}

static int run_plan(const plan_args *a, const aif_catalog *cat) {
    aif_plan_result r;
    aif_status st = aif_plan_compute(cat, &a->in, &r);
    if (st == AIF_EINVAL) {
        cli_print_error("plan", &r.error, st);
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
    a->contract_usd = NAN;
    a->contract_years = NAN;
    aif_plan_input_init(&a->in);
    int rc = cli_parse(&spec, argc, argv, a);
    if (rc == CLI_EXIT_OK) {
        rc = finish_args(a);
    }
    aif_catalog *cat = NULL;
    if (rc == CLI_EXIT_OK) {
        rc = cli_catalog_open("plan", a->catalogs.items, a->catalogs.count, &cat);
    }
    if (rc == CLI_EXIT_OK) {
        rc = run_plan(a, cat);
    }
    aif_catalog_destroy(cat);
    free(a);
    return cli_parse_exit(rc);
}
