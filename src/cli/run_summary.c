/* The one-screen terminal summary of `aifactory run` (see run_summary.h). Everything shown
 * is derived from the engine's event log, daily rows, ledger and run results, so it agrees
 * with the CSV files and the report of the same run. */
#include "run_summary.h"

#include <math.h>
#include <string.h>

#include <stdlib.h>

#include "aifactory/contracts.h"
#include "aifactory/fleet_finance.h"
#include "aifactory/scenario.h"
#include "run_summary_data.h"

static void heading(FILE *out, bool color, const char *text) {
    fprintf(out, color ? "\n\033[1m%s\033[0m\n" : "\n%s\n", text);
}

/* "$1.23T", "$45.6B", "$789M", "$12.3k" */
static const char *usd(char buf[24], double v) {
    double a = fabs(v);
    const char *sign = v < 0 ? "-" : "";
    if (a >= 1e12) {
        snprintf(buf, 24, "%s$%.2fT", sign, a / 1e12);
    } else if (a >= 1e9) {
        snprintf(buf, 24, "%s$%.1fB", sign, a / 1e9);
    } else if (a >= 1e6) {
        snprintf(buf, 24, "%s$%.0fM", sign, a / 1e6);
    } else {
        snprintf(buf, 24, "%s$%.0f", sign, a);
    }
    return buf;
}

static const char *date_of(char buf[16], aif_time t, aif_date start) {
    if (aif_date_format(aif_sim_to_date(t, start), buf) != AIF_OK) {
        snprintf(buf, 16, "?");
    }
    return buf;
}

/* GW and GPUs online at each year end, by provider, from the block events. */
static void capacity_table(FILE *out, const aif_scenario *sc, const aif_fleet *f, bool color) {
    summary_capacity c;
    summary_capacity_compute(sc, f, &c);
    heading(out, color, "Online at year end: facility GW / GPUs (millions of packages)");
    fprintf(out, "  %-18s", "provider");
    for (int y = 0; y < c.years; y++) {
        fprintf(out, " %11d", c.first_year + y);
    }
    fprintf(out, "\n");
    for (size_t p = 0; p <= c.providers; p++) {
        fprintf(out, "  %-18.18s", p < c.providers ? aif_scenario_provider_at(sc, p)->id : "total");
        for (int y = 0; y < c.years; y++) {
            if (c.w[p][y] <= 0) {
                fprintf(out, " %11s", "-");
            } else {
                fprintf(out, " %5.2f/%5.2f", c.w[p][y] / 1e9, c.gpus[p][y] / 1e6);
            }
        }
        fprintf(out, "\n");
    }
}

static void money(FILE *out, const aif_scenario *sc, const aif_fleet *f, bool color) {
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    summary_provider_money pm;
    summary_provider_money_compute(sc, f, &pm);
    char a[24], b[24], c[24], d[24];
    heading(out, color, "What it cost (whole period)");
    for (size_t p = 0; p < pm.providers; p++) {
        if (pm.capex[p] > 0 || pm.cloud[p] > 0) {
            fprintf(out, "  %-18.18s capex %-10s cloud paid %s\n",
                    aif_scenario_provider_at(sc, p)->id, usd(a, pm.capex[p]), usd(b, pm.cloud[p]));
        }
    }
    fprintf(out, "  capex %s, power %s (%.1f TWh), cloud %s, depreciation %s\n",
            usd(a, s->capex_usd), usd(b, s->power_usd), s->energy_mwh / 1e6,
            usd(c, s->cloud_payments_usd), usd(d, s->depreciation_usd));
    fprintf(out, "  received: tranches %s, equity %s, revenue %s; cash position %s\n",
            usd(a, s->vendor_investment_usd), usd(b, s->equity_usd), usd(c, s->revenue_usd),
            usd(d, s->cash_usd));
    if (s->revenue_share_usd > 0) {
        fprintf(out, "  revenue shares paid to partners: %s\n", usd(a, s->revenue_share_usd));
    }
}

/* Each trigger with the date it fired, then each revenue share, what it paid and why it
 * stopped. */
static void triggers(FILE *out, const aif_scenario *sc, const aif_fleet *f) {
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
    aif_date start = aif_scenario_simulation_get(sc)->start_date;
    char a[24], b[24];
    if (k->trigger_count > 0) {
        fprintf(out, "  training compute %.3g FLOP (frontier %.3g, research %.3g)\n",
                s->frontier_compute_flop + s->research_compute_flop, s->frontier_compute_flop,
                s->research_compute_flop);
    }
    for (size_t i = 0; i < k->trigger_count; i++) {
        const aif_scenario_trigger *t = &k->triggers[i];
        aif_time at = aif_fleet_trigger_time(f, i);
        if (t->kind == AIF_TRIGGER_COMPUTE) {
            fprintf(out, "  trigger %s (training compute >= %.3g FLOP): ", t->name,
                    t->compute_flop);
        } else {
            fprintf(out, "  trigger %s (date): ", t->name);
        }
        if (at == AIF_TIME_MAX) {
            fprintf(out, "not fired\n");
        } else {
            fprintf(out, "fired %s\n", date_of(a, at, start));
        }
    }
    for (size_t r = 0; r < k->revenue_share_count; r++) {
        const aif_scenario_revenue_share *v = &k->revenue_shares[r];
        summary_revenue_share rs;
        summary_revenue_share_compute(sc, f, r, &rs);
        fprintf(out, "  revenue share %s (%.0f%% to %s): %s paid to the partner", v->name,
                100 * v->fraction, aif_scenario_provider_at(sc, v->partner)->id,
                usd(a, rs.paid_usd));
        if (rs.by_trigger) {
            fprintf(out, ", stopped by %s on %s", k->triggers[v->until_trigger].name,
                    date_of(b, rs.stop, start));
        } else if (rs.ended) {
            fprintf(out, ", ended %s", date_of(b, rs.stop, start));
        } else {
            fprintf(out, ", still running at the end");
        }
        fprintf(out, "\n");
    }
}

/* The P&L and cash flow per calendar year, the capacity by origin, then the NPV and the
 * cost per million tokens over the run (fleet_finance.h). */
static void finance(FILE *out, const aif_fleet *f, bool color) {
    size_t n = aif_fleet_year_count(f);
    aif_fleet_year *ys = calloc(n, sizeof *ys);
    if (ys == NULL || aif_fleet_years(f, ys, n) != AIF_OK) {
        free(ys);
        return;
    }
    char a[24], b[24], c[24], d[24], e[24], g[24];
    heading(out, color,
            "Finance by calendar year (cost of revenue = depreciation + power + cloud)");
    fprintf(out, "  %-5s %9s %9s %9s %9s %9s %9s %8s %11s\n", "year", "revenue", "cost rev",
            "margin", "capex", "free cash", "cash pos", "$/Mtok", "contr/proc");
    for (size_t i = 0; i < n; i++) {
        const aif_fleet_year *y = &ys[i];
        char tok[16] = "-";
        if (isfinite(y->usd_per_million_tokens)) {
            snprintf(tok, sizeof tok, "%.2f", y->usd_per_million_tokens);
        }
        fprintf(out, "  %-5d %9s %9s %9s %9s %9s %9s %8s %5.2f/%5.2f\n", y->year,
                usd(a, y->revenue_usd), usd(b, y->cost_of_revenue_usd), usd(c, y->gross_margin_usd),
                usd(d, y->capex_usd), usd(e, y->free_cash_flow_usd), usd(g, y->cash_position_usd),
                tok, y->contracted_facility_w / 1e9, y->procured_facility_w / 1e9);
    }
    free(ys);
    fprintf(out, "  (contr/proc: facility GW online at year end, contracted by the scenario / "
                 "procured by the engine)\n");
    double per_mtok = aif_fleet_usd_per_million_tokens(f);
    fprintf(out,
            "  NPV of free cash flow at %.1f%% WACC: %s; cost of revenue per million tokens "
            "served: ",
            100 * aif_fleet_wacc(f), usd(a, aif_fleet_npv(f)));
    if (isfinite(per_mtok)) {
        fprintf(out, "$%.2f\n", per_mtok);
    } else {
        fprintf(out, "none served\n");
    }
}

static void demand(FILE *out, const aif_scenario *sc, const aif_fleet *f, bool color) {
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    heading(out, color, "Demand and use");
    fprintf(out, "  inference tokens served: %.1f%% overall;", 100 * s->inference_served_fraction);
    summary_served sv;
    summary_served_compute(sc, f, &sv);
    for (int i = 0; i < sv.count; i++) {
        fprintf(out, " %d %.0f%%", sv.year[i], 100 * sv.fraction[i]);
    }
    double total = summary_gpu_hours_total(s);
    fprintf(out,
            "\n  GPU-hours %.3g: inference %.1f%%, training %.1f%%, research %.1f%%, idle "
            "%.1f%%, failed %.2f%%\n",
            total, 100 * s->gpu_hours[0] / total, 100 * s->gpu_hours[1] / total,
            100 * s->gpu_hours[2] / total, 100 * s->gpu_hours[3] / total,
            100 * s->gpu_hours[4] / total);
    fprintf(out, "  research jobs done %ld (%ld preemptions); procurement orders %ld\n",
            s->research_jobs_done, s->research_preemptions, s->orders);
}

static void training(FILE *out, const aif_scenario *sc, const aif_fleet *f, bool color) {
    aif_date start = aif_scenario_simulation_get(sc)->start_date;
    char a[16], b[16];
    if (aif_fleet_run_count(f) == 0) {
        return; /* no heading over nothing */
    }
    heading(out, color, "Frontier training runs");
    for (size_t i = 0; i < aif_fleet_run_count(f); i++) {
        const aif_fleet_run_result *r = aif_fleet_run_at(f, i);
        if (r->no_progress) {
            fprintf(out,
                    "  %-16.16s %8.0f GPUs  CANNOT PROGRESS: expected goodput %.2g%% (interrupted "
                    "faster than checkpoint + restart); not started\n",
                    r->name, r->gpus, 100 * r->expected_goodput);
        } else if (r->site < 0) {
            fprintf(out, "  %-16.16s %8.0f GPUs  never started\n", r->name, r->gpus);
        } else if (r->finish == AIF_TIME_MAX) {
            fprintf(out, "  %-16.16s %8.0f GPUs  started %s, not finished (goodput ~%.0f%%)\n",
                    r->name, r->gpus, date_of(a, r->start, start), 100 * r->expected_goodput);
        } else {
            fprintf(out,
                    "  %-16.16s %8.0f GPUs  %s -> %s (%.1f days, %ld interruptions, goodput "
                    "~%.0f%%)\n",
                    r->name, r->gpus, date_of(a, r->start, start), date_of(b, r->finish, start),
                    (double)(r->finish - r->start) / (double)AIF_NS_PER_DAY, r->interruptions,
                    100 * r->expected_goodput);
        }
    }
}

static void milestones(FILE *out, const aif_scenario *sc, const aif_fleet *f, bool color) {
    aif_date start = aif_scenario_simulation_get(sc)->start_date;
    const aif_scenario_investments *inv = aif_scenario_investments_get(sc);
    const aif_scenario_contracts *k = aif_scenario_contracts_get(sc);
    char a[24], b[16], m[24];
    if (inv->tranche_count + inv->warrant_count + inv->equity_round_count + k->rofr_count +
            k->commitment_count + k->trigger_count + k->revenue_share_count ==
        0) {
        return; /* no heading over nothing */
    }
    heading(out, color, "Contract milestones");
    size_t ne = aif_fleet_event_count(f);
    for (size_t t = 0; t < inv->tranche_count + inv->warrant_count; t++) {
        bool tranche = t < inv->tranche_count;
        size_t idx = tranche ? t : t - inv->tranche_count;
        const char *name = tranche ? inv->tranches[idx].name : inv->warrants[idx].name;
        uint32_t kind = tranche ? AIF_FEV_TRANCHE : AIF_FEV_WARRANT;
        int count = 0, col = 0;
        double total = 0;
        for (size_t i = 0; i < ne; i++) {
            const aif_fleet_event *e = aif_fleet_event_at(f, i);
            if (e->kind != kind || (size_t)e->a != idx) {
                continue;
            }
            if (count == 0) {
                col = fprintf(out, "  %s %s:", tranche ? "tranches" : "warrant", name);
            }
            if (col > 86) {
                col = fprintf(out, "\n    ");
            }
            col += fprintf(out, " %s", date_of(a, e->time, start));
            count++;
            total += e->b;
        }
        if (count == 0) {
            fprintf(out, "  %s %s: none paid", tranche ? "tranches" : "warrant", name);
        }
        if (tranche) {
            fprintf(out, "\n    -> %d x %s = %s\n", count, usd(m, inv->tranches[idx].amount_usd),
                    usd(a, total));
        } else {
            fprintf(out, "\n    -> %d steps, %.3g shares vested\n", count, total);
        }
    }
    for (size_t i = 0; i < ne; i++) {
        const aif_fleet_event *e = aif_fleet_event_at(f, i);
        if (e->kind == AIF_FEV_EQUITY) {
            fprintf(out, "  equity %s: %s on %s\n", inv->equity_rounds[e->a].name, usd(m, e->b),
                    date_of(a, e->time, start));
        }
    }
    for (size_t r = 0; r < k->rofr_count; r++) {
        const aif_scenario_rofr *o = &k->rofrs[r];
        summary_rofr st;
        summary_rofr_compute(sc, f, r, &st);
        fprintf(out, "  ROFR %s (%s): %s to %s, %ld offers, %ld accepted", o->name,
                aif_scenario_provider_at(sc, o->holder)->id,
                o->from < 0 ? "before start" : date_of(a, o->from, start), date_of(b, o->to, start),
                st.offers, st.accepted);
        if (st.last >= 0) {
            fprintf(out, ", last on %s", date_of(a, st.last, start));
        }
        fprintf(out, "\n");
    }
    for (size_t c = 0; c < k->commitment_count; c++) {
        const aif_scenario_commitment *cm = &k->commitments[c];
        fprintf(out, "  commitment %s: %s from %s over %.1f years%s\n", cm->name,
                usd(m, cm->total_usd), date_of(a, cm->start_at, start),
                (double)cm->term / (double)AIF_NS_PER_YEAR, cm->take_or_pay ? ", take-or-pay" : "");
    }
    triggers(out, sc, f);
}

void run_summary_print(FILE *out, const aif_scenario *sc, const aif_fleet *f, double wall_s,
                       const char *dir, const char *report, bool color) {
    const aif_scenario_simulation *sim = aif_scenario_simulation_get(sc);
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    char a[16], b[16];
    aif_date_format(sim->start_date, a);
    aif_date_format(sim->end_date, b);
    fprintf(out,
            color ? "\033[1m%s\033[0m: %s to %s, seed %llu; %llu events in %.2f s\n"
                  : "%s: %s to %s, seed %llu; %llu events in %.2f s\n",
            aif_scenario_name(sc), a, b, (unsigned long long)sim->seed,
            (unsigned long long)s->events, wall_s);
    fprintf(out, "peak %.2f GW facility, %.2fM GPUs (%.2fM dies)\n", s->peak_facility_w / 1e9,
            (double)s->peak_packages / 1e6, (double)s->peak_dies / 1e6);
    capacity_table(out, sc, f, color);
    money(out, sc, f, color);
    finance(out, f, color);
    demand(out, sc, f, color);
    training(out, sc, f, color);
    milestones(out, sc, f, color);
    fprintf(out, "\nresults: %s/ (results.sqlite, *.csv, summary.json)\n", dir);
    if (report[0]) {
        fprintf(out, "report:  %s\n", report);
    }
}
