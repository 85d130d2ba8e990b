/* The finance view of a finished fleet run (fleet_finance.h): per-year P&L and cash flow,
 * NPV at the cost of capital and the cost per million tokens, all read back from the
 * engine's daily rows, ledger and block events, so they add up to the run's totals. */
#include "aifactory/fleet_finance.h"

#include <math.h>

#include "fleet_internal.h"

bool aif_fleet_block_procured(const aif_fleet *f, size_t i) {
    if (f == NULL || i >= f->build.blocks.count) {
        return false;
    }
    /* Procurement orders carry their order index; the scenario's blocks carry -1. */
    return ((const fleet_block *)f->build.blocks.data)[i].order >= 0;
}

size_t aif_fleet_year_count(const aif_fleet *f) {
    if (f == NULL) {
        return 0;
    }
    aif_date start = f->in->simulation.start_date;
    int last = aif_sim_to_date(f->in->simulation.end - 1, start).year;
    return (size_t)(last - start.year + 1);
}

/* Ledger kinds the engine posts at a month's end for the month just ended. */
static bool posted_for_month_before(aif_ledger_kind k) {
    return k == AIF_LEDGER_POWER || k == AIF_LEDGER_CLOUD || k == AIF_LEDGER_REVENUE ||
           k == AIF_LEDGER_DEPRECIATION || k == AIF_LEDGER_REVENUE_SHARE;
}

/* The instant an entry belongs to: a monthly bill to the last instant of the month it is
 * for (it is posted at that month's end), anything else to its posting time; kept inside
 * the period, so what is posted at its very end counts in the last year. */
static aif_time entry_time(const aif_ledger_entry *e, aif_time end) {
    aif_time t = posted_for_month_before((aif_ledger_kind)e->kind) ? e->time - 1 : e->time;
    return t < 0 ? 0 : (t >= end ? end - 1 : t);
}

static size_t year_index(aif_time t, aif_date start) {
    return (size_t)(aif_sim_to_date(t, start).year - start.year);
}

/* A year's ledger sums, in cents so that they add up exactly (dollars are formed once). */
typedef struct year_cents {
    int64_t kind[AIF_LEDGER_KIND_COUNT];
    int64_t cash;
} year_cents;

static double usd(int64_t cents) {
    return (double)cents / 100.0;
}

/* Nominal facility W online by origin at each year's end, replayed from the block events
 * (in time order), as the terminal's capacity table counts it. */
static void capacity_by_origin(const aif_fleet *f, aif_fleet_year *out, size_t n) {
    double w[2] = {0, 0};
    size_t ne = aif_fleet_event_count(f), e = 0;
    for (size_t y = 0; y < n; y++) {
        for (; e < ne && aif_fleet_event_at(f, e)->time < out[y].to; e++) {
            const aif_fleet_event *ev = aif_fleet_event_at(f, e);
            if (ev->kind != AIF_FEV_BLOCK_ONLINE && ev->kind != AIF_FEV_BLOCK_RETIRED) {
                continue;
            }
            const aif_block *b = aif_fleet_block_at(f, (size_t)ev->a);
            double sign = ev->kind == AIF_FEV_BLOCK_ONLINE ? 1.0 : -1.0;
            w[aif_fleet_block_procured(f, (size_t)ev->a)] += sign * b->nominal_w;
        }
        out[y].contracted_facility_w = w[0];
        out[y].procured_facility_w = w[1];
    }
}

aif_status aif_fleet_years(const aif_fleet *f, aif_fleet_year *out, size_t cap) {
    if (f == NULL || out == NULL || !f->ran) {
        return AIF_EINVAL;
    }
    size_t n = aif_fleet_year_count(f);
    if (cap < n) {
        return AIF_EINVAL;
    }
    if (n > AIF_FLEET_MAX_YEARS) {
        return AIF_ERANGE;
    }
    aif_date start = f->in->simulation.start_date;
    aif_time end = f->in->simulation.end;
    for (size_t y = 0; y < n; y++) {
        int year = start.year + (int)y;
        aif_time from = aif_date_to_sim((aif_date){year, 1, 1}, start);
        aif_time to = aif_date_to_sim((aif_date){year + 1, 1, 1}, start);
        out[y] =
            (aif_fleet_year){.year = year, .from = from < 0 ? 0 : from, .to = to > end ? end : to};
    }
    for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
        const aif_fleet_day *day = aif_fleet_day_at(f, d);
        size_t y = year_index(day->time, start);
        if (y < n) {
            for (int u = 0; u < 5; u++) {
                out[y].gpu_hours[u] += day->gpu_hours[u];
            }
            out[y].tokens_served += day->tokens_served;
        }
    }
    year_cents sums[AIF_FLEET_MAX_YEARS] = {0};
    const aif_ledger *l = f->ledger;
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        size_t y = year_index(entry_time(e, end), start);
        if (y < n && e->kind < AIF_LEDGER_KIND_COUNT) {
            sums[y].kind[e->kind] += e->cents;
            sums[y].cash += aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind) * e->cents;
        }
    }
    int64_t cash = 0;
    for (size_t y = 0; y < n; y++) {
        aif_fleet_year *r = &out[y];
        const int64_t *k = sums[y].kind;
        r->capex_usd = usd(k[AIF_LEDGER_CAPEX]);
        r->power_usd = usd(k[AIF_LEDGER_POWER]);
        r->cloud_usd = usd(k[AIF_LEDGER_CLOUD]);
        r->tranche_usd = usd(k[AIF_LEDGER_TRANCHE]);
        r->equity_usd = usd(k[AIF_LEDGER_EQUITY]);
        r->revenue_usd = usd(k[AIF_LEDGER_REVENUE]);
        r->depreciation_usd = usd(k[AIF_LEDGER_DEPRECIATION]);
        r->revenue_share_usd = usd(k[AIF_LEDGER_REVENUE_SHARE]);
        int64_t cost = k[AIF_LEDGER_DEPRECIATION] + k[AIF_LEDGER_POWER] + k[AIF_LEDGER_CLOUD];
        r->cost_of_revenue_usd = usd(cost);
        r->gross_margin_usd = usd(k[AIF_LEDGER_REVENUE] - cost);
        r->free_cash_flow_usd =
            usd(k[AIF_LEDGER_REVENUE] - k[AIF_LEDGER_REVENUE_SHARE] - k[AIF_LEDGER_CAPEX] -
                k[AIF_LEDGER_POWER] - k[AIF_LEDGER_CLOUD]);
        r->cash_flow_usd = usd(sums[y].cash);
        cash += sums[y].cash;
        r->cash_position_usd = usd(cash);
        r->usd_per_million_tokens =
            r->tokens_served > 0 ? r->cost_of_revenue_usd / (r->tokens_served / 1e6) : NAN;
    }
    capacity_by_origin(f, out, n);
    return AIF_OK;
}

/* +1 / -1 for the kinds of free cash flow, 0 for financing and book entries. */
static int free_cash_sign(aif_ledger_kind k) {
    if (k == AIF_LEDGER_TRANCHE || k == AIF_LEDGER_EQUITY) {
        return 0;
    }
    return aif_ledger_kind_cash_sign(k);
}

double aif_fleet_npv_of_ledger(const aif_ledger *l, double wacc) {
    if (l == NULL || !(wacc >= 0 && wacc <= 1)) {
        return NAN;
    }
    double npv = 0, log_growth = log1p(wacc);
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        int sign = free_cash_sign((aif_ledger_kind)e->kind);
        if (sign != 0) {
            double years = (double)e->time / (double)AIF_NS_PER_YEAR;
            npv += sign * (double)e->cents / 100.0 * exp(-years * log_growth);
        }
    }
    return npv;
}

double aif_fleet_wacc(const aif_fleet *f) {
    return f ? f->in->economics.wacc : NAN;
}

double aif_fleet_npv(const aif_fleet *f) {
    return f ? aif_fleet_npv_of_ledger(f->ledger, f->in->economics.wacc) : NAN;
}

double aif_fleet_usd_per_million_tokens(const aif_fleet *f) {
    if (f == NULL) {
        return NAN;
    }
    double tokens = 0;
    for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
        tokens += aif_fleet_day_at(f, d)->tokens_served;
    }
    const aif_ledger *l = f->ledger;
    double cost =
        usd(aif_ledger_total(l, AIF_LEDGER_DEPRECIATION) + aif_ledger_total(l, AIF_LEDGER_POWER) +
            aif_ledger_total(l, AIF_LEDGER_CLOUD));
    return tokens > 0 ? cost / (tokens / 1e6) : NAN;
}

const char *aif_fleet_run_status(const aif_fleet_run_result *r) {
    if (r->no_progress) {
        return "cannot_progress";
    }
    if (r->site < 0) {
        return "never_started";
    }
    return r->finish == AIF_TIME_MAX ? "not_finished" : "finished";
}
