/* The aifactory command line as a library call: run one verb, exactly as `aifactory VERB
 * ARGS...` would run, and get back its exit status and what it printed. This is what the
 * Python package (python/aifactory) calls through ctypes, and what any other program may
 * call to get the CLI's results, e.g. `--json` output, without spawning the binary.
 *
 * The verb runs in a child process (fork), not in the caller's: a verb that writes results
 * handles SIGINT/SIGTERM/SIGHUP itself (removing its temporary files, then dying of the
 * signal) and writes to the process's stdout and stderr, neither of which a host such as a
 * Python interpreter should have taken over. The child's stdout and stderr are pipes read
 * into memory by the caller; nothing else of the caller's state changes, except that its
 * stdio streams stdout and stderr are flushed before the fork (so that no pending output of
 * the caller is written twice). POSIX only. */
#ifndef AIFACTORY_INVOKE_H
#define AIFACTORY_INVOKE_H

/* Run `aifactory argv[0] argv[1] ... argv[argc-1]` (argv[0] is the verb, e.g. "plan"; argv
 * need not be NULL-terminated) with the caller's working directory and environment.
 *
 * On return, *out_text and *err_text (either pointer may be NULL to discard that stream)
 * hold what the verb wrote to stdout and stderr, NUL-terminated; free each with
 * aif_cli_free. Returns the command line's exit status: 0 ok, 1 runtime failure, 2 usage or
 * input error, 128 + N when the verb was ended by signal N; or -1 when the verb could not
 * be run at all (no memory, no process, argc < 1), with errno set and both texts NULL.
 * Cost: a fork and the verb's own work; thread-safe as fork is (the child only runs the
 * verb and exits). */
int aif_cli_invoke(int argc, char *const *argv, char **out_text, char **err_text);

/* Free a text returned by aif_cli_invoke (NULL is ignored). */
void aif_cli_free(char *text);

#endif
