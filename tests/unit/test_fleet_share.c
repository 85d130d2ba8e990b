/* Unit tests of the fleet engine's contract clock and research queue on a small hand-built
 * scenario: a revenue share that stops exactly at its end date (pro-rated to the cent in
 * the month it ends), a compute trigger that fires at the finish of the frontier run whose
 * compute crosses the threshold and stops the share tied to it, a date trigger at its
 * date, the research policies (fifo, sjf: unknown names rejected, same seed same
 * results, preemptions when inference needs the GPUs back; all six on a constant pool:
 * only srtf, las and priority preempt, backfill and the size-aware orders finish more than
 * fifo), and allocation failures 1..k without leaks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/catalog_read.h"
#include "aifactory/fleet.h"
#include "aifactory/models.h"

typedef struct world {
    aif_catalog *cat;
    aif_scenario_provider providers[2];
    aif_scenario_block block;
    aif_scenario_phase phase;
    aif_scenario_site site;
    aif_scenario_frontier_run runs[3];
    aif_scenario_model_class cls;
    aif_scenario_point wau[2];
    aif_scenario_trigger triggers[3];
    aif_scenario_revenue_share shares[2];
    aif_fleet_input in;
} world;

static const aif_date START = {2025, 9, 1};

static aif_time at(int y, int m, int d) {
    return aif_date_to_sim((aif_date){y, m, d}, START);
}

/* One 100 MW GB200 site online from the start, chat demand, subscription revenue, no
 * failures (so runs finish in a fixed order), no research unless a test adds it. */
static void world_init(world *w, uint64_t seed, aif_date end) {
    memset(w, 0, sizeof *w);
    assert_int_equal(aif_catalog_create(NULL, &w->cat), AIF_OK);
    assert_int_equal(aif_catalog_load_default(w->cat), AIF_OK);
    w->providers[0] = (aif_scenario_provider){.id = "own", .kind = AIF_PROVIDER_OWN};
    w->providers[1] = (aif_scenario_provider){.id = "partner", .kind = AIF_PROVIDER_PARTNER};
    w->block = (aif_scenario_block){.online = 0, .retire = AIF_TIME_MAX, .power_w = 100e6};
    w->phase = (aif_scenario_phase){
        .system_id = "gb200-nvl72", .power_w = 100e6, .blocks = &w->block, .block_count = 1};
    w->site = (aif_scenario_site){.id = "s", .provider = 0, .phases = &w->phase, .phase_count = 1};
    w->cls = (aif_scenario_model_class){.name = "chat",
                                        .model = aif_model_find("llama3.1-70b"),
                                        .share = 1.0,
                                        .input_tokens = 1000,
                                        .output_tokens = 300,
                                        .latency = AIF_LATENCY_SERVER,
                                        .precision = AIF_PREC_FP8};
    w->wau[0] = (aif_scenario_point){0, 1e6};
    w->wau[1] = (aif_scenario_point){at(2027, 1, 1), 4e6};
    aif_fleet_input *in = &w->in;
    in->name = "share";
    in->catalog = w->cat;
    in->simulation = (aif_scenario_simulation){.start_date = START,
                                               .end_date = end,
                                               .end = aif_date_to_sim(end, START),
                                               .seed = seed,
                                               .demand_step = AIF_NS_PER_HOUR};
    in->providers = w->providers;
    in->provider_count = 2;
    in->sites = &w->site;
    in->site_count = 1;
    in->inference = (aif_scenario_inference){.present = true,
                                             .wau_points = w->wau,
                                             .wau_point_count = 2,
                                             .dau_per_wau = 0.4,
                                             .prompts_per_dau = 8,
                                             .classes = &w->cls,
                                             .class_count = 1,
                                             .api_class = AIF_SCENARIO_NONE,
                                             /* the engine's sharing, not the sizing */
                                             .sizing = AIF_SIZING_CLOSED_FORM};
    for (int h = 0; h < 24; h++) {
        in->inference.diurnal[h] = 1.0;
    }
    for (int d = 0; d < 7; d++) {
        in->inference.weekly[d] = 1.0;
    }
    in->economics = (aif_scenario_economics){
        .revenue_usd_per_mtok = 2.0, .paying_fraction = 0.05, .subscription_usd_per_month = 20};
    in->failures = (aif_scenario_failures){.checkpoint_interval = AIF_NS_PER_HOUR,
                                           .restart_cost = 600 * AIF_NS_PER_S};
    aif_fleet_options_default(&in->options);
    in->options.max_orders = 0;
}

static void world_free(world *w) {
    aif_catalog_destroy(w->cat);
}

static aif_fleet *run_world(world *w) {
    aif_fleet *f = NULL;
    aif_error err = {0};
    assert_int_equal(aif_fleet_create(NULL, &w->in, &f, &err), AIF_OK);
    assert_int_equal(aif_fleet_run(f, NULL, NULL), AIF_OK);
    return f;
}

/* The share of `rev` cents for the part [start, stop) of the month [m0, m1). */
static int64_t expected_share(int64_t rev, double fraction, aif_time m0, aif_time m1,
                              aif_time start, aif_time stop) {
    start = start > m0 ? start : m0;
    stop = stop < m1 ? stop : m1;
    if (stop <= start) {
        return -1; /* no entry */
    }
    double share = (double)rev * fraction;
    if (stop - start < m1 - m0) {
        share *= (double)(stop - start) / (double)(m1 - m0);
    }
    return (int64_t)llround(share);
}

/* Walk the ledger month by month: every revenue entry closes a month; the share entries
 * posted at the same time must be exactly the pro-rated share of that month. Returns the
 * total share in cents. */
static int64_t check_shares(const aif_fleet *f, double fraction, aif_time from, aif_time stop) {
    const aif_ledger *l = aif_fleet_ledger(f);
    aif_time month_start = 0;
    int64_t total = 0;
    size_t n = aif_ledger_count(l);
    for (size_t i = 0; i < n; i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        if (e->kind != AIF_LEDGER_REVENUE) {
            continue;
        }
        int64_t want = expected_share(e->cents, fraction, month_start, e->time, from, stop);
        const aif_ledger_entry *next = aif_ledger_at(l, i + 1);
        if (want < 0) {
            assert_true(next == NULL || next->kind != AIF_LEDGER_REVENUE_SHARE);
        } else {
            assert_non_null(next);
            assert_int_equal(next->kind, AIF_LEDGER_REVENUE_SHARE);
            assert_int_equal(next->time, e->time);
            assert_int_equal(next->party, 1);
            assert_int_equal(next->cents, want);
            total += want;
        }
        month_start = e->time;
    }
    assert_int_equal(total, aif_ledger_total(l, AIF_LEDGER_REVENUE_SHARE));
    return total;
}

static void share_stops_at_date(void **state) {
    (void)state;
    world w;
    world_init(&w, 1, (aif_date){2026, 3, 1});
    /* 10% from before the start until 2025-11-16 00:00: all of Sep and Oct, exactly 15 of
     * November's 30 days, nothing after. */
    w.shares[0] = (aif_scenario_revenue_share){.name = "rs",
                                               .partner = 1,
                                               .fraction = 0.10,
                                               .from = -AIF_NS_PER_DAY,
                                               .to = at(2025, 11, 16),
                                               .until_trigger = AIF_SCENARIO_NONE};
    w.in.contracts.revenue_shares = w.shares;
    w.in.contracts.revenue_share_count = 1;
    aif_fleet *f = run_world(&w);
    const aif_ledger *l = aif_fleet_ledger(f);
    int64_t total = check_shares(f, 0.10, w.shares[0].from, w.shares[0].to);
    /* Three entries (Sep, Oct, half of Nov), the last one half of 10% of November. */
    int entries = 0;
    int64_t nov_rev = 0, nov_share = 0;
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        if (e->time == at(2025, 12, 1) && e->kind == AIF_LEDGER_REVENUE) {
            nov_rev = e->cents;
        }
        if (e->kind == AIF_LEDGER_REVENUE_SHARE) {
            entries++;
            nov_share = e->time == at(2025, 12, 1) ? e->cents : nov_share;
            assert_true(e->time <= at(2025, 12, 1));
        }
    }
    assert_int_equal(entries, 3);
    assert_true(nov_rev > 0);
    assert_int_equal(nov_share, llround((double)nov_rev * 0.10 * 0.5));
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    assert_true(s->revenue_share_usd * 100.0 == (double)total);
    /* The share is cash out: the ledger identity still holds to the cent. */
    int64_t cash = 0;
    for (size_t i = 0; i < aif_ledger_count(l); i++) {
        const aif_ledger_entry *e = aif_ledger_at(l, i);
        cash += aif_ledger_kind_cash_sign((aif_ledger_kind)e->kind) * e->cents;
    }
    assert_int_equal(cash, aif_ledger_cash(l));
    assert_int_equal(aif_ledger_kind_cash_sign(AIF_LEDGER_REVENUE_SHARE), -1);
    assert_string_equal(aif_ledger_kind_name(AIF_LEDGER_REVENUE_SHARE), "revenue_share");
    assert_int_equal(s->triggers_fired, 0);
    aif_fleet_destroy(f);
    world_free(&w);
}

static void compute_trigger_at_crossing_run(void **state) {
    (void)state;
    world w;
    world_init(&w, 1, (aif_date){2026, 9, 1});
    /* Three runs one after another (earliest starts a month apart, each done in days):
     * 1e24, 2e24 and 4e24 FLOP. The threshold 2.5e24 is crossed by the second. */
    const double flop[3] = {1e24, 2e24, 4e24};
    for (int i = 0; i < 3; i++) {
        w.runs[i] = (aif_scenario_frontier_run){.name = i == 0   ? "r0"
                                                        : i == 1 ? "r1"
                                                                 : "r2",
                                                .compute_flop = flop[i],
                                                .precision = AIF_PREC_BF16,
                                                .gpus = 8192,
                                                .earliest_start_at = at(2025, 9 + 2 * i, 1),
                                                .deadline_at = AIF_TIME_MAX,
                                                .site = AIF_SCENARIO_NONE};
    }
    w.in.training.frontier_runs = w.runs;
    w.in.training.frontier_run_count = 3;
    w.triggers[0] =
        (aif_scenario_trigger){.name = "agi", .kind = AIF_TRIGGER_COMPUTE, .compute_flop = 2.5e24};
    w.triggers[1] = (aif_scenario_trigger){
        .name = "day", .kind = AIF_TRIGGER_DATE, .at = at(2026, 2, 10) + 5 * AIF_NS_PER_HOUR};
    w.triggers[2] =
        (aif_scenario_trigger){.name = "never", .kind = AIF_TRIGGER_COMPUTE, .compute_flop = 1e30};
    w.in.contracts.triggers = w.triggers;
    w.in.contracts.trigger_count = 3;
    w.shares[0] = (aif_scenario_revenue_share){.name = "rs",
                                               .partner = 1,
                                               .fraction = 0.25,
                                               .from = 0,
                                               .to = AIF_TIME_MAX,
                                               .until_trigger = 0};
    w.in.contracts.revenue_shares = w.shares;
    w.in.contracts.revenue_share_count = 1;
    aif_fleet *f = run_world(&w);
    const aif_fleet_run_result *r0 = aif_fleet_run_at(f, 0), *r1 = aif_fleet_run_at(f, 1);
    assert_true(r0->finish < r1->finish && r1->finish < aif_fleet_run_at(f, 2)->finish);
    assert_true(aif_fleet_run_at(f, 2)->finish < w.in.simulation.end);
    aif_time fired = aif_fleet_trigger_time(f, 0);
    assert_int_equal(fired, r1->finish);
    assert_int_equal(aif_fleet_trigger_time(f, 1), w.triggers[1].at);
    assert_int_equal(aif_fleet_trigger_time(f, 2), AIF_TIME_MAX);
    assert_int_equal(aif_fleet_trigger_time(f, 3), AIF_TIME_MAX);
    int events = 0;
    for (size_t i = 0; i < aif_fleet_event_count(f); i++) {
        const aif_fleet_event *e = aif_fleet_event_at(f, i);
        if (e->kind == AIF_FEV_TRIGGER && e->a == 0) {
            assert_int_equal(e->time, r1->finish);
            assert_true(e->b == flop[0] + flop[1]);
            assert_int_equal(e->c, AIF_TRIGGER_COMPUTE);
            events++;
        }
    }
    assert_int_equal(events, 1);
    const aif_fleet_summary *s = aif_fleet_summary_get(f);
    assert_int_equal(s->triggers_fired, 2);
    assert_true(s->frontier_compute_flop == flop[0] + flop[1] + flop[2]);
    assert_true(s->research_compute_flop == 0);
    /* The share runs from the start to the trigger, pro-rated in the month it fires. */
    int64_t total = check_shares(f, 0.25, 0, fired);
    assert_true(total > 0);
    aif_fleet_destroy(f);
    world_free(&w);
}

/* Research that overfills the site at night-time lows, so daily inference peaks preempt. */
static void add_research(world *w, const char *policy) {
    w->in.training.research = (aif_scenario_research){
        .present = true,
        .arrivals_per_day = 400,
        .gpus = {.kind = AIF_DIST_LOGNORMAL, .p = {log(64), 1.0}},
        .duration_s = {.kind = AIF_DIST_LOGNORMAL, .p = {log(4 * 3600.0), 1.2}},
        .max_gpus = 4096};
    for (int h = 0; h < 24; h++) {
        w->in.inference.diurnal[h] = h < 12 ? 0.3 : 1.7;
    }
    w->wau[0].value = 6e9;
    w->wau[1].value = 6e9;
    w->in.options.research_policy = policy;
}

static void research_policies(void **state) {
    (void)state;
    world a, b, c;
    world_init(&a, 5, (aif_date){2025, 12, 1});
    world_init(&b, 5, (aif_date){2025, 12, 1});
    world_init(&c, 5, (aif_date){2025, 12, 1});
    add_research(&a, "sjf");
    add_research(&b, "sjf");
    add_research(&c, NULL); /* fifo */
    aif_fleet *fa = run_world(&a), *fb = run_world(&b), *fc = run_world(&c);
    const aif_fleet_summary *sa = aif_fleet_summary_get(fa), *sc = aif_fleet_summary_get(fc);
    /* Same seed, same policy: identical days, events and trace. */
    assert_int_equal(aif_fleet_day_count(fa), aif_fleet_day_count(fb));
    assert_memory_equal(aif_fleet_day_at(fa, 0), aif_fleet_day_at(fb, 0),
                        aif_fleet_day_count(fa) * sizeof(aif_fleet_day));
    assert_memory_equal(aif_fleet_summary_get(fb), sa, sizeof *sa);
    /* Inference peaks take GPUs back from research under both policies. */
    assert_true(sa->research_preemptions > 0);
    assert_true(sc->research_preemptions > 0);
    assert_true(sa->research_compute_flop > 0);
    /* The same arrivals: shortest first finishes more jobs than a blocked FIFO head. */
    assert_true(sa->research_jobs_done > sc->research_jobs_done);
    /* Research GPU-hours never exceed what inference and training left. */
    for (size_t d = 0; d < aif_fleet_day_count(fa); d++) {
        assert_true(aif_fleet_day_at(fa, d)->gpu_hours[AIF_USE_IDLE] >= 0);
    }
    aif_fleet_destroy(fa);
    aif_fleet_destroy(fb);
    aif_fleet_destroy(fc);
    /* Unknown and unsupported policy names are errors that say why. */
    aif_fleet *f = NULL;
    aif_error err = {0};
    c.in.options.research_policy = "nope";
    assert_int_equal(aif_fleet_create(NULL, &c.in, &f, &err), AIF_ENOTFOUND);
    assert_non_null(strstr(err.message, "nope"));
    assert_int_equal(err.status, AIF_ENOTFOUND);
    assert_null(f);
    /* The error detail is optional. */
    assert_int_equal(aif_fleet_create(NULL, &c.in, &f, NULL), AIF_ENOTFOUND);
    assert_null(f);
    /* A revenue share to a partner that does not exist is rejected. */
    c.in.options.research_policy = "fifo";
    c.shares[0] = (aif_scenario_revenue_share){
        .name = "x", .partner = 9, .fraction = 0.1, .until_trigger = AIF_SCENARIO_NONE};
    c.in.contracts.revenue_shares = c.shares;
    c.in.contracts.revenue_share_count = 1;
    assert_int_equal(aif_fleet_create(NULL, &c.in, &f, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "revenue share 0"));
    world_free(&a);
    world_free(&b);
    world_free(&c);
}

/* Every registry policy on the same arrivals with a constant pool (flat, constant chat
 * demand, no failures) that research overloads: any preemption is the policy's own. */
static void research_every_policy(void **state) {
    (void)state;
    const char *names[6] = {"fifo", "backfill", "sjf", "srtf", "las", "priority"};
    long done[6], pre[6];
    double gpu_h[6];
    for (int p = 0; p < 6; p++) {
        world w;
        world_init(&w, 5, (aif_date){2025, 9, 15});
        add_research(&w, names[p]);
        w.in.training.research.arrivals_per_day = 1500;
        for (int h = 0; h < 24; h++) {
            w.in.inference.diurnal[h] = 1.0;
        }
        w.wau[0].value = w.wau[1].value = 1e6;
        aif_fleet *f = run_world(&w);
        const aif_fleet_summary *s = aif_fleet_summary_get(f);
        done[p] = s->research_jobs_done;
        pre[p] = s->research_preemptions;
        gpu_h[p] = 0;
        for (size_t d = 0; d < aif_fleet_day_count(f); d++) {
            gpu_h[p] += aif_fleet_day_at(f, d)->gpu_hours[AIF_USE_RESEARCH];
            assert_true(aif_fleet_day_at(f, d)->gpu_hours[AIF_USE_IDLE] > -1e-6);
        }
        print_message("%s done %ld preemptions %ld research GPU-h %.0f\n", names[p], done[p],
                      pre[p], gpu_h[p]);
        aif_fleet_destroy(f);
        world_free(&w);
    }
    /* The pool never shrinks, so the non-preemptive policies never preempt ... */
    assert_int_equal(pre[0], 0);
    assert_int_equal(pre[1], 0);
    assert_int_equal(pre[2], 0);
    /* ... and srtf, las and priority preempt among research jobs. */
    assert_true(pre[3] > 0);
    assert_true(pre[4] > 0);
    assert_true(pre[5] > 0);
    /* A blocked FIFO head holds everyone; backfill starts later jobs past it, and the
     * size-aware orders finish more jobs still. */
    assert_true(done[1] > done[0]);
    assert_true(done[2] > done[1]);
    assert_true(done[3] > done[1]);
}

static void allocation_failures(void **state) {
    (void)state;
    world w;
    world_init(&w, 3, (aif_date){2025, 11, 1});
    add_research(&w, "sjf");
    w.triggers[0] = (aif_scenario_trigger){.name = "d", .kind = AIF_TRIGGER_DATE, .at = 0};
    w.in.contracts.triggers = w.triggers;
    w.in.contracts.trigger_count = 1;
    w.shares[0] = (aif_scenario_revenue_share){
        .name = "rs", .partner = 1, .fraction = 0.2, .to = AIF_TIME_MAX, .until_trigger = 0};
    w.in.contracts.revenue_shares = w.shares;
    w.in.contracts.revenue_share_count = 1;
    for (long k = 1; k <= 60; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_fleet *f = NULL;
        aif_error err = {0};
        aif_status st = aif_fleet_create(&t.base, &w.in, &f, &err);
        if (st == AIF_OK) {
            st = aif_fleet_run(f, NULL, NULL);
            aif_fleet_destroy(f);
        }
        assert_true(st == AIF_OK || st == AIF_ENOMEM);
        assert_int_equal(t.live_blocks, 0);
    }
    world_free(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(share_stops_at_date), cmocka_unit_test(compute_trigger_at_crossing_run),
        cmocka_unit_test(research_policies),   cmocka_unit_test(research_every_policy),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
