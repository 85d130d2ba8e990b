/* The key series a sweep keeps of each run (sweep_exec.h), taken from the finished fleet:
 * its daily rows (capacity online, tokens served) and its ledger (cumulative capex,
 * revenue and cash position), sampled at the ends of the run's calendar months. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aifactory/fleet.h"
#include "sweep_exec.h"
#include "sweep_series.h"

const char *const sweep_series_names[SWEEP_SERIES_COUNT] = {
    "gpus_online", "facility_gw", "tokens_served", "capex_usd", "revenue_usd", "cash_usd",
};
const char *const sweep_series_units[SWEEP_SERIES_COUNT] = {
    "GPUs", "GW", "tokens", "USD", "USD", "USD",
};

enum { S_GPUS, S_GW, S_TOKENS, S_CAPEX, S_REVENUE, S_CASH };

/* First point whose time is at or after t (times ascending), n when none. */
static size_t point_of(const aif_time *t, size_t n, aif_time x) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] < x) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

void sweep_series_of(const aif_fleet *f, const aif_scenario_simulation *sim, sweep_series *s) {
    s->points = 0;
    aif_date start = sim->start_date;
    aif_time end = sim->end;
    /* Whole calendar months in the run (the last one may be partial), then the step that
     * keeps them within SWEEP_SERIES_POINTS. */
    int32_t months = 0;
    while (months < 100000 &&
           aif_date_to_sim(aif_date_add_months(start, months + 1), start) < end) {
        months++;
    }
    months++;
    int32_t step = (months + SWEEP_SERIES_POINTS - 1) / SWEEP_SERIES_POINTS;
    aif_time t[SWEEP_SERIES_POINTS];
    size_t n = 0;
    for (int32_t k = 1; n < SWEEP_SERIES_POINTS; k++) {
        aif_date d = aif_date_add_months(start, k * step);
        aif_time tk = aif_date_to_sim(d, start);
        if (tk >= end) {
            tk = end;
            d = sim->end_date;
        }
        t[n] = tk;
        s->days[n] = (int32_t)aif_date_to_days(d);
        n++;
        if (tk >= end) {
            break;
        }
    }
    memset(s->v, 0, sizeof s->v);
    /* Daily rows: a stock at a point is the last day that ended by then; tokens are summed
     * over the days of the point's period. */
    size_t days = aif_fleet_day_count(f);
    bool seen[SWEEP_SERIES_POINTS] = {false};
    for (size_t i = 0; i < days; i++) {
        const aif_fleet_day *day = aif_fleet_day_at(f, i);
        size_t k = point_of(t, n, day->time + AIF_NS_PER_DAY);
        if (k >= n) {
            k = n - 1; /* a last day cut short by the end */
        }
        s->v[S_TOKENS][k] += day->tokens_served;
        s->v[S_GPUS][k] = (double)day->packages;
        s->v[S_GW][k] = day->facility_w / 1e9;
        seen[k] = true;
    }
    /* A period without a day row of its own keeps the stock of the one before. */
    for (size_t k = 1; k < n; k++) {
        if (!seen[k]) {
            s->v[S_GPUS][k] = s->v[S_GPUS][k - 1];
            s->v[S_GW][k] = s->v[S_GW][k - 1];
        }
    }
    /* The ledger in integer cents per point, then running sums: exact, as its totals are. */
    int64_t cents[3][SWEEP_SERIES_POINTS] = {{0}};
    const aif_ledger *l = aif_fleet_ledger(f);
    for (size_t i = 0; l && i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        size_t k = point_of(t, n, e->time);
        if (k >= n) {
            k = n - 1;
        }
        if (e->kind == AIF_LEDGER_CAPEX) {
            cents[0][k] += e->cents;
        } else if (e->kind == AIF_LEDGER_REVENUE) {
            cents[1][k] += e->cents;
        }
        cents[2][k] += aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind) * e->cents;
    }
    int64_t run[3] = {0, 0, 0};
    for (size_t k = 0; k < n; k++) {
        for (int j = 0; j < 3; j++) {
            run[j] += cents[j][k];
        }
        s->v[S_CAPEX][k] = (double)run[0] / 100.0;
        s->v[S_REVENUE][k] = (double)run[1] / 100.0;
        s->v[S_CASH][k] = (double)run[2] / 100.0;
    }
    s->points = (uint32_t)n;
}
