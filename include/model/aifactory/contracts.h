/* Contract rules of the fleet: who gets the offer when new capacity is needed (a dated right
 * of first refusal, then the preferred partner, then the cheapest), vendor tranches and
 * warrants that pay per milestone of deployed power (capped), and take-or-pay cloud floors.
 *
 * Everything here is a pure decision function over small value types; the engine turns each
 * offer and decision into an event in its log and each payment into a ledger entry. Random
 * acceptance (a ROFR holder that accepts with a probability) draws from an rng stream the
 * caller owns, so decisions are reproducible. */
#ifndef AIFACTORY_CONTRACTS_H
#define AIFACTORY_CONTRACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aifactory/rng.h"
#include "aifactory/scenario_types.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

/* A right of first refusal, valid on [from, to). holder < 0: no ROFR. The rule (scenario.h)
 * says how the holder answers: always, never, with a probability, or when its own price is
 * at most max_usd_per_gpu_hour. */
typedef struct aif_rofr {
    int32_t holder; /* provider index */
    aif_time from;
    aif_time to;
    aif_rofr_rule rule;
    double probability;
    double max_usd_per_gpu_hour;
} aif_rofr;

/* True when the ROFR has a holder and from <= t < to. O(1). */
bool aif_rofr_active(const aif_rofr *r, aif_time t);

/* What a provider asks for one more block (NAN or available == false: cannot supply). */
typedef struct aif_quote {
    uint32_t provider;
    bool available;
    double usd_per_gpu_hour; /* all-in price, used to rank offers */
} aif_quote;

typedef enum aif_offer_kind {
    AIF_OFFER_ROFR,
    AIF_OFFER_PREFERRED,
    AIF_OFFER_CHEAPEST
} aif_offer_kind;

const char *aif_offer_kind_name(aif_offer_kind kind); /* "rofr", "preferred", "cheapest" */

typedef struct aif_offer {
    aif_offer_kind kind;
    uint32_t provider;
    double usd_per_gpu_hour;
    bool accepted;
} aif_offer;

/* The offers made for one request, in order; chosen = the provider that supplies the block,
 * or -1 when nobody could. */
typedef struct aif_procure_decision {
    size_t count;
    aif_offer offers[3];
    int32_t chosen;
} aif_procure_decision;

/* Decide who supplies one block at time t: the ROFR holder first while `rofr` (may be NULL)
 * is active (its rule decides; a holder without an available quote declines), then
 * `preferred` (>= 0; skipped when it already declined or has no quote), then the cheapest
 * remaining available quote (ties: the lower provider index). Only a PROBABILITY rule draws
 * from `rng` (one uniform), which may be NULL otherwise. Errors: AIF_EINVAL (out NULL,
 * quotes NULL with n > 0, rng NULL when needed). O(n). */
aif_status aif_procure_decide(const aif_rofr *rofr, int32_t preferred, const aif_quote *quotes,
                              size_t n, aif_time t, aif_rng *rng, aif_procure_decision *out);

/* A payment per milestone of deployed power: `cents_per_step` each time deployed power
 * passes one more `step_w`, at most `cap_cents` in total (Nvidia: $10B per GW, up to $100B;
 * AMD warrants: a block of shares per GW). */
typedef struct aif_milestone_rule {
    double step_w;
    int64_t cents_per_step;
    int64_t cap_cents;
} aif_milestone_rule;

/* Steps newly due when `deployed_w` is deployed and `steps_paid` were already paid:
 * min(floor(deployed_w / step_w), ceil(cap / per_step)) - steps_paid, never negative: when
 * the cap is not a whole number of steps, the last step pays what remains of it (160 M
 * shares at 26.67 M a step: five steps of 26.67 M and a sixth of 26.65 M). A tiny relative
 * tolerance (1e-9) counts 9.9999999999 GW as 10 steps of 1 GW, since deployed power is a
 * sum of block powers. 0 for a rule with step_w <= 0 or per_step <= 0. O(1). */
int64_t aif_milestone_steps_due(const aif_milestone_rule *r, double deployed_w, int64_t steps_paid);

/* What step `step` (1-based) pays: cents_per_step, or the rest of the cap for the last,
 * partial step; 0 outside 1..ceil(cap / per_step) or for a rule without a positive step
 * amount. O(1). */
int64_t aif_milestone_step_amount(const aif_milestone_rule *r, int64_t step);

/* Take-or-pay: what is owed for month `month` (0-based) of a commitment of `commit_cents`
 * spread straight-line over `term_months`, when usage at the contract price came to
 * `usage_cents`: the larger of the two (the floor is 0 outside the term). O(1). */
int64_t aif_take_or_pay_cents(int64_t usage_cents, int64_t commit_cents, int64_t term_months,
                              int64_t month);

#endif
