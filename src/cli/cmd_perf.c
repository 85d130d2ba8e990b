/* `aifactory perf`: the performance model. Until its issue lands the verb answers --help and
 * otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "perf",
    .usage = "--model ID --system ID --gpus N --workload KIND [options]",
    .description = "Performance model: training and inference throughput of a model on a "
                   "system,\nfrom first principles calibrated on public results.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_perf(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
