/* The whole command line as one function, so that libaifactory can run it
 * (aif_cli_invoke, src/cli/lib/invoke.c) as the binary's main() does. */
#ifndef AIF_CLI_CLI_MAIN_H
#define AIF_CLI_CLI_MAIN_H

/* `aifactory` with argv (argv[0] the program name, argv[1] the verb or a global option):
 * dispatches the verb and checks that stdout was written; returns the exit status. */
int aif__cli_main(int argc, char **argv);

#endif
