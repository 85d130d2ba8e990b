/* `aifactory catalog`: the hardware catalog. Until its issue lands the verb answers --help and
 * otherwise reports that it is not implemented yet (exit 1). */
#include "cli/args.h"
#include "cli/cli.h"

static const cli_option options[] = {CLI_COMMON_OPTION_LIST};

static const cli_verb_spec spec = {
    .name = "catalog",
    .usage = "(list | show ID) [options]",
    .description = "The hardware catalog: accelerator packages, systems and facility "
                   "defaults,\neach value with its source and confidence.\n",
    .options = options,
    .option_count = (int)(sizeof options / sizeof options[0]),
};

int cmd_catalog(int argc, char **argv) {
    return cli_not_implemented(&spec, argc, argv);
}
