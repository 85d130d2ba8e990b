/* End-to-end tests of `aifactory replay` on the bundled traces: the JSON summary's exact
 * Philly numbers, the bad-row message with file:line and exit code 2, --skip-bad, and the
 * -o output files. The CLI binary is found next to this test's build directory (the golden
 * tests cannot name repository files, as they run in a scratch directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char cli[2048];
static char data_dir[2048];

/* Run `cli args` in a shell, capture stdout (and stderr when merge), return the exit code. */
static int run(const char *args, bool merge, char *out, size_t size) {
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' replay %s%s", cli, args, merge ? " 2>&1" : " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void philly_json_summary(void **state) {
    (void)state;
    static char out[1 << 16];
    char args[4096];
    snprintf(args, sizeof args, "'%s/philly.csv.zst' --gpus 2048 --json", data_dir);
    assert_int_equal(run(args, false, out, sizeof out), 0);
    /* On 2,048 GPUs nothing waits: JCT = duration, so the trace's own numbers come back. */
    assert_non_null(strstr(out, "{\"trace_format\":\"philly\",\"policy\":\"fifo\","
                                "\"placement\":\"pool\",\"gpus\":2048,\"jobs\":82247,"));
    assert_non_null(strstr(out, "\"median_jct_s\":1144,"));
    assert_non_null(strstr(out, "\"mean_wait_s\":0,"));
    assert_non_null(strstr(out, "\"skipped_rows\":0,"));
    assert_non_null(strstr(out, "\"events\":164494,"));
    assert_non_null(strstr(out, "\"by_vc\":{"));
    assert_non_null(strstr(out, "\"6214e9\":{\"jobs\":41226,"));
    assert_int_equal(out[strlen(out) - 2], '}');
}

static void bad_rows_exit_2_or_skip(void **state) {
    (void)state;
    static char out[1 << 16];
    char args[4096];
    snprintf(args, sizeof args, "'%s/openb_pod_list_default.csv.zst' --gpus 64", data_dir);
    assert_int_equal(run(args, true, out, sizeof out), 2);
    assert_non_null(strstr(out,
                           "openb_pod_list_default.csv.zst:7287:54: error: field 'deletion_time': "
                           "expected an end time after the start, found '12774042'"));
    snprintf(args, sizeof args,
             "'%s/openb_pod_list_default.csv.zst' --gpus 64 --skip-bad --json --policy backfill",
             data_dir);
    assert_int_equal(run(args, false, out, sizeof out), 0);
    assert_non_null(strstr(out, "\"jobs\":7063,"));
    assert_non_null(strstr(out, "\"skipped_rows\":1,\"filtered_rows\":1088,"));
}

static void output_directory(void **state) {
    (void)state;
    static char out[1 << 16];
    char dir[] = "/tmp/aif_replay_cli_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char args[4096];
    snprintf(args, sizeof args,
             "'%s/tiresias_60_job.csv' --gpus 16 --gpus-per-node 4 --policy las -o '%s/o' "
             "--quiet",
             data_dir, dir);
    assert_int_equal(run(args, true, out, sizeof out), 0);
    assert_string_equal(out, "");
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/o/jobs.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "job_id,name,vc,gpus,duration_s,submit_s,start_s,end_s,wait_s,"
                              "jct_s,preemptions,nodes\n");
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 60);
    snprintf(path, sizeof path, "%s/o/timeseries.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "time_s,busy_gpus,queued_jobs,running_jobs\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "0.000,1,0,1\n");
    fclose(f);
    /* The results store and its summary: the run, its params, metrics and jobs. */
    snprintf(path, sizeof path, "%s/o/summary.json", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    assert_non_null(strstr(out, "\"kind\": \"replay\""));
    assert_non_null(strstr(out, "\"name\": \"tiresias_60_job.csv\""));
    assert_non_null(strstr(out, "\"mean_jct_s\""));
    assert_non_null(strstr(out, "\"jobs\": 60"));
    snprintf(path, sizeof path, "%s/o/results.sqlite", dir);
    assert_int_equal(access(path, R_OK), 0);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(int argc, char **argv) {
    (void)argc;
    /* build/<preset>/tests/test_replay_cli -> build/<preset>/aifactory */
    const char *slash = strrchr(argv[0], '/');
    snprintf(cli, sizeof cli, "%.*s/../aifactory", slash ? (int)(slash - argv[0]) : 1,
             slash ? argv[0] : ".");
    const char *f = __FILE__;
    const char *u = strstr(f, "unit/test_replay_cli.c");
    snprintf(data_dir, sizeof data_dir, "%.*sdata", u ? (int)(u - f) : 0, f);
    if (access(cli, X_OK) != 0) {
        fprintf(stderr, "test_replay_cli: %s not found\n", cli);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(philly_json_summary),
        cmocka_unit_test(bad_rows_exit_2_or_skip),
        cmocka_unit_test(output_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
