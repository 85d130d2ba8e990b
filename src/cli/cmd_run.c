/* `aifactory run`: the scenario simulation. Until its issue lands the verb answers --help and
 * otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "run",
    .usage = "[SCENARIO] [options]",
    .description = "Simulate an AI factory scenario (build-out, contracts, demand, "
                   "training,\nfailures and money) and write its results. With no SCENARIO, runs "
                   "the built-in\ndefault (the 10 GW build-out).\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_run(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
