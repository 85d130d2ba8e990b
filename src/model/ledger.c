/* The money ledger (ledger.h): an append-only array of integer-cent entries with running
 * totals per kind, so the cash and book identities hold exactly. */
#include "aifactory/ledger.h"

#include <math.h>

struct aif_ledger {
    const aif_allocator *alloc;
    aif_ledger_entry *entries;
    size_t count;
    size_t capacity;
    int64_t totals[AIF_LEDGER_KIND_COUNT];
};

static const char *const kind_names[AIF_LEDGER_KIND_COUNT] = {
    "capex",   "power",        "cloud",   "tranche",      "equity",
    "revenue", "depreciation", "warrant", "revenue_share"};

static const int kind_signs[AIF_LEDGER_KIND_COUNT] = {-1, -1, -1, 1, 1, 1, 0, 0, -1};

/* Beyond this an amount is certainly a units mistake, and sums of a few thousand such
 * entries still fit in int64. */
#define MAX_CENTS 9.0e16

const char *aif_ledger_kind_name(aif_ledger_kind kind) {
    return ((unsigned)kind < AIF_LEDGER_KIND_COUNT) ? kind_names[kind] : "?";
}

int aif_ledger_kind_cash_sign(aif_ledger_kind kind) {
    return ((unsigned)kind < AIF_LEDGER_KIND_COUNT) ? kind_signs[kind] : 0;
}

aif_status aif_usd_to_cents(double usd, int64_t *out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    double c = round(usd * 100.0);
    if (!isfinite(c) || fabs(c) > MAX_CENTS) {
        return AIF_ERANGE;
    }
    *out = (int64_t)c;
    return AIF_OK;
}

int64_t aif_straight_line_cents(int64_t cost, int64_t periods, int64_t i) {
    if (cost <= 0 || periods <= 0 || i < 0 || i >= periods) {
        return 0;
    }
    /* Differences of cumulative floors: no drift, and the last installment closes exactly. */
    return cost * (i + 1) / periods - cost * i / periods;
}

aif_status aif_ledger_create(const aif_allocator *a, aif_ledger **out) {
    if (out == NULL) {
        return AIF_EINVAL;
    }
    aif_ledger *l = aif_calloc(a, 1, sizeof *l);
    if (l == NULL) {
        return AIF_ENOMEM;
    }
    l->alloc = a;
    *out = l;
    return AIF_OK;
}

void aif_ledger_destroy(aif_ledger *l) {
    if (l == NULL) {
        return;
    }
    aif_free(l->alloc, l->entries, l->capacity * sizeof *l->entries);
    aif_free(l->alloc, l, sizeof *l);
}

aif_status aif_ledger_post(aif_ledger *l, aif_time time, aif_ledger_kind kind, int64_t cents,
                           uint32_t party) {
    if (l == NULL || cents < 0 || (unsigned)kind >= AIF_LEDGER_KIND_COUNT) {
        return AIF_EINVAL;
    }
    if (l->totals[kind] > INT64_MAX - cents) {
        return AIF_ERANGE;
    }
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? l->capacity * 2 : 256;
        aif_ledger_entry *e =
            aif_realloc(l->alloc, l->entries, l->capacity * sizeof *e, cap * sizeof *e);
        if (e == NULL) {
            return AIF_ENOMEM;
        }
        l->entries = e;
        l->capacity = cap;
    }
    l->entries[l->count++] =
        (aif_ledger_entry){.time = time, .cents = cents, .kind = (uint32_t)kind, .party = party};
    l->totals[kind] += cents;
    return AIF_OK;
}

int64_t aif_ledger_total(const aif_ledger *l, aif_ledger_kind kind) {
    return ((unsigned)kind < AIF_LEDGER_KIND_COUNT) ? l->totals[kind] : 0;
}

int64_t aif_ledger_cash(const aif_ledger *l) {
    int64_t cash = 0;
    for (int k = 0; k < AIF_LEDGER_KIND_COUNT; k++) {
        cash += kind_signs[k] * l->totals[k];
    }
    return cash;
}

int64_t aif_ledger_book_value(const aif_ledger *l) {
    return l->totals[AIF_LEDGER_CAPEX] - l->totals[AIF_LEDGER_DEPRECIATION];
}

size_t aif_ledger_count(const aif_ledger *l) {
    return l->count;
}

const aif_ledger_entry *aif_ledger_at(const aif_ledger *l, size_t i) {
    return (i < l->count) ? &l->entries[i] : NULL;
}
