/* Shared-internal view of a comparison for its report (compare_report.c): every contract
 * event of one side, matched or not, for the page's event strip. */
#ifndef AIFACTORY_IO_COMPARE_INTERNAL_H
#define AIFACTORY_IO_COMPARE_INTERNAL_H

#include "aifactory/compare.h"

/* The side's contract events in time order; their count goes to *n. */
const aif_compare_event *aif__compare_events(const aif_compare *c, aif_compare_side side,
                                             size_t *n);

#endif
