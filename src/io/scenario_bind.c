/* The scenario sections that describe supply: the version key, simulation, catalog
 * overrides, providers, sites with their phases and blocks, contracts and investments.
 * Each value is read through a cursor (scenario_internal.h); references (providers,
 * catalog systems, vendors, triggers) are resolved here, and date ranges are checked for
 * order and, where two terms cannot hold at once (ROFRs, partner preferences), for overlap.
 * Demand, failures and economics are in scenario_demand.c. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "yaml.h"
#include "aifactory/buildout.h"
#include "aifactory/catalog_read.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define QUARTER_NS  (AIF_NS_PER_YEAR / 4)
#define MAX_BLOCKS  100000
/* A phase that is an exact multiple of its block must not gain a block from the rounding of
 * power / block. */
#define BLOCK_COUNT_SLACK 1e-9

/* Read an id key, check its form and uniqueness against ids[0..n). */
static const char *read_id(const scn_cur *k, const char *const *ids, size_t n) {
    scn_ctx *c = aif__scn_of(k);
    const char *where = k->path;
    const char *id = NULL;
    if (!aif__cur_str(k, "id", true, &id)) {
        return NULL;
    }
    scn_pos p = aif__cur_key_pos(k, "id");
    if (!aif__yaml_valid_id(id, strlen(id))) {
        aif__scn_error(c, p,
                       "%s.id: invalid id '%s' (expected lower-case letters, digits, '-', '_' "
                       "or '.', starting with a letter or digit)",
                       where, id);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (ids[i] && strcmp(ids[i], id) == 0) {
            aif__scn_error(c, p, "%s.id: duplicate id '%s'", where, id);
            return NULL;
        }
    }
    return id;
}

/* Resolve a provider reference under `key`; AIF_SCENARIO_NONE when absent or unknown. */
static size_t provider_ref(const scn_cur *k, const char *key, bool required) {
    scn_ctx *c = aif__scn_of(k);
    const char *where = k->path;
    const char *id = NULL;
    if (!aif__cur_str(k, key, required, &id)) {
        return AIF_SCENARIO_NONE;
    }
    aif_scenario *s = c->s;
    const char *ids[SCN_SUGGEST_MAX];
    size_t n = s->provider_count < SCN_SUGGEST_MAX ? s->provider_count : SCN_SUGGEST_MAX;
    for (size_t i = 0; i < s->provider_count; i++) {
        if (s->providers[i].id && strcmp(s->providers[i].id, id) == 0) {
            return i;
        }
        if (i < n) {
            ids[i] = s->providers[i].id ? s->providers[i].id : "";
        }
    }
    const char *near = aif__y_nearest(id, ids, n);
    aif__scn_error(c, aif__cur_key_pos(k, key), "%s.%s: unknown provider '%s'%s%s%s", where, key,
                   id, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return AIF_SCENARIO_NONE;
}

/* ---- simulation ---- */

static void bind_simulation(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"start", "end", "seed", "demand_step"};
    const scn_cur cur = {&c->r, n, "simulation", at};
    aif_scenario_simulation *sim = &c->s->sim;
    sim->start_date = (aif_date){2025, 9, 1};
    sim->seed = 1;
    sim->demand_step = AIF_NS_PER_HOUR;
    if (n == NULL) {
        aif__scn_error(c, at, "missing required section 'simulation' (start, end)");
        return;
    }
    if (!aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    /* The start is read as an absolute date: every other date is relative to it. */
    aif_time start = 0;
    sim->start_date = (aif_date){1970, 1, 1};
    if (aif__cur_date(&cur, "start", true, &start)) {
        sim->start_date = aif_date_from_days(start / AIF_NS_PER_DAY);
    }
    if (aif__cur_date(&cur, "end", true, &sim->end)) {
        sim->end_date = aif_sim_to_date(sim->end, sim->start_date);
        if (sim->end <= 0) {
            aif__scn_error(c, aif__cur_key_pos(&cur, "end"),
                           "simulation.end: expected a date after simulation.start");
        } else if (sim->end > (aif_time)AIF_SCENARIO_SPAN_MAX_YEARS * AIF_NS_PER_YEAR) {
            aif__scn_error(c, aif__cur_key_pos(&cur, "end"),
                           "simulation.end: the span from simulation.start is %.0f years; at most "
                           "%d years can be simulated",
                           (double)sim->end / (double)AIF_NS_PER_YEAR, AIF_SCENARIO_SPAN_MAX_YEARS);
        }
    }
    double seed = 1;
    if (aif__cur_num(&cur, "seed", false, 0, SCN_SEED_MAX, &seed)) {
        if (seed != floor(seed)) {
            aif__scn_error(c, aif__cur_key_pos(&cur, "seed"),
                           "simulation.seed: expected a whole number, found %g", seed);
        }
        sim->seed = (uint64_t)seed;
    }
    if (aif__cur_duration(&cur, "demand_step", false, &sim->demand_step) &&
        (sim->demand_step < AIF_NS_PER_MIN || sim->demand_step > AIF_NS_PER_DAY)) {
        aif__scn_error(c, aif__cur_key_pos(&cur, "demand_step"),
                       "simulation.demand_step: expected a duration from 1 min to 1 day");
    }
}

/* ---- catalog ---- */

static void copy_catalog_errors(scn_ctx *c) {
    const aif_error_list *errs = aif_catalog_errors(c->s->own_catalog);
    const aif_error *e;
    for (size_t i = 0; (e = aif_error_list_at(errs, i)) != NULL; i++) {
        aif_error_list_add(&c->s->errors, e->file, e->line, e->col, "catalog: %s", e->message);
    }
    c->r.failed = true;
}

/* The catalog section handed to the catalog parser as the file's own text with everything
 * outside the section blanked, so that its errors keep the scenario's line and column. */
static void merge_inline_catalog(scn_ctx *c, struct fy_node *root, struct fy_node_pair *cat) {
    struct fy_token *kt = fy_node_get_scalar_token(fy_node_pair_key(cat));
    const struct fy_mark *km = kt ? fy_token_end_mark(kt) : NULL;
    size_t begin = km ? km->input_pos : c->len, end = c->len;
    while (begin < c->len && c->text[begin] != ':') {
        begin++;
    }
    begin++;
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
        struct fy_token *t = fy_node_get_scalar_token(fy_node_pair_key(pair));
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        if (m && m->input_pos > begin && m->input_pos < end) {
            end = m->input_pos;
        }
    }
    char *buf = aif__scn_alloc(c, c->len + 1, 1);
    if (buf == NULL || begin > end) {
        return;
    }
    /* JSON or flow input leaves separators and quotes of the next key behind the section. */
    while (end > begin && strchr(" \t\r\n,\"'", c->text[end - 1]) != NULL) {
        end--;
    }
    for (size_t i = 0; i < c->len; i++) {
        bool inside = i >= begin && i < end;
        buf[i] = inside || c->text[i] == '\n' ? c->text[i] : ' ';
    }
    aif_status st = aif_catalog_merge_string(c->s->own_catalog, c->file, buf, c->len);
    if (st == AIF_ENOMEM) {
        c->r.status = st;
    } else if (st != AIF_OK) {
        copy_catalog_errors(c);
    }
}

/* The catalog the scenario merges its section into: its own, made on first need from the
 * caller's base (copied, so the base is never changed) or from the default catalog. */
static aif_catalog *own_catalog(scn_ctx *c) {
    aif_scenario *s = c->s;
    if (s->own_catalog != NULL) {
        return s->own_catalog;
    }
    aif_status st = s->base_catalog ? aif_catalog_copy(s->base_catalog, s->alloc, &s->own_catalog)
                                    : aif_catalog_create(s->alloc, &s->own_catalog);
    if (st == AIF_OK && s->base_catalog == NULL) {
        st = aif_catalog_load_default(s->own_catalog);
    }
    if (st != AIF_OK) {
        c->r.status = st == AIF_ENOMEM ? AIF_ENOMEM : AIF_EPARSE;
        return NULL;
    }
    s->catalog = s->own_catalog;
    return s->own_catalog;
}

static void bind_catalog(scn_ctx *c, struct fy_node *root, scn_pos at) {
    struct fy_node_pair *pair = fy_node_mapping_lookup_pair_by_string(root, "catalog", FY_NT);
    struct fy_node *n = pair ? fy_node_pair_value(pair) : NULL;
    /* Without a section a base is read as it is; anything else needs a catalog of its own. */
    c->s->catalog = c->s->base_catalog;
    if (n == NULL && c->s->base_catalog != NULL) {
        return;
    }
    if (own_catalog(c) == NULL || n == NULL) {
        return;
    }
    aif_status st;
    if (fy_node_is_scalar(n)) {
        const char *rel = NULL;
        const scn_cur doc = {&c->r, root, "scenario", at};
        if (!aif__cur_str(&doc, "catalog", false, &rel)) {
            return;
        }
        size_t need = strlen(c->dir) + strlen(rel) + 1;
        char *path = aif__scn_alloc(c, need, 1);
        if (path == NULL) {
            return;
        }
        snprintf(path, need, "%s%s", rel[0] == '/' ? "" : c->dir, rel);
        st = aif_catalog_merge_file(c->s->own_catalog, path);
    } else if (fy_node_get_type(n) != FYNT_MAPPING) {
        aif__scn_error(c, aif__scn_pos(c, n, at),
                       "catalog: expected a mapping (catalog schema) or a file name");
        return;
    } else if (c->catalog_overridden) {
        /* Overridden keys exist only in the tree: emit it (positions refer to that text). */
        char *text = fy_emit_node_to_string(n, FYECF_MODE_BLOCK);
        if (text == NULL) {
            c->r.status = AIF_ENOMEM;
            return;
        }
        st = aif_catalog_merge_string(c->s->own_catalog, "catalog (after --set)", text,
                                      strlen(text));
        free(text);
    } else {
        merge_inline_catalog(c, root, pair);
        return;
    }
    if (st == AIF_ENOMEM) {
        c->r.status = st;
    } else if (st != AIF_OK) {
        copy_catalog_errors(c);
    }
}

/* ---- providers ---- */

static void bind_providers(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"id", "name", "kind", "price_per_gpu_hour", "lead_time"};
    static const char *const kinds[] = {"own", "cloud", "partner"};
    if (n == NULL) {
        aif__scn_error(c, at, "missing required section 'providers'");
        return;
    }
    scn_each it = aif__scn_each_begin(c, n, at, "providers");
    size_t count = it.count;
    aif_scenario *s = c->s;
    s->providers = aif__scn_alloc(c, count, sizeof *s->providers);
    const char **ids = aif__scn_alloc(c, count, sizeof *ids);
    if (s->providers == NULL || ids == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        aif_scenario_provider *p = &s->providers[i];
        p->lead_time = AIF_NS_PER_YEAR;
        s->provider_count = i + 1;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        p->id = ids[i] = read_id(&it.item, ids, i);
        p->name = p->id;
        aif__cur_str(&it.item, "name", false, &p->name);
        int kind = 0;
        aif__cur_enum(&it.item, "kind", true, kinds, COUNT_OF(kinds), &kind);
        p->kind = (aif_provider_kind)kind;
        aif__scn_qty(&it.item, "price_per_gpu_hour", false, AIF_QTY_MONEY, 0,
                     AIF_SCENARIO_USD_PER_GPU_HOUR_MAX, &p->price_usd_per_gpu_hour);
        aif__scn_duration(&it.item, "lead_time", false, SCN_DURATION_MAX, &p->lead_time);
    }
}

/* ---- sites ---- */

static const aif_system *system_ref(const scn_cur *k, const char **id_out) {
    scn_ctx *c = aif__scn_of(k);
    const char *where = k->path;
    const char *id = NULL;
    if (!aif__cur_str(k, "system", true, &id)) {
        return NULL;
    }
    *id_out = id;
    const aif_system *sys = aif_catalog_system_find(c->s->catalog, id);
    if (sys == NULL) {
        const char *near[1] = {NULL};
        size_t found = aif_catalog_suggest(c->s->catalog, AIF_CATALOG_SYSTEM, id, near, 1);
        aif__scn_error(c, aif__cur_key_pos(k, "system"), "%s.system: unknown system '%s'%s%s%s",
                       where, id, found ? " (did you mean '" : "", found ? near[0] : "",
                       found ? "'?)" : "");
    }
    return sys;
}

/* When block k of a phase comes online, `interval` after block k - 1. A pace of a whole
 * number of months (block_interval: 3 months, or 250 MW blocks at 750 MW per quarter) steps
 * calendar months from the first block's day, so blocks open on the same day of each month
 * instead of drifting by the 30.4375-day average month (to 07:30 on the 31st, then 15:00 on
 * the 30th, ...); any other pace of a day or more lands on the nearest midnight. */
static double block_online_at(aif_time first, double interval, size_t k, aif_date start) {
    double exact = (double)first + interval * (double)k;
    if (k == 0 || !(interval >= (double)AIF_NS_PER_DAY) || exact >= SCN_TIME_SATURATE) {
        return exact;
    }
    double months = interval / ((double)AIF_NS_PER_YEAR / 12.0);
    double whole = round(months);
    if (whole >= 1 && fabs(months - whole) <= 1e-9 * whole && whole * (double)k <= 12e4) {
        aif_time step = (aif_time)(whole * (double)k) * (AIF_NS_PER_YEAR / 12);
        return (double)aif_sim_add_calendar(first, step, start);
    }
    return round(exact / (double)AIF_NS_PER_DAY) * (double)AIF_NS_PER_DAY;
}

/* Each block must hold at least one system, as the engine plans it (facility power, the
 * phase's PUE else the catalog's): otherwise `run` would refuse what `validate` passed. The
 * first block is the largest, the last one may be smaller. */
static void check_block_systems(scn_ctx *c, const aif_scenario_phase *ph, scn_pos p,
                                const char *where) {
    if (ph->system == NULL || ph->block_count == 0) {
        return;
    }
    const aif_facility *fac = aif_catalog_facility(c->s->catalog);
    double pue = ph->pue > 0 ? ph->pue : fac && fac->pue.present ? fac->pue.value : 1.2;
    size_t last = ph->block_count - 1;
    for (size_t k = 0; k <= last; k += last > 0 ? last : 1) {
        double w = ph->blocks[k].power_w * (ph->power_basis == AIF_POWER_IT ? pue : 1.0);
        aif_block blk;
        aif_error err = {0};
        char pw[48];
        aif_quantity_format(ph->blocks[k].power_w, AIF_QTY_POWER, pw, sizeof pw);
        if (aif_buildout_block(c->s->catalog, ph->system_id, w, &blk, &err) != AIF_OK) {
            aif__scn_error(c, p, "%s: %s block of %s: %.150s", where, k == 0 ? "a" : "the last", pw,
                           err.message);
            return;
        }
        /* Its capex is booked in int64 cents (the catalog's prices per system and MW). */
        double capex = blk.capex_systems_usd + blk.capex_facility_usd;
        if (k == 0 && !(capex <= AIF_SCENARIO_USD_MAX)) {
            aif__scn_error(c, p,
                           "%s: a block of %s costs $%g at the catalog's prices; at most $%g can "
                           "be booked",
                           where, pw, capex, AIF_SCENARIO_USD_MAX);
            return;
        }
    }
}

static void expand_blocks(scn_ctx *c, aif_scenario_phase *ph, scn_pos p, const char *where) {
    double nb = ceil(ph->power_w / ph->block_w - BLOCK_COUNT_SLACK);
    if (!(nb >= 1) || nb > MAX_BLOCKS) {
        aif__scn_error(c, p, "%s: %g blocks of %g W (expected 1 to %d blocks)", where, nb,
                       ph->block_w, MAX_BLOCKS);
        return;
    }
    size_t n = (size_t)nb;
    aif_scenario_block *b = aif__scn_alloc(c, n, sizeof *b);
    if (b == NULL) {
        return;
    }
    /* With a ramp, block k is online once the ramp has delivered k blocks' worth after
     * the first, so the phase grows at the stated rate. */
    double interval = ph->ramp_w_per_quarter > 0
                          ? (double)QUARTER_NS * ph->block_w / ph->ramp_w_per_quarter
                          : (double)ph->block_interval;
    for (size_t k = 0; k < n; k++) {
        double t = block_online_at(ph->ready_at, interval, k, c->s->sim.start_date);
        b[k].online = t >= SCN_TIME_SATURATE ? AIF_TIME_MAX : (aif_time)t;
        b[k].power_w = k + 1 < n ? ph->block_w : ph->power_w - ph->block_w * (double)(n - 1);
        aif_time life_end =
            aif_sim_add_calendar(b[k].online, ph->service_life, c->s->sim.start_date);
        b[k].retire = life_end < ph->retire_at ? life_end : ph->retire_at;
    }
    ph->blocks = b;
    ph->block_count = n;
    check_block_systems(c, ph, p, where);
}

static void bind_phase(const scn_cur *k, const char *site_id, size_t index,
                       aif_scenario_phase *ph) {
    scn_ctx *c = aif__scn_of(k);
    const char *where = k->path;
    static const char *const keys[] = {"name",  "system", "power", "basis",          "pue",
                                       "ready", "ramp",   "block", "block_interval", "service_life",
                                       "retire"};
    static const char *const ramp_keys[] = {"from", "per_quarter"};
    static const char *const bases[] = {"facility", "it"};
    if (!aif__cur_keys(k, keys, COUNT_OF(keys))) {
        return;
    }
    scn_pos p = aif__cur_pos(k);
    ph->line = p.line;
    ph->col = p.col;
    ph->retire_at = AIF_TIME_MAX;
    const aif_facility *fac = aif_catalog_facility(c->s->catalog);
    double life_y = fac && fac->it_life_years.present ? fac->it_life_years.value : 5.0;
    ph->service_life = aif_time_from_seconds(life_y * (double)AIF_NS_PER_YEAR / 1e9);
    if (!aif__cur_str(k, "name", false, &ph->name)) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s.%zu", site_id ? site_id : "site", index);
        ph->name = aif_arena_strdup(c->s->arena, buf);
        if (ph->name == NULL) {
            c->r.status = AIF_ENOMEM;
            return;
        }
    }
    ph->system = system_ref(k, &ph->system_id);
    bool power_ok = aif__scn_qty(k, "power", true, AIF_QTY_POWER, SCN_POSITIVE,
                                 AIF_SCENARIO_POWER_MAX_W, &ph->power_w);
    int basis = 0;
    aif__cur_enum(k, "basis", false, bases, 2, &basis);
    ph->power_basis = (aif_power_basis)basis;
    aif__cur_num(k, "pue", false, 1.0, 3.0, &ph->pue);
    struct fy_node *ramp = aif__cur_get(k, "ramp");
    bool has_ready = aif__cur_get(k, "ready") != NULL;
    if (has_ready && ramp) {
        aif__scn_error(c, aif__cur_key_pos(k, "ramp"),
                       "%s: give either 'ready' or 'ramp', not both", where);
    } else if (ramp) {
        char rw[160];
        snprintf(rw, sizeof rw, "%s.ramp", where);
        const scn_cur rc = {&c->r, ramp, rw, aif__cur_key_pos(k, "ramp")};
        if (aif__cur_keys(&rc, ramp_keys, 2)) {
            aif__cur_date(&rc, "from", true, &ph->ready_at);
            aif__scn_qty(&rc, "per_quarter", true, AIF_QTY_POWER, SCN_POSITIVE,
                         AIF_SCENARIO_POWER_MAX_W, &ph->ramp_w_per_quarter);
        }
    } else {
        aif__cur_date(k, "ready", true, &ph->ready_at);
    }
    ph->block_w = ph->power_w;
    bool block_ok = true;
    if (aif__cur_get(k, "block")) {
        block_ok = aif__scn_qty(k, "block", false, AIF_QTY_POWER, SCN_POSITIVE,
                                AIF_SCENARIO_POWER_MAX_W, &ph->block_w);
    }
    if (aif__scn_duration(k, "block_interval", false, SCN_DURATION_MAX, &ph->block_interval) &&
        ph->ramp_w_per_quarter > 0) {
        aif__scn_error(c, aif__cur_key_pos(k, "block_interval"),
                       "%s: 'block_interval' and 'ramp' both set the pace; give one", where);
    }
    aif__scn_duration(k, "service_life", false, SCN_DURATION_MAX, &ph->service_life);
    if (aif__cur_date(k, "retire", false, &ph->retire_at) && ph->retire_at <= ph->ready_at) {
        aif__scn_error(c, aif__cur_key_pos(k, "retire"),
                       "%s.retire: expected a date after the phase is ready", where);
    }
    if (power_ok && block_ok && ph->block_w > ph->power_w) {
        aif__scn_error(c, aif__cur_key_pos(k, "block"),
                       "%s.block: a block cannot exceed the phase power", where);
    } else if (power_ok && block_ok && c->r.status == AIF_OK) {
        expand_blocks(c, ph, p, where);
    }
}

static void bind_sites(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"id", "name", "provider", "location", "phases", "decided"};
    if (n == NULL) {
        aif__scn_error(c, at, "missing required section 'sites'");
        return;
    }
    scn_each it = aif__scn_each_begin(c, n, at, "sites");
    size_t count = it.count;
    aif_scenario *s = c->s;
    s->sites = aif__scn_alloc(c, count, sizeof *s->sites);
    const char **ids = aif__scn_alloc(c, count, sizeof *ids);
    if (s->sites == NULL || ids == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        aif_scenario_site *site = &s->sites[i];
        s->site_count = i + 1;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        site->id = ids[i] = read_id(&it.item, ids, i);
        site->name = site->id;
        aif__cur_str(&it.item, "name", false, &site->name);
        aif__cur_str(&it.item, "location", false, &site->location);
        site->provider = provider_ref(&it.item, "provider", true);
        site->decided_at = AIF_TIME_MIN;
        aif__cur_date(&it.item, "decided", false, &site->decided_at);
        struct fy_node *phases = aif__cur_get(&it.item, "phases");
        char pw[96];
        snprintf(pw, sizeof pw, "%s.phases", where);
        if (phases == NULL) {
            aif__scn_error(c, aif__cur_pos(&it.item), "%s: missing required key 'phases'", where);
            continue;
        }
        scn_pos pp = aif__cur_key_pos(&it.item, "phases");
        scn_each pit = aif__scn_each_begin(c, phases, pp, pw);
        size_t np = pit.count;
        if (np == 0 && fy_node_get_type(phases) == FYNT_SEQUENCE) {
            aif__scn_error(c, pp, "%s: expected at least one phase", pw);
        }
        aif_scenario_phase *ph = aif__scn_alloc(c, np, sizeof *ph);
        if (ph == NULL) {
            return;
        }
        while (aif__y_each_next(&pit)) {
            bind_phase(&pit.item, site->id, pit.index, &ph[pit.index]);
        }
        site->phases = ph;
        site->phase_count = np;
    }
}

/* ---- contracts ---- */

/* Read from/to (to optional: open-ended) and check their order. */
static void read_window(const scn_cur *k, bool from_required, bool to_required, aif_time *from,
                        aif_time *to) {
    *from = AIF_TIME_MIN;
    *to = AIF_TIME_MAX;
    bool f = aif__cur_date(k, "from", from_required, from);
    bool t = aif__cur_date(k, "to", to_required, to);
    if (f && t && *to <= *from) {
        aif__y_error(k->r, aif__cur_key_pos(k, "to"),
                     "%s: 'to' must be after 'from' (the window is empty)", k->path);
    }
}

typedef struct window_ref {
    aif_time from, to;
    scn_pos p;
    size_t index;
} window_ref;

static int window_cmp(const void *a, const void *b) {
    const window_ref *x = a, *y = b;
    if (x->from != y->from) {
        return x->from < y->from ? -1 : 1;
    }
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Windows that cannot hold at once: report each one that starts before the previous ends. */
/* Sort the windows of `n` entries of `size` bytes at `v` by start, report overlaps (only
 * one can be in force at a time), and return a copy of the entries in that order, so the
 * engine finds the one in force with a scan. NULL on out-of-memory. */
static void *sorted_windows(scn_ctx *c, window_ref *w, const void *v, size_t n, size_t size,
                            const char *what) {
    qsort(w, n, sizeof *w, window_cmp);
    for (size_t i = 1; i < n; i++) {
        if (w[i].from < w[i - 1].to) {
            aif__scn_error(c, w[i].p, "%s.%zu: dates overlap %s.%zu (only one can be in force)",
                           what, w[i].index, what, w[i - 1].index);
        }
    }
    char *sorted = aif__scn_alloc(c, n, size);
    if (sorted != NULL) {
        for (size_t i = 0; i < n; i++) {
            memcpy(sorted + i * size, (const char *)v + w[i].index * size, size);
        }
    }
    return sorted;
}

static void bind_commitments(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {
        "name",     "provider",           "total",       "start",         "term",
        "capacity", "price_per_gpu_hour", "take_or_pay", "allow_unbacked"};
    scn_each it = aif__scn_each_begin(c, n, at, "contracts.commitments");
    size_t count = it.count;
    aif_scenario_commitment *v = aif__scn_alloc(c, count, sizeof *v);
    if (v == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        v[i].take_or_pay = true;
        aif__cur_str(&it.item, "name", true, &v[i].name);
        v[i].provider = provider_ref(&it.item, "provider", true);
        aif__scn_qty(&it.item, "total", true, AIF_QTY_MONEY, 0, AIF_SCENARIO_USD_MAX,
                     &v[i].total_usd);
        aif__cur_date(&it.item, "start", true, &v[i].start_at);
        if (aif__scn_duration(&it.item, "term", true, SCN_DURATION_MAX, &v[i].term) &&
            v[i].term <= 0) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "term"), "%s.term: expected > 0", where);
        }
        aif__scn_qty(&it.item, "capacity", false, AIF_QTY_POWER, 0, AIF_SCENARIO_POWER_MAX_W,
                     &v[i].capacity_w);
        aif__scn_qty(&it.item, "price_per_gpu_hour", false, AIF_QTY_MONEY, 0,
                     AIF_SCENARIO_USD_PER_GPU_HOUR_MAX, &v[i].price_usd_per_gpu_hour);
        aif__cur_bool(&it.item, "take_or_pay", false, &v[i].take_or_pay);
        aif__cur_bool(&it.item, "allow_unbacked", false, &v[i].allow_unbacked);
        aif__scn_check_commitment(&it.item, &v[i]);
    }
    c->s->contracts.commitments = v;
    c->s->contracts.commitment_count = count;
}

static void bind_rofrs(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name",
                                       "holder",
                                       "from",
                                       "to",
                                       "accept",
                                       "probability",
                                       "max_price_per_gpu_hour",
                                       "price_per_gpu_hour"};
    static const char *const rules[] = {"always", "never", "probability", "price_at_most"};
    scn_each it = aif__scn_each_begin(c, n, at, "contracts.rofr");
    size_t count = it.count;
    aif_scenario_rofr *v = aif__scn_alloc(c, count, sizeof *v);
    window_ref *w = aif__scn_alloc(c, count, sizeof *w);
    if (v == NULL || w == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        w[i] = (window_ref){AIF_TIME_MIN, AIF_TIME_MIN, aif__cur_pos(&it.item), i};
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", false, &v[i].name);
        v[i].holder = provider_ref(&it.item, "holder", true);
        read_window(&it.item, true, true, &v[i].from, &v[i].to);
        w[i].from = v[i].from;
        w[i].to = v[i].to;
        int rule = 0;
        aif__cur_enum(&it.item, "accept", false, rules, COUNT_OF(rules), &rule);
        v[i].rule = (aif_rofr_rule)rule;
        aif__cur_num(&it.item, "probability", v[i].rule == AIF_ROFR_PROBABILITY, 0, 1,
                     &v[i].probability);
        aif__scn_qty(&it.item, "max_price_per_gpu_hour", v[i].rule == AIF_ROFR_PRICE_AT_MOST,
                     AIF_QTY_MONEY, 0, AIF_SCENARIO_USD_PER_GPU_HOUR_MAX,
                     &v[i].max_price_usd_per_gpu_hour);
        aif__scn_qty(&it.item, "price_per_gpu_hour", false, AIF_QTY_MONEY, 0,
                     AIF_SCENARIO_USD_PER_GPU_HOUR_MAX, &v[i].price_usd_per_gpu_hour);
        if (v[i].name == NULL) {
            v[i].name = "rofr";
        }
    }
    aif_scenario_rofr *sorted = sorted_windows(c, w, v, count, sizeof *v, "contracts.rofr");
    if (sorted == NULL) {
        return;
    }
    c->s->contracts.rofrs = sorted;
    c->s->contracts.rofr_count = count;
}

static void bind_preferences(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"order", "from", "to"};
    scn_each it = aif__scn_each_begin(c, n, at, "contracts.preferred_partners");
    size_t count = it.count;
    aif_scenario_preference *v = aif__scn_alloc(c, count, sizeof *v);
    window_ref *w = aif__scn_alloc(c, count, sizeof *w);
    if (v == NULL || w == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        w[i] = (window_ref){AIF_TIME_MIN, AIF_TIME_MIN, aif__cur_pos(&it.item), i};
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        read_window(&it.item, false, false, &v[i].from, &v[i].to);
        w[i].from = v[i].from;
        w[i].to = v[i].to;
        struct fy_node *order = aif__cur_get(&it.item, "order");
        char ow[96];
        snprintf(ow, sizeof ow, "%s.order", where);
        if (order == NULL) {
            aif__scn_error(c, aif__cur_pos(&it.item), "%s: missing required key 'order'", where);
            continue;
        }
        scn_pos op = aif__cur_key_pos(&it.item, "order");
        size_t k = aif__y_seq_len(&c->r, order, op, ow);
        size_t *idx = aif__scn_alloc(c, k, sizeof *idx);
        if (idx == NULL) {
            return;
        }
        for (size_t j = 0; j < k; j++) {
            /* Each item is a provider id; wrap it so provider_ref reports its position. */
            struct fy_node *item = fy_node_sequence_get_by_index(order, (int)j);
            char id[80];
            idx[j] = AIF_SCENARIO_NONE;
            if (!aif__y_scalar_text(&c->r, item, op, ow, id, sizeof id)) {
                continue;
            }
            for (size_t p = 0; p < c->s->provider_count; p++) {
                if (c->s->providers[p].id && strcmp(c->s->providers[p].id, id) == 0) {
                    idx[j] = p;
                }
            }
            if (idx[j] == AIF_SCENARIO_NONE) {
                aif__scn_error(c, aif__scn_pos(c, item, op), "%s.%zu: unknown provider '%s'", ow, j,
                               id);
            }
        }
        v[i].providers = idx;
        v[i].provider_count = k;
    }
    aif_scenario_preference *sorted =
        sorted_windows(c, w, v, count, sizeof *v, "contracts.preferred_partners");
    if (sorted == NULL) {
        return;
    }
    c->s->contracts.preferences = sorted;
    c->s->contracts.preference_count = count;
}

static void bind_triggers(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "date", "compute"};
    scn_each it = aif__scn_each_begin(c, n, at, "contracts.triggers");
    size_t count = it.count;
    aif_scenario_trigger *v = aif__scn_alloc(c, count, sizeof *v);
    if (v == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", true, &v[i].name);
        bool has_date = aif__cur_get(&it.item, "date") != NULL;
        bool has_compute = aif__cur_get(&it.item, "compute") != NULL;
        if (has_date == has_compute) {
            aif__scn_error(c, aif__cur_pos(&it.item), "%s: give exactly one of 'date', 'compute'",
                           where);
        } else if (has_date) {
            v[i].kind = AIF_TRIGGER_DATE;
            aif__cur_date(&it.item, "date", true, &v[i].at);
        } else {
            v[i].kind = AIF_TRIGGER_COMPUTE;
            aif__scn_qty(&it.item, "compute", true, AIF_QTY_FLOP, 1, AIF_SCENARIO_FLOP_MAX,
                         &v[i].compute_flop);
        }
        for (size_t j = 0; j < i && v[i].name; j++) {
            if (v[j].name && strcmp(v[j].name, v[i].name) == 0) {
                aif__scn_error(c, aif__cur_key_pos(&it.item, "name"),
                               "%s.name: duplicate trigger '%s'", where, v[i].name);
            }
        }
    }
    c->s->contracts.triggers = v;
    c->s->contracts.trigger_count = count;
}

static void bind_revenue_shares(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "partner", "fraction", "from", "to", "until"};
    scn_each it = aif__scn_each_begin(c, n, at, "contracts.revenue_share");
    size_t count = it.count;
    aif_scenario_revenue_share *v = aif__scn_alloc(c, count, sizeof *v);
    if (v == NULL) {
        return;
    }
    const aif_scenario_contracts *k = &c->s->contracts;
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        v[i].until_trigger = AIF_SCENARIO_NONE;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", false, &v[i].name);
        v[i].partner = provider_ref(&it.item, "partner", true);
        aif__cur_num(&it.item, "fraction", true, 0, 1, &v[i].fraction);
        read_window(&it.item, false, false, &v[i].from, &v[i].to);
        const char *until = NULL;
        if (aif__cur_str(&it.item, "until", false, &until)) {
            for (size_t j = 0; j < k->trigger_count; j++) {
                if (k->triggers[j].name && strcmp(k->triggers[j].name, until) == 0) {
                    v[i].until_trigger = j;
                }
            }
            if (v[i].until_trigger == AIF_SCENARIO_NONE) {
                aif__scn_error(c, aif__cur_key_pos(&it.item, "until"),
                               "%s.until: unknown trigger '%s' (define it in contracts.triggers)",
                               where, until);
            }
        }
        if (v[i].name == NULL) {
            v[i].name = "revenue_share";
        }
    }
    c->s->contracts.revenue_shares = v;
    c->s->contracts.revenue_share_count = count;
}

/* Procurement beyond the contracted sites: a scenario choice, off unless the map is given
 * (and `enabled` is not false); the cap is then required. */
static void bind_procurement(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"enabled", "cap", "system", "block", "threshold"};
    const char *w = "contracts.procurement";
    const scn_cur cur = {&c->r, n, w, at};
    aif_scenario_procurement *p = &c->s->contracts.procurement;
    *p = (aif_scenario_procurement){
        .enabled = true, .system_id = "vr-nvl144", .block_w = 500e6, .threshold = 1.0};
    if (!aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    aif__cur_bool(&cur, "enabled", false, &p->enabled);
    aif__scn_qty(&cur, "cap", p->enabled, AIF_QTY_POWER, 0, AIF_SCENARIO_POWER_MAX_W, &p->cap_w);
    if (aif__cur_get(&cur, "system") != NULL) {
        (void)system_ref(&cur, &p->system_id);
    }
    aif__scn_qty(&cur, "block", false, AIF_QTY_POWER, SCN_POSITIVE, AIF_SCENARIO_POWER_MAX_W,
                 &p->block_w);
    aif__cur_num(&cur, "threshold", false, 0.01, 100, &p->threshold);
}

static void bind_contracts(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"commitments", "rofr",          "preferred_partners",
                                       "triggers",    "revenue_share", "procurement"};
    const scn_cur cur = {&c->r, n, "contracts", at};
    if (n == NULL || !aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    struct fy_node *x;
    if ((x = aif__cur_get(&cur, "commitments")) != NULL) {
        bind_commitments(c, x, aif__cur_key_pos(&cur, "commitments"));
    }
    if ((x = aif__cur_get(&cur, "rofr")) != NULL) {
        bind_rofrs(c, x, aif__cur_key_pos(&cur, "rofr"));
    }
    if ((x = aif__cur_get(&cur, "preferred_partners")) != NULL) {
        bind_preferences(c, x, aif__cur_key_pos(&cur, "preferred_partners"));
    }
    if ((x = aif__cur_get(&cur, "triggers")) != NULL) {
        bind_triggers(c, x, aif__cur_key_pos(&cur, "triggers"));
    }
    if ((x = aif__cur_get(&cur, "revenue_share")) != NULL && c->r.status == AIF_OK) {
        bind_revenue_shares(c, x, aif__cur_key_pos(&cur, "revenue_share"));
    }
    if ((x = aif__cur_get(&cur, "procurement")) != NULL) {
        bind_procurement(c, x, aif__cur_key_pos(&cur, "procurement"));
    }
}

/* ---- investments ---- */

static void vendor_ref(const scn_cur *k, const char **out) {
    if (!aif__cur_str(k, "vendor", true, out)) {
        return;
    }
    const aif_catalog *cat = aif__scn_of(k)->s->catalog;
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < aif_catalog_package_count(cat); i++) {
        const char *v = aif_catalog_package_at(cat, i)->vendor;
        if (v && strcmp(v, *out) == 0) {
            return;
        }
        if (v && n < 64) {
            names[n++] = v;
        }
    }
    const char *near = aif__y_nearest(*out, names, n);
    aif__y_error(k->r, aif__cur_key_pos(k, "vendor"),
                 "%s.vendor: no catalog package has vendor '%s'%s%s%s", k->path, *out,
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

static void bind_tranches(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "investor", "vendor", "amount",  "per",
                                       "cap",  "basis",    "from",   "provider"};
    static const char *const bases[] = {"facility", "it"};
    scn_each it = aif__scn_each_begin(c, n, at, "investments.tranches");
    size_t count = it.count;
    aif_scenario_tranche *v = aif__scn_alloc(c, count, sizeof *v);
    if (v == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", true, &v[i].name);
        aif__cur_str(&it.item, "investor", false, &v[i].investor);
        vendor_ref(&it.item, &v[i].vendor);
        aif__scn_qty(&it.item, "amount", true, AIF_QTY_MONEY, 0.01, AIF_SCENARIO_USD_MAX,
                     &v[i].amount_usd);
        aif__scn_qty(&it.item, "per", true, AIF_QTY_POWER, SCN_POSITIVE, AIF_SCENARIO_POWER_MAX_W,
                     &v[i].step_w);
        if (aif__scn_qty(&it.item, "cap", true, AIF_QTY_MONEY, 0.01, AIF_SCENARIO_USD_MAX,
                         &v[i].cap_usd) &&
            v[i].cap_usd < v[i].amount_usd) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "cap"),
                           "%s.cap: expected at least one tranche's amount", where);
        }
        int basis = 0;
        aif__cur_enum(&it.item, "basis", false, bases, 2, &basis);
        v[i].power_basis = (aif_power_basis)basis;
        v[i].from = 0;
        aif__cur_date(&it.item, "from", false, &v[i].from);
        v[i].provider = aif__cur_get(&it.item, "provider")
                            ? provider_ref(&it.item, "provider", false)
                            : AIF_SCENARIO_NONE;
    }
    c->s->investments.tranches = v;
    c->s->investments.tranche_count = count;
}

static void bind_warrants(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "issuer", "vendor",      "shares",  "per_step",
                                       "per",  "strike", "share_price", "provider"};
    scn_each it = aif__scn_each_begin(c, n, at, "investments.warrants");
    size_t count = it.count;
    aif_scenario_warrant *v = aif__scn_alloc(c, count, sizeof *v);
    if (v == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        const char *where = it.item.path;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", true, &v[i].name);
        aif__cur_str(&it.item, "issuer", false, &v[i].issuer);
        vendor_ref(&it.item, &v[i].vendor);
        aif__cur_num(&it.item, "shares", true, 1, 1e15, &v[i].shares_total);
        if (aif__cur_num(&it.item, "per_step", true, 1, 1e15, &v[i].shares_per_step) &&
            v[i].shares_per_step > v[i].shares_total && v[i].shares_total > 0) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "per_step"),
                           "%s.per_step: more than the total shares", where);
        }
        aif__scn_qty(&it.item, "per", true, AIF_QTY_POWER, SCN_POSITIVE, AIF_SCENARIO_POWER_MAX_W,
                     &v[i].step_w);
        aif__scn_qty(&it.item, "strike", false, AIF_QTY_MONEY, 0, AIF_SCENARIO_USD_MAX,
                     &v[i].strike_usd_per_share);
        /* The shares are valued at this price: their total must be an amount of money. */
        if (aif__scn_qty(&it.item, "share_price", false, AIF_QTY_MONEY, 0, AIF_SCENARIO_USD_MAX,
                         &v[i].share_price_usd) &&
            v[i].share_price_usd * v[i].shares_total > AIF_SCENARIO_USD_MAX) {
            aif__scn_error(c, aif__cur_key_pos(&it.item, "share_price"),
                           "%s.share_price: $%g a share x %g shares is $%g; at most $%g can be "
                           "valued",
                           where, v[i].share_price_usd, v[i].shares_total,
                           v[i].share_price_usd * v[i].shares_total, AIF_SCENARIO_USD_MAX);
        }
        v[i].provider = aif__cur_get(&it.item, "provider")
                            ? provider_ref(&it.item, "provider", false)
                            : AIF_SCENARIO_NONE;
    }
    c->s->investments.warrants = v;
    c->s->investments.warrant_count = count;
}

static void bind_rounds(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"name", "investor", "amount", "date"};
    scn_each it = aif__scn_each_begin(c, n, at, "investments.equity_rounds");
    size_t count = it.count;
    aif_scenario_equity_round *v = aif__scn_alloc(c, count, sizeof *v);
    if (v == NULL) {
        return;
    }
    while (aif__y_each_next(&it)) {
        size_t i = it.index;
        if (!aif__cur_keys(&it.item, keys, COUNT_OF(keys))) {
            continue;
        }
        aif__cur_str(&it.item, "name", true, &v[i].name);
        aif__cur_str(&it.item, "investor", false, &v[i].investor);
        aif__scn_qty(&it.item, "amount", true, AIF_QTY_MONEY, 0.01, AIF_SCENARIO_USD_MAX,
                     &v[i].amount_usd);
        aif__cur_date(&it.item, "date", true, &v[i].at);
    }
    /* Stable enough: rounds on the same date keep no meaningful order beyond the file's. */
    aif__scn_sort_by_time(c, v, count, sizeof *v, offsetof(aif_scenario_equity_round, at));
    c->s->investments.equity_rounds = v;
    c->s->investments.equity_round_count = count;
}

static void bind_investments(scn_ctx *c, struct fy_node *n, scn_pos at) {
    static const char *const keys[] = {"tranches", "warrants", "equity_rounds"};
    const scn_cur cur = {&c->r, n, "investments", at};
    if (n == NULL || !aif__cur_keys(&cur, keys, COUNT_OF(keys))) {
        return;
    }
    struct fy_node *x;
    if ((x = aif__cur_get(&cur, "tranches")) != NULL) {
        bind_tranches(c, x, aif__cur_key_pos(&cur, "tranches"));
    }
    if ((x = aif__cur_get(&cur, "warrants")) != NULL) {
        bind_warrants(c, x, aif__cur_key_pos(&cur, "warrants"));
    }
    if ((x = aif__cur_get(&cur, "equity_rounds")) != NULL) {
        bind_rounds(c, x, aif__cur_key_pos(&cur, "equity_rounds"));
    }
}

/* ---- root ---- */

static const char *base_name(scn_ctx *c) {
    const char *slash = strrchr(c->file, '/');
    const char *b = slash ? slash + 1 : c->file;
    const char *dot = strrchr(b, '.');
    char *name = aif_arena_strndup(c->s->arena, b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
    if (name == NULL) {
        c->r.status = AIF_ENOMEM;
    }
    return name;
}

void aif__scn_bind(scn_ctx *c, struct fy_node *root) {
    static const char *const keys[] = {"aifactory",   "name",      "description", "simulation",
                                       "catalog",     "providers", "sites",       "contracts",
                                       "investments", "demand",    "failures",    "economics"};
    scn_pos top = {c->file, 1, 1};
    const scn_cur doc = {&c->r, root, "scenario", top};
    if (!aif__cur_keys(&doc, keys, COUNT_OF(keys))) {
        return;
    }
    double version = 0;
    if (aif__cur_num(&doc, "aifactory", true, 0, SCN_VERSION_MAX, &version) &&
        version != AIF_SCENARIO_VERSION) {
        aif__scn_error(c, aif__cur_key_pos(&doc, "aifactory"),
                       "aifactory: unsupported version %g (this build reads version %d)", version,
                       AIF_SCENARIO_VERSION);
    }
    aif_scenario *s = c->s;
    if (!aif__cur_str(&doc, "name", false, &s->name)) {
        s->name = base_name(c);
    }
    aif__cur_str(&doc, "description", false, &s->description);
#define SECTION(key) aif__cur_get(&doc, key), aif__cur_key_pos(&doc, key)
    bind_simulation(c, SECTION("simulation"));
    bind_catalog(c, root, top);
    if (c->r.status != AIF_OK) {
        return;
    }
    bind_providers(c, SECTION("providers"));
    bind_sites(c, SECTION("sites"));
    bind_contracts(c, SECTION("contracts"));
    bind_investments(c, SECTION("investments"));
    if (c->r.status != AIF_OK) {
        return;
    }
    aif__scn_bind_demand(c, root, top);
#undef SECTION
}
