/* The fleet engine's hourly work (fleet.h): rack failures and repairs, frontier runs
 * (gang-scheduled on one site, interrupted at rate x GPUs, checkpoint/restart through
 * training.h; their compute counts when they finish), inference allocation with priority,
 * research over what is left (fleet_research.c), daily statistics and procurement through
 * contracts.h. */
#include <math.h>
#include <string.h>

#include "aifactory/demand.h"
#include "aifactory/dist.h"
#include "fleet_internal.h"

static const double HOURS_PER_YEAR = (double)(AIF_NS_PER_YEAR / AIF_NS_PER_HOUR);

static size_t cell(size_t site, size_t type) {
    return site * FLEET_MAX_TYPES + type;
}

static int64_t cell_free(const aif_fleet *f, size_t c, size_t type) {
    int64_t up =
        f->build.cell_racks[c] * f->build.types[type].packages_per_rack - f->build.cell_down[c];
    int64_t fr = up - f->build.cell_reserved[c];
    return fr > 0 ? fr : 0;
}

static size_t site_provider(const aif_fleet *f, size_t site) {
    return f->build.site_provider[site];
}

/* ---- frontier runs ---- */

/* Interruptions per GPU-year of a synchronous job on type t: every fault class of its
 * system (reliability.h), scaled by the scenario's rate against Llama 3's. */
static double type_rate(const aif_fleet *f, const fleet_type *t) {
    return aif_reliability_rate(&t->rel) * f->in->failures.interruptions_per_gpu_year /
           aif_reliability_reference_rate();
}

/* Progress between checkpoints: the scenario's interval when it gives one, else Young's
 * optimum sqrt(2 x checkpoint cost x mean time between interruptions) for this run's size
 * and system (at least 1 s, at most the whole run). */
static double checkpoint_interval_s(const aif_fleet *f, double rate_per_gpu_year, double gpus,
                                    double work_s) {
    const aif_scenario_failures *fl = &f->in->failures;
    if (fl->checkpoint_interval > 0) {
        return (double)fl->checkpoint_interval * 1e-9;
    }
    double mtbi = aif_train_mtbi_s(rate_per_gpu_year, gpus);
    double tau = sqrt(2.0 * (double)fl->checkpoint_cost * 1e-9 * mtbi);
    return isfinite(tau) ? fmin(fmax(tau, 1.0), work_s) : work_s;
}

/* The run's checkpoint/restart model on type t, for `work_s` of failure-free work. Each
 * checkpoint blocks training for the checkpoint cost, so a segment between checkpoints is
 * tau of work plus that cost: the model (training.h) runs on segments of tau + cost and a
 * work inflated by (tau + cost) / tau; an interruption loses the segment in progress. */
static aif_train_params run_params(const aif_fleet *f, const fleet_run *r, const fleet_type *t,
                                   double work_s, double *tau_out) {
    const aif_scenario_failures *fl = &f->in->failures;
    double rate = type_rate(f, t);
    double tau = checkpoint_interval_s(f, rate, r->spec->gpus, work_s);
    double cost = (double)fl->checkpoint_cost * 1e-9;
    if (tau_out != NULL) {
        *tau_out = tau;
    }
    return (aif_train_params){.work_s = work_s * (tau + cost) / tau,
                              .gpus = r->spec->gpus,
                              .rate_per_gpu_year = rate,
                              .checkpoint_s = tau + cost,
                              .restart_s = (double)fl->restart_cost * 1e-9};
}

/* Goodput of useful work (the checkpoints' own time excluded) in closed form. */
static double run_goodput(const aif_train_params *tp, double tau) {
    double g = NAN;
    aif_train_expected(tp, &g, NULL);
    return g * tau / tp->checkpoint_s;
}

static double run_work_s(aif_fleet *f, const fleet_run *r, const fleet_type *t);

aif_status fleet_runs_create(aif_fleet *f) {
    const aif_scenario_training *tr = &f->in->training;
    if (tr->frontier_run_count == 0) {
        return AIF_OK;
    }
    f->training.runs = aif_calloc(f->alloc, tr->frontier_run_count, sizeof *f->training.runs);
    if (f->training.runs == NULL) {
        return AIF_ENOMEM;
    }
    f->training.run_count = tr->frontier_run_count;
    /* Until a run starts on a system, its goodput is reported on the least reliable one. */
    const fleet_type *worst = NULL;
    for (size_t t = 0; t < f->build.ntypes; t++) {
        if (worst == NULL || type_rate(f, &f->build.types[t]) > type_rate(f, worst)) {
            worst = &f->build.types[t];
        }
    }
    for (size_t i = 0; i < f->training.run_count; i++) {
        fleet_run *r = &f->training.runs[i];
        r->spec = &tr->frontier_runs[i];
        r->res = (aif_fleet_run_result){.name = r->spec->name,
                                        .site = -1,
                                        .start = AIF_TIME_MAX,
                                        .finish = AIF_TIME_MAX,
                                        .gpus = r->spec->gpus,
                                        .expected_goodput = NAN};
        double work = worst != NULL && worst->hw != NULL ? run_work_s(f, r, worst) : 0.0;
        if (work > 0 && isfinite(work)) {
            double tau;
            aif_train_params tp = run_params(f, r, worst, work, &tau);
            r->res.expected_goodput = run_goodput(&tp, tau);
        }
        /* One stream per run: its failure log does not move when other runs change. */
        aif_rng_seed(&r->rng, f->in->simulation.seed, 100 + i);
    }
    return AIF_OK;
}

double fleet_train_mfu(aif_fleet *f, const aif_model_spec *model, const fleet_type *t, double gpus,
                       aif_precision prec) {
    if (model == NULL || t->hw == NULL) {
        return FLEET_FALLBACK_MFU;
    }
    /* The scale bucket: the largest power of two <= gpus (at least one 8-GPU node), so
     * 100k, 400k and 800k GPUs ask the perf model about 65,536, 262,144 and 524,288 and
     * every job of a bucket shares one cached answer. */
    long bucket = 8;
    while ((double)bucket * 2 <= gpus && bucket < (1L << 40)) {
        bucket *= 2;
    }
    /* Llama 3 405B's batch per GPU (2,048 sequences of 8,192 tokens on 16,384 GPUs), kept
     * as runs grow (ASSUMPTION: weak scaling; docs/run.md). */
    long batch = bucket / 8 > 2048 ? bucket / 8 : 2048;
    aif_perf_train_query q = {.model = model,
                              .hw = t->hw,
                              .gpus = bucket,
                              .precision = prec,
                              .seq_len = 8192,
                              .global_batch = batch};
    aif_perf_train_result res;
    if (aif_perf_cache_train(f->perf, &q, &res) == AIF_OK && res.mfu > 0) {
        return res.mfu;
    }
    return FLEET_FALLBACK_MFU;
}

/* Seconds of failure-free work: the perf model's MFU for the run's model on this hardware
 * at the run's scale and precision (fleet_train_mfu). */
static double run_work_s(aif_fleet *f, const fleet_run *r, const fleet_type *t) {
    const aif_perf_hw *hw = t->hw;
    aif_precision prec = r->spec->precision;
    if ((unsigned)prec >= AIF_PREC_COUNT || !(hw->peak_flops[prec] > 0)) {
        prec = hw->train_precision;
    }
    double mfu = fleet_train_mfu(f, r->spec->model, t, r->spec->gpus, prec);
    return r->spec->compute_flop / (r->spec->gpus * hw->peak_flops[prec] * t->hw_scale * mfu);
}

static aif_status schedule_run(aif_fleet *f, size_t i, aif_time now) {
    fleet_run *r = &f->training.runs[i];
    aif_status st = aif_sim_schedule_at(f->sim, aif_train_progress_finish_time(&r->prog), f->self,
                                        CLS_RUN_FINISH, EV_RUN_FINISH, i, &r->finish_ev);
    double mtbi = aif_train_mtbi_s(r->rate_per_gpu_year, r->spec->gpus);
    r->fail_ev = AIF_PQ_HANDLE_NONE;
    if (st == AIF_OK && isfinite(mtbi)) {
        double gap = aif_dist_exponential(&r->rng, 1.0 / mtbi);
        aif_time gap_ns = aif_time_from_seconds(gap); /* saturates */
        aif_time at = gap_ns < AIF_TIME_MAX - r->prog.running_since ? r->prog.running_since + gap_ns
                                                                    : AIF_TIME_MAX;
        if (at < aif_train_progress_finish_time(&r->prog) && at >= now) {
            st =
                aif_sim_schedule_at(f->sim, at, f->self, CLS_RUN_FAIL, EV_RUN_FAIL, i, &r->fail_ev);
        }
    }
    return st;
}

static aif_status try_start_runs(aif_fleet *f, aif_time now) {
    for (size_t i = 0; i < f->training.run_count; i++) {
        fleet_run *r = &f->training.runs[i];
        if (r->state != 0 || r->spec->earliest_start_at > now || now > r->spec->deadline_at ||
            !(r->spec->gpus > 0) || !(r->spec->compute_flop > 0)) {
            continue;
        }
        int64_t want = (int64_t)ceil(r->spec->gpus);
        for (size_t s = 0; s < f->build.nsites; s++) {
            if (r->spec->site != AIF_SCENARIO_NONE && s != r->spec->site) {
                continue;
            }
            if (fleet_site_free(f, s) < want) {
                continue;
            }
            /* Packages are held type by type; the type giving most sets the pace and the
             * failure rate. */
            int64_t take_t[FLEET_MAX_TYPES] = {0}, left = want, best = 0;
            size_t pace = 0;
            for (size_t t = 0; t < f->build.ntypes && left > 0; t++) {
                int64_t take = cell_free(f, cell(s, t), t);
                take_t[t] = take < left ? take : left;
                left -= take_t[t];
                if (take_t[t] > best) {
                    best = take_t[t];
                    pace = t;
                }
            }
            const fleet_type *ty = &f->build.types[pace];
            double work = run_work_s(f, r, ty), tau;
            aif_train_params tp = run_params(f, r, ty, work, &tau);
            r->res.expected_goodput = run_goodput(&tp, tau);
            r->res.checkpoint_s = tau;
            /* When interruptions come faster than checkpoints and restarts can keep up, the
             * run would restart forever and fill the event log: report it once and never
             * start it, so it holds no GPUs. NaN (no failures at all) is not below the bound. */
            if (r->res.expected_goodput < AIF_FLEET_MIN_GOODPUT) {
                r->state = 3;
                r->res.no_progress = true;
                aif_status st = fleet_log(f, AIF_FEV_RUN_NO_PROGRESS, -1, (int64_t)i,
                                          r->res.expected_goodput, 0);
                if (st != AIF_OK) {
                    return st;
                }
                break;
            }
            for (size_t t = 0; t < f->build.ntypes; t++) {
                f->build.cell_reserved[cell(s, t)] += take_t[t];
                r->reserved[t] = take_t[t];
            }
            r->rate_per_gpu_year = tp.rate_per_gpu_year;
            aif_status st =
                aif_train_progress_start(&r->prog, tp.work_s, tp.checkpoint_s, tp.restart_s, now);
            if (st != AIF_OK) {
                return st;
            }
            r->state = 1;
            r->res.site = (int32_t)s;
            r->res.start = now;
            r->res.work_s = work; /* useful work: the checkpoints' own time excluded */
            st = fleet_log(f, AIF_FEV_RUN_START, (int32_t)site_provider(f, s), (int64_t)i,
                           r->spec->gpus, (int64_t)s);
            if (st == AIF_OK) {
                st = schedule_run(f, i, now);
            }
            if (st != AIF_OK) {
                return st;
            }
            break;
        }
    }
    return AIF_OK;
}

aif_status fleet_run_event(aif_fleet *f, uint32_t kind, size_t i, aif_time now) {
    fleet_run *r = &f->training.runs[i];
    if (r->state != 1) {
        return AIF_ESTATE;
    }
    if (kind == EV_RUN_FAIL) {
        double lost_before = r->prog.lost_s;
        aif_status st = aif_train_progress_interrupt(&r->prog, now);
        if (st == AIF_OK) {
            st = aif_sim_cancel(f->sim, r->finish_ev);
        }
        if (st == AIF_OK) {
            st = fleet_log(f, AIF_FEV_RUN_FAILURE, -1, (int64_t)i, r->prog.lost_s - lost_before,
                           r->prog.interruptions);
        }
        return st == AIF_OK ? schedule_run(f, i, now) : st;
    }
    if (r->fail_ev != AIF_PQ_HANDLE_NONE) {
        (void)aif_sim_cancel(f->sim, r->fail_ev); /* may have been consumed: fine */
    }
    for (size_t t = 0; t < f->build.ntypes; t++) {
        f->build.cell_reserved[cell((size_t)r->res.site, t)] -= r->reserved[t];
        r->reserved[t] = 0;
    }
    r->state = 2;
    r->res.finish = now;
    r->res.interruptions = r->prog.interruptions;
    r->res.lost_s = r->prog.lost_s;
    r->res.down_s = r->prog.down_s;
    aif_status st = fleet_log(f, AIF_FEV_RUN_FINISH, -1, (int64_t)i,
                              (double)(now - r->res.start) * 1e-9 / 86400.0, r->prog.interruptions);
    /* A run's compute counts at completion: a trigger on training compute is about the
     * model that exists, and a run that never finishes has produced no model. */
    return st == AIF_OK ? fleet_compute_add(f, r->spec->compute_flop, 0.0, now) : st;
}

/* ---- procurement ---- */

/* Serve `tok` tokens/s of class k from the free GPUs of each type, in type order: the one
 * allocation rule of the hourly loop and of the procurement forecast. Takes the GPUs used
 * out of free_t, adds them to *used and returns the tokens/s left unserved. */
static double serve_class(const aif_fleet *f, size_t k, double tok, int64_t *free_t,
                          int64_t *used) {
    double left = tok;
    for (size_t t = 0; t < f->build.ntypes && left > 0; t++) {
        double tps = f->build.types[t].tokens_per_gpu[k];
        if (!(tps > 0)) {
            continue;
        }
        /* Compared as doubles: a demand beyond every GPU there is would not fit an int64. */
        double need = ceil(left / tps);
        int64_t use = need < (double)free_t[t] ? (int64_t)need : free_t[t];
        free_t[t] -= use;
        *used += use;
        left -= fmin(left, (double)use * tps);
    }
    return left;
}

/* The planning horizon: the longest lead time of any provider, so that a block ordered now
 * from whichever provider wins arrives by the day the forecast looks at. */
static aif_time procure_horizon(const aif_fleet *f) {
    aif_time h = 0;
    for (size_t p = 0; p < f->in->provider_count; p++) {
        h = f->in->providers[p].lead_time > h ? f->in->providers[p].lead_time : h;
    }
    return h;
}

/* Whether the fleet expected at `at` falls short of that day's peak inference demand
 * (divided by the procurement threshold) plus the frontier runs due by then. The fleet expected is
 * every block (scheduled or ordered) online at `at` and not yet retired, less the share of racks in
 * repair now, less the frontier runs running or due to start by `at` (taken from the types in
 * order, as an approximation of their site); the peak hour of that day's demand (the scenario's own
 * curve: the planner knows its forecast) is then served type by type as the hourly loop does. */
static bool shortfall_at(const aif_fleet *f, aif_time at) {
    const aif_fleet_input *in = f->in;
    double avail[FLEET_MAX_TYPES] = {0};
    const fleet_block *blocks = f->build.blocks.data;
    for (size_t i = 0; i < f->build.blocks.count; i++) {
        if (blocks[i].b.online <= at && at < blocks[i].b.retire) {
            avail[blocks[i].type] += (double)blocks[i].b.packages;
        }
    }
    double reserved = 0;
    for (size_t i = 0; i < f->training.run_count; i++) {
        const fleet_run *r = &f->training.runs[i];
        if (r->state == 1 || (r->state == 0 && r->spec->earliest_start_at <= at)) {
            reserved += (double)r->spec->gpus;
        }
    }
    for (size_t t = 0; t < f->build.ntypes; t++) {
        avail[t] *= 1.0 - f->build.down_fraction;
        double take = fmin(avail[t], reserved);
        avail[t] -= take;
        reserved -= take;
    }
    if (reserved > 0) {
        return true; /* the runs alone do not fit */
    }
    const aif_scenario_inference *dm = &in->inference;
    if (!dm->present) {
        return false;
    }
    /* The peak hour of the forecast day, by total tokens/s over the classes. */
    aif_time day = at - at % AIF_NS_PER_DAY, peak_t = day;
    double peak = -1;
    for (int h = 0; h < 24; h++) {
        aif_time t = day + h * AIF_NS_PER_HOUR;
        double tok = 0;
        for (size_t k = 0; k < dm->class_count && k < FLEET_MAX_CLASSES; k++) {
            tok += aif_demand_tokens_per_s(dm, k, in->simulation.start_date, t);
        }
        if (tok > peak) {
            peak = tok;
            peak_t = t;
        }
    }
    /* threshold t: the fleet must be able to serve demand / t (0.8 keeps 25% headroom). */
    double scale = 1.0 / in->options.procure_threshold;
    int64_t free_t[FLEET_MAX_TYPES], used = 0;
    for (size_t t = 0; t < f->build.ntypes; t++) {
        free_t[t] = (int64_t)floor(avail[t]);
    }
    for (size_t k = 0; k < dm->class_count && k < FLEET_MAX_CLASSES; k++) {
        double tok = scale * aif_demand_tokens_per_s(dm, k, in->simulation.start_date, peak_t);
        if (serve_class(f, k, tok, free_t, &used) > 0) {
            return true;
        }
    }
    return false;
}

static aif_status procure(aif_fleet *f, aif_time now) {
    const aif_fleet_input *in = f->in;
    if (in->options.max_orders <= 0 || f->sum.orders >= in->options.max_orders) {
        return AIF_OK;
    }
    /* Capacity that could only arrive after the period is not this run's question. */
    aif_time at = now + procure_horizon(f);
    if (at >= in->simulation.end) {
        return AIF_OK;
    }
    const fleet_block *blocks = f->build.blocks.data;
    for (size_t i = 0; i < f->build.blocks.count; i++) {
        if (blocks[i].b.online <= at && at < blocks[i].b.retire) {
            fleet_size_type(f, blocks[i].type); /* the forecast serves on these types */
        }
    }
    if (!shortfall_at(f, at)) {
        return AIF_OK;
    }
    aif_quote quotes[64];
    size_t nq = in->provider_count < 64 ? in->provider_count : 64;
    for (size_t p = 0; p < nq; p++) {
        const aif_scenario_provider *pr = &in->providers[p];
        double price = pr->kind == AIF_PROVIDER_CLOUD ? pr->price_usd_per_gpu_hour
                                                      : f->build.procure_quote_own;
        quotes[p] =
            (aif_quote){.provider = (uint32_t)p, .available = price > 0, .usd_per_gpu_hour = price};
    }
    aif_rofr rofr = {.holder = -1};
    for (size_t i = 0; i < in->contracts.rofr_count; i++) {
        const aif_scenario_rofr *r = &in->contracts.rofrs[i];
        if (now >= r->from && now < r->to) {
            rofr = (aif_rofr){.holder = (int32_t)r->holder,
                              .from = r->from,
                              .to = r->to,
                              .rule = r->rule,
                              .probability = r->probability,
                              .max_usd_per_gpu_hour = r->max_price_usd_per_gpu_hour};
            if (r->price_usd_per_gpu_hour > 0 && r->holder < nq) {
                quotes[r->holder].usd_per_gpu_hour = r->price_usd_per_gpu_hour;
                quotes[r->holder].available = true;
            }
            break;
        }
    }
    int32_t preferred = -1;
    for (size_t i = 0; i < in->contracts.preference_count; i++) {
        const aif_scenario_preference *pf = &in->contracts.preferences[i];
        if (now >= pf->from && now < pf->to && pf->provider_count > 0) {
            preferred = (int32_t)pf->providers[0];
        }
    }
    aif_procure_decision d;
    aif_status st =
        aif_procure_decide(&rofr, preferred, quotes, nq, now, &f->build.rng_procure, &d);
    for (size_t k = 0; st == AIF_OK && k < d.count; k++) {
        const aif_offer *o = &d.offers[k];
        if (o->kind == AIF_OFFER_ROFR) {
            f->sum.rofr_offers++;
            f->sum.rofr_accepted += o->accepted;
        }
        st = fleet_log(f, AIF_FEV_OFFER, (int32_t)o->provider, o->kind, o->usd_per_gpu_hour,
                       o->accepted);
    }
    if (st != AIF_OK || d.chosen < 0) {
        return st;
    }
    aif_block b;
    st = aif_buildout_block(in->catalog, in->options.procure_system_id, in->options.procure_block_w,
                            &b, NULL);
    if (st != AIF_OK) {
        return st;
    }
    const aif_scenario_provider *pr = &in->providers[d.chosen];
    b.provider = (uint32_t)d.chosen;
    b.site = (uint32_t)(in->site_count + (size_t)d.chosen);
    b.phase = UINT32_MAX;
    b.origin = AIF_BLOCK_PROCURED;
    /* Lead times and lives in months or years run on the calendar, so a block ordered at
     * midnight opens at midnight (12 months after 2028-10-02 00:00 is 2029-10-02 00:00,
     * not 06:00) and tranches it triggers fall on whole days. */
    aif_date start = in->simulation.start_date;
    b.online = aif_sim_add_calendar(now, pr->lead_time > 0 ? pr->lead_time : 0, start);
    double life = in->economics.it_life_years > 0 ? in->economics.it_life_years : 5.0;
    b.retire = aif_sim_add_calendar(
        b.online, aif_time_from_seconds(life * (double)(AIF_NS_PER_YEAR / AIF_NS_PER_S)), start);
    size_t index;
    /* Procured capacity is sized by the planner at the catalog's PUE. */
    st = fleet_add_block(f, &b, (int32_t)f->sum.orders, fleet_pue(f, 0.0), &index);
    if (st == AIF_OK) {
        f->sum.orders++;
        f->build.on_order_packages += b.packages;
        st = fleet_log(f, AIF_FEV_ORDER, d.chosen, (int64_t)index, b.nominal_w, b.racks);
    }
    if (st == AIF_OK && b.online >= in->simulation.end) {
        f->build.on_order_packages -= b.packages; /* arrives after the period */
    }
    return st == AIF_OK ? fleet_schedule_block(f, index) : st;
}

/* ---- the hour ---- */

/* Every fault class of each cell's system (reliability.h) strikes its GPUs in service at
 * its rate, scaled by the scenario's interruption rate against Llama 3's (1 at the default);
 * each fault takes its blast radius out of service for its repair time. Software faults
 * interrupt jobs but leave nothing to repair. */
static void failures_and_repairs(aif_fleet *f, size_t hour) {
    double scale = f->in->failures.interruptions_per_gpu_year / aif_reliability_reference_rate();
    size_t R = f->build.repair_hours;
    if (R == 0 || !(scale > 0)) {
        return;
    }
    size_t cells = f->build.nsites * FLEET_MAX_TYPES;
    int64_t *back = &f->build.repair_ring[(hour % (R + 1)) * cells];
    for (size_t s = 0; s < f->build.nsites; s++) {
        for (size_t t = 0; t < f->build.ntypes; t++) {
            size_t c = cell(s, t);
            f->build.cell_down[c] -= back[c];
            if (f->build.cell_down[c] < 0) {
                f->build.cell_down[c] = 0;
            }
            back[c] = 0;
            const fleet_type *ty = &f->build.types[t];
            int64_t up = f->build.cell_racks[c] * ty->packages_per_rack - f->build.cell_down[c];
            for (int k = 0; k < AIF_FAULT_CLASS_COUNT && up > 0; k++) {
                const aif_fault_rate *fr = &ty->rel.fault[k];
                if (!(fr->blast_gpus >= 1) || !(fr->per_gpu_year > 0)) {
                    continue;
                }
                double lambda = (double)up * fr->per_gpu_year * scale / HOURS_PER_YEAR;
                int64_t n = (int64_t)aif_dist_poisson(&f->build.rng_failures, lambda);
                if (n == 0) {
                    continue;
                }
                int64_t lost = n * (int64_t)fr->blast_gpus;
                lost = lost < up ? lost : up;
                size_t back_in = (size_t)ceil(fr->repair_s / 3600.0);
                back_in = back_in < 1 ? 1 : back_in > R ? R : back_in;
                f->build.cell_down[c] += lost;
                f->build.repair_ring[((hour + back_in) % (R + 1)) * cells + c] += lost;
                up -= lost;
            }
        }
    }
}

aif_status fleet_hour(aif_fleet *f, aif_time now) {
    const aif_fleet_input *in = f->in;
    size_t hour = (size_t)(now / AIF_NS_PER_HOUR);
    aif_status st = AIF_OK;
    /* The hour that ended drew at its own load, into its own day's row. */
    fleet_integrate_power(f, now);
    if (hour % 24 == 0) {
        if (hour > 0) {
            st = procure(f, now);
        }
        aif_fleet_day *d = st == AIF_OK ? fleet_vec_push(f, &f->inference.days) : NULL;
        if (d == NULL) {
            return st == AIF_OK ? AIF_ENOMEM : st;
        }
        d->time = now;
    }
    aif_fleet_day *day = &((aif_fleet_day *)f->inference.days.data)[f->inference.days.count - 1];
    /* The research hour that just ended is done work now. */
    st = fleet_compute_add(f, 0.0, f->research.flop_pending, now);
    f->research.flop_pending = 0;
    if (st != AIF_OK) {
        return st;
    }
    failures_and_repairs(f, hour);
    st = try_start_runs(f, now);
    if (st != AIF_OK) {
        return st;
    }
    int64_t free_t[FLEET_MAX_TYPES] = {0};
    int64_t reserved = 0, down = 0, total = 0;
    for (size_t s = 0; s < f->build.nsites; s++) {
        size_t p = site_provider(f, s);
        for (size_t t = 0; t < f->build.ntypes; t++) {
            size_t c = cell(s, t);
            int64_t ppr = f->build.types[t].packages_per_rack;
            free_t[t] += cell_free(f, c, t);
            reserved += f->build.cell_reserved[c];
            down += f->build.cell_down[c];
            total += f->build.cell_racks[c] * ppr;
            if (in->providers[p].kind == AIF_PROVIDER_CLOUD) {
                f->money.cloud_pkg_hours[p] += (double)(f->build.cell_racks[c] * ppr);
            }
        }
    }
    /* Inference first: each class takes GPUs type by type until its tokens are served. */
    for (size_t t = 0; t < f->build.ntypes; t++) {
        if (free_t[t] > 0) {
            fleet_size_type(f, t); /* rates of a type with GPUs to serve on */
        }
    }
    const aif_scenario_inference *dm = &in->inference;
    int64_t inf_gpus = 0;
    for (size_t k = 0; dm->present && k < dm->class_count && k < FLEET_MAX_CLASSES; k++) {
        double tok = aif_demand_tokens_per_s(dm, k, in->simulation.start_date, now);
        double left = serve_class(f, k, tok, free_t, &inf_gpus);
        day->tokens_demanded += tok * 3600.0;
        day->tokens_served += (tok - left) * 3600.0;
        f->money.tokens_month += (tok - left) * 3600.0;
    }
    day->peak_inference_gpus = fmax(day->peak_inference_gpus, (double)inf_gpus);
    f->build.down_fraction = total > 0 ? (double)down / (double)total : 0.0;
    int64_t cap = 0;
    for (size_t t = 0; t < f->build.ntypes; t++) {
        cap += free_t[t];
    }
    cap = fleet_research_pool(f, cap, total, reserved);
    double research_h = 0;
    st = fleet_research_hour(f, now, cap, free_t, &research_h);
    if (st != AIF_OK) {
        return st;
    }
    /* This hour's draw: busy GPUs at full load, idle and failed ones at the idle fraction;
     * own/partner blocks are billed at the fleet's busy share (the GPUs are pooled). */
    fleet_set_load(f, now,
                   total > 0 ? ((double)(inf_gpus + reserved) + research_h) / (double)total : 0.0);
    day->gpu_hours[AIF_USE_INFERENCE] += (double)inf_gpus;
    day->gpu_hours[AIF_USE_TRAINING] += (double)reserved;
    day->gpu_hours[AIF_USE_RESEARCH] += research_h;
    day->gpu_hours[AIF_USE_FAILED] += (double)down;
    day->gpu_hours[AIF_USE_IDLE] += (double)(total - inf_gpus - reserved - down) - research_h;
    day->facility_w = f->build.online_w;
    day->procured_w = f->build.online_procured_w;
    day->packages = f->build.online_packages;
    day->dies = f->build.online_dies;
    f->sum.peak_facility_w = fmax(f->sum.peak_facility_w, f->build.online_w);
    f->sum.peak_packages = f->build.online_packages > f->sum.peak_packages
                               ? f->build.online_packages
                               : f->sum.peak_packages;
    f->sum.peak_dies =
        f->build.online_dies > f->sum.peak_dies ? f->build.online_dies : f->sum.peak_dies;
    return AIF_OK;
}
