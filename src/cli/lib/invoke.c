/* aif_cli_invoke: the command line run in a child process with its output captured (see
 * aifactory/invoke.h). Built into libaifactory only, with the CLI's sources compiled
 * without their main() (main.c under AIF_CLI_IN_LIBRARY), so the verbs and the dispatch are
 * the binary's own, not a copy that could drift. */
#include "aifactory/invoke.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_main.h"

/* One captured stream: a growing buffer, always NUL-terminated once allocated. */
typedef struct capture {
    int fd; /* read end of the pipe; -1 once at end of file */
    char *text;
    size_t len, cap;
} capture;

static int capture_read(capture *c) {
    if (c->cap - c->len < 4096) {
        size_t cap = c->cap ? c->cap * 2 : 8192;
        char *text = realloc(c->text, cap);
        if (text == NULL) {
            return -1;
        }
        c->text = text;
        c->cap = cap;
    }
    ssize_t n = read(c->fd, c->text + c->len, c->cap - c->len - 1);
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    }
    if (n == 0) {
        close(c->fd);
        c->fd = -1;
    }
    c->len += (size_t)n;
    c->text[c->len] = '\0';
    return 0;
}

/* In the child: the pipes become stdout and stderr, the verb runs, and the child leaves by
 * _exit, never by exit: the caller's atexit handlers and stdio buffers (a Python
 * interpreter's, say) belong to the caller. */
static void run_child(int argc, char *const *argv, int out_fd, int err_fd) {
    /* The signals a verb handles are reset as an exec would reset them: a handler of the
     * caller's (Python's SIGINT handler only sets a flag for its own loop) would otherwise
     * leave Ctrl-C without effect on the child; an ignored signal stays ignored. */
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) {
        struct sigaction old;
        if (sigaction(reset[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
            signal(reset[i], SIG_DFL);
        }
    }
    if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) {
        _exit(1);
    }
    close(out_fd);
    close(err_fd);
    /* The verbs see argv as `aifactory VERB ...` does: argv[0] the program, then the verb. */
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (args == NULL) {
        fputs("aifactory: out of memory\n", stderr);
        _exit(1);
    }
    args[0] = "aifactory";
    for (int i = 0; i < argc; i++) {
        args[i + 1] = argv[i];
    }
    int rc = aif__cli_main(argc + 1, args);
    fflush(stderr);
    _exit(rc);
}

int aif_cli_invoke(int argc, char *const *argv, char **out_text, char **err_text) {
    if (out_text) {
        *out_text = NULL;
    }
    if (err_text) {
        *err_text = NULL;
    }
    if (argc < 1 || argv == NULL) {
        errno = EINVAL;
        return -1;
    }
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0) {
        return -1;
    }
    if (pipe(err_pipe) != 0) {
        int saved = errno;
        close(out_pipe[0]);
        close(out_pipe[1]);
        errno = saved;
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        run_child(argc, argv, out_pipe[1], err_pipe[1]);
    }
    int saved = errno;
    close(out_pipe[1]);
    close(err_pipe[1]);
    capture cap[2] = {{.fd = out_pipe[0]}, {.fd = err_pipe[0]}};
    int failed = pid < 0 ? saved : 0;
    /* Both pipes are drained together: a verb that fills one while the other is being read
     * to its end would otherwise block forever. */
    while (pid > 0 && !failed && (cap[0].fd >= 0 || cap[1].fd >= 0)) {
        struct pollfd fds[2] = {{.fd = cap[0].fd, .events = POLLIN},
                                {.fd = cap[1].fd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            failed = errno == EINTR ? 0 : errno;
            continue;
        }
        for (int i = 0; i < 2 && !failed; i++) {
            if (cap[i].fd >= 0 && fds[i].revents && capture_read(&cap[i]) != 0) {
                failed = errno ? errno : ENOMEM;
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        if (cap[i].fd >= 0) {
            close(cap[i].fd); /* after a failure: the child then gets EPIPE and ends */
        }
    }
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            failed = failed ? failed : errno;
            break;
        }
    }
    if (failed) {
        free(cap[0].text);
        free(cap[1].text);
        errno = failed;
        return -1;
    }
    /* A stream the verb never wrote to is an empty text, not NULL. */
    for (int i = 0; i < 2; i++) {
        if (cap[i].text == NULL && (cap[i].text = calloc(1, 1)) == NULL) {
            free(cap[0].text);
            free(cap[1].text);
            errno = ENOMEM;
            return -1;
        }
    }
    if (out_text) {
        *out_text = cap[0].text;
    } else {
        free(cap[0].text);
    }
    if (err_text) {
        *err_text = cap[1].text;
    } else {
        free(cap[1].text);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

void aif_cli_free(char *text) {
    free(text);
}
