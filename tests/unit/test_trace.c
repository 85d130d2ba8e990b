/* Unit tests for the trace reader: CSV splitting and value parsing, every format on small
 * hand-written traces, row validation messages, --skip-bad counting, the stable sort,
 * streaming across window refills, zstd input, exact statistics of the bundled Philly trace,
 * clean failure when the Nth allocation fails, the one-pass path for rows of plain numbers
 * (same jobs and errors as the general one), and page arrangement ahead of a writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "aifactory/trace.h"
#include "io/trace_internal.h"

/* An error as the CLI prints it ("file:line: message"), formatted into a buffer that lives
 * as long as the enclosing block. */
static const char *shown(const aif_error *e, char *buf, size_t n) {
    aif_error_format(e, buf, n);
    return buf;
}
#define SHOWN(e) shown(&(e), (char[512]){0}, 512)

#define NS 1000000000LL

/* |a - b| <= eps, printing both values when it fails. */
#define assert_near(a, b, eps)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps))) {                                             \
            fail_msg("%.17g != %.17g (tolerance %g)", a_, b_, (double)(eps));                      \
        }                                                                                          \
    } while (0)

/* tests/data/NAME, found from this file's own path (CMake compiles it by absolute path). */
static void data_path(char *buf, size_t size, const char *name) {
    const char *f = __FILE__;
    const char *slash = strstr(f, "unit/test_trace.c");
    assert_non_null(slash);
    snprintf(buf, size, "%.*sdata/%s", (int)(slash - f), f, name);
}

static aif_trace *parse_ok(const char *text, aif_trace_format format, bool skip) {
    aif_trace *t = NULL;
    aif_error err;
    aif_trace_options opt = {format, skip};
    aif_status st = aif_trace_parse(NULL, "t.csv", text, strlen(text), &opt, &t, &err);
    if (st != AIF_OK) {
        fail_msg("parse failed: %s (%s)", aif_strerror(st), SHOWN(err));
    }
    return t;
}

static aif_status parse_err(const char *text, aif_trace_format format, aif_error *err) {
    aif_trace *t = NULL;
    aif_trace_options opt = {format, false};
    aif_status st = aif_trace_parse(NULL, "t.csv", text, strlen(text), &opt, &t, err);
    assert_null(t);
    return st;
}

static void csv_split_rules(void **state) {
    (void)state;
    char *f[8];
    char r1[] = "a, b ,\"c,d\",\"say \"\"hi\"\"\",,\"\"";
    assert_int_equal(aif__csv_split(r1, strlen(r1), f, 8), 6);
    assert_string_equal(f[0], "a");
    assert_string_equal(f[1], "b");
    assert_string_equal(f[2], "c,d");
    assert_string_equal(f[3], "say \"hi\"");
    assert_string_equal(f[4], "");
    assert_string_equal(f[5], "");
    char r2[] = "\"multi\nline\",x";
    assert_int_equal(aif__csv_split(r2, strlen(r2), f, 8), 2);
    assert_string_equal(f[0], "multi\nline");
    char r3[] = "\"a\"b,c";
    assert_int_equal(aif__csv_split(r3, strlen(r3), f, 8), -1);
    char r4[] = "1,2,3,4";
    assert_int_equal(aif__csv_split(r4, strlen(r4), f, 2), 4); /* counts beyond max */
    assert_string_equal(f[1], "2");
    char r5[] = "";
    assert_int_equal(aif__csv_split(r5, 0, f, 8), 1);
    assert_string_equal(f[0], "");
}

/* Every time is bounded by AIF_JOB_TIME_LIMIT_S (100 years of 1970) and every duration by
 * AIF_JOB_DURATION_LIMIT_S (50 years), so that
 * submit + duration, end - start and the spans of a replay fit int64 ns: dates outside
 * 1869-12-31..2069-12-31 and seconds past the limit are refused with the limit in the
 * message (the reproducers in tests/data/repro overflowed here). */
static void times_within_limit(void **state) {
    (void)state;
    int64_t v;
    assert_int_equal(aif__parse_date("2069-12-31 23:59:59.999", &v), AIF_OK);
    assert_int_equal(v, AIF_JOB_TIME_LIMIT_NS - 1000000);
    assert_int_equal(aif__parse_date("2070-01-01 00:00:00", &v), AIF_ERANGE);
    assert_int_equal(aif__parse_date("1869-12-31 00:00:00", &v), AIF_OK);
    assert_int_equal(v, -AIF_JOB_TIME_LIMIT_NS);
    assert_int_equal(aif__parse_date("1869-12-30 23:59:59", &v), AIF_ERANGE);
    assert_int_equal(aif__parse_date("2263-01-01 00:00:00", &v), AIF_ERANGE);
    assert_int_equal(aif__parse_date("0000-01-01 00:00:00", &v), AIF_ERANGE);
    assert_int_equal(aif__parse_date("9999-12-31 23:59:59", &v), AIF_ERANGE);

    static const char *const time_msg =
        "expected a time within +-100 years of 1970 (|t| <= 3155760000 s)";
    static const struct {
        const char *text, *shown;
    } cases[] = {
        {"job_id,submit_s,gpus,duration_s\n1,9223372036,1,1\n", "field 'submit_s'"},
        {"job_id,submit_s,gpus,duration_s\n1,-3155760001,1,1\n", "field 'submit_s'"},
        {"timestamp,duration,num_gpus,cluster\n2263-01-01 00:00:00,66,1,a\n", "field 'timestamp'"},
        {"job_id,user,gpu_num,state,submit_time,start_time,end_time,duration\n"
         "1,u,1,COMPLETED,0,-9000000000,9000000000,\n",
         "field 'end_time'"},
        {"job_id,user,gpu_num,state,submit_time,start_time,end_time,duration\n"
         "1,u,1,COMPLETED,0,-9000000000,10,\n",
         "field 'start_time'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_error err;
        assert_int_equal(parse_err(cases[i].text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
        const char *msg = SHOWN(err);
        assert_non_null(strstr(msg, "t.csv:2:"));
        assert_true(err.col >= 1); /* the column of the time field */
        assert_non_null(strstr(msg, cases[i].shown));
        assert_non_null(strstr(msg, time_msg));
    }
    /* The limits themselves are accepted. */
    aif_trace *t = parse_ok("job_id,submit_s,gpus,duration_s\n1,-3155760000,1,1577880000\n"
                            "2,3155760000,1,1\n",
                            AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_count(t), 2);
    assert_int_equal(aif_trace_jobs(t)[0].submit_ns, -AIF_JOB_TIME_LIMIT_NS);
    assert_int_equal(aif_trace_jobs(t)[0].duration_ns, AIF_JOB_DURATION_LIMIT_NS);
    aif_trace_destroy(t);
    /* Durations: given, or end - start of times that are each within the limit. */
    aif_error err;
    assert_int_equal(
        parse_err("job_id,submit_s,gpus,duration_s\n1,0,1,1577880001\n", AIF_TRACE_AUTO, &err),
        AIF_EPARSE);
    assert_string_equal(SHOWN(err), "t.csv:2:7: error: field 'duration_s': expected a duration of "
                                    "at most 50 years (1577880000 s), found '1577880001'");
    assert_int_equal(parse_err("job_id,user,gpu_num,state,submit_time,start_time,end_time,"
                               "duration\n1,u,1,COMPLETED,0,-1000000000,1000000000,\n",
                               AIF_TRACE_AUTO, &err),
                     AIF_EPARSE);
    assert_string_equal(SHOWN(err), "t.csv:2:31: error: field 'end_time': expected a duration of "
                                    "at most 50 years (1577880000 s), found '1000000000'");
}

static void value_parsers(void **state) {
    (void)state;
    int64_t v;
    assert_int_equal(aif__parse_seconds("66.0", &v), AIF_OK);
    assert_int_equal(v, 66 * NS);
    assert_int_equal(aif__parse_seconds("0.1", &v), AIF_OK);
    assert_int_equal(v, 100000000);
    assert_int_equal(aif__parse_seconds("1.5e3", &v), AIF_OK);
    assert_int_equal(v, 1500 * NS);
    assert_int_equal(aif__parse_seconds("-3", &v), AIF_OK);
    assert_int_equal(v, -3 * NS);
    assert_int_equal(aif__parse_seconds("0.0000000015", &v), AIF_OK);
    assert_int_equal(v, 2); /* rounded to nearest */
    assert_int_equal(aif__parse_seconds("4628226", &v), AIF_OK);
    assert_int_equal(v, 4628226 * NS);
    assert_int_equal(aif__parse_seconds("9300000000", &v), AIF_ERANGE);
    assert_int_equal(aif__parse_seconds("", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_seconds("12s", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_seconds(".", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_seconds("1e", &v), AIF_EPARSE);

    assert_int_equal(aif__parse_date("2017-09-04 10:30:41", &v), AIF_OK);
    assert_int_equal(v, 1504521041 * NS);
    assert_int_equal(aif__parse_date("2000-02-29T23:59:59Z", &v), AIF_OK);
    assert_int_equal(v, 951868799 * NS);
    assert_int_equal(aif__parse_date("1969-12-31 23:59:59.5", &v), AIF_OK);
    assert_int_equal(v, -NS + NS / 2);
    assert_int_equal(aif__parse_date("2020-04-01", &v), AIF_OK);
    assert_int_equal(v, 1585699200 * NS);
    assert_int_equal(aif__parse_date("2019-02-29 00:00:00", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_date("2019-13-01", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_date("2019-01-01 24:00:00", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_time("2017-12-22 08:02:11", &v), AIF_OK);
    assert_int_equal(v, 1513929731 * NS);
    assert_int_equal(aif__parse_time("2017", &v), AIF_OK);
    assert_int_equal(v, 2017 * NS);

    assert_int_equal(aif__parse_int("8.0", 0, 10, &v), AIF_OK);
    assert_int_equal(v, 8);
    assert_int_equal(aif__parse_int("8.5", 0, 10, &v), AIF_EPARSE);
    assert_int_equal(aif__parse_int("11", 0, 10, &v), AIF_ERANGE);
    assert_int_equal(aif__parse_int("-1", 0, 10, &v), AIF_ERANGE);
    assert_int_equal(aif__parse_int("99999999999999999999", 0, 10, &v), AIF_ERANGE);
    assert_int_equal(aif__parse_int("x", 0, 10, &v), AIF_EPARSE);
}

static void format_names(void **state) {
    (void)state;
    aif_trace_format f;
    for (int i = 0; i < AIF_TRACE_FORMAT_COUNT; i++) {
        assert_int_equal(aif_trace_format_parse(aif_trace_format_name((aif_trace_format)i), &f),
                         AIF_OK);
        assert_int_equal(f, i);
    }
    assert_string_equal(aif_trace_format_name(AIF_TRACE_ALIBABA_OPENB), "alibaba-openb");
    assert_int_equal(aif_trace_format_parse("slurm", &f), AIF_ENOTFOUND);
    assert_string_equal(aif_trace_format_name((aif_trace_format)99), "?");
}

static void generic_sorted_stably_with_strings(void **state) {
    (void)state;
    const char *text = "job_id,submit_s,gpus,duration_s,user,vc,priority,gpu_type,status\n"
                       "7,30,2,100.5,alice,vcA,3,H100,Pass\n"
                       "job-b,10,1,5,bob,vcB,,,\n"
                       "9,30,4,1,alice,vcA,-1,H100,Failed\n"
                       "\n"
                       "3,0.25,8,2,\"carol, jr\",vcB,0,,Pass\n";
    aif_trace *t = parse_ok(text, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_GENERIC);
    assert_int_equal(aif_trace_count(t), 4);
    const aif_job *j = aif_trace_jobs(t);
    assert_int_equal(j[0].id, 3);
    assert_int_equal(j[0].submit_ns, NS / 4);
    assert_int_equal(j[0].gpus, 8);
    assert_string_equal(aif_trace_string(t, j[0].user), "carol, jr");
    assert_int_equal(j[0].line, 6);
    /* A non-numeric id keeps its text and gets the data row as its number. */
    assert_int_equal(j[1].id, 2);
    assert_string_equal(aif_trace_string(t, j[1].name), "job-b");
    assert_int_equal(j[1].priority, 0);
    assert_int_equal(j[1].gpu_type, 0);
    /* Equal submit times keep file order. */
    assert_int_equal(j[2].id, 7);
    assert_int_equal(j[3].id, 9);
    assert_int_equal(j[2].duration_ns, 100 * NS + NS / 2);
    assert_int_equal(j[2].priority, 3);
    assert_int_equal(j[3].priority, -1);
    assert_int_equal(j[2].user, j[3].user); /* interned once */
    assert_int_equal(j[2].vc, j[3].vc);
    assert_string_equal(aif_trace_string(t, j[3].status), "Failed");
    assert_string_equal(aif_trace_string(t, j[2].gpu_type), "H100");
    assert_int_equal(j[2].gpu_milli, 1000);
    /* alice carol,jr bob vcA vcB H100 Pass Failed job-b */
    assert_int_equal(aif_trace_string_count(t), 9);
    assert_string_equal(aif_trace_string(t, 0), "");
    assert_null(aif_trace_string(t, 10));
    assert_int_equal(aif_trace_skipped_rows(t), 0);
    aif_trace_destroy(t);
}

static void philly_format_dates(void **state) {
    (void)state;
    const char *text = "timestamp,duration,num_gpus,gpu_time,cluster\r\n"
                       "2017-10-09 07:01:55,66.0,1,66.0,11cb48\r\n"
                       "2017-09-29 07:58:32,860662.0,8,6885296.0,6c71a0\r\n";
    aif_trace *t = parse_ok(text, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_PHILLY);
    const aif_job *j = aif_trace_jobs(t);
    assert_int_equal(aif_trace_count(t), 2);
    assert_int_equal(j[0].submit_ns, 1506671912LL * NS);
    assert_int_equal(j[0].duration_ns, 860662 * NS);
    assert_int_equal(j[0].gpus, 8);
    assert_int_equal(j[0].id, 2); /* no id column: the data row */
    assert_string_equal(aif_trace_string(t, j[0].vc), "6c71a0");
    assert_string_equal(aif_trace_string(t, j[1].vc), "11cb48");
    aif_trace_destroy(t);
}

static void helios_and_acme_logs(void **state) {
    (void)state;
    /* Helios: dated times, CPU jobs dropped, duration column preferred over end - start. */
    const char *helios = "job_id,user,vc,jobname,gpu_num,cpu_num,node_num,state,submit_time,"
                         "start_time,end_time,duration\n"
                         "j1,u1,vc7,train,8,32,1,COMPLETED,2020-04-01 00:00:10,"
                         "2020-04-01 00:01:00,2020-04-01 01:01:00,3600\n"
                         "j2,u2,vc7,prep,0,4,1,COMPLETED,2020-04-01 00:00:05,"
                         "2020-04-01 00:00:05,2020-04-01 00:00:50,45\n"
                         "j3,u1,vc2,eval,1,4,1,FAILED,2020-04-01 00:00:00,"
                         "2020-04-01 00:00:00,2020-04-01 00:02:00,\n";
    aif_trace *t = parse_ok(helios, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_HELIOS);
    assert_int_equal(aif_trace_count(t), 2);
    assert_int_equal(aif_trace_filtered_rows(t), 1);
    const aif_job *j = aif_trace_jobs(t);
    assert_string_equal(aif_trace_string(t, j[0].name), "j3");
    assert_int_equal(j[0].submit_ns, 1585699200LL * NS);
    assert_int_equal(j[0].duration_ns, 120 * NS); /* from end - start */
    assert_string_equal(aif_trace_string(t, j[0].status), "FAILED");
    assert_int_equal(j[1].duration_ns, 3600 * NS);
    assert_int_equal(j[1].gpus, 8);
    assert_string_equal(aif_trace_string(t, j[1].vc), "vc7");
    assert_string_equal(aif_trace_string(t, j[1].user), "u1");
    aif_trace_destroy(t);

    const char *acme = "job_id,user,gpu_num,cpu_num,node_num,type,state,submit_time,start_time,"
                       "end_time,duration,queue\n"
                       "101,u9,16,128,2,Pretrain,COMPLETED,1000,1010,5010,4000,10\n";
    t = parse_ok(acme, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_ACME);
    j = aif_trace_jobs(t);
    assert_int_equal(j[0].id, 101);
    assert_int_equal(j[0].gpus, 16);
    assert_int_equal(j[0].submit_ns, 1000 * NS);
    assert_int_equal(j[0].duration_ns, 4000 * NS);
    assert_int_equal(j[0].vc, 0);
    aif_trace_destroy(t);
}

static void alibaba_openb_pods(void **state) {
    (void)state;
    const char *text = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
                       "creation_time,deletion_time,scheduled_time\n"
                       "openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0\n"
                       "openb-pod-0001,6000,12288,1,460,V100M16|V100M32,LS,Running,427061,"
                       "12902960,427100\n"
                       "openb-pod-0002,6000,12288,0,0,,BE,Running,5,100,5\n"
                       "openb-pod-0003,8000,30517,2,1000,,BE,Pending,200,800,\n";
    aif_trace *t = parse_ok(text, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_ALIBABA_OPENB);
    assert_int_equal(aif_trace_count(t), 3);
    assert_int_equal(aif_trace_filtered_rows(t), 1);
    const aif_job *j = aif_trace_jobs(t);
    assert_int_equal(j[0].duration_ns, 12537496 * NS);
    assert_int_equal(j[1].submit_ns, 200 * NS);
    assert_int_equal(j[1].duration_ns, 600 * NS); /* not scheduled: from creation */
    assert_int_equal(j[1].gpus, 2);
    assert_int_equal(j[2].gpu_milli, 460);
    assert_int_equal(j[2].duration_ns, (12902960 - 427100) * NS);
    assert_string_equal(aif_trace_string(t, j[2].gpu_type), "V100M16|V100M32");
    assert_string_equal(aif_trace_string(t, j[2].name), "openb-pod-0001");
    aif_trace_destroy(t);
}

static void bundled_files(void **state) {
    (void)state;
    char path[1024];
    aif_trace *t = NULL;
    aif_error err;
    data_path(path, sizeof path, "tiresias_60_job.csv");
    assert_int_equal(aif_trace_read(NULL, path, NULL, &t, &err), AIF_OK);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_TIRESIAS);
    assert_int_equal(aif_trace_count(t), 60);
    aif_trace_stats s;
    assert_int_equal(aif_trace_stats_compute(t, &s), AIF_OK);
    assert_int_equal(s.last_submit_ns, 1779 * NS);
    assert_near(s.mean_duration_s, 10705.0 / 60, 1e-9);
    long gpus = 0;
    for (size_t i = 0; i < 60; i++) {
        gpus += aif_trace_jobs(t)[i].gpus;
    }
    assert_int_equal(gpus, 170);
    assert_string_equal(aif_trace_string(t, aif_trace_jobs(t)[0].gpu_type), "vgg19");
    aif_trace_destroy(t);

    /* Alibaba openb default: one pod is deleted the second it is created (file line 7287). */
    data_path(path, sizeof path, "openb_pod_list_default.csv.zst");
    assert_int_equal(aif_trace_read(NULL, path, NULL, &t, &err), AIF_EPARSE);
    assert_int_equal(err.line, 7287);
    assert_non_null(strstr(SHOWN(err),
                           ".csv.zst:7287:54: error: field 'deletion_time': expected an end "
                           "time after the start, found '12774042'"));
    aif_trace_options opt = {AIF_TRACE_AUTO, true};
    assert_int_equal(aif_trace_read(NULL, path, &opt, &t, &err), AIF_OK);
    assert_int_equal(aif_trace_count(t), 7063);
    assert_int_equal(aif_trace_skipped_rows(t), 1);
    assert_int_equal(aif_trace_filtered_rows(t), 1088);
    assert_int_equal(err.line, 7287); /* the first skipped row is still reported */
    aif_trace_destroy(t);
}

/* The README's numbers for Pollux's philly.csv, reproduced exactly. */
static void philly_exact_counts(void **state) {
    (void)state;
    char path[1024];
    data_path(path, sizeof path, "philly.csv.zst");
    aif_trace *t = NULL;
    aif_error err;
    assert_int_equal(aif_trace_read(NULL, path, NULL, &t, &err), AIF_OK);
    assert_int_equal(aif_trace_format_of(t), AIF_TRACE_PHILLY);
    aif_trace_stats s;
    assert_int_equal(aif_trace_stats_compute(t, &s), AIF_OK);
    assert_int_equal(s.jobs, 82247);
    assert_int_equal(s.single_gpu_jobs, 76627);
    assert_int_equal((long)(1000.0 * (double)s.single_gpu_jobs / (double)s.jobs + 0.5), 932);
    assert_near(s.median_duration_s, 1144.0, 0);
    assert_int_equal((long)(s.gpu_hours + 0.5), 978078);
    assert_near(s.gpu_hours * 3600, 3521082502.0, 0); /* integer GPU-seconds */
    assert_int_equal(s.max_gpus, 128);
    assert_int_equal(s.first_submit_ns, 1504521041LL * NS);
    assert_int_equal(s.last_submit_ns, 1513929731LL * NS);
    assert_int_equal(aif_trace_string_count(t), 15); /* the virtual clusters */
    const aif_job *j = aif_trace_jobs(t);
    for (size_t i = 1; i < s.jobs; i++) {
        assert_true(j[i - 1].submit_ns <= j[i].submit_ns);
        if (j[i - 1].submit_ns == j[i].submit_ns) {
            assert_true(j[i - 1].line < j[i].line);
        }
    }
    aif_trace_destroy(t);
}

static void bad_rows_report_file_line_field(void **state) {
    (void)state;
    aif_error err;
    const char *head = "job_id,submit_s,gpus,duration_s\n";
    char text[512];
    snprintf(text, sizeof text, "%s1,0,1,10\n2,5,x,10\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_string_equal(
        SHOWN(err),
        "t.csv:3:5: error: field 'gpus': expected a GPU count in 1..16777216, found 'x'");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 5);

    snprintf(text, sizeof text, "%s1,0,1,0\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_string_equal(SHOWN(err),
                        "t.csv:2:7: error: field 'duration_s': expected a duration > 0 s, "
                        "found '0'");
    /* A quoted field: the column of its opening quote. After a quoted field that holds a
     * newline, the line is the field's own and the column is not known. */
    snprintf(text, sizeof text, "%s1, \"0\",\"x\",5\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 8);
    snprintf(text, sizeof text, "job_id,user,gpus,submit_s,duration_s\n1,\"a\nb\",x,0,5\n");
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 0);
    snprintf(text, sizeof text, "%s1,yesterday,1,5\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_non_null(strstr(SHOWN(err), "field 'submit_s'"));
    snprintf(text, sizeof text, "%s1,0,0,5\n", head); /* generic jobs need a GPU */
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    snprintf(text, sizeof text, "%s1,0,1\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_string_equal(SHOWN(err), "t.csv:2: error: expected 4 fields, found 3");
    snprintf(text, sizeof text, "%s1,0,1,5,6\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_string_equal(SHOWN(err), "t.csv:2: error: expected 4 fields, found 5");
    snprintf(text, sizeof text, "%s\"1\"x,0,1,5\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    snprintf(text, sizeof text, "%s1,0,1,\"5\n", head);
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_non_null(strstr(SHOWN(err), "not closed"));

    static const char nul_row[] = "job_id,submit_s,gpus,duration_s\n1,0,1,1\0x\n";
    aif_trace *tn = NULL;
    assert_int_equal(aif_trace_parse(NULL, "t.csv", nul_row, sizeof nul_row - 1, NULL, &tn, &err),
                     AIF_EPARSE);
    assert_string_equal(SHOWN(err), "t.csv:2: error: a NUL byte in the row (binary data?)");
    assert_int_equal(parse_err("a,b,c\n1,2,3\n", AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_non_null(strstr(SHOWN(err), "t.csv:1: error: unknown trace format"));
    assert_int_equal(parse_err("\n\n", AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_non_null(strstr(SHOWN(err), "empty trace"));
    /* A forced format whose columns are missing. */
    assert_int_equal(parse_err(head, AIF_TRACE_PHILLY, &err), AIF_EPARSE);
    assert_string_equal(SHOWN(err), "t.csv:1: error: format philly needs a column 'timestamp'");

    /* Skipping: every bad row is counted, the first is reported, good rows survive. */
    snprintf(text, sizeof text, "%s1,0,1,10\n2,5,x,10\n3,1,1\n4,2,2,-1\n5,3,2,7\n", head);
    aif_trace *t = NULL;
    aif_trace_options opt = {AIF_TRACE_GENERIC, true};
    assert_int_equal(aif_trace_parse(NULL, "t.csv", text, strlen(text), &opt, &t, &err), AIF_OK);
    assert_int_equal(aif_trace_count(t), 2);
    assert_int_equal(aif_trace_skipped_rows(t), 3);
    assert_int_equal(err.line, 3);
    assert_int_equal(aif_trace_jobs(t)[1].id, 5);
    aif_trace_destroy(t);

    assert_int_equal(aif_trace_read(NULL, "/nonexistent/trace.csv", NULL, &t, &err), AIF_EIO);
    assert_string_equal(SHOWN(err), "/nonexistent/trace.csv: error: cannot open or read the file");
    assert_int_equal(aif_trace_read(NULL, NULL, NULL, &t, &err), AIF_EINVAL);
    opt.format = (aif_trace_format)42;
    assert_int_equal(aif_trace_parse(NULL, "t", head, strlen(head), &opt, &t, &err), AIF_EINVAL);
}

static void quoted_newlines_keep_line_numbers(void **state) {
    (void)state;
    const char *text = "job_id,submit_s,gpus,duration_s,user\r\n"
                       "1,0,1,10,\"two\r\nlines\"\r\n"
                       "2,1,1,10,\"x\"\r\n"
                       "3,2,zz,10,y";
    aif_trace *t = NULL;
    aif_error err;
    assert_int_equal(parse_err(text, AIF_TRACE_AUTO, &err), AIF_EPARSE);
    assert_int_equal(err.line, 5); /* the record at line 2 spans two lines */
    aif_trace_options opt = {AIF_TRACE_AUTO, true};
    assert_int_equal(aif_trace_parse(NULL, "t.csv", text, strlen(text), &opt, &t, &err), AIF_OK);
    assert_int_equal(aif_trace_count(t), 2);
    assert_string_equal(aif_trace_string(t, aif_trace_jobs(t)[0].user), "two\r\nlines");
    assert_int_equal(aif_trace_jobs(t)[1].line, 4);
    aif_trace_destroy(t);
}

/* Many rows and one very long field: records straddle window refills and force growth. */
static void streams_across_refills(void **state) {
    (void)state;
    size_t rows = 60000;
    size_t longlen = 600000;
    size_t cap = 64 + rows * 40 + longlen + 64;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "job_id,submit_s,gpus,duration_s,user\n");
    for (size_t i = 0; i < rows; i++) {
        /* Reverse submit order so the sort has work to do. */
        n += (size_t)snprintf(text + n, cap - n, "%zu,%zu,%zu,%zu.5,u%zu\n", i, rows - i, 1 + i % 8,
                              1 + i % 100, i % 7);
        if (i == rows / 2) {
            n += (size_t)snprintf(text + n, cap - n, "x,1,1,1,\"");
            memset(text + n, 'q', longlen);
            n += longlen;
            n += (size_t)snprintf(text + n, cap - n, "\"\n");
        }
    }
    aif_trace *t = parse_ok(text, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_count(t), rows + 1);
    const aif_job *j = aif_trace_jobs(t);
    for (size_t i = 1; i < rows + 1; i++) {
        assert_true(j[i - 1].submit_ns <= j[i].submit_ns);
    }
    assert_int_equal(j[rows].id, 0);
    assert_int_equal(j[rows].submit_ns, (int64_t)rows * NS);
    /* "x" (submit 1) was read before row rows-1 (submit 1): file order wins the tie. */
    assert_int_equal(j[0].submit_ns, 1 * NS);
    assert_string_equal(aif_trace_string(t, j[0].name), "x");
    assert_int_equal(j[0].id, (int64_t)rows / 2 + 2);
    assert_int_equal(strlen(aif_trace_string(t, j[0].user)), longlen);
    assert_int_equal(j[1].submit_ns, 1 * NS);
    assert_int_equal(j[1].id, (int64_t)rows - 1);
    aif_trace_destroy(t);
    free(text);
}

static void corrupt_zstd_is_an_io_error(void **state) {
    (void)state;
    char src[1024];
    data_path(src, sizeof src, "tiresias_60_job.csv");
    char dir[] = "/tmp/aif_trace_XXXXXX";
    int fd = mkstemp(dir);
    assert_true(fd >= 0);
    /* A zstd frame header followed by garbage, then a cut-off frame. */
    static const unsigned char junk[] = {0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33};
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    aif_trace *t = NULL;
    aif_error err;
    assert_int_equal(aif_trace_read(NULL, dir, NULL, &t, &err), AIF_EIO);
    assert_null(t);

    char philly[1024];
    data_path(philly, sizeof philly, "philly.csv.zst");
    FILE *in = fopen(philly, "rb");
    assert_non_null(in);
    unsigned char buf[65536];
    size_t got = fread(buf, 1, sizeof buf, in);
    fclose(in);
    FILE *out = fopen(dir, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(buf, 1, got, out), got);
    fclose(out);
    aif_trace_options opt = {AIF_TRACE_AUTO, true}; /* a cut row is bad; the cut frame is not */
    assert_int_equal(aif_trace_read(NULL, dir, &opt, &t, &err), AIF_EIO);
    assert_non_null(strstr(SHOWN(err), "truncated zstd"));
    unlink(dir);
}

static void stats_even_median_and_empty(void **state) {
    (void)state;
    aif_trace *t = parse_ok("job_id,submit_s,gpus,duration_s\n1,0,1,4\n2,0,2,1\n3,0,1,10\n"
                            "4,0,4,2.5\n",
                            AIF_TRACE_AUTO, false);
    aif_trace_stats s;
    assert_int_equal(aif_trace_stats_compute(t, &s), AIF_OK);
    assert_near(s.median_duration_s, 3.25, 0);
    assert_near(s.gpu_hours * 3600, 4 + 2 + 10 + 10, 1e-9);
    assert_int_equal(s.single_gpu_jobs, 2);
    aif_trace_destroy(t);
    t = parse_ok("job_id,submit_s,gpus,duration_s\n", AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_stats_compute(t, &s), AIF_OK);
    assert_int_equal(s.jobs, 0);
    assert_int_equal(aif_trace_stats_compute(NULL, &s), AIF_EINVAL);
    aif_trace_destroy(t);
    aif_trace_destroy(NULL);
}

/* Random CSV-like bytes (quotes, commas, CR/LF, digits, dates, NULs) never crash the reader:
 * every input is either read or refused with AIF_EPARSE and a message, and with skip_bad
 * the jobs read are all valid. ASan/UBSan watch the rest. */
static void random_input_is_safe(void **state) {
    (void)state;
    static const char *const pieces[] = {",",
                                         "\"",
                                         "\"\"",
                                         "\n",
                                         "\r\n",
                                         "\r",
                                         " ",
                                         "1",
                                         "0",
                                         "-",
                                         ".",
                                         "e",
                                         "9999999999",
                                         "2017-10-09 07:01:55",
                                         "x",
                                         "\0",
                                         "job_id,submit_s,gpus,duration_s\n",
                                         "timestamp,duration,num_gpus,gpu_time,cluster\n",
                                         "8",
                                         "2.5",
                                         "\"a,b\"",
                                         "0.000000001"};
    size_t np = sizeof pieces / sizeof pieces[0];
    uint64_t x = 88172645463325252u;
    char buf[4096];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        /* Half the rounds start with a valid header so that rows get parsed. */
        if (round % 2 == 0) {
            n = (size_t)snprintf(buf, sizeof buf, "%s", round % 4 ? pieces[16] : pieces[17]);
        }
        int parts = 1 + round % 97;
        for (int i = 0; i < parts; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *p = pieces[x % np];
            size_t len = p[0] == '\0' && np ? 1 : strlen(p);
            if (n + len >= sizeof buf) {
                break;
            }
            memcpy(buf + n, p, len);
            n += len;
        }
        for (int skip = 0; skip < 2; skip++) {
            aif_trace *t = NULL;
            aif_error err;
            aif_trace_options opt = {AIF_TRACE_AUTO, skip == 1};
            aif_status st = aif_trace_parse(NULL, "fuzz", buf, n, &opt, &t, &err);
            if (st == AIF_OK) {
                const aif_job *j = aif_trace_jobs(t);
                for (size_t i = 0; i < aif_trace_count(t); i++) {
                    assert_true(j[i].gpus >= 1 && j[i].duration_ns > 0);
                    assert_true(i == 0 || j[i - 1].submit_ns <= j[i].submit_ns);
                }
                aif_trace_destroy(t);
            } else {
                assert_int_equal(st, AIF_EPARSE);
                assert_null(t);
                assert_true(strlen(SHOWN(err)) > 0);
            }
        }
    }
}

/* Every allocation in parse, read (zstd included), sort and stats may fail: an error comes
 * back and nothing leaks. */
/* The parsers read plain numbers ("123", "123.456": at most 9 digits each side) on a fast
 * path and everything else on the general one; both must give the same value. Appending
 * "e0" (seconds) or ".0" (integers) sends the same number down the general path, so each
 * random number is read both ways; the boundaries of the fast shapes are pinned exactly. */
static void number_fast_paths_agree_with_general(void **state) {
    (void)state;
    int64_t v, w;
    uint64_t x = 88172645463325252u; /* xorshift64: reproducible digits */
    char a[64], b[70];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int id = (int)(x % 12) + 1, fd = (int)(x >> 8) % 12;
        int n =
            snprintf(a, sizeof a, "%.*llu", id, (unsigned long long)((x >> 16) % 1000000000000u));
        if (fd > 0 || (x >> 60) % 2) {
            n += snprintf(a + n, sizeof a - (size_t)n, ".%0*llu", fd,
                          (unsigned long long)((x >> 20) % 1000000000000u));
        }
        a[n > 40 ? 40 : n] = '\0';
        snprintf(b, sizeof b, "%se0", a);
        aif_status sa = aif__parse_seconds(a, &v), sb = aif__parse_seconds(b, &w);
        assert_int_equal(sa, sb);
        if (sa == AIF_OK) {
            assert_int_equal(v, w);
        }
        if (strchr(a, '.') == NULL) {
            snprintf(b, sizeof b, "%s.0", a);
            sa = aif__parse_int(a, 0, INT64_MAX, &v);
            sb = aif__parse_int(b, 0, INT64_MAX, &w);
            assert_int_equal(sa, sb);
            if (sa == AIF_OK) {
                assert_int_equal(v, w);
            }
        }
    }
    assert_int_equal(aif__parse_seconds("999999999.999999999", &v), AIF_OK);
    assert_int_equal(v, 999999999999999999);
    assert_int_equal(aif__parse_seconds("1000000000", &v), AIF_OK);
    assert_int_equal(v, 1000000000 * NS);
    assert_int_equal(aif__parse_seconds("9223372036", &v), AIF_OK);
    assert_int_equal(v, 9223372036 * NS);
    assert_int_equal(aif__parse_seconds("9223372037", &v), AIF_ERANGE);
    /* 18 significant digits are kept (the 19th is below a nanosecond here). */
    assert_int_equal(aif__parse_seconds("9223372036.854775807", &v), AIF_OK);
    assert_int_equal(v, 9223372036854775800);
    assert_int_equal(aif__parse_seconds("9223372036.85477581", &v), AIF_ERANGE);
    assert_int_equal(aif__parse_seconds("1.2345678905", &v), AIF_OK);
    assert_int_equal(v, 1234567891); /* a tenth digit rounds */
    assert_int_equal(aif__parse_seconds("5.", &v), AIF_OK);
    assert_int_equal(v, 5 * NS);
    assert_int_equal(aif__parse_seconds(".5", &v), AIF_OK);
    assert_int_equal(v, NS / 2);
    assert_int_equal(aif__parse_seconds("000000000012.5", &v), AIF_OK);
    assert_int_equal(v, 12 * NS + NS / 2);
    assert_int_equal(aif__parse_seconds("1.5 ", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_seconds("1..5", &v), AIF_EPARSE);
    assert_int_equal(aif__parse_int("123456789012345678", INT64_MIN, INT64_MAX, &v), AIF_OK);
    assert_int_equal(v, 123456789012345678);
    assert_int_equal(aif__parse_int("1234567890123456789", 0, INT64_MAX, &v), AIF_OK);
    assert_int_equal(v, 1234567890123456789); /* 19 digits: the general path */
    assert_int_equal(aif__parse_int("007", 0, 10, &v), AIF_OK);
    assert_int_equal(v, 7);
    assert_int_equal(aif__parse_int("5", 6, 10, &v), AIF_ERANGE);
    assert_int_equal(aif__parse_int("0", 1, 10, &v), AIF_ERANGE);
    assert_int_equal(aif__parse_int("+5", 0, 10, &v), AIF_OK);
    assert_int_equal(v, 5);
    assert_int_equal(aif__parse_int("5x", 0, 10, &v), AIF_EPARSE);
}

/* Quoted fields (with commas, doubled quotes and newlines) scattered through a trace of
 * several reader windows: the reader looks for quotes once per window, and must still see
 * every one, keep line numbers, and read the unquoted rows between them. */
static void quotes_scattered_across_windows(void **state) {
    (void)state;
    size_t rows = 60000;
    size_t cap = 64 + rows * 64;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "job_id,submit_s,gpus,duration_s,user\n");
    for (size_t i = 0; i < rows; i++) {
        if (i % 1013 == 5) {
            n += (size_t)snprintf(text + n, cap - n, "%zu,%zu,\"%zu\",9,\"a\nb,\"\"%zu\"\"\"\n", i,
                                  i, 1 + i % 8, i);
        } else if (i % 97 == 3) {
            n += (size_t)snprintf(text + n, cap - n, "%zu,%zu,%zu,9,\"u,%zu\"\n", i, i, 1 + i % 8,
                                  i);
        } else {
            n += (size_t)snprintf(text + n, cap - n, "%zu,%zu,%zu,9,p\n", i, i, 1 + i % 8);
        }
    }
    assert_true(n > 3 * 256 * 1024);
    aif_trace *t = parse_ok(text, AIF_TRACE_AUTO, false);
    assert_int_equal(aif_trace_count(t), rows);
    const aif_job *j = aif_trace_jobs(t);
    unsigned long line = 2;
    char want[64];
    for (size_t i = 0; i < rows; i++) {
        assert_int_equal(j[i].id, (int64_t)i);
        assert_int_equal(j[i].submit_ns, (int64_t)i * NS);
        assert_int_equal(j[i].gpus, 1 + (int)(i % 8));
        assert_int_equal(j[i].line, line);
        if (i % 1013 == 5) {
            snprintf(want, sizeof want, "a\nb,\"%zu\"", i);
            line += 2;
        } else if (i % 97 == 3) {
            snprintf(want, sizeof want, "u,%zu", i);
            line++;
        } else {
            snprintf(want, sizeof want, "p");
            line++;
        }
        assert_string_equal(aif_trace_string(t, j[i].user), want);
    }
    aif_trace_destroy(t);
    free(text);
}

/* The job array is sized once from the input's size and the bytes per row of the first
 * 1024 rows. Rows much longer or shorter later (an under- or over-estimate), skipped rows,
 * and an out-of-order last row: every job is still read, exactly and in order; and every
 * allocation failure on the way is clean. */
static void presized_array_any_row_lengths(void **state) {
    (void)state;
    size_t rows = 5000;
    size_t cap = 64 + rows * 300;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int shape = 0; shape < 3; shape++) {
        size_t n = (size_t)snprintf(text, cap, "job_id,submit_s,gpus,duration_s,user\n");
        for (size_t i = 0; i < rows; i++) {
            /* Shape 0: short rows first (under-estimate); 1: long first; 2: bad rows too. */
            bool long_row = shape == 0 ? i >= 1024 : shape == 1 ? i < 1024 : i % 3 == 0;
            int pad = long_row ? 200 : 1;
            size_t submit = i == rows - 1 ? 1 : i + 10;
            if (shape == 2 && i % 11 == 0) {
                n += (size_t)snprintf(text + n, cap - n, "%zu,%zu,zero,1,x\n", i, submit);
                continue;
            }
            n += (size_t)snprintf(text + n, cap - n, "%zu,%zu,%zu,%zu,%0*d\n", i, submit, 1 + i % 4,
                                  1 + i % 50, pad, 0);
        }
        size_t expect = shape == 2 ? rows - (rows + 10) / 11 : rows;
        for (long k = 0; k < 40; k++) {
            aif_test_allocator ta;
            aif_test_allocator_init(&ta, k);
            aif_trace *t = NULL;
            aif_trace_options opt = {AIF_TRACE_AUTO, true};
            aif_status st = aif_trace_parse(&ta.base, "t", text, n, &opt, &t, NULL);
            if (k > 0 && ta.failures > 0) {
                assert_int_equal(st, AIF_ENOMEM);
                assert_null(t);
                assert_int_equal(ta.live_blocks, 0);
                continue;
            }
            assert_int_equal(st, AIF_OK);
            assert_int_equal(aif_trace_count(t), expect);
            assert_int_equal(aif_trace_skipped_rows(t), rows - expect);
            const aif_job *j = aif_trace_jobs(t);
            /* The last row (submit 1) sorts first; the rest keep file order. */
            assert_int_equal(j[0].id, (int64_t)rows - 1);
            assert_int_equal(j[0].submit_ns, NS);
            size_t m = 1;
            for (size_t i = 0; i + 1 < rows; i++) {
                if (shape == 2 && i % 11 == 0) {
                    continue;
                }
                assert_int_equal(j[m].id, (int64_t)i);
                assert_int_equal(j[m].submit_ns, (int64_t)(i + 10) * NS);
                assert_int_equal(j[m].gpus, 1 + (int)(i % 4));
                assert_int_equal(j[m].duration_ns, (int64_t)(1 + i % 50) * NS);
                m++;
            }
            assert_int_equal(m, expect);
            aif_trace_destroy(t);
            assert_int_equal(ta.live_blocks, 0);
            if (k > 0) {
                break; /* no failure happened at k: all later k succeed the same way */
            }
        }
    }
    free(text);
}

/* A .csv.zst of two frames: the reader sizes its job array from the first frame's
 * recorded content size (a small part of the text here), so it must grow past that
 * estimate; every row of both frames is read, in order. */
static void zstd_frames_sized_from_first_frame(void **state) {
    (void)state;
    size_t rows = 6000, split = 1500;
    size_t cap = 64 + rows * 40;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "job_id,submit_s,gpus,duration_s\n"), cut = 0;
    for (size_t i = 0; i < rows; i++) {
        if (i == split) {
            cut = n;
        }
        n += (size_t)snprintf(text + n, cap - n, "%zu,%zu.25,%zu,%zu\n", i, i, 1 + i % 8, 1 + i);
    }
    size_t zcap = ZSTD_compressBound(n) + 64;
    char *z = malloc(zcap);
    assert_non_null(z);
    size_t z1 = ZSTD_compress(z, zcap, text, cut, 3);
    assert_false(ZSTD_isError(z1));
    size_t z2 = ZSTD_compress(z + z1, zcap - z1, text + cut, n - cut, 3);
    assert_false(ZSTD_isError(z2));
    assert_int_equal(ZSTD_getFrameContentSize(z, z1), cut); /* the size is recorded */
    char path[] = "/tmp/aif_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, z, z1 + z2), (ssize_t)(z1 + z2));
    close(fd);
    aif_trace *t = NULL;
    aif_error err;
    assert_int_equal(aif_trace_read(NULL, path, NULL, &t, &err), AIF_OK);
    assert_int_equal(aif_trace_count(t), rows);
    const aif_job *j = aif_trace_jobs(t);
    for (size_t i = 0; i < rows; i++) {
        assert_int_equal(j[i].id, (int64_t)i);
        assert_int_equal(j[i].submit_ns, (int64_t)i * NS + NS / 4);
        assert_int_equal(j[i].gpus, 1 + (int)(i % 8));
        assert_int_equal(j[i].duration_ns, (int64_t)(1 + i) * NS);
        assert_int_equal(j[i].line, i + 2);
    }
    aif_trace_destroy(t);
    unlink(path);
    free(z);
    free(text);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    char path[1024];
    data_path(path, sizeof path, "openb_pod_list_default.csv.zst");
    const char *text = "job_id,submit_s,gpus,duration_s,user\n3,5,1,1,a\n2,4,1,1,b\n1,3,1,1,c\n";
    for (int which = 0; which < 2; which++) {
        bool succeeded = false;
        for (long n = 1; !succeeded; n++) {
            aif_test_allocator ta;
            aif_test_allocator_init(&ta, n);
            aif_trace *t = NULL;
            aif_error err;
            aif_trace_options opt = {AIF_TRACE_AUTO, true};
            aif_status st = which == 0
                                ? aif_trace_parse(&ta.base, "t", text, strlen(text), &opt, &t, &err)
                                : aif_trace_read(&ta.base, path, &opt, &t, &err);
            if (st == AIF_OK) {
                aif_trace_stats s;
                aif_status ss = aif_trace_stats_compute(t, &s);
                assert_true(ss == AIF_OK || ss == AIF_ENOMEM);
                succeeded = ta.failures == 0 && ss == AIF_OK;
                aif_trace_destroy(t);
            } else {
                assert_true(st == AIF_ENOMEM || (which == 1 && st == AIF_EIO));
                assert_null(t);
            }
            assert_int_equal(ta.live_blocks, 0);
            assert_true(n < 200);
        }
    }
}

/* The row fast path: records of plain numbers in the four generic columns are read in one
 * pass (aif__csv_plain_row), everything else by the splitter and the general parsers. A
 * fifth, unmapped column turns the fast path off, so the same rows read with and without
 * it must give the same jobs, the same skipped count and the same first error, on random
 * rows built from fields at and around the fast shape's edges. */
static void plain_rows_agree_with_general(void **state) {
    (void)state;
    static const char *const vals[] = {"0",
                                       "1",
                                       "7",
                                       "007",
                                       "12.5",
                                       "5.",
                                       ".5",
                                       "-3",
                                       "+4",
                                       "1e3",
                                       "",
                                       "123456789",
                                       "1234567890",
                                       "1.1234567891",
                                       "999999999.999999999",
                                       "x",
                                       "16777216",
                                       "16777217",
                                       "8.0",
                                       "1..2",
                                       " 3",
                                       "4 ",
                                       "\"8\"",
                                       "2017-10-09 07:01:55",
                                       "123456789012345678",
                                       "1234567890123456789",
                                       "3.000000001",
                                       "0.0"};
    size_t nv = sizeof vals / sizeof vals[0];
    uint64_t x = 0x9E3779B97F4A7C15u;
    char plain[8192], general[8192];
    for (int round = 0; round < 1500; round++) {
        size_t a = (size_t)snprintf(plain, sizeof plain, "job_id,submit_s,gpus,duration_s\n");
        size_t b = (size_t)snprintf(general, sizeof general, "job_id,submit_s,gpus,duration_s,n\n");
        int rows = 1 + round % 40;
        for (int r = 0; r < rows; r++) {
            const char *f[4];
            for (int c = 0; c < 4; c++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                /* Mostly valid numbers, so that whole traces succeed often enough. */
                f[c] = x % 4 ? vals[1 + (x >> 8) % 5] : vals[(x >> 8) % nv];
            }
            a += (size_t)snprintf(plain + a, sizeof plain - a, "%s,%s,%s,%s\n", f[0], f[1], f[2],
                                  f[3]);
            b += (size_t)snprintf(general + b, sizeof general - b, "%s,%s,%s,%s,\n", f[0], f[1],
                                  f[2], f[3]);
        }
        for (int skip = 0; skip < 2; skip++) {
            aif_trace *tp = NULL, *tg = NULL;
            aif_error ep, eg;
            aif_trace_options opt = {AIF_TRACE_AUTO, skip == 1};
            aif_status sp = aif_trace_parse(NULL, "t", plain, a, &opt, &tp, &ep);
            aif_status sg = aif_trace_parse(NULL, "t", general, b, &opt, &tg, &eg);
            assert_int_equal(sp, sg);
            assert_string_equal(SHOWN(ep), SHOWN(eg));
            assert_int_equal(ep.line, eg.line);
            if (sp != AIF_OK) {
                continue;
            }
            assert_int_equal(aif_trace_count(tp), aif_trace_count(tg));
            assert_int_equal(aif_trace_skipped_rows(tp), aif_trace_skipped_rows(tg));
            const aif_job *jp = aif_trace_jobs(tp), *jg = aif_trace_jobs(tg);
            for (size_t i = 0; i < aif_trace_count(tp); i++) {
                assert_int_equal(jp[i].submit_ns, jg[i].submit_ns);
                assert_int_equal(jp[i].duration_ns, jg[i].duration_ns);
                assert_int_equal(jp[i].id, jg[i].id);
                assert_int_equal(jp[i].gpus, jg[i].gpus);
                assert_int_equal(jp[i].gpu_milli, jg[i].gpu_milli);
                assert_int_equal(jp[i].line, jg[i].line);
                assert_string_equal(aif_trace_string(tp, jp[i].name),
                                    aif_trace_string(tg, jg[i].name));
                assert_int_equal(
                    jp[i].priority | jp[i].user | jp[i].vc | jp[i].gpu_type | jp[i].status, 0);
            }
            aif_trace_destroy(tp);
            aif_trace_destroy(tg);
        }
    }
}

/* aif__csv_plain_row on exact values and on each way out of the fast shape. */
static void plain_row_shapes(void **state) {
    (void)state;
    const unsigned char k[4] = {PLAIN_INT, PLAIN_SECONDS, PLAIN_INT, PLAIN_SECONDS};
    int64_t v[4];
    const char *ok = "12,0.5,3,999999999.000000001";
    assert_true(aif__csv_plain_row(ok, strlen(ok), k, 4, v));
    assert_int_equal(v[0], 12);
    assert_int_equal(v[1], NS / 2);
    assert_int_equal(v[2], 3);
    assert_int_equal(v[3], 999999999 * NS + 1);
    const char *also = "123456789012345678,5.,0,7";
    assert_true(aif__csv_plain_row(also, strlen(also), k, 4, v));
    assert_int_equal(v[0], 123456789012345678);
    assert_int_equal(v[1], 5 * NS);
    assert_int_equal(v[2], 0); /* in shape: range checks are the caller's */
    assert_int_equal(v[3], 7 * NS);
    static const char *const out[] = {"1,2,3",
                                      "1,2,3,4,",
                                      "1,2,3,4,5",
                                      ",2,3,4",
                                      "1,,3,4",
                                      "1,2,3,",
                                      "1, 2,3,4",
                                      "1,2 ,3,4",
                                      "1,\"2\",3,4",
                                      "-1,2,3,4",
                                      "1,+2,3,4",
                                      "1,2e0,3,4",
                                      "1,.5,3,4",
                                      "1,1.2.3,3,4",
                                      "1,2,3.0,4",
                                      "1,1234567890,3,4",
                                      "1,1.1234567891,3,4",
                                      "1234567890123456789,2,3,4",
                                      "1,2,3,4\r",
                                      "1,2017-10-09,3,4",
                                      "1,2,3,4x"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        if (aif__csv_plain_row(out[i], strlen(out[i]), k, 4, v)) {
            fail_msg("'%s' taken as plain", out[i]);
        }
    }
    const char nul[] = "1,2\0,3,4";
    assert_false(aif__csv_plain_row(nul, sizeof nul - 1, k, 4, v));
}

/* aif__pages_next arranges pages ahead of a writer: it never changes the bytes already
 * written, always asks to be called again past the current fill, and gives up (returns
 * cap) when no whole huge page is left. */
static void pages_ahead_of_the_writer(void **state) {
    (void)state;
    size_t cap = (size_t)9 << 20;
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    aif__pages pg = {0};
    size_t filled = 0, calls = 0, mark = 0;
    while (filled < cap) {
        if (filled >= mark) {
            mark = aif__pages_next(&pg, buf, cap, filled);
            calls++;
            assert_true(mark > filled && mark <= cap);
        }
        size_t step = 4096 + 24;
        step = filled + step > cap ? cap - filled : step;
        for (size_t i = filled; i < filled + step; i++) {
            buf[i] = (unsigned char)(i * 7);
        }
        filled += step;
    }
    for (size_t i = 0; i < cap; i++) {
        if (buf[i] != (unsigned char)(i * 7)) {
            fail_msg("byte %zu changed", i);
        }
    }
    assert_true(calls >= 2 && calls <= 8); /* about once per 2 MiB, not per write */
    aif__pages small = {0};
    assert_int_equal(aif__pages_next(&small, buf, 4096, 0), 4096);
    assert_int_equal(aif__pages_next(&small, buf, cap, cap), cap);
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_split_rules),
        cmocka_unit_test(value_parsers),
        cmocka_unit_test(times_within_limit),
        cmocka_unit_test(format_names),
        cmocka_unit_test(generic_sorted_stably_with_strings),
        cmocka_unit_test(philly_format_dates),
        cmocka_unit_test(helios_and_acme_logs),
        cmocka_unit_test(alibaba_openb_pods),
        cmocka_unit_test(bundled_files),
        cmocka_unit_test(philly_exact_counts),
        cmocka_unit_test(bad_rows_report_file_line_field),
        cmocka_unit_test(quoted_newlines_keep_line_numbers),
        cmocka_unit_test(streams_across_refills),
        cmocka_unit_test(corrupt_zstd_is_an_io_error),
        cmocka_unit_test(stats_even_median_and_empty),
        cmocka_unit_test(random_input_is_safe),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(number_fast_paths_agree_with_general),
        cmocka_unit_test(quotes_scattered_across_windows),
        cmocka_unit_test(presized_array_any_row_lengths),
        cmocka_unit_test(zstd_frames_sized_from_first_frame),
        cmocka_unit_test(plain_rows_agree_with_general),
        cmocka_unit_test(plain_row_shapes),
        cmocka_unit_test(pages_ahead_of_the_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
