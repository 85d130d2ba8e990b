/* Contract decisions (contracts.h): ROFR, preferred partner and cheapest-offer procurement,
 * milestone payments and take-or-pay floors, as pure functions. */
#include "aifactory/contracts.h"

#include <math.h>

#include "aifactory/ledger.h"

bool aif_rofr_active(const aif_rofr *r, aif_time t) {
    return r != NULL && r->holder >= 0 && t >= r->from && t < r->to;
}

const char *aif_offer_kind_name(aif_offer_kind kind) {
    switch (kind) {
    case AIF_OFFER_ROFR:
        return "rofr";
    case AIF_OFFER_PREFERRED:
        return "preferred";
    case AIF_OFFER_CHEAPEST:
        return "cheapest";
    }
    return "?";
}

static const aif_quote *find_quote(const aif_quote *quotes, size_t n, int32_t provider) {
    for (size_t i = 0; i < n; i++) {
        if ((int64_t)quotes[i].provider == provider) {
            return &quotes[i];
        }
    }
    return NULL;
}

static bool usable(const aif_quote *q) {
    return q != NULL && q->available && isfinite(q->usd_per_gpu_hour);
}

aif_status aif_procure_decide(const aif_rofr *rofr, int32_t preferred, const aif_quote *quotes,
                              size_t n, aif_time t, aif_rng *rng, aif_procure_decision *out) {
    if (out == NULL || (quotes == NULL && n > 0)) {
        return AIF_EINVAL;
    }
    bool rofr_on = aif_rofr_active(rofr, t);
    if (rofr_on && rofr->rule == AIF_ROFR_PROBABILITY && rng == NULL) {
        return AIF_EINVAL;
    }
    *out = (aif_procure_decision){.chosen = -1};
    int32_t declined = -1;
    if (rofr_on) {
        const aif_quote *q = find_quote(quotes, n, rofr->holder);
        bool yes = false;
        if (usable(q)) {
            switch (rofr->rule) {
            case AIF_ROFR_ALWAYS:
                yes = true;
                break;
            case AIF_ROFR_NEVER:
                break;
            case AIF_ROFR_PROBABILITY:
                yes = aif_rng_uniform(rng) < rofr->probability;
                break;
            case AIF_ROFR_PRICE_AT_MOST:
                yes = q->usd_per_gpu_hour <= rofr->max_usd_per_gpu_hour;
                break;
            case AIF_ROFR_RULE_COUNT:
                break;
            }
        }
        out->offers[out->count++] = (aif_offer){.kind = AIF_OFFER_ROFR,
                                                .provider = (uint32_t)rofr->holder,
                                                .usd_per_gpu_hour = q ? q->usd_per_gpu_hour : NAN,
                                                .accepted = yes};
        if (yes) {
            out->chosen = rofr->holder;
            return AIF_OK;
        }
        declined = rofr->holder;
    }
    if (preferred >= 0 && preferred != declined) {
        const aif_quote *q = find_quote(quotes, n, preferred);
        if (usable(q)) {
            out->offers[out->count++] = (aif_offer){.kind = AIF_OFFER_PREFERRED,
                                                    .provider = (uint32_t)preferred,
                                                    .usd_per_gpu_hour = q->usd_per_gpu_hour,
                                                    .accepted = true};
            out->chosen = preferred;
            return AIF_OK;
        }
    }
    const aif_quote *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const aif_quote *q = &quotes[i];
        if (!usable(q) || (int64_t)q->provider == declined) {
            continue;
        }
        if (best == NULL || q->usd_per_gpu_hour < best->usd_per_gpu_hour ||
            (q->usd_per_gpu_hour == best->usd_per_gpu_hour && q->provider < best->provider)) {
            best = q;
        }
    }
    if (best != NULL) {
        out->offers[out->count++] = (aif_offer){.kind = AIF_OFFER_CHEAPEST,
                                                .provider = best->provider,
                                                .usd_per_gpu_hour = best->usd_per_gpu_hour,
                                                .accepted = true};
        out->chosen = (int32_t)best->provider;
    }
    return AIF_OK;
}

/* Steps the cap allows: whole steps, and one partial step for what remains of the cap. */
static int64_t cap_steps(const aif_milestone_rule *r) {
    int64_t whole = r->cap_cents / r->cents_per_step;
    return whole + (r->cap_cents % r->cents_per_step > 0);
}

int64_t aif_milestone_steps_due(const aif_milestone_rule *r, double deployed_w,
                                int64_t steps_paid) {
    if (r == NULL || !(r->step_w > 0) || r->cents_per_step <= 0 || !(deployed_w > 0)) {
        return 0;
    }
    double steps = floor(deployed_w / r->step_w * (1.0 + 1e-9));
    int64_t cap = cap_steps(r);
    int64_t due = steps < (double)cap ? (int64_t)steps : cap;
    return due > steps_paid ? due - steps_paid : 0;
}

int64_t aif_milestone_step_amount(const aif_milestone_rule *r, int64_t step) {
    if (r == NULL || r->cents_per_step <= 0 || step < 1 || step > cap_steps(r)) {
        return 0;
    }
    int64_t left = r->cap_cents - (step - 1) * r->cents_per_step;
    return left < r->cents_per_step ? left : r->cents_per_step;
}

int64_t aif_take_or_pay_cents(int64_t usage_cents, int64_t commit_cents, int64_t term_months,
                              int64_t month) {
    int64_t floor_cents = aif_straight_line_cents(commit_cents, term_months, month);
    return usage_cents > floor_cents ? usage_cents : floor_cents;
}
