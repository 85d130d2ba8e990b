/* The money ledger of a simulated fleet: every cash flow and book entry (capex on delivery,
 * depreciation, power, cloud payments, vendor tranches, warrants, equity, revenue, revenue
 * shares paid to partners) as an entry of integer cents, with running totals per kind and
 * the cash position.
 *
 * Amounts are int64 cents, so sums are exact and the ledger "balances to the cent" by
 * construction: cash = inflows - outflows over the cash kinds, and the book value of assets
 * = capex - accumulated depreciation. Each entry names a counterparty (an index the caller
 * defines, e.g. a provider) so totals per partner can be derived. Entries are kept in
 * posting order in one growable array taken from the ledger's allocator. */
#ifndef AIFACTORY_LEDGER_H
#define AIFACTORY_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "aifactory/alloc.h"
#include "aifactory/status.h"
#include "aifactory/time.h"

typedef enum aif_ledger_kind {
    AIF_LEDGER_CAPEX,         /* cash out: systems and facility paid on delivery */
    AIF_LEDGER_POWER,         /* cash out: energy x price */
    AIF_LEDGER_CLOUD,         /* cash out: cloud capacity, take-or-pay floors honoured */
    AIF_LEDGER_TRANCHE,       /* cash in: vendor investment tranche */
    AIF_LEDGER_EQUITY,        /* cash in: equity round */
    AIF_LEDGER_REVENUE,       /* cash in: tokens sold */
    AIF_LEDGER_DEPRECIATION,  /* book only: straight-line depreciation of capex */
    AIF_LEDGER_WARRANT,       /* book only: value of warrants vested */
    AIF_LEDGER_REVENUE_SHARE, /* cash out: share of revenue paid to a partner */
    AIF_LEDGER_KIND_COUNT
} aif_ledger_kind;

/* One entry. `cents` is the magnitude (>= 0); the kind says which way it counts. */
typedef struct aif_ledger_entry {
    aif_time time;
    int64_t cents;
    uint32_t kind; /* aif_ledger_kind */
    uint32_t party;
} aif_ledger_entry;

typedef struct aif_ledger aif_ledger;

/* "capex", "power", ... (the CSV spelling); "?" outside the enum. O(1). */
const char *aif_ledger_kind_name(aif_ledger_kind kind);

/* +1 for cash in, -1 for cash out, 0 for book-only kinds. O(1). */
int aif_ledger_kind_cash_sign(aif_ledger_kind kind);

/* Dollars to cents, rounded to the nearest cent (halves away from zero). Errors:
 * AIF_EINVAL (out NULL), AIF_ERANGE (NaN, infinite or beyond +-9e16 cents). O(1). */
aif_status aif_usd_to_cents(double usd, int64_t *out);

/* Installment `i` (0-based) of `cost` cents spread straight-line over `periods` periods:
 * floor(cost*(i+1)/periods) - floor(cost*i/periods), so the installments differ by at most
 * one cent and sum exactly to `cost`. 0 when i is outside [0, periods), periods <= 0 or
 * cost <= 0. Exact for cost < 2^63 / periods. O(1). */
int64_t aif_straight_line_cents(int64_t cost, int64_t periods, int64_t i);

/* An empty ledger. Memory from `a` (NULL: system). Errors: AIF_EINVAL (out NULL),
 * AIF_ENOMEM; *out untouched on error. O(1). */
aif_status aif_ledger_create(const aif_allocator *a, aif_ledger **out);

/* Free the ledger and its entries. NULL is a no-op. */
void aif_ledger_destroy(aif_ledger *l);

/* Append an entry of `cents` (>= 0; 0 is accepted and recorded) of `kind` at `time` for
 * `party`. Errors: AIF_EINVAL (l NULL, negative cents, unknown kind), AIF_ERANGE (a running
 * total would overflow int64), AIF_ENOMEM (nothing recorded). Amortized O(1). */
aif_status aif_ledger_post(aif_ledger *l, aif_time time, aif_ledger_kind kind, int64_t cents,
                           uint32_t party);

/* Running total of one kind (0 for an unknown kind), the cash position (cash-in kinds minus
 * cash-out kinds) and the book value of assets (capex - depreciation). O(1). */
int64_t aif_ledger_total(const aif_ledger *l, aif_ledger_kind kind);
int64_t aif_ledger_cash(const aif_ledger *l);
int64_t aif_ledger_book_value(const aif_ledger *l);

/* Number of entries and the i-th in posting order (NULL past the end; valid until the next
 * post or destroy). O(1). */
size_t aif_ledger_count(const aif_ledger *l);
const aif_ledger_entry *aif_ledger_at(const aif_ledger *l, size_t i);

#endif
