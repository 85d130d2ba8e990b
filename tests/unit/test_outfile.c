/* Unit tests for outfile.h: a committed file replaces the old one whole, an aborted one
 * leaves the old file and no temporary file, a missing directory is an error, and the
 * constructor fails cleanly when an allocation fails. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aifactory/outfile.h"

/* Entries of `dir` besides . and .. */
static int entries(const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static void slurp(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void commit_replaces_abort_keeps(void **state) {
    (void)state;
    char dir[] = "test_outfile.XXXXXX", path[64], buf[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.csv", dir);

    aif_outfile f;
    assert_int_equal(aif_outfile_open(&f, NULL, path, NULL), AIF_OK);
    fputs("old\n", f.fp);
    assert_int_equal(entries(dir), 1); /* only the temporary file so far */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(aif_outfile_commit(&f, NULL), AIF_OK);
    slurp(path, buf, sizeof buf);
    assert_string_equal(buf, "old\n");

    /* Half a new file, then abort: the old one stays, nothing else is left. */
    assert_int_equal(aif_outfile_open(&f, NULL, path, NULL), AIF_OK);
    fputs("new, but only ha", f.fp);
    assert_int_equal(entries(dir), 2);
    aif_outfile_abort(&f);
    aif_outfile_abort(&f); /* released: a second abort is harmless */
    assert_int_equal(entries(dir), 1);
    slurp(path, buf, sizeof buf);
    assert_string_equal(buf, "old\n");

    assert_int_equal(aif_outfile_open(&f, NULL, path, NULL), AIF_OK);
    fputs("new\n", f.fp);
    assert_int_equal(aif_outfile_commit(&f, NULL), AIF_OK);
    slurp(path, buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(entries(dir), 1);
    remove(path);
    rmdir(dir);
}

static void missing_directory(void **state) {
    (void)state;
    aif_outfile f;
    aif_error err = {0};
    assert_int_equal(aif_outfile_open(&f, NULL, "no-such-dir-here/x.csv", &err), AIF_EIO);
    assert_string_equal(err.message, "cannot write no-such-dir-here/x.csv: No such file or "
                                     "directory (ENOENT)");
    aif_outfile_abort(&f);
}

/* A full disk: the stream's writes fail with ENOSPC (here by writing to /dev/full), and the
 * message says so by name, not "input/output error"; nothing is published. */
static void full_disk_named(void **state) {
    (void)state;
    FILE *full = fopen("/dev/full", "wb");
    if (full == NULL) {
        skip(); /* not Linux */
    }
    char dir[] = "test_outfile.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.csv", dir);
    aif_outfile f;
    aif_error err = {0};
    assert_int_equal(aif_outfile_open(&f, NULL, path, &err), AIF_OK);
    fclose(f.fp);
    f.fp = full;
    for (int i = 0; i < 100000; i++) {
        fputs("0123456789", f.fp);
    }
    assert_int_equal(aif_outfile_commit(&f, &err), AIF_EIO);
    char want[128];
    snprintf(want, sizeof want, "cannot write %s: No space left on device (ENOSPC)", path);
    assert_string_equal(err.message, want);
    assert_int_equal(entries(dir), 0);
    rmdir(dir);
}

static void allocation_failures(void **state) {
    (void)state;
    char dir[] = "test_outfile.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/b.csv", dir);
    for (long k = 1; k <= 3; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_outfile f;
        aif_status s = aif_outfile_open(&f, &t.base, path, NULL);
        if (s == AIF_OK) {
            aif_outfile_abort(&f);
        } else {
            assert_int_equal(s, AIF_ENOMEM);
        }
        assert_int_equal(t.live_blocks, 0);
        assert_int_equal(entries(dir), 0);
    }
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_replaces_abort_keeps),
        cmocka_unit_test(missing_directory),
        cmocka_unit_test(full_disk_named),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
