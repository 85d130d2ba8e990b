/* aifactory command-line entry point: a git-style table of verbs.
 *
 * `aifactory VERB [options]` dispatches to cmd_<verb>(); `aifactory --help` lists the verbs,
 * `aifactory help VERB` is `aifactory VERB --help`, `aifactory --version` prints the
 * version and the git commit of the build. Unknown verbs and options exit 2 with a one-line reason
 * and the usage hint. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/error.h"
#include "aifactory/version.h"
#include "args.h"
#include "cli.h"
#include "cli_main.h"

typedef struct verb {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} verb;

static const verb verbs[] = {
    {"init", "write a commented scenario file to start from (templates)", cmd_init},
    {"run", "simulate a scenario (default: the built-in 10 GW build-out)", cmd_run},
    {"sweep", "run a scenario many times with values varied; percentiles, sensitivities",
     cmd_sweep},
    {"plan", "what a given power buys and costs, or the power GPUs need", cmd_plan},
    {"perf", "training and inference throughput of a model on a system", cmd_perf},
    {"serve", "latency and throughput of a serving deployment under a request load", cmd_serve},
    {"replay", "replay a cluster job trace under a scheduling policy", cmd_replay},
    {"report", "regenerate the HTML report of a run", cmd_report},
    {"compare", "compare two runs or scenarios: key outputs, contract events, charts", cmd_compare},
    {"validate", "check a scenario file, or the performance model against data", cmd_validate},
    {"catalog", "list and show hardware catalog entries with their sources", cmd_catalog},
    {"models", "list and show the LLM architectures the performance model knows", cmd_models},
};

enum { VERB_COUNT = sizeof verbs / sizeof verbs[0] };

static void print_usage(FILE *out) {
    fputs("Usage: aifactory VERB [options]\n"
          "       aifactory --help | --version | help VERB\n\n"
          "aifactory simulates and plans AI factories: power -> racks -> GPUs -> tokens ->\n"
          "dollars, for fleets of up to millions of GPUs.\n\nVerbs:\n",
          out);
    for (int i = 0; i < VERB_COUNT; i++) {
        fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    }
    fputs("\nEvery verb accepts --help, --json (one JSON object on stdout), --quiet and\n"
          "--progress auto|always|never. Exit status: 0 ok, 1 runtime failure, 2 usage or\n"
          "input error.\n",
          out);
}

/* The message with long quoted input cut (error.h), as every other usage error. */
static void usage_text(const char *fmt, ...) {
    char msg[AIF_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    aif_message_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "aifactory: %s", msg);
}

static int usage_error(const char *fmt, const char *arg) {
    usage_text(fmt, arg);
    fputs("\nTry 'aifactory --help'.\n", stderr);
    return CLI_EXIT_USAGE;
}

static const verb *find_verb(const char *name) {
    for (int i = 0; i < VERB_COUNT; i++) {
        if (strcmp(verbs[i].name, name) == 0) {
            return &verbs[i];
        }
    }
    return NULL;
}

static int dispatch(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0) {
        printf("aifactory %s (commit %s)\n", aif_version(), aif_version_commit());
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return CLI_EXIT_OK;
        }
        const verb *v = find_verb(argv[2]);
        if (v == NULL) {
            return usage_error("unknown verb '%s'", argv[2]);
        }
        char *help_argv[] = {argv[2], "--help", NULL};
        return v->run(2, help_argv);
    }
    if (first[0] == '-') {
        return usage_error("unknown option '%s' (a verb comes first)", first);
    }
    const verb *v = find_verb(first);
    if (v == NULL) {
        return usage_error("unknown verb '%s'", first);
    }
    return v->run(argc - 1, argv + 1);
}

/* Output lost to a full disk or a closed descriptor is a failure, not a success: stdio
 * reports it only at the final flush or, for an earlier write, in ferror. Every verb's
 * table, JSON and help is checked here, once. The cause of an earlier failure is the errno
 * that write left (cli_json_print keeps it) when it is a write error; else EIO. */
static int finish_stdout(int rc) {
    int earlier = errno;
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int cause = errno;
        if (cause == 0) {
            bool write_error = earlier == ENOSPC || earlier == EPIPE || earlier == EFBIG ||
                               earlier == EDQUOT || earlier == EBADF || earlier == EIO;
            cause = write_error ? earlier : EIO;
        }
        fprintf(stderr, "aifactory: cannot write standard output: %s\n", strerror(cause));
        return rc == CLI_EXIT_OK ? CLI_EXIT_FAILURE : rc;
    }
    return rc;
}

int aif__cli_main(int argc, char **argv) {
    return finish_stdout(dispatch(argc, argv));
}

/* The library carries the command line (aif_cli_invoke) but not this main(). */
#ifndef AIF_CLI_IN_LIBRARY
int main(int argc, char **argv) {
#ifdef __GLIBC__
    /* glibc moves its mmap and trim thresholds as blocks are freed and gives the heap's top
     * back to the system when it shrinks; a run's many short-lived blocks of 0.1-30 MiB (the
     * scheduling rings, per-hour buffers) were then faulted in again and again: in a sweep
     * of twelve one-year runs, 48,751 minor faults with one worker and 168,747 with two,
     * where the two workers contended in the kernel (-j 2: 1.66x). Fixed thresholds keep the
     * memory in the process (bench/README.md). Only the executable does this: the library
     * leaves its host's allocator alone. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    return aif__cli_main(argc, argv);
}
#endif
