/* The key series a sweep keeps of each run, for its report's fan charts (sweep_exec.h
 * names them): GPUs and facility GW online at each point, tokens served in each period,
 * and the cumulative capex, revenue and cash position. */
#ifndef AIF_CLI_SWEEP_SERIES_H
#define AIF_CLI_SWEEP_SERIES_H

#include "aifactory/fleet.h"
#include "sweep_exec.h"

/* Sample the finished fleet `f`, simulated over `sim`, into *s. Cost O(days + ledger
 * entries x log points). */
void sweep_series_of(const aif_fleet *f, const aif_scenario_simulation *sim, sweep_series *s);

#endif
