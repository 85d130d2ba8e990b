/* `aifactory plan`: the capacity planner. Until its issue lands the verb answers --help and
 * otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "plan",
    .usage = "(--power QTY | --gpus N) [options]",
    .description = "Capacity planner: what a given power buys (systems, packages, dies, "
                   "FLOPS,\nHBM) and what it costs, or the power a given number of GPUs needs.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_plan(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
