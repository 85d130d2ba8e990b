/* `aifactory replay`: cluster trace replay. Until its issue lands the verb answers --help and
 * otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "replay",
    .usage = "TRACE [options]",
    .description = "Replay a cluster job trace under a scheduling and placement policy and "
                   "report\njob completion times, waits and utilization.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_replay(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
