/* `aifactory validate`: validation of scenarios and models. Until its issue lands the verb answers
 * --help and otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "validate",
    .usage = "(SCENARIO | perf) [options]",
    .description = "Check a scenario file and list every error with file:line:col, or "
                   "(validate\nperf) compare the performance model with published results.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_validate(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
