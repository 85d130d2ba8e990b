/* `aifactory report`: the HTML report. Until its issue lands the verb answers --help and
 * otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "report",
    .usage = "DIR [options]",
    .description = "Regenerate the HTML report of a run from its results database in DIR.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_report(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
