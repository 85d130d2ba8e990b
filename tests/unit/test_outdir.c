/* Unit tests for outdir.h: a folder is published whole and replaces the previous one with no
 * sibling left, an abort leaves the previous one, a folder that is not ours is refused and
 * left as it was, a held lock refuses a second writer (another process, and another handle
 * of this one), and what a killed writer left is recovered or removed by the next one. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "aifactory/outdir.h"
#include "aifactory/syserr.h"

static void put(const char *dir, const char *name, const char *text) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void slurp(const char *dir, const char *name, char *buf, size_t cap) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Entries of `dir` besides . and .., hidden ones included. */
static int entries(const char *dir) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void rm_rf(const char *dir) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A scratch parent folder; the output folder is PARENT/out. */
static void scratch(char parent[32], char out[64]) {
    strcpy(parent, "test_outdir.XXXXXX");
    assert_non_null(mkdtemp(parent));
    snprintf(out, 64, "%s/out", parent);
}

static void publish(const char *out, const char *text) {
    aif_outdir d;
    aif_error err = {0};
    assert_int_equal(aif_outdir_begin(&d, out, &err), AIF_OK);
    put(d.tmp, "summary.json", text);
    put(d.tmp, "jobs.csv", text);
    assert_int_equal(aif_outdir_commit(&d, &err), AIF_OK);
}

static void publish_replace_abort(void **state) {
    (void)state;
    char parent[32], out[64], buf[64];
    scratch(parent, out);
    publish(out, "one");
    slurp(out, "summary.json", buf, sizeof buf);
    assert_string_equal(buf, "one");
    assert_int_equal(entries(parent), 1); /* out only: no lock, no temporary folder */

    publish(out, "two");
    slurp(out, "jobs.csv", buf, sizeof buf);
    assert_string_equal(buf, "two");
    assert_int_equal(entries(parent), 1);
    assert_int_equal(entries(out), 2);

    /* Half a new folder, then abort: the previous one stays, nothing else is left. */
    aif_outdir d;
    assert_int_equal(aif_outdir_begin(&d, out, NULL), AIF_OK);
    put(d.tmp, "summary.json", "thr");
    assert_int_equal(entries(parent), 3); /* out, .out.lock, .out.tmp-XXXXXX */
    aif_outdir_abort(&d);
    aif_outdir_abort(&d); /* released: a second abort is harmless */
    assert_int_equal(entries(parent), 1);
    slurp(out, "summary.json", buf, sizeof buf);
    assert_string_equal(buf, "two");

    /* A trailing slash names the same folder. */
    char slashed[80];
    snprintf(slashed, sizeof slashed, "%s//", out);
    publish(slashed, "four");
    slurp(out, "summary.json", buf, sizeof buf);
    assert_string_equal(buf, "four");
    assert_int_equal(entries(parent), 1);
    rm_rf(parent);
}

static void foreign_folder_refused(void **state) {
    (void)state;
    char parent[32], out[64], buf[64];
    scratch(parent, out);
    assert_int_equal(mkdir(out, 0777), 0);
    put(out, "notes.txt", "mine");
    aif_outdir d;
    aif_error err = {0};
    assert_int_equal(aif_outdir_begin(&d, out, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "not an aifactory output folder"));
    assert_non_null(strstr(err.message, "notes.txt"));
    slurp(out, "notes.txt", buf, sizeof buf);
    assert_string_equal(buf, "mine");
    assert_int_equal(entries(parent), 1); /* no lock or temporary folder left */

    /* A file where the folder would be, and names that are no folder of their own. */
    char file[80];
    snprintf(file, sizeof file, "%s/out/notes.txt", parent);
    assert_int_equal(aif_outdir_begin(&d, file, &err), AIF_EINVAL);
    assert_non_null(strstr(err.message, "is not a folder"));
    assert_int_equal(aif_outdir_begin(&d, ".", &err), AIF_EINVAL);
    assert_int_equal(aif_outdir_begin(&d, "..", &err), AIF_EINVAL);
    assert_int_equal(aif_outdir_begin(&d, "/", &err), AIF_EINVAL);
    assert_int_equal(aif_outdir_begin(&d, "", &err), AIF_EINVAL);
    rm_rf(parent);
}

static void lock_refuses_second_writer(void **state) {
    (void)state;
    char parent[32], out[64];
    scratch(parent, out);
    aif_outdir first;
    assert_int_equal(aif_outdir_begin(&first, out, NULL), AIF_OK);

    /* Another handle in this process. */
    aif_outdir second;
    aif_error err = {0};
    assert_int_equal(aif_outdir_begin(&second, out, &err), AIF_ESTATE);
    assert_non_null(strstr(err.message, "is being written by another aifactory process"));
    char pid[32];
    snprintf(pid, sizeof pid, "(pid %ld)", (long)getpid());
    assert_non_null(strstr(err.message, pid));

    /* Another process. */
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        aif_outdir c;
        _exit(aif_outdir_begin(&c, out, NULL) == AIF_ESTATE ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* The refusals took nothing away: the first writer still publishes, then the lock is
     * free again. */
    put(first.tmp, "summary.json", "first");
    assert_int_equal(aif_outdir_commit(&first, NULL), AIF_OK);
    publish(out, "next");
    assert_int_equal(entries(parent), 1);
    rm_rf(parent);
}

/* A kill leaves siblings; the next writer, holding the lock, knows they are dead. */
static void recovers_after_kill(void **state) {
    (void)state;
    char parent[32], out[64], path[128], buf[64];
    scratch(parent, out);
    /* Killed between the two renames of the fallback swap: no out, a complete .old. */
    snprintf(path, sizeof path, "%s/.out.old-AbC123", parent);
    assert_int_equal(mkdir(path, 0777), 0);
    put(path, "summary.json", "old");
    /* Killed while writing: a temporary folder, a stale lock file. */
    snprintf(path, sizeof path, "%s/.out.tmp-Zz9_00", parent);
    assert_int_equal(mkdir(path, 0777), 0);
    put(path, "timeseries.csv.tmp-q1w2e3", "half");
    snprintf(path, sizeof path, "%s/.out.lock", parent);
    put(parent, ".out.lock", "999999\n");
    /* Not ours: a sibling with a file aifactory never writes stays. */
    snprintf(path, sizeof path, "%s/.out.tmp-keepme", parent);
    assert_int_equal(mkdir(path, 0777), 0);
    put(path, "thesis.tex", "mine");

    aif_outdir d;
    assert_int_equal(aif_outdir_begin(&d, out, NULL), AIF_OK);
    slurp(out, "summary.json", buf, sizeof buf); /* the .old folder is back */
    assert_string_equal(buf, "old");
    aif_outdir_abort(&d);
    assert_int_equal(entries(parent), 2); /* out and the foreign .out.tmp-keepme */
    slurp(path, "thesis.tex", buf, sizeof buf);
    assert_string_equal(buf, "mine");
    rm_rf(parent);
}

static void symlink_followed(void **state) {
    (void)state;
    char parent[32], out[64], link[80], buf[64];
    scratch(parent, out);
    publish(out, "real");
    snprintf(link, sizeof link, "%s/link", parent);
    assert_int_equal(symlink("out", link), 0);
    publish(link, "via link");
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode)); /* the link stays a link */
    slurp(out, "summary.json", buf, sizeof buf);
    assert_string_equal(buf, "via link");
    rm_rf(parent);
}

static void output_names(void **state) {
    (void)state;
    assert_true(aif_outdir_is_output_name("results.sqlite"));
    assert_true(aif_outdir_is_output_name("timeseries.csv"));
    assert_true(aif_outdir_is_output_name("requests.csv"));
    assert_true(aif_outdir_is_output_name("requests.csv.tmp-a1B2c3"));
    assert_true(aif_outdir_is_output_name("events.csv.tmp-a1B2c3"));
    assert_true(aif_outdir_is_output_name("results.sqlite.tmp-a1B2c3-wal"));
    assert_false(aif_outdir_is_output_name("results.sqlite.bak"));
    assert_false(aif_outdir_is_output_name("notes.txt"));
    assert_false(aif_outdir_is_output_name("jobs.csv.tmp-"));
}

static void errno_names(void **state) {
    (void)state;
    char buf[AIF_SYSERR_MAX];
    assert_string_equal(aif_errno_name(ENOSPC), "ENOSPC");
    assert_string_equal(aif_errno_name(EACCES), "EACCES");
    assert_string_equal(aif_errno_name(EROFS), "EROFS");
    assert_string_equal(aif_errno_name(EDQUOT), "EDQUOT");
    assert_null(aif_errno_name(0));
    assert_non_null(strstr(aif_syserr(EACCES, buf), "(EACCES)"));
    assert_null(strstr(aif_syserr(0, buf), "Success"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(publish_replace_abort),
        cmocka_unit_test(foreign_folder_refused),
        cmocka_unit_test(lock_refuses_second_writer),
        cmocka_unit_test(recovers_after_kill),
        cmocka_unit_test(symlink_followed),
        cmocka_unit_test(output_names),
        cmocka_unit_test(errno_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
