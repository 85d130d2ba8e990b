/* The verbs of the aifactory command line: one cmd_<verb>.c each, listed in main.c's table.
 * Each takes argv with argv[0] = the verb name and returns the process exit code
 * (0 ok, 1 runtime failure, 2 usage or input error). */
#ifndef AIF_CLI_CLI_H
#define AIF_CLI_CLI_H

int cmd_run(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_perf(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
