/* `aifactory validate serve`: every MLPerf Llama-2-70B server and interactive result we
 * hold (v4.1 and v5.0, data/validation/) against the serving simulator's goodput under the
 * benchmark's limits (what `perf --workload server|interactive` answers), with the
 * closed-form answer it replaced beside it. docs/validate.md. */
#ifndef AIF_CLI_VALIDATE_SERVE_H
#define AIF_CLI_VALIDATE_SERVE_H

#include "args.h"

/* Print the rows (text, or JSON with common->json); exit 0 (a report: rows outside the
 * tolerance are counted, not fatal), 1 when a row could not be computed. */
int validate_serve(const cli_common *common);

#endif
